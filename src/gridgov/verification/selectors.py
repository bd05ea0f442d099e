"""Reads of verification tasks and per-grid verification figures, scoped by the task's grid.

A task in a grid outside the caller's tree answers NotFound like a missing
one. Nothing here decrypts: current and proposed values are the masked forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import Capability, roles_with
from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.core.scope import Scope
from gridgov.jurisdiction.models import Level, Node
from gridgov.jurisdiction.selectors import nodes_visible, scope_of
from gridgov.registry import selectors as registry_selectors
from gridgov.registry.models import Home, Organisation, Person, Provenance
from gridgov.registry.records import SPECS
from gridgov.verification import fields
from gridgov.verification.models import RecordKind, Status, VerificationTask

if TYPE_CHECKING:
    from gridgov.accounts.models import User

STATS_ROLES = roles_with(Capability.READ_GRID_FIGURES)
PENDING_LIMIT = 100
RECENT_LIMIT = 20


def verify_days() -> int:
    """How long a verification stays fresh before the record is due again."""
    return int(getattr(settings, "GRIDGOV_VERIFY_DAYS", 180))


def tasks_visible(user: User) -> QuerySet[VerificationTask]:
    return VerificationTask.objects.visible_to(scope_of(user)).select_related(
        "grid", "assigned_to", "decided_by"
    )


MODELS: dict[str, type[Provenance]] = {kind: spec.model for kind, spec in SPECS.items()}


@dataclass(frozen=True)
class TaskRow:
    task: VerificationTask
    title: str


def tasks_for_worker(user: User) -> list[VerificationTask]:
    """Pending tasks oldest first, so nothing waits forever, then the latest decisions."""
    rows = tasks_visible(user)
    pending = rows.filter(status=Status.PENDING).order_by("created_at", "id")[:PENDING_LIMIT]
    decided = rows.exclude(status=Status.PENDING).order_by("-decided_at", "-id")[:RECENT_LIMIT]
    return [*pending, *decided]


def task_rows(tasks: list[VerificationTask]) -> list[TaskRow]:
    """Each task titled by its record (a name, an address), which a worker knows and a row
    id is not: one query per kind of record."""
    titles: dict[tuple[str, int], str] = {}
    for kind, model in MODELS.items():
        ids = [t.record_id for t in tasks if t.record_kind == kind and t.record_id is not None]
        titles.update(((kind, pk), str(r)) for pk, r in model._default_manager.in_bulk(ids).items())
    return [TaskRow(t, _task_title(t, titles)) for t in tasks]


def _task_title(task: VerificationTask, titles: dict[tuple[str, int], str]) -> str:
    title = titles.get((task.record_kind, task.record_id or 0))
    if title is None:
        # A record not yet created (a newcomer) or since removed: the name it was proposed with.
        title = str(task.proposed.get("name", "")) or f"#{task.record_id or ''}"
    return f"{task.get_record_kind_display()} · {title}"


@dataclass(frozen=True)
class TaskCounts:
    pending: int
    decided: int


def task_counts(user: User) -> TaskCounts:
    counts = tasks_visible(user).aggregate(
        pending=Count("id", filter=Q(status=Status.PENDING)),
        decided=Count("id", filter=~Q(status=Status.PENDING)),
    )
    return TaskCounts(counts["pending"], counts["decided"])


def task_get(user: User, task_id: int) -> VerificationTask:
    task = tasks_visible(user).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No such verification task."), code="not_found")
    return task


def record_get(user: User, kind: str, record_id: int) -> Provenance:
    if kind == RecordKind.PERSON:
        return registry_selectors.person_get(user, record_id)
    if kind == RecordKind.HOME:
        return registry_selectors.home_get(user, record_id)
    return registry_selectors.organisation_get(user, record_id)


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    current: Any
    proposed: Any
    changed: bool


@dataclass(frozen=True)
class TaskView:
    task: VerificationTask
    record: Provenance | None
    rows: list[FieldRow]

    @property
    def title(self) -> str:
        """The record as a worker recognises it; a person's ID number only masked."""
        if self.record is None:
            name = self.task.proposed.get("name", "")
            masked = self.task.sealed.get("id_number_masked", "")
            return f"{_('Newcomer')} · {name} ({masked})"
        return str(self.record)

    def current(self, name: str) -> Any:
        """A field as recorded now, as a page shows it; nothing yet for a newcomer."""
        return (
            ""
            if self.record is None
            else fields.current_shown(self.task.record_kind, self.record, name)
        )


def task_view(user: User, task_id: int) -> TaskView:
    """Current against proposed values; a stale task lists every field to check as it is."""
    task = task_get(user, task_id)
    # A newcomer has no record yet: every proposed value is new.
    record = None if task.record_id is None else record_get(user, task.record_kind, task.record_id)
    # In the form's order: a JSON object's keys come back in any order from PostgreSQL.
    everything = not task.proposed
    names = [n for n in fields.FIELDS[task.record_kind] if everything or n in task.proposed]
    rows = []
    for name in names:
        current = "" if record is None else fields.current_shown(task.record_kind, record, name)
        proposed = task.proposed.get(name, current)
        rows.append(
            FieldRow(
                name=name,
                label=fields.label(task.record_kind, name),
                current=current,
                proposed=proposed,
                changed=name in task.proposed,
            )
        )
    return TaskView(task, record, rows)


@dataclass(frozen=True)
class GridStats:
    grid: Node
    records: int
    verified: int
    pending: int
    oldest_pending_at: datetime | None

    @property
    def verified_share(self) -> float | None:
        return self.verified / self.records if self.records else None

    @property
    def window_days(self) -> int:
        return verify_days()

    @property
    def oldest_pending_age(self) -> timedelta | None:
        if self.oldest_pending_at is None:
            return None
        return timezone.now() - self.oldest_pending_at


def _figures(grids: list[Node]) -> list[GridStats]:
    """Records verified within the window, pending tasks and the oldest, for each grid given.

    People who moved out are no longer the grid's to verify, so they are not counted.
    """
    cutoff = timezone.now() - timedelta(days=verify_days())
    records: dict[int, int] = {}
    verified: dict[int, int] = {}
    sets: list[QuerySet[Any]] = [
        Person.objects.filter(moved_out__isnull=True),
        Home.objects.all(),
        Organisation.objects.all(),
    ]
    for rows in sets:
        for row in (
            rows.filter(grid__in=grids)
            .values("grid")
            .annotate(total=Count("id"), fresh=Count("id", filter=Q(verified_at__gte=cutoff)))
            .order_by()
        ):
            records[row["grid"]] = records.get(row["grid"], 0) + row["total"]
            verified[row["grid"]] = verified.get(row["grid"], 0) + row["fresh"]
    queue: dict[int, dict[str, Any]] = {
        row["grid"]: dict(row)
        for row in VerificationTask.objects.filter(grid__in=grids, status=Status.PENDING)
        .values("grid")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by()
    }
    return [
        GridStats(
            grid=grid,
            records=records.get(grid.pk, 0),
            verified=verified.get(grid.pk, 0),
            pending=queue.get(grid.pk, {}).get("n", 0),
            oldest_pending_at=queue.get(grid.pk, {}).get("oldest"),
        )
        for grid in grids
    ]


def grid_verification_stats(user: User, node: Node) -> list[GridStats]:
    """The figures of every grid under the node, for those who steer several grids."""
    if user.role not in STATS_ROLES:
        raise PermissionDenied(
            _("Your role does not see verification figures."), code="cannot_see_stats"
        )
    if not nodes_visible(user).filter(pk=node.pk).exists():
        raise NotFound(
            _("No such jurisdiction node: %(code)s") % {"code": node.code},
            code="node_not_found",
        )
    grids = nodes_visible(user).visible_to(Scope.under(node)).filter(level=Level.GRID)
    return _figures(list(grids.order_by("code")))


def grid_figures(user: User, grid: Node) -> GridStats:
    """One grid's figures for anyone who sees the grid: its block-data card shows them."""
    if not nodes_visible(user).filter(pk=grid.pk, level=Level.GRID).exists():
        raise NotFound(
            _("No such jurisdiction node: %(code)s") % {"code": grid.code},
            code="node_not_found",
        )
    return _figures([grid])[0]
