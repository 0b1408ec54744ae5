"""Browsing the archive without search: home, news, years, taxonomies, terms, pagination, related releases.

The fixture archive (tests/fixtures/archive, 60 releases over 2018-2021) is built
with 5 releases a page. Expectations are computed from the fixture files with
plain YAML, independently of the newsroom's own reader.
"""

from __future__ import annotations

import json
import posixpath

import pytest

from conftest import Project, http_site
from helpers import ARCHIVE, RELEASES, broken_links

PER_PAGE = 5


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("browse") / "project")
    project.copy_releases(ARCHIVE)
    project.newsroom(per_page=PER_PAGE)
    project.doc("countries/north-korea.md", "Editors' introduction to **North Korea**.\n")
    project.doc("countries/atlantis.md", "An introduction to a country no release is about.\n")
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def titles(build, url: str) -> list[str]:
    return [a.text for a in build.html(url).xpath("//li[@class='nr-card']//h2/a")]


def hrefs_to_urls(build, url: str, xpath: str) -> list[str]:
    """Site-root paths of the links found by ``xpath`` on the page at ``url``."""
    return [posixpath.normpath(posixpath.join(url, href)) + "/" for href in build.html(url).xpath(xpath)]


def test_home_shows_the_introduction_then_the_ten_newest_releases(site):
    home = site.html("")
    assert home.findtext(".//article//h1") == "Newsroom"
    assert titles(site, "") == [r["title"] for r in RELEASES[:10]]
    card = home.xpath("//li[@class='nr-card']")[0]
    newest = RELEASES[0]
    assert card.xpath("string(.//span[@class='nr-dateline'])") == newest["dateline"]
    assert card.xpath(".//time/@datetime")[0] == newest["when"].isoformat()
    assert card.xpath("string(.//p[@class='nr-card__summary'])") == newest["summary"]
    with_photo = [c for c in home.xpath("//li[@class='nr-card']") if c.xpath(".//img")]
    assert len(with_photo) == sum(1 for r in RELEASES[:10] if "image" in r)
    for card in with_photo:  # small copies, not the full photos
        image = card.xpath(".//img")[0]
        assert image.get("src").startswith("media/thumbnails/field-")
        assert (image.get("width"), image.get("height")) == ("160", "90")
        assert site.exists(image.get("src"))
    assert home.xpath("//a[text()='All news, newest first']/@href") == ["news/"]


def test_news_lists_every_release_newest_first_in_pages(site):
    pages = -(-len(RELEASES) // PER_PAGE)
    seen = []
    for n in range(1, pages + 1):
        url = "news/" if n == 1 else f"news/page/{n}/"
        seen += titles(site, url)
        assert f"Page {n} of {pages}" in site.html(url).text_content()
    assert seen == [r["title"] for r in RELEASES]
    assert not site.exists(f"news/page/{pages + 1}/"), "no page past the end"
    assert not site.exists("news/page/1/"), "page 1 is the base URL"


def test_news_has_a_year_list_with_counts(site):
    years = site.html("news/").xpath("//nav[@class='nr-years']//li")
    assert [li.text_content().split() for li in years] == [
        ["2021", "15"],
        ["2020", "15"],
        ["2019", "15"],
        ["2018", "15"],
    ]


def test_pagination_links(site):
    page = site.html("news/page/2/")
    assert page.xpath("//head/link[@rel='prev']/@href") == ["../../"]
    assert page.xpath("//head/link[@rel='next']/@href") == ["../3/"]
    nav = page.xpath("//nav[@class='nr-pagination']")[0]
    assert nav.xpath(".//a[@rel='prev']/@href") == ["../../"]
    assert nav.xpath(".//a[@rel='next']/@href") == ["../3/"]
    assert nav.xpath(".//a[text()='First page']/@href") == ["../../"]
    assert nav.xpath(".//a[text()='Last page']/@href") == ["../12/"]
    first = site.html("news/")
    assert first.xpath("//head/link[@rel='prev']") == []
    assert first.xpath("//nav[@class='nr-pagination']//a[@rel='next']/@href") == ["page/2/"]
    last = site.html("news/page/12/")
    assert last.xpath("//nav[@class='nr-pagination']//a[@rel='next']") == []
    assert last.xpath("//head/link[@rel='next']") == []


def test_year_pages(site):
    for year in (2018, 2019, 2020, 2021):
        expected = [r["title"] for r in RELEASES if r["when"].year == year]
        got = (
            titles(site, f"news/{year}/") + titles(site, f"news/{year}/page/2/") + titles(site, f"news/{year}/page/3/")
        )
        assert got == expected
        assert not site.exists(f"news/{year}/page/4/")
        assert site.html(f"news/{year}/").findtext(".//article//h1") == f"News from {year}"


def test_pagination_boundaries_exactly_one_page_and_one_more(site):
    assert len(titles(site, "countries/kenya/")) == 5
    assert not site.exists("countries/kenya/page/2/"), "exactly one page full: no second page"
    assert "Page 1 of" not in site.html("countries/kenya/").text_content()
    assert len(titles(site, "countries/nigeria/")) == 5
    assert (
        titles(site, "countries/nigeria/page/2/") == [r["title"] for r in RELEASES if "Nigeria" in r["countries"]][5:]
    )
    assert len(titles(site, "countries/nigeria/page/2/")) == 1
    assert not site.exists("countries/nigeria/page/3/")


def test_taxonomy_indexes_list_every_term_with_counts_by_name(site):
    for taxonomy, field in (
        ("regions", "regions"),
        ("countries", "countries"),
        ("topics", "topics"),
        ("organizations", "organizations"),
    ):
        counts: dict[str, int] = {}
        for release in RELEASES:
            for name in release.get(field, []):
                counts[name] = counts.get(name, 0) + 1
        page = site.html(f"{taxonomy}/")
        lists = page.xpath("//ul[@class='nr-terms-list']")
        rows = [li.text_content().rsplit(" ", 1) for li in lists[-1].xpath("./li")]
        assert rows == [[name, str(counts[name])] for name in sorted(counts, key=str.casefold)], taxonomy


def test_countries_are_grouped_under_their_regions(site):
    page = site.html("countries/")
    groups = {h3.text_content(): [a.text for a in h3.getnext().xpath(".//a")] for h3 in page.xpath("//article//h3")}
    assert groups == {
        "Africa": ["Kenya", "Nigeria"],
        "Asia": ["Myanmar", "North Korea", "South Korea"],
        "Europe": ["Russia", "Ukraine"],
    }


def test_term_page_lists_its_releases_and_the_editors_introduction(site):
    expected = [r["title"] for r in RELEASES if "North Korea" in r["countries"]]
    got = []
    n = 1
    while site.exists(f"countries/north-korea/{'' if n == 1 else f'page/{n}/'}"):
        got += titles(site, f"countries/north-korea/{'' if n == 1 else f'page/{n}/'}")
        n += 1
    assert got == expected
    first = site.html("countries/north-korea/")
    assert first.findtext(".//article//h1") == "North Korea"
    assert first.xpath("string(//div[@class='nr-intro'])").strip() == "Editors' introduction to North Korea."
    assert site.html("countries/north-korea/page/2/").xpath("//div[@class='nr-intro']") == []


def test_spelling_variants_are_one_term_and_the_build_warns(site):
    assert "countries: one term spelled 2 ways, shown as 'North Korea'" in site.log
    # The warning names each spelling (spaces collapsed, as in the term) with the files that use it.
    assert "'north korea' in press_releases/2020-11-12-release-44.md" in site.log
    assert not site.exists("countries/north-korea-2/")


def test_an_introduction_to_a_term_without_releases_is_not_built(site):
    assert not site.exists("countries/atlantis/")
    assert "docs/countries/atlantis.md introduces a term no published release uses" in site.log


def test_previous_and_next_release_in_time(site):
    middle = RELEASES[30]
    page = site.html(middle["url"])
    assert hrefs_to_urls(site, middle["url"], "//head/link[@rel='prev']/@href") == [RELEASES[31]["url"]]
    assert hrefs_to_urls(site, middle["url"], "//head/link[@rel='next']/@href") == [RELEASES[29]["url"]]
    footer = page.xpath("//nav[contains(@class, 'md-footer__inner')]")[0]
    assert (
        footer.xpath(".//a[contains(@class, 'md-footer__link--prev')]//div[@class='md-ellipsis']")[0].text.strip()
        == RELEASES[31]["title"]
    )
    assert (
        footer.xpath(".//a[contains(@class, 'md-footer__link--next')]//div[@class='md-ellipsis']")[0].text.strip()
        == RELEASES[29]["title"]
    )
    assert site.html(RELEASES[0]["url"]).xpath("//a[contains(@class, 'md-footer__link--next')]") == []
    assert site.html(RELEASES[-1]["url"]).xpath("//a[contains(@class, 'md-footer__link--prev')]") == []


def brute_force_related(release: dict, limit: int = 5) -> list[str]:
    """The oracle: compare the release with every other one."""

    def shared(other, field):
        return len({n.casefold() for n in release.get(field, [])} & {n.casefold() for n in other.get(field, [])})

    scored = []
    for other in RELEASES:
        if other is release:
            continue
        score = (shared(other, "countries"), shared(other, "topics"), shared(other, "organizations"))
        if score != (0, 0, 0):
            scored.append((score, other["when"], other["name"], other["title"]))
    scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
    return [s[3] for s in scored[:limit]]


@pytest.mark.parametrize("index", [0, 7, 23, 44, 59])
def test_related_releases_match_the_brute_force_ranking(site, index):
    release = RELEASES[index]
    got = [a.text for a in site.html(release["url"]).xpath("//section[@class='nr-related']//a")]
    assert got == brute_force_related(release)


def test_nav_is_the_same_small_set_on_every_page(site):
    expected = ["News", "Regions", "Countries", "Topics", "Organizations", "About"]
    for url in ("", "news/page/3/", RELEASES[5]["url"], "countries/kenya/", "about/"):
        tabs = [a.text_content().strip() for a in site.html(url).xpath("//nav[@class='md-tabs']//a")]
        assert tabs == expected, url
        drawer = site.html(url).xpath(
            "//nav[contains(@class, 'md-nav--primary')]//a[@class and contains(@class, 'md-nav__link')]"
        )
        assert len(drawer) <= len(expected) + 1, url


def test_every_internal_link_resolves(site):
    assert broken_links(site) == []


def test_pages_ask_for_materials_stylesheets_and_scripts_by_the_names_the_build_ships(site):
    for url in ("", "news/", "countries/north-korea/", RELEASES[0]["url"], "search/", "404.html"):
        page = site.html(url)
        config = json.loads(page.xpath("string(//script[@id='__config'])"))
        assets = [*page.xpath("//link[@rel='stylesheet']/@href"), *page.xpath("//script/@src")]
        here = posixpath.dirname(url) if url.endswith(".html") else url
        targets = [posixpath.normpath(posixpath.join(here, a)).lstrip("/") for a in assets]
        names = {posixpath.basename(t).split(".")[0] for t in targets if t.startswith("assets/")}
        assert {"main", "palette", "bundle"} <= names, f"{url}: Material's bundles are not all there"
        # Material's own search is not shipped, and named nowhere: no page has the form that starts it.
        assert "search" not in config and not page.xpath("//form[@name='search']")
        missing = [t for t in targets if not (site.site / t).is_file()]
        assert missing == [], f"{url or '/'} asks for files the build did not write"


def test_materials_stylesheet_and_script_take_effect(site, browser):
    page = browser.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(http_site(site) + "news/")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert page.evaluate("typeof window.document$") == "object", "Material's bundle ran"
    assert failed == []
    page.close()


def test_listing_pages_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(http_site(site) + "countries/nigeria/")
    page.get_by_role("link", name="Next page").click()
    assert page.url.endswith("countries/nigeria/page/2/")
    assert page.locator("li.nr-card h2 a").count() == 1
    context.close()


def test_a_reader_browses_from_home_to_a_related_release(site, browser):
    page = browser.new_page()
    page.goto(http_site(site))
    page.get_by_role("link", name="Countries", exact=True).first.click()
    page.get_by_role("link", name="North Korea", exact=True).last.click()
    assert page.url.endswith("/countries/north-korea/")
    page.get_by_role("link", name="Next page").click()
    assert page.url.endswith("/countries/north-korea/page/2/")
    first = page.locator("li.nr-card h2 a").first
    title = first.inner_text()
    first.click()
    assert page.locator("article h1").inner_text() == title
    related = page.locator("section.nr-related a").first
    related_title = related.inner_text()
    related.click()
    assert page.locator("article h1").inner_text() == related_title
    page.close()
