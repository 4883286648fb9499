"""Bad input ends in one line naming the file, the field and the fix; exit 2; no traceback."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from booklet.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_one_line_error(result, *expected):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for part in expected:
        assert part in lines[0], (part, lines[0])


BROKEN_CONTENT = [
    ("unknown field with did-you-mean", "sections/second.yaml", "summary:", "sumary:",
     ["sections/second.yaml", "sumary: unknown field (did you mean 'summary'?)"]),
    ("missing field", "sections/second.yaml", "reviewed: 2026-10-01\n", "",
     ["sections/second.yaml", "reviewed: is missing. Fix: add 'reviewed:'"]),
    ("wrong type", "sections/second.yaml", "topics: [testing]", "topics: testing",
     ["sections/second.yaml", "topics: expected a list, got text"]),
    ("bad date", "sections/second.yaml", "reviewed: 2026-10-01", "reviewed: last week",
     ["sections/second.yaml", "reviewed: expected a date like 2026-11-23"]),
    ("unknown block kind", "sections/second.yaml", "  - paragraph: Nu", "  - paragraf: Nu",
     ["sections/second.yaml", "body[0]: unknown block kind 'paragraf' (did you mean 'paragraph'?)"]),
    ("table row with three cells", "sections/every-block.yaml", "[Theta cell one, Theta cell two]",
     "[Theta cell one, Theta, cell two]",
     ["sections/every-block.yaml", "body[6].table.rows[0]: has 3 cells; a table row has exactly 2"]),
    ("image without alt text", "sections/every-block.yaml",
     "      alt: A blue square used by the tests.\n", "",
     ["sections/every-block.yaml", "body[7].image.alt: is missing"]),
    ("missing image", "sections/every-block.yaml", "images/square.png", "images/circle.png",
     ["sections/every-block.yaml", "body[7].image.file: 'images/circle.png' not found"]),
    ("image outside the content folder", "sections/every-block.yaml", "images/square.png",
     "../../etc/passwd", ["body[7].image.file", "is outside the content folder"]),
    ("unknown glossary id", "sections/second.yaml", "glossary: [grade]", "glossary: [grayde]",
     ["sections/second.yaml", "glossary[0]: unknown glossary term 'grayde' (did you mean 'grade'?)"]),
    ("unknown question group", "sections/second.yaml", "questions: [group-b]",
     "questions: [group-c]", ["questions[0]: unknown question group 'group-c'"]),
    ("YAML syntax error", "sections/second.yaml", "title: Second section",
     "title: [Second section", ["sections/second.yaml", "YAML syntax error"]),
    ("id differs from file name", "sections/second.yaml", "id: second", "id: secnd",
     ["id: 'secnd' differs from the file name"]),
    ("duplicate glossary id", "glossary/terms.yaml", "id: unused", "id: grade",
     ["glossary/terms.yaml", "'grade' is already defined"]),
    ("preset naming an unknown section", "presets.yaml", "sections: [second]",
     "sections: [secnod]", ["presets.yaml", "unknown section 'secnod' (did you mean 'second'?)"]),
    ("plan keyword naming an unknown section", "booklet.yaml", "grade: [second]",
     "grade: [secnd]", ["booklet.yaml: plan_keywords.grade[0]: unknown section 'secnd'"
                        " (did you mean 'second'?). Fix: use a section id from 'booklet list'."]),
    ("plan keyword that is not an id", "booklet.yaml", "  grade: [second]",
     "  Grade Two: [second]", ["booklet.yaml: plan_keywords.Grade Two: 'Grade Two' is not valid"]),
    ("unprintable character", "sections/second.yaml", "Nu paragraph", "Nu \u0007 paragraph",
     ["sections/second.yaml: line 10: the character U+0007 cannot be printed. Fix: delete it"]),
    ("character the font lacks", "sections/second.yaml", "Nu paragraph", "Nu → paragraph",
     ["sections/second.yaml: body[0].paragraph", "'→' (U+2192)", "Fix:"]),
]


@pytest.mark.parametrize("name,file,old,new,expected", BROKEN_CONTENT,
                         ids=[case[0] for case in BROKEN_CONTENT])
def test_bad_content_gives_one_line_error(content_copy, tmp_path, name, file, old, new, expected):
    edit(content_copy / file, old, new)
    out = tmp_path / "out.pdf"
    result = run("build", "--content", str(content_copy), "-o", str(out))
    assert_one_line_error(result, *expected)
    assert not out.exists(), "nothing is written when the input is bad"


def test_unknown_section_option_suggests_the_id(content_copy, tmp_path):
    result = run("build", "--content", str(content_copy), "--section", "secnd",
                 "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(result, "--section: unknown section 'secnd' (did you mean 'second'?)",
                          "booklet list")


def test_unknown_preset_suggests_the_name(content_copy, tmp_path):
    result = run("build", "--content", str(content_copy), "--preset", "bothh",
                 "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(result, "--preset: unknown preset 'bothh' (did you mean 'both'?)")


def test_empty_name_option(content_copy, tmp_path):
    result = run("build", "--content", str(content_copy), "--name", " ",
                 "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(result, "--name: is empty. Fix: write the text or remove the field.")


def test_unknown_plan_option_suggests_the_keyword(content_copy, tmp_path):
    result = run("build", "--content", str(content_copy), "--plan", "blokcs",
                 "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(result, "--plan: unknown plan keyword 'blokcs' (did you mean 'blocks'?)",
                          "booklet list")


def build_with_style(content, tmp_path, name, old, new):
    """Build with a copy of the test style in which `old` became `new`."""
    style = tmp_path / name
    style.write_text(STYLE.replace(old, new), encoding="utf-8")
    return run("build", "--content", str(content), "--style", str(style),
               "-o", str(tmp_path / "x.pdf"))


BROKEN_STYLES = [
    ("pale.yaml", 'text: "#1a1a1a"', 'text: "#999999"',
     "pale.yaml: colors: text on background has contrast 2.8:1; text needs at least 7:1"),
    ("typo.yaml", "base_size:", "base_sise:",
     "typo.yaml: base_sise: unknown field (did you mean 'base_size'?)"),
    ("small.yaml", "base_size: 18", "base_size: 12",
     "small.yaml: base_size: 12 is not allowed. Fix: use one of 18, 20, 24"),
    ("color.yaml", '"#8c1d18"', "dark red", 'color.yaml: colors.warning: \'dark red\' is not valid'),
    ("standard.yaml", "base_size: 18", "base_size: 14",
     "standard.yaml: base_size: 14 pt is below large print (18 pt). Fix: use 18, 20 or 24, or"
     " build a standard-print copy with --standard-print."),
    ("fill.yaml", 'accent: "#e9f0f8"', 'accent: "#5f7f9f"',
     "fill.yaml: colors: text on accent has contrast 4.2:1; text needs at least 7:1"),
    ("logo.yaml", "base_size: 18", "base_size: 18\nlogo: {file: logo.png}",
     "logo.yaml: logo.alt: is missing. Fix: add 'alt:'"),
]


@pytest.mark.parametrize("name,old,new,expected", BROKEN_STYLES,
                         ids=[case[0] for case in BROKEN_STYLES])
def test_bad_style_gives_one_line_error(content_copy, tmp_path, name, old, new, expected):
    assert_one_line_error(build_with_style(content_copy, tmp_path, name, old, new), expected)


def test_missing_style_file(content_copy, tmp_path):
    result = run("build", "--content", str(content_copy), "--style", str(tmp_path / "nope.yaml"),
                 "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(result, "nope.yaml: style file not found")


def test_missing_content_folder(tmp_path):
    result = run("build", "--content", str(tmp_path / "nothing"), "-o", str(tmp_path / "x.pdf"))
    assert_one_line_error(result, "content folder not found")


def test_output_folder_that_does_not_exist(content_copy, tmp_path):
    result = run("build", "--content", str(content_copy), "-o", str(tmp_path / "no" / "x.pdf"))
    assert result.exit_code == 1
    assert re.search(r"Error: .*x\.pdf: the folder .* does not exist", result.output)


def test_failed_build_keeps_the_previous_pdf(content_copy, tmp_path):
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"%PDF-previous")
    edit(content_copy / "sections/second.yaml", "summary:", "sumary:")
    result = run("build", "--content", str(content_copy), "-o", str(out))
    assert result.exit_code == 2
    assert out.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


STYLE = """\
name: Test
clinic: Test Clinic
colors:
  text: "#1a1a1a"
  background: "#ffffff"
  primary: "#1d4a7a"
  accent: "#e9f0f8"
  warning: "#8c1d18"
base_size: 18
"""
