"""Chinese, Japanese and Korean text: TrueType fonts made from Noto Sans CJK, a block at a time.

No font package ships CJK glyphs with TrueType outlines, and reportlab embeds only those.
Noto Sans CJK (the pip packages noto-cjk-sans-jp-regular and -bold, SIL Open Font License)
has CFF outlines; here the glyphs of one block of 64 code points are drawn through
fontTools' cu2qu pen (cubic curves to quadratic ones, within 1 unit of 1000 a font unit) into
a small TrueType font of their own, with the source's metrics, names and licence.

A block's font depends only on the installed font package and this converter, never on the
document, so the same text gives the same bytes however many documents a process built before
it. Each is made once: kept in memory, and saved in the user's cache folder
($XDG_CACHE_HOME/booklet/cjk, else ~/.cache/booklet/cjk) when that can be written, so a later
process reads it back (about 0.03 s to make one). The Japanese edition is used for all three
languages: its glyphs for shared Han characters follow Japanese forms.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGES = {"regular": "noto-cjk-sans-jp-regular", "bold": "noto-cjk-sans-jp-bold"}
CONVERTER = 1                     # bump when the fonts made here change
BLOCK_BITS = 6                    # a block is 64 code points
SPACES = (0x20, 0xA0)             # in every block: reportlab may draw a space in the font
                                  # of the word before it
CJK = ("[\u1100-\u11FF\u2E80-\u2FDF\u3000-\u303F\u3040-\u30FF\u3100-\u31FF\u3200-\u4DBF"
       "\u4E00-\u9FFF\uA960-\uA97F\uAC00-\uD7FF\uF900-\uFAFF\uFF00-\uFFEF"
       "\U00020000-\U0003FFFF]")


@lru_cache(maxsize=None)
def _cjk_pattern() -> re.Pattern:
    return re.compile(CJK)     # compiled on first need: 3 ms that most builds never spend


def blocks(text: str) -> tuple[int, ...]:
    """The blocks of the CJK characters of `text`, in order."""
    return tuple(sorted({ord(c) >> BLOCK_BITS for c in _cjk_pattern().findall(text)}))


def _source_file(weight: str) -> Path | None:
    """The installed Noto Sans CJK file of `weight`, or None when its package is missing."""
    package = PACKAGES[weight]
    try:
        files = metadata.files(package) or []
    except metadata.PackageNotFoundError:
        return None
    found = [f for f in files if f.suffix == ".otf" and len(f.parts) == 2]
    return Path(found[0].locate()) if found else None


def _cache_file(weight: str, block: int) -> Path:
    package = PACKAGES[weight]
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return (root / "booklet" / "cjk" /
            f"{package}-{metadata.version(package)}-v{CONVERTER}-{block:04X}.ttf")


@lru_cache(maxsize=None)
def block_font(weight: str, block: int) -> bytes | None:
    """The TrueType font ("regular" or "bold") for the CJK characters in `block`, or None
    when the font package is missing or has none of them."""
    source = _source_file(weight)
    if source is None:
        return None
    cached = _cache_file(weight, block)
    try:
        return cached.read_bytes() or None
    except OSError:
        pass
    made = _make(source, weight, block)
    _save(cached, made or b"")        # an empty file: the font has nothing in this block
    return made


def _save(path: Path, data: bytes) -> None:
    """Write the cache file whole (a temporary file renamed over it), or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
            out.write(data)
        os.replace(out.name, path)
    except OSError:
        pass                            # no cache folder to write: made again next time


@lru_cache(maxsize=None)
def _opened(source: Path):
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), lazy=True)
    return font, font.getBestCmap()


def _make(source: Path, weight: str, block: int) -> bytes | None:
    from io import BytesIO

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    font, cmap = _opened(source)
    first = block << BLOCK_BITS
    codes = {c: cmap[c] for c in range(first, first + (1 << BLOCK_BITS)) if c in cmap}
    if not codes:
        return None
    codes.update((c, cmap[c]) for c in SPACES if c in cmap)
    names = [".notdef", *sorted(set(codes.values()) - {".notdef"}, key=font.getGlyphID)]
    drawn = font.getGlyphSet()
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        drawn[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()

    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    built = FontBuilder(head.unitsPerEm, isTTF=True)
    built.font.recalcTimestamp = False
    built.setupGlyphOrder(names)
    built.setupCharacterMap(codes)
    built.setupGlyf(glyphs)
    glyf = built.font["glyf"]
    for name in names:
        glyf[name].recalcBounds(glyf)
    built.setupHorizontalMetrics(
        {n: (font["hmtx"][n][0], getattr(glyf[n], "xMin", 0)) for n in names})
    built.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent,
                                lineGap=hhea.lineGap)
    style = weight.capitalize()
    notices = {key: font["name"].getDebugName(number)
               for key, number in (("copyright", 0), ("licenseDescription", 13),
                                   ("licenseInfoURL", 14))}
    built.setupNameTable({**{k: v for k, v in notices.items() if v},
                          "familyName": "Noto Sans CJK JP", "styleName": style,
                          "psName": f"NotoSansCJKjp-{style}-{block:04X}"})
    built.setupOS2(usWeightClass=os2.usWeightClass, fsType=0, achVendID=os2.achVendID,
                   sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                   sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent,
                   usWinDescent=os2.usWinDescent, sxHeight=os2.sxHeight,
                   sCapHeight=os2.sCapHeight)
    built.setupPost()
    built.updateHead(created=head.created, modified=head.modified,
                     fontRevision=head.fontRevision)
    out = BytesIO()
    built.save(out)
    return out.getvalue()
