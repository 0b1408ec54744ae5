"""Sizes of release photos, and thumbnails of them for the cards of the home page.

A reader on a slow connection should not download ten full-size photos to see
the newest releases: each card gets a small copy, named after the photo's content.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, ImageOps, features
from PIL import Image as PILImage

from . import photo_cache, photo_metadata, published
from .urls import media_url

#: The photo types a release may have, by extension: the formats Pillow must find in the file.
#: (MPO is how Pillow names the JPEG files of cameras that hold a second, smaller picture.)
PHOTO_FORMATS: dict[str, tuple[str, ...]] = {
    ".jpg": ("JPEG", "MPO"),
    ".jpeg": ("JPEG", "MPO"),
    ".png": ("PNG",),
    ".gif": ("GIF",),
    ".webp": ("WEBP",),
}
if features.check("avif"):
    PHOTO_FORMATS[".avif"] = ("AVIF",)
#: The extension to give a file holding each format.
EXTENSION_OF = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp", "AVIF": ".avif"}
#: Formats Pillow can scale.
SCALABLE = set(PHOTO_FORMATS)
#: The largest photo accepted, in pixels: a small file can claim a huge size (a "decompression
#: bomb") and take the build's memory when decoded. Pillow itself warns at 89 million.
MAX_PIXELS = 50_000_000
WIDTH = 480
#: Where thumbnails are written, under the media folder.
THUMBNAILS = "thumbnails/"


@dataclass(frozen=True, slots=True)
class Thumbnail:
    path: str
    """Relative to the site root."""
    width: int
    height: int


def thumbnail(source: Path, src: str, site_dir: Path, width: int = WIDTH) -> Thumbnail | None:
    """A copy of ``source`` (published as ``media/<src>``) at most ``width`` pixels wide, written
    under ``site_dir/media/thumbnails/``; None when the photo cannot be scaled (then use it as is)."""
    if source.suffix.lower() not in SCALABLE:
        return None
    key = hashlib.sha256(source.read_bytes() + f"\0{width}\0upright".encode()).hexdigest()[:12]
    try:
        with PILImage.open(source) as opened:
            opened.load()
            # Upright, as browsers show the photo itself: the copy keeps none of its metadata, and
            # a phone's photo taken upright is stored on its side with an orientation tag.
            image = ImageOps.exif_transpose(opened)
            keeps_alpha = image.mode in ("RGBA", "LA", "P") and source.suffix.lower() != ".jpg"
            suffix = ".png" if keeps_alpha else ".jpg"
            relative = media_url(f"{THUMBNAILS}{Path(src).stem}-{key}{suffix}")
            target = site_dir / relative
            if image.width > width:
                image.thumbnail((width, round(image.height * width / image.width)))
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                if keeps_alpha:
                    image.save(target, "PNG", optimize=True)
                else:
                    image.convert("RGB").save(target, "JPEG", quality=80, optimize=True, progressive=True)
            return Thumbnail(relative, image.width, image.height)
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None


@dataclass(frozen=True, slots=True)
class Inspection:
    """What one version of a photo was found to be, in one opening of it (``_inspected``)."""

    issue: str | None
    """Why it may not be a release's photo (``check_photo``), or None."""
    found: tuple[str, ...]
    """What identifying metadata it holds (``photo_metadata.found_in_image``)."""
    size: tuple[int, int] | None
    """Its width and height as browsers show it (turned by its orientation tag); None if unread."""
    digest: str | None = None
    """The digest of its bytes, as the published site's manifest takes it (``published.digest``):
    a build leaves the published copy where it is if it holds these bytes. None if unread."""

    def as_json(self) -> list:
        return [self.issue, list(self.found), list(self.size) if self.size else None, self.digest]

    @classmethod
    def from_json(cls, value: object) -> Inspection | None:
        """The inspection an earlier build kept (``as_json``), or None if it is not one."""
        if not (isinstance(value, list) and len(value) == 4):
            return None
        issue, found, size, digest = value
        if not (issue is None or isinstance(issue, str)) or not isinstance(found, list):
            return None
        if digest is not None and not (isinstance(digest, str) and published.is_digest(digest)):
            return None
        if any(what not in photo_metadata.KINDS for what in found):
            return None
        if size is not None and not (
            isinstance(size, list) and len(size) == 2 and all(type(n) is int and n > 0 for n in size)
        ):
            return None
        return cls(issue, tuple(found), (size[0], size[1]) if size else None, digest)


#: What each version of a photo was found to be, by ``version_key``: each is opened once a
#: process, and once at all while it stays where it is (``remember_in``).
_checked: dict[str, Inspection] = {}
#: Inspections kept between builds, while a build reads the archive (``remember_in``).
_kept: photo_cache.PhotoInspections | None = None


def remember_in(kept: photo_cache.PhotoInspections | None) -> None:
    """Keep photo inspections in ``kept`` between builds (None: no longer): each for the very
    file it was made of, untouched since, or for what it holds as committed (``photo_cache``)."""
    global _kept
    _kept = kept


def inspect(source: Path) -> Inspection | None:
    """What the photo at ``source`` is: why it may not be a release's photo, the identifying
    metadata it holds, its size as browsers show it and the digest of its bytes, all from one
    opening of each version of the file (``version_key``), not again by later builds
    (``remember_in``); None for a file not named as a photo."""
    expected = PHOTO_FORMATS.get(source.suffix.lower())
    return None if expected is None else _inspected(source, expected)


def check_photo(source: Path) -> str | None:
    """Why ``source`` may not be a release's photo (the end of a sentence about it), or None.

    Only its header is read: the format Pillow finds must be the one its extension names, and
    its size at most ``MAX_PIXELS`` (``inspect``).
    """
    found = inspect(source)
    if found is None:
        return f"is not a photo; expected one of {', '.join(sorted(PHOTO_FORMATS))}"
    return found.issue


def version_key(path: str, info: os.stat_result) -> str:
    """One version of one file: its path (which names it in messages) and what the inode it leads
    to says of it. The change time is the system's, which no program writing the file can set."""
    stamp = [photo_cache.readers(), path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
    return hashlib.sha256("\0".join(map(str, stamp)).encode("utf-8", "surrogateescape")).hexdigest()


def _inspected(source: Path, expected: tuple[str, ...]) -> Inspection:
    # The file a link leads to is known by its device and inode: no need to resolve the path
    # (``os.path.realpath`` took a third of the time of a build's photo checks).
    path = os.fspath(source)
    try:
        info = os.stat(path)
    except OSError as err:
        return Inspection(f"cannot be read: {err.strerror}", (), None)
    key = version_key(path, info)
    found = _checked.get(key)
    if found is None and _kept is not None:
        found = Inspection.from_json(_kept.entry(key, path))
    if found is None:
        found = _check_content(path, source.stem, expected)
        if _kept is not None:
            _kept.put(key, path, found.as_json())
    elif _kept is not None:
        _kept.keep(key, path)
    _checked[key] = found
    return found


#: The Pillow plugins that may open a photo (no other reads a file named as one); JPEG's also opens MPO.
_PILLOW_FORMATS = sorted({names[0] for names in PHOTO_FORMATS.values()})


def _check_content(path: str, stem: str, expected: tuple[str, ...]) -> Inspection:
    """What the photo at ``path`` is, in one opening of it."""
    found: list[str] = []
    shown: list[tuple[int, int]] = []
    digests: list[str] = []
    issue = _checked_format(path, stem, expected, found, shown, digests)
    return Inspection(issue, tuple(found), shown[0] if shown else None, digests[0] if digests else None)


def _checked_format(
    path: str,
    stem: str,
    expected: tuple[str, ...],
    found: list[str],
    shown: list[tuple[int, int]],
    digests: list[str],
) -> str | None:
    """Why the photo at ``path`` may not be a release's, or None; ``found`` gets the identifying
    metadata it holds, ``shown`` its size as browsers show it, ``digests`` the digest of its bytes."""
    wanted = expected[0]
    try:
        with open(path, "rb") as file:
            digests.append(published.stream_digest(file))
            file.seek(0)
            head = file.read(HEAD_BYTES)
    except OSError as err:
        return f"cannot be read: {err.strerror}"
    try:
        with warnings.catch_warnings():
            # Never a warning nor an error from Pillow: the size is checked below, with a message.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(path, formats=_PILLOW_FORMATS) as image:
                kind, (width, height) = image.format, image.size
                assert kind is not None, "Pillow names the format of every file it opens"
                found.extend(photo_metadata.found_in_image(image, path))
                # As browsers show it: a photo stored on its side, with an orientation tag that turns it.
                turned = _orientation(image) in (5, 6, 7, 8)
                shown.append((height, width) if turned else (width, height))
    except PILImage.DecompressionBombError as err:  # twice Pillow's limit: it refuses to say more
        size = _size_past_pillows_limit(path, head)
        if size is not None:
            return _too_large(_pixels(*size))
        pixels = re.search(r"\((\d+) pixels\)", str(err))
        return _too_large(f"{int(pixels[1]) / 1e6:,.0f} million pixels" if pixels else "too many pixels")
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error):  # bad headers, by plugin
        what = _what_it_is(head)
        if what == f"{_article(wanted)} {wanted} image":
            return f"holds {what} that cannot be read (damaged, or cut short); save the photo again as {wanted}"
        return f"is not {_article(wanted)} {wanted} image but {what}; save the photo itself as {wanted}"
    if kind not in expected:
        extension = EXTENSION_OF[kind]
        return (
            f"holds {_article(kind)} {kind} image, not {_article(wanted)} {wanted} one: "
            f"rename it to '{stem}{extension}'"
        )
    if width * height > MAX_PIXELS:
        return _too_large(_pixels(width, height))
    return None


def _orientation(image: PILImage.Image) -> object:
    try:
        return photo_metadata.exif_of(image).get(ExifTags.Base.Orientation)
    except Exception:  # noqa: BLE001 - EXIF that cannot be read turns nothing, as in browsers
        return None


def _pixels(width: int, height: int) -> str:
    return f"{width:,} × {height:,} pixels ({width * height / 1e6:,.0f} million)"


def _size_past_pillows_limit(path: str, head: bytes) -> tuple[int, int] | None:
    """The size in the header of a photo ``PILImage.open`` refuses to open: its plugin reads it."""
    try:
        for name in _PILLOW_FORMATS:
            factory, accept = PILImage.OPEN[name]
            if accept is None or accept(head):
                with open(path, "rb") as file, factory(file, path) as image:
                    return image.size
    except Exception:  # noqa: BLE001 - only for a better message; the photo is refused either way
        return None
    return None


def _too_large(size: str) -> str:
    return (
        f"is {size}; a photo may have at most {MAX_PIXELS // 1_000_000} million pixels: scale it down "
        "(2,000 to 4,000 pixels across is plenty for any screen)"
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


#: How much of a file is read to say what it holds.
HEAD_BYTES = 4096
#: Signatures of what people put where a photo should be, for saying what a file really holds.
_SIGNATURES = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a Word or other Office document is one)"),
    (b"\x7fELF", "a program"),
    (b"8BPS", "a Photoshop document"),
)


def _what_it_is(head: bytes) -> str:
    """What the first bytes of a file say it is, for a message: 'a PDF document', 'text'."""
    if not head:
        return "nothing (the file is empty)"
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WEBP image"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "an AVIF image"
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return "a HEIC photo (as iPhones save them)"
        return "a video or another ISO media file"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason != "unexpected end of data" or len(head) < HEAD_BYTES:  # not merely cut mid-character
            return "data that is not an image"
        text = head[: err.start].decode("utf-8")
    if "\x00" in text:
        return "data that is not an image"
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("<svg") or (start.startswith("<?xml") and "<svg" in start):
        return "an SVG drawing"
    if start.startswith(("<!doctype html", "<html")):
        return "an HTML page"
    if start.startswith("<"):
        return "XML or HTML text"
    return "text"
