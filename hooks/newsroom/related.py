"""Related releases: the releases of an edition that share most countries, then topics, then
organizations with a release; newer first on ties.

``RelatedIndex`` finds one release's related ones from posting lists kept as bitmaps (one bit per
release, newest first): a few dozen bitwise operations instead of comparing it with every other
release. Each operation costs N/30 machine words, so the whole archive costs O(N^2/30) word
operations: about 50 us a release at 50,000 releases, 2.5 s in all.

``RelatedReleases`` answers for a whole edition, each release's list found once a build. Given
the lists of an earlier build (``RelatedLists``, kept between builds by the caller), it carries
them over: only a release whose terms changed, a release that came or went, and the releases
whose lists held one of those are looked for again. A release that came or changed enters the
kept lists that rank it high enough. The answer is the one a search from scratch gives (a
property test holds the two equal); anything the carrying cannot follow (another number of
related releases, releases whose order changed, many changes at once) makes it search anew.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import Release
from .taxonomy import Taxonomies

#: Related releases rank by shared terms in this order, then by date.
RELATED_BY = ("countries", "topics", "organizations")
#: More changes than this since the kept lists, and every list is looked for anew (which costs
#: about as much as carrying the lists over fifty changes).
MAX_CARRIED_CHANGES = 50

#: A release's terms that related releases rank by: the slugs of its countries, topics and
#: organizations, in its edition.
Profile = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def profile(release: Release, taxonomies: Taxonomies) -> Profile:
    countries, topics, organizations = (
        tuple(term.slug for term in taxonomies.of(release, taxonomy)) for taxonomy in RELATED_BY
    )
    return countries, topics, organizations


class RelatedIndex:
    """Finds the releases sharing most countries, then topics, then organizations; newer first on
    ties. Each term's releases are one bitmap (a Python int, bit i = i-th newest release); a
    release's related ones come from a few dozen AND/OR/NOT of the bitmaps of its own terms, never
    from comparing pairs."""

    def __init__(self, published: Sequence[Release], taxonomies: Taxonomies):
        self.releases = list(published)
        self.taxonomies = taxonomies
        self.position = {id(r): i for i, r in enumerate(self.releases)}
        self.universe = (1 << len(self.releases)) - 1
        self.postings: dict[tuple[str, str], int] = {}
        size = (len(self.releases) + 7) // 8
        for taxonomy in RELATED_BY:
            for term in taxonomies.terms[taxonomy].values():
                bits = bytearray(size)  # set bit by bit in place: an int would be copied each time
                for release in term.releases:
                    at = self.position[id(release)]
                    bits[at >> 3] |= 1 << (at & 7)
                self.postings[(taxonomy, term.slug)] = int.from_bytes(bits, "little")

    def _exactly(self, release: Release, taxonomy: str) -> list[int]:
        """Bitmaps of the releases sharing exactly k of the release's terms, for k = 0..n."""
        counts = [self.universe]
        for term in self.taxonomies.of(release, taxonomy):
            bits = self.postings[(taxonomy, term.slug)]
            nxt = [counts[0] & ~bits]
            nxt.extend((counts[k] & ~bits) | (counts[k - 1] & bits) for k in range(1, len(counts)))
            nxt.append(counts[-1] & bits)
            counts = nxt
        return counts

    def related(self, release: Release, limit: int) -> list[Release]:
        own = 1 << self.position[id(release)]
        by_country, by_topic, by_org = (self._exactly(release, t) for t in RELATED_BY)
        found: list[Release] = []
        for c in range(len(by_country) - 1, -1, -1):
            for t in range(len(by_topic) - 1, -1, -1):
                for o in range(len(by_org) - 1, -1, -1):
                    if c == t == o == 0:
                        return found
                    mask = by_country[c] & by_topic[t] & by_org[o] & ~own
                    while mask:
                        low = mask & -mask
                        found.append(self.releases[low.bit_length() - 1])
                        if len(found) == limit:
                            return found
                        mask ^= low
        return found


@dataclass(frozen=True, slots=True)
class RelatedLists:
    """What an edition's related releases were found from, and what was found: its releases by
    name, newest first, each one's terms (``Profile``) and its related releases (as places in
    ``names``), at most ``limit`` of them."""

    limit: int
    names: tuple[str, ...]
    profiles: tuple[Profile, ...]
    related: tuple[tuple[int, ...], ...]

    def to_bytes(self) -> bytes:
        slugs: dict[str, int] = {}
        profiles = [[[slugs.setdefault(slug, len(slugs)) for slug in part] for part in p] for p in self.profiles]
        plain = {
            "limit": self.limit,
            "names": self.names,
            "slugs": list(slugs),
            "profiles": profiles,
            "related": self.related,
        }
        return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> RelatedLists:
        """Raises ``ValueError`` for anything but what ``to_bytes`` writes."""
        try:
            plain = json.loads(data)
            limit, names, slugs = plain["limit"], plain["names"], plain["slugs"]
            count = len(names)
            if not (
                all(type(plain[part]) is list for part in ("names", "slugs", "profiles", "related"))
                and type(limit) is int
                and limit >= 0
                and all(type(n) is str for n in names)
                and len(set(names)) == count
                and all(type(s) is str for s in slugs)
                and len(plain["profiles"]) == count == len(plain["related"])
            ):
                raise ValueError("not kept related releases")
            profiles = tuple(_profile(p, slugs) for p in plain["profiles"])
            related = tuple(_places(r, count, limit) for r in plain["related"])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError) as error:
            raise ValueError(f"not kept related releases: {error}") from error
        return cls(limit, tuple(names), profiles, related)


def _profile(plain: list, slugs: list[str]) -> Profile:
    if (
        type(plain) is not list
        or len(plain) != len(RELATED_BY)
        or not all(type(part) is list and all(type(i) is int and i >= 0 for i in part) for part in plain)
    ):
        raise ValueError("not a release's terms")
    countries, topics, organizations = (tuple(slugs[i] for i in part) for part in plain)
    return countries, topics, organizations


def _places(plain: list, count: int, limit: int) -> tuple[int, ...]:
    if type(plain) is not list or len(plain) > limit or not all(type(i) is int and 0 <= i < count for i in plain):
        raise ValueError("not a list of related releases")
    return tuple(plain)


class RelatedReleases:
    """Each release's related ones in an edition, found once (``of``), or carried over from the
    lists of an earlier build (``previous``)."""

    def __init__(
        self,
        published: Sequence[Release],
        taxonomies: Taxonomies,
        limit: int,
        previous: RelatedLists | None = None,
    ):
        self.releases = list(published)
        self.taxonomies = taxonomies
        self.limit = limit
        self.by_name = {release.name: release for release in self.releases}
        self._profiles: dict[str, Profile] | None = None
        self._index: RelatedIndex | None = None
        self._found: dict[str, list[Release]] = {}
        self.carried = 0
        """Lists taken from ``previous`` (some with a release that came or changed let in)."""
        if previous is not None:
            self._carry(previous)

    @property
    def profiles(self) -> dict[str, Profile]:
        """Each release's terms, by name, newest first."""
        if self._profiles is None:
            self._profiles = {release.name: profile(release, self.taxonomies) for release in self.releases}
        return self._profiles

    def of(self, release: Release) -> list[Release]:
        found = self._found.get(release.name)
        if found is None:
            if self._index is None:
                self._index = RelatedIndex(self.releases, self.taxonomies)
            found = self._found[release.name] = self._index.related(release, self.limit)
        return found

    def lists(self) -> RelatedLists:
        """Every release's related ones, to be given to a later build."""
        place = {release.name: number for number, release in enumerate(self.releases)}
        return RelatedLists(
            self.limit,
            tuple(self.by_name),
            tuple(self.profiles.values()),
            tuple(tuple(place[r.name] for r in self.of(release)) for release in self.releases),
        )

    def _carry(self, previous: RelatedLists) -> None:
        if previous.limit != self.limit:
            return
        before = {name: number for number, name in enumerate(previous.names)}
        if [n for n in previous.names if n in self.by_name] != [n for n in self.by_name if n in before]:
            return  # releases that stay changed places: their ties rank otherwise
        came = [
            name
            for name in self.by_name
            if name not in before or previous.profiles[before[name]] != self.profiles[name]
        ]
        gone = {name for name in previous.names if name not in self.by_name}
        if len(came) + len(gone) > MAX_CARRIED_CHANGES:
            return
        stale = gone | set(came)  # names whose place in a kept list is no longer known
        carried: dict[str, list[str]] = {}
        for number, name in enumerate(previous.names):
            if name in self.by_name and name not in stale:
                kept = [previous.names[i] for i in previous.related[number]]
                if not stale.intersection(kept):
                    carried[name] = kept
        place = {name: number for number, name in enumerate(self.by_name)}
        as_sets = {name: tuple(map(frozenset, self.profiles[name])) for name in came}

        def rank(of: str, other: str) -> tuple[int, int, int, int]:
            """How high ``other`` ranks among ``of``'s related releases (higher first)."""
            theirs = as_sets.get(other) or tuple(map(frozenset, self.profiles[other]))
            c, t, o = (sum(slug in b for slug in a) for a, b in zip(self.profiles[of], theirs, strict=True))
            return c, t, o, -place[other]

        for name in came:
            release = self.by_name[name]
            sharing = {
                other.name
                for taxonomy in RELATED_BY
                for term in self.taxonomies.of(release, taxonomy)
                for other in term.releases
            }
            for other in sharing:
                if other != name and other in carried:
                    _let_in(carried[other], name, functools.partial(rank, other), self.limit)
        for name, kept in carried.items():
            self._found[name] = [self.by_name[n] for n in kept]
        self.carried = len(carried)


def _let_in(kept: list[str], name: str, rank: Callable[[str], tuple[int, ...]], limit: int) -> None:
    """Put ``name`` in the list ``kept`` (highest ``rank`` first, at most ``limit``) if it ranks high enough."""
    if len(kept) < limit or (kept and rank(name) > rank(kept[-1])):
        kept.append(name)
        kept.sort(key=rank, reverse=True)
        del kept[limit:]
