"""Everything the renderer draws knows what it is: the accessible-PDF tagging relies on it."""
from __future__ import annotations

from reportlab.platypus import (ActionFlowable, KeepTogether, PageBreak, Paragraph, Spacer,
                                Table)

from booklet.render.document import PageFacts, _booklet_story, _handout_story
from booklet.render.flowables import ROLES
from booklet.render.theme import Theme
from booklet.assemble import plan_document

STRUCTURAL = (PageBreak, Spacer, ActionFlowable)  # control layout, draw nothing


def untagged(flowables):
    """Flowables (looking inside containers and table cells) that carry no structure role."""
    missing = []
    for f in flowables:
        if isinstance(f, STRUCTURAL):
            continue
        if isinstance(f, KeepTogether):
            missing += untagged(f._content)
            continue
        if getattr(f, "role", None) not in ROLES:
            missing.append(f)
        if isinstance(f, Table):
            cells = [c for row in f._cellvalues for c in row]
            flat = [x for c in cells for x in (c if isinstance(c, (list, tuple)) else [c])]
            missing += untagged([x for x in flat if not isinstance(x, str)])
    return missing


def test_every_flowable_of_a_booklet_has_a_role(library, default_style):
    plan = plan_document(library, default_style, tuple(library.sections.values()))
    story = _booklet_story(plan, Theme.for_plan(plan), PageFacts())
    assert untagged(story) == []
    flat = [x for f in story for x in (f._content if isinstance(f, KeepTogether) else [f])]
    assert [f.alt for f in flat if getattr(f, "role", "") == "Figure"], "a figure with alt text"


def test_every_flowable_of_a_handout_has_a_role(library, default_style):
    plan = plan_document(library, default_style, (library.sections["surgery"],), "handout")
    story = _handout_story(plan, Theme.for_plan(plan), PageFacts())
    assert untagged(story) == []
    headings = [f for f in story if isinstance(f, Paragraph) and f.role == "H1"]
    assert headings and headings[0].getPlainText() == "Surgery for a pNET"
