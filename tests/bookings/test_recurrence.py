"""When each date of a recurring booking falls (bookings.recurrence): local wall-clock
times in the space's zone, across daylight-saving changes, at most 52 dates."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from bookings import recurrence
from bookings.recurrence import Rule, capped, occurrences, rule_refusal

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")


def rule(first: dt.datetime, repeat=recurrence.WEEKLY, until=None, minutes=120, **extra) -> Rule:
    return Rule(
        first_start=first,
        minutes=minutes,
        repeat=repeat,
        until=until or first.date() + dt.timedelta(weeks=9),
        timezone="Europe/Vienna",
        **extra,
    )


def test_thursday_14_00_stays_14_00_in_vienna_across_the_spring_change():
    # the clocks go forward on Sunday 28 March 2027
    first = dt.datetime(2027, 3, 18, 14, 0, tzinfo=VIENNA)
    dates = occurrences(rule(first, until=dt.date(2027, 4, 8)))
    assert [o.start.date() for o in dates] == [
        dt.date(2027, 3, 18),
        dt.date(2027, 3, 25),
        dt.date(2027, 4, 1),
        dt.date(2027, 4, 8),
    ]
    assert {(o.start.hour, o.start.minute, o.end.hour) for o in dates} == {(14, 0, 16)}
    assert all(o.start.weekday() == 3 for o in dates)
    # ... so the instant moves: 13:00 UTC in winter, 12:00 UTC in summer
    in_utc = [o.start.astimezone(dt.UTC).hour for o in dates]
    assert in_utc == [13, 13, 12, 12]
    assert all(o.end - o.start == dt.timedelta(hours=2) for o in dates)


def test_the_autumn_change_keeps_the_wall_clock_too():
    first = dt.datetime(2027, 10, 28, 14, 0, tzinfo=VIENNA)  # back on Sunday 31 October
    dates = occurrences(rule(first, until=dt.date(2027, 11, 4)))
    assert [(o.start.day, o.start.hour) for o in dates] == [(28, 14), (4, 14)]
    assert [o.start.astimezone(dt.UTC).hour for o in dates] == [12, 13]


def test_a_local_time_the_clocks_skip_is_left_out():
    first = dt.datetime(2027, 3, 27, 2, 30, tzinfo=VIENNA)  # 02:30 does not exist on the 28th
    dates = occurrences(
        rule(first, repeat=recurrence.DAILY, until=dt.date(2027, 3, 29), minutes=60)
    )
    assert [o.start.day for o in dates] == [27, 29]
    assert all(o.start.hour == 2 and o.start.minute == 30 for o in dates)


def test_every_two_weeks_and_daily_step_as_named():
    first = dt.datetime(2027, 1, 7, 9, 0, tzinfo=VIENNA)
    biweekly = occurrences(rule(first, repeat=recurrence.BIWEEKLY, until=dt.date(2027, 2, 18)))
    assert [o.start.date().isoformat() for o in biweekly] == [
        "2027-01-07",
        "2027-01-21",
        "2027-02-04",
        "2027-02-18",
    ]
    daily = occurrences(rule(first, repeat=recurrence.DAILY, until=dt.date(2027, 1, 10)))
    assert [o.start.day for o in daily] == [7, 8, 9, 10]


def test_ten_weeks_give_ten_dates():
    first = dt.datetime(2027, 1, 7, 14, 0, tzinfo=VIENNA)
    assert len(occurrences(rule(first, until=first.date() + dt.timedelta(weeks=9)))) == 10


def test_a_series_stops_at_52_dates_and_says_so():
    first = dt.datetime(2027, 1, 4, 8, 0, tzinfo=VIENNA)
    a_year_daily = rule(first, repeat=recurrence.DAILY, until=dt.date(2027, 12, 31))
    dates = occurrences(a_year_daily)
    assert len(dates) == recurrence.MAX_OCCURRENCES == 52
    assert dates[-1].start.date() == dt.date(2027, 2, 24)
    assert capped(a_year_daily)
    # a count above the cap is still 52; a series that ends on its own is not capped
    assert len(occurrences(rule(first, repeat=recurrence.DAILY, count=500))) <= 52
    weekly = rule(first, until=dt.date(2027, 3, 1))
    assert len(occurrences(weekly)) == 9 and not capped(weekly)
    exactly = rule(first, repeat=recurrence.DAILY, until=dates[-1].start.date())
    assert len(occurrences(exactly)) == 52 and not capped(exactly)


def test_a_last_day_before_the_first_is_refused_in_words():
    first = dt.datetime(2027, 1, 7, 14, 0, tzinfo=VIENNA)
    today = dt.date(2027, 1, 1)
    refusal = rule_refusal(rule(first, until=dt.date(2027, 1, 6)), today, 366)
    assert refusal == "The series must end on or after its first day (2027-01-07)."
    assert rule_refusal(rule(first, until=dt.date(2027, 1, 7)), today, 366) is None
    assert rule_refusal(rule(first, until=dt.date(2028, 6, 1)), today, 366) == (
        "A series can run at most a year ahead."
    )
    assert rule_refusal(rule(first, repeat="monthly"), today, 366) == (
        "Choose daily, weekly or every two weeks."
    )
