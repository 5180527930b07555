"""Adding a provider touches only its own package plus one registry line.

"Acme" (``tests/providers/fake_vendor``) is registered with one line; the admin, the demo
set-up, sync, the catalogue pages and API, and availability then work with it, because
they read its declaration instead of testing provider names.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import respx
from django.urls import reverse

from devtools.demo import accounts_from_sandbox_config
from portal.models import User
from providers import registry, services
from providers.adapters import adapter_for
from providers.adapters.base import ProviderAdapter
from providers.messages import Message
from providers.models import ProviderAccount, SyncRun

pytestmark = pytest.mark.django_db

ACME_URL = "http://acme.test/api"
SPACES = [
    {
        "id": 7,
        "name": "Acme Harbour",
        "tz": "Europe/Lisbon",
        "city": "Lisbon",
        "country": "Portugal",
        "country_code": "PT",
        "rooms": [{"id": 70, "name": "Tagus Room", "seats": 6}],
    }
]


@pytest.fixture
def acme(monkeypatch):
    monkeypatch.setitem(registry.VENDORS, "acme", "tests.providers.fake_vendor")  # the one line
    return registry.spec("acme")


@pytest.fixture
def acme_account(acme):
    return ProviderAccount.objects.create(
        kind="acme",
        name="Acme",
        config={"base_url": ACME_URL},
        credentials={"api_token": "acme-secret"},
    )


@pytest.fixture
def synced(acme_account):
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{ACME_URL}/spaces").mock(return_value=httpx.Response(200, json=SPACES))
        run = services.sync_account(acme_account, trigger="test")
    assert route.calls.last.request.headers["Authorization"] == "Bearer acme-secret"
    assert run.status == SyncRun.Status.SUCCESS, run.errors
    return acme_account


def test_the_registry_gives_its_typed_adapter_and_declaration(acme, acme_account):
    adapter = adapter_for(acme_account)
    assert isinstance(adapter, ProviderAdapter)
    assert type(adapter).__name__ == "AcmeAdapter"
    assert ("acme", "Acme Spaces") in registry.choices()
    assert acme_account.label == "Acme Spaces"
    assert str(Message("acme.welcome", {"name": "Ana"})) == "Welcome to Acme, Ana."


def test_its_spaces_sync_and_show_in_pages_and_api(client, synced):
    page = client.get(reverse("space_list")).content.decode()
    assert "Acme Harbour" in page
    assert "Acme Spaces" in page  # the provider's label, from its declaration
    api = client.get(reverse("api_spaces")).json()
    (space,) = [s for s in api["items"] if s["name"] == "Acme Harbour"]
    assert space["provider"] == "acme"
    assert space["resources"][0]["name"] == "Tagus Room"


def test_its_rooms_offer_slots_through_the_adapter_interface(client, synced):
    room = synced.spaces.get().resources.get()
    day = dt.date.today() + dt.timedelta(days=7)
    answer = client.get(reverse("api_slots", args=[room.pk]), {"date": day.isoformat()}).json()
    assert answer["status"] == "known"
    assert answer["timezone"] == "Europe/Lisbon"
    starts = [slot["start"] for slot in answer["slots"] if slot["available"]]
    assert starts[0].startswith(f"{day.isoformat()}T09:00")
    assert len(starts) == 8  # 09:00 to 17:00 in hours


def test_staff_add_an_account_with_its_declared_secret(client, acme):
    staff = User.objects.create_superuser(email="ops@example.com", password="x-ops-9")
    client.force_login(staff)
    add = reverse("admin:providers_provideraccount_add")
    assert f"{add}?kind=acme" in client.get(add).content.decode()  # the provider first
    form = client.get(f"{add}?kind=acme").content.decode()
    assert 'name="config_base_url"' in form
    assert "secret_api_token" in form
    response = client.post(
        f"{add}?kind=acme",
        {
            "name": "Acme Lisbon",
            "enabled": "on",
            "sync_interval": "60",
            "config_base_url": ACME_URL,
            "secret_api_token": "typed-in-token",
            "sync_runs-TOTAL_FORMS": "0",
            "sync_runs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    account = ProviderAccount.objects.get(name="Acme Lisbon")
    assert account.credentials == {"api_token": "typed-in-token"}


def test_the_demo_set_up_keeps_only_its_declared_fields(acme):
    (account,) = [
        a
        for a in accounts_from_sandbox_config(
            {"acme": {"base_url": ACME_URL, "api_token": "t0k", "spare_token": "not-kept"}}
        )
        if a.kind == "acme"
    ]
    assert account.name == "Acme Spaces"
    assert account.config == {"base_url": ACME_URL}
    assert account.credentials == {"api_token": "t0k"}
