"""What the Open311 API reads: services from the catalogue, requests and their updates.

Requests are those of public categories, with the text masked, without the
address and with the point rounded; any other is not found, whoever filed it
(its reporter follows it by the secret link of gridgov.residents). Both rules
come from gridgov.residents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from gridgov.core.scope import Scope
from gridgov.events.models import Category, Event, EventAttachment, EventTransition
from gridgov.events.workflow import OPEN_STATUSES
from gridgov.jurisdiction.models import Level, Node
from gridgov.open311.models import ClientApplication
from gridgov.residents.selectors import events_public

MAX_PAGE_SIZE = 1000


def node_named(code: str) -> Node:
    """A jurisdiction the caller named by its code (checked against jurisdiction_codes)."""
    return Node.objects.get(code=code)


def client_by_key(key: str) -> ClientApplication | None:
    if not key:
        return None
    return ClientApplication.objects.filter(
        digest=ClientApplication.digest_of(key), active=True
    ).first()


def jurisdiction_codes() -> set[str]:
    """The ids a client may name: the deployment's root and each district."""
    return set(
        Node.objects.filter(Q(parent__isnull=True) | Q(level=Level.DISTRICT)).values_list(
            "code", flat=True
        )
    )


def services() -> list[Category]:
    return list(
        Category.objects.filter(active=True)
        .exclude(parent=None)
        .select_related("parent")
        .order_by("code")
    )


def service_get(code: str) -> Category | None:
    return Category.objects.filter(code=code, active=True).exclude(parent=None).first()


@dataclass(frozen=True)
class RequestFilter:
    start: datetime
    end: datetime
    service_codes: Sequence[str] = ()
    statuses: Sequence[str] = ()
    jurisdiction: str = ""
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def requests_list(query: RequestFilter) -> list[Event]:
    found = events_public().filter(created_at__gte=query.start, created_at__lte=query.end)
    if query.service_codes:
        found = found.filter(category__code__in=query.service_codes)
    states = set(query.statuses)
    if states == {"open"}:
        found = found.filter(status__in=OPEN_STATUSES)
    elif states == {"closed"}:
        found = found.exclude(status__in=OPEN_STATUSES)
    if query.jurisdiction:
        found = found.visible_to(Scope.within(query.jurisdiction))
    offset = (query.page - 1) * query.page_size
    return list(found[offset : offset + query.page_size])


def requests_by_id(numbers: Sequence[str], jurisdiction: str = "") -> list[Event]:
    """Public requests by their numbers; the numbers are sequential, so one of a category not
    marked public must answer as if it did not exist."""
    found = events_public().filter(number__in=list(numbers)[:MAX_PAGE_SIZE])
    if jurisdiction:
        found = found.visible_to(Scope.within(jurisdiction))
    return list(found)


def request_by_token(token: str) -> Event | None:
    return Event.objects.filter(source_system="open311", idempotency_key=token).first()


def updates_list(
    start: datetime, end: datetime, jurisdiction: str = ""
) -> QuerySet[EventTransition]:
    """Steps of public requests that changed their state, oldest first, as FixMyStreet reads
    them to follow the reports it sent."""
    found = (
        EventTransition.objects.filter(event__category__public=True, at__gte=start, at__lte=end)
        .exclude(command__in=["escalate", "supervise", "auto_escalate"])
        .select_related("event__master")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=EventAttachment.objects.filter(public_approved=True).order_by("id"),
                to_attr="public_photos",
            )
        )
        .order_by("at", "id")
    )
    if jurisdiction:
        found = found.filter(event__in=Event.objects.visible_to(Scope.within(jurisdiction)))
    return found[:MAX_PAGE_SIZE]
