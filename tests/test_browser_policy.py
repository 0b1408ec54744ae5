"""The browser policy as readers' browsers meet it: a Content-Security-Policy in every page and in
``_headers`` that allows nothing from another host and no inline script but the theme's own (by
hash), checked in a real Chromium; the site served from a mirror under another path; the onion
address of every page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from conftest import FIXTURES, Project, http_site, release_text, site_tab
from newsroom import text_edition
from newsroom.browser_policy import digest, inline_scripts

ONION = "http://" + "a" * 56 + ".onion/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("policy") / "project")
    project.copy_releases(FIXTURES / "archive")
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def policy_of(page: lxml.html.HtmlElement) -> dict[str, list[str]]:
    metas = page.xpath(
        "//head/meta[translate(@http-equiv, 'CONTENTSURIYPOL', 'contentsuriypol')='content-security-policy']"
    )
    assert len(metas) == 1
    directives = {}
    for part in metas[0].get("content").split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def html_pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if "pagefind" not in p.parts)


def test_every_page_carries_the_policy_before_any_script_and_it_allows_exactly_the_pages_inline_scripts(site):
    pages = html_pages(site.site)
    assert len(pages) > 50
    for path in pages:
        text = path.read_text(encoding="utf-8")
        page = lxml.html.document_fromstring(text)
        policy = policy_of(page)
        assert policy["default-src"] == ["'none'"], path
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"], path
        assert [s for s in policy["script-src"] if not s.startswith("'")] == [], f"{path}: a host is allowed"
        for directive, sources in policy.items():
            assert not any(s.startswith(("http:", "https:", "*")) for s in sources), (path, directive)
        # The policy applies from where it stands: nothing runnable may come before it.
        meta = page.xpath("//meta[@http-equiv='Content-Security-Policy']")[0]
        assert not meta.xpath("preceding::script"), path
        for script in inline_scripts(text):
            assert digest(script) in policy["script-src"], f"{path}: inline script not allowed: {script[:80]}"


def test_the_headers_file_sends_the_same_policy_with_the_other_security_headers(site):
    headers = (site.site / "_headers").read_text(encoding="utf-8").splitlines()
    assert "/*" in headers
    values = dict(line.strip().split(": ", 1) for line in headers if line.startswith("  "))
    page_policy = policy_of(site.html(""))
    header_policy = {p.split()[0]: p.split()[1:] for p in values["Content-Security-Policy"].split(";")}
    assert header_policy.pop("frame-ancestors") == ["'none'"]
    assert header_policy == page_policy
    # The header reaches the text edition's pages too: their one style must be allowed there.
    assert header_policy["style-src"] == ["'self'", digest(text_edition.STYLE)]
    assert values["X-Content-Type-Options"] == "nosniff"
    assert values["Referrer-Policy"] == "no-referrer"
    assert values["X-Frame-Options"] == "DENY"
    assert "Onion-Location" not in values


def test_an_alias_cannot_take_the_headers_file(project):
    project.release("2020-03-03-a.md", release_text(aliases=["_headers"]))
    project.failing_build("_headers", "the headers file")


# -- in Chromium ------------------------------------------------------------------


@pytest.fixture
def strict_page(browser, site):
    """A tab on the site that records every policy violation and every request to another host."""
    # Evaluated by the browser itself before the page's scripts, whatever the page's policy says.
    record = (
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"
    )
    with site_tab(browser, site, record) as tab:
        yield tab


def violations(tab) -> list[str]:
    return tab.evaluate("window.__violations")


def test_pages_work_under_the_policy_search_and_palette_included(strict_page):
    tab = strict_page
    for url in ("", "news/", "countries/", "search/", "subscribe/"):
        tab.goto(tab.base + url)
        tab.wait_for_load_state("load")
        # Material's script ran: it adds its own classes and sets up the palette.
        assert tab.evaluate("document.documentElement.classList.contains('js')") or tab.evaluate(
            "typeof __md_scope !== 'undefined'"
        )
        assert violations(tab) == [], url
    tab.goto(tab.base + "news/")
    scheme = tab.evaluate("document.body.getAttribute('data-md-color-scheme')")
    tab.locator("label[for^='__palette']:visible").first.click()
    tab.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') !== {scheme!r}")
    tab.reload()
    assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme  # the inline script ran
    tab.focus("#nr-search-input")
    tab.keyboard.type("Kenya")
    tab.wait_for_selector("#nr-search-list [role=option]")
    assert violations(tab) == []


def test_injected_remote_image_and_inline_script_are_blocked(strict_page):
    tab = strict_page
    tab.goto(tab.base + "news/")
    tab.evaluate(
        """() => {
            const img = document.createElement('img');
            img.src = 'https://tracker.example/pixel.png';
            document.body.append(img);
            const script = document.createElement('script');
            script.textContent = 'window.__ran = true';
            document.body.append(script);
        }"""
    )
    tab.wait_for_function("() => window.__violations.length >= 2")
    found = violations(tab)
    assert any(v.startswith("img-src https://tracker.example/pixel.png") for v in found), found
    assert any(v.startswith("script-src-elem inline") for v in found), found
    assert tab.evaluate("window.__ran === undefined")


# -- a mirror under another path ------------------------------------------------------


def test_the_site_works_from_a_mirror_under_another_path(browser, site):
    base = http_site(site, "/mirror/newsroom/")
    context = browser.new_context()
    requested: list[tuple[str, int]] = []
    context.on("requestfinished", lambda r: requested.append((r.url, r.response().status if r.response() else 0)))

    def failed(request) -> None:
        # A request the next navigation cancels (the favicon, often) is not a failure of the mirror.
        if request.failure != "net::ERR_ABORTED":
            requested.append((request.url, -1))

    context.on("requestfailed", failed)
    tab = context.new_page()
    tab.goto(base)
    # Home -> a release -> one of its countries -> the subscribe page -> search.
    tab.click("article a[href*='news/20']")
    tab.wait_for_selector(".nr-terms")
    feeds = tab.eval_on_selector_all("link[rel~='alternate'][type]", "links => links.map(l => l.href)")
    assert feeds and all(f.startswith(base) for f in feeds), feeds
    tab.click(".nr-terms a[href*='countries/']")
    tab.wait_for_load_state("load")
    assert "/countries/" in tab.url
    tab.goto(base + "search/?q=Kenya")
    tab.wait_for_selector(".nr-result")
    tab.click(".nr-result a")
    tab.wait_for_load_state("load")
    assert tab.url.startswith(base + "news/")
    for feed in feeds:
        assert tab.request.get(feed).status == 200, feed
    context.close()
    assert requested
    wrong = [(url, status) for url, status in requested if not url.startswith(base) or status not in (200, 304)]
    assert wrong == [], wrong


# -- the onion service -------------------------------------------------------------


def test_every_page_names_its_onion_address_and_the_headers_file_too(project):
    project.release("2020-03-03-a.md", release_text())
    project.newsroom(onion_location=ONION.rstrip("/"))
    build = project.build()
    assert build.returncode == 0, build.log
    release = build.html("news/2020/03/03/a/")
    assert release.xpath("//meta[@http-equiv='onion-location']/@content") == [ONION + "news/2020/03/03/a/"]
    assert build.html("").xpath("//meta[@http-equiv='onion-location']/@content") == [ONION]
    headers = (build.site / "_headers").read_text(encoding="utf-8")
    assert f"  Onion-Location: {ONION}:splat\n" in headers


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/",
        "http://short.onion/",
        "ftp://" + "a" * 56 + ".onion/",
        "http://u@" + "a" * 56 + ".onion/",
        5,
    ],
)
def test_an_onion_location_that_is_not_one_fails_saying_what_is_expected(project, value):
    project.release("2020-03-03-a.md", release_text())
    project.newsroom(onion_location=value)
    build = project.build()
    assert build.returncode != 0
    assert (
        "mkdocs.yml: extra.newsroom.onion_location: expected the site's address as an onion service, "
        f"such as http://<56 characters>.onion/, got {value!r}"
    ) in build.log


def test_the_policy_names_the_embed_hosts_a_site_lists_and_no_other(project):
    project.release("2020-03-03-a.md", release_text())
    project.newsroom(embed_hosts=["www.youtube-nocookie.com"])
    build = project.build()
    assert build.returncode == 0, build.log
    policy = policy_of(build.html(""))
    assert policy["frame-src"] == ["https://www.youtube-nocookie.com"]
    assert policy["img-src"] == ["'self'", "data:", "https://www.youtube-nocookie.com"]
    assert policy["connect-src"] == ["'self'"]
    assert urlsplit(policy["media-src"][1]).hostname == "www.youtube-nocookie.com"


def test_a_template_that_adds_an_inline_script_fails_the_build_naming_it(project):
    """An organization's own template with an inline script would not run under the policy: the
    build says so instead of publishing a page that silently does not work."""
    import shutil

    from conftest import ROOT

    custom = project.path / "custom_overrides"
    shutil.copytree(ROOT / "overrides", custom)
    (custom / "partials/newsroom/release-extra.html").write_text("<script>document.title = 'x'</script>\n")
    project.config["theme"]["custom_dir"] = "custom_overrides"
    project.release("2020-03-03-a.md", release_text())
    project.failing_build(
        "press_releases/2020-03-03-a.md: its page (news/2020/03/03/a/) runs an inline script the "
        "Content-Security-Policy does not allow",
        "\"document.title = 'x'\"; move it into a file under overrides/assets/javascripts/",
        check=False,
    )


def test_the_preview_lets_its_live_reload_script_run_and_still_loads_nothing_from_elsewhere(project):
    """`make serve` adds a live-reload script that differs on every page it serves: the preview's
    policy allows inline scripts (and only there)."""
    import time
    import urllib.request

    project.release("2020-03-03-a.md", release_text())
    with project.serving() as base:
        for _ in range(100):
            try:
                text = urllib.request.urlopen(f"{base}news/2020/03/03/a/").read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("mkdocs serve did not answer")
    policy = policy_of(lxml.html.document_fromstring(text))
    assert "'unsafe-inline'" in policy["script-src"]
    assert not [s for s in policy["script-src"] if s.startswith("'sha256-")]
    assert policy["default-src"] == ["'none'"] and policy["connect-src"] == ["'self'"]
    assert "livereload(" in text
