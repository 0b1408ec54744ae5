"""The feed reader of an import: RSS 2.0 (with ``content:encoded``), Atom and JSON Feed files, or a
folder of them.

RSS and Atom are read with feedparser; JSON Feed (which feedparser 6.0 does not read) with the
``json`` module into the same shape. Dates keep the offset the feed wrote: feedparser's
``*_parsed`` values are UTC, so the raw text is parsed here (RFC 822 for RSS, ISO 8601 for Atom
and JSON Feed). A dateline is the ``(Seoul) –`` that opens the body's first paragraph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import feedparser
from lxml import etree
from lxml import html as lxml_html

from .items import ImportMap, Item, Photo, Skipped

#: Files of a folder that are read as feeds (others are not looked at).
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".json", ".feed")

#: "(Seoul) –", "(Geneva, March 3) —", "(New York) -" at the start of the first paragraph's text.
DATELINE = re.compile(r"^\s*\(([^()\n]{1,80})\)\s*[\u2013\u2014-]\s")

JSON_FEED = "https://jsonfeed.org/version/"


def read_feeds(path: Path, mapping: ImportMap) -> Iterator[Item | Skipped]:
    """Every item of the feed at ``path``, or of every feed file in the folder ``path``, in order."""
    if path.is_dir():
        files = sorted(
            f
            for f in path.iterdir()
            if f.is_file() and f.suffix.lower() in FEED_SUFFIXES and not f.name.startswith(".")
        )
        if not files:
            yield Skipped(str(path), None, f"the folder holds no feed files ({', '.join(FEED_SUFFIXES)})")
        for file in files:
            yield from read_feed(file, mapping)
    else:
        yield from read_feed(path, mapping)


def is_json_feed(data: bytes) -> bool:
    try:
        document = json.loads(data)
    except ValueError:
        return False
    return isinstance(document, dict) and str(document.get("version", "")).startswith(JSON_FEED)


def read_feed(file: Path, mapping: ImportMap) -> Iterator[Item | Skipped]:
    source = str(file)
    try:
        data = file.read_bytes()
    except OSError as err:
        yield Skipped(source, None, f"cannot be read: {err.strerror}")
        return
    if data.lstrip()[:1] == b"{":
        yield from _json_feed(source, file, data, mapping)
        return
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.bozo or not parsed.version:
            why = parsed.get("bozo_exception")
            detail = f" ({why})" if why else ""
            yield Skipped(source, None, f"not a feed it can read: not RSS, Atom or JSON Feed{detail}")
        else:
            yield Skipped(source, None, "the feed holds no items")
        return
    language = parsed.feed.get("language") or mapping.language
    for entry in parsed.entries:
        yield _entry(source, file, entry, language, mapping, rss=parsed.version.startswith("rss"))


def _plain(text: str) -> str:
    if not text.strip():
        return ""
    try:
        fragment = lxml_html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(text.split())
    return " ".join(fragment.text_content().split())


#: How WordPress and other CMSs end a cut excerpt: "… the court said [&hellip;]".
MORE_MARKS = ("[\u2026]", "[...]")


def _excerpt(summary: str) -> str:
    """A description without the mark of a cut excerpt (``[…]``): an ellipsis if the sentence was cut."""
    for mark in MORE_MARKS:
        if summary.endswith(mark):
            summary = summary[: -len(mark)].rstrip()
            if summary and not summary.endswith((".", "!", "?", "\u2026", "\u201d", '"')):
                summary += "\u2026"
            break
    return summary


def _parse_date(raw: str, rss: bool, mapping: ImportMap, notes: list[str]) -> datetime | None:
    raw = raw.strip()
    moment: datetime | None = None
    attempts = (_rfc822, _iso) if rss else (_iso, _rfc822)
    for attempt in attempts:
        moment = attempt(raw)
        if moment is not None:
            break
    if moment is None:
        return None
    if moment.tzinfo is None:
        zone = ZoneInfo(mapping.timezone) if mapping.timezone else UTC
        moment = moment.replace(tzinfo=zone)
        notes.append(f"date '{raw}' has no offset: read in {mapping.timezone or 'UTC'}")
    return moment


def _rfc822(raw: str) -> datetime | None:
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None


def _iso(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def dateline_of(body_html: str) -> str | None:
    """The place in ``(Seoul) –`` at the start of the body's first paragraph, if it opens so."""
    if not body_html.strip():
        return None
    try:
        fragment = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    paragraph = next(fragment.iter("p"), None)
    text = paragraph.text_content() if paragraph is not None else fragment.text_content()
    found = DATELINE.match(text)
    return " ".join(found[1].split()) if found else None


def _photo_src(href: str, file: Path) -> str:
    """An absolute URL as it is; a local path (relative to the feed's folder) as an absolute path."""
    scheme = urlsplit(href).scheme.lower()
    if scheme in ("http", "https"):
        return href
    if scheme == "file":
        return urlsplit(href).path
    return str((file.parent / href).resolve()) if not Path(href).is_absolute() else href


def _common(
    source: str,
    file: Path,
    *,
    id: str | None,
    title: str,
    raw_date: str | None,
    raw_updated: str | None,
    body: str,
    summary: str | None,
    tags: list[str],
    language: str | None,
    link: str | None,
    others: list[str],
    photo: Photo | None,
    mapping: ImportMap,
    rss: bool,
) -> Item | Skipped:
    label = id or title or None
    if not title:
        return Skipped(source, label, "no title")
    if not raw_date:
        return Skipped(source, label, "no date")
    notes: list[str] = []
    date = _parse_date(raw_date, rss, mapping, notes)
    if date is None:
        return Skipped(source, label, f"date '{raw_date}' is not a date it can read")
    updated = _parse_date(raw_updated, rss, mapping, notes) if raw_updated and raw_updated != raw_date else None
    if updated is not None and updated <= date:
        updated = None
    return Item(
        source=source,
        id=id or link or title,
        title=title,
        date=date,
        body_html=body,
        summary=summary or None,
        dateline=dateline_of(body),
        categories=tuple(("category", t) for t in dict.fromkeys(tags) if t),
        language=language or mapping.language,
        updated=updated,
        photo=photo,
        link=link,
        old_addresses=tuple(a for a in dict.fromkeys(others) if a and a != link),
        notes=tuple(notes),
    )


def _entry(source: str, file: Path, entry: Any, language: str | None, mapping: ImportMap, rss: bool) -> Item | Skipped:
    title = entry.get("title", "")
    if entry.get("title_detail", {}).get("type") in ("text/html", "application/xhtml+xml"):
        title = _plain(title)
    title = " ".join(title.split())
    contents = entry.get("content") or []
    summary_html = entry.get("summary", "")
    if contents:
        body = contents[0].get("value", "")
        language = contents[0].get("language") or language
        summary = _excerpt(_plain(summary_html))
        # a feed that repeats the whole body as its description has no summary
        if summary and len(summary_html) * 2 >= len(body) and summary == _plain(body):
            summary = ""
    else:
        body, summary = summary_html, ""
    link = entry.get("link") or None
    others = []
    guid = entry.get("id")
    if guid and urlsplit(guid).scheme in ("http", "https"):
        others.append(guid)
    photo = None
    for enclosure in entry.get("links", []):
        if enclosure.get("rel") == "enclosure" and str(enclosure.get("type", "")).startswith("image/"):
            credit = entry.get("credit") or None
            photo = Photo(
                src=_photo_src(enclosure["href"], file),
                alt=(enclosure.get("title") or "").strip() or None,
                credit=credit,
            )
            break
    # dict.get: feedparser's own get answers 'updated' with 'published' (and a warning) when there is none.
    raw_updated = dict.get(entry, "updated")
    raw_date = dict.get(entry, "published") or raw_updated or None
    return _common(
        source,
        file,
        id=guid or link,
        title=title,
        raw_date=raw_date,
        raw_updated=raw_updated,
        body=body,
        summary=summary,
        tags=[str(t.get("term") or t.get("label") or "").strip() for t in entry.get("tags", [])],
        language=language,
        link=link,
        others=others,
        photo=photo,
        mapping=mapping,
        rss=rss,
    )


def _json_feed(source: str, file: Path, data: bytes, mapping: ImportMap) -> Iterator[Item | Skipped]:
    try:
        document = json.loads(data)
    except ValueError as err:
        yield Skipped(source, None, f"not a feed it can read: not valid JSON ({err})")
        return
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(JSON_FEED):
        yield Skipped(source, None, f"not a feed it can read: JSON without a JSON Feed version ({JSON_FEED}1.1)")
        return
    entries = document.get("items")
    if not isinstance(entries, list) or not entries:
        yield Skipped(source, None, "the feed holds no items")
        return
    language = document.get("language") if isinstance(document.get("language"), str) else None
    for entry in entries:
        if not isinstance(entry, Mapping):
            yield Skipped(source, None, "an item that is not a JSON object")
            continue
        yield _json_item(source, file, entry, language, mapping)


def _string(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    return value.strip() if isinstance(value, str) else ""


def _json_item(
    source: str, file: Path, entry: Mapping[str, Any], language: str | None, mapping: ImportMap
) -> Item | Skipped:
    id_value = entry.get("id")
    guid = str(id_value) if isinstance(id_value, (str, int)) and str(id_value) else None
    link = _string(entry, "url") or None
    body = _string(entry, "content_html")
    if not body and _string(entry, "content_text"):
        paragraphs = []
        for text in _string(entry, "content_text").split("\n\n"):  # blank lines part paragraphs
            if text.strip():
                paragraph = etree.Element("p")
                paragraph.text = text.strip()
                paragraphs.append(etree.tostring(paragraph, encoding="unicode"))
        body = "".join(paragraphs)
    others = [guid] if guid and urlsplit(guid).scheme in ("http", "https") else []
    external = _string(entry, "external_url")
    if external:
        others.append(external)
    photo = None
    attachments = entry.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, Mapping) and str(attachment.get("mime_type", "")).startswith("image/"):
            href = _string(attachment, "url")
            if href:
                photo = Photo(src=_photo_src(href, file), alt=_string(attachment, "title") or None)
                break
    if photo is None and _string(entry, "image"):
        photo = Photo(src=_photo_src(_string(entry, "image"), file))
    tags = entry.get("tags")
    return _common(
        source,
        file,
        id=guid or link,
        title=" ".join(_string(entry, "title").split()),
        raw_date=_string(entry, "date_published") or _string(entry, "date_modified") or None,
        raw_updated=_string(entry, "date_modified") or None,
        body=body,
        summary=_string(entry, "summary"),
        tags=[str(t).strip() for t in tags] if isinstance(tags, list) else [],
        language=_string(entry, "language") or language,
        link=link,
        others=others,
        photo=photo,
        mapping=mapping,
        rss=False,
    )
