"""Feeds: RSS 2.0 and Atom 1.0 with feedgen, JSON Feed 1.1 with the standard json module.

One set for the site (the newest releases) and one for every term. Each
release becomes one feed item, prepared once and shared by every feed it is
in; its entry is written once a format (``Item.xml``) and copied into each.
Everything in a feed comes from the releases, never from the clock: an
unchanged archive gives byte-identical feeds.

Longer than 300 lines on purpose: the three formats share one item model (``Item``), and
what each format escapes or leaves out is only clear side by side.
"""

from __future__ import annotations

import functools
import html
import json
import mimetypes
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from .model import TAXONOMIES, Release
from .publication import instant
from .published import Published
from .settings import Settings
from .taxonomy import Taxonomies
from .urls import absolute, feed_url, media_url, url_of

MIME = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: Atom's <updated> of a feed without items (see FeedWriter._xml).
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)

#: Where an HTML parser would start a tag, a comment or a declaration.
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def as_html(text: str) -> str:
    """Plain text as HTML that shows that very text. RSS readers take an item's description, and
    the channel's, as HTML: text goes there escaped, or a summary holding `<b>` would be bold,
    one holding `<script>` live markup, and `&amp;` would show as `&`."""
    return html.escape(text, quote=False)


def rss_title(text: str) -> str:
    """A title for RSS, where titles are text by the specification, yet many readers (feedparser
    among them) take them as HTML when they look like HTML. A title that would not read back as
    itself if parsed as HTML (it holds a tag, comment or character reference) is escaped, so that
    these readers show it as written; any other title is left as it is, so that the readers that
    take titles as text show it right too (`Bosnia & Herzegovina`, `a < b`)."""
    if _TAG_START.search(text) or html.unescape(text) != text:
        return as_html(text)
    return text


@dataclass(frozen=True, slots=True)
class Labels:
    """The interface strings feed items use (``newsroom.content_warning``, ``newsroom.show_photo``)."""

    content_warning: str = "Content warning"
    show_photo: str = "Show photo"


#: What may end a warning as a sentence (no full stop is added after it in a summary).
_ENDS = set(".!?\u3002\uff01\uff1f\u2026")  # and the ideographic full stop, fullwidth ! and ?, …


class FeedError(ValueError):
    """The feeds cannot be written as configured."""


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    url: str
    """Absolute URL of the term's page."""


@dataclass(frozen=True, slots=True)
class Enclosure:
    url: str
    length: int
    mime: str


@dataclass(slots=True)
class Item:
    """A release as every feed shows it, prepared once."""

    title: str
    url: str
    """Absolute permalink; also the item's GUID / id, so a new title never re-announces it."""
    published: datetime
    updated: datetime | None
    summary: str
    content_html: str
    categories: tuple[Category, ...]
    dateline: str | None
    language: str
    enclosure: Enclosure | None
    _entries: dict[str, FeedEntry] = field(default_factory=dict, repr=False)
    _xml: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def changed(self) -> datetime:
        return self.updated or self.published

    def fingerprint(self) -> int:
        """Changes whenever anything a feed shows of this item changes."""
        return hash(
            (
                self.title,
                self.url,
                self.published,
                self.updated,
                self.summary,
                self.content_html,
                self.categories,
                self.dateline,
                self.language,
                self.enclosure,
            )
        )

    def entry(self, kind: str) -> FeedEntry:
        """The feedgen entry of this item in one format, shared by all the feeds it is in."""
        if kind not in self._entries:
            entry = FeedEntry()
            entry.load_extension("dc")
            entry.id(self.url)
            entry.guid(self.url, permalink=True)
            # Atom's title and summary are text (feedgen writes no type); RSS readers guess, or read HTML.
            entry.title(rss_title(self.title) if kind == "rss" else self.title)
            entry.link(href=self.url, rel="alternate")
            entry.published(self.published)
            entry.updated(self.changed)
            entry.summary(as_html(self.summary) if kind == "rss" else self.summary)
            entry.content(self.content_html, type="html")
            for category in self.categories:
                entry.category(term=category.name, scheme=category.url)
            if self.dateline:
                entry.dc.dc_coverage(self.dateline)
            entry.dc.dc_language(self.language)
            # feedgen 1.0 writes Atom entry links without their rel: the photo would become a
            # second "alternate" link. Atom readers get it in the content, like everyone else.
            if self.enclosure and kind == "rss":
                entry.enclosure(self.enclosure.url, str(self.enclosure.length), self.enclosure.mime)
            self._entries[kind] = entry
        return self._entries[kind]

    def xml(self, kind: str) -> bytes:
        """This item's entry as it stands in every feed of its format, pretty-printed: written once
        (by feedgen, in a feed of it alone), then copied into each feed it is in."""
        if kind not in self._xml:
            empty, channel = _skeleton(kind)
            end = len(empty) - len(_CLOSE[kind])
            fg = channel()
            fg.add_entry(self.entry(kind))
            alone = fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)
            if not (alone.startswith(empty[:end]) and alone.endswith(_CLOSE[kind])):
                raise FeedError(f"feedgen wrote the entry of {self.url} in an unexpected feed")
            self._xml[kind] = alone[end : len(alone) - len(_CLOSE[kind])]
        return self._xml[kind]

    def json(self) -> dict:
        item: dict = {
            "id": self.url,
            "url": self.url,
            "title": self.title,
            "content_html": self.content_html,
            "summary": self.summary,
            "date_published": self.published.isoformat(),
        }
        if self.updated:
            item["date_modified"] = self.updated.isoformat()
        if self.enclosure:
            item["image"] = self.enclosure.url
            item["attachments"] = [
                {"url": self.enclosure.url, "mime_type": self.enclosure.mime, "size_in_bytes": self.enclosure.length}
            ]
        item["tags"] = [c.name for c in self.categories]
        item["language"] = self.language
        if self.dateline:
            item["_newsroom"] = {"dateline": self.dateline}
        return item


#: How feedgen (pretty-printed) ends a feed of each format: its entries come right before.
_CLOSE = {"rss": b"  </channel>\n</rss>\n", "atom": b"</feed>\n"}


@functools.cache
def _skeleton(kind: str) -> tuple[bytes, Callable[[], FeedGenerator]]:
    """A feed of one format without entries, as bytes, and a way to make it again (to add one)."""

    def channel() -> FeedGenerator:
        fg = FeedGenerator()
        fg.load_extension("dc")  # as every feed: its namespace declared on the root, not on the entry
        fg.id("https://example.org/")
        fg.title("skeleton")
        fg.link(href="https://example.org/", rel="alternate")
        fg.description("skeleton")
        fg.updated(EMPTY_FEED_UPDATED)
        return fg

    fg = channel()
    return (fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)), channel


@dataclass(frozen=True, slots=True)
class Feed:
    """One channel: the site's, or a term's."""

    base: str
    """Where its three files live: '' for the site, 'countries/north-korea/' for a term."""
    title: str
    page: str
    """The page the feed follows, relative to the site root."""
    description: str
    releases: Sequence[Release]

    def path(self, kind: str) -> str:
        return feed_url(self.base, kind)


@dataclass(frozen=True, slots=True)
class Site:
    """What feeds say about the site itself."""

    name: str
    url: str
    description: str
    language: str
    icon: str | None = None
    """Absolute URL of the site's icon (the favicon)."""
    logo: str | None = None
    large_icon: str | None = None
    """Absolute URL of a large square icon (512×512 PNG), JSON Feed's ``icon``."""


def output_paths(taxonomies: Taxonomies, prefix: str = "") -> list[str]:
    """Every file an edition's feeds write (``prefix``: its folder): three for it and three for each term."""
    return [feed_url(base, kind) for base in [prefix, *(t.url for t in taxonomies.all_terms())] for kind in MIME]


def site_feeds(
    releases: Sequence[Release], taxonomies: Taxonomies, site: Site, limit: int, prefix: str = ""
) -> list[Feed]:
    """An edition's feed (``prefix``: its folder, '' for the site's) and one per term, each with its
    newest ``limit`` releases."""
    feeds = [Feed(prefix, site.name, prefix, site.description, releases[:limit])]
    feeds.extend(
        Feed(
            term.url,
            f"{site.name}: {term.name}",
            term.url,
            f"{site.description} — {term.name}",
            term.releases[:limit],
        )
        for taxonomy in TAXONOMIES
        for term in taxonomies.terms[taxonomy].values()
    )
    return feeds


class KeptFiles(Protocol):
    """Files kept between builds by a key (``newsroom.page_cache.PageCache``)."""

    def get(self, page_key: str) -> bytes | None: ...

    def put(self, page_key: str, page: bytes) -> None: ...

    def keep(self, page_key: str) -> None:
        """Keep the entry under ``page_key`` (if any) for the next build, even if not read in this one."""


class FeedWriter:
    """Writes feeds, preparing each release's item once from the HTML its page already has."""

    def __init__(
        self,
        settings: Settings,
        site: Site,
        taxonomies: Taxonomies,
        content_of: Callable[[Release], str],
        previous: dict[str, int] | None = None,
        labels: Labels | None = None,
    ):
        """``previous``: the fingerprints of the feeds an earlier build of this process wrote, by
        base URL; a feed whose fingerprint is unchanged is not rendered again (`mkdocs serve`).
        It is updated in place. None: no build of this process follows (no fingerprint is made:
        it makes every item, body included, even of a feed taken from the cache). ``labels``:
        the interface strings items use, in the site's language."""
        if not settings.site_url:
            raise FeedError(
                "site_url is required: feeds need absolute URLs for their links. "
                "Set site_url in mkdocs.yml, e.g. site_url: https://news.example.org/"
            )
        self.settings = settings
        self.site = site
        self.taxonomies = taxonomies
        self.content_of = content_of
        self.items: dict[str, Item] = {}
        self.identities: dict[str, tuple] = {}
        self.previous = previous
        self.labels = labels or Labels()
        #: How many feeds the last ``write`` took from its cache.
        self.from_cache = 0

    def absolute(self, path: str) -> str:
        return absolute(self.settings.site_url or "", path)

    def item(self, release: Release) -> Item:
        found = self.items.get(release.name)
        if found is None:
            found = self.items[release.name] = self._item(release)
        return found

    def _item(self, release: Release) -> Item:
        url = self.absolute(url_of(release))
        enclosure = None
        if release.image:
            path = self.settings.releases_path / release.image.src
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            enclosure = Enclosure(self.absolute(media_url(release.image.src)), path.stat().st_size, mime)
        warning = release.content_warning
        categories = tuple(
            Category(term.name, self.absolute(term.url))
            for taxonomy in TAXONOMIES
            for term in self.taxonomies.of(release, taxonomy)
        )
        content = self.content_of(release)  # the body with absolute links, from its one parse (bodies)
        if release.image and enclosure:
            image = release.image
            caption = " ".join(html.escape(t) for t in (image.caption, image.credit) if t)
            figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
            figure = (
                f'<figure><img src="{html.escape(enclosure.url)}" alt="{html.escape(image.alt)}">{figcaption}</figure>'
            )
            if warning:
                # Only a link: feed readers drop <details> and <summary> (feedparser's sanitizer among
                # them) and would show the photo unasked.
                figure = f'<p><a href="{html.escape(enclosure.url)}">{html.escape(self.labels.show_photo)}</a>'
                figure += f" ({caption})</p>" if caption else "</p>"
            content = f"{figure}\n{content}"
        summary = release.summary
        if warning:
            # The warning leads the item; the photo is no enclosure readers would show as a thumbnail.
            lead = f"{self.labels.content_warning}: {warning}"
            content = (
                f"<p><strong>{html.escape(self.labels.content_warning)}:</strong> {html.escape(warning)}</p>\n{content}"
            )
            summary = f"{lead}{'' if lead[-1:] in _ENDS else '.'} {summary}"
            enclosure = None
        return Item(
            title=release.title,
            url=url,
            published=release.date,
            updated=release.updated,
            summary=summary,
            content_html=content,
            categories=categories,
            dateline=release.dateline,
            language=release.language,
            enclosure=enclosure,
        )

    def render(self, feed: Feed) -> dict[str, bytes]:
        """The three files of a feed, by format."""
        items = [self.item(r) for r in feed.releases]
        newest = max((i.changed for i in items), key=instant, default=None)
        return {
            "rss": self._xml(feed, items, newest, "rss"),
            "atom": self._xml(feed, items, newest, "atom"),
            "json": self._json(feed, items),
        }

    def _xml(self, feed: Feed, items: list[Item], newest: datetime | None, kind: str) -> bytes:
        # The entries, each written once (Item.xml), go where feedgen would write them: last.
        whole = self._channel(feed, newest, kind)
        text = whole.rss_str(pretty=True) if kind == "rss" else whole.atom_str(pretty=True)
        if not text.endswith(_CLOSE[kind]):
            raise FeedError(f"feedgen wrote the {kind} feed of {feed.page or 'the site'} in an unexpected form")
        end = len(text) - len(_CLOSE[kind])
        return text[:end] + b"".join(item.xml(kind) for item in items) + text[end:]

    def _channel(self, feed: Feed, newest: datetime | None, kind: str) -> FeedGenerator:
        """The feed without its entries."""
        fg = FeedGenerator()
        fg.load_extension("dc")
        page = self.absolute(feed.page)
        fg.id(page)
        fg.title(rss_title(feed.title) if kind == "rss" else feed.title)
        fg.author(name=self.site.name, uri=self.absolute(""))
        # The RSS channel <link> is the last link added: 'self' first, the page last.
        fg.link(href=self.absolute(feed.path(kind)), rel="self", type=MIME[kind])
        fg.link(href=page, rel="alternate", type="text/html")
        fg.description(as_html(feed.description) if kind == "rss" else feed.description)
        fg.language(self.site.language)
        fg.generator("newsroom (python-feedgen)")
        if self.site.icon:
            fg.icon(self.site.icon)
        if self.site.logo:
            fg.logo(self.site.logo)
        if newest is not None:
            fg.updated(newest)  # Atom's <updated> and RSS's <lastBuildDate>
        else:
            # An empty feed (only an archive without any release has one) never changed. Its date
            # is left out where the format allows it (RSS's <lastBuildDate>; feedgen has no public
            # way to leave it out); Atom requires <updated>: the Unix epoch, before any release can
            # be dated. Never the clock, which would make every build's feeds differ.
            fg.updated(EMPTY_FEED_UPDATED)
            fg._FeedGenerator__rss_lastBuildDate = None
        return fg

    def _json(self, feed: Feed, items: list[Item]) -> bytes:
        document: dict[str, object] = {
            "version": JSON_FEED_VERSION,
            "title": feed.title,
            "home_page_url": self.absolute(feed.page),
            "feed_url": self.absolute(feed.path("json")),
            "description": feed.description,
            "language": self.site.language,
        }
        icon = self.site.large_icon or self.site.logo or self.site.icon
        if icon:
            document["icon"] = icon
        if self.site.icon:
            document["favicon"] = self.site.icon
        document["authors"] = [{"name": self.site.name, "url": self.absolute("")}]
        document["items"] = [item.json() for item in items]
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def _made(self, feed: Feed, files: list[tuple[str, str]], cache: KeptFiles | None) -> dict[str, bytes]:
        """The bytes of a feed's three files: from ``cache``, under their ``files`` tokens, if it
        holds all three; else rendered, and kept in it."""
        tokens = dict(zip(MIME, (file_token for _, file_token in files), strict=True)) if files else {}
        if cache is not None and tokens:
            found = {kind: cache.get(file_token) for kind, file_token in tokens.items()}
            if all(data is not None for data in found.values()):
                self.from_cache += 1
                return {kind: data for kind, data in found.items() if data is not None}
        made = self.render(feed)
        if cache is not None and tokens:
            for kind, data in made.items():
                cache.put(tokens[kind], data)
        return made

    def identity(self, feed: Feed, body: Callable[[Release], str]) -> tuple:
        """Everything the files of ``feed`` are made from, as plain data, without making them:
        ``body`` names what an item's release and body are (a digest of them, as this build read
        and checked them); its terms, the size of its photo, the site and the labels are added."""
        return (
            feed.base,
            feed.title,
            feed.page,
            feed.description,
            repr(self.site),
            self.settings.site_url,
            repr(self.labels),
            [self._item_identity(release, body) for release in feed.releases],
        )

    def _item_identity(self, release: Release, body: Callable[[Release], str]) -> tuple:
        found = self.identities.get(release.name)
        if found is None:
            of = self.taxonomies.of
            terms = tuple((taxonomy, t.name, t.url) for taxonomy in TAXONOMIES for t in of(release, taxonomy))
            size = (self.settings.releases_path / release.image.src).stat().st_size if release.image else None
            found = self.identities[release.name] = (body(release), terms, size)
        return found

    def fingerprint(self, feed: Feed) -> int:
        return hash(
            (
                feed.base,
                feed.title,
                feed.page,
                feed.description,
                self.site,
                self.settings.site_url,
                tuple(self.item(r).fingerprint() for r in feed.releases),
            )
        )

    def write(
        self,
        site_dir: Path,
        feeds: Iterable[Feed],
        published: Published | None = None,
        key: Callable[[Feed], str | None] | None = None,
        cache: KeptFiles | None = None,
    ) -> list[Path]:
        """Write every feed's three files; a file whose bytes did not change is left untouched.
        ``key``: a digest of everything a feed is made from; a feed whose files the ``published``
        site holds under it is not made at all (``newsroom.published``), nor one whose files
        ``cache`` holds under it: they are written from there (and a feed made is kept in it)."""
        written: list[Path] = []
        self.from_cache = 0
        for feed in feeds:
            targets = {kind: site_dir / feed.path(kind) for kind in MIME}
            token = key(feed) if key is not None and (published is not None or cache is not None) else None
            files = [(feed.path(kind), f"{token}/{kind}") for kind in MIME] if token is not None else []
            if cache is not None:
                for _, file_token in files:
                    cache.keep(file_token)  # still needed by a build that writes every feed
            if files and published is not None:
                if published.holds_every(files):
                    written.extend(targets.values())  # as the last build published them
                    continue
                for relative, file_token in files:
                    published.wrote(relative, file_token)
            fingerprint = self.fingerprint(feed) if self.previous is not None else None
            if (
                self.previous is not None
                and self.previous.get(feed.base) == fingerprint
                and all(t.exists() for t in targets.values())
            ):
                written.extend(targets.values())  # as the last build of this process wrote them
                continue
            for kind, data in self._made(feed, files, cache).items():
                target = targets[kind]
                if not (target.exists() and target.read_bytes() == data):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                written.append(target)
            if self.previous is not None and fingerprint is not None:
                self.previous[feed.base] = fingerprint
        return written
