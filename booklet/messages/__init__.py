"""Message catalogues: every word the layout prints comes from here, one file per language."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import InputError

_FOLDER = Path(__file__).resolve().parent


class Messages(dict):
    """One language's messages. A missing message is an error, never an English fallback."""

    def __init__(self, data: dict, path: Path):
        super().__init__(data)
        self.path = path

    def __missing__(self, key: str):
        raise InputError([f"{self.path.name}: the message '{key}' is missing, so this document"
                          " cannot be printed in this language. Fix: add it to"
                          f" booklet/messages/{self.path.name} (see en.yaml for its meaning)."])


@lru_cache(maxsize=None)
def catalogue(language: str = "en") -> Messages:
    """The messages for a language tag such as 'es-US' (only the part before '-' counts)."""
    path = _FOLDER / f"{language.split('-')[0].lower()}.yaml"
    if not path.is_file():
        raise InputError([f"{language}: no message catalogue for this language. Fix: add"
                          f" booklet/messages/{path.name} with every key of en.yaml."])
    with open(path, encoding="utf-8") as handle:
        return Messages(yaml.safe_load(handle), path)


def format_date(date: dt.date, language: str = "en") -> str:
    """A date written out for readers, like 'November 23, 2026'."""
    msgs = catalogue(language)
    return msgs["date_format"].format(month=msgs["months"][date.month - 1], day=date.day,
                                      year=date.year)
