"""4Spaces bookings are requests staff confirm: priced from the products, nothing sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from bookings import availability, tasks
from bookings import services as booking_services
from bookings.models import Booking, Status
from portal.models import User
from providers.messages import Message
from providers.models import Resource
from tests.providers.conftest import portal_on_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(sandbox_accounts, sandbox_transport, monkeypatch):
    return portal_on_sandbox(monkeypatch, sandbox_transport, sandbox_accounts["fourspaces"][0])


@pytest.fixture
def member():
    return User.objects.create_user(
        email="anna@example.com",
        password="pw-anna-123456",
        first_name="Anna",
        last_name="Huber",
        phone="+43 1 234 5678",
    )


def _room():
    return (
        Resource.objects.select_related("space__account")
        .filter(space__account__kind="fourspaces", kind="meeting_room", price_hour__isnull=False)
        .first()
    )


def test_the_quote_adds_vat_to_the_products_price(synced, member):
    room = _room()
    tz = availability.local_day_bounds(dt.date.today(), room.space.timezone)[0].tzinfo
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=3), dt.time(10), tz)
    from providers.adapters.types import BookingRequest, Customer

    quote = booking_services.quote_for(
        room,
        BookingRequest(
            uid="q",
            kind="room",
            start=start,
            end=start + dt.timedelta(hours=2),
            customer=Customer("a@b.c", "A", "B"),
        ),
    )
    assert quote.total is not None and quote.currency
    assert quote.note == Message("fourspaces.estimate")  # the space confirms the price
    vat_lines = [amount for label, amount in quote.lines if str(label).startswith("VAT")]
    net = sum(amount for label, amount in quote.lines if not str(label).startswith("VAT"))
    assert vat_lines and quote.total == net + vat_lines[0]
    assert vat_lines[0] == (net * Decimal(room.raw["vat_percentage"]) / 100).quantize(
        Decimal("0.01")
    )


def test_a_request_waits_for_staff_who_confirm_it(
    synced, member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    monkeypatch.setattr(tasks.send_email, "delay", lambda *a: tasks.send_email(*a))
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)
    room = _room()
    answer = None
    day = dt.date.today() + dt.timedelta(days=1)
    for offset in range(7):
        answer = availability.resource_day(room, day + dt.timedelta(days=offset))
        free = [s for s in answer.slots if s.available]
        if len(free) >= 2:
            break
    start = free[0].start
    booking = booking_services.booking_create_room(
        member=member, resource=room, start=start, end=start + dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert booking_services.submit(booking.pk) == Status.AWAITING_APPROVAL
    booking.refresh_from_db()
    assert Message.loads(booking.next_step) == Message("fourspaces.request_sent")
    # nothing reaches 4Spaces: the member is not told "we have sent yours"
    assert "our team will confirm yours with the space" in booking.next_step_text
    assert any(m.to == ["ops@example.com"] for m in mail.outbox)  # staff are told
    (requested,) = [m for m in mail.outbox if m.to == ["anna@example.com"]]
    assert "our team, who will confirm it with the space" in requested.body
    assert "sent yours" not in requested.body
    staff = User.objects.create_superuser(email="ops@example.com", password="pw-ops-123456")
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.staff_decide(booking, approve=True, actor=staff)
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
    assert mail.outbox[-1].to == ["anna@example.com"]
