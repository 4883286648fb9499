"""Merge structure elements into a structure tree that is already written.

A copy of a personal booklet is a template PDF with some pages replaced (booklet.copies). The
structure elements of those pages are added here: numbered after the template's objects,
written, and hung into the template's tree by rewriting its Document element
(/K), its parent tree (/Nums) and its root (/ParentTreeNextKey). This module and the rest of
booklet.tagging are the only places that write the structure tree.
"""
from __future__ import annotations

import re

from .pdfobjects import Ref, content_elements, element_value, pdf_value


def numbered_elements(document, first: int, document_number: int, page_number) -> tuple:
    """The elements under `document` that have content, numbered from `first` (the document
    element itself keeps `document_number`): a function giving each element's Ref, and the
    values of the elements to add, in number order. `page_number(n)` is page n's number."""
    elements = content_elements(document)[1:]
    numbers = {id(e): first + i for i, e in enumerate(elements)}
    numbers[id(document)] = document_number

    def ref(element) -> Ref:
        return Ref(numbers[id(element)])

    added = [element_value(e, numbers[id(e.parent)], lambda kid: numbers.get(id(kid)),
                           page_number) for e in elements]
    return ref, added


def with_document_kids(body: bytes, kids: list[int]) -> bytes:
    """The Document element's value with a new /K array."""
    return re.sub(rb"/K \[[^\]]*\]", lambda _: b"/K " + pdf_value([Ref(k) for k in kids]),
                  body, count=1)


def with_parent_tree_entries(body: bytes, entries: list) -> bytes:
    """The parent tree's value with (key, value) pairs added at the end of /Nums: the keys
    must be larger than every key already there."""
    end = body.rindex(b"]")
    added = b" ".join(b"%d %s" % (key, pdf_value(value)) for key, value in entries)
    return body[:end] + added + b" " + body[end:]


def with_next_key(body: bytes, next_key: int) -> bytes:
    """The structure tree root's value with a new /ParentTreeNextKey."""
    return re.sub(rb"/ParentTreeNextKey \d+", b"/ParentTreeNextKey %d" % next_key, body,
                  count=1)
