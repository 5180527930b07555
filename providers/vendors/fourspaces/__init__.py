"""4Spaces organization API (seed ``004_a5945c39ebd5aa5e.txt``).

The adapter is ``adapter.FourSpacesAdapter``, composed of mixins by job (``client``,
``things``, ``catalogue``, ``availability``, ``prices``, ``booking``); this module only
declares the provider and is imported by the registry without them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from providers.spec import Capabilities, ConfigField, ProviderSpec, SecretField

SPEC = ProviderSpec(
    kind="fourspaces",
    label="4Spaces",
    adapter="providers.vendors.fourspaces.adapter.FourSpacesAdapter",
    documents=("004_a5945c39ebd5aa5e.txt",),
    config_fields=(
        ConfigField("base_url", _("API base URL"), type="api_url"),
        ConfigField("organization_id", _("Organization id"), _("Sent as OrganizationId.")),
    ),
    base_urls=("https://api.4spaces.io",),  # doc: "Host: api.4spaces.io"
    secret_fields=(SecretField("api_key", _("API key"), required=False),),
    # The document has only GET /organization/details: bookings are requests that staff
    # confirm or decline by hand; a daily service may be booked for several days.
    capabilities=Capabilities(
        approval=True,
        quotes=True,
        passes=True,
        multi_day_passes=True,
        reflects_bookings=False,  # no booking endpoint: 4Spaces never hears of them
    ),
    # Booking rules are the organization's ``reservationConfig`` (a free-form dictionary
    # in the document: ``bookingHorizonDays``, ``minimumNoticeMinutes``,
    # ``freeCancellationHours``), which the catalogue writes to every room's ``rules`` and
    # every offer's ``raw["rules"]``: nothing provider-wide to declare here.
    rate_limit=None,  # the document states no rate limit
    # The document is silent on how soon a space's staff confirm a request (it has no
    # booking endpoint at all: staff take every reservation and request).
    expected_answer_hours=None,
    # member-facing words (a quote with no unit price says the shared "price_on_request")
    messages={
        # SubmitResult.next_step of every request. The document has no booking endpoint,
        # so nothing is sent to the space: portal staff are alerted and confirm it there.
        "request_sent": _(
            "This space takes requests by hand: our team will confirm yours with the "
            "space and email you as soon as it answers."
        ),
        # Quote.note of a price computed from the catalogue's products, persons and VAT
        "estimate": _("Estimate: the space confirms the request and its price."),
    },
)
