"""Pages kept between builds (``newsroom.page_cache``): an hourly build writes from the cache every
page whose content did not change, renders the others, and gives the same site byte for byte as a
build without the cache; a page changed in the cache by someone without the secret is never
published."""

from __future__ import annotations

import io
import json
import marshal
import pickle
import re
import shutil
import sqlite3
from array import array
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from conftest import REPOSITORY_LANGUAGES, ROOT, Build, release_text, snapshot
from helpers import ARCHIVE, png
from newsroom import page_cache, template_cache

SECRET = {page_cache.SECRET_VARIABLE: "a secret of the publishing workflow"}
COLD = {"NEWSROOM_CACHE": "0"}


def _counts(log: str) -> tuple[int, int]:
    """(pages written from the cache, pages rendered) as the build logged them."""
    found = re.search(r"pages from the cache: (\d+) written from the cache, (\d+) to render", log)
    assert found, log
    return int(found[1]), int(found[2])


def _cached(project) -> dict[str, bytes]:
    with sqlite3.connect(project.path / ".cache/newsroom" / page_cache.FILE) as db:
        return dict(db.execute("SELECT key, data FROM pages"))


def _same_as_cold(project, build) -> None:
    """The site built with the cache is byte for byte the site built without it."""
    assert build.returncode == 0, build.log
    kept = snapshot(build.site)
    cold = project.build(env={**SECRET, **COLD})
    assert cold.returncode == 0, cold.log
    assert "pages from the cache" not in cold.log
    other = snapshot(cold.site)
    differ = sorted(name for name in kept.keys() | other.keys() if kept.get(name) != other.get(name))
    assert differ == [], f"differs from a build without the cache: {differ[:10]}"


def test_an_hourly_build_renders_only_what_changed_and_is_byte_for_byte_a_cold_build(project):
    project.copy_releases(ARCHIVE)
    releases = sorted(project.releases.glob("*.md"))
    photo = next(r for r in releases[40:] if "images/field.png" in r.read_text())
    project.asset("images/solo.png", png(640, 200))  # a photo of one release
    photo.write_text(photo.read_text().replace("images/field.png", "images/solo.png"))
    # One release links two others: one will move (a new slug), the other be held back.
    held, linking, moved = releases[20], releases[21], releases[25]
    linking.write_text(linking.read_text() + f"\nSee [the other one]({held.name}) and [this]({moved.name}).\n")
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    reused, rendered = _counts(first.log)
    assert reused == 0 and rendered > 60
    total = rendered

    again = project.build(env=SECRET)
    assert _counts(again.log) == (total, 0)
    assert snapshot(again.site) == snapshot(first.site)
    text = re.search(r"text-only edition: (\d+) pages \((\d+) from the cache\)", again.log)
    assert text and int(text[2]) > 60, again.log  # the text versions too (home and indexes are made anew)

    # A body, a title (shown by its neighbours, related releases and listings) and the size of a
    # photo (its file replaced, the release unchanged).
    body, title = releases[10], releases[30]
    body.write_text(body.read_text() + "\nA sentence added in an hourly edit.\n")
    title.write_text(title.read_text().replace('title: "', 'title: "Updated: ', 1))
    project.asset("images/solo.png", png(300, 300))
    moved.write_text(moved.read_text().replace("---\n", "---\nslug: a-new-address\n", 1))
    edited = project.build(env=SECRET)
    reused, rendered = _counts(edited.log)
    assert 0 < rendered < total / 2 and reused + rendered == total, edited.log
    assert "a-new-address/" in edited.text(_address(linking)), "the link follows the page it leads to"
    _same_as_cold(project, edited)

    # A new release (every listing page it pushes along changes), and a release held back by an
    # embargo (its page goes, a link to it from another release's body is taken out).
    project.release("2021-12-30-new.md", release_text("A new release", "2021-12-30", countries=["Russia"]))
    held.write_text(held.read_text().replace("---\n", "---\nembargo: 2027-01-01T00:00:00Z\n", 1))
    changed = project.build(env=SECRET)
    assert "the other one" in changed.text(_address(linking)) and held.name not in changed.text(_address(linking))
    reused, rendered = _counts(changed.log)
    assert reused > 0 and rendered > 0, changed.log
    _same_as_cold(project, changed)
    assert len(_cached(project)) == reused + rendered, "pages no longer on the site are dropped from the cache"


def test_a_large_archive_whose_text_edition_is_written_beside_the_pages_is_a_cold_build_too(project):
    from benchmarks.generate import generate

    generate(project.releases, 240)
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    assert "by a process beside the pages" in first.log  # the text-only edition is written by a forked process
    _, total = _counts(first.log)
    releases = sorted(project.releases.glob("*.md"))
    for edited in (releases[-1], releases[len(releases) // 2]):
        edited.write_text(edited.read_text() + "\nAn hourly edit.\n")
    hourly = project.build(env=SECRET)
    reused, rendered = _counts(hourly.log)
    assert 0 < rendered < total / 10, hourly.log
    text = re.search(r"text-only edition \(waiting\): \d+ pages \((\d+) from the cache\)", hourly.log)
    assert text and int(text[1]) >= reused - 10, hourly.log
    _same_as_cold(project, hourly)


def test_a_body_changed_in_the_cache_without_the_secret_is_checked_anew(project):
    from benchmarks.generate import generate
    from newsroom import bodies

    generate(project.releases, 240)
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    good = snapshot(first.site)
    again = project.build(env=SECRET)
    assert "240 release bodies converted by 2 processes (and checked), 240 as earlier builds checked them" in again.log
    forged = bodies._dump(bodies.Rendered.of(html="<script>alert(1)</script>", feed_html="", text="forged"), "")
    with sqlite3.connect(project.path / ".cache/newsroom" / page_cache.BODIES_FILE) as db:
        keys = [key for (key,) in db.execute("SELECT key FROM pages")]
        db.execute("UPDATE pages SET data = ? WHERE key = ?", (forged, keys[0]))  # its code left as it was
        other = page_cache.PageCache(project.path, "a guessed secret")
        db.execute("UPDATE pages SET data = ?, mac = ? WHERE key = ?", (forged, other._mac(keys[1], forged), keys[1]))
    shutil.rmtree(first.site)  # a fresh checkout's empty site folder: every page is taken from the cache
    build = project.build(env=SECRET)
    assert "238 as earlier builds checked them; 2 kept by a build without this NEWSROOM_CACHE_SECRET" in build.log
    assert snapshot(build.site) == good
    assert not any(b"alert(1)" in data for data in snapshot(build.site).values())


def test_a_changed_setting_or_template_renders_every_page_again(project):
    project.copy_releases(ARCHIVE)
    first = project.build(env=SECRET)
    _, total = _counts(first.log)
    project.config["site_name"] = "Another name"
    renamed = project.build(env=SECRET)
    assert _counts(renamed.log) == (0, total)
    _same_as_cold(project, renamed)

    overrides = project.path / "overrides"  # the project's own copy of the templates, then changed
    overrides.unlink()
    shutil.copytree(ROOT / "overrides", overrides)
    assert _counts(project.build(env=SECRET).log) == (total, 0)
    release_template = overrides / "release.html"
    release_template.write_text(release_template.read_text() + "\n{# a changed template #}\n")
    changed = project.build(env=SECRET)
    assert _counts(changed.log) == (0, total)


def test_editions_translations_and_term_names_from_the_cache(project):
    project.newsroom(languages=REPOSITORY_LANGUAGES)
    project.copy_releases(ROOT / "press_releases")
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    # A translation edited, and another held back: the versions link it no more.
    korean = next(project.releases.glob("*-ko.md"))
    korean.write_text(korean.read_text() + "\n고친 문장이 하나 더 있습니다.\n")
    arabic = next(project.releases.glob("*-ar.md"))
    arabic.write_text(arabic.read_text().replace("---\n", "---\nembargo: 2027-01-01T00:00:00Z\n", 1))
    edited = project.build(env=SECRET)
    assert _counts(edited.log)[0] > 0 and _counts(edited.log)[1] > 0, edited.log
    _same_as_cold(project, edited)
    # A term's name in another language (_terms.yml): every page is made anew.
    terms = project.releases / "_terms.yml"
    terms.write_text(terms.read_text().replace("북한", "조선민주주의인민공화국", 1))
    renamed = project.build(env=SECRET)
    assert _counts(renamed.log)[0] == 0, renamed.log
    _same_as_cold(project, renamed)


def test_a_term_is_named_on_every_page_as_most_releases_spell_it(project):
    """A term is shown by the spelling most releases use: new releases may rename it on the pages
    of older ones, whose release, neighbours and related releases did not change."""
    project.newsroom(related_count=1)  # the release sharing most terms with it: its mate, whatever comes
    for name, title, date in (
        ("2020-01-01-solo.md", "Solo", "2020-01-01"),
        ("2020-06-01-mate.md", "Mate", "2020-06-01"),
    ):
        project.release(name, release_text(title, date, organizations=["Solo Group"], countries=["Chile"]))
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    for day in ("02", "03", "04"):
        project.release(f"2021-01-{day}-new.md", release_text("New", f"2021-01-{day}", organizations=["solo group"]))
    renamed = project.build(env=SECRET)
    assert ">solo group<" in renamed.text("news/2020/01/01/solo/"), "shown as most releases spell it"
    assert _counts(renamed.log)[0] > 0
    _same_as_cold(project, renamed)


def test_a_page_changed_in_the_cache_without_the_secret_is_never_published(project):
    project.copy_releases(ARCHIVE)
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    good = snapshot(first.site)
    forged = b"<!doctype html><script>alert('forged')</script>"
    with sqlite3.connect(project.path / ".cache/newsroom" / page_cache.FILE) as db:
        keys = [key for (key,) in db.execute("SELECT key FROM pages")]
        db.execute("UPDATE pages SET data = ? WHERE key = ?", (forged, keys[0]))  # its code left as it was
        other = page_cache.PageCache(project.path, "a guessed secret")  # a code made with another secret
        db.execute("UPDATE pages SET data = ?, mac = ? WHERE key = ?", (forged, other._mac(keys[1], forged), keys[1]))
    shutil.rmtree(first.site)  # a fresh checkout's empty site folder: every page is taken from the cache
    build = project.build(env=SECRET)
    assert build.returncode == 0, build.log
    assert "2 page(s) in the cache were not made by a build holding this NEWSROOM_CACHE_SECRET" in build.log
    assert _counts(build.log)[1] == 2
    assert snapshot(build.site) == good
    assert forged not in _cached(project).values(), "the forged entries are replaced"

    # Nor by a build that holds another secret: every page is rendered anew.
    stranger = project.build(env={page_cache.SECRET_VARIABLE: "another secret"})
    assert _counts(stranger.log) == (0, len(keys))
    assert snapshot(stranger.site) == good


def _carried(log: str) -> int:
    found = re.search(r"page keys: \d+ pages, (\d+) releases' related ones from the last build", log)
    assert found, log
    return int(found[1])


def test_related_releases_are_carried_over_and_forged_ones_are_found_anew(project):
    project.copy_releases(ARCHIVE)
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    assert _carried(first.log) == 0
    good = snapshot(first.site)
    again = project.build(env=SECRET)
    published = len(list(project.releases.glob("*.md")))
    assert _carried(again.log) == published
    assert snapshot(again.site) == good

    # Lists that lead elsewhere, written without the secret: each release's first one moved on by one.
    with sqlite3.connect(project.path / ".cache/newsroom" / page_cache.RELATED_FILE) as db:
        [(key, data)] = db.execute("SELECT key, data FROM pages")
        head, _, places = data.partition(b"\n")
        lists = array("I", places)
        limit = json.loads(head)["limit"]
        for start in range(0, len(lists), limit):
            lists[start] = (start // limit + 1) % published
        db.execute("UPDATE pages SET data = ? WHERE key = ?", (head + b"\n" + lists.tobytes(), key))
    forged = project.build(env=SECRET)
    assert forged.returncode == 0, forged.log
    assert _carried(forged.log) == 0
    assert snapshot(forged.site) == good


def _feeds_from_cache(log: str) -> int:
    found = re.search(r"feeds: \d+ files(?:, (\d+) feeds copied from the cache)? in", log)
    assert found, log
    return int(found[1] or 0)


def test_feeds_are_written_from_the_cache_and_a_forged_one_is_made_anew(project):
    project.copy_releases(ARCHIVE)
    first = project.build(env=SECRET)
    assert first.returncode == 0, first.log
    assert _feeds_from_cache(first.log) == 0
    good = snapshot(first.site)
    with sqlite3.connect(project.path / ".cache/newsroom" / page_cache.FEEDS_FILE) as db:
        keys = sorted(key for (key,) in db.execute("SELECT key FROM pages"))
    feeds = len(keys) // 3  # each feed's three files: RSS, Atom, JSON Feed
    assert feeds > 10 and len(keys) == 3 * feeds

    in_place = project.build(env=SECRET)  # the published site holds every feed: none made or read
    assert _feeds_from_cache(in_place.log) == 0
    shutil.rmtree(first.site)  # a fresh checkout's empty site folder: every feed from the cache
    again = project.build(env=SECRET)
    assert _feeds_from_cache(again.log) == feeds
    assert snapshot(again.site) == good

    forged = b"<?xml version='1.0'?><rss><channel><title>forged</title></channel></rss>"
    with sqlite3.connect(project.path / ".cache/newsroom" / page_cache.FEEDS_FILE) as db:
        db.execute("UPDATE pages SET data = ? WHERE key = ?", (forged, keys[0]))  # its code left as it was
    shutil.rmtree(again.site)
    build = project.build(env=SECRET)
    assert build.returncode == 0, build.log
    assert _feeds_from_cache(build.log) == feeds - 1, "the feed of the forged file is made anew, all three files"
    assert snapshot(build.site) == good
    assert not any(b"forged" in data for data in snapshot(build.site).values())

    # A release's title changed: every feed that lists it is made anew, and the site is a cold build's.
    release = max(project.releases.glob("*.md"))  # the newest: in the site's feed and its terms'
    release.write_text(release.read_text().replace('title: "', 'title: "Updated: ', 1))
    shutil.rmtree(build.site)
    edited = project.build(env=SECRET)
    assert 0 < _feeds_from_cache(edited.log) < feeds - 3, edited.log
    _same_as_cold(project, edited)


@pytest.mark.parametrize(
    "name",
    [
        page_cache.FILE,
        page_cache.BODIES_FILE,
        page_cache.FEEDS_FILE,
        page_cache.RELATED_FILE,
        template_cache.FILE,
        "markdown.sqlite3",
        "verdicts.sqlite3",
        "releases.sqlite3",
        "korean.sqlite3",
    ],
)
def test_a_cache_file_that_is_a_symlink_is_never_written_through(project, tmp_path, name):
    """The cache comes from outside (the workflow restores it): a symlink in it must not make the
    build write wherever it leads."""
    project.copy_releases(ARCHIVE)
    body = "(서울) – 북한인권단체들은 정치범수용소의 실태를 알렸다."  # Korean words, for the Korean cache
    project.release("2021-06-01-ko.md", release_text("보고서", "2021-06-01", language="ko", body=body))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"")  # as SQLite would take it: a database yet to be written
    folder = project.path / ".cache/newsroom"
    folder.mkdir(parents=True)
    (folder / name).symlink_to(elsewhere)
    build = project.build(env=SECRET)
    assert build.returncode == 0, build.log
    assert elsewhere.read_bytes() == b""
    cold = project.build(env=COLD)
    assert snapshot(build.site) == snapshot(cold.site)


def test_a_cache_that_cannot_be_written_publishes_the_site_all_the_same_and_says_so(project):
    """The cache comes from outside (the workflow restores it, a disk fills up): one that cannot be
    written must not keep embargoes from lifting, nor slow every build down without a word."""
    project.copy_releases(ARCHIVE)
    body = "(서울) – 북한인권단체들은 정치범수용소의 실태를 알렸다."  # Korean words, for the Korean cache
    project.release("2021-06-01-ko.md", release_text("보고서", "2021-06-01", language="ko", body=body))
    (project.path / ".cache").mkdir()
    (project.path / ".cache/newsroom").write_text("a file where the cache's folder goes\n")
    cold = project.build(env=COLD)
    assert cold.returncode == 0, cold.log
    for env in ({}, SECRET):
        build = project.build(env=env)
        assert build.returncode == 0, build.log
        assert snapshot(build.site) == snapshot(cold.site)
        pattern = r"newsroom: the cache could not be written in \.cache/newsroom \(([^:]+): ([^)]+)\)"
        said = re.findall(pattern, build.log)
        names = {name for _, listed in said for name in listed.split(", ")}
        assert {"File exists", "Not a directory"} >= {reason for reason, _ in said}, build.log
        assert {"markdown.sqlite3", "korean.sqlite3", "releases.sqlite3", "pagefind"} <= names, build.log
        assert ("pages.sqlite3" in names) == bool(env), "pages are kept with the secret only"
    assert project.check().returncode == 0


def test_a_search_cache_folder_that_is_a_symlink_is_not_used(tmp_path):
    from newsroom import search_cache

    project = tmp_path / "project"
    (project / ".cache/newsroom").mkdir(parents=True)
    assert search_cache.IndexCache(project, "f").root == project / ".cache/newsroom/pagefind"
    (tmp_path / "elsewhere").mkdir()
    (project / ".cache/newsroom/pagefind").symlink_to(tmp_path / "elsewhere")
    assert search_cache.IndexCache(project, "f").root is None


def _templates(project, tmp_path, env) -> tuple[dict, Build]:
    """(the build's figures on compiled templates, the build)."""
    timings = tmp_path / "timings.json"
    build = project.build(env={**env, "NEWSROOM_TIMINGS": str(timings)})
    assert build.returncode == 0, build.log
    figures = json.loads(timings.read_text())["figures"]
    return {name: figures.get(f"templates {name}") for name in ("compiled", "from the cache", "refused")}, build


def test_compiled_templates_are_kept_and_a_forged_one_never_runs(project, tmp_path):
    """Jinja's bytecode is code: kept between builds with the secret only, and an entry changed
    without the secret is compiled anew, never run."""
    project.copy_releases(ARCHIVE)
    first, _ = _templates(project, tmp_path, SECRET)
    assert first["compiled"] > 10 and first["from the cache"] == 0, first
    second, build = _templates(project, tmp_path, SECRET)
    assert second["compiled"] == 0 and second["from the cache"] > 0 and second["refused"] == 0, second
    _same_as_cold(project, build)

    # A forger without the secret puts other code, for the same template source, in every entry.
    forged_code = marshal.dumps(jinja2.Environment().compile("zqxforged {{ 1 + 1 }}"))
    with sqlite3.connect(project.path / ".cache/newsroom" / template_cache.FILE) as db:
        entries = list(db.execute("SELECT key, data FROM pages"))
        for key, data in entries:
            payload = io.BytesIO(data)
            assert payload.read(len(bc_magic)) == bc_magic
            checksum = pickle.load(payload)  # the template source's, which Jinja checks
            db.execute(
                "UPDATE pages SET data = ? WHERE key = ?", (bc_magic + pickle.dumps(checksum, 2) + forged_code, key)
            )
    project.config["site_name"] = "Another name"  # every page rendered again, with every template
    forged, build = _templates(project, tmp_path, SECRET)
    assert forged["from the cache"] == 0 and forged["refused"] > 0, forged
    assert forged["compiled"] >= first["compiled"], forged
    assert not any(b"zqxforged" in data for data in snapshot(build.site).values())
    _same_as_cold(project, build)
    third, _ = _templates(project, tmp_path, SECRET)
    assert third["compiled"] == 0 and third["refused"] == 0, "the forged entries were replaced"


def test_without_the_secret_no_page_is_read_or_kept(project):
    project.copy_releases(ARCHIVE)
    build = project.build(env={page_cache.SECRET_VARIABLE: ""})
    assert build.returncode == 0, build.log
    assert "pages from the cache" not in build.log
    assert not (project.path / ".cache/newsroom" / page_cache.FILE).exists()


def test_a_failed_build_keeps_none_of_the_pages_it_rendered(project):
    project.copy_releases(ARCHIVE)
    assert project.build(env=SECRET).returncode == 0
    before = _cached(project)
    edited = sorted(project.releases.glob("*.md"))[5]
    edited.write_text(edited.read_text() + "\nAn edit of a build that fails.\n")
    # Pagefind fails once the pages are written: the build fails, and the site stays as it was.
    failed = project.failing_build(
        "The search index could not be built", check=False, env={**SECRET, "PAGEFIND_BINARY_PATH": "/bin/false"}
    )
    assert _counts(failed.log)[1] > 0, "pages were rendered before the build failed"
    assert _cached(project) == before


@pytest.mark.parametrize(
    ("parts", "other"),
    [
        (("release", "1"), ("release", 1)),
        (("a", ("b", "c")), ("a", "b", "c")),
        (("x", None), ("x", "None")),
        (("x", b"\x00"), ("x", "\x00")),
    ],
)
def test_keys_tell_apart_what_prints_alike(parts, other):
    assert page_cache.key(*parts) != page_cache.key(*other)
    assert page_cache.key(*parts) == page_cache.key(*parts)


def _address(release: Path) -> str:
    """The address of a fixture release's page (``2018-01-01-release-00.md``: ``news/2018/01/01/release-00/``)."""
    year, month, day, slug = release.stem.split("-", 3)
    return f"news/{year}/{month}/{day}/{slug}/"
