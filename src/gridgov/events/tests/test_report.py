"""Reporting: where the point lies decides the grid, the number and the first deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.audit.models import AuditEntry
from gridgov.conftest import login
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.events.models import Channel, Deadline, EventTransition
from gridgov.events.workflow import Stage, Status
from gridgov.testing.loop import Report
from gridgov.testing.tree import THERE
from gridgov.worktime.calendar import deadline


def test_a_report_is_numbered_located_and_on_the_clock(
    report: Report, loop_users: dict[str, User]
) -> None:
    event = report()
    today = timezone.localdate(event.created_at)
    assert event.number == f"SJ{today:%Y%m%d}000001"
    assert report().number == f"SJ{today:%Y%m%d}000002"
    assert event.status == Status.REPORTED
    assert event.version == 1
    assert event.grid is not None
    assert event.grid.code == "320104001001001"
    assert event.owner == event.grid
    assert event.severity == "high"
    assert event.reporter == loop_users["grid_worker"]
    assert event.reported_at is not None
    clock = Deadline.objects.get(event=event)
    assert clock.stage == Stage.REGISTER
    assert clock.due_at == deadline(clock.started_at, 30, natural=False)
    assert clock.escalated_at is None
    step = EventTransition.objects.get(event=event)
    assert (step.command, step.from_status, step.to_status) == ("report", "", Status.REPORTED)
    assert AuditEntry.objects.filter(action="events.report", target_id=str(event.pk)).exists()


def test_urgent_categories_run_on_natural_time(report: Report) -> None:
    event = report(category_code="0501", extra={})
    clock = Deadline.objects.get(event=event)
    assert clock.due_at - clock.started_at == timedelta(minutes=10)


def test_a_department_referral_from_a_handler(report: Report, loop_users: dict[str, User]) -> None:
    event = report(actor=loop_users["handler"], channel=Channel.DEPARTMENT_REFERRAL)
    assert event.channel == Channel.DEPARTMENT_REFERRAL


def test_a_department_hears_back_about_the_referral_it_cannot_read(
    catalogue: None, loop_users: dict[str, User]
) -> None:
    client = login(Client(), loop_users["handler"])
    answer = client.post(
        "/api/v1/events",
        {
            "category": "0402",
            "description": "商铺堵塞消防通道",
            "lon": 118.1,
            "lat": 31.7,
            "channel": "department_referral",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["allowed_commands"] == []
    assert client.get(f"/api/v1/events/{answer.json()['number']}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "problems"),
    [
        ({"lon": 120.0, "lat": 30.0}, {("location", "outside_city")}),
        ({"lon": THERE[0], "lat": THERE[1]}, {("location", "outside_jurisdiction")}),
        ({"crs": "mars"}, {("crs", "unknown_crs")}),
        ({"category_code": "04"}, {("category", "unknown_category")}),
        ({"category_code": "9999", "extra": {}}, {("category", "unknown_category")}),
        (
            {"extra": {}, "description": " ", "channel": "pigeon"},
            {
                ("extra.building", "required"),
                ("description", "required"),
                ("channel", "unknown_channel"),
            },
        ),
    ],
)
def test_bad_reports_list_every_problem_and_write_nothing(
    overrides: dict[str, object], problems: set[tuple[str, str]], report: Report
) -> None:
    with pytest.raises(InvalidInput) as refused:
        report(**overrides)
    found = {(p.field, p.code) for p in refused.value.problems} or {("crs", refused.value.code)}
    assert found == problems
    assert not EventTransition.objects.exists()


@pytest.mark.parametrize("name", ["analyst", "system_admin", "auditor"])
def test_roles_outside_the_loop_may_not_report(
    name: str, report: Report, loop_users: dict[str, User]
) -> None:
    with pytest.raises(PermissionDenied):
        report(actor=loop_users[name])


def test_phone_coordinates_are_converted_before_locating(report: Report) -> None:
    event = report(crs="gcj02")
    assert (event.lon, event.lat) != (118.1, 31.7)
    assert abs(event.lon - 118.1) < 0.01
    assert abs(event.lat - 31.7) < 0.01
