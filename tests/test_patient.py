"""Personal booklets: the patient file, plan keywords, the "My ..." pages, and privacy."""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from booklet import model as m
from booklet.assemble import add_plan_sections, choose_sections, plan_document
from booklet.output import build_pdf
from booklet.cli import main
from booklet.messages import catalogue
from booklet.patient import load_patient, patient_from_options

from conftest import FIXTURE_CONTENT
from pdfread import lines, page_texts

MSG = catalogue("en")
REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "patient.yaml"

PATIENT = """\
name: Alex Example
care_team:
  - role: Surgeon
    name: Dr. Pat Placeholder
    phone: "555-0100"
  - role: Nurse
    name: Sam Sample
    phone: "555-0101"
  - role: Dietitian
    name: Lee Doe
visits:
  - date: 2031-03-04
    time: "9:30 AM"
    place: Clinic B
    purpose: Checkup
  - date: 2031-04-01
    purpose: Surgery
medicines:
  - name: Octreotide
    for: Symptoms
    how: Monthly shot
  - name: Ondansetron
    for: Nausea
plan: [blocks]
notes: |
  First note paragraph.

  Second note paragraph,
  on two lines.
"""

# Every patient detail in PATIENT, none of which may leak outside the pages.
DETAILS = ["Alex Example", "Pat Placeholder", "Sam Sample", "Lee Doe", "555-0100", "555-0101",
           "Clinic B", "Checkup", "Octreotide", "Ondansetron", "Monthly shot", "First note"]

MARKUP_NAME = "O'Brien <b> & Sons"


def write(folder: Path, text: str, name: str = "patients/x.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build(args, cwd: Path):
    """Run the real CLI in `cwd` (relative file names in messages are shown from there)."""
    return subprocess.run([shutil.which("booklet") or sys.executable, *args], capture_output=True,
                          text=True, cwd=cwd, timeout=180)


@pytest.fixture(scope="module")
def personal(tmp_path_factory):
    """A personal booklet of the test content, built by the CLI: (pdf, cli output, folder)."""
    folder = tmp_path_factory.mktemp("personal")
    patient = write(folder, PATIENT, "patient.yaml")
    out = folder / "personal.pdf"
    result = CliRunner().invoke(main, ["build", "--content", str(FIXTURE_CONTENT), "--preset",
                                       "one", "--patient", str(patient), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output, folder


def page_starting_with(path: Path, title: str) -> tuple[int, list[str]]:
    """(1-based page number, lines from there on) of the page where the part headed `title`
    starts: a line of its own, not a contents entry (personal parts may share a page)."""
    for number, text in enumerate(page_texts(path), start=1):
        rows = text.splitlines()
        if title in rows and number > 2:
            return number, rows[rows.index(title):]
    raise AssertionError(f"no page starts with {title!r}")


# --- the patient file ------------------------------------------------------------------------

def test_example_patient_file_loads_every_field():
    patient = load_patient(EXAMPLE)
    assert patient.name == "Alex Example"
    assert [p.role for p in patient.care_team] == ["Surgeon", "Nurse navigator", "Oncologist"]
    assert patient.visits[0].time == "9:30 AM" and str(patient.visits[2].date) == "2031-04-01"
    assert patient.medicines[0].for_.startswith("Controls hormone symptoms")
    assert patient.plan == ("surgery", "octreotide", "follow-up")
    assert len(patient.notes) == 2


def test_notes_split_into_paragraphs_at_blank_lines(tmp_path):
    patient = load_patient(write(tmp_path, PATIENT))
    assert patient.notes == ("First note paragraph.", "Second note paragraph, on two lines.")


def test_flags_replace_the_name_and_add_plan_keywords(tmp_path):
    from_file = load_patient(write(tmp_path, PATIENT))
    patient = patient_from_options(from_file, name="Sam", plan=("Grade", "blocks"))
    assert patient.name == "Sam"
    assert patient.plan == ("blocks", "grade")
    assert patient.care_team == from_file.care_team
    assert patient_from_options(None, None, ()) is None
    assert patient_from_options(None, "Kim", ()).name == "Kim"


BAD_PATIENTS = [
    ("unknown field", "medicines:", "medicine:",
     "patients/x.yaml: medicine: unknown field (did you mean 'medicines'?). Fix: use one of"
     " name, lang, care_team, visits, medicines, plan, notes."),
    ("bad date", "date: 2031-04-01", "date: next Tuesday",
     "patients/x.yaml: visits[1].date: expected a date like 2026-11-23, got text."
     " Fix: write the date as YYYY-MM-DD."),
    ("unknown plan keyword", "plan: [blocks]", "plan: [blocks, blokcs]",
     "patients/x.yaml: plan[1]: unknown plan keyword 'blokcs' (did you mean 'blocks'?)."
     " Fix: run 'booklet list' to see the plan keywords."),
    ("time YAML reads as a number", 'time: "9:30 AM"', "time: 9:30",
     "patients/x.yaml: visits[0].time: expected text in quotes, got a number (570). Fix: put it"
     " in quotes, like \"9:30 AM\" (without them YAML reads it as a number)."),
    ("care team member without a name", "    name: Lee Doe\n", "",
     "patients/x.yaml: care_team[2].name: is missing. Fix: add 'name:' (their name)."),
    ("name on two lines", "name: Alex Example", 'name: "Alex\\nExample"',
     "patients/x.yaml: name: must be one line. Fix: remove the line breaks."),
    ("not a language code", "name: Alex Example", "name: Alex Example\nlang: french",
     "patients/x.yaml: lang: 'french' is not valid: write a language code such as en or es"
     " (en-US also works)."),
]


@pytest.mark.parametrize("name,old,new,expected", BAD_PATIENTS, ids=[c[0] for c in BAD_PATIENTS])
def test_bad_patient_file_gives_the_exact_one_line_error(tmp_path, name, old, new, expected):
    assert old in PATIENT
    write(tmp_path, PATIENT.replace(old, new, 1))
    done = build(["build", "--content", str(FIXTURE_CONTENT), "--patient", "patients/x.yaml"],
                 tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [f"Error: {expected}"]
    assert done.stdout == ""
    assert not (tmp_path / "booklet.pdf").exists()


def test_unknown_plan_flag_names_the_option(tmp_path):
    done = build(["build", "--plan", "surgry"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: --plan: unknown plan keyword 'surgry' (did you mean 'surgery'?)."
        " Fix: run 'booklet list' to see the plan keywords."]


def test_missing_patient_file(tmp_path):
    done = build(["build", "--patient", "nobody.yaml"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["Error: nobody.yaml: file not found."]


def test_character_the_font_lacks_names_the_patient_field(tmp_path):
    write(tmp_path, PATIENT.replace("Sam Sample", "Sam ሰ Sample"))
    done = build(["build", "--content", str(FIXTURE_CONTENT), "--patient", "patients/x.yaml"],
                 tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: patients/x.yaml: care_team[1].name: the character 'ሰ'")


# --- plan keywords ---------------------------------------------------------------------------

def test_plan_keywords_add_sections_in_reading_order(fixture_library):
    chosen = choose_sections(fixture_library, preset="one")
    assert [s.id for s in chosen] == ["second"]
    patient = m.Patient(plan=("blocks",))
    assert [s.id for s in add_plan_sections(fixture_library, chosen, patient)] == [
        "every-block", "second"]


def test_plan_keywords_never_duplicate_a_section(fixture_library):
    chosen = choose_sections(fixture_library, preset="one")
    patient = m.Patient(plan=("grade", "both-parts", "blocks"))
    assert [s.id for s in add_plan_sections(fixture_library, chosen, patient)] == [
        "every-block", "second"]


def test_surgery_and_octreotide_add_their_sections_to_the_default_booklet(library):
    chosen = choose_sections(library)
    patient = patient_from_options(None, None, ("surgery", "octreotide"))
    ids = [s.id for s in add_plan_sections(library, chosen, patient)]
    assert ids == [sid for sid in library.info.order
                   if sid in {s.id for s in chosen} | {"surgery", "somatostatin-analogs"}]
    assert "surgery" in ids and "somatostatin-analogs" in ids


def test_every_bundled_plan_keyword_is_a_word_its_sections_use(library):
    from booklet.assemble import section_text
    assert library.plan_keywords
    for keyword, ids in library.plan_keywords.items():
        text = " ".join(section_text(library.sections[sid]) for sid in ids).lower()
        assert keyword.replace("-", " ") in text.replace("-", " "), keyword


def test_list_shows_the_plan_keywords():
    result = CliRunner().invoke(main, ["list"])
    assert re.search(r"^  octreotide +somatostatin-analogs$", result.output, re.MULTILINE)


# --- the personal pages ----------------------------------------------------------------------

def test_cover_names_the_patient_instead_of_write_in_lines(personal):
    first = page_texts(personal[0])[0].splitlines()
    owner = first.index(MSG["cover_prepared_for"])
    assert first[owner + 1] == "Alex Example"


def test_care_team_page_is_a_table_in_file_order(personal):
    _, rows = page_starting_with(personal[0], MSG["care_team_title"])
    assert rows[1:5] == [" ".join(MSG["care_team_columns"]), "Surgeon Dr. Pat Placeholder 555-0100",
                         "Nurse Sam Sample 555-0101", "Dietitian Lee Doe —"]   # no phone given


def test_visits_page_shows_dates_written_out(personal):
    _, rows = page_starting_with(personal[0], MSG["visits_title"])
    assert rows[1:4] == [" ".join(MSG["visits_columns"]), "March 4, 2031 9:30 AM Clinic B Checkup",
                         "April 1, 2031 — — Surgery"]   # no time or place given


def test_medicines_page_is_a_table_in_file_order(personal):
    _, rows = page_starting_with(personal[0], MSG["medicines_title"])
    first = rows.index("Octreotide Symptoms Monthly shot")
    assert " ".join(rows[1:first]) == " ".join(MSG["medicines_columns"]), "the header row"
    assert rows[first + 1] == "Ondansetron Nausea —"   # no "how" given


def test_notes_page_holds_the_clinicians_paragraphs(personal):
    _, rows = page_starting_with(personal[0], MSG["patient_notes_title"])
    assert rows[1:3] == ["First note paragraph.", "Second note paragraph, on two lines."]


def test_contents_lists_the_personal_pages_first_with_their_page_numbers(personal):
    path = personal[0]
    contents = page_texts(path)[1].splitlines()
    assert contents[1].startswith(MSG["reviewed"].split("{")[0]), "the review date, as text"
    listed = [re.fullmatch(r"(.+?) (\d+)", row).groups() for row in contents[2:6]]
    titles = [MSG[k] for k in ("care_team_title", "visits_title", "medicines_title",
                               "patient_notes_title")]
    assert [title for title, _ in listed] == titles
    for title, page in listed:
        assert page_starting_with(path, title)[0] == int(page), title
    pages = [int(page) for _, page in listed]
    assert pages[0] == 3 and pages == sorted(pages)
    assert pages[-1] < 6, "short personal parts share pages"


def test_plan_keyword_section_is_printed_before_the_preset_one(personal):
    added, _ = page_starting_with(personal[0], "Every block kind")
    chosen, _ = page_starting_with(personal[0], "Second section")
    assert 3 < added < chosen


def test_personal_pages_appear_only_when_given(tmp_path, fixture_library, default_style):
    plan = plan_document(fixture_library, default_style, choose_sections(fixture_library),
                         patient=m.Patient(name="Kim"))
    path = tmp_path / "only-name.pdf"
    path.write_bytes(build_pdf(plan)[0])
    text = "\n".join(page_texts(path))
    for key in ("care_team_title", "visits_title", "medicines_title", "patient_notes_title"):
        assert MSG[key] not in text
    assert "Kim" in page_texts(path)[0]


def test_handout_prints_only_the_name_line(tmp_path):
    result = CliRunner().invoke(main, ["build", "--content", str(FIXTURE_CONTENT), "--section",
                                       "second", "--format", "handout", "--patient",
                                       str(write(tmp_path, PATIENT.replace("plan: [blocks]", ""))),
                                       "-o", str(tmp_path / "h.pdf")])
    assert result.exit_code == 0, result.output
    text = "\n".join(page_texts(tmp_path / "h.pdf"))
    assert text.splitlines()[1] == MSG["handout_for"].format(name="Alex Example")
    for detail in DETAILS[1:]:
        assert detail not in text


# --- patient text is text, not markup ----------------------------------------------------------

MARKUP = [MARKUP_NAME, '<font color="red">Red</font>', "Tom &amp; Jerry", "A &lt;&gt; B",
          'He said "hi" <br/>']


def test_markup_in_patient_text_prints_exactly_as_written(tmp_path, fixture_library,
                                                          default_style):
    cells = ["<i>Lee</i>", "&amp;", "A &lt; B", "<br/>"]
    patient = m.Patient(name=MARKUP_NAME, notes=tuple(MARKUP),
                        care_team=tuple(m.CareTeamMember("Role", text) for text in cells))
    plan = plan_document(fixture_library, default_style, choose_sections(fixture_library),
                         patient=patient)
    path = tmp_path / "markup.pdf"
    path.write_bytes(build_pdf(plan)[0])
    cover = [line for line in lines(path) if line.page == 1]
    owner = [line.text for line in cover].index(MSG["cover_prepared_for"])
    assert cover[owner + 1].text == MARKUP_NAME
    assert not cover[owner + 1].bold, "<b> must not turn on bold"
    _, rows = page_starting_with(path, MSG["care_team_title"])
    assert rows[2:6] == [f"Role {text} —" for text in cells]   # no phones given
    _, rows = page_starting_with(path, MSG["patient_notes_title"])
    assert rows[1:len(MARKUP) + 1] == MARKUP


def test_markup_name_through_the_cli(tmp_path):
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["build", "--content", str(FIXTURE_CONTENT), "--name",
                                       MARKUP_NAME, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert MARKUP_NAME in page_texts(out)[0].splitlines()


# --- no patient detail outside the pages -----------------------------------------------------

def metadata_text(path: Path) -> str:
    """Every Info value, the raw XMP packet if any, and the outline, as one string."""
    reader = pypdf.PdfReader(path)
    parts = [str(v) for v in (reader.metadata or {}).values()]
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        parts.append(xmp.get_object().get_data().decode("utf-8", "replace"))
    parts += [item.title for item in reader.outline if not isinstance(item, list)]
    return "\n".join(parts)


def test_no_patient_detail_in_pdf_metadata(personal):
    path = personal[0]
    meta = pypdf.PdfReader(path).metadata
    assert meta.title and meta.author, "the metadata is there, just not the patient's"
    text = metadata_text(path)
    for detail in DETAILS:
        assert detail not in text, detail
    raw = path.read_bytes()
    for detail in DETAILS:
        assert detail.encode() not in raw, detail
        assert detail.encode("utf-16-be") not in raw, detail


def test_markup_name_absent_from_metadata(tmp_path):
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["build", "--content", str(FIXTURE_CONTENT), "--name",
                                       MARKUP_NAME, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = metadata_text(out)
    assert "O'Brien" not in text and "Brien" not in text


def test_cli_output_and_default_file_name_hold_no_patient_detail(tmp_path):
    patient = write(tmp_path, PATIENT, "in/alex.yaml")
    work = tmp_path / "work"
    work.mkdir()
    done = build(["build", "--content", str(FIXTURE_CONTENT), "--patient", str(patient)], work)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in work.iterdir()] == ["booklet.pdf"]
    assert done.stdout.startswith("wrote booklet.pdf (")
    for detail in [*DETAILS, "alex"]:
        assert detail.lower() not in (done.stdout + done.stderr).lower(), detail


def test_building_logs_no_patient_detail(personal, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    patient = write(tmp_path, PATIENT, "patient.yaml")
    result = CliRunner().invoke(main, ["build", "--content", str(FIXTURE_CONTENT), "--patient",
                                       str(patient), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 0
    for detail in DETAILS:
        assert detail not in caplog.text
        assert detail not in personal[1]


def test_example_patient_booklet_builds(tmp_path):
    done = build(["build", "--patient", str(EXAMPLE), "-o", "mine.pdf"], tmp_path)
    assert done.returncode == 0, done.stderr
    texts = page_texts(tmp_path / "mine.pdf")
    assert MSG["care_team_title"] in texts[2] and "Alex Example" in texts[0]
    titles = " ".join(texts)
    assert "Surgery for a pNET" in titles and "Somatostatin analogs" in titles
    keywords = str(pypdf.PdfReader(tmp_path / "mine.pdf").metadata.get("/Keywords", ""))
    for keyword in ("surgery", "octreotide", "follow-up", "somatostatin"):
        assert keyword not in keywords, "metadata keywords would hint at the treatment plan"
