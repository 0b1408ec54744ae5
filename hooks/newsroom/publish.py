"""Atomic publishing: a build writes a whole new site beside the published one and swaps it in
only when everything succeeded. A failed build leaves the published site as it was, byte for
byte; a killed build leaves scratch that the next build removes. The site a build replaced is
removed by a process of its own, after the build has ended (``remove_later``).

A build that keeps its work (``newsroom.published``) and trusts the published site's manifest
writes beside it only the files that changed, and moves them in once everything succeeded: a
failed build still changes nothing; one killed while it moves them in leaves a site that is part
old, part new, and no manifest, so the next build writes and swaps in the whole site.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .published import MARK, Published

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class PublishError(RuntimeError):
    """The new site could not replace the old one."""


def publish_failure(err: OSError, final: Path, moving_in: bool) -> PublishError:
    """Why the new site could not take the place of ``final``, and what to do; ``moving_in``: it
    failed while files were moved in one by one (``Published.move_in``)."""
    hint = ""
    if err.errno in (errno.EBUSY, errno.EXDEV):
        hint = (
            f" ({final.name}/ is most likely a mount point, or on another disk than the folder above it, as a "
            "container's volume is: the new site is written beside it and put in its place in one step, which "
            f"only works within one disk; mount the folder above {final.name}/ instead, or build into a folder "
            f"inside the mount with `mkdocs build -d`)"
        )
    outcome = (
        "The site may now be part old, part new: the next build writes it whole."
        if moving_in
        else "Nothing was published: the site is as it was."
    )
    return PublishError(f"the new site could not take the place of {final}: {err.strerror or err}{hint}. {outcome}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path, prefix: str) -> None:
    """Remove what dead builds left in ``folder``: entries named ``<prefix><pid>-...`` whose
    process no longer runs (or that this process left earlier). A folder is handed to a process
    of its own (``remove_later``), as the site a build replaced is: a whole site left by a build
    that was killed, or by a remover that was, would keep this build waiting for the disk (19 s
    for the 191,648 files of 50,000 releases). An entry a remover at work has named after itself
    is left to it (its process runs)."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not _alive(int(pid_text))):
            if entry.is_dir() and not entry.is_symlink():
                remove_later(entry, prefix)
            else:
                entry.unlink(missing_ok=True)


#: What the process that removes a folder runs, below the priority of whatever runs next. Given a
#: prefix, it first renames the folder ``<prefix><its own id>-old``: a build that meets it while
#: it works sees its process alive and leaves the folder to it (``remove_stale``).
REMOVER = """import os, shutil, sys
os.nice(10)
path = sys.argv[1]
if len(sys.argv) > 2:
    own = os.path.join(os.path.dirname(path), f"{sys.argv[2]}{os.getpid()}-old")
    try:
        os.rename(path, own)
        path = own
    except OSError:
        pass
shutil.rmtree(path, ignore_errors=True)
"""


def remove_later(folder: Path, prefix: str | None = None) -> None:
    """Remove ``folder`` (the site a build replaced, or what a dead build left) in a process of its
    own, which outlives the build: deleting tens of thousands of files keeps the disk busy for
    seconds (6 s at 10,000 releases), and the new site is already in place. The folder is first
    renamed to a name of its own, with the mark and this process's id, so that a build which finds
    it left (its remover killed) removes it; with ``prefix`` (the mark of ``remove_stale``), the
    remover then names it after itself. Where it cannot be renamed, or no process can be started,
    it is removed here."""
    doomed = folder.with_name(f"{folder.name}-old-{secrets.token_hex(4)}")
    try:
        os.rename(folder, doomed)
    except OSError:  # kept its name, which a build may take again: not left to another process
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        subprocess.Popen(
            [sys.executable, "-c", REMOVER, os.fspath(doomed), *([prefix] if prefix else [])],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        shutil.rmtree(doomed, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where it is not offered."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


@dataclass(slots=True)
class Staging:
    """A new site being written beside the published one (``final``)."""

    final: Path
    folder: Path
    published: Published | None = None
    """The published site as the last build left it (``newsroom.published``), on a build that
    keeps its work: with a manifest it trusts, the staging folder holds only what this build
    wrote, and ``commit`` moves in what changed."""

    @classmethod
    def begin(cls, final: Path, *, keep: bool = False) -> Staging:
        """Start a new site beside ``final``; ``keep``: start from a copy of the current one
        (``--dirty`` builds, which only rewrite what changed)."""
        final = Path(os.path.abspath(final))
        if final.exists() and not final.is_dir():
            raise PublishError(f"{final} is not a folder; the site is published as a folder")
        final.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{final.name}{MARK}"
        remove_stale(final.parent, prefix)
        folder = final.parent / f"{prefix}{os.getpid()}-new"
        if keep and final.is_dir():
            shutil.copytree(final, folder, symlinks=True)
        return cls(final, folder)

    def commit(self) -> str:
        """Put the new site in the place of the old one: swapped in whole, or, where the build left
        files of the published site in place (``newsroom.published``), the others moved in
        (``Published.move_in``). How, in words."""
        if not self.folder.is_dir():
            raise PublishError(f"the new site ({self.folder}) is missing; {self.final} is left as it was")
        published = self.published
        moving_in = published is not None and published.trusted and bool(published.kept)
        try:
            return self._commit(moving_in)
        except OSError as err:
            self.abandon()
            raise publish_failure(err, self.final, moving_in) from err

    def _commit(self, moving_in: bool) -> str:
        published = self.published
        if published is not None and moving_in:
            entries = published.move_in(self.folder)
            shutil.rmtree(self.folder, ignore_errors=True)
            published.manifest.save(entries)
            published.forget_written()
            return f"{published.moved} files written, {len(entries) - published.moved} left in place"
        if published is not None:
            published.manifest.forget()
        self._swap()
        if published is not None:
            published.manifest.save(published.entries_of(self.final))
            published.forget_written()
        return "swapped in whole"

    def _swap(self) -> None:
        prefix = f".{self.final.name}{MARK}"
        if self.final.is_dir() and _exchange(self.folder, self.final):
            remove_later(self.folder, prefix)  # now holds the old site
            return
        old = self.final.parent / f"{prefix}{os.getpid()}-old"
        if self.final.exists():
            os.rename(self.final, old)
        try:
            os.rename(self.folder, self.final)
        except OSError:
            if old.exists() and not self.final.exists():
                os.rename(old, self.final)  # the published site back in its place
            raise
        if old.exists():
            remove_later(old, prefix)

    def abandon(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.published is not None:
            self.published.forget_written()
