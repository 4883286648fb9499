"""ToUnicode maps without U+0000 entries.

reportlab 5.1 maps the reserved codes of each TrueType subset (0, and 1-31 in the first subset)
to U+0000, which PDF/UA forbids (a screen reader would read a NUL). We never draw those codes,
so the map simply leaves them out. reportlab builds the map in a module-level function;
`installed()` replaces that one function for the length of a build (booklet.copies.Workshop).
"""
from __future__ import annotations

from contextlib import contextmanager

from reportlab.pdfbase import ttfonts

_original = ttfonts.makeToUnicodeCMap


def to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's map with the entries for unused codes (mapped to 0) removed."""
    cmap = _original(fontname, subset)
    lines = cmap.split("\n")
    kept = [line for line in lines if not (line.startswith("<") and line.endswith("> <0000>"))]
    dropped = len(lines) - len(kept)
    return "\n".join(kept).replace(f"{len(subset)} beginbfchar",
                                   f"{len(subset) - dropped} beginbfchar")


@contextmanager
def installed():
    """reportlab writes ToUnicode maps with `to_unicode_cmap` inside this block."""
    before = ttfonts.makeToUnicodeCMap
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
    try:
        yield
    finally:
        ttfonts.makeToUnicodeCMap = before
