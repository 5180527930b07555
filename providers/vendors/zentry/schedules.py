"""A location's weekly schedule, its state, and open time left by closures.

doc (``002_b74326c229a2377d.txt``): Location.schedule {monday..sunday: ScheduleDay {isOpen,
open, close, maxVisitors}} and Location.status ``Active | Inactive``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.base import malformed
from providers.adapters.parsing import SkipItem
from providers.vendors.zentry.parsing import DAYS, Interval, span


def opening_window(schedule: Any, day: dt.date, zone: ZoneInfo) -> Interval | None:
    """The location's open hours on a local day, or None when its schedule is closed.

    doc: Schedule {monday..sunday: ScheduleDay}; ScheduleDay {isOpen "Flag indicating if
    the entity is open on this day", open "The time the entity opens", close "The time the
    entity closes"} as date-spans "09:00:00" — local wall-clock times of the location's
    ``timeZone``. A close of "24:00:00" / "1.00:00:00", or one not after the opening, is on
    the next day (open through midnight); open 00:00 and close 24:00 is a non-stop day.
    """
    if not isinstance(schedule, dict):
        raise malformed("zentry", "the location has no schedule")
    name = DAYS[day.weekday()]
    entry = schedule.get(name)
    if not isinstance(entry, dict) or not isinstance(entry.get("isOpen"), bool):
        raise malformed("zentry", f"schedule.{name} is not a ScheduleDay")
    if not entry["isOpen"]:
        return None
    try:
        opens, opens_late = span(entry.get("open"), f"schedule.{name}.open")
        closes, next_day = span(entry.get("close"), f"schedule.{name}.close")
    except SkipItem as exc:
        raise malformed("zentry", str(exc)) from exc
    if opens_late:
        raise malformed("zentry", f"schedule.{name}.open is after midnight")
    if not next_day and closes <= opens:
        next_day = True
    start = dt.datetime.combine(day, opens, zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1 if next_day else 0), closes, zone)
    return (start, end) if end > start else None


def max_visitors(schedule: Any, day: dt.date) -> int | None:
    """doc: ScheduleDay.maxVisitors "Maximum number of day passes for this day" (int32,
    nullable: null sets no limit)."""
    name = DAYS[day.weekday()]
    value = schedule.get(name, {}).get("maxVisitors") if isinstance(schedule, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise malformed("zentry", f"schedule.{name}.maxVisitors {value!r} is not a count")
    return value


def subtract(window: Interval, cuts: list[Interval]) -> list[Interval]:
    """``window`` minus the ``cuts``: what is left open, in order."""
    pieces = [window]
    for cut_start, cut_end in sorted(cuts):
        left = []
        for start, end in pieces:
            if cut_end <= start or cut_start >= end:
                left.append((start, end))
                continue
            if cut_start > start:
                left.append((start, cut_start))
            if cut_end < end:
                left.append((cut_end, end))
        pieces = left
    return pieces


def bookable(location: dict) -> bool:
    """doc: Location.status LocationStatus ``Active | Inactive``; an Inactive location
    takes no reservations (the sandbox: "Location '<id>' is not active."), so it has no
    open hours. A missing status is taken as Active."""
    return location.get("status", "Active") != "Inactive"
