"""Thia's value parsers and constants (seed ``000_625ed28ef0e2e084.txt``).

* Prices are decimal strings with no currency field; Thia sells in Romanian lei (RON).
* Wall-clock values are Europe/Bucharest, even the timestamps written with a "Z".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.parsing import SkipItem
from providers.models import OfferKind

TIMEZONE = "Europe/Bucharest"  # doc: "based on the Europe/Bucharest time zone"
BUCHAREST = ZoneInfo(TIMEZONE)
# doc: prices are "decimal strings" without a currency; Thia's spaces sell in lei.
DEFAULT_CURRENCY = "RON"
# doc: space.country is only {id, name}; the names Thia uses, to ISO 3166-1 alpha-2.
COUNTRY_CODES = {"romania": "RO", "moldova": "MD", "republic of moldova": "MD"}

# doc: Seating Option IDs 1 Day Pass, 2 Hot Desk, 3 Dedicated Desk, 4 Meeting/Event Room,
# 5 Private Office.
MEETING_ROOM_SEATING = 4
OFFER_KINDS = {
    1: OfferKind.DAY_PASS,
    2: OfferKind.HOT_DESK,
    3: OfferKind.DEDICATED_DESK,
    5: OfferKind.PRIVATE_OFFICE,
}
# doc: Duration Units (duration_unit) 1 Hours, 2 Days, 3 Months, 4 Years.
# Keyed by whatever the decoded JSON holds (a missing unit is looked up as None).
DURATION_UNITS: dict[Any, str] = {1: "hour", 2: "day", 3: "month", 4: "year"}
HALF_DAY = 1  # doc: Day Pass duration_type "1 | Half a day (uses time_start and time_end)"
# doc (meeting-room booking): each slot "must start at the beginning of the hour" and
# "be exactly 1 hour long".
SLOT_MINUTES = 60

PASS_KINDS = frozenset(kind.value for kind in OFFER_KINDS.values())


def parse_timestamp(value: str) -> dt.datetime:
    """A Thia timestamp as an aware datetime.

    doc: timestamps are "YYYY-MM-DDTHH:MM:SS.ssssssZ and are based on the Europe/Bucharest
    time zone": the "Z" does not mean UTC, the digits are Bucharest wall-clock time.
    """
    naive = dt.datetime.fromisoformat(value.strip().rstrip("Zz"))
    return naive.replace(tzinfo=BUCHAREST)


def parse_time(value: Any) -> dt.time:
    if not isinstance(value, str):
        raise SkipItem(f"time {value!r} is not HH:MM:SS")
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise SkipItem(f"time {value!r} is not HH:MM:SS") from exc


def parse_price(value: Any) -> Decimal:
    # doc: "Prices are returned as decimal strings for precise monetary calculations"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SkipItem(f"price {value!r} is not a decimal string")
    try:
        price = Decimal(str(value))
    except InvalidOperation as exc:
        raise SkipItem(f"price {value!r} is not a decimal string") from exc
    if not price.is_finite() or price < 0:
        raise SkipItem(f"price {value!r} is not a decimal string")
    return price


def parse_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SkipItem(f"{what} {value!r} is not an integer")
    return value


def iso_weekdays(value: Any) -> list[int]:
    """doc: ISO 1=Monday..7=Sunday, "[] signifies access for the entire week" -> 0..6."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in value
    ):
        raise SkipItem(f"weekdays {value!r} are not ISO weekdays")
    days = sorted({d - 1 for d in value})
    return [] if len(days) == 7 else days


def minutes(value: dt.time) -> int:
    """Minutes since midnight of a wall-clock time."""
    return value.hour * 60 + value.minute
