"""Thia availability: ``day_facts`` (meeting-room products) and ``pass_days`` (desk products).

(1) the document's example answers, faked at the transport; (2) the sandbox in-process,
expectations derived from its state; (3) through ``providers.availability``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core.cache import cache

import bookings.availability
import providers.availability
from providers import services
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import AccountConfig, ItemRef, ResourceData
from providers.models import Offer, ProviderAccount, Resource
from providers.ratelimit import LocalRateLimiter
from providers.vendors.thia.adapter import ThiaAdapter
from sandbox import thia_seed

BUCHAREST = ZoneInfo("Europe/Bucharest")
UTC = dt.UTC
BASE = "https://thia.work/api/v1/partner"
ACCOUNT = AccountConfig(
    kind="thia",
    name="Thia — doc",
    config={"base_url": BASE},
    credentials={"api_key": "pk_doc", "api_secret": "sk_doc"},
)

# --- the document's example answers ------------------------------------------------------

# GET /space/meeting-room-availability?date=2024-03-15&product_id=5
DOC_SLOTS = {
    "available_slots": [
        "09:00 - 10:00",
        "10:00 - 11:00",
        "12:00 - 13:00",
        "14:00 - 15:00",
        "15:00 - 16:00",
        "17:00 - 18:00",
    ]
}
DOC_NO_SLOTS = {"available_slots": []}
DOC_WRONG_SEATING = {
    "error": "Product does not have the correct seating option",
    "message": "Product does not have the correct seating option",
}
DOC_ROOM_VALIDATION = {
    "error": "The date field is required.",
    "message": "The date field is required.",
}
DOC_PRODUCT_NOT_FOUND = {
    "error": "Product not found or does not belong to this space",
    "message": "Product not found or does not belong to this space",
}
# GET /space/desk-availability?date=2024-03-20
DOC_DESKS = {"total_existing_desks": 30, "total_booked_desks": 15, "available_desks": 15}
DOC_DESK_PAST_DATE = {
    "error": "The given data was invalid.",
    "message": "The date must be a date after or equal to 2024-03-15.",
    "errors": {"date": ["The date must be a date after or equal to 2024-03-15."]},
}
DOC_INVALID_CREDENTIALS = {
    "error": "Invalid API credentials",
    "message": "The provided API key and secret combination is invalid",
}
DOC_NOT_PARTNER = {"error": "Access denied", "message": "This API is only available for partners"}

# The document's room "Conference Room A" (08:00-20:00) sold by product 5, every day.
ROOM = ItemRef(
    external_id="5",
    kind="meeting_room",
    timezone="Europe/Bucharest",
    space_external_id="1",
    raw={
        "product_id": 5,
        "meeting_room_id": 1,
        "available_from": "08:00:00",
        "available_to": "20:00:00",
        "weekdays": [],
    },
    rules={"windows": {"daily": {"from": "08:00", "to": "20:00"}, "weekdays": []}},
)
HOT_DESK = ItemRef(
    external_id="1",
    kind="hot_desk",
    timezone="Europe/Bucharest",
    space_external_id="1",
    raw={"product_id": 1, "seating_option_id": 2, "weekdays": [1, 2, 3, 4, 5]},
)
DAY_PASS = ItemRef(
    external_id="3",
    kind="day_pass",
    timezone="Europe/Bucharest",
    space_external_id="1",
    raw={"product_id": 3, "seating_option_id": 1, "weekdays": None, "available_from": None},
)


def room(**raw) -> ItemRef:
    return ItemRef(**{**ROOM.__dict__, "raw": {**ROOM.raw, **raw}})


def make(handler, no_sleep=None) -> ThiaAdapter:
    return ThiaAdapter(
        ACCOUNT,
        transport=httpx.MockTransport(handler),
        limiter=LocalRateLimiter(),
        sleep=no_sleep if no_sleep is not None else (lambda s: None),
    )


def answer(body, status=200, seen=None):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return handler


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), BUCHAREST)


def hours_of(slots) -> list[tuple[int, bool]]:
    return [(start.hour, free) for start, _end, free in slots]


def real_length(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    return end.astimezone(UTC) - start.astimezone(UTC)


# --- (1) day_facts, faked transport ----------------------------------------------------------

FRIDAY = dt.date(2024, 3, 15)  # the document's example date


def test_document_example_every_hour_of_the_room_listed_free_or_taken():
    seen: list[httpx.Request] = []
    facts = make(answer(DOC_SLOTS, seen=seen)).day_facts(ROOM, FRIDAY)
    [request] = seen
    assert request.url.path == "/api/v1/partner/space/meeting-room-availability"
    assert dict(request.url.params) == {"date": "2024-03-15", "product_id": "5"}
    assert request.headers["X-API-Key"] == "pk_doc"
    assert request.headers["X-API-Secret"] == "sk_doc"
    free = {9, 10, 12, 14, 15, 17}
    assert hours_of(facts.slots) == [(h, h in free) for h in range(8, 20)]
    for start, end, _free in facts.slots:
        assert start.tzinfo is not None and end.tzinfo is not None
        assert start.utcoffset() == dt.timedelta(hours=2)  # EET in March before the change
        assert real_length(start, end) == dt.timedelta(hours=1)
    assert facts.open == [] and facts.busy == []


def test_fully_booked_day_is_every_hour_taken():
    facts = make(answer(DOC_NO_SLOTS)).day_facts(ROOM, FRIDAY)
    assert hours_of(facts.slots) == [(h, False) for h in range(8, 20)]


def test_null_slot_list_counts_as_none_free():
    facts = make(answer({"available_slots": None})).day_facts(ROOM, FRIDAY)
    assert [free for *_, free in facts.slots] == [False] * 12


def test_weekday_the_product_is_not_sold_has_no_slots_and_asks_nothing():
    seen: list[httpx.Request] = []
    weekdays_room = room(weekdays=[1, 2, 3, 4, 5])  # ISO Mon..Fri
    adapter = make(answer(DOC_SLOTS, seen=seen))
    assert adapter.day_facts(weekdays_room, dt.date(2024, 3, 16)).slots == []  # Saturday
    assert adapter.day_facts(weekdays_room, dt.date(2024, 3, 17)).slots == []  # Sunday
    assert seen == []
    assert len(adapter.day_facts(weekdays_room, FRIDAY).slots) == 12
    assert len(seen) == 1


def test_room_open_around_the_clock_has_24_slots_ending_at_midnight():
    listed = {"available_slots": [f"{h:02d}:00 - {(h + 1) % 24:02d}:00" for h in range(24)]}
    facts = make(answer(listed)).day_facts(
        room(available_from="00:00:00", available_to="00:00:00"), FRIDAY
    )
    assert hours_of(facts.slots) == [(h, True) for h in range(24)]
    last_start, last_end, _ = facts.slots[-1]
    assert last_start == local(FRIDAY, 23)
    assert last_end == local(FRIDAY + dt.timedelta(days=1), 0)


def test_hours_not_on_the_hour_start_at_the_next_whole_hour():
    facts = make(answer(DOC_NO_SLOTS)).day_facts(
        room(available_from="08:30:00", available_to="12:45:00"), FRIDAY
    )
    assert [h for h, _ in hours_of(facts.slots)] == [9, 10, 11]


def test_hours_come_from_the_rules_when_raw_lacks_them():
    legacy = ItemRef(**{**ROOM.__dict__, "raw": {"product_id": 5, "meeting_room_id": 1}})
    legacy = ItemRef(
        **{
            **legacy.__dict__,
            "rules": {"windows": {"daily": {"from": "09:00", "to": "12:00"}, "weekdays": [0]}},
        }
    )
    adapter = make(answer({"available_slots": ["09:00 - 10:00", "10:00 - 11:00"]}))
    assert hours_of(adapter.day_facts(legacy, dt.date(2024, 3, 18)).slots) == [
        (9, True),
        (10, True),
        (11, False),
    ]
    assert adapter.day_facts(legacy, dt.date(2024, 3, 19)).slots == []  # a Tuesday


def test_a_listed_slot_outside_the_stored_hours_is_kept_free():
    # the room's hours changed at Thia since the last catalogue sync: Thia's list wins
    facts = make(answer({"available_slots": ["07:00 - 08:00", "09:00 - 10:00"]})).day_facts(
        ROOM, FRIDAY
    )
    assert hours_of(facts.slots)[:3] == [(7, True), (8, False), (9, True)]


SPRING = dt.date(2030, 3, 31)  # last Sunday of March: 03:00 EET -> 04:00 EEST
AUTUMN = dt.date(2030, 10, 27)  # last Sunday of October: 04:00 EEST -> 03:00 EET


def test_spring_forward_day_slots_have_summer_offsets():
    facts = make(answer(DOC_SLOTS)).day_facts(ROOM, SPRING)
    assert [s.utcoffset() for s, _e, _f in facts.slots] == [dt.timedelta(hours=3)] * 12
    assert facts.slots[0][0].astimezone(UTC) == dt.datetime(2030, 3, 31, 5, tzinfo=UTC)


def test_spring_forward_day_around_the_clock_is_23_hours_without_0300():
    listed = {"available_slots": [f"{h:02d}:00 - {(h + 1) % 24:02d}:00" for h in range(24)]}
    facts = make(answer(listed)).day_facts(
        room(available_from="00:00:00", available_to="00:00:00"), SPRING
    )
    hours = [h for h, _ in hours_of(facts.slots)]
    assert 3 not in hours and len(hours) == 23
    assert facts.slots[2][0].utcoffset() == dt.timedelta(hours=2)  # 02:00 EET
    assert facts.slots[3][0].utcoffset() == dt.timedelta(hours=3)  # 04:00 EEST
    assert all(real_length(s, e) == dt.timedelta(hours=1) for s, e, _ in facts.slots)
    # contiguous in real time and 23 hours long in all
    for (_, end, _f), (start, _e, _g) in zip(facts.slots, facts.slots[1:], strict=False):
        assert end.astimezone(UTC) == start.astimezone(UTC)
    assert real_length(facts.slots[0][0], facts.slots[-1][1]) == dt.timedelta(hours=23)


def test_fall_back_day_around_the_clock_is_25_hours():
    facts = make(answer(DOC_NO_SLOTS)).day_facts(
        room(available_from="00:00:00", available_to="00:00:00"), AUTUMN
    )
    assert len(facts.slots) == 24
    three_start, three_end, _ = facts.slots[3]
    # "03:00 - 04:00" runs from the first 03:00 (EEST) to 04:00 (EET): two real hours
    assert three_start.astimezone(UTC) == dt.datetime(2030, 10, 27, 0, tzinfo=UTC)
    assert three_end.astimezone(UTC) == dt.datetime(2030, 10, 27, 2, tzinfo=UTC)
    assert facts.slots[2][0].utcoffset() == dt.timedelta(hours=3)
    assert facts.slots[4][0].utcoffset() == dt.timedelta(hours=2)
    assert real_length(facts.slots[0][0], facts.slots[-1][1]) == dt.timedelta(hours=25)


def test_fall_back_day_office_hours_have_winter_offsets():
    facts = make(answer(DOC_SLOTS)).day_facts(ROOM, AUTUMN)
    assert [s.utcoffset() for s, _e, _f in facts.slots] == [dt.timedelta(hours=2)] * 12
    assert hours_of(facts.slots)[1] == (9, True)


@pytest.mark.parametrize(
    "body",
    [
        {"available_slots": "09:00 - 10:00"},
        {"available_slots": ["9-10"]},
        {"available_slots": ["25:00 - 26:00"]},
        {"available_slots": [9]},
        ["09:00 - 10:00"],
    ],
)
def test_answers_not_as_documented_are_malformed(body):
    with pytest.raises(MalformedResponseError):
        make(answer(body)).day_facts(ROOM, FRIDAY)


def test_past_date_is_rejected_with_thias_message():
    # doc: "Past dates are not allowed"; this endpoint's 400 has error == message
    body = {
        "error": "The date must be a date after or equal to 2024-03-15.",
        "message": "The date must be a date after or equal to 2024-03-15.",
    }
    with pytest.raises(RejectedError) as caught:
        make(answer(body, 400)).day_facts(ROOM, dt.date(2024, 3, 14))
    assert caught.value.status == 400
    assert caught.value.message == "The date must be a date after or equal to 2024-03-15."


def test_validation_and_wrong_product_errors():
    with pytest.raises(RejectedError) as caught:
        make(answer(DOC_ROOM_VALIDATION, 400)).day_facts(ROOM, FRIDAY)
    assert caught.value.message == "The date field is required."
    with pytest.raises(RejectedError) as caught:
        make(answer(DOC_WRONG_SEATING, 400)).day_facts(ROOM, FRIDAY)
    assert caught.value.message == "Product does not have the correct seating option"
    with pytest.raises(NotFoundError) as caught:
        make(answer(DOC_PRODUCT_NOT_FOUND, 404)).day_facts(ROOM, FRIDAY)
    assert caught.value.message == "Product not found or does not belong to this space"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_then_transient(status, no_sleep):
    seen: list[httpx.Request] = []
    with pytest.raises(TransientError):
        make(
            answer({"error": "Server Error", "message": "oops"}, status, seen), no_sleep
        ).day_facts(ROOM, FRIDAY)
    assert len(seen) == ThiaAdapter.max_attempts
    assert len(no_sleep) == ThiaAdapter.max_attempts - 1


def test_timeout_is_transient(no_sleep):
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(TransientError):
        make(handler, no_sleep).day_facts(ROOM, FRIDAY)


def test_rate_limited_then_answered_honours_retry_after(no_sleep):
    answers = iter(
        [
            httpx.Response(
                429,
                json={"error": "Too Many Requests", "message": "Rate limit exceeded."},
                headers={"Retry-After": "7"},
            ),
            httpx.Response(200, json=DOC_SLOTS),
        ]
    )
    facts = make(lambda request: next(answers), no_sleep).day_facts(ROOM, FRIDAY)
    assert len(facts.slots) == 12
    assert 7 <= no_sleep[0] <= 7.25


@pytest.mark.parametrize(
    ("body", "status"), [(DOC_INVALID_CREDENTIALS, 401), (DOC_NOT_PARTNER, 403)]
)
def test_credentials_refused_is_an_authentication_error(body, status):
    with pytest.raises(AuthenticationError) as caught:
        make(answer(body, status)).day_facts(ROOM, FRIDAY)
    assert caught.value.message == body["message"]


def test_only_meeting_rooms_have_day_facts_and_only_passes_pass_days():
    adapter = make(answer(DOC_SLOTS))
    with pytest.raises(UnsupportedError):
        adapter.day_facts(ItemRef(**{**ROOM.__dict__, "kind": "desk"}), FRIDAY)
    with pytest.raises(UnsupportedError):
        adapter.pass_days(ROOM, FRIDAY, FRIDAY)
    with pytest.raises(UnsupportedError):
        adapter.pass_days(ItemRef(**{**HOT_DESK.__dict__, "kind": "membership"}), FRIDAY, FRIDAY)


# --- (1) pass_days, faked transport ----------------------------------------------------------

MONDAY = dt.date(2024, 3, 18)


def desks_by_date(available: dict[str, int], seen=None):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        day = request.url.params["date"]
        free = available.get(day, 15)
        return httpx.Response(
            200,
            json={
                "total_existing_desks": 30,
                "total_booked_desks": 30 - free,
                "available_desks": free,
            },
        )

    return handler


def test_document_example_desks_left_each_day():
    seen: list[httpx.Request] = []
    days = make(answer(DOC_DESKS, seen=seen)).pass_days(DAY_PASS, MONDAY, MONDAY)
    assert [(d.day, d.open, d.remaining) for d in days] == [(MONDAY, True, 15)]
    [request] = seen
    assert request.url.path == "/api/v1/partner/space/desk-availability"
    assert dict(request.url.params) == {"date": "2024-03-18"}


def test_a_fortnight_is_one_call_a_day_with_weekdays_and_a_full_day():
    seen: list[httpx.Request] = []
    end = MONDAY + dt.timedelta(days=13)
    adapter = make(desks_by_date({"2024-03-20": 0}, seen))
    days = adapter.pass_days(HOT_DESK, MONDAY, end)
    assert len(seen) == 14
    assert [d.day for d in days] == [MONDAY + dt.timedelta(days=i) for i in range(14)]
    by_day = {d.day: d for d in days}
    wednesday = dt.date(2024, 3, 20)
    assert (by_day[wednesday].open, by_day[wednesday].remaining) == (False, 0)  # fully booked
    saturday = dt.date(2024, 3, 23)
    # ISO weekdays [1..5]: not sold on the weekend, even with desks free
    assert (by_day[saturday].open, by_day[saturday].remaining) == (False, 15)
    assert by_day[dt.date(2024, 3, 24)].open is False
    assert all(d.open for d in days if d.day.weekday() < 5 and d.day != wednesday)
    # a day pass has no weekdays: every day with a desk left
    days = make(desks_by_date({"2024-03-20": 0})).pass_days(DAY_PASS, MONDAY, end)
    assert [d.open for d in days] == [d.day != wednesday for d in days]


def test_product_not_sold_before_its_available_from_date():
    later = ItemRef(
        **{**DAY_PASS.__dict__, "raw": {**DAY_PASS.raw, "available_from": "2024-03-20"}}
    )
    days = make(desks_by_date({})).pass_days(later, MONDAY, MONDAY + dt.timedelta(days=3))
    assert [d.open for d in days] == [False, False, True, True]


class FakeClock:
    """A monotonic clock that a fake ``sleep`` moves forward."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_more_than_62_days_is_refused_without_a_call():
    seen: list[httpx.Request] = []
    adapter = make(desks_by_date({}, seen))
    with pytest.raises(RejectedError):
        adapter.pass_days(DAY_PASS, MONDAY, MONDAY + dt.timedelta(days=62))
    assert seen == []
    assert adapter.pass_days(DAY_PASS, MONDAY, MONDAY - dt.timedelta(days=1)) == []


def test_62_days_stay_within_the_client_side_rate_limit():
    # doc: "60 requests per minute per API key"; the adapter keeps 55 a minute
    clock, times = FakeClock(), []

    def handler(request):
        times.append(clock.now)
        return httpx.Response(200, json=DOC_DESKS)

    adapter = ThiaAdapter(
        ACCOUNT,
        transport=httpx.MockTransport(handler),
        limiter=LocalRateLimiter(clock=clock),
        sleep=clock.sleep,
    )
    days = adapter.pass_days(DAY_PASS, MONDAY, MONDAY + dt.timedelta(days=61))
    assert len(days) == len(times) == 62
    assert clock.sleeps, "the 56th call waited for the window"
    assert all(sum(1 for t in times if s <= t < s + 60) <= 55 for s in times)


def test_desk_past_date_is_rejected_with_thias_message():
    with pytest.raises(RejectedError) as caught:
        make(answer(DOC_DESK_PAST_DATE, 400)).pass_days(DAY_PASS, dt.date(2024, 3, 14), MONDAY)
    assert caught.value.message == "The date must be a date after or equal to 2024-03-15."
    assert caught.value.code == "The given data was invalid."


@pytest.mark.parametrize(
    "body",
    [
        {"total_existing_desks": 30, "total_booked_desks": 15},
        {"available_desks": "15"},
        {"available_desks": -1},
        {"available_desks": True},
        {"data": DOC_DESKS},
    ],
)
def test_desk_answers_not_as_documented_are_malformed(body):
    with pytest.raises(MalformedResponseError):
        make(answer(body)).pass_days(DAY_PASS, MONDAY, MONDAY)


def test_desk_errors(no_sleep):
    with pytest.raises(TransientError):
        make(answer({"error": "x", "message": "x"}, 503), no_sleep).pass_days(
            DAY_PASS, MONDAY, MONDAY
        )
    with pytest.raises(AuthenticationError):
        make(answer(DOC_INVALID_CREDENTIALS, 401)).pass_days(DAY_PASS, MONDAY, MONDAY)


# --- (2) against the sandbox in-process ------------------------------------------------------


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["thia"]


@pytest.fixture
def accounts(sandbox_accounts):
    return {a.credentials["api_key"]: a for a in sandbox_accounts["thia"]}


def adapter(account, transport) -> ThiaAdapter:
    # a fresh client-side window: the process-wide one is shared with other tests
    return adapter_for(account, transport=transport, limiter=LocalRateLimiter())


def bucharest_today(sandbox) -> dt.date:
    return sandbox.clock().astimezone(BUCHAREST).date()


def days_from(sandbox, first: int, last: int) -> list[dt.date]:
    """Seed days T+first..T+last that the sandbox still accepts (today or later)."""
    today = bucharest_today(sandbox)
    days = [sandbox.store.today + dt.timedelta(days=n) for n in range(first, last + 1)]
    return [d for d in days if d >= today]


def ref(resource: ResourceData, space_id: str, kind: str | None = None) -> ItemRef:
    return ItemRef(
        external_id=resource.external_id,
        kind=kind or resource.kind,
        timezone="Europe/Bucharest",
        space_external_id=space_id,
        raw=resource.raw,
        rules=getattr(resource, "rules", {}),
    )


def catalogue_refs(account, transport):
    with adapter(account, transport) as thia:
        [space] = thia.fetch_catalogue().spaces
    rooms = {r.external_id: ref(r, space.external_id) for r in space.resources}
    passes = {o.external_id: ref(o, space.external_id) for o in space.offers}
    return rooms, passes


def sandbox_room_hours(state, product_id: str, day: dt.date) -> tuple[set[int], set[int]]:
    """(hours of the room, hours taken by active bookings) from the sandbox state."""
    [product] = [p for p in state["products"] if str(p["id"]) == product_id]
    [room_row] = [
        r for r in state["meeting_rooms"] if r["id"] == product["settings"]["meeting_room_id"]
    ]
    opens = dt.time.fromisoformat(room_row["available_from"])
    closes = dt.time.fromisoformat(room_row["available_to"])
    first = opens.hour + (1 if opens.minute else 0)
    hours = {h for h in range(first, 24) if (h + 1) * 60 <= closes.hour * 60 + closes.minute}
    taken = {
        int(slot[:2])
        for b in state["bookings"]
        if b["meeting_room_id"] == room_row["id"]
        and b["date"] == day.isoformat()
        and b["status"] == "active"
        for slot in b["slots"]
    }
    return hours, taken


def sandbox_desks_left(sandbox, state, space_id: int, day: dt.date) -> int:
    """Desks minus the codes Thia counts on ``day`` (active/inactive, validity on the day)."""
    [space] = [s for s in state["spaces"] if s["id"] == space_id]
    now = sandbox.clock().astimezone(BUCHAREST).replace(tzinfo=None)
    counted = 0
    for code in state["access_codes"]:
        if code["space_id"] != space_id or code["status"] in ("canceled", "expired"):
            continue
        valid_from = dt.datetime.fromisoformat(code["valid_from"])
        valid_to = dt.datetime.fromisoformat(code["valid_to"])
        if valid_to < now:
            continue  # expired by the clock
        if valid_from.date() <= day <= valid_to.date():
            counted += 1
    return max(0, space["total_hot_desks"] + space["total_dedicated_desks"] - counted)


def sandbox_client(account, transport) -> httpx.Client:
    return httpx.Client(
        transport=transport,
        base_url=account.config["base_url"],
        headers={
            "X-API-Key": account.credentials["api_key"],
            "X-API-Secret": account.credentials["api_secret"],
        },
    )


CUSTOMER = {"first_name": "Test", "last_name": "Member", "email": "test.member@example.com"}


def test_room_facts_agree_with_the_sandbox_bookings(sandbox, state, accounts, sandbox_transport):
    account = accounts[thia_seed.BUCHAREST_KEY]
    rooms, _ = catalogue_refs(account, sandbox_transport)
    days = days_from(sandbox, 0, 4)
    taken_seen = 0
    with adapter(account, sandbox_transport) as thia:
        for product_id, item in rooms.items():
            for day in days:
                facts = thia.day_facts(item, day)
                hours, taken = sandbox_room_hours(state, product_id, day)
                assert hours_of(facts.slots) == [(h, h not in taken) for h in sorted(hours)]
                for start, end, _ in facts.slots:
                    assert start.utcoffset() == BUCHAREST.utcoffset(start.replace(tzinfo=None))
                    assert real_length(start, end) == dt.timedelta(hours=1)
                taken_seen += len(taken)
    assert taken_seen > 0, "the seed has room bookings in these days"


def test_seeded_booking_taken_and_canceled_booking_free(
    sandbox, state, accounts, sandbox_transport
):
    account = accounts[thia_seed.BUCHAREST_KEY]
    rooms, _ = catalogue_refs(account, sandbox_transport)
    booked = [b for b in state["bookings"] if b["status"] == "active" and b["space_id"] == 1]
    canceled = [b for b in state["bookings"] if b["status"] == "canceled" and b["space_id"] == 1]
    today = bucharest_today(sandbox)
    with adapter(account, sandbox_transport) as thia:
        for booking in booked + canceled:
            day = dt.date.fromisoformat(booking["date"])
            if day < today:
                continue
            facts = thia.day_facts(rooms[str(booking["product_id"])], day)
            free = {start.strftime("%H:%M"): f for start, _e, f in facts.slots}
            for slot in booking["slots"]:
                assert free[slot[:5]] is (booking["status"] == "canceled"), (booking, slot)


def test_a_booking_made_at_the_sandbox_is_taken_after_a_fresh_look(
    sandbox, state, accounts, sandbox_transport
):
    account = accounts[thia_seed.CLUJ_KEY]
    rooms, _ = catalogue_refs(account, sandbox_transport)
    product_id, item = next(iter(rooms.items()))
    day = days_from(sandbox, 5, 5)[0]
    with adapter(account, sandbox_transport) as thia:
        before = thia.day_facts(item, day)
        free_before = [s for s in before.slots if s[2]]
        start, _end, _ = free_before[0]
        label = f"{start:%H:%M} - {start + dt.timedelta(hours=1):%H:%M}"
        with sandbox_client(account, sandbox_transport) as client:
            created = client.post(
                "/meeting-room-booking",
                json={
                    "product_id": int(product_id),
                    "date": day.isoformat(),
                    "selected_slots": [label],
                    "customer": CUSTOMER,
                },
            )
        assert created.status_code == 201, created.text
        after = thia.day_facts(item, day)
    assert [(s, e) for s, e, _ in after.slots] == [(s, e) for s, e, _ in before.slots]
    changed = [(a[0], b[2], a[2]) for a, b in zip(after.slots, before.slots, strict=True) if a != b]
    assert changed == [(start, True, False)]
    hours, taken = sandbox_room_hours(state, product_id, day)
    assert hours_of(after.slots) == [(h, h not in taken) for h in sorted(hours)]
    # Thia has no cancel endpoint (doc), so there is no "cancel -> free again" to check.


def test_past_day_is_rejected_by_the_sandbox(sandbox, accounts, sandbox_transport):
    account = accounts[thia_seed.BUCHAREST_KEY]
    rooms, passes = catalogue_refs(account, sandbox_transport)
    yesterday = bucharest_today(sandbox) - dt.timedelta(days=1)
    with adapter(account, sandbox_transport) as thia:
        with pytest.raises(RejectedError) as caught:
            thia.day_facts(next(iter(rooms.values())), yesterday)
        assert "must be a date after or equal to" in caught.value.message
        with pytest.raises(RejectedError) as caught:
            thia.pass_days(next(iter(passes.values())), yesterday, yesterday)
        assert caught.value.code == "The given data was invalid."


def test_pass_days_agree_with_the_sandbox_codes(sandbox, state, accounts, sandbox_transport):
    for key, space_id in ((thia_seed.BUCHAREST_KEY, 1), (thia_seed.CLUJ_KEY, 2)):
        account = accounts[key]
        _, passes = catalogue_refs(account, sandbox_transport)
        days = days_from(sandbox, 0, 13)
        products = {str(p["id"]): p for p in state["products"]}
        for product_id, item in passes.items():
            if item.kind != "day_pass" and product_id not in ("3", "23"):
                continue  # a day pass and a weekdays-only desk per space are enough calls
            with adapter(account, sandbox_transport) as thia:
                result = thia.pass_days(item, days[0], days[-1])
            weekdays = products[product_id]["settings"].get("weekdays") or []
            for pass_day in result:
                left = sandbox_desks_left(sandbox, state, space_id, pass_day.day)
                sold = not weekdays or pass_day.day.isoweekday() in weekdays
                assert (pass_day.remaining, pass_day.open) == (left, sold and left > 0), pass_day


def test_cluj_hackathon_day_is_full(sandbox, state, accounts, sandbox_transport):
    account = accounts[thia_seed.CLUJ_KEY]
    _, passes = catalogue_refs(account, sandbox_transport)
    day_pass = next(p for p in passes.values() if p.kind == "day_pass")
    full = [d for d in days_from(sandbox, 0, 13) if sandbox_desks_left(sandbox, state, 2, d) == 0]
    assert full, "the seed has a fully booked Cluj day"
    with adapter(account, sandbox_transport) as thia:
        [result] = thia.pass_days(day_pass, full[0], full[0])
    assert (result.open, result.remaining) == (False, 0)


def test_a_pass_sold_at_the_sandbox_takes_a_desk(sandbox, state, accounts, sandbox_transport):
    account = accounts[thia_seed.BUCHAREST_KEY]
    _, passes = catalogue_refs(account, sandbox_transport)
    product_id, day_pass = next((k, p) for k, p in passes.items() if p.kind == "day_pass")
    day = days_from(sandbox, 4, 4)[0]
    with adapter(account, sandbox_transport) as thia:
        [before] = thia.pass_days(day_pass, day, day)
        with sandbox_client(account, sandbox_transport) as client:
            created = client.post(
                "/access-codes/product",
                json={
                    "product_id": int(product_id),
                    "start_date": day.isoformat(),
                    "customer": CUSTOMER,
                },
            )
        assert created.status_code == 201, created.text
        [after] = thia.pass_days(day_pass, day, day)
    assert after.remaining == before.remaining - 1
    assert after.remaining == sandbox_desks_left(sandbox, state, 1, day)


# --- (3) through the service -----------------------------------------------------------------


@pytest.fixture
def portal_account(accounts, sandbox_transport, monkeypatch):
    cache.clear()
    config = accounts[thia_seed.BUCHAREST_KEY]
    with adapter(config, sandbox_transport) as thia:
        catalogue = thia.fetch_catalogue()
    account = ProviderAccount.objects.create(
        kind=config.kind, name=config.name, config=config.config, credentials=config.credentials
    )
    services.apply_catalogue(account, catalogue)
    real_adapter_for = providers.availability.adapter_for
    limiter = LocalRateLimiter()
    monkeypatch.setattr(
        providers.availability,
        "adapter_for",
        lambda acc, **kw: real_adapter_for(acc, **kw, transport=sandbox_transport, limiter=limiter),
    )
    return account


def member_view(state, resource: Resource, day: dt.date, now: dt.datetime):
    answer = bookings.availability.resource_day(resource, day, now=now)
    assert answer.known, answer.message
    hours, taken = sandbox_room_hours(state, resource.external_id, day)
    assert [(s.start.hour, s.available) for s in answer.slots] == [
        (h, h not in taken and local(day, h) >= now) for h in sorted(hours)
    ]
    return answer


@pytest.mark.django_db
def test_member_sees_the_sandbox_room_bookings_as_taken(sandbox, state, portal_account):
    now = dt.datetime.now(UTC)
    resources = Resource.objects.filter(space__account=portal_account)
    assert resources.count() == 3
    taken = 0
    for resource in resources:
        for day in days_from(sandbox, 1, 3):
            answer = member_view(state, resource, day, now)
            taken += sum(1 for s in answer.slots if not s.available)
            assert all(s.start.tzinfo is not None for s in answer.slots)
    assert taken > 0


@pytest.mark.django_db
def test_member_sees_a_new_sandbox_booking_after_a_fresh_look(
    sandbox, state, accounts, sandbox_transport, portal_account
):
    now = dt.datetime.now(UTC)
    resource = Resource.objects.filter(space__account=portal_account).order_by("external_id")[0]
    day = days_from(sandbox, 6, 6)[0]
    before = member_view(state, resource, day, now)
    slot = next(s for s in before.slots if s.available)
    label = f"{slot.start:%H:%M} - {slot.end:%H:%M}"
    with sandbox_client(accounts[thia_seed.BUCHAREST_KEY], sandbox_transport) as client:
        created = client.post(
            "/meeting-room-booking",
            json={
                "product_id": int(resource.external_id),
                "date": day.isoformat(),
                "selected_slots": [label],
                "customer": CUSTOMER,
            },
        )
    assert created.status_code == 201, created.text
    cached = bookings.availability.resource_day(resource, day, now=now)
    assert next(s for s in cached.slots if s.start == slot.start).available  # still cached
    cache.clear()
    after = member_view(state, resource, day, now)
    assert not next(s for s in after.slots if s.start == slot.start).available


@pytest.mark.django_db
def test_member_sees_desks_left_for_passes(
    sandbox, state, accounts, sandbox_transport, portal_account
):
    offers = Offer.objects.filter(space__account=portal_account)
    day_pass = offers.get(kind="day_pass", raw__duration_type=2)
    hot_desk = offers.get(kind="hot_desk")
    days = days_from(sandbox, 1, 7)
    for offer in (day_pass, hot_desk):
        answer = bookings.availability.pass_days(offer, days[0], days[-1])
        assert answer.known, answer.message
        weekdays = offer.raw.get("weekdays") or []
        assert [(d.day, d.remaining) for d in answer.days] == [
            (day, sandbox_desks_left(sandbox, state, 1, day)) for day in days
        ]
        for d in answer.days:
            sold = not weekdays or d.day.isoweekday() in weekdays
            assert d.open == (sold and d.remaining > 0)
    # a pass sold at the sandbox: one desk fewer after a fresh look
    with sandbox_client(accounts[thia_seed.BUCHAREST_KEY], sandbox_transport) as client:
        created = client.post(
            "/access-codes/product",
            json={
                "product_id": int(day_pass.external_id),
                "start_date": days[0].isoformat(),
                "customer": CUSTOMER,
            },
        )
    assert created.status_code == 201, created.text
    cache.clear()
    answer = bookings.availability.pass_days(day_pass, days[0], days[-1])
    assert answer.days[0].remaining == sandbox_desks_left(sandbox, state, 1, days[0])
