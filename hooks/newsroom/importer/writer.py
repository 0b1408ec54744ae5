"""Items to release files: names and addresses, front matter, Markdown bodies, photos, aliases, and
the bookkeeping that makes a second import change nothing an editor touched.

Each release file this import writes carries ``extra.imported: {source, id, hash}``. ``hash`` is
``sha256:`` and the SHA-256 of the file exactly as written, with ``hash: ''`` in place of the hash
itself: the file still has that digest only if no one changed it since. A second import finds its
releases by source and id and, for each:

- writes nothing when what it would write has the digest the file holds (*unchanged*);
- rewrites it in place when the source changed and the file was not touched (*updated*);
- leaves it alone and reports it when an editor changed it (*kept*).

It never writes over a file it did not write.
"""

from __future__ import annotations

import copy as copy_module
import hashlib
import os
import re
import shutil
import struct
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml
from lxml import etree
from lxml import html as lxml_html
from markdownify import MarkdownConverter
from PIL import Image as PILImage
from slugify import slugify

from .. import parallel, photo_metadata
from ..images import PHOTO_FORMATS, check_photo
from ..model import TAXONOMIES
from ..policy import Policy
from ..reader.characters import FORBIDDEN, closed_where_lines_end
from ..reader.release import parse_release
from ..reader.values import normalize_alias
from ..settings import Settings
from ..urls import release_url
from .items import ImportMap, Item, Photo, Skipped
from .report import Report

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: yaml.safe_dump's dumper, the C one where available (it writes only plain data, as safe_dump does).
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

#: Where copied and fetched photos go, under the releases folder.
IMAGES = "images/imported"
HASH_PLACEHOLDER = "hash: ''"
CLEAN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
PAGE_SUFFIXES = (".html", ".htm", ".php", ".asp", ".aspx", ".shtml", ".jsp")
MAX_SUMMARY = 300
MAX_TERM = 100
#: --fetch-images: at most this many bytes per photo, and this many seconds per request.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT = 20
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
if ".avif" in PHOTO_FORMATS:
    IMAGE_TYPES["image/avif"] = ".avif"


@dataclass(slots=True)
class Options:
    dry_run: bool = False
    fetch_images: bool = False
    old_sites: tuple[str, ...] = ()
    """Other hosts whose addresses are the old site's (``--old-site``)."""
    scope: str | None = None
    """What was imported, as given (a file, or a folder whose files are the sources): a release an
    earlier import wrote from it whose item is not there any more is reported. None: the sources read."""
    progress: Callable[[int, int], None] | None = None
    """Called every ``PROGRESS_EVERY`` items with (done, total)."""


PROGRESS_EVERY = 500
#: From this many items on, the releases are made by forked workers (``parallel``), at most this many.
PARALLEL_FROM = 200
MAX_WORKERS = 4


@dataclass(slots=True)
class _Plan:
    item: Item
    name: str
    existing: bool
    aliases: list[str] = field(default_factory=list)
    image: dict[str, str] | None = None
    copy: tuple[Path, Path] | None = None


def _key(url: str) -> tuple[str, str, str]:
    """What makes two spellings of an old address the same: host, path without its final slash, query."""
    parts = urlsplit(url)
    path = PurePosixPath(unquote(parts.path) or "/")
    if path.suffix.lower() in PAGE_SUFFIXES:
        path = path.parent if path.stem == "index" else path.with_suffix("")
    return ((parts.hostname or "").lower(), str(path).rstrip("/") or "/", parts.query)


def _root_relative(address: str) -> bool:
    """A path from the old site's root (``/press/a.html``), not a full address nor ``//host/``."""
    return address.startswith("/") and not address.startswith("//")


def clean(text: str) -> str:
    """Text without the characters the newsroom's reader refuses (control characters, noncharacters),
    and with the bidirectional controls a line leaves open closed at its end (a field's value, or a
    line of the body's Markdown: a paragraph, which closed them on the old page too)."""
    return closed_where_lines_end(FORBIDDEN.sub("", text))


def slug_for(item: Item) -> str:
    """The old address's last segment when it is already a clean slug, else one made from the title."""
    if item.link:
        segment = unquote(PurePosixPath(urlsplit(item.link).path).name)
        stem, dot, suffix = segment.rpartition(".")
        if dot and "." + suffix.lower() in PAGE_SUFFIXES:
            segment = stem
        if CLEAN_SLUG.match(segment) and len(segment) <= 80 and not segment.isdigit():
            return segment
    return slugify(item.title, max_length=80, word_boundary=True) or "release"


def imported_files(settings: Settings, others: dict[str, str] | None = None) -> dict[tuple[str, str], str]:
    """(source, id) → release file name, for the files an import wrote (they say so in ``extra.imported``).

    ``others``, if given, receives the old addresses (``aliases``) of the other releases → their file, so
    that no imported item takes one."""
    found: dict[tuple[str, str], str] = {}
    root = settings.releases_path
    if not root.is_dir():
        return found
    for path in sorted(root.rglob("*.md")):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        has_aliases = others is not None and b"aliases:" in data
        if b"imported:" not in data and not has_aliases:
            continue
        name = path.relative_to(root).as_posix()
        meta = _front_matter(data.decode("utf-8", "replace"))
        if not isinstance(meta, dict):
            continue
        extra = meta.get("extra")
        imported = extra.get("imported") if isinstance(extra, dict) else None
        if isinstance(imported, dict) and "source" in imported and "id" in imported:
            found[(str(imported["source"]), str(imported["id"]))] = name
        elif others is not None and isinstance(meta.get("aliases"), list):
            for alias in meta["aliases"]:
                path_alias = normalize_alias(str(alias))
                if path_alias is not None:
                    others.setdefault(path_alias, f"{settings.releases_dir}/{name}")
    return found


def _front_matter(text: str) -> Any:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    try:
        return yaml.load(text[4 : end + 1], Loader=_Loader)
    except yaml.YAMLError:
        return None


def digest_of(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def untouched(text: str) -> tuple[str | None, bool]:
    """The hash a file written by an import holds, and whether the file still has it."""
    meta = _front_matter(text)
    try:
        stored = meta["extra"]["imported"]["hash"]
    except (TypeError, KeyError):
        return None, False
    if not isinstance(stored, str) or not stored.startswith("sha256:"):
        return None, False
    marker = f"hash: {stored}"
    at = text.rfind(marker)
    if at < 0:
        return stored, False
    original = text[:at] + HASH_PLACEHOLDER + text[at + len(marker) :]
    return stored, digest_of(original) == stored


def import_items(
    entries: Iterable[Item | Skipped],
    settings: Settings,
    mapping: ImportMap,
    options: Options | None = None,
) -> Report:
    """Write (or, with ``dry_run``, only plan) a release for each item; the report of what happened."""
    options = options or Options()
    report = Report(dry_run=options.dry_run)
    items: list[Item] = []
    for entry in entries:
        if isinstance(entry, Skipped):
            report.skipped.append(entry)
        else:
            items.append(entry)
    claimed: dict[str, str] = {}
    known = imported_files(settings, claimed)
    plans = _plan(items, settings, known, report)
    sources = {item.source for item in items} | {entry.source for entry in report.skipped}
    present = {(item.source, item.id) for item in items}

    def imported_now(source: str) -> bool:
        scope = options.scope
        if scope is None:
            return source in sources
        return source == scope or source.startswith(scope.rstrip("/") + "/")

    report.gone.extend(
        f"{settings.releases_dir}/{name}"
        for (source, id_), name in sorted(known.items(), key=lambda pair: pair[1])
        if imported_now(source) and (source, id_) not in present
    )
    by_link: dict[tuple[str, str, str], str] = {}
    for plan in plans:
        for address in (plan.item.link, *plan.item.old_addresses):
            if address and (urlsplit(address).scheme in ("http", "https") or _root_relative(address)):
                by_link.setdefault(_key(address), plan.name)
                # also by its path alone, for links from items whose only old address is a path
                by_link.setdefault(("", *_key(address)[1:]), plan.name)
    for plan in plans:
        plan.aliases = _aliases(plan, settings, options, claimed, report)
    for plan in plans:
        if plan.item.photo is not None:
            plan.image, plan.copy = _photo(plan.item.photo, plan, settings, options, report)
    policy = Policy(settings.site_url, frozenset(settings.embed_hosts))

    def prepare(start: int, end: int) -> list[_Prepared]:
        return [_prepare(plan, settings, mapping, policy, by_link) for plan in plans[start:end]]

    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(plans) >= PARALLEL_FROM and workers > 1 and parallel.available():
        batches = parallel.in_order(prepare, parallel.shares(len(plans), workers, smallest=50), workers)
    else:
        batches = iter([prepare(0, len(plans))])
    done = 0
    for batch in batches:
        for prepared in batch:
            _write(plans[done], prepared, settings, options, report)
            done += 1
            if options.progress is not None and (done % PROGRESS_EVERY == 0 or done == len(plans)):
                options.progress(done, len(plans))
    return report


def _plan(items: list[Item], settings: Settings, known: dict[tuple[str, str], str], report: Report) -> list[_Plan]:
    plans: list[_Plan] = []
    taken: dict[str, Item] = {}
    for item in items:
        existing = known.get((item.source, item.id))
        if existing is not None:
            name = existing
        else:
            day = item.date.astimezone(settings.zone).date().isoformat()
            name = f"{day}-{slug_for(item)}.md"
        other = taken.get(name)
        if other is not None:
            where = f"{settings.releases_dir}/{name}"
            report.skipped.append(
                Skipped(
                    item.source,
                    item.id,
                    f"would get the same file and address as item {other.id!r} of {other.source} ({where}, "
                    f"news/{name[:10].replace('-', '/')}/{name[11:-3]}/); give one of them another title or link",
                )
            )
            continue
        if existing is None and (settings.releases_path / name).exists():
            report.skipped.append(
                Skipped(
                    item.source,
                    item.id,
                    f"{settings.releases_dir}/{name} already exists and was not written by an import of this "
                    "item; it is left alone",
                )
            )
            continue
        taken[name] = item
        plans.append(_Plan(item, name, existing is not None))
    return plans


def _aliases(plan: _Plan, settings: Settings, options: Options, claimed: dict[str, str], report: Report) -> list[str]:
    item = plan.item
    release = f"{settings.releases_dir}/{plan.name}"
    hosts = {h.lower() for h in options.old_sites}
    if item.link:
        hosts.add((urlsplit(item.link).hostname or "").lower())
    own = release_url(item.date.astimezone(settings.zone), plan.name[11:-3])
    aliases: list[str] = []
    for address in dict.fromkeys(a for a in (item.link, *item.old_addresses) if a):
        parts = urlsplit(address)
        if parts.scheme or parts.netloc:
            if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in hosts:
                report.guesses.append((release, f"old address {address} is on another host: not an alias"))
                continue
        elif not address.startswith("/"):
            report.guesses.append((release, f"old address {address} is not a path from the site's root: not an alias"))
            continue
        if parts.query:
            report.guesses.append(
                (release, f"old address {address} has a query, which a static site cannot answer: not an alias")
            )
            continue
        path = normalize_alias(parts.path)
        if path is None or len(path) > 200:
            if parts.path.strip("/"):
                report.guesses.append((release, f"old address {address} cannot be an alias on this site"))
            continue
        if path == own or path in aliases:
            continue
        holder = claimed.setdefault(path, release)
        if holder != release:
            report.guesses.append((release, f"old address {address} is already the alias of {holder}: not an alias"))
            continue
        aliases.append(path)
    return aliases


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (plain), at most MAX_SUMMARY characters."""
    words = text.split()
    taken: list[str] = []
    for word in words:
        taken.append(word)
        if word.endswith((".", "!", "?", "。")) and len(" ".join(taken)) >= 20:
            break
    sentence = " ".join(taken)
    if len(sentence) > MAX_SUMMARY:
        sentence = sentence[:MAX_SUMMARY].rsplit(" ", 1)[0] + "…"
    return sentence


def _fragment(html_text: str) -> Any:
    if not html_text.strip():
        return lxml_html.fragment_fromstring("<div></div>")
    try:
        return lxml_html.fragment_fromstring(html_text, create_parent="div")
    except (etree.ParserError, ValueError):
        div = lxml_html.fragment_fromstring("<div></div>")
        div.text = html_text
        return div


#: What must be escaped in text for Python-Markdown (the build's engine) to show it as written.
#: markdownify's own escaping is CommonMark's, and Python-Markdown would show its backslash before ``<``
#: or ``=``: it knows the backslash escapes of ``_ESCAPED`` only; ``<`` and ``&`` become entities.
_ESCAPED = re.compile(r"([\\`*_{}\[\]#])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
#: Markers that start a block when they open a line: a quote, a heading, a list item, a rule.
_BLOCK_MARKS = (
    re.compile(r"(\s|^)(>)"),
    re.compile(r"(\s|^)([-+](?:\s|$))"),
    re.compile(r"(\s|^)(-{2,})"),
    re.compile(r"((?:\s|^)[0-9]{1,9})([.)](?:\s|$))"),
)


class _Converter(MarkdownConverter):
    """markdownify for Python-Markdown: text escaped so that it reads back as the same words."""

    def escape(self, text: str, parent_tags: Any) -> str:
        if not text:
            return ""
        text = _ESCAPED.sub(r"\\\1", text)
        text = _TAG.sub("&lt;", _ENTITY.sub("&amp;", text))
        for mark in _BLOCK_MARKS:
            text = mark.sub(r"\1\\\2", text)
        return text


_CONVERTER = _Converter(
    heading_style="ATX",
    bullets="-",
    escape_misc=False,
    escape_asterisks=False,
    escape_underscores=False,
    bs4_options="lxml",
)


#: Elements whose text is a block of its own: their words never run into the next block's.
BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol blockquote pre table tr td th figure figcaption br hr dt dd".split()
)


def visible_text(root: Any) -> str:
    """The words of an element as a reader sees them, blocks apart, whitespace collapsed."""
    copy = copy_module.deepcopy(root)
    for element in copy.iter(*BLOCKS):
        element.tail = " " + (element.tail or "")
    return " ".join(copy.text_content().split())


def _replace_with_link(element: Any, href: str, words: str) -> None:
    link = lxml_html.Element("a", href=href)
    link.text = words
    link.tail = element.tail
    parent = element.getparent()
    if parent is not None:
        parent.replace(element, link)


def body_of(
    item: Item, release: str, policy: Policy, by_link: dict[tuple[str, str, str], str], report: Report
) -> tuple[str, str]:
    """The body as Markdown, and its plain text (for the summary's first sentence)."""
    root = _fragment(policy.sanitize(FORBIDDEN.sub("", item.body_html)))  # HTML: its lines are not its paragraphs
    base = item.link or next((a for a in item.old_addresses if _root_relative(a)), "")
    for element in list(root.iter("img", "video", "audio", "picture")):
        if element.getparent() is None:
            continue
        src = element.get("src") or ""
        if element.tag == "picture":
            inner = next(element.iter("img"), None)
            src = inner.get("src", "") if inner is not None else ""
        address = urljoin(base, src) if src else ""
        words = (element.get("alt") or "").strip() or PurePosixPath(urlsplit(address).path).name or "image"
        if address:
            report.remote_images.append((release, address))
            _replace_with_link(element, address, words)
        else:
            element.drop_tree()
    for link in root.iter("a"):
        href = link.get("href")
        if not href or href.startswith("#"):
            continue
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") or _root_relative(absolute):
            key = _key(absolute)
            target = by_link.get(key)
            if target is None and (parts.hostname or "").lower() == (urlsplit(base).hostname or "").lower():
                target = by_link.get(("", *key[1:]))  # an item known by its path alone, on the same site
            if target is not None:
                link.set("href", target + (f"#{parts.fragment}" if parts.fragment else ""))
            elif parts.scheme:
                link.set("href", absolute)
    text = visible_text(root) if not item.summary else ""
    inner = (root.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in root)
    markdown = _CONVERTER.convert(inner)
    markdown = clean(re.sub(r"\n{3,}", "\n\n", markdown)).strip()
    return "\n".join(line.rstrip() for line in markdown.split("\n")), text


def _terms(item: Item, mapping: ImportMap, report: Report) -> tuple[dict[str, list[str]], list[str]]:
    terms: dict[str, list[str]] = {}
    unmapped: list[str] = []
    lowered = {name.casefold(): value for name, value in mapping.categories.items()}
    for _kind, name in item.categories:
        target = mapping.categories.get(name) or lowered.get(name.casefold())
        if target is None:
            if name not in unmapped:
                unmapped.append(name)
                report.unmapped[name] += 1
            continue
        for taxonomy, names in target.items():
            for term in names:
                if term not in terms.setdefault(taxonomy, []) and len(term) <= MAX_TERM:
                    terms[taxonomy].append(term)
    return terms, unmapped


def _language(item: Item, settings: Settings) -> str | None:
    if not item.language:
        return None
    tag = item.language.strip()
    site = settings.language.lower()
    if tag.lower() == site or ("-" not in site and tag.lower().split("-")[0] == site):
        return None
    parts = tag.split("-")
    return "-".join([parts[0].lower()] + [p.upper() if len(p) == 2 else p for p in parts[1:]])


def _photo(
    photo: Photo, plan: _Plan, settings: Settings, options: Options, report: Report
) -> tuple[dict[str, str] | None, tuple[Path, Path] | None]:
    """The ``image`` field, and the (from, to) copy it needs."""
    release = f"{settings.releases_dir}/{plan.name}"
    if not photo.alt:
        report.guesses.append((release, f"photo {photo.src} left out: the source gives no alt text"))
        return None, None
    folder = f"{IMAGES}/{plan.name[:-3]}"
    scheme = urlsplit(photo.src).scheme.lower()
    if scheme in ("http", "https"):
        if not options.fetch_images or options.dry_run:
            report.remote_images.append((release, photo.src))
            return None, None
        fetched, why = fetch_image(photo.src, settings.releases_path / folder)
        if fetched is None:
            report.remote_images.append((release, f"{photo.src} (not fetched: {why})"))
            return None, None
        source = fetched
    else:
        source = Path(photo.src)
        if not source.is_file():
            report.guesses.append((release, f"photo {photo.src} left out: no such file"))
            return None, None
        root = _imported_folder(options)
        if not source.resolve().is_relative_to(root):
            # A source names any file it likes (`/home/…/private.jpg`, `../../`, a link leading out):
            # only photos shipped with what is imported are copied, and so published.
            report.guesses.append((release, f"photo {photo.src} left out: it is outside {root}, which is imported"))
            return None, None
        trouble = check_photo(source)
        if trouble is not None:
            report.guesses.append((release, f"photo {photo.src} left out: it {trouble}"))
            return None, None
    name = slugify(source.stem, max_length=60) or "photo"
    target = f"{folder}/{name}{source.suffix.lower()}"
    if scheme in ("http", "https"):
        target = f"{folder}/{source.name}"
    image = {"src": target, "alt": clean(photo.alt)}
    if photo.caption:
        image["caption"] = clean(photo.caption)
    if photo.credit:
        image["credit"] = clean(photo.credit)
    return image, (source, settings.releases_path / target)


def _imported_folder(options: Options) -> Path:
    """The folder whose files an import may copy: the one imported, or the one holding the file imported."""
    scope = Path(options.scope).resolve() if options.scope else Path.cwd().resolve()
    return scope if scope.is_dir() else scope.parent


class _SameSchemeRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.URLError(f"redirected to {newurl}, not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_image(url: str, folder: Path) -> tuple[Path | None, str]:
    """Download the photo at ``url`` into ``folder``: its path, or None and why (nothing is left behind).

    Only http(s), also after redirects; at most MAX_IMAGE_BYTES; the type the server names must be a
    photo's, and the bytes the image that type and the file's extension say (Pillow)."""
    opener = urllib.request.build_opener(_SameSchemeRedirects())
    try:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return None, "not an http(s) address"
        request = urllib.request.Request(url, headers={"User-Agent": "newsroom-import"})
        with opener.open(request, timeout=FETCH_TIMEOUT) as r:
            kind = (r.headers.get_content_type() or "").lower()
            suffix = IMAGE_TYPES.get(kind)
            if suffix is None:
                return None, f"the server says it is {kind or 'of no type'}, not a JPEG, PNG, GIF or WebP image"
            data = r.read(MAX_IMAGE_BYTES + 1)
    except (OSError, ValueError) as err:
        return None, str(getattr(err, "reason", None) or err)
    if len(data) > MAX_IMAGE_BYTES:
        return None, f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"
    stem = slugify(PurePosixPath(unquote(urlsplit(url).path)).stem, max_length=60) or "photo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}{suffix}"
    existed = path.exists()
    previous = path.read_bytes() if existed else None
    path.write_bytes(data)
    trouble = check_photo(path)
    if trouble is None:
        try:
            with PILImage.open(path) as image:
                image.verify()
        except (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error) as err:  # damaged data
            trouble = f"cannot be read as an image ({err})"
    if trouble is not None:
        if previous is not None:
            path.write_bytes(previous)
        else:
            path.unlink()
        return None, f"it {trouble}"
    return path, ""


def render(front: dict[str, Any], body: str) -> str:
    """The release file: YAML front matter written by yaml.safe_dump, and the Markdown body."""
    text = yaml.dump(front, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return f"---\n{text}---\n\n{body}\n"


@dataclass(slots=True)
class _Prepared:
    final: str
    digest: str
    found: Report
    """What preparing it found for the report (guesses, remote images, unmapped names, problems)."""


def _prepare(
    plan: _Plan,
    settings: Settings,
    mapping: ImportMap,
    policy: Policy,
    by_link: dict[tuple[str, str, str], str],
) -> _Prepared:
    """The release file's text and digest, checked by the newsroom's own reader (run in a worker)."""
    found = Report()
    item = plan.item
    release = f"{settings.releases_dir}/{plan.name}"
    body, text = body_of(item, release, policy, by_link, found)
    front: dict[str, Any] = {"title": clean(item.title)}
    summary = " ".join(clean(item.summary or "").split())
    if not summary:
        plain = text
        if item.dateline and plain.startswith("("):
            plain = plain.split(")", 1)[-1].lstrip(" –—-")
        summary = first_sentence(plain) or front["title"]
        found.guesses.append((release, f"summary taken from the first sentence: {summary!r}"))
    front["summary"] = summary
    front["date"] = item.date.isoformat()
    if item.dateline:
        front["dateline"] = clean(item.dateline)
    terms, unmapped = _terms(item, mapping, found)
    for taxonomy in TAXONOMIES:
        names = terms.get(taxonomy)
        if names:
            front[taxonomy] = names[0] if len(names) == 1 else names
    if plan.image is not None:
        front["image"] = plan.image
    language = _language(item, settings)
    if language:
        front["language"] = language
    if item.updated is not None and item.updated > item.date:
        front["updated"] = item.updated.isoformat()
    if item.draft:
        front["draft"] = True
    if plan.aliases:
        front["aliases"] = plan.aliases
    imported: dict[str, Any] = {"source": item.source, "id": item.id}
    if unmapped:
        imported["categories"] = unmapped
    imported["hash"] = ""
    front["extra"] = {"imported": imported}
    for note in item.notes:
        found.guesses.append((release, note))
    draft_text = render(front, body)
    at = draft_text.rfind(HASH_PLACEHOLDER)
    digest = digest_of(draft_text)
    final = draft_text[:at] + f"hash: {digest}" + draft_text[at + len(HASH_PLACEHOLDER) :]
    # The photo was checked when it was copied or fetched (images.check_photo, as the reader does).
    _, problems = parse_release(final.encode("utf-8"), plan.name, settings, photos=lambda relative: None)
    found.problems.extend(str(problem) for problem in problems)
    return _Prepared(final, digest, found)


def _write(plan: _Plan, prepared: _Prepared, settings: Settings, options: Options, report: Report) -> None:
    release = f"{settings.releases_dir}/{plan.name}"
    path = settings.releases_path / plan.name
    found = prepared.found
    report.guesses.extend(found.guesses)
    report.remote_images.extend(found.remote_images)
    report.unmapped.update(found.unmapped)
    report.problems.extend(found.problems)
    if plan.existing and path.exists():
        current = path.read_text(encoding="utf-8", errors="replace")
        stored, intact = untouched(current)
        if not intact:
            report.kept.append(release)
            return
        if stored == prepared.digest:
            report.unchanged.append(release)
            return
        outcome = report.updated
    else:
        outcome = report.written
    outcome.append(release)
    if not options.dry_run:
        if plan.copy is not None:
            source, target = plan.copy
            target.parent.mkdir(parents=True, exist_ok=True)
            if source != target and (not target.exists() or target.read_bytes() != source.read_bytes()):
                shutil.copyfile(source, target)
            # The old site published it as it was; the archive does not publish where it was taken.
            for _, what in photo_metadata.strip_all([target]):
                shown = target.relative_to(settings.project_dir).as_posix()
                report.guesses.append((release, f"photo {shown}: {what} (metadata)"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(prepared.final, encoding="utf-8")
