"""The benchmark's synthetic archive (benchmarks/generate.py): the same files for the same N, and,
with ``vocabulary="zipf"``, words as real text has them (issue 15: the default archive's 77 words
make a search index look three times lighter than on real text)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.generate import WORDS, generate


def words_of(folder: Path) -> Counter[str]:
    bodies = (path.read_text(encoding="utf-8").split("\n---\n", 1)[1] for path in sorted(folder.glob("*.md")))
    return Counter(word.strip(".,()“”–:-").lower() for body in bodies for word in body.split())


def test_the_same_n_gives_the_same_files(tmp_path):
    for vocabulary in ("small", "zipf"):
        generate(tmp_path / f"{vocabulary}-1", 30, vocabulary=vocabulary)
        generate(tmp_path / f"{vocabulary}-2", 30, vocabulary=vocabulary)
        first = {p.name: p.read_bytes() for p in (tmp_path / f"{vocabulary}-1").glob("*.md")}
        assert first == {p.name: p.read_bytes() for p in (tmp_path / f"{vocabulary}-2").glob("*.md")}


def test_a_zipf_vocabulary_has_many_words_the_commonest_far_more_often(tmp_path):
    generate(tmp_path / "small", 200)
    generate(tmp_path / "zipf", 200, vocabulary="zipf")
    small, zipf = words_of(tmp_path / "small"), words_of(tmp_path / "zipf")
    assert len(small) < 200 and len(zipf) > 10_000  # WORDS, the names of people, places and terms
    ranked = [count for _, count in zipf.most_common()]
    assert ranked[0] > 20 * ranked[99] and ranked[0] > 200 * ranked[4999]  # a long, thin tail
    assert [word for word, _ in zipf.most_common(3)] == [w.lower() for w in WORDS[:3]]


def test_with_a_zipf_vocabulary_the_arabic_versions_have_many_words_too(tmp_path):
    # Evenly from ARABIC, the Arabic edition's index would look far lighter than the English one's.
    for vocabulary in ("small", "zipf"):
        generate(tmp_path / vocabulary, 300, languages=("en", "ar"), translated=0.5, vocabulary=vocabulary)
    arabic = {v: words_of_language(tmp_path / v, "ar") for v in ("small", "zipf")}
    assert len(arabic["small"]) < 150 and len(arabic["zipf"]) > 5_000
    ranked = [count for _, count in arabic["zipf"].most_common()]
    assert ranked[0] > 20 * ranked[99]
    english = {v: words_of(tmp_path / v) - words_of_language(tmp_path / v, "ar") for v in ("small", "zipf")}
    assert len(english["zipf"]) > 10 * len(english["small"])


def words_of_language(folder: Path, language: str) -> Counter[str]:
    bodies = (path.read_text(encoding="utf-8").split("\n---\n", 1)[1] for path in folder.glob(f"*-{language}.md"))
    return Counter(word.strip(".,()“”–:-") for body in bodies for word in body.split())
