"""Zentry Workspaces and CheckIns APIs.

Seeds ``002_b74326c229a2377d.txt`` (workspaces) and ``003_c7b0553c6c4180e6.txt`` (check-ins).
The adapter is ``adapter.ZentryAdapter``, composed from one mixin per job; this module
only declares the provider (the registry imports it for ``SPEC`` alone).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from providers.spec import Capabilities, ConfigField, ProviderSpec, SecretField

SPEC = ProviderSpec(
    kind="zentry",
    label="Zentry",
    adapter="providers.vendors.zentry.adapter.ZentryAdapter",
    documents=("002_b74326c229a2377d.txt", "003_c7b0553c6c4180e6.txt"),
    config_fields=(
        ConfigField("workspaces_url", _("Workspaces API base URL"), type="api_url"),
        ConfigField("checkins_url", _("CheckIns API base URL"), type="api_url"),
        ConfigField("tenant_id", _("Tenant id")),
        ConfigField("user_id", _("Integration user id"), _("Members book as this user.")),
        ConfigField("workspace_id", _("Workspace id"), required=False),
    ),
    # Both documents say "Base URLs:" and list none: the deployment names them
    # (PROVIDER_URLS_ZENTRY); until then no Zentry account can be used.
    base_urls=(),
    secret_fields=(SecretField("api_key", _("API key")),),
    # Reservations are cancelled with DELETE /Reservation/{id} and approved with
    # PUT /Reservation/{id}/approve (seed 003); members check in with POST /CheckIn/create
    # and out with POST /CheckIn/{id}/check-out (seed 003).
    capabilities=Capabilities(
        cancel=True,
        approval=True,
        approve=True,
        quotes=True,
        passes=True,
        reads_back=True,
        check_in=True,
    ),
    # Neither document states a notice, a horizon, buffers or a cancellation policy: a
    # room's ``maxReservationMinutes`` and ``capacity`` (seed 002) are its only limits.
    rate_limit=None,  # the documents name no rate limit
    # The documents are silent on how soon a location approves a Pending reservation
    # (seed 003's "isWithin24Hours" is about the reservation's start, not the answer).
    expected_answer_hours=None,
    messages={
        # SubmitResult.next_step of a Pending reservation
        "awaiting_approval": _(
            "The space approves each reservation itself. We will email you as soon as "
            "Zentry confirms it."
        ),
        # a day-pass booking of more than one day
        "one_day_at_a_time": _(
            "Zentry sells day passes one day at a time: please book each day separately."
        ),
        # a reservation answered (or read back) as Cancelled
        "not_accepted": _(
            "The space did not accept this reservation: Zentry shows it as cancelled."
        ),
        # a reservation the searches no longer find
        "reservation_gone": _("Zentry no longer has reservation %(reference)s."),
        # PUT /Reservation/{id}/approve answered 403: the integration's key lacks the rights
        "approve_forbidden": _(
            "Zentry refused the approval: this account's API key may not approve "
            "reservations. Approve it in Zentry, or ask Zentry for a key with approval rights."
        ),
        # Quote.note of the user-cost previews
        "price_note": _("Zentry's price for this booking, fees and taxes included."),
    },
)
