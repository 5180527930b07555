"""Catalogue sync: idempotent upserts, deactivation, degraded providers, recorded runs."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from providers import services, tasks
from providers.adapters.errors import AuthenticationError, MalformedResponseError, TransientError
from providers.adapters.types import SkippedItem
from providers.models import Amenity, Health, Offer, Resource, Space, SyncRun
from tests.providers import factories

pytestmark = pytest.mark.django_db


class FakeAdapter:
    """Stands in for a provider adapter: returns a catalogue or raises a provider error."""

    def __init__(self, outcome):
        self.outcome = outcome

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def fetch_catalogue(self):
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


@pytest.fixture
def provider(monkeypatch):
    """Set what the provider answers next: ``provider.answer(catalogue_or_error)``."""

    class Provider:
        outcome = None

        def answer(self, outcome):
            self.outcome = outcome

    p = Provider()
    monkeypatch.setattr(services, "adapter_for", lambda account: FakeAdapter(p.outcome))
    return p


def test_first_sync_creates_everything_and_a_second_changes_nothing(provider):
    account = factories.account()
    provider.answer(factories.catalogue(factories.space("a"), factories.space("b")))
    first = services.sync_account(account)
    assert (first.status, first.created, first.updated, first.deactivated) == ("success", 8, 0, 0)
    assert Space.objects.count() == 2 and Resource.objects.count() == 4
    second = services.sync_account(account)
    assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
    assert second.unchanged == 8
    account.refresh_from_db()
    assert account.health == Health.OK and account.last_success_at is not None


def test_a_changed_price_updates_only_that_item(provider):
    account = factories.account()
    provider.answer(factories.catalogue(factories.space("a")))
    services.sync_account(account)
    changed = factories.space("a")
    changed.resources[0].price_hour = Decimal("35.00")
    provider.answer(factories.catalogue(changed))
    run = services.sync_account(account)
    assert (run.created, run.updated, run.deactivated) == (0, 1, 0)
    assert Resource.objects.get(external_id="a-r1").price_hour == Decimal("35.00")


def test_vanished_items_are_deactivated_never_deleted_and_come_back(provider):
    account = factories.account()
    provider.answer(factories.catalogue(factories.space("a"), factories.space("b")))
    services.sync_account(account)
    smaller = factories.space("a")
    smaller.resources = smaller.resources[:1]
    provider.answer(factories.catalogue(smaller))
    run = services.sync_account(account)
    # space b with its 2 rooms and 1 pass, and room a-r2
    assert run.deactivated == 5
    assert Space.objects.count() == 2 and not Space.objects.get(external_id="b").active
    assert not Resource.objects.get(external_id="a-r2").active
    provider.answer(factories.catalogue(factories.space("a"), factories.space("b")))
    back = services.sync_account(account)
    assert Space.objects.get(external_id="b").active
    assert back.updated >= 2


def test_amenities_from_every_provider_share_one_vocabulary(provider):
    account = factories.account()
    other = factories.account(kind="thia", name="Other")
    provider.answer(factories.catalogue(factories.space("a", amenities=["WiFi", "Printer"])))
    services.sync_account(account)
    provider.answer(factories.catalogue(factories.space("b", amenities=["Wi-Fi", "wifi "])))
    services.sync_account(other)
    assert Amenity.objects.filter(slug="wi-fi").count() == 1
    assert Space.objects.filter(amenities__slug="wi-fi").count() == 2


@pytest.mark.parametrize(
    ("error", "health"),
    [
        (TransientError("HTTP 500", provider="workways", status=500), Health.DEGRADED),
        (MalformedResponseError("answer is not JSON", provider="workways"), Health.DEGRADED),
        (AuthenticationError("Invalid API credentials", status=401), Health.AUTH_FAILED),
    ],
)
def test_a_failing_provider_keeps_the_last_good_catalogue(provider, error, health):
    account = factories.account()
    provider.answer(factories.catalogue(factories.space("a")))
    services.sync_account(account)
    provider.answer(error)
    run = services.sync_account(account)
    assert run.status == SyncRun.Status.FAILED
    assert run.errors and type(error).__name__ in run.errors[0]
    assert Space.objects.get(external_id="a").active
    assert Resource.objects.filter(active=True).count() == 2
    account.refresh_from_db()
    assert account.health == health
    assert account.last_success_at < account.last_sync_at


def test_skipped_items_are_recorded_while_the_rest_syncs(provider):
    account = factories.account()
    provider.answer(
        factories.catalogue(
            factories.space("a"), skipped=[SkippedItem("room 42", "capacity is 'many'")]
        )
    )
    run = services.sync_account(account)
    assert run.status == SyncRun.Status.PARTIAL
    assert run.errors == ["skipped room 42: capacity is 'many'"]
    assert Resource.objects.count() == 2


def test_errors_recorded_never_contain_the_credentials(provider, caplog):
    account = factories.account()
    provider.answer(TransientError("timed out", provider="workways"))
    with caplog.at_level(logging.DEBUG):
        run = services.sync_account(account)
    assert "secret-token-value" not in str(run.errors)
    assert "secret-token-value" not in caplog.text


def test_the_task_claims_its_run_so_a_second_delivery_does_nothing(provider):
    account = factories.account()
    provider.answer(factories.catalogue(factories.space("a")))
    run = SyncRun.objects.create(account=account, trigger="admin")
    assert tasks.sync_provider(account.pk, run.pk) == "success"
    assert tasks.sync_provider(account.pk, run.pk) == "run already handled"
    assert SyncRun.objects.count() == 1


def test_beat_starts_only_the_accounts_that_are_due(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.sync_provider, "delay", lambda *args: sent.append(args))
    due = factories.account(name="due")
    fresh = factories.account(name="fresh")
    from django.utils import timezone

    fresh.last_sync_at = timezone.now()
    fresh.save()
    factories.account(name="off", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sync_due_accounts() == 1
    assert [args[0] for args in sent] == [due.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sync_due_accounts() == 0  # its run is queued: not started twice


def test_offers_keep_prices_and_units(provider):
    account = factories.account()
    provider.answer(factories.catalogue(factories.space("a")))
    services.sync_account(account)
    offer = Offer.objects.get()
    assert (offer.kind, offer.price, offer.currency, offer.price_unit) == (
        "day_pass",
        Decimal("25.00"),
        "EUR",
        "day",
    )
