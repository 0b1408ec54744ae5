"""Which files of a folder are exactly as committed, and as what: git's object ids.

A fresh clone gives every file a new inode and new times, so a cache keyed by them (``images``'
photo inspections) finds nothing in the publishing workflow's builds. Git already knows what
each file holds: its index names the object (a digest of the content) of every committed file,
and ``git diff-files`` lists the files whose working copy no longer matches it (by their inode,
times and size, and by content where those cannot tell). A file the index marks as not to be
checked (assumed unchanged, or outside a sparse checkout) is taken as not committed. A file that is committed and not
listed holds exactly its object's bytes, without reading them.

Git is run with no optional locks (it does not write the index) and without the file system
monitor, whose command a repository's configuration names; when it is missing, the folder is
not in a repository, or it fails, every file is taken as not committed (``{}``), which only
makes the build read them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: Modes of regular files in git's index (a symbolic link's object is its target's name).
_FILE_MODES = frozenset({"100644", "100755"})
_TIMEOUT = 120


def committed_objects(folder: Path) -> dict[str, str]:
    """The object id of each regular file under ``folder`` whose working copy is as committed
    (as git's index stages it), by its path relative to ``folder`` ('/'-separated)."""
    git = shutil.which("git")
    if git is None:
        return {}
    # Every part of a file's inode compared, whatever the repository's configuration says.
    settings = ["core.fsmonitor=false", "core.checkStat=default", "core.trustctime=true"]
    command = [git, *(part for setting in settings for part in ("-c", setting)), "-C", os.fspath(folder)]
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}

    def output(*arguments: str) -> bytes:
        return subprocess.run(
            [*command, *arguments], capture_output=True, env=environment, timeout=_TIMEOUT, check=True
        ).stdout

    try:
        staged = output("ls-files", "--stage", "-v", "-z", "--", ".")
        changed = output("diff-files", "--name-only", "--relative", "-z", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return {}
    differs = set(changed.split(b"\0"))
    found: dict[str, str] = {}
    for record in staged.split(b"\0"):
        head, tab, name = record.partition(b"\t")
        fields = head.split(b" ")
        # "H": a file git checks (not "h", assumed unchanged, nor "S", left out of the work tree).
        if not tab or len(fields) != 4 or fields[0] != b"H" or fields[3] != b"0" or name in differs:
            continue
        mode, object_id = fields[1].decode("ascii", "replace"), fields[2].decode("ascii", "replace")
        if mode in _FILE_MODES:
            found[os.fsdecode(name)] = object_id
    return found
