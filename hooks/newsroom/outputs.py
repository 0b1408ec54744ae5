"""Every address the site answers, claimed once: what the site writes itself (each writer
declares its paths: ``feeds.output_paths``, ``sitemap.OUTPUTS``, ``search.bundle_path``,
``images.THUMBNAILS``, ``organization.FEED_ICON``), hand-written pages, releases and their old
addresses (aliases).

An address claimed twice is a page that would silently replace another; the build fails
naming both instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import feeds, organization, sitemap
from .browser_policy import HEADERS_FILE
from .images import THUMBNAILS
from .search import bundle_path
from .taxonomy import Taxonomies
from .text_edition import TEXT
from .urls import media_url

#: Written by MkDocs from the theme (overrides/404.html); each other edition's by the newsroom.
NOT_FOUND_PAGE = "404.html"


#: What the site writes with the text of a hand-written file of the same name in it (docs/robots.txt
#: keeps its rules, and gains the sitemaps' lines): such a file is not replaced, and may be there.
MERGED = frozenset({sitemap.ROBOTS})


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


def site_outputs(
    taxonomies: Taxonomies, editions: Sequence[tuple[str, Taxonomies]] = (), search_folders: Sequence[str] = ()
) -> Claims:
    """What the site writes beside its pages: feeds (each edition's: ``editions``, by prefix, else the
    site's) and their icon, sitemaps, robots.txt, the 404 page, the search index (each edition's
    shards: ``search_folders``, else ``pagefind/`` of each edition), thumbnails."""
    claims = Claims()
    for prefix, terms in editions or [("", taxonomies)]:
        for path in feeds.output_paths(terms, prefix):
            claims.claim(path, "the site itself (a feed)")
        claims.claim(prefix + NOT_FOUND_PAGE, "the site itself (the 404 page)")
        if not search_folders:
            claims.claim_folder(f"{bundle_path(prefix)}/", "the site itself (the search index)")
    for folder in search_folders:
        claims.claim_folder(f"{folder}/", "the site itself (the search index)")
    for path in sitemap.OUTPUTS:
        claims.claim(path, "the site itself (the sitemap)")
    claims.claim_folder(sitemap.NUMBERED, "the site itself (the sitemap)")
    claims.claim(sitemap.NEWS, "the site itself (the news sitemap)")
    claims.claim(sitemap.ROBOTS, "the site itself (robots.txt)")
    claims.claim(organization.FEED_ICON, "the site itself (the feeds' icon)")
    claims.claim(HEADERS_FILE, "the site itself (the headers file)")
    claims.claim_folder(media_url(THUMBNAILS), "the site itself (thumbnails)")
    claims.claim_folder(TEXT, "the site itself (the text-only edition)")
    return claims
