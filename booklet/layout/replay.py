"""Sections and list items drawn once and replayed into each booklet that prints them.

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

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace

from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError

from ..tagging.structure import Element, MarkedContent, Structured
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
            twin = element.twin(parent)
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



# --- list items ------------------------------------------------------------------------------
#
# The glossary's entries and the checklist's questions recur from booklet to booklet of a look
# (a term is in the glossary of every booklet whose sections use it), each drawn the same
# wherever it lands on a page. So each is drawn once a look on a canvas of its own, and a
# booklet's story holds a ReplayedItem: it is as tall as the recording, and drawing it puts
# the recorded operators at its place, in structure elements made like the item's own. An item
# that does not fit the room left on a page is split as the item itself would be, and its
# parts are laid out in place.

_OUTER = -1     # a recorded element's parent: the element the item was made under
_MOVED = ("_currentMatrix", "_x", "_y")     # canvas state that the item's position sets


def _drawing_state(canvas) -> tuple:
    """The canvas state that what a flowable draws can depend on, but for its position."""
    d = canvas.__dict__
    return (*(d[name] for name in canvas.STATE_ATTRIBUTES
              if name not in _MOVED and name != "_extgstate"),
            tuple(sorted(canvas._extgstate._d.items())))


@dataclass(frozen=True)
class RecordedItem:
    """An item as drawn at one width: its height and the space around it, the canvas state
    it was drawn from, the elements it made (each with its parent's place in the list, or
    _OUTER), and what it drew, as a tree: a tuple of operators, or (element's place, nodes),
    or (None, artifact's opening operator, nodes). The tree's root is the item's element; its
    first operators are "q" and the move to the item's place, its last "Q"."""

    height: float
    space: tuple[float, float]
    splits: bool                 # False: the item never splits (its class's split is Flowable's)
    state: tuple
    elements: tuple[tuple[Element, int], ...]
    tree: tuple


class _ItemCanvas(UnwrittenCanvas):
    """A canvas that notes, while a flowable is drawn on it, which structure elements and
    artifacts it opens and what it draws in each."""

    def start(self, outer: Element) -> None:
        self.outer, self.refused = outer, False
        self.places: dict[int, int] = {}
        self.made: list[tuple[Element, int]] = []
        self.nodes: list[list] = [[]]
        self.begun = self.mark = len(self._code)
        self.counts = self._counts()

    def _counts(self) -> tuple:
        return (self._annotationCount, len(self._formsinuse), len(self._extgstate._c),
                len(self._colorsUsed), len(self._shadingUsed), self._form_fields is None)

    def finish(self) -> tuple | None:
        """The tree drawn since `start`, or None when a replay could not give it."""
        tree = tuple(self.nodes[0])
        if self.refused or self._counts() != self.counts:
            return None
        return tree

    def clear(self) -> None:
        del self._code[self.begun:]
        self._owners, self._settled = [], len(self._code)
        self.document.kids.clear()

    def _chunk(self) -> None:
        if len(self._code) > self.mark:
            self.nodes[-1].append(tuple(self._code[self.mark:]))

    def _place(self, element: Element) -> int:
        place = self.places.get(id(element))
        if place is None:
            parent = element.parent
            if parent is None or parent is self.outer:
                parent_place = _OUTER if parent is not None else None
            else:
                parent_place = self.places.get(id(parent))
                if parent_place is None:         # an element from outside the item
                    self.refused = True
            place = self.places[id(element)] = len(self.made)
            self.made.append((element, parent_place))
        return place

    @contextmanager
    def structure(self, element: Element, bbox=None, flowable=None):
        if bbox is not None:
            self.refused = True      # a position on the page
        place = self._place(element)
        with self._node((place,)):
            with super().structure(element, bbox, flowable):
                self.mark = len(self._code)
                yield
                self._chunk()

    @contextmanager
    def artifact(self, opening: str = "/Artifact BMC"):
        with self._node((None, opening)):
            with super().artifact(opening):
                self.mark = len(self._code)
                yield
                self._chunk()

    @contextmanager
    def _node(self, head: tuple):
        self._chunk()
        self.nodes.append([])
        try:
            yield
        finally:
            kids = self.nodes.pop()
            self.nodes[-1].append((*head, tuple(kids)))
            self.mark = len(self._code)


class ItemRecorder:
    """Draws items once for one look, on a canvas of its own (`new_doc()` gives a LayoutDoc
    of the look, whose fonts are seeded as a booklet's are), and keeps the recordings in
    `memo` (a Memo) under (key, width).

    An item is recorded when a booklet first draws it: until then it is made and placed as
    in place (the pass that only finds the page breaks), so a booklet made once costs about
    what laying its items out in place does, and every later pass and booklet of the look
    places and draws the item from its recording."""

    def __init__(self, memo, new_doc):
        self.memo, self._new_doc = memo, new_doc
        self._canvas: _ItemCanvas | None = None
        self._seeded = None

    def item(self, key, make, parent: Element):
        """The flowable for the story: `make(parent)` makes the item itself, under the
        element `parent`; `key` tells it from every other item of the look."""
        return ReplayedItem(self, key, make, parent)

    def known(self, key, width: float) -> RecordedItem | bool | None:
        """The item's recording at `width`; False: it cannot be replayed; None: not made yet."""
        return self.memo.get((key, width))

    def recording(self, key, make, width: float) -> RecordedItem | bool:
        """The item's recording at `width`, made now if need be; False: lay it out in place."""
        found = self.memo.get((key, width))
        if found is None:
            found = self._record(make, width) or False
            self.memo.remember((key, width), found)
            if found:
                self.memo.remember((key, None), found.space)
        return found

    def space(self, key) -> tuple[float, float] | None:
        """The space before and after the item, once it has been recorded."""
        return self.memo.get((key, None))

    def _scratch(self) -> _ItemCanvas:
        if self._canvas is None:
            doc = self._new_doc()
            doc._calc()
            doc.canv = self._canvas = doc._makeCanvas(canvasmaker=_ItemCanvas)
            doc.beforeDocument()
            self._seeded = doc.seeded_fonts
        return self._canvas

    def _record(self, make, width: float) -> RecordedItem | None:
        canvas = self._scratch()
        outer = Element("Div")
        item = make(outer)
        _, height = item.wrap(width, 1e6)
        space = (item.getSpaceBefore(), item.getSpaceAfter())
        state = _drawing_state(canvas)
        canvas.start(outer)
        try:
            item.drawOn(canvas, 0, 0)
            tree = canvas.finish()
        finally:
            canvas.clear()
        if font_state(canvas) != self._seeded:
            self._canvas = None     # its subsets hold more than the seed now
            return None
        if not (tree and len(tree) == 1 and isinstance(tree[0], tuple)
                and isinstance(tree[0][0], int) and tree[0][0] == 0):
            return None
        kids = tree[0][1]
        if not (kids and isinstance(kids[0], tuple) and kids[0][:2] == ("q", "1 0 0 1 0 0 cm")
                and isinstance(kids[-1], tuple) and kids[-1][-1:] == ("Q",)
                and all(isinstance(k, str) for k in kids[0]) and state == _drawing_state(canvas)):
            return None
        templates = tuple((replace(e, parent=None, kids=[], attached=False, drawn=False,
                                   attributes=e.attributes and dict(e.attributes)), parent)
                          for e, parent in canvas.made)
        splits = next(c for c in type(item).__mro__
                      if c is not Structured and "split" in vars(c)) is not Flowable
        return RecordedItem(height, space, splits, state, templates, tree)


@dataclass(frozen=True)
class Recordings:
    """What a booklet's layout replays: `section(section)` gives a RecordedSection, or None
    to lay the section out in place; `items` draws list items once (None: in place)."""

    section: Callable[[object], RecordedSection | None]
    items: ItemRecorder | None = None


class ReplayedItem(Flowable):
    """An item in a booklet's story, placed and drawn from its recording (ItemRecorder),
    which is made when the item is first drawn; the item itself is made only until then, when
    it must be split, or when it cannot be replayed."""

    def __init__(self, recorder: ItemRecorder, key, make, parent: Element):
        super().__init__()
        self.recorder, self.key, self.make, self.parent = recorder, key, make, parent
        # the recording; None: not made yet (placed in place); False: laid out in place
        self.recorded: RecordedItem | bool | None = None
        self._item = None

    def item(self):
        if self._item is None:
            self._item = self.make(self.parent)
        return self._item

    def wrap(self, available_width, available_height):
        if self.recorded is not False:
            self.recorded = self.recorder.known(self.key, available_width)
        if self.recorded:
            self.width, self.height = available_width, self.recorded.height
        else:
            self.width, self.height = self.item().wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        if self.recorded and not self.recorded.splits:
            return []           # it goes whole to the next page
        item = self.item()
        item.wrap(available_width, available_height)
        parts = item.split(available_width, available_height)
        if parts:               # laid out in place
            self.recorded = False
        return parts

    def _space(self) -> tuple[float, float]:
        if self.recorded:
            return self.recorded.space
        known = self.recorded is None and self.recorder.space(self.key)
        item = None if known else self.item()
        return known or (item.getSpaceBefore(), item.getSpaceAfter())

    def getSpaceBefore(self):
        return self._space()[0]

    def getSpaceAfter(self):
        return self._space()[1]

    def drawOn(self, canvas, x, y, _sW=0):
        if self.recorded is None:           # its first drawing: record it, then replay it
            self.recorded = self.recorder.recording(self.key, self.make, self.width)
            if self.recorded and self.recorded.height != self.height:
                self.recorded = False
        if not self.recorded or _drawing_state(canvas) != self.recorded.state:
            item = self.item()
            item.wrap(self.width, self.height)
            return item.drawOn(canvas, x, y, _sW)
        return self._replay(canvas, self._hAlignAdjust(x, _sW), y)

    def _replay(self, canvas, x: float, y: float) -> None:
        """Draw the recording at (x, y), in new elements made like the recorded ones."""
        recorded = self.recorded
        made: list[Element] = []
        for template, parent in recorded.elements:
            made.append(template.twin(self.parent if parent == _OUTER else
                                      None if parent is None else made[parent]))
        move = f"{fp_str(1, 0, 0, 1, x, y)} cm"
        _replay_nodes(canvas, recorded.tree, made, move)


def _replay_nodes(canvas, nodes, made: list[Element], move: str | None = None) -> None:
    code = canvas._code
    for node in nodes:
        if isinstance(node[0], str):
            if move is not None:                    # the item's own "q" and move
                code.extend(("q", move, *node[2:]))
                move = None
            else:
                code.extend(node)
        elif node[0] is None:
            with canvas.artifact(node[1]):
                _replay_nodes(canvas, node[2], made, move)
        else:
            with canvas.structure(made[node[0]]):
                _replay_nodes(canvas, node[1], made, move)
            move = None
