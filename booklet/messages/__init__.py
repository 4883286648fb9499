"""Message catalogues: every word the layout prints, one `messages.yaml` per language folder.

The bundled languages keep theirs in content/<code>/messages.yaml; a language added with
--content brings its own beside its content, and loading that library makes it known here."""
from __future__ import annotations

import datetime as dt
import string
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..resources import bundled
from ..yamlfile import read_yaml

_ADDED: dict[str, Path] = {}     # language code -> messages.yaml of a library loaded with --content


class Messages(dict):
    """One language's messages. A missing message is an error, never an English fallback."""

    def __init__(self, data: dict, path: Path):
        super().__init__(data)
        self.path = path

    def __missing__(self, key: str):
        raise InputError([f"{self.path}: the message '{key}' is missing, so this document"
                          " cannot be printed in this language. Fix: add it (see"
                          " content/en/messages.yaml for its meaning)."])


def _code(language: str) -> str:
    return language.split("-")[0].lower()


def register(folder: Path, language: str) -> None:
    """Use the messages.yaml of a language folder, if it has one, for its language (see
    content.load_library)."""
    path, code = Path(folder) / "messages.yaml", _code(language)
    if path.is_file() and _ADDED.get(code) != path.resolve():
        _ADDED[code] = path.resolve()
        catalogue.cache_clear()


@lru_cache(maxsize=None)
def catalogue(language: str = "en") -> Messages:
    """The messages for a language tag such as 'es-US' (only the part before '-' counts)."""
    code = _code(language)
    path = _ADDED.get(code) or bundled("content") / code / "messages.yaml"
    if not path.is_file():
        raise InputError([f"{language}: no message catalogue for this language. Fix: add"
                          f" messages.yaml to its content folder ({code}/), with every key of"
                          " content/en/messages.yaml."])
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError([f"{path}: (top level): is not a list of messages. Fix: write one"
                          " 'key: text' line per message, as in content/en/messages.yaml."])
    if code != "en":
        check_placeholders(data, path)
    return Messages(data, path)


def _placeholders(value, where: str) -> set[str]:
    """The {names} a message (or each text of a list of them) fills in."""
    texts = value if isinstance(value, list) else [value]
    try:
        return {name for text in texts if isinstance(text, str)
                for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        raise InputError([f"{where}: a '{{' or '}}' is not part of a placeholder. Fix: write"
                          " placeholders like {page}, and no other braces."]) from None


def check_placeholders(data: dict, path) -> None:
    """Each message of `data` (from `path`) fills in the same {names} as the English one: a
    translator translates the words around them, never the names."""
    english = catalogue("en")
    for key, value in data.items():
        if key not in english:
            continue
        where = f"{path}: {key}"
        want, got = _placeholders(english[key], where), _placeholders(value, where)
        if got != want:
            raise InputError([f"{where}: the placeholders are {_listed(got)}, not English's"
                              f" {_listed(want)}. Fix: keep each placeholder exactly as in"
                              " English and translate only the words around it."])


def _listed(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


def format_date(date: dt.date, language: str = "en") -> str:
    """A date written out for readers, like 'November 23, 2026'."""
    msgs = catalogue(language)
    return msgs["date_format"].format(month=msgs["months"][date.month - 1], day=date.day,
                                      year=date.year)
