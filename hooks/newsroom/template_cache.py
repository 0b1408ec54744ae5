"""Compiled templates kept between builds: an hourly build does not compile the theme's templates
again (about 0.5 s of every build: Jinja turns each into Python source, which Python compiles).

Jinja's bytecode is code: whoever could write it would run anything in the build, which holds the
publishing workflow's secrets. So it is kept in the page cache's store (``page_cache.PageCache``),
every entry authenticated with the secret the cache never holds (``NEWSROOM_CACHE_SECRET``), and
without the secret nothing is read or written. An entry is keyed by the template's name, file
and source, the options of the environment that compiles it (a template compiled with other
options is other code), the newsroom's code, every installed package's version and the
interpreter's; Jinja itself checks the source's checksum again when it loads the entry.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from .cache import code_version
from .page_cache import PageCache, installed_packages, key

#: Where the compiled templates are kept, beside the pages (``.cache/newsroom/``).
FILE = "templates.sqlite3"


def _options(environment: Any) -> tuple[Any, ...]:
    """What, besides its source, makes a template's code: the environment's syntax and options."""
    autoescape = environment.autoescape
    return (
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        getattr(environment.finalize, "__qualname__", None),
        autoescape if isinstance(autoescape, bool) else getattr(autoescape, "__qualname__", repr(type(autoescape))),
        sorted(environment.extensions),
    )


class TemplateCache(BytecodeCache):
    """Jinja's bytecode of each template, kept by ``PageCache`` (authenticated), written at the end
    of a build that succeeded (``save``). Set as an environment's ``bytecode_cache`` before it loads
    a template."""

    def __init__(self, project_dir: Path | None, secret: str | None):
        self.store = PageCache(project_dir, secret, FILE, buffered=True)
        self.prefix = key(code_version(), installed_packages(), sys.version)
        self.loaded = 0
        """Templates taken from the cache, not compiled, in this process."""
        self.compiled = 0
        """Templates compiled in this process (and kept, once the build succeeds)."""

    def _key(self, bucket: Bucket) -> str:
        return key(self.prefix, _options(bucket.environment), bucket.key, bucket.checksum)

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get(self._key(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja checks its version and the source's checksum
            self.loaded += bucket.code is not None

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store.put(self._key(bucket), bucket.bytecode_to_string())
        self.compiled += 1

    def save(self) -> None:
        """Keep the templates this build compiled; drop those it did not use."""
        self.store.save(prune=True)

    def abandon(self) -> None:
        self.store.pending.clear()
        self.store.abandon()
