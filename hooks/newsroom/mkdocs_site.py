"""The edge between the newsroom domain and MkDocs: the only module that imports MkDocs.

``hooks/newsroom_hooks.py`` forwards MkDocs events to one ``NewsroomSite``,
which turns the archive into MkDocs files and pages and hands views to the
templates. Moving to another engine means rewriting this module only.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page, _ExtractAnchorsTreeprocessor, _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc

from .archive import Archive, read_archive
from .errors import ContentError
from .model import Release
from .pages import Formatter, release_view
from .progress import Progress
from .publication import build_time
from .settings import Settings, SettingsError
from .urls import media_url, url_of

log = logging.getLogger("mkdocs.hooks.newsroom")
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
        self.settings: Settings | None = None
        self.archive: Archive | None = None
        self.renderer: ReleaseRenderer | None = None
        self.assets: dict[str, File] = {}
        self.neighbours: dict[str, tuple[Release | None, Release | None]] = {}
        self.pages: dict[str, ReleasePage] = {}

    # -- events ------------------------------------------------------------

    def startup(self, command: str) -> None:
        self.command = command

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        options = (config.extra or {}).get("newsroom")
        try:
            self.settings = Settings.from_mapping(
                Path(os.path.abspath(config.config_file_path)).parent,
                options,
                language=config.theme.get("language") or "en",
                site_url=config.site_url,
            )
        except SettingsError as err:
            raise PluginError(str(err)) from None
        self.formatter = Formatter(self.settings.language)
        self.progress = Progress(log)
        self.archive = None
        self.assets = {}
        self.renderer = None
        self.neighbours = {}
        self.pages = {}
        return config

    def read(self) -> None:
        """Read and check every release before MkDocs touches site/: a failed build publishes nothing."""
        settings = self._settings
        try:
            now = build_time(settings.zone)
        except ValueError as err:
            raise PluginError(str(err)) from None
        with self.progress.phase("read") as report:
            try:
                self.archive = read_archive(settings, now, drafts=self.command == "serve")
            except ContentError as err:
                raise PluginError(err.report()) from None
            report["done"] = f"{len(self.archive.published)} releases published, {len(self.archive.held)} held back"
        self._report_held(self.archive)
        _share_mkdocs_handlers()
        for warning in self.archive.warnings:
            advice.warning(warning)

    def post_build(self, config: MkDocsConfig) -> None:
        """Write what MkDocs does not: feeds and the search index (see their modules)."""
        self.progress.save()

    def add_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.archive is not None, "on_pre_build has not run"
        self.renderer = ReleaseRenderer(config, files)
        releases = self.archive.published
        for newer, release, older in zip([None, *releases], releases, [*releases[1:], None]):
            self.neighbours[release.name] = (older, newer)
            files.append(self._release_file(release, config))
        for asset in self._asset_files(config):
            files.append(asset)
        return files

    def page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        if isinstance(page, ReleasePage):
            older, newer = self.neighbours.get(page.release.name, (None, None))
            archive = self.archive
            related = tuple(archive.related(page.release, self._settings.related_count))
            context["release"] = release_view(
                page.release, self.formatter, archive.taxonomies, previous=older, next=newer, related=related
            )
            # Material's footer and <link rel="prev/next"> walk through releases in time.
            page.previous_page = self.pages.get(older.name) if older else None
            page.next_page = self.pages.get(newer.name) if newer else None
        return context

    def prepare_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        self.prune_assets(files)
        strings = Path(config.theme.custom_dir or "", "partials", "newsroom", "strings")
        language = config.theme.get("language") or "en"
        env.globals["newsroom_strings"] = language if (strings / f"{language}.html").is_file() else "en"
        return env

    def prune_assets(self, files: Files) -> None:
        """Publish only the files a published release uses: an embargoed photo stays unpublished."""
        used = set(self.renderer.referenced) if self.renderer else set()
        releases_dir = self._settings.releases_dir
        for release in self.archive.published if self.archive else ():
            if release.image:
                used.add(f"{releases_dir}/{release.image.src}")
        for src_uri, file in self.assets.items():
            if src_uri not in used:
                files.remove(file)

    # -- helpers -----------------------------------------------------------

    @property
    def _settings(self) -> Settings:
        assert self.settings is not None, "on_config has not run"
        return self.settings

    def _report_held(self, archive: Archive) -> None:
        for release in archive.held:
            if release.draft:
                log.info(f"Held back (draft): {release.source}")
            else:
                lifts = release.embargo or release.date
                log.info(f"Held back until {lifts.isoformat()}: {release.source}")

    def _release_file(self, release: Release, config: MkDocsConfig) -> File:
        settings = self._settings
        file = File.generated(
            config,
            f"{settings.releases_dir}/{release.name}",
            abs_src_path=str(settings.releases_path / release.name),
            inclusion=InclusionLevel.NOT_IN_NAV,
        )
        file.dest_uri = url_of(release) + "index.html"
        file.edit_uri = f"../{settings.releases_dir}/{release.name}"
        self.pages[release.name] = ReleasePage(release, file, config, self)
        return file

    def _asset_files(self, config: MkDocsConfig) -> list[File]:
        """Every non-Markdown file under the releases folder, published under media/ if used."""
        settings = self._settings
        root = settings.releases_path
        found = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
            for filename in sorted(names):
                if filename.endswith(".md") or filename.startswith((".", "_")):
                    continue
                relative = Path(folder, filename).relative_to(root).as_posix()
                src_uri = f"{settings.releases_dir}/{relative}"
                file = File.generated(config, src_uri, abs_src_path=os.path.join(folder, filename))
                file.dest_uri = media_url(relative)
                self.assets[src_uri] = file
                found.append(file)
        return found


class ReleasePage(Page):
    """A release as a MkDocs page: its Markdown and meta come from the validated model,
    never from MkDocs' own front-matter parser."""

    def __init__(self, release: Release, file: File, config: MkDocsConfig, site: NewsroomSite):
        super().__init__(None, file, config)
        self.release = release
        self._site = site

    def read_source(self, config: MkDocsConfig) -> None:
        release = self.release
        self.markdown = release.body
        # Material prints meta values unescaped: hand it HTML-safe text.
        self.meta = {
            "template": "release.html",
            "title": html.escape(release.title),
            "description": html.escape(release.summary),
            "hide": ["navigation", "toc"],
        }
        if release.draft:
            self.meta["draft"] = True

    def render(self, config: MkDocsConfig, files: Files) -> None:
        assert self._site.renderer is not None
        self._site.renderer.render(self)


class ReleaseRenderer:
    """Converts release bodies with one Markdown parser per build, not one per page.

    It registers the same path and anchor processors as MkDocs' ``Page.render``
    and records which files under the releases folder the bodies link to.
    """

    def __init__(self, config: MkDocsConfig, files: Files):
        self.md = markdown.Markdown(
            extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
        )
        self.referenced: set[str] = set()
        self.anchors = _ExtractAnchorsTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.anchors._register(self.md)
        self.relpath = _RelativePathTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.relpath._register(self.md)
        self.md.treeprocessors.register(_LinkRecorder(self), "newsroom_links", 0.5)

    def render(self, page: Page) -> None:
        md = self.md
        md.reset()
        self.relpath.file = page.file
        self.relpath.links_to_anchors = {}
        self.anchors.present_anchor_ids = set()
        page.content = md.convert(page.markdown or "")
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page.present_anchor_ids = self.anchors.present_anchor_ids
        page.links_to_anchors = self.relpath.links_to_anchors


class _LinkRecorder(markdown.treeprocessors.Treeprocessor):
    """Notes the local files a release links to, before MkDocs rewrites the links."""

    def __init__(self, renderer: ReleaseRenderer):
        super().__init__()
        self.renderer = renderer

    def run(self, root):
        file = self.renderer.relpath.file
        for element in root.iter():
            if element.tag not in ("a", "img"):
                continue
            url = element.get("href" if element.tag == "a" else "src") or ""
            scheme, netloc, path, _, _ = urlsplit(url)
            if scheme or netloc or not path:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(file.src_uri), path))
            self.renderer.referenced.add(target)
        return root
