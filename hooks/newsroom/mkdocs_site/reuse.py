"""Phase 3c (``on_nav``, ``on_post_page``, ``on_shutdown``): pages from earlier builds
(``newsroom.page_cache``). Once every body is converted and checked, each release page and each
page of a paged listing gets its key; a page the published site already holds under its key is
left where it is (``newsroom.published``), one the cache holds is written from it, and both are
taken out of what MkDocs reads and renders. Any other page is rendered and kept for the next build.

Only a published build (``mkdocs build``, ``gh-deploy``) of the whole site uses the cache, and only
with the secret that authenticates it (``page_cache.SECRET_VARIABLE``). The home page (which writes
its thumbnails), the taxonomy indexes, the subscribe and search pages, hand-written pages and
redirects are rendered every time: a few pages, whatever the archive's size.
"""

from __future__ import annotations

import contextlib
import os
import sysconfig
import time
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .. import page_cache
from ..cache import code_version
from ..listings import PagedListing, TermListing
from ..model import TAXONOMIES, Release
from ..related import RelatedLists
from ..template_cache import TemplateCache
from ..term_names import TERMS_FILE
from .context import edition_part, image_size, listing_alternates
from .pages import ListingPage, ReleasePage
from .state import BuildState, log


class KeptPages:
    """One build's use of the page cache: the site's fingerprint and each page's key (from the
    releases' digests, made once a build: ``BuildState.digest``)."""

    def __init__(
        self,
        state: BuildState,
        cache: page_cache.PageCache,
        text_cache: page_cache.PageCache,
        feed_cache: page_cache.PageCache,
        site_key: str,
        related_cache: page_cache.PageCache,
    ):
        self.state = state
        self.cache = cache
        self.text_cache = text_cache
        """The text-only edition's pages (``text.TextPages``), in a file of their own: the process
        that writes them keeps them while this one keeps the others."""
        self.feed_cache = feed_cache
        """The feeds' files (``writing.write_feeds``)."""
        self.related_cache = related_cache
        """Each edition's related releases (``related.RelatedLists``), carried over to the next build."""
        self.site_key = site_key
        self.keys: dict[str, str] = {}
        """The key of every page that has one, by source path."""
        self.rendering: dict[str, str] = {}
        """The keys of the pages MkDocs renders (not in the cache), by source path."""

    def digest(self, release: Release | None) -> str | None:
        return self.state.digest(release)

    def text_key(self, src_uri: str) -> str | None:
        """The key of the text version of the page at ``src_uri``: it shows part of what the
        page shows, so it changes whenever the page does."""
        found = self.keys.get(src_uri)
        return None if found is None else page_cache.key("text", found)


def uses_cache(state: BuildState) -> bool:
    """Whether this build keeps pages and bodies between builds: a published build of the whole
    site, given the secret."""
    return (
        state.command in ("build", "gh-deploy")
        and not state.dirty
        and page_cache.PageCache(state.settings.project_dir, os.environ.get(page_cache.SECRET_VARIABLE)).enabled
    )


def checked_bodies(state: BuildState) -> page_cache.PageCache | None:
    """At ``on_files``: the bodies checked by earlier builds (``bodies.Bodies.checked``), if this
    build keeps its work. Written by the processes that convert them, each a share at a time."""
    if not uses_cache(state):
        return None
    secret = os.environ.get(page_cache.SECRET_VARIABLE)
    return page_cache.PageCache(state.settings.project_dir, secret, page_cache.BODIES_FILE, buffered=True)


def template_cache(state: BuildState) -> TemplateCache | None:
    """At ``on_files``: the compiled templates kept by earlier builds, if this build keeps its work
    (``TemplateCache``: authenticated with the secret, for they are code)."""
    if not uses_cache(state):
        return None
    return TemplateCache(state.settings.project_dir, os.environ.get(page_cache.SECRET_VARIABLE))


def open_cache(state: BuildState, config: MkDocsConfig) -> None:
    """At ``on_nav``, once every body is checked: on a published build of the whole site,
    the caches, the site's fingerprint and the key of every page that has one."""
    if not uses_cache(state):
        return
    secret = os.environ.get(page_cache.SECRET_VARIABLE)
    project = state.settings.project_dir
    cache = page_cache.PageCache(project, secret)
    text_cache = page_cache.PageCache(project, secret, page_cache.TEXT_FILE)
    feed_cache = page_cache.PageCache(project, secret, page_cache.FEEDS_FILE)
    related_cache = page_cache.PageCache(project, secret, page_cache.RELATED_FILE, buffered=True)
    kept = state.kept = KeptPages(state, cache, text_cache, feed_cache, site_key(state, config), related_cache)
    with state.progress.phase("page keys") as report:
        carried = _carry_related(state, related_cache)
        for page in state.pages.values():
            found = release_key(state, kept, page)
            if found is not None:
                kept.keys[page.file.src_uri] = found
        for listing in state.listing_pages.values():
            found = listing_key(state, kept, listing)
            if found is not None:
                kept.keys[listing.file.src_uri] = found
        report["done"] = f"{len(kept.keys)} pages, {carried} releases' related ones from the last build"


def _related_key(state: BuildState, prefix: str) -> str:
    return page_cache.key("related", code_version(), prefix, state.settings.related_count)


def _carry_related(state: BuildState, related_cache: page_cache.PageCache) -> int:
    """Each edition's related releases as the last build found them, where nothing they came from
    changed (``related.RelatedReleases``); how many releases' lists were carried over."""
    carried = 0
    for part in state.editions:
        data = related_cache.get(_related_key(state, part.edition.prefix))
        if data is not None:
            with contextlib.suppress(ValueError):  # not as this code writes them: found anew
                part.kept_related = RelatedLists.from_bytes(data)
        carried += part.related_releases(state.settings.related_count).carried
    return carried


def site_key(state: BuildState, config: MkDocsConfig) -> str:
    """What every page is made from besides its own parts: the settings, the templates in the
    project, the hand-written pages, the term names and the icons drawn from the theme. Paths
    count by what they hold, not where the project is: a build given ``-f mkdocs.yml`` and one
    given the file's full path share their pages."""
    project = state.settings.project_dir
    settings = {name: _plain(config[name]) for name in config if name not in _NOT_SHOWN}
    # Templates of installed packages (Material, MkDocs) change with their versions; any other
    # folder of the theme (the project's overrides, wherever they lead) is read.
    packages = [Path(sysconfig.get_paths()[name]).resolve() for name in ("purelib", "platlib")]
    dirs, folders = [], []
    for folder in (Path(d).resolve() for d in config.theme.dirs):
        place = next((place for place in packages if folder.is_relative_to(place)), None)
        if place is None:
            folders.append(folder)
            dirs.append(f"folder {len(folders)}")
        else:
            dirs.append(folder.relative_to(place).as_posix())
    settings["theme"] = _plain({**dict(config.theme), "dirs": dirs})
    settings["icons"] = page_cache.key(state.icons.text if state.icons else "")
    hooks = [project / name for name in config["hooks"]] if config["hooks"] else []
    terms = state.settings.releases_path / TERMS_FILE
    return page_cache.site_fingerprint(settings, [*folders, Path(config.docs_dir)], [*hooks, terms])


#: Settings that change no page, or that name where the project is (what those files hold is
#: read instead): where the site is written, the preview server, the hooks.
_NOT_SHOWN = frozenset({"site_dir", "dev_addr", "watch", "plugins", "hooks", "theme", "config_file_path", "docs_dir"})


def _plain(value: Any) -> Any:
    """A setting as plain data, for the fingerprint: an object whose ``repr`` names its place in
    memory is named by its type, so that two builds of one site agree."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        return sorted((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    text = repr(value)
    return type(value).__name__ if " at 0x" in text else text


def reuse_pages(state: BuildState, config: MkDocsConfig, files: Files) -> None:
    """At ``on_nav``, once every page has its key: every page the published site already holds
    left where it is, every other page the cache holds written from it, and both left out of what
    MkDocs reads and renders (read here, for the titles other pages show of them: a few fields).
    The others are rendered, and kept (``keep``)."""
    kept = state.kept
    if kept is None:
        return
    published = state.published
    with state.progress.phase("pages from the cache") as report:
        reused = left = 0
        pages: list[ReleasePage | ListingPage] = [*state.pages.values(), *state.listing_pages.values()]
        for page in pages:
            src_uri = page.file.src_uri
            page_key = kept.keys.get(src_uri)
            if page_key is None:
                continue
            if published is not None and published.holds(page.file.dest_uri, page_key):
                kept.cache.keep(page_key)  # still needed by a build that writes every page
                _leave_out(state, config, files, page)
                left += 1
                continue
            found = kept.cache.get(page_key)
            if found is None:
                kept.rendering[src_uri] = page_key
                continue
            target = page.file.abs_dest_path
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(found)
            if published is not None:
                published.wrote(page.file.dest_uri, page_key, found)
            _leave_out(state, config, files, page)
            reused += 1
        state.progress.figures["pages from the cache"] = reused + left
        state.progress.figures["pages left in place"] = left
        state.progress.figures["pages rendered and kept"] = len(kept.rendering)
        if kept.cache.rejected:
            # Not a warning, which fails a --strict build: a new secret makes every entry one of these.
            log.info(
                f"newsroom: {kept.cache.rejected} page(s) in the cache were not made by a build holding "
                f"this {page_cache.SECRET_VARIABLE}: rendered anew"
            )
        report["done"] = f"{reused + left} written from the cache, {len(kept.rendering)} to render"
        if published is not None and published.trusted:
            report["done"] += f" ({left} of them already published, left in place)"


def _leave_out(state: BuildState, config: MkDocsConfig, files: Files, page: ReleasePage | ListingPage) -> None:
    """A page MkDocs will neither read nor render: read here (its title, which other pages show),
    its body taken as this build's (for the feeds, the search and the text-only edition)."""
    page.read_source(config)
    if isinstance(page, ReleasePage):
        state.the_renderer.adopt(page.file.src_uri, lambda: page.source)
    files.remove(page.file)


def release_key(state: BuildState, kept: KeptPages, page: ReleasePage) -> str | None:
    """Everything a release page shows: the release and its body as this build checked it, its
    previous and next, related releases, translations and terms (by their names in its edition),
    its photo's size and its addresses."""
    release = page.release
    rendered = state.the_renderer.ahead(page.file.src_uri, lambda: page.source)
    if not rendered.digest:
        return None
    older, newer = state.neighbours.get(release.name, (None, None))
    part = edition_part(state, release.edition)
    related = part.related(release, state.settings.related_count)
    terms = [(t.taxonomy, t.name, t.url) for taxonomy in TAXONOMIES for t in part.taxonomies.of(release, taxonomy)]
    return page_cache.key(
        "release",
        kept.site_key,
        kept.digest(release),
        rendered.digest,
        rendered.packed_toc,
        kept.digest(older),
        kept.digest(newer),
        [kept.digest(r) for r in related],
        [kept.digest(r) for r in state.the_archive.translations(release)],
        terms,
        image_size(state, release),
        page.url,
        page.canonical_url,
        page.edit_url,
    )


def listing_key(state: BuildState, kept: KeptPages, page: ListingPage) -> str | None:
    """Everything a page of a paged listing (news, a year, a term) shows: its releases, its place
    among the listing's pages, the years or the term, its versions in other editions."""
    listing = page.listing
    if not isinstance(listing, PagedListing) or page.intro:
        return None
    term = listing.term if isinstance(listing, TermListing) else None
    return page_cache.key(
        "listing",
        kept.site_key,
        type(listing).__name__,
        listing.url,
        listing.title,
        listing.prefix,
        listing.total,
        listing.pagination,
        getattr(listing, "years", None),
        getattr(listing, "year", None),
        (term.taxonomy, term.name, term.slug, term.url) if term else None,
        [kept.digest(r) for r in listing.releases],
        listing_alternates(state, listing),
        page.url,
        page.canonical_url,
        page.edit_url,
    )


def keep(state: BuildState, page: Page, output: str) -> None:
    """At ``on_post_page``: a page rendered with a key, kept as MkDocs writes it."""
    kept = state.kept
    if kept is None:
        return
    page_key = kept.rendering.pop(page.file.src_uri, None)
    if page_key is not None and output.strip():
        started = time.perf_counter()
        data = output.encode("utf-8", errors="xmlcharrefreplace")
        kept.cache.put(page_key, data)
        if state.published is not None:
            state.published.wrote(page.file.dest_uri, page_key, data)
        state.progress.add("pages kept in the cache", time.perf_counter() - started)


def save(state: BuildState) -> None:
    """At the end of a build that wrote everything: the pages kept, those no longer on the site dropped."""
    kept, state.kept = state.kept, None
    if kept is not None:
        kept.cache.save(prune=True)
        kept.feed_cache.save(prune=True)
        for part in state.editions:
            found = part.related_releases(state.settings.related_count).lists()
            kept.related_cache.put(_related_key(state, part.edition.prefix), found.to_bytes())
        kept.related_cache.save(prune=True)
    templates, state.templates = state.templates, None
    if templates is not None:
        templates.save()


def abandon(state: BuildState) -> None:
    kept, state.kept = state.kept, None
    if kept is not None:
        kept.cache.abandon()
        kept.feed_cache.abandon()
        kept.related_cache.pending.clear()
        kept.related_cache.abandon()
    templates, state.templates = state.templates, None
    if templates is not None:
        templates.abandon()
