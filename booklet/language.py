"""The languages booklet prints: a short code picks the content folder and message catalogue."""
from __future__ import annotations

import unicodedata

from .errors import InputError
from .specs import Text

# code -> the language tag written into the PDF (/Lang and XMP dc:language)
LANGUAGES = {"en": "en-US", "es": "es-US"}
NAMES = {"en": "English", "es": "Spanish"}

# a BCP 47 language tag: a language subtag, then optional script, region and variant subtags
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

LANG_FIELD = Text(description="the booklet's language: en (English) or es (Spanish)",
                  one_line=True, pattern=r"^(en|es)(-US)?$",
                  pattern_hint="write en or es (en-US and es-US also work)")


def language_code(value: str | None, where: str = "--lang") -> str:
    """'en', 'es', 'en-US' or 'es-US' (any case) as a code like 'es'; None means English."""
    if value is None:
        return "en"
    code = value.strip().split("-")[0].lower()
    if code not in LANGUAGES or value.strip().lower() not in (code, LANGUAGES[code].lower()):
        raise InputError([f"{where}: '{value}' is not a language booklet prints."
                          f" Fix: use one of {', '.join(LANGUAGES)}."])
    return code


def sort_key(text: str, language: str = "en") -> tuple:
    """Dictionary order for a language: accents are ignored at first (á sorts with a), and in
    Spanish ñ is its own letter after n. Ties fall back to the exact text."""
    letters = []
    for char in text.casefold():
        base = unicodedata.normalize("NFD", char)[0]
        if base.isalnum() or base == " ":
            letters.append((base, 1 if language == "es" and char == "ñ" else 0))
    return tuple(letters), text
