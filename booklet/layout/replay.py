"""A section drawn once and replayed into each booklet that prints it.

In a booklet every section starts at the top of a new page, and what it draws there depends
only on its look (style, paper, language, printed on one side or both), never on the pages
before it: its footers and its last line (the numbers of its sources in the list at the back)
are drawn by the booklet, not by the section. So a section is laid out and drawn once, on its
own (`record`), and each booklet that prints it, in each layout pass, replays what was drawn:
the drawing operators of each page, the structure elements that own them, the bookmarks, and
where the last page's text ended, for the sources line to follow.

A replay gives the same bytes as laying the section out in place: booklets seed their font
subsets with the same characters (`booklet.layout.pages.SEED_LETTERS`), so a section whose text
is all in the seed is drawn with the same character codes in every booklet. A section that
needs anything else of the document (a character outside the seed, a picture, a link, a form
field, a graphics state) is not recorded, and is laid out in place each time.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.platypus import PageBreak
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError

from ..tagging.structure import Element, MarkedContent
from .flowables import Anchor
from .pages import LayoutDoc, UnwrittenCanvas, font_state


@dataclass(frozen=True)
class RecordedPage:
    code: tuple[str, ...]            # the page's operators after its footer
    owners: tuple[Element, ...]      # the element of each MCID on the page, in order
    anchors: tuple[Anchor, ...]      # bookmarks and outline entries on the page


@dataclass(frozen=True)
class RecordedSection:
    """A section as drawn on its own: its pages, its structure elements (the kids of
    `document`), and the frame's state after its last flowable."""

    pages: tuple[RecordedPage, ...]
    document: Element
    end_y: float
    end_space: float

    def flowables(self) -> list:
        """The story that replays the section: one action a page, with page breaks."""
        replay = _Replay(self)
        story = []
        for index in range(len(self.pages)):
            if index:
                story.append(PageBreak())
            story.append(ReplayedPage(replay, index))
        return story


class _Replay:
    """One replay of a section in one layout pass: its elements, copied on its first page."""

    def __init__(self, section: RecordedSection):
        self.section = section
        self.copies: dict[int, Element] = {}

    def copy_elements(self, canvas, first_page: int) -> None:
        """Copy the section's elements into the canvas's tree, their marked content moved to
        the booklet's pages."""
        def copy_of(element: Element, parent: Element) -> Element:
            twin = replace(element, parent=parent, kids=[], attributes=element.attributes
                           and dict(element.attributes))
            self.copies[id(element)] = twin
            for kid in element.kids:
                twin.kids.append(copy_of(kid, twin) if isinstance(kid, Element) else
                                 MarkedContent(kid.page - 1 + first_page, kid.mcid))
            return twin

        parent = canvas.document
        for element in self.section.document.kids:
            parent.kids.append(copy_of(element, parent))


class ReplayedPage(ActionFlowable):
    """Replays one page of a recorded section at the top of the booklet's current page."""

    def __init__(self, replay: _Replay, index: int):
        super().__init__()
        self.replay, self.index = replay, index

    def apply(self, doc: LayoutDoc):
        section = self.replay.section
        page = section.pages[self.index]
        canvas, frame = doc.canv, doc.frame
        if not frame._atTop:
            raise LayoutError("a recorded section replayed below the top of a page")
        if doc.two_sided and (doc.page - self.index) % 2 == 0:
            raise LayoutError("a recorded section replayed from a left-hand page")
        if doc.drawing:
            if self.index == 0:
                self.replay.copy_elements(canvas, doc.page)
            if canvas._owners or canvas._frames:
                raise LayoutError("a recorded section replayed onto a page with content")
            canvas._code.extend(page.code)
            canvas._settled = len(canvas._code)
            canvas._owners.extend(self.replay.copies[id(e)] for e in page.owners)
        for anchor in page.anchors:
            doc.anchor_pages[anchor.key] = doc.page
            if doc.drawing:
                anchor._drawOn(canvas)
        doc._curPageFlowableCount += 1
        frame._atTop = 0
        if self.index == len(section.pages) - 1:
            frame._y, frame._prevASpace = section.end_y, section.end_space


# --- recording --------------------------------------------------------------------------------

class _RecordingCanvas(UnwrittenCanvas):
    """Keeps each page's operators after its footer, and notes what a replay cannot carry."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorded: list[tuple[tuple[str, ...], tuple[Element, ...]]] = []
        self.page_start = 0
        self.replayable = True

    def showPage(self):
        self._settle()
        self.recorded.append((tuple(self._code[self.page_start:]), tuple(self._owners)))
        super().showPage()

    def _setAnnotations(self, page):
        super()._setAnnotations(page)
        if (page.Annots or page.ExtGState or page.XObjects
                or self._colorsUsed or self._shadingUsed):
            self.replayable = False


class RecordingDoc(LayoutDoc):
    """Lays out one section from the top of a right-hand body page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchors: list[tuple[int, Anchor]] = []
        self.end: tuple[int, float, float] | None = None

    def handle_pageBegin(self):
        super().handle_pageBegin()
        self.canv.page_start = len(self.canv._code)

    def afterFlowable(self, flowable):
        super().afterFlowable(flowable)
        if isinstance(flowable, Anchor):
            self.anchors.append((self.page, flowable))
        if self.frame is not None:
            self.end = (self.page, self.frame._y, self.frame._prevASpace)


def record(doc: RecordingDoc, story: list) -> RecordedSection | None:
    """A section's story drawn on its own into `doc`, a RecordingDoc whose first page is a
    body page, or None when a replay could not give what laying it out in place gives."""
    if story and getattr(story[-1], "keepWithNext", 0):
        return None     # it would be kept with the booklet's sources line
    doc.canvas_maker = _RecordingCanvas
    doc.build(story)
    canvas = doc.canv
    if not (canvas.replayable and font_state(canvas) == doc.seeded_fonts
            and not canvas.annotation_parents
            and canvas._form_fields is None and doc.end and doc.end[0] == len(canvas.recorded)):
        return None
    pages = tuple(RecordedPage(code, owners, tuple(a for n, a in doc.anchors if n == number))
                  for number, (code, owners) in enumerate(canvas.recorded, start=1))
    return RecordedSection(pages, canvas.document, doc.end[1], doc.end[2])

