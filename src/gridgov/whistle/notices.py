"""What a whistle tells the summoned departments, through gridgov.notifications.

Hook (one line in whistle.actions.whistle_blow): `notices.summoned(whistle)`."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridgov.events.notices import department_handlers
from gridgov.notifications.actions import notice_send
from gridgov.notifications.models import Kind
from gridgov.whistle.models import Whistle


def summoned(whistle: Whistle) -> None:
    """Each summoned department's handlers: report in by the due time."""
    number = whistle.event.number
    for summons in whistle.summonses.select_related("department"):
        due = timezone.localtime(summons.report_due_at).strftime("%Y-%m-%d %H:%M")
        with translation.override(settings.LANGUAGE_CODE):
            notice_send(
                kind=Kind.SUMMONED,
                key=f"whistle.summons:{summons.pk}:summoned",
                title=_("Summoned to event %(number)s: report in by %(due)s")
                % {"number": number, "due": due},
                body=whistle.get_reason_display(),
                link=reverse("whistle:detail", args=[whistle.pk]),
                recipients=department_handlers(summons.department_id).values_list("pk", flat=True),
                data={"number": number, "department": summons.department.code},
            )
