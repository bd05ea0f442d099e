"""The report's sections from the domains beside the events: indices, patrols and field
work, the grid workers' assessment, hazards (the inspections' ledger and the rental
warning) and prompt notices.

They live here rather than in each domain's AppConfig because reports stands above all of
them (ADR 0021): a domain cannot import the registry without running up the layers. Each
builder reads its domain's pre-aggregated tables or selectors through the unit's own scope,
so a report costs a few indexed queries per section. An area's figures (indices, patrols,
hazards, notices) describe a node; a department's report carries its assessment only.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gridgov.assessment.selectors import unit_values
from gridgov.fieldwork.models import FieldDaily
from gridgov.insight.selectors import index_moves, notices_open_in
from gridgov.inspections.models import Rectification, RectificationStatus
from gridgov.jurisdiction.models import Node
from gridgov.rentals.selectors import status_counts_in
from gridgov.rentals.workflow import Status as RentalStatus
from gridgov.reports.sections import Period, Section, Table, Unit, register_section

# A report lists the notices due soonest; the count says how many there are in all.
LISTED_NOTICES = 20


def _number(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def _share(top: int, bottom: int) -> str:
    return f"{top / bottom:.0%}" if bottom else "—"


def indices_section(unit: Unit, period: Period) -> Section | None:
    """Each index of the area this month beside last month: the indices that moved."""
    if unit.node is None:
        return None
    moves = index_moves(unit.node, period.start)
    return Section(
        code="indices",
        title=_("Indices"),
        table=Table(
            headers=[_("Index"), _("This month"), _("Previous month"), _("Change")],
            rows=[
                [m.index.name, _number(m.value), _number(m.previous), _number(m.change)]
                for m in moves
            ],
        ),
    )


def patrols_section(unit: Unit, period: Period) -> Section | None:
    """Patrols and the duty of the workers in the area, summed from the daily field table."""
    if unit.node is None:
        return None
    due = Q(working_day=True, on_leave=False)
    sums: dict[str, Any] = {
        k: v or 0
        for k, v in FieldDaily.objects.visible_to(unit.scope)
        .filter(day__gte=period.start, day__lt=period.end)
        .aggregate(
            planned=Sum("patrols_planned"),
            done=Sum("patrols_done"),
            points_planned=Sum("points_planned"),
            points_checked=Sum("points_checked"),
            duty=Count("id", filter=due),
            present=Count("id", filter=due & Q(present=True)),
            logs=Count("id", filter=due & Q(log_submitted=True)),
        )
        .items()
    }
    return Section(
        code="patrols",
        title=_("Grid patrols"),
        figures=[
            (_("Patrols planned"), sums["planned"]),
            (_("Patrols done"), sums["done"]),
            (_("Patrol coverage"), _share(sums["done"], sums["planned"])),
            (_("Points checked"), f"{sums['points_checked']} / {sums['points_planned']}"),
            (_("Attendance rate"), _share(sums["present"], sums["duty"])),
            (_("Log completeness"), _share(sums["logs"], sums["duty"])),
        ],
    )


def assessment_section(unit: Unit, period: Period) -> Section:
    """The unit's assessment indicators over the period (the grid workers' 五统一 for a level)."""
    values = unit_values(unit.department or cast(Node, unit.node), period.start, period.end)
    return Section(
        code="assessment",
        title=_("Grid worker assessment"),
        table=Table(
            headers=[_("Indicator"), _("Value"), _("Numerator"), _("Denominator")],
            rows=[
                [
                    str(v.indicator.label),
                    "—"
                    if v.value is None
                    else (f"{v.value:.0%}" if v.indicator.is_rate else f"{v.value:.2f}"),
                    v.numerator,
                    v.denominator,
                ]
                for v in values
            ],
        ),
    )


def hazards_section(unit: Unit, period: Period) -> Section | None:
    """Hazards found by inspections in the period and where the area's stand at its end, and
    the overcrowded-rental warnings by state."""
    if unit.node is None:
        return None
    rectifications = Rectification.objects.visible_to(unit.scope).exclude(
        status=RectificationStatus.CANCELLED
    )
    found = Q(found_at__gte=period.start_at, found_at__lt=period.end_at)
    counts = rectifications.aggregate(
        found=Count("id", filter=found),
        rectified=Count("id", filter=found & Q(status=RectificationStatus.RECTIFIED)),
        overdue=Count("id", filter=Q(status=RectificationStatus.OVERDUE)),
        open=Count("id", filter=Q(status=RectificationStatus.OPEN)),
    )
    cases = status_counts_in(unit.scope)
    return Section(
        code="hazards",
        title=_("Hazards"),
        figures=[
            (_("Hazards found"), counts["found"]),
            (_("Rectification rate"), _share(counts["rectified"], counts["found"])),
            (_("Hazards being rectified"), counts["open"]),
            (_("Hazards overdue"), counts["overdue"]),
        ],
        table=Table(
            headers=[_("Rental warnings"), pgettext("rental warnings counted", "Cases")],
            rows=[[str(s.label), cases[s.value]] for s in RentalStatus],
        ),
    )


def notices_section(unit: Unit, period: Period) -> Section | None:
    """The prompt notices still open in the area, soonest reply first."""
    if unit.node is None:
        return None
    open_notices = notices_open_in(unit.scope)
    notices = list(open_notices[:LISTED_NOTICES])
    return Section(
        code="notices",
        title=_("Prompt notices"),
        figures=[(_("Open prompt notices"), open_notices.count())],
        table=Table(
            headers=[_("Area"), _("Index"), _("Status"), _("Reply due")],
            rows=[
                [
                    n.node.name,
                    n.index.name,
                    n.get_status_display(),
                    f"{timezone.localtime(n.reply_due_at):%Y-%m-%d %H:%M}"
                    if n.reply_due_at
                    else "—",
                ]
                for n in notices
            ],
        ),
    )


def register() -> None:
    register_section("indices", gettext_lazy("Indices"), indices_section, order=30)
    register_section("patrols", gettext_lazy("Grid patrols"), patrols_section, order=40)
    register_section(
        "assessment", gettext_lazy("Grid worker assessment"), assessment_section, order=50
    )
    register_section("hazards", gettext_lazy("Hazards"), hazards_section, order=60)
    register_section("notices", gettext_lazy("Prompt notices"), notices_section, order=70)
