"""One-sheet handouts and the shorter booklet, read back from real PDFs."""
from __future__ import annotations

import re
import subprocess
import sys

import pypdf
import pytest
import yaml

from booklet.assemble import add_plan_sections, choose_sections, plan_document
from booklet.output import build_pdf
from booklet.editorial import check_handouts, handout_page_limit
from booklet.content import load_library
from booklet.resources import bundled, bundled_styles, style_path
from booklet.style import load_style

from conftest import FIXTURE_CONTENT
from pdfread import all_chars, page_count, page_texts

STYLES = sorted(bundled_styles())


@pytest.fixture(scope="session")
def libraries():
    return {lang: load_library(bundled("content"), lang) for lang in ("en", "es")}


@pytest.fixture(scope="session")
def styles():
    return {name: load_style(style_path(name)) for name in STYLES}


def _handout(tmp_path, library, style, section_ids, paper=None, patient=None, name="h.pdf"):
    sections = choose_sections(library, None, section_ids)
    plan = plan_document(library, style, sections, "handout", paper, patient=patient)
    pdf, pages = build_pdf(plan)
    path = tmp_path / name
    path.write_bytes(pdf)
    return path, pages, plan


def test_every_bundled_section_has_a_short_form(libraries):
    for library in libraries.values():
        assert [s.id for s in library.sections.values() if s.handout is None] == []


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("style_name", STYLES)
def test_every_short_form_fits_its_sheet(libraries, styles, lang, style_name, tmp_path):
    library, style = libraries[lang], styles[style_name]
    most = handout_page_limit(style)
    assert most == (4 if style.base_size == 24 else 2)
    for section in library.sections.values():
        for paper in ("letter", "a4"):
            path, pages, plan = _handout(tmp_path, library, style, [section.id], paper)
            reader = pypdf.PdfReader(path)
            assert pages == len(reader.pages)
            assert pages <= most, f"{lang} {section.id} {style_name} {paper}: {pages} pages"
            front = reader.pages[0].extract_text()
            assert plan.style.clinic in front
            if style.contacts.phone:     # the clinic's phone is on the front of every sheet
                assert style.contacts.phone in front, (lang, section.id, style_name)


def test_a_sheet_reads_in_order_front_to_back(libraries, styles, tmp_path):
    library = libraries["en"]
    section = library.sections["when-to-call"]
    form = section.handout
    path, _, _ = _handout(tmp_path, library, styles["tallpine-oncology"], ["when-to-call"])
    texts = page_texts(path)
    front, whole = texts[0], re.sub(r"\s+", " ", "\n".join(texts))
    # the front carries the clinic, its phone and hours, the title and the main message
    assert front.startswith("Tallpine Oncology")
    assert "Phone: 555-0177" in front and "Hours: Monday to Saturday" in front
    assert section.title in front
    assert re.sub(r"\s+", " ", form.message)[:40] in re.sub(r"\s+", " ", front)
    # then key points, what to do, the call box, the questions, sources and the disclaimer
    order = [form.key_points[0], "What you can do", form.what_to_do[0],
             "Call your care team right away if:", form.call_right_away[0],
             "Questions to ask your care team", "Sources:",
             "The full booklet: tallpine.example.org/pnet-booklet",
             "This booklet gives general information."]
    places = [whole.find(re.sub(r"\s+", " ", text)[:35]) for text in order]
    assert -1 not in places and places == sorted(places), list(zip(order, places))
    assert whole.rstrip().endswith("Reviewed " + whole.rstrip().split("Reviewed ")[-1])
    # the sources are one short line, with no reading dates
    assert "Read on" not in whole


def test_a_sheet_names_the_patient_and_no_plan_sections(libraries, styles, tmp_path):
    from booklet.patient import patient_from_options
    library = libraries["en"]
    patient = patient_from_options(None, "Robin Example", ("surgery", "octreotide"))
    chosen = choose_sections(library, None, ["when-to-call"])
    assert add_plan_sections(library, chosen, patient, "handout") == chosen
    path, pages, _ = _handout(tmp_path, library, styles["default"], ["when-to-call"],
                              patient=patient)
    assert "For Robin Example" in page_texts(path)[0]
    assert pages <= 2


def test_plan_keywords_on_a_handout_are_reported_not_added(tmp_path):
    run = subprocess.run([sys.executable, "-m", "booklet", "build", "--section", "surgery",
                          "--format", "handout", "--plan", "surgery", "--plan", "octreotide",
                          "-o", str(tmp_path / "h.pdf")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "plan keywords add sections to a booklet only" in run.stderr
    assert "1 sections, handout" in run.stdout
    assert page_count(tmp_path / "h.pdf") <= 2


def test_two_sections_are_two_sheets(libraries, styles, tmp_path):
    library = libraries["en"]
    one, _, _ = _handout(tmp_path, library, styles["default"], ["surgery"], name="one.pdf")
    two, pages, _ = _handout(tmp_path, library, styles["default"], ["surgery", "when-to-call"],
                             name="two.pdf")
    texts = page_texts(two)
    assert pages <= 4
    # the second sheet starts on a front (odd) page; a blank back says so
    second = next(i for i, text in enumerate(texts) if text.startswith("Your cancer care team")
                  and i > 0)
    assert second == 2
    if page_count(one) == 1:
        assert "This page is blank on purpose." in texts[1]
    assert library.sections["when-to-call"].title in texts[second]


def test_nothing_on_a_sheet_is_under_18_pt(libraries, styles, tmp_path):
    for lang in ("en", "es"):
        path, _, _ = _handout(tmp_path, libraries[lang], styles["default"],
                              ["targeted-therapy"], name=f"{lang}.pdf")
        sizes = {round(c["size"], 1) for c in all_chars(path) if c["text"].strip()}
        assert min(sizes) >= 18


def test_a_short_form_that_overflows_is_a_check_finding(content_copy):
    path = content_copy / "sections" / "second.yaml"
    data = yaml.safe_load(path.read_text())
    data["handout"]["key_points"] = [" ".join(["Long point with many words"] * 12)] * 5
    data["handout"]["what_to_do"] = [" ".join(["Another long thing to do"] * 12)] * 5
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    library = load_library(content_copy)
    findings = check_handouts(library, [load_style(style_path("default"))])
    assert findings and all(f.level == "problem" for f in findings)
    assert "second.yaml: handout: takes" in findings[0].text
    assert "style 'default'" in findings[0].text
    run = subprocess.run([sys.executable, "-m", "booklet", "check", "--content",
                          str(content_copy)], capture_output=True, text=True)
    assert run.returncode == 1 and "handout: takes" in run.stderr


def test_a_short_form_is_validated(content_copy):
    path = content_copy / "sections" / "second.yaml"
    data = yaml.safe_load(path.read_text())
    for change, message in (
            ({"key_points": ["one", "two"]}, "second.yaml: handout.key_points: needs at least 3"
                                             " items."),
            ({"questions": ["b-one", "a-one", "no-such"]},
             "second.yaml: handout.questions[2]: unknown question 'no-such'"),
            ({"glossary": ["grade", "tumor", "unused", "grade-x", "x"]},
             "second.yaml: handout.glossary: has 5 items; the most is 4.")):
        path.write_text(yaml.safe_dump({**data, "handout": {**data["handout"], **change}}))
        run = subprocess.run([sys.executable, "-m", "booklet", "check", "--content",
                              str(content_copy)], capture_output=True, text=True)
        assert run.returncode == 1 and message in run.stderr, run.stderr
        assert "Traceback" not in run.stderr


def test_fixture_sheet_uses_the_short_form(fixture_library, default_style, tmp_path):
    path, _, _ = _handout(tmp_path, fixture_library, default_style, ["second"])
    whole = "\n".join(page_texts(path))
    for text in ("Sigma main message", "Tau point one", "Chi thing to do",
                 "Psi sign to call about", "Call 911 or go to the emergency room if:",
                 "General safety advice", "Omega emergency", "Rho question three?",
                 "grade:", "Sources: Test Publisher."):
        assert text in whole
    assert "Nu paragraph" not in whole    # the long body is not on the sheet


# --- the booklet ------------------------------------------------------------------------------

def test_default_booklet_is_at_most_44_pages(default_booklet):
    path, _ = default_booklet
    assert page_count(path) <= 44


@pytest.fixture(scope="module")
def example_patient_booklet(tmp_path_factory):
    """The example patient's booklet, built as the README shows."""
    out = tmp_path_factory.mktemp("patient") / "p.pdf"
    run = subprocess.run([sys.executable, "-m", "booklet", "build", "--patient",
                          "examples/patient.yaml", "-o", str(out)],
                         capture_output=True, text=True, cwd=FIXTURE_CONTENT.parents[2])
    assert run.returncode == 0, run.stderr
    return out


def test_example_patient_booklet_is_at_most_64_pages(example_patient_booklet):
    assert page_count(example_patient_booklet) <= 64


def test_sources_are_one_numbered_list_at_the_back(default_booklet):
    path, plan = default_booklet
    texts = page_texts(path)
    whole = "\n".join(texts)
    assert len(set(plan.sources)) == len(plan.sources)
    assert whole.count("Where this information comes from") == 2   # contents and the list
    start = next(i for i, t in enumerate(texts) if t.startswith("Where this information"))
    # each section ends with a pointer to its numbers on that page
    for section in plan.sections:
        numbers = ", ".join(str(n) for n in sorted(plan.sources.index(s) + 1
                                                    for s in section.sources))
        pointer = "Sources: numbers" if len(section.sources) > 1 else "Source: number"
        assert f"{pointer} {numbers} on page {start + 1}." in re.sub(r"\s+", " ", whole)
    listed = re.sub(r"\s+", " ", "\n".join(texts[start:start + 4]))
    for number, source in enumerate(plan.sources, start=1):
        assert f"{number}. {source.title[:30]}" in listed
    # no section page lists its sources itself
    assert "\nSources\n" not in whole


def test_a_question_prints_once_with_one_answer_line(default_booklet):
    path, plan = default_booklet
    whole = re.sub(r"\s+", " ", "\n".join(page_texts(path)))
    for group in plan.question_groups:
        for q in group.questions:
            assert whole.count(re.sub(r"\s+", " ", q.text)) == 1, q.text


def test_no_page_holds_only_the_disclaimer(tmp_path, libraries, styles):
    for lang in ("en", "es"):
        for name in STYLES:
            plan = plan_document(libraries[lang], styles[name],
                                 choose_sections(libraries[lang]))
            pdf, _ = build_pdf(plan)
            path = tmp_path / f"{lang}-{name}.pdf"
            path.write_bytes(pdf)
            texts = page_texts(path)
            disclaimer = (plan.style.disclaimer or plan.info.disclaimer)[:30]
            for text in texts:
                body = text.split("\n")
                assert not (body[0].startswith(disclaimer[:20]) and len(body) <= 5), text
            assert any(disclaimer in re.sub(r"\s+", " ", t) for t in texts)


def test_personal_pages_share_a_page(example_patient_booklet):
    texts = page_texts(example_patient_booklet)
    shared = [t for t in texts[2:6] if "My care team" in t and "My visits" in t]
    assert shared, texts[2:6]


def test_the_contents_fit_on_one_page(default_booklet, example_patient_booklet):
    for path in (default_booklet[0], example_patient_booklet):
        assert re.search(r"Who to call \d+", page_texts(path)[1])
