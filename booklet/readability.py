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


def has_dictionary(language: str) -> bool:
    """Whether pyphen can count syllables in this language (a tag like en-US)."""
    return pyphen.language_fallback(language.replace("-", "_")) is not None


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


# --- Spanish -------------------------------------------------------------------------------------
# Spanish spelling shows its syllables: each syllable has one vowel nucleus. Two strong vowels
# (a, e, o) side by side, or a weak one carrying an accent (í, ú), split into two syllables;
# any other run of vowels is one (a diphthong or triphthong).

_SPANISH_WORD = re.compile(r"[a-záéíóúüñ]+")
_STRONG = set("aeoáéó")
_ACCENTED_WEAK = set("íú")
_VOWELS = set("aeiouáéíóúü")
INFLESZ_SCALE = ((80, "muy fácil"), (65, "bastante fácil"), (55, "normal"),
                 (40, "algo difícil"), (0, "muy difícil"))


def spanish_syllables(word: str) -> int:
    """Syllables in a Spanish word, counted from its vowel nuclei."""
    word = word.lower()
    word = re.sub(r"qu(?=[eiéí])", "q", word)          # the u of que, qui is silent
    word = re.sub(r"gu(?=[eiéí])", "g", word)          # and of gue, gui (but not güe)
    word = re.sub(r"y(?=[^aeiouáéíóúü]|$)", "i", word)  # y is a vowel when no vowel follows
    count, previous = 0, ""
    for char in word:
        if char not in _VOWELS:
            previous = ""
            continue
        if not previous or (char in _STRONG and previous in _STRONG) \
                or char in _ACCENTED_WEAK or previous in _ACCENTED_WEAK:
            count += 1
        previous = char
    return max(1, count)


def inflesz(text: str) -> float:
    """Szigriszt-Pazos perspicuity of a Spanish text, read on the INFLESZ scale; 0 when empty.

    206.835 - 62.3 * syllables per word - words per sentence. Higher is easier: 65 to 80 is
    'bastante fácil', the band for patient information."""
    words = _SPANISH_WORD.findall(text.lower())
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _SPANISH_WORD.search(s.lower())]))
    total_syllables = sum(spanish_syllables(w) for w in words)
    return 206.835 - 62.3 * total_syllables / len(words) - len(words) / sentences


def inflesz_band(score: float) -> str:
    """The INFLESZ name for a score, like 'bastante fácil'."""
    return next(name for floor, name in INFLESZ_SCALE if score >= floor)
