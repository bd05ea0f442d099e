"""One line that tells a person how the matcher read an address.

Every place that matches a free-text address (the batch page, the registry
import's refusals, the residents' address box, the API) shows the same
words, so a clerk can see that 张先生 was set aside or that 三零二附近 was
not read as a room, and fix the text instead of guessing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.addresses.matcher import Match

ELEMENT_NAMES = {
    "province": gettext_lazy("province"),
    "city": gettext_lazy("city"),
    "district": gettext_lazy("district"),
    "area": gettext_lazy("subdistrict or community"),
    "road": gettext_lazy("road"),
    "door": gettext_lazy("door number"),
    "compound": gettext_lazy("compound"),
    "phase": gettext_lazy("phase"),
    "building": gettext_lazy("building"),
    "unit": gettext_lazy("unit"),
    "floor": gettext_lazy("floor"),
    "room": gettext_lazy("room"),
}


def element_name(element: str) -> str:
    """`building-unit-room` (a dash chain) → 楼栋-单元-房间."""
    return "-".join(str(ELEMENT_NAMES.get(part, part)) for part in element.split("-"))


def explanation(match: Match) -> str:
    parts = []
    if match.elements:
        read = "，".join(f"{element_name(name)} {text}" for name, text in match.elements)
        parts.append(_("Recognised: %(elements)s") % {"elements": read})
    if match.ignored:
        parts.append(_("Ignored: %(text)s") % {"text": "，".join(match.ignored)})
    return "；".join(parts)
