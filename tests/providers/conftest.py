"""Fixtures for adapter tests.

* ``sandbox`` / ``sandbox_transport``: the provider sandbox in-process; pass the transport
  to an adapter (``adapter_for(account, transport=sandbox_transport)``) and it speaks HTTP
  to the sandbox with no server to start.
* ``sandbox_accounts``: ``{kind: [AccountConfig, ...]}`` built from the sandbox's
  ``--print-config``, exactly as the demo set-up builds them (base URLs point at
  http://127.0.0.1:8001, which the transport serves).
* ``no_sleep``: pass as ``sleep=``; a list of the waits the adapter asked for.
"""

from __future__ import annotations

from collections import defaultdict

import httpx
import pytest

from devtools.demo import accounts_from_sandbox_config
from providers.ratelimit import LocalRateLimiter
from sandbox import build_sandbox


@pytest.fixture
def sandbox():
    return build_sandbox(state_path=None, fault_seed=1)


@pytest.fixture
def sandbox_transport(sandbox):
    return httpx.WSGITransport(app=sandbox)


@pytest.fixture
def sandbox_accounts(sandbox):
    grouped = defaultdict(list)
    for account in accounts_from_sandbox_config(sandbox.print_config("http://127.0.0.1:8001")):
        grouped[account.kind].append(account)
    return dict(grouped)


class Sleeps(list):
    """Pass as ``sleep=``: records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def no_sleep():
    return Sleeps()


@pytest.fixture
def limiter():
    return LocalRateLimiter()


def portal_on_sandbox(monkeypatch, transport, cfg):
    """Point the whole portal (sync, availability, bookings) at the in-process sandbox
    through ``transport`` and sync ``cfg``'s account; returns the ProviderAccount."""
    from bookings import tasks
    from bookings.services import cancellation, quotes, registration, submission, validation
    from providers import availability
    from providers import services as catalogue_services
    from providers.adapters import adapter_for
    from providers.models import ProviderAccount

    def patched(account, **kwargs):
        return adapter_for(account, **{**kwargs, "transport": transport})

    booking_services = (quotes, submission, cancellation, registration, validation)
    for module in (availability, *booking_services, catalogue_services):
        monkeypatch.setattr(module, "adapter_for", patched)
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)
    account = ProviderAccount.objects.create(
        kind=cfg.kind, name=cfg.name, config=cfg.config, credentials=cfg.credentials
    )
    assert catalogue_services.sync_account(account).status == "success"
    return account
