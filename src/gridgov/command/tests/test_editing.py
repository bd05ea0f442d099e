"""The editing pages of rosters and plans, over Django's test client, in Chinese."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gridgov.accounts.models import User
from gridgov.command.actions.rosters import day_and_night
from gridgov.command.models import EmergencyPlan, Shift, ShiftKind
from gridgov.command.tests.conftest import Centres

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# February 2030: 28 days, the 2nd a Saturday.
MONTH = "2030-02"


def every_day(user: User, *, but_night: int = 0) -> dict[str, str]:
    """The month's form with the user on every shift, bar one night when asked."""
    data = {}
    for day in range(1, 29):
        data[f"day_203002{day:02d}"] = str(user.pk)
        if day != but_night:
            data[f"night_203002{day:02d}"] = str(user.pk)
    return data


def test_a_month_of_duty_is_saved_on_its_page_after_its_gap_is_accepted(
    centres: Centres, loop_users: dict[str, User], client_for: Any
) -> None:
    dispatcher = loop_users["dispatcher"]
    client = client_for("dispatcher")
    url = f"/command/centres/{centres.north.pk}/roster/edit/?month={MONTH}"
    page = client.get(url, **ZH).content.decode()
    assert "编辑值班表" in page
    assert "02-02 白班" in page
    refused = client.post(url, every_day(dispatcher, but_night=10), **ZH)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "无人值班" in text
    assert "02-10 20:00" in text
    assert not Shift.objects.unscoped().exists()
    data = {**every_day(dispatcher, but_night=10), "accept_gaps": "on"}
    assert client.post(url, data, **ZH).status_code == 302
    assert Shift.objects.unscoped().filter(centre=centres.north).count() == 55
    saturday = Shift.objects.unscoped().get(starts_at=day_and_night(date(2030, 2, 2))[0][0])
    assert saturday.kind == ShiftKind.HOLIDAY
    # The saved month reads back into the form; the district commander, no member, may not edit.
    again = client.get(url).content.decode()
    assert f'<option value="{dispatcher.pk}" selected>' in again
    assert client_for("commander").get(url).status_code == 403


def test_a_plan_is_written_on_its_page_with_errors_naming_the_field(
    centres: Centres, client_for: Any
) -> None:
    client = client_for("commander")
    new = f"/command/centres/{centres.district.pk}/plans/new/"
    assert "新建应急预案" in client.get(new, **ZH).content.decode()
    data = {
        "name": "防汛防台预案",
        "kind": "flood",
        "duration_hours": 48,
        "order_limit_minutes": 0,
        "checklist": "检查泵站\n转移低洼住户",
        "units_II": [str(centres.north.pk), str(centres.fire.pk)],
        "instructions_II": "立即巡查易涝点 | 30 分钟内回报\n封闭下穿通道",
    }
    refused = client.post(new, data, **ZH).content.decode()
    assert "调度指令时限（分钟）：调度指令时限为 1 分钟至 1 天。" in refused
    saved = client.post(new, {**data, "order_limit_minutes": 20}, **ZH)
    assert saved.status_code == 302
    plan = EmergencyPlan.objects.unscoped().get()
    assert plan.checklist == ["检查泵站", "转移低洼住户"]
    assert plan.levels == {
        "II": {
            "units": [centres.north.pk, centres.fire.pk],
            "instructions": [
                {"title": "立即巡查易涝点", "body": "30 分钟内回报"},
                {"title": "封闭下穿通道", "body": ""},
            ],
        }
    }
    edit = client.get(saved.url).content.decode()
    assert "立即巡查易涝点 | 30 分钟内回报" in edit
    # The dispatcher commands the subdistrict, not the district: no plan of the district.
    assert client_for("dispatcher").get(new).status_code in (403, 404)
