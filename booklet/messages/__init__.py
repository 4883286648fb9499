"""Message catalogues: every word the layout prints comes from here, one file per language."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml

_FOLDER = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def catalogue(language: str = "en") -> dict:
    """The messages for a language tag such as 'en-US' (only the part before '-' counts)."""
    code = language.split("-")[0].lower()
    with open(_FOLDER / f"{code}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def format_date(date: dt.date, language: str = "en") -> str:
    """A date written out for readers, like 'November 23, 2026'."""
    msgs = catalogue(language)
    return msgs["date_format"].format(month=msgs["months"][date.month - 1], day=date.day,
                                      year=date.year)
