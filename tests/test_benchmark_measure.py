"""The benchmark's measures: the memory of a build is that of its whole process tree, and the
Hugo site it compares with holds the same releases (``benchmarks.measure``, ``benchmarks.hugo``)."""

from __future__ import annotations

import sys

from benchmarks import hugo, measure

#: A parent that holds 150 MiB and starts a child that holds 150 MiB too, both alive at once.
TREE = """
import subprocess, sys, time
held = bytearray(150 * 2**20)
child = subprocess.Popen([sys.executable, "-c", "import time; held = bytearray(150 * 2**20); time.sleep(1.5)"])
child.wait()
"""


def test_the_peak_is_of_the_whole_tree_not_of_its_largest_process():
    measured = measure.run([sys.executable, "-c", TREE])
    assert measured.returncode == 0
    assert measured.peak_mib > 290, measured  # both processes' 150 MiB, counted together
    assert measured.peak_rss_mib >= measured.peak_mib
    assert measured.seconds >= 1.5


def test_a_failing_command_is_measured_with_its_code():
    assert measure.run([sys.executable, "-c", "raise SystemExit(3)"]).returncode == 3


def test_the_hugo_site_links_every_release_and_only_releases(tmp_path):
    releases = tmp_path / "n3" / "press_releases"
    releases.mkdir(parents=True)
    for name in ("2021-01-01-a.md", "2021-01-02-b.md", "2021-01-03-c-ko.md"):
        (releases / name).write_text("---\ntitle: A\ndate: 2021-01-01\n---\n\nText.\n")
    (releases / "_terms.yml").write_text("countries: {}\n")
    (releases / "images").mkdir()
    site = hugo.hugo_project(tmp_path / "n3")
    assert site == tmp_path / "n3-hugo"
    content = sorted(path.name for path in (site / "content" / "news").iterdir())
    assert content == ["2021-01-01-a.md", "2021-01-02-b.md", "2021-01-03-c-ko.md"]
    assert (site / "content" / "news" / "2021-01-01-a.md").stat().st_ino == (releases / "2021-01-01-a.md").stat().st_ino
    assert "paginate = 20" in (site / "config.toml").read_text()
    assert all((site / "layouts" / name).is_file() for name in hugo.LAYOUTS)


def test_the_pages_artifact_is_the_site_in_one_tar_deflated(tmp_path):
    import os

    from benchmarks import run

    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    (site / "news/index.html").write_bytes(b"<p>" * 2**19)  # 1.5 MiB that deflate to almost nothing
    assert run.pages_artifact(site) == 0.0
    (site / "photo.jpg").write_bytes(os.urandom(2**20))  # 1 MiB that does not deflate
    assert 1.0 <= run.pages_artifact(site) <= 1.1
    assert run.published(site) == {"site_files": 2, "site_mib": 2.5, "artifact_mib": run.pages_artifact(site)}


def test_what_a_run_discards_is_moved_aside_and_deleted_only_when_it_ends(tmp_path, monkeypatch):
    from benchmarks import run

    site = tmp_path / "project" / "site"
    (site / "news").mkdir(parents=True)
    (site / "news" / "index.html").write_text("old")
    monkeypatch.setattr(run, "_trash", [tmp_path / run.TRASH_NAME])
    run.discard(site)
    run.discard(tmp_path / "project" / "nothing-there")
    assert not site.exists()
    [kept] = (tmp_path / run.TRASH_NAME).iterdir()  # out of the way, not yet deleted
    assert (kept / "news" / "index.html").read_text() == "old"
    run.empty_trash()
    assert not (tmp_path / run.TRASH_NAME).exists()
    # Outside a run (no trash), a path is deleted at once.
    (site / "news").mkdir(parents=True)
    run.discard(site)
    assert not site.exists() and not (tmp_path / run.TRASH_NAME).exists()
