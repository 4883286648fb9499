"""Work that is the same in every copy, done once per Workshop.

A clinic's list of personal booklets repeats the same pictures, the same pages and the same
font subsets in every copy. reportlab would decode and compress each picture and compress
each page again for every PDF; these keep the results, on memos the Workshop owns. The output
is byte for byte what it would be without them.
"""
from __future__ import annotations

import zlib

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from ..layout.pages import UnwrittenCanvas
from ..tagging import TaggingCanvas


class RememberedFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate compression that remembers recent results in `memo` (a Memo): a page, font subset
    or picture that is the same in the next copy is not compressed again. reportlab looks its
    filter up as `pdfdoc.PDFZCompress` each time it writes a stream; Workshop.installed() puts
    this one there for the length of a build."""

    def __init__(self, memo):
        self.memo = memo

    def encode(self, text):
        data = text.encode("utf8") if isinstance(text, str) else bytes(text)
        found = self.memo.get(data)
        if found is None:
            found = zlib.compress(data)
            self.memo.remember(data, found)
        return found


def remembering_encoder(memo):
    """reportlab's `pdfdoc.pdfdocEnc` (text to PDFDocEncoding bytes), remembering the short
    texts in `memo` (a Memo): a booklet's PDF encodes the same names, numbers and references
    some 6,000 times, each through the codec registry. Workshop.installed() puts it in
    reportlab's place for the length of a build; the bytes are the same."""
    def encode(text):
        if not isinstance(text, str):
            return text
        found = memo.get(text)
        if found is None:
            found = text.encode("extpdfdoc")
            if len(text) < 80:
                memo.remember(text, found)
        return found
    return encode


_PLAIN_NAME = pdfdoc.PDFName


def remembering_names(memo):
    """reportlab's `pdfdoc.PDFName` (a name as PDF writes it, /Like#20This), remembering each
    name in `memo` (a Memo): a booklet's PDF writes the same few dozen dictionary keys and
    names some 1,800 times, each escaped character by character. Workshop.installed() puts
    it in reportlab's place for the length of a build; the names are the same."""
    def name(data, *bounds):
        if bounds or not isinstance(data, str):
            return _PLAIN_NAME(data, *bounds)
        found = memo.get(data)
        if found is None:
            found = _PLAIN_NAME(data)
            memo.remember(data, found)
        return found
    return name


class PictureReuse:
    """A canvas mixin that takes each picture file from `pictures` (a dict the Workshop owns),
    decoded and compressed once, instead of reading it again for every document."""

    def __init__(self, *args, pictures: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._pictures = pictures

    def drawImage(self, image, x, y, width=None, height=None, mask=None, **options):
        path = getattr(image, "fileName", image)
        picture = self._picture(path, mask) if self._pictures is not None \
            and isinstance(path, str) and width and height and not options else None
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

    def _picture(self, path: str, mask) -> pdfdoc.PDFImageXObject | None:
        """A new PDF image object for this document, from a picture decoded and compressed
        once; None for pictures with a transparency mask, which reportlab changes while it
        draws them."""
        key = (path, str(mask))
        if key not in self._pictures:
            reader = ImageReader(path)     # named as reportlab names a picture it is handed
            name = pdfdoc._digester(reader.getRGBData() + str(mask).encode())
            picture = pdfdoc.PDFImageXObject(name, reader, mask=mask)
            picture.name = name
            self._pictures[key] = None if getattr(picture, "_smask", None) \
                else dict(vars(picture))
        fields = self._pictures[key]
        if fields is None:
            return None
        picture = pdfdoc.PDFImageXObject.__new__(pdfdoc.PDFImageXObject)
        picture.__dict__.update(fields)     # each document registers its own object
        return picture


class ReusingCanvas(PictureReuse, TaggingCanvas):
    """The tagging canvas, reusing pictures."""


class ReusingUnwrittenCanvas(PictureReuse, UnwrittenCanvas):
    """The measuring canvas (draws, writes no file), reusing pictures."""
