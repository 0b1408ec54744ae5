"""The files of the releases folder: which are releases, which may be published, which are wrong.

One walk of the releases folder decides it all, and nothing under it is skipped
in silence: only names starting with '.' or '_' and README.md files are left out,
as the README says. Everything else is a release (a name ending in ``.md``), a
file that may be published under ``media/`` (a photo, a PDF), or a problem:

- a symbolic link that leaves the project or leads nowhere, and any link to a folder
  (the walk never follows one);
- anything that is not a regular file (a named pipe would hang the build, a device
  would be read forever);
- a name MkDocs would take for a page (``x.MD``, ``x.markdown``) that is not a release;
- a name that is not UTF-8, holds a control character, or is too long to publish.

``check_source`` is the same rule for one file, for every other place that reads
a file the editors give (the photo of a release, the pages of ``docs/``).

A little over 300 lines: each kind of file that is refused has its own message.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import images
from .errors import UNPRINTABLE, Problem
from .errors import shown as _shown
from .settings import Settings

#: What MkDocs takes for a Markdown page (any letter case is caught here: x.MD, x.Markdown).
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
#: Longest file or folder name, in bytes of UTF-8: file systems stop at 255, and the site
#: adds to some names (thumbnails add a suffix to a photo's).
MAX_NAME_BYTES = 200
#: Longest path relative to the project, in bytes of UTF-8: published under site/media/,
#: inside checkouts and archives that add their own folders, it must stay under 4096 everywhere
#: (and under Windows' 260 characters where it can).
MAX_PATH_BYTES = 400

#: Largest text file an editor gives (a release, a page of docs/), in bytes: a long release is
#: well under 200 KB. A file of tens of megabytes (a log, an export, a paste gone wrong) would
#: hold every build for minutes and take gigabytes of memory, and make pages and feeds that no
#: reader could load.
MAX_TEXT_BYTES = 2 * 1024 * 1024


def text_size_issue(size: int) -> str | None:
    """Why a text file of ``size`` bytes is too large to publish (the end of a sentence about it), or None."""
    if size <= MAX_TEXT_BYTES:
        return None
    return (
        f"is {size:,} bytes ({size / 1024 / 1024:.1f} MiB); a release or page may be at most {MAX_TEXT_BYTES:,} "
        f"bytes ({MAX_TEXT_BYTES // 1024 // 1024} MiB; a long release is well under 200 KB): publish a long "
        "report as a PDF shipped with the releases, and link to it"
    )


#: Said of a photo that exists but is not among the files the walk found.
NOT_PUBLISHED = (
    "is not published with the releases: files whose name or folder starts with '.' or '_' never are, "
    "nor files in a linked folder; move it among the releases"
)
MISSING = "does not exist"


@dataclass(slots=True)
class Scan:
    """What one walk of the releases folder found."""

    releases: list[str] = field(default_factory=list)
    """The release files, relative to the releases folder, with forward slashes, sorted."""
    assets: list[str] = field(default_factory=list)
    """Every other file that may be published (under ``media/``), relative to the releases folder, sorted."""
    problems: list[Problem] = field(default_factory=list)
    """The files that are neither, and why; a folder without releases unless ``allow_empty``."""


def scan(settings: Settings) -> Scan:
    """Walk the releases folder once, never following a link, and sort out everything in it."""
    found = Scan()
    root = settings.releases_path
    shown_root = Path(settings.releases_dir).as_posix().rstrip("/") or "."
    try:
        info = os.stat(root)
    except FileNotFoundError:
        if not settings.allow_empty:
            found.problems.append(
                Problem(
                    shown_root,
                    (
                        'the releases folder does not exist; create it and add a release (make new TITLE="..."), '
                        "or set 'allow_empty: true' under extra: newsroom: in mkdocs.yml "
                        "to build a site without releases"
                    ),
                )
            )
        return found
    except OSError as err:
        found.problems.append(Problem(shown_root, f"the releases folder cannot be read: {err.strerror}"))
        return found
    if not stat.S_ISDIR(info.st_mode):
        found.problems.append(
            Problem(
                shown_root,
                (
                    "the releases folder is not a folder; set releases_dir under extra: newsroom: in mkdocs.yml "
                    "to the folder holding the releases"
                ),
            )
        )
        return found
    project = _real_project(str(settings.project_dir))
    real_root = os.path.realpath(root)
    if not _inside(real_root, project):
        found.problems.append(
            Problem(
                shown_root,
                (
                    f"the releases folder lies outside the project (its real path is '{real_root}'); "
                    "only files inside the project are read or published"
                ),
            )
        )
        return found

    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as err:
            found.problems.append(
                Problem(_shown(f"{shown_root}/{prefix}".rstrip("/")), f"the folder cannot be read: {err.strerror}")
            )
            continue
        for entry in entries:
            name = entry.name
            if name.startswith((".", "_")) or name.lower() == "readme.md":
                continue
            relative = prefix + name
            shown = f"{shown_root}/{relative}"
            trouble = _name_trouble(name, shown)
            if trouble is not None:
                found.problems.append(Problem(_shown(shown), trouble))
                continue
            if entry.is_symlink():
                issue = _link_issue(entry.path, project)
                if issue is not None:
                    found.problems.append(Problem(shown, f"the file {issue}"))
                    continue
                # A link to a regular file inside the project: a file like any other.
            elif entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, relative + "/"))
                continue
            elif not entry.is_file(follow_symlinks=False):
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError:
                    mode = 0
                found.problems.append(Problem(shown, f"the file {_not_regular(mode)}"))
                continue
            suffix = next((s for s in MARKDOWN_SUFFIXES if name.lower().endswith(s)), None)
            if suffix is None:
                found.assets.append(relative)
            elif name.endswith(".md"):
                found.releases.append(relative)
            else:
                written = name[len(name) - len(suffix) :]
                found.problems.append(
                    Problem(
                        shown,
                        (
                            f"MkDocs would publish a file ending in '{written}' as a page, but only files ending in "
                            f"'.md' (lower case) are releases: rename it to '{name[: len(name) - len(suffix)]}.md'"
                        ),
                    )
                )
    found.releases.sort()
    found.assets.sort()
    if not found.releases and not settings.allow_empty:
        found.problems.append(
            Problem(
                shown_root,
                (
                    "the releases folder holds no release (a file such as 2020-03-03-title.md); add one "
                    "(make new TITLE=\"...\"), or set 'allow_empty: true' under extra: newsroom: in mkdocs.yml "
                    "to build a site without releases"
                ),
            )
        )
    found.problems.sort(key=lambda problem: problem.path)
    return found


def check_source(path: Path, project_dir: Path, shown_as: str) -> Problem | None:
    """None when ``path`` is a regular file whose real path lies inside ``project_dir``, named as
    a file of the releases folder must be (``scan``); else the problem, reported as ``shown_as``
    (the path as editors know it: ``docs/about.md``)."""
    for name in shown_as.split("/"):
        trouble = _name_trouble(name, shown_as)
        if trouble is not None:
            return Problem(_shown(shown_as), trouble)
    issue = source_issue(path, project_dir)
    if issue is None and shown_as.lower().endswith(MARKDOWN_SUFFIXES):
        issue = text_size_issue(os.stat(path).st_size)
    return None if issue is None else Problem(shown_as, f"the file {issue}")


def source_issue(path: Path | str, project_dir: Path | str) -> str | None:
    """Why ``path`` may not be read, as the end of a sentence about it (``is a symbolic link to ...``),
    or None when it is a regular file whose real path lies inside ``project_dir``."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return MISSING
    except OSError as err:
        return f"cannot be read: {err.strerror}"
    project = _real_project(str(project_dir))
    if stat.S_ISLNK(info.st_mode):
        return _link_issue(str(path), project)
    if not stat.S_ISREG(info.st_mode):
        return _not_regular(info.st_mode)
    real = os.path.realpath(path)
    if not _inside(real, project):
        return (
            f"lies outside the project (its real path is '{real}'); only files inside the project are read or published"
        )
    return None


class Photos:
    """Why a file may not be a release's photo (the end of a sentence about it), or None.

    By path relative to the releases folder, each checked once per build: a regular file
    inside the project (the walk's ``scan`` says so, or ``source_issue`` when there was none),
    published with the releases, whose content is an image of the type its name says
    (``images.check_photo``, itself cached by file version across builds).
    """

    def __init__(
        self, settings: Settings, found: Scan | None = None, inspected: Mapping[str, images.Inspection] | None = None
    ):
        self.root = settings.releases_path
        self.project_dir = settings.project_dir
        self.assets = set(found.assets) if found is not None else None
        self.inspected = inspected or {}
        """The photos among the assets as the build already inspected them (``images.inspect``)."""
        self.verdicts: dict[str, str | None] = {}

    def __call__(self, relative: str) -> str | None:
        try:
            return self.verdicts[relative]
        except KeyError:
            pass
        path = self.root / relative
        if self.assets is not None and relative in self.assets:
            issue = None
        else:
            issue = source_issue(path, self.project_dir)
            if issue is None and self.assets is not None:
                issue = NOT_PUBLISHED
        if issue is None:
            inspection = self.inspected.get(relative)
            issue = inspection.issue if inspection is not None else images.check_photo(path)
        self.verdicts[relative] = issue
        return issue


def _link_issue(path: str, project: str) -> str | None:
    """Why the symbolic link at ``path`` may not be used; None for a link to a regular file inside the project."""
    try:
        target = os.readlink(path)
    except OSError as err:
        return f"cannot be read: {err.strerror}"
    shown_target = _shown(target)
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return f"is a symbolic link to '{shown_target}', which leads round in a loop; put the file itself here"
        return f"is a symbolic link to '{shown_target}', which does not exist; put the file itself here"
    if not _inside(real, project):
        return (
            f"is a symbolic link to '{shown_target}', outside the project; only files inside the project "
            "are read or published: copy the file here instead of linking to it"
        )
    if stat.S_ISDIR(info.st_mode):
        return (
            f"is a symbolic link to a folder ('{shown_target}'); linked folders are not followed: "
            "move the files here instead of linking to them"
        )
    if not stat.S_ISREG(info.st_mode):
        return f"is a symbolic link to '{shown_target}', which {_not_regular(info.st_mode)}"
    return None


def _not_regular(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISDIR(mode):
        kind = "a folder"
    else:
        kind = "a special file"
    return f"is not a regular file but {kind}; only regular files are read or published: remove it"


def _name_trouble(name: str, shown: str) -> str | None:
    """Why a file or folder name cannot be published, or None."""
    bad = UNPRINTABLE.search(name)
    if bad is not None:
        if "\ud800" <= bad[0] <= "\udfff":
            return "the name is not valid UTF-8; rename it"
        code = ord(bad[0])
        if code < 0xA0:
            return f"the name holds the control character U+{code:04X}; rename it"
        return (
            f"the name holds the invisible character U+{code:04X} ({unicodedata.name(bad[0])}), which changes "
            "the order or the lines in which it is shown; rename it"
        )
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        return (
            f"the name is {size} bytes long; a file or folder name may be at most {MAX_NAME_BYTES} bytes "
            "(in UTF-8, where letters outside A-Z take 2 to 4): shorten it"
        )
    size = len(shown.encode("utf-8"))
    if size > MAX_PATH_BYTES:
        return (
            f"the path is {size} bytes long; a path in the project may be at most {MAX_PATH_BYTES} bytes "
            "(in UTF-8): shorten the names of the file or of its folders"
        )
    return None


@functools.lru_cache(maxsize=16)
def _real_project(project_dir: str) -> str:
    return os.path.realpath(project_dir)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)
