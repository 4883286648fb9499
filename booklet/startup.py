"""What booklet's libraries do when imported that a build seldom needs, done on first use.

`defer()` runs when booklet is imported, before any of its modules imports reportlab. Each
deferral keeps what the library does the same; only when it is done changes. Where a library
was imported before booklet, or is another version than the one measured, it is imported and
compiled as usual: slower, never different.

Patterns. Three regular expressions that reportlab and PyYAML compile at import cost a cold
`booklet build` about 0.035 s, a sixth of its instructions: Python's compiler expands each
character range over most of Unicode one character at a time, and for reportlab's URL pattern
(case-insensitive) also finds each one's lower case. A build seldom matches them: the URL
pattern only when reportlab hyphenates (booklet asks it to only for a word wider than its line,
as a long word in a narrow table cell), the CJK one only in reportlab's own CJK wrapping, and
PyYAML's only in its pure-Python reader (booklet reads with libyaml). `re.compile` answers
from the re module's cache of compiled patterns when the pattern and flags are there, so a
stand-in is put under each of these keys; it compiles the real pattern the first time anything
asks it for a method (`match`, `search`, ...) and then hands everything to it.

Modules. reportlab imports Pillow's Image module (for pictures) and uharfbuzz (for shaping
Arabic, Hebrew, Devanagari and Thai) whenever it is imported, about 5% of a cold build; most
booklets have neither a picture nor such text. Each is put in `sys.modules` as a module whose
code runs the first time one of its names is asked for (an `import` statement alone does not
ask). The standard library's `importlib.util.LazyLoader` does the same, but an `import` of the
module elsewhere (as in reportlab) loads it at once in Python 3.11.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import threading
import types

MODULES = ("PIL.Image", "uharfbuzz")

# Each pattern exactly as the library's source spells it, with its flags.
DEFERRED = (
    # reportlab 5.1, reportlab/platypus/paragraph.py: uri_pat
    ('(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)'
     '(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9]'
     '(?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}'
     '(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))'
     '(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z', re.IGNORECASE),
    # reportlab 5.1, reportlab/lib/textsplit.py: rx
    ("([\u2e80-\uffff])", re.UNICODE),
    # PyYAML 6, yaml/reader.py: Reader.NON_PRINTABLE
    ('[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]', 0),
)


_CACHES = ("_cache", "_cache2")    # re's caches: Python 3.12 added a second, in front


class DeferredPattern:
    """A compiled pattern that is compiled when first used."""

    __slots__ = ("_key", "_compiled")

    def __init__(self, key: tuple):
        self._key = key
        self._compiled = None

    def compiled(self) -> re.Pattern:
        # Two threads may both compile it the first time: the same pattern, one kept.
        if self._compiled is None:
            for name in _CACHES:                 # out of re's caches, so that re.compile
                cache = getattr(re, name, None)  # compiles it (and caches the real one)
                if isinstance(cache, dict) and cache.get(self._key) is self:
                    cache.pop(self._key, None)
            self._compiled = re.compile(*self._key[1:])
        return self._compiled

    def __getattr__(self, name):
        return getattr(self.compiled(), name)

    def __reduce__(self):
        return re.compile, self._key[1:]

    def __repr__(self) -> str:
        return f"DeferredPattern({self._key[1]!r})"


class LoadedOnUse(types.ModuleType):
    """A module whose code has not run yet: it runs when a name not set yet is asked for."""

    def __getattr__(self, name):
        with _LOADING:                       # one thread runs it; another one waits for it
            spec = _PENDING.pop(self.__name__, None)
            if spec is not None:
                try:
                    spec.loader.exec_module(self)
                except BaseException:           # as a failed import: gone from sys.modules,
                    if sys.modules.get(self.__name__) is self:   # so the next import
                        del sys.modules[self.__name__]           # tries again
                    raise
                self.__class__ = types.ModuleType
        return types.ModuleType.__getattribute__(self, name)


_PENDING: dict[str, importlib.machinery.ModuleSpec] = {}    # module name -> its spec, not run
_LOADING = threading.RLock()   # reentrant: the module's own code may import it while it runs


def _defer_module(name: str) -> None:
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)    # imports the parent package, if any
    except ImportError:
        return
    if spec is None or not hasattr(spec.loader, "exec_module") or name in sys.modules:
        return                              # not installed (the importer finds that out),
                                            # or imported by its parent package
    module = importlib.util.module_from_spec(spec)
    module.__class__ = LoadedOnUse
    _PENDING[name] = spec
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def defer() -> None:
    """Put a stand-in under each pattern's key in re's cache (where that cache is a dict, as
    from Python 3.7 on) unless the pattern is compiled already, and each of MODULES in
    sys.modules unless it is imported already."""
    for name in MODULES:
        _defer_module(name)
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return
    for pattern, flags in DEFERRED:
        key = (str, pattern, int(flags))
        cache.setdefault(key, DeferredPattern(key))
