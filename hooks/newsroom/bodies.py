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

Problems name the line of the body where the offending text is. What a body may hold, and
the walk that enforces it, are in ``policy``.

A build holding the page cache's secret (``page_cache``) keeps each body it checked without a
problem (``Bodies.checked``); a later build takes it as it came out, without walking it again,
while its text, place and settings are the same, every file its links name resolves as it did,
and its code matches the secret.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import os
import signal
import struct
import threading
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import markdown
from lxml import etree

from .cache import Conversions, Verdicts, code_version
from .links import HeldLinks, site_host
from .packing import Stashed, pack, packed, stash, stash_packed, unpack, unstash
from .page_cache import PageCache
from .policy import HELD, MAX_DEPTH, Policy, Walk
from .reader.characters import character_message, find_forbidden, find_unclosed, holds_opener

#: How many times a body with problems is converted again to find the line of each (``_placed``).
PLACING = 12

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


@dataclass(slots=True)
class Rendered:
    """A body, ready for its page, its feed items and the search index (``Rendered.of``).

    A build keeps every body's HTML, feed HTML, text and table of contents from its conversion to
    its end, and reads each a few times (the page, the feeds, the text-only edition, the search
    record): they are kept compressed, and unpacked when read (``html``, ``feed_html``, ``text``,
    ``toc_tokens``). As strings and lists they took 1.4 GB at 50,000 releases; packed, 0.5 GB;
    the HTML and text are stashed on disk where the build offers it (``packing.stash``).
    """

    packed_html: bytes | Stashed
    packed_feed: bytes | Stashed | None
    """Every address absolute (from ``page_url``), no heading permalinks: for feeds. None for a body
    no feed shows (``Bodies.feed_sources``)."""
    packed_text: bytes | Stashed
    packed_toc: bytes = b""
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
    lookups: dict[str, str | None] = field(default_factory=dict)
    """The files its links named and what each resolved to (``policy.Walk.lookups``)."""
    recalled: bool = False
    """Found by ``make check`` in its verdicts (``Bodies.recall``), not walked again."""
    checked_before: bool = False
    """Taken as an earlier build checked it (``Bodies.from_checked``): that build kept its verdict."""
    digest: str = ""
    """A digest of the page's HTML and the text, for the keys of the page that shows it and of its
    search record (``page_cache``)."""
    verdict: str = ""
    """The key of its verdict (``Bodies.verdict_key``), where the build made it."""

    @classmethod
    def of(cls, html: str, feed_html: str | None, text: str, **others: Any) -> Rendered:
        digest = hashlib.blake2b(f"{html}\0{text}".encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
        return cls(stash(html), None if feed_html is None else stash(feed_html), stash(text), digest=digest, **others)

    @property
    def html(self) -> str:
        return unstash(self.packed_html)

    @property
    def feed_html(self) -> str | None:
        return None if self.packed_feed is None else unstash(self.packed_feed)

    @property
    def text(self) -> str:
        """The readable text, a line per block: for the search index."""
        return unstash(self.packed_text)

    @property
    def toc_tokens(self) -> list:
        """The table of contents as Python-Markdown's ``toc_tokens`` (MkDocs' ``get_toc`` reads them)."""
        return json.loads(unpack(self.packed_toc)) if self.packed_toc else []

    @toc_tokens.setter
    def toc_tokens(self, tokens: list) -> None:
        self.packed_toc = pack(json.dumps(tokens, ensure_ascii=False, separators=(",", ":"))) if tokens else b""


@dataclass(slots=True, init=False)
class Source:
    """Where a body comes from, for resolving its links and placing its problems."""

    src_uri: str
    """Its path among the site's source files (``press_releases/x.md``, ``about.md``)."""
    page_url: str
    """The address of its page, relative to the site root."""
    first_line: int
    """The line of the file where ``text`` starts."""
    packed: bytes
    """The body as a release keeps it (``packing``), when given so: unpacked only if ``text`` is asked for."""
    _text: str | None

    def __init__(self, src_uri: str, page_url: str, text: str | None, first_line: int = 1, packed: bytes = b""):
        if text is None and not packed:
            text = ""
        self.src_uri, self.page_url, self.first_line, self.packed, self._text = (
            src_uri,
            page_url,
            first_line,
            packed,
            text,
        )

    @property
    def text(self) -> str:
        """The body as written, for finding the line of a problem."""
        if self._text is None:
            self._text = unpack(self.packed)
        return self._text

    @property
    def identity(self) -> bytes:
        """What tells this body from any other, without unpacking it: its packed form if it came
        so (packing the same text gives the same bytes), else its text (each marked apart)."""
        if self.packed:
            return b"z" + self.packed
        return b"t" + self.text.encode("utf-8", "surrogatepass")

    def line_of(self, *needles: str) -> int:
        """The line of the file holding the first of ``needles`` found (in any case)."""
        return next(iter(self.lines_of(*needles)), self.first_line)

    def lines_of(self, *needles: str) -> list[int]:
        """Every line of the file holding the first of ``needles`` found on any (in any case, as
        written or as a browser reads it: character references decoded, tabs dropped, as the
        address ``java&#x09;script:`` is ``javascript:``)."""
        lines = self.text.casefold().split("\n")  # lines as editors count them: not at U+2028 and the like
        read = [
            html.unescape(line).replace("\t", "").casefold() if "&" in line or "\t" in line else line for line in lines
        ]
        for needle in needles:
            wanted = needle.casefold().strip()
            if not wanted:
                continue
            found = [
                self.first_line + number
                for number, (line, as_read) in enumerate(zip(lines, read, strict=True))
                if wanted in line or wanted in as_read
            ]
            if found:
                return found
        return []


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
        self.check_only = False
        """Only check bodies (``make check``): the walk runs, no page, feed or search form is made."""
        self.feed_sources: AbstractSet[str] | None = None
        """The bodies (by source path) that some feed shows; the others get no feed form. None: all."""
        self.verdicts: Verdicts | None = None
        """What walks found in bodies, for ``make check`` (``recall``, ``remember``)."""
        self.checked: PageCache | None = None
        """Bodies checked by earlier builds, as they came out (``page_cache``, authenticated with its
        secret): a build walks again only a body that changed, or whose links lead elsewhere."""
        self.recalled = 0
        """How many bodies ``render`` took from ``checked``."""
        self._verdict_prefix: bytes | None = None

    def verdict_key(self, source: Source) -> str:
        """The key of a body's verdict: its text and place, and everything else a walk depends on
        but the files its links name (code, Markdown settings, policy, the held releases)."""
        if self._verdict_prefix is None:
            held = sorted(
                (path, r.source, r.name, r.draft, repr(r.embargo), repr(r.date))
                for path, r in self.guard.targets.items()
            )
            fingerprint = [
                code_version(),
                self.conversions.fingerprint if self.conversions is not None else repr(self.md.registeredExtensions),
                repr(self.policy),
                held,
            ]
            self._verdict_prefix = json.dumps(fingerprint, default=repr).encode()
        place = f"\0{source.src_uri}\0{source.page_url}\0{source.first_line}\0"
        return hashlib.sha256(self._verdict_prefix + place.encode() + source.identity).hexdigest()

    def recall(self, source: Source) -> Rendered | None:
        """``make check``: what an earlier check found in the same body, if every file its links
        name still resolves as it did then (a verdict is never used by a build)."""
        if self.verdicts is None or not self.check_only or self.targets is None:
            return None
        entry = self.verdicts.get(self.verdict_key(source))
        if entry is None:
            return None
        try:
            targets = self.targets
            for target, then in entry["lookups"].items():
                if (HELD if target in targets.held else targets.urls.get(target)) != then:
                    return None
            return Rendered.of(
                html="",
                feed_html=None,
                text="",
                anchors=set(entry["anchors"]),
                referenced=set(entry["referenced"]),
                problems=[(int(line), str(message)) for line, message in entry["problems"]],
                removed=[str(target) for target in entry["removed"]],
                lookups=entry["lookups"],
                recalled=True,
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def remember(self, source: Source | Callable[[], Source], rendered: Rendered) -> None:
        """Keep what the walk found in this body for the next ``make check``. ``source`` may be
        made only if needed (a release keeps its body packed)."""
        if self.verdicts is None or rendered.recalled:
            return
        if rendered.checked_before and rendered.verdict:
            # The build that checked it kept the same verdict: kept again (not pruned), not written
            # anew (at 50,000 releases, 0.9 s of every hourly build).
            self.verdicts.keep(rendered.verdict)
            return
        self.verdicts.put(
            rendered.verdict or self.verdict_key(source if isinstance(source, Source) else source()),
            {
                "anchors": sorted(rendered.anchors),
                "referenced": sorted(rendered.referenced),
                "problems": rendered.problems,
                "removed": rendered.removed,
                "lookups": rendered.lookups,
            },
        )

    def convert(self, text: str) -> tuple[str, list, tuple[str, str, list] | None, str]:
        """Markdown to HTML and table of contents, from the cache when an earlier build converted the
        same text; the third item is the new conversion, for the cache, when there was none; the
        fourth its key in the cache ('' without one)."""
        conversions = self.conversions
        key = conversions.key(text) if conversions is not None else ""
        found = conversions.get(key) if conversions is not None else None
        if found is not None:
            return found[0], found[1], None, key
        md = self.md
        md.reset()
        with processor_budget(convert_seconds()):
            html_text = md.convert(text)
        toc = getattr(md, "toc_tokens", [])
        if conversions is not None:
            conversions.put(key, html_text, toc)
        return html_text, toc, (key, html_text, toc) if conversions is not None else None, key

    def render(self, source: Source) -> Rendered:
        """Convert a body written in Markdown, resolving its links to files: as an earlier build
        checked it (``checked``) when nothing it depends on changed."""
        found = self.from_checked(source)
        return found if found is not None else self.render_anew(source)

    def _checked(self) -> PageCache | None:
        return self.checked if not self.check_only and self.targets is not None else None

    def from_checked(self, source: Source) -> Rendered | None:
        """A body as an earlier build checked it (``render``), or None where it must be converted
        and walked again. Its text is never unpacked: the key of its Markdown conversion comes
        with the entry, and counts as this build's (``Conversions.used``), so that a build which
        must walk every body again (another policy, a release held back) still finds them converted."""
        checked = self._checked()
        if checked is None:
            return None
        key = self.verdict_key(source)
        found = checked.get(key)
        recalled = self._recalled(found, source) if found is not None else None
        if recalled is None:
            return None
        rendered, conversion = recalled
        if self.conversions is not None and conversion:
            self.conversions.used.add(conversion)
        self.recalled += 1
        rendered.verdict = key
        rendered.checked_before = True
        return rendered

    def render_anew(self, source: Source) -> Rendered:
        """Convert and walk a body (its conversion from ``conversions`` where an earlier build made
        it), keeping what the walk found in ``checked``."""
        checked = self._checked()
        key = self.verdict_key(source) if checked is not None else ""
        rendered, conversion = self._converted(source)
        if checked is not None and not rendered.problems:  # a body with problems is always walked again
            checked.put(key, _dump(rendered, conversion))
        rendered.verdict = key
        return rendered

    def _recalled(self, entry: bytes, source: Source) -> tuple[Rendered, str] | None:
        """A body as an earlier build checked it, if every file its links name still resolves as
        it did then, and it has a feed form exactly when one is needed now; with the key of its
        Markdown conversion."""
        try:
            rendered, conversion = _load(entry)
        except (ValueError, TypeError, KeyError, struct.error):
            return None
        targets = self.targets
        assert targets is not None
        for target, then in rendered.lookups.items():
            if (HELD if target in targets.held else targets.urls.get(target)) != then:
                return None
        feed = self.feed_sources is None or source.src_uri in self.feed_sources
        if feed and rendered.packed_feed is None:
            return None
        if not feed:
            rendered.packed_feed = None
        rendered.packed_html = stash_packed(packed(rendered.packed_html))
        rendered.packed_text = stash_packed(packed(rendered.packed_text))
        if rendered.packed_feed is not None:
            rendered.packed_feed = stash_packed(packed(rendered.packed_feed))
        return rendered, conversion

    def _converted(self, source: Source) -> tuple[Rendered, str]:
        """A body converted and walked, with the key of its conversion ('' for none)."""
        try:
            converted, toc, fresh, conversion = self.convert(source.text)
        except RecursionError:
            return _failed(
                source,
                "the body cannot be converted: its lists or quotes are nested too deeply "
                f"(the limit is about {MAX_DEPTH} levels)",
            ), ""
        except TooSlow:
            return _failed(source, too_slow("body")), ""
        except Exception as err:  # noqa: BLE001 - an extension's own bug must not become a traceback
            return _failed(source, f"the body cannot be converted to HTML ({type(err).__name__}: {err})"), ""
        rendered, needles = self._examined(converted, source, resolve=True)
        if rendered.problems:
            rendered.problems = self._placed(source, rendered.problems, needles)
        rendered.toc_tokens = toc
        rendered.fresh = fresh
        return rendered, conversion

    def _placed(
        self, source: Source, problems: list[tuple[int, str]], needles: list[tuple[str, ...]]
    ) -> list[tuple[int, str]]:
        """The problems of a body, each at the line that caused it. A problem's text may be on
        several lines (``<script`` in a code sample, then in raw HTML): each such line is left out
        in turn, and the body converted and walked again; the lines whose absence takes problems
        away caused them, in order. At most ``PLACING`` conversions a body: beyond, and where no
        line is found so, the first line holding the text is named."""
        placed = list(problems)
        groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for index, ((_, message), found) in enumerate(zip(problems, needles, strict=True)):
            groups.setdefault((message, found), []).append(index)
        budget = PLACING
        lines = source.text.split("\n")
        for (message, found), indexes in groups.items():
            candidates = source.lines_of(*found)
            if len(candidates) < 2 or len(candidates) > budget:
                continue
            budget -= len(candidates)
            causes: list[int] = []
            for line in candidates:
                trial = lines.copy()
                trial[line - source.first_line] = ""
                without = Source(source.src_uri, source.page_url, "\n".join(trial), source.first_line)
                left = self._count(without, message)
                if left is not None:
                    causes += [line] * max(len(indexes) - left, 0)
            for index, line in zip(indexes, causes, strict=False):
                placed[index] = (line, message)
        return placed

    def _count(self, source: Source, message: str) -> int | None:
        """How many times a walk of ``source`` (converted anew, the cache untouched) finds ``message``."""
        try:
            md = self.md
            md.reset()
            walk = Walk(self, source, resolve=True)
            walk.run(_parse(md.convert(source.text)))
        except Exception:  # noqa: BLE001 - a trial that fails places nothing
            return None
        return sum(1 for _, said in walk.problems if said == message)

    def examine(self, body_html: str, source: Source, *, resolve: bool = False) -> Rendered:
        """Check and clean HTML; ``resolve``: also resolve links to files (for bodies converted here)."""
        return self._examined(body_html, source, resolve=resolve)[0]

    def _examined(self, body_html: str, source: Source, *, resolve: bool) -> tuple[Rendered, list[tuple[str, ...]]]:
        """``examine``, and the text each of its problems was found by (``Walk.needles``)."""
        walk = Walk(self, source, resolve)
        root = _parse(body_html)
        for character in _forbidden_in(root):
            # A character reference (&#1;) the reader could not see: refused like the character itself.
            code = f"{ord(character):x}"
            failed = _failed(
                source,
                f"the body {character_message(character, escaped=True)}",
                line=source.line_of(f"&#{ord(character)};", f"&#x{code};", f"&#x{code.upper()};"),
            )
            return failed, [()]
        for character in _unclosed_in(root, body_html):
            # Read in the text as a reader sees it, across elements: "\u202e<em>x</em>\u202c" is closed.
            failed = _failed(
                source,
                f"the body {character_message(character, escaped=character not in source.text)}",
                line=source.line_of(character),
            )
            return failed, [()]
        if _depth(root) >= MAX_DEPTH:
            # The HTML parser drops what lies deeper than its limit: refuse rather than lose text.
            failed = _failed(
                source,
                f"the body's HTML is nested more than {MAX_DEPTH} elements deep; part of it would be lost. Flatten it",
            )
            return failed, [()]
        walk.run(root)
        if self.check_only:
            checked = Rendered.of(
                html="",
                feed_html=None,
                text="",
                anchors=walk.anchors,
                referenced=walk.referenced,
                problems=walk.problems,
                removed=walk.removed,
                lookups=walk.lookups,
            )
            return checked, walk.needles
        page_html = self.policy.sanitize(_serialize(root))
        feed = self.feed_sources is None or source.src_uri in self.feed_sources
        absolute_base = walk.absolute_base
        for element, attribute in walk.addresses if feed else ():
            value = element.get(attribute)
            if value is not None:
                element.set(
                    attribute,
                    ", ".join(_absolute(part, absolute_base) for part in value.split(","))
                    if attribute.endswith("srcset")
                    else _absolute(value, absolute_base),
                )
        for permalink in root.xpath(".//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]"):
            remove_keeping_tail(permalink)
        feed_html = self.policy.sanitize(_serialize(root)) if feed else None
        rendered = Rendered.of(
            html=page_html,
            feed_html=feed_html,
            text=_text(root),
            anchors=walk.anchors,
            referenced=walk.referenced,
            problems=walk.problems,
            removed=walk.removed,
            lookups=walk.lookups,
        )
        return rendered, walk.needles


def _dump(rendered: Rendered, conversion: str) -> bytes:
    """A checked body as the ``checked`` cache keeps it: what the walk found and the key of its
    Markdown conversion (JSON), then its packed HTML, feed HTML, text and table of contents."""
    found = {
        "conversion": conversion,
        "anchors": sorted(rendered.anchors),
        "referenced": sorted(rendered.referenced),
        "removed": rendered.removed,
        "lookups": rendered.lookups,
        "digest": rendered.digest,
        "feed": rendered.packed_feed is not None,
    }
    parts = [
        json.dumps(found, ensure_ascii=False).encode("utf-8", "surrogatepass"),
        packed(rendered.packed_html),
        packed(rendered.packed_feed) if rendered.packed_feed is not None else b"",
        packed(rendered.packed_text),
        rendered.packed_toc,
    ]
    return struct.pack(f"<{len(parts)}I", *map(len, parts)) + b"".join(parts)


def _load(entry: bytes) -> tuple[Rendered, str]:
    lengths = struct.unpack_from("<5I", entry)
    parts, start = [], 20
    for length in lengths:
        parts.append(entry[start : start + length])
        start += length
    if start != len(entry):
        raise ValueError("an entry of the wrong length")
    header, html, feed, text, toc = parts
    found = json.loads(header.decode("utf-8", "surrogatepass"))
    rendered = Rendered(
        packed_html=html,
        packed_feed=feed if found["feed"] else None,
        packed_text=text,
        packed_toc=toc,
        anchors=set(found["anchors"]),
        referenced=set(found["referenced"]),
        removed=[str(target) for target in found["removed"]],
        lookups=dict(found["lookups"]),
        digest=str(found["digest"]),
    )
    return rendered, str(found["conversion"])


#: The processor time one body may take to convert to HTML (``NEWSROOM_CONVERT_SECONDS`` sets
#: another). A body of ordinary text takes milliseconds (about 5 ms for 650 words, 0.25 s for a
#: megabyte); Python-Markdown takes quadratic time on some text (Python-Markdown#798: 20,000 '['
#: in a paragraph take 90 s, 40,000 six minutes), which would hold a build, and every hourly
#: build after it, for hours: such a body fails the build instead, saying why.
CONVERT_SECONDS = 20.0


@functools.cache
def convert_seconds() -> float:
    """``CONVERT_SECONDS``, or ``NEWSROOM_CONVERT_SECONDS``: read once a process, not once a body."""
    try:
        return float(os.environ.get("NEWSROOM_CONVERT_SECONDS", CONVERT_SECONDS))
    except ValueError:
        return CONVERT_SECONDS


def too_slow(what: str) -> str:
    """What is wrong with a body or a page (``what``) that ran out of its processor time."""
    return (
        f"the {what} took more than {convert_seconds():g} s of processor time to convert to HTML, where a "
        f"{what} of ordinary text takes a few thousandths of a second: Markdown slows down without end on "
        "some text, such as thousands of '[' or '[^' in one paragraph; break such a run up or delete it"
    )


class TooSlow(BaseException):
    """A conversion ran out of its processor time: a BaseException, which no extension's own
    ``except Exception`` swallows."""


def _out_of_time(signum: int, frame: Any) -> None:
    raise TooSlow


@contextlib.contextmanager
def processor_budget(seconds: float) -> Any:
    """Raise TooSlow in the block once this process has spent ``seconds`` of processor time in
    it (a virtual timer: a slow or busy machine changes nothing). In the main thread only, where
    signals are delivered; elsewhere, the block runs without a budget."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGVTALRM) is not _out_of_time:
        signal.signal(signal.SIGVTALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)


def _failed(source: Source, message: str, line: int | None = None) -> Rendered:
    return Rendered.of(html="", feed_html="", text="", problems=[(line or source.first_line, message)])


def _forbidden_in(root: Any) -> list[str]:
    """The characters no body may hold that the parsed tree holds (from character references)."""
    found: list[str] = []
    for element in root.iter():
        for text in (element.text, element.tail, *element.attrib.values()) if isinstance(element.tag, str) else ():
            if text:
                found += [character for _, character in find_forbidden(text)]
    return found


def _unclosed_in(root: Any, body_html: str) -> list[str]:
    """The bidirectional controls the parsed tree leaves open on a line of its text or of an
    attribute's (``find_unclosed``), whether written as such or as character references."""
    if "&#" not in body_html and not holds_opener(body_html):
        return []
    found = [character for _, character in find_unclosed("".join(root.itertext()))]
    for element in root.iter():
        if isinstance(element.tag, str):
            for value in element.attrib.values():
                found += [character for _, character in find_unclosed(value)]
    return found


def _depth(root: Any) -> int:
    """How deep the elements of a tree are nested."""
    deepest = depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


_PARSER = etree.HTMLParser()


def _parse(body_html: str) -> Any:
    """The body as the children of a ``<body>`` element (plain lxml elements: no lxml.html classes)."""
    document = etree.fromstring(f"<html><body>{body_html}</body></html>", _PARSER)
    return document.find("body")


def remove_keeping_tail(element: Any) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent, tail = element.getparent(), element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


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
