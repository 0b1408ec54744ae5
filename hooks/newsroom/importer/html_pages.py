"""A folder of saved HTML pages (a crawl, a CMS's static export) read into items through CSS selectors.

Every ``*.html`` and ``*.htm`` file under the folder, in sorted order, is one page and one item (or one
``Skipped``). The mapping file's ``html:`` names a CSS selector for each field; the first element a
selector matches gives the field: its text (whitespace collapsed), or the attribute ``attributes:``
names for it when the element has that attribute. Without an ``attributes:`` entry, a
``<time datetime>`` gives its ``datetime``, a ``<meta>`` its ``content``, a ``<link>`` or ``<a>``
its ``href`` (the ``link`` field), an ``<img>`` its ``src`` and ``alt`` (``photo``; a selector
matching a ``<figure>`` finds the image inside; a lazy-loading page's placeholder ``src`` gives way
to its ``data-src``).

- ``title``, ``date`` and ``body`` are required: a page where one matches nothing, or only empty
  text (a body: once the other fields are taken out of it), is skipped with the selector that failed.
- ``date``: ISO 8601 (``2020-03-05``, ``2020-03-05T09:30:00+09:00``), else any date
  ``python-dateutil`` reads (``March 5, 2020``, ``5 Mar 2020 09:30 +0900``; numeric ``03/05/2020`` is
  month first). A date without an offset is at the mapping's ``timezone``, else UTC, and the item
  notes it for the report.
- ``body``: the selected element's inner HTML, without the elements the other selectors matched
  inside it (the title, date, summary, photo, caption, credit and terms are front matter, not body
  text; an element left empty by their removal goes too). A dateline stays where it is: a release's
  text opens with it (``(Seoul) – The court...``), as its ``dateline`` field names the place. Its
  relative links and images are made root-relative against the page's old path (``../2019/x.html``
  → ``/press/2019/x.html``, the old address of that page if it is in the folder too; never a path
  on this machine).
- ``photo``: an image whose ``src`` is a file inside the folder becomes that file's absolute path
  (never one outside the folder); any other is an absolute URL, made from the page's ``link`` when
  the page names one, else its old site path.
- ``dateline``: the place alone (``(Seoul) –`` is ``Seoul``).
- ``language``: the selector's value, else ``<html lang>``, else the mapping's ``language``.
- ``link``: the page's own address (``link[rel=canonical]``); the page's path in the folder is its
  old path on the site (``/press/2020/letter.html``, percent-encoded), an ``index.html``'s its
  folder (``/press/2020/``, as it was served and linked; the redirect there is that same
  ``index.html``); that path is an old address, and the link when the page names none.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateutil.parser  # type: ignore[import-untyped]  # no stubs pinned
from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from .items import HtmlSelectors, ImportMap, Item, Photo, Skipped

SUFFIXES = (".html", ".htm")
REQUIRED = ("title", "date", "body")
#: Around a dateline's place: ``(Seoul) –`` is ``Seoul``.
DATELINE_MARKS = " \t\n\u00a0()[]–—-:,"
#: Where lazy-loading pages keep an image's address while ``src`` holds a placeholder.
LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original")


def read_html(path: Path, mapping: ImportMap) -> Iterator[Item | Skipped]:
    """Every page under the folder ``path`` (or the one page ``path``), in sorted order."""
    if path.is_dir():
        root = path
        pages = sorted(
            (page for page in path.rglob("*") if page.suffix.lower() in SUFFIXES and page.is_file()),
            key=lambda page: page.relative_to(path).as_posix(),
        )
    else:
        root = path.parent
        pages = [path]
    if mapping.html is None:
        yield Skipped(
            str(path),
            None,
            "saved HTML pages need the mapping file's html: selectors (title, date and body at least)",
        )
        return
    for page in pages:
        yield _read_page(page, root, mapping.html, mapping)


@lru_cache(maxsize=256)
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css, translator="html")


def _parse(data: bytes) -> etree._ElementTree:
    """The page, decoded as UTF-8 when it is, else as its ``<meta charset>`` says."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return lxml_html.document_fromstring(data).getroottree()
    parser = lxml_html.HTMLParser(encoding="utf-8")
    return lxml_html.document_fromstring(data, parser=parser).getroottree()


def _site_path(relative: str) -> str:
    return quote("/" + relative, safe="/")


def _read_page(page: Path, root: Path, selectors: HtmlSelectors, mapping: ImportMap) -> Item | Skipped:
    relative = page.relative_to(root).as_posix()
    source = str(page)
    try:
        data = page.read_bytes()
    except OSError as error:
        return Skipped(source, relative, f"cannot be read: {error.strerror or error}")
    if not data.strip():
        return Skipped(source, relative, "empty file, not an HTML page")
    try:
        document = _parse(data).getroot()
    except (etree.ParserError, ValueError) as error:
        return Skipped(source, relative, f"not an HTML page it can read: {error}")
    page_reader = _Page(document, selectors)
    found: dict[str, etree._Element] = {}
    for name in REQUIRED:
        css = getattr(selectors, name)
        element = page_reader.first(css)
        if element is None:
            return Skipped(source, relative, f"selector '{css}' for {name} matched nothing")
        found[name] = element
    title = page_reader.value("title", found["title"])
    if not title:
        return Skipped(
            source,
            relative,
            f"selector '{selectors.title}' for title matched only empty text",
            found["title"].sourceline,
        )
    date_text = page_reader.value("date", found["date"])
    if not date_text:
        return Skipped(
            source, relative, f"selector '{selectors.date}' for date matched only empty text", found["date"].sourceline
        )
    notes: list[str] = []
    date = _date(date_text, mapping.timezone, notes)
    if date is None:
        return Skipped(source, relative, f"date '{date_text}' is not a date it can read", found["date"].sourceline)

    old_path = _site_path(relative)
    old_addresses = [old_path]
    if PurePosixPath(relative).name.lower() == "index.html":
        # Served and linked as its folder: that is its address, and the redirect answering it is
        # the same file (folder/index.html), so the file's path is not another one.
        old_addresses = [_site_path(str(PurePosixPath(relative).parent)).rstrip("/") + "/"]
    link = page_reader.optional("link")
    if link:
        link = urljoin(link, "")
        if not urlsplit(link).scheme:
            link = None
    base = link or old_path

    language = page_reader.optional("language") or document.get("lang") or mapping.language
    photo = _photo(page_reader, page, root, base, notes)
    terms: list[tuple[str, str]] = []
    for kind, css in selectors.terms.items():
        for element in page_reader.all(css):
            name = _text(element)
            if name and (kind, name) not in terms:
                terms.append((kind, name))
    summary = page_reader.optional("summary")
    dateline = (page_reader.optional("dateline") or "").strip(DATELINE_MARKS) or None
    caption = page_reader.optional("caption")
    credit = page_reader.optional("credit")
    body = _body(found["body"], selectors, old_path)
    if _empty(found["body"]):
        return Skipped(
            source,
            relative,
            f"selector '{selectors.body}' for body matched no text (once the other fields are taken out)",
            found["body"].sourceline,
        )
    return Item(
        source=source,
        id=relative,
        title=title,
        date=date,
        body_html=body,
        summary=summary,
        dateline=dateline,
        categories=tuple(terms),
        language=language.strip() if language else None,
        photo=photo if photo is None else Photo(photo.src, photo.alt, caption, credit),
        link=link or old_addresses[0],
        old_addresses=tuple(address for address in old_addresses if address != (link or old_addresses[0])),
        notes=tuple(notes),
    )


class _Page:
    def __init__(self, document: etree._Element, selectors: HtmlSelectors):
        self.document = document
        self.selectors = selectors

    def all(self, css: str) -> list[etree._Element]:
        return list(_selector(css)(self.document))

    def first(self, css: str | None) -> etree._Element | None:
        if not css:
            return None
        matches = _selector(css)(self.document)
        return matches[0] if matches else None

    def value(self, name: str, element: etree._Element) -> str:
        attribute = self.selectors.attributes.get(name)
        if attribute and element.get(attribute) is not None:
            return " ".join((element.get(attribute) or "").split())
        tag = element.tag if isinstance(element.tag, str) else ""
        if name == "date" and tag == "time" and element.get("datetime"):
            return element.get("datetime", "").strip()
        if tag == "meta":
            return " ".join((element.get("content") or "").split())
        if name == "link" and tag in ("link", "a"):
            return (element.get("href") or "").strip()
        if name == "language" and element.get("lang"):
            return element.get("lang", "").strip()
        return _text(element)

    def optional(self, name: str) -> str | None:
        element = self.first(getattr(self.selectors, name))
        if element is None:
            return None
        return self.value(name, element) or None


def _text(element: etree._Element) -> str:
    return " ".join(element.text_content().split())


def _date(text: str, zone: str | None, notes: list[str]) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = dateutil.parser.parse(text, default=datetime(2000, 1, 1))  # noqa: DTZ001 - zoned below
        except (ValueError, OverflowError):
            return None
    offset = parsed.utcoffset()
    if offset is not None:
        return parsed.replace(tzinfo=timezone(offset))
    if zone:
        try:
            aware = parsed.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            notes.append(f"time zone '{zone}' is not known: {parsed.isoformat()} read as UTC")
            return parsed.replace(tzinfo=UTC)
        return parsed.replace(tzinfo=timezone(aware.utcoffset() or timedelta(0)))
    notes.append(f"date '{text}' has no offset and the mapping names no timezone: read as UTC")
    return parsed.replace(tzinfo=UTC)


def _photo(page_reader: _Page, page: Path, root: Path, base: str, notes: list[str]) -> Photo | None:
    css = page_reader.selectors.photo
    element = page_reader.first(css)
    if element is None:
        return None
    if element.tag != "img":
        image = next(iter(element.iter("img")), None)
        if image is None:
            notes.append(f"selector '{css}' for photo matched no image")
            return None
        element = image
    attribute = page_reader.selectors.attributes.get("photo", "src")
    src = (element.get(attribute) or "").strip()
    if attribute == "src" and (not src or urlsplit(src).scheme == "data"):
        # A lazy-loading page's src is a placeholder; the image is in one of these.
        src = next((element.get(lazy, "").strip() for lazy in LAZY_SOURCES if element.get(lazy, "").strip()), src)
    if not src or urlsplit(src).scheme == "data":
        notes.append(f"the photo has no {attribute} but a placeholder" if src else f"the photo has no {attribute}")
        return None
    alt = " ".join((element.get("alt") or "").split()) or None
    parts = urlsplit(src)
    if not parts.scheme and not parts.netloc and parts.path:
        local = _local_file(unquote(parts.path), page, root)
        if local is not None:
            return Photo(str(local), alt)
        notes.append(f"photo '{src}' is not a file in the folder: its address on the old site is used")
    return Photo(urljoin(base, src), alt)


def _local_file(path: str, page: Path, root: Path) -> Path | None:
    """The file inside ``root`` a page's relative or root-relative image path names, if it exists."""
    candidate = (root / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
    resolved = candidate.resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        return None
    return resolved if resolved.is_file() else None


def _body(element: etree._Element, selectors: HtmlSelectors, base: str) -> str:
    """The element's inner HTML, without what the other selectors took out as front matter, its
    relative links and images resolved against ``base`` (the page's old path)."""
    taken = [
        css
        for css in (
            selectors.title,
            selectors.date,
            selectors.summary,
            selectors.photo,
            selectors.caption,
            selectors.credit,
            *selectors.terms.values(),
        )
        if css
    ]
    document = element.getroottree().getroot()
    matches = [match for css in taken for match in _selector(css)(document) if match is not element]
    for match in matches:
        if not any(ancestor is element for ancestor in match.iterancestors()):
            continue  # outside the body, or inside something removed already
        parent = match.getparent()
        match.drop_tree()
        while parent is not element and parent is not None and _empty(parent):
            above = parent.getparent()
            parent.drop_tree()
            parent = above
    for node in element.iter("a", "img"):
        attribute = "href" if node.tag == "a" else "src"
        target = (node.get(attribute) or "").strip()
        parts = urlsplit(target)
        if not target or parts.scheme or target.startswith("#"):
            continue
        node.set(attribute, urljoin(base, target))
    inner = html.escape(element.text or "", quote=False)
    return (inner + "".join(lxml_html.tostring(child, encoding="unicode") for child in element)).strip()


def _empty(element: etree._Element) -> bool:
    return not element.text_content().strip() and not any(
        isinstance(node.tag, str) and node.tag in ("img", "video", "audio", "iframe", "object", "embed", "svg")
        for node in element.iter()
    )
