"""Search finds releases by the names of their regions, countries, topics and organizations, not
only by their text, without showing those names in excerpts: Pagefind in a real Chromium."""

from __future__ import annotations

import pytest

from conftest import Project, release_text, site_tab
from helpers import header_search

#: Filed under Torture, with "torture" nowhere in its text.
FILED = ("2021-01-01-cells.md", "Guards Beat Detainees", "Former detainees describe beatings in the cells.")
#: Says "torture" in its text, filed under no such topic.
SAID = ("2021-01-02-said.md", "Inquiry Opens", "An inquiry into torture in prisons opened.")
#: Neither filed under Torture nor saying it.
NEITHER = ("2021-01-03-water.md", "Water Shortages", "Towns ran out of water.")
#: A short release: its excerpt shows all its words in order, and must stop before its terms.
SHORT = ("2021-01-04-short.md", "Short", "Brief.")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("search-terms") / "project")
    project.release(
        FILED[0],
        release_text(
            title=FILED[1],
            date="2021-01-01",
            summary=FILED[2],
            body="(Nairobi) – Former detainees said guards beat them for days.",
            regions=["Sahel Region"],
            countries=["Kenya"],
            topics=["Torture"],
            organizations=["Amnesty International"],
        ),
    )
    project.release(SAID[0], release_text(title=SAID[1], date="2021-01-02", summary=SAID[2], body="(Geneva) – Text."))
    project.release(
        NEITHER[0],
        release_text(
            title=NEITHER[1], date="2021-01-03", summary=NEITHER[2], body="(Lodwar) – Wells.", topics=["Water"]
        ),
    )
    project.release(
        SHORT[0],
        release_text(title=SHORT[1], date="2021-01-04", summary=SHORT[2], body="Police came.", topics=["Torture"]),
    )
    # Names only held releases carry exist nowhere: not in search either.
    project.release(
        "2021-01-05-held.md",
        release_text(date="2021-01-05", organizations=["Zeppelinwatch"], embargo="2030-01-01T00:00"),
    )
    project.release("2021-01-06-draft.md", release_text(date="2021-01-06", topics=["Quagmirewatch"], draft=True))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


@pytest.fixture
def page(browser, site):
    """A page of the site in Chromium that fails the test if anything is requested from another host."""
    with site_tab(browser, site) as tab:
        yield tab


def test_a_topic_finds_the_releases_filed_under_it(page):
    found = header_search(page, "torture")
    assert sorted(found) == sorted([FILED[1], SAID[1], SHORT[1]])
    assert NEITHER[1] not in found  # the negative control: not every release is found
    # Found by its topic only: the excerpt is its summary, without the names of its terms.
    assert found[FILED[1]] == FILED[2]


@pytest.mark.parametrize(("query", "kind"), [("kenya", "country"), ("sahel", "region"), ("amnesty", "organization")])
def test_a_country_region_or_organization_finds_its_releases(page, query, kind):
    found = header_search(page, query)
    assert list(found) == [FILED[1]], kind
    assert found[FILED[1]] == FILED[2]


def test_an_excerpt_stops_before_the_names_of_the_terms(page):
    found = header_search(page, "police")
    assert list(found) == [SHORT[1]]
    assert "Police" in found[SHORT[1]]
    assert "Torture" not in found[SHORT[1]]


@pytest.mark.parametrize("name", ["Zeppelinwatch", "Quagmirewatch"])
def test_names_only_held_releases_carry_find_nothing(page, name):
    assert header_search(page, name) == {}
    assert page.locator("#nr-search-status").inner_text() == "No results"


def test_the_search_page_finds_releases_by_their_terms(page):
    page.goto(page.base + "search/?q=torture")
    page.wait_for_selector(".nr-result")
    titles = page.locator(".nr-result__title a").all_inner_texts()
    assert sorted(titles) == sorted([FILED[1], SAID[1], SHORT[1]])
    excerpt = page.locator(".nr-result", has_text=FILED[1]).locator(".nr-result__excerpt").inner_text()
    assert excerpt == FILED[2]


def test_a_record_indexes_its_terms_after_its_text_and_not_in_its_meta():
    from pathlib import Path

    from lxml import html as lxml_html

    from newsroom.reader import parse_release
    from newsroom.search import document, release_record
    from newsroom.settings import Settings
    from newsroom.taxonomy import build_taxonomies

    text = release_text(
        title="T", date="2021-01-01", regions=["Africa"], countries=["Kenya"], topics=["Torture"], organizations="ICNK"
    )
    release, problems = parse_release(text.encode(), "2021-01-01-x.md", Settings(project_dir=Path("/nowhere")))
    assert problems == [] and release is not None
    record = release_record(release, "Body.", build_taxonomies([release]), "en", "January 1, 2021")
    assert record.terms == "Africa Kenya Torture ICNK"
    assert "Torture" not in record.content and "Torture" not in record.meta.values()
    paragraphs = lxml_html.fromstring(document(record)).xpath("//main[@data-pagefind-body]/p/text()")
    assert paragraphs[-1] == "Africa Kenya Torture ICNK"
    # Where the words shown in excerpts end: before the body's rest and the terms.
    assert int(record.meta["tail_from"]) == len(record.content.split())
