"""Releases, listings and redirects as MkDocs pages.

Their Markdown and meta come from the validated domain objects: MkDocs' own
front-matter parser never runs on a release.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_date

from ..bodies import Rendered, Source
from ..listings import Listing
from ..model import Release
from ..redirects import Redirect
from ..urls import url_of
from .rendering import ReleaseRenderer


def meta_text(text: str) -> Markup:
    """Plain text as a page's meta value. Material prints meta values as they are (the title in
    <title> and the header, the description in its meta tag): they are given escaped, and marked
    as such, so that a template escaping them again (`| e`, as Material's footer does with the
    previous and next pages' titles) does not show `&amp;` for `&`."""
    return Markup(html.escape(text))


#: Characters of an address that ``urljoin`` keeps as they are: no dot (no dot segment), no
#: query, fragment, percent sign or scheme (and, in ``_plain``, no empty segment, which it drops).
_PLAIN = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~/")


def _plain(path: str) -> bool:
    return not path.startswith("/") and "//" not in path and not path.translate(_PLAIN)


@lru_cache(maxsize=8)
def _joined(base: str, relative: str) -> tuple[str, str]:
    joined = urljoin(base, relative)
    return joined, urlsplit(joined).path


#: The settings MkDocs' ``Page`` reads when it is made, as a plain dict, for the last configuration
#: seen: ``MkDocsConfig.get`` costs 12 µs a page at 50,000 releases (four settings each).
_page_settings: tuple[MkDocsConfig, dict[str, Any], str] | None = None
_PAGE_SETTINGS = ("site_url", "repo_url", "edit_uri", "edit_uri_template")


def _settings_of(config: MkDocsConfig) -> tuple[dict[str, Any], str]:
    """The settings a page reads, and the build's date: taken once a build (a build has its own
    configuration object, a rebuild of ``make serve`` too)."""
    global _page_settings
    if _page_settings is None or _page_settings[0] is not config:
        _page_settings = (config, {name: config.get(name) for name in _PAGE_SETTINGS}, get_build_date())
    return _page_settings[1], _page_settings[2]


class QuickAddresses(Page):
    """A page of the site's own making, whose canonical and edit addresses are worked out without
    parsing a URL per page (a tenth of ``make check`` at 10,000 releases), as MkDocs would."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig):
        # What MkDocs 1.6's ``Page.__init__`` does (``test_page_addresses`` compares the pages
        # both make), with the settings and the build's date taken once a build: at 50,000
        # releases, ``MkDocsConfig.get`` cost 0.67 s, and MkDocs' date (the system's clock and
        # the environment's SOURCE_DATE_EPOCH, once a page) 0.55 s.
        settings, build_date = _settings_of(config)
        file.page = self
        self.file = file
        if title is not None:
            self.title = title
        self.children = None
        self.previous_page = None
        self.next_page = None
        self.active = False
        self.update_date = build_date
        self._set_canonical_url(settings["site_url"])
        self._set_edit_url(settings["repo_url"], settings["edit_uri"], settings["edit_uri_template"])
        self.markdown = None
        self._title_from_render = None
        self.content = None
        self.toc = []  # type: ignore[assignment]  # as MkDocs does
        self.meta = {}

    def _set_canonical_url(self, base: str | None) -> None:
        url = self.url
        if not base or not _plain(url):
            super()._set_canonical_url(base)
            return
        root, path = _joined(base if base.endswith("/") else base + "/", "")
        self.canonical_url, self.abs_url = root + url, path + url

    def _set_edit_url(
        self, repo_url: str | None, edit_uri: str | None = None, edit_uri_template: str | None = None
    ) -> None:
        src_uri = self.file.edit_uri
        if edit_uri_template or not edit_uri or not repo_url or src_uri is None or not src_uri.startswith("../"):
            super()._set_edit_url(repo_url, edit_uri, edit_uri_template)
            return
        rest = src_uri[3:]
        walled = f"/{rest}/"  # a segment '.', '..' or empty, or a query or fragment: MkDocs' way
        if "/./" in walled or "/../" in walled or "//" in walled or "?" in edit_uri + rest or "#" in edit_uri + rest:
            super()._set_edit_url(repo_url, edit_uri, edit_uri_template)
            return
        folder, _ = _joined(repo_url if repo_url.endswith("/") else repo_url + "/", edit_uri + "../")
        self.edit_url = folder + rest


class ListingFile(File):
    """The file of a listing page. For `--dirty` rebuilds (``make serve``), it counts as
    modified only when what the listing shows changed since the previous build."""

    listing_changed = True

    def is_modified(self) -> bool:
        if self.listing_changed or not os.path.isfile(self.abs_dest_path):
            return True
        return self.abs_src_path is not None and super().is_modified()


class AssetFile(File):
    """A file shipped with the releases (a photo, a document), copied into the site as it is,
    unless the published site already holds it (``left_in_place``: ``context.prune_assets``)."""

    left_in_place = False

    def copy_file(self, dirty: bool = False) -> None:
        if not self.left_in_place:
            super().copy_file(dirty)


class RedirectPage(QuickAddresses):
    """The page at an old address of a release, sending readers and crawlers to the release."""

    def __init__(self, redirect: Redirect, file: File, config: MkDocsConfig, target: Page):
        super().__init__(None, file, config)
        self.redirect = redirect
        self.target = target
        self.edit_url = None

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = ""
        self.meta = {"template": "newsroom-redirect.html", "title": meta_text(self.redirect.release.title)}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content, self.toc = "", get_toc([])


class ListingPage(QuickAddresses):
    """A page of a listing; its introduction, if any, is a hand-written page from docs/."""

    def __init__(self, listing: Listing, file: File, config: MkDocsConfig, *, intro: bool):
        super().__init__(None, file, config)
        self.listing = listing
        self.intro = intro
        if not intro:
            self.edit_url = None
        # Titled from the start: a --dirty rebuild (`make serve`) does not read an unchanged page
        # again, and the navigation would show it untitled.
        self.markdown, self.meta = "", {"title": meta_text(listing.title)}

    def read_source(self, config: MkDocsConfig) -> None:
        if self.intro:
            super().read_source(config)
        else:
            self.markdown, self.meta = "", {}
        listing = self.listing
        self.meta.setdefault("title", meta_text(listing.title))
        self.meta["template"] = "listing.html"
        self.meta["hide"] = ["navigation", "toc", "footer"]

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.intro:
            super().render(config, files)
        else:
            self.content, self.toc = "", get_toc([])


class BodyHTML(str):
    """A release body's HTML, unpacked, which knows the body it came from (``ReleasePage.content``)."""

    body: Rendered

    def __new__(cls, body: Rendered) -> BodyHTML:
        made = super().__new__(cls, body.html)
        made.body = body
        return made


class ReleasePage(QuickAddresses):
    """A release as a MkDocs page: its Markdown and meta come from the validated model,
    never from MkDocs' own front-matter parser."""

    def __init__(self, release: Release, file: File, config: MkDocsConfig, renderer: ReleaseRenderer):
        self.body: Rendered | None = None
        self._content: str | None = None
        self._unpacked: BodyHTML | None = None
        super().__init__(None, file, config)
        self.release = release
        self.renderer = renderer

    @property
    def content(self) -> str | None:
        """The body's HTML, unpacked when asked for: MkDocs converts every page before it writes
        the first, and 50,000 bodies would wait as strings (``bodies.Rendered``). While the page
        is built (``active``), unpacked once: its hooks and templates ask for it three times."""
        if self.body is None:
            return self._content
        if self._unpacked is not None and self._unpacked.body is self.body:
            return self._unpacked
        unpacked = BodyHTML(self.body)
        if self.active:
            self._unpacked = unpacked
        return unpacked

    @content.setter
    def content(self, value: str | None) -> None:
        if isinstance(value, BodyHTML) and value.body is self.body:
            return  # given back unchanged (MkDocs sets what its on_page_content hooks return): kept packed
        self.body, self._content = None, value

    @property
    def active(self) -> bool:
        return bool(Page.active.fget(self))  # type: ignore[attr-defined]

    @active.setter
    def active(self, value: bool) -> None:
        Page.active.fset(self, value)  # type: ignore[attr-defined]
        if not value:  # built: the string goes
            self._unpacked = None

    def read_source(self, config: MkDocsConfig) -> None:
        release = self.release
        self.markdown = ""  # never converted by MkDocs (``render``), nor kept by it: the body is the release's
        self.meta = {
            "template": "release.html",
            "title": meta_text(release.title),
            "description": meta_text(release.summary),
            "hide": ["navigation", "toc"],
        }
        if release.draft:
            self.meta["draft"] = True

    @property
    def source(self) -> Source:
        release = self.release
        return Source(self.file.src_uri, url_of(release), None, release.body_line, packed=release.packed_body)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.renderer.render(self, lambda: self.source)


def edition_prefix(page: Page, prefixes: Sequence[str] = ()) -> str:
    """The prefix of the edition a page belongs to ('' for the default edition): a hand-written
    page's is the one of ``prefixes`` its address begins with (``docs/ko/about.md``: ``ko/``)."""
    if isinstance(page, ReleasePage):
        return page.release.edition
    if isinstance(page, ListingPage):
        return page.listing.prefix
    url = page.url
    return next((prefix for prefix in prefixes if prefix and url.startswith(prefix)), "")
