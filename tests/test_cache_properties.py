"""Builds that take what they can from the caches (the read cache, the page and text caches, the
related releases, the feeds, the search index, the published site left in place) against builds
without them, after edits Hypothesis chooses: the site is the same byte for byte, a build that
fails fails alike and leaves the published site as it was, and a release held back by a draft or
an embargo is on no page, feed or index of it."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import date

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import NOW, Project, snapshot
from helpers import leaks, png

SECRET = {"NEWSROOM_CACHE_SECRET": "a secret of the publishing workflow"}
COLD = {"NEWSROOM_CACHE": "0"}
#: Twelve hours after NOW: an embargo lifted at LIFTED is over then.
LATER = "2026-11-01T12:00:00Z"
LIFTED = "2026-11-01T06:00:00Z"
FUTURE = "2027-01-01T00:00:00Z"

RELEASES = 5
COUNTRIES = ["Iran", "Russia", "Syria"]
TOPICS = ["Torture", "Free Speech"]
PHOTOS = ["field.png", "portrait.png"]
SIZES = [(640, 360), (300, 400), (1200, 800)]
WORDS = ["detention", "journalists", "torture", "coalition", "elections", "refugees"]


@dataclass
class Release:
    name: str
    title: str
    day: date
    countries: list[str]
    topics: list[str]
    body: list[str] = field(default_factory=list)
    draft: bool = False
    embargo: str | None = None
    present: bool = True
    photo: str | None = None
    """The file name of its photo under ``images/``."""
    language: str | None = None
    translation: str | None = None
    """The file name of the English version, for a Korean release."""

    def text(self) -> str:
        front: dict[str, object] = {
            "title": self.title,
            "date": self.day.isoformat(),
            "summary": f"What happened to {self.title}.",
            "countries": self.countries,
            "topics": self.topics,
        }
        if self.photo:
            front["image"] = {"src": f"images/{self.photo}", "alt": "A photo.", "credit": "A photographer"}
        if self.draft:
            front["draft"] = True
        if self.embargo:
            front["embargo"] = self.embargo
        if self.language:
            front["language"] = self.language
        if self.translation:
            front["translations"] = {"en": self.translation}
        body = "\n\n".join(["(Geneva) – The first paragraph of the release.", *self.body])
        return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n"


def _start() -> list[Release]:
    return [
        Release(
            f"2020-0{n + 1}-1{n}-release-{n}.md",
            f"Release number {n}",
            date(2020, n + 1, 10 + n),
            [COUNTRIES[n % 3]],
            [TOPICS[n % 2]],
            [f"A paragraph about {WORDS[n]} and {WORDS[(n + 1) % 6]}."],
            photo=PHOTOS[n % 2] if n < 3 else None,
        )
        for n in range(RELEASES)
    ]


which = st.integers(0, RELEASES - 1)
EDITS = st.one_of(
    st.tuples(st.just("paragraph"), which, st.sampled_from(WORDS)),
    st.tuples(st.just("title"), which, st.sampled_from(WORDS)),
    st.tuples(st.just("countries"), which, st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2, unique=True)),
    st.tuples(st.just("topics"), which, st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True)),
    st.tuples(st.just("embargo"), which, st.sampled_from([None, LIFTED, FUTURE])),
    st.tuples(st.just("draft"), which, st.booleans()),
    st.tuples(st.just("date"), which, st.dates(date(2019, 1, 1), date(2026, 10, 31))),
    st.tuples(st.just("link"), which, which),
    st.tuples(st.just("remove or restore"), which),
    st.tuples(st.just("photo"), which, st.none() | st.sampled_from(PHOTOS)),
    st.tuples(st.just("photo file"), st.sampled_from(PHOTOS), st.sampled_from(SIZES)),
)
#: Each build after the first: the edits made before it, whether the clock has moved on to LATER,
#: and whether the published site was restored from elsewhere (as the publishing workflow restores
#: it: every file a copy, its inode new) rather than left in place.
STEPS = st.lists(
    st.tuples(st.lists(EDITS, min_size=1, max_size=3), st.booleans(), st.booleans()), min_size=1, max_size=3
)


def _edit(project: Project, releases: list[Release], edit: tuple) -> None:
    kind, number, *rest = edit
    if kind == "photo file":  # the file replaced, at another size; every release showing it unchanged
        project.asset(f"images/{number}", png(*rest[0]))
        return
    release = releases[number]
    if kind == "paragraph":
        release.body.append(f"A new paragraph about {rest[0]}.")
    elif kind == "title":
        release.title = f"{release.title.split(':')[0]}: {rest[0]}"
    elif kind in ("countries", "topics"):
        setattr(release, kind, rest[0])
    elif kind == "embargo":
        release.embargo = rest[0]
    elif kind == "draft":
        release.draft = rest[0]
    elif kind == "date":
        release.day = rest[0]
    elif kind == "photo":
        release.photo = rest[0]
    elif kind == "link":
        release.body.append(f"See [the other release]({releases[rest[0]].name}).")
    else:
        release.present = not release.present


def _write(project: Project, releases: list[Release]) -> None:
    """The releases' files as the edits left them; a file whose text did not change is not touched."""
    for release in releases:
        path = project.releases / release.name
        if not release.present:
            path.unlink(missing_ok=True)
        elif not path.exists() or path.read_text(encoding="utf-8") != release.text():
            path.write_text(release.text(), encoding="utf-8")


def _held(releases: list[Release], now: str) -> list[Release]:
    """Releases on file that no page may show: drafts, and those under an embargo not over at ``now``."""
    return [r for r in releases if r.present and (r.draft or (r.embargo is not None and r.embargo > now))]


def _builds_alike(project: Project, releases: list[Release], steps: list, edit=None) -> None:
    """From a first build, each step's edits (``_edit``, or ``edit`` for its own kinds), then a
    build from the caches and one without them into another folder: the same site byte for byte,
    or the same failure with the published site untouched; no held release anywhere."""
    for photo in PHOTOS:
        project.asset(f"images/{photo}", png(*SIZES[0]))
    _write(project, releases)
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    cold_site = project.path / "cold"
    now = NOW
    for edits, later, restored in steps:
        for change in edits:
            if edit is None or not edit(change):
                _edit(project, releases, change)
        if later:
            now = LATER
        _write(project, releases)
        if restored:
            shutil.copytree(project.path / "site", project.path / "restored", symlinks=True)
            shutil.rmtree(project.path / "site")
            (project.path / "restored").rename(project.path / "site")
        before = snapshot(project.path / "site")
        warm = project.build(env=SECRET, now=now)
        cold = project.build(env={**SECRET, **COLD}, now=now, site=cold_site)
        assert warm.returncode == cold.returncode, f"{edits}:\nfrom the caches:\n{warm.log}\nwithout:\n{cold.log}"
        if warm.returncode != 0:
            assert _problems(warm.log) == _problems(cold.log)
            assert snapshot(project.path / "site") == before, "a failed build changed the published site"
            continue
        site = snapshot(project.path / "site")
        other = snapshot(cold_site)
        differ = sorted(name for name in site.keys() | other.keys() if site.get(name) != other.get(name))
        where = f"after {edits} (at {now}, restored: {restored})"
        assert differ == [], f"{where}, the site from the caches differs: {differ[:10]}"
        for release in _held(releases, now):
            slug = release.name[len("2020-01-10-") : -len(".md")]
            found = leaks(project.path / "site", slug) + leaks(project.path / "site", release.title.lower())
            assert found == [], f"{release.name}, held back, is in {found[:5]}"


PROPERTY = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(steps=STEPS)
@example(steps=[([("draft", 0, True), ("embargo", 3, FUTURE)], False, False)])  # held: shown nowhere
@example(steps=[([("photo file", "field.png", (300, 400))], False, False)])  # two releases show it
@example(steps=[([("title", 2, "coalition")], False, False)])  # its neighbours and listings show it
@example(steps=[([("embargo", 1, LIFTED)], False, False), ([("paragraph", 0, "torture")], True, True)])
@example(steps=[([("link", 0, 1), ("remove or restore", 1)], False, False), ([("remove or restore", 1)], False, True)])
def test_a_build_from_the_caches_is_a_build_without_them_whatever_was_edited(tmp_path_factory, steps):
    project = Project(tmp_path_factory.mktemp("cached") / "project")
    project.newsroom(per_page=2, home_count=2, feed_items=2, related_count=2)
    _builds_alike(project, _start(), steps)


#: The Korean names of countries that ``_terms.yml`` may give.
KOREAN = {"Iran": ["이란", "이란 이슬람 공화국"], "Russia": ["러시아"], "Syria": ["시리아"]}
KOREAN_RELEASES = 2
EDITION_EDITS = st.one_of(
    EDITS,
    st.tuples(st.just("korean"), st.none(), EDITS),
    st.tuples(st.just("translation"), st.integers(0, KOREAN_RELEASES - 1), st.none() | which),
    st.tuples(
        st.just("term name"),
        st.sampled_from(COUNTRIES),
        st.none() | st.sampled_from([name for names in KOREAN.values() for name in names]),
    ),
)
EDITION_STEPS = st.lists(
    st.tuples(st.lists(EDITION_EDITS, min_size=1, max_size=3), st.booleans(), st.booleans()), min_size=1, max_size=3
)


@PROPERTY
@given(steps=EDITION_STEPS)
@example(steps=[([("translation", 0, None)], False, False), ([("term name", "Iran", "러시아")], False, True)])
@example(steps=[([("translation", 1, 0)], False, False)])  # two Korean releases claim one English one
def test_editions_built_from_the_caches_are_built_without_them_whatever_was_edited(tmp_path_factory, steps):
    project = Project(tmp_path_factory.mktemp("editions") / "project")
    project.newsroom(languages=["en", "ko"], per_page=2, home_count=2, feed_items=2, related_count=2)
    releases = _start()
    korean = [
        Release(
            f"2021-0{n + 1}-2{n}-korean-{n}.md",
            f"한국어 보도자료 {n}",
            date(2021, n + 1, 20 + n),
            [COUNTRIES[n % 3]],
            [TOPICS[n % 2]],
            [f"{WORDS[n]}에 관한 문단입니다."],
            language="ko",
            translation=releases[n].name,
        )
        for n in range(KOREAN_RELEASES)
    ]
    names: dict[str, str] = {"Iran": "이란"}
    terms = project.releases / "_terms.yml"
    terms.write_text(yaml.safe_dump({"countries": {"Iran": {"ko": "이란"}}}, allow_unicode=True), encoding="utf-8")

    def edit(change: tuple) -> bool:
        if change[0] == "translation":
            _, number, english = change
            korean[number].translation = None if english is None else releases[english].name
            return True
        if change[0] == "term name":
            _, country, name = change
            if name is None:
                names.pop(country, None)
            else:
                names[country] = name
            named = {"countries": {c: {"ko": n} for c, n in sorted(names.items())}}
            terms.write_text(yaml.safe_dump(named, allow_unicode=True), encoding="utf-8")
            return True
        if change[0] == "korean":  # an edit of a Korean release (a link leads to the other one)
            kind, number, *rest = change[2]
            if kind != "photo file":
                number %= KOREAN_RELEASES
                rest = [r % KOREAN_RELEASES if kind == "link" else r for r in rest]
            _edit(project, korean, (kind, number, *rest))
            return True
        return False

    _builds_alike(project, [*releases, *korean], steps, edit)


def _problems(log: str) -> list[str]:
    """The lines of a build log that name a file's problem (``path:LINE: ...``)."""
    return sorted(line.strip() for line in log.splitlines() if re.search(r"\.md:\d+: ", line))
