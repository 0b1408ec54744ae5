"""Work shared out to forked processes, results back in order.

The workers are forked, so they see everything this process has read and built;
only the bounds of each share go to them, and only their results come back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_JOB: Callable[[int, int], object] | None = None


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def shares(count: int, workers: int, smallest: int, per_worker: int = 4) -> list[tuple[int, int]]:
    """Bounds (start, end) covering 0..count: about ``per_worker`` shares a worker, none under ``smallest``."""
    size = max(smallest, count // (workers * per_worker), 1)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def in_order(job: Callable[[int, int], T], bounds: list[tuple[int, int]], workers: int) -> Iterator[T]:
    """``job(start, end)`` for each share, run by ``workers`` forked processes; results in the order of ``bounds``."""
    global _JOB
    _JOB = job
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_run, bounds)
    finally:
        _JOB = None


def _run(bounds: tuple[int, int]) -> object:
    assert _JOB is not None
    return _JOB(*bounds)
