"""The waitlist's rules (bookings/waitlist): which free window of the availability index
answers which entry (people, price limit, kind, window overlap), first come first served
with a hold, expiry, told once, and the refresh hook that starts matching."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from bookings import index, tasks, waitlist
from bookings.models import AvailabilityWindow, WaitlistEntry, WaitlistState, WindowState
from bookings.services.errors import BookingError
from portal.models import User
from tests.bookings.conftest import DUBLIN

pytestmark = pytest.mark.django_db

DAY = (timezone.now().astimezone(DUBLIN) + dt.timedelta(days=3)).date()


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), DUBLIN)


def free(item, start: dt.datetime, end: dt.datetime, places_left=None) -> AvailabilityWindow:
    """An index row saying ``item`` is free from ``start`` to ``end``."""
    kind = "resource" if item.__class__.__name__ == "Resource" else "offer"
    return AvailabilityWindow.objects.create(
        **{kind: item},
        space=item.space,
        day=start.astimezone(DUBLIN).date(),
        start=start,
        end=end,
        timezone="Europe/Dublin",
        state=WindowState.FREE,
        places_left=places_left,
        fetched_at=timezone.now(),
    )


def a_member(name: str) -> User:
    return User.objects.create_user(
        email=f"{name}@example.com", password="pw-12345-abc", first_name=name.title()
    )


def wait_for_room(member, room, start=14, end=16, **extra) -> WaitlistEntry:
    entry, created = waitlist.join(
        member,
        resource=room,
        date=DAY,
        start_time=dt.time(start),
        end_time=dt.time(end),
        **extra,
    )
    assert created
    return entry


def told(*entries) -> list[str]:
    return [WaitlistEntry.objects.get(pk=e.pk).state for e in entries]


# --- what matches ------------------------------------------------------------------------


def test_a_window_that_covers_the_asked_time_tells_the_member_with_a_booking_link(member, room):
    entry = wait_for_room(member, room, people=3)
    free(room, at(13), at(17))
    sent = waitlist.match_and_notify("resource", room.pk, [DAY])
    assert sent == 1
    [email] = mail.outbox
    assert email.to == [member.email]
    assert room.name in email.subject
    link = f"/resources/{room.pk}/book/?start={DAY.isoformat()}T14%3A00&minutes=120&attendees=3"
    assert link in email.body
    entry.refresh_from_db()
    assert entry.state == WaitlistState.NOTIFIED
    assert entry.matched_start == at(14) and entry.matched_end == at(16)


def test_the_email_is_in_the_members_language(member, room):
    member.language = "fr"
    member.save()
    wait_for_room(member, room)
    free(room, at(13), at(17))
    waitlist.match_and_notify("resource", room.pk, [DAY])
    [email] = mail.outbox
    french_day = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    assert french_day[DAY.weekday()] in email.body.lower()


@pytest.mark.parametrize(
    ("window", "matches"),
    [
        ((13, 17), True),  # covers it
        ((14, 16), True),  # exactly it
        ((15, 17), False),  # starts too late
        ((12, 15), False),  # ends too early
        ((17, 19), False),  # another time
    ],
)
def test_the_window_must_hold_the_whole_asked_time(member, room, window, matches):
    wait_for_room(member, room)
    free(room, at(window[0]), at(window[1]))
    assert bool(waitlist.claim_matches("resource", room.pk, [DAY])) is matches


def test_a_length_inside_a_wider_window_matches_any_free_stretch_long_enough(member, room):
    entry, _ = waitlist.join(
        member, resource=room, date=DAY, start_time=dt.time(9), end_time=dt.time(18), minutes=60
    )
    free(room, at(9), at(9, 30))  # too short
    free(room, at(15), at(16, 30))
    assert waitlist.claim_matches("resource", room.pk, [DAY]) == [entry.pk]
    entry.refresh_from_db()
    assert (entry.matched_start, entry.matched_end) == (at(15), at(16))


def test_a_room_too_small_for_the_people_is_not_offered(member, room):
    room.capacity = 4
    room.save()
    wait_for_room(member, room, people=6)
    free(room, at(13), at(17))
    assert waitlist.claim_matches("resource", room.pk, [DAY]) == []


def test_the_price_limit_is_kept(member, room):
    # 2 h at 30 EUR = 60 EUR
    cheap = wait_for_room(member, room, max_price=Decimal("50"), currency="EUR")
    fine = wait_for_room(a_member("ben"), room, max_price=Decimal("60"), currency="EUR")
    free(room, at(13), at(17))
    assert waitlist.claim_matches("resource", room.pk, [DAY]) == [fine.pk]
    assert told(cheap) == [WaitlistState.WAITING]


def test_a_search_waits_for_its_kind_in_its_city(member, room, day_pass):
    rooms = waitlist.join(
        member,
        city="Dublin",
        kind="meeting_room",
        date=DAY,
        start_time=dt.time(14),
        end_time=dt.time(15),
    )[0]
    passes = waitlist.join(a_member("ben"), city="Dublin", kind="day_pass", date=DAY)[0]
    elsewhere = waitlist.join(
        a_member("cleo"),
        q="Dublin",
        kind="meeting_room",
        date=DAY,
        start_time=dt.time(14),
        minutes=60,
    )[0]
    free(room, at(13), at(17))
    assert waitlist.claim_matches("resource", room.pk, [DAY]) == [rooms.pk]  # one per window
    free(day_pass, *_day_bounds())
    assert waitlist.claim_matches("offer", day_pass.pk, [DAY]) == [passes.pk]
    assert told(elsewhere) == [WaitlistState.WAITING]


def test_a_search_in_another_city_is_not_told(member, room):
    with pytest.raises(BookingError, match="No space"):
        waitlist.join(member, city="Lisbon", date=DAY, start_time=dt.time(14), minutes=60)


def _day_bounds():
    start = dt.datetime.combine(DAY, dt.time(0), DUBLIN)
    return start, start + dt.timedelta(days=1)


def test_a_pass_day_needs_enough_places_and_persons(member, day_pass):
    day_pass.max_persons = 2
    day_pass.save()
    three = waitlist.join(member, offer=day_pass, date=DAY, people=3)[0]
    two = waitlist.join(a_member("ben"), offer=day_pass, date=DAY, people=2)[0]
    free(day_pass, *_day_bounds(), places_left=1)
    assert waitlist.claim_matches("offer", day_pass.pk, [DAY]) == []
    AvailabilityWindow.objects.update(places_left=2)
    assert waitlist.claim_matches("offer", day_pass.pk, [DAY]) == [two.pk]
    assert told(three) == [WaitlistState.WAITING]


# --- first come, first served ----------------------------------------------------------------


def test_the_earliest_entry_is_told_first_and_holds_the_window(member, room, settings):
    settings.WAITLIST_HOLD_MINUTES = 15
    first = wait_for_room(member, room)
    second = wait_for_room(a_member("ben"), room)
    free(room, at(13), at(17))
    now = timezone.now()
    assert waitlist.claim_matches("resource", room.pk, [DAY], now=now) == [first.pk]
    # the next refresh, within the hold: the window is the first member's for now
    later = now + dt.timedelta(minutes=5)
    assert waitlist.claim_matches("resource", room.pk, [DAY], now=later) == []
    # still free after the hold: the next one in line is told
    after = now + dt.timedelta(minutes=16)
    assert waitlist.claim_matches("resource", room.pk, [DAY], now=after) == [second.pk]


def test_a_member_told_who_drops_the_entry_frees_the_window_for_the_next(member, room):
    first = wait_for_room(member, room)
    second = wait_for_room(a_member("ben"), room)
    free(room, at(13), at(17))
    assert waitlist.claim_matches("resource", room.pk, [DAY]) == [first.pk]
    waitlist.drop(WaitlistEntry.objects.get(pk=first.pk))
    assert waitlist.claim_matches("resource", room.pk, [DAY]) == [second.pk]


def test_a_pass_day_with_places_tells_as_many_in_order(member, day_pass):
    entries = [waitlist.join(a_member(f"m{n}"), offer=day_pass, date=DAY)[0] for n in range(3)]
    free(day_pass, *_day_bounds(), places_left=2)
    assert waitlist.claim_matches("offer", day_pass.pk, [DAY]) == [e.pk for e in entries[:2]]


def test_an_entry_is_told_once(member, room):
    wait_for_room(member, room)
    free(room, at(13), at(17))
    assert waitlist.match_and_notify("resource", room.pk, [DAY]) == 1
    assert waitlist.match_and_notify("resource", room.pk, [DAY]) == 0
    assert len(mail.outbox) == 1


def test_an_email_that_fails_gives_the_entry_back(member, room, monkeypatch):
    entry = wait_for_room(member, room)
    free(room, at(13), at(17))
    monkeypatch.setattr(waitlist.notify.EmailMessage, "send", _refuse)
    with pytest.raises(OSError):
        waitlist.match_and_notify("resource", room.pk, [DAY])
    assert told(entry) == [WaitlistState.WAITING]


def _refuse(self, *args, **kwargs):
    raise OSError("mail server down")


# --- expiry --------------------------------------------------------------------------------


def test_an_entry_expires_when_its_window_starts(member, room):
    entry = wait_for_room(member, room)
    free(room, at(13), at(17))
    started = at(14, 1)
    assert waitlist.claim_matches("resource", room.pk, [DAY], now=started) == []
    assert waitlist.expire(now=started) == 1
    assert told(entry) == [WaitlistState.EXPIRED]


def test_a_window_that_has_started_cannot_be_waited_for(member, room):
    now = timezone.now().astimezone(DUBLIN)
    # an hour ago, but today: in the day's first hour, its midnight
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    past = max(now - dt.timedelta(hours=1), midnight).time().replace(second=0, microsecond=0)
    with pytest.raises(BookingError, match="started already"):
        waitlist.join(member, resource=room, date=now.date(), start_time=past, minutes=15)


def test_the_same_wait_asked_twice_is_one_entry(member, room):
    first = wait_for_room(member, room)
    again, created = waitlist.join(
        member, resource=room, date=DAY, start_time=dt.time(14), end_time=dt.time(16)
    )
    assert again == first and not created


# --- the refresh hook -----------------------------------------------------------------------


def test_an_index_refresh_with_free_rows_queues_the_match(member, room, provider, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.match_waitlist, "delay", lambda *args: queued.append(args))
    monkeypatch.setattr(tasks.index_item, "delay", lambda *args: None)
    wait_for_room(member, room)
    with django_on_commit():
        index.index_resource_days(room, [DAY])
    assert queued == [("resource", room.pk, [DAY.isoformat()])]


def test_nobody_waiting_queues_nothing(room, provider, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.match_waitlist, "delay", lambda *args: queued.append(args))
    with django_on_commit():
        index.index_resource_days(room, [DAY])
    assert queued == []


def django_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
