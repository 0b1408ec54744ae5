"""The importer's core without a build: the mapping file, the writer's names, digests and bodies, and
properties (any title and text become a valid release whose words survive)."""

from __future__ import annotations

import html
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from newsroom.importer.items import ImportMap, Item
from newsroom.importer.mapping import MappingError, parse_map
from newsroom.importer.writer import first_sentence, import_items, slug_for, untouched
from newsroom.reader.release import read_release
from newsroom.settings import Settings

SEOUL = timezone(timedelta(hours=9))


def site(folder: Path) -> Settings:
    (folder / "press_releases").mkdir(parents=True, exist_ok=True)
    return Settings.from_mapping(
        folder, {"timezone": "Asia/Seoul"}, language="en", site_url="https://newsroom.example.org/"
    )


def an_item(**fields: object) -> Item:
    values: dict = {
        "source": "feed.xml",
        "id": "1",
        "title": "A title",
        "date": datetime(2020, 3, 3, 9, tzinfo=SEOUL),
        "body_html": "<p>(Seoul) – Body text. More text.</p>",
        "link": "https://old.example/press/a-title/",
    }
    values.update(fields)
    return Item(**values)


# -- the mapping file ----------------------------------------------------------


def problems(text: str) -> list[str]:
    with pytest.raises(MappingError) as caught:
        parse_map(text)
    return [str(p) for p in caught.value.problems]


def test_a_mapping_every_section():
    mapping = parse_map(
        "categories:\n  Asia: {regions: Asia}\n  DPRK: {countries: [North Korea], topics: Accountability}\n"
        "wordpress: {post_types: [post, press_release], statuses: publish}\n"
        "html: {title: h1, date: time, body: article, attributes: {date: datetime}, terms: {tag: 'a[rel=tag]'}}\n"
        "language: ko\ntimezone: Asia/Seoul\n"
    )
    assert mapping.categories == {
        "Asia": {"regions": ("Asia",)},
        "DPRK": {"countries": ("North Korea",), "topics": ("Accountability",)},
    }
    assert mapping.post_types == ("post", "press_release") and mapping.statuses == ("publish",)
    assert mapping.html is not None and mapping.html.attributes == {"date": "datetime"}
    assert mapping.html.terms == {"tag": "a[rel=tag]"}
    assert (mapping.language, mapping.timezone) == ("ko", "Asia/Seoul")
    assert parse_map("") == ImportMap()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "categories: [Asia]\n",
            "import-map.yml:1: field 'categories': expected a mapping of source names to taxonomies, not a list",
        ),
        (
            "categories:\n  Asia: Asia\n",
            "import-map.yml:2: field 'categories.Asia': expected a mapping of "
            "taxonomies to names, such as {regions: Asia, countries: [North Korea]}, not 'Asia'",
        ),
        (
            "categories:\n  Asia: {regions: []}\n",
            "import-map.yml:2: field 'categories.Asia.regions': expected a name or a list of names, not an empty list",
        ),
        (
            "categories:\n  Asia: {regions: 3}\n",
            "import-map.yml:2: field 'categories.Asia.regions': expected a name or a list of names, not the number 3",
        ),
        ("categorie: {}\n", "import-map.yml:1: field 'categorie': unknown setting; did you mean 'categories'?"),
        (
            "timezone: Seoul\n",
            "import-map.yml:1: field 'timezone': unknown time zone 'Seoul'; expected an IANA name such as 'Asia/Seoul'",
        ),
        (
            "wordpress: {statuss: [publish]}\n",
            "import-map.yml:1: field 'wordpress.statuss': unknown setting; did you mean 'statuses'?",
        ),
        (
            "html: {title: h1, date: time, body: p, attributes: {dates: datetime}}\n",
            "import-map.yml:1: field 'html.attributes.dates': unknown field; did you mean 'date'?",
        ),
        (
            "language: !!python/name:os.system x\n",
            "import-map.yml:1: the tag tag:yaml.org,2002:python/name:os.system is not allowed; write plain values",
        ),
        (
            "categories: {Asia: {regions: Asia}\n",
            "import-map.yml:2: is not valid YAML: did not find expected ',' or '}'",
        ),
    ],
)
def test_mapping_problems_at_their_lines(text, expected):
    assert problems(text) == [expected]


# -- names, digests, summaries -------------------------------------------------


@pytest.mark.parametrize(
    ("link", "title", "slug"),
    [
        ("https://old.example/press/2020/03/un-must-renew/", "X", "un-must-renew"),
        ("https://old.example/press/coi-six-years-on.html", "X", "coi-six-years-on"),
        ("https://old.example/?p=123", "North Korea: Stop!", "north-korea-stop"),
        ("https://old.example/press/123/", "Title", "title"),
        ("https://old.example/press/Mixed_Case/", "Mixed case", "mixed-case"),
        (None, "북한 인권", "bughan-ingweon"),
        (None, "???", "release"),
    ],
)
def test_slugs(link, title, slug):
    assert slug_for(an_item(link=link, title=title)) == slug


def test_first_sentence():
    assert first_sentence("Rights groups said today. Then more.") == "Rights groups said today."
    assert first_sentence("The U.N. Council said no today. Then more.") == "The U.N. Council said no today."
    assert len(first_sentence("word " * 200)) <= 301


def test_a_file_is_untouched_only_with_the_digest_it_was_written_with(tmp_path):
    settings = site(tmp_path)
    import_items([an_item()], settings, ImportMap())
    [path] = settings.releases_path.glob("*.md")
    text = path.read_text(encoding="utf-8")
    stored, intact = untouched(text)
    assert stored is not None and stored.startswith("sha256:") and intact
    assert untouched(text.replace("Body text.", "Body text!")) == (stored, False)
    assert untouched(text.replace("title: A title", "title: A title ")) == (stored, False)
    assert untouched("---\ntitle: x\n---\n") == (None, False)


def test_the_body_is_sanitized_and_its_links_rewritten(tmp_path):
    settings = site(tmp_path)
    items = [
        an_item(
            body_html='<p onclick="x()">See <a href="/press/other">the other</a> and '
            '<a href="javascript:alert(1)">this</a>.</p><iframe src="https://evil.example/"></iframe>'
        ),
        an_item(id="2", title="Other", link="https://old.example/press/other/", body_html="<p>Other text.</p>"),
    ]
    report = import_items(items, settings, ImportMap())
    assert report.problems == []
    text = (settings.releases_path / "2020-03-03-a-title.md").read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert body == "\nSee [the other](2020-03-03-other.md) and this.\n"


def test_bidirectional_controls_an_old_page_left_open_are_closed_where_its_lines_end(tmp_path):
    # Word and old CMSs leave U+202B (RIGHT-TO-LEFT EMBEDDING) open where a paragraph ended it; the
    # newsroom refuses that in a release, so the importer closes each where the old page's line ended.
    settings = site(tmp_path)
    item = an_item(
        title="\u202b\u0628\u064a\u0627\u0646 (statement)",
        body_html="<p>&#x202B;\u0641\u064a \u0633\u064a\u0648\u0644</p><p>\u2067x \u202ey\u202c z</p><p>plain</p>",
        summary="A summary.",
    )
    report = import_items([item], settings, ImportMap())
    assert report.problems == []
    [written] = report.written
    release, problems = read_release(settings, written.split("/", 1)[1])
    assert problems == [] and release is not None
    assert release.title == "\u202b\u0628\u064a\u0627\u0646 (statement)\u202c"
    assert release.body == "\u202b\u0641\u064a \u0633\u064a\u0648\u0644\u202c\n\n\u2067x \u202ey\u202c z\u2069\n\nplain"


# -- properties ----------------------------------------------------------------

#: Any printable text, and text made of what Markdown and HTML read as markup.
TEXT = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\u2028\u2029\x85", codec="utf-8"),
    min_size=1,
    max_size=80,
) | st.text(alphabet=st.sampled_from(list("<>&#*_`[]{}()!|=~-+.:;/^ 1aZ")), min_size=1, max_size=40)
#: ... and text with bidirectional controls, open or closed (README: the importer closes them).
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TEXT = TEXT | st.text(alphabet=st.sampled_from(list("ab \u0627\u0644" + BIDI)), min_size=1, max_size=20)


def without_bidi(text: str) -> str:
    return "".join(c for c in text if c not in BIDI)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT.filter(lambda t: t.strip()), words=st.lists(TEXT, min_size=1, max_size=4))
def test_any_title_and_text_become_a_valid_release_whose_words_survive(title, words):
    paragraphs = [w for w in words if w.strip()] or ["text"]
    body = "".join(f"<p>{html.escape(w)}</p>" for w in paragraphs)
    with tempfile.TemporaryDirectory() as folder:
        settings = site(Path(folder))
        report = import_items([an_item(title=title, body_html=body, summary="A summary.")], settings, ImportMap())
        assert report.problems == [] and report.skipped == []
        [written] = report.written
        release, problems = read_release(settings, written.split("/", 1)[1])
        assert problems == [] and release is not None
        assert without_bidi(release.title).split() == without_bidi(title).split()
        rendered = lxml_html.fragment_fromstring(
            markdown.markdown(release.body, extensions=["tables", "footnotes"]), create_parent="div"
        )
        seen = " ".join(rendered.text_content().split())
        for paragraph in paragraphs:
            assert " ".join(paragraph.split()) in seen


def test_links_to_an_item_known_only_by_its_path(tmp_path):
    """A saved page without its full address (only ``/press/2019/a.htm``) is still linked to, from a
    page of the same site, by a root-relative or full link; a link to another site's page of that
    path is not."""
    settings = site(tmp_path)
    items = [
        an_item(
            id="page",
            link="https://old.example/press/2020/b.html",
            body_html='<p><a href="/press/2019/a.htm">Root</a>, <a href="../2019/a.htm#x">relative</a>, '
            '<a href="https://old.example/press/2019/a.htm">full</a>, '
            '<a href="https://elsewhere.example/press/2019/a.htm">other site</a>.</p>',
        ),
        an_item(id="a", title="Older", link="/press/2019/a.htm", date=datetime(2019, 5, 1, 9, tzinfo=SEOUL)),
    ]
    report = import_items(items, settings, ImportMap())
    assert report.problems == []
    body = (settings.releases_path / "2020-03-03-b.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body == (
        "\n[Root](2019-05-01-a.md), [relative](2019-05-01-a.md#x), [full](2019-05-01-a.md), "
        "[other site](https://elsewhere.example/press/2019/a.htm).\n"
    )
