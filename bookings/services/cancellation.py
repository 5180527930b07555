"""Cancelling a booking: at the provider first when it holds it, then here."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import availability, emails, rules
from bookings.models import Booking, Status
from bookings.services.errors import BookingError
from bookings.services.requests import request_for
from bookings.services.states import transition
from providers import messages
from providers.adapters import adapter_for
from providers.adapters.errors import (
    RejectedError,
    TransientError,
    UnsupportedError,
)


def cancel(booking: Booking, *, actor, actor_label: str, reason: str = "") -> Booking:
    """Cancel a live booking: at the provider first when it holds it, then here."""
    refusal = rules.cancel_refusal(booking, actor, timezone.now())
    if refusal:
        raise BookingError(refusal, status=409)
    reply = None
    if booking.provider_reference and booking.status != Status.PENDING:
        try:
            with adapter_for(booking.space.account) as adapter:
                reply = adapter.cancel(
                    availability.item_ref(booking.item),
                    request_for(booking),
                    booking.provider_reference,
                )
        except UnsupportedError:
            reply = {"note": "the provider has no online cancellation; staff will cancel it"}
            emails.send_staff_alert(
                booking.pk, "cancelled by the member: cancel it with the provider by hand"
            )
        except TransientError as exc:
            raise BookingError(
                _(
                    "The provider is not answering, so the booking is not cancelled yet. Please "
                    "try again in a few minutes."
                ),
                status=503,
            ) from exc
        except RejectedError as exc:
            raise BookingError(
                _("The provider refused to cancel: %(m)s") % {"m": messages.render(exc.message)},
                status=409,
            ) from exc
    changed = transition(
        booking,
        Status.CANCELLED,
        reason=reason or "cancelled",
        actor=actor,
        actor_label=actor_label,
        reply=reply,
    )
    if changed:
        emails.send_cancellation_email(booking.pk)
    return booking
