"""Work shared out to forked processes, results back in order.

The workers are forked, so they see everything this process has read and built;
only the bounds of each share go to them, and only their results come back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_JOB: Callable[[int, int], object] | None = None

#: Held while this process forks, here and where a thread starts a program (Pagefind): a process
#: forked while another thread's ``subprocess.Popen`` waits for its program to start inherits the
#: pipe that tells Popen it started, and Popen then waits until that process ends.
FORKING = threading.Lock()


def _fresh_lock() -> None:
    """In a forked process: a lock of its own, free (its parent's was held while it forked)."""
    global FORKING
    FORKING = threading.Lock()


os.register_at_fork(after_in_child=_fresh_lock)


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
        with FORKING:
            pool = multiprocessing.get_context("fork").Pool(workers)
        with pool:
            yield from pool.imap(_run, bounds)
    finally:
        _JOB = None


def _run(bounds: tuple[int, int]) -> object:
    assert _JOB is not None
    return _JOB(*bounds)


class ForkedError(RuntimeError):
    """A forked job failed (its message says how) or its process ended without a word."""


def _described(err: BaseException) -> str:
    return str(err) if isinstance(err, OSError) else f"{type(err).__name__}: {err}"


class Forked:
    """A job run by a process forked from the build, beside it; its result comes back pickled.

    A plain fork, not a pool: no thread is left in the build, which forks again later (Pagefind's
    documents). The process dies with the build; ``cancel`` stops it at once.
    """

    def __init__(
        self, job: Callable[[], object], niceness: int = 0, describe: Callable[[BaseException], str] = _described
    ):
        """Run ``job`` in a forked process, ``niceness`` steps below the build's priority; a
        failure comes back as ``describe`` tells it."""
        parent = os.getpid()
        read, write = os.pipe()
        with FORKING:
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the forked process (its work is checked by the parent)
            os.close(read)
            code = 1
            try:
                _die_with(parent)
                os.nice(niceness)
                outcome: tuple[str, object] = ("done", job())
                code = 0
            except BaseException as err:  # noqa: BLE001 - told to the parent, which fails the build
                outcome = ("failed", describe(err))
            try:
                with os.fdopen(write, "wb") as pipe:
                    pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.read = pid, read

    def result(self) -> Any:
        """Wait for the process; its result, or ForkedError."""
        with os.fdopen(self.read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not data:
            raise ForkedError(f"the process writing it ended without a result (exit status {status})")
        kind, value = pickle.loads(data)
        if kind != "done":
            raise ForkedError(value)
        return value

    def cancel(self) -> None:
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.read)
            self.pid = 0


class Claims:
    """The indexes ``0..count`` of a job two processes share, each taking the next batch from its
    own end: a process forked beside the build from the front, the build itself from the back
    once it has nothing else to do. Neither waits for the other to finish a share it was given
    in advance, and no index is taken twice. Made before the fork."""

    #: How long a claim waits for the other process's (which takes microseconds): longer only if
    #: that process was killed while it claimed.
    TIMEOUT = 60.0

    def __init__(self, count: int):
        context = multiprocessing.get_context("fork")
        self._ends = context.RawArray("q", [0, count])  # the next from the front, one past the last from the back
        self._lock = context.Lock()

    def _claim(self, size: int, from_back: bool) -> range:
        if not self._lock.acquire(timeout=self.TIMEOUT):
            raise ForkedError("the process sharing the work stopped while it claimed a share")
        try:
            front, back = self._ends[0], self._ends[1]
            if from_back:
                start, end = max(front, back - size), back
                self._ends[1] = start
            else:
                start, end = front, min(back, front + size)
                self._ends[0] = end
        finally:
            self._lock.release()
        return range(start, end)

    def front(self, size: int) -> range:
        """The next ``size`` indexes (or fewer) from the front; empty when none is left."""
        return self._claim(size, from_back=False)

    def back(self, size: int) -> range:
        """The next ``size`` indexes (or fewer) from the back; empty when none is left."""
        return self._claim(size, from_back=True)


def _die_with(parent: int) -> None:
    """Make this forked process end when the build's process does (Linux), so that no writer
    outlives a killed build and writes into a folder the next build cleans up."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1
