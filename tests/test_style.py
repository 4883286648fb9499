"""Bundled styles: large print, margins and contrast; the contrast arithmetic itself."""
from __future__ import annotations

import pytest

from booklet.resources import bundled_styles
from booklet.style import MIN_TEXT_CONTRAST, contrast, load_style, text_color_pairs


def test_contrast_ratio_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("name", sorted(bundled_styles()))
def test_bundled_styles_are_large_print_with_strong_contrast(name):
    style = load_style(bundled_styles()[name])
    assert style.base_size >= 18
    assert style.margin_in >= 0.75
    for fg, bg, ratio in text_color_pairs(style):
        assert ratio >= MIN_TEXT_CONTRAST, (fg, bg, ratio)
