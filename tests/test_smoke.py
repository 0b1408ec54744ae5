from conftest import release_text


def test_sample_site_has_the_icnk_release(sample_site):
    page = sample_site.html("news/2020/03/03/south-korea-stand-with-north-korean-victims/")
    assert page.findtext(".//h1") == "South Korea: Stand With North Korean Victims"


def test_project_builds_a_fixture_release(project):
    project.release("2021-01-02-hello.md", release_text(title="Hello", date="2021-01-02"))
    build = project.build()
    assert build.returncode == 0, build.log
    assert build.exists("news/2021/01/02/hello/")


def test_the_site_ships_no_script_or_style_that_no_page_requests(sample_site):
    """Material's lunr search and its worker, source maps and Pagefind's ready-made interfaces are
    left out, and so is Pagefind's worker: every script and style sheet of the site is one some page
    loads (or, for each edition's pagefind.js, the one the search script imports)."""
    from urllib.parse import urljoin, urlsplit

    from lxml import html

    site = sample_site.site
    loaded = set()
    for page in site.rglob("*.html"):
        if page.is_relative_to(site / "text"):
            continue  # the text-only edition loads nothing
        url = "http://site/" + page.relative_to(site).as_posix()
        for element in html.parse(str(page)).getroot().iter("script", "link"):
            address = element.get("src") if element.tag == "script" else element.get("href")
            if address and (element.tag == "script" or element.get("rel") == "stylesheet"):
                loaded.add(urlsplit(urljoin(url, address)).path.lstrip("/"))
    shipped = {
        path.relative_to(site).as_posix()
        for path in [*site.rglob("*.js"), *site.rglob("*.css"), *site.rglob("*.map")]
        if "pagefind" not in path.relative_to(site).parts  # each edition's search index, checked below
    }
    assert shipped and shipped <= loaded, shipped - loaded
    assert not list(site.glob("assets/javascripts/lunr")) and not list(site.glob("assets/javascripts/workers"))
    # Of each edition's index, its script, not its worker: the search script runs Pagefind on the
    # page's thread (noWorker).
    pagefind = {path.relative_to(site).as_posix() for path in site.glob("**/pagefind/*.*s")}
    assert pagefind == {"pagefind/pagefind.js", "ko/pagefind/pagefind.js", "ar/pagefind/pagefind.js"}, pagefind
    assert "pagefind/pagefind.js" not in loaded, "loaded by the search script, not by a tag"
    assert "noWorker: true" in (site / "assets" / "javascripts" / "newsroom-search.js").read_text()
