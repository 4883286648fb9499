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
class Quote:
    text: str
    by: str | None = None
    kind = "quote"


Block = Paragraph | Heading | Bullets | Steps | KeyPoints | CallCareTeam | Table | Image | Quote


# --- content -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    accessed: dt.date
    url: str | None = None
    note: str | None = None


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


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    pronunciation: str
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


# --- what to build -------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentPlan:
    """An ordered, fully resolved description of one PDF; no layout decisions yet."""

    format: str  # "booklet" or "handout"
    info: BookInfo
    style: Style
    paper: str
    reviewed: dt.date
    sections: tuple[Section, ...]
    question_groups: tuple[QuestionGroup, ...]
    terms: tuple[Term, ...] = field(default=())
