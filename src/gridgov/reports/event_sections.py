"""The events' sections of every report: what came in, what was closed, what ran late, and
how events moved between levels and to departments in the period."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gridgov.events.models import Category, Deadline, Event, EventTransition
from gridgov.events.workflow import AUTO_ESCALATE, Command
from gridgov.reports.sections import Period, Section, Table, Unit, register_section

# The loop's steps that move an event between levels or out to a department, in the order
# the section lists them.
FLOW_COMMANDS: tuple[str, ...] = (
    Command.SELF_HANDLE,
    Command.DISPATCH,
    Command.RETURN,
    Command.ESCALATE,
    AUTO_ESCALATE,
    Command.REWORK,
    Command.SUPERVISE,
)


def events_section(unit: Unit, period: Period) -> Section:
    events = Event.objects.visible_to(unit.scope)
    in_period = Q(created_at__gte=period.start_at, created_at__lt=period.end_at)
    closed = Q(closed_at__gte=period.start_at, closed_at__lt=period.end_at)
    counts = events.aggregate(
        received=Count("id", filter=in_period), closed=Count("id", filter=closed)
    )
    late = (
        Deadline.objects.filter(event__in=events.values("pk"), due_at__lt=period.end_at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=period.end_at))
        .filter(Q(paused_at__isnull=True) | Q(paused_at__gt=period.end_at))
        .values("event_id")
        .distinct()
        .count()
    )
    went_late = (
        Deadline.objects.filter(
            event__in=events.values("pk"), due_at__gte=period.start_at, due_at__lt=period.end_at
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=F("due_at")))
        .values("event_id")
        .distinct()
        .count()
    )
    received, closed_n = counts["received"], counts["closed"]
    by_class = (
        events.filter(in_period | closed)
        .values("category__parent__code")
        .annotate(received=Count("id", filter=in_period), closed=Count("id", filter=closed))
        .order_by("-received", "category__parent__code")[:10]
    )
    names = dict(Category.objects.filter(parent__isnull=True).values_list("code", "name"))
    return Section(
        code="events",
        title=_("Events"),
        figures=[
            (pgettext("events counted", "Received"), received),
            (_("Closed"), closed_n),
            (_("Closed per received"), f"{closed_n / received:.0%}" if received else "—"),
            (_("Overdue in the period"), went_late),
            (_("Overdue at the end of the period"), late),
        ],
        table=Table(
            headers=[_("Category"), pgettext("events counted", "Received"), _("Closed")],
            rows=[
                [
                    names.get(row["category__parent__code"], row["category__parent__code"]),
                    row["received"],
                    row["closed"],
                ]
                for row in by_class
            ],
        ),
    )


def flow_section(unit: Unit, period: Period) -> Section:
    events = Event.objects.visible_to(unit.scope)
    steps = dict(
        EventTransition.objects.filter(
            event__in=events.values("pk"),
            at__gte=period.start_at,
            at__lt=period.end_at,
            command__in=FLOW_COMMANDS,
        )
        .values("command")
        .annotate(n=Count("id"))
        .values_list("command", "n")
    )
    labels = {**dict(Command.choices), AUTO_ESCALATE: gettext_lazy("escalated when overdue")}
    return Section(
        code="flow",
        title=_("Flow between levels"),
        table=Table(
            headers=[_("Step"), _("Events")],
            rows=[[str(labels[c]), steps.get(c, 0)] for c in FLOW_COMMANDS],
        ),
    )


def register() -> None:
    register_section("events", gettext_lazy("Events"), events_section, order=10)
    register_section("flow", gettext_lazy("Flow between levels"), flow_section, order=20)
