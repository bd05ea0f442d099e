"""Every read of the rental warning, scoped to the caller's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound
from gridgov.core.scope import Scope
from gridgov.jurisdiction.selectors import scope_of
from gridgov.rentals.models import (
    CaseHit,
    MeterBatch,
    MeterReading,
    RentalCase,
    RentalRule,
    RuleRun,
)
from gridgov.rentals.workflow import CONFIRMED_STATUSES, Status

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def cases_visible(user: User) -> QuerySet[RentalCase]:
    return RentalCase.objects.visible_to(scope_of(user)).select_related("home", "grid")


def cases_filtered(user: User, *, status: str = "") -> QuerySet[RentalCase]:
    cases = cases_visible(user)
    return cases.filter(status=status) if status else cases


def case_get(user: User, case_id: int) -> RentalCase:
    case = (
        cases_visible(user)
        .prefetch_related("hits__rule", "hazards__event", "transitions__actor")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    return case


def case_of_task(user: User, task_id: int) -> RentalCase:
    case = cases_visible(user).filter(field_task_id=task_id).first()
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    return case


def runs_visible(user: User) -> QuerySet[RuleRun]:
    return RuleRun.objects.visible_to(scope_of(user)).select_related("node")


def batches_visible(user: User) -> QuerySet[MeterBatch]:
    return MeterBatch.objects.visible_to(scope_of(user))


def unknown_readings(user: User, batch_id: int) -> QuerySet[MeterReading]:
    batch = batches_visible(user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No such import."), code="batch_not_found")
    return MeterReading.objects.visible_to(scope_of(user)).filter(batch=batch, home__isnull=True)


@dataclass(frozen=True)
class RulePrecision:
    rule: RentalRule
    suspected: int
    confirmed: int
    dismissed: int

    @property
    def precision(self) -> float | None:
        """Confirmed among the cases the rule raised (the figure the centre tunes by)."""
        return self.confirmed / self.suspected if self.suspected else None


def rule_precision(user: User) -> list[RulePrecision]:
    """Per rule, over the cases in the caller's jurisdiction: raised, confirmed, dismissed."""
    visible = cases_visible(user).values("pk")
    counts: dict[int, tuple[int, int, int]] = {
        row["rule_id"]: (row["suspected"], row["confirmed"], row["dismissed"])
        for row in CaseHit.objects.filter(case__in=visible)
        .values("rule_id")
        .annotate(
            suspected=Count("id"),
            confirmed=Count("id", filter=Q(case__status__in=[s.value for s in CONFIRMED_STATUSES])),
            dismissed=Count("id", filter=Q(case__status=Status.DISMISSED)),
        )
    }
    return [
        RulePrecision(rule, *counts.get(rule.pk, (0, 0, 0))) for rule in RentalRule.objects.all()
    ]


def status_counts(user: User) -> dict[str, int]:
    return status_counts_in(scope_of(user))


def status_counts_in(scope: Scope) -> dict[str, int]:
    """Cases per status inside a scope (a report's unit reads through its own)."""
    rows = RentalCase.objects.visible_to(scope).order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in Status}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
