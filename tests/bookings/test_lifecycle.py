"""The booking lifecycle against a scripted provider: guard, submission, faults, cancel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from bookings import services, tasks
from bookings.models import Booking, BookingEvent, Status
from providers.adapters.errors import AuthenticationError, RejectedError, TransientError
from providers.adapters.types import SubmitResult
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def book(member, room, hour=10, minutes=60, **kw):
    return services.booking_create_room(
        member=member,
        resource=room,
        start=tomorrow_at(hour),
        end=tomorrow_at(hour) + dt.timedelta(minutes=minutes),
        **kw,
    )


def test_a_booking_is_saved_pending_and_submitted_on_commit(
    member, room, provider, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(member, room)
    assert booking.status == Status.PENDING
    assert sent == [booking.pk]  # enqueued only once the booking is committed
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    assert (booking.provider_reference, booking.access_code) == ("ref-1", "1234")
    history = list(booking.events.values_list("from_status", "to_status"))
    assert history == [("", "pending"), ("pending", "submitting"), ("submitting", "confirmed")]


def test_a_second_delivery_of_the_task_does_nothing(member, room, provider):
    booking = book(member, room)
    services.submit(booking.pk)
    assert services.submit(booking.pk) == "not claimed"
    assert len(provider.submitted) == 1


def test_the_same_slot_cannot_be_held_twice(member, room, provider):
    book(member, room, hour=10)
    with pytest.raises(services.SlotTaken):
        book(member, room, hour=10, minutes=90)
    book(member, room, hour=11)  # the next hour is free


def test_a_resource_with_quantity_two_holds_two(member, room, provider):
    room.quantity = 2
    room.save()
    book(member, room)
    book(member, room)
    with pytest.raises(services.SlotTaken):
        book(member, room)


def test_transient_faults_retry_then_confirm_once(
    member, room, provider, django_capture_on_commit_callbacks
):
    provider.submit_answers = [TransientError("HTTP 503", status=503), TransientError("timeout")]
    booking = book(member, room)
    with pytest.raises(services.Retry) as first:
        services.submit(booking.pk)
    assert first.value.countdown > 0
    booking.refresh_from_db()
    assert booking.status == Status.PENDING  # the slot stays held
    with pytest.raises(services.Retry):
        services.submit(booking.pk)
    assert services.submit(booking.pk) == Status.CONFIRMED
    assert len(provider.held) == 1


def test_retry_after_from_a_429_sets_the_wait(member, room, provider):
    provider.submit_answers = [TransientError("rate limited", status=429, retry_after=17)]
    booking = book(member, room)
    with pytest.raises(services.Retry) as retry:
        services.submit(booking.pk)
    assert retry.value.countdown == 17


def test_a_submission_that_timed_out_after_the_provider_booked_is_not_sent_twice(
    member, room, provider
):
    booking = book(member, room)

    def booked_then_timed_out(item, request):
        provider.held[request.uid] = SubmitResult("confirmed", reference="ref-late")
        raise TransientError("read timeout")

    provider.submit = booked_then_timed_out
    with pytest.raises(services.Retry):
        services.submit(booking.pk)
    provider.submit = lambda item, request: pytest.fail("must reconcile, not submit again")
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    assert booking.provider_reference == "ref-late"


def test_a_worker_killed_mid_submission_is_reclaimed_and_reconciled(member, room, provider):
    booking = book(member, room)
    services.claim(booking.pk)  # the worker took it...
    provider.held[str(booking.uid)] = SubmitResult("confirmed", reference="ref-before-death")
    # ...sent it, and died before recording the answer. Too early to reclaim:
    assert services.submit(booking.pk) == "not claimed"
    Booking.objects.filter(pk=booking.pk).update(
        updated_at=booking.updated_at - services.STALE_SUBMISSION - dt.timedelta(seconds=1)
    )
    assert services.sweep() == 1
    provider.submit = lambda item, request: pytest.fail("must reconcile, not submit again")
    assert services.submit(booking.pk) == Status.CONFIRMED
    assert Booking.objects.get(pk=booking.pk).provider_reference == "ref-before-death"


def test_a_refusal_releases_the_slot_and_tells_the_member_why(member, room, provider):
    provider.submit_answers = [RejectedError("The room is closed for maintenance", status=409)]
    booking = book(member, room)
    assert services.submit(booking.pk) == Status.REJECTED
    booking.refresh_from_db()
    assert booking.provider_message == "The room is closed for maintenance"
    book(member, room)  # the slot is free again


def test_refused_credentials_fail_the_booking_and_alert_staff(
    member, room, provider, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    monkeypatch.setattr(tasks.send_email, "delay", lambda *a: tasks.send_email(*a))
    provider.submit_answers = [AuthenticationError("Invalid API credentials", status=401)]
    booking = book(member, room)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.submit(booking.pk) == Status.FAILED
    alert = [m for m in mail.outbox if m.to == ["ops@example.com"]]
    assert alert and f"#{booking.pk}" in alert[0].subject


def test_confirmation_email_has_the_ics_and_the_feed_link_in_the_members_language(
    member, room, provider, django_capture_on_commit_callbacks, monkeypatch
):
    from bookings.models import FeedToken

    member.language = "fr"
    member.save()
    feed = FeedToken.renew(member)  # the member turned their calendar link on
    monkeypatch.setattr(tasks.send_email, "delay", lambda *a: tasks.send_email(*a))
    booking = book(member, room)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(booking.pk)
    message = mail.outbox[-1]
    assert message.to == ["camille@example.com"]
    assert message.subject == f"Réservation confirmée\u00a0: {room.name} à {room.space.name}"
    assert "Votre réservation est confirmée." in message.body
    assert f"/calendar/{feed.token}.ics" in message.body and "1234" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "invite.ics" and mimetype == "application/ics"
    assert "BEGIN:VEVENT" in str(content)


def test_awaiting_approval_is_followed_until_approved(member, room, provider):
    provider.submit_answers = [SubmitResult("awaiting_approval", reference="z-1")]
    booking = book(member, room)
    assert services.submit(booking.pk) == Status.AWAITING_APPROVAL
    provider.held[str(booking.uid)] = SubmitResult("confirmed", reference="z-1")
    assert tasks.reconcile_awaiting() == 1
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED


def test_every_transition_is_recorded_with_who_and_why(member, room, provider):
    booking = book(member, room)
    services.submit(booking.pk)
    events = BookingEvent.objects.filter(booking=booking)
    assert [e.actor_label for e in events] == ["member", "worker", "worker"]
    assert all(e.reason for e in events)


@pytest.mark.parametrize(
    ("start_hour", "start_minute", "minutes", "attendees", "message"),
    [
        (-30, 0, 60, 1, "in the past"),
        (10, 10, 60, 1, "grid"),
        (10, 0, 45, 1, "multiple of 30"),
        (10, 0, 30, 1, "at least 60"),
        (10, 0, 300, 1, "at most 240"),
        (10, 0, 60, 99, "at most 10 people"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    member, room, provider, start_hour, start_minute, minutes, attendees, message
):
    start = tomorrow_at(max(start_hour, 0), start_minute) + dt.timedelta(hours=min(start_hour, 0))
    with pytest.raises(services.BookingError) as error:
        services.booking_create_room(
            member=member,
            resource=room,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            attendees=attendees,
        )
    assert message in error.value.message
    assert error.value.status == 400
    assert not Booking.objects.exists()


def test_a_time_the_provider_shows_as_closed_is_refused(member, room, provider):
    with pytest.raises(services.BookingError, match="not open"):
        book(member, room, hour=21)


def test_a_member_without_a_phone_is_asked_to_complete_the_profile(member, room, provider):
    member.phone = ""
    member.save()
    with pytest.raises(services.BookingError, match="phone"):
        book(member, room)


def test_a_pass_books_whole_local_days(member, day_pass, provider):
    day = tomorrow_at(0).date()
    booking = services.booking_create_pass(member=member, offer=day_pass, day=day, days=2)
    assert booking.start == tomorrow_at(0)
    assert booking.end == tomorrow_at(0) + dt.timedelta(days=2)
    assert services.submit(booking.pk) == Status.CONFIRMED


def test_a_provider_asking_more_notice_of_new_members_is_told_before_sending(
    member, room, provider
):
    from bookings.models import ProviderIdentity

    room.rules = {**room.rules, "new_user_lead_days": 2}
    room.save()
    with pytest.raises(services.BookingError, match="at least 2 days ahead"):
        book(member, room)
    ProviderIdentity.objects.create(
        member=member, account=room.space.account, data={"known_user": True}
    )
    assert book(member, room).status == Status.PENDING  # a known member books tomorrow
