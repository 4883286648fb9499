"""Build real PDFs and read them back: order, page numbers, sizes, fonts, geometry, metadata."""
from __future__ import annotations

import copy
import re

import pypdf
import pytest
from reportlab.lib.pagesizes import A4, LETTER

from booklet.assemble import plan_document
from booklet.messages import format_date
from booklet.output import build_pdf
from booklet.editorial import terms_used
from booklet.layout.pages import PlacingFrame, TextFrame
from booklet.messages import catalogue
from booklet.resources import style_path
from booklet.style import TypeScale, load_style

from conftest import make_pdf
from pdfread import all_chars, fonts, lines, outline_titles, page_count, page_texts

MSG = catalogue("en")
MIN_SIZE = 18
MARGIN = 0.75 * 72


def section_start_pages(path, plan):
    """The page where each section's heading is printed (after the contents page)."""
    found = {}
    for line in lines(path):
        for s in plan.sections:
            if s.id not in found and line.page > 2 and line.text == s.title and line.size > 24:
                found[s.id] = line.page
    return found


def test_section_headings_present_and_in_order(default_booklet):
    path, plan = default_booklet
    starts = section_start_pages(path, plan)
    assert list(starts) == [s.id for s in plan.sections]
    assert list(starts.values()) == sorted(starts.values())


def test_contents_page_numbers_equal_section_start_pages(default_booklet):
    path, plan = default_booklet
    contents = page_texts(path)[1].splitlines()
    assert contents[0] == MSG["contents"]
    listed = {}
    for row in contents[1:]:
        match = re.fullmatch(r"(.+?) (\d+)", row)
        if match:
            listed[match.group(1)] = int(match.group(2))
    starts = section_start_pages(path, plan)
    assert {s.title: starts[s.id] for s in plan.sections}.items() <= listed.items()
    texts = page_texts(path)
    for title in (MSG["questions_title"], MSG["glossary_title"], MSG["notes_title"],
                  MSG["contacts_title"]):
        assert texts[listed[title] - 1].startswith(title), title


def test_no_text_below_18pt_on_any_page(default_booklet, handout, everything_booklet):
    for path, _ in (default_booklet, handout, everything_booklet):
        small = [(c["page"], c["text"], round(c["size"], 1)) for c in all_chars(path)
                 if c["text"].strip() and c["size"] < MIN_SIZE - 0.01]
        assert small == [], small[:5]


def test_headings_are_large_and_bold(default_booklet):
    path, plan = default_booklet
    titles = {s.title for s in plan.sections}
    headings = [ln for ln in lines(path) if ln.text in titles and ln.page > 2]
    assert headings and all(ln.size >= 22 and ln.bold for ln in headings)


def test_every_font_is_embedded_and_none_is_base14(default_booklet, handout):
    for path, _ in (default_booklet, handout):
        used = fonts(path)
        assert used, "no fonts found"
        assert all(used.values()), used
        assert all("AtkinsonHyperlegible" in name for name in used), used


def test_no_text_outside_the_margins(default_booklet, handout):
    for path, _ in (default_booklet, handout):
        width, height = LETTER
        outside = [(c["page"], c["text"]) for c in all_chars(path) if c["text"].strip() and (
            c["x0"] < MARGIN - 0.5 or c["x1"] > width - MARGIN + 0.5
            or c["top"] < MARGIN - 0.5 or c["bottom"] > height - MARGIN + 0.5)]
        assert outside == [], outside[:5]


def test_line_spacing_is_at_least_1_3_times_the_size(fixture_booklet):
    path, _ = fixture_booklet
    body = [ln for ln in lines(path) if ln.page == 3 and abs(ln.size - MIN_SIZE) < 0.1]
    gaps = [b.top - a.top for a, b in zip(body, body[1:]) if b.top > a.top]
    assert gaps and min(gaps) >= 1.3 * MIN_SIZE - 0.1, gaps


def test_every_page_has_the_footer(default_booklet):
    path, plan = default_booklet
    total = page_count(path)
    for number, text in enumerate(page_texts(path), start=1):
        assert f"Page {number} of {total}" in text
        assert plan.info.short_title in text
        assert f"Reviewed {format_date(plan.reviewed)}" in text


def test_booklet_has_cover_contents_checklist_glossary_notes_and_back(default_booklet):
    path, plan = default_booklet
    texts = page_texts(path)
    assert texts[0].replace("\n", " ").startswith(plan.info.title)
    assert plan.info.disclaimer.split(".")[0] in texts[0].replace("\n", " ")
    assert texts[1].startswith(MSG["contents"])
    assert texts[-1].startswith(MSG["contacts_title"])
    assert any(t.startswith(MSG["notes_title"]) for t in texts)
    assert len(texts) % 2 == 0, "the back page should fall on the back of a sheet"


def test_question_checklist_holds_the_chosen_sections_questions(default_booklet, library):
    path, plan = default_booklet
    text = " ".join(page_texts(path)).replace("\n", " ")
    wanted = [q.text for g in plan.question_groups for q in g.questions]
    assert wanted
    for question in wanted:
        assert question in text
    other = [q.text for gid, g in library.groups.items() if gid not in
             {g.id for g in plan.question_groups} for q in g.questions]
    assert not [q for q in other if q in text]


def test_glossary_holds_exactly_the_terms_the_sections_use(fixture_booklet, fixture_library):
    path, plan = fixture_booklet
    texts = page_texts(path)
    glossary = next(t for t in texts if t.startswith(MSG["glossary_title"]))
    printed = re.findall(r"^(.+?) \(say: ", glossary, re.MULTILINE)
    assert printed == ["grade", "tumor"]
    used = set()
    for s in plan.sections:
        used |= terms_used(s, fixture_library.terms)
    assert {fixture_library.terms[t].term for t in used} == set(printed)


def test_full_glossary_prints_every_term(pdf_dir, fixture_library, default_style):
    path, _ = make_pdf(pdf_dir, "full-glossary.pdf", fixture_library, default_style,
                       full_glossary=True)
    assert "unused word (say: un-YOOZD)" in " ".join(page_texts(path))


def test_every_block_kind_prints_in_order(fixture_booklet):
    path, _ = fixture_booklet
    text = " ".join(page_texts(path)).replace("\n", " ")
    markers = ["Alpha", "Beta", "Gamma", "Delta", "Key points", "Epsilon", "Zeta", "Iota",
               "Eta left", "Theta", "Kappa", "Lambda", "Mu author", "General safety advice",
               "Zeta-two", "Source: number 1", "Nu", "Xi",
               "Omicron", "Pi question", "Rho"]
    positions = [text.index(m) for m in markers]
    assert positions == sorted(positions)


def test_markup_in_content_prints_literally(fixture_booklet):
    path, _ = fixture_booklet
    text = " ".join(page_texts(path)).replace("\n", " ")
    assert 'with <b>tags</b> & "quotes" kept as written' in text


def test_a_heading_never_ends_a_page(everything_booklet):
    path, _ = everything_booklet
    last_on_page = {}
    footer_top = LETTER[1] - MARGIN - TypeScale(18).leading * 2 - 20
    for ln in lines(path):
        if ln.top < footer_top:
            last_on_page[ln.page] = ln
    stranded = [(p, ln.text) for p, ln in last_on_page.items()
                if ln.size > MIN_SIZE + 1 and ln.text != MSG["notes_title"]]  # notes: lines follow
    assert stranded == []


def test_a4_paper(pdf_dir, fixture_library, default_style):
    path, _ = make_pdf(pdf_dir, "a4.pdf", fixture_library, default_style, paper="a4")
    box = pypdf.PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == tuple(round(v) for v in A4)


def test_letter_is_the_default_paper(fixture_booklet):
    box = pypdf.PdfReader(fixture_booklet[0]).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_metadata_title_author_subject_and_language(default_booklet):
    path, plan = default_booklet
    reader = pypdf.PdfReader(path)
    meta = reader.metadata
    assert meta.title == plan.info.title
    assert meta.author == plan.style.clinic
    assert meta.subject == plan.info.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]


def test_outline_has_a_bookmark_per_section(default_booklet):
    path, plan = default_booklet
    titles = outline_titles(path, top_level=True)
    assert titles[:len(plan.sections)] == [s.title for s in plan.sections]
    assert MSG["questions_title"] in titles and MSG["glossary_title"] in titles


def test_same_inputs_give_byte_identical_pdfs(fixture_library, default_style):
    sections = tuple(fixture_library.sections.values())
    plan = plan_document(fixture_library, default_style, sections)
    assert build_pdf(plan)[0] == build_pdf(plan)[0]


def test_handout_has_no_cover_or_contents_and_keeps_its_questions(handout):
    path, plan = handout
    texts = page_texts(path)
    assert not any(t.startswith(MSG["contents"]) for t in texts)
    assert plan.info.title not in texts[0].splitlines()[0]
    whole = " ".join(texts).replace("\n", " ")
    assert [s.title in whole for s in plan.sections] == [True, True]
    assert MSG["questions_title"] in whole
    assert "not replace advice from your care team" in whole
    titles = " and ".join(s.title for s in plan.sections)
    assert pypdf.PdfReader(path).metadata.title == titles


def test_handout_refuses_more_than_two_sections(library, default_style):
    from booklet.errors import InputError
    with pytest.raises(InputError, match="a handout holds one or two sections"):
        plan_document(library, default_style, tuple(library.sections.values())[:3], "handout")


def test_a_list_item_never_leaves_its_first_line_alone_at_a_page_foot(everything_booklet):
    path, _ = everything_booklet
    footer_top = LETTER[1] - MARGIN - TypeScale(18).leading * 2 - 20
    body = [ln for ln in lines(path) if ln.top < footer_top]
    pages: dict[int, list] = {}
    for ln in body:
        pages.setdefault(ln.page, []).append(ln)
    bullet_x = {round(ln.x0) for ln in body if ln.text.startswith("• ")}
    assert bullet_x, "the booklet has bulleted lists"
    orphans = []
    for number, page in pages.items():
        following = pages.get(number + 1)
        last = page[-1]
        if following and last.text.startswith("• ") and not following[0].text.startswith("• "):
            if round(following[0].x0) > max(bullet_x) + 4:   # the item went on, indented
                orphans.append((number, last.text))
    assert orphans == []


def test_body_text_is_upright_and_not_all_capitals(everything_booklet):
    path, _ = everything_booklet
    assert not [f for f in fonts(path) if "Italic" in f or "Oblique" in f]
    shouting = [ln.text for ln in lines(path)
                if ln.size < MIN_SIZE + 1 and len(ln.text) > 20 and ln.text.isupper()]
    assert shouting == []


@pytest.mark.parametrize("markup", [False, True])
def test_split_paragraph_parts_keep_the_line_breaks_of_the_whole(markup, fixture_library):
    """Each part of a split paragraph wraps to the lines it was given, so it fits its room.
    (This Spanish paragraph at 20 pt once stopped a build: its first part re-wrapped to three
    lines in room for two, because the spaces added for text extraction were measured.)"""
    from booklet.layout.blocks import para
    from booklet.layout.flowables import ParagraphMemo
    from booklet.layout.theme import Theme

    text = ("También son muy útiles para el síndrome carcinoide. Es un grupo de síntomas"
            " causados por las hormonas de algunos tipos de tumor neuroendocrino (TNE). Se le"
            " puede poner roja la cara. Esto se llama rubor. También puede tener diarrea,"
            " silbidos al respirar o latidos rápidos del corazón.")
    if markup:
        text = text.replace("síndrome carcinoide", "**síndrome carcinoide**")
    plan = plan_document(fixture_library, load_style(style_path("tallpine-oncology")),
                         list(fixture_library.sections.values())[:1])
    theme = Theme.of(plan, ParagraphMemo())   # as a Workshop's theme, remembering parses
    width = theme.frame_width
    leading = para(theme, "x").style.leading
    whole = round(para(theme, text).wrap(width, 10_000)[1] / leading)
    assert whole >= 5
    for lines_of_room in (2, 3, 4):
        room = lines_of_room * leading + leading * 0.47
        first, rest = para(theme, text).split(width, room)
        assert first.wrap(width, room)[1] <= room
        assert round(first.wrap(width, room)[1] / leading) + \
            round(rest.wrap(width, 10_000)[1] / leading) == whole


def _drawn_lines(theme, markup_text: str, width: float) -> list[str]:
    """The lines of one paragraph drawn `width` wide into a real PDF, as pdfium reads them
    back (a soft hyphen at a line's end shows as U+FFFE, pdfium's mark for a hyphen it
    rejoins), and each line's width check."""
    from io import BytesIO

    import pypdfium2
    from booklet.layout.blocks import para
    from booklet.tagging import TaggingCanvas

    paragraph = para(theme, markup_text, "cell")
    _, height = paragraph.wrap(width, 1000)
    out = BytesIO()
    canvas = TaggingCanvas(out, pagesize=(width + 100, height + 100))
    paragraph.drawOn(canvas, 50, 50)
    canvas.save()
    document = pypdfium2.PdfDocument(out.getvalue())
    text = document[0].get_textpage().get_text_range()
    document.close()
    return text.replace("\ufffe", "\ufffe\n").replace("\r", "").split("\n")


@pytest.mark.parametrize("language, word", [("en-US", "neuroendocrine"),
                                            ("es-US", "colangiopancreatografía"),
                                            ("fr-FR", "anticonstitutionnellement")])
def test_a_word_wider_than_its_line_splits_with_a_visible_hyphen_and_reads_whole(
        language, word):
    """At 24 pt in a narrow cell, a long word is split at a syllable (or, in a language
    with no dictionary, where the line is full) with a hyphen printed, never without one;
    the hyphen is a soft hyphen, so the extracted text has the word whole."""
    from booklet.fonts import fonts_for
    from booklet.layout.theme import Theme

    style = load_style(style_path("high-contrast"))
    theme = Theme(style, "letter", fonts_for(style), TypeScale(24), language)
    assert not any(line.endswith("\ufffe") for line in
                   _drawn_lines(theme, "A short line of words that wraps", 150))
    for markup_text in (f"It is a {word} here.", f"It is a **{word}** here."):
        lines = _drawn_lines(theme, markup_text, 150)
        assert any(line.endswith("\ufffe") for line in lines), lines
        assert word in "".join(line.replace("\ufffe", "") if line.endswith("\ufffe")
                               else line for line in lines), lines
        for line in lines:       # every break is at a space or at a printed hyphen
            assert line.endswith((" ", "\ufffe", "here.")), lines


def test_a_split_word_prints_a_soft_hyphen_glyph_that_is_visible(tmp_path):
    """The hyphen drawn at the split is U+00AD from the body font, and it has ink."""
    from booklet.fonts import fonts_for
    from booklet.layout.blocks import para
    from booklet.layout.theme import Theme
    from booklet.tagging import TaggingCanvas
    import pypdfium2

    style = load_style(style_path("high-contrast"))
    theme = Theme(style, "letter", fonts_for(style), TypeScale(24), "en-US")
    paragraph = para(theme, "neuroendocrine", "cell")
    _, height = paragraph.wrap(120, 1000)
    path = tmp_path / "split.pdf"
    canvas = TaggingCanvas(str(path), pagesize=(220, height + 40))
    paragraph.drawOn(canvas, 20, 20)
    canvas.save()
    chars = [c for c in all_chars(path)]
    hyphen = [c for c in chars if c["text"] == "\u00ad"]
    assert len(hyphen) == 1
    document = pypdfium2.PdfDocument(path)
    bitmap = document[0].render(scale=2).to_pil().convert("L")
    x0, top, x1, bottom = (v * 2 for v in (hyphen[0]["x0"], hyphen[0]["top"],
                                             hyphen[0]["x1"], hyphen[0]["bottom"]))
    box = bitmap.crop((int(x0), int(top), int(x1) + 1, int(bottom) + 1))
    assert box.getextrema()[0] < 100       # dark pixels: the hyphen is drawn
    document.close()

def test_a_split_paragraph_part_fits_the_room_it_was_split_for(monkeypatch):
    """A paragraph whose long word made it break at hyphens ("pruh-SEE-jer") is split into
    parts that break the same way: the first fits where the split put it. (The personal
    high-contrast booklet on letter paper once failed here, in the glossary.)"""
    from booklet.copies.workshop import Workshop
    from booklet.layout.flowables import Paragraph
    from booklet.patient import load_patient
    from booklet.request import BookletRequest, make_booklet
    from conftest import TESTS

    too_tall = []
    hyphenated = []
    real = Paragraph.split

    def checked(self, width, height):
        parts = real(self, width, height)
        if len(parts) == 2:
            hyphenated.append(self.hyphens is not None)
            if parts[0].wrap(width, height)[1] > height + 1e-6:
                too_tall.append(self.text[:60])
        return parts
    monkeypatch.setattr(Paragraph, "split", checked)
    alex = load_patient(TESTS.parent / "examples" / "patient.yaml")
    for workshop in (Workshop(), Workshop(reuse=False)):
        made = make_booklet(BookletRequest(patient=alex, style="high-contrast"), workshop)
        assert made.pages % 2 == 0
    assert too_tall == []
    assert any(hyphenated)      # the case is there: a hyphen-broken paragraph was split


def test_a_text_frame_copies_as_a_deep_copy_does():
    """reportlab deep-copies the frame to measure what stays together; the quick copy is a
    separate frame with the same values, and a frame holding more than numbers and strings
    (a background) is still copied deeply."""
    for kind in (TextFrame, PlacingFrame):
        frame = kind(10, 20, 300, 400, id="body", leftPadding=0)
        frame._frameBGs = []            # as reportlab sets it when the frame is first used
        twin = copy.deepcopy(frame)
        assert type(twin) is kind and twin is not frame
        assert vars(twin) == vars(frame)
        assert twin._frameBGs is not frame._frameBGs
        twin._y = 5.0
        assert frame._y != 5.0
        frame._frameBGs.append(["background"])
        deep = copy.deepcopy(frame)
        assert deep._frameBGs == [["background"]]
        assert deep._frameBGs[0] is not frame._frameBGs[0]
