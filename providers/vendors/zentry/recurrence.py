"""Closures and their recurrences, expanded into the intervals they close.

Written from the Workspaces API document (``002_b74326c229a2377d.txt``) alone, not from
the sandbox, so that the sandbox's expansion and this one check each other. What the
document says (Closure, DateRange, Recurrence):

* ``dateRange`` — ``from`` "The start of the date range", ``to`` "The end of the date
  range" (``string(date-time)``, examples ``"2019-08-24T14:15:22Z"``);
* ``recurrence`` — Recurrence, enumerated values ``None | Daily | Weekly | Monthly |
  Yearly``;
* ``recurrenceEndDate`` — ``string(date-time)¦null``, "The end date of the recurrence";
* ``type`` — ClosureType ``Default | ComingSoon``.

The document says no more, so docs/providers/zentry.md settles the rest: a recurring
closure "repeats the first occurrence's **local wall-clock** times in the location's
zone (so a weekly 13:00-17:00 stays 13:00-17:00 across DST; a monthly closure on the 31st
falls on the month's last day); occurrences starting after ``recurrenceEndDate`` (null =
forever) do not happen. Both ``type``s (``Default``, ``ComingSoon``) close." A
zero-length ``dateRange`` (the document's example) closes nothing.

How that is read here: occurrence *n* starts at the first one's local wall-clock start
moved by *n* whole periods on the calendar — *n* days, *7n* days, *n* months or *n* years
from the first (never from the previous occurrence, so a closure on the 31st is back on
the 31st after a short month, and one on 29 February is on 28 February in common years
and on 29 February again in leap years) — and lasts as long on the wall clock as the
first occurrence did.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.base import malformed
from providers.vendors.zentry.parsing import Interval, instant

# doc: Recurrence enumerated values
RECURRENCES = ("None", "Daily", "Weekly", "Monthly", "Yearly")
MAX_OCCURRENCES = 5000  # a recurrence walked further than this is not a closure we can read


def occurrence_start(first: dt.datetime, recurrence: str, n: int) -> dt.datetime:
    """The naive local wall-clock start of occurrence ``n`` (0 is ``first`` itself)."""
    if recurrence == "Daily":
        return dt.datetime.combine(first.date() + dt.timedelta(days=n), first.time())
    if recurrence == "Weekly":
        return dt.datetime.combine(first.date() + dt.timedelta(days=7 * n), first.time())
    if recurrence == "Monthly":
        months = n
    elif recurrence == "Yearly":
        months = 12 * n
    else:
        raise ValueError(f"{recurrence!r} does not repeat")
    # count months from year 0 so that a month number and its year come out together
    year, month_index = divmod(first.year * 12 + first.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    day = dt.date(year, month_index + 1, min(first.day, last_day))
    return dt.datetime.combine(day, first.time())


def periods_between(earlier: dt.datetime, later: dt.datetime, recurrence: str) -> int:
    """Whole calendar periods from ``earlier``'s date to ``later``'s (may be negative)."""
    if recurrence in ("Daily", "Weekly"):
        days = (later.date() - earlier.date()).days
        return days if recurrence == "Daily" else days // 7
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months if recurrence == "Monthly" else months // 12


def closure_occurrences(
    closure: Any, zone: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[Interval]:
    """The occurrences of one closure that overlap [start, end), as UTC intervals, in
    order. ``start`` and ``end`` are aware; ``zone`` is the location's ``timeZone``."""
    if not isinstance(closure, dict) or not isinstance(closure.get("dateRange"), dict):
        raise malformed("zentry", "a closure without a dateRange")
    first_from = instant(closure["dateRange"].get("from"), "closure dateRange.from")
    first_to = instant(closure["dateRange"].get("to"), "closure dateRange.to")
    recurrence = closure.get("recurrence") or "None"
    if recurrence not in RECURRENCES:
        raise malformed("zentry", f"closure recurrence {recurrence!r} is not a Recurrence")
    if first_to <= first_from:
        return []  # e.g. the document's example: from == to
    if recurrence == "None":
        return [(first_from, first_to)] if first_from < end and first_to > start else []
    until = closure.get("recurrenceEndDate")
    until = None if until is None else instant(until, "closure recurrenceEndDate")

    # the first occurrence on the location's wall clock, and how long it lasts there
    wall_from = first_from.astimezone(zone).replace(tzinfo=None)
    length = first_to.astimezone(zone).replace(tzinfo=None) - wall_from
    # Occurrence n ends before `start` when it starts before `start - length`; one period
    # of slack covers the hour a DST change may put between wall clock and UTC.
    wall_start = start.astimezone(zone).replace(tzinfo=None)
    skip = max(0, periods_between(wall_from, wall_start - length, recurrence) - 1)

    def aware(wall: dt.datetime) -> dt.datetime:
        return wall.replace(tzinfo=zone).astimezone(dt.UTC)

    found: list[Interval] = []
    for n in range(skip, skip + MAX_OCCURRENCES):
        wall = occurrence_start(wall_from, recurrence, n)
        occ_from, occ_to = aware(wall), aware(wall + length)
        if occ_from >= end or (until is not None and occ_from > until):
            return found
        if occ_to > start and occ_to > occ_from:
            found.append((occ_from, occ_to))
    raise malformed("zentry", "a closure recurs more often than can be read")
