"""Reading YAML files safely, and showing paths the way the user typed them."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError


def shown(path: Path) -> str:
    """A path as the user would recognise it: relative to the working folder when inside it."""
    return _shown(str(path), os.getcwd())


@lru_cache(maxsize=4096)
def _shown(path: str, cwd: str) -> str:
    absolute = Path(cwd, path)
    try:
        return str(absolute.relative_to(cwd))
    except ValueError:
        return str(absolute)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file safely; syntax problems become one-line InputErrors."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([f"{shown(path)}: file not found."]) from None
    except UnicodeDecodeError as error:
        raise InputError([f"{shown(path)}: byte {error.start} is not UTF-8 text."
                          " Fix: save the file as UTF-8."]) from None
    except OSError as error:
        raise InputError([f"{shown(path)}: cannot be read ({error.strerror})."]) from None
    try:
        return _safe_load(text)
    except yaml.reader.ReaderError as error:
        line = text[:error.position].count("\n") + 1
        raise InputError([f"{shown(path)}: line {line}: the character U+{error.character:04X}"
                          " cannot be printed. Fix: delete it (it is often pasted in by"
                          " accident)."]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise InputError([f"{shown(path)}: {where}YAML syntax error: {problem}."
                          " Fix: check indentation and quote text that contains ': '."]) from None


def _safe_load(text: str) -> Any:
    """yaml.safe_load, through libyaml's parser when pyyaml has it (ten times faster on a
    batch manifest). A file it rejects is read again by yaml.safe_load itself, so every syntax
    error is reported the same way whichever parser found it first."""
    if _FAST_SAFE_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_SAFE_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


_FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", None)
