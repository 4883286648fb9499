"""Brand pictures: the clinic logo (PNG, JPEG or SVG) and the QR code, as tagged figures."""
from __future__ import annotations

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Image

from .. import model as m
from .flowables import tagged

LOGO_HEIGHT = 0.9 * inch   # modest: the clinic's mark, not a poster
QR_SIZE = 1.4 * inch       # with its quiet zone; large enough for any phone camera


def logo_figure(logo: m.Logo, height: float = LOGO_HEIGHT) -> Flowable:
    """The logo scaled to `height`, left-aligned, tagged as a figure with its alt text."""
    found = logo.picture   # read when the style was loaded
    if isinstance(found, Drawing):
        picture = Vector(found, height / found.height)
    else:
        width, pixels_high = found
        picture = Image(str(logo.path), width=width * height / pixels_high, height=height)
    picture.hAlign = "LEFT"
    return tagged(picture, "Figure", alt=logo.alt)


def qr_figure(url: str, color, alt: str, size: float = QR_SIZE) -> Flowable:
    """A QR code for `url` in `color` on the page background, tagged as a figure."""
    from reportlab.graphics.barcode.qr import QrCodeWidget   # here: few styles have one
    widget = QrCodeWidget(url, barLevel="M", barBorder=4, barFillColor=color,
                          barStrokeColor=color)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(x1 - x0, y1 - y0)
    drawing.add(widget)
    return tagged(Vector(drawing, size / (x1 - x0)), "Figure", alt=alt)


class Vector(Flowable):
    """A reportlab Drawing drawn at `scale`, as a plain flowable (Drawings refuse new
    attributes, so they cannot carry a structure element themselves)."""

    def __init__(self, drawing: Drawing, scale: float):
        super().__init__()
        self.drawing, self.scale = drawing, scale
        self.width, self.height = drawing.width * scale, drawing.height * scale
        self.hAlign = "LEFT"

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        # reportlab starts a drawing in Helvetica; start it in the page's own font instead,
        # so no unembedded base-14 font is named anywhere in the file.
        frame = Drawing(self.drawing.width, self.drawing.height,
                        initialFontName=self.canv._fontname, initialFontSize=self.canv._fontsize)
        frame.add(self.drawing)
        self.canv.saveState()
        self.canv.scale(self.scale, self.scale)
        renderPDF.draw(frame, self.canv, 0, 0)
        self.canv.restoreState()
