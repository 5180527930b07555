"""The member's email for every end state: in their language, with the time in the space's
zone, the reason where there is one, a link, and the booking as an .ics; once per change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone
from django.utils.translation import trans_real
from icalendar import Calendar

from bookings import emails, services, tasks
from bookings.models import Booking, BookingEvent, Status
from bookings.services.states import transition
from portal.models import User
from providers.adapters.errors import AuthenticationError, RejectedError
from providers.adapters.types import SubmitResult
from providers.messages import Message
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db

# The msgids this part adds, with their French (to be added to locale/fr by the lead; the
# fixture below lends them to the French catalogue until then, and leaves real ones alone).
NEW_FR = {
    "Refused: %(what)s at %(space)s": "Réservation refusée\u00a0: %(what)s à %(space)s",
    "Declined: %(what)s at %(space)s": "Demande déclinée\u00a0: %(what)s à %(space)s",
    "Not booked: %(what)s at %(space)s": "Réservation non effectuée\u00a0: %(what)s à %(space)s",
    "Cancellation requested: %(what)s at %(space)s": (
        "Annulation demandée\u00a0: %(what)s à %(space)s"
    ),
    "Cancelled by the space: %(what)s at %(space)s": (
        "Annulée par l'espace\u00a0: %(what)s à %(space)s"
    ),
    "Moved by the space: %(what)s at %(space)s": (
        "Déplacée par l'espace\u00a0: %(what)s à %(space)s"
    ),
    "Your request is with our team, who will confirm it with the space by hand. We will "
    "email you as soon as the space answers.": "Votre demande est entre les mains de notre "
    "équipe, qui la confirmera à la main auprès de l'espace. Nous vous écrirons dès que "
    "l'espace aura répondu.",
    "The provider refused your booking: nothing is booked and the slot is not held for "
    "you.": "Le prestataire a refusé votre réservation\u00a0: rien n'est réservé et le créneau "
    "ne vous est pas retenu.",
    "Their answer: %(reason)s": "Leur réponse\u00a0: %(reason)s",
    "Your request was declined: nothing is booked.": (
        "Votre demande a été déclinée\u00a0: rien n'est réservé."
    ),
    "The reason: %(reason)s": "La raison\u00a0: %(reason)s",
    "We could not place your booking with the provider, so nothing is booked and the slot "
    "is not held for you. Our team has been told and will contact you.": "Nous n'avons pas "
    "pu transmettre votre réservation au prestataire\u00a0: rien n'est réservé et le créneau ne "
    "vous est pas retenu. Notre équipe est prévenue et vous contactera.",
    "We have your cancellation. This space takes cancellations by hand: our team will "
    "cancel the booking with the space and email you when it is done. Until then the space "
    "still holds it in your name.": "Nous avons bien reçu votre annulation. Cet espace "
    "traite les annulations à la main\u00a0: notre équipe annulera la réservation auprès de "
    "l'espace et vous écrira une fois que ce sera fait. D'ici là, l'espace la garde à votre "
    "nom.",
    "Whether the price is charged depends on the space's cancellation terms and on when it "
    "receives the cancellation; our team will tell you.": "Le prix sera facturé ou non selon "
    "les conditions d'annulation de l'espace et le moment où il reçoit l'annulation\u00a0; notre "
    "équipe vous le dira.",
    "The space cancelled your booking: you no longer hold it.": (
        "L'espace a annulé votre réservation\u00a0: elle n'est plus à votre nom."
    ),
    "The space moved your booking to %(when)s (%(zone)s).": (
        "L'espace a déplacé votre réservation au %(when)s (%(zone)s)."
    ),
    "Open the attached file to update your calendar; subscribed calendars update by "
    "themselves.": "Ouvrez le fichier joint pour mettre à jour votre agenda\u00a0; les agendas "
    "abonnés se mettent à jour automatiquement.",
    "This space takes requests by hand: our team will confirm yours with the space and "
    "email you as soon as it answers.": "Cet espace traite les demandes à la main\u00a0: notre "
    "équipe confirmera la vôtre auprès de l'espace et vous écrira dès qu'il aura répondu.",
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


@pytest.fixture
def sent(monkeypatch, django_capture_on_commit_callbacks):
    """The worker runs each email task at once; every change below commits."""
    calls: list[tuple] = []

    def delay(*args):
        calls.append(args)
        tasks.send_email(*args)

    monkeypatch.setattr(tasks.send_email, "delay", delay)
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)
    return calls


def to_member(member) -> list:
    return [m for m in mail.outbox if m.to == [member.email]]


def book(member, room, hour=10):
    return services.booking_create_room(
        member=member, resource=room, start=tomorrow_at(hour), end=tomorrow_at(hour + 1)
    )


def submitted(member, room, provider, answer=None, hour=10) -> Booking:
    if answer is not None:
        provider.submit_answers = [answer]
    booking = book(member, room, hour)
    services.submit(booking.pk)
    booking.refresh_from_db()
    return booking


def ics(message) -> Calendar:
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("invite.ics", "application/ics")
    return Calendar.from_ical(content)


def vevent(message):
    (event,) = ics(message).walk("VEVENT")
    return event


# --- one email per end state, in English and in French ---------------------------------


def _confirmed(member, room, provider):
    return submitted(member, room, provider)


def _awaiting_approval(member, room, provider):
    return submitted(member, room, provider, SubmitResult("awaiting_approval", reference="z-1"))


def _awaiting_registration(member, room, provider):
    answer = SubmitResult("awaiting_registration", reference="m-1", next_step="Register now")
    return submitted(member, room, provider, answer)


def _rejected(member, room, provider):
    return submitted(member, room, provider, RejectedError("Closed for maintenance", status=409))


def _declined(member, room, provider):
    booking = _awaiting_approval(member, room, provider)
    staff = User.objects.create_superuser(email="ops@example.com", password="pw-ops-123456")
    booking.provider_message = "No catering that day"  # part A stores staff's reason here
    transition(
        booking,
        Status.REJECTED,
        actor=staff,
        actor_label="staff",
        reason="declined by staff",
        provider_message="No catering that day",
    )
    return booking


def _failed(member, room, provider):
    return submitted(member, room, provider, AuthenticationError("bad key", status=401))


def _cancelled(member, room, provider):
    booking = _confirmed(member, room, provider)
    services.cancel(booking, actor=member, actor_label="member")
    # Workways has no cancel call: staff cancel it there by hand, then mark it done
    services.complete_cancellation(booking, actor=None, note="cancelled at Workways")
    return booking


def _cancelled_now(booking, member):
    services.cancel(booking, actor=member, actor_label="member")
    services.complete_cancellation(booking, actor=None, note="cancelled at Workways")


def _cancellation_requested(member, room, provider):
    booking = _confirmed(member, room, provider)
    transition(booking, Status.CANCELLATION_REQUESTED, actor=member, actor_label="member")
    return booking


def _cancelled_by_provider(member, room, provider):
    booking = _confirmed(member, room, provider)
    transition(
        booking,
        Status.CANCELLED_BY_PROVIDER,
        reason="cancelled at the provider",
        provider_message="Closed for a private event",
    )
    return booking


def _moved(member, room, provider):
    """What the re-check does when the provider moved a booking (part B)."""
    booking = _confirmed(member, room, provider)
    start, end = tomorrow_at(14), tomorrow_at(15)
    Booking.objects.filter(pk=booking.pk).update(
        start=start, end=end, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    BookingEvent.objects.create(
        booking=booking,
        from_status=Status.CONFIRMED,
        to_status=Status.CONFIRMED,
        actor_label="worker",
        reason=f"{emails.MOVED_REASON}: 10:00 -> 14:00",
    )
    emails.send_status_email(booking.pk)
    return booking


# state: (make it, English subject prefix, words in English, French subject, words in French)
CASES = {
    "confirmed": (
        _confirmed,
        "Confirmed: ",
        ["Your booking is confirmed.", "Access code: 1234"],
        "Réservation confirmée\u00a0: ",
        ["Votre réservation est confirmée.", "1234"],
    ),
    "awaiting_approval": (
        _awaiting_approval,
        "Requested: ",
        ["Your request is with the space, which will approve it shortly."],
        "Demande envoyée\u00a0: ",
        ["Votre demande a été transmise à l'espace"],
    ),
    "awaiting_registration": (
        _awaiting_registration,
        "One more step for ",
        ["one more step from you", "Register now"],
        "Encore une étape pour ",
        ["une étape de votre part", "Register now"],
    ),
    "rejected": (
        _rejected,
        "Refused: ",
        ["The provider refused your booking", "Their answer: Closed for maintenance"],
        "Réservation refusée\u00a0: ",
        ["Le prestataire a refusé", "Leur réponse\u00a0: Closed for maintenance"],
    ),
    "declined": (
        _declined,
        "Declined: ",
        ["Your request was declined", "The reason: No catering that day"],
        "Demande déclinée\u00a0: ",
        ["Votre demande a été déclinée", "La raison\u00a0: No catering that day"],
    ),
    "failed": (
        _failed,
        "Not booked: ",
        ["We could not place your booking", "Our team has been told"],
        "Réservation non effectuée\u00a0: ",
        ["Nous n'avons pas pu transmettre", "Notre équipe est prévenue"],
    ),
    "cancelled": (
        _cancelled,
        "Cancelled: ",
        ["Your booking is cancelled.", "remove it from your calendar"],
        "Réservation annulée\u00a0: ",
        ["Votre réservation a été annulée.", "Ouvrez le fichier joint"],
    ),
    "cancellation_requested": (
        _cancellation_requested,
        "Cancellation requested: ",
        ["our team will cancel the booking with the space", "cancellation terms"],
        "Annulation demandée\u00a0: ",
        ["notre équipe annulera la réservation", "conditions d'annulation"],
    ),
    "cancelled_by_provider": (
        _cancelled_by_provider,
        "Cancelled by the space: ",
        ["The space cancelled your booking", "Their answer: Closed for a private event"],
        "Annulée par l'espace\u00a0: ",
        ["L'espace a annulé votre réservation", "Leur réponse\u00a0: Closed for a private event"],
    ),
    "moved": (
        _moved,
        "Moved by the space: ",
        ["The space moved your booking to ", "14:00\u201315:00 (Europe/Dublin)."],
        "Déplacée par l'espace\u00a0: ",
        ["L'espace a déplacé votre réservation au ", "14:00\u201315:00 (Europe/Dublin)."],
    ),
}
CANCELLING = {"rejected", "declined", "failed", "cancelled", "cancelled_by_provider"}
FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("state", list(CASES))
def test_every_end_state_emails_the_member_in_their_language(
    state, language, member, room, provider, sent, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    member.language = language
    member.timezone = "America/New_York"  # the email speaks the space's time, named
    member.save()
    make, subject_en, words_en, subject_fr, words_fr = CASES[state]
    with django_capture_on_commit_callbacks(execute=True):
        booking = make(member, room, provider)
    booking.refresh_from_db()
    message = to_member(member)[-1]
    subject, words = (subject_en, words_en) if language == "en" else (subject_fr, words_fr)
    at = "at" if language == "en" else "à"
    assert message.subject == f"{subject}{room.name} {at} {room.space.name}"
    for phrase in words:
        assert phrase in message.body
    hours = "14:00\u201315:00" if state == "moved" else "10:00\u201311:00"
    assert f"{hours} (Europe/Dublin)" in message.body
    assert (language == "fr") == any(day in message.body.lower() for day in FRENCH_DAYS)
    assert f"/bookings/{booking.pk}/" in message.body and "/accounts/profile/" in message.body
    event = vevent(message)
    assert event["SEQUENCE"] == booking.sequence
    if state in CANCELLING:
        assert event["STATUS"] == "CANCELLED" and ics(message)["METHOD"] == "CANCEL"
    else:
        assert event["STATUS"] != "CANCELLED" and ics(message)["METHOD"] == "REQUEST"
    if state not in ("confirmed", "moved"):  # codes only where they let the member in
        assert "1234" not in message.body


def test_a_refused_booking_emails_the_member_and_a_failed_one_alerts_staff_too(
    member, room, provider, sent, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_ALERT_EMAILS = ["ops@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        _failed(member, room, provider)
    assert len(to_member(member)) == 1
    assert [m.to for m in mail.outbox if m.to != [member.email]] == [["ops@example.com"]]


def test_confirm_then_cancel_keeps_the_uid_and_raises_the_sequence(
    member, room, provider, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _confirmed(member, room, provider)
    with django_capture_on_commit_callbacks(execute=True):
        _cancelled_now(booking, member)
    confirmed, *_, cancelled = (vevent(m) for m in to_member(member))
    assert confirmed["UID"] == cancelled["UID"]
    assert cancelled["SEQUENCE"] > confirmed["SEQUENCE"]
    assert (confirmed["STATUS"], cancelled["STATUS"]) == ("CONFIRMED", "CANCELLED")


def test_a_multi_day_pass_names_its_first_and_last_day(
    member, day_pass, provider, sent, django_capture_on_commit_callbacks
):
    first = dt.date.today() + dt.timedelta(days=2)
    last = first + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create_pass(member=member, offer=day_pass, day=first, days=3)
        services.submit(booking.pk)
    body = to_member(member)[-1].body
    assert f"{first.day} {first:%B} {first.year} \u2013 " in body
    assert f"{last.day} {last:%B} {last.year} (Europe/Dublin)" in body


# --- once per change -------------------------------------------------------------------


def test_a_transition_that_did_not_happen_sends_nothing(
    member, room, provider, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _confirmed(member, room, provider)
    stale = Booking.objects.get(pk=booking.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert transition(booking, Status.CANCELLED, reason="first")
        assert not transition(stale, Status.CANCELLED, reason="a retry that found it done")
        # the provider answering the same state again is no change either
        services.apply_result(
            Booking.objects.get(pk=booking.pk), SubmitResult("cancelled"), actor_label="worker"
        )
    assert [m.subject.split(":")[0] for m in to_member(member)] == ["Confirmed", "Cancelled"]


def test_a_redelivered_email_task_does_not_send_twice(
    member, room, provider, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _confirmed(member, room, provider)
    assert len(sent) == 1 and len(to_member(member)) == 1
    tasks.send_email(*sent[0])  # the worker died before acknowledging it: delivered again
    emails.deliver(*sent[0])  # or the broker-down fallback raced the worker
    assert len(to_member(member)) == 1


def test_a_leftover_explicit_email_call_for_the_same_change_sends_nothing_more(
    member, room, provider, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _awaiting_approval(member, room, provider)
    staff = User.objects.create_superuser(email="ops@example.com", password="pw-ops-123456")
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_decide(booking, approve=True, actor=staff)
        emails.send_status_email(booking.pk)
        emails.send_cancellation_email(booking.pk)
    subjects = [m.subject.split(":")[0] for m in to_member(member)]
    assert subjects == ["Requested", "Confirmed"]


def test_a_failed_send_is_retried_and_then_sent_once(
    member, room, provider, sent, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.send_email, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        _confirmed(member, room, provider)

    def refuse(self, *a, **kw):
        raise ConnectionRefusedError("the mail server is down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(ConnectionRefusedError):
            emails.deliver(*sent[0])
    assert to_member(member) == []
    assert isinstance(ConnectionRefusedError(), tasks.send_email.autoretry_for)  # tried again later
    emails.deliver(*sent[0])
    emails.deliver(*sent[0])
    assert len(to_member(member)) == 1


def test_an_email_overtaken_by_a_later_change_is_not_sent(
    member, room, provider, sent, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.send_email, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        booking = _awaiting_approval(member, room, provider)
        transition(booking, Status.CONFIRMED, reason="approved")
    for args in sent:  # the worker gets to them only now
        tasks.send_email(*args)
    assert [m.subject.split(":")[0] for m in to_member(member)] == ["Confirmed"]


def test_staff_can_resend_the_current_state_on_purpose(
    member, room, provider, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _confirmed(member, room, provider)
    with django_capture_on_commit_callbacks(execute=True):
        emails.resend(booking.pk)
    assert [m.subject.split(":")[0] for m in to_member(member)] == ["Confirmed", "Confirmed"]


# --- 4Spaces: only portal staff are alerted --------------------------------------------


def test_a_request_staff_confirm_by_hand_does_not_claim_it_was_sent_to_the_space(
    member, room, provider, sent, django_capture_on_commit_callbacks
):
    account = room.space.account
    account.kind = "fourspaces"
    account.save()
    answer = SubmitResult("awaiting_approval", next_step=Message("fourspaces.request_sent"))
    with django_capture_on_commit_callbacks(execute=True):
        _ = submitted(member, room, provider, answer)
    body = to_member(member)[-1].body
    assert "our team, who will confirm it with the space" in body
    assert "sent yours" not in body and "which will approve it shortly" not in body


def test_a_change_the_ics_shows_raises_the_sequence_and_no_change_does_not(
    member, room, provider, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _awaiting_approval(member, room, provider)
    sequence = booking.sequence
    same = SubmitResult("awaiting_approval", reference="z-1")
    services.apply_result(booking, same, actor_label="worker")
    assert Booking.objects.get(pk=booking.pk).sequence == sequence
    booking.refresh_from_db()
    moved_on = SubmitResult("awaiting_approval", reference="z-1", next_step="Bring your badge")
    services.apply_result(booking, moved_on, actor_label="worker")
    booking.refresh_from_db()
    assert booking.sequence == sequence + 1 and booking.next_step_text == "Bring your badge"
    assert len(to_member(member)) == 1  # a detail, not a new state: no email
