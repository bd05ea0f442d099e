"""Real, tiny images for tests: uploads are decoded and re-encoded, so a signature followed
by zeros is refused as a damaged file."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def image_bytes(
    fmt: str, colour: tuple[int, int, int] = (200, 40, 40), side: int = 16, **options: object
) -> bytes:
    """One colour, in `fmt` (JPEG, PNG, WEBP); `options` go to Pillow's save (exif=...)."""
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), colour).save(buffer, format=fmt, **options)
    return buffer.getvalue()


JPEG, PNG, WEBP = (image_bytes(fmt) for fmt in ("JPEG", "PNG", "WEBP"))


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header claiming a huge picture: a few bytes that would decode to gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return b"".join(
        [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", pixels), chunk(b"IEND", b"")]
    )
