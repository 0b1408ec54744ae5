"""Reading the front-matter fields written as text or lists of text: text, names (terms), moments,
true/false, slug, language and old addresses; and the slug a file name gives."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from slugify import slugify
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..languages import BCP47_RE
from ..taxonomy import name_key
from .characters import find_forbidden
from .moments import DATE_HINT, parse_moment
from .nodes import BOOL, FLOAT, INT, NULL, STR, TIMESTAMP, Source, describe

#: Longest term name, slug and old address, in characters: each becomes part of a file name.
MAX_TERM, MAX_SLUG, MAX_ALIAS = 100, 100, 200

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
DATE_PREFIX_RE = re.compile(r"\d{4}-\d{2}-\d{2}-")

ALIAS_RE = re.compile(r"[A-Za-z0-9._~%!$&'()*+,;=:@/-]+\Z")


def default_slug(name: str) -> str:
    """The slug a release gets from its file name: ``2020-03-03-stand-with-victims.md`` -> ``stand-with-victims``."""
    stem = posixpath.splitext(posixpath.basename(name))[0]
    stem = DATE_PREFIX_RE.sub("", stem, count=1)
    return slugify(stem)


class ValueReader:
    """Types the value of each front-matter field written as text or a list of texts, reporting what
    does not fit (``records.FieldReader`` adds the fields written as mappings)."""

    def __init__(self, src: Source, zone: ZoneInfo, name: str):
        self.src = src
        self.zone = zone
        self.name = name
        """The file's path relative to the releases folder."""

    def _expect(self, node: Node, field: str, expected: str) -> None:
        self.src.error(node, field, f"expected {expected}, got {describe(node)}")

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

    def warning(self, field: str, node: Node | None) -> str | None:
        """Text that may be left out, but not left empty: an empty warning warns of nothing."""
        if node is None:
            return None
        empty = isinstance(node, ScalarNode) and node.tag == NULL
        value = None if empty else self._scalar_text(node, field, "text")
        if empty or value == "":
            self.src.error(
                node,
                field,
                "is empty; say what readers are warned of (such as 'Descriptions of torture.'), or delete the line",
            )
            return None
        return value

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
                        f"the name '{shorten(value)}' is {len(value)} characters long; a name may be at most "
                        f"{MAX_TERM} (it becomes the address of its page): shorten it"
                    ),
                )
            elif name_key(value) not in keys:  # one term, however often and however spelled
                keys.add(name_key(value))
                names.append(value)
        return tuple(names)

    def moment(self, field: str, node: Node | None, required: bool = False) -> datetime | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag == NULL:
            if node.tag == NULL and not required:
                return None
            self._expect(node, field, DATE_HINT.removeprefix("expected "))
            return None
        try:
            return parse_moment(node.value, self.zone)[0]
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
                (f"'{shorten(value)}' is {len(value)} characters long; a slug may be at most {MAX_SLUG}: shorten it"),
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
                        f"'{shorten(value)}' is {len(value)} characters long; an old address may be at most "
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
            elif alias_file(path) is None:
                self.src.error(
                    item,
                    "aliases",
                    (
                        f"'{value}' names, once its %-escapes are decoded as a web server decodes them, no file "
                        "this site can hold (an encoded '/', '.' or '..' part, a control character, or bytes "
                        "that are not UTF-8); expected a path such as 'news/2020/%EB%B6%81%ED%95%9C/'"
                    ),
                )
            elif path not in aliases:
                aliases.append(path)
        return tuple(aliases)


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


def alias_file(path: str) -> str | None:
    """The file a web server looks for at the old address ``path`` (a ``normalize_alias`` result): its
    %-escapes decoded (``%EB%B6%81/`` is the folder ``북/``), ``index.html`` in a folder; None when the
    decoded path would change shape (an encoded '/' or '\\', a '.' or '..' part), holds a control
    character, or is not UTF-8."""
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if decoded.count("/") != path.count("/") or "\\" in decoded or find_forbidden(decoded):
        return None
    if any(part in (".", "..") for part in decoded.split("/")):
        return None
    return decoded + "index.html" if decoded.endswith("/") else decoded


def shorten(text: str, keep: int = 40) -> str:
    return text if len(text) <= keep else text[:keep] + "…"


def unknown(what: str, key: str, known: Iterable[str]) -> str:
    hint = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    maybe = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"unknown {what}{maybe}"
