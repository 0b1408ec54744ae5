"""The search index: one Pagefind record per published release and hand-written page.

Records are built from the domain (never by re-reading whole HTML pages) and
handed to Pagefind's indexing service as custom records: only what readers
search is indexed, never navigation or listings. A site of one edition has one
index, in its language (a release in another language is found there too; its
language is a filter). A site of several editions has one index per edition, at
``<prefix>pagefind/``, each with its language's stemming: the search script
searches the edition's own, and the others on request. An edition's index of many releases is
cut by date into shards, each indexed by Pagefind alone (its memory peaks at a shard's, not at the
archive's), which the search page merges (``shard_ranges``). Each shard is a ``Bundle``; a
shard whose documents did not change since the last build is copied from ``search_cache``.

About 550 lines: the records, the documents Pagefind reads, running it, and making its output
deterministic belong together (each depends on how the others encode a record).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gzip
import hashlib
import html
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

import cbor2

from . import korean, parallel, search_cache
from .model import Release
from .publish import remove_stale
from .published import Published
from .taxonomy import Taxonomies
from .urls import FACET_OF, media_url, url_of

#: The facets of the search page: filter name -> the taxonomy it comes from.
FACETS = {facet: taxonomy for taxonomy, facet in FACET_OF.items()}
OUTPUT = "pagefind"

#: What Pagefind writes that no page requests, left out of the site: its ready-made search
#: interfaces (the newsroom's is its own, on pagefind.js), its highlighter of result pages, and
#: its web worker (newsroom-search.js searches on the page's thread: ``noWorker``). So are the
#: WebAssembly files of the languages the bundle has no index in (``drop_unused``).
UNUSED = (
    "pagefind-worker.js",
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


class SearchError(RuntimeError):
    """The search index could not be built."""


@dataclass(frozen=True, slots=True)
class SearchRecord:
    url: str
    """Relative to the site root, as every other URL of the newsroom."""
    content: str
    language: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)
    terms: str = ""
    """The names of the release's regions, countries, topics and organizations: indexed after the
    content, so that a release filed under "Torture" is found by "torture" whatever its text says,
    and never shown (excerpts end where the words in order end: ``tail_from``)."""
    morphemes: str = ""
    """Of a Korean release, the nouns and stems inside its words (``korean.morphemes``): indexed
    after the terms, so that ``인권`` finds ``북한인권단체들은``, and never shown either."""


_PUNCTUATION = ".,;:!?\"'()[]“”‘’«»"


def lede_and_rest(text: str, lede_words: int) -> tuple[str, str]:
    """The first ``lede_words`` words of a text as written, and every other word that is not
    among them, once each, in order of first appearance (all of it when ``lede_words`` is 0)."""
    if lede_words <= 0:
        return text, ""
    words = text.split()
    lede = words[:lede_words]
    seen = {word.casefold().strip(_PUNCTUATION) for word in lede}
    rest = {}
    for word in words[lede_words:]:
        key = word.casefold().strip(_PUNCTUATION)
        if key and key not in seen and key not in rest:
            rest[key] = word
    return " ".join(lede), " ".join(rest.values())


def release_record(
    release: Release,
    body_text: str,
    taxonomies: Taxonomies,
    language: str,
    date_text: str,
    lede_words: int = 0,
    warning_label: str = "Content warning",
    moment: bool = False,
) -> SearchRecord:
    """A release as Pagefind indexes it.

    Its title, summary, dateline and the first ``lede_words`` words of the body are indexed as
    written (excerpts come from them); every other word of the body is indexed once. Pagefind's
    memory grows with every word it indexes (about 160 MB per 1,000 full releases): this keeps
    each release findable by any of its words at a fraction of the cost. ``tail_from`` in the
    meta tells the interface where the words in order end; ``warning``, the content warning (after
    ``warning_label``), which leads the excerpt. With ``moment``, the meta holds the sort key of
    its date too: the results of several indexes (a site's editions) are merged newest first by it.
    """
    # Only what results show: every byte of meta is kept in memory by Pagefind for every release.
    meta = {"title": release.title, "date": date_text, "summary": release.summary}
    if release.dateline:
        meta["dateline"] = release.dateline
    if release.content_warning:  # leads the result's excerpt (newsroom-search.js)
        meta["warning"] = f"{warning_label}: {release.content_warning}"
    if release.image:
        meta["image"] = media_url(release.image.src)
    # Sortable as text: the moment in UTC, to the second.
    sort = {"date": release.date.astimezone(UTC).strftime("%Y%m%d%H%M%S")}
    if moment:
        meta["moment"] = sort["date"]
    filters = {facet: [t.name for t in taxonomies.of(release, taxonomy)] for facet, taxonomy in FACETS.items()}
    filters = {facet: names for facet, names in filters.items() if names}
    terms = " ".join(name for facet in FACETS if facet in filters for name in filters[facet])
    filters["year"] = [str(release.date.year)]
    filters["language"] = [release.language]
    lede, rest = lede_and_rest(body_text, lede_words)
    head = "\n".join(part for part in (release.title, release.summary, release.dateline or "", lede) if part)
    meta["tail_from"] = str(len(head.split()))
    morphemes = ""
    if korean.is_korean(release.language):
        morphemes = korean.morphemes(segmented_text(release, body_text))
    return SearchRecord(
        url=url_of(release),
        content=f"{head}\n{rest}" if rest else head,
        language=language,
        meta=meta,
        filters=filters,
        sort=sort,
        terms=terms,
        morphemes=morphemes,
    )


def segmented_text(release: Release, body_text: str) -> str:
    """What of a Korean release ``korean.morphemes`` segments for its record (``korean.prepare``
    analyzes its words ahead)."""
    return f"{release.title}\n{release.summary}\n{release.dateline or ''}\n{body_text}"


def page_record(url: str, title: str, body_text: str, language: str) -> SearchRecord:
    """A hand-written page: found by its words, listed without date or filters."""
    return SearchRecord(
        url=url, content=f"{title}\n{body_text}", language=language, meta={"title": title}, sort={"date": "0"}
    )


def filter_value(value: str) -> str:
    """A filter value as the document Pagefind reads must give it (before escaping for HTML).

    Pagefind (1.5.2) looks up the values a search filters by as they are written in the JSON
    its script sends, escapes included (a quote or a backslash after a backslash): the index
    holds each value JSON-escaped, and newsroom-search.js reads the escapes back. And it decodes
    the character references of a filter value once more than those of meta: every "&" is
    written as "&amp;", so that a name holding "&amp;" keeps it.
    """
    return json.dumps(value, ensure_ascii=False)[1:-1].replace("&", "&amp;")


#: The first Hangul syllable: text with none at or above it needs no decomposing (``indexable``).
FIRST_SYLLABLE = "\uac00"


def indexable(text: str) -> str:
    """Text as Pagefind indexes it well: its Hangul syllables decomposed into their jamo (NFD).

    Pagefind (1.5.2) keys every word by its decomposed form and keeps a word whose text differs
    from it (every Hangul word) as a variant of that key, which its splitting of the index into
    chunks does not count: all the Korean words of a site fell into one chunk, 8.6 MB at 10,000
    releases, downloaded by any Korean query. Words given decomposed are their own keys and are
    counted. Readers never see it: the search script composes the jamo it shows again (NFC);
    nothing but Hangul syllables is changed.
    """
    if text and max(text) >= FIRST_SYLLABLE:
        return text.translate(_decomposed())
    return text


@functools.cache
def _decomposed() -> dict[int, str]:
    """Each Hangul syllable's decomposition into its jamo (nothing else is changed)."""
    return {code: unicodedata.normalize("NFD", chr(code)) for code in range(0xAC00, 0xD7A4)}


def document(record: SearchRecord) -> str:
    """A record as the small HTML document Pagefind indexes: the text to search, and its meta,
    filters and sort keys as Pagefind's data attributes."""
    esc = html.escape
    head = [f'<meta data-pagefind-meta="{esc(k)}[content]" content="{esc(v)}">' for k, v in record.meta.items()]
    head += [
        f'<meta data-pagefind-filter="{esc(k)}[content]" content="{esc(filter_value(v))}">'
        for k, values in record.filters.items()
        for v in values
    ]
    head += [f'<meta data-pagefind-sort="{esc(k)}[content]" content="{esc(v)}">' for k, v in record.sort.items()]
    body = "".join(f"<p>{esc(indexable(line))}</p>" for line in record.content.splitlines())
    if record.terms:
        body += f"<p>{esc(indexable(record.terms))}</p>"
    if record.morphemes:
        body += f"<p>{esc(indexable(record.morphemes))}</p>"
    return (
        f'<!doctype html><html lang="{esc(record.language)}"><head><meta charset="utf-8">'
        f"{''.join(head)}</head><body><main data-pagefind-body>{body}</main></body></html>"
    )


# Pagefind's allocator (jemalloc, with the _RJEM_ prefix) keeps freed pages by default; returning
# them at once lowers Pagefind's peak memory on a large archive, at no measurable cost in time.
PAGEFIND_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}


#: Scratch folders are named after the build's process, so that the next build can tell a dead one's.
SCRATCH_PREFIX = "newsroom-search-"


def scratch_dir() -> Path:
    """A new folder for the documents Pagefind reads, in memory where the system offers it.

    Ten thousand small files take 3 to 12 s to write to this project's disk, and 0.3 s to
    /dev/shm (Linux's shared-memory file system; also on GitHub's runners).
    """
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    folder = Path(base or tempfile.gettempdir())
    remove_stale(folder, SCRATCH_PREFIX)  # what killed builds left behind
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=folder))


def pagefind_binary() -> Path:
    """The Pagefind binary of the pinned ``pagefind[extended]``, whose build segments Chinese and
    Japanese into words (or PAGEFIND_BINARY_PATH)."""
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise SearchError("the Pagefind binary is not installed")
    return Path(found)


def write_documents(work_dir: Path, records: Sequence[SearchRecord], workers: int = 1, prune: bool = True) -> str:
    """Write each record as the document Pagefind reads, at its URL under ``work_dir``; return a
    hash of the documents, in order (the key of the index they make: ``search_cache``).

    With ``workers`` > 1, forked processes make the records and their documents, each a share,
    and this process writes them in order: Pagefind numbers pages in the order it finds the files,
    so the order of writing must not depend on which worker finished first. Then (``prune``) the
    Korean cache drops the texts no record asked for: only once every record of the build is made.
    """

    def make(start: int, end: int) -> list[tuple[str, str]]:
        made = [(record.url, document(record)) for record in map(records.__getitem__, range(start, end))]
        korean.save()  # the Korean words this process analyzed, for the next build
        return made

    digest = hashlib.sha256()
    if workers <= 1 or len(records) < 2 * WORKER_SHARE or not parallel.available():
        _write(work_dir, make(0, len(records)), digest)
    else:
        for made in parallel.in_order(make, parallel.shares(len(records), workers, WORKER_SHARE), workers):
            _write(work_dir, made, digest)
    if prune:  # every record made: the texts of Korean releases no longer published go
        korean.prune()
    return digest.hexdigest()


#: The fewest records worth a share of their own in a worker process.
WORKER_SHARE = 250


def _write(work_dir: Path, documents: Iterable[tuple[str, str]], digest) -> None:
    for url, text in documents:
        digest.update(f"{url}\0{len(text)}\0{text}".encode("utf-8", "surrogatepass"))
        target = work_dir / url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Bundle:
    """One Pagefind index: what one edition publishes (or the whole site, of one edition), or one
    shard of it."""

    path: str
    """Where it is published, relative to the site root: ``pagefind`` or ``ko/pagefind``."""
    language: str
    """The language it is indexed in (Pagefind's ``--force-language``): its stemming, its segmenting."""
    records: Sequence[SearchRecord]
    before: Callable[[], object] | None = None
    """Called right before its records are made, with Pagefind already indexing the bundles
    before it: the analysis of a Korean edition's words (``korean.prepare``) runs beside it."""
    fingerprint: Callable[[], str] | None = None
    """A digest of everything its records are made from, found without making them: a bundle
    whose index the cache holds under it is copied from there, and no record of it is made."""
    releases: bool = True
    """Whether its records are releases', whose Korean texts ``korean`` keeps: while a bundle of
    them is copied from the cache unmade, the texts no record asked for are not dropped."""
    code: bool = True
    """Whether pages load Pagefind's script and WebAssembly from it: the first folder of its
    index (``index_folders``). The others are merged into that one's instance (``mergeIndex``)
    and ship their data only."""


def bundle_path(prefix: str) -> str:
    """Where the index of the edition at ``prefix`` is published (``ko/`` -> ``ko/pagefind``)."""
    return f"{prefix}{OUTPUT}"


def shard_ranges(releases: int, size: int) -> list[range]:
    """An edition's releases, oldest first, cut into the shards of its index (``search_shard_size``).

    The older shards hold exactly ``size`` releases each, and keep them as the archive grows. The
    newest holds from half a shard to a whole one less one (1,000 to 1,999 releases by default),
    or the whole of an archive smaller than a shard: the header box, which searches it alone,
    always searches at least that many of the newest releases. Before it there may be a half
    shard, which keeps its releases until the newest fills the other half and the two become an
    older shard. A new release changes the newest shard only but once every half a shard: an
    hourly build indexes half a shard to a whole one again, not one to two whole ones. Pagefind
    indexes one shard at a time: its memory peaks at a shard's, whatever the archive's size.
    """
    half = max(1, size // 2)
    whole = max(0, (releases - half) // size)  # the older shards of ``size``
    start = whole * size
    rest = releases - start  # from ``half`` to ``size + half - 1``, or the whole of a small archive
    ranges = [range(i * size, (i + 1) * size) for i in range(whole)]
    if rest >= size and rest > half:  # the half before the newest
        ranges.append(range(start, start + half))
        start += half
    return [*ranges, range(start, releases)]


#: The filter that holds a record's shard, in an index of several (``in_shard``).
SHARD_FILTER = "shard"


def in_shard(record: SearchRecord, number: int) -> SearchRecord:
    """A record of an index of several shards, with its shard's number (from the oldest, 1) as a
    filter: sorted by date, the search page reads each shard's results in turn, newest shard first
    (Pagefind merges the results of several shards by score, whatever the sort)."""
    return dataclasses.replace(record, filters={**record.filters, SHARD_FILTER: [str(number)]})


#: The number of the shard of an edition's hand-written pages (``pages_path``): after every shard
#: of releases, newest first, in an index sorted by date (a page has no date).
PAGES_SHARD = 0


def pages_path(prefix: str) -> str:
    """Where the index of the hand-written pages of the edition at ``prefix`` is published
    (``ko/`` -> ``ko/pagefind-pages``): apart from its releases', which Pagefind indexes before
    MkDocs has rendered the pages."""
    return f"{bundle_path(prefix)}-pages"


def index_folders(prefix: str, releases: int, size: int, pages: bool) -> list[str]:
    """The folders of the edition at ``prefix``'s index, newest first: the shards of its
    ``releases`` (``shard_paths``; none for an edition without releases but with pages), then,
    with ``pages``, its hand-written pages' (``pages_path``)."""
    shards = shard_paths(prefix, releases, size) if releases or not pages else []
    return shards + ([pages_path(prefix)] if pages else [])


def header_folders(prefix: str, folders: list[str]) -> list[str]:
    """What the header box searches of the index of the edition at ``prefix`` (its
    ``index_folders``): its newest shard of releases, and its hand-written pages'."""
    pages = pages_path(prefix)
    return [folders[0], pages] if len(folders) > 1 and folders[-1] == pages else folders[:1]


def shard_paths(prefix: str, releases: int, size: int) -> list[str]:
    """Where the shards of an edition's index are published, newest first: the newest at
    ``<prefix>pagefind`` (the only one of an archive smaller than a shard), the others at
    ``<prefix>pagefind-<n>``, numbered from the oldest (``pagefind-1``)."""
    count = len(shard_ranges(releases, size))
    return [bundle_path(prefix)] + [f"{bundle_path(prefix)}-{number}" for number in range(count - 1, 0, -1)]


class Indexing:
    """Pagefind runs over the bundles' records, started in the background and finished later.

    Pagefind's Python service answers one request per tenth of a second (pagefind 1.5.2), far
    too slow for an archive: the records are written as small documents in a scratch folder and
    indexed by the command-line binary, which runs on another core while the site's pages are
    rendered. Bundles are indexed one after another, never together: the build's memory peaks
    at the largest one's, not at their sum. Pagefind starts once every bundle's documents are
    written, or, for the bundles before one with work to do ``before`` its records, then: that
    work has the processor Pagefind leaves.
    """

    def __init__(
        self,
        site_dir: Path,
        bundles: Sequence[Bundle],
        workers: int = 1,
        cache: search_cache.IndexCache | None = None,
        published: Published | None = None,
        more: bool = False,
    ):
        """Each bundle's ``records`` may make each record when it is asked for it: with ``workers``
        > 1 they are made and written by that many forked processes, each taking a share. A bundle
        whose documents ``cache`` holds the index of is copied from it, not indexed again, unless
        the ``published`` site already holds it (then it is left there). With ``more``, Pagefind
        starts on ``bundles`` and more bundles follow (``add``), the last with ``last``."""
        self.site_dir = site_dir
        self.published = published
        self.workers = workers
        self.outputs: list[Path] = []
        self.work_dir = scratch_dir()
        self.peak_mib = 0.0
        self.cpu_seconds = 0.0
        #: Each bundle's processor seconds, by its path (the benchmark reports them).
        self.each: dict[str, float] = {}
        #: The bundles copied from the cache, by path.
        self.reused: list[str] = []
        self.failure: str | None = None
        self.process: subprocess.Popen[str] | None = None
        self.cancelled = threading.Event()
        self.cache = cache
        self.references: dict[str, Path] = {}
        self.referencing = threading.Lock()
        #: How many records were made and written for Pagefind (none of a bundle copied from the cache).
        self.written = 0
        #: The numbers of the bundles whose documents are written, in turn; None after the last.
        self.ready: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
        self.commands: list[list[str]] = []
        #: Each bundle's cache key (none without a cache), and its language as Pagefind is forced to.
        self.keys: list[str] = []
        self.languages: list[str] = []
        #: The bundles copied from the cache before any of their records was made.
        self.copied: set[int] = set()
        self.releases_copied = False
        #: Whether each bundle ships Pagefind's code (``Bundle.code``).
        self.with_code: list[bool] = []
        try:
            self.binary = str(pagefind_binary())
        except BaseException:
            self.cancel()
            raise
        self.add(bundles, last=not more)

    def add(self, bundles: Sequence[Bundle], last: bool = True) -> None:
        """Make and write the records of ``bundles`` (or copy their indexes from the cache), and
        have Pagefind index them after those before; ``last``: no bundle follows."""
        try:
            self._add(bundles)
            if not self._started():
                self._start(len(self.outputs))
            if last:
                self.close()
        except BaseException:
            self.cancel()
            raise

    def _add(self, bundles: Sequence[Bundle]) -> None:
        before: Callable[[], object] | None = None
        for bundle in bundles:
            number = len(self.outputs)
            self.outputs.append(self.site_dir / bundle.path)
            self.languages.append(_forced(bundle.language))
            self.with_code.append(bundle.code)
            before = bundle.before or before
            key = self._copied(number, bundle)
            if key is not None:
                self.copied.add(number)
                self.releases_copied = self.releases_copied or bundle.releases
                self.commands.append([])
                self.keys.append(key)
                continue
            if before is not None:  # the work before this bundle's records (if copied, before the next's)
                if not self._started():
                    self._start(number)
                before()
                before = None
            documents = self.work_dir / str(number)
            documents.mkdir()
            self.written += len(bundle.records)
            digest = write_documents(documents, bundle.records, self.workers, prune=False)
            self.commands.append(
                [
                    self.binary,
                    *("--site", str(documents), "--output-path", str(self.outputs[number])),
                    *("--force-language", self.languages[number], "--silent"),
                ]
            )
            if self.cache is not None:
                self.keys.append(self._key(bundle) or self.cache.key(bundle.path, bundle.language, digest))
            if self._started():
                self.ready.put(number)

    def close(self) -> None:
        """No bundle follows: Pagefind stops after the last."""
        if self.closed:
            return
        self.closed = True
        if not self.releases_copied:  # every release's record made: the texts of those no longer published go
            korean.prune()
        self.ready.put(None)

    def _key(self, bundle: Bundle) -> str | None:
        """A bundle's key in the cache by what its records are made from (``Bundle.fingerprint``)."""
        if self.cache is None or bundle.fingerprint is None:
            return None
        return self.cache.key(bundle.path, bundle.language, f"records {bundle.fingerprint()}")

    def _copied(self, number: int, bundle: Bundle) -> str | None:
        """Copy the bundle from the cache if it holds it under its records' fingerprint: its key,
        or None (its records are to be made)."""
        key = self._key(bundle)
        if key is None or self.cache is None or not self.cache.holds(key):
            return None
        code = self._reference(self.languages[number])
        if code is None or not self._restore(key, self.outputs[number], code, self.with_code[number]):
            return None
        path = self.outputs[number].relative_to(self.site_dir).as_posix()
        self.reused.append(path)
        self.each[path] = 0.0
        return key

    def _restore(self, key: str, output: Path, code: Path, with_code: bool) -> bool:
        """Copy a bundle from the cache, unless the published site holds it (each of its files
        made from its key: ``newsroom.published``)."""
        assert self.cache is not None
        published = self.published
        folder = output.relative_to(self.site_dir).as_posix()
        held = None if published is None else functools.partial(published.holds_all, folder, token=key)
        if not self.cache.restore(key, output, code, held, with_code):
            return False
        self._record(output, key)
        return True

    def _record(self, output: Path, key: str) -> None:
        """Tell the published site which key the files of the bundle written at ``output`` come from."""
        if self.published is None or not output.is_dir():
            return
        folder = output.relative_to(self.site_dir).as_posix()
        for relative in search_cache.files_of(output):
            self.published.wrote(f"{folder}/{relative}", f"{key}/{relative}")

    def _started(self) -> bool:
        return self.thread.ident is not None

    def _start(self, written: int) -> None:
        """Start indexing, with the first ``written`` bundles ready."""
        for number in range(written):
            self.ready.put(number)
        self.thread.start()

    def _run(self) -> None:
        """Index each bundle in turn (in the background thread), or copy it from the cache; stop at
        the first failure."""
        try:
            cache = self.cache
            while (number := self.ready.get()) is not None:
                command, output = self.commands[number], self.outputs[number]
                if self.cancelled.is_set():
                    return
                if number in self.copied:
                    continue
                path = output.relative_to(self.site_dir).as_posix()
                key = self.keys[number] if cache is not None else ""
                if cache is not None and cache.holds(key):
                    code = self._reference(self.languages[number])
                    if code is not None and self._restore(key, output, code, self.with_code[number]):
                        self.reused.append(path)
                        self.each[path] = 0.0
                        continue
                self.failure = self._index(command, output, self.with_code[number])
                if self.failure:
                    return
                if cache is not None:
                    cache.store(key, output)
                    self._record(output, key)
        except Exception as err:  # noqa: BLE001 - whatever it is, finish reports it in the build's thread
            self.failure = f"indexing failed: {err!r}"

    def _reference(self, language: str) -> Path | None:
        """A bundle of one page the installed binary writes in ``language``: where a bundle copied
        from the cache takes its code (pagefind.js, the WebAssembly), never from the cache itself.
        None if Pagefind fails on it (the bundle is then indexed, and the failure reported)."""
        with self.referencing:  # asked by the build's thread and by Pagefind's
            return self._referenced(language)

    def _referenced(self, language: str) -> Path | None:
        if language not in self.references:
            folder = self.work_dir / f"reference-{language}"
            page = folder / "site" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f'<html lang="{language}"><body><h1>newsroom</h1><p>newsroom</p></body></html>')
            command = [self.binary, "--site", str(page.parent), "--output-path", str(folder / "out")]
            command += ["--force-language", language, "--silent"]
            done = subprocess.run(command, capture_output=True, env={**os.environ, **PAGEFIND_ENV}, check=False)
            self.references[language] = folder / "out"
            if done.returncode != 0:
                shutil.rmtree(folder / "out", ignore_errors=True)
        out = self.references[language]
        return out if (out / "pagefind.js").is_file() else None

    def _index(self, command: list[str], output: Path, with_code: bool = True) -> str | None:
        try:
            with parallel.FORKING:  # not while the build forks (see there)
                process = self.process = subprocess.Popen(
                    [sys.executable, "-I", "-S", "-c", MEASURED, *command],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env={**os.environ, **PAGEFIND_ENV},
                )
        except OSError as err:
            return f"running {command[0]} failed: {err}"
        if self.cancelled.is_set():  # cancelled while it started: cancel may have missed it
            _kill(process.pid)
        text = process.stdout.read() if process.stdout else ""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if PEAK_MARK in text:
            text, _, peak = text.rpartition(PEAK_MARK)
            self.peak_mib = max(self.peak_mib, int(peak) / 1024) if peak.isdigit() else self.peak_mib
        self.cpu_seconds += usage.ru_utime + usage.ru_stime
        self.each[output.relative_to(self.site_dir).as_posix()] = usage.ru_utime + usage.ru_stime
        if process.returncode != 0:
            detail = " ".join((text or "").strip().splitlines()[-3:])
            if process.returncode == -9:
                detail = "killed"
            return f"{command[0]} exited with code {process.returncode}: {detail}"
        if not (output / "pagefind.js").is_file():
            return f"Pagefind reported success but wrote no {output.relative_to(self.site_dir).as_posix()}/pagefind.js"
        canonicalize(output)
        drop_unused(output, with_code)
        return None

    def finish(self, timeout: float = 900) -> None:
        """Wait for Pagefind; raise SearchError unless it wrote every bundle complete.

        ``peak_mib`` and ``cpu_seconds`` then hold the largest memory of one Pagefind run, and the
        processor time of them all (the benchmark reports them). The memory is the kernel's peak of
        the process, which Linux starts at the size of the process that started it: the build's.
        An index smaller than the build reports the build's size; ``benchmarks.measure`` samples
        the real one.
        """
        if not self.closed:  # a bundle still to come would be left out: never publish that
            self.cancel()
            raise SearchError("indexing was finished before its last bundle was added")
        try:
            self.thread.join(timeout)
            if self.thread.is_alive():
                self.cancel()
                self.failure = f"Pagefind killed after {timeout:.0f} s"
        finally:
            shutil.rmtree(self.work_dir, ignore_errors=True)
        if self.failure:
            raise SearchError(self.failure)
        if self.cache is not None:  # every bundle indexed or copied: the entries of none of them go
            self.cache.prune()

    def cancel(self) -> None:
        self.cancelled.set()
        self.ready.put(None)  # a thread waiting for the next bundle stops
        process = self.process
        if process is not None and process.returncode is None:
            # Not Popen.kill, which polls: the background thread is the one that reaps the process.
            _kill(process.pid)
        if self._started():
            self.thread.join()
        shutil.rmtree(self.work_dir, ignore_errors=True)


#: Runs Pagefind (the command after it) and writes, after what Pagefind wrote, PEAK_MARK and the
#: most memory it held (KiB). A process started by the build would not tell it: Linux counts in a
#: child's peak the memory of the process it was started from (hundreds of MiB of the build), and
#: this small one starts it instead. Pagefind dies with it (``_kill``), and both stay in the build's
#: process group, which Ctrl-C in a terminal interrupts whole.
MEASURED = """import ctypes, os, resource, signal, subprocess, sys
def die_with_this_process():  # Linux's PR_SET_PDEATHSIG: killed with it, it leaves no Pagefind behind
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)
code = subprocess.call(sys.argv[1:], preexec_fn=die_with_this_process)
sys.stdout.write("%s%d" % (PEAK_MARK, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.stdout.flush()
if code < 0:  # ended by a signal (the kernel's, out of memory): so is this process
    if -code != signal.SIGKILL:
        signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""
PEAK_MARK = "\nnewsroom: Pagefind peak KiB "
MEASURED = MEASURED.replace("PEAK_MARK", repr(PEAK_MARK))


def _kill(pid: int) -> None:
    """Kill the process that runs Pagefind, and with it Pagefind."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _forced(language: str) -> str:
    """Pagefind's ``--force-language`` for a BCP 47 tag: its primary subtag (``pt-BR`` -> ``pt``)."""
    return language.split("-")[0].lower()


def drop_unused(output: Path, with_code: bool = True) -> None:
    """Remove from a bundle what no page requests (``UNUSED``): pagefind.js loads the WebAssembly
    of the index's language, or ``wasm.unknown.pagefind`` for a language it does not stem; a
    bundle merged into another's instance (not ``with_code``) needs neither."""
    for name in UNUSED:
        (output / name).unlink(missing_ok=True)
    if not with_code:
        (output / "pagefind.js").unlink(missing_ok=True)
        for path in output.glob("wasm.*.pagefind"):
            path.unlink()
        return
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    needed = {f"wasm.{info.get('wasm') or 'unknown'}.pagefind" for info in entry["languages"].values()}
    for path in output.glob("wasm.*.pagefind"):
        if path.name not in needed:
            path.unlink()


_MAGIC = b"pagefind_dcd"


def _read_cbor(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise SearchError(f"{path.name} is not a Pagefind data file")
    return cbor2.loads(data[len(_MAGIC) :])


def _write_cbor(value) -> tuple[bytes, str]:
    data = gzip.compress(_MAGIC + cbor2.dumps(value), compresslevel=9, mtime=0)
    return data, hashlib.sha256(data).hexdigest()


def canonicalize(output: Path) -> None:
    """Make Pagefind's output depend on the records only.

    Pagefind (1.5.2) writes the values of each filter in the order of a Rust hash map, which
    changes from run to run, and names the files after their contents: two builds of the same
    archive would differ. The filter files are rewritten with their values sorted, and renamed
    after their new contents, with the references in the index metadata and the entry file.
    """
    entry_path = output / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = output / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_cbor(meta_path)
        filters = []
        for name, chunk in meta[3]:
            chunk_path = output / "filter" / f"{chunk}.pf_filter"
            filter_name, values = _read_cbor(chunk_path)
            data, digest = _write_cbor([filter_name, sorted(values, key=lambda v: v[0])])
            chunk_path.unlink()
            new_chunk = f"{language}_{digest[:7]}"
            (output / "filter" / f"{new_chunk}.pf_filter").write_bytes(data)
            filters.append([name, new_chunk])
        meta[3] = sorted(filters)
        data, digest = _write_cbor(meta)
        meta_path.unlink()
        info["hash"] = f"{language}_{digest[:10]}"
        (output / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
