"""Many copies fast: the Workshop (what is reused across documents), personal booklets made
from a template, and splicing a copy's pages into the template PDF."""
