"""Importing feeds (RSS 2.0 with content:encoded, Atom, JSON Feed) into a project, building it, and
checking what came out: every item a release or in the report, the text of every body, every old
address a redirect, a second import that changes nothing, an editor's change kept, each bad input."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path, PurePosixPath

import pytest
from lxml import html as lxml_html

from conftest import FIXTURES, ROOT, Build, Project, release_text, site_tab
from helpers import front_of, html_errors, imported_ids, run_import
from newsroom.importer.command import guess_kind
from newsroom.importer.feeds import dateline_of, read_feeds
from newsroom.importer.items import ImportMap, Item, Skipped

FEEDS = FIXTURES / "import" / "feeds"
OLD = "https://old.rights-watch.example"
MAP = """\
categories:
  Asia: {regions: Asia}
  North Korea: {countries: North Korea}
  Arbitrary Detention: {topics: Arbitrary Detention}
  arbitrary-detention: {topics: Arbitrary Detention}
  Accountability: {topics: [Accountability, Crimes Against Humanity]}
"""


def url_of(path: Path) -> str:
    name = path.stem
    return f"news/{name[:10].replace('-', '/')}/{name[11:]}/"


def report(project: Project) -> str:
    return (project.path / "import-report.md").read_text(encoding="utf-8")


def entries() -> list[Item | Skipped]:
    return list(read_feeds(FEEDS, ImportMap()))


BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "blockquote", "td", "th", "tr", "div", "br", "figcaption"}


def seen_text(element) -> str:
    """The words a reader sees: blocks apart, no script, no heading anchors; whitespace collapsed."""
    for gone in [*element.iter("script", "style"), *element.find_class("headerlink")]:
        gone.drop_tree()
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag in BLOCKS:
            node.tail = f" {node.tail or ''}"
            node.text = f" {node.text or ''}"
    return " ".join(element.text_content().split())


def blocks_of(body_html: str) -> list[str]:
    """The text of each paragraph, list item, heading and cell of a source body."""
    root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    for gone in root.iter("script", "style"):
        gone.drop_tree()
    texts = [" ".join(e.text_content().split()) for e in root.iter("p", "li", "h2", "td", "th")]
    if not texts:
        texts = [" ".join(root.text_content().split())]
    return [t for t in texts if t]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Project, subprocess.CompletedProcess, Build]:
    project = Project(tmp_path_factory.mktemp("feeds") / "project")
    (project.path / "import-map.yml").write_text(MAP, encoding="utf-8")
    done = run_import(project, FEEDS, "--map", "import-map.yml")
    build = project.build()
    assert build.returncode == 0, build.log
    return project, done, build


# -- the reader ----------------------------------------------------------------


def test_the_fixtures_in_order_every_item_read():
    found = entries()
    assert [(Path(e.source).name, e.id) for e in found] == [
        ("atom.xml", "tag:old.rights-watch.example,2020-02-18:/geneva/hearing"),
        ("atom.xml", f"{OLD}/geneva/?p=977"),
        ("feed.json", f"{OLD}/ko/2020/02/statement-repatriation/"),
        ("feed.json", "ko-1209"),
        ("rss.xml", f"{OLD}/?p=1432"),
        ("rss.xml", f"{OLD}/press/2020/03/joint-letter-hrc43/"),
        ("rss.xml", "coi-six-years-on"),
    ]
    assert all(isinstance(e, Item) for e in found)


def test_dates_keep_the_offset_the_feed_wrote():
    dates = {e.id: e.date.isoformat() for e in entries() if isinstance(e, Item)}
    assert dates["coi-six-years-on"] == "2020-03-03T10:00:00+09:00"
    assert dates["tag:old.rights-watch.example,2020-02-18:/geneva/hearing"] == "2020-02-18T14:00:00+01:00"
    assert dates["ko-1209"] == "2020-02-18T09:00:00+09:00"


def test_an_rss_item_every_field():
    [item] = [e for e in entries() if isinstance(e, Item) and e.id == f"{OLD}/?p=1432"]
    assert item.title == "North Korea: UN Must Renew Mandate of Special Rapporteur"
    assert item.summary == (
        "The Human Rights Council should renew the mandate of the Special Rapporteur on North Korea for another\u2026"
    ), "a cut excerpt's [&hellip;] becomes an ellipsis"
    assert item.dateline == "Seoul"
    assert item.categories == (("category", "Asia"), ("category", "North Korea"), ("category", "United Nations"))
    assert item.link == f"{OLD}/press/2020/03/un-must-renew-mandate/"
    assert item.old_addresses == (f"{OLD}/?p=1432",)
    assert item.photo is not None and item.photo.src.endswith("council.jpg") and item.photo.alt is None
    assert item.language == "en-US"
    assert "<h2>Recommendations</h2>" in item.body_html


def test_an_atom_entry_with_a_local_enclosure_and_an_update():
    [item] = [e for e in entries() if isinstance(e, Item) and e.id.endswith("/geneva/hearing")]
    assert item.title == "Hearing on Arbitrary Detention in Geneva"
    assert item.photo is not None
    assert Path(item.photo.src) == FEEDS / "images" / "geneva-hearing.png"
    assert item.photo.alt == "Witnesses speaking at a side event in Room XXI of the Palais des Nations"
    assert item.updated is not None and item.updated.isoformat() == "2020-02-20T16:45:00+01:00"
    assert item.dateline == "Geneva"


def test_a_json_feed_item_in_korean():
    [item] = [e for e in entries() if isinstance(e, Item) and e.id.endswith("statement-repatriation/")]
    assert item.language == "ko"
    assert item.dateline == "서울"
    assert item.categories == (("category", "North Korea"), ("category", "난민"))
    assert item.photo is not None and item.photo.alt == "국경 지역의 철조망"


@pytest.mark.parametrize(
    ("body", "dateline"),
    [
        ("<p>(Seoul) – Text.</p>", "Seoul"),
        ("<p>(Geneva, March 3) &#8212; Text.</p>", "Geneva, March 3"),
        ("<p><strong>(New York)</strong> - Text.</p>", "New York"),
        ("<p>Text (Seoul) – more.</p>", None),
        ("<p>(Seoul)Text.</p>", None),
        ("", None),
    ],
)
def test_datelines(body, dateline):
    assert dateline_of(body) == dateline


def test_guessing_what_a_source_is(tmp_path):
    assert guess_kind(FEEDS / "rss.xml") == "rss"
    assert guess_kind(FEEDS / "atom.xml") == "rss"
    assert guess_kind(FEEDS / "feed.json") == "rss"
    assert guess_kind(FEEDS) == "rss"
    assert guess_kind(FIXTURES / "import" / "wordpress" / "export.xml") == "wordpress"
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<html></html>", encoding="utf-8")
    assert guess_kind(tmp_path / "pages") == "html"
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert guess_kind(tmp_path / "notes.txt") is None


# -- imported and built --------------------------------------------------------


def test_every_item_became_a_release(imported):
    project, done, _ = imported
    assert done.returncode == 0, done.stdout + done.stderr
    assert "import: 7 written, 0 updated, 0 unchanged, 0 kept (edited since the last import), 0 skipped" in done.stdout
    assert set(imported_ids(project)) == {e.id for e in entries() if isinstance(e, Item)}
    assert "## Skipped (0)" in report(project)


def test_front_matter_of_an_rss_item(imported):
    project, _, _ = imported
    path = imported_ids(project)[f"{OLD}/?p=1432"]
    assert path.name == "2020-03-10-un-must-renew-mandate.md"
    front = front_of(path)
    assert front["title"] == "North Korea: UN Must Renew Mandate of Special Rapporteur"
    assert front["date"] == "2020-03-10T09:30:00+09:00"
    assert front["dateline"] == "Seoul"
    assert front["regions"] == "Asia" and front["countries"] == "North Korea"
    assert "language" not in front, "en-US is the site's English"
    assert front["aliases"] == ["press/2020/03/un-must-renew-mandate/"]
    assert front["extra"]["imported"]["source"] == str(FEEDS / "rss.xml")
    assert front["extra"]["imported"]["categories"] == ["United Nations"], "unmapped names are kept"
    assert front["extra"]["imported"]["hash"].startswith("sha256:")
    assert "image" not in front, "no alt text: the photo is left out and reported"


def test_a_slug_from_a_page_address_and_one_from_the_title(imported):
    project, _, _ = imported
    ids = imported_ids(project)
    assert ids["coi-six-years-on"].name == "2020-03-03-coi-six-years-on.md"
    assert front_of(ids["coi-six-years-on"])["summary"] == (
        "Six years after the UN Commission of Inquiry found crimes against humanity, no one has been held to account."
    )
    assert front_of(ids["coi-six-years-on"])["aliases"] == ["press/2020/03/coi-six-years-on.html"]
    assert ids["ko-1209"].name == "2020-02-18-briefing.md"
    assert front_of(ids["ko-1209"])["language"] == "ko"


def test_the_body_text_survived(imported):
    project, _, build = imported
    ids = imported_ids(project)
    for item in entries():
        assert isinstance(item, Item)
        [body] = build.html(url_of(ids[item.id])).find_class("nr-body")
        seen = seen_text(body)
        for block in blocks_of(item.body_html):
            assert block in seen, f"{item.id}: {block!r} is not in the page's text: {seen!r}"


def test_links_between_imported_items_follow_the_new_addresses(imported):
    project, _, build = imported
    ids = imported_ids(project)
    page_url = url_of(ids[f"{OLD}/?p=1432"])
    body = build.html(page_url).find_class("nr-body")[0]
    hrefs = {a.text_content().strip(): a.get("href") for a in body.iter("a")}
    assert hrefs["joint letter"] == "../../09/joint-letter-hrc43/"
    assert hrefs["findings of the Commission of Inquiry"] == "../../03/coi-six-years-on/"
    text = ids[f"{OLD}/?p=1432"].read_text(encoding="utf-8")
    assert "[joint letter](2020-03-09-joint-letter-hrc43.md)" in text
    # a link to an address no item has keeps the old site's absolute address
    body = build.html(url_of(ids["coi-six-years-on"])).find_class("nr-body")[0]
    assert [a.get("href") for a in body.iter("a")] == [
        "https://www.ohchr.org/EN/HRBodies/HRC/CoIDPRK/Pages/ReportoftheCommissionofInquiryDPRK.aspx"
    ]


def test_the_script_and_remote_images_of_a_body_do_not_come_through(imported):
    project, _, build = imported
    ids = imported_ids(project)
    text = ids[f"{OLD}/?p=1432"].read_text(encoding="utf-8")
    assert "ga(" not in text and "<script" not in text
    page = build.html(url_of(ids[f"{OLD}/?p=1432"]))
    assert page.xpath("//*[contains(@class, 'nr-body')]//img") == []
    [link] = [a for a in page.find_class("nr-body")[0].iter("a") if "council-chamber" in (a.get("href") or "")]
    assert link.text_content() == "The Human Rights Council chamber in Geneva"
    assert f"- press_releases/{ids[f'{OLD}/?p=1432'].name}: {OLD}/wp-content/uploads/2020/03/council-chamber.jpg" in (
        report(project)
    )


def test_a_local_photo_is_copied_next_to_the_releases(imported):
    project, _, build = imported
    path = imported_ids(project)["tag:old.rights-watch.example,2020-02-18:/geneva/hearing"]
    image = front_of(path)["image"]
    assert image == {
        "src": "images/imported/2020-02-18-hearing-arbitrary-detention/geneva-hearing.png",
        "alt": "Witnesses speaking at a side event in Room XXI of the Palais des Nations",
    }
    assert (project.releases / image["src"]).read_bytes() == (FEEDS / "images" / "geneva-hearing.png").read_bytes()
    alts = build.html(url_of(path)).xpath("//img/@alt")
    assert image["alt"] in alts


def test_the_report_lists_unmapped_names_guesses_and_remote_photos(imported):
    project, _, _ = imported
    text = report(project)
    assert "## Category names not in the mapping (4)" in text
    for line in ("- 'Europe': 1 item", "- 'Letters': 1 item", "- 'United Nations': 1 item", "- '난민': 1 item"):
        assert line in text
    ids = imported_ids(project)
    letter = f"press_releases/{ids[f'{OLD}/press/2020/03/joint-letter-hrc43/'].name}"
    assert (
        f"- {letter}: summary taken from the first sentence: 'We, the undersigned organizations, write to urge "
        "your delegation to support a resolution.'" in text
    )
    rss = f"press_releases/{ids[f'{OLD}/?p=1432'].name}"
    assert f"- {rss}: photo {OLD}/wp-content/uploads/2020/03/council.jpg left out: the source gives no alt text" in text
    assert f"- {rss}: old address {OLD}/?p=1432 has a query, which a static site cannot answer: not an alias" in text
    korean = f"press_releases/{ids[f'{OLD}/ko/2020/02/statement-repatriation/'].name}"
    assert f"- {korean}: {OLD}/ko/uploads/border.jpg" in text


def test_taxonomy_pages_of_mapped_names(imported):
    _, _, build = imported
    assert build.exists("countries/north-korea/")
    assert build.exists("topics/arbitrary-detention/")
    assert build.exists("topics/crimes-against-humanity/")
    assert not build.exists("topics/united-nations/")


def test_every_old_address_redirects_to_its_new_page(imported):
    project, _, build = imported
    checked = 0
    for path in imported_ids(project).values():
        for alias in front_of(path).get("aliases", []):
            page = build.html(alias)
            [refresh] = page.xpath("//meta[@http-equiv='refresh']/@content")
            target = PurePosixPath("/", alias if alias.endswith("/") else str(PurePosixPath(alias).parent) + "/")
            landed = os.path.normpath(str(target / refresh.split("url=", 1)[1])).lstrip("/") + "/"
            assert landed == url_of(path), alias
            assert page.xpath("//link[@rel='canonical']/@href") == [f"https://newsroom.example.org/{url_of(path)}"]
            checked += 1
    assert checked == 7


def test_old_addresses_redirect_in_chromium(imported, browser):
    _, _, build = imported
    with site_tab(browser, build) as tab:
        for old, new in [
            ("press/2020/03/un-must-renew-mandate/", "news/2020/03/10/un-must-renew-mandate/"),
            ("press/2020/03/coi-six-years-on.html", "news/2020/03/03/coi-six-years-on/"),
            ("ko/2020/02/statement-repatriation/", "news/2020/02/25/statement-repatriation/"),
        ]:
            tab.goto(tab.base + old)
            tab.wait_for_url(tab.base + new)
            assert tab.locator("h1").first.inner_text().strip() != ""


def test_imported_pages_and_their_redirects_are_valid_html(imported):
    project, _, build = imported
    urls = [url_of(path) for path in imported_ids(project).values()]
    urls += [alias for path in imported_ids(project).values() for alias in front_of(path).get("aliases", [])]
    files = [str(build.path(url)) for url in urls]
    assert len(files) == 14 and all(Path(file).is_file() for file in files), files
    assert html_errors(files) == []


# -- imports again -------------------------------------------------------------


def files_of(project: Project) -> dict[str, bytes]:
    return {str(p.relative_to(project.releases)): p.read_bytes() for p in project.releases.rglob("*") if p.is_file()}


def test_a_second_import_changes_nothing(project):
    first = run_import(project, FEEDS)
    assert first.returncode == 0, first.stderr
    before = files_of(project)
    again = run_import(project, FEEDS)
    assert again.returncode == 0, again.stderr
    assert files_of(project) == before
    assert "import: 0 written, 0 updated, 7 unchanged, 0 kept (edited since the last import), 0 skipped" in again.stdout
    assert "## Unchanged (7)" in report(project)


def test_an_edited_release_is_kept_and_reported(project):
    run_import(project, FEEDS)
    path = imported_ids(project)["coi-six-years-on"]
    edited = path.read_text(encoding="utf-8").replace("no one has been held to account.", "no one was tried.", 1)
    path.write_text(edited, encoding="utf-8")
    again = run_import(project, FEEDS)
    assert again.returncode == 0, again.stderr
    assert path.read_text(encoding="utf-8") == edited
    assert "1 kept (edited since the last import)" in again.stdout
    assert f"## Kept: edited since the last import, not overwritten (1)\n\n- press_releases/{path.name}\n" in (
        report(project)
    )


def test_a_changed_source_updates_the_releases_no_one_touched(project, tmp_path):
    feeds = tmp_path / "feeds"
    shutil.copytree(FEEDS, feeds)
    run_import(project, feeds)
    before = files_of(project)
    rss = feeds / "rss.xml"
    rss.write_text(rss.read_text(encoding="utf-8").replace("no one has been held to account", "no one is tried"))
    again = run_import(project, feeds)
    assert again.returncode == 0, again.stderr
    assert "import: 0 written, 1 updated, 6 unchanged" in again.stdout
    after = files_of(project)
    changed = [name for name in after if after[name] != before.get(name)]
    assert changed == ["2020-03-03-coi-six-years-on.md"]
    assert "no one is tried" in after["2020-03-03-coi-six-years-on.md"].decode()
    # an item taken out of the source: its release stays, and the report says so
    (feeds / "feed.json").unlink()
    third = run_import(project, feeds)
    assert third.returncode == 0, third.stderr
    assert files_of(project) == after
    assert "import: 2 releases of items no longer in the source (left alone)" in third.stdout
    assert (
        "## No longer in the source (an earlier import wrote them; left alone) (2)\n\n"
        "- press_releases/2020-02-18-briefing.md\n- press_releases/2020-02-25-statement-repatriation.md\n"
    ) in report(project)


def test_a_dry_run_writes_only_the_report(project):
    done = run_import(project, FEEDS, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert files_of(project) == {}
    assert "import: 7 would be written" in done.stdout
    assert report(project).startswith("# Import report (dry run: nothing was written)")


def test_it_never_writes_over_a_file_it_did_not_write(project):
    mine = "---\ntitle: Mine\nsummary: Mine.\ndate: 2020-03-03\n---\n\nMine.\n"
    project.release("2020-03-03-coi-six-years-on.md", mine)
    done = run_import(project, FEEDS / "rss.xml")
    assert done.returncode == 1
    assert (project.releases / "2020-03-03-coi-six-years-on.md").read_text(encoding="utf-8") == mine
    assert (
        f"- {FEEDS / 'rss.xml'}: 'coi-six-years-on': press_releases/2020-03-03-coi-six-years-on.md already exists "
        "and was not written by an import of this item; it is left alone" in report(project)
    )


def test_an_old_address_a_release_already_answers_is_not_taken(project):
    mine = release_text(title="Mine", date="2021-01-01", aliases=["/press/2020/03/un-must-renew-mandate/"])
    project.release("2021-01-01-mine.md", mine)
    done = run_import(project, FEEDS / "rss.xml")
    assert done.returncode == 0, done.stderr
    path = project.releases / "2020-03-10-un-must-renew-mandate.md"
    assert "aliases" not in front_of(path)
    assert (
        f"- press_releases/{path.name}: old address {OLD}/press/2020/03/un-must-renew-mandate/ is already the alias "
        "of press_releases/2021-01-01-mine.md: not an alias\n"
    ) in report(project)


# -- bad input -----------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Old</title><link>https://old.example/</link>
{items}
</channel></rss>
"""


def item(title: str | None = "A title", date: str | None = "Tue, 03 Mar 2020 09:00:00 +0900", **more: str) -> str:
    parts = [f"<title>{title}</title>" if title is not None else "", f"<pubDate>{date}</pubDate>" if date else ""]
    parts += [f"<{k}>{v}</{k}>" for k, v in more.items()]
    return "<item>" + "".join(parts) + "<description>Text of the item.</description></item>"


def test_bad_items_are_skipped_with_their_reason(project, tmp_path):
    feed = tmp_path / "bad.xml"
    feed.write_text(
        RSS.format(
            items="\n".join(
                [
                    item(link="https://old.example/a/"),
                    item(title=None, link="https://old.example/b/"),
                    item(date=None, link="https://old.example/c/"),
                    item(date="March 5th-ish", link="https://old.example/d/"),
                    item(title="Same", link="https://old.example/press/same/", guid="one"),
                    item(title="Same", link="https://old.example/news/same/", guid="two"),
                ]
            )
        ),
        encoding="utf-8",
    )
    done = run_import(project, feed)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "import: 2 written, 0 updated, 0 unchanged, 0 kept (edited since the last import), 4 skipped" in done.stdout
    text = report(project)
    assert f"- {feed}: 'https://old.example/b/': no title\n" in text
    assert f"- {feed}: 'https://old.example/c/': no date\n" in text
    assert f"- {feed}: 'https://old.example/d/': date 'March 5th-ish' is not a date it can read\n" in text
    assert (
        f"- {feed}: 'two': would get the same file and address as item 'one' of {feed} "
        "(press_releases/2020-03-03-same.md, news/2020/03/03/same/); give one of them another title or link\n"
    ) in text
    assert sorted(p.name for p in project.releases.glob("*.md")) == ["2020-03-03-a.md", "2020-03-03-same.md"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><body><p>Not a feed</p></body></html>", "not a feed it can read: not RSS, Atom or JSON Feed"),
        (b"\x00\x01garbage", "not a feed it can read: not RSS, Atom or JSON Feed"),
        (b'{"title": "no version"}', "not a feed it can read: JSON without a JSON Feed version"),
        (RSS.format(items="").encode(), "the feed holds no items"),
    ],
)
def test_a_file_that_is_not_a_feed_it_can_read(project, tmp_path, content, reason):
    source = tmp_path / "export.xml"
    source.write_bytes(content)
    done = run_import(project, source, "--as", "rss")
    assert done.returncode == 1
    assert f"- {source}: {reason}" in report(project)
    assert list(project.releases.iterdir()) == []


def test_a_mapping_error_stops_the_import_before_anything_is_written(project):
    (project.path / "import-map.yml").write_text(
        "categories:\n  Asia: {regions: Asia}\n  North Korea: {region: North Korea}\n  Asia: {topics: Asia}\n"
        "timezone: Asia/Pyongyang\nhtml:\n  title: 'h1['\n",
        encoding="utf-8",
    )
    done = run_import(project, FEEDS, "--map", "import-map.yml")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "import: 4 problems in the mapping file; nothing was written:",
        "  import-map.yml:3: field 'categories.North Korea.region': unknown taxonomy; did you mean 'regions'?",
        "  import-map.yml:4: field 'categories.Asia': 'Asia' is given twice (first on line 2); keep one",
        "  import-map.yml:6: field 'html': missing date, body; "
        "expected CSS selectors for title, date and body at least",
        "  import-map.yml:7: field 'html.title': 'h1[' is not a CSS selector cssselect can read "
        "(Expected ident or '*', got <EOF at 3>); expected one such as 'h1'",
    ]
    assert list(project.releases.iterdir()) == []
    assert not (project.path / "import-report.md").exists()


def test_usage_errors(project, tmp_path):
    missing = run_import(project, tmp_path / "nowhere.xml")
    assert missing.returncode == 2
    assert missing.stderr == f"import: {tmp_path / 'nowhere.xml'}: no such file or folder\n"
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    unknown = run_import(project, tmp_path / "notes.txt")
    assert unknown.returncode == 2
    assert "import: cannot tell what" in unknown.stderr and "--as rss" in unknown.stderr
    site = run_import(project, FEEDS, "--old-site", "old.example")
    assert site.returncode == 2
    assert site.stderr == "import: --old-site old.example: expected an address such as https://old.example/\n"


def test_old_site_hosts_make_other_hosts_aliases(project, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        RSS.format(items=item(link="https://www.old.example/press/a/", guid="https://old.example/press/legacy-a/")),
        encoding="utf-8",
    )
    run_import(project, feed)
    [path] = project.releases.glob("*.md")
    assert front_of(path)["aliases"] == ["press/a/"]
    assert "old address https://old.example/press/legacy-a/ is on another host: not an alias" in report(project)
    path.unlink()
    run_import(project, feed, "--old-site", "https://old.example/")
    [path] = project.releases.glob("*.md")
    assert front_of(path)["aliases"] == ["press/a/", "press/legacy-a/"]


# -- --fetch-images ------------------------------------------------------------


class _Photos(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/photo.png":
            data = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()
            kind = "image/png"
        elif self.path == "/page.png":
            data, kind = b"<html>not a photo</html>", "text/html"
        elif self.path == "/lies.png":
            data, kind = b"GIF89a not really", "image/png"
        elif self.path == "/elsewhere.png":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@functools.cache
def photo_server() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Photos)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def atom_with_photos(base: str) -> str:
    entries = []
    for number, name in enumerate(("photo", "page", "lies", "elsewhere", "missing"), 1):
        entries.append(
            f"""<entry><title>Release {name}</title><id>urn:x:{number}</id>
<link rel="alternate" href="https://old.example/news/release-{name}/"/>
<link rel="enclosure" type="image/png" href="{base}/{name}.png" title="A photo of {name}"/>
<published>2020-03-0{number}T09:00:00+09:00</published><content type="html">&lt;p&gt;Text.&lt;/p&gt;</content>
</entry>"""
        )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{"".join(entries)}</feed>'


def test_fetch_images_downloads_checked_photos_from_a_local_server(project, tmp_path):
    base = photo_server()
    feed = tmp_path / "atom.xml"
    feed.write_text(atom_with_photos(base), encoding="utf-8")
    done = run_import(project, feed, "--fetch-images")
    assert done.returncode == 0, done.stderr
    front = front_of(project.releases / "2020-03-01-release-photo.md")
    assert front["image"] == {"src": "images/imported/2020-03-01-release-photo/photo.png", "alt": "A photo of photo"}
    assert (project.releases / front["image"]["src"]).read_bytes() == (
        ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png"
    ).read_bytes()
    text = report(project)
    assert f"{base}/page.png (not fetched: the server says it is text/html, not a JPEG, PNG, GIF or WebP image)" in text
    assert f"{base}/lies.png (not fetched: it is not a PNG image but a GIF image" in text
    assert f"{base}/elsewhere.png (not fetched: Found - Redirection to url 'file:///etc/passwd' is not allowed)" in text
    assert f"{base}/missing.png (not fetched: Not Found)" in text
    images = sorted(str(p.relative_to(project.releases)) for p in (project.releases / "images").rglob("*.*"))
    assert images == ["images/imported/2020-03-01-release-photo/photo.png"], "nothing else left behind"
    build = project.build()
    assert build.returncode == 0, build.log


def test_without_fetch_images_remote_photos_are_listed(project, tmp_path):
    feed = tmp_path / "atom.xml"
    feed.write_text(atom_with_photos("https://old.example/images"), encoding="utf-8")
    run_import(project, feed)
    assert not (project.releases / "images").exists()
    assert "- press_releases/2020-03-01-release-photo.md: https://old.example/images/photo.png\n" in report(project)


# -- make import ---------------------------------------------------------------


def test_make_import_takes_the_paths_exactly_as_written(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    project = tmp_path / "project"
    (project / "press_releases").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "hooks").symlink_to(ROOT / "hooks")
    (project / ".venv").symlink_to(ROOT / ".venv")
    folder = tmp_path / "old $(touch ran) `touch ran` $$HOME 'x' $(FROM)"
    folder.mkdir()
    shutil.copy(FEEDS / "rss.xml", folder / "feed.xml")
    (folder / "map $(id).yml").write_text(MAP, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    made = subprocess.run(
        [
            "make",
            "-s",
            "-o",
            ".venv/.site-deps",
            "import",
            f"FROM={folder / 'feed.xml'}",
            f"MAP={folder}/map $(id).yml",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert not (project / "ran").exists(), "nothing in the paths was run"
    assert "import: 3 written" in made.stdout
    assert sorted(p.name for p in (project / "press_releases").glob("*.md")) == [
        "2020-03-03-coi-six-years-on.md",
        "2020-03-09-joint-letter-hrc43.md",
        "2020-03-10-un-must-renew-mandate.md",
    ]
    assert "countries: North Korea" in (project / "press_releases" / "2020-03-09-joint-letter-hrc43.md").read_text()
    wrong = subprocess.run(
        ["make", "-s", "-o", ".venv/.site-deps", "import", f"FROM={folder / 'feed.xml'}", "AS=word press"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert wrong.returncode != 0
    assert "import: AS=word press: expected rss, wordpress or html" in wrong.stderr


def test_an_imported_photo_is_published_without_where_it_was_taken(project, tmp_path):
    from PIL import Image

    from newsroom import photo_metadata

    source = tmp_path / "export"
    source.mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation, kept
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)}  # GPS, removed
    Image.new("RGB", (40, 20), (10, 20, 30)).save(source / "witness.jpg", "JPEG", exif=exif)
    feed = source / "atom.xml"
    feed.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>Release'
        '</title><id>urn:x:1</id><link rel="enclosure" type="image/jpeg" href="witness.jpg" title="A photo"/>'
        '<published>2020-03-01T09:00:00+09:00</published><content type="html">&lt;p&gt;Text.&lt;/p&gt;</content>'
        "</entry></feed>"
    )
    done = run_import(project, feed)
    assert done.returncode == 0, done.stderr
    (release,) = project.releases.glob("*.md")
    copied = project.releases / front_of(release)["image"]["src"]
    assert photo_metadata.found_in(copied) == [] and photo_metadata.found_in(source / "witness.jpg") != []
    with Image.open(copied) as image:
        assert image.getexif()[0x0112] == 6
    assert f"photo press_releases/{front_of(release)['image']['src']}: removed the GPS position where it was taken" in (
        report(project)
    )
    assert project.build().returncode == 0


def test_a_local_photo_outside_the_imported_folder_is_left_out(project, tmp_path):
    """A feed may name any file of the machine as its photo (`/home/…/private.png`, `../`, a link that
    leads out): only photos beside what is imported are copied next to the releases, and published."""
    source = tmp_path / "export"
    source.mkdir()
    private = tmp_path / "private.png"
    private.write_bytes((ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes())
    (source / "inside.png").symlink_to(private)
    entries = ""
    for number, href in enumerate((str(private), "../private.png", "inside.png"), 1):
        entries += (
            f"<entry><title>Release {number}</title><id>urn:x:{number}</id>"
            f'<link rel="enclosure" type="image/png" href="{href}" title="A photo"/>'
            f"<published>2020-03-0{number}T09:00:00+09:00</published>"
            '<content type="html">&lt;p&gt;Text.&lt;/p&gt;</content></entry>'
        )
    feed = source / "atom.xml"
    feed.write_text(f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{entries}</feed>')
    done = run_import(project, feed)
    assert done.returncode == 0, done.stderr
    assert not (project.releases / "images").exists(), "nothing copied"
    assert all("image" not in front_of(p) for p in project.releases.glob("*.md"))
    text = report(project)
    assert text.count(f"left out: it is outside {source.resolve()}, which is imported") == 3
