"""Read a tagged PDF's structure back: the element tree with its text, and every painting
operator with the marked content around it (pikepdf for objects, pdfium for text)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import ctypes

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c

PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh"}


@dataclass(eq=False)
class Node:
    role: str
    depth: int
    obj: pikepdf.Dictionary
    content: list[tuple[int, int]] = field(default_factory=list)   # (page index, MCID)
    text: str = ""


def nodes(path: Path, text: bool = True) -> list[Node]:
    """Every structure element, depth first, in tree (reading) order, with its own text
    (without it, `text=False`, in a tenth of the time)."""
    with pikepdf.open(path) as pdf:
        page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        found: list[Node] = []

        def walk(element, depth):
            node = Node(str(element.S)[1:], depth, element)
            found.append(node)
            page = page_index.get(element.Pg.objgen) if "/Pg" in element else None
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for kid in kids:
                if isinstance(kid, int):
                    node.content.append((page, int(kid)))
                elif kid.get("/Type") == "/MCR":
                    node.content.append((page_index[kid.Pg.objgen], int(kid.MCID)))
                elif kid.get("/Type") == "/OBJR":
                    continue
                else:
                    walk(kid, depth + 1)

        root = pdf.Root.StructTreeRoot
        kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        for kid in kids:
            walk(kid, 0)
        for node in found:      # copy out what tests read: pikepdf objects die with the file
            node.obj = {"alt": str(node.obj.Alt) if "/Alt" in node.obj else None,
                        "attributes": {str(k): str(v) for k, v in node.obj.A.items()}
                        if "/A" in node.obj else {}}
    texts = _marked_text(path) if text else {}
    for node in found:
        node.text = " ".join(texts.get(c, "") for c in node.content).strip()
    return found


def children(all_nodes: list[Node], index: int) -> list[Node]:
    """The direct children of all_nodes[index] (a depth-first list, as `nodes` gives)."""
    depth, kids = all_nodes[index].depth, []
    for n in all_nodes[index + 1:]:
        if n.depth <= depth:
            break
        if n.depth == depth + 1:
            kids.append(n)
    return kids


def _marked_text(path: Path) -> dict[tuple[int, int], str]:
    """The text inside each (page index, MCID), lines joined by a space (a soft hyphen at a
    line's end joins without one). Read with pdfium's page objects, which keep the whole
    stack of marked content around each piece of text: text in a nested sequence without an
    MCID (a /Span with a /Lang) belongs to the MCID around it."""
    out: dict[tuple[int, int], list] = {}
    document = pypdfium2.PdfDocument(path)
    try:
        for index, page in enumerate(document):
            textpage = page.get_textpage()
            for obj in page.get_objects(max_depth=0):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = _innermost_mcid(obj)
                if mcid is not None:
                    obj.textpage = textpage
                    out.setdefault((index, mcid), []).append((obj.extract(), obj.get_matrix().f))
    finally:
        document.close()
    return {key: joined_lines(pieces) for key, pieces in out.items()}


def joined_lines(pieces: list[tuple[str, float]]) -> str:
    """Pieces of text with their baselines, in drawing order, as one string: a space where
    the baseline moves (a new line), none after a soft hyphen at a line's end."""
    text, baseline = "", None
    for piece, y in pieces:
        if baseline is not None and abs(y - baseline) > 1:
            if text.endswith(SOFT_HYPHENS):
                text = text[:-1]
            elif not text.endswith(" "):
                text += " "
        text += piece
        baseline = y
    return " ".join(text.split())


SOFT_HYPHENS = ("\u00ad", "\x02")    # pdfium reads a soft hyphen in a text object as U+0002


def _innermost_mcid(obj) -> int | None:
    """The MCID of the innermost marked content with one around a page object."""
    found = None
    for i in range(pdfium_c.FPDFPageObj_CountMarks(obj.raw)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj.raw, i)
        value = ctypes.c_int()
        if pdfium_c.FPDFPageObjMark_GetParamIntValue(mark, b"MCID", ctypes.byref(value)):
            found = value.value
    return found


def tree_shape(path: Path) -> list[tuple]:
    """The structure tree without its text: each element's depth, role, attributes, alt text
    and marked content (page index, MCID), in reading order."""
    return [(n.depth, n.role, sorted(n.obj["attributes"].items()), n.obj["alt"], n.content)
            for n in nodes(path, text=False)]


def outline(path: Path, width: int = 60) -> str:
    """The structure tree as indented lines: role, and the start of its text."""
    lines = []
    for node in nodes(path):
        text = node.text if len(node.text) <= width else node.text[:width - 1] + "…"
        lines.append("  " * node.depth + node.role + (f": {text}" if text else ""))
    return "\n".join(lines) + "\n"


def untagged_operators(path: Path) -> list[str]:
    """Painting operators outside marked content that is either an artifact or an MCID
    the structure tree owns (through each page's /StructParents entry in the parent tree)."""
    problems = []
    with pikepdf.open(path) as pdf:
        parent_tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        for number, page in enumerate(pdf.pages, start=1):
            owned = set()
            if "/StructParents" in page.obj:
                owned = set(range(len(parent_tree[int(page.obj.StructParents)])))
            stack: list[str] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BMC", "BDC"):
                    props = operands[1] if op == "BDC" else None
                    mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                    if str(operands[0]) == "/Artifact":
                        stack.append("artifact")
                    elif mcid is None and stack and stack[-1] == "tagged":
                        stack.append("tagged")    # nested in tagged content (a /Lang span)
                    elif mcid is None:
                        stack.append("marked without an MCID")
                    else:
                        stack.append("tagged" if int(mcid) in owned else "an MCID nobody owns")
                elif op == "EMC":
                    stack.pop()
                elif op in PAINTING:
                    inside = stack[-1] if stack else "no marked content"
                    if inside not in ("artifact", "tagged"):
                        problems.append(f"page {number}: {op} in {inside}")
    return problems
