"""Submission, run by the task: claim the booking, reconcile a retried one with the
provider, send it, apply the answer; follow awaiting bookings afterwards."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from bookings import availability, emails
from bookings.models import Booking, BookingEvent, Status
from bookings.services.errors import Retry
from bookings.services.requests import remember_identity, request_for
from bookings.services.states import transition
from providers import jobs, messages
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    NotFoundError,
    ProviderConfigurationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import SubmitResult

logger = logging.getLogger(__name__)


# A booking in "submitting" for this long belongs to a worker that died: it is reclaimed.
STALE_SUBMISSION = dt.timedelta(seconds=getattr(settings, "BOOKING_STALE_SUBMISSION_SECONDS", 300))
MAX_SUBMIT_ATTEMPTS = 8


def enqueue_submit(
    booking_id: int, *, on_commit: bool = True, countdown: float | None = None
) -> None:
    """Send the booking to a worker (``countdown``: to be run that many seconds later); if
    the broker is down, ``sweep`` sends it later."""
    from bookings import tasks  # a real cycle: bookings.tasks imports these services

    jobs.enqueue(tasks.submit_booking, booking_id, on_commit=on_commit, countdown=countdown)


# --- claim and submit (run by the task) --------------------------------------------


def claim(booking_id: int) -> Booking | None:
    """Take the booking for submission, or None when someone else has it / it is done."""
    stale = timezone.now() - STALE_SUBMISSION
    claimable = Q(status=Status.PENDING) | Q(status=Status.SUBMITTING, updated_at__lt=stale)
    booking = Booking.objects.filter(claimable, pk=booking_id).first()
    if booking is None:
        return None
    previous = booking.status
    updated = Booking.objects.filter(
        pk=booking_id, status=previous, updated_at=booking.updated_at
    ).update(
        status=Status.SUBMITTING,
        submit_attempts=F("submit_attempts") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        return None
    BookingEvent.objects.create(
        booking=booking,
        actor_label="worker",
        from_status=previous,
        to_status=Status.SUBMITTING,
        reason="sending to the provider"
        if previous == Status.PENDING
        else "reclaimed after an interrupted submission",
    )
    booking.refresh_from_db()
    return booking


def submit(booking_id: int) -> str:
    """Send one booking to its provider. Returns the booking's status afterwards.

    Raises ``Retry`` when a transient fault should be retried later.
    """
    booking = claim(booking_id)
    if booking is None:
        return "not claimed"
    item = booking.item
    ref = availability.item_ref(item)
    request = request_for(booking)
    try:
        with adapter_for(booking.space.account) as adapter:
            result = None
            if booking.submit_attempts > 1:
                # an earlier attempt may have reached the provider: never book twice
                result = adapter.find_existing(ref, request)
                if result is not None:
                    logger.info("booking %s found at the provider on reconcile", booking.pk)
            if result is None:
                result = adapter.submit(ref, request)
    except TransientError as exc:
        return _transient(booking, exc)
    except RejectedError as exc:
        transition(
            booking,
            Status.REJECTED,
            reason=f"provider refused: {messages.render(exc.message)}",
            reply=exc.payload,
            actor_label="worker",
            provider_message=messages.stored(exc.message)[:2000],
        )
        return booking.status
    except (AuthenticationError, ProviderConfigurationError, UnsupportedError) as exc:
        _fail(booking, f"{type(exc).__name__}: {exc}", getattr(exc, "payload", None))
        return booking.status
    apply_result(booking, result, actor_label="worker")
    return booking.status


def _transient(booking: Booking, exc: TransientError) -> str:
    if booking.submit_attempts >= MAX_SUBMIT_ATTEMPTS:
        _fail(booking, f"gave up after {booking.submit_attempts} attempts: {exc}", exc.payload)
        return booking.status
    transition(
        booking,
        Status.PENDING,
        reason=f"provider fault, will retry: {exc}",
        reply=exc.payload,
        actor_label="worker",
    )
    countdown = (
        exc.retry_after if exc.retry_after is not None else min(300, 2**booking.submit_attempts)
    )
    raise Retry(countdown)


def _fail(booking: Booking, reason: str, reply=None) -> None:
    transition(
        booking,
        Status.FAILED,
        reason=reason,
        reply=reply,
        actor_label="worker",
        provider_message=messages.stored(messages.Message("booking_failed")),
    )
    emails.send_staff_alert(booking.pk, reason)


RESULT_STATUS = {
    "confirmed": Status.CONFIRMED,
    "awaiting_registration": Status.AWAITING_REGISTRATION,
    "awaiting_approval": Status.AWAITING_APPROVAL,
    "cancelled": Status.CANCELLED,
    "rejected": Status.REJECTED,
}


def apply_result(
    booking: Booking, result: SubmitResult, *, actor_label: str, actor=None, note: str = ""
) -> bool:
    """Apply a provider's answer; ``note`` (staff's words) is added to the history."""
    to = RESULT_STATUS[result.status]
    fields = {
        "provider_reference": result.reference[:200] or booking.provider_reference,
        "access_code": result.access_code[:200] or booking.access_code,
        "qr_url": result.qr_url[:500] or booking.qr_url,
        "valid_from": result.valid_from or booking.valid_from,
        "valid_to": result.valid_to or booking.valid_to,
        "next_step": messages.stored(result.next_step)
        or ("" if to == Status.CONFIRMED else booking.next_step),
    }
    if to == booking.status:
        if any(getattr(booking, name) != value for name, value in fields.items()):
            # what the .ics says changed (a code, a next step): a higher SEQUENCE
            Booking.objects.filter(pk=booking.pk).update(
                sequence=F("sequence") + 1, updated_at=timezone.now(), **fields
            )
        return False
    changed = transition(
        booking,
        to,
        reason=f"provider answered {result.status}{note}",
        reply=result.reply,
        actor_label=actor_label,
        actor=actor,
        **fields,
    )
    if changed:  # the member's email is queued by transition()
        remember_identity(booking, result.identity)
        if result.staff_action:
            emails.send_staff_alert(booking.pk, result.staff_action)
    return changed


# --- after submission -----------------------------------------------------------------


def refresh_from_provider(booking: Booking) -> bool:
    """Ask the provider how an awaiting booking stands (Zentry approval, for one)."""
    if booking.status not in (Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION):
        return False
    try:
        with adapter_for(booking.space.account) as adapter:
            result = adapter.refresh(
                availability.item_ref(booking.item),
                request_for(booking),
                booking.provider_reference,
            )
    except (UnsupportedError, TransientError):
        return False
    except NotFoundError:
        # a search that misses it once is not a refusal: ask again next time
        logger.warning("booking %s not found at the provider on refresh", booking.pk)
        return False
    except RejectedError as exc:
        return transition(
            booking,
            Status.REJECTED,
            reason=messages.render(exc.message),
            reply=exc.payload,
            actor_label="worker",
            provider_message=messages.stored(exc.message)[:2000],
        )
    return apply_result(booking, result, actor_label="worker")
