"""A scorecard and a ranking, with the unit, period and filters of their pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from gridgov.assessment import params, selectors
from gridgov.assessment.views import shown
from gridgov.exports.lists import Column, ListExport, Params, list_register

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def scorecard_rows(user: User, query: Params) -> list[selectors.Value]:
    return selectors.scorecard(user, **params.scorecard_args(user, query)).values


def ranking_rows(user: User, query: Params) -> list[selectors.RankRow]:
    return selectors.ranking(user, **params.ranking_args(user, query)).rows


SCORECARD = list_register(
    ListExport(
        name="assessment.scorecard",
        title=_("Scorecard"),
        columns=[
            Column(_("Indicator"), lambda v: str(v.indicator.label)),
            Column(_("Value"), shown),
            Column(_("Numerator"), lambda v: v.numerator),
            Column(_("Denominator"), lambda v: v.denominator),
            Column(_("Formula"), lambda v: str(v.indicator.formula)),
        ],
        rows=scorecard_rows,
    )
)

RANKING = list_register(
    ListExport(
        name="assessment.ranking",
        title=_("Ranking"),
        columns=[
            Column(_("Rank"), lambda r: r.rank if r.rank is not None else "—"),
            Column(_("Unit"), lambda r: r.unit.name),
            Column(_("Value"), lambda r: shown(r.value)),
            Column(_("Numerator"), lambda r: r.value.numerator),
            Column(_("Denominator"), lambda r: r.value.denominator),
        ],
        rows=ranking_rows,
    )
)
