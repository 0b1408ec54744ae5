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
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

import frontmatter
import yaml
from slugify import slugify
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem
from .model import TAXONOMIES, Correction, Image, Release
from .settings import Settings
from .taxonomy import name_key

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT = (_YAML + t for t in ("str", "null", "bool", "int", "float"))
TIMESTAMP, SEQ, MAP, MERGE = (_YAML + t for t in ("timestamp", "seq", "map", "merge"))
SAFE_TAGS = {STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, SEQ, MAP, MERGE}

#: Every front-matter field a release may have; anything else is a typo until proven otherwise.
FIELDS = (
    "title", "summary", "date", "dateline", *TAXONOMIES, "image", "slug", "language",
    "updated", "draft", "embargo", "aliases", "corrections", "translations", "extra",
)
REQUIRED = ("title", "date", "summary")
IMAGE_FIELDS = ("src", "alt", "caption", "credit")
IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"}

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DATE_PREFIX_RE = re.compile(r"\d{4}-\d{2}-\d{2}-")
# The shapes of ISO 8601 we accept: a calendar date, optionally a time, optionally an offset.
ISO_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?\Z"
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

    def load(self, fm: str, **kwargs: object) -> Node | None:
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


def parse_release(
    data: bytes,
    name: str,
    settings: Settings,
    file_exists: Callable[[str], bool] | None = None,
) -> tuple[Release | None, list[Problem]]:
    """Validate one release from the bytes of its file.

    ``name`` is the file's path relative to the releases folder. Returns the
    release, or None with the problems that keep it from being published.
    """
    source = f"{settings.releases_dir}/{name}"
    problems: list[Problem] = []
    if file_exists is None:
        releases = settings.releases_path

        def file_exists(relative: str) -> bool:
            return (releases / relative).is_file()

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start]
        problems.append(Problem(
            source, f"invalid UTF-8 at byte {err.start} (0x{byte:02x}); save the file as UTF-8", line
        ))
        return None, problems
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.append(Problem(
            source, "the file is empty; a release starts with front matter holding title, date and summary", 1
        ))
        return None, problems

    stripped = text.lstrip()
    skipped_lines = text[: len(text) - len(stripped)].count("\n")
    handler = FrontMatterHandler()
    if not handler.detect(stripped):
        problems.append(Problem(
            source,
            "no front matter; a release starts with a line '---', then fields such as "
            "'title:', 'date:' and 'summary:', then a line '---'",
            skipped_lines + 1,
        ))
        return None, problems
    try:
        fm, body = handler.split(stripped)
    except ValueError:
        problems.append(Problem(
            source, "the front matter opened here is never closed by a line '---'", skipped_lines + 1
        ))
        return None, problems

    src = _Source(source, skipped_lines + 1, problems)
    body_line = skipped_lines + 1 + fm.count("\n") + 1
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
    bad = _unsafe_node(root)
    if bad is not None:
        src.error(bad, _field_of(root, bad), (
            f"YAML tag '{_short_tag(bad.tag)}' is not allowed; front matter holds only text, "
            "numbers, true/false, lists and mappings"
        ))
        return None, problems
    if not isinstance(root, MappingNode):
        src.error(root, None, "the front matter must be 'field: value' lines, such as 'title: ...'")
        return None, problems

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
    image = fields.image(nodes.get("image"), name, file_exists)
    slug = fields.slug(nodes.get("slug"), name)
    language = fields.language(nodes.get("language")) or settings.language
    updated = fields.moment("updated", nodes.get("updated"))
    draft = fields.boolean("draft", nodes.get("draft"))
    embargo = fields.moment("embargo", nodes.get("embargo"))
    aliases = fields.aliases(nodes.get("aliases"))
    corrections = fields.corrections(nodes.get("corrections"))
    translations = fields.translations(nodes.get("translations"))
    extra = fields.extra(nodes.get("extra"))

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
    settings: Settings, name: str, file_exists: Callable[[str], bool] | None = None
) -> tuple[Release | None, list[Problem]]:
    """Read and validate the release at ``name``, relative to the releases folder."""
    path = settings.releases_path / name
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, [Problem(f"{settings.releases_dir}/{name}", f"cannot be read: {err.strerror}")]
    return parse_release(data, name, settings, file_exists)


def release_files(settings: Settings) -> list[str]:
    """The Markdown files of the releases folder, relative to it, in a stable order.

    Files and folders whose name starts with '.' or '_', and README.md files, are not releases.
    """
    root = settings.releases_path
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        relative = os.path.relpath(folder, root)
        for filename in files:
            if not filename.endswith(".md") or filename.startswith((".", "_")):
                continue
            if filename.lower() == "readme.md":
                continue
            found.append(filename if relative == "." else posixpath.join(Path(relative).as_posix(), filename))
    found.sort()
    return found


def default_slug(name: str) -> str:
    """The slug a release gets from its file name: ``2020-03-03-stand-with-victims.md`` -> ``stand-with-victims``."""
    stem = posixpath.splitext(posixpath.basename(name))[0]
    stem = DATE_PREFIX_RE.sub("", stem, count=1)
    return slugify(stem)


def parse_moment(raw: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    """Parse an ISO 8601 date or date-time; a value without an offset is in ``zone``.

    Raises ValueError with a message for editors.
    """
    value = raw.strip()
    match = ISO_RE.match(value)
    if not match:
        raise ValueError(f"{DATE_HINT}, got '{raw}'")
    try:
        day = date.fromisoformat(match["date"])
        if not match["time"]:
            return datetime.combine(day, time(0, 0), tzinfo=zone), False
        moment = datetime.fromisoformat(f"{match['date']}T{match['time']}{match['offset'] or ''}")
    except ValueError as err:
        raise ValueError(f"'{raw}' is not a real date or time ({err}); {DATE_HINT}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone), True


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
            hint = f" (put it in quotes to use it as text: \"{node.value}\")"
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
            if isinstance(item, SequenceNode) or isinstance(item, MappingNode):
                self._expect(item, field, expected)
                continue
            value = self._scalar_text(item, field, expected)
            if value is None:
                continue
            value = " ".join(value.split())
            if not value:
                self.src.error(item, field, "has an empty name")
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
                self.src.error(1, "slug", "the file name gives no slug; add 'slug:' with lowercase letters, digits and hyphens")
                return None
            return slug
        value = self._scalar_text(node, "slug", "a slug of lowercase letters, digits and hyphens")
        if value is None:
            return None
        if not SLUG_RE.match(value):
            suggestion = slugify(value)
            hint = f" such as '{suggestion}'" if suggestion else ""
            self.src.error(node, "slug", (
                f"'{value}' may only contain lowercase letters a-z, digits 0-9 and single hyphens "
                f"between them; expected a slug{hint}"
            ))
            return None
        return value

    def language(self, node: Node | None) -> str | None:
        if node is None:
            return None
        value = self._scalar_text(node, "language", "a BCP 47 language tag such as 'en' or 'ko'")
        if value is None:
            return None
        if not BCP47_RE.match(value):
            self.src.error(node, "language", f"expected a BCP 47 language tag such as 'en', 'ko' or 'pt-BR', got '{value}'")
            return None
        return value

    def image(self, node: Node | None, name: str, file_exists: Callable[[str], bool]) -> Image | None:
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
            self.src.error(node, "image.alt", (
                "missing; an image needs alt text describing it for readers who cannot see it"
            ))
            ok = False
        if not src:
            return None
        src_node = next(v for k, v in node.value if k.value == "src")
        relative = _resolve_asset(name, src)
        if relative is None:
            self.src.error(src_node, "image.src", (
                f"'{src}' must be a relative path to a file inside the releases folder"
            ))
            return None
        if posixpath.splitext(relative)[1].lower() not in IMAGE_TYPES:
            self.src.error(src_node, "image.src", (
                f"'{src}' is not an image; expected one of {', '.join(sorted(IMAGE_TYPES))}"
            ))
            return None
        if not file_exists(relative):
            self.src.error(src_node, "image.src", f"the image file '{src}' does not exist (looked for {self.src.path.split('/')[0]}/{relative})")
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
            path = normalize_alias(value)
            if path is None:
                self.src.error(item, "aliases", (
                    f"'{value}' is not a path on this site; expected a path such as 'news/2020/old-title/'"
                ))
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
        return tuple(sorted(found, key=lambda c: c.date))

    def translations(self, node: Node | None) -> dict[str, str]:
        if node is None or (isinstance(node, ScalarNode) and node.tag == NULL):
            return {}
        if not isinstance(node, MappingNode):
            self._expect(node, "translations", "a mapping of language tags to release files, such as 'ko: 2020-03-03-x-ko.md'")
            return {}
        found: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key, str) or not BCP47_RE.match(key):
                self.src.error(key_node, "translations", f"expected a BCP 47 language tag such as 'ko', got '{key}'")
                continue
            value = self._scalar_text(value_node, f"translations.{key}", "the file name of the translated release")
            if value:
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
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


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
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


def _unsafe_node(root: Node) -> Node | None:
    """The first node carrying a YAML tag that would construct something other than plain data."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in SAFE_TAGS:
            return node
        if isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return None


def _field_of(root: Node, node: Node) -> str | None:
    """The top-level field whose value holds ``node``."""
    if not isinstance(root, MappingNode):
        return None
    for key, value in root.value:
        if value.start_mark.index <= node.start_mark.index <= value.end_mark.index:
            return key.value if isinstance(key, ScalarNode) else None
    return None
