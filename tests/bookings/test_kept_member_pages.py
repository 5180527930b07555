"""The member's own pages kept in the process (``bookings.pagecache.KeptAnswers``): each
kept answer is the page a fresh render gives, and a write of what it lists, a signal's
or a bulk one's (the worker's), shows on the next request."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.middleware.csrf import CSRF_TOKEN_LENGTH
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import pagecache, waitlist
from bookings.models import Status, Visit, WaitlistEntry, WaitlistState
from tests.bookings.conftest import room_booking, tomorrow_at

pytestmark = pytest.mark.django_db

TOKEN = re.compile(f"[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}")


def _fresh(client, url: str, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(pagecache, "_keepable", lambda request, keys: False)
        return client.get(url).content.decode()


def _kept(client, url: str) -> str:
    """The page, asked twice: the second answer is the kept one where it is kept."""
    client.get(url)
    return client.get(url).content.decode()


def _same(page: str, fresh: str) -> bool:
    return TOKEN.sub("T", page) == TOKEN.sub("T", fresh)


def test_a_visit_and_its_check_out_show_on_kept_my_visits_at_once(
    client, member, room, provider, monkeypatch
):
    client.force_login(member)
    url = reverse("my_visits")
    assert "No visits yet" in _kept(client, url)
    booking = room_booking(member, room, tomorrow_at(10), status=Status.CONFIRMED)
    visit = Visit.objects.create(
        booking=booking, member=member, provider_reference="v-1", checked_in_at=tomorrow_at(10)
    )
    page = _kept(client, url)
    assert "still checked in" in page and room.space.name in page
    # a bulk update, as a worker's would be: no signal, the queryset tells
    Visit.objects.filter(pk=visit.pk).update(checked_out_at=tomorrow_at(11))
    page = client.get(url).content.decode()
    assert "still checked in" not in page
    assert _same(page, _fresh(client, url, monkeypatch))
    booking.title = "Board meeting"
    booking.save()  # the member's bookings token: the title is on the page
    assert "Board meeting" in client.get(url).content.decode()


def test_kept_my_visits_are_the_members_own(client, member, room, provider):
    from portal.models import User

    other = User.objects.create_user(email="other@example.com", password="pw-other-1234")
    booking = room_booking(member, room, tomorrow_at(10), status=Status.CONFIRMED)
    Visit.objects.create(
        booking=booking, member=member, provider_reference="v-1", checked_in_at=tomorrow_at(10)
    )
    client.force_login(member)
    assert "still checked in" in _kept(client, reverse("my_visits"))
    client.force_login(other)
    assert "No visits yet" in client.get(reverse("my_visits")).content.decode()


def _entry(member, room, **fields) -> WaitlistEntry:
    day = tomorrow_at(10).date()
    return WaitlistEntry.objects.create(
        member=member, resource=room, date=day, expires_at=tomorrow_at(9), **fields
    )


def test_an_entry_and_its_expiry_by_the_worker_show_on_kept_my_waitlist_at_once(
    client, member, room, provider, monkeypatch
):
    client.force_login(member)
    url = reverse("my_waitlist")
    assert "You are not waiting for anything." in _kept(client, url)
    _entry(member, room)
    page = _kept(client, url)
    assert 'status-waiting">' in page and room.name in page
    assert waitlist.expire(now=tomorrow_at(9)) == 1  # the beat's bulk update
    page = client.get(url).content.decode()
    assert 'status-expired">' in page
    assert _same(page, _fresh(client, url, monkeypatch))


def test_an_old_entry_leaves_kept_my_waitlist_when_its_days_are_up(
    client, member, room, provider, monkeypatch
):
    client.force_login(member)
    url = reverse("my_waitlist")
    entry = _entry(member, room, state=WaitlistState.EXPIRED)
    assert 'status-expired">' in _kept(client, url)
    gone = entry.expires_at + dt.timedelta(days=waitlist.entries.SHOWN_DAYS, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: gone)
    page = client.get(url).content.decode()
    assert "You are not waiting for anything." in page
    assert _same(page, _fresh(client, url, monkeypatch))


def test_kept_profile_shows_a_saved_change_and_a_new_calendar_link_at_once(
    client, member, monkeypatch, settings
):
    from portal.models import User

    settings.ALLOWED_HOSTS = ["testserver", "portal.example.com"]

    client.force_login(member)
    url = reverse("profile")
    page = _kept(client, url)
    assert 'value="Camille"' in page and "Turn on my calendar link" in page
    assert _same(page, _fresh(client, url, monkeypatch))
    with CaptureQueriesContext(connection) as queries:
        assert _same(client.get(url).content.decode(), page)
    assert not [q for q in queries if "feedtoken" in q["sql"]]  # served as it was kept
    # staff rename the member in bulk (no signal: the queryset tells)
    User.objects.filter(pk=member.pk).update(first_name="Camila")
    assert 'value="Camila"' in client.get(url).content.decode()
    client.post(reverse("renew_feed"))
    page = client.get(url).content.decode()
    link = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    assert link.startswith("http://testserver/calendar/")
    # the link names the address the member came by
    other_host = client.get(url, HTTP_HOST="portal.example.com").content.decode()
    assert 'value="http://portal.example.com/calendar/' in other_host
    client.post(reverse("revoke_feed"))
    assert "Turn on my calendar link" in client.get(url).content.decode()


def test_a_kept_profile_is_never_in_the_shared_cache_and_only_its_members(
    client, member, monkeypatch
):
    from portal.models import User
    from providers.cache import cache

    kept = []
    monkeypatch.setattr(cache, "set", lambda key, value, *a, **k: kept.append(value))
    client.force_login(member)
    client.post(reverse("renew_feed"))
    page = _kept(client, reverse("profile"))
    link = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    assert not [value for value in kept if isinstance(value, str) and link in value]
    other = User.objects.create_user(email="other@example.com", password="pw-other-1234")
    client.force_login(other)
    assert link not in client.get(reverse("profile")).content.decode()


def test_a_kept_booking_page_and_its_status_part_show_a_change_at_once(
    client, member, room, provider, monkeypatch
):
    from bookings.services import transition

    client.force_login(member)
    booking = room_booking(member, room, tomorrow_at(10), status=Status.CONFIRMED)
    url = reverse("booking_detail", args=[booking.pk])
    page = _kept(client, url)
    assert 'status-confirmed">' in page and "<h1>" in page
    part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'status-confirmed">' in part and "<h1>" not in part  # the part, not the page
    assert "<h1>" in client.get(url).content.decode()
    booking.access_code = "A1B2C3"
    booking.save()
    assert "A1B2C3" in client.get(url).content.decode()
    Visit.objects.create(
        booking=booking, member=member, provider_reference="v-1", checked_in_at=tomorrow_at(10)
    )
    assert "Check out" in client.get(url).content.decode()
    assert transition(booking, Status.CANCELLED, reason="test")  # one conditional update
    page = client.get(url).content.decode()
    assert 'status-cancelled">' in page and "A1B2C3" not in page
    assert _same(page, _fresh(client, url, monkeypatch))
    assert 'status-cancelled">' in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_a_kept_booking_page_follows_the_clock_past_free_cancellation_and_the_end(
    client, member, room, provider, monkeypatch
):
    room.rules = {**room.rules, "free_cancellation_hours": 24}
    room.save()
    client.force_login(member)
    start = (timezone.now() + dt.timedelta(hours=30)).replace(microsecond=0)
    booking = room_booking(member, room, start, status=Status.CONFIRMED)
    url = reverse("booking_detail", args=[booking.pk])
    page = _kept(client, url)
    assert "Free cancellation until" in page and "Cancel the booking" in page
    later = start - dt.timedelta(hours=23)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = client.get(url).content.decode()
    assert "Free cancellation ended" in page and "Cancel the booking" in page
    assert _same(page, _fresh(client, url, monkeypatch))
    over = start + dt.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: over)
    page = client.get(url).content.decode()
    assert "Cancel the booking" not in page
    assert _same(page, _fresh(client, url, monkeypatch))


def test_a_kept_booking_page_is_never_in_the_shared_cache_nor_shown_to_another(
    client, member, room, provider, monkeypatch
):
    from portal.models import User
    from providers.cache import cache

    booking = room_booking(member, room, tomorrow_at(10), status=Status.CONFIRMED)
    Booking = type(booking)
    Booking.objects.filter(pk=booking.pk).update(access_code="SECRET42")
    kept = []
    real_set = cache.set
    monkeypatch.setattr(
        cache,
        "set",
        lambda key, value, *a, **k: kept.append(value) or real_set(key, value, *a, **k),
    )
    client.force_login(member)
    url = reverse("booking_detail", args=[booking.pk])
    assert "SECRET42" in _kept(client, url)
    assert not [value for value in kept if "SECRET42" in str(value)]
    other = User.objects.create_user(email="other@example.com", password="pw-other-1234")
    client.force_login(other)
    assert client.get(url).status_code == 404


UUID = re.compile(r'name="idempotency_key" value="([^"]*)"')


def _no_keys(page: str) -> str:
    return UUID.sub("K", TOKEN.sub("T", page))


def test_a_kept_booking_form_gives_each_answer_its_own_form_key(
    client, member, room, provider, monkeypatch
):
    import uuid

    client.force_login(member)
    url = (
        reverse("book_resource", args=[room.pk])
        + "?"
        + urlencode({"start": tomorrow_at(10).isoformat()})
    )
    pages = [client.get(url) for _ in range(3)]  # rendered, then kept
    assert all(page.status_code == 200 for page in pages)
    keys = [UUID.search(page.content.decode()).group(1) for page in pages]
    assert len(set(keys)) == 3 and all(uuid.UUID(key) for key in keys)
    assert pages[-1]["Vary"] == pages[0]["Vary"] and "HX-Request" in pages[-1]["Vary"]
    page = pages[-1].content.decode()
    assert 'value="' + tomorrow_at(10).strftime("%Y-%m-%dT%H:%M") + '"' in page
    assert _no_keys(page) == _no_keys(_fresh(client, url, monkeypatch))
    # the kept page's key books, once
    form = {
        "start": tomorrow_at(10).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "60",
        "attendees": "1",
        "idempotency_key": keys[-1],
        "confirm": "1",
    }
    first = client.post(url, form)
    again = client.post(url, form)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]


def test_a_kept_booking_form_follows_a_rename_the_profile_and_the_clock(
    client, member, room, provider, monkeypatch
):
    from portal.models import User
    from providers.selectors import catalogue_changed

    client.force_login(member)
    start = (timezone.now() + dt.timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    url = reverse("book_resource", args=[room.pk]) + "?" + urlencode({"start": start.isoformat()})
    assert room.name in _kept(client, url)
    type(room).objects.filter(pk=room.pk).update(name="The Loft")
    catalogue_changed()  # as a sync or an edit in the staff panel does
    assert "The Loft" in client.get(url).content.decode()
    # the start's notice runs out: the link is told why, as a fresh render tells it
    room.rules = {**room.rules, "lead_time_minutes": 60}
    room.save()
    catalogue_changed()
    assert client.get(url).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: start - dt.timedelta(minutes=59))
    refused = client.get(url)
    assert refused.status_code == 400 and "at least 1 h ahead" in refused.content.decode()
    User.objects.filter(pk=member.pk).update(phone="")  # staff clear the phone number
    assert client.get(url)["Location"].startswith(reverse("profile"))


def test_a_kept_pass_form_gives_new_keys_and_is_refused_once_its_day_is_over(
    client, member, day_pass, provider, monkeypatch
):
    import uuid

    client.force_login(member)
    day = (tomorrow_at(0) - dt.timedelta(days=1)).date()  # today in Dublin: over tonight
    url = reverse("book_offer", args=[day_pass.pk]) + f"?date={day.isoformat()}"
    pages = [client.get(url) for _ in range(3)]  # rendered, then kept
    assert [page.status_code for page in pages] == [200, 200, 200]
    keys = [UUID.search(page.content.decode()).group(1) for page in pages]
    assert len(set(keys)) == 3 and all(uuid.UUID(key) for key in keys)
    assert _no_keys(pages[-1].content.decode()) == _no_keys(_fresh(client, url, monkeypatch))
    after = tomorrow_at(0) + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after)
    refused = client.get(url)
    assert refused.status_code == 400 and "This day is in the past." in refused.content.decode()


def test_a_kept_waitlist_form_shows_a_new_currency_and_a_rename_at_once(
    client, member, room, provider, monkeypatch
):
    from bookings.models import ExchangeRate
    from providers.selectors import catalogue_changed

    client.force_login(member)
    day = tomorrow_at(10).date().isoformat()
    url = reverse("waitlist_new") + f"?resource={room.pk}&date={day}"
    page = _kept(client, url)
    assert room.name in page and f'value="{day}"' in page
    assert 'value="ISK"' not in page
    assert _same(page, _fresh(client, url, monkeypatch))
    ExchangeRate.objects.create(currency="ISK", per_euro="150")
    assert '<option value="ISK">ISK</option>' in client.get(url).content.decode()
    type(room).objects.filter(pk=room.pk).update(name="The Loft")
    catalogue_changed()
    page = client.get(url).content.decode()
    assert "The Loft" in page
    assert _same(page, _fresh(client, url, monkeypatch))
    # sending the form still works from a kept page
    sent = client.post(
        "/waitlist/new/",
        {"resource": room.pk, "date": day, "start": "14:00", "end": "16:00", "people": "1"},
    )
    assert sent.status_code == 302 and WaitlistEntry.objects.filter(member=member).exists()
