"""Releases read by earlier builds, by content: a build (or ``make check``) parses again only the
files that changed since the last one.

Kept in ``.cache/newsroom/releases.sqlite3`` beside the Markdown cache (``cache``). An entry is
valid for one file's exact bytes, read by one version of the newsroom's code with one set of
settings, and for the verdicts on the photos it names at that time: change any of them and the
file is read again. Entries hold JSON only (never pickles), but a release taken from the cache
is not validated field by field again: whoever can write the cache can hand the build a
release, as whoever can write the releases folder can. Keep it where the repository is kept
(the publishing workflow's cache is scoped to its branch); bodies are still checked and
sanitized on every build, and ``NEWSROOM_CACHE=0`` builds without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .cache import CACHE_VARIABLE, FOLDER, code_version
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


def _decode_entry(text: str, body: str) -> tuple[Release | None, dict[str, Any]]:
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
    return Release(**release["f"], body=body), entry


Result = tuple[Release | None, list[Problem]]


class ReleaseStore:
    """Parse results of release files by name, each valid for one digest of file, code and settings."""

    def __init__(self, settings: Settings):
        self.path: Path | None = settings.project_dir / FOLDER / "releases.sqlite3"
        if os.environ.get(CACHE_VARIABLE, "1") == "0":
            self.path = None
        self.prefix = f"{code_version()}\0{settings!r}\0".encode()
        self.stat_prefix = hashlib.sha256(self.prefix).hexdigest()
        self.rows: dict[str, tuple[str, str, str, str]] = {}
        """By file name: the digest of its bytes, its time and size, the entry, the release's body."""
        self.fresh: dict[str, tuple[str, str, str, str]] = {}
        if self.path is not None and self.path.is_file():
            try:
                with sqlite3.connect(self.path) as db:
                    self.rows = {row[0]: row[1:] for row in db.execute(f"SELECT * FROM {_TABLE}")}
            except sqlite3.Error:
                self.rows = {}

    def digest(self, data: bytes) -> str:
        return hashlib.sha256(self.prefix + data).hexdigest()

    def stat_key(self, modified_ns: int, size: int) -> str:
        """The file as its modification time and size tell it, read by this code with these settings."""
        return f"{self.stat_prefix}:{modified_ns}:{size}"

    def get(
        self, name: str, digest: str, photos: Callable[[str], str | None], *, stat: str | None = None
    ) -> tuple[Release | None, list[Problem], dict[str, str | None]] | None:
        """The release read from the same bytes (or, given ``stat``, from the file as unchanged since
        then by its modification time and size), unless a photo it names is judged otherwise now."""
        row = self.rows.get(name)
        if row is None or (row[1] != stat if stat is not None else row[0] != digest):
            return None
        try:
            release, entry = _decode_entry(row[2], row[3])
            if any(photos(path) != verdict for path, verdict in entry["photos"].items()):
                return None
            problems = [Problem(*fields) for fields in entry["problems"]]
        except (ValueError, KeyError, TypeError):
            return None
        return release, problems, entry["photos"]

    def put(self, name: str, digest: str, stat: str, result: Result, photos: Mapping[str, str | None]) -> None:
        release, problems = result
        try:
            encoded = _encode(release) if release is not None else None
            body = encoded["f"].pop("body") if encoded is not None else ""
            entry = {
                "release": encoded,
                "problems": [[p.path, p.message, p.line, p.field] for p in problems],
                "photos": dict(photos),
            }
            text = json.dumps(entry, ensure_ascii=False)
            if _decode_entry(text, body)[0] != release:
                return  # not held exactly: read anew next time
        except (_NotKeptError, ValueError, TypeError, KeyError):
            return
        self.fresh[name] = (digest, stat, text, body)

    def touch(self, name: str, stat: str) -> None:
        """The entry of ``name``, found by its bytes, is also that of the file as it stands now."""
        digest, _, text, body = self.rows[name]
        self.fresh[name] = (digest, stat, text, body)

    def save(self, names: set[str]) -> None:
        """Write the new entries and forget files that are gone."""
        if self.path is None:
            return
        gone = set(self.rows) - names
        if not self.fresh and not gone:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(self.path, timeout=120) as db:
                db.execute("DROP TABLE IF EXISTS releases")  # of an earlier version of the newsroom
                db.execute(_SCHEMA)
                db.executemany(
                    f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [(name, *row) for name, row in self.fresh.items()],
                )
                db.executemany(f"DELETE FROM {_TABLE} WHERE name = ?", [(name,) for name in gone])
            self.rows.update(self.fresh)
            for name in gone:
                del self.rows[name]
            self.fresh.clear()
        except sqlite3.Error:
            pass  # a cache that cannot be written only makes the next build slower
