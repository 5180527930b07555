"""The staff panel: secrets are write-only, "Sync now" queues a run, health is visible."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import User
from providers import tasks
from providers.models import ProviderAccount, SyncRun
from tests.providers import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser(email="ops@example.com", password="x-ops-9"))
    return client


def test_secrets_are_never_displayed(staff_client):
    account = factories.account()
    page = staff_client.get(reverse("admin:providers_provideraccount_change", args=[account.pk]))
    assert page.status_code == 200
    assert "secret-token-value" not in page.content.decode()
    assert "Stored: leave blank to keep it" in page.content.decode()


def test_a_blank_secret_keeps_the_stored_one_and_a_new_one_replaces_it(staff_client):
    account = factories.account()
    url = reverse("admin:providers_provideraccount_change", args=[account.pk])
    form = {
        "kind": "workways",
        "name": "Test account",
        "enabled": "on",
        "sync_interval": "30",
        "config_base_url": "http://127.0.0.1:9/none",
        "secret_token": "",
        "sync_runs-TOTAL_FORMS": "0",
        "sync_runs-INITIAL_FORMS": "0",
    }
    assert staff_client.post(url, form).status_code == 302
    account.refresh_from_db()
    assert account.credentials == {"token": "secret-token-value"}
    assert account.sync_interval == 30
    staff_client.post(url, {**form, "secret_token": "ww_new"})
    account.refresh_from_db()
    assert account.credentials == {"token": "ww_new"}


def test_credentials_are_encrypted_at_rest():
    account = factories.account()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT credentials FROM providers_provideraccount WHERE id = %s", [account.pk]
        )
        stored = cursor.fetchone()[0]
    assert "secret-token-value" not in stored
    assert ProviderAccount.objects.get().credentials["token"] == "secret-token-value"


def test_sync_now_queues_a_run_and_shows_its_progress(
    staff_client, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.sync_provider, "delay", lambda *args: sent.append(args))
    account = factories.account()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:providers_provideraccount_sync", args=[account.pk]), follow=True
        )
    run = SyncRun.objects.get()
    assert sent == [(account.pk, run.pk)]
    assert run.status == SyncRun.Status.QUEUED
    assert "follow its progress" in response.content.decode()
    listing = staff_client.get(
        reverse("admin:providers_provideraccount_changelist")
    ).content.decode()
    assert "not synced yet" in listing
