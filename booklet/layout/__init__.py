"""Lay out one DocumentPlan with reportlab: one module per concern. Nothing here is kept from
one document to the next; booklet.copies.Workshop reuses work across documents."""
