"""The build's state and the MkDocs events it answers."""

from __future__ import annotations

import gc
import logging
import os
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .. import cache, feeds, images, listings, outputs, parallel, search, sitemap
from ..archive import Archive, ReadCache, read_archive
from ..bodies import Bodies, Policy, Rendered, Source, Targets
from ..errors import ContentError, Problem
from ..links import HeldLinks
from ..listings import Listing
from ..model import TAXONOMIES, Release
from ..pages import Formatter, release_view
from ..progress import Progress
from ..publication import build_time, release_time
from ..publish import PublishError, Staging
from ..redirects import check_redirects, redirects
from ..settings import Settings, SettingsError
from ..sources import check_source
from ..urls import NEWS, SEARCH, SUBSCRIBE, absolute, media_url, taxonomy_url, url_of
from .check import CHECK_COMMAND, CheckPassed
from .pages import ListingFile, ListingPage, RedirectPage, ReleasePage, meta_text
from .rendering import ReleaseRenderer
from .theme import ChromeCache, Translations

log = logging.getLogger("mkdocs.hooks.newsroom")

#: Set (to anything) to wait for Pagefind as soon as it starts instead of letting it run beside
#: the rendering of pages: the build gets slower, and its timings show indexing alone.
SEARCH_FOREGROUND_VARIABLE = "NEWSROOM_SEARCH_FOREGROUND"
#: Advice to editors that must not fail a --strict build (spelling variants of a term):
#: shown through MkDocs' own handlers, but not counted by its strict-mode counter.
advice = logging.getLogger("newsroom.advice")


def _share_mkdocs_handlers() -> None:
    mkdocs_log = logging.getLogger("mkdocs")
    advice.handlers = [h for h in mkdocs_log.handlers if type(h).__name__ != "CountHandler"]
    advice.propagate = not advice.handlers
    advice.setLevel(logging.INFO)


class NewsroomSite:
    """The state of one build, rebuilt from scratch at every ``on_config``."""

    def __init__(self) -> None:
        self.command = "build"
        self.dirty = False
        self.builds = 0
        # Kept across the rebuilds of `mkdocs serve`: releases by file and mtime, listing fingerprints.
        self.read_cache = ReadCache()
        self.fingerprints: dict[str, int] = {}
        self.feed_fingerprints: dict[str, int] = {}
        self.image_sizes: dict[tuple[Path, int], tuple[int, int] | None] = {}
        self.settings: Settings | None = None
        self.archive: Archive | None = None
        self.renderer: ReleaseRenderer | None = None
        self.assets: dict[str, File] = {}
        self.neighbours: dict[str, tuple[Release | None, Release | None]] = {}
        self.pages: dict[str, ReleasePage] = {}
        self.listing_pages: dict[str, ListingPage] = {}
        self.preview_bodies: dict[str, tuple[tuple[str, int], Rendered]] = {}
        self.last_good: Archive | None = None
        """Under `mkdocs serve`, the archive of the last build whose releases could all be read."""
        self._reset()

    def _reset(self) -> None:
        """The state of one build, before anything of it is known."""
        self.staging: Staging | None = None
        self.complete = False
        self.indexing: search.Indexing | None = None
        self.held_key = 0
        self.render_started: dict[str, float] = {}
        """When each page's rendering began, by source path (for the benchmark's timings)."""
        self.page_bodies: dict[str, Rendered] = {}
        """Hand-written pages and listing introductions, checked, by source path."""

    # -- events ------------------------------------------------------------

    def startup(self, command: str, dirty: bool = False) -> None:
        self.command = command
        self.dirty = dirty

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        self._reset()
        options = config.extra.get("newsroom") if config.extra else None
        try:
            self.settings = Settings.from_mapping(
                Path(os.path.abspath(config.config_file_path)).parent,
                options,
                language=config.theme.get("language") or "en",
                site_url=config.site_url,
            )
        except SettingsError as err:
            raise PluginError(str(err)) from None
        if not config.site_url:
            raise PluginError(
                "site_url is required: feeds need absolute URLs for their links and the sitemap. "
                "Set it in mkdocs.yml, e.g. site_url: https://news.example.org/"
            )
        self.formatter = Formatter(self.settings.language)
        self.progress = Progress(log)
        self.archive = None
        self.assets = {}
        self.renderer = None
        self.neighbours = {}
        self.pages = {}
        self.listing_pages = {}
        self.documentation_pages: list[Page] = []
        self.pages_done = 0
        if self.command in ("build", "gh-deploy"):
            # Build beside the published site; it is swapped in only when everything succeeded.
            try:
                self.staging = Staging.begin(Path(config.site_dir), keep=self.dirty)
            except (PublishError, OSError) as err:
                raise PluginError(f"The site cannot be published: {err}") from None
            config.site_dir = str(self.staging.folder)
        return config

    def shutdown(self) -> None:
        """Publish the new site if the build succeeded (strict mode included), else drop it."""
        staging, self.staging = self.staging, None
        if staging is None:
            return
        if self.complete:
            staging.commit()
            log.info(f"newsroom: published {staging.final}")
        else:
            staging.abandon()

    def read(self) -> None:
        """Read and check every release before MkDocs touches site/: a failed build publishes nothing."""
        self.builds += 1
        settings = self._settings
        try:
            now = build_time(settings.zone)
        except ValueError as err:
            raise PluginError(str(err)) from None
        self.now = now
        with self.progress.phase("read") as report:
            try:
                self.archive = read_archive(settings, now, drafts=self.command == "serve", cache=self.read_cache)
            except ContentError as err:
                if self.command != "serve" or self.last_good is None:
                    raise PluginError(err.report()) from None
                self._refuse(err)
                self.archive = self.last_good
            report["done"] = f"{len(self.archive.published)} releases published, {len(self.archive.held)} held back"
        if self.command == "serve":
            self.last_good = self.archive
        self._report_held(self.archive)
        _share_mkdocs_handlers()
        for warning in self.archive.warnings:
            advice.warning(warning)

    def post_build(self, config: MkDocsConfig) -> None:
        """Write what MkDocs does not: the sitemap, feeds and the search index (see their modules)."""
        with self.progress.phase("sitemap") as report:
            written = self._write_sitemap(config)
            report["done"] = f"{len(written)} file(s)"
        with self.progress.phase("feeds") as report:
            written = self._write_feeds(config)
            report["done"] = f"{len(written)} files"
        if self.indexing is not None:
            self._finish_search_index("search (waiting for Pagefind)")
        self.progress.figures["build process peak MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.progress.save()
        self._save_conversions()
        self._release_frozen()
        self.complete = True

    def _save_conversions(self) -> None:
        """Keep this build's Markdown conversions for the next; a full build drops what it did not use."""
        conversions = self.renderer.bodies.conversions if self.renderer else None
        if conversions is not None:
            conversions.save(prune=not self.dirty and self.command != "serve")

    def _release_frozen(self) -> None:
        """Under `mkdocs serve` the process lives on: let the collector free this build's objects
        (frozen with gc.freeze while it ran) once the next build replaces them."""
        if self.command == "serve":
            gc.unfreeze()

    def rendered(self, release: Release) -> Rendered:
        """The body of a release as its page was given it; never converted a second time.

        Under --dirty MkDocs renders only the pages that changed: an unchanged one comes
        from an earlier build of this process (``make serve``), or is converted here, once.
        """
        page, renderer = self.pages[release.name], self._renderer
        found = renderer.results.get(page.file.src_uri)
        key = (release.body, self.held_key)
        if found is None:
            cached = self.preview_bodies.get(release.name)
            if cached is None or cached[0] != key:
                cached = (key, renderer.bodies.render(page.source))
            found = cached[1]
        if self.command == "serve":
            self.preview_bodies[release.name] = (key, found)
        return found

    def start_search_index(self, config: MkDocsConfig) -> None:
        """Start Pagefind on the published pages, once their HTML is rendered (at ``on_env``)."""
        if self.dirty and self.builds > 1:
            log.info("newsroom: search index not rebuilt in a --dirty preview; restart `make serve` to refresh it")
            return
        with self.progress.phase("search (records, Pagefind started)") as report:
            records = self._search_records()
            site_dir = Path(config.site_dir)
            try:
                self.indexing = search.Indexing(site_dir, records, self._settings.language, self._workers())
            except search.SearchError as err:
                raise PluginError(_search_failed(err)) from None
            self._indexed = len(records)
            self._indexing_started = time.perf_counter()
            report["done"] = f"{len(records)} records"
        if os.environ.get(SEARCH_FOREGROUND_VARIABLE):
            self._finish_search_index("search (Pagefind, in the foreground)")

    def _finish_search_index(self, phase: str) -> None:
        indexing = self.indexing
        assert indexing is not None, "start_search_index has not run"
        with self.progress.phase(phase) as report:
            try:
                indexing.finish()
            except search.SearchError as err:
                raise PluginError(_search_failed(err)) from None
            finally:
                self.indexing = None
            self.progress.figures["pagefind peak MiB"] = indexing.peak_mib
            self.progress.figures["pagefind seconds"] = time.perf_counter() - self._indexing_started
            self.progress.figures["pagefind CPU seconds"] = indexing.cpu_seconds
            report["done"] = f"{self._indexed} pages indexed, Pagefind peaked at {indexing.peak_mib:.0f} MiB"

    def build_failed(self) -> None:
        if self.indexing is not None:
            self.indexing.cancel()
            self.indexing = None
        self.complete = False
        if self.staging is not None:
            self.staging.abandon()
        self._release_frozen()

    def _search_records(self) -> _SearchRecords:
        pages = [
            search.page_record(
                page.url, page.title or "", self.page_bodies[page.file.src_uri].text, self._settings.language
            )
            for page in self.documentation_pages
            # Hand-written pages only: not releases, listings (even with an introduction) or redirects.
            if type(page) is Page and page.file.src_uri in self.page_bodies
        ]
        return _SearchRecords(self, pages)

    def _workers(self) -> int:
        """Processes for work shared out by forking: only on a full build of a real archive, never
        under `serve` (its threads and fork do not mix)."""
        workers = min(os.cpu_count() or 1, 4)
        if (
            self.command in ("build", "gh-deploy", CHECK_COMMAND)
            and not self.dirty
            and len(self.pages) >= 200
            and parallel.available()
        ):
            return workers
        return 1

    def _feed_site(self, config: MkDocsConfig) -> feeds.Site:
        site_url = config.site_url or ""
        icon = config.theme.get("favicon")
        logo = config.theme.get("logo") or icon
        return feeds.Site(
            name=config.site_name,
            url=site_url,
            description=config.site_description or config.site_name,
            language=self._settings.language,
            icon=absolute(site_url, icon) if icon else None,
            logo=absolute(site_url, logo) if logo else None,
        )

    def _write_feeds(self, config: MkDocsConfig) -> list[Path]:
        archive = self._archive
        writer = feeds.FeedWriter(
            self._settings,
            self._feed_site(config),
            archive.taxonomies,
            lambda release: self.rendered(release).feed_html,
            self.feed_fingerprints,
        )
        channels = feeds.site_feeds(archive.published, archive.taxonomies, writer.site, self._settings.feed_items)
        return writer.write(Path(config.site_dir), channels)

    def _write_sitemap(self, config: MkDocsConfig) -> list[Path]:
        site_dir = Path(config.site_dir)
        stale = [*site_dir.glob("sitemap*.xml"), *site_dir.glob("sitemap*.xml.gz")]
        for path in stale:
            path.unlink()
        if not config.site_url:
            return []
        entries = []
        for page in self.documentation_pages:
            if isinstance(page, RedirectPage):
                continue
            if isinstance(page, ReleasePage):
                entries.append(sitemap.Entry(page.url, page.release.last_changed))
            elif isinstance(page, ListingPage):
                entries.append(sitemap.Entry(page.url, sitemap.last_change(page.listing.releases)))
            else:
                entries.append(sitemap.Entry(page.url))
        return sitemap.write_sitemaps(site_dir, config.site_url, entries)

    def add_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.archive is not None, "on_pre_build has not run"
        settings = self._settings
        self._refuse_outside_files(files, config)
        held = {f"{settings.releases_dir}/{r.name}" for r in self.archive.held}
        self.held_key = hash(frozenset(held))
        guard = HeldLinks(self.archive.held, settings.releases_dir, config.site_url)
        extensions, extension_configs = config["markdown_extensions"], config["mdx_configs"] or {}
        conversions = cache.Conversions(settings.project_dir, cache.fingerprint(extensions, extension_configs))
        bodies = Bodies(
            Policy(config.site_url, frozenset(settings.embed_hosts)),
            guard,
            None,
            extensions,
            extension_configs,
            conversions,
        )
        self.renderer = ReleaseRenderer(bodies)
        releases = self.archive.published
        for newer, release, older in zip([None, *releases], releases, [*releases[1:], None], strict=False):
            self.neighbours[release.name] = (older, newer)
            files.append(self._release_file(release, config))
        for asset in self._asset_files(config):
            files.append(asset)
        self._add_listings(files, config)
        self._add_redirects(files, config)
        # What a link in a body to a file of the site leads to; a link to a held release is taken out.
        bodies.targets = Targets({f.src_uri: "" if f.url == "./" else f.url for f in files}, held)
        # Everything read so far lives until the end of the build: keep the garbage
        # collector from walking it again and again (measured: a fifth of a 10,000-release build).
        gc.freeze()
        return files

    def page_done(self, page: Page) -> None:
        """Count the time from the page's context to its HTML, by kind of page (for the benchmark)."""
        started = self.render_started.pop(page.file.src_uri, None)
        self.pages_done += 1
        if self.pages_done % 1000 == 0:
            log.debug(f"newsroom: {self.pages_done} pages written")
        if started is not None:
            kind = (
                "render release pages"
                if isinstance(page, ReleasePage)
                else ("render listing pages" if isinstance(page, ListingPage) else "render other pages")
            )
            self.progress.add(kind, time.perf_counter() - started)

    def page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        self.render_started[page.file.src_uri] = time.perf_counter()
        if isinstance(page, ReleasePage):
            older, newer = self.neighbours.get(page.release.name, (None, None))
            archive = self._archive
            related = tuple(archive.related(page.release, self._settings.related_count))
            context["release"] = release_view(
                page.release,
                self.formatter,
                archive.taxonomies,
                related=related,
                image_size=self._image_size(page.release),
                translations=tuple(archive.translations(page.release)),
            )
            # Its countries' feeds, for readers who want more of the same.
            context["newsroom_feeds"] = [
                (term.name, term.url) for term in archive.taxonomies.of(page.release, "countries")
            ]
            # Material's footer and <link rel="prev/next"> walk through releases in time.
            page.previous_page = self.pages.get(older.name) if older else None
            page.next_page = self.pages.get(newer.name) if newer else None
        elif isinstance(page, ListingPage):
            listing = page.listing
            if listing.title.startswith("newsroom."):  # no title in the nav: the interface string
                listing.title = self.translations(listing.title)
                page.meta["title"] = meta_text(listing.title)
            context["listing"] = listing
            context["cards"] = [self.formatter.link(r) for r in listing.releases]
            if listing.term is not None:
                context["newsroom_feeds"] = [(listing.term.name, listing.term.url)]
            if listing.kind == "home":
                context["thumbnails"] = self._thumbnails(listing, context["config"])
            pagination = listing.pagination
            # <link rel="prev/next"> between the pages of one listing.
            previous_url = pagination.previous_url if pagination else None
            next_url = pagination.next_url if pagination else None
            page.previous_page = self.listing_pages.get(previous_url) if previous_url is not None else None
            page.next_page = self.listing_pages.get(next_url) if next_url is not None else None
        return context

    def nav_ready(self, nav: Any) -> None:
        self.chrome = ChromeCache(nav)
        workers = self._workers()
        sources = [page.source for page in self.pages.values()]
        renderer = self._renderer
        conversions = renderer.bodies.conversions
        if conversions is not None:
            conversions.load(source.text for source in sources)
        if workers > 1:
            with self.progress.phase("markdown") as report:
                renderer.prerender(sources, workers)
                report["done"] = f"{len(sources)} release bodies converted by {workers} processes (and checked)"

    def page_content(self, content: str, page: Page) -> str:
        """A hand-written page (or a listing's introduction), as MkDocs rendered it: checked and
        cleaned like a release body."""
        if isinstance(page, (ReleasePage, RedirectPage)) or not content or page.file.abs_src_path is None:
            return content
        text = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
        source = Source(page.file.src_uri, "" if page.url == "./" else page.url, text)
        rendered = self._renderer.bodies.examine(content, source)
        for field in ("draft", "embargo"):
            # A hand-written page is published as it is: one that asks to be held back is a mistake.
            if field in page.meta:
                rendered.problems.append(
                    (
                        source.line_of(f"{field}:"),
                        (
                            f"field '{field}': a hand-written page in docs/ is published as it is, never held back; "
                            "a release goes in the releases folder, where drafts and embargoes apply"
                        ),
                    )
                )
        self.page_bodies[page.file.src_uri] = rendered
        return rendered.html

    def _refuse_bad_bodies(self) -> None:
        """Fail before any page is written if a body breaks the rules (see newsroom.bodies)."""
        settings, renderer = self._settings, self._renderer
        problems = []
        for page in self.pages.values():
            rendered = renderer.results.get(page.file.src_uri)
            if rendered is None:
                continue
            for target in rendered.removed:
                log.info(f"{page.release.source}: a link to {target} is left out until that release is published")
            problems += [Problem(page.release.source, message, line) for line, message in rendered.problems]
        docs = Path(os.path.relpath(self._docs_dir, settings.project_dir)).as_posix()
        for src_uri, rendered in self.page_bodies.items():
            problems += [Problem(f"{docs}/{src_uri}", message, line) for line, message in rendered.problems]
        if problems:
            self._refuse(ContentError(problems))

    def _refuse(self, error: ContentError) -> None:
        """Fail the build with every problem listed. Under `mkdocs serve` the problems are shown
        and the preview goes on, with the last archive that could be read: MkDocs' preview server
        would otherwise hold every request until the next build that succeeds."""
        if self.command != "serve":
            raise PluginError(error.report())
        log.error(
            f"{error.report()}\nThe preview goes on with the last version that could be read; "
            "`make build` fails until these are fixed."
        )

    def _refuse_outside_files(self, files: Files, config: MkDocsConfig) -> None:
        """Only regular files inside the project are published: a symlink in docs/ that leads out
        of it (to the build's environment, a key...) fails the build, naming the file."""
        settings = self._settings
        self._docs_dir = config.docs_dir
        problems = []
        for file in files:
            source = file.abs_src_path
            if file.generated_by is not None or not source or not source.startswith(config.docs_dir + os.sep):
                continue
            shown = Path(os.path.relpath(source, settings.project_dir)).as_posix()
            problem = check_source(Path(source), settings.project_dir, shown)
            if problem is not None:
                problems.append(problem)
        if problems:
            self._refuse(ContentError(problems))

    def _image_size(self, release: Release) -> tuple[int, int] | None:
        """The size of a release's photo, read once per file version (photos are shared by releases)."""
        if release.image is None:
            return None
        source = self._settings.releases_path / release.image.src
        try:
            key = (source, source.stat().st_mtime_ns)
        except OSError:
            return None
        if key not in self.image_sizes:
            self.image_sizes[key] = images.dimensions(source)
        return self.image_sizes[key]

    def _thumbnails(self, listing: Listing, config: MkDocsConfig) -> dict[str, images.Thumbnail]:
        """Small copies of the photos of the home page's cards, by release URL."""
        found = {}
        for release in listing.releases:
            if release.image:
                source = self._settings.releases_path / release.image.src
                made = images.thumbnail(source, release.image.src, Path(config.site_dir))
                if made is not None:
                    found[url_of(release)] = made
        return found

    def prepare_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        gc.freeze()  # the rendered pages, likewise
        self.documentation_pages = [f.page for f in files.documentation_pages() if f.page is not None]
        self._refuse_bad_bodies()
        if self.command == CHECK_COMMAND:  # `make check`: everything a build checks before writing has passed
            self._save_conversions()
            raise CheckPassed(self.archive, self.now)
        env.globals["newsroom_chrome"] = self.chrome
        self.prune_assets(files)
        env.globals["newsroom_t"] = self.translations = Translations(env, config.theme.get("language") or "en")
        self.start_search_index(config)
        return env

    def prune_assets(self, files: Files) -> None:
        """Publish only the files a published release uses: an embargoed photo stays unpublished."""
        used = set()
        if self.renderer:
            for rendered in self.renderer.results.values():
                used |= rendered.referenced
        releases_dir = self._settings.releases_dir
        for release in self.archive.published if self.archive else ():
            if release.image:
                used.add(f"{releases_dir}/{release.image.src}")
        for src_uri, file in self.assets.items():
            if src_uri not in used:
                files.remove(file)

    # -- helpers -----------------------------------------------------------

    def _add_redirects(self, files: Files, config: MkDocsConfig) -> None:
        """A redirect page at each old address. Every address is claimed once, in one place: what the
        site writes itself (declared by each writer), hand-written pages, releases, then aliases; an
        address claimed twice fails the build, naming both."""
        archive, settings = self._archive, self._settings
        claims = outputs.site_outputs(archive.taxonomies)
        docs = Path(os.path.relpath(config.docs_dir, settings.project_dir)).as_posix()
        release_files = {f"{settings.releases_dir}/{r.name}" for r in archive.published}
        for file in files:
            if file.src_uri in release_files:
                continue  # claimed below, with the held releases
            if file.generated_by is None and file.abs_src_path and file.abs_src_path.startswith(config.docs_dir):
                claims.claim(file.dest_uri, f"{docs}/{file.src_uri}")
            elif file.src_uri.startswith(settings.releases_dir + "/"):
                claims.claim(file.dest_uri, file.src_uri)  # a file shipped with the releases
            else:
                claims.claim(file.dest_uri, "the site itself")
        problems = []
        for release in [*archive.published, *archive.held]:
            other = claims.claim(url_of(release) + "index.html", release.source)
            if other is not None and other.startswith(docs + "/"):
                problems.append(
                    Problem(
                        other,
                        (
                            f"is at {url_of(release)}, the address of {release.source}; a hand-written page may "
                            "introduce a listing, never take a release's place. Move or rename it"
                        ),
                    )
                )
        problems += check_redirects([*archive.published, *archive.held], claims.files, claims.folders)
        if problems:
            self._refuse(ContentError(problems))
        for redirect in redirects(archive.published):
            # Under a source path no file in docs/ can have (MkDocs leaves out names starting with
            # a dot): an alias such as 'about.html' must not replace docs/about.md.
            file = File.generated(
                config, f".newsroom-redirects/{redirect.file_path}.md", content="", inclusion=InclusionLevel.NOT_IN_NAV
            )
            file.dest_uri = redirect.file_path
            RedirectPage(redirect, file, config, self.pages[redirect.release.name])
            files.append(file)

    def _add_listings(self, files: Files, config: MkDocsConfig) -> None:
        """Home, news, years, taxonomy indexes and term pages, as virtual pages.

        A hand-written page in docs/ at the URL of a listing's first page (docs/index.md
        for home, docs/countries/north-korea.md for a country...) is its introduction.
        """
        archive, settings = self._archive, self._settings
        published = archive.published
        titles = _nav_titles(config.nav)
        docs = {("" if f.url == "./" else f.url): f for f in files.documentation_pages()}

        def title(url: str, key: str) -> str:
            """The page's title in mkdocs.yml's nav, else the interface string ``key`` (filled in later)."""
            return titles.get(f"{url}index.md") or titles.get(url.rstrip("/") + ".md") or key

        found: list[Listing] = [listings.home(published, settings.home_count, config.site_name)]
        found += listings.news(published, settings.per_page, title(NEWS, "newsroom.news"))
        found += listings.years(published, settings.per_page)
        for taxonomy in TAXONOMIES:
            found.append(
                listings.taxonomy_index(
                    archive.taxonomies, taxonomy, title(taxonomy_url(taxonomy), f"newsroom.{taxonomy}")
                )
            )
        found.append(listings.subscribe(archive.taxonomies, title(SUBSCRIBE, "newsroom.subscribe")))
        found.append(listings.search_page(archive.taxonomies, title(SEARCH, "newsroom.search.title")))
        found += listings.term_listings(archive.taxonomies, settings.per_page)

        fingerprints = {}
        for listing in found:
            intro = docs.pop(listing.url, None)
            if intro is not None:
                intro.__class__ = ListingFile  # the same file, told when its listing changed
                file = intro
            else:
                file = ListingFile.generated(
                    config, f"{listing.url}index.md", content="", inclusion=InclusionLevel.NOT_IN_NAV
                )
                files.append(file)
            assert isinstance(file, ListingFile)  # as made above (File.generated is typed as making a File)
            fingerprints[listing.url] = fingerprint = listings.fingerprint(listing)
            file.listing_changed = self.fingerprints.get(listing.url) != fingerprint
            self.listing_pages[listing.url] = ListingPage(listing, file, config, intro=intro is not None)
        self.fingerprints = fingerprints

        # An introduction to a term no published release uses would be a page about nothing,
        # or a hint of an embargoed release: it is not built.
        for url, file in docs.items():
            parts = url.split("/")
            if len(parts) == 3 and parts[0] in TAXONOMIES and parts[2] == "":
                log.info(f"Not built: docs/{file.src_uri} introduces a term no published release uses")
                files.remove(file)

    @property
    def _settings(self) -> Settings:
        assert self.settings is not None, "on_config has not run"
        return self.settings

    @property
    def _archive(self) -> Archive:
        assert self.archive is not None, "on_pre_build has not run"
        return self.archive

    @property
    def _renderer(self) -> ReleaseRenderer:
        assert self.renderer is not None, "on_files has not run"
        return self.renderer

    def _report_held(self, archive: Archive) -> None:
        for release in archive.held:
            if release.draft:
                log.info(f"Held back (draft): {release.source}")
            else:
                log.info(f"Held back until {release_time(release).isoformat()}: {release.source}")

    def _release_file(self, release: Release, config: MkDocsConfig) -> File:
        settings = self._settings
        file = File.generated(
            config,
            f"{settings.releases_dir}/{release.name}",
            abs_src_path=str(settings.releases_path / release.name),
            inclusion=InclusionLevel.NOT_IN_NAV,
        )
        file.dest_uri = url_of(release) + "index.html"
        file.edit_uri = quote(f"../{settings.releases_dir}/{release.name}")  # a name may hold '#', '?', spaces
        self.pages[release.name] = ReleasePage(release, file, config, self._renderer)
        return file

    def _asset_files(self, config: MkDocsConfig) -> list[File]:
        """Every file of the releases folder that is not a release (the walk of ``sources.scan``),
        published under media/ if a published release uses it."""
        settings = self._settings
        found = []
        for relative in self._archive.assets:
            src_uri = f"{settings.releases_dir}/{relative}"
            file = File.generated(config, src_uri, abs_src_path=str(settings.releases_path / relative))
            file.dest_uri = media_url(relative)
            self.assets[src_uri] = file
            found.append(file)
        return found


def _search_failed(err: Exception) -> str:
    return (
        f"The search index could not be built, so the site is not published without search: {err}. "
        "Pagefind comes with the pinned dependencies (pagefind[bin] in requirements.txt; `make build` "
        "installs it); PAGEFIND_BINARY_PATH may point at another binary."
    )


def _nav_titles(nav: Any) -> dict[str, str]:
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


class _SearchRecords(Sequence[search.SearchRecord]):
    """The search records of a build, each made when asked for (by the worker that writes it)."""

    def __init__(self, site: NewsroomSite, pages: list[search.SearchRecord]):
        self.site = site
        self.releases = site._archive.published
        self.pages = pages

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
        site, release = self.site, self.releases[index]
        settings = site._settings
        return search.release_record(
            release,
            site.rendered(release).text,
            site._archive.taxonomies,
            settings.language,
            site.formatter.when(release.date).text,
            settings.search_lede_words,
        )
