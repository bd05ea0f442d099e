"""The whistle pages: blow from an event, follow it step by step, the department's queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Event
from gridgov.events.workflow import Status
from gridgov.whistle.models import Summons, Whistle
from gridgov.whistle.tests.conftest import Blow


def as_(people: dict[str, User], name: str) -> Client:
    return login(Client(), people[name])


def test_blow_from_an_event_then_walk_every_step(
    people: dict[str, User], registered: Callable[[], Event]
) -> None:
    event = registered()
    dispatcher = as_(people, "dispatcher")
    page = dispatcher.get(f"/whistle/blow/{event.number}/")
    assert page.status_code == 200
    assert "320104-fire" in page.content.decode()
    made = dispatcher.post(
        f"/whistle/blow/{event.number}/",
        {"reason": "needs several", "departments": ["320104-fire"]},
    )
    assert made.status_code == 422
    made = dispatcher.post(
        f"/whistle/blow/{event.number}/",
        {"reason": "several_departments", "departments": ["320104-fire"], "note": "联合处置"},
    )
    whistle = Whistle.objects.get()
    assert made.status_code == 302
    # The log names who was summoned as people know them, not by code.
    assert whistle.log.get().note == "秦淮区消防救援大队"
    assert made["Location"] == f"/whistle/{whistle.pk}/"
    summons = whistle.summonses.get()
    handler = as_(people, "handler")
    detail = handler.get(f"/whistle/{whistle.pk}/").content.decode()
    assert f"/whistle/summons/{summons.pk}/report/" in detail
    assert (
        f"/whistle/summons/{summons.pk}/report/"
        not in dispatcher.get(f"/whistle/{whistle.pk}/").content.decode()
    )
    queue = handler.get("/whistle/summons/").content.decode()
    assert event.number in queue
    assert handler.post(f"/whistle/summons/{summons.pk}/report/").status_code == 302
    assert handler.post(f"/whistle/summons/{summons.pk}/part-done/", {}).status_code == 422
    assert (
        handler.post(
            f"/whistle/summons/{summons.pk}/part-done/", {"description": "已疏散群众"}
        ).status_code
        == 302
    )
    assert (
        f"/whistle/summons/{summons.pk}/verify/"
        in dispatcher.get(f"/whistle/{whistle.pk}/").content.decode()
    )
    assert dispatcher.post(f"/whistle/summons/{summons.pk}/verify/").status_code == 302
    assert (
        dispatcher.post(
            f"/whistle/summons/{summons.pk}/rate/", {"rating": "4", "comment": "及时"}
        ).status_code
        == 302
    )
    summons.refresh_from_db()
    assert (summons.rating, summons.rating_comment) == (4, "及时")
    assert Event.objects.get(pk=event.pk).status == Status.HANDLED
    assert "已疏散群众" in dispatcher.get(f"/whistle/{whistle.pk}/").content.decode()


def test_the_blow_page_of_an_event_with_an_open_whistle_leads_to_it(
    blow: Blow, people: dict[str, User]
) -> None:
    whistle = blow()
    answer = as_(people, "dispatcher").get(f"/whistle/blow/{whistle.event.number}/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/whistle/{whistle.pk}/"


def test_late_summons_show_red_and_escalations_reach_the_district(
    blow: Blow, people: dict[str, User]
) -> None:
    whistle = blow(department_codes=["320104-fire"])
    summons = whistle.summonses.get()
    Summons.objects.filter(pk=summons.pk).update(
        report_due_at=timezone.now() - timedelta(minutes=5),
        escalated_at=timezone.now(),
    )
    detail = as_(people, "dispatcher").get(f"/whistle/{whistle.pk}/").content.decode()
    assert f'id="summons-{summons.pk}" class="has-gap late"' in detail
    listing = as_(people, "commander").get("/whistle/").content.decode()
    assert "has-gap" in listing
    assert whistle.event.number in listing
    queue = as_(people, "handler").get("/whistle/summons/")
    assert queue.context["queue"].late == [summons]


def test_pages_are_scoped_and_steps_are_role_checked(
    blow: Blow, people: dict[str, User], registered: Callable[[], Event]
) -> None:
    whistle = blow(department_codes=["320104-fire"])
    summons = whistle.summonses.get()
    number = registered().number
    assert as_(people, "sibling_dispatcher").get(f"/whistle/{whistle.pk}/").status_code == 404
    assert as_(people, "sibling_dispatcher").get(f"/whistle/blow/{number}/").status_code == 404
    assert as_(people, "far_handler").get(f"/whistle/{whistle.pk}/").status_code == 404
    assert (
        as_(people, "grid_worker")
        .post(f"/whistle/blow/{number}/", {"reason": "spans_areas", "departments": ["320104-fire"]})
        .status_code
        == 403
    )
    assert (
        as_(people, "dispatcher").post(f"/whistle/summons/{summons.pk}/report/").status_code == 403
    )
    assert as_(people, "handler").get(f"/whistle/summons/{summons.pk}/report/").status_code == 405
    assert as_(people, "dispatcher").get("/whistle/summons/").status_code == 403
    assert Client().get("/whistle/").status_code == 302
    assert Whistle.objects.count() == 1
