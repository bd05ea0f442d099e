"""The measures of dispute mediation and of major decisions' stability risk assessment (稳评),
registered with the measure registry so that the panorama colours by them and an index takes
them as components (docs/indicators.md).

Both packages sit below this one (ADR 0021), so their figures are registered here, as the
events' and field work's are: mediation from its daily counts (mediation.MediationDaily, the
same rows as its own figures page), decisions from the stamps of their rows. Each input is read
once per month for the whole tree and summed up by code prefix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.assessment.actions import day_window
from gridgov.decisions.models import Assessment, Decision, Mitigation
from gridgov.decisions.workflow import AssessmentKind, AssessmentStatus, Outcome
from gridgov.insight.measures import (
    Compute,
    Measure,
    Month,
    _per_thousand,
    _ratio,
    register_measure,
)
from gridgov.mediation.figures import COUNTS
from gridgov.mediation.models import MediationDaily

Sums = dict[int, Counter[str]]
_inputs: WeakKeyDictionary[Month, dict[str, Sums]] = WeakKeyDictionary()


def _read(month: Month, name: str, read: Callable[[Month], Sums]) -> Sums:
    """Summed once per month and input, whichever of its measures asks first."""
    cached = _inputs.setdefault(month, {})
    if name not in cached:
        cached[name] = read(month)
    return cached[name]


def _mediation_counts(month: Month) -> Sums:
    rows: Any = (
        MediationDaily.objects.unscoped()
        .filter(day__gte=month.period.start, day__lt=month.period.end)
        .order_by()
        .values("grid__code")
        .annotate(**{c: Sum(c) for c in COUNTS})
    )
    return month.roll_up(
        {r["grid__code"]: Counter({c: int(r[c] or 0) for c in COUNTS}) for r in rows}
    )


def _decision_counts(month: Month) -> Sums:
    """Assessments completed in the month by kind, decisions given an outcome in the month
    by outcome, and mitigation measures open at the month's end, on the decision's area."""
    start, end = day_window(month.period.start)[0], day_window(month.period.end)[0]
    by_code: dict[str, Counter[str]] = {}

    def add(code: str, key: str, n: int) -> None:
        by_code.setdefault(code, Counter())[key] += n

    assessed = (
        Assessment.objects.unscoped()
        .filter(status=AssessmentStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end)
        .order_by()
        .values("decision__node__code", "kind")
        .annotate(n=Count("pk"))
    )
    for a in assessed:
        add(a["decision__node__code"], f"assessed:{a['kind']}", a["n"])
    decided = (
        Decision.objects.unscoped()
        .exclude(outcome="")
        .annotate(decided_at=Coalesce("implementing_at", "postponed_at", "stopped_at"))
        .filter(decided_at__gte=start, decided_at__lt=end)
        .order_by()
        .values("node__code", "outcome")
        .annotate(n=Count("pk"))
    )
    for d in decided:
        add(d["node__code"], f"outcome:{d['outcome']}", d["n"])
    still_open = (
        Mitigation.objects.unscoped()
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=end), created_at__lt=end)
        .order_by()
        .values("risk_point__assessment__decision__node__code")
        .annotate(n=Count("pk"))
    )
    for m in still_open:
        add(m["risk_point__assessment__decision__node__code"], "mitigations_open", m["n"])
    return month.roll_up(by_code)


def _mediation_ratio(numerator: str, denominator: str, scale: float) -> Compute:
    def compute(month: Month) -> dict[int, float | None]:
        sums = _read(month, "mediation", _mediation_counts)
        return {
            n.id: _ratio(
                sums.get(n.id, Counter())[numerator], sums.get(n.id, Counter())[denominator], scale
            )
            for n in month.nodes
        }

    return compute


def _disputes_per_thousand(month: Month) -> dict[int, float | None]:
    sums = _read(month, "mediation", _mediation_counts)
    return _per_thousand(month, lambda i: sums.get(i, Counter())["registered"])


def _decision_count(key: str) -> Compute:
    def compute(month: Month) -> dict[int, float | None]:
        sums = _read(month, "decisions", _decision_counts)
        return {n.id: float(sums.get(n.id, Counter())[key]) for n in month.nodes}

    return compute


DAYS = pgettext_lazy("unit", "days")
ASSESSMENTS = pgettext_lazy("unit", "assessments")
DECISIONS = pgettext_lazy("unit", "decisions")

for _measure in (
    Measure("mediation_success_rate", _("mediation success rate"), "%", True,
            _mediation_ratio("agreed", "concluded", 100.0)),
    Measure("mediation_kept_rate", _("agreements kept at follow-up"), "%", True,
            _mediation_ratio("kept", "followed_up", 100.0)),
    Measure("mediation_days", _("average days to conclude a mediation"), DAYS, False,
            _mediation_ratio("conclude_seconds", "concluded", 1 / 86400)),
    Measure("mediation_disputes_per_1000", _("disputes registered for mediation per 1,000"),
            _("per 1,000"), False, _disputes_per_thousand, 2),
    Measure("stability_assessments_self", _("stability assessments completed by the deciding body"),
            ASSESSMENTS, True, _decision_count(f"assessed:{AssessmentKind.SELF}"), 0),
    Measure("stability_assessments_third_party",
            _("stability assessments completed by third parties"), ASSESSMENTS, True,
            _decision_count(f"assessed:{AssessmentKind.THIRD_PARTY}"), 0),
    Measure("decisions_adjusted", _("decisions to proceed with adjustments"), DECISIONS,
            False, _decision_count(f"outcome:{Outcome.ADJUST}"), 0),
    Measure("decisions_postponed", _("decisions postponed"), DECISIONS, False,
            _decision_count(f"outcome:{Outcome.POSTPONE}"), 0),
    Measure("decisions_stopped", _("decisions stopped"), DECISIONS, False,
            _decision_count(f"outcome:{Outcome.STOP}"), 0),
    Measure("mitigations_open", _("open risk mitigation measures"),
            pgettext_lazy("unit", "measures"), False, _decision_count("mitigations_open"), 0),
):  # fmt: skip
    register_measure(_measure)
