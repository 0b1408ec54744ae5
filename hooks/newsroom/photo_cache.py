"""What builds found in each photo (``images.Inspection``), kept between builds.

Two stores, in the cache's folder:

- ``photos.sqlite3``, by the very file read: its path, and its device, inode, size, and
  modification and change times (a time the system sets, which no program can put back). A
  photo committed again, or a fresh clone's, is not found there, whatever a restored cache holds.
- ``photos-committed.sqlite3``, with the cache's secret (``page_cache.SECRET_VARIABLE``, as in the
  publishing workflow), by what the photo holds as committed: its path and git's object id
  (``committed``), which a fresh clone's photos keep. Each entry is authenticated with the
  secret, as the kept pages are: a changed entry is not used, and the photo is read anew.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import PIL
from lxml import etree

from . import page_cache
from .cache import Verdicts, code_version
from .committed import committed_objects

FILE = "photos.sqlite3"
CONTENT_FILE = "photos-committed.sqlite3"


@functools.cache
def readers() -> str:
    """What an inspection depends on besides the file: the code that made it and its readers."""
    return f"{code_version()}\0Pillow {PIL.__version__}\0lxml {etree.__version__}"


class PhotoInspections:
    """Inspections as JSON, by file key (``images``) and the photo's path."""

    def __init__(self, project_dir: Path, releases_path: Path):
        self.by_file = Verdicts(project_dir, FILE)
        self.by_content = page_cache.PageCache(project_dir, os.environ.get(page_cache.SECRET_VARIABLE), CONTENT_FILE)
        self.root = os.fspath(releases_path)
        self._objects: dict[str, str] | None = None
        self._content_keys: dict[str, str | None] = {}

    def _content_key(self, path: str) -> str | None:
        if not self.by_content.enabled:
            return None
        if path in self._content_keys:
            return self._content_keys[path]
        if self._objects is None:  # once a build, when first needed
            self._objects = committed_objects(Path(self.root))
        # Photos are named under the releases folder (``images`` is given its paths as they are).
        relative = path[len(self.root) + 1 :].replace(os.sep, "/") if path.startswith(self.root + os.sep) else None
        object_id = self._objects.get(relative) if relative is not None else None
        found = None if object_id is None else page_cache.key("photo", readers(), relative, object_id)
        self._content_keys[path] = found
        return found

    def entry(self, file_key: str, path: str) -> Any:
        """The inspection kept for this version of the file at ``path`` (None if none)."""
        found = self.by_file.entry(file_key)
        if found is not None:
            return found
        content_key = self._content_key(path)
        data = self.by_content.get(content_key) if content_key is not None else None
        if data is None:
            return None
        try:
            found = json.loads(data)
        except ValueError:
            return None
        self.by_file.put(file_key, found)  # found by its inode from now on
        return found

    def put(self, file_key: str, path: str, value: Any) -> None:
        self.by_file.put(file_key, value)
        content_key = self._content_key(path)
        if content_key is not None:
            self.by_content.put(content_key, json.dumps(value).encode())

    def keep(self, file_key: str, path: str) -> None:
        """The inspection still holds: neither store drops it."""
        self.by_file.keep(file_key)
        content_key = self._content_key(path)
        if content_key is not None:
            self.by_content.keep(content_key)

    def save(self) -> None:
        """Write what this build found, and drop what it did not use (every photo is inspected,
        or found, each build)."""
        self.by_file.save(prune=True)
        self.by_content.save(prune=True)
