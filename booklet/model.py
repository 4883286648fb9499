"""The data booklet works on: content, brand and the document plan. Frozen, no behaviour."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


# --- body blocks -------------------------------------------------------------------------

@dataclass(frozen=True)
class Paragraph:
    text: str
    kind = "paragraph"


@dataclass(frozen=True)
class Heading:
    text: str
    kind = "heading"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    kind = "bullets"


@dataclass(frozen=True)
class Steps:
    items: tuple[str, ...]
    kind = "steps"


@dataclass(frozen=True)
class KeyPoints:
    items: tuple[str, ...]
    kind = "key_points"


@dataclass(frozen=True)
class CallCareTeam:
    items: tuple[str, ...]
    kind = "call_care_team"


@dataclass(frozen=True)
class Call911:
    """Emergencies, as general safety advice: "Call 911 or go to the emergency room if"."""
    items: tuple[str, ...]
    kind = "call_911"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, str]
    rows: tuple[tuple[str, str], ...]
    caption: str | None = None
    kind = "table"


@dataclass(frozen=True)
class Image:
    file: str
    alt: str
    caption: str | None = None
    path: Path | None = None  # resolved against the content folder on load
    kind = "image"


@dataclass(frozen=True)
class Panel:
    """One box of a diagram: a title, what it says, and an optional note at its foot."""
    title: str
    text: str
    note: str | None = None


@dataclass(frozen=True)
class Diagram:
    """Boxes of words side by side, drawn as shapes with real text in the style's colours
    (not a picture of text); read by screen readers through its alt text."""
    panels: tuple[Panel, ...]
    alt: str
    caption: str | None = None
    kind = "diagram"


@dataclass(frozen=True)
class Quote:
    text: str
    by: str | None = None
    kind = "quote"


Block = (Paragraph | Heading | Bullets | Steps | KeyPoints | CallCareTeam | Call911 | Table | Image
         | Diagram | Quote)


# --- content -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    accessed: dt.date
    url: str | None = None
    note: str | None = None
    id: str | None = None  # its id in sources.yaml; None when written inline in a section
    language: str | None = None            # the work's language (BCP 47), when not the content's
    publisher_language: str | None = None  # the publisher's name's, when left untranslated


@dataclass(frozen=True)
class Handout:
    """A section's short form, written for one printed sheet."""

    message: str                       # the main message, one sentence
    key_points: tuple[str, ...]
    what_to_do: tuple[str, ...]
    call_right_away: tuple[str, ...]   # the signs that need a call now
    questions: tuple[str, ...]         # question ids
    glossary: tuple[str, ...] = ()     # term ids
    call_911: tuple[str, ...] = ()     # emergencies, general advice


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    summary: str
    topics: tuple[str, ...]
    reviewed: dt.date
    sources: tuple[Source, ...]
    glossary: tuple[str, ...]
    questions: tuple[str, ...]
    body: tuple[Block, ...]
    path: Path
    handout: Handout | None = None


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    pronunciation: str | None  # only for words a reader may not know how to say
    definition: str
    see_also: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    path: Path | None = None


@dataclass(frozen=True)
class Question:
    id: str
    text: str


@dataclass(frozen=True)
class QuestionGroup:
    id: str
    title: str
    questions: tuple[Question, ...]
    path: Path | None = None


@dataclass(frozen=True)
class Preset:
    id: str
    title: str
    description: str
    sections: tuple[str, ...]  # resolved: 'all' becomes every section id


@dataclass(frozen=True)
class BookInfo:
    title: str
    subtitle: str
    short_title: str
    subject: str
    language: str
    disclaimer: str
    order: tuple[str, ...] = ()
    default_preset: str = ""


@dataclass(frozen=True)
class Library:
    """Everything in one content folder, validated and cross-checked."""

    root: Path
    info: BookInfo
    sections: dict[str, Section]
    terms: dict[str, Term]
    groups: dict[str, QuestionGroup]
    presets: dict[str, Preset]
    sources: dict[str, Source] = field(default_factory=dict)  # sources.yaml, by id
    plan_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # keyword -> section ids
    fhir_codes: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # -> keywords


# --- brand ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Colors:
    text: str
    background: str
    primary: str
    accent: str
    warning: str


@dataclass(frozen=True)
class Contacts:
    phone: str | None = None
    hours: str | None = None
    address: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Wording:
    """A style text given once per language: ((code, text), ...)."""

    texts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Logo:
    file: str
    alt: str
    path: Path | None = None  # resolved against the style file's folder on load
    # what was read from the file on load: an SVG's Drawing or a PNG/JPEG's pixel size
    picture: object = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Style:
    id: str
    name: str
    clinic: str
    colors: Colors
    font_family: str
    base_size: float
    paper: str
    margin_in: float
    contacts: Contacts
    helpline: str | None
    disclaimer: str | None
    path: Path
    logo: Logo | None = None
    font_files: tuple[Path, Path] | None = None  # (regular, bold) TTFs instead of a family
    body_weight: str = "regular"                  # "bold" sets body text in the bold face
    qr: str | None = None                         # a web address printed as a QR code


# --- patient -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CareTeamMember:
    role: str
    name: str
    phone: str | None = None


@dataclass(frozen=True)
class Visit:
    date: dt.date
    time: str | None = None
    place: str | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class Medicine:
    name: str
    for_: str | None = None  # what it is for ('for' in the YAML)
    how: str | None = None  # how and when to take it


@dataclass(frozen=True)
class Patient:
    """One person's details for a personal booklet. Printed in the PDF, never anywhere else."""

    name: str | None = None  # the preferred name
    language: str | None = None
    care_team: tuple[CareTeamMember, ...] = ()
    visits: tuple[Visit, ...] = ()
    medicines: tuple[Medicine, ...] = ()
    plan: tuple[str, ...] = ()  # treatment plan keywords, lower case
    notes: tuple[str, ...] = ()  # paragraphs from the clinician
    source: str | None = None  # where the fields were read from (a file, a job), for messages
    plan_origins: tuple[str, ...] = ()  # where each plan keyword came from, like 'plan[0]'


@dataclass(frozen=True)
class Sheet:
    """One section's one-sheet handout, with its questions and terms looked up."""

    section: Section
    questions: tuple[Question, ...]
    terms: tuple[Term, ...]


# --- what to build -------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentPlan:
    """An ordered, fully resolved description of one PDF; no layout decisions yet. Hashable
    all the way down, so layouts can be keyed on the plan itself."""

    format: str  # "booklet" or "handout"
    info: BookInfo
    style: Style
    paper: str
    reviewed: dt.date
    sections: tuple[Section, ...]
    question_groups: tuple[QuestionGroup, ...]
    terms: tuple[Term, ...] = field(default=())
    patient: Patient | None = None
    fillable: bool = False  # tick boxes and write-in lines become PDF form fields
    duplex: bool = False    # printed on both sides: parts start on right-hand pages
    draft: bool = False     # a translation not all reviewed: every footer says so
    sheets: tuple[Sheet, ...] = ()  # a handout: one sheet per section, from its short form
    sources: tuple[Source, ...] = ()  # a booklet's numbered list: each cited work once
