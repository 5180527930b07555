"""A fifth provider, "Acme", that exists only in the tests.

It proves the layout: a provider is its own package (this one: SPEC here, the adapter in
``adapter.py``) plus one line in ``providers.registry.VENDORS`` — nothing else in the portal
names it. Its API is one JSON document of spaces at ``GET {base_url}/spaces`` with a bearer
token; every room is open 09:00 to 17:00 local time with nothing booked.
"""

from __future__ import annotations

from providers.ratelimit import Limit
from providers.spec import Capabilities, ConfigField, ProviderSpec, SecretField

SPEC = ProviderSpec(
    kind="acme",
    label="Acme Spaces",
    adapter="tests.providers.fake_vendor.adapter.AcmeAdapter",
    documents=(),
    config_fields=(ConfigField("base_url", "API base URL", type="api_url"),),
    base_urls=("http://acme.test/api",),
    secret_fields=(SecretField("api_token", "API token"),),
    capabilities=Capabilities(quotes=False),
    rate_limit=Limit(100, 60),
    messages={"welcome": "Welcome to Acme, %(name)s."},
)
