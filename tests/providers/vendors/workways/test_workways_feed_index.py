"""The lean reading of the Workways feed agrees with icalendar + recurring_ical_events.

The busy index (``feed.busy_index``) is compared with ``busy_on(parse_feed(body))`` day by
day over a feed in every form the document and RFC 5545 allow, and the index is kept in
the shared cache under the body's content, so an unchanged feed is read once.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from providers.adapters.errors import MalformedResponseError
from providers.cache import cache
from providers.vendors.workways import feed

DUBLIN = ZoneInfo("Europe/Dublin")

QUIRKS = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Workways//Meeting Calendar//EN",
        "BEGIN:VEVENT",  # the document's example: UTC
        "UID:meeting123@workways.com",
        "DTSTART:20251030T140000Z",
        "DTEND:20251030T150000Z",
        "DESCRIPTION:Weekly team sync with a folded line that goes on and on and on a",
        " nd on",
        "END:VEVENT",
        "BEGIN:VEVENT",  # TZID, a weekly series over the DST change, EXDATE with TZID
        "UID:paris@ww",
        "DTSTART;TZID=Europe/Paris:20251016T160000",
        "DTEND;TZID=Europe/Paris:20251016T170000",
        "RRULE:FREQ=WEEKLY;COUNT=6",
        "EXDATE;TZID=Europe/Paris:20251030T160000",
        "END:VEVENT",
        "BEGIN:VEVENT",  # a moved occurrence
        "UID:paris@ww",
        "RECURRENCE-ID;TZID=Europe/Paris:20251106T160000",
        "DTSTART;TZID=Europe/Paris:20251107T090000",
        "DTEND;TZID=Europe/Paris:20251107T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",  # a cancelled occurrence of a daily UTC series with UNTIL
        "UID:daily@ww",
        "DTSTART:20251020T080000Z",
        "DURATION:PT45M",
        "RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20251110T080000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:daily@ww",
        "RECURRENCE-ID:20251024T080000Z",
        "DTSTART:20251024T080000Z",
        "DURATION:PT45M",
        "STATUS:CANCELLED",
        "END:VEVENT",
        "BEGIN:VEVENT",  # floating: the site's wall clock
        "UID:floating@ww",
        "DTSTART:20251027T100000",
        "DTEND:20251027T113000",
        "END:VEVENT",
        "BEGIN:VEVENT",  # all day, two days, on the fall-back Sunday
        "UID:allday@ww",
        "DTSTART;VALUE=DATE:20251025",
        "DTEND;VALUE=DATE:20251027",
        "END:VEVENT",
        "BEGIN:VEVENT",  # RDATE: left to recurring_ical_events
        "UID:rdate@ww",
        "DTSTART:20251021T120000Z",
        "DTEND:20251021T130000Z",
        "RDATE:20251028T120000Z,20251104T150000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",  # BYDAY: dateutil
        "UID:byday@ww",
        "DTSTART:20251020T170000Z",
        "DTEND:20251020T180000Z",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8",
        "END:VEVENT",
        "BEGIN:VEVENT",  # cancelled: never busy
        "UID:gone@ww",
        "DTSTART:20251028T090000Z",
        "DTEND:20251028T100000Z",
        "STATUS:CANCELLED",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
).encode()


def days(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range(count)]


@pytest.mark.parametrize("zone", [DUBLIN, ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")])
def test_the_index_agrees_with_icalendar_on_every_quirk(zone):
    calendar = feed.parse_feed(QUIRKS)
    index = feed.busy_index(QUIRKS, zone, dt.date(2025, 10, 30))
    assert index is not None
    for day in days(dt.date(2025, 10, 14), 35):
        start, end = feed.day_bounds(day, zone)
        assert index.between(start, end, zone) == feed.busy_on(calendar, day, zone), day


def build_feed(count: int, seed: int) -> bytes:
    """Meetings over 2025 as the benchmark's feed has them: UTC times, weekly and daily
    series with an EXDATE and a moved occurrence, all-day meetings."""
    rng = random.Random(seed)
    fmt = "%Y%m%dT%H%M%SZ"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Workways//Meeting Calendar//EN"]
    for n in range(count):
        day = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(365))
        local = dt.datetime.combine(day, dt.time(rng.randrange(7, 20), rng.choice([0, 30])))
        start = local.replace(tzinfo=DUBLIN).astimezone(dt.UTC)
        end = start + dt.timedelta(minutes=rng.choice([30, 60, 90, 180]))
        lines += ["BEGIN:VEVENT", f"UID:{n}@workways.com", "SUMMARY:Meeting"]
        if n % 50 == 0:
            lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day:%Y%m%d}"]
            lines[-1] = f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}"
            lines.append("END:VEVENT")
            continue
        lines += [f"DTSTART:{start:{fmt}}", f"DTEND:{end:{fmt}}"]
        if n % 10 != 3:
            lines.append("END:VEVENT")
            continue
        step = dt.timedelta(weeks=1) if n % 3 else dt.timedelta(days=1)
        freq = "WEEKLY" if n % 3 else "DAILY"
        lines += [f"RRULE:FREQ={freq};COUNT={rng.randrange(5, 30)}"]
        lines += [f"EXDATE:{start + step * 2:{fmt}}", "END:VEVENT", "BEGIN:VEVENT"]
        moved = start + step * 4 + dt.timedelta(hours=2)
        lines += [f"UID:{n}@workways.com", f"RECURRENCE-ID:{start + step * 4:{fmt}}"]
        lines += [f"DTSTART:{moved:{fmt}}", f"DTEND:{moved + (end - start):{fmt}}", "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""]).encode()


def test_the_index_agrees_with_icalendar_on_a_large_feed():
    body = build_feed(1500, seed=5)
    calendar = feed.parse_feed(body)
    index = feed.busy_index(body, DUBLIN, dt.date(2025, 6, 1))
    assert index is not None
    for day in days(dt.date(2025, 1, 1), 380)[::4]:
        start, end = feed.day_bounds(day, DUBLIN)
        if not index.covers(start, end):  # series are expanded around the day asked
            assert day < dt.date(2025, 6, 1) - feed.HORIZON_BEFORE + dt.timedelta(days=1)
            index = feed.busy_index(body, DUBLIN, day)
            assert index is not None
        assert index.between(start, end, DUBLIN) == feed.busy_on(calendar, day, DUBLIN), day


def test_an_unchanged_feed_is_read_once_and_a_changed_one_again(monkeypatch):
    cache.clear()
    reads = []
    real = feed.busy_index
    monkeypatch.setattr(feed, "busy_index", lambda *a: reads.append(a) or real(*a))
    day = dt.date(2025, 10, 30)
    first = feed.busy_from_body(QUIRKS, day, DUBLIN)
    assert feed.busy_from_body(QUIRKS, day + dt.timedelta(days=1), DUBLIN) is not None
    assert feed.busy_from_body(QUIRKS, day, DUBLIN) == first
    assert len(reads) == 1
    changed = QUIRKS.replace(b"20251030T140000Z", b"20251030T160000Z")
    moved = feed.busy_from_body(changed, day, DUBLIN)
    assert len(reads) == 2 and moved != first
    # a day far outside the expanded horizon expands again, around that day
    far = day + dt.timedelta(days=1000)
    assert feed.busy_from_body(QUIRKS, far, DUBLIN) == []
    assert len(reads) == 3


def test_a_feed_the_lean_reader_cannot_read_goes_the_old_way():
    assert feed.busy_index(b"<html>502</html>", DUBLIN, dt.date(2025, 10, 30)) is None
    with pytest.raises(MalformedResponseError):
        feed.busy_from_body(b"<html>502</html>", dt.date(2025, 10, 30), DUBLIN)
