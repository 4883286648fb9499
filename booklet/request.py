"""The one build path: a request (what to print, for whom, how) -> a finished PDF.

Every caller goes through `make_booklet`: the `build` command, each batch job, the web form,
the tests and the benchmark. The stages run one way: load and validate the inputs, plan the
document, then lay it out, tag and write it (booklet.output).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import model as m
from .assemble import add_plan_sections, choose_sections, plan_document
from .copies.workshop import Workshop
from .errors import InputError
from .output import build_pdf
from .resources import bundled, style_path
from .yamlfile import shown

PLAN_ON_HANDOUT = ("plan keywords add sections to a booklet only; this handout prints the"
                   " sections chosen for it.")


@dataclass(frozen=True)
class BookletRequest:
    """What one PDF should hold. Defaults give the default booklet from the bundled content."""

    content: Path | None = None     # a content folder; None: the bundled pNET content
    language: str | None = None     # a language code; None: the patient's, else English
    style: str = "default"          # a bundled style's name, or a style file
    preset: str | None = None       # a named selection of sections
    sections: tuple[str, ...] = ()  # section ids (after the preset's)
    everything: bool = False        # every section
    format: str = "booklet"         # booklet or handout
    paper: str | None = None        # letter or a4; None: the style's
    full_glossary: bool = False     # every term, not only those used
    standard_print: bool = False    # allow a style's base_size of 14 or 16
    fillable: bool = False          # form fields for tick boxes, answer lines and notes
    duplex: bool = False            # for double-sided printing: parts start on right-hand pages
    patient: m.Patient | None = None   # a personal booklet's patient
    draft: bool = False             # allow a translation not all reviewed, marked as a draft


@dataclass(frozen=True)
class Booklet:
    """A made PDF: its bytes, page count and plan, and notes for whoever asked for it."""

    pdf: bytes
    pages: int
    plan: m.DocumentPlan
    notes: tuple[str, ...] = ()


def request_library(request: BookletRequest, workshop: Workshop) -> m.Library:
    """The content the request prints from: its language's folder, loaded and checked."""
    patient = request.patient
    language = request.language or (patient.language if patient else None)
    return workshop.library(request.content or bundled("content"), language)


def plan_request(request: BookletRequest, workshop: Workshop) -> tuple[m.DocumentPlan, tuple]:
    """Load and check what the request names, and plan the document; with notes to show."""
    patient = request.patient
    library = request_library(request, workshop)
    style = workshop.style(style_path(request.style), request.standard_print)
    sections = choose_sections(library, request.preset, request.sections, request.everything)
    sections = add_plan_sections(library, sections, patient, request.format)
    draft = _unreviewed_translation(library, request.draft)
    notes = ()
    if request.format == "handout" and patient is not None and patient.plan:
        notes = (PLAN_ON_HANDOUT,)
    plan = plan_document(library, style, sections, request.format, request.paper,
                         request.full_glossary, patient, request.fillable, request.duplex,
                         draft)
    return plan, notes


def _unreviewed_translation(library: m.Library, draft: bool) -> bool:
    """Whether the document is a marked draft: its language folder's translation.yaml (from
    `booklet translate import`) still has units not reviewed. Without --draft that stops the
    build."""
    from .translate import unreviewed
    counts = unreviewed(library.root)
    if not counts:
        return False
    if not draft:
        initial = sum(c["initial"] for c in counts.values())
        translated = sum(c["translated"] for c in counts.values())
        raise InputError([f"{shown(library.root / 'translation.yaml')}: {initial} units are not"
                          f" translated and {translated} not reviewed yet. Fix: finish the"
                          " review and import it, or build with --draft for a marked draft."])
    return True


def make_booklet(request: BookletRequest, workshop: Workshop | None = None) -> Booklet:
    """The PDF for `request`. Pass the same Workshop to every call that makes many (it
    keeps what one document can lend the next); the bytes are the same either way."""
    workshop = workshop or Workshop()
    with _cycle_collector_paused():
        plan, notes = plan_request(request, workshop)
        pdf, pages = build_pdf(plan, workshop)
    return Booklet(pdf, pages, plan, notes)


@contextmanager
def _cycle_collector_paused():
    """Python's cycle collector off while one document is made, and back on after (its
    garbage is then collected as usual). Laying out allocates hundreds of thousands of small
    objects, so the collector ran dozens of times a booklet, about 5% of a build; the
    document's own garbage is freed by reference counting, and peak memory is the same."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
