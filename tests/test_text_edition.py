"""The text-only edition: a light copy of every release and listing under text/, with no script,
no font, no image and nothing loaded, made from the same data as the site and holding back what
it holds back. Built by the real `mkdocs build`, read with lxml, loaded in Chromium."""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import os
import shutil
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from conftest import FIXTURES, ROOT, Project, http_site, release_text, unavailable
from helpers import AXE, RELEASES, html_errors, leaks, serious_violations
from newsroom.text_edition import STYLE, Here, Labels, link, text_body
from newsroom.urls import relative_url

ICNK = "news/2020/03/03/south-korea-stand-with-north-korean-victims/"
TOKEN = "zqxtextembargo"
DRAFT = "zqxtextdraft"
PNG = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()
LIMIT_KB = 15
MEDIA_BODY = "\n\n".join(
    [
        "(Geneva) – Intro with [the letter](2020-03-03-south-korea-stand-with-north-korean-victims.md), "
        "[about us](../about.md) and [an outside page](https://example.com/x?a=1#b).",
        "![A crowd outside the court in the rain](images/crowd.png)",
        "[![The linked map of the region](images/map.png)](images/map.png)",
        '<picture><source srcset="images/crowd.png" type="image/png">'
        '<img src="images/crowd.png" alt="The crowd again"></picture>',
        '<video src="images/clip.mp4" title="The march" controls></video>',
        '<audio controls><source src="images/voice.mp3" type="audio/mpeg"></audio>',
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="The hearing"></iframe>',
        "## A heading with a permalink",
        "| Name | Count |\n|:-----|------:|\n| Left | 3 |",
        f"See [the next one](2026-11-20-{TOKEN}.md) when it is out.",
    ]
)


def text_of(url: str) -> str:
    return "text/" + url


def make_site(root: Path, **settings) -> Project:
    project = Project(root / "project")
    project.copy_releases(FIXTURES / "archive")
    project.copy_releases(ROOT / "press_releases")
    project.newsroom(per_page=5, embed_hosts=["www.youtube-nocookie.com"], **settings)
    for name in ("images/crowd.png", "images/map.png"):
        project.asset(name)
    project.asset("images/clip.mp4", b"\x00\x00\x00\x18ftypmp42")
    project.asset("images/voice.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00")
    project.asset(f"images/{TOKEN}.png")
    project.doc("countries/north-korea.md", "An introduction with a [link](../about.md).\n")
    project.release(
        "2021-12-01-media.md",
        release_text(
            title="Media & <marks>",
            date="2021-12-01T09:00",
            summary="A body with every kind of media.",
            countries=["Kenya"],
            dateline="Geneva",
            image={"src": "images/crowd.png", "alt": "Photo alt text", "caption": "Photo caption", "credit": "© Cr"},
            body=MEDIA_BODY,
        ),
    )
    project.release(
        "2021-12-03-warned.md",
        release_text(
            title="Warned",
            date="2021-12-03T09:00",
            content_warning="Descriptions of torture.",
            image={"src": "images/map.png", "alt": "What the warned photo shows"},
            contacts=[
                {
                    "name": "Press office",
                    "role": "Media relations",
                    "languages": ["en", "ko"],
                    "phone": "+82 2 1234 5678",
                    "email": "press@example.org",
                }
            ],
            body="The warned body.",
        ),
    )
    project.release(
        # In place of the repository's own Korean version, at an address of its own.
        "2020-03-03-south-korea-stand-with-north-korean-victims-ko.md",
        release_text(
            slug="stand-with-victims-ko",
            title="북한 인권 피해자와 함께",
            date="2020-03-03T10:00",
            language="ko",
            dateline="서울",
            updated="2020-03-04T10:00",
            translations={"en": "2020-03-03-south-korea-stand-with-north-korean-victims.md"},
        ),
    )
    project.release(
        f"2026-11-20-{TOKEN}.md",
        release_text(
            title=f"Embargoed {TOKEN}",
            date="2026-11-20T09:00",
            embargo="2026-11-20T09:00+09:00",
            summary=f"Summary {TOKEN}",
            slug=f"slug-{TOKEN}",
            countries=["Kenya", f"Country{TOKEN}"],
            image={"src": f"images/{TOKEN}.png", "alt": f"alt {TOKEN}"},
            aliases=[f"old/{TOKEN}/"],
            body=f"Body {TOKEN}.",
        ),
    )
    project.release(
        f"2021-12-02-{DRAFT}.md",
        release_text(title=f"Draft {DRAFT}", date="2021-12-02", draft=True, countries=[f"Country{DRAFT}"]),
    )
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    build = make_site(tmp_path_factory.mktemp("text")).build()
    assert build.returncode == 0, build.log
    return build


def text_pages(site) -> dict[str, Path]:
    """Every text page, by the address of the page it copies."""
    root = site.site / "text"
    return {
        ("" if p.parent == root else p.parent.relative_to(root).as_posix() + "/"): p for p in root.rglob("index.html")
    }


def normal_pages(site) -> dict[str, Path]:
    """Every page of the site outside the text edition, by address."""
    found = {}
    for path in site.site.rglob("index.html"):
        relative = path.parent.relative_to(site.site).as_posix()
        if relative.split("/")[0] in ("text", "pagefind"):
            continue
        found["" if relative == "." else relative + "/"] = path
    return found


def parse(path: Path):
    return lxml_html.fromstring(path.read_bytes())


# -- what the text edition holds ---------------------------------------------------------------


def test_every_release_and_listing_has_a_text_page_and_nothing_else_does(site):
    text = set(text_pages(site))
    releases = {r["url"] for r in RELEASES} | {ICNK, "news/2020/03/03/stand-with-victims-ko/"}
    releases |= {"news/2021/12/01/media/", "news/2021/12/03/warned/"}
    assert releases <= text
    pages = normal_pages(site)
    redirects = {url for url, path in pages.items() if parse(path).xpath("//meta[@http-equiv='refresh']")}
    # Everything but the search page, the subscribe page, hand-written pages and old addresses.
    expected = set(pages) - redirects - {"search/", "subscribe/", "about/"}
    assert text == expected
    for url in ("", "news/", "news/page/2/", "news/2020/", "news/2020/page/2/", "countries/", "regions/"):
        assert url in text
    for url in ("topics/", "organizations/", "countries/north-korea/", "countries/north-korea/page/4/"):
        assert url in text
    assert "countries/north-korea/page/5/" not in text


def test_every_normal_release_and_listing_links_its_text_version_and_back(site):
    pages = normal_pages(site)
    for url, path in text_pages(site).items():
        normal = parse(pages[url])
        links = normal.xpath("//aside[contains(@class, 'md-banner')]//p[@class='nr-text-link']/a")
        assert len(links) == 1, url
        assert links[0].text_content() == "Text-only version"
        assert urljoin(f"http://h/{url}", links[0].get("href")) == f"http://h/text/{url}"
        back = parse(path).xpath("//header//a[. = 'Full version of this page']/@href")
        assert [urljoin(f"http://h/text/{url}", href) for href in back] == [f"http://h/{url}"]
    for url in ("about/", "search/", "subscribe/"):
        assert parse(pages[url]).xpath("//*[contains(@class, 'nr-text-link') or contains(@class, 'md-banner')]") == []
    assert not site.html("404.html").xpath("//*[contains(@class, 'md-banner')]")


def test_text_pages_load_and_run_nothing(site):
    for url, path in text_pages(site).items():
        page = parse(path)
        assert page.get("lang") == "en", url
        assert page.xpath("//script | //img | //picture | //video | //audio | //iframe | //object | //embed") == []
        assert page.xpath("//source | //track | //svg | //form | //input | //@style | //@srcset | //@src") == []
        assert page.xpath("//link[@rel != 'canonical']") == [], url
        styles = page.xpath("//style")
        assert len(styles) == 1 and styles[0].getparent().tag == "head"
        assert styles[0].text == STYLE
        for attribute in page.xpath("//@*"):
            assert not attribute.startswith("on"), url
    assert "@import" not in STYLE and "url(" not in STYLE and "@font-face" not in STYLE


def test_the_policy_of_a_text_page_allows_its_style_and_nothing_else(site):
    page = site.html(text_of(ICNK))
    policy = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";")}
    style_hash = "'sha256-" + base64.b64encode(hashlib.sha256(page.xpath("//style")[0].text.encode()).digest()).decode()
    assert directives == {
        "default-src": ["'none'"],
        "script-src": ["'none'"],
        "style-src": [style_hash + "'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
    assert page.xpath("//meta[@name='referrer']/@content") == ["no-referrer"]


def test_the_photo_is_its_alt_text_caption_and_credit_with_a_link_to_the_file(site):
    page = site.html(text_of(ICNK))
    figure = page.xpath("//article/figure")[0]
    text = " ".join(figure.text_content().split())
    assert "Photo: Placeholder in place of a photo of President Moon Jae-in" in text
    assert "at a ceremony marking 101 years" in figure.findtext("figcaption")
    assert figure.xpath("string(figcaption/small)") == "© 2020 Kyodo via AP Images"
    href = figure.xpath(".//a/@href")[0]
    assert href == "../../../../../../media/images/2020-03-03-seoul-placeholder.png"
    assert (site.path(text_of(ICNK)).parent / href).resolve().read_bytes() == PNG


def test_a_release_shows_what_its_page_shows(site):
    page = site.html(text_of(ICNK))
    article = page.xpath("//article")[0]
    assert page.findtext(".//title") == "South Korea: Stand With North Korean Victims - Newsroom"
    assert article.findtext("h1") == "South Korea: Stand With North Korean Victims"
    assert "300 rights groups" in article.xpath("string(p[1])")
    assert article.xpath("string(p[@class='nr-meta'])") == "Seoul · March 3, 2020"
    assert article.xpath(".//time/@datetime")[0] == "2020-03-03T09:00:00+09:00"
    normal = site.html(ICNK).xpath("string(//div[@class='nr-body'])")
    assert " ".join(normal.replace("¶", "").split()) in " ".join(article.text_content().split())
    terms = {a.text: a.get("href") for a in page.xpath("//dl//a")}
    assert terms["North Korea"] == "../../../../../countries/north-korea/"
    assert terms["ICNK"] == "../../../../../organizations/icnk/"
    assert page.xpath("//a[@hreflang='ko']/@href") == ["../stand-with-victims-ko/"]
    related = page.xpath("//section[@aria-labelledby='nr-related']//a/@href")
    base = f"http://h/text/{ICNK}"
    assert related and all(urljoin(base, href).startswith("http://h/text/news/") for href in related)


def test_a_content_warning_comes_before_the_photo_which_waits_behind_it_and_contacts_follow(site):
    page = site.html(text_of("news/2021/12/03/warned/"))
    article = page.xpath("//article")[0]
    note = article.xpath("p[@role='note']")[0]
    assert " ".join(note.text_content().split()) == "Content warning: Descriptions of torture."
    details = note.getnext()
    assert details.tag == "details" and details.findtext("summary") == "Show photo"
    assert "What the warned photo shows" in details.xpath("string(figure)")
    assert "The warned body." in details.getnext().text_content()
    contact = page.xpath("//section[@aria-labelledby='nr-contacts']//address")[0]
    assert page.xpath("string(//h2[@id='nr-contacts'])") == "For more information"
    parts = [" ".join(part.split()) for part in contact.xpath("text() | */text()")]
    assert parts == [
        "Press office, Media relations",
        "Languages: English and Korean",
        "Phone:",
        "+82 2-1234-5678",
        "Email:",
        "press@example.org",
    ]
    assert len(contact.xpath("br")) == 3
    links = contact.xpath(".//a/@href")
    assert links[0].startswith("tel:+82") and links[1] == "mailto:press@example.org"


def test_a_release_in_another_language_carries_it(site):
    page = site.html(text_of("news/2020/03/03/stand-with-victims-ko/"))
    assert page.get("lang") == "en"
    article = page.xpath("//article")[0]
    assert article.get("lang") == "ko"
    assert article.xpath("//span[@lang='en']/text()") == ["Updated"]
    assert page.xpath("//a[@hreflang='en']/@href") == ["../south-korea-stand-with-north-korean-victims/"]


def test_images_and_media_in_a_body_become_words_with_links(site):
    url = "news/2021/12/01/media/"
    page = site.html(text_of(url))
    article = page.xpath("//article")[0]
    links = {" ".join(a.text_content().split()): a.get("href") for a in article.xpath(".//a")}
    media = "../../../../../../media/images/"
    assert links["Image: A crowd outside the court in the rain"] == media + "crowd.png"
    assert links["Image: The crowd again"] == media + "crowd.png"
    assert links["Video: The march"] == media + "clip.mp4"
    assert links["Audio"] == media + "voice.mp3"
    assert links["Embedded content: The hearing"] == "https://www.youtube-nocookie.com/embed/x"
    # A linked image: its words inside the link, never a link in a link.
    linked = article.xpath(".//a[span]")
    assert [(a.get("href"), a.xpath("string(span)")) for a in linked] == [
        (media + "map.png", "Image: The linked map of the region")
    ]
    assert article.xpath(".//a//a") == []
    assert links["the letter"] == "../../../../2020/03/03/south-korea-stand-with-north-korean-victims/"
    assert links["about us"] == "../../../../../../about/"
    assert links["an outside page"] == "https://example.com/x?a=1#b"
    assert links["open the photo"] == media + "crowd.png"
    assert article.xpath(".//h2[@id='a-heading-with-a-permalink']/text()") == ["A heading with a permalink"]
    assert article.xpath(".//*[contains(@class, 'headerlink')]") == []
    assert article.xpath(".//table//td/text()") == ["Left", "3"]
    assert "the next one" in article.text_content() and TOKEN not in article.text_content()
    assert page.findtext(".//title") == "Media & <marks> - Newsroom"


def test_listing_pages_list_the_releases_their_normal_pages_list(site):
    for url in ("", "news/", "news/page/3/", "news/2020/", "countries/north-korea/page/2/", "countries/"):
        normal = site.html(url)
        text = site.html(text_of(url))
        titles = normal.xpath("//ol[contains(@class, 'nr-cards')]//h2/a/text()")
        assert text.xpath("//ol[@class='nr-list']/li/a[1]/text()") == titles, url
        assert text.xpath("//ol[@class='nr-list']/li/a[1]/@href") == normal.xpath(
            "//ol[contains(@class, 'nr-cards')]//h2/a/@href"
        ), url  # one level deeper, and to the text version: the same relative link
    a_to_z = "//h2[@id='{}']/following-sibling::ul[1]/li/a"
    normal, text = site.html("countries/"), site.html(text_of("countries/"))
    assert text.xpath(a_to_z.format("nr-a-z") + "/text()") == normal.xpath(a_to_z.format("a-z") + "/text()")
    assert text.xpath(a_to_z.format("nr-a-z") + "/@href") == normal.xpath(a_to_z.format("a-z") + "/@href")
    pages = site.html(text_of("news/page/3/")).xpath("//nav[@aria-label='Pages']//a")
    assert {a.text: a.get("href") for a in pages} == {
        "First page": "../../",
        "Previous page": "../2/",
        "Next page": "../4/",
        "Last page": pages[-1].get("href"),
    }
    intro = site.html(text_of("countries/north-korea/"))
    assert intro.xpath("//main//a[. = 'link']/@href") == ["../../../about/"]
    assert site.html(text_of("countries/north-korea/page/2/")).xpath("//main//a[. = 'link']") == []
    assert site.html(text_of("news/2020/")).findtext(".//h1") == "News from 2020"


def test_every_link_in_the_text_edition_leads_to_a_file_of_the_site(site):
    """Relative links only, so the edition works from a mirror under any path; each one resolves."""
    checked = 0
    for url, path in text_pages(site).items():
        page = parse(path)
        for href in page.xpath("//a/@href | //link[@rel='canonical']/@href"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                assert parts.scheme in ("https", "mailto", "tel"), href
                continue
            assert not parts.path.startswith("/"), f"{url}: {href} is not relative"
            if not parts.path:
                assert parts.fragment and page.xpath(f"//*[@id='{parts.fragment}']"), f"{url}: {href}"
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(site.site.resolve()), f"{url}: {href} leads out of the site"
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{url}: {href} leads nowhere"
            checked += 1
    assert checked > 1000


def test_links_between_pages_stay_in_the_text_edition(site):
    """A link to a page that has a text version is a link to that version; the 'full version'
    link and links to photos, feeds and hand-written pages leave it."""
    text_root = (site.site / "text").resolve()
    text = set(text_pages(site))
    for url, path in text_pages(site).items():
        page = parse(path)
        full = page.xpath("//header//a[. = 'Full version of this page']")
        for a in page.xpath("//a[@href]"):
            parts = urlsplit(a.get("href"))
            if parts.scheme or parts.netloc or not parts.path or a in full:
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if target.is_relative_to(text_root):
                continue
            if target.is_dir():
                relative = target.relative_to(site.site.resolve()).as_posix()
                assert ("" if relative == "." else relative + "/") not in text, f"{url}: {a.get('href')}"


def test_an_average_release_page_weighs_at_most_15_kb_compressed(site):
    sizes = []
    for url, path in text_pages(site).items():
        if url.startswith("news/") and url.count("/") == 5:
            sizes.append(len(gzip.compress(path.read_bytes(), 6)))
    assert len(sizes) >= 60
    assert sum(sizes) / len(sizes) <= LIMIT_KB * 1024
    assert len(gzip.compress(site.path(text_of(ICNK)).read_bytes(), 6)) <= LIMIT_KB * 1024
    # The build weighs one release page in fifty, and says what they come to.
    reported = next(line for line in site.log.splitlines() if "newsroom: text-only edition" in line)
    assert 0.5 < float(reported.split("a release page ")[1].split(" KB")[0]) <= LIMIT_KB


# -- what it holds back ------------------------------------------------------------------------


def test_embargoed_and_draft_releases_appear_nowhere_in_the_text_edition(site):
    for token in (TOKEN, DRAFT):
        assert leaks(site.site / "text", token) == []
        assert leaks(site.site, token) == []
    kenya = site.html(text_of("countries/kenya/"))
    assert kenya.xpath("//ol[@class='nr-list']/li") and TOKEN not in kenya.text_content()


def test_an_embargoed_release_gets_its_text_page_once_it_is_out(tmp_path):
    build = make_site(tmp_path).build(now="2026-11-20T00:00:01Z")
    assert build.returncode == 0, build.log
    page = build.html(text_of(f"news/2026/11/20/slug-{TOKEN}/"))
    assert page.findtext(".//h1") == f"Embargoed {TOKEN}"
    media = build.html(text_of("news/2021/12/01/media/"))
    assert media.xpath("//a[. = 'the next one']/@href") == [f"../../../../2026/11/20/slug-{TOKEN}/"]
    assert build.exists(text_of(f"countries/country{TOKEN}/"))
    assert not build.exists(text_of(f"old/{TOKEN}/"))


def test_text_pages_are_not_in_the_sitemap_and_point_search_engines_to_the_normal_page(site):
    assert "/text/" not in site.text("sitemap.xml")
    for url, path in text_pages(site).items():
        canonical = parse(path).xpath("//link[@rel='canonical']/@href")
        assert canonical == [f"https://newsroom.example.org/{url}"]


# -- the site's language -----------------------------------------------------------------------


def test_a_korean_site_gets_a_korean_text_edition(project):
    project.config["theme"]["language"] = "ko"
    project.copy_releases(ROOT / "press_releases")
    build = project.build()
    assert build.returncode == 0, build.log
    page = build.html(text_of(ICNK))
    assert page.get("lang") == "ko"
    assert "텍스트 전용판" in page.xpath("string(//header)")
    assert page.xpath("//header//a[. = '이 페이지의 전체 버전']")
    assert page.xpath("//nav/@aria-label") == ["섹션"]
    assert "사진:" in page.xpath("string(//figure)")
    assert build.html(ICNK).xpath("//p[@class='nr-text-link']/a/text()") == ["텍스트 전용 버전"]
    assert build.html(text_of("")).findtext(".//title") == "텍스트 전용판 - Newsroom"


# -- addresses and failures --------------------------------------------------------------------


def test_an_alias_cannot_take_an_address_of_the_text_edition(project):
    project.release("2020-03-03-a.md", release_text(aliases=["text/news/"]))
    project.failing_build(
        "press_releases/2020-03-03-a.md:5: field 'aliases': the old address 'text/news/' is already taken by "
        "the site itself (the text-only edition); each address can lead to one page only"
    )


def test_text_pages_name_their_onion_address(project):
    onion = "http://" + "a" * 56 + ".onion/"
    project.release("2020-03-03-a.md", release_text())
    project.newsroom(onion_location=onion)
    build = project.build()
    assert build.returncode == 0, build.log
    page = build.html(text_of("news/2020/03/03/a/"))
    assert page.xpath("//meta[@http-equiv='onion-location']/@content") == [onion + "text/news/2020/03/03/a/"]
    assert build.html("text/").xpath("//meta[@http-equiv='onion-location']/@content") == [onion + "text/"]


def test_a_hand_written_page_under_text_fails_the_build(project):
    project.release("2020-03-03-a.md", release_text())
    project.doc("text/news.md", "Mine.\n")
    project.failing_build(
        "docs/text/news.md: is published at text/news/index.html, inside text/, where the site writes its "
        "text-only edition; move or rename it"
    )


def test_a_text_edition_that_cannot_be_written_fails_the_build_and_leaves_the_site_as_it_was(project):
    theme = project.path / "theme"
    shutil.copytree(ROOT / "overrides", theme)
    (theme / "text/release.html").write_text(
        '{% extends "text/base.html" %}{% block main %}{{ nothing.here }}{% endblock %}'
    )
    project.config["theme"]["custom_dir"] = "theme"
    project.release("2020-03-03-a.md", release_text())
    project.failing_build(
        "The text-only edition could not be written, so the site is not published: 'nothing' is undefined",
        check=False,
    )


def test_a_large_archive_is_written_by_a_process_beside_the_build(tmp_path):
    from benchmarks.generate import generate

    project = Project(tmp_path / "project")
    generate(project.releases, 220)
    build = project.build()
    assert build.returncode == 0, build.log
    releases = list(project.releases.glob("*.md"))
    pages = text_pages(build)
    assert sum(1 for url in pages if url.startswith("news/") and url.count("/") == 5) == len(releases)
    assert set(pages) <= set(normal_pages(build))
    assert f"text-only edition (waiting): {len(pages)} pages by a process beside the pages in" in build.log


def test_the_build_writes_the_text_pages_its_writer_has_not_reached_once_everything_else_is_done(tmp_path):
    """The writer beside the build is slower here than the build (its release template loops
    before it writes anything): the build, once it has written everything else, writes the pages
    left from the other end. Each page is written once, byte for byte as a build of the stock
    template writes it, and both processes' pages are kept in the cache for the next build."""
    import json

    from benchmarks.generate import generate

    project = Project(tmp_path / "project")
    generate(project.releases, 220)
    theme = project.path / "theme"
    shutil.copytree(ROOT / "overrides", theme)
    slow = theme / "text" / "release.html"
    slow.write_text("{% for _ in range(1000000) %}{% endfor %}" + slow.read_text())
    stock_theme = project.config["theme"]["custom_dir"]
    project.config["theme"]["custom_dir"] = "theme"
    timings = tmp_path / "timings.json"
    env = {"NEWSROOM_CACHE_SECRET": "a secret", "NEWSROOM_TIMINGS": str(timings)}

    def built() -> tuple[dict[str, bytes], dict[str, float]]:
        build = project.build(env=env)
        assert build.returncode == 0, build.log
        return {url: path.read_bytes() for url, path in text_pages(build).items()}, json.loads(timings.read_text())[
            "figures"
        ]

    def from_the_cache() -> int:
        shutil.rmtree(project.path / "site")  # the next build finds the text pages in the cache
        again, figures = built()
        assert again == first and figures["text pages left in place"] == 0, figures
        return int(figures["text pages from the cache"])

    first, figures = built()
    shared = first
    by_build = figures["text pages written by the build at the end"]
    assert 10 < by_build < len(shared), figures
    kept = from_the_cache()
    project.config["theme"]["custom_dir"] = stock_theme
    shutil.rmtree(project.path / ".cache")
    first, figures = built()
    assert first == shared
    assert figures["text pages written by the build at the end"] < by_build, figures
    # As many kept as by a build whose writer did (nearly) all the work: every page with a key.
    assert kept == from_the_cache() > len(shared) - 10


def test_two_processes_claiming_from_both_ends_take_every_index_once():
    from newsroom.parallel import Claims, Forked

    claims = Claims(1000)

    def front() -> list[int]:
        taken: list[int] = []
        while batch := claims.front(3):
            taken.extend(batch)
            time.sleep(0.0005)
        return taken

    beside = Forked(front)
    back: list[int] = []
    while batch := claims.back(7):
        back.extend(batch)
        time.sleep(0.001)
    ahead = beside.result()
    assert ahead and back, "each process took some"
    assert sorted(ahead + back) == list(range(1000))
    assert ahead == list(range(len(ahead))), "the front taken in order"


def test_the_preview_shows_drafts_in_the_text_edition_too(project):
    project.release("2021-01-01-draft.md", release_text(title="Draft one", date="2021-01-01", draft=True))
    with project.serving() as base:
        for _ in range(150):
            try:
                page = urllib.request.urlopen(f"{base}text/news/2021/01/01/draft/").read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("mkdocs serve did not answer")
    text = lxml_html.fromstring(page)
    assert text.xpath("string(//p[@role='note'])") == "Draft: not published; only this preview shows it."
    assert text.findtext(".//h1") == "Draft one"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "text/release.html",
            "The text-only edition could not be written, so the site is not published: 'nothing' is undefined",
        ),
        ("release.html", "'nothing' is undefined"),  # the build fails while the edition is being written
    ],
)
def test_a_large_build_that_fails_stops_the_writer_and_leaves_the_site_as_it_was(tmp_path, template, message):
    from benchmarks.generate import generate

    project = Project(tmp_path / "project")
    generate(project.releases, 220)
    theme = project.path / "theme"
    shutil.copytree(ROOT / "overrides", theme)
    base = "text/base.html" if template.startswith("text/") else "main.html"
    block = "main" if template.startswith("text/") else "content"
    (theme / template).write_text(
        f'{{% extends "{base}" %}}{{% block {block} %}}{{{{ nothing.here }}}}{{% endblock %}}'
    )
    project.config["theme"]["custom_dir"] = "theme"
    project.failing_build(message, check=False)
    assert processes_in(project.path) == [], "a process of the build outlived it"


def processes_in(folder: Path) -> list[int]:
    """The processes working in ``folder`` (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if Path(os.readlink(entry / "cwd")) == folder:
                    found.append(int(entry.name))
    return found


# -- in a browser ------------------------------------------------------------------------------


def test_a_text_page_loads_nothing_but_itself(site, browser):
    base = http_site(site)
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    for url in (text_of(ICNK), text_of("news/2021/12/01/media/"), text_of("countries/")):
        requests.clear()
        page.goto(base + url, wait_until="networkidle")
        assert requests == [base + url]
        assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none", "the inline style applies"
    assert violations == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_pages_have_no_serious_accessibility_violations(site, browser, scheme):
    if not AXE.exists():
        unavailable("axe-core needs `npm ci` (make test runs it)")
    base = http_site(site)
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = []
    for url in ("", "news/page/2/", ICNK, "news/2021/12/01/media/", "countries/", "countries/north-korea/"):
        page.goto(base + text_of(url))
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(18, 18, 18)")
        found += serious_violations(page, url or "/")
    context.close()
    assert found == []


def test_every_text_page_is_valid_html(site):
    files = [str(path) for path in text_pages(site).values()]
    assert len(files) > 150
    assert html_errors(files) == []


# -- the body rewrite alone --------------------------------------------------------------------

LABELS = Labels("Image", "Video", "Audio", "Embedded content")


def rewrite(body: str, page: str = "news/2020/01/01/a/") -> str:
    here = Here("text/" + page, {"news/2020/01/02/b/", "countries/kenya/", ""})
    return text_body(body, page, here, LABELS)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<p><img src="../../../../../media/x.png" alt="A &lt;b&gt;"></p>',
            '<p><a href="../../../../../../media/x.png">Image: A &lt;b&gt;</a></p>',
        ),
        (
            '<p><img src="x.png" alt=""> tail</p>',
            '<p><a href="../../../../../../news/2020/01/01/a/x.png">Image</a> tail</p>',
        ),
        (
            '<p><a href="../../02/b/"><img src="y.png" alt="Y"></a></p>',
            '<p><a href="../../02/b/"><span>Image: Y</span></a></p>',
        ),
        ('<p><a href="../../02/b/index.html#c">b</a></p>', '<p><a href="../../02/b/#c">b</a></p>'),
        (
            '<p><a href="../../../../../countries/kenya/?x=1">k</a></p>',
            '<p><a href="../../../../../countries/kenya/?x=1">k</a></p>',
        ),
        ('<p><a href="../../../../../about/">about</a></p>', '<p><a href="../../../../../../about/">about</a></p>'),
        ('<p><a href="../../../../../">home</a></p>', '<p><a href="../../../../../">home</a></p>'),
        (
            '<p><a href="#fn:1">1</a> <a href="mailto:a@b.org">m</a></p>',
            '<p><a href="#fn:1">1</a> <a href="mailto:a@b.org">m</a></p>',
        ),
        ('<h2 id="h">H<a class="headerlink" href="#h">¶</a></h2>', '<h2 id="h">H</h2>'),
        ('<table><tr><td style="text-align: right">1</td></tr></table>', "<table><tr><td>1</td></tr></table>"),
        (
            '<video controls><source src="v.mp4"><track src="t.vtt">Old</video> after',
            '<a href="../../../../../../news/2020/01/01/a/v.mp4">Video</a> after',
        ),
        (
            '<iframe src="https://h.example/e" title="T"></iframe>',
            '<a href="https://h.example/e">Embedded content: T</a>',
        ),
        ("<audio></audio>", "<span>Audio</span>"),
        ("text <em>only</em>", "text <em>only</em>"),
        ("", ""),
    ],
)
def test_a_body_is_rewritten_for_its_text_page(body, expected):
    assert rewrite(body) == expected


_PIECES = st.sampled_from(
    [
        "<p>text &amp; more</p>",
        '<img src="a.png" alt="x">',
        '<a href="../../02/b/"><img src="a.png" alt="y"></a>',
        '<picture><source srcset="a.png"><img src="a.png" alt="z"></picture>',
        '<video src="v.mp4"></video>',
        '<figure><img src="a.png" alt="f"><figcaption>c</figcaption></figure>',
        '<a href="../../../../../countries/kenya/">k</a>',
        "<ul><li>one<img src='b.png' alt=''></li></ul>",
        '<h3 id="x">X<a class="headerlink" href="#x">¶</a></h3>',
        "tail text",
        "<blockquote><p style='text-align:left'>q</p></blockquote>",
    ]
)


@given(st.lists(_PIECES, max_size=8))
@settings(max_examples=200, deadline=None)
def test_no_rewritten_body_holds_media_or_style(pieces):
    out = lxml_html.fragment_fromstring(rewrite("".join(pieces)) or "<p></p>", create_parent="div")
    assert out.xpath(".//img | .//picture | .//video | .//source | .//@style | .//@src | .//a//a") == []
    assert out.xpath(".//*[@class='headerlink']") == []
    for href in out.xpath(".//a/@href"):
        assert href.startswith("../"), href


_FOLDER = st.lists(st.sampled_from(["news", "2020", "03", "a", "text", "page", "2"]), max_size=5)


@given(_FOLDER, _FOLDER, st.sampled_from(["", "x.png"]))
@settings(max_examples=300, deadline=None)
def test_links_are_what_the_site_engine_makes(here, there, name):
    """``link`` is ``urls.relative_url``, made faster, always ending in '/' for a folder (the root too)."""
    here_url = "".join(part + "/" for part in here)
    url = "".join(part + "/" for part in there) + name
    found = link(url, here_url)
    expected = relative_url(url, here_url)
    assert found == (expected + "/" if url == "" else expected)
    assert urljoin("http://h/" + here_url, found) == "http://h/" + url


def test_the_text_edition_is_written_below_the_builds_priority():
    """It shares a core with Pagefind while MkDocs renders pages: the process writing it asks for
    the time the others leave (text.TEXT_NICENESS)."""
    from newsroom.mkdocs_site.text import TEXT_NICENESS, Forked

    own = os.nice(0)
    assert TEXT_NICENESS > 0
    assert Forked(lambda: os.nice(0), TEXT_NICENESS).result() == min(own + TEXT_NICENESS, 19)
    assert Forked(lambda: os.nice(0)).result() == own
