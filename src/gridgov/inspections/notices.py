"""What the inspections tell people, through gridgov.notifications.

Hook (one line in actions.rectifications_sweep): `notices.overdue(rect)`: the grid's workers
and its community's staff learn that a hazard passed its deadline unrectified."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.inspections.models import Rectification, RectificationStatus
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register

RECTIFICATION_OVERDUE = "rectification_overdue"
kind_register(RECTIFICATION_OVERDUE, gettext_lazy("rectification overdue"))


def overdue(rect: Rectification) -> None:
    grid = rect.grid
    recipients = User.objects.filter(
        is_active=True,
        role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF],
        node_id__in=[grid.pk, grid.parent_id],
    ).values_list("pk", flat=True)
    due = timezone.localtime(rect.due_at).strftime("%Y-%m-%d")
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=RECTIFICATION_OVERDUE,
            key=f"inspections.rectification:{rect.pk}:overdue",
            title=_("Rectification overdue: %(venue)s, %(hazard)s (due %(due)s)")
            % {"venue": rect.venue.name, "hazard": rect.item_text, "due": due},
            link=f"{reverse('inspections:rectifications')}?status={RectificationStatus.OVERDUE}",
            recipients=list(recipients),
            data={"rectification": rect.pk},
        )
