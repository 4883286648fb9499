"""Page templates: the cover and body frames, and the running footer drawn on every page."""
from __future__ import annotations

import string
from copy import deepcopy

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepTogether, PageTemplate, Paragraph, Table

from ..errors import InputError
from ..tagging import PAGINATION, TaggingCanvas
from .flowables import Anchor
from ..fonts import draw_text, text_width
from .theme import Theme


# Characters a booklet's font subsets hold from the start, in this order, so that the same
# text has the same character codes in every booklet: a section drawn once is replayed into
# each (booklet.layout.replay), and a copy's personal pages go into its template
# (booklet.copies). They are printable ASCII, the Latin-1 characters (with the soft hyphen a
# long word split in a narrow cell prints) and common typographic punctuation: all the
# bundled content is written in them, and what people write on their personal pages
# ("100.4 °F", "½ tablet") mostly is.
SEED_LETTERS = (string.printable.strip() + " "
                + "".join(chr(c) for c in range(0xA1, 0x100))
                + "’‘“”–—•…€")


def font_state(canvas) -> tuple:
    """Which fonts a canvas's document maps, and how many characters each subset holds."""
    doc = canvas._doc
    return (tuple(sorted(doc.fontMapping.items())),
            tuple(sorted((font.fontName, font.state[doc].nextCode)
                         for font in doc.delayedFonts)))


# The canvas state that what is drawn can depend on: all of it but its position (the current
# matrix and point, which a replay's move to its place sets) and the graphics state
# dictionary, compared by its entries.
_DRAWING_STATE = tuple(name for name in Canvas.STATE_ATTRIBUTES
                       if name not in ("_currentMatrix", "_x", "_y", "_extgstate"))


def drawing_state(canvas) -> tuple:
    """The canvas state that what is drawn can depend on, but for its position."""
    return (*map(canvas.__dict__.__getitem__, _DRAWING_STATE),
            tuple(sorted(canvas._extgstate._d.items())))


def binding_shift(theme: Theme, duplex: bool, page: int) -> float:
    """How far a page's frame and footer move right for binding: printed on both sides, a
    right-hand (odd) page's inner margin is on its left, a left-hand page's on its right;
    the text keeps its width, so the inner margin grows by what the outer one gives."""
    if not duplex:
        return 0.0
    gutter = theme.margin / 6
    return gutter if page % 2 else -gutter


class Footer:
    """Draws the footer: title and 'Page N of M' on one line, the review date below. When
    `duplex`, the page number sits on the outside edge: right on right-hand pages, left on
    left-hand ones (the title and date take the other side).

    One Footer draws every page of one layout pass, and all but the page number is the same
    on each page of a side: what its first page draws around the number is kept and put on
    the next pages as it was drawn (text keeps its character codes within a document), when
    the canvas is in the same state. The bytes are those of drawing it again."""

    def __init__(self, theme: Theme, title: str, page_label: str, reviewed_label: str,
                 duplex: bool = False, title_field: str = "booklet.yaml: short_title"):
        self.theme, self.title, self.title_field = theme, title, title_field
        self.page_label, self.reviewed_label = page_label, reviewed_label
        self.duplex = duplex
        self.total = 0
        self._check_fit()
        # for each side: the canvas state it was drawn from, the operators before the page
        # number, the canvas state the number was drawn in and the operators after it
        self._drawn: dict[bool, tuple] = {}

    def _check_fit(self) -> None:
        """The title and the longest page label share the first line, with a gap; the
        review date fits on the second."""
        t = self.theme
        widest = self.page_label.format(page=999, total=999)
        size, font = t.scale.body, t.fonts.regular
        need = text_width(t.fonts, self.title, font, size) + size \
            + text_width(t.fonts, widest, font, size)
        room = t.page_size[0] - 2 * t.margin
        if need > room:
            field = self.title_field.split(": ")[-1]
            raise InputError([f"{self.title_field}: '{self.title}' and '{widest}' do not"
                              f" fit on one footer line at {size:g} pt ({need:.0f} of"
                              f" {room:.0f} pt). Fix: shorten {field}."])
        need = text_width(t.fonts, self.reviewed_label, font, size)
        if need > room:
            raise InputError([f"'{self.reviewed_label}' does not fit on one footer line at"
                              f" {size:g} pt ({need:.0f} of {room:.0f} pt). Fix: shorten the"
                              " 'reviewed' message of this language, or use smaller margins."])

    def __call__(self, canv, doc) -> None:
        page = canv.getPageNumber()
        left_hand = self.duplex and page % 2 == 0     # the number on the left
        state = drawing_state(canv)
        drawn = self._drawn.get(left_hand)
        if drawn is not None and drawn[0] == state:
            _, before, number_state, after = drawn
            canv._code.extend(before)
            canv.push_state_stack()
            canv.__dict__.update(number_state)
            self._page_number(canv, page, left_hand)
            canv.pop_state_stack()
            canv._code.extend(after)
            return
        t = self.theme
        size, leading = t.scale.body, t.scale.leading
        left, right = self._edges(page)
        rule = t.margin + t.footer_height - 4
        first = rule - leading
        font, code = t.fonts.regular, canv._code
        start = len(code)
        canv.saveState()
        canv.setStrokeColor(t.color("primary"))
        canv.setLineWidth(1.5)
        canv.line(left, rule, right, rule)
        canv.setFillColor(t.color("text"))
        if not left_hand:
            draw_text(canv, t.fonts, left, first, self.title, font, size)
        number_at = len(code)
        number_state = {name: canv.__dict__[name] for name in Canvas.STATE_ATTRIBUTES
                        if name != "_extgstate"}
        self._page_number(canv, page, left_hand)
        after_number = len(code)
        if left_hand:
            draw_text(canv, t.fonts, right, first, self.title, font, size, align="right")
            draw_text(canv, t.fonts, right, first - leading, self.reviewed_label, font, size,
                      align="right")
        else:
            draw_text(canv, t.fonts, left, first - leading, self.reviewed_label, font, size)
        canv.restoreState()
        self._drawn[left_hand] = (state, tuple(code[start:number_at]), number_state,
                                  tuple(code[after_number:]))

    def _edges(self, page: int) -> tuple[float, float]:
        """Where the footer's lines start and end on a page."""
        t = self.theme
        shift = binding_shift(t, self.duplex, page)
        return t.margin + shift, t.page_size[0] - t.margin + shift

    def _page_number(self, canv, page: int, left_hand: bool) -> None:
        t = self.theme
        left, right = self._edges(page)
        first = t.margin + t.footer_height - 4 - t.scale.leading   # as __call__ has it
        text = self.page_label.format(page=page, total=self.total or "?")
        if left_hand:
            draw_text(canv, t.fonts, left, first, text, t.fonts.regular, t.scale.body)
        else:
            draw_text(canv, t.fonts, right, first, text, t.fonts.regular, t.scale.body,
                      align="right")


class CoverBand:
    """A band of the primary colour across the top of the cover, behind nothing."""

    def __init__(self, theme: Theme, footer: Footer):
        self.theme, self.footer = theme, footer

    def __call__(self, canv, doc) -> None:
        t = self.theme
        width, height = t.page_size
        canv.saveState()
        canv.setFillColor(t.color("primary"))
        canv.rect(0, height - t.margin * 0.6, width, t.margin * 0.6, stroke=0, fill=1)
        canv.restoreState()
        self.footer(canv, doc)


def as_artifact(draw_page):
    """A page callback whose drawing (footer, rules, bands) is a pagination artifact."""
    def draw(canv, doc) -> None:
        with canv.artifact(PAGINATION):
            draw_page(canv, doc)
    return draw


class UnwrittenCanvas(TaggingCanvas):
    """A canvas that lays out and draws but writes no PDF: for a layout pass that only
    measures where the pages fall."""

    def save(self):
        if len(self._code):
            self.showPage()


def _draw_nothing(*_args, **_kwargs):
    pass


class TextFrame(Frame):
    """A frame that copies itself quickly: reportlab deep-copies the frame each time it
    measures what must stay together (a heading and what follows it), some thousands of
    times in a catalogue. Its values are numbers and strings, so a shallow copy is the same
    copy; anything else (a frame background) is deep-copied as before."""

    def __deepcopy__(self, memo):
        twin = object.__new__(type(self))
        memo[id(self)] = twin
        values = self.__dict__
        backgrounds = values.get("_frameBGs")
        if backgrounds or any(type(v) not in _ATOMS for k, v in values.items()
                              if k != "_frameBGs"):
            twin.__dict__.update(deepcopy(values, memo))
        else:
            twin.__dict__.update(values)
            if backgrounds is not None:
                twin._frameBGs = []
        return twin


_ATOMS = frozenset({str, int, float, bool, type(None)})


class PlacingFrame(TextFrame):
    """A frame that places flowables (wraps and splits them) but draws none: for a layout
    pass that only finds where the pages break, in half the time. What it finds is checked
    by a pass that draws (booklet.layout.document.settle), so it cannot change a PDF."""

    def _add(self, flowable, canv, trySplit=0):
        flowable.drawOn = _draw_nothing      # this flowable only, while it is placed
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            del flowable.drawOn

    add = _add


class HeadingWithNext(KeepTogether):
    """What `keepWithNext` groups: headings and the flowable after them. A table or a
    paragraph after a heading may start on this page once the heading and its first lines
    (a table's header and first row) fit, and split from there; anything else moves whole to
    the next page with its heading, as KeepTogether does. So a heading never ends a page,
    and a long table does not leave most of a page empty."""

    def split(self, available_width, available_height):
        *heads, last = self._content
        if heads and isinstance(last, (Table, Paragraph)):
            need = sum(f.wrap(available_width, available_height)[1] + f.getSpaceBefore()
                       + f.getSpaceAfter() for f in heads) + last.getSpaceBefore()
            _, height = last.wrap(available_width, available_height)
            if isinstance(last, Table):
                first_rows = (last.repeatRows or 0) + 1
                need += sum(last._rowHeights[:first_rows])
            else:
                need += min(height, 3 * last.style.leading)
            if need <= available_height:
                return list(self._content)
        return super().split(available_width, available_height)


class LayoutDoc(BaseDocTemplate):
    """A doc template that records on which page each Anchor landed.

    It draws on `canvas_maker`: a tagging canvas, or one given for a special purpose (the
    personal pages of a copy, drawn without writing a file).
    """

    canvas_maker = TaggingCanvas

    def __init__(self, target, theme: Theme, footer: Footer, first_template: str = "body",
                 drawing: bool = True, seed_fonts: tuple[str, ...] = (), **kwargs):
        self.anchor_pages: dict[str, int] = {}
        self.theme, self.two_sided = theme, footer.duplex
        self.drawing, self.seed_fonts = drawing, seed_fonts
        self.seeded_fonts: tuple | None = None
        width, height = theme.page_size
        m = theme.margin
        super().__init__(target, pagesize=theme.page_size, leftMargin=m, rightMargin=m,
                         topMargin=m, bottomMargin=m, keepTogetherClass=HeadingWithNext,
                         **kwargs)

        def text_frame(name: str) -> Frame:
            """The area inside the margins, above the footer."""
            kind = TextFrame if drawing else PlacingFrame
            return kind(m, m + theme.footer_height, width - 2 * m,
                        height - 2 * m - theme.footer_height, id=name,
                        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

        # a pass that only places draws no band or footer either: they move no page break
        band, foot = ((as_artifact(CoverBand(theme, footer)), as_artifact(footer)) if drawing
                      else (_draw_nothing, _draw_nothing))
        templates = [PageTemplate("cover", [text_frame("cover")], onPage=band),
                     PageTemplate("body", [text_frame("body")], onPage=foot)]
        templates.sort(key=lambda t: t.id != first_template)
        self.addPageTemplates(templates)

    def build(self, flowables, **kwargs):
        """Lay out and draw on a canvas that writes the structure tree (a tagged PDF)."""
        super().build(flowables, canvasmaker=self.canvas_maker, **kwargs)

    def beforeDocument(self):
        # a print dialog must not shrink large print to fit; printed on both sides, pages
        # turn on the long edge
        self.canv.setViewerPreference("PrintScaling", "None")
        if self.two_sided:
            self.canv.setViewerPreference("Duplex", "DuplexFlipLongEdge")
        doc = self.canv._doc
        for name in self.seed_fonts:
            font = pdfmetrics.getFont(name)
            font.splitString(SEED_LETTERS, doc)
            font.getSubsetInternalName(0, doc)
        self.seeded_fonts = font_state(self.canv)

    def handle_pageBegin(self):
        # the frames move for binding before the page begins; the page number is the
        # canvas's (a copy's personal pages are numbered as in the whole booklet)
        shift = binding_shift(self.theme, self.two_sided, self.canv.getPageNumber())
        for frame in self.pageTemplate.frames:
            frame.x1 = self.theme.margin + shift
        super().handle_pageBegin()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Anchor):
            self.anchor_pages[flowable.key] = self.page
