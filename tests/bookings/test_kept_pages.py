"""Pages kept rendered in the cache (``bookings.pagecache``) answer exactly what a fresh
render would, and a booking, a refresh or a sync shows on them at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.middleware.csrf import CSRF_TOKEN_LENGTH
from django.urls import reverse

from bookings import pagecache
from bookings.models import Booking, Status
from providers import availability as provider_facts
from providers.adapters.types import PassDay, ProviderDay
from tests.bookings.conftest import pass_booking, room_booking, tomorrow_at

pytestmark = pytest.mark.django_db

TOKEN = re.compile(f"[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}")


def _pages(room, day_pass) -> list[str]:
    week = tomorrow_at(10).date().isoformat()
    return [
        "/",
        "/spaces/",
        reverse("space_detail", args=[room.space.pk]),
        reverse("resource_detail", args=[room.pk]),
        reverse("resource_detail", args=[room.pk]) + f"?week={week}",
        reverse("offer_detail", args=[day_pass.pk]),
    ]


def _fresh_answer(client, url: str, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(pagecache, "_keepable", lambda request, keys: False)
        return client.get(url)


def _fresh(client, url: str, monkeypatch) -> str:
    return _fresh_answer(client, url, monkeypatch).content.decode()


def _tokens(page: str) -> list[str]:
    return re.findall(r'"X-CSRFToken": "([^"]*)"|name="csrfmiddlewaretoken" value="([^"]*)"', page)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_kept_page_is_the_fresh_page_with_its_own_csrf_token(
    client, member, room, day_pass, provider, monkeypatch, signed_in
):
    if signed_in:
        client.force_login(member)
    for url in _pages(room, day_pass):
        client.get(url)  # rendered and kept
        kept = client.get(url)
        assert kept.status_code == 200, url
        page = kept.content.decode()
        assert pagecache.PLACEHOLDER not in page
        tokens = [a or b for a, b in _tokens(page)]
        assert tokens and all(TOKEN.fullmatch(t) for t in tokens), url
        answer = _fresh_answer(client, url, monkeypatch)
        assert TOKEN.sub("T", page) == TOKEN.sub("T", answer.content.decode()), url
        for header in ("Content-Type", "Vary", "Cache-Control", "Content-Language"):
            assert kept.get(header) == answer.get(header), (url, header)
        assert ("csrftoken" in kept.cookies) == ("csrftoken" in answer.cookies), url


def test_the_kept_token_is_accepted_by_a_form(member, room, day_pass, provider):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    url = reverse("resource_detail", args=[room.pk])
    browser.get(url)  # kept by this visit
    page = browser.get(url).content.decode()  # served from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page).group(1)
    answer = browser.post(reverse("set_language"), {"language": "fr", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302  # not 403: the token matches the visitor's cookie


def test_a_booking_shows_on_the_kept_week_at_once(client, member, room, provider):
    start = tomorrow_at(10)
    url = reverse("resource_detail", args=[room.pk]) + f"?week={start.date().isoformat()}"
    client.get(url)
    before = client.get(url).content.decode()
    assert '10:00<span class="visually-hidden"> \N{EN DASH} 10:30, free: book it' in before
    room_booking(member, room, start)
    after = client.get(url).content.decode()
    assert '10:00<span class="visually-hidden"> \N{EN DASH} 10:30, taken' in after


def test_a_booking_shows_in_the_kept_slots_api_answer_at_once(client, member, room, provider):
    start = tomorrow_at(10)
    url = reverse("api_slots", args=[room.pk]) + f"?date={start.date().isoformat()}"

    def ten_oclock() -> bool:
        slots = client.get(url).json()["slots"]
        return next(s["available"] for s in slots if s["start"] == start.isoformat())

    assert ten_oclock() and ten_oclock()  # the second from the kept body
    room_booking(member, room, start)
    assert not ten_oclock()


def _slots_url(room, day: dt.date) -> str:
    return reverse("api_slots", args=[room.pk]) + f"?date={day.isoformat()}"


def _available(answer, start: dt.datetime) -> bool:
    return next(s["available"] for s in answer.json()["slots"] if s["start"] == start.isoformat())


def test_a_refresh_and_a_hidden_room_show_in_the_kept_slots_answer_at_once(client, room, provider):
    start = tomorrow_at(10)
    url = _slots_url(room, start.date())
    assert _available(client.get(url), start) and _available(client.get(url), start)

    provider.day = ProviderDay(
        open=[(start.replace(hour=8), start.replace(hour=20))],
        busy=[(start, start + dt.timedelta(hours=1))],
        capacity=1,
    )
    provider_facts.refresh_now(
        provider_facts.resource_key(room.pk, start.date()),
        lambda: provider_facts.fetch_resource_day(room, start.date()),
    )
    assert not _available(client.get(url), start)

    room.active = False  # staff take the room off the portal
    room.save()
    assert client.get(url).status_code == 404


def test_the_kept_slots_answer_goes_stale_with_its_facts_and_asks_again(
    client, room, provider, monkeypatch
):
    from django.utils import timezone

    from providers import jobs, tasks

    asked = []
    monkeypatch.setattr(
        jobs,
        "enqueue",
        lambda task, *args, **kw: task is tasks.refresh_availability and asked.append(args),
    )
    start = tomorrow_at(10)
    url = _slots_url(room, start.date())
    assert [client.get(url).json()["source"] for _ in range(2)] == ["live", "cached"]
    assert client.get(url).json()["source"] == "cached"  # kept
    later = timezone.now() + dt.timedelta(seconds=provider_facts.FRESH_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(url).json()["source"] == "stale"
    assert asked == [("resource", room.pk, start.date().isoformat())]


FREE_AT_TEN = '10:00<span class="visually-hidden"> \N{EN DASH} 10:30, free: book it'


@pytest.mark.parametrize("page", ["slots API", "week", "room feed"])
def test_a_slot_leaves_a_kept_answer_when_its_notice_runs_out(
    client, room, provider, monkeypatch, settings, page
):
    from django.utils import timezone

    room.rules = {**room.rules, "lead_time_minutes": 60}
    room.save()
    start = tomorrow_at(10)
    week = reverse("resource_detail", args=[room.pk]) + f"?week={start.date().isoformat()}"

    settings.PAGE_PROVIDER_BUDGET_MS = settings.PAGE_PROVIDER_TOTAL_MS = 30_000
    feed = reverse("resource_calendar", args=[room.pk])
    half_past = f"DTEND:{(start + dt.timedelta(minutes=30)).astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"

    def free_at_ten() -> int:
        """On how many days 10:00 is free (the API and the feed: tomorrow only)."""
        if page == "week":
            return client.get(week).content.decode().count(FREE_AT_TEN)
        if page == "room feed":  # the busy block before 10:00 grows to 10:30
            return int(half_past not in client.get(feed).content.decode())
        return int(_available(client.get(_slots_url(room, start.date())), start))

    # the facts are fetched 30 s before tomorrow's 10:00 falls within the hour's notice
    first = start - dt.timedelta(minutes=60, seconds=30)
    monkeypatch.setattr(timezone, "now", lambda: first)
    before = free_at_ten()
    assert before >= 1 and free_at_ten() == before
    # 40 s later the facts are still fresh, but tomorrow's 10:00 is inside the notice
    monkeypatch.setattr(timezone, "now", lambda: first + dt.timedelta(seconds=40))
    assert free_at_ten() == before - 1


def test_a_kept_unknown_day_is_asked_again_once_its_entry_expires(
    client, room, provider, monkeypatch
):
    from django.utils import timezone

    from providers.adapters.errors import TransientError
    from providers.cache import cache

    start = tomorrow_at(10)
    url = _slots_url(room, start.date())
    client.get(_slots_url(room, start.date() + dt.timedelta(days=1)))  # a known day first
    provider.day = TransientError("down", provider="scripted")
    answers = [client.get(url).json() for _ in range(3)]  # asked, then kept
    assert [a["status"] for a in answers] == ["unknown"] * 3
    # the provider answers again; the failure's entry expires after UNKNOWN_SECONDS
    provider.day = None
    cache.delete(provider_facts.resource_key(room.pk, start.date()))
    later = timezone.now() + dt.timedelta(seconds=provider_facts.UNKNOWN_SECONDS)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(url).json()["status"] == "known"
    assert _available(client.get(url), start)


def test_a_pass_booking_shows_on_the_kept_pass_page_and_days_api_at_once(
    client, member, day_pass, provider
):
    day = tomorrow_at(10).date()
    api = reverse("api_offer_days", args=[day_pass.pk]) + f"?from={day}&to={day}"
    page = reverse("offer_detail", args=[day_pass.pk])

    def left() -> tuple[int, int]:
        return client.get(api).json()["days"][0]["remaining"], client.get(page).content.decode()

    for _ in range(2):  # asked, then kept
        remaining, shown = left()
    assert remaining == 5 and "5 left" in shown
    pass_booking(member, day_pass, day)
    remaining, shown = left()
    assert remaining == 4 and "4 left" in shown


def test_the_kept_days_api_answer_goes_stale_with_its_facts(
    client, day_pass, provider, monkeypatch
):
    from django.utils import timezone

    url = reverse("api_offer_days", args=[day_pass.pk])
    assert [client.get(url).json()["source"] for _ in range(3)] == ["live", "cached", "cached"]
    later = timezone.now() + dt.timedelta(seconds=provider_facts.FRESH_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(url).json()["source"] == "stale"


def test_a_hidden_room_leaves_the_kept_week_at_once(client, room, provider):
    url = reverse("resource_detail", args=[room.pk])
    assert client.get(url).status_code == client.get(url).status_code == 200
    room.space.hidden = True  # staff hide the space
    room.space.save()
    assert client.get(url).status_code == 404


def test_a_refresh_shows_on_the_kept_week_and_pass_at_once(client, room, day_pass, provider):
    start = tomorrow_at(10)
    day = start.date()
    week = reverse("resource_detail", args=[room.pk]) + f"?week={day.isoformat()}"
    passes = reverse("offer_detail", args=[day_pass.pk])
    for url in (week, passes, week, passes):
        client.get(url)
    free = '10:00<span class="visually-hidden"> \N{EN DASH} 10:30, free: book it'
    assert free in client.get(week).content.decode()
    assert "5 left" in client.get(passes).content.decode()

    # the provider now says 10:00-11:00 is busy and one place is left: a refresh stores it
    provider.day = ProviderDay(
        open=[(start.replace(hour=8), start.replace(hour=20))],
        busy=[(start, start + dt.timedelta(hours=1))],
        capacity=1,
    )
    provider_facts.refresh_now(
        provider_facts.resource_key(room.pk, day),
        lambda: provider_facts.fetch_resource_day(room, day),
    )
    today = provider_facts.local_today_for(day_pass.space.timezone)
    end = today + dt.timedelta(days=13)
    provider.pass_days_answer = [
        PassDay(today + dt.timedelta(days=n), True, 1) for n in range((end - today).days + 1)
    ]
    provider_facts.refresh_now(
        provider_facts.offer_key(day_pass.pk, today, end),
        lambda: provider_facts.fetch_pass_days(day_pass, today, end),
    )

    assert '10:00<span class="visually-hidden"> \N{EN DASH} 10:30, taken' in (
        client.get(week).content.decode()
    )
    page = client.get(passes).content.decode()
    assert "1 left" in page and "5 left" not in page


def test_a_page_with_a_message_is_not_kept(client, room, provider):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    url = reverse("resource_detail", args=[room.pk])
    client.get(url)  # kept without a message
    said = Message(constants.SUCCESS, "Your booking is cancelled.")
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode([said])
    assert "Your booking is cancelled." in client.get(url).content.decode()
    assert "Your booking is cancelled." not in client.get(url).content.decode()  # shown once


def test_my_bookings_show_a_new_booking_and_a_status_change_at_once(
    client, member, room, monkeypatch
):
    from bookings.services import transition

    client.force_login(member)
    url = reverse("my_bookings")
    assert "Nothing booked yet." in client.get(url).content.decode()
    start = tomorrow_at(10)
    booking = Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=Status.PENDING,
        start=start,
        end=start + dt.timedelta(hours=1),
        title="Board meeting",
    )
    client.get(url)  # kept with the booking
    page = client.get(url).content.decode()
    assert "Board meeting" in page and 'status-pending">Pending' in page
    assert transition(booking, Status.CANCELLED, reason="test")  # one conditional update
    page = client.get(url).content.decode()
    assert 'status-cancelled">Cancelled' in page and "Cancelled or refused" in page
    assert TOKEN.sub("T", page) == TOKEN.sub("T", _fresh(client, url, monkeypatch))


def test_a_booking_moves_to_past_on_the_kept_list_when_it_ends(client, member, room, monkeypatch):
    from django.utils import timezone

    client.force_login(member)
    url = reverse("my_bookings")
    start = (timezone.now() + dt.timedelta(hours=2)).replace(microsecond=0)
    room_booking(member, room, start, status=Status.CONFIRMED)
    for _ in range(2):  # shown, then kept
        page = client.get(url).content.decode()
    assert "No past bookings." in page
    after_end = start + dt.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after_end)
    page = client.get(url).content.decode()
    assert "No past bookings." not in page
    assert TOKEN.sub("T", page) == TOKEN.sub("T", _fresh(client, url, monkeypatch))


def test_a_kept_room_feed_is_the_fresh_file_and_a_booking_shows_at_once(
    client, member, room, provider, settings
):
    from bookings import calendars
    from providers.cache import cache

    # every day answered within the page's budget, on a loaded test machine too
    settings.PAGE_PROVIDER_BUDGET_MS = settings.PAGE_PROVIDER_TOTAL_MS = 30_000
    url = reverse("resource_calendar", args=[room.pk])
    client.get(url)
    kept = client.get(url).content
    with pytest.MonkeyPatch.context() as patch:
        # as if never kept: neither in the shared cache nor in this process
        patch.setattr(cache, "get", lambda key: None)
        patch.setattr(calendars._here, "get", lambda key: None)
        patch.setattr(pagecache, "_keepable", lambda request, keys: False)
        assert client.get(url).content == kept
    start = tomorrow_at(10)
    assert f"DTSTART:{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}".encode() not in kept
    room_booking(member, room, start)
    after = client.get(url).content
    assert f"DTSTART:{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}".encode() in after


def test_a_kept_booking_event_shows_a_cancellation_at_once_and_only_to_its_member(
    client, member, room
):
    from django.test import Client

    from bookings.services import transition
    from portal.models import User

    booking = room_booking(member, room, tomorrow_at(10), status=Status.CONFIRMED)
    url = reverse("booking_event", args=[booking.pk])
    client.force_login(member)
    assert client.get(url).content == client.get(url).content  # made, then kept
    assert b"STATUS:CONFIRMED" in client.get(url).content
    other = Client()
    other.force_login(User.objects.create_user(email="o@example.com", password="pw-o-12345678"))
    assert other.get(url).status_code == 404
    assert transition(booking, Status.CANCELLED, reason="test")
    assert b"STATUS:CANCELLED" in client.get(url).content
