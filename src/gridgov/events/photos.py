"""Photo checks by content, not by name: a file is a JPEG, PNG or WebP when its first bytes
say so, whatever it is called or whatever type the client claimed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import ProblemList

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Nine, as a phone's photo picker offers; more is an album, not evidence of one problem.
MAX_PHOTOS = 9


# Django's File: what an upload, a test's SimpleUploadedFile or a file on disk all are.
Upload = File[bytes]


@dataclass(frozen=True)
class Photo:
    name: str
    content: bytes
    content_type: str
    extension: str
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "EVENT_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type and file extension the signature announces, if it is one we keep."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def photos_checked(uploads: list[Upload], problems: ProblemList) -> list[Photo]:
    """Every upload read and checked; each bad one adds a problem naming the file."""
    limit = max_bytes()
    photos: list[Photo] = []
    if len(uploads) > MAX_PHOTOS:
        problems.add(
            "too_many_photos",
            _("Send at most %(n)d photos at a time.") % {"n": MAX_PHOTOS},
            field="photos",
        )
        return photos
    for index, upload in enumerate(uploads):
        name = (upload.name or f"photo-{index + 1}")[-200:]
        # Read no more than one byte past the limit, whatever the client claimed the size was.
        upload.seek(0)
        content = upload.read(limit + 1)
        if len(content) > limit:
            problems.add(
                "photo_too_large",
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(limit)},
                field="photos",
                index=index,
                item=name,
            )
            continue
        kind = sniff(content[:16])
        if kind is None:
            problems.add(
                "photo_type",
                _("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name},
                field="photos",
                index=index,
                item=name,
            )
            continue
        content_type, extension = kind
        photos.append(
            Photo(name, content, content_type, extension, hashlib.sha256(content).hexdigest())
        )
    return photos


# Photos sent with a form that came back with an error wait here, so the reporter need not
# choose them again; the form carries their signed list (see events.actions.photos_keep).
PENDING_DIR = "pending-photos"
KEEP_SECONDS = 24 * 3600


def _salt(owner: str) -> str:
    return f"gridgov.events.kept-photos:{owner}"


def kept_entries(signed: str, *, owner: str) -> list[tuple[str, str]]:
    """The (stored path, original name) pairs a form carries; none when the list is not the
    owner's own, was altered, or is older than a day."""
    if not signed:
        return []
    try:
        entries = signing.loads(signed, salt=_salt(owner), max_age=KEEP_SECONDS)
    except signing.BadSignature:
        return []
    return [(str(path), str(name)) for path, name in entries]


def kept_sign(entries: list[tuple[str, str]], *, owner: str) -> str:
    return signing.dumps(entries, salt=_salt(owner)) if entries else ""


def photos_kept(signed: str, *, owner: str) -> list[Upload]:
    """The kept photos as uploads again, under the names they were sent with."""
    return [
        File(default_storage.open(path), name=name)
        for path, name in kept_entries(signed, owner=owner)
        if default_storage.exists(path)
    ]
