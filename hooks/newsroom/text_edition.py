"""The text-only edition: a light copy of every release and listing under ``text/``, for readers
on slow, watched or censored connections.

A text page is plain HTML: no script, no web font, no image and nothing loaded from anywhere
(its policy says so: ``default-src 'none'``), but a few lines of style in the page itself. It is
made from what the rest of the site is made of (the same ``Release`` objects and views, the same
listing pages, the same checked and sanitized bodies), so it shows what the site shows and holds
back what the site holds back. Its address mirrors the page it copies (``news/2020/03/03/x/`` is
``text/news/2020/03/03/x/``); every link in it is relative, to another text page where there is
one, else to the site's own file (a photo, a hand-written page), so the edition works from a
mirror under any path.

Bodies are walked once more (``text_body``): each image becomes its alt text with a link to the
file, video, audio and embedded frames a link, heading permalinks and ``style`` attributes go,
and every relative address is made relative to the text page.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import jinja2
from lxml import etree
from markupsafe import Markup

from .bodies import remove_keeping_tail
from .browser_policy import digest
from .listings import Listing
from .urls import absolute
from .views import ReleaseLink, ReleaseView

#: Where the edition lives, relative to the site root.
TEXT = "text/"
#: The kinds of listing (``Listing.kind``) that have a text version: those listing releases or
#: terms. The search page needs script; the subscribe page is a list of feeds.
KINDS = frozenset({"home", "news", "year", "taxonomy", "term"})
#: The templates, looked up in the theme's folders (a site may override them in its own).
RELEASE_TEMPLATE = "text/release.html"
LISTING_TEMPLATE = "text/listing.html"
SECTIONS_TEMPLATE = "text/sections.html"

#: The only style of a text page, inline: its text never changes, so a Content-Security-Policy can
#: allow it by hash (``STYLE_HASH``). Light and dark, as the reader's system prefers.
STYLE = (
    "body{max-width:42em;margin:0 auto;padding:0 1em 2em;font:1rem/1.5 system-ui,sans-serif;"
    "color:#1a1a1a;background:#fff}"
    "a{color:#0b57d0}a:visited{color:#6a1b9a}"
    "header,nav{border-bottom:1px solid #888;padding:.3em 0}"
    "nav ul,.nr-inline{padding:0;margin:.3em 0}nav li,.nr-inline li{display:inline;margin-inline-end:.8em}"
    "h1{font-size:1.5em;line-height:1.25}h2{font-size:1.2em}"
    "ol.nr-list>li{margin-bottom:1em}.nr-meta{color:#555;font-size:.9em}"
    "blockquote{margin:0 1em;padding-inline-start:1em;border-inline-start:3px solid #888}"
    "pre{overflow:auto}table{border-collapse:collapse}td,th{border:1px solid #888;padding:.2em .4em}"
    "@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}a{color:#8ab4f8}"
    "a:visited{color:#d7aefb}.nr-meta{color:#bbb}}"
)
STYLE_HASH = digest(STYLE)
#: Every text page's own policy: nothing may load or run, but its style.
POLICY = f"default-src 'none'; script-src 'none'; style-src {STYLE_HASH}; base-uri 'none'; form-action 'none'"


def text_url(url: str) -> str:
    """The address of the text version of the page at ``url`` (both relative to the site root)."""
    return TEXT + url


def has_text_version(listing: Listing) -> bool:
    return listing.kind in KINDS


def link(url: str, here: str) -> str:
    """``url`` as a relative link from the page at ``here`` (both relative to the site root; a page's
    address ends in '/', the site root's is ''), as ``urls.relative_url`` makes it; always ending
    in '/' for a page, the site root included."""
    return _link(here.split("/")[:-1], url)


def _link(folders: list[str], url: str) -> str:
    """``link`` from the page whose folders (from the site root) are ``folders``."""
    there = url.split("/")
    name = there.pop()
    common = 0
    for a, b in zip(folders, there, strict=False):
        if a != b:
            break
        common += 1
    rest = there[common:]
    found = "../" * (len(folders) - common) + ("/".join(rest) + "/" if rest else "") + name
    return found or "./"


class Here:
    """Links from one text page: to other text pages where they exist, else to the site's files."""

    def __init__(self, url: str, addresses: Collection[str]):
        self.url = url
        """The text page's own address."""
        self.addresses = addresses
        self.folders = url.split("/")[:-1]
        """Its folders, split once for the dozens of links a page has."""

    @property
    def depth(self) -> int:
        """How many folders down from the site root the page is."""
        return self.url.count("/")

    def to(self, url: str) -> str:
        """To the text version of the page at ``url`` if it has one, else to the page itself."""
        if url in self.addresses:
            return _link(self.folders, TEXT + url)
        return _link(self.folders, url)

    def file(self, url: str) -> str:
        """To the site's own page or file at ``url`` (a photo; the full version of a page)."""
        return _link(self.folders, url)


@dataclass(frozen=True, slots=True)
class Labels:
    """What a text body says in place of its media, in the site's language."""

    image: str
    video: str
    audio: str
    embed: str


#: Elements a text body shows as a link (their address) with words.
_MEDIA = frozenset({"img", "picture", "video", "audio", "iframe"})
#: Attributes holding an address a reader may follow.
_LINKS = ("href", "cite")
_PARSER = etree.HTMLParser()


def text_body(body_html: str, page_url: str, here: Here, labels: Labels) -> str:
    """A body's HTML (as its page shows it, with addresses relative to ``page_url``) for its text page."""
    if not body_html.strip():
        return ""
    root = etree.fromstring(f"<html><body>{body_html}</body></html>", _PARSER).find("body")
    _Rewrite(page_url, here, labels).walk(root, in_link=False)
    head = html.escape(root.text, quote=False) if root.text else ""
    return head + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)


class _Rewrite:
    def __init__(self, page_url: str, here: Here, labels: Labels):
        self.base = "http://site/" + page_url
        self.here = here
        self.labels = labels

    def walk(self, parent: Any, in_link: bool) -> None:
        for child in list(parent):
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == "a" and "headerlink" in (child.get("class") or "").split():
                remove_keeping_tail(child)
            elif tag in _MEDIA:
                self.replace(child, in_link)
            elif tag in ("source", "track"):
                remove_keeping_tail(child)
            else:
                child.attrib.pop("style", None)
                for attribute in _LINKS:
                    value = child.get(attribute)
                    if value is not None:
                        child.set(attribute, self.address(value, text=True))
                self.walk(child, in_link or tag == "a")

    def replace(self, element: Any, in_link: bool) -> None:
        """An image, picture, video, audio or frame as words naming it, linked to its file."""
        tag = element.tag
        inner = element
        if tag == "picture":
            inner = next(element.iter("img"), element)
        source = inner.get("src") or next((s.get("src") for s in element.iter("source") if s.get("src")), None)
        if tag in ("img", "picture"):
            label, words = self.labels.image, inner.get("alt") or inner.get("title") or ""
        else:
            label = {"video": self.labels.video, "audio": self.labels.audio}.get(tag, self.labels.embed)
            words = element.get("title") or ""
        words = " ".join(words.split())
        if source and not in_link:
            new = etree.Element("a", {"href": self.address(source, text=False)})
        else:
            new = etree.Element("span")
        new.text = f"{label}: {words}" if words else label
        new.tail = element.tail
        parent = element.getparent()
        parent.replace(element, new)

    def address(self, value: str, *, text: bool) -> str:
        """An address of the body, relative to the text page; ``text``: to a text page where there is one."""
        stripped = value.strip()
        try:
            parts = urlsplit(stripped)
        except ValueError:
            return value
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return value
        target = urlsplit(urljoin(self.base, parts.path)).path.lstrip("/")
        if text and posixpath.basename(target) == "index.html" and target[:-10] in self.here.addresses:
            target = target[:-10]
        found = self.here.to(target) if text else self.here.file(target)
        return urlunsplit(("", "", found, parts.query, parts.fragment))


@dataclass(frozen=True, slots=True)
class Site:
    """What every text page says about the site."""

    name: str
    url: str
    """The site's address (``site_url``), for each page's canonical link; '' for none."""
    language: str
    """The language of the interface (``<html lang>``)."""
    onion: str | None = None
    """The site's address as an onion service, ending in '/' (``onion_location``): each text page
    names its own address there, for Tor Browser."""


class TextEdition:
    """Renders the text pages of one build with the theme's ``text/*.html`` templates.

    Every value is escaped (the templates' environment autoescapes); bodies, already sanitized,
    are marked safe after ``text_body``. Interface strings come from ``t`` (the site's strings
    files, as every page gets them).
    """

    def __init__(
        self,
        loader: jinja2.BaseLoader,
        t: Callable[[str], str],
        site: Site,
        addresses: Collection[str],
    ):
        self.env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,
        )
        self.t = t
        self.site = site
        self.addresses = addresses
        """The addresses (relative to the site root) of every page that has a text version."""
        self.labels = Labels(
            t("newsroom.text.image"), t("newsroom.text.video"), t("newsroom.text.audio"), t("newsroom.text.embed")
        )
        self.env.globals.update(t=t, site=site, style=Markup(STYLE), policy=POLICY)
        self.sections: dict[int, Markup] = {}
        """The links to the sections (``text/sections.html``), the same on every page as deep: made once."""

    def _render(self, template: str, url: str, here: Here, **values: Any) -> str:
        canonical = absolute(self.site.url, url) if self.site.url else None
        root = "../" * (here.depth - 1)
        sections = self.sections.get(here.depth)
        if sections is None:
            sections = Markup(self.env.get_template(SECTIONS_TEMPLATE).render(root=root))
            self.sections[here.depth] = sections
        return self.env.get_template(template).render(
            here=here, root=root, normal_url=url, canonical=canonical, sections=sections, **values
        )

    def title(self, text: str) -> str:
        """A listing's title: interface-string keys (``newsroom.news``) in the site's language."""
        return self.t(text) if text.startswith("newsroom.") else text

    def release(self, view: ReleaseView, body_html: str, *, draft: bool = False) -> str:
        """The text page of a release (``view`` as its page shows it; ``body_html`` its page's body)."""
        here = Here(text_url(view.url), self.addresses)
        body = Markup(text_body(body_html, view.url, here, self.labels))
        return self._render(RELEASE_TEMPLATE, view.url, here, r=view, body=body, draft=draft)

    def listing(self, listing: Listing, cards: Sequence[ReleaseLink], intro_html: str | None = None) -> str:
        """The text page of one page of a listing; ``intro_html`` its introduction (a hand-written
        page, as the listing page shows it), shown on its first page."""
        here = Here(text_url(listing.url), self.addresses)
        intro = None
        if intro_html and listing.number == 1:
            intro = Markup(text_body(intro_html, listing.url, here, self.labels))
        return self._render(
            LISTING_TEMPLATE,
            listing.url,
            here,
            l=listing,
            title=self.title(listing.title),
            cards=cards,
            intro=intro,
        )
