"""Reading and validating press releases.

Front matter is split off with python-frontmatter and parsed by PyYAML's
composer (the C one where available), which keeps the line of every value,
so that each problem can name its file, line and field. Nothing is
constructed from YAML tags: a value is taken as text, a list or a mapping,
and typed here, field by field.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import frontmatter
import yaml
from slugify import slugify
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import images
from .errors import Problem
from .model import TAXONOMIES, Correction, Image, Release
from .settings import Settings
from .sources import MISSING, Photos, scan
from .taxonomy import name_key

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT = (_YAML + t for t in ("str", "null", "bool", "int", "float"))
TIMESTAMP, SEQ, MAP, MERGE = (_YAML + t for t in ("timestamp", "seq", "map", "merge"))
SAFE_TAGS = {STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, SEQ, MAP, MERGE}

#: Every front-matter field a release may have; anything else is a typo until proven otherwise.
FIELDS = (
    "title",
    "summary",
    "date",
    "dateline",
    *TAXONOMIES,
    "image",
    "slug",
    "language",
    "updated",
    "draft",
    "embargo",
    "aliases",
    "corrections",
    "translations",
    "extra",
)
REQUIRED = ("title", "date", "summary")
IMAGE_FIELDS = ("src", "alt", "caption", "credit")
#: The photo types a release may have (an SVG may carry script that would run from the site's address).
IMAGE_TYPES = set(images.PHOTO_FORMATS)

#: The years a date may be in: a typo such as 0202 or 20200 is caught, and no date overflows.
MIN_YEAR, MAX_YEAR = 1900, 2200
#: Longest term name, slug and old address, in characters: each becomes part of a file name.
MAX_TERM, MAX_SLUG, MAX_ALIAS = 100, 100, 200
#: Most values the front matter may expand to through YAML anchors and aliases (&x, *x).
MAX_VALUES = 10_000
#: Characters no release may hold, anywhere: control characters but tab and line ends
#: (C0, DEL and C1) and the noncharacters. A byte-order mark at the start is taken off first.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)
_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BACKSPACE",
    0x0B: "VERTICAL TAB",
    0x0C: "FORM FEED",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}
#: A quick first sieve for FORBIDDEN: a character class without astral characters is many times
#: faster to search; it lets every astral character through, and ``_forbidden`` keeps only the
#: noncharacters among them (U+1FFFE, U+1FFFF, ... U+10FFFF).
_SUSPECT = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufdd0-\\ufdef\\ufffe-\\U0010ffff]")


def _forbidden(text: str) -> list[tuple[int, str]]:
    """Where ``text`` holds a FORBIDDEN character, and which: [(position, character)]."""
    if _SUSPECT.search(text) is None:
        return []
    return [(m.start(), m[0]) for m in _SUSPECT.finditer(text) if ord(m[0]) < 0x10000 or ord(m[0]) & 0xFFFE == 0xFFFE]


#: The bytes of UTF-8 that may start a FORBIDDEN character: C0 controls and DEL are themselves,
#: C1 controls start with 0xC2, the BMP noncharacters with 0xEF, astral characters with 0xF0-0xF4.
#: A file without any of them (most files) is clean, and ``bytes.translate`` finds that out ten
#: times faster than a search of the text.
_MAY_START_FORBIDDEN = (
    set(range(0x09)) | {0x0B, 0x0C} | set(range(0x0E, 0x20)) | {0x7F, 0xC2, 0xEF} | set(range(0xF0, 0xF5))
)
_CANNOT_START_FORBIDDEN = bytes(b for b in range(256) if b not in _MAY_START_FORBIDDEN)


#: At most this many characters are reported for one file.
MAX_CHARACTER_PROBLEMS = 10

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DATE_PREFIX_RE = re.compile(r"\d{4}-\d{2}-\d{2}-")
# The shapes of ISO 8601 we accept: a calendar date, optionally a time, optionally an offset.
ISO_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?\Z",
    re.ASCII,
)
# Well-formed BCP 47 tags: language, optional script, region and variants.
BCP47_RE = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*\Z"
)
ALIAS_RE = re.compile(r"[A-Za-z0-9._~%!$&'()*+,;=:@/-]+\Z")

DATE_HINT = "expected an ISO 8601 date such as 2020-03-05 or a date-time such as 2020-03-05T09:00+09:00"


class FrontMatterHandler(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler, with a strict boundary and a line-keeping loader."""

    FM_BOUNDARY = re.compile(r"^-{3}[ \t]*$", re.MULTILINE)

    # Nodes, not the base class's dict: the reader walks them for their lines and checks every tag.
    def load(self, fm: str, **kwargs: object) -> Node | None:  # type: ignore[override]
        """Compose the front matter into YAML nodes; tags are checked, never constructed."""
        loader = _Loader(fm)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()


@dataclass(slots=True)
class _Source:
    """Where the front matter of one file sits, for turning YAML positions into file lines."""

    path: str
    first_line: int
    problems: list[Problem]

    def line(self, node: Node) -> int:
        return self.first_line + node.start_mark.line

    def error(self, at: Node | int | None, field: str | None, message: str) -> None:
        line = self.line(at) if isinstance(at, Node) else at
        self.problems.append(Problem(self.path, message, line, field))


PhotoCheck = Callable[[str], "str | None"]
"""Why the file at a path relative to the releases folder may not be a photo (``sources.Photos``), or None."""


def parse_release(
    data: bytes,
    name: str,
    settings: Settings,
    file_exists: Callable[[str], bool] | None = None,
    photos: PhotoCheck | None = None,
) -> tuple[Release | None, list[Problem]]:
    """Validate one release from the bytes of its file.

    ``name`` is the file's path relative to the releases folder. Returns the
    release, or None with the problems that keep it from being published.
    ``photos`` checks the file an ``image.src`` names (by default ``sources.Photos``:
    a regular file inside the project, holding the image its extension says);
    ``file_exists`` instead only asks whether it exists (for tests without files).
    """
    source = f"{settings.releases_dir}/{name}"
    if photos is None:
        if file_exists is not None:
            exists = file_exists

            def photos(relative: str) -> str | None:
                return None if exists(relative) else MISSING
        else:
            photos = Photos(settings)

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start]
        return None, [
            Problem(source, f"invalid UTF-8 at byte {err.start} (0x{byte:02x}); save the file as UTF-8", line)
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    unmarked = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a byte-order mark is allowed
    found = _forbidden(text) if unmarked.translate(None, _CANNOT_START_FORBIDDEN) else []
    if not found:
        return _parse_text(text, name, source, settings, photos)
    # Report every character where it is, and read the rest as if they were not there.
    text = FORBIDDEN.sub("\ufffd", text)
    _, problems = _parse_text(text, name, source, settings, photos)
    problems.extend(_character_problems(text, found, source))
    problems.sort(key=lambda p: p.line or 0)
    return None, problems


def _character_problems(text: str, found: list[tuple[int, str]], source: str) -> list[Problem]:
    """A problem for each forbidden character of ``text`` (at the positions in ``found``), naming
    the front-matter field that holds it."""
    stripped = text.lstrip()
    first_line = text[: len(text) - len(stripped)].count("\n") + 1
    handler = FrontMatterHandler()
    root = None
    if handler.detect(stripped):
        try:
            root = handler.load(handler.split(stripped)[0])
        except (ValueError, yaml.YAMLError):
            root = None
    problems = []
    for position, character in found[:MAX_CHARACTER_PROBLEMS]:
        line_start = text.rfind("\n", 0, position) + 1
        line = text.count("\n", 0, position) + 1
        # The front matter's text starts on the line of its opening '---'.
        field = _field_at(root, line - first_line, position - line_start) if root is not None else None
        problems.append(Problem(source, _character_message(character), line, field))
    if len(found) > MAX_CHARACTER_PROBLEMS:
        line = text.count("\n", 0, found[MAX_CHARACTER_PROBLEMS][0]) + 1
        problems.append(
            Problem(
                source,
                (
                    f"and {len(found) - MAX_CHARACTER_PROBLEMS} more control characters or noncharacters from here on; "
                    "delete them all"
                ),
                line,
            )
        )
    return problems


def _character_message(character: str, escaped: bool = False) -> str:
    code = ord(character)
    how = ", written as an escape" if escaped else ""
    if code < 0xA0:
        name = _CONTROL_NAMES.get(code)
        named = f" ({name})" if name else ""
        return (
            f"holds the control character U+{code:04X}{named}{how}, which is invisible and may not be "
            "in a release; delete it (it often comes with text copied from a PDF or a word processor)"
        )
    return f"holds the noncharacter U+{code:04X}{how}, which may not be in a release; delete it"


def _field_of_node(root: Node, node: Node) -> str | None:
    """The dotted name of the field holding ``node`` (``image.alt``, ``extra.a.b``)."""
    return _field_at(root, node.start_mark.line, node.start_mark.column)


def _field_at(root: Node, line: int, column: int) -> str | None:
    """The dotted name of the innermost front-matter field at ``line`` and ``column`` (0-based, within
    the front matter), or None."""
    where = (line, column)
    path: list[str] = []
    node = root
    seen = set()
    while id(node) not in seen:  # an alias may lead back to a node holding it
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                end = value.end_mark if value.end_mark.index >= key.end_mark.index else key.end_mark
                if (key.start_mark.line, key.start_mark.column) <= where <= (end.line, end.column):
                    if not isinstance(key, ScalarNode):
                        return ".".join(path) or None
                    path.append(str(key.value))
                    node = value
                    break
            else:
                return ".".join(path) or None
        elif isinstance(node, SequenceNode):
            for item in node.value:
                if (
                    (item.start_mark.line, item.start_mark.column)
                    <= where
                    <= (item.end_mark.line, item.end_mark.column)
                ):
                    node = item
                    break
            else:
                return ".".join(path) or None
        else:
            break
    return ".".join(path) or None


def _parse_text(
    text: str, name: str, source: str, settings: Settings, photos: PhotoCheck
) -> tuple[Release | None, list[Problem]]:
    """Validate one release from its text (decoded, with '\\n' line ends)."""
    problems: list[Problem] = []
    if not text.strip():
        problems.append(
            Problem(source, "the file is empty; a release starts with front matter holding title, date and summary", 1)
        )
        return None, problems

    stripped = text.lstrip()
    skipped_lines = text[: len(text) - len(stripped)].count("\n")
    handler = FrontMatterHandler()
    if not handler.detect(stripped):
        problems.append(
            Problem(
                source,
                "no front matter; a release starts with a line '---', then fields such as "
                "'title:', 'date:' and 'summary:', then a line '---'",
                skipped_lines + 1,
            )
        )
        return None, problems
    try:
        fm, body = handler.split(stripped)
    except ValueError:
        problems.append(
            Problem(source, "the front matter opened here is never closed by a line '---'", skipped_lines + 1)
        )
        return None, problems

    src = _Source(source, skipped_lines + 1, problems)
    # The closing '---' is on line first + fm.count("\n"); the body starts after the blank lines below it.
    body_line = skipped_lines + 1 + fm.count("\n") + len(body) - len(body.lstrip("\n"))
    try:
        root = handler.load(fm)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = src.first_line + mark.line if mark else src.first_line
        detail = " ".join(str(p) for p in (err.context, err.problem) if p)
        src.error(line, None, f"YAML syntax error in the front matter: {detail}")
        return None, problems
    except yaml.YAMLError as err:
        src.error(src.first_line, None, f"YAML error in the front matter: {err}")
        return None, problems

    if root is None or (isinstance(root, ScalarNode) and root.tag == NULL):
        src.error(src.first_line, None, "the front matter is empty; a release needs title, date and summary")
        return None, problems
    inspection = _inspect(root, aliases="*" in fm)
    bad = inspection.unsafe
    if bad is not None:
        src.error(
            bad,
            _field_of(root, bad),
            (
                f"YAML tag '{_short_tag(bad.tag)}' is not allowed; front matter holds only text, "
                "numbers, true/false, lists and mappings"
            ),
        )
        return None, problems
    if inspection.shared:
        trouble = _alias_trouble(root)
        if trouble is not None:
            src.error(trouble[0], _field_of(root, trouble[0]), trouble[1])
            return None, problems
    if not isinstance(root, MappingNode):
        src.error(root, None, "the front matter must be 'field: value' lines, such as 'title: ...'")
        return None, problems
    for first, again in inspection.duplicates:
        src.error(
            again,
            _field_of_node(root, again),
            f"appears twice (lines {src.line(first)} and {src.line(again)}); keep one",
        )
    for node, character in inspection.escaped:
        src.error(node, _field_of_node(root, node), _character_message(character, escaped=True))

    nodes: dict[str, Node] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key is None or key_node.tag not in (STR, INT, FLOAT, BOOL, NULL):
            src.error(key_node, None, "a field name must be a plain word such as 'title'")
            continue
        if key in nodes:
            src.error(key_node, key, f"appears twice (lines {lines[key]} and {src.line(key_node)}); keep one")
            continue
        if key not in FIELDS:
            src.error(key_node, key, _unknown("field", key, FIELDS) + "; put custom fields under 'extra:'")
            continue
        nodes[key] = value_node
        lines[key] = src.line(key_node)

    for key in REQUIRED:
        if key not in nodes:
            src.error(src.first_line, key, f"missing; every release needs a {key}")

    zone = settings.zone
    fields = _FieldReader(src, zone)
    title = fields.text("title", nodes.get("title"), required=True)
    summary = fields.text("summary", nodes.get("summary"), required=True)
    when = fields.moment("date", nodes.get("date"), required=True)
    dateline = fields.text("dateline", nodes.get("dateline"))
    terms = {t: fields.names(t, nodes.get(t)) for t in TAXONOMIES}
    image = fields.image(nodes.get("image"), name, photos)
    slug = fields.slug(nodes.get("slug"), name)
    language = fields.language(nodes.get("language")) or settings.language
    updated = fields.moment("updated", nodes.get("updated"))
    draft = fields.boolean("draft", nodes.get("draft"))
    embargo = fields.moment("embargo", nodes.get("embargo"))
    aliases = fields.aliases(nodes.get("aliases"))
    corrections = fields.corrections(nodes.get("corrections"))
    translations = fields.translations(nodes.get("translations"), name)
    extra = fields.extra(nodes.get("extra"))
    if when and updated and updated[0].astimezone(UTC) < when[0].astimezone(UTC):
        src.error(
            nodes["updated"],
            "updated",
            (
                f"{nodes['updated'].value} is before the release's date ({nodes['date'].value}); 'updated' says "
                "when the release last changed, after it was published"
            ),
        )

    if problems or title is None or summary is None or when is None or slug is None:
        problems.sort(key=lambda p: p.line or 0)
        return None, problems
    return Release(
        source=source,
        name=name,
        title=title,
        summary=summary,
        date=when[0],
        has_time=when[1],
        slug=slug,
        body=body.strip("\n"),
        dateline=dateline,
        image=image,
        language=language,
        updated=updated[0] if updated else None,
        draft=bool(draft),
        embargo=embargo[0] if embargo else None,
        aliases=aliases,
        corrections=corrections,
        translations=translations,
        extra=extra,
        lines=lines,
        body_line=body_line,
        **terms,
    ), problems


def read_release(
    settings: Settings,
    name: str,
    file_exists: Callable[[str], bool] | None = None,
    photos: PhotoCheck | None = None,
) -> tuple[Release | None, list[Problem]]:
    """Read and validate the release at ``name``, relative to the releases folder (a file
    ``sources.scan`` found: a regular file inside the project)."""
    source = f"{settings.releases_dir}/{name}"
    try:
        # Never blocks: should the file have become a named pipe since the walk, it is refused below.
        descriptor = os.open(settings.releases_path / name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        return None, [Problem(source, f"cannot be read: {err.strerror}")]
    with open(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None, [Problem(source, "the file is not a regular file; only regular files are read: remove it")]
        data = file.read()
    return parse_release(data, name, settings, file_exists, photos)


def release_files(settings: Settings) -> list[str]:
    """The release files of the releases folder, relative to it, sorted (see ``sources.scan``,
    which also says what is wrong with the others)."""
    return scan(settings).releases


def default_slug(name: str) -> str:
    """The slug a release gets from its file name: ``2020-03-03-stand-with-victims.md`` -> ``stand-with-victims``."""
    stem = posixpath.splitext(posixpath.basename(name))[0]
    stem = DATE_PREFIX_RE.sub("", stem, count=1)
    return slugify(stem)


def parse_moment(raw: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    """Parse an ISO 8601 date or date-time; a value without an offset is in ``zone``.

    Raises ValueError with a message for editors: for years outside MIN_YEAR..MAX_YEAR, and
    for a local time the clocks skip or go over twice in ``zone`` (the editor must say which
    moment is meant). A date alone is the first moment of that day.

    The result is in ``zone``; compare moments as UTC instants (``.astimezone(UTC)``):
    Python compares two datetimes of the same ZoneInfo as wall clocks, wrong around a change
    of the clocks.
    """
    value = raw.strip()
    match = ISO_RE.match(value)
    if not match:
        raise ValueError(f"{DATE_HINT}, got '{raw}'")
    if not MIN_YEAR <= int(match["date"][:4]) <= MAX_YEAR:
        raise ValueError(f"'{raw}' is outside the years {MIN_YEAR} to {MAX_YEAR} the site accepts; check the year")
    try:
        day = date.fromisoformat(match["date"])
        moment = None
        if match["time"]:
            moment = datetime.fromisoformat(f"{match['date']}T{match['time']}{match['offset'] or ''}")
    except ValueError as err:
        raise ValueError(f"'{raw}' is not a real date or time ({err}); {DATE_HINT}") from None
    if moment is None:
        # The first moment of that day (where the clocks skip midnight, the moment they jump to).
        start = datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC).astimezone(zone)
        if start.date() != day:
            raise ValueError(
                f"'{raw}' does not exist in {_zone_name(zone)}: the clocks skip the whole day (a change "
                f"of time zone); write the moment you mean with its offset, such as {start.isoformat()}"
            )
        return _in_range(start, raw, zone), False
    if moment.tzinfo is None:
        moment = _local_moment(moment, zone, raw)
    return _in_range(moment.astimezone(zone), raw, zone), True


def _zone_name(zone: ZoneInfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def _local_moment(wall: datetime, zone: ZoneInfo, raw: str) -> datetime:
    """The one moment the wall-clock time ``wall`` names in ``zone``; ValueError when there is none or two."""
    first, second = wall.replace(tzinfo=zone), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    jumped = first.astimezone(UTC).astimezone(zone)
    if jumped.replace(tzinfo=None) != wall:
        raise ValueError(
            f"'{raw}' does not exist in {_zone_name(zone)}: the clocks skip it (daylight saving time or a "
            f"change of time zone); write the moment you mean with its offset, such as {jumped.isoformat()}"
        )
    raise ValueError(
        f"'{raw}' happens twice in {_zone_name(zone)}: the clocks go back over it (daylight saving time or a "
        f"change of time zone); write the one you mean with its offset: {first.isoformat()} (the first) or "
        f"{second.isoformat()} (the second)"
    )


def _in_range(moment: datetime, raw: str, zone: ZoneInfo) -> datetime:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(
            f"'{raw}' is {moment:%Y-%m-%d} in the site's time zone ({_zone_name(zone)}), outside the years "
            f"{MIN_YEAR} to {MAX_YEAR} the site accepts; check the year"
        )
    return moment


class _FieldReader:
    """Types the value of each front-matter field, reporting what does not fit."""

    def __init__(self, src: _Source, zone: ZoneInfo):
        self.src = src
        self.zone = zone

    def _expect(self, node: Node, field: str, expected: str) -> None:
        self.src.error(node, field, f"expected {expected}, got {_describe(node)}")

    def _scalar_text(self, node: Node, field: str, expected: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == STR:
            return node.value.strip()
        hint = ""
        if isinstance(node, ScalarNode) and node.tag in (INT, FLOAT, BOOL, TIMESTAMP):
            hint = f' (put it in quotes to use it as text: "{node.value}")'
        self._expect(node, field, expected + hint)
        return None

    def text(self, field: str, node: Node | None, required: bool = False) -> str | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.tag == NULL:
            if required:
                self.src.error(node, field, "is empty; write the text after the colon")
            return None
        value = self._scalar_text(node, field, "text")
        if value == "" and required:
            self.src.error(node, field, "is empty; write the text after the colon")
            return None
        return value or None

    def names(self, field: str, node: Node | None) -> tuple[str, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return ()
        expected = "a name or a list of names"
        items = node.value if isinstance(node, SequenceNode) else [node]
        names: list[str] = []
        keys: set[str] = set()
        for item in items:
            if isinstance(item, (SequenceNode, MappingNode)):
                self._expect(item, field, expected)
                continue
            value = self._scalar_text(item, field, expected)
            if value is None:
                continue
            value = " ".join(value.split())
            if not value:
                self.src.error(item, field, "has an empty name")
            elif len(value) > MAX_TERM:
                self.src.error(
                    item,
                    field,
                    (
                        f"the name '{_shorten(value)}' is {len(value)} characters long; a name may be at most "
                        f"{MAX_TERM} (it becomes the address of its page): shorten it"
                    ),
                )
            elif name_key(value) not in keys:  # one term, however often and however spelled
                keys.add(name_key(value))
                names.append(value)
        return tuple(names)

    def moment(self, field: str, node: Node | None, required: bool = False) -> tuple[datetime, bool] | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag == NULL:
            if node.tag == NULL and not required:
                return None
            self._expect(node, field, DATE_HINT.removeprefix("expected "))
            return None
        try:
            return parse_moment(node.value, self.zone)
        except ValueError as err:
            self.src.error(node, field, str(err))
            return None

    def boolean(self, field: str, node: Node | None) -> bool | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            return node.value.lower() in ("true", "yes", "on", "y")
        self._expect(node, field, "true or false")
        return None

    def slug(self, node: Node | None, name: str) -> str | None:
        if node is None:
            slug = default_slug(name)
            if not slug:
                self.src.error(
                    1, "slug", "the file name gives no slug; add 'slug:' with lowercase letters, digits and hyphens"
                )
                return None
            if len(slug) > MAX_SLUG:
                self.src.error(
                    1,
                    "slug",
                    (
                        f"the file name gives a slug of {len(slug)} characters; a slug may be at most {MAX_SLUG}: "
                        "add 'slug:' with a shorter one, or shorten the file name"
                    ),
                )
                return None
            return slug
        value = self._scalar_text(node, "slug", "a slug of lowercase letters, digits and hyphens")
        if value is None:
            return None
        if len(value) > MAX_SLUG:
            self.src.error(
                node,
                "slug",
                (f"'{_shorten(value)}' is {len(value)} characters long; a slug may be at most {MAX_SLUG}: shorten it"),
            )
            return None
        if not SLUG_RE.match(value):
            suggestion = slugify(value)
            hint = f" such as '{suggestion}'" if suggestion else ""
            self.src.error(
                node,
                "slug",
                (
                    f"'{value}' may only contain lowercase letters a-z, digits 0-9 and single hyphens "
                    f"between them; expected a slug{hint}"
                ),
            )
            return None
        return value

    def language(self, node: Node | None) -> str | None:
        if node is None:
            return None
        value = self._scalar_text(node, "language", "a BCP 47 language tag such as 'en' or 'ko'")
        if value is None:
            return None
        if not BCP47_RE.match(value):
            self.src.error(
                node, "language", f"expected a BCP 47 language tag such as 'en', 'ko' or 'pt-BR', got '{value}'"
            )
            return None
        return value

    def image(self, node: Node | None, name: str, photos: PhotoCheck) -> Image | None:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return None
        if not isinstance(node, MappingNode):
            self._expect(node, "image", "a mapping with 'src:' (the image file) and 'alt:' (its description)")
            return None
        values: dict[str, str | None] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in IMAGE_FIELDS:
                self.src.error(key_node, f"image.{key}", _unknown("image field", key, IMAGE_FIELDS))
                continue
            values[key] = self.text(f"image.{key}", value_node)
        src, alt = values.get("src"), values.get("alt")
        ok = True
        if not src:
            self.src.error(node, "image.src", "missing; give the path of the image file, relative to the release")
            ok = False
        if not alt:
            self.src.error(
                node, "image.alt", ("missing; an image needs alt text describing it for readers who cannot see it")
            )
            ok = False
        if not src:
            return None
        src_node = next(v for k, v in node.value if k.value == "src")
        relative = _resolve_asset(name, src)
        if relative is None:
            self.src.error(
                src_node, "image.src", (f"'{src}' must be a relative path to a file inside the releases folder")
            )
            return None
        extension = posixpath.splitext(relative)[1].lower()
        if extension == ".svg":
            self.src.error(
                src_node,
                "image.src",
                (
                    f"'{src}' is an SVG drawing; export it as PNG or JPEG: an SVG can carry script that would "
                    "run from the site's own address"
                ),
            )
            return None
        if extension not in IMAGE_TYPES:
            self.src.error(
                src_node, "image.src", (f"'{src}' is not an image; expected one of {', '.join(sorted(IMAGE_TYPES))}")
            )
            return None
        issue = photos(relative)
        if issue == MISSING:
            self.src.error(
                src_node,
                "image.src",
                f"the image file '{src}' does not exist (looked for {self.src.path.split('/')[0]}/{relative})",
            )
            return None
        if issue is not None:
            self.src.error(src_node, "image.src", f"the image file '{src}' {issue}")
            return None
        if not ok:
            return None
        return Image(src=relative, alt=alt or "", caption=values.get("caption"), credit=values.get("credit"))

    def aliases(self, node: Node | None) -> tuple[str, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return ()
        items = node.value if isinstance(node, SequenceNode) else [node]
        aliases: list[str] = []
        for item in items:
            value = self._scalar_text(item, "aliases", "an old path such as 'news/2020/old-title/' or a list of them")
            if value is None:
                continue
            if len(value) > MAX_ALIAS:
                self.src.error(
                    item,
                    "aliases",
                    (
                        f"'{_shorten(value)}' is {len(value)} characters long; an old address may be at most "
                        f"{MAX_ALIAS}: shorten it"
                    ),
                )
                continue
            path = normalize_alias(value)
            if path is None:
                self.src.error(
                    item,
                    "aliases",
                    (f"'{value}' is not a path on this site; expected a path such as 'news/2020/old-title/'"),
                )
            elif path not in aliases:
                aliases.append(path)
        return tuple(aliases)

    def corrections(self, node: Node | None) -> tuple[Correction, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return ()
        expected = "a list of corrections, each with 'date:' and 'note:'"
        if not isinstance(node, SequenceNode):
            self._expect(node, "corrections", expected)
            return ()
        found: list[Correction] = []
        for item in node.value:
            if not isinstance(item, MappingNode):
                self._expect(item, "corrections", expected)
                continue
            values = {k.value: v for k, v in item.value}
            for key, key_node in ((k.value, k) for k, _ in item.value):
                if key not in ("date", "note"):
                    self.src.error(key_node, f"corrections.{key}", _unknown("correction field", key, ("date", "note")))
            when = self.moment("corrections.date", values.get("date"), required=True)
            note = self.text("corrections.note", values.get("note"), required=True)
            if "date" not in values:
                self.src.error(item, "corrections.date", "missing; when was the release corrected?")
            if "note" not in values:
                self.src.error(item, "corrections.note", "missing; say what was corrected")
            if when and note:
                found.append(Correction(when[0], note))
        return tuple(sorted(found, key=lambda c: c.date.astimezone(UTC)))

    def translations(self, node: Node | None, name: str = "") -> dict[str, str]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return {}
        if not isinstance(node, MappingNode):
            self._expect(
                node, "translations", "a mapping of language tags to release files, such as 'ko: 2020-03-03-x-ko.md'"
            )
            return {}
        found: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key, str) or not BCP47_RE.match(key):
                self.src.error(key_node, "translations", f"expected a BCP 47 language tag such as 'ko', got '{key}'")
                continue
            value = self._scalar_text(value_node, f"translations.{key}", "the file name of the translated release")
            if value and value == name:
                self.src.error(
                    value_node,
                    f"translations.{key}",
                    (f"'{value}' is this release itself; list the files of its other languages"),
                )
            elif value:
                found[key] = value
        return found

    def extra(self, node: Node | None) -> dict[str, Any]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return {}
        if not isinstance(node, MappingNode):
            self._expect(node, "extra", "a mapping of custom fields")
            return {}
        try:
            value = yaml.SafeLoader("").construct_document(node)
        except (yaml.YAMLError, ValueError) as err:
            self.src.error(node, "extra", f"cannot be read: {err}")
            return {}
        return value


def normalize_alias(value: str) -> str | None:
    """An old path as the site serves it: no leading slash, and a trailing one for folders."""
    path = value.strip()
    if "://" in path or path.startswith("//") or not ALIAS_RE.match(path):
        return None
    path = path.lstrip("/")
    parts = path.split("/")
    if not path or any(part in ("..", ".") for part in parts):
        return None
    if not path.endswith("/") and not posixpath.splitext(parts[-1])[1]:
        path += "/"
    return path


def _resolve_asset(name: str, src: str) -> str | None:
    """The path of ``src``, relative to the releases folder, seen from release ``name``; None if outside."""
    if not src or src.startswith("/") or "\\" in src or "://" in src:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), src))
    if joined.startswith(("../", "/")) or joined == "..":
        return None
    return joined


def _shorten(text: str, keep: int = 40) -> str:
    return text if len(text) <= keep else text[:keep] + "…"


def _unknown(what: str, key: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    maybe = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"unknown {what}{maybe}"


def _describe(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    if node.tag in (INT, FLOAT):
        return f"the number {node.value}"
    if node.tag == BOOL:
        return f"the true/false value {node.value}"
    if node.tag == NULL:
        return "nothing"
    if node.tag == TIMESTAMP:
        return f"the date {node.value}"
    return f"'{node.value}'"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


@dataclass(slots=True)
class _Inspection:
    """What one walk over the composed front matter found."""

    unsafe: Node | None = None
    """The first node carrying a YAML tag that would construct something other than plain data."""
    duplicates: list[tuple[Node, Node]] = field(default_factory=list)
    """Keys given twice in one mapping below the top level: the first key, the second."""
    escaped: list[tuple[Node, str]] = field(default_factory=list)
    """Double-quoted values holding a forbidden character through an escape ("\\a", "\\x85")."""
    shared: bool = False
    """Whether a node is reached twice (through an alias, ``*name``)."""


def _inspect(root: Node, aliases: bool = True) -> _Inspection:
    """One walk over every node. ``aliases``: whether the text may hold aliases (``*name``); without
    them every node is reached once, and the walk need not remember where it has been.

    Kept lean, for it runs on every release: it notes nodes, and the field each sits in is
    found afterwards, for the few with a problem (``_field_at``)."""
    found = _Inspection()
    unsafe: list[Node] = []
    seen: set[int] = set()
    stack: list[Node] = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        if aliases:
            if id(node) in seen:
                found.shared = True
                continue
            seen.add(id(node))
        if node.tag not in SAFE_TAGS:
            unsafe.append(node)
            continue
        kind = node.__class__
        if kind is ScalarNode:
            if node.style == '"' and _SUSPECT.search(node.value) is not None:
                bad = _forbidden(node.value)
                if bad:
                    found.escaped.append((node, bad[0][1]))
        elif kind is SequenceNode:
            extend(node.value)
        elif kind is MappingNode:
            pairs = node.value
            if node is not root and len(pairs) > 1:
                names = [key.value for key, _ in pairs if key.__class__ is ScalarNode]
                if len(set(names)) != len(names):
                    firsts: dict[tuple[str, str], Node] = {}
                    for key, _ in pairs:
                        if key.__class__ is ScalarNode and key.tag != MERGE:
                            first = firsts.setdefault((key.tag, key.value), key)
                            if first is not key:
                                found.duplicates.append((first, key))
            for key, value in pairs:
                push(key)
                push(value)
    if unsafe:
        found.unsafe = min(unsafe, key=lambda n: n.start_mark.index)
    found.duplicates.sort(key=lambda pair: pair[1].start_mark.index)
    found.escaped.sort(key=lambda pair: pair[0].start_mark.index)
    return found


def _alias_trouble(root: Node) -> tuple[Node, str] | None:
    """An alias that leads back into itself, or aliases that multiply the front matter past
    MAX_VALUES values (a "billion laughs"): the node, and the message."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        children = (
            [v for pair in node.value for v in pair]
            if isinstance(node, MappingNode)
            else node.value
            if isinstance(node, SequenceNode)
            else []
        )
        if leaving:
            open_nodes.discard(id(node))
            sizes[id(node)] = size = 1 + sum(sizes[id(child)] for child in children)
            if size > MAX_VALUES:
                return node, (
                    f"its anchors and aliases (&name, *name) make more than {MAX_VALUES:,} values; "
                    "write the values out instead"
                )
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            return node, "an alias (*name) here leads back to the value holding it; write the value out instead"
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children) if id(child) not in sizes)
    return None


def _field_of(root: Node, node: Node) -> str | None:
    """The top-level field whose value holds ``node``."""
    if not isinstance(root, MappingNode):
        return None
    for key, value in root.value:
        if value.start_mark.index <= node.start_mark.index <= value.end_mark.index:
            return key.value if isinstance(key, ScalarNode) else None
    return None
