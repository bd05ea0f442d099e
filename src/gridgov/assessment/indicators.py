"""The indicators, declared once: each is a ratio of two sums of IndicatorDaily columns.

docs/indicators.md explains every formula in words; the scorecard, the
ranking and the pages read this table, so a formula changes here and there
and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.assessment.models import DEPARTMENT_COLUMNS


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    numerator: tuple[str, ...]
    denominator: str
    formula: str | Promise
    # A rate is shown as a percentage; a score is an average on the 1–5 scale.
    is_rate: bool = True
    # Columns subtracted from the numerator (accurate dispatch = dispatched − returned).
    minus: tuple[str, ...] = ()
    # Rankings put the best first: the highest value, or the lowest where less is better.
    higher_is_better: bool = True

    @property
    def for_departments(self) -> bool:
        """Whether departments keep every count it reads; the rest describe the levels' work."""
        columns = {*self.numerator, *self.minus, self.denominator}
        return columns <= DEPARTMENT_COLUMNS

    def numerator_of(self, sums: Mapping[str, int]) -> int:
        value = sum(sums[c] for c in self.numerator) - sum(sums[c] for c in self.minus)
        return max(value, 0)

    def value_of(self, sums: Mapping[str, int]) -> float | None:
        """None when there is nothing to measure: no events is no value, never 0 %."""
        denominator = sums[self.denominator]
        if denominator == 0:
            return None
        return self.numerator_of(sums) / denominator


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "timely_registration",
        _("timely registration"),
        ("registered_on_time",),
        "registered",
        _("register stages ended on time ÷ register stages ended (registered, rejected or solved)"),
    ),
    Indicator(
        "timely_dispatch",
        _("timely dispatch"),
        ("dispatched_on_time",),
        "dispatched",
        _("dispatches that ended the dispatch stage on time ÷ dispatches"),
    ),
    Indicator(
        "accurate_dispatch",
        _("accurate dispatch"),
        ("dispatched",),
        "dispatched",
        _("(dispatches − returns) ÷ dispatches"),
        minus=("dispatch_returned",),
    ),
    Indicator(
        "timely_handling",
        _("timely handling"),
        ("handled_on_time",),
        "handled",
        _("handling reports that ended the handle stage on time ÷ handling reports"),
    ),
    Indicator(
        "closure_rate",
        _("closure rate"),
        ("reported_closed",),
        "reported",
        _(
            "events reported in the period and closed by now ÷ events reported in the period "
            "(cancelled, rejected and merged ones left out)"
        ),
    ),
    Indicator(
        "on_time_closure",
        _("on-time closure rate"),
        ("closed_on_time",),
        "closed",
        _("events closed with no stage overdue ÷ events closed"),
    ),
    Indicator(
        "rework_rate",
        _("rework rate"),
        ("reworked",),
        "handled",
        _("handling reports sent back for rework ÷ handling reports"),
        higher_is_better=False,
    ),
    Indicator(
        "satisfaction",
        _("satisfaction"),
        ("rating_sum",),
        "rating_count",
        _("sum of the reporters' ratings (1–5) ÷ number of ratings"),
        is_rate=False,
    ),
    Indicator(
        "centre_score",
        _("centre's handling score"),
        ("centre_score_sum",),
        "centre_score_count",
        _("sum of the centre's handling scores (1–5) ÷ number of scores"),
        is_rate=False,
    ),
    Indicator(
        "whistle_timeliness",
        _("whistle report timeliness"),
        ("whistle_reported_on_time",),
        "whistle_summoned",
        _("summonses reported by their due time ÷ summonses falling due"),
    ),
    Indicator(
        "whistle_rating",
        _("whistle response rating"),
        ("whistle_rating_sum",),
        "whistle_rating_count",
        _(
            "sum of the subdistrict's ratings (1–5) of the summonses falling due ÷ number of "
            "those rated"
        ),
        is_rate=False,
    ),
)

INDICATOR_BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
