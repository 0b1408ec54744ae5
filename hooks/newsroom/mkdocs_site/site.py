"""The newsroom as MkDocs sees it: each event handed to the phase that does its work.

    on_config     reading.configure     settings; where the build writes (publish.Staging)
    on_pre_build  reading.read          the archive, read and checked
    on_files      collecting.add_files  releases, shipped files, listings, redirects; addresses claimed
    on_nav        rendering.prerender   bodies converted and checked, in worker processes;
                  writing.start_search_index  Pagefind started on the releases' records;
                  reuse.open_cache, reuse.reuse_pages  each page's key; pages the published site
                                        holds, or the page cache, left out of what MkDocs reads and renders
    on_page_content rendering.check_page  hand-written pages checked like bodies
    on_env        rendering.refuse_bad_bodies, text.prepare (the text-only edition started),
                  context.prepare_env, browser.make_policy, writing.index_pages (the hand-written
                  pages' records, after the releases')
    on_page_context / on_post_page  context.page_context / browser.check_page, reuse.keep, context.page_done
    on_template_context context.error_page_context   the 404 page (each other edition's: writing)
    on_post_build browser.write_headers, text.finish, writing.post_build    _headers, text-only edition,
                  sitemap, feeds, search index
    on_build_error text.cancel, writing.build_failed
    on_shutdown   writing.publish       the new site replaces the old one, or is dropped;
                  reuse.save            its pages kept for the next build

What survives the rebuilds of `mkdocs serve` is in ``state.PreviewCache``; one build's state
is a ``state.BuildState``, made fresh at every ``on_config``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .. import cache
from ..errors import os_error_message
from ..outputs import NOT_FOUND_PAGE
from ..publish import PublishError
from . import browser, collecting, context, reading, rendering, reuse, text, writing
from .check import CHECK_COMMAND, CheckPassed
from .state import BuildState, PreviewCache
from .theme import ChromeCache

log = logging.getLogger("mkdocs.hooks.newsroom")


class NewsroomSite:
    """Answers MkDocs' events for the life of one process (one build, or one `mkdocs serve`)."""

    def __init__(self) -> None:
        self.command = "build"
        self.dirty = False
        self.preview = PreviewCache()
        self.build: BuildState | None = None
        self.chrome: ChromeCache | None = None

    @property
    def state(self) -> BuildState:
        assert self.build is not None, "on_config has not run"
        return self.build

    def startup(self, command: str, dirty: bool = False) -> None:
        self.command, self.dirty = command, dirty

    def configure(self, config: MkDocsConfig) -> MkDocsConfig:
        self.build = None
        self.build = reading.configure(self.preview, self.command, self.dirty, config)
        return config

    def read(self) -> None:
        reading.read(self.state)

    def add_files(self, files: Files, config: MkDocsConfig) -> Files:
        return collecting.add_files(self.state, files, config)

    def nav_ready(self, nav: Any, config: MkDocsConfig, files: Files) -> None:
        state = self.state
        self.chrome = ChromeCache(nav, [part.edition.prefix for part in state.editions])
        state.nav = nav
        rendering.prerender(state)
        writing.start_search_index(state, config)  # Pagefind on the releases, beside what follows
        state.documentation_pages = [f.page for f in files.documentation_pages() if f.page is not None]
        state.hand_written = {page.url: page for page in state.documentation_pages if type(page) is Page}
        # Before MkDocs reads every page: one it will not render is not read.
        reuse.open_cache(state, config)  # every page's key, once its body is checked
        reuse.reuse_pages(state, config, files)

    def page_markdown(self, page: Page) -> None:
        rendering.budget_page(self.state, page)

    def page_content(self, content: str, page: Page) -> str:
        return rendering.check_page(self.state, content, page)

    def prepare_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        state = self.state
        context.freeze()
        rendering.refuse_bad_bodies(state)
        text.prepare(state, env, config, files)
        if state.command == CHECK_COMMAND:  # `make check`: everything a build checks before writing has passed
            rendering.save_conversions(state)
            raise CheckPassed(state.archive, state.now)
        assert self.chrome is not None, "on_nav has not run"
        context.prepare_env(state, env, config, files, self.chrome)
        browser.make_policy(state, env, config)
        writing.index_pages(state, config)
        return env

    def page_context(self, page_context: dict[str, Any], page: Page) -> dict[str, Any]:
        return context.page_context(self.state, page_context, page)

    def template_context(self, template_context: dict[str, Any], template_name: str) -> dict[str, Any]:
        if template_name == NOT_FOUND_PAGE:
            return context.error_page_context(self.state, template_context, "")
        return template_context

    def page_done(self, page: Page, output: str) -> None:
        browser.check_page(self.state, page, output)
        reuse.keep(self.state, page, output)
        context.page_done(self.state, page)

    def post_build(self, config: MkDocsConfig) -> None:
        browser.write_headers(self.state, config.site_dir)
        text.finish(self.state)
        writing.post_build(self.state, config)

    def build_failed(self, error: BaseException) -> None:
        if self.build is not None:
            text.cancel(self.build)
            reuse.abandon(self.build)
            writing.build_failed(self.build)
        if isinstance(error, OSError):
            # A full disk, a folder it may not write: said to people, not as a traceback (which
            # `mkdocs build --verbose` still shows). Nothing is published: the site stays as it was.
            log.debug("newsroom: the build's error", exc_info=error)
            log.error(f"newsroom: {os_error_message(error)}. Nothing was published: the site is as it was.")
            raise Abort("Aborted: the build could not read or write a file.") from None

    def shutdown(self) -> None:
        if self.build is not None:
            complete = self.build.complete
            try:
                writing.publish(self.build)
            except PublishError as err:
                log.error(f"newsroom: {err}")
                reuse.abandon(self.build)
                raise Abort("Aborted: the new site could not be published.") from None
            if complete:
                reuse.save(self.build)  # the pages of the site just published kept for the next build
            else:
                reuse.abandon(self.build)
        grouped: dict[tuple[str, str], list[str]] = {}
        for path, reason in cache.take_not_written().items():
            folder, name = os.path.split(path)
            grouped.setdefault((folder, reason), []).append(name)
        for (folder, reason), names in grouped.items():
            # Not a warning, which would fail a --strict build: the site is published all the same.
            where = os.path.relpath(folder) if os.path.abspath(folder).startswith(os.getcwd() + os.sep) else folder
            log.info(
                f"newsroom: the cache could not be written in {where} ({reason}: {', '.join(sorted(names))}): the "
                "next build will do again the work this one kept there; check that folder"
            )
