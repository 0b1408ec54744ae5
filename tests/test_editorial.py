"""The editorial workflow: drafts, embargoes that never leak, corrections, redirects, sitemap, editor tools."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, release_text
from helpers import leaks

TOKEN = "zqxembargotoken"
PNG = (ROOT / "press_releases/images/2020-03-03-seoul-placeholder.png").read_bytes()


@pytest.fixture
def embargoed(project):
    """A published release, and an embargoed one carrying the token everywhere an editor could put it."""
    project.asset(f"images/{TOKEN}.png", PNG)
    project.release(
        "2026-10-01-public.md",
        release_text(
            title="Public release",
            date="2026-10-01T09:00",
            countries=["Kenya"],
            topics=["Torture"],
            body=f"See also [the next one](2026-11-20-{TOKEN}.md).",
        ),
    )
    project.release(
        f"2026-11-20-{TOKEN}.md",
        release_text(
            title=f"Embargoed {TOKEN} title",
            date="2026-11-20T09:00",
            embargo="2026-11-20T09:00+09:00",
            summary=f"Summary {TOKEN}",
            dateline=f"Town{TOKEN}",
            slug=f"slug-{TOKEN}",
            countries=["Kenya", f"Country{TOKEN}"],
            topics=[f"Topic{TOKEN}"],
            organizations=[f"Org{TOKEN}"],
            image={"src": f"images/{TOKEN}.png", "alt": f"alt {TOKEN}", "caption": f"caption {TOKEN}"},
            aliases=[f"old/{TOKEN}/"],
            body=f"Body {TOKEN}.",
        ),
    )
    project.doc(f"countries/country{TOKEN}.md", f"Intro {TOKEN}.\n")
    return project


def test_an_embargoed_release_leaks_nowhere_in_the_output(embargoed):
    build = embargoed.build(now="2026-11-20T08:59+09:00")
    assert build.returncode == 0, build.log
    assert leaks(build.site, TOKEN) == []
    assert build.exists("news/2026/10/01/public/")
    public = build.html("news/2026/10/01/public/")
    assert public.xpath("//div[@class='nr-body']//a") == [], "the link to the embargoed release is taken out"
    assert "the next one" in public.xpath("string(//div[@class='nr-body'])")
    assert f"Held back until 2026-11-20T09:00:00+09:00: press_releases/2026-11-20-{TOKEN}.md" in build.log


def test_a_link_to_an_embargoed_release_written_any_other_way_fails_the_build(embargoed):
    site_url = embargoed.config["site_url"].rstrip("/")
    embargoed.release(
        "2026-10-02-careless.md",
        release_text(
            title="Careless",
            date="2026-10-02T09:00",
            body="\n".join(
                [
                    "Intro.",
                    f"[Its address](../../../11/20/slug-{TOKEN}/) and",
                    f"[from the root](/press_releases/2026-11-20-{TOKEN}.md) and",
                    f"<a href='{site_url}/news/2026/11/20/slug-{TOKEN}/index.html'>in full</a>.",
                ]
            ),
        ),
    )
    embargoed.doc("about.md", f"# About\n\nSee [soon](../news/2026/11/20/slug-{TOKEN}/).\n")
    build = embargoed.build(now="2026-11-20T08:59+09:00")
    assert build.returncode == 1
    held = f"press_releases/2026-11-20-{TOKEN}.md, which is held back until 2026-11-20T09:00:00+09:00"
    for where, address in (
        ("press_releases/2026-10-02-careless.md:8", f"../../../11/20/slug-{TOKEN}/"),
        ("press_releases/2026-10-02-careless.md:9", f"/press_releases/2026-11-20-{TOKEN}.md"),
        ("press_releases/2026-10-02-careless.md:10", f"{site_url}/news/2026/11/20/slug-{TOKEN}/index.html"),
        ("docs/about.md:3", f"../news/2026/11/20/slug-{TOKEN}/"),
    ):
        assert f"{where}: links to {address}, the address of {held}: the link would reveal it." in build.log
    assert "4 problems in the press releases and the hand-written pages:" in build.log
    assert not build.exists("news/2026/10/02/careless/"), "nothing is written"


def test_once_the_embargo_lifts_the_release_is_everywhere_it_belongs(embargoed):
    build = embargoed.build(now="2026-11-20T09:00+09:00")
    assert build.returncode == 0, build.log
    url = f"news/2026/11/20/slug-{TOKEN}/"
    assert build.exists(url)
    assert build.exists(f"media/images/{TOKEN}.png")
    assert build.exists(f"countries/country{TOKEN}/") and build.exists(f"topics/topic{TOKEN}/")
    assert "Intro" in build.text(f"countries/country{TOKEN}/")
    assert build.exists(f"old/{TOKEN}/")
    assert TOKEN in build.text("news/") and TOKEN in build.text("countries/kenya/")
    assert TOKEN in build.text("sitemap.xml")
    public = build.html("news/2026/10/01/public/")
    assert public.xpath("//div[@class='nr-body']//a/@href") == [f"../../../11/20/slug-{TOKEN}/"]
    found = set(leaks(build.site, TOKEN))
    for expected in ("feed.xml", "atom.xml", "feed.json", "countries/kenya/feed.xml", "sitemap.xml"):
        assert expected in found, expected
    assert any(name.startswith("pagefind/fragment/") for name in found), "the search index has it"


def test_a_draft_is_left_out_of_a_build_and_named_in_its_log(project):
    project.release("2021-01-01-draft.md", release_text(title="Draft one", date="2021-01-01", draft=True))
    project.release("2021-01-02-done.md", release_text(title="Done", date="2021-01-02"))
    build = project.build()
    assert not build.exists("news/2021/01/01/draft/")
    assert "Draft one" not in build.text("news/")
    assert "Held back (draft): press_releases/2021-01-01-draft.md" in build.log


def test_corrections_and_updates_are_shown(project):
    project.release(
        "2021-03-01-x.md",
        release_text(
            title="Corrected",
            date="2021-03-01",
            updated="2021-03-05T10:00",
            corrections=[{"date": "2021-03-05", "note": "An earlier version misspelled a name."}],
        ),
    )
    build = project.build()
    page = build.html("news/2021/03/01/x/")
    assert page.xpath("string(//section[@class='nr-corrections']//li)").split() == (
        "Correction, March 5, 2021: An earlier version misspelled a name.".split()
    )
    assert page.xpath("//p[@class='nr-byline']/time/@datetime")[-1] == "2021-03-05T10:00:00+09:00"


def test_aliases_get_redirect_pages(project):
    project.release(
        "2021-03-01-x.md",
        release_text(
            title="Moved",
            date="2021-03-01",
            aliases=["2021/03/old-title/", "/press/123.html"],
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    for url, target in (
        ("2021/03/old-title/", "../../../news/2021/03/01/x/"),
        ("press/123.html", "../news/2021/03/01/x/"),
    ):
        page = build.html(url)
        assert page.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={target}"]
        assert page.xpath("//link[@rel='canonical']/@href") == ["https://newsroom.example.org/news/2021/03/01/x/"]
        assert page.xpath("//a/@href") == [target]
    assert "old-title" not in build.text("sitemap.xml")


def test_an_old_address_with_escapes_is_answered_where_a_web_server_looks_for_it(project):
    """A Korean permalink as old sites write it (%-escaped UTF-8): the server decodes it and looks
    for the folder 북한/, so that is where the redirect is written."""
    project.release(
        "2021-03-01-x.md", release_text(date="2021-03-01", aliases=["2021/06/%EB%B6%81%ED%95%9C/", "a%20b.html"])
    )
    build = project.build()
    assert build.returncode == 0, build.log
    assert build.exists("2021/06/북한/") and build.exists("a b.html")
    assert not (build.site / "2021/06/%EB%B6%81%ED%95%9C").exists()
    page = build.html("2021/06/북한/")
    assert page.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=../../../news/2021/03/01/x/"]


def test_an_alias_colliding_with_a_page_or_another_alias_names_both_files(project):
    project.release("2021-03-01-a.md", release_text(title="A", date="2021-03-01", aliases=["about/", "old/"]))
    project.release("2021-03-02-b.md", release_text(title="B", date="2021-03-02", aliases=["old/"]))
    build = project.build()
    assert build.returncode == 1
    assert (
        "press_releases/2021-03-01-a.md:5: field 'aliases': the old address 'about/' is already taken "
        "by docs/about.md; each address can lead to one page only"
    ) in build.log
    assert (
        "press_releases/2021-03-02-b.md:5: field 'aliases': the old address 'old/' is already taken "
        "by press_releases/2021-03-01-a.md; each address can lead to one page only"
    ) in build.log


def test_an_alias_may_not_take_a_file_the_site_writes_itself(project):
    project.release(
        "2021-03-01-a.md",
        release_text(
            title="A",
            date="2021-03-01",
            countries=["Kenya"],
            aliases=["feed.xml", "countries/kenya/atom.xml", "sitemap.xml", "pagefind/pagefind.js", "about.html"],
        ),
    )
    build = project.build()
    assert build.returncode == 1
    for alias, owner in (
        ("feed.xml", "a feed"),
        ("countries/kenya/atom.xml", "a feed"),
        ("sitemap.xml", "the sitemap"),
        ("pagefind/pagefind.js", "the search index"),
    ):
        assert (
            f"press_releases/2021-03-01-a.md:7: field 'aliases': the old address '{alias}' is already taken "
            f"by the site itself ({owner})"
        ) in build.log
    assert "'about.html'" not in build.log  # a file beside docs/about.md's page, not in its place
    project.release("2021-03-01-a.md", release_text(title="A", date="2021-03-01", aliases=["about.html"]))
    build = project.build()
    assert build.returncode == 0, build.log
    assert build.html("about/").xpath("//meta[@http-equiv='refresh']") == [], "About is still About"
    assert build.html("about.html").xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=news/2021/03/01/a/"]


def test_sitemap_lists_published_pages_with_their_own_dates(project):
    project.release("2021-03-01-x.md", release_text(title="X", date="2021-03-01T09:00", updated="2021-04-02T10:00"))
    project.release("2021-05-01-y.md", release_text(title="Y", date="2021-05-01T09:00"))
    project.release("2030-01-01-z.md", release_text(title="Z", date="2030-01-01T09:00"))
    build = project.build()
    sitemap = build.text("sitemap.xml")
    assert (
        "<url><loc>https://newsroom.example.org/news/2021/03/01/x/</loc>"
        "<lastmod>2021-04-02T10:00:00+09:00</lastmod></url>"
    ) in sitemap
    assert "<loc>https://newsroom.example.org/news/2021/05/01/y/</loc><lastmod>2021-05-01T09:00:00+09:00" in sitemap
    assert "2030" not in sitemap
    assert "404" not in sitemap


def test_sitemap_becomes_an_index_past_the_limit(tmp_path):
    from newsroom.sitemap import Entry, write_sitemaps

    written = write_sitemaps(tmp_path, "https://x.org/", [Entry(f"p{i}/") for i in range(5)], limit=2)
    assert [p.name for p in written] == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    index = (tmp_path / "sitemap.xml").read_text()
    assert "<sitemapindex" in index and "<loc>https://x.org/sitemap-3.xml</loc>" in index
    assert (tmp_path / "sitemap-3.xml").read_text().count("<url>") == 1


def checksums(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def built_from_scratch(project, *expected: str):
    """A build into an empty site/, checked to have succeeded and written a site with its home,
    news, feed, sitemap, search index and the ``expected`` pages: the checksums of two failed
    builds would otherwise compare equal."""
    import shutil

    shutil.rmtree(project.path / "site", ignore_errors=True)
    build = project.build()
    assert build.returncode == 0, build.log
    for url in ("", "news/", "feed.xml", "sitemap.xml", "pagefind/pagefind.js", *expected):
        assert build.exists(url), url
    assert len(build.pages()) > len(expected)
    return build


def test_two_builds_of_the_same_input_at_the_same_time_are_byte_identical(project):
    names = sorted((ROOT / "tests/fixtures/archive").glob("2021-*.md"))[:6]
    for name in names:
        project.release(name.name, name.read_text())
    project.asset("images/field.png", (ROOT / "tests/fixtures/archive/images/field.png").read_bytes())
    pages = [f"news/2021/{name.name[5:7]}/{name.name[8:10]}/{name.stem[11:]}/" for name in names]
    first = checksums(built_from_scratch(project, *pages).site)
    assert checksums(built_from_scratch(project, *pages).site) == first


def test_large_archives_built_by_several_processes_are_byte_identical_too(project):
    from benchmarks.generate import generate

    generate(project.releases, 600)  # past the size at which Markdown and search documents go to workers
    first = built_from_scratch(project, "news/2026/06/01/release-000000/")
    assert "converted by" in first.log
    sums = checksums(first.site)
    assert sum(1 for name in sums if re.fullmatch(r"news/\d{4}/\d\d/\d\d/release-\d{6}/index\.html", name)) == 600
    assert checksums(built_from_scratch(project, "news/2026/06/01/release-000000/").site) == sums


# -- editor tools --------------------------------------------------------------


def run_newsroom(project, *args, now: str = "2026-11-26T10:00:00+09:00"):
    (project.path / "mkdocs.yml").write_text(__import__("yaml").safe_dump(project.config), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks"), "NEWSROOM_NOW": now}
    return subprocess.run(
        [sys.executable, "-m", "newsroom", "-f", str(project.path / "mkdocs.yml"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=project.path,
    )


BAD_INPUTS = {
    "2021-01-02-date.md": release_text(date="March 5"),
    "2021-01-03-typo.md": release_text(date="2021-01-03", contries=["North Korea"]),
    "2021-01-04-empty.md": "",
    "2021-01-05-bad.md": release_text(date="2021-01-05", slug="../x"),
    "2021-01-06-clash.md": release_text(date="2021-01-01", slug="good"),
    "2021-01-07-noalt.md": release_text(date="2021-01-07", image={"src": "nope.png"}),
    "2021-01-08-yaml.md": "---\ntitle: [unclosed\n---\n",
    "2021-01-09-tag.md": "---\ntitle: !!python/object/apply:os.system [ls]\ndate: 2021-01-09\nsummary: S\n---\n",
    "2021-01-10-nofront.md": "Just text.\n",
    "2021-01-11-types.md": release_text(date="2021-01-11", countries=5),
}


def test_check_reports_exactly_what_the_build_reports(project):
    project.release("2021-01-01-good.md", release_text(title="Good", date="2021-01-01"))
    for name, text in BAD_INPUTS.items():
        project.release(name, text)
    project.release("2021-01-12-enc.md", b"---\ntitle: T\xff\n---\n")
    check = run_newsroom(project, "check")
    build = project.build()
    assert check.returncode == 1 and build.returncode == 1
    reported = [line.strip() for line in check.stderr.splitlines() if line.startswith("  press_releases/")]
    assert len(reported) == 12
    for line in reported:
        assert line in build.log
    assert re.search(r"^12 problems in the press releases:", check.stderr, re.MULTILINE)


def test_check_passes_a_good_archive_and_lists_what_is_held_back(project):
    project.release("2021-01-01-good.md", release_text(title="Good", date="2021-01-01"))
    project.release("2030-01-01-later.md", release_text(title="Later", date="2030-01-01"))
    check = run_newsroom(project, "check")
    assert check.returncode == 0, check.stderr
    assert "2 releases are valid: 1 published at 2026-11-26T10:00:00+09:00, 1 held back" in check.stdout
    assert "held back (until 2030-01-01T00:00:00+09:00): press_releases/2030-01-01-later.md" in check.stdout


def test_new_starts_a_release_dated_now_with_every_field(project):
    made = run_newsroom(project, "new", "Kenya: Free the Journalists & Lawyers")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "press_releases/2026-11-26-kenya-free-the-journalists-lawyers.md"
    text = (project.path / made.stdout.strip()).read_text()
    for field in (
        "title:",
        "summary:",
        "date: 2026-11-26T10:00:00+09:00",
        "draft: true",
        "dateline:",
        "regions:",
        "countries:",
        "topics:",
        "organizations:",
        "# image:",
        "#   alt:",
        "# slug:",
        "# language:",
        "# embargo:",
        "# updated:",
        "# corrections:",
        "# aliases:",
        "# translations:",
        "# extra:",
    ):
        assert field in text, field
    assert 'title: "Kenya: Free the Journalists & Lawyers"' in text
    assert run_newsroom(project, "check").returncode == 0, "a new release is valid as it is (a draft)"
    again = run_newsroom(project, "new", "Kenya: Free the Journalists & Lawyers")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_make_serve_previews_drafts_with_a_banner(project):
    import time
    import urllib.request

    project.release("2021-01-01-draft.md", release_text(title="Draft one", date="2021-01-01", draft=True))
    with project.serving(now="2026-11-01T00:00Z") as base:
        for _ in range(100):
            try:
                page = urllib.request.urlopen(f"{base}news/2021/01/01/draft/").read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("mkdocs serve did not answer")
        assert '<p class="nr-draft" role="note">Draft: not published; only this preview shows it.</p>' in page
        assert "<h1>Draft one</h1>" in page


def test_updates_and_corrections_reach_the_feeds(project):
    import json

    project.release(
        "2021-03-01-x.md",
        release_text(
            title="Corrected",
            date="2021-03-01T09:00",
            updated="2021-03-05T10:00",
            corrections=[{"date": "2021-03-05", "note": "A name was misspelled."}],
        ),
    )
    build = project.build()
    atom = build.text("atom.xml")
    assert "<updated>2021-03-05T10:00:00+09:00</updated>" in atom
    assert "<published>2021-03-01T09:00:00+09:00</published>" in atom
    item = json.loads(build.text("feed.json"))["items"][0]
    assert item["date_modified"] == "2021-03-05T10:00:00+09:00"
    assert item["date_published"] == "2021-03-01T09:00:00+09:00"


def test_the_build_log_reports_each_phase_with_its_time(project):
    project.release("2021-03-01-x.md", release_text(date="2021-03-01"))
    project.release("2030-03-01-y.md", release_text(date="2030-03-01"))
    build = project.build()
    for phase in (
        r"newsroom: read: 1 releases published, 1 held back in \d+\.\d\d s",
        r"newsroom: sitemap: 1 file\(s\) in \d+\.\d\d s",
        r"newsroom: feeds: \d+ files in \d+\.\d\d s",
        r"newsroom: search \(waiting for Pagefind\): 2 pages indexed",
    ):
        assert re.search(phase, build.log), phase
    verbose = project.build("--verbose")
    assert "newsroom: markdown" not in build.log  # small archives are converted in-process
    assert "DEBUG" in verbose.log


def test_the_publishing_workflow_runs_hourly_tests_and_a_strict_build():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"].split()[1:] == ["*", "*", "*", "*"], "every hour"
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert ".ci/run" in steps and "make build" in steps
    assert "mkdocs build --strict" in (ROOT / "Makefile").read_text()
    assert "private" in (ROOT / "README.md").read_text()


def test_the_publishing_workflow_pins_its_actions_by_commit_and_keeps_no_token_in_the_checkout():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    used = [step["uses"] for step in steps if "uses" in step]
    assert len(used) == 5
    for action in used:  # a tag can be moved to other code, a commit cannot
        name, _, ref = action.partition("@")
        assert re.fullmatch("[0-9a-f]{40}", ref), f"{name} is pinned to {ref!r}, not to a commit"
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    assert workflow["permissions"] == {"contents": "read"}
