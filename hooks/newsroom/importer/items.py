"""What an import reads from any source, as plain data: items, and the items it could not read.

Every reader (``feeds``, ``wordpress``, ``html_pages``) yields ``Item`` or ``Skipped`` for each
entry of its source, in the source's order; the writer does the rest (addresses, front matter,
Markdown, the report). Nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Photo:
    """The item's hero photo, as the source names it."""

    src: str
    """An absolute URL (``https://old.example/wp-content/x.jpg``) or a path to a local file, relative to
    the source file's folder or absolute."""
    alt: str | None = None
    """None when the source gives no alt text (the report flags it; the writer never invents one)."""
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a source that could be read."""

    source: str
    """The file it came from, as given on the command line (or inside the folder given)."""
    id: str
    """Stable within the source: a feed's GUID (else its link), a WordPress post ID, an HTML page's
    path relative to the folder. With ``source`` it finds the release a second import updates."""
    title: str
    date: datetime
    """Aware: the offset the source wrote is kept."""
    body_html: str
    """The body as HTML, unsanitized: the writer sanitizes it as the build does bodies."""
    summary: str | None = None
    """The source's own description or excerpt, as plain text; None if it has none."""
    dateline: str | None = None
    categories: tuple[tuple[str, str], ...] = ()
    """Every category, tag or term the source files the item under: (kind, name), where kind is the
    source's own vocabulary (``category``, ``post_tag``, ``tag``, ``region``...). The mapping file
    maps names to the newsroom's taxonomies; unmapped names go into the report."""
    language: str | None = None
    """BCP 47, if the source says."""
    updated: datetime | None = None
    photo: Photo | None = None
    link: str | None = None
    """The item's address on the old site (absolute URL), if known: links between imported items
    are rewritten to the new releases through it, and it becomes an alias."""
    old_addresses: tuple[str, ...] = ()
    """Other old addresses (absolute URLs or root-relative paths): WordPress permalinks with old slugs,
    a GUID that is a URL, ``?p=123``. Each becomes an alias (those on another host than ``link``'s
    are reported, not aliased)."""
    notes: tuple[str, ...] = ()
    """What the reader had to guess, for the report (a summary taken from the first sentence...)."""
    draft: bool = False
    """The source does not show it to the public (a WordPress draft, pending, private or
    password-protected post): the release is written with ``draft: true``."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of a source that could not become a release, and why (for the report)."""

    source: str
    id: str | None
    """The entry's id or title if it has one, else None."""
    reason: str
    """For people: ``no date``, ``date 'March 5th-ish' is not a date it can read``..."""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class HtmlSelectors:
    """CSS selectors for saved HTML pages (mapping file, ``html:``); each checked with cssselect when
    the mapping is read. ``attribute`` names where a value is taken from an attribute (``time`` →
    ``datetime``) instead of the text."""

    title: str
    date: str
    body: str
    summary: str | None = None
    dateline: str | None = None
    photo: str | None = None
    """Selects the ``img`` of the hero photo (its ``src`` and ``alt``)."""
    caption: str | None = None
    credit: str | None = None
    language: str | None = None
    terms: Mapping[str, str] = field(default_factory=dict)
    """Kind of term (the source's own vocabulary, mapped like categories) → selector of its names."""
    link: str | None = None
    """Selects the page's own address (``link[rel=canonical]``), else the file's path is its old path."""
    attributes: Mapping[str, str] = field(default_factory=dict)
    """Field name → attribute to read instead of the text (``date: datetime``)."""


@dataclass(frozen=True, slots=True)
class ImportMap:
    """The mapping file (``MAP=import-map.yml``), read and checked by ``mapping.read_map``."""

    categories: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    """Source name (any kind) → taxonomy (``regions``...) → newsroom term names."""
    html: HtmlSelectors | None = None
    post_types: tuple[str, ...] = ("post",)
    """WordPress: which post types are releases."""
    statuses: tuple[str, ...] = ("publish",)
    """WordPress: which statuses are imported (a ``draft`` imports as ``draft: true``)."""
    language: str | None = None
    """The language of items whose source does not say."""
    timezone: str | None = None
    """Where a source date has no offset (HTML pages, WordPress drafts): an IANA name; without it such a
    date is read as UTC, and the report says so for each item."""


class Reader(Protocol):
    def __call__(self, path: Path, mapping: ImportMap) -> Iterator[Item | Skipped]:
        """Every entry of the source at ``path`` (a file, or a folder of them), in order."""
        ...
