"""What the event loop tells people, through gridgov.notifications.

Each hook in events.actions is one line calling a function here, so the loop's actions stay
as they were and the lines are easy to find again (docs/adr/0023 lists them):
- `_advance`: `notices.after_step(event, cmd)`: dispatched, escalated, returned, and the
  resident's status on dispatch and on closure; out of office hours a dispatch or an
  escalation goes to whoever is on duty at the receiving unit (events.duty);
- `event_resident_report`: `notices.resident_follows(event, digits)`;
- the periodic task `gridgov.events.deadline_notices`: `deadline_notices()`, due soon and
  overdue, read from the deadline rows without touching the sweeper;
- `event_comment_add`: `notices.mentioned(event, comment, departments)`, the handlers of each
  department named with `@`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.models import User
from gridgov.accounts.roles import Role
from gridgov.departments.models import Department
from gridgov.events import duty
from gridgov.events.models import Deadline, Event, EventComment
from gridgov.events.workflow import Command, Stage
from gridgov.notifications.actions import notice_follow, notice_send
from gridgov.notifications.kinds import kind_register
from gridgov.notifications.models import Kind, Notice

MENTIONED = "mentioned"
kind_register(MENTIONED, gettext_lazy("mentioned in a comment"))
ESCALATED = "escalated"
kind_register(ESCALATED, gettext_lazy("escalated to my level"))

# The staff of a level who act on its events: the dispatcher, the community's staff.
LEVEL_ROLES = (Role.SUBDISTRICT_DISPATCHER, Role.COMMUNITY_STAFF, Role.DISTRICT_COMMANDER)
# How far back the periodic job looks for overdue stages it has not told of yet.
OVERDUE_WINDOW = timedelta(days=2)


def _topic(event: Event) -> str:
    return f"events.event:{event.pk}"


def _link(event: Event) -> str:
    return reverse("events:detail", args=[event.number])


def department_handlers(department_id: int) -> QuerySet[User]:
    return User.objects.filter(
        department_id=department_id, role=Role.DEPARTMENT_HANDLER, is_active=True
    )


def level_staff(node_id: int) -> QuerySet[User]:
    return User.objects.filter(node_id=node_id, role__in=LEVEL_ROLES, is_active=True)


def _holders(event: Event, stage: str) -> list[int]:
    if stage == Stage.HANDLE and event.assigned_department_id:
        users = department_handlers(event.assigned_department_id)
    else:
        users = level_staff(event.owner_id)
    return list(users.values_list("pk", flat=True))


def _receivers(event: Event, stage: str) -> list[int]:
    """The holders of the stage; out of office hours whoever is on duty at the receiving
    department or level instead, when someone is (events.duty)."""
    department = event.assigned_department_id if stage == Stage.HANDLE else None
    return duty.receivers(event.owner_id, department, lambda: _holders(event, stage))


def _resident_status(event: Event, step: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = {
            Command.DISPATCH: _("Your report %(number)s was passed to %(who)s to handle."),
            Command.CLOSE: _("Your report %(number)s was handled and closed. Thank you."),
        }[Command(step)]
        who = event.assigned_department.name if event.assigned_department else event.owner.name
        notice_send(
            kind=Kind.STATUS,
            key=f"{_topic(event)}:status:{step}:{event.version}",
            title=text % {"number": event.number, "who": who},
            followers=_topic(event),
        )


def after_step(event: Event, cmd: str) -> None:
    """Called by events.actions._advance inside the step's transaction."""
    if cmd == Command.DISPATCH:
        with translation.override(settings.LANGUAGE_CODE):
            notice_send(
                kind=Kind.DISPATCHED,
                key=f"{_topic(event)}:dispatch:{event.version}",
                title=_("Event %(number)s was dispatched to you") % {"number": event.number},
                body=event.description[:200],
                link=_link(event),
                recipients=_receivers(event, Stage.HANDLE),
                data={"number": event.number, "status": event.status},
            )
        _resident_status(event, cmd)
    elif cmd == Command.ESCALATE:
        with translation.override(settings.LANGUAGE_CODE):
            notice_send(
                kind=ESCALATED,
                key=f"{_topic(event)}:escalate:{event.version}",
                title=_("Event %(number)s was escalated to you") % {"number": event.number},
                body=event.description[:200],
                link=_link(event),
                recipients=_receivers(event, Stage.DISPATCH),
                data={"number": event.number, "status": event.status},
            )
    elif cmd == Command.RETURN:
        with translation.override(settings.LANGUAGE_CODE):
            notice_send(
                kind=Kind.RETURNED,
                key=f"{_topic(event)}:return:{event.version}",
                title=_("Event %(number)s was returned") % {"number": event.number},
                body=event.description[:200],
                link=_link(event),
                recipients=_holders(event, Stage.DISPATCH),
                data={"number": event.number, "status": event.status},
            )
    elif cmd == Command.CLOSE:
        _resident_status(event, cmd)


def mentioned(event: Event, comment: EventComment, departments: list[Department]) -> None:
    """The handlers of each department named in an internal comment, told once per comment."""
    if not departments:
        return
    recipients = User.objects.filter(
        department__in=departments, role=Role.DEPARTMENT_HANDLER, is_active=True
    ).exclude(pk=comment.author_id)
    with translation.override(settings.LANGUAGE_CODE):
        notice_send(
            kind=MENTIONED,
            key=f"{_topic(event)}:comment:{comment.pk}",
            title=_("%(who)s mentioned your department on event %(number)s")
            % {"who": str(comment.author), "number": event.number},
            body=comment.body[:200],
            link=f"{_link(event)}#comments",
            recipients=recipients.values_list("pk", flat=True),
            data={"number": event.number, "comment": comment.pk},
        )


def resident_follows(event: Event, phone: str) -> None:
    """A resident who left a phone is told of dispatch and closure (adapter permitting)."""
    notice_follow(topic=_topic(event), phone=phone)


def _deadline_notice(row: Deadline, kind: str) -> None:
    event = row.event
    due = timezone.localtime(row.due_at).strftime("%Y-%m-%d %H:%M")
    with translation.override(settings.LANGUAGE_CODE):
        title = (
            _("Event %(number)s is due at %(due)s")
            if kind == Kind.DUE_SOON
            else _("Event %(number)s is overdue since %(due)s")
        ) % {"number": event.number, "due": due}
        notice_send(
            kind=kind,
            key=f"events.deadline:{row.pk}:{kind}",
            title=title,
            body=f"{row.get_stage_display()} · {event.description[:150]}",
            link=_link(event),
            recipients=_holders(event, row.stage),
            data={"number": event.number, "stage": row.stage, "due_at": row.due_at.isoformat()},
        )


def deadline_notices(now: datetime | None = None) -> int:
    """Due-soon and overdue notices for the running stages, each told once (its key).

    It reads the deadline rows the sweeper keeps and writes nothing of theirs: the sweeper
    escalates, this only tells. A row already told is skipped by one query on the keys."""
    now = now or timezone.now()
    soon = now + timedelta(minutes=settings.NOTIFICATIONS_DUE_SOON_MINUTES)
    running = Deadline.objects.filter(ended_at__isnull=True, paused_at__isnull=True).select_related(
        "event", "event__assigned_department", "event__owner"
    )
    due: list[tuple[Deadline, str]] = [
        *((row, Kind.DUE_SOON) for row in running.filter(due_at__gt=now, due_at__lte=soon)),
        *(
            (row, Kind.OVERDUE)
            for row in running.filter(due_at__lte=now, due_at__gt=now - OVERDUE_WINDOW)
        ),
    ]
    told = set(
        Notice.objects.filter(
            key__in=[f"events.deadline:{row.pk}:{kind}" for row, kind in due]
        ).values_list("key", flat=True)
    )
    sent = 0
    for row, kind in due:
        if f"events.deadline:{row.pk}:{kind}" not in told:
            _deadline_notice(row, kind)
            sent += 1
    return sent
