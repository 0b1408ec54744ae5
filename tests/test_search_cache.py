"""Search indexes kept between builds (``newsroom.search_cache``): a build copies from
``.cache/newsroom/pagefind/`` every shard whose documents did not change, and gives the same site
byte for byte as a build without the cache; a tampered cache never puts code or other files on
the site."""

from __future__ import annotations

import os

import pytest

from conftest import release_text, snapshot
from newsroom import search_cache
from test_search_shards import RELEASES, _sharded


def _entries(project) -> set[str]:
    return {path.name for path in (project.path / ".cache/newsroom/pagefind").iterdir()}


def test_unchanged_shards_come_from_the_cache_and_the_site_is_byte_for_byte_a_cold_build(project):
    first = _sharded(project)  # four shards and the pages' index; the build fills the cache
    assert "from the cache" not in first.log
    assert len(_entries(project)) == 5
    filled = snapshot(first.site)

    warm = project.build()
    assert warm.returncode == 0, warm.log
    assert "5 of 5 indexes from the cache" in warm.log, warm.log
    assert "4 copied from the cache unmade, 0 made for Pagefind" in warm.log, (
        "no record made, by what they are made from"
    )
    assert snapshot(warm.site) == filled

    newest = next(project.releases.glob("*-seven.md"))
    newest.write_text(newest.read_text() + "\nA word only this edit has: zqxcached.\n")
    edited = project.build()
    assert edited.returncode == 0, edited.log
    assert "4 of 5 indexes from the cache" in edited.log, edited.log
    assert "3 copied from the cache unmade, 1 made for Pagefind" in edited.log, (
        "the records of the edited release's shard alone are made"
    )
    after = snapshot(edited.site)
    for name, data in filled.items():  # the older shards are the same files
        if name.startswith(("pagefind-1/", "pagefind-2/", "pagefind-3/")):
            assert after[name] == data, name
    assert after != filled
    assert len(_entries(project)) == 5, "the newest shard's old entry is dropped"

    cold = project.build(env={"NEWSROOM_CACHE": "0"})
    assert cold.returncode == 0, cold.log
    assert snapshot(cold.site) == after, "a build from the cache is byte for byte a build without it"


def test_a_tampered_search_cache_puts_neither_code_nor_other_files_on_the_site(project, tmp_path):
    build = _sharded(project)
    before = snapshot(build.site)
    secret = tmp_path / "secret.txt"
    secret.write_text("zqxsecret: a file outside the cache")
    entries = sorted((project.path / ".cache/newsroom/pagefind").iterdir())
    # A script of the attacker's beside the data; a data file replaced by a symlink out of the
    # cache; a file name Pagefind never writes; a folder in a file's place.
    (entries[0] / "pagefind.js").write_text("alert('zqxevil')")
    fragment = next((entries[1] / "fragment").iterdir())
    fragment.unlink()
    fragment.symlink_to(secret)
    (entries[2] / "index" / "notes.txt").write_text("zqxevil")
    (entries[3] / "pagefind-ui.js").write_text("alert('zqxevil')")
    (entries[4] / "pagefind-entry.json").unlink()  # a folder where a file belongs
    (entries[4] / "pagefind-entry.json").mkdir()

    again = project.build()
    assert again.returncode == 0, again.log
    assert "from the cache" not in again.log, "every tampered entry is indexed anew"
    assert snapshot(again.site) == before
    assert not any(b"zqx" in data for data in snapshot(again.site).values())
    assert not [path for path in again.site.rglob("*") if path.is_symlink()]
    for entry in entries:  # each was dropped and written anew, whole
        assert search_cache.data_files(entry) is not None
        assert not (entry / "pagefind.js").exists()


def test_a_cached_entry_keeps_pagefind_data_only_and_the_code_comes_from_the_binary(project):
    build = _sharded(project)
    for entry in (project.path / ".cache/newsroom/pagefind").iterdir():
        files = search_cache.data_files(entry)
        assert files is not None and "pagefind-entry.json" in files
        assert not [name for name in files if name.endswith((".js", ".pagefind"))]
    again = project.build()
    assert "5 of 5 indexes from the cache" in again.log, again.log
    binary_script = (build.site / "pagefind" / "pagefind.js").read_bytes()
    assert (again.site / "pagefind" / "pagefind.js").read_bytes() == binary_script
    assert (again.site / "pagefind" / "wasm.en.pagefind").is_file()
    for folder in ("pagefind-1", "pagefind-2", "pagefind-3", "pagefind-pages"):  # merged into the newest's instance
        assert not list((again.site / folder).glob("*.js")) and not list((again.site / folder).glob("*.pagefind"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("pagefind-entry.json", True),
        ("pagefind.en_5003d2a78c.pf_meta", True),
        ("index/en_1a2b3c4.pf_index", True),
        ("fragment/en_1a2b3c4.pf_fragment", True),
        ("filter/en_1a2b3c4.pf_filter", True),
        ("pagefind.js", False),
        ("wasm.en.pagefind", False),
        ("index/en_1a2b3c4.pf_fragment", False),
        ("index/.pf_index", False),
        ("index/deeper/en.pf_index", False),
        ("pagefind.pf_meta", False),
        ("other/x.pf_index", False),
        ("pagefind-ui.js", False),
    ],
)
def test_only_pagefinds_data_files_are_kept(name, data):
    assert search_cache.is_data(name) is data


def test_the_key_changes_with_each_input_and_the_fingerprint_with_the_binary(tmp_path, monkeypatch):
    monkeypatch.delenv(search_cache.CACHE_VARIABLE, raising=False)
    cache = search_cache.IndexCache(tmp_path, "fingerprint")
    key = cache.key("pagefind-1", "en", "documents")
    assert key == search_cache.IndexCache(tmp_path, "fingerprint").key("pagefind-1", "en", "documents")
    assert key != cache.key("pagefind-2", "en", "documents")
    assert key != cache.key("pagefind-1", "ko", "documents")
    assert key != cache.key("pagefind-1", "en", "other documents")
    assert key != search_cache.IndexCache(tmp_path, "another").key("pagefind-1", "en", "documents")
    binary = tmp_path / "pagefind"
    binary.write_bytes(b"one")
    before = search_cache.fingerprint(binary)
    assert search_cache.fingerprint(binary) == before
    binary.write_bytes(b"other")  # another build of Pagefind at the same place
    os.utime(binary, ns=(1, 1))
    assert search_cache.fingerprint(binary) != before
    monkeypatch.setenv(search_cache.CACHE_VARIABLE, "0")
    assert search_cache.IndexCache(tmp_path, "fingerprint").holds(key) is False


def test_a_build_without_the_cache_leaves_it_alone(project):
    project.newsroom(search_shard_size=2)
    for title, date in RELEASES:
        project.release(f"{date}-{title.lower()}.md", release_text(title=f"Release {title}", date=date))
    cold = project.build(env={"NEWSROOM_CACHE": "0"})
    assert cold.returncode == 0, cold.log
    assert not (project.path / ".cache/newsroom/pagefind").exists()
    assert "from the cache" not in cold.log


def test_a_bundle_holding_a_file_pagefind_never_wrote_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(search_cache.CACHE_VARIABLE, raising=False)
    cache = search_cache.IndexCache(tmp_path, "fingerprint")
    output = tmp_path / "site" / "pagefind"
    for name in ("pagefind-entry.json", "pagefind.en_1234567890.pf_meta", "index/en_1.pf_index", "pagefind.js"):
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text("data")
    (output / "wasm.en.pagefind").write_text("code")
    cache.store("whole", output)
    assert search_cache.data_files(tmp_path / ".cache/newsroom/pagefind/whole") == [
        "index/en_1.pf_index",
        "pagefind-entry.json",
        "pagefind.en_1234567890.pf_meta",
    ]
    (output / "pagefind-sorts.json").write_text("a file of a later Pagefind")
    cache.store("unknown", output)
    assert not (tmp_path / ".cache/newsroom/pagefind/unknown").exists()


def test_a_shard_whose_records_changed_with_no_release_of_its_own_is_indexed_again(project):
    """A term is named as most releases spell it: newer releases may rename it in an older
    shard's records (its filters), whose releases did not change."""
    _sharded(project)  # seven releases filed under "North Korea", in shards of two
    for month in range(1, 9):
        project.release(
            f"2022-{month:02d}-01-n{month}.md",
            release_text(title=f"N{month}", date=f"2022-{month:02d}-01", countries=["north korea"]),
        )
    renamed = project.build()
    assert renamed.returncode == 0, renamed.log
    assert "copied from the cache" not in renamed.log, "every shard's records changed"
    cold = project.build(env={"NEWSROOM_CACHE": "0"})
    assert cold.returncode == 0, cold.log
    assert snapshot(renamed.site) == snapshot(cold.site)
