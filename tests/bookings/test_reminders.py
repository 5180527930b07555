"""Reminder emails: at the times the member chose (a day and an hour before by default),
in their language and time zone, once per booking and lead time whatever re-delivers or
races, and never for a booking that is not going ahead."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real
from icalendar import Calendar

from bookings import calendars, reminders, tasks
from bookings.models import Booking, Kind, Reminder, Status
from tests.bookings.conftest import DUBLIN

pytestmark = pytest.mark.django_db

# The msgids this part adds, with their French (the lead adds them to locale/fr; the
# fixture lends them to the French catalogue until then and leaves real ones alone).
NEW_FR = {
    "Reminder: %(what)s at %(space)s": "Rappel\u00a0: %(what)s à %(space)s",
    "A reminder of your booking (%(lead)s):": "Un rappel de votre réservation (%(lead)s)\u00a0:",
    "1 hour before": "1 heure avant",
    "Local time at the space": "Heure locale de l\u2019espace",
}


@pytest.fixture(autouse=True)
def french_catalogue():
    catalogue = trans_real.translation("fr")._catalog
    lent = [msgid for msgid in NEW_FR if msgid not in catalogue]
    for msgid in lent:
        catalogue[msgid] = NEW_FR[msgid]
    yield
    for msgid in lent:
        del catalogue._catalogs[0][msgid]


NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def confirmed(room, member, *, start, status=Status.CONFIRMED, created=None, kind=Kind.ROOM):
    booking = Booking.objects.create(
        member=member,
        kind=kind,
        space=room.space,
        resource=room,
        status=status,
        start=start,
        end=start + dt.timedelta(hours=1),
        access_code="4711",
    )
    # made well before any reminder is due, unless the test says otherwise
    Booking.objects.filter(pk=booking.pk).update(created_at=created or start - dt.timedelta(days=7))
    booking.refresh_from_db()
    return booking


@pytest.fixture
def queued(monkeypatch):
    """What the scan queues, without running it."""
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(tasks.send_reminder, "delay", lambda *args: calls.append(args))
    return calls


# --- when a reminder is due ------------------------------------------------------------


def test_the_defaults_are_a_day_and_an_hour_before(member):
    assert member.reminder_offsets == [1440, 60]


@pytest.mark.parametrize(
    ("minutes_ahead", "due"),
    [
        (24 * 60 + 1, []),  # a minute early: nothing yet
        (24 * 60, [1440]),  # the day-before reminder, on time
        (13 * 60, [1440]),  # late (beat was down), still worth sending
        (12 * 60, []),  # half its lead time late: too late, and not yet the hour's
        (61, []),
        (60, [60]),
        (31, [60]),
        (30, []),
        (0, []),
    ],
)
def test_a_reminder_is_due_from_its_time_until_half_its_lead_time_late(
    room, member, minutes_ahead, due
):
    booking = confirmed(room, member, start=NOW + dt.timedelta(minutes=minutes_ahead))
    assert reminders.due(booking, [1440, 60], NOW) == due


def test_a_booking_made_after_the_reminder_time_gets_no_late_reminder(room, member):
    start = NOW + dt.timedelta(hours=20)  # booked this morning for tomorrow morning
    booking = confirmed(room, member, start=start, created=NOW - dt.timedelta(minutes=5))
    assert reminders.due(booking, [1440, 60], NOW) == []
    assert reminders.due(booking, [1440, 60], start - dt.timedelta(hours=1)) == [60]


@pytest.mark.parametrize(
    "status",
    [
        Status.CANCELLED,
        Status.FAILED,
        Status.REJECTED,
        Status.CANCELLED_BY_PROVIDER,
        Status.CANCELLATION_REQUESTED,
        Status.PENDING,
        Status.AWAITING_APPROVAL,
    ],
)
def test_only_a_confirmed_booking_is_reminded(room, member, status, queued):
    booking = confirmed(room, member, start=NOW + dt.timedelta(hours=1), status=status)
    assert reminders.due(booking, [60], NOW) == []
    assert reminders.scan(NOW) == 0
    assert reminders.deliver(booking.pk, 60, NOW) == "not due"
    assert mail.outbox == [] and queued == []


def test_a_pass_is_reminded_before_the_space_opens_not_before_midnight(
    room, day_pass, member, queued
):
    room.space.opening_hours = [
        {"weekday": d, "opens": "08:30:00", "closes": "18:00:00"} for d in range(7)
    ]
    room.space.save()
    day = dt.date(2026, 3, 11)
    midnight = dt.datetime.combine(day, dt.time(0), DUBLIN)
    booking = Booking.objects.create(
        member=member,
        kind=Kind.PASS,
        space=room.space,
        offer=day_pass,
        status=Status.CONFIRMED,
        start=midnight,
        end=midnight + dt.timedelta(days=1),
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=midnight - dt.timedelta(days=7))
    booking.refresh_from_db()
    opens = dt.datetime.combine(day, dt.time(8, 30), DUBLIN)
    assert reminders.due(booking, [60], midnight - dt.timedelta(hours=1)) == []
    assert reminders.due(booking, [60], opens - dt.timedelta(minutes=61)) == []
    assert reminders.due(booking, [60], opens - dt.timedelta(hours=1)) == [60]
    # the scan finds it after its midnight start, before the doors open
    assert reminders.scan(opens - dt.timedelta(minutes=50)) == 1
    assert queued == [(booking.pk, 60)]
    # and the invitation rings at the same time, an instant (the event is all-day)
    event = Calendar.from_ical(calendars.booking_invitation(booking)).walk("VEVENT")[0]
    triggers = [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")]
    assert triggers == [
        (opens - dt.timedelta(days=1)).astimezone(dt.UTC),
        (opens - dt.timedelta(hours=1)).astimezone(dt.UTC),
    ]


# --- the scan and the send -------------------------------------------------------------


def test_the_scan_queues_what_is_due_and_each_is_sent_once(room, member, queued):
    hour = confirmed(room, member, start=NOW + dt.timedelta(hours=1))
    day = confirmed(room, member, start=NOW + dt.timedelta(days=1))
    confirmed(room, member, start=NOW + dt.timedelta(hours=5))  # nothing due for it now
    assert reminders.scan(NOW) == 2
    assert sorted(queued) == sorted([(hour.pk, 60), (day.pk, 1440)])
    for args in queued:
        assert reminders.deliver(*args, now=NOW) == "sent"
    assert len(mail.outbox) == 2
    # a re-delivered task, a second worker, a restarted beat: nothing more
    for args in queued:
        assert reminders.deliver(*args, now=NOW) == "claimed already"
    queued.clear()
    assert reminders.scan(NOW + dt.timedelta(minutes=1)) == 0 and queued == []
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


def test_the_reminder_speaks_the_members_language_and_time_zone(room, member):
    member.language, member.timezone = "fr", "America/New_York"
    member.save()
    room.space.raw = {**room.space.raw, "directions": "Second floor, blue door"}
    room.space.save()
    start = dt.datetime(2026, 3, 10, 10, 0, tzinfo=DUBLIN)  # 06:00 in New York
    booking = confirmed(room, member, start=start)
    assert reminders.deliver(booking.pk, 60, start - dt.timedelta(hours=1)) == "sent"
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == f"Rappel\u00a0: {room.name} à {room.space.name}"
    assert "Un rappel de votre réservation (1 heure avant)" in message.body
    body = message.body.lower()  # French day names may be capitalised
    assert "mardi 10 mars 2026, 06:00\u201307:00 (america/new_york)" in body
    assert "Heure locale de l\u2019espace" in message.body
    assert "10:00\u201311:00 (Europe/Dublin)" in message.body
    assert "4711" in message.body and "Second floor, blue door" in message.body
    assert f"/bookings/{booking.pk}/" in message.body


def test_a_member_who_chose_no_reminders_gets_none(room, member, queued):
    member.reminder_offsets = []
    member.save()
    booking = confirmed(room, member, start=NOW + dt.timedelta(hours=1))
    assert reminders.scan(NOW) == 0
    assert reminders.deliver(booking.pk, 60, NOW) == "not due"  # queued before the change
    assert mail.outbox == []


def test_a_failed_send_frees_the_claim_and_the_retry_sends_it_once(room, member, monkeypatch):
    booking = confirmed(room, member, start=NOW + dt.timedelta(hours=1))
    real_send = mail.EmailMessage.send

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken)
    with pytest.raises(ConnectionRefusedError):
        reminders.deliver(booking.pk, 60, NOW)
    assert not Reminder.objects.exists()
    monkeypatch.setattr(mail.EmailMessage, "send", real_send)
    assert reminders.deliver(booking.pk, 60, NOW) == "sent"
    assert reminders.deliver(booking.pk, 60, NOW) == "claimed already"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_reminder_send_it_once(room, member):
    booking = confirmed(room, member, start=NOW + dt.timedelta(hours=1))
    start = threading.Barrier(2)
    results: list[str] = []

    def worker():
        try:
            start.wait()
            results.append(reminders.deliver(booking.pk, 60, NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["claimed already", "sent"]
    assert len(mail.outbox) == 1


def test_the_scan_is_a_beat_task_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["scan-booking-reminders"]
    assert entry == {"task": "bookings.scan_reminders", "schedule": 60.0}


def test_the_scan_task_queues_through_the_broker_helper(room, member, queued):
    now = timezone.now()
    booking = confirmed(room, member, start=now + dt.timedelta(minutes=59))
    assert tasks.scan_reminders() == 1
    assert queued == [(booking.pk, 60)]


# --- the member chooses --------------------------------------------------------------


def profile_data(**extra):
    return {
        "first_name": "Camille",
        "last_name": "Martin",
        "phone": "+33 6 12 34 56 78",
        "company": "",
        "language": "en",
        "timezone": "Europe/Paris",
        **extra,
    }


def test_the_profile_shows_and_saves_the_reminder_times(client, member):
    client.force_login(member)
    page = client.get(reverse("profile")).content.decode()
    assert "Reminders" in page and "1 day before" in page and "15 minutes before" in page
    assert page.count('name="reminder_offsets"') == len(reminders.CHOICES)
    response = client.post(reverse("profile"), profile_data(reminder_offsets=["15", "2880"]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.reminder_offsets == [2880, 15]
    client.post(reverse("profile"), profile_data())  # nothing ticked: no reminders
    member.refresh_from_db()
    assert member.reminder_offsets == []


def test_a_reminder_time_not_offered_is_a_400_with_a_message(client, member):
    client.force_login(member)
    response = client.post(reverse("profile"), profile_data(reminder_offsets=["7"]))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    member.refresh_from_db()
    assert member.reminder_offsets == [1440, 60]
