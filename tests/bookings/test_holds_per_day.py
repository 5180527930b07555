"""A room's holds placed on each day by bisection are the rows that overlap that day,
as comparing every row with every day found them (DST days, midnight edges, any order)."""

from __future__ import annotations

import datetime as dt
import random

from bookings.availability import _holds_per_day
from providers.availability import local_day_bounds

TZ = "Europe/Paris"


def _brute(span, days):
    bounds = [local_day_bounds(day, TZ) for day in days]
    return [[row for row in span if row[0] < end and row[1] > start] for start, end in bounds]


def test_rows_land_on_exactly_the_days_they_overlap():
    rng = random.Random(13)
    first = dt.date(2026, 10, 20)  # the clocks go back on the 25th
    days = [first + dt.timedelta(days=n) for n in range(16)]
    midnight = local_day_bounds(first, TZ)[0]
    span = []
    for _ in range(300):
        start = midnight + dt.timedelta(minutes=30 * rng.randrange(0, 16 * 48))
        span.append((start, start + dt.timedelta(minutes=30 * rng.randrange(1, 80)), "ok", None))
    span += [(midnight, midnight + dt.timedelta(days=1), "ok", None)]  # ends at a midnight
    rng.shuffle(days)
    assert _holds_per_day(span, days, TZ) == _brute(span, days)
