"""Brands: load a style file, check its colours, and derive the type scale from it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .content import read_yaml, shown
from .errors import InputError
from .validate import Choice, Field, Invalid, Number, Record, Text, Url

LARGE_PRINT_SIZES = (18, 20, 24)   # body sizes a style may choose; 18 pt is the floor
MIN_MARGIN_IN = 0.75
MIN_TEXT_CONTRAST = 7.0            # WCAG 2.1 AAA for body text; we hold all text to it
PAPERS = ("letter", "a4")

_color = Text(description='a colour like "#1b1b1b"', one_line=True,
              pattern=r"^#[0-9a-fA-F]{6}$", pattern_hint='write a colour as "#rrggbb"')

STYLE = Record(description="a clinic brand", fields={
    "name": Field(Text(description="the style's name", one_line=True)),
    "clinic": Field(Text(description="the clinic name, printed on the cover and back page",
                         one_line=True, max_length=80)),
    "colors": Field(Record(fields={
        "text": Field(_color), "background": Field(_color),
        "primary": Field(_color), "accent": Field(_color), "warning": Field(_color),
    }, build=lambda **f: m.Colors(**f), description="text, background, primary (headings), "
                                                     "accent (box fill), warning (warning box)")),
    "font": Field(Text(description="a font family installed from a fontpkg package",
                       one_line=True), required=False),
    "base_size": Field(Number(description="body text size in points",
                              choices=LARGE_PRINT_SIZES), required=False),
    "paper": Field(Choice(PAPERS, description="letter or a4"), required=False),
    "margin_in": Field(Number(description="page margin in inches", minimum=MIN_MARGIN_IN,
                              maximum=1.5), required=False),
    "contacts": Field(Record(fields={
        "phone": Field(Text(one_line=True), required=False),
        "hours": Field(Text(one_line=True), required=False),
        "address": Field(Text(), required=False),
        "website": Field(Url(), required=False),
    }, build=lambda **f: m.Contacts(**f)), required=False),
    "helpline": Field(Text(description="a helpline line printed on the back page"),
                      required=False),
    "disclaimer": Field(Text(description="replaces the content's disclaimer"), required=False),
})


def load_style(path: Path) -> m.Style:
    """Read and check one style file, including its colour contrast."""
    path = Path(path)
    if not path.is_file():
        raise InputError([f"{shown(path)}: style file not found."
                          " Fix: pass --style with a YAML file, or a bundled style name"
                          " (see 'booklet list')."])
    try:
        raw = STYLE.check(read_yaml(path), "")
    except Invalid as error:
        raise InputError([f"{shown(path)}: {error.path or '(top level)'}: {error.message}"]) from None
    style = m.Style(
        id=path.stem, name=raw["name"], clinic=raw["clinic"], colors=raw["colors"],
        font_family=raw.get("font", "Atkinson Hyperlegible"),
        base_size=raw.get("base_size", LARGE_PRINT_SIZES[0]),
        paper=raw.get("paper", "letter"), margin_in=raw.get("margin_in", 0.85),
        contacts=raw.get("contacts", m.Contacts()), helpline=raw.get("helpline"),
        disclaimer=raw.get("disclaimer"), path=path)
    low = [f"{shown(path)}: colors: {fg} on {bg} has contrast {ratio:.1f}:1; text needs at least"
           f" {MIN_TEXT_CONTRAST:.0f}:1. Fix: darken the text colour or lighten the fill."
           for fg, bg, ratio in text_color_pairs(style) if ratio < MIN_TEXT_CONTRAST]
    if low:
        raise InputError(low)
    return style


def text_color_pairs(style: m.Style) -> list[tuple[str, str, float]]:
    """Every (text colour name, fill name, contrast ratio) the layout draws."""
    c = style.colors
    pairs = [("text", "background"), ("primary", "background"), ("text", "accent"),
             ("primary", "accent"), ("warning", "background"), ("text", "warning fill"),
             ("warning", "warning fill"), ("background", "primary")]
    value = {"text": c.text, "background": c.background, "primary": c.primary,
             "accent": c.accent, "warning": c.warning, "warning fill": warning_fill(style)}
    return [(fg, bg, contrast(value[fg], value[bg])) for fg, bg in pairs]


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
        return self.body * 2

    @property
    def cover_subtitle(self) -> float:
        return self.body + 6

    def leading_for(self, size: float) -> float:
        return round(size * 1.3 if size > self.body else size * 1.4, 1)
