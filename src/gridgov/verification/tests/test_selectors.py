"""Reads: scoped task lists, one task's rows, and grid figures counted by hand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.core.errors import NotFound, PermissionDenied
from gridgov.registry.models import Home, Person
from gridgov.registry.tests.factories import GRID, SIBLING_GRID, make_records
from gridgov.testing.tree import Tree
from gridgov.verification import fields, selectors
from gridgov.verification.actions import stale_sweep, task_decide
from gridgov.verification.models import VerificationTask
from gridgov.verification.tests.factories import propose_phone

pytestmark = pytest.mark.django_db


def test_lists_are_scoped_and_pending_comes_first_oldest_first(
    users: dict[str, Any], records: Any
) -> None:
    make_records(users["sibling_dispatcher"], grid=SIBLING_GRID, seed="2")
    stale_sweep(actor=None, days=30)
    ours = VerificationTask.objects.filter(grid__code=GRID).order_by("pk")
    assert ours.count() == 3
    first, second, third = ours
    VerificationTask.objects.filter(pk=third.pk).update(created_at=timezone.now() - timedelta(1))
    task_decide(actor=users["grid_worker"], task_id=first.pk, decision="confirm")
    worker = users["grid_worker"]
    listed = selectors.tasks_for_worker(worker)
    assert [t.pk for t in listed] == [third.pk, second.pk, first.pk]
    assert selectors.task_counts(worker) == selectors.TaskCounts(pending=2, decided=1)
    # Sibling sees its own grid's three, none of ours; the district sees all six.
    sibling = selectors.tasks_for_worker(users["sibling_dispatcher"])
    assert {t.grid.code for t in sibling} == {SIBLING_GRID}
    assert selectors.tasks_visible(users["commander"]).count() == 6
    with pytest.raises(NotFound):
        selectors.task_get(users["sibling_dispatcher"], first.pk)
    with pytest.raises(NotFound):
        selectors.task_view(users["sibling_dispatcher"], first.pk)


def test_a_stale_task_lists_every_field_as_recorded(users: dict[str, Any], records: Any) -> None:
    stale_sweep(actor=None, days=30)
    task = VerificationTask.objects.get(record_kind="person")
    view = selectors.task_view(users["grid_worker"], task.pk)
    assert view.record == records.tenant
    assert [row.name for row in view.rows] == list(fields.FIELDS["person"])
    assert not any(row.changed for row in view.rows)
    rows = {row.name: row for row in view.rows}
    assert rows["kind"].current == rows["kind"].proposed == "floating"
    assert rows["phone"].current == ""


def test_a_proposal_lists_only_what_changes(users: dict[str, Any], records: Any) -> None:
    task = propose_phone(users["community_staff"])
    view = selectors.task_view(users["grid_worker"], task.pk)
    assert [(r.name, r.current, r.proposed, r.changed) for r in view.rows] == [
        ("name", "目标居民1", "目标居民新名", True),
        ("phone", "138****5678", "139****1111", True),
    ]
    assert view.title == "目标居民1 (3201**********1234)"


def test_grid_figures_counted_by_hand(tree: Tree, users: dict[str, Any], records: Any) -> None:
    """Grid 001 holds: resident (verified now), tenant, home, organisation.

    The tenant verified 200 days ago is outside the 180-day window; the home
    verified 10 days ago is inside it; a resident who moved out is not counted.
    Two pending tasks, the older created 5 days ago.
    """
    now = timezone.now()
    Person.objects.filter(pk=records.tenant.pk).update(verified_at=now - timedelta(days=200))
    Home.objects.filter(pk=records.home.pk).update(verified_at=now - timedelta(days=10))
    Person.objects.filter(pk=records.person.pk).update(moved_out=date(2026, 1, 1))
    # A moved-out resident: gone from the count (3 left); one of them verified in window.
    propose_phone(users["community_staff"])
    stale_sweep(actor=None, days=180)  # the tenant and the organisation
    old = VerificationTask.objects.filter(source="stale").order_by("pk").first()
    assert old is not None
    VerificationTask.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=5, hours=2))
    rows = selectors.grid_verification_stats(users["community_staff"], tree[GRID[:12]])
    assert [r.grid.code for r in rows] == [GRID, GRID[:12] + "002"]
    ours, empty = rows
    assert (ours.records, ours.verified, ours.pending) == (3, 1, 3)
    assert ours.verified_share == pytest.approx(1 / 3)
    assert ours.oldest_pending_age is not None
    assert ours.oldest_pending_age.days == 5
    assert (empty.records, empty.verified, empty.pending) == (0, 0, 0)
    assert empty.verified_share is None
    assert empty.oldest_pending_age is None
    # A decided task no longer waits.
    task_decide(actor=users["grid_worker"], task_id=old.pk, decision="confirm")
    again = selectors.grid_figures(users["grid_worker"], tree[GRID])
    assert (again.records, again.verified, again.pending) == (3, 2, 2)
    assert again.oldest_pending_age is not None
    assert again.oldest_pending_age.days == 0


def test_the_window_is_a_setting(
    tree: Tree, users: dict[str, Any], records: Any, settings: Any
) -> None:
    Home.objects.filter(pk=records.home.pk).update(verified_at=timezone.now() - timedelta(days=10))
    assert selectors.grid_figures(users["grid_worker"], tree[GRID]).verified == 2
    settings.GRIDGOV_VERIFY_DAYS = 7
    assert selectors.grid_figures(users["grid_worker"], tree[GRID]).verified == 1
    assert selectors.grid_figures(users["grid_worker"], tree[GRID]).window_days == 7


def test_grid_figures_check_role_and_scope(tree: Tree, users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        selectors.grid_verification_stats(users["grid_worker"], tree[GRID])
    with pytest.raises(NotFound):
        selectors.grid_verification_stats(users["sibling_dispatcher"], tree[GRID[:12]])
    with pytest.raises(NotFound):
        selectors.grid_figures(users["sibling_dispatcher"], tree[GRID])
    with pytest.raises(NotFound):
        selectors.grid_figures(users["community_staff"], tree[GRID[:12]])
