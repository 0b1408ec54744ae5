"""``python -m newsroom import FROM [--as rss|wordpress|html] [--map import-map.yml] [--dry-run]
[--fetch-images] [--old-site URL]`` (``make import FROM=... AS=... MAP=...``).

Reads the source with its reader, writes the releases (``writer``), writes ``import-report.md`` in
the project root and prints a summary. Exit status: 0 when every item became a release, 1 when
any was skipped, 2 when the mapping file or the command line is wrong (then nothing is written).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from ..settings import Settings
from .arguments import AS_VARIABLE, FROM_VARIABLE, KINDS, MAP_VARIABLE
from .items import ImportMap, Item, Reader, Skipped
from .mapping import MappingError, read_map
from .writer import Options, import_items

REPORT = "import-report.md"
WXR_NAMESPACE = "http://wordpress.org/export/"


def guess_kind(path: Path) -> str | None:
    """rss (any feed), wordpress or html, from what the file or folder holds; None if it cannot tell."""
    if path.is_dir():
        files = [f for f in path.rglob("*") if f.is_file()]
        if any(f.suffix.lower() in (".html", ".htm") for f in files):
            return "html"
        feeds = [f for f in sorted(files) if f.suffix.lower() in (".xml", ".rss", ".atom", ".json")]
        kinds = {guess_kind(f) for f in feeds[:5]}
        return "rss" if "rss" in kinds else ("wordpress" if "wordpress" in kinds else None)
    try:
        with path.open("rb") as file:
            head = file.read(64 * 1024)
    except OSError:
        return None
    if head.lstrip()[:1] == b"{":
        return "rss" if b"jsonfeed.org/version" in head else None
    if path.suffix.lower() in (".html", ".htm"):
        return "html"
    root, namespaces = _root_element(path)
    if root == "rss":
        return "wordpress" if any(uri.startswith(WXR_NAMESPACE) for uri in namespaces) else "rss"
    if root in ("feed", "RDF"):
        return "rss"
    return None


def _root_element(path: Path) -> tuple[str | None, set[str]]:
    """The local name of the XML root element and the namespaces declared on it (no DTD read)."""
    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False, recover=True
        ):
            return etree.QName(element).localname, set(element.nsmap.values())
    except (etree.XMLSyntaxError, OSError, ValueError):
        return None, set()
    return None, set()


def _reader(kind: str) -> Reader:
    if kind == "rss":
        from .feeds import read_feeds

        return read_feeds
    if kind == "wordpress":
        from .wordpress import read_wordpress

        return read_wordpress
    from .html_pages import read_html

    return read_html


def _progress(done: int, total: int) -> None:
    print(f"import: {done:,}/{total:,} items", file=sys.stderr, flush=True)


def _counting(entries: Iterator[Item | Skipped]) -> Iterator[Item | Skipped]:
    for count, entry in enumerate(entries, 1):
        if count % 1000 == 0:
            print(f"import: {count:,} items read", file=sys.stderr, flush=True)
        yield entry


def run(settings: Settings, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.source is None:
        if not os.environ.get(FROM_VARIABLE):
            print("import: name the archive to import: make import FROM=path [AS=...] [MAP=...]", file=sys.stderr)
            return 2
        args.source = Path(os.environ[FROM_VARIABLE])
        args.kind = args.kind or os.environ.get(AS_VARIABLE) or None
        if args.mapping is None and os.environ.get(MAP_VARIABLE):
            args.mapping = Path(os.environ[MAP_VARIABLE])
    if args.kind is not None and args.kind not in KINDS:
        print(f"import: AS={args.kind}: expected rss, wordpress or html", file=sys.stderr)
        return 2
    source: Path = args.source
    if not source.exists():
        print(f"import: {source}: no such file or folder", file=sys.stderr)
        return 2
    mapping = ImportMap()
    if args.mapping is not None:
        try:
            mapping = read_map(args.mapping)
        except MappingError as err:
            count = len(err.problems)
            noun = "problem" if count == 1 else "problems"
            print(f"import: {count} {noun} in the mapping file; nothing was written:", file=sys.stderr)
            for problem in err.problems:
                print(f"  {problem}", file=sys.stderr)
            return 2
    kind = args.kind or guess_kind(source)
    if kind is None:
        print(
            f"import: cannot tell what {source} is (a feed, a WordPress export, or a folder of HTML pages); "
            "name it with --as rss, --as wordpress or --as html",
            file=sys.stderr,
        )
        return 2
    if kind == "html" and mapping.html is None:
        message = "import: saved HTML pages need a mapping file with an html: section (--map import-map.yml)"
        print(message, file=sys.stderr)
        return 2
    hosts = []
    for address in args.old_site:
        host = urlsplit(address).hostname
        if urlsplit(address).scheme not in ("http", "https") or not host:
            print(f"import: --old-site {address}: expected an address such as https://old.example/", file=sys.stderr)
            return 2
        hosts.append(host.lower())
    try:
        reader = _reader(kind)
    except ImportError as err:
        print(f"import: the {kind} reader is not available yet ({err})", file=sys.stderr)
        return 2
    options = Options(
        dry_run=args.dry_run,
        fetch_images=args.fetch_images,
        old_sites=tuple(hosts),
        scope=str(source),
        progress=_progress,
    )
    report = import_items(_counting(reader(source, mapping)), settings, mapping, options)
    (settings.project_dir / REPORT).write_text(report.markdown(), encoding="utf-8")
    print(report.summary())
    print(f"import: the report is in {REPORT} ({time.perf_counter() - started:.1f} s)")
    return report.exit_status
