"""The one build path (BookletRequest -> make_booklet), the Workshop that carries what is
reused across documents, and the command-line conventions scripts and CI rely on."""
from __future__ import annotations

import cProfile
import importlib
import io
import json
import os
import pkgutil
import pstats
import shutil
import stat
import subprocess
import sys
from functools import _lru_cache_wrapper
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from reportlab.pdfbase import pdfdoc, ttfonts

import booklet.copies
import booklet.layout
from booklet.cli import main
from booklet.copies.workshop import Memo, Workshop
from booklet.layout.flowables import ParagraphMemo
from booklet.patient import load_patient
from booklet.request import BookletRequest, make_booklet

from pdfread import page_count, page_texts, quick_texts
from structure import tree_shape

REPO = Path(__file__).resolve().parent.parent
ALEX = load_patient(REPO / "examples" / "patient.yaml")

# Different documents, so that a used Workshop holds many kinds of memo before the checks.
REQUESTS = {
    "default": BookletRequest(),
    "personal": BookletRequest(patient=ALEX),
    "handout": BookletRequest(sections=("when-to-call",), format="handout",
                              style="tallpine-oncology"),
    "spanish-fillable-a4": BookletRequest(language="es", preset=None,
                                          sections=("what-is-a-pnet",), fillable=True,
                                          paper="a4", style="juniper-bay-cancer-clinic"),
}


def run(*args, env=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booklet", *args], capture_output=True,
                          cwd=cwd, timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def used_workshop():
    """A workshop that has made every kind of document twice, in another order first."""
    workshop = Workshop()
    for request in [*reversed(REQUESTS.values()), *REQUESTS.values()]:
        make_booklet(request, workshop)
    return workshop


@pytest.mark.parametrize("kind", REQUESTS)
def test_a_fresh_workshop_makes_the_same_bytes_as_a_used_one(kind, used_workshop):
    request = REQUESTS[kind]
    assert make_booklet(request, used_workshop).pdf == make_booklet(request, Workshop()).pdf


@pytest.mark.parametrize("kind", REQUESTS)
def test_a_workshop_that_reuses_nothing_makes_the_same_document(kind, used_workshop,
                                                                tmp_path):
    request = REQUESTS[kind]
    reused = tmp_path / "reused.pdf"
    reused.write_bytes(make_booklet(request, used_workshop).pdf)
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(make_booklet(request, Workshop(reuse=False)).pdf)
    assert quick_texts(reused) == quick_texts(plain)
    assert tree_shape(reused) == tree_shape(plain)


def test_a_used_workshop_holds_templates_and_memos(used_workshop):
    """It really reuses: a personal booklet's template, settled page facts, parsed paragraphs
    and compressed streams are kept."""
    assert used_workshop.templates and used_workshop.settled and used_workshop.compressed
    assert used_workshop.paragraphs.parsed and used_workshop.paragraphs.broken
    nothing = Workshop(reuse=False)
    make_booklet(REQUESTS["personal"], nothing)
    assert not (nothing.templates or nothing.settled or nothing.compressed)


def _calls(request: BookletRequest, workshop: Workshop) -> int:
    """How many Python function calls making `request` on `workshop` takes: a count of the
    work done, the same on any machine (a timing would not be)."""
    profile = cProfile.Profile()
    profile.runcall(make_booklet, request, workshop)
    return pstats.Stats(profile).total_calls


def test_a_later_document_on_a_workshop_is_no_more_work():
    """What a Workshop keeps must not make each later document slower: a booklet made again
    after others (which may push its paragraphs out of the memo) takes no more work than it
    did the first time. (Once a style's paragraph memo was deep-copied with the style at
    every split: each document took longer than the last, and a catalogue took minutes.)"""
    request = BookletRequest(preset="newly-diagnosed", style="high-contrast")
    workshop = Workshop()
    first = _calls(request, workshop)
    for other in (BookletRequest(everything=True), BookletRequest(language="es", everything=True),
                  BookletRequest(everything=True, style="high-contrast", paper="a4")):
        make_booklet(other, workshop)
    assert _calls(request, workshop) <= first


def test_reportlab_is_changed_only_while_a_build_runs():
    changed = ((pdfdoc, "PDFZCompress"), (pdfdoc, "pdfdocEnc"), (pdfdoc, "PDFName"),
               (ttfonts, "makeToUnicodeCMap"))
    plain = [getattr(module, name) for module, name in changed]
    workshop = Workshop()
    with workshop.installed():
        assert all(getattr(module, name) is not was
                   for (module, name), was in zip(changed, plain))
        assert pdfdoc.pdfdocEnc("/Type /Page \u00e9") == plain[1]("/Type /Page \u00e9")
        for name in ("Type", "F1+0", "A name (with) #"):
            assert pdfdoc.PDFName(name) == pdfdoc.PDFName(name) == plain[2](name)
    make_booklet(BookletRequest(sections=("what-is-a-pnet",)), workshop)
    assert [getattr(module, name) for module, name in changed] == plain


def test_layout_and_copies_keep_no_module_level_state():
    """No memo, cache or registry at module level in the layout or the copies packages: what
    is kept between documents lives on a Workshop."""
    found = []
    for package in (booklet.layout, booklet.copies):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if getattr(value, "__module__", module.__name__) != module.__name__:
                    continue          # imported, not defined here
                if isinstance(value, (_lru_cache_wrapper, Memo, ParagraphMemo, Workshop)) or (
                        isinstance(value, (dict, list, set)) and name.startswith("_")
                        and not name.startswith("__")):
                    found.append(f"{info.name}.{name}")
    assert found == []


def test_an_edited_logo_is_read_again_by_the_same_workshop(tmp_path):
    """A long-running caller (the web form) sees a style's files change."""
    shutil.copytree(REPO / "styles", tmp_path / "styles")
    style_file = tmp_path / "styles" / "tallpine-oncology.yaml"
    workshop = Workshop(recheck_seconds=0)
    first = workshop.style(style_file)
    assert workshop.style(style_file) is first, "unchanged files: loaded once"
    first.logo.path.write_bytes((REPO / "styles" / "logos" / "juniper-bay.png").read_bytes())
    again = workshop.style(style_file)
    assert again is not first and again.logo.picture != first.logo.picture


def test_the_request_is_what_the_command_line_builds(tmp_path):
    """`booklet build` and make_booklet give the same bytes for the same choices."""
    out = tmp_path / "cli.pdf"
    done = run("build", "--patient", str(REPO / "examples" / "patient.yaml"),
               "--style", "high-contrast", "--paper", "a4", "-o", str(out))
    assert done.returncode == 0, done.stderr
    made = make_booklet(BookletRequest(style="high-contrast", paper="a4", patient=ALEX))
    assert out.read_bytes() == made.pdf


# --- command-line conventions ------------------------------------------------------------

def test_dash_o_dash_writes_only_the_pdf_to_stdout(tmp_path):
    done = run("build", "--section", "when-to-call", "--format", "handout", "-o", "-",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"%PDF-") and done.stdout.rstrip().endswith(b"%%EOF")
    assert b"wrote the PDF to stdout" in done.stderr
    assert list(tmp_path.iterdir()) == [], "no file named '-' or anything else"


def test_quiet_prints_nothing_when_all_goes_well(tmp_path):
    done = run("-q", "build", "--section", "when-to-call", "--format", "handout", "-o",
               str(tmp_path / "h.pdf"))
    assert done.returncode == 0 and done.stdout == b"" and done.stderr == b""
    assert page_count(tmp_path / "h.pdf") == 2


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_files_follow_the_umask(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        result = CliRunner().invoke(main, ["build", "--section", "when-to-call", "--format",
                                           "handout", "-o", str(tmp_path / "h.pdf")])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "h.pdf").stat().st_mode) == mode


def test_dash_h_is_help():
    for args in (["-h"], ["build", "-h"], ["batch", "-h"]):
        result = CliRunner().invoke(main, args, prog_name="booklet")
        assert result.exit_code == 0 and "Usage: booklet" in result.output
    assert "BOOKLET_BUILD_STYLE" in CliRunner().invoke(main, ["build", "-h"]).output


def test_options_come_from_environment_variables(tmp_path):
    out = tmp_path / "env.pdf"
    done = run("build", env={"BOOKLET_BUILD_STYLE": "tallpine-oncology",
                             "BOOKLET_BUILD_SECTION": "when-to-call",
                             "BOOKLET_BUILD_FORMAT": "handout", "BOOKLET_BUILD_OUTPUT": str(out)})
    assert done.returncode == 0, done.stderr
    assert "Tallpine" in page_texts(out)[0]
    given = run("build", "--style", "default", env={"BOOKLET_BUILD_STYLE": "tallpine-oncology",
                                                    "BOOKLET_BUILD_SECTION": "when-to-call",
                                                    "BOOKLET_BUILD_FORMAT": "handout",
                                                    "BOOKLET_BUILD_OUTPUT": str(out)})
    assert given.returncode == 0 and "Tallpine" not in page_texts(out)[0], \
        "the command line wins"


def test_list_json_names_every_section_preset_style_and_keyword(library):
    result = CliRunner().invoke(main, ["list", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["sections"]] == list(library.sections)
    assert [p["id"] for p in data["presets"]] == list(library.presets)
    assert "tallpine-oncology" in [s["id"] for s in data["styles"]]
    assert data["plan_keywords"] == {k: list(v) for k, v in library.plan_keywords.items()}


def test_check_json_lists_problems_and_exits_1(tmp_path):
    good = CliRunner().invoke(main, ["check", "--json", "--lang", "en"])
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["ok"] is True
    patient = tmp_path / "p.yaml"
    patient.write_text("name: Sam\nplan: [surgery, not-a-plan]\n", encoding="utf-8")
    bad = CliRunner().invoke(main, ["check", "--json", "--lang", "en", "--patient", str(patient)])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["ok"] is False and any("not-a-plan" in line for line in data["problems"])


def test_batch_json_and_verbose(tmp_path):
    rows = tmp_path / "list.csv"
    rows.write_text("id,name\np1,Ann\np2,Bo\n", encoding="utf-8")
    done = run("-v", "batch", "--patients", str(rows), "--out-dir", str(tmp_path / "out"),
               "--jobs", "1", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["built"], report["failed"]) == (2, 0)
    assert [j["output"] for j in report["jobs"]] == ["p1.pdf", "p2.pdf"]
    stderr = done.stderr.decode()
    assert "built: " in stderr and "p1.pdf" in stderr and "p2.pdf" in stderr
    assert "2 built, 0 up to date, 0 failed" in stderr
    assert "Ann" not in stderr and "Bo " not in stderr, "no patient names in the log"


def test_batch_says_once_that_plan_keywords_do_not_change_a_handout(tmp_path):
    manifest = tmp_path / "jobs.yaml"
    manifest.write_text(
        "jobs:\n"
        "  - {output: a.pdf, format: handout, sections: [when-to-call],"
        " patient: {name: Sam, plan: [surgery]}}\n"
        "  - {output: b.pdf, format: handout, sections: [when-to-call],"
        " patient: {name: Kim, plan: [surgery]}}\n", encoding="utf-8")
    done = run("batch", str(manifest), "--out-dir", str(tmp_path / "out"), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.decode().splitlines() if line.startswith("note:")]
    assert notes == ["note: 2 jobs (a.pdf, ...): plan keywords add sections to a booklet only;"
                     " this handout prints the sections chosen for it."]
    assert page_count(tmp_path / "out" / "a.pdf") == 2


def test_a_booklet_settles_in_one_measuring_pass_and_one_drawn_pass(monkeypatch):
    """The first pass only places the flowables (it draws nothing); the second prints its
    page numbers and is checked as the fixed point. A booklet that needs a blank notes
    page to make its page count even needs no third pass: the padding's effect on the
    page total and the back page is known beforehand."""
    import booklet.layout.document as document
    passes = []
    real = document._layout_once

    def counted(*args, **kwargs):
        made = real(*args, **kwargs)
        drawing = kwargs.get("drawing", True)
        passes.append((drawing, made[2]))
        return made

    monkeypatch.setattr(document, "_layout_once", counted)
    measured = []
    for paper in ("letter", "a4"):
        for preset in ("before-surgery", "newly-diagnosed", "after-treatment"):
            passes.clear()
            made = make_booklet(BookletRequest(preset=preset, paper=paper), Workshop())
            assert [drawing for drawing, _ in passes] == [False, True], (preset, paper)
            assert passes[-1][1] == made.pages == len(PdfReader(io.BytesIO(made.pdf)).pages)
            assert made.pages % 2 == 0
            measured.append(passes[0][1])
    # some of them were padded: their measuring pass found an odd page count
    assert any(pages % 2 for pages in measured)


def test_the_paragraph_memo_forgets_its_oldest_entries_first():
    """A batch worker's memory stays bounded (the catalogue's 16 looks would fill it), and
    what it keeps is what the current look uses: the newest entries."""
    memo = ParagraphMemo(limit=3)
    for n in range(5):
        memo.remember(memo.parsed, n, str(n))
    assert list(memo.parsed) == [2, 3, 4]
    memo.remember(memo.parsed, 3, "again")      # known: nothing is forgotten
    assert list(memo.parsed) == [2, 3, 4] and memo.parsed[3] == "again"
    workshop = Workshop()
    make_booklet(BookletRequest(everything=True), workshop)
    assert 0 < len(workshop.paragraphs.parsed) <= workshop.paragraphs.limit


def test_the_cycle_collector_is_paused_only_while_a_document_is_made(collector_watch):
    """make_booklet turns Python's cycle collector off while it works and puts back what it
    found, also when the build fails."""
    import gc
    import booklet.request as request

    collector_watch(request, "build_pdf")
    assert gc.isenabled()
    make_booklet(BookletRequest(format="handout", sections=("what-is-a-pnet",)))
    assert collector_watch.seen == [False] and gc.isenabled()
    with pytest.raises(Exception):
        make_booklet(BookletRequest(style="no-such-style"))
    assert gc.isenabled()
    gc.disable()
    try:
        make_booklet(BookletRequest(format="handout", sections=("what-is-a-pnet",)))
        assert not gc.isenabled(), "a caller's choice is left as it was"
    finally:
        gc.enable()


def test_an_english_booklet_never_reads_the_fallback_font(tmp_path):
    """Noto Sans (the fallback) is read only when a character Atkinson Hyperlegible lacks is
    looked up in it; a patient name in Vietnamese needs it, and gets it."""
    probe = ("import sys; from booklet.request import BookletRequest, make_booklet;"
             " from booklet.patient import patient_from_data;"
             " from reportlab.pdfbase import pdfmetrics;"
             " name = sys.argv[1];"
             " patient = patient_from_data({'name': name}, 'probe') if name else None;"
             " make_booklet(BookletRequest(patient=patient));"
             " print(sorted(pdfmetrics.getRegisteredFontNames()))")
    fonts = {}
    for name in ("", "Nguyễn Thị Ánh"):
        done = subprocess.run([sys.executable, "-c", probe, name], capture_output=True,
                              text=True, cwd=REPO)
        assert done.returncode == 0, done.stderr
        fonts[name] = done.stdout
    assert "NotoSans-Fallback" not in fonts[""] and "AtkinsonHyperlegible-Regular" in fonts[""]
    assert "NotoSans-Fallback" in fonts["Nguyễn Thị Ánh"]


def test_the_themes_of_one_style_and_language_share_paragraph_styles_across_papers():
    """A paragraph parsed for a Letter booklet is not parsed again for the A4 one of the same
    style and language (its styles do not depend on the paper), and the A4 booklet is the
    one a fresh Workshop makes."""
    workshop = Workshop()
    make_booklet(BookletRequest(paper="letter"), workshop)
    a4 = make_booklet(BookletRequest(paper="a4"), workshop)
    assert a4.pdf == make_booklet(BookletRequest(paper="a4"), Workshop()).pdf
    make_booklet(BookletRequest(paper="a4", language="es"), workshop)
    make_booklet(BookletRequest(paper="a4", style="high-contrast"), workshop)
    themes = {(t.style.name, t.paper, t.language): t for t in workshop._themes.values()}
    body = {key: theme.paragraph("body") for key, theme in themes.items()}
    default = [key for key in themes if key[0].startswith("Default") and key[2] == "en-US"]
    assert len(default) == 2 and body[default[0]] is body[default[1]]
    assert len(set(map(id, body.values()))) == 3     # Spanish and high contrast: their own
