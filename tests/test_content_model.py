"""The content model: what a release file may hold, and the message for everything it may not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsroom.archive import build_archive, check_together
from newsroom.errors import ContentError, Problem
from newsroom.reader import default_slug, parse_moment, parse_release
from newsroom.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(project_dir=Path("/nowhere"), timezone="Asia/Seoul")
NAME = "2020-03-03-stand-with-victims.md"
GOOD = """---
title: "South Korea: Stand With North Korean Victims"
summary: A coalition asks the president to act.
date: 2020-03-03
---

(Seoul) – Body.
"""


def parse(text: str | bytes, name: str = NAME, files: tuple[str, ...] = ("images/photo.jpg",)):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_release(data, name, SETTINGS, file_exists=lambda path: path in files)


def messages(text: str | bytes, **kwargs) -> list[str]:
    release, problems = parse(text, **kwargs)
    assert release is None, "a release with problems must not be published"
    return [str(p) for p in problems]


def with_front(*lines: str, body: str = "Body.") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


BASE = ('title: "T"', "summary: S", "date: 2020-03-03")


# -- what a good release gives ---------------------------------------------------


def test_a_good_release_is_read_with_its_defaults():
    release, problems = parse(GOOD)
    assert problems == []
    assert release.title == "South Korea: Stand With North Korean Victims"
    assert release.slug == "stand-with-victims"
    assert release.date == datetime(2020, 3, 3, tzinfo=ZoneInfo("Asia/Seoul"))
    assert release.language == "en"
    assert release.body == "(Seoul) – Body."
    assert release.source == "press_releases/" + NAME
    assert release.lines == {"title": 2, "summary": 3, "date": 4}


def test_every_field_is_typed():
    release, problems = parse(
        with_front(
            *BASE[:2],
            "date: 2020-03-03T09:00:00+09:00",
            "dateline: Seoul",
            "regions: Asia",
            "countries: [North Korea, South Korea]",
            "topics:\n  - Accountability",
            "organizations: ICNK",
            "image:\n  src: images/photo.jpg\n  alt: A photo\n  caption: A caption\n"
            "  credit: © 2020 Kyodo via AP Images",
            "slug: stand-with-victims",
            "language: ko-KR",
            "updated: 2020-03-05T10:00",
            "draft: false",
            "embargo: 2020-03-03T08:00+09:00",
            "aliases: [2020/03/old-title]",
            "corrections:\n  - date: 2020-03-05\n    note: Fixed a name.",
            "translations: {ko: other.md}",
            "extra: {campaign: north-korea, weight: 3}",
        )
    )
    assert problems == []
    assert release.regions == ("Asia",)  # a single string is a one-item list
    assert release.countries == ("North Korea", "South Korea")
    assert release.organizations == ("ICNK",)
    assert release.image.src == "images/photo.jpg"
    assert release.image.credit == "© 2020 Kyodo via AP Images"
    assert release.language == "ko-KR"
    assert release.updated == datetime(2020, 3, 5, 10, tzinfo=ZoneInfo("Asia/Seoul"))
    assert release.draft is False
    assert release.embargo == datetime(2020, 3, 3, 8, tzinfo=timezone(timedelta(hours=9)))
    assert release.aliases == ("2020/03/old-title/",)
    assert release.corrections[0].note == "Fixed a name."
    assert release.translations == {"ko": "other.md"}
    assert release.extra == {"campaign": "north-korea", "weight": 3}


def test_dates_without_offset_are_in_the_site_time_zone_and_offsets_are_converted_to_it():
    zone = ZoneInfo("Asia/Seoul")
    assert parse_moment("2020-03-03T09:00", zone) == (datetime(2020, 3, 3, 9, tzinfo=zone), True)
    moment, _ = parse_moment("2020-03-02T23:30Z", zone)
    assert moment.tzinfo == zone and (moment.day, moment.hour) == (3, 8)
    assert parse_moment("2020-03-03 09:00:00 +09:00", zone)[0].hour == 9


def test_a_utf8_bom_and_crlf_line_endings_are_accepted():
    release, problems = parse(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert problems == []
    assert release.title.startswith("South Korea")
    assert release.lines["date"] == 4


def test_the_slug_defaults_to_the_file_name_without_its_date():
    assert default_slug("2020-03-03-stand-with-victims.md") == "stand-with-victims"
    assert default_slug("2020/Joint Letter.md") == "joint-letter"


# -- every bad input the issue names, with its message ---------------------------


def test_yaml_syntax_error_names_its_line():
    (message,) = messages(with_front('title: "T"', "summary: [unclosed", "date: 2020-03-03"))
    assert message.startswith(f"press_releases/{NAME}:")
    assert "YAML syntax error in the front matter: while parsing a flow sequence" in message


def test_yaml_syntax_error_line_is_the_offending_line():
    (message,) = messages(with_front('title: "T"', "summary: S", "date: 2020-03-03", "countries: a: b"))
    assert message.startswith(f"press_releases/{NAME}:5: YAML syntax error in the front matter:")
    assert message.endswith("mapping values are not allowed in this context")


def test_no_front_matter():
    assert messages("Just text.\n") == [
        f"press_releases/{NAME}:1: no front matter; a release starts with a line '---', then fields "
        "such as 'title:', 'date:' and 'summary:', then a line '---'"
    ]


def test_front_matter_never_closed():
    assert messages("---\ntitle: T\n") == [
        f"press_releases/{NAME}:1: the front matter opened here is never closed by a line '---'"
    ]


def test_empty_file():
    assert messages("") == [
        f"press_releases/{NAME}:1: the file is empty; "
        "a release starts with front matter holding title, date and summary"
    ]
    assert messages(b"\n  \n") == messages("")


@pytest.mark.parametrize("missing", ["title", "date", "summary"])
def test_missing_required_field(missing):
    lines = [line for line in BASE if not line.startswith(missing)]
    assert messages(with_front(*lines)) == [
        f"press_releases/{NAME}:1: field '{missing}': missing; every release needs a {missing}"
    ]


def test_empty_required_field():
    assert messages(with_front("title:", *BASE[1:])) == [
        f"press_releases/{NAME}:2: field 'title': is empty; write the text after the colon"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "March 5",
            "expected an ISO 8601 date such as 2020-03-05 or a date-time such as 2020-03-05T09:00+09:00, got 'March 5'",
        ),
        (
            "2020-02-30",
            "'2020-02-30' is not a real date or time (day is out of range for month); "
            "expected an ISO 8601 date such as 2020-03-05 or a date-time such as 2020-03-05T09:00+09:00",
        ),
        (
            "2020-03-03T25:00",
            "'2020-03-03T25:00' is not a real date or time (hour must be in 0..23); "
            "expected an ISO 8601 date such as 2020-03-05 or a date-time such as 2020-03-05T09:00+09:00",
        ),
    ],
)
def test_unparseable_or_impossible_date(value, message):
    assert messages(with_front(*BASE[:2], f"date: {value}")) == [f"press_releases/{NAME}:4: field 'date': {message}"]


def test_wrong_types():
    assert messages(with_front(*BASE, "countries: 5")) == [
        f"press_releases/{NAME}:5: field 'countries': expected a name or a list of names "
        '(put it in quotes to use it as text: "5"), got the number 5'
    ]
    assert messages(with_front("title: [a, b]", *BASE[1:])) == [
        f"press_releases/{NAME}:2: field 'title': expected text, got a list"
    ]
    assert messages(with_front(*BASE, "draft: maybe")) == [
        f"press_releases/{NAME}:5: field 'draft': expected true or false, got 'maybe'"
    ]
    assert messages(with_front(*BASE, "image: photo.jpg")) == [
        f"press_releases/{NAME}:5: field 'image': expected a mapping with 'src:' (the image file) "
        "and 'alt:' (its description), got 'photo.jpg'"
    ]


def test_unknown_key_suggests_the_field_it_resembles():
    assert messages(with_front(*BASE, "contries: [North Korea]")) == [
        f"press_releases/{NAME}:5: field 'contries': unknown field; did you mean 'countries'?; "
        "put custom fields under 'extra:'"
    ]
    assert messages(with_front(*BASE, "campaign: x")) == [
        f"press_releases/{NAME}:5: field 'campaign': unknown field; put custom fields under 'extra:'"
    ]


def test_a_field_given_twice():
    assert messages(with_front(*BASE, 'title: "Again"')) == [
        f"press_releases/{NAME}:5: field 'title': appears twice (lines 2 and 5); keep one"
    ]


def test_invalid_utf8_names_the_byte_offset():
    data = GOOD.encode().replace(b"Body.", b"Bo\xffdy.")
    offset = data.index(b"\xff")
    assert messages(data) == [f"press_releases/{NAME}:7: invalid UTF-8 at byte {offset} (0xff); save the file as UTF-8"]


@pytest.mark.parametrize("slug", ["Stand With Victims", "../x", "a/b", "x_y", "-x", "x--y"])
def test_bad_slug(slug):
    (message,) = messages(with_front(*BASE, f"slug: '{slug}'"))
    assert message.startswith(
        f"press_releases/{NAME}:5: field 'slug': '{slug}' may only contain lowercase letters a-z, "
        "digits 0-9 and single hyphens between them; expected a slug"
    )


def test_image_file_that_does_not_exist():
    assert messages(with_front(*BASE, "image:\n  src: images/missing.jpg\n  alt: A photo")) == [
        f"press_releases/{NAME}:6: field 'image.src': the image file 'images/missing.jpg' does not exist "
        "(looked for press_releases/images/missing.jpg)"
    ]


def test_image_outside_the_releases_folder():
    assert messages(with_front(*BASE, "image:\n  src: ../../etc/passwd.jpg\n  alt: A photo")) == [
        f"press_releases/{NAME}:6: field 'image.src': '../../etc/passwd.jpg' must be a relative path "
        "to a file inside the releases folder"
    ]


def test_image_without_alt_text():
    assert messages(with_front(*BASE, "image:\n  src: images/photo.jpg\n  caption: C")) == [
        f"press_releases/{NAME}:6: field 'image.alt': missing; an image needs alt text describing it "
        "for readers who cannot see it"
    ]


@pytest.mark.parametrize(
    "tagged",
    [
        "title: !!python/object/apply:os.system ['echo pwned']",
        "extra: {x: !!python/object:object {}}",
    ],
)
def test_yaml_tags_that_construct_objects_are_refused(tagged):
    (message,) = messages(with_front(*[line for line in BASE if not tagged.startswith(line[:5])], tagged))
    assert "YAML tag '!!python/object" in message
    assert message.endswith("is not allowed; front matter holds only text, numbers, true/false, lists and mappings")
    assert f"field '{tagged.split(':')[0]}'" in message


def test_every_yaml_tag_that_constructs_objects_is_reported_with_its_line_and_field():
    refused = "is not allowed; front matter holds only text, numbers, true/false, lists and mappings"
    assert messages(
        with_front(
            'title: !!python/object/apply:os.system ["echo pwned"]',
            "summary: S",
            "date: 2020-03-03",
            "extra:",
            "  plain: text",
            "  object: !!python/object:object {}",
            "  bytes: !!binary aGk=",
        )
    ) == [
        f"press_releases/{NAME}:2: field 'title': YAML tag '!!python/object/apply:os.system' {refused}",
        f"press_releases/{NAME}:7: field 'extra': YAML tag '!!python/object:object' {refused}",
        f"press_releases/{NAME}:8: field 'extra': YAML tag '!!binary' {refused}",
    ]


def test_all_problems_of_a_file_are_reported_together():
    found = messages(with_front("title: [a]", "summary: S", "date: March 5", "contries: x"))
    assert [m.split(": ", 2)[1] for m in found] == ["field 'title'", "field 'date'", "field 'contries'"]


def test_two_releases_at_one_url_name_both_files():
    first, _ = parse(GOOD, name="2020-03-03-a.md")
    second, _ = parse(with_front(*BASE, "slug: a"), name="2020-03-03-b.md")
    (problem,) = check_together([first, second])
    assert str(problem) == (
        "press_releases/2020-03-03-b.md:5: field 'slug': this release and press_releases/2020-03-03-a.md "
        "would both be published at news/2020/03/03/a/; give one of them another 'slug:'"
    )


def test_the_report_lists_every_problem_sorted_by_file_and_line():
    error = ContentError(
        [Problem("press_releases/b.md", "late", 9), Problem("press_releases/a.md", "early", 3, "date")]
    )
    assert error.report() == (
        "2 problems in the press releases:\n  press_releases/a.md:3: field 'date': early\n  press_releases/b.md:9: late"
    )


def test_drafts_and_future_releases_are_held_back():
    now = datetime(2026, 11, 1, tzinfo=UTC)
    published, _ = parse(GOOD, name="2020-03-03-a.md")
    draft, _ = parse(with_front(*BASE, "draft: true"), name="2020-03-03-b.md")
    future, _ = parse(with_front(*BASE[:2], "date: 2027-01-01"), name="2027-01-01-c.md")
    archive = build_archive([published, draft, future], now)
    assert [r.name for r in archive.published] == ["2020-03-03-a.md"]
    assert [r.name for r in archive.held] == ["2020-03-03-b.md", "2027-01-01-c.md"]


def test_a_term_named_twice_in_one_release_counts_once():
    from newsroom.related import RelatedIndex
    from newsroom.taxonomy import build_taxonomies

    release, problems = parse(with_front(*BASE, "countries: [North Korea, north  korea, NORTH KOREA, Kenya]"))
    assert problems == []
    assert release.countries == ("North Korea", "Kenya")
    other, _ = parse(with_front(*BASE[:2], "date: 2020-03-04", "countries: [North Korea]"), name="2020-03-04-b.md")
    taxonomies = build_taxonomies([other, release])
    term = taxonomies.term("countries", "North Korea")
    assert term is not None
    assert [r.name for r in term.releases] == ["2020-03-04-b.md", NAME]
    assert [t.name for t in taxonomies.of(release, "countries")] == ["North Korea", "Kenya"]
    assert RelatedIndex([other, release], taxonomies).related(other, 5) == [release]


def test_an_embargo_only_ever_holds_a_release_back():
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    early, _ = parse(with_front(*BASE[:2], "date: 2026-12-01", "embargo: 2026-11-01T09:00Z"), name="2026-12-01-a.md")
    late, _ = parse(with_front(*BASE[:2], "date: 2026-10-01", "embargo: 2026-11-02T09:00Z"), name="2026-10-01-b.md")
    lifted, _ = parse(with_front(*BASE[:2], "date: 2026-10-01", "embargo: 2026-11-01T09:00Z"), name="2026-10-01-c.md")
    archive = build_archive([early, late, lifted], now)
    assert [r.name for r in archive.published] == ["2026-10-01-c.md"]
    assert [r.name for r in archive.held] == ["2026-10-01-b.md", "2026-12-01-a.md"]


def test_settings_are_checked():
    with pytest.raises(SettingsError, match="unknown time zone 'Mars/Olympus'"):
        Settings.from_mapping(Path("."), {"timezone": "Mars/Olympus"})
    with pytest.raises(SettingsError, match="did you mean 'per_page'"):
        Settings.from_mapping(Path("."), {"perpage": 10})
    with pytest.raises(SettingsError, match="expected a whole number of at least 1"):
        Settings.from_mapping(Path("."), {"per_page": 0})
    with pytest.raises(SettingsError, match="search_shard_size: expected a whole number of at least 1, got 'many'"):
        Settings.from_mapping(Path("."), {"search_shard_size": "many"})


def test_a_term_name_without_letters_or_digits_is_an_error():
    from newsroom.taxonomy import check_terms

    release, problems = parse(with_front(*BASE, "topics: ['???']"))
    assert problems == []
    found, _ = check_terms([release])
    assert [str(p) for p in found] == [
        f"press_releases/{NAME}:5: field 'topics': the name '???' has no letters or digits to make a web address from"
    ]


def test_the_preview_cache_notices_a_photo_that_appears_or_disappears(tmp_path):
    from newsroom.archive import ReadCache

    settings = Settings(project_dir=tmp_path, timezone="Asia/Seoul")
    (tmp_path / "press_releases").mkdir()
    (tmp_path / "press_releases" / NAME).write_text(
        with_front(*BASE, "image: {src: images/p.png, alt: A photo}"), encoding="utf-8"
    )
    cache = ReadCache()
    release, problems = cache.read(settings, NAME)
    assert release is None and [p.field for p in problems] == ["image.src"]
    (tmp_path / "press_releases/images").mkdir()
    # A real PNG: photos are checked by their content.
    (tmp_path / "press_releases/images/p.png").write_bytes(
        (ROOT / "tests/fixtures/archive/images/field.png").read_bytes()
    )
    release, problems = cache.read(settings, NAME)  # the release file itself did not change
    assert problems == [] and release is not None and release.image is not None
    assert release.image.src == "images/p.png"
    assert cache.read(settings, NAME)[0] is release, "unchanged: from the cache"
    (tmp_path / "press_releases/images/p.png").unlink()
    assert [p.field for p in cache.read(settings, NAME)[1]] == ["image.src"]
