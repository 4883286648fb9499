"""Write the structure tree, the parent tree and the PDF/UA catalog entries with reportlab's
own PDF objects (reportlab.pdfbase.pdfdoc; pinned to the 5.1 series for that reason)."""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (XMP, PDFArray, PDFDictionary, PDFName, PDFObjectReference,
                                      PDFString)

from .structure import AnnotationRef, Element, MarkedContent


def write_structure(canvas) -> None:
    """Add StructTreeRoot, MarkInfo, Metadata (XMP with pdfuaid) to the canvas's document."""
    doc = canvas._doc
    elements = [e for e in walk(canvas.document)
                if e is canvas.document or e.has_content()]
    names = {id(e): f"StructElem{i}" for i, e in enumerate(elements)}

    def ref(element: Element) -> PDFObjectReference:
        return PDFObjectReference(names[id(element)])

    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root_ref = doc.Reference(root, "StructTreeRoot")
    for element in elements:
        parent = ref(element.parent) if element.parent is not None else root_ref
        doc.Reference(_element_dict(element, parent, ref), names[id(element)])
    nums = []
    for page, (key, owners) in sorted(canvas.page_parents.items(), key=lambda kv: kv[1][0]):
        nums += [key, PDFArray([ref(owner) for owner in owners])]
    for key, link in sorted(canvas.annotation_parents.items()):
        nums += [key, ref(link)]
    nums = _sorted_nums(nums)
    root["K"] = PDFArray([ref(canvas.document)])
    root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
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


def _page(number: int) -> PDFObjectReference:
    return PDFObjectReference(f"Page{number}")


class Name(str):
    """A PDF name (written /Like This), as opposed to a text string."""


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


def _element_dict(element: Element, parent, ref) -> PDFDictionary:
    def any_ref(thing):
        if isinstance(thing, AnnotationRef):
            return PDFObjectReference(thing.name)
        return ref(thing)
    return _reportlab(element_entries(element, parent, any_ref, _page))


def _reportlab(value):
    """A plain value from `element_entries` as reportlab's PDF objects."""
    if isinstance(value, Name):
        return PDFName(value)
    if isinstance(value, str):
        return PDFString(value)
    if isinstance(value, list):
        return PDFArray([_reportlab(v) for v in value])
    if isinstance(value, dict):
        return PDFDictionary({k: _reportlab(v) for k, v in value.items()})
    return value


def xmp_packet(title: str, language: str, author: str | None, subject: str | None,
               creator: str | None) -> str:
    """XMP metadata with the title, language and the PDF/UA-1 identification."""
    def text(value: str | None) -> str:
        return escape(value or "")
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
