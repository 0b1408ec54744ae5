"""Phase 2 (``on_files``): the files of the site. Releases, the files shipped with them,
listings and redirects join the hand-written pages as MkDocs files; every address is claimed
once (``newsroom.outputs``); the body renderer is set up with what links may lead to."""

from __future__ import annotations

import functools
import gc
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from .. import cache, editions, listings, outputs
from ..bodies import Bodies, Policy, Targets
from ..errors import ContentError, Problem
from ..links import HeldLinks
from ..listings import Listing, SearchPage
from ..model import TAXONOMIES, Release
from ..redirects import check_redirects, redirects
from ..search import header_folders, index_folders
from ..sources import check_source
from ..text_edition import TEXT
from ..urls import NEWS, SEARCH, SUBSCRIBE, media_url, taxonomy_url, url_of
from . import reuse
from .check import CHECK_COMMAND
from .icons import IconSheet, configured
from .pages import AssetFile, ListingFile, ListingPage, RedirectPage, ReleasePage
from .rendering import ReleaseRenderer
from .state import BuildState, log, project_path
from .theme import change_bundle, leave_out_unrequested


def add_files(state: BuildState, files: Files, config: MkDocsConfig) -> Files:
    archive, settings = state.the_archive, state.settings
    state.docs_dir = config.docs_dir
    state.editions = editions.split(
        archive.published, archive.taxonomies, editions.editions_of(settings), archive.term_names
    )
    refuse_outside_files(state, files, config)
    change_bundle(files, config)
    leave_out_unrequested(files, config.docs_dir + os.sep)
    state.icons = IconSheet(config.theme.dirs, configured(config.theme))
    files.append(File.generated(config, state.icons.path, content=state.icons.text))
    held = {f"{settings.releases_dir}/{r.name}" for r in archive.held}
    state.held_key = hash(frozenset(held))
    extensions, extension_configs = config["markdown_extensions"], config["mdx_configs"] or {}
    bodies = Bodies(
        Policy(config.site_url, frozenset(settings.embed_hosts)),
        HeldLinks(archive.held, settings.releases_dir, config.site_url),
        None,
        extensions,
        extension_configs,
        cache.Conversions(settings.project_dir, cache.fingerprint(extensions, extension_configs)),
    )
    bodies.check_only = state.command == CHECK_COMMAND
    bodies.verdicts = cache.Verdicts(settings.project_dir)
    bodies.checked = reuse.checked_bodies(state)
    state.templates = reuse.template_cache(state)
    state.renderer = ReleaseRenderer(bodies)
    state.releases_folder = os.fspath(settings.releases_path)
    for part in state.editions:  # a release's previous and next are its edition's: in its language
        releases = part.published
        for newer, release, older in zip([None, *releases], releases, [*releases[1:], None], strict=False):
            state.neighbours[release.name] = (older, newer)
    for release in archive.published:
        files.append(release_file(state, release, config))
    for relative in archive.assets:
        src_uri = f"{settings.releases_dir}/{relative}"
        asset = AssetFile.generated(config, src_uri, abs_src_path=str(settings.releases_path / relative))
        assert isinstance(asset, AssetFile)  # File.generated is typed as making a File
        asset.dest_uri = media_url(relative)
        state.assets[src_uri] = asset
        files.append(asset)
    add_listings(state, files, config)
    add_redirects(state, files, config)
    # Feeds show the newest releases of each edition and of each of its terms: only their bodies
    # need a feed form (made beside the page's, by the Markdown workers; any other is made again,
    # alone, when the feeds are written).
    newest = settings.feed_items
    shown = [
        release
        for part in state.editions
        for group in (part.published, *(term.releases for term in part.taxonomies.all_terms()))
        for release in group[:newest]
    ]
    bodies.feed_sources = {f"{settings.releases_dir}/{r.name}" for r in shown}
    # What a link in a body to a file of the site leads to; a link to a held release is taken out.
    bodies.targets = Targets({f.src_uri: "" if f.url == "./" else f.url for f in files}, held)
    # Everything read so far lives until the end of the build: keep the garbage
    # collector from walking it again and again (measured: a fifth of a 10,000-release build).
    gc.freeze()
    return files


def release_file(state: BuildState, release: Release, config: MkDocsConfig) -> File:
    settings = state.settings
    file = File.generated(
        config,
        f"{settings.releases_dir}/{release.name}",
        abs_src_path=os.path.join(state.releases_folder, release.name),
        inclusion=InclusionLevel.NOT_IN_NAV,
    )
    file.dest_uri = url_of(release) + "index.html"
    file.edit_uri = quote(f"../{settings.releases_dir}/{release.name}")  # a name may hold '#', '?', spaces
    state.pages[release.name] = ReleasePage(release, file, config, state.the_renderer)
    return file


def refuse_outside_files(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """Only regular files inside the project are published: a symlink in docs/ that leads out
    of it (to the build's environment, a key...) fails the build, naming the file."""
    problems = []
    for file in files:
        source = file.abs_src_path
        if file.generated_by is not None or not source or not source.startswith(config.docs_dir + os.sep):
            continue
        problem = check_source(Path(source), state.settings.project_dir, project_path(state, source))
        if problem is not None:
            problems.append(problem)
    if problems:
        state.refuse(ContentError(problems))


def search_shards(state: BuildState) -> dict[str, list[str]]:
    """Each edition's search index, by its language: its folders, newest first
    (``search.index_folders``; a site of one edition: one index, of everything it publishes, in
    the site's language)."""
    size, pages = state.settings.search_shard_size, state.pages_indexed
    if len(state.editions) < 2:
        return {state.settings.language: index_folders("", len(state.the_archive.published), size, "" in pages)}
    return {
        part.edition.language: index_folders(prefix, len(part.published), size, prefix in pages)
        for part in state.editions
        for prefix in (part.edition.prefix,)
    }


def hand_written_editions(state: BuildState, files: list[File], config: MkDocsConfig) -> frozenset[str]:
    """The prefixes of the editions with hand-written pages among ``files`` (documentation pages,
    not the introductions of listings): each has an index of them (``search.pages_path``)."""
    prefixes = [part.edition.prefix for part in state.editions] if len(state.editions) > 1 else []
    found = set()
    for file in files:
        source = file.abs_src_path
        if file.generated_by is not None or not source:
            continue
        if source.startswith(config.docs_dir + os.sep):
            url = "" if file.url == "./" else file.url
            found.add(next((prefix for prefix in prefixes if prefix and url.startswith(prefix)), ""))
    return frozenset(found)


def add_redirects(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """A redirect page at each old address. Every address is claimed once, in one place: what the
    site writes itself (declared by each writer), hand-written pages, releases, then aliases; an
    address claimed twice fails the build, naming both."""
    archive, settings = state.the_archive, state.settings
    claims = outputs.site_outputs(
        archive.taxonomies,
        [(part.edition.prefix, part.taxonomies) for part in state.editions],
        [folder for folders in search_shards(state).values() for folder in folders],
    )
    docs = project_path(state, config.docs_dir)
    release_files = {f"{settings.releases_dir}/{r.name}" for r in archive.published}
    problems = []
    for file in files:
        if file.src_uri in release_files:
            continue  # claimed below, with the held releases
        if file.generated_by is None and file.abs_src_path and file.abs_src_path.startswith(config.docs_dir):
            # A folder the site fills itself would take the file, or the file a part of it (the
            # text-only edition's folder is checked with the edition: ``text.prepare``).
            inside = next((f for f in claims.folders if file.dest_uri.startswith(f) and f != TEXT), None)
            if inside is not None:
                problems.append(
                    Problem(
                        f"{docs}/{file.src_uri}",
                        f"is published at {file.dest_uri}, inside {inside}, where {claims.folders[inside]} "
                        "writes; move or rename it",
                    )
                )
            other = claims.files.get(file.dest_uri)  # a folder's own check is above (text/'s, below)
            claims.claim(file.dest_uri, f"{docs}/{file.src_uri}")
            if other is not None and file.dest_uri not in outputs.MERGED:
                # The site's own file would replace it without a word.
                problems.append(
                    Problem(
                        f"{docs}/{file.src_uri}",
                        f"is published at {file.dest_uri}, where {other} is written; move or rename it",
                    )
                )
        elif file.src_uri.startswith(settings.releases_dir + "/"):  # a file shipped with the releases
            other = claims.claim(file.dest_uri, file.src_uri)
            if other is not None and other.startswith(docs + "/"):
                problems.append(
                    Problem(other, f"is published at {file.dest_uri}, where {file.src_uri} is; move or rename it")
                )
        else:
            claims.claim(file.dest_uri, "the site itself")
    for release in [*archive.published, *archive.held]:
        other = claims.claim(url_of(release) + "index.html", release.source)
        if other is not None and other.startswith(docs + "/"):
            problems.append(
                Problem(
                    other,
                    f"is at {url_of(release)}, the address of {release.source}; a hand-written page may "
                    "introduce a listing, never take a release's place. Move or rename it",
                )
            )
    problems += check_redirects([*archive.published, *archive.held], claims.files, claims.folders)
    if problems:
        state.refuse(ContentError(problems))
    for redirect in redirects(archive.published):
        # Under a source path no file in docs/ can have (MkDocs leaves out names starting with
        # a dot): an alias such as 'about.html' must not replace docs/about.md.
        file = File.generated(
            config, f".newsroom-redirects/{redirect.file_path}.md", content="", inclusion=InclusionLevel.NOT_IN_NAV
        )
        file.dest_uri = redirect.file_path
        RedirectPage(redirect, file, config, state.pages[redirect.release.name])
        files.append(file)


def add_listings(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """Home, news, years, taxonomy indexes and term pages, as virtual pages.

    A hand-written page in docs/ at the URL of a listing's first page (docs/index.md
    for home, docs/countries/north-korea.md for a country...) is its introduction.
    """
    settings = state.settings
    titles = nav_titles(config.nav)
    docs = {("" if f.url == "./" else f.url): f for f in files.documentation_pages()}

    def title(url: str, key: str) -> str:
        """The page's title in mkdocs.yml's nav, else the interface string ``key`` (filled in later)."""
        return titles.get(f"{url}index.md") or titles.get(url.rstrip("/") + ".md") or key

    found: list[Listing] = []
    for part in state.editions:
        prefix, terms = part.edition.prefix, part.taxonomies
        if prefix:  # mkdocs.yml's nav names the default edition's pages; the others' take their strings

            def named(url: str, key: str) -> str:
                return key
        else:
            named = title
        found.append(listings.home(part.published, settings.home_count, config.site_name, prefix))
        found += listings.news(part.published, settings.per_page, named(NEWS, "newsroom.news"), prefix)
        found += listings.years(part.published, settings.per_page, prefix)
        for taxonomy in TAXONOMIES:
            name = named(taxonomy_url(taxonomy), f"newsroom.{taxonomy}")
            found.append(listings.taxonomy_index(terms, taxonomy, name, prefix))
        found.append(listings.subscribe(terms, named(SUBSCRIBE, "newsroom.subscribe"), prefix))
        # The search index of each edition holds every term under its name in the whole archive: filters use those,
        # and an edition's page shows them by its own names.
        shown = functools.partial(state.the_archive.term_names.name, language=part.edition.language)
        search = listings.search_page(
            state.the_archive.taxonomies,
            named(SEARCH, "newsroom.search.title"),
            prefix,
            shown if prefix else None,
        )
        found.append(search)
        found += listings.term_listings(terms, settings.per_page, prefix)

    # Each search page lists the folders of every edition's index; the header box of each edition's
    # pages, the folders of its own it searches (``search.header_folders``).
    listed = {listing.url for listing in found}
    pages = [file for url, file in docs.items() if url not in listed and not _term_introduction(url)]
    state.pages_indexed = hand_written_editions(state, pages, config)
    indexes = search_shards(state)
    for listing in found:
        if isinstance(listing, SearchPage):
            listing.search_indexes = indexes
    if len(state.editions) < 2:
        prefixes = {"": next(iter(indexes.values()))}
    else:
        prefixes = {part.edition.prefix: indexes[part.edition.language] for part in state.editions}
    state.header_indexes = {prefix: header_folders(prefix, folders) for prefix, folders in prefixes.items()}

    previous = state.preview.listing_fingerprints
    fingerprints = {}
    for listing in found:
        intro = docs.pop(listing.url, None)
        if intro is not None:
            # The hand-written page, as a file that is told when its listing changed.
            file = ListingFile(
                intro.src_uri,
                intro.src_dir,
                intro.dest_dir,
                intro.use_directory_urls,
                dest_uri=intro.dest_uri,
                inclusion=intro.inclusion,
            )
            files.remove(intro)
            files.append(file)
        else:
            generated = ListingFile.generated(
                config, f"{listing.url}index.md", content="", inclusion=InclusionLevel.NOT_IN_NAV
            )
            assert isinstance(generated, ListingFile)  # File.generated is typed as making a File
            file = generated
            files.append(file)
        if state.serving:  # only a rebuild in the same process (`make serve`) compares listings
            fingerprints[listing.url] = fingerprint = listings.fingerprint(listing)
            file.listing_changed = previous.get(listing.url) != fingerprint
        state.listing_pages[listing.url] = ListingPage(listing, file, config, intro=intro is not None)
    state.preview.listing_fingerprints = fingerprints

    # An introduction to a term no published release uses would be a page about nothing,
    # or a hint of an embargoed release: it is not built.
    for url, unused in docs.items():
        if _term_introduction(url):
            log.info(f"Not built: docs/{unused.src_uri} introduces a term no published release uses")
            files.remove(unused)


def _term_introduction(url: str) -> bool:
    """Whether a hand-written page is at the address of a term's page (``countries/north-korea/``)."""
    parts = url.split("/")
    return len(parts) == 3 and parts[0] in TAXONOMIES and parts[2] == ""


def nav_titles(nav: Any) -> dict[str, str]:
    """The titles mkdocs.yml's nav gives to pages, by source path."""
    titles: dict[str, str] = {}
    stack = [nav or []]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    titles[value] = title
                else:
                    stack.append(value)
    return titles
