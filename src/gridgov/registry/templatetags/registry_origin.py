"""Where a record came from, in words: the import job and file rather than
"import:1:people.csv", and the address rather than its code."""

from __future__ import annotations

from typing import Any

from django import template

from gridgov.registry.models import Provenance
from gridgov.registry.selectors import address_text, source_text

register = template.Library()


@register.inclusion_tag("registry/_provenance.html")
def provenance(record: Provenance) -> dict[str, Any]:
    return {
        "record": record,
        "source": source_text(record.source),
        "address": address_text(record.address_code),
    }
