"""When a release may be published: drafts, embargoes and the build's clock.

Every time-dependent decision of a build reads the same clock: the moment the
build started, or ``NEWSROOM_NOW`` (ISO 8601) when it is set, for previews
and tests.
"""

from __future__ import annotations

import html
import os
from datetime import datetime, timezone
from typing import Iterable
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from .errors import Problem
from .model import Release
from .pages import URL_ATTRIBUTE
from .reader import parse_moment
from .urls import url_of

NOW_VARIABLE = "NEWSROOM_NOW"


def build_time(zone: ZoneInfo, environ: dict[str, str] | None = None) -> datetime:
    """The moment this build publishes at."""

    raw = (environ if environ is not None else os.environ).get(NOW_VARIABLE)
    if not raw:
        return datetime.now(timezone.utc).astimezone(zone).replace(microsecond=0)
    try:
        return parse_moment(raw, zone)[0]
    except ValueError as err:
        raise ValueError(f"{NOW_VARIABLE}: {err}") from None


def instant(moment: datetime) -> datetime:
    """``moment`` as a UTC instant, for comparing: Python compares two datetimes that share a
    ZoneInfo as wall clocks, so that 01:30 after the clocks go back would come before 01:45 of
    the hour before. Every comparison of moments goes through here."""
    return moment.astimezone(timezone.utc)


def release_time(release: Release) -> datetime:
    """When a release becomes public: its date, or its embargo if that is later (as given, in
    the site's time zone).

    An embargo only ever holds a release back: one set before the date (a typo, or a date
    moved later) does not publish a future-dated release early.
    """
    if release.embargo is not None and instant(release.embargo) > instant(release.date):
        return release.embargo
    return release.date


def is_published(release: Release, now: datetime, *, drafts: bool = False) -> bool:
    """Whether the build at ``now`` publishes the release (``drafts``: also drafts, for previews)."""
    if release.draft and not drafts:
        return False
    return instant(release_time(release)) <= instant(now)


class HeldLinks:
    """Finds links to held releases (drafts, embargoes) in the HTML of published pages.

    A link to a held release's file is taken out while the body is converted; this is the
    net under it, for every other way an editor can write one: its future address, relative
    or absolute, its file from the site root, raw HTML. Any such link would reveal the
    release (its address carries its slug, usually its headline): the build must fail.
    """

    _BASE = "https://newsroom.invalid/"
    _BASE_HOST = "newsroom.invalid"

    def __init__(self, held: Iterable[Release], releases_dir: str, site_url: str | None = None):
        self.targets: dict[str, Release] = {}
        for release in held:
            url = url_of(release)
            for path in (url, url.rstrip("/"), url + "index.html", f"{releases_dir}/{release.name}"):
                self.targets[path] = release
        site = urlsplit(site_url or "")
        self.site_host = site.netloc
        self.root = site.path.strip("/") + "/" if site.path.strip("/") else ""

    def __bool__(self) -> bool:
        return bool(self.targets)

    def find(self, body_html: str, page_url: str) -> list[tuple[str, Release]]:
        """The addresses in ``body_html`` (of the page at ``page_url``) that lead to held releases."""
        found = []
        base = self._BASE + self.root + page_url
        for match in URL_ATTRIBUTE.finditer(body_html):
            address = html.unescape(match[3]).strip()
            parts = urlsplit(urljoin(base, address))
            if parts.netloc not in (self._BASE_HOST, self.site_host):
                continue
            path = unquote(parts.path).lstrip("/")
            release = self.targets.get(path) or self.targets.get(path.removeprefix(self.root))
            if release is not None:
                found.append((address, release))
        return found

    def problem(self, path: str, source_text: str, address: str, release: Release) -> Problem:
        """The problem of a page whose file ``path`` holds ``source_text``, linking to ``release``."""
        when = "a draft" if release.draft else f"held back until {release_time(release).isoformat()}"
        line = next((n for n, text in enumerate(source_text.splitlines(), 1) if address in text), None)
        return Problem(
            path,
            f"links to {address}, the address of {release.source}, which is {when}: the link would "
            f"reveal it. Link to its file ({release.name}) instead, and the build leaves the link out "
            "until the release is published",
            line,
        )
