"""Find, register and check fonts. Registration is cached: it costs milliseconds per document."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterable

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import InputError

# Characters the layout itself draws as text (bullets, separators), checked like content.
LAYOUT_CHARACTERS = "•·–—0123456789.,:;()"


@dataclass(frozen=True)
class FontSet:
    """The registered reportlab names of one family."""

    family: str
    regular: str
    bold: str

    def has(self, char: str) -> bool:
        """True when both the regular and bold faces can draw `char`."""
        return all(ord(char) in _cmap(name) for name in (self.regular, self.bold))


@lru_cache(maxsize=None)
def _cmap(font_name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def _font_file(family: str, weight: int) -> Path:
    import fontpkg  # imported here: it scans installed packages on first use

    try:
        return Path(fontpkg.path(family, weight=weight))
    except fontpkg.FontpkgError as error:
        raise InputError([f"font: '{family}' (weight {weight}) is not available: {error}."
                          f" Fix: pip install fontpkg-{fontpkg.slugify(family)}, or choose"
                          " another font in the style."]) from None


@lru_cache(maxsize=None)
def register_family(family: str) -> FontSet:
    """Register the regular and bold faces of a fontpkg family with reportlab, once."""
    base = re.sub(r"[^A-Za-z0-9]", "", family)
    names = FontSet(family, f"{base}-Regular", f"{base}-Bold")
    for name, weight in ((names.regular, 400), (names.bold, 700)):
        pdfmetrics.registerFont(TTFont(name, str(_font_file(family, weight))))
    # <b> in paragraphs picks the bold face; italics map to upright on purpose (no italic body).
    for bold, italic, face in ((0, 0, names.regular), (1, 0, names.bold),
                               (0, 1, names.regular), (1, 1, names.bold)):
        addMapping(names.regular, bold, italic, face)
    return names


def check_glyphs(fonts: FontSet, texts: Iterable[tuple[str, str]]) -> None:
    """Stop before drawing if any character to be printed is missing from the font."""
    for where, text in texts:
        for char in text:
            if char.isspace() or fonts.has(char):
                continue
            raise InputError([f"{where}: the character '{char}' (U+{ord(char):04X}) is not in the"
                              f" font {fonts.family}. Fix: replace it, or choose a font that has"
                              " it in the style."])
