"""booklet.startup: what libraries do at import, done on first use, with the same results."""
from __future__ import annotations

import subprocess
import sys


def test_patterns_libraries_compile_at_import_wait_until_used(tmp_path):
    """booklet.startup: the three costly patterns reportlab and PyYAML compile at import are
    still stand-ins after a build of the default booklet, which never matches them (this
    fails when a library's pattern changes and is compiled at import again), and once used
    each finds what the real pattern finds."""
    code = """
import re, sys
sys.argv = ["booklet", "-q", "build", "-o", sys.argv[1]]
from booklet.cli import main
try:
    main()
except SystemExit as done:
    assert not done.code, done.code
import yaml
from reportlab.platypus import paragraph
from reportlab.lib import textsplit
found = [paragraph.uri_pat, textsplit.rx, yaml.reader.Reader.NON_PRINTABLE]
print([type(p).__name__ for p in found], [p._compiled is None for p in found])
samples = ["https://www.cancer.org/a?b=1", "HTTP://Example.ORG/", "www.cancer.org",
           "\u8179 x", "tab\\tok", "bell\\x07", "\\ufffe"]
for p in found:
    real = re._compiler.compile(*p._key[1:])
    for text in samples:
        got, want = p.search(text), real.search(text)
        assert (got and got.span()) == (want and want.span()), (p, text)
print([type(p.compiled()).__name__ for p in found],
      [re.compile(*p._key[1:]) is p.compiled() for p in found])
"""
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b.pdf")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "['DeferredPattern', 'DeferredPattern', 'DeferredPattern'] [True, True, True]",
        "['Pattern', 'Pattern', 'Pattern'] [True, True, True]"]


PROBE = """
import hashlib, sys
if sys.argv[1] == "eager":              # imported before booklet: nothing is deferred
    import PIL.Image, uharfbuzz
from booklet.patient import patient_from_data
from booklet.request import BookletRequest, make_booklet
from booklet.startup import LoadedOnUse

def state():
    return [isinstance(sys.modules[n], LoadedOnUse) for n in ("PIL.Image", "uharfbuzz")]

plain = make_booklet(BookletRequest()).pdf
print(state())
picture_and_shaping = make_booklet(BookletRequest(
    style="tallpine-oncology", format="handout", sections=("when-to-call",),
    patient=patient_from_data({"name": "\u0633\u0627\u0631\u0629"}, "probe"))).pdf
print(state())
print(hashlib.sha256(plain).hexdigest(), hashlib.sha256(picture_and_shaping).hexdigest())
"""


def test_pillow_and_harfbuzz_load_when_a_booklet_needs_them_with_the_same_pdf():
    """reportlab imports Pillow's Image module and uharfbuzz when it is imported; booklet
    defers both until used. The default booklet (no picture, no shaped text) never runs them
    (this fails when reportlab starts using them at import); a PNG logo and an Arabic name
    run each (this fails when one is left half loaded), and every PDF is the same bytes as in
    a process that imported both before booklet."""
    runs = {how: subprocess.run([sys.executable, "-c", PROBE, how], capture_output=True,
                                text=True) for how in ("deferred", "eager")}
    for how, done in runs.items():
        assert done.returncode == 0, (how, done.stderr)
    deferred, eager = (runs[h].stdout.splitlines() for h in ("deferred", "eager"))
    assert deferred[:2] == ["[True, True]", "[False, False]"]
    assert eager[:2] == ["[False, False]", "[False, False]"]
    assert deferred[2] == eager[2]


def test_a_deferred_module_runs_once_when_threads_ask_for_it_together():
    """The web form's threads may be the first to ask: each gets the loaded module's names,
    and its code runs once."""
    code = """
import sys, threading
import booklet
from booklet.startup import LoadedOnUse
assert isinstance(sys.modules["PIL.Image"], LoadedOnUse)
import PIL.Image
runs, got = [], []
real = type(PIL.Image.__spec__.loader).exec_module
def counting(self, module):
    runs.append(module.__name__)
    return real(self, module)
type(PIL.Image.__spec__.loader).exec_module = counting
start = threading.Barrier(8)
def ask():
    start.wait()
    got.append(PIL.Image.new("L", (2, 2)).size)
threads = [threading.Thread(target=ask) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(runs.count("PIL.Image"), got == [(2, 2)] * 8)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "True"]


def test_a_deferred_pattern_leaves_every_cache_of_re_when_compiled(monkeypatch):
    """Python 3.12 keeps a second cache in front of re._cache (re._cache2), and both hold the
    stand-in: compiling must take it out of each, or re.compile would hand it back."""
    import re
    from booklet.startup import DeferredPattern

    key = (str, "[\u4e00-\u9fff]+ deferred", 0)
    standin = DeferredPattern(key)
    monkeypatch.setattr(re, "_cache2", {key: standin}, raising=False)
    monkeypatch.setitem(re._cache, key, standin)
    assert re.compile(key[1]) is standin
    assert standin.match("\u4e00\u4e01 deferred").span() == (0, 11)
    assert isinstance(standin.compiled(), re.Pattern)
    assert re._cache2.get(key) is not standin and re._cache.get(key) is standin.compiled()


def test_a_deferred_module_that_fails_raises_its_own_error_each_time(tmp_path, monkeypatch):
    """A deferred module whose code fails raises that error where it is first used, and is
    then gone from sys.modules, as after a failed import: the next import fails the same way."""
    import importlib
    import pytest
    from booklet import startup

    (tmp_path / "broken_for_startup_test.py").write_text(
        "VALUE = 1\nraise RuntimeError('broken on purpose')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    startup._defer_module("broken_for_startup_test")
    import broken_for_startup_test as broken
    assert isinstance(broken, startup.LoadedOnUse)
    with pytest.raises(RuntimeError, match="broken on purpose"):
        broken.VALUE
    assert "broken_for_startup_test" not in sys.modules
    with pytest.raises(RuntimeError, match="broken on purpose"):
        importlib.import_module("broken_for_startup_test")
    sys.modules.pop("broken_for_startup_test", None)
