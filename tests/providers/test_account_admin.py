"""Provider accounts in the staff panel (issue 15): typed fields from each provider's
declaration, write-only secrets, "Test connection" and a sync's progress."""

from __future__ import annotations

import re

import httpx
import pytest
import respx
from django.test import Client
from django.urls import reverse

from devtools.demo import accounts_from_sandbox_config
from portal.models import User
from providers import registry, services
from providers.adapters.types import Catalogue
from providers.connection import check_connection
from providers.models import ProviderAccount, Space, SyncRun
from tests.providers import factories
from tests.providers.test_sync_sandbox import live_sandbox  # noqa: F401

pytestmark = pytest.mark.django_db

ZENTRY_KEY = "zentry-key-never-shown"
WORKWAYS = "https://api.workways.com"


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(email="ops@example.com", password="x-ops-9")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def zentry(settings):
    settings.PROVIDER_URLS = {"zentry": ["https://zentry.example/"]}
    return ProviderAccount.objects.create(
        kind="zentry",
        name="Zentry Vienna",
        config={
            "workspaces_url": "https://zentry.example/workspaces",
            "checkins_url": "https://zentry.example/checkins",
            "tenant_id": "tenant-7",
            "user_id": "user-9",
        },
        credentials={"api_key": ZENTRY_KEY},
    )


def change_url(account: ProviderAccount) -> str:
    return reverse("admin:providers_provideraccount_change", args=[account.pk])


def input_names(page: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', page))


def zentry_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Zentry Vienna",
        "enabled": "on",
        "sync_interval": "45",
        "config_workspaces_url": "https://zentry.example/workspaces",
        "config_checkins_url": "https://zentry.example/checkins",
        "config_tenant_id": "tenant-8",
        "config_user_id": "user-9",
        "config_workspace_id": "",
        "secret_api_key": "",
        "sync_runs-TOTAL_FORMS": "0",
        "sync_runs-INITIAL_FORMS": "0",
        **overrides,
    }


# --- typed fields, this provider's only --------------------------------------------------


def test_a_zentry_account_shows_zentrys_fields_only(staff_client, zentry):
    page = staff_client.get(change_url(zentry)).content.decode()
    names = input_names(page)
    declared = {f"config_{f.name}" for f in registry.spec("zentry").config_fields}
    assert declared <= names
    assert "secret_api_key" in names
    # no other provider's secrets (Thia's key and secret, Workways' token), no JSON box
    assert not names & {"secret_api_secret", "secret_token", "config"}
    assert 'type="url"' in page  # the API URLs are typed as URLs
    assert 'value="tenant-7"' in page  # settings are shown back, they are not secret


@pytest.mark.parametrize("role", ["Viewer", "Operator"])
def test_staff_without_the_administrator_role_read_an_account_but_cannot_change_it(
    client, zentry, role
):
    from django.contrib.auth.models import Group

    from portal import roles

    roles.sync_roles()
    reader = User.objects.create_user(email="reader@example.com", password="x-reader-9")
    reader.is_staff = True
    reader.save()
    reader.groups.add(Group.objects.get(name=role))
    client.force_login(reader)
    response = client.get(change_url(zentry))
    assert response.status_code == 200
    page = response.content.decode()
    assert "tenant-7" in page and "Zentry Vienna" in page  # the settings, read-only
    assert ZENTRY_KEY not in page
    assert not input_names(page) & {"config_tenant_id", "secret_api_key", "name"}
    assert "Test connection" not in page
    assert client.post(change_url(zentry), zentry_form(name="Renamed")).status_code == 403
    zentry.refresh_from_db()
    assert zentry.name == "Zentry Vienna"


def test_secrets_never_appear_in_the_form(staff_client, zentry):
    page = staff_client.get(change_url(zentry)).content.decode()
    assert ZENTRY_KEY not in page
    secret = re.search(r'<input[^>]*name="secret_api_key"[^>]*>', page).group(0)
    assert 'type="password"' in secret
    assert "value=" not in secret
    assert "Stored: leave blank to keep it" in page
    assert 'name="clear_api_key"' in page


def test_saving_typed_fields_stores_the_config_and_a_blank_secret_keeps_the_old(
    staff_client, zentry
):
    response = staff_client.post(change_url(zentry), zentry_form())
    assert response.status_code == 302
    zentry.refresh_from_db()
    assert zentry.config == {
        "workspaces_url": "https://zentry.example/workspaces",
        "checkins_url": "https://zentry.example/checkins",
        "tenant_id": "tenant-8",
        "user_id": "user-9",
    }
    assert zentry.sync_interval == 45
    assert zentry.credentials == {"api_key": ZENTRY_KEY}

    staff_client.post(change_url(zentry), zentry_form(secret_api_key="  new-key  "))
    zentry.refresh_from_db()
    assert zentry.credentials == {"api_key": "new-key"}

    staff_client.post(change_url(zentry), zentry_form(clear_api_key="on"))
    zentry.refresh_from_db()
    assert zentry.credentials == {}


def test_a_required_setting_left_blank_is_refused(staff_client, zentry):
    page = staff_client.post(change_url(zentry), zentry_form(config_tenant_id=""))
    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    zentry.refresh_from_db()
    assert zentry.config["tenant_id"] == "tenant-7"


def test_an_api_url_off_the_allow_list_is_refused_on_its_field(staff_client, zentry):
    form = zentry_form(config_checkins_url="https://attacker.example/collect")
    page = staff_client.post(change_url(zentry), form)
    assert page.status_code == 200
    assert "is not an allowed Zentry API URL" in page.content.decode()
    zentry.refresh_from_db()
    assert zentry.config["checkins_url"] == "https://zentry.example/checkins"


def test_adding_an_account_asks_for_the_provider_first(staff_client, settings):
    add = reverse("admin:providers_provideraccount_add")
    first = staff_client.get(add).content.decode()
    for spec in registry.specs():
        assert f"{add}?kind={spec.kind}" in first
    assert "secret_" not in first

    page = staff_client.get(f"{add}?kind=thia").content.decode()
    assert {"secret_api_key", "secret_api_secret", "config_base_url"} <= input_names(page)
    assert "secret_token" not in input_names(page)

    settings.PROVIDER_URLS = {"workways": [WORKWAYS]}
    form = {
        "name": "New Workways",
        "enabled": "on",
        "sync_interval": "60",
        "config_base_url": WORKWAYS,
        "secret_token": "ww-token",
        "sync_runs-TOTAL_FORMS": "0",
        "sync_runs-INITIAL_FORMS": "0",
    }
    assert staff_client.post(f"{add}?kind=workways", form).status_code == 302
    account = ProviderAccount.objects.get(name="New Workways")
    assert account.kind == "workways"
    assert account.config == {"base_url": WORKWAYS}
    assert account.credentials == {"token": "ww-token"}


def test_a_new_account_needs_its_required_secret(staff_client):
    add = reverse("admin:providers_provideraccount_add")
    form = {
        "name": "No token",
        "sync_interval": "60",
        "config_base_url": WORKWAYS,
        "sync_runs-TOTAL_FORMS": "0",
        "sync_runs-INITIAL_FORMS": "0",
    }
    page = staff_client.post(f"{add}?kind=workways", form)
    assert page.status_code == 200
    assert "This provider needs it." in page.content.decode()
    assert not ProviderAccount.objects.filter(name="No token").exists()


def test_an_account_of_a_provider_no_longer_known_still_opens(staff_client):
    account = ProviderAccount.objects.create(
        kind="gone", name="Old", config={"base_url": "x"}, credentials={"key": "old-secret"}
    )
    page = staff_client.get(change_url(account))
    assert page.status_code == 200
    assert "old-secret" not in page.content.decode()
    form = {
        "name": "Old, to delete",
        "sync_interval": "60",
        "sync_runs-TOTAL_FORMS": "0",
        "sync_runs-INITIAL_FORMS": "0",
    }
    assert staff_client.post(change_url(account), form).status_code == 302
    account.refresh_from_db()
    assert (account.name, account.config) == ("Old, to delete", {"base_url": "x"})
    assert account.credentials == {"key": "old-secret"}
    answer = staff_client.post(connection_url(account), follow=True)
    assert "No provider gone any more: nothing to test." in answer.content.decode()


# --- test connection -----------------------------------------------------------------------


def workways_account() -> ProviderAccount:
    account = factories.account()
    ProviderAccount.objects.filter(pk=account.pk).update(config={"base_url": WORKWAYS})
    account.refresh_from_db()
    return account


def connection_url(account: ProviderAccount) -> str:
    return reverse("admin:providers_provideraccount_test_connection", args=[account.pk])


def test_test_connection_is_post_only_and_sends_nothing_on_a_get(staff_client):
    account = workways_account()
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route(host="api.workways.com")
        assert staff_client.get(connection_url(account)).status_code == 405
    assert not route.called


def test_test_connection_reports_the_answer_in_words(staff):
    account = workways_account()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    page = browser.get(change_url(account)).content.decode()
    button = re.search(r"<button[^>]*formaction=\"([^\"]+)\"[^>]*>Test connection</button>", page)
    assert button and button.group(1) == connection_url(account)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    sites = {"retcode": 1, "data": [{"_id": "s1", "otherRooms": []}]}
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route(host="api.workways.com").mock(
            return_value=httpx.Response(200, json=sites)
        )
        assert browser.post(button.group(1)).status_code == 403  # no CSRF token
        assert not route.called
        answer = browser.post(button.group(1), {"csrfmiddlewaretoken": token}, follow=True)
    assert route.call_count == 1
    assert route.calls[0].request.method == "GET"
    text = answer.content.decode()
    assert re.search(r"Workways answered the connection test: HTTP 200 in \d+ ms\.", text)
    assert "secret-token-value" not in text
    assert "otherRooms" not in text


def test_a_refused_connection_names_the_error_not_the_answer(staff_client):
    account = workways_account()
    echo = "echo: Authorization: Bearer secret-token-value"
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="api.workways.com").mock(
            return_value=httpx.Response(401, json={"retcode": -1, "message": echo})
        )
        page = staff_client.post(connection_url(account), follow=True)
    text = page.content.decode()
    assert re.search(
        r"The connection test failed: AuthenticationError \(HTTP 401\) at [\d\- :]+ UTC, "
        r"after \d+ ms\.",
        text,
    )
    assert "secret-token-value" not in text
    assert "echo" not in text


# --- sync progress -------------------------------------------------------------------------


def test_a_sync_counts_its_items_and_the_pages_show_them(staff_client, monkeypatch):
    account = factories.account()
    catalogue = Catalogue(spaces=[factories.space("s1"), factories.space("s2")])
    seen: list[tuple[int, int | None]] = []

    class Adapter:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def fetch_catalogue(self):
            return catalogue

    real_apply = services.apply_catalogue

    def apply(account, catalogue, on_progress=None):
        def tell(done):
            on_progress(done)
            running = SyncRun.objects.get()
            assert running.status == SyncRun.Status.RUNNING
            seen.append(services.sync_progress(running))

        return real_apply(account, catalogue, tell)

    monkeypatch.setattr(services, "adapter_for", lambda account: Adapter())
    monkeypatch.setattr(services, "apply_catalogue", apply)
    run = services.sync_account(account, trigger="test")

    total = services.catalogue_size(catalogue)
    per_space = total // 2
    assert total > 2  # rooms and passes count too
    assert seen == [(per_space, total), (total, total)]
    assert (run.items_done, run.items_total) == (total, total)

    live = staff_client.get(reverse("admin:providers_syncrun_progress", args=[run.pk])).json()
    assert live == {
        "done": total,
        "total": total,
        "running": False,
        "text": f"success — {total} of {total} items",
    }
    for page in (
        staff_client.get(change_url(account)),
        staff_client.get(reverse("admin:providers_syncrun_change", args=[run.pk])),
    ):
        assert f"{total} of {total} items" in page.content.decode()


def test_a_running_sync_is_polled_by_a_script_file(staff_client):
    account = factories.account()
    run = SyncRun.objects.create(
        account=account, status=SyncRun.Status.RUNNING, items_done=0, items_total=12
    )
    services.record_progress(run.pk, 5, 12)
    page = staff_client.get(change_url(account)).content.decode()
    assert "5 of 12 items" in page
    assert 'data-running="true"' in page
    assert "js/admin-progress.js" in page
    assert '<progress max="12" value="5" aria-label="Sync progress">' in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", registry.kinds())
def test_every_provider_answers_the_connection_test_from_the_sandbox(live_sandbox, kind):  # noqa: F811
    for config in accounts_from_sandbox_config(live_sandbox.print_config(live_sandbox.base_url)):
        if config.kind != kind:
            continue
        account = ProviderAccount.objects.create(
            kind=kind, name=config.name, config=config.config, credentials=config.credentials
        )
        report = check_connection(account)
        assert report.ok, report.summary
        assert report.status == 200
        assert f"{registry.label(kind)} answered the connection test: HTTP 200 in" in (
            report.summary
        )
        for secret in config.credentials.values():
            assert secret not in report.summary
        assert not Space.objects.exists()  # a question, not a sync
        break
    else:
        pytest.fail(f"the sandbox has no {kind} account")
