"""Put a copy's personal pages into a template PDF, object by object.

A template is a whole booklet written by reportlab, with blank pages where the personal pages
(the cover with the patient's name, "My care team", ...) go. A copy is the template's bytes
with those pages' content streams and page objects replaced, the personal pages' structure
elements added, and three objects of the structure tree (the Document element, the parent
tree and the tree's root) rewritten to include them. Every other object is copied as it is,
so a copy costs about a millisecond whatever the booklet's length.

This reads only what reportlab itself writes: one revision, a classic cross-reference table,
no object streams.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..tagging.pdfobjects import Name, Ref, pdf_value

_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_OBJECT_HEADER = re.compile(rb"\d+ 0 obj\s*")
_OBJECT_END = re.compile(rb"\s*endobj\s*$")


@dataclass
class PageDrawing:
    """What one personal page draws: its page number, content stream and pictures."""

    number: int
    stream: bytes           # compressed with Flate
    pictures: tuple[str, ...]
    has_images: bool
    struct_key: int | None  # its parent-tree key among the personal pages (None: no text)


class TemplatePdf:
    """A template PDF's bytes, cut into objects, with the objects a copy changes found."""

    def __init__(self, data: bytes):
        self.data = data
        xref_at = int(_STARTXREF.search(data[-64:]).group(1))
        entries = _XREF_ENTRY.findall(data, xref_at, data.index(b"trailer", xref_at))
        starts = {n: int(offset) for n, (offset, _, kind) in enumerate(entries) if kind == b"n"}
        order = sorted(starts, key=starts.get)
        ends = dict(zip(order, [starts[n] for n in order[1:]] + [xref_at]))
        self.size = len(entries)
        self.spans = {n: (starts[n], ends[n]) for n in starts}
        self.header = data[:starts[order[0]]]
        trailer = data[data.index(b"trailer", xref_at):]
        self.trailer_id = re.search(rb"/ID\s*(\[<\w+>\s*<\w+>\])", trailer).group(1)
        self.root = _ref_after(trailer, b"/Root")
        self.info = _ref_after(trailer, b"/Info")

        catalog = self.body(self.root)
        self.pages = [int(n) for n in _refs(_array_after(self.body(_ref_after(catalog,
                                                                              b"/Pages")),
                                                         b"/Kids"))]
        page = self.body(self.pages[0])
        self.fonts = _ref_after(page, b"/Font")
        self.pictures = {name.decode(): int(number) for n in self.pages for name, number in
                         re.findall(rb"/(FormXob\.\w+) (\d+) 0 R", self.body(n))}
        self.struct_root = _ref_after(catalog, b"/StructTreeRoot")
        root = self.body(self.struct_root)
        self.parent_tree = _ref_after(root, b"/ParentTree")
        self.next_key = int(re.search(rb"/ParentTreeNextKey (\d+)", root).group(1))
        self.document = int(_refs(_array_after(root, b"/K"))[0])
        self.document_kids = [int(n) for n in _refs(_array_after(self.body(self.document),
                                                                 b"/K"))]

    def body(self, number: int) -> bytes:
        """An object's value, without its 'N 0 obj' and 'endobj' lines."""
        start, end = self.spans[number]
        chunk = self.data[start:end]
        head = _OBJECT_HEADER.match(chunk).end()
        return chunk[head:_OBJECT_END.search(chunk).start()]

    def contents_of(self, page_number: int) -> int:
        """The object number of a page's content stream."""
        return _ref_after(self.body(self.pages[page_number - 1]), b"/Contents")

    def page_dict(self, drawing: PageDrawing, struct_key: int | None) -> bytes:
        """The page object of a personal page: the template's page with the copy's resources
        and its key in the parent tree."""
        template = self.body(self.pages[drawing.number - 1])
        resources = {"Font": Ref(self.fonts), "ProcSet": [Name(p) for p in (
            ("PDF", "Text", "ImageB", "ImageC", "ImageI") if drawing.has_images
            else ("PDF", "Text"))]}
        if drawing.pictures:
            resources["XObject"] = {name: Ref(self.pictures[name]) for name in drawing.pictures}
        entries = {"Contents": Ref(_ref_after(template, b"/Contents")),
                   "MediaBox": [float(v) for v in _array_after(template, b"/MediaBox").split()],
                   "Parent": Ref(_ref_after(template, b"/Parent")),
                   "Resources": resources, "Rotate": 0}
        if struct_key is not None:
            entries["StructParents"] = struct_key
        entries.update(Tabs=Name("S"), Type=Name("Page"))
        return pdf_value(entries)

    def write(self, replaced: dict[int, bytes], added: list[bytes]) -> bytes:
        """The PDF with the objects in `replaced` (number -> value) changed and `added`
        appended as new objects numbered from `size` on."""
        out = [self.header]
        at = len(self.header)
        offsets = []
        data = self.data
        for number in range(1, self.size):
            offsets.append(at)
            if number in replaced:
                chunk = b"%d 0 obj\n%s\nendobj\n" % (number, replaced[number])
            else:
                start, end = self.spans[number]
                chunk = data[start:end]
            out.append(chunk)
            at += len(chunk)
        for number, value in enumerate(added, start=self.size):
            offsets.append(at)
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, value)
            out.append(chunk)
            at += len(chunk)
        size = self.size + len(added)
        out.append(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        out.append(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
        out.append(b"trailer\n<<\n/ID %s\n/Info %d 0 R\n/Root %d 0 R\n/Size %d\n>>\n"
                   b"startxref\n%d\n%%%%EOF\n" % (self.trailer_id, self.info, self.root, size,
                                                  at))
        return b"".join(out)


def stream_object(compressed: bytes) -> bytes:
    """A content stream object's value, Flate-compressed."""
    return b"<< /Filter [ /FlateDecode ] /Length %d >>\nstream\n%s\nendstream" % (
        len(compressed), compressed)


def _ref_after(body: bytes, key: bytes) -> int:
    return int(re.search(re.escape(key) + rb"\s+(\d+) 0 R", body).group(1))


def _array_after(body: bytes, key: bytes) -> bytes:
    return re.search(re.escape(key) + rb"\s*\[([^\]]*)\]", body).group(1)


def _refs(array: bytes) -> list[bytes]:
    return re.findall(rb"(\d+) 0 R", array)
