"""The YAML layer of the front matter: composing it into nodes that keep their lines (never
constructing objects from tags), and the checks on the nodes themselves before any field is read:
tags, keys given twice, aliases that loop or multiply, forbidden characters written as escapes,
and which field a node sits in, for messages.

Front matter is split off with python-frontmatter and parsed by PyYAML's composer (the C one
where available).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import frontmatter
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem
from .characters import SUSPECT, find_forbidden, find_unclosed

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT = (_YAML + t for t in ("str", "null", "bool", "int", "float"))
TIMESTAMP, SEQ, MAP, MERGE = (_YAML + t for t in ("timestamp", "seq", "map", "merge"))
SAFE_TAGS = {STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, SEQ, MAP, MERGE}

#: Most values the front matter may expand to through YAML anchors and aliases (&x, *x).
MAX_VALUES = 10_000


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
class Source:
    """Where the front matter of one file sits, for turning YAML positions into file lines."""

    path: str
    first_line: int
    problems: list[Problem]

    def line(self, node: Node) -> int:
        return self.first_line + node.start_mark.line

    def error(self, at: Node | int | None, field: str | None, message: str) -> None:
        line = self.line(at) if isinstance(at, Node) else at
        self.problems.append(Problem(self.path, message, line, field))


def field_of_node(root: Node, node: Node) -> str | None:
    """The dotted name of the field holding ``node`` (``image.alt``, ``extra.a.b``)."""
    return field_at(root, node.start_mark.line, node.start_mark.column)


def field_at(root: Node, line: int, column: int) -> str | None:
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


def describe(node: Node) -> str:
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


def short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


@dataclass(slots=True)
class Inspection:
    """What one walk over the composed front matter found."""

    unsafe: list[Node] = field(default_factory=list)
    """The nodes carrying a YAML tag that would construct something other than plain data, in
    the order of the text (not walked into: a tagged value is refused whole)."""
    duplicates: list[tuple[Node, Node]] = field(default_factory=list)
    """Keys given twice in one mapping below the top level: the first key, the second."""
    escaped: list[tuple[Node, str]] = field(default_factory=list)
    """Double-quoted values holding a forbidden character through an escape ("\\a", "\\x85"), or
    a bidirectional control it leaves open ("\\u202E")."""
    shared: bool = False
    """Whether a node is reached twice (through an alias, ``*name``)."""


def inspect_nodes(root: Node, aliases: bool = True) -> Inspection:
    """One walk over every node. ``aliases``: whether the text may hold aliases (``*name``); without
    them every node is reached once, and the walk need not remember where it has been.

    Kept lean, for it runs on every release: it notes nodes, and the field each sits in is
    found afterwards, for the few with a problem (``field_at``)."""
    found = Inspection()
    unsafe = found.unsafe
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
            if node.style == '"':
                bad = find_forbidden(node.value) if SUSPECT.search(node.value) is not None else []
                if not bad:
                    bad = find_unclosed(node.value)
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
    unsafe.sort(key=lambda n: n.start_mark.index)
    found.duplicates.sort(key=lambda pair: pair[1].start_mark.index)
    found.escaped.sort(key=lambda pair: pair[0].start_mark.index)
    return found


def alias_trouble(root: Node) -> tuple[Node, str] | None:
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


def field_of(root: Node, node: Node) -> str | None:
    """The top-level field whose value holds ``node``."""
    if not isinstance(root, MappingNode):
        return None
    for key, value in root.value:
        if value.start_mark.index <= node.start_mark.index <= value.end_mark.index:
            return key.value if isinstance(key, ScalarNode) else None
    return None
