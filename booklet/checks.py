"""Editorial checks beyond validity: glossary use, sources, review age, reading grade."""
from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass

from . import model as m
from .assemble import section_text
from .content import shown
from .readability import grade

REVIEW_MAX_AGE = dt.timedelta(days=2 * 365)
GRADE_LIMIT = 8.0
GRADE_TARGET = 6.0


@dataclass(frozen=True)
class Finding:
    """One line of `booklet check` output: a problem, or a plain report."""

    level: str  # "problem" or "info"
    text: str


def terms_used(section: m.Section, terms: dict[str, m.Term]) -> set[str]:
    """Ids of glossary terms whose term or forms appear in the section's text, whole words."""
    text = section_text(section)
    return {tid for tid, term in terms.items()
            if any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE)
                   for w in (term.term, *term.forms))}


def check_library(library: m.Library, today: dt.date) -> list[Finding]:
    """Findings for a valid library: unlisted terms, missing sources, stale reviews, grades."""
    findings: list[Finding] = []
    grades = {}
    for s in library.sections.values():
        where = shown(s.path)
        missing = sorted(terms_used(s, library.terms) - set(s.glossary))
        if missing:
            findings.append(Finding("problem", f"{where}: glossary: the text uses {', '.join(missing)}"
                                               " but does not list them. Fix: add them."))
        if not s.sources:
            findings.append(Finding("problem", f"{where}: sources: none given."
                                               " Fix: cite where the facts come from."))
        if today - s.reviewed > REVIEW_MAX_AGE:
            findings.append(Finding("problem", f"{where}: reviewed: {s.reviewed} is more than two"
                                               " years ago. Fix: review the facts and update it."))
        grades[s.id] = grade(section_text(s), library.info.language)
        if grades[s.id] > GRADE_LIMIT:
            findings.append(Finding("problem", f"{where}: reading grade {grades[s.id]:.1f} is above"
                                               f" {GRADE_LIMIT:.0f}. Fix: shorter sentences and"
                                               " everyday words."))
    for sid, g in grades.items():
        findings.append(Finding("info", f"reading grade {g:4.1f}  {sid}"))
    if grades:
        median = statistics.median(grades.values())
        level = "problem" if median > GRADE_TARGET else "info"
        findings.append(Finding(level, f"median reading grade {median:.1f}"
                                       f" (target {GRADE_TARGET:.0f} or lower)"))
    return findings
