"""The mapping file of an import (``MAP=import-map.yml``), read and checked before anything is written.

    categories:                 # a source's category, tag or term name -> the newsroom's terms
      Asia: {regions: Asia}
      North Korea: {countries: North Korea}
      DPRK: {countries: [North Korea], topics: Accountability}
    html:                       # saved HTML pages: CSS selectors (checked with cssselect)
      title: h1.entry-title
      date: time.published
      body: div.entry-content
      attributes: {date: datetime}
      terms: {category: "a[rel=tag]"}
    wordpress: {post_types: [post], statuses: [publish, draft]}
    language: en                # of items whose source does not say
    timezone: Asia/Seoul        # of source dates without an offset

The YAML is composed into nodes (never constructed from tags) so that every problem names its line:
``import-map.yml:3: field 'categories.Asia': expected ...``. All problems are collected;
``MappingError`` carries them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import cssselect
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem
from ..model import TAXONOMIES
from ..reader.nodes import NULL, SAFE_TAGS, STR, alias_trouble, describe
from ..reader.values import unknown
from .items import HtmlSelectors, ImportMap

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOP = ("categories", "html", "wordpress", "language", "timezone")
SELECTORS = ("title", "date", "body", "summary", "dateline", "photo", "caption", "credit", "language", "link")
REQUIRED_SELECTORS = ("title", "date", "body")
WORDPRESS = ("post_types", "statuses")


class MappingError(Exception):
    """The mapping file cannot be used: every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []

    def error(self, node: Node | None, field: str | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.name, message, line, field))

    def pairs(self, node: Node, field: str | None, expected: str) -> list[tuple[str, Node, Node]]:
        """The (key, key node, value node) of a mapping; a problem for anything else, for keys that
        are not names, and for a key given twice."""
        if not isinstance(node, MappingNode):
            self.error(node, field, f"expected {expected}, not {describe(node)}")
            return []
        seen: dict[str, Node] = {}
        found = []
        for key, value in node.value:
            where = f"{field}.{key.value}" if field and isinstance(key, ScalarNode) else field
            if not isinstance(key, ScalarNode) or key.tag == NULL or not str(key.value).strip():
                self.error(key, field, f"expected a name as key, not {describe(key)}")
                continue
            name = str(key.value)
            if name in seen:
                self.error(
                    key, where, f"'{name}' is given twice (first on line {seen[name].start_mark.line + 1}); keep one"
                )
                continue
            seen[name] = key
            found.append((name, key, value))
        return found

    def text(self, node: Node, field: str, expected: str = "a text") -> str | None:
        if isinstance(node, ScalarNode) and node.tag == STR and node.value.strip():
            return node.value.strip()
        self.error(node, field, f"expected {expected}, not {describe(node)}")
        return None

    def names(self, node: Node, field: str, expected: str) -> tuple[str, ...] | None:
        """A name, or a list of names."""
        items = node.value if isinstance(node, SequenceNode) else [node]
        if isinstance(node, SequenceNode) and not items:
            self.error(node, field, f"expected {expected}, not an empty list")
            return None
        names = []
        for item in items:
            name = self.text(item, field, expected)
            if name is None:
                return None
            names.append(name)
        return tuple(dict.fromkeys(names))


def read_map(path: Path, name: str | None = None) -> ImportMap:
    """The mapping file at ``path`` (``name``: how messages call it, by default the path as given).

    Raises ``MappingError`` with every problem found."""
    shown = name or str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise MappingError([Problem(shown, f"cannot be read: {err.strerror}")]) from err
    except UnicodeDecodeError as err:
        raise MappingError([Problem(shown, "is not UTF-8 text; save it as UTF-8")]) from err
    return parse_map(text, shown)


def parse_map(text: str, name: str = "import-map.yml") -> ImportMap:
    reader = _Reader(name)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        raise MappingError([Problem(name, f"is not valid YAML: {err.problem or err}", line)]) from err
    except yaml.YAMLError as err:
        raise MappingError([Problem(name, f"is not valid YAML: {err}")]) from err
    finally:
        loader.dispose()
    if root is None:
        return ImportMap()
    trouble = alias_trouble(root)
    if trouble is not None:
        reader.error(trouble[0], None, trouble[1])
        raise MappingError(reader.problems)
    _check_tags(reader, root)
    if reader.problems:
        raise MappingError(reader.problems)

    values: dict[str, object] = {}
    expected = "a mapping of categories, html, wordpress, language, timezone"
    for key, key_node, value in reader.pairs(root, None, expected):
        if key not in TOP:
            reader.error(key_node, key, unknown("setting", key, TOP))
        elif key == "categories":
            values["categories"] = _categories(reader, value)
        elif key == "html":
            values["html"] = _html(reader, value, key_node)
        elif key == "wordpress":
            for sub, sub_node, sub_value in reader.pairs(value, "wordpress", "a mapping of post_types and statuses"):
                if sub not in WORDPRESS:
                    reader.error(sub_node, f"wordpress.{sub}", unknown("setting", sub, WORDPRESS))
                    continue
                names = reader.names(sub_value, f"wordpress.{sub}", f"a {sub[:-1].replace('_', ' ')} or a list of them")
                if names is not None:
                    values[sub] = names
        elif key == "language":
            values["language"] = reader.text(value, "language", "a BCP 47 language tag such as 'en' or 'ko'")
        elif key == "timezone":
            zone = reader.text(value, "timezone", "an IANA time zone name such as 'Asia/Seoul'")
            if zone is not None:
                try:
                    ZoneInfo(zone)
                except (ZoneInfoNotFoundError, ValueError):
                    reader.error(
                        value, "timezone", f"unknown time zone '{zone}'; expected an IANA name such as 'Asia/Seoul'"
                    )
                    zone = None
            values["timezone"] = zone
    if reader.problems:
        raise MappingError(reader.problems)
    return ImportMap(**values)  # type: ignore[arg-type]


def _check_tags(reader: _Reader, root: Node) -> None:
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in SAFE_TAGS:
            reader.error(node, None, f"the tag {node.tag} is not allowed; write plain values")
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(v for pair in node.value for v in pair)


def _categories(reader: _Reader, node: Node) -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    expected = "a mapping of taxonomies to names, such as {regions: Asia, countries: [North Korea]}"
    for name, _, value in reader.pairs(node, "categories", "a mapping of source names to taxonomies"):
        field = f"categories.{name}"
        terms: dict[str, tuple[str, ...]] = {}
        if isinstance(value, MappingNode) and not value.value:
            reader.error(value, field, f"expected {expected}, not an empty mapping")
        for taxonomy, taxonomy_node, names_node in reader.pairs(value, field, expected):
            if taxonomy not in TAXONOMIES:
                reader.error(taxonomy_node, f"{field}.{taxonomy}", unknown("taxonomy", taxonomy, TAXONOMIES))
                continue
            names = reader.names(names_node, f"{field}.{taxonomy}", "a name or a list of names")
            if names is not None:
                terms[taxonomy] = names
        found[name] = terms
    return found


def _selector(reader: _Reader, node: Node, field: str) -> str | None:
    css = reader.text(node, field, "a CSS selector such as 'h1.entry-title'")
    if css is None:
        return None
    try:
        cssselect.GenericTranslator().css_to_xpath(css)
    except cssselect.SelectorError as err:
        message = f"'{css}' is not a CSS selector cssselect can read ({err}); expected one such as 'h1'"
        reader.error(node, field, message)
        return None
    return css


def _html(reader: _Reader, node: Node, heading: Node) -> HtmlSelectors | None:
    allowed = (*SELECTORS, "terms", "attributes")
    values: dict[str, object] = {}
    for key, key_node, value in reader.pairs(node, "html", "a mapping of fields to CSS selectors"):
        field = f"html.{key}"
        if key not in allowed:
            reader.error(key_node, field, unknown("field", key, allowed))
        elif key == "terms":
            terms = {}
            for kind, _, css_node in reader.pairs(value, field, "a mapping of kinds of terms to CSS selectors"):
                css = _selector(reader, css_node, f"{field}.{kind}")
                if css is not None:
                    terms[kind] = css
            values["terms"] = terms
        elif key == "attributes":
            attributes = {}
            for name, name_node, attr_node in reader.pairs(value, field, "a mapping of fields to attribute names"):
                if name not in SELECTORS:
                    reader.error(name_node, f"{field}.{name}", unknown("field", name, SELECTORS))
                    continue
                attribute = reader.text(attr_node, f"{field}.{name}", "an attribute name such as 'datetime'")
                if attribute is not None:
                    attributes[name] = attribute
            values["attributes"] = attributes
        else:
            values[key] = _selector(reader, value, field)
    if not isinstance(node, MappingNode):
        return None
    missing = [key for key in REQUIRED_SELECTORS if key not in values]
    if missing:
        names = ", ".join(missing)
        reader.error(heading, "html", f"missing {names}; expected CSS selectors for title, date and body at least")
        return None
    if any(values.get(key) is None for key in REQUIRED_SELECTORS):
        return None
    return HtmlSelectors(**values)  # type: ignore[arg-type]
