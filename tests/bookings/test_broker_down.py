"""Redis down when a member books: the booking is saved, and sent once Redis is back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from bookings import services, tasks
from bookings.models import Booking, Status
from providers import ratelimit
from tests.bookings.conftest import tomorrow_at
from tests.services import free_port

pytestmark = pytest.mark.django_db

DEAD_REDIS = f"redis://127.0.0.1:{free_port()}/0"


def test_booking_with_cache_and_broker_unreachable_is_saved_then_sent(
    member, room, provider, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1. Connection refused.")

    monkeypatch.setattr(tasks.submit_booking, "delay", broker_down)
    import redis

    dead = ratelimit.RedisRateLimiter(redis.Redis.from_url(DEAD_REDIS, socket_connect_timeout=0.5))
    monkeypatch.setattr(ratelimit, "_default", dead)
    dead_cache = {
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
    with override_settings(CACHES=dead_cache), django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create_room(
            member=member,
            resource=room,
            start=tomorrow_at(10),
            end=tomorrow_at(10) + dt.timedelta(hours=1),
        )
    assert Booking.objects.get(pk=booking.pk).status == Status.PENDING  # saved, not lost

    # the broker is back: the periodic sweep sends what was left behind
    sent = []
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: sent.append(pk))
    Booking.objects.filter(pk=booking.pk).update(
        updated_at=booking.updated_at - dt.timedelta(minutes=2)
    )
    assert services.sweep() == 1 and sent == [booking.pk]
    assert services.submit(booking.pk) == Status.CONFIRMED
