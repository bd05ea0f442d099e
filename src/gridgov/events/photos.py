"""Photo checks by content, not by name: a file is a JPEG, PNG or WebP when its first bytes
say so and it decodes as one, whatever it is called or whatever type the client claimed.

What is kept is not the upload but a re-encoding of its pixels: a phone's photo carries EXIF
(the GPS position of the resident's home, the camera's serial), comments and profiles, and the
photos of an event are shown to staff and, once approved, to the public."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from gridgov.core.errors import ProblemList

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Nine, as a phone's photo picker offers; more is an album, not evidence of one problem.
MAX_PHOTOS = 9
# A 2 MB PNG may declare 100000 x 100000 pixels and take tens of gigabytes to decode; a phone's
# camera stays under 50 MP, and 40 MP is what evidence of a problem needs. Pillow's own default
# only warns at 89 MP; past this limit it raises, and a warning is refused here as well.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_PILLOW_FORMAT = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


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


def _reencoded(content: bytes, extension: str) -> bytes:
    """The pixels, upright, in the same format, with no metadata: EXIF (with GPS), XMP,
    comments, text chunks and colour profiles are all left behind. Raises
    DecompressionBombError for too many pixels, OSError (or what a broken file makes a
    decoder raise) when it does not decode as the format its signature claimed."""
    fmt = _PILLOW_FORMAT[extension]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=[fmt]) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
        except Image.DecompressionBombWarning as exc:
            raise Image.DecompressionBombError(str(exc)) from exc
    # Pillow writes what info holds (a JPEG comment, a PNG's ICC profile and text) back out;
    # a palette PNG's transparent colour is part of the picture and stays.
    options: dict[str, object] = {"quality": 90} if fmt != "PNG" else {}
    if "transparency" in upright.info:
        options["transparency"] = upright.info["transparency"]
    upright.info.clear()
    buffer = io.BytesIO()
    upright.save(buffer, format=fmt, **options)
    return buffer.getvalue()


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
        try:
            content = _reencoded(content, extension)
        except Image.DecompressionBombError:
            problems.add(
                "photo_too_many_pixels",
                _("%(name)s has more than %(n)d million pixels.")
                % {"name": name, "n": MAX_PIXELS // 1_000_000},
                field="photos",
                index=index,
                item=name,
            )
            continue
        except (OSError, SyntaxError, ValueError, EOFError):
            problems.add(
                "photo_unreadable",
                _("%(name)s is damaged or is not the image it claims to be.") % {"name": name},
                field="photos",
                index=index,
                item=name,
            )
            continue
        photos.append(
            Photo(name, content, content_type, extension, hashlib.sha256(content).hexdigest())
        )
    return photos


# Photos sent with a form that came back with an error wait here, so the reporter need not
# choose them again; the form carries their signed list (see events.actions.attachments).
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
