"""The content model: what a press release is, as plain typed data.

Nothing here knows about MkDocs, files on disk or HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: The four ways a release is filed, in the order pages show them.
#: Each is a front-matter field holding a list of names, and a URL prefix.
TAXONOMIES: tuple[str, ...] = ("regions", "countries", "topics", "organizations")


@dataclass(frozen=True, slots=True)
class Image:
    """The hero photo of a release."""

    src: str
    """Path of the image file relative to the releases folder, with forward slashes."""
    alt: str
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    date: datetime
    note: str


@dataclass(slots=True)
class Release:
    """One press release, validated. Each front-matter field (``schema.FIELDS``) is the attribute of
    the same name."""

    source: str
    """Path of the Markdown file relative to the project root (``press_releases/x.md``)."""
    name: str
    """Path of the Markdown file relative to the releases folder (``x.md``)."""
    title: str
    summary: str
    date: datetime
    """Publication date-time, aware, in the site's time zone (a date alone: the first moment of that day)."""
    slug: str
    body: str = ""
    dateline: str | None = None
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    image: Image | None = None
    language: str = "en"
    updated: datetime | None = None
    draft: bool = False
    embargo: datetime | None = None
    aliases: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()
    translations: Mapping[str, str] = field(default_factory=dict)
    """Language code to the file name of the same release in that language."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)
    """Line of each front-matter field in the source, for messages."""
    body_line: int = 1
    """Line of the source where the Markdown body starts."""

    def terms(self, taxonomy: str) -> tuple[str, ...]:
        return getattr(self, taxonomy)

    @property
    def last_changed(self) -> datetime:
        """When its content last changed: its update, else its publication."""
        return self.updated or self.date

    @property
    def sort_key(self) -> tuple[datetime, str]:
        """Chronological order, by UTC instant (two datetimes of one ZoneInfo compare as wall clocks,
        wrong when the clocks go back); the file name breaks ties so order never depends on the disk."""
        return (self.date.astimezone(UTC), self.name)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, 1)
