"""Editorial checks beyond validity: glossary use, sources, review age, reading grade, and
whether each short form fits its sheet."""
from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass

from reportlab.platypus.doctemplate import LayoutError

from . import model as m
from .assemble import iter_texts, plan_document, section_text
from .errors import InputError
from .fonts import check_glyphs, fonts_for
from .language import language_info
from .layout.document import measure_pages
from .readability import grade, has_dictionary, inflesz, inflesz_band
from .yamlfile import shown

REVIEW_MAX_AGE = dt.timedelta(days=2 * 365)
GRADE_LIMIT = 8.0
GRADE_TARGET = 6.0
INFLESZ_LIMIT = 55.0    # below this a Spanish text is 'algo difícil' (somewhat hard)
INFLESZ_TARGET = 65.0   # 'bastante fácil' (fairly easy), the band for patient information


@dataclass(frozen=True)
class Finding:
    """One line of `booklet check` output: a problem, or a plain report."""

    level: str  # "problem" or "info"
    text: str


def terms_used(section: m.Section, terms: dict[str, m.Term],
               inside_longer: bool = True) -> set[str]:
    """Ids of glossary terms whose term or forms appear in the section's text, whole words.

    With `inside_longer` false, longer names are found first and a name inside one already
    found does not count: 'TNE de páncreas' then uses the term for a pNET only. A section
    must list every term it uses on its own, and may list terms inside longer ones."""
    text = section_text(section)
    names = sorted(((w, tid) for tid, term in terms.items() for w in (term.term, *term.forms)),
                   key=lambda pair: -len(pair[0]))
    taken = [False] * len(text)
    used = set()
    for word, tid in names:
        for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE):
            if inside_longer or not any(taken[match.start():match.end()]):
                taken[match.start():match.end()] = [True] * (match.end() - match.start())
                used.add(tid)
    return used


def check_library(library: m.Library, today: dt.date) -> list[Finding]:
    """Findings for a valid library: unlisted terms, missing sources, stale reviews, grades."""
    findings: list[Finding] = []
    grades = {}
    from .translate import unreviewed
    for name, counts in unreviewed(library.root).items():
        findings.append(Finding("problem", f"{shown(library.root / name)}: {counts['initial']}"
                                f" units not translated, {counts['translated']} not reviewed"
                                " (translation.yaml). Fix: translate and review them, then"
                                " import the translation again."))
    scoring = _readability(library)
    if scoring is None:
        findings.append(Finding("info", f"{shown(library.root)}: no reading measure for"
                                f" {library.info.language} (language.yaml: readability:"
                                " none); have a reader check the level."))
    name, measure, limit, target, english = scoring or ("", None, 0, 0, True)
    for s in library.sections.values():
        where = shown(s.path)
        missing = sorted(terms_used(s, library.terms, inside_longer=False)
                         - set(s.glossary))
        if missing:
            findings.append(Finding("problem", f"{where}: glossary: the text uses {', '.join(missing)}"
                                               " but does not list them. Fix: add them."))
        if not s.sources:
            findings.append(Finding("problem", f"{where}: sources: none given."
                                               " Fix: cite where the facts come from."))
        if today - s.reviewed > REVIEW_MAX_AGE:
            findings.append(Finding("problem", f"{where}: reviewed: {s.reviewed} is more than two"
                                               " years ago. Fix: review the facts and update it."))
        if measure is None:
            continue
        grades[s.id] = score = measure(section_text(s))
        if score > limit if english else score < limit:
            findings.append(Finding("problem", f"{where}: {name} {score:.1f} is"
                                               f" {'above' if english else 'below'} {limit:.0f}."
                                               " Fix: shorter sentences and everyday words."))
    for sid, score in grades.items():
        band = "" if english else f"  ({inflesz_band(score)})"
        findings.append(Finding("info", f"{name} {score:5.1f}  {sid}{band}"))
    if grades:
        median = statistics.median(grades.values())
        missed = median > target if english else median < target
        findings.append(Finding("problem" if missed else "info",
                                f"median {name} {median:.1f} (target {target:.0f} or"
                                f" {'lower' if english else 'higher'})"))
    return findings


from .choices import PAPERS


def handout_page_limit(style: m.Style) -> int:
    """Pages a one-section handout may take: a sheet, front and back; two sheets at 24 pt."""
    return 4 if style.base_size >= 24 else 2


def check_handouts(library: m.Library, styles: list[m.Style]) -> list[Finding]:
    """Each short form laid out in every style on every paper: one that takes more pages
    than its sheet is a problem naming the section, the style and the paper."""
    findings = []
    for section in library.sections.values():
        if section.handout is None:
            continue
        for style in styles:
            for paper in PAPERS:
                try:
                    plan = plan_document(library, style, [section], "handout", paper)
                    check_glyphs(fonts_for(style), iter_texts(plan))
                    pages = measure_pages(plan)
                except InputError as error:
                    findings += [Finding("problem", line) for line in error.problems]
                    continue
                except LayoutError as error:
                    findings.append(Finding("problem", f"{shown(section.path)}: handout: cannot"
                                            f" be laid out in the style '{style.id}' on {paper}"
                                            f" paper ({str(error).splitlines()[0][:80]})."))
                    continue
                most = handout_page_limit(style)
                if pages > most:
                    findings.append(Finding("problem", f"{shown(section.path)}: handout: takes"
                                            f" {pages} pages in the style '{style.id}' on {paper}"
                                            f" paper; a handout sheet holds {most}. Fix: shorten"
                                            " its short form."))
    return list(dict.fromkeys(findings))   # a style's problem is said once, not per section


def _readability(library: m.Library):
    """How to score a section's text: (name, measure, limit, target, lower is easier), as the
    language's language.yaml says; None when the language has no reading measure."""
    language, measure = library.info.language, language_info(library.root).measure
    if measure == "none" or (measure == "flesch-kincaid" and not has_dictionary(language)):
        return None                     # no syllable dictionary: no grade to trust
    if measure == "inflesz":
        return "INFLESZ", inflesz, INFLESZ_LIMIT, INFLESZ_TARGET, False
    return ("reading grade", lambda text: grade(text, language), GRADE_LIMIT, GRADE_TARGET,
            True)


def check_twins(libraries: list[m.Library]) -> list[Finding]:
    """Every language holds the same sections, terms, questions and presets as the first."""
    first, findings = libraries[0], []

    def ids(library: m.Library) -> dict[str, set]:
        return {
            "section": set(library.sections), "glossary term": set(library.terms),
            "question group": set(library.groups),
            "question": {q.id for g in library.groups.values() for q in g.questions},
            "preset": set(library.presets),
            "plan keyword": {f"{k} -> {', '.join(v)}"
                             for k, v in library.plan_keywords.items()},
            "FHIR code": {f"{system}|{code} -> {', '.join(v) or 'no keyword'}"
                          for (system, code), v in library.fhir_codes.items()}}

    mine = ids(first)
    for other in libraries[1:]:
        theirs = ids(other)
        for kind in mine:
            pairs = ((first, other, mine[kind] - theirs[kind]),
                     (other, first, theirs[kind] - mine[kind]))
            if kind == "plan keyword":     # a language may add its own words for a plan
                pairs = pairs[:1]
            for has, lacks, missing in pairs:
                for item in sorted(missing):
                    findings.append(Finding("problem", f"{shown(lacks.root)}: the {kind}"
                                    f" '{item}' of {shown(has.root)} has no twin here. Fix:"
                                    f" add it in {lacks.info.language}, with the same id."))
        if list(first.info.order) != list(other.info.order):
            findings.append(Finding("problem", f"{shown(other.root)}/booklet.yaml: order:"
                                    f" differs from {shown(first.root)}/booklet.yaml. Fix: use"
                                    " the same reading order in every language."))
        for pid in mine["preset"] & theirs["preset"]:
            if first.presets[pid].sections != other.presets[pid].sections:
                findings.append(Finding("problem", f"{shown(other.root)}/presets.yaml: {pid}:"
                                        " sections differ from the other language. Fix: list"
                                        " the same sections."))
    return findings
