"""The adapter's closure expansion against examples worked out by hand.

The Workspaces API document (``002_b74326c229a2377d.txt``) gives a Closure a ``dateRange``
{``from`` "The start of the date range", ``to`` "The end of the date range"}, a
``recurrence`` (``None | Daily | Weekly | Monthly | Yearly``) and a ``recurrenceEndDate``
("The end date of the recurrence", nullable); docs/providers/zentry.md settles that an
occurrence repeats the first one's local wall-clock times, that a monthly closure on the
31st falls on a shorter month's last day, and that occurrences starting after
``recurrenceEndDate`` do not happen. Every expected value below was computed by hand from
those words and the calendar (DST: second Sunday of March, first Sunday of November), not
by running either implementation. The sandbox expands closures with its own code
(``sandbox/zentry_common.py``); the last tests run both on the same examples.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from providers.adapters.errors import MalformedResponseError
from providers.vendors.zentry.recurrence import closure_occurrences, occurrence_start
from sandbox import zentry_common

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def z(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def closure(start: str, end: str, recurrence: str, until: str | None = None) -> dict:
    return {
        "id": "184d3163ee1ffbbdb38b6c07",
        "dateRange": {"from": start, "to": end},
        "workspaceId": "string",
        "recurrence": recurrence,
        "recurrenceEndDate": until,
        "type": "Default",
    }


def pairs(*texts: tuple[str, str]) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(z(a), z(b)) for a, b in texts]


# Each example: (closure, zone, window start, window end, the occurrences by hand).
EXAMPLES = {
    # Tuesday 8 January 2030 13:00-17:00 in New York (EST, UTC-5) = 18:00Z-22:00Z, weekly.
    # DST starts Sunday 10 March 2030: Tuesday 5 March is still EST (18:00Z-22:00Z),
    # Tuesday 12 March is EDT (UTC-4): the same 13:00-17:00 is 17:00Z-21:00Z.
    "weekly across the March DST change": (
        closure("2030-01-08T18:00:00Z", "2030-01-08T22:00:00Z", "Weekly"),
        NEW_YORK,
        "2030-03-04T00:00:00Z",
        "2030-03-14T00:00:00Z",
        pairs(
            ("2030-03-05T18:00:00Z", "2030-03-05T22:00:00Z"),
            ("2030-03-12T17:00:00Z", "2030-03-12T21:00:00Z"),
        ),
    ),
    # The same closure ending at the start of its third occurrence (22 January 18:00Z):
    # that one still starts (not "after" the end date), the fourth (29 January) does not.
    "weekly until a recurrenceEndDate": (
        closure("2030-01-08T18:00:00Z", "2030-01-08T22:00:00Z", "Weekly", "2030-01-22T18:00:00Z"),
        NEW_YORK,
        "2030-01-01T00:00:00Z",
        "2030-02-28T00:00:00Z",
        pairs(
            ("2030-01-08T18:00:00Z", "2030-01-08T22:00:00Z"),
            ("2030-01-15T18:00:00Z", "2030-01-15T22:00:00Z"),
            ("2030-01-22T18:00:00Z", "2030-01-22T22:00:00Z"),
        ),
    ),
    # Thursday 31 January 2030 09:00-12:00 in Chicago (CST, UTC-6) = 15:00Z-18:00Z,
    # monthly. February has 28 days in 2030: 28 February 09:00 CST. March is back on the
    # 31st (counted from January, not from February), after DST (10 March): 09:00 CDT
    # (UTC-5) = 14:00Z. April has 30 days: 30 April 09:00 CDT.
    "monthly on the 31st": (
        closure("2030-01-31T15:00:00Z", "2030-01-31T18:00:00Z", "Monthly"),
        CHICAGO,
        "2030-02-01T00:00:00Z",
        "2030-05-01T00:00:00Z",
        pairs(
            ("2030-02-28T15:00:00Z", "2030-02-28T18:00:00Z"),
            ("2030-03-31T14:00:00Z", "2030-03-31T17:00:00Z"),
            ("2030-04-30T14:00:00Z", "2030-04-30T17:00:00Z"),
        ),
    ),
    # Monthly on the 31st into a leap February: 29 February 2032 (CST).
    "monthly on the 31st in a leap year": (
        closure("2032-01-31T15:00:00Z", "2032-01-31T18:00:00Z", "Monthly"),
        CHICAGO,
        "2032-02-01T00:00:00Z",
        "2032-03-01T00:00:00Z",
        pairs(("2032-02-29T15:00:00Z", "2032-02-29T18:00:00Z")),
    ),
    # All of Tuesday 29 February 2028 in New York (EST): 05:00Z to 05:00Z, yearly. The
    # document does not say what a yearly 29 February does in a common year; the
    # month-end rule puts it on 28 February (2029-2031) and leap 2032 has 29 February.
    "yearly on 29 February": (
        closure("2028-02-29T05:00:00Z", "2028-03-01T05:00:00Z", "Yearly"),
        NEW_YORK,
        "2028-03-02T00:00:00Z",
        "2032-12-31T00:00:00Z",
        pairs(
            ("2029-02-28T05:00:00Z", "2029-03-01T05:00:00Z"),
            ("2030-02-28T05:00:00Z", "2030-03-01T05:00:00Z"),
            ("2031-02-28T05:00:00Z", "2031-03-01T05:00:00Z"),
            ("2032-02-29T05:00:00Z", "2032-03-01T05:00:00Z"),
        ),
    ),
    # Overnight 22:00-06:00 in Los Angeles, daily from Wednesday 30 October 2030 (PDT,
    # UTC-7: 05:00Z-13:00Z). DST ends Sunday 3 November 2030 at 02:00: the night of
    # 2-3 November is 22:00 PDT (05:00Z) to 06:00 PST (UTC-8, 14:00Z), nine real hours;
    # the night of 3-4 November is all PST: 06:00Z-14:00Z. The night of 1-2 November
    # ends at 13:00Z on the 2nd, before the window.
    "daily overnight across the November DST change": (
        closure("2030-10-31T05:00:00Z", "2030-10-31T13:00:00Z", "Daily"),
        LOS_ANGELES,
        "2030-11-03T00:00:00Z",
        "2030-11-04T12:00:00Z",
        pairs(
            ("2030-11-03T05:00:00Z", "2030-11-03T14:00:00Z"),
            ("2030-11-04T06:00:00Z", "2030-11-04T14:00:00Z"),
        ),
    ),
    # A weekly closure read thirty years after its first occurrence (Tuesday 8 January
    # 2030): 8 January 2060 is a Thursday, so the Tuesday that week is 6 January 2060,
    # 13:00 EST = 18:00Z.
    "weekly, decades later": (
        closure("2030-01-08T18:00:00Z", "2030-01-08T22:00:00Z", "Weekly"),
        NEW_YORK,
        "2060-01-05T00:00:00Z",
        "2060-01-08T00:00:00Z",
        pairs(("2060-01-06T18:00:00Z", "2060-01-06T22:00:00Z")),
    ),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_adapter_expands_closures_as_worked_out_by_hand(name):
    record, zone, start, end, expected = EXAMPLES[name]
    assert closure_occurrences(record, zone, z(start), z(end)) == expected


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_sandbox_expands_the_same_examples_the_same_way(name):
    record, zone, start, end, expected = EXAMPLES[name]
    assert zentry_common.closure_occurrences(record, zone, z(start), z(end)) == expected


# Closing all of Wednesday 30 January 2030 (New York, EST), monthly. February has no
# 30th; the month-end rule puts that month's occurrence on its last day, 28 February, and
# a repeat of the first occurrence lasts as long: the whole of 28 February (05:00Z to
# 05:00Z on 1 March). March is back on the 30th.
MONTH_END_DAY = (
    closure("2030-01-30T05:00:00Z", "2030-01-31T05:00:00Z", "Monthly"),
    NEW_YORK,
    "2030-02-01T00:00:00Z",
    "2030-04-01T00:00:00Z",
    pairs(
        ("2030-02-28T05:00:00Z", "2030-03-01T05:00:00Z"),
        ("2030-03-30T04:00:00Z", "2030-03-31T04:00:00Z"),
    ),
)


def test_a_whole_day_on_the_30th_closes_the_last_day_of_february():
    record, zone, start, end, expected = MONTH_END_DAY
    assert closure_occurrences(record, zone, z(start), z(end)) == expected


def test_the_sandbox_closes_the_last_day_of_february_too():
    record, zone, start, end, expected = MONTH_END_DAY
    assert zentry_common.closure_occurrences(record, zone, z(start), z(end)) == expected


def test_occurrence_starts_count_from_the_first_one():
    first = dt.datetime(2030, 1, 31, 9, 0)
    assert [occurrence_start(first, "Monthly", n).date() for n in range(4)] == [
        dt.date(2030, 1, 31),
        dt.date(2030, 2, 28),
        dt.date(2030, 3, 31),
        dt.date(2030, 4, 30),
    ]
    assert occurrence_start(first, "Yearly", 2) == dt.datetime(2032, 1, 31, 9, 0)
    assert occurrence_start(first, "Daily", 1) == dt.datetime(2030, 2, 1, 9, 0)
    assert occurrence_start(first, "Weekly", 1) == dt.datetime(2030, 2, 7, 9, 0)


def test_one_off_zero_length_and_unreadable_closures():
    start, end = z("2030-01-08T00:00:00Z"), z("2030-01-09T00:00:00Z")
    once = closure("2030-01-08T18:00:00Z", "2030-01-08T22:00:00Z", "None")
    assert closure_occurrences(once, NEW_YORK, start, end) == pairs(
        ("2030-01-08T18:00:00Z", "2030-01-08T22:00:00Z")
    )
    # the document's own example: from == to, closes nothing
    example = closure("2019-08-24T14:15:22Z", "2019-08-24T14:15:22Z", "Weekly")
    assert closure_occurrences(example, NEW_YORK, start, end) == []
    with pytest.raises(MalformedResponseError):
        closure_occurrences(once | {"recurrence": "Fortnightly"}, NEW_YORK, start, end)
    with pytest.raises(MalformedResponseError):
        closure_occurrences({"recurrence": "None"}, NEW_YORK, start, end)
