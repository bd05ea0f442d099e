"""What a suspected case tells the grid's workers, through gridgov.notifications."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.notifications.actions import notice_send
from gridgov.notifications.kinds import kind_register
from gridgov.rentals.models import RentalCase

KIND = "rental_verify"
kind_register(KIND, gettext_lazy("rental to verify"))


def grid_workers(grid_id: int) -> list[int]:
    return list(
        User.objects.filter(node_id=grid_id, role=Role.GRID_WORKER, is_active=True).values_list(
            "pk", flat=True
        )
    )


def verification_sent(case: RentalCase) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=KIND,
            key=f"rentals.case:{case.pk}:verify",
            title=_("Verify a suspected overcrowded rental: %(address)s")
            % {"address": case.home.address},
            link=reverse("rentals:case", args=[case.pk]),
            recipients=grid_workers(case.grid_id),
        )
