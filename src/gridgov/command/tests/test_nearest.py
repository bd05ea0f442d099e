from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.command.actions.assign import TASK_KIND, worker_assign
from gridgov.command.selectors import nearest_on_duty
from gridgov.command.tests.conftest import DISTRICT_GRIDS, Centres
from gridgov.core.errors import NotFound
from gridgov.fieldwork.actions import checkin_record
from gridgov.fieldwork.models import CheckIn, FieldTask
from gridgov.testing.loop import Report
from gridgov.testing.tree import HERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked_in(centres: Centres) -> dict[str, User]:
    w = centres.workers
    checkin_record(actor=w[DISTRICT_GRIDS[0]], duty="start", lon=118.1, lat=31.71)
    checkin_record(actor=w[DISTRICT_GRIDS[1]], duty="start", lon=118.3, lat=31.7)
    # Off duty again: the last check-in is an end.
    checkin_record(actor=w[DISTRICT_GRIDS[2]], duty="start", lon=118.1, lat=31.4)
    checkin_record(actor=w[DISTRICT_GRIDS[3]], duty="start", lon=118.26, lat=31.49)
    checkin_record(actor=w[DISTRICT_GRIDS[2]], duty="end", lon=118.1, lat=31.4)
    # On duty, but the check-in is older than the limit: not used.
    CheckIn.objects.unscoped().filter(user=w[DISTRICT_GRIDS[3]]).update(
        at=timezone.now() - timedelta(hours=13)
    )
    return w


def test_only_the_last_recent_start_of_duty_counts(
    checked_in: dict[str, User], loop_users: dict[str, User]
) -> None:
    found = nearest_on_duty(loop_users["commander"], *HERE)
    assert [n.user_id for n in found] == [
        checked_in[DISTRICT_GRIDS[0]].pk,
        checked_in[DISTRICT_GRIDS[1]].pk,
    ]
    assert 1100 < found[0].distance_m < 1125
    assert found[0].grid == "秦淮区北街道一社区第1网格"


def test_a_caller_sees_only_workers_of_their_jurisdiction(
    checked_in: dict[str, User], users: dict[str, User]
) -> None:
    assert nearest_on_duty(users["sibling_dispatcher"], *HERE) == []


def test_one_click_sends_the_worker_once(
    checked_in: dict[str, User],
    loop_users: dict[str, User],
    report: Report,
    client_for: Any,
) -> None:
    event = report()
    client = client_for("dispatcher")
    page = client.get(f"/command/events/{event.number}/nearest/")
    assert page.status_code == 200
    assert "秦淮区北街道一社区第1网格" in page.content.decode()
    worker = checked_in[DISTRICT_GRIDS[0]]
    for _click in range(2):
        response = client.post(f"/command/events/{event.number}/nearest/", {"worker": worker.pk})
        assert response.status_code == 302
    task = FieldTask.objects.unscoped().get(kind=TASK_KIND)
    assert (task.assignee, task.event) == (worker, event)
    worker_page = client_for("grid_worker").get(f"/command/assignments/{task.pk}/")
    assert event.number in worker_page.content.decode()


def test_a_worker_outside_the_jurisdiction_cannot_be_sent(
    checked_in: dict[str, User], users: dict[str, User], report: Report
) -> None:
    with pytest.raises(NotFound):
        worker_assign(
            actor=users["sibling_dispatcher"],
            event=report(),
            worker_id=checked_in[DISTRICT_GRIDS[0]].pk,
        )
