"""Brands: load a style file, check its colours, and derive the type scale from it."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from . import model as m
from .errors import InputError
from .language import LANGUAGE_TAG, language_code
from .specs import Choice, Field, Invalid, Number, Record, Spec, Text, Url, describe, join
from .yamlfile import read_yaml, shown

LARGE_PRINT_SIZES = (18, 20, 24)   # body sizes a style may choose; 18 pt is the floor
STANDARD_PRINT_SIZES = (14, 16)    # allowed only with --standard-print
MIN_MARGIN_IN = 0.75
MIN_TEXT_CONTRAST = 7.0            # WCAG 2.1 AAA for body text; we hold all text to it
MIN_HEADING_ON_FILL_CONTRAST = 4.5  # WCAG 2.1 AAA for large text: headings on a colour fill
from .choices import PAPERS
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".svg")

_color = Text(description='a colour like "#1b1b1b"', one_line=True,
              pattern=r"^#[0-9a-fA-F]{6}$", pattern_hint='write a colour as "#rrggbb"')

class _BaseSize(Number):
    """A body size: large print, or standard print sizes that load_style refuses by default."""

    def check(self, value, path):
        if value in STANDARD_PRINT_SIZES:
            return value
        try:
            return super().check(value, path)
        except Invalid as error:
            raise Invalid(path, error.message.rstrip(".") + " (14 or 16 only with"
                          " --standard-print).") from None

    def schema(self):
        return self._with_description({"type": "number",
                                       "enum": [*STANDARD_PRINT_SIZES, *LARGE_PRINT_SIZES]})


class _Font(Spec):
    """A fontpkg family name, or {regular: file.ttf, bold: file.ttf} next to the style file."""

    description = ("a font family installed from a fontpkg package, or TrueType files:"
                   " {regular: file.ttf, bold: file.ttf}")
    files = Record(fields={"regular": Field(Text(one_line=True)),
                           "bold": Field(Text(one_line=True))})

    def check(self, value, path):
        if isinstance(value, dict):
            return self.files.check(value, path)
        if isinstance(value, str):
            return Text(one_line=True).check(value, path)
        raise Invalid(path, f"expected a font family name or {{regular: file.ttf, bold:"
                            f" file.ttf}}, got {describe(value)}. Fix: write e.g."
                            " 'font: Atkinson Hyperlegible'.")

    def schema(self):
        return self._with_description({"anyOf": [{"type": "string", "minLength": 1},
                                                 self.files.schema()]})


@dataclass
class _Wording(Spec):
    """Words the page prints: one text, or one per language like {en: ..., es: ...}."""

    text: Text
    description: str = ""

    def check(self, value, path):
        if not isinstance(value, dict):
            return self.text.check(value, path)
        if not value:
            raise Invalid(path, "is empty. Fix: write the text, or en: and es: lines.")
        for code in value:
            if not isinstance(code, str) or not re.match(LANGUAGE_TAG, code) \
                    or language_code(code) != code:
                raise Invalid(join(path, str(code)), f"'{code}' is not a language code."
                              " Fix: use the code of a content folder, like en or es.")
        return m.Wording(tuple((code, self.text.check(text, join(path, code)))
                               for code, text in value.items()))

    def schema(self):
        per_language = {"type": "object", "minProperties": 1,
                        "propertyNames": {"pattern": "^[a-z]{2,3}$"},
                        "additionalProperties": self.text.schema()}
        return self._with_description({"anyOf": [self.text.schema(), per_language]})


STYLE = Record(description="a clinic brand", fields={
    "name": Field(Text(description="the style's name", one_line=True)),
    "clinic": Field(_Wording(Text(one_line=True, max_length=80), description="the clinic"
                             " name, printed on the cover and back page")),
    "colors": Field(Record(fields={
        "text": Field(_color), "background": Field(_color),
        "primary": Field(_color), "accent": Field(_color), "warning": Field(_color),
    }, build=lambda **f: m.Colors(**f), description="text, background, primary (headings), "
                                                     "accent (box fill), warning (warning box)")),
    "logo": Field(Record(fields={
        "file": Field(Text(description="a PNG, JPEG or SVG file, relative to the style file",
                           one_line=True)),
        "alt": Field(_Wording(Text(), description="what the logo is, for people who cannot"
                                                  " see it: short, like 'Tallpine Oncology"
                                                  " logo' (it is read before the title)")),
    }, description="the clinic's logo, on the cover and back page"), required=False),
    "font": Field(_Font(), required=False),
    "body_weight": Field(Choice(("regular", "bold"), description="regular, or bold to set"
                                " body text in the bold face"), required=False),
    "base_size": Field(_BaseSize(description="body text size in points",
                                 choices=LARGE_PRINT_SIZES), required=False),
    "paper": Field(Choice(PAPERS, description="letter or a4"), required=False),
    "margin_in": Field(Number(description="page margin in inches", minimum=MIN_MARGIN_IN,
                              maximum=1.5), required=False),
    "contacts": Field(Record(fields={
        "phone": Field(Text(one_line=True), required=False),
        "hours": Field(_Wording(Text(one_line=True)), required=False),
        "address": Field(_Wording(Text()), required=False),
        "website": Field(Url(), required=False),
    }, build=lambda **f: m.Contacts(**f)), required=False),
    "helpline": Field(_Wording(Text(), description="a helpline line printed on the back"
                                                   " page"), required=False),
    "disclaimer": Field(_Wording(Text(), description="replaces the content's disclaimer"),
                        required=False),
    "qr": Field(Url(description="a web address printed as a QR code on the back page, with"
                                " the address written out beside it"), required=False),
})


def load_style(path: Path, standard_print: bool = False) -> m.Style:
    """Read and check one style file: fields, logo and font files, size, colour contrast.

    `standard_print` allows body sizes 14 and 16 (for a standard-print copy); without it a
    style below 18 pt is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([f"{shown(path)}: style file not found."
                          " Fix: pass --style with a YAML file, or a bundled style name"
                          " (see 'booklet list')."])
    try:
        raw = STYLE.check(read_yaml(path), "")
    except Invalid as error:
        raise InputError([f"{shown(path)}: {error.path or '(top level)'}: {error.message}"]) from None
    base_size = raw.get("base_size", LARGE_PRINT_SIZES[0])
    if base_size < LARGE_PRINT_SIZES[0] and not standard_print:
        raise InputError([f"{shown(path)}: base_size: {base_size} pt is below large print"
                          f" ({LARGE_PRINT_SIZES[0]} pt). Fix: use 18, 20 or 24, or build a"
                          " standard-print copy with --standard-print."])
    font = raw.get("font", "Atkinson Hyperlegible")
    font_files = None
    if isinstance(font, dict):
        font_files = tuple(_style_file(path, f"font.{face}", font[face], (".ttf",),
                                       "a TrueType (.ttf) font") for face in ("regular", "bold"))
        font = font_files[0].stem
    logo = None
    if "logo" in raw:
        logo_path = _style_file(path, "logo.file", raw["logo"]["file"], LOGO_TYPES,
                                "a PNG, JPEG or SVG picture")
        picture = _read_picture(path, raw["logo"]["file"], logo_path)
        logo = m.Logo(raw["logo"]["file"], raw["logo"]["alt"], logo_path, picture)
    style = m.Style(
        id=path.stem, name=raw["name"], clinic=raw["clinic"], colors=raw["colors"],
        font_family=font, base_size=base_size,
        paper=raw.get("paper", "letter"), margin_in=raw.get("margin_in", 0.85),
        contacts=raw.get("contacts", m.Contacts()), helpline=raw.get("helpline"),
        disclaimer=raw.get("disclaimer"), path=path, logo=logo, font_files=font_files,
        body_weight=raw.get("body_weight", "regular"), qr=raw.get("qr"))
    low = [f"{shown(path)}: colors: {p.fg} on {p.bg} has contrast {p.ratio:.1f}:1; {p.what}"
           f" at least {p.minimum:g}:1. Fix: darken the text colour or lighten the fill."
           for p in text_color_pairs(style) if p.ratio < p.minimum]
    if low:
        raise InputError(low)
    return style


def _style_file(style_path: Path, field: str, name: str, suffixes: tuple[str, ...],
                kind: str) -> Path:
    """A file named in a style, resolved next to it; it must exist inside the style's folder."""
    where = f"{shown(style_path)}: {field}"
    folder = style_path.parent.resolve()
    target = (folder / name).resolve()
    if not target.is_relative_to(folder):
        raise InputError([f"{where}: '{name}' is outside the style's folder. Fix: put the"
                          " file in the style file's folder (or a folder inside it)."])
    if not target.is_file():
        raise InputError([f"{where}: '{name}' not found. Fix: check the name; paths are"
                          " relative to the style file."])
    if target.suffix.lower() not in suffixes:
        raise InputError([f"{where}: '{name}' is not {kind}. Fix: use a"
                          f" {', '.join(s.lstrip('.') for s in suffixes)} file."])
    return target


def read_logo(path: Path):
    """An SVG logo as a reportlab Drawing, or a PNG/JPEG's pixel size; ValueError if unreadable.

    Read once, when the style is loaded: the Logo keeps it for every page that shows it.
    """
    if path.suffix.lower() != ".svg":
        from reportlab.lib.utils import ImageReader  # reportlab and svglib load only for a logo
        return ImageReader(str(path)).getSize()
    from svglib.svglib import svg2rlg  # only styles with an SVG logo need it

    quiet = logging.getLogger("svglib")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # svglib logs parse errors; we report them in one line
    try:
        drawing = svg2rlg(path, external_reference_root=str(path.parent))
    finally:
        quiet.setLevel(level)
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise ValueError(f"{path.name} is not an SVG picture with a width and height")
    return drawing


def _read_picture(style_path: Path, name: str, target: Path):
    """The logo must be a picture reportlab (or svglib) can read; checked before drawing."""
    try:
        return read_logo(target)
    except (OSError, ValueError, SyntaxError) as error:
        raise InputError([f"{shown(style_path)}: logo.file: '{name}' cannot be read as a"
                          f" picture ({type(error).__name__}). Fix: save it again as PNG,"
                          " JPEG or SVG."]) from None


# Names and places read the same in every language; other words need each language's text.
_NAMES = ("clinic", "contacts.address")


def style_in_language(style: m.Style, language: str) -> m.Style:
    """The style with every printed text in one language (a code like 'es'). A text the style
    gives only in another language is an error naming the field: a booklet is never mixed."""
    problems: list[str] = []

    def pick(value, field: str):
        if value is None:
            return None
        if isinstance(value, m.Wording):
            texts = dict(value.texts)
            if language in texts:
                return texts[language]
        elif field in _NAMES or language == "en":
            return value
        key = field.split(".")[-1]
        problems.append(f"{shown(style.path)}: {field}: no {language} text"
                        f". Fix: write it once per language, like '{key}: {{en: ...,"
                        f" {language}: ...}}'.")
        return None

    contacts = style.contacts
    resolved = replace(
        style, clinic=pick(style.clinic, "clinic"), helpline=pick(style.helpline, "helpline"),
        disclaimer=pick(style.disclaimer, "disclaimer"),
        contacts=replace(contacts, hours=pick(contacts.hours, "contacts.hours"),
                         address=pick(contacts.address, "contacts.address")),
        logo=style.logo and replace(style.logo, alt=pick(style.logo.alt, "logo.alt")))
    if problems:
        raise InputError(problems)
    return resolved


class ColorPair(NamedTuple):
    """One colour drawn on another, its contrast and the minimum that applies to it."""

    fg: str
    bg: str
    ratio: float
    minimum: float
    what: str  # "text needs" or "headings on a colour fill need"


def text_color_pairs(style: m.Style) -> list[ColorPair]:
    """Every text colour on every fill the layout draws it on, with the minimum it needs."""
    c = style.colors
    text, heading = (MIN_TEXT_CONTRAST, "text needs"), \
        (MIN_HEADING_ON_FILL_CONTRAST, "headings on a colour fill need")
    pairs = [("text", "background", text), ("primary", "background", text),
             ("text", "accent", text), ("text", "primary tint", text),
             ("warning", "background", text), ("text", "warning fill", text),
             ("primary", "accent", heading), ("warning", "warning fill", heading),
             ("background", "primary", heading)]
    value = {"text": c.text, "background": c.background, "primary": c.primary,
             "accent": c.accent, "warning": c.warning, "warning fill": warning_fill(style),
             "primary tint": primary_tint(style)}
    return [ColorPair(fg, bg, contrast(value[fg], value[bg]), minimum, what)
            for fg, bg, (minimum, what) in pairs]


def primary_tint(style: m.Style) -> str:
    """The table header fill: the primary colour mixed 10% into the page background."""
    return mix(style.colors.primary, style.colors.background, 0.10)


def warning_fill(style: m.Style) -> str:
    """The warning box fill: the warning colour mixed 8% into the page background."""
    return mix(style.colors.warning, style.colors.background, 0.08)


def mix(color: str, onto: str, amount: float) -> str:
    """Blend `amount` of `color` over `onto` (both #rrggbb)."""
    a, b = _rgb(color), _rgb(onto)
    return "#" + "".join(f"{round(x * amount + y * (1 - amount)):02x}" for x, y in zip(a, b))


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(color: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two colours, from 1 to 21."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@dataclass(frozen=True)
class TypeScale:
    """Every text size and spacing the layout uses, derived from the body size."""

    body: float

    @property
    def leading(self) -> float:
        return round(self.body * 1.4, 1)

    @property
    def h1(self) -> float:
        return self.body + 10

    @property
    def h2(self) -> float:
        return self.body + 4

    @property
    def h3(self) -> float:
        return self.body + 2

    @property
    def cover_title(self) -> float:
        """Twice 18 pt: at larger body sizes a longer title would crowd the cover."""
        return max(self.body * 1.5, 36)

    @property
    def cover_subtitle(self) -> float:
        return self.body + 6

    def leading_for(self, size: float) -> float:
        return round(size * 1.3 if size > self.body else size * 1.4, 1)
