"""WordPress WXR exports (the XML that Tools → Export writes) read into items.

What becomes an item: each ``<item>`` whose ``wp:post_type`` is one of the mapping's ``post_types``
and whose ``wp:status`` is one of its ``statuses``. A draft, pending, private or password-protected
post that is selected is an item with ``draft=True`` (it is never published); a ``future`` (scheduled)
post keeps its date, which the build waits for.

What is skipped, and said so (``Skipped``, for the report): items of a content type that is not
selected (``page``, a custom post type), of a status that is not selected (``draft``, ``trash``...),
without a title, or without a date it can read. Not reported, because no one would call them
releases: attachments (they are read for featured images), menu entries, revisions, auto-drafts
and WordPress's own records (``wp_template``, ``custom_css``...).

Control characters that XML forbids (but WordPress lets through from pasted text) are dropped before
the file is parsed, so that one of them does not make the whole export unreadable.

A hostile file cannot make the reader fetch or expand anything: entities are never resolved, no
DTD is loaded, nothing comes from the network, and a file that declares a DTD at all is refused
(WordPress never writes one).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from datetime import date as date_type
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree
from lxml import html as lxml_html

from .feeds import dateline_of
from .items import ImportMap, Item, Photo, Skipped

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
#: WXR 1.0, 1.1 and 1.2 differ only in this version number.
WP_NS_PREFIX = "http://wordpress.org/export/"

#: Post types that are never releases and never reported: media, menus, revisions, WordPress's own.
SILENT_TYPES = frozenset(
    {
        "attachment",
        "nav_menu_item",
        "revision",
        "custom_css",
        "customize_changeset",
        "oembed_cache",
        "user_request",
        "wp_block",
        "wp_template",
        "wp_template_part",
        "wp_global_styles",
        "wp_navigation",
        "wp_font_family",
        "wp_font_face",
    }
)
#: Statuses that are never releases and never reported (empty placeholders, attachments' status).
SILENT_STATUSES = frozenset({"auto-draft", "inherit"})
#: Statuses WordPress does not show to the public: imported (when selected) as drafts.
HIDDEN_STATUSES = frozenset({"draft", "pending", "private"})
NO_DATE = "0000-00-00 00:00:00"
#: The control characters XML 1.0 forbids (all but tab, line feed and carriage return).
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

#: The elements WordPress's wpautop treats as blocks: text between them is not wrapped in <p>.
BLOCK_TAGS = frozenset(
    "address article aside blockquote caption col colgroup dd details div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li map math menu nav ol p pre "
    "section style summary table tbody td tfoot th thead tr ul iframe script noscript video audio "
    "object embed".split()
)
BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
#: WordPress shortcodes (not HTML: WordPress expands them when it shows a post). ``[caption]`` wraps
#: an image and its caption, ``[embed]`` an address.
CAPTION = re.compile(r"\[(?:wp_)?caption\b(?P<attributes>[^\]]*)\](?P<inner>.*?)\[/(?:wp_)?caption\]", re.DOTALL)
CAPTION_ATTRIBUTE = re.compile(r"""\bcaption=(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")
EMBED = re.compile(r"\[embed\b[^\]]*\](?P<url>[^\[]*)\[/embed\]")
#: Shortcodes that hold content the reader cannot bring over: noted for the report.
UNCONVERTED = re.compile(r"\[(?P<name>gallery|video|audio|playlist|contact-form-7|contact-form)\b[^\]]*\]")


def read_wordpress(path: Path, mapping: ImportMap) -> Iterator[Item | Skipped]:
    """Every post of the WXR export at ``path`` that is a release, or why it is not, in the file's
    order; ``path`` may be a folder of exports (a large site split into several files), read in the
    order of their names, a featured image found in any of them."""
    files = sorted(p for p in path.rglob("*.xml") if p.is_file()) if path.is_dir() else [path]
    attachments: dict[str, _Attachment] = {}
    exports: list[tuple[_Export, list[etree._Element]]] = []
    for file in files:
        opened = _open(file, mapping, attachments)
        if isinstance(opened, Skipped):
            yield opened
            continue
        export, posts = opened
        export.index_attachments(posts)
        exports.append(opened)
    for export, posts in exports:
        for element in posts:
            result = export.read(element)
            if result is not None:
                yield result


def _open(
    path: Path, mapping: ImportMap, attachments: dict[str, _Attachment]
) -> tuple[_Export, list[etree._Element]] | Skipped:
    """The export at ``path`` and its items, or why it cannot be read."""
    source = str(path)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        data = path.read_bytes()
    except OSError as error:
        return Skipped(source, None, f"cannot be read: {error.strerror or error}")
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        # Pasted from word processors, these reach WordPress's database and its exports, but XML
        # forbids them; they are invisible, and the newsroom's reader refuses them anyway.
        data = data.translate(None, CONTROL_BYTES)
    try:
        if _declares_dtd(data):
            return Skipped(
                source,
                None,
                "declares a DTD (<!DOCTYPE ...>), which a WordPress export never does: not read, "
                "so that no entity in it is expanded or fetched",
                1,
            )
        tree = etree.fromstring(data, parser, base_url=str(path)).getroottree()
    except etree.XMLSyntaxError as error:
        return Skipped(source, None, f"not a WordPress export it can read: {error.msg}", error.lineno or None)
    root = tree.getroot()
    channel = root.find("channel")
    wp = _wp_namespace(root)
    if root.tag != "rss" or channel is None or wp is None:
        return Skipped(
            source,
            None,
            f"not a WordPress export: expected <rss> with a <channel> and the wp: namespace ({WP_NS_PREFIX}1.2/)",
            root.sourceline,
        )
    export = _Export(source, wp, _excerpt_namespace(root, wp), mapping, channel, attachments)
    return export, list(channel.iterfind("item"))


def _declares_dtd(data: bytes) -> bool:
    """Whether the document has a DOCTYPE, found before any of its content is read."""
    events = etree.iterparse(
        BytesIO(data), events=("start",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    for _event, element in events:
        docinfo = element.getroottree().docinfo
        return bool(docinfo.doctype) or docinfo.internalDTD is not None
    return False


def _wp_namespace(root: etree._Element) -> str | None:
    for uri in root.nsmap.values():
        if uri and uri.startswith(WP_NS_PREFIX) and uri.rstrip("/").rsplit("/", 1)[-1][:1].isdigit():
            return uri
    return None


def _excerpt_namespace(root: etree._Element, wp: str) -> str:
    return root.nsmap.get("excerpt") or f"{wp}excerpt/"


@dataclass(frozen=True, slots=True)
class _Attachment:
    url: str
    alt: str | None
    caption: str | None


class _Export:
    def __init__(
        self,
        source: str,
        wp: str,
        excerpt: str,
        mapping: ImportMap,
        channel: etree._Element,
        attachments: dict[str, _Attachment],
    ):
        self.source = source
        self.wp = f"{{{wp}}}"
        self.excerpt = f"{{{excerpt}}}"
        self.mapping = mapping
        self.attachments = attachments
        """Every export's attachments, by post ID (one site's exports share its IDs)."""
        base = self.text(channel, "base_blog_url") or _text(channel.find("link"))
        self.base = base.rstrip("/") if base else None

    def text(self, element: etree._Element, name: str) -> str:
        return _text(element.find(f"{self.wp}{name}"))

    def meta(self, element: etree._Element) -> list[tuple[str, str]]:
        return [
            (self.text(meta, "meta_key"), self.text(meta, "meta_value"))
            for meta in element.iterfind(f"{self.wp}postmeta")
        ]

    def index_attachments(self, posts: list[etree._Element]) -> None:
        for element in posts:
            if self.text(element, "post_type") != "attachment":
                continue
            url = self.text(element, "attachment_url").strip()
            if not url:
                continue
            alt = next((value.strip() for key, value in self.meta(element) if key == "_wp_attachment_image_alt"), "")
            caption = _plain(_text(element.find(f"{self.excerpt}encoded")))
            self.attachments[self.text(element, "post_id").strip()] = _Attachment(url, alt or None, caption or None)

    def read(self, element: etree._Element) -> Item | Skipped | None:
        post_id = self.text(element, "post_id").strip()
        post_type = self.text(element, "post_type").strip() or "post"
        status = self.text(element, "status").strip() or "publish"
        # WordPress shows a title as HTML: its entities (&#8220;, &amp;) are characters, its tags not text.
        title = _plain(_text(element.find("title")))
        line = element.sourceline
        name = title or (f"post {post_id}" if post_id else None)
        if post_type in SILENT_TYPES or status in SILENT_STATUSES:
            return None
        if post_type not in self.mapping.post_types:
            selected = ", ".join(self.mapping.post_types)
            return Skipped(self.source, name, f"post type '{post_type}' is not imported (post_types: {selected})", line)
        if status not in self.mapping.statuses:
            selected = ", ".join(self.mapping.statuses)
            return Skipped(self.source, name, f"status '{status}' is not imported (statuses: {selected})", line)
        if not title:
            return Skipped(self.source, name, "no title", line)
        notes: list[str] = []
        date = self.date(element, notes)
        if isinstance(date, str):
            return Skipped(self.source, name, date, line)
        meta = self.meta(element)
        draft = status in HIDDEN_STATUSES
        if self.text(element, "post_password"):
            draft = True
            notes.append("password-protected in WordPress: imported as a draft")
        if status == "future":
            notes.append("scheduled in WordPress: published when its date comes")
        link = _text(element.find("link")).strip() or None
        categories, language = self.terms(element)
        summary = _plain(_text(element.find(f"{self.excerpt}encoded")))
        body = wpautop(shortcodes(_text(element.find(f"{{{CONTENT_NS}}}encoded")), notes))
        return Item(
            source=self.source,
            id=post_id or title,
            title=title,
            date=date,
            body_html=body,
            summary=summary or None,
            dateline=dateline_of(body),
            categories=categories,
            language=language or self.mapping.language,
            photo=self.photo(meta, notes),
            link=link,
            old_addresses=self.old_addresses(element, post_id, link, date.date(), meta, notes),
            notes=tuple(notes),
            draft=draft,
        )

    def date(self, element: etree._Element, notes: list[str]) -> datetime | str:
        """The post's date with the offset it was written at, or why there is none."""
        local_text = self.text(element, "post_date").strip()
        gmt_text = self.text(element, "post_date_gmt").strip()
        local = _wp_datetime(local_text)
        gmt = _wp_datetime(gmt_text)
        if local is None and gmt is None:
            if (not local_text or local_text == NO_DATE) and (not gmt_text or gmt_text == NO_DATE):
                return "no date"
            shown = local_text if local_text and local_text != NO_DATE else gmt_text
            return f"date '{shown}' is not a date it can read (expected YYYY-MM-DD HH:MM:SS)"
        if local is not None and gmt is not None:
            minutes = round((local - gmt).total_seconds() / 60)
            if abs(minutes) < 24 * 60:
                return local.replace(tzinfo=timezone(timedelta(minutes=minutes)))
            notes.append(f"post_date and post_date_gmt are {minutes} minutes apart: read post_date_gmt (UTC)")
            return gmt.replace(tzinfo=UTC)
        if local is None:
            assert gmt is not None
            return gmt.replace(tzinfo=UTC)
        return _zoned(local, self.mapping.timezone, notes)

    def terms(self, element: etree._Element) -> tuple[tuple[tuple[str, str], ...], str | None]:
        """Categories, tags and custom terms as (taxonomy, name); a Polylang language apart."""
        found: list[tuple[str, str]] = []
        language = None
        for category in element.iterfind("category"):
            domain = category.get("domain") or "category"
            # WordPress stores term names escaped (Peace &amp; Security).
            name = " ".join(html.unescape(_text(category)).split())
            if domain == "language":
                language = category.get("nicename") or language
            elif domain == "post_translations" or not name:
                continue
            elif (domain, name) not in found:
                found.append((domain, name))
        return tuple(found), language

    def photo(self, meta: list[tuple[str, str]], notes: list[str]) -> Photo | None:
        thumbnail = next((value.strip() for key, value in meta if key == "_thumbnail_id"), "")
        if not thumbnail:
            return None
        attachment = self.attachments.get(thumbnail)
        if attachment is None:
            notes.append(f"featured image {thumbnail} is not among the export's attachments")
            return None
        return Photo(attachment.url, attachment.alt, attachment.caption)

    def old_addresses(
        self,
        element: etree._Element,
        post_id: str,
        link: str | None,
        day: date_type,
        meta: list[tuple[str, str]],
        notes: list[str],
    ) -> tuple[str, ...]:
        """The GUID if it is a URL, ``?p=ID`` on the blog, the permalink under each old slug
        (``_wp_old_slug``), and those permalinks under each old date (``_wp_old_date``, which
        WordPress also redirects)."""
        found: list[str] = []
        guid = _text(element.find("guid")).strip()
        if urlsplit(guid).scheme in ("http", "https") and urlsplit(guid).netloc:
            found.append(guid)
        if post_id and self.base:
            found.append(f"{self.base}/?p={post_id}")
        slug = self.text(element, "post_name").strip()
        permalinks = [link] if link else []
        for key, old in meta:
            if key != "_wp_old_slug" or not old.strip():
                continue
            moved = _with_slug(link, slug, old.strip()) if link else None
            if moved is None:
                notes.append(f"old slug '{unquote(old.strip())}': its permalink could not be made from {link}")
            else:
                found.append(moved)
                permalinks.append(moved)
        for key, old in meta:
            if key != "_wp_old_date" or not old.strip():
                continue
            try:
                before = date_type.fromisoformat(old.strip())
            except ValueError:
                notes.append(f"old date '{old.strip()}' is not a date (YYYY-MM-DD): no permalink made from it")
                continue
            redated = [_with_date(address, day, before) for address in permalinks]
            if permalinks and None in redated:
                notes.append(f"old date {before.isoformat()}: its permalink could not be made from {link}")
            found.extend(address for address in redated if address is not None)
        unique: list[str] = []
        for address in found:
            if address != link and address not in unique:
                unique.append(address)
        return tuple(unique)


def _with_slug(link: str, slug: str, old: str) -> str | None:
    """``link`` with its last path segment that is ``slug`` replaced by ``old`` (same date path)."""
    parts = urlsplit(link)
    segments = parts.path.split("/")
    wanted = unquote(slug).casefold()
    for index in range(len(segments) - 1, -1, -1):
        if segments[index] and unquote(segments[index]).casefold() == wanted:
            segments[index] = old
            return urlunsplit(parts._replace(path="/".join(segments)))
    return None


def _with_date(address: str, day: date_type, before: date_type) -> str | None:
    """``address`` with the ``/YYYY/MM/DD/`` (or ``/YYYY/MM/``) of ``day`` in its path made ``before``'s."""
    parts = urlsplit(address)
    segments = parts.path.split("/")
    now = [f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"]
    then = [f"{before.year:04d}", f"{before.month:02d}", f"{before.day:02d}"]
    for index in range(len(segments) - 1):
        if segments[index : index + 2] == now[:2]:
            length = 3 if segments[index + 2 : index + 3] == now[2:] else 2
            segments[index : index + length] = then[:length]
            return urlunsplit(parts._replace(path="/".join(segments)))
    return None


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext())


def _plain(html_text: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if not html_text.strip():
        return ""
    fragment = lxml_html.fragment_fromstring(html_text, create_parent="div")
    return " ".join(fragment.text_content().split())


def _wp_datetime(text: str) -> datetime | None:
    if not text or text == NO_DATE:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - zoned by the caller
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed.replace(tzinfo=None) if parsed.tzinfo is None else None


def _zoned(naive: datetime, zone: str | None, notes: list[str]) -> datetime:
    """A date written without offset, at the mapping's time zone (UTC if it names none)."""
    if zone:
        try:
            aware = naive.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            notes.append(f"time zone '{zone}' is not known: {naive.isoformat()} read as UTC")
            return naive.replace(tzinfo=UTC)
        offset = aware.utcoffset() or timedelta(0)
        return naive.replace(tzinfo=timezone(offset))
    notes.append(f"{naive.isoformat(sep=' ')} has no offset and the mapping names no timezone: read as UTC")
    return naive.replace(tzinfo=UTC)


def shortcodes(content: str, notes: list[str]) -> str:
    """``[caption]`` as a ``<figure>`` with its ``<figcaption>``, ``[embed]`` as a link; the
    shortcodes whose content cannot be brought over (``[gallery]``...) noted, left as they are."""
    if "[" not in content:
        return content
    content = CAPTION.sub(_figure, content)
    content = EMBED.sub(_embed_link, content)
    names = dict.fromkeys(match.group("name") for match in UNCONVERTED.finditer(content))
    notes.extend(f"the [{name}] shortcode is not converted: its text stays in the body" for name in names)
    return content


def _figure(match: re.Match[str]) -> str:
    inner = lxml_html.fragment_fromstring(match.group("inner"), create_parent="div")
    figure = etree.Element("figure")
    media = next((child for child in inner if isinstance(child.tag, str)), None)
    caption = etree.SubElement(figure, "figcaption")
    if media is None:
        return match.group(0)
    lead = (inner.text or "").strip()
    inner.remove(media)
    caption.text = (media.tail or "").lstrip()
    media.tail = None
    figure.insert(0, media)
    for rest in list(inner):
        caption.append(rest)
    if lead:
        caption.text = f"{lead} {caption.text}".strip()
    if not caption.text and not len(caption):
        given = CAPTION_ATTRIBUTE.search(match.group("attributes"))
        if given:
            caption.text = html.unescape(given.group("double") or given.group("single") or "")
        else:
            figure.remove(caption)
    return lxml_html.tostring(figure, encoding="unicode")


def _embed_link(match: re.Match[str]) -> str:
    url = lxml_html.fragment_fromstring(f"<p>{match.group('url')}</p>").text_content().strip()
    paragraph = etree.Element("p")
    link = etree.SubElement(paragraph, "a", href=url)
    link.text = url
    return lxml_html.tostring(paragraph, encoding="unicode")


def wpautop(content: str) -> str:
    """What WordPress shows of a classic post: text separated by blank lines becomes paragraphs, a
    single line break a ``<br>``; block elements (``<p>``, ``<ul>``, ``<blockquote>``...) and
    everything inside them stay as written, so block-editor content passes through unchanged."""
    if not content.strip():
        return ""
    container = lxml_html.fragment_fromstring(content, create_parent="div")
    nodes: list[str | etree._Element] = [container.text or ""]
    for child in list(container):
        tail = child.tail or ""
        child.tail = None
        container.remove(child)
        if not isinstance(child.tag, str):  # a comment (the block editor's <!-- wp:... -->)
            nodes.append(tail)
            continue
        nodes.append(child)
        nodes.append(tail)
    container.text = None
    run: list[str | etree._Element] = []
    for node in nodes:
        if isinstance(node, str) or node.tag not in BLOCK_TAGS:
            run.append(node)
            continue
        _paragraphs(container, run)
        run = []
        node.tail = "\n"
        container.append(node)
    _paragraphs(container, run)
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in container)


def _paragraphs(container: etree._Element, run: list[str | etree._Element]) -> None:
    """Append the inline content of ``run`` to ``container`` as paragraphs split at blank lines."""
    paragraphs: list[list[str | etree._Element]] = [[]]
    for node in run:
        if isinstance(node, str):
            parts = BLANK_LINE.split(node)
            paragraphs[-1].append(parts[0])
            paragraphs.extend([part] for part in parts[1:])
        else:
            paragraphs[-1].append(node)
    for nodes in paragraphs:
        if all(isinstance(node, str) and not node.strip() for node in nodes):
            continue
        if isinstance(nodes[0], str):
            nodes[0] = nodes[0].lstrip()
        if isinstance(nodes[-1], str):
            nodes[-1] = nodes[-1].rstrip()
        paragraph = etree.SubElement(container, "p")
        for node in nodes:
            if isinstance(node, str):
                _append_text(paragraph, node)
            else:
                paragraph.append(node)
        paragraph.tail = "\n"


def _append_text(paragraph: etree._Element, text: str) -> None:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if index:
            etree.SubElement(paragraph, "br").tail = None
            line = line.lstrip()
        if index < len(lines) - 1:
            line = line.rstrip()
        if not line:
            continue
        if len(paragraph):
            paragraph[-1].tail = (paragraph[-1].tail or "") + line
        else:
            paragraph.text = (paragraph.text or "") + line
