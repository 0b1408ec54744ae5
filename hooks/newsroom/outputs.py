"""Every address the site answers, claimed once: what the site writes itself (each writer's
paths, declared here), hand-written pages, releases and their old addresses (aliases).

An address claimed twice is a page that would silently replace another; the build fails
naming both instead.
"""

from __future__ import annotations

from .images import THUMBNAILS
from .search import OUTPUT as SEARCH_OUTPUT
from .taxonomy import Taxonomies
from .urls import feed_url, media_url

FEED_KINDS = ("rss", "atom", "json")


class Claims:
    """Who answers each address: files by path, and folders the site fills itself by prefix."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}

    def owner(self, path: str) -> str | None:
        found = self.files.get(path)
        if found is None:
            found = next((who for folder, who in self.folders.items() if path.startswith(folder)), None)
        return found

    def claim(self, path: str, who: str) -> str | None:
        """Claim ``path`` for ``who``; the earlier owner if it was taken (then nothing changes)."""
        other = self.owner(path)
        if other is None:
            self.files[path] = who
        return other

    def claim_folder(self, prefix: str, who: str) -> None:
        self.folders[prefix] = who


def site_outputs(taxonomies: Taxonomies) -> Claims:
    """What the site writes beside its pages: feeds, sitemaps, the 404 page, search index, thumbnails."""
    claims = Claims()
    for base in ["", *(term.url for term in taxonomies.all_terms())]:
        for kind in FEED_KINDS:
            claims.claim(feed_url(base, kind), "the site itself (a feed)")
    for path in ("sitemap.xml", "sitemap.xml.gz"):
        claims.claim(path, "the site itself (the sitemap)")
    claims.claim_folder("sitemap-", "the site itself (the sitemap)")
    claims.claim("404.html", "the site itself (the 404 page)")
    claims.claim_folder(f"{SEARCH_OUTPUT}/", "the site itself (the search index)")
    claims.claim_folder(media_url(THUMBNAILS), "the site itself (thumbnails)")
    return claims
