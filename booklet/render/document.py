"""Lay out a DocumentPlan: build the story, run layout passes until page numbers settle."""
from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.platypus import NextPageTemplate, PageBreak, Paragraph, Spacer, Table

from .. import model as m
from ..messages import catalogue, format_date
from .blocks import BULLET, para, render_block, table_style
from .flowables import Anchor, CheckItem, WriteInLines, tagged
from .pages import Footer, LayoutDoc
from .theme import Theme

MAX_PASSES = 5


@dataclass(frozen=True)
class PageFacts:
    """What one layout pass learned, fed into the next: where parts start and the page count."""

    starts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    extra_notes_pages: int = 0


def render_pdf(plan: m.DocumentPlan) -> tuple[bytes, PageFacts]:
    """PDF bytes for the plan, with contents and 'Page N of M' right on every page."""
    theme = Theme.for_plan(plan)
    facts = PageFacts()
    for _ in range(MAX_PASSES):
        pdf, starts, total = _layout_once(plan, theme, facts)
        pad = 1 if plan.format == "booklet" and total % 2 else 0
        settled = PageFacts(starts, total, facts.extra_notes_pages + pad)
        if settled == facts:
            return pdf, facts
        facts = settled
    raise RuntimeError("page layout did not settle; please report this with the content used")


def document_title(plan: m.DocumentPlan) -> str:
    """The PDF title: the booklet's, or the handout's section titles."""
    if plan.format == "handout":
        return " and ".join(s.title for s in plan.sections)
    return plan.info.title


def _layout_once(plan: m.DocumentPlan, theme: Theme, facts: PageFacts):
    msgs = catalogue(plan.info.language)
    footer = Footer(theme, plan.info.short_title, msgs["page_of"],
                    msgs["reviewed"].format(date=format_date(plan.reviewed, plan.info.language)))
    footer.total = facts.total
    buffer = BytesIO()
    doc = LayoutDoc(
        buffer, theme, footer, first_template="cover" if plan.format == "booklet" else "body",
        title=document_title(plan), author=plan.style.clinic, subject=plan.info.subject,
        keywords=sorted({t for s in plan.sections for t in s.topics}), creator="booklet",
        lang=plan.info.language, displayDocTitle=1, invariant=1,
        initialFontName=theme.fonts.regular, initialFontSize=theme.scale.body)
    story = (_booklet_story if plan.format == "booklet" else _handout_story)(plan, theme, facts)
    doc.build(story)
    return buffer.getvalue(), dict(doc.anchor_pages), doc.page


# --- booklet ---------------------------------------------------------------------------------

def _booklet_story(plan: m.DocumentPlan, theme: Theme, facts: PageFacts) -> list:
    msgs = catalogue(plan.info.language)
    parts = _parts(plan, msgs)
    story = _cover(plan, theme, msgs)
    story += [NextPageTemplate("body"), PageBreak()]
    story += _contents(theme, msgs, parts, facts)
    for section in plan.sections:
        story += [PageBreak(), *_section(plan, theme, section, msgs)]
    if plan.question_groups:
        story += [PageBreak(), *_questions(plan, theme, msgs, write_in_lines=2)]
    if plan.terms:
        story += [PageBreak(), *_glossary(plan, theme, msgs)]
    for n in range(1 + facts.extra_notes_pages):
        story += [PageBreak(), *_notes(theme, msgs, anchor=(n == 0))]
    story += [PageBreak(), *_back_page(plan, theme, msgs)]
    return story


def _parts(plan: m.DocumentPlan, msgs: dict) -> list[tuple[str, str]]:
    """(anchor key, title) of every part listed in the contents."""
    parts = [(f"section-{s.id}", s.title) for s in plan.sections]
    if plan.question_groups:
        parts.append(("questions", msgs["questions_title"]))
    if plan.terms:
        parts.append(("glossary", msgs["glossary_title"]))
    parts += [("notes", msgs["notes_title"]), ("contacts", msgs["contacts_title"])]
    return parts


def _cover(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> list:
    body = theme.scale.body
    return [
        Spacer(1, body * 2),
        para(theme, plan.info.title, "cover_title", "H1"),
        para(theme, plan.info.subtitle, "cover_subtitle", "P"),
        para(theme, msgs["clinic_line"].format(clinic=plan.style.clinic), "box_title", "P"),
        Spacer(1, body * 2),
        para(theme, msgs["cover_prepared_for"], "box_title", "P"),
        WriteInLines(theme.scale.leading * 1.6, theme.color("text"), count=2),
        Spacer(1, body * 2),
        para(theme, _disclaimer(plan), "body", "P"),
    ]


def _contents(theme: Theme, msgs: dict, parts, facts: PageFacts) -> list:
    rows = []
    for key, title in parts:
        page = str(facts.starts.get(key, ""))
        link = f'<a href="#{key}">{escape(title)}</a>'
        rows.append([tagged(_raw_para(theme, link, "toc"), "P"),
                     tagged(_raw_para(theme, page, "toc_page"), "P")])
    width = theme.frame_width
    number_width = theme.scale.body * 3
    table = Table(rows, colWidths=[width - number_width, number_width], style=table_style(
        theme,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), theme.scale.body * 0.25),
        ("BOTTOMPADDING", (0, 0), (-1, -1), theme.scale.body * 0.25),
        ("LINEBELOW", (0, 0), (-1, -1), 0.75, theme.color("primary")),
    ))
    return [para(theme, msgs["contents"], "h1", "H1"), tagged(table, "TOC")]


def _disclaimer(plan: m.DocumentPlan) -> str:
    """The style's disclaimer when it has one, else the content's."""
    return plan.style.disclaimer or plan.info.disclaimer


def _raw_para(theme: Theme, markup_text: str, style: str, **attrs):
    """A paragraph from markup we made ourselves (already escaped)."""
    return Paragraph(markup_text, theme.paragraph(style), **attrs)


def _section(plan: m.DocumentPlan, theme: Theme, section: m.Section, msgs: dict) -> list:
    lang = plan.info.language
    story = [Anchor(f"section-{section.id}", section.title),
             para(theme, section.title, "h1", "H1"),
             para(theme, section.summary, "body", "P")]
    for block in section.body:
        story += render_block(theme, block, lang)
    story.append(para(theme, msgs["sources"], "h2", "H2"))
    entries = []
    for src in section.sources:
        title = escape(src.title.rstrip("."))
        if src.url:
            title = f'<a href="{escape(src.url)}">{title}</a>'
        parts = [title, escape(src.publisher.rstrip("."))]
        if src.note:
            parts.append(escape(src.note.rstrip(".")))
        parts.append(escape(msgs["source_accessed"].format(date=format_date(src.accessed, lang))))
        text = ". ".join(parts) + "."
        entries.append(tagged(_raw_para(theme, text, "source", bulletText=BULLET), "LI"))
    return story + entries


def _questions(plan: m.DocumentPlan, theme: Theme, msgs: dict, write_in_lines: int) -> list:
    """The checklist: a tick box per question, with lines for the answer in booklets."""
    intro = msgs["questions_intro"] if write_in_lines else msgs["questions_intro_short"]
    story = [Anchor("questions", msgs["questions_title"]),
             para(theme, msgs["questions_title"], "h1", "H1"),
             para(theme, intro, "body", "P")]
    for group in plan.question_groups:
        story.append(para(theme, group.title, "h2", "H2"))
        for q in group.questions:
            story.append(CheckItem(para(theme, q.text, "body", "P"), theme.scale.body,
                                   theme.scale.leading * 1.3, write_in_lines,
                                   theme.color("text"), f"question-{q.id}"))
    return story


def _glossary(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> list:
    story = [Anchor("glossary", msgs["glossary_title"]),
             para(theme, msgs["glossary_title"], "h1", "H1")]
    names = {t.id: t.term for t in plan.terms}
    for term in plan.terms:
        story.append(tagged(_raw_para(
            theme, f"<b>{escape(term.term)}</b> ({escape(msgs['glossary_say'])}:"
                   f" {escape(term.pronunciation)})", "term"), "P"))
        definition = term.definition
        see = [names.get(t) for t in term.see_also if t in names]
        if see:
            definition += f" {msgs['glossary_see_also']} {', '.join(see)}."
        story.append(para(theme, definition))
    return story


def _notes(theme: Theme, msgs: dict, anchor: bool) -> list:
    story = [Anchor("notes", msgs["notes_title"])] if anchor else []
    return story + [para(theme, msgs["notes_title"], "h1", "H1"),
                    WriteInLines(theme.scale.leading * 1.5, theme.color("text"))]


def _back_page(plan: m.DocumentPlan, theme: Theme, msgs: dict) -> list:
    style = plan.style
    c = style.contacts
    story = [Anchor("contacts", msgs["contacts_title"]),
             para(theme, msgs["contacts_title"], "h1", "H1"),
             para(theme, style.clinic, "box_title", "P")]
    given = [(msgs[f"contacts_{k}"], getattr(c, k)) for k in ("phone", "hours", "address",
                                                              "website") if getattr(c, k)]
    if given:
        story += [para(theme, f"{label} {value}") for label, value in given]
    else:
        for label in msgs["contacts_write_in"]:
            story += [para(theme, f"{label}:", "box_title", "P"),
                      WriteInLines(theme.scale.leading * 1.2, theme.color("text"), count=1)]
    if style.helpline:
        story += [para(theme, msgs["helpline_title"], "h2", "H2"), para(theme, style.helpline)]
    story += [Spacer(1, theme.scale.body), para(theme, _disclaimer(plan))]
    return story


# --- handout ---------------------------------------------------------------------------------

def _handout_story(plan: m.DocumentPlan, theme: Theme, facts: PageFacts) -> list:
    """Sections, their questions and the disclaimer; `facts` unused (no contents to number)."""
    msgs = catalogue(plan.info.language)
    story = [para(theme, msgs["clinic_line"].format(clinic=plan.style.clinic), "box_title", "P")]
    for i, section in enumerate(plan.sections):
        if i:
            story.append(Spacer(1, theme.scale.body))
        story += _section(plan, theme, section, msgs)
    if plan.question_groups:
        story += [Spacer(1, theme.scale.body), *_questions(plan, theme, msgs, write_in_lines=0)]
    story += [Spacer(1, theme.scale.body),
              para(theme, _disclaimer(plan), "box_title", "P")]
    c = plan.style.contacts
    if c.phone:
        story.append(para(theme, f"{plan.style.clinic}: {c.phone}"))
    return story


