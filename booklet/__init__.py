"""booklet: large-print, accessible patient booklets about pancreatic neuroendocrine tumors."""

__version__ = "0.1.0"

from . import startup

startup.defer()   # before any module of booklet imports reportlab (see booklet.startup)
