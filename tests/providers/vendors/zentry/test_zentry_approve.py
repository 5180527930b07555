"""Zentry approval (CheckIns API, ``003_c7b0553c6c4180e6.txt``: ``PUT
/Reservation/{id}/approve`` -> 200 Reservation).

1. The adapter, faked at the transport: the call, the answer read as a SubmitResult, a
   key without approval rights (403) as a refusal staff can act on.
2. Staff approval through the booking services on the sandbox in-process: the booking is
   confirmed only once Zentry says Approved; a key without rights leaves it awaiting.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from bookings import services
from bookings.models import Status
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    NotFoundError,
    RejectedError,
    TransientError,
)
from providers.messages import Message
from sandbox import zentry_seed as seed
from tests.providers.conftest import portal_on_sandbox
from tests.providers.vendors.zentry.test_zentry_booking import (  # noqa: F401 - fixtures
    CI,
    DOC_ROOM_RESERVATION,
    LOS_ANGELES,
    ROOM,
    account,
    adapter,
    book_pass,
    book_room,
    held,
    make_member,
    problem,
    room_request,
    state,
    weekday_ahead,
    zentry,
)

RESERVATION_ID = DOC_ROOM_RESERVATION["id"]


# --- 1. the adapter -------------------------------------------------------------------


def test_approve_puts_to_the_documents_url_and_reads_the_reservation(zentry):  # noqa: F811
    route = zentry.put(f"{CI}/Reservation/{RESERVATION_ID}/approve").respond(
        json=DOC_ROOM_RESERVATION | {"status": "Approved"}
    )
    result = adapter().approve(ROOM, room_request(), RESERVATION_ID)
    [call] = route.calls
    assert call.request.headers["Api-Key"] == "zk_live_secret_key_0123456789"
    assert call.request.content == b""  # the document gives no body
    assert result.status == "confirmed" and result.reference == RESERVATION_ID
    assert result.reply["status"] == "Approved"


def test_an_answer_still_pending_is_not_a_confirmation(zentry):  # noqa: F811
    zentry.put(f"{CI}/Reservation/{RESERVATION_ID}/approve").respond(
        json=DOC_ROOM_RESERVATION | {"status": "Pending"}
    )
    assert adapter().approve(ROOM, room_request(), RESERVATION_ID).status == "awaiting_approval"


def test_a_key_without_approval_rights_is_a_refusal_with_words_for_staff(zentry):  # noqa: F811
    zentry.put(f"{CI}/Reservation/{RESERVATION_ID}/approve").respond(
        403, json=problem(403, "This Api-Key may not approve reservations.")
    )
    with pytest.raises(RejectedError) as caught:
        adapter().approve(ROOM, room_request(), RESERVATION_ID)
    assert caught.value.message == Message("zentry.approve_forbidden")
    assert caught.value.status == 403
    assert "may not approve" in str(caught.value.message)


def test_other_failures_keep_their_meaning(zentry):  # noqa: F811
    route = zentry.put(f"{CI}/Reservation/{RESERVATION_ID}/approve")
    route.respond(401, json=problem(401, "The Api-Key is not valid."))
    with pytest.raises(AuthenticationError):
        adapter().approve(ROOM, room_request(), RESERVATION_ID)
    route.respond(404, json=problem(404, f"Reservation '{RESERVATION_ID}' was not found."))
    with pytest.raises(NotFoundError):
        adapter().approve(ROOM, room_request(), RESERVATION_ID)
    detail = f"Reservation '{RESERVATION_ID}' is Cancelled and cannot be approved."
    route.respond(400, json=problem(400, detail))
    with pytest.raises(RejectedError, match="cannot be approved"):
        adapter().approve(ROOM, room_request(), RESERVATION_ID)
    route.respond(503)
    with pytest.raises(TransientError):
        adapter().approve(ROOM, room_request(), RESERVATION_ID)
    assert len(route.calls) == 3 + 4  # approving twice is approving once: 5xx are retried


# --- 2. staff approval on the sandbox -------------------------------------------------


@pytest.fixture
def synced(db, account, sandbox_transport, monkeypatch):  # noqa: F811
    from bookings.services import staff

    # staff approval asks the provider too (portal_on_sandbox predates it)
    monkeypatch.setattr(
        staff, "adapter_for", lambda acc, **kw: adapter_for(acc, transport=sandbox_transport, **kw)
    )
    account = portal_on_sandbox(monkeypatch, sandbox_transport, account)
    cache.clear()
    yield account
    cache.clear()


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser(
        email="ops@example.com", password="pw-ops-123456"
    )


def awaiting(state, synced):  # noqa: F811
    member = make_member("riley.chen@example.com")
    day = weekday_ahead(8, LOS_ANGELES)
    booking = book_room(member, synced, seed.LA_BOARDROOM_ID, day, 10, zone=LOS_ANGELES)
    assert services.submit(booking.pk) == Status.AWAITING_APPROVAL
    booking.refresh_from_db()
    assert held(state, booking.provider_reference)["status"] == "Pending"
    return booking


def test_staff_approval_goes_to_zentry_which_says_approved(synced, state, staff_user):  # noqa: F811
    booking = awaiting(state, synced)
    assert services.approval_note(booking).startswith("The approval is sent to Zentry")
    assert services.approve_request(booking, actor=staff_user) is True
    assert held(state, booking.provider_reference)["status"] == "Approved"
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED and booking.next_step == ""
    event = booking.events.last()
    assert event.actor_label == "staff" and event.provider_reply["status"] == "Approved"


def test_a_key_without_rights_leaves_the_booking_awaiting(synced, state, staff_user):  # noqa: F811
    booking = awaiting(state, synced)
    key = synced.credentials["api_key"]
    state["apiKeys"][key]["canApprove"] = False
    with pytest.raises(services.BookingError) as caught:
        services.approve_request(booking, actor=staff_user)
    assert "may not approve reservations" in caught.value.message
    assert "unchanged" in caught.value.message
    assert held(state, booking.provider_reference)["status"] == "Pending"
    booking.refresh_from_db()
    assert booking.status == Status.AWAITING_APPROVAL


def test_a_decline_cancels_it_at_zentry_with_a_reason(synced, state, staff_user):  # noqa: F811
    member = make_member("sam.o@example.com", "Sam", "O")
    booking = book_pass(member, synced, seed.LA_LOCATION_ID, weekday_ahead(9, LOS_ANGELES))
    assert services.submit(booking.pk) == Status.AWAITING_APPROVAL
    booking.refresh_from_db()
    services.decline_request(booking, actor=staff_user, reason="The LA space is closed that day.")
    assert held(state, booking.provider_reference)["status"] == "Cancelled"
    booking.refresh_from_db()
    assert booking.status == Status.REJECTED
    assert booking.provider_message_text == "The LA space is closed that day."
    assert "closed that day" in booking.events.last().reason


def test_one_the_space_cancelled_is_not_approved(synced, state, staff_user):  # noqa: F811
    booking = awaiting(state, synced)
    held(state, booking.provider_reference)["status"] = "Cancelled"
    with pytest.raises(services.BookingError, match="cannot be approved"):
        services.approve_request(booking, actor=staff_user)
    booking.refresh_from_db()
    assert booking.status == Status.AWAITING_APPROVAL
