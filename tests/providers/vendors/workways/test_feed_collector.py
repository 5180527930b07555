"""Reading a feed pauses Python's cyclic garbage collector, and always puts it back: after
a read, after a body the lean reader refuses, and after readers in several threads."""

from __future__ import annotations

import datetime as dt
import gc
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

from providers.vendors.workways import feed

ZONE = ZoneInfo("Europe/Dublin")
DAY = dt.date(2026, 3, 2)
BODY = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\n"
    b"DTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_the_collector_is_back_after_reads_refusals_and_threads():
    assert gc.isenabled()
    index = feed.busy_index(BODY, ZONE, DAY)
    assert index is not None and index.starts and gc.isenabled()
    assert feed.busy_index(b"not a calendar", ZONE, DAY) is None and gc.isenabled()
    with ThreadPoolExecutor(max_workers=4) as pool:
        read = list(pool.map(lambda _: feed.busy_index(BODY, ZONE, DAY), range(16)))
    assert all(r == index for r in read) and gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off():
    gc.disable()
    try:
        feed.busy_index(BODY, ZONE, DAY)
        assert not gc.isenabled()
    finally:
        gc.enable()
