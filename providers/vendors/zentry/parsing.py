"""Zentry's value parsers and constants (Workspaces API ``002_b74326c229a2377d.txt``,
CheckIns API ``003_c7b0553c6c4180e6.txt``).

Money is integer cents (doc: "Stored in cents") in US dollars (every Zentry address is a
US state; the documents name no currency). Locations carry their own ``timeZone``;
answers' date-times are UTC instants.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from providers.adapters.base import malformed
from providers.adapters.parsing import SkipItem, safe_url, text

# doc: "API Key (API_KEY) • Parameter Name: Api-Key Authentication, in: header." A header
# name cannot contain a space; docs/providers/zentry.md settles on `Api-Key`.
API_KEY_HEADER = "Api-Key"
CURRENCY = "USD"
COUNTRY, COUNTRY_CODE = "United States", "US"
PAGE_SIZE = 100
MAX_PAGES = 1000  # a provider that keeps answering full pages must not loop forever
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The document's `timeZone` values are IANA ("America/Chicago"); a .NET service may also
# answer Windows names, so the US ones are converted rather than dropping the location.
WINDOWS_ZONES = {
    "eastern standard time": "America/New_York",
    "central standard time": "America/Chicago",
    "mountain standard time": "America/Denver",
    "us mountain standard time": "America/Phoenix",
    "pacific standard time": "America/Los_Angeles",
    "alaskan standard time": "America/Anchorage",
    "hawaiian standard time": "Pacific/Honolulu",
    "utc": "UTC",
}


TIME_SPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")


def cents(value: Any, what: str, *, optional: bool = False) -> Decimal | None:
    """Integer cents (doc: "Stored in cents") as a Decimal in units: 2500 -> 25.00."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SkipItem(f"{what} {value!r} is not an amount in cents")
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SkipItem(f"{what} {value!r} is not a positive integer")
    return value


def timezone_name(value: Any) -> str:
    name = text(value)
    name = WINDOWS_ZONES.get(name.lower(), name)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SkipItem(f"timeZone {value!r} is not a time zone") from exc
    return name


def span(value: Any, what: str) -> tuple[dt.time, bool]:
    """A .NET TimeSpan ("09:00:00"; "1.00:00:00" or "24:00:00" = midnight at the end of
    the day) as (time of day, is the next day)."""
    match = TIME_SPAN.match(text(value))
    if not match:
        raise SkipItem(f"{what} {value!r} is not a time of day")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if minutes > 59 or seconds > 59 or total > 86400:
        raise SkipItem(f"{what} {value!r} is not a time of day")
    if total == 86400:
        return dt.time(0, 0), True
    return dt.time(hours, minutes, seconds), False


def urls(value: Any) -> list[str]:
    """Absolute http(s) URLs only (the document's examples include the word "string")."""
    if not isinstance(value, list):
        return []
    return [u.strip() for u in value if isinstance(u, str) and is_url(u)]


def strings(value: Any) -> list[str]:
    """The provider's own names (amenities), stripped; sync normalizes them."""
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if text(v)]


def is_url(value: Any) -> bool:
    """An absolute http(s) URL (``parsing.safe_url``): pages render these as links."""
    return bool(safe_url(value))


# --- date-times and reservations ------------------------------------------------------------

Interval = tuple[dt.datetime, dt.datetime]

# doc: ReservationStatus Pending | Cancelled | Approved | Completed. Only a Cancelled
# reservation gives its room or day-pass place back (DELETE /Reservation: "the day pass /
# room slot is free again"); a Pending one is a reservation waiting for approval and
# holds its place (the sandbox refuses overlapping bookings with it), and a Completed
# one (checked out) was held that day.
HOLDING_STATUSES = ["Pending", "Approved", "Completed"]
UTC_MIDNIGHT = dt.time(0, 0)


def instant(value: Any, what: str, provider: str = "zentry") -> dt.datetime:
    """An answer's date-time as an aware UTC datetime.

    doc: ``string(date-time)``, every example ``"2019-08-24T14:15:22Z"`` (answers are UTC).
    .NET may send up to 7 fractional digits (Python reads 6) and, for an unspecified
    DateTime kind, no offset at all: such a value is read as UTC like the examples.
    """
    raw = text(value)
    if not raw:
        raise malformed(provider, f"{what} {value!r} is not a date-time")
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    if "." in raw:
        head, _, tail = raw.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        raw = f"{head}.{tail[:digits][:6].ljust(6, '0')}{tail[digits:]}"
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise malformed(provider, f"{what} {value!r} is not a date-time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    """A request instant, doc style: "2019-08-24T14:15:22Z"."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_bounds(day: dt.date, zone: ZoneInfo) -> Interval:
    """Local midnight to the next local midnight (23 or 25 hours on a DST day)."""
    return (
        dt.datetime.combine(day, dt.time(0), zone),
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone),
    )


def pass_day_of(value: Any, zone: ZoneInfo) -> dt.date:
    """The local day a day-pass reservation is for.

    doc: DayPassReservation.reservationDate "The date of the reservation" (a date-time).
    docs/providers/zentry.md: "a bare date or an instant at exactly 00:00:00Z means that
    calendar date; any other instant is converted to the location's time zone and its
    local date is used" (US local midnights are never 00:00Z, so the two cannot clash).
    """
    moment = instant(value, "reservationDate")
    if moment.time() == UTC_MIDNIGHT:
        return moment.date()
    return moment.astimezone(zone).date()
