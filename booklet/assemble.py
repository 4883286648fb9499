"""Turn a selection (preset, sections or all) and a style into a DocumentPlan. No reportlab here."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from . import model as m
from .errors import InputError
from .language import language_code, language_info, sort_key
from .specs import did_you_mean
from .style import style_in_language
from .yamlfile import shown

from .choices import FORMATS  # noqa: F401  (re-exported: where the formats are checked)
HANDOUT_MAX_SECTIONS = 2


def choose_sections(library: m.Library, preset: str | None = None,
                    section_ids: Sequence[str] = (), everything: bool = False
                    ) -> tuple[m.Section, ...]:
    """The sections to print, in order; with no choice, the content's default preset."""
    given = sum(bool(x) for x in (preset, section_ids, everything))
    if given > 1:
        raise InputError(["choose sections one way only: --preset, --section or --all."])
    if everything:
        ids: Sequence[str] = tuple(library.sections)
    elif section_ids:
        ids = section_ids
        for sid in ids:
            if sid not in library.sections:
                raise InputError([f"--section: unknown section '{sid}'"
                                  f"{did_you_mean(sid, library.sections)}."
                                  " Fix: run 'booklet list' to see the section ids."])
        if len(set(ids)) != len(ids):
            raise InputError(["--section: a section is chosen twice. Fix: name each once."])
    else:
        name = preset or library.info.default_preset
        if name not in library.presets:
            raise InputError([f"--preset: unknown preset '{name}'"
                              f"{did_you_mean(name, library.presets)}."
                              " Fix: run 'booklet list' to see the presets."])
        ids = library.presets[name].sections
    return tuple(library.sections[sid] for sid in ids)


def add_plan_sections(library: m.Library, sections: Sequence[m.Section],
                      patient: m.Patient | None, format: str = "booklet"
                      ) -> tuple[m.Section, ...]:
    """The chosen sections plus those the patient's plan keywords name, in reading order.
    A handout keeps the sections chosen for it: its keywords are checked, nothing is added
    (the caller says so)."""
    if patient is None or not patient.plan:
        return tuple(sections)
    known = library.plan_keywords
    wanted = {s.id for s in sections}
    origins = patient.plan_origins or ("--plan",) * len(patient.plan)
    for keyword, where in zip(patient.plan, origins):
        if keyword not in known:
            fix = (" Fix: run 'booklet list' to see the plan keywords." if known else
                   " Fix: leave plan out, or add plan_keywords to the content's booklet.yaml.")
            raise InputError([f"{where}: unknown plan keyword '{keyword}'"
                              f"{did_you_mean(keyword, known)}.{fix}"])
        wanted.update(known[keyword])
    if format == "handout":
        return tuple(sections)
    order = list(library.info.order) + [s.id for s in sections if s.id not in library.info.order]
    chosen = {s.id: s for s in sections}
    return tuple(chosen.get(sid) or library.sections[sid] for sid in order if sid in wanted)


def plan_document(library: m.Library, style: m.Style, sections: Sequence[m.Section],
                  format: str = "booklet", paper: str | None = None,
                  full_glossary: bool = False, patient: m.Patient | None = None,
                  fillable: bool = False, duplex: bool = False,
                  draft: bool = False) -> m.DocumentPlan:
    """Gather the question groups and glossary terms the chosen sections need."""
    if format not in FORMATS:
        raise InputError([f"--format: unknown format '{format}'. Fix: use booklet or handout."])
    if format == "handout" and len(sections) > HANDOUT_MAX_SECTIONS:
        raise InputError([f"--format handout: a handout holds one or two sections, not"
                          f" {len(sections)}. Fix: choose fewer with --section, or use"
                          " --format booklet."])
    group_ids = dict.fromkeys(gid for s in sections for gid in s.questions)
    term_ids = library.terms if full_glossary else dict.fromkeys(
        tid for s in sections for tid in s.glossary)
    sheets = ()
    if format == "handout" and all(s.handout is not None for s in sections):
        sheets = tuple(_sheet(library, s) for s in sections)
        group_ids = {}
    language = language_code(library.info.language)
    own_letters = language_info(library.root).own_letters
    terms = sorted((library.terms[t] for t in term_ids),
                   key=lambda term: sort_key(term.term, own_letters))
    return m.DocumentPlan(
        format=format, info=library.info, style=style_in_language(style, language),
        paper=paper or style.paper,
        reviewed=min(s.reviewed for s in sections), sections=tuple(sections),
        question_groups=tuple(library.groups[g] for g in group_ids),
        terms=tuple(terms) if format == "booklet" else (), patient=patient, fillable=fillable,
        duplex=duplex, draft=draft, sheets=sheets, sources=tuple(dict.fromkeys(src for s in sections for src in s.sources)))


def _sheet(library: m.Library, section: m.Section) -> m.Sheet:
    """A section's short form with its question and term ids looked up."""
    questions = {q.id: q for g in library.groups.values() for q in g.questions}
    return m.Sheet(section, tuple(questions[q] for q in section.handout.questions),
                   tuple(library.terms[t] for t in section.handout.glossary))


def iter_texts(plan: m.DocumentPlan) -> Iterator[tuple[str, str]]:
    """Every string the layout will print, with where it came from (for glyph checks)."""
    info, style = plan.info, plan.style
    for name in ("title", "subtitle", "short_title", "disclaimer"):
        yield f"booklet.yaml: {name}", getattr(info, name)
    for name in ("clinic", "helpline", "disclaimer", "qr"):
        if getattr(style, name):
            yield f"{shown(style.path)}: {name}", getattr(style, name)
    for name in ("phone", "hours", "address", "website"):
        if getattr(style.contacts, name):
            yield f"{shown(style.path)}: contacts.{name}", getattr(style.contacts, name)
    for s in plan.sections:
        where = shown(s.path)
        yield f"{where}: title", s.title
        yield f"{where}: summary", s.summary
        for i, src in enumerate(s.sources):
            yield f"{where}: sources[{i}]", f"{src.title} {src.publisher} {src.note or ''}"
        for i, block in enumerate(s.body):
            for text in block_texts(block):
                yield f"{where}: body[{i}].{block.kind}", text
        if s.handout is not None:
            yield from handout_texts(s)
    for g in plan.question_groups:
        yield f"{shown(g.path)}: {g.id}.title", g.title
        for q in g.questions:
            yield f"{shown(g.path)}: {q.id}", q.text
    for sheet in plan.sheets:
        for q in sheet.questions:
            yield f"{shown(sheet.section.path)}: handout question {q.id}", q.text
        for t in sheet.terms:
            yield f"{shown(t.path)}: {t.id}", f"{t.term} {t.definition}"
    for t in plan.terms:
        yield f"{shown(t.path)}: {t.id}", f"{t.term} {t.pronunciation or ''} {t.definition}"
    if plan.patient is not None:
        yield from patient_texts(plan.patient)


def handout_texts(section: m.Section) -> Iterator[tuple[str, str]]:
    """The strings a section's short form prints, each with its file and field."""
    where, form = shown(section.path), section.handout
    yield f"{where}: handout.message", form.message
    for name in ("key_points", "what_to_do", "call_right_away", "call_911"):
        for i, text in enumerate(getattr(form, name)):
            yield f"{where}: handout.{name}[{i}]", text


def patient_texts(patient: m.Patient) -> Iterator[tuple[str, str]]:
    """The patient's strings the layout prints, each with its file and field."""
    where = f"{patient.source}: " if patient.source else ""
    if patient.name:
        yield f"{where}name" if where else "--name", patient.name
    for i, p in enumerate(patient.care_team):
        for name in ("role", "name", "phone"):
            if getattr(p, name):
                yield f"{where}care_team[{i}].{name}", getattr(p, name)
    for i, v in enumerate(patient.visits):
        for name in ("time", "place", "purpose"):
            if getattr(v, name):
                yield f"{where}visits[{i}].{name}", getattr(v, name)
    for i, med in enumerate(patient.medicines):
        for name, value in (("name", med.name), ("for", med.for_), ("how", med.how)):
            if value:
                yield f"{where}medicines[{i}].{name}", value
    for i, text in enumerate(patient.notes):
        yield f"{where}notes (paragraph {i + 1})", text


def block_texts(block: m.Block) -> list[str]:
    """The strings one body block prints."""
    if isinstance(block, (m.Paragraph, m.Heading)):
        return [block.text]
    if isinstance(block, (m.Bullets, m.Steps, m.KeyPoints, m.CallCareTeam, m.Call911)):
        return list(block.items)
    if isinstance(block, m.Table):
        return [*block.columns, *(c for row in block.rows for c in row),
                *([block.caption] if block.caption else [])]
    if isinstance(block, m.Image):
        return [block.alt, *([block.caption] if block.caption else [])]
    if isinstance(block, m.Diagram):
        return [block.alt, *(t for p in block.panels for t in (p.title, p.text, p.note) if t),
                *([block.caption] if block.caption else [])]
    if isinstance(block, m.Quote):
        return [block.text, *([block.by] if block.by else [])]
    return []


def section_text(section: m.Section) -> str:
    """All words a section prints, joined, for readability and glossary checks."""
    parts = [section.title, section.summary]
    for block in section.body:
        if isinstance(block, m.Image):
            parts.extend([block.caption] if block.caption else [])
        elif isinstance(block, m.Diagram):     # its words as printed, not its alt text
            parts.extend(block_texts(block)[1:])
        else:
            parts.extend(block_texts(block))
    return "\n".join(parts)
