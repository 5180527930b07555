"""A day's slots are computed once while nothing they depend on changes, the clock
included: a start that passes the notice changes them at once."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import availability
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = availability.compute_slots

    def compute(*args, **kwargs):
        calls.append(kwargs["now"])
        return real(*args, **kwargs)

    monkeypatch.setattr(availability, "compute_slots", compute)
    return calls


def _free_at(answer, hour: int, minute: int = 0) -> bool:
    [slot] = [s for s in answer.slots if (s.start.hour, s.start.minute) == (hour, minute)]
    return slot.available


def test_a_day_is_computed_once_while_the_clock_changes_nothing(room, provider, counted):
    room.rules = {**room.rules, "lead_time_minutes": 120}
    room.save()
    day = tomorrow_at(0).date()
    early = tomorrow_at(6, 30)  # in reach from 08:30; the 08:30 slot leaves it at 06:30
    first = availability.resource_day(room, day, now=early - dt.timedelta(minutes=20))
    again = availability.resource_day(room, day, now=early - dt.timedelta(minutes=5))
    assert len(counted) == 1 and again.slots == first.slots
    assert _free_at(again, 8, 30) and not _free_at(again, 8, 0)

    later = availability.resource_day(room, day, now=early + dt.timedelta(minutes=1))
    assert len(counted) == 2
    assert not _free_at(later, 8, 30) and _free_at(later, 9, 0)


def test_a_new_booking_or_a_new_rule_is_computed_afresh(room, member, provider, counted):
    from bookings.models import Booking

    day = tomorrow_at(0).date()
    assert _free_at(availability.resource_day(room, day), 10)
    Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        start=tomorrow_at(10),
        end=tomorrow_at(11),
    )
    assert not _free_at(availability.resource_day(room, day), 10)
    room.rules = {**room.rules, "buffer_minutes": 60}
    room.save()
    assert not _free_at(availability.resource_day(room, day), 11)  # within the buffer
    assert len(counted) == 3
