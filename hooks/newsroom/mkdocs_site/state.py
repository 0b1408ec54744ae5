"""What the MkDocs edge keeps, by lifetime.

- ``PreviewCache``: what survives the rebuilds of one ``mkdocs serve`` process (releases read,
  listing and feed fingerprints, photo sizes, bodies, the last archive that could be read). A
  ``mkdocs build`` has one build, and its cache lives as long.
- ``BuildState``: everything of one build, made fresh at every ``on_config``; the phases
  (``reading``, ``collecting``, ``rendering``, ``writing``) fill it in, in that order.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from .. import page_cache, parallel, search
from ..archive import Archive, ReadCache
from ..bodies import Rendered
from ..browser_policy import BrowserPolicy
from ..editions import EditionArchive
from ..errors import ContentError
from ..model import Release
from ..organization import Publisher
from ..progress import Progress
from ..publish import Staging
from ..published import Published
from ..settings import Settings
from ..template_cache import TemplateCache
from ..views import Formatter
from .check import CHECK_COMMAND
from .pages import AssetFile, ListingPage, ReleasePage
from .rendering import ReleaseRenderer

log = logging.getLogger("mkdocs.hooks.newsroom")


@dataclass(slots=True)
class PreviewCache:
    """Kept across the rebuilds of `mkdocs serve`; each is valid for what it is keyed by."""

    read_cache: ReadCache = field(default_factory=ReadCache)
    """Releases by file, modification time and size."""
    listing_fingerprints: dict[str, int] = field(default_factory=dict)
    """What each listing page showed, by URL: an unchanged listing is not rendered again."""
    feed_fingerprints: dict[str, int] = field(default_factory=dict)
    """What each feed held, by base URL: an unchanged feed is not rendered again."""
    bodies: dict[str, tuple[tuple[bytes, int], Rendered]] = field(default_factory=dict)
    """Release bodies by release, with the text and held set they were rendered from."""
    last_good: Archive | None = None
    """The archive of the last build whose releases could all be read."""
    builds: int = 0


@dataclass(slots=True)
class BuildState:
    """One build: its settings and clock, the archive, its pages, its renderer and its outputs."""

    command: str
    """'build', 'gh-deploy', 'serve' or 'check' (``make check``: stop before writing)."""
    dirty: bool
    settings: Settings
    preview: PreviewCache
    formatter: Formatter
    publisher: Publisher
    """Who publishes the site (``extra.newsroom.organization``, with its defaults and logo)."""
    progress: Progress = field(default_factory=lambda: Progress(log))
    staging: Staging | None = None
    """Where a published build writes, beside the published site (``publish``)."""
    now: datetime | None = None
    archive: Archive | None = None
    renderer: ReleaseRenderer | None = None
    held_key: int = 0
    """Which releases are held back, as a number: a preview's cached body is valid for one set."""
    feed_bodies_again: int = 0
    """How many bodies a feed showed that the Markdown workers had not given a feed form
    (``feed_html``): each is converted again, alone, while the feeds are written."""
    docs_dir: str = ""
    editions: list[EditionArchive] = field(default_factory=list)
    """What each edition publishes (``on_files``); one, the whole archive, on a site of one language."""
    releases_folder: str = ""
    """The releases folder, as a path string (``on_files``)."""
    assets: dict[str, AssetFile] = field(default_factory=dict)
    """Files shipped with the releases, by source path: published only if a release uses them."""
    neighbours: dict[str, tuple[Release | None, Release | None]] = field(default_factory=dict)
    pages: dict[str, ReleasePage] = field(default_factory=dict)
    """Release pages by release file name."""
    listing_pages: dict[str, ListingPage] = field(default_factory=dict)
    page_bodies: dict[str, Rendered] = field(default_factory=dict)
    """Hand-written pages and listing introductions, checked, by source path."""
    documentation_pages: list[Page] = field(default_factory=list)
    hand_written: dict[str, Page] = field(default_factory=dict)
    #: The prefixes of the editions with hand-written pages: each has an index of them.
    pages_indexed: frozenset[str] = frozenset()
    #: Each edition's folders of its search index that its header box searches, by prefix.
    header_indexes: dict[str, list[str]] = field(default_factory=dict)
    """The hand-written pages (``docs/``) by address (``on_env``): an edition's are under its prefix."""
    render_started: dict[str, float] = field(default_factory=dict)
    """When each page's rendering began, by source path (for the benchmark's timings)."""
    pages_done: int = 0
    chrome: Any = None
    icons: Any = None
    """The theme's icons, drawn once in a file of the site (``icons.IconSheet``, ``on_files``)."""
    translations: Any = None
    env: Any = None
    """The site's template environment (``on_env``)."""
    nav: Any = None
    """MkDocs' navigation (``on_nav``)."""
    editions_language: dict[str, Any] = field(default_factory=dict)
    """By edition prefix: the interface strings of the editions other than the default."""
    editions_formatter: dict[str, Formatter] = field(default_factory=dict)
    """By edition prefix: the date formatters of the editions other than the default."""
    indexing: search.Indexing | None = None
    indexing_started: float = 0.0
    indexed: int = 0
    browser_policy: BrowserPolicy | None = None
    """What pages may load and run (``browser.make_policy``, at ``on_env``)."""
    policy_checked: set[tuple[str, str]] = field(default_factory=set)
    """Kinds of page already checked against the policy (``browser.check_page``)."""
    complete: bool = False
    """Every output written: the staging folder may replace the published site."""
    digests: dict[str, str] = field(default_factory=dict)
    """Each release's digest (``page_cache.release_digest``), by file name, made once."""
    kept: Any = None
    """The pages kept between builds, as this build uses them (``reuse.KeptPages``), if it does."""
    templates: TemplateCache | None = None
    """The compiled templates kept between builds (``reuse.template_cache``), if this build keeps them."""

    @property
    def published(self) -> Published | None:
        """The published site as the last build left it, on a build that writes only what changed."""
        return self.staging.published if self.staging is not None else None

    @property
    def serving(self) -> bool:
        return self.command == "serve"

    @property
    def the_archive(self) -> Archive:
        assert self.archive is not None, "on_pre_build has not run"
        return self.archive

    @property
    def the_renderer(self) -> ReleaseRenderer:
        assert self.renderer is not None, "on_files has not run"
        return self.renderer

    def workers(self) -> int:
        """Processes for work shared out by forking: only on a full build of a real archive, never
        under `serve` (its threads and fork do not mix)."""
        if (
            self.command in ("build", "gh-deploy", CHECK_COMMAND)
            and not self.dirty
            and len(self.pages) >= 200
            and parallel.available()
        ):
            return min(os.cpu_count() or 1, 4)
        return 1

    def refuse(self, error: ContentError) -> None:
        """Fail the build with every problem listed. Under `mkdocs serve` the problems are shown
        and the preview goes on, with the last archive that could be read: MkDocs' preview server
        would otherwise hold every request until the next build that succeeds."""
        places = {f"{self.settings.releases_dir}/": "the press releases"}
        if self.docs_dir:
            places[project_path(self, self.docs_dir) + "/"] = "the hand-written pages"
        report = error.report(places)
        if not self.serving:
            raise PluginError(report)
        log.error(
            f"{report}\nThe preview goes on with the last version that could be read; "
            "`make build` fails until these are fixed."
        )

    def rendered(self, release: Release) -> Rendered:
        """The body of a release as its page was given it; never converted a second time.

        Under --dirty MkDocs renders only the pages that changed: an unchanged one comes
        from an earlier build of this process (``make serve``), or is converted here, once.
        """
        page, renderer = self.pages[release.name], self.the_renderer
        src_uri = page.file.src_uri
        found = renderer.results.get(src_uri) or renderer.done.get(src_uri)
        key = (release.packed_body, self.held_key)
        if found is None:
            cached = self.preview.bodies.get(release.name)
            if cached is None or cached[0] != key:
                # Kept for the page (``ahead``): the search records, made before the pages' keys,
                # fetch a body the key of its page then takes, not a second time.
                cached = (key, renderer.ahead(src_uri, lambda: page.source))
            found = cached[1]
        if self.serving:
            self.preview.bodies[release.name] = (key, found)
        return found

    def digest(self, release: Release | None) -> str | None:
        """The digest of everything ``release`` holds (None for none), made once a build."""
        if release is None:
            return None
        found = self.digests.get(release.name)
        if found is None:
            # What it was read from, where the build knows it: quicker than digesting every field.
            identity = self.preview.read_cache.identity(release.name)
            made = page_cache.key("read", identity) if identity else page_cache.release_digest(release)
            found = self.digests[release.name] = made
        return found

    def feed_html(self, release: Release) -> str:
        """A release's body as feeds show it; made now for a body that was rendered without it."""
        found = self.rendered(release).feed_html
        if found is None:
            self.feed_bodies_again += 1
            bodies = self.the_renderer.bodies
            sources, bodies.feed_sources = bodies.feed_sources, None
            try:
                found = bodies.render(self.pages[release.name].source).feed_html
            finally:
                bodies.feed_sources = sources
        assert found is not None
        return found


def project_path(state: BuildState, path: str) -> str:
    """A path as editors know it: relative to the project, with forward slashes."""
    return Path(os.path.relpath(path, state.settings.project_dir)).as_posix()


def site_dir(config: MkDocsConfig) -> Path:
    return Path(config.site_dir)
