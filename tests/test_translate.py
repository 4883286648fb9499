"""booklet translate: XLIFF 2.0 export and import round trips of the content."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner

from booklet.cli import main
from booklet.content import load_library
from booklet.translate import NS, STATES, export_xliff, read_xliff, translation_states, unreviewed

REPO_CONTENT = Path(__file__).resolve().parent.parent / "content"
X = f"{{{NS}}}"


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(REPO_CONTENT, tmp_path / "c")
    return tmp_path / "c"


def _dump(library) -> str:
    out = [(s.id, s.title, s.summary, s.topics, s.reviewed, s.body, s.handout, s.glossary,
            s.questions, [(x.id, x.title, x.publisher, x.note) for x in s.sources])
           for s in library.sections.values()]
    out += [(t.id, t.term, t.pronunciation, t.definition, t.forms, t.see_also)
            for t in library.terms.values()]
    out += [(g.id, g.title, g.questions) for g in library.groups.values()]
    out += [library.info, list(library.presets.values()), list(library.sources.values()),
            library.plan_keywords]
    return re.sub(r"PosixPath\([^)]*\)", "P", repr(out))


@functools.cache
def _schema():
    """The core of XLIFF 2.0 (tests/fixtures/xliff-2.0-core.xsd)."""
    return xmlschema.XMLSchema(str(Path(__file__).parent / "fixtures" / "xliff-2.0-core.xsd"))


def _schema_errors(data: bytes) -> list[str]:
    return [f"{e.path}: {e.reason}" for e in _schema().iter_errors(data.decode("utf-8"))]


def _check_structure(data: bytes, trg: str) -> ET.Element:
    assert _schema_errors(data) == []
    root = ET.fromstring(data)
    assert root.tag == X + "xliff" and root.get("version") == "2.0"
    assert root.get("srcLang") == "en-US" and root.get("trgLang") == trg
    for f in root.findall(X + "file"):
        assert f.find(X + "skeleton") is not None and f.get("original")
        assert re.fullmatch(r"[\w.:-]+", f.get("id"))            # an NMTOKEN
        ids = [u.get("id") for u in f.iter(X + "unit")]
        assert len(ids) == len(set(ids))
        for u in f.iter(X + "unit"):
            seg = u.find(X + "segment")
            assert seg is not None and seg.find(X + "source") is not None
            assert seg.get("state") in STATES
            for part in (seg.find(X + "source"), seg.find(X + "target")):
                codes = [c.get("id") for c in part.iter(X + "pc")]   # unique in their unit
                assert len(codes) == len(set(codes))
    return root


@pytest.mark.parametrize("change", [
    ('state="final"', 'state="done"'),                   # not a state
    ("<source>", "<target>x</target><source>"),          # target before source
    ('<pc id="1"', '<pc'),                               # a code without its id
    ('<unit id="', '<unit name="'),                      # a unit without its id
])
def test_the_schema_finds_what_is_not_xliff(copy, change):
    data = export_xliff(copy, "es")
    assert _schema_errors(data) == []
    assert _schema_errors(data.replace(change[0].encode(), change[1].encode(), 1))


def test_spanish_round_trip_same_library_and_pdf(copy, tmp_path):
    data = export_xliff(copy, "es")
    root = _check_structure(data, "es-US")
    names = {f.get("original") for f in root.findall(X + "file")}
    assert {"sections/surgery.yaml", "booklet.yaml", "messages.yaml"} <= names
    assert {s.get("state") for s in root.iter(X + "segment")} == {"final"}
    original = load_library(copy, "es")
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run([sys.executable, "-m", "booklet", "-q", "build", "--lang", "es", "--content",
                    str(copy), "-o", str(out / "a.pdf")], check=True)
    (tmp_path / "es.xlf").write_bytes(data)
    shutil.rmtree(copy / "es")
    result = CliRunner().invoke(main, ["translate", "import", str(tmp_path / "es.xlf"),
                                       "--content", str(copy)])
    assert result.exit_code == 0, result.output
    assert _dump(load_library(copy, "es")) == _dump(original)
    assert (copy / "es" / "messages.yaml").is_file()
    states = translation_states(copy / "es")
    assert states["sections/surgery.yaml"] and unreviewed(copy / "es") == {}
    subprocess.run([sys.executable, "-m", "booklet", "-q", "build", "--lang", "es", "--content",
                    str(copy), "-o", str(out / "b.pdf")], check=True)
    assert (out / "a.pdf").read_bytes() == (out / "b.pdf").read_bytes()
    # exported again, the imported folder gives the same document
    assert export_xliff(copy, "es") == data


def test_new_language_is_initial_with_empty_targets(copy, tmp_path):
    root = _check_structure(export_xliff(copy, "fr"), "fr")
    segments = list(root.iter(X + "segment"))
    assert segments and all(s.get("state") == "initial" for s in segments)
    assert all(not "".join(s.find(X + "target").itertext()) for s in segments)
    (tmp_path / "fr.xlf").write_bytes(ET.tostring(root))
    tag, files, states = read_xliff(tmp_path / "fr.xlf")
    assert tag == "fr" and files["booklet.yaml"]["language"] == "fr"
    assert files["sections/surgery.yaml"]["title"] == "Surgery for a pNET"  # English stands in
    assert all(s == "initial" for f in states.values() for s in f.values())


def _ids(data: bytes, name: str) -> dict[str, str]:
    root = ET.fromstring(data)
    f = next(f for f in root.findall(X + "file") if f.get("original") == name)
    return {u.find(X + "notes/" + X + "note").text: u.get("id") for u in f.iter(X + "unit")}


def test_ids_survive_inserting_a_paragraph(copy):
    before = _ids(export_xliff(copy, "fr"), "sections/surgery.yaml")
    path = copy / "en" / "sections" / "surgery.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("body:\n", "body:\n  - paragraph: A new first paragraph.\n", 1),
                    encoding="utf-8")
    after = _ids(export_xliff(copy, "fr"), "sections/surgery.yaml")
    assert len(after) == len(before) + 1
    assert set(before.values()) <= set(after.values())
    assert after["body[0].paragraph"] not in before.values()


def test_bold_round_trips(copy, tmp_path):
    data = export_xliff(copy, "es")
    root = ET.fromstring(data)
    pcs = list(root.iter(X + "pc"))
    assert pcs and all(p.get("subType") == "xlf:b" and p.get("type") == "fmt" for p in pcs)
    assert b"**" not in data.replace(b"**{", b"")
    (tmp_path / "es.xlf").write_bytes(data)
    _, files, _ = read_xliff(tmp_path / "es.xlf")
    original = (copy / "es").rglob("*.yaml")
    import yaml
    for path in original:
        name = path.relative_to(copy / "es").as_posix()
        if name in files:
            assert files[name] == yaml.safe_load(path.read_text(encoding="utf-8")), name


@pytest.mark.parametrize("change, message", [
    (lambda s: s.replace('state="final"', 'state="done"', 1), "unknown state 'done'"),
    (lambda s: re.sub(r"<skeleton>.*?</skeleton>", "", s, count=1, flags=re.S), "skeleton"),
    (lambda s: s.replace('subType="xlf:b"', 'subType="xlf:i"', 1), "<pc>"),
    (lambda s: s.replace("<xliff", "<xliffy", 1).replace("</xliff>", "</xliffy>"), "XLIFF 2.0"),
    (lambda s: s[:-40], "not well-formed"),
    (lambda s: s.replace("{page} de {total}", "{pagina} de {total}", 1),
     "page_of: the placeholders are {pagina}, {total}, not English's {page}, {total}"),
])
def test_bad_xliff_is_one_clear_line(copy, tmp_path, change, message):
    bad = tmp_path / "bad.xlf"
    bad.write_text(change(export_xliff(copy, "es").decode()), encoding="utf-8")
    shutil.rmtree(copy / "es")
    result = CliRunner().invoke(main, ["translate", "import", str(bad), "--content", str(copy)])
    assert result.exit_code != 0 and result.exception is None or isinstance(
        result.exception, SystemExit)
    assert "Traceback" not in result.output and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (copy / "es").exists() and not list(copy.glob(".translate-*"))


def test_import_refuses_to_overwrite_without_replace(copy, tmp_path):
    (tmp_path / "es.xlf").write_bytes(export_xliff(copy, "es"))
    args = ["translate", "import", str(tmp_path / "es.xlf"), "--content", str(copy)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and "--replace" in result.output
    assert CliRunner().invoke(main, [*args, "--replace"]).exit_code == 0
    assert translation_states(copy / "es") is not None and translation_states(copy / "en") is None


def test_a_message_with_a_renamed_placeholder_is_one_clear_line(copy, tmp_path):
    path = copy / "es" / "messages.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{date}", "{fecha}", 1),
                    encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = subprocess.run([sys.executable, "-m", "booklet", "build", "--lang", "es",
                             "--content", str(copy), "--section", "surgery", "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "messages.yaml: " in result.stderr and "{fecha}" in result.stderr
    assert not out.exists()
