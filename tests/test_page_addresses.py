"""The canonical and edit addresses of the pages the site makes (releases, listings, redirects)
are worked out without a URL parse per page (``mkdocs_site.pages.QuickAddresses``); they must be
exactly MkDocs' own, for any address, site URL, repository and edit path."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from newsroom.mkdocs_site.pages import QuickAddresses

_SEGMENT = st.text(alphabet="abcXYZ019-_~.%?#:@ é", min_size=0, max_size=8)
_PATH = st.one_of(
    st.lists(_SEGMENT, min_size=0, max_size=5).map("/".join),
    st.lists(st.text(alphabet="ab09-_~", min_size=1, max_size=6), max_size=5).map("/".join),  # the quick way
)
_SITES = st.sampled_from(
    ["https://newsroom.example.org/", "https://example.org/news", "http://mirror.example:8080/a/b/", "", "/"]
)
_REPOS = st.sampled_from(["https://github.com/example/newsroom", "https://git.example/x/", "", None])
_EDIT_URIS = st.sampled_from(
    ["edit/main/docs/", "blob/main/docs/", "?path=/docs/", "https://other.example/e/", "", None]
)


def _addresses(kind: type[Page], url: str, edit_uri: str | None, site: str, repo: str | None, edit: str | None):
    page = kind.__new__(kind)
    page.file = SimpleNamespace(url=url, edit_uri=edit_uri)  # type: ignore[assignment]
    page._set_canonical_url(site)
    try:
        page._set_edit_url(repo, edit, None)
    except AssertionError:  # MkDocs' own precondition: an edit path ends with '/'
        page.edit_url = "refused"
    return page.canonical_url, page.abs_url, page.edit_url


@settings(max_examples=500, deadline=None)
@given(
    url=st.one_of(_PATH.map(lambda p: p + "/"), _PATH),
    edit_uri=st.one_of(st.none(), _PATH.map(lambda p: "../" + p), _PATH),
    site=_SITES,
    repo=_REPOS,
    edit=_EDIT_URIS,
)
@example(
    "news/2020/03/03/a/",
    "../press_releases/2020-03-03-a.md",
    "https://newsroom.example.org/",
    "https://github.com/example/newsroom",
    "edit/main/docs/",
)
@example("news/./x/", "../press_releases/../secret.md", "https://n.example/", "https://g.example/r", "edit/main/docs/")
def test_the_quick_addresses_of_a_page_are_mkdocs_own(url, edit_uri, site, repo, edit):
    assert _addresses(QuickAddresses, url, edit_uri, site, repo, edit) == _addresses(
        Page, url, edit_uri, site, repo, edit
    )


@settings(max_examples=100, deadline=None)
@given(
    title=st.one_of(st.none(), st.text(max_size=12)),
    site=_SITES,
    repo=_REPOS,
    edit=_EDIT_URIS,
    src=st.sampled_from(["../press_releases/2020-03-03-a.md", "about.md", "news/index.md"]),
    dest=st.sampled_from(["news/2020/03/03/a/index.html", "about/index.html", "index.html", "a.html"]),
)
def test_a_page_of_the_sites_making_is_as_mkdocs_makes_it(title, site, repo, edit, src, dest):
    """Every attribute MkDocs' ``Page.__init__`` sets, the quick page sets alike (but for the page's
    file, which is each page's own), including the build's date."""
    config = MkDocsConfig()
    config.load_dict({"site_name": "Newsroom", "site_url": site or None, "repo_url": repo, "edit_uri": edit})
    if config.validate()[0]:  # settings MkDocs refuses: no page is ever made with them
        return
    made: dict[type[Page], object] = {}
    for kind in (QuickAddresses, Page):
        file = File(src, src_dir="/docs", dest_dir="/site", use_directory_urls=True)
        file.dest_uri = dest
        try:
            page = kind(title, file, config)
        except AssertionError:  # MkDocs' own precondition: an edit path ends with '/'
            made[kind] = "refused"
            continue
        assert file.page is page
        made[kind] = {name: value for name, value in vars(page).items() if name != "file"}
    assert made[QuickAddresses] == made[Page]
