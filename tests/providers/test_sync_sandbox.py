"""Sync of every provider against the sandbox: complete, idempotent, and fault-tolerant.

The sandbox runs on a real socket (``live_sandbox``); the demo accounts come from its
``--print-config``, exactly as ``make run`` creates them.
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from devtools.demo import accounts_from_sandbox_config
from providers import registry, services
from providers.models import Health, ProviderAccount, Resource, Space, SyncRun
from sandbox import build_sandbox

pytestmark = pytest.mark.django_db(transaction=True)

KINDS = registry.kinds()  # every provider syncs from the sandbox


@pytest.fixture
def live_sandbox():
    sandbox = build_sandbox(state_path=None, fault_seed=3)
    server = make_server("127.0.0.1", 0, sandbox, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sandbox.base_url = f"http://127.0.0.1:{server.server_port}"
    yield sandbox
    server.shutdown()


def _accounts(sandbox, kind: str) -> list[ProviderAccount]:
    rows = []
    for cfg in accounts_from_sandbox_config(sandbox.print_config(sandbox.base_url)):
        if cfg.kind == kind:
            rows.append(
                ProviderAccount.objects.create(
                    kind=cfg.kind, name=cfg.name, config=cfg.config, credentials=cfg.credentials
                )
            )
    return rows


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch):
    from providers.adapters.base import BaseAdapter

    monkeypatch.setattr(BaseAdapter, "backoff_base", 0.01)
    monkeypatch.setattr(BaseAdapter, "backoff_cap", 0.05)
    monkeypatch.setattr(BaseAdapter, "max_inline_wait", 0.5)


@pytest.mark.parametrize("kind", KINDS)
def test_sync_then_resync_changes_nothing(live_sandbox, kind):
    accounts = _accounts(live_sandbox, kind)
    assert accounts
    for account in accounts:
        first = services.sync_account(account)
        assert first.status == SyncRun.Status.SUCCESS, first.errors
        assert first.created > 0
        second = services.sync_account(account)
        assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
        assert second.unchanged == first.created
    assert Space.objects.filter(account__kind=kind, active=True).exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "fault",
    [
        {"error_rate": 1.0},
        {"rate_limit_rate": 1.0, "retry_after": 0},
        {"malformed_rate": 1.0},
        {"hang_rate": 1.0, "hang_seconds": 3},
    ],
    ids=["5xx", "429", "malformed", "timeout"],
)
def test_a_faulty_provider_keeps_the_catalogue_and_marks_the_account(
    live_sandbox, kind, fault, monkeypatch
):
    import httpx

    from providers.adapters import base

    monkeypatch.setattr(base.BaseAdapter, "default_timeout", httpx.Timeout(0.5))
    monkeypatch.setattr(base.BaseAdapter, "max_attempts", 2)
    account = _accounts(live_sandbox, kind)[0]
    good = services.sync_account(account)
    assert good.status == SyncRun.Status.SUCCESS
    before = (
        Space.objects.filter(active=True).count(),
        Resource.objects.filter(active=True).count(),
    )
    live_sandbox.apply_faults({kind: fault})
    bad = services.sync_account(account)
    assert bad.status == SyncRun.Status.FAILED
    assert bad.errors
    after = (
        Space.objects.filter(active=True).count(),
        Resource.objects.filter(active=True).count(),
    )
    assert after == before
    account.refresh_from_db()
    assert account.health == Health.DEGRADED
    live_sandbox.faults.clear()
    recovered = services.sync_account(account)
    assert recovered.status == SyncRun.Status.SUCCESS
    account.refresh_from_db()
    assert account.health == Health.OK
