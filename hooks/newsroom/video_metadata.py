"""Where a video or a sound recording was made, as phones write it into the file, and removing it.

A phone writes the GPS position where a video was taken into the file: iPhones as a QuickTime
key (``com.apple.quicktime.location.ISO6709``, with the place's name beside it), Android phones
and cameras in the user data's ``©xyz`` box, 3GPP devices in ``loci``, editing software in XMP.
A release may ship a video or a recording (``<video>``, ``<audio>``, a link), published as it
was committed, so anyone who downloads it could read where a witness was filmed. The build
refuses such a file (``found_in``, the same check as a photo's: ``photo_metadata``), and
``strip`` blanks the position in place: each box that holds it becomes a ``free`` box of zeros
of the same size, which the format allows anywhere (ISO/IEC 14496-12), so no offset in the file
moves and the picture and the sound stay exactly as they were.

Only the ISO base media files (MP4, QuickTime, M4A, 3GP) are read, box by box from the file's
start, through a memory map: the media data is skipped by its size, never read. A position kept
in a track of its own (a camera's GPS track, as GoPro records one) is not looked for.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from . import photo_metadata

#: The files read, by their extension.
SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".m4a", ".3gp", ".3g2"})
LOCATION = "the GPS position where it was recorded"

#: Boxes whose content is more boxes, and which may lead to metadata (the media's own tables,
#: under ``mdia``, are skipped whole).
_CONTAINERS = frozenset({b"moov", b"trak", b"udta", b"meta", b"ilst"})
#: Where user data keeps a position: ``©xyz`` (an ISO 6709 text), ``loci`` (3GPP).
_LOCATION_BOXES = frozenset({b"\xa9xyz", b"loci"})
#: The QuickTime keys that tell a place: its position and its name.
_LOCATION_KEY = b"com.apple.quicktime.location."
#: XMP, in a ``uuid`` box (Adobe's) or in QuickTime's ``XMP_``.
_XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
#: The most boxes read from one file: a file built to be walked forever is not.
_MOST_BOXES = 100_000
#: The deepest boxes are looked into (metadata lies three to five deep).
_DEEPEST = 16
#: The largest box of metadata read (metadata is small; a larger one is refused).
_MOST_READ = 4 * 2**20


class Box(NamedTuple):
    kind: bytes
    start: int
    content: int
    """Where its content starts, past its header."""
    end: int


def found_in(path: Path | str) -> list[str]:
    """What the video or recording at ``path`` tells of where it was made: ``[LOCATION]`` or
    nothing (nothing either for a file that is not ISO base media, or is cut short). Raises
    ValueError for a file whose boxes are too many, too deep or too large to look through, or
    whose metadata holds bytes that are no box: it is refused rather than published unread."""
    return [LOCATION] if _located(path) else []


def kind_of(name: str) -> str:
    """What the file ``name`` is called in messages: a video, or a (sound) recording."""
    return "recording" if name.lower().endswith(".m4a") else "video"


def message(name: str) -> str:
    """What is wrong with the file ``name`` that holds a position (a sentence after its name)."""
    what = kind_of(name)
    return (
        f"the {what} holds in its metadata {LOCATION}, which anyone who downloads it can read: remove it "
        f"with `make strip-photos` (the {what} itself is not changed), then commit the file again"
    )


def strip(path: Path | str) -> list[str]:
    """Blank the position of the file at ``path`` in place (each box that holds it becomes a
    ``free`` box of zeros); what it held before (``found_in``)."""
    boxes = _located(path)
    if not boxes:
        return []
    with open(path, "r+b") as file:
        for box in boxes:
            file.seek(box.start + 4)
            file.write(b"free")
            file.seek(box.content)
            file.write(bytes(box.end - box.content))
    if _located(path):
        raise ValueError("still holds the position: save the video again without its metadata")
    return [LOCATION]


def strip_all(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """``strip`` each of ``paths``; what was done to each, as a line to show."""
    return photo_metadata.strip_each(paths, strip)


def _located(path: Path | str) -> list[Box]:
    """The boxes of the file at ``path`` that tell where it was made."""
    with open(path, "rb") as file:
        if os.fstat(file.fileno()).st_size < 8:
            return []
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[4:8] not in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot", b"uuid"):
                return []
            budget = [_MOST_BOXES]
            found = list(_locations(data, 0, len(data), budget, _DEEPEST, strict=False))
    if budget[0] < 0:
        raise ValueError(
            f"holds more than {_MOST_BOXES:,} boxes of metadata, or boxes nested more than {_DEEPEST} deep, "
            "which no recorder writes: save the video again"
        )
    return found


def _locations(
    data: mmap.mmap, start: int, end: int, budget: list[int], depth: int, strict: bool = True
) -> Iterator[Box]:
    if depth == 0:
        budget[0] = -1
        return
    children = list(_boxes(data, start, end, budget, strict))
    keys: dict[int, bytes] = {}
    for box in children:
        if box.kind == b"keys":
            keys = _keys(_content(data, box))
    for box in children:
        if box.kind in _LOCATION_BOXES and box.end - box.content > 4:
            yield box
        elif box.kind == b"XMP_" or (box.kind == b"uuid" and data[box.content : box.content + 16] == _XMP_UUID):
            packet = _content(data, box)[16 if box.kind == b"uuid" else 0 :]
            if photo_metadata.GPS in photo_metadata.in_xmp(packet):
                yield box
        elif box.kind in _CONTAINERS:
            content = box.content
            if box.kind == b"meta" and data[content : content + 4] == b"\0\0\0\0":
                content += 4  # MP4's meta box has a version and flags before its boxes; QuickTime's has none
            if box.kind == b"ilst":
                for item in _boxes(data, content, box.end, budget):
                    if keys.get(int.from_bytes(item.kind, "big"), b"").startswith(_LOCATION_KEY):
                        yield item
            else:
                yield from _locations(data, content, box.end, budget, depth - 1)


def _content(data: mmap.mmap, box: Box) -> bytes:
    """What a box of metadata holds; ValueError for one too large to read, which no recorder writes."""
    if box.end - box.content > _MOST_READ:
        raise ValueError(
            f"holds a box of metadata larger than {_MOST_READ // 2**20} MB, which no recorder writes: "
            "save the video again"
        )
    return data[box.content : box.end]


def _boxes(data: mmap.mmap, start: int, end: int, budget: list[int], strict: bool = True) -> Iterator[Box]:
    """The boxes one after another from ``start`` to ``end``. Inside a box (``strict``), bytes that
    are no box (but the four zero bytes that may end QuickTime's user data) raise ValueError:
    the metadata is damaged, and a position behind them could not be looked for. At the top
    level, the walk stops there (a recording cut short, whose media data runs past the end)."""
    position = start
    while position + 8 <= end:
        budget[0] -= 1
        if budget[0] < 0:
            return
        size, header = int.from_bytes(data[position : position + 4], "big"), 8
        if size == 1:  # its size in the 8 bytes after its type
            size, header = int.from_bytes(data[position + 8 : position + 16], "big"), 16
        elif size == 0:  # to the end of what holds it
            size = end - position
        if size < header or position + size > end:
            break
        yield Box(data[position + 4 : position + 8], position, position + header, position + size)
        position += size
    if strict and position < end and (end - position > 4 or data[position:end] != bytes(end - position)):
        raise ValueError(
            f"holds damaged metadata (at byte {position:,}, bytes that are no box), behind which a position "
            "could not be looked for: save the video again"
        )


def _keys(content: bytes) -> dict[int, bytes]:
    """A QuickTime ``keys`` box's keys by their index (from 1): version and flags, a count, then
    each key's size, namespace and name."""
    keys: dict[int, bytes] = {}
    position = 8
    for index in range(1, int.from_bytes(content[4:8], "big") + 1):
        size = int.from_bytes(content[position : position + 4], "big")
        if size < 8 or position + size > len(content):
            break
        keys[index] = content[position + 8 : position + size]
        position += size
    return keys
