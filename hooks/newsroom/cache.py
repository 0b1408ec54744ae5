"""Markdown conversions kept between builds, by content: a build (or ``make check``) converts
again only the bodies that changed since the last one.

The cache is a SQLite file under ``.cache/newsroom/`` in the project (the publishing workflow
may restore and save that folder). An entry is keyed by a hash of the body and of everything
that shapes its conversion (the Markdown extensions and their settings, the versions of the
Markdown packages), so a changed body, setting or package version is never served from it.
It holds plain text only (HTML and a JSON table of contents): nothing in it is executed or
unpickled, so a tampered cache can at worst change a page's text, which the body checks that
run on every build then see like any other body.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

#: Set to 0 to build without the cache (and leave it alone).
CACHE_VARIABLE = "NEWSROOM_CACHE"
FOLDER = ".cache/newsroom"
_SCHEMA = "CREATE TABLE IF NOT EXISTS conversions (key TEXT PRIMARY KEY, html TEXT NOT NULL, toc TEXT NOT NULL)"
_VERDICTS = "CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, entry TEXT NOT NULL)"


def plain_files(path: Path) -> bool:
    """Whether a cache file, its journals and the folders above it are plain: the cache is
    restored from outside the build (the publishing workflow's), and a symlink there would make
    the build write wherever it leads."""
    for candidate in (path, *(path.with_name(path.name + end) for end in ("-journal", "-wal", "-shm"))):
        if candidate.is_symlink() or (candidate.exists() and not candidate.is_file()):
            return False
    return not any(folder.is_symlink() for folder in (path.parent, path.parent.parent))


#: The caches this process could not write, and why (``not_written``). A cache that cannot be
#: written only makes the next build slower; the build says so once, at its end
#: (``take_not_written``), or hourly builds would slow down with nothing to say why.
_not_written: dict[str, str] = {}


def not_written(path: Path | str | None, error: BaseException) -> None:
    """Note that the cache at ``path`` could not be written, and why (the first reason given)."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error) or type(error).__name__
    _not_written.setdefault(str(path), reason)


def take_not_written() -> dict[str, str]:
    """The caches this process could not write since it was last asked, and why."""
    found = dict(_not_written)
    _not_written.clear()
    return found


def connect(path: Path, **options: Any) -> sqlite3.Connection:
    """``sqlite3.connect`` to a cache file, refused (as an ``sqlite3.Error``, which every cache
    takes as no cache) unless ``plain_files``."""
    if not plain_files(path):
        raise sqlite3.OperationalError(f"{path} or its journal is not a plain file of the cache")
    return sqlite3.connect(path, **options)


def prune_rows(db: sqlite3.Connection, table: str, used: set[str]) -> None:
    """Delete the rows of ``table`` whose ``key`` is not in ``used``. The keys are read and the
    others deleted one by one: an hourly build drops a few of 68,000, which a temporary table of
    every used key made five times slower."""
    stale = [(key,) for (key,) in db.execute(f"SELECT key FROM {table}") if key not in used]
    db.executemany(f"DELETE FROM {table} WHERE key = ?", stale)


@functools.cache  # asked by several caches in one build, and by each worker: the files are read once
def code_version() -> str:
    """A digest of the newsroom's own code: a new version reads every release anew."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(extensions: Iterable[Any], configs: Mapping[str, Any]) -> str:
    """What shapes a conversion besides the body itself."""
    versions = []
    for package in ("markdown", "pymdown-extensions", "mkdocs"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    return json.dumps([versions, [repr(e) for e in extensions], repr(sorted(configs.items(), key=str))])


class Conversions:
    """Converted bodies by key; loaded once per build for the bodies it needs, saved at its end."""

    def __init__(self, project_dir: Path | None, fingerprint: str):
        self.fingerprint = fingerprint
        self.path = (project_dir / FOLDER / "markdown.sqlite3") if project_dir is not None else None
        if os.environ.get(CACHE_VARIABLE, "1") == "0":
            self.path = None
        self.known: dict[str, tuple[str, list]] = {}
        self.fresh: dict[str, tuple[str, list]] = {}
        self.used: set[str] = set()

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()

    def load(self, texts: Iterable[str]) -> None:
        """Fetch the entries of these bodies (before work is shared out to forked workers)."""
        if self.path is None:
            return
        wanted = self.mark(texts)
        keys = list(wanted - self.known.keys())
        if not self.path.is_file():
            return
        try:
            with connect(self.path) as db:
                for start in range(0, len(keys), 500):
                    chunk = keys[start : start + 500]
                    rows = db.execute(
                        f"SELECT key, html, toc FROM conversions WHERE key IN ({','.join('?' * len(chunk))})", chunk
                    )
                    for key, html, toc in rows:
                        self.known[key] = (html, json.loads(toc))
        except (sqlite3.Error, ValueError):
            self.known.clear()  # an unreadable cache is no cache

    def mark(self, texts: Iterable[str]) -> set[str]:
        """Count these bodies' entries as this build's (converted here or by a worker), without
        fetching them: the next full build keeps them (``save``). Their keys."""
        wanted = {self.key(text) for text in texts}
        self.used |= wanted
        return wanted

    def get(self, key: str) -> tuple[str, list] | None:
        self.used.add(key)
        return self.known.get(key) or self.fresh.get(key)

    def put(self, key: str, html: str, toc: list) -> None:
        self.used.add(key)
        self.fresh[key] = (html, toc)

    def save(self, prune: bool = False) -> None:
        """Write the new entries; ``prune``: drop those this build did not use (a full build)."""
        if self.path is None or not (self.fresh or prune):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with connect(self.path, timeout=120) as db:  # workers may write at the same time
                db.execute(_SCHEMA)
                db.executemany(
                    "INSERT OR REPLACE INTO conversions VALUES (?, ?, ?)",
                    [(k, html, json.dumps(toc)) for k, (html, toc) in self.fresh.items()],
                )
                if prune:
                    prune_rows(db, "conversions", self.used)
            self.known.update(self.fresh)
            self.fresh.clear()
        except (sqlite3.Error, OSError) as err:
            not_written(self.path, err)


class Verdicts:
    """What the walk found in each body, by key (``bodies.Bodies.verdict_key``), as JSON; or,
    in another ``file``, what was found in anything else by a key that says what it was made of
    (``images`` keeps its photo inspections so).

    Builds and ``make check`` write them; only ``make check`` reads them: a build walks every
    body, every time. A verdict holds plain data (ids, file paths, problems) and is used only
    while every file its body links to resolves as it did (``bodies.Bodies.recall``).
    """

    def __init__(self, project_dir: Path | None, file: str = "verdicts.sqlite3"):
        self.path = (project_dir / FOLDER / file) if project_dir is not None else None
        if os.environ.get(CACHE_VARIABLE, "1") == "0":
            self.path = None
        self.known: dict[str, Any] = {}
        self.loaded = False
        self.fresh: dict[str, str] = {}
        self.used: set[str] = set()

    def load(self) -> None:
        self.loaded = True
        if self.path is None or not self.path.is_file():
            return
        try:
            with connect(self.path) as db:
                self.known = {key: json.loads(entry) for key, entry in db.execute("SELECT key, entry FROM verdicts")}
        except (sqlite3.Error, ValueError):
            self.known = {}  # an unreadable cache is no cache

    def entry(self, key: str) -> Any:
        """The JSON value kept under ``key`` (None if none), the cache read when first asked."""
        if not self.loaded:
            self.load()
        self.used.add(key)
        return self.known.get(key)

    def get(self, key: str) -> dict[str, Any] | None:
        found = self.entry(key)
        return found if isinstance(found, dict) else None

    def keep(self, key: str) -> None:
        """The verdict ``key`` still holds, as an earlier run wrote it: not pruned."""
        self.used.add(key)

    def put(self, key: str, entry: Any) -> None:
        self.used.add(key)
        self.fresh[key] = json.dumps(entry, ensure_ascii=False)

    def save(self, prune: bool = False) -> None:
        """Write the new verdicts; ``prune``: drop those of bodies this run did not see."""
        if self.path is None or not (self.fresh or prune):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with connect(self.path, timeout=120) as db:
                db.execute(_VERDICTS)
                db.executemany("INSERT OR REPLACE INTO verdicts VALUES (?, ?)", list(self.fresh.items()))
                if prune:
                    prune_rows(db, "verdicts", self.used)
            self.fresh.clear()
        except (sqlite3.Error, OSError) as err:
            not_written(self.path, err)
