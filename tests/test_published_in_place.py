"""A build with the cache's secret writes only what changed (``newsroom.published``): every file
the published site already holds as the last build wrote it stays where it is, the new site is
still byte for byte a build without any cache, and nothing in the site folder or the manifest
that the build did not write itself is ever kept or followed."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import snapshot
from helpers import ARCHIVE
from newsroom import page_cache, published
from test_page_cache import COLD, SECRET, _address, _same_as_cold

LEFT = "already published, left in place"


def _inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def _manifest(project) -> Path:
    return project.path / ".cache/newsroom" / published.MANIFEST


def _scratch(project) -> list[str]:
    """What a build left beside the site: its staging folder, the lists of what it wrote."""
    return [p.name for p in project.path.iterdir() if ".newsroom-" in p.name]


def _built(project, env=SECRET):
    build = project.build(env=env)
    assert build.returncode == 0, build.log
    return build


def test_an_hourly_build_leaves_every_unchanged_file_where_it_is(project):
    project.copy_releases(ARCHIVE)
    first = _built(project)
    assert LEFT not in first.log, "the first build has no manifest: it swaps in the whole site"
    assert _manifest(project).is_file()
    before = _inodes(first.site)
    edited = max(project.releases.glob("*.md"))
    edited.write_text(edited.read_text() + "\nA correction of an hourly build.\n")

    second = _built(project)
    assert LEFT in second.log
    after = _inodes(second.site)
    page = _address(edited) + "index.html"
    assert before[page] != after[page], "the edited release's page is written anew"
    assert "A correction of an hourly build." in second.text(_address(edited))
    untouched = {name for name in after if before.get(name) == after[name]}
    # Left where they were: other release pages, their text versions and the search index's files.
    other = _address(sorted(project.releases.glob("*.md"))[3]) + "index.html"
    assert {other, "text/" + other} <= untouched
    assert any(name.startswith("pagefind") for name in untouched)
    assert len(untouched) > len(after) / 2, f"{len(untouched)} of {len(after)} files left in place"
    assert _scratch(project) == [], "what the build wrote is listed on the disk until it is published"
    _same_as_cold(project, second)


def test_a_site_restored_from_outside_is_kept_only_where_its_bytes_are_what_the_build_wrote(project):
    """The publishing workflow restores site/ with its cache: every file is new on the disk, so
    each is kept only if its digest is the manifest's; a file changed there is written anew."""
    project.copy_releases(ARCHIVE)
    first = _built(project)
    good = snapshot(first.site)
    restored = project.path / "restored"
    shutil.copytree(first.site, restored)  # new inodes and change times, as a cache restore makes
    shutil.rmtree(first.site)
    restored.rename(first.site)
    page = _address(sorted(project.releases.glob("*.md"))[7]) + "index.html"
    fragment = next(name for name in good if name.startswith("pagefind/fragment/"))
    # One file of each kind a build may leave in place: a page, its text version, a file of the
    # search index, a feed.
    for name in (page, "text/" + page, fragment, "feed.xml"):
        target = first.site / name
        target.write_bytes(target.read_bytes().replace(b"<", b"<!-- changed --><", 1) + b"<script>alert(1)</script>")
    (first.site / "planted.html").write_text("a page no build wrote")

    second = _built(project)
    assert LEFT in second.log
    assert snapshot(second.site) == good, "the changed page written anew, the planted one removed"


def test_a_file_changed_in_place_is_written_anew_even_with_its_old_size_and_time(project):
    project.copy_releases(ARCHIVE)
    first = _built(project)
    good = snapshot(first.site)
    target = first.site / (_address(sorted(project.releases.glob("*.md"))[9]) + "index.html")
    stat = target.stat()
    data = target.read_bytes()
    target.write_bytes(data.replace(b"<body", b"<BODY", 1))  # the same size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same modification time
    assert _built(project).returncode == 0
    assert snapshot(first.site) == good


def test_a_release_photo_is_left_where_it_is_until_its_bytes_or_the_published_copy_change(project, tmp_path):
    """A photo is copied as it is: an hourly build leaves the published copy where it is (found by
    the digest its check took, with no copy made), and writes it anew when the photo changes, or
    when the published copy no longer holds what the build wrote."""
    from PIL import Image

    timings = tmp_path / "timings.json"

    def left_in_place() -> int:
        build = project.build("--verbose", env={**SECRET, "NEWSROOM_TIMINGS": str(timings)})
        assert build.returncode == 0, build.log
        left = json.loads(timings.read_text())["figures"]["release files left in place"]
        copied = "Copying media file: 'press_releases/images/field.png'" in build.log  # MkDocs says so
        assert copied == (left == 0), build.log
        return left

    project.copy_releases(ARCHIVE)
    source = project.releases / "images/field.png"
    assert left_in_place() == 0, "the first build has no manifest: it copies every photo"
    site = project.path / "site"
    photo = next(name for name in _inodes(site) if name.endswith("/field.png"))
    published_photo = site / photo
    assert published_photo.read_bytes() == source.read_bytes()
    before = published_photo.stat().st_ino

    assert left_in_place() == 1, "no copy made"
    assert published_photo.stat().st_ino == before

    Image.new("RGB", (40, 30), (200, 10, 10)).save(source)  # the editor replaces the photo
    assert left_in_place() == 0
    assert published_photo.read_bytes() == source.read_bytes()

    stat = published_photo.stat()
    data = published_photo.read_bytes()
    published_photo.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # the same size and time, other bytes
    os.utime(published_photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert left_in_place() == 0
    assert published_photo.read_bytes() == source.read_bytes()
    _same_as_cold(project, _built(project))


def test_symlinks_in_the_site_folder_are_removed_and_never_followed(project, tmp_path):
    project.copy_releases(ARCHIVE)
    first = _built(project)
    outside = tmp_path / "outside"
    shutil.move(first.site / "text", outside)  # the same bytes, through a symlink
    (first.site / "text").symlink_to(outside, target_is_directory=True)
    (first.site / "elsewhere.html").symlink_to(outside / "index.html")
    edited = max(project.releases.glob("*.md"))
    edited.write_text(edited.read_text() + "\nAn edit written into a real folder.\n")
    outside_before = snapshot(outside)

    second = _built(project)
    assert LEFT in second.log
    assert not (first.site / "text").is_symlink() and not (first.site / "elsewhere.html").exists()
    assert snapshot(outside) == outside_before, "nothing was written through the symlink"
    _same_as_cold(project, second)


def test_a_manifest_made_without_the_secret_is_not_trusted(project):
    project.copy_releases(ARCHIVE)
    first = _built(project)
    manifest = _manifest(project)
    entries = published.Manifest(manifest, SECRET[page_cache.SECRET_VARIABLE], "site").load()
    assert entries, "the real manifest can be read with the real secret"
    published.Manifest(manifest, "a guessed secret", "site").save(entries)
    (first.site / "planted.html").write_text("a page no build wrote")
    second = _built(project)
    assert LEFT not in second.log, "not trusted: the whole site is written and swapped in"
    assert not (first.site / "planted.html").exists()
    # Nor is one edited by hand, its code left as it was.
    manifest.write_bytes(manifest.read_bytes().replace(b"\nindex.html\t", b"\nindex.htm\t", 1))
    assert LEFT not in _built(project).log
    # Nor one of an earlier version (other digests), though its code is right.
    assert LEFT in _built(project).log
    data = manifest.read_bytes()
    manifest.write_bytes(data.replace(b"newsroom published 2 ", b"newsroom published 1 ", 1))
    assert LEFT not in _built(project).log


def test_a_build_that_fails_changes_neither_the_site_nor_the_manifest(project):
    project.copy_releases(ARCHIVE)
    first = _built(project)
    good, manifest = snapshot(first.site), _manifest(project).read_bytes()
    edited = max(project.releases.glob("*.md"))
    edited.write_text(edited.read_text() + "\nAn edit of a build that fails.\n")
    failed = project.build(env={**SECRET, "PAGEFIND_BINARY_PATH": "/bin/false"})
    assert failed.returncode != 0 and "The search index could not be built" in failed.log
    assert snapshot(first.site) == good
    assert _manifest(project).read_bytes() == manifest
    assert _scratch(project) == []


def test_without_the_secret_or_with_the_cache_off_the_whole_site_is_swapped_in(project):
    project.copy_releases(ARCHIVE)
    _built(project)
    before = _inodes(project.path / "site")
    for env in ({page_cache.SECRET_VARIABLE: ""}, {**SECRET, **COLD}):
        build = _built(project, env)
        assert LEFT not in build.log
        after = _inodes(build.site)
        assert not any(before.get(name) == after[name] for name in after), "every file written anew"
        before = after


# -- moving a new site in, file by file (``Published.move_in``) ----------------------------------

_NAMES = st.sampled_from(["a", "b", "index.html", "c.txt"])
_PATHS = st.lists(_NAMES, min_size=1, max_size=3).map("/".join)
_SITES = st.dictionaries(_PATHS, st.binary(max_size=8), max_size=8)


def _write(root: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    """Write ``files`` under ``root``, a path that is a prefix of another one left out (a file
    cannot also be a folder); what was written."""
    written = {}
    for name, data in sorted(files.items()):
        target = root / name
        if any(p.is_file() for p in target.parents if p != root and root in p.parents) or target.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written[name] = data
    return written


@settings(max_examples=60, deadline=None)
@given(old=_SITES, new=_SITES, keep=st.sets(_PATHS, max_size=4))
def test_after_moving_in_the_published_site_is_exactly_the_new_one(tmp_path_factory, old, new, keep):
    """Whatever the old and new sites (files becoming folders and back included), and whichever
    files a writer found already published, the published folder ends as the new site."""
    root = tmp_path_factory.mktemp("move")
    final, staging = root / "site", root / "staging"
    final.mkdir()
    staging.mkdir()
    old = _write(final, old)
    manifest = published.Manifest(root / "published.tsv", "secret", "site")
    found, _ = published.walk(final)
    entries = {n: (f"t{n}", published.digest(d), found[n]) for n, d in old.items()}
    manifest.save(entries)
    site = published.Published.load(final, manifest)
    assert site.trusted == bool(old)
    new = _write(staging, new)
    for name in keep:  # held: the writer leaves them and writes nothing into the staging folder
        if name in new and old.get(name) == new[name] and site.holds(name, f"t{name}"):
            (staging / name).unlink()
    site.move_in(staging)
    assert snapshot(final) == new
    assert not manifest.path.exists(), "forgotten until the caller saves the new one"


def test_the_manifest_is_never_written_through_a_symlink_planted_beside_it(tmp_path):
    """The cache's folder is restored from outside: its scratch name may already be a symlink."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not the build's")
    manifest = published.Manifest(tmp_path / "cache" / published.MANIFEST, "secret", "site")
    manifest.path.parent.mkdir()
    (manifest.path.parent / f".{published.MANIFEST}.{os.getpid()}").symlink_to(outside)
    entries = {"index.html": ("t", "d", "1:2:3:4:5")}
    manifest.save(entries)
    assert outside.read_text() == "not the build's"
    assert manifest.load() == entries


_CONTENTS = st.binary(min_size=0, max_size=64)


@settings(max_examples=60, deadline=None)
@given(
    old=st.dictionaries(_PATHS, _CONTENTS, min_size=1, max_size=8),
    changes=st.dictionaries(_PATHS, st.one_of(st.none(), st.just("flipped"), _CONTENTS), max_size=8),
    restored=st.booleans(),
)
def test_a_restored_site_is_checked_once_against_the_manifest_and_never_again_when_asked(
    tmp_path_factory, old, changes, restored
):
    """Read with the manifest (``verified``), a file new on the disk holds only if its bytes are
    the ones the build wrote (whatever its size), and is then not read again when a writer asks;
    a file left where the build put it is not read at all."""
    root = tmp_path_factory.mktemp("restored")
    final = root / "site"
    final.mkdir()
    old = _write(final, old)
    for name in old:  # a time no file written by the test has: a file written anew never has the old identity
        os.utime(final / name, ns=(0, 0))
    manifest = published.Manifest(root / "published.tsv", "secret", "site")
    found, _ = published.walk(final)
    manifest.save({n: (f"t{n}", published.digest(d), found[n]) for n, d in old.items()})
    if restored:  # as the publishing workflow's cache restores it: every file new on the disk
        shutil.copytree(final, root / "copy")
        shutil.rmtree(final)
        (root / "copy").rename(final)
    now = dict(old)
    for name, change in changes.items():
        if name in now:
            (final / name).unlink()
            if change is None:
                del now[name]
            else:  # other bytes, or the same number of other bytes
                data = bytes(b ^ 1 for b in now[name]) if change == "flipped" else change
                (final / name).write_bytes(data)
                now[name] = data
    read: list[str] = []

    def reading(path, *rest):
        read.append(Path(path).relative_to(final).as_posix())
        return real(path, *rest)

    with pytest.MonkeyPatch.context() as patch:
        real = published.file_digest
        patch.setattr(published, "file_digest", reading)
        site = published.Published.load(final, manifest)
        patch.setattr(published, "file_digest", _never_read)
        # Read only where the bytes may be the build's: a file new on the disk, of the size it wrote.
        assert all(len(now[name]) == len(old[name]) for name in read), read
        if not restored:
            assert set(read) <= {name for name, change in changes.items() if change is not None}
        for name, data in old.items():
            assert site.holds(name, f"t{name}") == (now.get(name) == data), name
            assert not site.holds(name, f"another {name}")


def _never_read(*args):
    raise AssertionError(f"read again: {args}")


def test_a_file_changed_while_it_is_read_is_not_vouched_for(tmp_path):
    page = tmp_path / "index.html"
    page.write_bytes(b"<p>kept</p>")
    found, _ = published.walk(tmp_path)
    assert published.file_digest(page, found["index.html"]) == published.digest(b"<p>kept</p>")
    page.write_bytes(b"<p>kept</p>")  # the same bytes, written again: another file than the one walked
    assert published.file_digest(page, found["index.html"]) is None
    assert published.file_digest(page) == published.digest(b"<p>kept</p>")


def test_a_pipe_put_where_a_file_was_is_not_waited_on(tmp_path):
    page = tmp_path / "index.html"
    page.write_bytes(b"<p>kept</p>")
    found, _ = published.walk(tmp_path)
    page.unlink()
    os.mkfifo(page)  # after the walk, before the file is read: nobody will ever write into it
    outcome: list[str | None] = []
    reader = threading.Thread(target=lambda: outcome.append(published.file_digest(page, found["index.html"])))
    reader.daemon = True
    reader.start()
    reader.join(10)
    waited = reader.is_alive()
    if waited:  # let it go, so that the test ends
        os.close(os.open(page, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(10)
    assert not waited, "the build would wait on the pipe forever"
    assert outcome == [None], "not vouched for"


def test_a_file_is_digested_whole_however_it_is_read(tmp_path, monkeypatch):
    """Short reads, and a file that grows after it was opened, are read to their end."""
    page = tmp_path / "index.html"
    data = bytes(range(256)) * 40
    page.write_bytes(data)
    real = os.read
    monkeypatch.setattr(published.os, "read", lambda descriptor, size: real(descriptor, min(size, 7)))
    assert published.file_digest(page) == published.digest(data)
    monkeypatch.undo()

    grows = real

    def growing(descriptor, size):  # the file grows once it has been opened and measured
        if not page.read_bytes().endswith(b"more"):
            with page.open("ab") as file:
                file.write(b"more")
        return grows(descriptor, size)

    monkeypatch.setattr(published.os, "read", growing)
    assert published.file_digest(page) == published.digest(data + b"more")
