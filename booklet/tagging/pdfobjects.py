"""Write the structure tree, the parent tree and the PDF/UA catalog entries into reportlab's
document (reportlab.pdfbase.pdfdoc; pinned to the 5.1 series for that reason). A booklet has
about a thousand structure elements: each is written straight to bytes by `element_value`
(the one writer of them, also for the elements booklet.tagging.merge adds to a template), and
the other values of the tree by `pdf_value`, not as reportlab's PDF objects, which take several
times as long."""
from __future__ import annotations

from functools import lru_cache
from html import escape as html_escape

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import (XMP, PDFArray, PDFDictionary, PDFName, PDFObject,
                                      PDFObjectReference, PDFString)

from .structure import AnnotationRef, Element, MarkedContent


def write_structure(canvas) -> None:
    """Add StructTreeRoot, MarkInfo, Metadata (XMP with pdfuaid) to the canvas's document.
    Every object an element refers to (pages, annotations) is numbered by now, so each
    element is written here, once the elements are numbered."""
    doc = canvas._doc
    elements = content_elements(canvas.document)
    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    doc.Reference(root, "StructTreeRoot")
    written = [Written() for _ in elements]
    for i, obj in enumerate(written):
        doc.Reference(obj, f"StructElem{i}")
    number_of = doc.idToObjectNumberAndVersion
    numbers = {id(e): number_of[f"StructElem{i}"][0] for i, e in enumerate(elements)}

    def number(thing) -> int | None:
        if isinstance(thing, AnnotationRef):
            return number_of[thing.name][0]
        return numbers.get(id(thing))

    def page_number(page: int) -> int:
        return number_of[f"Page{page}"][0]

    root_number = number_of["StructTreeRoot"][0]
    for element, obj in zip(elements, written):
        parent = root_number if element.parent is None else numbers[id(element.parent)]
        obj.value = element_value(element, parent, number, page_number)
    nums = []
    for page, (key, owners) in sorted(canvas.page_parents.items(), key=lambda kv: kv[1][0]):
        nums += [key, [Ref(numbers[id(owner)]) for owner in owners]]
    for key, link in sorted(canvas.annotation_parents.items()):
        nums += [key, Ref(numbers[id(link)])]
    nums = _sorted_nums(nums)
    root["K"] = PDFArray([PDFObjectReference("StructElem0")])
    root["ParentTree"] = doc.Reference(PlainObject({"Nums": nums}))
    root["ParentTreeNextKey"] = canvas._next_key

    catalog = doc.Catalog
    catalog.StructTreeRoot = root
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    lang = getattr(catalog, "Lang", None)
    language = lang.s if isinstance(lang, PDFString) else "en-US"
    info = doc.info
    catalog.Metadata = XMP(creator=lambda _doc: xmp_packet(
        info.title, language, info.author, info.subject, info.creator).encode("utf-8"))


def content_elements(root: Element) -> list[Element]:
    """`root` and every element below it that has content (something below it was drawn),
    in reading order."""
    found = [root]

    def visit(element: Element) -> bool:
        has_content = False
        for kid in element.kids:
            if isinstance(kid, Element):
                at = len(found)
                found.append(kid)
                if visit(kid):
                    has_content = True
                else:
                    del found[at:]
            else:
                has_content = True
        return has_content

    visit(root)
    return found


def _sorted_nums(nums: list) -> list:
    pairs = sorted(zip(nums[::2], nums[1::2]), key=lambda pair: pair[0])
    return [x for pair in pairs for x in pair]


class Name(str):
    """A PDF name (written /Like This), as opposed to a text string."""


class Ref(int):
    """A reference to the object with this number."""


def element_value(element: Element, parent: int, number, page_number) -> bytes:
    """An element's StructElem dictionary, written: `parent` is its parent's object number,
    `number(kid)` a kid element's or annotation's (None: a kid without content, left out) and
    `page_number(n)` page n's. About a thousand a booklet, so written straight to bytes."""
    first_page = next((k.page for k in element.kids if isinstance(k, MarkedContent)), None)
    kids = []
    for kid in element.kids:
        if isinstance(kid, MarkedContent):
            kids.append(b"%d" % kid.mcid if kid.page == first_page else
                        b"<< /Type /MCR /Pg %d 0 R /MCID %d >>" % (page_number(kid.page),
                                                                     kid.mcid))
        elif isinstance(kid, AnnotationRef):
            kids.append(b"<< /Type /OBJR /Pg %d 0 R /Obj %d 0 R >>" % (page_number(kid.page),
                                                                        number(kid)))
        else:
            kid_number = number(kid)
            if kid_number is not None:
                kids.append(b"%d 0 R" % kid_number)
    entries = [b"<< /Type /StructElem /S ", _name(element.role), b" /P %d 0 R /K [ " % parent,
               b" ".join(kids), b" ]"]
    if first_page is not None:
        entries.append(b" /Pg %d 0 R" % page_number(first_page))
    if element.alt is not None:
        entries += (b" /Alt ", _text_string(element.alt))
    if element.lang is not None:
        entries += (b" /Lang ", _text_string(element.lang))
    attributes = dict(element.attributes or {})
    if element.bbox is not None:
        attributes.update(O="Layout", BBox=[round(v, 2) for v in element.bbox])
    if attributes:
        entries += (b" /A ", pdf_value({k: Name(v) if isinstance(v, str) else v
                                         for k, v in attributes.items()}))
    entries.append(b" >>")
    return b"".join(entries)


class Written(PDFObject):
    """An object for reportlab's document whose bytes are set after it is numbered."""

    value = b""

    def format(self, document) -> bytes:
        return self.value


class PlainObject(PDFObject):
    """An object for reportlab's document made of plain values (the parent tree), written by
    `pdf_value` when the document is written and every object has its number."""

    def __init__(self, entries: dict):
        self.entries = entries

    def format(self, document) -> bytes:
        return pdf_value(self.entries)


def pdf_value(value) -> bytes:
    """A plain value (Ref, Name, str, bool, number, list, dict) written as PDF."""
    write = _WRITERS.get(type(value)) or _writer_of(type(value))
    return write(value)


def _list(value: list) -> bytes:
    return b"[ " + b" ".join([pdf_value(v) for v in value]) + b" ]"


def _dict(value: dict) -> bytes:
    return b"<< " + b" ".join([_name(k) + b" " + pdf_value(v)
                               for k, v in value.items()]) + b" >>"


# Each type's writer, looked up by the value's own type: one lookup is quicker than a chain
# of isinstance tests.
_WRITERS = {
    Ref: lambda value: b"%d 0 R" % value,
    Name: lambda value: _name(value),
    str: lambda value: _text_string(value),
    bool: lambda value: b"true" if value else b"false",
    int: lambda value: b"%d" % value,
    float: lambda value: fp_str(value).encode("ascii"),
    list: _list,
    dict: _dict,
}


def _writer_of(kind: type):
    """The writer of a subclass of one of the types above: its nearest base's."""
    for base in kind.__mro__:
        if base in _WRITERS:
            return _WRITERS[base]
    raise TypeError(f"no PDF form for {kind.__name__}")


@lru_cache(maxsize=1024)     # the few dozen names of structure trees, each written once
def _name(name: str) -> bytes:
    """/Name, with #xx for a byte outside ! to ~ or a delimiter (PDF 1.7, 7.3.5)."""
    return b"/" + b"".join(b"#%02X" % byte if byte < 0x21 or byte > 0x7E
                           or byte in b"#%()<>[]{}/" else bytes([byte])
                           for byte in name.encode("utf-8"))


def _text_string(text: str) -> bytes:
    """A PDF text string: literal when printable ASCII, else UTF-16BE with a byte-order mark."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def xmp_packet(title: str, language: str, author: str | None, subject: str | None,
               creator: str | None) -> str:
    """XMP metadata with the title, language and the PDF/UA-1 identification."""
    def text(value: str | None) -> str:
        return html_escape(value or "", quote=False)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{text(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{text(language)}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreatorTool>{text(creator)}</xmp:CreatorTool>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
