"""Find, register and check fonts.

Fonts are registered with reportlab's font registry, which is per process; so are the facts
kept here about the installed font files (which characters each face has). They depend on
no document. What is reused across documents lives on booklet.copies.Workshop.

A style's font may lack characters (Atkinson Hyperlegible has no Vietnamese ễ or ị). Such
characters print in the fallback families: Noto Sans, then (registered only when text needs
them) Noto Sans Arabic, Heebo (Hebrew), Noto Sans Devanagari and Thai, then Noto Sans CJK
made into TrueType a block at a time (booklet.cjk); both in paragraphs (`with_fallback`) and
in text drawn straight on the canvas (`draw_text`); one that no font has stops the build.
Arabic, Hebrew, Devanagari and Thai text is shaped, in paragraphs only (booklet.scripts).
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import re
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from collections.abc import Iterable

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from . import cjk, scripts
from . import model as m
from .errors import InputError
from .yamlfile import shown

# Characters the layout itself draws as text (bullets, separators), checked like content.
LAYOUT_CHARACTERS = "•·–—0123456789.,:;()"
FALLBACK_FAMILY = "Noto Sans"  # fontpkg-noto-sans: Latin (with Vietnamese), Greek, Cyrillic
# After Noto Sans, for the scripts it lacks (fontpkg-noto-sans-arabic, ...): each registered
# on first need, so Latin-only documents never load them.
SCRIPT_FAMILIES = ("Noto Sans Arabic", "Heebo", "Noto Sans Devanagari", "Noto Sans Thai")

_TAG = re.compile(r"(<[^>]*>)")
_SPACE = re.compile(r"(\s+)")
_TOKEN = re.compile(r"&#?\w+;|.", re.DOTALL)


@dataclass(frozen=True)
class FontSet:
    """The registered reportlab names of one family, and the family that fills its gaps."""

    family: str
    regular: str
    bold: str
    fallback: "FontSet | None" = None

    def has(self, char: str) -> bool:
        """True when both the regular and bold faces can draw `char`."""
        return ord(char) in _shared_cmap(self.regular, self.bold)

    def has_all(self, text: str) -> bool:
        """True when both faces can draw every character of `text`."""
        return _shared_cmap(self.regular, self.bold).issuperset(map(ord, text))

    def chain(self, text: str = "") -> tuple["FontSet", ...]:
        """This family and its fallbacks, in order; with the script families when `text`
        has a character the others lack (they are registered then)."""
        chain, fonts = [], self
        while fonts is not None:
            chain.append(fonts)
            fonts = fonts.fallback
        if text and not all(any(f.has(c) for f in chain) for c in text):
            chain.extend(f for f in script_fallbacks() if f not in chain)
            chain.extend(cjk_fallbacks(text))
        return tuple(chain)

    def family_for(self, text: str) -> "FontSet | None":
        """The first family of the chain that draws all of `text`."""
        return next((f for f in self.chain(text) if f.has_all(text)), None)

    def covers(self, char: str) -> bool:
        """True when this family or one of its fallbacks can draw `char`."""
        return self.has(char) or any(f.has(char) for f in self.chain(char))

    def with_fallback(self, markup: str) -> str:
        """Paragraph markup in which words the family cannot draw use a fallback face, and
        text in a script that needs shaping is marked up for it (booklet.scripts)."""
        if markup.isascii() and _has_ascii(self.regular, self.bold):
            return markup
        parts = _TAG.split(markup)  # text at even indices, tags at odd ones
        for i in range(0, len(parts), 2):
            if scripts.COMPLEX.search(parts[i]):
                parts[i] = self._shaped(parts[i])
            elif self.fallback is not None:
                parts[i] = "".join(self._word(w) for w in _SPACE.split(parts[i]))
        return "".join(parts)

    def _word(self, word: str) -> str:
        """One word of markup text: whole in the first family that has all of it, so a word
        keeps one typeface; character by character only when no family has all of it."""
        text = html.unescape(word)
        if all(self.has(c) for c in text):
            return word
        family = self.family_for(text)
        if family is not None:
            return f'<font face="{family.regular}">{word}</font>'
        faces = [(f.regular if f is not self else None) for f in self.chain(text)]
        chain = self.chain(text)

        def face_of(token: str):
            char = html.unescape(token)[0]
            return next((face for face, f in zip(faces, chain) if f.has(char)), None)

        return "".join(f'<font face="{face}">{"".join(run)}</font>' if face else "".join(run)
                       for face, run in _runs(_TOKEN.findall(word), face_of))

    def _shaped(self, part: str) -> str:
        """Markup text with Arabic, Hebrew, Devanagari or Thai: each such word (a right-to-left run:
        one word) in one font, marked up for shaping; the rest as `_word` does it."""
        out: list[str] = []
        for kind, text in scripts.units(html.unescape(part)):
            if kind == "text":
                escaped = html.escape(text, quote=False)
                out.append(escaped if self.fallback is None else
                           "".join(self._word(w) for w in _SPACE.split(escaped)))
                continue
            drawn = scripts.rtl_drawn(text) if kind == "rtl" else text
            family = self.family_for(drawn)
            if family is None:      # check_glyphs stops such text before layout
                raise InputError([f"'{text}': no font has all of it. Fix: check the text."])
            start, body, end = scripts.shaped_markup(
                text, drawn, None if family is self else family.regular)
            out += [start, body, end]
        return "".join(out)

    def text_runs(self, text: str, font: str) -> list[tuple[str, str]]:
        """(font name, text) runs for drawing `text` in `font` straight on a canvas."""
        if self.fallback is None or (text.isascii() and _has_ascii(self.regular, self.bold)):
            return [(font, text)]
        if scripts.COMPLEX.search(text):
            raise InputError([f"'{text}': Arabic, Hebrew, Devanagari and Thai text is printed in"
                              " paragraphs only, not in the footer yet. Fix: write this text"
                              " in another script."])
        chain = self.chain(text)

        def face_of(char: str) -> str:
            if self.has(char):
                return font
            return next((f.regular for f in chain[1:] if f.has(char)), font)

        return [(face, "".join(run)) for face, run in _runs(text, face_of)]


_PRINTABLE_ASCII = frozenset(range(32, 127))


@lru_cache(maxsize=None)
def _has_ascii(regular: str, bold: str) -> bool:
    """True when both faces draw every printable ASCII character (the fast path)."""
    return _PRINTABLE_ASCII <= _shared_cmap(regular, bold)


def _runs(items, key):
    """Group consecutive items with the same `key(item)`: [(key, [items...]), ...]."""
    out: list[tuple[object, list]] = []
    for item in items:
        value = key(item)
        if out and out[-1][0] == value:
            out[-1][1].append(item)
        else:
            out.append((value, [item]))
    return out


def draw_text(canv, fonts: FontSet, x: float, y: float, text: str, font: str, size: float,
              align: str = "left") -> None:
    """Draw one line on the canvas, switching to the fallback face where the font lacks a
    character (footers are drawn this way, outside any paragraph)."""
    runs = fonts.text_runs(text, font)
    if align == "right":
        x -= text_width(fonts, text, font, size)
    for face, part in runs:
        canv.setFont(face, size)
        canv.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, face, size)


def text_width(fonts: FontSet, text: str, font: str, size: float) -> float:
    """The width of one line drawn by draw_text."""
    return sum(pdfmetrics.stringWidth(part, face, size)
               for face, part in fonts.text_runs(text, font))


class TrueTypeFont(TTFont):
    """reportlab's TTFont, with a shortcut through `splitString` (the text of every line drawn
    goes through it) for the usual case: every character already has its code in the
    document's first subset, as nearly every line has after a booklet's first pages. The
    result is what reportlab's loop over the characters gives; anything else takes that loop."""

    def splitString(self, text, doc, encoding="utf-8"):
        state = self.state.get(doc)
        if state is not None and isinstance(text, str) and text:
            text = text.replace("\xa0", " ")    # reportlab draws a no-break space as a space
            codes = state.assignments
            if all(map(codes.__contains__, map(ord, text))):
                try:
                    return [(0, text.translate(codes).encode("latin-1"))]
                except UnicodeEncodeError:       # a code past 255: in a later subset
                    pass
        return super().splitString(text, doc, encoding)


@lru_cache(maxsize=None)
def _cmap(font_name: str) -> frozenset[int]:
    with _REGISTERING:
        path = _UNREGISTERED.pop(font_name, None)
        if path is not None:
            pdfmetrics.registerFont(TrueTypeFont(font_name, path))
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


@lru_cache(maxsize=None)
def widest_glyph(font_name: str) -> float:
    """The widest advance of any glyph of a registered font, in thousandths of its size (as
    reportlab measures a string: a character the font lacks counts its default width)."""
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    if face is not None and hasattr(face, "charWidths"):
        return max([*face.charWidths.values(), face.defaultWidth])
    return max(getattr(font, "widths", None) or [float("inf")])


# The fallback font is read (8 ms) only when a character the main font lacks is looked up in
# it, which an English booklet never does; text names a face only after that lookup.
_UNREGISTERED: dict[str, str] = {}      # font name -> file, not read yet
_REGISTERING = threading.Lock()


def font_path(family: str, weight: int) -> Path:
    """The file of a fontpkg family at `weight`; fontpkg.FontpkgError when it is not installed.

    fontpkg finds a family by loading every installed font package (about 10 ms a process).
    A fontpkg-* package's module is named after its family (fontpkg_atkinson_hyperlegible),
    so that one is read first, with fontpkg's own functions; fontpkg's search is the fallback.
    """
    import fontpkg  # imported here: a command that prints nothing needs no fonts

    slug = fontpkg.slugify(family)
    try:
        root = resources.files(f"fontpkg_{slug.replace('-', '_')}")
        found = fontpkg.family_from_metadata(
            json.loads((root / "metadata.json").read_text(encoding="utf-8")), root)
    except (ImportError, OSError, ValueError, KeyError, TypeError, AttributeError):
        found = None   # not a fontpkg family package: fontpkg's search decides
    if found is None or found.slug != slug:
        return Path(fontpkg.path(family, weight=weight))
    return Path(fontpkg.select_file(found, fontpkg.normalize_weight(weight), "normal").path)


def _font_file(family: str, weight: int) -> Path:
    import fontpkg

    try:
        return font_path(family, weight)
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
        pdfmetrics.registerFont(TrueTypeFont(name, str(_font_file(family, weight))))
    _map_faces(names)
    return replace(names, fallback=register_fallback() if family != FALLBACK_FAMILY else None)


def register_files(regular: Path, bold: Path, where: str) -> FontSet:
    """Register a style's own TrueType files (regular, bold) with reportlab, once each."""
    names = []
    for path, face in ((regular, "regular"), (bold, "bold")):
        try:
            names.append(_register_file(path))
        except (TTFError, OSError) as error:
            raise InputError([f"{where}.{face}: '{path.name}' cannot be used as a font"
                              f" ({error}). Fix: use a TrueType (.ttf) file with"
                              " TrueType outlines, or a fontpkg family name."]) from None
    fonts = FontSet(regular.stem, *names)
    _map_faces(fonts)
    return replace(fonts, fallback=register_fallback())


@lru_cache(maxsize=None)
def _register_file(path: Path) -> str:
    tag = hashlib.sha1(str(path).encode()).hexdigest()[:6]  # keeps same-named files apart
    name = f"{re.sub(r'[^A-Za-z0-9-]', '', path.stem)}-{tag}"
    pdfmetrics.registerFont(TrueTypeFont(name, str(path)))
    return name


@lru_cache(maxsize=None)
def register_fallback() -> FontSet | None:
    """Noto Sans, registered once (and read on first need): its variable font's default
    instance for both faces.

    None when fontpkg-noto-sans is not installed (then only the main font is used).
    """
    import fontpkg

    try:
        path = font_path(FALLBACK_FAMILY, 400)
    except fontpkg.FontpkgError:
        return None
    name = "NotoSans-Fallback"
    _UNREGISTERED[name] = str(path)
    fonts = FontSet(FALLBACK_FAMILY, name, name)
    _map_faces(fonts)
    return fonts


@lru_cache(maxsize=None)
def script_fallbacks() -> tuple[FontSet, ...]:
    """Noto Sans Arabic, Heebo, Noto Sans Devanagari and Thai (those installed), registered once, on first
    need: each variable font's default instance for both faces."""
    import fontpkg

    out = []
    for family in SCRIPT_FAMILIES:
        try:
            path = font_path(family, 400)
        except fontpkg.FontpkgError:
            continue
        name = re.sub(r"[^A-Za-z0-9]", "", family) + "-Fallback"
        pdfmetrics.registerFont(TrueTypeFont(name, str(path)))
        fonts = FontSet(family, name, name)
        _map_faces(fonts)
        out.append(fonts)
    return tuple(out)


def cjk_fallbacks(text: str) -> tuple[FontSet, ...]:
    """Noto Sans CJK for the blocks of the Chinese, Japanese and Korean characters of `text`
    (booklet.cjk), each registered on first need."""
    return tuple(f for f in map(_cjk_block, cjk.blocks(text)) if f is not None)


@lru_cache(maxsize=None)
def _cjk_block(block: int) -> FontSet | None:
    regular = cjk.block_font("regular", block)
    if regular is None:
        return None
    bold = cjk.block_font("bold", block) or regular
    fonts = FontSet("Noto Sans CJK JP", f"NotoSansCJKjp-{block:04X}-Regular",
                    f"NotoSansCJKjp-{block:04X}-Bold")
    for name, data in ((fonts.regular, regular), (fonts.bold, bold)):
        pdfmetrics.registerFont(TrueTypeFont(name, io.BytesIO(data)))
    _map_faces(fonts)
    return fonts


def _map_faces(names: FontSet) -> None:
    # <b> in paragraphs picks the bold face; italics map to upright on purpose (no italic body).
    for bold, italic, face in ((0, 0, names.regular), (1, 0, names.bold),
                               (0, 1, names.regular), (1, 1, names.bold)):
        addMapping(names.regular, bold, italic, face)


def fonts_for(style: m.Style) -> FontSet:
    """The registered fonts of a style: its own files or fontpkg family, plus the fallback."""
    if style.font_files:
        fonts = register_files(*style.font_files, f"{shown(style.path)}: font")
    else:
        fonts = register_family(style.font_family)
    if style.body_weight == "bold":  # bold-leaning styles set body text in the bold face
        fonts = replace(fonts, regular=fonts.bold)
    return fonts


@lru_cache(maxsize=None)
def _shared_cmap(regular: str, bold: str) -> frozenset[int]:
    return _cmap(regular) & _cmap(bold)


@lru_cache(maxsize=4096)
def _uncovered(fonts: FontSet, text: str) -> str:
    """The characters of `text` no family of the chain can draw (cached: a batch checks the
    same content text for every copy)."""
    own = _shared_cmap(fonts.regular, fonts.bold)
    return "".join(
        c for c in text if ord(c) not in own and not (c.isspace() or fonts.covers(c))
    )


@lru_cache(maxsize=4096)
def _unshapeable(fonts: FontSet, text: str) -> str:
    """A word (or right-to-left run) of text to be shaped that no single family of the chain
    has all of, or ""."""
    for kind, unit in scripts.units(text):
        if kind != "text" and fonts.family_for(
                scripts.rtl_drawn(unit) if kind == "rtl" else unit) is None:
            return unit
    return ""


def check_glyphs(fonts: FontSet, texts: Iterable[tuple[str, str]]) -> None:
    """Stop before drawing if a character to be printed is in no font of the chain."""
    for where, text in texts:
        for char in _uncovered(fonts, text)[:1]:
            also = f" or {fonts.fallback.family}" if fonts.fallback else ""
            raise InputError([f"{where}: the character '{char}' (U+{ord(char):04X}) is not in the"
                              f" font {fonts.family}{also}. Fix: replace it, or choose a font"
                              " that has it in the style."])
        unit = _unshapeable(fonts, text) if scripts.COMPLEX.search(text) else ""
        if unit:
            raise InputError([f"{where}: '{unit}' mixes characters no one font has all of"
                              " (a word in Arabic, Hebrew, Devanagari or Thai is drawn in one font)."
                              " Fix: put a space between the scripts."])
