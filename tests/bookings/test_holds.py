"""The portal's own live bookings hold their slots where the provider's availability
cannot show them: 4Spaces has no booking endpoint (seed 004 documents only ``GET
/organization/details``), so a request staff confirmed is taken only in the portal."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import httpx
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bookings import availability
from bookings import services as booking_services
from bookings.models import Booking, Status
from devtools.demo import accounts_from_sandbox_config
from portal.models import User
from providers.models import Resource
from sandbox import build_sandbox
from tests.bookings.conftest import tomorrow_at
from tests.providers.conftest import portal_on_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def fourspaces(monkeypatch, settings):
    """The portal on the in-process sandbox's 4Spaces account; pages wait for its answers
    (these tests are about the holds, not the page's budget: on CI's loaded machine the
    sandbox once took 500 ms, past the 300 ms a page waits)."""
    settings.PAGE_PROVIDER_BUDGET_MS = settings.PAGE_PROVIDER_TOTAL_MS = 30_000
    sandbox = build_sandbox(state_path=None, fault_seed=1)
    config = sandbox.print_config("http://127.0.0.1:8001")
    [account] = [a for a in accounts_from_sandbox_config(config) if a.kind == "fourspaces"][:1]
    cache.clear()
    yield portal_on_sandbox(monkeypatch, httpx.WSGITransport(app=sandbox), account)
    cache.clear()


@pytest.fixture
def anna():
    return User.objects.create_user(
        email="anna@example.com",
        password="pw-anna-123456",
        first_name="Anna",
        last_name="Huber",
        phone="+43 1 234 5678",
    )


def fourspaces_room() -> Resource:
    return (
        Resource.objects.select_related("space__account")
        .filter(space__account__kind="fourspaces", kind="meeting_room")
        .order_by("pk")
        .first()
    )


def free_hour(room: Resource) -> dt.datetime:
    day = availability.local_today_for(room.space.timezone) + dt.timedelta(days=2)
    for offset in range(14):
        free = [
            s for s in availability.resource_day(room, day + dt.timedelta(days=offset)).slots
            if s.available
        ]  # fmt: skip
        if free:
            return free[0].start
    raise AssertionError("no free slot in two weeks")


def slot_at(client, room: Resource, start: dt.datetime) -> dict:
    day = start.astimezone(dt.UTC).astimezone(start.tzinfo).date()
    answer = client.get(reverse("api_slots", args=[room.pk]), {"date": day.isoformat()}).json()
    [slot] = [s for s in answer["slots"] if dt.datetime.fromisoformat(s["start"]) == start]
    return slot


def test_a_staff_confirmed_fourspaces_booking_keeps_its_slot(fourspaces, anna, client):
    room = fourspaces_room()
    start = free_hour(room)
    booking = booking_services.booking_create_room(
        member=anna, resource=room, start=start, end=start + dt.timedelta(hours=1)
    )
    assert booking_services.submit(booking.pk) == Status.AWAITING_APPROVAL
    booking.refresh_from_db()
    staff = User.objects.create_superuser(email="ops@example.com", password="pw-ops-123456")
    booking_services.staff_decide(booking, approve=True, actor=staff)
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
    # the facts are read again after the confirmation: 4Spaces still shows the slot free
    Booking.objects.filter(pk=booking.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=5)
    )
    cache.clear()
    assert slot_at(client, room, start)["available"] is False  # the slots API
    week = client.get(
        reverse("resource_detail", args=[room.pk]), {"week": start.date().isoformat()}
    ).content.decode()
    link = reverse("book_resource", args=[room.pk]) + "?start="
    free_starts = {part.split('"', 1)[0] for part in week.split(link)[1:]}
    assert start.isoformat() not in {unquote(s) for s in free_starts}  # the week page
    assert any(unquote(s).startswith(start.date().isoformat()) for s in free_starts)
    # cancelled, the slot is free again
    Booking.objects.filter(pk=booking.pk).update(status=Status.CANCELLED)
    cache.clear()
    assert slot_at(client, room, start)["available"] is True


def test_a_provider_that_shows_its_bookings_is_not_counted_twice(member, room, provider):
    # the scripted provider reflects bookings: a confirmed booking older than its answer
    # is in that answer already, and laying it on top would take a second unit
    start = tomorrow_at(10)
    booking = booking_services.booking_create_room(
        member=member, resource=room, start=start, end=start + dt.timedelta(hours=1)
    )
    Booking.objects.filter(pk=booking.pk).update(
        status=Status.CONFIRMED, updated_at=timezone.now() - dt.timedelta(minutes=5)
    )
    day_start, day_end = availability.local_day_bounds(start.date(), room.space.timezone)
    assert availability.portal_holds(room, day_start, day_end, timezone.now()) == []
    assert availability.portal_holds(room, day_start, day_end, None) == [
        (start, start + dt.timedelta(hours=1))
    ]
