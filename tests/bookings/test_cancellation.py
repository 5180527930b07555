"""Cancelling: at the provider where it has a cancel call, with staff where it has none,
locally when the provider never heard of the booking; codes disappear once cancelled.

1. Rules against a scripted provider (its account's kind decides the capabilities:
   Workways has no cancel call, Zentry has one).
2. Against the sandbox in-process, per provider without a cancel call (Thia, Workways,
   4Spaces): the booking waits for staff, staff are alerted, the page says so, staff mark
   it done, and only then is it cancelled.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from bookings import availability, emails, rules, services
from bookings.calendars import booking_calendar, member_feed
from bookings.models import Booking, BookingEvent, Status
from providers import services as catalogue
from providers.adapters.errors import AuthenticationError, RejectedError, TransientError
from providers.models import Resource
from tests.bookings.conftest import tomorrow_at
from tests.providers import factories
from tests.providers.conftest import (  # noqa: F401 - the sandbox fixtures
    sandbox,
    sandbox_accounts,
    sandbox_transport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(monkeypatch):
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(emails, "send_staff_alert", lambda pk, reason: sent.append((pk, reason)))
    return sent


@pytest.fixture
def zentry_room(db):
    """A room of an account whose provider has a cancel call (Zentry's SPEC)."""
    account = factories.account(kind="zentry", name="Zentry test")
    catalogue.apply_catalogue(account, factories.catalogue(factories.space("z")))
    return Resource.objects.select_related("space__account").get(external_id="z-r1")


def book(member, room, hour=10):
    return services.booking_create_room(
        member=member,
        resource=room,
        start=tomorrow_at(hour),
        end=tomorrow_at(hour) + dt.timedelta(hours=1),
    )


def confirmed(member, room, hour=10) -> Booking:
    booking = book(member, room, hour)
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    return booking


# --- 1. the rules ---------------------------------------------------------------------


def test_a_booking_never_sent_is_cancelled_at_once_without_the_provider(
    member, room, provider, alerts
):
    booking = book(member, room)
    services.cancel(booking, actor=member, actor_label="member")
    assert booking.status == Status.CANCELLED
    assert provider.cancelled == [] and alerts == []


def test_a_pending_booking_after_a_lost_answer_is_cancelled_and_staff_check(
    member, room, provider, alerts
):
    provider.submit_answers = [TransientError("timed out")]
    booking = book(member, room)
    with pytest.raises(services.Retry):
        services.submit(booking.pk)
    booking.refresh_from_db()
    assert booking.status == Status.PENDING and booking.submit_attempts == 1
    services.cancel(booking, actor=member, actor_label="member")
    assert booking.status == Status.CANCELLED
    [(pk, reason)] = alerts
    assert pk == booking.pk and "does not hold it" in reason


def test_with_a_cancel_call_the_provider_cancels_then_the_slot_is_free(
    member, zentry_room, provider, alerts
):
    booking = confirmed(member, zentry_room)
    sequence = booking.sequence
    services.cancel(booking, actor=member, actor_label="member")
    assert provider.cancelled == ["ref-1"]
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED and booking.sequence > sequence
    assert alerts == []
    book(member, zentry_room)  # the slot is free again


def test_without_a_cancel_call_staff_are_tasked_and_the_slot_stays_held(
    member, room, provider, alerts
):
    assert not room.space.account.spec.capabilities.cancel  # Workways
    booking = confirmed(member, room)
    services.cancel(booking, actor=member, actor_label="member")
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLATION_REQUESTED
    assert provider.cancelled == []  # nothing is sent: there is nothing to send it to
    [(pk, reason)] = alerts
    assert pk == booking.pk and "by hand" in reason
    assert "Our staff are cancelling this booking with Workways" in booking.next_step_text
    assert "the space's decision" in booking.next_step_text  # no free window is known
    with pytest.raises(services.SlotTaken):
        book(member, room)  # the provider still holds it
    with pytest.raises(services.BookingError) as refused:
        services.cancel(booking, actor=member, actor_label="member")
    assert refused.value.status == 409
    assert not booking.member_can_cancel


@pytest.mark.parametrize(
    ("hours", "words"),
    [(2, "inside the space's free cancellation window"), (100, "the space may charge for it")],
)
def test_the_member_is_told_what_happens_to_the_price(member, room, provider, hours, words):
    room.rules = {**room.rules, "free_cancellation_hours": hours}
    room.save()
    booking = confirmed(member, room)
    services.cancel(booking, actor=member, actor_label="member")
    booking.refresh_from_db()
    assert words in booking.next_step_text and f"{hours} hours" in booking.next_step_text


def test_the_words_are_in_the_members_language(member, room, provider):
    member.language = "fr"
    member.save()
    booking = confirmed(member, room)
    services.cancel(booking, actor=member, actor_label="member")
    booking.refresh_from_db()
    assert "Workways" in booking.next_step


def test_staff_mark_it_done_with_a_note_and_only_then_it_is_cancelled(
    member, room, provider, admin_user
):
    booking = confirmed(member, room)
    services.cancel(booking, actor=member, actor_label="member")
    with pytest.raises(services.BookingError) as empty:
        services.complete_cancellation(booking, actor=admin_user, note="  ")
    assert empty.value.status == 400
    assert services.complete_cancellation(booking, actor=admin_user, note="done in Workways")
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED and booking.next_step == ""
    event = BookingEvent.objects.filter(booking=booking).last()
    assert event.actor_label == "staff" and "done in Workways" in event.reason
    with pytest.raises(services.BookingError) as twice:
        services.complete_cancellation(booking, actor=admin_user, note="again")
    assert twice.value.status == 409


def test_credentials_refused_on_cancel_hand_it_to_staff(
    member, zentry_room, provider, alerts, monkeypatch
):
    booking = confirmed(member, zentry_room)

    def refuse(*args):
        raise AuthenticationError("The Api-Key is not valid.", provider="zentry", status=401)

    monkeypatch.setattr(provider, "cancel", refuse)
    services.cancel(booking, actor=member, actor_label="member")
    assert booking.status == Status.CANCELLATION_REQUESTED
    assert "refused our credentials" in alerts[0][1]


@pytest.mark.parametrize(
    ("fault", "status"),
    [(TransientError("timed out"), 503), (RejectedError("checked in"), 409)],
)
def test_a_provider_fault_on_cancel_leaves_the_booking_as_it_was(
    member, zentry_room, provider, monkeypatch, fault, status
):
    booking = confirmed(member, zentry_room)

    def fail(*args):
        raise fault

    monkeypatch.setattr(provider, "cancel", fail)
    with pytest.raises(services.BookingError) as caught:
        services.cancel(booking, actor=member, actor_label="member")
    assert caught.value.status == status
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_the_member_page_says_the_cancellation_is_with_staff(client, member, room, provider):
    booking = confirmed(member, room)
    client.force_login(member)
    response = client.post(reverse("cancel_booking", args=[booking.pk]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your cancellation is with our staff" in page
    assert "Cancellation requested" in page
    assert "1234" in page  # the code still opens the door until staff cancel it
    assert "Cancel the booking" not in page


def test_codes_and_qr_links_disappear_once_cancelled(client, member, zentry_room, provider):
    booking = confirmed(member, zentry_room)
    Booking.objects.filter(pk=booking.pk).update(qr_url="https://thia.test/qr/1234")
    booking.refresh_from_db()
    assert b"1234" in booking_calendar(booking)
    services.cancel(booking, actor=member, actor_label="member")
    booking.refresh_from_db()
    client.force_login(member)
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "Cancelled" in page
    assert "1234" not in page and "Open the QR code" not in page
    calendar = booking_calendar(booking, cancel=True).decode()
    assert "STATUS:CANCELLED" in calendar and "1234" not in calendar
    assert "1234" not in member_feed(member, [booking]).decode()
    for status in (Status.REJECTED, Status.FAILED, Status.CANCELLED_BY_PROVIDER):
        booking.status = status
        assert not booking.shows_access
    booking.status = Status.CANCELLATION_REQUESTED
    assert booking.shows_access


# --- 2. against the sandbox, per provider without a cancel call -------------------------


@pytest.fixture
def sandbox_portal(monkeypatch, sandbox_transport, sandbox_accounts, settings):  # noqa: F811
    from bookings import tasks
    from tests.providers.conftest import portal_on_sandbox

    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    monkeypatch.setattr(tasks.send_email, "delay", lambda *a: tasks.send_email(*a))
    cache.clear()

    def setup(kind: str):
        [cfg] = sandbox_accounts[kind][:1]
        return portal_on_sandbox(monkeypatch, sandbox_transport, cfg)

    yield setup
    cache.clear()


def book_a_free_slot(member, account) -> Booking:
    """The first free slot, three days ahead or later, of the account's first room that
    has one (past Workways' two-day rule for new members)."""
    rooms = Resource.objects.select_related("space__account").filter(
        space__account=account, kind="meeting_room", active=True
    )
    day = dt.date.today() + dt.timedelta(days=3)
    for offset in range(10):
        for room in rooms:
            answer = availability.resource_day(room, day + dt.timedelta(days=offset))
            length = dt.timedelta(minutes=rules.grid(room.rules).shortest)
            free = [(s.start, s.end) for s in answer.slots if s.available]
            for start, _ in free:
                end, covered = start, True
                while covered and end < start + length:
                    covered = any(a <= end < b for a, b in free)
                    end = next((b for a, b in free if a <= end < b), end)
                if covered:
                    return services.booking_create_room(
                        member=member,
                        resource=room,
                        start=start,
                        end=start + length,
                        attendees=rules.limits(room).fewest,  # a room may want 4 people
                    )
    raise AssertionError(f"no free slot at {account.kind}")


@pytest.mark.parametrize("kind", ["thia", "workways", "fourspaces"])
def test_sandbox_cancel_without_a_cancel_call_waits_for_staff(
    kind, sandbox_portal, member, client, admin_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    account = sandbox_portal(kind)
    booking = book_a_free_slot(member, account)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(booking.pk)
    booking.refresh_from_db()
    assert booking.status in (
        Status.CONFIRMED,
        Status.AWAITING_APPROVAL,
        Status.AWAITING_REGISTRATION,
    ), booking.provider_message_text
    mail.outbox.clear()

    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cancel_booking", args=[booking.pk]), follow=True)
    assert "Your cancellation is with our staff" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLATION_REQUESTED
    assert any(m.to == ["ops@example.com"] and "by hand" in m.body for m in mail.outbox)

    client.force_login(admin_user)
    url = reverse("admin:bookings_booking_changelist")
    todo = client.get(url, {"todo": "cancel"}).content.decode()
    assert f"/admin/bookings/booking/{booking.pk}/change/" in todo
    picked = {"action": "mark_cancelled", "_selected_action": [booking.pk]}
    page = client.post(url, picked)
    assert page.status_code == 200 and "Yes, I\u2019m sure" in page.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLATION_REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**picked, "apply": "yes", "reason": f"cancelled in {kind}'s admin"})
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    client.force_login(member)
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "Cancelled" in page and "Your cancellation is with our staff" not in page
    if booking.access_code:
        assert booking.access_code not in page
