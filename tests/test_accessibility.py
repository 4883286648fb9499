"""What a screen-reader or low-vision reader meets past the machine checks (issue 17): the
glossary as a list of terms, other-language runs marked, long words split with a visible
hyphen that reads whole, links that hold their words, the diagram drawn as text, row headers
and captions. Each reads a real PDF back."""
from __future__ import annotations

import ctypes
import datetime as dt
import re
from pathlib import Path

import page
import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from conftest import make_pdf
from pdfread import all_chars, page_texts, quick_texts
from structure import children, nodes, untagged_operators

from booklet.content import load_library
from booklet.layout.theme import Theme
from booklet.resources import bundled, style_path
from booklet.style import load_style

CONTENT = bundled("content")


@pytest.fixture(scope="module")
def spanish():
    return load_library(CONTENT, "es")


@pytest.fixture(scope="module")
def spanish_booklet(tmp_path_factory, spanish, default_style):
    return make_pdf(tmp_path_factory.mktemp("a11y"), "es.pdf", spanish, default_style)


@pytest.fixture(scope="module", params=["en", "es"])
def high_contrast_booklet(request, tmp_path_factory):
    library = load_library(CONTENT, request.param)
    style = load_style(style_path("high-contrast"))
    return make_pdf(tmp_path_factory.mktemp("a11y"), f"hc-{request.param}.pdf", library, style)


@pytest.fixture(scope="module")
def tallpine_booklet(tmp_path_factory, library):
    return make_pdf(tmp_path_factory.mktemp("a11y"), "tallpine.pdf", library,
                    load_style(style_path("tallpine-oncology")))


# --- 1. the glossary is a list of terms ---------------------------------------------------

def test_each_glossary_entry_is_a_list_item_with_the_term_as_its_label(default_booklet):
    path, plan = default_booklet
    all_nodes = nodes(path)
    heading = next(i for i, n in enumerate(all_nodes)
                   if n.role == "H1" and n.text == "Words to know")
    lists = [n for n in all_nodes[heading + 1:] if n.depth == all_nodes[heading].depth][:1]
    assert [n.role for n in lists] == ["L"]
    items = children(all_nodes, all_nodes.index(lists[0]))
    assert len(items) == len(plan.terms) >= 40
    for item, term in zip(items, plan.terms):
        label, body = children(all_nodes, all_nodes.index(item))
        assert (label.role, body.role) == ("Lbl", "LBody")
        assert label.text == term.term + ("" if term.pronunciation else ":")
        if term.pronunciation:      # how to say it belongs with the meaning, in the body
            assert body.text.startswith(f"(say: {term.pronunciation}):")
        assert term.definition.replace("**", "")[:30] in body.text


def test_a_glossary_term_and_its_meaning_share_the_first_line(default_booklet):
    """The label is drawn at the start of the line its meaning runs on: the page reads as
    before, "insulin: A hormone ...", on one baseline."""
    path, plan = default_booklet
    text = "\n".join(page_texts(path))
    insulin = next(t for t in plan.terms if t.term == "insulin")
    assert f"insulin: {insulin.definition[:25]}" in text
    assert "insulinoma (say: in-suh-lih-NOH-muh): A pNET" in text


# --- 2. English inside the Spanish booklet ------------------------------------------------

def _language_runs(path: Path) -> list[tuple[str, str]]:
    """(language, text) of every piece of text inside marked content with a /Lang."""
    runs = []
    document = pypdfium2.PdfDocument(path)
    try:
        for pdf_page in document:
            textpage = pdf_page.get_textpage()
            for obj in pdf_page.get_objects(max_depth=0):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                for i in range(pdfium_c.FPDFPageObj_CountMarks(obj.raw)):
                    mark = pdfium_c.FPDFPageObj_GetMark(obj.raw, i)
                    size = ctypes.c_ulong()
                    if not pdfium_c.FPDFPageObjMark_GetParamStringValue(
                            mark, b"Lang", None, 0, ctypes.byref(size)):
                        continue
                    buffer = (ctypes.c_ushort * (size.value // 2 + 1))()
                    pdfium_c.FPDFPageObjMark_GetParamStringValue(
                        mark, b"Lang", buffer, size.value, ctypes.byref(size))
                    language = bytes(buffer)[:size.value].decode("utf-16-le").rstrip("\0")
                    obj.textpage = textpage
                    runs.append((language, obj.extract()))
    finally:
        document.close()
    return runs


def _lang_elements(path: Path) -> list[tuple[str, str]]:
    with pikepdf.open(path) as pdf:
        return [(str(o.S)[1:], str(o.Lang)) for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"
                and "/Lang" in o]


def test_english_titles_and_publishers_in_the_spanish_booklet_are_marked_en_us(
        spanish_booklet, spanish):
    path, plan = spanish_booklet
    runs = _language_runs(path)
    marked = re.sub(r"\s+", " ", " ".join(text for _, text in runs))
    assert {language for language, _ in runs} == {"en-US"}
    linked = [src for src in plan.sources if src.url]
    unlinked = [src for src in plan.sources if not src.url]
    assert linked and unlinked
    for src in unlinked:                 # a title inside its entry: a Span with /Lang
        assert src.title.rstrip(".") in marked, src.title
    for src in plan.sources:
        if src.publisher_language:       # "American Cancer Society", left in English
            assert src.publisher in marked
    # nothing Spanish is inside the English runs
    assert not re.search(r"\b(Consultad[ao]|Revisado|de la|sitio)\b", marked), marked
    # a linked title is a Link element of its own, marked en-US, holding the title
    links = [n for n in nodes(path) if n.role == "Link"
             and any(n.text.startswith(src.title.rstrip(".")) for src in linked)]
    assert len(links) == len(linked)
    elements = _lang_elements(path)
    assert elements and set(elements) == {("Link", "en-US")}
    assert len(elements) == len(linked)


def test_the_english_booklet_marks_no_other_language(default_booklet):
    assert _language_runs(default_booklet[0]) == []
    assert _lang_elements(default_booklet[0]) == []


def test_language_runs_stay_inside_tagged_content_and_pass_the_checker(spanish_booklet):
    path, _ = spanish_booklet
    assert untagged_operators(path) == []
    report = page.validate_pdf(str(path), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []


def test_a_source_language_must_be_a_language_tag(tmp_path):
    import shutil
    from click.testing import CliRunner
    from booklet.cli import main
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    sources = root / "es" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "language: en-US", "language: English", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(root)])
    assert result.exit_code != 0
    assert "sources.yaml" in result.output and "sources[0].language" in result.output
    assert "en-US" in result.output and "Traceback" not in result.output


# --- 3. long words ----------------------------------------------------------------------

def _printed_words(root: Path) -> set[str]:
    words = set()
    import booklet.messages
    from booklet.messages import format_date
    catalogues = Path(booklet.messages.__file__).parent
    for path in [*root.rglob("*.yaml"), *catalogues.rglob("*.yaml"),
                 *bundled("styles").rglob("*.yaml")]:
        words |= {w.lower() for w in re.findall(r"\w+", path.read_text(encoding="utf-8"))}
    for month in range(1, 13):      # dates print month names
        for language in ("en", "es"):
            words |= {w.lower() for w in re.findall(
                r"\w+", format_date(dt.date(2026, month, 1), language))}
    return words


def test_no_word_is_split_without_a_hyphen_in_a_large_print_booklet(high_contrast_booklet):
    """At 24 pt, table cells are narrow: every word pdfium reads back is a word the content
    or the layout wrote (a split with no hyphen would read as two pieces), and the splits
    that happen print a soft hyphen, which pdfium rejoins."""
    path, plan = high_contrast_booklet
    known = _printed_words(CONTENT / plan.info.language.split("-")[0])
    texts = quick_texts(path)
    assert any("\ufffe" in t for t in texts), "expected at least one hyphenated word"
    for number, text in enumerate(texts, start=1):
        text = text.replace("\ufffe\r\n", "").replace("\ufffe", "")
        strange = {w for w in re.findall(r"\w+", text) if w.lower() not in known
                   and not w.isdigit()}
        assert not strange, f"page {number}: {sorted(strange)}"


# --- 4 and 5. links -----------------------------------------------------------------------

def _links(path: Path) -> list[tuple[str, str, str]]:
    """(URI, /Contents, the Link element's own text) of every web link."""
    texts = {}
    all_nodes = nodes(path)
    with pikepdf.open(path) as pdf:
        tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        found = []
        for pdf_page in pdf.pages:
            for annotation in pdf_page.obj.get("/Annots", []):
                action = annotation.get("/A")
                if action is None or action.get("/S") != "/URI":
                    continue
                owner = tree[int(annotation.StructParent)]
                found.append((str(action.URI), str(annotation.Contents), owner.objgen))
        for node, element in zip(all_nodes, _elements_in_order(pdf)):
            texts[element] = node.text
        return [(uri, contents, texts.get(owner, "")) for uri, contents, owner in found]


def _elements_in_order(pdf):
    """Each structure element's object id, depth first, as structure.nodes walks them."""
    root = pdf.Root.StructTreeRoot
    out = []

    def walk(element):
        out.append(element.objgen)
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR",
                                                                                 "/OBJR"):
                walk(kid)
    for kid in (root.K if isinstance(root.K, pikepdf.Array) else [root.K]):
        walk(kid)
    return out


def test_printed_web_addresses_are_links_that_hold_their_words(tallpine_booklet):
    """The back page's website line, the address beside the QR code and the linked source
    titles: each a Link element whose text is the link's words, with a short description."""
    path, plan = tallpine_booklet
    links = _links(path)
    website = re.sub(r"^https?://", "", plan.style.contacts.website).rstrip("/")
    assert any(text == f"Website: {website}" and uri.rstrip("/").endswith(website)
               for uri, _, text in links), links
    qr = re.sub(r"^https?://", "", plan.style.qr).rstrip("/")
    assert any(qr in text and uri.rstrip("/").endswith(qr) for uri, _, text in links), links
    for src in (s for s in plan.sources if s.url):
        entry = [(c, t) for u, c, t in links if u == src.url]
        assert entry and entry[0][1].startswith(src.title.rstrip(".")), src.title
        description, _ = entry[0]
        site = re.sub(r"^(https?://)?(www\.)?", "", src.url).split("/")[0]
        assert description == f"{src.title.rstrip('.')} ({site})"
    for _, description, text in links:
        assert text and len(description.split()) <= 16


def test_links_are_underlined_in_the_text_colour(tallpine_booklet):
    """A link looks like one: a rule under its words, drawn in the text's own colour."""
    import pdfplumber
    path, plan = tallpine_booklet
    text_colour = Theme.of(plan).color("text").rgb()
    with pdfplumber.open(path) as pdf:
        back = pdf.pages[-1]
        shown = re.sub(r"^https?://", "", plan.style.contacts.website).rstrip("/")
        word = next(w for w in back.extract_words() if w["text"] == shown)
        rules = [r for r in back.lines if abs(r["top"] - word["bottom"]) < 4
                 and r["x0"] <= word["x0"] + 1 and r["x1"] >= word["x1"] - 1]
        assert rules, "no underline under the website address"
        colours = {tuple(round(v, 2) for v in (r.get("stroking_color") or
                                               r.get("non_stroking_color")))
                   for r in rules}
        assert tuple(round(v, 2) for v in text_colour) in colours


# --- 7. the diagram ----------------------------------------------------------------------

@pytest.mark.parametrize("style_name", ["default", "tallpine-oncology", "high-contrast"])
def test_the_pancreas_diagram_is_shapes_and_real_text_in_the_style_colours(
        tmp_path, library, style_name):
    style = load_style(style_path(style_name))
    path, plan = make_pdf(tmp_path, "what.pdf", library, style, sections=("what-is-a-pnet",))
    theme = Theme.of(plan)
    all_nodes = nodes(path)
    figure = next(n for n in all_nodes if n.role == "Figure"
                  and n.obj["alt"].startswith("A drawing with two parts."))
    # the words are text inside the figure's marked content, not a picture of them
    assert "Exocrine cells" in figure.text and "A pNET starts here." in figure.text
    number = figure.content[0][0]
    with pikepdf.open(path) as pdf:
        xobjects = pdf.pages[number].obj.Resources.get("/XObject", {})
        assert not [x for x in xobjects.values() if x.get("/Subtype") == "/Image"]
    chars = [c for c in all_chars(path) if c["page"] == number + 1
             and c["text"] in "Exocrine"]
    assert chars and min(c["size"] for c in chars) >= 18
    # its boxes are filled and edged in the style's colours
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        shapes = pdf.pages[number].curves + pdf.pages[number].rects
        fills = {tuple(round(v, 2) for v in s["non_stroking_color"]) for s in shapes
                 if s.get("fill") and s.get("non_stroking_color")}
        edges = {tuple(round(v, 2) for v in s["stroking_color"]) for s in shapes
                 if s.get("stroke") and s.get("stroking_color")}
    wanted = {tuple(round(v, 2) for v in theme.color(name).rgb())
              for name in ("primary tint", "accent", "primary")}
    assert wanted <= fills | edges
    assert tuple(round(v, 2) for v in theme.color("primary").rgb()) in edges


def test_the_diagram_caption_is_a_caption_beside_its_figure(default_booklet):
    all_nodes = nodes(default_booklet[0])
    figure = next(i for i, n in enumerate(all_nodes) if n.role == "Figure")
    group = next(n for n in reversed(all_nodes[:figure]) if n.depth < all_nodes[figure].depth)
    kids = children(all_nodes, all_nodes.index(group))
    assert group.role == "Div"
    assert [(k.role, k.text if k.role == "Caption" else "") for k in kids] == \
        [("Figure", ""), ("Caption", "Your pancreas has two jobs.")]


# --- 9. tables -------------------------------------------------------------------------

def test_a_personal_table_names_each_row_by_its_first_cell(tmp_path):
    """Visits: the date is the row header (TH, scope Row), so a reader hears it with each
    cell of the row."""
    from click.testing import CliRunner
    from booklet.cli import main
    out = tmp_path / "me.pdf"
    examples = Path(__file__).resolve().parent.parent / "examples"
    result = CliRunner().invoke(main, ["build", "--patient", str(examples / "patient.yaml"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    all_nodes = nodes(out)
    tables = [i for i, n in enumerate(all_nodes) if n.role == "Table"]
    personal = [i for i in tables if any(h.text in ("Date", "Role", "Medicine")
                                         for h in all_nodes[i + 1:i + 8] if h.role == "TH")]
    assert personal
    for i in personal:
        rows = [k for k in children(all_nodes, i) if k.role == "TR"]
        for row in rows[1:]:
            cells = children(all_nodes, all_nodes.index(row))
            assert cells[0].role == "TH" and cells[0].obj["attributes"]["/Scope"] == "/Row"
            assert {c.role for c in cells[1:]} == {"TD"}


def test_high_contrast_booklets_pass_the_checker_with_every_operator_tagged(
        high_contrast_booklet):
    path, _ = high_contrast_booklet
    assert untagged_operators(path) == []
    report = page.validate_pdf(str(path), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
