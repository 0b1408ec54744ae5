"""Release pages as readers and editors meet them: built by `mkdocs build --strict`, read as HTML."""

from __future__ import annotations

import json
import shutil
from urllib.parse import urlsplit

from conftest import ROOT, http_site, release_text

ICNK = "news/2020/03/03/south-korea-stand-with-north-korean-victims/"
PNG = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()


def meta(page, key: str) -> str | None:
    found = page.xpath(f"//meta[@property='{key}' or @name='{key}']/@content")
    return found[0] if found else None


def test_the_icnk_release_shows_every_field(sample_site):
    page = sample_site.html(ICNK)
    article = page.xpath("//article")[0]
    assert article.findtext(".//h1") == "South Korea: Stand With North Korean Victims"
    assert "300 rights groups" in article.xpath("string(.//p[@class='nr-deck'])")
    assert article.xpath("string(.//span[@class='nr-dateline'])") == "Seoul"
    assert article.xpath(".//time/@datetime")[0] == "2020-03-03T09:00:00+09:00"
    assert article.xpath("string(.//time)") == "March 3, 2020"
    figure = article.xpath(".//figure")[0]
    assert figure.xpath(".//img/@alt")[0].startswith("Placeholder in place of a photo of President Moon")
    assert "© 2020 Kyodo via AP Images" in figure.xpath("string(.//figcaption)")
    assert "Eun-Kyoung Kwon" in article.text_content()
    links = {a.text: a.get("href") for a in article.xpath(".//dl[@class='nr-terms']//a")}
    assert links == {
        "Asia": "../../../../../regions/asia/",
        "North Korea": "../../../../../countries/north-korea/",
        "South Korea": "../../../../../countries/south-korea/",
        "Crimes Against Humanity": "../../../../../topics/crimes-against-humanity/",
        "Accountability": "../../../../../topics/accountability/",
        "Refugees and Migrants": "../../../../../topics/refugees-and-migrants/",
        "ICNK": "../../../../../organizations/icnk/",
        "Human Rights Watch": "../../../../../organizations/human-rights-watch/",
        "CSW": "../../../../../organizations/csw/",
    }
    edit = article.xpath(".//a[@rel='edit']")[0]
    assert edit.get("href") == (
        "https://github.com/example/newsroom/edit/main/press_releases/"
        "2020-03-03-south-korea-stand-with-north-korean-victims.md"
    )
    assert edit.text == "Edit this release"


def test_the_photo_is_published_with_the_release(sample_site):
    src = sample_site.html(ICNK).xpath("//figure//img/@src")[0]
    assert src == "../../../../../media/images/2020-03-03-seoul-placeholder.png"
    assert sample_site.path("media/images/2020-03-03-seoul-placeholder.png").read_bytes() == PNG


def test_the_photo_has_its_size_so_the_text_does_not_jump_when_it_arrives(sample_site):
    img = sample_site.html(ICNK).xpath("//figure//img")[0]
    # The placeholder is 1200 x 630 pixels (read from its PNG header here, not from Pillow).
    width, height = int.from_bytes(PNG[16:20], "big"), int.from_bytes(PNG[20:24], "big")
    assert (img.get("width"), img.get("height")) == (str(width), str(height)) == ("1200", "630")


def test_head_carries_canonical_description_and_social_cards(sample_site):
    page = sample_site.html(ICNK)
    url = "https://newsroom.example.org/" + ICNK
    assert page.xpath("//link[@rel='canonical']/@href") == [url]
    assert page.findtext(".//title") == "South Korea: Stand With North Korean Victims - Newsroom"
    assert (meta(page, "description") or "").startswith("A coalition of more than 300 rights groups")
    assert meta(page, "og:title") == "South Korea: Stand With North Korean Victims"
    assert meta(page, "og:url") == url
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:image") == "https://newsroom.example.org/media/images/2020-03-03-seoul-placeholder.png"
    assert meta(page, "article:published_time") == "2020-03-03T09:00:00+09:00"
    assert meta(page, "twitter:card") == "summary_large_image"
    # X reads the title, description and photo from the OpenGraph tags: they are not repeated.
    assert [meta(page, f"twitter:{key}") for key in ("title", "description", "image")] == [None, None, None]
    assert (meta(page, "twitter:image:alt") or "").startswith("Placeholder")


def test_every_field_is_escaped(project):
    nasty = 'Fish & "Chips" <script>alert(1)</script> 북한 🚀'
    project.asset("images/p.png", PNG)
    project.release(
        "2021-05-06-x.md",
        release_text(
            title=nasty,
            date="2021-05-06",
            summary=nasty,
            dateline=nasty,
            countries=[nasty],
            image={"src": "images/p.png", "alt": nasty, "caption": nasty, "credit": nasty},
            body="Body & more.",
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    source = build.text("news/2021/05/06/x/")
    assert "<script>alert(1)</script>" not in source
    page = build.html("news/2021/05/06/x/")
    article = page.xpath("//article")[0]
    assert article.findtext(".//h1") == nasty
    assert article.xpath("string(.//p[@class='nr-deck'])") == nasty
    assert article.xpath("string(.//span[@class='nr-dateline'])") == nasty
    assert article.xpath(".//figure//img/@alt") == [nasty]
    assert nasty in article.xpath("string(.//figcaption)")
    assert nasty in [a.text for a in article.xpath(".//dl[@class='nr-terms']//a")]
    assert page.findtext(".//title") == f"{nasty} - Newsroom"
    assert meta(page, "description") == nasty
    assert meta(page, "og:title") == nasty
    assert page.xpath("//*[@data-md-component='header-topic']")[0].text_content().strip() == nasty


def test_no_release_is_in_any_page_navigation(sample_site):
    for path in sample_site.pages():
        if path.name != "index.html" and path.suffix == ".html" and path.name != "404.html":
            continue
        page = sample_site.html(str(path.relative_to(sample_site.site)))
        nav_links = page.xpath("//nav[contains(@class, 'md-nav') or contains(@class, 'md-tabs')]//a/@href")
        assert not [href for href in nav_links if "news/20" in href], path


def test_no_page_loads_anything_from_another_host(sample_site):
    own = urlsplit("https://newsroom.example.org/").netloc
    for path in sample_site.pages():
        page = sample_site.html(str(path.relative_to(sample_site.site)))
        for url in page.xpath("//link/@href | //script/@src | //img/@src | //source/@src | //iframe/@src"):
            host = urlsplit(url).netloc
            assert host in ("", own), f"{path}: {url}"
        assert "fonts.googleapis" not in path.read_text(encoding="utf-8")


def blank_pdf() -> bytes:
    """A PDF of one blank page, as pikepdf writes it."""
    import io

    import pikepdf

    out = io.BytesIO()
    with pikepdf.new() as document:
        document.add_blank_page()
        document.save(out)
    return out.getvalue()


def test_the_body_can_link_photos_and_other_releases_by_file_name(project):
    project.asset("images/p.png", PNG)
    project.asset("docs/report.pdf", blank_pdf())  # a real one: a PDF that cannot be read is refused
    project.release("2021-01-01-first.md", release_text(title="First", date="2021-01-01"))
    project.release(
        "2021-02-01-second.md",
        release_text(
            title="Second",
            date="2021-02-01",
            body="See [the first](2021-01-01-first.md), ![a map](images/p.png) and [the report](docs/report.pdf).",
        ),
    )
    project.asset("images/unused.png", PNG)
    build = project.build()
    assert build.returncode == 0, build.log
    body = build.html("news/2021/02/01/second/").xpath("//div[@class='nr-body']")[0]
    assert body.xpath(".//a/@href")[:2] == ["../../../01/01/first/", "../../../../../media/docs/report.pdf"]
    assert body.xpath(".//img/@src") == ["../../../../../media/images/p.png"]
    assert build.exists("media/docs/report.pdf") and build.exists("media/images/p.png")
    assert not build.exists("media/images/unused.png"), "files no published release uses stay unpublished"


def test_a_bad_archive_fails_the_build_listing_every_problem_and_publishes_nothing(project):
    project.release("2021-01-01-good.md", release_text(title="Good", date="2021-01-01"))
    assert project.build().returncode == 0
    project.release("2021-01-02-date.md", release_text(date="March 5"))
    project.release("2021-01-03-typo.md", release_text(date="2021-01-03", contries=["North Korea"]))
    project.release("2021-01-04-empty.md", "")
    project.release("2021-01-05-bad.md", release_text(date="2021-01-05", slug="../x"))
    project.release("2021-01-06-clash.md", release_text(date="2021-01-01", slug="good"))
    project.release("2021-01-07-noalt.md", release_text(date="2021-01-07", image={"src": "nope.png"}))
    project.release("2021-01-08-enc.md", b"---\ntitle: T\xff\n---\n")
    build = project.build()
    assert build.returncode == 1
    expected = [
        "press_releases/2021-01-02-date.md:3: field 'date': expected an ISO 8601 date such as 2020-03-05 "
        "or a date-time such as 2020-03-05T09:00+09:00, got 'March 5'",
        "press_releases/2021-01-03-typo.md:5: field 'contries': unknown field; did you mean 'countries'?",
        "press_releases/2021-01-04-empty.md:1: the file is empty",
        "press_releases/2021-01-05-bad.md:5: field 'slug': '../x' may only contain lowercase letters",
        "press_releases/2021-01-06-clash.md:5: field 'slug': this release and press_releases/2021-01-01-good.md "
        "would both be published at news/2021/01/01/good/",
        "press_releases/2021-01-07-noalt.md:6: field 'image.alt': missing",
        "press_releases/2021-01-07-noalt.md:6: field 'image.src': the image file 'nope.png' does not exist",
        "press_releases/2021-01-08-enc.md:2: invalid UTF-8 at byte 12 (0xff)",
    ]
    for line in expected:
        assert line in build.log
    assert "8 problems in the press releases:" in build.log
    # The previous site was left alone: nothing half-published.
    assert build.exists("news/2021/01/01/good/")


def test_the_site_time_zone_decides_the_url_day(project):
    project.release("x.md", release_text(title="Late", date="2021-01-01T23:30:00-05:00", slug="late"))
    build = project.build()
    assert build.exists("news/2021/01/02/late/"), "23:30 in New York is the next morning in Seoul"
    assert build.html("news/2021/01/02/late/").xpath("string(//article//time)") == "January 2, 2021"
    project.newsroom(timezone="America/New_York")
    build = project.build()
    assert build.exists("news/2021/01/01/late/")
    assert build.html("news/2021/01/01/late/").xpath("string(//article//time)") == "January 1, 2021", (
        "the day on the site's clock, not on UTC's (04:30 on January 2)"
    )


def test_the_browser_shows_the_icnk_title_and_photo_caption(sample_site, browser):
    page = browser.new_page()
    page.goto(http_site(sample_site) + ICNK)
    assert page.locator("article h1").inner_text() == "South Korea: Stand With North Korean Victims"
    caption = page.locator("article figure figcaption").inner_text()
    assert "President Moon Jae-in speaks in Seoul on March 1, 2020" in caption
    assert "© 2020 Kyodo via AP Images" in caption
    assert page.locator("article figure img").evaluate("img => img.complete && img.naturalWidth") == 1200
    page.close()


def test_large_archives_convert_in_parallel_and_a_problem_found_by_a_worker_still_fails_the_build(project):
    """Past 200 releases, bodies are converted and checked by worker processes; what they find fails the build."""
    from benchmarks.generate import generate

    generate(project.releases, 240)
    broken = sorted(project.releases.glob("*.md"))[120]
    broken.write_text(broken.read_text() + "\nSee [a missing file](missing-file.md).\n")
    build = project.build()
    assert "newsroom: markdown: 240 release bodies converted by" in build.log
    assert build.returncode == 1
    source = broken.relative_to(project.path).as_posix()
    line = broken.read_text().splitlines().index("See [a missing file](missing-file.md).") + 1
    assert (
        f"{source}:{line}: links to 'missing-file.md', which is not a page or file of the site "
        "(looked for press_releases/missing-file.md)"
    ) in build.log
    broken.write_text(broken.read_text().replace("\nSee [a missing file](missing-file.md).\n", ""))
    build = project.build()
    assert build.returncode == 0, build.log
    page = build.html("news/2026/06/01/release-000000/")
    assert page.xpath("//div[@class='nr-body']//h2")
    # The search documents are written by worker processes too: every release is indexed, and
    # About in the hand-written pages' index.
    entry = json.loads(build.text("pagefind/pagefind-entry.json"))
    assert entry["languages"]["en"]["page_count"] == 240
    assert json.loads(build.text("pagefind-pages/pagefind-entry.json"))["languages"]["en"]["page_count"] == 1


def test_a_korean_site_speaks_korean(project):
    project.config["theme"]["language"] = "ko"
    project.release(
        "2020-03-03-x.md",
        release_text(
            title="북한 인권 피해자와 함께",
            date="2020-03-03",
            dateline="서울",
            countries=["북한"],
            summary="300여 단체가 대통령에게 서한을 보냈다.",
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    page = build.html("news/2020/03/03/x/")
    assert page.get("lang") == "ko"
    assert page.xpath("string(//p[@class='nr-byline']/time)") == "2020년 3월 3일"
    assert page.xpath("//dl[@class='nr-terms']/dt/text()") == ["국가"]
    assert page.xpath("//dl[@class='nr-terms']//a/@href") == ["../../../../../countries/bughan/"]
    assert page.xpath("string(//a[@rel='edit'])") == "이 보도자료 편집"
    assert build.html("countries/bughan/").findtext(".//article//h1") == "북한"


def test_translations_link_each_other_in_their_own_languages(project):
    project.release(
        "2020-03-03-letter.md",
        release_text(
            title="Stand with the victims",
            date="2020-03-03T10:00",
            translations={"ko": "2020-03-03-letter-ko.md", "de": "2020-03-03-letter-de.md"},
        ),
    )
    project.release(
        "2020-03-03-letter-ko.md",
        release_text(
            title="피해자와 함께",
            date="2020-03-03T10:00",
            language="ko",
            slug="letter-ko",
            body="(서울) – 본문.",
        ),
    )
    project.release(
        "2020-03-03-letter-fr.md",
        release_text(
            title="Aux côtés des victimes",
            date="2020-03-03T10:00",
            language="fr",
            slug="letter-fr",
            translations={"en": "2020-03-03-letter.md"},
        ),
    )
    project.release(
        "2020-03-03-letter-de.md",
        release_text(  # still under embargo: never linked
            title="An der Seite der Opfer",
            date="2030-03-03T10:00",
            embargo="2030-03-03T10:00",
            language="de",
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log

    def links(url):
        page = build.html(url)
        anchors = page.xpath("//p[@class='nr-translations']/a")
        return [(a.get("hreflang"), a.get("lang"), a.text, a.get("href")) for a in anchors]

    assert links("news/2020/03/03/letter/") == [
        ("fr", "fr", "Français", "../letter-fr/"),
        ("ko", "ko", "한국어", "../letter-ko/"),
    ]
    # Both ways, and through the English version: the Korean one names no file itself.
    assert links("news/2020/03/03/letter-ko/") == [
        ("en", "en", "English", "../letter/"),
        ("fr", "fr", "Français", "../letter-fr/"),
    ]
    korean = build.html("news/2020/03/03/letter-ko/")
    assert korean.get("lang") == "en"  # the interface stays in the site's language
    assert korean.xpath("//header[@class='nr-release__header']/@lang") == ["ko"]
    assert korean.xpath("//div[@class='nr-body']/@lang") == ["ko"]
    assert korean.xpath("string(//p[@class='nr-translations'])").split()[:2] == ["Also", "in:"]
    assert build.html("news/2020/03/03/letter/").xpath("//div[@class='nr-body']/@lang") == []


def test_a_release_page_carries_no_other_release_headings(project):
    project.release("2021-01-01-a.md", release_text(date="2021-01-01", body="## Alphaheading\n\nText."))
    project.release("2021-01-02-b.md", release_text(date="2021-01-02", body="## Betaheading\n\nText."))
    build = project.build()
    assert build.returncode == 0, build.log
    for url, own, other in (
        ("news/2021/01/01/a/", "alphaheading", "betaheading"),
        ("news/2021/01/02/b/", "betaheading", "alphaheading"),
    ):
        text = build.text(url)
        assert f'id="{own}"' in text
        assert other not in text.lower()


def test_a_site_shows_a_release_s_extra_fields_by_replacing_one_partial(project):
    extra = {"contact": "press@example.org", "reference": "PR <7> & co", "desks": ["Asia", "Africa"]}
    project.release("2021-01-01-x.md", release_text(title="With extras", date="2021-01-01", extra=extra))
    project.release("2021-01-02-y.md", release_text(title="Without", date="2021-01-02"))
    build = project.build()
    assert build.returncode == 0, build.log
    page = build.text("news/2021/01/01/x/")
    assert "press@example.org" not in page and "PR &lt;7&gt;" not in page, "extra is shown nowhere by default"

    # The site's own theme (a copy of overrides/), with the one partial replaced.
    theme = project.path / "theme"
    shutil.copytree(ROOT / "overrides", theme)
    (theme / "partials/newsroom/release-extra.html").write_text(
        "{% if release.extra.contact %}"
        '<p class="x-contact">{{ release.extra.contact | e }} ({{ release.extra.reference | e }}):'
        ' {{ release.extra.desks | join(", ") | e }}</p>'
        "{% endif %}\n",
        encoding="utf-8",
    )
    project.config["theme"]["custom_dir"] = "theme"
    build = project.build()
    assert build.returncode == 0, build.log
    shown = build.html("news/2021/01/01/x/").xpath("//footer[@class='nr-release__footer']/p[@class='x-contact']")
    assert [p.text for p in shown] == ["press@example.org (PR <7> & co): Asia, Africa"]
    assert build.html("news/2021/01/02/y/").xpath("//p[@class='x-contact']") == [], "a release without extra"


def test_a_release_body_is_unpacked_once_while_its_page_is_built_and_not_kept_after():
    # MkDocs and the hooks ask for page.content three times while building a page; 50,000 bodies
    # kept as strings would not fit the build's memory.
    from newsroom.mkdocs_site.pages import ReleasePage

    class Body:
        unpacked = 0

        @property
        def html(self) -> str:
            Body.unpacked += 1
            return "<p>Body.</p>"

    page = object.__new__(ReleasePage)  # only what content and active use
    page.parent, page._content, page._unpacked = None, None, None
    page.body = Body()  # type: ignore[assignment]  # what a Rendered gives: html
    page.active = False
    assert page.content == page.content == "<p>Body.</p>"
    assert Body.unpacked == 2, "outside its build, a body is never kept"
    page.active = True
    assert page.content == page.content == page.content == "<p>Body.</p>"
    assert Body.unpacked == 3, "while built: unpacked once"
    page.active = False
    assert page._unpacked is None, "built: the string goes"
    page.active = True
    page.content = "<p>Changed by a hook.</p>"
    assert page.content == "<p>Changed by a hook.</p>"
