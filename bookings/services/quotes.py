"""Prices: the provider's quote, or the catalogue's estimate when it cannot price."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from bookings import availability
from bookings.services.errors import BookingError
from providers import availability as provider_facts
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
from providers.cache import cache
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)

# after a quote that did not come within the page's budget, previews of the account's
# items show the catalogue's estimate at once for this long
SLOW_QUOTE_SECONDS = 15


def quote_budget() -> float | None:
    """Seconds a price preview or a confirmation waits on the provider (on its rate limit
    and its answer together): what is left of the page's ``PAGE_PROVIDER_TOTAL_MS``; None
    outside a page (``providers.availability.page_work``)."""
    return provider_facts.page_budget(settings.PAGE_PROVIDER_TOTAL_MS / 1000)


def _ask_within(item: Resource | Offer, request: BookingRequest, budget: float | None) -> Quote:
    """The provider's quote; past ``budget`` a ``TransientError`` (the call may go on in
    its thread: its answer is dropped). Quotes use the rate limit's reserved share."""
    ref = availability.item_ref(item)
    if budget is None:
        with adapter_for(item.space.account) as adapter:
            return adapter.quote(ref, request)
    slow = f"quote-slow:{item.space.account.pk}"
    if cache.get(slow):  # it did not answer a moment ago: do not keep members waiting
        raise TransientError("no quote: the provider is slow", provider=item.space.account.kind)
    adapter = adapter_for(item.space.account, max_rate_wait=budget, max_attempts=1)
    done = threading.Event()
    box: dict[str, object] = {}

    def run() -> None:
        try:
            with adapter:
                box["quote"] = adapter.quote(ref, request)
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=f"quote {item}", daemon=True).start()
    if not done.wait(budget):
        cache.set(slow, 1, SLOW_QUOTE_SECONDS)
        kind = item.space.account.kind
        raise TransientError(f"no quote within {budget:.1f}s", provider=kind)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["quote"]  # type: ignore[return-value]


def quote_for(item: Resource | Offer, request: BookingRequest) -> Quote:
    """The provider's price, or the catalogue's when the provider cannot price it (or
    does not answer within ``QUOTE_PROVIDER_BUDGET_MS``: the price is then confirmed when
    the booking is sent)."""
    try:
        return _ask_within(item, request, quote_budget())
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
