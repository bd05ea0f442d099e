"""Photos are checked by their bytes and size; a bad one is named and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.events.models import Event, EventAttachment, EventTransition
from gridgov.events.photos import sniff
from gridgov.events.selectors import attachment_get
from gridgov.events.tests.conftest import HERE, JPEG, PNG, WEBP, Report, Walk, apply
from gridgov.events.workflow import Command, Status

BASE = "/api/v1/events"


@pytest.fixture
def as_user(loop_users: dict[str, User]) -> Any:
    def make(name: str) -> Client:
        return login(Client(), loop_users[name])

    return make


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (WEBP, "image/webp"),
        (b"GIF89a" + b"\x00" * 10, None),
        (b"%PDF-1.7", None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"", None),
    ],
)
def test_signatures(head: bytes, kind: str | None) -> None:
    found = sniff(head[:16])
    assert (found[0] if found else None) == kind


def files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_disguised_file_is_422_naming_it_and_nothing_is_written(
    catalogue: None, as_user: Any, media: Path
) -> None:
    body = {
        "category": "0401",
        "description": "飞线充电",
        "lon": HERE[0],
        "lat": HERE[1],
        "extra": {"building": "3栋"},
    }
    answer = as_user("grid_worker").post(
        f"{BASE}/with-photos",
        {
            "data": json.dumps(body),
            "photos": [
                SimpleUploadedFile("good.jpg", JPEG, "image/jpeg"),
                SimpleUploadedFile("evil.jpg", b"<?php system($_GET['c']);", "image/jpeg"),
            ],
        },
    )
    assert answer.status_code == 422
    [problem] = answer.json()["errors"]
    assert problem == {
        "code": "photo_type",
        "field": "photos",
        "index": 1,
        "item": "evil.jpg",
        "message": problem["message"],
    }
    assert "evil.jpg" in problem["message"]
    assert not Event.objects.exists()
    assert not EventAttachment.objects.exists()
    assert files(media) == []


def test_a_photo_over_the_limit_is_refused(report: Report, settings: Any, media: Path) -> None:
    settings.EVENT_PHOTO_MAX_BYTES = 40
    with pytest.raises(InvalidInput) as refused:
        report(photos=[SimpleUploadedFile("big.png", PNG + b"\x00" * 10)])
    [problem] = refused.value.problems
    assert (problem.code, problem.item) == ("photo_too_large", "big.png")
    assert "40" in str(problem.message)
    assert not Event.objects.exists()
    assert files(media) == []
    settings.EVENT_PHOTO_MAX_BYTES = 4096
    assert report(photos=[SimpleUploadedFile("big.png", PNG + b"\x00" * 10)]).pk


def test_photos_on_handling_hang_on_that_step(
    walk: Walk, as_user: Any, loop_users: dict[str, User], media: Path
) -> None:
    event = walk(Status.ACCEPTED)
    answer = as_user("handler").post(
        f"{BASE}/{event.number}/commands/handle/with-photos",
        {
            "data": json.dumps({"expected_version": event.version, "note": "已拆除飞线"}),
            "photos": [SimpleUploadedFile("after.jpg", JPEG)],
        },
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "handled"
    [photo] = answer.json()["attachments"]
    assert photo["step"] == "handle"
    step = EventTransition.objects.get(event=event, command="handle")
    assert EventAttachment.objects.get().transition == step
    assert len(files(media)) == 1


def test_a_bad_photo_on_a_command_leaves_the_event_as_it_was(
    walk: Walk, loop_users: dict[str, User], media: Path
) -> None:
    event = walk(Status.ACCEPTED)
    with pytest.raises(InvalidInput) as refused:
        apply(
            loop_users,
            event,
            Command.HANDLE,
            photos=[SimpleUploadedFile("after.gif", b"GIF89a......")],
        )
    assert refused.value.problems[0].item == "after.gif"
    event.refresh_from_db()
    assert event.status == Status.ACCEPTED
    assert not EventAttachment.objects.exists()
    assert files(media) == []


def test_attachment_get_is_scoped(report: Report, loop_users: dict[str, User]) -> None:
    event = report(photos=[SimpleUploadedFile("a.jpg", JPEG)])
    attachment = EventAttachment.objects.get()
    found = attachment_get(loop_users["dispatcher"], event.number, attachment.pk)
    assert found == attachment
    with pytest.raises(NotFound):
        attachment_get(loop_users["sibling_dispatcher"], event.number, attachment.pk)
    with pytest.raises(NotFound):
        attachment_get(loop_users["dispatcher"], event.number, attachment.pk + 1)


def test_at_most_nine_photos_at_a_time(report: Report) -> None:
    with pytest.raises(InvalidInput) as refused:
        report(photos=[SimpleUploadedFile(f"{i}.jpg", JPEG) for i in range(10)])
    assert [p.code for p in refused.value.problems] == ["too_many_photos"]
    assert not Event.objects.exists()
