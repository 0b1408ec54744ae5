"""What a body may hold, and the walk that holds it to it.

The policy (README: "What a body may hold"): nothing that runs (script, event handlers,
script addresses, frames, objects, forms, styles), nothing fetched from another host unless the
site lists it in ``embed_hosts``, no link to a held release in any spelling, no file shipped with
the releases that a browser would run as a page, nothing nested deeper than the HTML parser
keeps. ``Walk`` goes once over the parsed body (``bodies``) and reports each breach at its line;
``Policy.sanitize`` is the allowlist that every published body then passes through (nh3).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

import nh3

from .errors import shown
from .links import RESOURCES, URL_ATTRIBUTES, addresses, clean, place, scheme_of
from .urls import MEDIA, relative_url

if TYPE_CHECKING:
    from .bodies import Bodies, Source

#: Elements a body may not hold: they run code, replace the page or load it from elsewhere.
REFUSED = frozenset(
    {
        "script",
        "style",
        "object",
        "embed",
        "applet",
        "frame",
        "frameset",
        "base",
        "meta",
        "link",
        "form",
        "button",
        "textarea",
        "select",
        "svg",
        "math",
        "template",
        "noscript",
        "portal",
    }
)
#: Files shipped with the releases that are never published: a browser runs them as pages of the site.
ACTIVE_TYPES = frozenset(
    {
        ".html",
        ".htm",
        ".xhtml",
        ".shtml",
        ".svg",
        ".svgz",
        ".xml",
        ".xsl",
        ".xslt",
        ".js",
        ".mjs",
        ".swf",
        ".php",
        ".phtml",
    }
)
#: Ids the page around a body uses (Material's ``__config``, ``__search``...; its ``md-``; the
#: newsroom's ``nr-``): a body may not take them.
THEME_IDS = ("__", "md-", "nr-")
#: Address schemes a body may use; any other (javascript:, vbscript:, data:, file:...) is refused.
SCHEMES = frozenset({"", "http", "https", "mailto", "tel"})

#: What the sanitizer lets through: Markdown's output, and the plain HTML editors write.
TAGS = (nh3.ALLOWED_TAGS - {"map", "area"}) | {
    "figure",
    "figcaption",
    "details",
    "summary",
    "picture",
    "source",
    "video",
    "audio",
    "track",
    "input",
}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir", "style"},
    "a": {"href", "hreflang", "name", "rel"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "input": {"type", "checked", "disabled"},
    "video": {"src", "poster", "controls", "width", "height", "preload", "muted", "loop", "playsinline"},
    "audio": {"src", "controls", "preload", "muted", "loop"},
    "source": {"src", "srcset", "type", "media", "sizes", "width", "height"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "iframe": {"src", "width", "height", "title", "allowfullscreen", "loading", "referrerpolicy"},
    "col": {"span"},
    "colgroup": {"span"},
}
#: Markdown's tables align columns with a style rule; no other style rule is kept.
STYLE_PROPERTIES = {"text-align"}

#: Deepest nesting of elements a body may have: libxml2 drops what lies past 255 levels.
MAX_DEPTH = 200


@dataclass(frozen=True, slots=True)
class Policy:
    """What bodies of this site may do."""

    site_url: str | None
    embed_hosts: frozenset[str] = frozenset()
    """Other hosts a body may load images, media and frames from (empty by default)."""

    def sanitize(self, body_html: str) -> str:
        tags = TAGS | {"iframe"} if self.embed_hosts else TAGS - {"iframe"}
        return nh3.clean(
            body_html,
            tags=tags,
            attributes=ATTRIBUTES,
            link_rel=None,
            url_schemes=set(SCHEMES - {""}),
            filter_style_properties=STYLE_PROPERTIES,
            strip_comments=True,
        )


#: What a link to a held release's file resolves to, in ``Walk.lookups``.
HELD = "\0held"


class Walk:
    """One walk over a parsed body."""

    def __init__(self, bodies: Bodies, source: Source, resolve: bool):
        self.bodies = bodies
        self.source = source
        self.resolve = resolve and bodies.targets is not None
        self.base = bodies.guard.base(source.page_url)
        host, root = bodies.host, bodies.root
        self.absolute_base = (
            f"{urlsplit(bodies.policy.site_url or '').scheme or 'https'}://{host}/{root}{source.page_url}"
        )
        self.addresses: list[tuple[Any, str]] = []
        self.anchors: set[str] = set()
        self.referenced: set[str] = set()
        self.problems: list[tuple[int, str]] = []
        self.needles: list[tuple[str, ...]] = []
        """The text each problem was found by, in the body as written (``Bodies._placed``)."""
        self.removed: list[str] = []
        self.lookups: dict[str, str | None] = {}
        """Each file a link named, and what it resolved to (an address, ``HELD``, or None): the
        walk's verdict holds for as long as these do (``bodies.Verdict``)."""

    def problem(self, message: str, *needles: str) -> None:
        self.problems.append((self.source.line_of(*needles), message))
        self.needles.append(needles)

    def run(self, root: Any) -> None:
        for element in list(root.iter()):
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower()
            if tag in REFUSED:
                self.problem(
                    f"raw HTML <{tag}> is not allowed in a body: it would run code or change the "
                    "page for every reader; remove it (bodies hold text, links, images and media)",
                    f"<{tag}",
                )
                continue
            for attribute, value in list(element.attrib.items()):
                self.attribute(element, tag, attribute.lower(), value)
            for name in ("id", "name") if tag == "a" else ("id",):
                anchor = element.get(name)
                if anchor is None:
                    continue
                if anchor.startswith(THEME_IDS):
                    # The page's own scripts find their elements by id: a body's would be found first.
                    self.problem(
                        f"the id '{shown(anchor)}' is one the page's theme may use (ids starting with "
                        f"{', '.join(repr(p) for p in THEME_IDS)}); give the heading or element another id, "
                        "for example with {#another-id} after a heading",
                        anchor,
                    )
                self.anchors.add(anchor)

    def attribute(self, element: Any, tag: str, attribute: str, value: str) -> None:
        if attribute.startswith("on"):
            self.problem(
                f'the attribute {attribute}="…" on <{tag}> would run a script in every reader\'s browser; remove it',
                attribute,
            )
            return
        if attribute not in URL_ATTRIBUTES:
            return
        fetched = attribute in RESOURCES.get(tag, ())
        for address in addresses(attribute, value):
            scheme = scheme_of(address)
            if scheme not in SCHEMES:
                self.problem(
                    f"the address '{shown(address.strip())}' ({scheme}:) is not allowed in a body; link to a web "
                    "page (https://...) or to a file shipped with the releases",
                    address,
                    f"{scheme}:",
                )
                return
            for _, release in self.bodies.guard.find([address], self.source.page_url) if self.bodies.guard else ():
                self.problem(held_message(address, release), address)
                return
            if fetched:
                self.fetched(tag, address)
            if tag == "iframe" and not self.bodies.policy.embed_hosts:
                self.problem(
                    "raw HTML <iframe> is not allowed in a body: it loads another site into the page; "
                    "link to it instead, or list its host under extra.newsroom.embed_hosts",
                    "<iframe",
                )
                return
        if self.resolve and attribute in ("href", "src"):
            self.link(element, tag, attribute, value)
        if not scheme_of(value):
            self.addresses.append((element, attribute))

    def fetched(self, tag: str, address: str) -> None:
        """An address the browser loads by itself: from the site, or from a host the site allows."""
        where = place(address, self.base)
        host = where.host if where else ""
        if host and host != self.bodies.host and host not in self.bodies.policy.embed_hosts:
            self.problem(
                f"<{tag}> loads '{shown(address)}' from another host ({host}): every reader's browser would "
                "contact it, and it can watch them. Ship the file with the releases "
                "(images/... next to the release) and link to it, or, if the site accepts that host, "
                "add it to extra.newsroom.embed_hosts in mkdocs.yml",
                address,
            )

    def link(self, element: Any, tag: str, attribute: str, value: str) -> None:
        """Resolve a link to a file of the site, as the site engine does for its own pages."""
        scheme, netloc, path, query, fragment = urlsplit(clean(value))
        if scheme or netloc or not path or path.startswith("/"):
            return
        src_uri = self.source.src_uri
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), unquote(path)))
        targets = self.bodies.targets
        assert targets is not None
        if target in targets.held:
            self.lookups[target] = HELD
            self.removed.append(target)
            if tag == "a":
                element.tag = "span"
                element.attrib.pop(attribute, None)
            else:
                element.attrib.pop(attribute, None)
            return
        url = self.lookups[target] = targets.urls.get(target)
        if url is None:
            if posixpath.splitext(path)[1]:
                self.problem(
                    f"links to '{shown(value)}', which is not a page or file of the site (looked for "
                    f"{shown(target)}); check the file name",
                    value,
                )
            return
        if posixpath.splitext(target)[1].lower() in ACTIVE_TYPES and url.startswith(MEDIA):
            self.problem(
                f"links to '{shown(value)}', a file browsers run as a page of the site (with its scripts, "
                "under the site's own address); publish it as a PDF or an image, or as a release",
                value,
            )
            return
        self.referenced.add(target)
        element.set(attribute, urlunsplit(("", "", relative_url(url, self.source.page_url), query, fragment)))


def held_message(address: str, release: Any) -> str:
    from .publication import release_time

    when = "a draft" if release.draft else f"held back until {release_time(release).isoformat()}"
    return (
        f"links to {shown(address)}, the address of {release.source}, which is {when}: the link would reveal it. "
        f"Link to its file ({release.name}) instead, and the build leaves the link out until the release "
        "is published"
    )
