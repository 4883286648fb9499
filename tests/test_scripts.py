"""Patient text in any script: Arabic and Hebrew (right to left; Arabic joined), Devanagari
and Thai (shaped), Cyrillic, Greek, Vietnamese, Chinese, Japanese and Korean, built through the one build path and read back from the PDF.

Shaped glyphs have private-use codes in ToUnicode; each shaped run is wrapped in a /Span with
/ActualText. The reader here honours it: it walks pdfium's page objects with their marked
content, and takes a run's ActualText in place of its glyphs' codes. (pdfium's own text page
honours ActualText too, but reorders the Arabic it gets from it: it reads "سارة أحمد" as
"ةراس دمحأ".)
"""
from __future__ import annotations

import ctypes
import io
import re
import unicodedata
from pathlib import Path

import page
import pdfplumber
import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import uharfbuzz

from booklet import cjk
from booklet.copies.workshop import Workshop
from booklet.errors import InputError
from booklet.fonts import FontSet, register_family
from booklet.patient import patient_from_data
from booklet.request import BookletRequest, make_booklet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

import structure

NAMES = {
    "arabic": "سارة أحمد",
    "hindi": "अनुराग शर्मा",
    "thai": "สมชาย ใจดี",
    "russian": "Анна Иванова",
    "greek": "Νίκος Παπαδόπουλος",
    "vietnamese": "Nguyễn Thị Ánh",
    "hebrew": "שרה כהן",
    "chinese": "王小明",
    "japanese": "山田 はなこ",
    "korean": "김민준",
}
DOCTOR, ROLE, PLACE = "د. خالد يوسف", "طبيب الأورام", "مستشفى الملك فهد 12"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def patient(name: str, arabic_details: bool = False):
    data = {"name": name}
    if arabic_details:
        data["care_team"] = [{"role": ROLE, "name": DOCTOR, "phone": "555-0101"}]
        data["visits"] = [{"date": "2027-01-12", "time": "9:30 AM", "place": PLACE}]
    return patient_from_data(data, "test")


_BUILT: dict = {}


def build(tmp_path_factory, name: str, reuse: bool, style: str = "default",
          arabic_details: bool = True) -> Path:
    """The personal booklet for `name` (made once per test session), checked for PDF/UA."""
    key = (name, reuse, style, arabic_details)
    if key not in _BUILT:
        workshop = _workshops.setdefault(reuse, Workshop() if reuse else Workshop(reuse=False))
        request = BookletRequest(patient=patient(name, arabic_details), style=style,
                                 sections=("when-to-call",))
        path = tmp_path_factory.mktemp("scripts") / "booklet.pdf"
        path.write_bytes(make_booklet(request, workshop).pdf)
        report = page.validate_pdf(str(path), profile="ua1")
        assert report.failures == [], report.failures
        assert structure.untagged_operators(path) == []
        _BUILT[key] = path
    return _BUILT[key]


_workshops: dict = {}


# --- reading text back, with /ActualText ------------------------------------------------------

def _actual_text(obj) -> tuple[int, str] | None:
    """(mark index, text) of the innermost /ActualText around a page object, if any. (The
    string's raw bytes, as a blob: pdfium's string getter reads them as PDFDocEncoding and
    loses every byte above 0x7F, so Hebrew's U+05D0... would come back broken.)"""
    for i in reversed(range(pdfium_c.FPDFPageObj_CountMarks(obj.raw))):
        mark = pdfium_c.FPDFPageObj_GetMark(obj.raw, i)
        needed = ctypes.c_ulong()
        if not pdfium_c.FPDFPageObjMark_GetParamBlobValue(mark, b"ActualText", None, 0,
                                                          ctypes.byref(needed)):
            continue
        buffer = (ctypes.c_ubyte * needed.value)()
        pdfium_c.FPDFPageObjMark_GetParamBlobValue(mark, b"ActualText", buffer, needed.value,
                                                   ctypes.byref(needed))
        raw = bytes(buffer)[:needed.value]
        assert raw.startswith(b"\xfe\xff"), raw      # UTF-16BE with its byte order mark
        return i, raw[2:].decode("utf-16-be")
    return None


def marked_text(path: Path) -> dict[tuple[int, int], str]:
    """The text of each (page index, MCID), lines joined by a space; a shaped run reads as
    its ActualText (once, however many text objects its glyphs are drawn in)."""
    out: dict[tuple[int, int], list] = {}
    document = pypdfium2.PdfDocument(path)
    try:
        for index, pdf_page in enumerate(document):
            textpage = pdf_page.get_textpage()
            previous = None       # the ActualText run the last text object was in
            for obj in pdf_page.get_objects(max_depth=0):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = structure._innermost_mcid(obj)
                if mcid is None:
                    continue
                run = _actual_text(obj)
                key = (index, mcid)
                if run is not None:
                    if previous == (key, run):
                        continue
                    piece = run[1]
                else:
                    obj.textpage = textpage
                    piece = obj.extract() or " "    # pdfium reads a lone space as ""
                previous = (key, run) if run is not None else None
                out.setdefault(key, []).append((piece, obj.get_matrix().f))
    finally:
        document.close()
    texts = {key: structure.joined_lines(pieces) for key, pieces in out.items()}
    return texts


def element_texts(path: Path) -> list[str]:
    """The text of every structure element, read with /ActualText honoured."""
    texts = marked_text(path)
    return [nfc(" ".join(texts.get(c, "") for c in node.content).strip())
            for node in structure.nodes(path, text=False)]


# --- glyphs as drawn --------------------------------------------------------------------------

def _font_named(base_font: str):
    """The registered reportlab font a PDF font (its BaseFont, subset prefix and all) is."""
    name = base_font.split("+", 1)[-1].encode()
    for font in pdfmetrics._fonts.values():
        face = getattr(font, "face", None)
        if face is not None and face.name == name:
            return font
    raise LookupError(base_font)


def drawn_glyphs(path: Path, page_index: int, family_postscript: str):
    """(x, glyph id) of each glyph drawn in a font whose name has `family_postscript`, in
    content-stream order, with the glyph ids of the font file (through the codes reportlab
    gave them; this process built the PDF)."""
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[page_index].chars if family_postscript in c["fontname"]]
    glyphs = []
    for c in chars:
        font = _font_named(c["fontname"])
        glyphs.append((c["x0"], font.face.charToGlyph[ord(c["text"])]))
    return glyphs


def harfbuzz_glyphs(text: str, family: str) -> list[tuple[int, int]]:
    """(glyph id, cluster, advance) as uharfbuzz shapes `text` in the family's font, visual order."""
    import fontpkg
    blob = uharfbuzz.Blob.from_file_path(fontpkg.path(family, weight=400))
    font = uharfbuzz.Font(uharfbuzz.Face(blob))
    buf = uharfbuzz.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    uharfbuzz.shape(font, buf, {"kern": True, "liga": True})
    return [(info.codepoint, info.cluster, pos.x_advance)
            for info, pos in zip(buf.glyph_infos, buf.glyph_positions)]


# --- the tests ------------------------------------------------------------------------------

@pytest.mark.parametrize("reuse", [False, True], ids=["whole", "batch"])
@pytest.mark.parametrize("script", list(NAMES))
def test_each_name_reads_back_exactly(tmp_path_factory, script, reuse):
    path = build(tmp_path_factory, NAMES[script], reuse)
    texts = element_texts(path)
    assert nfc(NAMES[script]) in texts
    for typed in (DOCTOR, ROLE, PLACE):
        assert nfc(typed) in texts


@pytest.mark.parametrize("script", ["arabic", "hebrew", "hindi", "chinese", "korean"])
def test_a_name_prints_the_same_bytes_in_a_batch_as_on_its_own(tmp_path_factory, script):
    whole = build(tmp_path_factory, NAMES[script], False).read_bytes()
    assert build(tmp_path_factory, NAMES[script], True).read_bytes() == whole


@pytest.mark.parametrize("style", ["default", "high-contrast", "juniper-bay-cancer-clinic",
                                   "tallpine-oncology"])
def test_every_bundled_style_prints_the_names(tmp_path_factory, style):
    for script in ("arabic", "hebrew", "hindi", "thai", "chinese", "korean"):
        path = build(tmp_path_factory, NAMES[script], False, style)
        texts = element_texts(path)
        assert nfc(NAMES[script]) in texts and nfc(PLACE) in texts


def test_an_arabic_name_after_latin_words_reads_in_order(tmp_path_factory):
    """A run of Arabic inside a left-to-right paragraph: the note "For سارة أحمد, twice"."""
    note = f"For {NAMES['arabic']}, twice a day."
    request = BookletRequest(patient=patient_from_data({"name": "Sam", "notes": note}, "t"),
                             sections=("when-to-call",))
    path = tmp_path_factory.mktemp("note") / "note.pdf"
    path.write_bytes(make_booklet(request, Workshop(reuse=False)).pdf)
    assert page.validate_pdf(str(path), profile="ua1").failures == []
    assert structure.untagged_operators(path) == []
    assert nfc(note) in element_texts(path)


def test_the_arabic_name_is_drawn_right_to_left_and_joined(tmp_path_factory):
    name = NAMES["arabic"]
    path = build(tmp_path_factory, name, False)
    glyphs = drawn_glyphs(path, 0, "NotoSansArabic")   # on the cover, only the name is Arabic
    xs, ids = [x for x, _ in glyphs], [g for _, g in glyphs]
    shaped = harfbuzz_glyphs(name, "Noto Sans Arabic")
    assert ids == [g for g, _, _ in shaped]          # harfbuzz's glyphs, in visual order
    # the letters (glyphs that advance; marks sit on them) go right to left in typing order
    letters = sorted((cluster, x) for (_, cluster, advance), x in zip(shaped, xs) if advance)
    assert len(letters) >= 8
    assert [x for _, x in letters] == sorted((x for _, x in letters), reverse=True)
    # the joined forms, not the isolated letters of the cmap, read backwards
    font = _font_named("NotoSansArabic-Regular")
    isolated = [font.face.charToGlyph[ord(c)] for c in reversed(name)]
    assert ids != isolated
    assert sum(a != b for a, b in zip(ids, isolated)) >= 4
    render(path, 0, "/tmp/scripts-arabic.png")


def test_the_hebrew_name_is_drawn_right_to_left(tmp_path_factory):
    name = NAMES["hebrew"]
    path = build(tmp_path_factory, name, False, arabic_details=False)
    glyphs = drawn_glyphs(path, 0, "Heebo")            # on the cover, only the name is Hebrew
    font = _font_named("Heebo-Regular")
    letters = [font.face.charToGlyph[ord(c)] for c in name if not c.isspace()]
    drawn = [(x, g) for x, g in glyphs if g in letters]
    assert [g for _, g in drawn] == letters[::-1]      # last letter drawn first, leftmost
    assert [x for x, _ in drawn] == sorted(x for x, _ in drawn)
    render(path, 0, "/tmp/scripts-hebrew.png")


@pytest.mark.parametrize("script", ["chinese", "japanese", "korean"])
def test_cjk_names_are_drawn_in_truetype_fonts_made_from_noto_sans_cjk(tmp_path_factory,
                                                                       script):
    name = NAMES[script]
    path = build(tmp_path_factory, name, False, arabic_details=False)
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[0].chars if re.match(cjk.CJK, c["text"])]
    assert "".join(c["text"] for c in chars) == name.replace(" ", "")
    assert {c["fontname"].split("+")[-1].rsplit("-", 1)[0] for c in chars} == \
        {"NotoSansCJKjp-Regular"}
    assert min(c["size"] for c in chars) >= 18
    with pikepdf.open(path) as pdf:
        files = [f.FontDescriptor for f in _descendant_fonts(pdf)
                 if "NotoSansCJK" in str(f.BaseFont)]
        assert files and all("/FontFile2" in d for d in files)   # TrueType outlines, embedded
    render(path, 0, f"/tmp/scripts-{script}.png")


def _descendant_fonts(pdf):
    for pdf_page in pdf.pages:
        for font in pdf_page.Resources.Font.values():
            yield from (font.DescendantFonts if "/DescendantFonts" in font else [font])


def test_a_cjk_block_font_is_the_same_made_or_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    block = ord("王") >> cjk.BLOCK_BITS
    made = cjk._make(cjk._source_file("regular"), "regular", block)
    cjk.block_font.cache_clear()
    try:
        assert cjk.block_font("regular", block) == made          # made, and saved
        saved = list((tmp_path / "booklet" / "cjk").iterdir())
        assert len(saved) == 1 and saved[0].read_bytes() == made
        cjk.block_font.cache_clear()
        saved[0].write_bytes(made[:-1] + b"!")                   # read back, not made again
        assert cjk.block_font("regular", block) == made[:-1] + b"!"
        cjk.block_font.cache_clear()
        monkeypatch.setenv("XDG_CACHE_HOME", "/proc/no-such-folder")   # cannot be written
        assert cjk.block_font("regular", block) == made
    finally:
        cjk.block_font.cache_clear()
    font = TTFont("CJK-test", io.BytesIO(made))
    assert font.face.charToGlyph[ord("王")] and ord(" ") in font.face.charToGlyph


def test_the_hindi_name_is_shaped(tmp_path_factory):
    name = NAMES["hindi"]
    path = build(tmp_path_factory, name, False, arabic_details=False)
    font_name = next(f for f in _fonts_on_page(path, 0) if "NotoSans" in f)  # only the name
    glyphs = [g for _, g in drawn_glyphs(path, 0, font_name)]
    font = _font_named(font_name)
    naive = [font.face.charToGlyph[ord(c)] for c in name]
    assert glyphs != naive and len(glyphs) != len(naive)   # reph, vowel signs reordered
    render(path, 0, "/tmp/scripts-hindi.png")


def _fonts_on_page(path: Path, index: int) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return sorted({c["fontname"] for c in pdf.pages[index].chars})


def render(path: Path, index: int, png: str) -> None:
    document = pypdfium2.PdfDocument(path)
    try:
        document[index].render(scale=2).to_pil().save(png)
    finally:
        document.close()


@pytest.mark.parametrize("name,char,message", [
    ("Sam 😀", "😀", "is not in the font"),
    ("Ptah \U00013000", "\U00013000", "is not in the font"),     # Egyptian hieroglyphs
])
def test_a_character_no_font_has_is_a_one_line_error(name, char, message):
    with pytest.raises(InputError) as caught:
        make_booklet(BookletRequest(patient=patient(name), sections=("when-to-call",)),
                     Workshop(reuse=False))
    text = str(caught.value.message)
    assert "\n" not in text and f"'{char}' (U+{ord(char):04X})" in text and message in text
    assert text.startswith("test: name: ")


def test_latin_markup_is_left_as_it_was():
    """No shaping, no fallback chain beyond Noto Sans, for text without those scripts."""
    fonts: FontSet = register_family("Atkinson Hyperlegible")
    for text in ("Call your care team", "Nguyễn Thị Ánh", "Анна Иванова", "Νίκος"):
        made = fonts.with_fallback(text)
        assert "actual_text" not in made
        assert re.sub(r"</?font[^>]*>", "", made) == text


def test_the_fast_string_split_gives_what_reportlabs_loop_gives(monkeypatch):
    """booklet.fonts.TrueTypeFont shortcuts splitString when every character has its code in
    the first subset already. Fed the same texts in the same order, it must give the same runs
    and leave the same subset assignments as reportlab's own loop, also past 256 codes, with
    no-break spaces and characters the font lacks; and the shortcut must be taken."""
    from booklet.fonts import TrueTypeFont
    import fontpkg

    path = str(fontpkg.path("Noto Sans", weight=400))
    ours, theirs = TrueTypeFont("split-ours", path), TTFont("split-theirs", path)
    greek = "".join(chr(c) for c in range(0x391, 0x3CA) if c != 0x3A2)
    cyrillic = "".join(chr(c) for c in range(0x410, 0x450))
    extended = "".join(chr(c) for c in range(0x100, 0x17F))
    texts = ["Call your care team", "", "Call your care team", "a\u00a0b", "café naïve",
             greek, "Call " + greek, cyrillic, extended, cyrillic + " " + greek, "\u0000x",
             "\ue000 private", "Call your care team", extended[::-1]]
    texts += texts      # the second time round, most texts take the shortcut

    class Doc:     # splitString keeps its state per document object (a weak key)
        pass
    doc_ours, doc_theirs = Doc(), Doc()
    loop, looped = TTFont.splitString, []

    def counted(self, text, doc, encoding="utf-8"):
        looped.append(text)
        return loop(self, text, doc, encoding)
    monkeypatch.setattr(TTFont, "splitString", counted)
    for text in texts:
        assert ours.splitString(text, doc_ours) == loop(theirs, text, doc_theirs), text
        a, b = ours.state[doc_ours], theirs.state[doc_theirs]
        assert (a.assignments, a.subsets, a.nextCode) == (b.assignments, b.subsets, b.nextCode)
    assert len(ours.state[doc_ours].subsets) > 1        # the texts went past one subset
    assert len(texts) - len(looped) >= 8, looped        # shortcuts taken
    assert looped.count("café naïve") == 1              # looped the first time only


def test_a_font_file_is_found_as_fontpkg_finds_it_without_its_search(monkeypatch):
    """booklet.fonts.font_path reads a fontpkg-* package named after the family directly; it
    must give fontpkg's own answer for every installed family and weight, and stay off
    fontpkg's search (which loads every font package) where the package is named so."""
    import fontpkg
    from booklet.fonts import font_path

    expected = {}
    for family in fontpkg.families().values():
        for weight in (100, 400, 700, 900):
            try:
                expected[family.name, weight] = fontpkg.path(family.name, weight=weight)
            except fontpkg.FontpkgError as error:
                expected[family.name, weight] = type(error)
    assert ("Atkinson Hyperlegible", 700) in expected

    def no_search(*args, **kwargs):
        raise AssertionError("fontpkg searched every package")
    monkeypatch.setattr(fontpkg, "path", no_search)
    for (name, weight), want in expected.items():
        if isinstance(want, type):
            with pytest.raises(want):
                font_path(name, weight)
        else:
            assert font_path(name, weight) == want, (name, weight)
    monkeypatch.undo()
    with pytest.raises(fontpkg.FontpkgError):
        font_path("No Such Family", 400)


def test_a_module_named_like_a_font_package_that_is_not_one_is_left_to_fontpkg(tmp_path,
                                                                              monkeypatch):
    import fontpkg
    from booklet.fonts import font_path

    (tmp_path / "fontpkg_not_a_font").mkdir()
    (tmp_path / "fontpkg_not_a_font" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(fontpkg.FamilyNotInstalled):
        font_path("Not A Font", 400)
