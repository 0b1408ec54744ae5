"""Property-based tests of the trust boundary (issue 10), with Hypothesis.

Generated front matter and bodies (hostile strings, odd Unicode, odd times) either fail the build
with a ``file:line`` message and leave ``site/`` untouched, or build a site whose every page is
valid, every feed parses and shows the input text, and no executable script exists outside the
site's own assets.

- ``test_a_generated_release_is_refused_at_its_line_or_published_safely``: one full
  `mkdocs build` per example, over a previous site. Each example also knows what it must give:
  a release holding a control character, a noncharacter, an empty title, a year outside
  1900-2200, a local time the clocks skip or repeat, or active content in its body must be
  refused; a release made only of known-good parts must be published; any other may go either
  way, but must then hold to the rest of the property.
- ``test_the_reader_never_raises_and_names_lines_of_the_file`` and
  ``test_the_reader_accepts_a_valid_release_and_keeps_its_text``: the reader alone, on arbitrary
  bytes and on YAML-ish front matter (many examples).
- ``test_the_body_checker_never_raises_and_its_html_is_inert`` and
  ``test_a_body_problem_names_the_line_of_the_offending_text``: the body checker alone.

The bugs found while writing these have tests of their own at the end (fixed since, but one:
a problem's line is found by searching the body's text, and the one strict xfail pins that
limit); the generators leave out the inputs that trigger it, saying so where they do.
"""

from __future__ import annotations

import calendar
import json
import posixpath
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
import yaml
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from conftest import NOW, ROOT, Build, Project, snapshot
from newsroom.bodies import Bodies, Policy, Source, Targets
from newsroom.links import HeldLinks
from newsroom.reader import parse_release
from newsroom.settings import Settings

SITE = "https://newsroom.example.org/"
NOW_MOMENT = datetime.fromisoformat(NOW)
PNG = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()
TAXONOMIES = ("regions", "countries", "topics", "organizations")
EXTENSIONS = ["toc", "attr_list", "footnotes", "tables", "admonition"]
EXTENSION_CONFIGS = {"toc": {"permalink": True}}

#: The release under test; its slug comes from the file name, its date from the front matter.
UNDER_TEST = "2020-01-01-under-test.md"
UNDER_TEST_SOURCE = f"press_releases/{UNDER_TEST}"
#: Always there: a published release, and an embargoed one that no output may reveal.
COMPANION = "2019-06-01-companion.md"
TOKEN = "zqxheld"
HELD_FILE = f"2026-11-20-{TOKEN}.md"
HELD_PATH = f"news/2026/11/20/slug-{TOKEN}/"

OK, EITHER, BAD = "published", "either", "refused"

# -- text --------------------------------------------------------------------------------------

#: Text that is markup or looks like it in one of the languages the site writes, and text that
#: only Unicode makes hard. All of it is acceptable text: a release may hold it anywhere.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&amp;",
    "&amp; literally &lt;b&gt; &#60; &notanentity;",
    "]]>",
    "end ]]> here <![CDATA[x]]>",
    "{{ x }}",
    "{% raw %}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "RTL \u202eevil\u202c text",
    "Emoji 🚀 👩🏽‍⚖️ 𝕏 𠜎 astral",
    "Combining e\u0301 a\u0308\u0323 Z\u0351\u0352algo",
    "북한 인권 침해",
    "حقوق الإنسان",
    "Tom & Jerry <b>bold</b>",
    "a < b > c",
    "--><!-- comment",
    "javascript:alert(1)",
    "It's \"double\" and 'single'",
    "back\\slash \\n \\u0041",
    "   padded  two  spaces   ",
    "line one\nline two",
    "tab\tinside",
    "${template} `backticks` %s {0}",
    "*stars* _under_ [link](https://example.org)",
]
#: Hostile strings that are acceptable term names: each has a letter (so the name has an address).
#: Not '&amp;': its address is made from the text it would show as HTML ('&'), which has none.
TERM_NAMES = [s for s in HOSTILE if any(c.isalpha() for c in s) and s != "&amp;"]

#: Characters no release may hold (README, reader.FORBIDDEN): C0 and C1 controls but tab and line
#: ends, DEL, and the noncharacters.
FORBIDDEN_SAMPLES = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\ufdd0",
    "\ufdef",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
]
WHITESPACE = " \t\n\u00a0\u2003\u3000"


def is_forbidden(character: str) -> bool:
    code = ord(character)
    return (
        (unicodedata.category(character) == "Cc" and character not in "\t\n\r")
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


#: The bidirectional controls that reorder the text after them until closed (Unicode's UAX #9):
#: embeddings and overrides, closed by U+202C, and isolates, closed by U+2069 (README: a release
#: may hold them only closed on their line).
EMBEDDINGS, ISOLATES = "\u202a\u202b\u202d\u202e", "\u2066\u2067\u2068"
OPEN_SAMPLES = list(EMBEDDINGS + ISOLATES)


def unclosed_bidi(text: str) -> list[tuple[int, str]]:
    """The openers no closer closes on their line (UAX #9: a PDF closes the last embedding unless
    an isolate was opened after it; a PDI closes the last isolate and all opened inside it)."""
    found = []
    start = 0
    for line in text.split("\n"):
        stack: list[tuple[int, str]] = []
        for i, c in enumerate(line):
            if c in EMBEDDINGS or c in ISOLATES:
                stack.append((start + i, c))
            elif c == "\u202c" and stack and stack[-1][1] in EMBEDDINGS:
                stack.pop()
            elif c == "\u2069" and any(o in ISOLATES for _, o in stack):
                while stack.pop()[1] not in ISOLATES:
                    pass
        found += stack
        start += len(line) + 1
    return found


def forbidden_in(text: str) -> list[str]:
    """The characters of ``text`` a release may not hold where they are."""
    return [c for c in text if is_forbidden(c)] + [c for _, c in unclosed_bidi(text)]


#: Any character a release may hold (anywhere: an opening bidirectional control only if closed).
allowed_characters = st.characters(exclude_categories=["Cs", "Cc"]).filter(
    lambda c: not is_forbidden(c) and c not in OPEN_SAMPLES
)
#: ... in a body: without U+2028 and U+2029 (see test_a_problem_after_a_line_separator_names_its_line).
body_characters = allowed_characters.filter(lambda c: c not in "\u2028\u2029")


def inserted(text: str, extra: str, at: int) -> str:
    at = min(at, len(text))
    return text[:at] + extra + text[at:]


#: Text a release may hold in any text field: never refused there.
clean_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(HOSTILE),
    st.text(allowed_characters, min_size=1, max_size=30).filter(lambda s: s.strip() != ""),
)
#: Text that may be refused: arbitrary (control characters and noncharacters included),
#: whitespace only, or a hostile string with a forbidden character in it.
rough_text = st.one_of(
    st.text(max_size=30),
    st.text(st.sampled_from(WHITESPACE), min_size=1, max_size=4),
    st.builds(inserted, st.sampled_from(HOSTILE), st.sampled_from(FORBIDDEN_SAMPLES), st.integers(0, 40)),
    st.builds(inserted, st.sampled_from(HOSTILE), st.characters(categories=["Cc"]), st.integers(0, 40)),
    st.builds(inserted, st.sampled_from(HOSTILE), st.sampled_from(OPEN_SAMPLES), st.integers(0, 40)),
)


def combine(*verdicts: str) -> str:
    return BAD if BAD in verdicts else EITHER if EITHER in verdicts else OK


def text_verdict(value: str, required: bool) -> str:
    if forbidden_in(value):
        return BAD
    if not value.strip():
        return BAD if required else OK  # an optional field left blank is no field
    return OK


def names_verdict(names: list[str]) -> str:
    verdicts = []
    for name in names:
        squeezed = " ".join(name.split())
        if forbidden_in(name) or not squeezed or len(squeezed) > 100:
            verdicts.append(BAD)
        elif name in TERM_NAMES:
            verdicts.append(OK)
        else:
            verdicts.append(EITHER)  # a name without letters has no address
    if len(names) > 1:
        verdicts.append(EITHER)  # two names of one list may want the same address
    return combine(*verdicts)


# -- dates -------------------------------------------------------------------------------------

ZONES = ("Asia/Seoul", "America/New_York")


def offset_of(moment: datetime, zone: ZoneInfo) -> timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


@cache
def clock_changes() -> tuple[tuple[datetime, int], ...]:
    """Wall-clock windows the clocks skip or go over twice in either zone: (first wall time, minutes)."""
    windows = []
    for name, years in (("America/New_York", (1970, 2007, 2016, 2024)), ("Asia/Seoul", (1987, 1988))):
        zone = ZoneInfo(name)
        for year in years:
            moment = datetime(year, 1, 1, tzinfo=UTC)
            before = offset_of(moment, zone)
            while moment.year == year:
                moment += timedelta(minutes=30)
                after = offset_of(moment, zone)
                if after != before:
                    start = (moment + min(before, after)).replace(tzinfo=None)
                    windows.append((start, int(abs(after - before).total_seconds() // 60)))
                    before = after
    return tuple(windows)


@dataclass(frozen=True)
class Written:
    """A date as the front matter holds it."""

    text: str
    wall: datetime
    offset: int | None
    """Minutes east of UTC, None for no offset (the site's zone)."""
    has_time: bool
    plain: bool
    """Written as a plain YAML scalar (a YAML timestamp), not as a quoted string."""

    def moment(self, zone_name: str) -> datetime | None:
        """The instant it names in the site's zone; None for a local time the clocks skip or repeat."""
        zone = ZoneInfo(zone_name)
        if self.offset is not None:
            return self.wall.replace(tzinfo=timezone(timedelta(minutes=self.offset)))
        if not self.has_time:
            return self.wall.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=zone)
        first, second = self.wall.replace(tzinfo=zone), self.wall.replace(tzinfo=zone, fold=1)
        return first if first.utcoffset() == second.utcoffset() else None

    def judge(self, zone_name: str) -> tuple[str, bool | None]:
        """Whether it must be refused, and whether the release is published at NOW (None: too close to tell)."""
        year = self.wall.year
        if not 1900 <= year <= 2200:
            return BAD, None
        if self.has_time and self.wall.microsecond:
            return BAD, None  # pages and feeds cannot all write a fraction of a second: the editor gives seconds
        moment = self.moment(zone_name)
        if moment is None:
            return BAD, None  # skipped or repeated: the editor must say which moment
        verdict = EITHER if year in (1900, 2200) else OK
        if abs(moment - NOW_MOMENT) < timedelta(days=1):
            return verdict, None
        return verdict, moment <= NOW_MOMENT


@st.composite
def written_dates(draw) -> Written:
    kind = draw(st.sampled_from(["recent", "recent", "recent", "wide", "clock change"]))
    if kind == "clock change":
        start, minutes = draw(st.sampled_from(clock_changes()))
        wall = start + timedelta(minutes=draw(st.integers(-3, minutes + 2)), seconds=draw(st.integers(0, 59)))
    elif kind == "recent":
        wall = draw(st.datetimes(datetime(1990, 1, 1), datetime(2026, 9, 30)))  # noqa: DTZ001 (wall clocks)
    else:
        wall = draw(st.datetimes(datetime(1800, 1, 1), datetime(2300, 12, 31, 23, 59, 59)))  # noqa: DTZ001
    shape = draw(st.sampled_from(["date", "minutes", "seconds", "microseconds"]))
    day = f"{wall.year:04d}-{wall.month:02d}-{wall.day:02d}"
    if shape == "date":
        return Written(day, wall, None, False, draw(st.booleans()))
    clock = f"{wall.hour:02d}:{wall.minute:02d}"
    if shape != "minutes":
        clock += f":{wall.second:02d}"
    if shape == "microseconds":
        clock += f".{wall.microsecond:06d}"
    offset = draw(st.one_of(st.none(), st.just(0), st.integers(-14 * 60, 14 * 60)))
    if offset is None:
        zone = ""
    else:
        sign, hours, minutes = "+" if offset >= 0 else "-", abs(offset) // 60, abs(offset) % 60
        styles = ["Z", f"{sign}{hours:02d}:{minutes:02d}"] if offset == 0 else [f"{sign}{hours:02d}:{minutes:02d}"]
        styles.append(f"{sign}{hours:02d}{minutes:02d}")
        if minutes == 0:
            styles.append(f"{sign}{hours:02d}")
        zone = draw(st.sampled_from(styles))
    separator = draw(st.sampled_from(["T", " "]))
    precise = wall.replace(
        microsecond=wall.microsecond if shape == "microseconds" else 0, second=wall.second if shape != "minutes" else 0
    )
    return Written(f"{day}{separator}{clock}{zone}", precise, offset, True, draw(st.booleans()))


# -- bodies ------------------------------------------------------------------------------------

#: An indented code block, showing a script.
CODE_BLOCK = "    <script>alert('in an indented code block')</script>"
#: Fragments whose content goes on in indented lines: an indented code block right after one of
#: them is more of it (the footnote's next paragraph, the note's next line), raw HTML, not code.
FOOTNOTE = "A footnote.[^note]\n\n[^note]: The note, with <b>bold</b>."
ADMONITION = '!!! note "A note"\n    Inside the note: <b>bold</b>.'
#: Raw HTML and Markdown a body may hold: published, made inert where needed.
GOOD_FRAGMENTS = [
    "Plain <b>bold</b> and <i>italic</i> and <u>underlined</u>.",
    'See <a href="https://example.org/">the report</a> and <https://example.org/other>.',
    'Write `<script>alert(1)</script>` or `<a href="javascript:alert(1)">` to show code.',
    CODE_BLOCK,
    f'Read <a href="{HELD_FILE}">the next one</a> when it is out.',
    f"Read [the held one]({HELD_FILE}) when it is out.",
    "![A photo](images/photo.png)",
    '<img src="images/photo.png" alt="A photo, in HTML">',
    '<p style="color: red; text-align: center">Styled.</p>',
    "<marquee>old</marquee> and <blink>older</blink>",
    "<details><summary>More</summary>Hidden text.</details>",
    "| a | b |\n|---|---|\n| <b>1</b> | `<i>` |",
    FOOTNOTE,
    "## A heading with <em>markup</em>",
    ADMONITION,
    '<a href="mailto:press@example.org">Write to us</a> or <a href="tel:+82-2-000-0000">call</a>.',
    "A paragraph with a class.\n{: .lead }",
    "&lt;script&gt; is text, so is &amp;amp; and ]]> and {{ x }} and {% raw %}.",
    "(Seoul) – 북한 인권 침해, حقوق الإنسان, \u202eevil\u202c, 👩🏽‍⚖️.",
    "<!-- an editor's note, <script>alert(1)</script> -->",
]
#: Raw HTML and Markdown a published body may not hold: each fails the build at its line.
HELD_SPELLINGS = [
    f'<a href="/{HELD_PATH}">root-relative</a>',
    f'<a href="https://NEWSROOM.Example.ORG/{HELD_PATH}">host case</a>',
    f'<a href="https://newsroom.example.org:443/{HELD_PATH}">port</a>',
    f"[encoded](/news/2026/11/20/slug%2D{TOKEN}/)",
    f"[case](/News/2026/11/20/Slug-{TOKEN.upper()}/)",
    f'<img alt="x" srcset="/{HELD_PATH}index.html 2x">',
    f'<blockquote cite="/{HELD_PATH}">Quoted.</blockquote>',
    f'<a href="http://newsroom.example.org/news/./2026/../2026/11/20/slug-{TOKEN}">dots</a>',
    f'<a href="/press_releases/{HELD_FILE}">file from the root</a>',
    f'<a href="\\news\\2026\\11\\20\\slug-{TOKEN}\\">backslashes</a>',
    f"<a href=/news/2026/11/20/slug-{TOKEN}/>unquoted</a>",
]
BAD_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="images/photo.png" onerror="alert(1)" alt="x">',
    '<p onclick="alert(1)">Click.</p>',
    'A paragraph.\n{: onclick="alert(1)" }',
    "[click](javascript:alert(1))",
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "![pixel](https://tracker.example/p.png)",
    '<video src="https://cdn.example/v.mp4" controls></video>',
    '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<svg onload="alert(1)"></svg>',
    '<form action="https://evil.example/"><input name="q"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    "<style>body{background:url(https://evil.example/)}</style>",
    *HELD_SPELLINGS,
]


@dataclass(frozen=True)
class Body:
    text: str
    verdict: str


@st.composite
def bodies(draw) -> Body:
    parts = draw(st.lists(st.sampled_from(GOOD_FRAGMENTS), min_size=1, max_size=4, unique=True))
    if (
        CODE_BLOCK in parts
        and parts.index(CODE_BLOCK) > 0
        and parts[parts.index(CODE_BLOCK) - 1] in (FOOTNOTE, ADMONITION)
    ):
        parts.insert(0, parts.pop(parts.index(CODE_BLOCK)))  # code, not more of the note (see the test below)
    arbitrary = draw(st.sampled_from([None, None, None, "clean", "rough"]))
    if arbitrary:
        text = draw(
            st.text(body_characters, min_size=1, max_size=60)
            if arbitrary == "clean"
            else st.one_of(
                st.text(max_size=60).map(lambda s: s.replace("\u2028", "").replace("\u2029", "")),
                st.builds(
                    inserted,
                    st.text(body_characters, max_size=20),
                    st.sampled_from(FORBIDDEN_SAMPLES + OPEN_SAMPLES),
                    st.integers(0, 20),
                ),
            )
        )
        parts.insert(draw(st.integers(0, len(parts))), text)
    bad = draw(st.integers(0, 3)) == 3  # Hypothesis favours 0: the rarer outcome is put elsewhere
    if bad:
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(BAD_FRAGMENTS)))
    text = "\n\n".join(parts)
    if forbidden_in(text):
        verdict = BAD
    elif arbitrary:
        verdict = EITHER  # arbitrary text may open a comment or a raw HTML block around what follows
    else:
        verdict = BAD if bad else OK
    return Body(text, verdict)


# -- a whole release ---------------------------------------------------------------------------


@dataclass
class Example:
    timezone: str
    fields: dict
    date: Written
    body: Body
    verdicts: dict[str, str] = field(default_factory=dict)
    extras: list[tuple[str, str]] = field(default_factory=list)
    """Title and summary of more releases, of clean text only: each must be published as written."""

    @property
    def published(self) -> bool | None:
        return self.date.judge(self.timezone)[1]

    @property
    def verdict(self) -> str:
        verdicts = dict(self.verdicts)
        if self.body.verdict == BAD and not forbidden_in(self.body.text) and self.published is not True:
            verdicts["body"] = EITHER  # a held release's body is published nowhere
        return combine(*verdicts.values())

    def text(self) -> str:
        """The release file: the date first (a plain YAML scalar or a quoted string), then the rest."""
        date = self.date.text if self.date.plain else yaml.safe_dump(self.date.text).removesuffix("\n...\n").strip()
        # PyYAML writes U+0085 (NEL) as it is when allowed Unicode, then reads it back as a line break:
        # a value holding one is written with escapes, as an editor's YAML tool would.
        raw = not any("\x85" in str(value) for value in self.fields.values())
        front = yaml.safe_dump(self.fields, allow_unicode=raw, sort_keys=False)
        return f"---\ndate: {date}\n{front}---\n\n{self.body.text}\n"


TEXT_FIELDS = ("title", "summary", "dateline", "image.alt", "image.caption", "image.credit")


@st.composite
def examples(draw) -> Example:
    zone = draw(st.sampled_from(ZONES))
    values = {name: draw(clean_text) for name in TEXT_FIELDS}
    terms = {
        t: draw(st.lists(st.one_of(st.sampled_from(TERM_NAMES), clean_text), max_size=2))
        for t in TAXONOMIES
        if draw(st.booleans())
    }
    has_image = draw(st.booleans())
    # Some examples carry rough text (that may or must be refused) in a field or two.
    if draw(st.integers(0, 3)) == 3:
        rough = [n for n in TEXT_FIELDS if has_image or not n.startswith("image.")] + list(terms)
        for name in draw(st.lists(st.sampled_from(rough), min_size=1, max_size=2, unique=True)):
            if name in terms:
                terms[name] = [*terms[name], draw(rough_text)]
            else:
                values[name] = draw(rough_text)
    fields: dict = {"title": values["title"], "summary": values["summary"]}
    verdicts = {"title": text_verdict(values["title"], True), "summary": text_verdict(values["summary"], True)}
    if draw(st.booleans()):
        fields["dateline"] = values["dateline"]
        verdicts["dateline"] = text_verdict(values["dateline"], False)
    if has_image:
        fields["image"] = {
            "src": "images/photo.png",
            "alt": values["image.alt"],
            "caption": values["image.caption"],
            "credit": values["image.credit"],
        }
        verdicts["image"] = combine(
            text_verdict(values["image.alt"], True),
            text_verdict(values["image.caption"], False),
            text_verdict(values["image.credit"], False),
        )
    for taxonomy, names in terms.items():
        fields[taxonomy] = names
        verdicts[taxonomy] = names_verdict(names)
    date = draw(written_dates())
    verdicts["date"] = date.judge(zone)[0]
    body = draw(bodies())
    verdicts["body"] = body.verdict
    extras = draw(st.lists(st.tuples(clean_text, clean_text), max_size=4))
    return Example(zone, fields, date, body, verdicts, extras)


def make_project(folder: Path, timezone_name: str = "Asia/Seoul") -> Project:
    project = Project(folder / "project")
    project.newsroom(timezone=timezone_name)
    project.asset("images/photo.png", PNG)
    project.release(COMPANION, release_text(title="Companion", date="2019-06-01T09:00+09:00", countries=["Kenya"]))
    # Noon UTC: the same day, so the same address, in both zones.
    project.release(
        HELD_FILE,
        release_text(
            title=f"Held {TOKEN}",
            date="2026-11-20T12:00Z",
            slug=f"slug-{TOKEN}",
            summary=f"Held {TOKEN}.",
            body=f"Held {TOKEN}.",
        ),
    )
    return project


def release_text(**front) -> str:
    body = front.pop("body", "Body.")
    front.setdefault("summary", "What happened.")
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n"


# -- what a built site must be -------------------------------------------------------------------

#: Attributes whose value is an address a browser follows or loads. Not srcset: a browser only
#: fetches images from it, and never runs a javascript: address there (nh3 leaves srcset as it is).
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "cite",
    "background",
    "xlink:href",
    "ping",
    "manifest",
    "lowsrc",
    "dynsrc",
    "icon",
    "codebase",
    "longdesc",
    "usemap",
}
#: Files a browser may run, or that may carry script.
EXECUTABLE = {
    ".js",
    ".mjs",
    ".cjs",
    ".svg",
    ".svgz",
    ".swf",
    ".xhtml",
    ".xht",
    ".htm",
    ".xsl",
    ".xslt",
    ".wasm",
    ".hta",
    ".jar",
    ".php",
}
_ROOT_PATH = re.compile(r'"(?:\.\.(?:/\.\.)*|\.|/)"')
#: A valid HTML global date and time (the site writes whole seconds: a fraction is refused).
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})\Z")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})\Z")
PROBLEM_LINE = re.compile(r"^\s*(?P<file>press_releases/[^\n]*?\.md):(?P<line>\d+): ", re.MULTILINE)
SETTINGS_LINE = re.compile(r"^\s*(?:ERROR\s*-\s*)?mkdocs\.yml: ", re.MULTILINE)


def url_of_page(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return relative.removesuffix("index.html")


def script_signatures(site: Path, page: Path, root) -> tuple[set, list[str]]:
    """The page's executable scripts, with page-relative paths made site-relative; and what is wrong
    with its data scripts (type application/json, and application/ld+json for schema.org's structured
    data: they must parse, and cannot end their element)."""
    found, wrong = set(), []
    base = posixpath.dirname(page.relative_to(site).as_posix())
    for script in root.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind in ("application/json", "application/ld+json"):
            text = script.text or ""
            try:
                json.loads(text)
            except ValueError as err:
                wrong.append(f"a JSON script that does not parse ({err}): {text[:200]!r}")
            if "<" in text:
                wrong.append(f"a JSON script holding '<': {text[:200]!r}")
            continue
        src = script.get("src")
        if src is not None:
            path = src.lstrip("/") if src.startswith("/") else posixpath.normpath(posixpath.join(base, src))
            found.add(("src", kind, path))
        else:
            found.add(("inline", kind, _ROOT_PATH.sub('"<root>"', script.text or "")))
    return found, wrong


def executable_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix.lower() in EXECUTABLE}


class Baseline:
    """The scripts (by kind and site-relative source or text) and script files a harmless site holds."""

    def __init__(self, scripts: set, files: set[str]):
        self.scripts = scripts
        self.files = files

    def __repr__(self) -> str:  # Hypothesis prints it with every failing example
        return f"Baseline({len(self.scripts)} scripts, {len(self.files)} script files)"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Baseline:
    """A build of a harmless archive: the scripts and script files the site itself ships."""
    project = make_project(tmp_path_factory.mktemp("baseline"))
    project.release(
        UNDER_TEST,
        release_text(
            title="Harmless",
            date="2020-01-01",
            dateline="Seoul",
            countries=["Kenya"],
            topics=["Torture"],
            image={"src": "images/photo.png", "alt": "A photo", "caption": "Caption", "credit": "Credit"},
            body="Text with a [link](https://example.org/).\n\n## A heading\n\nA footnote.[^1]\n\n[^1]: Note.",
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    scripts = set()
    for page in build.pages():
        found, wrong = script_signatures(build.site, page, lxml_html.fromstring(page.read_bytes()))
        assert wrong == [], page
        scripts |= found
    return Baseline(scripts, executable_files(build.site))


def clean_url(value: str) -> str:
    """An address as a browser reads it: ASCII tabs and newlines removed, leading C0 controls and spaces stripped."""
    return re.sub("[\t\n\r]", "", value).lstrip("".join(map(chr, range(0x21)))).lower()


def live_content(root) -> list[str]:
    """Event handlers and script addresses anywhere under ``root``."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}={value!r}>")
            if name.lower() in URL_ATTRIBUTES and clean_url(value).startswith(("javascript:", "vbscript:")):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def page_problems(site: Path, page: Path, baseline: Baseline) -> list[str]:
    """What makes a built page invalid or live."""
    data = page.read_bytes()
    problems = []
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return [f"not UTF-8: {err}"]
    if not data.lstrip().lower().startswith(b"<!doctype html>"):
        problems.append("no <!doctype html> first")
    parser = etree.HTMLParser()
    root = etree.fromstring(data, parser)
    problems += [f"parse error: {e.line}:{e.column} {e.message}" for e in parser.error_log]
    for tag in ("html", "head", "body", "title"):
        if len(root.xpath(f"//{tag}")) != 1:
            problems.append(f"{len(root.xpath(f'//{tag}'))} <{tag}> elements")
    ids = root.xpath("//@id")
    problems += [f"the id {i!r} is given {ids.count(i)} times" for i in sorted(set(ids)) if ids.count(i) > 1]
    scripts, wrong = script_signatures(site, page, root)
    problems += wrong
    problems += [f"a script the site does not ship: {s!r}" for s in sorted(scripts - baseline.scripts)]
    problems += [f"live content: {hit}" for hit in live_content(root)]
    return problems


#: Characters lxml cannot hold in a tree (C0 controls but tab and line ends); a browser keeps them as text.
XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def fragment(html: str):
    """An HTML fragment parsed as a browser does, in a <div> (see XML_INCOMPATIBLE: a control character
    in it, which test_a_character_reference_to_a_control_character_is_refused_at_its_line pins, is read as U+FFFD)."""
    return lxml_html.fragment_fromstring(XML_INCOMPATIBLE.sub("\ufffd", html), create_parent="div")


def html_text(html: str) -> str:
    return fragment(html).text_content()


def shown(detail) -> str:
    """What a feed reader shows of a feedparser text construct: the text of HTML, text as it is."""
    if detail.type in ("text/html", "application/xhtml+xml"):
        return html_text(detail.value)
    assert detail.type == "text/plain", detail.type
    return detail.value


def feedparser_repair(text: str) -> str:
    """What feedparser makes of a text it reads from a UTF-8 feed: text that is all Latin-1 and whose
    Latin-1 bytes are UTF-8 it takes for doubly encoded, and decodes once more ('Â¡' shows as '¡';
    feedparser/mixin.py, "address common error..."). The feed itself holds the text as written."""
    try:
        return text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def as_in_html(text: str) -> str:
    """Text as an HTML or XML parser reads it back: every line end a newline (the formats' own rule)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def shows_its_text(build: Build, feeds: dict, document: dict, slug: str, title: str, summary: str, dateline: str):
    """The release with ``slug`` has one page, whose header shows its text, and one item in each feed,
    titled as written. Returns its address, page header, JSON Feed item and RSS and Atom entries."""
    pages = sorted(build.site.glob(f"news/*/*/*/{slug}/index.html"))
    assert len(pages) == 1, f"{slug} has no page"
    url = url_of_page(build.site, pages[0])
    header = build.html(url).xpath("//header[contains(@class, 'nr-release__header')]")[0]
    assert header.xpath("string(h1)") == as_in_html(title)
    assert header.xpath("string(p[@class='nr-deck'])") == as_in_html(summary)
    assert header.xpath("string(.//span[@class='nr-dateline'])") == as_in_html(dateline)
    entries = {}
    for name, parsed in feeds.items():
        (entry,) = [e for e in parsed.entries if e.link == SITE + url]
        if entry.title_detail.type == "text/plain":
            assert entry.title == feedparser_repair(title), name
        else:
            assert as_in_html(shown(entry.title_detail)) == as_in_html(feedparser_repair(title)), name
        entries[name] = entry
    (item,) = [i for i in document["items"] if i["url"] == SITE + url]
    assert item["title"] == title
    assert item["summary"] == summary
    return url, header, item, entries


def check_published(build: Build, example: Example, baseline: Baseline) -> None:
    site = build.site
    assert (site / "index.html").read_bytes() != b"<!doctype html><title>previous</title>\n"
    problems = {
        url_of_page(site, page): found for page in build.pages() if (found := page_problems(site, page, baseline))
    }
    assert problems == {}, "invalid or live pages"
    assert executable_files(site) <= baseline.files, "a script file the site does not ship"
    revealed = [
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()
    ]
    assert revealed == [], "the held release is revealed"

    feeds = {}
    for name in ("feed.xml", "atom.xml"):
        etree.fromstring((site / name).read_bytes())  # well-formed XML
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        feeds[name] = parsed
        for entry in parsed.entries:
            for content in entry.get("content", []):
                assert live_content(fragment(content.value)) == []
    document = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    for item in document["items"]:
        assert live_content(fragment(item.get("content_html", ""))) == []

    for number, (title, summary) in enumerate(example.extras):
        shows_its_text(build, feeds, document, f"extra-{number}", title.strip(), summary.strip(), "")
    if example.published is False:
        assert sorted(site.glob("news/*/*/*/under-test/index.html")) == [], "a held release was published"
        assert [i for i in document["items"] if "under-test" in i["url"]] == []
        return
    if example.published is None:
        return
    _, header, item, entries = shows_its_text(
        build,
        feeds,
        document,
        "under-test",
        example.fields["title"].strip(),
        example.fields["summary"].strip(),
        (example.fields.get("dateline") or "").strip(),
    )

    # The moment, in every output.
    zone = ZoneInfo(example.timezone)
    moment = example.date.moment(example.timezone)
    assert moment is not None
    local = moment.astimezone(zone)
    if offset_of(moment, zone) % timedelta(minutes=1):
        return  # the zone's offset then had seconds: test_a_date_in_local_mean_time_is_written_validly
    (written,) = header.xpath(".//time/@datetime")
    assert HTML_DATETIME.match(written), f"<time datetime={written!r}> is not an HTML date and time"
    shown_moment = datetime.fromisoformat(written)
    assert shown_moment == moment and shown_moment.utcoffset() == local.utcoffset(), (written, moment)
    assert RFC3339.match(item["date_published"]), item["date_published"]
    assert datetime.fromisoformat(item["date_published"]) == moment
    whole = moment.replace(microsecond=0).timestamp()
    for name, entry in entries.items():
        assert calendar.timegm(entry.published_parsed) == whole, (name, entry.published, moment)


def check_refused(project: Project, build: Build, before: dict, example: Example, text: str) -> None:
    assert snapshot(project.path / "site") == before, "a failed build changed the previous site/"
    leftovers = [p.name for p in project.path.iterdir() if p.name.startswith(".site.newsroom")]
    assert leftovers == [], "a failed build left scratch behind"
    problems = [(m["file"], int(m["line"])) for m in PROBLEM_LINE.finditer(build.log)]
    assert problems or SETTINGS_LINE.search(build.log), "no file:line message in the log"
    for source, line in problems:
        path = project.path / source
        assert path.is_file(), source
        lines = as_in_html(path.read_text(encoding="utf-8", errors="replace")).count("\n") + 1
        assert 1 <= line <= lines, f"{source}:{line} is not a line of the file ({lines} lines)"
    if example.verdict == BAD:
        assert any(source == UNDER_TEST_SOURCE for source, _ in problems), "the release's problems are not named"
    forbidden = forbidden_in(text)
    if forbidden:
        ours = [line for line in build.log.splitlines() if line.strip().startswith(UNDER_TEST_SOURCE + ":")]
        codes = {f"U+{ord(c):04X}" for c in forbidden}
        assert any(code in line for line in ours for code in codes), f"none of {sorted(codes)} is named"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(example=examples())
def test_a_generated_release_is_refused_at_its_line_or_published_safely(tmp_path_factory, baseline, example):
    text = example.text()
    note(
        f"timezone {example.timezone}; verdict {example.verdict} {example.verdicts}; "
        f"published {example.published}; more releases {example.extras!r}\n{text}"
    )
    front = re.split(r"^---[ \t]*$", text, maxsplit=2, flags=re.MULTILINE)[1]
    assert yaml.safe_load(front)["title"] == example.fields["title"], "the YAML round trip"
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as folder:
        project = make_project(Path(folder), example.timezone)
        project.release(UNDER_TEST, text)
        for number, (title, summary) in enumerate(example.extras):
            project.release(
                f"2020-02-0{number + 1}-extra-{number}.md",
                release_text(title=title, summary=summary, date=f"2020-02-0{number + 1}T12:00Z"),
            )
        site = project.path / "site"
        for name, data in {
            "index.html": b"<!doctype html><title>previous</title>\n",
            "news/index.html": b"old news\n",
            "feed.xml": b"<rss/>\n",
        }.items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(data)
        before = snapshot(site)
        build = project.build()
        note(build.log)
        event(f"build {'succeeded' if build.returncode == 0 else 'failed'}; expected {example.verdict}")
        assert "Traceback (most recent call last)" not in build.log
        if build.returncode == 0:
            assert example.verdict != BAD, "the build published a release it must refuse"
            check_published(build, example, baseline)
        else:
            assert example.verdict != OK, "the build refused a release it must publish"
            fields = sorted(
                set(re.findall(r"^\s*press_releases/\S+:\d+: (field '[^']+'|\S+ \S+)", build.log, re.MULTILINE))
            )
            event(f"refused for {', '.join(fields)}")
            check_refused(project, build, before, example, text)


# -- the reader alone ----------------------------------------------------------------------------

READER_SETTINGS = Settings(project_dir=Path("/nowhere"), timezone="America/New_York", site_url=SITE)
YAMLISH_LINES = [
    "title: A title",
    "title: '<script>alert(1)</script>'",
    'title: "\\x07 escaped"',
    'title: "\\uFFFE"',
    'title: "\\u202Eescaped, open"',
    "title: \u202eopen",
    "title: \u2067closed\u2069 \u202c",
    "title:",
    "title: ~",
    "title: [a, b]",
    "title: {a: b}",
    "title: 2020-03-03",
    "title: 12",
    "title: yes",
    "summary: A summary",
    "summary: |\n  block\n  text",
    "summary: >-\n  folded\n  text",
    "date: 2020-03-03",
    "date: 2020-03-08T02:30",
    "date: 2020-11-01 01:30",
    "date: 1899-12-31",
    "date: 2300-01-01T00:00Z",
    "date: '2020-02-30'",
    "date: March 5",
    "date: 2020-03-03T09:00+24:00",
    "date: 2020-03-03T25:00",
    "countries: [North Korea, '', '  ']",
    "countries: {a: b}",
    "countries:\n  - Kenya\n  - [nested]",
    "topics: " + "x" * 120,
    "image: {src: images/photo.png, alt: A photo}",
    "image: {src: ../../etc/passwd}",
    "image: {src: x.svg, alt: x}",
    "image: photo.png",
    "slug: Bad Slug",
    "slug: ok-slug",
    "language: ko",
    "language: '!!'",
    "draft: maybe",
    "draft: true",
    "embargo: 2030-01-01",
    "updated: 1999-01-01",
    "aliases: [/old/, 'http://x/', ../up]",
    "corrections: [{date: 2020-01-01, note: x}, {note: y}]",
    "corrections: x",
    "translations: {ko: x.md, '!!': y.md}",
    "extra: {a: !!binary aGVsbG8=}",
    "extra: !!python/object/apply:os.system [ls]",
    "x: !custom tag",
    "anchor: &a [*a]",
    "base: &b {k: v}",
    "merged: {<<: *b}",
    "again: *nowhere",
    "? [complex, key]\n: value",
    "title: again",
    "- a list item",
    "  indented: value",
    "\tunder a tab: x",
    "%YAML 1.1",
    "...",
    "---",
    "'unclosed: x",
    "laughs: &l [&l1 [x, x, x], [*l1, *l1, *l1]]",
    "contries: [Kenya]",
    "extra: {nested: {deep: [1, 2]}}",
]


@st.composite
def release_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "yamlish", "yamlish", "yamlish"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    lines = draw(
        st.lists(
            st.one_of(
                st.sampled_from(YAMLISH_LINES), st.text(max_size=20), st.text(max_size=10).map(lambda s: f"title: {s}")
            ),
            max_size=10,
        )
    )
    body = draw(st.one_of(st.text(max_size=40), st.sampled_from(BAD_FRAGMENTS + GOOD_FRAGMENTS)))
    opening = draw(st.sampled_from(["---\n", "---\n", "--- \n", "\n\n---\n", "", "----\n"]))
    closing = draw(st.sampled_from(["---\n", "---\n", "...\n", ""]))
    text = opening + "\n".join(lines) + "\n" + closing + "\n" + body
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
    data = draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf"])) + text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return data


def file_lines(data: bytes) -> int:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


@settings(max_examples=400, deadline=None)
@given(data=release_bytes(), image_exists=st.booleans())
def test_the_reader_never_raises_and_names_lines_of_the_file(data, image_exists):
    name = "2020-03-03-x.md"
    release, problems = parse_release(
        data, name, READER_SETTINGS, photos=lambda _: None if image_exists else "is missing"
    )
    assert (release is None) == bool(problems), "a release comes without problems, or problems without it"
    lines = file_lines(data)
    for problem in problems:
        assert problem.path == f"press_releases/{name}"
        assert problem.line is not None and 1 <= problem.line <= lines, (problem, lines)
        assert str(problem).startswith(f"press_releases/{name}:{problem.line}: ")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = sorted([(i, c) for i, c in enumerate(text) if is_forbidden(c)] + unclosed_bidi(text))
    if bad:
        position, character = bad[0]
        line = text.count("\n", 0, position) + 1
        code = f"U+{ord(character):04X}"
        assert any(p.line == line and code in p.message for p in problems), (code, line, [str(p) for p in problems])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    title=clean_text,
    summary=clean_text,
    names=st.lists(st.sampled_from(TERM_NAMES), max_size=1),
    date=written_dates(),
    body=st.text(allowed_characters, max_size=60),
)
def test_the_reader_accepts_a_valid_release_and_keeps_its_text(title, summary, names, date, body):
    verdict, _ = date.judge(READER_SETTINGS.timezone)
    example = Example(
        READER_SETTINGS.timezone, {"title": title, "summary": summary, "countries": names}, date, Body(body, OK)
    )
    release, problems = parse_release(example.text().encode("utf-8"), "2020-03-03-x.md", READER_SETTINGS)
    if verdict == BAD:
        assert release is None and any(p.field == "date" and p.line == 2 for p in problems), problems
        return
    if verdict == EITHER:
        return
    assert problems == [], [str(p) for p in problems]
    assert release is not None
    assert release.title == title.strip()
    assert release.summary == summary.strip()
    assert release.countries == tuple(" ".join(n.split()) for n in names)
    assert release.body == body.strip("\n")


# -- the body checker alone ----------------------------------------------------------------------

#: Good fragments, code samples and comments showing bad ones among them; not those after which an
#: indented code block is more of them (test_an_indented_script_after_a_note_is_the_notes_raw_html_not_code).
BEFORE_A_BAD_ONE = [f for f in GOOD_FRAGMENTS if f not in (FOOTNOTE, ADMONITION)]
#: Characters that are no Markdown or HTML syntax, for text around a fragment whose line is checked.
plain_characters = body_characters.filter(lambda c: c.isalnum() or c in " .,;'\"" or ord(c) > 0x7F)


@cache
def body_checker(with_files: bool = False) -> Bodies:
    """The body checker of a site with no files (``with_files``: with the photo and the held release
    the fragments link to)."""
    targets = (
        Targets({"press_releases/images/photo.png": "media/images/photo.png"}, {f"press_releases/{HELD_FILE}"})
        if with_files
        else Targets({}, set())
    )
    return Bodies(Policy(site_url=SITE), HeldLinks([], "press_releases", SITE), targets, EXTENSIONS, EXTENSION_CONFIGS)


TAGS = [
    "a",
    "A",
    "img",
    "script",
    "ScRiPt",
    "svg",
    "math",
    "iframe",
    "p",
    "div",
    "b",
    "style",
    "object",
    "embed",
    "form",
    "input",
    "video",
    "audio",
    "source",
    "details",
    "table",
    "td",
    "span",
    "base",
    "meta",
    "link",
    "noscript",
    "template",
    "textarea",
    "xmp",
    "title",
    "select",
    "button",
    "map",
    "area",
    "image",
    "use",
    "animate",
    "frameset",
    "applet",
    "portal",
    "marquee",
    "isindex",
    "plaintext",
]
ATTRIBUTE_NAMES = [
    "href",
    "src",
    "srcset",
    "onclick",
    "ONLOAD",
    "onerror",
    "onfocus",
    "on",
    "style",
    "id",
    "class",
    "xlink:href",
    "formaction",
    "action",
    "data",
    "poster",
    "background",
    "srcdoc",
    "lowsrc",
    "cite",
    "title",
    "alt",
    "type",
    "autofocus",
    "href ",
    "srcSet",
]
ADDRESSES = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    " &#x20;javascript:x",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://example.org/",
    "images/photo.png",
    "//evil.example/x.js",
    "#top",
    "mailto:x@example.org",
    "x.md",
    "",
    "\\\\evil.example\\x",
    "  javascript:alert(1)  ",
    "JAVASCRIPT:alert(1)",
    "javascript://%0aalert(1)",
]
MARKDOWN_TOKENS = [
    "[x](",
    "](javascript:alert(1))",
    ")",
    "![",
    "`",
    "``",
    "    ",
    "> ",
    "* ",
    "1. ",
    "{#id}",
    '{: onclick="alert(1)" }',
    "{: href=javascript:alert(1) }",
    "[^1]",
    "[^1]: note",
    "## ",
    "!!! note\n    ",
    "| a |\n|---|\n",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?php ?>",
    "</",
    "<",
    ">",
    "&",
    "&#",
    "\\",
    "*",
    "_",
    "<http://example.org/>",
    "<javascript:alert(1)>",
]


@st.composite
def html_elements(draw) -> str:
    text = st.text(body_characters, max_size=8)
    tag = draw(st.sampled_from(TAGS))
    attributes = ""
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(ATTRIBUTE_NAMES))
        # No '&' of its own: a reference to a control character (&#1;) crashes the checker
        # (test_a_character_reference_to_a_control_character_is_refused_at_its_line).
        value = draw(st.one_of(st.sampled_from(ADDRESSES), text.filter(lambda v: "&" not in v)))
        quote = draw(st.sampled_from(['"', "'", ""]))
        if not quote and (not value or any(c in value for c in " \t\n>\"'=`")):
            quote = '"'
        value = value.replace(quote, "") if quote else value
        attributes += f"{draw(st.sampled_from([' ', '  ', chr(10), '/']))}{name}={quote}{value}{quote}"
    inner = draw(st.one_of(text, st.sampled_from(ADDRESSES)))
    ending = draw(st.sampled_from([f"</{tag}>", "", " />", f"</{tag.upper()}>"]))
    return f"<{tag}{attributes}>{inner}{ending}"


@st.composite
def htmlish_bodies(draw, characters=allowed_characters) -> str:
    pieces = draw(
        st.lists(
            st.one_of(
                html_elements(),
                st.sampled_from(MARKDOWN_TOKENS),
                st.sampled_from(BAD_FRAGMENTS),
                st.sampled_from(GOOD_FRAGMENTS),
                st.text(characters, max_size=10),
            ),
            max_size=12,
        )
    )
    separators = draw(st.lists(st.sampled_from(["", " ", "\n", "\n\n"]), min_size=len(pieces), max_size=len(pieces)))
    return "".join(p + s for p, s in zip(pieces, separators, strict=True))


def check_inert(html: str) -> None:
    root = fragment(html)
    refused = {
        "script",
        "iframe",
        "object",
        "embed",
        "base",
        "meta",
        "link",
        "form",
        "style",
        "svg",
        "math",
        "frame",
        "frameset",
        "applet",
    }
    elements = [e.tag for e in root.iter() if isinstance(e.tag, str) and e.tag.lower().split("}")[-1] in refused]
    assert elements == [], html
    assert live_content(root) == [], html


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=htmlish_bodies(), first_line=st.integers(1, 30))
def test_the_body_checker_never_raises_and_its_html_is_inert(text, first_line):
    """Any text a release body may hold (the reader refuses control characters and noncharacters
    before a body is rendered; a hand-written page holding one:
    test_a_control_character_in_a_hand_written_page_is_refused_or_never_published)."""
    rendered = body_checker().render(Source("press_releases/x.md", "news/2020/03/03/x/", text, first_line))
    assert rendered.feed_html is not None  # every body has a feed form unless told otherwise
    check_inert(rendered.html)
    check_inert(rendered.feed_html)
    for line, message in rendered.problems:
        assert line >= first_line, (line, message)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    before=st.lists(
        st.one_of(st.sampled_from(BEFORE_A_BAD_ONE), st.text(plain_characters, min_size=1, max_size=20)), max_size=3
    ),
    bad=st.sampled_from([f for f in BAD_FRAGMENTS if f not in HELD_SPELLINGS]),
    first_line=st.integers(1, 30),
)
def test_a_body_problem_names_the_line_of_the_offending_text(before, bad, first_line):
    """A bad fragment after blocks of other text, code samples showing bad fragments among them: the
    problem names the line it starts on, or one of its lines (the attribute of a Markdown attribute
    list is on the fragment's second line), never a sample's."""
    head = "\n\n".join(["Intro.", *before])
    text = head + "\n\n" + bad + "\n"
    source = Source("press_releases/x.md", "news/2020/03/03/x/", text, first_line)
    rendered = body_checker(with_files=True).render(source)
    start = first_line + head.count("\n") + 2
    lines = range(start, start + bad.count("\n") + 1)
    note(f"{rendered.problems}; expected a line in {list(lines)}")
    assert rendered.problems, "the fragment is not refused"
    assert all(line in lines for line, _ in rendered.problems), rendered.problems


# -- bugs found by the properties, fixed (and one limit, pinned) -------------------------------


def test_a_problem_after_a_line_separator_names_its_line():
    text = "Intro\u2028more.\n\n<script>alert(1)</script>\n"
    rendered = body_checker().render(Source("press_releases/x.md", "news/2020/03/03/x/", text, 7))
    assert [line for line, _ in rendered.problems] == [9]


@pytest.mark.parametrize("before", [FOOTNOTE, ADMONITION])
def test_an_indented_script_after_a_note_is_the_notes_raw_html_not_code(before):
    """Found by the property in CI: the generator took an indented block for code wherever it stood;
    after a footnote or an admonition it is their next paragraph, and its script is refused."""
    text = f"Intro.\n\n{before}\n\n{CODE_BLOCK}\n"
    rendered = body_checker().render(Source("press_releases/x.md", "news/2020/03/03/x/", text, 7))
    assert any("raw HTML <script> is not allowed" in message for _, message in rendered.problems), rendered.problems
    shown = body_checker().render(Source("press_releases/x.md", "news/2020/03/03/x/", f"Intro.\n\n{CODE_BLOCK}\n", 7))
    assert shown.problems == [] and "&lt;script&gt;" in shown.html


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Write `<script>` to show a script.\n\n<script>alert(1)</script>\n", [9]),
        ('Intro.\n\n<a href="java&#x09;script:alert(1)">x</a>\n', [9]),
        ("<script>one</script>\n\n    <script>in code</script>\n\n<p>x</p><script>two</script>\n", [7, 11]),
        ("<!-- a note: <script> -->\n\n| a |\n|---|\n| `<script>` |\n\n<SCRIPT>alert(1)</SCRIPT>\n", [13]),
    ],
)
def test_a_problem_names_the_offending_line_not_an_earlier_code_sample(text, lines):
    """Found as a limit of the first checker, which named the first line holding a problem's text."""
    rendered = body_checker().render(Source("press_releases/x.md", "news/2020/03/03/x/", text, 7))
    assert [line for line, _ in rendered.problems] == lines, rendered.problems


def test_a_body_cannot_take_an_id_the_page_uses(tmp_path, baseline):
    project = make_project(tmp_path)
    project.release(
        UNDER_TEST,
        release_text(
            title="Ids", date="2020-01-01", body='## __config\n\n<p id="__search">x</p>\n\nText {#nr-related}\n'
        ),
    )
    build = project.build()
    if build.returncode != 0:
        assert PROBLEM_LINE.search(build.log), build.log
        return
    page = build.path("news/2020/01/01/under-test/")
    assert page_problems(build.site, page, baseline) == []


def test_a_control_character_in_a_hand_written_page_is_refused_or_never_published(tmp_path):
    project = make_project(tmp_path)
    project.doc("about.md", "# About\n\nWho we are \x1b here.\n")
    build = project.build()
    assert "Traceback (most recent call last)" not in build.log, build.log
    if build.returncode != 0:
        assert re.search(r"^\s*(?:ERROR\s*-\s*)?docs/about\.md:3: ", build.log, re.MULTILINE), build.log
    else:
        assert XML_INCOMPATIBLE.search(build.text("about/")) is None, "a control character is published"


def built(tmp_path: Path, timezone_name: str, *releases: tuple[str, str, str]) -> Build:
    """A site of the companion, the held release and ``releases`` (file, title, date)."""
    project = make_project(tmp_path, timezone_name)
    for name, title, date in releases:
        project.release(name, release_text(title=title, date=date))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def page_time(build: Build, url: str) -> str:
    return build.html(url).xpath("//header[contains(@class, 'nr-release__header')]//time/@datetime")[0]


def test_a_date_in_local_mean_time_is_written_validly(tmp_path):
    build = built(tmp_path, "Asia/Seoul", ("1905-03-03-old.md", "Old", "1905-03-03T10:00"))
    moment = datetime(1905, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert HTML_DATETIME.match(page_time(build, "news/1905/03/03/old/"))
    (entry,) = [e for e in feedparser.parse((build.site / "feed.xml").read_bytes()).entries if e.title == "Old"]
    assert calendar.timegm(entry.published_parsed) == moment.timestamp(), entry.published


def test_a_date_with_a_fraction_of_a_second_is_refused_with_the_fix(tmp_path):
    """HTML's <time> allows at most 3 digits of a second, RSS none: the editor gives whole seconds."""
    project = make_project(tmp_path, "Asia/Seoul")
    project.release("2020-03-03-precise.md", release_text(title="Precise", date="2020-03-03T10:00:00.123456"))
    build = project.build()
    assert build.returncode == 1
    assert (
        "press_releases/2020-03-03-precise.md:3: field 'date': '2020-03-03T10:00:00.123456' has a fraction of "
        "a second, which pages and feeds cannot all write; give the time to the second, such as "
        "2020-03-03T10:00:00"
    ) in build.log


def test_two_releases_in_the_repeated_hour_show_their_own_times(tmp_path):
    build = built(
        tmp_path,
        "America/New_York",
        ("2024-11-03-first.md", "First", "2024-11-03T01:30-04:00"),
        ("2024-11-03-second.md", "Second", "2024-11-03T01:30-05:00"),
    )
    assert page_time(build, "news/2024/11/03/first/") == "2024-11-03T01:30:00-04:00"
    assert page_time(build, "news/2024/11/03/second/") == "2024-11-03T01:30:00-05:00"


@pytest.mark.parametrize("body", ["Intro.\n\nA &#1; B\n", 'Intro.\n\n<a href="a&#1;b">x</a>\n'])
def test_a_character_reference_to_a_control_character_is_refused_at_its_line(tmp_path, body):
    project = make_project(tmp_path)
    project.release(UNDER_TEST, release_text(title="T", date="2020-01-01", body=body))
    build = project.build()
    assert "Traceback (most recent call last)" not in build.log, build.log
    if build.returncode != 0:
        assert f"{UNDER_TEST_SOURCE}:9: " in build.log, build.log
    else:
        assert b"\x01" not in build.path("news/2020/01/01/under-test/").read_bytes()
