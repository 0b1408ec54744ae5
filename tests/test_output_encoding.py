"""Output encoding: plain text shows as the very same text in every format the site writes.

Titles, summaries, datelines, a photo's alt text, caption and credit, term names and correction
notes are plain text, whatever characters they hold. Each string of HOSTILE is put into every
one of these fields of a release, and the built site is read as readers meet it: pages as a
browser parses them (visible text, attributes, meta tags), feeds as feedparser shows them (HTML
fields as the text their HTML shows), JSON Feed as JSON, the search index as Pagefind stores it
and as the search page shows it in Chromium. Nothing a string holds may become live markup.

Whitespace: the reader strips the ends of every text field and collapses the spaces of a term
name (README: names that differ only in spacing are one term); that is the text every output must
show exactly, spaces inside included. The one exception is the search index: Pagefind collapses
every run of whitespace in what it stores (meta values and the text it searches alike, no-break
spaces included), so search results show the text with its spaces collapsed, as a browser lays
out any text anyway.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import cbor2
import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import ROOT, Project, http_site, release_text

SITE = "https://newsroom.example.org/"
SITE_NAME = "Newsroom"
PNG = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()
TAXONOMIES = ("regions", "countries", "topics", "organizations")
CORRECTED = "2021-03-01"

#: Text that is markup, or looks like it, in every language the site writes: HTML (elements,
#: attributes, comments, character references), XML (CDATA), Jinja, JavaScript templates,
#: Markdown; and text that only Unicode makes hard. No control characters: those fail the build.
#: Each string has a letter, so that as a term name it has an address.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "Tom & Jerry <b>bold</b>",
    "&amp; literally",
    "a < b > c",
    "It's \"double\" and 'single' quoted",
    "{{ jinja }} and {% raw %}{{ 7*7 }}{% endraw %}",
    "${template} and `backticks` %s {0}",
    "back\\slash \\n \\u0041 \\\\ end\\",
    "RTL \u202eevil\u202c text",
    "Emoji 🚀 👩🏽‍⚖️ 𝕏 𠜎 astral",
    "Combining e\u0301 a\u0308\u0323 Z\u0351\u0352algo",
    "북한 인권 حقوق الإنسان",
    "Longword" + "x" * 90,  # term names may be 100 characters long at most
    "end ]]> here <![CDATA[x]]>",
    "--><!-- comment --> <!--",
    "   padded  two  spaces   ",
    "</textarea></title></style></script><svg onload=alert(1)>",
    "&lt;b&gt; &#60; &#x3C; &nbsp; &copy &notice",
    "*stars* _under_ [link](https://example.org) <https://example.org>",
    "javascript:alert(1)",
]

#: Where the hostile strings would be live markup, were they not escaped.
LIVE = [
    "//@*[starts-with(translate(name(), 'ON', 'on'), 'on')]",  # onerror, onload: event handlers
    "//script[not(@type = 'application/json' or @type = 'application/ld+json')][contains(., 'alert')]",
    # data (JSON, and schema.org's JSON-LD), with no way out of its script
    "//script[@type = 'application/json' or @type = 'application/ld+json'][contains(., '<')]",
    "//img[@src='x']",
    "//b[. = 'bold']",
    "//textarea",
    "//*[local-name() = 'svg'][contains(@onload, 'alert')]",
    "//a[starts-with(normalize-space(@href), 'javascript:')]",
    "//comment()[contains(., 'comment') or contains(., 'CDATA')]",
]


def squeeze(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Case:
    number: int
    raw: str
    """As the editor wrote it, in every field."""

    @property
    def text(self) -> str:
        """What every output must show of a text field."""
        return self.raw.strip()

    @property
    def searched(self) -> str:
        """What the search index and its results show of a text field."""
        return squeeze(self.raw)

    @property
    def name(self) -> str:
        """What every output must show of a term name."""
        return squeeze(self.raw)

    @property
    def slug(self) -> str:
        return f"hostile-{self.number:02d}"

    @property
    def file(self) -> str:
        return f"2021-01-{self.number + 1:02d}-{self.slug}.md"

    @property
    def url(self) -> str:
        return f"news/2021/01/{self.number + 1:02d}/{self.slug}/"

    @property
    def alias(self) -> str:
        return f"old/{self.slug}/"

    @property
    def marker(self) -> str:
        """A word in this release only (in its body), to search it by."""
        return "zq" + chr(ord("a") + self.number // 26) + chr(ord("a") + self.number % 26) + "marker"


CASES = [Case(number, raw) for number, raw in enumerate(HOSTILE)]
IDS = [f"{c.number:02d}" for c in CASES]
HUB = "2021-02-01-hub.md"
HUB_URL = "news/2021/02/01/hub/"
HUB_TITLE = "Every hostile name"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("encoding") / "project")
    project.asset("images/photo.png", PNG)
    for case in CASES:
        raw = case.raw
        project.release(
            case.file,
            release_text(
                title=raw,
                date=f"2021-01-{case.number + 1:02d}",
                summary=raw,
                dateline=raw,
                body=f"The body of the release, with its own word {case.marker}.",
                **{taxonomy: [raw] for taxonomy in TAXONOMIES},
                image={"src": "images/photo.png", "alt": raw, "caption": raw, "credit": raw},
                corrections=[{"date": CORRECTED, "note": raw}],
                aliases=[case.alias],
            ),
        )
    # Shares a country with every hostile release: they list it as related, and it lists them.
    project.release(HUB, release_text(title=HUB_TITLE, date="2021-02-01", countries=HOSTILE))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def live_markup(root) -> list[str]:
    return [
        f"{path}: {etree.tostring(hit) if not isinstance(hit, str) else hit!r}"
        for path in LIVE
        for hit in root.xpath(path)
    ]


def html_text(fragment: str) -> str:
    """The text an HTML fragment shows."""
    return lxml_html.fragment_fromstring(fragment, create_parent="div").text_content()


def html_live_markup(fragment: str) -> list[str]:
    return live_markup(lxml_html.fragment_fromstring(fragment, create_parent="div"))


def text_of(element) -> str:
    return element.text_content()


def one(found: list):
    assert len(found) == 1, found
    return found[0]


def meta(page, key: str) -> list[str]:
    return page.xpath(f"//head/meta[@property='{key}' or @name='{key}']/@content")


def resolve(page_url: str, href: str) -> str:
    """A link of the page at ``page_url`` as a URL relative to the site root."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(f"/{page_url}x"), href)).lstrip("/")
    return path + "/" if href.endswith("/") else path


def term_urls(site, case: Case) -> dict[str, str]:
    """The address of each of the case's terms, by taxonomy, from the links of its page."""
    page = site.html(case.url)
    found = {}
    for taxonomy in TAXONOMIES:
        (href,) = page.xpath(f"//dl[@class='nr-terms']//a[starts-with(@href, '../../../../../{taxonomy}/')]/@href")
        found[taxonomy] = resolve(case.url, href)
    return found


# -- pages ---------------------------------------------------------------------------------


def test_no_page_holds_live_markup_from_the_text(site):
    pages = site.pages()
    assert len(pages) > 100
    found = {
        str(path.relative_to(site.site)): hits
        for path in pages
        if (hits := live_markup(lxml_html.fromstring(path.read_bytes())))
    }
    assert found == {}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_release_page_shows_every_field_as_written(site, case):
    page = site.html(case.url)
    text, name = case.text, case.name
    assert page.findtext(".//title") == f"{text} - {SITE_NAME}"
    assert meta(page, "description") == [text]
    assert meta(page, "og:title") == [text]
    assert meta(page, "og:description") == [text]
    for key in ("og:image:alt", "twitter:image:alt"):
        assert meta(page, key) == [text], key
    assert meta(page, "article:tag") == [name]
    assert text_of(one(page.xpath("//*[@data-md-component='header-topic']"))).strip() == text

    article = one(page.xpath("//article"))
    assert text_of(one(article.xpath(".//h1"))) == text
    assert text_of(one(article.xpath(".//p[@class='nr-deck']"))) == text
    assert text_of(one(article.xpath(".//span[@class='nr-dateline']"))) == text
    assert article.xpath(".//figure[@class='nr-hero']/img/@alt") == [text]
    assert text_of(one(article.xpath(".//figure/figcaption"))) == f"{text} {text}"
    assert text_of(one(article.xpath(".//figcaption/span[@class='nr-credit']"))) == text
    correction = one(article.xpath(".//section[@class='nr-corrections']//li"))
    assert text_of(correction) == f"Correction, {correction.findtext('time')}: {text}"
    assert [text_of(a) for a in article.xpath(".//dl[@class='nr-terms']//a")] == [name] * 4
    assert [text_of(a) for a in article.xpath(".//section[@class='nr-related']//a")] == [HUB_TITLE]

    feeds = page.xpath("//head/link[@rel='alternate feed']/@title")
    assert [f"{SITE_NAME}: {name} ({kind})" for kind in ("RSS", "Atom", "JSON Feed")] == feeds[3:]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_footers_of_its_neighbours_show_the_title(site, case):
    """Material's footer links each release to the one before and the one after it, by title."""
    newer = CASES[case.number + 1].url if case.number + 1 < len(CASES) else HUB_URL
    older = CASES[case.number - 1].url if case.number else None
    for url, direction, label in ((newer, "prev", "Previous"), (older, "next", "Next")):
        if url is None:
            continue
        link = one(site.html(url).xpath(f"//a[contains(@class, 'md-footer__link--{direction}')]"))
        assert link.get("aria-label") == f"{label}: {case.text}", url
        assert text_of(one(link.xpath(".//div[contains(@class, 'md-ellipsis')]"))).strip() == case.text, url


def test_the_hub_lists_hostile_releases_as_related(site):
    page = site.html(HUB_URL)
    related = [text_of(a) for a in page.xpath("//section[@class='nr-related']//a")]
    assert len(related) == 5 and set(related) <= {c.text for c in CASES}
    feeds = page.xpath("//head/link[@rel='alternate feed' and @type='application/rss+xml']/@title")
    assert set(feeds[1:]) == {f"{SITE_NAME}: {c.name} (RSS)" for c in CASES}


def test_listings_show_titles_datelines_and_summaries_as_written(site):
    cards: dict[str, list[Any]] = {}
    for url in ("", "news/", "news/page/2/"):
        for card in site.html(url).xpath("//li[@class='nr-card']"):
            href = one(card.xpath(".//h2/a/@href"))
            cards.setdefault(resolve(url, href), []).append(card)
    for case in CASES:
        found = cards[case.url]
        assert len(found) in (1, 2), case.number  # news/, and the home page for the newest
        for card in found:
            assert text_of(one(card.xpath(".//h2/a"))) == case.text
            assert text_of(one(card.xpath(".//span[@class='nr-dateline']"))) == case.text
            assert text_of(one(card.xpath(".//p[@class='nr-card__summary']"))) == case.text


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_term_pages_show_the_name_as_written(site, case):
    name = case.name
    for url in term_urls(site, case).values():
        page = site.html(url)
        assert page.findtext(".//title") == f"{name} - {SITE_NAME}", url
        assert text_of(one(page.xpath("//*[@data-md-component='header-topic']"))).strip() == name
        assert text_of(one(page.xpath("//article//h1"))) == name
        more = [text_of(a) for a in page.xpath("//p[@class='nr-more']/a")]
        assert more == [f"Search within {name}", f"Follow {name} in a feed reader"]
        feeds = page.xpath("//head/link[@rel='alternate feed']/@title")
        assert feeds[3:] == [f"{SITE_NAME}: {name} ({kind})" for kind in ("RSS", "Atom", "JSON Feed")]
        titles = [text_of(a) for a in page.xpath("//li[@class='nr-card']//h2/a")]
        assert case.text in titles


def test_indexes_subscribe_and_search_pages_list_names_as_written(site):
    names = {c.name for c in CASES}
    for taxonomy in TAXONOMIES:
        listed = {text_of(a) for a in site.html(f"{taxonomy}/").xpath("//ul[@class='nr-terms-list']//a")}
        assert names <= listed, taxonomy
    subscribe = [text_of(a) for a in site.html("subscribe/").xpath("//*[@class='nr-feed-name']")]
    for name in names:
        assert subscribe.count(name) == 4, name
    terms = json.loads(one(site.html("search/").xpath("//script[@id='nr-search-terms']/text()")))
    for facet in ("region", "country", "topic", "organization"):
        assert names <= set(terms[facet].values()), facet


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_redirect_pages_show_the_title_as_written(site, case):
    page = site.html(case.alias)
    assert page.findtext(".//title") == f"{case.text} - {SITE_NAME}"
    assert text_of(one(page.xpath("//body//a"))) == case.text


def test_the_sitemap_is_xml_with_every_release(site):
    tree = etree.parse(str(site.site / "sitemap.xml"))
    locs = tree.xpath("//*[local-name()='loc']/text()")
    assert {SITE + c.url for c in CASES} <= set(locs)
    assert all(loc.startswith(SITE) for loc in locs)


# -- feeds -----------------------------------------------------------------------------------


def shown(detail) -> str:
    """What a feed reader shows of a feedparser text construct: the text of HTML, text as it is."""
    if detail.type in ("text/html", "application/xhtml+xml"):
        return html_text(detail.value)
    assert detail.type == "text/plain", detail.type
    return detail.value


def parsed(site, name: str):
    result = feedparser.parse((site.site / name).read_bytes())
    assert not result.bozo, (name, result.get("bozo_exception"))
    return result


@pytest.fixture(scope="module")
def feeds(site):
    return {
        kind: {e.link: e for e in parsed(site, name).entries}
        for kind, name in (("rss", "feed.xml"), ("atom", "atom.xml"))
    }


@pytest.fixture(scope="module")
def json_items(site):
    document = json.loads((site.site / "feed.json").read_text(encoding="utf-8"))
    return {item["url"]: item for item in document["items"]}


def check_content(content_html: str, case: Case) -> None:
    content = lxml_html.fragment_fromstring(content_html, create_parent="div")
    assert content.xpath("./figure/img/@alt") == [case.text]
    assert text_of(one(content.xpath("./figure/figcaption"))) == f"{case.text} {case.text}"
    assert live_markup(content) == []


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_feed_readers_show_every_field_as_written(feeds, case, kind):
    entry = feeds[kind][SITE + case.url]
    assert shown(entry.title_detail) == case.text
    assert shown(entry.summary_detail) == case.text
    assert [tag.term for tag in entry.tags] == [case.name] * 4
    assert entry.get("dc_coverage") == case.text
    (content,) = entry.content
    assert content.type == "text/html"
    check_content(content.value, case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_json_feed_items_hold_plain_text(json_items, case):
    item = json_items[SITE + case.url]
    assert item["title"] == case.text
    assert item["summary"] == case.text
    assert item["tags"] == [case.name] * 4
    assert item["_newsroom"]["dateline"] == case.text
    check_content(item["content_html"], case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_term_feeds_are_named_as_written(site, case):
    description = "Press releases on human rights, with their photos, people, places and subjects."
    for url in term_urls(site, case).values():
        for name in ("feed.xml", "atom.xml"):
            channel = parsed(site, url + name).feed
            assert shown(channel.title_detail) == f"{SITE_NAME}: {case.name}", url + name
            assert shown(channel.subtitle_detail) == f"{description} — {case.name}", url + name
        document = json.loads((site.site / url / "feed.json").read_text(encoding="utf-8"))
        assert document["title"] == f"{SITE_NAME}: {case.name}"
        assert document["description"] == f"{description} — {case.name}"


def test_html_in_feeds_holds_no_live_markup(site):
    """Every field a reader may take as HTML: RSS titles and descriptions, the content of all formats."""
    namespaces = {"a": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
    checked = 0
    for path in sorted(site.site.rglob("*")):
        fragments = []
        if path.name == "feed.xml":
            tree = etree.parse(str(path))
            fragments = tree.xpath(
                "//title/text() | //description/text() | //content:encoded/text()", namespaces=namespaces
            )
        elif path.name == "atom.xml":
            tree = etree.parse(str(path))
            fragments = tree.xpath(
                "//a:content[@type='html']/text() | //a:*[@type='html']/text()", namespaces=namespaces
            )
        elif path.name == "feed.json":
            fragments = [i["content_html"] for i in json.loads(path.read_text(encoding="utf-8"))["items"]]
        for fragment in fragments:
            checked += 1
            assert html_live_markup(fragment) == [], (str(path.relative_to(site.site)), fragment)
    assert checked > 500


# -- the search index ----------------------------------------------------------------------

MAGIC = b"pagefind_dcd"


def pagefind_data(path):
    """A Pagefind data file: gzip, a magic number, then JSON (fragments) or CBOR (the rest)."""
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(MAGIC), path
    data = data[len(MAGIC) :]
    return json.loads(data) if data[:1] == b"{" else cbor2.loads(data)


def from_index(value: str) -> str:
    """A filter value as the index holds it: JSON-escaped, since Pagefind looks filters up as JSON
    writes them (see search.filter_value); the search page reads the escapes back."""
    return json.loads(f'"{value}"')


@pytest.fixture(scope="module")
def fragments(site):
    found = {}
    for path in (site.site / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = pagefind_data(path)
        found[fragment["url"].strip("/") + "/"] = fragment
    return found


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_search_index_holds_the_exact_text(fragments, case):
    fragment = fragments[case.url]
    meta = fragment["meta"]
    assert (meta["title"], meta["summary"], meta["dateline"]) == (case.searched,) * 3
    for facet in ("region", "country", "topic", "organization"):
        assert [from_index(v) for v in fragment["filters"][facet]] == [case.name], facet
    # Hangul syllables are indexed decomposed into their jamo (search.indexable), nothing else.
    hangul = {code: unicodedata.normalize("NFD", chr(code)) for code in range(0xAC00, 0xD7A4)}
    assert case.searched.translate(hangul) in fragment["content"]


def test_the_search_filters_hold_the_exact_names(site):
    values = {}
    for path in (site.site / "pagefind" / "filter").glob("*.pf_filter"):
        name, entries = pagefind_data(path)
        values[name] = {from_index(entry[0]) for entry in entries}
    names = {c.name for c in CASES}
    for facet in ("region", "country", "topic", "organization"):
        assert values[facet] == names, facet


# -- the search interface, in Chromium -------------------------------------------------------


@pytest.fixture(scope="module")
def tab(browser, site):
    base = http_site(site)
    context = browser.new_context()
    page = context.new_page()
    page.base = base
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


INJECTED = """(base) => [
  ...Array.from(document.querySelectorAll("*")).flatMap((e) =>
    Array.from(e.attributes).filter((a) => a.name.toLowerCase().startsWith("on"))
      .map((a) => e.tagName + "[" + a.name + "]")),
  ...Array.from(document.querySelectorAll("script:not([type='application/json'])")).filter((s) =>
    s.textContent.includes("alert") || (s.src && !s.src.startsWith(base))).map((s) => s.outerHTML),
  ...Array.from(document.querySelectorAll("img[src='x'], b, textarea, a[href^='javascript:']")).map((e) => e.outerHTML),
]"""


def texts(tab, selector: str) -> list[str]:
    """The text of each element (textContent: as written, not as CSS lays it out)."""
    return tab.eval_on_selector_all(selector, "(found) => found.map((e) => e.textContent)")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_search_page_and_box_show_the_text_and_inject_nothing(site, tab, case):
    country = term_urls(site, case)["countries"].split("/")[1]
    tab.goto(tab.base + f"search/?q={case.marker}&country={quote(country)}")
    tab.wait_for_function(
        "() => /^(No results|\\d+ results?)$/.test(document.querySelector('#nr-results-status').textContent)"
    )
    assert texts(tab, ".nr-result__title a") == [case.searched]
    assert texts(tab, ".nr-result__meta")[0].startswith(f"{case.searched} · ")
    excerpt = texts(tab, ".nr-result__excerpt")[0]
    assert case.searched in excerpt and case.marker in excerpt
    assert [case.marker in mark for mark in texts(tab, ".nr-result__excerpt mark")] == [True]
    assert texts(tab, f"label[for='nr-facet-country-{country}']") == [f"{case.name} 1"]
    assert tab.is_checked(f"#nr-facet-country-{country}")

    tab.focus("#nr-search-input")
    tab.keyboard.type(case.marker)
    tab.wait_for_function(
        "() => /^(No results|\\d+ results?)$/.test(document.querySelector('#nr-search-status').textContent)"
    )
    assert texts(tab, "#nr-search-list .nr-search__title") == [case.searched]
    assert texts(tab, "#nr-search-list .nr-search__meta")[0].startswith(f"{case.searched} · ")
    excerpt = texts(tab, "#nr-search-list .nr-search__excerpt")[0]
    assert case.searched in excerpt and case.marker in excerpt

    assert tab.evaluate(INJECTED, tab.base) == []
    assert tab.dialogs == []


@pytest.mark.parametrize("query", ["literally", "jerry", "bold", "alert"])
def test_excerpts_show_the_text_around_the_words_found(site, tab, query):
    """Pagefind's own excerpts escape < and > but not &: the page shows the text in order itself."""
    tab.goto(tab.base + f"search/?q={query}")
    tab.wait_for_function(
        "() => /^(No results|\\d+ results?)$/.test(document.querySelector('#nr-results-status').textContent)"
    )
    titles = texts(tab, ".nr-result__title a")
    excerpts = texts(tab, ".nr-result__excerpt")
    assert titles and len(titles) == len(excerpts)
    for title, excerpt in zip(titles, excerpts, strict=True):
        if title == HUB_TITLE:
            # Found by the names of its countries only (never shown in an excerpt): its summary.
            assert excerpt == "What happened, in one sentence."
            continue
        assert title in excerpt, (title, excerpt)
    marks = texts(tab, ".nr-result__excerpt mark")
    assert marks and all(query in mark.lower() for mark in marks), marks
    assert tab.evaluate(INJECTED, tab.base) == []
    assert tab.dialogs == []
