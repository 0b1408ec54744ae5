"""The site in other languages: the newsroom's interface strings in Arabic, French and Spanish
(every key of English, with its placeholders), a missing string reported and shown in English,
and a right-to-left language laid out right to left, on the site and in its text-only edition."""

from __future__ import annotations

import logging
import shutil
import string
from pathlib import Path

import jinja2
import pytest

from conftest import ROOT, Project, http_site, release_text, unavailable
from helpers import AXE, html_errors, serious_violations
from newsroom.mkdocs_site.check import ADVICE_LOGGER
from newsroom.mkdocs_site.theme import Translations, string_keys

STRINGS = ROOT / "overrides/partials/newsroom/strings"
LANGUAGES = sorted(path.stem for path in STRINGS.glob("*.html"))


def strings_of(language: str) -> dict[str, str]:
    """A strings file's dict literal, read from the template as Jinja parses it (in its order)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(STRINGS)))
    source = (STRINGS / f"{language}.html").read_text(encoding="utf-8")
    (found,) = env.parse(source).find_all(jinja2.nodes.Dict)
    values = {}
    for pair in found.items:
        assert isinstance(pair.key, jinja2.nodes.Const) and isinstance(pair.value, jinja2.nodes.Const)
        assert pair.key.value not in values, f"{language}.html: {pair.key.value!r} twice"
        values[pair.key.value] = pair.value.value
    # What the macro renders is what the file says, for every key.
    macro = getattr(env.get_template(f"{language}.html").module, "t")  # noqa: B009 - made by the template
    assert {key: str(macro(key)) for key in values} == values
    return values


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of a string, as str.format reads them, in order."""
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_arabic_french_and_spanish_are_there():
    assert {"ar", "en", "es", "fr", "ko"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_strings_file_has_the_keys_and_placeholders_of_english(language):
    english, theirs = strings_of("en"), strings_of(language)
    assert list(theirs) == list(english), "the same keys, in the same order, as en.html"
    for key, value in theirs.items():
        assert value.strip(), f"{language}.html: {key!r} is empty"
        assert placeholders(value) == placeholders(english[key]), f"{language}.html: {key!r}"
    untranslated = [key for key, value in theirs.items() if value == english[key] and any(c.isalpha() for c in value)]
    # Names of formats and of the "Audio"/"Photo"/"Image"/"Pages" a language shares with English.
    shared = {"newsroom.feed.rss", "newsroom.feed.atom", "newsroom.feed.json"}
    if language in ("fr", "es"):
        shared |= {"newsroom.text.audio", "newsroom.text.image", "newsroom.text.photo", "newsroom.pagination"}
        shared |= {"newsroom.page_x_of_y"} if language == "fr" else set()
    assert set(untranslated) <= shared


@pytest.mark.parametrize("language", LANGUAGES)
def test_page_links_say_no_direction(language):
    """Arrows in the words would point the wrong way in one direction: pages are laid out by CSS,
    which mirrors them right to left (tested in Chromium below)."""
    values = strings_of(language)
    for key in ("newsroom.first_page", "newsroom.previous_page", "newsroom.next_page", "newsroom.last_page"):
        assert not set(values[key]) & set("←→\u2039\u203a«»<>⟨⟩⇐⇒⟵⟶"), (key, values[key])


def test_the_build_reads_the_keys_as_the_test_does():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "overrides")))
    for language in LANGUAGES:
        assert string_keys(env, f"partials/newsroom/strings/{language}.html") == list(strings_of(language))


# -- a missing string ------------------------------------------------------------------------------

ENGLISH = (STRINGS / "en.html").read_text(encoding="utf-8")


def without(*keys: str) -> str:
    """English's strings file with some keys taken out (each is on a line of its own)."""
    lines = [line for line in ENGLISH.splitlines() if not any(line.strip().startswith(f'"{key}"') for key in keys)]
    assert len(lines) == len(ENGLISH.splitlines()) - len(keys)
    return "\n".join(lines)  # Jinja takes a dict literal's last comma, as Python does


def environment(files: dict[str, str]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader({f"partials/newsroom/strings/{name}": text for name, text in files.items()})
    )


def reported(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == ADVICE_LOGGER and r.levelno == logging.INFO]


def test_a_missing_string_is_english_and_reported_once(caplog):
    caplog.set_level(logging.INFO, logger=ADVICE_LOGGER)
    env = environment({"en.html": ENGLISH, "xx.html": without("newsroom.cite", "newsroom.text.embed")})
    t = Translations(env, "xx")
    message = (
        "advice: the interface string {!r} is missing from partials/newsroom/strings/xx.html: the English one "
        "is used (add it there, translated, from partials/newsroom/strings/en.html)"
    )
    # Both reported as the site begins, the one never looked up too.
    assert reported(caplog) == [message.format("newsroom.cite"), message.format("newsroom.text.embed")]
    assert t("newsroom.cite") == "Cite this release"
    assert t("newsroom.cite") == "Cite this release"
    assert t("newsroom.share") == "Share"
    # The text-only edition looks strings up on its own: nothing is reported twice.
    assert Translations(env, "xx")("newsroom.cite") == "Cite this release"
    assert len(reported(caplog)) == 2
    # Another build (another environment) reports them again.
    Translations(environment({"en.html": ENGLISH, "xx.html": without("newsroom.cite")}), "xx")
    assert reported(caplog)[2:] == [message.format("newsroom.cite")]


def test_a_string_missing_from_a_file_written_otherwise_is_reported_as_it_is_used(caplog):
    caplog.set_level(logging.INFO, logger=ADVICE_LOGGER)
    odd = '{% macro t(key) %}{% if key == "newsroom.share" %}Teilen{% endif %}{% endmacro %}'
    t = Translations(environment({"en.html": ENGLISH, "de.html": odd}), "de")
    assert reported(caplog) == []
    assert t("newsroom.share") == "Teilen"
    assert t("newsroom.cite") == "Cite this release"
    assert t("newsroom.cite") == "Cite this release"
    assert reported(caplog) == [
        "advice: the interface string 'newsroom.cite' is missing from partials/newsroom/strings/de.html: the "
        "English one is used (add it there, translated, from partials/newsroom/strings/en.html)"
    ]


def test_complete_languages_report_nothing(caplog):
    caplog.set_level(logging.INFO, logger=ADVICE_LOGGER)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "overrides")))
    for language in LANGUAGES:
        t = Translations(env, language)
        for key in strings_of("en"):
            assert t(key) == strings_of(language)[key]
    assert reported(caplog) == []


def test_a_build_in_a_language_with_missing_strings_passes_strict_and_lists_them(project):
    (project.path / "overrides").unlink()
    shutil.copytree(ROOT / "overrides", project.path / "overrides")
    german = without("newsroom.cite", "newsroom.text.embed").replace("Cite", "Zitieren").replace("Share", "Teilen")
    (project.path / "overrides/partials/newsroom/strings/de.html").write_text(german, encoding="utf-8")
    project.config["theme"]["language"] = "de"
    project.release("2020-03-03-x.md", release_text())
    build = project.build()
    assert build.returncode == 0, build.log
    lines = [line for line in build.log.splitlines() if "is missing from partials/newsroom/strings/de.html" in line]
    assert [line.split("'")[1] for line in lines] == ["newsroom.cite", "newsroom.text.embed"], build.log
    assert all(line.startswith("INFO") for line in lines)
    page = build.html("news/2020/03/03/x/")
    assert page.xpath("//html/@lang") == ["de"]
    assert "Cite this release" in page.xpath("string(//section[contains(@class, 'nr-cite')])")
    assert page.xpath("//*[contains(@class, 'nr-share')]//h2/text()") == ["Teilen"]


def test_a_language_without_strings_is_english_and_says_so(project):
    project.config["theme"]["language"] = "de"
    project.release("2020-03-03-x.md", release_text())
    build = project.build()
    assert build.returncode == 0, build.log
    assert (
        "INFO    -  advice: the site's language is 'de', and the newsroom's interface has no strings in it "
        "(partials/newsroom/strings/de.html): it is in English; copy overrides/partials/newsroom/strings/en.html "
        "to that name to translate it"
    ) in build.log
    assert build.log.count("newsroom's interface has no strings") == 1
    assert "Cite this release" in build.text("news/2020/03/03/x/")
    assert "is missing from" not in build.log


# -- Arabic: right to left -------------------------------------------------------------------------

RELEASE = "news/2020/03/03/witnesses/"
PAGES = [
    RELEASE,
    "",
    "news/",
    "news/page/2/",
    "news/2020/",
    "countries/",
    "countries/north-korea/",
    "search/",
    "subscribe/",
]
TEXT_PAGES = ["text/" + url for url in PAGES if url not in ("search/", "subscribe/")]


#: An Arabic release's own fields.
ARABIC = {
    "title": "شهود يصفون المعسكرات",
    "date": "2020-03-03T10:00",
    "summary": "ما حدث، في جملة واحدة.",
    "dateline": "سيول",
    "body": "شهد الشهود على ما جرى في المعسكرات.",
}


def releases_for(project: Project) -> None:
    project.newsroom(per_page=1)
    project.release(
        "2020-03-03-witnesses.md",
        release_text(
            **ARABIC,
            countries=["North Korea"],
            contacts=[
                {
                    "name": "المكتب الصحفي",
                    "languages": ["ar", "en"],
                    "phone": "+82 2 3789 1234",
                    "email": "press@example.org",
                }
            ],
            corrections=[{"date": "2020-03-04", "note": "صُحّح التاريخ."}],
            updated="2020-03-05",
        ),
    )
    project.release("2020-02-02-second.md", release_text(title="البيان الثاني", date="2020-02-02"))
    project.release("2020-01-01-third.md", release_text(title="البيان الثالث", date="2020-01-01"))


@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("arabic") / "project")
    project.config["theme"]["language"] = "ar"
    releases_for(project)
    build = project.build()
    assert build.returncode == 0, build.log
    assert "is missing from" not in build.log and "has no strings" not in build.log
    return build


@pytest.mark.parametrize("url", PAGES + TEXT_PAGES)
def test_every_arabic_page_is_right_to_left(arabic, url):
    page = arabic.html(url)
    assert page.xpath("/html/@lang") == ["ar"]
    assert page.xpath("/html/@dir") == ["rtl"]
    assert page.xpath("//body/@dir") in (["rtl"], [])  # Material's pages say it on <body> too


def test_arabic_strings_and_dates(arabic):
    page = arabic.html(RELEASE)
    headings = [" ".join(h.text_content().split()) for h in page.xpath("//h2")]
    assert "لمزيد من المعلومات" in headings
    assert "تصويبات" in headings
    times = [t.text_content() for t in page.xpath("//article//time")]
    assert "3 مارس 2020" in times and "4 مارس 2020" in times and "5 مارس 2020" in times
    text = arabic.html("text/" + RELEASE)
    assert "3 مارس 2020" in [t.text_content() for t in text.xpath("//time")]
    assert "الإصدار النصي" in text.xpath("string(//header)")
    assert [a.get("dir") for a in text.xpath("//a[starts-with(@href, 'tel:') or starts-with(@href, 'mailto:')]")] == [
        "ltr",
        "ltr",
    ]
    listing = arabic.html("news/page/2/")
    assert listing.xpath("//nav[contains(@class, 'nr-pagination')]/@aria-label") == ["الصفحات"]
    assert "الصفحة 2 من 3" in listing.xpath("string(//nav[contains(@class, 'nr-pagination')])")


def test_english_pages_stay_left_to_right(sample_site):
    for url in ("", "news/", "text/news/"):
        page = sample_site.html(url)
        assert page.xpath("/html/@lang") == ["en"]
        assert page.xpath("/html/@dir") == ["ltr"]


def text_edges(tab, selector: str) -> dict:
    """Where the words of the element at ``selector`` start and end, and its container's content box."""
    return tab.evaluate(
        """(selector) => {
            const element = document.querySelector(selector);
            const range = document.createRange();
            range.selectNodeContents(element);
            const words = range.getBoundingClientRect();
            const box = element.closest('.md-content__inner');
            const style = getComputedStyle(box);
            const outer = box.getBoundingClientRect();
            return {left: words.left, right: words.right,
                    boxLeft: outer.left + parseFloat(style.paddingLeft),
                    boxRight: outer.right - parseFloat(style.paddingRight)};
        }""",
        selector,
    )


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("english") / "project")
    releases_for(project)
    build = project.build()
    assert build.returncode == 0, build.log
    return build


@pytest.mark.parametrize("direction", ["rtl", "ltr"])
def test_in_chromium_arabic_reads_from_the_right(arabic, english, browser, direction):
    build = arabic if direction == "rtl" else english
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.goto(http_site(build) + RELEASE)
        title = text_edges(tab, "article h1")
        assert title["right"] - title["left"] < (title["boxRight"] - title["boxLeft"]) / 2  # a short title
        if direction == "rtl":
            assert abs(title["right"] - title["boxRight"]) <= 3, title
        else:
            assert abs(title["left"] - title["boxLeft"]) <= 3, title
        # The citation's rule is at the side the text starts from.
        sides = tab.evaluate(
            "() => { const s = getComputedStyle(document.querySelector('.nr-citation'));"
            " return [s.borderLeftWidth, s.borderRightWidth]; }"
        )
        assert (sides[1] if direction == "rtl" else sides[0]) != "0px", sides
        assert (sides[0] if direction == "rtl" else sides[1]) == "0px", sides
        # Phone numbers, addresses and links read left to right whatever the page's direction
        # (else "+82 2 3789 1234" shows as "1234 3789 2 82+").
        for selector in ("a[href^='tel:']", "a[href^='mailto:press']", ".nr-citation span"):
            assert tab.evaluate(f'getComputedStyle(document.querySelector("{selector}")).direction') == "ltr"
        phone = tab.evaluate(
            """() => { const a = document.querySelector("a[href^='tel:']"), r = document.createRange();
                       r.setStart(a.firstChild, 0); r.setEnd(a.firstChild, 1); const plus = r.getBoundingClientRect();
                       r.setStart(a.firstChild, a.textContent.length - 1); r.setEnd(a.firstChild, a.textContent.length);
                       return [plus.left, r.getBoundingClientRect().left]; }"""
        )
        assert phone[0] < phone[1], "the '+' comes first, on the left"
        tab.goto(http_site(build) + "news/page/2/")
        # Lists of the newsroom's own (cards, years) are flush with the side the text starts from.
        for selector in (".nr-card__title", ".nr-years a"):
            edges = text_edges(tab, selector)
            if direction == "rtl":
                assert abs(edges["right"] - edges["boxRight"]) <= 3, (selector, edges)
            else:
                assert abs(edges["left"] - edges["boxLeft"]) <= 3, (selector, edges)
        previous = tab.locator(".nr-pagination a[rel=prev]").bounding_box()
        following = tab.locator(".nr-pagination a[rel=next]").bounding_box()
        assert previous and following
        if direction == "rtl":
            assert following["x"] + following["width"] <= previous["x"], (previous, following)
        else:
            assert previous["x"] + previous["width"] <= following["x"], (previous, following)
        # The text-only page too.
        tab.goto(http_site(build) + "text/" + RELEASE)
        edges = tab.evaluate(
            """() => { const r = document.createRange(), h1 = document.querySelector('h1');
                       r.selectNodeContents(h1);
                       const words = r.getBoundingClientRect(), box = h1.getBoundingClientRect();
                       return {left: words.left, right: words.right, boxLeft: box.left, boxRight: box.right}; }"""
        )
        if direction == "rtl":
            assert abs(edges["right"] - edges["boxRight"]) <= 3, edges
        else:
            assert abs(edges["left"] - edges["boxLeft"]) <= 3, edges
    finally:
        tab.close()


def test_arabic_pages_are_valid_html(arabic):
    files = [str(arabic.path(url)) for url in PAGES + TEXT_PAGES]
    assert html_errors(files) == []


def test_arabic_pages_have_no_serious_accessibility_violations(arabic, browser):
    if not AXE.exists():
        unavailable("axe-core needs `npm ci` (make test runs it)")
    base = http_site(arabic)
    page = browser.new_page()
    found = []
    for url in PAGES + TEXT_PAGES:
        page.goto(base + url)
        page.wait_for_function("() => document.getAnimations().length === 0")
        found += serious_violations(page, url or "/")
    page.close()
    assert found == []


# -- French and Spanish ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "contacts", "corrections", "dates", "next_page"),
    [
        ("fr", "Pour plus d’informations", "Rectificatifs", ["3 mars 2020", "4 mars 2020"], "Page suivante"),
        (
            "es",
            "Para más información",
            "Correcciones",
            ["3 de marzo de 2020", "4 de marzo de 2020"],
            "Página siguiente",
        ),
    ],
)
def test_french_and_spanish_sites(project, language, contacts, corrections, dates, next_page):
    project.config["theme"]["language"] = language
    releases_for(project)
    build = project.build()
    assert build.returncode == 0, build.log
    assert "is missing from" not in build.log
    page = build.html(RELEASE)
    assert page.xpath("/html/@lang") == [language]
    assert page.xpath("/html/@dir") == ["ltr"]
    headings = [" ".join(h.text_content().split()) for h in page.xpath("//h2")]
    assert contacts in headings and corrections in headings
    times = [t.text_content() for t in page.xpath("//article//time")]
    assert all(date in times for date in dates), times
    listing = build.html("news/")
    assert listing.xpath("//a[@rel='next']/text()") == [next_page]
    text = build.html("text/" + RELEASE)
    assert text.xpath("/html/@lang") == [language] and text.xpath("/html/@dir") == ["ltr"]
    assert dates[0] in [t.text_content() for t in text.xpath("//time")]


def test_readme_lists_the_languages():
    readme = Path(ROOT / "README.md").read_text(encoding="utf-8")
    for language in LANGUAGES:
        assert f"`{language}`" in readme


# -- versions of a release in other languages, for search engines --------------------------------

SITE = "https://newsroom.example.org/"
XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"


def _translated(project: Project):
    project.release(
        "2021-01-01-x.md",
        release_text(
            title="X", date="2021-01-01", translations={"ko": "2021-01-01-x-ko.md", "ar": "2021-01-01-x-ar.md"}
        ),
    )
    project.release("2021-01-01-x-ko.md", release_text(title="X 한국어", date="2021-01-01", slug="x-ko", language="ko"))
    project.release(
        "2021-01-01-x-ar.md", release_text(title="X عربي", date="2021-01-01", slug="x-ar", language="ar", draft=True)
    )
    project.release("2021-01-02-y.md", release_text(title="Y", date="2021-01-02"))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def _head_alternates(page: str) -> dict[str, str]:
    from lxml import html as lxml_html

    head = lxml_html.fromstring(page).find("head")
    return {link.get("hreflang"): link.get("href") for link in head.iterfind("link[@rel='alternate'][@hreflang]")}


def test_a_translated_release_names_its_published_versions_for_search_engines(project):
    from lxml import etree

    build = _translated(project)
    versions = {
        "en": SITE + "news/2021/01/01/x/",
        "ko": SITE + "news/2021/01/01/x-ko/",
        "x-default": SITE + "news/2021/01/01/x/",
    }
    assert _head_alternates(build.text("news/2021/01/01/x/")) == versions, "the draft in Arabic is named nowhere"
    assert _head_alternates(build.text("news/2021/01/01/x-ko/")) == versions
    assert _head_alternates(build.text("news/2021/01/02/y/")) == {}, "a release in one language has none"

    sitemap = etree.parse(str(build.site / "sitemap.xml")).getroot()
    found = {}
    for url in sitemap:
        loc = url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        found[loc] = {link.get("hreflang"): link.get("href") for link in url.iter(XHTML_LINK)}
        assert all(link.get("rel") == "alternate" for link in url.iter(XHTML_LINK))
    assert found[SITE + "news/2021/01/01/x/"] == versions
    assert found[SITE + "news/2021/01/01/x-ko/"] == versions
    assert found[SITE + "news/2021/01/02/y/"] == {}
    assert not any("x-ar" in loc for loc in found)


def test_opening_a_translated_release_makes_no_request_for_its_alternates(project, browser):
    from conftest import site_tab

    build = _translated(project)
    with site_tab(browser, build) as tab:
        requested: list[str] = []
        tab.on("request", lambda request: requested.append(request.url))
        failed: list[str] = []
        tab.on("requestfailed", lambda request: failed.append(request.url))
        tab.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        tab.goto(tab.base + "news/2021/01/01/x-ko/")
        tab.wait_for_load_state("networkidle")
        assert len(tab.locator("link[rel=alternate][hreflang]").all()) == 3
        tab.get_by_role("link", name="English").first.click()
        tab.wait_for_load_state("networkidle")
        assert tab.url == tab.base + "news/2021/01/01/x/"
    assert not [url for url in requested if "sitemap" in url], requested
    assert failed == []


def test_an_arabic_release_on_an_english_site_reads_from_the_right(project, browser):
    project.release("2020-03-03-witnesses.md", release_text(**ARABIC, language="ar"))
    build = project.build()
    assert build.returncode == 0, build.log
    page = build.html(RELEASE)
    assert page.xpath("/html/@dir") == ["ltr"], "the site's interface stays English"
    for part in ("header", "div"):
        (element,) = page.xpath(f"//{part}[contains(@class, 'nr-release__header') or contains(@class, 'nr-body')]")
        assert (element.get("lang"), element.get("dir")) == ("ar", "rtl")
    text = build.html("text/" + RELEASE)
    assert text.xpath("//article/@dir") == ["rtl"] and text.xpath("/html/@dir") == ["ltr"]
    assert html_errors([str(build.path(RELEASE)), str(build.path("text/" + RELEASE))]) == []

    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.goto(http_site(build) + RELEASE)
        # The page keeps its left-to-right layout; inside the release's own column, its words start at the right.
        for selector in ("h1", ".nr-body p"):
            edges = tab.evaluate(
                """(selector) => {
                    const element = document.querySelector(selector);
                    const range = document.createRange();
                    range.selectNodeContents(element);
                    const words = range.getBoundingClientRect();
                    const box = element.closest('[dir=rtl]').getBoundingClientRect();
                    return {left: words.left, right: words.right, boxLeft: box.left, boxRight: box.right};
                }""",
                selector,
            )
            assert edges["left"] - edges["boxLeft"] > 100, (selector, edges)  # a short line, away from the left
            assert abs(edges["right"] - edges["boxRight"]) <= 3, (selector, edges)
    finally:
        tab.close()


def test_the_palette_toggle_is_named_in_the_site_language(sample_site, arabic):
    for build, names in (
        (sample_site, ["Switch to dark mode", "Switch to light mode"]),
        (arabic, ["التبديل إلى الوضع الداكن", "التبديل إلى الوضع الفاتح"]),
    ):
        page = build.html("news/")
        assert page.xpath("//form[@data-md-component='palette']/input/@aria-label") == names
        assert page.xpath("//form[@data-md-component='palette']/label/@title") == names
