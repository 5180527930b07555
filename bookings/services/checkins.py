"""Checking in and out at the space, where the provider offers it
(``Capabilities.check_in``: Zentry ``POST /CheckIn/create`` and ``/CheckIn/{id}/check-out``,
seed 003). The provider is asked first; the portal keeps a ``Visit`` of what it answered.
When a member may check in is ``bookings.rules.check_in_refusal``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import availability, rules
from bookings.models import Booking, Visit
from bookings.services.errors import BookingError
from bookings.services.requests import request_for
from providers import messages
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    NotFoundError,
    ProviderConfigurationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import CheckInResult


def _ask(booking: Booking, call) -> CheckInResult:
    """``call(adapter, item_ref)`` at the booking's provider; its failures in words."""
    label = booking.space.account.label
    try:
        with adapter_for(booking.space.account) as adapter:
            return call(adapter, availability.item_ref(booking.item))
    except (RejectedError, NotFoundError) as exc:
        raise BookingError(
            _("%(provider)s refused: %(m)s")
            % {"provider": label, "m": messages.render(exc.message)},
            status=409,
        ) from exc
    except TransientError as exc:
        raise BookingError(
            _("%(provider)s is not answering. Please try again in a minute.") % {"provider": label},
            status=503,
        ) from exc
    except (AuthenticationError, UnsupportedError, ProviderConfigurationError) as exc:
        raise BookingError(
            _("%(provider)s cannot check you in now: please check in at the front desk.")
            % {"provider": label},
            status=502,
        ) from exc


def check_in(booking: Booking, *, member) -> Visit:
    """Check ``member`` in at the space for ``booking``: at the provider, then here. A
    second check-in of one booking (a double click) is refused before the provider is
    asked; two racing ones keep the first ``Visit``."""
    visited = Visit.objects.filter(booking=booking).exists()
    if refusal := rules.check_in_refusal(booking, member, timezone.now(), visited=visited):
        raise BookingError(refusal, status=409)
    request = request_for(booking)
    result = _ask(
        booking,
        lambda adapter, item: adapter.check_in(item, request, booking.provider_reference),
    )
    try:
        with transaction.atomic():
            return Visit.objects.create(
                booking=booking,
                member=member,
                provider_reference=result.reference,
                checked_in_at=result.time_in,
                checked_out_at=result.time_out,
            )
    except IntegrityError:
        return Visit.objects.get(booking=booking)


def check_out(visit: Visit, *, member) -> Visit:
    """Check ``member`` out of ``visit``: at the provider, then here."""
    if refusal := rules.check_out_refusal(visit, member):
        raise BookingError(refusal, status=409)
    result = _ask(
        visit.booking,
        lambda adapter, item: adapter.check_out(item, visit.provider_reference),
    )
    visit.checked_out_at = result.time_out or timezone.now()
    visit.save(update_fields=["checked_out_at"])
    return visit
