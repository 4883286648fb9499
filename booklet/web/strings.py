"""The web form's own words, one catalogue per language (booklet/web/messages/*.yaml)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from ..yamlfile import read_yaml

FOLDER = Path(__file__).resolve().parent / "messages"


@cache
def _read(code: str) -> dict:
    return read_yaml(FOLDER / f"{code}.yaml")


UI_LANGUAGES = frozenset(p.stem for p in FOLDER.glob("*.yaml"))   # the form's own languages


def ui_strings(code: str) -> dict:
    """Every string the form shows, in language `code` (en or es); the catalogues hold the
    same keys (a test checks)."""
    return dict(_read(code if (FOLDER / f"{code}.yaml").is_file() else "en"))
