"""Phase 3b (``on_env``, ``on_page_context``, ``on_post_page``): what templates get. The
environment (the shared chrome, interface strings), and for each page its view: a release with
its related releases, translations and photo size; a listing with its cards, feeds and
thumbnails; links to the previous and next page."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

import mkdocs.utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .. import contacts, images, structured_data
from ..editions import Edition, EditionArchive
from ..languages import alternates
from ..listings import HomeListing, Listing, TermListing
from ..model import Contact, Release
from ..published import file_digest
from ..taxonomy import Taxonomies
from ..urls import absolute, url_of
from ..views import Formatter, language_name, release_view
from .pages import ListingPage, ReleasePage, edition_prefix, meta_text
from .state import BuildState, log
from .theme import ChangedBase, ChromeCache, Translations, Unindented


def prepare_env(state: BuildState, env: Any, config: MkDocsConfig, files: Files, nav_chrome: ChromeCache) -> Any:
    assert env.loader is not None
    env.loader = ChangedBase(env.loader)  # before any page loads base.html
    # The line breaks and indents around the templates' {% %} tags are not written out: 7 % of every
    # page (tens of thousands of them), as a reader sees them (text only ever comes from variables).
    env.trim_blocks = env.lstrip_blocks = True
    env.add_extension(Unindented)
    env.bytecode_cache = state.templates  # the templates as earlier builds compiled them
    env.globals["newsroom_chrome"] = state.chrome = nav_chrome
    env.globals["newsroom_icon"], env.globals["newsroom_icons"] = state.icons, state.icons.path
    env.globals["newsroom_search_folders"] = state.header_indexes
    prune_assets(state, files)
    env.globals["newsroom_t"] = state.translations = early_strings(state, config)
    state.env = env
    return env


def early_strings(state: BuildState, config: MkDocsConfig) -> Translations:
    """The interface strings of the site's language, before MkDocs hands the build its template
    environment (``on_env``): the search records, made as soon as the bodies are known, show some.
    They are read through an environment of the same theme, made once; the pages use them too."""
    if state.translations is None:
        state.env = config.theme.get_env()
        state.env.bytecode_cache = state.templates
        state.translations = Translations(state.env, config.theme.get("language") or "en")
    return state.translations


def in_language(state: BuildState, prefix: str) -> tuple[Any, Formatter]:
    """The interface strings and the date formatter of the edition at ``prefix``."""
    if not prefix:
        return state.translations, state.formatter
    strings = state.editions_language.get(prefix)
    if strings is None:
        strings = state.editions_language[prefix] = Translations(state.env, edition_language(state, prefix))
    return strings, formatter_for(state, prefix)


def formatter_for(state: BuildState, prefix: str) -> Formatter:
    """The date formatter of the edition at ``prefix`` (no template environment needed)."""
    if not prefix:
        return state.formatter
    found = state.editions_formatter.get(prefix)
    if found is None:
        found = state.editions_formatter[prefix] = Formatter(edition_language(state, prefix))
    return found


def edition_language(state: BuildState, prefix: str) -> str:
    return edition_part(state, prefix).edition.language


def edition_part(state: BuildState, prefix: str) -> EditionArchive:
    """What the edition at ``prefix`` publishes: a release's terms are that edition's pages."""
    return next(part for part in state.editions if part.edition.prefix == prefix)


def prune_assets(state: BuildState, files: Files) -> None:
    """Publish only the files a published release uses: an embargoed photo stays unpublished."""
    used: set[str] = set()
    if state.renderer:
        for rendered in state.renderer.results.values():
            used |= rendered.referenced
    releases_dir = state.settings.releases_dir
    for release in state.archive.published if state.archive else ():
        if release.image:
            used.add(f"{releases_dir}/{release.image.src}")
    published = state.published
    left = 0
    for src_uri, file in state.assets.items():
        if src_uri not in used:
            files.remove(file)
        elif published is not None and published.trusted and file.abs_src_path is not None:
            # Copied as it is: left where it is if the published site holds the same bytes (a
            # photo's digest was taken when it was checked, and is kept between builds).
            inspection = state.the_archive.photos.get(src_uri[len(releases_dir) + 1 :])
            made = inspection.digest if inspection is not None else file_digest(file.abs_src_path)
            file.left_in_place = made is not None and published.holds_bytes(file.dest_uri, made)
            left += file.left_in_place
    if published is not None:
        state.progress.figures["release files left in place"] = left


def page_context(state: BuildState, context: dict[str, Any], page: Page) -> dict[str, Any]:
    state.render_started[page.file.src_uri] = time.perf_counter()
    prefix = edition_prefix(page, state.chrome.prefixes)
    strings, formatter = in_language(state, prefix)
    if prefix:  # a page of another edition: its interface in its language (Material's strings too)
        context["newsroom_t"] = strings
        context["newsroom_prefix"] = prefix
    if len(state.editions) > 1:
        context["newsroom_editions"] = switcher(state, page, prefix)
        context["newsroom_edition_language"] = edition_language(state, prefix)
    if prefix:
        context["newsroom_tabs"] = edition_tabs(state, prefix, strings)
    if isinstance(page, ReleasePage):
        release_context(state, context, page, formatter)
    elif isinstance(page, ListingPage):
        listing_context(state, context, page, strings, formatter)
    elif len(state.editions) > 1:
        context["newsroom_alternates"] = page_alternates(state, page, prefix)
    return context


def page_versions(state: BuildState, page: Page, prefix: str) -> dict[str, str]:
    """A hand-written page in every edition that has it (itself included): its address in each,
    by prefix. ``docs/about.md`` in the default edition is ``docs/ko/about.md`` in ``ko/``."""
    rest = page.url[len(prefix) :]
    return {
        part.edition.prefix: part.edition.prefix + rest
        for part in state.editions
        if part.edition.prefix + rest in state.hand_written
    }


def page_alternates(state: BuildState, page: Page, prefix: str) -> tuple[tuple[str, str], ...]:
    """A hand-written page's hreflang alternates, where another edition has its version."""
    versions = page_versions(state, page, prefix)
    if len(versions) < 2:
        return ()
    language = {part.edition.prefix: part.edition.language for part in state.editions}
    others = [(language[there], url) for there, url in versions.items() if there != prefix]
    return alternates(language[prefix], page.url, others, state.settings.language)


def error_page_context(state: BuildState, context: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The context of the page a host shows for an address with no page (``404.html``), of the
    edition at ``prefix``: its language, tabs and feeds, and a switcher to each edition's home."""
    strings, _ = in_language(state, prefix)
    if prefix:
        context["newsroom_t"] = strings
        context["newsroom_prefix"] = prefix
        context["newsroom_tabs"] = edition_tabs(state, prefix, strings)
    if len(state.editions) > 1:
        context["newsroom_editions"] = [
            (part.edition.language, language_name(part.edition.language), part.edition.prefix, False)
            for part in state.editions
        ]
        context["newsroom_edition_language"] = edition_language(state, prefix)
    return context


def release_context(state: BuildState, context: dict[str, Any], page: ReleasePage, formatter: Formatter) -> None:
    older, newer = state.neighbours.get(page.release.name, (None, None))
    archive = state.the_archive
    related = tuple(edition_part(state, page.release.edition).related(page.release, state.settings.related_count))
    size = image_size(state, page.release)
    translations = tuple(archive.translations(page.release))
    named = contacts.of(page.release, state.settings.contacts)
    terms = edition_part(state, page.release.edition).taxonomies
    context["release"] = release_view(
        page.release,
        formatter,
        terms,
        related=related,
        image_size=size,
        translations=translations,
        contacts=named,
        permalink=absolute(state.settings.site_url, url_of(page.release)) if state.settings.site_url else None,
        organization=state.publisher.name,
        default_language=state.settings.language,
        term_names=archive.term_names,
    )
    context["newsroom_jsonld"] = release_structured_data(state, page.release, translations, size, named, terms)
    # Its countries' feeds, for readers who want more of the same.
    context["newsroom_feeds"] = [(term.name, term.url) for term in terms.of(page.release, "countries")]
    # Material's footer and <link rel="prev/next"> walk through releases in time.
    page.previous_page = state.pages.get(older.name) if older else None
    page.next_page = state.pages.get(newer.name) if newer else None


def release_structured_data(
    state: BuildState,
    release: Release,
    translations: tuple[Release, ...],
    size: tuple[int, int] | None,
    named: tuple[Contact, ...],
    terms: Taxonomies,
) -> str:
    """The release's NewsArticle, as the text of its page's JSON-LD script; ``terms``: its edition's."""
    site_url = state.settings.site_url
    assert site_url, "site_url is required (reading.configure)"
    try:
        article = structured_data.news_article(
            release,
            publisher=state.publisher,
            site_url=site_url,
            site_language=state.settings.language,
            taxonomies=terms,
            translations=translations,
            image_size=size,
            contacts=named,
            term_names=state.the_archive.term_names,
        )
    except structured_data.StructuredDataError as err:
        raise PluginError(str(err)) from None
    return structured_data.script_text(article)


def listing_context(
    state: BuildState, context: dict[str, Any], page: ListingPage, strings: Any, formatter: Formatter
) -> None:
    listing = page.listing
    if listing.title.startswith("newsroom."):  # no title in the nav: the interface string
        listing.title = strings(listing.title)
        page.meta["title"] = meta_text(listing.title)
    context["listing"] = listing
    context["cards"] = [formatter.link(r) for r in listing.releases]
    context["newsroom_alternates"] = listing_alternates(state, listing)
    if isinstance(listing, TermListing):
        context["newsroom_feeds"] = [(listing.term.name, listing.term.url)]
    if isinstance(listing, HomeListing):
        config = context["config"]
        context["thumbnails"] = thumbnails(state, listing, config)
        context["newsroom_jsonld"] = structured_data.script_text(
            structured_data.home_page(state.publisher, config.site_url, config.site_name, state.settings.language)
        )
    pagination = listing.pagination
    # <link rel="prev/next"> between the pages of one listing.
    previous_url = pagination.previous_url if pagination else None
    next_url = pagination.next_url if pagination else None
    page.previous_page = state.listing_pages.get(previous_url) if previous_url is not None else None
    page.next_page = state.listing_pages.get(next_url) if next_url is not None else None


def page_done(state: BuildState, page: Page) -> None:
    """Count the time from the page's context to its HTML, by kind of page (for the benchmark), and
    let a release page's body go."""
    started = state.render_started.pop(page.file.src_uri, None)
    if isinstance(page, ReleasePage):  # written: its body's HTML is not needed again (MkDocs keeps pages)
        page.body = None
    state.pages_done += 1
    if state.pages_done % 1000 == 0:
        log.debug(f"newsroom: {state.pages_done} pages written")
        # MkDocs keeps every address its templates' ``url`` filter ever split, without bound
        # (mkdocs.utils._norm_parts, an unbounded lru_cache): about 40 MB at 50,000 releases.
        norm_parts = getattr(mkdocs.utils, "_norm_parts", None)
        if norm_parts is not None and hasattr(norm_parts, "cache_clear"):
            norm_parts.cache_clear()
    if started is not None:
        if isinstance(page, ReleasePage):
            kind = "render release pages"
        else:
            kind = "render listing pages" if isinstance(page, ListingPage) else "render other pages"
        state.progress.add(kind, time.perf_counter() - started)


def image_size(state: BuildState, release: Release) -> tuple[int, int] | None:
    """The size of a release's photo, as read when it was checked (photos are shared by releases)."""
    if release.image is None:
        return None
    inspection = state.the_archive.photos.get(release.image.src)
    return inspection.size if inspection is not None else None


def thumbnails(state: BuildState, listing: Listing, config: MkDocsConfig) -> dict[str, images.Thumbnail]:
    """Small copies of the photos of the home page's cards, by release URL."""
    found = {}
    for release in listing.releases:
        if release.image:
            source = state.settings.releases_path / release.image.src
            made = images.thumbnail(source, release.image.src, Path(config.site_dir))
            if made is not None:
                found[url_of(release)] = made
    return found


def freeze() -> None:
    """The rendered pages live until the end of the build: keep the collector from walking them."""
    gc.freeze()


def switcher(state: BuildState, page: Page, prefix: str) -> list[tuple[str, str, str, bool]]:
    """The same page in each edition, for the language switcher: (language, its name in itself,
    address, whether it is this page's). A release leads to its published translations, a listing
    to the same listing in the other edition; where there is none, to that edition's home."""
    versions: dict[str, str] = {}
    if isinstance(page, ReleasePage):
        versions = {r.edition: url_of(r) for r in state.the_archive.translations(page.release)}
    elif isinstance(page, ListingPage):
        versions = {edition.prefix: url for edition, url in listing_versions(state, page.listing)}
    else:
        versions = page_versions(state, page, prefix)
    found = []
    for part in state.editions:
        edition = part.edition
        here = edition.prefix == prefix
        url = page.url if here else versions.get(edition.prefix, edition.prefix)
        found.append((edition.language, language_name(edition.language), url, here))
    return found


def edition_tabs(state: BuildState, prefix: str, strings: Any) -> list[tuple[str, str]]:
    """The top tabs of a page of another edition than the default: each entry of mkdocs.yml's nav
    that is a listing leads to that listing in the edition, named in its language; any other
    entry (a hand-written page) to the edition's version of it where there is one
    (``docs/ko/about.md``), else to the page itself. (title, address)."""
    tabs = []
    for item in getattr(state.nav, "items", ()):
        target = item
        while getattr(target, "children", None):
            target = target.children[0]
        url = getattr(target, "url", None)
        if url is None:
            continue
        url = "" if url in ("./", ".") else url
        listing = state.listing_pages.get(prefix + url)
        own = state.hand_written.get(prefix + url)  # the edition's version of a hand-written page
        if listing is not None:
            title = listing.listing.title
            tabs.append((strings(title) if title.startswith("newsroom.") else title, prefix + url))
        elif own is not None:
            tabs.append((str(own.title), prefix + url))
        else:
            tabs.append((str(item.title), url))
    return tabs


def listing_versions(state: BuildState, listing: Listing) -> list[tuple[Edition, str]]:
    """The same listing in every edition that has it (itself included): (edition, address)."""
    rest = listing.url[len(listing.prefix) :]
    return [
        (part.edition, part.edition.prefix + rest)
        for part in state.editions
        if part.edition.prefix + rest in state.listing_pages
    ]


def listing_alternates(state: BuildState, listing: Listing) -> tuple[tuple[str, str], ...]:
    """A listing's hreflang alternates on a site of several editions (``languages.alternates``)."""
    if len(state.editions) < 2:
        return ()
    versions = listing_versions(state, listing)
    language = next(edition.language for edition, url in versions if url == listing.url)
    others = [(edition.language, url) for edition, url in versions if url != listing.url]
    return alternates(language, listing.url, others, state.settings.language)
