"""Duty check-ins: the position at that moment, refused far from the worker's area."""

from __future__ import annotations

import pytest

from gridgov.accounts.models import User
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.fieldwork.actions import checkin_record, distance_m
from gridgov.fieldwork.models import CheckIn, Duty
from gridgov.fieldwork.tests.conftest import GRID
from gridgov.testing.tree import HERE, THERE, Tree


def test_start_and_end_of_duty_in_the_grid(people: dict[str, User]) -> None:
    worker = people["grid_worker"]
    start = checkin_record(actor=worker, duty=Duty.START, lon=HERE[0], lat=HERE[1])
    assert start.distance_m == 0
    assert start.node.code == GRID
    with pytest.raises(Conflict) as twice:
        checkin_record(actor=worker, duty=Duty.START, lon=HERE[0], lat=HERE[1])
    assert twice.value.code == "already_on_duty"
    checkin_record(actor=worker, duty=Duty.END, lon=HERE[0], lat=HERE[1])
    with pytest.raises(Conflict):
        checkin_record(actor=worker, duty=Duty.END, lon=HERE[0], lat=HERE[1])
    assert CheckIn.objects.unscoped().count() == 2


def test_a_check_in_far_from_the_grid_is_refused(people: dict[str, User]) -> None:
    with pytest.raises(InvalidInput) as far:
        checkin_record(actor=people["grid_worker"], duty=Duty.START, lon=THERE[0], lat=THERE[1])
    assert far.value.code == "far_from_area"
    assert not CheckIn.objects.unscoped().exists()


def test_a_few_metres_over_the_border_is_allowed(people: dict[str, User], tree: Tree) -> None:
    # The grid's east edge is lon 118.25; 0.002° east at lat 31.7 is about 190 m.
    away = distance_m(tree[GRID], 118.252, 31.7)
    assert 150 < away < 230
    assert (
        checkin_record(
            actor=people["grid_worker"], duty=Duty.START, lon=118.252, lat=31.7
        ).distance_m
        == away
    )


def test_only_a_grid_worker_checks_in(people: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        checkin_record(actor=people["community_staff"], duty=Duty.START, lon=HERE[0], lat=HERE[1])


def test_bad_points_are_reported(people: dict[str, User]) -> None:
    with pytest.raises(InvalidInput) as bad:
        checkin_record(actor=people["grid_worker"], duty="lunch", lon=500.0, lat=31.7)
    assert {p.code for p in bad.value.problems} == {"unknown_duty", "invalid_coordinates"}
