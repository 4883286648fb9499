"""Scripts that need shaping: Arabic and Hebrew (right to left; Arabic joined), Devanagari
and Thai.

Paragraph text in these scripts is marked up here, before reportlab parses it:

- each run of such text is drawn in one font (the first family of the chain that has all of
  it) and wrapped in `<onDraw name="actual_text" label="FEFF…"/>…<onDraw … label="end"/>`:
  the tagging canvas writes a `/Span <</ActualText <FEFF…>>> BDC … EMC` around its glyphs
  (shaped glyphs have private-use codes in ToUnicode; the ActualText is the typed text);
- a right-to-left run inside a left-to-right paragraph (python-bidi's embedding levels: the
  characters at level 1 or more) is one unbreakable word (its spaces become no-break spaces)
  with its numbers pre-reversed: harfbuzz, which shapes it as one right-to-left buffer, then
  puts every glyph in visual order;
- the paragraph is set in a twin of its style with `shaping=1` (booklet.layout.flowables).

reportlab shapes every word of a shaped paragraph; `_shape_complex_words_only` (installed
over reportlab.platypus.paragraph.shapeFragWord) leaves words without these scripts as they
are, so the Latin words of a mixed paragraph print exactly as in any other paragraph.
"""
from __future__ import annotations

import re
from html import escape as html_escape

ARABIC = "\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFE"
DEVANAGARI = "\u0900-\u097F\uA8E0-\uA8FF"
HEBREW = "\u0590-\u05FF\uFB1D-\uFB4F"
THAI = "\u0E00-\u0E7F"
COMPLEX = re.compile(f"[{ARABIC}{HEBREW}{DEVANAGARI}{THAI}]")
RIGHT_TO_LEFT = re.compile(f"[{ARABIC}{HEBREW}]")
ACTUAL_TEXT_RUN = "actual_text"          # the onDraw callback's name (booklet.tagging.canvas)
ACTUAL_TEXT_MARK = f'name="{ACTUAL_TEXT_RUN}"'   # in a paragraph's markup: shape it
NO_BREAK_SPACE = "\u00a0"
_SPACE = re.compile(r"(\s+)")


def actual_text_label(text: str) -> str:
    """`text` as a PDF hex string's digits: UTF-16BE with its byte order mark."""
    return "FEFF" + text.encode("utf-16-be").hex().upper()


def units(text: str) -> list[tuple[str, str]]:
    """`text` (plain, unescaped) cut into ("text", …) pieces drawn as usual, ("word", …)
    words with Devanagari or Thai, each shaped on its own, and ("rtl", …) right-to-left
    runs (logical order), each one unbreakable shaped word. Whitespace between pieces is
    its own "text" piece."""
    out: list[tuple[str, str]] = []
    for kind, piece in _directional_pieces(text):
        if kind == "rtl":
            out.append(("rtl", piece))
            continue
        for i, part in enumerate(_SPACE.split(piece)):
            if i % 2 == 0 and COMPLEX.search(part):
                out.append(("word", part))
            elif part:
                if out and out[-1][0] == "text":
                    out[-1] = ("text", out[-1][1] + part)
                else:
                    out.append(("text", part))
    return out


def _directional_pieces(text: str) -> list[tuple[str, str]]:
    """("ltr", …) and ("rtl", …) pieces of `text` in a left-to-right paragraph."""
    if not RIGHT_TO_LEFT.search(text):
        return [("ltr", text)]
    levels = embedding_levels(text)
    out: list[tuple[str, str]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or (levels[i] > 0) != (levels[start] > 0):
            out.append(("rtl" if levels[start] > 0 else "ltr", text[start:i]))
            start = i
    return out


def embedding_levels(text: str) -> list[int]:
    """Each character's resolved embedding level in a left-to-right paragraph (the Unicode
    bidi algorithm, rules up to I2, from python-bidi)."""
    from bidi.algorithm import (explicit_embed_and_overrides, get_embedding_levels,
                                get_empty_storage, resolve_implicit_levels,
                                resolve_neutral_types, resolve_weak_types)
    storage = get_empty_storage()
    get_embedding_levels(text, storage)
    storage["base_level"], storage["base_dir"] = 0, "L"
    for ch in storage["chars"]:
        ch["level"] = 0
    explicit_embed_and_overrides(storage)
    resolve_weak_types(storage)
    resolve_neutral_types(storage, False)
    resolve_implicit_levels(storage, False)
    return [ch["level"] for ch in storage["chars"]]


def rtl_drawn(run: str) -> str:
    """A right-to-left run as it is handed to harfbuzz: logical order, but each stretch at
    an even level (numbers) reversed, since harfbuzz reverses the whole buffer; spaces
    become no-break spaces (the run is one word, never broken across lines)."""
    levels = embedding_levels(run)
    out, i = [], 0
    while i < len(run):
        j = i
        while j < len(run) and (levels[j] % 2 == 0) == (levels[i] % 2 == 0):
            j += 1
        piece = run[i:j]
        out.append(piece[::-1] if levels[i] % 2 == 0 else piece)
        i = j
    return _SPACE.sub(lambda m: NO_BREAK_SPACE * len(m.group()), "".join(out))


def shaped_markup(typed: str, drawn: str, face: str | None) -> tuple[str, str, str]:
    """Markup for one shaped unit, as (start, body, end): `drawn` (the `typed` text in the
    order harfbuzz is given it) in font `face` (None: the paragraph's own), between the
    callbacks of an ActualText span that reads `typed`."""
    body = html_escape(drawn, quote=False).replace('"', "&quot;")
    if face is not None:
        body = f'<font face="{face}">{body}</font>'
    return (f'<onDraw name="{ACTUAL_TEXT_RUN}" label="{actual_text_label(typed)}"/>', body,
            f'<onDraw name="{ACTUAL_TEXT_RUN}" label="end"/>')


# --- reportlab: shape only the words that need it ---------------------------------------------

def _install() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import ShapedFragWord, makeShapedFragWord
    from reportlab.platypus import paragraph

    shape = getattr(paragraph.shapeFragWord, "__wrapped__", paragraph.shapeFragWord)

    def _shape_complex_words_only(w, *args, **kwargs):
        """reportlab's shapeFragWord for each stretch of a word's text with Arabic,
        Devanagari or Thai between its callbacks (the ActualText markers); the rest of the
        word, and any word without those scripts, as it is. (reportlab itself shapes a
        word with callbacks in it badly: it puts them back in cluster order, as lists,
        which its line breaking cannot read, and fails on a one-glyph word.)"""
        if isinstance(w, ShapedFragWord):
            return w
        parts = w[1:]
        if not any(isinstance(s, str) and COMPLEX.search(s) for _, s in parts):
            return w
        out, width, changed, i = [], 0.0, False, 0
        while i < len(parts):
            if hasattr(parts[i][0], "cbDefn"):
                out.append(parts[i])
                i += 1
                continue
            j = i
            while j < len(parts) and not hasattr(parts[j][0], "cbDefn"):
                j += 1
            stretch = parts[i:j]
            plain = sum(stringWidth(s, f.fontName, f.fontSize) for f, s in stretch)
            shaped = shape([plain, *stretch], *args, **kwargs) \
                if any(COMPLEX.search(s) for _, s in stretch) else None
            if shaped is not None and shaped[1:] != stretch:
                out.extend(shaped[1:])
                width += shaped[0]
                changed = True
            else:
                out.extend(stretch)
                width += plain
            i = j
        if not changed:
            return w
        word = makeShapedFragWord(w)([width, *out])
        word.__dict__.update(getattr(w, "__dict__", {}))
        return word

    _shape_complex_words_only.__wrapped__ = shape
    paragraph.shapeFragWord = _shape_complex_words_only


_install()
