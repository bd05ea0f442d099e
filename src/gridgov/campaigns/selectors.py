"""Every read of campaigns, scoped: a centre sees the campaigns it (or a centre below it)
defined; a grid's workers and community staff see the campaigns pushed to their grids, and
only the targets, answers and counts of their own grids."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.campaigns.models import (
    Answer,
    CallImport,
    Campaign,
    FormVersion,
    Target,
    TargetState,
)
from gridgov.campaigns.schema import CHOICE_TYPES
from gridgov.campaigns.workflow import READ_ROLES
from gridgov.core.errors import NotFound
from gridgov.core.scope import ScopedQuerySet
from gridgov.fieldwork.selectors import field_task_get
from gridgov.jurisdiction.selectors import scope_of

if TYPE_CHECKING:
    from gridgov.accounts.models import User


def _reader(user: User) -> bool:
    return user.is_active and user.role in READ_ROLES


def campaigns_in_scope(user: User) -> ScopedQuerySet[Campaign]:
    """The campaigns of the user's jurisdiction, whatever the role: what the admin site shows
    to the roles it lets in; the pages and the API read through campaigns_visible."""
    return Campaign.objects.visible_to(scope_of(user)).select_related("node", "created_by")


def campaigns_visible(user: User) -> ScopedQuerySet[Campaign]:
    rows = campaigns_in_scope(user)
    return rows if _reader(user) else rows.none()


def campaign_get(user: User, campaign_id: int) -> Campaign:
    campaign = campaigns_visible(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."), code="campaign_not_found")
    return campaign


def form_current(campaign: Campaign) -> FormVersion:
    """The newest version of a campaign fetched through campaign_get."""
    version = FormVersion.objects.filter(campaign=campaign).order_by("-number").first()
    if version is None:
        raise NotFound(_("The campaign has no form."), code="campaign_form_missing")
    return version


def form_versions(campaign: Campaign) -> QuerySet[FormVersion]:
    return FormVersion.objects.filter(campaign=campaign).annotate(answer_count=Count("answers"))


def targets_in_scope(user: User) -> ScopedQuerySet[Target]:
    """As campaigns_in_scope, for the targets."""
    return Target.objects.visible_to(scope_of(user)).select_related("grid", "campaign")


def targets_visible(user: User) -> ScopedQuerySet[Target]:
    rows = targets_in_scope(user)
    return rows if _reader(user) else rows.none()


def target_get(user: User, target_id: int) -> Target:
    target = targets_visible(user).filter(pk=target_id).first()
    if target is None:
        raise NotFound(_("No such campaign target."), code="target_not_found")
    return target


def target_of_task(user: User, task_id: int) -> Target:
    """The target a campaign's field task stands for (its payload names campaign and key)."""
    task = field_task_get(user, task_id)
    payload = task.payload or {}
    target = (
        targets_visible(user)
        .filter(campaign_id=payload.get("campaign", 0), key=payload.get("key", ""))
        .first()
    )
    if target is None:
        raise NotFound(_("No such campaign target."), code="target_not_found")
    return target


def targets_of(user: User, campaign: Campaign, *, state: str = "") -> QuerySet[Target]:
    """The campaign's targets in the user's grids, open ones first."""
    rows = targets_visible(user).filter(campaign=campaign)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("grid__code", "state", "label", "id")


def answers_visible(user: User) -> ScopedQuerySet[Answer]:
    rows = Answer.objects.visible_to(scope_of(user)).select_related(
        "target__grid", "form_version", "answered_by"
    )
    return rows if _reader(user) else rows.none()


@dataclass(frozen=True)
class GridCount:
    code: str
    name: str
    total: int
    done: int
    called: int

    @property
    def undone(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def grid_counts(user: User, campaign: Campaign) -> list[GridCount]:
    """Done and undone per grid, live: one grouped count over the indexed targets."""
    rows = (
        targets_visible(user)
        .filter(campaign=campaign)
        .values("grid__code", "grid__name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=~Q(state=TargetState.OPEN)),
            called=Count("id", filter=Q(state=TargetState.CALLED)),
        )
        .order_by("grid__code")
    )
    return [
        GridCount(r["grid__code"], r["grid__name"], r["total"], r["done"], r["called"])
        for r in rows
    ]


def totals(counts: list[GridCount]) -> GridCount:
    return GridCount(
        "",
        str(_("Total")),
        sum(c.total for c in counts),
        sum(c.done for c in counts),
        sum(c.called for c in counts),
    )


@dataclass
class Tally:
    """One field's answers: counts per option, or for numbers their count, least, most and mean."""

    name: str
    label: str
    type: str
    answered: int = 0
    options: list[tuple[str, int]] = field(default_factory=list)
    least: float | None = None
    most: float | None = None
    mean: float | None = None


def _option_label(value: Any) -> str:
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    return str(value)


def tabulate(user: User, campaign: Campaign) -> list[Tally]:
    """The answers of the user's grids tabulated on the current form's fields; an answer on
    an older version counts for the fields it shares with the current one."""
    specs = form_current(campaign).definition["fields"]
    counters: dict[str, Counter[str]] = {s["name"]: Counter() for s in specs}
    numbers: dict[str, list[float]] = {s["name"]: [] for s in specs}
    answered: Counter[str] = Counter()
    values = answers_visible(user).filter(campaign=campaign).values_list("values", flat=True)
    for row in values.iterator(chunk_size=2000):
        for spec in specs:
            name = spec["name"]
            value = row.get(name)
            if value in (None, "", []):
                continue
            answered[name] += 1
            if spec["type"] in CHOICE_TYPES or spec["type"] == "yes_no":
                for item in value if isinstance(value, list) else [value]:
                    counters[name][_option_label(item)] += 1
            elif spec["type"] == "number" and isinstance(value, int | float):
                numbers[name].append(float(value))
    tallies = []
    for spec in specs:
        name = spec["name"]
        tally = Tally(name=name, label=spec["label"], type=spec["type"], answered=answered[name])
        if spec["type"] in CHOICE_TYPES:
            tally.options = [(c, counters[name][c]) for c in spec["choices"]]
        elif spec["type"] == "yes_no":
            tally.options = [
                (_option_label(v), counters[name][_option_label(v)]) for v in (True, False)
            ]
        elif numbers[name]:
            found = numbers[name]
            tally.least, tally.most = min(found), max(found)
            tally.mean = round(sum(found) / len(found), 2)
        tallies.append(tally)
    return tallies


def call_imports(user: User, campaign: Campaign) -> QuerySet[CallImport]:
    return CallImport.objects.visible_to(scope_of(user)).filter(campaign=campaign)


def campaign_log(campaign: Campaign) -> QuerySet[Any]:
    """The campaign's steps, oldest first; the campaign must have come through campaign_get."""
    return campaign.log.select_related("actor")
