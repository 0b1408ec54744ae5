"""What a photo's metadata tells about where it was taken and with whose camera, and removing it.

A phone or a camera writes into each photo the GPS position where it was taken, and often the
serial numbers of the camera and lens and the name of their owner (EXIF, and XMP). A release's
photo is published as it was committed, so anyone who downloads it can read them: where a
researcher met a witness, which camera (whose) took pictures of a detention site. Human-rights
organizations strip them before publishing; the build refuses a photo that holds any
(``images.identifying`` reads them as it checks the photo's format; ``message`` says what to
do), and ``strip`` removes them from the file itself, without touching the picture.

Reading uses Pillow (EXIF) and lxml (XMP, parsed without entities, DTDs or network), which every
build already loads; writing uses exiv2 (``pyexiv2``), which edits metadata in place, losslessly,
in every format a photo may have. Only the tags that tell a place or a person are removed: the
orientation (without which a photo taken upright would show on its side), the colour profile and
the rest stay.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lxml import etree
from PIL import Image as PILImage
from PIL.ExifTags import IFD, Base

#: What each kind of identifying metadata is, as a message says it.
GPS = "the GPS position where it was taken"
SERIAL = "the serial number of the camera or lens that took it"
OWNER = "the name of the camera's owner"
#: Every kind, in the order messages name them.
KINDS = (GPS, SERIAL, OWNER)

#: EXIF tags (of the image's first directory or its Exif directory) by what they tell.
_EXIF_TAGS = {Base.BodySerialNumber: SERIAL, Base.LensSerialNumber: SERIAL, Base.CameraOwnerName: OWNER}
#: XMP properties by their local name (in any namespace: exif:, exifEX:, aux:, Iptc4xmpExt:...).
_XMP_NAMES = {
    "GPSLatitude": GPS,
    "GPSLongitude": GPS,
    "SerialNumber": SERIAL,
    "BodySerialNumber": SERIAL,
    "LensSerialNumber": SERIAL,
    "OwnerName": OWNER,
    "CameraOwnerName": OWNER,
}
#: Where Pillow keeps a photo's XMP packet, by format (JPEG, WebP, GIF: "xmp"; PNG: its iTXt key).
_XMP_KEYS = ("xmp", "XML:com.adobe.xmp")
_XMP_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def found_in(path: Path | str) -> list[str]:
    """What identifying metadata the photo at ``path`` holds (``GPS``, ``SERIAL``, ``OWNER``), each
    once, in that order; empty when none, or when Pillow cannot read the file (its format is
    checked elsewhere: ``images.check_photo``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged or huge file is said by images.check_photo
            with PILImage.open(path) as image:
                return found_in_image(image)
    except Exception:  # noqa: BLE001 - any file Pillow cannot read has no metadata it can tell
        return []


def found_in_image(image: PILImage.Image) -> list[str]:
    """``found_in`` for a photo Pillow has opened (``images`` opens each photo once)."""
    found: set[str] = set()
    try:
        exif = image.getexif()
        gps = exif.get_ifd(IFD.GPSInfo)
        if any(tag in gps for tag in (1, 2, 3, 4)):  # latitude, longitude and their references
            found.add(GPS)
        for directory in (exif, exif.get_ifd(IFD.Exif)):
            found.update(what for tag, what in _EXIF_TAGS.items() if directory.get(tag) not in (None, "", b""))
    except Exception:  # noqa: BLE001 - EXIF that cannot be read tells nothing Pillow could find
        pass
    for packet in (image.info.get(key) for key in _XMP_KEYS):
        if packet:
            found.update(_in_xmp(packet.encode("utf-8") if isinstance(packet, str) else bytes(packet)))
    return [what for what in KINDS if what in found]


def _in_xmp(packet: bytes) -> set[str]:
    start = packet.find(b"<")
    try:
        root = etree.fromstring(packet[start:].rstrip(b"\0 \n\r\t"), _XMP_PARSER) if start >= 0 else None
    except etree.XMLSyntaxError:
        # A packet that cannot be parsed (cut short, or built to defeat parsers) is taken to hold
        # whatever it names: better a photo refused than a position published.
        return {what for name, what in _XMP_NAMES.items() if name.encode() in packet}
    found: set[str] = set()
    for element in root.iter() if root is not None else ():
        if isinstance(element.tag, str):
            what = _XMP_NAMES.get(etree.QName(element).localname)
            if what is not None and (len(element) or (element.text or "").strip()):
                found.add(what)
        for name, value in element.attrib.items():
            what = _XMP_NAMES.get(etree.QName(name).localname)
            if what is not None and value.strip():
                found.add(what)
    return found


def message(found: list[str]) -> str:
    """What is wrong with a photo that holds ``found`` (the end of a sentence about it)."""
    return (
        f"holds in its metadata {_joined(found)}, which anyone who downloads it can read: remove "
        f"{'them' if len(found) > 1 else 'it'} with `make strip-photos` (the picture itself is not "
        "changed), then commit the photo again"
    )


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


#: exiv2's names of the EXIF tags that tell a person (its GPS directory is removed whole), and
#: their numbers, by which it names them in a directory where they are not expected.
_EXIV2_PERSONAL = frozenset(
    {"BodySerialNumber", "LensSerialNumber", "CameraSerialNumber", "CameraOwnerName"}
    | {f"0x{tag:04x}" for tag in (*_EXIF_TAGS, 0xC62F)}
)


def _identifying(key: str) -> bool:
    """Whether exiv2's key (``Exif.GPSInfo.GPSLatitude``, ``Xmp.exif.GPSLongitude``,
    ``Xmp.iptcExt.LocationCreated[1]/Iptc4xmpExt:GPSLatitude``) is one ``strip`` removes."""
    family, group, name = [*key.split(".", 2), "", ""][:3]
    if family == "Exif":
        return group == "GPSInfo" or name == "GPSTag" or name in _EXIV2_PERSONAL
    local = name.rsplit("/", 1)[-1].rsplit(":", 1)[-1].split("[", 1)[0]
    return family == "Xmp" and (local.startswith("GPS") or local in _XMP_NAMES)


def strip(path: Path | str) -> list[str]:
    """Remove the identifying metadata of the photo at ``path``, in place, leaving the picture
    and every other tag as they were; what it held (``found_in``) before. Raises ValueError when
    some of it is still there afterwards (a format or a place exiv2 does not write)."""
    import pyexiv2

    before = found_in(path)
    if not before:
        return []
    with pyexiv2.Image(os.fspath(path)) as image:
        exif: dict[str, Any] = image.read_exif()
        xmp: dict[str, Any] = image.read_xmp()
        removed_exif = {key: None for key in exif if _identifying(key)}
        removed_xmp = {key: None for key in xmp if _identifying(key)}
        if removed_exif:
            image.modify_exif(removed_exif)
        if removed_xmp:
            image.modify_xmp(removed_xmp)
    left = found_in(path)
    if left:
        raise ValueError(f"still holds {_joined(left)}: save the photo again without its metadata")
    return before


def strip_all(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """``strip`` each of ``paths``; what was done to each, as a line to show (the photos left as
    they were are not listed)."""
    done = []
    for path in paths:
        try:
            removed = strip(path)
        except (ValueError, RuntimeError, OSError) as err:
            done.append((path, f"not changed: {err}"))
            continue
        if removed:
            done.append((path, f"removed {_joined(removed)}"))
    return done
