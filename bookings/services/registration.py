"""Registering the member's organization with a provider (Workways)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import rules
from bookings.models import Booking, BookingEvent, Kind, Status
from bookings.services.errors import BookingError
from bookings.services.requests import customer_for, remember_identity
from providers import messages
from providers.adapters import adapter_for
from providers.adapters.errors import (
    RejectedError,
    TransientError,
)
from providers.adapters.parsing import jsonable


def complete_registration(booking: Booking, *, company: str, residents: int, actor) -> str:
    """The member registers their organization with the provider (Workways
    REQUEST_ACCEPTED: "register the organization with /api/register, passing the
    meetingId"). The booking stays awaiting registration until the provider accepts it;
    the periodic reconcile follows it. Returns the words to show the member."""
    if booking.status != Status.AWAITING_REGISTRATION:
        raise BookingError(_("This booking does not wait for a registration."), status=409)
    company = rules.one_line(company)[:200]  # sent to the provider, shown in the profile
    if not company:
        raise BookingError(_("Enter your company's name."), field="company")
    member = booking.member
    if member.company != company:
        member.company = company
        member.save(update_fields=["company"])
    customer = customer_for(booking)
    try:
        if not booking.space.account.spec.capabilities.registration:
            raise BookingError(_("This provider has no online registration."), status=409)
        # seed 001: "meetingId ... ID of a pending meeting request to link with this
        # registration": a room booking's reference is its meeting request
        # (REQUEST_ACCEPTED's meetingRequestId); an office inquiry's is the organization,
        # which is no meeting request, so it sends the office as roomId alone.
        meeting_id = booking.provider_reference if booking.kind == Kind.ROOM else ""
        item = booking.item
        with adapter_for(booking.space.account) as adapter:
            result = adapter.register(
                customer,
                meeting_id=meeting_id or None,
                room_id=item.external_id if item is not None else None,
                residents=max(1, residents),
            )
    except TransientError as exc:
        raise BookingError(
            _("The provider is not answering; please try again in a few minutes."), status=503
        ) from exc
    except RejectedError as exc:
        raise BookingError(messages.render(exc.message)) from exc
    remember_identity(booking, result.get("identity") or {})
    next_step = messages.stored(result.get("next_step"))
    if next_step != booking.next_step:  # the .ics shows the next step: a higher SEQUENCE
        Booking.objects.filter(pk=booking.pk).update(
            next_step=next_step, sequence=F("sequence") + 1, updated_at=timezone.now()
        )
    BookingEvent.objects.create(
        booking=booking,
        actor=actor,
        actor_label="member",
        from_status=booking.status,
        to_status=booking.status,
        reason="organization registration sent",
        provider_reply=jsonable(result.get("reply")),
    )
    return messages.render(next_step) or messages.render(result.get("message")) or ""
