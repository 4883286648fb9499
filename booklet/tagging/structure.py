"""Structure elements, and how a flowable becomes one (`tagged`).

A flowable drawn in a tagged PDF belongs to exactly one structure element. Leaf elements (P, H1,
Figure, TD, ...) own the marked content their flowable draws; container elements (Table, L, LI,
TOC, Div, ...) own other elements, and anything a container draws itself (cell backgrounds, rules,
tick-box outlines) is an artifact. The tree's order is the order elements are first drawn, which
for our one-column layout is the reading order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Standard structure types (PDF 1.7, 14.8.4) that we use. Leaves hold text or images.
LEAF_ROLES = frozenset({"P", "H1", "H2", "H3", "Lbl", "LBody", "Link", "Caption", "Figure",
                        "TH", "TD"})
# A Form element holds a field's widget annotation; what it draws (box, lines) is decoration.
CONTAINER_ROLES = frozenset({"Document", "Div", "L", "LI", "Table", "TR", "TOC", "TOCI",
                             "BlockQuote", "Form"})


@dataclass(frozen=True)
class MarkedContent:
    """One marked-content sequence: an MCID on a page (1-based page number)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class AnnotationRef:
    """An annotation (link or form field) that belongs to an element."""

    page: int
    name: str


@dataclass(eq=False)
class Element:
    """A node of the structure tree.

    `parent` fixes where the element goes (a table cell's row, a list item's list); when it is
    None the element goes into whatever element is open when it is first drawn. `repeats` marks
    elements drawn again on later pages (a table's repeated header row): later copies are
    artifacts, so a screen reader reads the header once.
    """

    role: str
    parent: Element | None = None
    alt: str | None = None
    attributes: dict[str, str] | None = None
    repeats: bool = False
    description: str | None = None
    lang: str | None = None       # a language other than the document's (BCP 47)
    kids: list = field(default_factory=list)
    attached: bool = False
    drawn: bool = False
    bbox: tuple[float, float, float, float] | None = None

    def __post_init__(self):
        assert self.role in LEAF_ROLES or self.role in CONTAINER_ROLES, self.role

    @property
    def is_leaf(self) -> bool:
        return self.role in LEAF_ROLES

    def attach(self, default_parent: Element) -> None:
        """Put this element (and its fixed ancestors) into the tree, once, in drawing order."""
        if self.attached:
            return
        parent = self.parent or default_parent
        parent.attach(default_parent)
        parent.kids.append(self)
        self.parent = parent
        self.attached = True

    def twin(self, parent: Element | None) -> Element:
        """A copy of this element under `parent`, with no kids yet (a replayed one)."""
        copy = object.__new__(Element)
        copy.__dict__.update(self.__dict__)
        copy.parent, copy.kids = parent, []
        if self.attributes:
            copy.attributes = dict(self.attributes)
        return copy

    def has_content(self) -> bool:
        """True when anything below this element was drawn (empty elements are left out)."""
        return any(not isinstance(k, Element) or k.has_content() for k in self.kids)

    def text_kids(self) -> list[Element]:
        return [k for k in self.kids if isinstance(k, Element)]


class Structured:
    """Mixin for a flowable that draws one structure element (a part of it, once split)."""

    element: Element

    def drawOn(self, canvas, x, y, _sW=0):
        bbox = None
        if self.element.role == "Figure":
            left = self._hAlignAdjust(x, _sW)
            width, height = (getattr(self, "drawWidth", None) or self.width,
                             getattr(self, "drawHeight", None) or self.height)
            bbox = (left, y, left + width, y + height)
        with canvas.structure(self.element, bbox, self):
            super().drawOn(canvas, x, y, _sW)

    def split(self, available_width, available_height):
        parts = super().split(available_width, available_height)
        for part in parts:
            if isinstance(part, Structured):
                part.element = self.element
        return parts


_STRUCTURED_CLASSES: dict[type, type] = {}


def tagged(flowable, role: str | Element, **element_fields):
    """Make `flowable` draw as a structure element (a new one of `role`, or the one given)."""
    element = role if isinstance(role, Element) else Element(role, **element_fields)
    cls = type(flowable)
    if not issubclass(cls, Structured):
        if cls not in _STRUCTURED_CLASSES:
            _STRUCTURED_CLASSES[cls] = type(cls.__name__, (Structured, cls), {})
        flowable.__class__ = _STRUCTURED_CLASSES[cls]
    flowable.element = element
    return flowable
