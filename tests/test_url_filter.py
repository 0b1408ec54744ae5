"""The templates' ``url`` filter (``mkdocs_site.url_filter``) gives exactly what MkDocs' own
(``mkdocs.utils.normalize_url``) gives, for any target from any page, in any order of calls."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import normalize_url

from newsroom.mkdocs_site.url_filter import make_url_filter


@dataclass
class FakePage:
    url: str


SEGMENTS = st.sampled_from(["news", "2021", "x", "ko", "feed.xml", "a.b", ".", "..", "", "index.html", "검색"])
TARGETS = st.one_of(
    st.lists(SEGMENTS, max_size=6).map("/".join),
    st.sampled_from(
        [
            "",
            ".",
            "./",
            "..",
            "../x/",
            "/",
            "/abs/",
            "#top",
            "https://example.org/x/",
            "mailto:press@example.org",
            "//host/x",
            "x?q=1#y",
            "search/?q=a b",
            "assets/stylesheets/newsroom.css",
        ]
    ),
)
FOLDERS = st.lists(SEGMENTS.filter(lambda s: s not in (".", "..", "")), max_size=5)
PAGE_URLS = st.one_of(
    FOLDERS.map(lambda p: "/".join(p) + "/" if p else ""),
    st.sampled_from(["", "news/2021/05/06/x/", "ko/news/", "about/index.html", "404.html", "a.b/c/"]),
)


@given(calls=st.lists(st.tuples(st.one_of(st.none(), PAGE_URLS), TARGETS), min_size=1, max_size=30))
def test_the_url_filter_gives_what_mkdocs_gives(calls):
    url = make_url_filter()
    for page_url, target in calls:
        page = FakePage(page_url) if page_url is not None else None
        context = {"page": page, "base_url": "../.."}
        assert url(context, target) == normalize_url(target, page, "../.."), (page_url, target)  # type: ignore[arg-type]


def test_a_release_page_links_its_neighbours_feeds_and_terms_as_mkdocs_does():
    url = make_url_filter()
    context = {"page": FakePage("news/2025/01/01/release-000952/"), "base_url": "../../../../.."}
    assert url(context, "news/2025/01/01/release-000953/") == "../release-000953/"
    assert url(context, "news/2024/10/21/release-001085/") == "../../../../2024/10/21/release-001085/"
    assert url(context, "countries/lebanon/feed.xml") == "../../../../../countries/lebanon/feed.xml"
    assert url(context, "") == "../../../../.."
    assert url(context, "https://example.org/") == "https://example.org/"
