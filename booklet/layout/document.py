"""Lay out a DocumentPlan: build the story, run layout passes until page numbers settle."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import partial
from html import escape as html_escape
from io import BytesIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, NextPageTemplate, PageBreak, Spacer, Table

from .. import model as m
from ..messages import catalogue, format_date
from ..tagging import LANGUAGE_RUN, TaggingCanvas
from .blocks import data_table, items, list_items, para, render_block, table_style
from .brand import logo_figure, qr_figure
from .flowables import (Anchor, Artifact, BlankPageNote, CheckItem, Element, PageMark,
                        Paragraph, RightHandStart, TermItem, WriteInLines, tagged)
from .pages import Footer, LayoutDoc, UnwrittenCanvas
from .replay import ItemRecorder, RecordedSection, Recordings, RecordingDoc, record
from .theme import Theme, markup

MAX_PASSES = 5
escape = partial(html_escape, quote=False)   # text into reportlab markup: & < >


@dataclass(frozen=True)
class Slots:
    """Blank pages left for a copy's personal pages in a template (booklet/copies/template.py): the
    page each personal part starts on, counted from the first personal page; how many pages
    they take together (parts share a page when they fit); and whether the cover kept its
    disclaimer (the back page then may leave it out)."""

    starts: tuple[tuple[str, int], ...]
    pages: int
    cover_has_disclaimer: bool


@dataclass(frozen=True)
class PageFacts:
    """What one layout pass learned, fed into the next: where parts start and the page count."""

    starts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    extra_notes_pages: int = 0


def render_pdf(plan: m.DocumentPlan, theme: Theme | None = None) -> tuple[bytes, PageFacts]:
    """PDF bytes for the plan, with contents and 'Page N of M' right on every page, laid out
    from nothing: no state is kept from one call to the next (booklet.copies.Workshop reuses
    work across documents and gives the same bytes)."""
    pdf, facts, _ = settle(plan, theme or Theme.of(plan))
    return pdf, facts


def measure_pages(plan: m.DocumentPlan, theme: Theme | None = None) -> int:
    """How many pages the plan takes, from one layout pass that writes nothing. Exact when
    no page number printed in the document moves a page break (a one-section handout)."""
    return _layout_once(plan, theme or Theme.of(plan), PageFacts(), None, UnwrittenCanvas,
                        drawing=False)[2]


def settle(plan: m.DocumentPlan, theme: Theme, slots: Slots | None = None, *,
           guess: PageFacts | None = None, canvas_maker=TaggingCanvas,
           measure_maker=UnwrittenCanvas, recordings: Recordings | None = None):
    """Lay the plan out until its page facts settle: the PDF, the facts and the canvas.

    Each pass prints the page facts the previous pass found, until they stop changing. A
    caller that knows what a plan of the same layout settled on passes it as `guess` (in a
    batch, most copies differ only in personal text, so a copy usually needs one pass). The
    result does not depend on the guess: it is the one fixed point, checked by the last pass.
    `slots` leaves blank pages for a template's personal pages (booklet.copies).
    `recordings` gives the sections and list items drawn once to replay (`record_section`,
    booklet.layout.replay); without them each is laid out in place, to the same bytes.
    """
    facts = guess or PageFacts()
    for _ in range(MAX_PASSES):
        # With no guess, this pass cannot be the last one: it only measures.
        measuring = facts == PageFacts()
        pdf, starts, total, canvas = _layout_once(
            plan, theme, facts, slots, measure_maker if measuring else canvas_maker,
            drawing=not measuring, recordings=recordings)
        without_padding = total - facts.extra_notes_pages
        # a booklet has an even page count, the back page being the back cover; printed on
        # both sides the back page is a right-hand page, so the count is odd
        padding = (without_padding + plan.duplex) % 2 if plan.format == "booklet" else 0
        settled = PageFacts(starts, total, padding)
        if settled == facts:
            return pdf, facts, canvas
        facts = _padded(settled, facts.extra_notes_pages)
    raise RuntimeError("page layout did not settle; please report this with the content used")


def _padded(found: PageFacts, padded_before: int) -> PageFacts:
    """What the next pass will find when it prints `found` with its padding: the padding
    is blank notes pages just before the back page, so a change in it moves the page total
    and the pages after the notes by as much (one pass fewer, not a different result:
    settle() still checks the fixed point)."""
    change = found.extra_notes_pages - padded_before
    notes = found.starts.get("notes")
    if not change or notes is None:
        return found
    return PageFacts({key: page + change if page > notes else page
                      for key, page in found.starts.items()},
                     found.total + change, found.extra_notes_pages)


def without_patient(plan: m.DocumentPlan) -> m.DocumentPlan:
    """The plan but for the patient: what every page but the cover and the personal pages
    depends on. The whole plan is the key, so a field added to it is in the key too."""
    return replace(plan, patient=None)


def patient_shape(patient: m.Patient | None):
    """What of a patient moves page breaks, without their text: which fields are given, and
    how many rows each list has."""
    if patient is None:
        return None
    return tuple((f.name, len(value) if isinstance(value, tuple) else bool(value))
                 for f in fields(patient) for value in [getattr(patient, f.name)])


def layout_key(plan: m.DocumentPlan):
    """Plans that lay out alike: equal but for the patient's text."""
    return without_patient(plan), patient_shape(plan.patient)


def document_title(plan: m.DocumentPlan) -> str:
    """The PDF title: the booklet's, or the handout's section titles."""
    if plan.format == "handout":
        return catalogue(plan.info.language)["title_joiner"].join(s.title for s in plan.sections)
    return plan.info.title


def document_keywords(plan: m.DocumentPlan) -> list[str]:
    """The sections' topics; none in a personal copy, where they would hint at the plan."""
    if plan.patient is not None:
        return []
    return sorted({t for s in plan.sections for t in s.topics})


def _layout_once(plan: m.DocumentPlan, theme: Theme, facts: PageFacts,
                 slots: Slots | None, canvas_maker, drawing: bool = True,
                 recordings: Recordings | None = None):
    doc = new_doc(plan, theme, facts.total, drawing)
    doc.canvas_maker = canvas_maker
    if plan.format == "booklet":
        doc.build(_booklet_story(plan, theme, facts, slots, recordings))
    else:
        doc.build(_handout_story(plan, theme, facts))
    return doc.filename.getvalue(), dict(doc.anchor_pages), doc.page, doc.canv


def new_doc(plan: m.DocumentPlan, theme: Theme, total_pages: int,
            drawing: bool = True, doc_class=LayoutDoc, first_template: str | None = None):
    """A doc template for the plan, writing into a BytesIO (`doc.filename`), with footers
    that say 'Page N of total_pages'; with `drawing` False, one that only places the
    flowables (to find the page breaks). A booklet's font subsets start with SEED_LETTERS."""
    msgs = catalogue(plan.info.language)
    title = msgs["draft_translation"] if plan.draft else plan.info.short_title
    footer = Footer(theme, title, msgs["page_of"],
                    msgs["reviewed"].format(date=format_date(plan.reviewed, plan.info.language)),
                    duplex=plan.duplex, title_field="messages.yaml: draft_translation"
                    if plan.draft else "booklet.yaml: short_title")
    footer.total = total_pages
    booklet = plan.format == "booklet"
    return doc_class(
        BytesIO(), theme, footer,
        first_template=first_template or ("cover" if booklet else "body"), drawing=drawing,
        seed_fonts=(theme.fonts.regular, theme.fonts.bold) if booklet else (),
        title=document_title(plan), author=plan.style.clinic, subject=plan.info.subject,
        keywords=document_keywords(plan), creator="booklet",
        lang=plan.info.language, displayDocTitle=1, invariant=1,
        initialFontName=theme.fonts.regular, initialFontSize=theme.scale.body)


# --- booklet ---------------------------------------------------------------------------------

def _booklet_story(plan: m.DocumentPlan, theme: Theme, facts: PageFacts,
                   slots: Slots | None = None, recordings: Recordings | None = None) -> list:
    """The whole booklet; with `slots`, a template: blank pages instead of the cover and the
    personal pages, which booklet/copies/template.py fills in for each copy. The sections
    and list items `recordings` gives are replayed (booklet.layout.replay)."""
    msgs = catalogue(plan.info.language)
    parts = _parts(plan, msgs)
    if slots is None:
        cover, cover_has_disclaimer = _cover(plan, theme, msgs)
        personal = _patient_pages(plan, theme, msgs)
    else:
        cover, cover_has_disclaimer = [PageMark("cover")], slots.cover_has_disclaimer
        personal = _blank_pages(slots, msgs)
    # printed on both sides, the contents, each section, the checklist, the glossary and the
    # back page start on a right-hand page (the notes pages before the back page see to it)
    def part_break() -> list:
        return [PageBreak(), RightHandStart(BlankPageNote(msgs["blank_page"], theme),
                                            plan.duplex)]

    story = cover + [NextPageTemplate("body"), *part_break()]
    story += _contents(theme, msgs, parts, facts, plan.reviewed, plan.info.language)
    if personal:
        story += [PageBreak(), *personal]
    for section in plan.sections:
        replay = recordings and recordings.section(section)
        body = replay.flowables() if replay else _section_body(plan, theme, section)
        story += [*part_break(), *body, _sources_line(plan, theme, section, msgs, facts)]
    items = recordings and recordings.items
    if plan.question_groups:
        story += [*part_break(), *_questions(plan, theme, msgs, write_in_lines=1, items=items)]
    if plan.terms:
        story += [*part_break(), *_glossary(plan, theme, msgs, items)]
    back, back_has_disclaimer = _back_page(plan, theme, msgs)
    story += [PageBreak(), *_sources(plan, theme, msgs)]
    if not (cover_has_disclaimer or back_has_disclaimer):
        story.append(para(theme, _disclaimer(plan), "box_title", "P"))
    for n in range(1 + facts.extra_notes_pages):
        story += [PageBreak(), *_notes(plan, theme, msgs, number=n + 1)]
    return story + [PageBreak(), *back]


def personal_story(plan: m.DocumentPlan, theme: Theme) -> tuple[list, bool]:
    """The cover and the personal pages on their own, each part after a PageMark; and whether
    the cover kept its disclaimer."""
    msgs = catalogue(plan.info.language)
    cover, cover_has_disclaimer = _cover(plan, theme, msgs)
    story = cover + [NextPageTemplate("body")]
    pages = _patient_pages(plan, theme, msgs, marks=True)
    if pages:
        story += [PageBreak(), PageMark("personal"), *pages]
    return story, cover_has_disclaimer


def _blank_pages(slots: Slots, msgs: dict) -> list:
    """The blank pages left for the personal parts, each part's anchor on its start page."""
    story = [PageMark("personal")]
    for page in range(slots.pages):
        if page:
            story += [PageBreak(), PageMark("personal")]
        story += [Anchor(key, msgs[f"{key}_title"]) for key, start in slots.starts
                  if start == page]
    return story


def _parts(plan: m.DocumentPlan, msgs: dict) -> list[tuple[str, str]]:
    """(anchor key, title) of every part listed in the contents."""
    parts = [(key, msgs[f"{key}_title"]) for key in patient_parts(plan.patient)]
    parts += [(f"section-{s.id}", s.title) for s in plan.sections]
    if plan.question_groups:
        parts.append(("questions", msgs["questions_title"]))
    if plan.terms:
        parts.append(("glossary", msgs["glossary_title"]))
    parts.append(("sources", msgs["sources_title"]))
    parts += [("notes", msgs["notes_title"]), ("contacts", msgs["contacts_title"])]
    return parts


def _cover(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> tuple[list, bool]:
    """The cover fitted to one page, and whether it kept its disclaimer: it is left out (the
    back page then has it) only when large print and a logo leave no room for it."""
    body = theme.scale.body
    disclaimer = para(theme, _disclaimer(plan), "body", "P")
    story = [
        *_logo(plan, theme, after=body),
        Spacer(1, body * 2),
        para(theme, plan.info.title, "cover_title", "H1"),
        para(theme, plan.info.subtitle, "cover_subtitle", "P"),
        para(theme, msgs["clinic_line"].format(clinic=plan.style.clinic), "box_title", "P"),
        Spacer(1, body * 2),
        para(theme, msgs["cover_prepared_for"], "box_title", "P"),
        *_cover_owner(plan, theme),
        Spacer(1, body * 2),
        disclaimer,
    ]
    fitted = _fit_page(theme, story, optional=disclaimer)
    return fitted, any(f is disclaimer for f in fitted)


def _cover_owner(plan: m.DocumentPlan, theme: Theme) -> list:
    """The patient's name under "This booklet belongs to:", or lines to write it on."""
    if plan.patient is not None and plan.patient.name:
        return [para(theme, plan.patient.name, "cover_subtitle", "P")]
    field = _field(plan, theme, "owner", catalogue(plan.info.language)["field_owner"])
    return [WriteInLines(theme.scale.leading * 1.6, theme.color("text"), count=2, field=field)]


def _field(plan: m.DocumentPlan, theme: Theme, name: str, description: str):
    """A text field for write-in lines when the booklet is fillable, else None."""
    return (name, description, theme.scale.body) if plan.fillable else None


# --- personal pages ----------------------------------------------------------------------------

def patient_parts(patient: m.Patient | None) -> list[str]:
    """Anchor keys of the personal pages this patient has, in print order."""
    if patient is None:
        return []
    given = {"care_team": patient.care_team, "visits": patient.visits,
             "medicines": patient.medicines, "patient_notes": patient.notes}
    return [key for key, value in given.items() if value]


def _patient_pages(plan: m.DocumentPlan, theme: Theme, msgs: dict, marks: bool = False) -> list:
    """"My care team", "My visits", "My medicines" and the clinician's notes, when given,
    one after the other: parts share a page when they fit, and a part starts on the next
    page unless the page holds all of it (or it is longer than a page). Each part starts
    with its Anchor, or with a PageMark for a copy's own pages (`marks`)."""
    patient, lang = plan.patient, plan.info.language
    pages = []
    for key in patient_parts(patient):
        title = msgs[f"{key}_title"]
        page = [PageMark(key) if marks else Anchor(key, title),
                para(theme, title, "h1_part", "H1")]
        if key == "care_team":
            rows = [(p.role, p.name, p.phone or "") for p in patient.care_team]
            page.append(data_table(theme, msgs["care_team_columns"], rows, None,
                                   (0.35, 0.35, 0.3), msgs["not_given"]))
        elif key == "visits":
            rows = [(format_date(v.date, lang), v.time or "", v.place or "", v.purpose or "")
                    for v in patient.visits]
            page.append(data_table(theme, msgs["visits_columns"], rows, None,
                                   (0.28, 0.19, 0.25, 0.28), msgs["not_given"]))
        elif key == "medicines":
            rows = [(d.name, d.for_ or "", d.how or "") for d in patient.medicines]
            page.append(data_table(theme, msgs["medicines_columns"], rows, None,
                                   (0.36, 0.26, 0.38), msgs["not_given"]))
        else:
            page += [para(theme, text) for text in patient.notes]
        pages.append(KeepTogether(page))
    return pages


def _contents(theme: Theme, msgs: dict, parts, facts: PageFacts, reviewed_on,
              language: str) -> list:
    toc = Element("TOC")
    rows = []
    for key, title in parts:
        page = str(facts.starts.get(key, ""))
        link = f'<a href="#{key}">{escape(title)}</a>'
        entry = Element("TOCI", parent=toc)
        rows.append([tagged(_raw_para(theme, link, "toc"), "Link", parent=entry),
                     tagged(_raw_para(theme, page, "toc_page"), "P", parent=entry)])
    width = theme.frame_width
    number_width = theme.scale.body * 3
    heading = para(theme, msgs["contents"], "h1", "H1")
    # the review date printed once as text (the footer's is a pagination artifact)
    reviewed = para(theme, msgs["reviewed"].format(date=format_date(reviewed_on, language)) + ".",
                    "body", "P")
    room = _room(theme) - _height(theme, [heading, reviewed])
    # rows close up (down to no padding) rather than spill a few entries onto a second page
    for pad in (0.25, 0.15, 0.05, 0.25):
        table = Table(rows, colWidths=[width - number_width, number_width], style=table_style(
            theme,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), theme.scale.body * pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), theme.scale.body * pad),
            ("LINEBELOW", (0, 0), (-1, -1), 0.75, theme.color("primary")),
        ))
        if table.wrap(width, room)[1] <= room:
            break
    return [heading, reviewed, tagged(table, toc)]


def _disclaimer(plan: m.DocumentPlan) -> str:
    """The style's disclaimer when it has one, else the content's."""
    return plan.style.disclaimer or plan.info.disclaimer


def web_link(url: str, text: str | None = None) -> str:
    """Markup for a link that looks like one: underlined, in the text's own colour (its
    contrast kept). `text` defaults to the address without https://."""
    href = url if re.match(r"^https?://", url) else f"https://{url}"
    shown = text if text is not None else escape(re.sub(r"^https?://", "", url).rstrip("/"))
    attribute = escape(href).replace('"', "&quot;")
    return f'<u><a href="{attribute}">{shown}</a></u>'


def _raw_para(theme: Theme, markup_text: str, style: str, **attrs):
    """A paragraph from markup we made ourselves (already escaped)."""
    return Paragraph(theme.fonts.with_fallback(markup_text), theme.paragraph(style), **attrs)


def record_section(plan: m.DocumentPlan, theme: Theme, section: m.Section
                   ) -> RecordedSection | None:
    """A booklet's section drawn on its own in the plan's look, for booklets to replay; None
    when it cannot be replayed."""
    doc = new_doc(plan, theme, 0, doc_class=RecordingDoc, first_template="body")
    return record(doc, _section_body(plan, theme, section))


def _section_body(plan: m.DocumentPlan, theme: Theme, section: m.Section) -> list:
    """A section's title, summary and body: they depend on the look alone (the theme and the
    language), which is what lets a recording of them stand for every booklet."""
    lang = plan.info.language
    story = [Anchor(f"section-{section.id}", section.title),
             para(theme, section.title, "h1", "H1"),
             para(theme, section.summary, "body", "P")]
    for n, block in enumerate(section.body):
        made = render_block(theme, block, lang)
        if isinstance(block, m.Heading):      # a bookmark under the section's, kept with it
            made.insert(1, Anchor(f"section-{section.id}-{n}", block.text, level=1,
                                  keep_with_next=True))
        story += made
    return story


def _sources_line(plan: m.DocumentPlan, theme: Theme, section: m.Section, msgs: dict,
                  facts: PageFacts):
    """The line after a booklet's section: its sources' numbers in the list at the back."""
    numbers = ", ".join(str(n) for n in sorted(plan.sources.index(src) + 1
                                                for src in section.sources))
    pointer = msgs["section_sources" if len(section.sources) > 1 else "section_source"]
    return para(theme, pointer.format(numbers=numbers, page=facts.starts.get("sources", "")),
                "item", "P")


def _section_sources(plan: m.DocumentPlan, theme: Theme, section: m.Section,
                     msgs: dict) -> list:
    """A section's sources, listed under it (a long handout)."""
    return [para(theme, msgs["sources"], "h2", "H2"),
            *list_items(theme, [_source_entry(theme, src, msgs, plan.info.language)
                                for src in section.sources])]


def _source_entry(theme: Theme, src: m.Source, msgs: dict, lang: str):
    """One cited work: its title, publisher, note and the date it was read. A title with an
    address is a link of its own, on its own line (a Link element holding its text, with a
    short description); the rest follows. A title or publisher in another language than the
    booklet's is marked as that language."""
    title = escape(src.title.rstrip("."))
    rest = [in_language(escape(src.publisher.rstrip(".")), src.publisher_language, lang)]
    if src.note:
        rest.append(escape(src.note.rstrip(".")))
    rest.append(escape(msgs["source_accessed"].format(date=format_date(src.accessed, lang))))
    if not src.url:
        return _raw_para(theme, ". ".join([in_language(title, src.language, lang), *rest])
                         + ".", "source")
    site = re.sub(r"^(https?://)?(www\.)?", "", src.url).split("/")[0]
    link = tagged(_raw_para(theme, web_link(src.url, title) + ".", "cell"), "Link",
                  lang=other_language(src.language, lang),
                  description=f"{src.title.rstrip('.')} ({site})")
    return link, tagged(_raw_para(theme, ". ".join(rest) + ".", "source"), "P")


def other_language(tag: str | None, language: str) -> str | None:
    """`tag` when it names another language than the booklet's `language` code, else None."""
    if tag and tag.split("-")[0].lower() != language:
        return tag
    return None


def in_language(markup_text: str, tag: str | None, language: str) -> str:
    """Markup for a run of text in the language `tag`: marked as such (booklet.tagging's
    language runs) when that is not the booklet's `language`."""
    tag = other_language(tag, language)
    if tag is None:
        return markup_text
    return (f'<onDraw name="{LANGUAGE_RUN}" label="{tag}"/>{markup_text}'
            f'<onDraw name="{LANGUAGE_RUN}" label="end"/>')


def _sources(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> list:
    """Every work the booklet's sections cite, once, numbered in order of first citation."""
    lang = plan.info.language
    return [Anchor("sources", msgs["sources_title"]),
            para(theme, msgs["sources_title"], "h1", "H1"),
            para(theme, msgs["sources_intro"], "body", "P"),
            *list_items(theme, [_source_entry(theme, src, msgs, lang) for src in plan.sources],
                        numbered=True)]


def _questions(plan: m.DocumentPlan, theme: Theme, msgs: dict, write_in_lines: int,
               items: ItemRecorder | None = None) -> list:
    """The checklist: a tick box per question, with lines for the answer in booklets; each
    question drawn once a look (`items`) when it has no form fields."""
    intro = msgs["questions_intro"] if write_in_lines else msgs["questions_intro_short"]
    story = [Anchor("questions", msgs["questions_title"]),
             para(theme, msgs["questions_title"], "h1", "H1"),
             para(theme, intro, "body", "P")]
    for group in plan.question_groups:
        story.append(para(theme, group.title, "h2", "H2"))
        checklist = Element("L", attributes={"O": "List", "ListNumbering": "None"})
        for q in group.questions:
            def make(parent: Element, q=q) -> CheckItem:
                return CheckItem(
                    Paragraph(markup(q.text, theme.fonts), theme.paragraph("body")),
                    theme.scale.body, theme.scale.leading * 1.15, write_in_lines,
                    theme.color("text"), f"question-{q.id}", Element("LI", parent=parent),
                    fillable=plan.fillable,
                    answer_description=msgs["field_answer"].format(question=q.text))
            story.append(items.item(("question", q.text, write_in_lines), make, checklist)
                         if items and not plan.fillable else make(checklist))
    return story


def _glossary(plan: m.DocumentPlan, theme: Theme, msgs: dict,
              items: ItemRecorder | None = None) -> list:
    """A list of terms: each in bold, how to say it when that is not plain, and its
    definition; each entry drawn once a look (`items`)."""
    story = [Anchor("glossary", msgs["glossary_title"]),
             para(theme, msgs["glossary_title"], "h1", "H1")]
    names = {t.id: t.term for t in plan.terms}
    entries = []
    for term in plan.terms:
        definition = term.definition
        see = [names.get(t) for t in term.see_also if t in names]
        if see:
            definition += f" {msgs['glossary_see_also']} {', '.join(see)}."
        say = (f"({escape(msgs['glossary_say'])}: {escape(term.pronunciation)}): "
               if term.pronunciation else "")
        entries.append((term.term, say + markup(definition)))
    return story + term_items(theme, entries, "term", items)


def term_items(theme: Theme, entries, style: str, items: ItemRecorder | None = None) -> list:
    """A list (L) of (word, meaning markup) pairs: each an item whose label is the word in
    bold (with a colon when the meaning follows at once) and whose body is the meaning; with
    `items`, each drawn once a look and replayed."""
    group = Element("L", attributes={"O": "List", "ListNumbering": "None"})
    story = []
    for word, meaning in entries:
        def make(parent: Element, word=word, meaning=meaning) -> TermItem:
            colon = "" if meaning.startswith("(") else ":"
            label = _raw_para(theme, theme.term_markup(escape(word)) + colon, style)
            return TermItem.of(label, theme.fonts.with_fallback(meaning), theme.paragraph(style),
                               lambda indent: theme.indented(style, indent),
                               theme.frame_width, Element("LI", parent=parent))
        story.append(items.item(("term", word, meaning, style), make, group) if items
                     else make(group))
    return story


def _notes(plan: m.DocumentPlan, theme: Theme, msgs: dict, number: int) -> list:
    """One page to write on. The first page's title is the part's heading; the next pages
    repeat it as an artifact, so a reader meets one "Notes" heading, not one per page."""
    field = _field(plan, theme, f"notes-{number}", msgs["field_notes"].format(page=number))
    lines = WriteInLines(theme.scale.leading * 1.5, theme.color("text"), field=field)
    if number == 1:
        return [Anchor("notes", msgs["notes_title"]), para(theme, msgs["notes_title"], "h1", "H1"),
                lines]
    title = Paragraph(markup(msgs["notes_title"]), theme.paragraph("h1"))
    return [Artifact(title), lines]


def _back_page(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> tuple[list, bool]:
    """The back page fitted to one page, and whether it kept the disclaimer."""
    style = plan.style
    c = style.contacts
    story = [Anchor("contacts", msgs["contacts_title"]), *_logo(plan, theme, after=0),
             para(theme, msgs["contacts_title"], "h1", "H1"),
             para(theme, style.clinic, "box_title", "P")]
    given = [(key, getattr(c, key)) for key in ("phone", "hours", "address", "website")
             if getattr(c, key)]
    for key, value in given:
        label = escape(msgs[f"contacts_{key}"])
        shown = web_link(value) if key == "website" else escape(value)
        # a line with an address is a Link element holding its own text
        story.append(tagged(_raw_para(theme, f"{label} {shown}", "body"),
                            "Link" if key == "website" else "P"))
    if not given:
        story.append(_write_in_rows(plan, theme, msgs["contacts_write_in"]))
    if style.qr:
        story.append(_qr_beside_address(theme, style.qr, msgs))
    if style.helpline:
        story += [para(theme, msgs["helpline_title"], "h2", "H2"), para(theme, style.helpline)]
    disclaimer = para(theme, _disclaimer(plan))
    story += [Spacer(1, theme.scale.body), disclaimer]
    # The disclaimer gives way rather than run onto a page of its own; the caller then
    # prints it elsewhere unless the cover has it.
    fitted = _fit_page(theme, story, optional=disclaimer)
    return fitted, any(f is disclaimer for f in fitted)


def _write_in_rows(plan: m.DocumentPlan, theme: Theme, labels: list[str]) -> Table:
    """A label and a line to write on, side by side, per row (fields when fillable)."""
    label_style = theme.paragraph("box_title")
    label_width = max(stringWidth(f"{label}:", label_style.fontName, label_style.fontSize)
                      for label in labels) + theme.scale.body
    rows = [[para(theme, f"{label}:", "box_title", "P"),
             WriteInLines(theme.scale.leading * 1.3, theme.color("text"), count=1,
                          field=_field(plan, theme, f"contact-{i}", label))]
            for i, label in enumerate(labels, start=1)]
    return tagged(Table(rows, colWidths=[label_width, theme.frame_width - label_width],
                        style=table_style(theme, ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                          ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                          ("BOTTOMPADDING", (0, 0), (-1, -1), 0))),
                  "Div")


def _fit_page(theme: Theme, story: list, optional=None) -> list:
    """A one-page story made to fit: its spacers shrink (to half the body size at least),
    then `optional` is left out, then the spacers may close up entirely. A story that still
    does not fit flows on as it is."""
    without = [f for f in story if f is not optional]
    half = theme.scale.body * 0.5
    for tried, floor in ((story, half), (without, half), (without, 0.0)):
        free = _room(theme) - _height(theme, tried)
        spacers = [f for f in tried if isinstance(f, Spacer)]
        wanted = sum(f.height for f in spacers)
        if free >= wanted:
            return tried
        if free >= floor * len(spacers):
            shrink = (free - floor * len(spacers)) / max(wanted - floor * len(spacers), 1)
            for f in spacers:
                f.height = floor + (f.height - floor) * max(0.0, min(shrink, 1.0))
            return tried
    return story


def _room(theme: Theme) -> float:
    """The height of a page's text frame, less a little for reportlab's rounding."""
    return theme.page_size[1] - 2 * theme.margin - theme.footer_height - 2


def _height(theme: Theme, story: list) -> float:
    """The height the non-spacer flowables of `story` take, with their space around them."""
    total = 0.0
    for f in story:
        if not isinstance(f, Spacer):
            total += f.wrap(theme.frame_width, _room(theme))[1] + f.getSpaceBefore() \
                + f.getSpaceAfter()
    return total


def _logo(plan: m.DocumentPlan, theme: Theme, after: float) -> list:
    """The style's logo (a figure with its alt text) and the space below it, if it has one."""
    if plan.style.logo is None:
        return []
    return [logo_figure(plan.style.logo), Spacer(1, theme.scale.body * 0.5 + after)]


def _qr_beside_address(theme: Theme, url: str, msgs: dict) -> Table:
    """The QR code with the address it opens written out beside it, for readers without a
    phone camera."""
    address = re.sub(r"^https?://", "", url).rstrip("/")
    code = qr_figure(url, theme.color("text"), msgs["qr_alt"].format(address=address),
                     known=theme.qr_codes)
    text = tagged(_raw_para(theme, escape(msgs["qr_caption"]).format(
        address=web_link(url, escape(address))), "body"), "Link")
    gap = theme.scale.body
    row = Table([[code, text]], colWidths=[code.width + gap, theme.frame_width - code.width - gap],
                style=table_style(theme, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                  *[(side, (0, 0), (-1, -1), 0) for side in
                                    ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING",
                                     "BOTTOMPADDING")]),
                spaceBefore=theme.scale.body * 0.6, spaceAfter=theme.scale.body * 0.6)
    return tagged(row, "Div")


# --- handout ---------------------------------------------------------------------------------

def _handout_story(plan: m.DocumentPlan, theme: Theme, facts: PageFacts) -> list:
    """One sheet (front and back) per section from its short form; each sheet after the
    first starts on a new sheet, so a blank back is marked as such. Sections without a short
    form print whole, with their question groups."""
    msgs = catalogue(plan.info.language)
    if not plan.sheets:
        return _long_handout_story(plan, theme, msgs)
    story: list = []
    for i, sheet in enumerate(plan.sheets):
        if i:
            story.append(PageBreak())
            if facts.starts.get(f"sheet-end-{i - 1}", 0) % 2:
                story += [BlankPageNote(msgs["blank_page"], theme), PageBreak()]
        story += _sheet(plan, theme, sheet, msgs)
        story.append(Anchor(f"sheet-end-{i}", "", record_only=True))
    return story


def _front_header(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> list:
    """The clinic's name, phone and hours, and the patient's name, at the top of a sheet."""
    style = plan.style
    lines = [para(theme, msgs["clinic_line"].format(clinic=style.clinic), "box_title", "P")]
    contact = [msgs[key].format(**{field: value}) for key, field, value in (
        ("handout_phone", "phone", style.contacts.phone),
        ("handout_hours", "hours", style.contacts.hours)) if value]
    if contact:
        lines.append(para(theme, " · ".join(contact), "cell", "P"))
    if plan.patient is not None and plan.patient.name:
        lines.append(para(theme, msgs["handout_for"].format(name=plan.patient.name), "cell", "P"))
    pad = theme.scale.body * 0.5
    band = Table([[lines]], colWidths=[theme.frame_width], style=table_style(
        theme, ("LINEBELOW", (0, 0), (-1, -1), 3, theme.color("primary")),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), pad)),
        spaceAfter=theme.scale.body * 0.5)
    return [tagged(band, "Div")]


def _sheet(plan: m.DocumentPlan, theme: Theme, sheet: m.Sheet, msgs: dict) -> list:
    """One section's short form: the front carries who it is from and the main message; the
    back ends with the sources line, the pointer to the full booklet and the disclaimer."""
    lang, form, section = plan.info.language, sheet.section.handout, sheet.section
    story = [Anchor(f"section-{section.id}", section.title), *_front_header(plan, theme, msgs),
             para(theme, section.title, "h1", "H1"),
             para(theme, form.message, "lead", "P")]
    story += render_block(theme, m.KeyPoints(form.key_points), lang)
    story += [para(theme, msgs["handout_what_to_do"], "h2", "H2"),
              *items(theme, form.what_to_do)]
    story += render_block(theme, m.CallCareTeam(form.call_right_away), lang)
    if form.call_911:
        story += render_block(theme, m.Call911(form.call_911), lang)
    story.append(para(theme, msgs["handout_questions"], "h2", "H2"))
    checklist = Element("L", attributes={"O": "List", "ListNumbering": "None"})
    for q in sheet.questions:
        story.append(CheckItem(
            Paragraph(markup(q.text, theme.fonts), theme.paragraph("item")),
            theme.scale.body, 0, 0, theme.color("text"), f"question-{section.id}-{q.id}",
            Element("LI", parent=checklist), fillable=plan.fillable))
    if sheet.terms:
        story.append(para(theme, msgs["handout_words"], "h2", "H2"))
        story += term_items(theme, [(t.term, markup(t.definition)) for t in sheet.terms],
                            "item")
    publishers = dict.fromkeys((src.publisher.split(" (")[0], src.publisher_language)
                               for src in section.sources)
    named = "; ".join(in_language(escape(name), tag, lang) for name, tag in publishers)
    story.append(tagged(_raw_para(theme, escape(msgs["handout_sources"]).format(
        sources=named), "item"), "P"))
    address = plan.style.qr or plan.style.contacts.website
    if address:
        story.append(tagged(_raw_para(theme, escape(msgs["handout_booklet"]).format(
            address=web_link(address)), "item"), "Link"))
    story.append(para(theme, _disclaimer(plan), "item", "P"))
    return story


def _long_handout_story(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> list:
    """Sections printed whole, their questions and the disclaimer: for content that has no
    short forms."""
    story = [para(theme, msgs["clinic_line"].format(clinic=plan.style.clinic), "box_title", "P")]
    if plan.patient is not None and plan.patient.name:
        story.append(para(theme, msgs["handout_for"].format(name=plan.patient.name), "body", "P"))
    for i, section in enumerate(plan.sections):
        if i:
            story.append(Spacer(1, theme.scale.body))
        story += [*_section_body(plan, theme, section),
                  *_section_sources(plan, theme, section, msgs)]
    if plan.question_groups:
        story += [Spacer(1, theme.scale.body), *_questions(plan, theme, msgs, write_in_lines=0)]
    story += [Spacer(1, theme.scale.body),
              para(theme, _disclaimer(plan), "box_title", "P")]
    c = plan.style.contacts
    if c.phone:
        story.append(para(theme, f"{plan.style.clinic}: {c.phone}"))
    return story
