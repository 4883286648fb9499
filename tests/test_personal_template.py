"""Personal booklets made from a template (booklet/copies/template.py): each copy must read,
look and tag exactly like the same booklet laid out whole (a Workshop that reuses nothing),
and hold nothing of any other patient."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import page
import pikepdf
import pypdfium2
import pytest
from PIL import ImageChops

from booklet import model as m
from booklet.assemble import add_plan_sections, choose_sections, plan_document
from booklet.content import load_library
from booklet.copies.template import render_personal
from booklet.copies.workshop import Workshop
from booklet.output import build_pdf
from booklet.patient import load_patient
from booklet.request import BookletRequest, plan_request
from booklet.resources import bundled

from pdfread import page_texts, quick_texts
from structure import outline, tree_shape, untagged_operators

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("what-is-a-pnet", "when-to-call")


def patient(name: str, medicines: int = 1, plan=()) -> m.Patient:
    return m.Patient(
        name=name,
        care_team=(m.CareTeamMember("Nurse", f"{name.split()[0]}'s nurse", "555-0100"),),
        visits=(m.Visit(dt.date(2027, 1, 12), "9:30 AM", "Clinic B",
                        f"Check-up for {name}"),),
        medicines=tuple(m.Medicine(f"Medicine {i} of {name}", "Hormone symptoms",
                                   "A shot once a month") for i in range(medicines)),
        plan=plan, notes=(f"A note for {name}.",))


def plan_for(library, style, person: m.Patient, fillable=False) -> m.DocumentPlan:
    sections = add_plan_sections(library, choose_sections(library, None, SECTIONS), person)
    return plan_document(library, style, sections, patient=person, fillable=fillable)


def spliced_copy(plan: m.DocumentPlan, workshop: Workshop | None = None):
    """The copy made from a template (PDF bytes and page facts), or None."""
    workshop = workshop or Workshop()
    with workshop.installed():
        return render_personal(plan, workshop)


def whole_layout(plan: m.DocumentPlan) -> bytes:
    """The same booklet laid out whole: nothing reused, no template."""
    return build_pdf(plan, Workshop(reuse=False))[0]


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def same_pictures(a: Path, b: Path) -> list[int]:
    """Page numbers on which the two PDFs render differently."""
    first, second = pypdfium2.PdfDocument(a), pypdfium2.PdfDocument(b)
    differ = [n + 1 for n in range(len(first)) if ImageChops.difference(
        first[n].render(scale=0.4).to_pil().convert("L"),
        second[n].render(scale=0.4).to_pil().convert("L")).getbbox()]
    first.close()
    second.close()
    return differ


@pytest.fixture(scope="module")
def workshop():
    return Workshop()


@pytest.fixture(scope="module")
def copies(tmp_path_factory, library, default_style, workshop):
    """Three copies built one after another in this process, as a batch does (a short one, a
    long one whose medicines take two pages, a short one again), each also laid out whole."""
    folder = tmp_path_factory.mktemp("template")
    people = [patient("Ada Example"), patient("Bo Example", medicines=14, plan=("octreotide",)),
              patient("Cy Example")]
    made = []
    for person in people:
        plan = plan_for(library, default_style, person)
        spliced = spliced_copy(plan, workshop)
        assert spliced is not None, "this copy should come from a template"
        whole = whole_layout(plan)
        built, _ = build_pdf(plan, workshop)
        assert built == spliced[0], "build_pdf takes the template path"
        assert build_pdf(plan, Workshop())[0] == built, "a fresh Workshop, the same bytes"
        first = person.name.split()[0].lower()
        made.append((person, write(folder, f"{first}.pdf", spliced[0]),
                     write(folder, f"{first}-whole.pdf", whole)))
    return made


def test_a_copy_reads_like_the_same_booklet_laid_out_whole(copies):
    for person, spliced, whole in copies:
        assert page_texts(spliced) == page_texts(whole)
        assert person.name in page_texts(spliced)[0]


def test_a_copy_looks_like_the_same_booklet_laid_out_whole(copies):
    for _, spliced, whole in copies:
        assert same_pictures(spliced, whole) == []


def test_a_copy_has_the_structure_tree_of_the_booklet_laid_out_whole(copies):
    for _, spliced, whole in copies:
        assert outline(spliced) == outline(whole)


def test_longer_personal_pages_move_every_page_after_them(copies):
    (_, short, _), (_, long, _), _ = copies
    assert len(page_texts(long)) > len(page_texts(short))
    contents = page_texts(long)[1]
    assert "My medicines" in contents
    last = page_texts(long)[-1]
    total = len(page_texts(long))
    assert f"Page {total} of {total}" in last


def test_a_copy_is_a_valid_tagged_pdf(copies):
    for _, spliced, _ in copies:
        assert page.validate_pdf(str(spliced), profile="ua1").failures == []
        assert untagged_operators(spliced) == []
        with pikepdf.open(spliced) as pdf:
            assert pdf.check_pdf_syntax() == []


def test_a_copy_holds_no_other_patients_text(copies):
    for person, spliced, _ in copies:
        text = "\n".join(page_texts(spliced))
        others = [p.name.split()[0] for p, _, _ in copies if p is not person]
        assert not [name for name in others if re.search(rf"\b{re.escape(name)}\b", text)]
        assert _unreachable_objects(spliced) == []


def test_templates_hold_no_patient_text(copies, workshop, tmp_path):
    assert workshop.templates, "the copies were made from templates"
    for n, template in enumerate(workshop.templates.values()):
        with pikepdf.open(io.BytesIO(template.pdf.data)) as pdf:
            streams = b"".join(o.read_bytes() for o in pdf.objects
                               if isinstance(o, pikepdf.Stream))
        text = "\n".join(page_texts(write(tmp_path, f"template{n}.pdf", template.pdf.data)))
        assert "Example" not in text and "Medicine 0" not in text
        assert b"Example" not in template.pdf.data + streams


@pytest.mark.parametrize("file, lang", [("patient.yaml", "en"), ("paciente.yaml", "es")])
def test_the_example_patients_come_from_a_template(file, lang, default_style):
    library = load_library(bundled("content"), lang)
    person = load_patient(REPO / "examples" / file)
    plan = plan_document(library, default_style, add_plan_sections(
        library, choose_sections(library, None, ()), person), patient=person)
    assert spliced_copy(plan) is not None


def test_a_copy_without_a_name_comes_from_a_template_unless_its_name_lines_are_fields(
        library, default_style, tmp_path):
    person = m.Patient(medicines=(m.Medicine("Octreotide", "Hormone symptoms"),))
    printed = plan_for(library, default_style, person)
    spliced = spliced_copy(printed)
    assert spliced is not None
    whole = whole_layout(printed)
    assert page_texts(write(tmp_path, "a.pdf", spliced[0])) == page_texts(
        write(tmp_path, "b.pdf", whole))
    fillable = plan_for(library, default_style, person, fillable=True)
    assert spliced_copy(fillable) is None


def test_a_name_outside_the_templates_letters_is_laid_out_whole(library, default_style):
    person = patient("Łucja Żak")            # letters beyond the template's font subsets
    plan = plan_for(library, default_style, person)
    assert spliced_copy(plan) is None
    built, _ = build_pdf(plan)
    whole = whole_layout(plan)
    assert built == whole


def test_a_fillable_copy_comes_from_a_template_with_working_fields(library, default_style,
                                                                     tmp_path):
    plan = plan_for(library, default_style, patient("Di Example"), fillable=True)
    spliced = spliced_copy(plan)
    assert spliced is not None
    path = write(tmp_path, "fillable.pdf", spliced[0])
    whole = write(tmp_path, "whole.pdf", whole_layout(plan))
    assert page_texts(path) == page_texts(whole)
    with pikepdf.open(path) as pdf, pikepdf.open(whole) as other:
        assert len(pdf.Root.AcroForm.Fields) == len(other.Root.AcroForm.Fields) > 0
    assert page.validate_pdf(str(path), profile="ua1").failures == []


def _unreachable_objects(path: Path) -> list[int]:
    """Objects in the file that nothing refers to (left-overs could hold old text)."""
    with pikepdf.open(path) as pdf:
        seen, todo = set(), [pdf.trailer]
        while todo:
            obj = todo.pop()
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
                if obj.is_indirect:
                    if obj.objgen in seen:
                        continue
                    seen.add(obj.objgen)
                todo.extend(obj.values() if not isinstance(obj, pikepdf.Array) else obj)
        return sorted(o.objgen[0] for o in pdf.objects
                      if o.is_indirect and o.objgen[0] and o.objgen not in seen)


# Every bundled style x both languages x fillable or not x both papers: each page's text and
# the structure tree's shape in all 32; the tree's text and the rendered pixels where every
# pair of values meets once (8 of them; reading text per element back is slow).
STYLES = ("default", "high-contrast", "juniper-bay-cancer-clinic", "tallpine-oncology")
EVERY_LOOK = [(s, lang, fillable, paper) for s in STYLES for lang in ("en", "es")
              for fillable in (False, True) for paper in ("letter", "a4")]
PIXELS = {("default", "en", False, "letter"), ("default", "es", True, "a4"),
          ("high-contrast", "en", True, "a4"), ("high-contrast", "es", False, "letter"),
          ("juniper-bay-cancer-clinic", "en", False, "a4"),
          ("juniper-bay-cancer-clinic", "es", True, "letter"),
          ("tallpine-oncology", "en", True, "letter"), ("tallpine-oncology", "es", False, "a4")}


@pytest.fixture(scope="module")
def look_workshops():
    """One workshop making the copies, and one laying the same booklets out whole (its memos
    change no byte: see test_build_path)."""
    return Workshop(), Workshop()


@pytest.mark.parametrize("style_name, lang, fillable, paper", EVERY_LOOK)
def test_every_look_of_a_copy_matches_its_whole_layout(tmp_path, look_workshops, style_name,
                                                      lang, fillable, paper):
    """The copy made from a template reads, is tagged and looks like the same booklet laid
    out whole."""
    copies, whole_layouts = look_workshops
    person = patient("Dee Example", medicines=2, plan=("surgery",))
    plan, _ = plan_request(BookletRequest(language=lang, style=style_name, sections=SECTIONS,
                                          paper=paper, fillable=fillable, patient=person),
                           copies)
    spliced = spliced_copy(plan, copies)
    assert spliced is not None, "this copy should come from a template"
    with whole_layouts.installed():
        whole = whole_layouts.lay_out(plan)[0]
    a, b = write(tmp_path, "copy.pdf", spliced[0]), write(tmp_path, "whole.pdf", whole)
    assert quick_texts(a) == quick_texts(b)
    assert tree_shape(a) == tree_shape(b)
    if (style_name, lang, fillable, paper) in PIXELS:
        assert outline(a) == outline(b)
        assert same_pictures(a, b) == []
