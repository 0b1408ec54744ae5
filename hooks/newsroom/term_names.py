"""Term names in other languages, kept by editors in ``<releases folder>/_terms.yml``::

    countries:
      North Korea: {ko: 북한, ar: كوريا الشمالية}
    topics:
      Torture: {ko: 고문}

A term keeps one address in every language (its slug comes from its usual name); only the name
shown changes. A release in Korean shows its terms under their Korean names where the file
gives them, else under their usual names.

The file is read like front matter (``reader.nodes``): composed into nodes that keep their lines,
never constructed from tags; keys given twice are refused. What is wrong with its shape is an
error at ``file:line``; a language the site does not publish in, or a name no release uses, is
advice only (it may be ahead of the releases).
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from .errors import Problem
from .languages import BCP47_RE, not_an_edition
from .model import TAXONOMIES, Release
from .reader.characters import character_message, find_problem_characters
from .reader.nodes import NULL, STR, Source, inspect_nodes, short_tag
from .settings import Settings
from .taxonomy import name_key
from .urls import FACET_OF

#: The file, in the releases folder (a name starting with '_' is never taken for a release or a photo).
TERMS_FILE = "_terms.yml"
#: Longest translated name, in characters, as for a term's own name.
MAX_NAME = 200

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class TermNames:
    """Each term's names in other languages: (taxonomy, name key) -> {language, casefolded: name}."""

    names: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)

    def name(self, taxonomy: str, name: str, language: str) -> str:
        """The term's name in ``language`` (or in its primary language: ``ko`` for ``ko-KR``), else ``name``."""
        found = self.names.get((taxonomy, name_key(name)))
        if not found:
            return name
        tag = language.casefold()
        return found.get(tag) or found.get(tag.split("-")[0]) or name

    def __bool__(self) -> bool:
        return bool(self.names)


def read_term_names(settings: Settings, releases: Iterable[Release]) -> tuple[TermNames, list[Problem], list[str]]:
    """The names of ``_terms.yml`` (none without the file), what is wrong with it, and advice."""
    shown = f"{settings.releases_dir.rstrip('/')}/{TERMS_FILE}"
    path = os.path.join(settings.releases_path, TERMS_FILE)
    not_regular = Problem(shown, "is not a regular file (a link, a folder...); only regular files are read")
    try:  # never through a link, never blocking on a pipe; checked on what was opened, not before
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return TermNames(), [], []
    except OSError as err:
        problem = not_regular if err.errno == errno.ELOOP else Problem(shown, f"cannot be read: {err.strerror}")
        return TermNames(), [problem], []
    with open(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return TermNames(), [not_regular], []
        try:
            data = file.read()
        except OSError as err:
            return TermNames(), [Problem(shown, f"cannot be read: {err.strerror}")], []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return TermNames(), [Problem(shown, "is not UTF-8 text; save it as UTF-8", line)], []
    return _Reading(shown, settings, releases).read(text)


class _Reading:
    def __init__(self, shown: str, settings: Settings, releases: Iterable[Release]):
        self.src = Source(shown, 1, [])
        self.settings = settings
        self.advice: list[str] = []
        self.used: dict[str, set[str]] = {taxonomy: set() for taxonomy in TAXONOMIES}
        for release in releases:
            for taxonomy in TAXONOMIES:
                self.used[taxonomy].update(name_key(name) for name in getattr(release, taxonomy))

    def read(self, text: str) -> tuple[TermNames, list[Problem], list[str]]:
        for position, character in find_problem_characters(text):
            self.src.error(text.count("\n", 0, position) + 1, None, character_message(character))
        if self.src.problems:
            return TermNames(), self.src.problems, []
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(err, "problem", None) or str(err)
            return TermNames(), [Problem(self.src.path, f"is not valid YAML: {problem}", line)], []
        finally:
            loader.dispose()
        if root is None or (isinstance(root, ScalarNode) and root.tag == NULL):
            return TermNames(), [], []
        inspection = inspect_nodes(root)
        for bad in inspection.unsafe:
            self.src.error(bad, None, f"the YAML tag {short_tag(bad.tag)} is not allowed; write plain text")
        if inspection.shared:
            self.src.error(1, None, "YAML aliases (*name) are not allowed here; write each name out")
        for first, again in inspection.duplicates:
            self.src.error(
                again,
                None,
                f"'{again.value}' appears twice (lines {self.src.line(first)} and {self.src.line(again)}); keep one",
            )
        for node, character in inspection.escaped:
            self.src.error(node, None, character_message(character, escaped=True))
        if self.src.problems:
            return TermNames(), self.src.problems, []
        names = self.taxonomies(root)
        return TermNames(names), self.src.problems, self.advice

    def taxonomies(self, root: Node) -> dict[tuple[str, str], dict[str, str]]:
        names: dict[tuple[str, str], dict[str, str]] = {}
        if not isinstance(root, MappingNode):
            self.src.error(root, None, "expected a mapping of taxonomies (countries:, topics:...) to terms")
            return names
        for key, value in root.value:
            taxonomy = key.value if isinstance(key, ScalarNode) else None
            if taxonomy not in TAXONOMIES:
                hint = difflib.get_close_matches(str(taxonomy), TAXONOMIES, n=1)
                maybe = f"; did you mean '{hint[0]}'?" if hint else ""
                self.src.error(key, None, f"'{taxonomy}' is not a taxonomy{maybe} (known: {', '.join(TAXONOMIES)})")
                continue
            if isinstance(value, ScalarNode) and value.tag == NULL:
                continue
            if not isinstance(value, MappingNode):
                self.src.error(value, taxonomy, "expected a mapping of term names to their names in other languages")
                continue
            for term_node, languages in value.value:
                term = self.text(term_node, taxonomy, "a term's name")
                if term is None:
                    continue
                where = f"{taxonomy}.{term}"
                if name_key(term) not in self.used[taxonomy]:
                    self.advice.append(
                        f"{self.src.path}:{self.src.line(term_node)}: {where}: no release uses this "
                        f"{FACET_OF[taxonomy]} (yet); its names are kept for when one does"
                    )
                names[(taxonomy, name_key(term))] = self.languages(languages, where)
        return names

    def languages(self, node: Node, where: str) -> dict[str, str]:
        found: dict[str, str] = {}
        if not isinstance(node, MappingNode):
            self.src.error(node, where, "expected a mapping of language tags to names, such as {ko: 북한}")
            return found
        for key, value in node.value:
            tag = key.value if isinstance(key, ScalarNode) and key.tag == STR else None
            if tag is None or not BCP47_RE.match(tag):
                self.src.error(key, where, f"expected a BCP 47 language tag such as 'ko' or 'ar', got '{key.value}'")
                continue
            name = self.text(value, f"{where}.{tag}", "the name in that language")
            if name is None:
                continue
            editions = self.settings.languages
            wrong = not_an_edition(tag, editions) if editions else None
            if wrong is not None:
                self.advice.append(
                    f"{self.src.path}:{self.src.line(key)}: {where}.{tag}: {wrong}; the name is not shown"
                )
                continue
            found[tag.casefold()] = name
        return found

    def text(self, node: Node, where: str, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag not in (STR, "tag:yaml.org,2002:int"):
            self.src.error(node, where, f"expected {what} as text")
            return None
        value = " ".join(str(node.value).split())
        if not value:
            self.src.error(node, where, f"is empty; write {what}, or leave the entry out")
            return None
        if len(value) > MAX_NAME:
            self.src.error(node, where, f"is {len(value)} characters long; the limit is {MAX_NAME}")
            return None
        return value


def missing_names(names: TermNames, releases: Iterable[Release], default: str) -> list[str]:
    """Advice: the terms of releases in other languages than ``default`` that ``_terms.yml`` does
    not name in those languages (shown under their usual names), once each."""
    missing: dict[tuple[str, str, str], None] = {}
    for release in releases:
        language = release.language
        if language.casefold() == default.casefold():
            continue
        for taxonomy in TAXONOMIES:
            for term in getattr(release, taxonomy):
                if names.name(taxonomy, term, language) == term:
                    missing.setdefault((taxonomy, term, language), None)
    return [
        f"{TERMS_FILE}: {taxonomy}.{term} has no name in '{language}'; releases in that language show '{term}'"
        for taxonomy, term, language in missing
    ]
