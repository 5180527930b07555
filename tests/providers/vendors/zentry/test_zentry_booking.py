"""Zentry bookings: quote, submit, reconcile (find_existing), refresh, cancel.

1. HTTP faked at the transport (respx) with the CheckIns API document's examples
   (``003_c7b0553c6c4180e6.txt``: CreateRoomReservationRequest,
   CreateDayPassReservationRequest, Reservation, the user-cost previews, ProblemDetails /
   HttpValidationProblemDetails, CancelReservationRequest, the reservation searches).
2. Against the sandbox in-process: what is booked is held, shown taken, found again,
   priced as the sandbox prices it, approved / declined by the space, cancelled.
3. Through the booking lifecycle with the real adapter on the sandbox.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx
from django.core.cache import cache

from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import AccountConfig, BookingRequest, Customer, ItemRef
from providers.messages import Message
from providers.vendors.zentry import SPEC
from sandbox import zentry_seed as seed
from tests.providers.conftest import portal_on_sandbox

WS = "https://api.zentry.test/workspaces"
CI = "https://api.zentry.test/checkins"
USER_ID = "926d3163ee1ffbbdb47b6a76"  # doc examples' userId
TENANT_ID = "184d3163ee1ffbbdb38b6c07"  # doc examples' tenantId
LOCATION_ID = "686d3163ee1ffbbdb38b6a74"  # doc examples' locationId
ROOM_ID = "184d3163ee1ffbbdb38b6c07"  # doc examples' roomId
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

ACCOUNT = AccountConfig(
    kind="zentry",
    name="Zentry test",
    config={"workspaces_url": WS, "checkins_url": CI, "tenant_id": TENANT_ID, "user_id": USER_ID},
    credentials={"api_key": "zk_live_secret_key_0123456789"},
)
ROOM = ItemRef(
    external_id=ROOM_ID,
    kind="meeting_room",
    timezone="America/New_York",
    space_external_id=LOCATION_ID,
    raw={"room_id": ROOM_ID, "location_id": LOCATION_ID},
    rules={"max_minutes": 240},
    quantity=2,
)
PASS = ItemRef(
    external_id=LOCATION_ID,
    kind="day_pass",
    timezone="America/New_York",
    space_external_id=LOCATION_ID,
    raw={"location_id": LOCATION_ID},
)
MEMBER = Customer(
    email="riley.chen@example.com", first_name="Riley", last_name="Chen", phone="+1 212 555 0100"
)
TUESDAY = dt.date(2030, 1, 8)

# doc: Reservation / RoomReservation example (dates moved to 2030-01-08, 10:00-12:00 in
# New York = 15:00-17:00 UTC)
DOC_ROOM_RESERVATION = {
    "id": "184d3163ee1ffbbdb38b6c07",
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
    "reservationType": "Room",
    "status": "Approved",
    "locationId": LOCATION_ID,
    "workspaceId": "686d3163ee1ffbbdb38b6a74",
    "userId": USER_ID,
    "tenantId": TENANT_ID,
    "employerId": "string",
    "reservationDate": "2030-01-08T15:00:00Z",
    "price": 10000,
    "tokenCost": 10,
    "paymentId": "187g3163ee1ffbbdb38b8x09",
    "isMarketplace": True,
    "isWithin24Hours": True,
    "roomId": ROOM_ID,
    "reservationEndDate": "2030-01-08T17:00:00Z",
    "numberOfGuests": 5,
}
DOC_DAY_PASS = {
    k: v
    for k, v in DOC_ROOM_RESERVATION.items()
    if k not in ("roomId", "reservationEndDate", "numberOfGuests")
} | {
    "id": "284d3163ee1ffbbdb38b6c11",
    "reservationType": "DayPass",
    "status": "Pending",
    "reservationDate": "2030-01-08T05:00:00Z",
}
# doc: GetRoomUserCostBreakdownResponse shape (values: 2 h at 60.00 marketplace, NY tax)
ROOM_COST = {
    "amount": 12000,
    "fees": [{"name": "Service fee", "amount": 600}],
    "feeTotal": 600,
    "taxes": 1118,
    "total": 13718,
    "isFullDay": False,
}
PASS_COST = {
    "amount": 3000,
    "fees": [{"name": "Service fee", "amount": 150}],
    "feeTotal": 150,
    "taxes": 280,
    "total": 3430,
}


def page(items, offset=0, total=None):
    return {
        "data": items,
        "pagedRequest": {"offset": offset, "limit": 100},
        "totalCount": len(items) if total is None else total,
    }


def problem(status: int, detail: str, title: str = "Bad Request") -> dict:
    return {
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "/Reservation/create/room",
    }


def room_request(start=None, end=None, attendees=5, customer=MEMBER, uid="b-1"):
    start = start or dt.datetime.combine(TUESDAY, dt.time(10), NEW_YORK)
    end = end or start + dt.timedelta(hours=2)
    return BookingRequest(
        uid=uid, kind="room", start=start, end=end, customer=customer, attendees=attendees
    )


def pass_request(day=TUESDAY, customer=MEMBER, days=1, uid="b-2", zone=NEW_YORK):
    start = dt.datetime.combine(day, dt.time(0), zone)
    return BookingRequest(
        uid=uid,
        kind="pass",
        start=start,
        end=start + dt.timedelta(days=days),
        customer=customer,
        days=days,
    )


def body_of(route, index: int = -1) -> dict:
    return json.loads(route.calls[index].request.content)


@pytest.fixture
def zentry():
    with respx.mock(assert_all_called=False) as mock:
        yield mock


def adapter(**kwargs):
    return adapter_for(ACCOUNT, **{"sleep": lambda s: None, **kwargs})


# --- 1. the document's examples, faked at the transport ------------------------------------


def test_a_room_booking_sends_the_documents_body_with_utc_instants(zentry):
    route = zentry.post(f"{CI}/Reservation/create/room").respond(json=DOC_ROOM_RESERVATION)
    result = adapter().submit(ROOM, room_request())
    [call] = route.calls
    assert call.request.headers["Api-Key"] == ACCOUNT.credentials["api_key"]
    assert body_of(route) == {
        "userId": USER_ID,
        "locationId": LOCATION_ID,
        "tenantId": TENANT_ID,
        "reservationDate": "2030-01-08T15:00:00Z",  # 10:00 in New York (EST, -05:00)
        "roomId": ROOM_ID,
        "reservationEndDate": "2030-01-08T17:00:00Z",
        "numberOfGuests": 5,
    }
    assert result.status == "confirmed"
    assert result.reference == DOC_ROOM_RESERVATION["id"]
    assert result.valid_from == dt.datetime(2030, 1, 8, 10, tzinfo=NEW_YORK)
    assert result.valid_to == dt.datetime(2030, 1, 8, 12, tzinfo=NEW_YORK)
    assert result.valid_from.utcoffset() == dt.timedelta(hours=-5)
    assert result.next_step == "" and result.access_code == ""
    assert result.identity == {"user_id": USER_ID, "shared": True}
    assert result.reply == DOC_ROOM_RESERVATION


def test_summer_time_is_sent_as_the_right_utc_instant(zentry):
    route = zentry.post(f"{CI}/Reservation/create/room").respond(
        json=DOC_ROOM_RESERVATION
        | {"reservationDate": "2030-07-09T13:00:00Z", "reservationEndDate": "2030-07-09T14:00:00Z"}
    )
    start = dt.datetime(2030, 7, 9, 9, tzinfo=NEW_YORK)  # EDT, -04:00
    adapter().submit(ROOM, room_request(start, start + dt.timedelta(hours=1), attendees=1))
    body = body_of(route)
    assert (body["reservationDate"], body["reservationEndDate"]) == (
        "2030-07-09T13:00:00Z",
        "2030-07-09T14:00:00Z",
    )
    assert body["numberOfGuests"] == 1


def test_a_pending_day_pass_awaits_the_spaces_approval(zentry):
    route = zentry.post(f"{CI}/Reservation/create/daypass").respond(json=DOC_DAY_PASS)
    result = adapter().submit(PASS, pass_request())
    assert body_of(route) == {
        "userId": USER_ID,
        "locationId": LOCATION_ID,
        "tenantId": TENANT_ID,
        # the location's local midnight of 8 January 2030 as a UTC instant
        "reservationDate": "2030-01-08T05:00:00Z",
    }
    assert result.status == "awaiting_approval"
    assert result.reference == DOC_DAY_PASS["id"]
    assert result.next_step == Message("zentry.awaiting_approval")
    assert "approves" in str(result.next_step)
    assert result.valid_from == dt.datetime(2030, 1, 8, tzinfo=NEW_YORK)
    assert result.valid_to == dt.datetime(2030, 1, 9, tzinfo=NEW_YORK)


def test_a_member_linked_to_their_own_zentry_user_books_as_that_user(zentry):
    route = zentry.post(f"{CI}/Reservation/create/daypass").respond(
        json=DOC_DAY_PASS | {"userId": "926d3163ee1ffbbdb47b6a77", "status": "Approved"}
    )
    linked = Customer(
        email="m@example.com",
        first_name="M",
        last_name="L",
        identity={"user_id": "926d3163ee1ffbbdb47b6a77", "shared": False},
    )
    result = adapter().submit(PASS, pass_request(customer=linked))
    assert body_of(route)["userId"] == "926d3163ee1ffbbdb47b6a77"
    assert result.identity == {"user_id": "926d3163ee1ffbbdb47b6a77", "shared": False}
    # a remembered shared user that is no longer the account's: the account's user books
    stale = Customer(
        email="s@example.com",
        first_name="S",
        last_name="T",
        identity={"user_id": "old-integration-user", "shared": True},
    )
    adapter().submit(PASS, pass_request(customer=stale))
    assert body_of(route)["userId"] == USER_ID


def test_a_pass_of_several_days_is_refused_before_sending(zentry):
    route = zentry.post(f"{CI}/Reservation/create/daypass").respond(json=DOC_DAY_PASS)
    with pytest.raises(RejectedError, match="one day at a time") as caught:
        adapter().submit(PASS, pass_request(days=2))
    assert caught.value.message == Message("zentry.one_day_at_a_time")
    with pytest.raises(RejectedError, match="one day at a time"):
        adapter().quote(PASS, pass_request(days=3))
    assert not route.called


def test_kinds_zentry_does_not_book_are_unsupported(zentry):
    desk = ItemRef(
        external_id="d", kind="hot_desk", timezone="America/New_York", space_external_id="s"
    )
    with pytest.raises(UnsupportedError):
        adapter().submit(desk, pass_request())
    inquiry = BookingRequest(
        uid="i",
        kind="inquiry",
        start=dt.datetime(2030, 1, 8, tzinfo=NEW_YORK),
        end=dt.datetime(2030, 1, 9, tzinfo=NEW_YORK),
        customer=MEMBER,
    )
    with pytest.raises(UnsupportedError):
        adapter().submit(ROOM, inquiry)


REFUSALS = [
    "Reservation date cannot be in the past.",
    "The location has reached its maximum of 3 visitors on 2030-01-08.",
    "The location is closed on 2030-01-08.",
    "The location is not open on 2030-01-13.",
    "The room is fully booked for the requested time.",
    "The room is closed during the requested time.",
    "Reservations for this room cannot be longer than 240 minutes.",
    "Number of guests (12) exceeds the room capacity of 10.",
    f"Location '{LOCATION_ID}' is not active.",
]


@pytest.mark.parametrize("detail", REFUSALS)
def test_a_400_problem_is_the_providers_refusal_in_its_own_words(zentry, detail):
    route = zentry.post(f"{CI}/Reservation/create/room").respond(400, json=problem(400, detail))
    with pytest.raises(RejectedError) as caught:
        adapter().submit(ROOM, room_request())
    assert caught.value.message == detail
    assert caught.value.status == 400
    assert caught.value.payload["detail"] == detail
    assert route.call_count == 1


def test_a_validation_problem_names_its_fields(zentry):
    zentry.post(f"{CI}/Reservation/create/room").respond(
        400,
        json={
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "errors": {"numberOfGuests": ["The numberOfGuests field is required."]},
        },
    )
    with pytest.raises(RejectedError, match="numberOfGuests: The numberOfGuests field"):
        adapter().submit(ROOM, room_request())


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_an_authentication_error(zentry, status):
    zentry.post(f"{CI}/Reservation/create/daypass").respond(
        status, json=problem(status, "The Api-Key is not valid.", "Unauthorized")
    )
    with pytest.raises(AuthenticationError, match="Api-Key is not valid"):
        adapter().submit(PASS, pass_request())


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, json=problem(500, "boom", "Internal Server Error")),
        httpx.Response(503, text="unavailable"),
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("down"),
    ],
)
def test_faults_are_transient_and_the_booking_post_is_sent_once(zentry, answer):
    route = zentry.post(f"{CI}/Reservation/create/room")
    if isinstance(answer, Exception):
        route.mock(side_effect=answer)
    else:
        route.mock(return_value=answer)
    with pytest.raises(TransientError) as caught:
        adapter().submit(ROOM, room_request())
    assert route.call_count == 1
    if isinstance(answer, httpx.Response) and answer.status_code == 429:
        assert caught.value.retry_after == 7


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "Approved"},  # no id
        DOC_ROOM_RESERVATION | {"status": "OnHold"},
        DOC_ROOM_RESERVATION | {"reservationEndDate": "soon"},
    ],
)
def test_an_answer_that_is_not_a_reservation_is_malformed(zentry, answer):
    zentry.post(f"{CI}/Reservation/create/room").respond(json=answer)
    with pytest.raises(MalformedResponseError):
        adapter().submit(ROOM, room_request())


def test_a_reservation_answered_cancelled_is_a_refusal(zentry):
    zentry.post(f"{CI}/Reservation/create/room").respond(
        json=DOC_ROOM_RESERVATION | {"status": "Cancelled"}
    )
    with pytest.raises(RejectedError, match="cancelled") as caught:
        adapter().submit(ROOM, room_request())
    assert caught.value.message == Message("zentry.not_accepted")


def test_a_room_quote_is_zentrys_user_cost_preview(zentry):
    route = zentry.post(f"{CI}/RoomReservation/user-cost-preview").respond(json=ROOM_COST)
    quote = adapter().quote(ROOM, room_request())
    assert body_of(route) == {
        "userId": USER_ID,
        "locationId": LOCATION_ID,
        "tenantId": TENANT_ID,
        "reservationDate": "2030-01-08T15:00:00Z",
        "roomId": ROOM_ID,
        "reservationEndDate": "2030-01-08T17:00:00Z",
        "numberOfGuests": 5,
    }
    assert (quote.total, quote.currency) == (Decimal("137.18"), "USD")
    assert [(str(label), amount) for label, amount in quote.lines] == [
        ("Meeting room, 2 h", Decimal("120.00")),
        ("Service fee", Decimal("6.00")),
        ("Taxes", Decimal("11.18")),
    ]
    assert sum(amount for _, amount in quote.lines) == quote.total
    assert quote.raw == ROOM_COST
    assert quote.note == Message("zentry.price_note")
    assert str(quote.note) == "Zentry's price for this booking, fees and taxes included."


def test_a_full_day_room_quote_and_a_day_pass_quote(zentry):
    zentry.post(f"{CI}/RoomReservation/user-cost-preview").respond(
        json=ROOM_COST | {"amount": 36000, "isFullDay": True}
    )
    route = zentry.post(f"{CI}/DayPassReservation/user-cost-preview").respond(json=PASS_COST)
    assert str(adapter().quote(ROOM, room_request()).lines[0][0]) == "Meeting room, full-day price"
    quote = adapter().quote(PASS, pass_request())
    assert body_of(route)["reservationDate"] == "2030-01-08T05:00:00Z"
    assert quote.total == Decimal("34.30")
    assert [(str(label), amount) for label, amount in quote.lines] == [
        ("Day pass", Decimal("30.00")),
        ("Service fee", Decimal("1.50")),
        ("Taxes", Decimal("2.80")),
    ]


def test_a_quote_zentry_refuses_or_cannot_make(zentry, no_sleep):
    route = zentry.post(f"{CI}/DayPassReservation/user-cost-preview")
    route.respond(400, json=problem(400, "Reservation date cannot be in the past."))
    with pytest.raises(RejectedError, match="in the past"):
        adapter().quote(PASS, pass_request())
    route.respond(json={"amount": "30.00", "taxes": 0, "total": 3000})
    with pytest.raises(MalformedResponseError):
        adapter().quote(PASS, pass_request())
    # a preview changes nothing: it is retried like a read
    route.mock(side_effect=[httpx.Response(502), httpx.Response(200, json=PASS_COST)])
    assert adapter(sleep=no_sleep).quote(PASS, pass_request()).total == Decimal("34.30")
    assert len(no_sleep) == 1


# find_existing / refresh / cancel ----------------------------------------------------------


@pytest.mark.django_db
def test_reconcile_searches_this_room_user_and_time_and_matches_precisely(zentry):
    route = zentry.post(f"{CI}/RoomReservation").respond(json=page([DOC_ROOM_RESERVATION]))
    found = adapter().find_existing(ROOM, room_request())
    assert found is not None and found.reference == DOC_ROOM_RESERVATION["id"]
    assert found.status == "confirmed"
    assert body_of(route) == {
        "offset": 0,
        "limit": 100,
        "locationIds": [LOCATION_ID],
        "userIds": [USER_ID],
        "roomIds": [ROOM_ID],
        "occupiedDateRange": {"from": "2030-01-08T15:00:00Z", "to": "2030-01-08T17:00:00Z"},
    }
    start = dt.datetime.combine(TUESDAY, dt.time(10), NEW_YORK)
    not_this = [
        room_request(start, start + dt.timedelta(hours=1)),  # another end
        room_request(start + dt.timedelta(hours=1), start + dt.timedelta(hours=2)),
        room_request(attendees=4),  # another number of guests
    ]
    for request in not_this:
        assert adapter().find_existing(ROOM, request) is None
    for other in (
        {"status": "Cancelled"},
        {"userId": "926d3163ee1ffbbdb47b6a78"},
        {"roomId": "184d3163ee1ffbbdb38b6c08"},
    ):
        route.respond(json=page([DOC_ROOM_RESERVATION | other]))
        assert adapter().find_existing(ROOM, room_request()) is None


@pytest.mark.django_db
def test_reconcile_of_a_day_pass_matches_its_local_day(zentry):
    route = zentry.post(f"{CI}/DayPassReservation").respond(
        json=page(
            [
                DOC_DAY_PASS | {"id": "eve", "reservationDate": "2030-01-08T04:59:00Z"},
                DOC_DAY_PASS,
                DOC_DAY_PASS | {"id": "next", "reservationDate": "2030-01-09T05:00:00Z"},
            ]
        )
    )
    found = adapter().find_existing(PASS, pass_request())
    assert found.reference == DOC_DAY_PASS["id"] and found.status == "awaiting_approval"
    body = body_of(route)
    assert body["userIds"] == [USER_ID] and body["locationIds"] == [LOCATION_ID]
    assert body["minimumReservationDate"] <= "2030-01-08T00:00:00Z"
    assert body["maximumReservationDate"] >= "2030-01-09T05:00:00Z"
    # a calendar date sent as 00:00Z by another client is that day too
    route.respond(json=page([DOC_DAY_PASS | {"reservationDate": "2030-01-08T00:00:00Z"}]))
    assert adapter().find_existing(PASS, pass_request()) is not None
    route.respond(json=page([]))
    assert adapter().find_existing(PASS, pass_request()) is None


@pytest.mark.django_db
def test_reconcile_skips_reservations_the_portal_holds_for_other_bookings(zentry):
    """Every member books as the integration user: two members' identical day passes
    look alike at Zentry, so the one another booking already holds (``claimed``, given
    by the lifecycle) is not this one."""
    zentry.post(f"{CI}/DayPassReservation").respond(
        json=page(
            [
                DOC_DAY_PASS | {"id": "first", "dateCreated": "2030-01-01T10:00:00Z"},
                DOC_DAY_PASS | {"id": "second", "dateCreated": "2030-01-01T10:05:00Z"},
            ]
        )
    )
    mine = dataclasses.replace(pass_request(), claimed=frozenset({"first"}))
    assert adapter().find_existing(PASS, mine).reference == "second"
    # the booking that holds "first" (nobody else claims it) finds its own, the oldest
    assert adapter().find_existing(PASS, pass_request()).reference == "first"


@pytest.mark.django_db
def test_the_lifecycle_tells_reconcile_which_references_other_bookings_hold():
    from bookings import services
    from bookings.models import Booking
    from portal.models import User
    from providers.models import ProviderAccount, Space

    account = ProviderAccount.objects.create(kind="zentry", name=ACCOUNT.name, config={})
    space = Space.objects.create(
        account=account, external_id=LOCATION_ID, name="NY", timezone="America/New_York"
    )
    someone = User.objects.create_user(email="a@example.com", password="pw-a-123456789")
    start = dt.datetime.combine(TUESDAY, dt.time(0), NEW_YORK)
    held = Booking.objects.create(
        member=someone,
        kind="pass",
        space=space,
        start=start,
        end=start + dt.timedelta(days=1),
        provider_reference="first",
    )
    mine = Booking.objects.create(
        member=someone, kind="pass", space=space, start=start, end=start + dt.timedelta(days=1)
    )
    assert services.request_for(mine).claimed == frozenset({"first"})
    assert services.request_for(held).claimed == frozenset()


def test_refresh_reads_the_reservation_back(zentry):
    route = zentry.post(f"{CI}/RoomReservation")
    route.respond(json=page([DOC_ROOM_RESERVATION | {"status": "Pending"}]))
    request = room_request()
    assert adapter().refresh(ROOM, request, DOC_ROOM_RESERVATION["id"]).status == (
        "awaiting_approval"
    )
    body = body_of(route)
    assert "userIds" not in body and "statuses" not in body  # any user, any status
    route.respond(json=page([DOC_ROOM_RESERVATION]))
    approved = adapter().refresh(ROOM, request, DOC_ROOM_RESERVATION["id"])
    assert (approved.status, approved.reference) == ("confirmed", DOC_ROOM_RESERVATION["id"])
    route.respond(json=page([DOC_ROOM_RESERVATION | {"status": "Completed"}]))
    assert adapter().refresh(ROOM, request, DOC_ROOM_RESERVATION["id"]).status == "confirmed"
    route.respond(json=page([DOC_ROOM_RESERVATION | {"status": "Cancelled"}]))
    with pytest.raises(RejectedError, match="did not accept"):
        adapter().refresh(ROOM, request, DOC_ROOM_RESERVATION["id"])


def test_refresh_looks_wider_then_says_not_found(zentry):
    zentry.post(f"{CI}/DayPassReservation").respond(json=page([]))
    everything = zentry.post(f"{CI}/Reservation").respond(json=page([DOC_DAY_PASS]))
    assert adapter().refresh(PASS, pass_request(), DOC_DAY_PASS["id"]).status == (
        "awaiting_approval"
    )
    assert body_of(everything) == {
        "offset": 0,
        "limit": 100,
        "locationIds": [LOCATION_ID],
        "userIds": [USER_ID],
    }
    with pytest.raises(NotFoundError, match="no longer has reservation unknown") as caught:
        adapter().refresh(PASS, pass_request(), "unknown")
    assert caught.value.message == Message("zentry.reservation_gone", {"reference": "unknown"})


def test_cancel_sends_the_documents_delete_body(zentry):
    cancelled = DOC_ROOM_RESERVATION | {"status": "Cancelled"}
    route = zentry.delete(f"{CI}/Reservation").respond(json=cancelled)
    reply = adapter().cancel(ROOM, room_request(), DOC_ROOM_RESERVATION["id"])
    assert body_of(route) == {"reservationId": DOC_ROOM_RESERVATION["id"]}
    assert reply == cancelled


def test_cancelling_one_already_cancelled_at_zentry_succeeds(zentry):
    ident = DOC_ROOM_RESERVATION["id"]
    zentry.delete(f"{CI}/Reservation").respond(
        400, json=problem(400, f"Reservation '{ident}' is Cancelled and cannot be cancelled.")
    )
    search = zentry.post(f"{CI}/RoomReservation")
    search.respond(json=page([DOC_ROOM_RESERVATION | {"status": "Cancelled"}]))
    assert adapter().cancel(ROOM, room_request(), ident)["status"] == "Cancelled"
    # a refusal for another reason (checked in, completed) stays a refusal
    search.respond(json=page([DOC_ROOM_RESERVATION | {"status": "Completed"}]))
    with pytest.raises(RejectedError, match="cannot be cancelled"):
        adapter().cancel(ROOM, room_request(), ident)


def test_cancelling_an_unknown_reservation_is_not_found_and_faults_are_transient(zentry):
    route = zentry.delete(f"{CI}/Reservation")
    route.respond(404, json=problem(404, "Reservation 'nope' was not found.", "Not Found"))
    zentry.post(f"{CI}/RoomReservation").respond(json=page([]))
    zentry.post(f"{CI}/Reservation").respond(json=page([]))
    with pytest.raises(NotFoundError, match="'nope' was not found"):
        adapter().cancel(ROOM, room_request(), "nope")
    route.respond(503)
    with pytest.raises(TransientError):
        adapter().cancel(ROOM, room_request(), "nope")
    assert route.call_count == 2  # not repeated inside the adapter


# --- 2. against the sandbox in-process ------------------------------------------------------


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["zentry"]


@pytest.fixture
def account(sandbox_accounts) -> AccountConfig:
    [account] = sandbox_accounts["zentry"]
    return account


@pytest.fixture
def items(account, sandbox_transport) -> dict[str, ItemRef]:
    """The catalogue as the portal stores it: rooms by room id, passes by location id."""
    with adapter_for(account, transport=sandbox_transport) as a:
        spaces = a.fetch_catalogue().spaces
    refs = {}
    for space in spaces:
        for row in [*space.resources, *space.offers]:
            refs[row.external_id if row.kind != "day_pass" else f"pass:{row.external_id}"] = (
                ItemRef(
                    external_id=row.external_id,
                    kind=row.kind,
                    timezone=space.timezone,
                    space_external_id=space.external_id,
                    raw=row.raw,
                    space_raw=space.raw,
                    rules=getattr(row, "rules", {}),
                    quantity=getattr(row, "quantity", 1),
                )
            )
    return refs


@pytest.fixture
def zentry_adapter(account, sandbox_transport):
    with adapter_for(account, transport=sandbox_transport) as a:
        yield a


def weekday_ahead(days: int, zone=NEW_YORK, weekdays=(1, 2, 3)) -> dt.date:
    """The first Tuesday-Thursday at least ``days`` ahead (before the seeded NY one-off
    closure, at least 14 days ahead, when ``days`` <= 7)."""
    day = dt.datetime.now(zone).date() + dt.timedelta(days=days)
    while day.weekday() not in weekdays:
        day += dt.timedelta(days=1)
    return day


def held(state, reference: str) -> dict:
    [reservation] = [r for r in state["reservations"] if r["id"] == reference]
    return reservation


def parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.django_db
def test_sandbox_room_is_held_shown_taken_found_priced_and_freed(state, items, zentry_adapter):
    room = items[seed.NY_FOCUS_ROOM_ID]  # Liberty Focus Room: quantity 1
    day = weekday_ahead(6)
    start = dt.datetime.combine(day, dt.time(14), NEW_YORK)
    request = room_request(start, start + dt.timedelta(hours=2), attendees=3)
    assert zentry_adapter.find_existing(room, request) is None  # never sent
    quote = zentry_adapter.quote(room, request)
    result = zentry_adapter.submit(room, request)
    assert result.status == "confirmed"  # the room auto-approves
    reservation = held(state, result.reference)
    assert reservation["status"] == "Approved" and reservation["roomId"] == room.external_id
    assert reservation["userId"] == seed.USER_ID and reservation["numberOfGuests"] == 3
    assert parse(reservation["reservationDate"]) == start
    assert parse(reservation["reservationEndDate"]) == request.end
    # 2 h at the marketplace 30.00/h + 5 % fee + NY 8.875 % tax, as Zentry charged it
    assert quote.total == Decimal(reservation["price"]) / 100 == Decimal("68.59")
    assert (result.valid_from, result.valid_to) == (start, request.end)

    facts = zentry_adapter.day_facts(room, day)
    assert (start, request.end) in facts.busy and facts.capacity == 1

    again = zentry_adapter.find_existing(room, request)
    assert again is not None and again.reference == result.reference
    later = room_request(start + dt.timedelta(hours=2), start + dt.timedelta(hours=3), 3)
    assert zentry_adapter.find_existing(room, later) is None
    assert zentry_adapter.find_existing(items[seed.NY_CONFERENCE_ROOM_ID], request) is None
    assert zentry_adapter.find_existing(room, room_request(start, request.end, 2)) is None

    with pytest.raises(RejectedError, match="fully booked"):
        zentry_adapter.submit(room, room_request(start, request.end, 1, uid="b-9"))

    reply = zentry_adapter.cancel(room, request, result.reference)
    assert reply["status"] == "Cancelled" == held(state, result.reference)["status"]
    assert (start, request.end) not in zentry_adapter.day_facts(room, day).busy
    assert zentry_adapter.find_existing(room, request) is None
    # a second cancel (an answer lost on the way back) is still a cancel
    assert zentry_adapter.cancel(room, request, result.reference)["status"] == "Cancelled"


@pytest.mark.django_db
def test_sandbox_day_pass_takes_a_place_and_is_found_and_priced(state, items, zentry_adapter):
    day_pass = items[f"pass:{seed.NY_LOCATION_ID}"]
    day = weekday_ahead(7)
    request = pass_request(day)
    [before] = zentry_adapter.pass_days(day_pass, day, day)
    quote = zentry_adapter.quote(day_pass, request)
    assert quote.total == Decimal("34.30")  # the documented NY example: 3000 + 150 + 280
    result = zentry_adapter.submit(day_pass, request)
    assert result.status == "confirmed"
    reservation = held(state, result.reference)
    assert reservation["_day"] == day.isoformat()
    assert Decimal(reservation["price"]) / 100 == quote.total
    [after] = zentry_adapter.pass_days(day_pass, day, day)
    assert after.remaining == before.remaining - 1
    assert zentry_adapter.find_existing(day_pass, request).reference == result.reference
    assert zentry_adapter.find_existing(day_pass, pass_request(day + dt.timedelta(days=1))) is None
    zentry_adapter.cancel(day_pass, request, result.reference)
    [freed] = zentry_adapter.pass_days(day_pass, day, day)
    assert freed.remaining == before.remaining


@pytest.mark.django_db
def test_sandbox_la_needs_approval_then_is_approved_or_declined(
    state, items, zentry_adapter, account, sandbox_transport
):
    boardroom = items[seed.LA_BOARDROOM_ID]  # autoApproveReservations false
    day = weekday_ahead(8, LOS_ANGELES, weekdays=(1, 2, 3))
    start = dt.datetime.combine(day, dt.time(10), LOS_ANGELES)
    request = room_request(start, start + dt.timedelta(hours=2), attendees=6)
    result = zentry_adapter.submit(boardroom, request)
    assert result.status == "awaiting_approval" and result.next_step
    assert zentry_adapter.refresh(boardroom, request, result.reference).status == (
        "awaiting_approval"
    )
    with httpx.Client(
        transport=sandbox_transport,
        base_url=account.config["checkins_url"],
        headers={"Api-Key": account.credentials["api_key"]},
    ) as checkins:
        assert checkins.put(f"/Reservation/{result.reference}/approve").status_code == 200
        approved = zentry_adapter.refresh(boardroom, request, result.reference)
        assert approved.status == "confirmed"

        la_pass = items[f"pass:{seed.LA_LOCATION_ID}"]
        pass_req = pass_request(day, zone=LOS_ANGELES)
        pending = zentry_adapter.submit(la_pass, pass_req)
        assert pending.status == "awaiting_approval"
        # the space declines it (cancels the reservation)
        checkins.request("DELETE", "/Reservation", json={"reservationId": pending.reference})
        with pytest.raises(RejectedError, match="did not accept"):
            zentry_adapter.refresh(la_pass, pass_req, pending.reference)


@pytest.mark.django_db
def test_sandbox_refusals_come_back_in_zentrys_words(state, items, zentry_adapter):
    liberty = items[seed.NY_FOCUS_ROOM_ID]
    ny_pass = items[f"pass:{seed.NY_LOCATION_ID}"]
    yesterday = dt.datetime.now(NEW_YORK).date() - dt.timedelta(days=1)
    with pytest.raises(RejectedError, match="cannot be in the past"):
        zentry_adapter.submit(ny_pass, pass_request(yesterday))
    with pytest.raises(RejectedError, match="cannot be in the past"):
        zentry_adapter.quote(ny_pass, pass_request(yesterday))
    day = weekday_ahead(6)
    early = dt.datetime.combine(day, dt.time(6), NEW_YORK)
    with pytest.raises(RejectedError, match="within the location's open hours"):
        zentry_adapter.submit(liberty, room_request(early, early + dt.timedelta(hours=1), 1))
    sunday = day + dt.timedelta(days=(6 - day.weekday()))
    with pytest.raises(RejectedError, match="not open on"):
        zentry_adapter.submit(ny_pass, pass_request(sunday))
    # the seeded one-off NY closure
    closure = next(
        c
        for c in state["locationClosures"]
        if c["recurrence"] == "None" and c["locationId"] == seed.NY_LOCATION_ID
    )
    holiday = parse(closure["dateRange"]["from"]).astimezone(NEW_YORK).date()
    with pytest.raises(RejectedError, match="closed on"):
        zentry_adapter.submit(ny_pass, pass_request(holiday))
    # LA: maxVisitors 3 -- fill the day, the next one is refused
    la_pass = items[f"pass:{seed.LA_LOCATION_ID}"]
    la_day = weekday_ahead(6, LOS_ANGELES, weekdays=(0, 1, 2, 3))
    for n in range(3):
        zentry_adapter.submit(la_pass, pass_request(la_day, zone=LOS_ANGELES, uid=f"la-{n}"))
    with pytest.raises(RejectedError, match="maximum of 3 visitors"):
        zentry_adapter.submit(la_pass, pass_request(la_day, zone=LOS_ANGELES))


# --- 3. the lifecycle with the real adapter on the sandbox ------------------------------------


class LosingTransport(httpx.BaseTransport):
    """Forwards to the sandbox; when ``lose`` is set, the answer to a booking POST is lost
    on the way back (the sandbox carried it out, the adapter sees a timeout)."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner = inner
        self.lose = False
        self.creates = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/Reservation/create/" in request.url.path:
            self.creates += 1
            if self.lose:
                self.lose = False
                response.read()
                raise httpx.ReadTimeout("answer lost", request=request)
        return response


@pytest.fixture
def transport(sandbox_transport):
    return LosingTransport(sandbox_transport)


@pytest.fixture
def synced(db, account, transport, monkeypatch):
    account = portal_on_sandbox(monkeypatch, transport, account)
    cache.clear()
    yield account
    cache.clear()


def make_member(email: str, first: str = "Riley", last: str = "Chen"):
    from portal.models import User

    return User.objects.create_user(
        email=email,
        password="pw-riley-123456",
        first_name=first,
        last_name=last,
        phone="+1 212 555 0100",
    )


@pytest.fixture
def member(db):
    return make_member("riley.chen@example.com")


def book_room(member, account, room_id: str, day: dt.date, hour: int, hours=1, zone=NEW_YORK):
    from bookings import services
    from providers.models import Resource

    room = Resource.objects.select_related("space__account").get(
        space__account=account, external_id=room_id
    )
    start = dt.datetime.combine(day, dt.time(hour), zone)
    end = start + dt.timedelta(hours=hours)
    preview = BookingRequest(uid="preview", kind="room", start=start, end=end, customer=MEMBER)
    quote = services.quote_for(room, preview)
    return services.booking_create_room(
        member=member, resource=room, start=start, end=end, quote=quote
    )


def book_pass(member, account, location_id: str, day: dt.date):
    from bookings import services
    from providers.models import Offer

    offer = Offer.objects.select_related("space__account").get(
        space__account=account, external_id=location_id
    )
    return services.booking_create_pass(member=member, offer=offer, day=day)


def created_since(state, before: int) -> list[dict]:
    return state["reservations"][before:]


@pytest.mark.django_db
def test_lifecycle_confirms_a_room_and_a_pass(synced, member, state):
    from bookings import services
    from bookings.models import ProviderIdentity, Status

    before = len(state["reservations"])
    day = weekday_ahead(6)
    room = book_room(member, synced, seed.NY_CONFERENCE_ROOM_ID, day, 14, hours=2)
    # Hudson 2 h at the marketplace 60.00/h, + 5 % fee + NY tax: Zentry's preview
    assert (room.price, room.currency) == (Decimal("137.18"), "USD")
    assert services.submit(room.pk) == Status.CONFIRMED
    room.refresh_from_db()
    [reservation] = created_since(state, before)
    assert room.provider_reference == reservation["id"]
    assert reservation["status"] == "Approved" and reservation["price"] == 13718
    assert room.valid_from == room.start and room.valid_to == room.end

    day_pass = book_pass(member, synced, seed.NY_LOCATION_ID, day)
    assert services.submit(day_pass.pk) == Status.CONFIRMED
    day_pass.refresh_from_db()
    [_, pass_reservation] = created_since(state, before)
    assert day_pass.provider_reference == pass_reservation["id"]
    assert pass_reservation["_day"] == day.isoformat()
    identity = ProviderIdentity.objects.get(member=member, account=synced)
    assert identity.data == {"user_id": seed.USER_ID, "shared": True}

    services.cancel(day_pass, actor=member, actor_label="member")
    assert held(state, day_pass.provider_reference)["status"] == "Cancelled"


@pytest.mark.django_db
def test_lifecycle_awaits_approval_and_the_reconcile_follows_it(synced, member, state, sandbox):
    from bookings import services
    from bookings.models import Status

    day = weekday_ahead(8, LOS_ANGELES)
    booking = book_room(member, synced, seed.LA_BOARDROOM_ID, day, 10, zone=LOS_ANGELES)
    assert services.submit(booking.pk) == Status.AWAITING_APPROVAL
    booking.refresh_from_db()
    assert "approves" in booking.next_step_text
    assert services.refresh_from_provider(booking) is False  # still pending
    held(state, booking.provider_reference)["status"] = "Approved"  # the space approves
    assert services.refresh_from_provider(booking) is True
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED and booking.next_step == ""

    declined = book_pass(member, synced, seed.LA_LOCATION_ID, day)
    assert services.submit(declined.pk) == Status.AWAITING_APPROVAL
    declined.refresh_from_db()
    held(state, declined.provider_reference)["status"] = "Cancelled"  # the space declines
    assert services.refresh_from_provider(declined) is True
    declined.refresh_from_db()
    assert declined.status == Status.REJECTED
    assert "did not accept" in declined.provider_message_text


@pytest.mark.django_db
def test_lifecycle_retries_a_fault_and_books_exactly_once(synced, member, state, sandbox):
    from bookings import services
    from bookings.models import Status

    before = len(state["reservations"])
    day = weekday_ahead(6)
    booking = book_room(member, synced, seed.NY_FOCUS_ROOM_ID, day, 9)
    sandbox.apply_faults({"zentry": {"error_rate": 1}})
    with pytest.raises(services.Retry):
        services.submit(booking.pk)
    sandbox.faults.clear()
    assert created_since(state, before) == []
    assert services.submit(booking.pk) == Status.CONFIRMED
    [reservation] = created_since(state, before)
    booking.refresh_from_db()
    assert booking.provider_reference == reservation["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["room", "pass"])
def test_a_lost_answer_is_reconciled_without_a_second_booking(
    synced, member, state, transport, kind
):
    from bookings import services
    from bookings.models import Status

    before = len(state["reservations"])
    day = weekday_ahead(7)
    booking = (
        book_room(member, synced, seed.NY_CONFERENCE_ROOM_ID, day, 11)
        if kind == "room"
        else book_pass(member, synced, seed.NY_LOCATION_ID, day)
    )
    transport.lose = True
    with pytest.raises(services.Retry):
        services.submit(booking.pk)
    [reservation] = created_since(state, before)  # the sandbox did book it
    assert services.submit(booking.pk) == Status.CONFIRMED
    assert transport.creates == 1  # reconciled, not sent again
    booking.refresh_from_db()
    assert booking.provider_reference == reservation["id"]
    assert created_since(state, before) == [reservation]


@pytest.mark.django_db
def test_two_members_same_slot_each_reconciles_to_their_own_reservation(
    synced, member, state, transport
):
    """Hudson has two units; both members book 15:00 as the same Zentry user. The second
    member's answer is lost: the reconcile must not take the first member's reservation."""
    from bookings import services
    from bookings.models import Status

    before = len(state["reservations"])
    day = weekday_ahead(7)
    first = book_room(member, synced, seed.NY_CONFERENCE_ROOM_ID, day, 15)
    assert services.submit(first.pk) == Status.CONFIRMED
    other = make_member("sam.other@example.com", "Sam", "Other")
    second = book_room(other, synced, seed.NY_CONFERENCE_ROOM_ID, day, 15)
    transport.lose = True
    with pytest.raises(services.Retry):
        services.submit(second.pk)
    assert services.submit(second.pk) == Status.CONFIRMED
    first.refresh_from_db()
    second.refresh_from_db()
    made = created_since(state, before)
    assert len(made) == 2 and transport.creates == 2
    assert {first.provider_reference, second.provider_reference} == {r["id"] for r in made}


@pytest.mark.django_db
def test_a_slot_taken_at_zentry_meanwhile_is_rejected_with_zentrys_words(
    synced, member, state, items, zentry_adapter
):
    from bookings import services
    from bookings.models import Status

    day = weekday_ahead(6)
    booking = book_room(member, synced, seed.NY_FOCUS_ROOM_ID, day, 16)
    start = dt.datetime.combine(day, dt.time(16), NEW_YORK)
    zentry_adapter.submit(
        items[seed.NY_FOCUS_ROOM_ID], room_request(start, start + dt.timedelta(hours=1), 1)
    )
    assert services.submit(booking.pk) == Status.REJECTED
    booking.refresh_from_db()
    assert booking.provider_message == "The room is fully booked for the requested time."


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("zentry.awaiting_approval", {}),
        ("zentry.one_day_at_a_time", {}),
        ("zentry.not_accepted", {}),
        ("zentry.reservation_gone", {"reference": "abc"}),
        ("zentry.price_note", {}),
    ],
)
def test_every_message_the_adapter_writes_is_declared_in_the_spec(code, params):
    assert code.partition(".")[2] in SPEC.messages
    words = Message(code, params).text()
    assert words and words != code and "%(" not in words
