"""The listings of the archive: home, news, years, taxonomy indexes and term pages, paginated.

Each listing is cut into pages of ``per_page`` releases: page 1 lives at the
listing's base URL, page N at ``<base>page/N/``; there are no empty pages and
no page past the last. Everything here is plain data for the templates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import TAXONOMIES, Release
from .taxonomy import Taxonomies, Term
from .urls import FACET_OF, NEWS, SEARCH, SUBSCRIBE, page_url, search_url, taxonomy_url, year_url


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    base: str

    def url(self, number: int) -> str:
        return page_url(self.base, number)

    @property
    def first_url(self) -> str:
        return self.url(1)

    @property
    def last_url(self) -> str:
        return self.url(self.count)

    @property
    def previous_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


@dataclass(frozen=True, slots=True)
class YearCount:
    year: int
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class TermCount:
    name: str
    slug: str
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class TermGroup:
    """Countries under one region (or under no region: ``name`` is None)."""

    name: str | None
    url: str | None
    terms: tuple[TermCount, ...]


@dataclass(slots=True)
class Listing:
    """One page of a listing."""

    kind: str
    """'home', 'news', 'year', 'term' or 'taxonomy'."""
    url: str
    title: str
    releases: Sequence[Release] = ()
    """The releases on this page, newest first."""
    total: int = 0
    """Releases in the whole listing."""
    pagination: Pagination | None = None
    taxonomy: str | None = None
    term: Term | None = None
    year: int | None = None
    years: tuple[YearCount, ...] = ()
    terms: tuple[TermCount, ...] = ()
    groups: tuple[TermGroup, ...] = ()
    feeds_base: str | None = None
    """Where this listing's feeds live, if it has its own (term pages)."""
    search_url: str | None = None
    """The search page filtered to this listing's term."""
    search_terms: dict[str, dict[str, str]] | None = None
    """On the search page: for each facet, the slug used in URLs of every term, and its name."""

    @property
    def number(self) -> int:
        return self.pagination.number if self.pagination else 1


def paginate(kind: str, base: str, title: str, releases: Sequence[Release], per_page: int, **fields) -> list[Listing]:
    """Cut a listing into pages; a listing with no releases has one page, listing nothing."""
    count = max(1, -(-len(releases) // per_page))
    pages = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, base)
        chunk = releases[(number - 1) * per_page : number * per_page]
        pages.append(Listing(kind, pagination.url(number), title, chunk, len(releases), pagination, **fields))
    return pages


def year_counts(published: Sequence[Release]) -> tuple[YearCount, ...]:
    counts = Counter(release.date.year for release in published)
    return tuple(YearCount(year, counts[year], year_url(year)) for year in sorted(counts, reverse=True))


def home(published: Sequence[Release], count: int, title: str) -> Listing:
    return Listing("home", "", title, published[:count], len(published))


def news(published: Sequence[Release], per_page: int, title: str) -> list[Listing]:
    return paginate("news", NEWS, title, published, per_page, years=year_counts(published), feeds_base="")


def years(published: Sequence[Release], per_page: int) -> Iterator[Listing]:
    by_year: dict[int, list[Release]] = defaultdict(list)
    for release in published:
        by_year[release.date.year].append(release)
    counts = year_counts(published)
    for year, releases in by_year.items():
        yield from paginate("year", year_url(year), str(year), releases, per_page, year=year, years=counts)


def term_counts(terms: Sequence[Term]) -> tuple[TermCount, ...]:
    return tuple(TermCount(t.name, t.slug, len(t), t.url) for t in terms)


def taxonomy_index(taxonomies: Taxonomies, taxonomy: str, title: str) -> Listing:
    """Every term of a taxonomy with its count, by name; countries also under the regions they are filed with."""
    terms = taxonomies.by_name(taxonomy)
    groups: tuple[TermGroup, ...] = ()
    if taxonomy == "countries":
        groups = _countries_by_region(taxonomies)
    return Listing(
        "taxonomy",
        taxonomy_url(taxonomy),
        title,
        (),
        sum(len(t) for t in terms),
        taxonomy=taxonomy,
        terms=term_counts(terms),
        groups=groups,
    )


def _countries_by_region(taxonomies: Taxonomies) -> tuple[TermGroup, ...]:
    regions_of: dict[str, set[str]] = defaultdict(set)
    for country in taxonomies.terms["countries"].values():
        for release in country.releases:
            for region in taxonomies.of(release, "regions"):
                regions_of[country.slug].add(region.slug)
    groups = []
    for region in taxonomies.by_name("regions"):
        members = [c for c in taxonomies.by_name("countries") if region.slug in regions_of[c.slug]]
        if members:
            groups.append(TermGroup(region.name, region.url, term_counts(members)))
    loose = [c for c in taxonomies.by_name("countries") if not regions_of[c.slug]]
    if loose:
        groups.append(TermGroup(None, None, term_counts(loose)))
    return tuple(groups)


def subscribe(taxonomies: Taxonomies, title: str) -> Listing:
    """The page listing every feed: the site's, then each term's, by taxonomy."""
    groups = tuple(
        TermGroup(taxonomy, taxonomy_url(taxonomy), term_counts(taxonomies.by_name(taxonomy)))
        for taxonomy in TAXONOMIES
        if taxonomies.terms[taxonomy]
    )
    return Listing("subscribe", SUBSCRIBE, title, groups=groups, feeds_base="")


def term_listings(taxonomies: Taxonomies, per_page: int) -> Iterator[Listing]:
    for term in taxonomies.all_terms():
        yield from paginate(
            "term",
            term.url,
            term.name,
            term.releases,
            per_page,
            taxonomy=term.taxonomy,
            term=term,
            feeds_base=term.url,
            search_url=search_url(term.taxonomy, term.slug),
        )


def search_page(taxonomies: Taxonomies, title: str) -> Listing:
    """The search page; the interface gets each term's slug and name to keep filters in its URL."""
    terms = {FACET_OF[taxonomy]: {t.slug: t.name for t in taxonomies.by_name(taxonomy)} for taxonomy in TAXONOMIES}
    return Listing("search", SEARCH, title, search_terms=terms)


def fingerprint(listing: Listing) -> int:
    """Changes when anything the listing page shows changes (within one process)."""
    shown = tuple(
        (r.name, r.title, r.summary, r.dateline, r.date, r.image.src if r.image else None) for r in listing.releases
    )
    return hash(
        (
            listing.kind,
            listing.url,
            listing.title,
            listing.total,
            listing.pagination,
            shown,
            listing.years,
            listing.terms,
            listing.groups,
        )
    )
