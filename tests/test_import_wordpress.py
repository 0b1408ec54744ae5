"""The WordPress WXR reader: every field of every post, what it skips and why, and hostile XML."""

from __future__ import annotations

import html
import posixpath
import re
import subprocess
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from conftest import Build, Project, site_tab
from helpers import html_errors, imported_ids, run_import
from newsroom.importer.items import ImportMap, Item, Photo, Skipped
from newsroom.importer.wordpress import _with_date, read_wordpress, shortcodes, wpautop

EXPORT = Path(__file__).parent / "fixtures" / "import" / "wordpress" / "export.xml"
SITE = "https://rights-watch.example.org"
SEOUL = timezone(timedelta(hours=9))
PUBLISHED = ImportMap()


def read(mapping: ImportMap = PUBLISHED, path: Path = EXPORT) -> list[Item | Skipped]:
    return list(read_wordpress(path, mapping))


def items(mapping: ImportMap = PUBLISHED) -> dict[str, Item]:
    return {entry.id: entry for entry in read(mapping) if isinstance(entry, Item)}


def skipped(mapping: ImportMap = PUBLISHED) -> list[tuple[str | None, str, int | None]]:
    return [(entry.id, entry.reason, entry.line) for entry in read(mapping) if isinstance(entry, Skipped)]


def line_of(text: str) -> int:
    """The line of the ``<item>`` holding ``text`` in the fixture."""
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    found = next(index for index, line in enumerate(lines) if text in line)
    return next(index for index in range(found, -1, -1) if lines[index].strip() == "<item>") + 1


def body(item: Item):
    return lxml_html.fragment_fromstring(item.body_html, create_parent="div")


def visible(html_text: str) -> str:
    return " ".join(lxml_html.fragment_fromstring(html_text, create_parent="div").text_content().split())


def test_the_export_in_order_posts_and_what_was_skipped():
    entries = read()
    assert [entry.id for entry in entries] == [
        "10",
        "11",
        "About us",
        "Statement on migrant detention (draft)",
        "post 13",
        "14",
        "Old statement, withdrawn",
        "17",
        "Philippines: Stop the killings",
        "19",
    ]
    assert all(entry.source == str(EXPORT) for entry in entries)


def test_a_classic_post_every_field():
    post = items()["10"]
    assert post == Item(
        source=str(EXPORT),
        id="10",
        title="Court must release detained journalists",
        date=datetime(2020, 3, 5, 9, 30, tzinfo=SEOUL),
        body_html=post.body_html,
        summary="The court should order the release of three journalists detained since February.",
        dateline="Seoul",
        categories=(("category", "Asia"), ("category", "North Korea"), ("post_tag", "Press freedom")),
        language=None,
        photo=Photo(
            src=f"{SITE}/wp-content/uploads/2020/03/seoul-vigil.jpg",
            alt="People holding candles and portraits of journalists outside a courthouse at night",
            caption="Relatives of detained journalists at a vigil in Seoul, 3 March 2020.",
            credit=None,
        ),
        link=f"{SITE}/2020/03/05/court-must-release-detained-journalists/",
        old_addresses=(
            f"{SITE}/?p=10",
            f"{SITE}/2020/03/05/journalists-detained/",
            f"{SITE}/2020/03/05/release-the-journalists-now/",
        ),
        notes=(),
        draft=False,
    )
    assert post.date.utcoffset() == timedelta(hours=9)
    assert post.date.astimezone(UTC) == datetime(2020, 3, 5, 0, 30, tzinfo=UTC)


def test_blank_lines_become_paragraphs_and_a_single_line_break_a_br():
    body = lxml_html.fragment_fromstring(items()["10"].body_html, create_parent="div")
    paragraphs = body.findall("p")
    assert len(body) == 3 and len(paragraphs) == 3
    assert paragraphs[0].text.startswith("(Seoul) – The Seoul Central District Court")
    assert paragraphs[0].find("a").get("href") == f"{SITE}/2019/11/20/myanmar-end-the-internet-shutdown/"
    assert [child.tag for child in paragraphs[1]] == ["em", "br"]
    assert paragraphs[1][1].tail == "Their lawyers have not been allowed to see them."
    assert paragraphs[2].text_content().startswith('"Reporting is not a crime,"')


def test_text_between_blocks_becomes_paragraphs_and_blocks_stay_as_written():
    post = items()["14"]
    body = lxml_html.fragment_fromstring(post.body_html, create_parent="div")
    assert [child.tag for child in body] == ["p", "h2", "p", "p", "ul", "blockquote", "p"]
    assert body[2].text == "The shutdown, ordered in June, cuts off people & aid groups from news of the fighting."
    assert [li.text for li in body[4]] == [
        "Farmers could not learn of clearance operations.",
        "Clinics could not reach suppliers.",
    ]
    source = (
        "(New York) – The Myanmar authorities should immediately lift the internet shutdown in nine "
        "townships, Rights Watch Asia said today. A blackout of 1.4 million people The shutdown, ordered "
        "in June, cuts off people & aid groups from news of the fighting. Residents told Rights Watch Asia "
        "they could not call for help: Farmers could not learn of clearance operations. Clinics could not "
        'reach suppliers. "We heard the shelling but no one could tell us where to go." The government has '
        "given no end date."
    )
    assert visible(post.body_html) == source


def test_a_post_west_of_greenwich_a_photo_without_alt_and_an_html_excerpt():
    post = items()["14"]
    assert post.date == datetime(2019, 11, 20, 8, 15, tzinfo=timezone(-timedelta(hours=5)))
    assert post.dateline == "New York"
    assert post.date.utcoffset() == -timedelta(hours=5)
    # The attachment comes after the post in the file.
    assert post.photo == Photo(f"{SITE}/wp-content/uploads/2019/11/rakhine-map.png", None, None, None)
    assert post.summary == "The Myanmar authorities should lift the shutdown."
    # Published a day earlier, then redated: WordPress redirected the old date's permalink.
    assert post.old_addresses == (f"{SITE}/?p=14", f"{SITE}/2019/11/19/myanmar-end-the-internet-shutdown/")
    assert post.categories == (
        ("category", "Asia"),
        ("category", "Myanmar"),
        ("post_tag", "Internet shutdowns"),
        ("topic", "Peace & Security"),  # escaped in the export, as WordPress stores term names
    )


def test_a_korean_block_editor_post_with_its_polylang_language_and_percent_encoded_slugs():
    post = items(ImportMap(language="en"))["11"]
    assert post.title == "북한 인권 보고서 발표"
    assert post.dateline == "서울"
    assert post.language == "ko"
    assert post.date == datetime(2021, 6, 10, 14, 0, tzinfo=SEOUL)
    assert post.summary == "북한의 강제 노동 실태를 다룬 보고서."
    assert post.categories == (("category", "North Korea"), ("post_tag", "강제 노동"))
    body = lxml_html.fragment_fromstring(post.body_html, create_parent="div")
    assert [child.tag for child in body] == ["p", "h2", "ul"]
    assert body[0].text == "(서울) – 라이츠워치 아시아는 오늘 북한의 강제 노동 실태를 다룬 보고서를 발표했다."
    assert "wp:paragraph" not in post.body_html
    slug = "%eb%b6%81%ed%95%9c-%ec%9d%b8%ea%b6%8c-%eb%b3%b4%ea%b3%a0%ec%84%9c"
    assert post.link == f"{SITE}/2021/06/10/{slug}/"
    assert post.old_addresses == (f"{SITE}/?p=11", f"{SITE}/2021/06/10/%eb%b3%b4%ea%b3%a0%ec%84%9c/")


def test_the_mapping_language_where_the_post_says_none():
    assert items(ImportMap(language="en"))["10"].language == "en"
    assert items()["10"].language is None


def test_skipped_entries_say_why_with_their_line():
    assert skipped() == [
        ("About us", "post type 'page' is not imported (post_types: post)", line_of("<title><![CDATA[About us")),
        (
            "Statement on migrant detention (draft)",
            "status 'draft' is not imported (statuses: publish)",
            line_of("Statement on migrant detention"),
        ),
        ("post 13", "no title", line_of("<wp:post_id>13<")),
        (
            "Old statement, withdrawn",
            "status 'trash' is not imported (statuses: publish)",
            line_of("Old statement, withdrawn"),
        ),
        (
            "Philippines: Stop the killings",
            "date '2020-13-45 99:00:00' is not a date it can read (expected YYYY-MM-DD HH:MM:SS)",
            line_of("Philippines: Stop the killings"),
        ),
    ]


def test_attachments_menus_never_appear_and_pages_are_items_when_selected():
    entries = items(ImportMap(post_types=("post", "page")))
    assert "101" not in entries and "102" not in entries and "30" not in entries
    page = entries["20"]
    assert page.title == "About us"
    assert page.body_html == "<p>Rights Watch Asia documents abuses across the region.</p>\n"
    assert page.old_addresses == (f"{SITE}/?page_id=20", f"{SITE}/?p=20")


def test_a_selected_draft_is_a_draft_dated_in_the_mapping_timezone():
    draft = items(ImportMap(statuses=("publish", "draft"), timezone="Asia/Seoul"))["12"]
    assert draft.draft is True
    assert draft.date == datetime(2022, 1, 10, 10, 0, tzinfo=SEOUL)
    assert draft.date.utcoffset() == timedelta(hours=9)
    assert draft.link == f"{SITE}/?p=12"
    assert draft.old_addresses == ()
    assert draft.notes == ()


def test_a_draft_without_a_timezone_is_read_as_utc_and_the_report_says_so():
    draft = items(ImportMap(statuses=("publish", "draft")))["12"]
    assert draft.date == datetime(2022, 1, 10, 10, 0, tzinfo=UTC)
    assert draft.notes == ("2022-01-10 10:00:00 has no offset and the mapping names no timezone: read as UTC",)


def test_a_password_protected_post_never_goes_public():
    post = items()["17"]
    assert post.draft is True
    assert post.notes == ("password-protected in WordPress: imported as a draft",)
    assert all(entry.draft is False for key, entry in items().items() if key != "17")


def test_caption_and_embed_shortcodes_become_html_and_a_gallery_is_reported():
    post = items()["19"]
    assert post.date == datetime(2018, 9, 12, 9, 0, tzinfo=timezone(timedelta(hours=7)))  # Phnom Penh
    assert post.dateline == "Phnom Penh"
    assert post.title == "Cambodia: Free the “Boeung Kak 11” now"  # entities decoded, tags dropped
    content = body(post)
    assert [child.tag for child in content] == ["p", "figure", "p", "p", "p"]
    figure = content[1]
    assert figure[0].tag == "a" and figure[0][0].get("alt") == (
        "Women holding lotus flowers in front of the municipal court"
    )
    assert figure[0][0].get("src") == f"{SITE}/wp-content/uploads/2018/09/boeung-kak-640x427.jpg"
    assert figure.find("figcaption").text_content() == "Boeung Kak lake residents outside the court, September 2018."
    assert content[3].find("a").get("href") == "https://video.example.net/watch?v=boeung&lang=en"
    assert content[4].text == '[gallery ids="104,105,106" columns="3"]'
    assert post.notes == ("the [gallery] shortcode is not converted: its text stays in the body",)
    assert "[caption" not in post.body_html and "[embed" not in post.body_html


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (f"{SITE}/2019/11/20/slug/", f"{SITE}/2018/01/31/slug/"),
        (f"{SITE}/2019/11/slug/", f"{SITE}/2018/01/slug/"),
        (f"{SITE}/news/2019/11/20/slug/", f"{SITE}/news/2018/01/31/slug/"),
        (f"{SITE}/2019/10/20/slug/", None),
        (f"{SITE}/slug/", None),
    ],
)
def test_a_permalink_under_an_old_date(address, expected):
    assert _with_date(address, date(2019, 11, 20), date(2018, 1, 31)) == expected


def test_old_dates_apply_to_old_slugs_too_and_a_bad_one_is_noted(tmp_path):
    text = EXPORT.read_text(encoding="utf-8").replace(
        "<wp:meta_value><![CDATA[release-the-journalists-now]]></wp:meta_value>\n\t\t</wp:postmeta>",
        "<wp:meta_value><![CDATA[release-the-journalists-now]]></wp:meta_value>\n\t\t</wp:postmeta>"
        "<wp:postmeta><wp:meta_key>_wp_old_date</wp:meta_key><wp:meta_value>2020-03-04</wp:meta_value></wp:postmeta>"
        "<wp:postmeta><wp:meta_key>_wp_old_date</wp:meta_key><wp:meta_value>yesterday</wp:meta_value></wp:postmeta>",
    )
    [post] = [e for e in read(path=write(tmp_path, text)) if isinstance(e, Item) and e.id == "10"]
    assert post.old_addresses == (
        f"{SITE}/?p=10",
        f"{SITE}/2020/03/05/journalists-detained/",
        f"{SITE}/2020/03/05/release-the-journalists-now/",
        f"{SITE}/2020/03/04/court-must-release-detained-journalists/",
        f"{SITE}/2020/03/04/journalists-detained/",
        f"{SITE}/2020/03/04/release-the-journalists-now/",
    )
    assert post.notes == ("old date 'yesterday' is not a date (YYYY-MM-DD): no permalink made from it",)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('[caption id="a" caption="Old &amp; plain"]<img src="b.jpg" alt="">[/caption]', "Old & plain"),
        ('[caption id="a"]<img src="b.jpg" alt=""> New <b>style</b>[/caption]', "New style"),
        ('[wp_caption id="a"]<img src="b.jpg" alt="">Wordpress 2.x[/wp_caption]', "Wordpress 2.x"),
    ],
)
def test_caption_shortcodes_of_every_wordpress_age(content, expected):
    figure = lxml_html.fragment_fromstring(shortcodes(content, []))
    assert figure.tag == "figure" and figure[0].tag == "img"
    assert figure.find("figcaption").text_content() == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", ""),
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>\n"),
        ("One\nline.\n \n\n\nTwo.", "<p>One<br>line.</p>\n<p>Two.</p>\n"),
        ("<p>Already.</p>\n\n<p>Paragraphs.</p>", "<p>Already.</p>\n<p>Paragraphs.</p>\n"),
        ("A <b>bold\n\nmove</b>.", "<p>A <b>bold\n\nmove</b>.</p>\n"),
        ("Intro.<!-- more -->\n\nRest.", "<p>Intro.</p>\n<p>Rest.</p>\n"),
        ("a &lt; b &amp; c", "<p>a &lt; b &amp; c</p>\n"),
    ],
)
def test_wpautop(content, expected):
    assert wpautop(content) == expected


WORDS = st.text(alphabet="abcxyz가나다.,“”&<>", min_size=1, max_size=8)
BREAKS = st.sampled_from([" ", "\n", "\n\n", "\n \n\n", "\t"])


@given(st.lists(st.tuples(WORDS, BREAKS), min_size=1, max_size=30))
def test_wpautop_keeps_every_word_and_makes_a_paragraph_of_each_blank_line_separated_chunk(parts):
    text = "".join(word + gap for word, gap in parts)
    content = html.escape(text, quote=False)
    result = lxml_html.fragment_fromstring(wpautop(content), create_parent="div")
    chunks = [chunk for chunk in re.split(r"\n[ \t]*\n", text) if chunk.strip()]
    assert [child.tag for child in result] == ["p"] * len(chunks)
    assert all(len(p.findall("br")) == chunk.strip().count("\n") for p, chunk in zip(result, chunks, strict=True))
    for br in result.iter("br"):
        br.tail = f" {br.tail or ''}"  # a line break separates words
    assert [" ".join(p.text_content().split()) for p in result] == [" ".join(chunk.split()) for chunk in chunks]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_billion_laughs_is_refused_at_once(tmp_path):
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    path = write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{entities}]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&lol9;</title>'
        "<wp:post_id>1</wp:post_id><wp:post_date>2020-01-01 00:00:00</wp:post_date>"
        "</item></channel></rss>\n",
    )
    started = time.monotonic()
    entries = read(path=path)
    assert time.monotonic() - started < 2
    assert entries == [
        Skipped(
            str(path),
            None,
            "declares a DTD (<!DOCTYPE ...>), which a WordPress export never does: not read, "
            "so that no entity in it is expanded or fetched",
            1,
        )
    ]


def test_an_external_entity_is_never_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the password is hunter2", encoding="utf-8")
    path = write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&secret;</title>'
        "<wp:post_id>1</wp:post_id><wp:post_date>2020-01-01 00:00:00</wp:post_date>"
        "<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"
        "</item></channel></rss>\n",
    )
    entries = read(path=path)
    assert entries == [
        Skipped(
            str(path),
            None,
            "declares a DTD (<!DOCTYPE ...>), which a WordPress export never does: not read, "
            "so that no entity in it is expanded or fetched",
            1,
        )
    ]
    assert "hunter2" not in repr(entries)


def test_a_file_that_is_not_xml_or_not_wordpress(tmp_path):
    not_xml = write(tmp_path, "title: not xml\n")
    assert read(path=not_xml) == [
        Skipped(
            str(not_xml),
            None,
            "not a WordPress export it can read: Start tag expected, '<' not found, line 1, column 1",
            1,
        )
    ]
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel><item/></channel></rss>\n', encoding="utf-8")
    assert read(path=feed) == [
        Skipped(
            str(feed),
            None,
            "not a WordPress export: expected <rss> with a <channel> and the wp: namespace "
            "(http://wordpress.org/export/1.2/)",
            2,
        )
    ]


def test_control_characters_pasted_into_wordpress_do_not_make_the_export_unreadable(tmp_path):
    text = EXPORT.read_text(encoding="utf-8").replace(
        "Court must release detained journalists]]></title>",
        "Court must release\x0b detained journalists\x08]]></title>",
    )
    assert "\x0b" in text
    [post] = [e for e in read(path=write(tmp_path, text)) if isinstance(e, Item) and e.id == "10"]
    assert post.title == "Court must release detained journalists"


def test_a_folder_of_exports_a_featured_image_in_another_file(tmp_path):
    text = EXPORT.read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    entries = ["<item>" + entry for entry in rest.split("</channel>")[0].split("<item>")]
    attachment = next(entry for entry in entries if "<wp:post_id>101<" in entry)
    posts = [entry for entry in entries if entry is not attachment]
    (tmp_path / "export-1.xml").write_text(head + "".join(posts) + "</channel>\n</rss>\n", encoding="utf-8")
    (tmp_path / "export-2.xml").write_text(head + attachment + "</channel>\n</rss>\n", encoding="utf-8")
    (tmp_path / "notes.xml").write_text("<notes/>", encoding="utf-8")
    found = list(read_wordpress(tmp_path, PUBLISHED))
    assert found[0] == Skipped(
        str(tmp_path / "notes.xml"),
        None,
        "not a WordPress export: expected <rss> with a <channel> and the wp: namespace "
        "(http://wordpress.org/export/1.2/)",
        1,
    )
    assert [entry.id for entry in found[1:]] == [entry.id for entry in read()]
    assert all(entry.source == str(tmp_path / "export-1.xml") for entry in found[1:])
    [post] = [entry for entry in found if isinstance(entry, Item) and entry.id == "10"]
    assert post.photo == items()["10"].photo
    assert post.photo is not None and post.photo.alt is not None


def test_a_post_without_any_date(tmp_path):
    path = write(
        tmp_path,
        '<rss xmlns:wp="http://wordpress.org/export/1.1/"><channel><item><title>Dateless</title>'
        "<wp:post_id>5</wp:post_id><wp:post_date>0000-00-00 00:00:00</wp:post_date>"
        "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item></channel></rss>",
    )
    assert read(path=path) == [Skipped(str(path), "Dateless", "no date", 1)]


def test_ten_thousand_posts_read_quickly(tmp_path):
    post = (EXPORT.read_text(encoding="utf-8").split("<item>")[2]).split("</item>")[0]
    head, tail = EXPORT.read_text(encoding="utf-8").split("<item>", 1)[0], "</channel>\n</rss>\n"
    posts = "".join(
        f"<item>{post.replace('<wp:post_id>10<', f'<wp:post_id>{n}<')}</item>\n" for n in range(1000, 11000)
    )
    path = write(tmp_path, head + posts + tail)
    started = time.monotonic()
    entries = read(path=path)
    elapsed = time.monotonic() - started
    assert len(entries) == 10_000 and all(isinstance(entry, Item) for entry in entries)
    assert elapsed < 20, f"10,000 WXR posts read in {elapsed:.1f} s"


# -- end to end: `python -m newsroom import`, then `make build` --------------------------------------

MAP = EXPORT.parent / "import-map.yml"


def page_url(release: Path) -> str:
    return f"news/{release.stem[:10].replace('-', '/')}/{release.stem[11:]}/"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Project, subprocess.CompletedProcess, Build]:
    project = Project(tmp_path_factory.mktemp("wordpress") / "project")
    done = run_import(project, EXPORT, "--as", "wordpress", "--map", str(MAP))
    build = project.build()
    assert build.returncode == 0, build.log
    return project, done, build


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


def expected_text(item: Item) -> str:
    """What a reader sees of the item's body once imported: images become links named by their alt."""
    content = lxml_html.fragment_fromstring(item.body_html, create_parent="div")
    for image in list(content.iter("img")):
        image.tail = f" {image.get('alt') or ''} {image.tail or ''}"
        image.drop_tree()
    return seen_text(content)


def test_every_post_became_a_release_or_is_in_the_report(imported):
    project, done, _ = imported
    entries = read(ImportMap(statuses=("publish", "draft"), timezone="Asia/Seoul"))
    assert done.returncode == 1, done.stderr  # some entries were skipped
    assert sorted(imported_ids(project)) == sorted(entry.id for entry in entries if isinstance(entry, Item))
    report = (project.path / "import-report.md").read_text(encoding="utf-8")
    for entry in entries:
        if isinstance(entry, Skipped):
            assert f"{entry.source}:{entry.line}: '{entry.id}': {entry.reason}" in report


PUBLISHED_POSTS = ["10", "11", "14", "19"]


@pytest.mark.parametrize("post", PUBLISHED_POSTS)
def test_the_visible_text_of_every_published_post_survived(imported, post):
    project, _, build = imported
    name = imported_ids(project)[post].stem
    [item] = [entry for entry in read() if isinstance(entry, Item) and entry.id == post]
    [text] = build.html(f"news/{name[:10].replace('-', '/')}/{name[11:]}/").find_class("nr-body")
    assert seen_text(text) == expected_text(item)


def test_the_published_posts_are_those_of_the_fixture(imported):
    project, _, _ = imported
    everything = read(ImportMap(statuses=("publish", "draft")))
    assert [e.id for e in everything if isinstance(e, Item) and not e.draft] == PUBLISHED_POSTS
    assert set(PUBLISHED_POSTS) <= set(imported_ids(project))


def test_drafts_and_password_protected_posts_are_nowhere(imported):
    project, _, build = imported
    written = imported_ids(project)
    for post in ("12", "17"):
        assert "draft: true" in written[post].read_text(encoding="utf-8")
    everything = "".join(path.read_text(encoding="utf-8", errors="replace") for path in build.pages())
    assert "Only for our donors" not in everything and "waiting for the legal team" not in everything
    assert not build.exists("2023/02/14/briefing-for-donors/")


OLD_ADDRESSES = [
    ("2020/03/05/court-must-release-detained-journalists/", "2020/03/05/court-must-release-detained-journalists/"),
    ("2020/03/05/journalists-detained/", "2020/03/05/court-must-release-detained-journalists/"),
    ("2020/03/05/release-the-journalists-now/", "2020/03/05/court-must-release-detained-journalists/"),
    ("2019/11/20/myanmar-end-the-internet-shutdown/", "2019/11/20/myanmar-end-the-internet-shutdown/"),
    ("2019/11/19/myanmar-end-the-internet-shutdown/", "2019/11/20/myanmar-end-the-internet-shutdown/"),
    ("2018/09/12/cambodia-free-the-land-activists/", "2018/09/12/cambodia-free-the-land-activists/"),
]


@pytest.mark.parametrize(("old", "new"), OLD_ADDRESSES)
def test_old_addresses_answer_with_a_redirect_to_the_new_page(imported, old, new):
    _, _, build = imported
    [refresh] = build.html(old).xpath("//meta[@http-equiv='refresh']/@content")
    target = posixpath.normpath("/" + old + refresh.split("url=", 1)[1]) + "/"
    assert target == f"/news/{new}"
    assert build.exists(target.lstrip("/"))


def test_old_addresses_redirect_in_chromium(imported, browser):
    _, _, build = imported
    with site_tab(browser, build) as tab:
        for old, new in [
            ("2020/03/05/journalists-detained/", "news/2020/03/05/court-must-release-detained-journalists/"),
            ("2019/11/20/myanmar-end-the-internet-shutdown/", "news/2019/11/20/myanmar-end-the-internet-shutdown/"),
        ]:
            tab.goto(tab.base + old)
            tab.wait_for_url(tab.base + new)
            assert tab.locator("h1").first.inner_text().strip() != ""


def test_an_old_korean_permalink_redirects_in_chromium(imported, browser):
    _, _, build = imported
    with site_tab(browser, build) as tab:
        tab.goto(tab.base + "2021/06/10/%EB%B3%B4%EA%B3%A0%EC%84%9C/")
        tab.wait_for_url("**/news/2021/06/10/**", timeout=3000)


def test_a_second_import_changes_nothing(imported, tmp_path):
    project, _, _ = imported
    before = {path.name: path.read_bytes() for path in project.releases.rglob("*") if path.is_file()}
    again = run_import(project, EXPORT, "--as", "wordpress", "--map", str(MAP))
    assert again.returncode == 1
    after = {path.name: path.read_bytes() for path in project.releases.rglob("*") if path.is_file()}
    assert after == before


def test_imported_release_pages_and_their_redirects_are_valid_html(imported):
    project, _, build = imported
    urls = [page_url(path) for path in imported_ids(project).values() if "draft: true" not in path.read_text("utf-8")]
    urls += [old for old, _ in OLD_ADDRESSES]
    files = [str(build.path(url)) for url in urls]
    assert all(Path(file).is_file() for file in files), files
    assert html_errors(files) == []


def test_a_missing_export(tmp_path):
    assert read(path=tmp_path / "nowhere.xml") == [
        Skipped(str(tmp_path / "nowhere.xml"), None, "cannot be read: No such file or directory")
    ]


def test_what_could_not_be_made_is_noted_for_the_report(tmp_path):
    text = (
        EXPORT.read_text(encoding="utf-8")
        .replace("<wp:meta_value><![CDATA[101]]></wp:meta_value>", "<wp:meta_value><![CDATA[999]]></wp:meta_value>")
        .replace(
            "<link>https://rights-watch.example.org/2020/03/05/court-must-release-detained-journalists/</link>",
            "<link>https://rights-watch.example.org/?p=10</link>",
        )
        .replace(
            "<wp:post_date_gmt><![CDATA[2020-03-05 00:30:00]]>", "<wp:post_date_gmt><![CDATA[2020-03-07 00:30:00]]>"
        )
    )
    [post] = [e for e in read(path=write(tmp_path, text)) if isinstance(e, Item) and e.id == "10"]
    assert post.photo is None
    assert post.date == datetime(2020, 3, 7, 0, 30, tzinfo=UTC)
    assert post.old_addresses == ()
    assert post.notes == (
        "post_date and post_date_gmt are -2340 minutes apart: read post_date_gmt (UTC)",
        "featured image 999 is not among the export's attachments",
        f"old slug 'journalists-detained': its permalink could not be made from {SITE}/?p=10",
        f"old slug 'release-the-journalists-now': its permalink could not be made from {SITE}/?p=10",
    )


def test_an_unknown_timezone_in_a_mapping_made_in_code_is_noted(tmp_path):
    draft = items(ImportMap(statuses=("draft",), timezone="Mars/Olympus"))["12"]
    assert draft.date == datetime(2022, 1, 10, 10, 0, tzinfo=UTC)
    assert draft.notes == ("time zone 'Mars/Olympus' is not known: 2022-01-10T10:00:00 read as UTC",)
