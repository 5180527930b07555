"""Benchmark: reading a large Workways ICS feed (not a test).

Builds a Workways-style feed of 10 000 VEVENTs with icalendar (UTC times as the document
shows, weekly and daily RRULEs with EXDATEs, moved occurrences, all-day meetings), then
times, in the same run:

* baseline: ``icalendar.Calendar.from_ical`` of the feed (parsing only);
* adapter: ``parse_feed`` + ``busy_on`` for one day — what ``WorkwaysAdapter.day_facts``
  does with the body (parse, expand recurrences, slice the site's local day);
* slice only: ``busy_on`` on an already parsed calendar.

Run: ``.venv/bin/python bench/bench_workways_feed.py`` (well under a minute).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import icalendar

from bench import harness  # noqa: F401  (sets up Django first)
from providers.cache import cache
from providers.vendors.workways.feed import busy_from_body, busy_index, busy_on, parse_feed

EVENTS = 10_000
RECURRING_SHARE = 0.1  # one event in ten is a series
REPEAT = 3
ZONE = ZoneInfo("Europe/Dublin")
START = dt.date(2025, 1, 6)  # a Monday; the feed spans a year from here
DAY = dt.date(2025, 3, 30)  # the slice: a Sunday with the spring DST change in Dublin


def build_feed(count: int = EVENTS, seed: int = 11) -> tuple[bytes, dict[str, int]]:
    rng = random.Random(seed)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Workways//Meeting Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    counts = {"vevent": 0, "series": 0, "moved": 0, "all_day": 0}
    n = 0
    while counts["vevent"] < count:
        n += 1
        day = START + dt.timedelta(days=rng.randrange(365))
        local = dt.datetime.combine(day, dt.time(rng.randrange(7, 20), rng.choice([0, 30])), ZONE)
        start = local.astimezone(dt.UTC)
        length = dt.timedelta(minutes=rng.choice([30, 60, 90, 120, 180]))
        event = icalendar.Event()
        event.add("uid", f"{n:024x}@workways.com")
        event.add("dtstamp", dt.datetime(2025, 1, 6, 8, tzinfo=dt.UTC))
        event.add("summary", f"Meeting {n}")
        event.add("location", "Liffey Meeting Room")
        event.add("description", "Booked through the Workways public API " * 3)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        if rng.random() < 0.02:
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            counts["all_day"] += 1
        else:
            event.add("dtstart", start)
            event.add("dtend", start + length)
        timed_event = isinstance(event["DTSTART"].dt, dt.datetime)
        if timed_event and rng.random() < RECURRING_SHARE:
            freq = rng.choice(["WEEKLY", "WEEKLY", "DAILY"])
            event.add("rrule", {"freq": freq, "count": rng.randrange(4, 30)})
            step = dt.timedelta(weeks=1) if freq == "WEEKLY" else dt.timedelta(days=1)
            event.add("exdate", [start + step * rng.randrange(1, 4)])
            counts["series"] += 1
            calendar.add_component(event)
            counts["vevent"] += 1
            if counts["vevent"] < count and rng.random() < 0.3:
                moved = icalendar.Event()
                moved.add("uid", event["UID"])
                moved.add("dtstamp", dt.datetime(2025, 1, 6, 8, tzinfo=dt.UTC))
                moved.add("recurrence-id", start + step * 4)
                moved.add("dtstart", start + step * 4 + dt.timedelta(hours=2))
                moved.add("dtend", start + step * 4 + dt.timedelta(hours=2) + length)
                moved.add("summary", f"Meeting {n} (moved)")
                calendar.add_component(moved)
                counts["vevent"] += 1
                counts["moved"] += 1
            continue
        calendar.add_component(event)
        counts["vevent"] += 1
    return calendar.to_ical(), counts


def timed(action, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    started = time.perf_counter()
    body, counts = build_feed()
    built = time.perf_counter() - started

    baseline, parsed = timed(lambda: icalendar.Calendar.from_ical(body))
    adapter, busy = timed(lambda: busy_on(parse_feed(body), DAY, ZONE))
    calendar = parse_feed(body)
    slice_only, _ = timed(lambda: busy_on(calendar, DAY, ZONE))
    assert len(parsed.walk("VEVENT")) == counts["vevent"]
    lean, _ = timed(lambda: busy_index(body, ZONE, DAY))
    cache.clear()
    assert busy_from_body(body, DAY, ZONE) == busy  # the same answer, now cached
    warm, _ = timed(lambda: busy_from_body(body, DAY + dt.timedelta(days=1), ZONE))

    print(f"Workways ICS feed: {len(body) / 1e6:.1f} MB, built in {built:.1f} s")
    print(
        f"VEVENTs {counts['vevent']}  series (RRULE+EXDATE) {counts['series']}  "
        f"moved occurrences {counts['moved']}  all-day {counts['all_day']}"
    )
    print(f"busy intervals on {DAY} (Europe/Dublin, 23-hour day): {len(busy)}")
    print()
    print(f"{'step (median of ' + str(REPEAT) + ')':<42}{'seconds':>10}{'x baseline':>12}")
    print("-" * 64)
    rows = [
        ("baseline: Calendar.from_ical", baseline),
        ("adapter: parse_feed + busy_on (one day)", adapter),
        ("slice only: busy_on (parsed calendar)", slice_only),
        ("now, cold: busy_index (read + expand)", lean),
        ("now, warm: busy_from_body (hash + cache)", warm),
    ]
    for label, seconds in rows:
        print(f"{label:<42}{seconds:>10.3f}{seconds / baseline:>12.2f}")
    print()
    print(f"ratio adapter / baseline: {adapter / baseline:.2f}")


if __name__ == "__main__":
    main()
