"""Every read of the address library, scoped to the caller's jurisdiction by grid code.

The matcher searches the whole city (a resident's address may be written
with any prefix), but a caller only ever sees addresses in their own tree:
candidates elsewhere are dropped, and a match elsewhere reads as not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.addresses.matcher import MARGIN, Match, matcher_index
from gridgov.addresses.models import Address
from gridgov.addresses.normalise import clean, road_stem
from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope
from gridgov.jurisdiction.selectors import scope_of

if TYPE_CHECKING:
    from gridgov.accounts.models import User

SEARCH_LIMIT = 200


def addresses_visible(user: User) -> QuerySet[Address]:
    return Address.objects.visible_to(scope_of(user))


def address_get(user: User, code: str) -> Address:
    address = addresses_visible(user).filter(code=code).select_related("road").first()
    if address is None:
        raise NotFound(_("No such address: %(code)s") % {"code": code}, code="address_not_found")
    return address


def address_search(user: User, *, road: str = "", q: str = "") -> QuerySet[Address]:
    """Addresses on a road (name or code) or whose compound contains `q`, at most SEARCH_LIMIT."""
    found = addresses_visible(user).select_related("road")
    if road:
        stem = road_stem(clean(road).strip())[0]
        found = found.filter(Q(road__code=road) | Q(road__name__startswith=stem))
    if q:
        found = found.filter(compound__contains=clean(q).strip())
    return found.order_by("code")[:SEARCH_LIMIT]


def address_match_many(user: User, texts: Sequence[str]) -> list[Match]:
    scope = scope_of(user)
    return [_scoped(m, scope) for m in matcher_index().match_many(texts)]


def address_match(user: User, text: str) -> Match:
    return address_match_many(user, [text])[0]


def _scoped(match: Match, scope: Scope) -> Match:
    candidates = tuple(c for c in match.candidates if scope.covers(c.grid))
    if match.status == "matched" and scope.covers(match.grid):
        return replace(match, candidates=candidates)
    if match.status in ("not_found", "outside_city"):
        return match
    explained = replace(Match("not_found"), elements=match.elements, ignored=match.ignored)
    if not candidates:
        return replace(explained, reason="not_found")
    close = len(candidates) > 1 and candidates[0].score - candidates[1].score < MARGIN
    reason = "ambiguous" if close else "low_confidence"
    return replace(explained, status="ambiguous", reason=reason, candidates=candidates)
