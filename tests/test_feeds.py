"""Feeds as subscribers' readers meet them: parsed with feedparser, checked against the W3C validator's rules."""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import FIXTURES, Project, release_text
from helpers import RELEASES

SITE = "https://newsroom.example.org/"
TERM_FEEDS = {"regions": "regions", "countries": "countries", "topics": "topics", "organizations": "organizations"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("feeds") / "project")
    project.copy_releases(FIXTURES / "archive")
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def feed_files(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json"))


def parse(path: Path):
    return feedparser.parse(path.read_bytes())


def local(site, url: str) -> Path:
    """The built file an absolute site URL points at."""
    assert url.startswith(SITE), url
    return site.path(url[len(SITE) :].split("#")[0])


def test_every_feed_parses_without_errors_and_links_resolve(site):
    files = feed_files(site.site)
    assert len(files) == 3 * (1 + 3 + 7 + 5 + 4)  # the site, 3 regions, 7 countries, 5 topics, 4 organizations
    for path in files:
        if path.suffix == ".json":
            document = json.loads(path.read_text())
            assert document["version"] == "https://jsonfeed.org/version/1.1"
            links = [document["home_page_url"]] + [i["url"] for i in document["items"]]
        else:
            parsed = parse(path)
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            links = [parsed.feed.link] + [e.link for e in parsed.entries]
            guids = [e.id for e in parsed.entries]
            assert len(guids) == len(set(guids)), path
        for link in links:
            assert local(site, link).is_file(), (path, link)


def test_the_site_feeds_hold_the_newest_fifty_in_order(site):
    expected = [SITE + r["url"] for r in RELEASES[:50]]
    for name in ("feed.xml", "atom.xml"):
        assert [e.link for e in parse(site.site / name).entries] == expected
    assert [i["url"] for i in json.loads((site.site / "feed.json").read_text())["items"]] == expected


def test_a_release_is_in_exactly_the_feeds_of_its_terms_and_the_site(site):
    release = RELEASES[10]
    url = SITE + release["url"]
    holding = {
        str(p.relative_to(site.site).parent)
        for p in feed_files(site.site)
        if p.name == "feed.xml" and url in [e.link for e in parse(p).entries]
    }
    slugs = {
        "North Korea": "north-korea",
        "South Korea": "south-korea",
        "Kenya": "kenya",
        "Nigeria": "nigeria",
        "Myanmar": "myanmar",
        "Russia": "russia",
        "Ukraine": "ukraine",
    }
    expected = (
        {"."}
        | {f"regions/{r.lower()}" for r in release["regions"]}
        | {f"countries/{slugs[c]}" for c in release["countries"]}
        | {"topics/" + t.lower().replace(" ", "-").replace("'", "") for t in release["topics"]}
        | {"organizations/" + o.lower().replace(" ", "-") for o in release.get("organizations", [])}
    )
    assert holding == expected


def test_items_carry_everything_a_reader_shows(site):
    release = next(r for r in RELEASES[:50] if "image" in r)
    entry = next(e for e in parse(site.site / "feed.xml").entries if e.link == SITE + release["url"])
    assert entry.title == release["title"]
    assert entry.id == SITE + release["url"], "the GUID is the permalink"
    assert entry.summary == release["summary"]
    assert f"fixtureword{release['name'][-5:-3].lstrip('0') or '0'}" in entry.content[0].value
    terms = {t.term for t in entry.tags}
    assert set(release["countries"]) <= terms and set(release["topics"]) <= terms
    assert entry.get("dc_coverage") == release["dateline"]
    (enclosure,) = entry.enclosures
    assert enclosure.href == SITE + "media/images/field.png"
    assert int(enclosure.length) == (FIXTURES / "archive/images/field.png").stat().st_size
    assert enclosure.type == "image/png"
    atom = next(e for e in parse(site.site / "atom.xml").entries if e.link == SITE + release["url"])
    assert atom.published == release["when"].isoformat()
    item = next(
        i for i in json.loads((site.site / "feed.json").read_text())["items"] if i["url"] == SITE + release["url"]
    )
    assert item["date_published"] == release["when"].isoformat()
    assert item["image"] == SITE + "media/images/field.png"
    assert item["_newsroom"]["dateline"] == release["dateline"]
    assert item["content_html"].startswith(
        f'<figure><img src="{SITE}media/images/field.png" alt="{release["image"]["alt"]}">'
        f"<figcaption>{release['image']['caption']} {release['image']['credit']}</figcaption></figure>"
    )


def test_channels_are_dated_by_their_newest_item_and_link_to_themselves(site):
    for path in feed_files(site.site):
        url = SITE + str(path.relative_to(site.site))
        if path.suffix == ".json":
            document = json.loads(path.read_text())
            assert document["feed_url"] == url
            continue
        parsed = parse(path)
        newest = max(e.get("updated") or e.published for e in parsed.entries) if path.name == "atom.xml" else None
        if path.name == "feed.xml":
            tree = etree.parse(str(path))
            self_links = tree.xpath("//*[local-name()='link' and @rel='self']/@href")
            assert self_links == [url]
            assert tree.findtext("channel/link") == local_page_url(path, site)
            dates = [email.utils.parsedate_to_datetime(d) for d in tree.xpath("//item/pubDate/text()")]
            last = email.utils.parsedate_to_datetime(tree.findtext("channel/lastBuildDate"))
            assert last == max(dates)
            for text in tree.xpath("//pubDate/text() | //lastBuildDate/text()"):
                assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", text), text
            for length in tree.xpath("//enclosure/@length"):
                assert int(length) > 0
            for link in tree.xpath("//item/link/text() | //item/guid/text() | //enclosure/@url"):
                assert link.startswith("https://"), link
        else:
            tree = etree.parse(str(path))
            ns = {"a": "http://www.w3.org/2005/Atom"}
            assert tree.xpath("/a:feed/a:link[@rel='self']/@href", namespaces=ns) == [url]
            assert tree.xpath("/a:feed/a:author/a:name/text()", namespaces=ns) == ["Newsroom"]
            assert tree.xpath("/a:feed/a:updated/text()", namespaces=ns) == [newest]


def local_page_url(path: Path, site) -> str:
    return SITE + ("" if path.parent == site.site else str(path.parent.relative_to(site.site)) + "/")


def shown(detail) -> str:
    """What a reader shows of a feedparser text construct: the text of HTML, text as it is."""
    if detail.type == "text/html":
        return lxml_html.fragment_fromstring(detail.value, create_parent="div").text_content()
    assert detail.type == "text/plain", detail.type
    return detail.value


def test_text_is_escaped_correctly_in_every_format(project):
    nasty = 'Fish & "Chips" <b>bold</b> 북한의 🚀'
    project.release(
        "2021-05-06-x.md",
        release_text(
            title=nasty, date="2021-05-06", summary=nasty, dateline=nasty, countries=[nasty], body=f"Body {nasty}"
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    for name in ("feed.xml", "atom.xml"):
        parsed = parse(build.site / name)
        assert not parsed.bozo
        (entry,) = parsed.entries
        # RSS readers take a description as HTML, and a title as HTML when it looks like HTML.
        assert shown(entry.title_detail) == nasty
        assert shown(entry.summary_detail) == nasty
        assert nasty in {t.term for t in entry.tags}
    item = json.loads((build.site / "feed.json").read_text())["items"][0]
    assert item["title"] == nasty and item["summary"] == nasty
    assert '<p>Body Fish &amp; "Chips" <b>bold</b> 북한의 🚀</p>' in item["content_html"]


def test_relative_links_and_images_in_the_body_become_absolute(project):
    project.asset("images/p.png", b"\x89PNG\r\n\x1a\n")
    project.release("2021-01-01-first.md", release_text(title="First", date="2021-01-01"))
    project.release(
        "2021-02-01-second.md",
        release_text(
            title="Second",
            date="2021-02-01",
            body="## Part\n\nSee [first](2021-01-01-first.md), [part](#part) and ![map](images/p.png).",
        ),
    )
    build = project.build()
    item = json.loads((build.site / "feed.json").read_text())["items"][0]
    html = item["content_html"]
    assert 'href="https://newsroom.example.org/news/2021/01/01/first/"' in html
    assert 'href="https://newsroom.example.org/news/2021/02/01/second/#part"' in html
    assert 'src="https://newsroom.example.org/media/images/p.png"' in html
    assert "headerlink" not in html


def feed_hashes(site_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(site_dir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in feed_files(site_dir)}


def test_rebuilding_gives_identical_feeds_and_an_edit_changes_only_its_feeds(tmp_path):
    project = Project(tmp_path / "project")
    project.copy_releases(FIXTURES / "archive")

    def built() -> dict[str, str]:  # a failed build would leave the previous feeds in place
        build = project.build()
        assert build.returncode == 0, build.log
        return feed_hashes(build.site)

    first = built()
    assert len(first) == 3 * (1 + 3 + 7 + 5 + 4)
    assert built() == first
    release = RELEASES[3]
    path = project.releases / release["name"]
    path.write_text(path.read_text().replace("The body of release", "The edited body of release"))
    changed = {name for name, digest in built().items() if first[name] != digest}
    folders = {str(Path(name).parent) for name in changed}
    assert folders == {
        ".",
        *[f"countries/{c.lower().replace(' ', '-')}" for c in release["countries"]],
        *[f"regions/{r.lower()}" for r in release["regions"]],
        *["topics/" + t.lower().replace(" ", "-").replace("'", "") for t in release["topics"]],
        *["organizations/" + o.lower().replace(" ", "-") for o in release.get("organizations", [])],
    }
    assert len(changed) == 3 * len(folders)


PREVIEW = """
import json, sys, hashlib, pathlib
project, site, edited = (pathlib.Path(a) for a in sys.argv[1:4])
sys.path.insert(0, str(project / "hooks"))
import newsroom.feeds  # the very module the hooks use: MkDocs finds it in sys.modules
from mkdocs.commands.build import build
from mkdocs.config import load_config
rendered = []  # the feeds (by base) whose files the current rebuild rendered
render = newsroom.feeds.FeedWriter.render
def counting_render(self, feed):
    rendered.append(feed.base)
    return render(self, feed)
newsroom.feeds.FeedWriter.render = counting_render
def rebuild():
    rendered.clear()
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
    files = {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in site.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json")}
    return {"files": files, "rendered": sorted(rendered)}
first = rebuild()
edited.write_text(edited.read_text().replace("The body of release", "The edited body of release"))
print(json.dumps([first, rebuild()]))
"""


def test_a_preview_rebuild_renders_again_only_the_feeds_an_edit_changes(project):
    import json
    import subprocess
    import sys

    project.copy_releases(FIXTURES / "archive")
    assert project.build().returncode == 0  # writes mkdocs.yml
    release = RELEASES[3]
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PREVIEW,
            str(project.path),
            str(project.path / "preview"),
            str(project.releases / release["name"]),
        ],
        cwd=project.path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "NEWSROOM_NOW": "2026-11-01T00:00:00Z"},
    )
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout.splitlines()[-1])
    bases = {str(Path(name).parent) for name in first["files"]}
    assert len(first["files"]) == 3 * len(bases) == 3 * (1 + 3 + 7 + 5 + 4)
    assert {b.rstrip("/") or "." for b in first["rendered"]} == bases, "the first build renders every feed"

    # The feeds of the edited release's terms, and the site's: these, and only these, are rendered again.
    edited = {
        ".",
        *[f"countries/{c.lower().replace(' ', '-')}" for c in release["countries"]],
        *[f"regions/{r.lower()}" for r in release["regions"]],
        *["topics/" + t.lower().replace(" ", "-").replace("'", "") for t in release["topics"]],
        *["organizations/" + o.lower().replace(" ", "-") for o in release.get("organizations", [])],
    }
    assert len(second["rendered"]) == len(set(second["rendered"])), "each feed rendered once"
    assert {b.rstrip("/") or "." for b in second["rendered"]} == edited
    assert len(edited) < len(bases)

    changed = {name for name in first["files"] if first["files"][name] != second["files"][name]}
    assert {str(Path(name).parent) for name in changed} == edited
    assert len(changed) == 3 * len(edited), "every format of each edited feed changes, and no other file"
    for name in changed:
        assert "The edited body of release" in (project.path / "preview" / name).read_text(encoding="utf-8"), name


def test_a_new_title_keeps_the_guid(project):
    project.release("2021-01-01-x.md", release_text(title="Before", date="2021-01-01"))
    before = parse(project.build().site / "feed.xml").entries[0]
    project.release("2021-01-01-x.md", release_text(title="After", date="2021-01-01"))
    after = parse(project.build().site / "feed.xml").entries[0]
    assert (before.title, after.title) == ("Before", "After")
    assert before.id == after.id == SITE + "news/2021/01/01/x/"


def test_without_site_url_the_build_fails_saying_feeds_need_absolute_urls(project):
    project.release("2021-01-01-x.md", release_text(date="2021-01-01"))
    del project.config["site_url"]
    build = project.build()
    assert build.returncode == 1
    assert "site_url is required: feeds need absolute URLs" in build.log


def test_pages_link_their_feeds_in_the_head(site):
    def alternates(url):
        return site.html(url).xpath("//head/link[@rel='alternate feed']/@href")

    assert alternates("") == ["feed.xml", "atom.xml", "feed.json"]
    assert alternates("countries/kenya/") == [
        "../../feed.xml",
        "../../atom.xml",
        "../../feed.json",
        "feed.xml",
        "atom.xml",
        "feed.json",
    ]
    release = RELEASES[0]
    types = site.html(release["url"]).xpath("//head/link[@rel='alternate feed']/@type")
    assert types[:3] == ["application/rss+xml", "application/atom+xml", "application/feed+json"]
    country_feeds = [h for h in alternates(release["url"]) if "countries/" in h]
    assert len(country_feeds) == 3 * len(release["countries"])


def test_the_subscribe_page_lists_every_feed_and_is_linked_from_every_page(site):
    page = site.html("subscribe/")
    hrefs = page.xpath("//article//ul[@class='nr-feeds']//a[not(@class)]/@href")
    built = {str(p.relative_to(site.site)) for p in feed_files(site.site)}
    assert {href.replace("../", "", 1) for href in hrefs} == built
    assert "https://newsroom.example.org/countries/kenya/feed.xml" in page.xpath("//code/text()")
    assert "feed reader" in page.xpath("string(//p[@class='nr-explain'])")
    for url in ("", "news/", RELEASES[0]["url"]):
        assert site.html(url).xpath("//a[@class='nr-subscribe-link']"), url
    assert site.html("").xpath("//p[@class='nr-more']/a[text()='Subscribe']/@href") == ["subscribe/"]


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def test_json_feeds_follow_json_feed_1_1(site):
    paths = sorted(site.site.rglob("feed.json"))
    assert len(paths) == 1 + 3 + 7 + 5 + 4
    # Every item with a photo carries it as an attachment (so the loop below has attachments to check).
    items = json.loads((site.site / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [i["url"] for i in items if "attachments" in i] == [SITE + r["url"] for r in RELEASES[:50] if "image" in r]
    for path in paths:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["title"] and document["items"]
        assert document["feed_url"] == SITE + str(path.relative_to(site.site))
        assert document["home_page_url"].startswith(SITE)
        for item in document["items"]:
            assert item["id"] == item["url"] and item["title"] and item["content_html"] and item["summary"]
            assert RFC3339.fullmatch(item["date_published"]), item["date_published"]
            assert isinstance(item["tags"], list)
            for attachment in item.get("attachments", []):
                assert attachment["url"].startswith(SITE) and attachment["mime_type"]
                assert isinstance(attachment["size_in_bytes"], int)


def test_the_number_of_items_is_a_setting(tmp_path):
    project = Project(tmp_path / "project")
    project.copy_releases(FIXTURES / "archive")
    project.newsroom(feed_items=2)
    build = project.build()
    assert [e.link for e in parse(build.site / "feed.xml").entries] == [SITE + r["url"] for r in RELEASES[:2]]
    assert len(parse(build.site / "countries/north-korea/atom.xml").entries) == 2


def test_a_site_under_a_path_gets_its_urls_right(project):
    project.asset("images/p.png", b"\x89PNG\r\n\x1a\n")
    project.release("2021-01-01-x.md", release_text(title="X", date="2021-01-01", body="![map](images/p.png)"))
    project.config["site_url"] = "https://example.org/archive/"
    build = project.build()
    rss = parse(build.site / "feed.xml")
    assert rss.feed.link == "https://example.org/archive/"
    assert rss.entries[0].link == "https://example.org/archive/news/2021/01/01/x/"
    assert 'src="https://example.org/archive/media/images/p.png"' in rss.entries[0].content[0].value


def test_an_empty_archive_has_valid_empty_feeds(project):
    project.newsroom(allow_empty=True)  # without it, a releases folder without releases fails the build
    build = project.build()
    assert build.returncode == 0, build.log
    for name in ("feed.xml", "atom.xml"):
        parsed = parse(build.site / name)
        assert not parsed.bozo and parsed.entries == []
    # Never the build's time: a feed that never changed is not dated where the format allows it...
    assert b"lastBuildDate" not in (build.site / "feed.xml").read_bytes()
    # ...and where it must be dated (Atom's <updated>), at the Unix epoch, before any release.
    atom = etree.fromstring((build.site / "atom.xml").read_bytes())
    assert atom.findtext("{http://www.w3.org/2005/Atom}updated") == "1970-01-01T00:00:00+00:00"
    assert json.loads((build.site / "feed.json").read_text())["items"] == []
    first = feed_hashes(build.site)
    again = project.build(now="2027-05-01T12:00:00Z")
    assert feed_hashes(again.site) == first, "a build at another time gives the same feeds"


def test_a_dirty_rebuild_writes_the_same_feeds(tmp_path):
    """--dirty renders only the pages that changed; the feeds still carry every body."""
    project = Project(tmp_path / "project")
    project.copy_releases(FIXTURES / "archive")
    first = project.build()
    assert first.returncode == 0, first.log
    before = feed_hashes(first.site)
    assert len(before) == 3 * (1 + 3 + 7 + 5 + 4)
    again = project.build("--dirty", strict=False)  # MkDocs warns about every dirty build
    assert again.returncode == 0, again.log
    assert feed_hashes(again.site) == before


def test_feed_readers_discover_the_feeds(site):
    """Autodiscovery as feed readers do it: rel contains 'alternate', type is a feed type.
    (The extra 'feed' keeps Material's JavaScript from fetching the sitemap once for each link.)"""
    page = site.html("countries/kenya/")
    found = [
        (link.get("type"), link.get("href"))
        for link in page.xpath("//head/link")
        if "alternate" in (link.get("rel") or "").split()
        and link.get("type") in ("application/rss+xml", "application/atom+xml", "application/feed+json")
    ]
    assert ("application/rss+xml", "feed.xml") in found and ("application/atom+xml", "../../atom.xml") in found


def test_each_entry_written_once_is_what_feedgen_writes_inside_the_whole_feed(tmp_path):
    # Items are serialized once and copied into every feed they are in: the bytes must be those of
    # feedgen given the whole feed, whatever the text holds (the markup that ends an entry or a
    # feed, CDATA's end, line breaks, an enclosure, a dateline).
    from datetime import UTC, datetime

    from newsroom.feeds import Category, Enclosure, Feed, FeedWriter, Item, Site
    from newsroom.settings import Settings
    from newsroom.taxonomy import build_taxonomies

    hostile = "<p>a\nb</p> ]]> </item> </entry> </channel> </feed> &amp; <![CDATA[x]]> \u2028 한국어"
    items = [
        Item(
            title=f"Title {n} </title> & <b>",
            url=f"https://news.example.org/news/{n}/",
            published=datetime(2021, 1, n, 9, tzinfo=UTC),
            updated=datetime(2021, 2, n, tzinfo=UTC) if n % 2 else None,
            summary=f"Summary {n} </description>\nsecond line",
            content_html=hostile * n,
            categories=(Category("North Korea", "https://news.example.org/countries/north-korea/"),) * (n % 2),
            dateline="Seoul" if n % 2 else None,
            language="ko" if n == 2 else "en",
            enclosure=Enclosure("https://news.example.org/a.png", 120, "image/png") if n == 1 else None,
        )
        for n in (1, 2, 3)
    ]
    settings = Settings(project_dir=tmp_path, site_url="https://news.example.org/")
    writer = FeedWriter(settings, Site("News", "https://news.example.org/", "d", "en"), build_taxonomies([]), str)
    feed = Feed("", "News", "", "All releases", [])
    newest = max(item.changed for item in items)
    for kind in ("rss", "atom"):
        # The reference: the same channel, given every entry, written by feedgen at once.
        whole = writer._channel(feed, newest, kind)
        for item in reversed(items):  # feedgen lists the entry added last first
            whole.add_entry(item.entry(kind))
        reference = whole.rss_str(pretty=True) if kind == "rss" else whole.atom_str(pretty=True)
        stitched = writer._xml(feed, items, newest, kind)
        assert stitched == reference
        assert stitched.count(b"<item>" if kind == "rss" else b"<entry>") == 3


#: Counted in every process of a build: feed items made.
COUNTING_ITEMS = """
from newsroom import feeds

item = feeds.FeedWriter._item
def counting(self, release):
    os.write(counts, b".")
    return item(self, release)

feeds.FeedWriter._item = counting
"""


def test_a_build_taking_its_feeds_from_the_cache_makes_no_item(project):
    """A published build writes a feed kept by an earlier one as it was kept: it makes none of its
    items (each from its release's body), not even to fingerprint the feed for a rebuild that never
    comes (only `make serve` rebuilds in its process)."""
    import shutil

    project.copy_releases(FIXTURES / "archive")
    secret = {"NEWSROOM_CACHE_SECRET": "a secret of the publishing workflow"}
    assert project.build(env=secret).returncode == 0  # writes mkdocs.yml

    def items_made() -> int:
        shutil.rmtree(project.path / "site")  # every feed written, from the cache
        made = project.counted_build(COUNTING_ITEMS, env=secret)
        assert len(feed_hashes(project.path / "site")) == 3 * (1 + 3 + 7 + 5 + 4)
        return len(made)

    assert items_made() == 0
    edited = project.releases / RELEASES[3]["name"]
    edited.write_text(edited.read_text().replace("The body of release", "The edited body of release"))
    assert items_made() > 0, "the feeds showing the edited release are made again"
