"""Emails about bookings, in the member's language, with the booking as an .ics file.

One place decides what the member is emailed about: ``states.transition`` calls
``on_transition`` after every transition it made, and the member gets one email for
entering each state of ``MEMBER_EMAILS``. The email belongs to the ``BookingEvent`` of
that transition: ``deliver`` claims the event (``emailed_at``, a conditional update)
before sending, so a re-delivered task, a broker-down fallback that raced the worker, or
a leftover explicit call for the same change sends nothing more. ``send_status_email``
emails about a booking's latest event (the periodic re-check calls it after a booking was
moved at the provider); ``resend`` (staff) sends the current state again on purpose.

The public functions queue a Celery task once the transaction commits (sending is slow
and can fail); ``deliver`` does the work. If the broker is down the email is sent right
away instead of being lost (``providers.jobs.enqueue``'s ``fallback``).
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from bookings import calendars, rules
from bookings.models import Booking, BookingEvent, FeedToken, Kind, Status
from providers import jobs

logger = logging.getLogger(__name__)

# Entering one of these states emails the member (keyed by str: booking.status is a str).
MEMBER_EMAILS: frozenset[str] = frozenset(
    {
        Status.CONFIRMED,
        Status.AWAITING_APPROVAL,
        Status.AWAITING_REGISTRATION,
        Status.REJECTED,
        Status.FAILED,
        Status.CANCELLED,
        Status.CANCELLATION_REQUESTED,
        Status.CANCELLED_BY_PROVIDER,
    }
)
# The .ics of these removes the event from the member's calendar (METHOD:CANCEL).
CANCELLING: frozenset[str] = frozenset(
    {Status.CANCELLED, Status.CANCELLED_BY_PROVIDER, Status.REJECTED, Status.FAILED}
)
# The reason of the BookingEvent the re-check records when the provider moved a booking
# (same status before and after, new times, sequence raised).
MOVED_REASON = "changed at the provider"
# What staff wrote for the member when they acted (an approval, a cancellation carried
# out by hand): kept in the event's reason after this marker, and quoted in the email.
STAFF_NOTE = "note from staff: "


def staff_note(event: BookingEvent | None) -> str:
    """Staff's words to the member recorded with ``event``, or ""."""
    if event is None or event.actor_label != "staff" or STAFF_NOTE not in event.reason:
        return ""
    return event.reason.split(STAFF_NOTE, 1)[1].strip()


def with_staff_note(reason: str, note: str) -> str:
    """An event's reason with staff's note for the member (``staff_note`` reads it)."""
    note = note.strip()
    return f"{reason}; {STAFF_NOTE}{note}" if note else reason


# --- queueing ------------------------------------------------------------------------


def _queue(kind: str, booking_id: int, reason: str = "", event_id: int | None = None) -> None:
    """Send once the transaction commits; if the broker is down, send it right away."""
    from bookings.tasks import send_email  # a real cycle: tasks -> services -> emails

    jobs.enqueue(
        send_email,
        kind,
        booking_id,
        reason,
        event_id,
        fallback=lambda: deliver(kind, booking_id, reason, event_id),
    )


def on_transition(booking_id: int, event_id: int, to: str) -> None:
    """The state machine's hook: email the member about entering ``to``, once."""
    if to in MEMBER_EMAILS:
        _queue("status", booking_id, event_id=event_id)


def send_status_email(booking_id: int) -> None:
    """Email the member about the booking's latest event (a move found by the re-check),
    once: an event already emailed (by the transition hook) is not emailed again."""

    def queue_latest() -> None:
        latest = (
            BookingEvent.objects.filter(booking_id=booking_id)
            .order_by("-at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if latest is not None:
            _queue("status", booking_id, event_id=latest)

    # after commit: the caller's event is saved by then, whatever order it wrote things in
    transaction.on_commit(queue_latest)


# The same thing: the cancellation is an event like any other.
send_cancellation_email = send_status_email


def resend(booking_id: int) -> None:
    """Staff: send the email of the booking's current state again, on purpose."""
    _queue("status", booking_id)


def send_staff_alert(booking_id: int, reason: str) -> None:
    _queue("staff", booking_id, reason)


# --- delivery --------------------------------------------------------------------------


def deliver(kind: str, booking_id: int, reason: str = "", event_id: int | None = None) -> None:
    booking = (
        Booking.objects.select_related("member", "space__account", "resource", "offer")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return
    if kind == "staff":
        _deliver_staff_alert(booking, reason)
        return
    if event_id is None:  # a resend: the current state, with the latest event's context
        event = booking.events.order_by("-at", "-pk").first()
        _send_member_email(booking, event)
        return
    event = BookingEvent.objects.filter(pk=event_id, booking_id=booking_id).first()
    if event is None or not _still_news(booking, event):
        return
    claimed = BookingEvent.objects.filter(pk=event.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        logger.info("booking %s: event %s was emailed already", booking.pk, event.pk)
        return
    try:
        _send_member_email(booking, event)
    except Exception:
        # not sent: free the claim so the task's retry (or a resend) can send it
        BookingEvent.objects.filter(pk=event.pk).update(emailed_at=None)
        raise


def is_move(event: BookingEvent | None) -> bool:
    return bool(
        event and event.from_status == event.to_status and event.reason.startswith(MOVED_REASON)
    )


def _still_news(booking: Booking, event: BookingEvent) -> bool:
    """Whether ``event`` deserves an email now: it is one of the member's emails and the
    booking has not moved on since (the later change sends its own email)."""
    if not (
        is_move(event)
        or (event.to_status in MEMBER_EMAILS and event.from_status != event.to_status)
    ):
        return False
    if booking.status != event.to_status:
        return False
    later = booking.events.filter(pk__gt=event.pk, to_status__in=MEMBER_EMAILS).exclude(
        from_status=F("to_status")
    )
    return not later.exists()


def template_key(booking: Booking, event: BookingEvent | None) -> str:
    """Which email: the state entered, a staff decline, or a move by the space."""
    if is_move(event) and booking.status not in CANCELLING:
        return "moved"
    if booking.status == Status.REJECTED and event is not None and event.actor_label == "staff":
        return "declined"
    if booking.status in MEMBER_EMAILS:
        return str(booking.status)
    return "other"


def _subject(key: str, booking: Booking) -> str:
    what = booking.what
    subjects: dict[str, str] = {
        Status.CONFIRMED: _("Confirmed: %(what)s at %(space)s"),
        Status.AWAITING_REGISTRATION: _("One more step for %(what)s at %(space)s"),
        Status.AWAITING_APPROVAL: _("Requested: %(what)s at %(space)s"),
        Status.REJECTED: _("Refused: %(what)s at %(space)s"),
        "declined": _("Declined: %(what)s at %(space)s"),
        Status.FAILED: _("Not booked: %(what)s at %(space)s"),
        Status.CANCELLED: _("Cancelled: %(what)s at %(space)s"),
        Status.CANCELLATION_REQUESTED: _("Cancellation requested: %(what)s at %(space)s"),
        Status.CANCELLED_BY_PROVIDER: _("Cancelled by the space: %(what)s at %(space)s"),
        "moved": _("Moved by the space: %(what)s at %(space)s"),
    }
    subject = subjects.get(key, _("Your booking at %(space)s")) % {
        "what": what,
        "space": booking.space.name,
    }
    # a line break in a header is refused (BadHeaderError): a title saved before they
    # were refused, or a provider's name, must not lose the member their email
    return rules.one_line(subject)


def when_text(booking: Booking, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """The booking's time in ``zone`` (by default the space's) and the active language
    (the zone is named next to it by the templates)."""
    zone = zone or zoneinfo.ZoneInfo(booking.space.timezone)
    start, end = booking.start.astimezone(zone), booking.end.astimezone(zone)
    if booking.kind == Kind.PASS:
        first, last = start.date(), (end - dt.timedelta(days=1)).date()
        if last <= first:
            return date_format(first, "l j F Y")
        return f"{date_format(first, 'l j F Y')} \u2013 {date_format(last, 'l j F Y')}"
    if start.date() == end.date():
        return f"{date_format(start, 'l j F Y, H:i')}\u2013{time_format(end, 'H:i')}"
    return f"{date_format(start, 'l j F Y, H:i')} \u2013 {date_format(end, 'l j F Y, H:i')}"


def _send_member_email(booking: Booking, event: BookingEvent | None) -> None:
    member = booking.member
    key = template_key(booking, event)
    with translation.override(member.language or "en"):
        feed = FeedToken.active(member)  # only a link the member turned on, never a new one
        context = {
            "booking": booking,
            "member": member,
            "event": event,
            "staff_note": staff_note(event),
            "when": when_text(booking),
            "zone": booking.space.timezone,
            "cancellation": booking.cancellation_policy,
            # 4Spaces never hears of a booking: portal staff confirm it with the space
            "staff_confirm": not booking.space.account.spec.capabilities.reflects_bookings,
            "booking_url": settings.SITE_URL + reverse("booking_detail", args=[booking.pk]),
            "feed_url": (
                settings.SITE_URL + reverse("member_feed", args=[feed.token]) if feed else None
            ),
            "profile_url": settings.SITE_URL + reverse("profile"),
            "arrival": calendars.arrival(booking),  # where the codes are shown
        }
        cancel = booking.status in CANCELLING
        invitation(
            booking,
            subject=_subject(key, booking),
            body=render_to_string(f"emails/booking/{key}.txt", context),
            cancel=cancel,
        ).send()


class InvitationEmail(EmailMultiAlternatives):
    """An email that mail clients show as a calendar invitation: the iTIP part is an
    alternative of the text (``text/calendar; method=...``), as Outlook, Gmail and Apple
    Mail need, and the same calendar is attached as ``invite.ics`` for the others."""

    method = "REQUEST"

    # Django's own hook for each alternative and attachment (not in django-stubs)
    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)  # type: ignore[misc]
        if mimetype == "text/calendar":  # the shape clients match on, unquoted
            part.replace_header(
                "Content-Type", f"text/calendar; method={self.method}; charset=utf-8"
            )
        return part


def invitation(booking: Booking, *, subject: str, body: str, cancel: bool) -> InvitationEmail:
    """The member's email about ``booking``, carrying it as an invitation (or its
    cancellation): multipart/mixed [multipart/alternative [text/plain, text/calendar],
    invite.ics]."""
    ics = calendars.booking_invitation(booking, cancel=cancel)
    message = InvitationEmail(
        subject=subject, body=body, from_email=calendars.sender(), to=[booking.member.email]
    )
    message.method = "CANCEL" if cancel else "REQUEST"
    message.attach_alternative(ics.decode(), "text/calendar")
    # application/ics: the attachment is not taken for a second invitation by clients
    # that read every text/calendar part
    message.attach("invite.ics", ics, "application/ics")
    return message


def _deliver_staff_alert(booking: Booking, reason: str) -> None:
    recipients = list(settings.STAFF_ALERT_EMAILS) or list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        logger.error("booking %s needs staff but no staff address is known: %s", booking.pk, reason)
        return
    admin_url = settings.SITE_URL + reverse("admin:bookings_booking_change", args=[booking.pk])
    body = render_to_string(
        "emails/staff_alert.txt", {"booking": booking, "reason": reason, "admin_url": admin_url}
    )
    EmailMessage(
        subject=rules.one_line(
            f"[portal] booking #{booking.pk} needs attention: {booking.get_status_display()}"
        ),
        body=body,
        to=recipients,
    ).send()
