"""What a photo's metadata tells about where it was taken and with whose camera, and removing it.

A phone or a camera writes into each photo the GPS position where it was taken, and often the
serial numbers of the camera and lens and the name of their owner (EXIF, and XMP). A release's
photo is published as it was committed, so anyone who downloads it can read them: where a
researcher met a witness, which camera (whose) took pictures of a detention site. Human-rights
organizations strip them before publishing; the build refuses a photo that holds any
(``images.inspect`` reads them as it checks the photo's format; ``message`` says what to
do), and ``strip`` removes them from the file itself, without touching the picture.

Reading uses Pillow (EXIF) and lxml (XMP, parsed without entities, DTDs or network), which every
build already loads; writing uses exiv2 (``pyexiv2``), which edits metadata in place, losslessly,
in every format a photo may have. Only the tags that tell a place or a person are removed: the
orientation (without which a photo taken upright would show on its side), the colour profile and
the rest stay.
"""

from __future__ import annotations

import mmap
import os
import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lxml import etree
from PIL import Image as PILImage
from PIL.ExifTags import IFD, Base

#: What each kind of identifying metadata is, as a message says it.
GPS = "the GPS position where it was taken"
SERIAL = "the serial number of the camera or lens that took it"
OWNER = "the name of the camera's owner"
#: Not metadata but bytes after the picture's end, which browsers never show and every download
#: carries: a phone's "motion photo" keeps there a video of the moments around the shot (the
#: faces an edit blurred, sometimes where it was taken), a camera a second picture (MPO).
AFTER = "data after the end of its picture"
#: Every kind, in the order messages name them.
KINDS = (GPS, SERIAL, OWNER, AFTER)

#: EXIF tags (of the image's first directory or its Exif directory) by what they tell.
_EXIF_TAGS = {Base.BodySerialNumber: SERIAL, Base.LensSerialNumber: SERIAL, Base.CameraOwnerName: OWNER}
#: XMP properties by their local name (in any namespace: exif:, exifEX:, aux:, Iptc4xmpExt:...).
XMP_NAMES = {
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
#: How every XML a file carries is parsed: no entities, DTDs, network or huge trees.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def found_in(path: Path | str) -> list[str]:
    """What identifying metadata the photo at ``path`` holds (``GPS``, ``SERIAL``, ``OWNER``), and
    whether data follows its picture (``AFTER``), each once, in that order; empty when none, or
    when Pillow cannot read the file (its format is checked elsewhere: ``images.check_photo``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged or huge file is said by images.check_photo
            with PILImage.open(path) as image:
                return found_in_image(image, path)
    except Exception:  # noqa: BLE001 - any file Pillow cannot read has no metadata it can tell
        return []


def found_in_image(image: PILImage.Image, path: Path | str) -> list[str]:
    """``found_in`` for the photo at ``path``, which Pillow has opened (``images`` opens each
    photo once)."""
    found: set[str] = set()
    if image.format is not None and picture_end(path, image.format) is not None:
        found.add(AFTER)
    if image.format == "PNG" and _png_metadata_after_picture(path):
        image.load()  # Pillow reads the chunks after a PNG's picture only by decoding it
    found.update(identifying_in_image(image))
    return [what for what in KINDS if what in found]


def identifying_in_image(image: PILImage.Image) -> list[str]:
    """What identifying metadata the picture Pillow has opened holds in its EXIF and XMP (``GPS``,
    ``SERIAL``, ``OWNER``), each once, in that order."""
    found: set[str] = set()
    try:
        exif = exif_of(image)
        gps = exif.get_ifd(IFD.GPSInfo)
        if any(tag in gps for tag in (1, 2, 3, 4)):  # latitude, longitude and their references
            found.add(GPS)
        for directory in (exif, exif.get_ifd(IFD.Exif)):
            found.update(what for tag, what in _EXIF_TAGS.items() if directory.get(tag) not in (None, "", b""))
    except Exception:  # noqa: BLE001 - EXIF that cannot be read tells nothing Pillow could find
        pass
    for packet in (image.info.get(key) for key in _XMP_KEYS):
        if packet:
            found.update(in_xmp(packet.encode("utf-8") if isinstance(packet, str) else bytes(packet)))
    return [what for what in KINDS if what in found]


def exif_of(image: PILImage.Image) -> PILImage.Exif:
    """The EXIF of a photo Pillow has opened, without decoding its picture: Pillow's ``getexif``
    decodes a whole PNG that has none before its picture (0.1 s at 2,000 × 1,500 pixels), to look
    after it; ``found_in_image`` looks there itself (``_png_metadata_after_picture``)."""
    if image.format == "PNG" and "exif" not in image.info:
        return PILImage.Exif()
    return image.getexif()


#: PNG chunks that hold metadata: EXIF, and text (where XMP is kept).
_PNG_METADATA = frozenset({b"eXIf", b"iTXt", b"zTXt", b"tEXt"})


def _png_metadata_after_picture(path: Path | str) -> bool:
    """Whether the PNG file at ``path`` has a metadata chunk after its picture's data (IDAT), which
    Pillow reads only when it decodes the picture: chunk headers read one by one, the data skipped."""
    with open(path, "rb") as file:
        file.seek(8)
        seen_picture = False
        while len(header := file.read(8)) == 8:
            length, kind = int.from_bytes(header[:4], "big"), header[4:]
            if kind == b"IEND":
                return False
            seen_picture = seen_picture or kind == b"IDAT"
            if seen_picture and kind in _PNG_METADATA:
                return True
            file.seek(length + 4, os.SEEK_CUR)
    return False


def xmp_root(packet: bytes) -> etree._Element | None:
    """The root element of an XMP packet (from its first ``<``, without the padding after it);
    None for a packet with no markup. Raises ``etree.XMLSyntaxError`` for one that cannot be parsed."""
    start = packet.find(b"<")
    return etree.fromstring(packet[start:].rstrip(b"\0 \n\r\t"), SAFE_XML) if start >= 0 else None


def in_xmp(packet: bytes) -> set[str]:
    try:
        root = xmp_root(packet)
    except etree.XMLSyntaxError:
        # A packet that cannot be parsed (cut short, or built to defeat parsers) is taken to hold
        # whatever it names: better a photo refused than a position published.
        return {what for name, what in XMP_NAMES.items() if name.encode() in packet}
    found: set[str] = set()
    for element in root.iter() if root is not None else ():
        if isinstance(element.tag, str):
            what = XMP_NAMES.get(etree.QName(element).localname)
            if what is not None and (len(element) or (element.text or "").strip()):
                found.add(what)
        for name, value in element.attrib.items():
            what = XMP_NAMES.get(etree.QName(name).localname)
            if what is not None and value.strip():
                found.add(what)
    return found


def picture_end(path: Path | str, kind: str) -> int | None:
    """Where the picture of the photo at ``path`` (of Pillow's format ``kind``) ends, when data
    follows it; None when nothing does, or when the end cannot be found (a damaged file, which
    Pillow judges).

    The first picture's end is found from the file's start, structure by structure (a JPEG's
    segments, a PNG's chunks, a GIF's blocks, a WebP's RIFF header, an AVIF's boxes), so a second picture appended
    whole, which nothing declares and which ends as a picture does, is found as well as a
    phone's video. The file is mapped, not read: a large file never sits in memory whole."""
    finder = _PICTURE_ENDS.get(kind)
    if finder is None:
        return None
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            return None
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            end = finder(data)
    return end if end is not None and end < size else None


#: A file's bytes: read (``bytes``) or mapped (``mmap``); both slice to bytes and are searched by ``re``.
Buffer = bytes | mmap.mmap


def _jpeg_end(data: Buffer) -> int | None:
    """Just past the marker that ends the first picture (EOI), read segment by segment: a
    segment's length skips it (the small picture inside its EXIF too); after a scan's header,
    its coded data runs to the first marker that is not a byte of it (``_CODED_DATA_END``)."""
    if data[:2] != b"\xff\xd8":
        return None
    position = 2
    while True:
        if data[position : position + 1] != b"\xff":
            return None
        while data[position + 1 : position + 2] == b"\xff":  # fill bytes before a marker
            position += 1
        marker = data[position + 1 : position + 2]
        position += 2
        if not marker:
            return None
        if marker == b"\xd9":
            return position
        if b"\xd0" <= marker <= b"\xd7" or marker == b"\x01":  # markers without a segment
            continue
        if position + 2 > len(data):
            return None
        position += int.from_bytes(data[position : position + 2], "big")
        if marker == b"\xda":
            coded_end = _CODED_DATA_END.search(data, position)
            if coded_end is None:
                return None
            position = coded_end.start()


#: In a JPEG's coded data, a 0xFF byte is followed by 0x00 (a data byte), by a restart marker
#: (0xD0-0xD7) or by more 0xFF (fill): any other byte after it begins the next marker.
_CODED_DATA_END = re.compile(rb"\xff(?![\x00\xd0-\xd7\xff])")


def _png_end(data: Buffer) -> int | None:
    """Just past the IEND chunk, chunk by chunk."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position if position <= len(data) else None
    return None


def _webp_end(data: Buffer) -> int | None:
    """The end its RIFF header gives."""
    return 8 + int.from_bytes(data[4:8], "little") if data[:4] == b"RIFF" and len(data) >= 8 else None


def _gif_end(data: Buffer) -> int | None:
    """Just past the trailer (``;``) that ends a GIF, block by block: its header and colour
    table, then each extension and each image (descriptor, colour table, coded data), whose data
    are runs of sub-blocks, each led by its length, the last empty."""
    if data[:3] != b"GIF" or len(data) < 13:
        return None
    flags = data[10]
    position = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while position < len(data):
        introducer = data[position]
        if introducer == 0x3B:  # the trailer
            return position + 1
        if introducer == 0x21:  # an extension: its label, then its sub-blocks
            position += 2
        elif introducer == 0x2C:  # an image: its descriptor, its colour table, its code size
            if position + 10 > len(data):
                return None
            flags = data[position + 9]
            position += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        else:
            return None
        while position < len(data) and (length := data[position]):
            position += length + 1
        position += 1
    return None


#: The boxes an AVIF file may hold at its top level (ISO base media file format): its type, its
#: items' description (``meta``), their data (``mdat``), an animation's tracks (``moov``), padding.
_ISO_MEDIA_BOXES = frozenset(
    {b"ftyp", b"meta", b"mdat", b"moov", b"free", b"skip", b"wide", b"uuid", b"moof", b"mfra", b"styp", b"sidx"}
    | {b"ssix", b"prft", b"pdin", b"emsg", b"meco"}
)


def _iso_media_end(data: Buffer) -> int | None:
    """Just past the last box of an AVIF (or other ISO media) file that belongs to it: what
    follows is another file (a box naming its type again, as a phone's video does) or data that
    is no box. Only once its description and its data are behind (``meta``, ``mdat``): a file
    whose picture could be cut is taken as damaged, for Pillow to judge, and never cut."""
    if data[4:8] != b"ftyp":
        return None
    position, seen = 0, set[bytes]()
    while position < len(data):
        kind = data[position + 4 : position + 8]
        if kind not in _ISO_MEDIA_BOXES or (kind == b"ftyp" and position):
            return position if {b"meta", b"mdat"} <= seen else None
        size = int.from_bytes(data[position : position + 4], "big")
        if size == 0:  # to the end of the file
            return len(data)
        if size == 1:  # its size in the 8 bytes after its type
            size = int.from_bytes(data[position + 8 : position + 16], "big")
        if size < 8 or position + size > len(data):
            return None
        seen.add(kind)
        position += size
    return position


_PICTURE_ENDS = {
    "JPEG": _jpeg_end,
    "MPO": _jpeg_end,
    "PNG": _png_end,
    "WEBP": _webp_end,
    "GIF": _gif_end,
    "AVIF": _iso_media_end,
}


def message(found: list[str]) -> str:
    """What is wrong with a photo that holds ``found`` (the end of a sentence about it)."""
    metadata = [what for what in found if what != AFTER]
    parts = [f"in its metadata {joined(metadata)}"] if metadata else []
    if AFTER in found:
        parts.append(
            f"{AFTER} (where a phone's motion photo keeps a video of the moments around the shot, "
            "and a camera a second picture)"
        )
    return (
        f"holds {joined(parts)}, which anyone who downloads it can read: remove "
        f"{'them' if len(found) > 1 else 'it'} with `make strip-photos` (the picture itself is not "
        "changed), then commit the photo again"
    )


def joined(parts: list[str]) -> str:
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
    return family == "Xmp" and (local.startswith("GPS") or local in XMP_NAMES)


def strip(path: Path | str) -> list[str]:
    """Remove the identifying metadata of the photo at ``path``, in place, leaving the picture
    and every other tag as they were; what it held (``found_in``) before. Raises ValueError when
    some of it is still there afterwards (a format or a place exiv2 does not write)."""
    import pyexiv2

    before = found_in(path)
    if not before:
        return []
    if AFTER in before:
        with PILImage.open(path) as opened:
            kind = opened.format
        end = picture_end(path, kind) if kind is not None else None
        if end is not None:
            os.truncate(path, end)
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
        raise ValueError(f"still holds {joined(left)}: save the photo again without its metadata")
    return before


def strip_all(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """``strip`` each of ``paths``; what was done to each, as a line to show (the photos left as
    they were are not listed)."""
    return strip_each(paths, strip)


def strip_each(paths: Iterable[Path], strip: Callable[[Path], list[str]]) -> list[tuple[Path, str]]:
    """``strip`` (a module's: a photo's, a video's, a document's) each of ``paths``; what was done
    to each, as a line to show (the files left as they were are not listed)."""
    done = []
    for path in paths:
        try:
            removed = strip(path)
        except (ValueError, RuntimeError, OSError) as err:
            done.append((path, f"not changed: {err}"))
            continue
        if removed:
            done.append((path, f"removed {joined(removed)}"))
    return done
