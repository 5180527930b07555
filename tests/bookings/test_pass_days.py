"""A pass's days: places left are the provider's less the portal's own holds, per day."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import availability
from bookings.models import Status
from tests.bookings.conftest import pass_booking

pytestmark = pytest.mark.django_db


def test_each_day_counts_only_its_own_holds(member, day_pass, provider):
    tz = day_pass.space.timezone
    first = availability.local_today_for(tz) + dt.timedelta(days=1)
    for offset, status in [(0, Status.PENDING), (0, Status.SUBMITTING), (1, Status.PENDING)]:
        pass_booking(member, day_pass, first + dt.timedelta(days=offset), status)
    answer = availability.pass_days(day_pass, first, first + dt.timedelta(days=2))
    assert [(d.day, d.remaining) for d in answer.days] == [
        (first, 3),
        (first + dt.timedelta(days=1), 4),
        (first + dt.timedelta(days=2), 5),
    ]
