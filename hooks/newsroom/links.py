"""Addresses in bodies: which attributes hold them, how two spellings of one address compare,
and the guard that keeps a published page from pointing at a release that is held back.

Browsers forgive a lot in an address (any case in the scheme and host, a default port,
backslashes, tabs and newlines, ``//`` and ``..`` in the path, percent-encoding); an address
here is compared after the same forgiveness, so that no spelling slips past a check.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from .model import Release
from .urls import url_of

#: Attributes whose value is an address (or, for srcset, a list of them), on any element.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "poster",
        "cite",
        "data",
        "background",
        "longdesc",
        "usemap",
        "xlink:href",
        "ping",
        "manifest",
        "codebase",
        "icon",
        "lowsrc",
        "dynsrc",
        "profile",
        "archive",
        "classid",
        "itemtype",
        "imagesrcset",
    }
)

#: Elements a browser fetches on its own, with the attributes that say from where.
RESOURCES = {
    "img": ("src", "srcset", "lowsrc", "dynsrc"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data", "codebase"),
    "input": ("src",),
    "link": ("href",),
    "script": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "body": ("background",),
    "table": ("background",),
    "td": ("background",),
    "th": ("background",),
}

_DEFAULT_PORTS = {"http": 80, "https": 443}
_STRIPPED = str.maketrans("", "", "\t\n\r")


def addresses(attribute: str, value: str) -> list[str]:
    """The addresses in one attribute's value: one, or several for ``srcset``."""
    if attribute.endswith("srcset"):
        return [part.strip().split()[0] for part in value.split(",") if part.strip()]
    return [value]


def clean(address: str) -> str:
    """An address as a browser reads it: tabs and newlines removed, spaces around trimmed,
    backslashes taken as slashes."""
    return address.translate(_STRIPPED).strip(" \x00\x0c").replace("\\", "/")


def scheme_of(address: str) -> str:
    """The scheme of an address as a browser sees it ('' for a relative address), in lower case."""
    return urlsplit(clean(address)).scheme.lower()


@dataclass(frozen=True, slots=True)
class Place:
    """An address reduced to what decides where it leads."""

    host: str
    """Lower case, without a default port; '' where the address names no host."""
    path: str
    """Percent-decoded, dot segments and repeated slashes resolved, case folded, without a
    trailing slash or ``index.html``."""


def place(address: str, base: str) -> Place | None:
    """Where ``address``, found on the page at the absolute URL ``base``, leads; None for what is
    not a web address (mailto:, a port that is not a number...)."""
    try:
        parts = urlsplit(urljoin(base, clean(address)))
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    host = (parts.hostname or "").rstrip(".")
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return Place(host, normal_path(parts.path))


def normal_path(path: str) -> str:
    """A path for comparing: decoded, dot segments and repeated slashes resolved, case folded."""
    decoded = unquote(unquote(path)).replace("\\", "/")
    resolved = posixpath.normpath("/" + decoded) if decoded else "/"
    resolved = resolved.lstrip("/")
    resolved = resolved.removesuffix("index.html")
    return resolved.strip("/").casefold()


def site_host(site_url: str | None) -> tuple[str, str]:
    """The host (with a port that is not the default) and the path prefix of the site."""
    parts = urlsplit(site_url or "")
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    root = parts.path.strip("/")
    return host, (root + "/" if root else "")


class HeldLinks:
    """Finds addresses in published pages that lead to held releases (drafts, embargoes).

    A link to a held release's file is taken out while the body is rendered; this is the net
    under it, for every other way to write one: its future address, relative or absolute, from
    the site root or as a full URL on the site's host, its file from the root, in any spelling a
    browser would follow. Any such link would reveal the release (its address carries its slug,
    usually its headline): the build must fail.
    """

    _HOST = "newsroom.invalid"

    def __init__(self, held: Iterable[Release], releases_dir: str, site_url: str | None = None):
        self.host, self.root = site_host(site_url)
        self.targets: dict[str, Release] = {}
        for release in held:
            for path in (url_of(release), f"{releases_dir}/{release.name}"):
                self.targets[normal_path(path)] = release
                self.targets[normal_path(self.root + path)] = release

    def __bool__(self) -> bool:
        return bool(self.targets)

    def base(self, page_url: str) -> str:
        """The absolute address of a page, as links on it are resolved."""
        return f"https://{self.host or self._HOST}/{self.root}{page_url}"

    def find(self, links: Iterable[str], page_url: str) -> Iterator[tuple[str, Release]]:
        """The addresses among ``links`` (found on the page at ``page_url``) that lead to held releases."""
        base = self.base(page_url)
        for address in links:
            where = place(address, base)
            if where is None or where.host not in (self.host or self._HOST, self._HOST):
                continue
            release = self.targets.get(where.path)
            if release is not None:
                yield address, release
