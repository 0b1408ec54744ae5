"""What Korean segmentation adds to search indexing: records, documents and Pagefind for a
synthetic archive of Korean releases, with and without the morphemes (each in a fresh process,
so that loading Kiwi and its first analyses are counted).

    PYTHONPATH=hooks python -m benchmarks.korean_search --releases 1000

"with" is a first build (no cache of analyzed words, Kiwi loaded before the workers fork); "cached"
a build after it, reading the words the first one analyzed from ``.cache/newsroom/korean.sqlite3``
(in a scratch project folder) and loading Kiwi only for a word not in it.

The releases are about 650 words each, a third of their nouns compounds of two, a twentieth
names made of random syllables (a vocabulary that grows with the archive, as a real one does).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

NOUNS = (
    "북한 인권 단체 정치범 수용소 정부 당국 유엔 국제 사회 보고서 증언 피해자 가족 구금 석방 고문 재판 법원 경찰 "
    "군대 난민 탈북민 강제 송환 국경 여성 아동 노동 식량 보건 학교 병원 조사 위원회 결의안 제재 대화 개혁 법률 "
    "긴급 조치 제한 접근 인도주의 지원 시민 언론 자유 집회 표현 결사 선거 책임 정의 증거 목격자 활동가 기자 "
    "변호사 종교 소수자 실종 납치 처형 감시 검열 박해 차별 폭력 평화 협상 대표 사무총장 성명 서한 회의 이사회 "
    "특별보고관 조사관 기록 자료 문서 사건 현장 지역 마을 도시 수도 서울 제네바 뉴욕 중국 일본 한국 미국 러시아"
).split()
PARTICLES = "은 는 이 가 을 를 의 에 에서 에게 과 와 으로 로 도 만 들은 들이 들의 까지".split()
ENDINGS = "했다 밝혔다 촉구했다 요구했다 말했다 전했다 발표했다 보고했다 확인했다 주장했다 있다 없다 되었다".split()
SYLLABLES = "가나다라마바사아자차카타파하강민준서연지우현호성영수경희"


def word(rng: random.Random) -> str:
    if rng.random() < 0.05:
        noun = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    else:
        noun = rng.choice(NOUNS)
        if rng.random() < 0.33:
            noun += rng.choice(NOUNS)
    return noun + (rng.choice(PARTICLES) if rng.random() < 0.7 else "")


def sentence(rng: random.Random) -> str:
    return " ".join(word(rng) for _ in range(rng.randint(7, 15))) + " " + rng.choice(ENDINGS) + "."


def release(rng: random.Random, index: int) -> tuple[str, str, str]:
    """A file name, its text, and its body as plain text."""
    title = " ".join(word(rng) for _ in range(5))
    summary = sentence(rng)
    body = [f"(서울) – {sentence(rng)}"]
    while sum(len(p.split()) for p in body) < 620:
        body.append(sentence(rng))
    text = "\n\n".join(" ".join(body[i : i + 5]) for i in range(0, len(body), 5))
    date = f"{2000 + index % 26}-{1 + index % 12:02d}-{1 + index % 28:02d}"
    front = json.dumps({"title": title, "date": date, "summary": summary, "language": "ko"}, ensure_ascii=False)
    # JSON is YAML: the front matter as one flow mapping.
    return f"{date}-release-{index:06d}.md", f"---\n{front}\n---\n\n{text}\n", text


class Records(Sequence):
    """Each release's record made when asked for, as the build's are (by the worker that writes it)."""

    def __init__(self, releases: list, bodies: list[str], taxonomies, lede_words: int):
        self.releases, self.bodies, self.taxonomies, self.lede_words = releases, bodies, taxonomies, lede_words

    def __len__(self) -> int:
        return len(self.releases)

    def __getitem__(self, index):
        from newsroom import search

        release = self.releases[index]
        date = str(release.date.date())
        return search.release_record(release, self.bodies[index], self.taxonomies, "ko", date, self.lede_words)


def measure(count: int, segment: bool, seed: int, workers: int, project: Path | None = None) -> dict[str, float]:
    """Records, documents and Pagefind for ``count`` Korean releases, from this process."""
    from newsroom import korean, search
    from newsroom.reader import parse_release
    from newsroom.settings import Settings
    from newsroom.taxonomy import build_taxonomies

    rng = random.Random(seed)
    settings = Settings(project_dir=Path("/nowhere"), language="ko")
    releases, bodies = [], []
    for index in range(count):
        name, text, body = release(rng, index)
        parsed, problems = parse_release(text.encode(), name, settings)
        assert parsed is not None and not problems, problems
        releases.append(parsed)
        bodies.append(body)
    records = Records(releases, bodies, build_taxonomies(releases), settings.search_lede_words)
    if not segment:
        korean.morphemes = lambda text: ""
    site = Path(os.environ.get("TMPDIR", "/tmp")) / f"korean-search-bench-{os.getpid()}"
    started = time.perf_counter()
    if segment and not korean.remember(project):
        korean.load()  # as the build does, before its workers fork
    loaded = time.perf_counter()
    indexing = search.Indexing(site, [search.Bundle(search.OUTPUT, "ko", records)], workers)
    written = time.perf_counter()
    indexing.finish()
    done = time.perf_counter()
    size = sum(path.stat().st_size for path in (site / search.OUTPUT).rglob("*") if path.is_file())
    subprocess.run(["rm", "-rf", str(site)], check=True)
    sample = [records[i] for i in range(0, count, max(1, count // 50))]
    return {
        "kiwi_load_s": loaded - started,
        "records_and_documents_s": written - loaded,
        "pagefind_s": done - written,
        "total_s": done - started,
        "pagefind_cpu_s": indexing.cpu_seconds,
        "pagefind_peak_mib": indexing.peak_mib,
        "index_kib": size / 1024,
        "morphemes_per_release": sum(len(r.morphemes.split()) for r in sample) / len(sample),
        "kiwi_loaded_before_fork": float(korean.loaded()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--runs", type=int, default=2, help="runs of each; the fastest counts")
    parser.add_argument("--workers", type=int, default=2, help="forked processes making the records (as the build)")
    parser.add_argument("--one", choices=["with", "without", "cached"], help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.releases, args.one != "without", args.seed, args.workers, args.project)))
        return
    best: dict[str, dict[str, float]] = {}
    project = Path(tempfile.mkdtemp(prefix="korean-search-bench-project-"))
    for _ in range(args.runs):
        for mode in ("without", "with", "cached"):
            if mode == "with":
                shutil.rmtree(project / ".cache", ignore_errors=True)  # a first build: nothing analyzed yet
            command = [sys.executable, "-m", "benchmarks.korean_search", "--releases", str(args.releases)]
            command += ["--seed", str(args.seed), "--workers", str(args.workers), "--one", mode]
            command += ["--project", str(project)]
            out = subprocess.run(command, capture_output=True, text=True)
            if out.returncode:
                sys.exit(out.stderr)
            figures = json.loads(out.stdout)
            if mode not in best or figures["total_s"] < best[mode]["total_s"]:
                best[mode] = figures
    shutil.rmtree(project, ignore_errors=True)
    for mode, figures in best.items():
        print(mode, "segmentation:", ", ".join(f"{k} {v:,.2f}" for k, v in figures.items()))
    for mode, build in (("with", "a first build"), ("cached", "a build after it")):
        extra = best[mode]["total_s"] / best["without"]["total_s"] - 1
        print(f"segmentation adds {extra:.1%} to search indexing in {build} ({args.releases} Korean releases)")


if __name__ == "__main__":
    main()
