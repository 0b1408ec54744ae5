"""The trust boundary: hostile or unusual files, text and times never leak, never half-publish,
and never drop a release in silence. Each bad input gets its exact message.

Most cases are fast unit tests on the reader, the archive and the walk of the releases folder;
each class of input also fails a real build end to end (``project.failing_build``: the previous
site survives byte for byte, and `make check` says the same).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import time
import unicodedata
import warnings
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from conftest import ROOT, release_text, snapshot
from newsroom import images
from newsroom.archive import build_archive, check_together, read_archive
from newsroom.errors import ContentError
from newsroom.publication import build_time, is_published, release_time
from newsroom.reader import MAX_YEAR, MIN_YEAR, parse_moment, parse_release
from newsroom.reader.moments import DATE_HINT
from newsroom.reader.release import read_bytes
from newsroom.settings import Settings, SettingsError
from newsroom.sources import MAX_TEXT_BYTES, Photos, check_source, scan
from newsroom.taxonomy import check_terms

SEOUL = Settings(project_dir=Path("/nowhere"), timezone="Asia/Seoul")
NEW_YORK = Settings(project_dir=Path("/nowhere"), timezone="America/New_York")
NAME = "2020-03-03-x.md"
SOURCE = f"press_releases/{NAME}"
BASE = ('title: "T"', "summary: S", "date: 2020-03-03")
PNG = (ROOT / "tests/fixtures/archive/images/field.png").read_bytes()
COPIED = "(it often comes with text copied from a PDF or a word processor)"


def with_front(*lines: str, body: str = "Body.") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


def parse(text: str | bytes, name: str = NAME, settings: Settings = SEOUL, files: tuple[str, ...] = ("images/p.png",)):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_release(data, name, settings, file_exists=lambda path: path in files)


def messages(text: str | bytes, **kwargs) -> list[str]:
    release, problems = parse(text, **kwargs)
    assert release is None, "a release with problems must not be published"
    return [str(p) for p in problems]


def control(code: int, name: str, escaped: bool = False) -> str:
    how = ", written as an escape" if escaped else ""
    return (
        f"holds the control character U+{code:04X} ({name}){how}, which is invisible and may not be "
        f"in a release; delete it {COPIED}"
    )


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels in a few bytes (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def tree(tmp_path: Path):
    """A project folder with an empty releases folder, and its settings."""
    project = tmp_path / "project"
    (project / "press_releases").mkdir(parents=True)
    return project, Settings(project_dir=project, timezone="Asia/Seoul")


def write(path: Path, data: str | bytes = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


GOOD = with_front(*BASE)


# -- 1. Files: one walk of the releases folder ---------------------------------------------


def test_the_walk_sorts_releases_and_assets_and_leaves_out_only_what_the_readme_says(tree):
    project, settings = tree
    releases = project / "press_releases"
    for name in (
        "2020-03-03-a.md",
        "2021/2021-01-01-b.md",
        "images/p.png",
        "docs/report.pdf",
        "README.md",
        "readme.md",
        "_drafts/x.md",
        ".git/config",
        "_notes.md",
        ".hidden.md",
    ):
        write(releases / name, GOOD)
    found = scan(settings)
    assert found.problems == []
    assert found.releases == ["2020-03-03-a.md", "2021/2021-01-01-b.md"]
    assert found.assets == ["docs/report.pdf", "images/p.png"]


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("2020-03-03-x.MD", ".MD"),
        ("2020-03-03-x.Md", ".Md"),
        ("2020-03-03-x.markdown", ".markdown"),
        ("2020-03-03-x.mdown", ".mdown"),
        ("2020-03-03-x.mkdn", ".mkdn"),
        ("2020-03-03-x.MKD", ".MKD"),
    ],
)
def test_a_page_that_is_not_a_release_must_be_renamed(tree, name, written):
    project, settings = tree
    write(project / "press_releases" / name, GOOD)
    write(project / "press_releases/2020-01-01-ok.md", GOOD)
    found = scan(settings)
    assert [str(p) for p in found.problems] == [
        f"press_releases/{name}: MkDocs would publish a file ending in '{written}' as a page, but only files "
        f"ending in '.md' (lower case) are releases: rename it to '2020-03-03-x.md'"
    ]
    assert found.releases == ["2020-01-01-ok.md"] and found.assets == []


def test_a_link_out_of_the_project_is_an_error_naming_the_file(tree, tmp_path):
    project, settings = tree
    secret = write(tmp_path / "secret.md", GOOD)
    (project / "press_releases/2020-03-03-leak.md").symlink_to(secret)
    (project / "press_releases/photo.png").symlink_to("/etc/passwd")
    found = scan(settings)
    assert [str(p) for p in found.problems] == [
        "press_releases: the releases folder holds no release (a file such as 2020-03-03-title.md); add one "
        "(make new TITLE=\"...\"), or set 'allow_empty: true' under extra: newsroom: in mkdocs.yml to build "
        "a site without releases",
        f"press_releases/2020-03-03-leak.md: the file is a symbolic link to '{secret}', outside the project; "
        "only files inside the project are read or published: copy the file here instead of linking to it",
        "press_releases/photo.png: the file is a symbolic link to '/etc/passwd', outside the project; "
        "only files inside the project are read or published: copy the file here instead of linking to it",
    ]
    assert found.releases == [] and found.assets == []


def test_a_dangling_link_and_a_linked_folder_are_errors(tree):
    project, settings = tree
    releases = project / "press_releases"
    write(releases / "2020-01-01-ok.md", GOOD)
    (releases / "2020-03-03-gone.md").symlink_to("nowhere.md")
    write(project / "elsewhere/2020-03-04-inside.md", GOOD)
    (releases / "linked").symlink_to(project / "elsewhere")
    found = scan(settings)
    assert [str(p) for p in found.problems] == [
        "press_releases/2020-03-03-gone.md: the file is a symbolic link to 'nowhere.md', which does not exist; "
        "put the file itself here",
        f"press_releases/linked: the file is a symbolic link to a folder ('{project / 'elsewhere'}'); linked "
        "folders are not followed: move the files here instead of linking to them",
    ]
    assert found.releases == ["2020-01-01-ok.md"]


def test_a_link_to_a_regular_file_inside_the_project_is_a_file_like_any_other(tree):
    project, settings = tree
    write(project / "shared/2020-03-03-x.md", GOOD)
    (project / "press_releases/2020-03-03-x.md").symlink_to("../shared/2020-03-03-x.md")
    found = scan(settings)
    assert found.problems == [] and found.releases == ["2020-03-03-x.md"]


def test_a_named_pipe_is_an_error_and_is_never_opened(tree):
    project, settings = tree
    write(project / "press_releases/2020-01-01-ok.md", GOOD)
    os.mkfifo(project / "press_releases/2020-03-03-pipe.md")
    os.mkfifo(project / "press_releases/photo.jpg")
    found = scan(settings)
    message = "is not a regular file but a named pipe (FIFO); only regular files are read or published: remove it"
    assert [str(p) for p in found.problems] == [
        f"press_releases/2020-03-03-pipe.md: the file {message}",
        f"press_releases/photo.jpg: the file {message}",
    ]
    with pytest.raises(ContentError) as error:  # returns at once: a pipe opened for reading would hang
        read_archive(settings, datetime(2026, 1, 1, tzinfo=UTC))
    assert f"press_releases/photo.jpg: the file {message}" in error.value.report()


def test_names_too_long_to_publish_are_errors_with_the_limits(tree):
    project, settings = tree
    releases = project / "press_releases"
    write(releases / "2020-01-01-ok.md", GOOD)
    long_name = "2020-03-03-" + "é" * 100 + ".md"  # 214 bytes of UTF-8, 114 characters
    write(releases / long_name, GOOD)
    deep = "/".join(["folder-" + "d" * 50] * 7)  # each folder name is fine; the path is not
    write(releases / deep / "2020-03-03-y.md", GOOD)
    found = scan(settings)
    shown_deep = f"press_releases/{deep}"
    assert [str(p) for p in found.problems] == [
        f"press_releases/{long_name}: the name is 214 bytes long; a file or folder name may be at most 200 "
        "bytes (in UTF-8, where letters outside A-Z take 2 to 4): shorten it",
        f"{shown_deep}: the path is {len(shown_deep)} bytes long; a path in the project may be at most 400 "
        "bytes (in UTF-8): shorten the names of the file or of its folders",
    ]


def test_a_name_that_is_not_utf8_or_holds_a_control_character_is_an_error(tree):
    project, settings = tree
    releases = project / "press_releases"
    write(releases / "2020-01-01-ok.md", GOOD)
    write(releases / "2020-03-03-a\nb.md", GOOD)
    with open(os.path.join(os.fsencode(releases), b"2020-03-04-\xff.md"), "wb") as file:
        file.write(GOOD.encode())
    # A name "x<U+202E>gnp.exe" shows as "xexe.png"; one with U+2028 on two lines of a log.
    write(releases / "2020-03-05-\u202eevil.md", GOOD)
    write(releases / "images" / "photo\u202egnp.exe", "x")
    write(releases / "2020-03-06-two\u2028lines.md", GOOD)
    found = scan(settings)
    invisible = "which changes the order or the lines in which it is shown; rename it"
    assert [str(p) for p in found.problems] == [
        "press_releases/2020-03-03-a\\u000ab.md: the name holds the control character U+000A; rename it",
        "press_releases/2020-03-04-\\xff.md: the name is not valid UTF-8; rename it",
        "press_releases/2020-03-05-\\u202eevil.md: the name holds the invisible character U+202E "
        f"(RIGHT-TO-LEFT OVERRIDE), {invisible}",
        "press_releases/2020-03-06-two\\u2028lines.md: the name holds the invisible character U+2028 "
        f"(LINE SEPARATOR), {invisible}",
        "press_releases/images/photo\\u202egnp.exe: the name holds the invisible character U+202E "
        f"(RIGHT-TO-LEFT OVERRIDE), {invisible}",
    ]
    report = ContentError(found.problems).report()
    assert report.count("\n") == 5 and "\u2028" not in report and "\u202e" not in report, "one line each, printable"


def test_a_missing_or_empty_releases_folder_is_an_error_unless_allowed(tree):
    project, settings = tree
    assert [str(p) for p in scan(settings).problems] == [
        "press_releases: the releases folder holds no release (a file such as 2020-03-03-title.md); add one "
        "(make new TITLE=\"...\"), or set 'allow_empty: true' under extra: newsroom: in mkdocs.yml to build "
        "a site without releases"
    ]
    (project / "press_releases").rmdir()
    assert [str(p) for p in scan(settings).problems] == [
        "press_releases: the releases folder does not exist; create it and add a release (make new "
        "TITLE=\"...\"), or set 'allow_empty: true' under extra: newsroom: in mkdocs.yml to build a site "
        "without releases"
    ]
    allowed = Settings.from_mapping(project, {"allow_empty": True})
    assert scan(allowed).problems == []
    (project / "press_releases").mkdir()
    assert scan(allowed).problems == []
    assert read_archive(allowed, datetime(2026, 1, 1, tzinfo=UTC)).published == []
    with pytest.raises(SettingsError, match=re.escape("extra.newsroom.allow_empty: expected true or false, got 'yes'")):
        Settings.from_mapping(project, {"allow_empty": "yes"})


def test_a_releases_folder_outside_the_project_is_an_error(tree, tmp_path):
    project, _ = tree
    write(tmp_path / "outside/2020-03-03-x.md", GOOD)
    settings = Settings.from_mapping(project, {"releases_dir": "../outside"})
    assert [str(p) for p in scan(settings).problems] == [
        f"../outside: the releases folder lies outside the project (its real path is '{tmp_path / 'outside'}'); "
        "only files inside the project are read or published"
    ]


def test_check_source_is_the_same_rule_for_one_file(tree, tmp_path):
    project, _ = tree
    write(project / "docs/about.md", "# About\n")
    assert check_source(project / "docs/about.md", project, "docs/about.md") is None
    (project / "docs/secret.md").symlink_to("/etc/passwd")
    assert str(check_source(project / "docs/secret.md", project, "docs/secret.md")) == (
        "docs/secret.md: the file is a symbolic link to '/etc/passwd', outside the project; only files inside "
        "the project are read or published: copy the file here instead of linking to it"
    )
    os.mkfifo(project / "docs/pipe.md")
    assert str(check_source(project / "docs/pipe.md", project, "docs/pipe.md")) == (
        "docs/pipe.md: the file is not a regular file but a named pipe (FIFO); only regular files are read "
        "or published: remove it"
    )
    write(tmp_path / "elsewhere/page.md", "x")
    (project / "docs/linked").symlink_to(tmp_path / "elsewhere")
    assert str(check_source(project / "docs/linked/page.md", project, "docs/linked/page.md")) == (
        f"docs/linked/page.md: the file lies outside the project (its real path is "
        f"'{tmp_path / 'elsewhere/page.md'}'); only files inside the project are read or published"
    )
    assert (
        str(check_source(project / "docs/none.md", project, "docs/none.md")) == "docs/none.md: the file does not exist"
    )
    # Names as in the releases folder: a hand-written page or a file beside it is published too.
    write(project / "docs/ev\u202eil.md", "# Evil\n")
    write(project / "docs/fi\x1bles/photo.png", "x")
    assert str(check_source(project / "docs/ev\u202eil.md", project, "docs/ev\u202eil.md")) == (
        "docs/ev\\u202eil.md: the name holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE), which "
        "changes the order or the lines in which it is shown; rename it"
    )
    assert str(check_source(project / "docs/fi\x1bles/photo.png", project, "docs/fi\x1bles/photo.png")) == (
        "docs/fi\\u001bles/photo.png: the name holds the control character U+001B; rename it"
    )


def test_a_photo_must_pass_the_same_check(tree, tmp_path):
    project, settings = tree
    releases = project / "press_releases"
    write(tmp_path / "outside.png", PNG)
    (releases / "images").mkdir()
    (releases / "images/out.png").symlink_to(tmp_path / "outside.png")
    write(releases / "_private/p.png", PNG)
    write(releases / "2020-03-03-a.md", with_front(*BASE, "image: {src: images/out.png, alt: A}"))
    write(releases / "2020-03-03-b.md", with_front(*BASE, "slug: b", "image: {src: _private/p.png, alt: A}"))
    with pytest.raises(ContentError) as error:
        read_archive(settings, datetime(2026, 1, 1, tzinfo=UTC))
    link = (
        f"is a symbolic link to '{tmp_path / 'outside.png'}', outside the project; only files inside the "
        "project are read or published: copy the file here instead of linking to it"
    )
    assert [str(p) for p in error.value.problems] == [
        f"press_releases/2020-03-03-a.md:5: field 'image.src': the image file 'images/out.png' {link}",
        "press_releases/2020-03-03-b.md:6: field 'image.src': the image file '_private/p.png' is not published "
        "with the releases: files whose name or folder starts with '.' or '_' never are, nor files in a linked "
        "folder; move it among the releases",
        f"press_releases/images/out.png: the file {link}",
    ]


# -- 2. Text: control characters and noncharacters -------------------------------------------


@pytest.mark.parametrize(
    ("character", "name"),
    [
        ("\x00", "NUL"),
        ("\x07", "BEL"),
        ("\x0b", "VERTICAL TAB"),
        ("\x0c", "FORM FEED"),
        ("\x1b", "ESCAPE"),
        ("\x7f", "DELETE"),
        ("\x85", "NEXT LINE"),
    ],
)
def test_a_control_character_in_the_body_is_an_error_at_its_line(character, name):
    assert messages(with_front(*BASE, body=f"First line.\nSecond {character} line.")) == [
        f"{SOURCE}:8: {control(ord(character), name)}"
    ]


def test_a_control_character_in_the_front_matter_names_its_field():
    assert messages(
        with_front(*BASE, "dateline: Seo\x07ul", "image:\n  src: images/p.png\n  alt: A\n  caption: C\x9bD")
    ) == [
        f"{SOURCE}:5: field 'dateline': {control(0x07, 'BEL')}",
        f"{SOURCE}:9: field 'image.caption': holds the control character U+009B, which is invisible and may "
        f"not be in a release; delete it {COPIED}",
    ]


@pytest.mark.parametrize("character", ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"])
def test_a_noncharacter_is_an_error(character):
    assert messages(with_front('title: "T' + character + '"', *BASE[1:])) == [
        f"{SOURCE}:2: field 'title': holds the noncharacter U+{ord(character):04X}, which may not be in a "
        "release; delete it"
    ]


@pytest.mark.parametrize(
    ("escape", "code", "name"), [("\\a", 0x07, "BEL"), ("\\x85", 0x85, "NEXT LINE"), ("\\0", 0, "NUL")]
)
def test_a_control_character_written_as_a_yaml_escape_is_an_error_too(escape, code, name):
    assert messages(with_front('title: "T' + escape + '"', *BASE[1:], 'extra: {a: {b: "x' + escape + '"}}')) == [
        f"{SOURCE}:2: field 'title': {control(code, name, escaped=True)}",
        f"{SOURCE}:5: field 'extra.a.b': {control(code, name, escaped=True)}",
    ]


def test_a_byte_order_mark_tabs_and_other_invisible_but_harmless_characters_are_allowed():
    release, problems = parse(
        b"\xef\xbb\xbf"
        + with_front(*BASE, 'dateline: "Seoul\u00a0\u200b\ufeff"', body="Tab\there.\r\nEmoji \U0001f600.").encode()
    )
    assert problems == [] and release.body == "Tab\there.\nEmoji \U0001f600."


def test_many_control_characters_are_reported_ten_at_a_time():
    found = messages(with_front(*BASE, body="\n".join(f"line {i}\x01" for i in range(15))))
    assert len(found) == 11
    assert found[-1] == (f"{SOURCE}:17: and 5 more control characters or noncharacters from here on; delete them all")


# -- 2b. Text: bidirectional controls left open ("Trojan Source") ---------------------------

#: The controls that reorder the text after them until closed, with their Unicode names.
OPENERS = [
    ("\u202a", "LEFT-TO-RIGHT EMBEDDING"),
    ("\u202b", "RIGHT-TO-LEFT EMBEDDING"),
    ("\u202d", "LEFT-TO-RIGHT OVERRIDE"),
    ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
    ("\u2067", "RIGHT-TO-LEFT ISOLATE"),
    ("\u2068", "FIRST STRONG ISOLATE"),
]


def open_control(character: str, name: str, escaped: bool = False) -> str:
    how = ", written as an escape" if escaped else ""
    closer = "U+2069 (POP DIRECTIONAL ISOLATE)" if name.endswith("ISOLATE") else "U+202C (POP DIRECTIONAL FORMATTING)"
    return (
        f"holds the bidirectional control U+{ord(character):04X} ({name}){how}, which no {closer} closes on "
        "its line: it changes the order in which the rest of the line is shown, here and wherever the text "
        "is quoted, so that it can read otherwise than it was written; close it on the same line or delete it"
    )


@pytest.mark.parametrize(("character", "name"), OPENERS)
def test_a_bidirectional_control_left_open_is_an_error_in_any_field_and_the_body(character, name):
    assert messages(
        with_front(
            f'title: "Seoul {character}reversed"',
            *BASE[1:],
            "image:\n  src: images/p.png\n  alt: A\n  caption: C" + character,
            body=f"First line.\nSecond {character}line, and the rest of the paragraph.",
        )
    ) == [
        f"{SOURCE}:2: field 'title': {open_control(character, name)}",
        f"{SOURCE}:8: field 'image.caption': {open_control(character, name)}",
        f"{SOURCE}:12: {open_control(character, name)}",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "An override \u202eclosed\u202c on its line",
        "An isolate \u2067\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u2069 closed, marks \u200f and \u200e alone",
        "Nested \u2066a \u202bb\u202c c\u2069 and an embedding the isolate closes: \u2068x \u202ey\u2069",
        "Closers with nothing to close are harmless: \u202c \u2069",
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 (Arabic) with \u2066English\u2069 inside",
    ],
)
def test_bidirectional_controls_closed_on_their_line_are_ordinary_typography(text):
    release, problems = parse(with_front(f'title: "{text}"', *BASE[1:], f"dateline: '{text}'", body=text))
    assert problems == []
    assert (release.title, release.dateline, release.body) == (text, text, text)


def test_a_control_closed_on_another_line_is_open_on_its_own():
    # A folded value is one line on the page, but the editor reads two: each must be closed where it is.
    assert messages(with_front("title: >-\n  Seoul \u202ereversed\n  here\u202c", *BASE[1:])) == [
        f"{SOURCE}:3: field 'title': {open_control(*OPENERS[3])}"
    ]
    # An embedding inside an isolate is closed by the isolate's end; an isolate is not closed by a
    # PDF, and an embedding opened around an isolate is not closed by its PDI.
    assert messages(with_front(*BASE, body="a \u2067b \u202c c")) == [f"{SOURCE}:7: {open_control(*OPENERS[5])}"]
    assert messages(with_front(*BASE, body="a \u202b\u2066b\u2069 c")) == [f"{SOURCE}:7: {open_control(*OPENERS[1])}"]


def test_a_bidirectional_control_written_as_a_yaml_escape_is_an_error_unless_closed():
    assert messages(with_front('title: "T\\u202Eevil"', *BASE[1:], 'extra: {a: "x\\u2067y"}')) == [
        f"{SOURCE}:2: field 'title': {open_control(*OPENERS[3], escaped=True)}",
        f"{SOURCE}:5: field 'extra.a': {open_control(*OPENERS[5], escaped=True)}",
    ]
    release, problems = parse(with_front('title: "T\\u202Eevil\\u202C"', *BASE[1:]))
    assert problems == [] and release.title == "T\u202eevil\u202c"


def test_a_message_quoting_a_value_prints_its_invisible_characters_escaped():
    # Printed as they are, they would act on the log: a line that reads backwards, a bell.
    found = messages(with_front('title: "T"', "summary: S", 'date: "\\u202e2020-03-03"', 'language: "k\\a"'))
    assert f"{SOURCE}:4: field 'date': {DATE_HINT}, got '\\u202e2020-03-03'" in found
    language = "expected a BCP 47 language tag such as 'en', 'ko' or 'pt-BR'"
    assert f"{SOURCE}:5: field 'language': {language}, got 'k\\u0007'" in found
    assert len(found) == 4


# -- 3. YAML: duplicate keys at any depth, aliases -------------------------------------------


@pytest.mark.parametrize(
    ("lines", "field", "first", "second"),
    [
        (("image:", "  src: images/p.png", "  alt: A", "  alt: B"), "image.alt", 7, 8),
        (("corrections:", "  - date: 2020-03-04", "    note: N", "    date: 2020-03-05"), "corrections.date", 6, 8),
        (("translations:", "  ko: 2020-03-03-ko.md", "  ko: 2020-03-03-kr.md"), "translations.ko", 6, 7),
        (("extra:", "  campaign: a", "  campaign: b"), "extra.campaign", 6, 7),
        (
            ("extra:", "  partner:", "    name: a", "    links:", "      - {url: x, url: y}"),
            "extra.partner.links.url",
            9,
            9,
        ),
    ],
)
def test_a_key_given_twice_at_any_depth_names_both_lines(lines, field, first, second):
    assert messages(with_front(*BASE, *lines)) == [
        f"{SOURCE}:{second}: field '{field}': appears twice (lines {first} and {second}); keep one"
    ]


def test_an_alias_that_leads_back_into_itself_is_an_error():
    assert messages(with_front(*BASE, "extra: &loop {self: *loop}")) == [
        f"{SOURCE}:5: field 'extra': an alias (*name) here leads back to the value holding it; write the value "
        "out instead"
    ]


def test_aliases_that_multiply_the_front_matter_are_an_error():
    laughs = ["extra:", "  a: &a [x, x, x, x, x, x, x, x, x, x]"]
    laughs += [f"  {n}: &{n} [{', '.join([f'*{p}'] * 10)}]" for p, n in zip("abc", "bcd", strict=True)]
    assert messages(with_front(*BASE, *laughs)) == [
        f"{SOURCE}:9: field 'extra': its anchors and aliases (&name, *name) make more than 10,000 values; "
        "write the values out instead"
    ]


# -- 4. Time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "0001-01-01", "'0001-01-01' is outside the years 1900 to 2200 the site accepts; check the year"),
        (
            "embargo",
            "9999-12-31T23:00-05:00",
            "'9999-12-31T23:00-05:00' is outside the years 1900 to 2200 the site accepts; check the year",
        ),
        (
            "embargo",
            "2200-12-31T23:59-12:00",
            "'2200-12-31T23:59-12:00' is 2201-01-01 in the site's time zone (Asia/Seoul), outside the years 1900 to "
            "2200 the site accepts; check the year",
        ),
        (
            "updated",
            "1899-12-31T23:00Z",
            "'1899-12-31T23:00Z' is outside the years 1900 to 2200 the site accepts; check the year",
        ),
        (
            "date",
            "1900-01-01T00:30+12:00",
            "'1900-01-01T00:30+12:00' is 1899-12-31 in the site's time zone (Asia/Seoul), outside the years 1900 to "
            "2200 the site accepts; check the year",
        ),
    ],
)
def test_a_date_outside_the_years_the_site_accepts_is_an_error_never_an_overflow(field, value, message):
    lines = [line for line in BASE if not line.startswith(field)] + [f"{field}: {value}"]
    found = messages(with_front(*lines))
    assert found == [f"{SOURCE}:{len(lines) + 1}: field '{field}': {message}"]


def test_a_correction_dated_outside_the_years_is_an_error():
    assert messages(with_front(*BASE, "corrections:", "  - date: 20200-03-05", "    note: N")) == [
        f"{SOURCE}:6: field 'corrections.date': expected an ISO 8601 date such as 2020-03-05 or a date-time "
        "such as 2020-03-05T09:00+09:00, got '20200-03-05'"
    ]
    assert messages(with_front(*BASE, "corrections:", "  - date: 2999-03-05", "    note: N")) == [
        f"{SOURCE}:6: field 'corrections.date': '2999-03-05' is outside the years 1900 to 2200 the site "
        "accepts; check the year"
    ]


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31T23:00-05:00", "2200-12-31T23:59-12:00", "0000-01-01"])
def test_the_build_clock_outside_the_years_is_a_message(raw):
    with pytest.raises(ValueError, match=f"^NEWSROOM_NOW: '{re.escape(raw)}' is ") as error:
        build_time(ZoneInfo("Asia/Seoul"), {"NEWSROOM_NOW": raw})
    assert str(error.value).startswith(f"NEWSROOM_NOW: '{raw}' is ")
    assert str(error.value).endswith("outside the years 1900 to 2200 the site accepts; check the year")


def test_a_local_time_the_clocks_skip_is_an_error_asking_for_an_offset():
    assert messages(
        with_front(*BASE[:2], "date: 2021-03-14T02:30", "embargo: 2021-03-28T01:30"), settings=NEW_YORK
    ) == [
        f"{SOURCE}:4: field 'date': '2021-03-14T02:30' does not exist in America/New_York: the clocks skip it "
        "(daylight saving time or a change of time zone); write the moment you mean with its offset, such as "
        "2021-03-14T03:30:00-04:00"
    ]


@pytest.mark.parametrize(
    ("zone", "raw", "first", "second"),
    [
        ("America/New_York", "2021-11-07T01:30", "2021-11-07T01:30:00-04:00", "2021-11-07T01:30:00-05:00"),
        ("Europe/London", "2021-10-31T01:15", "2021-10-31T01:15:00+01:00", "2021-10-31T01:15:00+00:00"),
        ("Australia/Lord_Howe", "2021-04-04T01:45", "2021-04-04T01:45:00+11:00", "2021-04-04T01:45:00+10:30"),
    ],
)
def test_a_local_time_that_happens_twice_is_an_error_naming_both_offsets(zone, raw, first, second):
    settings = Settings(project_dir=Path("/nowhere"), timezone=zone)
    assert messages(with_front(*BASE[:2], "date: 2021-01-01", f"embargo: {raw}"), settings=settings) == [
        f"{SOURCE}:5: field 'embargo': '{raw}' happens twice in {zone}: the clocks go back over it (daylight "
        f"saving time or a change of time zone); write the one you mean with its offset: {first} (the first) "
        f"or {second} (the second)"
    ]


def test_with_an_offset_the_same_times_are_fine_and_a_date_starts_when_the_day_does():
    release, problems = parse(with_front(*BASE[:2], "date: 2021-11-07T01:30-05:00"), settings=NEW_YORK)
    assert problems == [] and release.date.utcoffset() == timedelta(hours=-5) and release.date.fold == 1
    havana = Settings(project_dir=Path("/nowhere"), timezone="America/Havana")  # midnight is skipped there
    release, problems = parse(with_front(*BASE[:2], "date: 2021-03-14"), settings=havana)
    assert problems == [] and release.date.isoformat() == "2021-03-14T01:00:00-04:00"


# The moment of the embargo, and the build's clock: 45 minutes apart, across the night New York's
# clocks go back (01:30 after it is later than 01:45 before it).
EMBARGO_AFTER = "2021-11-07T01:30-05:00"  # 06:30 UTC
NOW_BEFORE = "2021-11-07T01:45-04:00"  # 05:45 UTC


def test_an_embargo_never_lifts_early_when_the_clocks_go_back():
    zone = NEW_YORK.zone
    release, problems = parse(with_front(*BASE[:2], "date: 2021-11-01", f"embargo: {EMBARGO_AFTER}"), settings=NEW_YORK)
    assert problems == []
    now = build_time(zone, {"NEWSROOM_NOW": NOW_BEFORE})
    assert release.embargo.tzinfo is now.tzinfo is zone
    # What the code did before: both are in the site's ZoneInfo, so Python compared wall clocks.
    assert max(release.date, release.embargo) <= now, "the old comparison lifted the embargo 45 minutes early"
    assert not is_published(release, now)
    assert is_published(release, build_time(zone, {"NEWSROOM_NOW": EMBARGO_AFTER}))
    assert release_time(release).isoformat() == "2021-11-07T01:30:00-05:00", "shown in the site's time zone"


def test_the_same_in_london_and_with_an_embargo_before_the_date():
    london = Settings(project_dir=Path("/nowhere"), timezone="Europe/London")
    release, _ = parse(with_front(*BASE[:2], "date: 2021-10-01", "embargo: 2021-10-31T01:10+00:00"), settings=london)
    now = build_time(london.zone, {"NEWSROOM_NOW": "2021-10-31T01:50+01:00"})  # 00:50 UTC, before 01:10 UTC
    assert release.embargo <= now and not is_published(release, now)
    # An embargo "before" the date by the wall clock, but after it in time, still holds the release back.
    late, _ = parse(
        with_front(*BASE[:2], "date: 2021-10-31T01:50+01:00", "embargo: 2021-10-31T01:10+00:00"), settings=london
    )
    assert release_time(late) is late.embargo


def test_releases_are_ordered_by_their_instant_across_the_change_of_the_clocks():
    releases = []
    for name, when in (("a", "01:45-04:00"), ("b", "01:50-04:00"), ("c", "01:15-05:00"), ("d", "01:20-05:00")):
        release, _ = parse(
            with_front(*BASE[:2], f"date: 2021-11-07T{when}"), name=f"2021-11-07-{name}.md", settings=NEW_YORK
        )
        releases.append(release)
    # By the wall clock, b (01:50) would be the newest and c (01:15) the oldest: in time, they are a, b, c, d.
    later = build_archive(releases, build_time(NEW_YORK.zone, {"NEWSROOM_NOW": "2021-11-07T07:00Z"}))
    assert [r.name[-4:] for r in later.published] == ["d.md", "c.md", "b.md", "a.md"]
    earlier = build_archive(releases, build_time(NEW_YORK.zone, {"NEWSROOM_NOW": "2021-11-07T05:00Z"}))
    assert [r.name[-4:] for r in earlier.held] == ["a.md", "b.md", "c.md", "d.md"]


ZONES = [
    "UTC",
    "Asia/Seoul",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Havana",
    "Pacific/Kiritimati",
    "Pacific/Apia",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Africa/Casablanca",
]


@hypothesis_settings(max_examples=400, deadline=None)
# Seoul kept local mean time (+08:27:52) until 1908: read at +08:28, to the minute.
@example(wall=datetime(1908, 1, 1), offset=None, zone_name="Asia/Seoul", date_only=True, near_a_change=False)  # noqa: DTZ001
@example(wall=datetime(1905, 6, 1, 9), offset=None, zone_name="Asia/Seoul", date_only=False, near_a_change=False)  # noqa: DTZ001
@given(
    # Hypothesis takes naive bounds and draws naive wall times; the zones come in the test.
    wall=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),  # noqa: DTZ001
    offset=st.one_of(st.none(), st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1)),
    zone_name=st.sampled_from(ZONES),
    date_only=st.booleans(),
    near_a_change=st.booleans(),
)
def test_any_moment_is_either_refused_with_a_message_or_read_as_the_right_instant(
    wall, offset, zone_name, date_only, near_a_change
):
    zone = ZoneInfo(zone_name)
    if near_a_change:  # half the examples in the hours when clocks change, where mistakes hide
        wall = wall.replace(
            year=2000 + wall.year % 40, month=(3, 4, 10, 11)[wall.month % 4], day=wall.day % 28 + 1, hour=wall.hour % 4
        )
    wall = wall.replace(microsecond=0)
    if date_only:
        raw = wall.date().isoformat()
    else:
        sign = "+" if (offset or 0) >= 0 else "-"
        raw = wall.isoformat() + ("" if offset is None else f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}")
    try:
        moment, has_time = parse_moment(raw, zone)
    except ValueError as err:
        # Either outcome is right for a property: a refusal only has to name the input.
        assert str(err) and raw in str(err)  # noqa: PT017 - see above
        return
    assert has_time is not date_only
    assert MIN_YEAR <= moment.year <= MAX_YEAR
    instant = moment.astimezone(UTC)
    there = instant.astimezone(zone)
    if moment.tzinfo is not zone:
        # Local mean time (an offset with seconds, such as Seoul's before 1908): the same instant, at
        # the offset rounded to the minute, which is all pages, feeds and sitemaps can write.
        real = there.utcoffset()
        assert real is not None and real.seconds % 60, "only an offset with seconds is rounded"
        assert moment.utcoffset() == timedelta(minutes=round(real.total_seconds() / 60))
        assert abs(moment.replace(tzinfo=None) - there.replace(tzinfo=None)) < timedelta(seconds=30)
        moment = there  # as the zone's own clock reads it, for the checks below
    assert there.replace(tzinfo=None) == moment.replace(tzinfo=None), "a real wall time there"
    if date_only:
        assert moment.date() == wall.date()
        earlier = instant - timedelta(minutes=1)
        assert earlier.astimezone(zone).date() < wall.date(), "the first moment of that day"
    elif offset is not None:
        assert instant == wall.replace(tzinfo=timezone(timedelta(minutes=offset))).astimezone(UTC)
    else:
        assert moment.replace(tzinfo=None) == wall
        assert wall.replace(tzinfo=zone).utcoffset() == wall.replace(tzinfo=zone, fold=1).utcoffset(), (
            "a wall time the clocks skip or repeat is refused, never guessed"
        )
        assert instant == wall.replace(tzinfo=zone).astimezone(UTC)


# -- 5. Lengths -------------------------------------------------------------------------------


def test_a_term_name_too_long_is_an_error():
    name = "N" * 101
    assert messages(with_front(*BASE, f"topics: [Torture, {name}]")) == [
        f"{SOURCE}:5: field 'topics': the name '{'N' * 40}…' is 101 characters long; a name may be at most 100 "
        "(it becomes the address of its page): shorten it"
    ]


def test_a_term_whose_address_grows_too_long_when_spelled_out_is_an_error():
    release, problems = parse(with_front(*BASE, "organizations: ['" + "ﷺ" * 20 + "']"))
    assert problems == []
    found, _ = check_terms([release])
    assert [str(p) for p in found] == [
        f"{SOURCE}:5: field 'organizations': the name '{'ﷺ' * 20}' makes a web address of 300 characters; "
        "it may be at most 150: shorten the name"
    ]


def test_names_that_differ_only_in_unicode_normalization_are_one_term_and_the_warning_says_so():
    composed, korean = "C\u00f4te d\u2019Ivoire", "\ubd81\ud55c"  # Côte d’Ivoire, 북한 in syllables
    decomposed = unicodedata.normalize("NFD", composed)
    jamo = unicodedata.normalize("NFD", korean)
    wide = "\uff2b\uff4f\uff52\uff45\uff41"  # Korea in full-width letters
    assert (decomposed, jamo) != (composed, korean)
    first, _ = parse(with_front(*BASE, f"countries: ['{composed}', '{korean}', Korea]"), name="2020-03-03-a.md")
    second, _ = parse(
        with_front(*BASE, f"countries: ['{decomposed}', '{jamo}', '{wide}']"),
        name="2020-03-04-b.md",
    )
    problems, warnings = check_terms([first, second])
    assert problems == []
    alike = (
        " (some look the same but are encoded differently, an accent or a Hangul syllable apart from its "
        "letter: retype them)"
    )
    a, b = "press_releases/2020-03-03-a.md", "press_releases/2020-03-04-b.md"
    assert sorted(warnings) == [
        f"countries: one term spelled 2 ways, shown as '{composed}': '{decomposed}' in {b}; '{composed}' in {a}{alike}",
        f"countries: one term spelled 2 ways, shown as 'Korea': 'Korea' in {a}; '{wide}' in {b}",
        f"countries: one term spelled 2 ways, shown as '{korean}': '{jamo}' in {b}; '{korean}' in {a}{alike}",
    ]


def test_two_names_that_would_share_a_page_are_an_error_naming_both():
    first, _ = parse(with_front(*BASE, "countries: [North Korea]"), name="2020-03-03-a.md")
    second, _ = parse(with_front(*BASE, "countries: [North-Korea]"), name="2020-03-04-b.md")
    problems, _ = check_terms([first, second])
    assert [str(p) for p in problems] == [
        "press_releases/2020-03-04-b.md:5: field 'countries': 'North-Korea' and 'North Korea' (used in "
        "press_releases/2020-03-03-a.md) would share the page countries/north-korea/; spell them the same "
        "if they are one country, or make their names differ in letters or digits"
    ]


def test_a_slug_too_long_is_an_error_whether_given_or_from_the_file_name():
    assert messages(with_front(*BASE, "slug: " + "s" * 101)) == [
        f"{SOURCE}:5: field 'slug': '{'s' * 40}…' is 101 characters long; a slug may be at most 100: shorten it"
    ]
    assert messages(with_front(*BASE), name="2020-03-03-" + "f" * 150 + ".md") == [
        f"press_releases/2020-03-03-{'f' * 150}.md:1: field 'slug': the file name gives a slug of 150 characters; "
        "a slug may be at most 100: add 'slug:' with a shorter one, or shorten the file name"
    ]


@pytest.mark.parametrize(
    "alias",
    ["news/a%2Fb/", "news/%2e%2e/x/", "news/%2E/", "news/a%00b/", "news/%ff%fe/", "news/a%5Cb/", "news/%C2%85/"],
)
def test_an_alias_whose_decoding_is_no_file_of_the_site_is_an_error(alias):
    """A web server decodes %-escapes before it looks for the file: one that decodes to a '/', a
    '..', a control character or bytes that are not UTF-8 would answer elsewhere, or nowhere."""
    assert messages(with_front(*BASE, f"aliases: ['{alias}']")) == [
        f"{SOURCE}:5: field 'aliases': '{alias}' names, once its %-escapes are decoded as a web server decodes "
        "them, no file this site can hold (an encoded '/', '.' or '..' part, a control character, or bytes that "
        "are not UTF-8); expected a path such as 'news/2020/%EB%B6%81%ED%95%9C/'"
    ]


def test_an_alias_too_long_is_an_error():
    alias = "old/" + "a" * 200
    assert messages(with_front(*BASE, f"aliases: [ok/, {alias}]")) == [
        f"{SOURCE}:5: field 'aliases': '{alias[:40]}…' is 204 characters long; an old address may be at most "
        "200: shorten it"
    ]


# -- 6. Across fields and files ------------------------------------------------------------


def test_an_update_before_the_date_is_an_error():
    assert messages(with_front(*BASE[:2], "date: 2020-03-03T09:00+09:00", "updated: 2020-03-03T08:59+09:00")) == [
        f"{SOURCE}:5: field 'updated': 2020-03-03T08:59+09:00 is before the release's date (2020-03-03T09:00+09:00); "
        "'updated' says when the release last changed, after it was published"
    ]
    _, problems = parse(with_front(*BASE[:2], "date: 2020-03-03T09:00+09:00", "updated: 2020-03-03T00:00Z"))
    assert problems == [], "the same instant, written with another offset, is not before"


def test_a_release_naming_itself_as_its_translation_is_an_error():
    assert messages(with_front(*BASE, f"translations: {{ko: {NAME}}}")) == [
        f"{SOURCE}:5: field 'translations.ko': '{NAME}' is this release itself; list the files of its other languages"
    ]


def test_a_translation_in_another_language_than_its_key_is_an_error():
    english, _ = parse(with_front(*BASE, "translations: {ko: 2020-03-03-ko.md, fr: 2020-03-03-fr.md}"))
    korean, _ = parse(with_front(*BASE, "slug: ko", "language: en-GB"), name="2020-03-03-ko.md")
    french, _ = parse(with_front(*BASE, "slug: fr"), name="2020-03-03-fr.md")
    assert [str(p) for p in check_together([english, korean, french])] == [
        f"{SOURCE}:5: field 'translations.ko': '2020-03-03-ko.md' is in 'en-GB' (its 'language:' field), not 'ko'; "
        "list it under 'en-GB:', or give it 'language: ko'",
        f"{SOURCE}:5: field 'translations.fr': '2020-03-03-fr.md' is in 'en' (the site's language; it has no "
        "'language:' field), not 'fr'; list it under 'en:', or give it 'language: fr'",
    ]
    korean.language = "KO"  # language tags do not care about case
    assert len(check_together([english, korean, french])) == 1


def test_a_translation_that_could_not_be_read_is_not_said_to_be_missing():
    english, _ = parse(with_front(*BASE, "translations: {ko: 2020-03-03-ko.md}"))
    assert check_together([english], {NAME, "2020-03-03-ko.md"}) == []


# -- 7. Photos, by their content ------------------------------------------------------------


@pytest.fixture
def photo(tree):
    """Write a photo under the releases folder and read a release that uses it: its messages."""
    project, settings = tree

    def check(name: str, data: bytes) -> list[str]:
        write(project / "press_releases/images" / name, data)
        _, problems = parse_release(
            with_front(*BASE, f"image: {{src: images/{name}, alt: A}}").encode(), NAME, settings
        )
        return [str(p) for p in problems]

    return check


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.jpg", b"Just some text, not a photo.\n", "is not a JPEG image but text; save the photo itself as JPEG"),
        (
            "b.png",
            b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "is not a PNG image but an SVG drawing; save the photo itself as PNG",
        ),
        (
            "c.jpeg",
            b"<!DOCTYPE html><html><body>hi</body></html>",
            "is not a JPEG image but an HTML page; save the photo itself as JPEG",
        ),
        ("d.webp", b"%PDF-1.7\n...", "is not a WEBP image but a PDF document; save the photo itself as WEBP"),
        ("e.gif", b"", "is not a GIF image but nothing (the file is empty); save the photo itself as GIF"),
        (
            "f.png",
            PNG[:20],
            "holds a PNG image that cannot be read (damaged, or cut short); save the photo again as PNG",
        ),
        ("g.jpg", PNG, "holds a PNG image, not a JPEG one: rename it to 'g.png'"),
    ],
)
def test_a_photo_must_be_what_its_name_says(photo, name, data, message):
    assert photo(name, data) == [f"{SOURCE}:5: field 'image.src': the image file 'images/{name}' {message}"]


def test_a_decompression_bomb_is_refused_with_its_size_and_pillow_never_raises_or_warns(photo):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DecompressionBombWarning would fail the test
        assert photo("bomb.png", png_header(20_000, 20_000)) == [
            f"{SOURCE}:5: field 'image.src': the image file 'images/bomb.png' is 20,000 × 20,000 pixels (400 "
            "million); a photo may have at most 50 million pixels: scale it down (2,000 to 4,000 pixels across "
            "is plenty for any screen)"
        ]
        assert photo("big.png", png_header(10_000, 6_000)) == [
            f"{SOURCE}:5: field 'image.src': the image file 'images/big.png' is 10,000 × 6,000 pixels (60 "
            "million); a photo may have at most 50 million pixels: scale it down (2,000 to 4,000 pixels across "
            "is plenty for any screen)"
        ]
        assert photo("fine.png", png_header(8_000, 6_000)) == []


def test_an_svg_photo_is_refused():
    assert messages(with_front(*BASE, "image: {src: images/map.svg, alt: A map}"), files=("images/map.svg",)) == [
        f"{SOURCE}:5: field 'image.src': 'images/map.svg' is an SVG drawing; export it as PNG or JPEG: an SVG "
        "can carry script that would run from the site's own address"
    ]


def test_every_accepted_type_passes(photo, tree):
    project, _ = tree
    for name, kind in (
        ("p.jpg", "JPEG"),
        ("p.jpeg", "JPEG"),
        ("p.png", "PNG"),
        ("p.gif", "GIF"),
        ("p.webp", "WEBP"),
        *([("p.avif", "AVIF")] if ".avif" in images.PHOTO_FORMATS else []),
    ):
        target = project / "press_releases/images" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        PILImage.new("RGB", (12, 8), (200, 30, 30)).save(target, kind)
        assert photo(name, target.read_bytes()) == [], name


def test_a_photo_shared_by_many_releases_is_opened_once(tree, monkeypatch):
    project, settings = tree
    opened = []
    real_open = PILImage.open

    def counting_open(*args, **kwargs):
        opened.append(args[0])
        return real_open(*args, **kwargs)

    monkeypatch.setattr(PILImage, "open", counting_open)
    shared = write(project / "press_releases/images/shared.png", PNG)
    for i in range(5):
        write(
            project / f"press_releases/2020-03-0{i + 1}-r{i}.md",
            with_front(
                'title: "T"', "summary: S", f"date: 2020-03-0{i + 1}", "image: {src: images/shared.png, alt: A}"
            ),
        )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert len(read_archive(settings, now).published) == 5
    assert len(read_archive(settings, now).published) == 5
    assert len(opened) == 1, "once per process and version of the file"
    shared.write_bytes(PNG + b"\0")  # a new version: opened again
    assert Photos(settings)("images/shared.png") is None
    assert len(opened) == 2


# -- 8. make new with a title a shell or make would rewrite ----------------------------------


def test_make_new_takes_the_title_exactly_as_written(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    project = tmp_path / "project"
    (project / "press_releases").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "hooks").symlink_to(ROOT / "hooks")
    (project / ".venv").symlink_to(ROOT / ".venv")
    marker = tmp_path / "ran"
    title = (
        f'Rights $5 `touch {marker}` "quoted" $(touch {marker}) $(shell touch {marker}) $$HOME '
        f"'single' $(TITLE) \\back"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    env["NEWSROOM_NOW"] = "2026-11-26T10:00+09:00"
    made = subprocess.run(
        ["make", "-s", "-o", ".venv/.site-deps", "new", f"TITLE={title}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert not marker.exists(), "nothing in the title was run"
    path = project / made.stdout.strip()
    release, problems = parse_release(
        path.read_bytes(), path.name, Settings(project_dir=project, timezone="Asia/Seoul")
    )
    assert problems == [] and release is not None and release.title == title
    # The same through the environment, as `TITLE=... make new` does.
    env["TITLE"] = "From the environment: $HOME `id`"
    made = subprocess.run(
        ["make", "-s", "-o", ".venv/.site-deps", "new"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert 'title: "From the environment: $HOME `id`"' in (project / made.stdout.strip()).read_text()


# -- End to end: each class of input fails a real build, which publishes nothing --------------


def test_files_that_are_not_releases_fail_the_build(project, tmp_path):
    project.release("2021-01-01-good.md", release_text(title="Good", date="2021-01-01"))
    project.release("2021-01-02-shout.MD", release_text(title="Shout", date="2021-01-02"))
    project.release("2021-01-03-long.markdown", release_text(title="Long", date="2021-01-03"))
    outside = tmp_path / "outside.md"
    outside.write_text(release_text(title="Secret", date="2021-01-04"), encoding="utf-8")
    (project.releases / "2021-01-04-secret.md").symlink_to(outside)
    (project.releases / "images").mkdir()
    (project.releases / "images/passwd.png").symlink_to("/etc/passwd")
    os.mkfifo(project.releases / "2021-01-05-pipe.md")
    link = "outside the project; only files inside the project are read or published: copy the file here"
    project.failing_build(
        "press_releases/2021-01-02-shout.MD: MkDocs would publish a file ending in '.MD' as a page, but only "
        "files ending in '.md' (lower case) are releases: rename it to '2021-01-02-shout.md'",
        "press_releases/2021-01-03-long.markdown: MkDocs would publish a file ending in '.markdown'",
        f"press_releases/2021-01-04-secret.md: the file is a symbolic link to '{outside}', {link}",
        f"press_releases/images/passwd.png: the file is a symbolic link to '/etc/passwd', {link}",
        "press_releases/2021-01-05-pipe.md: the file is not a regular file but a named pipe (FIFO)",
        "5 problems in the press releases:",
    )


def test_a_release_or_page_too_large_to_publish_fails_the_build_and_is_never_read_whole(project, tmp_path):
    limit = MAX_TEXT_BYTES
    text = release_text(title="Long", date="2021-01-01")
    project.release("2021-01-01-long.md", text + "x" * (limit - len(text.encode())))  # exactly the limit
    project.release("2021-01-02-huge.md", text + "word " * (limit // 5))  # a little over it
    project.doc("report.md", "# Report\n\n" + "word " * (limit // 4))
    too_large = "; a release or page may be at most 2,097,152 bytes (2 MiB; a long release is well under 200 KB): "
    too_large += "publish a long "
    huge = len((project.releases / "2021-01-02-huge.md").read_bytes())
    project.failing_build(f"press_releases/2021-01-02-huge.md: the file is {huge:,} bytes (2.0 MiB){too_large}report")
    (project.releases / "2021-01-02-huge.md").unlink()
    project.failing_build(
        "1 problem in the hand-written pages:\n  docs/report.md: the file is 2,621,450 bytes (2.5 MiB);"
    )
    (project.path / "docs/report.md").unlink()
    # Reading stops past the limit, however large the file says it is.
    settings = Settings(project_dir=project.path)
    with (project.releases / "2021-01-03-sparse.md").open("wb") as sparse:
        sparse.truncate(50 * 1024**3)  # 50 GiB, none of it on the disk
    data, problems = read_bytes(settings, "2021-01-03-sparse.md")
    assert data is None and [str(p) for p in problems] == [
        "press_releases/2021-01-03-sparse.md: the file is 53,687,091,200 bytes (51200.0 MiB)"
        f"{too_large}report as a PDF shipped with the releases, and link to it"
    ]
    (project.releases / "2021-01-03-sparse.md").unlink()
    assert project.build().returncode == 0


def test_an_archive_without_releases_fails_the_build_unless_allowed(project):
    project.failing_build(
        "press_releases: the releases folder holds no release (a file such as 2020-03-03-title.md)",
    )
    project.newsroom(allow_empty=True)
    build = project.build()
    assert build.returncode == 0, build.log


def test_control_characters_fail_the_build(project):
    project.release("2021-01-01-good.md", release_text(title="Good", date="2021-01-01"))
    project.release(
        "2021-01-02-bell.md",
        with_front(
            'title: "Bell\x07"', "summary: S", "date: 2021-01-02", 'dateline: "Seoul\\x85"', body="Body\x1b[31m red."
        ),
    )
    project.failing_build(
        f"press_releases/2021-01-02-bell.md:2: field 'title': {control(0x07, 'BEL')}",
        f"press_releases/2021-01-02-bell.md:5: field 'dateline': {control(0x85, 'NEXT LINE', escaped=True)}",
        f"press_releases/2021-01-02-bell.md:8: {control(0x1B, 'ESCAPE')}",
    )


@pytest.mark.parametrize(
    ("terms", "problem"),
    [
        ('countries:\n  Cameroon: {ko: "\u202e\uce74\uba54\ub8ec"}\n', open_control(*OPENERS[3])),
        ('countries:\n  Cameroon: {ko: "\\u2068\uce74\uba54\ub8ec"}\n', open_control(*OPENERS[6], escaped=True)),
        ('countries:\n  Cameroon: {ko: "\\a\uce74\uba54\ub8ec"}\n', control(0x07, "BEL", escaped=True)),
    ],
    ids=["as written", "as an escape", "a control character as an escape"],
)
def test_bidirectional_controls_left_open_fail_the_build_wherever_they_are(project, terms, problem):
    project.release(
        "2021-01-02-title.md", with_front('title: "Cameroon: \u202eevil"', "summary: S", "date: 2021-01-02")
    )
    project.release("_terms.yml", terms)
    project.failing_build(
        f"press_releases/2021-01-02-title.md:2: field 'title': {open_control(*OPENERS[3])}",
        f"press_releases/_terms.yml:2: {problem}",
    )


def test_bidirectional_controls_left_open_in_escapes_references_and_pages_fail_the_build(project):
    closed = "Closed \u202e*across*\u202c elements, &#x2067;<b>as references</b>&#x2069; too"
    project.release(
        "2021-01-01-good.md",
        release_text(title="Good \u2067\u0623\u0645\u0644\u2069", date="2021-01-01", body=closed),
    )
    project.release(
        "2021-01-03-reference.md",
        with_front(*BASE[:2], "date: 2021-01-03", body="Fine.\n\nA reference &#x202E;left open."),
    )
    project.doc("about.md", "---\ntitle: About \u2066us\n---\n\n# About\n\nWho we are \u202d here.\n")
    build = project.failing_build(
        f"press_releases/2021-01-03-reference.md:9: the body {open_control(*OPENERS[3], escaped=True)}",
        f"docs/about.md:2: {open_control(*OPENERS[4])}",
        f"docs/about.md:7: the body {open_control(*OPENERS[2])}",
    )
    assert build.log.count(open_control(*OPENERS[2])) == 1, "the page's body and its file report the same line once"
    assert "2021-01-01-good.md" not in build.log


def published_then_edited(project, cache: bool, body: str = "Body.") -> tuple[dict, Path, dict[str, bytes]]:
    """A site published (with the cache's secret if ``cache``), then a release added: the build's
    environment, the site and what it holds."""
    env = {"NEWSROOM_CACHE_SECRET": "s" * 32} if cache else {}
    project.release("2021-01-01-x.md", release_text(date="2021-01-01", title="First"))
    assert project.build(env=env).returncode == 0
    site = project.path / "site"
    project.release("2021-01-02-y.md", release_text(date="2021-01-02", title="Second", body=body))
    return env, site, snapshot(site)


def published_by_the_next_build(project, env: dict) -> None:
    """No scratch left by the failed build, and the next one, unhindered, publishes the release."""
    assert [p.name for p in project.path.iterdir() if p.name.startswith(".site.newsroom")] == []
    rebuilt = project.build(env=env)
    assert rebuilt.returncode == 0, rebuilt.log
    assert (project.path / "site/news/2021/01/02/y/index.html").exists()


@pytest.mark.parametrize("cache", [False, True], ids=["whole site", "keeping its work"])
def test_a_file_the_system_will_not_let_grow_fails_the_build_with_a_message_and_publishes_nothing(project, cache):
    # As a full disk does: the write fails. The build says so, not with a traceback, and the site
    # stays as it was; the next build, with room, publishes.
    env, site, before = published_then_edited(project, cache, body="Long. " * 30_000)
    failed = project.build(env=env, largest_file=100_000)
    assert failed.returncode == 1, failed.log
    assert "Traceback" not in failed.log, failed.log
    said = re.search(r"ERROR +- +newsroom: the build could not read or write a file \((.*?)\): (.*)", failed.log)
    assert said is not None, failed.log
    assert said[2] == (
        "File too large; the file grew past the size this system allows its files (ulimit -f): raise the limit. "
        "Nothing was published: the site is as it was."
    )
    assert said[1].startswith(str(project.path / ".site.newsroom-")), "the file it could not write"
    assert "Aborted: the build could not read or write a file." in failed.log
    assert snapshot(site) == before
    published_by_the_next_build(project, env)


#: The build's process meets ``site/`` as a mount point (a container's volume), as the system
#: does: it refuses to rename the mount (EBUSY), in one step with the new site or otherwise, or to
#: rename a file from outside it into it (EXDEV: another disk).
SITE_MOUNTED = """
import errno, os
from newsroom import publish
rename, site = os.rename, sys.argv[2]
def inside(path):
    return os.fspath(path).startswith(site + os.sep)
def refusing(source, target, *args, **kwargs):
    if os.fspath(source) == site or os.fspath(target) == site:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), source, target)
    if inside(source) != inside(target):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), source, target)
    return rename(source, target, *args, **kwargs)
os.rename = os.replace = refusing
publish._exchange = lambda a, b: False
"""


@pytest.mark.parametrize("cache", [False, True], ids=["whole site", "keeping its work"])
def test_a_site_folder_that_cannot_be_replaced_fails_with_a_message_and_stays_as_it_was(project, cache):
    env, site, before = published_then_edited(project, cache)
    failed = project.patched_build(SITE_MOUNTED, env)
    assert failed.returncode == 1, failed.log
    assert "Traceback" not in failed.log, failed.log
    reason = "Device or resource busy" if not cache else "Invalid cross-device link"
    assert (
        f"ERROR   -  newsroom: the new site could not take the place of {site}: {reason} "
        "(site/ is most likely a mount point, or on another disk than the folder above it"
    ) in failed.log
    if not cache:
        assert "Nothing was published: the site is as it was." in failed.log
        assert snapshot(site) == before
    else:
        assert "The site may now be part old, part new: the next build writes it whole." in failed.log
    assert "Aborted: the new site could not be published." in failed.log
    published_by_the_next_build(project, env)


def test_a_body_markdown_would_take_hours_to_convert_fails_the_build_in_its_time(project):
    # Python-Markdown takes quadratic time on a run of '[' (20,000: 90 s; Python-Markdown#798): an
    # hourly build would hang. Given one second here (20 by default), the body fails in one.
    project.release("2021-01-01-good.md", release_text(date="2021-01-01", title="Good"))
    project.release("2021-01-02-brackets.md", with_front(*BASE[:2], "date: 2021-01-02", body="[" * 20_000))
    # A hand-written page, which MkDocs converts itself, too.
    project.doc("notes.md", "---\ntitle: Notes\n---\n\n# Notes\n\n" + "[^" * 10_000 + "\n")
    started = time.perf_counter()
    build = project.failing_build(
        "2 problems in the press releases and the hand-written pages:\n",
        "press_releases/2021-01-02-brackets.md:7: the body took more than 1 s of processor time to convert to "
        "HTML, where a body of ordinary text takes a few thousandths of a second: Markdown slows down without "
        "end on some text, such as thousands of '[' or '[^' in one paragraph; break such a run up or delete it",
        "docs/notes.md:5: the page took more than 1 s of processor time to convert to HTML, where a page of "
        "ordinary text takes a few thousandths of a second",
        env={"NEWSROOM_CONVERT_SECONDS": "1"},
        check=False,
    )
    assert time.perf_counter() - started < 30, "stopped after its second, not after the 45 to 90 s each would take"
    assert "2021-01-01-good.md" not in build.log


def test_nested_duplicate_keys_fail_the_build(project):
    project.release("2021-01-01-x.md", with_front(*BASE[:2], "date: 2021-01-01", "extra:", "  owner: a", "  owner: b"))
    project.failing_build(
        "press_releases/2021-01-01-x.md:7: field 'extra.owner': appears twice (lines 6 and 7); keep one"
    )


def test_impossible_times_fail_the_build_and_never_with_a_traceback(project):
    project.newsroom(timezone="America/New_York")
    project.release("2021-01-01-far.md", release_text(title="Far", date="2021-01-01", embargo="9999-12-31T23:00-05:00"))
    project.release("2021-01-02-twice.md", release_text(title="Twice", date="2021-11-07T01:30"))
    build = project.failing_build(
        "press_releases/2021-01-01-far.md:5: field 'embargo': '9999-12-31T23:00-05:00' is outside the years "
        "1900 to 2200 the site accepts; check the year",
        "press_releases/2021-01-02-twice.md:3: field 'date': '2021-11-07T01:30' happens twice in America/New_York",
    )
    assert "Traceback" not in build.log


def test_a_build_clock_outside_the_years_is_a_message(project):
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01"))
    build = project.failing_build(
        "NEWSROOM_NOW: '0001-01-01' is outside the years 1900 to 2200 the site accepts", now="0001-01-01"
    )
    assert "Traceback" not in build.log


def test_an_embargo_across_the_change_of_the_clocks_lifts_on_time_in_a_real_build(project):
    project.newsroom(timezone="America/New_York")
    project.release("2021-10-01-old.md", release_text(title="Old", date="2021-10-01"))
    project.release("2021-11-01-x.md", release_text(title="Embargoed", date="2021-11-01", embargo=EMBARGO_AFTER))
    before = project.build(now=NOW_BEFORE)
    assert before.returncode == 0, before.log
    assert not before.exists("news/2021/11/01/x/")
    assert "Held back until 2021-11-07T01:30:00-05:00: press_releases/2021-11-01-x.md" in before.log
    after = project.build(now=EMBARGO_AFTER)
    assert after.returncode == 0 and after.exists("news/2021/11/01/x/")


def test_names_too_long_for_a_file_fail_the_build_with_a_message_not_a_traceback(project):
    project.release(
        "2021-01-01-x.md",
        release_text(
            title="X", date="2021-01-01", topics=["T" * 300], aliases=["old/" + "a" * 296 + "/"], slug="s" * 300
        ),
    )
    build = project.failing_build(
        f"press_releases/2021-01-01-x.md:6: field 'topics': the name '{'T' * 40}…' is 300 characters long; a "
        "name may be at most 100 (it becomes the address of its page): shorten it",
        f"press_releases/2021-01-01-x.md:8: field 'aliases': 'old/{'a' * 36}…' is 301 characters long; an old "
        "address may be at most 200: shorten it",
        f"press_releases/2021-01-01-x.md:9: field 'slug': '{'s' * 40}…' is 300 characters long; a slug may be at "
        "most 100: shorten it",
    )
    assert "Traceback" not in build.log and "File name too long" not in build.log


def test_fields_and_files_that_disagree_fail_the_build(project):
    project.release(
        "2021-01-01-x.md",
        release_text(title="X", date="2021-01-01", updated="2020-12-31", translations={"en": "2021-01-01-x.md"}),
    )
    project.release(
        "2021-01-05-y.md", release_text(title="Y", date="2021-01-05", translations={"ko": "2021-01-05-y-ko.md"})
    )
    project.release("2021-01-05-y-ko.md", release_text(title="Y ko", date="2021-01-05", slug="y-ko"))
    project.failing_build(
        "press_releases/2021-01-01-x.md:5: field 'updated': 2020-12-31 is before the release's date (2021-01-01); "
        "'updated' says when the release last changed, after it was published",
        "press_releases/2021-01-01-x.md:7: field 'translations.en': '2021-01-01-x.md' is this release itself; "
        "list the files of its other languages",
        "press_releases/2021-01-05-y.md:5: field 'translations.ko': '2021-01-05-y-ko.md' is in 'en' (the site's "
        "language; it has no 'language:' field), not 'ko'; list it under 'en:', or give it 'language: ko'",
    )


def test_photos_that_are_not_what_they_say_fail_the_build(project):
    project.asset("images/text.jpg", b"This is not a photo.\n")
    project.asset("images/bomb.png", png_header(30_000, 30_000))
    project.asset("images/map.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    for day, src in (("01", "images/text.jpg"), ("02", "images/bomb.png"), ("03", "images/map.svg")):
        project.release(
            f"2021-01-{day}-x.md",
            release_text(title="X", date=f"2021-01-{day}", slug=f"x{day}", image={"src": src, "alt": "A"}),
        )
    build = project.failing_build(
        "press_releases/2021-01-01-x.md:7: field 'image.src': the image file 'images/text.jpg' is not a JPEG "
        "image but text; save the photo itself as JPEG",
        "press_releases/2021-01-02-x.md:7: field 'image.src': the image file 'images/bomb.png' is 30,000 × "
        "30,000 pixels (900 million); a photo may have at most 50 million pixels: scale it down",
        "press_releases/2021-01-03-x.md:7: field 'image.src': 'images/map.svg' is an SVG drawing; export it as "
        "PNG or JPEG: an SVG can carry script that would run from the site's own address",
    )
    assert "DecompressionBomb" not in build.log and "Traceback" not in build.log


def test_languages_outside_the_editions_and_two_versions_in_one_language_fail_the_build(project):
    project.newsroom(languages=["en", "ko", "ar"])
    project.release(
        "2021-01-01-x.md",
        release_text(title="X", date="2021-01-01", language="kr", translations={"fr": "2021-01-01-x-fr.md"}),
    )
    project.release("2021-01-01-x-fr.md", release_text(title="X fr", date="2021-01-01", slug="x-fr", language="fr"))
    project.release(
        "2021-01-02-y.md", release_text(title="Y", date="2021-01-02", translations={"ko": "2021-01-02-k.md"})
    )
    project.release(
        "2021-01-02-z.md", release_text(title="Z", date="2021-01-02", translations={"ko": "2021-01-02-k.md"})
    )
    project.release("2021-01-02-k.md", release_text(title="K", date="2021-01-02", language="ko"))
    project.release("2021-01-03-w.md", release_text(title="W", date="2021-01-03", language="en-GB"))
    project.failing_build(
        "press_releases/2021-01-01-x.md:5: field 'language': 'kr' is not one of the site's languages (en, ko, ar, "
        "in extra.newsroom.languages in mkdocs.yml); did you mean 'ko'?",
        "press_releases/2021-01-01-x.md:7: field 'translations.fr': 'fr' is not one of the site's languages (en, ko, "
        "ar, in extra.newsroom.languages in mkdocs.yml)\n",
        "press_releases/2021-01-01-x-fr.md:6: field 'language': 'fr' is not one of the site's languages",
        "press_releases/2021-01-02-z.md:5: field 'translations': this release and press_releases/2021-01-02-y.md are "
        "both in 'en' and linked by 'translations:' as versions of the same release (with 2021-01-02-k.md); a "
        "release has one version per language: link only one of them",
        "press_releases/2021-01-03-w.md:5: field 'language': 'en-GB' is not one of the site's languages (en, ko, ar, "
        "in extra.newsroom.languages in mkdocs.yml); did you mean 'en'?",
    )


def test_the_editions_setting_is_checked(project):
    for languages, message in (
        ("en", "extra.newsroom.languages: expected a list of BCP 47 language tags, the default first"),
        (
            ["en", "english"],
            "extra.newsroom.languages: expected BCP 47 language tags such as 'en', 'ko' or 'pt-BR', got 'english'",
        ),
        (["en", "ko", "KO"], "extra.newsroom.languages: 'KO' is listed twice (as 'ko' before); list it once"),
    ):
        project.newsroom(languages=languages)
        project.failing_build(message)
    project.newsroom(languages=["ko", "en"], language="en")
    project.failing_build(
        "extra.newsroom.language: 'en' must be the first of extra.newsroom.languages (ko, en): the default edition "
        "is the first; reorder them, or leave 'language' out"
    )
