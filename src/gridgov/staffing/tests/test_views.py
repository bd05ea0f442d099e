"""The staffing coverage page through real HTTP."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from gridgov.jurisdiction.models import GridKind, Level, Node
from gridgov.registry.models import Person
from gridgov.registry.tests.factories import make_records
from gridgov.staffing.actions import staff_create
from gridgov.staffing.models import StaffKind
from gridgov.testing.tree import box


@pytest.fixture
def one_grid_covered(tree, users):
    """Grid 320104001001001 has both kinds of worker; its neighbour 002 has only a full-timer."""
    actor, community = users["dispatcher"], tree["320104001001"]
    for name, kind, grids in [
        ("王芳", StaffKind.FULL_TIME, ["320104001001001", "320104001001002"]),
        ("李警官", StaffKind.LEGAL_AFFAIRS, ["320104001001001"]),
    ]:
        staff_create(
            actor=actor,
            name=name,
            kind=kind,
            profession="police" if kind == StaffKind.LEGAL_AFFAIRS else "",
            home_node=community,
            grids=[tree[c] for c in grids],
        )


def test_coverage_needs_login(db):
    assert Client().get("/staffing/coverage/").status_code == 302


def test_coverage_of_my_subdistrict_marks_the_gap(client_for, one_grid_covered):
    response = client_for("dispatcher").get("/staffing/coverage/")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.node.code == "320104001"
    assert [row.node.code for row in report.rows] == ["320104001001"]
    html = response.content.decode()
    assert 'class="has-gap"' in html
    assert 'href="/jurisdiction/grids/320104001001002/"' in html
    assert 'href="/staffing/coverage/320104001001/"' in html


def test_coverage_of_a_community_lists_grids(client_for, one_grid_covered):
    response = client_for("community_staff").get("/staffing/coverage/320104001001/")
    assert response.status_code == 200
    rows = response.context["report"].rows
    assert [(r.node.code, r.worker_count) for r in rows] == [
        ("320104001001001", 2),
        ("320104001001002", 1),
    ]
    assert response.context["report"].total.workers_per_thousand == 1.0


def test_coverage_of_a_sibling_is_not_found(client_for, tree):
    assert client_for("dispatcher").get("/staffing/coverage/320104002/").status_code == 404
    assert client_for("sibling_commander").get("/staffing/coverage/320104/").status_code == 404


def test_a_long_gap_list_is_cut_with_a_link_to_the_area(client_for, users, tree):
    community = tree["320104001001"]
    for seq in range(3, 15):
        Node.objects.create(
            code=f"{community.code}{seq:03d}",
            name=f"加密网格{seq}",
            level=Level.GRID,
            parent=community,
            boundary=box(118.0, 31.5, 118.01, 31.51),
            grid_kind=GridKind.COMPREHENSIVE,
        )
    html = client_for("dispatcher").get("/staffing/coverage/").content.decode()
    assert html.count('href="/jurisdiction/grids/') == 20
    assert "还有 4 个" in html


def test_coverage_and_home_show_the_registry_count_beside_the_population(
    client_for, users, tree, django_assert_max_num_queries
):
    """Two people live in a grid of 320104001 by the registry, one (the other moved out) in 002."""
    make_records(users["community_staff"], grid="320104001001001")
    make_records(users["sibling_dispatcher"], grid="320104002001001", seed="2")
    Person.objects.filter(grid__code="320104002001001", kind="floating").update(
        moved_out=date(2026, 2, 1)
    )
    commander = client_for("commander")
    with django_assert_max_num_queries(12):
        response = commander.get("/staffing/coverage/")
    report = response.context["report"]
    assert {row.node.code: row.registered for row in report.rows} == {
        "320104001": 2,
        "320104002": 1,
    }
    assert report.total.registered == 3
    html = response.content.decode()
    for n in (1, 2, 3):
        assert f"登记在册 {n} 人" in html
    assert "登记在册 3 人" in commander.get("/").content.decode()
    # A subdistrict counts only its own grids, on both pages.
    dispatcher = client_for("dispatcher")
    grids = dispatcher.get("/staffing/coverage/320104001001/").context["report"]
    assert [row.registered for row in grids.rows] == [2, 0]
    home = dispatcher.get("/").content.decode()
    assert "登记在册 2 人" in home
    assert "登记在册 3 人" not in home
