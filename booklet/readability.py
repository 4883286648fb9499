"""Reading grade (Flesch-Kincaid), computed offline with pyphen's hyphenation dictionaries."""
from __future__ import annotations

import re
from functools import lru_cache

import pyphen

_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n+")
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?")


@lru_cache(maxsize=None)
def _dictionary(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=language.replace("-", "_"), left=1, right=1)


def syllables(word: str, language: str = "en_US") -> int:
    """Syllables in a word: hyphenation points plus one (silent final 'e' not counted)."""
    word = word.lower()
    count = len(_dictionary(language).positions(word)) + 1
    vowels = len(re.findall(r"[aeiouy]+", word))
    return max(1, min(count, vowels) if vowels else count)


def grade(text: str, language: str = "en_US") -> float:
    """Flesch-Kincaid grade level of a text; 0 for an empty one."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    total_syllables = sum(syllables(w, language) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * total_syllables / len(words) - 15.59
