"""Dates and times: ``parse_moment`` reads the ISO 8601 dates and date-times of the front matter
(and the build's clock, ``NEWSROOM_NOW``) with their rules: the years accepted, the site's time
zone for a time without an offset, and the local times its clocks skip or go over twice."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

#: The years a date may be in: a typo such as 0202 or 20200 is caught, and no date overflows.
MIN_YEAR, MAX_YEAR = 1900, 2200


# The shapes of ISO 8601 we accept: a calendar date, optionally a time, optionally an offset.
ISO_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?\Z",
    re.ASCII,
)

DATE_HINT = "expected an ISO 8601 date such as 2020-03-05 or a date-time such as 2020-03-05T09:00+09:00"


def parse_moment(raw: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    """Parse an ISO 8601 date or date-time; a value without an offset is in ``zone``.

    Raises ValueError with a message for editors: for years outside MIN_YEAR..MAX_YEAR, and
    for a local time the clocks skip or go over twice in ``zone`` (the editor must say which
    moment is meant). A date alone is the first moment of that day.

    The result is in ``zone``; compare moments as UTC instants (``.astimezone(UTC)``):
    Python compares two datetimes of the same ZoneInfo as wall clocks, wrong around a change
    of the clocks.
    """
    value = raw.strip()
    match = ISO_RE.match(value)
    if not match:
        raise ValueError(f"{DATE_HINT}, got '{raw}'")
    if not MIN_YEAR <= int(match["date"][:4]) <= MAX_YEAR:
        raise ValueError(f"'{raw}' is outside the years {MIN_YEAR} to {MAX_YEAR} the site accepts; check the year")
    try:
        day = date.fromisoformat(match["date"])
        moment = None
        if match["time"]:
            moment = datetime.fromisoformat(f"{match['date']}T{match['time']}{match['offset'] or ''}")
    except ValueError as err:
        raise ValueError(f"'{raw}' is not a real date or time ({err}); {DATE_HINT}") from None
    if moment is None:
        # The first moment of that day (where the clocks skip midnight, the moment they jump to).
        start = datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC).astimezone(zone)
        if start.date() != day:
            raise ValueError(
                f"'{raw}' does not exist in {_zone_name(zone)}: the clocks skip the whole day (a change "
                f"of time zone); write the moment you mean with its offset, such as {start.isoformat()}"
            )
        return _in_range(start, raw, zone), False
    if moment.microsecond:
        raise ValueError(
            f"'{raw}' has a fraction of a second, which pages and feeds cannot all write; give the time to the "
            f"second, such as {moment.replace(microsecond=0).isoformat()}"
        )
    if moment.tzinfo is None:
        moment = _local_moment(moment, zone, raw)
    return _in_range(moment.astimezone(zone), raw, zone), True


def _zone_name(zone: ZoneInfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def _local_moment(wall: datetime, zone: ZoneInfo, raw: str) -> datetime:
    """The one moment the wall-clock time ``wall`` names in ``zone``; ValueError when there is none or two."""
    first, second = wall.replace(tzinfo=zone), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    jumped = first.astimezone(UTC).astimezone(zone)
    if jumped.replace(tzinfo=None) != wall:
        raise ValueError(
            f"'{raw}' does not exist in {_zone_name(zone)}: the clocks skip it (daylight saving time or a "
            f"change of time zone); write the moment you mean with its offset, such as {jumped.isoformat()}"
        )
    raise ValueError(
        f"'{raw}' happens twice in {_zone_name(zone)}: the clocks go back over it (daylight saving time or a "
        f"change of time zone); write the one you mean with its offset: {first.isoformat()} (the first) or "
        f"{second.isoformat()} (the second)"
    )


def _in_range(moment: datetime, raw: str, zone: ZoneInfo) -> datetime:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(
            f"'{raw}' is {moment:%Y-%m-%d} in the site's time zone ({_zone_name(zone)}), outside the years "
            f"{MIN_YEAR} to {MAX_YEAR} the site accepts; check the year"
        )
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        # Local mean time (Seoul before 1908: +08:27:52): no page, feed or sitemap format writes seconds
        # in an offset. The same instant, at the offset rounded to the minute (the clock moves < 30 s).
        return moment.astimezone(timezone(timedelta(minutes=round(offset.total_seconds() / 60))))
    return moment
