"""Prices: the provider's quote, or the catalogue's estimate when it cannot price."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.utils.translation import gettext as _

from bookings import availability
from bookings.services.errors import BookingError
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
from providers.adapters.types import BookingRequest, Quote
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)


def quote_for(item: Resource | Offer, request: BookingRequest) -> Quote:
    """The provider's price, or the catalogue's when the provider cannot price it."""
    try:
        with adapter_for(item.space.account) as adapter:
            return adapter.quote(availability.item_ref(item), request)
    except (
        UnsupportedError,
        TransientError,
        AuthenticationError,
        ProviderConfigurationError,
        NotFoundError,
    ) as exc:
        logger.info("quote from catalogue for %s: %s", item, type(exc).__name__)
        return catalogue_quote(item, request)
    except RejectedError as exc:  # the provider says this booking cannot be made
        raise BookingError(
            messages.render(exc.message), status=409 if exc.status == 409 else 400
        ) from exc


def catalogue_quote(item: Resource | Offer, request: BookingRequest) -> Quote:
    if isinstance(item, Resource):
        hours = Decimal((request.end - request.start).total_seconds()) / Decimal(3600)
        if item.price_hour is not None:
            total = (item.price_hour * hours).quantize(Decimal("0.01"))
            return Quote(
                total,
                item.currency,
                [(_("%(h)s h x %(p)s") % {"h": hours.normalize(), "p": item.price_hour}, total)],
                note=_("Estimate from the provider's published price."),
            )
        return Quote(None, item.currency, note=_("Price on request."))
    if item.price is not None:
        total = (item.price * request.days).quantize(Decimal("0.01"))
        return Quote(
            total,
            item.currency,
            [(_("%(n)s days x %(p)s") % {"n": request.days, "p": item.price}, total)],
            note=_("Estimate from the provider's published price."),
        )
    return Quote(None, item.currency, note=_("Price on request."))
