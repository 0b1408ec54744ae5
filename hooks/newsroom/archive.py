"""The archive: every release, checked against each other, and what a build publishes."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from datetime import datetime

from .errors import ContentError, Problem
from .model import Release
from .publication import is_published, release_time
from .reader import read_release, release_files
from .settings import Settings
from .taxonomy import RelatedIndex, Taxonomies, build_taxonomies, check_terms
from .urls import url_of


@dataclass(slots=True)
class Archive:
    """The releases a build publishes, and those it holds back."""

    published: list[Release]
    """Newest first."""
    held: list[Release] = field(default_factory=list)
    """Drafts and embargoed releases, soonest first."""
    taxonomies: Taxonomies = field(default_factory=lambda: build_taxonomies([]))
    """Terms of the published releases only: a term used only by held releases does not exist."""
    warnings: list[str] = field(default_factory=list)
    _related: RelatedIndex | None = None
    _translations: dict[str, list[Release]] | None = None

    def related(self, release: Release, limit: int) -> list[Release]:
        if self._related is None:
            self._related = RelatedIndex(self.published, self.taxonomies)
        return self._related.related(release, limit)

    def translations(self, release: Release) -> list[Release]:
        """The published releases that are this one in other languages, by language.

        A release names its translations under ``translations:``; the relation goes both ways
        and through several files (a French version named by the English one is also a
        translation of the Korean one the English one names). A held translation is none.
        """
        if self._translations is None:
            self._translations = translation_groups(self.published)
        return [other for other in self._translations.get(release.name, ()) if other is not release]


@dataclass(slots=True)
class _Entry:
    key: tuple[int, int]
    """The file's modification time and size."""
    release: Release | None
    problems: list[Problem]
    shipped: dict[str, bool]
    """The files it names (its photo), and whether each existed: their coming or going changes the verdict."""


class ReadCache:
    """Releases read by earlier builds of this process, by file, modification time and size.

    ``mkdocs serve`` rebuilds in the same process: with the cache, a rebuild re-reads
    only the files that changed, or whose photo appeared or disappeared.
    """

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.entries: dict[str, _Entry] = {}

    def read(self, settings: Settings, name: str) -> tuple[Release | None, list[Problem]]:
        if settings != self.settings:
            self.entries.clear()
            self.settings = settings
        try:
            stat = os.stat(settings.releases_path / name)
        except OSError:
            return read_release(settings, name)
        key = (stat.st_mtime_ns, stat.st_size)
        hit = self.entries.get(name)
        root = settings.releases_path
        if hit is not None and hit.key == key and all(
            (root / path).is_file() == existed for path, existed in hit.shipped.items()
        ):
            return hit.release, hit.problems
        shipped: dict[str, bool] = {}

        def file_exists(relative: str) -> bool:
            shipped[relative] = found = (root / relative).is_file()
            return found

        release, problems = read_release(settings, name, file_exists)
        self.entries[name] = _Entry(key, release, problems, shipped)
        return release, problems

    def keep_only(self, names: set[str]) -> None:
        for gone in set(self.entries) - names:
            del self.entries[gone]


def read_archive(settings: Settings, now: datetime, *, drafts: bool = False, cache: ReadCache | None = None) -> Archive:
    """Read every release; raise ContentError listing all problems of all files."""
    problems: list[Problem] = []
    releases: list[Release] = []
    read = cache.read if cache is not None else read_release
    names = release_files(settings)
    # Reading creates objects that all live on: spare the collector from scanning them repeatedly.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if cache is not None:
            cache.keep_only(set(names))
        for name in names:
            release, found = read(settings, name)
            problems.extend(found)
            if release is not None:
                releases.append(release)
    finally:
        if collecting:
            gc.enable()
    problems.extend(check_together(releases))
    term_problems, warnings = check_terms(releases)
    problems.extend(term_problems)
    if problems:
        raise ContentError(problems)
    archive = build_archive(releases, now, drafts=drafts)
    archive.warnings = warnings
    return archive


def build_archive(releases: list[Release], now: datetime, *, drafts: bool = False) -> Archive:
    published = [r for r in releases if is_published(r, now, drafts=drafts)]
    held = [r for r in releases if not is_published(r, now, drafts=drafts)]
    published.sort(key=lambda r: r.sort_key, reverse=True)
    held.sort(key=lambda r: (release_time(r), r.name))
    return Archive(published=published, held=held, taxonomies=build_taxonomies(published))


def translation_groups(releases: list[Release]) -> dict[str, list[Release]]:
    """Each release that has translations among ``releases``, with its whole group, by language."""
    by_name = {r.name: r for r in releases}
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.get(name, name) != name:
            parent[name] = name = parent.get(parent[name], parent[name])
        return name

    for release in releases:
        for target in release.translations.values():
            if target in by_name:
                parent.setdefault(release.name, release.name)
                parent.setdefault(target, target)
                parent[root(release.name)] = root(target)
    groups: dict[str, list[Release]] = {}
    for name in parent:
        groups.setdefault(root(name), []).append(by_name[name])
    found = {}
    for group in groups.values():
        group.sort(key=lambda r: (r.language, r.name))
        for release in group:
            found[release.name] = group
    return found


def check_together(releases: list[Release]) -> list[Problem]:
    """Problems that only show between files: two releases at one URL, translations of nothing."""
    problems: list[Problem] = []
    by_url: dict[str, Release] = {}
    names = {r.name for r in releases}
    for release in sorted(releases, key=lambda r: r.name):
        url = url_of(release)
        other = by_url.setdefault(url, release)
        if other is not release:
            field = "slug" if "slug" in release.lines else "date"
            problems.append(Problem(
                release.source,
                f"this release and {other.source} would both be published at {url}; "
                "give one of them another 'slug:'",
                release.line_of(field),
                field,
            ))
        for language, target in release.translations.items():
            if target not in names:
                problems.append(Problem(
                    release.source,
                    f"the translation file '{target}' does not exist in the releases folder",
                    release.line_of("translations"),
                    f"translations.{language}",
                ))
    return problems
