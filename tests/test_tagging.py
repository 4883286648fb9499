"""Every PDF is a tagged PDF a screen reader can follow (PDF/UA-1 as the target)."""
from __future__ import annotations

import re
from io import BytesIO

import page
import pdfplumber
import pikepdf
import pytest

from booklet.tagging import STRICT_ENV, TaggingCanvas, UntaggedDrawing

from structure import children, nodes, outline, untagged_operators

BUILT = ["default_booklet", "fixture_booklet", "handout", "fixture_handout", "fixture_sheet"]


@pytest.fixture(params=BUILT)
def built(request):
    path, _plan = request.getfixturevalue(request.param)
    return path


def test_pdfua_checker_finds_no_failure(built):
    report = page.validate_pdf(str(built), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert report.is_compliant


def test_every_painting_operator_is_tagged_or_an_artifact(built):
    assert untagged_operators(built) == []


def test_qpdf_finds_no_damage(built):
    with pikepdf.open(built) as pdf:
        assert pdf.check_pdf_syntax() == []


def test_structure_of_a_booklet_matches_golden(fixture_booklet, golden):
    golden("fixture-booklet.structure.txt", outline(fixture_booklet[0]))


def test_structure_of_a_handout_matches_golden(fixture_handout, golden):
    golden("fixture-handout.structure.txt", outline(fixture_handout[0]))


def test_structure_of_a_sheet_matches_golden(fixture_sheet, golden):
    golden("fixture-sheet.structure.txt", outline(fixture_sheet[0]))


def test_catalog_declares_a_tagged_titled_pdfua_document(built):
    with pikepdf.open(built) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en-US"
        assert bool(root.MarkInfo.Marked) is True
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        xmp = root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        title = str(pdf.docinfo.Title)
        assert title and f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp
        assert pdf.pdf_version == "1.7", "the header names the version whose features it uses"
        if "/Outlines" in root:         # a booklet: it opens with its bookmarks shown
            assert root.PageMode == "/UseOutlines"
        for number, pdf_page in enumerate(pdf.pages, start=1):
            assert pdf_page.obj.get("/Tabs") == "/S", f"page {number}"
            if "/StructParents" not in pdf_page.obj:   # only a page of artifacts may lack it
                content = b"".join(c.read_bytes() for c in pdf_page.obj.Contents.as_list()
                                   ) if isinstance(pdf_page.obj.Contents, pikepdf.Array) \
                    else pdf_page.obj.Contents.read_bytes()
                assert b"/MCID" not in content, f"page {number} has no tagged content"
                assert b"/Artifact" in content, f"page {number} is empty"


def test_headings_start_at_h1_and_never_skip_a_level(built):
    levels = [int(n.role[1]) for n in nodes(built) if re.fullmatch(r"H[1-6]", n.role)]
    assert levels[0] == 1
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert skips == []


def test_figures_have_alt_text_and_a_bounding_box(fixture_booklet):
    figures = [n for n in nodes(fixture_booklet[0]) if n.role == "Figure"]
    assert figures
    for figure in figures:
        assert figure.obj["alt"], "a figure without /Alt"
        assert figure.obj["attributes"].get("/O") == "/Layout"
        assert "/BBox" in figure.obj["attributes"]


def test_table_headers_have_a_scope_and_are_read_once(everything_booklet):
    """The header row's cells are column headers, read once; in every other row the first
    cell (what the row is about) is a row header and the rest are data cells."""
    all_nodes = nodes(everything_booklet[0])
    tables = [i for i, n in enumerate(all_nodes) if n.role == "Table"]
    assert tables
    for i in tables:
        kids = children(all_nodes, i)
        assert [k.role for k in kids if k.role != "TR"] in ([], ["Caption"])
        rows = [k for k in kids if k.role == "TR"]
        header = children(all_nodes, all_nodes.index(rows[0]))
        assert [(h.role, h.obj["attributes"].get("/Scope")) for h in header] == \
            [("TH", "/Column"), ("TH", "/Column")]
        for row in rows[1:]:
            cells = children(all_nodes, all_nodes.index(row))
            assert [(c.role, c.obj["attributes"].get("/Scope")) for c in cells] == \
                [("TH", "/Row"), ("TD", None)]
            assert all(c.text for c in cells)


def test_a_paragraph_split_across_pages_is_one_element(everything_booklet):
    split = [n for n in nodes(everything_booklet[0])
             if n.role in ("P", "LBody") and len({page for page, _ in n.content}) > 1]
    assert split, "expected at least one paragraph that runs onto the next page"
    assert all(len(n.text.split()) > 5 for n in split)


def test_list_items_hold_a_label_and_a_body(fixture_booklet):
    all_nodes = nodes(fixture_booklet[0])
    items = [i for i, n in enumerate(all_nodes) if n.role == "LI"]
    assert len(items) > 10
    shapes = {tuple(n.role for n in children(all_nodes, i)) for i in items}
    # bullets and steps: label and body; the question checklist: the question (tick box is art)
    assert shapes == {("Lbl", "LBody"), ("LBody",)}


def test_contents_page_is_a_toc_of_links(default_booklet):
    all_nodes = nodes(default_booklet[0])
    toc = next(i for i, n in enumerate(all_nodes) if n.role == "TOC")
    entries = children(all_nodes, toc)
    assert len(entries) >= 5 and {e.role for e in entries} == {"TOCI"}
    first = children(all_nodes, all_nodes.index(entries[0]))
    assert [(n.role, n.text) for n in first] == [("Link", "What is a pNET?"), ("P", "3")]


def test_every_link_annotation_sits_in_a_link_element_with_a_description(built):
    with pikepdf.open(built) as pdf:
        parent_tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        annotations = [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
        assert annotations or "handout" in built.name or "sheet" in built.name
        for annotation in annotations:
            description = str(annotation.get("/Contents", "")).strip()
            assert description and len(description.split()) <= 16, description
            assert int(annotation.get("/F", 0)) & 4, "a link's look prints with its page"
            owner = parent_tree[int(annotation.StructParent)]
            assert owner.S == "/Link"
            kids = owner.K if isinstance(owner.K, pikepdf.Array) else [owner.K]
            objrs = [k for k in kids if isinstance(k, pikepdf.Dictionary)
                     and k.get("/Type") == "/OBJR"]
            assert any(k.Obj.objgen == annotation.objgen for k in objrs)
            # the Link holds the words that are the link, not only the annotation
            assert any(isinstance(k, int) or k.get("/Type") == "/MCR" for k in kids)
    links = [n for n in nodes(built) if n.role == "Link"]
    assert all(n.text for n in links)


def test_fonts_are_embedded_with_unicode_maps_and_none_is_base14(built):
    with pikepdf.open(built) as pdf:
        for pdf_page in pdf.pages:
            for name, font in pdf_page.Resources.get("/Font", {}).items():
                assert font.Subtype != "/Type1", f"base-14 font {font.BaseFont}"
                assert "/ToUnicode" in font, f"{font.BaseFont} has no ToUnicode map"
                descriptor = font.FontDescriptor
                assert "/FontFile2" in descriptor, f"{font.BaseFont} is not embedded"
                cmap = font.ToUnicode.read_bytes().decode("latin-1")
                assert "<0000>" not in cmap


def test_words_at_line_ends_are_separated_by_real_spaces(default_booklet):
    with pdfplumber.open(default_booklet[0]) as pdf:
        chars = [c for c in pdf.pages[2].chars if c.get("mcid") is not None]
    by_mcid: dict[int, str] = {}
    for c in chars:
        by_mcid[c["mcid"]] = by_mcid.get(c["mcid"], "") + c["text"]
    text = " | ".join(by_mcid.values())
    # "...the most common" ends one line and "pancreatic cancer" begins the next
    assert "most common pancreatic cancer" in text


def test_strict_mode_stops_drawing_outside_any_element(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    canvas = TaggingCanvas(BytesIO())
    canvas.line(0, 0, 100, 100)
    with pytest.raises(UntaggedDrawing, match="outside any structure element"):
        canvas.showPage()


def test_without_strict_mode_stray_drawing_becomes_an_artifact(monkeypatch, tmp_path):
    monkeypatch.delenv(STRICT_ENV)
    target = tmp_path / "stray.pdf"
    canvas = TaggingCanvas(str(target))
    canvas.line(0, 0, 100, 100)
    canvas.showPage()
    canvas.save()
    with pikepdf.open(target) as pdf:
        ops = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
    assert ops.index("BMC") < ops.index("S") < ops.index("EMC")


@pytest.fixture(scope="session")
def fillable_booklet(pdf_dir, library, default_style):
    from booklet.assemble import choose_sections, plan_document
    from booklet.output import build_pdf
    plan = plan_document(library, default_style, choose_sections(library), fillable=True)
    path = pdf_dir / "fillable.pdf"
    path.write_bytes(build_pdf(plan)[0])
    return path, plan


def test_fillable_booklet_has_named_fields_described_and_in_the_tree(fillable_booklet):
    path, plan = fillable_booklet
    first = plan.question_groups[0].questions[0]
    with pikepdf.open(path) as pdf:
        fields = {str(f.T): f for f in pdf.Root.AcroForm.Fields}
        assert {"owner", f"question-{first.id}", f"question-{first.id}-answer",
                "notes-1"} <= set(fields)
        assert str(fields[f"question-{first.id}"].TU) == first.text
        assert fields[f"question-{first.id}"].FT == "/Btn"
        assert set(fields[f"question-{first.id}"].AP.N.keys()) == {"/Yes", "/Off"}
        answer = fields[f"question-{first.id}-answer"]
        assert answer.FT == "/Tx" and int(answer.Ff) & (1 << 12), "a multi-line text field"
        parent_tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        for field in fields.values():
            assert str(field.TU).strip()
            assert parent_tree[int(field.StructParent)].S == "/Form"
        field_font = pdf.Root.AcroForm.DR.Font[str(answer.DA).split()[0]]
        assert field_font.Subtype == "/TrueType" and "/FontFile2" in field_font.FontDescriptor
        assert "Atkinson" in str(field_font.BaseFont)


def test_fillable_booklet_passes_the_pdfua_checker(fillable_booklet):
    report = page.validate_pdf(str(fillable_booklet[0]), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert untagged_operators(fillable_booklet[0]) == []


def test_printed_booklet_has_no_form_fields(default_booklet):
    with pikepdf.open(default_booklet[0]) as pdf:
        assert "/AcroForm" not in pdf.Root


def test_subheadings_have_bookmarks_under_their_section_on_their_page(default_booklet):
    """A reader can jump to any subheading: each H2 of a section is a bookmark one level
    under the section's, pointing at the page the subheading is printed on."""
    import pypdf
    from pdfread import quick_texts

    path, plan = default_booklet
    reader = pypdf.PdfReader(path)
    texts = [" ".join(t.split()) for t in quick_texts(path)]
    sections = {s.title: [b.text for b in s.body if type(b).__name__ == "Heading"]
                for s in plan.sections}
    outline = reader.outline
    found = {}
    for i, entry in enumerate(outline):
        if isinstance(entry, list) or entry.title not in sections:
            continue
        children = outline[i + 1] if i + 1 < len(outline) and isinstance(outline[i + 1], list) \
            else []
        found[entry.title] = [child.title for child in children]
        for child in children:
            page = reader.get_destination_page_number(child)
            assert child.title in texts[page], (child.title, page + 1)
    assert found == sections and sum(map(len, found.values())) > 10
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_the_review_date_is_read_as_text_not_only_in_the_footer(default_booklet):
    """The footer is a pagination artifact a screen reader skips; the date is also printed
    once, on the contents page, as a tagged paragraph."""
    from booklet.messages import catalogue, format_date

    path, plan = default_booklet
    msgs = catalogue(plan.info.language)
    wanted = msgs["reviewed"].format(date=format_date(plan.reviewed, plan.info.language)) + "."
    paragraphs = [n.text for n in nodes(path) if n.role == "P"]
    assert paragraphs.count(wanted) == 1, wanted


def test_notes_pages_are_one_part_with_one_heading(everything_booklet):
    """Each notes page shows its title, but only the first is a heading: the next ones repeat
    it as an artifact, so a reader moving by heading meets "Notes" once."""
    from booklet.messages import catalogue
    from pdfread import quick_texts

    path, plan = everything_booklet
    title = catalogue(plan.info.language)["notes_title"]
    shown = [i for i, text in enumerate(quick_texts(path))
             if title in [line.strip() for line in text.splitlines()]]
    assert len(shown) >= 2
    assert [n.text for n in nodes(path) if n.role == "H1"].count(title) == 1


def test_an_empty_cell_of_a_personal_table_is_read_as_not_given(tmp_path):
    """A visit with no time shows a dash, read as "not given"; every row keeps its cells."""
    from booklet.patient import patient_from_data
    from booklet.request import BookletRequest, make_booklet

    person = patient_from_data({"name": "Sam", "visits": [
        {"date": "2027-01-12", "time": "9:30 AM", "place": "Clinic B", "purpose": "Scan"},
        {"date": "2027-02-02", "place": "Clinic C"}]}, "test")
    path = tmp_path / "visits.pdf"
    path.write_bytes(make_booklet(BookletRequest(sections=("when-to-call",), patient=person)).pdf)
    all_nodes = nodes(path)
    table = next(i for i, n in enumerate(all_nodes) if n.role == "Table"
                 and any(c.text == "Clinic C" for c in all_nodes[i:i + 20]))
    rows = [r for r in children(all_nodes, table) if r.role == "TR"]
    cells = [[all_nodes.index(c) for c in children(all_nodes, all_nodes.index(r))] for r in rows]
    assert [len(c) for c in cells] == [4, 4, 4]
    last = [all_nodes[i] for i in cells[-1]]
    assert [(c.text, c.obj["alt"]) for c in last[1:]] == [
        ("—", "not given"), ("Clinic C", None), ("—", "not given")]


@pytest.mark.parametrize("value", [
    {"Type": "Name:StructElem", "S": "Name:P", "Alt": "Páncreas (dibujo) \\ 50%", "K": [0, 3]},
    {"A": {"O": "Name:Layout", "BBox": [72.0, 90.25, 540.5, 700.0]}, "T": "plain (text)"},
    {"Odd name": "Name:With space#and/slash", "Flag": True, "None": False},
])
def test_structure_values_are_written_as_a_pdf_parser_reads_them(value):
    """pdf_value writes every structure element; qpdf (through pikepdf) reads it back the same."""
    from booklet.tagging.pdfobjects import Name, pdf_value

    def plain(v):
        if isinstance(v, str) and v.startswith("Name:"):
            return Name(v[5:])
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return [plain(x) for x in v] if isinstance(v, list) else v

    def read(o):
        if isinstance(o, pikepdf.Dictionary):
            return {k[1:]: read(o[k]) for k in o.keys()}
        if isinstance(o, pikepdf.Array):
            return [read(x) for x in o]
        if isinstance(o, pikepdf.Name):
            return "Name:" + str(o)[1:]
        if isinstance(o, pikepdf.String):
            return str(o)
        return float(o) if not isinstance(o, (bool, int)) else o

    assert read(pikepdf.Object.parse(pdf_value(plain(value)))) == value
