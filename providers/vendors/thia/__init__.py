"""Thia Partner API (seed ``000_625ed28ef0e2e084.txt``): one space per API key."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from providers.ratelimit import Limit
from providers.spec import Capabilities, ConfigField, ProviderSpec, SecretField

SPEC = ProviderSpec(
    kind="thia",
    label="Thia",
    adapter="providers.vendors.thia.adapter.ThiaAdapter",
    documents=("000_625ed28ef0e2e084.txt",),
    config_fields=(
        ConfigField("base_url", _("API base URL"), _("Ends in /api/v1/partner."), type="api_url"),
        ConfigField(
            "media_url",
            _("Media base URL"),
            _("Where relative photo paths are served from (default: the API's host)."),
            type="url",
            required=False,
        ),
    ),
    # doc: "# prod https://thia.work/api/v1/partner" (its staging host is left out)
    base_urls=("https://thia.work/api/v1/partner",),
    secret_fields=(
        SecretField("api_key", _("API key"), _("Sent as X-API-Key.")),
        SecretField("api_secret", _("API secret"), _("Sent as X-API-Secret.")),
    ),
    # No cancel endpoint is documented; bookings are read back through access codes.
    capabilities=Capabilities(quotes=True, passes=True, reads_back=True),
    # doc: "60 requests per minute per API key". 55 leaves headroom for the clock skew
    # between our sliding window and Thia's own window.
    rate_limit=Limit(55, 60),
    # Nothing waits for an answer: a booking or access code is made by the call itself.
    expected_answer_hours=None,
    # What the adapter tells members, by code ("thia.<code>"): providers.messages.
    messages={
        "show_code": _("Show the QR code (or the access code) at the entrance of the space."),
        "listed_price": _("The space's listed price (Thia does not say whether it includes VAT)."),
        "priced_per_hour": _("Thia prices this room per hour; the space confirms the price."),
        "priced_per_day": _("Thia prices this room per day; the space confirms the price."),
        "priced_per_month": _("Thia prices this room per month; the space confirms the price."),
        "priced_per_year": _("Thia prices this room per year; the space confirms the price."),
        "priced_per_period": _("Thia prices this room per period; the space confirms the price."),
        "whole_hours": _("Thia books meeting rooms by the whole hour (for example 09:00 - 10:00)."),
        "one_day": _("A Thia meeting-room booking stays within one day."),
        "one_hour": _("Book at least one hour."),
        "one_start_day": _(
            "Thia sells this pass for one start day at a time (the product sets how long it "
            "is valid): book each day separately."
        ),
        "product_gone": _("This product is no longer sold by the space."),
    },
)
