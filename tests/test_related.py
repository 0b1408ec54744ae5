"""Related releases (``newsroom.related``): found by bitmaps, and carried over from an earlier
build's lists where nothing they came from changed. Whatever changed between two builds (releases
that came, went, or were filed under other terms), the carried lists are the lists a search from
scratch finds, and both are the ranking that compares every pair."""

from __future__ import annotations

import json
import sys
from array import array
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.model import Release
from newsroom.related import MAX_CARRIED_CHANGES, RelatedLists, RelatedReleases
from newsroom.taxonomy import build_taxonomies

COUNTRIES = ("Kenya", "Russia", "North Korea", "Peru")
TOPICS = ("Torture", "Refugees", "Free Speech")
ORGANIZATIONS = ("UN", "ICNK")
START = datetime(2020, 1, 1, tzinfo=UTC)


def release(number: int, countries=(), topics=(), organizations=()) -> Release:
    return Release(
        source=f"press_releases/r{number}.md",
        name=f"r{number}.md",
        title=f"Release {number}",
        summary="A summary.",
        date=START + timedelta(days=number),
        slug=f"r{number}",
        countries=tuple(countries),
        topics=tuple(topics),
        organizations=tuple(organizations),
    )


def terms():
    return st.tuples(
        st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True),
        st.lists(st.sampled_from(TOPICS), max_size=3, unique=True),
        st.lists(st.sampled_from(ORGANIZATIONS), max_size=2, unique=True),
    )


def brute_force(published: list[Release], one: Release, limit: int) -> list[str]:
    """The oracle: every other release scored by the terms it shares, newest first on ties."""

    def shared(other: Release) -> tuple[int, int, int]:
        c, t, o = (len(set(one.terms(x)) & set(other.terms(x))) for x in ("countries", "topics", "organizations"))
        return c, t, o

    scored = [(shared(other), -place, other.name) for place, other in enumerate(published) if other is not one]
    return [name for score, _, name in sorted(scored, reverse=True) if score != (0, 0, 0)][:limit]


def found(published: list[Release], limit: int, previous: RelatedLists | None = None) -> RelatedReleases:
    return RelatedReleases(published, build_taxonomies(published), limit, previous)


@st.composite
def archives_and_changes(draw):
    """An archive (newest first), and the archive after some releases came, went or changed terms;
    the releases that stay keep their order (a release whose date changes moves: see below)."""
    before = [release(n, *draw(terms())) for n in range(draw(st.integers(0, 14)), 0, -1)]
    after = []
    for old in before:
        fate = draw(st.sampled_from(["stays", "stays", "stays", "goes", "changes"]))
        if fate == "stays":
            after.append(old)
        elif fate == "changes":
            after.append(release(int(old.slug[1:]), *draw(terms())))
    for number in range(100, 100 + draw(st.integers(0, 3))):
        new = release(number, *draw(terms()))
        after.insert(draw(st.integers(0, len(after))), new)  # a new release may be back-dated
    return before, after, draw(st.integers(1, 4))


@settings(max_examples=400, deadline=None)
@given(archives_and_changes())
def test_carried_lists_are_the_lists_found_from_scratch(change):
    before, after, limit = change
    previous = found(before, limit).lists()
    assert RelatedLists.from_bytes(previous.to_bytes()) == previous
    carried = found(after, limit, previous)
    fresh = found(after, limit)
    for one in after:
        expected = brute_force(after, one, limit)
        assert [r.name for r in fresh.of(one)] == expected
        assert [r.name for r in carried.of(one)] == expected, one.name
    assert carried.lists() == fresh.lists()


def test_an_unchanged_archive_carries_every_list_and_a_new_release_enters_those_it_ranks_in():
    before = [release(n, ["Kenya"] if n % 2 else ["Peru"], ["Torture"]) for n in range(40, 0, -1)]
    previous = found(before, 3).lists()
    assert found(before, 3, previous).carried == 40
    newest = release(41, ["Kenya"], ["Torture"])
    after = [newest, *before]
    carried = found(after, 3, previous)
    assert carried.carried == 40  # no list held a release that changed or went
    kenyan, peruvian = before[1], before[0]  # r39: Kenya and Torture; r40: Peru and Torture
    assert [r.name for r in carried.of(kenyan)] == ["r41.md", "r37.md", "r35.md"]
    assert [r.name for r in carried.of(peruvian)] == ["r38.md", "r36.md", "r34.md"]  # ranks below Peru
    assert carried.lists() == found(after, 3).lists()


def test_lists_are_found_anew_when_the_count_or_the_order_changes_or_much_changed():
    before = [release(n, ["Kenya"], ["Torture"]) for n in range(60, 0, -1)]
    previous = found(before, 3).lists()
    assert found(before, 4, previous).carried == 0
    assert found(list(reversed(before)), 3, previous).carried == 0  # dates changed: ties rank otherwise
    many = [release(n, ["Kenya"], ["Torture"]) for n in range(101 + MAX_CARRIED_CHANGES, 100, -1)] + before
    assert found(many, 3, previous).carried == 0
    few = many[1:]  # as many changes as are carried over
    assert found(few, 3, previous).carried == 60
    assert found(few, 3, previous).lists() == found(few, 3).lists()


def _kept(head: dict, *places: int) -> bytes:
    plain = {"limit": 1, "names": ["a"], "signatures": ["s"], "byteorder": sys.byteorder, **head}
    return json.dumps(plain).encode() + b"\n" + array("I", places).tobytes()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"[]\n",
        b"{}\n",
        _kept({}, 1),  # no release at place 1
        _kept({}, 0, 0),  # more places than the limit allows
        _kept({}),  # fewer
        _kept({}, 0)[:-1],  # a place cut short
        _kept({"names": ["a", "a"], "signatures": ["s", "s"]}, 1, 0),
        _kept({"signatures": []}, 0),
        _kept({"limit": True}, 0),
        _kept({"limit": -1}, 0),
        _kept({"names": [1]}, 0),
        _kept({"signatures": [None]}, 0),
        _kept({"byteorder": "middle"}, 0),
        b"\xff\n",
    ],
)
def test_kept_lists_that_are_not_as_written_are_refused(data):
    with pytest.raises(ValueError, match="not kept related releases"):
        RelatedLists.from_bytes(data)


def test_kept_lists_are_read_on_a_machine_of_the_other_byte_order():
    kept = found([release(2, ["Kenya"]), release(1, ["Kenya"])], 2).lists()
    head, _, places = kept.to_bytes().partition(b"\n")
    other = "big" if sys.byteorder == "little" else "little"
    swapped = array("I", places)
    swapped.byteswap()
    plain = {**json.loads(head), "byteorder": other}
    assert RelatedLists.from_bytes(json.dumps(plain).encode() + b"\n" + swapped.tobytes()) == kept


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["limit", "names", "signatures", "byteorder"]),
        st.recursive(
            st.none() | st.booleans() | st.integers(-2, 3) | st.sampled_from(["a", "b", "little", "big"]),
            lambda inner: st.lists(inner, max_size=4),
            max_leaves=12,
        ),
    ),
    st.binary(max_size=24),
)
def test_kept_lists_read_either_as_written_or_not_at_all(head, places):
    try:
        lists = RelatedLists.from_bytes(json.dumps(head).encode() + b"\n" + places)
    except ValueError:
        return
    assert RelatedLists.from_bytes(lists.to_bytes()) == lists
