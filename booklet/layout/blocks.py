"""One function per body block kind, each returning tagged flowables; `BLOCKS` dispatches."""
from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image as RLImage, KeepTogether, Table, TableStyle

from .. import model as m
from ..messages import catalogue
from .flowables import Element, ListItem, Paragraph, tagged
from .theme import Theme, markup

BULLET = "•"


def para(theme: Theme, text: str, style: str = "body", role: str | Element = "P",
         **element_fields) -> Paragraph:
    """A tagged paragraph of escaped content text."""
    return tagged(Paragraph(markup(text, theme.fonts), theme.paragraph(style)), role,
                  **element_fields)


def items(theme: Theme, texts, numbered: bool = False) -> list:
    """A list (L) of items with a bullet or a number drawn in the body font."""
    return list_items(theme, [Paragraph(markup(t, theme.fonts), theme.paragraph("item"))
                                    for t in texts],
                      numbered)


def list_items(theme: Theme, entries: list, numbered: bool = False) -> list:
    """ListItems grouped in one L element, for ready-made paragraphs; an entry may also be
    a tuple of paragraphs already tagged (a Link, a P), which share the item's LBody."""
    group = Element("L", attributes={"O": "List",
                                     "ListNumbering": "Decimal" if numbered else "Disc"})
    body, style = theme.scale.body, theme.paragraph("item")
    widest = stringWidth(f"{len(entries)}." if numbered else BULLET, style.fontName,
                         style.fontSize)
    indent = max(body * 1.6, body * 0.3 + widest + body * 0.5)   # room for "10." and up
    made = []
    for i, entry in enumerate(entries, start=1):
        item = Element("LI", parent=group)
        label = Paragraph(f"{i}." if numbered else BULLET, style)
        if not isinstance(entry, tuple):
            made.append(ListItem(label, entry, indent=indent, label_indent=body * 0.3,
                                 element=item))
            continue
        lbody = Element("LBody", parent=item)
        for n, part in enumerate(entry):
            part.element.parent = lbody
            made.append(ListItem(label if n == 0 else None, part, indent=indent,
                                 label_indent=body * 0.3, element=item, body_element=lbody,
                                 body_is_tagged=True))
    return made


def paragraph(theme: Theme, block: m.Paragraph, language: str) -> list:
    return [para(theme, block.text)]


def heading(theme: Theme, block: m.Heading, language: str) -> list:
    return [para(theme, block.text, "h2", "H2")]


def bullets(theme: Theme, block: m.Bullets, language: str) -> list:
    return items(theme, block.items)


def steps(theme: Theme, block: m.Steps, language: str) -> list:
    return items(theme, block.items, numbered=True)


def table_style(theme: Theme, *commands) -> TableStyle:
    """Table commands, after setting the cell font: reportlab would fall back to Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), theme.fonts.regular),
                       ("FONTSIZE", (0, 0), (-1, -1), theme.scale.body),
                       ("LEADING", (0, 0), (-1, -1), theme.scale.leading), *commands])


def boxed(theme: Theme, title: Paragraph, entries: list, fill, edge) -> Table:
    """A filled, bordered box that may break between its entries (never after the title)."""
    rows = [[[title, entries[0]]]] + [[e] for e in entries[1:]]
    pad = theme.scale.body * 0.6
    # the last entry's own space after it is part of the bottom padding: top and bottom match
    last_space = min(pad, theme.paragraph("item").spaceAfter)
    box = Table(rows, colWidths=[theme.frame_width], style=table_style(
        theme,
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("BOX", (0, 0), (-1, -1), 2, edge),
        ("LINEBEFORE", (0, 0), (0, -1), 8, edge),
        ("LEFTPADDING", (0, 0), (-1, -1), pad + 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), pad),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad - last_space),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ), spaceBefore=theme.scale.body * 0.3, spaceAfter=theme.scale.body * 0.7)
    # whole on one page, unless it is taller than a page
    return KeepTogether([tagged(box, "Div")])


def key_points(theme: Theme, block: m.KeyPoints, language: str) -> list:
    title = para(theme, catalogue(language)["key_points"], "box_title", "H2")
    return [boxed(theme, title, items(theme, block.items), theme.color("accent"),
                  theme.color("primary"))]


def call_care_team(theme: Theme, block: m.CallCareTeam, language: str) -> list:
    title = para(theme, catalogue(language)["call_care_team"], "warning_title", "H2")
    return [boxed(theme, title, items(theme, block.items), theme.color("warning fill"),
                  theme.color("warning"))]


def call_911(theme: Theme, block: m.Call911, language: str) -> list:
    msgs = catalogue(language)
    title = para(theme, msgs["call_911"], "warning_title", "H2")
    entries = [para(theme, msgs["general_advice"], "box_title", "P"), *items(theme, block.items)]
    return [boxed(theme, title, entries, theme.color("warning fill"), theme.color("warning"))]


def table(theme: Theme, block: m.Table, language: str) -> list:
    return [data_table(theme, block.columns, block.rows, block.caption, (0.38, 0.62))]


def data_table(theme: Theme, columns, rows, caption: str | None, widths,
               not_given: str | None = None) -> Table:
    """A table of text with a header row; its caption and header repeat on each new page.

    `widths` are the columns' shares of the frame width. With `not_given`, an empty cell
    shows a dash and is read as those words (a screen reader would otherwise skip it, and the
    row's cells would seem to move a column).
    """
    element = Element("Table")
    header = Element("TR", parent=element, repeats=True)
    head = [para(theme, c, "cell_head", "TH", parent=header, repeats=True,
                 attributes={"O": "Table", "Scope": "Column"}) for c in columns]
    body = []
    for row in rows:
        tr = Element("TR", parent=element)
        cells = []
        for n, text in enumerate(row):
            # the first column names its row (a condition, a date, a medicine): a row header
            role = {"role": "TH", "attributes": {"O": "Table", "Scope": "Row"}} if n == 0 \
                else {"role": "TD"}
            if text or not not_given:
                cells.append(para(theme, text, "cell", parent=tr, **role))
            else:
                cells.append(para(theme, "—", "cell", parent=tr, alt=not_given, **role))
        body.append(cells)
    top = [[para(theme, caption, "h3", "Caption", parent=element, repeats=True)]
           + [""] * (len(columns) - 1)] if caption else []
    pad = theme.scale.body * 0.4
    first = len(top)
    grid = Table(top + [head] + body, colWidths=[theme.frame_width * w for w in widths],
                 repeatRows=first + 1, splitInRow=1, style=table_style(
                     theme,
                     *([("SPAN", (0, 0), (-1, 0))] if top else []),
                     ("BACKGROUND", (0, first), (-1, first), theme.color("primary tint")),
                     ("LINEBELOW", (0, first), (-1, first), 2, theme.color("primary")),
                     ("LINEBELOW", (0, first + 1), (-1, -1), 1, theme.color("primary")),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                     ("LEFTPADDING", (0, 0), (-1, -1), pad),
                     ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                     ("TOPPADDING", (0, 0), (-1, -1), pad),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                     *([("LEFTPADDING", (0, 0), (-1, 0), 0)] if top else []),
                 ), spaceBefore=theme.scale.body * 0.3, spaceAfter=theme.scale.body * 0.9)
    return tagged(grid, element)


def image(theme: Theme, block: m.Image, language: str) -> list:
    picture = RLImage(str(block.path))
    scale = min(1.0, theme.frame_width / picture.imageWidth,
                (theme.page_size[1] * 0.45) / picture.imageHeight)
    picture.drawWidth = picture.imageWidth * scale
    picture.drawHeight = picture.imageHeight * scale
    picture.hAlign = "LEFT"
    return [_with_caption(theme, tagged(picture, "Figure", alt=block.alt), block.caption)]


def _with_caption(theme: Theme, figure, caption: str | None):
    """A figure kept on one page with its caption below it, the two in one Div: the caption
    a Caption element beside the Figure (inside it, the figure's alt text would hide it)."""
    if not caption:
        return KeepTogether([figure])
    group = Element("Div")
    figure.element.parent = group
    return KeepTogether([figure, para(theme, caption, "caption", "Caption", parent=group)])


def diagram(theme: Theme, block: m.Diagram, language: str) -> list:
    return [_with_caption(theme, tagged(Panels(theme, block.panels), "Figure", alt=block.alt),
                          block.caption)]


class Panels(Flowable):
    """Boxes side by side, each a title, its text and an optional note on a band of the
    style's primary colour at its foot: shapes and real text (large print, selectable, in
    the style's colours), one Figure with alt text for screen readers. Never split."""

    def __init__(self, theme: Theme, panels: tuple[m.Panel, ...]):
        super().__init__()
        self.theme, self.panels = theme, panels
        body = theme.scale.body
        self.gap, self.pad, self.radius = body * 0.8, body * 0.7, body * 0.6
        note = theme.paragraph("panel_note")
        self.parts = [(Paragraph(markup(p.title, theme.fonts), theme.paragraph("h3")),
                       Paragraph(markup(p.text, theme.fonts), theme.paragraph("cell")),
                       Paragraph(markup(p.note, theme.fonts), note) if p.note else None)
                      for p in panels]
        self.spaceBefore, self.spaceAfter = body * 0.4, body * 0.3

    def wrap(self, available_width, available_height):
        n = len(self.panels)
        self.width = available_width
        self.box_width = (available_width - self.gap * (n - 1)) / n
        inner = self.box_width - 2 * self.pad
        self.heights = []
        for title, text, note in self.parts:
            top = title.wrap(inner, available_height)[1] + self.pad * 0.5 \
                + text.wrap(inner, available_height)[1]
            foot = note.wrap(inner - self.pad, available_height)[1] + self.pad if note else 0
            self.heights.append((top, foot))
        self.height = max(top + foot for top, foot in self.heights) + 2 * self.pad \
            + (self.pad if any(foot for _, foot in self.heights) else 0)
        return self.width, self.height

    def draw(self):
        canv, theme = self.canv, self.theme
        fills = [theme.color("primary tint"), theme.color("accent")]
        for i, ((title, text, note), (_, foot)) in enumerate(zip(self.parts, self.heights)):
            x = i * (self.box_width + self.gap)
            canv.saveState()
            canv.setFillColor(fills[i % 2])
            canv.setStrokeColor(theme.color("primary"))
            canv.setLineWidth(3)
            canv.roundRect(x + 1.5, 1.5, self.box_width - 3, self.height - 3, self.radius,
                           stroke=1, fill=1)
            y = self.height - self.pad - title.height
            title.drawOn(canv, x + self.pad, y)
            y -= self.pad * 0.5 + text.height
            text.drawOn(canv, x + self.pad, y)
            if note is not None:
                band = note.height + self.pad
                canv.setFillColor(theme.color("primary"))
                canv.roundRect(x + self.pad * 0.5, self.pad * 0.5, self.box_width - self.pad,
                               band, self.radius * 0.6, stroke=0, fill=1)
                note.drawOn(canv, x + self.pad, self.pad)
            canv.restoreState()


def quote(theme: Theme, block: m.Quote, language: str) -> list:
    cell = [para(theme, block.text, "quote", "P")]
    if block.by:
        cell.append(para(theme, f"— {block.by}", "cell", "P"))
    pad = theme.scale.body * 0.7
    box = Table([[cell]], colWidths=[theme.frame_width], style=table_style(
        theme,
        ("LINEBEFORE", (0, 0), (0, -1), 6, theme.color("primary")),
        ("LEFTPADDING", (0, 0), (-1, -1), pad + 4),
        ("TOPPADDING", (0, 0), (-1, -1), pad / 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad / 2),
    ), spaceBefore=theme.scale.body * 0.3, spaceAfter=theme.scale.body * 0.9)
    return [tagged(box, "BlockQuote")]


BLOCKS = {
    "paragraph": paragraph, "heading": heading, "bullets": bullets, "steps": steps,
    "key_points": key_points, "call_care_team": call_care_team, "call_911": call_911,
    "table": table,
    "image": image, "diagram": diagram, "quote": quote,
}


def render_block(theme: Theme, block: m.Block, language: str) -> list:
    """Flowables for one body block, chosen by its kind."""
    return BLOCKS[block.kind](theme, block, language)
