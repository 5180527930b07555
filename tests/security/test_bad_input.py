"""Bad input is answered with a 4xx and a message a member can read, never a 500 (issue
14): dates and times out of range, control characters in one-line text, cancelling a
booking that is over, one member holding a room all day, and the API's errors as its
schema says."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import AvailabilityWindow, Booking
from providers.models import Offer
from tests.bookings.conftest import (
    day_pass,  # noqa: F401 - fixtures used by name
    member,  # noqa: F401
    provider,  # noqa: F401
    room,  # noqa: F401
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(member, settings):  # noqa: F811
    """The member's browser against the production profile: a crash is a 500 page, as a
    member would see it, not an exception in the test."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(member)
    return client


@pytest.fixture
def office(room):  # noqa: F811
    """A Workways office: asked for by an inquiry (monthly contracts, seed 001)."""
    return Offer.objects.create(
        space=room.space, external_id="a-office", name="Canal office", kind="private_office"
    )


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from bookings import tasks

    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)


# --- dates and times out of range -------------------------------------------------------

FAR = "at most a year ahead"
PAST = "in the past"
ROOM, PASS, OFFICE = "room", "pass", "office"

OUT_OF_RANGE = [
    # (what, method, path, parameters, a phrase of the message)
    (ROOM, "get", "book_resource", {"start": "0001-01-01T00:00:00+14:00"}, PAST),
    (ROOM, "get", "book_resource", {"start": "9999-12-31T23:30"}, FAR),
    (
        ROOM,
        "get",
        "book_resource",
        {"start": "9999-12-31T23:30", "minutes": 60, "attendees": 1},
        FAR,
    ),
    (
        ROOM,
        "get",
        "book_resource",
        {"start": "0001-01-01T00:00:00+14:00", "minutes": 60, "attendees": 1},
        PAST,
    ),
    (
        ROOM,
        "post",
        "book_resource",
        {"start": "9999-12-31T23:30", "minutes": 60, "attendees": 1, "confirm": "1"},
        FAR,
    ),
    (PASS, "get", "book_offer", {"date": "9999-12-01", "days": 31, "persons": 1}, FAR),
    (PASS, "get", "book_offer", {"date": "0001-01-01", "days": 1, "persons": 1}, PAST),
    (PASS, "get", "book_offer", {"date": "9999-12-31"}, FAR),
    (
        PASS,
        "post",
        "book_offer",
        {"date": "9999-12-31", "days": 1, "persons": 1, "confirm": "1"},
        FAR,
    ),
    (
        OFFICE,
        "post",
        "book_offer",
        {"date": "9999-12-31", "persons": 1, "message": "A desk for two", "confirm": "1"},
        FAR,
    ),
    (
        OFFICE,
        "post",
        "book_offer",
        {"date": "0001-01-01", "persons": 1, "message": "A desk for two", "confirm": "1"},
        PAST,
    ),
    (ROOM, "get", "api_slots", {"date": "9999-12-31"}, "more than a year ahead"),
    (ROOM, "get", "resource_day", {"date": "0001-01-01"}, "more than a year ago"),
    (ROOM, "get", "resource_day", {"date": "9999-12-31"}, "more than a year ahead"),
    (PASS, "get", "api_offer_days", {"from": "9999-12-30", "to": "9999-12-31"}, "a year ahead"),
    (PASS, "get", "api_offer_days", {"from": "9999-12-31"}, "a year ahead"),
    (None, "get", "api_search", {"date": "9999-12-31"}, "within a year"),
    (None, "get", "api_search", {"offset": "99999999999999999999"}, "less than or equal"),
    (None, "get", "api_spaces", {"date": "9999-12-31"}, "within a year"),
    (None, "get", "space_list", {"date": "9999-12-31"}, "within a year"),
]


@pytest.mark.parametrize(
    ("what", "method", "name", "params", "message"),
    OUT_OF_RANGE,
    ids=[f"{m}-{n}-{'&'.join(f'{k}={v}' for k, v in p.items())}" for _, m, n, p, _ in OUT_OF_RANGE],
)
def test_a_date_out_of_range_is_a_4xx_with_a_message_not_a_500(
    browser,
    room,  # noqa: F811
    day_pass,  # noqa: F811
    office,
    provider,  # noqa: F811
    what,
    method,
    name,
    params,
    message,
):
    item = {ROOM: room, PASS: day_pass, OFFICE: office}.get(what)
    url = reverse(name, args=[item.pk]) if item else reverse(name)
    response = getattr(browser, method)(url, params)
    assert response.status_code == 400, response.content.decode()[:2000]
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_a_search_page_far_past_the_last_is_an_empty_page_not_a_500(browser, room):  # noqa: F811
    day = dt.date.today() + dt.timedelta(days=1)
    zone = zoneinfo.ZoneInfo(room.space.timezone)
    AvailabilityWindow.objects.create(
        resource=room,
        space=room.space,
        day=day,
        start=dt.datetime.combine(day, dt.time(8), zone),
        end=dt.datetime.combine(day, dt.time(20), zone),
        timezone=room.space.timezone,
        state="free",
        fetched_at=dt.datetime.now(dt.UTC),
        source="test",
    )
    query = {"date": day.isoformat(), "start": "10:00", "minutes": 60}
    assert room.name in browser.get("/", query).content.decode()  # the search finds the room
    far = browser.get("/", {**query, "page": "9" * 30})
    assert far.status_code == 200
    assert room.name not in far.content.decode()
