"""How a class of the panorama is shown: a tone from best (0) to worst (4), the same on the
map, in its legend and in the table beside it."""

from __future__ import annotations

TONES = 5


def tone_of(klass: int | None, breaks: list[float], higher_is_better: bool) -> int | None:
    """The class spread over the five tones; the highest class is the best where higher is
    better, the worst otherwise."""
    if klass is None:
        return None
    classes = len(breaks) + 1
    step = klass * (TONES - 1) // max(classes - 1, 1)
    return TONES - 1 - step if higher_is_better else step
