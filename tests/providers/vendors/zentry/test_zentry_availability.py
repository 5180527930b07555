"""Zentry availability: ``day_facts`` (meeting rooms) and ``pass_days`` (the day pass).

1. HTTP faked at the transport (respx) with the documents' examples: the Workspaces API
   (``002_b74326c229a2377d.txt``: ExtendedLocation / ExtendedRoom with their ``schedule``,
   LocationClosure / RoomClosure with ``recurrence``) and the CheckIns API
   (``003_c7b0553c6c4180e6.txt``: RoomReservation / DayPassReservation searches).
2. Against the sandbox in-process: the facts agree with the sandbox's state, and follow
   bookings and cancellations made at the sandbox through its API.
3. Through the availability service: the slots and day-pass places a member would see.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from django.core.cache import cache

import bookings.availability
import providers.availability
from bookings.availability import compute_slots
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import AccountConfig, ItemRef, ProviderDay
from providers.models import Offer, ProviderAccount, Resource
from providers.services import apply_catalogue

WS = "https://api.zentry.test/workspaces"
CI = "https://api.zentry.test/checkins"
API_KEY = "zk_live_secret_key_0123456789"
LOCATION_ID = "184d3163ee1ffbbdb38b6c07"
ROOM_ID = "284d3163ee1ffbbdb38b6d99"
UTC = dt.UTC
CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

ACCOUNT = AccountConfig(
    kind="zentry",
    name="Zentry test",
    config={
        "workspaces_url": WS,
        "checkins_url": CI,
        "tenant_id": "184d3163ee1ffbbdb38b6c07",
        "user_id": "926d3163ee1ffbbdb47b6a76",
    },
    credentials={"api_key": API_KEY},
)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# doc: ScheduleDay example
DAY = {"isOpen": True, "open": "09:00:00", "close": "17:00:00", "maxVisitors": 40}

# doc: ExtendedLocation example (fields availability reads, plus a few of the rest)
DOC_LOCATION = {
    "id": LOCATION_ID,
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
    "workspaceId": "184d3163ee1ffbbdb38b6c07",
    "name": "The Zentrys - St. Louis",
    "schedule": {day: dict(DAY) for day in DAYS},
    "price": 1500,
    "marketplacePrice": 1500,
    "timeZone": "America/Chicago",
    "autoApproveReservations": True,
    "status": "Active",
    "tokenCost": 5,
}

# doc: ExtendedRoom example ("quantity": 2), its location embedded as documented
DOC_ROOM = {
    "id": ROOM_ID,
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
    "locationId": LOCATION_ID,
    "location": {k: v for k, v in DOC_LOCATION.items() if k != "tokenCost"},
    "name": "Conference room",
    "pricePerHour": 5000,
    "pricePerDay": 50000,
    "marketplacePricePerHour": 5000,
    "marketplacePricePerDay": 50000,
    "quantity": 2,
    "capacity": 20,
    "maxReservationMinutes": 60,
    "autoApproveReservations": False,
}

# doc: LocationClosure / RoomClosure examples
DOC_LOCATION_CLOSURE = {
    "id": "184d3163ee1ffbbdb38b6c07",
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
    "dateRange": {"from": "2019-08-24T14:15:22Z", "to": "2019-08-24T14:15:22Z"},
    "workspaceId": "string",
    "recurrence": "None",
    "recurrenceEndDate": "2019-08-24T14:15:22Z",
    "locationId": LOCATION_ID,
    "type": "Default",
}
DOC_ROOM_CLOSURE = {k: v for k, v in DOC_LOCATION_CLOSURE.items() if k != "locationId"} | {
    "roomId": ROOM_ID
}

# doc: RoomReservation example (its reservationType says "DayPass" in the document)
DOC_ROOM_RESERVATION = {
    "id": "184d3163ee1ffbbdb38b6c07",
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
    "reservationType": "DayPass",
    "status": "Pending",
    "locationId": LOCATION_ID,
    "workspaceId": "686d3163ee1ffbbdb38b6a74",
    "userId": "926d3163ee1ffbbdb47b6a76",
    "tenantId": "184d3163ee1ffbbdb38b6c07",
    "employerId": "string",
    "reservationDate": "2019-08-24T14:15:22Z",
    "price": 10000,
    "tokenCost": 10,
    "paymentId": "187g3163ee1ffbbdb38b8x09",
    "isMarketplace": True,
    "isWithin24Hours": True,
    "roomId": ROOM_ID,
    "reservationEndDate": "2019-08-24T14:15:22Z",
    "numberOfGuests": 5,
}
# doc: DayPassReservation example
DOC_DAY_PASS = {
    k: v
    for k, v in DOC_ROOM_RESERVATION.items()
    if k not in ("roomId", "reservationEndDate", "numberOfGuests")
}

ROOM = ItemRef(
    external_id=ROOM_ID,
    kind="meeting_room",
    timezone="America/Chicago",
    space_external_id=LOCATION_ID,
    raw={"room_id": ROOM_ID, "location_id": LOCATION_ID},
    quantity=2,
)
PASS = ItemRef(
    external_id=LOCATION_ID,
    kind="day_pass",
    timezone="America/Chicago",
    space_external_id=LOCATION_ID,
    raw={"location_id": LOCATION_ID},
)

MONDAY = dt.date(2030, 1, 7)
TUESDAY = dt.date(2030, 1, 8)
SUNDAY = dt.date(2030, 1, 13)
SPRING_FORWARD = dt.date(2030, 3, 10)  # second Sunday of March 2030
FALL_BACK = dt.date(2030, 11, 3)  # first Sunday of November 2030


def page(items, offset=0, total=None):
    """doc: IPagedResponse {"data", "pagedRequest": {offset, limit}, "totalCount"}."""
    return {
        "data": items,
        "pagedRequest": {"offset": offset, "limit": 100},
        "totalCount": len(items) if total is None else total,
    }


def at(day: dt.date, clock: str, zone: ZoneInfo = CHICAGO) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), zone)


def z(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def location(zone="America/Chicago", **days):
    data = copy.deepcopy(DOC_LOCATION)
    data["timeZone"] = zone
    for name, value in days.items():
        data["schedule"][name] = value
    return data


def room_of(loc=None, **changes):
    data = copy.deepcopy(DOC_ROOM)
    data["location"] = {k: v for k, v in (loc or DOC_LOCATION).items() if k != "tokenCost"}
    data.update(changes)
    return data


def closure(start, end, recurrence="None", until=None, room=False, **changes):
    data = copy.deepcopy(DOC_ROOM_CLOSURE if room else DOC_LOCATION_CLOSURE)
    data.update(
        dateRange={"from": z(start), "to": z(end)},
        recurrence=recurrence,
        recurrenceEndDate=None if until is None else z(until),
        **changes,
    )
    return data


def booking(start, end, status="Approved", **changes):
    data = copy.deepcopy(DOC_ROOM_RESERVATION)
    data.update(
        reservationType="Room",
        status=status,
        reservationDate=z(start),
        reservationEndDate=z(end),
    )
    data.update(changes)
    return data


def day_pass(reservation_date: str, status="Approved", **changes):
    data = copy.deepcopy(DOC_DAY_PASS)
    data.update(reservationDate=reservation_date, status=status, **changes)
    return data


@pytest.fixture
def zentry():
    with respx.mock(assert_all_called=False) as mock:
        mock.post(f"{WS}/Room", name="room").respond(json=page([DOC_ROOM]))
        mock.post(f"{WS}/Location", name="location").respond(json=page([DOC_LOCATION]))
        mock.post(f"{WS}/LocationClosure", name="location_closures").respond(json=page([]))
        mock.post(f"{WS}/RoomClosure", name="room_closures").respond(json=page([]))
        mock.post(f"{CI}/RoomReservation", name="room_reservations").respond(json=page([]))
        mock.post(f"{CI}/DayPassReservation", name="day_passes").respond(json=page([]))
        yield mock


def adapter(**kwargs):
    return adapter_for(ACCOUNT, **kwargs)


def body_of(route) -> dict:
    return json.loads(route.calls.last.request.content)


def hours(intervals):
    return [(s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in intervals]


def slots_of(facts: ProviderDay, tz="America/Chicago"):
    """What the service makes of the facts (hourly slots, no lead time, long ago)."""
    now = dt.datetime(2000, 1, 1, tzinfo=UTC)
    return {
        s.start.strftime("%H:%M"): s.available
        for s in compute_slots(facts, rules={}, tz=tz, holds=[], now=now)
    }


# --- 1. rooms, faked HTTP -----------------------------------------------------------------


def test_a_normal_day_is_the_schedule_with_the_rooms_quantity(zentry):
    facts = adapter().day_facts(ROOM, TUESDAY)

    assert facts.slots is None
    assert facts.open == [(at(TUESDAY, "09:00"), at(TUESDAY, "17:00"))]
    assert all(s.tzinfo is not None and e.tzinfo is not None for s, e in facts.open)
    assert str(facts.open[0][0].tzinfo) == "America/Chicago"
    assert facts.busy == []
    assert facts.capacity == 2  # doc: quantity "How many of these rooms are available"


def test_the_searches_ask_for_this_room_and_this_day(zentry):
    adapter().day_facts(ROOM, TUESDAY)

    assert body_of(zentry["room"]) == {"offset": 0, "limit": 100, "ids": [ROOM_ID]}
    assert body_of(zentry["location_closures"])["locationIds"] == [LOCATION_ID]
    assert body_of(zentry["room_closures"])["roomIds"] == [ROOM_ID]
    asked = body_of(zentry["room_reservations"])
    assert asked["roomIds"] == [ROOM_ID]
    assert "Cancelled" not in asked["statuses"]
    # the local day in UTC: midnight CST is 06:00Z
    assert asked["occupiedDateRange"] == {
        "from": "2030-01-08T06:00:00Z",
        "to": "2030-01-09T06:00:00Z",
    }
    request = zentry["room_reservations"].calls.last.request
    assert request.headers["Api-Key"] == API_KEY
    assert not zentry["location"].called  # the room carries its location's schedule


def test_the_location_is_read_when_the_room_does_not_embed_it(zentry):
    zentry["room"].respond(json=page([room_of(location=None)]))
    facts = adapter().day_facts(ROOM, TUESDAY)
    assert body_of(zentry["location"])["ids"] == [LOCATION_ID]
    assert facts.open == [(at(TUESDAY, "09:00"), at(TUESDAY, "17:00"))]


def test_a_closed_weekday_has_no_open_window(zentry):
    loc = location(sunday={"isOpen": False, "open": "00:00:00", "close": "00:00:00"})
    zentry["room"].respond(json=page([room_of(loc)]))

    facts = adapter().day_facts(ROOM, SUNDAY)

    assert (facts.open, facts.busy, facts.capacity) == ([], [], 2)
    assert not zentry["room_reservations"].called
    assert slots_of(facts) == {}


@pytest.mark.parametrize("close", ["1.00:00:00", "24:00:00"])
def test_a_non_stop_day_is_open_from_midnight_to_midnight(zentry, close):
    loc = location(tuesday={"isOpen": True, "open": "00:00:00", "close": close})
    zentry["room"].respond(json=page([room_of(loc)]))

    facts = adapter().day_facts(ROOM, TUESDAY)

    assert facts.open == [(at(TUESDAY, "00:00"), at(TUESDAY + dt.timedelta(days=1), "00:00"))]
    assert len(slots_of(facts)) == 24


@pytest.mark.parametrize(("day", "length"), [(SPRING_FORWARD, 23), (FALL_BACK, 25)])
def test_a_non_stop_dst_day_lasts_23_or_25_hours(zentry, day, length):
    loc = location(
        "America/New_York", sunday={"isOpen": True, "open": "00:00:00", "close": "24:00:00"}
    )
    zentry["room"].respond(json=page([room_of(loc)]))

    [(start, end)] = adapter().day_facts(ROOM, day).open

    # (same-zone subtraction is wall-clock in Python: compare in UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=length)
    assert start == at(day, "00:00", NEW_YORK)
    facts = adapter().day_facts(ROOM, day)
    now = dt.datetime(2000, 1, 1, tzinfo=UTC)
    slots = compute_slots(facts, rules={}, tz="America/New_York", holds=[], now=now)
    assert len(slots) == length  # hourly slots of a 23- or 25-hour day


@pytest.mark.parametrize(
    ("zone", "opens_utc", "closes_utc"),
    [
        # EDT (UTC-4) from 02:00 that morning
        (NEW_YORK, "2030-03-10T12:00:00+00:00", "2030-03-10T22:00:00+00:00"),
        # PDT (UTC-7)
        (LOS_ANGELES, "2030-03-10T15:00:00+00:00", "2030-03-11T01:00:00+00:00"),
    ],
)
def test_the_spring_forward_sunday_keeps_wall_clock_hours(zentry, zone, opens_utc, closes_utc):
    loc = location(str(zone), sunday={"isOpen": True, "open": "08:00:00", "close": "18:00:00"})
    zentry["room"].respond(json=page([room_of(loc)]))

    facts = adapter().day_facts(ROOM, SPRING_FORWARD)

    assert facts.open == [
        (dt.datetime.fromisoformat(opens_utc), dt.datetime.fromisoformat(closes_utc))
    ]
    assert hours(facts.open) == [("08:00", "18:00")]
    asked = body_of(zentry["room_reservations"])["occupiedDateRange"]
    # a 23-hour local day
    start = dt.datetime.fromisoformat(asked["from"].replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(asked["to"].replace("Z", "+00:00"))
    assert end - start == dt.timedelta(hours=23)


def test_a_schedule_past_midnight_runs_into_the_next_day(zentry):
    loc = location(tuesday={"isOpen": True, "open": "18:00:00", "close": "02:00:00"})
    zentry["room"].respond(json=page([room_of(loc)]))

    facts = adapter().day_facts(ROOM, TUESDAY)

    assert facts.open == [(at(TUESDAY, "18:00"), at(TUESDAY + dt.timedelta(days=1), "02:00"))]
    assert body_of(zentry["room_reservations"])["occupiedDateRange"]["to"] == z(
        at(TUESDAY + dt.timedelta(days=1), "02:00")
    )


def test_a_one_off_full_day_closure_closes_the_day(zentry):
    zentry["location_closures"].respond(
        json=page([closure(at(TUESDAY, "00:00"), at(TUESDAY + dt.timedelta(days=1), "00:00"))])
    )
    assert adapter().day_facts(ROOM, TUESDAY).open == []
    assert adapter().day_facts(ROOM, MONDAY).open == [(at(MONDAY, "09:00"), at(MONDAY, "17:00"))]


def test_the_documents_closure_example_of_zero_length_closes_nothing(zentry):
    zentry["location_closures"].respond(json=page([DOC_LOCATION_CLOSURE]))
    assert hours(adapter().day_facts(ROOM, TUESDAY).open) == [("09:00", "17:00")]


def test_a_weekly_closure_recurs_on_its_weekday_until_its_end(zentry):
    first = dt.date(2029, 12, 31)  # a Monday
    zentry["location_closures"].respond(
        json=page(
            [
                closure(
                    at(first, "12:00"),
                    at(first, "13:00"),
                    "Weekly",
                    until=at(dt.date(2030, 1, 14), "00:00"),
                )
            ]
        )
    )
    a = adapter()
    assert hours(a.day_facts(ROOM, MONDAY).open) == [("09:00", "12:00"), ("13:00", "17:00")]
    assert hours(a.day_facts(ROOM, TUESDAY).open) == [("09:00", "17:00")]
    # 2030-01-14 starts after recurrenceEndDate (00:00): no closure that day
    assert hours(a.day_facts(ROOM, dt.date(2030, 1, 14)).open) == [("09:00", "17:00")]
    # before its first occurrence: nothing
    assert hours(a.day_facts(ROOM, dt.date(2029, 12, 24)).open) == [("09:00", "17:00")]


def test_a_weekly_closure_keeps_its_local_time_across_dst(zentry):
    loc = location("America/Los_Angeles")
    zentry["room"].respond(json=page([room_of(loc)]))
    first_friday = dt.date(2030, 3, 1)  # PST
    zentry["location_closures"].respond(
        json=page(
            [
                closure(
                    at(first_friday, "13:00", LOS_ANGELES),
                    at(first_friday, "17:00", LOS_ANGELES),
                    "Weekly",
                )
            ]
        )
    )
    after_dst = dt.date(2030, 3, 15)  # PDT: still 13:00-17:00 local
    facts = adapter().day_facts(ROOM, after_dst)
    assert hours(facts.open) == [("09:00", "13:00")]
    assert facts.open[0][1] == dt.datetime(2030, 3, 15, 20, 0, tzinfo=UTC)


def test_daily_and_monthly_closures(zentry):
    zentry["location_closures"].respond(
        json=page(
            [
                closure(
                    at(dt.date(2030, 1, 1), "09:00"), at(dt.date(2030, 1, 1), "10:00"), "Daily"
                ),
                # the 31st, monthly: February has no 31st, so its last day
                closure(
                    at(dt.date(2030, 1, 31), "16:00"), at(dt.date(2030, 1, 31), "17:00"), "Monthly"
                ),
            ]
        )
    )
    a = adapter()
    assert hours(a.day_facts(ROOM, TUESDAY).open) == [("10:00", "17:00")]
    assert hours(a.day_facts(ROOM, dt.date(2030, 2, 28)).open) == [("10:00", "16:00")]
    assert hours(a.day_facts(ROOM, dt.date(2030, 3, 31)).open) == [("10:00", "16:00")]


def test_a_room_closure_closes_only_part_of_the_day(zentry):
    zentry["room_closures"].respond(
        json=page([closure(at(MONDAY, "09:00"), at(MONDAY, "11:00"), "Weekly", room=True)])
    )
    facts = adapter().day_facts(ROOM, MONDAY + dt.timedelta(weeks=3))
    assert hours(facts.open) == [("11:00", "17:00")]
    assert "09:00" not in slots_of(facts)


def test_closures_of_other_locations_or_rooms_are_ignored(zentry):
    whole_day = (at(TUESDAY, "00:00"), at(TUESDAY + dt.timedelta(days=1), "00:00"))
    zentry["location_closures"].respond(json=page([closure(*whole_day, locationId="other")]))
    zentry["room_closures"].respond(json=page([closure(*whole_day, room=True, roomId="other")]))
    assert hours(adapter().day_facts(ROOM, TUESDAY).open) == [("09:00", "17:00")]


def test_quantity_two_with_one_booking_is_still_free_and_with_two_taken(zentry):
    one = booking(at(TUESDAY, "10:00"), at(TUESDAY, "11:00"))
    zentry["room_reservations"].respond(json=page([one]))
    facts = adapter().day_facts(ROOM, TUESDAY)
    assert facts.busy == [(at(TUESDAY, "10:00"), at(TUESDAY, "11:00"))]
    assert slots_of(facts)["10:00"] is True

    two = booking(at(TUESDAY, "10:30"), at(TUESDAY, "11:30"), status="Pending")
    zentry["room_reservations"].respond(json=page([one, two]))
    facts = adapter().day_facts(ROOM, TUESDAY)
    assert len(facts.busy) == 2
    assert slots_of(facts)["10:00"] is False
    assert slots_of(facts)["11:00"] is True  # only the second one then


def test_a_single_room_is_taken_by_one_booking(zentry):
    zentry["room"].respond(json=page([room_of(quantity=1)]))
    zentry["room_reservations"].respond(
        json=page([booking(at(TUESDAY, "14:00"), at(TUESDAY, "16:00"), status="Pending")])
    )
    facts = adapter().day_facts(ROOM, TUESDAY)
    assert facts.capacity == 1
    slots = slots_of(facts)
    assert (slots["13:00"], slots["14:00"], slots["15:00"], slots["16:00"]) == (
        True,
        False,
        False,
        True,
    )


def test_cancelled_and_other_rooms_reservations_do_not_block(zentry):
    zentry["room_reservations"].respond(
        json=page(
            [
                booking(at(TUESDAY, "10:00"), at(TUESDAY, "11:00"), status="Cancelled"),
                booking(at(TUESDAY, "12:00"), at(TUESDAY, "13:00"), roomId="other"),
                booking(at(TUESDAY, "15:00"), at(TUESDAY, "16:00"), status="Completed"),
            ]
        )
    )
    facts = adapter().day_facts(ROOM, TUESDAY)
    assert hours(facts.busy) == [("15:00", "16:00")]


def test_every_page_of_reservations_is_read(zentry):
    bookings = [
        booking(at(TUESDAY, f"{9 + i:02d}:00"), at(TUESDAY, f"{10 + i:02d}:00")) for i in range(3)
    ]

    def answer(request):
        offset = json.loads(request.content)["offset"]
        return httpx.Response(200, json=page(bookings[offset : offset + 2], offset, total=3))

    zentry["room_reservations"].side_effect = answer
    facts = adapter().day_facts(ROOM, TUESDAY)
    assert len(facts.busy) == 3
    assert [json.loads(c.request.content)["offset"] for c in zentry["room_reservations"].calls] == [
        0,
        2,
    ]


def test_fractional_and_offsetless_answer_times_are_read(zentry):
    zentry["room_reservations"].respond(
        json=page(
            [
                booking(
                    at(TUESDAY, "10:00"),
                    at(TUESDAY, "11:00"),
                    reservationDate="2030-01-08T16:00:00.0000000Z",
                    reservationEndDate="2030-01-08T17:00:00",
                )
            ]
        )
    )
    assert hours(adapter().day_facts(ROOM, TUESDAY).busy) == [("10:00", "11:00")]


def test_past_days_are_answered_as_facts(zentry):
    """Searches do not refuse the past; whether a past slot is offered is the service's
    decision (only bookings refuse past dates)."""
    past = dt.date(2019, 8, 27)
    facts = adapter().day_facts(ROOM, past)
    assert hours(facts.open) == [("09:00", "17:00")]
    now = dt.datetime(2030, 1, 1, tzinfo=UTC)
    slots = compute_slots(facts, rules={}, tz="America/Chicago", holds=[], now=now)
    assert slots and not any(s.available for s in slots)


def test_an_inactive_location_has_no_open_hours_and_sells_no_pass(zentry):
    inactive = location()
    inactive["status"] = "Inactive"
    zentry["room"].respond(json=page([room_of(inactive)]))
    zentry["location"].respond(json=page([inactive]))
    assert adapter().day_facts(ROOM, TUESDAY).open == []
    [day] = adapter().pass_days(PASS, TUESDAY, TUESDAY)
    assert day.open is False


def test_an_unknown_room_is_not_found(zentry):
    zentry["room"].respond(json=page([]))
    with pytest.raises(NotFoundError):
        adapter().day_facts(ROOM, TUESDAY)


def test_kinds_zentry_cannot_answer_are_unsupported(zentry):
    desk = ItemRef("d1", "desk", "America/Chicago", LOCATION_ID)
    with pytest.raises(UnsupportedError):
        adapter().day_facts(desk, TUESDAY)
    with pytest.raises(UnsupportedError):
        adapter().pass_days(ROOM, TUESDAY, TUESDAY)


# --- 1. errors -----------------------------------------------------------------------------


def test_server_errors_are_retried_then_transient(zentry, no_sleep):
    zentry["room_reservations"].respond(500, json={"title": "Internal Server Error"})
    with pytest.raises(TransientError):
        adapter(sleep=no_sleep).day_facts(ROOM, TUESDAY)
    # the search is safe to repeat, so the POST was retried
    assert zentry["room_reservations"].call_count == 4
    assert len(no_sleep) == 3


def test_a_timeout_is_transient(zentry, no_sleep):
    zentry["day_passes"].side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(TransientError):
        adapter(sleep=no_sleep).pass_days(PASS, TUESDAY, TUESDAY)
    assert zentry["day_passes"].call_count == 4


def test_a_refused_key_is_an_authentication_error(zentry):
    zentry["room"].respond(
        401,
        json={
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            "title": "Unauthorized",
            "status": 401,
            "detail": "The Api-Key is not valid.",
        },
    )
    with pytest.raises(AuthenticationError):
        adapter().day_facts(ROOM, TUESDAY)


def test_a_reservation_without_a_readable_date_is_malformed(zentry):
    bad = booking(at(TUESDAY, "10:00"), at(TUESDAY, "11:00"), reservationEndDate="soon")
    zentry["room_reservations"].respond(json=page([bad]))
    with pytest.raises(MalformedResponseError):
        adapter().day_facts(ROOM, TUESDAY)


def test_an_unknown_recurrence_is_malformed(zentry):
    odd = closure(at(TUESDAY, "10:00"), at(TUESDAY, "11:00"), "Fortnightly")
    zentry["location_closures"].respond(json=page([odd]))
    with pytest.raises(MalformedResponseError):
        adapter().day_facts(ROOM, TUESDAY)


# --- 1. day passes, faked HTTP --------------------------------------------------------------


def test_places_left_are_max_visitors_minus_the_days_passes(zentry):
    zentry["location"].respond(
        json=page([location(tuesday=dict(DAY, maxVisitors=3), wednesday=dict(DAY, maxVisitors=3))])
    )
    zentry["day_passes"].respond(
        json=page(
            [
                day_pass("2030-01-08T00:00:00Z"),  # 00:00Z: the calendar date 8 January
                day_pass(z(at(TUESDAY, "00:00")), status="Pending"),  # local midnight
                day_pass(z(at(TUESDAY, "00:00")), status="Cancelled"),
                day_pass("2030-01-07T00:00:00Z"),  # Monday
                day_pass(z(at(TUESDAY, "00:00")), locationId="elsewhere"),
            ]
        )
    )
    days = adapter().pass_days(PASS, MONDAY, dt.date(2030, 1, 9))

    assert [(d.day, d.open, d.remaining) for d in days] == [
        (MONDAY, True, 39),
        (TUESDAY, True, 1),
        (dt.date(2030, 1, 9), True, 3),
    ]
    asked = body_of(zentry["day_passes"])
    assert asked["locationIds"] == [LOCATION_ID]
    assert "Cancelled" not in asked["statuses"]
    assert asked["minimumReservationDate"] <= "2030-01-07T00:00:00Z"
    assert asked["maximumReservationDate"] >= z(at(dt.date(2030, 1, 10), "00:00"))


def test_a_full_day_has_no_places_left(zentry):
    zentry["location"].respond(json=page([location(tuesday=dict(DAY, maxVisitors=2))]))
    zentry["day_passes"].respond(
        json=page([day_pass("2030-01-08T00:00:00Z"), day_pass("2030-01-08T00:00:00Z")])
    )
    [day] = adapter().pass_days(PASS, TUESDAY, TUESDAY)
    assert (day.open, day.remaining) == (True, 0)  # the service closes it (remaining 0)


def test_max_visitors_null_is_no_limit(zentry):
    zentry["location"].respond(json=page([location(tuesday=dict(DAY, maxVisitors=None))]))
    [day] = adapter().pass_days(PASS, TUESDAY, TUESDAY)
    assert (day.open, day.remaining) == (True, None)


def test_closed_weekdays_and_closures_close_the_pass(zentry):
    zentry["location"].respond(
        json=page([location(sunday={"isOpen": False, "open": "00:00:00", "close": "00:00:00"})])
    )
    thursday = dt.date(2030, 1, 10)
    friday = dt.date(2030, 1, 11)
    zentry["location_closures"].respond(
        json=page(
            [
                # one-off, all of Thursday
                closure(at(thursday, "00:00"), at(friday, "00:00")),
                # weekly, part of Friday: the pass is still sold
                closure(
                    at(friday - dt.timedelta(weeks=2), "13:00"),
                    at(friday - dt.timedelta(weeks=2), "17:00"),
                    "Weekly",
                ),
                # weekly, covering Saturday's open hours
                closure(
                    at(dt.date(2030, 1, 5), "08:00"), at(dt.date(2030, 1, 5), "18:00"), "Weekly"
                ),
            ]
        )
    )
    days = {
        d.day.strftime("%a"): (d.open, d.remaining)
        for d in adapter().pass_days(PASS, TUESDAY, dt.date(2030, 1, 14))
    }
    assert days == {
        "Tue": (True, 40),
        "Wed": (True, 40),
        "Thu": (False, 0),
        "Fri": (True, 40),
        "Sat": (False, 0),
        "Sun": (False, 0),
        "Mon": (True, 40),
    }


def test_pass_days_over_a_dst_change(zentry):
    zentry["location"].respond(json=page([location("America/New_York")]))
    # the day pass for Monday after the change, as a local midnight (EDT: 04:00Z)
    zentry["day_passes"].respond(json=page([day_pass("2030-03-11T04:00:00Z")]))
    days = adapter().pass_days(PASS, SPRING_FORWARD, dt.date(2030, 3, 11))
    assert [(d.day, d.remaining) for d in days] == [
        (SPRING_FORWARD, 40),
        (dt.date(2030, 3, 11), 39),
    ]


def test_an_empty_range_asks_nothing(zentry):
    assert adapter().pass_days(PASS, TUESDAY, MONDAY) == []
    assert not zentry["location"].called


# --- 2. against the sandbox -----------------------------------------------------------------


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["zentry"]


@pytest.fixture
def account(sandbox_accounts) -> AccountConfig:
    [account] = sandbox_accounts["zentry"]
    return account


@pytest.fixture
def sandbox_adapter(account, sandbox_transport):
    with adapter_for(account, transport=sandbox_transport) as a:
        yield a


@pytest.fixture
def checkins(account, sandbox_transport):
    with httpx.Client(
        transport=sandbox_transport,
        base_url=account.config["checkins_url"],
        headers={"Api-Key": account.credentials["api_key"]},
    ) as client:
        yield client


def parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def location_of(state, location_id) -> dict:
    return next(loc for loc in state["locations"] if loc["id"] == location_id)


def room_ref(state, room_id) -> ItemRef:
    room = next(r for r in state["rooms"] if r["id"] == room_id)
    loc = location_of(state, room["locationId"])
    return ItemRef(
        external_id=room_id,
        kind="meeting_room",
        timezone=loc["timeZone"],
        space_external_id=loc["id"],
        raw={"room_id": room_id, "location_id": loc["id"]},
        quantity=room["quantity"],
    )


def pass_ref(state, location_id) -> ItemRef:
    loc = location_of(state, location_id)
    return ItemRef(
        external_id=location_id,
        kind="day_pass",
        timezone=loc["timeZone"],
        space_external_id=location_id,
        raw={"location_id": location_id},
    )


def seeded_room_booking(state, status="Approved") -> dict:
    return next(
        r for r in state["reservations"] if r["reservationType"] == "Room" and r["status"] == status
    )


def book_room(checkins, account, room: dict, start: dt.datetime, end: dt.datetime) -> dict:
    response = checkins.post(
        "/Reservation/create/room",
        json={
            "userId": account.config["user_id"],
            "tenantId": account.config["tenant_id"],
            "locationId": room["locationId"],
            "roomId": room["id"],
            "reservationDate": z(start),
            "reservationEndDate": z(end),
            "numberOfGuests": 1,
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def book_pass(checkins, account, location_id: str, day: dt.date) -> dict:
    response = checkins.post(
        "/Reservation/create/daypass",
        json={
            "userId": account.config["user_id"],
            "tenantId": account.config["tenant_id"],
            "locationId": location_id,
            "reservationDate": day.isoformat(),
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def cancel(checkins, reservation_id: str) -> None:
    response = checkins.request("DELETE", "/Reservation", json={"reservationId": reservation_id})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "Cancelled"


def test_every_seeded_room_booking_shows_as_it_holds(state, sandbox_adapter):
    for reservation in (r for r in state["reservations"] if r["reservationType"] == "Room"):
        ref = room_ref(state, reservation["roomId"])
        zone = ZoneInfo(ref.timezone)
        start = parse(reservation["reservationDate"])
        end = parse(reservation["reservationEndDate"])
        facts = sandbox_adapter.day_facts(ref, start.astimezone(zone).date())
        shown = (start, end) in facts.busy
        assert shown == (reservation["status"] != "Cancelled"), reservation["id"]


def test_a_room_follows_bookings_and_cancellations_at_the_sandbox(
    state, account, sandbox_adapter, checkins
):
    seeded = seeded_room_booking(state)  # Hudson: quantity 2, one unit booked
    room = next(r for r in state["rooms"] if r["id"] == seeded["roomId"])
    ref = room_ref(state, room["id"])
    zone = ZoneInfo(ref.timezone)
    start, end = parse(seeded["reservationDate"]), parse(seeded["reservationEndDate"])
    day = start.astimezone(zone).date()
    assert room["quantity"] == 2

    facts = sandbox_adapter.day_facts(ref, day)
    assert facts.capacity == room["quantity"]
    assert facts.busy.count((start, end)) == 1
    assert slots_of(facts, ref.timezone)[start.astimezone(zone).strftime("%H:%M")] is True

    second = book_room(checkins, account, room, start, end)
    facts = sandbox_adapter.day_facts(ref, day)
    assert facts.busy.count((start, end)) == 2
    assert slots_of(facts, ref.timezone)[start.astimezone(zone).strftime("%H:%M")] is False

    cancel(checkins, second["id"])
    facts = sandbox_adapter.day_facts(ref, day)
    assert facts.busy.count((start, end)) == 1


def test_room_open_windows_agree_with_the_sandboxs_is_open(
    state, sandbox_adapter, account, sandbox_transport
):
    """Every open hour of the next five weeks, for every room, as GET /Room/is-open says."""
    today = dt.date.today()
    with httpx.Client(
        transport=sandbox_transport,
        base_url=account.config["workspaces_url"],
        headers={"Api-Key": account.credentials["api_key"]},
    ) as ws:
        for room in state["rooms"]:
            loc = location_of(state, room["locationId"])
            if loc["status"] != "Active":
                continue
            ref = room_ref(state, room["id"])
            zone = ZoneInfo(ref.timezone)
            for offset in range(0, 35):
                day = today + dt.timedelta(days=offset)
                facts = sandbox_adapter.day_facts(ref, day)
                for hour in range(0, 24):
                    moment = dt.datetime.combine(day, dt.time(hour, 30), zone)
                    said = ws.get(
                        "/Room/is-open", params={"Id": room["id"], "Date": z(moment)}
                    ).json()["isOpen"]
                    ours = any(s <= moment < e for s, e in facts.open)
                    assert ours == said, (room["name"], moment)


def test_the_seeded_closures_show_in_the_facts(state, sandbox_adapter):
    today = dt.date.today()
    # the LA weekly Friday closure 13:00-17:00 local
    la_closure = next(c for c in state["locationClosures"] if c["recurrence"] == "Weekly")
    la = location_of(state, la_closure["locationId"])
    la_zone = ZoneInfo(la["timeZone"])
    la_room = next(r for r in state["rooms"] if r["locationId"] == la["id"])
    closes_at = parse(la_closure["dateRange"]["from"]).astimezone(la_zone)
    friday = today + dt.timedelta(days=(closes_at.weekday() - today.weekday()) % 7 or 7)
    facts = sandbox_adapter.day_facts(room_ref(state, la_room["id"]), friday)
    assert facts.open and facts.open[-1][1].astimezone(la_zone).time() == closes_at.time()

    # the NY one-off full-day closure
    one_off = next(
        c
        for c in state["locationClosures"]
        if c["recurrence"] == "None" and location_of(state, c["locationId"])["status"] == "Active"
    )
    ny = location_of(state, one_off["locationId"])
    ny_room = next(r for r in state["rooms"] if r["locationId"] == ny["id"])
    holiday = parse(one_off["dateRange"]["from"]).astimezone(ZoneInfo(ny["timeZone"])).date()
    assert sandbox_adapter.day_facts(room_ref(state, ny_room["id"]), holiday).open == []
    [pass_day] = sandbox_adapter.pass_days(pass_ref(state, ny["id"]), holiday, holiday)
    assert pass_day.open is False


def expected_remaining(state, location_id: str, day: dt.date) -> int | None:
    loc = location_of(state, location_id)
    limit = loc["schedule"][DAYS[day.weekday()]]["maxVisitors"]
    if limit is None:
        return None
    zone = ZoneInfo(loc["timeZone"])
    taken = 0
    for r in state["reservations"]:
        if r["reservationType"] != "DayPass" or r["locationId"] != location_id:
            continue
        if r["status"] == "Cancelled":
            continue
        stamp = parse(r["reservationDate"])
        booked = stamp.date() if stamp.time() == dt.time(0) else stamp.astimezone(zone).date()
        taken += booked == day
    return max(0, limit - taken)


def test_pass_days_agree_with_the_sandbox_state_and_is_open(
    state, sandbox_adapter, account, sandbox_transport
):
    today = dt.date.today()
    start, end = today - dt.timedelta(days=10), today + dt.timedelta(days=30)
    with httpx.Client(
        transport=sandbox_transport,
        base_url=account.config["workspaces_url"],
        headers={"Api-Key": account.credentials["api_key"]},
    ) as ws:
        for loc in state["locations"]:
            days = sandbox_adapter.pass_days(pass_ref(state, loc["id"]), start, end)
            assert [d.day for d in days] == [
                start + dt.timedelta(days=i) for i in range((end - start).days + 1)
            ]
            for d in days:
                said = ws.get(
                    "/Location/is-open", params={"Id": loc["id"], "Date": d.day.isoformat()}
                )
                assert d.open == said.json()["isOpen"], (loc["name"], d.day)
                if d.open:
                    assert d.remaining == expected_remaining(state, loc["id"], d.day)


def test_a_pass_day_follows_bookings_until_full_and_cancellations(
    state, account, sandbox_adapter, checkins
):
    # the seeded day with the fewest places left (LA: maxVisitors 3, two taken)
    seeded = [
        r
        for r in state["reservations"]
        if r["reservationType"] == "DayPass" and r["status"] in ("Pending", "Approved")
    ]
    candidates = {(r["locationId"], r["_day"]) for r in seeded}
    location_id, day = min(
        ((loc, dt.date.fromisoformat(d)) for loc, d in candidates),
        key=lambda c: expected_remaining(state, *c),
    )
    ref = pass_ref(state, location_id)
    [before] = sandbox_adapter.pass_days(ref, day, day)
    assert before.open and before.remaining == expected_remaining(state, location_id, day)
    assert before.remaining >= 1

    made = [book_pass(checkins, account, location_id, day) for _ in range(before.remaining)]
    [full] = sandbox_adapter.pass_days(ref, day, day)
    assert (full.open, full.remaining) == (True, 0)
    # the sandbox agrees: one more is refused
    refused = checkins.post(
        "/Reservation/create/daypass",
        json={
            "userId": account.config["user_id"],
            "tenantId": account.config["tenant_id"],
            "locationId": location_id,
            "reservationDate": day.isoformat(),
        },
    )
    assert refused.status_code == 400

    cancel(checkins, made[0]["id"])
    [after] = sandbox_adapter.pass_days(ref, day, day)
    assert after.remaining == 1


# --- 3. through the availability service -----------------------------------------------------


@pytest.fixture
def catalogue(account, sandbox_transport, monkeypatch):
    cache.clear()
    row = ProviderAccount.objects.create(
        kind=account.kind, name=account.name, config=account.config, credentials=account.credentials
    )
    with adapter_for(account, transport=sandbox_transport) as a:
        apply_catalogue(row, a.fetch_catalogue())
    real_adapter_for = providers.availability.adapter_for
    monkeypatch.setattr(
        providers.availability,
        "adapter_for",
        lambda acc, **kw: real_adapter_for(acc, **kw, transport=sandbox_transport),
    )
    return row


def slot_at(answer, start: dt.datetime):
    return next(s for s in answer.slots if s.start == start)


@pytest.mark.django_db
def test_the_service_shows_a_shared_room_free_then_taken(state, account, catalogue, checkins):
    seeded = seeded_room_booking(state)
    resource = Resource.objects.get(external_id=seeded["roomId"], space__account=catalogue)
    zone = ZoneInfo(resource.space.timezone)
    start, end = parse(seeded["reservationDate"]), parse(seeded["reservationEndDate"])
    day = start.astimezone(zone).date()

    answer = bookings.availability.resource_day(resource, day)
    assert answer.known and answer.source == "live"
    slot = slot_at(answer, start)
    assert (slot.available, slot.remaining) == (True, 1)  # one of the two units left

    room = next(r for r in state["rooms"] if r["id"] == resource.external_id)
    book_room(checkins, account, room, start, end)
    cache.clear()
    slot = slot_at(bookings.availability.resource_day(resource, day), start)
    assert (slot.available, slot.remaining) == (False, 0)


@pytest.mark.django_db
def test_the_service_shows_a_pending_booking_as_taken(state, catalogue):
    pending = seeded_room_booking(state, status="Pending")
    resource = Resource.objects.get(external_id=pending["roomId"], space__account=catalogue)
    zone = ZoneInfo(resource.space.timezone)
    start, end = parse(pending["reservationDate"]), parse(pending["reservationEndDate"])

    answer = bookings.availability.resource_day(resource, start.astimezone(zone).date())

    assert answer.slots
    for slot in answer.slots:
        overlaps = slot.start < end and slot.end > start
        assert slot.available is not overlaps, slot
        assert slot.start.tzinfo is not None


@pytest.mark.django_db
def test_the_service_shows_no_slots_on_a_closed_day(state, catalogue):
    resource = Resource.objects.filter(space__account=catalogue).first()
    loc = location_of(state, resource.space.external_id)
    today = dt.date.today()
    closed = next(
        today + dt.timedelta(days=i)
        for i in range(1, 8)
        if not loc["schedule"][DAYS[(today + dt.timedelta(days=i)).weekday()]]["isOpen"]
    )
    answer = bookings.availability.resource_day(resource, closed)
    assert answer.known and answer.slots == []


@pytest.mark.django_db
def test_the_service_closes_a_pass_day_once_full(state, account, catalogue, checkins):
    seeded = [
        r
        for r in state["reservations"]
        if r["reservationType"] == "DayPass" and r["status"] in ("Pending", "Approved")
    ]
    location_id, day = min(
        {(r["locationId"], dt.date.fromisoformat(r["_day"])) for r in seeded},
        key=lambda c: expected_remaining(state, *c),
    )
    offer = Offer.objects.get(external_id=location_id, space__account=catalogue)
    left = expected_remaining(state, location_id, day)

    answer = bookings.availability.pass_days(offer, day, day)
    assert answer.known
    assert [(d.day, d.open, d.remaining) for d in answer.days] == [(day, True, left)]

    for _ in range(left):
        book_pass(checkins, account, location_id, day)
    cache.clear()
    answer = bookings.availability.pass_days(offer, day, day)
    assert [(d.day, d.open, d.remaining) for d in answer.days] == [(day, False, 0)]


@pytest.mark.django_db
def test_the_service_reports_unknown_when_zentry_fails(catalogue, monkeypatch, no_sleep):
    def failing(request):
        return httpx.Response(503, json={"title": "Service Unavailable"})

    broken = httpx.MockTransport(failing)
    real_adapter_for = adapter_for
    monkeypatch.setattr(
        providers.availability,
        "adapter_for",
        lambda acc, **kw: real_adapter_for(acc, **kw, transport=broken, sleep=no_sleep),
    )
    resource = Resource.objects.filter(space__account=catalogue).first()
    answer = bookings.availability.resource_day(resource, dt.date.today() + dt.timedelta(days=1))
    assert answer.known is False and answer.slots == []
