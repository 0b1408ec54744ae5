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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, Project, snapshot

SECRET = {"NEWSROOM_CACHE_SECRET": "a secret of the publishing workflow"}
COLD = {"NEWSROOM_CACHE": "0"}
#: Twelve hours after NOW: an embargo lifted at LIFTED is over then.
LATER = "2026-11-01T12:00:00Z"
LIFTED = "2026-11-01T06:00:00Z"
FUTURE = "2027-01-01T00:00:00Z"

RELEASES = 5
COUNTRIES = ["Iran", "Russia", "Syria"]
TOPICS = ["Torture", "Free Speech"]
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

    def text(self) -> str:
        front: dict[str, object] = {
            "title": self.title,
            "date": self.day.isoformat(),
            "summary": f"What happened to {self.title}.",
            "countries": self.countries,
            "topics": self.topics,
        }
        if self.draft:
            front["draft"] = True
        if self.embargo:
            front["embargo"] = self.embargo
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
)
#: Each build after the first: the edits made before it, whether the clock has moved on to LATER,
#: and whether the published site was restored from elsewhere (as the publishing workflow restores
#: it: every file a copy, its inode new) rather than left in place.
STEPS = st.lists(
    st.tuples(st.lists(EDITS, min_size=1, max_size=3), st.booleans(), st.booleans()), min_size=1, max_size=3
)


def _edit(releases: list[Release], edit: tuple) -> None:
    kind, number, *rest = edit
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


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
def test_a_build_from_the_caches_is_a_build_without_them_whatever_was_edited(tmp_path_factory, steps):
    project = Project(tmp_path_factory.mktemp("cached") / "project")
    project.newsroom(per_page=2, home_count=2, feed_items=2, related_count=2)
    releases = _start()
    _write(project, releases)
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    cold_site = project.path / "cold"
    now = NOW
    for edits, later, restored in steps:
        for edit in edits:
            _edit(releases, edit)
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
            leaks = [name for name, data in site.items() if slug.encode() in data or release.title.encode() in data]
            assert leaks == [], f"{release.name}, held back, is in {leaks[:5]}"


def _problems(log: str) -> list[str]:
    """The lines of a build log that name a file's problem (``path:LINE: ...``)."""
    return sorted(line.strip() for line in log.splitlines() if re.search(r"\.md:\d+: ", line))
