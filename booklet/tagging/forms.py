"""Fillable form fields that stay accessible: check boxes and multi-line text fields.

reportlab's own acroform draws check marks with ZapfDingbats and types field text in Helvetica,
both base-14 fonts that PDF/UA forbids. These fields draw their appearances as plain paths and
type in the document's own font, embedded whole (a subset would lack the letters a patient types).
Each widget is created inside a `Form` structure element, so it joins the structure tree, and
carries a /TU description for screen readers.
"""
from __future__ import annotations

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

FIELD_FONT = "BookletFieldFont"
FLAG_PRINT = 4
FLAG_MULTILINE = 1 << 12


class FormFields:
    """The fields of one document and the AcroForm dictionary that lists them."""

    def __init__(self, canvas, font_name: str):
        self.canvas, self.font_name = canvas, font_name
        self.fields: list[PDFDictionary] = []
        self._font = None

    def checkbox(self, name: str, description: str, x: float, y: float, size: float,
                 color: tuple[float, float, float]) -> None:
        """A tick box at (x, y) in the current user space, `size` points square."""
        rect = self.canvas._absRect((x, y, x + size, y + size), relative=1)
        box = _box_path(size, color)
        on = box + f" {_rgb(color)} RG 3 w 1 J 1 j {size * .2:.2f} {size * .5:.2f} m" \
                   f" {size * .42:.2f} {size * .22:.2f} l {size * .82:.2f} {size * .8:.2f} l S"
        widget = self._widget(name, description, rect, "Btn", {
            "V": PDFName("Off"), "AS": PDFName("Off"),
            "AP": PDFDictionary({"N": PDFDictionary({
                "Yes": _appearance(on, size, size), "Off": _appearance(box, size, size)})}),
        })
        self._add(widget)

    def text_field(self, name: str, description: str, x: float, y: float, width: float,
                   height: float, font_size: float) -> None:
        """A transparent multi-line text field over (x, y, width, height) in user space."""
        rect = self.canvas._absRect((x, y, x + width, y + height), relative=1)
        widget = self._widget(name, description, rect, "Tx", {
            "Ff": FLAG_MULTILINE, "V": PDFString(""),
            "DA": PDFString(f"/{FIELD_FONT} {font_size:g} Tf 0 g"),
            "AP": PDFDictionary({"N": _appearance("/Tx BMC EMC", rect[2] - rect[0],
                                                  rect[3] - rect[1])}),
        })
        self._add(widget)

    def _widget(self, name, description, rect, kind, entries) -> PDFDictionary:
        return PDFDictionary({
            "Type": PDFName("Annot"), "Subtype": PDFName("Widget"), "FT": PDFName(kind),
            "T": PDFString(name), "TU": PDFString(description), "F": FLAG_PRINT,
            "Rect": PDFArray([round(v, 2) for v in rect]), **entries})

    def _add(self, widget: PDFDictionary) -> None:
        name = f"Field{len(self.fields) + 1}"
        self.canvas._addAnnotation(widget, name)
        self.fields.append(widget)

    def write(self) -> None:
        """Put the AcroForm (fields, default font) into the catalog; call once, on save."""
        if not self.fields:
            return
        doc = self.canvas._doc
        refs = [doc.Reference(field) for field in self.fields]
        doc.Catalog.AcroForm = PDFDictionary({
            "Fields": PDFArray(refs),
            "DR": PDFDictionary({"Font": PDFDictionary({FIELD_FONT: self._whole_font()})}),
            "DA": PDFString(f"/{FIELD_FONT} 18 Tf 0 g"),
        })

    def _whole_font(self):
        """The document font as a simple TrueType font (WinAnsi), its file embedded whole."""
        face = pdfmetrics.getFont(self.font_name).face
        name = face.name.decode("latin-1") if isinstance(face.name, bytes) else face.name
        doc = self.canvas._doc
        file = PDFStream(PDFDictionary({"Length1": len(face._ttf_data),
                                        "Filter": PDFName("FlateDecode")}),
                         pdfdoc.PDFZCompress.encode(face._ttf_data),  # remembered in a batch
                         filters=[])
        descriptor = PDFDictionary({
            "Type": PDFName("FontDescriptor"), "FontName": PDFName(name),
            "Flags": 32, "FontBBox": PDFArray(face.bbox), "ItalicAngle": face.italicAngle,
            "Ascent": face.ascent, "Descent": face.descent, "CapHeight": face.capHeight,
            "StemV": face.stemV, "FontFile2": doc.Reference(file)})
        widths = []
        for code in range(32, 256):
            char = bytes([code]).decode("cp1252", errors="ignore")
            widths.append(round(face.getCharWidth(ord(char))) if char else 0)
        return doc.Reference(PDFDictionary({
            "Type": PDFName("Font"), "Subtype": PDFName("TrueType"),
            "BaseFont": PDFName(name), "FirstChar": 32, "LastChar": 255,
            "Widths": PDFArray(widths), "Encoding": PDFName("WinAnsiEncoding"),
            "FontDescriptor": doc.Reference(descriptor)}))


def _rgb(color) -> str:
    return " ".join(f"{c:.3f}" for c in color)


def _box_path(size: float, color) -> str:
    return f"{_rgb(color)} RG 2 w 1 1 {size - 2:.2f} {size - 2:.2f} re S"


def _appearance(content: str, width: float, height: float) -> PDFStream:
    return PDFStream(PDFDictionary({"Type": PDFName("XObject"), "Subtype": PDFName("Form"),
                                    "BBox": PDFArray([0, 0, round(width, 2), round(height, 2)])}),
                     content)
