"""Booking emails carry the booking as a calendar invitation mail clients act on: an iTIP
REQUEST (then its update, then a CANCEL) from the portal's sender to the member, in the
MIME shape Outlook, Gmail and Apple Mail look for; read here by two independent parsers
(icalendar and vobject)."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes

import pytest
import vobject
from django.core import mail
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from bookings import calendars, emails, services, tasks
from bookings.models import Booking, BookingEvent, Status
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db

WAY_IN = {
    "directions": "Take the elevator to the 3rd floor, reception is on the left.",
    "wifi_network": "Nord_WiFi",
    "wifi_password": "welcome123",
}


@pytest.fixture
def sent(monkeypatch):
    """The worker runs each email task at once."""
    monkeypatch.setattr(tasks.send_email, "delay", lambda *a: tasks.send_email(*a))
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)


@pytest.fixture
def lifecycle(member, room, provider, sent, settings, django_capture_on_commit_callbacks):
    """A room booked, moved by the space, then cancelled: the member's three emails."""
    settings.DEFAULT_FROM_EMAIL = "Coworking Portal <bookings@portal.example>"
    room.space.address, room.space.city = "12 Quay Street", "Dublin"
    room.space.raw = {**room.space.raw, **WAY_IN}
    room.space.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create_room(
            member=member, resource=room, start=tomorrow_at(10), end=tomorrow_at(11)
        )
        services.submit(booking.pk)
    with django_capture_on_commit_callbacks(execute=True):
        Booking.objects.filter(pk=booking.pk).update(
            start=tomorrow_at(14),
            end=tomorrow_at(15),
            sequence=F("sequence") + 1,
            updated_at=timezone.now(),
        )
        BookingEvent.objects.create(
            booking=booking,
            from_status=Status.CONFIRMED,
            to_status=Status.CONFIRMED,
            actor_label="worker",
            reason=f"{emails.MOVED_REASON}: 10:00 -> 14:00",
        )
        emails.send_status_email(booking.pk)
    with django_capture_on_commit_callbacks(execute=True):
        booking = Booking.objects.get(pk=booking.pk)
        services.cancel(booking, actor=member, actor_label="member")
        # this provider has no cancel call: staff cancel it there, then mark it done
        services.complete_cancellation(booking, actor=None, note="cancelled at the space")
    messages = [m for m in mail.outbox if m.to == [member.email]]
    assert len(messages) == 3, [m.subject for m in messages]
    return Booking.objects.get(pk=booking.pk), messages


def calendar_parts(message) -> tuple[object, bytes, bytes]:
    """The sent message as a mail client reads it: (parsed MIME, the alternative's
    calendar, the attached invite.ics)."""
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/calendar",
    ]
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    inline = alternative.get_payload()[1]
    return parsed, inline.get_payload(decode=True), attachment.get_payload(decode=True)


def test_confirm_move_cancel_are_one_invitation_updated_then_cancelled(lifecycle, member):
    booking, messages = lifecycle
    seen = []
    for message in messages:
        parsed, inline, attached = calendar_parts(message)
        assert inline.replace(b"\r\n", b"\n") == attached.replace(b"\r\n", b"\n")
        one = Calendar.from_ical(attached)
        (event,) = one.walk("VEVENT")
        other = vobject.readOne(attached.decode())
        assert other.method.value == str(one["METHOD"])
        assert other.vevent.uid.value == str(event["UID"])
        assert int(other.vevent.sequence.value) == int(event["SEQUENCE"])
        inline_part = parsed.get_payload()[0].get_payload()[1]
        assert inline_part.get_param("method") == str(one["METHOD"])
        assert inline_part.get_content_charset() == "utf-8"
        # who sent it and whom it is for, as both parsers read them
        assert str(event["ORGANIZER"]) == "mailto:bookings@portal.example"
        assert event["ORGANIZER"].params["CN"] == "Coworking Portal"
        assert other.vevent.organizer.value == "mailto:bookings@portal.example"
        assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
        assert event["ATTENDEE"].params["CN"] == "Camille Martin"
        assert other.vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]
        assert other.vevent.attendee.params["RSVP"] == ["FALSE"]
        seen.append((str(one["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]), event))
    methods = [method for method, *_ in seen]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    (uid,) = {uid for _, uid, *_ in seen}  # one event, updated then removed
    assert uid.startswith(f"booking-{booking.uid}@")
    sequences = [sequence for _, _, sequence, _ in seen]
    assert sequences == sorted(set(sequences))  # strictly rising
    assert sequences[-1] == booking.sequence
    confirmed, moved, cancelled = (event for *_, event in seen)
    assert moved.decoded("DTSTART") - confirmed.decoded("DTSTART") == dt.timedelta(hours=4)
    assert (str(confirmed["STATUS"]), str(cancelled["STATUS"])) == ("CONFIRMED", "CANCELLED")


def test_the_invitation_says_where_to_go_and_what_to_bring(lifecycle):
    _booking, messages = lifecycle
    confirmed, _moved, cancelled = (
        Calendar.from_ical(calendar_parts(m)[2]).walk("VEVENT")[0] for m in messages
    )
    assert "12 Quay Street" in str(confirmed["LOCATION"])
    assert "Dublin" in str(confirmed["LOCATION"])
    description = str(confirmed["DESCRIPTION"])
    for words in (
        "Access code: 1234",
        "Directions: Take the elevator to the 3rd floor",
        "Wi-Fi: Nord_WiFi (password: welcome123)",
    ):
        assert words in description
    assert "Directions: Take the elevator" in messages[0].body
    assert "Wi-Fi: Nord_WiFi (password: welcome123)" in messages[0].body
    # a cancelled booking lets nobody in: no code, no Wi-Fi, in the .ics or the email
    assert "welcome123" not in str(cancelled["DESCRIPTION"])
    assert "1234" not in str(cancelled["DESCRIPTION"])
    assert "welcome123" not in messages[2].body


def test_the_invitation_rings_at_the_members_reminder_times_and_the_cancel_does_not(
    lifecycle,
):
    _booking, messages = lifecycle
    confirmed, _moved, cancelled = (
        Calendar.from_ical(calendar_parts(m)[2]).walk("VEVENT")[0] for m in messages
    )
    triggers = [alarm.decoded("TRIGGER") for alarm in confirmed.walk("VALARM")]
    assert triggers == [-dt.timedelta(days=1), -dt.timedelta(hours=1)]  # the defaults
    assert [str(a["ACTION"]) for a in confirmed.walk("VALARM")] == ["DISPLAY", "DISPLAY"]
    assert cancelled.walk("VALARM") == []


def test_no_reminders_chosen_means_no_alarms(member, room, provider):
    member.reminder_offsets = []
    member.save()
    booking = services.booking_create_room(
        member=member, resource=room, start=tomorrow_at(10), end=tomorrow_at(11)
    )
    booking = Booking.objects.select_related("member", "space").get(pk=booking.pk)
    event = Calendar.from_ical(calendars.booking_invitation(booking)).walk("VEVENT")[0]
    assert event.walk("VALARM") == []


def test_the_feed_keeps_the_uid_and_is_no_invitation(lifecycle, member):
    booking, messages = lifecycle
    invitation = Calendar.from_ical(calendar_parts(messages[0])[2]).walk("VEVENT")[0]
    feed = Calendar.from_ical(calendars.member_feed(member, [booking]))
    (event,) = feed.walk("VEVENT")
    assert event["UID"] == invitation["UID"]
    assert "METHOD" not in feed and "ORGANIZER" not in event and "ATTENDEE" not in event
    assert vobject.readOne(calendars.member_feed(member, [booking]).decode()).vevent.uid.value == (
        str(invitation["UID"])
    )
