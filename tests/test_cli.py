"""The installed command, and the list, check and schema subcommands."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from booklet.editorial import check_library
from booklet.cli import main
from booklet.content import load_library
from booklet.readability import grade
from booklet.resources import bundled, bundled_styles

from pdfread import page_count


def test_installed_console_script_builds_the_default_booklet(tmp_path):
    exe = shutil.which("booklet")
    assert exe, "the booklet console script is not installed: pip install '.[test]'"
    out = tmp_path / "booklet.pdf"
    done = subprocess.run([exe, "build", "-o", str(out)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert f"({page_count(out)} pages" in done.stdout


def test_installed_console_script_reports_bad_input_without_traceback(tmp_path):
    done = subprocess.run([shutil.which("booklet"), "build", "--section", "nope",
                           "-o", str(tmp_path / "x.pdf")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: --section: unknown section 'nope'. Fix: run 'booklet list' to see the section ids."]


def test_list_shows_sections_presets_and_styles(library):
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0
    for s in library.sections.values():
        assert f"{s.id}" in result.output and s.title in result.output
    for p in library.presets:
        assert p in result.output
    for name in bundled_styles():
        assert name in result.output


def test_check_passes_on_the_bundled_content():
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "all content and styles are valid" in result.output
    assert "median reading grade" in result.output


def test_check_reports_unlisted_terms_old_reviews_and_missing_sources(content_copy):
    second = content_copy / "sections" / "second.yaml"
    text = second.read_text()
    text = text[:text.index("sources:")] + "sources: []\n" + text[text.index("glossary:"):]
    text = text.replace("glossary: [grade]", "glossary: []")
    text = text.replace("reviewed: 2026-10-01", "reviewed: 2020-01-01")
    text = text.replace("Nu paragraph", "Nu paragraph about tumors")
    second.write_text(text)
    result = CliRunner().invoke(main, ["check", "--content", str(content_copy)])
    assert result.exit_code == 1
    assert "second.yaml: glossary: the text uses grade, tumor but does not list them" in result.output
    assert "second.yaml: reviewed: 2020-01-01 is more than two years ago" in result.output
    assert "second.yaml: sources: none given" in result.output
    library = load_library(content_copy)
    findings = [f.text for f in check_library(library, dt.date(2026, 11, 23))]
    assert not any("every-block.yaml: sources" in line for line in findings)


def test_check_lists_every_problem_at_once(content_copy):
    for name in ("second", "every-block"):
        path = content_copy / "sections" / f"{name}.yaml"
        path.write_text(path.read_text().replace("summary:", "sumary:"))
    result = CliRunner().invoke(main, ["check", "--content", str(content_copy)])
    assert result.exit_code == 1
    assert result.output.count("sumary: unknown field") == 2


def test_reading_grade_is_computed_offline():
    simple = "The cat sat on the mat. It was a good day. We ran home."
    hard = ("Pancreaticoduodenectomy necessitates comprehensive perioperative multidisciplinary"
            " evaluation, considering comorbidities and anticipated physiological consequences.")
    assert grade(simple) < 3 < 12 < grade(hard)


def test_schema_command_writes_schemas_that_accept_the_bundled_content(tmp_path):
    result = CliRunner().invoke(main, ["schema", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    schemas = {p.name.split(".")[0]: json.loads(p.read_text()) for p in tmp_path.glob("*.json")}
    assert set(schemas) == {"section", "glossary", "questions", "presets", "booklet", "style",
                            "patient", "sources"}
    root = bundled("content") / "en"
    cases = [(kind, p) for language in ("en", "es")
             for kind, pattern in (("booklet", "booklet.yaml"), ("presets", "presets.yaml"),
                                   ("sources", "sources.yaml"),
                                   ("section", "sections/*.yaml"),
                                   ("glossary", "glossary/*.yaml"),
                                   ("questions", "questions/*.yaml"))
             for p in (bundled("content") / language).glob(pattern)]
    assert len(cases) > 50
    cases += [*[("style", p) for p in bundled_styles().values()],
             ("patient", Path(__file__).resolve().parent.parent / "examples" / "patient.yaml")]
    for kind, path in cases:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(data, schemas[kind])
    broken = json.loads(json.dumps(yaml.safe_load((root / "sections" / "surgery.yaml")
                                                  .read_text()), default=str))
    broken["sumary"] = broken.pop("summary")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schemas["section"])
    short = json.loads(json.dumps(yaml.safe_load((root / "sections" / "surgery.yaml")
                                                 .read_text()), default=str))
    short["handout"]["questions"] = short["handout"]["questions"][:2]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(short, schemas["section"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "A", "medicine": []}, schemas["patient"])


def test_the_command_line_loads_no_layout_before_a_command_runs():
    """`booklet --version` and `--help` answer at once: importing the command line loads
    neither reportlab, the batch runner nor the field specs (each command imports what it
    needs)."""
    import subprocess
    import sys
    code = ("import sys, booklet.cli; print(sorted(m for m in ('reportlab', 'booklet.batch',"
            " 'booklet.layout', 'booklet.specs', 'fhir.resources', 'pypdf', 'yaml')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"



def test_the_program_runs_with_the_cycle_collector_off_but_serve_and_batch_turn_it_on(
        tmp_path, monkeypatch, collector_watch):
    """run() (the console script) turns the collector off for the whole process and freezes
    what is left at the end, for any command, even one that fails; batch and serve, which
    run long, turn it back on."""
    import gc
    import subprocess
    import sys
    import booklet.batch as batch
    import booklet.web as web

    code = ("import gc, sys\nimport booklet.output as o\nreal = o.write_atomic\n"
            "def watching(path, data):\n    print('writing', gc.isenabled())\n"
            "    return real(path, data)\no.write_atomic = watching\n"
            "from booklet.cli import run\ntry:\n    run()\nexcept SystemExit as e:"
            "\n    print(e.code, gc.get_freeze_count() > 0, gc.isenabled())")
    from booklet import __version__
    for args, want in ((["--version"], [f"booklet, version {__version__}", "0 True False"]),
                       (["build", "--style", "nope"], ["2 True False"]),
                       (["-q", "build", "--format", "handout", "--section", "what-is-a-pnet"],
                        ["writing False", "0 True False"])):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                             text=True, cwd=tmp_path)
        assert out.stdout.splitlines() == want, out.stderr

    collector_watch(batch, "make_booklet")
    monkeypatch.setattr(web, "serve", lambda *args: collector_watch.seen.append(gc.isenabled()))
    (tmp_path / "m.yaml").write_text("jobs:\n  - {output: h.pdf, format: handout,"
                                     " sections: [what-is-a-pnet]}\n")
    gc.disable()
    try:
        done = CliRunner().invoke(main, ["batch", str(tmp_path / "m.yaml"), "--out-dir",
                                         str(tmp_path / "out"), "--jobs", "1"])
        assert done.exit_code == 0, done.output
        gc.disable()
        done = CliRunner().invoke(main, ["serve", "--port", "0"])
        assert done.exit_code == 0, done.output
    finally:
        gc.enable()
    assert collector_watch.seen == [True, True]
