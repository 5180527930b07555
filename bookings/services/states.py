"""The state machine: which transitions are allowed, and the one way to make one."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from bookings import emails, index
from bookings.models import Booking, BookingEvent, Status
from providers.adapters.parsing import jsonable

TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING: {Status.SUBMITTING, Status.CANCELLED, Status.FAILED},
    Status.SUBMITTING: {
        Status.PENDING,  # a transient fault: try again later
        Status.CONFIRMED,
        Status.AWAITING_REGISTRATION,
        Status.AWAITING_APPROVAL,
        Status.REJECTED,
        Status.FAILED,
        Status.CANCELLED,
    },
    Status.AWAITING_REGISTRATION: {
        Status.CONFIRMED,
        Status.AWAITING_APPROVAL,
        Status.REJECTED,
        Status.CANCELLED,
        Status.CANCELLATION_REQUESTED,
        Status.CANCELLED_BY_PROVIDER,
    },
    Status.AWAITING_APPROVAL: {
        Status.CONFIRMED,
        Status.REJECTED,
        Status.CANCELLED,
        Status.CANCELLATION_REQUESTED,
        Status.CANCELLED_BY_PROVIDER,
    },
    Status.CONFIRMED: {
        Status.CANCELLED,
        Status.CANCELLATION_REQUESTED,
        Status.CANCELLED_BY_PROVIDER,
    },
    # staff cancelled it at the provider (or the space did it first)
    Status.CANCELLATION_REQUESTED: {Status.CANCELLED, Status.CANCELLED_BY_PROVIDER},
    Status.FAILED: {Status.PENDING},  # staff retry
    Status.REJECTED: set(),
    Status.CANCELLED: set(),
    Status.CANCELLED_BY_PROVIDER: set(),
}


def transition(
    booking: Booking,
    to: str,
    *,
    reason: str = "",
    actor=None,
    actor_label: str = "system",
    reply=None,
    **fields,
) -> bool:
    """Move ``booking`` to ``to`` if it is still where we think it is; record the event.

    Returns False (and changes nothing) when another process moved it first. Every
    transition raises ``sequence`` (the .ics SEQUENCE), and entering a state the member
    is told about queues its email here, once, after commit (``emails.on_transition``):
    the one place that decides which transitions email the member.
    """
    current = booking.status
    if to not in TRANSITIONS.get(current, set()):
        raise ValueError(f"booking {booking.pk}: {current} -> {to} is not allowed")
    now = timezone.now()
    updated = Booking.objects.filter(pk=booking.pk, status=current).update(
        status=to, sequence=F("sequence") + 1, updated_at=now, **fields
    )
    if not updated:
        return False
    event = BookingEvent.objects.create(
        booking=booking,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label,
        from_status=current,
        to_status=to,
        reason=reason[:2000],
        provider_reply=jsonable(reply),
    )
    booking.refresh_from_db()
    emails.on_transition(booking.pk, event.pk, to)
    index.on_transition(booking, current, to, now)  # its days indexed again after commit
    return True
