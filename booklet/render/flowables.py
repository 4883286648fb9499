"""Our own flowables, and the structure role every flowable carries.

Each flowable the layout makes is given a `role`: the structure element a screen reader should
see (H1, H2, H3, P, L, LI, Table, Figure, TOC, BlockQuote) or `Marker` for flowables that draw
nothing. Decorations drawn by page templates (footers, rules, bands) are artifacts. The tagging
of accessible PDFs builds its structure tree from exactly these roles.
"""
from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

ROLES = {"H1", "H2", "H3", "P", "L", "LI", "Table", "Figure", "TOC", "BlockQuote", "Caption",
         "Marker", "Form"}


def tagged(flowable: Flowable, role: str, **attributes) -> Flowable:
    """Give a flowable its structure role (and e.g. alt text for figures); return it."""
    assert role in ROLES, role
    flowable.role = role
    for key, value in attributes.items():
        setattr(flowable, key, value)
    return flowable


class Anchor(Flowable):
    """Marks where a part starts: a bookmark, an outline entry and a page the doc records."""

    def __init__(self, key: str, title: str, level: int = 0):
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0
        self.role = "Marker"

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


class WriteInLines(Flowable):
    """Ruled lines to write on: `count` of them, or as many as fill the rest of the frame."""

    def __init__(self, spacing: float, color, count: int | None = None, indent: float = 0):
        super().__init__()
        self.spacing, self.color, self.count, self.indent = spacing, color, count, indent
        self.role = "Marker"

    def wrap(self, available_width, available_height):
        self.width = available_width
        n = self.count if self.count is not None else int(available_height // self.spacing)
        self.lines = max(n, 0)
        self.height = self.lines * self.spacing
        return self.width, self.height

    def draw(self):
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(self.color)
        canv.setLineWidth(1)
        for i in range(self.lines):
            y = self.height - (i + 1) * self.spacing + 2
            canv.line(self.indent, y, self.width, y)
        canv.restoreState()


class CheckItem(Flowable):
    """A question with a tick box to its left and write-in lines below; never split."""

    def __init__(self, question: Paragraph, box_size: float, line_spacing: float, lines: int,
                 color, field_name: str):
        super().__init__()
        self.question, self.box_size = question, box_size
        self.line_spacing, self.lines, self.color = line_spacing, lines, color
        self.field_name = field_name
        self.indent = box_size * 1.7
        self.role = "LI"

    def wrap(self, available_width, available_height):
        self.width = available_width
        _, self.question_height = self.question.wrap(available_width - self.indent,
                                                     available_height)
        self.height = self.question_height + self.lines * self.line_spacing + self.box_size * 0.6
        return self.width, self.height

    def draw(self):
        canv = self.canv
        top = self.height
        first_line = self.question.style.leading
        canv.saveState()
        canv.setStrokeColor(self.color)
        canv.setLineWidth(2)
        box_y = top - first_line + (first_line - self.box_size) / 2 - 2
        canv.rect(0, box_y, self.box_size, self.box_size, stroke=1, fill=0)
        canv.setLineWidth(1)
        for i in range(self.lines):
            y = top - self.question_height - (i + 1) * self.line_spacing + 4
            canv.line(self.indent, y, self.width, y)
        canv.restoreState()
        self.question.drawOn(canv, self.indent, top - self.question_height)
