"""Cancelling a booking so that the portal never disagrees with its provider.

* A booking the provider never heard of (pending, never sent) is cancelled here at once.
* Where the provider has a cancel call (``SPEC.capabilities.cancel``: Zentry) it is
  cancelled there first, then here.
* Where it has none (Thia, Workways, 4Spaces) the provider still holds it: the booking
  waits in ``cancellation_requested`` (it keeps its slot and its access code, which still
  works at the space), staff are tasked, and it becomes ``cancelled`` only when staff mark
  it done at the provider (``complete_cancellation``).

Emails to the member follow the state (the hook in ``states.transition``); staff alerts
are sent from here.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bookings import availability, emails, rules
from bookings.models import Booking, Status
from bookings.services.errors import BookingError
from bookings.services.requests import request_for
from bookings.services.states import transition
from providers import messages
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)


def held_at_provider(booking: Booking) -> bool:
    """Whether the provider may hold this booking: it answered it with a reference."""
    return bool(booking.provider_reference) and booking.status not in (
        Status.PENDING,
        Status.SUBMITTING,
    )


def cancel(booking: Booking, *, actor, actor_label: str, reason: str = "") -> Booking:
    """Cancel a live booking: at the provider first when it holds it and can cancel it;
    where it cannot, the cancellation is requested from staff. Staff rights apply only
    where staff act as staff (``actor_label`` "staff": the admin), not on the member
    pages where they book for themselves."""
    as_staff = actor_label == "staff"
    refusal = rules.cancel_refusal(booking, actor, timezone.now(), as_staff=as_staff)
    if refusal:
        raise BookingError(refusal, status=409)
    reason = reason or "cancelled"
    if not held_at_provider(booking):
        changed = transition(
            booking, Status.CANCELLED, reason=reason, actor=actor, actor_label=actor_label
        )
        if changed and booking.submit_attempts:
            # an earlier attempt's answer may have been lost on the way back
            emails.send_staff_alert(
                booking.pk,
                "cancelled before the provider answered: check that "
                f"{booking.space.account.label} does not hold it",
            )
        return booking
    label = booking.space.account.label
    if not booking.space.account.spec.capabilities.cancel:
        return _request_from_staff(
            booking,
            actor=actor,
            actor_label=actor_label,
            reason=f"{reason}; {label} has no cancel call",
        )
    try:
        with adapter_for(booking.space.account) as adapter:
            reply = adapter.cancel(
                availability.item_ref(booking.item),
                request_for(booking),
                booking.provider_reference,
            )
    except (UnsupportedError, AuthenticationError) as exc:
        # the call exists but cannot be made now (credentials refused): staff take it over
        return _request_from_staff(
            booking,
            actor=actor,
            actor_label=actor_label,
            reason=f"{reason}; {label} refused our credentials: {exc}",
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
    transition(
        booking,
        Status.CANCELLED,
        reason=reason,
        actor=actor,
        actor_label=actor_label,
        reply=reply,
        next_step="",
    )
    return booking


def _request_from_staff(booking: Booking, *, actor, actor_label: str, reason: str) -> Booking:
    label = booking.space.account.label
    changed = transition(
        booking,
        Status.CANCELLATION_REQUESTED,
        reason=f"{reason}: staff cancel it at {label}",
        actor=actor,
        actor_label=actor_label,
        next_step=cancellation_terms(booking, timezone.now()),
    )
    if changed:
        emails.send_staff_alert(
            booking.pk,
            f"cancellation requested ({reason}). Cancel it with {label} by hand, then "
            "use 'Mark cancelled at the provider' in the admin.",
        )
    return booking


def cancellation_terms(booking: Booking, at: dt.datetime) -> str:
    """What the member is told while staff cancel it, in the member's language: who does
    it, and what happens to the price (the space decides; the free window where known)."""
    with translation.override(booking.member.language or None):
        lines = [
            _(
                "Our staff are cancelling this booking with %(provider)s for you. We will "
                "email you when it is done; until then the space still holds it."
            )
            % {"provider": booking.space.account.label}
        ]
        inside = rules.inside_free_cancellation(booking, at)
        hours = rules.free_cancellation_hours(booking)
        if inside is True:
            lines.append(
                _(
                    "You cancelled more than %(hours)s hours before the start, inside the "
                    "space's free cancellation window."
                )
                % {"hours": hours}
            )
        elif inside is False:
            lines.append(
                _(
                    "You cancelled less than %(hours)s hours before the start, after the "
                    "space's free cancellation window: the space may charge for it."
                )
                % {"hours": hours}
            )
        else:
            lines.append(
                _("Whether cancelling costs anything is the space's decision; we will tell you.")
            )
        return " ".join(lines)


def complete_cancellation(booking: Booking, *, actor, note: str) -> bool:
    """Staff: the booking is cancelled at the provider (done by hand); cancel it here."""
    note = note.strip()
    if not note:
        raise BookingError(_("Say how it was cancelled at the provider."), status=400)
    if booking.status != Status.CANCELLATION_REQUESTED:
        raise BookingError(
            _("Booking #%(id)s is %(s)s, not waiting for a cancellation.")
            % {"id": booking.pk, "s": booking.get_status_display()},
            status=409,
        )
    return transition(
        booking,
        Status.CANCELLED,
        reason=emails.with_staff_note(f"cancelled at {booking.space.account.label} by staff", note),
        actor=actor,
        actor_label="staff",
        next_step="",
    )
