"""Phase 4 (``on_env`` to ``on_post_build``, then ``on_shutdown``): what the site writes beside
MkDocs' pages (search index, sitemap, feeds), and the publishing of the whole: the new site
replaces the published one only when every output was written.

Pagefind starts on the releases' search records as soon as their bodies are known (``on_nav``)
and indexes on another core while the build finds what to render and MkDocs renders the pages;
the hand-written pages' records follow at ``on_env``, and the build waits for it at the end.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from .. import cache, feeds, korean, organization, page_cache, search, search_cache, sitemap
from ..languages import alternates
from ..model import Release
from ..outputs import NOT_FOUND_PAGE
from ..urls import absolute, url_of
from .check import CHECK_COMMAND
from .context import early_strings, error_page_context, in_language, listing_alternates, page_alternates
from .pages import ListingPage, RedirectPage, ReleasePage, edition_prefix
from .rendering import save_conversions
from .state import BuildState, log

#: Set (to anything) to wait for Pagefind as soon as it starts instead of letting it run beside
#: the rendering of pages: the build gets slower, and its timings show indexing alone.
SEARCH_FOREGROUND_VARIABLE = "NEWSROOM_SEARCH_FOREGROUND"


def start_search_index(state: BuildState, config: MkDocsConfig) -> None:
    """Start Pagefind on the releases' records as soon as their bodies are known (``on_nav``): it
    indexes beside everything else the build does. The hand-written pages' index follows once
    MkDocs has rendered them (``index_pages``). Not in `make check`, which writes no index, nor
    when indexing is timed alone (``SEARCH_FOREGROUND_VARIABLE``: all of it at ``on_env``)."""
    if state.command == CHECK_COMMAND or os.environ.get(SEARCH_FOREGROUND_VARIABLE) or _left_alone(state):
        return
    with state.progress.phase("search (records, Pagefind started)") as report:
        early_strings(state, config)  # a record shows the content warning's label in its language
        bundles = release_bundles(state, config.site_name)
        _start(state, config, bundles, more=True)
        report["done"] = _records_done(state, bundles)


def index_pages(state: BuildState, config: MkDocsConfig) -> None:
    """Index the hand-written pages, once MkDocs has rendered them (``on_env``), after the
    releases; or everything, if Pagefind did not start on the releases before."""
    if _left_alone(state):
        log.info("newsroom: search index not rebuilt in a --dirty preview; restart `make serve` to refresh it")
        return
    bundles = page_bundles(state, config.site_name)
    if state.indexing is None:
        with state.progress.phase("search (records, Pagefind started)") as report:
            bundles = release_bundles(state, config.site_name) + bundles
            _start(state, config, bundles, more=False)
            report["done"] = _records_done(state, bundles)
    else:
        with state.progress.phase("search (hand-written pages)") as report:
            indexing = state.indexing
            try:
                indexing.add(bundles, last=True)
            except search.SearchError as err:
                raise PluginError(_search_failed(err)) from None
            state.indexed += sum(len(bundle.records) for bundle in bundles)
            state.progress.figures["search records made"] = indexing.written
            records = sum(len(bundle.records) for bundle in bundles)
            report["done"] = f"{records} record(s) in {len(bundles)} index(es)"
    if os.environ.get(SEARCH_FOREGROUND_VARIABLE):
        finish_search_index(state, "search (Pagefind, in the foreground)")


def _left_alone(state: BuildState) -> bool:
    """A rebuild of a --dirty preview keeps the index it has."""
    return state.dirty and state.preview.builds > 1


def _start(state: BuildState, config: MkDocsConfig, bundles: list[search.Bundle], more: bool) -> None:
    try:
        cache = search_cache.IndexCache(state.settings.project_dir, search_cache.fingerprint(search.pagefind_binary()))
        state.indexing = search.Indexing(
            Path(config.site_dir), bundles, state.workers(), cache, state.published, more=more
        )
    except search.SearchError as err:
        raise PluginError(_search_failed(err)) from None
    state.indexed = sum(len(bundle.records) for bundle in bundles)
    state.indexing_started = time.perf_counter()
    state.progress.figures["search records made"] = state.indexing.written


def _records_done(state: BuildState, bundles: list[search.Bundle]) -> str:
    assert state.indexing is not None
    done = f"{state.indexed} records" + (f" in {len(bundles)} indexes" if len(bundles) > 1 else "")
    if state.indexing.copied:
        copied = len(state.indexing.copied)
        done += f", {copied} copied from the cache unmade, {state.indexing.written} made for Pagefind"
    return done


def finish_search_index(state: BuildState, phase: str) -> None:
    indexing = state.indexing
    assert indexing is not None, "start_search_index has not run"
    with state.progress.phase(phase) as report:
        try:
            indexing.finish()
        except search.SearchError as err:
            raise PluginError(_search_failed(err)) from None
        finally:
            state.indexing = None
        state.progress.figures["pagefind peak MiB"] = indexing.peak_mib
        state.progress.figures["pagefind seconds"] = time.perf_counter() - state.indexing_started
        state.progress.figures["pagefind CPU seconds"] = indexing.cpu_seconds
        if len(indexing.each) > 1:  # each edition's index
            for path, cpu_seconds in indexing.each.items():
                state.progress.figures[f"pagefind CPU seconds, {path}"] = cpu_seconds
        state.progress.figures["pagefind indexes from the cache"] = len(indexing.reused)
        reused, indexes = len(indexing.reused), len(indexing.outputs)
        report["done"] = (
            f"{state.indexed} pages indexed"
            + (f", {reused} of {indexes} indexes from the cache" if reused else "")
            + (f", Pagefind peaked at {indexing.peak_mib:.0f} MiB" if reused < indexes else "")
        )


def post_build(state: BuildState, config: MkDocsConfig) -> None:
    """Write what MkDocs does not: the sitemaps, robots.txt, feeds and the search index (see their modules)."""
    with state.progress.phase("sitemap") as report:
        written = write_sitemap(state, config)
        report["done"] = f"{len(written)} file(s)"
    with state.progress.phase("news sitemap, robots.txt") as report:
        recent = write_news_sitemap(state, config)
        write_robots(Path(config.site_dir), config)
        report["done"] = f"{recent} release(s) of the last 48 hours"
    with state.progress.phase("feeds") as report:
        written = write_feeds(state, config)
        copied = state.progress.figures["feeds from the cache"]
        report["done"] = f"{len(written)} files" + (f", {copied} feeds copied from the cache" if copied else "")
    write_not_found_pages(state, config)
    if state.indexing is not None:
        finish_search_index(state, "search (waiting for Pagefind)")
    state.progress.figures["build process peak MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if state.templates is not None:
        state.progress.figures["templates compiled"] = state.templates.compiled
        state.progress.figures["templates from the cache"] = state.templates.loaded
        state.progress.figures["templates refused"] = state.templates.store.rejected  # not made with the secret
    state.progress.save()
    save_conversions(state)
    release_frozen(state)
    state.complete = True


def build_failed(state: BuildState) -> None:
    if state.indexing is not None:
        state.indexing.cancel()
        state.indexing = None
    state.complete = False
    if state.staging is not None:
        state.staging.abandon()
    release_frozen(state)


def publish(state: BuildState) -> None:
    """Put the new site in the place of the published one if the build succeeded (strict mode
    included: MkDocs fails a strict build after ``on_post_build``), else drop it."""
    staging, state.staging = state.staging, None
    if staging is None:
        return
    if state.complete:
        started = time.perf_counter()
        how = staging.commit()
        log.info(f"newsroom: published {staging.final} ({how}) in {time.perf_counter() - started:.2f} s")
    else:
        staging.abandon()


def release_frozen(state: BuildState) -> None:
    """Under `mkdocs serve` the process lives on: let the collector free this build's objects
    (frozen with gc.freeze while it ran) once the next build replaces them."""
    if state.serving:
        gc.unfreeze()


def feed_site(state: BuildState, config: MkDocsConfig) -> feeds.Site:
    site_url = config.site_url or ""
    icon = config.theme.get("favicon")
    logo = config.theme.get("logo") or icon
    return feeds.Site(
        name=config.site_name,
        url=site_url,
        description=config.site_description or config.site_name,
        language=state.settings.language,
        icon=absolute(site_url, icon) if icon else None,
        logo=absolute(site_url, logo) if logo else None,
        large_icon=absolute(site_url, organization.FEED_ICON),
    )


def write_feeds(state: BuildState, config: MkDocsConfig) -> list[Path]:
    # The large icon JSON Feed names (``icon``), made from the organization's logo.
    organization.feed_icon(state.publisher.logo, Path(config.site_dir) / organization.FEED_ICON)
    written = []
    from_cache = 0
    site = feed_site(state, config)
    for part in state.editions:  # each edition its own feeds, in its language, under its folder
        strings, _ = in_language(state, part.edition.prefix)
        writer = feeds.FeedWriter(
            state.settings,
            site if part.edition.is_default else dataclasses.replace(site, language=part.edition.language),
            part.taxonomies,
            lambda release: state.feed_html(release),
            state.preview.feed_fingerprints if state.serving else None,  # rebuilt in this process
            feeds.Labels(strings("newsroom.content_warning"), strings("newsroom.show_photo")),
        )
        limit = state.settings.feed_items
        channels = feeds.site_feeds(part.published, part.taxonomies, writer.site, limit, part.edition.prefix)
        cache = state.kept.feed_cache if state.kept is not None else None
        written += writer.write(Path(config.site_dir), channels, state.published, feed_key(state, writer), cache)
        from_cache += writer.from_cache
    state.progress.figures["feed bodies converted again"] = state.feed_bodies_again
    state.progress.figures["feeds from the cache"] = from_cache
    return written


def feed_key(state: BuildState, writer: feeds.FeedWriter) -> Callable[[feeds.Feed], str] | None:
    """A feed's key among the published site's files (``newsroom.published``): the site's
    fingerprint and the feed's parts, each item's release and body as this build checked them."""
    kept = state.kept
    if kept is None:
        return None

    def body(release: Release) -> str:
        return f"{kept.digest(release)} {state.rendered(release).digest}"

    return lambda feed: page_cache.key("feed", kept.site_key, writer.identity(feed, body))


def write_sitemap(state: BuildState, config: MkDocsConfig) -> list[Path]:
    site_dir = Path(config.site_dir)
    stale = [*site_dir.glob("sitemap*.xml"), *site_dir.glob("sitemap*.xml.gz")]
    for path in stale:
        path.unlink()
    if not config.site_url:
        return []
    entries = []
    for page in state.documentation_pages:
        if isinstance(page, RedirectPage):
            continue
        if isinstance(page, ReleasePage):
            release = page.release
            versions = [(t.language, url_of(t)) for t in state.the_archive.translations(release)]
            others = alternates(release.language, url_of(release), versions, state.settings.language)
            entries.append(sitemap.Entry(page.url, release.last_changed, others))
        elif isinstance(page, ListingPage):
            listing = page.listing
            others = listing_alternates(state, listing)
            entries.append(sitemap.Entry(page.url, sitemap.last_change(listing.releases), others))
        elif len(state.editions) > 1:  # a hand-written page, perhaps with versions in other editions
            prefix = edition_prefix(page, state.chrome.prefixes)
            entries.append(sitemap.Entry(page.url, None, page_alternates(state, page, prefix)))
        else:
            entries.append(sitemap.Entry(page.url))
    return sitemap.write_sitemaps(site_dir, config.site_url, entries)


def write_not_found_pages(state: BuildState, config: MkDocsConfig) -> list[Path]:
    """Each other edition's 404 page at ``<prefix>404.html``, in its language, as MkDocs writes the
    default edition's: from the theme's ``404.html``, its links absolute (it answers any address)."""
    written = []
    base_url = urlsplit(config.site_url or "/").path
    for part in state.editions:
        prefix = part.edition.prefix
        if not prefix:
            continue
        context = error_page_context(state, dict(get_context(state.nav, [], config, base_url=base_url)), prefix)
        target = Path(config.site_dir) / prefix / NOT_FOUND_PAGE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(state.env.get_template(NOT_FOUND_PAGE).render(context), encoding="utf-8")
        written.append(target)
    return written


def write_news_sitemap(state: BuildState, config: MkDocsConfig) -> int:
    """news-sitemap.xml: the releases of the last 48 hours at the build's clock; how many."""
    assert state.now is not None, "on_pre_build has not run"
    news = sitemap.news_entries(state.the_archive.published, state.now)
    sitemap.write_news_sitemap(Path(config.site_dir), config.site_url or "", state.publisher.name, news)
    return len(news)


def write_robots(site_dir: Path, config: MkDocsConfig) -> Path:
    """robots.txt naming both sitemaps; a hand-written docs/robots.txt is kept, with the lines it lacks."""
    source = Path(config.docs_dir) / sitemap.ROBOTS
    # Byte for byte as written, even where it is not UTF-8 (the lines added are ASCII).
    hand_written = source.read_bytes().decode("utf-8", "surrogateescape") if source.is_file() else None
    urls = [absolute(config.site_url or "", name) for name in ("sitemap.xml", sitemap.NEWS)]
    target = site_dir / sitemap.ROBOTS
    target.write_bytes(sitemap.robots_txt(urls, hand_written).encode("utf-8", "surrogateescape"))
    return target


def release_bundles(state: BuildState, site_name: str) -> list[search.Bundle]:
    """The releases' search indexes: each edition's shards, of its releases in its language (a
    site of one edition: of everything it publishes, in the site's language). An edition with
    neither releases nor hand-written pages holds its home page: Pagefind cannot make an empty
    index, and the edition's search must still work (and find nothing else)."""
    koreans = [release for release in state.the_archive.published if korean.is_korean(release.language)]

    def analyze_korean() -> None:
        """Every new Korean word analyzed once, in this process's turn: the workers that make the
        records are forked from it. Texts segmented by earlier builds come from the cache."""
        korean.remember(state.settings.project_dir)
        texts = (search.segmented_text(release, state.rendered(release).text) for release in koreans)
        state.progress.figures["korean words analyzed"] = korean.prepare(texts, state.workers())

    if len(state.editions) < 2:
        parts = [("", state.settings.language, state.the_archive.published)]
    else:
        # The Korean editions last: their words are analyzed while Pagefind indexes the others.
        editions = sorted(state.editions, key=lambda part: korean.is_korean(part.edition.language))
        parts = [(part.edition.prefix, part.edition.language, part.published) for part in editions]
    bundles = []
    for prefix, language, releases in parts:
        if releases or prefix not in state.pages_indexed:
            home = search.page_record(prefix, site_name, site_name, language)
            bundles += sharded(state, prefix, language, releases, home)
    if koreans:
        first = next((n for n, b in enumerate(bundles) if korean.is_korean(b.language)), 0)
        bundles[first] = dataclasses.replace(bundles[first], before=analyze_korean)
    return bundles


def page_bundles(state: BuildState, site_name: str) -> list[search.Bundle]:
    """The hand-written pages' search index of each edition that has some (``pages_indexed``),
    apart from its releases': their records are known only once MkDocs has rendered them, and
    Pagefind indexes the releases meanwhile. The header box searches it beside the newest shard."""
    language_of = {part.edition.prefix: part.edition.language for part in state.editions}
    releases = {part.edition.prefix: len(part.published) for part in state.editions}
    if len(state.editions) < 2:
        language_of, releases = {"": state.settings.language}, {"": len(state.the_archive.published)}
    own: dict[str, list[search.SearchRecord]] = {prefix: [] for prefix in language_of if prefix in state.pages_indexed}
    for page in state.documentation_pages:
        # Hand-written pages only: not releases, listings (even with an introduction) or redirects.
        if type(page) is not Page or page.file.src_uri not in state.page_bodies:
            continue
        prefix = edition_prefix(page, state.chrome.prefixes) if len(state.editions) > 1 else ""
        assert prefix in own, f"{page.file.src_uri}: a hand-written page of an edition without a pages index"
        own[prefix].append(search.in_shard(page_record(state, page, language_of[prefix]), search.PAGES_SHARD))
    bundles = []
    for prefix, records in own.items():
        language = language_of[prefix]
        if not records:  # its pages are empty: the index must still hold something
            records = [search.in_shard(search.page_record(prefix, site_name, site_name, language), search.PAGES_SHARD)]
        fixed = PageRecords(records)
        path, first = search.pages_path(prefix), not releases[prefix]  # the first folder of an index without releases
        bundles.append(search.Bundle(path, language, fixed, fingerprint=fixed.fingerprint, releases=False, code=first))
    return bundles


class PageRecords(list[search.SearchRecord]):
    """The records of hand-written pages, made already: their fingerprint is what they hold."""

    def fingerprint(self) -> str:
        return page_cache.key(_code(), [repr(record) for record in self])


def sharded(
    state: BuildState, prefix: str, language: str, releases: list[Release], home: search.SearchRecord
) -> list[search.Bundle]:
    """The shards of an edition's index of releases (``search.shard_ranges``), newest first: its
    releases (newest first, in each shard too) cut by date; its ``home`` page if it has none."""
    size, count = state.settings.search_shard_size, len(releases)
    ranges = search.shard_ranges(count, size)
    bundles = []
    for number, path in zip(range(len(ranges), 0, -1), search.shard_paths(prefix, count, size), strict=True):
        part = ranges[number - 1]
        shard = releases[count - part.stop : count - part.start]
        own = [] if releases else [search.in_shard(home, number)]
        records = SearchRecords(state, shard, own, shard=number)
        newest = number == len(ranges)  # the first of its index's folders: its pages load Pagefind from it
        bundles.append(search.Bundle(path, language, records, fingerprint=records.fingerprint, code=newest))
    return bundles


def page_record(state: BuildState, page: Page, language: str) -> search.SearchRecord:
    return search.page_record(page.url, page.title or "", state.page_bodies[page.file.src_uri].text, language)


def _search_failed(err: Exception) -> str:
    return (
        f"The search index could not be built, so the site is not published without search: {err}. "
        "Pagefind comes with the pinned dependencies (pagefind_bin_extended in requirements.txt; `make build` "
        "installs it); PAGEFIND_BINARY_PATH may point at another binary."
    )


class SearchRecords(Sequence[search.SearchRecord]):
    """The search records of a build, each made when asked for (by the worker that writes it)."""

    def __init__(
        self,
        state: BuildState,
        releases: Sequence[Release],
        pages: list[search.SearchRecord],
        shard: int | None = None,
    ):
        """``shard``: the number of the shard they are, in an index of several (``search.in_shard``)."""
        self.state = state
        self.releases = releases
        self.pages = pages
        self.shard = shard
        #: By edition prefix, made before the workers fork: the label of a content warning and the
        #: date formatter, in that edition's language (a result shows the release's date in it).
        self.warning, self.formatter = {}, {}
        for part in state.editions:
            strings, formatter = in_language(state, part.edition.prefix)
            self.warning[part.edition.prefix] = strings("newsroom.content_warning")
            self.formatter[part.edition.prefix] = formatter

    def __len__(self) -> int:
        return len(self.releases) + len(self.pages)

    @overload
    def __getitem__(self, index: int) -> search.SearchRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[search.SearchRecord]: ...

    def __getitem__(self, index: int | slice) -> search.SearchRecord | list[search.SearchRecord]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index >= len(self.releases):
            return self.pages[index - len(self.releases)]
        state, release = self.state, self.releases[index]
        settings = state.settings
        record = search.release_record(
            release,
            state.rendered(release).text,
            state.the_archive.taxonomies,
            settings.language,
            self.formatter[release.edition].when(release.date).text,
            settings.search_lede_words,
            self.warning[release.edition],
            moment=len(state.editions) > 1,
        )
        return record if self.shard is None else search.in_shard(record, self.shard)

    def fingerprint(self) -> str:
        """A digest of everything these records are made from, in order, found without making them:
        each release and its body as this build checked them, its terms' names, the site's language,
        the settings and strings its record shows, and the code and packages (Kiwi) that make it."""
        state, settings = self.state, self.state.settings
        taxonomies = state.the_archive.taxonomies
        keys = []
        for release in self.releases:
            terms = [tuple(t.name for t in taxonomies.of(release, taxonomy)) for taxonomy in search.FACETS.values()]
            keys.append(
                page_cache.key(
                    state.digest(release),
                    state.rendered(release).digest,
                    terms,
                    # The date as its record shows it is made from the moment and the edition's
                    # locale (below): formatting every release's date here took 0.4 s at 50,000 releases.
                    release.date.isoformat(),
                    release.edition,
                    self.warning[release.edition] if release.content_warning else None,
                )
            )
        pages = [repr(page) for page in self.pages]
        moment = len(state.editions) > 1
        locales = sorted((prefix, str(formatter.locale)) for prefix, formatter in self.formatter.items())
        return page_cache.key(
            _code(), settings.language, settings.search_lede_words, moment, self.shard, locales, keys, pages
        )


@functools.cache
def _code() -> str:
    """The newsroom's code and every installed package's version (Kiwi segments Korean records)."""
    return page_cache.key(cache.code_version(), page_cache.installed_packages())
