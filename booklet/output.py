"""The last stages: a plan -> checked glyphs -> PDF bytes; and an atomic write of a file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reportlab.platypus.doctemplate import LayoutError

from . import model as m
from .assemble import iter_texts
from .copies.template import render_personal
from .copies.workshop import Workshop
from .errors import BookletError, OutputError
from .fonts import LAYOUT_CHARACTERS, check_glyphs, fonts_for


def build_pdf(plan: m.DocumentPlan, workshop: Workshop | None = None) -> tuple[bytes, int]:
    """The finished PDF and its page count. Every character is checked before drawing.

    `workshop` keeps what the next document can reuse (a fresh one when not given): a
    personal booklet is then spliced into its template, anything else laid out whole.
    """
    workshop = workshop or Workshop()
    fonts = fonts_for(plan.style)
    check_glyphs(fonts, [*iter_texts(plan), ("the layout", LAYOUT_CHARACTERS)])
    try:
        with workshop.installed():
            made = render_personal(plan, workshop)
            if made is None:
                pdf, facts, _ = workshop.lay_out(plan)
            else:
                pdf, facts = made
    except LayoutError as error:     # a bug of ours, not the user's: say so in one line
        where = str(error).splitlines()[0]
        raise BookletError(f"the layout failed ({where[:80]}). Fix: none on your side; please"
                           " report it with the command you ran.") from None
    return pdf, facts.total


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(target: Path, data: bytes) -> Path:
    """Write `data` to `target` via a temporary file in the same folder, then rename.

    A run that is killed half-way never leaves a half-written PDF behind. The file gets the
    mode the umask gives new files (0644 with the usual 022), so a web server or shared drive
    can read it.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: the folder {folder} does not exist."
                          " Fix: create it first or choose another path.")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder. Fix: give a file name such as booklet.pdf.")
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o666 & ~_umask())   # as any new file: mkstemp's 0600 is for the part
        os.replace(temp, target)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{target}: cannot be written ({error.strerror}).") from None
    return target
