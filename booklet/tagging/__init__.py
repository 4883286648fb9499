"""Tagged, accessible PDFs (PDF/UA-1) on top of reportlab.

`tagged(flowable, role)` makes a flowable draw as a structure element; `TaggingCanvas` (the
document's canvasmaker) writes marked content, artifacts and, on save, the structure tree.
"""
from .canvas import LANGUAGE_RUN, PAGINATION, STRICT_ENV, TaggingCanvas, UntaggedDrawing
from .structure import Element, Structured, tagged
from . import unicode_maps

__all__ = ["Element", "LANGUAGE_RUN", "PAGINATION", "STRICT_ENV", "Structured", "TaggingCanvas",
           "UntaggedDrawing", "tagged", "unicode_maps"]
