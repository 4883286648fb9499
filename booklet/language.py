"""The languages booklet prints. A language is data: a content folder content/<code>/ with its
booklet.yaml, its layout words (messages.yaml) and language.yaml (name, direction, dictionary
order, reading measure). The code is the folder's name, the tag's first subtag ('es' for es-US)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .specs import Text

# a BCP 47 language tag: a language subtag, then optional script, region and variant subtags
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
MEASURES = ("flesch-kincaid", "inflesz", "none")

LANG_FIELD = Text(description="the booklet's language: a content folder's code, like en or es",
                  one_line=True, pattern=LANGUAGE_TAG,
                  pattern_hint="write a language code such as en or es (en-US also works)")


@dataclass(frozen=True)
class Language:
    code: str
    name: str = ""               # in English, for lists and messages
    native_name: str = ""        # in the language itself
    direction: str = "ltr"
    own_letters: tuple[str, ...] = ()   # letters sorted after their base letter (Spanish ñ)
    measure: str = "none"        # the reading measure `booklet check` uses


def language_code(value: str | None, where: str = "--lang") -> str:
    """A language tag or code ('es', 'es-US', any case) as its code, like 'es'; None: English.
    Whether content exists in it is for the content folder to say."""
    if value is None:
        return "en"
    if not re.match(LANGUAGE_TAG, value.strip()):
        raise InputError([f"{where}: '{value}' is not a language code. Fix: write a code such"
                          " as en or es (the name of a folder in the content)."])
    return value.strip().split("-")[0].lower()


@lru_cache(maxsize=None)
def language_info(folder: Path) -> Language:
    """What language.yaml in a language folder says; the bundled folder of the same code
    answers for one that has none, else the plain defaults (no reading measure)."""
    from .resources import bundled
    from .yamlfile import read_yaml   # here: `booklet --version` needs no YAML parser
    folder = Path(folder)
    path = folder / "language.yaml"
    code = folder.name if re.match(LANGUAGE_TAG, folder.name) else "en"
    if not path.is_file():
        path = bundled("content") / language_code(code, str(folder)) / "language.yaml"
        if not path.is_file():
            return Language(code=code, name=code, native_name=code)
    raw = read_yaml(path) or {}

    def bad(field: str, fix: str):
        return InputError([f"{path}: {field}: {fix}"])
    if not isinstance(raw, dict):
        raise bad("(top level)", "is not a mapping. Fix: write name:, direction: and the rest"
                  " as in content/en/language.yaml.")
    direction = raw.get("direction", "ltr")
    if direction not in ("ltr", "rtl"):
        raise bad("direction", f"'{direction}' is not ltr or rtl. Fix: write ltr or rtl.")
    if direction == "rtl":
        raise bad("direction", "right-to-left content is not laid out yet (names and patient"
                  " text in right-to-left scripts do print). Fix: use ltr content for now.")
    readability = raw.get("readability") or {}
    measure = readability.get("measure", "none") if isinstance(readability, dict) else None
    if measure not in MEASURES:
        raise bad("readability.measure", f"'{measure}' is not one booklet knows. Fix: use"
                  f" {', '.join(MEASURES)} (none: no reading measure for this language).")
    collation = raw.get("collation") or {}
    letters = (collation.get("own_letters") or []) if isinstance(collation, dict) else None
    if not isinstance(letters, list) or not all(isinstance(x, str) and len(x) == 1
                                                for x in letters):
        raise bad("collation.own_letters", "is not a list of single letters. Fix: write"
                  " like [ñ], or [] when no letter sorts on its own.")
    name = str(raw.get("name") or code)
    return Language(code=code, name=name, native_name=str(raw.get("native_name") or name),
                    direction=direction, own_letters=tuple(letters), measure=measure)


def sort_key(text: str, own_letters: tuple[str, ...] = ()) -> tuple:
    """Dictionary order: accents are ignored at first (á sorts with a), and a language's own
    letters (Spanish ñ) sort after their base letter. Ties fall back to the exact text."""
    letters = []
    for char in text.casefold():
        base = unicodedata.normalize("NFD", char)[0]
        if base.isalnum() or base == " ":
            letters.append((base, 1 if char in own_letters else 0))
    return tuple(letters), text
