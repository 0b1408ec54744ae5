"""Does a change of code change the site? Build one synthetic archive with the code of a git
revision and with the working tree, and compare the two sites file by file.

    python -m benchmarks.same_output --against HEAD~3 --releases 1000

A refactoring must print "identical"; any other change prints the files that differ (and,
for the first few, where). Both builds run at the same NEWSROOM_NOW, without the Markdown cache.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-12-01T00:00:00+09:00"


def build(code: Path, releases: Path, work: Path) -> Path:
    """Build ``releases`` with the hooks, theme, docs and settings of the checkout at ``code``."""
    project = work / "project"
    project.mkdir(parents=True)
    shutil.copytree(releases, project / "press_releases")
    shutil.copytree(code / "docs", project / "docs")
    shutil.copy(code / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("hooks", "overrides"):
        (project / name).symlink_to(code / name)
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "NEWSROOM_NOW": NOW,
        "NEWSROOM_CACHE": "0",
        "PYTHONPATH": str(code / "hooks"),
    }
    site = work / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--strict", "-d", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"the build with {code} failed:\n{result.stdout}{result.stderr}")
    return site


def differences(a: Path, b: Path) -> list[str]:
    found = []
    compare = filecmp.dircmp(a, b)
    stack = [(compare, Path())]
    while stack:
        node, where = stack.pop()
        found += [f"only in {a.name}: {where / n}" for n in node.left_only]
        found += [f"only in {b.name}: {where / n}" for n in node.right_only]
        for name in node.common_files:
            if (a / where / name).read_bytes() != (b / where / name).read_bytes():
                found.append(f"differs: {where / name}")
        stack += [(sub, where / name) for name, sub in node.subdirs.items()]
    return sorted(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision to compare with (e.g. HEAD~3)")
    parser.add_argument("--releases", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-same-") as scratch:
        work = Path(scratch)
        releases = work / "releases"
        generate(releases, args.releases)
        other = work / "other-code"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(other), args.against], cwd=ROOT, check=True)
        try:
            theirs = build(other, releases, work / "theirs")
            ours = build(ROOT, releases, work / "ours")
            found = differences(theirs, ours)
            for line in found[:50]:
                print(line)
            for line in [f for f in found if f.startswith("differs:")][:3]:
                name = line.removeprefix("differs: ")
                old = (theirs / name).read_text(errors="replace").splitlines()
                new = (ours / name).read_text(errors="replace").splitlines()
                print("\n".join(list(difflib.unified_diff(old, new, lineterm="", n=1))[:20]))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=False)
    print("identical" if not found else f"{len(found)} files differ")
    return 0 if not found else 1


if __name__ == "__main__":
    sys.exit(main())
