"""Twenty members try to book the same slot at the same moment: exactly one gets it.

Runs on the real PostgreSQL server in the real-services pass (the row lock) and on SQLite
in the embedded pass (serialized writers).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from bookings import services
from bookings.models import Booking
from portal.models import User
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db(transaction=True)


def race(room, members, start, end):
    barrier = threading.Barrier(len(members))
    outcomes = []

    def attempt(member):
        try:
            barrier.wait(10)
            services.booking_create_room(member=member, resource=room, start=start, end=end)
            outcomes.append("booked")
        except services.SlotTaken:
            outcomes.append("taken")
        except Exception as exc:  # anything else is a bug the test must show
            outcomes.append(f"error: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def _members(n):
    return [
        User.objects.create_user(
            email=f"racer{i}@example.com",
            password="pw-race-123456",
            first_name="R",
            last_name=str(i),
            phone="+33 6 00 00 00 00",
        )
        for i in range(n)
    ]


@pytest.mark.slow
def test_twenty_parallel_attempts_at_one_slot_make_exactly_one_booking(room, provider, monkeypatch):
    from bookings import tasks

    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)
    members = _members(20)
    start = tomorrow_at(10)
    outcomes = race(room, members, start, start + dt.timedelta(hours=1))
    assert sorted(set(outcomes)) == ["booked", "taken"], outcomes
    assert outcomes.count("booked") == 1
    assert Booking.objects.filter(resource=room).count() == 1


@pytest.mark.slow
def test_quantity_two_gives_exactly_two(room, provider, monkeypatch):
    from bookings import tasks

    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)
    room.quantity = 2
    room.save()
    members = _members(20)
    start = tomorrow_at(14)
    outcomes = race(room, members, start, start + dt.timedelta(hours=1))
    assert outcomes.count("booked") == 2, outcomes
    assert Booking.objects.filter(resource=room).count() == 2
