"""A language is data: a folder added with --content builds with no code change.

The test language is the pseudo-locale qps-ploc (tests/pseudo.py), made with `booklet translate`
from the English content: accented, about 40% longer, every string in brackets."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pikepdf
import pypdf
import pytest
import yaml
from click.testing import CliRunner

from booklet.cli import main
from booklet.content import load_library
from booklet.editorial import handout_page_limit
from booklet.language import language_info
from booklet.messages import catalogue

sys.path.insert(0, str(Path(__file__).parent))
import pseudo  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pseudo")
    content = pseudo.pseudo_content(tmp, REPO / "content")
    styles = pseudo.pseudo_styles(tmp, REPO / "styles")
    return content, styles, tmp


def run(*args):
    for a in args:                      # -o FILE: its folder exists, as a user's would
        if isinstance(a, Path) and a.suffix == ".pdf":
            a.parent.mkdir(parents=True, exist_ok=True)
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def test_the_added_language_is_found_and_listed(world):
    content, _, _ = world
    result = run("list", "--content", content, "--json")
    assert result.exit_code == 0, result.output
    codes = [lang["code"] for lang in json.loads(result.output)["languages"]]
    assert codes == ["en", "es", "qps"]
    text = run("list", "--content", content).output
    assert re.search(r"^  qps +English \(\[Éñglîsh ~+\]\)$", text, re.M), text


def test_the_added_language_builds_with_its_lang_and_its_own_words(world):
    content, styles, tmp = world
    out = tmp / "out" / "qps.pdf"
    result = run("build", "--content", content, "--lang", "qps", "--style", styles["default"],
                 "-o", out)
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "qps-ploc"
    pages = [p.extract_text() for p in pypdf.PdfReader(out).pages]
    # the layout's own words come from content/qps/messages.yaml: the contents page heading
    # and every footer are pseudo-localized too
    english = load_library(REPO / "content", "en")
    assert "[" in pages[1] and english.info.short_title not in "".join(pages)
    assert all("[Pàgé " in page for page in pages)


def test_its_words_to_know_follow_its_own_dictionary_order(world, tmp_path):
    content, _, _ = world
    (content / "qps" / "language.yaml").write_text(
        "name: Pseudo\nnative_name: Pséûdö\ndirection: ltr\ncollation:\n  own_letters: [ñ]\n"
        "readability:\n  measure: none\n", encoding="utf-8")
    language_info.cache_clear()
    try:
        info = language_info(content / "qps")
        assert (info.name, info.own_letters, info.measure) == ("Pseudo", ("ñ",), "none")
        result = run("check", "--content", content)
        assert "no reading measure for qps-ploc" in result.output
    finally:
        (content / "qps" / "language.yaml").unlink()
        language_info.cache_clear()


@pytest.mark.parametrize("text, message", [
    ("direction: sideways\n", "language.yaml: direction: 'sideways' is not ltr or rtl"),
    ("name: [Pseudo\n", "language.yaml: line 2, column 1: YAML syntax error"),
])
def test_a_bad_language_file_is_one_line(world, tmp_path, text, message):
    content, _, _ = world
    (content / "qps" / "language.yaml").write_text(text, encoding="utf-8")
    language_info.cache_clear()
    try:
        result = run("build", "--content", content, "--lang", "qps", "-o", tmp_path / "x.pdf")
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert message in result.output
        assert not (tmp_path / "x.pdf").exists()
    finally:
        (content / "qps" / "language.yaml").unlink()
        language_info.cache_clear()


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_pseudo_handouts_keep_their_page_limit(world, paper):
    """Every short form, 40% longer, still prints on its one sheet (front and back)."""
    content, styles, tmp = world
    library = load_library(content, "qps")
    from booklet.style import load_style
    limit = handout_page_limit(load_style(styles["default"]))
    pages = {}
    for sid, section in library.sections.items():
        if section.handout is None:
            continue
        out = tmp / "handouts" / paper / f"{sid}.pdf"
        result = run("build", "--content", content, "--lang", "qps", "--style",
                     styles["default"], "--paper", paper, "--format", "handout",
                     "--section", sid, "-o", out)
        assert result.exit_code == 0, result.output
        pdf = pypdf.PdfReader(out)
        assert "[" in pdf.pages[0].extract_text()     # the pseudo text
        pages[sid] = len(pdf.pages)
    assert len(pages) == 17
    assert {sid: n for sid, n in pages.items() if n > limit} == {}


def test_the_pseudo_booklet_builds_in_every_style(world):
    """Every style prints it, except the two whose larger print cannot fit its 40% longer
    footer lines: those are refused in one line naming the text to shorten."""
    content, styles, tmp = world
    refused = set()
    for name, style in styles.items():
        out = tmp / "styled" / f"{name}.pdf"
        result = run("build", "--content", content, "--lang", "qps", "--style", style, "-o", out)
        if result.exit_code != 0:
            assert "fit on one footer line" in result.output and not out.exists()
            assert len(result.output.strip().splitlines()) == 1, result.output
            refused.add(name)
            continue
        assert result.exit_code == 0, (name, result.output)
        assert re.search(r"smallest text (1[89]|2\d) pt", result.output), result.output
        text = "".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
        untranslated = {w for w in ("Reviewed", "Page ", "Contents", "Words to know")
                        if w in text}
        assert not untranslated, untranslated
    assert refused == {"high-contrast", "tallpine-oncology"}


def draft_content(content: Path, tmp_path: Path) -> Path:
    """A copy of the pseudo content whose translation has three units not yet reviewed."""
    import shutil
    draft = tmp_path / "content"
    shutil.copytree(content, draft)
    status = draft / "qps" / "translation.yaml"
    status.write_text(status.read_text(encoding="utf-8").replace(": reviewed", ": translated", 3),
                      encoding="utf-8")
    messages = draft / "qps" / "messages.yaml"     # the pseudo phrase is too long for a footer
    messages.write_text(re.sub(r"(?m)^draft_translation: .*$",
                               "draft_translation: '[Dràft, ñöt révîéwéd]'",
                               messages.read_text(encoding="utf-8")), encoding="utf-8")
    return draft


def test_an_unreviewed_translation_is_refused_unless_a_marked_draft(world, tmp_path):
    """A translation imported with units only 'translated' (not reviewed): check reports
    them, build refuses, and build --draft says so in every footer."""
    content, styles, _ = world
    draft = draft_content(content, tmp_path)
    checked = run("check", "--content", draft)
    assert checked.exit_code != 0
    assert re.search(r"qps/\S+\.yaml: 0 units not translated, \d not reviewed", checked.output)
    out = tmp_path / "out" / "draft.pdf"
    refused = run("build", "--content", draft, "--lang", "qps", "-o", out)
    assert refused.exit_code != 0 and not out.exists()
    assert "not reviewed yet. Fix: finish the review" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    built = run("build", "--content", draft, "--lang", "qps", "--draft", "--style",
                styles["default"], "-o", out)
    assert built.exit_code == 0, built.output
    pages = [p.extract_text() for p in pypdf.PdfReader(out).pages]
    assert all("[Dràft, ñöt révîéwéd]" in page for page in pages)
    # the English and reviewed languages are not drafts
    english = run("build", "--content", draft, "--lang", "en", "--draft", "-o", tmp_path / "out" / "en.pdf")
    assert english.exit_code == 0
    assert "Draft translation" not in pypdf.PdfReader(tmp_path / "out" / "en.pdf").pages[1].extract_text()


def test_batch_refuses_an_unreviewed_translation_unless_draft_is_asked(world, tmp_path):
    """A batch job in a language not all reviewed is refused before anything is built, naming
    the job; a job's own draft: true, or --draft for every job, builds it marked as a draft."""
    content, styles, _ = world
    draft = draft_content(content, tmp_path)
    manifest = tmp_path / "jobs.yaml"
    manifest.write_text(
        f"defaults: {{style: '{styles['default']}', sections: [when-to-call]}}\n"
        "jobs:\n"
        "  - {output: en.pdf, lang: en}\n"
        "  - {output: qps.pdf, lang: qps}\n"
        "  - {output: own.pdf, lang: qps, draft: true}\n",
        encoding="utf-8")
    out = tmp_path / "out"
    refused = run("batch", manifest, "--content", draft, "--out-dir", out, "--jobs", "1")
    assert refused.exit_code == 2
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.output, refused.output
    assert re.match(r"^Error: \S*jobs\.yaml: jobs\[1\]: \S*qps/translation\.yaml: 0 units are"
                    r" not translated and 3 not reviewed yet\. Fix: .* --draft", lines[0]), lines
    assert not out.exists()
    built = run("batch", manifest, "--content", draft, "--out-dir", out, "--jobs", "1",
                "--draft")
    assert built.exit_code == 0, built.output
    assert "3 built, 0 up to date, 0 failed" in built.output, built.output
    for name in ("qps.pdf", "own.pdf"):
        pages = [p.extract_text() for p in pypdf.PdfReader(out / name).pages]
        assert all("[Dràft, ñöt révîéwéd]" in page for page in pages), name
    assert "Dràft" not in pypdf.PdfReader(out / "en.pdf").pages[0].extract_text()
    again = run("batch", manifest, "--content", draft, "--out-dir", out, "--jobs", "1")
    assert again.exit_code == 2 and "jobs[1]" in again.output    # --draft is not remembered


def test_a_draft_label_too_long_for_the_footer_names_its_message(world, tmp_path):
    """The pseudo phrase for 'Draft translation, not reviewed' is too long for a footer line
    beside 'Page N of M': the error names that message, not the booklet's short title."""
    content, styles, _ = world
    draft = draft_content(content, tmp_path)
    english = yaml.safe_load((REPO / "content" / "en" / "messages.yaml").read_text("utf-8"))
    long_label = pseudo.pseudo(english["draft_translation"])
    messages = draft / "qps" / "messages.yaml"
    messages.write_text(re.sub(r"(?m)^draft_translation: .*$",
                               lambda _: f"draft_translation: {json.dumps(long_label)}",
                               messages.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "x.pdf"
    result = run("build", "--content", draft, "--lang", "qps", "--draft", "--style",
                 styles["default"], "-o", out)
    assert result.exit_code == 2 and not out.exists()
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: messages.yaml: draft_translation: '{long_label}' and"), lines
    assert lines[0].endswith("Fix: shorten draft_translation."), lines


def test_a_messages_file_with_a_yaml_error_is_one_line(world, tmp_path):
    content, _, _ = world
    messages = content / "qps" / "messages.yaml"
    good = messages.read_text(encoding="utf-8")
    messages.write_text("title_joiner: [broken\n" + good, encoding="utf-8")
    catalogue.cache_clear()
    try:
        result = run("build", "--content", content, "--lang", "qps", "-o", tmp_path / "x.pdf")
        assert result.exit_code != 0 and "Traceback" not in result.output, result.output
        assert "messages.yaml: line 2, column" in result.output
        assert "YAML syntax error" in result.output
        assert not (tmp_path / "x.pdf").exists()
    finally:
        messages.write_text(good, encoding="utf-8")
        catalogue.cache_clear()
