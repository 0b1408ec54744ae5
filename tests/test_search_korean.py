"""Korean search finds words inside compounds: the nouns and stems of a Korean release's words are
indexed (Kiwi, hooks/newsroom/korean.py) and never shown; Pagefind driven in a real Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, Project, release_text, site_tab
from helpers import header_search

#: "Human-rights groups of North Korea", "at the political prison camp": 인권 and 수용소 appear in
#: this release only inside compounds, never at the start of a word.
COMPOUNDS = (
    "2021-05-01-compounds.md",
    "북한인권단체들의 공동 서한",
    "단체들이 정치범수용소 해체를 촉구했다.",
    "(서울) – 북한인권단체들은 정치범수용소에서 풀려난 증인들의 이야기를 전했다.",
)
#: Korean, on food: neither word, even inside a compound.
OTHER_KOREAN = ("2021-05-02-food.md", "북한 식량 사정", "식량이 모자란다.", "(서울) – 쌀값이 올랐다.")
#: English, on the same subject: "human rights" and "camps", but no Korean at all.
ENGLISH = (
    "2021-05-03-english.md",
    "Camps Must Close",
    "Human rights groups urged the closure of prison camps.",
    "(Geneva) – Human rights groups spoke.",
)
#: "Cat": in no release at all.
NOWHERE = "고양이"


def built(folder: Path, languages: list[str] | None = None):
    """A site of the three releases above (with these editions, if any)."""
    project = Project(folder / "project")
    if languages:
        project.newsroom(languages=languages)
    for (name, title, summary, body), language in ((COMPOUNDS, "ko"), (OTHER_KOREAN, "ko"), (ENGLISH, "en")):
        date = name[:10]
        project.release(name, release_text(title=title, date=date, summary=summary, body=body, language=language))
    build = project.build()
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return built(tmp_path_factory.mktemp("search-korean"))


@pytest.fixture
def page(browser, site):
    """A page of the site in Chromium that fails the test if anything is requested from another host."""
    with site_tab(browser, site) as tab:
        yield tab


def words_of(*texts: str) -> set[str]:
    return {word.strip(".,()–") for text in texts for word in text.split()} - {""}


@pytest.mark.parametrize("morpheme", ["인권", "수용소"])
def test_a_morpheme_finds_the_korean_release_that_has_it_only_inside_compounds(page, morpheme):
    _, title, summary, body = COMPOUNDS
    # Only inside compounds: Pagefind alone (a word found by its start) could not find it.
    assert not any(word.startswith(morpheme) for word in words_of(title, summary, body))
    assert any(morpheme in word for word in words_of(title, summary, body))
    found = header_search(page, morpheme)
    # Neither the other Korean release nor the English one on the same subject.
    assert list(found) == [title]
    # Found by a word indexed after the text: the excerpt is the summary, never the added morphemes.
    assert found[title] == summary


@pytest.mark.parametrize("query", ["인권", "수용소"])
def test_the_search_page_finds_it_too_and_shows_none_of_the_morphemes(page, query):
    page.goto(page.base + f"search/?q={query}")
    page.wait_for_selector(".nr-result")
    assert page.locator(".nr-result__title a").all_inner_texts() == [COMPOUNDS[1]]
    excerpt = page.locator(".nr-result__excerpt").inner_text()
    assert excerpt == COMPOUNDS[2]


@pytest.mark.parametrize("word", ["정치범수용소", "북한인권단체들은"])
def test_a_compound_typed_whole_still_finds_its_release(page, word):
    found = header_search(page, word)
    assert list(found) == [COMPOUNDS[1]]
    # Found in the text in order: its excerpt shows the word itself, from the release's own words.
    assert word in found[COMPOUNDS[1]]
    assert words_of(found[COMPOUNDS[1]]) <= words_of(*COMPOUNDS[1:])


def test_a_korean_word_in_no_release_finds_nothing(page, site):
    # The negative control of the tests above.
    assert header_search(page, NOWHERE) == {}
    assert page.locator("#nr-search-status").inner_text() == "No results"


def test_an_english_release_is_found_by_its_words_and_not_by_korean_ones(page):
    assert list(header_search(page, "camps")) == [ENGLISH[1]]
    assert ENGLISH[1] not in header_search(page, "인권")


def test_a_korean_release_is_found_by_a_word_as_written(page):
    assert list(header_search(page, "식량")) == [OTHER_KOREAN[1]]


# -- the records -------------------------------------------------------------------


def record_of(name: str, language: str, body: str, site_language: str = "en"):
    from newsroom.reader import parse_release
    from newsroom.search import release_record
    from newsroom.settings import Settings
    from newsroom.taxonomy import build_taxonomies

    fields = {"language": language} if language else {}
    text = release_text(title=COMPOUNDS[1], date="2021-05-01", summary=COMPOUNDS[2], body=body, **fields)
    release, problems = parse_release(
        text.encode(), name, Settings(project_dir=Path("/nowhere"), language=site_language)
    )
    assert problems == [] and release is not None
    return release_record(release, body, build_taxonomies([release]), site_language, "May 1, 2021")


@pytest.mark.parametrize(("language", "site_language"), [("ko", "en"), ("ko-KR", "en"), ("", "ko")])
def test_a_korean_record_indexes_its_morphemes_after_its_text(language, site_language):
    from lxml import html as lxml_html

    from newsroom.search import document

    record = record_of(COMPOUNDS[0], language, COMPOUNDS[3], site_language)
    morphemes = record.morphemes.split()
    assert {"인권", "수용소"} <= set(morphemes)
    # What a word's start finds already (북한인권단체들은 begins with 북한) is not added again, nor
    # what begins another word of the release (단체 begins 단체들이, in its summary).
    assert "북한" not in morphemes and "정치범" not in morphemes and "단체" not in morphemes
    assert len(morphemes) == len(set(morphemes))
    assert not set(morphemes) & set(record.content.split())
    paragraphs = lxml_html.fromstring(document(record)).xpath("//main[@data-pagefind-body]/p/text()")
    # Decomposed, as the whole of a Korean document (see the test of the index chunks below).
    assert paragraphs[-1] == unicodedata.normalize("NFD", record.morphemes) != record.morphemes
    # The excerpt's words end before them.
    assert int(record.meta["tail_from"]) == len(record.content.split())


def test_a_record_in_another_language_has_no_morphemes_even_with_hangul():
    assert record_of("2021-05-01-x.md", "en", COMPOUNDS[3]).morphemes == ""


def test_kiwi_is_loaded_only_for_a_korean_release():
    script = (
        "import sys\n"
        "sys.path[:0] = ['tests', 'hooks']\n"
        "from test_search_korean import record_of, COMPOUNDS\n"
        "from newsroom import korean\n"
        "record_of('2021-05-01-x.md', 'en', COMPOUNDS[3])\n"
        "print(korean.loaded())\n"
        "record_of('2021-05-01-x.md', 'ko', COMPOUNDS[3])\n"
        "print(korean.loaded())\n"
    )
    env = {**os.environ, "PYTHONPATH": "hooks"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


# -- the segmentation ----------------------------------------------------------------


def test_morphemes_inside_compounds_and_stems_as_a_dictionary_lists_them():
    from newsroom.korean import morphemes

    assert morphemes("북한인권단체들은 정치범수용소에서").split() == ["인권", "단체", "수용소"]
    # A Hangul stretch after Latin letters does not begin its word: all its morphemes count.
    assert "인권" in morphemes("UN인권이사회는").split()
    assert "돕다" in morphemes("그들을 도왔다").split()
    assert morphemes("Human rights groups, 2021.") == ""
    assert morphemes("") == ""


HANGUL = st.sampled_from("북한인권단체들은정치범수용소에서국제사회는도왔다가나다ㄱㅏ")
TEXT = st.text(alphabet=st.one_of(HANGUL, st.sampled_from(" \n.,()–-UNa1"), st.characters()), max_size=80)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_any_text_gives_only_hangul_words_never_a_crash(text):
    from newsroom.korean import is_hangul, morphemes

    out = morphemes(text)
    assert out == out.strip()
    for word in out.split():
        assert all(map(is_hangul, word)), word
    if not any(map(is_hangul, text)):
        assert out == ""


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_text_without_hangul_is_never_analyzed(text):
    from newsroom import korean

    text = "".join(char for char in text if not korean.is_hangul(char))
    assert korean.morphemes(text) == ""


# -- on the Korean edition of a site of several --------------------------------------


@pytest.fixture(scope="module")
def edition_site(tmp_path_factory):
    """The same releases on a site whose editions are English and Korean."""
    return built(tmp_path_factory.mktemp("search-korean-edition"), ["en", "ko"])


@pytest.mark.parametrize("query", ["인권", "수용소", "camps", NOWHERE])
def test_the_korean_editions_search_page_finds_korean_morphemes_and_all_languages_on_request(
    browser, edition_site, query
):
    def titles(address: str) -> list[str]:
        tab.goto(tab.base + address)
        tab.wait_for_function("() => document.querySelector('#nr-results-status').textContent.trim() !== ''")
        tab.wait_for_function("() => !document.querySelector('#nr-results-status').textContent.includes('…')")
        return tab.locator(".nr-result__title a").all_inner_texts()

    with site_tab(browser, edition_site) as tab:
        in_korean, in_all = titles(f"ko/search/?q={query}"), titles(f"ko/search/?q={query}&language=*")
        status = tab.locator("#nr-results-status").inner_text()
    if query == NOWHERE:  # the negative control
        assert in_korean == in_all == [] and status == "결과 없음"
    elif query == "camps":  # English: not in the Korean edition's own search, found among all languages
        assert in_korean == [] and in_all == [ENGLISH[1]]
    else:
        assert in_korean == in_all == [COMPOUNDS[1]]


# -- the index ------------------------------------------------------------------------


def test_korean_words_are_spread_over_the_index_chunks_so_a_query_loads_a_few_of_them(tmp_path):
    """Pagefind 1.5.2 counted no Korean word when it cut its index into chunks (it keeps each as
    a variant of its decomposed form): every Korean word of a site was in one chunk, 8.6 MB at
    10,000 releases, downloaded by any Korean query. Given decomposed, they are counted."""
    import gzip
    import random

    import cbor2

    from benchmarks.korean_search import release

    project = Project(tmp_path / "project")
    rng = random.Random(7)
    for index in range(80):  # about 50,000 Korean words: Pagefind cuts chunks of about 20,000
        name, text, _ = release(rng, index)
        project.release(name, text)
    build = project.build()
    assert build.returncode == 0, build.log
    bundle = build.site / "pagefind"
    meta_file = next(bundle.glob("pagefind.*.pf_meta"))
    meta = cbor2.loads(gzip.decompress(meta_file.read_bytes())[len(b"pagefind_dcd") :])
    chunks = meta[2]  # [from, to, name] of each chunk, in the order of the words
    korean = [name for start, end, name in chunks if "\u1100" <= end[:1] <= "\u11ff"]  # ending in a Korean word
    assert len(korean) >= 3, chunks
    sizes = [(bundle / "index" / f"{name}.pf_index").stat().st_size for name in korean]
    assert max(sizes) < 200_000, sizes
