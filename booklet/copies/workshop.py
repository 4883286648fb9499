"""The Workshop: everything reused from one document to the next, on one object.

Laying out one plan keeps no state (booklet.layout). A caller that makes many documents (a
batch worker, the web form, the test suite) makes one Workshop and hands it to every build;
it keeps:

- the inputs it loaded (content libraries and styles), until their files change;
- one Theme per style, paper and language, whose paragraph styles carry the memo of parsed
  and broken paragraphs;
- the page facts each layout settled on (the next copy's first guess);
- each section drawn once per look, replayed into every booklet that prints it, and each
  glossary entry and checklist question drawn once per style, paper and language
  (booklet.layout.replay);
- the templates of personal booklets and the slots their copies took (booklet.copies.template);
- pictures decoded once, and Flate results (pages, font subsets) compressed once;
- in a batch run, the hash of each input file, read once.

It also applies our changes to reportlab, only while a build runs (`installed()`): the
remembering Flate filter, text encoder and PDF names, and ToUnicode maps without U+0000
entries. Builds on one Workshop take turns (a lock), since reportlab's font subsets are
shared state.

Every memo is bounded, and none changes a byte of the output: a fresh Workshop, or one with
`reuse=False` (nothing kept, templates not used), makes a PDF with the same text, structure
and pixels, and a fresh Workshop the same bytes.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

from reportlab.pdfbase import pdfdoc

from .. import model as m
from ..content import language_folder, load_library
from ..layout.document import Slots, layout_key, record_section, settle
from ..layout.flowables import ParagraphMemo
from ..layout.replay import ItemRecorder, Recordings
from ..layout.theme import Theme
from ..style import load_style
from ..tagging import unicode_maps
from .reuse import (RememberedFlate, ReusingCanvas, ReusingUnwrittenCanvas,
                    remembering_encoder, remembering_names)


RECHECK_SECONDS = 1.0   # how long loaded inputs are used before their files are looked at


class Memo(dict):
    """A memo that forgets its oldest entry when it holds `limit` of them (0: keeps none)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def remember(self, key, value) -> None:
        if self.limit <= 0:
            return
        if key not in self and len(self) >= self.limit:
            self.pop(next(iter(self)))
        self[key] = value


def _stamp(files) -> tuple:
    """What tells a changed file: each one's name, size and modification time."""
    stamps = []
    for file in files:
        try:
            info = Path(file).stat()
            stamps.append((str(file), info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append((str(file), None, None))
    return tuple(stamps)


class Workshop:
    """What one caller reuses across the documents it makes (see the module's docstring)."""

    def __init__(self, reuse: bool = True, recheck_seconds: float = RECHECK_SECONDS):
        self.reuse = reuse
        self.recheck_seconds = recheck_seconds
        keep = (lambda n: n) if reuse else (lambda n: 0)
        self.settled = Memo(keep(256))      # layout key -> the PageFacts it settled on
        self.templates = Memo(keep(32))     # (layout, slots) -> Template, a few hundred kB each
        self.guesses = Memo(keep(256))      # (layout, parts) -> the Slots its last copy took
        self.sections = Memo(keep(256))     # (section, look) -> RecordedSection (~60 kB), or False
        self.items = Memo(keep(4000))       # (look, item, width) -> RecordedItem (~2 kB), or False
        self.compressed = Memo(keep(1024))  # bytes -> their Flate compression
        self._encoder = remembering_encoder(Memo(keep(8192)))   # short text -> its PDF bytes
        self._names = remembering_names(Memo(keep(1024)))       # name -> its PDF form
        self.pictures: dict | None = {} if reuse else None
        self.paragraphs = ParagraphMemo() if reuse else None
        self._themes = Memo(keep(64))
        self._inputs = Memo(keep(64))       # loaded libraries and styles, with their stamps
        # For one batch run (run_jobs empties it as a run starts): the hashes of the files
        # its jobs read, each file read once.
        self.run_memo: dict = {}
        self._lock = threading.RLock()

    # --- inputs -----------------------------------------------------------------------
    def library(self, root: Path, language: str | None = None) -> m.Library:
        """The content library of `root` in `language`, loaded again when a file changed."""
        def files(_):
            folder = language_folder(root, language)
            return sorted(p for p in {*folder.rglob("*"), *Path(root).glob("*")} if p.is_file())
        return self._loaded(("library", str(root), language), files,
                            lambda: load_library(root, language))

    def style(self, path: Path, standard_print: bool = False) -> m.Style:
        """The style file at `path`, loaded again when it or a file it names changed."""
        def files(style):
            named = () if style is None else (style.logo and style.logo.path,
                                              *(style.font_files or ()))
            return [path, *(p for p in named if p)]
        return self._loaded(("style", str(path), standard_print), files,
                            lambda: load_style(path, standard_print))

    def _loaded(self, key, files, load):
        """What `load` gives, kept while the files it read (`files(value)`) are unchanged.
        They are looked at again at most every `recheck_seconds`: a batch does not stat the
        content for every copy, and the web form sees an edit a moment later."""
        now = time.monotonic()
        known = self._inputs.get(key)
        if known is not None:
            stamp, value, checked = known
            if now - checked < self.recheck_seconds:
                return value
            if _stamp(files(value)) == stamp:
                self._inputs[key] = (stamp, value, now)
                return value
        value = load()
        self._inputs.remember(key, (_stamp(files(value)), value, now))
        return value

    # --- layout -----------------------------------------------------------------------
    def theme(self, plan: m.DocumentPlan) -> Theme:
        """One Theme per style, paper and language, so copies share paragraph styles (and
        the paragraphs parsed in them). A style's paragraph styles do not depend on the
        paper, so the themes of one style and language on other papers share them too: a
        paragraph is parsed once for Letter and A4 (and broken into lines for each width)."""
        key = (plan.style, plan.paper, plan.info.language)
        theme = self._themes.get(key)
        if theme is None:
            theme = Theme.of(plan, self.paragraphs)
            if self.reuse:
                sibling = next((t for (style, _, language), t in self._themes.items()
                                if style == plan.style and language == plan.info.language),
                               None)
                if sibling is not None:
                    theme.share_styles(sibling)
            self._themes.remember(key, theme)
        return theme

    def lay_out(self, plan: m.DocumentPlan, slots: Slots | None = None, canvas_maker=None):
        """settle() the plan, starting from what the last plan of its layout settled on: the
        PDF, its page facts and the canvas."""
        key = (layout_key(plan), slots)
        maker = canvas_maker or self.canvas(ReusingCanvas)
        theme = self.theme(plan)
        pdf, facts, canvas = settle(plan, theme, slots, guess=self.settled.get(key),
                                    canvas_maker=maker,
                                    measure_maker=self.canvas(ReusingUnwrittenCanvas),
                                    recordings=self._recorded(plan, theme) if self.reuse else None)
        self.settled.remember(key, facts)
        return pdf, facts, canvas

    def _recorded(self, plan: m.DocumentPlan, theme: Theme) -> Recordings:
        """The plan's sections, each drawn once in the plan's look (False: not replayable),
        and its look's list items, each drawn once at each width."""
        look = (plan.style, plan.paper, plan.info.language, plan.duplex)

        def recorded(section: m.Section):
            key = (section, look)
            found = self.sections.get(key)
            if found is None:
                found = record_section(plan, theme, section) or False
                self.sections.remember(key, found)
            return found
        return Recordings(recorded, ItemRecorder(self.items, look[:3]))

    def canvas(self, cls, **options):
        """A canvas maker of class `cls` (a PictureReuse canvas) drawing with this
        workshop's pictures."""
        def make(*args, **kwargs):
            return cls(*args, pictures=self.pictures, **options, **kwargs)
        return make

    @contextmanager
    def installed(self):
        """Our changes to reportlab, for the length of one build, one build at a time."""
        with self._lock, unicode_maps.installed():
            if not self.reuse:
                yield self
                return
            plain = pdfdoc.PDFZCompress, pdfdoc.pdfdocEnc, pdfdoc.PDFName
            pdfdoc.PDFZCompress = RememberedFlate(self.compressed)
            pdfdoc.pdfdocEnc, pdfdoc.PDFName = self._encoder, self._names
            try:
                yield self
            finally:
                pdfdoc.PDFZCompress, pdfdoc.pdfdocEnc, pdfdoc.PDFName = plain
