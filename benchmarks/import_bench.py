"""Time an import of a synthetic RSS 2.0 feed (``content:encoded``, categories, links between items).

    python -m benchmarks.import_bench --items 10000

Writes the feed and an empty project into a temporary folder, runs ``python -m newsroom import``
on it as an editor does (a new process, the repository's mkdocs.yml), then a second import of the
same feed (every release unchanged), and prints the seconds of each. The issue's bound: 10,000
items in at most 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 60.0
WORDS = (
    "rights council detention release court journalists accountability report witnesses "
    "government investigation families freedom expression assembly protest torture refugees"
).split()
CATEGORIES = ("Asia", "North Korea", "Myanmar", "Cambodia", "Torture", "Refugees", "Press Freedom")


def feed(count: int, seed: int = 7) -> str:
    """An RSS 2.0 feed of ``count`` items, as a WordPress site writes one."""
    rng = random.Random(seed)
    start = datetime(2005, 1, 1, 9, tzinfo=timezone(timedelta(hours=9)))
    items = []
    for number in range(count):
        when = start + timedelta(hours=7 * number)
        slug = f"release-{number}-" + "-".join(rng.sample(WORDS, 3))
        paragraphs = []
        for p in range(rng.randint(3, 8)):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 90))).capitalize() + "."
            if p == 0:
                text = "(Seoul) – " + text
            if p == 1 and number:
                text += f' See <a href="https://old.example/press/{number - 1}/">the previous release</a>.'
            paragraphs.append(f"<p>{text}</p>")
        categories = "".join(f"<category><![CDATA[{c}]]></category>" for c in rng.sample(CATEGORIES, 2))
        items.append(
            f"<item><title>{escape(slug.replace('-', ' ').title())}</title>"
            f"<link>https://old.example/press/{number}/</link>"
            f'<guid isPermaLink="false">https://old.example/?p={number}</guid>'
            f"<pubDate>{format_datetime(when)}</pubDate>{categories}"
            f"<description>{escape(slug)} in one sentence.</description>"
            f"<content:encoded><![CDATA[{''.join(paragraphs)}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Old</title>'
        f"<link>https://old.example/</link><language>en</language>{''.join(items)}</channel></rss>\n"
    )


def run(project: Path, source: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks"), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "newsroom", "-f", str(project / "mkdocs.yml"), "import", str(source)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsroom-import-bench-") as work:
        project = Path(work) / "project"
        (project / "press_releases").mkdir(parents=True)
        (project / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
        source = Path(work) / "feed.xml"
        source.write_text(feed(args.items), encoding="utf-8")
        size = source.stat().st_size / 1e6
        print(f"{args.items:,} items, a {size:.1f} MB feed ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
        first, done = run(project, source)
        print(done.stdout.strip())
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        written = len(list((project / "press_releases").glob("*.md")))
        again, repeat = run(project, source)
        print(f"import: {first:.1f} s ({written:,} releases written, {1000 * first / args.items:.2f} ms per item)")
        print(f"second import (all unchanged): {again:.1f} s")
        if args.items >= 10_000 and first > LIMIT_S * args.items / 10_000:
            print(f"slower than the bound of {LIMIT_S:.0f} s per 10,000 items", file=sys.stderr)
            return 1
        return 0 if repeat.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
