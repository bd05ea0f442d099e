"""Moving the events filed before intake refused points outside every grid."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from gridgov.accounts.models import User
from gridgov.audit.actions import audit_record
from gridgov.events.models import Event
from gridgov.events.workflow import OPEN_STATUSES
from gridgov.jurisdiction.models import Node
from gridgov.jurisdiction.spatial import nearest_grid


@transaction.atomic
def event_orphans_relocate(*, actor: User | None) -> list[str]:
    """Move every open event filed outside all grids (as intake allowed before it refused
    such points) to the grid nearest its point, where that grid's people and its district's
    commander see it; no one works the city node it sat at. Returns the numbers moved."""
    orphans = (
        Event.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(grid__isnull=True, status__in=OPEN_STATUSES)
    )
    moved = []
    for event in orphans.order_by("id"):
        code = nearest_grid(event.lon, event.lat)
        grid = Node.objects.filter(code=code).first() if code else None
        if grid is None:
            break
        before = event.owner.code
        Event.objects.filter(pk=event.pk).update(
            node=grid, grid=grid, owner=grid, version=F("version") + 1
        )
        audit_record(
            actor=actor,
            action="events.relocate",
            target=event,
            detail={"number": event.number, "from": before, "to": grid.code},
        )
        moved.append(event.number)
    return moved
