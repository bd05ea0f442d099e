"""Photos are checked by their bytes and size; a bad one is named and nothing is written."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from gridgov.accounts.models import User
from gridgov.conftest import login
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.events.models import Event, EventAttachment, EventTransition
from gridgov.events.photos import sniff
from gridgov.events.selectors import attachment_get
from gridgov.events.workflow import Command, Status
from gridgov.testing.images import JPEG, PNG, WEBP, image_bytes, png_declaring
from gridgov.testing.loop import Report, Walk, apply
from gridgov.testing.tree import HERE

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
    settings.EVENT_PHOTO_MAX_BYTES = len(PNG) + 5
    with pytest.raises(InvalidInput) as refused:
        report(photos=[SimpleUploadedFile("big.png", PNG + b"\x00" * 10)])
    [problem] = refused.value.problems
    assert (problem.code, problem.item) == ("photo_too_large", "big.png")
    assert str(len(PNG) + 5) in str(problem.message)
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


def stored(report: Report, name: str, content: bytes) -> bytes:
    report(photos=[SimpleUploadedFile(name, content)])
    attachment = EventAttachment.objects.get()
    with attachment.file.open("rb") as handle:
        kept: bytes = handle.read()
    assert attachment.size == len(kept)
    return kept


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (32.0, 2.0, 30.0)}
    )
    return exif


def test_a_jpeg_keeps_its_picture_upright_and_loses_its_exif_and_comment(
    report: Report,
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 200)).save(
        buffer, format="JPEG", exif=gps_exif(), comment=b"home of Zhang San"
    )
    assert b"PhoneCo" in buffer.getvalue()
    kept = stored(report, "street.jpg", buffer.getvalue())
    assert b"PhoneCo" not in kept
    assert b"Zhang San" not in kept
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    # Orientation 6: the phone was held upright, so the stored picture is turned.
    assert image.size == (20, 40)
    assert not image.getexif()
    assert not {"exif", "comment", "icc_profile", "xmp"} & set(image.info)


def test_a_png_loses_its_exif_text_and_colour_profile(report: Report) -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "张三家门口")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = image_bytes("PNG", exif=gps_exif(), pnginfo=text, icc_profile=profile)
    assert all(kind in content for kind in (b"eXIf", b"iTXt", b"iCCP"))
    kept = stored(report, "street.png", content)
    assert not {b"eXIf", b"iTXt", b"tEXt", b"iCCP"} & {kept[i : i + 4] for i in range(len(kept))}
    image = Image.open(io.BytesIO(kept))
    assert image.format == "PNG"
    assert not image.getexif()
    assert image.info == {}


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (8_000, 6_000)])
def test_a_picture_of_too_many_pixels_is_refused(
    report: Report, media: Path, width: int, height: int
) -> None:
    with pytest.raises(InvalidInput) as refused:
        report(photos=[SimpleUploadedFile("bomb.png", png_declaring(width, height))])
    [problem] = refused.value.problems
    assert (problem.code, problem.item) == ("photo_too_many_pixels", "bomb.png")
    assert "bomb.png" in str(problem.message)
    assert not Event.objects.exists()
    assert files(media) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.jpg", JPEG[: len(JPEG) // 2]),
        ("fake.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32),
        ("png-as-webp.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + PNG),
    ],
)
def test_a_file_that_does_not_decode_as_its_kind_is_refused(
    report: Report, media: Path, name: str, content: bytes
) -> None:
    with pytest.raises(InvalidInput) as refused:
        report(photos=[SimpleUploadedFile(name, content)])
    [problem] = refused.value.problems
    assert (problem.code, problem.item) == ("photo_unreadable", name)
    assert name in str(problem.message)
    assert not Event.objects.exists()
    assert files(media) == []
