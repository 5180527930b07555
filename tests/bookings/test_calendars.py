"""Calendar files parse in two independent parsers and follow RFC 5545."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import icalendar
import pytest
import vobject
from django.urls import reverse

from bookings import calendars
from bookings.models import Booking, FeedToken, Status
from portal.models import User
from providers import services
from providers.models import Offer, Resource
from tests.providers import factories

pytestmark = pytest.mark.django_db
DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")


@pytest.fixture
def member():
    return User.objects.create_user(email="ics@example.com", password="pw-ics-123456")


@pytest.fixture
def room_booking(member):
    services.apply_catalogue(factories.account(), factories.catalogue(factories.space("a")))
    room = Resource.objects.get(external_id="a-r1")
    return Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=Status.CONFIRMED,
        start=dt.datetime(2030, 3, 31, 9, 0, tzinfo=DUBLIN),
        end=dt.datetime(2030, 3, 31, 11, 0, tzinfo=DUBLIN),
        title='Board; "Q2", planning,\nsecond line — with a very long title that needs folding '
        * 2,
        access_code="A1B2C3",
        qr_url="https://thia.example/qr/abc",
        price=Decimal("60.00"),
        currency="EUR",
    )


def both_parsers(body: bytes):
    text = body.decode("utf-8")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "lines are folded"
    return icalendar.Calendar.from_ical(body), vobject.readOne(text)


def test_one_booking_parses_in_both_parsers_with_escaped_text(room_booking):
    body = calendars.booking_calendar(room_booking)
    first, second = both_parsers(body)
    event = first.walk("VEVENT")[0]
    assert str(event["uid"]) == f"booking-{room_booking.uid}@127.0.0.1"
    assert event.decoded("dtstart") == dt.datetime(2030, 3, 31, 8, 0, tzinfo=dt.UTC)  # DST
    assert "Access code: A1B2C3" in str(event["description"])
    assert str(event["summary"]).startswith('Board; "Q2", planning,\nsecond line')
    vevent = second.vevent
    assert vevent.summary.value == str(event["summary"])
    assert vevent.dtstart.value == dt.datetime(2030, 3, 31, 8, 0, tzinfo=dt.UTC)
    assert vevent.dtstamp.value.tzinfo is not None
    assert vevent.status.value == "CONFIRMED"


def test_a_pass_is_an_all_day_event_on_local_dates(member):
    services.apply_catalogue(factories.account(), factories.catalogue(factories.space("a")))
    offer = Offer.objects.get()
    booking = Booking.objects.create(
        member=member,
        kind="pass",
        space=offer.space,
        offer=offer,
        status=Status.CONFIRMED,
        start=dt.datetime(2030, 6, 3, 0, 0, tzinfo=DUBLIN),
        end=dt.datetime(2030, 6, 4, 0, 0, tzinfo=DUBLIN),
    )
    first, second = both_parsers(calendars.booking_calendar(booking))
    assert first.walk("VEVENT")[0].decoded("dtstart") == dt.date(2030, 6, 3)
    assert second.vevent.dtend.value == dt.date(2030, 6, 4)


def test_member_feed_keeps_cancellations_with_a_raised_sequence(client, member, room_booking):
    feed = FeedToken.renew(member)  # the member turns their link on
    url = reverse("member_feed", args=[feed.token])
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    room_booking.status = Status.CANCELLED
    room_booking.sequence += 1
    room_booking.save()
    second = client.get(url)
    cal, vcal = both_parsers(second.content)
    event = cal.walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    assert str(event["uid"]) == f"booking-{room_booking.uid}@127.0.0.1"  # same event, replaced
    assert vcal.vevent.status.value == "CANCELLED"
    assert first["ETag"] != second["ETag"]


def test_feeds_answer_conditional_gets_with_304(client, member, room_booking):
    url = reverse("member_feed", args=[FeedToken.renew(member).token])
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_feed_tokens_are_long_hashed_and_revocable(client, member, room_booking):
    client.force_login(member)
    client.post(reverse("renew_feed"))  # "Turn on my calendar link"
    feed = FeedToken.active(member)
    assert feed is not None and len(feed.token) >= 43
    assert feed.token not in feed.digest and feed.digest == FeedToken.hash(feed.token)
    old = reverse("member_feed", args=[feed.token])
    assert client.get(old).status_code == 200
    client.post(reverse("renew_feed"))
    assert client.get(old).status_code == 404
    new = FeedToken.active(member)
    assert new is not None
    assert client.get(reverse("member_feed", args=[new.token])).status_code == 200
    client.post(reverse("revoke_feed"))
    assert client.get(reverse("member_feed", args=[new.token])).status_code == 404
    assert FeedToken.active(member) is None
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_booking_event_is_for_its_owner_only(client, member, room_booking):
    url = reverse("booking_event", args=[room_booking.pk])
    assert client.get(url).status_code == 302  # log in first
    other = User.objects.create_user(email="other@example.com", password="pw-other-123456")
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    both_parsers(response.content)


def test_resource_busy_feed_has_no_personal_data(client, room_booking, monkeypatch, settings):
    from providers import availability
    from providers.adapters.types import ProviderDay

    # the feed waits on providers a page's budget (``provider_budget``): a loaded test
    # machine must not leave a day unanswered, which is not what this test is about
    settings.PAGE_PROVIDER_BUDGET_MS = settings.PAGE_PROVIDER_TOTAL_MS = 30_000

    def facts(resource, day):
        start = dt.datetime.combine(day, dt.time(9), DUBLIN)
        return ProviderDay(
            open=[(start, start + dt.timedelta(hours=8))],
            busy=[(start, start + dt.timedelta(hours=2))],
        )

    monkeypatch.setattr(availability, "fetch_resource_day", facts)
    response = client.get(reverse("resource_calendar", args=[room_booking.resource.pk]))
    assert response.status_code == 200
    cal, vcal = both_parsers(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 14  # one busy block a day for two weeks
    assert len(list(vcal.vevent_list)) == 14
    body = response.content.decode()
    assert "ics@example.com" not in body and "Q2" not in body and "A1B2C3" not in body
    assert {str(e["summary"]) for e in events} == {"Busy"}
