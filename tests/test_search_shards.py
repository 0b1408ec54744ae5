"""A large archive's search index in shards: Pagefind indexes a shard of releases at a time, so that
its memory is bounded by a shard's size, not the archive's; the hand-written pages have an index
of their own (``pagefind-pages``); the header box searches the newest shard and the pages, the
search page all of them as one index."""

from __future__ import annotations

import itertools
import json
import os
import threading
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import recorded_requests, release_text, site_tab
from newsroom import parallel, search
from test_output_encoding import pagefind_data

#: Seven releases, oldest first, with search_shard_size 2: shards {One, Two}, {Three, Four},
#: {Five, Six} and the newest, {Seven} (the newest holds from half a shard to a whole one less one:
#: here one release).
RELEASES = [
    ("One", "2019-01-01"),
    ("Two", "2019-06-01"),
    ("Three", "2020-01-01"),
    ("Four", "2020-06-01"),
    ("Five", "2021-01-01"),
    ("Six", "2021-02-01"),
    ("Seven", "2021-03-01"),
]
SHARDS = {
    "pagefind-1": {"One", "Two"},
    "pagefind-2": {"Three", "Four"},
    "pagefind-3": {"Five", "Six"},
    "pagefind": {"Seven"},
}
#: The hand-written pages' index, apart from the releases' shards (the repository's docs/about.md).
PAGES = {"pagefind-pages": {"About"}}


def _sharded(project, size: int = 2):
    project.newsroom(search_shard_size=size)
    for title, date in RELEASES:
        project.release(
            f"{date}-{title.lower()}.md",
            release_text(title=f"Release {title}", date=date, summary=f"Seoul {title}.", countries=["North Korea"]),
        )
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def _titles(folder) -> set[str]:
    fragments = [pagefind_data(path) for path in folder.glob("fragment/*.pf_fragment")]
    return {fragment["meta"]["title"].removeprefix("Release ") for fragment in fragments}


def test_the_index_is_cut_into_shards_by_date_each_indexed_alone(project):
    build = _sharded(project)
    for folder, titles in {**SHARDS, **PAGES}.items():
        assert _titles(build.site / folder) == titles, folder
        entry = json.loads((build.site / folder / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == ["en"], folder
        # Pagefind's script and WebAssembly in the newest shard only: the others are merged into its instance.
        code = sorted(path.name for path in (build.site / folder).iterdir() if path.suffix in (".js", ".pagefind"))
        assert code == (["pagefind.js", "wasm.en.pagefind"] if folder == "pagefind" else []), folder
    # The search page searches every shard, newest first, and the pages; the header box, the
    # newest shard and the pages.
    page = build.html("search/")
    assert json.loads(page.xpath("//script[@id='nr-search-indexes']/text()")[0]) == {
        "en": ["../pagefind", "../pagefind-3", "../pagefind-2", "../pagefind-1", "../pagefind-pages"]
    }
    assert page.xpath("//form[@data-nr-search]/@data-pagefind") == ["../pagefind/ ../pagefind-pages/"]
    assert build.html("").xpath("//form[@data-nr-search]/@data-pagefind") == ["pagefind/ pagefind-pages/"]
    # The figures name each shard's indexing.
    assert "in 4 indexes" in build.log, build.log


def test_an_archive_smaller_than_a_shard_has_one_index(project):
    build = _sharded(project, size=8)  # 7 releases: one shard of all of them
    assert not (build.site / "pagefind-1").exists()
    assert _titles(build.site / "pagefind") == {title for title, _ in RELEASES}
    indexes = json.loads(build.html("search/").xpath("//script[@id='nr-search-indexes']/text()")[0])
    assert indexes == {"en": ["../pagefind", "../pagefind-pages"]}


@given(releases=st.integers(0, 30_000), size=st.integers(1, 4_000))
@example(releases=10_000, size=2_000)  # the benchmark's hourly build: the newest shard holds 1,000
@example(releases=2, size=1)
def test_shards_keep_their_releases_as_the_archive_grows_and_the_newest_stays_small(releases, size):
    """What an hourly build indexes again is the newest shard (from half a shard to a whole one),
    and, once every half a shard, the half before it or the older shard the two halves become."""
    half = max(1, size // 2)
    ranges = search.shard_ranges(releases, size)
    assert ranges[0].start == 0 and ranges[-1].stop == releases
    assert all(before.stop == after.start for before, after in itertools.pairwise(ranges))
    assert all(len(part) > 0 for part in ranges) or releases == 0
    if releases < size:
        assert len(ranges) == 1, "a small archive has one shard"
    else:
        assert half <= len(ranges[-1]) <= max(1, size - 1), "the newest shard"
    older = ranges[:-1]
    if older and len(older[-1]) != size:
        assert len(older[-1]) == half, "the half before the newest"
        older = older[:-1]
    assert all(part.start % size == 0 and len(part) == size for part in older)
    assert max(len(part) for part in ranges) <= size, "Pagefind's memory is bounded by the size"
    grown = search.shard_ranges(releases + 1, size)
    assert set(older) <= set(grown), "the older shards keep their releases"
    known = set(ranges)
    indexed_again = sum(len(part) for part in grown if part not in known)
    assert indexed_again <= size + half


def test_an_alias_may_not_take_a_shards_address(project):
    project.newsroom(search_shard_size=2)
    for title, date in RELEASES:
        aliases = ["pagefind-2/pagefind.js"] if title == "One" else []
        project.release(f"{date}-{title.lower()}.md", release_text(title=title, date=date, aliases=aliases))
    build = project.build()
    assert build.returncode == 1
    assert (
        "press_releases/2019-01-01-one.md:5: field 'aliases': the old address 'pagefind-2/pagefind.js' is already "
        "taken by the site itself (the search index)"
    ) in build.log, build.log


def test_a_hand_written_page_may_not_take_a_search_index_folder(project):
    """docs/pagefind-pages.md would be written into the hand-written pages' index, and
    docs/pagefind/notes.md into the newest shard: both fail the build, named."""
    project.release("2021-01-01-x.md", release_text(date="2021-01-01"))
    project.doc("pagefind-pages.md", "# Pages\n\nMine.\n")
    project.doc("pagefind/notes.md", "# Notes\n\nMine.\n")
    build = project.build()
    assert build.returncode == 1
    for source, address, folder in (
        ("docs/pagefind-pages.md", "pagefind-pages/index.html", "pagefind-pages/"),
        ("docs/pagefind/notes.md", "pagefind/notes/index.html", "pagefind/"),
    ):
        assert (
            f"{source}: is published at {address}, inside {folder}, where the site itself (the search index) "
            "writes; move or rename it"
        ) in build.log, build.log


def test_the_search_page_searches_every_shard_as_one_index(project, browser):
    build = _sharded(project)
    with site_tab(browser, build) as tab:
        requested = recorded_requests(tab)
        tab.goto(tab.base + "search/?q=Seoul&sort=date")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 7")
        titles = [title.removeprefix("Release ") for title in tab.locator(".nr-result h2").all_inner_texts()]
        assert titles == [title for title, _ in reversed(RELEASES)], titles
        years = {
            year: tab.locator(f"label[for='nr-facet-year-{year}'] .nr-count").inner_text()
            for year in ("2019", "2020", "2021")
        }
        assert years == {"2019": "2", "2020": "2", "2021": "3"}, "the shards' counts, added up"
        assert tab.locator("label[for='nr-facet-country-north-korea'] .nr-count").inner_text() == "7"
        # The older shards share the newest one's script and WebAssembly: loaded once.
        scripts = sorted(url for url in requested if url.endswith(".js") and "pagefind" in url)
        assert scripts == ["pagefind/pagefind.js"], requested
        assert [url for url in requested if "wasm" in url] == ["pagefind/wasm.en.pagefind"], requested
        assert {url.split("/")[0] for url in requested if url.startswith("pagefind")} == set(SHARDS) | set(PAGES)
        # Filtered, newest first: the shards with results, each in turn (the middle one has none).
        tab.goto(tab.base + "search/?q=Seoul&sort=date&year=2019&year=2021")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 5")
        titles = [title.removeprefix("Release ") for title in tab.locator(".nr-result h2").all_inner_texts()]
        assert titles == ["Seven", "Six", "Five", "Two", "One"]
        tab.goto(tab.base + "search/?country=north-korea")  # browsing a term: newest first too
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 7")
        titles = [title.removeprefix("Release ") for title in tab.locator(".nr-result h2").all_inner_texts()]
        assert titles == [title for title, _ in reversed(RELEASES)]
        assert tab.locator("#nr-facets input[name='shard']").count() == 0, "the shards are no facet"
        # By relevance, every match once; a year searches the shards that hold it.
        tab.goto(tab.base + "search/?q=Seoul")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 7")
        found = {title.removeprefix("Release ") for title in tab.locator(".nr-result h2").all_inner_texts()}
        assert found == {title for title, _ in RELEASES}
        tab.goto(tab.base + "search/?q=Seoul&year=2020")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 2")
        found = {title.removeprefix("Release ") for title in tab.locator(".nr-result h2").all_inner_texts()}
        assert found == {"Three", "Four"}


def test_the_header_box_searches_the_newest_shard_and_the_pages_only(project, browser):
    build = _sharded(project)
    with site_tab(browser, build) as tab:
        tab.goto(tab.base + "about/")
        requested = recorded_requests(tab)
        tab.focus("#nr-search-input")
        tab.keyboard.type("Seoul")
        tab.wait_for_selector("#nr-search-list [role=option]")
        titles = tab.locator("#nr-search-list .nr-search__title").all_inner_texts()
        assert {title.removeprefix("Release ") for title in titles} == SHARDS["pagefind"]
        assert {url.split("/")[0] for url in requested if url.startswith("pagefind")} == {"pagefind", "pagefind-pages"}
        tab.fill("#nr-search-input", "coalition")  # in the About page (docs/about.md), in no release
        tab.wait_for_function(
            "() => [...document.querySelectorAll('#nr-search-list .nr-search__title')]"
            ".map((title) => title.textContent.trim()).join('|') === 'About'"
        )


# -- work done beside Pagefind ---------------------------------------------------------------------


def _bundle(path: str, word: str, before=None) -> search.Bundle:
    records = [search.page_record(f"p{i}/", f"{word} {i}", f"{word} text {i}", "en") for i in range(3)]
    return search.Bundle(path, "en", records, before)


def test_the_work_before_a_bundles_records_runs_while_pagefind_indexes_the_bundles_before_it(tmp_path):
    # A Korean edition's words are analyzed then (korean.prepare): the processor Pagefind leaves.
    site = tmp_path / "site"

    def before() -> None:  # waits for the first bundle's index: forever, were Pagefind started after the last
        deadline = time.monotonic() + 120
        while not (site / "first" / "pagefind.js").is_file():
            assert time.monotonic() < deadline, "Pagefind had not started on the first bundle"
            time.sleep(0.05)

    indexing = search.Indexing(site, [_bundle("first", "alpha"), _bundle("second", "beta", before)])
    indexing.finish()
    assert (site / "second" / "pagefind.js").is_file() and (site / "first" / "pagefind.js").is_file()


def test_a_failure_before_a_bundles_records_stops_pagefind_and_leaves_no_scratch(tmp_path):
    def before() -> None:
        raise RuntimeError("the analysis failed")

    with pytest.raises(RuntimeError, match="the analysis failed"):
        search.Indexing(tmp_path / "site", [_bundle("first", "alpha"), _bundle("second", "beta", before)])
    assert not any(thread.name == "pagefind" for thread in threading.enumerate())
    scratch = search.scratch_dir()  # this build's own: no other of its folders left
    scratch.rmdir()
    assert not list(scratch.parent.glob(f"{search.SCRATCH_PREFIX}{os.getpid()}-*"))


def _forks_in_turn(start: int, end: int) -> int:
    return parallel.Forked(lambda: start + end).result()


def test_a_process_the_build_forked_may_fork_in_turn():
    """The lock the build holds while it forks (``parallel.FORKING``: never while Pagefind's
    thread starts its program) is free in each process it forked: a worker of a pool, forked
    while its parent held it, forks without waiting for it forever."""
    done: list[int] = []
    thread = threading.Thread(target=lambda: done.extend(parallel.in_order(_forks_in_turn, [(1, 2)], 1)), daemon=True)
    thread.start()
    thread.join(60)
    assert done == [3]
