"""Workways members it already knows book the same day (seed 001: "Existing User
(Active) ✅ Allowed [same-day] ... New User ❌ Not allowed ✅ Minimum 2 days"); the portal
asks ``GET /api/user-info?email=`` instead of trusting only its own past bookings."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from django.core.cache import cache

from bookings import availability, services
from bookings.models import ProviderIdentity, Status
from bookings.services import validation
from portal.models import User
from providers.adapters import adapter_for
from providers.adapters.types import Customer
from providers.models import Resource
from sandbox import workways_seed as seeds
from tests.providers.conftest import portal_on_sandbox

pytestmark = pytest.mark.django_db


class CountingTransport(httpx.BaseTransport):
    """The sandbox, counting the user-info lookups; ``down`` answers every call 503."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner = inner
        self.user_info = 0
        self.down = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/api/user-info"):
            self.user_info += 1
        if self.down:
            return httpx.Response(503, json={"retcode": -1, "message": "Service unavailable"})
        return self.inner.handle_request(request)


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["workways"]


@pytest.fixture
def account(sandbox_accounts):
    [account] = sandbox_accounts["workways"]
    return account


@pytest.fixture
def transport(sandbox_transport):
    return CountingTransport(sandbox_transport)


@pytest.fixture
def synced(state, account, transport, monkeypatch):
    # the boardroom open round the clock every day, so "today" has free slots whatever
    # the hour the test runs at
    [room] = [r for r in state["rooms"] if r["_id"] == seeds.R_DUB_B]
    room.update(slotWeek="00:00-24:00", slotSaturday="00:00-24:00", slotSunday="00:00-24:00")
    cache.clear()
    synced = portal_on_sandbox(monkeypatch, transport, account)
    # no backoff sleeps when the test takes Workways down
    patched = validation.adapter_for
    monkeypatch.setattr(
        validation, "adapter_for", lambda acc, **kw: patched(acc, **kw, sleep=lambda s: None)
    )
    yield synced
    cache.clear()


def member(email: str) -> User:
    return User.objects.create_user(
        email=email,
        password="pw-member-123456",
        first_name="Sarah",
        last_name="Murphy",
        phone="+353 1 555 0101",
    )


def boardroom() -> Resource:
    return Resource.objects.select_related("space__account").get(external_id=seeds.R_DUB_B)


def first_free_slot(room: Resource) -> tuple[dt.datetime, dt.datetime]:
    """The first free hour today (tomorrow after 23:00): both are within Workways' two
    days of notice for new users."""
    today = availability.local_today_for(room.space.timezone)
    for day in (today, today + dt.timedelta(days=1)):
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        free = [s for s in availability.resource_day(room, day).slots if s.available]
        free = [s for s in free if s.start >= soon]
        if free:
            return free[0].start, free[0].end
    raise AssertionError("the boardroom has no free hour today or tomorrow")


def book(who: User, room: Resource, start: dt.datetime, end: dt.datetime):
    return services.booking_create_room(
        member=who, resource=room, start=start, end=end, attendees=4
    )


# --- the adapter --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "known"),
    [
        (seeds.KNOWN_MEMBER_EMAIL, True),  # active user of an active organization
        (seeds.KNOWN_MEMBER_EMAIL.upper(), True),  # doc: "email ... (case insensitive)"
        ("nobody@example.com", False),  # doc: "New User (Email Not Found)"
        (seeds.ARCHIVED_USER_EMAIL, False),  # "Archived User ❌ Not allowed"
        (seeds.ARCHIVED_MEMBER_EMAIL, False),  # organization archived
        ("tom.walsh@example.org", False),  # "temp: pending registration completion"
    ],
)
def test_workways_says_whether_it_knows_the_member(account, sandbox_transport, email, known):
    with adapter_for(account, transport=sandbox_transport) as adapter:
        assert adapter.knows_member(Customer(email, "A", "B")) is known


# --- booking through the portal -------------------------------------------------------


def test_a_member_workways_knows_books_for_today(synced, state, transport):
    sarah = member(seeds.KNOWN_MEMBER_EMAIL)
    room = boardroom()
    start, end = first_free_slot(room)
    booking = book(sarah, room, start, end)
    assert transport.user_info == 1
    identity = ProviderIdentity.objects.get(member=sarah, account=synced)
    assert identity.data["known_user"] is True
    # the meeting request goes out and Workways confirms it at once ("ACCEPTED")
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    [meeting] = [m for m in state["meetings"] if m["_id"] == booking.provider_reference]
    assert meeting["roomId"] == seeds.R_DUB_B
    # a second booking needs no second lookup: the answer is remembered
    later_start, later_end = first_free_slot(room)
    book(sarah, room, later_start, later_end)
    assert transport.user_info == 1


def test_a_member_workways_does_not_know_is_told_to_book_two_days_ahead(synced, transport):
    newcomer = member("new.person@example.com")
    room = boardroom()
    start, end = first_free_slot(room)
    with pytest.raises(services.BookingError, match="at least 2 days ahead"):
        book(newcomer, room, start, end)
    with pytest.raises(services.BookingError, match="at least 2 days ahead"):
        book(newcomer, room, start, end)
    assert transport.user_info == 1  # "no" is believed for a while, not asked each time
    identity = ProviderIdentity.objects.get(member=newcomer, account=synced)
    assert identity.data["known_user"] is False
    # after a while Workways is asked again: the member may have registered meanwhile
    identity.data["known_user_checked_at"] = (
        dt.datetime.now(dt.UTC) - validation.UNKNOWN_MEMBER_TTL - dt.timedelta(seconds=1)
    ).isoformat()
    identity.save()
    with pytest.raises(services.BookingError):
        book(newcomer, room, start, end)
    assert transport.user_info == 2


def test_workways_down_falls_back_to_the_two_day_rule(synced, transport):
    sarah = member(seeds.KNOWN_MEMBER_EMAIL)
    room = boardroom()
    start, end = first_free_slot(room)
    transport.down = True
    with pytest.raises(services.BookingError, match="at least 2 days ahead"):
        book(sarah, room, start, end)
    assert not ProviderIdentity.objects.filter(member=sarah, account=synced).exists()
    transport.down = False
    assert book(sarah, room, start, end).status == Status.PENDING


def test_days_beyond_the_notice_need_no_lookup(synced, transport):
    newcomer = member("new.person@example.com")
    room = boardroom()
    later = availability.local_today_for(room.space.timezone) + dt.timedelta(days=3)
    free = [s for s in availability.resource_day(room, later).slots if s.available]
    booking = book(newcomer, room, free[0].start, free[0].end)
    assert booking.status == Status.PENDING
    assert transport.user_info == 0
