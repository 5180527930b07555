"""Warm availability pages read a room's holds and its row from the cache, not the
database: every way a booking is written changes what they show at once, with no cache
cleared by hand, and a staff edit of the catalogue does too."""

from __future__ import annotations

import datetime as dt
import pickle
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking, Status
from providers import selectors
from providers.models import ProviderAccount, Resource
from tests.bookings.conftest import pass_booking, tomorrow_at

pytestmark = pytest.mark.django_db


def _slot(client, room, start) -> dict:
    answer = client.get(reverse("api_slots", args=[room.pk]), {"date": start.date().isoformat()})
    assert answer.status_code == 200
    [slot] = [s for s in answer.json()["slots"] if dt.datetime.fromisoformat(s["start"]) == start]
    return slot


def _week_offers(client, room, start) -> bool:
    """Whether the room's week page offers ``start`` as a free slot to book."""
    page = client.get(reverse("resource_detail", args=[room.pk]), {"week": str(start.date())})
    return f"?start={start.isoformat()}" in unquote(page.content.decode())


def _booking(member, room, start, **fields) -> Booking:
    return Booking(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=fields.pop("status", Status.PENDING),
        start=start,
        end=start + dt.timedelta(hours=1),
        **fields,
    )


def test_a_warm_slots_answer_makes_no_query(client, member, room, provider):
    start = tomorrow_at(10)
    assert _slot(client, room, start)["available"] is True  # warms the cache
    with CaptureQueriesContext(connection) as queries:
        assert _slot(client, room, start)["available"] is True
    assert [q["sql"] for q in queries.captured_queries] == []


def test_every_way_a_booking_is_written_shows_at_once(client, member, room, provider):
    start = tomorrow_at(10)
    assert _slot(client, room, start)["available"] is True
    assert _week_offers(client, room, start)

    booking = _booking(member, room, start)
    booking.save()  # a save: the signal
    assert _slot(client, room, start)["available"] is False
    assert not _week_offers(client, room, start)

    Booking.objects.filter(pk=booking.pk).update(status=Status.CANCELLED)  # no signal
    assert _slot(client, room, start)["available"] is True
    assert _week_offers(client, room, start)

    Booking.objects.filter(pk=booking.pk).update(status=Status.PENDING)
    assert _slot(client, room, start)["available"] is False
    booking.delete()
    assert _slot(client, room, start)["available"] is True

    later = start + dt.timedelta(hours=2)
    assert _slot(client, room, later)["available"] is True
    Booking.objects.bulk_create([_booking(member, room, later)])  # no signal either
    assert _slot(client, room, later)["available"] is False
    assert not _week_offers(client, room, later)

    moved = Booking.objects.get(resource=room, start=later)
    Booking.objects.filter(pk=moved.pk).update(
        start=later + dt.timedelta(hours=3), end=later + dt.timedelta(hours=4)
    )
    assert _slot(client, room, later)["available"] is True


def test_a_pass_counts_a_new_booking_at_once(client, member, day_pass, provider):
    day = tomorrow_at(0).date()
    url = reverse("api_offer_days", args=[day_pass.pk])

    def left() -> int:
        answer = client.get(url, {"from": str(day), "to": str(day)}).json()
        return answer["days"][0]["remaining"]

    assert left() == 5
    pass_booking(member, day_pass, day)
    assert left() == 4
    Booking.objects.filter(offer=day_pass).update(status=Status.FAILED)
    assert left() == 5


def test_a_staff_edit_of_the_room_or_its_space_shows_at_once(client, room, provider):
    start = tomorrow_at(10)
    page = reverse("resource_detail", args=[room.pk])
    assert client.get(page).status_code == 200
    room.name = "The Library"
    room.save()
    assert "The Library" in client.get(page).content.decode()
    room.space.hidden = True
    room.space.save()
    assert client.get(page).status_code == 404
    slots = client.get(reverse("api_slots", args=[room.pk]), {"date": str(start.date())})
    assert slots.status_code == 404


def test_the_kept_room_holds_no_credentials_and_a_cold_day_still_asks(client, room, provider):
    account = room.space.account
    account.credentials = {"api_key": "key-that-must-stay-in-the-database"}
    account.save()
    start = tomorrow_at(10)
    assert _slot(client, room, start)["available"] is True
    kept = selectors.visible_item(Resource, room.pk)
    assert kept is not None and kept.name == room.name
    raw = pickle.dumps(cache.get(f"visible:providers.resource:{room.pk}"))
    assert b"key-that-must-stay" not in raw
    assert "credentials" in kept.space.account.get_deferred_fields()
    # a day not cached yet: the credentials are loaded before the provider is asked
    assert selectors.with_credentials(kept.space.account).credentials == account.credentials
    later = start + dt.timedelta(days=3)
    assert _slot(client, room, later)["available"] is True
    assert ProviderAccount.objects.get(pk=account.pk).credentials == account.credentials


def test_a_space_page_is_read_from_the_cache_and_an_edit_shows_at_once(client, room, provider):
    space = room.space
    page = reverse("space_detail", args=[space.pk])
    assert client.get(page).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert [q["sql"] for q in queries.captured_queries] == []
    space.name = "Harbour House"
    space.save()
    assert "Harbour House" in client.get(page).content.decode()
    space.account.enabled = False
    space.account.save()
    assert client.get(page).status_code == 404
