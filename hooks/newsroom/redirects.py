"""Old addresses of releases (``aliases:``), each answered by a small redirect page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import Problem
from .model import Release
from .reader.values import alias_file


@dataclass(frozen=True, slots=True)
class Redirect:
    path: str
    """The old address, relative to the site root: a folder ('news/old/') or a file ('old.html')."""
    release: Release

    @property
    def file_path(self) -> str:
        """The file that answers the old address, as a web server finds it (%-escapes decoded: the
        reader refuses an alias whose decoding would not be a file of the site)."""
        found = alias_file(self.path)
        assert found is not None, f"an alias the reader let through: {self.path!r}"
        return found


def redirects(published: Iterable[Release]) -> list[Redirect]:
    return [Redirect(alias, release) for release in published for alias in release.aliases]


def check_redirects(
    releases: Iterable[Release], pages: Mapping[str, str], folders: Mapping[str, str] = {}
) -> list[Problem]:
    """Aliases that collide with a page (``pages``: file path -> who makes it), fall in a folder
    the site fills itself (``folders``: 'pagefind/' -> who), or collide with each other."""
    problems: list[Problem] = []
    taken = dict(pages)
    for release in sorted(releases, key=lambda r: r.name):
        for alias in release.aliases:
            path = Redirect(alias, release).file_path
            other = (
                taken.get(path)
                or next((who for folder, who in folders.items() if path.startswith(folder)), None)
                or _file_above(path, taken)
            )
            if other is None:
                taken[path] = release.source
                continue
            if other == release.source:
                problems.append(
                    Problem(
                        release.source,
                        f"'{alias}' is this release's own address",
                        release.line_of("aliases"),
                        "aliases",
                    )
                )
            else:
                problems.append(
                    Problem(
                        release.source,
                        f"the old address '{alias}' is already taken by {other}; "
                        "each address can lead to one page only",
                        release.line_of("aliases"),
                        "aliases",
                    )
                )
    return problems


def _file_above(path: str, taken: Mapping[str, str]) -> str | None:
    """Who makes a file where ``path`` needs a folder (the alias ``feed.xml/`` under the feed)."""
    parts = path.split("/")[:-1]
    for end in range(1, len(parts) + 1):
        other = taken.get("/".join(parts[:end]))
        if other is not None:
            return other
    return None
