"""Brands: a clinic's colours, logo and QR code reach the PDF; contrast, size and glyph rules."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pypdfium2
import pytest
import zxingcpp

from booklet.errors import InputError
from booklet.resources import bundled_styles, style_path
from booklet.style import load_style, style_in_language

from conftest import FIXTURE_CONTENT, make_pdf
from pdfread import fonts, lines, page_texts

STYLES = Path(style_path("default")).parent


def rgb(color: str) -> tuple[float, ...]:
    return tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))


def near(a, b, tolerance=0.02) -> bool:
    return a is not None and len(a) == 3 and all(abs(x - y) <= tolerance for x, y in zip(a, b))


def style_file(tmp_path: Path, text: str, name: str = "brand.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = """\
name: Test brand
clinic: {clinic}
colors:
  text: "#1a1a1a"
  background: "#ffffff"
  primary: "{primary}"
  accent: "{accent}"
  warning: "#8c1d18"
base_size: {size}
"""


def brand(clinic="Test Clinic", primary="#1d4a7a", accent="#e9f0f8", size=18, extra=""):
    return BASE.format(clinic=clinic, primary=primary, accent=accent, size=size) + extra


@pytest.fixture(scope="module")
def clinic_pdfs(tmp_path_factory, fixture_library):
    """The fixture content as a booklet in each example clinic's style, and in the default."""
    folder = tmp_path_factory.mktemp("brands")
    return {name: make_pdf(folder, f"{name}.pdf", fixture_library,
                           load_style(style_path(name)))[0]
            for name in ("juniper-bay-cancer-clinic", "tallpine-oncology", "default")}


# --- colours, logo, QR ------------------------------------------------------------------------

def test_logo_and_qr_name_no_base14_font(clinic_pdfs):
    """reportlab starts a drawing in Helvetica; ours start in the page's own font."""
    for name, path in clinic_pdfs.items():
        with pikepdf.open(path) as pdf:
            fonts = {str(font.BaseFont) for page in pdf.pages
                     for font in page.Resources.get("/Font", {}).values()}
        assert not [f for f in fonts if "Helvetica" in f or "+" not in f], (name, fonts)


@pytest.mark.parametrize("name", ["juniper-bay-cancer-clinic", "tallpine-oncology"])
def test_brand_primary_colour_fills_the_cover_band_and_colours_the_title(clinic_pdfs, name):
    primary = rgb(load_style(style_path(name)).colors.primary)
    with pdfplumber.open(clinic_pdfs[name]) as pdf:
        cover = pdf.pages[0]
        assert any(near(r["non_stroking_color"], primary, 0.002) for r in cover.rects)
        title = [c for c in cover.chars if c["size"] > 30]
        assert title and all(near(c["non_stroking_color"], primary, 0.002) for c in title)
    with pdfplumber.open(clinic_pdfs["default"]) as pdf:
        assert not any(near(r["non_stroking_color"], primary, 0.002) for r in pdf.pages[0].rects)


def image_xobjects(page) -> list[str]:
    xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
    return [k for k, v in xobjects.items() if v.get_object().get("/Subtype") == "/Image"]


def test_png_logo_is_an_image_on_the_cover_and_the_back_page(clinic_pdfs):
    reader = pypdf.PdfReader(clinic_pdfs["tallpine-oncology"])
    assert image_xobjects(reader.pages[0]), "the logo on the cover"
    assert image_xobjects(reader.pages[-1]), "the logo on the back page"
    assert not image_xobjects(pypdf.PdfReader(clinic_pdfs["default"]).pages[0])


def test_svg_logo_is_drawn_as_shapes_in_its_colours(clinic_pdfs):
    sun = rgb("#e0a526")  # the yellow sun of the Juniper Bay logo (styles/logos/draw.py)
    for path, expected in ((clinic_pdfs["juniper-bay-cancer-clinic"], True),
                           (clinic_pdfs["default"], False)):
        with pdfplumber.open(path) as pdf:
            for page in (pdf.pages[0], pdf.pages[-1]):
                found = any(near(c.get("non_stroking_color"), sun) for c in page.curves)
                assert found is expected, (path.name, page.page_number)


def test_logo_sits_top_left_on_the_cover_about_0_9_inch_high(clinic_pdfs):
    with pdfplumber.open(clinic_pdfs["tallpine-oncology"]) as pdf:
        cover = pdf.pages[0]
        (logo,) = cover.images
        assert logo["height"] == pytest.approx(0.9 * 72, abs=0.5)
        assert logo["x0"] == pytest.approx(0.85 * 72, abs=0.5)
        title_top = min(c["top"] for c in cover.chars if c["size"] > 30)
        assert logo["bottom"] < title_top


def test_qr_code_is_drawn_beside_the_written_out_address(clinic_pdfs):
    style = load_style(style_path("juniper-bay-cancer-clinic"))
    with pdfplumber.open(clinic_pdfs["juniper-bay-cancer-clinic"]) as pdf:
        back = pdf.pages[-1]
        modules = [r for r in back.rects if near(r["non_stroking_color"], rgb(style.colors.text))
                   and r["width"] < 6 and abs(r["width"] - r["height"]) < 0.01]
        assert len(modules) > 100, "a QR code is many small dark squares"
        right = max(r["x1"] for r in modules)
        assert right - min(r["x0"] for r in modules) < 1.5 * 72
        address = [c for c in back.chars if c["x0"] > right and c["top"] < max(
            r["bottom"] for r in modules)]
        assert "example.org/juniper-bay/pnet" in "".join(c["text"] for c in address)
    with pdfplumber.open(clinic_pdfs["default"]) as pdf:
        assert len(pdf.pages[-1].rects) < 20


@pytest.mark.parametrize("name", ["juniper-bay-cancer-clinic", "tallpine-oncology"])
def test_qr_code_opens_the_styles_address_when_scanned(clinic_pdfs, name):
    document = pypdfium2.PdfDocument(clinic_pdfs[name])
    back_page = document[len(document) - 1].render(scale=2).to_pil()
    document.close()
    found = [code.text for code in zxingcpp.read_barcodes(back_page)
             if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [load_style(style_path(name)).qr]


def test_every_bundled_style_builds_a_large_print_booklet(tmp_path, fixture_library):
    for name, path in bundled_styles().items():
        style = load_style(path)
        pdf, _ = make_pdf(tmp_path, f"{name}.pdf", fixture_library, style)
        assert style_in_language(style, "en").clinic in page_texts(pdf)[0]
        assert min(line.size for line in lines(pdf)) >= max(18, style.base_size) - 0.01, name


def test_high_contrast_sets_body_text_bold_at_24pt(tmp_path, fixture_library):
    pdf, _ = make_pdf(tmp_path, "hc.pdf", fixture_library,
                      load_style(style_path("high-contrast")))
    body = [line for line in lines(pdf) if line.size == 24]
    assert body and all(line.bold for line in body)


# --- contrast -----------------------------------------------------------------------------

def test_pale_text_is_refused_naming_the_pair_and_its_ratio(tmp_path):
    path = style_file(tmp_path, brand(primary="#8a8a8a"))
    with pytest.raises(InputError) as error:
        load_style(path)
    assert error.value.problems[0] == (
        f"{path}: colors: primary on background has contrast 3.5:1; text needs at least 7:1."
        " Fix: darken the text colour or lighten the fill.")


def test_heading_on_a_colour_fill_needs_4_5_to_1(tmp_path):
    # Dark blue headings: 9:1 on white, 2.7:1 on a mid-blue accent fill (refused), 6:1 on a
    # light one (allowed: headings on a fill need 4.5:1, not the 7:1 of text).
    path = style_file(tmp_path, brand(primary="#1d4a7a", accent="#6f8fb0"))
    with pytest.raises(InputError) as error:
        load_style(path)
    assert f"{path}: colors: primary on accent has contrast 2.7:1; headings on a colour fill" \
           " need at least 4.5:1. Fix: darken the text colour or lighten the fill." \
           in error.value.problems
    assert load_style(style_file(tmp_path, brand(accent="#c4d3e3"), "ok.yaml"))


# --- base size ----------------------------------------------------------------------------

def test_base_size_14_is_refused_without_standard_print(tmp_path):
    path = style_file(tmp_path, brand(size=14))
    with pytest.raises(InputError) as error:
        load_style(path)
    assert str(error.value.message) == (
        f"{path}: base_size: 14 pt is below large print (18 pt). Fix: use 18, 20 or 24, or"
        " build a standard-print copy with --standard-print.")
    assert load_style(path, standard_print=True).base_size == 14


def test_standard_print_flag_builds_a_14pt_booklet(tmp_path):
    path = style_file(tmp_path, brand(size=14))
    out = tmp_path / "small.pdf"
    refused = run_cli("build", "--content", str(FIXTURE_CONTENT), "--style", str(path),
                      "-o", str(out))
    assert refused.returncode == 2 and "--standard-print" in refused.stderr
    done = run_cli("build", "--content", str(FIXTURE_CONTENT), "--style", str(path),
                   "--standard-print", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert min(line.size for line in lines(out)) == pytest.approx(14)


def test_check_accepts_a_14pt_style_only_with_standard_print(tmp_path):
    path = style_file(tmp_path, brand(size=14))
    refused = run_cli("check", "--content", str(FIXTURE_CONTENT), "--style", str(path))
    assert refused.returncode == 1 and "14 pt is below large print" in refused.stderr
    accepted = run_cli("check", "--content", str(FIXTURE_CONTENT), "--style", str(path),
                       "--standard-print")
    assert "14 pt is below large print" not in accepted.stderr


def test_base_size_12_is_refused_even_for_standard_print(tmp_path):
    with pytest.raises(InputError) as error:
        load_style(style_file(tmp_path, brand(size=12)), standard_print=True)
    assert "base_size: 12 is not allowed. Fix: use one of 18, 20, 24 (14 or 16 only with" \
           " --standard-print)." in error.value.message


# --- logo and font files ------------------------------------------------------------------

def test_logo_and_font_files_are_read_next_to_the_style(tmp_path, fixture_library):
    import reportlab

    shutil.copy(STYLES / "logos" / "tallpine.png", tmp_path / "mark.png")
    for face, file in (("regular", "Vera.ttf"), ("bold", "VeraBd.ttf")):  # shipped by reportlab
        shutil.copy(Path(reportlab.__file__).parent / "fonts" / file, tmp_path / f"house-{face}.ttf")
    path = style_file(tmp_path, brand(extra="logo: {file: mark.png, alt: A test mark.}\n"
                                            "font: {regular: house-regular.ttf,"
                                            " bold: house-bold.ttf}\n"))
    style = load_style(path)
    assert style.logo.path == (tmp_path / "mark.png").resolve()
    pdf, _ = make_pdf(tmp_path, "files.pdf", fixture_library, style)
    used = fonts(pdf)
    assert any(name.endswith("+BitstreamVeraSans-Roman") for name in used), used
    assert any(name.endswith("+BitstreamVeraSans-Bold") for name in used), used
    assert not any("Atkinson" in name for name in used)
    assert image_xobjects(pypdf.PdfReader(pdf).pages[0])


BAD_LOGOS = [
    ("missing", "logo: {file: nope.png, alt: A mark.}",
     "brand.yaml: logo.file: 'nope.png' not found. Fix: check the name; paths are relative"
     " to the style file."),
    ("outside", "logo: {file: ../elsewhere/mark.png, alt: A mark.}",
     "brand.yaml: logo.file: '../elsewhere/mark.png' is outside the style's folder."),
    ("wrong type", "logo: {file: mark.gif, alt: A mark.}",
     "brand.yaml: logo.file: 'mark.gif' is not a PNG, JPEG or SVG picture. Fix: use a png,"
     " jpg, jpeg, svg file."),
    ("no alt text", "logo: {file: mark.png}",
     "brand.yaml: logo.alt: is missing. Fix: add 'alt:' (what the logo is, for people"),
    ("not a picture", "logo: {file: broken.png, alt: A mark.}",
     "brand.yaml: logo.file: 'broken.png' cannot be read as a picture"),
    ("not an svg", "logo: {file: broken.svg, alt: A mark.}",
     "brand.yaml: logo.file: 'broken.svg' cannot be read as a picture"),
    ("font file missing", "font: {regular: a.ttf, bold: b.ttf}",
     "brand.yaml: font.regular: 'a.ttf' not found."),
    ("font mapping incomplete", "font: {regular: a.ttf}",
     "brand.yaml: font.bold: is missing. Fix: add 'bold:'"),
    ("qr not an address", "qr: scan me",
     "brand.yaml: qr: 'scan me' is not a web address."),
]


@pytest.mark.parametrize("name,extra,expected", BAD_LOGOS, ids=[c[0] for c in BAD_LOGOS])
def test_bad_logo_font_or_qr_gives_one_line_error(tmp_path, name, extra, expected):
    folder = tmp_path / "style"
    (tmp_path / "elsewhere").mkdir()
    folder.mkdir()
    for target in (folder / "mark.png", folder / "mark.gif", tmp_path / "elsewhere" / "mark.png"):
        shutil.copy(STYLES / "logos" / "tallpine.png", target)
    (folder / "broken.png").write_bytes(b"not a picture")
    (folder / "broken.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'", "utf-8")
    path = style_file(folder, brand(extra=extra + "\n"))
    result = run_cli("build", "--content", str(FIXTURE_CONTENT), "--style", str(path),
                     "-o", str(tmp_path / "x.pdf"), cwd=folder)
    assert_one_line(result, expected)


# --- characters ---------------------------------------------------------------------------

def test_vietnamese_name_prints_through_the_noto_sans_fallback(tmp_path, fixture_library):
    style = load_style(style_file(tmp_path, brand(clinic="Phòng khám Nguyễn Thị Ánh")))
    pdf, _ = make_pdf(tmp_path, "vi.pdf", fixture_library, style)
    assert "Phòng khám Nguyễn Thị Ánh" in page_texts(pdf)[0].splitlines()
    used = fonts(pdf)
    noto = [name for name in used if "NotoSans" in name]
    assert noto and all(used[name] for name in noto), "Noto Sans embedded"
    with pdfplumber.open(pdf) as doc:
        faces = {c["text"]: c["fontname"] for c in doc.pages[0].chars if c["text"] in "ễị"}
    assert faces and all("NotoSans" in face for face in faces.values())


def test_vietnamese_in_the_footer_title_is_not_lost(tmp_path, content_copy):
    booklet = content_copy / "booklet.yaml"
    text = booklet.read_text(encoding="utf-8")
    short = next(line for line in text.splitlines() if line.startswith("short_title:"))
    booklet.write_text(text.replace(short, "short_title: Sổ tay pNET"), encoding="utf-8")
    out = tmp_path / "footer.pdf"
    result = run_cli("build", "--content", str(content_copy), "-o", str(out))
    assert result.returncode == 0, result.stderr
    footers = [line.text for line in lines(out) if line.page == 2 and "Page 2 of" in line.text]
    assert footers and footers[0].startswith("Sổ tay pNET")


@pytest.mark.parametrize("text,char,code,why", [
    ("ሰላም Clinic", "ሰ", "U+1230", "is not in the font Atkinson Hyperlegible or Noto Sans."
                                   " Fix: replace it, or choose a font that has it in the"
                                   " style."),
    ("\U0001F642 Clinic", "\U0001F642", "U+1F642", "is not in the font Atkinson Hyperlegible or"
                                              " Noto Sans. Fix: replace it, or choose a font"
                                              " that has it in the style.")])
def test_a_script_no_font_has_stops_the_build_in_one_line(tmp_path, text, char, code, why):
    path = style_file(tmp_path, brand(clinic=text))
    out = tmp_path / "x.pdf"
    result = run_cli("build", "--content", str(FIXTURE_CONTENT), "--style", str(path),
                     "-o", str(out), cwd=tmp_path)
    assert_one_line(result, f"brand.yaml: clinic: the character '{char}' ({code}) {why}")
    assert not out.exists()


def run_cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booklet", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def assert_one_line(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    error_lines = result.stderr.strip().splitlines()
    assert len(error_lines) == 1, result.stderr
    assert error_lines[0].startswith("Error: ") and expected in error_lines[0], error_lines[0]


# --- accessibility of the brand pictures --------------------------------------------------

@pytest.mark.parametrize("name", ["juniper-bay-cancer-clinic", "tallpine-oncology"])
def test_logo_and_qr_are_figures_with_alt_text_in_a_valid_tagged_pdf(clinic_pdfs, name):
    import page
    from structure import nodes, untagged_operators

    path, style = clinic_pdfs[name], style_in_language(load_style(style_path(name)), "en")
    alts = [str(n.obj["alt"]) for n in nodes(path) if n.role == "Figure"]
    address = style.qr.removeprefix("https://")
    assert alts.count(style.logo.alt) == 2, "the logo on the cover and the back page"
    assert f"QR code that opens {address}" in alts
    assert untagged_operators(path) == []
    assert page.validate_pdf(str(path), profile="ua1").failures == []


def test_a_bundled_logos_alt_text_is_short_and_names_the_clinic():
    """It is read before the cover title: the clinic's name and 'logo', not a description."""
    for name, path in bundled_styles().items():
        style = load_style(path)
        if style.logo is None:
            continue
        for lang in ("en", "es"):
            alt = style_in_language(style, lang).logo.alt
            assert style.clinic in alt and len(alt.split()) <= 6, (name, lang, alt)


@pytest.mark.parametrize("name", ["tallpine-oncology", "juniper-bay-cancer-clinic"])
def test_printed_web_addresses_are_links(clinic_pdfs, name):
    """The back page's website and the address beside the QR code open in a browser."""
    style = load_style(style_path(name))
    wanted = {u if u.startswith("http") else f"https://{u}"
              for u in (style.contacts.website, style.qr) if u}
    assert wanted
    with pikepdf.open(clinic_pdfs[name]) as pdf:
        back = pdf.pages[-1]
        uris = {str(a.A.URI) for a in back.obj.get("/Annots", []) if "/A" in a}
    assert wanted <= uris, (wanted, uris)


def test_high_contrast_sets_labels_a_size_above_its_bold_body(tmp_path, fixture_library):
    """With every word bold, box titles, table headers and glossary terms get a size step."""
    style = load_style(style_path("high-contrast"))
    pdf, _ = make_pdf(tmp_path, "hc.pdf", fixture_library, style)
    found = lines(pdf)
    body = 24
    key_points = [line for line in found if line.text.startswith("Key points")]
    assert key_points and all(line.size > body for line in key_points)
    assert any(line.size > body for line in found if line.page > 3 and line.bold
               and not line.text.startswith("Key points") and line.size < body + 4)
