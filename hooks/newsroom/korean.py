"""Korean words split into their morphemes, for search.

Pagefind splits Korean on spaces only, and a query finds a word by its start: ``북한`` finds
``북한의``, but ``인권`` never finds ``북한인권단체들은`` and ``수용소`` never finds ``정치범수용소``.
The search record of a Korean release therefore also indexes the nouns, roots and verb stems
inside its words, found by Kiwi (``kiwipiepy``, with the model of ``kiwipiepy-model``; both
pinned, and neither reaches the network). No analyzer runs in the reader's browser: a query of
one morpheme finds the morpheme indexed here, and a compound typed whole still finds its word as
written.

Kiwi takes about a second and 330 MB to load: it is loaded once a process, when a word is
first analyzed (by ``prepare``, in the build process, before it forks). Each distinct word is
analyzed on its own: a whole text in context costs five times as much, and a word's nouns rarely
depend on the words around it. That is 70–100 µs a word, the most of the time. ``prepare``
analyzes every new word of a build once, before the workers that make the search records fork
(they inherit the results), shared out among processes by word, not by text: two workers given
half the texts each would both analyze the words their texts share (a third of the work at
10,000 releases). Those processes run below the build's priority (``NICENESS``), beside Pagefind
indexing the other editions, which leaves part of the processor idle. ``remember`` and ``save``
keep the texts and words analyzed between builds, in ``.cache/newsroom/``, and a build then
loads Kiwi only for a word not in it.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import re
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterable
from contextlib import closing
from importlib import metadata
from pathlib import Path
from typing import Any

from . import cache, parallel

#: Kiwi's tags of the morphemes a reader searches for: common and proper nouns, numerals, roots
#: (``XR``), and the stems of verbs and adjectives (indexed with ``다``, as a dictionary lists them).
NOUN_TAGS = frozenset({"NNG", "NNP", "NR", "XR"})
VERB_TAGS = frozenset({"VV", "VA"})

#: The shortest word worth analyzing, in Hangul syllables, where it begins a word: in a word of
#: two, the only morpheme a query could not find by the word's start is its last syllable alone.
SHORTEST = 3

#: How Kiwi is made. ``num_workers=0``: every analysis in the calling thread, with no pool of
#: threads (since kiwipiepy 0.21, -1 starts one thread per core, which a forked worker does not
#: inherit: its first analysis of a list of words then waits for them forever). No multi-word
#: dictionary (WikiData's names of several words): a word analyzed alone holds no space, so none
#: of its entries can match, and it is two thirds of Kiwi's loading time and 190 MB.
OPTIONS = {"num_workers": 0, "load_multi_dict": False}

_lock = threading.Lock()
_kiwi: Any = None
_analyzed: dict[str, tuple[str, ...]] = {}


def is_korean(language: str) -> bool:
    """Whether a BCP 47 tag names Korean (``ko``, ``ko-KR``, ``KO``)."""
    return language.split("-")[0].lower() == "ko"


#: Hangul syllables and jamo (conjoining, compatibility and extended), as ranges of code points.
HANGUL = (
    ("\uac00", "\ud7a3"),
    ("\u1100", "\u11ff"),
    ("\u3130", "\u318f"),
    ("\ua960", "\ua97f"),
    ("\ud7b0", "\ud7ff"),
)
_HANGUL_RUN = re.compile("[" + "".join(f"{low}-{high}" for low, high in HANGUL) + "]+")


def is_hangul(char: str) -> bool:
    """A Hangul syllable or jamo (conjoining, compatibility or extended)."""
    return _HANGUL_RUN.fullmatch(char) is not None


def hangul_runs(text: str) -> list[str]:
    """Each stretch of Hangul in ``text``, in order (``UN인권이사회는`` gives ``인권이사회는``)."""
    return _HANGUL_RUN.findall(text)


def load() -> Any:
    """Kiwi, loaded on the first call of this process (and warmed up: its first analysis is slow)."""
    global _kiwi
    with _lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi  # type: ignore[import-untyped]

            with warnings.catch_warnings():  # "num_workers=0 changed in 0.21": it is the new meaning we want
                warnings.simplefilter("ignore", DeprecationWarning)
                kiwi = Kiwi(**OPTIONS)
            kiwi.tokenize("북한인권")
            _kiwi = kiwi
        return _kiwi


def loaded() -> bool:
    return _kiwi is not None


def _morphemes_of(tokens: Iterable[Any]) -> tuple[str, ...]:
    found = []
    for token in tokens:
        tag = token.tag.split("-")[0]  # VV-I, VA-R: irregular and regular stems
        if tag in NOUN_TAGS:
            form = token.form
        elif tag in VERB_TAGS:
            form = token.form + "다"
        else:
            continue
        if _HANGUL_RUN.fullmatch(form):  # Kiwi's forms of Hangul input are Hangul; never pass anything else
            found.append(form)
    return tuple(found)


#: How far below the build's priority the processes of ``prepare`` analyze words: Pagefind, indexing
#: the other editions beside them, leaves a core partly idle, which they take (Linux gives a process
#: at 19 about 1/70 of a core that one at 0 wants).
NICENESS = 19

#: The fewest new words worth a share of their own in a worker process (``prepare``).
WORDS_SHARE = 2000


def prepare(texts: Iterable[str], workers: int = 1) -> int:
    """Analyze every word of ``texts`` that neither this process nor the cache has analyzed, each
    once, shared out among ``workers`` forked processes; return how many there were.

    Called before the processes that segment ``texts`` fork: they inherit every word's morphemes
    and analyze none themselves. The words go to the cache at once (``save``), so that the forked
    processes do not write them again.
    """
    written: dict[str, None] = {}  # each distinct word of the new texts, as split on spaces
    for text in texts:
        if _cache_path is not None:
            if _key(text) in _texts:
                continue
            _read_words()
        written.update(dict.fromkeys(text.split()))
    wanted: dict[str, None] = {}
    for word in written:
        seen = _words.get(word)
        for run, _ in _runs_of(word) if seen is None else seen:
            if run not in _analyzed:
                wanted[run] = None
    words = list(wanted)
    if not words:
        return 0
    kiwi = load()  # before forking: the workers share it

    def analyze_share(start: int, end: int) -> list[tuple[str, tuple[str, ...]]]:
        os.nice(NICENESS)  # in a forked process of its own: Pagefind, indexing beside it, goes first
        return [(word, _morphemes_of(kiwi.tokenize(word))) for word in words[start:end]]

    if workers > 1 and len(words) >= 2 * WORDS_SHARE and parallel.available():
        shares = parallel.shares(len(words), workers, WORDS_SHARE, per_worker=1)
        for done in parallel.in_order(analyze_share, shares, workers):
            _analyzed.update(done)
            _fresh.update(done)
    else:
        analyze(words)
    save()
    return len(words)


def analyze(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The morphemes of each word (a stretch of Hangul), each word analyzed once a process."""
    wanted = list(dict.fromkeys(words))
    new = [word for word in wanted if word not in _analyzed]
    if new:
        kiwi = load()
        with _lock:
            for word in new:  # one at a time: a list is analyzed by the pool of threads, which there is not
                _analyzed[word] = _fresh[word] = _morphemes_of(kiwi.tokenize(word))
    return {word: _analyzed[word] for word in wanted}


# -- texts and words analyzed by earlier builds ----------------------------------------------------
#
# Kept in ``.cache/newsroom/korean.sqlite3``, as plain text (the morphemes of a text by a hash of
# it; those of a word, separated by spaces), with the version of what analyzed them: another
# Kiwi, model, set of options or tags starts the cache anew. A build reads the texts before its
# workers fork (``remember``); a worker reads the words when it meets a text not in the cache,
# and adds what it analyzed at the end of each share (``save``), marking the texts it used with
# the build's stamp. Once every record is made, ``prune`` drops the texts this build did not use
# (an edited release's earlier versions): the cache holds what the archive holds. Words stay:
# they are bounded by the language's vocabulary, not by the archive's history.

CACHE_FILE = "korean.sqlite3"
_cache_path: Path | None = None
_words_read = False
_texts: dict[str, str] = {}  # a hash of a text -> its morphemes
_fresh: dict[str, tuple[str, ...]] = {}  # words analyzed by this process and not yet saved
_fresh_texts: dict[str, str] = {}
_used: list[str] = []  # texts of the cache this process used and has not marked yet
_stamp = 0  # this build's, set by ``remember``: the texts it used are marked with it
_TABLES = (
    "CREATE TABLE IF NOT EXISTS version (version TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, morphemes TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS texts (key TEXT PRIMARY KEY, morphemes TEXT NOT NULL, seen INTEGER NOT NULL)",
)


@functools.cache
def version() -> str:
    """What shapes the morphemes of a word besides the word itself."""
    versions = []
    for package in ("kiwipiepy", "kiwipiepy_model"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()  # how a text is read and segmented
    return json.dumps([versions, OPTIONS, sorted(NOUN_TAGS), sorted(VERB_TAGS), SHORTEST, code])


def remember(project_dir: Path | None) -> bool:
    """Read the texts earlier builds of this project segmented (before forking), and keep what
    this process analyzes for ``save``; whether any was read (if not, call ``load`` before forking:
    every text is new)."""
    global _cache_path, _words_read, _stamp
    if project_dir is None or os.environ.get(cache.CACHE_VARIABLE, "1") == "0":
        return False
    _cache_path = project_dir / cache.FOLDER / CACHE_FILE
    _words_read = False
    _stamp = time.time_ns()
    _used.clear()
    known = _read("SELECT key, morphemes FROM texts")
    _texts.update(known)
    return bool(known)


def _read_words() -> None:
    global _words_read
    if not _words_read:
        _words_read = True
        for word, found in _read("SELECT word, morphemes FROM words").items():
            _analyzed.setdefault(word, tuple(found.split()))


def _read(query: str) -> dict[str, str]:
    if _cache_path is None or not _cache_path.is_file():
        return {}
    try:
        with closing(cache.connect(_cache_path)) as db:
            row = db.execute("SELECT version FROM version").fetchone()
            if row is None or row[0] != version():
                return {}
            return dict(db.execute(query))
    except sqlite3.Error:
        return {}  # an unreadable cache is no cache


def save() -> None:
    """Add the words this process analyzed to the cache ``remember`` read, if any."""
    if _cache_path is None or not (_fresh or _fresh_texts or _used):
        return
    rows = [(word, " ".join(found)) for word, found in _fresh.items()]
    try:
        _cache_path.parent.mkdir(parents=True, exist_ok=True)
        with cache.connect(_cache_path, timeout=120) as db:  # workers may write at the same time
            db.execute("BEGIN IMMEDIATE")
            db.execute(_TABLES[0])
            row = db.execute("SELECT version FROM version").fetchone()
            if row is None or row[0] != version():  # another version's tables, perhaps of other columns
                for table in ("words", "texts", "version"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
            for table in _TABLES:
                db.execute(table)
            if row is None or row[0] != version():
                db.execute("INSERT INTO version VALUES (?)", (version(),))
            db.executemany("INSERT OR REPLACE INTO words VALUES (?, ?)", rows)
            texts = [(key, found, _stamp) for key, found in _fresh_texts.items()]
            db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)", texts)
            db.executemany("UPDATE texts SET seen = ? WHERE key = ?", [(_stamp, key) for key in _used])
        _fresh.clear()
        _fresh_texts.clear()
        _used.clear()
    except (sqlite3.Error, OSError) as err:
        cache.not_written(_cache_path, err)


def prune() -> None:
    """Drop the texts this build did not use (once every record of the build is made)."""
    if _cache_path is None or not _cache_path.is_file():
        return
    try:
        with cache.connect(_cache_path, timeout=120) as db:
            db.execute("DELETE FROM texts WHERE seen < ?", (_stamp,))
    except sqlite3.Error:
        pass  # kept a build longer


def morphemes(text: str) -> str:
    """The morphemes inside the Korean words of ``text`` that a query could not find by a word's
    start: space-separated, once each, in order of first appearance; empty without Hangul.

    ``북한인권단체들은 정치범수용소에서`` gives ``인권 단체 수용소``: ``북한`` and ``정치범`` already
    begin a word, and Pagefind finds a word by its start. So does a morpheme that begins another
    word of the text: in ``북한인권단체들은 인권을``, ``인권`` finds the release by ``인권을``, and only
    ``단체`` is added (four fifths of the morphemes of a release of the benchmark's archive: every
    word the index holds makes Pagefind's work longer).
    """
    key = ""
    if _cache_path is not None:
        key = _key(text)
        known = _texts.get(key)
        if known is not None:
            _used.append(key)
            return known
        _read_words()
    found = _segment(text)
    if key:
        _texts[key] = _fresh_texts[key] = found
    return found


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _segment(text: str) -> str:
    words = text.split()
    runs: dict[str, None] = {}  # each stretch of Hangul worth analyzing, in order
    for word in words:
        seen = _words.get(word)
        runs.update(dict.fromkeys(run for run, _ in (_runs_of(word) if seen is None else seen)))
    if not runs:
        return ""
    starts = sorted({_stripped(word) for word in words})
    out: dict[str, None] = {}
    for found in analyze(runs).values():
        for form in found:
            if form not in out and not _begins_one(form, starts):
                out[form] = None
    return " ".join(out)


def _begins_one(form: str, starts: list[str]) -> bool:
    """Whether one of ``starts`` (sorted) begins with ``form``: those that do follow it at once."""
    at = bisect.bisect_left(starts, form)
    return at < len(starts) and starts[at].startswith(form)


#: Each word (as split on spaces) seen by this process -> its stretches of Hangul worth analyzing,
#: each with whether it begins the word: an archive repeats its words, and this is the slow part
#: of reading them.
_words: dict[str, tuple[tuple[str, bool], ...]] = {}


def _runs_of(word: str) -> tuple[tuple[str, bool], ...]:
    found = []
    for i, run in enumerate(hangul_runs(word)):
        leading = i == 0 and _stripped(word).startswith(run)
        if len(run) >= SHORTEST or not leading:  # "UN인권": 인권 does not begin the word
            found.append((run, leading))
    _words[word] = runs = tuple(found)
    return runs


def _stripped(word: str) -> str:
    """A word without what Pagefind drops before it (quotes, brackets, dashes)."""
    for start, char in enumerate(word):
        if char.isalnum():
            return word[start:]
    return ""
