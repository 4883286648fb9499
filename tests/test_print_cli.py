"""The print commands as a clinic runs them (issue 18): `build` says what printing takes,
`impose` writes the press file, `preview` the pictures, and batch jobs can ask for an imposed
copy and report the print counts."""
from __future__ import annotations

import json

import pypdf
import pytest
import yaml
from click.testing import CliRunner
from pdfread import page_texts

from booklet.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print")
    result = run("build", "-o", folder / "booklet.pdf")
    assert result.exit_code == 0, result.output
    return folder / "booklet.pdf", result.output


def test_build_says_what_printing_takes(built):
    path, output = built
    pages = len(pypdf.PdfReader(path).pages)
    line = next(l for l in output.splitlines() if l.startswith("print: "))
    assert line == (f"print: {pages} pages: {pages} sheets single-sided, {-(-pages // 2)}"
                    f" double-sided, {-(-pages // 4)} tabloid sheets saddle-stitched;"
                    " smallest text 18 pt")
    assert "print:" not in run("-q", "build", "-o", path.with_name("q.pdf")).output


def test_impose_writes_tabloid_sheets_at_full_size(built, tmp_path):
    path, _ = built
    result = run("impose", path, "-o", tmp_path / "print.pdf")
    assert result.exit_code == 0, result.output
    pages = len(pypdf.PdfReader(path).pages)
    imposed = pypdf.PdfReader(tmp_path / "print.pdf")
    assert len(imposed.pages) == 2 * -(-pages // 4)
    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in imposed.pages} == \
        {(1224.0, 792.0)}
    assert f"{-(-pages // 4)} tabloid sheets" in result.output


def test_impose_refuses_letter_in_one_line_and_writes_nothing(built, tmp_path):
    path, _ = built
    result = run("impose", path, "-o", tmp_path / "print.pdf", "--sheet", "letter")
    assert result.exit_code == 2
    lines = [l for l in result.output.splitlines() if l.strip()]
    assert lines == ["Error: --sheet letter: two Letter pages side by side on Letter would"
                     " shrink 18 pt text to about 11.6 pt. Fix: use --sheet tabloid"
                     " (11 x 17 in), which prints them at 100%."]
    assert not (tmp_path / "print.pdf").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", ["missing", "not a pdf", "itself"])
def test_impose_bad_input_is_one_line(built, tmp_path, case):
    path, _ = built
    source = {"missing": tmp_path / "nope.pdf", "itself": path,
              "not a pdf": tmp_path / "notes.pdf"}[case]
    if case == "not a pdf":
        source.write_text("hello")
    target = path if case == "itself" else tmp_path / "print.pdf"
    before = path.read_bytes()
    result = run("impose", source, "-o", target)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Fix:" in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_a_spanish_booklet_pads_with_spanish_blank_pages(tmp_path):
    booklet = tmp_path / "es.pdf"
    assert run("build", "--lang", "es", "--paper", "a4", "-o", booklet).exit_code == 0
    pages = len(pypdf.PdfReader(booklet).pages)
    assert pages % 4, "this test wants a booklet that needs padding"
    result = run("impose", booklet, "-o", tmp_path / "print.pdf")
    assert result.exit_code == 0, result.output
    assert "A3 sheets" in result.output
    text = "\n".join(page_texts(tmp_path / "print.pdf"))
    assert text.count("Esta página se dejó en blanco a propósito.") == 4 - pages % 4


def test_preview_writes_a_picture_per_page_and_a_contact_sheet(built, tmp_path):
    path, _ = built
    result = run("preview", path, "-o", tmp_path / "all", "--dpi", "20")
    assert result.exit_code == 0, result.output
    pages = len(pypdf.PdfReader(path).pages)
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert names == ["contact-sheet.png"] + [f"page-{n:03d}.png" for n in range(1, pages + 1)]
    result = run("preview", path, "-o", tmp_path / "some", "--pages", "1-2,5")
    assert sorted(p.name for p in (tmp_path / "some").iterdir()) == \
        ["contact-sheet.png", "page-001.png", "page-002.png", "page-005.png"]
    result = run("preview", path, "-o", tmp_path / "bad", "--pages", "3-1")
    assert result.exit_code == 2 and "--pages" in result.output and "Fix:" in result.output


def test_a_batch_job_asks_for_an_imposed_copy_and_the_report_counts_sheets(tmp_path):
    manifest = tmp_path / "jobs.yaml"
    manifest.write_text(yaml.safe_dump({"defaults": {"sections": ["when-to-call"]}, "jobs": [
        {"output": "a.pdf", "impose": "tabloid"},
        {"output": "b.pdf"},
        {"output": "c.pdf", "impose": "letter"}]}))
    out, report = tmp_path / "out", tmp_path / "report.json"
    result = run("batch", manifest, "--out-dir", out, "--report", report, "--jobs", "1")
    assert result.exit_code == 1
    assert "impose: letter: two Letter pages" in result.output
    assert sorted(p.name for p in out.glob("*.pdf")) == ["a-print.pdf", "a.pdf", "b.pdf"]
    data = json.loads(report.read_text())
    jobs = {job["output"]: job for job in data["jobs"]}
    assert jobs["a.pdf"]["print_file"] == "a-print.pdf" and jobs["b.pdf"]["print_file"] == ""
    pages = len(pypdf.PdfReader(out / "a.pdf").pages)
    assert jobs["a.pdf"]["printing"] == {"pages": pages, "single_sided": pages,
                                         "double_sided": -(-pages // 2),
                                         "saddle_sheets": -(-pages // 4),
                                         "smallest_text_pt": 18.0}
    assert data["printing"]["pages"] == pages + jobs["b.pdf"]["pages"]
    imposed = pypdf.PdfReader(out / "a-print.pdf")
    assert len(imposed.pages) == 2 * -(-pages // 4)
    # a second run leaves both files alone
    again = run("batch", manifest, "--out-dir", out, "--jobs", "1")
    assert "2 up to date" in again.output
