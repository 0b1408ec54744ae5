"""Photos that tell where they were taken and whose camera took them (``newsroom.photo_metadata``):
refused by the build and `make check`, cleaned by `make strip-photos` without touching the picture;
and the thumbnails and sizes of photos stored on their side."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.ExifTags import IFD, Base

from conftest import ROOT, release_text
from newsroom import images, photo_metadata, published
from newsroom.archive import read_archive
from newsroom.committed import committed_objects
from newsroom.errors import ContentError
from newsroom.photo_metadata import GPS, OWNER, SERIAL
from newsroom.settings import Settings

SEOUL_GPS = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def xmp(inner: str, namespaces: str = 'xmlns:exif="http://ns.adobe.com/exif/1.0/"') -> bytes:
    return (
        f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f'<rdf:RDF xmlns:rdf="{RDF}"><rdf:Description rdf:about="" {namespaces}>{inner}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def photo(
    path: Path,
    *,
    gps: bool = False,
    serial: bool = False,
    owner: bool = False,
    orientation: int | None = None,
    packet: bytes | None = None,
    comment: bytes | None = None,
) -> Path:
    """A photo with a pattern (so that pixels can be compared) and the metadata asked for."""
    image = Image.new("RGB", (64, 32), (200, 30, 30))
    for x in range(16):
        image.putpixel((x, 3), (0, 0, 255))
    exif = Image.Exif()
    exif[Base.Make] = "Canon"
    if orientation is not None:
        exif[Base.Orientation] = orientation
    if gps:
        exif[IFD.GPSInfo] = SEOUL_GPS
    if serial:
        exif.get_ifd(IFD.Exif)[Base.BodySerialNumber] = "0123456789"
    if owner:
        exif[Base.CameraOwnerName] = "A. Researcher"
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}[path.suffix]
    options: dict[str, object] = {"xmp": packet} if packet is not None and kind != "PNG" else {}
    if comment is not None:
        options["comment"] = comment
    if packet is not None and kind == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_itxt("XML:com.adobe.xmp", packet.decode())
        options = {"pnginfo": info}
    image.save(path, kind, exif=exif, **({"quality": 95} if kind == "JPEG" else {}), **options)
    return path


def photos_opened(monkeypatch) -> list:
    """The paths Pillow opens from now on, in order."""
    opened = []
    real_open = Image.open

    def counting_open(*args, **kwargs):
        opened.append(args[0])
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    return opened


def strip_photos(project) -> subprocess.CompletedProcess:
    """`make strip-photos` in ``project``."""
    return subprocess.run(
        [sys.executable, "-m", "newsroom", "-f", str(project.path / "mkdocs.yml"), "strip-photos"],
        cwd=project.path,
        env={**os.environ, "PYTHONPATH": str(ROOT / "hooks")},
        capture_output=True,
        text=True,
    )


def fails_until_stripped(project, expected: str, removed: str):
    """The build (and `make check`) fails with ``expected`` until `make strip-photos`, which says
    ``removed``; the build after it, which passes."""
    project.failing_build(expected)
    stripped = strip_photos(project)
    assert stripped.returncode == 0, stripped.stderr
    assert stripped.stdout.splitlines() == [removed]
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def pixels(path: Path) -> str:
    with Image.open(path) as image:
        return hashlib.sha256(image.convert("RGB").tobytes()).hexdigest()


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp"])
def test_what_a_photo_tells_is_found_in_exif_and_xmp_of_every_format(tmp_path, suffix):
    assert photo_metadata.found_in(photo(tmp_path / f"clean{suffix}", orientation=6)) == []
    assert photo_metadata.found_in(photo(tmp_path / f"gps{suffix}", gps=True)) == [GPS]
    assert photo_metadata.found_in(photo(tmp_path / f"all{suffix}", gps=True, serial=True, owner=True)) == [
        GPS,
        SERIAL,
        OWNER,
    ]
    # XMP alone: as attributes, as elements, in the IPTC's own namespace, a lens's serial in aux:.
    attribute = xmp("", 'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="37,33.98N"')
    assert photo_metadata.found_in(photo(tmp_path / f"x1{suffix}", packet=attribute)) == [GPS]
    element = xmp("<exif:GPSLongitude>126,58.66E</exif:GPSLongitude>")
    assert photo_metadata.found_in(photo(tmp_path / f"x2{suffix}", packet=element)) == [GPS]
    iptc = xmp(
        "<Iptc4xmpExt:LocationCreated><rdf:Bag><rdf:li rdf:parseType='Resource'><Iptc4xmpExt:GPSLatitude>"
        "37.56</Iptc4xmpExt:GPSLatitude></rdf:li></rdf:Bag></Iptc4xmpExt:LocationCreated>",
        'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"',
    )
    assert photo_metadata.found_in(photo(tmp_path / f"x3{suffix}", packet=iptc)) == [GPS]
    lens = xmp("<aux:SerialNumber>42</aux:SerialNumber>", 'xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"')
    assert photo_metadata.found_in(photo(tmp_path / f"x4{suffix}", packet=lens)) == [SERIAL]
    # An empty value tells nothing.
    empty = xmp("<exif:GPSLatitude></exif:GPSLatitude>")
    assert photo_metadata.found_in(photo(tmp_path / f"x5{suffix}", packet=empty)) == []


def test_hostile_xmp_is_read_without_entities_and_a_damaged_file_tells_nothing(tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
        b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
        b'<x xmlns:exif="http://ns.adobe.com/exif/1.0/"><exif:GPSLatitude>&h;</exif:GPSLatitude>'
        b"<exif:GPSLongitude>1</exif:GPSLongitude></x>"
    )
    started = time.process_time()
    assert photo_metadata.found_in(photo(tmp_path / "laughs.jpg", packet=laughs)) == [GPS]
    assert time.process_time() - started < 5, "the entities were expanded"
    # A packet that cannot be parsed is taken to hold what it names.
    broken = xmp("<exif:GPSLatitude>37</exif:GPSLatitude>")[:-60]
    assert photo_metadata.found_in(photo(tmp_path / "broken.jpg", packet=broken)) == [GPS]
    assert photo_metadata.found_in(photo(tmp_path / "other.jpg", packet=xmp("<exif:Make>x</exif:Make>")[:-60])) == []
    damaged = tmp_path / "damaged.jpg"
    damaged.write_bytes(photo(tmp_path / "whole.jpg", gps=True).read_bytes()[:40])
    assert photo_metadata.found_in(damaged) == []
    assert photo_metadata.found_in(tmp_path / "missing.jpg") == []


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp"])
def test_strip_removes_only_what_tells_a_place_or_a_person_and_keeps_the_picture(tmp_path, suffix):
    packet = xmp("<exif:GPSLatitude>37,33.98N</exif:GPSLatitude><exif:UserComment>kept</exif:UserComment>")
    path = photo(tmp_path / f"p{suffix}", gps=True, serial=True, owner=True, orientation=6, packet=packet)
    before = pixels(path)
    assert photo_metadata.strip(path) == [GPS, SERIAL, OWNER]
    assert photo_metadata.found_in(path) == []
    assert pixels(path) == before, "the picture itself is not changed"
    with Image.open(path) as image:
        exif = image.getexif()
        assert exif[Base.Orientation] == 6 and exif[Base.Make] == "Canon", "the other tags stay"
        assert dict(exif.get_ifd(IFD.GPSInfo)) == {}
    kept = path.read_bytes()
    assert photo_metadata.strip(path) == [] and path.read_bytes() == kept, "a clean photo is left as it is"


#: What a phone appends to a "motion photo": an MP4 video of the moments around the shot.
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x10moov" + b"\xff\xd9 frames" * 50


def with_marker_bytes_inside(path: Path) -> Path:
    """A progressive JPEG whose EXIF and comment hold the bytes of the marker that ends a picture."""
    image = Image.new("RGB", (64, 32), (10, 120, 30))
    exif = Image.Exif()
    exif.get_ifd(IFD.Exif)[Base.UserComment] = b"ASCII\x00\x00\x00\xff\xd9\xff\xd9"
    image.save(path, "JPEG", exif=exif, comment=b"\xff\xd9 inside", progressive=True, quality=90)
    return path


def animated_gif(path: Path, colours: tuple[tuple[int, int, int], ...] = ((200, 30, 30), (0, 0, 255))) -> Path:
    """A GIF of several frames, with a comment and a looping extension: every kind of block."""
    frames = [Image.new("RGB", (64, 32), colour) for colour in colours]
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100, comment=b"; inside")
    return path


def test_data_after_the_picture_is_found_in_every_format_and_stripped_to_the_picture(tmp_path):
    plain = {suffix: photo(tmp_path / f"plain{suffix}") for suffix in (".jpg", ".png", ".webp")}
    plain[".jpeg"] = with_marker_bytes_inside(tmp_path / "marked.jpeg")
    plain[".gif"] = animated_gif(tmp_path / "plain.gif")
    for path in plain.values():
        assert photo_metadata.found_in(path) == [], path
    other_jpeg = with_marker_bytes_inside(tmp_path / "other.jpg").read_bytes()
    cases = {
        "motion.jpg": plain[".jpg"].read_bytes() + VIDEO,
        "marked-motion.jpeg": plain[".jpeg"].read_bytes() + VIDEO,
        # A whole second picture that nothing declares, and that ends as a picture does.
        "undeclared-second.jpeg": plain[".jpeg"].read_bytes() + other_jpeg,
        "after-end.png": plain[".png"].read_bytes() + b"hidden",
        "undeclared-second.png": plain[".png"].read_bytes() + plain[".png"].read_bytes(),
        "after-riff.webp": plain[".webp"].read_bytes() + b"hidden",
        "after-trailer.gif": plain[".gif"].read_bytes() + b"hidden",
        "undeclared-second.gif": plain[".gif"].read_bytes() + animated_gif(tmp_path / "other.gif").read_bytes(),
    }
    if ".avif" in images.PHOTO_FORMATS:
        plain[".avif"] = tmp_path / "plain.avif"
        Image.new("RGB", (64, 32), (200, 30, 30)).save(plain[".avif"], "AVIF")
        assert photo_metadata.found_in(plain[".avif"]) == []
        cases["motion.avif"] = plain[".avif"].read_bytes() + VIDEO
        cases["after-boxes.avif"] = plain[".avif"].read_bytes() + b"hidden"
        cut_short = tmp_path / "cut-short.avif"
        cut_short.write_bytes(plain[".avif"].read_bytes()[:-10])
        assert photo_metadata.picture_end(cut_short, "AVIF") is None, "damaged, for Pillow to judge: never cut"
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        before = pixels(path)
        assert photo_metadata.found_in(path) == [photo_metadata.AFTER], name
        assert images.check_photo(path) is None, "a photo still: the build names what it holds"
        assert photo_metadata.strip(path) == [photo_metadata.AFTER]
        original = plain[Path(name).suffix] if not name.endswith(".jpeg") else plain[".jpeg"]
        assert path.read_bytes() == original.read_bytes(), f"{name}: cut exactly where its picture ends"
        assert pixels(path) == before
    second = Image.new("RGB", (64, 32), (0, 0, 255))
    Image.new("RGB", (64, 32), (255, 0, 0)).save(tmp_path / "two.jpg", "MPO", save_all=True, append_images=[second])
    assert photo_metadata.found_in(tmp_path / "two.jpg") == [photo_metadata.AFTER], "a camera's second picture"
    telling = photo(tmp_path / "gps.jpg", gps=True)
    telling.write_bytes(telling.read_bytes() + VIDEO)
    assert photo_metadata.found_in(telling) == [GPS, photo_metadata.AFTER]
    assert photo_metadata.strip(telling) == [GPS, photo_metadata.AFTER]
    assert photo_metadata.found_in(telling) == []


@st.composite
def saved_pictures(draw) -> tuple[str, bytes]:
    """A picture as Pillow saves it (JPEG, PNG, GIF or AVIF), of random pixels and options, whose
    comment and metadata may hold the very bytes that end a picture."""
    kind = draw(st.sampled_from(["JPEG", "PNG", "GIF", *(["AVIF"] if ".avif" in images.PHOTO_FORMATS else [])]))
    size = (draw(st.integers(1, 80)), draw(st.integers(1, 80)))
    noise = random.Random(draw(st.integers(0, 2**32 - 1)))
    frames = [
        Image.frombytes("RGB", size, noise.randbytes(size[0] * size[1] * 3))
        for _ in range(draw(st.integers(1, 3)) if kind == "GIF" else 1)
    ]
    comment = draw(st.binary(max_size=40))
    out = io.BytesIO()
    if kind == "JPEG":
        exif = Image.Exif()
        exif.get_ifd(IFD.Exif)[Base.UserComment] = b"ASCII\x00\x00\x00" + draw(st.binary(max_size=40))
        options = {"quality": draw(st.integers(1, 100)), "progressive": draw(st.booleans())}
        if draw(st.booleans()):
            options["restart_marker_blocks"] = draw(st.integers(1, 4))
        frames[0].save(out, "JPEG", exif=exif, comment=comment, optimize=draw(st.booleans()), **options)
    elif kind == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", comment.decode("latin-1"), zip=draw(st.booleans()))
        frames[0].save(out, "PNG", pnginfo=info, compress_level=draw(st.integers(0, 9)))
    elif kind == "AVIF":
        frames[0].save(
            out,
            "AVIF",
            quality=draw(st.integers(0, 100)),
            xmp=xmp(f"<exif:UserComment>{comment.hex()}</exif:UserComment>"),
        )
    else:
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0, comment=comment or None)
    return kind, out.getvalue()


@settings(max_examples=150, deadline=None)
@given(saved_pictures(), st.one_of(st.binary(min_size=1, max_size=300), saved_pictures().map(lambda saved: saved[1])))
def test_the_end_of_any_picture_is_found_whatever_follows_it(picture, tail):
    """Nothing follows a picture as Pillow saves it; and after any bytes are appended to it (a
    video, noise, a whole second picture that ends as a picture does), its end is found exactly
    where it was."""
    kind, data = picture
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo"
        path.write_bytes(data)
        assert photo_metadata.picture_end(path, kind) is None
        path.write_bytes(data + tail)
        assert photo_metadata.picture_end(path, kind) == len(data)


def test_a_large_photo_is_inspected_without_being_read_into_memory(tmp_path):
    """Finding the end of a picture maps the file instead of reading it: a photo of hundreds of
    megabytes (its coded data a long run of zeros, a hole in the file) costs the build no memory."""
    picture = photo(tmp_path / "small.jpg").read_bytes()
    large = tmp_path / "large.jpg"
    with open(large, "wb") as file:
        file.write(picture[:-2])  # all but the marker that ends the picture
        file.seek(256 * 2**20, os.SEEK_CUR)
        file.write(b"\xff\xd9hidden")
    tracemalloc.start()
    try:
        found = images.inspect(large)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found is not None and found.issue is None
    assert found.found == (photo_metadata.AFTER,)
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB at the most"
    assert photo_metadata.picture_end(large, "JPEG") == large.stat().st_size - len(b"hidden")


@pytest.mark.parametrize("tail", ["video", "second picture"])
def test_a_motion_photo_fails_the_build_until_make_strip_photos_cuts_its_video(project, tmp_path, tail):
    hero = photo(project.releases / "images/hero.jpg")
    picture = hero.read_bytes()
    hero.write_bytes(picture + (VIDEO if tail == "video" else photo(tmp_path / "other.jpg", gps=True).read_bytes()))
    project.release(
        "2021-01-01-x.md",
        release_text(title="X", date="2021-01-01", image={"src": "images/hero.jpg", "alt": "A"}),
    )
    build = fails_until_stripped(
        project,
        "press_releases/images/hero.jpg: the photo holds data after the end of its picture (where a phone's motion "
        "photo keeps a video of the moments around the shot, and a camera a second picture), which anyone who "
        "downloads it can read: remove it with `make strip-photos` (the picture itself is not changed), then "
        "commit the photo again",
        "press_releases/images/hero.jpg: removed data after the end of its picture",
    )
    assert (build.site / "media/images/hero.jpg").read_bytes() == picture


def png_chunks(data: bytes) -> list[bytes]:
    """The chunks of a PNG file, each whole (length, type, data, checksum)."""
    chunks, position = [], 8
    while position < len(data):
        end = position + 12 + int.from_bytes(data[position : position + 4], "big")
        chunks.append(data[position:end])
        position = end
    return chunks


def test_a_png_is_read_without_decoding_its_picture_unless_metadata_follows_it(tmp_path, monkeypatch):
    """Pillow finds the chunks after a PNG's picture only by decoding it (a tenth of a second for a
    large screenshot): the check decodes only a PNG that has metadata chunks there, and finds them."""
    from PIL.PngImagePlugin import PngImageFile

    decoded = []
    real_load = PngImageFile.load

    def counting_load(image):
        decoded.append(image)
        return real_load(image)

    monkeypatch.setattr(PngImageFile, "load", counting_load)
    clean = photo(tmp_path / "clean.png", orientation=6)
    assert images.check_photo(clean) is None and photo_metadata.found_in(clean) == []
    inspected = images.inspect(clean)
    assert inspected is not None and inspected.size == (32, 64), "turned by its EXIF, read before the picture"
    bare = tmp_path / "bare.png"  # no EXIF at all, as most PNG files (screenshots, charts)
    Image.new("RGB", (64, 32), (1, 2, 3)).save(bare)
    assert images.check_photo(bare) is None and photo_metadata.found_in(bare) == []
    inspected = images.inspect(bare)
    assert inspected is not None and inspected.size == (64, 32)
    assert decoded == []
    telling = photo(tmp_path / "telling.png", gps=True, packet=xmp("<exif:OwnerName>A. Researcher</exif:OwnerName>"))
    chunks = png_chunks(telling.read_bytes())
    late = [chunk for chunk in chunks if chunk[4:8] in (b"eXIf", b"iTXt")]
    assert len(late) == 2
    rest = [chunk for chunk in chunks if chunk not in late]
    moved = tmp_path / "late.png"  # both after the picture's data, before its end
    moved.write_bytes(telling.read_bytes()[:8] + b"".join(rest[:-1]) + b"".join(late) + rest[-1])
    assert sorted(chunk[4:8] for chunk in png_chunks(moved.read_bytes())[-3:]) == [b"IEND", b"eXIf", b"iTXt"]
    assert photo_metadata.found_in(moved) == [GPS, OWNER]
    inspected = images.inspect(moved)
    assert inspected is not None and list(inspected.found) == [GPS, OWNER]
    assert len(decoded) == 2


def test_a_photo_that_tells_fails_the_build_and_make_strip_photos_cleans_it(project):
    hero = photo(project.releases / "images/hero.jpg", gps=True, orientation=6)
    inline = photo(project.releases / "images/inline.png", serial=True, owner=True)
    photo(project.releases / "images/clean.webp")
    project.release(
        "2021-01-01-x.md",
        release_text(
            title="X",
            date="2021-01-01",
            image={"src": "images/hero.jpg", "alt": "A"},
            body="![A map](images/inline.png)\n\n![Another](images/clean.webp)",
        ),
    )
    fix = "which anyone who downloads it can read: remove"
    project.failing_build(
        "2 problems in the press releases:",
        f"press_releases/images/hero.jpg: the photo holds in its metadata the GPS position where it was taken, {fix} "
        "it with `make strip-photos` (the picture itself is not changed), then commit the photo again",
        "press_releases/images/inline.png: the photo holds in its metadata the serial number of the camera or lens "
        f"that took it and the name of the camera's owner, {fix} them with `make strip-photos`",
    )
    assert "37" not in project.check().stderr.replace("2021", ""), "no coordinate is printed in a public log"
    before = {path: pixels(path) for path in (hero, inline)}
    stripped = strip_photos(project)
    assert stripped.returncode == 0, stripped.stderr
    assert stripped.stdout.splitlines() == [
        "press_releases/images/hero.jpg: removed the GPS position where it was taken",
        "press_releases/images/inline.png: removed the serial number of the camera or lens that took it and the "
        "name of the camera's owner",
    ]
    assert {path: pixels(path) for path in (hero, inline)} == before
    build = project.build()
    assert build.returncode == 0, build.log
    assert photo_metadata.found_in(build.site / "media/images/hero.jpg") == []
    with Image.open(build.site / "media/images/hero.jpg") as published:
        assert published.getexif()[Base.Orientation] == 6


def test_a_photo_stored_on_its_side_has_an_upright_thumbnail_and_its_shown_size(project):
    image = Image.new("RGB", (800, 400), (200, 30, 30))
    exif = Image.Exif()
    exif[Base.Orientation] = 6  # shown turned a quarter clockwise: 400 wide, 800 high
    (project.releases / "images").mkdir()
    image.save(project.releases / "images/turned.jpg", "JPEG", exif=exif)
    project.release(
        "2021-01-01-x.md", release_text(title="X", date="2021-01-01", image={"src": "images/turned.jpg", "alt": "A"})
    )
    build = project.build()
    assert build.returncode == 0, build.log
    (card,) = build.html("").xpath("//img[contains(@class, 'nr-card__image')]")
    assert (card.get("width"), card.get("height")) == ("400", "800")
    with Image.open(build.site / card.get("src")) as thumbnail:
        assert thumbnail.size == (400, 800)
    (hero,) = build.html("news/2021/01/01/x/").xpath("//img[contains(@src, 'turned.jpg')]")
    assert (hero.get("width"), hero.get("height")) == ("400", "800")


def test_a_photo_is_inspected_once_while_it_stays_the_same_file_and_anew_when_rewritten(tmp_path, monkeypatch):
    """Later builds (here, a new process's first read) reuse what an earlier one found in a photo,
    but a file rewritten in place, of the same size and with its old modification time put back,
    is read again: its GPS position is found."""
    project = tmp_path / "project"
    releases = project / "press_releases"
    settings = Settings(project_dir=project, timezone="Asia/Seoul")
    telling = photo(tmp_path / "gps.jpg", gps=True).read_bytes()
    padding = len(telling) - len(photo(tmp_path / "clean.jpg").read_bytes()) - 4  # a comment's marker and length
    clean = photo(tmp_path / "clean.jpg", comment=b"x" * padding).read_bytes()
    assert len(clean) == len(telling)
    hero = releases / "images/hero.jpg"
    hero.parent.mkdir(parents=True)
    hero.write_bytes(clean)
    (releases / "2021-01-01-x.md").write_text(
        release_text(title="X", date="2021-01-01", image={"src": "images/hero.jpg", "alt": "A"}), encoding="utf-8"
    )
    opened = photos_opened(monkeypatch)
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def read_in_a_new_process():
        monkeypatch.setattr(images, "_checked", {})
        return read_archive(settings, now)

    assert len(read_in_a_new_process().published) == 1
    assert len(opened) == 1
    assert (project / ".cache/newsroom/photos.sqlite3").is_file()
    archive = read_in_a_new_process()
    assert len(archive.published) == 1
    assert len(opened) == 1, "the next build does not open the photo again"
    hero_found = archive.photos["images/hero.jpg"]
    assert hero_found.size == (64, 32), "its size too is read from the first opening"
    assert hero_found.digest == published.file_digest(hero), "and the digest of its bytes"
    assert len(opened) == 1

    before = hero.stat()
    time.sleep(0.05)  # the system's clock for change times moves in steps of a few milliseconds
    with open(hero, "r+b") as file:  # the same file (inode), the same size
        file.write(telling)
    os.utime(hero, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (hero.stat().st_size, hero.stat().st_mtime_ns, hero.stat().st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    with pytest.raises(ContentError) as failed:
        read_in_a_new_process()
    assert "press_releases/images/hero.jpg: the photo holds in its metadata the GPS position" in failed.value.report()
    assert len(opened) == 2

    monkeypatch.setenv("NEWSROOM_CACHE", "0")  # without the cache: every build opens every photo
    hero.write_bytes(clean)
    for expected in (3, 4):
        assert len(read_in_a_new_process().published) == 1
        assert len(opened) == expected


def test_a_kept_inspection_that_is_not_one_is_made_anew(tmp_path):
    project = tmp_path / "project"
    settings = Settings(project_dir=project, timezone="Asia/Seoul")
    hero = photo(project / "press_releases/images/hero.jpg", gps=True)
    (project / "press_releases/2021-01-01-x.md").write_text(
        release_text(title="X", date="2021-01-01", image={"src": "images/hero.jpg", "alt": "A"}), encoding="utf-8"
    )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ContentError):
        read_archive(settings, now)
    kept = project / ".cache/newsroom/photos.sqlite3"
    for damaged in (
        '"clean"',
        "[null, [], null, 1]",
        "[null, [], null]",
        '[null, [], null, "not a digest"]',
        '[null, ["nothing"], null]',
        "[null, [], [0, 32]]",
        "[1, [], null]",
    ):
        images._checked.clear()  # a new process
        with sqlite3.connect(kept) as db:
            db.execute("UPDATE verdicts SET entry = ?", (damaged,))
        with pytest.raises(ContentError) as failed:
            read_archive(settings, now)
        assert "the GPS position where it was taken" in failed.value.report(), damaged
    inspected = images.inspect(hero)
    assert inspected is not None and inspected.size == (64, 32)


def git(folder: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "-C", str(folder), *arguments],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_committed_objects_names_only_files_exactly_as_committed(tmp_path):
    assert committed_objects(tmp_path) == {}, "not in a repository"
    for name in ("same.jpg", "edited.jpg", "assumed.jpg", "images/deep.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())
    (tmp_path / "link.jpg").symlink_to("same.jpg")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "photos")
    git(tmp_path, "update-index", "--assume-unchanged", "assumed.jpg")
    (tmp_path / "edited.jpg").write_bytes(b"edited since")
    (tmp_path / "assumed.jpg").write_bytes(b"edited, and git told not to look")
    (tmp_path / "new.jpg").write_bytes(b"never committed")
    same, deep = git(tmp_path, "hash-object", "same.jpg", "images/deep.png").split()
    assert committed_objects(tmp_path) == {"same.jpg": same, "images/deep.png": deep}
    assert committed_objects(tmp_path / "images") == {"deep.png": deep}


def test_a_fresh_clone_finds_its_photos_inspections_by_what_they_hold_only_with_the_secret(tmp_path, monkeypatch):
    """The publishing workflow builds a fresh clone every hour, with the cache restored: its
    photos (every inode and time new) are found by git's object id, in entries the secret
    authenticates; an entry changed without it, or a photo changed since its commit, is read anew."""
    origin = tmp_path / "origin"
    photo(origin / "press_releases/images/clean.jpg")
    photo(origin / "press_releases/images/gps.jpg", gps=True)
    (origin / "press_releases/2021-01-01-x.md").write_text(
        release_text(title="X", date="2021-01-01", image={"src": "images/clean.jpg", "alt": "A"}), encoding="utf-8"
    )
    git(origin, "init", "-q")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "a release")
    monkeypatch.setenv("NEWSROOM_CACHE_SECRET", "the workflow's secret")
    opened = photos_opened(monkeypatch)
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def build_a_fresh_clone(name: str, cache_from: Path) -> Path:
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), name)
        shutil.copytree(cache_from / ".cache", clone / ".cache")
        images._checked.clear()  # a new process
        opened.clear()
        with contextlib.suppress(ContentError):
            read_archive(Settings(project_dir=clone, timezone="Asia/Seoul"), now)
        return clone

    with pytest.raises(ContentError):  # the first build: the GPS photo is found, and both are kept
        read_archive(Settings(project_dir=origin, timezone="Asia/Seoul"), now)
    first = build_a_fresh_clone("first", origin)
    assert opened == [], "a fresh clone's photos are not opened again"

    kept = first / ".cache/newsroom/photos-committed.sqlite3"
    with sqlite3.connect(kept) as db:  # every entry changed to a clean verdict, without the secret
        db.execute("UPDATE pages SET data = ?", (b"[null, [], [1, 1]]",))
    second = build_a_fresh_clone("second", first)
    assert sorted(Path(p).name for p in opened) == ["clean.jpg", "gps.jpg"], "changed entries are not used"
    with pytest.raises(ContentError) as failed:
        read_archive(Settings(project_dir=second, timezone="Asia/Seoul"), now)
    assert "images/gps.jpg: the photo holds in its metadata the GPS position" in failed.value.report()

    third = build_a_fresh_clone("third", second)
    assert opened == []
    photo(third / "press_releases/images/clean.jpg", gps=True)  # changed since its commit
    images._checked.clear()
    with pytest.raises(ContentError) as failed:
        read_archive(Settings(project_dir=third, timezone="Asia/Seoul"), now)
    assert "images/clean.jpg: the photo holds in its metadata the GPS position" in failed.value.report()

    monkeypatch.delenv("NEWSROOM_CACHE_SECRET")
    build_a_fresh_clone("without-the-secret", second)
    assert sorted(Path(p).name for p in opened) == ["clean.jpg", "gps.jpg"]
