"""Term names in other languages (``press_releases/_terms.yml``, ``newsroom.term_names``): a release
in Korean shows its terms under their Korean names, at the same addresses; a malformed file fails
the build at its line; a language the site does not publish in, or a name no release uses, is
advice that does not fail a --strict build."""

from __future__ import annotations

import json
from typing import Any

from conftest import release_text

SITE = "https://newsroom.example.org/"
TERMS = """\
countries:
  North Korea: {ko: 북한, ar: كوريا الشمالية}
  South Korea:
    ko: 대한민국
topics:
  Torture: {ko: 고문}
"""


def _releases(project) -> None:
    terms: dict[str, Any] = {"countries": ["North Korea", "South Korea"], "topics": ["Torture"], "regions": ["Asia"]}
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01", **terms))
    project.release(
        "2021-01-01-x-ko.md", release_text(title="엑스", date="2021-01-01", slug="x-ko", language="ko", **terms)
    )


def _terms_of(page) -> list[tuple[str, str]]:
    return [(a.text_content(), a.get("href")) for a in page.xpath("//dl[@class='nr-terms']//a")]


def test_a_korean_release_shows_its_terms_korean_names_at_the_same_addresses(project):
    _releases(project)
    project.release("_terms.yml", TERMS)
    build = project.build()
    assert build.returncode == 0, build.log
    korean = _terms_of(build.html("news/2021/01/01/x-ko/"))
    assert ("북한", "../../../../../countries/north-korea/") in korean
    assert ("대한민국", "../../../../../countries/south-korea/") in korean
    assert ("고문", "../../../../../topics/torture/") in korean
    assert ("Asia", "../../../../../regions/asia/") in korean, "a term without a Korean name keeps its own"
    english = [name for name, _ in _terms_of(build.html("news/2021/01/01/x/"))]
    assert "North Korea" in english and "북한" not in english
    assert "북한" in build.text("text/news/2021/01/01/x-ko/")
    (data,) = build.html("news/2021/01/01/x-ko/").xpath("//script[@type='application/ld+json']/text()")
    article = json.loads(data)
    assert {"@type": "Country", "name": "북한", "url": SITE + "countries/north-korea/"} in article["about"]
    assert "고문" in article["keywords"] and "Torture" not in article["keywords"]
    assert not build.exists("_terms.yml") and not build.exists("media/_terms.yml"), "the file is not published"


def test_a_site_of_several_languages_is_told_of_names_it_lacks_and_names_it_does_not_use(project):
    project.newsroom(languages=["en", "ko"])
    _releases(project)
    project.release("_terms.yml", TERMS + "organizations:\n  Nobody Yet: {ko: 아무도}\n")
    build = project.build()  # --strict: advice does not fail it
    assert build.returncode == 0, build.log
    assert (
        "advice: press_releases/_terms.yml:2: countries.North Korea.ar: 'ar' is not one of the site's languages "
        "(en, ko, in extra.newsroom.languages in mkdocs.yml); the name is not shown"
    ) in build.log
    assert (
        "advice: press_releases/_terms.yml:8: organizations.Nobody Yet: no release uses this organization (yet); "
        "its names are kept for when one does"
    ) in build.log
    assert "advice: _terms.yml: regions.Asia has no name in 'ko'; releases in that language show 'Asia'" in build.log
    assert "countries.North Korea has no name" not in build.log


def test_a_malformed_terms_file_fails_the_build_at_its_line(project):
    _releases(project)
    for text, message in (
        ("countries:\n  North Korea: {ko: 북한\n", "press_releases/_terms.yml:3: is not valid YAML"),
        (
            "country:\n  North Korea: {ko: 북한}\n",
            "press_releases/_terms.yml:1: 'country' is not a taxonomy; did you mean 'countries'? "
            "(known: regions, countries, topics, organizations)",
        ),
        (
            "countries:\n  North Korea: 북한\n",
            "press_releases/_terms.yml:2: field 'countries.North Korea': expected a mapping of language tags to "
            "names, such as {ko: 북한}",
        ),
        (
            "countries:\n  North Korea: {korean: 북한}\n",
            "press_releases/_terms.yml:2: field 'countries.North Korea': expected a BCP 47 language tag such as "
            "'ko' or 'ar', got 'korean'",
        ),
        (
            "countries:\n  North Korea: {ko: ''}\n",
            "press_releases/_terms.yml:2: field 'countries.North Korea.ko': is empty; write the name in that "
            "language, or leave the entry out",
        ),
        (
            "countries:\n  North Korea: {ko: 북한}\n  North Korea: {ko: 조선}\n",
            "press_releases/_terms.yml:3: 'North Korea' appears twice (lines 2 and 3); keep one",
        ),
        ("- North Korea\n", "press_releases/_terms.yml:1: expected a mapping of taxonomies (countries:, topics:...)"),
        ("countries:\n  North Korea: {ko: 북\x07한}\n", "press_releases/_terms.yml:2: holds the control character"),
        ("countries:\n  North Korea: !!python/name:os.system {}\n", "press_releases/_terms.yml:2: the YAML tag"),
        (
            "countries:\n  North Korea: !!python/name:os.system {}\n  Syria: !!binary aGk=\n",
            "press_releases/_terms.yml:3: the YAML tag !!binary is not allowed; write plain text",
        ),
    ):
        project.release("_terms.yml", text)
        project.failing_build(message)
    project.release("_terms.yml", b"countries:\n  North Korea: {ko: \xff}\n")
    project.failing_build("press_releases/_terms.yml:2: is not UTF-8 text; save it as UTF-8")


def test_a_terms_file_that_is_a_link_is_refused(project):
    _releases(project)
    (project.releases / "_terms.yml").symlink_to("/etc/passwd")
    project.failing_build(
        "press_releases/_terms.yml: is not a regular file (a link, a folder...); only regular files are read"
    )
