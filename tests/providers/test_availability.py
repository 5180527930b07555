"""Availability: slots from facts, rules, holds, time zones (bookings.availability), and
the facts cache (providers.availability)."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import pytest
from django.core.cache import cache

from bookings import availability
from bookings.models import Booking, Status
from portal.models import User
from providers import availability as provider_facts
from providers import services
from providers.adapters.errors import TransientError
from providers.adapters.types import ProviderDay
from providers.messages import Message
from providers.models import Resource
from tests.providers import factories

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(day: dt.date, hour: int, minute: int = 0, tz=DUBLIN) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tz)


DAY = dt.date(2030, 6, 3)
EARLY = at(DAY, 0) - dt.timedelta(days=1)


def test_windows_become_slots_and_busy_time_is_taken():
    facts = ProviderDay(open=[(at(DAY, 9), at(DAY, 12))], busy=[(at(DAY, 10), at(DAY, 10, 30))])
    slots = availability.compute_slots(
        facts, rules={"step_minutes": 30}, tz="Europe/Dublin", holds=[], now=EARLY
    )
    assert [(s.start.strftime("%H:%M"), s.available) for s in slots] == [
        ("09:00", True),
        ("09:30", True),
        ("10:00", False),
        ("10:30", True),
        ("11:00", True),
        ("11:30", True),
    ]
    assert all(s.start.utcoffset() == dt.timedelta(hours=1) for s in slots)  # Irish summer


def test_quantity_allows_parallel_bookings_until_full():
    busy = [(at(DAY, 9), at(DAY, 10))]
    facts = ProviderDay(open=[(at(DAY, 9), at(DAY, 11))], busy=busy, capacity=2)
    slots = availability.compute_slots(facts, rules={}, tz="Europe/Dublin", holds=[], now=EARLY)
    assert [(s.available, s.remaining) for s in slots] == [(True, 1), (True, 2)]
    full = availability.compute_slots(facts, rules={}, tz="Europe/Dublin", holds=busy, now=EARLY)
    assert [s.available for s in full] == [False, True]


def test_lead_time_and_the_past_are_not_bookable():
    facts = ProviderDay(open=[(at(DAY, 9), at(DAY, 12))])
    now = at(DAY, 8, 30)
    slots = availability.compute_slots(
        facts, rules={"lead_time_minutes": 120}, tz="Europe/Dublin", holds=[], now=now
    )
    assert [s.available for s in slots] == [False, False, True]  # 09:00 and 10:00 too soon


def test_explicit_provider_slots_are_kept_and_holds_taken_out():
    facts = ProviderDay(
        slots=[
            (at(DAY, 9), at(DAY, 10), True),
            (at(DAY, 10), at(DAY, 11), False),
            (at(DAY, 11), at(DAY, 12), True),
        ]
    )
    slots = availability.compute_slots(
        facts, rules={}, tz="Europe/Dublin", holds=[(at(DAY, 11), at(DAY, 12))], now=EARLY
    )
    assert [s.available for s in slots] == [True, False, False]


def test_slots_last_their_length_across_the_daylight_saving_change():
    # 2030-03-10: New York springs forward at 02:00 -> 03:00
    day = dt.date(2030, 3, 10)
    facts = ProviderDay(open=[(at(day, 0, tz=NEW_YORK), at(day, 5, tz=NEW_YORK))])
    slots = availability.compute_slots(
        facts, rules={"step_minutes": 60}, tz="America/New_York", holds=[], now=EARLY
    )
    assert [s.start.strftime("%H:%M") for s in slots] == ["00:00", "01:00", "03:00", "04:00"]
    assert all(
        s.end.astimezone(dt.UTC) - s.start.astimezone(dt.UTC) == dt.timedelta(hours=1)
        for s in slots
    )
    assert len(slots) == 4  # the day had 23 hours: no 02:00 slot


@pytest.fixture
def room(db):
    services.apply_catalogue(factories.account(), factories.catalogue(factories.space("a")))
    return Resource.objects.select_related("space__account").get(external_id="a-r1")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def provider(monkeypatch):
    calls = []

    class Provider:
        answer: object = ProviderDay(open=[(at(DAY, 9), at(DAY, 11))])
        delay = 0.0

    def fetch(resource, day):
        calls.append(day)
        if Provider.delay:
            import time

            time.sleep(Provider.delay)
        if isinstance(Provider.answer, Exception):
            raise Provider.answer
        return Provider.answer

    monkeypatch.setattr(provider_facts, "fetch_resource_day", fetch)
    Provider.calls = calls
    return Provider


def test_answers_are_cached_per_resource_and_day(room, provider):
    first = availability.resource_day(room, DAY, now=EARLY)
    second = availability.resource_day(room, DAY, now=EARLY)
    assert (first.source, second.source) == ("live", "cached")
    assert len(provider.calls) == 1
    availability.resource_day(room, DAY + dt.timedelta(days=1), now=EARLY)
    assert len(provider.calls) == 2


def test_a_failing_provider_is_unknown_never_free(room, provider):
    provider.answer = TransientError("HTTP 503", status=503)
    answer = availability.resource_day(room, DAY, now=EARLY)
    assert answer.known is False and answer.slots == []
    assert "unknown" in answer.message
    # the cache keeps our words as a code, rendered in the language of whoever asks
    entry = cache.get(provider_facts.resource_key(room.pk, DAY))
    assert entry.message == Message("availability_unanswered")
    availability.resource_day(room, DAY, now=EARLY)
    assert len(provider.calls) == 1  # the failure is remembered briefly: no hammering


def test_a_page_refused_by_our_own_rate_limit_says_so_not_that_the_provider_is_down(room, provider):
    from django.utils import translation

    from providers.adapters.errors import RateLimited

    provider.answer = RateLimited("rate limit thia: would wait more than 0s", retry_after=30)
    answer = availability.resource_day(room, DAY, now=EARLY)
    assert answer.known is False and answer.slots == []
    assert "Try again in a minute" in answer.message and "not answering" not in answer.message
    entry = cache.get(provider_facts.resource_key(room.pk, DAY))
    assert entry.message == Message("availability_busy")
    with translation.override("fr"):
        assert "Réessayez dans une minute" in entry.message.text()


def test_stale_answers_are_served_while_one_refresh_is_queued(room, provider, monkeypatch):
    from providers import tasks

    queued = []
    monkeypatch.setattr(tasks.refresh_availability, "delay", lambda *a: queued.append(a))
    availability.resource_day(room, DAY, now=EARLY)
    entry = cache.get(provider_facts.resource_key(room.pk, DAY))
    entry.fetched_at -= dt.timedelta(seconds=provider_facts.FRESH_SECONDS + 5)
    cache.set(provider_facts.resource_key(room.pk, DAY), entry, 600)
    assert availability.resource_day(room, DAY, now=EARLY).source == "stale"
    assert availability.resource_day(room, DAY, now=EARLY).source == "stale"
    assert queued == [("resource", room.pk, DAY.isoformat())]  # one refresh, not two
    tasks.refresh_availability(*queued[0])
    assert availability.resource_day(room, DAY, now=EARLY).source == "cached"
    assert len(provider.calls) == 2


def test_the_portals_own_unsent_booking_blocks_its_slot(room, provider):
    member = User.objects.create_user(email="m@example.com", password="pw-123456-x")
    Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=Status.PENDING,
        start=at(DAY, 9),
        end=at(DAY, 10),
    )
    slots = availability.resource_day(room, DAY, now=EARLY).slots
    assert [s.available for s in slots] == [False, True]


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_cold_requests_make_one_upstream_call(provider):
    services.apply_catalogue(factories.account(), factories.catalogue(factories.space("a")))
    room = Resource.objects.select_related("space__account").get(external_id="a-r1")
    provider.delay = 0.3
    answers = []

    def ask():
        from django.db import connection

        answers.append(availability.resource_day(room, DAY, now=EARLY))
        connection.close()

    threads = [threading.Thread(target=ask) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 50
    assert all(a.known for a in answers)
    assert len(provider.calls) == 1


def test_a_week_asks_the_provider_for_its_days_at_the_same_time(room, provider, monkeypatch):
    """A cold week calendar is one round trip: the days are fetched side by side."""
    import time

    lock = threading.Lock()
    state = {"now": 0, "most": 0}
    original = provider.answer

    def fetch(resource, day):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.2)
        with lock:
            state["now"] -= 1
        return original

    monkeypatch.setattr(provider_facts, "fetch_resource_day", fetch)
    days = [DAY + dt.timedelta(days=i) for i in range(7)]
    answers = availability.resource_days(room, days, now=EARLY)
    assert [a.day for a in answers] == days and all(a.known for a in answers)
    assert state["most"] > 1


def test_a_fetch_replaces_the_items_facts_token_without_the_database():
    """Facts are fetched in threads and processes that must not open a database
    connection: the token is set outright (this test may not touch the database)."""
    key = provider_facts.resource_key(7, dt.date(2026, 12, 3))
    token_key = provider_facts.facts_token_key(key)
    assert token_key == provider_facts.resource_token_key(7)
    cache.delete(token_key)
    provider_facts.refresh_now(key, lambda: "the day's facts")
    first = cache.get(token_key)
    provider_facts.refresh_now(key, lambda: "the day's facts, asked again")
    assert first is not None and cache.get(token_key) not in (None, first)
