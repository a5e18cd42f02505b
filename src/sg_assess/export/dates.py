"""Dates and times as a UK reader reads them: "2 February 2026", "11:26 GMT" (UK local time, zone named).

Timestamps are stored in UTC; a reader in the UK reads "10:15" as local time,
so times are shown in Europe/London with the zone's name (GMT or BST).  The
zone data comes from the system or, on Windows, from the ``tzdata`` package.
ISO dates stay in the export's footer and in JSON.  Anything that is not a
valid date (text from an older or redacted record) is shown as it is.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@lru_cache(maxsize=1)
def uk_zone() -> dt.tzinfo:
    try:
        return ZoneInfo("Europe/London")
    except (ZoneInfoNotFoundError, ValueError):  # no zone data at all: say UTC rather than guess
        return dt.timezone.utc


def _date(value: str | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def long_date(value: str | dt.date | None) -> str:
    """'2026-02-02' -> '2 February 2026'; anything else unchanged ('' for None)."""
    day = _date(value)
    if day is None:
        return "" if value is None else str(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def local_time(iso: str | None) -> str:
    """A stored UTC timestamp as UK local time with the zone named: '2 February 2026, 11:26 GMT'."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(uk_zone())
    zone = local.tzname() or "UTC"
    return f"{long_date(local.date())}, {local:%H:%M} {zone}"


def age_text(dob: str | None, on: str | None) -> str:
    """The age on a date in years and months: '7 years 0 months', '1 year 11 months', '5 months' ('' if unknown)."""
    born, day = _date(dob), _date(on)
    if born is None or day is None or day < born:
        return ""
    months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
    years, months = divmod(months, 12)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return plural(months, "month") if years == 0 else f"{plural(years, 'year')} {plural(months, 'month')}"
