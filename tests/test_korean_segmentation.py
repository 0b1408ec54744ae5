"""Korean segmentation for search (hooks/newsroom/korean.py), fast and the same as before:
Kiwi made as it is gives what Kiwi with its defaults gives for a word, the words a process
remembers give what reading them afresh gives, and forked workers analyze after ``load``."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from newsroom import korean

NOUNS = (
    "북한 인권 단체 정치범 수용소 정부 당국 유엔 국제 사회 보고서 증언 피해자 가족 구금 석방 고문 재판 법원 "
    "난민 탈북민 강제 송환 국경 여성 아동 노동 식량 이사회 위원회 사무총장 대한민국 서울 제네바 인도주의 "
    "특별보고관 활동가 변호사 종교 실종 납치 처형 감시 검열 박해 차별 폭력 평화 고양이 사과 나무 하늘"
).split()
PARTICLES = "은 는 이 가 을 를 의 에 에서 에게 과 와 으로 로 도 만 들은 들이 들의 까지 부터 처럼".split()
ENDINGS = "했다 밝혔다 촉구했다 있다 없다 되었다 풀려난 모자란다 올랐다".split()

#: Words as written in a release: a noun or a compound of two or three, with or without a particle.
korean_words = st.builds(
    lambda nouns, particle: "".join(nouns) + particle,
    st.lists(st.sampled_from(NOUNS), min_size=1, max_size=3),
    st.sampled_from(["", *PARTICLES]),
)


@pytest.fixture(scope="module")
def kiwi_as_shipped():
    """Kiwi with its defaults (in this thread: no pool of threads)."""
    from kiwipiepy import Kiwi  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return Kiwi(num_workers=0)


def tokens(kiwi, word: str) -> list[tuple[str, str, int, int]]:
    return [(t.form, t.tag, t.start, t.len) for t in kiwi.tokenize(word)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(korean_words, st.sampled_from(ENDINGS), st.text(alphabet="가나다라마바사인권수용소들은의", min_size=1))
)
def test_kiwi_as_loaded_analyzes_a_word_as_kiwi_with_its_defaults(kiwi_as_shipped, word):
    # Without the multi-word dictionary: a word analyzed alone holds no space for its entries.
    assert tokens(korean.load(), word) == tokens(kiwi_as_shipped, word)


def test_hangul_is_the_syllables_and_every_block_of_jamo_and_nothing_beside_them():
    blocks = [(0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF)]
    for first, last in blocks:
        assert korean.is_hangul(chr(first)) and korean.is_hangul(chr(last)), hex(first)
        assert not korean.is_hangul(chr(first - 1)) and not korean.is_hangul(chr(last + 1)), hex(first)
    assert not any(map(korean.is_hangul, "a1 .,“”ー漢字あア"))


@given(st.text(alphabet=st.characters(codec="utf-8")) | st.text(alphabet="UN인권ᄀᆨㄱꥠힰ가힣 -“(2"))
def test_hangul_runs_are_the_stretches_of_hangul_characters(text):
    expected = ["".join(chars) for hangul, chars in itertools.groupby(text, korean.is_hangul) if hangul]
    assert korean.hangul_runs(text) == expected


def reference_morphemes(text: str) -> str:
    """``korean.morphemes`` as it was before the words of a process were remembered."""
    runs: dict[str, None] = {}
    for word in text.split():
        for i, run in enumerate(korean.hangul_runs(word)):
            leading = i == 0 and korean._stripped(word).startswith(run)
            if len(run) >= korean.SHORTEST or not leading:
                runs[run] = None
    out: dict[str, None] = {}
    for found in korean.analyze(runs).values():
        for form in found:
            # Found already by a word that begins with it (Pagefind finds a word by its start).
            if not any(korean._stripped(word).startswith(form) for word in text.split()):
                out.setdefault(form, None)
    return " ".join(out)


#: A word as it may stand in a text: Korean, after Latin letters or digits, in quotes or brackets.
written_words = st.builds(
    lambda before, word, after: before + word + after,
    st.sampled_from(["", "", "", "UN", "(", "“", "'", "2021", "-"]),
    korean_words,
    st.sampled_from(["", "", "", ".", ",", ")", "”", "UN", "s"]),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(written_words, st.sampled_from(["UN", "2021", "–", "(서울)", "북한", "북한의"])), max_size=30)
)
def test_morphemes_of_remembered_words_are_those_of_words_read_afresh(words):
    text = " ".join(words)
    assert korean.morphemes(text) == reference_morphemes(text)
    assert korean.morphemes(text) == reference_morphemes(text)  # every word now remembered


def test_the_same_word_leading_once_and_inside_another_word_once():
    # 인권이사회는 begins a word the second time: 인권 is then found by its start, 이사회 still is not.
    assert korean.morphemes("UN인권이사회는 밝혔다") == "인권 이사회 밝히다"
    assert korean.morphemes("UN인권이사회는 인권이사회는") == "이사회"
    assert korean.morphemes("인권이사회는 UN인권이사회는") == "이사회"


def test_a_morpheme_that_begins_another_word_of_the_text_is_not_added():
    # 인권 finds the release by 인권을, and 수용 by 수용소는: of the compound, only 단체 is added.
    assert korean.morphemes("북한인권단체들은") == "인권 단체"
    assert korean.morphemes("북한인권단체들은 인권을") == "단체"
    assert korean.morphemes("“인권’ 북한인권단체들은") == "단체"  # after quotes, as Pagefind reads it
    assert korean.morphemes("정치범수용소에서 수용소는") == ""
    # Begins no word: 인 begins 인권을, not the other way round.
    assert korean.morphemes("북한인권단체들은 인") == "인권 단체"


FORKED = """
import json, sys
from newsroom import korean, parallel

words = sys.argv[1].split()
korean.load()  # as the build does, before its workers fork
shares = [(i, i + 40) for i in range(0, len(words), 40)]
made = list(parallel.in_order(lambda start, end: [korean.morphemes(w) for w in words[start:end]], shares, 2))
print(json.dumps([m for share in made for m in share], ensure_ascii=False))
"""


def test_workers_forked_after_kiwi_is_loaded_analyze_their_words():
    # With Kiwi's pool of threads (num_workers=-1), a forked worker waited forever on its first list.
    words = [f"{a}{b}{p}" for a in NOUNS[:10] for b in NOUNS[10:18] for p in ("", "에서")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks")}
    done = subprocess.run(
        [sys.executable, "-c", FORKED, " ".join(words)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made == [reference_morphemes(word) for word in words]
    assert made[words.index("정치범보고서에서")] == "보고서"


PREPARED = """
import json, os, sys
from newsroom import korean, parallel

korean.WORDS_SHARE = 50
texts = json.loads(sys.argv[1])
lowered = min(19, os.nice(0) + korean.NICENESS)
morphemes_of = korean._morphemes_of
def below_the_build(tokens):
    assert os.nice(0) == lowered, f"a word analyzed at priority {os.nice(0)}, not {lowered}"
    return morphemes_of(tokens)
korean._morphemes_of = below_the_build
counted = korean.prepare(texts, 2)  # as the build does, before its workers fork
korean._kiwi = None
def analyzed_again():
    raise AssertionError("a word was analyzed after prepare")
korean.load = analyzed_again
shares = [(i, i + 10) for i in range(0, len(texts), 10)]
made = list(parallel.in_order(lambda start, end: [korean.morphemes(t) for t in texts[start:end]], shares, 2))
print(json.dumps({"counted": counted, "again": korean.prepare(texts, 2), "made": [m for share in made for m in share]}))
"""


def test_prepare_analyzes_each_new_word_once_and_the_workers_forked_after_it_none():
    # Words shared by the texts of both workers (the same nouns again and again) are analyzed once,
    # by processes of their own (shares of 50 words here), below the build's priority; the workers
    # then segment every text without Kiwi.
    texts = [" ".join(f"{a}{b}{p}" for b in NOUNS[i % 9 :: 9] for p in ("", "에서")) for i, a in enumerate(NOUNS)]
    runs = {run for text in texts for word in text.split() for run, _ in korean._runs_of(word)}
    assert len(runs) > 2 * 50, "enough words for two processes"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks"), "NEWSROOM_CACHE": "0"}
    argv = [sys.executable, "-c", PREPARED, json.dumps(texts)]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["counted"] == len(runs) and result["again"] == 0
    assert result["made"] == [reference_morphemes(text) for text in texts]
    assert all(result["made"]), "the second noun of each compound is found"


# -- the words analyzed by earlier builds ---------------------------------------------------------

BUILD = """
import hashlib, json, random, sys
from importlib import metadata
from pathlib import Path

from benchmarks.korean_search import Records, release
from newsroom import korean, search
from newsroom.reader import parse_release
from newsroom.settings import Settings
from newsroom.taxonomy import build_taxonomies

project, work, kiwi_version, added = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
if kiwi_version:  # another Kiwi installed
    real = metadata.version
    korean.metadata.version = lambda package: kiwi_version if package == "kiwipiepy" else real(package)
rng = random.Random(7)
settings = Settings(project_dir=project, language="ko")
releases, bodies = [], []
for index in range(2 * search.WORKER_SHARE):  # enough for two forked workers
    name, text, body = release(rng, index)
    parsed, problems = parse_release(text.encode(), name, settings)
    assert parsed is not None and not problems, problems
    releases.append(parsed)
    bodies.append(body)
bodies[0] += added  # an edited release
records = Records(releases, bodies, build_taxonomies(releases), settings.search_lede_words)
read = korean.remember(project)
texts = (search.segmented_text(release, body) for release, body in zip(releases, bodies, strict=True))
analyzed = korean.prepare(texts, 2)  # as the build does, before its workers fork
loaded = korean.loaded()
korean._kiwi = None
def analyzed_again():
    raise AssertionError("a worker analyzed a word")
korean.load = analyzed_again
search.write_documents(work, records, 2)
digest = hashlib.sha256()
for path in sorted(work.rglob("*")):
    if path.is_file():
        digest.update(path.relative_to(work).as_posix().encode() + b"\\0" + path.read_bytes())
print(json.dumps({"read": read, "loaded": loaded, "analyzed": analyzed, "documents": digest.hexdigest()}))
"""


def search_documents(project, work, kiwi_version: str = "", cache: str = "1", added: str = "") -> dict:
    """Pagefind's documents of 500 Korean releases, made by two forked workers, as a digest."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "hooks")]), "NEWSROOM_CACHE": cache}
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(project), str(work), kiwi_version, added],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_second_build_reads_the_words_analyzed_by_the_first_and_writes_the_same_documents(tmp_path):
    project = tmp_path / "project"
    first = search_documents(project, tmp_path / "first")
    assert first["read"] is False and first["loaded"] is True and first["analyzed"] > 1000
    assert (project / ".cache/newsroom/korean.sqlite3").is_file()

    second = search_documents(project, tmp_path / "second")
    # Kiwi not even loaded
    assert second == {"read": True, "loaded": False, "analyzed": 0, "documents": first["documents"]}

    uncached = search_documents(tmp_path / "elsewhere", tmp_path / "uncached", cache="0")
    assert uncached["documents"] == first["documents"]
    assert not (tmp_path / "elsewhere/.cache").exists()

    # An edited release: its text is segmented anew, with the words cached and Kiwi for the new one.
    edited = search_documents(project, tmp_path / "edited", added=" 고양이보호소에서 정치범수용소는")
    assert edited["read"] is True and edited["documents"] != first["documents"]
    assert 1 <= edited["analyzed"] <= 2, "only the new words"
    fresh = search_documents(
        tmp_path / "elsewhere", tmp_path / "fresh", cache="0", added=" 고양이보호소에서 정치범수용소는"
    )
    assert edited["documents"] == fresh["documents"]

    # Another Kiwi: the words are analyzed anew, and the cache is theirs from then on.
    other = search_documents(project, tmp_path / "other", kiwi_version="0.99.0")
    assert other == {"read": False, "loaded": True, "analyzed": first["analyzed"], "documents": first["documents"]}
    again = search_documents(project, tmp_path / "again")
    assert again["read"] is False and again["documents"] == first["documents"]


def test_an_unreadable_cache_is_no_cache(tmp_path, monkeypatch):
    target = tmp_path / ".cache/newsroom/korean.sqlite3"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a database at all" * 100)
    monkeypatch.setattr(korean, "_cache_path", None)
    assert korean.remember(tmp_path) is False
    assert korean.morphemes("북한인권단체들은") == "인권 단체"


def test_a_build_keeps_what_it_segmented_and_the_next_gives_the_same_index(project):
    import sqlite3

    from conftest import release_text, snapshot

    body = "(서울) – 북한인권단체들은 정치범수용소의 실태를 알렸다."
    project.release("2021-01-01-k.md", release_text(title="보고서", date="2021-01-01", language="ko", body=body))
    first = project.build()
    assert first.returncode == 0, first.log
    index = snapshot(first.site / "pagefind")
    with sqlite3.connect(project.path / ".cache" / "newsroom" / "korean.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM texts").fetchone()[0] == 1, "the build keeps its segmented text"
    second = project.build()
    assert second.returncode == 0, second.log
    assert snapshot(second.site / "pagefind") == index


def test_the_cache_keeps_the_texts_of_the_releases_built_and_drops_an_edited_ones_earlier_text(project):
    import sqlite3

    from conftest import release_text

    cache_file = project.path / ".cache" / "newsroom" / "korean.sqlite3"

    def texts() -> int:
        with sqlite3.connect(cache_file) as db:
            return db.execute("SELECT count(*) FROM texts").fetchone()[0]

    body = "(서울) – 북한인권단체들은 정치범수용소의 실태를 알렸다."
    project.release("2021-01-01-k.md", release_text(title="보고서", date="2021-01-01", language="ko", body=body))
    edited = project.release("2021-01-02-e.md", release_text(title="성명", date="2021-01-02", language="ko", body=body))
    assert project.build().returncode == 0
    assert texts() == 2
    edited.write_text(edited.read_text(encoding="utf-8").replace("성명", "고친 성명"), encoding="utf-8")
    assert project.build().returncode == 0
    assert texts() == 2, "the edited release's earlier text is dropped, the other one's kept"
    # A cache of an earlier version (other columns) is started anew, not left unwritable.
    with sqlite3.connect(cache_file) as db:
        db.execute("UPDATE version SET version = 'older'")
        db.execute("DROP TABLE texts")
        db.execute("CREATE TABLE texts (key TEXT PRIMARY KEY, morphemes TEXT NOT NULL)")
    # Without the search indexes kept (which spare a build making any record of an unchanged shard).
    shutil.rmtree(project.path / ".cache" / "newsroom" / "pagefind")
    assert project.build().returncode == 0
    assert texts() == 2
