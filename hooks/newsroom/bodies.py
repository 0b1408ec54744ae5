"""Bodies: Markdown to HTML, one parse of that HTML, and what the parse tells.

Every body (a release's, a hand-written page's) goes through the same steps:

1. Python-Markdown converts it, with the site's extensions (``render``; hand-written pages
   are converted by the site engine and join at step 2).
2. The HTML is parsed once, with lxml (libxml2's HTML parser), and its elements walked:
   - each address in every URL-bearing attribute is checked: no script addresses
     (``javascript:``, ``data:``...), nothing fetched from another host unless the site
     allows it (``embed_hosts``), no link to a held release in any spelling (``links``);
   - script, event handlers and other active content are refused;
   - links to files (``2019-12-10-letter.md``, ``images/map.png``) are resolved to the
     addresses of what they name, and a link to a held release is taken out, its words kept;
   - the ids an anchor can point at are collected.
3. From the same tree come the page's HTML, the feeds' HTML (absolute links, no heading
   permalinks) and the readable text the search indexes. Both HTML outputs then pass
   through the nh3 sanitizer (an allowlist: what the walk did not refuse but the site does
   not publish, such as ``style`` rules, is dropped).

Problems name the line of the body where the offending text is.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import markdown
import nh3
from lxml import etree
from lxml import html as lxml_html

from .cache import Conversions
from .links import RESOURCES, URL_ATTRIBUTES, HeldLinks, addresses, clean, place, scheme_of, site_host
from .urls import MEDIA, relative_url

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

#: Where a block ends, for the readable text.
_BLOCKS = (
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "div",
    "blockquote",
    "tr",
    "td",
    "th",
    "figcaption",
    "pre",
    "dd",
    "dt",
    "br",
    "table",
    "ul",
    "ol",
    "figure",
    "section",
    "hr",
)
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


@dataclass(slots=True)
class Rendered:
    """A body, ready for its page, its feed items and the search index."""

    html: str
    feed_html: str
    """Every address absolute (from ``page_url``), no heading permalinks: for feeds."""
    text: str
    """The readable text, a line per block: for the search index."""
    toc_tokens: list = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    """The ids in the body (a link can point at each)."""
    referenced: set[str] = field(default_factory=set)
    """Files of the site the body links to or shows, by source path."""
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(line in the file, message)."""
    removed: list[str] = field(default_factory=list)
    """Links to held releases taken out, by the source path they named."""
    fresh: tuple[str, str, list] | None = None
    """A conversion made for this body (key, HTML, table of contents), not yet in the cache."""


@dataclass(slots=True)
class Source:
    """Where a body comes from, for resolving its links and placing its problems."""

    src_uri: str
    """Its path among the site's source files (``press_releases/x.md``, ``about.md``)."""
    page_url: str
    """The address of its page, relative to the site root."""
    text: str
    """The body as written, for finding the line of a problem."""
    first_line: int = 1
    """The line of the file where ``text`` starts."""

    def line_of(self, *needles: str) -> int:
        """The line of the file holding the first of ``needles`` found (in any case)."""
        lines = self.text.casefold().splitlines()
        for needle in needles:
            wanted = needle.casefold().strip()
            if not wanted:
                continue
            for number, line in enumerate(lines):
                if wanted in line:
                    return self.first_line + number
        return self.first_line


@dataclass(slots=True)
class Targets:
    """What a link to a file resolves to."""

    urls: Mapping[str, str]
    """Source path of every page and file of the site -> its address, relative to the site root."""
    held: AbstractSet[str] = frozenset()
    """Source paths of held releases: a link to one is taken out."""


class Bodies:
    """Renders and checks the bodies of one build, with one Markdown parser for all of them."""

    def __init__(
        self,
        policy: Policy,
        guard: HeldLinks,
        targets: Targets | None,
        extensions: list[Any],
        extension_configs: Mapping[str, Any],
        conversions: Conversions | None = None,
    ):
        self.policy = policy
        self.guard = guard
        self.targets = targets
        self.md = markdown.Markdown(extensions=extensions, extension_configs=dict(extension_configs))
        self.host, self.root = site_host(policy.site_url)
        self.conversions = conversions
        """Conversions of earlier builds, by content (``newsroom.cache``)."""

    def convert(self, text: str) -> tuple[str, list, tuple[str, str, list] | None]:
        """Markdown to HTML and table of contents, from the cache when an earlier build converted the
        same text; the third item is the new conversion, for the cache, when there was none."""
        conversions = self.conversions
        key = conversions.key(text) if conversions is not None else ""
        found = conversions.get(key) if conversions is not None else None
        if found is not None:
            return found[0], found[1], None
        md = self.md
        md.reset()
        html_text = md.convert(text)
        toc = getattr(md, "toc_tokens", [])
        if conversions is not None:
            conversions.put(key, html_text, toc)
        return html_text, toc, (key, html_text, toc) if conversions is not None else None

    def render(self, source: Source) -> Rendered:
        """Convert a body written in Markdown, resolving its links to files."""
        try:
            converted, toc, fresh = self.convert(source.text)
        except RecursionError:
            return _failed(
                source,
                "the body cannot be converted: its lists or quotes are nested too deeply "
                f"(the limit is about {MAX_DEPTH} levels)",
            )
        except Exception as err:  # noqa: BLE001 - an extension's own bug must not become a traceback
            return _failed(source, f"the body cannot be converted to HTML ({type(err).__name__}: {err})")
        rendered = self.examine(converted, source, resolve=True)
        rendered.toc_tokens = toc
        rendered.fresh = fresh
        return rendered

    def examine(self, body_html: str, source: Source, *, resolve: bool = False) -> Rendered:
        """Check and clean HTML; ``resolve``: also resolve links to files (for bodies converted here)."""
        walk = _Walk(self, source, resolve)
        root = _parse(body_html)
        if _depth(root) >= MAX_DEPTH:
            # The HTML parser drops what lies deeper than its limit: refuse rather than lose text.
            return _failed(
                source,
                f"the body's HTML is nested more than {MAX_DEPTH} elements deep; part of it would be lost. Flatten it",
            )
        walk.run(root)
        page_html = self.policy.sanitize(_serialize(root))
        absolute_base = walk.absolute_base
        for element, attribute in walk.addresses:
            value = element.get(attribute)
            if value is not None:
                element.set(
                    attribute,
                    ", ".join(_absolute(part, absolute_base) for part in value.split(","))
                    if attribute.endswith("srcset")
                    else _absolute(value, absolute_base),
                )
        for permalink in root.xpath(".//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]"):
            permalink.drop_tree()
        feed_html = self.policy.sanitize(_serialize(root))
        return Rendered(
            html=page_html,
            feed_html=feed_html,
            text=_text(root),
            anchors=walk.anchors,
            referenced=walk.referenced,
            problems=walk.problems,
            removed=walk.removed,
        )


class _Walk:
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
        self.removed: list[str] = []

    def problem(self, message: str, *needles: str) -> None:
        self.problems.append((self.source.line_of(*needles), message))

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
            if "id" in element.attrib:
                self.anchors.add(element.get("id"))
            if tag == "a" and "name" in element.attrib:
                self.anchors.add(element.get("name"))

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
                    f"the address '{address.strip()}' ({scheme}:) is not allowed in a body; link to a web "
                    "page (https://...) or to a file shipped with the releases",
                    address,
                    f"{scheme}:",
                )
                return
            for _, release in self.bodies.guard.find([address], self.source.page_url):
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
                f"<{tag}> loads '{address}' from another host ({host}): every reader's browser would "
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
            self.removed.append(target)
            if tag == "a":
                element.tag = "span"
                element.attrib.pop(attribute, None)
            else:
                element.attrib.pop(attribute, None)
            return
        url = targets.urls.get(target)
        if url is None:
            if posixpath.splitext(path)[1]:
                self.problem(
                    f"links to '{value}', which is not a page or file of the site (looked for "
                    f"{target}); check the file name",
                    value,
                )
            return
        if posixpath.splitext(target)[1].lower() in ACTIVE_TYPES and url.startswith(MEDIA):
            self.problem(
                f"links to '{value}', a file browsers run as a page of the site (with its scripts, "
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
        f"links to {address}, the address of {release.source}, which is {when}: the link would reveal it. "
        f"Link to its file ({release.name}) instead, and the build leaves the link out until the release "
        "is published"
    )


def _failed(source: Source, message: str) -> Rendered:
    return Rendered(html="", feed_html="", text="", problems=[(source.first_line, message)])


def _depth(root: Any) -> int:
    """How deep the elements of a tree are nested."""
    deepest = depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _parse(body_html: str) -> Any:
    return lxml_html.fragment_fromstring(body_html or "", create_parent="div")


def _serialize(root: Any) -> str:
    head = html.escape(root.text, quote=False) if root.text else ""
    return head + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)


def _absolute(address: str, base: str) -> str:
    stripped = address.strip()
    if not stripped:
        return address
    parts = stripped.split(None, 1)  # srcset: "url 2x"
    return " ".join([urljoin(base, parts[0]), *parts[1:]])


def _text(root: Any) -> str:
    """The readable text: a line per block, spaces and line breaks inside a block as one space."""
    for element in root.iter(*_BLOCKS):
        element.tail = _BLOCK_END + (element.tail or "")
    blocks = "".join(root.itertext()).split(_BLOCK_END)
    return "\n".join(line for line in (" ".join(block.split()) for block in blocks) if line)


#: Marks the end of a block in the text: a noncharacter, which no body holds (the reader refuses them).
_BLOCK_END = "\ufdd0"


def markdown_options(config: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The Markdown extensions and their settings from a site configuration."""
    return list(config.get("markdown_extensions") or []), dict(config.get("mdx_configs") or {})


Converter = Callable[[Source], Rendered]
