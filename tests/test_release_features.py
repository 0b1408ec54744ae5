"""What a release page offers beyond the release itself: press contacts (its own, or its regions'
from mkdocs.yml), a content warning hiding the photo until asked for (and leading feeds and search
results), a citation, share links that load nothing, copy buttons as progressive enhancement, and a
print stylesheet, checked by printing to PDF in Chromium and reading the text back."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, Project, http_site, release_text
from newsroom import cli, contacts
from newsroom.model import Contact
from newsroom.reader import parse_release
from newsroom.settings import Settings, SettingsError
from newsroom.sharing import share_links

SITE = "https://newsroom.example.org/"
PNG = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()
SETTINGS = Settings(project_dir=Path("/nowhere"), timezone="Asia/Seoul")

WARNED = "news/2021/05/06/warned/"
PLAIN = "news/2021/05/11/plain/"
WARNING = "Descriptions of torture."

ASIA_DESK = {"name": "Asia desk", "email": "asia@example.org", "phone": "+82 2 3789 5678", "languages": ["en", "ko"]}
AFRICA_DESK = {"name": "Africa desk", "email": "africa@example.org"}
SHARED = {"name": "Emergencies", "phone": "+44 20 7713 1995"}
PRESS_OFFICE = {"name": "Press office", "email": "press@example.org"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("features") / "project")
    project.newsroom(contacts={"Asia": [ASIA_DESK, SHARED], "Africa": [AFRICA_DESK, SHARED], "default": [PRESS_OFFICE]})
    project.asset("images/warned.png", PNG)
    project.asset("images/plain.png", PNG)
    project.release(
        "2021-05-06-warned.md",
        release_text(
            title="Witnesses describe the camps",
            date="2021-05-06T09:00",
            summary="Former detainees speak of what they saw.",
            dateline="Seoul",
            regions=["Asia"],
            content_warning=WARNING,
            image={
                "src": "images/warned.png",
                "alt": "A cell.",
                "caption": "A cell in 2020.",
                "credit": "© A. Photographer",
            },
            contacts=[
                {
                    "name": "Kim Min-ji",
                    "role": "Researcher",
                    "languages": ["ko", "en"],
                    "phone": "+82 2 3789 1234 ext. 12",
                    "email": "Kim@Example.ORG",
                },
                {"name": "Press office", "email": "press@example.org"},
            ],
            body="(Seoul) – The zyxwarned testimony follows.",
        ),
    )
    project.release("2021-05-07-asia.md", release_text(title="Asia", date="2021-05-07", regions=["asia"]))
    project.release("2021-05-08-nowhere.md", release_text(title="Nowhere", date="2021-05-08"))
    project.release(
        "2021-05-09-optout.md", release_text(title="Opt out", date="2021-05-09", regions=["Asia"], contacts=[])
    )
    project.release("2021-05-10-two.md", release_text(title="Two", date="2021-05-10", regions=["Asia", "Africa"]))
    project.release(
        "2021-05-11-plain.md",
        release_text(
            title="A plain release to print",
            date="2021-05-11T10:00",
            summary="The deck of the printed release.",
            dateline="Geneva",
            regions=["Europe"],
            image={"src": "images/plain.png", "alt": "A hall.", "caption": "The council hall.", "credit": "© UN Photo"},
            contacts=[{"name": "Jane Doe", "role": "Spokesperson", "phone": "+41 22 917 1234"}],
            body="(Geneva) – The body of the printed release, zyxprinted.\n\n## A heading\n\nMore text.",
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    return build


def article(build, url):
    return build.html(url).xpath("//article")[0]


def contact_names(build, url) -> list[str]:
    return [n.text for n in article(build, url).xpath(".//section[@class='nr-contacts']//address/span[1]")]


# -- contacts ---------------------------------------------------------------------------------


def test_contacts_are_shown_for_more_information_with_links_phones_and_mail_programs_open(site):
    section = article(site, WARNED).xpath(".//section[@class='nr-contacts']")[0]
    heading = section.xpath("h2")[0]
    assert heading.text == "For more information"
    assert section.get("aria-labelledby") == heading.get("id")
    first, second = section.xpath(".//li/address")
    assert " ".join(first.text_content().split()) == (
        "Kim Min-ji, Researcher Languages: Korean and English Phone: +82 2-3789-1234 ext. 12 Email: Kim@example.org"
    )
    links = {a.text: a.get("href") for a in first.xpath(".//a")}
    assert links == {"+82 2-3789-1234 ext. 12": "tel:+82237891234;ext=12", "Kim@example.org": "mailto:Kim@example.org"}
    assert [a.get("href") for a in second.xpath(".//a")] == ["mailto:press@example.org"]
    assert " ".join(second.text_content().split()) == "Press office Email: press@example.org"


def test_a_release_without_contacts_gets_those_of_its_regions_else_the_default_ones(site):
    assert contact_names(site, WARNED) == ["Kim Min-ji", "Press office"], "its own, and only those"
    assert contact_names(site, "news/2021/05/07/asia/") == ["Asia desk", "Emergencies"], "'asia' is the term Asia"
    assert contact_names(site, "news/2021/05/08/nowhere/") == ["Press office"]
    assert contact_names(site, "news/2021/05/10/two/") == ["Asia desk", "Emergencies", "Africa desk"]
    assert contact_names(site, PLAIN) == ["Jane Doe"]
    assert article(site, "news/2021/05/09/optout/").xpath(".//section[@class='nr-contacts']") == [], "contacts: []"
    desk = article(site, "news/2021/05/07/asia/").xpath(".//address")[0]
    assert [a.get("href") for a in desk.xpath(".//a")] == ["tel:+82237895678", "mailto:asia@example.org"]


def test_a_release_names_no_one_when_neither_it_nor_the_settings_do(project):
    project.release("2021-01-01-x.md", release_text(date="2021-01-01", regions=["Asia"]))
    build = project.build()
    assert build.returncode == 0, build.log
    assert article(build, "news/2021/01/01/x/").xpath(".//section[@class='nr-contacts']") == []


@pytest.mark.parametrize(
    ("contacts_yaml", "line", "message"),
    [
        (
            "  - role: Researcher\n",
            6,
            "field 'contacts[1].name': missing; give the name of the person or office to contact",
        ),
        (
            "  - name: A\n    email: nope\n",
            7,
            "field 'contacts[1].email': expected an email address such as press@example.org, got 'nope' "
            "(an email address must have an @-sign)",
        ),
        (
            "  - name: A\n  - name: B\n    phone: 02-3789-1234\n",
            8,
            "field 'contacts[2].phone': expected a phone number in international form, with + and the country "
            "code, such as +82 2 1234 5678, got '02-3789-1234' (it does not start with + and the country code)",
        ),
        (
            "  - name: A\n    phone: +82 12\n",
            7,
            "field 'contacts[1].phone': expected a phone number in international form, with + and the country "
            "code, such as +82 2 1234 5678, got '+82 12' (too short)",
        ),
        (
            "  - name: A\n    fone: +82 2 3789 1234\n",
            7,
            "field 'contacts[1].fone': unknown contact field; did you mean 'phone'? "
            "(a contact has name, role, languages, phone, email)",
        ),
        (
            "  - name: A\n    languages: [ko, Korean]\n",
            7,
            "field 'contacts[1].languages': expected a BCP 47 language tag such as 'en', 'ko' or 'pt-BR', got 'Korean'",
        ),
        (
            "  - name: [A, B]\n",
            6,
            "field 'contacts[1].name': expected text, got a list",
        ),
        (
            "  - name: A\n    email: [a@example.org]\n",
            7,
            "field 'contacts[1].email': expected an email address, got a list",
        ),
        (
            "  - Jane Doe\n",
            6,
            "field 'contacts[1]': expected a contact: 'name:' and any of 'role:', 'languages:', 'phone:', "
            "'email:', got 'Jane Doe'",
        ),
        (
            "  name: Jane Doe\n",
            6,
            "field 'contacts': expected a list of contacts, each with 'name:' and any of 'role:', 'languages:', "
            "'phone:', 'email:', got a mapping",
        ),
    ],
)
def test_a_bad_contact_is_refused_at_its_line_saying_what_is_expected(contacts_yaml, line, message):
    text = f"---\ntitle: T\ndate: 2021-01-01\nsummary: S\ncontacts:\n{contacts_yaml}---\n\nBody.\n"
    release, problems = parse_release(text.encode(), "x.md", SETTINGS)
    assert release is None
    assert [str(p) for p in problems] == [f"press_releases/x.md:{line}: {message}"]


def test_a_phone_number_yaml_reads_as_a_number_is_taken_as_written():
    text = "---\ntitle: T\ndate: 2021-01-01\nsummary: S\ncontacts:\n  - name: A\n    phone: +82237891234\n---\n"
    release, problems = parse_release(text.encode(), "x.md", SETTINGS)
    assert problems == [] and release is not None
    assert release.contacts == (Contact(name="A", phone="+82 2-3789-1234"),)


def test_bad_contacts_fail_the_build_and_make_check(project):
    project.release("2021-01-01-good.md", release_text(title="Good", date="2021-01-01"))
    project.release(
        "2021-01-02-bad.md", release_text(date="2021-01-02", contacts=[{"name": "A", "email": "nope"}, {"role": "R"}])
    )
    project.failing_build(
        "press_releases/2021-01-02-bad.md:7: field 'contacts[1].email': expected an email address such as "
        "press@example.org, got 'nope'",
        "press_releases/2021-01-02-bad.md:8: field 'contacts[2].name': missing",
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            {"Asia": [{"role": "Desk"}]},
            "mkdocs.yml: extra.newsroom.contacts.Asia[1].name: missing; give the name of the person or office to "
            "contact",
        ),
        (
            {"Asia": [{"name": "Desk", "email": "desk@"}]},
            "mkdocs.yml: extra.newsroom.contacts.Asia[1].email: expected an email address such as press@example.org, "
            "got 'desk@'",
        ),
        (
            {"Asia": [{"name": "Desk", "phone": 82237891234}]},
            "mkdocs.yml: extra.newsroom.contacts.Asia[1].phone: expected text, got 82237891234 (write it in quotes, "
            'with its +: "+82 2 1234 5678")',
        ),
        (
            {"default": [{"name": "Desk", "mail": "desk@example.org"}]},
            "mkdocs.yml: extra.newsroom.contacts.default[1].mail: unknown contact field; did you mean 'email'?",
        ),
        ({"Asia": "Desk"}, "mkdocs.yml: extra.newsroom.contacts.Asia: expected a list of contacts, each with 'name:'"),
        (["Desk"], "mkdocs.yml: extra.newsroom.contacts: expected region names, each with a list of contacts"),
    ],
)
def test_bad_contacts_in_the_settings_are_refused_saying_where_and_why(setting, message):
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping(Path("/nowhere"), {"contacts": setting})
    assert str(caught.value).startswith(message)


def test_a_bad_contacts_setting_fails_the_build(project):
    project.release("2021-01-01-x.md", release_text(date="2021-01-01"))
    project.newsroom(contacts={"Asia": [{"name": "Desk", "email": "desk@"}]})
    project.failing_build("mkdocs.yml: extra.newsroom.contacts.Asia[1].email: expected an email address")


def test_every_country_s_example_number_gets_a_working_tel_link():
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number(region)
        if example is None:
            continue
        written = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        shown = contacts.phone_number(written)
        uri = contacts.tel_uri(shown)
        assert uri == "tel:" + phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164), region
        assert phonenumbers.parse(uri.removeprefix("tel:"), None) == example


def news_article(build, url: str) -> dict:
    """The page's NewsArticle, as a structured-data reader (extruct) finds it."""
    import extruct

    found = extruct.extract(build.path(url).read_bytes(), base_url=SITE + url, syntaxes=["json-ld"])["json-ld"]
    (article,) = [item for item in found if item.get("@type") == "NewsArticle"]
    return article


def test_search_engines_find_the_contacts_as_the_publisher_s_contact_points(site):
    warned = news_article(site, WARNED)
    assert warned["publisher"]["contactPoint"] == [
        {
            "@type": "ContactPoint",
            "contactType": "press",
            "name": "Kim Min-ji",
            "description": "Researcher",
            "telephone": "+82 2-3789-1234 ext. 12",
            "email": "Kim@example.org",
            "availableLanguage": ["ko", "en"],
        },
        {"@type": "ContactPoint", "contactType": "press", "name": "Press office", "email": "press@example.org"},
    ]
    assert "contactPoint" not in warned["author"]
    asia = news_article(site, "news/2021/05/07/asia/")["publisher"]["contactPoint"]
    assert [c["name"] for c in asia] == ["Asia desk", "Emergencies"], "its region's, as on the page"
    assert "contactPoint" not in news_article(site, "news/2021/05/09/optout/")["publisher"]


# -- the content warning ---------------------------------------------------------------------


def test_the_warning_comes_before_the_photo_and_the_text_and_the_photo_waits_to_be_asked_for(site):
    page = article(site, WARNED)
    order = [e.get("class") for e in page.xpath(".//*[@class='nr-warning' or @class='nr-reveal' or @class='nr-body']")]
    assert order == ["nr-warning", "nr-reveal", "nr-body"]
    warning = page.xpath(".//p[@class='nr-warning']")[0]
    assert warning.get("role") == "note"
    assert " ".join(warning.text_content().split()) == f"Content warning: {WARNING}"
    details = page.xpath(".//details[@class='nr-reveal']")[0]
    assert details.get("open") is None
    assert details.xpath("string(summary)") == "Show photo"
    assert "© A. Photographer" in details.xpath("string(figure/figcaption)")
    plain = article(site, PLAIN)
    assert plain.xpath(".//p[@class='nr-warning'] | .//details") == []


def test_a_warned_photo_is_on_no_card_and_in_no_link_preview(site):
    home = site.html("")
    cards = {a.text: a.xpath("ancestor::li[1]//img") for a in home.xpath("//li[contains(@class, 'nr-card')]//h2//a")}
    assert cards["Witnesses describe the camps"] == []
    assert cards["A plain release to print"] != []
    head = site.html(WARNED)
    assert head.xpath("//meta[@property='og:image' or @name='twitter:image']") == []
    assert head.xpath("//meta[@name='twitter:card']/@content") == ["summary"]
    assert site.html(PLAIN).xpath("//meta[@property='og:image']/@content") == [SITE + "media/images/plain.png"]


@pytest.mark.parametrize("value", ['""', '"   "', ""])
def test_an_empty_content_warning_is_refused(value):
    text = f"---\ntitle: T\ndate: 2021-01-01\nsummary: S\ncontent_warning: {value}\n---\n\nBody.\n"
    release, problems = parse_release(text.encode(), "x.md", SETTINGS)
    assert release is None
    assert [str(p) for p in problems] == [
        "press_releases/x.md:5: field 'content_warning': is empty; say what readers are warned of (such as "
        "'Descriptions of torture.'), or delete the line"
    ]


def test_a_content_warning_that_is_no_text_is_refused():
    text = "---\ntitle: T\ndate: 2021-01-01\nsummary: S\ncontent_warning: [a, b]\n---\n"
    _, problems = parse_release(text.encode(), "x.md", SETTINGS)
    assert [str(p) for p in problems] == ["press_releases/x.md:5: field 'content_warning': expected text, got a list"]


def test_the_warning_leads_the_item_in_every_feed_and_the_photo_is_no_enclosure(site):
    lead = f"Content warning: {WARNING} Former detainees speak of what they saw."
    content_start = (
        f"<p><strong>Content warning:</strong> {WARNING}</p>\n"
        f'<p><a href="{SITE}media/images/warned.png">Show photo</a> (A cell in 2020. © A. Photographer)</p>\n'
    )
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse(site.path(name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        entries = {e.title: e for e in parsed.entries}
        warned = entries["Witnesses describe the camps"]
        assert warned.summary == lead, name
        assert warned.content[0].value.startswith(content_start), name
        assert "<img" not in warned.content[0].value, "a reader shows the photo only once asked"
        assert not warned.get("enclosures"), name
        plain = entries["A plain release to print"]
        assert plain.summary == "The deck of the printed release."
        assert "<img" in plain.content[0].value
        if name == "feed.xml":
            assert [e.href for e in plain.enclosures] == [SITE + "media/images/plain.png"]
    items = {i["title"]: i for i in json.loads(site.text("feed.json"))["items"]}
    warned_item = items["Witnesses describe the camps"]
    assert warned_item["summary"] == lead
    assert warned_item["content_html"].startswith(content_start)
    assert "<img" not in warned_item["content_html"]
    assert "image" not in warned_item and "attachments" not in warned_item
    assert items["A plain release to print"]["image"] == SITE + "media/images/plain.png"


def test_a_warning_ending_without_a_full_stop_gets_one_in_the_summary(project):
    project.release(
        "2021-01-01-x.md", release_text(date="2021-01-01", summary="The summary.", content_warning="Violence")
    )
    project.release(
        "2021-01-02-y.md", release_text(date="2021-01-02", summary="The summary.", content_warning="Violence!")
    )
    build = project.build()
    assert build.returncode == 0, build.log
    summaries = [i["summary"] for i in json.loads(build.text("feed.json"))["items"]]
    assert summaries == ["Content warning: Violence! The summary.", "Content warning: Violence. The summary."]


# -- citation and share links -------------------------------------------------------------------


def test_the_citation_names_organization_title_dateline_date_and_permalink(site):
    cite = article(site, WARNED).xpath(".//section[@class='nr-cite']")[0]
    assert cite.xpath("string(h2)") == "Cite this release"
    assert cite.get("aria-labelledby") == cite.xpath("h2/@id")[0]
    citation = cite.xpath("p[@class='nr-citation']")[0]
    assert citation.text_content() == f"Newsroom. “Witnesses describe the camps.” Seoul, May 6, 2021. {SITE}{WARNED}"
    assert citation.xpath("cite/text()") == ["Witnesses describe the camps"]
    nowhere = article(site, "news/2021/05/08/nowhere/").xpath("string(.//p[@class='nr-citation'])")
    assert nowhere == f"Newsroom. “Nowhere.” May 8, 2021. {SITE}news/2021/05/08/nowhere/", "no dateline, no comma"


def shared(title: str, permalink: str) -> dict[str, tuple[str, str, dict[str, list[str]]]]:
    """What each share link must hand over: its host (or scheme), path and query."""
    return {
        "Email": ("mailto", "", {"subject": [title], "body": [f"{title}\n{permalink}"]}),
        "X (Twitter)": ("twitter.com", "/intent/tweet", {"text": [title], "url": [permalink]}),
        "Facebook": ("www.facebook.com", "/sharer/sharer.php", {"u": [permalink]}),
        "LinkedIn": ("www.linkedin.com", "/sharing/share-offsite/", {"url": [permalink]}),
        "WhatsApp": ("wa.me", "/", {"text": [f"{title} {permalink}"]}),
        "Telegram": ("t.me", "/share/url", {"url": [permalink], "text": [title]}),
        "Bluesky": ("bsky.app", "/intent/compose", {"text": [f"{title} {permalink}"]}),
    }


def test_share_links_are_plain_links_carrying_the_title_and_permalink(site):
    share = article(site, WARNED).xpath(".//section[@class='nr-share']")[0]
    assert share.xpath("string(h2)") == "Share"
    assert share.xpath(".//img | .//script | .//iframe | .//button") == [], "text links, nothing loaded"
    links = {a.text: a for a in share.xpath(".//a")}
    assert list(links) == ["Email", "X (Twitter)", "Facebook", "LinkedIn", "WhatsApp", "Telegram", "Bluesky"]
    expected = shared(title="Witnesses describe the camps", permalink=SITE + WARNED)
    for name, link in links.items():
        assert set(link.get("rel").split()) == {"noopener", "noreferrer"}, name
        url = urlsplit(link.get("href"))
        where, path, query = expected[name]
        assert (url.netloc or url.scheme, url.path, parse_qs(url.query)) == (where, path, query), name
        assert url.scheme in ("https", "mailto"), name
        assert "+" not in url.query, "a space is %20 (RFC 6068 for mailto:; every network reads it)"


@given(title=st.text(min_size=1, max_size=200))
def test_share_links_hand_over_any_title_exactly(title):
    permalink = "https://newsroom.example.org/news/2021/05/06/x/"
    expected = shared(title, permalink)
    for link in share_links(permalink, title):
        url = urlsplit(link.url)
        assert (url.netloc or url.scheme, url.path, parse_qs(url.query, keep_blank_values=True)) == expected[link.name]


def test_a_korean_site_cites_and_names_contacts_in_korean(project):
    project.config["theme"]["language"] = "ko"
    project.release(
        "2021-01-01-x.md",
        release_text(
            title="피해자와 함께",
            date="2021-01-01",
            dateline="서울",
            contacts=[{"name": "홍길동", "languages": ["ko", "en"], "email": "press@example.org"}],
            content_warning="고문에 대한 묘사가 있습니다.",
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    page = article(build, "news/2021/01/01/x/")
    assert page.xpath("string(.//section[@class='nr-contacts']/h2)") == "문의처"
    address = " ".join(page.xpath("string(.//address)").split())
    assert address == "홍길동 사용 언어: 한국어 및 영어 이메일: press@example.org"
    assert page.xpath("string(.//p[@class='nr-citation'])") == (
        f"Newsroom, 「피해자와 함께」, 서울, 2021년 1월 1일, {SITE}news/2021/01/01/x/"
    )
    assert (
        " ".join(page.xpath("string(.//p[@class='nr-warning'])").split()) == "내용 경고: 고문에 대한 묘사가 있습니다."
    )
    assert page.xpath(".//section[@class='nr-share']//a")[0].text == "이메일"


# -- in a browser, with and without JavaScript ------------------------------------------------


def watched(browser, build, **options):
    """A page of ``build`` in Chromium, and the list of every URL it requests."""
    base = http_site(build)
    context = browser.new_context(**options)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.base = base
    return context, page, requested


@pytest.mark.parametrize("javascript", [False, True])
def test_the_warned_photo_shows_only_once_asked_for_with_or_without_javascript(site, browser, javascript):
    context, page, requested = watched(browser, site, java_script_enabled=javascript)
    try:
        page.goto(page.base + WARNED)
        page.wait_for_load_state("networkidle")
        photo = page.locator(".nr-reveal img")
        assert photo.is_hidden()
        if not javascript:
            assert page.locator("article button").count() == 0, "buttons only come with JavaScript"
        page.locator(".nr-reveal summary").click()
        page.wait_for_function("() => document.querySelector('.nr-reveal img').naturalWidth > 0")
        assert photo.is_visible()
        assert page.locator(".nr-reveal figcaption").inner_text().startswith("A cell in 2020.")
        assert all(url.startswith(page.base) for url in requested), requested
    finally:
        context.close()


def test_copy_buttons_copy_the_permalink_and_the_citation_and_say_so(site, browser):
    context, page, requested = watched(browser, site, permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(page.base + WARNED)
        link = page.get_by_role("button", name="Copy link")
        link.click()
        page.wait_for_function("() => /Link copied/.test(document.querySelector('.nr-share').textContent)")
        assert page.evaluate("navigator.clipboard.readText()") == SITE + WARNED
        assert page.locator(".nr-share [role=status]").inner_text() == "Link copied."
        page.get_by_role("button", name="Copy citation").click()
        page.wait_for_function("() => /Citation copied/.test(document.querySelector('.nr-cite').textContent)")
        assert page.evaluate("navigator.clipboard.readText()") == (
            f"Newsroom. “Witnesses describe the camps.” Seoul, May 6, 2021. {SITE}{WARNED}"
        )
        assert all(url.startswith(page.base) for url in requested), "nothing is requested from another host"
    finally:
        context.close()


def test_the_warning_leads_the_excerpt_in_search_results(site, browser):
    context, page, _ = watched(browser, site)
    try:
        page.goto(page.base + "search/?q=zyxwarned")
        page.wait_for_selector(".nr-result")
        excerpt = page.locator(".nr-result__excerpt").first
        assert excerpt.inner_text().startswith(f"Content warning: {WARNING} ")
        assert excerpt.locator("strong").first.inner_text() == f"Content warning: {WARNING}"
        assert "zyxwarned" in excerpt.inner_text()
        page.goto(page.base + "search/?q=zyxprinted")
        page.wait_for_selector(".nr-result")
        assert "Content warning" not in page.locator(".nr-result__excerpt").first.inner_text()
    finally:
        context.close()


def printed(browser, build, url: str, javascript: bool = True) -> tuple[str, int]:
    """``url`` printed to PDF by Chromium ("Save as PDF"), read back with pypdf: its text (ligatures
    undone, spaces collapsed) and how many images it holds."""
    from pypdf import PdfReader

    context, page, _ = watched(browser, build, java_script_enabled=javascript)
    try:
        page.goto(page.base + url)
        page.wait_for_load_state("networkidle")
        data = page.pdf(format="A4")
    finally:
        context.close()
    pages = PdfReader(io.BytesIO(data)).pages
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pages))
    return re.sub(r"\s+", " ", text), sum(len(p.images) for p in pages)


def test_a_printed_release_shows_the_release_its_contacts_and_permalink_and_none_of_the_site(site, browser):
    text, images = printed(browser, site, PLAIN)
    assert images == 1, "the photo"
    for wanted in (
        "A plain release to print",
        "The deck of the printed release.",
        "Geneva",
        "May 11, 2021",
        "The council hall.",
        "© UN Photo",
        "The body of the printed release, zyxprinted.",
        "A heading",
        "For more information",
        "Jane Doe, Spokesperson",
        "+41 22 917 12 34",
        f"Permalink: {SITE}{PLAIN}",
    ):
        assert wanted in text, (wanted, text)
    for unwanted in (
        "Search",  # the header's box and its label
        "Subscribe",  # the footer
        "Made with",  # the footer
        "Previous",  # the footer's links to the previous and next release
        "Cite this release",
        "Copy",
        "Share",
        "Bluesky",
        "Edit this release",
        "Regions",  # the tabs, and the terms of the release
        "About",  # the tabs
    ):
        assert unwanted not in text, (unwanted, text)


@pytest.mark.parametrize("javascript", [False, True])
def test_a_printed_warned_release_shows_the_warning_then_the_photo(site, browser, javascript):
    text, images = printed(browser, site, WARNED, javascript)
    assert images == 1
    assert "Show photo" not in text
    warning, caption, body = (f"Content warning: {WARNING}", "A cell in 2020. © A. Photographer", "(Seoul) – The zyx")
    assert text.index(warning) < text.index(caption) < text.index(body)
    assert "Press office Email: press@example.org" in text


def test_on_screen_the_permalink_line_is_hidden_and_the_citation_shows_it(site, browser):
    context, page, _ = watched(browser, site)
    try:
        page.goto(page.base + PLAIN)
        assert page.locator(".nr-permalink").is_hidden()
        assert page.locator(".nr-citation").is_visible()
    finally:
        context.close()


# -- the cache, make new ------------------------------------------------------------------------


def test_contacts_and_warnings_are_kept_by_the_read_cache_and_read_back_the_same(project):
    project.release(
        "2021-01-01-x.md",
        release_text(
            date="2021-01-01",
            content_warning=WARNING,
            contacts=[{"name": "A", "languages": ["ko"], "phone": "+82 2 3789 1234", "email": "a@example.org"}],
        ),
    )
    cold = project.build()
    assert cold.returncode == 0, cold.log
    page = cold.text("news/2021/01/01/x/")
    with sqlite3.connect(project.path / ".cache" / "newsroom" / "releases.sqlite3") as db:
        (entry,) = [json.loads(row[0]) for row in db.execute("SELECT entry FROM release_entries")]
    fields = entry["release"]["f"]
    assert fields["content_warning"] == WARNING
    assert fields["contacts"]["~t"][0]["~c"] == "Contact"
    warm = project.build()
    assert warm.returncode == 0, warm.log
    assert warm.text("news/2021/01/01/x/") == page


def test_the_examples_of_a_new_release_are_valid_once_uncommented():
    text = cli.NEW_RELEASE.format(
        title='"A title"',
        date="2026-11-26T10:00:00+09:00",
        timezone="Asia/Seoul",
        slug="a-title",
        year=2026,
        language="en",
        day="2026-11-26",
        dateline_hint="City",
    )
    lines, uncommenting = [], False
    for line in text.split("\n"):
        if line.startswith(("# contacts:", "# content_warning:")):
            uncommenting = True
        elif not line.startswith("#   "):  # the lines of a field's example block go on with "#   "
            uncommenting = False
        lines.append(line.removeprefix("# ") if uncommenting else line)
    release, problems = parse_release("\n".join(lines).encode(), "2026-11-26-a-title.md", SETTINGS)
    assert problems == [] and release is not None
    assert release.content_warning == "Descriptions of torture."
    assert release.contacts == (
        Contact(
            name="Press office",
            role="Media relations",
            languages=("en", "ko"),
            phone="+82 2-1234-5678",
            email="press@example.org",
        ),
    )
