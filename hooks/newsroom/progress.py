"""Timings and progress of a build's phases, for editors' logs and the benchmark.

Each phase logs one line when it ends ("newsroom: feeds: 301 files in 1.92 s").
With NEWSROOM_TIMINGS=path.json, the timings are also written there as JSON.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

TIMINGS_VARIABLE = "NEWSROOM_TIMINGS"


class Progress:
    def __init__(self, log: logging.Logger):
        self.log = log
        self.timings: dict[str, float] = {}
        self.figures: dict[str, float] = {}
        """Other measurements for the benchmark (not seconds)."""

    @contextmanager
    def phase(self, name: str) -> Iterator[dict]:
        """Time a phase; the body may put a 'done' text in the yielded dict for the log line."""
        started = time.perf_counter()
        report: dict = {}
        yield report
        seconds = time.perf_counter() - started
        self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 3)
        done = f": {report['done']}" if report.get("done") else ""
        self.log.info(f"newsroom: {name}{done} in {seconds:.2f} s")

    def add(self, name: str, seconds: float) -> None:
        """Count time spent in many small steps (one page rendered) towards a phase."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds

    def save(self) -> None:
        path = os.environ.get(TIMINGS_VARIABLE)
        if path:
            with open(path, "w", encoding="utf-8") as out:
                json.dump(
                    {
                        "phases_s": {k: round(v, 3) for k, v in self.timings.items()},
                        "figures": {k: round(v, 1) for k, v in self.figures.items()},
                    },
                    out,
                    indent=2,
                )
