"""Where the bundled content, styles and message catalogues live, installed or in a checkout."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The bundled `content` or `styles` folder.

    A wheel carries them inside the package as `booklet/data/<name>`; a source checkout
    keeps them at the top of the repository.
    """
    installed = _PACKAGE / "data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def bundled_styles() -> dict[str, Path]:
    """Bundled style files by name (the file name without .yaml)."""
    folder = bundled("styles")
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def style_path(name_or_path: str) -> Path:
    """A bundled style's file by name, or the given path as it is."""
    return bundled_styles().get(name_or_path) or Path(name_or_path)
