"""Shared fixtures: the bundled and test content, and PDFs built once per test session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Every PDF the tests build, in this process and in CLI subprocesses, stops at the first
# drawing that is neither inside a structure element nor an artifact.
os.environ["BOOKLET_STRICT_TAGS"] = "1"

from booklet.content import load_library
from booklet.copies.workshop import Workshop
from booklet.language import language_code
from booklet.request import BookletRequest, make_booklet
from booklet.resources import bundled, style_path
from booklet.style import load_style

TESTS = Path(__file__).resolve().parent
FIXTURE_CONTENT = TESTS / "fixtures" / "content"
GOLDEN = TESTS / "golden"
WORKSHOP = Workshop()   # the test session's, as a CLI process has one


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the golden files under tests/golden from this build.")


@pytest.fixture
def collector_watch(monkeypatch):
    """watch(module, name) records, each time module.name is called, whether Python's cycle
    collector is on: in watch.seen."""
    import gc

    def watch(module, name: str) -> None:
        real = getattr(module, name)

        def watching(*args, **kwargs):
            watch.seen.append(gc.isenabled())
            return real(*args, **kwargs)
        monkeypatch.setattr(module, name, watching)
    watch.seen = []
    return watch


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/NAME, or rewrite it with --update-golden."""
    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        expected = path.read_text(encoding="utf-8") if path.exists() else ""
        assert actual == expected, (f"{path.relative_to(TESTS.parent)} differs; review the change"
                                    " and run pytest --update-golden to accept it")
    return check


@pytest.fixture(scope="session")
def library():
    return load_library(bundled("content"))


@pytest.fixture(scope="session")
def fixture_library():
    return load_library(FIXTURE_CONTENT)


@pytest.fixture(scope="session")
def default_style():
    return load_style(style_path("default"))


def make_pdf(folder: Path, name: str, library, style, *, preset=None, sections=(),
             everything=False, format="booklet", paper=None, full_glossary=False):
    """Build a PDF of this library and style through the one build path (the request the CLI
    makes) and write it to folder/name."""
    made = make_booklet(BookletRequest(
        content=library.root, language=language_code(library.info.language),
        style=str(style.path), preset=preset, sections=tuple(sections), everything=everything,
        format=format, paper=paper, full_glossary=full_glossary,
        standard_print=style.base_size < 18), WORKSHOP)
    path = folder / name
    path.write_bytes(made.pdf)
    return path, made.plan


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdfs")


@pytest.fixture(scope="session")
def default_booklet(pdf_dir, library, default_style):
    """The default booklet of the bundled content: what the Quick start builds."""
    return make_pdf(pdf_dir, "default.pdf", library, default_style)


@pytest.fixture(scope="session")
def fixture_booklet(pdf_dir, fixture_library, default_style):
    return make_pdf(pdf_dir, "fixture.pdf", fixture_library, default_style)


@pytest.fixture(scope="session")
def everything_booklet(pdf_dir, library, default_style):
    return make_pdf(pdf_dir, "everything.pdf", library, default_style, everything=True)


@pytest.fixture(scope="session")
def fixture_handout(pdf_dir, fixture_library, default_style):
    return make_pdf(pdf_dir, "fixture-handout.pdf", fixture_library, default_style,
                    sections=(next(iter(fixture_library.sections)),), format="handout")


@pytest.fixture(scope="session")
def fixture_sheet(pdf_dir, fixture_library, default_style):
    """A handout from a short form: one sheet."""
    return make_pdf(pdf_dir, "fixture-sheet.pdf", fixture_library, default_style,
                    sections=("second",), format="handout")


@pytest.fixture(scope="session")
def handout(pdf_dir, library, default_style):
    return make_pdf(pdf_dir, "handout.pdf", library, default_style,
                    sections=("surgery", "when-to-call"), format="handout")


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the test content, for breaking it on purpose."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target
