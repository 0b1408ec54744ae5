"""Every kind of page is valid HTML (Nu HTML Checker) and has no serious or critical
accessibility violation (axe-core in Chromium), in the light and the dark palette."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, ROOT, Project, http_site, release_text, unavailable
from helpers import AXE, html_errors, serious_violations


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("quality") / "project")
    project.copy_releases(FIXTURES / "archive")
    project.copy_releases(ROOT / "press_releases")
    project.newsroom(per_page=5)
    project.doc("countries/north-korea.md", "An introduction with a [link](../about.md).\n")
    project.release(
        # In place of the repository's own Korean version, at an address of its own.
        "2020-03-03-south-korea-stand-with-north-korean-victims-ko.md",
        release_text(
            slug="stand-with-victims-ko",  # a translation, linked both ways
            title="북한 인권 피해자와 함께",
            date="2020-03-03T10:00",
            language="ko",
            dateline="서울",
            translations={"en": "2020-03-03-south-korea-stand-with-north-korean-victims.md"},
        ),
    )
    project.release(
        "2020-04-01-warned.md",
        release_text(  # a content warning, the photo behind it, contacts of its own
            title="Witnesses describe the camps",
            date="2020-04-01T10:00",
            dateline="Seoul",
            content_warning="Descriptions of torture.",
            image={"src": "images/2020-03-03-seoul-placeholder.png", "alt": "A placeholder.", "caption": "A caption."},
            contacts=[{"name": "Press office", "languages": ["en", "ko"], "phone": "+82 2 3789 1234"}],
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def kinds_of_pages(site) -> list[str]:
    """One page of every kind the site has, each checked to be there: the Nu HTML Checker passes
    a file that does not exist without a word."""
    urls = [
        "",
        "news/",
        "news/page/2/",
        "news/2020/",
        "regions/",
        "countries/",
        "topics/",
        "organizations/",
        "countries/north-korea/",
        "countries/north-korea/page/2/",
        "about/",
        "404.html",
        "news/2020/03/03/south-korea-stand-with-north-korean-victims/",
        "news/2020/03/03/stand-with-victims-ko/",
        "news/2020/04/01/warned/",
        "subscribe/",
        "search/",
    ]
    # The text-only edition: every kind of its pages (newsroom.text_edition).
    urls += ["text/" + url for url in urls if url not in ("about/", "404.html", "subscribe/", "search/")]
    missing = [url for url in urls if not site.exists(url)]
    assert missing == [], f"pages to check that were not built: {missing}"
    return urls


def test_pages_are_valid_html(site):
    files = [str(site.path(url)) for url in kinds_of_pages(site)]
    assert html_errors(files) == []


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_pages_have_no_serious_accessibility_violations(site, browser, scheme):
    if not AXE.exists():
        unavailable("axe-core needs `npm ci` (make test runs it)")
    base = http_site(site)
    page = browser.new_page()
    found = []
    for url in kinds_of_pages(site):
        page.goto(base + url)
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        # Colours change through CSS transitions: axe must measure them when they have ended.
        page.wait_for_function("() => document.getAnimations().length === 0")
        found += serious_violations(page, url or "/")
    page.close()
    assert found == []


#: axe's rules on landmarks, whatever the impact they report (landmark-unique is "moderate", which
#: the test above lets pass): two search forms with no name on one page are two landmarks a
#: screen reader cannot tell apart.
LANDMARK_RULES = [
    "landmark-unique",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-complementary-is-top-level",
]


def test_landmarks_are_unique_and_named(site, browser):
    if not AXE.exists():
        unavailable("axe-core needs `npm ci` (make test runs it)")
    base = http_site(site)
    page = browser.new_page()
    found = []
    for url in kinds_of_pages(site):
        page.goto(base + url)
        page.evaluate(AXE.read_text(encoding="utf-8"))  # not a script tag: the pages' policy refuses it
        result = page.evaluate(
            "(rules) => axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})",
            LANDMARK_RULES,
        )
        assert {r["id"] for r in result["passes"] + result["violations"] + result["inapplicable"]} <= set(
            LANDMARK_RULES
        )
        for violation in result["violations"]:
            targets = [n["target"] for n in violation["nodes"]][:3]
            found.append(f"{url or '/'}: {violation['id']}: {violation['help']} {targets}")
    assert found == []
    # Both search forms of the search page are landmarks, each with its own name.
    page.goto(base + "search/")
    names = page.eval_on_selector_all("[role=search]", "forms => forms.map(f => f.getAttribute('aria-label'))")
    assert names == ["Quick search", "Search and filter releases"]
    page.close()
