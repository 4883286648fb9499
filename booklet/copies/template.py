"""Personal booklets made from a template: the shared pages are laid out once per layout.

A personal booklet differs from the next patient's only on its cover and its personal pages
("My care team", "My visits", "My medicines", notes from the care team). So a copy is made in
two steps:

1. Once per Workshop and layout (the same sections, style, paper, language, personal parts and
   page counts), a template is laid out and written: the whole booklet, with blank pages where
   the cover and the personal pages go, and no patient text anywhere. Its font subsets start
   with the characters people's names, medicines and notes are written in.
2. For each copy, only the cover and the personal pages are laid out and drawn, with the
   template's font subsets and page numbers, and spliced into the template
   (`booklet/copies/splice.py`; the structure elements are merged by booklet.tagging.merge).

A copy whose pages need what the template lacks (a character outside its font subsets, a
picture, a link or a form field) is laid out whole instead. Either way the result depends
only on the plan, so a booklet built on its own is byte-identical to the same one in a batch.
"""
from __future__ import annotations

import copy
import zlib
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics

from .. import model as m
from ..layout.document import PageFacts, Slots, new_doc, patient_parts, personal_story, \
    without_patient
from ..layout.theme import Theme
from ..tagging.merge import (numbered_elements, with_document_kids, with_next_key,
                             with_parent_tree_entries)
from .reuse import ReusingCanvas, ReusingUnwrittenCanvas
from .splice import PageDrawing, TemplatePdf, stream_object

def can_splice(plan: m.DocumentPlan) -> bool:
    """Booklets for a patient are made from a template (handouts have no personal pages)."""
    return plan.format == "booklet" and plan.patient is not None


def render_personal(plan: m.DocumentPlan, workshop) -> tuple[bytes, PageFacts] | None:
    """The personal booklet spliced into its template (kept on `workshop`, a Workshop), or
    None when it is not made so."""
    if not (workshop.reuse and can_splice(plan)):
        return None
    theme = workshop.theme(plan)
    parts = patient_parts(plan.patient)
    layout = without_patient(plan)   # with the parts and slots: all a template depends on
    shape = (layout, tuple(parts))
    slots = workshop.guesses.get(shape) or Slots(tuple((key, 0) for key in parts), 1, True)
    for _ in range(3):
        template = _template(plan, workshop, layout, slots)
        personal = _draw_personal(plan, theme, template, workshop)
        if personal is None:
            return None
        if personal.slots == slots:
            workshop.guesses.remember(shape, slots)
            return _splice(template, personal), template.facts
        slots = personal.slots
    return None


# --- the template ----------------------------------------------------------------------------

@dataclass
class FontStates:
    """reportlab's subset state of each font a document used, and the fonts' resource names."""

    mapping: dict[str, str]
    states: dict[str, object]

    @classmethod
    def of(cls, doc) -> "FontStates":
        return cls(dict(doc.fontMapping),
                   {font.fontName: _state_copy(font.state[doc]) for font in doc.delayedFonts})

    def install(self, doc) -> None:
        """Start `doc` with these states, so its text uses the same codes."""
        doc.fontMapping.update(self.mapping)
        for name, state in self.states.items():
            pdfmetrics.getFont(name).state[doc] = _state_copy(state)

    def unchanged_in(self, doc) -> bool:
        """True when `doc` used no font and no character beyond these."""
        return doc.fontMapping == self.mapping and all(
            pdfmetrics.getFont(name).state[doc].nextCode == state.nextCode
            for name, state in self.states.items())


def _state_copy(state):
    twin = copy.copy(state)
    twin.assignments = dict(state.assignments)
    twin.subsets = [list(s) for s in state.subsets]
    twin.frozen = 0
    return twin


class TemplateCanvas(ReusingCanvas):
    """The template's canvas: the state of its font subsets (which, as in every booklet,
    start with booklet.layout.pages.SEED_LETTERS) is kept on saving for the copies to draw
    with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.font_states: FontStates | None = None

    def save(self):
        if len(self._code):
            self.showPage()
        self.font_states = FontStates.of(self._doc)
        super().save()


@dataclass
class Template:
    """A laid-out template: its PDF, page facts, font subsets, and where each blank part
    starts (page number, and how many structure elements come before it)."""

    pdf: TemplatePdf
    facts: PageFacts
    fonts: FontStates
    page_marks: dict[str, tuple[int, int]]

    @property
    def first_personal_page(self) -> int:
        """The page after the contents, where the personal pages start."""
        starts = [page for key, (page, _) in self.page_marks.items() if key != "cover"]
        return min(starts, default=2)


def _template(plan: m.DocumentPlan, workshop, layout, slots: Slots) -> Template:
    """The template of `layout` (the plan without its patient) with these slots, made once
    per workshop."""
    key = (layout, slots)
    template = workshop.templates.get(key)
    if template is None:
        maker = workshop.canvas(TemplateCanvas)
        pdf, facts, canvas = workshop.lay_out(plan, slots, canvas_maker=maker)
        template = Template(TemplatePdf(pdf), facts, canvas.font_states, dict(canvas.page_marks))
        workshop.templates.remember(key, template)
    return template


# --- the personal pages ----------------------------------------------------------------------

class PersonalCanvas(ReusingUnwrittenCanvas):
    """Draws the cover and the personal pages with the template's font subsets and page
    numbers, and keeps each page's drawing instead of writing a file."""

    def __init__(self, *args, fonts: FontStates, first_personal_page: int, **kwargs):
        super().__init__(*args, **kwargs)
        fonts.install(self._doc)
        self.fonts = fonts
        self.first_personal_page = first_personal_page
        self.drawings: list[PageDrawing] = []
        self.spliceable = True

    def fits(self, template: Template) -> bool:
        """True when these pages need nothing the template lacks: no new character or font,
        no picture it has not got, no link, form field or graphics state."""
        return (self.spliceable and self.fonts.unchanged_in(self._doc)
                and all(name in template.pdf.pictures
                        for drawing in self.drawings for name in drawing.pictures))

    def showPage(self):
        super().showPage()
        self._pageNumber = self.first_personal_page + len(self.drawings) - 1

    def _setAnnotations(self, page):
        super()._setAnnotations(page)
        if page.Annots or page.ExtGState or self._colorsUsed or self._shadingUsed:
            self.spliceable = False
        key = self.page_parents.get(self._pageNumber, (None,))[0]
        pictures = tuple(page.XObjects.dict) if page.XObjects else ()
        self.drawings.append(PageDrawing(self._pageNumber, zlib.compress(
            page.stream.encode("utf8")), pictures, bool(page.hasImages), key))

    def save(self):
        super().save()
        if self._form_fields is not None:
            self.spliceable = False


@dataclass
class _Personal:
    canvas: PersonalCanvas
    slots: Slots


def _draw_personal(plan: m.DocumentPlan, theme: Theme, template: Template,
                   workshop) -> _Personal | None:
    """The cover and personal pages drawn for `template`, with the page counts they took;
    None when they cannot go into it."""
    story, cover_has_disclaimer = personal_story(plan, theme)
    first = template.first_personal_page
    doc = new_doc(plan, theme, template.facts.total)
    doc.canvas_maker = workshop.canvas(PersonalCanvas, fonts=template.fonts,
                                       first_personal_page=first)
    doc.build(story)
    canvas = doc.canv
    if not canvas.fits(template):
        return None
    marks = canvas.page_marks
    start = marks["personal"][0] if marks else first + len(canvas.drawings) - 1
    if start - first + 1 != 1:
        return None                 # the cover ran onto a second page
    starts = tuple((key, page - start) for key, (page, _) in marks.items() if key != "personal")
    pages = canvas.drawings[-1].number + 1 - start
    return _Personal(canvas, Slots(starts, pages, cover_has_disclaimer))


def _splice(template: Template, personal: _Personal) -> bytes:
    """The template with the personal pages and their structure elements put in."""
    pdf, canvas = template.pdf, personal.canvas
    document = canvas.document
    ref, added = numbered_elements(document, pdf.size, pdf.document,
                                   lambda number: pdf.pages[number - 1])
    replaced = {}
    for drawing in canvas.drawings:
        key = drawing.struct_key
        replaced[pdf.contents_of(drawing.number)] = stream_object(drawing.stream)
        replaced[pdf.pages[drawing.number - 1]] = pdf.page_dict(
            drawing, None if key is None else key + pdf.next_key)

    kids = [ref(k) for k in document.kids if k.has_content()]
    marks = list(canvas.page_marks.values())
    on_cover = marks[0][1] if marks else len(kids)
    at = template.page_marks[next(iter(canvas.page_marks))][1] if marks else 0
    replaced[pdf.document] = with_document_kids(
        pdf.body(pdf.document),
        [*kids[:on_cover], *pdf.document_kids[:at], *kids[on_cover:], *pdf.document_kids[at:]])
    entries = [(key + pdf.next_key, [ref(owner) for owner in owners])
               for key, owners in sorted(canvas.page_parents.values(), key=lambda v: v[0])]
    replaced[pdf.parent_tree] = with_parent_tree_entries(pdf.body(pdf.parent_tree), entries)
    replaced[pdf.struct_root] = with_next_key(pdf.body(pdf.struct_root),
                                              pdf.next_key + canvas._next_key)
    return pdf.write(replaced, added)
