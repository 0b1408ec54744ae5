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
import sys
from array import array
from collections.abc import Sequence
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


#: In ``RelatedLists.related``: no release (a list shorter than ``limit``).
NONE = 0xFFFFFFFF


def signature(release: Release) -> str:
    """What a release's related ones are found from, as its file names them: two releases with
    the same signature share the same terms (a new spelling of a name counts as a change)."""
    return repr((release.countries, release.topics, release.organizations))  # RELATED_BY's, as they are named


@dataclass(frozen=True, slots=True)
class RelatedLists:
    """What an edition's related releases were found from, and what was found: its releases by
    name, newest first, each one's terms (``signature``), and its related releases as places in
    ``names``, ``limit`` places a release (``NONE`` after the last)."""

    limit: int
    names: tuple[str, ...]
    signatures: tuple[str, ...]
    related: array[int]

    def to_bytes(self) -> bytes:
        head = {
            "limit": self.limit,
            "names": self.names,
            "signatures": self.signatures,
            "byteorder": sys.byteorder,
        }
        return json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" + self.related.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> RelatedLists:
        """Raises ``ValueError`` for anything but what ``to_bytes`` writes."""
        try:
            text, _, places = data.partition(b"\n")
            head = json.loads(text)
            limit, names, signatures = head["limit"], head["names"], head["signatures"]
            if not (
                type(limit) is int
                and limit >= 0
                and type(names) is list
                and type(signatures) is list
                and len(names) == len(signatures) == len(set(names))
                and all(type(n) is str for n in names)
                and all(type(s) is str for s in signatures)
                and head["byteorder"] in ("little", "big")
            ):
                raise ValueError("not kept related releases")
            related = array("I")
            related.frombytes(places)
            if head["byteorder"] != sys.byteorder:
                related.byteswap()
            count = len(names)
            if len(related) != count * limit or any(place >= count and place != NONE for place in related):
                raise ValueError("not kept related releases: places that are not releases")
        except (ValueError, KeyError, TypeError, RecursionError) as error:
            raise ValueError(f"not kept related releases: {error}") from error
        return cls(limit, tuple(names), tuple(signatures), related)


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
        self.place = {release.name: number for number, release in enumerate(self.releases)}
        self._index: RelatedIndex | None = None
        self._found: dict[str, list[Release]] = {}
        self._signatures: tuple[str, ...] | None = None
        self._profiles: dict[str, Profile] = {}
        # Carried over: the earlier lists, the place of each release in them, the release now
        # at each of their places, and the names whose lists are found anew.
        self._previous: RelatedLists | None = None
        self._before: dict[str, int] = {}
        self._then: list[Release | None] = []
        self._stale: set[str] = set()
        self._unchanged = False
        self.carried = 0
        """Lists taken from ``previous`` (some with a release that came or changed let in)."""
        if previous is not None:
            self._carry(previous)

    @property
    def signatures(self) -> tuple[str, ...]:
        if self._signatures is None:
            self._signatures = tuple(map(signature, self.releases))
        return self._signatures

    def of(self, release: Release) -> list[Release]:
        name = release.name
        found = self._found.get(name)
        if found is not None:
            return found
        previous = self._previous
        if previous is not None and name not in self._stale:
            start = self._before[name] * self.limit
            then = self._then
            found = [then[at] for at in previous.related[start : start + self.limit] if at != NONE]  # type: ignore[misc]
        else:
            if self._index is None:
                self._index = RelatedIndex(self.releases, self.taxonomies)
            found = self._index.related(release, self.limit)
        self._found[name] = found
        return found

    def lists(self) -> RelatedLists:
        """Every release's related ones, to be given to a later build."""
        if self._previous is not None and self._unchanged:
            return self._previous
        places = array("I", [NONE]) * (len(self.releases) * self.limit)
        for number, release in enumerate(self.releases):
            for offset, other in enumerate(self.of(release)):
                places[number * self.limit + offset] = self.place[other.name]
        return RelatedLists(self.limit, tuple(self.place), self.signatures, places)

    def _carry(self, previous: RelatedLists) -> None:
        if previous.limit != self.limit:
            return
        before = {name: number for number, name in enumerate(previous.names)}
        if [n for n in previous.names if n in self.place] != [n for n in self.place if n in before]:
            return  # releases that stay changed places: their ties rank otherwise
        came = [
            release
            for release, mark in zip(self.releases, self.signatures, strict=True)
            if (then := before.get(release.name)) is None or previous.signatures[then] != mark
        ]
        gone = [number for number, name in enumerate(previous.names) if name not in self.place]
        if len(came) + len(gone) > MAX_CARRIED_CHANGES:
            return
        stale = {release.name for release in came}
        unknown = set(gone).union(before[r.name] for r in came if r.name in before)  # places no longer right
        if unknown:
            for at, place in enumerate(previous.related):
                if place in unknown:
                    stale.add(previous.names[at // self.limit])
        self._previous, self._before, self._stale = previous, before, stale
        self._then = [self.releases[self.place[name]] if name in self.place else None for name in previous.names]
        self._unchanged = not (came or gone)
        self.carried = len(self.releases) - len(stale)
        for release in came:
            self._let_in(release)

    def _profile(self, release: Release) -> Profile:
        found = self._profiles.get(release.name)
        if found is None:
            found = self._profiles[release.name] = profile(release, self.taxonomies)
        return found

    def _rank(self, of: Release, other: Release) -> tuple[int, int, int, int]:
        """How high ``other`` ranks among the related releases of ``of`` (higher first)."""
        c, t, o = (
            sum(slug in theirs for slug in mine)
            for mine, theirs in zip(self._profile(of), self._profile(other), strict=True)
        )
        return c, t, o, -self.place[other.name]

    def _let_in(self, came: Release) -> None:
        """Put a release that came or changed in the carried lists it ranks in."""
        sharing = {
            other.name: other
            for taxonomy in RELATED_BY
            for term in self.taxonomies.of(came, taxonomy)
            for other in term.releases
        }
        for name, other in sharing.items():
            if name == came.name or name in self._stale:
                continue
            kept = self.of(other)
            rank = functools.partial(self._rank, other)
            if len(kept) < self.limit or (kept and rank(came) > rank(kept[-1])):
                self._found[name] = sorted([*kept, came], key=rank, reverse=True)[: self.limit]
