"""The arguments of ``python -m newsroom import``, apart from the importer itself: the editor
tools' command line is built without loading the importer (and its parsers) unless it runs."""

from __future__ import annotations

import argparse
from pathlib import Path

KINDS = ("rss", "wordpress", "html")
#: Where ``make import`` puts FROM, AS and MAP: through the environment, never a shell command line.
FROM_VARIABLE, AS_VARIABLE, MAP_VARIABLE = "NEWSROOM_IMPORT_FROM", "NEWSROOM_IMPORT_AS", "NEWSROOM_IMPORT_MAP"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        metavar="FROM",
        type=Path,
        nargs="?",
        help=f"a feed, a WordPress export, or a folder (else the environment variable {FROM_VARIABLE})",
    )
    parser.add_argument("--as", dest="kind", choices=KINDS, help="what FROM is (guessed from the file when absent)")
    parser.add_argument("--map", dest="mapping", type=Path, help="the mapping file (import-map.yml)")
    parser.add_argument("--dry-run", action="store_true", help="write only the report")
    parser.add_argument("--fetch-images", action="store_true", help="download photos from the old site")
    parser.add_argument(
        "--old-site",
        action="append",
        default=[],
        metavar="URL",
        help="another address of the old site whose paths become aliases (repeatable)",
    )
