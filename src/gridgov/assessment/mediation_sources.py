"""Grid workers' scorecard sources from dispute mediation (矛盾排查 and 调解), registered here
because mediation sits below this package (ADR 0021): disputes the worker found on an
investigation and registered, and agreements the worker recorded, in the period."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.assessment.sources import ScorecardSource, Window, register_scorecard_source
from gridgov.mediation.models import Dispute, DisputeStep, Source
from gridgov.mediation.workflow import Command


def _found(workers: Sequence[int], window: Window) -> dict[int, float | None]:
    rows = (
        Dispute.objects.unscoped()
        .filter(
            registered_by__in=workers,
            source=Source.INVESTIGATION,
            registered_at__gte=window[0],
            registered_at__lt=window[1],
        )
        .order_by()
        .values("registered_by")
        .annotate(n=Count("pk"))
    )
    return {r["registered_by"]: float(r["n"]) for r in rows}


def _agreed(workers: Sequence[int], window: Window) -> dict[int, float | None]:
    rows = (
        DisputeStep.objects.unscoped()
        .filter(actor__in=workers, command=Command.AGREE, at__gte=window[0], at__lt=window[1])
        .order_by()
        .values("actor")
        .annotate(n=Count("pk"))
    )
    return {r["actor"]: float(r["n"]) for r in rows}


for _source in (
    ScorecardSource("disputes_found", _("disputes found on investigation"),
                    pgettext_lazy("unit", "disputes"), True, _found),
    ScorecardSource("mediations_agreed", _("mediation agreements reached"),
                    pgettext_lazy("unit", "agreements"), True, _agreed),
):  # fmt: skip
    register_scorecard_source(_source)
