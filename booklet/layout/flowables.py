"""Our own flowables: anchors, list items, tick-box questions and write-in lines.

Everything the layout draws is either a structure element (`tagged`, see booklet.tagging) or an
artifact: decoration a screen reader skips. Flowables that only decorate say so with
`decoration = True`; the tests walk every story to check nothing else is left untagged.
"""
from __future__ import annotations

import copy

import pyphen

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph as ReportlabParagraph
from reportlab.platypus.doctemplate import ActionFlowable

from ..fonts import widest_glyph
from ..scripts import ACTUAL_TEXT_MARK, ACTUAL_TEXT_RUN
from ..tagging import Element, tagged

SOFT_HYPHEN = "\u00ad"

__all__ = ["Anchor", "CheckItem", "ListItem", "Paragraph", "TermItem", "WriteInLines", "tagged"]


class Paragraph(ReportlabParagraph):
    """A paragraph whose lines each end in a real space character.

    Text extraction and read-aloud join a paragraph's lines; without the space the last word of
    one line and the first of the next run together. Left-aligned, the space is invisible.
    The last line gets one too when `ends_with_space` (a label that text follows on its line).
    """

    ends_with_space = False

    def _setup(self, text, style, bulletText, frags, cleaner):
        # Parsing markup is a good share of a copy's time, and a clinic's list repeats the same
        # paragraphs in every copy: with a memo on the style, each (text, style) is parsed once.
        memo = getattr(style, "paragraph_memo", None)
        key = (text, id(style), bulletText, self.caseSensitive)
        usable = memo is not None and frags is None and isinstance(bulletText, (str, type(None)))
        parsed = memo.parsed.get(key) if usable else None
        if parsed is not None and parsed[0] is style:
            _, self.text, self.style, self.frags, self.bulletText = parsed
            self.debug = 0
            return
        # text in a script that needs shaping is marked up for it (booklet.scripts)
        drawn_in = _shaping(style, memo) if text and ACTUAL_TEXT_MARK in text else style
        super()._setup(text, drawn_in, bulletText, frags, cleaner)
        if usable:
            memo.remember(memo.parsed, key, (style, self.text, self.style, self.frags,
                                             self.bulletText))

    def breakLines(self, width):
        # The same parsed paragraph at the same width breaks the same way in every copy. The
        # key is the parse as _setup left it: reportlab may swap self.frags while breaking.
        memo = getattr(self.style, "paragraph_memo", None)
        if memo is None:
            return self._break_hyphenating_long_words(width)
        frags = self.frags
        key = (id(frags), tuple(width) if isinstance(width, list) else width,
               self.split_hyphens)
        broken = memo.broken.get(key)
        if broken is not None and broken[0] is frags:
            self.hyphens = broken[2]
            return broken[1]
        lines = self._break_hyphenating_long_words(width)
        memo.remember(memo.broken, key, (frags, lines, self.hyphens))
        return lines

    # How the lines were broken: None, or the (language, least) of the hyphenating style that
    # broke them. The parts of a split paragraph break the same way as the whole did
    # (split_hyphens), or a part could take more lines than the room it was split for: a part
    # without the long word would not break at the hyphen in "pruh-SEE-jer" as the whole did.
    hyphens: tuple[str, int] | None = None
    split_hyphens: tuple[str, int] | None = None

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and self.hyphens is not None:
            for part in parts:
                part.split_hyphens = self.hyphens
        return parts

    def _break_shaped(self, width):
        """Lines of a shaped paragraph: an ActualText run that would start at the end of a
        line starts on the next one, where its text is (a run never spans two pages)."""
        broken = super().breakLines(width)
        if broken.kind == 1:
            for line, next_line in zip(broken.lines, broken.lines[1:]):
                at = len(line.words)
                while at and _actual_text_marker(line.words[at - 1]) == "start":
                    at -= 1
                if at < len(line.words):
                    next_line.words[0:0] = line.words[at:]
                    del line.words[at:]
        return broken

    def _break_hyphenating_long_words(self, width):
        """Lines as reportlab breaks them, ragged right with no hyphens; but a word wider than
        the line (a long word in a narrow table cell) is split with a visible hyphen: at a
        syllable, or where the line is full when no syllable break fits (or the language has
        no hyphenation dictionary). Reportlab alone would split it anywhere, hyphen-less."""
        self.hyphens = None
        if getattr(self.style, "shaping", 0):   # shaped words are never split
            return self._break_shaped(width)
        if self.split_hyphens is not None:
            ways = (self.split_hyphens,)
        else:
            narrowest = min(width) if isinstance(width, list) else width
            wide = _words_wider_than(self.frags, narrowest)
            if not wide:
                return super().breakLines(width)
            language = getattr(self.style, "long_word_hyphens", "")
            shortest = max(4, min(len(word.strip(".,;:!?()")) for word in wide))
            ways = tuple(dict.fromkeys(((language, 12), ("", shortest))))
        style, memo = self.style, getattr(self.style, "paragraph_memo", None)
        try:
            for way, least in ways:
                self.style = _hyphenating(style, way, least, memo)
                lines = super().breakLines(width)
                self.hyphens = (way, least)
                if _fits(lines):
                    break
            return lines
        finally:
            self.style = style

    def drawPara(self, debug=0):
        # Only the drawn lines get the space: line breaking and splitting must measure the
        # words as written, or a split part can wrap to more lines than the room it was given.
        broken = self.blPara
        self.blPara = copy.copy(broken)
        spaced = len(broken.lines) if self.ends_with_space else len(broken.lines) - 1
        self.blPara.lines = [_with_ending_space(line, broken.kind)
                             for line in broken.lines[:spaced]] + broken.lines[spaced:]
        if broken.kind == 1 and getattr(self.style, "shaping", 0):
            self.blPara.lines = [_spaces_after_actual_text(line) for line in self.blPara.lines]
        try:
            super().drawPara(debug)
        finally:
            self.blPara = broken


class ParagraphMemo:
    """Parsed paragraphs, their broken lines and hyphenating styles, kept from one document
    to the next by whoever owns this (booklet.copies.Workshop); each kind forgets its oldest
    entry when it holds `limit` (about three looks' worth of booklets, which keeps a batch
    worker under 100 MiB). Each entry keeps the object its key names by id, so a recycled id
    never matches."""

    def __init__(self, limit: int = 4_000):
        self.limit = limit
        self.parsed: dict = {}       # (text, style id, bullet, case) -> (style, the parse)
        self.broken: dict = {}       # (frags id, width) -> (frags, the broken lines)
        self.hyphenating: dict = {}  # (style id, language, least) -> (style, hyphenating copy)
        self.shaping: dict = {}      # style id -> (style, its shaping copy)

    def __copy__(self):
        return self

    def __deepcopy__(self, _memo):
        # A style carries its memo as `paragraph_memo`, and reportlab deep-copies a style to
        # split a paragraph with a first-line indent: the copy must share this memo, not
        # copy every paragraph it holds (which made each later document slower).
        return self

    def remember(self, kind: dict, key, value) -> None:
        if key not in kind and len(kind) >= self.limit:
            kind.pop(next(iter(kind)))
        kind[key] = value


def _hyphenating(style, language: str, least: int, memo: ParagraphMemo | None = None):
    """A copy of `style` that splits words of `least` letters or more at a syllable (where
    the line is full, with no `language`), on the line where they start or on the next.
    The hyphen it prints is a soft hyphen (U+00AD, drawn like "-"): PDF's mark for a hyphen
    the layout added, so copied, searched and read-aloud text keeps the word whole."""
    key = (id(style), language, least)
    known = memo.hyphenating.get(key) if memo is not None else None
    if known is not None and known[0] is style:
        return known[1]
    twin = copy.copy(style)
    twin.hyphenationLang = _soft_hyphens(language)
    twin.embeddedHyphenation = 2    # 2: a word that fits no line end starts the next line
    twin.hyphenationMinWordLength = least
    twin.splitLongWords = 0         # never split a word where no hyphen is printed
    if memo is not None:
        memo.remember(memo.hyphenating, key, (style, twin))
    return twin


def _shaping(style, memo: ParagraphMemo | None = None):
    """A copy of `style` that shapes (harfbuzz, through reportlab) the words in a script that
    needs it (booklet.scripts: only those words are shaped); such a word is never split."""
    known = memo.shaping.get(id(style)) if memo is not None else None
    if known is not None and known[0] is style:
        return known[1]
    twin = copy.copy(style)
    twin.shaping = 1
    twin.splitLongWords = 0
    if memo is not None:
        memo.remember(memo.shaping, id(style), (style, twin))
    return twin


def _soft_hyphens(language: str):
    """A hyphenator for reportlab: the (head, tail) splits pyphen finds for `language` (with
    "", every split leaving two letters each side), longest head first, each head ending in a
    soft hyphen (reportlab then adds no hyphen of its own). Pyphen keeps its dictionaries
    loaded; the hyphenating style that holds this is kept in the ParagraphMemo."""
    if not language:
        def splits(word: str):
            return [(word[:i] + SOFT_HYPHEN, word[i:]) for i in range(len(word) - 2, 1, -1)]
        return splits
    dictionary = pyphen.Pyphen(lang=language)

    def splits(word: str):
        return [(head + SOFT_HYPHEN, tail) for head, tail in dictionary.iterate(word)]
    return splits


def _words_wider_than(frags, width: float) -> list[str]:
    """The words of the paragraph's fragments wider than `width`. A word too short to be that
    wide even in its font's widest glyph is not measured (nearly every word)."""
    wide = []
    for f in frags:
        text = getattr(f, "text", "")
        if not text:
            continue
        widest = widest_glyph(f.fontName) * f.fontSize / 1000
        fewest = width / widest if widest > 0 else 0
        wide += [word for word in text.split()
                 if len(word) > fewest and stringWidth(word, f.fontName, f.fontSize) > width]
    return wide


def _fits(broken) -> bool:
    """True when no broken line is wider than its line."""
    spare = [line[0] for line in broken.lines] if broken.kind == 0 else \
        [line.extraSpace for line in broken.lines]
    return all(extra > -0.01 for extra in spare)


def _with_ending_space(line, kind: int):
    """A copy of one broken line whose last word ends in a space; not after a hyphen, where
    the word goes on on the next line (reportlab drops the soft hyphen from a plain line's
    split word: it is put back)."""
    ends = (" ", "-", SOFT_HYPHEN)
    if kind == 0:
        extra, words = line
        if not words or words[-1].endswith(ends):
            return line
        last = words[-1]
        split_here = len(last) in getattr(last, "__sp__", ())
        return extra, [*words[:-1], str(last) + (SOFT_HYPHEN if split_here else " ")]
    filled = [i for i, word in enumerate(line.words) if word.text]   # a bold run may end empty
    if not filled or line.words[filled[-1]].text.endswith(ends):
        return line
    at = filled[-1]
    last = copy.copy(line.words[at])
    last.text += " "
    line = copy.copy(line)
    line.words = [*line.words[:at], last, *line.words[at + 1:]]
    return line


def _actual_text_marker(frag) -> str | None:
    """"start" or "end" for the onDraw frag that starts or ends an ActualText run."""
    cb = getattr(frag, "cbDefn", None)
    if cb is None or getattr(cb, "name", None) != ACTUAL_TEXT_RUN:
        return None
    return "end" if cb.label == "end" else "start"


def _spaces_after_actual_text(line):
    """A copy of one line of a shaped paragraph in which the space reportlab puts after a
    shaped run's last glyph (between words, at the line's end) comes after the run's end:
    inside it, the space would be replaced by the run's ActualText and not be read."""
    words = list(line.words)
    moved = False
    for i in range(len(words) - 2, -1, -1):
        frag = words[i]
        text = getattr(frag, "text", "")
        if (_actual_text_marker(words[i + 1]) == "end" and not hasattr(frag, "cbDefn")
                and text.endswith(" ")):
            head, space = copy.copy(frag), copy.copy(frag)
            head.text, space.text = text[:-1], " "
            words[i:i + 2] = [head, words[i + 1], space]
            moved = True
    if not moved:
        return line
    line = copy.copy(line)
    line.words = words
    return line


class Anchor(Flowable):
    """Marks where a part starts: a bookmark, an outline entry and a page the doc records."""

    def __init__(self, key: str, title: str, level: int = 0, record_only: bool = False,
                 keep_with_next: bool = False):
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.record_only = record_only  # only the page is recorded: no bookmark, no outline
        self.keepWithNext = int(keep_with_next)   # after a heading: stays with what follows
        self.width = self.height = 0

    decoration = True

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        if not self.record_only:
            self.canv.bookmarkPage(self.key)
            self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)
            self.canv.showOutline()     # the file opens with its bookmarks shown


class Artifact(Flowable):
    """A flowable drawn as an artifact a screen reader skips: a title repeated at the top of
    each page of a part (it is read once, where the part starts)."""

    decoration = True

    def __init__(self, inner: Flowable):
        super().__init__()
        self.inner = inner

    def wrap(self, available_width, available_height):
        self.width, self.height = self.inner.wrap(available_width, available_height)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):
        return self.inner.getSpaceAfter()

    def draw(self):
        with self.canv.artifact():
            self.inner.drawOn(self.canv, 0, 0)


class BlankPageNote(Flowable):
    """"This page is blank on purpose", as an artifact a screen reader skips, a third of
    the way down an otherwise empty page."""

    def __init__(self, text: str, theme):
        super().__init__()
        self.text, self.theme = text, theme

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, available_height * 0.4
        return self.width, self.height

    def draw(self):
        theme = self.theme
        with self.canv.artifact():
            self.canv.setFont(theme.fonts.regular, theme.scale.body)
            self.canv.setFillColor(theme.color("text"))
            self.canv.drawString(0, 0, self.text)


class RightHandStart(ActionFlowable):
    """In a booklet printed on both sides, makes what follows start on a right-hand (odd)
    page: placed after a page break, on a left-hand page it prints "This page is blank on
    purpose" (as an artifact) and breaks to the next page. Otherwise it does nothing."""

    decoration = True

    def __init__(self, note: BlankPageNote, duplex: bool):
        super().__init__()
        self.note, self.duplex = note, duplex

    def apply(self, doc):
        if self.duplex and doc.canv.getPageNumber() % 2 == 0:
            doc.frame.add(self.note, doc.canv)
            doc.handle_pageBreak()


class PageMark(Flowable):
    """Draws nothing; notes on the canvas, once per key, the page it is on and how many
    structure elements the document holds so far (where a personal part's pages start)."""

    decoration = True

    def __init__(self, key: str):
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        kids = sum(1 for k in self.canv.document.kids if k.has_content())
        self.canv.page_marks.setdefault(self.key, (self.canv.getPageNumber(), kids))


class WriteInLines(Flowable):
    """Ruled lines to write on: `count` of them, or as many as fill the rest of the frame.

    With a `field` (name, description, font size) the lines also carry a multi-line text
    field, so the page can be filled in on a tablet.
    """

    decoration = True

    def __init__(self, spacing: float, color, count: int | None = None, indent: float = 0,
                 field: tuple[str, str, float] | None = None):
        super().__init__()
        self.spacing, self.color, self.count, self.indent = spacing, color, count, indent
        self.field = field

    def wrap(self, available_width, available_height):
        self.width = available_width
        n = self.count if self.count is not None else int(available_height // self.spacing)
        self.lines = max(n, 0)
        self.height = self.lines * self.spacing
        return self.width, self.height

    def draw(self):
        with self.canv.artifact():
            draw_lines(self.canv, self.color, self.indent, self.width, self.height,
                       self.spacing, self.lines, 2)
        if self.field and self.lines:
            add_text_field(self.canv, self.field, self.indent, 0, self.width - self.indent,
                           self.height, Element("Form"))


def draw_lines(canv, color, left, right, top, spacing, count, lift) -> None:
    """`count` ruled lines `spacing` apart below `top`, each raised by `lift`."""
    canv.saveState()
    canv.setStrokeColor(color)
    canv.setLineWidth(1)
    for i in range(count):
        y = top - (i + 1) * spacing + lift
        canv.line(left, y, right, y)
    canv.restoreState()


def add_text_field(canv, field: tuple[str, str, float], x, y, width, height,
                   element: Element) -> None:
    """A fillable multi-line text field inside its own Form structure element."""
    name, description, font_size = field
    with canv.structure(element):
        canv.form_fields.text_field(name, description, x, y, width, height, font_size)


class _Item(Flowable):
    """A list item drawn from a label and a body paragraph: the space around it is its
    body's."""

    body: Paragraph

    def getSpaceBefore(self):
        return self.body.getSpaceBefore()

    def getSpaceAfter(self):
        return self.body.getSpaceAfter()


class ListItem(_Item):
    """A list item (LI): its label (bullet or number) left of its text; splits between lines.

    The label is an Lbl element, the text an LBody; the parts of a split item share them.
    """

    def __init__(self, label: Paragraph | None, body: Paragraph, indent: float,
                 label_indent: float, element: Element, body_element: Element | None = None,
                 body_is_tagged: bool = False):
        super().__init__()
        self.label, self.body, self.indent, self.label_indent = label, body, indent, label_indent
        tagged(self, element)
        if label is not None:
            tagged(label, "Lbl", parent=element)
        self.body_element = body_element or Element("LBody", parent=element)
        # a body of several paragraphs is several items sharing the LI and LBody, each
        # paragraph its own element in the LBody (body_is_tagged)
        self.body_is_tagged = body_is_tagged
        if not body_is_tagged:
            tagged(body, self.body_element)

    def wrap(self, available_width, available_height):
        self.width = available_width
        _, self.height = self.body.wrap(available_width - self.indent, available_height)
        if self.label is not None:
            self.label.wrap(self.indent - self.label_indent, available_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        parts = self.body.split(available_width - self.indent, available_height)
        if len(parts) < 2:
            return []
        first, rest = parts[0], parts[1]
        return [ListItem(self.label, first, self.indent, self.label_indent, self.element,
                         self.body_element, self.body_is_tagged),
                ListItem(None, rest, self.indent, self.label_indent, self.element,
                         self.body_element, self.body_is_tagged)]

    def draw(self):
        if self.label is not None:
            self.label.drawOn(self.canv, self.label_indent, self.height - self.label.height)
        self.body.drawOn(self.canv, self.indent, 0)


class TermItem(_Item):
    """A list item (LI) for a word and what it means: the word is the item's label (Lbl),
    printed at the start of the first line, and the meaning its body (LBody), running on
    after the word on the same line, in `indented` (a style whose first line starts past the
    word). A word too long for that goes on a line of its own above its meaning. Splits
    between the meaning's lines."""

    def __init__(self, label: Paragraph | None, body: Paragraph, element: Element,
                 body_element: Element | None = None):
        super().__init__()
        self.label, self.body = label, body
        tagged(self, element)
        if label is not None:
            tagged(label, "Lbl", parent=element)
            label.ends_with_space = True
        self.body_element = body_element or Element("LBody", parent=element)
        tagged(body, self.body_element)

    @classmethod
    def of(cls, label: Paragraph, text: str, style, indented, line_width: float,
           element: Element) -> TermItem:
        """The item for `label` and the meaning's markup `text` on lines `line_width` wide:
        `indented(indent)` gives the body's style when the word fits on the first line."""
        label.wrap(1e6, 1e6)
        widths = label.getActualLineWidths0()
        width = widths[0] + stringWidth(" ", label.style.fontName, label.style.fontSize)
        # run on after the word when it leaves most of the line; else the word goes above
        run_in = len(widths) == 1 and width < line_width / 2
        item = cls(label, Paragraph(text, indented(width) if run_in else style), element)
        item.run_in = run_in
        return item

    run_in = True

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.label_height = 0.0
        if self.label is not None:
            self.label_height = self.label.wrap(available_width, available_height)[1]
        _, self.body_height = self.body.wrap(available_width, available_height)
        above = 0.0 if self.run_in or self.label is None else self.label_height
        self.height = max(self.body_height + above, self.label_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        above = 0.0 if self.run_in or self.label is None else self.label_height
        parts = self.body.split(available_width, available_height - above)
        if len(parts) < 2:
            return []
        first = TermItem(self.label, parts[0], self.element, self.body_element)
        first.run_in = self.run_in
        rest = TermItem(None, parts[1], self.element, self.body_element)
        return [first, rest]

    def draw(self):
        if self.label is not None:
            self.label.drawOn(self.canv, 0, self.height - self.label_height)
        self.body.drawOn(self.canv, 0, 0)


class CheckItem(Flowable):
    """A question (LI) with a tick box to its left and write-in lines below; never split.

    The box and lines are artifacts and the question is the item's LBody. When `fillable`,
    the box is a real check box and the lines a text field, each in a Form element.
    """

    def __init__(self, question: Paragraph, box_size: float, line_spacing: float, lines: int,
                 color, field_name: str, element: Element, fillable: bool = False,
                 answer_description: str = ""):
        super().__init__()
        self.question, self.box_size = question, box_size
        self.line_spacing, self.lines, self.color = line_spacing, lines, color
        self.field_name, self.fillable = field_name, fillable
        self.answer_description = answer_description
        self.indent = box_size * 1.7
        tagged(self, element)
        tagged(question, "LBody", parent=element)

    def wrap(self, available_width, available_height):
        self.width = available_width
        _, self.question_height = self.question.wrap(available_width - self.indent,
                                                     available_height)
        self.height = self.question_height + self.lines * self.line_spacing + self.box_size * 0.4
        return self.width, self.height

    def draw(self):
        canv = self.canv
        top = self.height
        first_line = self.question.style.leading
        box_y = top - first_line + (first_line - self.box_size) / 2 - 2
        if self.fillable:
            label = Element("Lbl", parent=self.element)   # LI holds only Lbl and LBody
            with canv.structure(Element("Form", parent=label)):
                canv.form_fields.checkbox(self.field_name, self.question.getPlainText(), 0,
                                          box_y, self.box_size, self.color.rgb())
        else:
            canv.saveState()
            canv.setStrokeColor(self.color)
            canv.setLineWidth(2)
            canv.rect(0, box_y, self.box_size, self.box_size, stroke=1, fill=0)
            canv.restoreState()
        self.question.drawOn(canv, self.indent, top - self.question_height)
        lines_top = top - self.question_height
        draw_lines(canv, self.color, self.indent, self.width, lines_top, self.line_spacing,
                   self.lines, 4)
        if self.fillable and self.lines:
            field = (f"{self.field_name}-answer", self.answer_description, self.question.style.fontSize)
            add_text_field(canv, field, self.indent, lines_top - self.lines * self.line_spacing,
                           self.width - self.indent, self.lines * self.line_spacing,
                           Element("Form", parent=self.question.element))
