"""Bundled styles: large print, margins and contrast; the contrast arithmetic itself."""
from __future__ import annotations

import pytest

from booklet.resources import bundled_styles
from booklet.style import (MIN_HEADING_ON_FILL_CONTRAST, MIN_TEXT_CONTRAST, contrast,
                           load_style, text_color_pairs)


def test_contrast_ratio_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("name", sorted(bundled_styles()))
def test_bundled_styles_are_large_print_with_strong_contrast(name):
    style = load_style(bundled_styles()[name])
    assert style.base_size >= 18
    assert style.margin_in >= 0.75
    for pair in text_color_pairs(style):
        assert pair.ratio >= pair.minimum, pair


def test_text_needs_7_to_1_and_headings_on_a_fill_4_5_to_1(default_style):
    minimum = {(p.fg, p.bg): p.minimum for p in text_color_pairs(default_style)}
    assert minimum[("text", "background")] == MIN_TEXT_CONTRAST == 7
    assert minimum[("text", "accent")] == MIN_TEXT_CONTRAST
    assert minimum[("text", "primary tint")] == MIN_TEXT_CONTRAST
    assert minimum[("primary", "accent")] == MIN_HEADING_ON_FILL_CONTRAST == 4.5
    assert minimum[("background", "primary")] == MIN_HEADING_ON_FILL_CONTRAST
