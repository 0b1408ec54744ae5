"""Phase 3a (``on_nav``, ``on_page_content``, ``on_env``): bodies. Release bodies are converted
and checked by ``newsroom.bodies`` (on full builds ahead of MkDocs, in forked processes);
hand-written pages, which MkDocs converts, are checked the same way; every problem of every
body fails the build before a page is written.

MkDocs' own ``Page.render`` is not used for releases: the body module resolves their links
(to other releases by file name, to files shipped with them, to hand-written pages), so no
private MkDocs class is needed. MkDocs gets what its public ``Page`` attributes hold:
``content``, ``toc`` and ``present_anchor_ids``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .. import page_cache, parallel
from ..bodies import Bodies, Rendered, Source, TooSlow, convert_seconds, processor_budget, too_slow
from ..errors import ContentError, Problem
from ..reader.characters import character_message, find_forbidden, find_problem_characters

if TYPE_CHECKING:
    from .state import BuildState

log = logging.getLogger("mkdocs.hooks.newsroom")


class ReleaseRenderer:
    """Converts release bodies with one Markdown parser per build, not one per page.

    ``prerender`` converts every body ahead of MkDocs in worker processes (forked, so they
    share everything read so far); ``render`` then only hands the result to the page.
    Every result stays in ``results`` for the feeds, the search index and the checks.
    """

    def __init__(self, bodies: Bodies):
        self.bodies = bodies
        self.done: dict[str, Rendered] = {}
        self.results: dict[str, Rendered] = {}
        """By source path, every body rendered in this build."""
        self.recalled = 0
        """Bodies the workers took as earlier builds checked them (``Bodies.checked``)."""

    def render(self, page: Page, source: Callable[[], Source]) -> Rendered:
        """Give ``page`` its body; ``source`` is made only if the body was not converted ahead
        (a release keeps its Markdown packed: most pages never unpack it again)."""
        rendered = self.adopt(page.file.src_uri, source)
        self.attach(page, rendered)
        return rendered

    def ahead(self, src_uri: str, source: Callable[[], Source]) -> Rendered:
        """The body of the page at ``src_uri`` before the page is rendered: converted here (from
        ``source``) if no worker did; ``render`` then takes it."""
        found = self.results.get(src_uri) or self.done.get(src_uri)
        if found is None:
            found = self.done[src_uri] = self._convert(source())
        return found

    def adopt(self, src_uri: str, source: Callable[[], Source]) -> Rendered:
        """The body of the page at ``src_uri`` as this build's (``results``, its conversion and
        verdict kept for the next build): for a page MkDocs renders, or one it never reads
        (``reuse``). ``source`` is made only if the body is to be converted or its verdict keyed."""
        rendered = self.done.pop(src_uri, None)
        if rendered is None:
            rendered = self.results.get(src_uri) or self._convert(source())
        self.bodies.remember(source, rendered)
        if rendered.fresh is not None and self.bodies.conversions is not None:
            self.bodies.conversions.put(*rendered.fresh)  # converted by a worker: keep it for the next build
            rendered.fresh = None
        self.results[src_uri] = rendered
        return rendered

    def _convert(self, source: Source) -> Rendered:
        return self.bodies.recall(source) or self.bodies.render(source)

    def attach(self, page: Page, rendered: Rendered) -> None:
        from .pages import ReleasePage  # which imports this module

        if isinstance(page, ReleasePage):
            page.body = rendered  # unpacked when its template shows it
        else:
            page.content = rendered.html
        page.toc = get_toc(rendered.toc_tokens)
        page.present_anchor_ids = rendered.anchors
        page.links_to_anchors = {}
        self.results[page.file.src_uri] = rendered

    def prerender(self, sources: Sequence[Source], names: Sequence[str], workers: int) -> None:
        """Convert the bodies in ``workers`` forked processes, keeping the results for ``render``.
        ``names``: each source's ``src_uri``, in order (a source may be made only when asked for)."""

        def convert_share(
            start: int, end: int
        ) -> tuple[list[Rendered | None], list[logging.LogRecord], Checked, set[str]]:
            return _convert_in_worker(self.bodies, sources[start:end])

        bounds = parallel.shares(len(sources), workers, smallest=50, per_worker=8)
        done = iter(names)
        checked, conversions = self.bodies.checked, self.bodies.conversions
        for results, records, (used, recalled, rejected), converted in parallel.in_order(
            convert_share, bounds, workers
        ):
            if checked is not None:  # the entries the workers used or wrote: kept when the build prunes
                checked.used |= used
                checked.rejected += rejected
                self.recalled += recalled
            if conversions is not None:  # likewise the Markdown conversions of their shares' bodies
                conversions.used |= converted
            for record in records:  # warnings count in this process, as --strict needs
                logging.getLogger(record.name).handle(record)
            for rendered in results:
                name = next(done)
                if rendered is not None:
                    self.done[name] = rendered


class Sources(Sequence[Source]):
    """The bodies of release pages, each made when asked for: a release keeps its Markdown packed
    (``packing``), and a worker unpacks only its share's."""

    def __init__(self, pages: Sequence[Any]):
        self.pages = pages

    def __len__(self) -> int:
        return len(self.pages)

    @overload
    def __getitem__(self, index: int) -> Source: ...

    @overload
    def __getitem__(self, index: slice) -> list[Source]: ...

    def __getitem__(self, index: int | slice) -> Source | list[Source]:
        if isinstance(index, slice):
            return [page.source for page in self.pages[index]]
        return self.pages[index].source


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.records.append(record)


#: What a worker did with the bodies checked by earlier builds: the entries it used or wrote, how
#: many bodies it took from them, how many entries it refused (not made with the secret).
Checked = tuple[set[str], int, int]


def _convert_in_worker(
    bodies: Bodies, sources: Sequence[Source]
) -> tuple[list[Rendered | None], list[logging.LogRecord], Checked, set[str]]:
    """In a worker: convert the bodies; log records are sent back to the parent, not printed here,
    and so are the keys of the conversions of the share's bodies (``Conversions.used``), which the
    parent keeps when the build prunes: it never unpacks nor hashes every body itself. A body as an
    earlier build checked it (``Bodies.from_checked``) is not unpacked here either, nor its
    conversion fetched: only the others are."""
    capture = _Capture()
    root = logging.getLogger("mkdocs")
    root.handlers = [capture]
    root.propagate = False
    markdown_log = logging.getLogger("MARKDOWN")
    markdown_log.handlers = [capture]
    results: list[Rendered | None] = [_from_checked(bodies, source) for source in sources]
    anew = [index for index, rendered in enumerate(results) if rendered is None]
    if bodies.conversions is not None and anew:  # earlier builds' conversions of the bodies walked again
        bodies.conversions.load(sources[index].text for index in anew)
    for index in anew:
        try:
            rendered = bodies.render_anew(sources[index])
        except Exception:  # noqa: BLE001 - converted again in the build, which reports the error properly
            continue
        rendered.fresh = None  # kept for the next build by this worker (below), not sent back
        results[index] = rendered
    converted: set[str] = set()
    if bodies.conversions is not None:
        bodies.conversions.save()
        # A worker takes share after share: it holds one share's conversions at a time, not
        # every one it fetched or made (at 50,000 releases, 0.7 GB in each worker of a warm build).
        bodies.conversions.known.clear()
        converted, bodies.conversions.used = bodies.conversions.used, set()
    checked: Checked = (set(), 0, 0)
    if bodies.checked is not None:  # this share's checked bodies, written at once
        bodies.checked.flush()
        checked = (bodies.checked.used, bodies.recalled, bodies.checked.rejected)
        bodies.checked.used, bodies.recalled, bodies.checked.rejected = set(), 0, 0
    return results, capture.records, checked, converted


def _from_checked(bodies: Bodies, source: Source) -> Rendered | None:
    try:
        return bodies.from_checked(source)
    except Exception:  # noqa: BLE001 - converted again (``render_anew``), which reports an error properly
        return None


def prerender(state: BuildState) -> None:
    """Fetch earlier conversions of the bodies, and on a full build convert the others ahead of
    MkDocs, in worker processes."""
    renderer = state.the_renderer
    pages = list(state.pages.values())
    sources: Sequence[Source] = Sources(pages)
    names = [page.file.src_uri for page in pages]
    bodies = renderer.bodies
    if bodies.verdicts is not None and bodies.check_only:  # `make check`: unchanged bodies are not walked again
        bodies.verdicts.load()
        remaining = []
        for source in sources:
            recalled = bodies.recall(source)
            if recalled is None:
                remaining.append(source)
            else:
                renderer.done[source.src_uri] = recalled
        sources, names = remaining, [source.src_uri for source in remaining]
    conversions = bodies.conversions
    workers = state.workers()
    if conversions is not None and workers <= 1:  # else each worker fetches and marks its share's
        conversions.load(source.text for source in sources)
    if workers > 1:
        with state.progress.phase("markdown") as report:
            renderer.prerender(sources, names, workers)
            report["done"] = f"{len(sources)} release bodies converted by {workers} processes (and checked)"
            if renderer.bodies.checked is not None:
                taken = renderer.recalled + renderer.bodies.recalled
                report["done"] += f", {taken} as earlier builds checked them"
                if renderer.bodies.checked.rejected:
                    report["done"] += (
                        f"; {renderer.bodies.checked.rejected} kept by a build without this "
                        f"{page_cache.SECRET_VARIABLE} were checked anew"
                    )


def budget_page(state: BuildState, page: Page) -> None:
    """A hand-written page (or a listing's introduction), which MkDocs converts itself, is given
    the processor time a release body has (``bodies.processor_budget``); one that runs out of it
    is a problem of the build, named as a body's is, instead of holding the build for hours."""
    from .pages import RedirectPage, ReleasePage

    if isinstance(page, (ReleasePage, RedirectPage)) or page.file.abs_src_path is None or "render" in vars(page):
        return  # not converted by MkDocs, or given its budget already (a page `make serve` keeps)
    render, source = page.render, page.file.abs_src_path

    def budgeted(config: Any, files: Any) -> None:
        try:
            with processor_budget(convert_seconds()):
                render(config, files)
        except TooSlow:
            page.content, page.toc = "", get_toc([])
            text = Path(source).read_text(encoding="utf-8-sig", errors="replace")
            start = text.find((page.markdown or "").lstrip()[:40])  # where the body starts, after any meta
            problem = (text.count("\n", 0, max(start, 0)) + 1, too_slow("page"))
            state.page_bodies[page.file.src_uri] = Rendered.of(html="", feed_html="", text="", problems=[problem])

    page.render = budgeted  # type: ignore[method-assign]  # this page's own, as MkDocs calls it


def check_page(state: BuildState, content: str, page: Page) -> str:
    """A hand-written page (or a listing's introduction), as MkDocs rendered it: checked and
    cleaned like a release body."""
    from .pages import RedirectPage, ReleasePage

    if isinstance(page, (ReleasePage, RedirectPage)) or not content or page.file.abs_src_path is None:
        return content
    text = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
    source = Source(page.file.src_uri, "" if page.url == "./" else page.url, text)
    rendered = state.the_renderer.bodies.examine(content, source)
    reported = {line for line, _ in rendered.problems}
    for position, character in find_problem_characters(text):
        line = text.count("\n", 0, position) + 1
        # An open bidirectional control in the body is what the body's check reports, on its line.
        if find_forbidden(character) or line not in reported:
            rendered.problems.append((line, character_message(character)))
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
    state.page_bodies[page.file.src_uri] = rendered
    return rendered.html


def refuse_bad_bodies(state: BuildState) -> None:
    """Fail before any page is written if a body breaks the rules (see newsroom.bodies)."""
    from .state import project_path

    renderer = state.the_renderer
    problems = []
    for page in state.pages.values():
        rendered = renderer.results.get(page.file.src_uri)
        if rendered is None:
            continue
        for target in rendered.removed:
            log.info(f"{page.release.source}: a link to {target} is left out until that release is published")
        problems += [Problem(page.release.source, message, line) for line, message in rendered.problems]
    docs = project_path(state, state.docs_dir)
    for src_uri, rendered in state.page_bodies.items():
        problems += [Problem(f"{docs}/{src_uri}", message, line) for line, message in rendered.problems]
    if problems:
        state.refuse(ContentError(problems))


def save_conversions(state: BuildState) -> None:
    """Keep this build's Markdown conversions for the next; a full build drops what it did not use."""
    bodies = state.renderer.bodies if state.renderer else None
    whole = not state.dirty and not state.serving  # every body was seen
    if bodies is not None and bodies.conversions is not None:
        # `make check` does not fetch the conversions of the bodies it recalls: it keeps them all.
        bodies.conversions.save(prune=whole and not bodies.check_only)
    if bodies is not None and bodies.verdicts is not None:
        bodies.verdicts.save(prune=whole)
    if bodies is not None and bodies.checked is not None:
        bodies.checked.save(prune=whole)
