"""Regions, countries, topics and organizations: terms and their slugs.

A term is one name, however editors spelled it: names that differ only in
case, spacing or Unicode normalization are one term (the build warns about the variants); two
different names that make the same slug are an error naming both.

Which releases share terms with a release: ``related``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .errors import Problem
from .model import TAXONOMIES, Release
from .urls import FACET_OF, term_slug, term_url

#: Longest slug of a term, in characters: it names a folder of the site (names in other
#: scripts are spelled out in Latin letters, and grow).
MAX_TERM_SLUG = 150


def name_key(name: str) -> str:
    """Names equal up to case, spacing and Unicode normalization are the same term: 'Côte' typed
    with an accented letter or with a letter and an accent after it (as macOS writes file names,
    and text copied from them), '북한' in syllables or in jamo, 'Korea' in full-width letters."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", " ".join(name.split())).casefold())


@dataclass(slots=True)
class Term:
    taxonomy: str
    name: str
    """The spelling most releases use."""
    slug: str
    releases: list[Release] = field(default_factory=list)
    """Published releases filed under the term, newest first."""
    prefix: str = ""
    """Its edition's (``editions``): '' for the default edition."""

    @property
    def url(self) -> str:
        return self.prefix + term_url(self.taxonomy, self.slug)

    def __len__(self) -> int:
        return len(self.releases)


@dataclass(slots=True)
class Taxonomies:
    """Every term of the published releases, by taxonomy and slug."""

    terms: dict[str, dict[str, Term]]
    """taxonomy -> slug -> term, sorted by name."""
    _by_key: dict[tuple[str, str], Term] = field(default_factory=dict)
    _of: dict[tuple[str, tuple[str, ...]], tuple[Term, ...]] = field(default_factory=dict, compare=False, repr=False)
    """``of``'s answers, by taxonomy and names: a release page asks a dozen times (its links,
    structured data, feeds, related releases), and ``_by_key`` does not change once made."""

    def by_name(self, taxonomy: str) -> list[Term]:
        """The taxonomy's terms in the order of their names (``build_taxonomies`` keeps them so)."""
        return list(self.terms[taxonomy].values())

    def term(self, taxonomy: str, name: str) -> Term | None:
        return self._by_key.get((taxonomy, name_key(name)))

    def of(self, release: Release, taxonomy: str) -> tuple[Term, ...]:
        """The release's terms in one taxonomy, in the order the editor listed them."""
        key = (taxonomy, release.terms(taxonomy))
        known = self._of.get(key)
        if known is None:
            found = (self.term(taxonomy, name) for name in key[1])
            known = self._of[key] = tuple(term for term in found if term is not None)
        return known

    def all_terms(self) -> Iterable[Term]:
        for taxonomy in TAXONOMIES:
            yield from self.terms[taxonomy].values()


def check_terms(releases: Iterable[Release]) -> tuple[list[Problem], list[str]]:
    """Across all releases: errors for names that collide on one slug, warnings for spelling variants."""
    uses: dict[tuple[str, str], dict[str, list[Release]]] = defaultdict(lambda: defaultdict(list))
    for release in releases:
        for taxonomy in TAXONOMIES:
            for name in release.terms(taxonomy):
                uses[(taxonomy, name_key(name))][name].append(release)

    problems: list[Problem] = []
    warnings: list[str] = []
    by_slug: dict[tuple[str, str], tuple[str, dict[str, list[Release]]]] = {}
    for (taxonomy, key), spellings in sorted(uses.items()):
        if len(spellings) > 1:
            listed = "; ".join(
                f"'{name}' in {', '.join(r.source for r in rels[:3])}{' and others' if len(rels) > 3 else ''}"
                for name, rels in sorted(spellings.items())
            )
            alike = len({unicodedata.normalize("NFC", name) for name in spellings}) < len(spellings)
            hint = (
                " (some look the same but are encoded differently, an accent or a Hangul syllable apart "
                "from its letter: retype them)"
                if alike
                else ""
            )
            warnings.append(
                f"{taxonomy}: one term spelled {len(spellings)} ways, shown as '{_canonical(spellings)}': "
                f"{listed}{hint}"
            )
        slug = term_slug(next(iter(spellings)))
        if not slug:
            name, rels = next(iter(spellings.items()))
            problems.append(
                Problem(
                    rels[0].source,
                    f"the name '{name}' has no letters or digits to make a web address from",
                    rels[0].line_of(taxonomy),
                    taxonomy,
                )
            )
            continue
        if len(slug) > MAX_TERM_SLUG:
            name, rels = next(iter(spellings.items()))
            problems.append(
                Problem(
                    rels[0].source,
                    f"the name '{name[:40]}{'…' if len(name) > 40 else ''}' makes a web address of {len(slug)} "
                    f"characters; it may be at most {MAX_TERM_SLUG}: shorten the name",
                    rels[0].line_of(taxonomy),
                    taxonomy,
                )
            )
            continue
        other = by_slug.setdefault((taxonomy, slug), (key, spellings))
        if other[0] != key:
            first_name, first_rels = next(iter(other[1].items()))
            name, rels = next(iter(spellings.items()))
            release = rels[0]
            problems.append(
                Problem(
                    release.source,
                    f"'{name}' and '{first_name}' (used in {first_rels[0].source}) would share the page "
                    f"{term_url(taxonomy, slug)}; spell them the same if they are one {FACET_OF[taxonomy]}, "
                    "or make their names differ in letters or digits",
                    release.line_of(taxonomy),
                    taxonomy,
                )
            )
    return problems, warnings


def build_taxonomies(published: Sequence[Release]) -> Taxonomies:
    """Terms of the published releases (newest first): a term no published release uses does not exist."""
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    members: dict[tuple[str, str], list[Release]] = defaultdict(list)
    for release in published:
        for taxonomy in TAXONOMIES:
            for name in release.terms(taxonomy):
                key = (taxonomy, name_key(name))
                spellings[key][name] += 1
                members[key].append(release)
    terms: dict[str, dict[str, Term]] = {taxonomy: {} for taxonomy in TAXONOMIES}
    by_key: dict[tuple[str, str], Term] = {}
    for key, counts in spellings.items():
        taxonomy = key[0]
        name = _canonical(counts)
        term = Term(taxonomy, name, term_slug(name), members[key])
        terms[taxonomy][term.slug] = term
        by_key[key] = term
    for taxonomy in TAXONOMIES:
        terms[taxonomy] = dict(sorted(terms[taxonomy].items(), key=lambda item: (name_key(item[1].name), item[0])))
    return Taxonomies(terms, by_key)


def _canonical(spellings: dict[str, int] | dict[str, list]) -> str:
    """The most used spelling; ties go to a spelling in Unicode's composed form (NFC, as most
    text is), then to the alphabetically first, so the choice is stable."""

    def weight(name: str) -> int:
        value = spellings[name]
        return value if isinstance(value, int) else len(value)

    return min(spellings, key=lambda name: (-weight(name), not unicodedata.is_normalized("NFC", name), name))


def edition_taxonomies(
    taxonomies: Taxonomies, prefix: str, rename: Callable[[str, str], str] | None = None
) -> Taxonomies:
    """The terms of one edition's releases (those whose ``edition`` is ``prefix``), under their
    slugs in the whole archive (a term has one address in every edition, but its prefix), and
    their names in the edition's language (``rename(taxonomy, name)``), in the order of those names."""
    terms: dict[str, dict[str, Term]] = {taxonomy: {} for taxonomy in TAXONOMIES}
    by_key: dict[tuple[str, str], Term] = {}
    for (taxonomy, key), term in taxonomies._by_key.items():
        members = [release for release in term.releases if release.edition == prefix]
        if members:
            name = rename(taxonomy, term.name) if rename else term.name
            by_key[(taxonomy, key)] = Term(taxonomy, name, term.slug, members, prefix)
    for (taxonomy, _), term in sorted(by_key.items(), key=lambda item: (name_key(item[1].name), item[1].slug)):
        terms[taxonomy][term.slug] = term
    return Taxonomies(terms, by_key)
