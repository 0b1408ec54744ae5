"""Phase 1 (``on_config``, ``on_pre_build``): the settings, where the build writes, and the
archive, read and checked before MkDocs touches any output."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from .. import extensions, packing, published
from ..archive import read_archive
from ..errors import ContentError
from ..organization import OrganizationError, publisher
from ..publication import build_time, release_time
from ..publish import PublishError, Staging
from ..readcache import ReleaseStore
from ..settings import Settings, SettingsError
from ..views import Formatter
from .check import ADVICE_LOGGER
from .state import BuildState, PreviewCache, log

#: Advice to editors that must not fail a --strict build (spelling variants of a term): logged
#: below the warning level, which is what MkDocs' strict mode counts.
advice = logging.getLogger(ADVICE_LOGGER)
ADVICE = "advice: "


def configure(preview: PreviewCache, command: str, dirty: bool, config: MkDocsConfig) -> BuildState:
    """A new build: its settings (from ``extra.newsroom``) and, for a build that publishes, the
    folder beside the site it writes into."""
    options = config.extra.get("newsroom") if config.extra else None
    try:
        settings = Settings.from_mapping(
            Path(os.path.abspath(config.config_file_path)).parent,
            options,
            language=config.theme.get("language") or "en",
            site_url=config.site_url,
        )
    except SettingsError as err:
        raise PluginError(str(err)) from None
    # Every body is converted with the site's extensions: none may read files or run code.
    problems = extensions.check(
        config["markdown_extensions"], config["mdx_configs"] or {}, set(settings.reviewed_extensions)
    )
    if problems:
        raise PluginError("\n".join(problems))
    if not config.site_url:
        raise PluginError(
            "site_url is required: feeds need absolute URLs for their links and the sitemap. "
            "Set it in mkdocs.yml, e.g. site_url: https://news.example.org/"
        )
    try:  # the publisher of structured data and feeds, with its logo found among the site's files
        state_publisher = publisher(
            settings.organization,
            site_name=config.site_name,
            site_url=config.site_url,
            theme_logo=config.theme.get("logo"),
            folders=[Path(config.docs_dir), *(Path(folder) for folder in config.theme.dirs)],
            project_dir=settings.project_dir,
        )
    except OrganizationError as err:
        raise PluginError(str(err)) from None
    state = BuildState(command, dirty, settings, preview, Formatter(settings.language), publisher=state_publisher)
    if command in ("build", "gh-deploy"):
        # Build beside the published site; it is swapped in only when everything succeeded.
        try:
            state.staging = Staging.begin(Path(config.site_dir), keep=dirty)
        except (PublishError, OSError) as err:
            raise PluginError(f"The site cannot be published: {err}") from None
        if command == "build" and not dirty:  # with the cache's secret: only what changed is written
            state.staging.published = published.for_build(settings.project_dir, state.staging.final)
        config.site_dir = str(state.staging.folder)
    if command in ("build", "gh-deploy", "serve"):  # bodies kept on the disk the site is written to
        packing.spill_to(Path(config.site_dir).parent)
    return state


def read(state: BuildState) -> None:
    """Read and check every release; under `serve`, a bad edit keeps the last archive that could be read."""
    preview, settings = state.preview, state.settings
    preview.builds += 1
    try:
        state.now = now = build_time(settings.zone)
    except ValueError as err:
        raise PluginError(str(err)) from None
    with state.progress.phase("read") as report:
        try:
            state.archive = read_archive(
                settings, now, drafts=state.serving, cache=preview.read_cache, store=ReleaseStore(settings)
            )
        except ContentError as err:
            if not state.serving or preview.last_good is None:
                raise PluginError(err.report()) from None
            state.refuse(err)
            state.archive = preview.last_good
        archive = state.archive
        report["done"] = f"{len(archive.published)} releases published, {len(archive.held)} held back"
    if state.serving:
        preview.last_good = archive
    for release in archive.held:
        if release.draft:
            log.info(f"Held back (draft): {release.source}")
        else:
            log.info(f"Held back until {release_time(release).isoformat()}: {release.source}")
    for warning in archive.warnings:
        advice.info(ADVICE + warning)
