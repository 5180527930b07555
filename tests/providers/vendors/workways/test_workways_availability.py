"""Workways availability: slot windows + the ICS feed of booked meetings.

(1) the HTTP is faked at the transport with hand-written ICS (the document's example and
    the calendar edge cases); (2) the in-process sandbox; (3) through the service.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core.cache import cache

import bookings.availability
import providers.availability
from bookings.availability import compute_slots
from providers import services
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import AccountConfig, ItemRef, ProviderDay
from providers.models import ProviderAccount, Resource
from providers.vendors.workways.adapter import WorkwaysAdapter
from providers.vendors.workways.feed import busy_on, parse_feed
from sandbox.workways.timetable import occurrences, slot_text

TOKEN = "ww_dev_" + "3f" * 32
BASE = "https://api.workways.com"
ACCOUNT = AccountConfig(
    kind="workways", name="Workways", config={"base_url": BASE}, credentials={"token": TOKEN}
)
DUBLIN = ZoneInfo("Europe/Dublin")
UTC = dt.UTC
ROOM_ID = "507f191e810c19729de860ea"  # the document's example room

# GET /api/rooms "Example Response" (the fields availability uses), as the catalogue reads
# it: the item the service hands to day_facts is built from what room() stores.
EXAMPLE_ROOM = {
    "_id": ROOM_ID,
    "name": "Meeting Room A",
    "publicName": "Meeting Room A",
    "type": "publicMeeting",
    "siteId": "507f1f77bcf86cd799439011",
    "minPerson": 2,
    "maxPerson": 8,
    "minDurationBooking": 60,
    "maxDurationBooking": 480,
    "stepDurationBooking": 30,
    "slotWeek": "09:00-18:00",
    "slotSaturday": "",
    "slotSunday": "",
    "pricePerHour": 25,
    "pricePerHalfDay": 80,
    "pricePerDay": 150,
    "pricePerMonth": "500",
}

# GET /api/icsfeed "Example Response", word for word.
DOC_FEED = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Workways//Meeting Calendar//EN\r\n"
    "CALSCALE:GREGORIAN\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:meeting123@workways.com\r\n"
    "DTSTART:20251030T140000Z\r\n"
    "DTEND:20251030T150000Z\r\n"
    "SUMMARY:Team Meeting\r\n"
    "LOCATION:Meeting Room A\r\n"
    "DESCRIPTION:Weekly team sync\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def item(tz: str = "Europe/Dublin", **changes) -> ItemRef:
    resource = WorkwaysAdapter(ACCOUNT).room({**EXAMPLE_ROOM, **changes})
    return ItemRef(
        external_id=resource.external_id,
        kind=resource.kind,
        timezone=tz,
        space_external_id=EXAMPLE_ROOM["siteId"],
        raw=resource.raw,
        rules=resource.rules,
    )


def calendar(*events: str, header: str = "") -> str:
    """A Workways-style feed around hand-written VEVENT bodies (lines joined with CRLF; a
    line starting with one space continues the previous one, as RFC 5545 folds)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Workways//Meeting Calendar//EN",
        "CALSCALE:GREGORIAN",
        *[h for h in header.split("\n") if h],
    ]
    for n, body in enumerate(events):
        body_lines = body.strip("\n").split("\n")
        uid = [] if any(line.startswith("UID:") for line in body_lines) else [f"UID:m{n}@ww"]
        lines += ["BEGIN:VEVENT", *uid, *body_lines, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


class Fake:
    """A transport answering every call with one response; records the requests."""

    def __init__(self, answer):
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answer
        if callable(answer):
            return answer(request)
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(
            200, text=answer, headers={"content-type": "text/calendar; charset=utf-8"}
        )


def facts(feed, day: dt.date, ref: ItemRef | None = None, **kwargs) -> ProviderDay:
    fake = feed if isinstance(feed, Fake) else Fake(feed)
    with WorkwaysAdapter(ACCOUNT, transport=httpx.MockTransport(fake), **kwargs) as adapter:
        return adapter.day_facts(ref or item(), day)


def at(day: dt.date, hhmm: str, zone=DUBLIN) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), zone)


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Real time between two instants (a same-zone subtraction gives wall-clock time)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def assert_in_zone(day: ProviderDay, zone: str) -> None:
    for start, end in [*day.open, *day.busy]:
        assert start.tzinfo is not None and end.tzinfo is not None
        assert str(start.tzinfo) == zone and str(end.tzinfo) == zone


# --- (1) faked transport: the document's example and normal days ---------------------


def test_document_example_feed_is_one_busy_hour_in_the_open_window():
    fake = Fake(DOC_FEED)
    day = dt.date(2025, 10, 30)  # a Thursday; Dublin is on GMT again (since 26 October)
    result = facts(fake, day)
    assert result.slots is None and result.capacity == 1
    assert result.open == [(at(day, "09:00"), at(day, "18:00"))]
    # doc: "DTSTART:20251030T140000Z" — UTC; 14:00 GMT in Dublin
    assert result.busy == [(at(day, "14:00"), at(day, "15:00"))]
    assert_in_zone(result, "Europe/Dublin")
    [request] = fake.requests
    assert request.url.path == "/api/icsfeed"
    assert request.url.params["rooms"] == ROOM_ID
    assert "authorization" not in request.headers  # doc: icsfeed needs no key


def test_a_day_without_meetings_is_open_and_free_and_other_days_are_not_mixed_in():
    result = facts(DOC_FEED, dt.date(2025, 10, 29))
    assert result.open == [(at(dt.date(2025, 10, 29), "09:00"), at(dt.date(2025, 10, 29), "18:00"))]
    assert result.busy == []


def test_site_zone_is_used_for_windows_and_meetings():
    day = dt.date(2025, 10, 30)
    paris = ZoneInfo("Europe/Paris")
    result = facts(DOC_FEED, day, item(tz="Europe/Paris"))
    assert result.open == [(at(day, "09:00", paris), at(day, "18:00", paris))]
    assert result.busy == [(at(day, "15:00", paris), at(day, "16:00", paris))]
    assert_in_zone(result, "Europe/Paris")


def test_saturday_uses_slot_saturday_and_several_windows():
    ref = item(slotSaturday="09:00-12:00,13:00-17:00")
    day = dt.date(2025, 11, 1)
    result = facts(calendar(), day, ref)
    assert result.open == [
        (at(day, "09:00"), at(day, "12:00")),
        (at(day, "13:00"), at(day, "17:00")),
    ]


def test_sunday_without_slot_sunday_is_closed_and_the_feed_is_not_asked():
    def refuse(request):  # pragma: no cover - must not be called
        raise AssertionError("no call for a closed day")

    fake = Fake(refuse)
    result = facts(fake, dt.date(2025, 11, 2))  # a Sunday; slotSunday ""
    assert (result.open, result.busy, result.slots) == ([], [], None)
    assert fake.requests == []


def test_non_stop_day_runs_midnight_to_midnight():
    ref = item(slotWeek="00:00-24:00")
    day = dt.date(2025, 11, 5)
    result = facts(calendar(), day, ref)
    assert result.open == [(at(day, "00:00"), at(day + dt.timedelta(days=1), "00:00"))]


def test_spring_forward_day_in_dublin_is_23_hours():
    # Last Sunday of March 2025: Dublin goes from GMT to IST at 01:00 UTC.
    day = dt.date(2025, 3, 30)
    ref = item(slotSunday="00:00-24:00")
    feed = calendar(
        "DTSTART:20250330T003000Z\nDTEND:20250330T013000Z\nSUMMARY:across the jump",
        "DTSTART:20250330T090000Z\nDTEND:20250330T100000Z\nSUMMARY:after",
    )
    result = facts(feed, day, ref)
    [(start, end)] = result.open
    assert elapsed(start, end) == dt.timedelta(hours=23)
    assert (start.utcoffset(), end.utcoffset()) == (dt.timedelta(0), dt.timedelta(hours=1))
    assert result.busy == [
        (at(day, "00:30"), dt.datetime(2025, 3, 30, 2, 30, tzinfo=DUBLIN)),
        (at(day, "10:00"), at(day, "11:00")),  # 09:00 UTC is 10:00 IST
    ]
    assert_in_zone(result, "Europe/Dublin")
    slots = compute_slots(
        result,
        rules={"slot_minutes": 60, "step_minutes": 60},
        tz="Europe/Dublin",
        holds=[],
        now=dt.datetime(2000, 1, 1, tzinfo=UTC),
    )
    assert len(slots) == 23
    taken = {s.start.strftime("%H:%M") for s in slots if not s.available}
    assert taken == {"00:00", "02:00", "10:00"}  # 01:00 local does not exist that day


def test_window_starting_in_the_skipped_hour_starts_after_the_jump():
    day = dt.date(2025, 3, 30)
    result = facts(calendar(), day, item(slotSunday="01:30-04:00"))
    [(start, end)] = result.open
    assert start == dt.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)  # 02:30 IST
    assert (start.hour, start.minute, end.hour) == (2, 30, 4)


def test_fall_back_day_in_dublin_is_25_hours():
    day = dt.date(2025, 10, 26)
    result = facts(calendar(), day, item(slotSunday="00:00-24:00"))
    [(start, end)] = result.open
    assert elapsed(start, end) == dt.timedelta(hours=25)


# --- (1) the ICS edge cases ------------------------------------------------------------

WEEKLY = calendar(
    # Tuesdays 09:00 UTC, six times from 4 February 2025; 18 February cancelled; the
    # 25 February occurrence moved to Wednesday 26 February 14:00 UTC.
    "UID:standup@ww\nDTSTART:20250204T090000Z\nDTEND:20250204T100000Z\n"
    "RRULE:FREQ=WEEKLY;COUNT=6\nEXDATE:20250218T090000Z\nSUMMARY:Team Stand-up",
    "UID:standup@ww\nRECURRENCE-ID:20250225T090000Z\nDTSTART:20250226T140000Z\n"
    "DTEND:20250226T150000Z\nSUMMARY:Team Stand-up (moved)",
)


@pytest.mark.parametrize(
    ("day", "busy"),
    [
        (dt.date(2025, 2, 4), [("09:00", "10:00")]),
        (dt.date(2025, 2, 11), [("09:00", "10:00")]),
        (dt.date(2025, 2, 18), []),  # EXDATE
        (dt.date(2025, 2, 25), []),  # moved away (RECURRENCE-ID)
        (dt.date(2025, 2, 26), [("14:00", "15:00")]),  # moved here
        (dt.date(2025, 3, 4), [("09:00", "10:00")]),
        (dt.date(2025, 3, 11), [("09:00", "10:00")]),  # sixth and last
        (dt.date(2025, 3, 18), []),  # COUNT=6 is over
    ],
)
def test_weekly_rrule_with_exdate_and_a_moved_occurrence(day, busy):
    result = facts(WEEKLY, day)
    assert result.busy == [(at(day, s), at(day, e)) for s, e in busy]


def test_weekly_utc_rule_keeps_its_utc_time_across_the_dst_change():
    # Workways writes recurring meetings in UTC: after the spring change 09:00Z is 10:00.
    assert facts(WEEKLY, dt.date(2025, 3, 4)).busy[0][0].hour == 9
    feed = calendar("DTSTART:20250318T090000Z\nDTEND:20250318T100000Z\nRRULE:FREQ=WEEKLY")
    day = dt.date(2025, 4, 1)
    assert facts(feed, day).busy == [(at(day, "10:00"), at(day, "11:00"))]


def test_cancelled_occurrence_does_not_block():
    feed = calendar(
        "DTSTART:20250204T090000Z\nDTEND:20250204T100000Z\nRRULE:FREQ=WEEKLY;COUNT=3",
        "UID:m0@ww\nRECURRENCE-ID:20250211T090000Z\nDTSTART:20250211T090000Z\n"
        "DTEND:20250211T100000Z\nSTATUS:CANCELLED",
    )
    assert facts(feed, dt.date(2025, 2, 11)).busy == []
    assert len(facts(feed, dt.date(2025, 2, 18)).busy) == 1


def test_all_day_meeting_blocks_the_whole_local_day():
    feed = calendar(
        "DTSTART;VALUE=DATE:20251105\nDTEND;VALUE=DATE:20251106\nSUMMARY:Seminar",
        "DTSTART;VALUE=DATE:20251112\nSUMMARY:no DTEND: one day",
        "DTSTART;VALUE=DATE:20251119\nDTEND;VALUE=DATE:20251122\nSUMMARY:three days",
    )
    for day in (dt.date(2025, 11, 5), dt.date(2025, 11, 12), dt.date(2025, 11, 20)):
        [(start, end)] = facts(feed, day).busy
        assert start <= at(day, "00:00") and end >= at(day + dt.timedelta(days=1), "00:00")
    assert facts(feed, dt.date(2025, 11, 6)).busy == []
    assert facts(feed, dt.date(2025, 11, 13)).busy == []
    assert facts(feed, dt.date(2025, 11, 5)).busy == [
        (at(dt.date(2025, 11, 5), "00:00"), at(dt.date(2025, 11, 6), "00:00"))
    ]


def test_all_day_meeting_on_a_dst_day_blocks_23_hours():
    day = dt.date(2025, 3, 30)
    feed = calendar("DTSTART;VALUE=DATE:20250330\nDTEND;VALUE=DATE:20250331")
    [(start, end)] = facts(feed, day, item(slotSunday="08:00-18:00")).busy
    assert elapsed(start, end) == dt.timedelta(hours=23)


def test_tzid_europe_paris_event():
    day = dt.date(2025, 11, 5)
    feed = calendar(
        "DTSTART;TZID=Europe/Paris:20251105T150000\nDTEND;TZID=Europe/Paris:20251105T163000"
    )
    assert facts(feed, day).busy == [(at(day, "14:00"), at(day, "15:30"))]


def test_tzid_with_its_vtimezone_and_a_weekly_rule_follows_paris_wall_time():
    vtimezone = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""
    feed = calendar(
        "DTSTART;TZID=Europe/Paris:20250320T160000\nDTEND;TZID=Europe/Paris:20250320T170000\n"
        "RRULE:FREQ=WEEKLY;COUNT=4",
        header=vtimezone,
    )
    paris = ZoneInfo("Europe/Paris")
    before, after = dt.date(2025, 3, 27), dt.date(2025, 4, 3)
    assert facts(feed, before, item(tz="Europe/Paris")).busy == [
        (at(before, "16:00", paris), at(before, "17:00", paris))
    ]
    assert facts(feed, after, item(tz="Europe/Paris")).busy == [
        (at(after, "16:00", paris), at(after, "17:00", paris))
    ]


def test_floating_time_is_site_local_time():
    day = dt.date(2025, 11, 5)
    feed = calendar("DTSTART:20251105T100000\nDTEND:20251105T113000")
    assert facts(feed, day).busy == [(at(day, "10:00"), at(day, "11:30"))]
    paris = ZoneInfo("Europe/Paris")
    assert facts(feed, day, item(tz="Europe/Paris")).busy == [
        (at(day, "10:00", paris), at(day, "11:30", paris))
    ]


def test_floating_time_follows_x_wr_timezone():
    day = dt.date(2025, 11, 5)
    feed = calendar(
        "DTSTART:20251105T100000\nDTEND:20251105T113000",
        "DTSTART:20251105T150000Z\nDTEND:20251105T160000Z",
        header="X-WR-TIMEZONE:Europe/Paris",
    )
    # 10:00 Paris is 09:00 Dublin; the UTC meeting stays at its instant.
    assert facts(feed, day).busy == [
        (at(day, "09:00"), at(day, "10:30")),
        (at(day, "15:00"), at(day, "16:00")),
    ]


def test_folded_long_lines():
    day = dt.date(2025, 11, 5)
    long_text = "A very long description " * 8
    feed = calendar(
        "DTSTART:20251105T1\n 20000Z\nDTEND:20251105T13\n 0000Z\n"
        f"DESCRIPTION:{long_text[:60]}\n {long_text[60:]}\nSUMMARY:folded"
    )
    assert "\r\n 20000Z" in feed
    assert facts(feed, day).busy == [(at(day, "12:00"), at(day, "13:00"))]
    [event] = parse_feed(feed.encode()).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == long_text


def test_meeting_across_midnight_shows_on_both_days():
    feed = calendar("DTSTART:20251104T220000Z\nDTEND:20251105T020000Z")
    first, second = dt.date(2025, 11, 4), dt.date(2025, 11, 5)
    whole = (at(first, "22:00"), at(second, "02:00"))
    assert facts(feed, first, item(slotWeek="00:00-24:00")).busy == [whole]
    assert facts(feed, second, item(slotWeek="00:00-24:00")).busy == [whole]


def test_duration_instead_of_dtend():
    day = dt.date(2025, 11, 5)
    feed = calendar("DTSTART:20251105T100000Z\nDURATION:PT90M")
    assert facts(feed, day).busy == [(at(day, "10:00"), at(day, "11:30"))]


def test_past_dates_are_answered():
    # The feed lists past meetings too and Workways refuses nothing here; hiding past
    # slots is the service's job (lead time / now), not the adapter's.
    assert facts(DOC_FEED, dt.date(2025, 10, 30)).busy


def test_office_with_booking_hours_reads_the_same_feed():
    ref = item(type="publicOffice", slotWeek="08:00-19:00")
    assert ref.kind == "office"
    day = dt.date(2025, 10, 30)
    assert facts(DOC_FEED, day, ref).busy == [(at(day, "14:00"), at(day, "15:00"))]


def test_windows_from_a_raw_slot_string_when_rules_lack_them():
    ref = dataclasses.replace(item(), rules={}, raw={"room_id": ROOM_ID, "slotWeek": "10:00-12:00"})
    day = dt.date(2025, 10, 30)
    assert facts(DOC_FEED, day, ref).open == [(at(day, "10:00"), at(day, "12:00"))]


# --- (1) errors -------------------------------------------------------------------------


def test_monthly_office_offers_and_passes_are_unsupported():
    offer = WorkwaysAdapter(ACCOUNT).room({**EXAMPLE_ROOM, "type": "publicOffice", "slotWeek": ""})
    ref = ItemRef(offer.external_id, offer.kind, "Europe/Dublin", "s", raw=offer.raw)
    adapter = WorkwaysAdapter(ACCOUNT, transport=httpx.MockTransport(Fake(DOC_FEED)))
    with adapter, pytest.raises(UnsupportedError):
        adapter.day_facts(ref, dt.date(2025, 10, 30))
    with adapter, pytest.raises(UnsupportedError):
        adapter.pass_days(ref, dt.date(2025, 10, 30), dt.date(2025, 10, 31))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_then_transient(status, no_sleep):
    fake = Fake(httpx.Response(status, text="<html>oops</html>"))
    with pytest.raises(TransientError):
        facts(fake, dt.date(2025, 10, 30), sleep=no_sleep)
    assert len(fake.requests) == WorkwaysAdapter.max_attempts


def test_server_error_then_success(no_sleep):
    answers = iter([httpx.Response(503), httpx.Response(200, text=DOC_FEED)])
    result = facts(Fake(lambda request: next(answers)), dt.date(2025, 10, 30), sleep=no_sleep)
    assert len(result.busy) == 1 and len(no_sleep) == 1


def test_timeout_is_transient(no_sleep):
    def hang(request):
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(TransientError):
        facts(Fake(hang), dt.date(2025, 10, 30), sleep=no_sleep)


def test_401_is_an_authentication_error():
    body = {
        "retcode": -1,
        "message": "Unauthorized: Invalid or revoked token",
    }
    with pytest.raises(AuthenticationError):
        facts(Fake(httpx.Response(401, json=body)), dt.date(2025, 10, 30))


def test_json_error_envelope_with_200_is_read_as_one():
    body = {"retcode": -1, "message": "Unauthorized: Invalid or revoked token"}
    with pytest.raises(AuthenticationError):
        facts(Fake(httpx.Response(200, json=body)), dt.date(2025, 10, 30))
    with pytest.raises(MalformedResponseError):
        facts(Fake(httpx.Response(200, json={"retcode": 1, "data": []})), dt.date(2025, 10, 30))


def test_bad_rooms_parameter_is_rejected():
    # doc, icsfeed "Error Response"
    body = {
        "retcode": -1,
        "message": 'Bad request: "rooms" query parameter is missing, empty, or contains '
        "invalid IDs.",
    }
    with pytest.raises(RejectedError, match="rooms"):
        facts(Fake(httpx.Response(400, json=body)), dt.date(2025, 10, 30))


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b'{"data": [',
        b"null",
        b"",
        b"BEGIN:VEVENT\r\nDTSTART:20251030T140000Z\r\nEND:VEVENT\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        calendar("DTSTART:20251030T140000Z\nRRULE:FREQ=SOMETIMES").encode(),
    ],
)
def test_a_body_that_is_no_calendar_is_malformed(body):
    answer = httpx.Response(200, content=body, headers={"content-type": "text/calendar"})
    with pytest.raises(MalformedResponseError):
        facts(Fake(answer), dt.date(2025, 10, 30))


# --- (1) the key acceptance: free slots never overlap a meeting ---------------------------


def busy_week_feed(monday: dt.date, seed: int = 7) -> tuple[str, list[tuple]]:
    """A feed with many meetings over one week in every form the adapter reads, and the
    true UTC intervals computed here, independently of any iCalendar library."""
    rng = random.Random(seed)
    paris = ZoneInfo("Europe/Paris")
    events, truth = [], []
    fmt = "%Y%m%dT%H%M%S"
    for n in range(120):
        day = monday + dt.timedelta(days=rng.randrange(7))
        start_local = at(day, f"{rng.randrange(6, 21):02d}:{rng.choice([0, 15, 30, 45]):02d}")
        length = dt.timedelta(minutes=rng.choice([15, 30, 45, 60, 90, 120, 180]))
        form = n % 4
        if form == 0:  # UTC, as the document shows
            s, e = start_local.astimezone(UTC), (start_local + length).astimezone(UTC)
            events.append(f"DTSTART:{s.strftime(fmt)}Z\nDTEND:{e.strftime(fmt)}Z")
        elif form == 1:  # TZID=Europe/Paris
            s = start_local.astimezone(paris)
            e = s + length
            events.append(
                f"DTSTART;TZID=Europe/Paris:{s.strftime(fmt)}\n"
                f"DTEND;TZID=Europe/Paris:{e.strftime(fmt)}"
            )
        elif form == 2:  # floating: site (Dublin) wall time
            s, e = start_local, start_local + length
            events.append(f"DTSTART:{s.strftime(fmt)}\nDTEND:{e.strftime(fmt)}")
        else:  # DURATION
            s = start_local.astimezone(UTC)
            events.append(f"DTSTART:{s.strftime(fmt)}Z\nDURATION:PT{int(length.seconds / 60)}M")
        truth.append((start_local.astimezone(UTC), (start_local + length).astimezone(UTC)))
    # a daily series with an EXDATE, starting the week before
    first = at(monday - dt.timedelta(days=7), "12:15").astimezone(UTC)
    skipped = first + dt.timedelta(days=9)
    events.append(
        f"DTSTART:{first.strftime(fmt)}Z\nDTEND:{(first + dt.timedelta(minutes=40)).strftime(fmt)}Z"
        f"\nRRULE:FREQ=DAILY;COUNT=20\nEXDATE:{skipped.strftime(fmt)}Z"
    )
    for k in range(20):
        if k != 9:
            s = first + dt.timedelta(days=k)
            truth.append((s, s + dt.timedelta(minutes=40)))
    # an all-day meeting on the Thursday
    thursday = monday + dt.timedelta(days=3)
    friday = thursday + dt.timedelta(days=1)
    events.append(f"DTSTART;VALUE=DATE:{thursday:%Y%m%d}\nDTEND;VALUE=DATE:{friday:%Y%m%d}")
    truth.append(
        (
            at(thursday, "00:00").astimezone(UTC),
            at(thursday + dt.timedelta(days=1), "00:00").astimezone(UTC),
        )
    )
    return calendar(*events), truth


@pytest.mark.parametrize("monday", [dt.date(2025, 11, 3), dt.date(2025, 3, 24)])
def test_free_slots_never_overlap_a_meeting_over_a_busy_week(monday):
    feed, truth = busy_week_feed(monday)
    ref = item(slotWeek="07:00-21:00", slotSaturday="08:00-14:00", slotSunday="00:00-24:00")
    rules = {"slot_minutes": 30, "step_minutes": 15}
    past = dt.datetime(2000, 1, 1, tzinfo=UTC)
    fake = Fake(feed)
    free = taken = 0
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        day_facts = facts(fake, day, ref)
        slots = compute_slots(day_facts, rules=rules, tz="Europe/Dublin", holds=[], now=past)
        assert slots
        for slot in slots:
            clash = any(s < slot.end and e > slot.start for s, e in truth)
            assert slot.available == (not clash), (day, slot)
            free += slot.available
            taken += not slot.available
    assert free > 50 and taken > 100  # the week is really busy, and really open


# --- (2) the sandbox in-process ----------------------------------------------------------


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["workways"]


@pytest.fixture
def account(sandbox_accounts):
    [account] = sandbox_accounts["workways"]
    return account


@pytest.fixture
def extras(sandbox):
    return sandbox.print_config("http://127.0.0.1:8001")["workways"]


@pytest.fixture
def refs(account, sandbox_transport):
    """ItemRefs of the catalogue's timed rooms, as the service would build them."""
    with adapter_for(account, transport=sandbox_transport) as adapter:
        catalogue = adapter.fetch_catalogue()
    return {
        r.external_id: ItemRef(
            r.external_id, r.kind, space.timezone, space.external_id, r.raw, space.raw, r.rules
        )
        for space in catalogue.spaces
        for r in space.resources
    }


def sandbox_busy(state, room_id: str, day: dt.date, tz: str) -> set[tuple]:
    """The sandbox's own view: confirmed meetings of the room touching the local day."""
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(day, dt.time(0), zone).astimezone(UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone).astimezone(UTC)
    found = set()
    for meeting in state["meetings"]:
        if meeting["roomId"] != room_id or meeting["status"] != "confirmed":
            continue
        for s, e in occurrences(state, meeting, start, end):
            if s < end and e > start:
                found.add((s, e))
    return found


def as_utc(intervals) -> set[tuple]:
    return {(s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals}


def test_sandbox_facts_agree_with_its_state_for_two_weeks(
    sandbox, state, refs, account, sandbox_transport
):
    today = sandbox.store.today
    rooms = {r["_id"]: r for r in state["rooms"]}
    seen_busy = 0
    with adapter_for(account, transport=sandbox_transport) as adapter:
        for room_id, ref in refs.items():
            for offset in range(-7, 14):
                day = today + dt.timedelta(days=offset)
                result = adapter.day_facts(ref, day)
                assert_in_zone(result, ref.timezone)
                window = slot_text(rooms[room_id], day)
                if not window:
                    assert result.open == []
                    continue
                assert [f"{s:%H:%M}-{e:%H:%M}" for s, e in result.open] == window.split(","), (
                    room_id,
                    day,
                )
                expected = sandbox_busy(state, room_id, day, ref.timezone)
                assert as_utc(result.busy) == expected, (room_id, day)
                seen_busy += len(expected)
    assert seen_busy >= 6  # the seeded meetings were really compared


def test_pending_request_is_not_busy(sandbox, state, refs, account, sandbox_transport):
    [pending] = [m for m in state["meetings"] if m["status"] == "pending"]
    ref = refs[pending["roomId"]]
    start = dt.datetime.fromisoformat(pending["start"].replace("Z", "+00:00"))
    day = start.astimezone(ZoneInfo(ref.timezone)).date()
    with adapter_for(account, transport=sandbox_transport) as adapter:
        busy = adapter.day_facts(ref, day).busy
    assert not any(s < start + dt.timedelta(hours=1) and e > start for s, e in busy)


def first_free_start(result: ProviderDay, minutes: int) -> dt.datetime:
    length = dt.timedelta(minutes=minutes)
    for open_start, open_end in result.open:
        cursor = open_start
        while cursor + length <= open_end:
            if not any(s < cursor + length and e > cursor for s, e in result.busy):
                return cursor
            cursor += dt.timedelta(minutes=30)
    raise AssertionError("no free time")


def book(transport, account, extras, room_id: str, start: dt.datetime, minutes: int) -> dict:
    with httpx.Client(transport=transport) as client:
        answer = client.post(
            f"{account.config['base_url']}/api/meeting-request",
            headers={"Authorization": f"Bearer {account.credentials['token']}"},
            json={
                "contactEmail": extras["known_member_email"],
                "bookedRoom": room_id,
                "bookedAt": start.isoformat(),
                "duration": minutes,
                "name": "Booked by the availability test",
            },
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "ACCEPTED"
    return answer.json()


def test_a_meeting_booked_at_the_sandbox_shows_as_busy(
    sandbox, state, refs, account, extras, sandbox_transport
):
    day = sandbox.store.today + dt.timedelta(days=2)
    while not slot_text(next(r for r in state["rooms"] if r["_id"] in refs), day):
        day += dt.timedelta(days=1)
    room_id = next(r["_id"] for r in state["rooms"] if r["_id"] in refs)
    ref = refs[room_id]
    minutes = ref.rules["min_minutes"]
    with adapter_for(account, transport=sandbox_transport) as adapter:
        before = adapter.day_facts(ref, day)
        start = first_free_start(before, minutes)
        book(sandbox_transport, account, extras, room_id, start, minutes)
        after = adapter.day_facts(ref, day)
    end = start + dt.timedelta(minutes=minutes)
    assert (start, end) not in before.busy
    assert (start, end) in after.busy
    assert as_utc(after.busy) == sandbox_busy(state, room_id, day, ref.timezone)
    # Workways has no cancel endpoint (doc), so there is no "cancel -> free" to check.


# --- (3) through the service -----------------------------------------------------------------


@pytest.fixture
def portal_account(account, refs, sandbox_transport, monkeypatch):
    cache.clear()
    with adapter_for(account, transport=sandbox_transport) as adapter:
        catalogue = adapter.fetch_catalogue()
    provider = ProviderAccount.objects.create(
        kind=account.kind, name=account.name, config=account.config, credentials=account.credentials
    )
    services.apply_catalogue(provider, catalogue)
    real_adapter_for = providers.availability.adapter_for
    monkeypatch.setattr(
        providers.availability,
        "adapter_for",
        lambda acc, **kw: real_adapter_for(acc, **kw, transport=sandbox_transport),
    )
    return provider


def slot_matches_sandbox(state, resource: Resource, day: dt.date, answer, now) -> None:
    busy = sandbox_busy(state, resource.external_id, day, resource.space.timezone)
    for slot in answer.slots:
        clash = any(s < slot.end and e > slot.start for s, e in busy)
        assert slot.available == (not clash and slot.start >= now), (day, slot)


@pytest.mark.django_db
def test_member_sees_the_sandbox_meetings_as_taken(sandbox, state, portal_account):
    cache.clear()
    today = sandbox.store.today
    now = dt.datetime.now(UTC)
    checked = taken = 0
    for resource in Resource.objects.filter(space__account=portal_account):
        for offset in range(0, 7):
            day = today + dt.timedelta(days=offset)
            answer = bookings.availability.resource_day(resource, day, now=now)
            assert answer.known, answer.message
            room = next(r for r in state["rooms"] if r["_id"] == resource.external_id)
            if not slot_text(room, day):
                assert answer.slots == []
                continue
            slot_matches_sandbox(state, resource, day, answer, now)
            checked += len(answer.slots)
            taken += sum(1 for s in answer.slots if not s.available and s.start >= now)
    assert checked and taken


@pytest.mark.django_db
def test_a_booking_at_the_sandbox_is_taken_after_a_fresh_look(
    sandbox, state, portal_account, account, extras, sandbox_transport
):
    cache.clear()
    now = dt.datetime.now(UTC)
    resources = Resource.objects.filter(space__account=portal_account).order_by("external_id")
    # the first room and day (from the day after tomorrow) with a free slot
    for resource, offset in itertools.product(resources, range(2, 9)):
        day = sandbox.store.today + dt.timedelta(days=offset)
        before = bookings.availability.resource_day(resource, day, now=now)
        free = [s for s in before.slots if s.available]
        if free:
            break
    else:
        raise AssertionError("no free slot anywhere")
    minutes = resource.rules["slot_minutes"]
    book(sandbox_transport, account, extras, resource.external_id, free[0].start, minutes)
    cache.clear()
    after = bookings.availability.resource_day(resource, day, now=now)
    assert after.known
    [same] = [s for s in after.slots if s.start == free[0].start]
    assert not same.available
    slot_matches_sandbox(state, resource, day, after, now)


@pytest.mark.django_db
def test_monthly_offices_have_no_day_availability(portal_account):
    cache.clear()
    from providers.models import Offer

    offer = Offer.objects.filter(space__account=portal_account).first()
    assert offer is not None
    answer = bookings.availability.pass_days(offer, dt.date.today(), dt.date.today())
    assert not answer.known and "does not publish" in answer.message


def test_parse_and_slice_helpers_are_public():
    cal = parse_feed(DOC_FEED.encode())
    assert busy_on(cal, dt.date(2025, 10, 30), DUBLIN) == [
        (at(dt.date(2025, 10, 30), "14:00"), at(dt.date(2025, 10, 30), "15:00"))
    ]
