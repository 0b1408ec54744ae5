"""Photos embedded in documents (a PDF's pictures, a Word document's media): what their metadata
tells, and the same JPEG without it.

A JPEG placed in a document is often kept whole, with its camera's EXIF and XMP (the GPS
position where it was taken among them). ``without_metadata`` drops its metadata segments
(APP1: EXIF and XMP; APP13: Photoshop's IPTC, with a by-line) and leaves every other byte,
the picture's included, as it was.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

from PIL import Image as PILImage

from . import photo_metadata

#: JPEG segments that hold metadata: APP1 (EXIF, XMP) and APP13 (Photoshop's IPTC, with a by-line).
_METADATA_SEGMENTS = frozenset({0xE1, 0xED})


def identifying(data: bytes) -> set[str]:
    """What identifying metadata the JPEG ``data`` holds (``photo_metadata.GPS``, ``SERIAL``, ``OWNER``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with PILImage.open(io.BytesIO(data), formats=["JPEG"]) as image:
                return set(photo_metadata.identifying_in_image(image))
    except Exception:  # noqa: BLE001 - a picture Pillow cannot read: its bytes are looked at as they are
        return {photo_metadata.GPS} if b"GPS" in _metadata_segments(data) else set()


def _segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """A JPEG's segments before its coded data: (marker, start, end)."""
    position = 2 if data[:2] == b"\xff\xd8" else len(data)
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # the coded data begins
            return
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        yield marker, position, end
        position = end


def _metadata_segments(data: bytes) -> bytes:
    return b"".join(data[start:end] for marker, start, end in _segments(data) if marker in _METADATA_SEGMENTS)


def without_metadata(data: bytes) -> bytes:
    """The JPEG ``data`` without its metadata segments, its picture byte for byte."""
    dropped = [(start, end) for marker, start, end in _segments(data) if marker in _METADATA_SEGMENTS]
    kept, position = [], 0
    for start, end in dropped:
        kept.append(data[position:start])
        position = end
    kept.append(data[position:])
    return b"".join(kept)
