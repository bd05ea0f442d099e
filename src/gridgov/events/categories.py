"""The active subclasses filings name, held per process for a short while.

Every filing looked its category up by code: one query per report for a catalogue that
changes a few times a year. The catalogue's writers (the loader and the admin) clear this
process's copy when they commit; other processes see the change within TTL_SECONDS, so a
subclass deactivated elsewhere may still take reports for that long.
"""

from __future__ import annotations

import threading
import time

from gridgov.events.models import Category

TTL_SECONDS = 60.0

_lock = threading.Lock()
_held: dict[str, tuple[float, Category | None]] = {}


def filing_category(code: str) -> Category | None:
    """The active subclass with this code (a class, which has no parent, takes no report)."""
    now = time.monotonic()
    held = _held.get(code)
    if held is not None and now - held[0] < TTL_SECONDS:
        return held[1]
    category = Category.objects.filter(code=code, active=True).exclude(parent=None).first()
    with _lock:
        _held[code] = (now, category)
    return category


def filing_categories_reset() -> None:
    """Forget every held category (after a catalogue change, and between tests)."""
    with _lock:
        _held.clear()
