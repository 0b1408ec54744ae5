"""Pages kept between builds, by what they show: an hourly build writes again only the pages
whose content changed, and copies the others from ``.cache/newsroom/pages.sqlite3``.

A page's key is a digest of everything its HTML is made from (``key``): the site's own
fingerprint (``site_fingerprint``: the newsroom's code, every installed package's version, the
settings, the theme's templates, the hand-written pages) and the page's parts (its release, its
body as converted and checked in this build, its neighbours, related releases, translations and
photo size; a listing's releases and pages). A build computes every page's key from this build's
archive, so a changed release, template, setting or package is never served from an old entry:
a page whose key is unknown is rendered and kept for the next build.

Unlike the other caches, a page is published as it is kept, without the checks a body passes:
whoever could write the cache could publish anything. So every entry is authenticated with a
secret the cache never holds (``SECRET_VARIABLE``, a secret of the publishing workflow): an entry
whose code does not match is dropped and its page rendered anew. Without the secret, pages are
neither read from nor written to the cache. The same store, in other files, keeps the text-only
edition's pages (``TEXT_FILE``), the feeds' files (``FEEDS_FILE``) and the release bodies as
builds checked them (``BODIES_FILE``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import os
import sqlite3
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from . import cache
from .cache import CACHE_VARIABLE, FOLDER, code_version, connect
from .model import Release

#: The secret that authenticates the kept pages (any text; the longer and more random, the better).
SECRET_VARIABLE = "NEWSROOM_CACHE_SECRET"
FILE = "pages.sqlite3"
#: The text-only edition's pages, kept by the process that writes them.
TEXT_FILE = "text-pages.sqlite3"
#: The files of the feeds (``feeds.FeedWriter.write``), by their feed's key and kind.
FEEDS_FILE = "feeds.sqlite3"
#: Release bodies as earlier builds checked them (``bodies.Bodies.checked``).
BODIES_FILE = "bodies.sqlite3"
#: Each edition's related releases (``related.RelatedLists``).
RELATED_FILE = "related.sqlite3"
_SCHEMA = "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, mac BLOB NOT NULL, data BLOB NOT NULL)"


def key(*parts: Any) -> str:
    """A digest of ``parts``: plain data (text, numbers, dates, tuples and lists of them), each
    written out by ``repr``, which tells ``'1'`` from ``1`` and a tuple from its items."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def release_digest(release: Release) -> str:
    """A digest of everything a release holds (its fields, its body, where it was read)."""
    fields = [getattr(release, name) for name in _RELEASE_FIELDS]
    return key(fields, key(release.packed_body))


#: What a release holds besides its body (digested apart, as bytes: quicker than their ``repr``).
_RELEASE_FIELDS = tuple(f.name for f in dataclasses.fields(Release) if f.name != "packed_body")


def digest_files(folder: Path) -> str:
    """Every file under ``folder``, by path and content (symlinks as where they lead)."""
    digest = hashlib.blake2b(digest_size=20)
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.blake2b(path.read_bytes(), digest_size=20).digest())
    return digest.hexdigest()


@functools.cache  # asked by the page cache and by the search records' fingerprint
def installed_packages() -> tuple[str, ...]:
    """Every installed distribution and its version: a new Material, MkDocs, Jinja or Babel may
    write any page differently."""
    names = {f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions() if dist.metadata["Name"]}
    return tuple(sorted(names))


def site_fingerprint(settings: Mapping[str, Any], folders: Iterable[Path], files: Iterable[Path]) -> str:
    """What every page is made from besides its own parts: ``settings`` (plain data), and the
    content of ``folders`` (templates, hand-written pages) and ``files`` (term names)."""
    contents = [digest_files(folder) for folder in folders]
    contents += [hashlib.blake2b(f.read_bytes(), digest_size=20).hexdigest() if f.is_file() else "" for f in files]
    return key(code_version(), installed_packages(), sys.version, sorted(settings.items()), contents)


class PageCache:
    """Pages by key, each authenticated with the secret. They are kept as they are written, not
    compressed: unpacking took half the time of copying a page from the cache (the publishing
    workflow's cache is compressed as a whole). A build reads and adds pages one at a
    time in one transaction, made lasting at its end if it succeeded (``save``, which also drops
    the pages no longer on the site) and dropped if it failed (``abandon``)."""

    def __init__(self, project_dir: Path | None, secret: str | None, name: str = FILE, *, buffered: bool = False):
        """``buffered``: entries are held until ``flush``, which writes them in one short transaction
        (for processes that share the file and write at once: a transaction left open would make
        the others wait)."""
        self.path = project_dir / FOLDER / name if project_dir is not None else None
        self.buffered = buffered
        self.pending: list[tuple[str, bytes, bytes]] = []
        if not secret or os.environ.get(CACHE_VARIABLE, "1") == "0":
            self.path = None
        self._mac_key = hashlib.sha256(f"newsroom pages\0{secret}".encode("utf-8", "surrogatepass")).digest()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._empty = False
        """Whether the cache held no page when this process opened it (a first build): then no
        page is looked for in it, one query a page saved (what this build adds, it does not ask for)."""
        self.used: set[str] = set()
        self.added = 0
        self.rejected = 0
        """Entries whose code did not match: changed by someone without the secret."""

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def _connection(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._db is None or self._pid != os.getpid():  # never a connection shared with a forked process
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = connect(self.path, timeout=120, isolation_level="DEFERRED")
                self._db.execute(_SCHEMA)
                self._empty = self._db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None
            except (OSError, sqlite3.Error) as err:
                cache.not_written(self.path, err)
                self.path, self._db = None, None  # no cache: every page is rendered
                return None
            self._pid = os.getpid()
        return self._db

    def _mac(self, page_key: str, data: bytes) -> bytes:
        return hmac.new(self._mac_key, page_key.encode() + b"\0" + data, hashlib.sha256).digest()

    def get(self, page_key: str) -> bytes | None:
        """The page kept under ``page_key``, if there is one and its code is right."""
        db = self._connection()
        if db is None or self._empty:
            return None
        try:
            row = db.execute("SELECT mac, data FROM pages WHERE key = ?", (page_key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        mac, data = row
        if not (
            isinstance(mac, bytes) and isinstance(data, bytes) and hmac.compare_digest(mac, self._mac(page_key, data))
        ):
            self.rejected += 1
            return None
        self.used.add(page_key)
        return data

    def keep(self, page_key: str) -> None:
        """Keep the page under ``page_key`` (if there is one) through ``save(prune=True)``, though
        this build did not read it: one the published site holds already, which a later build
        may need again."""
        self.used.add(page_key)

    def put(self, page_key: str, page: bytes) -> None:
        """Keep a page rendered in this build (lasting once the build succeeds: ``save``)."""
        if self.buffered:
            if self.path is not None:
                self.pending.append((page_key, self._mac(page_key, page), page))
                self.used.add(page_key)
            return
        db = self._connection()
        if db is None:
            return
        try:
            db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", (page_key, self._mac(page_key, page), page))
        except sqlite3.Error:
            return
        self.used.add(page_key)
        self.added += 1

    def flush(self) -> None:
        """Write the held entries (``buffered``) in one transaction."""
        pending, self.pending = self.pending, []
        db = self._connection() if pending else None
        if db is None:
            return
        try:
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", pending)
            db.commit()
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.rollback()

    def save(self, prune: bool = False) -> None:
        """Make this build's pages lasting; ``prune``: drop those this build did not use."""
        self.flush()
        db = self._connection() if (self.added or prune) else None
        try:
            if db is not None:
                if prune:
                    cache.prune_rows(db, "pages", self.used)
                db.commit()
        except sqlite3.Error as err:
            cache.not_written(self.path, err)
        finally:
            self.close()

    def abandon(self) -> None:
        """The build failed: nothing it added is kept."""
        if self._db is not None and self._pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self._db.rollback()
        self.close()

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None
