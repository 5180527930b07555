"""Workways Public API (seed ``001_880c9b30cd55c5d4.txt``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from providers.spec import Capabilities, ConfigField, ProviderSpec, SecretField

SPEC = ProviderSpec(
    kind="workways",
    label="Workways",
    adapter="providers.vendors.workways.adapter.WorkwaysAdapter",
    documents=("001_880c9b30cd55c5d4.txt",),
    config_fields=(ConfigField("base_url", _("API base URL"), type="url"),),
    secret_fields=(SecretField("token", _("Bearer token"), _("Sent as Authorization: Bearer.")),),
    # Meeting requests may need the organization's registration and Workways' validation;
    # offices are monthly contracts asked for through registration (Workflow 2). No cancel
    # endpoint is documented.
    capabilities=Capabilities(
        approval=True,
        registration=True,
        quotes=True,
        office_inquiries=True,
        reads_back=True,
    ),
    # doc: "Currently, there are no enforced rate limits on these public endpoints."
    rate_limit=None,
)
