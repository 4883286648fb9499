"""Paragraph styles, colours and page geometry for one document, derived from its Style."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from html import escape as html_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch

from .. import model as m
from ..style import TypeScale, primary_tint, warning_fill
from ..fonts import FontSet, fonts_for

PAPER_SIZES = {"letter": LETTER, "a4": A4}
HYPHENATION = {"en": "en_US", "es": "es"}   # pyphen dictionaries, for words wider than a line
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def markup(text: str, fonts: FontSet | None = None) -> str:
    """Plain content text -> reportlab paragraph markup: escape everything, then **bold**;
    with `fonts`, words the font lacks characters for are set in its fallback face."""
    made = _BOLD.sub(r"<b>\1</b>", html_escape(text, quote=False).replace('"', "&quot;"))
    return fonts.with_fallback(made) if fonts else made


@dataclass
class Theme:
    """Everything the layout needs to know about how things look."""

    style: m.Style
    paper: str
    fonts: FontSet
    scale: TypeScale
    language: str = "en-US"   # the text's language: how a word too long for a line splits
    # Parsed and broken paragraphs kept across documents (booklet.copies.Workshop), or None:
    # every paragraph style carries it, so the paragraphs set in them can use it.
    paragraphs: object = None
    _styles: dict = field(default_factory=dict, repr=False)
    _colors: dict = field(default_factory=dict, repr=False)
    qr_codes: dict = field(default_factory=dict, repr=False)   # address -> its QR modules

    @classmethod
    def of(cls, plan: m.DocumentPlan, paragraphs=None) -> "Theme":
        """The theme for a plan's style, paper and language."""
        return cls(plan.style, plan.paper, fonts_for(plan.style),
                   TypeScale(plan.style.base_size), plan.info.language, paragraphs)

    # --- geometry -------------------------------------------------------------------------
    @property
    def page_size(self) -> tuple[float, float]:
        return PAPER_SIZES[self.paper]

    @property
    def margin(self) -> float:
        return self.style.margin_in * inch

    @property
    def footer_height(self) -> float:
        """Two footer lines plus the rule above them and a gap."""
        return 2 * self.scale.leading + 14

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - 2 * self.margin

    # --- colours --------------------------------------------------------------------------
    def color(self, name: str) -> colors.Color:
        """The style's colour `name` (or a mix of them), made once per theme."""
        if name not in self._colors:
            value = {"warning fill": warning_fill, "primary tint": primary_tint}.get(name)
            self._colors[name] = colors.HexColor(
                value(self.style) if value else getattr(self.style.colors, name))
        return self._colors[name]

    @property
    def bold_body(self) -> bool:
        """Body text set in the bold face (the high-contrast style): bold marks nothing."""
        return self.style.body_weight == "bold"

    def term_markup(self, text: str) -> str:
        """A glossary term, escaped: bold, and a size up where the body is bold too."""
        if self.bold_body:
            return f'<b><font size="{self.scale.h3:g}">{text}</font></b>'
        return f"<b>{text}</b>"

    # --- paragraph styles -----------------------------------------------------------------
    def share_styles(self, other: "Theme") -> None:
        """Use `other`'s paragraph styles and colours from now on: a theme of the same style
        and language on another paper (the styles depend on neither the paper nor the page
        size)."""
        assert (other.style, other.language, other.paragraphs) == (
            self.style, self.language, self.paragraphs)
        self._styles, self._colors = other._styles, other._colors

    def paragraph(self, name: str) -> ParagraphStyle:
        """A named paragraph style: body, h1, h2, h3, item, cover_title, ..."""
        if name not in self._styles:
            self._styles[name] = self._make_paragraph_style(name)
        return self._styles[name]

    def indented(self, name: str, first_line_indent: float) -> ParagraphStyle:
        """The named paragraph style with its first line starting `first_line_indent` in
        (after a run-in label); one style object per indent, so parsed text is reused."""
        key = (name, round(first_line_indent, 2))
        if key not in self._styles:
            style = copy.copy(self.paragraph(name))
            style.name, style.firstLineIndent = f"{name}-indented", key[1]
            self._styles[key] = style
        return self._styles[key]

    def _make_paragraph_style(self, name: str) -> ParagraphStyle:
        s, body = self.scale, self.scale.body
        text, primary = self.color("text"), self.color("primary")
        base = dict(fontName=self.fonts.regular, fontSize=body, leading=s.leading,
                    textColor=text, alignment=TA_LEFT, allowOrphans=0, allowWidows=0,
                    spaceAfter=body * 0.6, splitLongWords=1, bulletFontName=self.fonts.regular,
                    bulletFontSize=body, hyphenationLang="", embeddedHyphenation=0,
                    uriWasteReduce=0, long_word_hyphens=HYPHENATION.get(
                        self.language.split("-")[0], ""), paragraph_memo=self.paragraphs)
        bold = dict(fontName=self.fonts.bold)
        # Where body text is bold already, labels (box titles, table headers) are a size up:
        # bold alone would not set them apart.
        label = dict(bold, fontSize=s.h3, leading=s.leading_for(s.h3)) if self.bold_body \
            else bold

        def heading(size, before, after, color=primary):
            return dict(bold, fontSize=size, leading=s.leading_for(size), textColor=color,
                        keepWithNext=1, spaceBefore=before, spaceAfter=after)

        styles = {
            "body": {},
            "h1": heading(s.h1, 0, body * 0.8),
            "h1_part": heading(s.h1, body * 1.5, body * 0.8),
            "h2": heading(s.h2, body * 0.7, body * 0.3),
            "h3": heading(s.h3, body * 0.6, body * 0.3),
            "item": dict(spaceAfter=body * 0.3),
            "box_title": dict(label, spaceAfter=body * 0.3),
            "warning_title": dict(label, textColor=self.color("warning"), spaceAfter=body * 0.3),
            "cell": dict(spaceAfter=0),
            "cell_head": dict(label, spaceAfter=0),
            "quote": dict(bold, fontSize=s.h3, leading=s.leading_for(s.h3), spaceAfter=0),
            "caption": dict(spaceBefore=body * 0.3),
            "cover_title": heading(s.cover_title, 0, body, color=primary),
            "cover_subtitle": dict(fontSize=s.cover_subtitle,
                                   leading=s.leading_for(s.cover_subtitle), spaceAfter=body),
            "toc": dict(spaceAfter=0),
            "toc_page": dict(alignment=TA_RIGHT, spaceAfter=0),
            "footer": dict(spaceAfter=0),
            "term": dict(spaceAfter=body * 0.45),
            "lead": dict(bold, fontSize=s.h3, leading=s.leading_for(s.h3), spaceAfter=body * 0.6),
            "source": dict(spaceAfter=body * 0.3),
            "panel_note": dict(label, textColor=colors.white, spaceAfter=0),   # on primary
        }
        return ParagraphStyle(name, **{**base, **styles[name]})
