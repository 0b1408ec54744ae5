"""A command timed, with the memory of its whole process tree (the build, its forked workers,
Pagefind...) sampled while it runs: the sum over the tree, not the largest process."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: How often the tree's memory is read: often enough for runs of seconds; each reading walks /proc, and
#: reading the memory of a process of gigabytes costs the kernel time, taken from the build measured.
SAMPLE_S = 0.2
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Measured:
    seconds: float
    peak_mib: float
    """The largest proportional set size (PSS) of the whole tree at one moment: pages shared by
    forked workers counted once between them, as the system's memory holds them."""
    peak_rss_mib: float
    """The same with resident sizes, which count each shared page in every process."""
    returncode: int
    peak_parts: tuple[tuple[str, float], ...] = ()
    """At the PSS peak: each process of the tree (its name, with the build first) and its PSS in MiB."""


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, as /proc lists their children."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                queue += [int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except OSError:
            continue  # gone meanwhile
    return found


def name_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def memory_of(pid: int) -> tuple[int, int]:
    """The PSS and RSS of one process, in bytes (0 when it is gone)."""
    try:
        pss = rss = 0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
            elif line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
        return pss, rss
    except OSError:
        try:
            rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            return rss, rss
        except OSError:
            return 0, 0


def run(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, quiet: bool = False) -> Measured:
    """Run ``argv`` to its end; its wall time and the peak memory of its process tree."""
    started = time.monotonic()
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=output, stderr=output)
    peak = [0, 0]
    parts: list[tuple[str, float]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = descendants(process.pid)
            totals = [memory_of(pid) for pid in pids]
            if sum(pss for pss, _ in totals) > peak[0]:
                peak[0] = sum(pss for pss, _ in totals)
                parts[:] = [(name_of(pid), round(pss / 2**20)) for pid, (pss, _) in zip(pids, totals, strict=True)]
            peak[1] = max(peak[1], sum(rss for _, rss in totals))
            done.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    returncode = process.wait()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    return Measured(seconds, peak[0] / 2**20, peak[1] / 2**20, returncode, tuple(parts))
