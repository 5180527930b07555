"""The staff panel's "Test connection": one cheap, read-only call, reported in our words.

The report says whether the provider answered, the HTTP status, the error class and how
long it took; never the provider's answer (a server that is not the provider could echo
the secrets it was sent) and never a secret.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from providers.adapters import adapter_for
from providers.adapters.errors import ProviderConfigurationError, ProviderError
from providers.models import ProviderAccount


@dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    summary: str  # for staff, in words
    status: int | None
    latency_ms: int


def check_connection(account: ProviderAccount) -> ConnectionReport:
    """Ask the provider one read-only question (the adapter's ``ping``) and say how it went."""
    from providers.services import failure  # services imports the models this one does

    started = time.perf_counter()
    status: int | None = None
    try:
        # one attempt and a short wait for the rate limit: staff are waiting on the page
        with adapter_for(account, max_attempts=1, max_rate_wait=5.0) as adapter:
            try:
                adapter.ping()
            finally:
                status = getattr(adapter, "last_status", None)
    except (ProviderError, ProviderConfigurationError) as exc:
        latency = round((time.perf_counter() - started) * 1000)
        values = {"what": failure(exc, timezone.now()), "ms": latency}
        summary = gettext("The connection test failed: %(what)s, after %(ms)d ms.") % values
        return ConnectionReport(False, summary, status, latency)
    latency = round((time.perf_counter() - started) * 1000)
    summary = gettext(
        "%(provider)s answered the connection test: HTTP %(status)s in %(ms)d ms."
    ) % {"provider": account.label, "status": status or "?", "ms": latency}
    return ConnectionReport(True, summary, status, latency)
