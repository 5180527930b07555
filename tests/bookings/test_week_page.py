"""A room's week page: the grid of slots, and a warm week read without threads."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import quote, unquote

import pytest
from django.urls import reverse

from bookings import availability
from bookings.models import Booking, Status
from bookings.views.availability import _slot_cells
from tests.bookings.conftest import room_booking, tomorrow_at

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


def test_a_week_holds_the_same_slots_as_each_day_asked_alone(member, room, provider):
    from django.utils import timezone

    days = [tomorrow_at(10).date() + dt.timedelta(days=n) for n in range(3)]
    availability.resource_days(room, days)  # the provider's answers, fetched now
    long_ago = timezone.now() - dt.timedelta(hours=1)
    later = timezone.now() + dt.timedelta(minutes=1)
    cases = [  # (day, hour, status, updated): held or not depends on status and time
        (0, 9, Status.PENDING, long_ago),  # not sent: held
        (0, 12, Status.CONFIRMED, long_ago),  # in the provider's answer already
        (1, 10, Status.CONFIRMED, later),  # confirmed after the answer: held
        (1, 14, Status.CANCELLED, later),  # not holding
        (2, 23, Status.SUBMITTING, long_ago),  # runs past midnight into no asked day
    ]
    for offset, hour, status, updated in cases:
        start = tomorrow_at(hour) + dt.timedelta(days=offset)
        booking = room_booking(member, room, start, 2, status)
        Booking.objects.filter(pk=booking.pk).update(updated_at=updated)

    week = availability.resource_days(room, days, write_through=False)
    alone = [availability.resource_day(room, day, write_through=False) for day in days]
    assert [a.slots for a in week] == [a.slots for a in alone]
    taken = {s.start.hour for s in week[0].slots if not s.available}
    assert {9, 10} <= taken and 12 not in taken
    assert 10 in {s.start.hour for s in week[1].slots if not s.available}
    assert 14 not in {s.start.hour for s in week[1].slots if not s.available}


def test_a_free_cell_too_short_for_the_shortest_booking_is_no_link(client, member, room, provider):
    """Open 08:00-20:00, half-hour cells, one hour at least: 19:30 is free but no start;
    nor is 09:30 when 10:00 is held (the probe's form then said "not free")."""
    start = tomorrow_at(10)
    room_booking(member, room, start)
    page = week_of(client, room, start.date())
    link = reverse("book_resource", args=[room.pk]) + "?start="
    free = {unquote(part.split('"', 1)[0]) for part in page.split(link)[1:]}
    assert (start.replace(hour=19)).isoformat() in free
    assert (start.replace(hour=19, minute=30)).isoformat() not in free
    assert (start.replace(hour=9)).isoformat() in free
    assert (start.replace(hour=9, minute=30)).isoformat() not in free
    assert '19:30<span class="visually-hidden"> \N{EN DASH} 20:00, free, too short' in page


@pytest.mark.parametrize("zone", ["Europe/Dublin", "Asia/Kolkata", "America/St_Johns", "UTC"])
def test_slot_cells_read_as_strftime_and_quote_would(zone):
    tz = zoneinfo.ZoneInfo(zone)
    starts = [
        dt.datetime(2026, 3, 29, 0, 30, tzinfo=tz),
        dt.datetime(2026, 10, 25, 1, 45, 0, 500000, tzinfo=tz),
        dt.datetime(2026, 12, 31, 23, 0, tzinfo=tz),
    ]
    cells = _slot_cells(
        [availability.Slot(s, s + dt.timedelta(minutes=30), available=True) for s in starts], "/b/"
    )
    for cell, start in zip(cells, starts, strict=True):
        end = start + dt.timedelta(minutes=30)
        assert cell["start"] == start.strftime("%H:%M") and cell["end"] == end.strftime("%H:%M")
        assert cell["local"] == start.strftime("%Y-%m-%dT%H:%M")
        assert cell["href"] == f"/b/?start={quote(start.isoformat(), safe='/')}"


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-02-30", "next"])
def test_any_week_asked_shows_a_week_the_room_takes_bookings_in(client, room, provider, week):
    answer = client.get(reverse("resource_detail", args=[room.pk]), {"week": week})
    assert answer.status_code == 200
    assert reverse("book_resource", args=[room.pk]) in answer.content.decode()
