"""Python's cycle collector, paused while booklet does one piece of work.

Laying out a booklet allocates hundreds of thousands of small objects, and importing reportlab
and reading the content tens of thousands more, so the collector ran dozens of times a build
(about 5% of a booklet's time, and 5% more of a cold `booklet build`) without finding much:
the work's garbage is freed by reference counting as it goes, and peak memory is the same.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused():
    """The collector off for the `with` block (or a function decorated with it), and back on
    after, also on errors, unless it was off before (then it stays off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
