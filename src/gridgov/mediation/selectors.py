"""Every read of disputes, scoped to the caller's tree by the dispute's grid. A department
sees none: mediation is the work of the grids and their levels, not of the departments, and
the platform's administrators and the analysts read no parties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Role
from gridgov.core.errors import NotFound
from gridgov.events.actions.dispatch import dispatch_departments
from gridgov.events.models import Event
from gridgov.jurisdiction.selectors import scope_of
from gridgov.mediation.models import Dispute, DisputeStep, Party, Session
from gridgov.mediation.workflow import OPEN_STATUSES, READ_ROLES
from gridgov.whistle.models import Whistle
from gridgov.whistle.selectors import whistles_visible

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def disputes_visible(user: User) -> QuerySet[Dispute]:
    scope = scope_of(user)
    rows = Dispute.objects.visible_to(scope)
    if scope.is_department or user.role not in READ_ROLES:
        return rows.none()
    return rows.select_related("grid", "grid__parent", "source_event", "escalated_event")


def disputes_open(user: User) -> QuerySet[Dispute]:
    """Registered, accepted or being mediated: what a desk counts as still to do."""
    return disputes_visible(user).filter(status__in=OPEN_STATUSES)


def dispute_get(user: User, dispute_id: int) -> Dispute:
    dispute = disputes_visible(user).filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound(_("No such dispute."), code="dispute_not_found")
    return dispute


def dispute_parties(dispute: Dispute) -> QuerySet[Party]:
    """The parties of a dispute that came through dispute_get."""
    return (
        Party.objects.unscoped()
        .filter(dispute=dispute)
        .select_related("person", "organisation")
        .order_by("side", "id")
    )


def dispute_sessions(dispute: Dispute) -> QuerySet[Session]:
    return Session.objects.unscoped().filter(dispute=dispute).select_related("recorded_by")


def dispute_steps(dispute: Dispute) -> QuerySet[DisputeStep]:
    return DisputeStep.objects.unscoped().filter(dispute=dispute).select_related("actor")


def party_get(user: User, party_id: int) -> Party:
    party = (
        Party.objects.visible_to(scope_of(user))
        .filter(pk=party_id, dispute__in=disputes_visible(user))
        .select_related("person", "dispute")
        .first()
    )
    if party is None:
        raise NotFound(_("No such party."), code="party_not_found")
    return party


def whistle_departments(user: User, dispute: Dispute) -> list[tuple[str, str]]:
    """What a subdistrict dispatcher, who alone blows whistles, may summon when escalating the
    dispute at high risk: the departments the events loop reaches from the dispute's grid."""
    if user.role != Role.SUBDISTRICT_DISPATCHER:
        return []
    # Unsaved: the loop's reach depends on the event's place only, and the event is filed
    # by the escalation itself.
    place = Event(node=dispute.grid)
    departments = dispatch_departments(user, place).order_by("node__level", "code")
    return [(d.code, d.name) for d in departments]


def dispute_whistles(user: User, dispute: Dispute) -> QuerySet[Whistle]:
    """The whistles blown on the event the dispute was escalated as, that the caller sees."""
    return whistles_visible(user).filter(event_id=dispute.escalated_event_id or 0)
