"""Emails about bookings, in the member's language, with the booking as an .ics file.

The public functions queue a Celery task once the transaction commits (sending is slow
and can fail); ``deliver`` does the work. If the broker is down the email is sent right
away instead of being lost (``providers.jobs.enqueue``'s ``fallback``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bookings import calendars
from bookings.models import Booking, FeedToken, Status
from providers import jobs

logger = logging.getLogger(__name__)


def _queue(kind: str, booking_id: int, reason: str = "") -> None:
    """Send once the transaction commits; if the broker is down, send it right away."""
    from bookings.tasks import send_email  # a real cycle: tasks -> services -> emails

    jobs.enqueue(
        send_email, kind, booking_id, reason, fallback=lambda: deliver(kind, booking_id, reason)
    )


def send_status_email(booking_id: int) -> None:
    _queue("status", booking_id)


def send_cancellation_email(booking_id: int) -> None:
    _queue("cancelled", booking_id)


def send_staff_alert(booking_id: int, reason: str) -> None:
    _queue("staff", booking_id, reason)


def _subject(booking: Booking) -> str:
    what = booking.title or (booking.item.name if booking.item else "")
    # keyed by str: a Status is one, and booking.status (a CharField) is typed str
    subjects: dict[str, str] = {
        Status.CONFIRMED: _("Confirmed: %(what)s at %(space)s"),
        Status.AWAITING_REGISTRATION: _("One more step for %(what)s at %(space)s"),
        Status.AWAITING_APPROVAL: _("Requested: %(what)s at %(space)s"),
        Status.CANCELLED: _("Cancelled: %(what)s at %(space)s"),
    }
    return subjects.get(booking.status, _("Your booking at %(space)s")) % {
        "what": what,
        "space": booking.space.name,
    }


def deliver(kind: str, booking_id: int, reason: str = "") -> None:
    booking = (
        Booking.objects.select_related("member", "space", "resource", "offer")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return
    if kind == "staff":
        _deliver_staff_alert(booking, reason)
        return
    member = booking.member
    with translation.override(member.language or "en"):
        feed = FeedToken.current(member)
        context = {
            "booking": booking,
            "member": member,
            "booking_url": settings.SITE_URL + reverse("booking_detail", args=[booking.pk]),
            "feed_url": settings.SITE_URL + reverse("member_feed", args=[feed.token]),
        }
        cancel = kind == "cancelled"
        template = "emails/booking_cancelled.txt" if cancel else "emails/booking_status.txt"
        message = EmailMessage(
            subject=_subject(booking),
            body=render_to_string(template, context),
            to=[member.email],
        )
        message.attach(
            f"booking-{booking.pk}.ics",
            calendars.booking_calendar(booking, cancel=cancel),
            f"text/calendar; charset=utf-8; method={'CANCEL' if cancel else 'PUBLISH'}",
        )
        message.send()


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
        subject=f"[portal] booking #{booking.pk} needs attention: {booking.get_status_display()}",
        body=body,
        to=recipients,
    ).send()
