"""The URL scheme of the site, in one place.

Every URL here is a path relative to the site root, ending in '/' for pages:
templates turn them into page-relative links, feeds into absolute ones.
"""

from __future__ import annotations

from datetime import datetime

from slugify import slugify

from .model import Release

NEWS = "news/"
SEARCH = "search/"
SUBSCRIBE = "subscribe/"
MEDIA = "media/"


def release_url(when: datetime, slug: str) -> str:
    """``news/YYYY/MM/DD/<slug>/``, from the date in the site's time zone (``when`` is already in it)."""
    return f"{NEWS}{when.year:04}/{when.month:02}/{when.day:02}/{slug}/"  # strftime is slower


def url_of(release: Release) -> str:
    """Its address: under its edition's prefix (``ko/news/...``), at the root in the default edition."""
    return release.edition + release_url(release.date, release.slug)


#: Apostrophes join, as in most newsrooms' addresses: "Women's Rights" -> womens-rights.
_APOSTROPHES = [["'", ""], ["\u2019", ""]]


def term_slug(name: str) -> str:
    """Lowercase ASCII words joined by hyphens: "Women's Rights" -> 'womens-rights', '북한' -> 'bughan'."""
    return slugify(name, replacements=_APOSTROPHES)


def term_url(taxonomy: str, slug: str) -> str:
    return f"{taxonomy}/{slug}/"


def taxonomy_url(taxonomy: str) -> str:
    return f"{taxonomy}/"


#: The search page's filter for each taxonomy: search/?country=north-korea.
FACET_OF = {"regions": "region", "countries": "country", "topics": "topic", "organizations": "organization"}


def search_url(taxonomy: str, slug: str) -> str:
    """The search page, filtered to one term."""
    return f"{SEARCH}?{FACET_OF[taxonomy]}={slug}"


def year_url(year: int) -> str:
    return f"{NEWS}{year}/"


def page_url(base: str, number: int) -> str:
    """Page 1 of a listing is its base URL; the others are ``<base>page/N/``."""
    return base if number == 1 else f"{base}page/{number}/"


def media_url(path: str) -> str:
    """Where a file shipped with the releases (``images/x.jpg``) is published."""
    return MEDIA + path


def feed_url(base: str, kind: str) -> str:
    """``feed.xml`` (RSS), ``atom.xml`` or ``feed.json`` under a page's URL ('' for the site)."""
    return base + {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}[kind]


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def relative_url(url: str, page_url: str) -> str:
    """``url`` as a link from the page at ``page_url`` (both relative to the site root), as the
    site engine writes links between pages: ``news/2019/x/`` from ``news/2020/y/`` is ``../../2019/x/``."""
    dirname, _, basename = page_url.rpartition("/")
    if "." in basename:
        page_url = dirname
    here = [part for part in page_url.split("/") if part]
    there = [part for part in url.split("/") if part]
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    link = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return link + "/" if url.endswith("/") else link
