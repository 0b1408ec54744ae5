"""Search indexes kept between builds, by content: Pagefind indexes again only the shards whose
documents changed since the last build.

An edition's older shards hold a fixed run of releases (``search.shard_ranges``): an hourly build
where one release changed indexes its shard alone, and copies the others from
``.cache/newsroom/pagefind/``, the folder the publishing workflow restores and saves. An entry is
keyed by a hash of everything Pagefind is given (every document, in order, the language it is
forced to, the folder it is published at) and of everything that shapes what it writes (the
version and file of the Pagefind binary, the newsroom's code that runs it and rewrites its
output). A changed release, setting or Pagefind changes the documents or the fingerprint, so it is
never served from an old entry.

Only Pagefind's data is kept: the entry file, the index metadata and the index, fragment and
filter chunks, read by pagefind.js as data. The code a reader's browser runs (pagefind.js and the
WebAssembly) is never taken from the cache: it comes from the installed binary, which writes it
for a one-page index in the same language (``Indexing`` does that in a few milliseconds). An entry
holding anything else (another name, a symlink, a folder where a file belongs) is dropped and its
shard indexed anew: whoever can write the cache can change what search finds, never what runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from . import cache
from .cache import CACHE_VARIABLE, FOLDER

#: The chunk folders of a Pagefind bundle, and the ending of the files each holds.
CHUNKS = {"index": ".pf_index", "fragment": ".pf_fragment", "filter": ".pf_filter"}
ENTRY = "pagefind-entry.json"
#: The code of a bundle, written by the installed binary and never cached.
SCRIPT = "pagefind.js"


def fingerprint(binary: Path) -> str:
    """What shapes Pagefind's output besides its documents: the Pagefind packages' versions, the
    binary's file (a PAGEFIND_BINARY_PATH may point anywhere), and the newsroom code that runs it
    and rewrites its output (``search.py``, this module)."""
    digest = hashlib.sha256()
    for package in ("pagefind", "pagefind-bin-extended", "pagefind-bin"):
        try:
            digest.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none\0".encode())
    try:
        stat = binary.stat()
        digest.update(f"{binary.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    except OSError:  # no such binary: running it fails and says so
        digest.update(f"{binary}\0missing\0".encode())
    here = Path(__file__).resolve().parent
    for name in ("search.py", "search_cache.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def is_data(relative: str) -> bool:
    """Whether a path inside a bundle (``index/en_1a2b.pf_index``) is one of Pagefind's data files."""
    parts = relative.split("/")
    if len(parts) == 1:
        name = parts[0]
        return name == ENTRY or (name.startswith("pagefind.") and name.endswith(".pf_meta") and len(name) > 17)
    if len(parts) == 2 and parts[0] in CHUNKS:
        return parts[1].endswith(CHUNKS[parts[0]]) and len(parts[1]) > len(CHUNKS[parts[0]])
    return False


def is_code(relative: str) -> bool:
    """Whether a path inside a bundle is code the installed binary writes (never cached)."""
    wasm = relative.startswith("wasm.") and relative.endswith(".pagefind")
    return relative == SCRIPT or (wasm and "/" not in relative)


def data_files(folder: Path) -> list[str] | None:
    """The data files of a bundle, relative and sorted; None if the folder holds anything that is
    neither a data file nor a chunk folder (a symlink, a special file, a name Pagefind never writes)."""
    found: list[str] = []
    try:
        with os.scandir(folder) as top:
            entries = list(top)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name in CHUNKS:
                with os.scandir(entry.path) as inner:
                    for item in inner:
                        relative = f"{entry.name}/{item.name}"
                        if not (item.is_file(follow_symlinks=False) and is_data(relative)):
                            return None
                        found.append(relative)
            elif entry.is_file(follow_symlinks=False) and is_data(entry.name):
                found.append(entry.name)
            else:
                return None
    except OSError:
        return None
    return sorted(found)


class IndexCache:
    """The cached bundles of ``.cache/newsroom/pagefind/``, one folder per key."""

    def __init__(self, project_dir: Path | None, fingerprint: str):
        self.root = (project_dir / FOLDER / "pagefind") if project_dir is not None else None
        if os.environ.get(CACHE_VARIABLE, "1") == "0":
            self.root = None
        # Restored from outside the build: a folder that is a symlink would take the entries anywhere.
        if self.root is not None and any(
            p.is_symlink() for p in (self.root, self.root.parent, self.root.parent.parent)
        ):
            self.root = None
        self.fingerprint = fingerprint
        self.used: set[str] = set()

    def key(self, path: str, language: str, documents: str) -> str:
        """The key of the bundle published at ``path``, indexed in ``language``, whose documents
        hash to ``documents`` (``search.write_documents``)."""
        text = json.dumps([self.fingerprint, path, language, documents])
        return hashlib.sha256(text.encode()).hexdigest()

    def holds(self, key: str) -> bool:
        """Whether there is an entry ``key`` (``restore`` tells whether it is whole)."""
        return self.root is not None and (self.root / key).is_dir()

    def restore(
        self,
        key: str,
        output: Path,
        code: Path,
        published: Callable[[list[str]], bool] | None = None,
        with_code: bool = True,
    ) -> bool:
        """Write the cached bundle ``key`` at ``output``, with the code files of ``code`` (a bundle
        the installed binary wrote in the same language) unless not ``with_code`` (a bundle merged
        into another's). False, with nothing written, if there is no such entry or it is not one
        the build could have written (then it is dropped). ``published`` tells whether the
        published site already holds the bundle's files (by their names): then nothing is written."""
        if self.root is None:
            return False
        self.used.add(key)
        entry = self.root / key
        if not entry.is_dir():
            return False
        files = data_files(entry)
        needed = _code_files(entry) if files is not None and ENTRY in files else None
        if files is None or needed is None or not all(f"pagefind.{h}.pf_meta" in files for h in needed[1]):
            shutil.rmtree(entry, ignore_errors=True)
            return False
        code_files = [SCRIPT, *needed[0]] if with_code else []
        if published is not None and published([*files, *code_files]):
            return True
        scratch = output.with_name(f".{output.name}.restoring")
        try:
            shutil.rmtree(scratch, ignore_errors=True)
            for relative in files:
                _copy(entry / relative, scratch / relative)
            for name in code_files:
                _copy(code / name, scratch / name)
            shutil.rmtree(output, ignore_errors=True)
            scratch.rename(output)
        except OSError:  # a cache entry dropped by a build beside this one, a code file missing
            shutil.rmtree(scratch, ignore_errors=True)
            return False
        return True

    def store(self, key: str, output: Path) -> None:
        """Keep the data files of the bundle Pagefind just wrote at ``output``, as entry ``key``.
        A cache that cannot be written is left as it is: the next build indexes again."""
        if self.root is None:
            return
        self.used.add(key)
        every = files_of(output)
        if not all(is_data(relative) or is_code(relative) for relative in every):
            return  # a file this module does not know (another Pagefind?): copying the rest would lose it
        files = [relative for relative in every if is_data(relative)]
        scratch = self.root / f".{key}.{os.getpid()}"
        try:
            shutil.rmtree(scratch, ignore_errors=True)
            for relative in files:
                _copy(output / relative, scratch / relative)
            shutil.rmtree(self.root / key, ignore_errors=True)
            scratch.rename(self.root / key)
        except OSError as err:
            cache.not_written(self.root, err)
            shutil.rmtree(scratch, ignore_errors=True)

    def prune(self) -> None:
        """Drop every entry this build did not use (after a build that indexed every bundle)."""
        if self.root is None or not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if entry.name not in self.used:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def _code_files(entry: Path) -> tuple[list[str], list[str]] | None:
    """The WebAssembly files a cached bundle's entry file asks for, and its index metadata hashes;
    None if the entry file is not Pagefind's."""
    try:
        data = json.loads((entry / ENTRY).read_text(encoding="utf-8"))
        languages = data["languages"]
        wasm = sorted({f"wasm.{info.get('wasm') or 'unknown'}.pagefind" for info in languages.values()})
        hashes = [info["hash"] for info in languages.values()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not languages or not all(isinstance(h, str) and "/" not in h for h in hashes):
        return None
    if not all(name.count("/") == 0 and ".." not in name for name in wasm):
        return None
    return wasm, hashes


def files_of(folder: Path) -> list[str]:
    """The files under ``folder``, by path relative to it."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target, follow_symlinks=False)
