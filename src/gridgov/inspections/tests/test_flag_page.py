"""The page that flags a venue: a community's staff finds a registry record by name and flags
it as a kind; what is missing or refused is said in Chinese beside the form."""

from __future__ import annotations

from typing import Any

from stdnum.cn import uscc

from gridgov.accounts.models import User
from gridgov.inspections.models import Venue
from gridgov.registry import actions as registry

PAGE = "/inspections/venues/flag/"


def test_search_and_flag_a_shop(kinds: None, users: dict[str, User], client_for: Any) -> None:
    first17 = "92320104MA1XY5699"
    shop = registry.organisation_upsert(
        actor=users["community_staff"],
        credit_code=first17 + uscc.calc_check_digit(first17),
        name="便民烟酒店",
        kind="individual_business",
        grid_code="320104001001001",
        address="目标路9号",
        small_venue=True,
    )
    staff = client_for("community_staff")
    assert "标记场所" in staff.get(PAGE).content.decode()
    empty = staff.get(PAGE, {"kind": "small_shop", "q": ""})
    assert empty.status_code == 422
    assert "请输入名称或地址进行搜索" in empty.content.decode()
    unknown = staff.get(PAGE, {"kind": "no_such_kind", "q": "便民"})
    assert unknown.status_code == 422
    assert "选择一个有效的选项" in unknown.content.decode()
    found = staff.get(PAGE, {"kind": "small_shop", "q": "便民"})
    assert "便民烟酒店" in found.content.decode()
    unchosen = staff.post(PAGE, {"kind": "small_shop", "q": "便民"})
    assert unchosen.status_code == 422
    assert "请选择要标记的记录" in unchosen.content.decode()
    flagged = staff.post(PAGE, {"kind": "small_shop", "q": "便民", "record": shop.pk}, follow=True)
    assert "已标记为小商店" in flagged.content.decode()
    assert "已标记</span>" in flagged.content.decode()
    assert Venue.objects.unscoped().get().organisation_id == shop.pk
    assert client_for("analyst").get(PAGE).status_code == 403
    outside = client_for("sibling_dispatcher").get(PAGE, {"kind": "small_shop", "q": "便民"})
    assert "便民烟酒店" not in outside.content.decode()
