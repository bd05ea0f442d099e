"""Mediation figures, read as sums over a period of the daily rows that
gridgov.mediation.actions.figures_rebuild counts, for any area, type or mediator (ADR 0007;
formulas in docs/indicators.md)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridgov.jurisdiction.models import CODE_LENGTH, Level, Node
from gridgov.jurisdiction.selectors import scope_of
from gridgov.mediation.models import DisputeType, MediationDaily
from gridgov.mediation.workflow import FIGURE_ROLES

if TYPE_CHECKING:
    from gridgov.accounts.models import User

BY = {
    "grid": _("grid"),
    "community": _("community"),
    "subdistrict": _("subdistrict"),
    "mediator": _("mediator"),
    "type": _("type"),
}
_PREFIX = {
    "grid": CODE_LENGTH[Level.GRID],
    "community": CODE_LENGTH[Level.COMMUNITY],
    "subdistrict": CODE_LENGTH[Level.SUBDISTRICT],
}
COUNTS = ("registered", "concluded", "agreed", "followed_up", "kept", "conclude_seconds")


@dataclass
class FigureRow:
    label: str | Promise
    registered: int = 0
    concluded: int = 0
    agreed: int = 0
    followed_up: int = 0
    kept: int = 0
    conclude_seconds: int = 0
    residents: int = 0

    @property
    def success_rate(self) -> float | None:
        return 100 * self.agreed / self.concluded if self.concluded else None

    @property
    def kept_rate(self) -> float | None:
        return 100 * self.kept / self.followed_up if self.followed_up else None

    @property
    def average_days(self) -> float | None:
        return self.conclude_seconds / 86400 / self.concluded if self.concluded else None

    @property
    def per_thousand(self) -> float | None:
        return 1000 * self.registered / self.residents if self.residents else None


@dataclass
class FigureTable:
    by: str
    since: date
    until: date
    rows: list[FigureRow] = field(default_factory=list)
    total: FigureRow = field(default_factory=lambda: FigureRow(_("total")))


def mediation_figures(
    user: User, *, by: str = "grid", since: date | None = None, until: date | None = None
) -> FigureTable:
    """The caller's figures over [since, until] (the last 365 days by default), one row per
    area, mediator or type, and the total; areas carry their grids' residents."""
    by = by if by in BY else "grid"
    until = until or timezone.localdate()
    since = since or until - timedelta(days=364)
    scope = scope_of(user)
    daily = MediationDaily.objects.visible_to(scope).filter(day__gte=since, day__lte=until)
    if scope.is_department or user.role not in FIGURE_ROLES:
        daily = daily.none()
    grids = Node.objects.visible_to(scope).filter(level=Level.GRID)
    residents: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for code, population in grids.values_list("code", "population"):
        for length in _PREFIX.values():
            residents[code[:length]] += population or 0
    table = FigureTable(by=by, since=since, until=until)
    if by in _PREFIX:
        length = _PREFIX[by]
        by_grid = daily.values("grid__code").annotate(**{c: Sum(c) for c in COUNTS})
        keyed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for counted in by_grid:
            counts: dict[str, Any] = dict(counted)
            for c in COUNTS:
                keyed[counts["grid__code"][:length]][c] += counts[c] or 0
        names = dict(
            Node.objects.visible_to(scope).filter(code__in=keyed).values_list("code", "name")
        )
    else:
        column = "mediator_name" if by == "mediator" else "dispute_type"
        by_column = daily.values(column).annotate(**{c: Sum(c) for c in COUNTS})
        keyed = {r[column]: {c: r[c] or 0 for c in COUNTS} for r in map(dict, by_column)}
        if by == "type":
            names = {k: str(DisputeType(k).label) for k in keyed if k in DisputeType.values}
    for key in sorted(keyed):
        row = FigureRow(names.get(key, key), **keyed[key], residents=residents.get(key, 0))
        table.rows.append(row)
        for c in COUNTS:
            setattr(table.total, c, getattr(table.total, c) + getattr(row, c))
    table.total.residents = sum(p or 0 for p in grids.values_list("population", flat=True))
    return table
