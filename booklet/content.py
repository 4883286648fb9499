"""Read a content folder into a validated Library; also the source of its JSON Schemas."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from . import model as m
from .errors import InputError
from .language import LANGUAGE_TAG, language_code, language_info
from .specs import (AnyOf, Const, Date, Field, Id, Invalid, ListOf, MapOf, OneOfKeys, Record,
                    Text, Url, did_you_mean, join)
from .yamlfile import read_yaml, shown

# --- specs: what each file kind may hold ----------------------------------------------------

_items = ListOf(Text(description="one item, as plain text"), min_items=1,
                description="a list of items, one per line starting with '- '")


class _Row(ListOf):
    """A table row: exactly two cells of text."""

    def check(self, value, path):
        cells = super().check(value, path)
        if len(cells) != 2:
            raise Invalid(path, f"has {len(cells)} cells; a table row has exactly 2."
                                " Fix: write it as [left cell, right cell].")
        return tuple(cells)

    def schema(self):
        s = super().schema()
        s["minItems"] = s["maxItems"] = 2
        return s


def _table(columns, rows, caption=None):
    return m.Table(tuple(columns), tuple(rows), caption)


BLOCK = OneOfKeys(
    noun="block kind",
    description="one block of the section body",
    kinds={
        "paragraph": Text(description="a paragraph of plain text"),
        "heading": Text(description="a subheading", one_line=True, max_length=80),
        "bullets": _items,
        "steps": _items,
        "key_points": _items,
        "call_care_team": _items,
        "call_911": _items,
        "table": Record(fields={
            "columns": Field(_Row(Text(one_line=True), description="the two column headings")),
            "rows": Field(ListOf(_Row(Text()), min_items=1,
                                 description="rows of two cells: [left, right]")),
            "caption": Field(Text(one_line=True), required=False),
        }, build=_table, description="a two-column table"),
        "image": Record(fields={
            "file": Field(Text(description="a PNG or JPEG file in the content folder",
                               one_line=True)),
            "alt": Field(Text(description="what the picture shows, for people who cannot see it")),
            "caption": Field(Text(one_line=True), required=False),
        }, build=lambda **f: m.Image(**f), description="a picture with alt text"),
        "diagram": Record(fields={
            "panels": Field(ListOf(Record(fields={
                "title": Field(Text(one_line=True, max_length=40)),
                "text": Field(Text(description="what the box says, a sentence or two")),
                "note": Field(Text(one_line=True, description="a line at the box's foot,"
                                                              " on the style's colour"),
                              required=False),
            }, build=lambda **f: m.Panel(**f)), min_items=1, max_items=3,
                description="the boxes, left to right (one to three)")),
            "alt": Field(Text(description="what the diagram shows, for people who cannot see"
                                          " it")),
            "caption": Field(Text(one_line=True), required=False),
        }, build=lambda panels, alt, caption=None: m.Diagram(tuple(panels), alt, caption),
            description="boxes of words side by side, drawn in the style's colours"),
        "quote": Record(fields={
            "text": Field(Text()),
            "by": Field(Text(one_line=True), required=False),
        }, build=lambda **f: m.Quote(**f), description="a short line set apart"),
    },
    build=lambda kind, value: _make_block(kind, value),
)


def _make_block(kind: str, value: Any) -> m.Block:
    simple = {"paragraph": m.Paragraph, "heading": m.Heading}
    lists = {"bullets": m.Bullets, "steps": m.Steps, "key_points": m.KeyPoints,
             "call_care_team": m.CallCareTeam, "call_911": m.Call911}
    if kind in simple:
        return simple[kind](value)
    if kind in lists:
        return lists[kind](tuple(value))
    return value


_SOURCE_FIELDS = {
    "title": Field(Text(one_line=True)),
    "publisher": Field(Text(one_line=True)),
    "url": Field(Url(), required=False),
    "accessed": Field(Date(description="the date the source was read, YYYY-MM-DD")),
    "note": Field(Text(one_line=True), required=False),
    "language": Field(Text(description="the language the work is written in, when it is not"
                                       " the content's (a BCP 47 tag like en-US): its title is"
                                       " marked as that language for screen readers",
                           one_line=True, pattern=LANGUAGE_TAG,
                           pattern_hint="write a language tag like en-US or es"),
                      required=False),
    "publisher_language": Field(Text(description="the language of the publisher's name, when"
                                                 " it is left untranslated (a BCP 47 tag)",
                                     one_line=True, pattern=LANGUAGE_TAG,
                                     pattern_hint="write a language tag like en-US or es"),
                                required=False),
}

SOURCE = Record(fields=_SOURCE_FIELDS, build=lambda **f: m.Source(**f),
                description="where the facts come from")

SOURCES = Record(description="every work the sections cite, once, each with an id", fields={
    "sources": Field(ListOf(Record(fields={"id": Field(Id("the source id")), **_SOURCE_FIELDS},
                                   build=lambda **f: m.Source(**f)), min_items=1)),
})


def _short_items(least: int, most: int, what: str) -> ListOf:
    return ListOf(Text(description="one short item"), min_items=least, max_items=most,
                  description=what)


HANDOUT = Record(description="the section's short form, for a one-sheet handout", fields={
    "message": Field(Text(description="the main message, in one sentence", one_line=True,
                          max_length=200)),
    "key_points": Field(_short_items(3, 5, "3 to 5 key points")),
    "what_to_do": Field(_short_items(1, 5, "what the reader can do now")),
    "call_right_away": Field(_short_items(1, 6, "the signs that need a call to the care"
                                                " team right away")),
    "call_911": Field(_short_items(1, 4, "emergencies, as general advice: call 911"),
                      required=False),
    "questions": Field(ListOf(Id("a question id"), min_items=3, max_items=3, unique=True,
                              description="3 question ids from the question files")),
    "glossary": Field(ListOf(Id("a glossary term id"), max_items=4, unique=True,
                             description="up to 4 glossary term ids"), required=False),
}, build=lambda **f: m.Handout(**{k: tuple(v) if isinstance(v, list) else v
                                  for k, v in f.items()}))

SECTION = Record(description="one topic of the booklet", fields={
    "id": Field(Id("the section id; the same as the file name")),
    "title": Field(Text(description="the section heading", one_line=True, max_length=80)),
    "summary": Field(Text(description="one line saying what the section covers",
                          one_line=True, max_length=160)),
    "topics": Field(ListOf(Id("a topic keyword"), description="topic keywords", unique=True)),
    "reviewed": Field(Date(description="the date the facts were last reviewed, YYYY-MM-DD")),
    "sources": Field(ListOf(AnyOf((Id("a source id from sources.yaml"), SOURCE)),
                            description="the sources of the facts: ids from sources.yaml"
                                        " (or a source written out)")),
    "glossary": Field(ListOf(Id("a glossary term id"), unique=True,
                             description="ids of glossary terms the text uses")),
    "questions": Field(ListOf(Id("a question group id"), unique=True,
                              description="ids of question groups this section brings")),
    "body": Field(ListOf(BLOCK, min_items=1, description="the blocks of the section")),
    "handout": Field(HANDOUT, required=False),
})

TERM = Record(description="one glossary term", fields={
    "id": Field(Id("the term id")),
    "term": Field(Text(description="the word as printed", one_line=True, max_length=60)),
    "pronunciation": Field(Text(description="how to say it, like em-buh-li-ZAY-shun; only for"
                                            " words a reader may not know how to say",
                                one_line=True, max_length=80), required=False),
    "definition": Field(Text(description="a plain one- or two-sentence definition")),
    "see_also": Field(ListOf(Id("a glossary term id"), unique=True), required=False),
    "forms": Field(ListOf(Text(one_line=True), unique=True,
                          description="other word forms that count as the term"), required=False),
})

GLOSSARY = Record(description="a file of glossary terms",
                  fields={"terms": Field(ListOf(TERM, min_items=1))})

QUESTION = Record(fields={
    "id": Field(Id("the question id")),
    "text": Field(Text(description="the question, as the patient would ask it", one_line=True)),
})

QUESTIONS = Record(description="a file of question groups", fields={
    "groups": Field(ListOf(Record(fields={
        "id": Field(Id("the question group id")),
        "title": Field(Text(one_line=True, max_length=80)),
        "questions": Field(ListOf(QUESTION, min_items=1)),
    }), min_items=1)),
})

PRESETS = Record(description="named selections of sections", fields={
    "presets": Field(ListOf(Record(fields={
        "id": Field(Id("the preset id")),
        "title": Field(Text(one_line=True, max_length=60)),
        "description": Field(Text(one_line=True)),
        "sections": Field(AnyOf((Const("all"), ListOf(Id("a section id"), min_items=1,
                                                      unique=True)),
                                hint="expected 'all' or a list of section ids.")),
    }), min_items=1)),
})

BOOK = Record(description="the booklet's title and shared wording", fields={
    "title": Field(Text(one_line=True, max_length=80)),
    "subtitle": Field(Text(one_line=True, max_length=100)),
    "short_title": Field(Text(description="the title in the footer of every page",
                              one_line=True, max_length=28)),
    "subject": Field(Text(one_line=True)),
    "language": Field(Text(description="the tag written into the PDF, like en-US or es-US",
                           one_line=True, pattern=LANGUAGE_TAG,
                           pattern_hint="write a language tag like en-US or es-US")),
    "disclaimer": Field(Text()),
    "order": Field(ListOf(Id("a section id"), min_items=1, unique=True,
                          description="every section id, in reading order")),
    "default_preset": Field(Id("the preset 'booklet build' uses when none is chosen")),
    "plan_keywords": Field(MapOf(
        key=Id("a treatment plan keyword, like surgery or octreotide"),
        value=ListOf(Id("a section id"), min_items=1, unique=True),
        description="treatment plan keywords a patient file may use, each with the sections it"
                    " adds, like 'octreotide: [somatostatin-analogs]'"), required=False),
    "fhir_codes": Field(ListOf(Record(description="one code an EHR record may carry", fields={
        "system": Field(Text(description="the code system's URI, like"
                                         " http://hl7.org/fhir/sid/icd-10-cm", one_line=True)),
        "code": Field(Text(description="the code, in quotes", one_line=True)),
        "display": Field(Text(description="what the code means (for people reading this file)",
                              one_line=True)),
        "plan": Field(ListOf(Id("a plan keyword"), unique=True,
                             description="the plan keywords it stands for (may be empty)")),
    }), description="codes of Conditions, Procedures and medicines in a FHIR bundle"
                    " (booklet build --fhir), each with the plan keywords it stands for"),
        required=False),
}, build=lambda **f: _book_info(**f))


def _book_info(plan_keywords=None, order=(), fhir_codes=(), **fields):
    """booklet.yaml read: the BookInfo a plan carries, and what stays with the library: the
    plan keywords and the FHIR code table."""
    keywords = {k: tuple(v) for k, v in (plan_keywords or {}).items()}
    codes = {(c["system"], c["code"]): tuple(c["plan"]) for c in fhir_codes}
    return m.BookInfo(**fields, order=tuple(order)), (keywords, codes)

SCHEMAS = {"section": SECTION, "glossary": GLOSSARY, "questions": QUESTIONS,
           "presets": PRESETS, "booklet": BOOK, "sources": SOURCES}


def json_schemas() -> dict[str, dict]:
    """JSON Schema (draft 2020-12) for each content file kind."""
    return {kind: {"$schema": "https://json-schema.org/draft/2020-12/schema",
                   "title": f"booklet {kind} file", **spec.schema()}
            for kind, spec in SCHEMAS.items()}


# --- loading -------------------------------------------------------------------------------

def _load(path: Path, spec, problems: list[str]):
    """Read and check one file; on failure record the problem and return None."""
    try:
        return spec.check(read_yaml(path), "")
    except Invalid as error:
        problems.append(f"{shown(path)}: {error.path or '(top level)'}: {error.message}")
    except InputError as error:
        problems.extend(error.problems)
    return None


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file()) if folder.is_dir() else []


def language_folder(root: Path, language: str | None = None) -> Path:
    """The folder holding one language's content: root/<code>/ (English when no language is
    given), or root itself when it holds booklet.yaml directly (a one-language folder)."""
    root = Path(root)
    if not root.is_dir():
        raise InputError([f"{shown(root)}: content folder not found."
                          " Fix: pass --content with a folder that holds booklet.yaml,"
                          " or one folder per language (en/, es/) that does."])
    if (root / "booklet.yaml").exists():
        return root
    language = language or "en"
    folder = root / language
    if not (folder / "booklet.yaml").exists():
        have = sorted(p.name for p in root.iterdir() if (p / "booklet.yaml").exists())
        raise InputError([f"{shown(folder)}: no content in {language} here."
                          f" Fix: choose --lang {' or '.join(have) or 'en'}, or add"
                          f" {shown(folder / 'booklet.yaml')} and its sections."])
    return folder


def content_languages(root: Path) -> list[str | None]:
    """The language codes a content folder holds; [None] for a one-language folder."""
    root = Path(root)
    if (root / "booklet.yaml").exists() or not root.is_dir():
        return [None]
    found = sorted(p.name for p in root.iterdir() if (p / "booklet.yaml").is_file()
                   and p.name == language_code(p.name, str(p)))
    return sorted(found, key=lambda code: code != "en") or ["en"]   # English first


def load_library(root: Path, language: str | None = None) -> m.Library:
    """Load and cross-check every file of one language's content, reporting all problems at
    once. A document is never mixed: the folder's booklet.yaml must be in that language.
    With no language: English, or whatever a one-language folder holds."""
    root = language_folder(root, language)
    problems: list[str] = []
    info, (plan_keywords, fhir_codes) = _load(root / "booklet.yaml", BOOK, problems) or (
        None, ({}, {}))
    if info and language and language_code(info.language, "") != language:
        problems.append(f"{shown(root / 'booklet.yaml')}: language: this content is in"
                        f" {info.language}, not {language}. Fix: choose"
                        f" --lang {language_code(info.language, '')} or another content folder.")

    sources: dict[str, m.Source] = {}
    sources_path = root / "sources.yaml"
    raw = _load(sources_path, SOURCES, problems) if sources_path.exists() else None
    for i, src in enumerate(raw["sources"] if raw else []):
        if src.id in sources:
            problems.append(f"{shown(sources_path)}: sources[{i}].id: '{src.id}' is used twice."
                            " Fix: keep one of them.")
        sources[src.id] = src

    sections: dict[str, m.Section] = {}
    section_files = _yaml_files(root / "sections")
    if not section_files:
        problems.append(f"{shown(root / 'sections')}: no section files found."
                        " Fix: add at least one sections/<id>.yaml.")
    for path in section_files:
        raw = _load(path, SECTION, problems)
        if raw is None:
            continue
        if raw["id"] != path.stem:
            problems.append(f"{shown(path)}: id: '{raw['id']}' differs from the file name."
                            f" Fix: use id '{path.stem}' or rename the file.")
            continue
        body = tuple(_resolve_image(b, root, path, i, problems) for i, b in enumerate(raw["body"]))
        cited = tuple(_resolve_source(src, sources, sources_path, path, i, problems)
                      for i, src in enumerate(raw["sources"]))
        sections[raw["id"]] = m.Section(
            id=raw["id"], title=raw["title"], summary=raw["summary"], topics=tuple(raw["topics"]),
            reviewed=raw["reviewed"], sources=tuple(s for s in cited if s is not None),
            glossary=tuple(raw["glossary"]), questions=tuple(raw["questions"]), body=body,
            path=path, handout=raw.get("handout"))

    terms: dict[str, m.Term] = {}
    for path in _yaml_files(root / "glossary"):
        raw = _load(path, GLOSSARY, problems)
        for i, t in enumerate(raw["terms"] if raw else []):
            if t["id"] in terms:
                problems.append(f"{shown(path)}: terms[{i}].id: '{t['id']}' is already defined in"
                                f" {shown(terms[t['id']].path)}. Fix: keep one of them.")
                continue
            terms[t["id"]] = m.Term(t["id"], t["term"], t.get("pronunciation"), t["definition"],
                                    tuple(t.get("see_also", ())), tuple(t.get("forms", ())), path)

    groups: dict[str, m.QuestionGroup] = {}
    question_ids: dict[str, Path] = {}
    for path in _yaml_files(root / "questions"):
        raw = _load(path, QUESTIONS, problems)
        for i, g in enumerate(raw["groups"] if raw else []):
            where = f"{shown(path)}: groups[{i}]"
            if g["id"] in groups:
                problems.append(f"{where}.id: '{g['id']}' is already defined in"
                                f" {shown(groups[g['id']].path)}. Fix: keep one of them.")
                continue
            for j, q in enumerate(g["questions"]):
                if q["id"] in question_ids:
                    problems.append(f"{where}.questions[{j}].id: '{q['id']}' is used twice."
                                    " Fix: give each question its own id.")
                question_ids[q["id"]] = path
            groups[g["id"]] = m.QuestionGroup(
                g["id"], g["title"], tuple(m.Question(q["id"], q["text"]) for q in g["questions"]),
                path)

    presets: dict[str, m.Preset] = {}
    presets_path = root / "presets.yaml"
    raw = _load(presets_path, PRESETS, problems) if presets_path.exists() else {"presets": []}
    for i, p in enumerate(raw["presets"] if raw else []):
        where = f"{shown(presets_path)}: presets[{i}]"
        if p["id"] in presets:
            problems.append(f"{where}.id: '{p['id']}' is used twice. Fix: rename one.")
        chosen = ("all",) if p["sections"] == "all" else tuple(p["sections"])
        for j, sid in enumerate(c for c in chosen if c != "all"):
            if sid not in sections and section_files:
                problems.append(f"{where}.sections[{j}]: unknown section '{sid}'"
                                f"{did_you_mean(sid, sections)}.")
        presets[p["id"]] = m.Preset(p["id"], p["title"], p["description"], chosen)

    _cross_check(sections, terms, groups, question_ids, problems)
    for i, keywords in enumerate(fhir_codes.values()):
        for keyword in keywords:
            if keyword not in plan_keywords:
                problems.append(f"{shown(root / 'booklet.yaml')}: fhir_codes[{i}].plan:"
                                f" '{keyword}' is not a plan keyword. Fix: use one listed under"
                                " plan_keywords.")
    if info is not None:
        _check_order(info, plan_keywords, sections, presets, root / "booklet.yaml", problems)
        sections = {sid: sections[sid] for sid in info.order if sid in sections}
        presets = {pid: m.Preset(p.id, p.title, p.description,
                                 tuple(info.order) if p.sections == ("all",) else p.sections)
                   for pid, p in presets.items()}
    try:
        language_info(root)            # language.yaml, when the folder has one, is valid
    except InputError as error:
        problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    from .messages import catalogue, register
    register(root, info.language)      # its own layout words, when it brings them
    catalogue(info.language)           # a language with no layout words stops here
    return m.Library(root=root, info=info, sections=sections, terms=terms,
                     groups=groups, presets=presets, sources=sources,
                     plan_keywords=plan_keywords, fhir_codes=fhir_codes)


def _resolve_source(src, sources: dict[str, m.Source], sources_path: Path, path: Path,
                    index: int, problems: list[str]) -> m.Source | None:
    """A section's source: an id looked up in sources.yaml, or a source written out."""
    if isinstance(src, m.Source):
        return src
    if src not in sources:
        fix = (f"use an id from {shown(sources_path)}" if sources else
               f"add {shown(sources_path)} with this source, or write the source out")
        problems.append(f"{shown(path)}: sources[{index}]: unknown source '{src}'"
                        f"{did_you_mean(src, sources)}. Fix: {fix}.")
        return None
    return sources[src]


def _resolve_image(block, root: Path, path: Path, index: int, problems: list[str]):
    """Attach the real file to an image block, refusing missing files and paths outside root."""
    if not isinstance(block, m.Image):
        return block
    where = f"{shown(path)}: {join(join('body', index), 'image')}.file"
    target = (root / block.file).resolve()
    if not target.is_relative_to(root.resolve()):
        problems.append(f"{where}: '{block.file}' is outside the content folder."
                        " Fix: put the picture under the content folder's images/.")
    elif not target.is_file():
        problems.append(f"{where}: '{block.file}' not found. Fix: check the name;"
                        " paths are relative to the content folder.")
    elif target.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        problems.append(f"{where}: '{block.file}' is not a PNG or JPEG picture.")
    return m.Image(block.file, block.alt, block.caption, target)


def _check_order(info, plan_keywords, sections, presets, path: Path, problems: list[str]
                 ) -> None:
    """booklet.yaml's order names every section once, and the default preset exists."""
    for i, sid in enumerate(info.order):
        if sid not in sections and sections:
            problems.append(f"{shown(path)}: order[{i}]: unknown section '{sid}'"
                            f"{did_you_mean(sid, sections)}.")
    for sid in sections:
        if sid not in info.order:
            problems.append(f"{shown(path)}: order: section '{sid}' is missing."
                            " Fix: add it where it belongs in reading order.")
    for keyword, ids in plan_keywords.items():
        for i, sid in enumerate(ids):
            if sid not in sections and sections:
                problems.append(f"{shown(path)}: plan_keywords.{keyword}[{i}]: unknown section"
                                f" '{sid}'{did_you_mean(sid, sections)}."
                                " Fix: use a section id from 'booklet list'.")
    if info.default_preset not in presets:
        problems.append(f"{shown(path)}: default_preset: unknown preset '{info.default_preset}'"
                        f"{did_you_mean(info.default_preset, presets)}.")


def _cross_check(sections, terms, groups, question_ids, problems: list[str]) -> None:
    """Every id a file refers to must exist."""
    for s in sections.values():
        if s.handout is not None:
            for i, qid in enumerate(s.handout.questions):
                if qid not in question_ids:
                    problems.append(f"{shown(s.path)}: handout.questions[{i}]: unknown question"
                                    f" '{qid}'{did_you_mean(qid, question_ids)}."
                                    " Fix: use a question id from the questions files.")
            for i, tid in enumerate(s.handout.glossary):
                if tid not in terms:
                    problems.append(f"{shown(s.path)}: handout.glossary[{i}]: unknown glossary"
                                    f" term '{tid}'{did_you_mean(tid, terms)}.")
        for i, tid in enumerate(s.glossary):
            if tid not in terms:
                problems.append(f"{shown(s.path)}: glossary[{i}]: unknown glossary term '{tid}'"
                                f"{did_you_mean(tid, terms)}.")
        for i, gid in enumerate(s.questions):
            if gid not in groups:
                problems.append(f"{shown(s.path)}: questions[{i}]: unknown question group '{gid}'"
                                f"{did_you_mean(gid, groups)}.")
    for t in terms.values():
        for i, other in enumerate(t.see_also):
            if other not in terms:
                problems.append(f"{shown(t.path)}: {t.id}.see_also[{i}]: unknown glossary term"
                                f" '{other}'{did_you_mean(other, terms)}.")
