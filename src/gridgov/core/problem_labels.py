"""Problems shown on a page name the field as its form labels it, in the reader's language.

Actions report a field by its code (`weight`, `max_share`), which the API returns as it is;
a page maps those codes to the labels the person sees beside the inputs, so an error reads
"权重" rather than "weight".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from django.utils.functional import Promise

from gridgov.core.errors import Problem


def labelled(problems: Iterable[Problem], labels: Mapping[str, str | Promise]) -> list[Problem]:
    """The problems with each known field code replaced by its label (unknown codes stay)."""
    return [replace(p, field=str(labels[p.field])) if p.field in labels else p for p in problems]
