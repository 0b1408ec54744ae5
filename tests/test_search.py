"""Search as readers meet it: Pagefind built by `mkdocs build`, driven in a real Chromium."""

from __future__ import annotations

import gzip
import json
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, Project, http_site, release_text, site_tab, unavailable
from helpers import AXE, RELEASES, all_output_text, serious_violations

KOREAN = "2021-12-01-korean.md"
KOREAN_TITLE = "북한 인권 보고서"
KOREAN_SUMMARY = "유엔 보고서가 나왔다."
KOREAN_BODY = "(서울) – 북한의 정치범 수용소에 대한 새로운 증언이 나왔다. uniqueword"
#: The stem of 수용소에 ("at the camps"): a word of the Korean release's body only, in neither its
#: title nor its summary, so only the indexed body can find it.
KOREAN_BODY_STEM = "수용소"
#: "Cat": in no release at all.
NOWHERE = "고양이"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("search") / "project")
    project.copy_releases(FIXTURES / "archive")
    project.release(
        KOREAN,
        release_text(
            title=KOREAN_TITLE,
            date="2021-12-01",
            language="ko",
            countries=["North Korea"],
            summary=KOREAN_SUMMARY,
            body=KOREAN_BODY,
        ),
    )
    project.release("2021-12-02-draft.md", release_text(title="Draftword title", date="2021-12-02", draft=True))
    project.release(
        "2000-01-01-tail.md",
        release_text(  # its one rare word is far from its start
            title="Tailpiece",
            date="2000-01-01",
            summary="Rights & wrongs of <sample> cases.",
            body=" ".join(["Filler"] * 60) + " amplifiers.",
        ),
    )
    build = project.build()
    assert build.returncode == 0, build.log
    return build


@pytest.fixture
def page(browser, site):
    """A page of the site in Chromium that fails the test if anything is requested from another host."""
    with site_tab(browser, site) as tab:
        yield tab


# -- the index -------------------------------------------------------------------


def test_records_carry_the_filters_and_dates_of_the_front_matter():
    from newsroom.reader import parse_release
    from newsroom.search import release_record
    from newsroom.settings import Settings
    from newsroom.taxonomy import build_taxonomies

    settings = Settings(project_dir=Path("/nowhere"), timezone="Asia/Seoul")
    text = release_text(
        title="Kenya: Free Them",
        date="2021-03-04T09:30",
        dateline="Nairobi",
        regions=["Africa"],
        countries=["Kenya"],
        topics=["Torture", "Free Speech"],
        organizations="ICNK",
        language="sw",
    )
    release, problems = parse_release(text.encode(), "2021-03-04-x.md", settings)
    assert problems == [] and release is not None
    record = release_record(release, "Body text & more.", build_taxonomies([release]), "en", "March 4, 2021")
    assert record.url == "news/2021/03/04/x/"
    assert record.language == "en", "one index in the site's language"
    assert record.filters == {
        "region": ["Africa"],
        "country": ["Kenya"],
        "topic": ["Torture", "Free Speech"],
        "organization": ["ICNK"],
        "year": ["2021"],
        "language": ["sw"],
    }
    assert record.sort == {"date": "20210304003000"}
    assert record.meta["date"] == "March 4, 2021"
    assert record.meta["dateline"] == "Nairobi"
    assert record.meta["title"] == "Kenya: Free Them"
    assert record.content.splitlines()[-1] == "Body text & more."


def test_every_word_of_a_body_is_indexed_and_the_lede_in_order():
    from newsroom.search import lede_and_rest

    lede, rest = lede_and_rest("One two three four.\nFive six two one, seven.", 4)
    assert lede == "One two three four."
    assert rest == "Five six seven."
    assert lede_and_rest("a b c", 0) == ("a b c", "")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["One", "one", "ONE,", "(one)", "two.", "Two", "ß", "SS", "ss", "“", "인권", "—"])),
    st.integers(min_value=0, max_value=8),
)
def test_the_rest_of_a_body_is_each_word_once_in_order_of_first_appearance(words, lede_words):
    from newsroom.search import _PUNCTUATION, lede_and_rest

    text = " ".join(words)
    seen = {word.casefold().strip(_PUNCTUATION) for word in words[:lede_words]}
    rest: dict[str, str] = {}
    for word in words[lede_words:]:  # the definition, word by word
        key = word.casefold().strip(_PUNCTUATION)
        if key and key not in seen and key not in rest:
            rest[key] = word
    expected = (" ".join(words[:lede_words]), " ".join(rest.values())) if lede_words else (text, "")
    assert lede_and_rest(text, lede_words) == expected


def indexed_urls(site, folder: str = "pagefind") -> list[str]:
    """The address of every page in a search index, read from Pagefind's fragments (one a page)."""
    urls = []
    for path in sorted((site.site / folder / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        urls.append(json.loads(data[len(b"pagefind_dcd") :])["url"])
    return urls


def test_drafts_and_listing_pages_are_not_indexed(site):
    # Exactly the published releases, and in an index of its own (``pagefind-pages``) the
    # hand-written About page: no draft, listing or term page.
    expected = {"/" + r["url"] for r in RELEASES} | {"/news/2021/12/01/korean/", "/news/2000/01/01/tail/"}
    urls = indexed_urls(site)
    assert sorted(urls) == sorted(expected)
    assert json.loads(site.text("pagefind/pagefind-entry.json"))["languages"]["en"]["page_count"] == len(expected)
    assert indexed_urls(site, "pagefind-pages") == ["/about/"]
    index = {name: text for name, text in all_output_text(site.site).items() if name.startswith("pagefind")}
    assert not any("Draftword" in text for text in index.values())
    assert any("uniqueword" in text for text in index.values())


def test_a_build_without_pagefind_fails_and_says_why(project):
    project.release("2021-01-01-x.md", release_text(date="2021-01-01"))
    for binary in ("/nonexistent/pagefind", "/bin/false"):
        build = project.build(env={"PAGEFIND_BINARY_PATH": binary})
        assert build.returncode == 1, binary
        assert "The search index could not be built, so the site is not published without search" in build.log
        assert binary in build.log


def test_search_can_be_indexed_in_the_foreground_to_time_it_alone(project, tmp_path):
    import json

    project.release("2021-01-01-x.md", release_text(date="2021-01-01", title="Foreground word"))
    timings = tmp_path / "timings.json"
    build = project.build(env={"NEWSROOM_SEARCH_FOREGROUND": "1", "NEWSROOM_TIMINGS": str(timings)})
    assert build.returncode == 0, build.log
    phases = list(json.loads(timings.read_text())["phases_s"])
    assert (
        phases.index("search (Pagefind, in the foreground)") == phases.index("search (records, Pagefind started)") + 1
    )
    assert "search (waiting for Pagefind)" not in phases
    assert build.exists("pagefind/pagefind.js")


def test_pagefind_starts_on_the_releases_before_the_build_finds_what_to_render(project, tmp_path):
    """Pagefind indexes the releases beside the rest of the build, from as soon as their bodies
    are converted: before the pages' keys are found (a build given the cache's secret) and MkDocs
    renders the pages. The hand-written pages' index follows, once MkDocs has rendered them."""
    from newsroom import page_cache

    project.release("2021-01-01-x.md", release_text(date="2021-01-01", title="Early word"))
    timings = tmp_path / "timings.json"
    env = {page_cache.SECRET_VARIABLE: "a secret", "NEWSROOM_TIMINGS": str(timings)}
    build = project.build(env=env)
    assert build.returncode == 0, build.log
    phases = list(json.loads(timings.read_text())["phases_s"])
    order = [
        "read",
        "search (records, Pagefind started)",
        "page keys",
        "search (hand-written pages)",
        "search (waiting for Pagefind)",
    ]
    assert [phase for phase in phases if phase in order] == order, phases
    assert indexed_urls(build) == ["/news/2021/01/01/x/"]
    assert indexed_urls(build, "pagefind-pages") == ["/about/"]


def test_a_build_failing_after_pagefind_started_stops_it_and_publishes_nothing(project):
    import tempfile

    from newsroom import search

    project.release("2021-01-01-x.md", release_text(date="2021-01-01", title="First"))
    first = project.build()
    assert first.returncode == 0, first.log
    published = sorted(path.relative_to(first.site) for path in first.site.rglob("*"))
    scratch = [Path("/dev/shm"), Path(tempfile.gettempdir())]
    before = {path for folder in scratch for path in folder.glob(f"{search.SCRATCH_PREFIX}*")}
    project.release("2021-01-02-y.md", release_text(date="2021-01-02", title="Second"))
    # A hand-written page is checked once MkDocs has rendered it: after Pagefind started on the releases.
    project.doc("upcoming.md", "---\ndraft: true\n---\n\n# Upcoming\n\nSoon.\n")
    failed = project.build()
    assert failed.returncode == 1
    assert "docs/upcoming.md:2: field 'draft': a hand-written page in docs/ is published as it is" in failed.log
    assert "search (records, Pagefind started)" in failed.log, "Pagefind had started"
    assert sorted(path.relative_to(failed.site) for path in failed.site.rglob("*")) == published
    assert not (failed.site / "news/2021/01/02/y").exists()
    after = {path for folder in scratch for path in folder.glob(f"{search.SCRATCH_PREFIX}*")}
    assert after <= before, "Pagefind's documents are removed"


def test_the_log_reports_pagefinds_own_memory_peak_not_the_builds(project):
    # Linux counts in a child's peak the memory of the process it was started from: measured from
    # the build, a six-page index would "peak" at the build's hundreds of MiB.
    project.release("2021-01-01-x.md", release_text(date="2021-01-01", title="First"))
    build = project.build()
    assert build.returncode == 0, build.log
    peak = re.search(r"Pagefind peaked at (\d+) MiB", build.log)
    assert peak is not None, build.log
    assert 1 <= int(peak[1]) < 40, peak[0]  # about 11 MiB; the build holds 60 and more


def test_a_pagefind_that_fails_or_is_killed_is_reported_with_what_it_said(tmp_path):
    from newsroom import search

    held = bytearray(200 * 2**20)  # a build holding much more than Pagefind will
    for i in range(0, len(held), 4096):
        held[i] = 1
    indexing = search.Indexing(tmp_path / "site", [])
    try:
        grows = "x = bytearray(50 * 2**20)\nfor i in range(0, len(x), 4096): x[i] = 1\nprint('no pages found')\nexit(3)"
        said = indexing._index([sys.executable, "-c", grows], tmp_path / "site/pagefind")
        assert said == f"{sys.executable} exited with code 3: no pages found"
        assert 50 <= indexing.peak_mib < 150, "its own peak, not the build's"
        killed = "import os, signal\nprint('indexing')\nos.kill(os.getpid(), signal.SIGKILL)"
        assert indexing._index([sys.executable, "-c", killed], tmp_path / "site/pagefind") == (
            f"{sys.executable} exited with code -9: killed"
        )
        # Cancelled while it runs: nothing is left running.
        pid_file = tmp_path / "pid"
        sleeps = f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)"
        running = threading.Thread(
            target=indexing._index, args=([sys.executable, "-c", sleeps], tmp_path / "site/pagefind")
        )
        running.start()
        deadline = time.monotonic() + 20
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = int(pid_file.read_text())
    finally:
        indexing.cancel()
    running.join(timeout=20)
    assert not running.is_alive()
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid), "Pagefind outlived the build's cancel"
    assert len(held) == 200 * 2**20


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie no init has reaped yet does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_check_makes_no_search_index(project):
    """`make check` stops before anything is written: it never starts the search index, whose
    records of a Korean release would first have its words analyzed (and kept in the cache)."""
    from newsroom import korean

    project.release("2021-01-01-x.md", release_text(date="2021-01-01", title="인권 단체", language="ko"))
    kept = project.path / ".cache/newsroom" / korean.CACHE_FILE
    check = project.check()
    assert check.returncode == 0, check.stderr
    assert "1 releases are valid: 1 published" in check.stdout, check.stdout
    assert not kept.exists(), "no Korean word analyzed for a search index"
    build = project.build()
    assert build.returncode == 0, build.log
    assert kept.exists()


# -- the header box ----------------------------------------------------------------


def test_typing_in_the_header_shows_matching_releases(page):
    release = RELEASES[7]
    page.goto(page.base + "news/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "nr-search-input"
    page.keyboard.type(release["title"].split(":")[0])
    page.wait_for_selector("#nr-search-list [role=option]")
    titles = page.locator("#nr-search-list .nr-search__title").all_inner_texts()
    assert any(t.split(":")[0] == release["title"].split(":")[0] for t in titles)
    assert page.get_attribute("#nr-search-input", "aria-expanded") == "true"
    assert page.locator("#nr-search-list [role=option] mark").count() > 0


def test_arrow_keys_move_through_results_and_enter_opens_one(page):
    page.goto(page.base)
    page.focus("#nr-search-input")
    page.keyboard.type("Nigeria")
    page.wait_for_selector("#nr-search-list [role=option]")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#nr-search-input", "aria-activedescendant") == "nr-search-option-0"
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#nr-search-input", "aria-activedescendant") == "nr-search-option-1"
    assert page.get_attribute("#nr-search-option-1", "aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    chosen = page.locator("#nr-search-option-0 .nr-search__title").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/news/**")
    assert page.locator("article h1").inner_text() == chosen


def test_escape_closes_the_results(page):
    page.goto(page.base)
    page.focus("#nr-search-input")
    page.keyboard.type("Kenya")
    page.wait_for_selector("#nr-search-list [role=option]")
    page.keyboard.press("Escape")
    assert page.get_attribute("#nr-search-input", "aria-expanded") == "false"
    assert page.locator("#nr-search-popup").is_hidden()


def test_enter_goes_to_the_search_page(page):
    page.goto(page.base + "about/")
    page.focus("#nr-search-input")
    page.keyboard.type("Kenya")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Kenya")
    page.wait_for_selector(".nr-result")
    assert page.input_value("#nr-q") == "Kenya"


def header_search(page, query: str) -> list[str]:
    """Type ``query`` into the header box and wait until its search is done (the status says how
    many results, not "Searching…"); the titles listed."""
    page.goto(page.base)
    page.focus("#nr-search-input")
    page.keyboard.type(query)
    page.wait_for_function(
        "() => /^(No results|\\d+ results?)$/.test(document.querySelector('#nr-search-status').textContent)"
    )
    return page.locator("#nr-search-list .nr-search__title").all_inner_texts()


def test_korean_words_of_a_body_are_found_by_their_stem(page, site):
    # The word is in the body only: a title or summary match cannot pass this test.
    assert KOREAN_BODY_STEM + "에" in KOREAN_BODY.split()
    assert KOREAN_BODY_STEM not in KOREAN_TITLE + KOREAN_SUMMARY
    titles = header_search(page, KOREAN_BODY_STEM)
    assert titles == [KOREAN_TITLE]
    assert page.locator("#nr-search-status").inner_text() == "1 result"


def test_a_word_in_no_release_finds_nothing(page, site):
    # The negative control of the test above: the header box does not list releases regardless.
    assert not any(NOWHERE in text for text in all_output_text(site.site).values())
    assert header_search(page, NOWHERE) == []
    assert page.locator("#nr-search-status").inner_text() == "No results"
    assert page.locator("#nr-search-list [role=option]").count() == 0


def test_a_word_found_far_into_a_release_is_marked_in_its_summary_without_breaking_it(page):
    page.goto(page.base)
    page.focus("#nr-search-input")
    page.keyboard.type("amp")
    page.wait_for_selector("#nr-search-list [role=option]")
    option = page.locator("#nr-search-list [role=option]", has_text="Tailpiece")
    assert option.locator(".nr-search__excerpt").inner_text() == "Rights & wrongs of <sample> cases."
    assert option.locator(".nr-search__excerpt").inner_html() == (
        "Rights &amp; wrongs of &lt;s<mark>amp</mark>le&gt; cases."
    )


# -- the search page -----------------------------------------------------------------


def test_the_search_page_filters_by_country_from_its_url(page):
    page.goto(page.base + "search/?country=nigeria")
    page.wait_for_selector(".nr-result")
    nigeria = [r for r in RELEASES if "Nigeria" in r["countries"]]
    assert page.locator("#nr-results-status").inner_text() == f"{len(nigeria)} results"
    shown = page.locator(".nr-result__title a").all_inner_texts()
    assert shown == [r["title"] for r in nigeria], "newest first without a query"
    assert page.is_checked("#nr-facet-country-nigeria")
    kenya = sum(1 for r in RELEASES if "Kenya" in r["countries"])
    assert page.locator("label[for=nr-facet-country-kenya] .nr-count").inner_text() == str(kenya)
    years = {str(r["when"].year) for r in nigeria}
    for year in years:
        count = sum(1 for r in nigeria if str(r["when"].year) == year)
        assert page.locator(f"label[for=nr-facet-year-{year}] .nr-count").inner_text() == str(count)


def test_a_filters_long_label_wraps_beside_its_box_not_under_it(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base + "search/?q=release")
    page.wait_for_selector(".nr-facet label")
    long_name = "The International Coalition to Stop Crimes Against Humanity in North Korea"
    page.evaluate(f"document.querySelector('.nr-facet label').firstChild.textContent = {long_name!r}")
    box, label, height, line = page.evaluate(
        "(() => { const li = document.querySelector('.nr-facet li'), label = li.querySelector('label');"
        " const r = label.getBoundingClientRect();"
        " return [li.querySelector('input').getBoundingClientRect().right, r.left, r.height,"
        " parseFloat(getComputedStyle(label).lineHeight)]; })()"
    )
    assert height > 1.5 * line, "the long name wraps"
    assert label > box, "every line of it starts after the box"


def test_choosing_filters_and_sort_updates_results_and_url(page):
    page.goto(page.base + "search/?q=release")
    page.wait_for_selector(".nr-result")
    page.check("#nr-facet-country-kenya")
    page.wait_for_url("**country=kenya**")
    page.wait_for_function("() => document.querySelector('#nr-results-status').textContent === '5 results'")
    kenya = [r["title"] for r in RELEASES if "Kenya" in r["countries"]]
    page.select_option("#nr-sort", "date")
    page.wait_for_url("**sort=date**")
    page.wait_for_function(
        "(titles) => Array.from(document.querySelectorAll('.nr-result__title a'))"
        ".map(a => a.textContent).join('|') === titles",
        arg="|".join(kenya),
    )
    assert page.locator(".nr-result__title a").all_inner_texts() == kenya
    assert urlsplit(page.url).query == "q=release&country=kenya&sort=date"


def test_results_come_in_pages(page):
    page.goto(page.base + "search/?q=release&sort=date")
    page.wait_for_selector(".nr-result")
    first = page.locator(".nr-result__title a").all_inner_texts()
    assert len(first) == 10
    page.click("#nr-results-pages a[rel=next]")
    page.wait_for_url("**page=2**")
    page.wait_for_function(f"() => document.querySelector('.nr-result__title a').textContent !== {first[0]!r}")
    assert page.locator(".nr-result__title a").first.inner_text() == RELEASES[10]["title"]
    page.wait_for_function("() => document.activeElement.id === 'nr-results-status'")  # keyboards go on from the top


def test_term_pages_link_to_a_search_within_them(site):
    assert site.html("countries/kenya/").xpath("//a[text()='Search within Kenya']/@href") == [
        "../../search/?country=kenya"
    ]


def test_without_javascript_the_search_page_says_so_and_links_to_browsing(browser, site):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(http_site(site) + "search/")
    message = tab.locator(".nr-noscript")
    assert message.is_visible()
    assert "needs JavaScript" in message.inner_text()
    assert tab.locator(".nr-noscript__links a").all_inner_texts() == [
        "News",
        "Regions",
        "Countries",
        "Topics",
        "Organizations",
    ]
    context.close()


def test_the_search_interface_has_no_serious_accessibility_violations(page):
    if not AXE.exists():
        unavailable("axe-core needs `npm ci` (make test runs it)")

    def violations():
        return serious_violations(page, page.url)

    page.goto(page.base + "search/?q=release&country=nigeria")
    page.wait_for_selector(".nr-result")
    assert violations() == []
    page.focus("#nr-search-input")
    page.keyboard.type("Kenya")
    page.wait_for_selector("#nr-search-list [role=option]")
    page.keyboard.press("ArrowDown")
    assert violations() == []
