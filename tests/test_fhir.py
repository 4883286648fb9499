"""Personal details from the EHR (issue 20): FHIR R4 bundles the tests build, read into
booklets by `build --fhir` and `batch --fhir`, read back from the PDFs."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner
from fhirbundles import TEST_CODES, patient_bundle, with_entry_changed
from pdfread import page_texts
from structure import nodes

from booklet.cli import main
from booklet.resources import bundled

TODAY = "2026-12-02"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """The bundled content with two test-only codes added to its code table."""
    root = tmp_path_factory.mktemp("fhir") / "content"
    shutil.copytree(bundled("content"), root)
    for language in ("en", "es"):
        path = root / language / "booklet.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["fhir_codes"] += TEST_CODES
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    return root


def write(tmp_path: Path, bundle, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def build(tmp_path, bundle, *more, content=None):
    source = write(tmp_path, bundle)
    out = tmp_path / "out.pdf"
    args = ["build", "--fhir", source, "--today", TODAY, "-o", out, *more]
    if content is not None:
        args += ["--content", content]
    return run(*args), out


def table_rows(path: Path, title: str) -> list[list[str]]:
    """The rows (TH and TD text) of the table that follows the H1 `title`."""
    all_nodes = nodes(path)
    start = next(i for i, n in enumerate(all_nodes) if n.role == "H1" and n.text == title)
    rows, row = [], None
    for node in all_nodes[start + 1:]:
        if node.role == "H1":
            break
        if node.role == "TR":
            row = []
            rows.append(row)
        elif node.role in ("TH", "TD") and row is not None:
            row.append(node.obj["alt"] or node.text)
    return rows


def test_a_bundle_fills_the_name_care_team_visits_and_medicines(tmp_path, content):
    result, out = build(tmp_path, patient_bundle(), content=content)
    assert result.exit_code == 0, result.output
    cover = page_texts(out)[0]
    assert "Alex Example" in cover                       # the usual name first
    assert table_rows(out, "My care team") == [
        ["Role", "Name", "Phone"],
        ["Surgeon", "Dr. Ana Rivera", "555-0101"],        # the work phone, from the Practitioner
        ["Nurse navigator", "Sam Lee, RN", "555-0102"],   # via PractitionerRole, Type/id
        ["Dietitian", "Pat Green", "not given"]]          # only a display
    # booked or pending, today or later, by date; past and cancelled ones are left out
    assert table_rows(out, "My visits") == [
        ["Date", "Time", "Place", "What it is for"],
        ["December 10, 2026", "9:30 AM", "Clinic B, 2nd floor", "Surgery follow-up"],
        ["January 5, 2027", "2:30 PM", "Infusion center", "Oncology follow-up"]]
    # active requests and statements, the dosage exactly as written; the stopped one is not
    assert table_rows(out, "My medicines") == [
        ["Medicine", "What it is for", "How and when to take it"],
        ["Octreotide LAR", "Pancreatic neuroendocrine tumor",
         "30 mg into the buttock muscle every 4 weeks Your nurse gives it at the clinic."],
        ["Omeprazole 20 MG", "stomach acid", "1 capsule before breakfast"]]
    assert "Old pill" not in "\n".join(page_texts(out))


def test_the_plan_comes_from_the_code_table_and_unknown_codes_are_one_note(tmp_path, content):
    result, out = build(tmp_path, patient_bundle(), content=content)
    titles = [n.text for n in nodes(out) if n.role == "H1"]
    assert "Surgery for a pNET" in titles or any("Surgery" in t for t in titles), titles
    assert any("Somatostatin" in t or "octreotide" in t.lower() for t in titles), titles
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert notes == ["note: 1 code in the bundle is not in the content's code table"
                     " (fhir_codes: in booklet.yaml) and added no section."]
    # without the test codes, none of them adds a section
    result, out = build(tmp_path, patient_bundle())
    assert "3 codes in the bundle are not in the content's code table" in result.output


def test_without_a_usual_name_the_official_given_names_print(tmp_path):
    result, out = build(tmp_path, patient_bundle(usual=None))
    assert result.exit_code == 0, result.output
    assert "Alexandra Maria" in page_texts(out)[0]
    assert "Example" not in page_texts(out)[0].split("Alexandra Maria")[1][:20]


def test_a_patient_who_prefers_spanish_gets_the_spanish_booklet(tmp_path):
    result, out = build(tmp_path, patient_bundle(language="es-MX"))
    assert result.exit_code == 0, result.output
    assert pypdf.PdfReader(out).trailer["/Root"]["/Lang"] == "es-US"
    assert ["10 de diciembre de 2026", "9:30 a. m.", "Clinic B, 2nd floor",
            "Surgery follow-up"] in table_rows(out, "Mis citas")
    # --lang overrides the bundle
    result, out = build(tmp_path, patient_bundle(language="es-MX"), "--lang", "en")
    assert pypdf.PdfReader(out).trailer["/Root"]["/Lang"] == "en-US"


def test_a_language_the_content_lacks_is_a_note_and_english(tmp_path):
    result, out = build(tmp_path, patient_bundle(language="vi"))
    assert result.exit_code == 0, result.output
    assert "note: the patient prefers vi, which this content is not written in; the booklet"\
           " is in English." in result.output
    assert pypdf.PdfReader(out).trailer["/Root"]["/Lang"] == "en-US"


def test_today_decides_which_visits_are_still_to_come(tmp_path):
    source = write(tmp_path, patient_bundle())
    out = tmp_path / "later.pdf"
    result = run("build", "--fhir", source, "--today", "2026-12-11", "-o", out)
    assert result.exit_code == 0, result.output
    assert [row[0] for row in table_rows(out, "My visits")[1:]] == ["January 5, 2027"]


def test_options_override_the_bundle(tmp_path):
    result, out = build(tmp_path, patient_bundle(), "--name", "Lexi")
    assert "Lexi" in page_texts(out)[0] and "Alex Example" not in page_texts(out)[0]


def test_nothing_of_the_bundle_is_in_the_metadata_or_the_output(tmp_path):
    result, out = build(tmp_path, patient_bundle())
    reader = pypdf.PdfReader(out)
    metadata = json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    for secret in ("Alex", "Rivera", "555-0101", "Octreotide", "pat-001"):
        assert secret not in metadata and secret not in xmp and secret not in result.output


@pytest.mark.parametrize("case, expected", [
    ("not json", "bundle.json: is not JSON"),
    ("a patient", "bundle.json: is a Patient, not a FHIR Bundle."),
    ("no patient", "bundle.json: holds no Patient; a booklet is for one person."),
    ("bad field", "bundle.json: entry[13].resource(MedicationRequest).dosageInstruction[0]"
                  ".text: Input should be a valid string."),
    ("too long", "bundle.json: entry[13].resource(MedicationRequest) (medicines[0].how):"),
])
def test_a_bad_bundle_is_one_line_naming_the_file_and_path(tmp_path, case, expected):
    bundle = patient_bundle()
    if case == "not json":
        source = tmp_path / "bundle.json"
        source.write_text("{not json")
    else:
        if case == "a patient":
            bundle = bundle["entry"][0]["resource"]
        elif case == "no patient":
            bundle["entry"] = bundle["entry"][1:]
        elif case == "bad field":
            bundle = with_entry_changed(bundle, "MedicationRequest", lambda r: r[
                "dosageInstruction"][0].update(text=5))
        elif case == "too long":
            bundle = with_entry_changed(bundle, "MedicationRequest", lambda r: r[
                "dosageInstruction"][0].update(text="Take it. " * 40))
        source = write(tmp_path, bundle)
    out = tmp_path / "out.pdf"
    result = run("build", "--fhir", source, "-o", out)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Fix:" in lines[0], lines
    assert expected in lines[0] and "Traceback" not in result.output
    assert not out.exists()


def test_fhir_and_patient_together_are_refused(tmp_path):
    source = write(tmp_path, patient_bundle())
    examples = Path(__file__).resolve().parent.parent / "examples"
    result = run("build", "--fhir", source, "--patient", examples / "patient.yaml",
                 "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2 and "--patient and --fhir" in result.output


def test_batch_makes_one_booklet_per_bundle_named_by_patient_id(tmp_path):
    folder = tmp_path / "bundles"
    folder.mkdir()
    write(folder, patient_bundle(patient_id="pat.001"), "a.json")
    write(folder, patient_bundle(patient_id="P002", language="es"), "b.json")
    out = tmp_path / "out"
    result = run("batch", "--fhir", folder, "--today", TODAY, "--out-dir", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.pdf")) == ["P002.pdf", "pat.001.pdf"]
    assert pypdf.PdfReader(out / "P002.pdf").trailer["/Root"]["/Lang"] == "es-US"
    assert "Alex" not in result.output
    again = run("batch", "--fhir", folder, "--today", TODAY, "--out-dir", out, "--jobs", "1")
    assert "0 built, 2 up to date" in again.output
    # an NDJSON file: one bundle per line
    ndjson = tmp_path / "all.ndjson"
    ndjson.write_text("\n".join(json.dumps(patient_bundle(patient_id=f"n{i}"))
                                for i in range(3)) + "\n")
    result = run("batch", "--fhir", ndjson, "--today", TODAY, "--out-dir", tmp_path / "nd")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "nd").glob("*.pdf")) == \
        ["n0.pdf", "n1.pdf", "n2.pdf"]


def test_batch_lists_every_bad_bundle_before_building_anything(tmp_path):
    folder = tmp_path / "bundles"
    folder.mkdir()
    write(folder, patient_bundle(patient_id="same"), "a.json")
    write(folder, patient_bundle(patient_id="same"), "b.json")
    write(folder, {"resourceType": "Patient"}, "c.json")
    out = tmp_path / "out"
    result = run("batch", "--fhir", folder, "--out-dir", out)
    assert result.exit_code == 2
    assert "b.json: Patient.id 'same' names same.pdf, as" in result.output
    assert "c.json: is a Patient, not a FHIR Bundle." in result.output
    assert not out.exists() or not list(out.glob("*.pdf"))


def test_a_bundle_with_only_a_patient_builds_a_booklet_with_lines_to_write_on(tmp_path):
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient",
                                                              "id": "only"}}]}
    result, out = build(tmp_path, bundle)
    assert result.exit_code == 0, result.output
    assert not [n for n in nodes(out) if n.role == "H1" and n.text.startswith("My ")]


def test_the_code_table_names_only_plan_keywords_and_is_the_same_in_every_language(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(bundled("content"), root)
    path = root / "es" / "booklet.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("plan: [sunitinib]", "plan: [sunitinibe]"), encoding="utf-8")
    result = run("check", "--content", root)
    assert result.exit_code != 0
    assert "es/booklet.yaml: fhir_codes[3].plan: 'sunitinibe' is not a plan keyword." \
        in result.output
    path.write_text(text.replace("plan: [sunitinib]", "plan: [everolimus]"), encoding="utf-8")
    result = run("check", "--content", root)
    assert "the FHIR code 'http://www.nlm.nih.gov/research/umls/rxnorm|357977 -> sunitinib'" \
        in result.output
