"""Checking in and out at the space where the provider offers it (Zentry, seed 003),
through the pages, on the sandbox with both clocks moved to the booking's day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Status, Visit
from portal.models import User
from providers.models import Resource
from sandbox import zentry_seed as seed
from tests.bookings.test_cancellation import sandbox_portal  # noqa: F401 - the fixture
from tests.providers.conftest import (  # noqa: F401 - the sandbox fixtures
    sandbox,
    sandbox_accounts,
    sandbox_transport,
)

NEW_YORK = ZoneInfo("America/New_York")


def _weekday_ahead(days: int) -> dt.date:
    day = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=days)
    while day.weekday() not in (1, 2, 3):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def visit_day(sandbox_portal, sandbox, member, monkeypatch):  # noqa: F811
    """A confirmed two-hour Zentry booking on a weekday ahead, and ``at(moment)``, which
    moves the portal's and the sandbox's clocks."""
    account = sandbox_portal("zentry")
    room = Resource.objects.select_related("space__account").get(
        space__account=account, external_id=seed.NY_FOCUS_ROOM_ID
    )
    day = _weekday_ahead(6)
    start = dt.datetime.combine(day, dt.time(14), NEW_YORK)
    booking = services.booking_create_room(
        member=member, resource=room, start=start, end=start + dt.timedelta(hours=2)
    )
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    real_now = timezone.now

    def at(moment: dt.datetime) -> None:
        utc = moment.astimezone(dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: utc)
        sandbox.clock = lambda: utc

    yield booking, at
    monkeypatch.setattr(timezone, "now", real_now)


def test_a_member_checks_in_on_the_day_then_out_and_sees_the_visit(
    visit_day,
    member,
    client,
    sandbox,  # noqa: F811
):
    booking, at = visit_day
    client.force_login(member)
    page = reverse("booking_detail", args=[booking.pk])
    state = sandbox.store.data["providers"]["zentry"]

    def ours() -> list[dict]:
        return [
            c for c in state["checkIns"] if c.get("_reservationId") == booking.provider_reference
        ]

    # before its day: no button, and a check-in sent anyway is refused in words
    assert "Check in" not in client.get(page).content.decode()
    refused = client.post(reverse("check_in", args=[booking.pk]))
    assert refused.status_code == 409
    assert "You can check in on the day of the booking" in refused.content.decode()
    assert not Visit.objects.exists() and not ours()

    arrival = booking.start + dt.timedelta(minutes=25)
    at(arrival)
    assert "Check in" in client.get(page).content.decode()
    response = client.post(reverse("check_in", args=[booking.pk]), follow=True)
    assert "You are checked in." in response.content.decode()
    visit = Visit.objects.get(booking=booking)
    assert visit.checked_in_at == arrival.replace(microsecond=0)
    [record] = ours()
    assert record["id"] == visit.provider_reference
    assert "Check out" in response.content.decode()

    again = client.post(reverse("check_in", args=[booking.pk]))
    assert again.status_code == 409
    assert "already checked in" in again.content.decode()
    assert len(ours()) == 1

    departure = booking.start + dt.timedelta(minutes=100)
    at(departure)
    response = client.post(reverse("check_out", args=[booking.pk]), follow=True)
    assert "You are checked out." in response.content.decode()
    visit.refresh_from_db()
    assert visit.checked_out_at == departure.replace(microsecond=0)
    [reservation] = [r for r in state["reservations"] if r["id"] == booking.provider_reference]
    assert reservation["status"] == "Completed"  # doc: checked out

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        visits = client.get(reverse("my_visits")).content.decode()
    local = arrival.astimezone(NEW_YORK)
    assert f"{local:%H:%M}" in visits and "America/New_York" in visits
    assert "15:40" in visits  # 14:00 + 100 minutes, in the space's zone
    space = booking.space
    assert booking.what in visits and f"{space.name}, {space.city}" in visits
    # the visit, its booking, room and space in one query: none per row
    assert len([q for q in queries if '"providers_' in q["sql"]]) == 1


def test_only_the_owner_checks_in_and_only_where_the_provider_offers_it(visit_day, client, room):
    booking, at = visit_day
    at(booking.start + dt.timedelta(minutes=5))
    other = User.objects.create_user(email="bob@example.com", password="pw-bob-12345")
    client.force_login(other)
    assert client.post(reverse("check_in", args=[booking.pk])).status_code == 404
    assert client.post(reverse("check_out", args=[booking.pk])).status_code == 404
    assert client.get(reverse("check_in", args=[booking.pk])).status_code == 405
    assert not Visit.objects.exists()
    # a provider without check-in (the scripted test provider is a Workways account)
    assert not room.space.account.spec.capabilities.check_in
