"""Printed on both sides (issue 18, part 1): parts start on right-hand pages, pages left
blank say so (as artifacts), footers and page numbers sit on the outside edge, the inner
margin is wider, and the viewer preferences tell a print dialog not to shrink the pages."""
from __future__ import annotations

import re
from pathlib import Path

import page
import pikepdf
import pypdf
import pytest
import yaml
from click.testing import CliRunner
from pdfread import lines, page_count, quick_texts
from structure import nodes, untagged_operators

from booklet.cli import main
from booklet.copies.workshop import Workshop
from booklet.patient import patient_from_data
from booklet.request import BookletRequest, make_booklet

BLANK = "This page is blank on purpose."
ALEX = patient_from_data({"name": "Alex Example", "care_team": [
    {"role": "Surgeon", "name": "Dr. Rivera", "phone": "555-0101"}],
    "medicines": [{"name": "Octreotide", "for": "symptoms", "how": "A shot once a month"}]},
    "test")


@pytest.fixture(scope="module")
def duplex_booklet(tmp_path_factory):
    path = tmp_path_factory.mktemp("duplex") / "duplex.pdf"
    result = CliRunner().invoke(main, ["build", "--duplex", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _part_pages(path: Path) -> dict[str, int]:
    """Each level-1 heading's text -> the page (1-based) it is printed on."""
    return {node.text: node.content[0][0] + 1 for node in nodes(path)
            if node.role == "H1" and node.content}


def test_every_part_starts_on_a_right_hand_page(duplex_booklet):
    parts = _part_pages(duplex_booklet)
    must = ["Contents", "What is a pNET?", "How a pNET is found", "Stage and grade",
            "How your treatment is chosen", "When to call your care team",
            "Questions to ask your care team", "Words to know", "Who to call"]
    assert set(must) <= set(parts), parts
    assert {title: parts[title] % 2 for title in must} == {title: 1 for title in must}
    # the back page is the last page; the count is odd, so it is a right-hand page
    assert parts["Who to call"] == page_count(duplex_booklet)


def test_a_page_left_blank_says_so_and_a_screen_reader_skips_it(duplex_booklet):
    texts = quick_texts(duplex_booklet)
    blank = [n for n, text in enumerate(texts, start=1) if BLANK in text]
    assert blank and all(n % 2 == 0 for n in blank)
    for n in blank:     # nothing else on it but the footer
        body = [line for line in lines(duplex_booklet) if line.page == n
                and "Page " not in line.text and "Reviewed" not in line.text
                and line.text != "pNET guide"]
        assert [line.text for line in body] == [BLANK]
        big = [line for line in lines(duplex_booklet) if line.page == n and line.text == BLANK]
        assert big[0].size >= 18
    assert all(BLANK not in node.text for node in nodes(duplex_booklet))
    assert untagged_operators(duplex_booklet) == []


def test_page_numbers_sit_on_the_outside_edge(duplex_booklet):
    width = float(pypdf.PdfReader(duplex_booklet).pages[0].mediabox.width)
    numbers = [line for line in lines(duplex_booklet) if re.fullmatch(r".*Page \d+ of \d+", line.text)
               or re.match(r"Page \d+ of \d+", line.text)]
    seen = set()
    for line in numbers:
        match = re.search(r"Page (\d+) of", line.text)
        number = int(match.group(1))
        assert number == line.page
        seen.add(number % 2)
        if number % 2 == 0:       # left-hand page: the number starts the line, at the left
            assert line.text.startswith("Page ") and line.x0 < width / 4, line
        else:
            assert line.text.endswith(f"of {page_count(duplex_booklet)}"), line
    assert seen == {0, 1}


def test_the_inner_margin_is_wider_than_the_outer(duplex_booklet, default_style):
    """Text on a right-hand page starts further right than on a left-hand page: the inner
    margin grows by a sixth of the style's margin, the outer one gives as much, so the text
    keeps its width."""
    from collections import Counter
    starts = {0: Counter(), 1: Counter()}
    for line in lines(duplex_booklet):
        if line.page > 2:
            starts[line.page % 2][round(line.x0)] += 1
    odd, even = starts[1].most_common(1)[0][0], starts[0].most_common(1)[0][0]
    margin = default_style.margin_in * 72
    assert odd - even == pytest.approx(margin / 3, abs=0.5)
    assert even < margin < odd


def test_viewer_preferences_ask_for_no_shrinking_and_long_edge_duplex(duplex_booklet,
                                                                      default_booklet):
    with pikepdf.open(duplex_booklet) as pdf:
        prefs = pdf.Root.ViewerPreferences
        assert prefs.PrintScaling == "/None" and prefs.Duplex == "/DuplexFlipLongEdge"
    with pikepdf.open(default_booklet[0]) as pdf:
        prefs = pdf.Root.ViewerPreferences
        assert prefs.PrintScaling == "/None" and "/Duplex" not in prefs


def test_a_duplex_booklet_passes_the_pdfua_checker(duplex_booklet):
    report = page.validate_pdf(str(duplex_booklet), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []


def test_a_duplex_personal_copy_from_its_template_equals_its_whole_layout():
    """A batch makes personal copies from a template; printed on both sides the copy must
    still be what a whole layout gives: same pages, same text, blanks in the same places."""
    request = BookletRequest(patient=ALEX, duplex=True)
    copy = make_booklet(request, Workshop())
    whole = make_booklet(request, Workshop(reuse=False))
    assert copy.pages == whole.pages
    import pypdfium2
    def texts(pdf):
        document = pypdfium2.PdfDocument(pdf)
        try:
            return [p.get_textpage().get_text_range() for p in document]
        finally:
            document.close()
    assert texts(copy.pdf) == texts(whole.pdf)
    assert "Alex Example" in texts(copy.pdf)[0]


def test_a_manifest_job_can_ask_for_duplex(tmp_path):
    manifest = tmp_path / "jobs.yaml"
    manifest.write_text(yaml.safe_dump({"jobs": [
        {"output": "two-sided.pdf", "duplex": True, "sections": ["when-to-call"]},
        {"output": "one-sided.pdf", "sections": ["when-to-call"]}]}))
    result = CliRunner().invoke(main, ["batch", str(manifest), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    two = _part_pages(tmp_path / "out" / "two-sided.pdf")
    one = _part_pages(tmp_path / "out" / "one-sided.pdf")
    assert two["When to call your care team"] % 2 == 1 and two["Contents"] == 3
    assert one["Contents"] == 2
    assert pypdf.PdfReader(tmp_path / "out" / "two-sided.pdf").trailer["/Root"][
        "/ViewerPreferences"]["/Duplex"] == "/DuplexFlipLongEdge"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"jobs": [{"output": "x.pdf", "duplex": "yes"}]}))
    result = CliRunner().invoke(main, ["batch", str(bad), "--out-dir", str(tmp_path / "out2")])
    assert result.exit_code != 0 and "duplex" in result.output and "true or false" in result.output
