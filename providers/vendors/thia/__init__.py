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
        ConfigField("base_url", _("API base URL"), _("Ends in /api/v1/partner."), type="url"),
        ConfigField(
            "media_url",
            _("Media base URL"),
            _("Where relative photo paths are served from (default: the API's host)."),
            type="url",
            required=False,
        ),
    ),
    secret_fields=(
        SecretField("api_key", _("API key"), _("Sent as X-API-Key.")),
        SecretField("api_secret", _("API secret"), _("Sent as X-API-Secret.")),
    ),
    # No cancel endpoint is documented; bookings are read back through access codes.
    capabilities=Capabilities(quotes=True, passes=True, reads_back=True),
    # doc: "60 requests per minute per API key". 55 leaves headroom for the clock skew
    # between our sliding window and Thia's own window.
    rate_limit=Limit(55, 60),
)
