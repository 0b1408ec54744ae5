"""What the published site holds, as the build that published it left it: a build writes only
what changed (issue 15's hourly builds), instead of writing tens of thousands of files anew.

A build given the cache's secret (``page_cache.SECRET_VARIABLE``) ends by writing the manifest
of the site it published (``.cache/newsroom/published.tsv``): each file's digest, what it was
made from when the build knew it (its *token*: a page's key in the page cache, a search shard's
key and the file's place in it), and its identity on the disk (device, inode, size, modification
and change times). The next build reads it with the published site (``Published.load``):

- a writer that knows a file's token asks ``holds``: the published file is left where it is if
  the manifest gives it the same token and it is still the file that build wrote: the same
  identity (not touched since), or, in a site folder restored from outside (the publishing
  workflow's cache, which makes every file anew), the same digest, read from the file;
- every other file is written into the staging folder, as before; ``Staging.commit`` then moves
  in those that differ from the published ones, and removes what the new site no longer has.

The manifest is authenticated with the secret: whoever can write the cache or the site folder
cannot make a build keep a file it did not write. Without a manifest it can trust (the first
build, another secret, a build killed while it moved its files in), a build writes the whole
site and swaps it in, as a build without the secret does.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import io
import os
import secrets
import shutil
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import cache
from .cache import CACHE_VARIABLE, FOLDER, plain_files
from .page_cache import SECRET_VARIABLE
from .parallel import Forked, ForkedError, available

#: The manifest, in the cache's folder.
MANIFEST = "published.tsv"
#: Scratch beside the published site carries this mark and the id of the process that made it
#: (``publish.remove_stale`` removes what a dead build left).
MARK = ".newsroom-"
#: Lines of ``Published.wrote`` held in memory before they go to the disk.
_BATCH = 2000
_HEADER = "newsroom published 2"  # 2: SHA-256 digests


#: One published file, as the manifest records it: what it was made from (its *token*, "" if the
#: build did not know), the digest of its bytes, and its ``identity`` on the disk once published.
#: A plain tuple: quicker to make, and to send from a process to another, than a named one
#: (191,648 files at 50,000 releases).
Entry = tuple[str, str, str]


def identity(stat: os.stat_result) -> str:
    """What changes whenever a file is written, replaced or restored: its change time cannot be
    set by anyone but the system, and a file made anew has a new inode."""
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"


def digest(data: bytes) -> str:
    """SHA-256 (its first 128 bits): twice as fast as BLAKE2b where the processor has SHA
    instructions, as most have, and a build restored from outside digests every file it keeps."""
    return hashlib.sha256(data).hexdigest()[:32]


def stream_digest(file: io.BufferedIOBase) -> str:
    """``digest`` of what an open file holds from where it stands to its end, read in chunks."""
    return hashlib.file_digest(file, "sha256").hexdigest()[:32]


def is_digest(text: str) -> bool:
    """Whether ``text`` is written as ``digest`` writes one."""
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def file_digest(path: str | os.PathLike[str], expected: str | None = None) -> str | None:
    """The digest of the plain file at ``path`` (a symlink is not followed); None if it cannot be
    read, or if it was given the identity it must have once read (``expected``) and has another
    (a file changed while it was read is not vouched for). Read with plain system calls, the whole
    file at once where it can be: a buffered file object costs a third more at 191,648 files."""
    try:  # not blocking: a pipe put where a file was would hold the build forever
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        chunks = [os.read(descriptor, os.fstat(descriptor).st_size + 1)]
        while chunks[-1]:  # to the end, however it grew or however short a read came back
            chunks.append(os.read(descriptor, READ_SIZE))
        if expected is not None and identity(os.fstat(descriptor)) != expected:
            return None
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return digest(chunks[0] if len(chunks) == 2 else b"".join(chunks))


#: What ``file_digest`` reads at a time once a file is longer than it was when it was opened.
READ_SIZE = 1 << 20


def walk(root: Path) -> tuple[dict[str, str], list[str]]:
    """The plain files under ``root`` (by path relative to it, with their identities), and every
    other entry that is not a folder (symlinks, devices): neither is followed."""
    files: dict[str, str] = {}
    others: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        try:
            entries = os.scandir(os.path.join(root, prefix))
        except OSError:
            continue
        with entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(relative + "/")
                elif entry.is_file(follow_symlinks=False):
                    files[relative] = identity(entry.stat(follow_symlinks=False))
                else:
                    others.append(relative)
    return files, others


class Manifest:
    """The manifest file, authenticated with the secret, for the site published at ``site`` (as
    the build names it: two folders never share a manifest)."""

    def __init__(self, path: Path, secret: str, site: str):
        self.path = path
        self.site = site
        self._key = hashlib.sha256(f"newsroom published\0{secret}".encode("utf-8", "surrogatepass")).digest()

    def _mac(self, body: bytes) -> str:
        return hmac.new(self._key, body, hashlib.sha256).hexdigest()

    def load(self) -> dict[str, Entry] | None:
        """The entries, if the file is there, plain, made with this secret for this site."""
        if not plain_files(self.path):
            return None
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        header, _, body = data.partition(b"\n")
        fields = header.decode("ascii", "replace").rsplit(" ", 1)
        if len(fields) != 2 or fields[0] != _HEADER or not hmac.compare_digest(fields[1], self._mac(body)):
            return None
        lines = body.decode("utf-8", "surrogateescape").split("\n")
        if not lines or lines[0] != f"site\t{self.site}":
            return None
        entries: dict[str, Entry] = {}
        for line in lines[1:]:
            parts = line.split("\t")
            if len(parts) == 4:
                entries[parts[0]] = (parts[1], parts[2], parts[3])
        return entries

    def save(self, entries: Mapping[str, Entry]) -> None:
        """Write the manifest (a file that cannot be written only makes the next build write everything)."""
        lines = [f"site\t{self.site}"]
        lines.extend(
            f"{relative}\t{token}\t{made}\t{now}"
            for relative, (token, made, now) in entries.items()
            if _plain_text(relative) and _plain_text(token)
        )
        body = "\n".join(lines).encode("utf-8", "surrogateescape")
        scratch = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not plain_files(self.path):
                return
            _write_new(scratch, f"{_HEADER} {self._mac(body)}\n".encode() + body)
            os.replace(scratch, self.path)
        except OSError as err:
            cache.not_written(self.path, err)
            with contextlib.suppress(OSError):  # never raises: the site is published by now
                scratch.unlink(missing_ok=True)

    def forget(self) -> None:
        """Drop the manifest before the published site changes: until a new one is written, the
        next build trusts nothing in it."""
        if not self.path.is_symlink():
            with contextlib.suppress(NotADirectoryError):  # a file where its folder goes: no manifest
                self.path.unlink(missing_ok=True)


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` into a new file at ``path``: whatever is there (a symlink planted in a
    folder restored from outside) is removed first, never written through."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with open(descriptor, "wb") as out:
        out.write(data)


def _plain_text(text: str) -> bool:
    return not any(c in text for c in "\t\n\r")


class Published:
    """The published site at ``final`` as the last build left it (``entries``: empty if no
    manifest could be trusted), and what this build made of it."""

    def __init__(
        self,
        final: Path,
        manifest: Manifest,
        entries: dict[str, Entry] | None = None,
        unlisted: dict[str, str] | None = None,
        others: list[str] | None = None,
    ):
        self.final = final
        self.manifest = manifest
        self._entries = entries or {}
        """The manifest's entries of the files the published site holds as the last build wrote
        them, each under the file's identity now (``verified``)."""
        self._unlisted = unlisted or {}
        """The other plain files now in the published site, with their identities."""
        self._others = others or []
        """What else is there (symlinks and the like): removed when this build moves its files in."""
        self._survey: Forked | None = None
        self._surveying = threading.Lock()
        self.kept: dict[str, Entry] = {}
        """The files this build leaves where they are."""
        # The token and digest of each file this build wrote into the staging folder, where it
        # knew them: kept on the disk, beside the site, until the build is published (191,679 lines
        # at 50,000 releases, which would be 50 MB of the build's memory at its peak).
        self._lines: list[str] = []
        self._owner = os.getpid()
        self._log: str | None = None
        self._logs: list[str] = []
        self._lock = threading.Lock()
        self.moved = 0
        """How many files ``move_in`` moved into the published site."""

    @classmethod
    def load(cls, final: Path, manifest: Manifest) -> Published:
        return cls(final, manifest, *_survey(final, manifest))

    @classmethod
    def begin(cls, final: Path, manifest: Manifest) -> Published:
        """As ``load``, but the manifest read and the published site walked by a process of its own,
        beside the build (191,679 files at 50,000 releases: 3 s); the build waits for it only
        when it first asks."""
        if not available():
            return cls.load(final, manifest)
        published = cls(final, manifest)
        published._survey = Forked(functools.partial(_survey, final, manifest))
        return published

    def _ready(self) -> None:
        if self._survey is None:
            return
        with self._surveying:  # asked by the build's thread and the search index's: one waits for the other
            survey = self._survey
            if survey is None:
                return
            try:
                entries, unlisted, others = survey.result()
            except ForkedError:  # nothing trusted: the whole site is written, as on a first build
                entries, unlisted, others = {}, {}, []
            self._entries, self._unlisted, self._others = entries, unlisted, others
            self._survey = None  # last: another thread sees it gone only once everything is here

    @property
    def entries(self) -> dict[str, Entry]:
        self._ready()
        return self._entries

    @property
    def unlisted(self) -> dict[str, str]:
        self._ready()
        return self._unlisted

    @property
    def others(self) -> list[str]:
        self._ready()
        return self._others

    @property
    def trusted(self) -> bool:
        """Whether the published site's manifest could be trusted: the build writes only what changed."""
        return bool(self.entries)

    def holds(self, relative: str, token: str) -> bool:
        """Whether the published file at ``relative`` is the one made from ``token``; if so, it is
        left where it is (``kept``)."""
        entry = self._held(relative, token)
        if entry is None:
            return False
        self.kept[relative] = entry
        return True

    def holds_bytes(self, relative: str, made: str) -> bool:
        """Whether the published file at ``relative`` holds the bytes whose digest is ``made``, as
        the last build wrote them (a file copied as it is, such as a photo, has no other token);
        if so, it is left where it is (``kept``)."""
        entry = self.entries.get(relative)
        if entry is None or entry[1] != made:
            return False
        self.kept[relative] = entry
        return True

    def holds_all(self, folder: str, names: Iterable[str], token: str) -> bool:
        """Whether every file ``names`` of ``folder`` is held, each with its own token (``token``
        and its name); if so, all are kept (if not, none: the folder is written whole)."""
        return self.holds_every([(f"{folder}/{name}", f"{token}/{name}") for name in names])

    def holds_every(self, files: Iterable[tuple[str, str]]) -> bool:
        """Whether every file is held (``holds``), given as (relative path, token); if so, all
        are kept, if not, none (they are written together)."""
        held = {relative: self._held(relative, token) for relative, token in files}
        if not held or any(entry is None for entry in held.values()):
            return False
        self.kept.update({relative: entry for relative, entry in held.items() if entry is not None})
        return True

    def _held(self, relative: str, token: str) -> Entry | None:
        entry = self.entries.get(relative)  # the file as the last build wrote it, still there
        if entry is None or not token or entry[0] != token:
            return None
        return entry

    def wrote(self, relative: str, token: str, data: bytes | None = None) -> None:
        """Say that this build wrote the file ``relative`` into the staging folder, made from
        ``token`` (and holding ``data``, if given: its digest is taken now)."""
        if self._owner != os.getpid():  # a process forked from the build: its own lines, in its own file
            self._owner, self._lines, self._log, self._logs = os.getpid(), [], None, []
            self._lock = threading.Lock()
        if not (_plain_text(relative) and _plain_text(token)):
            return  # not recorded: digested when moved in
        line = f"{relative}\t{token}\t{digest(data) if data is not None else ''}\n"
        with self._lock:  # the search index's thread says what it wrote too
            self._lines.append(line)
            if len(self._lines) >= _BATCH:
                self._flush()

    def _flush(self) -> None:
        if not self._lines:
            return
        data = "".join(self._lines).encode("utf-8", "surrogateescape")
        self._lines = []
        if self._log is None:
            # Named as publish names its scratch: a killed build's is removed by the next one.
            name = f".{self.final.name}{MARK}{os.getpid()}-written-{secrets.token_hex(8)}"
            self._log = os.path.join(self.final.parent, name)
            self._logs.append(self._log)
            _write_new(Path(self._log), data)
            return
        with open(self._log, "ab") as out:
            out.write(data)

    def written(self) -> dict[str, tuple[str, str]]:
        """The token and digest of each file this build said it wrote (``wrote``), by path."""
        with self._lock:
            self._flush()
        found: dict[str, tuple[str, str]] = {}
        for log in self._logs:
            with open(log, encoding="utf-8", errors="surrogateescape") as lines:
                for line in lines:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) == 3:
                        found[parts[0]] = (parts[1], parts[2])
        return found

    def forget_written(self) -> None:
        """Remove the files that held what this build wrote (once it is published, or dropped)."""
        for log in self._logs:
            with contextlib.suppress(OSError):
                os.unlink(log)
        self._logs, self._log, self._lines = [], None, []

    def changes(self) -> tuple[dict[str, Entry], list[str]]:
        """What a process forked from the build found and wrote (``merge`` takes it back)."""
        with self._lock:
            self._flush()
        return self.kept, self._logs

    def merge(self, changes: tuple[dict[str, Entry], list[str]]) -> None:
        kept, logs = changes
        self.kept.update(kept)
        self._logs.extend(logs)

    def move_in(self, staging: Path) -> dict[str, Entry]:
        """Put the files of ``staging`` (what this build wrote) into the published site where they
        differ from its own, and remove what the new site does not have; the new site's entries."""
        final = self.final
        self.manifest.forget()
        for relative in self.others:  # a symlink there could lead the files moved in anywhere
            _remove(final / relative)
        staged, strays = walk(staging)
        # First what the new site does not have (a file where a folder now goes, among others).
        emptied: set[str] = set()
        for relative in [*self.entries, *self.unlisted]:
            if relative not in self.kept and relative not in staged and relative not in strays:
                _remove_file(final / relative)
                emptied.add(os.path.dirname(relative))
        for folder in sorted(emptied, key=len, reverse=True):
            while folder:
                try:
                    os.rmdir(final / folder)
                except OSError:
                    break
                folder = os.path.dirname(folder)
        new = dict(self.kept)
        ready: set[str] = set()
        written = self.written()
        for relative in staged:
            token, known = written.get(relative, ("", ""))
            made = known or file_digest(staging / relative) or ""
            entry = self.entries.get(relative)  # the published file as the last build wrote it
            if entry is not None and entry[1] == made:
                os.unlink(staging / relative)
                new[relative] = (token, made, entry[2])
                continue
            target = _room_for(final, relative, ready)
            os.replace(staging / relative, target)
            self.moved += 1
            new[relative] = (token, made, identity(os.stat(target, follow_symlinks=False)))
        for relative in strays:  # not plain files, but this build made them: published as made
            os.replace(staging / relative, _room_for(final, relative, ready))
        return new

    def entries_of(self, site: Path) -> dict[str, Entry]:
        """The entries of a whole site just published at ``site`` (swapped in whole)."""
        found, _ = walk(site)
        new: dict[str, Entry] = {}
        written = self.written()
        for relative, now in found.items():
            token, known = written.get(relative, ("", ""))
            made = known or file_digest(site / relative)
            if made is not None:
                new[relative] = (token, made, now)
        return new


def _survey(final: Path, manifest: Manifest) -> tuple[dict[str, Entry], dict[str, str], list[str]]:
    """If the manifest can be trusted: its entries that still hold (``verified``), the other plain
    files of the published site (with their identities), and what else it holds (``walk``)."""
    entries = manifest.load() if final.is_dir() and not final.is_symlink() else None
    if not entries:
        return {}, {}, []
    found, others = walk(final)
    held = verified(final, entries, found)
    return held, {relative: now for relative, now in found.items() if relative not in held}, others


def verified(final: Path, entries: dict[str, Entry], found: dict[str, str]) -> dict[str, Entry]:
    """The manifest's ``entries`` of the files ``found`` in the published site at ``final``, each
    under the file's identity now: a file new on the disk since the manifest was written (every
    file of a site restored from outside) is read, and its entry kept if its bytes are the ones the
    build wrote, dropped if not (the file is written anew), as is the entry of a file gone. Read
    here, beside the build, not one at a time when the build asks whether it holds a page (191,648
    files at 50,000 releases, 3 GB), and by one thread: four took 11.6 s and 15.5 s of processor
    time for what one does in 5.0 and 4.9 (reading and hashing in several threads at once, the
    process spent its time in the kernel)."""
    checked: dict[str, Entry] = {}
    for relative, entry in entries.items():
        now = found.get(relative)
        if now is None:
            continue  # gone
        token, made, then = entry
        if now == then:  # the very file the build wrote
            checked[relative] = entry
        elif _size(now) == _size(then) and file_digest(os.path.join(final, relative), now) == made:
            checked[relative] = (token, made, now)
        # else of another size (not read), or other bytes
    return checked


def _size(identity: str) -> str:
    """The size recorded in an ``identity``."""
    return identity.split(":")[2]


def for_build(project_dir: Path | None, final: Path) -> Published | None:
    """The published site at ``final`` for a build of the project at ``project_dir``, if it keeps
    its work (the cache's secret is given, the cache is not turned off)."""
    secret = os.environ.get(SECRET_VARIABLE)
    if project_dir is None or not secret or os.environ.get(CACHE_VARIABLE, "1") == "0":
        return None
    site = os.path.abspath(final)
    project = os.path.abspath(project_dir)
    if site.startswith(project + os.sep):  # the project's own folder, wherever the project is
        site = os.path.relpath(site, project)
    return Published.begin(final, Manifest(project_dir / FOLDER / MANIFEST, secret, site))


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        pass


def _remove_file(path: Path) -> None:
    """Remove a file of the published site that the new one does not have (a folder that took its
    place is the new site's)."""
    if not path.is_dir() or path.is_symlink():
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()


def _room_for(final: Path, relative: str, ready: set[str]) -> str:
    """The place of ``relative`` in ``final``, its folders made: a file or symlink where a folder
    must be is removed, and so is a folder where the file goes. ``ready``: the folders already
    made or found to be folders (relative paths), which grows."""
    parts = relative.split("/")
    for end in range(1, len(parts)):
        folder = "/".join(parts[:end])
        if folder in ready:
            continue
        path = os.path.join(final, folder)
        if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
            os.unlink(path)
        if not os.path.isdir(path):
            os.mkdir(path)
        ready.add(folder)
    target = os.path.join(final, relative)
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)
    return target
