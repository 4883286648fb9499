"""Work that is the same in every copy, done once per process.

A clinic's list of personal booklets repeats the same pictures, the same pages and the same
paragraphs in every copy. reportlab would decode and compress each picture, compress each page
and parse each paragraph's markup again for every PDF; these caches keep the results instead.
The output is byte for byte what it would be without them.
"""
from __future__ import annotations

import zlib
from functools import lru_cache

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from ..tagging import TaggingCanvas


class _RememberedFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate compression that remembers recent results: a page, font subset or picture that is
    the same in the next copy is not compressed again."""

    def encode(self, text):
        return _compress(text.encode("utf8") if isinstance(text, str) else bytes(text))


@lru_cache(maxsize=1024)
def _compress(data: bytes) -> bytes:
    return zlib.compress(data)


# reportlab looks this filter up by its module name each time it writes a stream
pdfdoc.PDFZCompress = _RememberedFlate()

_PICTURES: dict[tuple[str, str], dict | None] = {}


def _picture(path: str, mask) -> pdfdoc.PDFImageXObject | None:
    """A new PDF image object for this document, from a picture file decoded and compressed
    once per process; None for pictures with a transparency mask, which reportlab changes
    while it draws them."""
    key = (path, str(mask))
    if key not in _PICTURES:
        reader = ImageReader(path)     # named as reportlab names a picture it is handed
        name = pdfdoc._digester(reader.getRGBData() + str(mask).encode())
        picture = pdfdoc.PDFImageXObject(name, reader, mask=mask)
        picture.name = name
        _PICTURES[key] = None if getattr(picture, "_smask", None) else dict(vars(picture))
    fields = _PICTURES[key]
    if fields is None:
        return None
    picture = pdfdoc.PDFImageXObject.__new__(pdfdoc.PDFImageXObject)
    picture.__dict__.update(fields)     # each document registers its own object
    return picture


class ReusingCanvas(TaggingCanvas):
    """A tagging canvas that decodes and compresses each picture file once per process."""

    def drawImage(self, image, x, y, width=None, height=None, mask=None, **options):
        path = getattr(image, "fileName", image)
        picture = _picture(path, mask) if isinstance(path, str) and width and height \
            and not options else None
        if picture is None:
            return super().drawImage(image, x, y, width, height, mask, **options)
        name = picture.name
        reg_name = self._doc.getXObjectName(name)
        if reg_name not in self._doc.idToObject:
            Canvas._setXObjects(self, picture)
            self._doc.Reference(picture, reg_name)
            self._doc.addForm(name, picture)
        self._currentPageHasImages = 1
        self.saveState()
        self.translate(x, y)
        self.scale(width, height)
        self._code.append(f"/{reg_name} Do")
        self.restoreState()
        self._formsinuse.append(name)
        return picture.width, picture.height
