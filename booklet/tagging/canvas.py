"""A reportlab canvas that writes marked content for structure elements and artifacts.

Only one marked-content sequence is open at a time: entering a nested element closes the
enclosing sequence and reopens it afterwards. Drawing that happens outside every element and
artifact is wrapped as an artifact at the next boundary, or, with BOOKLET_STRICT_TAGS=1, stops
the build so the flowable that drew it can be fixed.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from .forms import FormFields
from .pdfobjects import write_structure
from .structure import AnnotationRef, Element, MarkedContent

STRICT_ENV = "BOOKLET_STRICT_TAGS"
PAGINATION = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
_STRINGS = re.compile(r"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>")
_PAINTING = re.compile(r"(?<![\w/*])(?:Tj|TJ|'|\"|S|s|f\*?|F|B\*?|b\*?|Do|sh)(?![\w*])")


class UntaggedDrawing(RuntimeError):
    """Something was drawn outside every structure element and artifact (strict mode)."""


@dataclass
class _Frame:
    element: Element | None       # None: an artifact
    flowable: object = None
    artifact_open: str = "/Artifact BMC"

    @property
    def is_content(self) -> bool:
        return self.element is not None and self.element.is_leaf


# Paragraph markup for a run of text in another language, inside one paragraph:
# <onDraw name="language" label="en-US"/>…<onDraw name="language" label="end"/>
LANGUAGE_RUN = "language"
# ... and for a shaped run (booklet.scripts), whose glyphs read back as private-use codes:
# <onDraw name="actual_text" label="FEFF…"/>…<onDraw name="actual_text" label="end"/>
ACTUAL_TEXT_RUN = "actual_text"
_HEX = re.compile(r"FEFF(?:[0-9A-F]{4})+")
_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")   # a BCP 47 tag: nothing to escape
PDF_VERSION = (1, 7)   # what the file uses (structure, forms, compressed objects) is all in 1.7
PRINT_FLAG = 4         # annotation flag bit 3: print the annotation with the page


class TaggingCanvas(Canvas):
    """Records which element each MCID belongs to; writes the structure tree on save."""

    def __init__(self, *args, **kwargs):
        self.document = Element("Document", attached=True)
        self.strict = os.environ.get(STRICT_ENV) == "1"
        self.page_parents: dict[int, tuple[int, list[Element]]] = {}
        self.annotation_parents: dict[int, Element] = {}
        self._frames: list[_Frame] = []
        self._owners: list[Element] = []
        self._settled = 0
        self._next_key = 0
        self._form_fields: FormFields | None = None
        self.page_marks: dict[str, tuple[int, int]] = {}   # see layout.flowables.PageMark
        kwargs.setdefault("pdfVersion", PDF_VERSION)
        super().__init__(*args, **kwargs)
        self.setNamedCB(LANGUAGE_RUN, _language_run)
        self.setNamedCB(ACTUAL_TEXT_RUN, _actual_text_run)

    @property
    def form_fields(self) -> FormFields:
        """The document's fillable fields; create them inside a `Form` element."""
        if self._form_fields is None:
            self._form_fields = FormFields(self, self._initialFontName)
        return self._form_fields

    # --- elements and artifacts -----------------------------------------------------------
    @contextmanager
    def structure(self, element: Element, bbox=None, flowable=None):
        """Draw inside `element`: its marked content for leaves, an artifact for containers."""
        if element.is_leaf and element.repeats and element.drawn:
            with self.artifact():
                yield
            return
        element.attach(self._open_element())
        if bbox is not None and element.bbox is None:
            element.bbox = self._absRect(bbox, relative=1)
        self._push(_Frame(element, flowable))
        try:
            yield
        finally:
            self._pop()
            element.drawn = True

    @contextmanager
    def artifact(self, opening: str = "/Artifact BMC"):
        """Draw decoration that a screen reader should skip."""
        self._push(_Frame(None, artifact_open=opening))
        try:
            yield
        finally:
            self._pop()

    def _open_element(self) -> Element:
        for frame in reversed(self._frames):
            if frame.element is not None:
                return frame.element
        return self.document

    def _push(self, frame: _Frame) -> None:
        if self._frames:
            self._code.append("EMC")
        else:
            self._settle()
        self._frames.append(frame)
        self._begin(frame)

    def _pop(self) -> None:
        self._code.append("EMC")
        self._frames.pop()
        if self._frames:
            self._begin(self._frames[-1])
        else:
            self._settled = len(self._code)

    def _begin(self, frame: _Frame) -> None:
        if frame.is_content:
            mcid = len(self._owners)
            self._owners.append(frame.element)
            frame.element.kids.append(MarkedContent(self._pageNumber, mcid))
            self._code.append(f"/{frame.element.role} <</MCID {mcid}>> BDC")
        else:
            self._code.append(frame.artifact_open)

    def _settle(self) -> None:
        """Deal with drawing done since the last element closed: artifact, or stop (strict)."""
        segment = self._code[self._settled:]
        if segment and _paints(segment):
            if self.strict:
                raise UntaggedDrawing(
                    f"page {self._pageNumber}: drawing outside any structure element or artifact:"
                    f" {' '.join(segment)[:160]!r}")
            self._code.insert(self._settled, "/Artifact BMC")
            self._code.append("EMC")
        self._settled = len(self._code)

    def drawText(self, text_object):
        """Draw a text object; a language run still open in it (a paragraph split inside
        the run) is closed first: a marked-content sequence ends in the text object it
        started in."""
        for flag in _SPAN_FLAGS:
            if getattr(text_object, flag, False):
                text_object._code.append("EMC")
                setattr(text_object, flag, False)
        super().drawText(text_object)

    # --- pages and annotations ------------------------------------------------------------
    def showPage(self):
        self._settle()
        if self._frames:
            raise RuntimeError("a page ended inside a structure element")
        super().showPage()
        self._owners = []
        self._settled = 0

    def _setAnnotations(self, page):
        """Called by showPage with the finished page: add /StructParents and /Tabs /S."""
        super()._setAnnotations(page)
        page.__NoDefault__ = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]
        page.Tabs = pdfdoc.PDFName("S")
        if self._owners:
            key = self._new_key()
            self.page_parents[self._pageNumber] = (key, list(self._owners))
            page.StructParents = key

    def _new_key(self) -> int:
        key, self._next_key = self._next_key, self._next_key + 1
        return key

    def _addAnnotation(self, annotation, name=None, addtopage=1):
        """Put a link annotation into the structure: a Link element with an object reference."""
        name = name or f"NUMBER{self._annotationCount + 1}"
        frame = next((f for f in reversed(self._frames) if f.is_content
                      or (f.element is not None and f.element.role == "Form")), None)
        if frame is not None:
            owner = frame.element
            link = owner if owner.role in ("Link", "Form") else _link_of(owner)
            link.kids.append(AnnotationRef(self._pageNumber, self._doc.annotationName(name)))
            key = self._new_key()
            self.annotation_parents[key] = link
            description = owner.description or _plain_text(frame.flowable)
            _add_to_annotation(annotation, key, description)
        elif self.strict:
            raise UntaggedDrawing(f"page {self._pageNumber}: an annotation outside any element")
        super()._addAnnotation(annotation, name, addtopage)

    def save(self):
        if len(self._code):
            self.showPage()
        if self._form_fields is not None:
            self._form_fields.write()
        write_structure(self)
        super().save()


def _span_run(property_name: str, valid: re.Pattern, written) -> callable:
    """An onDraw callback that starts (label: the property's value) or ends (label "end") a
    Span marked-content sequence with one property inside the paragraph being drawn, nested
    in the paragraph's own marked content and inside its text object, so no structure element
    is split. `written(label)` is the value as the content stream spells it."""
    flag = f"{property_name.lower()}_open"

    def run(canvas, kind, label) -> None:
        text_object = canvas._curr_tx_info["tx"]
        if getattr(text_object, flag, False):
            text_object._code.append("EMC")
            setattr(text_object, flag, False)
        if label and label != "end" and valid.fullmatch(label):
            text_object._code.append(f"/Span <</{property_name} {written(label)}>> BDC")
            setattr(text_object, flag, True)
    return run


# A run of text in another language: /Lang (PDF 1.7, 14.9.2.2).
_language_run = _span_run("Lang", _TAG, lambda tag: f"({tag})")
# A shaped run (Arabic, Hebrew, Devanagari, Thai): /ActualText, the typed text as UTF-16BE hex with its
# byte order mark (PDF 1.7, 14.9.4), so copied, searched and read-aloud text is what was typed.
_actual_text_run = _span_run("ActualText", _HEX, lambda digits: f"<{digits}>")
_SPAN_FLAGS = ("actualtext_open", "lang_open")    # inner first, as they nest


def _link_of(owner: Element) -> Element:
    """The Link element for an annotation in `owner`: a link that wraps onto a second line
    makes a second annotation, which joins the same Link."""
    last = owner.kids[-1] if owner.kids else None
    if isinstance(last, Element) and last.role == "Link":
        return last
    link = Element("Link", parent=owner)
    link.attach(owner)
    return link


def _paints(code: list[str]) -> bool:
    """True when the operators in `code` paint text, paths or images."""
    return bool(_PAINTING.search(_STRINGS.sub(" ", " ".join(code))))


def _plain_text(flowable) -> str | None:
    get = getattr(flowable, "getPlainText", None)
    return get().strip() if get else None


def _add_to_annotation(annotation, key: int, description: str | None) -> None:
    """Give an annotation its /StructParent, a /Contents description and the Print flag
    (a link's look is printed with the page)."""
    if isinstance(annotation, pdfdoc.PDFDictionary):
        annotation["StructParent"] = key
        if "F" not in annotation.dict:
            annotation["F"] = PRINT_FLAG
        if description and "Contents" not in annotation.dict:
            annotation["Contents"] = pdfdoc.PDFString(description)
    else:
        annotation.otherkw["StructParent"] = key
        annotation.otherkw.setdefault("F", PRINT_FLAG)
        annotation.permitted = (*annotation.permitted, "StructParent", "F")
        if description and not getattr(annotation, "Contents", None):
            annotation.Contents = description
