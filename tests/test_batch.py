"""`booklet batch`: manifests and patient lists, shards, skipping, failures, the fast path."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
import yaml

from booklet.batch import _runs, load_manifest, safe_file_name, shard
from booklet.resources import bundled, bundled_styles
from booklet.content import load_library

from pdfread import page_texts

REPO = Path(__file__).resolve().parent.parent
STYLES = REPO / "styles"
EXAMPLE_PATIENT = REPO / "examples" / "patient.yaml"


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "booklet", "batch", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def patient_file(folder: Path, name: str, plan=("octreotide",)) -> Path:
    return write(folder / f"{name.split()[0].lower()}.yaml",
                 yaml.safe_dump({"name": name, "plan": list(plan),
                                 "care_team": [{"role": "Nurse", "name": "Kim Test",
                                                "phone": "555-0100"}]}))


def small_manifest(folder: Path, extra_jobs: str = "") -> Path:
    patient_file(folder / "patients", "Ada Example")
    return write(folder / "jobs.yaml", f"""\
defaults: {{style: default}}
jobs:
  - {{output: handouts/surgery.pdf, sections: [surgery], format: handout}}
  - {{output: people/ada.pdf, sections: [when-to-call], patient: patients/ada.yaml}}
  - output: people/inline.pdf
    sections: [when-to-call]
    patient: {{name: "Bo Inline"}}
{extra_jobs}""")


# --- errors before anything is built --------------------------------------------------------

@pytest.mark.parametrize("job, message", [
    ("{output: x.pdf, preset: newly-diagnosd}",
     "jobs.yaml: jobs[0]: --preset: unknown preset 'newly-diagnosd' (did you mean"
     " 'newly-diagnosed'?). Fix: run 'booklet list' to see the presets."),
    ("{output: ../../x.pdf, preset: newly-diagnosed}",
     "jobs.yaml: jobs[0]: output: '../../x.pdf' must be a relative path ending in .pdf inside"
     " the output folder. Fix: remove '..' or the leading '/'."),
    ("{output: /tmp/x.pdf, preset: newly-diagnosed}",
     "jobs.yaml: jobs[0]: output: '/tmp/x.pdf' must be a relative path ending in .pdf inside"
     " the output folder. Fix: remove '..' or the leading '/'."),
    ("{output: x.pdf, preset: newly-diagnosed, patient: nobody.yaml}",
     "jobs.yaml: jobs[0]: patient: nobody.yaml: file not found. Fix: check the path"
     " (relative to the manifest)."),
    ("{output: x.pdf, presets: newly-diagnosed}",
     "jobs.yaml: jobs[0].presets: unknown field (did you mean 'preset'?). Fix: use one of"
     " preset, sections, style, lang, format, paper, fillable, duplex, impose,"
     " full_glossary, draft, output, patient."),
    ("{output: x.pdf, fillable: yes please}",
     "jobs.yaml: jobs[0].fillable: expected true or false, got text. Fix: write true or false."),
    ("{output: x.pdf, patient: {name: Ann, visits: [{date: soon}]}}",
     "jobs.yaml: jobs[0].patient.visits[0].date: expected a date like 2026-11-23, got text."
     " Fix: write the date as YYYY-MM-DD."),
])
def test_bad_manifest_is_refused_with_one_line_and_nothing_built(tmp_path, job, message):
    write(tmp_path / "jobs.yaml", f"jobs:\n  - {job}\n")
    result = run("jobs.yaml", "--out-dir", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == \
        "Error: " + message
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("out/**/*.pdf"))


def test_every_problem_of_a_manifest_is_listed(tmp_path):
    write(tmp_path / "jobs.yaml", "jobs:\n  - {output: a.pdf, preset: nope}\n"
                                  "  - {output: a.pdf, preset: newly-diagnosed}\n")
    result = run("jobs.yaml", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("jobs.yaml: jobs[0]: --preset: unknown preset 'nope'")
    assert lines[1] == ("jobs.yaml: jobs[1]: output: 'a.pdf' is also written by"
                        " jobs.yaml: jobs[0]. Fix: give each job its own output.")
    assert lines[2] == "Error: 2 problems in the jobs; nothing was built."


@pytest.mark.parametrize("rows, message", [
    ("id,name,plann\np1,Ada,\n", "patients.csv: unknown column 'plann' (did you mean 'plan'?)."
                                 " Fix: use the columns id, name, plan, lang (id is required)."),
    ("id,name\np1,Ada\np1,Bo\n", "patients.csv: line 3: id 'p1' is used on line 2 too."
                                 " Fix: give each row its own id."),
    ("id,name\n,Ada\n", "patients.csv: line 2: id is empty or has no letters or digits."
                        " Fix: give each row an id such as p-0042."),
    ("id,name,plan\np1,Ada,surgery;unknown-thing\n",
     "patients.csv: line 2 (id p1): patient: plan[1]: unknown plan keyword 'unknown-thing'."
     " Fix: run 'booklet list' to see the plan keywords."),
])
def test_bad_patient_list_is_refused(tmp_path, rows, message):
    write(tmp_path / "patients.csv", rows)
    result = run("--patients", "patients.csv", "--preset", "newly-diagnosed", "--out-dir", "out",
                 cwd=tmp_path)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == "Error: " + message


def test_file_names_come_from_the_id_column_sanitized():
    assert safe_file_name("../../etc/passwd") == "etc-passwd"
    assert safe_file_name(" p 0042 ") == "p-0042"
    assert safe_file_name("Nguyễn") == "Nguy-n"
    assert safe_file_name("...") == ""


def test_patient_list_builds_one_booklet_per_row_named_by_id(tmp_path):
    write(tmp_path / "patients.csv", "id,name,plan\n../../p-1,Ada Example,surgery\n"
                                     "p-2,Bo Example,\n")
    result = run("--patients", "patients.csv", "--preset", "newly-diagnosed", "--out-dir",
                 "out", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["p-1.pdf", "p-2.pdf"]
    assert "Ada" not in result.stdout + result.stderr
    first = page_texts(tmp_path / "out" / "p-1.pdf")
    assert "Ada Example" in first[0]
    assert any("Surgery for a pNET" in page for page in first)


# --- shards, skipping, failures -----------------------------------------------------------------

def test_example_catalogue_covers_every_preset_style_paper_and_section():
    jobs = load_manifest(REPO / "examples" / "catalogue.yaml")
    library = load_library(bundled("content"))
    booklets = sorted((j.setting("preset"), j.setting("style"), j.setting("paper"),
                       j.language() or "en") for j in jobs if j.setting("format") == "booklet")
    assert booklets == sorted((p, s, paper, lang) for p in library.presets
                              for s in bundled_styles() for paper in ("letter", "a4")
                              for lang in ("en", "es"))
    handouts = sorted((tuple(j.setting("sections")), j.language() or "en") for j in jobs
                      if j.setting("format") == "handout")
    assert handouts == sorted(((s,), lang) for s in library.sections for lang in ("en", "es"))


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shards_build_every_job_exactly_once(count):
    jobs = load_manifest(REPO / "examples" / "catalogue.yaml")
    shards = [shard(jobs, n, count) for n in range(1, count + 1)]
    built = [job.index for part in shards for job in part]
    assert built == [job.index for job in jobs]       # each a run of consecutive jobs
    sizes = [len(part) for part in shards]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("workers", [2, 3, 8])
def test_workers_get_the_jobs_of_one_look_together_and_each_job_once(workers):
    """A worker draws a section once a look and replays it (booklet.layout.replay), so the
    catalogue's booklets of one look go to one worker, in runs short enough to share out."""
    jobs = [job for job in load_manifest(REPO / "examples" / "catalogue.yaml")
            if job.setting("format") == "booklet"]
    runs = _runs([(job, "out") for job in jobs], workers)
    assert sorted(task[0].index for run in runs for task in run) == [j.index for j in jobs]
    assert max(len(run) for run in runs) <= max(1, len(jobs) // (workers * 4))
    assert len(runs) >= 4 * workers
    looks = [{(t[0].language(), t[0].setting("style"), t[0].setting("paper")) for t in run}
             for run in runs]
    assert all(len(look) == 1 for look in looks)
    if workers == 2:        # 16 looks of 6 booklets: each look is one run
        assert sorted(len(run) for run in runs) == [6] * 16
        # Spanish booklets take longer (more text): their runs go first, so that the
        # workers end on short runs and finish together
        languages = [run[0][0].language() for run in runs]
        assert languages == ["es"] * 8 + [None] * 8     # None: English


def test_bad_shard_is_refused(tmp_path):
    small_manifest(tmp_path)
    result = run("jobs.yaml", "--shard", "5/4", cwd=tmp_path)
    assert result.returncode == 2
    assert "--shard: '5/4' is not like 2/4" in result.stderr


def test_up_to_date_jobs_are_skipped_and_rebuilt_after_a_change(tmp_path):
    small_manifest(tmp_path)
    first = run("jobs.yaml", "--out-dir", "out", "--jobs", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("3 built, 0 up to date, 0 failed")
    again = run("jobs.yaml", "--out-dir", "out", cwd=tmp_path)
    assert again.stdout.startswith("0 built, 3 up to date, 0 failed")
    patient_file(tmp_path / "patients", "Ada Changed")
    changed = run("jobs.yaml", "--out-dir", "out", "--report", "report.json", cwd=tmp_path)
    assert changed.stdout.startswith("1 built, 2 up to date, 0 failed")
    report = json.loads((tmp_path / "report.json").read_text())
    assert {j["output"]: j["status"] for j in report["jobs"]} == {
        "handouts/surgery.pdf": "skipped", "people/ada.pdf": "built",
        "people/inline.pdf": "skipped"}
    assert "Ada Changed" in page_texts(tmp_path / "out" / "people" / "ada.pdf")[0]
    forced = run("jobs.yaml", "--out-dir", "out", "--force", cwd=tmp_path)
    assert forced.stdout.startswith("3 built, 0 up to date, 0 failed")


def test_an_edit_to_one_section_rebuilds_only_the_jobs_that_print_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(bundled("content"), content)
    write(tmp_path / "jobs.yaml", """\
jobs:
  - {output: en/newly-diagnosed.pdf, preset: newly-diagnosed}
  - {output: en/radiation.pdf, sections: [radiation-therapy], format: handout}
  - {output: en/advanced.pdf, preset: advanced-disease}
  - {output: es/radiation.pdf, sections: [radiation-therapy], format: handout, lang: es}
""")

    def statuses() -> dict:
        result = run("jobs.yaml", "--content", content, "--out-dir", "out", "--jobs", "1",
                     "--report", "report.json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        report = json.loads((tmp_path / "report.json").read_text())
        return {j["output"]: j["status"] for j in report["jobs"]}

    assert set(statuses().values()) == {"built"}
    section = content / "en" / "sections" / "radiation-therapy.yaml"
    section.write_text(section.read_text(encoding="utf-8").replace(
        "\nsummary: When radiation therapy may help",
        "\nsummary: Edited, when radiation therapy may help"), encoding="utf-8")
    assert statuses() == {"en/newly-diagnosed.pdf": "skipped", "en/radiation.pdf": "built",
                          "en/advanced.pdf": "built", "es/radiation.pdf": "skipped"}
    printed = " ".join(" ".join(page_texts(tmp_path / "out/en/advanced.pdf")).split())
    assert "Edited, when radiation therapy may help" in printed
    # a file every English job reads rebuilds every English job, and no Spanish one
    glossary = content / "en" / "glossary" / "basics.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert statuses() == {"en/newly-diagnosed.pdf": "built", "en/radiation.pdf": "built",
                          "en/advanced.pdf": "built", "es/radiation.pdf": "skipped"}


def test_a_failing_job_is_reported_while_the_others_are_built(tmp_path):
    small_manifest(tmp_path, "  - {output: people/bad.pdf, sections: [when-to-call],"
                             " patient: {name: \"ሰላም\"}}\n")
    result = run("jobs.yaml", "--out-dir", "out", "--report", "report.json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("3 built, 0 up to date, 1 failed")
    assert "failed: jobs.yaml: jobs[3] -> people/bad.pdf: patient: name: the character" \
        in result.stderr, "the job is named once, then the field inside it"
    assert "U+1230" in result.stderr and "Traceback" not in result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    failed = [j for j in report["jobs"] if j["status"] == "failed"]
    assert len(failed) == 1 and "U+1230" in failed[0]["reason"]
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.pdf")) == [
        "ada.pdf", "inline.pdf", "surgery.pdf"]


def test_a_killed_run_leaves_no_partial_pdf(tmp_path):
    rows = "".join(f"p{i},Person {i},\n" for i in range(200))
    write(tmp_path / "patients.csv", "id,name,plan\n" + rows)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "booklet", "batch", "--patients",
                                "patients.csv", "--preset", "newly-diagnosed", "--out-dir",
                                "out", "--jobs", "1"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 2:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    pdfs = list(out.glob("*.pdf"))
    assert 2 <= len(pdfs) < 200, "the run should have been killed half-way"
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) > 10
    rerun = run("--patients", "patients.csv", "--preset", "newly-diagnosed", "--out-dir", "out",
                cwd=tmp_path)
    assert rerun.returncode == 0
    assert not list(out.glob(".*.part")), "a rerun clears what the killed run left"
    assert len(list(out.glob("*.pdf"))) == 200


# --- the fast path gives the same PDF as a build on its own -----------------------------------------

def test_a_batch_copy_is_identical_to_one_built_alone(tmp_path):
    people = [patient_file(tmp_path / "patients", f"{n} Example") for n in
              ("Ada", "Bo", "Cy", "Di")]
    jobs = "".join(f"  - {{output: {p.stem}.pdf, preset: newly-diagnosed,"
                   f" patient: patients/{p.name}}}\n" for p in people)
    write(tmp_path / "jobs.yaml", "jobs:\n" + jobs)
    result = run("jobs.yaml", "--out-dir", "out", "--jobs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    alone = tmp_path / "alone.pdf"
    subprocess.run([sys.executable, "-m", "booklet", "build", "--patient", str(people[-1]),
                    "-o", str(alone)], check=True, capture_output=True)
    copy = tmp_path / "out" / "di.pdf"
    assert page_texts(copy) == page_texts(alone)
    assert copy.read_bytes() == alone.read_bytes()


def test_the_program_itself_is_part_of_the_up_to_date_hash(tmp_path):
    """An edited message catalogue (or module) is a different program: its jobs rebuild."""
    from booklet.batch import PACKAGE, program_hash
    copy = tmp_path / "booklet"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    fresh = program_hash.__wrapped__                 # the cached one is for a process
    before = fresh(copy)
    assert before == program_hash(PACKAGE)
    program = copy / "layout" / "blocks.py"
    program.write_text(program.read_text() + "\n# an edit\n")
    edited = fresh(copy)
    assert edited != before
    (copy / "data").mkdir()                      # bundled content is hashed per job, not here
    (copy / "data" / "x.yaml").write_text("a: 1\n")
    assert fresh(copy) == edited


def test_output_inside_the_style_folder_does_not_rebuild_every_job(tmp_path):
    styles = tmp_path / "brand"
    shutil.copytree(STYLES, styles)
    write(tmp_path / "jobs.yaml", f"""\
defaults: {{style: {styles / 'tallpine-oncology.yaml'}}}
jobs:
  - {{output: a.pdf, sections: [surgery], format: handout}}
  - {{output: b.pdf, sections: [when-to-call], format: handout}}
""")
    out = styles / "out"
    first = run("jobs.yaml", "--out-dir", out, "--report", styles / "report.json", cwd=tmp_path)
    assert first.stdout.startswith("2 built, 0 up to date"), first.stdout + first.stderr
    again = run("jobs.yaml", "--out-dir", out, "--report", styles / "report.json", cwd=tmp_path)
    assert again.stdout.startswith("0 built, 2 up to date"), again.stdout
    # a file the style does not name changes nothing; the logo it names does
    write(styles / "notes.txt", "not part of the style")
    assert run("jobs.yaml", "--out-dir", out, cwd=tmp_path).stdout.startswith("0 built")
    logo = styles / "logos" / "tallpine.png"
    logo.write_bytes(logo.read_bytes() + b"\0")
    assert run("jobs.yaml", "--out-dir", out, cwd=tmp_path).stdout.startswith("2 built")


def test_command_line_options_apply_beneath_the_manifest(tmp_path):
    """--style, --paper, --lang, --preset and --fillable are defaults beneath the manifest's
    own: never silently ignored."""
    write(tmp_path / "jobs.yaml", """\
defaults: {paper: letter}
jobs:
  - {output: plain.pdf, sections: [surgery], format: handout}
  - {output: own.pdf, sections: [surgery], format: handout, style: default, lang: en}
  - {output: preset.pdf}
""")
    result = run("jobs.yaml", "--out-dir", "out", "--style", "tallpine-oncology", "--lang", "es",
                 "--paper", "a4", "--preset", "medicines", "--jobs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    plain = page_texts(out / "plain.pdf")[0]
    assert "Tallpine Oncology" in plain and "Teléfono" in plain   # --style and --lang
    with pikepdf.open(out / "plain.pdf") as pdf:
        assert float(pdf.pages[0].mediabox[3]) == pytest.approx(792)   # the manifest's letter
    own = page_texts(out / "own.pdf")[0]
    assert "Tallpine" not in own and "Phone" not in own and "Surgery" in own
    contents = page_texts(out / "preset.pdf")[1]
    assert "Somatostatin" in contents or "somatostatina" in contents.lower()  # --preset


def test_an_ehr_export_is_read_as_it_is_written(tmp_path):
    """A BOM, upper-case headers with spaces, semicolons, an extra column: read, the extra
    column named once in a note; every row's problems listed before anything is built."""
    write(tmp_path / "export.csv", "\ufeffID ; Name ;MRN;Plan\n"
                                   "p1;Ada Example;12345;surgery\n"
                                   "p2;Bo Example;67890;\n")
    result = run("--patients", "export.csv", "--out-dir", "out", "--jobs", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note: export.csv: column mrn ignored (booklet reads id, name, plan, lang)." \
        in result.stderr
    assert "12345" not in result.stderr + result.stdout
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["p1.pdf", "p2.pdf"]
    assert "Ada Example" in page_texts(tmp_path / "out" / "p1.pdf")[0]
    write(tmp_path / "tabs.csv", "id\tname\tplan\tlang\n"
                                 "p1\tAda\tnot-a-plan\ten\n"
                                 "p2\tBo\t\tfr\n"
                                 "\tCy\t\t\n")
    bad = run("--patients", "tabs.csv", "--out-dir", "out2", cwd=tmp_path)
    assert bad.returncode == 2
    lines = bad.stderr.strip().splitlines()
    assert any("line 2 (id p1): patient: plan[0]: unknown plan keyword 'not-a-plan'" in l for l in lines)
    assert any("line 3 (id p2)" in l and "fr" in l for l in lines)
    assert any("line 4: id is empty" in l for l in lines)
    assert lines[-1] == "Error: 3 problems in the jobs; nothing was built."
    assert not (tmp_path / "out2").exists()
