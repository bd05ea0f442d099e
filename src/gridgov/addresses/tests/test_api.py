from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from gridgov.addresses.models import Address
from gridgov.testing.tree import Tree

API = "/api/v1/addresses"


def _room(grid_prefix: str) -> Address:
    room = (
        Address.objects.filter(level=4, grid_code__startswith=grid_prefix)
        .select_related("road")
        .first()
    )
    assert room is not None
    return room


def _text(room: Address) -> str:
    return f"{room.road.name}{room.door}号{room.building}-{room.unit}-{room.room}"


def test_match_one(library: Tree, client_for: Callable[[str], Client]) -> None:
    room = _room("320104001")
    response = client_for("dispatcher").post(
        f"{API}/match", {"text": _text(room)}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["code"], body["grid"]) == ("matched", room.code, room.grid_code)
    assert body["candidates"][0]["code"] == room.code


def test_match_batch(library: Tree, client_for: Callable[[str], Client]) -> None:
    room = _room("320104001")
    texts = [_text(room), "上海市人民广场1号", "不知道哪里"]
    response = client_for("dispatcher").post(
        f"{API}/match/batch", {"texts": texts}, content_type="application/json"
    )
    assert response.status_code == 200
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["matched", "outside_city", "not_found"]


def test_batch_is_limited(library: Tree, client_for: Callable[[str], Client]) -> None:
    response = client_for("dispatcher").post(
        f"{API}/match/batch", {"texts": ["x"] * 10_001}, content_type="application/json"
    )
    assert response.status_code == 422


def test_a_match_outside_the_jurisdiction_reads_as_not_found(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    room = _room("320105")
    body = (
        client_for("dispatcher")
        .post(f"{API}/match", {"text": _text(room)}, content_type="application/json")
        .json()
    )
    assert body["status"] == "not_found"
    assert room.code not in str(body)


def test_address_detail_and_scope(library: Tree, client_for: Callable[[str], Client]) -> None:
    room = _room("320104001")
    mine = client_for("dispatcher").get(f"{API}/{room.code}")
    assert mine.status_code == 200
    assert mine.json()["parent"] == room.code.rsplit("-", 1)[0]
    assert client_for("sibling_dispatcher").get(f"{API}/{room.code}").status_code == 404


def test_address_search_by_road(library: Tree, client_for: Callable[[str], Client]) -> None:
    room = _room("320104001")
    response = client_for("dispatcher").get(API, {"road": room.road.name})
    assert response.status_code == 200
    rows: list[dict[str, Any]] = response.json()
    assert rows
    assert all(r["road"] == room.road.code for r in rows)
    assert all(r["grid"].startswith("320104001") for r in rows)


def test_match_explains_elements_and_ignored_text(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    room = _room("320104001")
    text = f"张先生 13912345678 {_text(room)}（白天没人）"
    response = client_for("dispatcher").post(
        f"{API}/match", {"text": text}, content_type="application/json"
    )
    body = response.json()
    assert (body["status"], body["code"]) == ("matched", room.code)
    assert {"element": "road", "text": room.road.name} in body["elements"]
    assert body["ignored"] == ["(白天没人)", "13912345678", "张先生"]


def test_a_full_batch_of_bad_input_answers_in_order(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    room = _room("320104001")
    odd = ["", "🙂" * 50, "\x00\x1b[31m", "这是一段很长的话，" * 30, "上海市黄浦区南京东路1号"]
    texts = [_text(room) if i % 7 == 0 else odd[i % len(odd)] for i in range(10_000)]
    response = client_for("dispatcher").post(
        f"{API}/match/batch", {"texts": texts}, content_type="application/json"
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 10_000
    for text, result in zip(texts, results, strict=True):
        if text == _text(room):
            assert result["code"] == room.code
        else:
            assert result["status"] in ("not_found", "outside_city")
            assert result["reason"]
    assert results[3]["reason"] == "too_long"


def test_a_lone_surrogate_or_nul_is_an_address_not_found(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    body = '{"texts": ["\\ud800\\u5357\\u4eac", "a\\u0000b"]}'
    response = client_for("dispatcher").post(
        f"{API}/match/batch", body, content_type="application/json"
    )
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["not_found", "not_found"]
