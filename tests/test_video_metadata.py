"""Videos and recordings that tell where they were made (``newsroom.video_metadata``): refused by
the build, blanked in place by `make strip-photos`, every other byte left as it was."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import release_text
from newsroom import video_metadata
from newsroom.video_metadata import LOCATION
from test_photo_metadata import fails_until_stripped, xmp

POSITION = b"+37.5665+126.9780+038.000/"


def box(kind: bytes, *content: bytes) -> bytes:
    payload = b"".join(content)
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def full_box(kind: bytes, *content: bytes) -> bytes:
    return box(kind, b"\0\0\0\0", *content)


FTYP = box(b"ftyp", b"isom\0\0\2\0isomiso2mp41")
#: Media data, which is never read as boxes (even where its bytes spell a location box).
MDAT = box(b"mdat", b"\x00\x01" * 500, box(b"\xa9xyz", b"\0\x05\x15\xc7+1+2/"))
MVHD = full_box(b"mvhd", bytes(96))
TRACK = box(b"trak", full_box(b"tkhd", bytes(80)), box(b"mdia", full_box(b"mdhd", bytes(20))))


def quicktime_keys(position: bytes | None) -> bytes:
    """An iPhone's metadata: QuickTime keys (its make, and the place where it was recorded)."""
    names = [b"com.apple.quicktime.make", *([b"com.apple.quicktime.location.ISO6709"] if position else [])]
    keys = full_box(
        b"keys", len(names).to_bytes(4, "big"), *((8 + len(n)).to_bytes(4, "big") + b"mdta" + n for n in names)
    )
    values = [b"Apple", *([position] if position else [])]
    items = (box(i.to_bytes(4, "big"), box(b"data", b"\0\0\0\1\0\0\0\0", v)) for i, v in enumerate(values, 1))
    hdlr = full_box(b"hdlr", bytes(4), b"mdta", bytes(12), b"\0")
    return box(b"meta", hdlr, keys, box(b"ilst", *items))


def xyz(position: bytes) -> bytes:
    """The user data's ``©xyz`` (an Android phone's): the text's length, its language, the text."""
    return box(b"\xa9xyz", len(position).to_bytes(2, "big"), b"\x15\xc7", position)


VIDEOS = {
    # moov after the media data, as an iPhone writes it
    "iphone.mov": FTYP + MDAT + box(b"moov", MVHD, TRACK, quicktime_keys(POSITION)),
    "android.mp4": FTYP + box(b"moov", MVHD, box(b"udta", xyz(POSITION)), TRACK) + MDAT,
    "in-a-track.mp4": FTYP + box(b"moov", MVHD, box(b"trak", box(b"udta", xyz(POSITION)))) + MDAT,
    "3gpp.3gp": FTYP + box(b"moov", MVHD, box(b"udta", full_box(b"loci", b"\x15\xc7Seoul\0", bytes(13)))) + MDAT,
    "edited.mp4": FTYP
    + box(b"moov", MVHD, box(b"udta", box(b"XMP_", xmp("<exif:GPSLatitude>37,33.98N</exif:GPSLatitude>"))))
    + MDAT,
    "adobe.m4v": FTYP
    + box(
        b"uuid",
        bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC"),
        xmp("<exif:GPSLongitude>126,58.6E</exif:GPSLongitude>"),
    )
    + box(b"moov", MVHD)
    + MDAT,
    # iTunes-style metadata: an MP4 meta box (with a version) in the user data
    "voice.m4a": FTYP
    + box(b"moov", MVHD, box(b"udta", box(b"meta", b"\0\0\0\0", quicktime_keys(POSITION)[8:])))
    + MDAT,
}
CLEAN = {
    "iphone-no-place.mov": FTYP + MDAT + box(b"moov", MVHD, TRACK, quicktime_keys(None)),
    "android-no-place.mp4": FTYP + box(b"moov", MVHD, box(b"udta", xyz(b""))) + MDAT,
    "xmp-no-place.mp4": FTYP
    + box(b"moov", MVHD, box(b"udta", box(b"XMP_", xmp("<exif:UserComment>kept</exif:UserComment>"))))
    + MDAT,
    "cut-short.mp4": (FTYP + box(b"moov", MVHD, box(b"udta", xyz(POSITION))))[:-10],
    "not-a-video.mp4": b"<html>" + bytes(100),
    "empty.mp4": b"",
}


@pytest.mark.parametrize("name", sorted(VIDEOS))
def test_a_position_is_found_and_blanked_in_place_leaving_every_other_byte(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(VIDEOS[name])
    assert video_metadata.found_in(path) == [LOCATION]
    assert video_metadata.strip(path) == [LOCATION]
    after = path.read_bytes()
    assert video_metadata.found_in(path) == []
    assert len(after) == len(VIDEOS[name]), "no offset in the file moves"
    assert b"+37.5665" not in after and b"37,33.98N" not in after and b"126,58.6E" not in after
    assert MDAT in after, "the media data stays"
    assert after.count(b"Apple") == VIDEOS[name].count(b"Apple"), "the other metadata stays"
    assert after.count(b"free") == VIDEOS[name].count(b"free") + 1, "the box that held it is a free box"
    blanked = after.index(b"free") - 4
    size = int.from_bytes(after[blanked : blanked + 4], "big")
    assert after[blanked + 8 : blanked + size] == bytes(size - 8), "of zeros"
    assert after[:blanked] == VIDEOS[name][:blanked] and after[blanked + size :] == VIDEOS[name][blanked + size :]
    assert video_metadata.strip(path) == [] and path.read_bytes() == after


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_a_file_without_a_position_or_that_is_no_video_is_left_alone(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CLEAN[name])
    assert video_metadata.found_in(path) == []
    assert video_metadata.strip(path) == [] and path.read_bytes() == CLEAN[name]


def test_a_file_with_boxes_too_many_too_deep_or_too_large_to_look_through_is_refused(tmp_path):
    nested = xyz(POSITION)
    for _ in range(5000):  # far deeper than Python's recursion limit
        nested = box(b"moov", nested)
    many = FTYP + box(b"moov", box(b"udta", *[box(b"free")] * 200_000, xyz(POSITION)))
    large = FTYP + box(b"moov", box(b"udta", box(b"XMP_", b" " * (4 * 2**20 + 1))))
    for name, data in {"deep.mp4": FTYP + nested, "many.mp4": many, "large.mp4": large}.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ValueError, match="which no recorder writes: save the video again"):
            video_metadata.found_in(path)
        [(_, what)] = video_metadata.strip_all([path])
        assert what.startswith("not changed: holds ") and path.read_bytes() == data


def test_a_video_that_tells_where_it_was_recorded_fails_the_build_until_make_strip_photos_blanks_it(project):
    (project.releases / "media").mkdir()
    clip = project.releases / "media/clip.mov"
    clip.write_bytes(VIDEOS["iphone.mov"])
    project.release(
        "2021-01-01-x.md",
        release_text(
            title="X", date="2021-01-01", body='<video src="media/clip.mov" title="The march" controls></video>'
        ),
    )
    build = fails_until_stripped(
        project,
        "press_releases/media/clip.mov: the video holds in its metadata the GPS position where it was recorded, "
        "which anyone who downloads it can read: remove it with `make strip-photos` (the video itself is not "
        "changed), then commit the file again",
        "press_releases/media/clip.mov: removed the GPS position where it was recorded",
    )
    published = next(build.site.rglob("clip.mov"))
    assert published.read_bytes() == clip.read_bytes() and b"+37.5665" not in published.read_bytes()


#: Files written by a real muxer (FFmpeg 7, through ``imageio-ffmpeg``): one second of a test
#: picture (and tone), with ``-metadata location=+37.5665+126.9780/`` (which FFmpeg writes as a
#: 3GPP ``loci`` box in MP4, M4A and 3GP), or as an iPhone's QuickTime key in MOV
#: (``-metadata com.apple.quicktime.location.ISO6709=... -movflags use_metadata_tags``); and one
#: with a title only. Each still decoded without an error after ``strip`` (checked with FFmpeg
#: when they were made; it is not installed where the tests run).
REAL = Path(__file__).parent / "fixtures/videos"


@pytest.mark.parametrize("name", ["located.mp4", "located.mov", "located.m4a", "located.3gp", "clean.mp4"])
def test_files_a_real_muxer_wrote(tmp_path, name):
    path = tmp_path / name
    shutil.copy(REAL / name, path)
    expected = [] if name.startswith("clean") else [LOCATION]
    assert video_metadata.found_in(path) == expected
    assert video_metadata.strip(path) == expected
    assert video_metadata.found_in(path) == []
    before, after = (REAL / name).read_bytes(), path.read_bytes()
    assert len(after) == len(before) and (after == before) == (not expected)


KINDS = [b"moov", b"trak", b"udta", b"meta", b"ilst", b"free", b"mdat", b"mdia", b"keys", b"XMP_", b"uuid", b"\xa9nam"]


def trees(depth: int = 3) -> st.SearchStrategy[tuple[bytes, bool]]:
    """Boxes of the kinds a video holds, nested, with arbitrary content, as raw bytes; now and then
    bytes that are no box (damaged); each with whether it holds such bytes where boxes belong."""
    leaf = st.builds(
        lambda kind, content: (box(kind, content), False), st.sampled_from(KINDS[5:]), st.binary(max_size=40)
    )
    damaged = st.binary(min_size=1, max_size=12).map(lambda raw: (raw, True))
    if depth == 0:
        return st.one_of(leaf, damaged)

    def nested(kind: bytes, children: list[tuple[bytes, bool]]) -> tuple[bytes, bool]:
        # Only what is looked into can be found damaged: a box of media or another kind is skipped whole.
        looked_into = kind in (b"moov", b"trak", b"udta")
        return box(kind, *(child for child, _ in children)), looked_into and any(bad for _, bad in children)

    return st.one_of(
        leaf, damaged, st.builds(nested, st.sampled_from([*KINDS[:3], b"mdia"]), st.lists(trees(depth - 1), max_size=4))
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(trees(), max_size=4), st.lists(trees(), max_size=3), st.integers(0, 3), st.booleans())
def test_any_box_tree_is_read_without_error_and_a_position_in_it_is_found_and_blanked(before, after, at, located):
    """Whatever boxes surround it, a position in a movie's user data is found, unless bytes that are
    no box stand where boxes belong (then the file is refused as damaged, never published unread);
    stripping it keeps the file's length and every other byte."""
    siblings = [raw for raw, _ in before]
    udta = box(b"udta", *siblings[:at], *([xyz(POSITION)] if located else []), *siblings[at:])
    data = FTYP + box(b"moov", MVHD, udta) + b"".join(raw for raw, _ in after)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        path.write_bytes(data)
        refused, found = None, []
        try:
            found = video_metadata.found_in(path)
        except ValueError as err:
            refused = str(err)
        if refused is not None:
            assert "holds damaged metadata" in refused
            assert any(bad for _, bad in before + after), "refused only for bytes that are no box where boxes belong"
            return
        if located:
            assert found == [LOCATION]
        assert video_metadata.strip(path) == found
        stripped = path.read_bytes()
        assert len(stripped) == len(data) and video_metadata.found_in(path) == []
        assert b"+37.5665" not in stripped[: len(FTYP) + 8 + len(MVHD) + len(udta)]
        assert found or stripped == data


def test_a_video_whose_metadata_is_damaged_fails_the_build_naming_it(project):
    (project.releases / "media").mkdir()
    damaged = FTYP + box(b"moov", MVHD, box(b"udta", b"\x00\x00\x01\x00XYZW", xyz(POSITION))) + MDAT
    (project.releases / "media/clip.mp4").write_bytes(damaged)
    project.release(
        "2021-01-01-x.md", release_text(title="X", date="2021-01-01", body='<video src="media/clip.mp4"></video>')
    )
    at = len(FTYP) + 8 + len(MVHD) + 8  # where the user data's first box would be
    project.failing_build(
        f"press_releases/media/clip.mp4: the video holds damaged metadata (at byte {at}, bytes that are no box), "
        "behind which a position could not be looked for: save the video again"
    )
