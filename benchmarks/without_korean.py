"""`mkdocs build` with Korean text left unsegmented, for the benchmark's comparison
(``--korean-cost``): the build as it would be without ``korean.morphemes``.

    PYTHONPATH=hooks python -m benchmarks.without_korean build -f mkdocs.yml -d site
"""

from __future__ import annotations

import sys

from mkdocs.__main__ import cli

from newsroom import korean


def nothing(text: str) -> str:
    return ""


if __name__ == "__main__":
    korean.morphemes = nothing
    sys.exit(cli())
