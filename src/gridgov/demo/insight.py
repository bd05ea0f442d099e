"""The demo's indices: a year of departments' monthly figures for every subdistrict and
district, the indices computed for each month of the year of events and for each of the
last thirty days, and one prompt notice, raised by a jump in the dispatcher's subdistrict
last month, issued, answered and closed through the notice's own actions, as on the pages."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.departments.models import Department
from gridgov.insight.actions import days_compute, months_compute, notice_step
from gridgov.insight.models import FigureKind, MonthlyFigure, NoticeStatus, PromptNotice
from gridgov.insight.selectors import month_start
from gridgov.insight.workflow import NoticeCommand
from gridgov.jurisdiction.models import Level, Node

# Which department enters which figure: (department code suffix, usual level, spread).
FIGURES: dict[str, tuple[str, float, float]] = {
    "crime_rate": ("police", 3.0, 0.3),
    "public_order_rate": ("police", 12.0, 1.0),
    "safety_accident_rate": ("fire", 1.0, 0.15),
    "security_survey": ("centre", 95.0, 0.8),
}
HISTORY_MONTHS = 12
# The panorama's daily line of an index: the last month, day by day.
HISTORY_DAYS = 30


def _month_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def insight_seed(*, seed: int = 1) -> int:
    """The year of figures and indices; answers the prompt notice's id (0 if none)."""
    rng = random.Random(seed)  # noqa: S311 — reproducible demo data
    dispatcher, commander = User.objects.get(username="sd"), User.objects.get(username="dc")
    last = _month_back(month_start(timezone.localdate()), 1)
    first = _month_back(last, HISTORY_MONTHS - 1)
    areas = list(Node.objects.unscoped().filter(level__in=[Level.DISTRICT, Level.SUBDISTRICT]))
    rows = []
    for code, (suffix, usual, spread) in FIGURES.items():
        kind = FigureKind.objects.get(code=code)
        departments = Department.objects.filter(code__endswith=f"-{suffix}")
        kind.departments.add(*departments)
        by_district = {d.code.split("-")[0]: d for d in departments}
        for area in areas:
            department = by_district.get(area.code[:6])
            if department is None:
                continue
            level = usual * rng.uniform(0.8, 1.2)
            for k in range(HISTORY_MONTHS):
                month = _month_back(last, k)
                value = level + rng.gauss(0, spread)
                # The jump: crime in the dispatcher's subdistrict trebled last month.
                if code == "crime_rate" and month == last and area.pk == dispatcher.node_id:
                    value = usual * 3.2
                rows.append(
                    MonthlyFigure(kind=kind, node=area, month=month, value=round(max(value, 0), 2),
                                  department=department, entered_by=commander,
                                  entered_at=timezone.now())
                )  # fmt: skip
    MonthlyFigure.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    months_compute(actor=None, first=first, last=last)
    today = timezone.localdate()
    days_compute(first=today - timedelta(days=HISTORY_DAYS - 1), last=today)
    notice = (
        PromptNotice.objects.unscoped()
        .filter(node=dispatcher.node, month=last, index__code="safety", status=NoticeStatus.DRAFT)
        .first()
    )
    if notice is None:
        return 0
    notice_step(actor=commander, notice_id=notice.pk, command=NoticeCommand.ISSUE)
    notice_step(
        actor=dispatcher,
        notice_id=notice.pk,
        command=NoticeCommand.REPLY,
        measures="派出所与街道联合开展夜间巡逻，重点小区加装监控，入户开展防范宣传。",
    )
    notice_step(actor=commander, notice_id=notice.pk, command=NoticeCommand.CLOSE)
    return notice.pk
