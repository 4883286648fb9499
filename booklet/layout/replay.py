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
from dataclasses import dataclass

from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import Flowable, PageBreak
from reportlab.platypus.doctemplate import ActionFlowable, LayoutError

from ..tagging.structure import Element, MarkedContent, Structured
from .flowables import Anchor
from .pages import LayoutDoc, UnwrittenCanvas, drawing_state, font_state


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
# wherever it lands on a page. So the first time a booklet draws one, what it draws is kept,
# and from then on a booklet's story holds a ReplayedItem: it is as tall as the recording, and
# drawing it puts the recorded operators at its place, in structure elements made like the
# item's own. An item that does not fit the room left on a page is split as the item itself
# would be, and its parts are laid out in place.

_OUTER = -1     # a recorded element's parent: the element the item was made under


def _uses(canvas) -> tuple:
    """What a replay could not carry, counted: annotations, pictures and forms, graphics
    states, colour spaces, shadings, form fields."""
    return (canvas._annotationCount, len(canvas._formsinuse), len(canvas._extgstate._c),
            len(canvas._colorsUsed), len(canvas._shadingUsed), canvas._form_fields is None)


@dataclass(frozen=True)
class RecordedItem:
    """An item as drawn at one width: its height and the space around it, whether it can
    split, the canvas state it was drawn from, the elements it made (each with its parent's
    place in the list, or _OUTER), and what it drew, as a tree: a tuple of operators, or
    (element's place, nodes), or (None, artifact's opening operator, nodes). The tree's root
    is the item's element; its first operators are "q" and the move to the item's place, its
    last "Q"."""

    height: float
    space: tuple[float, float]
    splits: bool
    state: tuple
    elements: tuple[tuple[Element, int | None], ...]
    tree: tuple


class _Capture:
    """While a flowable draws on a tagging canvas, notes which structure elements and
    artifacts it opens (its own: under `outer`) and what it draws in each, by standing in for
    the canvas's `structure` and `artifact` (`installed()`)."""

    def __init__(self, canvas, outer: Element):
        self.canvas, self.outer, self.refused = canvas, outer, False
        self.places: dict[int, int] = {}
        self.made: list[tuple[Element, int | None]] = []
        self.nodes: list[list] = [[]]
        self.mark = len(canvas._code)

    @contextmanager
    def installed(self):
        canvas = self.canvas
        canvas.structure, canvas.artifact = self.structure, self.artifact
        try:
            yield self
        finally:
            del canvas.structure, canvas.artifact

    def _chunk(self) -> None:
        code = self.canvas._code
        if len(code) > self.mark:
            self.nodes[-1].append(tuple(code[self.mark:]))

    def _place(self, element: Element) -> int:
        place = self.places.get(id(element))
        if place is None:
            parent = element.parent
            if parent is None or parent is self.outer:
                parent_place = None if parent is None else _OUTER
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
        with self._node((self._place(element),)):
            with type(self.canvas).structure(self.canvas, element, bbox, flowable):
                self.mark = len(self.canvas._code)
                yield
                self._chunk()

    @contextmanager
    def artifact(self, opening: str = "/Artifact BMC"):
        with self._node((None, opening)):
            with type(self.canvas).artifact(self.canvas, opening):
                self.mark = len(self.canvas._code)
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
            self.mark = len(self.canvas._code)

    def tree(self, move: str) -> tuple | None:
        """What was drawn, if a replay can give it: one element, the item's, drawn from "q"
        and `move` to "Q"."""
        tree = tuple(self.nodes[0])
        if self.refused or len(tree) != 1 or tree[0][0] != 0:
            return None
        kids = tree[0][1]
        if not (kids and isinstance(kids[0][0], str) and kids[0][:2] == ("q", move)
                and isinstance(kids[-1][0], str) and kids[-1][-1] == "Q"):
            return None
        return tree


class ItemRecorder:
    """The recordings of the items of one `look` (style, paper, language), kept in `memo` (a
    Memo, shared by every look) under (*look, key, width), their space under (*look, key,
    None)."""

    def __init__(self, memo, look: tuple):
        self.memo, self.look = memo, look

    def item(self, key, make, parent: Element):
        """The flowable for the story: `make(parent)` makes the item itself, under the
        element `parent`; `key` tells it from every other item of the look."""
        return ReplayedItem(self, key, make, parent)

    def recording(self, key, width: float) -> RecordedItem | bool | None:
        """The item's recording at `width`; False: it cannot be replayed; None: not drawn yet."""
        return self.memo.get((*self.look, key, width))

    def space(self, key) -> tuple[float, float] | None:
        """The space before and after the item, once it has been recorded."""
        return self.memo.get((*self.look, key, None))

    def draw_and_record(self, key, item, parent: Element, canvas, x: float, y: float,
                        width: float, height: float) -> None:
        """Draw `item` (made under `parent`, wrapped `width` wide) at (x, y), and keep what
        it drew when a replay can give the same: when it adds nothing but the seed letters
        of the booklet's fonts to the document (booklet.layout.pages.SEED_LETTERS) and uses
        nothing of the page a replay cannot carry."""
        seeded = getattr(getattr(canvas, "_doctemplate", None), "seeded_fonts", None)
        if seeded is None or font_state(canvas) != seeded:
            item.drawOn(canvas, x, y)       # the subsets hold more than the seed: not now
            return
        state, uses = drawing_state(canvas), _uses(canvas)
        capture = _Capture(canvas, parent)
        with capture.installed():
            item.drawOn(canvas, x, y)
        tree = capture.tree(f"{fp_str(1, 0, 0, 1, x, y)} cm")
        if tree is None or font_state(canvas) != seeded or _uses(canvas) != uses \
                or drawing_state(canvas) != state:
            self.memo.remember((*self.look, key, width), False)
            return
        elements = tuple((_template(e), place) for e, place in capture.made)
        splits = next(c for c in type(item).__mro__
                      if c is not Structured and "split" in vars(c)) is not Flowable
        space = (item.getSpaceBefore(), item.getSpaceAfter())
        self.memo.remember((*self.look, key, width),
                           RecordedItem(height, space, splits, state, elements, tree))
        self.memo.remember((*self.look, key, None), space)


def _template(element: Element) -> Element:
    """A recorded element, to make the replayed ones from: not in a tree, not drawn."""
    template = element.twin(None)
    template.attached = template.drawn = False
    return template


@dataclass(frozen=True)
class Recordings:
    """What a booklet's layout replays: `section(section)` gives a RecordedSection, or None
    to lay the section out in place; `items` keeps and replays list items (None: in place)."""

    section: Callable[[object], RecordedSection | None]
    items: ItemRecorder | None = None


class ReplayedItem(Flowable):
    """An item in a booklet's story, placed and drawn from its recording once there is one
    (ItemRecorder); the item itself is made only until then, when it must be split, or when
    it cannot be replayed."""

    def __init__(self, recorder: ItemRecorder, key, make, parent: Element):
        super().__init__()
        self.recorder, self.key, self.make, self.parent = recorder, key, make, parent
        # the recording; None: none yet (placed and drawn itself); False: laid out in place
        self.recorded: RecordedItem | bool | None = None
        self._item = None

    def item(self):
        if self._item is None:
            self._item = self.make(self.parent)
        return self._item

    def wrap(self, available_width, available_height):
        if self.recorded is not False:
            self.recorded = self.recorder.recording(self.key, available_width)
        if self.recorded:
            self.width, self.height = available_width, self.recorded.height
        else:
            self.width, self.height = self.item().wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        if self.recorded and not self.recorded.splits:
            return []           # it goes whole to the next page
        item = self.item()
        if self.recorded:       # placed from its recording: the item itself is not wrapped
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
        x = self._hAlignAdjust(x, _sW)
        if self.recorded and drawing_state(canvas) == self.recorded.state:
            return self._replay(canvas, x, y)
        item = self.item()
        if self.recorded:                   # placed from its recording: wrap the item
            item.wrap(self.width, self.height)
        if self.recorded is None:           # its first drawing: keep what it draws
            return self.recorder.draw_and_record(self.key, item, self.parent, canvas, x, y,
                                                 self.width, self.height)
        return item.drawOn(canvas, x, y)

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
