"""The bundled pNET content: complete, reachable, plain, cited, and in our own words."""
from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from booklet import model as m
from booklet.assemble import section_text
from booklet.editorial import check_library, terms_used
from booklet.readability import grade
from booklet.resources import bundled

SHARED = Path(__file__).resolve().parents[2] / "shared"
REQUIRED_SECTIONS = {
    "what-is-a-pnet", "finding-a-pnet", "stage-and-grade", "choosing-treatment", "surgery",
    "liver-spread", "radiation-therapy", "radioactive-drugs", "chemotherapy", "targeted-therapy",
    "somatostatin-analogs", "hormone-symptom-medicines", "other-treatments", "clinical-trials",
    "after-treatment", "living-with-a-pnet", "when-to-call"}
REQUIRED_PRESETS = {"newly-diagnosed", "before-surgery", "medicines", "advanced-disease",
                    "after-treatment", "everything"}


def words(text: str) -> int:
    return len(text.split())


def test_every_topic_has_its_section(library):
    assert REQUIRED_SECTIONS <= set(library.sections)


def test_every_section_is_reachable_from_a_preset_other_than_everything(library):
    reachable = {sid for p in library.presets.values() if p.id != "everything"
                 for sid in p.sections}
    assert set(library.sections) - reachable == set()
    assert REQUIRED_PRESETS <= set(library.presets)
    assert library.presets["everything"].sections == tuple(library.sections)


def test_every_section_has_key_points_sources_review_and_enough_words(library):
    for s in library.sections.values():
        assert sum(isinstance(b, m.KeyPoints) for b in s.body) == 1, s.id
        assert s.sources, s.id
        assert s.reviewed >= dt.date(2026, 1, 1), s.id
        assert words(section_text(s)) >= 150, s.id
        assert s.questions, s.id


def test_readability_limits_hold(library):
    grades = {s.id: grade(section_text(s)) for s in library.sections.values()}
    assert max(grades.values()) <= 8, grades
    assert statistics.median(grades.values()) <= 6, grades


def test_every_glossary_term_used_is_listed_and_every_listed_term_is_used(library):
    for s in library.sections.values():
        used = terms_used(s, library.terms, inside_longer=False)
        mentioned = terms_used(s, library.terms)
        assert used - set(s.glossary) == set(), (s.id, used - set(s.glossary))
        assert set(s.glossary) - mentioned == set(), (s.id, set(s.glossary) - mentioned)


def test_glossary_is_large_enough_and_pronounced(library):
    assert len(library.terms) >= 40
    for t in library.terms.values():
        assert t.definition, t.id
        assert len([x for x in t.definition.split(". ") if x]) <= 3, t.id
    # medical words say how to say them; everyday words do not need to
    for term_id in ("insulinoma", "octreotide", "lanreotide", "sunitinib", "everolimus"):
        assert library.terms[term_id].pronunciation, term_id
    for term_id in ("care-team", "liver", "stage", "follow-up"):
        if term_id in library.terms:
            assert library.terms[term_id].pronunciation is None, term_id


def test_questions_cover_enough_groups(library):
    questions = [q for g in library.groups.values() for q in g.questions]
    assert len(questions) >= 45
    assert len(library.groups) >= 7


def test_when_to_call_sheet_has_a_warning_box(library):
    sheet = library.sections["when-to-call"]
    assert any(isinstance(b, m.CallCareTeam) for b in sheet.body)


def test_every_handout_says_it_does_not_replace_the_care_team(library):
    assert "not replace advice from your care team" in library.info.disclaimer


def test_check_reports_no_problems(library):
    problems = [f.text for f in check_library(library, dt.date(2026, 11, 23))
                if f.level == "problem"]
    assert problems == []


@pytest.mark.skipif(not (SHARED / "tools" / "overlap_check.py").exists(),
                    reason="../shared (the reference pages) is not beside this checkout")
def test_content_is_in_our_own_words():
    done = subprocess.run([sys.executable, str(SHARED / "tools" / "overlap_check.py"),
                           str(bundled("content"))], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]
