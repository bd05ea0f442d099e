"""The population heat layer: the hourly job counts the registry's current residents per
grid at the grid's centre; the panorama's layer reads those rows, scoped."""

from __future__ import annotations

from datetime import date
from typing import Any

from gridgov.insight.actions import people_refresh
from gridgov.registry.models import Person
from gridgov.testing.tree import Tree

GRID = "320104001001001"


def _person(tree: Tree, n: int, moved_out: date | None = None) -> None:
    Person.objects.create(
        grid=tree[GRID], community=tree[GRID[:12]], name=f"居民{n}", id_number_encrypted="x",
        id_number_index=f"idx-{n}", id_number_masked="3201**********0000",
        birth_date=date(1990, 1, 1), sex="M", kind="registered", moved_out=moved_out,
    )  # fmt: skip


def test_people_per_grid_are_counted_by_the_job_and_read_scoped(
    tree: Tree, client_for: Any
) -> None:
    for n in range(3):
        _person(tree, n)
    _person(tree, 9, moved_out=date(2026, 1, 1))
    assert people_refresh() == 1
    answer = client_for("commander").get("/insight/people.json?node=320104").json()
    assert answer["max"] == 2 + 1
    [(lat, lon, people)] = answer["points"]
    centre = tree[GRID].geometry.representative_point()
    assert (lat, lon, people) == (centre.y, centre.x, 3)
    api = client_for("commander").get("/api/v1/insight/people?node=320104").json()
    assert api["points"] == [[centre.y, centre.x, 3]]
    # The count is the job's: a resident added since shows after the next run, not before.
    _person(tree, 4)
    assert client_for("commander").get("/insight/people.json?node=320104").json()["max"] == 3
    assert (
        client_for("sibling_commander").get("/insight/people.json?node=320104").status_code == 404
    )
