"""Editions (``extra.newsroom.languages``): each language's releases under its own prefix, with its
own home, news, years, taxonomy indexes and term pages at the same slugs, feeds, search, text-only
pages and interface language, and a switcher between them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import release_text

SITE = "https://newsroom.example.org/"
TERMS: dict[str, Any] = {"countries": ["North Korea"], "topics": ["Torture"]}


def _site(project, languages=("en", "ko")):
    project.newsroom(languages=list(languages))
    project.release(
        "2021-01-01-x.md",
        release_text(title="X", date="2021-01-01", translations={"ko": "2021-01-01-x-ko.md"}, **TERMS),
    )
    project.release(
        "2021-01-01-x-ko.md", release_text(title="엑스", date="2021-01-01", slug="x", language="ko", **TERMS)
    )
    project.release("2021-01-02-y.md", release_text(title="Y only in English", date="2021-01-02", **TERMS))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def _listed(page) -> list[str]:
    return [a.text_content().strip() for a in page.xpath("//main//article//h2//a | //main//article//h3//a")]


def test_each_release_is_published_in_its_language_edition_only(project):
    build = _site(project)
    assert build.exists("news/2021/01/01/x/") and build.exists("ko/news/2021/01/01/x/")
    assert not build.exists("news/2021/01/01/x-ko/"), "a slug may repeat across editions: each has its folder"
    for url in ("", "news/", "news/2021/", "countries/north-korea/", "topics/torture/"):
        text = build.text(url)
        assert "X" in text and "Y only in English" in text and "엑스" not in text, url
    for url in ("ko/", "ko/news/", "ko/news/2021/", "ko/countries/north-korea/", "ko/topics/torture/"):
        text = build.text("ko/" if url == "ko/" else url)
        assert "엑스" in text and "Y only in English" not in text, url
    assert build.exists("ko/countries/") and build.exists("ko/subscribe/") and build.exists("ko/search/")
    links = build.html("news/2021/01/01/x/").xpath("//p[@class='nr-translations']/a/@href")
    assert links == ["../../../../../ko/news/2021/01/01/x/"]


def test_a_site_of_one_language_has_no_prefix(project):
    project.release("2021-01-01-x-ko.md", release_text(title="엑스", date="2021-01-01", language="ko"))
    build = project.build()
    assert build.returncode == 0, build.log
    assert build.exists("news/2021/01/01/x-ko/") and not build.exists("ko/")


def test_each_edition_has_its_own_feeds_in_its_language(project):
    import feedparser

    build = _site(project)
    for prefix, language, titles in (("", "en", {"X", "Y only in English"}), ("ko/", "ko", {"엑스"})):
        for base in (prefix, prefix + "countries/north-korea/"):
            for name in ("feed.xml", "atom.xml"):
                parsed = feedparser.parse(build.text(base + name))
                assert not parsed.bozo, (base + name, parsed.bozo_exception)
                assert {entry.title for entry in parsed.entries} == titles, base + name
                assert parsed.feed.get("language", "").startswith(language), base + name
            data = json.loads(build.text(base + "feed.json"))  # feedparser 6 reads no JSON Feed
            assert {item["title"] for item in data["items"]} == titles and data["language"] == language


def test_each_edition_speaks_its_language(project):
    build = _site(project, ("en", "ko", "ar"))
    for url, language, direction in (
        ("ko/", "ko", "ltr"),
        ("ko/news/", "ko", "ltr"),
        ("ko/news/2021/01/01/x/", "ko", "ltr"),
        ("ko/countries/north-korea/", "ko", "ltr"),
        ("news/2021/01/01/x/", "en", "ltr"),
        ("ar/", "ar", "rtl"),
    ):
        page = build.html(url)
        assert (page.xpath("string(/html/@lang)"), page.xpath("string(/html/@dir)")) == (language, direction), url
    korean = build.html("ko/news/2021/01/01/x/")
    assert "2021년 1월 1일" in korean.xpath("string(//time)")
    assert korean.xpath("string(//h1)") == "엑스"
    assert build.html("ko/news/").xpath("string(//title)").startswith("보도자료")
    assert "Switch to dark mode" not in build.text("ko/") and "어두운 모드로 전환" in build.text("ko/")
    assert "Switch to dark mode" in build.text("")


def _switcher(page) -> dict[str, str]:
    return {a.get("lang"): a.get("href") for a in page.xpath("//nav[@class='nr-editions']//a")}


def test_the_language_switcher_leads_to_the_same_page_in_each_edition(project, browser):
    from conftest import site_tab

    build = _site(project, ("en", "ko", "ar"))
    assert _switcher(build.html("news/2021/01/01/x/")) == {
        "en": "./",
        "ko": "../../../../../ko/news/2021/01/01/x/",
        "ar": "../../../../../ar/",  # not translated: that edition's home
    }
    assert _switcher(build.html("ko/countries/north-korea/")) == {
        "en": "../../../countries/north-korea/",
        "ko": "./",
        "ar": "../../../ar/",  # no Arabic release has the term
    }
    assert _switcher(build.html("ko/news/")) == {"en": "../../news/", "ko": "./", "ar": "../../ar/news/"}
    assert not build.html("").xpath("//nav[@class='nr-editions']//a[@lang='en']/@hreflang"), "not its own alternate"

    with site_tab(browser, build) as tab:
        tab.goto(tab.base + "news/2021/01/01/x/")
        tab.get_by_role("navigation", name="Languages").get_by_role("link", name="한국어").click()
        tab.wait_for_load_state()  # the new page, not the one being left (a busy machine is slow)
        assert tab.url == tab.base + "ko/news/2021/01/01/x/"
        assert tab.evaluate("document.documentElement.lang") == "ko"
        tab.get_by_role("navigation", name="언어").get_by_role("link", name="English").click()
        tab.wait_for_load_state()
        assert tab.url == tab.base + "news/2021/01/01/x/"
        # On a wide screen the editions are one line of links, in either direction (Material's
        # lists in .md-typeset made them a column, indented, before).
        tab.set_viewport_size({"width": 1280, "height": 800})
        for url in ("news/2021/01/01/x/", "ar/"):
            tab.goto(tab.base + url)
            tops = tab.evaluate(
                "[...document.querySelectorAll('.nr-editions a')].map(a => a.getBoundingClientRect().top)"
            )
            assert len(tops) == 3 and len(set(tops)) == 1, (url, tops)


def test_a_site_of_one_language_has_no_switcher(project):
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01"))
    build = project.build()
    assert not build.html("news/2021/01/01/x/").xpath("//nav[@class='nr-editions']")


def test_an_editions_terms_are_named_in_its_language(project):
    project.release("_terms.yml", "countries:\n  North Korea: {ko: 북한}\ntopics:\n  Torture: {ko: 고문}\n")
    build = _site(project)
    assert build.html("ko/countries/north-korea/").xpath("string(//h1)").strip() == "북한"
    assert "북한" in build.html("ko/countries/").xpath("string(//main)")
    assert build.html("countries/north-korea/").xpath("string(//h1)").strip() == "North Korea"
    feed = json.loads(build.text("ko/countries/north-korea/feed.json"))
    assert "북한" in feed["title"]


def test_an_editions_tabs_lead_to_its_own_listings_in_its_language(project):
    from urllib.parse import urljoin

    build = _site(project)

    def tabs(url: str) -> dict[str, str]:
        links = build.html(url).xpath("//nav[@class='md-tabs']//a")
        return {a.text_content().strip(): urljoin("http://site/" + url, a.get("href")) for a in links}

    korean = tabs("ko/news/2021/01/01/x/")
    assert korean["보도자료"] == "http://site/ko/news/"
    assert "http://site/ko/countries/" in korean.values() and "http://site/ko/topics/" in korean.values()
    assert tabs("news/2021/01/01/x/")["News"] == "http://site/news/"
    # On the pages the tabs lead to (where one of them links the page itself, as "./"), each tab
    # still leads to its own listing, whichever page of that depth was rendered first.
    for target in sorted(set(korean.values())):
        if target.startswith("http://site/ko/"):
            assert tabs(target.removeprefix("http://site/")) == korean, target


def test_each_edition_has_its_404_page_in_its_language(project):
    project.config["site_url"] = SITE + "archive/"
    build = _site(project, ("en", "ko", "ar"))

    def links(page, path: str) -> dict[str, str]:
        return {a.text_content().strip(): a.get("href") for a in page.xpath(path)}

    english, korean, arabic = (build.html(url) for url in ("404.html", "ko/404.html", "ar/404.html"))
    assert (korean.get("lang"), arabic.get("lang"), arabic.get("dir")) == ("ko", "ar", "rtl")
    assert korean.xpath("string(//main//h1)") == "페이지를 찾을 수 없습니다"
    assert english.xpath("string(//main//h1)") == "Page not found"
    # It answers any address of its edition: its links are absolute paths, to the edition's own pages.
    assert links(korean, "//main//p/a") == {"첫 페이지": "/archive/ko/", "자료실을 검색": "/archive/ko/search/"}
    assert links(korean, "//nav[@class='md-tabs']//a")["보도자료"] == "/archive/ko/news/"
    assert links(korean, "//link[@rel='alternate feed'][@type='application/rss+xml']/@title/..") == {
        "": "/archive/ko/feed.xml"
    }
    switcher = links(korean, "//nav[@class='nr-editions']//a")
    assert switcher == {"English": "/archive/.", "한국어": "/archive/ko/", "العربية": "/archive/ar/"}
    assert links(english, "//nav[@class='nr-editions']//a") == switcher
    assert links(english, "//main//p/a")["home page"] == "/archive/."


def test_the_menu_of_small_screens_leads_to_the_editions_own_listings_in_its_language(project):
    build = _site(project, ("en", "ko"))
    for url in ("ko/news/2021/01/01/x/", "ko/404.html"):
        page = build.html(url)
        drawer = page.xpath("//nav[contains(@class, 'md-nav--primary')]")[0]
        entries = {a.text_content().strip(): a.get("href") for a in drawer.xpath(".//ul//a")}
        assert "보도자료" in entries and "News" not in entries, url
        assert entries["보도자료"] in ("../../../../", "/ko/news/"), url
        logo = drawer.xpath(".//a[contains(@class, 'md-logo')]/@href") + page.xpath(
            "//header//a[contains(@class, 'md-logo')]/@href"
        )
        assert set(logo) <= {"../../../../../", "/ko/"} and len(logo) == 2, (url, logo)
    english = build.html("news/2021/01/01/x/").xpath("//nav[contains(@class, 'md-nav--primary')]//ul//a")
    assert "News" in [a.text_content().strip() for a in english]


def test_listings_name_their_other_editions_for_search_engines(project):
    from lxml import etree

    site = "https://newsroom.example.org/"
    build = _site(project, ("en", "ko", "ar"))
    head = build.html("ko/countries/north-korea/").find("head")
    found = {link.get("hreflang"): link.get("href") for link in head.iterfind("link[@rel='alternate'][@hreflang]")}
    assert found == {
        "en": site + "countries/north-korea/",
        "ko": site + "ko/countries/north-korea/",
        "x-default": site + "countries/north-korea/",
    }, "no Arabic release has the term: no Arabic version"
    sitemap = etree.parse(str(build.site / "sitemap.xml")).getroot()
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    by_loc = {
        url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(xhtml)
        }
        for url in sitemap
    }
    assert by_loc[site + "ko/news/"] == {
        "ar": site + "ar/news/",
        "en": site + "news/",
        "ko": site + "ko/news/",
        "x-default": site + "news/",
    }


def test_listings_of_a_site_of_one_language_name_no_alternates(project):
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01", countries=["Chad"]))
    build = project.build()
    assert not build.html("countries/chad/").xpath("//head/link[@hreflang]")
    assert "xhtml:link" not in build.text("sitemap.xml")


def test_each_edition_has_its_text_only_pages_in_its_language(project):
    build = _site(project, ("en", "ko", "ar"))
    for url, language in (("text/ko/news/2021/01/01/x/", "ko"), ("text/ko/", "ko"), ("text/ar/", "ar")):
        page = build.html(url)
        assert page.xpath("string(/html/@lang)") == language, url
    assert "2021년 1월 1일" in build.text("text/ko/news/2021/01/01/x/")
    assert build.html("text/ar/").xpath("string(/html/@dir)") == "rtl"
    assert build.html("text/").xpath("string(/html/@lang)") == "en"


def test_every_internal_link_of_a_site_of_several_editions_resolves(project):
    from helpers import broken_links

    build = _site(project, ("en", "ko", "ar"))
    assert broken_links(build) == []
    head = build.html("ko/").xpath("//head/link[@rel='alternate feed']/@href")
    assert "feed.xml" in head and "../feed.xml" not in head, "ko/feed.xml, not the English feed"
    subscribe = build.html("ko/subscribe/").xpath("//ul[@class='nr-feeds']//a/@href")
    assert "../feed.xml" in subscribe


EDITION_PAGES = [
    *("", "ko/", "ko/news/", "ko/news/2021/01/01/x/", "ko/countries/north-korea/", "ar/", "ar/countries/"),
    *("404.html", "ko/404.html", "ar/404.html"),
]


def test_the_pages_of_every_edition_are_valid_html(project):
    from helpers import html_errors

    build = _site(project, ("en", "ko", "ar"))
    assert html_errors([str(build.path(url)) for url in EDITION_PAGES]) == []


def test_the_pages_of_every_edition_have_no_serious_accessibility_violations(project, browser):
    from conftest import http_site, unavailable
    from helpers import AXE, serious_violations

    if not AXE.exists():
        unavailable("axe-core needs `npm ci` (make test runs it)")
    build = _site(project, ("en", "ko", "ar"))
    base = http_site(build)
    page = browser.new_page()
    found = []
    for url in EDITION_PAGES:
        page.goto(base + url)
        page.wait_for_function("() => document.getAnimations().length === 0")
        found += serious_violations(page, url or "/")
    page.close()
    assert found == []


def test_an_edition_searches_its_own_releases_and_all_languages_on_request(project, browser):
    from conftest import site_tab

    build = _site(project)
    with site_tab(browser, build) as tab:
        tab.goto(tab.base + "ko/search/?q=Seoul")
        tab.wait_for_selector(".nr-result")
        titles = tab.locator(".nr-result h2, .nr-result h3").all_inner_texts()
        assert titles == ["엑스"], titles
        # Every language: the language filter taken off, which the address keeps.
        tab.locator("input[name=language][value=ko]").uncheck()
        tab.wait_for_url("**language=*")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 3")
        tab.goto(tab.base + "search/?q=Seoul")  # the default edition: its own language too
        tab.wait_for_selector(".nr-result")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 2")
        # The header's box of the Korean edition suggests Korean releases and leads to its search page.
        tab.goto(tab.base + "ko/")
        tab.locator("#nr-search-input").fill("Seoul")
        tab.wait_for_selector("#nr-search-list [role=option]")
        assert tab.locator("#nr-search-list [role=option]").all_inner_texts()[0].startswith("엑스")
        assert tab.locator("#nr-search-list [role=option]").count() == 1
        assert tab.locator(".nr-search__all").get_attribute("href").endswith("ko/search/?q=Seoul")


def test_a_term_search_of_an_edition_finds_its_releases_under_translated_names(project, browser):
    from conftest import site_tab

    project.release("_terms.yml", "countries:\n  North Korea: {ko: 북한}\n")
    build = _site(project)
    search = build.html("ko/countries/north-korea/").xpath("//a[contains(@href, 'search/?country=')]/@href")
    assert search, "the term page links its search"
    with site_tab(browser, build) as tab:
        tab.goto(tab.base + "ko/search/?country=north-korea")
        tab.wait_for_selector(".nr-result")
        assert tab.locator(".nr-result h2, .nr-result h3").all_inner_texts() == ["엑스"]
        # Its filter is shown by the edition's name of the term, ticked, and still filters by it.
        box = tab.locator("#nr-facet-country-north-korea")
        assert box.is_checked()
        assert tab.locator("label[for='nr-facet-country-north-korea']").inner_text().split() == ["북한", "1"]
        tab.goto(tab.base + "search/?country=north-korea")
        tab.wait_for_selector(".nr-result")
        assert tab.locator("label[for='nr-facet-country-north-korea']").inner_text().split()[:2] == ["North", "Korea"]


def test_a_release_links_its_editions_term_pages_and_feeds(project):
    from urllib.parse import urljoin

    build = _site(project)
    url = "ko/news/2021/01/01/x/"
    page = build.html(url)
    terms = {urljoin("http://site/" + url, href) for href in page.xpath("//dl[@class='nr-terms']//a/@href")}
    assert terms == {"http://site/ko/countries/north-korea/", "http://site/ko/topics/torture/"}
    feeds = {urljoin("http://site/" + url, h) for h in page.xpath("//head/link[@rel='alternate feed']/@href")}
    assert "http://site/ko/countries/north-korea/feed.xml" in feeds
    (data,) = page.xpath("//script[@type='application/ld+json']/text()")
    about = {entry["url"] for entry in json.loads(data)["about"]}
    assert about == {SITE + "ko/countries/north-korea/", SITE + "ko/topics/torture/"}
    text = build.html("text/" + url)
    linked = {urljoin("http://site/text/" + url, h) for h in text.xpath("//dl//a/@href")}
    assert "http://site/text/ko/countries/north-korea/" in linked


def test_the_benchmarks_archive_in_three_languages_builds_as_three_editions(project):
    import re

    from benchmarks.generate import generate

    generate(project.releases, 30, languages=("en", "ko", "ar"), translated=0.5)
    english = sorted(p.name for p in project.releases.glob("*.md") if not p.stem.endswith(("-ko", "-ar")))
    translated = [name for name in english if "translations:" in (project.releases / name).read_text()]
    assert len(english) == 30 and 5 <= len(translated) <= 25
    project.newsroom(languages=["en", "ko", "ar"])
    build = project.build()
    assert build.returncode == 0, build.log
    pages: dict[str, list] = {language: [] for language in ("en", "ko", "ar")}
    for page in build.site.rglob("index.html"):
        found = re.fullmatch(r"(?:(ko|ar)/)?news/\d{4}/\d\d/\d\d/[^/]+/index\.html", str(page.relative_to(build.site)))
        if found:
            pages[found[1] or "en"].append(page)
    assert {k: len(v) for k, v in pages.items()} == {"en": 30, "ko": len(translated), "ar": len(translated)}
    korean = build.html(str(pages["ko"][0].parent.relative_to(build.site)) + "/")
    assert korean.xpath("string(/html/@lang)") == "ko"
    assert len(korean.xpath("//p[@class='nr-translations']/a")) == 2, "linked with its English and Arabic versions"
    assert build.html("ar/").xpath("string(/html/@dir)") == "rtl"


def test_a_content_warning_is_labelled_in_its_editions_language_in_feeds_and_search(project):
    import feedparser

    from test_output_encoding import pagefind_data

    project.newsroom(languages=["en", "ko"])
    warning = "증언에 고문 묘사가 있습니다."
    project.release(
        "2021-01-01-w-ko.md",
        release_text(title="경고", date="2021-01-01", language="ko", content_warning=warning, summary="요약."),
    )
    project.release("2021-01-02-y.md", release_text(title="Y", date="2021-01-02", content_warning="Torture."))
    build = project.build()
    assert build.returncode == 0, build.log
    for name in ("ko/feed.xml", "ko/atom.xml"):
        entry = feedparser.parse(build.text(name)).entries[0]
        assert entry.summary == f"내용 경고: {warning} 요약.", name
        assert entry.content[0].value.startswith(f"<p><strong>내용 경고:</strong> {warning}</p>"), name
    assert json.loads(build.text("ko/feed.json"))["items"][0]["summary"].startswith("내용 경고: ")
    assert feedparser.parse(build.text("feed.xml")).entries[0].summary.startswith("Content warning: Torture.")
    found, dates = {}, {}
    for path in build.site.glob("**/pagefind/fragment/*.pf_fragment"):  # each edition's index
        fragment = pagefind_data(path)
        found[fragment["meta"]["title"]] = fragment["meta"].get("warning")
        dates[fragment["meta"]["title"]] = fragment["meta"].get("date")
    assert found["경고"] == f"내용 경고: {warning}" and found["Y"] == "Content warning: Torture."
    # A result shows its release's date in the release's language too.
    assert {title: date for title, date in dates.items() if date} == {"경고": "2021년 1월 1일", "Y": "January 2, 2021"}


def _english_and_korean(project, releases: tuple[tuple[str, str, str], ...]):
    """A site of two editions, English and Korean, with ``releases`` (file name, title, language)
    of the same terms, built."""
    project.newsroom(languages=["en", "ko"])
    for name, title, language in releases:
        project.release(name, release_text(title=title, date=name[:10], language=language, **TERMS))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def test_a_release_is_related_to_releases_of_its_own_edition_only(project):
    build = _english_and_korean(
        project,
        (
            ("2021-01-01-a.md", "English A", "en"),
            ("2021-01-02-b.md", "English B", "en"),
            ("2021-01-03-c-ko.md", "한국어 C", "ko"),
            ("2021-01-04-d-ko.md", "한국어 D", "ko"),
        ),
    )

    def related(url: str) -> list[str]:
        page = build.html(url)
        return [a.text_content().strip() for a in page.xpath("//section[@class='nr-related']//a")]

    assert related("ko/news/2021/01/04/d-ko/") == ["한국어 C"]
    assert related("news/2021/01/02/b/") == ["English A"]
    text = build.html("text/ko/news/2021/01/04/d-ko/")
    assert "한국어 C" in text.text_content() and "English A" not in text.text_content()


def test_a_releases_previous_and_next_are_releases_of_its_own_edition(project):
    build = _english_and_korean(
        project,
        (
            ("2021-01-01-a.md", "English A", "en"),
            ("2021-01-02-b-ko.md", "한국어 B", "ko"),
            ("2021-01-03-c.md", "English C", "en"),
            ("2021-01-04-d-ko.md", "한국어 D", "ko"),
            ("2021-01-05-e.md", "English E", "en"),
        ),
    )

    def neighbours(url: str) -> dict[str, list[str]]:
        page = build.html(url)
        found = {}
        for side in ("prev", "next"):
            footer = page.xpath(f"//a[contains(@class, 'md-footer__link--{side}')]//div[@class='md-ellipsis']")
            head = page.xpath(f"//head/link[@rel='{side}']/@href")
            found[side] = [element.text_content().strip() for element in footer] + head
        return found

    # "Previous" is the edition's older release, "next" its newer one (none past either end).
    assert neighbours("news/2021/01/03/c/") == {
        "prev": ["English A", "../../01/a/"],
        "next": ["English E", "../../05/e/"],
    }
    assert neighbours("news/2021/01/05/e/") == {"prev": ["English C", "../../03/c/"], "next": []}
    assert neighbours("ko/news/2021/01/04/d-ko/") == {"prev": ["한국어 B", "../../02/b-ko/"], "next": []}
    assert neighbours("ko/news/2021/01/02/b-ko/") == {"prev": [], "next": ["한국어 D", "../../04/d-ko/"]}


def test_make_serve_shows_an_edit_of_a_release_in_its_edition(project):
    import time
    import urllib.request

    project.newsroom(languages=["en", "ko"])
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01", **TERMS))
    korean = project.release("2021-01-01-x-ko.md", release_text(title="엑스", date="2021-01-01", language="ko"))

    def fetch(url: str, wanted: str) -> str:
        for _ in range(150):
            try:
                page = urllib.request.urlopen(url).read().decode()
                if wanted in page:
                    return page
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{url} never showed {wanted!r}")

    with project.serving() as base:
        page = fetch(base + "ko/news/2021/01/01/x-ko/", "<h1>엑스</h1>")
        assert '<html lang="ko"' in page
        assert "엑스" in fetch(base + "ko/", "엑스") and "엑스" not in fetch(base, "X")
        korean.write_text(korean.read_text(encoding="utf-8").replace("엑스", "고친 제목"), encoding="utf-8")
        assert '<html lang="ko"' in fetch(base + "ko/news/2021/01/01/x-ko/", "<h1>고친 제목</h1>")
        assert "고친 제목" in fetch(base + "ko/", "고친 제목")


def test_a_hand_written_page_of_an_edition_speaks_its_language_and_is_linked_with_its_versions(project):
    from urllib.parse import urljoin

    project.doc("ko/about.md", "# 소개\n\n이 자료실은 우리 연대의 보도자료를 싣습니다.\n")
    build = _site(project, ("en", "ko", "ar"))
    korean, english, arabic = (build.html(url) for url in ("ko/about/", "about/", "ar/"))
    assert korean.get("lang") == "ko" and korean.xpath("string(//main//h1/text())") == "소개"

    def links(page, url: str, path: str) -> dict[str, str]:
        return {a.text_content().strip(): urljoin(SITE + url, a.get("href")) for a in page.xpath(path)}

    switcher = "//nav[@class='nr-editions']//a"
    assert links(korean, "ko/about/", switcher)["English"] == SITE + "about/"
    assert links(english, "about/", switcher)["한국어"] == SITE + "ko/about/"
    assert links(english, "about/", switcher)["العربية"] == SITE + "ar/", "no Arabic version: the Arabic home"
    # The edition's tabs lead to its version of the page, under its own title.
    assert links(korean, "ko/about/", "//nav[@class='md-tabs']//a")["소개"] == SITE + "ko/about/"
    assert links(arabic, "ar/", "//nav[@class='md-tabs']//a")["About"] == SITE + "about/"
    head = {link.get("hreflang"): link.get("href") for link in korean.iterfind("head/link[@hreflang]")}
    assert head == {"en": SITE + "about/", "ko": SITE + "ko/about/", "x-default": SITE + "about/"}
    sitemap = build.text("sitemap.xml")
    assert 'hreflang="ko" href="https://newsroom.example.org/ko/about/"' in sitemap


def test_the_repositorys_editions_have_their_about_page_in_their_language(sample_site):
    from helpers import broken_links, html_errors

    for url, language, title in (("ko/about/", "ko", "소개"), ("ar/about/", "ar", "عن الأرشيف")):
        page = sample_site.html(url)
        assert page.get("lang") == language and page.xpath("string(//main//h1/text())") == title
        tabs = {a.text_content().strip(): a.get("href") for a in page.xpath("//nav[@class='md-tabs']//a")}
        assert tabs[title] == "./", "the edition's tab leads to its own About page"
    assert html_errors([str(sample_site.path(url)) for url in ("ko/about/", "ar/about/")]) == []
    assert broken_links(sample_site) == []


def _three_editions(project):
    """An archive in three editions whose releases' dates interleave across them."""
    project.newsroom(languages=["en", "ko", "ar"])
    releases = [
        ("2021-01-01-a.md", "A first", "2021-01-01", "en"),
        ("2021-01-02-b-ko.md", "비 둘째", "2021-01-02", "ko"),
        ("2021-01-03-c-ar.md", "المعتقلين ثالثا", "2021-01-03", "ar"),
        ("2021-01-04-d.md", "D fourth", "2021-01-04", "en"),
        ("2021-01-05-e-ko.md", "이 다섯째", "2021-01-05", "ko"),
    ]
    for name, title, date, language in releases:
        extra = {} if language == "en" else {"language": language}
        project.release(name, release_text(title=title, date=date, summary=f"Seoul {title}.", **extra, **TERMS))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def _settled(tab) -> None:
    """Wait until the search page has said what it found (not "searching")."""
    tab.wait_for_function(
        """() => {
            const status = document.getElementById("nr-results-status").textContent.trim();
            const strings = JSON.parse(document.getElementById("nr-search-strings").textContent);
            return status !== "" && status !== strings.searching;
        }"""
    )


def test_each_edition_has_a_search_index_of_its_own_in_its_language(project):
    from test_output_encoding import pagefind_data

    build = _three_editions(project)
    for prefix, language, titles in (
        ("", "en", {"A first", "D fourth"}),
        ("ko/", "ko", {"비 둘째", "이 다섯째"}),
        ("ar/", "ar", {"المعتقلين ثالثا"}),
    ):
        bundle = build.site / prefix / "pagefind"
        entry = json.loads((bundle / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == [language], prefix  # indexed (stemmed) in its language
        fragments = [pagefind_data(path) for path in bundle.glob("fragment/*.pf_fragment")]
        assert {fragment["meta"]["title"] for fragment in fragments} == titles, prefix
        assert all(fragment["url"].startswith("/" + prefix) for fragment in fragments), prefix
        # Only what pages request: the script, and the WebAssembly of its language (ko: none stems it).
        shipped = {path.name for path in bundle.glob("*.*") if not path.name.endswith(".pf_meta")}
        wasm = "wasm.unknown.pagefind" if language == "ko" else f"wasm.{language}.pagefind"
        assert shipped == {"pagefind.js", "pagefind-entry.json", wasm}, prefix
    # The hand-written pages, an index of their own in each edition that has some (in this
    # project, the default edition's docs/about.md).
    pages = [pagefind_data(path) for path in (build.site / "pagefind-pages").glob("fragment/*.pf_fragment")]
    assert [fragment["meta"]["title"] for fragment in pages] == ["About"]
    assert not (build.site / "ko/pagefind-pages").exists() and not (build.site / "ar/pagefind-pages").exists()
    # Each search page knows every edition's index; the header's box, its own edition's.
    page = build.html("ko/search/")
    indexes = json.loads(page.xpath("//script[@id='nr-search-indexes']/text()")[0])
    assert indexes == {
        "en": ["../../pagefind", "../../pagefind-pages"],
        "ko": ["../pagefind"],
        "ar": ["../../ar/pagefind"],
    }
    assert page.xpath("//form[@data-nr-search]/@data-pagefind") == ["../pagefind/"]
    assert build.html("ar/").xpath("//form[@data-nr-search]/@data-pagefind") == ["pagefind/"]
    assert build.html("news/").xpath("//form[@data-nr-search]/@data-pagefind") == ["../pagefind/ ../pagefind-pages/"]


def test_a_search_of_one_edition_loads_no_other_editions_index(project, browser):
    from conftest import recorded_requests, site_tab

    build = _three_editions(project)
    with site_tab(browser, build) as tab:
        requested = recorded_requests(tab)
        tab.goto(tab.base + "ko/search/?q=Seoul")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 2")
        indexes = {url.split("pagefind/")[0] for url in requested if "pagefind/" in url}
        assert indexes == {"ko/"}, requested
        # The other editions are offered, without counts until their indexes are searched.
        assert tab.locator("label[for='nr-facet-language-en']").inner_text().strip() != ""
        assert tab.locator("label[for='nr-facet-language-en'] .nr-count").count() == 0
        assert tab.locator("label[for='nr-facet-language-ko'] .nr-count").inner_text() == "2"


def test_an_editions_search_page_opened_without_words_fetches_no_index_words(project, browser):
    from conftest import recorded_requests, site_tab

    build = _three_editions(project)
    with site_tab(browser, build) as tab:
        requested = recorded_requests(tab)
        tab.goto(tab.base + "ko/search/")
        tab.wait_for_selector("label[for='nr-facet-language-ko'] .nr-count")
        tab.wait_for_load_state("networkidle")
        # Its facets, from the filter files; never the chunks of the index's words (a search of
        # filters only makes Pagefind fetch every one of them: tens of megabytes in a large archive).
        assert [url for url in requested if "/index/" in url] == [], requested
        assert any("/filter/" in url for url in requested), requested


def test_all_languages_are_merged_newest_first_and_their_counts_added_up(project, browser):
    from conftest import site_tab

    build = _three_editions(project)
    with site_tab(browser, build) as tab:
        tab.goto(tab.base + "ko/search/?q=Seoul&language=*&sort=date")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 5")
        titles = tab.locator(".nr-result h2").all_inner_texts()
        assert titles == ["이 다섯째", "D fourth", "المعتقلين ثالثا", "비 둘째", "A first"]
        count = tab.locator("label[for='nr-facet-country-north-korea'] .nr-count")
        assert count.inner_text() == "5", "the counts of every edition's index, added up"
        languages = {
            language: tab.locator(f"label[for='nr-facet-language-{language}'] .nr-count").inner_text()
            for language in ("en", "ko", "ar")
        }
        assert languages == {"en": "2", "ko": "2", "ar": "1"}
        # English and Korean only: two indexes, still newest first, in pages of ten.
        tab.goto(tab.base + "ko/search/?q=Seoul&language=en&language=ko&sort=date")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 4")
        assert tab.locator(".nr-result h2").all_inner_texts() == ["이 다섯째", "D fourth", "비 둘째", "A first"]
        # By relevance, every match is there once.
        tab.goto(tab.base + "search/?q=Seoul&language=*")
        tab.wait_for_function("() => document.querySelectorAll('.nr-result').length === 5")
        assert sorted(tab.locator(".nr-result h2").all_inner_texts()) == sorted(titles)


def test_the_arabic_edition_finds_a_word_by_its_arabic_stem(project, browser):
    from conftest import site_tab

    build = _three_editions(project)
    with site_tab(browser, build) as tab:
        # "المعتقلين" (the detainees) is found by "معتقل" (detainee), which is no prefix of it: only
        # Arabic stemming finds it (the index of one language, English, did not).
        tab.goto(tab.base + "ar/search/?q=" + "معتقل")
        tab.wait_for_selector(".nr-result")
        assert tab.locator(".nr-result h2").all_inner_texts() == ["المعتقلين ثالثا"]
        tab.goto(tab.base + "ar/search/?q=" + "صحفي")  # a word in no release: nothing
        _settled(tab)
        assert tab.locator(".nr-result").count() == 0


def test_an_edition_without_releases_searches_and_finds_nothing(project, browser):
    from conftest import site_tab

    build = _site(project, ("en", "ko", "ar"))  # nothing in Arabic
    assert (build.site / "ar" / "pagefind" / "pagefind.js").is_file()
    with site_tab(browser, build) as tab:
        tab.goto(tab.base + "ar/search/?q=Seoul")
        _settled(tab)
        status = tab.locator("#nr-results-status").inner_text()
        assert tab.locator(".nr-result").count() == 0 and status != "", status
        unavailable = tab.evaluate(
            "() => JSON.parse(document.getElementById('nr-search-strings').textContent).unavailable"
        )
        assert status != unavailable


def test_a_chinese_edition_finds_a_word_inside_a_sentence_written_without_spaces(project, browser):
    from conftest import site_tab

    # Chinese is written without spaces between words: Pagefind's extended build segments it into
    # words as it indexes a Chinese edition's index (and the browser segments the query).
    project.newsroom(languages=["en", "zh"])
    body = "朝鲜政治犯收容所的人权状况令人担忧。"
    project.release("2021-01-01-x-zh.md", release_text(title="报告", date="2021-01-01", language="zh", summary=body))
    project.release("2021-01-02-y.md", release_text(title="Y", date="2021-01-02"))
    build = project.build()
    assert build.returncode == 0, build.log
    with site_tab(browser, build) as tab:
        for word in ("人权", "收容所"):
            tab.goto(tab.base + "zh/search/?q=" + word)
            tab.wait_for_selector(".nr-result")
            assert tab.locator(".nr-result h2").all_inner_texts() == ["报告"], word
        tab.goto(tab.base + "zh/search/?q=" + "森林")  # a word in no release: nothing
        _settled(tab)
        assert tab.locator(".nr-result").count() == 0


def test_the_bodies_of_every_editions_feeds_are_converted_once_by_the_markdown_workers(project, tmp_path):
    import feedparser

    # One item a feed: the whole archive's newest release of each term is English, the Korean
    # edition's is Korean. Its feed form must be made beside its page, not again at the end.
    project.newsroom(languages=["en", "ko"], feed_items=1)
    project.release("2021-01-01-x-ko.md", release_text(title="엑스", date="2021-01-01", language="ko", **TERMS))
    project.release("2021-01-02-y.md", release_text(title="Y", date="2021-01-02", **TERMS))
    timings = tmp_path / "timings.json"
    build = project.build(env={"NEWSROOM_TIMINGS": str(timings)})
    assert build.returncode == 0, build.log
    assert feedparser.parse(build.text("ko/countries/north-korea/feed.xml")).entries[0].title == "엑스"
    assert json.loads(timings.read_text())["figures"]["feed bodies converted again"] == 0


def test_a_build_fails_naming_the_editions_index_pagefind_did_not_write(project, tmp_path):
    from newsroom.search import pagefind_binary

    # Pagefind that indexes every edition but the Korean one, and says it succeeded.
    fake = tmp_path / "pagefind"
    fake.write_text(f'#!/bin/sh\ncase "$*" in *ko/pagefind*) exit 0;; esac\nexec {pagefind_binary()} "$@"\n')
    fake.chmod(0o755)
    project.newsroom(languages=["en", "ko"])
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01"))
    build = project.build(env={"PAGEFIND_BINARY_PATH": str(fake)})
    assert build.returncode == 1
    assert "The search index could not be built, so the site is not published without search" in build.log
    assert "Pagefind reported success but wrote no ko/pagefind/pagefind.js" in build.log
