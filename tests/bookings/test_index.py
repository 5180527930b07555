"""The availability index (bookings/index.py): rows for every provider's rooms and passes
from the in-process sandbox, unknown (never free) rows when a provider fails, a booking
that takes its slot out of the index, the beat refresh's budget, and daylight-saving days
whose intervals keep their real length in UTC."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone

from bookings import availability, index, tasks
from bookings import services as booking_services
from bookings.models import AvailabilityWindow, Status, WindowState
from devtools.demo import accounts_from_sandbox_config
from portal.models import User
from providers.adapters.errors import TransientError
from providers.adapters.types import ProviderDay
from providers.models import Offer, Resource
from sandbox import build_sandbox
from tests.providers.conftest import portal_on_sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox():
    return build_sandbox(state_path=None, fault_seed=1)


@pytest.fixture
def on_sandbox(monkeypatch, sandbox):
    """``on_sandbox(kind)``: the portal on that provider's first sandbox account."""
    cache.clear()
    transport = httpx.WSGITransport(app=sandbox)
    configs = accounts_from_sandbox_config(sandbox.print_config("http://127.0.0.1:8001"))
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.index_item, "delay", lambda *args: queued.append(args))

    def start(kind: str):
        [cfg] = [c for c in configs if c.kind == kind][:1]
        return portal_on_sandbox(monkeypatch, transport, cfg)

    start.queued = queued  # type: ignore[attr-defined]
    yield start
    cache.clear()


def rows_of(item) -> list[AvailabilityWindow]:
    field = "resource" if isinstance(item, Resource) else "offer"
    return list(AvailabilityWindow.objects.filter(**{field: item}).order_by("day", "start"))


def a_day_with_free_slots(room: Resource) -> tuple[dt.date, availability.DayAnswer]:
    today = availability.local_today_for(room.space.timezone)
    for offset in range(1, 14):
        day = today + dt.timedelta(days=offset)
        answer = availability.resource_day(room, day, write_through=False)
        if answer.known and any(slot.available for slot in answer.slots):
            return day, answer
    raise AssertionError(f"{room} has no free slot in two weeks")


def rooms_of(kind: str):
    return Resource.objects.select_related("space__account").filter(
        space__account__kind=kind, kind="meeting_room", active=True
    )


def assert_rows_match(room: Resource, day: dt.date, answer: availability.DayAnswer) -> None:
    rows = [row for row in rows_of(room) if row.day == day]
    free = [
        (slot.start, slot.end) for slot in answer.slots if slot.available
    ]  # what the room's page offers that day
    assert rows, f"{room}: no row for {day}"
    assert {row.state for row in rows} == {WindowState.FREE}
    assert {row.timezone for row in rows} == {room.space.timezone}
    assert all(row.source.startswith(f"{room.space.account.kind}:room-day") for row in rows)
    assert all(row.fetched_at == answer.fetched_at for row in rows)
    for start, end in free:  # every free slot lies inside one row
        assert any(row.start <= start and end <= row.end for row in rows), (start, end)
    for row in rows:  # and every row is made of free slots: it starts and ends at one
        assert any(start == row.start for start, _ in free)
        assert any(end == row.end for _, end in free)
        assert row.start.utcoffset() == dt.timedelta(0)
    for first, second in itertools.pairwise(rows):  # merged: no two rows touch
        assert first.end < second.start


@pytest.mark.parametrize("kind", ["thia", "workways", "zentry", "fourspaces"])
def test_a_rooms_free_intervals_are_its_free_slots_merged(on_sandbox, kind):
    on_sandbox(kind)
    room = rooms_of(kind).first()
    day, answer = a_day_with_free_slots(room)
    written = index.index_resource_days(room, [day])
    assert written == len(rows_of(room))
    assert_rows_match(room, day, answer)
    # the same answer indexed again replaces the rows, never adds to them
    assert index.index_resource_days(room, [day]) == written
    assert len(rows_of(room)) == written


def test_zentry_counts_places_left_in_a_room_of_several(on_sandbox):
    on_sandbox("zentry")
    room = rooms_of("zentry").filter(quantity__gt=1).first()
    day, _answer = a_day_with_free_slots(room)
    index.index_resource_days(room, [day])
    rows = rows_of(room)
    assert rows and all(row.places_left is not None for row in rows)
    assert all(1 <= row.places_left <= room.quantity for row in rows)


def test_a_pass_is_one_row_per_open_local_day_with_places(on_sandbox):
    on_sandbox("thia")
    offer = (
        Offer.objects.select_related("space__account")
        .filter(space__account__kind="thia", active=True)
        .order_by("pk")
    )
    offer = next(o for o in offer if availability.pass_days(o, *week(o), write_through=False).known)
    first, last = week(offer)
    answer = availability.pass_days(offer, first, last, write_through=False)
    index.index_offer_days(offer, first, last)
    rows = rows_of(offer)
    open_days = {d.day: d.remaining for d in answer.days if d.open}
    assert open_days and {row.day: row.places_left for row in rows} == open_days
    assert any(row.places_left is not None for row in rows)  # Thia counts desks
    zone = zoneinfo.ZoneInfo(offer.space.timezone)
    for row in rows:
        assert row.start.astimezone(zone) == dt.datetime.combine(row.day, dt.time(0), zone)
        assert row.end.astimezone(zone) == dt.datetime.combine(
            row.day + dt.timedelta(days=1), dt.time(0), zone
        )
        assert row.state == WindowState.FREE


def week(item) -> tuple[dt.date, dt.date]:
    today = availability.local_today_for(item.space.timezone)
    return today + dt.timedelta(days=1), today + dt.timedelta(days=7)


def test_a_provider_that_fails_leaves_one_unknown_row_per_day_never_free(
    on_sandbox, sandbox, monkeypatch
):
    on_sandbox("thia")
    room = rooms_of("thia").first()
    day, _answer = a_day_with_free_slots(room)
    index.index_resource_days(room, [day])
    assert {row.state for row in rows_of(room)} == {WindowState.FREE}
    # the facts go stale and Thia answers nothing but 500s now
    sandbox.faults.configure("thia", {"error_rate": 1.0})
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # the adapter's backoff
    cache.clear()
    later = timezone.now() + dt.timedelta(seconds=1)
    index.index_resource_days(room, [day, day + dt.timedelta(days=1)], newer_than=later)
    rows = rows_of(room)
    assert [(row.day, row.state) for row in rows] == [
        (day, WindowState.UNKNOWN),
        (day + dt.timedelta(days=1), WindowState.UNKNOWN),
    ]
    for row in rows:  # the opening hours (or the local day): a real stretch of time
        assert row.end - row.start >= dt.timedelta(hours=1)
        assert row.places_left is None


def test_a_booking_takes_its_slot_out_of_the_index(on_sandbox, django_capture_on_commit_callbacks):
    on_sandbox("thia")
    room = rooms_of("thia").first()
    day, answer = a_day_with_free_slots(room)
    index.index_resource_days(room, [day])
    slot = next(s for s in answer.slots if s.available)
    assert any(r.start <= slot.start and slot.end <= r.end for r in rows_of(room))
    member = User.objects.create_user(
        email="ioana@example.com",
        password="pw-ioana-123456",
        first_name="Ioana",
        last_name="Popescu",
        phone="+40 21 123 4567",
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_services.booking_create_room(
            member=member, resource=room, start=slot.start, end=slot.end
        )
        assert booking_services.submit(booking.pk) == Status.CONFIRMED
    # the transition asked for the booking's day again, from facts fetched after it
    queued = [args for args in on_sandbox.queued if args[:2] == ("resource", room.pk)]
    assert queued and queued[-1][2] == [day.isoformat()] and queued[-1][3] is not None
    tasks.index_item(*queued[-1])
    rows = rows_of(room)
    assert not any(r.start < slot.end and slot.start < r.end for r in rows)
    assert all(r.state == WindowState.FREE for r in rows)


def test_a_page_writes_its_answer_through_once(on_sandbox, django_capture_on_commit_callbacks):
    on_sandbox("workways")
    room = rooms_of("workways").first()
    today = availability.local_today_for(room.space.timezone)
    days = [today + dt.timedelta(days=n) for n in range(1, 4)]
    with django_capture_on_commit_callbacks(execute=True):
        availability.resource_days(room, days)  # the room's week page
        availability.resource_days(room, days)  # again, before the task ran
    queued = [args for args in on_sandbox.queued if args[:2] == ("resource", room.pk)]
    assert queued == [("resource", room.pk, [d.isoformat() for d in days], None)]
    tasks.index_item(*queued[0])
    assert set(index.seen(room)) == set(days)
    cache.delete(f"index:wt:resource:{room.pk}:{days[0].isoformat()}:3")
    with django_capture_on_commit_callbacks(execute=True):
        availability.resource_days(room, days)  # the index has these answers: no task
    assert len([a for a in on_sandbox.queued if a[:2] == ("resource", room.pk)]) == 1


def test_a_process_hands_the_same_answer_to_the_index_once(on_sandbox, monkeypatch):
    """A warm page does not read the index's ledger again for answers it handed on;
    a refreshed answer (a new fetch time) is handed on."""
    from providers import availability as provider_facts

    on_sandbox("workways")
    room = rooms_of("workways").first()
    day = availability.local_today_for(room.space.timezone) + dt.timedelta(days=1)
    availability.resource_days(room, [day])
    handed = []
    monkeypatch.setattr(index, "note_answers", lambda item, answers: handed.append(answers))
    availability.resource_days(room, [day])
    assert handed == []
    key = provider_facts.resource_key(room.pk, day)
    provider_facts.refresh_now(key, lambda: provider_facts.fetch_resource_day(room, day))
    answer = availability.resource_days(room, [day])[0]
    assert handed == [[(day, answer.fetched_at)]]


def test_the_beat_refresh_spends_a_third_of_thias_limit_oldest_first(on_sandbox, settings):
    account = on_sandbox("thia")
    assert index.budget("thia") == 18  # 55 of Thia's "60 requests per minute", a third
    assert index.budget("zentry") == settings.INDEX_UNLIMITED_BUDGET
    settings.INDEX_DAYS = 3
    due = index.due(account, timezone.now())
    assert len({(index._ref(item), day) for _at, item, day in due}) == len(due)
    index.refresh_account(account.pk)
    done = sum(len(index.seen(item)) for _at, item, _day in due)
    assert 0 < done <= 3 * 18  # one ledger entry per item-day refreshed, within budget
    assert len(index.due(account, timezone.now())) == max(0, len(due) - min(len(due), 18))
    # single flight: a run still going for the account makes another do nothing
    cache.add(f"index:refresh:{account.pk}", 1, 60)
    assert index.refresh_account(account.pk) == 0


# --- daylight-saving days (a scripted provider) ---------------------------------------


def dst_days(zone_name: str) -> tuple[dt.date, dt.date]:
    """The next spring-forward and fall-back local days in ``zone_name``."""
    zone = zoneinfo.ZoneInfo(zone_name)
    today = dt.date.today()
    spring = autumn = None
    for offset in range(1, 400):
        day = today + dt.timedelta(days=offset)
        before = dt.datetime.combine(day, dt.time(0), zone).utcoffset()
        after = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone).utcoffset()
        if before is not None and after is not None and after > before and spring is None:
            spring = day
        if before is not None and after is not None and after < before and autumn is None:
            autumn = day
    assert spring and autumn
    return spring, autumn


@pytest.mark.parametrize("zone_name", ["Europe/Vienna", "America/New_York"])
def test_daylight_saving_days_keep_their_real_length_in_utc(room, provider, zone_name):
    zone = zoneinfo.ZoneInfo(zone_name)
    space = room.space
    space.timezone = zone_name
    space.opening_hours = []
    space.save()
    room = Resource.objects.select_related("space__account").get(pk=room.pk)
    spring, autumn = dst_days(zone_name)
    for day, hours in ((spring, 5), (autumn, 7)):  # 00:00 to 06:00 local, across 02:00
        provider.day = ProviderDay(
            open=[
                (
                    dt.datetime.combine(day, dt.time(0), zone),
                    dt.datetime.combine(day, dt.time(6), zone),
                )
            ],
            capacity=1,
        )
        cache.clear()
        index.index_resource_days(room, [day])
        rows = [r for r in rows_of(room) if r.day == day]
        [row] = rows
        assert row.end - row.start == dt.timedelta(hours=hours)
        assert row.start.astimezone(zone).time() == dt.time(0)
        assert row.end.astimezone(zone).time() == dt.time(6)
    # unknown: the whole local day, 23 and 25 hours long
    provider.day = TransientError("down", provider="scripted")
    cache.clear()
    index.index_resource_days(room, [spring, autumn])
    lengths = {r.day: r.end - r.start for r in rows_of(room)}
    assert lengths == {spring: dt.timedelta(hours=23), autumn: dt.timedelta(hours=25)}
    assert {r.state for r in rows_of(room)} == {WindowState.UNKNOWN}


def test_unknown_rows_cover_the_opening_hours_of_that_weekday(room, provider):
    space = room.space
    day = availability.local_today_for(space.timezone) + dt.timedelta(days=2)
    space.opening_hours = [
        {"weekday": day.weekday(), "opens": "08:30:00", "closes": "18:00:00"},
        {"weekday": (day.weekday() + 1) % 7, "opens": "07:00:00", "closes": "22:00:00"},
    ]
    space.save()
    room = Resource.objects.select_related("space__account").get(pk=room.pk)
    provider.day = TransientError("down", provider="scripted")
    index.index_resource_days(room, [day])
    [row] = rows_of(room)
    zone = zoneinfo.ZoneInfo(space.timezone)
    assert row.state == WindowState.UNKNOWN
    assert row.start == dt.datetime.combine(day, dt.time(8, 30), zone)
    assert row.end == dt.datetime.combine(day, dt.time(18), zone)


def test_an_older_answer_never_replaces_a_newer_one(room, provider):
    day = availability.local_today_for(room.space.timezone) + dt.timedelta(days=2)
    index.index_resource_days(room, [day])
    [row] = rows_of(room)
    older = row.fetched_at - dt.timedelta(minutes=5)
    stale = availability.DayAnswer(False, day, room.space.timezone, [], "stale", older)
    assert index._replace(room, {day: index.room_rows(room, stale)}, {day: older}) == 0
    assert [r.state for r in rows_of(room)] == [WindowState.FREE]
