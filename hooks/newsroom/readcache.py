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

from .cache import CACHE_VARIABLE, FOLDER
from .errors import Problem
from .model import Contact, Correction, Image, Release
from .settings import Settings

_CLASSES: dict[str, type] = {"Release": Release, "Image": Image, "Correction": Correction, "Contact": Contact}
_SCHEMA = "CREATE TABLE IF NOT EXISTS releases (name TEXT PRIMARY KEY, digest TEXT NOT NULL, entry TEXT NOT NULL)"


class _NotKeptError(Exception):
    """A value the cache cannot hold exactly (the release is then read anew each time)."""


def code_version() -> str:
    """A digest of the newsroom's own code: a new version reads every release anew."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


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


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "~dt" in value:
        moment = datetime.fromisoformat(value["~dt"])
        return moment.astimezone(ZoneInfo(value["z"])) if value["z"] else moment
    if "~d" in value:
        return date.fromisoformat(value["~d"])
    if "~t" in value:
        return tuple(_decode(item) for item in value["~t"])
    if "~c" in value:
        return _CLASSES[value["~c"]](**{key: _decode(item) for key, item in value["f"].items()})
    return {key: _decode(item) for key, item in value.items()}


Result = tuple[Release | None, list[Problem]]


class ReleaseStore:
    """Parse results of release files by name, each valid for one digest of file, code and settings."""

    def __init__(self, settings: Settings):
        self.path: Path | None = settings.project_dir / FOLDER / "releases.sqlite3"
        if os.environ.get(CACHE_VARIABLE, "1") == "0":
            self.path = None
        self.prefix = f"{code_version()}\0{settings!r}\0".encode()
        self.rows: dict[str, tuple[str, str]] = {}
        self.fresh: dict[str, tuple[str, str]] = {}
        if self.path is not None and self.path.is_file():
            try:
                with sqlite3.connect(self.path) as db:
                    self.rows = {name: (digest, entry) for name, digest, entry in db.execute("SELECT * FROM releases")}
            except sqlite3.Error:
                self.rows = {}

    def digest(self, data: bytes) -> str:
        return hashlib.sha256(self.prefix + data).hexdigest()

    def get(
        self, name: str, digest: str, photos: Callable[[str], str | None]
    ) -> tuple[Release | None, list[Problem], dict[str, str | None]] | None:
        """The release read from the same bytes, unless a photo it names is judged otherwise now."""
        row = self.rows.get(name)
        if row is None or row[0] != digest:
            return None
        try:
            entry = json.loads(row[1])
            if any(photos(path) != verdict for path, verdict in entry["photos"].items()):
                return None
            release = _decode(entry["release"]) if entry["release"] is not None else None
            problems = [Problem(*fields) for fields in entry["problems"]]
        except (ValueError, KeyError, TypeError):
            return None
        return release, problems, entry["photos"]

    def put(self, name: str, digest: str, result: Result, photos: Mapping[str, str | None]) -> None:
        release, problems = result
        try:
            entry = {
                "release": _encode(release) if release is not None else None,
                "problems": [[p.path, p.message, p.line, p.field] for p in problems],
                "photos": dict(photos),
            }
            text = json.dumps(entry, ensure_ascii=False)
            if (_decode(json.loads(text)["release"]) if release is not None else None) != release:
                return  # not held exactly: read anew next time
        except (_NotKeptError, ValueError, TypeError):
            return
        self.fresh[name] = (digest, text)

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
                db.execute(_SCHEMA)
                db.executemany(
                    "INSERT OR REPLACE INTO releases VALUES (?, ?, ?)",
                    [(name, digest, text) for name, (digest, text) in self.fresh.items()],
                )
                db.executemany("DELETE FROM releases WHERE name = ?", [(name,) for name in gone])
            self.rows.update(self.fresh)
            for name in gone:
                del self.rows[name]
            self.fresh.clear()
        except sqlite3.Error:
            pass  # a cache that cannot be written only makes the next build slower
