"""Editions: the site in each of its languages (``extra.newsroom.languages``).

The first language is the default edition, at the site root; each other is under its tag
(``ko/``, ``ko/news/2020/03/03/<slug>/``, ``ko/countries/north-korea/``). A release belongs to the
edition of its language and appears in that edition only; a term keeps its slug in every
edition, so that the same page in another edition is the same address with another prefix.
One language configured (or none) is one edition at the root: the site as it has always been.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import Release
from .related import RelatedLists, RelatedReleases
from .settings import Settings
from .taxonomy import Taxonomies, edition_taxonomies

if TYPE_CHECKING:  # the reader, which term_names uses, asks this module for prefixes
    from .term_names import TermNames


@dataclass(frozen=True, slots=True)
class Edition:
    language: str
    """Its BCP 47 tag, as ``languages`` spells it."""
    prefix: str
    """Where its pages are, relative to the site root: '' for the default edition, else ``<tag>/``."""

    @property
    def is_default(self) -> bool:
        return not self.prefix


def editions_of(settings: Settings) -> tuple[Edition, ...]:
    """The site's editions, the default first."""
    languages = settings.languages or (settings.language,)
    return tuple(Edition(tag, "" if number == 0 else prefix_of(tag)) for number, tag in enumerate(languages))


def prefix_of(tag: str) -> str:
    """The folder of an edition other than the default: its tag in lower case (``ko/``, ``pt-br/``)."""
    return tag.lower() + "/"


def release_prefix(language: str, settings: Settings) -> str:
    """Where a release in ``language`` is published: its edition's prefix ('' at the root, where a
    site of one edition publishes everything; a language outside the editions the reader refuses)."""
    folded = language.casefold()
    return next((e.prefix for e in editions_of(settings) if e.language.casefold() == folded), "")


@dataclass(slots=True)
class EditionArchive:
    """What one edition publishes: its releases (newest first) and their terms, under its prefix."""

    edition: Edition
    published: list[Release]
    taxonomies: Taxonomies
    kept_related: RelatedLists | None = field(default=None, init=False, repr=False, compare=False)
    """The related releases an earlier build found, carried over where nothing they came from changed."""
    _related: RelatedReleases | None = field(default=None, init=False, repr=False, compare=False)

    def related(self, release: Release, limit: int) -> list[Release]:
        """The releases of this edition most like ``release`` (one of them): a reader of an edition
        is led to releases in its language (``related.RelatedReleases``)."""
        return self.related_releases(limit).of(release)

    def related_releases(self, limit: int) -> RelatedReleases:
        """Every release's related ones, at most ``limit`` each."""
        if self._related is None or self._related.limit != limit:
            self._related = RelatedReleases(self.published, self.taxonomies, limit, self.kept_related)
        return self._related


def split(
    published: Sequence[Release], taxonomies: Taxonomies, editions: Sequence[Edition], names: TermNames | None = None
) -> list[EditionArchive]:
    """Each edition's part of the archive, its terms named in its language where ``names``
    (``_terms.yml``) says how. With one edition, it is the whole archive as it is."""
    if len(editions) == 1:
        return [EditionArchive(editions[0], list(published), taxonomies)]
    parts = []
    for edition in editions:
        language = edition.language

        def rename(taxonomy: str, name: str, language: str = language) -> str:
            return names.name(taxonomy, name, language) if names else name

        terms = edition_taxonomies(taxonomies, edition.prefix, None if edition.is_default else rename)
        parts.append(EditionArchive(edition, [r for r in published if r.edition == edition.prefix], terms))
    return parts
