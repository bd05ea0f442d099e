"""The pages and the API, through real HTTP: a dispute registered, converted from its event's
page, moved, its figures counted; parties masked unless revealed with a purpose."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.events.actions.catalogue import catalogue_load
from gridgov.events.actions.intake import event_report
from gridgov.mediation.actions import dispute_apply, figures_rebuild
from gridgov.mediation.models import Dispute, Party
from gridgov.testing.catalogue import default_catalogue
from gridgov.testing.mediation import id_number, make_dispute

GRID = "320104001001001"
API = "/api/v1/mediation"


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="gridgov.accounts.backends.RoleBackend")
    return client


PARTY = {"a_kind": "person", "b_kind": "organisation", "b_name": "某物业公司"}


@pytest.mark.django_db
def test_register_on_the_page_masks_the_id_number(users: Any) -> None:
    client = client_of(users["grid_worker"])
    assert "登记矛盾纠纷" in client.get("/mediation/new/").content.decode()
    answer = client.post(
        "/mediation/new/",
        {
            "dispute_type": "property", "source": "investigation", "grid": GRID,
            "summary": "物业费争议", "risk_level": "medium", "mediator_kind": "community",
            "mediator_name": "王调解", "a_name": "张三", "a_id_number": id_number(7), **PARTY,
        },
    )  # fmt: skip
    dispute = Dispute.objects.unscoped().get()
    assert answer.status_code == 302
    page = client.get(f"/mediation/{dispute.pk}/").content.decode()
    assert "张三" in page
    assert "某物业公司" in page
    assert id_number(7) not in page
    assert id_number(7)[-4:] in page
    assert "显示完整" not in page  # a grid worker may not reveal


@pytest.mark.django_db
def test_the_event_page_converts_a_neighbour_dispute(users: Any) -> None:
    catalogue_load(actor=None, data=default_catalogue())
    event = event_report(
        actor=users["grid_worker"], category_code="0801", description="邻居噪声争吵",
        lon=118.1, lat=31.7, extra={"dispute_kind": "噪声"},
    )  # fmt: skip
    client = client_of(users["community_staff"])
    assert (
        f"/mediation/from-event/{event.number}/"
        in client.get(f"/events/{event.number}/").content.decode()
    )
    answer = client.post(
        f"/mediation/from-event/{event.number}/",
        {"risk_level": "low", "mediator_kind": "grid_worker", "mediator_name": "小李",
         "a_name": "张三", "b_name": "李四", "a_kind": "person", "b_kind": "person"},
    )  # fmt: skip
    assert answer.status_code == 302
    dispute = Dispute.objects.unscoped().get(source_event=event)
    assert f"/mediation/{dispute.pk}/" in client.get(f"/events/{event.number}/").content.decode()


@pytest.mark.django_db
def test_the_api_moves_a_dispute_and_refuses_a_pair_off_the_table(users: Any) -> None:
    client = client_of(users["community_staff"])
    dispute = make_dispute(users["grid_worker"], GRID)
    body = client.get(f"{API}/disputes/{dispute.pk}").json()
    assert body["parties"][0]["id_number"].startswith("3201****")
    url = f"{API}/disputes/{dispute.pk}/commands"
    answer = client.post(f"{url}/agree", {"expected_version": 1}, content_type="application/json")
    assert answer.status_code == 409
    answer = client.post(f"{url}/accept", {"expected_version": 1}, content_type="application/json")
    assert answer.json()["status"] == "accepted"
    answer = client.post(f"{url}/mediate", {"expected_version": 1}, content_type="application/json")
    assert answer.status_code == 409  # stale version
    revealed = client.post(
        f"{API}/parties/{body['parties'][0]['id']}/unmask",
        {"field": "id_number", "purpose": "出具协议书"},
        content_type="application/json",
    )
    assert revealed.json()["value"] == id_number(123)


@pytest.mark.django_db
def test_figures_count_success_by_community(users: Any) -> None:
    actor = users["community_staff"]
    for agree in (True, True, False):
        dispute = make_dispute(actor, GRID)
        parties = [p.pk for p in Party.objects.unscoped().filter(dispute=dispute)]
        for command in ("accept", "mediate", "agree" if agree else "fail"):
            dispute = dispute_apply(
                actor=actor, dispute_id=dispute.pk, command=command,
                expected_version=dispute.version, payload={"terms": "赔偿", "consents": parties},
            )  # fmt: skip
    figures_rebuild([timezone.localdate()])
    body = client_of(actor).get(f"{API}/figures?by=community").json()
    row = body["rows"][0]
    assert row["label"] == "秦淮区北街道一社区"
    assert (row["registered"], row["concluded"], row["agreed"]) == (3, 3, 2)
    assert row["success_rate"] == pytest.approx(200 / 3)
    assert row["per_thousand"] == pytest.approx(1.5)  # two grids of 1,000
    page = client_of(actor).get("/mediation/figures/?by=type").content.decode()
    assert "调解成功率" in page
