"""Every read of venues, inspections and rectifications, scoped to the caller's tree.

A department handler sees none of them: a serious hazard reaches its department as an event,
through the event loop, which is where the department works."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope, ScopedModel, ScopedQuerySet
from gridgov.inspections.models import (
    Checklist,
    Inspection,
    InspectionStatus,
    Rectification,
    RectificationStatus,
    Target,
    Venue,
    VenueKind,
)
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.registry.models import Home, Organisation
from gridgov.registry.selectors import visible as registry_visible

if TYPE_CHECKING:
    from gridgov.accounts.models import User

M = TypeVar("M", bound=ScopedModel)


def _visible(user: User, model: type[M]) -> ScopedQuerySet[M]:
    scope = scope_of(user)
    rows: ScopedQuerySet[M] = model.objects.visible_to(scope)
    return rows.none() if scope.is_department else rows


def kinds_active() -> QuerySet[VenueKind]:
    return VenueKind.objects.filter(active=True)


def kind_get(code: str) -> VenueKind:
    kind = VenueKind.objects.filter(code=code).first()
    if kind is None:
        raise NotFound(_("No such venue kind: %(code)s") % {"code": code}, code="kind_not_found")
    return kind


def checklist_current(kind: VenueKind) -> Checklist | None:
    """The version in force: the newest."""
    return kind.checklists.order_by("-version").first()


def venues_visible(user: User) -> QuerySet[Venue]:
    return _visible(user, Venue).select_related("kind", "grid")


def venue_get(user: User, venue_id: int) -> Venue:
    venue = venues_visible(user).filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(_("No such venue."), code="venue_not_found")
    return venue


def inspections_visible(user: User) -> QuerySet[Inspection]:
    return _visible(user, Inspection).select_related(
        "venue__kind", "grid", "checklist", "rectification", "inspector"
    )


def inspection_get(user: User, inspection_id: int) -> Inspection:
    inspection = inspections_visible(user).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound(_("No such inspection."), code="inspection_not_found")
    return inspection


def inspections_to_do(user: User) -> QuerySet[Inspection]:
    """The due inspections the user may answer: their grid's unassigned ones and their own,
    soonest first."""
    return (
        inspections_visible(user)
        .filter(status=InspectionStatus.DUE)
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
        .order_by("due_at", "id")
    )


def inspection_items(inspection: Inspection) -> list[dict[str, object]]:
    """What the inspector answers: the checklist in force (or, once done, the one answered),
    or for a re-inspection the one item it checks."""
    if inspection.rectification is not None:
        rect = inspection.rectification
        return [{"code": rect.item_code, "text": rect.item_text, "serious": rect.serious}]
    checklist = inspection.checklist or checklist_current(inspection.venue.kind)
    return list(checklist.items) if checklist else []


def rectifications_visible(user: User) -> QuerySet[Rectification]:
    return _visible(user, Rectification).select_related("venue__kind", "grid", "event")


def rectification_get(user: User, rectification_id: int) -> Rectification:
    rect = rectifications_visible(user).filter(pk=rectification_id).first()
    if rect is None:
        raise NotFound(_("No such rectification."), code="rectification_not_found")
    return rect


@dataclass(frozen=True)
class LedgerRow:
    """One node's hazards found in the period and where they stand now."""

    node: Node
    found: int
    rectified: int
    overdue: int
    open: int

    @property
    def rate(self) -> float | None:
        """Rectification rate: rectified ÷ found (docs/indicators.md)."""
        return self.rectified / self.found if self.found else None


def ledger_levels(node: Node) -> int:
    """The level the ledger breaks a node down into: its children, or the grid itself."""
    return node.level if node.level == Level.GRID else node.level + 1


def hazard_ledger(
    user: User, node: Node, since: datetime | None = None, until: datetime | None = None
) -> tuple[LedgerRow, list[LedgerRow]]:
    """The hazard ledger (隐患台账) of a node the caller sees, and of each of its children: the
    hazards found in [since, until), and how many are rectified, overdue and still open now.
    Counted per grid in the database and summed up the tree by code prefix."""
    if not scope_of(user).covers(node.code):
        raise NotFound(_("No such jurisdiction node: %(code)s") % {"code": node.code})
    rows = _visible(user, Rectification).visible_to(Scope.under(node))
    if since is not None:
        rows = rows.filter(found_at__gte=since)
    if until is not None:
        rows = rows.filter(found_at__lt=until)
    per_grid = (
        rows.exclude(status=RectificationStatus.CANCELLED)
        .values("grid__code")
        .annotate(
            found=Count("id"),
            rectified=Count("id", filter=Q(status=RectificationStatus.RECTIFIED)),
            overdue=Count("id", filter=Q(status=RectificationStatus.OVERDUE)),
        )
        .order_by()
    )
    children = (
        [node]
        if node.level == Level.GRID
        else list(Node.objects.visible_to(Scope.under(node)).filter(parent=node).order_by("code"))
    )
    sums = {c.code: [0, 0, 0] for c in [node, *children]}
    for row in per_grid:
        for code in {
            node.code,
            *(c.code for c in children if row["grid__code"].startswith(c.code)),
        }:
            totals = sums[code]
            totals[0] += row["found"]
            totals[1] += row["rectified"]
            totals[2] += row["overdue"]

    def line(n: Node) -> LedgerRow:
        found, rectified, overdue = sums[n.code]
        return LedgerRow(n, found, rectified, overdue, found - rectified - overdue)

    return line(node), [line(c) for c in children if c is not node]


def rectifications_overdue_ids(now: datetime | None = None) -> list[int]:
    """The open rectifications past their deadline, for the sweep (no caller: a job)."""
    return list(
        Rectification.objects.unscoped()
        .filter(status=RectificationStatus.OPEN, due_at__lt=now or timezone.now())
        .values_list("pk", flat=True)
    )


def day_start(text: str) -> datetime | None:
    """A date field's value as the start of that local day; anything else is no bound."""
    try:
        return timezone.make_aware(datetime.combine(date.fromisoformat(text), time.min))
    except ValueError:
        return None


FLAG_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class FlagCandidate:
    """A registry record the caller sees that could be flagged as a venue of a kind."""

    pk: int
    name: str
    address: str
    grid: str
    flagged: bool


def flag_candidates(user: User, kind: VenueKind, text: str) -> list[FlagCandidate]:
    """Organisations (by name or address) or homes (by address) matching the text, of the
    kind's target, in the caller's tree; those already flagged as the kind say so."""
    text = text.strip()
    if not text:
        return []
    if kind.target == Target.ORGANISATION:
        found: QuerySet[Any] = registry_visible(user, Organisation).filter(
            Q(name__icontains=text) | Q(address__icontains=text)
        )
        link = "organisation_id"
    else:
        found = registry_visible(user, Home).filter(address__icontains=text)
        link = "home_id"
    rows = list(found.order_by("grid__code", "pk")[:FLAG_SEARCH_LIMIT])
    flagged = set(
        Venue.objects.unscoped()
        .filter(kind=kind, active=True, **{f"{link}__in": [r.pk for r in rows]})
        .values_list(link, flat=True)
    )
    return [
        FlagCandidate(
            pk=r.pk,
            name=getattr(r, "name", "") or r.address,
            address=r.address,
            grid=r.grid.name,
            flagged=r.pk in flagged,
        )
        for r in rows
    ]
