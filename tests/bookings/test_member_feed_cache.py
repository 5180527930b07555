"""The member feed is kept rendered under what it shows, and a change shows at once."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache.backends.base import memcache_key_warnings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import calendars
from bookings.models import Booking, FeedToken, Status
from providers.cache import cache
from tests.bookings.test_calendars import member, room_booking  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_a_warm_feed_is_the_same_file_without_a_query(member, room_booking, monkeypatch):  # noqa: F811
    rows = list(Booking.objects.filter(member=member).select_related("space", "resource", "offer"))
    fresh = calendars.member_feed(member, rows)
    keys = []
    keep = cache.set
    monkeypatch.setattr(cache, "set", lambda k, *a: keys.append(k) or keep(k, *a))
    assert calendars.cached_member_feed(member)[0] == fresh
    # a key any cache backend takes (Django warns on spaces, which memcached refuses)
    assert keys and not [w for k in keys for w in memcache_key_warnings(k)]
    with CaptureQueriesContext(connection) as queries:
        body, last = calendars.cached_member_feed(member)
    assert body == fresh and last == room_booking.updated_at
    assert len(queries) == 0


def test_a_booking_change_or_a_new_booking_shows_at_once(client, member, room_booking):  # noqa: F811
    url = reverse("member_feed", args=[FeedToken.renew(member).token])
    first = client.get(url)
    assert b"STATUS:CONFIRMED" in first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    room_booking.status = Status.CANCELLED
    room_booking.save()
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and b"STATUS:CANCELLED" in second.content
    room_booking.pk = None
    room_booking.uid = uuid.uuid4()
    room_booking.save()
    assert client.get(url).content.count(b"BEGIN:VEVENT") == 2


def test_a_bulk_update_without_a_new_updated_at_shows_at_once(client, member, room_booking):  # noqa: F811
    url = reverse("member_feed", args=[FeedToken.renew(member).token])
    assert b"Z-4242" not in client.get(url).content
    Booking.objects.filter(pk=room_booking.pk).update(access_code="Z-4242")  # no updated_at
    assert b"Access code: Z-4242" in client.get(url).content


def test_a_space_renamed_by_a_sync_shows_at_once(client, member, room_booking):  # noqa: F811
    url = reverse("member_feed", args=[FeedToken.renew(member).token])
    assert room_booking.space.name.encode() in client.get(url).content
    space = room_booking.space
    space.name = "Renamed Hub"
    space.synced_at = timezone.now()  # as providers.services.apply_catalogue saves it
    space.save()
    assert b"Renamed Hub" in client.get(url).content


def test_a_warm_feed_link_answers_without_a_query(client, member, room_booking):  # noqa: F811
    """The link's member and the bookings' facts come from the cache: no query for a warm
    feed (the session is not read: no cookie); a link turned off stops at once."""
    token = FeedToken.renew(member).token
    url = reverse("member_feed", args=[token])
    fresh = calendars.member_feed(member, list(Booking.objects.filter(member=member)))
    assert client.get(url).content == fresh
    assert client.get(url).content == fresh  # the link kept now (first use made its token)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == fresh
    assert len(queries) == 0
    FeedToken.revoke(member)  # a bulk update
    assert client.get(url).status_code == 404


def test_a_renewed_link_replaces_the_kept_one_at_once(client, member, room_booking):  # noqa: F811
    old = reverse("member_feed", args=[FeedToken.renew(member).token])
    for _ in range(2):
        assert client.get(old).status_code == 200
    new = reverse("member_feed", args=[FeedToken.renew(member).token])
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_link_deleted_with_its_member_stops_at_once(client, member):  # noqa: F811
    url = reverse("member_feed", args=[FeedToken.renew(member).token])
    for _ in range(2):
        assert client.get(url).status_code == 200
    FeedToken.objects.get(member=member).delete()
    assert client.get(url).status_code == 404


def test_an_unknown_link_is_a_404_and_not_kept(client, member):  # noqa: F811
    url = reverse("member_feed", args=["x" * 43])
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 404
        assert len(queries) == 1  # asked of the database each time


def test_the_feed_of_a_member_without_bookings_is_an_empty_calendar(client, member):  # noqa: F811
    url = reverse("member_feed", args=[FeedToken.renew(member).token])
    answer = client.get(url)
    assert answer.status_code == 200 and b"BEGIN:VEVENT" not in answer.content
