"""A department summoned by a whistle reads the event while the whistle is open, and no more."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.events.models import Event, EventAttachment
from gridgov.events.workflow import Command, allowed_commands
from gridgov.testing.images import PNG
from gridgov.testing.loop import Report, apply
from gridgov.whistle.actions import (
    summons_part_done,
    summons_part_verify,
    summons_report,
    whistle_blow,
)
from gridgov.whistle.models import Summons


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


@pytest.fixture
def summoned(report: Report, loop_users: dict[str, User]) -> Event:
    """A registered event with a photo, the fire brigade alone summoned to it."""
    event = report(photos=[SimpleUploadedFile("before.png", PNG)])
    event = apply(loop_users, event, Command.REGISTER)
    whistle_blow(
        actor=loop_users["dispatcher"],
        event_number=event.number,
        reason="several_departments",
        department_codes=["320104-fire"],
    )
    return Event.objects.get(pk=event.pk)


def urls(event: Event) -> list[str]:
    photo = EventAttachment.objects.get(event=event)
    return [
        f"/events/{event.number}/",
        f"/events/{event.number}/photos/{photo.pk}",
        f"/api/v1/events/{event.number}",
        f"/api/v1/events/{event.number}/timeline",
    ]


def test_the_summoned_department_reads_the_event(summoned: Event, as_user: Any) -> None:
    assert summoned.assigned_department_id is None
    handler = as_user("handler")
    for url in urls(summoned):
        assert handler.get(url).status_code == 200, url
    page = handler.get(f"/events/{summoned.number}/").content.decode()
    assert "<details data-command=" not in page


def test_a_department_not_summoned_sees_nothing(summoned: Event, as_user: Any) -> None:
    other = as_user("other_handler")
    for url in urls(summoned):
        assert other.get(url).status_code == 404, url


def test_summoned_is_no_right_to_the_loop(
    summoned: Event, loop_users: dict[str, User], as_user: Any
) -> None:
    assert allowed_commands(loop_users["handler"], summoned) == []
    answer = as_user("handler").post(
        f"/events/{summoned.number}/commands/accept", {"version": summoned.version}
    )
    assert answer.status_code == 403
    assert Event.objects.get(pk=summoned.pk).version == summoned.version


def test_the_sight_ends_with_the_whistle(summoned: Event, loop_users: dict[str, User]) -> None:
    handler, dispatcher = loop_users["handler"], loop_users["dispatcher"]
    summons = Summons.objects.get(whistle__event=summoned)
    summons_report(actor=handler, summons_id=summons.pk)
    summons_part_done(actor=handler, summons_id=summons.pk, description="已排查消防通道")
    summons_part_verify(actor=dispatcher, summons_id=summons.pk)
    client = login(Client(), handler)
    assert client.get(f"/events/{summoned.number}/").status_code == 404
