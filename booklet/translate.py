"""Translation round trips: a language's content as XLIFF 2.0, and an XLIFF file back as a
language folder (every YAML file, messages.yaml and translation.yaml with each unit's state)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .language import LANGUAGE_TAG
from .messages import check_placeholders
from .yamlfile import read_yaml, shown

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SOURCE_TAG = "en-US"
STATES = ("initial", "translated", "reviewed", "final")
MESSAGES = "messages.yaml"
_BOLD = re.compile(r"\*\*(.+?)\*\*")          # as booklet/layout/theme.py reads bold
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Keys whose strings are ids, dates, paths, URLs or tags, never prose (dicts under them, such
# as a section's written-out source, are still walked); and keys whose whole value is not prose.
_NOT_PROSE = {"id", "topics", "reviewed", "sources", "glossary", "questions", "see_also", "order",
              "default_preset", "language", "publisher_language", "url", "accessed", "file",
              "sections", "name", "direction", "measure"}   # language.yaml: only native_name
_SKIP = {"plan_keywords", "fhir_codes", "collation"}
_CONTAINERS = {"body", "terms", "groups", "presets", "handout", "panels"}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


# --- walking YAML ---------------------------------------------------------------------------

def _prose(node: Any, path: tuple = (), key: str | None = None, every: bool = False):
    """(path, text) of every translatable string under node, in document order (every
    string of a message catalogue, whose keys are message names, not content fields)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if every or k not in _SKIP:
                yield from _prose(v, path + (k,), k, every)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _prose(v, path + (i,), key, every)
    elif isinstance(node, str) and (every or key not in _NOT_PROSE):
        yield path, node


def _show_path(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out or "(top level)"


def _kind(path: tuple) -> str:
    """What kind of text a path holds: paragraph, bullets, table.rows, term, definition..."""
    keys = [p for p in path if isinstance(p, str) and p not in _CONTAINERS]
    return ".".join(keys[-2:]) if len(keys) > 1 and keys[-2] in (
        "table", "diagram", "image", "quote", "handout") else (keys[-1] if keys else "text")


def _english_for(english: Any, target: Any, path: tuple) -> tuple[str, bool]:
    """The English at the same path (exact), else the English text of the nearest enclosing
    node that lines up (lists of another length do not line up item by item)."""
    node, depth = english, 0
    for step in path:
        if isinstance(step, int):
            ok = isinstance(node, list) and len(node) == len(target)
        else:
            ok = isinstance(node, dict) and step in node
        if not ok:
            break
        node, target, depth = node[step], target[step], depth + 1
    if depth == len(path) and isinstance(node, str):
        return node, True
    node, prefix = english, path[:depth]
    for step in prefix:
        node = node[step]
    # walk back to the node whose lists match the target's shape, then join its prose
    texts = [t for _, t in _prose(node, prefix, next(
        (p for p in reversed(prefix) if isinstance(p, str)), None))]
    return "\n".join(texts), False


def _unit_id(kind: str, text: str, seen: dict) -> str:
    base = f"{re.sub(r'[^A-Za-z0-9._-]', '-', kind)}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def _skeleton(node: Any, refs: dict) -> Any:
    """The YAML structure as JSON, each translatable string a {"$unit": id}, a date a
    {"$date": ...}."""
    import datetime as dt
    if isinstance(node, dict):
        return {k: _skeleton(v, refs) for k, v in node.items()}
    if isinstance(node, list):
        return [_skeleton(v, refs) for v in node]
    if isinstance(node, dt.date):
        return {"$date": node.isoformat()}
    return node


def _with_refs(node: Any, refs: dict, path: tuple = ()) -> Any:
    if path in refs:
        return {"$unit": refs[path]}
    if isinstance(node, dict):
        return {k: _with_refs(v, refs, path + (k,)) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_refs(v, refs, path + (i,)) for i, v in enumerate(node)]
    return node


# --- states ---------------------------------------------------------------------------------

def translation_states(folder: Path) -> dict[str, dict[str, str]] | None:
    """A language folder's recorded unit states, {file: {unit id: state}}; None without
    translation.yaml."""
    path = Path(folder) / "translation.yaml"
    if not path.exists():
        return None
    data = read_yaml(path)
    units = data.get("units") if isinstance(data, dict) else None
    if not isinstance(units, dict):
        raise InputError([f"{shown(path)}: units: missing. Fix: export and import the"
                          " translation again, or delete this file."])
    return {str(f): {str(u): str(s) for u, s in (ids or {}).items()} for f, ids in units.items()}


def unreviewed(folder: Path) -> dict[str, dict[str, int]]:
    """Per file, how many units are still initial (untranslated) and translated (not
    reviewed); files with neither are left out."""
    out = {}
    for name, units in (translation_states(folder) or {}).items():
        counts = {s: sum(1 for v in units.values() if v == s) for s in ("initial", "translated")}
        if any(counts.values()):
            out[name] = counts
    return out


# --- export ---------------------------------------------------------------------------------

def _content_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder).as_posix()) for p in folder.rglob("*.yaml")
                  if p.name not in ("translation.yaml", MESSAGES) and p.is_file()
                  and ".translate-" not in p.as_posix())


def _folders(root: Path, code: str) -> tuple[Path, Path]:
    from .content import language_folder
    root = Path(root)
    if (root / "booklet.yaml").exists():
        raise InputError([f"{shown(root)}: is a one-language content folder. Fix: translate"
                          " a folder that holds one folder per language (en/, es/)."])
    english = language_folder(root, "en")
    if code == "en":
        raise InputError(["--lang en: English is the source language. Fix: give the language"
                          " to translate into, such as es."])
    return english, root / code


def parse_lang(value: str) -> tuple[str, str]:
    """--lang CODE (or a tag such as es-US): (code, tag)."""
    if not re.match(LANGUAGE_TAG, value or ""):
        raise InputError([f"--lang: '{value}' is not a language tag. Fix: write a code like es"
                          " or fr."])
    return value.split("-")[0].lower(), value


def _add_text(parent: ET.Element, text: str) -> None:
    """Text with **bold** as <pc> elements, numbered from 1."""
    parts = _BOLD.split(text)
    parent.text = parts[0]
    for n, i in enumerate(range(1, len(parts), 2), start=1):
        pc = ET.SubElement(parent, _q("pc"), {"id": str(n), "type": "fmt", "subType": "xlf:b"})
        pc.text, pc.tail = parts[i], parts[i + 1]


def _messages(code: str):
    from .messages import catalogue
    try:
        return dict(catalogue(code))
    except InputError:
        return None


def export_xliff(root: Path, lang: str) -> bytes:
    """The XLIFF 2.0 document for translating root/en into lang."""
    code, tag = parse_lang(lang)
    english, target = _folders(root, code)
    exists = (target / "booklet.yaml").exists()
    if exists:
        tag = (read_yaml(target / "booklet.yaml") or {}).get("language") or tag
    states = translation_states(target) if exists else None
    doc = ET.Element(_q("xliff"), {"version": "2.0", "srcLang": SOURCE_TAG, "trgLang": tag})
    names = _content_files(target) if exists else _content_files(english)
    for name in names:
        en_data = read_yaml(english / name) if (english / name).exists() else None
        data = read_yaml(target / name) if exists else en_data
        if exists and data is None:
            continue
        if not exists and isinstance(data, dict) and "language" in data and name == "booklet.yaml":
            data = {**data, "language": tag}
        _export_file(doc, name, en_data or {}, data, exists, states, _context(en_data, data))
    en_msgs = _messages("en") or {}
    tr_msgs = _messages(code) if exists else None
    _export_file(doc, MESSAGES, en_msgs, tr_msgs if tr_msgs is not None else en_msgs,
                 tr_msgs is not None, states, "a word or line the layout prints")
    ET.register_namespace("", NS)
    _indent(doc)
    return ET.tostring(doc, encoding="utf-8", xml_declaration=True) + b"\n"


def _indent(el: ET.Element, level: int = 0) -> None:
    """Indent the structure, never inside <source>, <target> or <skeleton> (their text is
    the content: ET.indent would add spaces before a leading <pc>)."""
    if el.tag in (_q("source"), _q("target"), _q("skeleton")) or not len(el):
        return
    pad = "\n" + " " * (level + 1)
    el.text = pad
    for child in el:
        _indent(child, level + 1)
        child.tail = pad
    child.tail = "\n" + " " * level


def _context(en_data, data) -> str:
    for d in (en_data, data):
        if isinstance(d, dict) and isinstance(d.get("title"), str):
            return f"section or file titled '{d['title']}'"
    return "content file"


def _export_file(doc, name, en_data, data, translated, states, context) -> None:
    f = ET.SubElement(doc, _q("file"), {"id": name.replace("/", ":"), "original": name,
                                        f"{{{XML_NS}}}space": "preserve"})
    skel = ET.SubElement(f, _q("skeleton"))
    refs, seen, units = {}, {}, []
    recorded = (states or {}).get(name, {})
    for path, text in _prose(data, every=name == MESSAGES):
        where = f"{name}: {_show_path(path)}"
        if _BAD_XML.search(text):
            raise InputError([f"{where}: holds a control character that XML cannot carry."
                              " Fix: delete it."])
        source, exact = _english_for(en_data, data, path) if translated else (text, True)
        kind = _kind(path) if name != MESSAGES else str(path[0])
        uid = _unit_id(kind, source, seen) if name != MESSAGES else re.sub(
            r"[^A-Za-z0-9._-]", "-", ".".join(str(p) for p in path))
        refs[path] = uid
        u = ET.SubElement(f, _q("unit"), {"id": uid})
        notes = ET.SubElement(u, _q("notes"))
        ET.SubElement(notes, _q("note"), {"category": "location"}).text = _show_path(path)
        ET.SubElement(notes, _q("note"), {"category": "context"}).text = (
            f"{kind} in the {context}" + (" (keep the {placeholders} as they are)"
                                          if "{" in source else ""))
        if not exact:
            ET.SubElement(notes, _q("note"), {"category": "shape"}).text = (
                "The translation's structure differs from the English here: the source is the"
                " English text of the enclosing block.")
        if translated:
            state = recorded.get(uid) or ("translated" if states is not None else "final")
        else:
            state = "initial"
        seg = ET.SubElement(u, _q("segment"), {"state": state})
        _add_text(ET.SubElement(seg, _q("source")), source)
        tgt = ET.SubElement(seg, _q("target"))
        if translated:
            _add_text(tgt, text)
        units.append(uid)
    if not units:
        ET.SubElement(f, _q("group"), {"id": "no-text"})
    skel.text = json.dumps(_with_refs(_skeleton(data, refs), refs), ensure_ascii=False)


# --- import ---------------------------------------------------------------------------------

def _read_text(el: ET.Element | None, where: str, allowed: set[str] | None) -> tuple[str, set]:
    """An element's text with <pc> back as **bold**, and the pc ids it used."""
    if el is None:
        return "", set()
    out, ids = [el.text or ""], set()
    for child in el:
        tag = child.tag.split("}")[-1]
        pid = child.get("id")
        if tag != "pc" or child.get("subType") != "xlf:b" or len(child):
            raise InputError([f"{where}: <{tag}> is not a bold <pc> this tool wrote (a <pc> with"
                              " type fmt, subType xlf:b and plain text inside). Fix: keep the"
                              " source's <pc> elements as they are."])
        if pid in ids or (allowed is not None and pid not in allowed):
            raise InputError([f"{where}: <pc id=\"{pid}\"> does not match a <pc> of the source."
                              " Fix: use each of the source's <pc> ids at most once."])
        ids.add(pid)
        out += ["**", child.text or "", "**", child.tail or ""]
    return "".join(out), ids


def _fill(node: Any, texts: dict, where: str, used: set) -> Any:
    import datetime as dt
    if isinstance(node, dict):
        if set(node) == {"$unit"}:
            uid = node["$unit"]
            if uid not in texts:
                raise InputError([f"{where}: the skeleton names unit '{uid}', which is not in"
                                  " the file. Fix: export the XLIFF again."])
            used.add(uid)
            return texts[uid]
        if set(node) == {"$date"}:
            return dt.date.fromisoformat(node["$date"])
        return {k: _fill(v, texts, where, used) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, texts, where, used) for v in node]
    return node


def read_xliff(path: Path) -> tuple[str, dict[str, Any], dict[str, dict[str, str]]]:
    """Check an XLIFF file and rebuild its content: (trgLang, {file: data}, {file: states})."""
    label = shown(path)
    try:
        doc = ET.parse(path).getroot()
    except FileNotFoundError:
        raise InputError([f"{label}: file not found. Fix: check the path."]) from None
    except ET.ParseError as error:
        raise InputError([f"{label}: not well-formed XML ({error}). Fix: repair the file or"
                          " export it again."]) from None
    if doc.tag != _q("xliff") or doc.get("version") != "2.0":
        raise InputError([f"{label}: not an XLIFF 2.0 document (root <xliff version=\"2.0\">"
                          f" in {NS}). Fix: export it again with 'booklet translate export'."])
    src, tag = doc.get("srcLang", ""), doc.get("trgLang") or ""
    if src.split("-")[0].lower() != "en":
        raise InputError([f"{label}: srcLang is '{src}'; the source must be English (en-US)."])
    if not re.match(LANGUAGE_TAG, tag) or tag.split("-")[0].lower() == "en":
        raise InputError([f"{label}: trgLang '{tag}' is not a target language tag. Fix: set"
                          " trgLang to a tag such as es-US."])
    files, states = {}, {}
    for f in doc.findall(_q("file")):
        name = f.get("original") or f.get("id", "").replace(":", "/")
        where = f"{label}: file {name}"
        parts = Path(name).parts
        if (not name.endswith(".yaml") or Path(name).is_absolute() or ".." in parts
                or name == "translation.yaml"):
            raise InputError([f"{where}: not a content file name. Fix: keep the file's original"
                              " attribute as exported (like sections/surgery.yaml)."])
        if name in files:
            raise InputError([f"{where}: appears twice. Fix: keep one of them."])
        skel = f.find(_q("skeleton"))
        try:
            skeleton = json.loads(skel.text or "") if skel is not None else None
        except ValueError:
            skeleton = None
        if skeleton is None:
            raise InputError([f"{where}: missing or broken <skeleton>. Fix: export the XLIFF"
                              " again; translation tools must keep the skeleton."])
        texts, unit_states = {}, {}
        for u in f.iter(_q("unit")):
            uid = u.get("id")
            uwhere = f"{where}: unit {uid}"
            seg = u.find(_q("segment"))
            source = seg.find(_q("source")) if seg is not None else None
            if source is None:
                raise InputError([f"{uwhere}: has no <segment> with a <source>. Fix: export the"
                                  " XLIFF again."])
            state = seg.get("state", "initial")
            if state not in STATES:
                raise InputError([f"{uwhere}: unknown state '{state}'. Fix: use one of"
                                  f" {', '.join(STATES)}."])
            shape = any(n.get("category") == "shape" for n in u.iter(_q("note")))
            en_text, en_ids = _read_text(source, uwhere + " <source>", None)
            text, _ = _read_text(seg.find(_q("target")), uwhere + " <target>",
                                 None if shape else en_ids)
            if state == "initial" and not text:
                text = en_text
            elif not text:
                raise InputError([f"{uwhere}: state is {state} but the target is empty. Fix:"
                                  " translate it, or set state=\"initial\"."])
            texts[uid], unit_states[uid] = text, state
        used: set = set()
        files[name] = _fill(skeleton, texts, where, used)
        states[name] = unit_states
    if not files or not any(n != MESSAGES for n in files):
        raise InputError([f"{label}: holds no content files. Fix: export it again."])
    return tag, files, states


def import_xliff(path: Path, root: Path, replace: bool = False) -> Path:
    """Write root/<code>/ from an XLIFF file, all at once (a temporary folder renamed)."""
    tag, files, states = read_xliff(path)
    if isinstance(files.get("messages.yaml"), dict):
        check_placeholders(files["messages.yaml"], f"{shown(path)}: messages.yaml")
    code = tag.split("-")[0].lower()
    root = Path(root)
    if not root.is_dir():
        raise InputError([f"{shown(root)}: content folder not found. Fix: pass --content with"
                          " an existing folder."])
    dest = root / code
    if dest.exists() and not replace:
        raise InputError([f"{shown(dest)}: already exists. Fix: add --replace to overwrite it,"
                          " or import into another --content folder."])
    temp = Path(tempfile.mkdtemp(prefix=f".translate-{code}-", dir=root))
    try:
        for name, data in files.items():
            target = (temp / name).resolve()
            if not target.is_relative_to(temp.resolve()):
                raise InputError([f"{shown(path)}: file {name}: outside the language folder."])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                             width=100), encoding="utf-8")
        record = {"source_language": SOURCE_TAG, "language": tag, "units": states}
        (temp / "translation.yaml").write_text(
            yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
        images = root / "en" / "images"
        if images.is_dir() and not (temp / "images").exists():
            shutil.copytree(images, temp / "images")   # pictures are not in the XLIFF
        os.chmod(temp, 0o755)
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".translate-old-{code}-", dir=root))
            os.replace(dest, old / code)
            os.replace(temp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, dest)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return dest
