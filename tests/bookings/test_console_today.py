"""Today, the staff landing page (/admin/): what needs a person, most urgent first, the
bookings starting today and tomorrow in each space's own time, each provider's health
over the last hour, and bookings per day per provider; staff only, viewers included."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zoneinfo

import httpx
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Status
from portal.models import User
from providers import callstats
from providers import services as catalogue
from providers.adapters.base import BaseAdapter
from providers.adapters.errors import AuthenticationError, TransientError
from providers.adapters.types import AccountConfig, SubmitResult
from providers.models import Resource
from tests.bookings.conftest import tomorrow_at
from tests.providers import factories

pytestmark = pytest.mark.django_db

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")
TODAY = "/admin/"


def room_at(kind: str, zone: str = "Europe/Dublin") -> Resource:
    account = factories.account(kind=kind, name=f"{kind} account")
    catalogue.apply_catalogue(account, factories.catalogue(factories.space(kind, timezone=zone)))
    return Resource.objects.select_related("space__account").get(external_id=f"{kind}-r1")


def book(member, room, start, provider, answer) -> Booking:
    provider.submit_answers = [answer]
    booking = services.booking_create_room(
        member=member, resource=room, start=start, end=start + dt.timedelta(hours=1)
    )
    services.submit(booking.pk)
    booking.refresh_from_db()
    return booking


def failed_booking(member, provider) -> Booking:
    """A submission the provider answered with a fault that no retry fixes."""
    fault = AuthenticationError("credentials refused", provider="workways")
    booking = book(member, room_at("workways"), tomorrow_at(9), provider, fault)
    assert booking.status == Status.FAILED
    return booking


def vienna_tomorrow_at(hour: int) -> dt.datetime:
    day = timezone.now().astimezone(VIENNA).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), VIENNA)


@pytest.fixture
def staff(admin_user):
    admin_user.timezone = "America/New_York"  # the staff member's zone is not the space's
    admin_user.save()
    return admin_user


def queue_section(html: str) -> str:
    return html.split('id="today-queue"', 1)[1].split("</section>", 1)[0]


def test_queue_holds_a_failed_booking_before_a_4spaces_request_waiting_for_approval(
    client, staff, member, provider
):
    request = book(
        member,
        room_at("fourspaces", "Europe/Vienna"),
        vienna_tomorrow_at(14),
        provider,
        SubmitResult("awaiting_approval", reference="fs-1"),
    )
    failed = failed_booking(member, provider)
    assert request.status == Status.AWAITING_APPROVAL

    client.force_login(staff)
    html = client.get(TODAY).content.decode()
    queue = queue_section(html)
    rows = re.findall(r'<tr class="queue-(\w+)">.*?#(\d+)</a>', queue, re.S)
    assert rows[:2] == [("failed", str(failed.pk)), ("approval", str(request.pk))]
    # the request's time as the Vienna space reads it, the zone named
    assert "14:00 CET (Europe/Vienna)" in queue or "14:00 CEST (Europe/Vienna)" in queue
    # each row leads to what resolves it: the booking, and its actions with a confirmation
    change = reverse("admin:bookings_booking_change", args=[request.pk])
    assert f'href="{change}"' in queue
    assert 'name="action" value="confirm_request"' in queue
    assert 'name="action" value="retry"' in queue


def test_queue_buttons_confirm_then_run_the_admin_action(
    client, staff, member, provider, django_capture_on_commit_callbacks
):
    failed = failed_booking(member, provider)
    client.force_login(staff)
    button = {"action": "retry", "_selected_action": [failed.pk], "index": "0"}
    changelist = reverse("admin:bookings_booking_changelist")
    page = client.post(changelist, button)  # what Today's button sends
    assert page.status_code == 200 and "Yes, I\u2019m sure" in page.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.FAILED  # nothing happens before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {**button, "apply": "yes", "reason": "the provider is back"})
    failed.refresh_from_db()
    assert failed.status != Status.FAILED


def test_bookings_starting_tomorrow_show_in_the_space_zone_named(client, staff, member, provider):
    book(
        member,
        room_at("fourspaces", "Europe/Vienna"),
        vienna_tomorrow_at(14),
        provider,
        SubmitResult("confirmed", reference="fs-2"),
    )
    client.force_login(staff)
    html = client.get(TODAY).content.decode()
    schedule = html.split('id="today-schedule"', 1)[1].split("</section>", 1)[0]
    assert "Space fourspaces" in schedule
    assert "times in Europe/Vienna" in schedule
    assert "<td>14:00</td>" in schedule  # not 08:00, the staff member's New York time
    assert "Tomorrow" in schedule


def test_health_counts_errors_and_429s_of_the_last_hour(client, staff, settings):
    account = factories.account(kind="thia", name="Thia Vienna")
    settings.PROVIDER_URLS = {"thia": ["http://p.test"]}
    answers = iter(
        [
            httpx.Response(429, json={"error": "Too Many Requests"}),
            httpx.Response(503, text="busy"),
            httpx.Response(200, json={"ok": True}),
            httpx.Response(200, json={"ok": True}),
        ]
    )

    class Thia(BaseAdapter):
        kind = "thia"
        max_attempts = 1

    adapter = Thia(
        AccountConfig(kind="thia", name="Thia Vienna", config={}, credentials={}, id=account.pk),
        transport=httpx.MockTransport(lambda request: next(answers)),
        sleep=lambda s: None,
    )
    for _ in range(4):
        with contextlib.suppress(TransientError):
            adapter.get_json("http://p.test/x", endpoint="GET /x")

    client.force_login(staff)
    html = client.get(TODAY).content.decode()
    row = html.split('data-account="Thia Vienna"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="health-calls">4</td>' in row
    assert '<td class="health-errors">2 (50%)</td>' in row
    assert '<td class="health-429">1</td>' in row
    assert "% this minute" in row  # Thia documents a rate limit: the share used is shown


def test_chart_shows_bookings_per_provider(client, staff, member, provider):
    book(
        member,
        room_at("fourspaces", "Europe/Vienna"),
        vienna_tomorrow_at(14),
        provider,
        SubmitResult("confirmed"),
    )
    room = room_at("workways")
    # the same day as the Vienna booking: after 23:00 UTC Vienna's tomorrow is not Dublin's
    day = vienna_tomorrow_at(14).date()
    for hour in (9, 11):
        start = dt.datetime.combine(day, dt.time(hour), tomorrow_at(hour).tzinfo)
        book(member, room, start, provider, SubmitResult("confirmed"))
    client.force_login(staff)
    html = client.get(TODAY).content.decode()
    chart = html.split('id="today-chart"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in chart and "<title" in chart and "<desc" in chart
    assert chart.count("<polyline") == 2
    assert "4Spaces: 1 booking<" in chart
    assert "Workways: 2 bookings" in chart
    # the table alternative holds tomorrow's numbers
    assert re.search(r"<td>1</td><td>2</td>|<td>2</td><td>1</td>", chart)


def test_non_staff_is_sent_to_login(client, member):
    client.force_login(member)
    response = client.get(TODAY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_viewer_sees_today_but_no_action_buttons(client, member, provider):
    failed = failed_booking(member, provider)
    viewer = User.objects.create_user(email="viewer@example.com", password="pw-viewer-123")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_booking", "view_provideraccount"])
    )
    client.force_login(viewer)
    response = client.get(TODAY)
    assert response.status_code == 200
    html = response.content.decode()
    queue = queue_section(html)
    assert f"#{failed.pk}</a>" in queue
    assert 'name="action"' not in queue and "today/confirm" not in queue
    assert 'id="today-health"' in html


def test_the_hour_forgets_older_calls_and_a_broken_cache_fails_no_call(monkeypatch):
    now = 1_800_000_000.0
    callstats.record(7, 500, now=now - 61 * 60)  # more than an hour ago
    callstats.record(7, 429, now=now - 30 * 60)
    counts = callstats.last_hour(7, now=now)
    assert (counts.calls, counts.errors, counts.rate_limited) == (1, 1, 1)

    import providers.cache

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("redis is restarting")

    monkeypatch.setattr(providers.cache, "_cache", Down())
    callstats.record(7, 200, now=now)  # no exception: the call goes on
    assert callstats.last_hour(7, now=now).calls == 0


def test_the_approve_button_leads_to_the_admin_confirmation_page(client, staff, member, provider):
    request = book(
        member,
        room_at("fourspaces", "Europe/Vienna"),
        vienna_tomorrow_at(14),
        provider,
        SubmitResult("awaiting_approval", reference="fs-1"),
    )
    client.force_login(staff)
    queue = queue_section(client.get(TODAY).content.decode())
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', queue, re.S)
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    assert fields["action"] == "confirm_request"
    page = client.post(form.group(1), fields)
    assert page.status_code == 200  # the confirmation step, nothing done yet
    assert f"#{request.pk}" in page.content.decode()
    request.refresh_from_db()
    assert request.status == Status.AWAITING_APPROVAL


def test_the_export_form_offers_last_month_and_downloads_it(client, staff):
    import re

    client.force_login(staff)
    html = client.get(reverse("admin:index")).content.decode()
    period = dict(re.findall(r'name="(from|to)" value="([0-9-]+)"', html))
    first, last = dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
    assert first.day == 1 and (last + dt.timedelta(days=1)).day == 1  # a whole month
    assert last < dt.date.today().replace(day=1)  # the one before this one
    response = client.get(reverse("bookings_export"), period)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
