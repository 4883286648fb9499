"""Print production helpers: saddle-stitch imposition, print counts and page previews.

Three pure functions for whoever sends a booklet to a print shop; none of them is a command
and none writes anywhere but where it is told.

`impose`
    Lays a finished booklet (Letter or A4 portrait pages) out for saddle stitching: two pages
    side by side on each side of a landscape sheet, tabloid (11 x 17 in) for Letter pages and
    A3 for A4 pages, at 100 % so 18 pt text stays 18 pt. Folded in the middle, stacked with the
    outer sheet on the outside and stapled on the fold, the sheets read in page order. The
    page count is padded to a multiple of four with pages that say they are blank on purpose,
    placed before the back cover. Optional creep compensation and crop and fold marks. The
    result is for the press: it is not tagged (the booklet itself is the accessible file).

`print_summary` / `summary_line`
    How many sheets a booklet takes printed single-sided, double-sided or saddle-stitched, and
    the smallest text size actually drawn in it, read back from the page content.

`preview`
    PNG pictures of chosen pages and a contact sheet of them, rendered with pdfium.

Libraries: pypdf places the pages (merge_transformed_page carries each page's resources,
embedded fonts included); reportlab draws the blank-page note and the marks; pypdfium2 reads
text sizes and renders previews; Pillow writes the PNG files.
"""
from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, OutputError

if TYPE_CHECKING:
    from PIL import Image

MM = 72 / 25.4  # points per millimetre
INCH = 72.0

# Sheet sizes in points, portrait (width, height); imposed sheets are used landscape.
SHEETS: dict[str, tuple[float, float]] = {
    "tabloid": (11 * INCH, 17 * INCH),   # 792 x 1224
    "a3": (297 * MM, 420 * MM),          # 841.89 x 1190.55
    "letter": (8.5 * INCH, 11 * INCH),   # 612 x 792
    "a4": (210 * MM, 297 * MM),          # 595.28 x 841.89
}
# With crop and fold marks the sheet is bigger, so the marks sit outside the trimmed pair.
MARKS_SHEETS: dict[str, tuple[float, float]] = {
    "tabloid": (12 * INCH, 18 * INCH),   # 864 x 1296
    "a3": (320 * MM, 450 * MM),          # SRA3, 907.09 x 1275.59
}
# The booklet page sizes impose accepts, and the sheet that holds two of them at 100 %.
PAGE_SIZES: dict[str, tuple[float, float]] = {"letter": SHEETS["letter"], "a4": SHEETS["a4"]}
SHEET_FOR_PAGES = {"letter": "tabloid", "a4": "a3"}

_PAGE_NAMES = {"letter": "Letter", "a4": "A4"}
_SHEET_LABELS = {"tabloid": "tabloid", "a3": "A3", "letter": "Letter", "a4": "A4"}
_SHEET_DIMENSIONS = {"tabloid": "11 x 17 in", "a3": "297 x 420 mm",
                     "letter": "8.5 x 11 in", "a4": "210 x 297 mm"}
_SIZE_TOLERANCE = 1.0       # points; reportlab's A4 is 595.2756 x 841.8898

MAX_CREEP_MM = 1.0          # thicker than 1 mm a sheet cannot be saddle-stitched anyway
LARGE_PRINT_PT = 18.0       # quoted when a booklet's own text size cannot be read

NOTE_FONT = "BookletPressNote"   # our private reportlab name for Atkinson Hyperlegible
NOTE_SIZE = 20.0
NOTE_LEADING = 26.0
NOTE_MARGIN = 54.0

MARK_WIDTH = 0.5            # crop and fold marks: line width,
MARK_GAP = 9.0              # distance from the trim,
MARK_LENGTH = 18.0          # and length, in points

# Annotation flags (PDF 32000-1, 12.5.3)
_HIDDEN, _PRINT = 2, 4

MIN_DPI, MAX_DPI = 20, 600
CONTACT_COLUMNS = 4
CONTACT_GAP = 8             # pixels between pictures on the contact sheet
CONTACT_BACKGROUND = (128, 128, 128)
CONTACT_BORDER = (40, 40, 40)


# --- imposition ------------------------------------------------------------------------------

def saddle_order(pages: int) -> list[tuple[int, int]]:
    """The (left, right) page numbers, 1-based, of every sheet side, outer sheet first and
    each sheet's front before its back.

    Sheet k (k = 0 is the outermost) holds [pages-2k, 2k+1] on its front and
    [2k+2, pages-2k-1] on its back; for 8 pages: (8, 1), (2, 7), (6, 3), (4, 5).
    `pages` must be a multiple of 4.
    """
    if pages <= 0 or pages % 4:
        raise ValueError(f"saddle stitching needs a multiple of 4 pages, not {pages}")
    sides = []
    for k in range(pages // 4):
        sides.append((pages - 2 * k, 2 * k + 1))
        sides.append((2 * k + 2, pages - 2 * k - 1))
    return sides


def impose(pdf: bytes, sheet: str, *, creep_mm: float = 0.0, marks: bool = False,
           blank_note: str = "This page is blank on purpose") -> bytes:
    """The booklet `pdf` imposed for saddle stitching on `sheet` ("tabloid" for Letter pages,
    "a3" for A4 pages): one PDF page per sheet side, outer sheet first, front then back.

    Pages print at 100 %, side by side, the pair centred on the landscape sheet (without marks
    it fills the sheet exactly). The page count is padded to a multiple of 4 with pages that
    print `blank_note` (an empty note leaves them empty); the padding goes before the last
    page, so the back cover stays the back cover.

    Creep: `creep_mm` is the paper thickness. Folded sheets nest, so the inner ones stick out
    at the fore-edge (the open side) and lose more there when the booklet is trimmed. To make
    up for it the pages of sheet k (0 = outermost) are moved TOWARD THE FOLD by k * creep_mm:
    the left page moves right, the right page moves left; the outer sheet does not move.
    Whatever a moved page would push across the fold is cut off at the fold (it is the page's
    inner margin).

    `marks`: a bigger sheet (12 x 18 in, or SRA3) with thin crop marks at the trim corners
    and fold marks on the centre line, all outside the trim; each sheet side's /TrimBox is
    then the trimmed pair.

    Printable annotations (fillable fields' boxes) are flattened into the page; links are left
    out. The output asks viewers to print at actual size and to flip on the short edge, and
    the same input always gives the same bytes. Raises InputError, one line naming the fix.
    """
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.errors import PdfReadError
    from pypdf.generic import NameObject, RectangleObject

    sheet_name = _check_sheet_name(sheet)
    _check_creep(creep_mm)
    try:
        reader = PdfReader(BytesIO(pdf))
        originals = list(reader.pages)
    except (PdfReadError, ValueError, OSError) as error:
        raise InputError([f"the booklet cannot be read as a PDF ({error}). Fix: impose the"
                          " PDF that booklet build wrote."]) from None
    if not originals:
        raise InputError(["the booklet has no pages. Fix: impose the PDF that booklet build"
                          " wrote."])
    for page in originals:
        if page.rotation % 360:
            page.transfer_rotation_to_content()
    paper = _booklet_paper(originals)
    _check_pairing(paper, sheet_name, pdf)

    width, height = float(originals[0].trimbox.width), float(originals[0].trimbox.height)
    # Each page with where its trim box starts and the drawings of its printable annotations,
    # taken before the merges below change its boxes; then the padding, before the back cover.
    placed = [_prepared(page) for page in originals]
    blank = (_note_page(width, height, blank_note), 0.0, 0.0, None)
    padded = -(-len(originals) // 4) * 4
    sequence = placed[:-1] + [blank] * (padded - len(originals)) + placed[-1:]

    portrait = (MARKS_SHEETS if marks else SHEETS)[sheet_name]
    sheet_w, sheet_h = max(portrait), min(portrait)       # landscape
    pair_x, pair_y = (sheet_w - 2 * width) / 2, (sheet_h - height) / 2
    fold_x = sheet_w / 2
    mark_page = _marks_page(sheet_w, sheet_h, pair_x, pair_y, 2 * width, height) if marks \
        else None

    writer = PdfWriter()
    for side, (left, right) in enumerate(saddle_order(padded)):
        shift = (side // 2) * creep_mm * MM           # sheet k = side // 2 moves k * creep
        sheet_page = writer.add_blank_page(sheet_w, sheet_h)
        # (page number, where its left edge goes, which part of it stays: what lands on its
        # own half of the sheet). The left page moves right, the right page moves left.
        for number, x, keep in ((left, pair_x + shift, (0.0, width - shift)),
                                (right, fold_x - shift, (shift, width))):
            page, x0, y0, overlay = sequence[number - 1]
            clip = RectangleObject([x0 + keep[0], y0, x0 + keep[1], y0 + height])
            move = Transformation().translate(x - x0, pair_y - y0)
            for layer in (page, overlay):
                if layer is not None:
                    # pypdf clips a merged page to its crop box (or its trim box, if so set)
                    layer.cropbox = clip
                    layer.trimbox = clip
                    sheet_page.merge_transformed_page(layer, move)
        if mark_page is not None:
            sheet_page.merge_page(mark_page)
            sheet_page.trimbox = RectangleObject([pair_x, pair_y, pair_x + 2 * width,
                                                  pair_y + height])
        sheet_page.compress_content_streams()

    preferences = writer.create_viewer_preferences()
    preferences[NameObject("/PrintScaling")] = NameObject("/None")         # actual size
    preferences[NameObject("/Duplex")] = NameObject("/DuplexFlipShortEdge")
    title = (reader.metadata or {}).get("/Title")
    if title:
        writer.add_metadata({"/Title": f"{title} (imposed for saddle stitching)"})
    writer.pdf_header = b"%PDF-1.7"      # /Duplex in the viewer preferences is PDF 1.7
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _prepared(page):
    """(page, left and bottom of its trim box, its printable annotations as a page or None),
    with its annotations taken off: links would drag the whole booklet along, and what
    prints of the others is in the overlay."""
    box = page.trimbox
    overlay = _annotation_overlay(page)
    if "/Annots" in page:
        del page["/Annots"]
    return page, float(box.left), float(box.bottom), overlay


def _check_sheet_name(sheet: str) -> str:
    name = str(sheet).strip().lower()
    if name not in SHEETS:
        raise InputError([f"--sheet {sheet}: unknown sheet size. Fix: use --sheet tabloid for"
                          f" Letter pages or --sheet a3 for A4 pages (sizes: {', '.join(SHEETS)})."])
    return name


def _check_creep(creep_mm: float) -> None:
    if not isinstance(creep_mm, (int, float)) or not 0 <= creep_mm <= MAX_CREEP_MM:
        raise InputError([f"--creep {creep_mm}: the paper thickness must be from 0 to"
                          f" {MAX_CREEP_MM:g} mm. Fix: measure one sheet (office paper is about"
                          " 0.1 mm), e.g. --creep 0.1, or leave --creep out."])


def _booklet_paper(pages) -> str:
    """'letter' or 'a4': the size every page of the booklet has."""
    sizes = [(float(p.trimbox.width), float(p.trimbox.height)) for p in pages]
    first = sizes[0]
    for number, size in enumerate(sizes, start=1):
        if abs(size[0] - first[0]) > _SIZE_TOLERANCE or abs(size[1] - first[1]) > _SIZE_TOLERANCE:
            raise InputError([f"the booklet's pages differ in size (page 1 is {_pt(first)},"
                              f" page {number} is {_pt(size)}). Fix: impose a booklet whose"
                              " pages are all Letter or all A4."])
    for paper, (w, h) in PAGE_SIZES.items():
        if abs(first[0] - w) <= _SIZE_TOLERANCE and abs(first[1] - h) <= _SIZE_TOLERANCE:
            return paper
    raise InputError([f"the booklet's pages are {_pt(first)}; impose takes Letter (612 x 792 pt)"
                      " or A4 (595 x 842 pt) portrait pages. Fix: build the booklet with"
                      " --paper letter or --paper a4."])


def _check_pairing(paper: str, sheet: str, pdf: bytes) -> None:
    """Refuse a sheet that would not print two pages of this paper side by side at 100 %."""
    right = SHEET_FOR_PAGES[paper]
    if sheet == right:
        return
    fix = f"Fix: use --sheet {right} ({_SHEET_DIMENSIONS[right]})"
    page_w, page_h = PAGE_SIZES[paper]
    sheet_w, sheet_h = max(SHEETS[sheet]), min(SHEETS[sheet])
    if sheet in PAGE_SIZES:     # letter or a4: the pair would have to shrink to fit
        scale = min(sheet_w / 2 / page_w, sheet_h / page_h)
        try:
            text = print_summary(pdf).smallest_text_pt or LARGE_PRINT_PT
        except InputError:
            text = LARGE_PRINT_PT
        raise InputError([f"--sheet {sheet}: two {_PAGE_NAMES[paper]} pages side by side on"
                          f" {_SHEET_LABELS[sheet]} would shrink {text:g} pt text to about"
                          f" {text * scale:.1f} pt. {fix}, which prints them at 100%."])
    raise InputError([f"--sheet {sheet}: this booklet has {_PAGE_NAMES[paper]} pages, and two"
                      f" of them do not fit side by side on {_SHEET_LABELS[sheet]}"
                      f" ({_SHEET_DIMENSIONS[sheet]}) at 100%. {fix}."])


def _pt(size: tuple[float, float]) -> str:
    return f"{size[0]:.0f} x {size[1]:.0f} pt"


@lru_cache(maxsize=None)
def _note_font() -> str:
    """Register Atkinson Hyperlegible with reportlab under our own name, once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from .fonts import font_path
    pdfmetrics.registerFont(TTFont(NOTE_FONT, str(font_path("Atkinson Hyperlegible", 400))))
    return NOTE_FONT


def _note_page(width: float, height: float, note: str):
    """A page of the booklet's size with `note` in large black print, a third of the way down
    at the left margin (wrapped to the margins); an empty note gives an empty page."""
    from pypdf import PdfReader
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1)
    if note.strip():
        font = _note_font()
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(font, NOTE_SIZE, NOTE_LEADING)
        text = canvas.beginText(NOTE_MARGIN, height * 2 / 3)    # a third of the way down
        for line in simpleSplit(note.strip(), font, NOTE_SIZE, width - 2 * NOTE_MARGIN):
            text.textLine(line)
        canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return PdfReader(BytesIO(buffer.getvalue())).pages[0]


def _marks_page(sheet_w: float, sheet_h: float, x0: float, y0: float, pair_w: float,
                pair_h: float):
    """A sheet-sized page of crop marks at the pair's four corners and fold marks on the
    centre line, above and below; every mark starts MARK_GAP outside the trim."""
    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    x1, y1, fold = x0 + pair_w, y0 + pair_h, x0 + pair_w / 2
    near, far = MARK_GAP, MARK_GAP + MARK_LENGTH
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(sheet_w, sheet_h), invariant=1, pageCompression=1)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(MARK_WIDTH)
    for x, y, out_x, out_y in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        canvas.line(x + out_x * near, y, x + out_x * far, y)       # along the horizontal edge
        canvas.line(x, y + out_y * near, x, y + out_y * far)       # along the vertical edge
    canvas.setDash(3, 2)                                           # fold marks are dashed
    canvas.line(fold, y1 + near, fold, y1 + far)
    canvas.line(fold, y0 - near, fold, y0 - far)
    canvas.showPage()
    canvas.save()
    return PdfReader(BytesIO(buffer.getvalue())).pages[0]


def _annotation_overlay(page):
    """A page holding the printable annotations' appearances of `page` (fillable fields'
    tick boxes), drawn where the annotations sit; None when there are none. Links and
    popups are left out: they draw nothing on paper."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    drawings, forms = [], DictionaryObject()
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        flags = int(annotation.get("/F", 0))
        if annotation.get("/Subtype") in ("/Link", "/Popup") or not flags & _PRINT \
                or flags & _HIDDEN:
            continue
        reference = _normal_appearance(annotation)
        if reference is None:
            continue
        form = reference.get_object()
        if not isinstance(form, StreamObject) or "/BBox" not in form or "/Rect" not in annotation:
            continue
        placed = _appearance_matrix(form, [float(v) for v in annotation["/Rect"]])
        if placed is None:
            continue
        name = f"/BkAnnot{len(forms)}"
        forms[NameObject(name)] = reference
        drawings.append("q {} cm {} Do Q".format(" ".join(f"{v:.4f}" for v in placed), name))
    if not drawings:
        return None
    box = page.mediabox
    overlay = PageObject.create_blank_page(None, float(box.width), float(box.height))
    overlay.mediabox = box
    overlay[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
    content = DecodedStreamObject()
    content.set_data("\n".join(drawings).encode("ascii"))
    overlay[NameObject("/Contents")] = content
    return overlay


def _normal_appearance(annotation):
    """The reference to the annotation's normal appearance stream in its current state."""
    from pypdf.generic import StreamObject

    appearances = annotation.get("/AP")
    if appearances is None or "/N" not in appearances.get_object():
        return None
    appearances = appearances.get_object()
    normal = appearances.raw_get("/N")
    states = normal.get_object()
    if isinstance(states, StreamObject):        # one appearance, no states
        return normal
    state = annotation.get("/AS")
    return states.raw_get(state) if state is not None and state in states else None


def _appearance_matrix(form, rect: list[float]):
    """The matrix that puts an appearance stream's box onto the annotation's /Rect
    (PDF 32000-1, 12.5.5); None for an empty box."""
    a, b, c, d, e, f = [float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    bx0, by0, bx1, by1 = [float(v) for v in form["/BBox"]]
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (bx0, bx1) for y in (by0, by1)]
    left, right = min(p[0] for p in corners), max(p[0] for p in corners)
    bottom, top = min(p[1] for p in corners), max(p[1] for p in corners)
    if right - left <= 0 or top - bottom <= 0:
        return None
    rx0, rx1 = sorted(rect[0::2])
    ry0, ry1 = sorted(rect[1::2])
    sx, sy = (rx1 - rx0) / (right - left), (ry1 - ry0) / (top - bottom)
    return (sx, 0.0, 0.0, sy, rx0 - left * sx, ry0 - bottom * sy)


# --- print counts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PrintSummary:
    """What printing a booklet takes, and the smallest text drawn in it (0.0: no text)."""

    pages: int
    single_sided: int       # sheets printed on one side: one per page
    double_sided: int       # sheets printed on both sides
    saddle_sheets: int      # tabloid or A3 sheets, folded and stapled: four pages each
    smallest_text_pt: float


def print_summary(pdf: bytes) -> PrintSummary:
    """The sheet counts of the booklet `pdf` and the smallest font size at which any text is
    drawn in it: each text object's font size times the vertical scale of its matrix (text
    matrix and CTM, and the matrices of the forms it sits in). Text objects that draw nothing
    (no glyphs, or invisible text) do not count. About 15 ms for a 44-page booklet."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as error:
        raise InputError([f"the booklet cannot be read as a PDF ({error}). Fix: use the PDF"
                          " that booklet build wrote."]) from None
    try:
        pages = len(document)
        smallest = math.inf
        for index in range(pages):
            smallest = _smallest_on_page(document, index, smallest)
    finally:
        document.close()
    return PrintSummary(pages=pages, single_sided=pages, double_sided=-(-pages // 2),
                        saddle_sheets=-(-pages // 4),
                        smallest_text_pt=0.0 if smallest == math.inf else round(smallest, 2))


def _smallest_on_page(document, index: int, smallest: float = math.inf) -> float:
    """The smallest text size on the page, or `smallest` when none is smaller."""
    import pypdfium2.raw as raw

    page = raw.FPDF_LoadPage(document.raw, index)
    if not page:
        return smallest
    size, matrix = ctypes.c_float(), raw.FS_MATRIX()
    bounds = [ctypes.c_float() for _ in range(4)]

    def visit(count, get, outer):
        nonlocal smallest
        for i in range(count):
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind not in (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_FORM):
                continue
            if not raw.FPDFPageObj_GetMatrix(obj, matrix):
                continue
            m = _multiply((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                visit(raw.FPDFFormObj_CountObjects(obj),
                      lambda j, form=obj: raw.FPDFFormObj_GetObject(form, j), m)
                continue
            if not raw.FPDFTextObj_GetFontSize(obj, size) or size.value <= 0:
                continue
            drawn = size.value * math.hypot(m[2], m[3])
            if drawn >= smallest:               # cannot lower it: no need to look closer
                continue
            if raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE:
                continue
            raw.FPDFPageObj_GetBounds(obj, *bounds)
            left, bottom, right, top = (v.value for v in bounds)
            if right - left <= 0 and top - bottom <= 0:
                continue                        # shows no glyph
            smallest = drawn

    try:
        visit(raw.FPDFPage_CountObjects(page), lambda j: raw.FPDFPage_GetObject(page, j),
              (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    finally:
        raw.FPDF_ClosePage(page)
    return smallest


def _multiply(m, n):
    """The matrix m followed by n (PDF order: a point is transformed by m, then by n)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def summary_line(summary: PrintSummary, sheet_name: str) -> str:
    """One English line, e.g. '54 pages: 54 sheets single-sided, 27 double-sided, 14 tabloid
    sheets saddle-stitched; smallest text 18 pt'. `sheet_name` is the folded sheet's word:
    "tabloid" for Letter pages, "A3" for A4 pages."""
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    text = (f"smallest text {round(summary.smallest_text_pt, 1):g} pt"
            if summary.smallest_text_pt > 0 else "no text found")
    return (f"{count(summary.pages, 'page')}: {count(summary.single_sided, 'sheet')}"
            f" single-sided, {summary.double_sided} double-sided,"
            f" {summary.saddle_sheets} {sheet_name} sheet{'' if summary.saddle_sheets == 1 else 's'}"
            f" saddle-stitched; {text}")


# --- previews --------------------------------------------------------------------------------

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_pages(spec: str | None, total: int) -> list[int]:
    """The 1-based page numbers a spec like "1-4", "3" or "1-2,7" names, in order without
    repeats; None: every page. Raises InputError (one line naming --pages and the fix)."""
    if spec is None:
        return list(range(1, total + 1))
    fix = "Fix: give page numbers and ranges like 3, 1-4 or 1-2,7"
    chosen: list[int] = []
    for part in str(spec).split(","):
        match = _RANGE.match(part)
        if not match:
            raise InputError([f"--pages {spec}: '{part.strip()}' is not a page or a range. {fix}."])
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise InputError([f"--pages {spec}: '{part.strip()}' is not a page or a range"
                              f" (pages count from 1, ranges go up). {fix}."])
        if last > total:
            raise InputError([f"--pages {spec}: the PDF has {total} page{'s' if total != 1 else ''},"
                              f" so there is no page {last}. Fix: choose pages from 1 to {total}."])
        chosen.extend(n for n in range(first, last + 1) if n not in chosen)
    return sorted(chosen)


def preview(pdf_path: Path, out_dir: Path, pages: str | None = None, dpi: int = 60) -> list[Path]:
    """Render the chosen pages of `pdf_path` (all when `pages` is None, else a spec like
    "1-2,7") to out_dir/page-NNN.png (NNN: the real page number) at `dpi`, plus
    out_dir/contact-sheet.png, a grid of them (up to 4 columns). Creates out_dir, writes each
    file atomically and nothing outside out_dir. Returns the paths written, pages first."""
    import pypdfium2 as pdfium

    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise InputError([f"--dpi {dpi}: must be a whole number from {MIN_DPI} to {MAX_DPI}."
                          " Fix: use --dpi 60 for a quick look or --dpi 150 to read the text."])
    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    try:
        document = pdfium.PdfDocument(pdf_path)
    except (pdfium.PdfiumError, OSError) as error:
        raise InputError([f"{pdf_path}: cannot be read as a PDF ({error}). Fix: give the PDF"
                          " that booklet build wrote."]) from None
    try:
        numbers = parse_pages(pages, len(document))
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"{out_dir}: cannot create the folder ({error.strerror}).") from None
        pictures = page_pictures(document, numbers, dpi)
    finally:
        document.close()
    written = [_save_png(picture, out_dir / f"page-{number:03d}.png")
               for number, picture in zip(numbers, pictures)]
    written.append(_save_png(contact_sheet(pictures), out_dir / "contact-sheet.png"))
    return written


def page_pictures(document, numbers: list[int], dpi: float) -> list[Image.Image]:
    """The pages `numbers` (1-based) of an open pypdfium2 document as RGB pictures at `dpi`,
    fillable fields drawn as they print. Also the web form's preview."""
    document.init_forms()
    return [document[number - 1].render(scale=dpi / 72, may_draw_forms=True).to_pil()
            .convert("RGB") for number in numbers]


def paper_of(pdf: bytes) -> str:
    """'letter' or 'a4': the size of the booklet's pages (InputError otherwise)."""
    from pypdf import PdfReader

    return _booklet_paper(PdfReader(BytesIO(pdf)).pages)


def document_language(pdf: bytes) -> str | None:
    """The /Lang the booklet declares (like 'es-US'), if any."""
    from pypdf import PdfReader

    lang = PdfReader(BytesIO(pdf)).trailer["/Root"].get("/Lang")
    return str(lang) if lang else None


def sheet_label(sheet: str) -> str:
    """How a sheet size is written in a sentence: tabloid, A3, Letter, A4."""
    return _SHEET_LABELS[sheet]


def contact_sheet(pictures: list[Image.Image]) -> Image.Image:
    """The pictures in a grid of up to 4 columns on mid-grey, each framed by a thin border."""
    from PIL import Image, ImageDraw

    columns = max(1, min(CONTACT_COLUMNS, len(pictures)))
    rows = max(1, -(-len(pictures) // columns))
    cell_w = max((p.width for p in pictures), default=1) + 2       # 1 px border each side
    cell_h = max((p.height for p in pictures), default=1) + 2
    sheet = Image.new("RGB", (columns * cell_w + (columns + 1) * CONTACT_GAP,
                              rows * cell_h + (rows + 1) * CONTACT_GAP), CONTACT_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for i, picture in enumerate(pictures):
        x = CONTACT_GAP + (i % columns) * (cell_w + CONTACT_GAP)
        y = CONTACT_GAP + (i // columns) * (cell_h + CONTACT_GAP)
        draw.rectangle((x, y, x + picture.width + 1, y + picture.height + 1),
                       outline=CONTACT_BORDER)
        sheet.paste(picture, (x + 1, y + 1))
    return sheet


def _save_png(picture, path: Path) -> Path:
    """Write `picture` to `path` as a PNG, atomically (booklet.output.write_atomic)."""
    from .output import write_atomic

    buffer = BytesIO()
    picture.save(buffer, format="PNG")
    return write_atomic(path, buffer.getvalue())
