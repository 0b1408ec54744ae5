"""Markdown conversions kept between builds (``newsroom.cache``): a warm build is byte for byte
a cold one, an edited body is converted again, and a tampered cache is still held to the rules."""

from __future__ import annotations

import sqlite3

from benchmarks.generate import generate
from conftest import release_text, snapshot


def test_a_warm_build_is_byte_identical_to_a_cold_one_and_sees_edits(project):
    generate(project.releases, 240)  # past 200 releases: converted by worker processes
    cache = project.path / ".cache" / "newsroom" / "markdown.sqlite3"
    cold = project.build(env={"NEWSROOM_CACHE": "0"})
    assert cold.returncode == 0, cold.log
    assert not cache.exists(), "NEWSROOM_CACHE=0 leaves no cache"
    before = snapshot(cold.site)
    first = project.build()
    assert first.returncode == 0, first.log
    assert snapshot(first.site) == before, "a build filling the cache gives the same site"
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM conversions").fetchone()[0] == 240
    warm = project.build()
    assert warm.returncode == 0, warm.log
    assert snapshot(warm.site) == before, "a build from the cache gives the same site"

    edited = sorted(project.releases.glob("*.md"))[7]
    edited.write_text(edited.read_text() + "\nA sentence added by an editor, zqxedit.\n")
    again = project.build()
    assert again.returncode == 0, again.log
    assert "zqxedit" in "".join(p.read_text() for p in again.site.glob("news/*/*/*/*/index.html"))
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM conversions").fetchone()[0] == 240, "the old version is dropped"


def test_a_tampered_cache_entry_is_still_checked_and_sanitized(project):
    project.release("2021-01-01-a.md", release_text(title="A", date="2021-01-01", body="Plain text."))
    build = project.build()
    assert build.returncode == 0, build.log
    cache = project.path / ".cache" / "newsroom" / "markdown.sqlite3"
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE conversions SET html = '<p>Plain text.</p><script>alert(1)</script>'")
    build = project.build()
    assert build.returncode == 1
    assert "press_releases/2021-01-01-a.md:7: raw HTML <script> is not allowed in a body" in build.log


def test_releases_read_from_the_cache_are_read_anew_when_their_photo_or_the_settings_change(project):
    project.asset("images/a.png")
    project.release(
        "2021-01-01-a.md",
        release_text(title="A", date="2021-01-01T09:00", image={"src": "images/a.png", "alt": "A photo."}),
    )
    first = project.build()
    assert first.returncode == 0, first.log
    with sqlite3.connect(project.path / ".cache" / "newsroom" / "releases.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM releases").fetchone()[0] == 1
    (project.releases / "images" / "a.png").write_text("not a picture")
    broken = project.build()
    assert broken.returncode == 1
    assert "press_releases/2021-01-01-a.md" in broken.log and "images/a.png" in broken.log
    project.asset("images/a.png")
    assert project.build().returncode == 0
    project.newsroom(timezone="America/New_York")  # the same file means another moment now
    moved = project.build()
    assert moved.returncode == 0, moved.log
    assert moved.exists("news/2021/01/01/a/")
    assert "2021-01-01T09:00:00-05:00" in moved.text("news/2021/01/01/a/")
