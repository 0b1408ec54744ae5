"""The reading of a fresh clone, as the publishing workflow builds every hour: the repository
checked out anew (every file with a new inode and new times) at the same path, with the cache of
the build before restored beside it.

    PYTHONPATH=hooks python -m benchmarks.fresh_clone --releases 10000 --vocabulary zipf --photos own

The benchmark's archive is committed once into a repository of its own (``WORK/<archive>-git``),
cloned to ``WORK/<archive>-clone`` and read there once to fill the cache. Then, ``--repeat``
times, interleaved: cloned again and read with that cache ("committed"), and cloned again and
read with that cache less the photos kept by their committed content ("without",
``photos-committed.sqlite3``: each photo is then opened again). Each reading runs in a fresh
process, with the cache's secret, as the workflow's build, and reports its seconds and how
many photos it opened.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.run import ROOT, prepare

READ = """
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path
from PIL import Image
from newsroom.archive import ReadCache, read_archive
from newsroom.readcache import ReleaseStore
from newsroom.settings import Settings
opened = []
real_open = Image.open
def counting_open(*args, **kwargs):
    opened.append(args[0])
    return real_open(*args, **kwargs)
Image.open = counting_open
settings = Settings(project_dir=Path(sys.argv[1]), timezone="Asia/Seoul")
started = time.perf_counter()
archive = read_archive(settings, datetime(2026, 11, 1, tzinfo=UTC), cache=ReadCache(), store=ReleaseStore(settings))
print(json.dumps({"seconds": time.perf_counter() - started, "releases": len(archive.published), "opened": len(opened)}))
"""


def git(folder: Path, *arguments: str) -> None:
    command = ["git", "-c", "user.name=Benchmark", "-c", "user.email=benchmark@example.org", "-C", str(folder)]
    subprocess.run([*command, *arguments], check=True, capture_output=True)


def read(project: Path) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "hooks"),
        "NEWSROOM_CACHE_SECRET": os.environ.get("NEWSROOM_CACHE_SECRET", "the benchmark's secret"),
    }
    done = subprocess.run([sys.executable, "-c", READ, str(project)], env=env, check=True, capture_output=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--vocabulary", choices=["small", "zipf"], default="zipf")
    parser.add_argument("--photos", choices=["shared", "own"], default="own")
    args = parser.parse_args()
    project = prepare(args.work, args.releases, vocabulary=args.vocabulary, photos=args.photos)
    origin, clone, kept = (project.with_name(f"{project.name}-{end}") for end in ("git", "clone", "cache"))
    if not (origin / ".git").is_dir():
        shutil.rmtree(origin, ignore_errors=True)
        shutil.copytree(project / "press_releases", origin / "press_releases")
        git(origin, "init", "-q")
        git(origin, "add", ".")
        git(origin, "commit", "-q", "-m", "the benchmark's archive")

    def cloned() -> None:
        shutil.rmtree(clone, ignore_errors=True)
        git(origin.parent, "clone", "-q", origin.name, clone.name)

    cloned()
    first = read(clone)
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(clone / ".cache", kept)
    runs: dict[str, list[dict]] = {"committed": [], "without": []}
    for _ in range(args.repeat):
        for variant, found in runs.items():
            cloned()
            shutil.copytree(kept, clone / ".cache")
            if variant == "without":
                (clone / ".cache/newsroom/photos-committed.sqlite3").unlink()
            found.append(read(clone))
    report = {
        "releases": first["releases"],
        "first_read_s": round(first["seconds"], 2),
        **{
            f"{variant}_read_s": {
                "each": [round(run["seconds"], 2) for run in found],
                "median": round(statistics.median(run["seconds"] for run in found), 2),
                "photos_opened": found[0]["opened"],
            }
            for variant, found in runs.items()
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
