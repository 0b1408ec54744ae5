"""Text kept compressed, in memory or on disk: what a build holds for every release from its
reading to its end but reads only a few times (a release's Markdown, its body's HTML, feed HTML and
text). As strings they took over 2 GB at 50,000 releases; zlib's fastest level keeps about a third
of their UTF-8 size, and unpacks one in a few dozen microseconds.

A body's HTML and text are also ``stash``-ed: written, packed, to a file of the build's own
(``spill_to``) and read back when a page needs them, so that neither the build nor the processes
forked from it (the Markdown workers, the text-only edition) hold them in memory. Each process
appends to a file of its own; a reference to what it wrote (``Stashed``) crosses processes as a
small tuple.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import zlib
from pathlib import Path
from typing import NamedTuple


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1) if text else b""


def unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8", "surrogatepass") if data else ""


class Stashed(NamedTuple):
    """Packed text written to the stash: the writing process's file, where in it, how long."""

    file: str
    offset: int
    length: int


#: The folder of the stash files of builds, beside the site: ``<prefix><pid>-...``.
STASH_PREFIX = ".newsroom-bodies-"
#: Packed texts smaller than this stay in memory: a reference costs about as much.
STASH_MIN = 512

_folder: str | None = None
_writer: tuple[int, int] | None = None
"""(pid, file descriptor) of this process's stash file: a forked process opens its own."""
_readers: dict[str, int] = {}


def spill_to(parent: Path) -> None:
    """Stash from now on in a new folder under ``parent`` (on the disk the site is written to),
    removed when this process ends; what dead builds left there goes. Once per process: a preview
    (`make serve`) keeps its bodies from one rebuild to the next."""
    global _folder
    if _folder is not None:
        return
    from .publish import remove_stale

    try:
        remove_stale(parent, STASH_PREFIX)
        _folder = tempfile.mkdtemp(prefix=f"{STASH_PREFIX}{os.getpid()}-", dir=parent)
    except OSError:  # nowhere to write: bodies stay in memory
        return
    atexit.register(shutil.rmtree, _folder, True)


def stash(text: str) -> bytes | Stashed:
    """``text`` packed, written to this process's stash file where there is one (else kept)."""
    return stash_packed(pack(text))


def stash_packed(data: bytes) -> bytes | Stashed:
    """Text already packed (``pack``), stashed as ``stash`` would."""
    if _folder is None or len(data) < STASH_MIN:
        return data
    try:
        fd = _writer_fd(_folder)
        offset = os.lseek(fd, 0, os.SEEK_END)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError:  # a full disk: this one stays in memory
        return data
    return Stashed(str(os.getpid()), offset, len(data))


def packed(value: bytes | Stashed) -> bytes:
    """The packed bytes of a stashed (or kept) text, without unpacking them."""
    if not isinstance(value, Stashed):
        return value
    assert _folder is not None, "a stashed text outlived its stash"
    fd = _readers.get(value.file)
    if fd is None:
        fd = _readers[value.file] = os.open(os.path.join(_folder, value.file), os.O_RDONLY | os.O_CLOEXEC)
    data = os.pread(fd, value.length, value.offset)
    if len(data) != value.length:
        raise OSError(f"the stash file {value.file} is shorter than what was written to it")
    return data


def unstash(value: bytes | Stashed) -> str:
    return unpack(packed(value))


def _writer_fd(folder: str) -> int:
    global _writer
    pid = os.getpid()
    if _writer is None or _writer[0] != pid:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
        _writer = (pid, os.open(os.path.join(folder, str(pid)), flags, 0o600))
    return _writer[1]
