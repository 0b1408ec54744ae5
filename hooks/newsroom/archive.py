"""The archive: every release, checked against each other, and what a build publishes."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from datetime import datetime
from stat import S_ISREG

from . import document_metadata, images, photo_metadata, video_metadata
from .errors import ContentError, Problem
from .model import Release
from .photo_cache import PhotoInspections
from .publication import instant, is_published, release_time
from .readcache import ReleaseStore
from .reader import PhotoCheck, parse_release, read_bytes, read_release
from .settings import Settings
from .sources import Photos, scan
from .taxonomy import Taxonomies, build_taxonomies, check_terms
from .term_names import TermNames, missing_names, read_term_names
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
    term_names: TermNames = field(default_factory=TermNames)
    """Terms' names in other languages (``_terms.yml``)."""
    assets: list[str] = field(default_factory=list)
    """Every other file of the releases folder that may be published (``sources.Scan.assets``)."""
    photos: dict[str, images.Inspection] = field(default_factory=dict)
    """What reading found of each photo among them (``images.inspect``), by the same path."""
    _translations: dict[str, list[Release]] | None = None

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
    shipped: dict[str, str | None]
    """The files it names (its photo), and what was wrong with each: a change there changes the verdict."""
    digest: str = ""
    """The digest of the bytes it was read from, with the code and settings that read them
    (``ReleaseStore.digest``), if it was read through the store."""


class ReadCache:
    """Releases read by earlier builds of this process, by file, modification time and size.

    ``mkdocs serve`` rebuilds in the same process: with the cache, a rebuild re-reads
    only the files that changed, or whose photo appeared, disappeared or changed.
    """

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.entries: dict[str, _Entry] = {}
        self.folder = ""

    def read(
        self, settings: Settings, name: str, photos: PhotoCheck | None = None, store: ReleaseStore | None = None
    ) -> tuple[Release | None, list[Problem]]:
        """A release as an earlier build of this process read it if its file did not change, else as
        an earlier build read the same bytes (``store``), else read now."""
        if settings != self.settings:
            self.entries.clear()
            self.settings = settings
            self.folder = os.fspath(settings.releases_path)
        if photos is None:
            photos = Photos(settings)
        try:
            stat = os.stat(os.path.join(self.folder, name))
        except OSError:
            return read_release(settings, name, photos=photos)
        key = (stat.st_mtime_ns, stat.st_size)
        hit = self.entries.get(name)
        if hit is not None and hit.key == key and all(photos(path) == verdict for path, verdict in hit.shipped.items()):
            return hit.release, hit.problems
        shipped: dict[str, str | None] = {}

        def checked(relative: str) -> str | None:
            shipped[relative] = verdict = photos(relative)
            return verdict

        digest = ""
        if store is None:
            release, problems = read_release(settings, name, photos=checked)
        else:
            unchanged = store.stat_key(stat.st_mtime_ns, stat.st_size) if S_ISREG(stat.st_mode) else None
            release, problems, digest = self._read_through(store, settings, name, photos, checked, shipped, unchanged)
        self.entries[name] = _Entry(key, release, problems, shipped, digest)
        return release, problems

    def identity(self, name: str) -> str | None:
        """What the release of the file ``name`` was read from, as plain text: the digest of its
        bytes (with the code and settings that read them) and the verdicts on its photos. The same
        identity is the same release, field for field (``ReleaseStore`` keeps releases on it).
        None if it was not read through the store."""
        entry = self.entries.get(name)
        if entry is None or not entry.digest:
            return None
        return f"{name}\0{entry.digest}\0{sorted(entry.shipped.items(), key=str)!r}"

    @staticmethod
    def _read_through(
        store: ReleaseStore,
        settings: Settings,
        name: str,
        photos: PhotoCheck,
        checked: PhotoCheck,
        shipped: dict[str, str | None],
        unchanged: str | None,
    ) -> tuple[Release | None, list[Problem], str]:
        """Read through the store: first by the file's time and size (``unchanged``), which spares
        reading it, then by its bytes (a fresh clone has new times for the same bytes). With the
        digest of those bytes (``ReleaseStore.digest``)."""
        found = store.get(name, "", photos, stat=unchanged) if unchanged is not None else None
        if found is not None:
            release, problems, verdicts = found
            shipped.update(verdicts)
            return release, problems, store.kept_digest(name)
        data, problems = read_bytes(settings, name)
        if data is None:
            return None, problems, ""
        digest = store.digest(data)
        found = store.get(name, digest, photos)
        if found is not None:
            release, problems, verdicts = found
            shipped.update(verdicts)
            if unchanged is not None:
                store.touch(name, unchanged)
            return release, problems, digest
        release, problems = parse_release(data, name, settings, photos=checked)
        store.put(name, digest, unchanged or "", (release, problems), shipped)
        return release, problems, digest

    def keep_only(self, names: set[str]) -> None:
        for gone in set(self.entries) - names:
            del self.entries[gone]


def read_archive(
    settings: Settings,
    now: datetime,
    *,
    drafts: bool = False,
    cache: ReadCache | None = None,
    store: ReleaseStore | None = None,
) -> Archive:
    """Read every release; raise ContentError listing all problems of all files.

    The files come from one walk of the releases folder (``sources.scan``), whose problems
    (links out of the project, pipes, pages that are not releases...) are reported with the others.
    """
    # Photos inspected by earlier builds, each while it stays the very file it was (``images``).
    inspections = PhotoInspections(settings.project_dir, settings.releases_path)
    images.remember_in(inspections)
    try:
        return _read_archive(settings, now, drafts=drafts, cache=cache, store=store, inspections=inspections)
    finally:
        images.remember_in(None)
        inspections.save()


def _read_archive(
    settings: Settings,
    now: datetime,
    *,
    drafts: bool,
    cache: ReadCache | None,
    store: ReleaseStore | None,
    inspections: PhotoInspections | None = None,
) -> Archive:
    found = scan(settings)
    problems: list[Problem] = list(found.problems)
    # Every photo that may be published: none may tell where it was taken, nor whose camera took it.
    inspected: dict[str, images.Inspection] = {}
    for relative in found.assets:
        inspection = images.inspect(settings.releases_path / relative)
        if inspection is None:
            continue
        inspected[relative] = inspection
        if inspection.found:
            problems.append(
                Problem(
                    f"{settings.releases_dir}/{relative}", f"the photo {photo_metadata.message(list(inspection.found))}"
                )
            )
    # Nor any video or recording where it was made, nor any document who wrote it.
    for relative in found.assets:
        suffix = os.path.splitext(relative)[1].lower()
        if suffix in video_metadata.SUFFIXES:
            problem = _video_problem(settings, relative)
        elif suffix in document_metadata.SUFFIXES:
            problem = _document_problem(settings, relative, inspections)
        else:
            continue
        if problem is not None:
            problems.append(problem)
    releases: list[Release] = []
    if store is not None and cache is None:
        cache = ReadCache()
    names = found.releases
    photos = Photos(settings, found, inspected)
    # Reading creates objects that all live on: spare the collector from scanning them repeatedly.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if cache is not None:
            cache.keep_only(set(names))
        if store is not None:
            store.expect(names)
        for number, name in enumerate(names, 1):
            if collecting and number % 1000 == 0:
                gc.collect(0)  # only what the last thousand left: parsing leaves cycles behind
            if cache is not None:
                release, trouble = cache.read(settings, name, photos=photos, store=store)
            else:
                release, trouble = read_release(settings, name, photos=photos)
            problems.extend(trouble)
            if release is not None:
                releases.append(release)
    finally:
        if collecting:
            gc.enable()
    if store is not None:
        store.save(set(names))
    problems.extend(check_together(releases, set(names)))
    term_problems, warnings = check_terms(releases)
    problems.extend(term_problems)
    term_names, name_problems, name_advice = read_term_names(settings, releases)
    problems.extend(name_problems)
    if problems:
        raise ContentError(problems)
    archive = build_archive(releases, now, drafts=drafts)
    archive.warnings = warnings + name_advice
    if settings.languages:  # a site of several languages is told which names it lacks
        archive.warnings += missing_names(term_names, archive.published, settings.language)
    archive.term_names = term_names
    archive.assets = found.assets
    archive.photos = inspected
    return archive


def _video_problem(settings: Settings, relative: str) -> Problem | None:
    """Why the video or recording ``relative`` (to the releases folder) may not be published, or None."""
    shown = f"{settings.releases_dir}/{relative}"
    try:
        found = video_metadata.found_in(settings.releases_path / relative)
    except OSError as err:
        return Problem(shown, f"cannot be read: {err.strerror}")
    except ValueError as err:  # boxes too many, too deep or damaged: refused, not published unread
        return Problem(shown, f"the {video_metadata.kind_of(relative)} {err}")
    return Problem(shown, video_metadata.message(relative)) if found else None


def _document_problem(settings: Settings, relative: str, inspections: PhotoInspections | None) -> Problem | None:
    """Why the document ``relative`` (to the releases folder) may not be published, or None."""
    shown = f"{settings.releases_dir}/{relative}"
    try:
        found = document_metadata.inspect(settings.releases_path / relative, inspections)
    except OSError as err:
        return Problem(shown, f"cannot be read: {err.strerror}")
    except ValueError as err:
        return Problem(shown, str(err))
    return Problem(shown, document_metadata.message(relative, found)) if found else None


def build_archive(releases: list[Release], now: datetime, *, drafts: bool = False) -> Archive:
    published = [r for r in releases if is_published(r, now, drafts=drafts)]
    held = [r for r in releases if not is_published(r, now, drafts=drafts)]
    published.sort(key=lambda r: r.sort_key, reverse=True)
    held.sort(key=lambda r: (instant(release_time(r)), r.name))
    return Archive(published=published, held=held, taxonomies=build_taxonomies(published))


def translation_groups(releases: list[Release]) -> dict[str, list[Release]]:
    """Each release that has translations among ``releases``, with its whole group, by language.
    A link to a release in another language than it is listed under links nothing (the build
    fails on it: ``check_together``)."""
    by_name = {r.name: r for r in releases}
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.get(name, name) != name:
            parent[name] = name = parent.get(parent[name], parent[name])
        return name

    for release in releases:
        for language, target in release.translations.items():
            if target in by_name and by_name[target].language.casefold() == language.casefold():
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


def check_together(releases: list[Release], files: set[str] | None = None) -> list[Problem]:
    """Problems that only show between files: two releases at one URL, translations of nothing,
    or in another language than they are listed under.

    ``files``: every release file, including those that could not be read (their own problems
    say why; a translation naming one is not said to name nothing).
    """
    problems: list[Problem] = []
    by_url: dict[str, Release] = {}
    by_name = {r.name: r for r in releases}
    names = by_name.keys() | (files or set())
    for release in sorted(releases, key=lambda r: r.name):
        url = url_of(release)
        other = by_url.setdefault(url, release)
        if other is not release:
            field = "slug" if "slug" in release.lines else "date"
            problems.append(
                Problem(
                    release.source,
                    f"this release and {other.source} would both be published at {url}; "
                    "give one of them another 'slug:'",
                    release.line_of(field),
                    field,
                )
            )
        for language, target in release.translations.items():
            if target not in names:
                problems.append(
                    Problem(
                        release.source,
                        f"the translation file '{target}' does not exist in the releases folder",
                        release.line_of("translations"),
                        f"translations.{language}",
                    )
                )
                continue
            translated = by_name.get(target)
            if translated is not None and translated.language.casefold() != language.casefold():
                said = (
                    "its 'language:' field"
                    if "language" in translated.lines
                    else "the site's language; it has no 'language:' field"
                )
                problems.append(
                    Problem(
                        release.source,
                        f"'{target}' is in '{translated.language}' ({said}), not '{language}'; list it under "
                        f"'{translated.language}:', or give it 'language: {language}'",
                        release.line_of("translations"),
                        f"translations.{language}",
                    )
                )
    return problems + _two_in_one_slot(releases)


def _two_in_one_slot(releases: list[Release]) -> list[Problem]:
    """A release has one version per language: two releases of one language linked, directly or
    through others, as versions of the same release are an error (which one would a reader get?)."""
    problems: list[Problem] = []
    seen: set[int] = set()
    for group in translation_groups(releases).values():
        if id(group) in seen:
            continue
        seen.add(id(group))
        first: dict[str, Release] = {}
        for release in group:
            other = first.setdefault(release.language.casefold(), release)
            if other is release:
                continue
            field = "translations" if "translations" in release.lines else "language"
            problems.append(
                Problem(
                    release.source,
                    f"this release and {other.source} are both in '{release.language}' and linked by "
                    f"'translations:' as versions of the same release (with "
                    f"{', '.join(r.name for r in group if r is not release and r is not other)}); a release has one "
                    "version per language: link only one of them",
                    release.line_of(field),
                    field,
                )
            )
    return problems
