"""Regular expressions that libraries compile when imported, compiled here on first use.

Three patterns that reportlab and PyYAML compile at import cost a cold `booklet build` about
0.035 s, an eighth of its instructions: Python's compiler expands each character range over
most of Unicode one character at a time, and for reportlab's URL pattern (case-insensitive)
also finds each one's lower case. A booklet build seldom matches them: the URL pattern only
when a paragraph style asks reportlab to hyphenate (booklet's do not), the CJK one only in
reportlab's own CJK wrapping, and PyYAML's only in its pure-Python reader (booklet reads with
libyaml).

`re.compile` answers from the re module's cache of compiled patterns when the pattern and flags
are there. `defer()`, run when booklet is imported, puts a stand-in under each of these three
keys; the stand-in compiles the real pattern the first time anything asks it for a method
(`match`, `search`, ...) and then hands everything to it, so what a library matches is the same.
When a library's pattern differs from the one here (another version), or the library was
imported before booklet, it is compiled as usual: slower, never wrong.
"""
from __future__ import annotations

import re

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


class DeferredPattern:
    """A compiled pattern that is compiled when first used."""

    __slots__ = ("_key", "_compiled")

    def __init__(self, key: tuple):
        self._key = key
        self._compiled = None

    def compiled(self) -> re.Pattern:
        # Two threads may both compile it the first time: the same pattern, one kept.
        if self._compiled is None:
            if re._cache.get(self._key) is self:          # so that re.compile compiles it
                re._cache.pop(self._key, None)
            self._compiled = re.compile(*self._key[1:])
        return self._compiled

    def __getattr__(self, name):
        return getattr(self.compiled(), name)

    def __reduce__(self):
        return re.compile, self._key[1:]

    def __repr__(self) -> str:
        return f"DeferredPattern({self._key[1]!r})"


def defer() -> None:
    """Put a stand-in under each pattern's key in re's cache (where that cache is a dict, as
    from Python 3.7 on) unless the pattern is compiled already."""
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return
    for pattern, flags in DEFERRED:
        key = (str, pattern, int(flags))
        cache.setdefault(key, DeferredPattern(key))
