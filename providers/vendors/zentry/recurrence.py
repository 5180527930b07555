"""Closures and their recurrences (Workspaces API, ``002_b74326c229a2377d.txt``)."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.base import malformed
from providers.vendors.zentry.parsing import instant

RECURRENCES = ("None", "Daily", "Weekly", "Monthly", "Yearly")
MAX_OCCURRENCES = 5000  # a recurrence walked further than this is not a closure we can read


def _shift(moment: dt.datetime, recurrence: str, k: int) -> dt.datetime:
    """A naive local wall-clock time moved by k recurrence periods; a monthly or yearly
    occurrence on a day the month lacks (the 31st, 29 February) falls on its last day."""
    if recurrence == "Daily":
        return moment + dt.timedelta(days=k)
    if recurrence == "Weekly":
        return moment + dt.timedelta(weeks=k)
    months = k if recurrence == "Monthly" else 12 * k
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    return moment.replace(
        year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1])
    )


def closure_occurrences(closure: Any, zone: ZoneInfo, start: dt.datetime, end: dt.datetime):
    """The occurrences of one closure that overlap [start, end), as UTC intervals.

    doc: Closure {dateRange {from, to}, recurrence: None | Daily | Weekly | Monthly |
    Yearly, recurrenceEndDate "The end date of the recurrence" (nullable)}. The document
    says no more; as docs/providers/zentry.md settles it, each occurrence repeats the first
    one's *local wall-clock* times in the location's time zone (a weekly 13:00-17:00 stays
    13:00-17:00 across a DST change), and occurrences starting after ``recurrenceEndDate``
    (null: forever) do not happen. A closure of either ``type`` (Default, ComingSoon)
    closes.
    """
    if not isinstance(closure, dict) or not isinstance(closure.get("dateRange"), dict):
        raise malformed("zentry", "a closure without a dateRange")
    first_from = instant(closure["dateRange"].get("from"), "closure dateRange.from")
    first_to = instant(closure["dateRange"].get("to"), "closure dateRange.to")
    recurrence = closure.get("recurrence") or "None"
    if recurrence not in RECURRENCES:
        raise malformed("zentry", f"closure recurrence {recurrence!r} is not a Recurrence")
    if first_to <= first_from:
        return []
    if recurrence == "None":
        return [(first_from, first_to)] if first_from < end and first_to > start else []
    until = closure.get("recurrenceEndDate")
    until = None if until is None else instant(until, "closure recurrenceEndDate")
    local_from = first_from.astimezone(zone).replace(tzinfo=None)
    local_to = first_to.astimezone(zone).replace(tzinfo=None)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    # skip the occurrences that certainly end before `start`
    if recurrence in ("Daily", "Weekly"):
        period = 1 if recurrence == "Daily" else 7
        first = (local_start - local_to).days // period - 1
    else:
        period = 1 if recurrence == "Monthly" else 12
        months = (local_start.year - local_from.year) * 12 + local_start.month - local_from.month
        first = (months - (local_to - local_from).days // 28 - 1) // period - 1
    found = []
    for k in range(max(0, first), max(0, first) + MAX_OCCURRENCES):
        occ_from = _shift(local_from, recurrence, k).replace(tzinfo=zone).astimezone(dt.UTC)
        occ_to = _shift(local_to, recurrence, k).replace(tzinfo=zone).astimezone(dt.UTC)
        if occ_from >= end or (until is not None and occ_from > until):
            return found
        if occ_to > start and occ_to > occ_from:
            found.append((occ_from, occ_to))
    raise malformed("zentry", "a closure recurs more often than can be read")
