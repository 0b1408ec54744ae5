"""`mkdocs build` with Korean text left unsegmented, for the benchmark's comparison
(``--korean-cost``): the build as it would be without ``korean.morphemes`` (and ``korean.prepare``).

    PYTHONPATH=hooks python -m benchmarks.without_korean build -f mkdocs.yml -d site
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from mkdocs.__main__ import cli

from newsroom import korean


def nothing(text: str) -> str:
    return ""


def none_analyzed(texts: Iterable[str], workers: int = 1) -> int:
    return 0


if __name__ == "__main__":
    korean.morphemes = nothing
    korean.prepare = none_analyzed
    sys.exit(cli())
