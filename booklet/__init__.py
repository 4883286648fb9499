"""booklet: large-print, accessible patient booklets about pancreatic neuroendocrine tumors."""

__version__ = "0.1.0"
