"""4Spaces value parsers and the document's constants (seed ``004_a5945c39ebd5aa5e.txt``).

Money is "decimal?", dates are epoch milliseconds, TimeSpans are ISO 8601 durations and
opening hours are OpenStreetMap-style strings in the smart spaces' ``properties``. A value
that cannot be read raises ``SkipItem``: the item is skipped and the rest syncs.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from providers.adapters.parsing import SkipItem
from providers.adapters.types import OpeningHours
from providers.models import OfferKind, ResourceKind

# doc: enum ServiceType "Reservation 1, Request 2, External 3, Ticket 4"
RESERVATION, REQUEST, EXTERNAL, TICKET = 1, 2, 3, 4
# doc: enum ServiceTimeOptionType "Daily 0, Timespan 1"
DAILY, TIMESPAN = 0, 1

# thingType.sysTypeName of a bookable thing -> the portal's resource kind
RESOURCE_KINDS = {
    "MeetingRoom": ResourceKind.MEETING_ROOM,
    "EventSpace": ResourceKind.MEETING_ROOM,
    "PhoneBooth": ResourceKind.MEETING_ROOM,
    "DeskArea": ResourceKind.DESK,
    "Desk": ResourceKind.DESK,
    "PrivateOffice": ResourceKind.OFFICE,
    "Office": ResourceKind.OFFICE,
}
# ... and of a thing booked by the day -> the offer kind
DAILY_OFFER_KINDS = {
    "DeskArea": OfferKind.DAY_PASS,
    "Desk": OfferKind.DAY_PASS,
    "PrivateOffice": OfferKind.PRIVATE_OFFICE,
    "Office": OfferKind.PRIVATE_OFFICE,
}
SERVICE_PRICE_UNITS = {REQUEST: "request", EXTERNAL: "booking", TICKET: "ticket"}

# .NET DateTime.MinValue (doc sample "validFrom: -62135596800000") means "not set".
DATETIME_MIN_MS = -62135596800000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# Wall-clock lengths the portal shows prices for.
HOUR, HALF_DAY, DAY = 60, 240, 480

# ISO 3166-1 alpha-2 of the countries a 4Spaces operator is likely to be in; the
# document has no country field (the seed writes the code in properties.country).
COUNTRY_NAMES = {
    "AT": "Austria",
    "BE": "Belgium",
    "CH": "Switzerland",
    "CZ": "Czechia",
    "DE": "Germany",
    "ES": "Spain",
    "FR": "France",
    "GB": "United Kingdom",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IT": "Italy",
    "LI": "Liechtenstein",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "US": "United States",
}
COUNTRY_CODES = {name.lower(): code for code, name in COUNTRY_NAMES.items()}
COUNTRY_CODES.update({"österreich": "AT", "deutschland": "DE", "schweiz": "CH"})

# OpenStreetMap-style opening hours, as in the buildings' properties.openingHours
# ("Mo-Fr 08:00-20:00; Sa 09:00-14:00").
DAY_NAMES = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
HOURS_RULE = re.compile(
    r"^(?P<days>[A-Za-z]{2}(?:\s*[-,]\s*[A-Za-z]{2})*)\s+"
    r"(?P<times>off|closed|\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})$",
    re.IGNORECASE,
)
# doc: TimeSpans are ISO 8601 durations ("checkin: PT0S")
ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


# --- small parsers --------------------------------------------------------------------


def decimal_or_none(value: Any) -> Decimal | None:
    """doc: money is "decimal?" -- a JSON number; None when absent."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise SkipItem(f"{value!r} is not a decimal") from exc
    if not result.is_finite():
        raise SkipItem(f"{value!r} is not a decimal")
    return result


def int_or_none(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def epoch_ms(value: Any, tz: dt.tzinfo = dt.UTC) -> dt.datetime | None:
    """doc: dates are epoch milliseconds ("validFrom: -62135596800000") -> aware datetime."""
    if value is None or isinstance(value, bool) or value == DATETIME_MIN_MS:
        return None
    if not isinstance(value, int | float):
        raise SkipItem(f"{value!r} is not an epoch-millisecond date")
    return (EPOCH + dt.timedelta(milliseconds=value)).astimezone(tz)


def duration_minutes(value: Any) -> int | None:
    """An ISO 8601 duration ("PT8H", "PT8H30M") as whole minutes."""
    if not isinstance(value, str):
        return None
    match = ISO_DURATION.match(value.strip().upper())
    if not match or value.strip().upper() in ("P", "PT"):
        return None
    days, hours, minutes = (int(match[g] or 0) for g in ("d", "h", "m"))
    seconds = float(match["s"] or 0)
    return days * 1440 + hours * 60 + minutes + int(seconds // 60)


def clock(minutes: int | None) -> str | None:
    """Minutes after midnight as "HH:MM" (a check-in/check-out time)."""
    if minutes is None:
        return None
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def zone(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name.strip()


def parse_time(text: str) -> tuple[dt.time, bool]:
    hours, minutes = (int(part) for part in text.strip().split(":"))
    if hours == 24 and minutes == 0:
        return dt.time(0, 0), True
    return dt.time(hours, minutes), False


def opening_hours(text: Any) -> list[OpeningHours]:
    """``"Mo-Fr 08:00-20:00; Sa 09:00-14:00"`` -> seven days (unnamed days are closed).

    Anything that does not read as that format gives no hours rather than wrong ones.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    days: dict[int, OpeningHours] = {}
    for rule in text.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        match = HOURS_RULE.match(rule)
        if not match:
            return []
        weekdays: list[int] = []
        for part in re.split(r"\s*,\s*", match["days"]):
            ends = [p.strip().lower() for p in part.split("-")]
            if any(e not in DAY_NAMES for e in ends):
                return []
            first, last = DAY_NAMES[ends[0]], DAY_NAMES[ends[-1]]
            weekdays.extend(range(first, last + 1) if first <= last else [])
        times = match["times"].lower()
        for day in weekdays:
            if times in ("off", "closed"):
                days[day] = OpeningHours(day, None, None)
                continue
            opens_text, closes_text = times.split("-")
            try:
                opens, _ = parse_time(opens_text)
                closes, next_day = parse_time(closes_text)
            except ValueError:
                return []
            days[day] = OpeningHours(day, opens, closes, next_day)
    return [days.get(day) or OpeningHours(day, None, None) for day in range(7)]
