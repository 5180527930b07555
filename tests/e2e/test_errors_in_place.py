"""A value the portal refuses, sent by htmx, is told in place: the page stays, and the
message shows beside the field it is about; the same with DEBUG on (``make run``'s
default) and off."""

from __future__ import annotations

import datetime as dt

import pytest

from providers.models import Resource
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e]


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_too_many_people_on_a_room_form_is_told_beside_the_field(
    page, live_server, catalogue, member, debug
):
    room = (
        Resource.objects.filter(active=True, kind="meeting_room", capacity__lt=20)
        .exclude(capacity=None)
        .order_by("pk")
        .first()
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server)
    start = (dt.date.today() + dt.timedelta(days=7)).isoformat() + "T10:00:00"
    page.goto(f"{live_server.url}/resources/{room.pk}/book/?start={start}")
    page.locator(".quote").wait_for()
    people = page.get_by_label("People")
    people.fill("20")
    people.press("Tab")
    message = page.locator("#id_attendees_errors .errorlist")
    message.wait_for()
    assert str(room.capacity) in message.inner_text()
    # the page is still the booking page, its fields as typed, the price asked for again
    assert page.get_by_role("heading", level=1).inner_text().startswith("Book")
    assert people.input_value() == "20"
    assert people.get_attribute("aria-invalid") == "true"
    assert "Fix the fields above to see the price." in page.locator("#quote").inner_text()
    # fixing it takes the message away and shows the price
    people.fill("1")
    people.press("Tab")
    page.locator("#quote .quote").wait_for()
    assert page.locator("#id_attendees_errors .errorlist").count() == 0
    assert people.get_attribute("aria-invalid") is None
    assert errors == []


def test_a_past_day_in_search_is_told_beside_the_field(page, live_server, catalogue, debug):
    page.goto(f"{live_server.url}/spaces/")
    day = page.get_by_label("Day:", exact=True)
    day.fill((dt.date.today() - dt.timedelta(days=5)).isoformat())
    day.press("Tab")
    message = page.locator("#id_date_errors .errorlist")
    message.wait_for()
    assert "Pick today or a later day." in message.inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Find a space"
    assert page.locator("form.search-form").is_visible()
    assert "Some filters are not valid" in page.locator("#results").inner_text()
    # a good day again: the message goes, results come back
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    day.fill(later)
    day.press("Tab")
    page.wait_for_url(f"**date={later}*")
    page.locator("#results .hit-list, #results .result-count").first.wait_for()
    page.wait_for_function("!document.querySelector('#id_date_errors .errorlist')")
    assert "Some filters are not valid" not in page.locator("#results").inner_text()
