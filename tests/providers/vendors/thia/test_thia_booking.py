"""Thia bookings: quote, submit, reconcile, refresh, cancel.

(1) the document's example requests and answers, faked at the transport; (2) the
adapter against the Thia sandbox in-process; (3) the booking lifecycle with the real
adapter on the sandbox.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core.cache import cache

from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    NotFoundError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import AccountConfig, BookingRequest, Customer, ItemRef
from providers.messages import Message
from providers.ratelimit import LocalRateLimiter
from providers.vendors.thia.adapter import ThiaAdapter
from sandbox import thia_seed
from tests.providers.conftest import portal_on_sandbox

BUCHAREST = ZoneInfo("Europe/Bucharest")
BASE = "https://thia.work/api/v1/partner"
ACCOUNT = AccountConfig(
    kind="thia",
    name="Thia — Amazing",
    config={"base_url": BASE},
    credentials={"api_key": "pk_live_doc_example_7f3a", "api_secret": "sk_live_doc_example_91be"},
)

# --- the document's examples ----------------------------------------------------------

ROOM_ITEM = ItemRef(
    external_id="12",
    kind="meeting_room",
    timezone="Europe/Bucharest",
    space_external_id="1",
    raw={"product_id": 12, "meeting_room_id": 1, "price": "120.00"},
)
HOT_DESK_MONTHLY = ItemRef(  # doc: product 1 "Hot Desk Monthly", duration 1 month
    external_id="1",
    kind="hot_desk",
    timezone="Europe/Bucharest",
    space_external_id="1",
    raw={"product_id": 1, "seating_option_id": 2, "duration": 1, "duration_unit": 3},
)
DAY_PASS = ItemRef(  # doc: product 3 "Day Pass", duration 1, duration_type 2
    external_id="3",
    kind="day_pass",
    timezone="Europe/Bucharest",
    space_external_id="1",
    raw={"product_id": 3, "seating_option_id": 1, "duration": 1, "duration_type": 2},
)
ALICE = Customer(
    email="alice.johnson@example.com",
    first_name="Alice",
    last_name="Johnson",
    phone="+40 123 456 789",
)
JANE = Customer(
    email="jane.smith@example.com", first_name="Jane", last_name="Smith", phone="+40987654321"
)

ROOM_CODE = {
    "id": "c3d4e5f6-g7h8-9012-cdef-345678901234",
    "customer_id": 125,
    "customer_type": "user",
    "space_id": 1,
    "subscription_id": 42,
    "valid_from": "2024-03-25T00:00:00.000000Z",
    "valid_to": "2024-03-25T23:59:59.000000Z",
    "is_primary": True,
    "unique_scans": 0,
    "total_scans": 0,
    "status": "inactive",
    "qr_code_download_url": "https://thia.work/qr-code/c3d4e5f6-g7h8-9012-cdef-345678901234",
    "customer": {
        "id": 125,
        "first_name": "Alice",
        "last_name": "Johnson",
        "email": "alice.johnson@example.com",
        "phone": "+40123456789",
    },
    "created_at": "2024-03-15T10:30:00.000000Z",
    "updated_at": "2024-03-15T10:30:00.000000Z",
}
PRODUCT_CODE = {
    "id": "b2c3d4e5-f6g7-8901-bcde-f23456789012",
    "customer_id": 124,
    "customer_type": "user",
    "space_id": 1,
    "subscription_id": 89,
    "valid_from": "2024-03-20T00:00:00.000000Z",
    "valid_to": "2024-04-19T23:59:59.000000Z",
    "is_primary": True,
    "unique_scans": 0,
    "total_scans": 0,
    "status": "inactive",
    "qr_code_download_url": "https://thia.work/qr-code/b2c3d4e5-f6g7-8901-bcde-f23456789012",
    "customer": {
        "id": 124,
        "first_name": "Jane",
        "last_name": "Smith",
        "email": "jane.smith@example.com",
        "phone": "+40987654321",
    },
    "created_at": "2024-03-15T10:30:00.000000Z",
    "updated_at": "2024-03-15T10:30:00.000000Z",
}
# doc: desk availability "With Access Codes" (John's 3-day code, Jane's standalone code)
DESK_CODES = {
    "total_existing_desks": 30,
    "total_booked_desks": 15,
    "available_desks": 15,
    "access_codes": [
        {
            **copy.deepcopy(PRODUCT_CODE),
            "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            "customer_id": 123,
            "valid_to": "2024-03-22T23:59:59.000000Z",
            "customer": {
                "id": 123,
                "first_name": "John",
                "last_name": "Doe",
                "email": "john.doe@example.com",
                "phone": "+40123456789",
            },
        },
        {
            **copy.deepcopy(PRODUCT_CODE),
            "subscription_id": None,
            "valid_from": "2024-03-15T00:00:00.000000Z",
            "valid_to": "2024-03-25T23:59:59.000000Z",
        },
    ],
}
PRODUCTS = {
    "data": [
        {
            "id": 1,
            "name": "Hot Desk Monthly",
            "price": "299.00",
            "settings": {"duration": 1, "duration_unit": 3, "weekdays": [1, 2, 3, 4, 5]},
            "seating_option": {"id": 2, "name": "Hot Desk"},
        },
        {
            "id": 3,
            "name": "Day Pass",
            "price": "35.00",
            "settings": {"duration": 1, "duration_type": 2},
            "seating_option": {"id": 1, "name": "Day Pass"},
        },
        {
            "id": 12,
            "name": "Conference Room A",
            "price": "120.00",
            "settings": {"meeting_room_id": 1, "weekdays": [], "duration_unit": 1, "duration": 1},
            "seating_option": {"id": 4, "name": "Meeting/Event Room"},
        },
    ]
}

SLOT_CONFLICT = {
    "error": "Failed to create meeting room booking",
    "message": "Some time slots are no longer available. Please refresh and try again.",
}


def at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), BUCHAREST)


def room_request(start, end, customer=ALICE, uid="b-1") -> BookingRequest:
    return BookingRequest(uid=uid, kind="room", start=start, end=end, customer=customer)


def pass_request(day: str, customer=JANE, days=1, uid="b-2") -> BookingRequest:
    start = at(day, 0)
    return BookingRequest(
        uid=uid,
        kind="pass",
        start=start,
        end=start + dt.timedelta(days=days),
        customer=customer,
        days=days,
    )


class Fake:
    """Answers by path: a list of (status, body) or exceptions played in order."""

    def __init__(self, **answers):
        self.answers = {k.replace("_", "-"): list(v) for k, v in answers.items()}
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        path = request.url.path.removeprefix("/api/v1/partner")
        key = path.strip("/").replace("/", "--")
        item = self.answers[key].pop(0)
        if isinstance(item, Exception):
            raise item
        status, body = item
        return httpx.Response(status, json=body)

    def bodies(self) -> list[dict]:
        return [json.loads(c.content) for c in self.calls if c.method == "POST"]


def thia(fake: Fake) -> ThiaAdapter:
    return ThiaAdapter(
        ACCOUNT,
        transport=httpx.MockTransport(fake),
        sleep=lambda s: None,
        limiter=LocalRateLimiter(),
    )


# (1) --- the document's examples, faked at the transport ------------------------------


def test_a_room_booking_sends_the_documents_body_in_bucharest_time():
    fake = Fake(meeting_room_booking=[(201, {"data": ROOM_CODE})])
    # 08:00-10:00 UTC on 25 March 2024 is 10:00-12:00 in Bucharest (EET, +02:00)
    start = dt.datetime(2024, 3, 25, 8, tzinfo=dt.UTC)
    result = thia(fake).submit(ROOM_ITEM, room_request(start, start + dt.timedelta(hours=2)))
    [call] = fake.calls
    assert (call.method, call.url.path) == ("POST", "/api/v1/partner/meeting-room-booking")
    assert call.headers["X-API-Key"] == ACCOUNT.credentials["api_key"]
    assert call.headers["Content-Type"] == "application/json"
    assert fake.bodies() == [
        {
            "product_id": 12,
            "date": "2024-03-25",
            "selected_slots": ["10:00 - 11:00", "11:00 - 12:00"],
            "customer": {
                "first_name": "Alice",
                "last_name": "Johnson",
                "email": "alice.johnson@example.com",
                "phone": "+40123456789",  # doc: "10-15 digits, optional + prefix"
            },
        }
    ]
    assert result.status == "confirmed"
    assert result.reference == result.access_code == ROOM_CODE["id"]
    assert result.qr_url == ROOM_CODE["qr_code_download_url"]
    # the "Z" is Bucharest wall-clock time, not UTC
    assert result.valid_from == at("2024-03-25", 0)
    assert result.valid_to == dt.datetime(2024, 3, 25, 23, 59, 59, tzinfo=BUCHAREST)
    assert result.valid_from.utcoffset() == dt.timedelta(hours=2)
    assert result.identity == {"customer_id": 125}
    assert result.reply == {"data": ROOM_CODE}
    json.dumps(result.reply)
    # our words for the member: a message code, rendered where it is shown
    assert result.next_step == Message("thia.show_code")
    assert str(result.next_step).startswith("Show the QR code")


def test_the_last_hour_of_the_day_ends_at_midnight_and_summer_time_is_local():
    fake = Fake(meeting_room_booking=[(201, {"data": ROOM_CODE})])
    start = at("2030-07-01", 22)
    thia(fake).submit(ROOM_ITEM, room_request(start, at("2030-07-02", 0)))
    assert fake.bodies()[0]["selected_slots"] == ["22:00 - 23:00", "23:00 - 00:00"]
    assert fake.bodies()[0]["date"] == "2030-07-01"


@pytest.mark.parametrize(
    "start, end, code",
    [
        (
            at("2030-07-01", 10) + dt.timedelta(minutes=30),
            at("2030-07-01", 12),
            "thia.whole_hours",
        ),
        (at("2030-07-01", 22), at("2030-07-02", 1), "thia.one_day"),
        (at("2030-07-01", 10), at("2030-07-01", 10), "thia.one_hour"),
    ],
)
def test_times_thia_cannot_book_are_refused_before_sending(start, end, code):
    fake = Fake()
    with pytest.raises(RejectedError) as caught:
        thia(fake).submit(ROOM_ITEM, room_request(start, end))
    assert caught.value.message == Message(code)
    assert fake.calls == []


def test_a_pass_is_a_product_access_code_from_its_start_day():
    fake = Fake(access_codes__product=[(201, {"data": PRODUCT_CODE})])
    result = thia(fake).submit(HOT_DESK_MONTHLY, pass_request("2024-03-20"))
    [call] = fake.calls
    assert call.url.path == "/api/v1/partner/access-codes/product"
    assert fake.bodies() == [
        {
            "product_id": 1,
            "start_date": "2024-03-20",
            "customer": {
                "first_name": "Jane",
                "last_name": "Smith",
                "email": "jane.smith@example.com",
                "phone": "+40987654321",
            },
        }
    ]
    assert result.status == "confirmed"
    assert result.reference == PRODUCT_CODE["id"]
    assert result.valid_to == dt.datetime(2024, 4, 19, 23, 59, 59, tzinfo=BUCHAREST)


def test_a_phone_thia_would_refuse_is_left_out():
    fake = Fake(access_codes__product=[(201, {"data": PRODUCT_CODE})])
    odd = Customer(email="jane.smith@example.com", first_name="Jane", last_name="S", phone="12")
    thia(fake).submit(DAY_PASS, pass_request("2024-03-20", customer=odd))
    assert "phone" not in fake.bodies()[0]["customer"]


def test_a_pass_of_several_days_is_refused_thia_sells_one_start_day():
    fake = Fake()
    with pytest.raises(RejectedError, match="one start day") as caught:
        thia(fake).submit(DAY_PASS, pass_request("2024-03-20", days=3))
    assert caught.value.message == Message("thia.one_start_day")
    assert fake.calls == []


def test_an_inquiry_is_not_something_thia_takes():
    request = BookingRequest(
        uid="i", kind="inquiry", start=at("2030-07-01", 0), end=at("2030-07-02", 0), customer=JANE
    )
    with pytest.raises(UnsupportedError):
        thia(Fake()).submit(DAY_PASS, request)


def test_the_slot_conflict_500_is_a_refusal_sent_once():
    fake = Fake(meeting_room_booking=[(500, SLOT_CONFLICT)])
    with pytest.raises(RejectedError) as caught:
        thia(fake).submit(ROOM_ITEM, room_request(at("2030-07-01", 10), at("2030-07-01", 11)))
    # Thia's English words are replaced by ours, read in the member's language
    assert caught.value.message == Message("slots_taken")
    assert caught.value.status == 500
    assert not isinstance(caught.value, TransientError)
    assert len(fake.calls) == 1


def test_any_other_500_is_transient_and_the_post_is_not_repeated():
    failed = {
        "error": "Failed to create access code",
        "message": "Unable to create access code. Please try again.",
    }
    fake = Fake(access_codes__product=[(500, failed)])
    with pytest.raises(TransientError):
        thia(fake).submit(DAY_PASS, pass_request("2030-07-01"))
    assert len(fake.calls) == 1


@pytest.mark.parametrize(
    "status, body, error",
    [
        (
            400,
            {
                "error": "Invalid product type",
                "message": "Product must be a meeting/event room type",
            },
            RejectedError,
        ),
        (
            400,
            {
                "error": "Invalid product configuration",
                "message": "Product does not have a meeting room configured",
            },
            RejectedError,
        ),
        (
            400,
            {
                "error": "Meeting room not found",
                "message": "The meeting room associated with this product was not found",
            },
            RejectedError,
        ),
        (
            404,
            {
                "error": "Product not found",
                "message": "Product not found or does not belong to this space",
            },
            NotFoundError,
        ),
        (
            422,
            {
                "error": "The given data was invalid.",
                "message": "The date field is required.",
                "errors": {"date": ["The date field is required."]},
            },
            RejectedError,
        ),
        (
            422,
            {
                "error": "The given data was invalid.",
                "message": "Duplicate time slots are not allowed.",
                "errors": {"selected_slots": ["Duplicate time slots are not allowed."]},
            },
            RejectedError,
        ),
        (
            401,
            {
                "error": "Invalid API credentials",
                "message": "The provided API key and secret combination is invalid",
            },
            AuthenticationError,
        ),
        (
            403,
            {"error": "Access denied", "message": "This API is only available for partners"},
            AuthenticationError,
        ),
        (
            429,
            {
                "error": "Too Many Requests",
                "message": "Rate limit exceeded. Please try again later.",
            },
            TransientError,
        ),
    ],
)
def test_documented_room_booking_errors(status, body, error):
    fake = Fake(meeting_room_booking=[(status, body)])
    with pytest.raises(error) as caught:
        thia(fake).submit(ROOM_ITEM, room_request(at("2030-07-01", 10), at("2030-07-01", 11)))
    assert caught.value.message == body["message"]  # Thia's own words reach the member
    assert len(fake.calls) == 1


def test_a_refused_pass_keeps_thias_words():
    body = {
        "error": "Invalid product type",
        "message": "Product type not supported for access code creation",
    }
    fake = Fake(access_codes__product=[(400, body)])
    with pytest.raises(RejectedError, match="not supported for access code creation"):
        thia(fake).submit(DAY_PASS, pass_request("2030-07-01"))


def test_a_timeout_of_the_post_is_transient_and_not_repeated():
    fake = Fake(meeting_room_booking=[httpx.ReadTimeout("slow")])
    with pytest.raises(TransientError):
        thia(fake).submit(ROOM_ITEM, room_request(at("2030-07-01", 10), at("2030-07-01", 11)))
    assert len(fake.calls) == 1


def test_quotes_are_thias_product_prices_per_slot_or_per_pass():
    fake = Fake(space__products=[(200, PRODUCTS), (200, PRODUCTS)])
    adapter = thia(fake)
    room = adapter.quote(ROOM_ITEM, room_request(at("2030-07-01", 10), at("2030-07-01", 13)))
    assert (room.total, room.currency) == (Decimal("360.00"), "RON")  # 3 slots x 120.00
    day = adapter.quote(DAY_PASS, pass_request("2030-07-01"))
    assert (day.total, day.currency) == (Decimal("35.00"), "RON")
    assert room.note == day.note == Message("thia.listed_price")
    assert [c.url.path for c in fake.calls] == ["/api/v1/partner/space/products"] * 2


def test_quotes_thia_cannot_compute_say_why_in_the_members_words():
    per_day = copy.deepcopy(PRODUCTS)
    per_day["data"][2]["settings"]["duration_unit"] = 2
    fake = Fake(space__products=[(200, per_day), (200, PRODUCTS), (200, PRODUCTS)])
    adapter = thia(fake)
    room = adapter.quote(ROOM_ITEM, room_request(at("2030-07-01", 10), at("2030-07-01", 13)))
    assert (room.total, room.note) == (None, Message("thia.priced_per_day"))
    assert str(room.note) == "Thia prices this room per day; the space confirms the price."
    half_hour = room_request(at("2030-07-01", 10), at("2030-07-01", 10) + dt.timedelta(minutes=30))
    assert adapter.quote(ROOM_ITEM, half_hour).note == Message("thia.whole_hours")
    days = adapter.quote(DAY_PASS, pass_request("2030-07-01", days=3))
    assert (days.total, days.note) == (None, Message("thia.one_start_day"))


def test_every_message_the_package_writes_has_words_in_its_spec():
    import pathlib
    import re

    import providers.vendors.thia as package
    from providers.vendors.thia import SPEC

    sources = pathlib.Path(package.__file__).parent.glob("*.py")
    codes = {c for f in sources for c in re.findall(r'Message\("thia\.(\w+)"', f.read_text())}
    assert codes and codes <= set(SPEC.messages)
    for code in SPEC.messages:
        assert str(Message(f"thia.{code}")) == str(SPEC.messages[code])


def test_a_quote_for_a_product_no_longer_listed_is_not_found():
    fake = Fake(space__products=[(200, {"data": []})])
    with pytest.raises(NotFoundError) as caught:
        thia(fake).quote(DAY_PASS, pass_request("2030-07-01"))
    assert caught.value.message == Message("thia.product_gone")


def shifted(code: dict, days: int) -> dict:
    code = copy.deepcopy(code)
    for key in ("valid_from", "valid_to"):
        stamp = dt.datetime.fromisoformat(code[key].rstrip("Z")) + dt.timedelta(days=days)
        code[key] = stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return code


def month_from(day: str) -> dict:
    """Jane's one-month code (the document's example: 2024-03-20 .. 2024-04-19) moved to
    start on ``day``."""
    start = dt.date.fromisoformat(day)
    year, month = start.year + start.month // 12, start.month % 12 + 1
    same_day = dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
    last = same_day - dt.timedelta(days=1)
    return {
        **copy.deepcopy(PRODUCT_CODE),
        "valid_from": f"{day}T00:00:00.000000Z",
        "valid_to": f"{last.isoformat()}T23:59:59.000000Z",
    }


FUTURE = (dt.datetime.now(BUCHAREST).date() + dt.timedelta(days=30)).isoformat()
OFFSET = (dt.date.fromisoformat(FUTURE) - dt.date(2024, 3, 20)).days


def test_reconcile_matches_customer_product_validity_and_day():
    listing = copy.deepcopy(DESK_CODES)
    listing["access_codes"] = [shifted(c, OFFSET) for c in listing["access_codes"]]
    listing["access_codes"].append(month_from(FUTURE))
    fake = Fake(space__desk_availability=[(200, listing)] * 3)
    adapter = thia(fake)
    found = adapter.find_existing(HOT_DESK_MONTHLY, pass_request(FUTURE))
    assert found is not None and found.reference == PRODUCT_CODE["id"]
    assert found.status == "confirmed" and found.qr_url == PRODUCT_CODE["qr_code_download_url"]
    call = fake.calls[0]
    assert call.url.path == "/api/v1/partner/space/desk-availability"
    assert dict(call.url.params) == {"date": FUTURE, "include_access_codes": "1"}
    # the same customer's month is not a day pass; John's code is not Jane's
    assert adapter.find_existing(DAY_PASS, pass_request(FUTURE)) is None
    john = Customer(email="JOHN.DOE@example.com", first_name="John", last_name="Doe")
    assert adapter.find_existing(HOT_DESK_MONTHLY, pass_request(FUTURE, customer=john)) is None


def test_reconcile_of_a_room_checks_the_slots_before_the_codes():
    day = FUTURE
    code = shifted(ROOM_CODE, (dt.date.fromisoformat(day) - dt.date(2024, 3, 25)).days)
    fake = Fake(
        space__meeting_room_availability=[
            (200, {"available_slots": ["09:00 - 10:00", "10:00 - 11:00"]}),
            (200, {"available_slots": ["09:00 - 10:00", "12:00 - 13:00"]}),
        ],
        space__desk_availability=[(200, {**DESK_CODES, "access_codes": [code]})],
    )
    adapter = thia(fake)
    request = room_request(at(day, 10), at(day, 12))
    assert adapter.find_existing(ROOM_ITEM, request) is None  # 10:00 is still free
    assert [c.url.path.rsplit("/", 1)[1] for c in fake.calls] == ["meeting-room-availability"]
    assert dict(fake.calls[0].url.params) == {"date": day, "product_id": "12"}
    found = adapter.find_existing(ROOM_ITEM, request)
    assert found is not None and found.reference == ROOM_CODE["id"]


def test_refresh_finds_the_code_by_id_and_cancel_is_unsupported():
    code = month_from(FUTURE)
    fake = Fake(
        space__desk_availability=[(200, {**DESK_CODES, "access_codes": [code]})] * 2,
    )
    adapter = thia(fake)
    request = pass_request(FUTURE)
    assert adapter.refresh(HOT_DESK_MONTHLY, request, PRODUCT_CODE["id"]).status == "confirmed"
    with pytest.raises(UnsupportedError):
        adapter.refresh(HOT_DESK_MONTHLY, request, "another-code")
    with pytest.raises(UnsupportedError):
        adapter.cancel(HOT_DESK_MONTHLY, request, PRODUCT_CODE["id"])


# (2) --- against the sandbox in-process ----------------------------------------------


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["thia"]


@pytest.fixture
def bucharest(sandbox_accounts):
    [account] = [
        a for a in sandbox_accounts["thia"] if a.credentials["api_key"] == thia_seed.BUCHAREST_KEY
    ]
    return account


def items(account, transport) -> dict[str, ItemRef]:
    with adapter_for(account, transport=transport) as adapter:
        [space] = adapter.fetch_catalogue().spaces
    refs = {}
    for row in [*space.resources, *space.offers]:
        refs[row.external_id] = ItemRef(
            external_id=row.external_id,
            kind=row.kind,
            timezone=space.timezone,
            space_external_id=space.external_id,
            raw=row.raw,
            rules=getattr(row, "rules", {}),
        )
    return refs


def weekday_ahead(days: int) -> dt.date:
    day = dt.datetime.now(BUCHAREST).date() + dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


MEMBER = Customer(
    email="Dana.Radu@example.com", first_name="Dana", last_name="Radu", phone="+40 722 123 456"
)


def test_sandbox_room_booking_is_held_shown_taken_and_reconciled(
    bucharest, sandbox_transport, state
):
    refs = items(bucharest, sandbox_transport)
    room = refs["6"]  # Conference Room A, 120.00 per hour
    day = weekday_ahead(8)
    start = dt.datetime.combine(day, dt.time(10), BUCHAREST)
    request = room_request(start, start + dt.timedelta(hours=2), customer=MEMBER)
    with adapter_for(bucharest, transport=sandbox_transport) as adapter:
        assert adapter.find_existing(room, request) is None  # never sent
        quote = adapter.quote(room, request)
        assert (quote.total, quote.currency) == (Decimal("240.00"), "RON")
        result = adapter.submit(room, request)
        assert result.status == "confirmed"
        [held] = [b for b in state["bookings"] if b["access_code_id"] == result.reference]
        assert (held["product_id"], held["date"]) == (6, day.isoformat())
        assert held["slots"] == ["10:00 - 11:00", "11:00 - 12:00"]
        customer = next(c for c in state["customers"] if c["id"] == held["customer_id"])
        assert customer["phone"] == "+40722123456"
        assert result.valid_from == dt.datetime.combine(day, dt.time(0), BUCHAREST)
        assert result.qr_url.endswith(f"/thia/qr-code/{result.reference}")
        assert result.identity == {"customer_id": customer["id"]}

        facts = adapter.day_facts(room, day)
        taken = {s[0].hour for s in facts.slots if not s[2]}
        assert {10, 11} <= taken and 12 not in taken

        again = adapter.find_existing(room, request)
        assert again is not None and again.reference == result.reference
        # another time, another room, another member: not this booking
        later = room_request(start + dt.timedelta(hours=3), start + dt.timedelta(hours=4), MEMBER)
        assert adapter.find_existing(room, later) is None
        assert adapter.find_existing(refs["7"], request) is None
        other = Customer(email="someone@example.com", first_name="S", last_name="O")
        assert adapter.find_existing(room, room_request(start, request.end, other)) is None

        with pytest.raises(RejectedError, match="no longer free"):
            adapter.submit(room, room_request(start, request.end, other))
        with pytest.raises(UnsupportedError):
            adapter.cancel(room, request, result.reference)
        assert adapter.refresh(room, request, result.reference).reference == result.reference


def test_sandbox_pass_booking_takes_a_desk_and_is_reconciled_precisely(
    bucharest, sandbox_transport, state
):
    refs = items(bucharest, sandbox_transport)
    day_pass, monthly = refs["1"], refs["3"]  # Day Pass 35.00, Hot Desk Monthly 299.00
    day = weekday_ahead(9)
    request = pass_request(day.isoformat(), customer=MEMBER)
    with adapter_for(bucharest, transport=sandbox_transport) as adapter:
        assert adapter.quote(day_pass, request).total == Decimal("35.00")
        assert adapter.quote(monthly, request).total == Decimal("299.00")
        before = adapter.pass_days(day_pass, day, day)[0].remaining
        assert adapter.find_existing(day_pass, request) is None
        result = adapter.submit(day_pass, request)
        [code] = [c for c in state["access_codes"] if c["id"] == result.reference]
        assert code["product_id"] == 1
        assert adapter.pass_days(day_pass, day, day)[0].remaining == before - 1
        assert result.valid_to == dt.datetime.combine(day, dt.time(23, 59, 59), BUCHAREST)
        assert adapter.find_existing(day_pass, request).reference == result.reference
        # the day pass is not the monthly desk, and the monthly's code is not the day pass
        assert adapter.find_existing(monthly, request) is None
        month = adapter.submit(monthly, request)
        assert adapter.find_existing(monthly, request).reference == month.reference
        assert adapter.find_existing(day_pass, request).reference == result.reference


# (3) --- the lifecycle with the real adapter on the sandbox ---------------------------


class LosingTransport(httpx.BaseTransport):
    """Forwards to the sandbox; when ``lose`` is set, a POST's answer is lost on the way
    back (the sandbox carried it out, the adapter sees a timeout)."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner = inner
        self.lose = False
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST":
            self.posts += 1
            if self.lose:
                self.lose = False
                response.read()
                raise httpx.ReadTimeout("answer lost", request=request)
        return response


@pytest.fixture
def transport(sandbox_transport):
    return LosingTransport(sandbox_transport)


@pytest.fixture
def synced(db, bucharest, transport, monkeypatch):
    account = portal_on_sandbox(monkeypatch, transport, bucharest)
    cache.clear()
    yield account
    cache.clear()


@pytest.fixture
def member(db):
    from portal.models import User

    return User.objects.create_user(
        email="dana.radu@example.com",
        password="pw-dana-123456",
        first_name="Dana",
        last_name="Radu",
        phone="+40 722 123 456",
    )


def book_room(member, account, day: dt.date, hour: int, hours: int = 1):
    from bookings import services
    from providers.models import Resource

    room = Resource.objects.select_related("space__account").get(
        space__account=account, external_id="6"
    )
    start = dt.datetime.combine(day, dt.time(hour), BUCHAREST)
    end = start + dt.timedelta(hours=hours)
    quote = services.quote_for(room, room_request(start, end, MEMBER, uid="preview"))
    return services.booking_create_room(
        member=member, resource=room, start=start, end=end, quote=quote
    )


def book_pass(member, account, day: dt.date):
    from bookings import services
    from providers.models import Offer

    offer = Offer.objects.select_related("space__account").get(
        space__account=account, external_id="1"
    )
    return services.booking_create_pass(member=member, offer=offer, day=day)


def held_for(state, email: str) -> tuple[list, list]:
    """(room bookings, access codes) the sandbox holds for this email."""
    [customer_id] = [c["id"] for c in state["customers"] if c["email"].lower() == email] or [None]
    bookings = [b for b in state["bookings"] if b["customer_id"] == customer_id]
    codes = [c for c in state["access_codes"] if c["customer_id"] == customer_id]
    return bookings, codes


@pytest.mark.django_db
def test_lifecycle_confirms_a_room_and_a_pass_with_thias_codes(synced, member, state):
    from bookings import services
    from bookings.models import ProviderIdentity, Status

    day = weekday_ahead(10)
    room = book_room(member, synced, day, 14, hours=2)
    assert (room.price, room.currency) == (Decimal("240.00"), "RON")  # 2 slots x 120.00
    assert services.submit(room.pk) == Status.CONFIRMED
    room.refresh_from_db()
    [held], codes = held_for(state, "dana.radu@example.com")
    assert held["slots"] == ["14:00 - 15:00", "15:00 - 16:00"]
    assert room.provider_reference == room.access_code == held["access_code_id"]
    assert room.qr_url.endswith(held["access_code_id"])
    assert room.valid_from == dt.datetime.combine(day, dt.time(0), BUCHAREST)
    assert room.next_step_text.startswith("Show the QR code")

    day_pass = book_pass(member, synced, day)
    assert services.submit(day_pass.pk) == Status.CONFIRMED
    day_pass.refresh_from_db()
    _, codes = held_for(state, "dana.radu@example.com")
    assert len(codes) == 2 and day_pass.provider_reference in {c["id"] for c in codes}
    identity = ProviderIdentity.objects.get(member=member, account=synced)
    assert isinstance(identity.data["customer_id"], int)


@pytest.mark.django_db
def test_lifecycle_retries_a_fault_and_books_exactly_once(synced, member, state, sandbox):
    from bookings import services
    from bookings.models import Status

    day = weekday_ahead(11)
    booking = book_room(member, synced, day, 9)
    sandbox.apply_faults({"thia": {"error_rate": 1}})
    with pytest.raises(services.Retry):
        services.submit(booking.pk)
    sandbox.faults.clear()
    assert held_for(state, "dana.radu@example.com") == ([], [])
    assert services.submit(booking.pk) == Status.CONFIRMED
    bookings, codes = held_for(state, "dana.radu@example.com")
    assert len(bookings) == 1 and len(codes) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["room", "pass"])
def test_a_lost_answer_is_reconciled_without_a_second_booking(
    synced, member, state, transport, kind
):
    from bookings import services
    from bookings.models import Status

    day = weekday_ahead(12)
    booking = (
        book_room(member, synced, day, 11) if kind == "room" else book_pass(member, synced, day)
    )
    transport.lose = True
    with pytest.raises(services.Retry):
        services.submit(booking.pk)
    _, codes = held_for(state, "dana.radu@example.com")
    assert len(codes) == 1  # the sandbox did book it
    assert services.submit(booking.pk) == Status.CONFIRMED
    assert transport.posts == 1  # reconciled, not sent again
    booking.refresh_from_db()
    assert booking.provider_reference == codes[0]["id"]
    assert held_for(state, "dana.radu@example.com")[1] == codes


@pytest.mark.django_db
def test_a_slot_taken_at_thia_meanwhile_is_rejected_with_thias_words(
    synced, member, state, bucharest, sandbox_transport
):
    from bookings import services
    from bookings.models import Status

    day = weekday_ahead(13)
    booking = book_room(member, synced, day, 16)
    with adapter_for(bucharest, transport=sandbox_transport) as adapter:
        other = Customer(email="walkin@example.com", first_name="Walk", last_name="In")
        start = dt.datetime.combine(day, dt.time(16), BUCHAREST)
        adapter.submit(
            items(bucharest, sandbox_transport)["6"],
            room_request(start, start + dt.timedelta(hours=1), other),
        )
    assert services.submit(booking.pk) == Status.REJECTED
    booking.refresh_from_db()
    assert "no longer free" in booking.provider_message_text
