"""MkDocs' ``url`` template filter, with the same results and less work.

A release page calls ``url`` about thirty times (feeds, terms, related releases, the language
switcher, Material's footer); a listing page once or twice per card. MkDocs' filter
(``mkdocs.utils.normalize_url``) splits and normalizes both the target and the page's own
address on every call. Here the page's address is split once per page and each target once per
build; what is left per call is the comparison of their folders. Targets that MkDocs treats
specially (absolute URLs, paths from the root, anchors, paths leading above their folder,
Windows separators) are handed to MkDocs' own function, and so is every call without a page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from jinja2 import pass_context
from mkdocs.utils import normalize_url


def _parts(path: str) -> list[str]:
    """The folders and name of ``path``, normalized as MkDocs does (``mkdocs.utils._norm_parts``)."""
    path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return path.split("/") if path else []


def _plain(path: str) -> bool:
    """Whether MkDocs makes ``path`` relative to the page by comparing folders alone: a relative
    path that stays within the site root (``mkdocs.utils._get_norm_url`` gives it level 0)."""
    if "\\" in path:
        return False
    parsed = urlsplit(path)
    if parsed.scheme or parsed.netloc or path.startswith(("/", "#")):
        return False
    return not (posixpath.normpath(path) + "/").startswith("../")


def make_url_filter() -> Callable[[Any, Any], str]:
    """A ``url`` filter for one template environment (one build)."""
    targets: dict[str, tuple[list[str], bool] | None] = {}
    """By target: its parts and whether it ends in '/'; None where MkDocs' function decides."""
    here: list[Any] = [None, []]
    """The page last asked for, and the parts of its folder."""

    @pass_context
    def url(context: Any, value: Any) -> str:
        page = context["page"]
        path = str(value) or "."
        if page is None:
            return normalize_url(path, None, context["base_url"])
        try:
            target = targets[path]
        except KeyError:
            target = targets[path] = (_parts(path), path.endswith("/")) if _plain(path) else None
        if target is None:
            return normalize_url(path, page, context["base_url"])
        page_url = page.url
        if page_url != here[0]:
            dirname, _, basename = page_url.rpartition("/")
            here[0], here[1] = page_url, _parts(dirname if "." in basename else page_url)
        folders: list[str] = here[1]
        parts, slash = target
        common = 0
        for a, b in zip(folders, parts, strict=False):
            if a != b:
                break
            common += 1
        relative = "/".join([".."] * (len(folders) - common) + parts[common:]) or "."
        return relative + "/" if slash else relative

    return url
