"""Bodies kept packed on disk (``newsroom.packing``): what a process stashes, any process of the
build reads back; the stash goes with the process; a full disk keeps texts in memory instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SCRIPT = """
import json, os, sys
from pathlib import Path
from newsroom import packing
packing.spill_to(Path(sys.argv[1]))
long_text = " ".join(str(n * 7919 % 10007) for n in range(2000)) + " \\u00e9\\ud55c\\u0627"
stashed = packing.stash(long_text)
small = packing.stash("A short text.")
read, write = os.pipe()
pid = os.fork()
if pid == 0:  # a worker: stashes its own, read back by the parent
    os.close(read)
    mine = packing.stash(" ".join(str(n * 104729 % 10009) for n in range(2000)))
    os.write(write, json.dumps(list(mine)).encode())
    os._exit(0)
os.close(write)
os.waitpid(pid, 0)
theirs = packing.Stashed(*json.loads(os.read(read, 1000)))
print(json.dumps({
    "stashed": isinstance(stashed, packing.Stashed),
    "round_trip": packing.unstash(stashed) == long_text,
    "small_in_memory": isinstance(small, bytes) and packing.unstash(small) == "A short text.",
    "worker_file": theirs.file != stashed.file,
    "worker_text": packing.unstash(theirs) == " ".join(str(n * 104729 % 10009) for n in range(2000)),
    "folder": packing._folder,
    "files": sorted(os.listdir(packing._folder)),
}))
"""


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks")}
    return subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, check=False)


def test_a_stashed_body_is_read_back_by_any_process_of_the_build_and_goes_with_it(tmp_path: Path):
    stale = tmp_path / ".newsroom-bodies-999999999-x"  # a build that was killed: no such process
    stale.mkdir()
    done = _run(SCRIPT, str(tmp_path))
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["stashed"] and found["round_trip"] and found["small_in_memory"]
    assert found["worker_file"] and found["worker_text"]
    assert len(found["files"]) == 2, "one file per process that stashed"
    assert Path(found["folder"]).parent == tmp_path
    assert not Path(found["folder"]).exists(), "the stash goes when the process ends"
    assert not stale.exists(), "what a dead build left is removed"


def test_a_stash_that_cannot_be_written_keeps_texts_in_memory(tmp_path: Path):
    script = """
import os, sys
from pathlib import Path
from newsroom import packing
packing.spill_to(Path(sys.argv[1]))
def full(*args):
    raise OSError(28, "No space left on device")
os.write = full
text = " ".join(str(n * 7919 % 10007) for n in range(2000))
kept = packing.stash(text)
assert isinstance(kept, bytes) and packing.unstash(kept) == text
packing._folder = None
packing.spill_to(Path(sys.argv[1]) / "missing" / "deeper")  # nowhere to make the folder
assert packing._folder is None and isinstance(packing.stash(text), bytes)
print("ok")
"""
    done = _run(script, str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
