"""A French member's emails (every status), reminder and calendar files carry no phrase
of the translation catalogue left in English (the pages are checked in the browser:
tests/e2e/test_member_pages.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from bookings import calendars, emails, reminders
from bookings.models import Booking, Kind, Status
from tests.bookings.conftest import DUBLIN
from tests.french import english_left

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 10, 0, tzinfo=DUBLIN)


def unfolded(ics: bytes | str) -> str:
    text = ics.decode() if isinstance(ics, bytes) else ics
    return text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


def a_booking(room, member, status: str) -> Booking:
    room.space.raw = {**room.space.raw, "directions": "2e étage", "wifi_network": "Kanal"}
    room.space.save()
    return Booking.objects.create(
        member=member,
        kind=Kind.ROOM,
        space=room.space,
        resource=room,
        status=status,
        start=START,
        end=START + dt.timedelta(hours=2),
        title="Atelier",
        price=Decimal("40.00"),
        currency="EUR",
        access_code="4711",
        qr_url="https://thia.example/qr/1",
        provider_message="msg:" + '{"code": "booking_failed", "params": {}}',
    )


@pytest.mark.parametrize("status", sorted(emails.MEMBER_EMAILS))
def test_every_status_email_and_its_invitation_are_french(room, member, status):
    member.language = "fr"
    member.save()
    booking = a_booking(room, member, status)
    emails._send_member_email(booking, None)
    (message,) = mail.outbox
    parts = [message.subject, message.body]
    for part in message.message().walk():
        if part.get_content_type() in ("text/calendar", "application/ics"):
            parts.append(unfolded(part.get_payload(decode=True)))
    assert any("BEGIN:VCALENDAR" in p for p in parts)  # the invitation was read
    left = english_left("\n".join(parts))
    assert left == [], f"{status}: English left in French: {left}"


def test_the_reminder_and_the_calendar_feed_are_french(room, member):
    member.language = "fr"
    member.save()
    booking = a_booking(room, member, Status.CONFIRMED)
    # made well before the reminder is due
    Booking.objects.filter(pk=booking.pk).update(created_at=START - dt.timedelta(days=7))
    assert reminders.deliver(booking.pk, 60, START - dt.timedelta(hours=1)) == "sent"
    (message,) = mail.outbox
    with translation.override("fr"):
        feed = unfolded(calendars.member_feed(member, [booking]))
    assert "Statut" in feed  # French labels, read back
    left = english_left("\n".join([message.subject, message.body, feed]))
    assert left == [], left
