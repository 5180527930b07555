"""Zentry Workspaces and CheckIns APIs.

Seeds ``002_b74326c229a2377d.txt`` (workspaces) and ``003_c7b0553c6c4180e6.txt`` (check-ins).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from providers.spec import Capabilities, ConfigField, ProviderSpec, SecretField

SPEC = ProviderSpec(
    kind="zentry",
    label="Zentry",
    adapter="providers.adapters.zentry.ZentryAdapter",
    documents=("002_b74326c229a2377d.txt", "003_c7b0553c6c4180e6.txt"),
    config_fields=(
        ConfigField("workspaces_url", _("Workspaces API base URL"), type="url"),
        ConfigField("checkins_url", _("CheckIns API base URL"), type="url"),
        ConfigField("tenant_id", _("Tenant id")),
        ConfigField("user_id", _("Integration user id"), _("Members book as this user.")),
        ConfigField("workspace_id", _("Workspace id"), required=False),
    ),
    secret_fields=(SecretField("api_key", _("API key")),),
    # Reservations are cancelled with DELETE /Reservation/{id} and approved with
    # PUT /Reservation/{id}/approve (seed 003).
    capabilities=Capabilities(
        cancel=True,
        approval=True,
        approve=True,
        quotes=True,
        passes=True,
        reads_back=True,
    ),
    rate_limit=None,  # the documents name no rate limit
)
