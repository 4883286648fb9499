"""Draw the example clinics' logos: simple geometric marks, saved as SVG and PNG.

The clinics are fictional, and so are their logos: a few shapes each, no lettering, nothing
taken from a real organisation. Run from the repository folder after changing a shape:

    python styles/logos/draw.py

It rewrites the .svg and .png files beside this script (commit them). SVG comes from
reportlab's renderSVG; PNG from reportlab's renderPM when its backend is installed, otherwise
from Pillow, drawing the same shapes.
"""
from __future__ import annotations

import math
from pathlib import Path

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Polygon, Rect
from reportlab.lib.colors import HexColor

HERE = Path(__file__).resolve().parent
PNG_HEIGHT = 360  # pixels: 0.9 inch printed at 400 dpi


def _wave(x0: float, x1: float, y: float, depth: float, thickness: float,
          waves: float = 1.5, steps: int = 48) -> list[float]:
    """A sine-shaped band as one polygon (so both renderers draw it the same)."""
    top = [(x0 + (x1 - x0) * i / steps,
            y + depth * math.sin(2 * math.pi * waves * i / steps)) for i in range(steps + 1)]
    bottom = [(x, yy - thickness) for x, yy in reversed(top)]
    return [round(v, 2) for point in top + bottom for v in point]


def juniper_bay() -> Drawing:
    """A teal disc over two white waves, with a small sun: 'bay'."""
    teal, sun = HexColor("#0b5563"), HexColor("#e0a526")
    d = Drawing(120, 120)
    d.add(Circle(60, 60, 58, fillColor=teal, strokeColor=None))
    d.add(Circle(78, 80, 14, fillColor=sun, strokeColor=None))
    d.add(Polygon(_wave(12, 108, 58, 5, 8), fillColor=HexColor("#ffffff"), strokeColor=None))
    d.add(Polygon(_wave(16, 104, 38, 5, 8), fillColor=HexColor("#ffffff"), strokeColor=None))
    return d


def tallpine() -> Drawing:
    """Three pines of different heights on a ground line: 'tall pine'."""
    green, ground = HexColor("#1f5130"), HexColor("#6b3d7a")
    d = Drawing(150, 120)
    for x, width, height in ((30, 40, 70), (75, 52, 102), (120, 40, 82)):
        for tier in range(3):  # three stacked triangles make a pine
            base, w = 16 + tier * height * 0.27, width * (1 - tier * 0.22)
            d.add(Polygon([x - w / 2, base, x + w / 2, base,
                           x, base + height * (0.46 - tier * 0.04)],
                          fillColor=green, strokeColor=None))
    d.add(Rect(4, 4, 142, 12, fillColor=ground, strokeColor=None))
    return d


LOGOS = {"juniper-bay": juniper_bay, "tallpine": tallpine}


def save_png(drawing: Drawing, target: Path) -> None:
    from reportlab.graphics import renderPM
    from reportlab.graphics.utils import RenderPMError

    try:
        renderPM.drawToFile(drawing, str(target), fmt="PNG", dpi=72 * PNG_HEIGHT / drawing.height)
    except RenderPMError:  # no renderPM backend (rlPyCairo) installed
        _pillow_png(drawing, target)


def _pillow_png(drawing: Drawing, target: Path, oversample: int = 4) -> None:
    """Rasterise the circles, rectangles and polygons of `drawing` with Pillow."""
    from PIL import Image, ImageDraw

    scale = PNG_HEIGHT / drawing.height * oversample
    size = (round(drawing.width * scale), round(drawing.height * scale))
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)

    def xy(x: float, y: float) -> tuple[float, float]:
        return x * scale, size[1] - y * scale  # PDF y goes up, image y goes down

    for shape in drawing.contents:
        fill = tuple(round(c * 255) for c in shape.fillColor.rgb())
        if isinstance(shape, Circle):
            (left, top), (right, bottom) = (xy(shape.cx - shape.r, shape.cy + shape.r),
                                            xy(shape.cx + shape.r, shape.cy - shape.r))
            pen.ellipse([left, top, right, bottom], fill=fill)
        elif isinstance(shape, Rect):
            (left, top), (right, bottom) = (xy(shape.x, shape.y + shape.height),
                                            xy(shape.x + shape.width, shape.y))
            pen.rectangle([left, top, right, bottom], fill=fill)
        elif isinstance(shape, Polygon):
            points = shape.points
            pen.polygon([xy(points[i], points[i + 1]) for i in range(0, len(points), 2)],
                        fill=fill)
        else:
            raise TypeError(f"draw.py cannot rasterise {type(shape).__name__}")
    image = image.resize((size[0] // oversample, size[1] // oversample), Image.LANCZOS)
    image.save(target, optimize=True)


def main() -> None:
    for name, make in LOGOS.items():
        drawing = make()
        renderSVG.drawToFile(drawing, str(HERE / f"{name}.svg"))
        save_png(drawing, HERE / f"{name}.png")
        print(f"wrote {name}.svg and {name}.png")


if __name__ == "__main__":
    main()
