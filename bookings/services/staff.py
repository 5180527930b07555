"""Staff actions on a booking: send a failed one again, confirm or decline a request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bookings import emails
from bookings.models import Booking, Status
from bookings.services.states import transition
from bookings.services.submission import enqueue_submit


def retry(booking: Booking, *, actor) -> None:
    """Staff: send a failed booking again (it is reconciled first)."""
    if transition(
        booking,
        Status.PENDING,
        reason="retry requested by staff",
        actor=actor,
        actor_label="staff",
        provider_message="",
    ):
        enqueue_submit(booking.pk)


def staff_decide(booking: Booking, *, approve: bool, actor, note: str = "") -> None:
    """Staff confirm or decline a request (4Spaces requests, approvals done by hand)."""
    if approve:
        transition(
            booking,
            Status.CONFIRMED,
            reason=note or "confirmed by staff",
            actor=actor,
            actor_label="staff",
            next_step="",
        )
        emails.send_status_email(booking.pk)
    else:
        transition(
            booking,
            Status.REJECTED,
            reason=note or "declined by staff",
            actor=actor,
            actor_label="staff",
            provider_message=note or _("The space could not accept this request."),
        )
