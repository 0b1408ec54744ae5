"""schema.org structured data (JSON-LD) as search engines read it, extracted from built pages with
extruct; the organization setting and its errors; the feeds' large icon."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import extruct
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from conftest import ROOT, Build, Project, release_text
from helpers import leaks

SITE = "https://newsroom.example.org/"
#: A title that would end the script element and run a script of its own if written as it is.
HOSTILE = 'Kenya: </script><script>alert("pwned")</script> <!-- & "Free Them" -->'
MAIN = "2026-10-20-kenya.md"
MAIN_URL = "news/2026/10/20/kenya/"
KOREAN_URL = "news/2026/10/21/kenya-ko/"
WARNED_URL = "news/2026/10/22/warned/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Build:
    project = Project(tmp_path_factory.mktemp("structured") / "project")
    project.asset("images/kenya.png")
    project.release(
        MAIN,
        release_text(
            title=HOSTILE,
            date="2026-10-20T09:30",
            summary="Police detained <b>40</b> protesters & journalists.",
            dateline="Nairobi",
            regions=["Africa"],
            countries=["Kenya"],
            topics=["Torture", "Free Speech"],
            organizations=["Kenya Human Rights Commission"],
            image={
                "src": "images/kenya.png",
                "alt": "Protesters in Nairobi.",
                "caption": "Protesters in Nairobi on October 19.",
                "credit": "© 2026 Jane Doe/Newsroom",
            },
            updated="2026-10-22T10:00",
            corrections=[{"date": "2026-10-22T10:00", "note": "An earlier version misspelled a name."}],
            translations={
                "ko": "2026-10-21-kenya-ko.md",
                "fr": "2026-10-21-kenya-fr.md",
                "de": "2026-10-21-kenya-de.md",
            },
        ),
    )
    project.release("2026-10-21-kenya-ko.md", release_text(title="케냐: 석방하라", date="2026-10-21", language="ko"))
    # Never linked: a draft, and a version under embargo until after the build.
    project.release(
        "2026-10-21-kenya-fr.md",
        release_text(title="Kenya : libérez-les", date="2026-10-21", language="fr", draft=True),
    )
    project.release(
        "2026-10-21-kenya-de.md",
        release_text(title="Kenia", date="2026-10-21", language="de", embargo="2026-12-01T00:00"),
    )
    project.release(
        "2026-10-22-warned.md",
        release_text(
            title="Warned",
            date="2026-10-22",
            content_warning="Descriptions of torture.",
            image={"src": "images/kenya.png", "alt": "A cell.", "credit": "© 2026 Jane Doe"},
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def json_ld(site: Build, url: str) -> list[dict[str, Any]]:
    """The JSON-LD items of a built page, as extruct reads them (its @graph unfolded)."""
    found = extruct.extract(site.path(url).read_bytes(), base_url=SITE + url, syntaxes=["json-ld"])["json-ld"]
    items: list[dict[str, Any]] = []
    for item in found:
        items.extend(item.get("@graph", [item]))
    return items


def only(items: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    matching = [item for item in items if item.get("@type") == kind]
    assert len(matching) == 1, f"expected one {kind} in {items}"
    return matching[0]


def site_file(site: Build, url: str) -> Path:
    """The file of the built site an absolute URL of the site names (which must exist)."""
    assert url.startswith(SITE), url
    path = site.site / url.removeprefix(SITE)
    assert path.is_file(), f"{url} names no file of the built site"
    return path


# -- the release page --------------------------------------------------------------------


def test_a_release_page_describes_its_release_as_a_news_article(site):
    article = only(json_ld(site, MAIN_URL), "NewsArticle")
    permalink = SITE + MAIN_URL
    assert article["headline"] == HOSTILE
    assert article["description"] == "Police detained <b>40</b> protesters & journalists."
    assert article["url"] == permalink
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": permalink}
    assert article["dateline"] == "Nairobi"
    assert article["inLanguage"] == "en"
    assert article["keywords"] == ["Africa", "Kenya", "Torture", "Free Speech", "Kenya Human Rights Commission"]
    assert [(a["@type"], a["name"], a["url"]) for a in article["about"]] == [
        ("Place", "Africa", SITE + "regions/africa/"),
        ("Country", "Kenya", SITE + "countries/kenya/"),
        ("Thing", "Torture", SITE + "topics/torture/"),
        ("Thing", "Free Speech", SITE + "topics/free-speech/"),
        ("Organization", "Kenya Human Rights Commission", SITE + "organizations/kenya-human-rights-commission/"),
    ]
    for entry in article["about"]:
        site_file(site, entry["url"] + "index.html")


def test_its_dates_carry_their_offsets(site):
    article = only(json_ld(site, MAIN_URL), "NewsArticle")
    published = datetime.fromisoformat(article["datePublished"])
    modified = datetime.fromisoformat(article["dateModified"])
    # Written without an offset, in the site's time zone (Asia/Seoul): the offset is written out.
    assert published.utcoffset() == timedelta(hours=9)
    assert published == datetime.fromisoformat("2026-10-20T00:30:00+00:00")
    assert modified == datetime.fromisoformat("2026-10-22T01:00:00+00:00")
    # The page's own <time> says the same moment.
    assert site.html(MAIN_URL).xpath("//p[@class='nr-byline']/time/@datetime")[0] == article["datePublished"]


def test_the_photo_is_an_image_object_with_caption_and_credit(site):
    image = only(json_ld(site, MAIN_URL), "NewsArticle")["image"]
    assert image["@type"] == "ImageObject"
    assert image["caption"] == "Protesters in Nairobi on October 19."
    assert image["creditText"] == "© 2026 Jane Doe/Newsroom"
    assert image["copyrightNotice"] == "© 2026 Jane Doe/Newsroom"
    with Image.open(site_file(site, image["url"])) as photo:
        assert (image["width"], image["height"]) == photo.size


def test_a_photo_behind_a_content_warning_is_left_out(site):
    article = only(json_ld(site, WARNED_URL), "NewsArticle")
    assert article["headline"] == "Warned"
    assert "image" not in article


def test_publisher_and_author_are_the_organization_with_its_logo(site):
    article = only(json_ld(site, MAIN_URL), "NewsArticle")
    for role in ("publisher", "author"):
        org = article[role]
        assert org["@type"] == "Organization"
        assert (org["name"], org["url"]) == ("Newsroom", SITE)
        assert org["logo"]["@type"] == "ImageObject"
        logo = site_file(site, org["logo"]["url"])
        assert logo.read_bytes() == (ROOT / "docs/assets/images/logo.png").read_bytes()
        with Image.open(logo) as image:
            assert (org["logo"]["width"], org["logo"]["height"]) == image.size


def test_corrections_are_correction_comments(site):
    article = only(json_ld(site, MAIN_URL), "NewsArticle")
    assert [(c["@type"], c["text"]) for c in article["correction"]] == [
        ("CorrectionComment", "An earlier version misspelled a name.")
    ]
    assert datetime.fromisoformat(article["correction"][0]["datePublished"]) == datetime.fromisoformat(
        "2026-10-22T10:00:00+09:00"
    )
    assert "correction" not in only(json_ld(site, KOREAN_URL), "NewsArticle")


def test_translations_link_the_published_versions_only(site):
    english = only(json_ld(site, MAIN_URL), "NewsArticle")
    korean = only(json_ld(site, KOREAN_URL), "NewsArticle")
    # The English version came first: the Korean one translates it.
    assert [(t["url"], t["inLanguage"]) for t in english["workTranslation"]] == [(SITE + KOREAN_URL, "ko")]
    assert "translationOfWork" not in english
    assert korean["translationOfWork"]["url"] == SITE + MAIN_URL
    assert korean["inLanguage"] == "ko"
    assert "workTranslation" not in korean
    # The draft and the embargoed versions are in no page, structured data or not.
    assert leaks(site.site, "kenya-fr") == []
    assert leaks(site.site, "kenya-de") == []


def test_a_hostile_title_cannot_end_the_script_element(site):
    page = site.path(MAIN_URL).read_text(encoding="utf-8")
    root = etree.HTML(page.encode())
    data = root.xpath("//script[@type='application/ld+json']")
    assert len(data) == 1
    assert json.loads(data[0].text)["headline"] == HOSTILE
    assert not any(c in data[0].text for c in "<>&")
    # No element was made from the title: every script is the theme's or the site's own.
    runnable = [s for s in root.iter("script") if (s.get("type") or "text/javascript") == "text/javascript"]
    assert not any("pwned" in (s.text or "") for s in runnable)
    assert not root.xpath("//comment()[contains(., 'Free Them')]")


@given(st.text())
def test_script_text_never_holds_markup_and_reads_back(text):
    from newsroom.structured_data import script_text

    written = script_text({"headline": text, "nested": [{"caption": text}]})
    assert not any(c in written for c in "<>&")
    assert json.loads(written) == {"headline": text, "nested": [{"caption": text}]}


def test_a_release_without_a_headline_cannot_make_its_article():
    from newsroom.model import Release
    from newsroom.structured_data import StructuredDataError, news_article
    from newsroom.taxonomy import build_taxonomies

    release = Release(
        source="press_releases/x.md",
        name="x.md",
        title="  ",
        summary="A summary.",
        date=datetime.fromisoformat("2020-01-01T00:00+09:00"),
        slug="x",
        lines={"title": 2},
    )
    with pytest.raises(StructuredDataError) as raised:
        news_article(
            release, publisher=publisher(), site_url=SITE, site_language="en", taxonomies=build_taxonomies([release])
        )
    assert str(raised.value) == (
        "press_releases/x.md:2: field 'title': is blank; search engines need it as the release's headline and "
        "description: write it"
    )


# -- the home page -------------------------------------------------------------------


def test_the_home_page_describes_the_organization_and_the_website(site):
    items = json_ld(site, "")
    org = only(items, "Organization")
    website = only(items, "WebSite")
    assert (org["name"], org["url"]) == ("Newsroom", SITE)
    with Image.open(site_file(site, org["logo"]["url"])) as logo:
        assert logo.format == "PNG"
        assert (org["logo"]["width"], org["logo"]["height"]) == logo.size == (512, 512)
    assert (website["name"], website["url"], website["inLanguage"]) == ("Newsroom", SITE, "en")
    assert website["publisher"] == {"@id": org["@id"]}
    # The release pages name the same organization.
    assert only(json_ld(site, MAIN_URL), "NewsArticle")["publisher"]["@id"] == org["@id"]
    search = website["potentialAction"]["target"]["urlTemplate"]
    assert search == SITE + "search/?q={search_term_string}"


def test_other_pages_carry_no_structured_data(site):
    for url in ("news/", "countries/kenya/", "search/", "about/"):
        assert json_ld(site, url) == [], url


# -- the feeds' icon ---------------------------------------------------------------------


def test_the_json_feed_icon_is_a_large_square_png_and_the_favicon_stays(site):
    for feed in ("feed.json", "countries/kenya/feed.json"):
        document = json.loads(site.text(feed))
        with Image.open(site_file(site, document["icon"])) as icon:
            assert (icon.format, icon.size) == ("PNG", (512, 512))
        favicon = site_file(site, document["favicon"])
        assert document["favicon"] == SITE + "assets/images/favicon.png"
        with Image.open(favicon) as small:
            assert small.size == (48, 48)


# -- the organization setting -------------------------------------------------------------


def publisher():
    from newsroom.organization import Logo, Publisher

    return Publisher("Newsroom", SITE, Logo("logo.png", ROOT / "docs/assets/images/logo.png", 512, 512))


def test_name_and_url_default_to_the_site_and_can_be_set(project):
    project.newsroom(
        organization={"name": "Human  Rights\nWatch", "url": "https://www.hrw.org/", "logo": "assets/images/logo.png"}
    )
    project.release("2020-01-01-x.md", release_text(date="2020-01-01"))
    build = project.build()
    assert build.returncode == 0, build.log
    org = only(json_ld(build, ""), "Organization")
    assert (org["name"], org["url"], org["@id"]) == (
        "Human Rights Watch",
        "https://www.hrw.org/",
        "https://www.hrw.org/#organization",
    )
    assert only(json_ld(build, "news/2020/01/01/x/"), "NewsArticle")["publisher"]["name"] == "Human Rights Watch"
    # The citation names the same publisher.
    assert build.html("news/2020/01/01/x/").xpath("string(//p[@class='nr-citation'])").startswith("Human Rights Watch.")


def test_the_logo_defaults_to_the_themes(project):
    del project.config["extra"]["newsroom"]["organization"]
    project.config["theme"]["logo"] = "assets/images/logo.png"
    project.release("2020-01-01-x.md", release_text(date="2020-01-01"))
    build = project.build()
    assert build.returncode == 0, build.log
    assert only(json_ld(build, ""), "Organization")["logo"]["url"] == SITE + "assets/images/logo.png"


def test_a_site_without_a_logo_fails_and_says_what_to_do(project):
    del project.config["extra"]["newsroom"]["organization"]
    project.failing_build(
        "mkdocs.yml: extra.newsroom.organization.logo: missing; search engines show the organization's logo with "
        "its releases, and feed readers its icon: name an image of the site, such as assets/images/logo.png for "
        "docs/assets/images/logo.png (a PNG, JPEG, GIF or WebP file, at least 112×112 pixels)"
    )


def test_a_logo_that_is_not_there_fails(project):
    project.newsroom(organization={"logo": "assets/images/nope.png"})
    project.failing_build(
        "mkdocs.yml: extra.newsroom.organization.logo: 'assets/images/nope.png' is no file of the site "
        "(looked in docs/, overrides/, material/templates/"
    )


def test_a_favicon_is_too_small_for_a_logo(project):
    project.newsroom(organization={"logo": "assets/images/favicon.png"})  # Material's, 48×48
    project.failing_build(
        "mkdocs.yml: extra.newsroom.organization.logo: material/templates/assets/images/favicon.png is 48×48 pixels; "
        "expected a PNG, JPEG, GIF or WebP image of at least 112×112 pixels (512×512 makes a sharp feed icon)"
    )


def test_an_svg_logo_is_refused(project):
    project.doc("assets/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"/>\n')
    project.config["theme"]["logo"] = "assets/logo.svg"
    del project.config["extra"]["newsroom"]["organization"]
    project.failing_build(
        "mkdocs.yml: extra.newsroom.organization.logo (by default theme.logo, 'assets/logo.svg'): docs/assets/logo.svg "
        "is an SVG drawing; search engines and feed readers need a PNG, JPEG, GIF or WebP image of at least "
        "112×112 pixels (512×512 makes a sharp feed icon): export it as PNG"
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "Newsroom",
            "mkdocs.yml: extra.newsroom.organization: expected a mapping with name, url and logo, got 'Newsroom'",
        ),
        ({"logos": "x.png"}, "mkdocs.yml: extra.newsroom.organization.logos: unknown setting; did you mean 'logo'?"),
        ({"name": " "}, "mkdocs.yml: extra.newsroom.organization.name: expected text, got ' '"),
        ({"url": "www.hrw.org"}, "mkdocs.yml: extra.newsroom.organization.url: expected an absolute http(s) address"),
        ({"logo": "/logo.png"}, "mkdocs.yml: extra.newsroom.organization.logo: expected the path of an image"),
        ({"logo": "https://cdn.example/logo.png"}, "extra.newsroom.organization.logo: expected the path of an image"),
        ({"logo": "../logo.png"}, "extra.newsroom.organization.logo: expected the path of a file inside the site"),
    ],
)
def test_a_malformed_organization_setting_is_refused(setting, message):
    from newsroom.settings import Settings, SettingsError

    with pytest.raises(SettingsError) as raised:
        Settings.from_mapping(Path("/nowhere"), {"organization": setting})
    assert message in str(raised.value)


def test_a_missing_name_or_address_is_an_error(tmp_path):
    from newsroom.organization import Organization, OrganizationError
    from newsroom.organization import publisher as resolve

    def attempt(site_name, site_url):
        with pytest.raises(OrganizationError) as raised:
            resolve(
                Organization(logo="assets/images/logo.png"),
                site_name=site_name,
                site_url=site_url,
                theme_logo=None,
                folders=[ROOT / "docs"],
                project_dir=ROOT,
            )
        return str(raised.value)

    assert attempt(" ", SITE) == (
        "mkdocs.yml: extra.newsroom.organization.name: missing; pages name their publisher for search engines: "
        "set it here, or site_name"
    )
    assert attempt("Newsroom", None) == (
        "mkdocs.yml: extra.newsroom.organization.url: missing; set it here, or site_url (https://example.org/)"
    )


def test_a_blank_site_name_needs_the_organizations_name(project):
    project.config["site_name"] = " "
    project.failing_build("mkdocs.yml: extra.newsroom.organization.name: missing")
