"""Brand pictures: the clinic logo (PNG, JPEG or SVG) and the QR code, as tagged figures."""
from __future__ import annotations

import itertools

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


def qr_figure(url: str, color, alt: str, size: float = QR_SIZE, known: dict | None = None
              ) -> Flowable:
    """A QR code for `url` in `color` on the page background, tagged as a figure; `known`
    keeps each address's modules (a Theme's), as encoding one takes longer than drawing it."""
    modules = known.get(url) if known is not None else None
    if modules is None:
        modules = qr_modules(url)
        if known is not None:
            known[url] = modules
    return tagged(QrCode(modules, color, size), "Figure", alt=alt)


def qr_modules(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code for `url` (reportlab's encoder, error correction M): how many modules a
    side, and its runs of dark modules as (row, first column, length)."""
    from reportlab.graphics.barcode import qrencoder   # here: few styles have one
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    runs = []
    for row, cells in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(bool(cell) for cell in cells):
            length = len(list(run))
            if dark:
                runs.append((row, column, length))
            column += length
    return code.getModuleCount(), tuple(runs)


class QrCode(Flowable):
    """A QR code `size` square with its quiet zone (4 modules each side): the dark modules
    are one filled path."""

    QUIET = 4

    def __init__(self, modules: tuple[int, tuple], color, size: float):
        super().__init__()
        self.modules, self.color = modules, color
        self.width = self.height = size
        self.hAlign = "LEFT"

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        count, runs = self.modules
        box = self.width / (count + 2 * self.QUIET)
        top = self.height - self.QUIET * box
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(self.color)
        path = canvas.beginPath()
        for row, column, length in runs:
            path.rect((self.QUIET + column) * box, top - (row + 1) * box, length * box, box)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


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
