"""Release bodies, converted with one Markdown parser per build and, on full builds, in parallel."""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass
from urllib.parse import urlsplit

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page, _ExtractAnchorsTreeprocessor, _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc

from .. import parallel

log = logging.getLogger("mkdocs.hooks.newsroom")


class ReleaseRenderer:
    """Converts release bodies with one Markdown parser per build, not one per page.

    It registers the same path and anchor processors as MkDocs' ``Page.render``
    and records which files under the releases folder the bodies link to.

    On a full build with several cores, ``prerender`` converts every body ahead of
    MkDocs in worker processes (forked, so they share everything read so far);
    ``render`` then only hands the result to the page, unless a plugin changed the
    page's Markdown in the meantime, in which case it converts it again here.
    """

    def __init__(self, config: MkDocsConfig, files: Files, held: set[str] = frozenset()):
        self.md = markdown.Markdown(
            extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
        )
        self.files = files
        self.referenced: set[str] = set()
        self.held = held
        """Source paths of releases not published yet: links to them are taken out."""
        self.anchors = _ExtractAnchorsTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.anchors._register(self.md)
        self.relpath = _RelativePathTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.relpath._register(self.md)
        self.links = _LinkRecorder(self)
        self.md.treeprocessors.register(self.links, "newsroom_links", 0.5)
        self.done: dict[str, _Rendered] = {}

    def convert(self, file: File, text: str) -> _Rendered:
        md = self.md
        md.reset()
        self.relpath.file = file
        self.relpath.links_to_anchors = {}
        self.anchors.present_anchor_ids = set()
        self.links.found = set()
        content = md.convert(text)
        return _Rendered(
            markdown=text,
            content=content,
            toc_tokens=getattr(md, "toc_tokens", []),
            anchors=self.anchors.present_anchor_ids,
            links={target.src_uri: links for target, links in self.relpath.links_to_anchors.items()},
            referenced=self.links.found,
        )

    def render(self, page: Page) -> None:
        rendered = self.done.pop(page.file.src_uri, None)
        if rendered is None or rendered.markdown != page.markdown:
            rendered = self.convert(page.file, page.markdown or "")
        page.content = rendered.content
        page.toc = get_toc(rendered.toc_tokens)
        page.present_anchor_ids = rendered.anchors
        page.links_to_anchors = {
            target: links for uri, links in rendered.links.items()
            if (target := self.files.get_file_from_path(uri)) is not None
        }
        self.referenced |= rendered.referenced

    def prerender(self, pages: list[Page], workers: int) -> None:
        """Convert the pages' Markdown in ``workers`` forked processes, keeping the results for ``render``."""
        jobs = [(page.file, page.markdown or "") for page in pages]

        def convert_share(start: int, end: int) -> tuple[list[_Rendered | None], list[logging.LogRecord]]:
            return _convert_in_worker(self, jobs[start:end])

        bounds = parallel.shares(len(jobs), workers, smallest=50, per_worker=8)
        for results, records in parallel.in_order(convert_share, bounds, workers):
            for record in records:  # warnings count in this process, as --strict needs
                logging.getLogger(record.name).handle(record)
            for rendered in results:
                if rendered is not None:
                    self.done[rendered.file_uri] = rendered


@dataclass(slots=True)
class _Rendered:
    markdown: str
    content: str
    toc_tokens: list
    anchors: set[str]
    links: dict[str, dict[str, str]]
    referenced: set[str]
    file_uri: str = ""


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.records.append(record)


def _convert_in_worker(
    renderer: ReleaseRenderer, jobs: list[tuple[File, str]]
) -> tuple[list[_Rendered | None], list[logging.LogRecord]]:
    """In a worker: convert the jobs; log records are sent back to the parent, not printed here."""
    capture = _Capture()
    root = logging.getLogger("mkdocs")
    root.handlers = [capture]
    root.propagate = False
    results: list[_Rendered | None] = []
    for file, text in jobs:
        try:
            rendered = renderer.convert(file, text)
            rendered.file_uri = file.src_uri
            results.append(rendered)
        except Exception:  # the page is converted again in the build, which reports the error properly
            results.append(None)
    return results, capture.records


class _LinkRecorder(markdown.treeprocessors.Treeprocessor):
    """Notes the local files a release links to, before MkDocs rewrites the links.

    A link to a release that is not published yet (a draft, an embargo) would name
    it in the page: the link is taken out and its text kept.
    """

    def __init__(self, renderer: ReleaseRenderer):
        super().__init__()
        self.renderer = renderer
        self.found: set[str] = set()

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
            if element.tag == "a" and target in self.renderer.held:
                log.info(f"{file.src_uri}: a link to {target} is left out until that release is published")
                element.tag = "span"
                element.attrib.pop("href", None)
                continue
            self.found.add(target)
        return root


