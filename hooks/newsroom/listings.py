"""The listings of the archive: home, news, years, taxonomy indexes, term pages, subscribe and search.

Each kind of listing page is its own dataclass, holding only what that kind shows
(``AnyListing`` is the closed set). Listings of releases other than the home page
are cut into pages of ``per_page`` releases: page 1 lives at the listing's base URL,
page N at ``<base>page/N/``; there are no empty pages and no page past the last.
Everything here is plain data for the templates. (A little over 300 lines: seven small
kinds and the functions that make them.)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

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


@dataclass(slots=True, kw_only=True)
class Listing:
    """What every page a listing template shows has: an address and a title.

    The kinds form a closed set (``AnyListing``), each a dataclass with only its own data:
    listings of releases (``ReleaseListing``: home, news, a year, a term), the index of a
    taxonomy, the subscribe page and the search page.
    """

    kind: ClassVar[str]
    """The kind's name, for templates: 'home', 'news', 'year', 'term', 'taxonomy', 'subscribe' or 'search'."""
    url: str
    title: str
    """Shown as given; an interface-string key ('newsroom.news') until the site fills it in."""
    prefix: str = ""
    """Its edition's (``editions``): '' for the default edition, else ``<language>/``."""

    @property
    def releases(self) -> Sequence[Release]:
        """The releases on this page, newest first: none but on a listing of releases."""
        return ()

    @property
    def pagination(self) -> Pagination | None:
        return None

    @property
    def number(self) -> int:
        """The page's number in its listing: 1 where the listing is not cut into pages."""
        pagination = self.pagination
        return pagination.number if pagination else 1

    def shown(self) -> tuple:
        """Everything the page shows, hashable (see ``fingerprint``)."""
        return (self.kind, self.url, self.title)


@dataclass(slots=True, kw_only=True)
class ReleaseListing(Listing):
    """One page of a listing of releases."""

    releases: Sequence[Release] = ()
    """The releases on this page, newest first."""
    total: int
    """Releases in the whole listing."""

    def shown(self) -> tuple:
        cards = tuple(
            (r.name, r.title, r.summary, r.dateline, r.date, r.image.src if r.image else None) for r in self.releases
        )
        return (*Listing.shown(self), self.total, self.pagination, cards)


@dataclass(slots=True, kw_only=True)
class HomeListing(ReleaseListing):
    """The home page: the newest releases, not cut into pages."""

    kind: ClassVar[str] = "home"


@dataclass(slots=True, kw_only=True)
class PagedListing(ReleaseListing):
    """A page of a listing cut into pages of ``per_page`` releases."""

    pagination: Pagination = field()  # field(): the base's property is no default


@dataclass(slots=True, kw_only=True)
class NewsListing(PagedListing):
    """Every release, with the years to browse by."""

    kind: ClassVar[str] = "news"
    years: tuple[YearCount, ...]

    def shown(self) -> tuple:
        return (*ReleaseListing.shown(self), self.years)


@dataclass(slots=True, kw_only=True)
class YearListing(PagedListing):
    """The releases of one year, with the other years."""

    kind: ClassVar[str] = "year"
    year: int
    years: tuple[YearCount, ...]

    def shown(self) -> tuple:
        return (*ReleaseListing.shown(self), self.year, self.years)


@dataclass(slots=True, kw_only=True)
class TermListing(PagedListing):
    """The releases filed under one term; the term has its own feeds and a search within it."""

    kind: ClassVar[str] = "term"
    term: Term

    @property
    def taxonomy(self) -> str:
        return self.term.taxonomy

    @property
    def feeds_base(self) -> str:
        """Where the term's feeds live."""
        return self.term.url

    @property
    def search_url(self) -> str:
        """Its edition's search page filtered to the term."""
        return self.prefix + search_url(self.term.taxonomy, self.term.slug)

    def shown(self) -> tuple:
        return (*ReleaseListing.shown(self), self.term.taxonomy, self.term.slug)


@dataclass(slots=True, kw_only=True)
class TaxonomyIndex(Listing):
    """Every term of a taxonomy with its count, by name; countries also grouped by region."""

    kind: ClassVar[str] = "taxonomy"
    taxonomy: str
    terms: tuple[TermCount, ...]
    groups: tuple[TermGroup, ...] = ()
    """Countries under each region they are filed with (the countries index only)."""

    def shown(self) -> tuple:
        return (*Listing.shown(self), self.taxonomy, self.terms, self.groups)


@dataclass(slots=True, kw_only=True)
class SubscribePage(Listing):
    """Every feed: the site's, then each term's, by taxonomy."""

    kind: ClassVar[str] = "subscribe"
    groups: tuple[TermGroup, ...]
    """One group per taxonomy that has terms (``name`` is the taxonomy)."""

    def shown(self) -> tuple:
        return (*Listing.shown(self), self.groups)


@dataclass(slots=True, kw_only=True)
class SearchPage(Listing):
    """The search interface, which gets each term's slug and name to keep filters in its URL."""

    kind: ClassVar[str] = "search"
    search_terms: dict[str, dict[str, str]]
    """For each facet, the slug used in URLs of every term, and its name (as the index holds it)."""
    search_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """For each facet, the name the edition shows for a term the index holds under another."""
    search_indexes: dict[str, list[str]] = field(default_factory=dict)
    """Each edition's search index, by language: the folders of its shards from the site root,
    newest first. On a site of several editions, the page searches its own edition's, and the
    others' when the reader asks."""

    def shown(self) -> tuple:
        terms = tuple((facet, tuple(names.items())) for facet, names in self.search_terms.items())
        labels = tuple((facet, tuple(names.items())) for facet, names in self.search_labels.items())
        indexes = tuple((language, tuple(folders)) for language, folders in self.search_indexes.items())
        return (*Listing.shown(self), terms, labels, indexes)


AnyListing = HomeListing | NewsListing | YearListing | TermListing | TaxonomyIndex | SubscribePage | SearchPage
"""Every kind of listing page: ``match`` on it to handle each."""


P = TypeVar("P", bound=PagedListing)


def paginate(make: Callable[..., P], base: str, releases: Sequence[Release], per_page: int, **fields: Any) -> list[P]:
    """Cut a listing into pages; a listing with no releases has one page, listing nothing."""
    count = max(1, -(-len(releases) // per_page))
    pages = []
    for number in range(1, count + 1):
        pagination = Pagination(number, count, base)
        chunk = releases[(number - 1) * per_page : number * per_page]
        pages.append(
            make(url=pagination.url(number), releases=chunk, total=len(releases), pagination=pagination, **fields)
        )
    return pages


def year_counts(published: Sequence[Release], prefix: str = "") -> tuple[YearCount, ...]:
    counts = Counter(release.date.year for release in published)
    return tuple(YearCount(year, counts[year], prefix + year_url(year)) for year in sorted(counts, reverse=True))


def home(published: Sequence[Release], count: int, title: str, prefix: str = "") -> HomeListing:
    return HomeListing(url=prefix, title=title, releases=published[:count], total=len(published), prefix=prefix)


def news(published: Sequence[Release], per_page: int, title: str, prefix: str = "") -> list[NewsListing]:
    counts = year_counts(published, prefix)
    return paginate(NewsListing, prefix + NEWS, published, per_page, title=title, years=counts, prefix=prefix)


def years(published: Sequence[Release], per_page: int, prefix: str = "") -> Iterator[YearListing]:
    by_year: dict[int, list[Release]] = defaultdict(list)
    for release in published:
        by_year[release.date.year].append(release)
    counts = year_counts(published, prefix)
    for year, releases in by_year.items():
        base = prefix + year_url(year)
        yield from paginate(
            YearListing, base, releases, per_page, title=str(year), year=year, years=counts, prefix=prefix
        )


def term_counts(terms: Sequence[Term]) -> tuple[TermCount, ...]:
    return tuple(TermCount(t.name, t.slug, len(t), t.url) for t in terms)


def taxonomy_index(taxonomies: Taxonomies, taxonomy: str, title: str, prefix: str = "") -> TaxonomyIndex:
    """Every term of a taxonomy with its count, by name; countries also under the regions they are filed with."""
    groups: tuple[TermGroup, ...] = ()
    if taxonomy == "countries":
        groups = _countries_by_region(taxonomies)
    terms = term_counts(taxonomies.by_name(taxonomy))
    return TaxonomyIndex(
        url=prefix + taxonomy_url(taxonomy), title=title, taxonomy=taxonomy, terms=terms, groups=groups, prefix=prefix
    )


def _countries_by_region(taxonomies: Taxonomies) -> tuple[TermGroup, ...]:
    regions_of: dict[str, set[str]] = defaultdict(set)
    for country in taxonomies.terms["countries"].values():
        for release in country.releases:
            for region in taxonomies.of(release, "regions"):
                regions_of[country.slug].add(region.slug)
    groups = []
    countries = taxonomies.by_name("countries")
    for region in taxonomies.by_name("regions"):
        members = [c for c in countries if region.slug in regions_of[c.slug]]
        if members:
            groups.append(TermGroup(region.name, region.url, term_counts(members)))
    loose = [c for c in countries if not regions_of[c.slug]]
    if loose:
        groups.append(TermGroup(None, None, term_counts(loose)))
    return tuple(groups)


def subscribe(taxonomies: Taxonomies, title: str, prefix: str = "") -> SubscribePage:
    """The page listing every feed: the site's, then each term's, by taxonomy."""
    groups = tuple(
        TermGroup(taxonomy, prefix + taxonomy_url(taxonomy), term_counts(taxonomies.by_name(taxonomy)))
        for taxonomy in TAXONOMIES
        if taxonomies.terms[taxonomy]
    )
    return SubscribePage(url=prefix + SUBSCRIBE, title=title, groups=groups, prefix=prefix)


def term_listings(taxonomies: Taxonomies, per_page: int, prefix: str = "") -> Iterator[TermListing]:
    """The pages of every term (whose addresses carry their edition's prefix: ``Term.prefix``)."""
    for term in taxonomies.all_terms():
        yield from paginate(TermListing, term.url, term.releases, per_page, title=term.name, term=term, prefix=prefix)


def search_page(
    taxonomies: Taxonomies,
    title: str,
    prefix: str = "",
    shown: Callable[[str, str], str] | None = None,
    indexes: dict[str, list[str]] | None = None,
) -> SearchPage:
    """The search page; the interface gets each term's slug and name to keep filters in its URL,
    the names the page shows where ``shown(taxonomy, name)`` differs (an edition's language), and
    the search ``indexes`` of the editions (``SearchPage.search_indexes``)."""
    terms = {FACET_OF[taxonomy]: {t.slug: t.name for t in taxonomies.by_name(taxonomy)} for taxonomy in TAXONOMIES}
    labels: dict[str, dict[str, str]] = {}
    if shown is not None:
        for taxonomy in TAXONOMIES:
            names = {t.name: shown(taxonomy, t.name) for t in taxonomies.by_name(taxonomy)}
            if changed := {name: label for name, label in names.items() if label != name}:
                labels[FACET_OF[taxonomy]] = changed
    return SearchPage(
        url=prefix + SEARCH,
        title=title,
        search_terms=terms,
        search_labels=labels,
        search_indexes=dict(indexes or {}),
        prefix=prefix,
    )


def fingerprint(listing: Listing) -> int:
    """Changes when anything the listing page shows changes (within one process)."""
    return hash(listing.shown())
