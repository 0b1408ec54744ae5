"""sitemap.xml: every published page, with the date its content last changed.

``lastmod`` comes from the releases (their ``updated`` or publication date),
never from the build time, so an unchanged archive gives an unchanged sitemap.
Past 50,000 addresses (the protocol's limit per file) the sitemap becomes an
index of numbered sitemaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from .model import Release
from .publication import instant
from .urls import absolute

LIMIT = 50_000
#: The files the sitemap writes (``sitemap.xml``, and its gzipped copy if a host makes one) and,
#: past the limit, the prefix of the numbered sitemaps.
OUTPUTS = ("sitemap.xml", "sitemap.xml.gz")
NUMBERED = "sitemap-"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True, slots=True)
class Entry:
    url: str
    """Relative to the site root."""
    lastmod: datetime | None = None


def last_change(releases: Iterable[Release]) -> datetime | None:
    """When the newest of these releases last changed."""
    return max((r.last_changed for r in releases), key=instant, default=None)


def _urlset(site_url: str, entries: Sequence[Entry]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    for entry in entries:
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        lines.append(f"<url><loc>{escape(absolute(site_url, entry.url))}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write_sitemaps(site_dir: Path, site_url: str, entries: Sequence[Entry], limit: int = LIMIT) -> list[Path]:
    """Write sitemap.xml (and sitemap-N.xml past ``limit`` entries); return the files written."""
    entries = sorted(entries, key=lambda e: e.url)
    if len(entries) <= limit:
        target = site_dir / "sitemap.xml"
        target.write_text(_urlset(site_url, entries), encoding="utf-8")
        return [target]
    written = []
    index = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    for number, start in enumerate(range(0, len(entries), limit), start=1):
        chunk = entries[start : start + limit]
        name = f"sitemap-{number}.xml"
        (site_dir / name).write_text(_urlset(site_url, chunk), encoding="utf-8")
        written.append(site_dir / name)
        newest = max((e.lastmod for e in chunk if e.lastmod), key=instant, default=None)
        lastmod = f"<lastmod>{newest.isoformat()}</lastmod>" if newest else ""
        index.append(f"<sitemap><loc>{escape(absolute(site_url, name))}</loc>{lastmod}</sitemap>")
    index.append("</sitemapindex>")
    (site_dir / "sitemap.xml").write_text("\n".join(index) + "\n", encoding="utf-8")
    return [site_dir / "sitemap.xml", *written]
