from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.addresses.models import Address
from gridgov.testing.tree import Tree

PAGE = "/addresses/"


def _text(grid_prefix: str) -> tuple[Address, str]:
    room = Address.objects.filter(level=4, grid_code__startswith=grid_prefix).select_related("road")
    first = room.first()
    assert first is not None
    return (
        first,
        f"南京秦淮{first.road.name}{first.door}号{first.building}栋{first.unit}单元{first.room}",
    )


def test_page_shows_the_form(library: Tree, client_for: Callable[[str], Client]) -> None:
    response = client_for("grid_worker").get(PAGE)
    assert response.status_code == 200
    assert b'name="lines"' in response.content


def test_pasted_lines_are_matched(library: Tree, client_for: Callable[[str], Client]) -> None:
    room, text = _text("320104001")
    response = client_for("dispatcher").post(PAGE, {"lines": f"{text}\n\n上海市人民路1号\n"})
    assert response.status_code == 200
    page = response.content.decode()
    assert room.code in page
    assert "match-matched" in page
    assert "match-outside_city" in page


def test_csv_upload_and_download(library: Tree, client_for: Callable[[str], Client]) -> None:
    room, text = _text("320104001")
    upload = SimpleUploadedFile("a.csv", f"{text},x\n".encode("utf-8-sig"), "text/csv")
    response = client_for("dispatcher").post(PAGE, {"file": upload, "download": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert room.code in response.content.decode("utf-8-sig")


def test_empty_input_is_refused(library: Tree, client_for: Callable[[str], Client]) -> None:
    assert client_for("dispatcher").post(PAGE, {"lines": "  \n"}).status_code == 422


def test_a_sibling_sees_no_foreign_address(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    room, text = _text("320104001")
    response = client_for("sibling_dispatcher").post(PAGE, {"lines": text})
    assert response.status_code == 200
    assert room.code not in response.content.decode()


def test_the_address_code_box_asks_the_address_check(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    room, text = _text("320104001")
    client = client_for("grid_worker")
    answer = client.get("/addresses/check/", {"new-address_code": text}).content.decode()
    assert f'data-code="{room.code}"' in answer
    assert client.get("/addresses/check/", {"new-address_code": ""}).content.strip() == b""
    sibling = client_for("sibling_dispatcher").get("/addresses/check/", {"new-address_code": text})
    assert room.code not in sibling.content.decode()
    declare = client_for("community_staff").get("/verification/declare/?kind=person")
    page = declare.content.decode()
    assert 'name="new-address_code"' in page
    assert 'hx-get="/addresses/check/"' in page
    assert page.count('id="address-check"') == 1


def test_the_page_shows_how_each_address_was_read(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    room, text = _text("320104001")
    response = client_for("dispatcher").post(PAGE, {"lines": f"王女士 13912345678 {text}"})
    page = response.content.decode()
    assert "match-matched" in page
    assert f"识别出：市 南京，区 秦淮，道路 {room.road.name}" in page
    assert "已忽略：13912345678，王女士" in page


def test_the_address_check_offers_the_match_to_pick(
    library: Tree, client_for: Callable[[str], Client]
) -> None:
    room, text = _text("320104001")
    client = client_for("dispatcher")
    answer = client.get("/addresses/check/", {"address": f"{text}（白天没人）"}).content.decode()
    assert "match-matched" in answer
    assert f'data-grid="{room.grid_code}"' in answer
    assert "使用此地址" in answer
    assert "已忽略：(白天没人)" in answer
    wide = client.get("/addresses/check/", {"address": f"{room.road.name}{room.door}号"})
    assert "match-matched" in wide.content.decode()
    unknown = client.get("/addresses/check/", {"address": "张先生 不存在的地方路1号"})
    assert "match-not_found" in unknown.content.decode()
    assert "道路 不存在的地方路" in unknown.content.decode()
    assert client.get("/addresses/check/", {"address": "  "}).content.decode().strip() == ""


@pytest.mark.parametrize("page", ["/events/hotline/", "/verification/declare/?kind=home"])
def test_address_boxes_check_as_one_types(
    library: Tree, client_for: Callable[[str], Client], page: str
) -> None:
    body = client_for("dispatcher").get(page).content.decode()
    assert 'hx-get="/addresses/check/"' in body
    assert 'id="address-check"' in body
