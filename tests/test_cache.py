"""What builds and checks keep between runs (``newsroom.cache``, ``newsroom.readcache``): a warm build
is byte for byte a cold one, an edited body is converted again, a tampered cache is still held to the
rules, and `make check` walks again a body whose verdict a change elsewhere may alter."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from benchmarks.generate import generate
from conftest import NOW, ROOT, release_text, snapshot


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
    assert len(_verdicts(project)) == 240, "a build leaves its verdicts to the next `make check`"
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
        assert db.execute("SELECT count(*) FROM release_entries").fetchone()[0] == 1
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


def _verdicts(project) -> dict[str, dict]:
    with sqlite3.connect(project.path / ".cache" / "newsroom" / "verdicts.sqlite3") as db:
        return {key: json.loads(entry) for key, entry in db.execute("SELECT key, entry FROM verdicts")}


def test_make_check_walks_again_a_body_whose_link_target_changed_and_never_lets_a_build_use_a_verdict(project):
    project.release(
        "2021-01-01-a.md", release_text(title="A", date="2021-01-01", body="(Seoul) – See [B](2021-01-02-b.md).")
    )
    b = project.release("2021-01-02-b.md", release_text(title="B", date="2021-01-02"))
    first = project.check()
    assert first.returncode == 0, first.stderr
    remembered = _verdicts(project)
    assert len(remembered) == 2
    assert {"press_releases/2021-01-02-b.md": "news/2021/01/02/b/"} in [v["lookups"] for v in remembered.values()]

    # A's file is unchanged, but what its link names is gone: its verdict no longer holds.
    b.unlink()
    gone = project.check()
    assert gone.returncode == 1
    assert (
        "press_releases/2021-01-01-a.md:7: links to '2021-01-02-b.md', which is not a page or file of the site "
        "(looked for press_releases/2021-01-02-b.md); check the file name"
    ) in gone.stderr
    # Held back, B's link is taken out of A (every verdict depends on which releases are held).
    project.release("2021-01-02-b.md", release_text(title="B", date="2021-01-02", draft=True))
    held = project.check()
    assert held.returncode == 0, held.stderr
    assert "held back (draft): press_releases/2021-01-02-b.md" in held.stdout

    # `make check` believes its verdicts (whoever writes the cache can write the releases folder);
    # a build never reads them.
    with sqlite3.connect(project.path / ".cache" / "newsroom" / "verdicts.sqlite3") as db:
        for key, entry in db.execute("SELECT key, entry FROM verdicts").fetchall():
            verdict = json.loads(entry)
            verdict["problems"] = [[7, "a problem only the cache knows of"]]
            db.execute("UPDATE verdicts SET entry = ? WHERE key = ?", (json.dumps(verdict), key))
    told = project.check()
    assert told.returncode == 1 and "a problem only the cache knows of" in told.stderr
    build = project.build()
    assert build.returncode == 0, build.log


def test_make_check_reports_a_remembered_problem_as_it_found_it(project):
    body = '(Seoul) – <a href="javascript:alert(1)">here</a>'
    project.release("2021-01-01-a.md", release_text(title="A", date="2021-01-01", body=body))
    message = "press_releases/2021-01-01-a.md:7: the address 'javascript:alert(1)' (javascript:) is not allowed"
    first, second = project.check(), project.check()
    assert first.returncode == second.returncode == 1
    assert message in first.stderr and message in second.stderr
    assert first.stderr == second.stderr


def test_a_release_edited_to_the_same_size_is_read_anew(project):
    a = project.release("2021-01-01-a.md", release_text(title="Alpha", date="2021-01-01"))
    assert project.check().returncode == 0
    stat = a.stat()
    a.write_text(a.read_text().replace("Alpha", "Omega"), encoding="utf-8")
    assert a.stat().st_size == stat.st_size
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a file system with coarse times
    build = project.build()
    assert build.returncode == 0, build.log
    assert "Omega" in build.text("news/2021/01/01/a/") and "Alpha" not in build.text("news/2021/01/01/a/")


def test_the_release_store_writes_while_reading_and_reads_one_entry_at_a_time(tmp_path, monkeypatch):
    from pathlib import Path

    from newsroom import readcache
    from newsroom.settings import Settings

    monkeypatch.setattr(readcache, "BATCH", 2)
    settings = Settings.from_mapping(tmp_path, {})
    store = readcache.ReleaseStore(settings)
    for number in range(5):
        store.keep(f"{number}.md", (f"digest{number}", "stat", "{}", f"body {number}".encode()))
        if number == 1:  # a batch is written as soon as it is full, before the archive is read
            with sqlite3.connect(Path(tmp_path, ".cache/newsroom/releases.sqlite3")) as db:
                assert db.execute("SELECT count(*) FROM release_entries").fetchone()[0] == 2
    store.save({f"{number}.md" for number in range(5)})
    again = readcache.ReleaseStore(settings)
    assert again.names == {f"{number}.md" for number in range(5)}
    assert again.row("3.md") == ("digest3", "stat", "{}", b"body 3")
    assert again.row("9.md") is None
    again.save({"0.md", "1.md"})  # the others are gone from the archive: forgotten
    assert readcache.ReleaseStore(settings).names == {"0.md", "1.md"}


def test_a_damaged_body_in_the_release_store_is_read_anew_from_the_file(project):
    project.release("2021-01-01-a.md", release_text(title="A", date="2021-01-01", body="The body as written."))
    assert project.build().returncode == 0
    store = project.path / ".cache" / "newsroom" / "releases.sqlite3"
    for damaged in (b"not compressed at all", "a body stored as text"):
        with sqlite3.connect(store) as db:
            db.execute("UPDATE release_entries SET body = ?", (damaged,))
        build = project.build()
        assert build.returncode == 0, build.log
        assert "The body as written." in build.text("news/2021/01/01/a/")


#: `make check` with every unpacking of a release's body counted (printed last on stderr).
COUNTING_CHECK = """
import sys
from newsroom import bodies, cli, model, packing

unpacked = []
def counting(data):
    unpacked.append(1)
    return packing.unpack(data)

bodies.unpack = counting
model.Release.body = property(lambda release: counting(release.packed_body))
code = cli.main(["-f", sys.argv[1], "check"])
print(f"unpacked {len(unpacked)}", file=sys.stderr)
sys.exit(code)
"""


def test_a_check_after_a_check_unpacks_only_the_bodies_that_changed(project):
    generate(project.releases, 30)
    assert project.check().returncode == 0
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "hooks"), "NEWSROOM_NOW": NOW}

    def counted() -> int:
        done = subprocess.run(
            [sys.executable, "-c", COUNTING_CHECK, str(project.path / "mkdocs.yml")],
            cwd=project.path,
            env=environ,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return int(done.stderr.strip().splitlines()[-1].removeprefix("unpacked "))

    assert counted() == 0, "every verdict is kept: no body is unpacked, neither to key it nor for its page"
    edited = sorted(project.releases.glob("*.md"))[3]
    edited.write_text(edited.read_text() + "\nA sentence added by an editor.\n")
    assert 1 <= counted() <= 3, "the edited body is unpacked to be walked again"
    assert counted() == 0


#: Counted in every process of a build: bodies hashed for their conversions ("."), verdicts
#: written for `make check` ("v"), queries of the read cache ("q").
COUNTING_BUILD = """
from newsroom import cache, readcache

key = cache.Conversions.key
def counting(self, text):
    os.write(counts, b".")
    return key(self, text)

cache.Conversions.key = counting
put = cache.Verdicts.put
def counting_verdicts(self, key, entry):
    os.write(counts, b"v")
    return put(self, key, entry)

cache.Verdicts.put = counting_verdicts
read = readcache.ReleaseStore._read
def counting_reads(self, name):
    os.write(counts, b"q")
    return read(self, name)

readcache.ReleaseStore._read = counting_reads
"""


def test_a_build_after_a_build_hashes_only_the_bodies_that_changed(project):
    """A body an earlier build checked is taken as it came out, by the workers: not unpacked and
    hashed to fetch its conversion (counted here by the hashing), which still counts as used (the
    conversions stay); nor is its verdict for `make check` written again, which stays too. The
    releases themselves come from the read cache in a query for hundreds, not one each."""
    generate(project.releases, 240)  # past 200 releases: converted by worker processes
    secret = {"NEWSROOM_CACHE_SECRET": "a secret of the publishing workflow"}  # bodies are kept only with it
    assert project.build(env=secret).returncode == 0
    verdicts_written = queries = -1

    def counted() -> int:
        """How many bodies were hashed for their conversions; ``verdicts_written`` and ``queries``
        are set too."""
        nonlocal verdicts_written, queries
        made = project.counted_build(COUNTING_BUILD, env=secret)
        verdicts_written = made.count(b"v")
        queries = made.count(b"q")
        return made.count(b".")

    assert counted() == 0, "every body as the last build checked it: none is hashed for its conversion"
    assert verdicts_written == 0, "every verdict as the last build wrote it"
    assert queries == 1, "the 240 releases read from the read cache in one query"
    edited = sorted(project.releases.glob("*.md"))[3]
    edited.write_text(edited.read_text() + "\nA sentence added by an editor.\n")
    assert 1 <= counted() <= 2, "the edited body alone is hashed: its conversion looked for, then made"
    assert verdicts_written == 1, "the edited body's verdict alone is written"
    with sqlite3.connect(project.path / ".cache" / "newsroom" / "markdown.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM conversions").fetchone()[0] == 240, "every body's conversion is kept"
    assert len(_verdicts(project)) == 240, "every body's verdict is kept, the edited one's as it is now"
    assert counted() == 0
    assert verdicts_written == 0
