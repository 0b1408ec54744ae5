"""The text-only edition (``newsroom.text_edition``) in a MkDocs build.

- ``on_env`` (``prepare``), once every body is converted and checked: templates get
  ``newsroom_text_url(page)``, the address of a page's text version (the partial
  ``partials/newsroom/text-link.html`` links it); a hand-written file under ``text/`` fails the
  build, naming it. On a full build, a process forked from the build starts writing the edition
  beside it, on another core, while MkDocs renders the other pages.
- ``on_post_build`` (``finish``), once MkDocs has written its pages: the build writes the pages
  that process has not reached yet, taking them from the other end (``Shared``), and waits for
  it (or, on a small or preview build, writes the edition itself). Pages go into the
  site being built (the staging folder): a failure fails the build, and the published site stays
  as it was.
- ``on_build_error`` (``cancel``): the writing process is stopped before the new site is dropped.

No process holds more than one text page at a time.
"""

from __future__ import annotations

import functools
import os
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from .. import contacts
from ..errors import ContentError, Problem, os_error_message
from ..model import Release
from ..parallel import Claims, Forked, ForkedError
from ..text_edition import TEXT, Site, TextEdition, has_text_version, text_url
from ..urls import url_of
from ..views import release_view
from .check import CHECK_COMMAND
from .context import early_strings, edition_part, formatter_for, in_language
from .pages import ListingPage, ReleasePage
from .state import BuildState, log, project_path


def text_address(page: Any) -> str | None:
    """The address of the text version of ``page`` (relative to the site root); None if it has none."""
    if isinstance(page, ReleasePage):
        return text_url(url_of(page.release))
    if isinstance(page, ListingPage) and has_text_version(page.listing):
        return text_url(page.listing.url)
    return None


def prepare(state: BuildState, env: Any, config: MkDocsConfig, files: Files) -> None:
    """At ``on_env``, once every body is checked: the templates' ``newsroom_text_url``; no
    hand-written file under ``text/``; and on a full build, the edition's writer started."""
    env.globals["newsroom_text_url"] = text_address
    docs = project_path(state, state.docs_dir)
    problems = [
        Problem(
            f"{docs}/{file.src_uri}",
            f"is published at {file.dest_uri}, inside {TEXT}, where the site writes its text-only edition; "
            "move or rename it",
        )
        for file in files
        if file.dest_uri.startswith(TEXT)
    ]
    if problems:
        state.refuse(ContentError(problems))
    if state.command == CHECK_COMMAND:
        return
    if state.dirty and state.preview.builds > 1:
        log.info("newsroom: text-only edition not rebuilt in a --dirty preview; restart `make serve` to refresh it")
        return
    pages = TextPages(state, env, config)
    if state.workers() > 1:
        claims = Claims(len(pages))
        beside = Forked(functools.partial(_beside, pages, claims), TEXT_NICENESS, describe)
        _jobs[id(state)] = Shared(pages, claims, beside)
    else:
        _jobs[id(state)] = pages


#: How far below the build's priority the text-only edition is written. It shares the second core
#: with Pagefind while MkDocs renders pages on the first: lowered, it takes the time the others
#: leave (10,000 releases, side by side: the build 1.5 to 7 s faster). What it has not written
#: when MkDocs has written its pages, the build writes with it (``Shared``).
TEXT_NICENESS = 10

#: Text pages a process takes at a time when two share the edition (``parallel.Claims``). The
#: cache's new entries are written after each batch, in a short transaction: both processes add
#: to it.
CLAIM = 200


def _beside(pages: TextPages, claims: Claims) -> Written:
    """The job of the process forked beside the build: the edition's pages from the front."""
    written = pages.write_claimed(claims.front)
    if pages.published is not None:
        written.published = pages.published.changes()
    return written


@dataclass(slots=True)
class Shared:
    """The text-only edition written by a process forked beside the build, which the build joins
    once MkDocs has written its pages: neither waits while the other works alone."""

    pages: TextPages
    claims: Claims
    beside: Forked

    def finish(self) -> Written:
        """The pages left, written from the back, then the process beside waited for; the cache
        made lasting, without the pages no longer on the site."""
        try:
            own = self.pages.write_claimed(self.claims.back)
        except BaseException:
            self.beside.cancel()
            raise
        theirs: Written = self.beside.result()
        if theirs.published is not None and self.pages.published is not None:
            self.pages.published.merge(theirs.published)  # what the process beside found and wrote
        kept = self.pages.kept
        if kept is not None:  # every text page seen, by one process or the other
            kept.text_cache.used.update(theirs.used)
            kept.text_cache.save(prune=True)
        return Written(
            pages=own.pages + theirs.pages,
            releases=own.releases + theirs.releases,
            release_gzip_bytes=own.release_gzip_bytes + theirs.release_gzip_bytes,
            seconds=theirs.seconds,
            cpu_seconds=own.cpu_seconds + theirs.cpu_seconds,
            kept=own.kept + theirs.kept,
            left=own.left + theirs.left,
            by_build=own.pages,
        )

    def cancel(self) -> None:
        self.beside.cancel()


def finish(state: BuildState) -> None:
    """At ``on_post_build``: the edition written, or the build fails (and the site is not published)."""
    job = _jobs.pop(id(state), None)
    if job is None:
        return
    beside = isinstance(job, Shared)
    with state.progress.phase("text-only edition (waiting)" if beside else "text-only edition") as report:
        try:
            written = job.finish() if isinstance(job, Shared) else job.write_all()
        except Exception as err:  # noqa: BLE001 - any failure fails the build, saying what it was
            raise PluginError(
                f"The text-only edition could not be written, so the site is not published: {describe(err)}"
            ) from None
        average = written.release_gzip_bytes / written.releases / 1024 if written.releases else 0.0
        state.progress.figures["text release page gzip KB avg"] = average
        state.progress.figures["text-only edition seconds"] = written.seconds
        state.progress.figures["text-only edition CPU seconds"] = written.cpu_seconds
        state.progress.figures["text pages from the cache"] = written.kept
        state.progress.figures["text pages left in place"] = written.left
        state.progress.figures["text pages written by the build at the end"] = written.by_build
        how = f" by a process beside the pages in {written.seconds:.2f} s" if beside else ""
        if written.by_build:
            how += f" ({written.by_build} by the build once it was done)"
        kept = f" ({written.kept} from the cache)" if written.kept else ""
        report["done"] = f"{written.pages} pages{kept}{how}, a release page {average:.1f} KB compressed on average"


def cancel(state: BuildState) -> None:
    """The build failed: stop writing the edition (before the new site is dropped)."""
    job = _jobs.pop(id(state), None)
    if isinstance(job, Shared):
        job.cancel()


def describe(err: BaseException) -> str:
    if isinstance(err, OSError):
        return os_error_message(err)
    if isinstance(err, (jinja2.TemplateError, TextEditionError)):
        return str(err)
    return f"{type(err).__name__}: {err}"


#: One release page in so many is weighed (compressed) for the build's report of their average weight
#: (compressing one in ten took a second of processor time at 10,000 releases).
WEIGHED = 50


@dataclass(slots=True)
class Written:
    """What a share of the text pages came to."""

    pages: int = 0
    releases: int = 0
    """Release pages weighed."""
    release_gzip_bytes: int = 0
    """Their sizes, compressed as a server sends them (gzip, level 6)."""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    kept: int = 0
    """Pages copied from the cache (``reuse``), or left in place."""
    left: int = 0
    """Pages the published site already held, left in place (``newsroom.published``)."""
    published: Any = None
    """What the writer found and wrote in the published site (``Published.changes``)."""
    used: set[str] = field(default_factory=set)
    """The keys of the text pages in the cache it used or added (``PageCache.used``)."""
    by_build: int = 0
    """Of a shared edition, the pages the build wrote once it had written everything else."""


class TextPages:
    """The text pages of a build, each made and written when its turn comes (by a worker)."""

    def __init__(self, state: BuildState, env: Any, config: MkDocsConfig):
        self.state = state
        self.site_dir = Path(config.site_dir)
        self.releases = state.the_archive.published
        self.listings = [page for page in state.listing_pages.values() if has_text_version(page.listing)]
        addresses = {url_of(release) for release in self.releases}
        addresses.update(page.listing.url for page in self.listings)
        loader = jinja2.FileSystemLoader(config.theme.dirs)
        #: By edition prefix: its text pages in its language (the default edition's: the theme's language).
        self.editions: dict[str, TextEdition] = {}
        early_strings(state, config)  # the pages' strings, each language's read once a build
        for part in state.editions:
            prefix = part.edition.prefix
            strings, _ = in_language(state, prefix)
            site = Site(config.site_name, config.site_url or "", strings("language"), state.settings.onion_location)
            self.editions[prefix] = TextEdition(loader, strings, site, addresses)
        # Made once here rather than in each process that renders pages (they are forked from this one).
        for part in state.editions:
            if part.published:
                part.related(part.published[0], state.settings.related_count)
        if self.releases:
            state.the_archive.translations(self.releases[0])
        # Pages kept by earlier builds (``reuse``): a text page's key follows its page's.
        self.kept = state.kept
        self.reused = 0
        # The published site, where the versions it already holds are left (``newsroom.published``).
        self.published = state.published
        self.left = 0

    def __len__(self) -> int:
        return len(self.releases) + len(self.listings)

    def write_all(self) -> Written:
        written = self.write(range(len(self)))
        if self.kept is not None:  # every text page seen: those of pages no longer on the site go
            self.kept.text_cache.save(prune=True)
        return written

    def write_claimed(self, take: Callable[[int], range]) -> Written:
        """Write the pages ``take`` gives, a batch at a time, until it gives none (``Shared``)."""
        cache = self.kept.text_cache if self.kept is not None else None
        if cache is not None:
            cache.buffered = True  # the other process adds to the cache too: no transaction left open
        written = self.write(self._taken(take, cache))
        if cache is not None:
            cache.flush()
            written.used = cache.used
        return written

    @staticmethod
    def _taken(take: Callable[[int], range], cache: Any) -> Iterator[int]:
        while batch := take(CLAIM):
            yield from batch
            if cache is not None:
                cache.flush()

    def write(self, indexes: Iterable[int]) -> Written:
        started, started_cpu = time.perf_counter(), time.process_time()
        written = Written()
        pages = self.state.pages
        for index in indexes:
            if index < len(self.releases):
                release = self.releases[index]
                src_uri = pages[release.name].file.src_uri
                data = self.kept_or_made(src_uri, url_of(release), functools.partial(self.release, release))
                if data is not None and index % WEIGHED == 0:
                    written.releases += 1
                    written.release_gzip_bytes += len(_gzip(data))
            else:
                page = self.listings[index - len(self.releases)]
                self.kept_or_made(page.file.src_uri, page.listing.url, functools.partial(self.listing, page))
            written.pages += 1
        written.seconds = time.perf_counter() - started
        written.cpu_seconds = time.process_time() - started_cpu
        written.kept = self.reused
        written.left = self.left
        return written

    def kept_or_made(self, src_uri: str, url: str, make: Callable[[], str]) -> bytes | None:
        """Write the text version of the page at ``src_uri`` (published at ``url``): from the
        cache if an earlier build kept it, else made now (and kept); the bytes written, or None
        if the published site already holds that version (``newsroom.published``)."""
        relative = text_url(url) + "index.html"
        key = self.kept.text_key(src_uri) if self.kept is not None else None
        if key is None:
            data = make().encode("utf-8")
            self.save(relative, data)
            return data
        if self.published is not None and self.published.holds(relative, key):
            self.kept.text_cache.keep(key)  # still needed by a build that writes every page
            self.reused += 1
            self.left += 1
            return None
        found = self.kept.text_cache.get(key)
        if found is None:
            found = make().encode("utf-8")
            self.kept.text_cache.put(key, found)
        else:
            self.reused += 1
        self.save(relative, found)
        if self.published is not None:
            self.published.wrote(relative, key, found)
        return found

    def release(self, release: Release) -> str:
        state, archive = self.state, self.state.the_archive
        formatter = formatter_for(state, release.edition)
        part = edition_part(state, release.edition)
        view = release_view(
            release,
            formatter,
            part.taxonomies,
            related=tuple(part.related(release, state.settings.related_count)),
            translations=tuple(archive.translations(release)),
            contacts=contacts.of(release, state.settings.contacts),
            term_names=archive.term_names,
        )
        return self.editions[release.edition].release(view, state.rendered(release).html, draft=release.draft)

    def listing(self, page: ListingPage) -> str:
        listing = page.listing
        formatter = formatter_for(self.state, listing.prefix)
        intro = self.state.page_bodies.get(page.file.src_uri) if page.intro else None
        return self.editions[listing.prefix].listing(
            listing, [formatter.link(r) for r in listing.releases], intro.html if intro is not None else None
        )

    def save(self, relative: str, data: bytes) -> None:
        # os.path rather than pathlib: thousands of pages, and pathlib's objects cost more than the writing.
        target = os.path.join(self.site_dir, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as file:
            file.write(data)


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


#: The process writing the edition failed (its message says how) or ended without a word.
TextEditionError = ForkedError


#: The edition being written by each build in progress (by the id of its state): shared with its
#: writer process, or on a small or preview build the pages, written at ``finish``.
_jobs: dict[int, Shared | TextPages] = {}
