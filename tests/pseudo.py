"""A pseudo-localized test language, made with booklet's own translation round trip.

Every string of the English content is exported to XLIFF, replaced by an accented copy about
40% longer inside [brackets], marked reviewed, and imported as content/qps/ (tag qps-ploc, the
private-use pseudo-locale). Text that overflows a page, or a string the layout does not take
from the content or its messages, shows up in this language before a translator's text does.
"""
from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from booklet.translate import NS, export_xliff, import_xliff

TAG = "qps-ploc"
CODE = "qps"
_ACCENTED = str.maketrans("aeiouyAEIOUYcnCN", "àéîöûýÀÉÎÖÛÝçñÇÑ")
_PLACEHOLDER = re.compile(r"(\{[^}]*\})")     # message placeholders stay as they are


def pseudo(text: str) -> str:
    """'Call your team' -> 'Çàll ýöûr téàm ~~~~~' inside brackets: accented, 40% longer."""
    if not text.strip():
        return text
    parts = _PLACEHOLDER.split(text)
    accented = "".join(p if _PLACEHOLDER.fullmatch(p) else p.translate(_ACCENTED) for p in parts)
    words = accented.split(" ")
    extra = max(1, round(len(text) * 0.4))
    padding = " ".join("~" * min(8, extra - i) for i in range(0, extra, 9))
    return f"[{' '.join(words)} {padding}]"


def _pseudo_children(source: ET.Element, target: ET.Element) -> None:
    """Copy source into target, accenting every piece of text; brackets go around the whole."""
    target.text = (source.text or "").translate(_ACCENTED)
    for child in source:
        copy = ET.SubElement(target, child.tag, dict(child.attrib))
        copy.text = (child.text or "").translate(_ACCENTED)
        copy.tail = (child.tail or "").translate(_ACCENTED)


def make_pseudo_language(content: Path) -> Path:
    """content/qps/ beside content/en/ (content is a copy the caller owns)."""
    ET.register_namespace("", NS)
    root = ET.fromstring(export_xliff(content, TAG))
    q = lambda tag: f"{{{NS}}}{tag}"      # noqa: E731
    for segment in root.iter(q("segment")):
        source, target = segment.find(q("source")), segment.find(q("target"))
        if target is None:
            target = ET.SubElement(segment, q("target"))
        target.clear()
        if len(source):                   # inline codes (**bold**): accent, keep the codes
            _pseudo_children(source, target)
            target.text = "[" + (target.text or "")
            tail = target[-1]
            tail.tail = (tail.tail or "") + " " + "~" * max(1, round(len("".join(source.itertext())) * 0.4)) + "]"
        else:
            target.text = pseudo(source.text or "")
        segment.set("state", "reviewed")
    path = content / f"{CODE}.xlf"
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    folder = import_xliff(path, content)
    path.unlink()
    return folder


def pseudo_content(tmp: Path, repo_content: Path) -> Path:
    content = tmp / "content"
    shutil.copytree(repo_content, content)
    make_pseudo_language(content)
    return content


def _with_pseudo_wording(node):
    if isinstance(node, dict):
        node = {k: _with_pseudo_wording(v) for k, v in node.items()}
        if "en" in node and "es" in node and isinstance(node["en"], str):
            node[CODE] = pseudo(node["en"])
        return node
    if isinstance(node, list):
        return [_with_pseudo_wording(v) for v in node]
    return node


def pseudo_styles(tmp: Path, repo_styles: Path) -> dict[str, Path]:
    """Copies of the bundled styles whose per-language text has a qps line too."""
    import yaml
    folder = tmp / "styles"
    shutil.copytree(repo_styles, folder)
    for path in folder.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_with_pseudo_wording(data), allow_unicode=True,
                                       sort_keys=False), encoding="utf-8")
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}
