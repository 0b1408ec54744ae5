"""sitemap.xml, the news sitemap and robots.txt: what crawlers are given to find the site's pages.

``sitemap.xml`` lists every published page, with the date its content last changed. ``lastmod``
comes from the releases (their ``updated`` or publication date), never from the build time,
so an unchanged archive gives an unchanged sitemap. Past 50,000 addresses (the protocol's
limit per file) the sitemap becomes an index of numbered sitemaps.

``news-sitemap.xml`` is a Google News sitemap: the releases made public in the 48 hours
before the build (its clock: ``publication.build_time``), with the publication's name and
each release's language, date and title. ``robots.txt`` names both sitemaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from .model import Release
from .publication import instant, release_time
from .urls import absolute, url_of

LIMIT = 50_000
#: The files the sitemap writes (``sitemap.xml``, and its gzipped copy if a host makes one) and,
#: past the limit, the prefix of the numbered sitemaps.
OUTPUTS = ("sitemap.xml", "sitemap.xml.gz")
NUMBERED = "sitemap-"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True, slots=True)
class Entry:
    url: str
    """Relative to the site root."""
    lastmod: datetime | None = None
    alternates: tuple[tuple[str, str], ...] = ()
    """The page in other languages (``languages.alternates``): (hreflang, address relative to the root)."""


def last_change(releases: Iterable[Release]) -> datetime | None:
    """When the newest of these releases last changed."""
    return max((r.last_changed for r in releases), key=instant, default=None)


def _urlset(site_url: str, entries: Sequence[Entry]) -> str:
    head = f'<urlset xmlns="{NAMESPACE}" xmlns:xhtml="{XHTML}">' if any(e.alternates for e in entries) else ""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', head or f'<urlset xmlns="{NAMESPACE}">']
    for entry in entries:
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        others = "".join(
            f'<xhtml:link rel="alternate" hreflang="{escape(tag)}" href="{escape(absolute(site_url, there))}"/>'
            for tag, there in entry.alternates
        )
        lines.append(f"<url><loc>{escape(absolute(site_url, entry.url))}</loc>{lastmod}{others}</url>")
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


# -- the news sitemap --------------------------------------------------------------

NEWS = "news-sitemap.xml"
NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"
#: How long a release stays in the news sitemap after it is made public (Google News' "two days").
NEWS_WINDOW = timedelta(hours=48)
#: The most URLs a news sitemap may list.
NEWS_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class NewsEntry:
    url: str
    """Relative to the site root."""
    title: str
    language: str
    """BCP 47, as the release gives it."""
    published: datetime
    """The release's date, as its page and its structured data give it."""


def news_entries(published: Iterable[Release], now: datetime) -> list[NewsEntry]:
    """The releases made public in the ``NEWS_WINDOW`` before ``now``, most recent first.

    A release counts from the moment it became public: its date, or the end of its embargo if
    that is later (an embargoed release is news when it is lifted). ``published`` holds the
    releases the build publishes: drafts and releases still under embargo are never among them.
    """
    start = instant(now) - NEWS_WINDOW
    recent = [r for r in published if start <= instant(release_time(r)) <= instant(now)]
    recent.sort(key=lambda r: (instant(release_time(r)), r.name), reverse=True)
    return [NewsEntry(url_of(r), r.title, r.language, r.date) for r in recent[:NEWS_LIMIT]]


def news_language(tag: str) -> str:
    """A BCP 47 tag as news sitemaps take a language: its ISO 639 code in lowercase, but Chinese,
    which is zh-cn (simplified) or zh-tw (traditional)."""
    parts = tag.replace("_", "-").lower().split("-")
    if parts[0] != "zh":
        return parts[0]
    return "zh-tw" if any(p in ("hant", "tw", "hk", "mo") for p in parts[1:]) else "zh-cn"


def news_sitemap(site_url: str, publication: str, entries: Sequence[NewsEntry]) -> bytes:
    """The news sitemap of ``entries``, as UTF-8 XML, ``publication`` naming the publisher."""
    sm = f"{{{NAMESPACE}}}"
    news = f"{{{NEWS_NAMESPACE}}}"
    urlset = etree.Element(sm + "urlset", nsmap={None: NAMESPACE, "news": NEWS_NAMESPACE})
    for entry in entries:
        url = etree.SubElement(urlset, sm + "url")
        etree.SubElement(url, sm + "loc").text = absolute(site_url, entry.url)
        item = etree.SubElement(url, news + "news")
        publisher = etree.SubElement(item, news + "publication")
        etree.SubElement(publisher, news + "name").text = publication
        etree.SubElement(publisher, news + "language").text = news_language(entry.language)
        etree.SubElement(item, news + "publication_date").text = entry.published.isoformat()
        etree.SubElement(item, news + "title").text = entry.title
    return etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_news_sitemap(site_dir: Path, site_url: str, publication: str, entries: Sequence[NewsEntry]) -> Path:
    target = site_dir / NEWS
    target.write_bytes(news_sitemap(site_url, publication, entries))
    return target


# -- robots.txt --------------------------------------------------------------------

ROBOTS = "robots.txt"
#: What the site asks of crawlers when docs/ has no robots.txt of its own: everything may be read.
DEFAULT_ROBOTS = "User-agent: *\nAllow: /\n"


def robots_txt(sitemaps: Sequence[str], hand_written: str | None = None) -> str:
    """robots.txt naming each of ``sitemaps`` (absolute URLs).

    A hand-written ``docs/robots.txt`` is kept as written, and the ``Sitemap:`` lines it lacks
    are added at its end; without one, every crawler may read everything.
    """
    text = DEFAULT_ROBOTS if hand_written is None else hand_written
    named = set()
    for line in text.splitlines():
        key, colon, value = line.split("#", 1)[0].partition(":")
        if colon and key.strip().lower() == "sitemap":
            named.add(value.strip())
    missing = [url for url in sitemaps if url not in named]
    if not missing:
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "\n" + "".join(f"Sitemap: {url}\n" for url in missing)
