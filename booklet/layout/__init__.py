"""Layout with reportlab: one module per concern, used only by build.py."""
