"""Releases read by earlier builds, by content: a build (or ``make check``) parses again only the
files that changed since the last one.

Kept in ``.cache/newsroom/releases.sqlite3`` beside the Markdown cache (``cache``). An entry is
valid for one file's exact bytes, read by one version of the newsroom's code with one set of
settings, and for the verdicts on the photos it names at that time: change any of them and the
file is read again. Entries hold JSON only (never pickles), but a release taken from the cache
is not validated field by field again: whoever can write the cache can hand the build a
release, as whoever can write the releases folder can (a body is checked against the checksum
kept beside it, which catches damage, not a forger: one altered with its checksum fails the build
where it is unpacked). Keep it where the repository is kept
(the publishing workflow's cache is scoped to its branch); bodies are still checked and
sanitized on every build, and ``NEWSROOM_CACHE=0`` builds without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import cache
from .cache import CACHE_VARIABLE, FOLDER, code_version, connect
from .errors import Problem
from .model import Contact, Correction, Image, Release
from .settings import Settings

_CLASSES: dict[str, type] = {"Release": Release, "Image": Image, "Correction": Correction, "Contact": Contact}
_TABLE = "release_entries"
_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {_TABLE} "
    "(name TEXT PRIMARY KEY, digest TEXT NOT NULL, stat TEXT NOT NULL, entry TEXT NOT NULL, body TEXT NOT NULL)"
)


class _NotKeptError(Exception):
    """A value the cache cannot hold exactly (the release is then read anew each time)."""


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):  # a release's packed body: kept in a column of its own (``put``)
        return value
    if isinstance(value, datetime):
        zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
        return {"~dt": value.isoformat(), "z": zone}
    if isinstance(value, date):
        return {"~d": value.isoformat()}
    if is_dataclass(value) and not isinstance(value, type) and type(value).__name__ in _CLASSES:
        return {"~c": type(value).__name__, "f": {f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, tuple):
        return {"~t": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) and not key.startswith("~") for key in value):
            raise _NotKeptError
        return {key: _encode(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise _NotKeptError


def _decoded(value: dict[str, Any]) -> Any:
    """Each JSON object of an entry, as ``json.loads`` builds it (innermost first)."""
    if "~dt" in value:
        moment = datetime.fromisoformat(value["~dt"])
        return moment.astimezone(ZoneInfo(value["z"])) if value["z"] else moment
    if "~d" in value:
        return date.fromisoformat(value["~d"])
    if "~t" in value:
        return tuple(value["~t"])
    if "~c" in value and value["~c"] != "Release":  # a release is made with its body (_decode_entry)
        return _CLASSES[value["~c"]](**value["f"])
    return value


_DECODER = json.JSONDecoder(object_hook=_decoded)


def _decode_entry(text: str, body: bytes) -> tuple[Release | None, dict[str, Any]]:
    """An entry, and its release with the body kept beside the entry (a column of its own: long
    text is read faster as it is than as JSON)."""
    entry = _DECODER.decode(text)
    if not isinstance(entry, dict):
        raise ValueError("not an entry")
    release = entry["release"]
    if release is None:
        return None, entry
    if release.get("~c") != "Release":
        raise ValueError("not a release")
    return Release(**release["f"], packed_body=body), entry


Result = tuple[Release | None, list[Problem]]


Row = tuple[str, str, str, bytes]
#: New entries written at once while reading (``ReleaseStore.keep``).
BATCH = 500
#: Entries read at once, ahead of the files asked for (``ReleaseStore.expect``): a query a file
#: took 0.5–0.65 s at 50,000 releases, 0.17 s in queries of 500.
READ_AHEAD = 500


class ReleaseStore:
    """Parse results of release files by name, each valid for one digest of file, code and settings."""

    def __init__(self, settings: Settings):
        self.path: Path | None = settings.project_dir / FOLDER / "releases.sqlite3"
        if os.environ.get(CACHE_VARIABLE, "1") == "0":
            self.path = None
        self.prefix = f"{code_version()}\0{settings!r}\0".encode()
        self.stat_prefix = hashlib.sha256(self.prefix).hexdigest()
        self.db: sqlite3.Connection | None = None
        self.names: set[str] = set()
        """The files the cache holds an entry of. Entries are read one at a time (``row``): a build
        holds the one it reads, not the archive's (1 GB at 50,000 releases)."""
        self.last: tuple[str, Row] | None = None
        self.order: list[str] = []
        self.place: dict[str, int] = {}
        """The files to be asked for (``expect``), and where each is in that order."""
        self.ahead: dict[str, Row] = {}
        """Entries read ahead of the files asked for: a few hundred at a time."""
        self.fresh: dict[str, Row] = {}
        """New entries, written in batches of ``BATCH`` while the archive is read."""
        if self.path is not None and self.path.is_file():
            try:
                self.db = connect(self.path, timeout=120)
                self.names = {name for (name,) in self.db.execute(f"SELECT name FROM {_TABLE}")}
            except sqlite3.Error:
                self.close()

    def expect(self, names: list[str]) -> None:
        """The files the build is about to ask for, in that order: their entries are read ahead."""
        self.order = names
        self.place = {name: index for index, name in enumerate(names)}

    def row(self, name: str) -> Row | None:
        """The entry of a file: the digest of its bytes, its time and size, the entry, the body."""
        if self.last is not None and self.last[0] == name:
            return self.last[1]
        if name not in self.names or self.db is None:
            return None
        found = self.ahead.pop(name, None)
        if found is None:
            try:
                found = self._read(name)
            except sqlite3.Error:
                return None
        self.last = (name, found) if found is not None else None
        return found

    def _read(self, name: str) -> Row | None:
        """The entry of ``name``, and those of the next files expected (``ahead``)."""
        assert self.db is not None
        index = self.place.get(name)
        wanted = [name] if index is None else [n for n in self.order[index : index + READ_AHEAD] if n in self.names]
        marks = ",".join("?" * len(wanted))
        query = f"SELECT name, digest, stat, entry, body FROM {_TABLE} WHERE name IN ({marks})"
        self.ahead = {row[0]: row[1:] for row in self.db.execute(query, wanted)}
        return self.ahead.pop(name, None)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
        self.db, self.names, self.last, self.ahead = None, set(), None, {}

    def digest(self, data: bytes) -> str:
        return hashlib.sha256(self.prefix + data).hexdigest()

    def kept_digest(self, name: str) -> str:
        """The digest of the bytes the entry of ``name`` was read from ("" if there is none)."""
        row = self.row(name)
        return row[0] if row is not None else ""

    def stat_key(self, modified_ns: int, size: int) -> str:
        """The file as its modification time and size tell it, read by this code with these settings."""
        return f"{self.stat_prefix}:{modified_ns}:{size}"

    def get(
        self, name: str, digest: str, photos: Callable[[str], str | None], *, stat: str | None = None
    ) -> tuple[Release | None, list[Problem], dict[str, str | None]] | None:
        """The release read from the same bytes (or, given ``stat``, from the file as unchanged since
        then by its modification time and size), unless a photo it names is judged otherwise now."""
        row = self.row(name)
        if row is None or (row[1] != stat if stat is not None else row[0] != digest):
            return None
        try:
            if not isinstance(row[3], bytes):
                return None
            release, entry = _decode_entry(row[2], row[3])
            # A body damaged since it was kept is read anew. Its checksum, not unpacking it: that
            # would cost every hourly build a body's decompression per release (2.4 s at 50,000).
            if entry["crc"] != zlib.crc32(row[3]):
                return None
            if any(photos(path) != verdict for path, verdict in entry["photos"].items()):
                return None
            problems = [Problem(*fields) for fields in entry["problems"]]
        except (ValueError, KeyError, TypeError, zlib.error):
            return None
        return release, problems, entry["photos"]

    def put(self, name: str, digest: str, stat: str, result: Result, photos: Mapping[str, str | None]) -> None:
        release, problems = result
        try:
            encoded = _encode(release) if release is not None else None
            body = encoded["f"].pop("packed_body") if encoded is not None else b""
            entry = {
                "release": encoded,
                "problems": [[p.path, p.message, p.line, p.field] for p in problems],
                "photos": dict(photos),
                "crc": zlib.crc32(body),
            }
            text = json.dumps(entry, ensure_ascii=False)
            if _decode_entry(text, body)[0] != release:
                return  # not held exactly: read anew next time
        except (_NotKeptError, ValueError, TypeError, KeyError):
            return
        self.keep(name, (digest, stat, text, body))

    def touch(self, name: str, stat: str) -> None:
        """The entry of ``name``, found by its bytes, is also that of the file as it stands now."""
        row = self.row(name)
        if row is not None:
            digest, _, text, body = row
            self.keep(name, (digest, stat, text, body))

    def keep(self, name: str, row: Row) -> None:
        if self.path is None:
            return
        self.fresh[name] = row
        if len(self.fresh) >= BATCH:
            self.write()

    def write(self, gone: set[str] | None = None) -> None:
        """Write the new entries, and forget the files ``gone``; a cache that cannot be written only
        makes the next build slower."""
        if self.path is None or not (self.fresh or gone):
            return
        try:
            if self.db is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = connect(self.path, timeout=120)
            with self.db as db:  # one transaction
                db.execute("DROP TABLE IF EXISTS releases")  # of an earlier version of the newsroom
                db.execute(_SCHEMA)
                db.executemany(
                    f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [(name, *row) for name, row in self.fresh.items()],
                )
                db.executemany(f"DELETE FROM {_TABLE} WHERE name = ?", [(name,) for name in gone or ()])
        except (sqlite3.Error, OSError) as err:
            cache.not_written(self.path, err)
            self.path = None  # not again in this build
        self.names |= set(self.fresh)
        self.fresh.clear()

    def save(self, names: set[str]) -> None:
        """Write the new entries and forget files that are gone; the archive is read."""
        self.write(self.names - names)
        self.close()
