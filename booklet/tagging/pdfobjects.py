"""Write the structure tree, the parent tree and the PDF/UA catalog entries into reportlab's
document (reportlab.pdfbase.pdfdoc; pinned to the 5.1 series for that reason). A booklet has
about a thousand structure elements: they are plain values written straight to bytes by
`pdf_value` (the one writer of them, also for the elements booklet.tagging.merge adds to a
template), not reportlab's PDF objects, which take several times as long."""
from __future__ import annotations

from functools import lru_cache
from html import escape as html_escape

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import (XMP, PDFArray, PDFDictionary, PDFName, PDFObject,
                                      PDFObjectReference, PDFString)

from .structure import AnnotationRef, Element, MarkedContent


def write_structure(canvas) -> None:
    """Add StructTreeRoot, MarkInfo, Metadata (XMP with pdfuaid) to the canvas's document."""
    doc = canvas._doc
    elements = [e for e in walk(canvas.document)
                if e is canvas.document or e.has_content()]
    names = {id(e): f"StructElem{i}" for i, e in enumerate(elements)}

    def ref(element: Element) -> NamedRef:
        return NamedRef(names[id(element)])

    def any_ref(thing) -> NamedRef:
        return NamedRef(thing.name if isinstance(thing, AnnotationRef) else names[id(thing)])

    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    doc.Reference(root, "StructTreeRoot")
    for element in elements:
        parent = NamedRef(names[id(element.parent)] if element.parent is not None
                          else "StructTreeRoot")
        doc.Reference(PlainObject(element_entries(element, parent, any_ref, _page_ref)),
                      names[id(element)])
    nums = []
    for page, (key, owners) in sorted(canvas.page_parents.items(), key=lambda kv: kv[1][0]):
        nums += [key, [ref(owner) for owner in owners]]
    for key, link in sorted(canvas.annotation_parents.items()):
        nums += [key, ref(link)]
    nums = _sorted_nums(nums)
    root["K"] = PDFArray([PDFObjectReference(names[id(canvas.document)])])
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


def walk(element: Element):
    """The element and every element below it, in reading order."""
    yield element
    for kid in element.text_kids():
        yield from walk(kid)


def _sorted_nums(nums: list) -> list:
    pairs = sorted(zip(nums[::2], nums[1::2]), key=lambda pair: pair[0])
    return [x for pair in pairs for x in pair]


def _page_ref(number: int) -> NamedRef:
    return NamedRef(f"Page{number}")


class Name(str):
    """A PDF name (written /Like This), as opposed to a text string."""


class Ref(int):
    """A reference to the object with this number."""


class NamedRef(str):
    """A reference to the object reportlab's document knows by this name."""


def element_entries(element: Element, parent, ref, page) -> dict:
    """The entries of an element's StructElem dictionary, in plain values: Name, str (a text
    string), numbers, lists, dicts, and whatever `parent`, `ref(kid)`, `page(number)` and
    annotation references (`ref` of an AnnotationRef) stand for in the writer."""
    first_page = next((k.page for k in element.kids if isinstance(k, MarkedContent)), None)
    kids = []
    for kid in element.kids:
        if isinstance(kid, Element):
            if kid.has_content():
                kids.append(ref(kid))
        elif isinstance(kid, MarkedContent):
            kids.append(kid.mcid if kid.page == first_page else
                        {"Type": Name("MCR"), "Pg": page(kid.page), "MCID": kid.mcid})
        elif isinstance(kid, AnnotationRef):
            kids.append({"Type": Name("OBJR"), "Pg": page(kid.page), "Obj": ref(kid)})
    entries = {"Type": Name("StructElem"), "S": Name(element.role), "P": parent, "K": kids}
    if first_page is not None:
        entries["Pg"] = page(first_page)
    if element.alt is not None:
        entries["Alt"] = element.alt
    if element.lang is not None:
        entries["Lang"] = element.lang
    attributes = dict(element.attributes or {})
    if element.bbox is not None:
        attributes.update(O="Layout", BBox=[round(v, 2) for v in element.bbox])
    if attributes:
        entries["A"] = {k: Name(v) if isinstance(v, str) else v for k, v in attributes.items()}
    return entries


class PlainObject(PDFObject):
    """An object for reportlab's document made of plain values (a structure element's
    `element_entries`, the parent tree), written by `pdf_value` when the document is written
    and every object has its number."""

    def __init__(self, entries: dict):
        self.entries = entries

    def format(self, document) -> bytes:
        return pdf_value(self.entries, document)


def pdf_value(value, document=None) -> bytes:
    """A plain value (Ref, NamedRef, Name, str, bool, number, list, dict) written as PDF;
    a NamedRef is numbered by reportlab's `document`."""
    write = _WRITERS.get(type(value)) or _writer_of(type(value))
    return write(value, document)


def _list(value: list, document) -> bytes:
    return b"[ " + b" ".join([pdf_value(v, document) for v in value]) + b" ]"


def _dict(value: dict, document) -> bytes:
    return b"<< " + b" ".join([_name(k) + b" " + pdf_value(v, document)
                               for k, v in value.items()]) + b" >>"


# Each type's writer, looked up by the value's own type: a booklet writes about 100,000
# values, and one lookup is quicker than a chain of isinstance tests.
_WRITERS = {
    Ref: lambda value, _: b"%d 0 R" % value,
    NamedRef: lambda value, document: b"%d %d R" % document.idToObjectNumberAndVersion[value],
    Name: lambda value, _: _name(value),
    str: lambda value, _: _text_string(value),
    bool: lambda value, _: b"true" if value else b"false",
    int: lambda value, _: b"%d" % value,
    float: lambda value, _: fp_str(value).encode("ascii"),
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
