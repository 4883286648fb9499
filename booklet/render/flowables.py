"""Our own flowables: anchors, list items, tick-box questions and write-in lines.

Everything the layout draws is either a structure element (`tagged`, see booklet.tagging) or an
artifact: decoration a screen reader skips. Flowables that only decorate say so with
`decoration = True`; the tests walk every story to check nothing else is left untagged.
"""
from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph as ReportlabParagraph

from ..tagging import Element, tagged

__all__ = ["Anchor", "CheckItem", "ListItem", "Paragraph", "WriteInLines", "tagged"]


class Paragraph(ReportlabParagraph):
    """A paragraph whose lines each end in a real space character.

    Text extraction and read-aloud join a paragraph's lines; without the space the last word of
    one line and the first of the next run together. Left-aligned, the space is invisible.
    """

    def breakLines(self, width):
        broken = super().breakLines(width)
        for i, line in enumerate(broken.lines[:-1]):
            if broken.kind == 0:
                extra, words = line
                if words and not words[-1].endswith(" "):
                    broken.lines[i] = (extra, [*words[:-1], words[-1] + " "])
            elif line.words and not line.words[-1].text.endswith(" "):
                line.words[-1].text += " "
        return broken


class Anchor(Flowable):
    """Marks where a part starts: a bookmark, an outline entry and a page the doc records."""

    def __init__(self, key: str, title: str, level: int = 0):
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    decoration = True

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

    decoration = True

    def wrap(self, available_width, available_height):
        self.width = available_width
        n = self.count if self.count is not None else int(available_height // self.spacing)
        self.lines = max(n, 0)
        self.height = self.lines * self.spacing
        return self.width, self.height

    def draw(self):
        canv = self.canv
        with canv.artifact():
            canv.saveState()
            canv.setStrokeColor(self.color)
            canv.setLineWidth(1)
            for i in range(self.lines):
                y = self.height - (i + 1) * self.spacing + 2
                canv.line(self.indent, y, self.width, y)
            canv.restoreState()


class ListItem(Flowable):
    """A list item (LI): its label (bullet or number) left of its text; splits between lines.

    The label is an Lbl element, the text an LBody; the parts of a split item share them.
    """

    def __init__(self, label: Paragraph | None, body: Paragraph, indent: float,
                 label_indent: float, element: Element, body_element: Element | None = None):
        super().__init__()
        self.label, self.body, self.indent, self.label_indent = label, body, indent, label_indent
        tagged(self, element)
        if label is not None:
            tagged(label, "Lbl", parent=element)
        self.body_element = body_element or Element("LBody", parent=element)
        tagged(body, self.body_element)

    def wrap(self, available_width, available_height):
        self.width = available_width
        _, self.height = self.body.wrap(available_width - self.indent, available_height)
        if self.label is not None:
            self.label.wrap(self.indent - self.label_indent, available_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        parts = self.body.split(available_width - self.indent, available_height)
        if len(parts) < 2:
            return []
        first, rest = parts[0], parts[1]
        return [ListItem(self.label, first, self.indent, self.label_indent, self.element,
                         self.body_element),
                ListItem(None, rest, self.indent, self.label_indent, self.element,
                         self.body_element)]

    def getSpaceBefore(self):
        return self.body.getSpaceBefore()

    def getSpaceAfter(self):
        return self.body.getSpaceAfter()

    def draw(self):
        if self.label is not None:
            self.label.drawOn(self.canv, self.label_indent, self.height - self.label.height)
        self.body.drawOn(self.canv, self.indent, 0)


class CheckItem(Flowable):
    """A question (LI) with a tick box to its left and write-in lines below; never split.

    The box and lines are artifacts; the question is the item's LBody.
    """

    def __init__(self, question: Paragraph, box_size: float, line_spacing: float, lines: int,
                 color, field_name: str, element: Element):
        super().__init__()
        self.question, self.box_size = question, box_size
        self.line_spacing, self.lines, self.color = line_spacing, lines, color
        self.field_name = field_name
        self.indent = box_size * 1.7
        tagged(self, element)
        tagged(question, "LBody", parent=element)

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
