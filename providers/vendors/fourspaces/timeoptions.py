"""4Spaces time options (seed ``004_a5945c39ebd5aa5e.txt``).

doc: a Reservation service has a ``timeOption`` of type Daily (``dailyOptions``: check-in
and check-out as TimeSpans after local midnight) or Timespan (``timespanOptions``:
``minDuration``, ``maxDuration``, ``increment``, ``incrementPriceMultiplier``). The
catalogue stores the option in ``raw["time_option"]``; these helpers read it, price a
Timespan and turn wall-clock minutes into aware times of the space's zone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from providers.vendors.fourspaces.parsing import RESERVATION


def timespan_price(raw: dict, option: dict, minutes: int) -> Decimal | None:
    """Net price of booking ``minutes`` (for display only; the document defines no pricing).

    The sandbox's reading: the unit price covers ``minDuration``, each further increment
    adds ``unitPrice x incrementPriceMultiplier``, and the total is at least
    ``minimalPrice``. Per-person pricing (``adultPriceMultiplier`` > 0) is left to the
    quote, since it depends on the party size. None when that length cannot be booked.
    """
    unit, minimum = raw["unit_price"], option["min_minutes"]
    maximum, step = option["max_minutes"], option["increment_minutes"]
    multiplier = option["increment_price_multiplier"]
    if unit is None or minutes < minimum or (maximum is not None and minutes > maximum):
        return None
    extra = minutes - minimum
    if extra:
        if not step or extra % step or multiplier is None:
            return None
        price = unit + unit * multiplier * (extra // step)
    else:
        price = unit
    if raw["minimal_price"] is not None:
        price = max(price, raw["minimal_price"])
    return price.quantize(Decimal("0.01"))


def is_timespan(raw: dict) -> bool:
    option = raw.get("time_option") if isinstance(raw, dict) else None
    return (
        raw.get("service_type") == RESERVATION
        and isinstance(option, dict)
        and option.get("type") == "timespan"
    )


def is_daily(raw: dict) -> bool:
    option = raw.get("time_option") if isinstance(raw, dict) else None
    return (
        raw.get("service_type") == RESERVATION
        and isinstance(option, dict)
        and option.get("type") == "daily"
    )


def local_at(day: dt.date, minutes: int, tz: ZoneInfo) -> dt.datetime:
    """Wall-clock ``minutes`` after local midnight of ``day`` (past 24:00: a later day),
    as an aware time; a time in the spring-forward gap comes out as the same instant
    written after the change (02:30 -> 03:30 CEST)."""
    days, rest = divmod(minutes, 1440)
    local = dt.datetime.combine(
        day + dt.timedelta(days=days), dt.time(rest // 60, rest % 60), tzinfo=tz
    )
    return local.astimezone(dt.UTC).astimezone(tz)


def local_day(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to the next local midnight (23 or 25 hours on a DST-change day)."""
    return local_at(day, 0, tz), local_at(day + dt.timedelta(days=1), 0, tz)


def minutes_of(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def daily_window(
    day: dt.date, checkin: int | None, checkout: int | None, tz: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """Check-in to check-out of a Daily option on ``day``; a check-out at or before the
    check-in is the next day's (``PT0S``/``PT0S``: a whole day); unset: midnight."""
    start = checkin or 0
    end = checkout if checkout is not None else 1440
    if end <= start:
        end += 1440
    return local_at(day, start, tz), local_at(day, end, tz)
