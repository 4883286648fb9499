"""booklet.press: saddle-stitch imposition, print counts and previews, read back from the files."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from io import BytesIO
from pathlib import Path

import fontpkg
import pdfplumber
import pypdf
import pypdfium2
import pytest
from PIL import Image, ImageChops
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from booklet import press
from booklet.errors import InputError
from booklet.request import BookletRequest, make_booklet

from conftest import WORKSHOP, make_pdf

MM = 72 / 25.4
LETTER = (612.0, 792.0)
A4 = (210 * MM, 297 * MM)
NOTE = "This page is blank on purpose"
TEST_FONT = "PressTestAtkinson"


# --- helpers ---------------------------------------------------------------------------------

def numbered(pages: int, size=LETTER, extra=None) -> bytes:
    """A booklet of `pages` pages, each printing 'PAGE n' in 48 pt Atkinson (embedded)."""
    if TEST_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(TEST_FONT, str(fontpkg.path("Atkinson Hyperlegible",
                                                                     weight=400))))
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=size, invariant=1)
    for n in range(1, pages + 1):
        canvas.setFont(TEST_FONT, 48)
        canvas.drawCentredString(size[0] / 2, size[1] / 2, f"PAGE {n}")
        if extra:
            extra(canvas, n)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def halves(pdf: bytes) -> list[tuple[str, str]]:
    """The text of the left and right half of every sheet side."""
    out = []
    with pdfplumber.open(BytesIO(pdf)) as doc:
        for page in doc.pages:
            middle = page.width / 2
            out.append(tuple(page.within_bbox(box).extract_text().strip() for box in
                             ((0, 0, middle, page.height), (middle, 0, page.width, page.height))))
    return out


def expected_text(pages: int, number: int) -> str:
    """What imposed page `number` reads: the booklet's pages, blanks before the last one."""
    padded = -(-pages // 4) * 4
    if number == padded:
        return f"PAGE {pages}"
    return f"PAGE {number}" if number < pages else NOTE


def sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height))
            for p in pypdf.PdfReader(BytesIO(pdf)).pages]


def chars_of_side(pdf: bytes, side: int, half: str) -> list[dict]:
    with pdfplumber.open(BytesIO(pdf)) as doc:
        page = doc.pages[side]
        middle = page.width / 2
        box = (0, 0, middle, page.height) if half == "left" else (middle, 0, page.width,
                                                                   page.height)
        return [dict(c) for c in page.within_bbox(box).chars]


def refusal(call) -> str:
    with pytest.raises(InputError) as caught:
        call()
    problems = caught.value.problems
    assert len(problems) == 1 and "\n" not in problems[0]
    return problems[0]


@pytest.fixture(scope="module")
def default_pdf(default_booklet) -> bytes:
    return default_booklet[0].read_bytes()


@pytest.fixture(scope="module")
def default_imposed(default_pdf) -> bytes:
    return press.impose(default_pdf, "tabloid")


@pytest.fixture(scope="module")
def a4_pdf(tmp_path_factory, library, default_style) -> bytes:
    path, _ = make_pdf(tmp_path_factory.mktemp("press"), "a4.pdf", library, default_style,
                       paper="a4")
    return path.read_bytes()


# --- imposition order ------------------------------------------------------------------------

def test_saddle_order_of_eight_pages():
    assert press.saddle_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    with pytest.raises(ValueError):
        press.saddle_order(6)


@pytest.mark.parametrize("pages", [8, 12, 16, 20, 54])
def test_imposition_order_reads_back(pages):
    imposed = press.impose(numbered(pages), "tabloid")
    padded = -(-pages // 4) * 4
    read = halves(imposed)
    assert len(read) == padded // 2
    expected = []
    for k in range(padded // 4):                       # sheet k, outermost first
        expected.append((padded - 2 * k, 2 * k + 1))   # front
        expected.append((2 * k + 2, padded - 2 * k - 1))   # back
    for side, ((left, right), texts) in enumerate(zip(expected, read)):
        assert texts == (expected_text(pages, left), expected_text(pages, right)), side
    # every page once; a leaf's front right page backs onto the back's left page
    assert sorted(n for pair in expected for n in pair) == list(range(1, padded + 1))
    assert all(expected[i][1] + 1 == expected[i + 1][0] for i in range(0, len(expected), 2))


def test_blank_pages_sit_before_the_back_cover():
    imposed = press.impose(numbered(54), "tabloid")
    by_number = {}
    for (left, right), texts in zip(press.saddle_order(56), halves(imposed)):
        by_number[left], by_number[right] = texts
    assert by_number[53] == "PAGE 53"
    assert by_number[54] == by_number[55] == NOTE
    assert by_number[56] == "PAGE 54"                  # the back cover stays the back cover


def test_blank_note_is_large_print_at_the_margin_a_third_down():
    imposed = press.impose(numbered(6), "tabloid")      # 8 pages: 6 and 7 are blank
    # sides (8, 1), (2, 7), (6, 3), (4, 5): page 7 is side 1's right half, page 6 side 2's left
    chars = [c for c in chars_of_side(imposed, 1, "right") if c["text"].strip()]
    assert "".join(c["text"] for c in chars) == NOTE.replace(" ", "")
    assert min(c["size"] for c in chars) >= 18
    assert "AtkinsonHyperlegible" in chars[0]["fontname"]
    assert chars[0]["x0"] == pytest.approx(612 + 54, abs=1)
    assert chars[0]["bottom"] == pytest.approx(792 / 3, abs=8)   # the baseline, a third down
    assert chars[0]["non_stroking_color"] in ((0,), (0, 0, 0), [0], [0, 0, 0])
    left = [c for c in chars_of_side(imposed, 2, "left") if c["text"].strip()]   # page 6
    assert "".join(c["text"] for c in left) == NOTE.replace(" ", "")
    assert left[0]["x0"] == pytest.approx(54, abs=1)


def test_blank_note_can_be_changed_or_left_out():
    assert halves(press.impose(numbered(7), "tabloid", blank_note="Notes"))[2] == ("PAGE 6", "PAGE 3")
    assert halves(press.impose(numbered(7), "tabloid", blank_note="Notes"))[1] == ("PAGE 2", "Notes")
    assert halves(press.impose(numbered(7), "tabloid", blank_note=""))[1] == ("PAGE 2", "")


# --- sheet sizes and scale -------------------------------------------------------------------

def test_sheet_sizes(default_imposed, a4_pdf, default_pdf):
    assert set(sizes(default_imposed)) == {(1224, 792)}
    assert len(sizes(default_imposed)) == 22
    a3 = sizes(press.impose(a4_pdf, "a3"))
    assert all(w == pytest.approx(420 * MM, abs=0.01) and h == pytest.approx(297 * MM, abs=0.01)
               for w, h in a3)
    assert set(sizes(press.impose(default_pdf, "tabloid", marks=True))) == {(1296, 864)}
    sra3 = sizes(press.impose(a4_pdf, "a3", marks=True))
    assert all(w == pytest.approx(450 * MM, abs=0.01) and h == pytest.approx(320 * MM, abs=0.01)
               for w, h in sra3)
    assert press.SHEETS["tabloid"] == (792, 1224) and press.MARKS_SHEETS["tabloid"] == (864, 1296)


def test_pages_print_at_full_size(default_imposed, default_booklet):
    with pdfplumber.open(default_booklet[0]) as doc:
        before = Counter((c["text"], round(c["size"], 2)) for p in doc.pages for c in p.chars)
    with pdfplumber.open(BytesIO(default_imposed)) as doc:
        after = Counter((c["text"], round(c["size"], 2)) for p in doc.pages for c in p.chars)
    assert min(size for _, size in after) == 18
    assert after == before                              # 44 pages: nothing added, all 100 %


def test_pages_are_placed_side_by_side(default_imposed, default_booklet):
    def placed(chars, dx=0.0):
        return [(c["text"], c["x0"] - dx, c["top"], c["size"]) for c in chars]

    with pdfplumber.open(default_booklet[0]) as doc:
        first, last = placed(doc.pages[0].chars), placed(doc.pages[-1].chars)
    right = placed(chars_of_side(default_imposed, 0, "right"), dx=612)
    left = placed(chars_of_side(default_imposed, 0, "left"))
    for got, want in ((right, first), (left, last)):   # the covers: front right, back left
        assert len(got) == len(want) > 10
        for a, b in zip(got, want):
            assert a[0] == b[0] and a[1:] == pytest.approx(b[1:], abs=0.01)


def test_a4_booklet_on_a3(a4_pdf):
    imposed = press.impose(a4_pdf, "a3")
    reader = pypdf.PdfReader(BytesIO(a4_pdf))
    assert len(pypdf.PdfReader(BytesIO(imposed)).pages) == -(-len(reader.pages) // 4) * 2
    with pdfplumber.open(BytesIO(imposed)) as doc:
        assert min(c["size"] for p in doc.pages for c in p.chars) == pytest.approx(18)


# --- creep -----------------------------------------------------------------------------------

def test_creep_moves_inner_pages_toward_the_fold():
    booklet = numbered(54)                              # 56 pages, 14 sheets
    flat, crept = press.impose(booklet, "tabloid"), press.impose(booklet, "tabloid", creep_mm=1)

    def x0(pdf, side, half):
        return min(c["x0"] for c in chars_of_side(pdf, side, half))

    inner = 2 * 13                                      # the innermost sheet's front and back
    for side in (inner, inner + 1):
        assert x0(crept, side, "right") - x0(flat, side, "right") == pytest.approx(-13 * MM, abs=0.01)
        assert x0(crept, side, "left") - x0(flat, side, "left") == pytest.approx(13 * MM, abs=0.01)
    for side in (0, 1):                                 # the outer sheet does not move
        for half in ("left", "right"):
            assert x0(crept, side, half) == pytest.approx(x0(flat, side, half), abs=0.001)
    assert x0(crept, 10, "left") - x0(flat, 10, "left") == pytest.approx(5 * MM, abs=0.01)
    assert halves(crept) == halves(flat)                # same pages, same halves


def test_creep_moves_the_blank_notes_too():
    crept = press.impose(numbered(13), "tabloid", creep_mm=1)    # 16 pages: 13-15 blank
    # sides (16, 1), (2, 15), (14, 3), (4, 13), ...: the notes on sheets 0, 1 and 1
    assert [halves(crept)[i] for i in (1, 2, 3)] == [("PAGE 2", NOTE), (NOTE, "PAGE 3"),
                                                     ("PAGE 4", NOTE)]
    assert min(c["x0"] for c in chars_of_side(crept, 1, "right")) == pytest.approx(612 + 54, abs=0.5)
    assert min(c["x0"] for c in chars_of_side(crept, 2, "left")) == pytest.approx(54 + MM, abs=0.5)
    assert min(c["x0"] for c in chars_of_side(crept, 3, "right")) == pytest.approx(612 + 54 - MM,
                                                                                    abs=0.5)


def test_creep_is_refused_outside_paper_thickness():
    for bad in (-0.1, 1.5):
        message = refusal(lambda: press.impose(numbered(4), "tabloid", creep_mm=bad))
        assert message.startswith("--creep") and "Fix:" in message


# --- marks -----------------------------------------------------------------------------------

@pytest.mark.parametrize("paper,sheet", [("letter", "tabloid"), ("a4", "a3")])
def test_marks_lie_outside_the_trim(paper, sheet):
    size = LETTER if paper == "letter" else A4
    imposed = press.impose(numbered(8, size), sheet, marks=True)
    big_w, big_h = max(press.MARKS_SHEETS[sheet]), min(press.MARKS_SHEETS[sheet])
    trim = ((big_w - 2 * size[0]) / 2, (big_h - size[1]) / 2)
    trim = (trim[0], trim[1], trim[0] + 2 * size[0], trim[1] + size[1])   # x0, y0, x1, y1
    reader = pypdf.PdfReader(BytesIO(imposed))
    with pdfplumber.open(BytesIO(imposed)) as doc:
        for page, stored in zip(doc.pages, reader.pages):
            assert [float(v) for v in stored.trimbox] == pytest.approx(list(trim), abs=0.01)
            lines = page.lines
            assert len(lines) == 10                     # 4 corners x 2, and 2 fold marks
            for line in lines:
                x0, x1 = line["x0"], line["x1"]
                y0, y1 = page.height - line["bottom"], page.height - line["top"]
                assert line["linewidth"] == pytest.approx(0.5)
                outside = x1 <= trim[0] or x0 >= trim[2] or y1 <= trim[1] or y0 >= trim[3]
                assert outside, line
                assert x0 >= 0 and y0 >= 0 and x1 <= page.width and y1 <= page.height
            folds = [ln for ln in lines if ln["x0"] == pytest.approx(page.width / 2, abs=0.5)]
            assert len(folds) == 2
    assert halves(imposed) == [("PAGE 8", "PAGE 1"), ("PAGE 2", "PAGE 7"), ("PAGE 6", "PAGE 3"),
                               ("PAGE 4", "PAGE 5")]


# --- the file --------------------------------------------------------------------------------

def test_same_input_gives_the_same_bytes(default_booklet, default_pdf, default_imposed):
    assert press.impose(default_pdf, "tabloid") == default_imposed
    marked = press.impose(default_pdf, "tabloid", marks=True, creep_mm=0.1)
    assert press.impose(default_pdf, "tabloid", marks=True, creep_mm=0.1) == marked
    assert b"/CreationDate" not in default_imposed and b"/ModDate" not in default_imposed
    script = ("import hashlib, sys; from booklet.press import impose; from pathlib import Path;"
              "print(hashlib.sha256(impose(Path(sys.argv[1]).read_bytes(), 'tabloid'))"
              ".hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", script, str(default_booklet[0])],
                              env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
                              capture_output=True, text=True, check=True).stdout.strip()
               for seed in ("1", "2")}
    assert digests == {hashlib.sha256(default_imposed).hexdigest()}


def test_fonts_stay_embedded(default_imposed):
    reader = pypdf.PdfReader(BytesIO(default_imposed))
    found = 0
    seen = set()

    def check(resources):
        nonlocal found
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            found += 1
            assert font["/Subtype"] != "/Type3"
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                check(xobject.get("/Resources"))

    for page in reader.pages:
        check(page.get("/Resources"))
    assert found >= 2                                   # regular and bold


def test_viewer_preferences(default_imposed):
    preferences = pypdf.PdfReader(BytesIO(default_imposed)).trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/PrintScaling"] == "/None"
    assert preferences["/Duplex"] == "/DuplexFlipShortEdge"


def test_fillable_fields_print_on_the_sheet(tmp_path):
    made = make_booklet(BookletRequest(fillable=True), WORKSHOP)
    imposed = press.impose(made.pdf, "tabloid")
    reader = pypdf.PdfReader(BytesIO(imposed))
    assert all("/Annots" not in page for page in reader.pages)
    assert "/AcroForm" not in reader.trailer["/Root"]
    side = next(i for i, pair in enumerate(press.saddle_order(44)) if 27 in pair)   # tick boxes
    original = pypdfium2.PdfDocument(made.pdf)
    original.init_forms()
    want = original[26].render(scale=1).to_pil().convert("RGB")
    sheet = pypdfium2.PdfDocument(imposed)[side].render(scale=1).to_pil().convert("RGB")
    x = 612 if press.saddle_order(44)[side][1] == 27 else 0
    got = sheet.crop((x, 0, x + 612, 792))
    assert want.size == got.size
    difference = ImageChops.difference(want, got)
    assert max(difference.getextrema(), key=lambda e: e[1])[1] < 40, difference.getbbox()


def test_render_one_imposed_sheet(default_imposed):
    """Not a check: a picture of one imposed sheet, for a person to look at."""
    document = pypdfium2.PdfDocument(default_imposed)
    document[0].render(scale=100 / 72).to_pil().save("/tmp/imposed-sheet.png")
    assert Path("/tmp/imposed-sheet.png").stat().st_size > 0


# --- refused sheets --------------------------------------------------------------------------

def test_letter_and_a4_sheets_are_refused_with_the_fix(default_pdf, a4_pdf):
    message = refusal(lambda: press.impose(default_pdf, "letter"))
    assert message == ("--sheet letter: two Letter pages side by side on Letter would shrink 18 pt"
                       " text to about 11.6 pt. Fix: use --sheet tabloid (11 x 17 in), which"
                       " prints them at 100%.")
    message = refusal(lambda: press.impose(a4_pdf, "a4"))
    assert message == ("--sheet a4: two A4 pages side by side on A4 would shrink 18 pt text to"
                       " about 12.7 pt. Fix: use --sheet a3 (297 x 420 mm), which prints them"
                       " at 100%.")
    assert "Fix: use --sheet tabloid" in refusal(lambda: press.impose(default_pdf, "a4"))
    assert "Fix: use --sheet a3" in refusal(lambda: press.impose(a4_pdf, "letter"))


def test_wrong_pairings_are_refused(default_pdf, a4_pdf):
    message = refusal(lambda: press.impose(a4_pdf, "tabloid"))
    assert message.startswith("--sheet tabloid:") and "A4 pages" in message
    assert message.endswith("Fix: use --sheet a3 (297 x 420 mm).")
    message = refusal(lambda: press.impose(default_pdf, "a3"))
    assert "Letter pages" in message and message.endswith("Fix: use --sheet tabloid (11 x 17 in).")


def test_unknown_sheets_and_pages_are_refused():
    message = refusal(lambda: press.impose(numbered(4), "legal"))
    assert message.startswith("--sheet legal:") and "Fix:" in message
    assert all(name in message for name in ("tabloid", "a3", "letter", "a4"))
    assert press.impose(numbered(4), " Tabloid ") == press.impose(numbered(4), "tabloid")
    assert "Fix:" in refusal(lambda: press.impose(numbered(4, (500, 500)), "tabloid"))
    assert "Fix:" in refusal(lambda: press.impose(b"not a pdf", "tabloid"))

    def mixed():
        buffer = BytesIO()
        canvas = Canvas(buffer, pagesize=LETTER, invariant=1)
        canvas.showPage()
        canvas.setPageSize(A4)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()
    assert "differ in size" in refusal(lambda: press.impose(mixed(), "tabloid"))


# --- print summary ---------------------------------------------------------------------------

def test_print_summary_of_the_default_booklet(default_pdf):
    summary = press.print_summary(default_pdf)
    assert summary == press.PrintSummary(pages=44, single_sided=44, double_sided=22,
                                         saddle_sheets=11, smallest_text_pt=18.0)
    assert press.summary_line(summary, "tabloid") == (
        "44 pages: 44 sheets single-sided, 22 double-sided, 11 tabloid sheets saddle-stitched;"
        " smallest text 18 pt")
    assert press.summary_line(press.PrintSummary(54, 54, 27, 14, 18.0), "tabloid") == (
        "54 pages: 54 sheets single-sided, 27 double-sided, 14 tabloid sheets saddle-stitched;"
        " smallest text 18 pt")
    assert press.summary_line(press.PrintSummary(1, 1, 1, 1, 12.5), "A3") == (
        "1 page: 1 sheet single-sided, 1 double-sided, 1 A3 sheet saddle-stitched;"
        " smallest text 12.5 pt")


def test_print_summary_reads_the_drawn_size():
    def small_line(canvas, n):
        if n == 2:
            canvas.setFont(TEST_FONT, 10)
            canvas.drawString(72, 100, "a 10 pt line")
    assert press.print_summary(numbered(3, extra=small_line)).smallest_text_pt == 10
    assert press.print_summary(numbered(5)) == press.PrintSummary(5, 5, 3, 2, 48.0)

    def tricky(canvas, n):
        canvas.saveState()                    # 28 pt under a half scale CTM: drawn at 14 pt
        canvas.scale(0.5, 0.5)
        canvas.setFont(TEST_FONT, 28)
        canvas.drawString(100, 100, "scaled")
        canvas.restoreState()
        canvas.setFont(TEST_FONT, 4)          # shows no glyph
        canvas.drawString(72, 300, "")
        text = canvas.beginText(72, 200)      # invisible text is not drawn
        text.setTextRenderMode(3)
        text.setFont(TEST_FONT, 5)
        text.textLine("hidden")
        canvas.drawText(text)
    assert press.print_summary(numbered(1, extra=tricky)).smallest_text_pt == 14

    def in_a_form(canvas, n):
        canvas.beginForm("small")
        canvas.setFont(TEST_FONT, 24)
        canvas.drawString(0, 0, "form")
        canvas.endForm()
        canvas.saveState()
        canvas.translate(100, 100)
        canvas.scale(0.5, 0.5)
        canvas.doForm("small")                # 24 pt in a form drawn at half size: 12 pt
        canvas.restoreState()
    assert press.print_summary(numbered(1, extra=in_a_form)).smallest_text_pt == 12


# --- previews --------------------------------------------------------------------------------

def test_preview_of_every_page(default_booklet, tmp_path):
    out = tmp_path / "all"
    written = press.preview(default_booklet[0], out, dpi=20)
    assert len(written) == 45
    assert [p.name for p in written[:-1]] == [f"page-{n:03d}.png" for n in range(1, 45)]
    assert written[-1] == out / "contact-sheet.png"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)  # no leftovers
    with Image.open(written[0]) as image:
        assert image.size == (170, 220)                 # 612 x 792 pt at 20 / 72
    with Image.open(written[-1]) as sheet:
        assert sheet.size == (4 * 172 + 5 * 8, 11 * 222 + 12 * 8)
        assert sheet.getpixel((2, 2)) == (128, 128, 128)


def test_preview_of_chosen_pages(default_booklet, tmp_path):
    written = press.preview(default_booklet[0], tmp_path / "some" / "deeper", pages="1-2,7", dpi=72)
    assert [p.name for p in written] == ["page-001.png", "page-002.png", "page-007.png",
                                         "contact-sheet.png"]
    with Image.open(written[2]) as image:
        assert image.size == (612, 792)
    with Image.open(written[-1]) as sheet:
        assert sheet.size == (3 * 614 + 4 * 8, 794 + 2 * 8)
    again = press.preview(default_booklet[0], tmp_path / "one", pages=" 3 ", dpi=36)
    assert [p.name for p in again] == ["page-003.png", "contact-sheet.png"]
    with Image.open(again[0]) as image:
        assert image.size == (306, 396)


@pytest.mark.parametrize("spec", ["0", "5-2", "abc", "1-", "2,,3", "", "45", "40-46", "1.5"])
def test_bad_page_specs_are_refused(default_booklet, tmp_path, spec):
    message = refusal(lambda: press.preview(default_booklet[0], tmp_path / "x", pages=spec))
    assert message.startswith("--pages") and "Fix:" in message
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


@pytest.mark.parametrize("dpi", [19, 601, 0])
def test_bad_dpi_is_refused(default_booklet, tmp_path, dpi):
    message = refusal(lambda: press.preview(default_booklet[0], tmp_path / "x", dpi=dpi))
    assert message.startswith("--dpi") and "Fix:" in message


def test_preview_of_a_file_that_is_not_a_pdf(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"hello")
    assert "Fix:" in refusal(lambda: press.preview(bad, tmp_path / "out"))
