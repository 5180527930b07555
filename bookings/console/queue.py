"""The needs-attention queue: bookings that wait for a person, most urgent first.

Urgency is the order of ``REASONS``; within one reason the oldest waits longest and comes
first. Each entry names the admin actions of ``bookings.admin.BookingAdmin`` that resolve
it; the page shows those the staff member may run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bookings.console.schedule import local_time
from bookings.emails import MEMBER_EMAILS, MOVED_REASON
from bookings.models import Booking, BookingEvent, Status

# A registration the member has not finished after this long needs a nudge from staff.
REGISTRATION_STUCK_AFTER = dt.timedelta(hours=24)
# An email not sent this long after its event has failed (the worker retries within it).
EMAIL_LATE_AFTER = dt.timedelta(minutes=30)
# How far back the provider's changes and the failed emails are shown.
LOOK_BACK = dt.timedelta(days=7)
PER_REASON = 50  # a longer list is for the bookings list, which the row links to


@dataclass(frozen=True)
class Reason:
    code: str
    label: str | Promise  # gettext_lazy
    actions: tuple[str, ...]  # BookingAdmin action names, the first is the usual one


REASONS = (
    Reason("failed", _("Failed"), ("retry",)),
    Reason("approval", _("Awaiting approval"), ("confirm_request", "decline_request")),
    Reason("cancellation", _("Cancellation to carry out"), ("mark_cancelled",)),
    Reason("registration", _("Registration stuck"), ("confirm_request", "decline_request")),
    Reason("changed", _("Changed by the provider"), ("resend_email",)),
    Reason("email", _("Email not sent"), ("resend_email",)),
)
_BY_CODE = {r.code: r for r in REASONS}


@dataclass(frozen=True)
class Entry:
    reason: Reason
    booking: Booking
    since: dt.datetime  # since when it waits
    detail: str  # in words, for the row

    @property
    def urgency(self) -> int:
        return REASONS.index(self.reason)

    @property
    def starts_local(self) -> str:
        return local_time(self.booking.start, self.booking.space.timezone)


def _expected_answer(booking: Booking) -> dt.timedelta | None:
    hours = booking.space.account.spec.expected_answer_hours
    return dt.timedelta(hours=hours) if hours is not None else None


def _bookings(**filters):
    return Booking.objects.filter(**filters).select_related(
        "space__account", "member", "resource", "offer"
    )


def attention(now: dt.datetime) -> list[Entry]:
    """Every entry of the queue, most urgent first, oldest first within a reason."""
    entries: list[Entry] = []

    def add(code: str, booking: Booking, since: dt.datetime, detail: str = "") -> None:
        entries.append(Entry(_BY_CODE[code], booking, since, detail))

    for booking in _bookings(status=Status.FAILED, end__gt=now).order_by("updated_at")[:PER_REASON]:
        add("failed", booking, booking.updated_at, booking.provider_message_text)

    for booking in _bookings(status=Status.AWAITING_APPROVAL).order_by("created_at")[:PER_REASON]:
        # past the provider's expected answer time where its document gives one; a
        # provider that declares none: every request waits for staff to chase it
        expected = _expected_answer(booking)
        if expected is None or booking.created_at + expected <= now:
            add("approval", booking, booking.created_at)

    for booking in _bookings(status=Status.CANCELLATION_REQUESTED).order_by("updated_at")[
        :PER_REASON
    ]:
        add("cancellation", booking, booking.updated_at)

    stuck = _bookings(
        status=Status.AWAITING_REGISTRATION, updated_at__lte=now - REGISTRATION_STUCK_AFTER
    )
    for booking in stuck.order_by("updated_at")[:PER_REASON]:
        add("registration", booking, booking.updated_at)

    changed = (
        BookingEvent.objects.filter(at__gte=now - LOOK_BACK, booking__end__gt=now)
        .filter(
            Q(to_status=Status.CANCELLED_BY_PROVIDER)
            | Q(actor_label="re-check", reason__startswith=MOVED_REASON)
        )
        .select_related("booking__space__account", "booking__member")
        .order_by("at")
    )
    seen: set[int] = set()
    for event in changed[:PER_REASON]:
        if event.booking_id not in seen:
            seen.add(event.booking_id)
            add("changed", event.booking, event.at, event.reason)

    unsent = (
        BookingEvent.objects.filter(
            emailed_at__isnull=True,
            to_status__in=MEMBER_EMAILS,
            to_status=F("booking__status"),  # still news: an email later events replaced
            at__lte=now - EMAIL_LATE_AFTER,
            at__gte=now - LOOK_BACK,
        )
        .select_related("booking__space__account", "booking__member")
        .order_by("at")
    )
    seen = set()
    for event in unsent[:PER_REASON]:
        if event.booking_id not in seen:
            seen.add(event.booking_id)
            add("email", event.booking, event.at, str(Status(event.to_status).label))
    entries.sort(key=lambda e: (e.urgency, e.since))
    return entries
