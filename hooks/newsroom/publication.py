"""When a release may be published: drafts, embargoes and the build's clock.

Every time-dependent decision of a build reads the same clock: the moment the
build started, or ``NEWSROOM_NOW`` (ISO 8601) when it is set, for previews
and tests.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .model import Release
from .reader import parse_moment

NOW_VARIABLE = "NEWSROOM_NOW"


def build_time(zone: ZoneInfo, environ: dict[str, str] | None = None) -> datetime:
    """The moment this build publishes at."""

    raw = (environ if environ is not None else os.environ).get(NOW_VARIABLE)
    if not raw:
        return datetime.now(UTC).astimezone(zone).replace(microsecond=0)
    try:
        return parse_moment(raw, zone)[0]
    except ValueError as err:
        raise ValueError(f"{NOW_VARIABLE}: {err}") from None


def instant(moment: datetime) -> datetime:
    """``moment`` as a UTC instant, for comparing: Python compares two datetimes that share a
    ZoneInfo as wall clocks, so that 01:30 after the clocks go back would come before 01:45 of
    the hour before. Every comparison of moments goes through here."""
    return moment.astimezone(UTC)


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
