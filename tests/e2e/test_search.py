"""A member searches every provider by time window in a real browser: htmx updates the
cards in place, and a card books in one click into the pre-filled booking form."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bookings.models import AvailabilityWindow
from providers.models import Resource
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def index_one_room_per_provider(day: dt.date) -> list[Resource]:
    """Free 08:00-20:00 local for one meeting room of each provider (the index's refresh
    is tested on its own; here the rows are written as it would)."""
    rooms = []
    for kind in ("thia", "workways", "zentry", "fourspaces"):
        room = (
            Resource.objects.filter(active=True, space__account__kind=kind)
            .select_related("space")
            .order_by("pk")
            .first()
        )
        if room is None:
            continue
        tz = zoneinfo.ZoneInfo(room.space.timezone)
        AvailabilityWindow.objects.create(
            resource=room,
            space=room.space,
            day=day,
            start=dt.datetime.combine(day, dt.time(8), tz),
            end=dt.datetime.combine(day, dt.time(20), tz),
            timezone=room.space.timezone,
            fetched_at=dt.datetime.now(dt.UTC),
            source="e2e",
        )
        rooms.append(room)
    return rooms


def test_search_by_time_window_and_book_from_a_card(page, live_server, catalogue, member):
    day = dt.date.today() + dt.timedelta(days=7)
    rooms = index_one_room_per_provider(day)
    assert len(rooms) >= 3
    log_in(page, live_server)
    page.goto(f"{live_server.url}/spaces/")
    page.get_by_label("Day:", exact=True).fill(day.isoformat())
    page.get_by_label("From:", exact=True).fill("14:00")
    page.get_by_label("To:", exact=True).fill("15:00")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**start=14%3A00*")
    results = page.locator("#results")
    results.locator(".hit-card").first.wait_for()
    text = results.inner_text()
    for room in rooms:
        assert room.name in text
    assert page.locator("h1").inner_text() == "Find a space"  # the page itself stayed
    results.locator(".hit-card").first.get_by_role("link", name="Book").click()
    page.wait_for_url("**/book/?start=*")
    start = page.locator("input[name=start]").input_value()
    assert start == f"{day.isoformat()}T14:00"
