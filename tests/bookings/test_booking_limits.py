"""Booking rules members can see and that are enforced: people, notice, how far ahead,
buffers and the free-cancellation window (``bookings.rules.limits``)."""

from __future__ import annotations

import datetime as dt
import types
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from bookings import availability, calendars, rules, services
from bookings.models import Booking, Status
from providers.adapters.types import ProviderDay
from providers.models import Resource
from tests.bookings.conftest import DUBLIN, tomorrow_at
from tests.bookings.test_cancellation import sandbox_portal  # noqa: F401 - the fixture
from tests.providers.conftest import (  # noqa: F401 - the sandbox fixtures
    sandbox,
    sandbox_accounts,
    sandbox_transport,
)

VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")


def _item(rules_=None, *, capacity=None, tz="Europe/Vienna", kind="fourspaces"):
    """A Resource-shaped stand-in: what ``rules.limits`` reads, no database."""
    from providers import registry

    account = types.SimpleNamespace(spec=registry.spec(kind))
    return types.SimpleNamespace(
        rules=rules_ or {},
        capacity=capacity,
        currency="EUR",
        space=types.SimpleNamespace(account=account, timezone=tz),
    )


# --- the rules, read and said --------------------------------------------------------


def test_the_rules_are_said_as_a_member_reads_them():
    room = _item(
        {"min_persons": 2, "lead_time_minutes": 120, "booking_horizon_days": 90}, capacity=8
    )
    assert " · ".join(rules.summary(rules.limits(room))) == (
        "2\u20138 people · book at least 2 h ahead · up to 90 days ahead"
    )


def test_room_values_come_before_the_providers_and_nonsense_is_ignored():
    workways = _item({"min_persons": 4}, capacity=14, kind="workways")
    assert rules.limits(workways) == rules.Limits(fewest=4, most=14, notice=0)
    broken = _item({"min_persons": "many", "booking_horizon_days": -3, "lead_time_minutes": True})
    assert rules.limits(broken) == rules.Limits()


def test_fewer_or_more_people_than_the_room_takes_are_refused_in_words():
    allowed = rules.limits(_item({"min_persons": 4}, capacity=14))
    assert rules.people_refusal(allowed, 1) == "This space takes bookings for at least 4 people."
    assert rules.people_refusal(allowed, 15) == "This space takes at most 14 people."
    assert rules.people_refusal(allowed, 4) is None


def test_the_horizon_names_the_last_day():
    allowed = rules.limits(_item({"booking_horizon_days": 90}))
    today = dt.date(2026, 12, 1)
    assert rules.horizon_refusal(allowed, today + dt.timedelta(days=90), today) is None
    refusal = rules.horizon_refusal(allowed, today + dt.timedelta(days=91), today)
    assert refusal == (
        "This space takes bookings at most 90 days ahead: pick a day until March 1, 2027."
    )


def test_free_cancellation_until_is_said_in_the_spaces_zone_and_then_what_it_costs():
    item = _item({"free_cancellation_hours": 24})
    start = dt.datetime(2026, 12, 4, 14, 0, tzinfo=VIENNA)
    before = dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
    assert rules.cancellation_policy(item, start, before) == (
        "Free cancellation until Thursday 3 December, 14:00 (Europe/Vienna)."
    )
    after = dt.datetime(2026, 12, 3, 14, 0, tzinfo=VIENNA)
    said = rules.cancellation_policy(item, start, after, price=Decimal("40.00"), currency="EUR")
    assert said == (
        "Free cancellation ended on Thursday 3 December, 14:00 (Europe/Vienna). The space "
        "may charge for cancelling now, up to the price of 40.00 EUR."
    )
    assert rules.cancellation_policy(_item(), start, before) == ""  # the space says nothing


# --- slots ---------------------------------------------------------------------------


def _open_day(day: dt.date, tz=DUBLIN, busy=()) -> ProviderDay:
    return ProviderDay(
        open=[
            (dt.datetime.combine(day, dt.time(8), tz), dt.datetime.combine(day, dt.time(12), tz))
        ],
        busy=list(busy),
    )


def test_no_slot_is_offered_past_the_horizon():
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    allowed = rules.Limits(horizon=90)
    last = dt.date(2027, 3, 1)
    inside = availability.compute_slots(
        _open_day(last), rules={}, tz="Europe/Dublin", holds=[], now=now, limits=allowed
    )
    beyond = availability.compute_slots(
        _open_day(last + dt.timedelta(days=1)),
        rules={},
        tz="Europe/Dublin",
        holds=[],
        now=now,
        limits=allowed,
    )
    assert [s.available for s in inside] == [True] * 4
    assert [s.available for s in beyond] == [False] * 4


def test_a_buffer_keeps_the_slots_beside_a_busy_time_free():
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    day = dt.date(2026, 12, 10)
    busy = [
        (
            dt.datetime.combine(day, dt.time(10), DUBLIN),
            dt.datetime.combine(day, dt.time(11), DUBLIN),
        )
    ]
    slots = availability.compute_slots(
        _open_day(day, busy=busy),
        rules={},
        tz="Europe/Dublin",
        holds=[],
        now=now,
        limits=rules.Limits(buffer=15),
    )
    assert [(s.start.hour, s.available) for s in slots] == [
        (8, True),
        (9, False),  # ends 10:00, inside the 15 minutes kept before 10:00
        (10, False),
        (11, False),  # starts 11:00, inside the 15 minutes kept after 11:00
    ]


# --- enforced by the services and the pages (a scripted provider) ---------------------


def test_a_room_booked_for_fewer_people_than_its_minimum_is_refused(provider, member, room):
    room.rules = {**room.rules, "min_persons": 4}
    room.save()
    start = tomorrow_at(10)
    with pytest.raises(services.BookingError) as refused:
        services.booking_create_room(
            member=member, resource=room, start=start, end=start + dt.timedelta(hours=1)
        )
    assert refused.value.message == "This space takes bookings for at least 4 people."
    assert refused.value.field == "attendees"
    assert not Booking.objects.exists()


def test_the_booking_form_shows_the_rules_and_refuses_too_few_people(
    provider, member, room, client
):
    room.rules = {**room.rules, "min_persons": 4, "free_cancellation_hours": 24}
    room.capacity = 8
    room.save()
    client.force_login(member)
    url = reverse("book_resource", args=[room.pk])
    page = client.get(url).content.decode()
    assert "4\u20138 people" in page
    assert "free cancellation until 1 day before" in page
    start = tomorrow_at(10).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"start": start, "minutes": 60, "attendees": 1, "confirm": "1"})
    assert response.status_code == 400
    assert "This space takes bookings for at least 4 people." in response.content.decode()
    assert not Booking.objects.exists()


def test_a_start_past_the_horizon_is_refused_on_the_form_and_in_the_api(
    provider, member, room, client
):
    room.rules = {**room.rules, "booking_horizon_days": 90}
    room.save()
    today = timezone.now().astimezone(DUBLIN).date()
    far = dt.datetime.combine(today + dt.timedelta(days=95), dt.time(10), DUBLIN)
    with pytest.raises(services.BookingError) as refused:
        services.booking_create_room(
            member=member, resource=room, start=far, end=far + dt.timedelta(hours=1)
        )
    assert "at most 90 days ahead" in refused.value.message

    client.force_login(member)
    response = client.post(
        reverse("book_resource", args=[room.pk]),
        {"start": far.strftime("%Y-%m-%dT%H:%M"), "minutes": 60, "attendees": 1, "confirm": "1"},
    )
    assert response.status_code == 400
    assert "at most 90 days ahead" in response.content.decode()

    api = client.get(reverse("api_slots", args=[room.pk]), {"date": far.date().isoformat()})
    assert api.status_code == 400
    assert api.json()["parameter"] == "date"
    assert "at most 90 days ahead" in api.json()["error"]


def test_the_week_page_stops_at_the_horizon(provider, room, client):
    room.rules = {**room.rules, "booking_horizon_days": 10}
    room.save()
    today = timezone.now().astimezone(DUBLIN).date()
    url = reverse("resource_detail", args=[room.pk])
    far_week = (today + dt.timedelta(days=200)).isoformat()
    page = client.get(url, {"week": far_week}).content.decode()
    last = today + dt.timedelta(days=10)
    monday = last - dt.timedelta(days=last.weekday())
    assert f"?week={monday + dt.timedelta(days=7):%Y-%m-%d}" not in page  # no next week
    assert "Not bookable this far ahead yet" in page or last.weekday() == 6
    assert "up to 10 days ahead" in page


def test_the_booking_page_email_and_ics_say_until_when_cancelling_is_free(
    provider, member, room, client, django_capture_on_commit_callbacks, monkeypatch
):
    from bookings import tasks

    monkeypatch.setattr(tasks.send_email, "delay", lambda *a: tasks.send_email(*a))
    room.rules = {**room.rules, "free_cancellation_hours": 24}
    room.save()
    start = dt.datetime.combine(
        timezone.now().astimezone(DUBLIN).date() + dt.timedelta(days=5), dt.time(14), DUBLIN
    )
    booking = services.booking_create_room(
        member=member, resource=room, start=start, end=start + dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(booking.pk)
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    until = start - dt.timedelta(hours=24)
    expected = f"Free cancellation until {until:%A} {until.day} {until:%B}, 14:00 (Europe/Dublin)."

    client.force_login(member)
    assert expected in client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    [email] = [m for m in mail.outbox if m.to == [member.email]]
    assert expected in email.body
    event = Calendar.from_ical(calendars.booking_calendar(booking)).walk("VEVENT")[0]
    assert expected in str(event["description"])


def test_a_pass_past_the_horizon_or_for_too_many_people_is_refused(provider, member, day_pass):
    day_pass.raw = {**day_pass.raw, "rules": {"booking_horizon_days": 30}}
    day_pass.max_persons = 2
    day_pass.save()
    today = timezone.now().astimezone(DUBLIN).date()
    with pytest.raises(services.BookingError) as refused:
        services.booking_create_pass(
            member=member, offer=day_pass, day=today + dt.timedelta(days=31)
        )
    assert "at most 30 days ahead" in refused.value.message
    with pytest.raises(services.BookingError) as refused:
        services.booking_create_pass(member=member, offer=day_pass, day=today, persons=3)
    assert refused.value.message == "This space takes at most 2 people."


# --- the providers' own rules, through the sandbox ------------------------------------


def test_workways_room_that_wants_four_people_refuses_one(sandbox_portal, member):  # noqa: F811
    account = sandbox_portal("workways")
    room = Resource.objects.filter(space__account=account, rules__min_persons=4).first()
    assert room is not None, "the sandbox's Workways catalogue has a room for 4 or more"
    assert rules.limits(room).fewest == 4
    start = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=4), dt.time(10), zoneinfo.ZoneInfo("UTC")
    )
    with pytest.raises(services.BookingError) as refused:
        services.booking_create_room(
            member=member, resource=room, start=start, end=start + dt.timedelta(hours=1)
        )
    assert refused.value.message == "This space takes bookings for at least 4 people."


def test_fourspaces_takes_bookings_90_days_ahead_and_no_further(
    sandbox_portal,  # noqa: F811
    member,
    client,
):
    account = sandbox_portal("fourspaces")
    room = Resource.objects.filter(space__account=account, kind="meeting_room").first()
    assert rules.limits(room).horizon == 90
    assert rules.limits(room).free_cancellation_hours == 24
    tz = zoneinfo.ZoneInfo(room.space.timezone)
    today = timezone.now().astimezone(tz).date()
    response = client.get(
        reverse("api_slots", args=[room.pk]), {"date": (today + dt.timedelta(days=91)).isoformat()}
    )
    assert response.status_code == 400
    assert "at most 90 days ahead" in response.json()["error"]
    offer = room.space.offers.filter(active=True).exclude(raw__rules={}).first()
    if offer is not None:
        assert rules.limits(offer).horizon == 90
    page = client.get(reverse("resource_detail", args=[room.pk])).content.decode()
    assert "up to 90 days ahead" in page
