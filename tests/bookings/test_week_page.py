"""A room's week page: the grid of slots, and a warm week read without threads."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.urls import reverse

from bookings import availability
from bookings.models import Booking, Status
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def week_of(client, room, day: dt.date) -> str:
    url = reverse("resource_detail", args=[room.pk])
    return client.get(url, {"week": day.isoformat()}).content.decode()


def test_the_grid_shows_local_times_free_links_and_taken_slots(client, member, room, provider):
    start = tomorrow_at(10)
    Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=Status.PENDING,  # not sent yet: the portal holds it
        start=start,
        end=start + dt.timedelta(hours=1),
    )
    page = week_of(client, room, start.date())
    link = reverse("book_resource", args=[room.pk]) + "?start="
    free = {unquote(part.split('"', 1)[0]) for part in page.split(link)[1:]}
    assert (start - dt.timedelta(hours=1)).isoformat() in free  # 09:00, local time
    assert start.isoformat() not in free
    assert (
        '<span class="slot slot-taken">10:00<span class="visually-hidden"> \N{EN DASH} 10:30, taken'
        in (page)
    )
    assert '08:00<span class="visually-hidden"> \N{EN DASH} 08:30, free: book it' in page


def test_a_warm_week_is_read_without_threads(client, room, provider, monkeypatch):
    day = tomorrow_at(10).date()
    week_of(client, room, day)  # asks the provider for the days not cached, in threads

    def no_threads(*args, **kwargs):
        raise AssertionError("a cached day went through a thread")

    monkeypatch.setattr(availability, "ThreadPoolExecutor", no_threads)
    assert "slot-free" in week_of(client, room, day)
