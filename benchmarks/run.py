"""Time a full `mkdocs build` of a synthetic archive.

    make bench N=10000        # or: python -m benchmarks.run --releases 10000
    python -m benchmarks.run --releases 10000 --repeat 3 --vocabulary zipf --compare hugo
    python -m benchmarks.run --scale 1000,10000,50000 --vocabulary zipf --compare hugo
    python -m benchmarks.run --releases 10000 --repeat 2 --vocabulary zipf --incremental

Prints wall seconds (the first build cold, without the Markdown cache; the others warm, with
it), the peak memory of the build's whole process tree (the build, its Markdown workers,
Pagefind, sampled together: ``benchmarks.measure``) and of its largest process, milliseconds
per release, the newsroom's own phase timings (of the last build) and figures, page weights,
and `make check` warm and cold; with ``--incremental``, an hourly build (one release edited).
With ``--compare hugo``, each build is followed by Hugo's of
the same releases and by Pagefind over Hugo's site (``benchmarks.hugo``), interleaved, with
their minimum, median and memory. ``--scale`` does it all for each archive size and ends with
a table of how the figures grow. The archive is generated once per N under bench/ and reused.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zlib
from pathlib import Path
from typing import Any

from benchmarks import hugo, measure
from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parent.parent


#: Where a run puts what it would delete (``discard``), emptied when it ends.
TRASH_NAME = ".trash"
_trash: list[Path] = []


def discard(path: Path) -> None:
    """Put ``path`` (if it is there) out of the way now, in the run's trash, and delete it only
    when the run ends (``empty_trash``).

    Deleting many files just before a build would slow the build on some machines, this one among
    them: on an ext4 file system without a journal, Linux, to give a new file an inode, passes
    over every free inode deleted in the last one to six minutes, one by one (``recently_deleted``
    in fs/ext4/ialloc.c). Writing 14,000 pages took 22.8 s of processor time just after as many
    were deleted, and 1.0 s with no deletion in the minutes before. A runner of the publishing
    workflow starts on a fresh disk with nothing deleted (and a journal), and so do Hugo's builds
    here: each build is measured as it would run there."""
    if not (path.exists() or path.is_symlink()):
        return
    if _trash:
        try:
            _trash[0].mkdir(exist_ok=True)
            path.rename(_trash[0] / f"{time.time_ns()}-{path.name}")
            return
        except OSError:  # on another file system: deleted now
            pass
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def empty_trash() -> None:
    while _trash:
        shutil.rmtree(_trash.pop(), ignore_errors=True)


#: The editions line of the repository's mkdocs.yml, which ``--languages`` replaces.
REPOSITORY_LANGUAGES = "    languages: [en, ko, ar]\n"


def prepare(
    work: Path,
    count: int,
    languages: tuple[str, ...] = (),
    translated: float = 0.0,
    vocabulary: str = "small",
    shard_size: int | None = None,
    photos: str = "shared",
) -> Path:
    """A project folder with the repository's config, hooks and theme, and ``count`` releases
    (and, with ``languages``, their versions in the other languages, and those editions configured;
    with ``shard_size``, the search index's ``search_shard_size``)."""
    name = f"n{count}" + (f"-{'-'.join(languages)}-t{translated:g}" if languages else "")
    name += "-zipf" if vocabulary == "zipf" else ""
    name += "-photos" if photos == "own" else ""
    project = work / name
    releases = project / "press_releases"
    stamp = project / ".generated"
    if not stamp.exists():
        shutil.rmtree(project, ignore_errors=True)
        generate(
            releases, count, languages=languages or ("en",), translated=translated, vocabulary=vocabulary, photos=photos
        )
        stamp.write_text(name)
    for name in ("mkdocs.yml", "hooks", "overrides", "docs"):
        target = project / name
        if target.is_symlink() or target.exists():
            target.unlink() if target.is_symlink() or target.is_file() else shutil.rmtree(target)
        if name == "docs":  # published files must lie inside the project: copied, not linked
            shutil.copytree(ROOT / name, target)
        elif name == "mkdocs.yml" and (languages or shard_size):
            config = (ROOT / name).read_text(encoding="utf-8")
            if config.count(REPOSITORY_LANGUAGES) != 1:
                sys.exit(f"mkdocs.yml has no line {REPOSITORY_LANGUAGES.strip()!r} for --languages to replace")
            line = f"    languages: [{', '.join(languages)}]\n" if languages else REPOSITORY_LANGUAGES
            if shard_size:
                line += f"    search_shard_size: {shard_size}\n"
            target.write_text(config.replace(REPOSITORY_LANGUAGES, line))
        else:
            target.symlink_to(ROOT / name)
    return project


def sizes(site: Path) -> dict[str, float | str]:
    """Weights of the HTML pages, in KB: releases on average, listings at their heaviest."""
    releases = list(site.glob("news/[0-9]*/[0-9]*/[0-9]*/*/index.html"))
    release_kb = sum(p.stat().st_size for p in releases) / max(len(releases), 1) / 1024
    listing = [
        p
        for p in site.rglob("index.html")
        if not p.is_relative_to(site / "news")
        or p.parent.parent.name == "page"
        or len(p.relative_to(site / "news").parts) <= 3
    ]
    heaviest = max(listing, key=lambda p: p.stat().st_size, default=None)
    return {
        "release_page_kb_avg": round(release_kb, 1),
        "listing_page_kb_max": round(heaviest.stat().st_size / 1024, 1) if heaviest else 0,
        "listing_page_max": str(heaviest.relative_to(site)) if heaviest else "",
        "html_pages": sum(1 for _ in site.rglob("*.html")),
        **published(site),
    }


def published(site: Path) -> dict[str, float]:
    """What a host is sent: every file of the site, and their bytes (GitHub Pages asks for under
    1 GB), and the artifact the publishing workflow uploads (``pages_artifact``)."""
    files, size = 0, 0
    for folder, _, names in os.walk(site):
        for name in names:
            files += 1
            size += os.lstat(os.path.join(folder, name)).st_size
    return {"site_files": files, "site_mib": round(size / 2**20, 1), "artifact_mib": pages_artifact(site)}


class _Deflated(io.RawIOBase):
    """A sink that counts what its bytes deflate to."""

    def __init__(self, level: int):
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(self.compressor.compress(data))
        return len(data)

    def finish(self) -> int:
        self.size += len(self.compressor.flush())
        return self.size


def pages_artifact(site: Path) -> float:
    """MiB of the artifact the publishing workflow uploads to GitHub Pages: the site in one tar
    file (``actions/upload-pages-artifact``), deflated at level 6 by ``actions/upload-artifact``.
    ``actions/deploy-pages`` warns when it is over 1 GB. Counted as it streams, never written."""
    sink = _Deflated(6)
    with tarfile.open(fileobj=sink, mode="w|", format=tarfile.GNU_FORMAT) as tar:
        tar.add(site, arcname=".")
    return round(sink.finish() / 2**20, 1)


def by_language(releases: Path) -> dict[str, int]:
    """How many releases of each language the archive has (a version's file ends in -<tag>.md)."""
    counts: dict[str, int] = {}
    for path in releases.glob("*.md"):
        tail = path.stem.rsplit("-", 1)[-1]
        language = tail if tail.isalpha() and len(tail) <= 3 else "default"
        counts[language] = counts.get(language, 0) + 1
    return dict(sorted(counts.items()))


def preview(project: Path, site: Path) -> dict[str, float]:
    """`make serve` in one process: a first build, then one release edited and rebuilt with --dirty.

    Returns the seconds of both builds; fails if the edit is not in the rebuilt page.
    """
    import logging
    import tempfile

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    os.environ.update(NO_MKDOCS_2_WARNING="1", NEWSROOM_NOW="2026-11-01T00:00:00Z")
    serve_site = Path(tempfile.mkdtemp(prefix="newsroom-serve-"))
    releases = sorted((project / "press_releases").glob("*.md"))
    edited = releases[len(releases) // 2]
    original = edited.read_text(encoding="utf-8")

    def rebuild() -> float:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(serve_site))
        config.plugins.on_startup(command="serve", dirty=True)
        started = time.monotonic()
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
        return time.monotonic() - started

    try:
        first = rebuild()
        edited.write_text(original.replace('title: "', 'title: "Edited: ', 1), encoding="utf-8")
        second = rebuild()
        slug = edited.stem[11:]
        page = next(serve_site.glob(f"news/*/*/*/{slug}/index.html"))
        if "Edited: " not in page.read_text(encoding="utf-8"):
            sys.exit("preview rebuild did not show the edit")
    finally:
        edited.write_text(original, encoding="utf-8")
        discard(serve_site)
    return {"preview_first_build_s": round(first, 2), "preview_rebuild_after_one_edit_s": round(second, 2)}


def one_edited(command: list[str], env: dict[str, str], project: Path, site: Path, timings: Path) -> dict:
    """Hourly builds (issue 15): the newest release edited since the last build, whose cache
    (``.cache/newsroom/``) each has. Three of them, in turn, each after a new edit:

    - ``one_edited``: into the site the last build published, restored as the publishing workflow
      restores it with its cache (copied: every file new on the disk, so each one the build keeps
      is read and checked against the manifest, ``newsroom.published``);
    - ``one_edited_in_place``: into the site left where the last build published it (a machine
      that builds hour after hour);
    - ``one_edited_empty_site``: into an empty site folder (a workflow that restores only
      ``.cache/newsroom/``: every file written anew).

    Run after the other builds; the release is put back afterwards."""
    report: dict[str, object] = {}

    def restored() -> None:  # outside the time measured, as actions/cache restores before the build
        copy = site.with_name(f"{site.name}.restored")
        discard(copy)
        shutil.copytree(site, copy, symlinks=True)
        discard(site)
        copy.rename(site)

    def emptied() -> None:
        discard(site)

    for name, prepare in (("one_edited", restored), ("one_edited_in_place", None), ("one_edited_empty_site", emptied)):
        if prepare is not None:
            prepare()
        report.update(_hourly(name, command, env, project, timings))
    return report


def _hourly(name: str, command: list[str], env: dict[str, str], project: Path, timings: Path) -> dict:
    edited = max((project / "press_releases").glob("*.md"))
    original = edited.read_text(encoding="utf-8")
    # A word no release has, new on every run: the edit changes the release's search record too.
    edited.write_text(original + f"\nA correction, editedword{time.time_ns()}.\n", encoding="utf-8")
    try:
        built = measure.run(command, env=env, cwd=project)
        if built.returncode:
            sys.exit(f"the build after one edit ({name}) failed with exit code {built.returncode}")
    finally:
        edited.write_text(original, encoding="utf-8")
    phases = json.loads(timings.read_text()) if timings.exists() else {}
    return {
        f"{name}_s": round(built.seconds, 2),
        f"{name}_peak_tree_mib": round(built.peak_mib),
        f"{name}_peak_tree_parts": [f"{part} {mib}" for part, mib in built.peak_parts if mib],
        f"{name}_timings": phases,
    }


def first_query_bytes(site: Path, query: str, start: str = "about/", key: str = "first_query") -> dict[str, object]:
    """What a reader's first search downloads: type ``query`` in the header box of a page in
    headless Chromium and add up the index files it fetches (served as they are on disk)."""
    import functools
    import http.server
    import socketserver
    import threading

    from playwright.sync_api import sync_playwright

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(site))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    fetched: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(base + start)
        page.on("request", lambda request: fetched.append(request.url))
        started = time.monotonic()
        page.focus("#nr-search-input")
        page.keyboard.type(query)
        page.wait_for_selector("#nr-search-list [role=option]", timeout=60_000)
        seconds = time.monotonic() - started
        browser.close()
    server.shutdown()
    files = {url[len(base) :].split("?")[0] for url in fetched if url.startswith(base)}
    total = sum((site / name).stat().st_size for name in files if (site / name).is_file())
    return {
        key: query,
        f"{key}_kb": round(total / 1024, 1),
        f"{key}_s": round(seconds, 2),
        f"{key}_files": len(files),
    }


def search_alone(command: list[str], env: dict[str, str], project: Path, site: Path, timings: Path) -> dict[str, Any]:
    """Search indexing with nothing beside it: records, then Pagefind waited for at once."""
    discard(site)
    result = subprocess.run(command, env={**env, "NEWSROOM_SEARCH_FOREGROUND": "1"}, cwd=project)
    if result.returncode:
        sys.exit(f"build failed with exit code {result.returncode}")
    measured = json.loads(timings.read_text())
    phases = {name: s for name, s in measured["phases_s"].items() if name.startswith("search")}
    return {
        "search_alone_s": round(sum(phases.values()), 2),
        "search_alone_phases_s": phases,
        "search_alone_pagefind_peak_mib": round(measured["figures"]["pagefind peak MiB"]),
    }


def korean_cost(
    command: list[str], env: dict[str, str], project: Path, site: Path, timings: Path, repeat: int = 1
) -> dict[str, object]:
    """What segmenting Korean adds to search indexing (in the foreground, nothing beside it):
    without it, in a first build (no words analyzed yet), and in a build after it; ``repeat``
    times, interleaved, compared by their medians (the machine's load drifts between runs)."""
    no_segmentation = [command[0], "-m", "benchmarks.without_korean", *command[3:]]
    runs = {
        "without": (no_segmentation, False),
        "first": (command, True),
        "after": (command, False),
    }
    seconds: dict[str, list[float]] = {run: [] for run in runs}
    phases: dict[str, list[dict[str, float]]] = {run: [] for run in runs}
    pagefind_cpu: dict[str, list[float]] = {run: [] for run in runs}
    for _ in range(repeat):
        for run, (argv, fresh) in runs.items():
            if fresh:
                (project / ".cache" / "newsroom" / "korean.sqlite3").unlink(missing_ok=True)
            # Every run indexes every edition: none reuses an index an earlier run left in the cache.
            discard(project / ".cache" / "newsroom" / "pagefind")
            paths = f"{ROOT / 'hooks'}{os.pathsep}{ROOT}"
            measured = search_alone(argv, {**env, "PYTHONPATH": paths}, project, site, timings)
            seconds[run].append(measured["search_alone_s"])
            phases[run].append(measured["search_alone_phases_s"])
            pagefind_cpu[run].append(json.loads(timings.read_text())["figures"]["pagefind CPU seconds"])
    base = statistics.median(seconds["without"])
    return {
        "search_phases_s": phases,
        "search_pagefind_cpu_s": pagefind_cpu,
        "search_without_korean_segmentation_s": spread(seconds["without"]),
        "search_first_build_s": spread(seconds["first"]),
        "search_after_it_s": spread(seconds["after"]),
        "korean_segmentation_adds_first_build": f"{statistics.median(seconds['first']) / base - 1:+.1%}",
        "korean_segmentation_adds_after_it": f"{statistics.median(seconds['after']) / base - 1:+.1%}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench")
    parser.add_argument("--repeat", type=int, default=1, help="build this many times; report each and the median")
    parser.add_argument(
        "--preview", action="store_true", help="also time `make serve`: a rebuild after editing one release"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="also time an hourly build: the newest release edited, everything else from the cache",
    )
    parser.add_argument(
        "--search-alone",
        action="store_true",
        help="also build once with Pagefind in the foreground, to time indexing alone",
    )
    parser.add_argument(
        "--languages",
        help="editions, the first the releases' own (en,ko,ar): the others' versions of --translated of them",
    )
    parser.add_argument("--translated", type=float, default=0.3, help="with --languages: the share translated")
    parser.add_argument(
        "--korean-cost",
        action="store_true",
        help="also time search indexing without segmenting Korean, in a first build and in one after it",
    )
    parser.add_argument(
        "--korean-cost-repeat",
        type=int,
        default=3,
        help="with --korean-cost: how many times each of its three builds runs, interleaved (median)",
    )
    parser.add_argument(
        "--shard-size",
        type=int,
        help="the search index's search_shard_size (Pagefind's memory against the search page's files)",
    )
    parser.add_argument(
        "--vocabulary",
        choices=["small", "zipf"],
        default="small",
        help="the English words: 77, evenly (small), or tens of thousands as real text has them (zipf)",
    )
    parser.add_argument(
        "--photos",
        choices=["shared", "own"],
        default="shared",
        help="every third release with one of 8 shared photos (shared), or every release with its own (own)",
    )
    parser.add_argument(
        "--compare",
        choices=["hugo"],
        help="also build the same releases with Hugo, and Hugo + Pagefind, interleaved with the newsroom's builds",
    )
    parser.add_argument("--scale", help="archive sizes to measure in turn (1000,10000,50000): a table of growth")
    parser.add_argument(
        "--keep-trash",
        action="store_true",
        help=f"leave what the run moved aside in WORK/{TRASH_NAME} (for runs in a row: delete it after the last)",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.scale.split(",")] if args.scale else [args.releases]
    reports = []
    args.work.mkdir(parents=True, exist_ok=True)
    _trash.append(args.work / TRASH_NAME)
    try:
        for count in counts:
            report = measure_archive(args, count)
            print(json.dumps(report, indent=2, ensure_ascii=False), flush=True)
            reports.append(report)
    finally:
        if not args.keep_trash:
            empty_trash()
    if len(reports) > 1:
        print(growth_table(reports))


def spread(values: list[float]) -> dict[str, object]:
    return {
        "min": round(min(values), 2),
        "median": round(statistics.median(values), 2),
        "each": [round(v, 2) for v in values],
    }


def growth_table(reports: list[dict]) -> str:
    """How the figures grow with the archive, as a Markdown table (each row against the first)."""
    rows = [
        "| releases | newsroom warm (median) | cold | process tree peak | site | Hugo | Hugo + Pagefind "
        "| growth of the warm build |",
        "|---|---|---|---|---|---|---|---|",
    ]
    first = reports[0]
    for report in reports:
        compare = report.get("compare", {})
        warm = report["wall_s_warm"] or report["wall_s"]
        growth = warm / (first["wall_s_warm"] or first["wall_s"])
        hugo_s = compare.get("hugo_s", {}).get("median", "–")
        both = compare.get("hugo_pagefind_s", {}).get("median", "–")
        rows.append(
            f"| {report['releases']:,} | {warm} s | {report['wall_s_cold']} s | {report['peak_tree_mib']:,} MiB "
            f"| {report['site_files']:,} files, {report['site_mib']} MiB | {hugo_s} s | {both} s "
            f"| {growth:.1f}× for {report['releases'] / first['releases']:.3g}× the releases |"
        )
    return "\n".join(rows)


def measure_archive(args: argparse.Namespace, count: int) -> dict:
    """Every figure of one archive size (see the module's docstring)."""
    languages = tuple(args.languages.split(",")) if args.languages else ()
    project = prepare(args.work, count, languages, args.translated, args.vocabulary, args.shard_size, args.photos)
    site = project / "site"
    timings = project / "timings.json"
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "NEWSROOM_TIMINGS": str(timings),
        "NEWSROOM_NOW": "2026-11-01T00:00:00Z",
        # The page cache works only with a secret, as in the publishing workflow (newsroom.page_cache).
        "NEWSROOM_CACHE_SECRET": os.environ.get("NEWSROOM_CACHE_SECRET", "the benchmark's secret"),
    }
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    cache = project / ".cache"
    walls, trees, parts = [], [], []
    others: dict[str, list[measure.Measured]] = {"hugo": [], "pagefind": []}
    hugo_site = hugo.hugo_project(project) if args.compare == "hugo" else None
    hugo_output = args.work / f"{project.name}-hugo-public"
    for number in range(args.repeat):
        discard(site)  # as on a fresh clone: nothing to clean first
        if number == 0:
            discard(cache)  # the first build is cold: no Markdown cache
        built = measure.run(command, env=env, cwd=project)
        walls.append(built.seconds)
        trees.append(built.peak_mib)
        parts.append(built.peak_parts)
        if built.returncode:
            sys.exit(f"build failed with exit code {built.returncode}")
        if hugo_site is not None:  # interleaved: the same load on the machine for both
            discard(hugo_output)
            for name, argv in (
                ("hugo", hugo.hugo_command(hugo_site, hugo_output)),
                ("pagefind", hugo.pagefind_command(hugo_output)),
            ):
                done = measure.run(argv, quiet=True)
                if done.returncode:
                    sys.exit(f"{name} failed with exit code {done.returncode}")
                others[name].append(done)
    wall = statistics.median(walls)
    # The largest of any process waited for: the build, its forked workers, Pagefind.
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = {
        "releases": count,
        "wall_s": round(wall, 2),
        "wall_s_each": [round(w, 2) for w in walls],
        "wall_s_cold": round(walls[0], 2),
        "wall_s_warm": round(statistics.median(walls[1:]), 2) if len(walls) > 1 else None,
        "peak_tree_mib": round(max(trees)),
        "peak_tree_mib_each": [round(t) for t in trees],
        "peak_tree_parts_each": [[f"{name} {mib}" for name, mib in each if mib] for each in parts],
        "peak_mib_any_process": round(peak_mib),
        "ms_per_release": round(wall * 1000 / count, 2),
        **(json.loads(timings.read_text()) if timings.exists() else {}),
        **sizes(site),
    }
    if hugo_site is not None:
        hugo_s = [h.seconds for h in others["hugo"]]
        both = [h.seconds + p.seconds for h, p in zip(others["hugo"], others["pagefind"], strict=True)]
        warm = walls[1:] or walls
        report["compare"] = {
            "newsroom_s": spread(walls),
            "newsroom_warm_s": spread(warm),
            "hugo_s": spread(hugo_s),
            "hugo_pagefind_s": spread(both),
            "newsroom_warm_over_hugo_pagefind": round(statistics.median(warm) / statistics.median(both), 2),
            "newsroom_cold_over_hugo_pagefind": round(walls[0] / statistics.median(both), 2),
            "newsroom_warm_over_hugo": round(statistics.median(warm) / statistics.median(hugo_s), 2),
            "peak_tree_mib": {
                "newsroom": round(max(trees)),
                "hugo": round(max(h.peak_mib for h in others["hugo"])),
                "hugo_pagefind": round(
                    max(max(h.peak_mib, p.peak_mib) for h, p in zip(others["hugo"], others["pagefind"], strict=True))
                ),
            },
            "hugo_site": {"html_pages": sum(1 for _ in hugo_output.rglob("*.html")), **published(hugo_output)},
        }
    if args.incremental:  # before `make check` cold, which empties the cache
        report.update(one_edited(command, env, project, site, timings))
    for state in ("warm", "cold"):  # warm: with the builds' cache; cold: without any
        if state == "cold":
            discard(cache)
        started = time.monotonic()
        checked = subprocess.run(
            [sys.executable, "-m", "newsroom", "-f", str(project / "mkdocs.yml"), "check"],
            env={**env, "PYTHONPATH": str(ROOT / "hooks")},
            capture_output=True,
            text=True,
        )
        report[f"make_check_{state}_s"] = round(time.monotonic() - started, 2)
        if checked.returncode:
            sys.exit(f"make check failed: {checked.stderr}")
    versions = tuple(f"-{language}" for language in languages[1:])  # the other languages' files
    first = next(p for p in sorted((project / "press_releases").glob("*.md")) if not p.stem.endswith(versions))
    title = first.read_text(encoding="utf-8").split("title: ")[1]
    report.update(first_query_bytes(site, title.strip('"').split(":")[0]))
    if "ko" in languages[1:]:  # a Korean reader's first query, from the Korean edition's home
        report.update(first_query_bytes(site, "인권", "ko/", "first_query_ko"))
    report["releases_by_language"] = by_language(project / "press_releases")
    if args.search_alone:
        report.update(search_alone(command, env, project, site, timings))
    if args.korean_cost:
        report.update(korean_cost(command, env, project, site, timings, args.korean_cost_repeat))
    if args.preview:
        report.update(preview(project, site))
    return report


if __name__ == "__main__":
    main()
