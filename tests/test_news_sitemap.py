"""The Google News sitemap (news-sitemap.xml) and robots.txt, parsed with lxml as crawlers read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from conftest import NOW, Build, Project, release_text
from helpers import leaks

SITE = "https://newsroom.example.org/"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SM, "news": NEWS}

#: The shape Google documents for news sitemaps (sitemap 0.9 with a <news:news> in each <url>),
#: as XML Schemas lxml validates against.
SITEMAP_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{SM}" xmlns="{SM}"
    elementFormDefault="qualified">
  <xsd:import namespace="{NEWS}" schemaLocation="news.xsd"/>
  <xsd:element name="urlset">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="url" maxOccurs="50000">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="loc" type="xsd:anyURI"/>
              <xsd:element name="lastmod" type="xsd:string" minOccurs="0"/>
              <xsd:any namespace="##other" processContents="strict" minOccurs="0" maxOccurs="unbounded"/>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""
NEWS_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{NEWS}" xmlns="{NEWS}"
    elementFormDefault="qualified">
  <xsd:element name="news">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="publication">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="name" type="xsd:string"/>
              <xsd:element name="language">
                <xsd:simpleType>
                  <xsd:restriction base="xsd:string"><xsd:pattern value="[a-z]{{2,3}}|zh-cn|zh-tw"/></xsd:restriction>
                </xsd:simpleType>
              </xsd:element>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
        <xsd:element name="access" minOccurs="0"/>
        <xsd:element name="genres" minOccurs="0"/>
        <xsd:element name="publication_date">
          <xsd:simpleType><xsd:union memberTypes="xsd:date xsd:dateTime"/></xsd:simpleType>
        </xsd:element>
        <xsd:element name="title" type="xsd:string"/>
        <xsd:element name="keywords" type="xsd:string" minOccurs="0"/>
        <xsd:element name="stock_tickers" type="xsd:string" minOccurs="0"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""

# The build runs at NOW (2026-11-01T00:00Z); the site's time zone is Asia/Seoul (UTC+9).
RECENT = {
    "2026-10-31-fresh.md": release_text(title="Fresh: <Rights> & Wrongs", date="2026-10-31T12:00+00:00"),
    "2026-10-30-edge.md": release_text(title="Edge", date="2026-10-30T01:00+00:00"),  # 47 hours before
    "2026-10-31-korean.md": release_text(title="한국어 보도자료", date="2026-10-31T09:00", language="ko"),
    "2026-10-31-taiwan.md": release_text(title="台灣", date="2026-10-31T09:00", language="zh-Hant-TW"),
    # Dated three days before, public since its embargo lifted four hours before the build.
    "2026-10-29-lifted.md": release_text(title="Lifted", date="2026-10-29", embargo="2026-10-31T20:00+00:00"),
}
OLD = {
    "2026-10-29-stale.md": release_text(title="Stale", date="2026-10-29T23:00+00:00"),  # 49 hours before
    "2020-01-01-old.md": release_text(title="Old", date="2020-01-01"),
}
HELD = {
    "2026-10-31-embargoed.md": release_text(title="Embargoedword", date="2026-10-31", embargo="2026-11-02T00:00"),
    "2026-10-31-draft.md": release_text(title="Draftword", date="2026-10-31", draft=True),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Build:
    project = Project(tmp_path_factory.mktemp("news") / "project")
    for name, text in {**RECENT, **OLD, **HELD}.items():
        project.release(name, text)
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def schema(tmp_path: Path) -> etree.XMLSchema:
    (tmp_path / "news.xsd").write_text(NEWS_XSD, encoding="utf-8")
    (tmp_path / "sitemap.xsd").write_text(SITEMAP_XSD, encoding="utf-8")
    return etree.XMLSchema(etree.parse(str(tmp_path / "sitemap.xsd")))


def entries(build: Build) -> dict[str, dict[str, str]]:
    """Each URL of the news sitemap with the text of its news:* elements, by their names."""
    root = etree.fromstring(build.path("news-sitemap.xml").read_bytes())
    assert root.tag == f"{{{SM}}}urlset"
    found = {}
    for url in root.findall("sm:url", NS):
        news = url.find("news:news", NS)
        assert news is not None
        found[url.findtext("sm:loc", namespaces=NS)] = {
            etree.QName(element).localname: element.text
            for element in news.iter()
            if element.text and element.text.strip()
        }
    return found


def test_the_news_sitemap_lists_the_releases_of_the_last_48_hours(site, tmp_path):
    document = etree.parse(str(site.path("news-sitemap.xml")))
    assert document.docinfo.encoding == "UTF-8"
    validator = schema(tmp_path)
    assert validator.validate(document), validator.error_log
    listed = entries(site)
    assert sorted(listed) == sorted(
        SITE + url
        for url in (
            "news/2026/10/31/fresh/",
            "news/2026/10/30/edge/",
            "news/2026/10/31/korean/",
            "news/2026/10/31/taiwan/",
            "news/2026/10/29/lifted/",
        )
    )
    now = datetime.fromisoformat(NOW)
    for fields in listed.values():
        assert fields["name"] == "Newsroom"
        published = datetime.fromisoformat(fields["publication_date"])
        assert published.utcoffset() is not None
        assert published <= now


def test_each_entry_has_its_title_language_and_date(site):
    listed = entries(site)
    fresh = listed[SITE + "news/2026/10/31/fresh/"]
    assert fresh["title"] == "Fresh: <Rights> & Wrongs"
    assert fresh["language"] == "en"
    assert datetime.fromisoformat(fresh["publication_date"]) == datetime(2026, 10, 31, 12, tzinfo=UTC)
    assert listed[SITE + "news/2026/10/31/korean/"]["language"] == "ko"
    assert listed[SITE + "news/2026/10/31/taiwan/"]["language"] == "zh-tw"
    # The date its page and structured data give, though it became public later.
    lifted = datetime.fromisoformat(listed[SITE + "news/2026/10/29/lifted/"]["publication_date"])
    assert lifted == datetime.fromisoformat("2026-10-29T00:00+09:00")


def test_held_releases_are_never_in_it(site):
    text = site.text("news-sitemap.xml")
    assert "Embargoedword" not in text and "Draftword" not in text
    assert leaks(site.site, "embargoedword") == []
    assert leaks(site.site, "draftword") == []


def test_an_archive_without_recent_news_has_an_empty_news_sitemap(project):
    project.release("2020-01-01-old.md", OLD["2020-01-01-old.md"])
    build = project.build()
    assert build.returncode == 0, build.log
    assert entries(build) == {}


def test_the_window_follows_the_builds_clock(project):
    project.release("2020-01-01-old.md", OLD["2020-01-01-old.md"])
    build = project.build(now="2020-01-02T00:00+09:00")
    assert list(entries(build)) == [SITE + "news/2020/01/01/old/"]


@given(st.integers(min_value=-100, max_value=100), st.integers(min_value=-100, max_value=100))
def test_an_entry_is_in_the_window_exactly_when_it_became_public_then(date_hours, embargo_hours):
    from newsroom.reader import parse_release
    from newsroom.settings import Settings
    from newsroom.sitemap import NEWS_WINDOW, news_entries

    now = datetime(2026, 11, 1, tzinfo=UTC)
    date, embargo = now + timedelta(hours=date_hours), now + timedelta(hours=embargo_hours)
    text = release_text(date=date.isoformat(), embargo=embargo.isoformat())
    release, problems = parse_release(text.encode(), "2026-01-01-x.md", Settings(project_dir=Path("/nowhere")))
    assert problems == [] and release is not None
    public = max(date, embargo)
    expected = now - NEWS_WINDOW <= public <= now
    assert [e.url for e in news_entries([release], now)] == (
        ["news/" + f"{release.date:%Y/%m/%d}/x/"] if expected else []
    )


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("pt-BR", "pt"),
        ("KO", "ko"),
        ("zh", "zh-cn"),
        ("zh-Hans-CN", "zh-cn"),
        ("zh-Hant", "zh-tw"),
        ("zh-HK", "zh-tw"),
        ("fil", "fil"),
    ],
)
def test_languages_are_written_as_news_sitemaps_take_them(tag, expected):
    from newsroom.sitemap import news_language

    assert news_language(tag) == expected


def test_an_alias_cannot_take_the_news_sitemap_or_robots(project):
    project.release("2020-01-01-x.md", release_text(date="2020-01-01", aliases=["news-sitemap.xml", "robots.txt"]))
    project.failing_build(
        "the old address 'news-sitemap.xml' is already taken by the site itself (the news sitemap)",
        "the old address 'robots.txt' is already taken by the site itself (robots.txt)",
    )


# -- robots.txt ---------------------------------------------------------------------------


def sitemap_lines(text: str) -> list[str]:
    return [line.partition(":")[2].strip() for line in text.splitlines() if line.lower().startswith("sitemap:")]


def test_robots_names_both_sitemaps(site):
    text = site.text("robots.txt")
    assert sitemap_lines(text) == [SITE + "sitemap.xml", SITE + "news-sitemap.xml"]
    assert text.startswith("User-agent: *\nAllow: /\n")
    for url in sitemap_lines(text):
        assert site.exists(url.removeprefix(SITE))


def test_a_hand_written_robots_is_kept_with_the_sitemaps_it_lacks(project):
    own = "# Our rules\nUser-agent: BadBot\nDisallow: /\n\nSitemap: https://newsroom.example.org/sitemap.xml"
    project.doc("robots.txt", own)
    project.release("2020-01-01-x.md", release_text(date="2020-01-01"))
    build = project.build()
    assert build.returncode == 0, build.log
    text = build.text("robots.txt")
    assert text.startswith(own + "\n")
    assert sitemap_lines(text) == [SITE + "sitemap.xml", SITE + "news-sitemap.xml"]


def test_a_hand_written_robots_in_another_encoding_is_kept_byte_for_byte(project):
    own = "# Règles\nUser-agent: *\nDisallow: /privé/\n".encode("latin-1")
    (project.path / "docs/robots.txt").write_bytes(own)
    project.release("2020-01-01-x.md", release_text(date="2020-01-01"))
    build = project.build()
    assert build.returncode == 0, build.log
    data = build.path("robots.txt").read_bytes()
    assert data.startswith(own)
    assert sitemap_lines(data[len(own) :].decode("ascii")) == [SITE + "sitemap.xml", SITE + "news-sitemap.xml"]


def test_a_hand_written_robots_naming_both_is_left_as_it_is():
    from newsroom.sitemap import robots_txt

    urls = [SITE + "sitemap.xml", SITE + "news-sitemap.xml"]
    own = f"User-agent: *\nDisallow: /private/\nsitemap: {urls[1]}  # news\nSITEMAP:{urls[0]}\n"
    assert robots_txt(urls, own) == own
    assert sitemap_lines(robots_txt(urls, "User-agent: *\n")) == urls
