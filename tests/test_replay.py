"""Sections drawn once and replayed into each booklet (booklet.layout.replay): the bytes are
the ones laying the section out in place gives, and a section a replay cannot carry is laid
out in place."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from booklet.copies.workshop import Workshop
from booklet.layout import pages, replay
from booklet.patient import load_patient
from booklet.request import BookletRequest, make_booklet

from conftest import FIXTURE_CONTENT
from pdfread import page_texts

REPO = Path(__file__).resolve().parent.parent
ALEX = load_patient(REPO / "examples" / "patient.yaml")

LOOKS = {
    "default": BookletRequest(),
    "spanish-fillable-a4": BookletRequest(language="es", fillable=True, paper="a4",
                                          style="juniper-bay-cancer-clinic"),
    "duplex": BookletRequest(preset="after-treatment", duplex=True, style="tallpine-oncology"),
    "personal-duplex": BookletRequest(patient=ALEX, duplex=True, style="high-contrast"),
}


@pytest.fixture
def replayed_pages(monkeypatch):
    """How many recorded pages were replayed into a drawn booklet page."""
    count = []
    real = replay.ReplayedPage.apply

    def counting(self, doc):
        if doc.drawing:
            count.append(self.index)
        return real(self, doc)
    monkeypatch.setattr(replay.ReplayedPage, "apply", counting)
    return count


@pytest.fixture
def replayed_items(monkeypatch):
    """The key of each list item drawn from its recording, and of each split in place."""
    drawn = {"replayed": [], "split": []}
    real_replay, real_split = replay.ReplayedItem._replay, replay.ReplayedItem.split

    def replaying(self, canvas, x, y):
        drawn["replayed"].append(self.key)
        return real_replay(self, canvas, x, y)

    def splitting(self, width, height):
        parts = real_split(self, width, height)
        if parts:
            drawn["split"].append(self.key)
        return parts
    monkeypatch.setattr(replay.ReplayedItem, "_replay", replaying)
    monkeypatch.setattr(replay.ReplayedItem, "split", splitting)
    return drawn


def without_replay() -> Workshop:
    """A workshop that reuses all it does but replays no section or list item: each is laid
    out in place."""
    workshop = Workshop()
    workshop._recorded = lambda plan, theme: None
    return workshop


def recorded(workshop: Workshop, plan, section):
    """What the workshop keeps for `section` in the plan's look: a RecordedSection, or False."""
    return workshop.sections.get(
        (section, (plan.style, plan.paper, plan.info.language, plan.duplex)))


@pytest.mark.parametrize("look", LOOKS)
def test_a_replayed_section_gives_the_bytes_of_one_laid_out_in_place(look, replayed_pages,
                                                                    replayed_items):
    request = LOOKS[look]
    workshop = Workshop()
    first = make_booklet(request, workshop)
    again = make_booklet(request, workshop)
    assert replayed_pages, "no section was replayed"
    kinds = {key[0] for key in replayed_items["replayed"]}
    # a fillable checklist's questions have form fields: they are laid out in place
    assert kinds == ({"term"} if request.fillable else {"term", "question"})
    for section in first.plan.sections:
        assert recorded(workshop, first.plan, section), section.id
    assert first.pdf == again.pdf == make_booklet(request, without_replay()).pdf
    if request.patient is None:     # a personal copy is spliced into its template instead
        assert first.pdf == make_booklet(request, Workshop(reuse=False)).pdf


def test_every_bundled_section_is_replayed_in_the_catalogue_looks(replayed_pages):
    """All the bundled sections are written in the seed letters, with no links or pictures:
    each is drawn once per look, and replayed wherever it is printed."""
    workshop = Workshop()
    for language in ("en", "es"):
        made = make_booklet(BookletRequest(language=language, everything=True), workshop)
        missing = [s.id for s in made.plan.sections if not recorded(workshop, made.plan, s)]
        assert missing == [], language
        pages = sum(len(recorded(workshop, made.plan, s).pages) for s in made.plan.sections)
        assert pages >= len(made.plan.sections)
    assert len(replayed_pages) >= pages


def test_a_section_with_a_picture_or_a_letter_outside_the_seed_is_laid_out_in_place(
        tmp_path, replayed_pages):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    second = content / "sections" / "second.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace(
        "Nu paragraph about the grade of a growth.",
        "Nu paragraph about a growth of \u2264 2 cm."), encoding="utf-8")
    request = BookletRequest(content=content)
    workshop = Workshop()
    made = make_booklet(request, workshop)
    kept = {s.id: recorded(workshop, made.plan, s) for s in made.plan.sections}
    assert kept == {"every-block": False, "second": False}   # a picture; a new letter
    assert replayed_pages == []
    assert made.pdf == make_booklet(request, Workshop(reuse=False)).pdf
    path = tmp_path / "booklet.pdf"
    path.write_bytes(made.pdf)
    assert any("\u2264 2 cm" in text for text in page_texts(path))


def test_the_same_section_replays_the_same_after_other_looks_and_sections(replayed_pages):
    """A recording is of its look only: a workshop that drew other looks and sections first
    still gives the in-place bytes."""
    workshop = Workshop()
    for request in reversed(list(LOOKS.values())):
        make_booklet(request, workshop)
    for request in LOOKS.values():
        assert make_booklet(request, workshop).pdf == make_booklet(
            request, without_replay()).pdf


def test_a_replay_that_could_differ_from_the_layout_in_place_stops_with_one_line(monkeypatch):
    """A replay checks that it starts at the top of an empty page (on the right-hand side when
    printed on both sides); if not, the build stops with the layout's one-line error rather
    than print a page the in-place layout would not."""
    from reportlab.platypus import Spacer
    from booklet.errors import BookletError
    real = replay.RecordedSection.flowables
    monkeypatch.setattr(replay.RecordedSection, "flowables",
                        lambda self: [Spacer(1, 20), *real(self)])
    with pytest.raises(BookletError, match=r"^the layout failed \(a recorded section replayed"
                                           r" below the top of a page\)"):
        make_booklet(BookletRequest(), Workshop())


def test_glossary_entries_split_across_pages_are_laid_out_in_place(replayed_items):
    """An entry that does not fit the room left on a page is split as the entry itself would
    be, and its parts are laid out in place; the rest are replayed; the bytes are the same."""
    request = BookletRequest(style="high-contrast", everything=True)
    workshop = Workshop()
    make_booklet(request, workshop)             # the first drawing of each item is kept
    made = make_booklet(request, workshop)
    assert replayed_items["split"] and replayed_items["replayed"]
    assert made.pdf == make_booklet(request, without_replay()).pdf
    assert made.pdf == make_booklet(request, Workshop(reuse=False)).pdf


def test_a_list_item_with_a_letter_outside_the_seed_is_laid_out_in_place(
        tmp_path, replayed_items):
    """An entry with a letter outside the seed would have other character codes in another
    booklet: it is laid out in place every time, the entries before it are replayed."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    terms = content / "glossary" / "terms.yaml"      # tumor: the glossary's last entry
    terms.write_text(terms.read_text(encoding="utf-8").replace(
        "A lump of cells.", "A lump of cells, often \u2264 2 cm."), encoding="utf-8")
    request = BookletRequest(content=content)
    workshop = Workshop()
    make_booklet(request, workshop)
    made = make_booklet(request, workshop)
    replayed = {key[1] for key in replayed_items["replayed"]}
    assert {"grade", "Omicron question one?", "Rho question three?"} <= replayed
    assert "tumor" not in replayed
    assert made.pdf == make_booklet(request, Workshop(reuse=False)).pdf
    path = tmp_path / "booklet.pdf"
    path.write_bytes(made.pdf)
    assert "\u2264 2 cm" in " ".join(page_texts(path))


def test_a_list_item_is_recorded_when_a_booklet_first_draws_it(replayed_items, monkeypatch):
    """The first drawing of an item is kept as it is drawn (the pass that only finds the page
    breaks places the item itself); every later booklet of the look places and draws it
    from that recording."""
    first_drawings = []
    real = replay.ItemRecorder.draw_and_record

    def drawing(self, key, *args):
        first_drawings.append(key)
        return real(self, key, *args)
    monkeypatch.setattr(replay.ItemRecorder, "draw_and_record", drawing)
    workshop = Workshop()
    once = make_booklet(BookletRequest(), workshop)
    assert first_drawings and replayed_items["replayed"] == []
    terms = {key[1] for key in first_drawings if key[0] == "term"}
    assert terms == {t.term for t in once.plan.terms}
    assert all(isinstance(recording, replay.RecordedItem)
               for (*_, width), recording in workshop.items.items() if width is not None)
    first_drawings.clear()
    assert make_booklet(BookletRequest(), workshop).pdf == once.pdf
    assert first_drawings == [] and len(replayed_items["replayed"]) == len(set(
        replayed_items["replayed"])) > len(terms)


@pytest.mark.parametrize("duplex", [False, True])
def test_footers_draw_the_page_number_and_put_the_rest_as_drawn_on_the_first_page(
        duplex, monkeypatch, tmp_path):
    """A pass's Footer draws its title and review date on the first page of each side, and
    only the page number on the others; a footer drawn whole on every page gives the same
    bytes, and every page still reads 'Page N of M'."""
    request = BookletRequest(preset="after-treatment", duplex=duplex)
    whole = []
    real_call = pages.Footer.__call__

    def forgetting(self, canv, doc):
        self._drawn.clear()
        return real_call(self, canv, doc)
    monkeypatch.setattr(pages.Footer, "__call__", forgetting)
    in_place = make_booklet(request, without_replay()).pdf
    monkeypatch.setattr(pages.Footer, "__call__", real_call)

    real_draw_text = pages.draw_text

    def counting(canv, fonts, x, y, text, *args, **kwargs):
        whole.append(text)
        return real_draw_text(canv, fonts, x, y, text, *args, **kwargs)
    monkeypatch.setattr(pages, "draw_text", counting)
    made = make_booklet(request, without_replay())    # no section drawn on its own
    assert made.pdf == in_place
    sides = 2 if duplex else 1
    assert len(whole) == made.pages + 2 * sides       # title and date once a side
    path = tmp_path / "booklet.pdf"
    path.write_bytes(made.pdf)
    texts = page_texts(path)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
