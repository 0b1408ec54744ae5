"""The saved-HTML-pages reader: every field of every page through the mapping's selectors, what it
skips and why, local and remote images, old addresses."""

from __future__ import annotations

import dataclasses
import posixpath
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import Build, Project, site_tab
from helpers import html_errors, imported_ids, run_import
from newsroom.importer.html_pages import read_html
from newsroom.importer.items import ImportMap, Item, Photo, Skipped
from newsroom.importer.mapping import read_map

FOLDER = Path(__file__).parent / "fixtures" / "import" / "html"
SEOUL = timezone(timedelta(hours=9))
SITE = "https://rights-watch.example.org"


def fixture_map(**changes) -> ImportMap:
    """The fixture's import-map.yml as the mapping reader reads it, with ``changes``."""
    mapping = read_map(FOLDER / "import-map.yml")
    assert mapping.html is not None
    html = dataclasses.replace(mapping.html, **changes.pop("html", {}))
    return dataclasses.replace(mapping, html=html, **changes)


def read(folder: Path = FOLDER, mapping: ImportMap | None = None) -> list[Item | Skipped]:
    return list(read_html(folder, mapping or fixture_map()))


def items(folder: Path = FOLDER, mapping: ImportMap | None = None) -> dict[str, Item]:
    return {entry.id: entry for entry in read(folder, mapping) if isinstance(entry, Item)}


def body(item: Item):
    return lxml_html.fragment_fromstring(item.body_html, create_parent="div")


def visible(element) -> str:
    return " ".join(element.text_content().split())


def test_every_page_in_order_html_and_htm_other_files_ignored():
    entries = read()
    assert [entry.id for entry in entries] == [
        "press/2018/statement.html",
        "press/2019/myanmar-shutdown.htm",
        "press/2020/court-journalists.html",
        "press/2021/north-korea-report/index.html",
    ]
    assert [entry.source for entry in entries] == [str(FOLDER / str(entry.id)) for entry in entries]


def test_a_page_without_its_date_element_is_skipped_with_the_selector():
    assert read()[0] == Skipped(
        str(FOLDER / "press/2018/statement.html"),
        "press/2018/statement.html",
        "selector 'article .entry-meta .published' for date matched nothing",
    )


def test_a_page_with_header_nav_and_footer_every_field():
    page = items()["press/2020/court-journalists.html"]
    assert page == Item(
        source=str(FOLDER / "press/2020/court-journalists.html"),
        id="press/2020/court-journalists.html",
        title="Court must release detained journalists",
        date=datetime(2020, 3, 5, 9, 30, tzinfo=SEOUL),
        body_html=page.body_html,
        summary="The court should order the release of three journalists detained since February.",
        dateline="Seoul",
        categories=(("region", "Asia"), ("region", "North Korea"), ("tag", "Press freedom")),
        language="en",
        photo=Photo(
            src=str((FOLDER / "images" / "seoul-vigil.jpg").resolve()),
            alt="People holding candles outside a courthouse at night",
            caption="Relatives at a vigil in Seoul, 3 March 2020.",
            credit="© 2020 Kim Soo-jin",
        ),
        link=f"{SITE}/press/2020/court-journalists.html",
        old_addresses=("/press/2020/court-journalists.html",),
        notes=(),
    )
    assert page.date.utcoffset() == timedelta(hours=9)


def test_the_body_is_the_article_text_only_its_links_root_relative():
    page = items()["press/2020/court-journalists.html"]
    content = body(page)
    assert [child.tag for child in content] == ["p", "p", "p"]
    assert visible(content) == (
        "(Seoul) – The Seoul Central District Court should order the immediate release of the three journalists "
        "detained since February, Rights Watch Asia said today. The journalists were arrested after "
        "reporting on conditions in detention at the border. Their lawyers have not been allowed to see "
        "them. Last year we raised the same concern. “Reporting is not a crime,” said Min-ji Park, Asia director."
    )
    assert content.find(".//a").get("href") == "/press/2019/myanmar-shutdown.htm"
    assert content.find(".//em").text == "conditions in detention"
    for chrome in ("Press releases", "Donate", "Related", "Privacy", "Press inquiries", "Filed under", "Published"):
        assert chrome not in page.body_html


def test_the_visible_text_of_each_article_survives():
    for item in items().values():
        document = lxml_html.parse(str(FOLDER / item.id)).getroot()
        article = document.cssselect("article .entry-content")[0]
        assert visible(body(item)) == visible(article)


def test_a_korean_index_page_its_language_folder_address_and_root_relative_image():
    page = items()["press/2021/north-korea-report/index.html"]
    assert page.title == "북한 인권 보고서 발표"
    assert page.language == "ko"
    # "2021-06-10 14:00" has no offset: the mapping's Asia/Seoul.
    assert page.date == datetime(2021, 6, 10, 14, 0, tzinfo=SEOUL)
    assert page.notes == ()
    assert page.dateline == "서울"
    assert page.summary is None
    assert page.categories == (("region", "North Korea"), ("tag", "강제 노동"))
    assert page.photo == Photo(
        str((FOLDER / "images" / "nk-report.png").resolve()), "보고서 표지", "보고서 표지.", None
    )
    assert page.link == "/press/2021/north-korea-report/"
    assert page.old_addresses == ()  # its redirect, .../index.html, answers for the file too
    assert [child.tag for child in body(page)] == ["p", "h2", "ul"]
    assert visible(body(page)[0]) == "(서울) – 라이츠워치 아시아는 오늘 북한의 강제 노동 실태를 다룬 보고서를 발표했다."


def test_an_old_xhtml_page_with_a_text_date_and_a_remote_photo_without_alt():
    page = items()["press/2019/myanmar-shutdown.htm"]
    assert page.title == "Myanmar: End the internet shutdown in Rakhine State"
    # "November 20, 2019" in a <span>: no datetime attribute, so its text, read by dateutil.
    assert page.date == datetime(2019, 11, 20, 0, 0, tzinfo=SEOUL)
    assert page.language == "en"  # no <html lang>: the mapping's
    assert page.photo == Photo("https://cdn.rights-watch.example.org/2019/11/rakhine-map.png", None, None, None)
    assert page.summary is None and page.dateline is None
    assert page.categories == (("region", "Asia"), ("region", "Myanmar"))
    assert page.link == "/press/2019/myanmar-shutdown.htm"
    assert page.old_addresses == ()
    assert [child.tag for child in body(page)] == ["p", "p", "blockquote"]


def test_without_a_timezone_a_date_without_offset_is_utc_and_noted():
    page = items(mapping=fixture_map(timezone=None))["press/2019/myanmar-shutdown.htm"]
    assert page.date == datetime(2019, 11, 20, tzinfo=UTC)
    assert page.notes == ("date 'November 20, 2019' has no offset and the mapping names no timezone: read as UTC",)
    with_offset = items(mapping=fixture_map(timezone=None))["press/2020/court-journalists.html"]
    assert with_offset.date == datetime(2020, 3, 5, 9, 30, tzinfo=SEOUL) and with_offset.notes == ()


def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    shutil.copytree(FOLDER, folder)
    return folder


DATE = '<time class="published" datetime="2020-01-02">2 Jan</time>'


def page_text(title: str = "A title", date: str = DATE) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title></head><body>'
        f'<article><h1 class="entry-title">{title}</h1><div class="entry-meta">{date}</div>'
        '<div class="entry-content"><p>Text.</p></div></article></body></html>'
    )


@pytest.mark.parametrize(
    ("title", "date", "reason"),
    [
        ("  ", None, "selector 'article h1.entry-title' for title matched only empty text"),
        (
            None,
            '<span class="published"> </span>',
            "selector 'article .entry-meta .published' for date matched only empty text",
        ),
        (None, '<span class="published">March 5th-ish</span>', "date 'March 5th-ish' is not a date it can read"),
        (None, '<time class="published" datetime="2020-02-30">x</time>', "date '2020-02-30' is not a date it can read"),
    ],
)
def test_a_page_whose_required_field_is_empty_or_unreadable(tmp_path, title, date, reason):
    path = tmp_path / "page.html"
    path.write_text(page_text(title or "A title", date or DATE), encoding="utf-8")
    [entry] = read(tmp_path)
    assert isinstance(entry, Skipped)
    assert (entry.source, entry.id, entry.reason) == (str(path), "page.html", reason)
    assert entry.line == 1


def test_a_body_with_no_text_but_what_became_front_matter(tmp_path):
    text = (
        page_text()
        .replace('<div class="entry-content"><p>Text.</p></div>', "")
        .replace(
            '<article><h1 class="entry-title">A title</h1>',
            '<article><div class="entry-content"><h1 class="entry-title">A title</h1><p> </p></div>',
        )
    )
    (tmp_path / "page.html").write_text(text, encoding="utf-8")
    [entry] = read(tmp_path)
    assert entry == Skipped(
        str(tmp_path / "page.html"),
        "page.html",
        "selector 'article .entry-content' for body matched no text (once the other fields are taken out)",
        1,
    )


def test_a_body_selector_that_matches_nothing(tmp_path):
    (tmp_path / "page.html").write_text(page_text(), encoding="utf-8")
    [entry] = read(tmp_path, fixture_map(html={"body": "main .content"}))
    assert entry == Skipped(
        str(tmp_path / "page.html"), "page.html", "selector 'main .content' for body matched nothing"
    )


def test_pages_need_the_mapping_html_selectors(tmp_path):
    assert read(FOLDER, ImportMap(language="en")) == [
        Skipped(
            str(FOLDER),
            None,
            "saved HTML pages need the mapping file's html: selectors (title, date and body at least)",
        )
    ]


def test_an_image_outside_the_folder_is_never_taken_as_a_local_file(tmp_path):
    folder = copy(tmp_path)
    (tmp_path / "secret.jpg").write_bytes(b"not yours")
    page = folder / "press/2020/court-journalists.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("../../images/seoul-vigil.jpg", "../../../secret.jpg"),
        encoding="utf-8",
    )
    item = items(folder)["press/2020/court-journalists.html"]
    assert item.photo is not None
    assert item.photo.src == f"{SITE}/secret.jpg"
    assert item.notes == (
        "photo '../../../secret.jpg' is not a file in the folder: its address on the old site is used",
    )


def test_a_missing_local_image_without_canonical_link_is_its_old_site_path(tmp_path):
    folder = copy(tmp_path)
    (folder / "images" / "nk-report.png").unlink()
    item = items(folder)["press/2021/north-korea-report/index.html"]
    assert item.photo is not None and item.photo.src == "/images/nk-report.png"
    assert item.notes == (
        "photo '/images/nk-report.png' is not a file in the folder: its address on the old site is used",
    )


def test_a_page_in_a_legacy_korean_encoding(tmp_path):
    text = page_text("북한 인권 보고서").replace('charset="utf-8"', 'charset="euc-kr"')
    (tmp_path / "page.html").write_bytes(text.encode("euc-kr"))
    [entry] = read(tmp_path)
    assert isinstance(entry, Item) and entry.title == "북한 인권 보고서"


def test_non_ascii_file_names_are_percent_encoded_old_paths(tmp_path):
    (tmp_path / "보도자료").mkdir()
    (tmp_path / "보도자료" / "index.html").write_text(page_text(), encoding="utf-8")
    [entry] = read(tmp_path)
    assert isinstance(entry, Item)
    assert entry.id == "보도자료/index.html"
    assert entry.link == "/%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C/"
    assert entry.old_addresses == ()
    assert entry.date == datetime(2020, 1, 2, tzinfo=SEOUL)


def test_one_page_named_alone(tmp_path):
    (tmp_path / "page.htm").write_text(page_text(), encoding="utf-8")
    [entry] = read(tmp_path / "page.htm")
    assert isinstance(entry, Item) and entry.id == "page.htm" and entry.link == "/page.htm"


def test_links_and_images_in_the_body_are_old_site_paths_never_local_files(tmp_path):
    text = page_text().replace(
        "<p>Text.</p>",
        '<p>See <a href="../other.html#part">the other</a>, <a href="#top">top</a>, '
        '<a href="mailto:press@example.org">mail</a>.</p><p><img src="img/map.png" alt="A map"></p>',
    )
    (tmp_path / "press").mkdir()
    (tmp_path / "press" / "img").mkdir()
    (tmp_path / "press" / "img" / "map.png").write_bytes(b"png")
    (tmp_path / "press" / "page.html").write_text(text, encoding="utf-8")
    [entry] = read(tmp_path)
    assert isinstance(entry, Item)
    content = body(entry)
    assert [a.get("href") for a in content.iter("a")] == ["/other.html#part", "#top", "mailto:press@example.org"]
    assert content.find(".//img").get("src") == "/press/img/map.png"
    assert str(tmp_path) not in entry.body_html


# -- end to end: `python -m newsroom import`, then `make build` --------------------------------------

MAP = FOLDER / "import-map.yml"
BLOCKS = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "blockquote", "figure", "figcaption", "br"}


def seen_text(element) -> str:
    """The words a reader sees, in order: blocks and line breaks separate words; heading anchors (¶)
    and whitespace do not count."""
    for anchor in element.find_class("headerlink"):
        anchor.drop_tree()
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag in BLOCKS:
            node.tail = f" {node.tail or ''}"
            node.text = f" {node.text or ''}"
    return " ".join(element.text_content().split())


def page_url(release: Path) -> str:
    return f"news/{release.stem[:10].replace('-', '/')}/{release.stem[11:]}/"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Project, subprocess.CompletedProcess, Build]:
    project = Project(tmp_path_factory.mktemp("html") / "project")
    done = run_import(project, FOLDER, "--as", "html", "--map", str(MAP))
    build = project.build()
    assert build.returncode == 0, build.log
    return project, done, build


def test_every_page_became_a_release_or_is_in_the_report(imported):
    project, done, _ = imported
    assert done.returncode == 1, done.stderr  # a page was skipped
    entries = read()
    assert sorted(imported_ids(project)) == sorted(entry.id for entry in entries if isinstance(entry, Item))
    report = (project.path / "import-report.md").read_text(encoding="utf-8")
    [missing] = [entry for entry in entries if isinstance(entry, Skipped)]
    assert f"{missing.source}: '{missing.id}': {missing.reason}" in report


@pytest.mark.parametrize(
    "page",
    [
        "press/2019/myanmar-shutdown.htm",
        "press/2020/court-journalists.html",
        "press/2021/north-korea-report/index.html",
    ],
)
def test_the_visible_text_of_every_article_survived(imported, page):
    project, _, build = imported
    [text] = build.html(page_url(imported_ids(project)[page])).find_class("nr-body")
    article = lxml_html.parse(str(FOLDER / page)).getroot().cssselect("article .entry-content")[0]
    assert seen_text(text) == seen_text(article)
    assert seen_text(text) != ""


def test_local_photos_are_copied_and_shown_with_their_alt_caption_and_credit(imported):
    project, _, build = imported
    release = imported_ids(project)["press/2020/court-journalists.html"]
    page = build.html(page_url(release))
    [image] = [
        img for img in page.iter("img") if img.get("alt") == "People holding candles outside a courthouse at night"
    ]
    served = posixpath.normpath(posixpath.join("/" + page_url(release), image.get("src")))
    assert build.path(served.lstrip("/")).read_bytes() == (FOLDER / "images" / "seoul-vigil.jpg").read_bytes()
    text = seen_text(page)
    assert "Relatives at a vigil in Seoul, 3 March 2020." in text and "© 2020 Kim Soo-jin" in text


OLD_ADDRESSES = [
    ("press/2020/court-journalists.html", "press/2020/court-journalists.html"),
    ("press/2019/myanmar-shutdown.htm", "press/2019/myanmar-shutdown.htm"),
    ("press/2021/north-korea-report/", "press/2021/north-korea-report/index.html"),
    ("press/2021/north-korea-report/index.html", "press/2021/north-korea-report/index.html"),
]


@pytest.mark.parametrize(("old", "page"), OLD_ADDRESSES)
def test_every_old_path_answers_with_a_redirect_to_its_release(imported, old, page):
    project, _, build = imported
    [refresh] = build.html(old).xpath("//meta[@http-equiv='refresh']/@content")
    folder = old if old.endswith("/") else posixpath.dirname(old) + "/"
    target = posixpath.normpath("/" + folder + refresh.split("url=", 1)[1]) + "/"
    assert target == "/" + page_url(imported_ids(project)[page])


def test_old_paths_redirect_in_chromium(imported, browser):
    project, _, build = imported
    with site_tab(browser, build) as tab:
        for old, page in OLD_ADDRESSES[:3]:
            tab.goto(tab.base + old)
            tab.wait_for_url(tab.base + page_url(imported_ids(project)[page]))


def test_a_link_to_another_saved_page_becomes_a_link_to_its_release(imported):
    """Even to a page that names no canonical link, known by its path alone."""
    project, _, build = imported
    ids = imported_ids(project)
    page = build.html(page_url(ids["press/2020/court-journalists.html"]))
    [link] = [a for a in page.iter("a") if a.text == "Last year"]
    target = posixpath.normpath(
        posixpath.join("/" + page_url(ids["press/2020/court-journalists.html"]), link.get("href"))
    )
    assert target + "/" == "/" + page_url(ids["press/2019/myanmar-shutdown.htm"])


def test_imported_release_pages_and_their_redirects_are_valid_html(imported):
    project, _, build = imported
    urls = [page_url(path) for path in imported_ids(project).values() if "draft: true" not in path.read_text("utf-8")]
    urls += [old for old, _ in OLD_ADDRESSES]
    files = [str(build.path(url)) for url in urls]
    assert all(Path(file).is_file() for file in files), files
    assert html_errors(files) == []


GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


@pytest.mark.parametrize(
    ("image", "src", "notes"),
    [
        (
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/images/seoul-vigil.jpg" alt="A">',
            "local",
            (),
        ),
        ('<img src="" data-lazy-src="https://cdn.example.org/a.jpg" alt="A">', "https://cdn.example.org/a.jpg", ()),
        (
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A">',
            None,
            ("the photo has no src but a placeholder",),
        ),
        ('<img alt="A">', None, ("the photo has no src",)),
    ],
)
def test_a_lazy_loading_page_photo(tmp_path, image, src, notes):
    folder = copy(tmp_path)
    page = folder / "press/2020/court-journalists.html"
    text = page.read_text(encoding="utf-8")
    start = text.index('<img src="../../images/seoul-vigil.jpg"')
    end = text.index(">", start) + 1
    page.write_text(text[:start] + image + text[end:], encoding="utf-8")
    item = items(folder)["press/2020/court-journalists.html"]
    if src is None:
        assert item.photo is None
    else:
        assert item.photo is not None
        expected = str((folder / "images" / "seoul-vigil.jpg").resolve()) if src == "local" else src
        assert (item.photo.src, item.photo.alt, item.photo.credit) == (expected, "A", "© 2020 Kim Soo-jin")
    assert item.notes == notes


def test_a_second_import_of_the_pages_changes_nothing(imported):
    project, _, _ = imported
    before = {path: path.read_bytes() for path in project.releases.rglob("*") if path.is_file()}
    again = run_import(project, FOLDER, "--as", "html", "--map", str(MAP))
    assert again.returncode == 1, again.stderr
    assert {path: path.read_bytes() for path in project.releases.rglob("*") if path.is_file()} == before
    assert "3 unchanged" in again.stderr + again.stdout


def test_an_empty_file_is_not_a_page(tmp_path):
    (tmp_path / "empty.html").write_bytes(b" \n")
    assert read(tmp_path) == [Skipped(str(tmp_path / "empty.html"), "empty.html", "empty file, not an HTML page")]


def test_a_field_from_a_meta_element_and_a_date_from_an_attribute_the_mapping_names(tmp_path):
    text = page_text(date='<span class="published" data-when="2020-05-06T07:08:00-04:00">May 6</span>').replace(
        "<title>x</title>", '<title>x</title><meta name="description" content="  What   happened. ">'
    )
    (tmp_path / "page.html").write_text(text, encoding="utf-8")
    mapping = fixture_map(html={"summary": "meta[name=description]", "attributes": {"date": "data-when"}})
    [entry] = read(tmp_path, mapping)
    assert isinstance(entry, Item)
    assert entry.summary == "What happened."
    assert entry.date == datetime(2020, 5, 6, 7, 8, tzinfo=timezone(-timedelta(hours=4)))


def test_entities_a_page_declares_are_never_expanded_or_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the password is hunter2", encoding="utf-8")
    text = page_text("&x;&y;").replace(
        "<!DOCTYPE html>", f'<!DOCTYPE html [<!ENTITY x SYSTEM "{secret.as_uri()}"><!ENTITY y "expanded">]>'
    )
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "page.html").write_text(text, encoding="utf-8")
    [entry] = read(tmp_path / "pages")
    assert isinstance(entry, Item)
    assert entry.title == "&x;&y;"
    assert "hunter2" not in repr(entry) and "expanded" not in repr(entry)
