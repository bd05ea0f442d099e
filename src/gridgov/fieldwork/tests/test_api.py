"""The field-work API: the same actions over JSON, errors as codes."""

from __future__ import annotations

from typing import Any

from django.test import Client

from gridgov.accounts.models import User
from gridgov.fieldwork.tests.conftest import GRID
from gridgov.testing.tree import HERE, THERE

API = "/api/v1/fieldwork"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="gridgov.accounts.backends.RoleBackend")
    return client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_assign_list_and_complete_through_the_api(people: dict[str, User]) -> None:
    staff, worker = login(people["community_staff"]), login(people["grid_worker"])
    body = {"title": "核查门牌", "grid": GRID, "assignee": "gw", "source_key": "api:1"}
    created = post(staff, f"{API}/tasks", body)
    assert created.status_code == 201
    again = post(staff, f"{API}/tasks", body)
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    task = created.json()
    assert task["result_url"] == f"/fieldwork/tasks/{task['id']}/"
    listed = worker.get(f"{API}/tasks").json()
    assert [t["id"] for t in listed] == [task["id"]]
    other = post(login(people["other_worker"]), f"{API}/tasks/{task['id']}/complete", {})
    assert other.status_code == 404
    done = post(
        worker,
        f"{API}/tasks/{task['id']}/complete",
        {"note": "已核查", **dict(zip(("lon", "lat"), HERE, strict=True))},
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    twice = post(worker, f"{API}/tasks/{task['id']}/complete", {})
    assert twice.status_code == 409


def test_a_check_in_far_from_the_grid_is_a_clear_error(people: dict[str, User]) -> None:
    worker = login(people["grid_worker"])
    far = post(worker, f"{API}/checkins", {"duty": "start", "lon": THERE[0], "lat": THERE[1]})
    assert far.status_code == 422
    assert far.json()["code"] == "far_from_area"
    near = post(worker, f"{API}/checkins", {"duty": "start", "lon": HERE[0], "lat": HERE[1]})
    assert near.status_code == 201
    assert near.json()["area"]["code"] == GRID


def test_a_result_for_another_workers_task_is_refused(people: dict[str, User]) -> None:
    staff = login(people["community_staff"])
    task = post(staff, f"{API}/tasks", {"title": "x", "grid": GRID, "assignee": "gwc"}).json()
    refused = post(login(people["grid_worker"]), f"{API}/tasks/{task['id']}/complete", {})
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_task"


def test_logs_and_figures(people: dict[str, User]) -> None:
    worker = login(people["grid_worker"])
    today = worker.get(f"{API}/logs/today").json()
    assert today["submitted_at"] is None
    submitted = post(worker, f"{API}/logs", {"notes": "巡查一次"})
    assert submitted.status_code == 200
    staff = login(people["community_staff"])
    missing = staff.get(f"{API}/logs/missing", {"day": today["day"]}).json()
    assert "gw" not in missing
    figures = staff.get(f"{API}/figures", {"first": today["day"], "last": today["day"]})
    assert figures.status_code == 200
