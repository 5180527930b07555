"""Recurring bookings with a scripted provider: the preview of every date, the series
made of one booking per free date, the dates not free reported, cancelling one date or
all future ones, the calendar feed, and bad input answered with a message and a 4xx."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.urls import reverse

from bookings import recurrence
from bookings.models import Booking, BookingSeries, FeedToken, Status
from bookings.services import series as series_services
from portal.models import User
from providers.adapters.types import ProviderDay
from tests.bookings.conftest import DUBLIN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from bookings import tasks

    sent: list[tuple[int, float | None]] = []
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: sent.append((pk, None)))
    monkeypatch.setattr(
        tasks.submit_booking,
        "apply_async",
        lambda args, kwargs=None, countdown=None: sent.append((args[0], countdown)),
    )
    return sent


@pytest.fixture
def logged_in(client, member, settings):
    # the scripted provider answers at once, but a busy test machine may take longer
    # than a page's budget to start its threads: these tests are not about budgets
    settings.PAGE_PROVIDER_BUDGET_MS = 5000
    settings.PAGE_PROVIDER_TOTAL_MS = 10000
    client.force_login(member)
    return client


def thursday_ahead(weeks: int = 1) -> dt.date:
    day = dt.datetime.now(DUBLIN).date() + dt.timedelta(days=3)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    return day + dt.timedelta(weeks=weeks - 1)


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), DUBLIN)


def ten_weeks(room, first: dt.date | None = None) -> recurrence.Rule:
    first = first or thursday_ahead()
    return series_services.rule_for(
        room, at(first), 120, recurrence.WEEKLY, first + dt.timedelta(weeks=9)
    )


def busy_on(provider, days: set[dt.date]):
    """The provider shows the room open 08:00-20:00, taken 13:00-17:00 on ``days``."""

    def day_facts(item, day):
        opened = (at(day, 8), at(day, 20))
        busy = [(at(day, 13), at(day, 17))] if day in days else []
        return ProviderDay(open=[opened], busy=busy, capacity=1)

    provider.day_facts = day_facts


def test_the_preview_shows_each_date_free_or_taken_and_books_nothing(room, provider):
    first = thursday_ahead()
    taken = {first + dt.timedelta(weeks=2), first + dt.timedelta(weeks=5)}
    busy_on(provider, taken)
    planned = series_services.plan(room, ten_weeks(room, first))
    assert len(planned) == 10
    states = {p.start.date(): p.state for p in planned}
    assert {d for d, s in states.items() if s == "taken"} == taken
    assert sum(s == "free" for s in states.values()) == 8
    assert not Booking.objects.exists()


def test_a_series_books_each_free_date_and_reports_the_taken_ones(room, provider, member):
    first = thursday_ahead()
    taken = {first + dt.timedelta(weeks=1), first + dt.timedelta(weeks=4)}
    busy_on(provider, taken)
    made = series_services.series_create(
        member=member, resource=room, rule=ten_weeks(room, first), attendees=3, title="Standup"
    )
    bookings = list(made.occurrences.order_by("start"))
    assert len(bookings) == 8
    assert {b.start.date() for b in bookings}.isdisjoint(taken)
    assert all(b.status == Status.PENDING and b.attendees == 3 for b in bookings)
    assert all(b.start.astimezone(DUBLIN).time() == dt.time(14) for b in bookings)
    assert [dt.datetime.fromisoformat(s["start"]).date() for s in made.skipped] == sorted(taken)
    assert {s["state"] for s in made.skipped} == {"taken"}
    assert made.repeat == "weekly" and made.minutes == 120


def test_submissions_of_a_rate_limited_provider_are_spread(
    room, provider, member, _no_broker, monkeypatch, django_capture_on_commit_callbacks
):
    import dataclasses

    from providers import registry
    from providers.models import ProviderAccount
    from providers.ratelimit import Limit

    limited = dataclasses.replace(registry.spec(room.space.account.kind), rate_limit=Limit(60, 60))
    monkeypatch.setattr(ProviderAccount, "spec", property(lambda account: limited))
    with django_capture_on_commit_callbacks(execute=True):
        made = series_services.series_create(member=member, resource=room, rule=ten_weeks(room))
    delays = [countdown or 0 for _pk, countdown in _no_broker]
    # at most half the limit: one submission every two seconds, the first at once
    assert delays[0] == 0
    # each waits for its turn from when it was sent (saving the dates takes a moment)
    assert all(0 < d <= n * 2.0 for n, d in enumerate(delays[1:], 1)), delays
    after = [b.submit_after for b in made.occurrences.order_by("start")]
    assert after[0] is None
    turns = [(a - after[1]).total_seconds() for a in after[1:]]
    assert turns == [n * 2.0 for n in range(9)]


def test_the_same_confirmation_sent_twice_makes_one_series(room, provider, member):
    import uuid

    key = uuid.uuid4()
    rule = ten_weeks(room)
    one = series_services.series_create(
        member=member, resource=room, rule=rule, idempotency_key=key
    )
    two = series_services.series_create(
        member=member, resource=room, rule=rule, idempotency_key=key
    )
    assert one.pk == two.pk and BookingSeries.objects.count() == 1
    assert Booking.objects.count() == 10


def test_a_series_counts_once_against_the_upcoming_limit(room, provider, member, settings):
    settings.MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM = 2
    made = series_services.series_create(member=member, resource=room, rule=ten_weeks(room))
    assert made.occurrences.count() == 10  # one series: one of the two
    other = series_services.series_create(
        member=member, resource=room, rule=ten_weeks(room, thursday_ahead() + dt.timedelta(days=1))
    )
    assert other.occurrences.count() == 10
    with pytest.raises(series_services.BookingError, match="already hold 2 upcoming"):
        series_services.series_create(
            member=member,
            resource=room,
            rule=ten_weeks(room, thursday_ahead() + dt.timedelta(days=2)),
        )


def test_cancel_one_date_then_all_future_ones(logged_in, room, provider, member):
    made = series_services.series_create(member=member, resource=room, rule=ten_weeks(room))
    first, second, *_rest = made.occurrences.order_by("start")
    url = reverse("cancel_series_booking", args=[made.pk, second.pk])
    response = logged_in.post(url)
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.CANCELLED
    assert Booking.objects.filter(series=made, status=Status.PENDING).count() == 9

    # a date being sent cannot be cancelled now: the others are, and the page says so
    Booking.objects.filter(pk=first.pk).update(status=Status.SUBMITTING)
    response = logged_in.post(reverse("cancel_series", args=[made.pk]), follow=True)
    page = response.content.decode()
    assert "8 future dates are cancelled." in page
    assert "being sent to the provider" in page
    assert Booking.objects.filter(series=made, status=Status.CANCELLED).count() == 9


def test_another_member_cannot_see_or_cancel_a_series(client, room, provider, member):
    made = series_services.series_create(member=member, resource=room, rule=ten_weeks(room))
    other = User.objects.create_user(
        email="other@example.com", password="pw-other-123", first_name="O", last_name="T"
    )
    client.force_login(other)
    assert client.get(reverse("series_detail", args=[made.pk])).status_code == 404
    assert client.post(reverse("cancel_series", args=[made.pk])).status_code == 404
    assert not Booking.objects.filter(status=Status.CANCELLED).exists()


def test_the_calendar_feed_shows_every_date(client, room, provider, member):
    made = series_services.series_create(member=member, resource=room, rule=ten_weeks(room))
    token = FeedToken.renew(member).token
    feed = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").content)
    events = [e for e in feed.walk("VEVENT")]
    assert len({str(e["UID"]) for e in events}) == 10
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert starts == [b.start for b in made.occurrences.order_by("start")]


# --- the pages --------------------------------------------------------------------------


def form(start: dt.datetime, **extra) -> dict:
    return {
        "start": start.astimezone(DUBLIN).strftime("%Y-%m-%dT%H:%M"),
        "minutes": 120,
        "attendees": 2,
        "title": "Weekly review",
        **extra,
    }


def test_the_booking_form_leads_to_the_preview_then_to_the_series_page(logged_in, room, provider):
    first = thursday_ahead()
    busy_on(provider, {first + dt.timedelta(weeks=3)})
    until = (first + dt.timedelta(weeks=9)).isoformat()
    response = logged_in.post(
        reverse("book_resource", args=[room.pk]),
        form(at(first), repeat="weekly", until=until, confirm="1"),
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    assert urlsplit(preview_url).path == reverse("book_series", args=[room.pk])
    assert not Booking.objects.exists()

    preview = logged_in.get(preview_url)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "10 dates" in page and "9 free" in page and "1 taken or closed" in page
    assert page.count('class="series-date"') == 10
    assert "Taken" in page and "Confirm the series" in page

    # the preview's form carries the booking form's fields, and its own key
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert data["repeat"] == "weekly" and data["until"] == until and data["idempotency_key"]
    response = logged_in.post(reverse("book_series", args=[room.pk]), {**data, "confirm": "1"})
    made = BookingSeries.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("series_detail", args=[made.pk])
    assert made.occurrences.count() == 9
    page = logged_in.get(response["Location"]).content.decode()
    assert page.count('class="series-row"') == 10
    assert "Taken: not booked" in page
    assert 'hx-trigger="every 2s"' in page  # follows the dates until the provider answers
    assert "Cancel all future dates" in page

    again = logged_in.post(reverse("book_series", args=[room.pk]), {**data, "confirm": "1"})
    assert again["Location"] == response["Location"]  # the same form: the same series
    assert BookingSeries.objects.count() == 1 and Booking.objects.count() == 9

    booking = made.occurrences.first()
    detail = logged_in.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert reverse("series_detail", args=[made.pk]) in detail


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            lambda first: {"repeat": "weekly", "until": (first - dt.timedelta(days=1)).isoformat()},
            "The series must end on or after its first day",
        ),
        (lambda first: {"repeat": "weekly"}, "Give the last day of the series."),
        (
            lambda first: {"repeat": "monthly", "until": first.isoformat()},
            "Select a valid choice",
        ),
        (
            lambda first: {
                "repeat": "daily",
                "until": (first + dt.timedelta(days=800)).isoformat(),
            },
            "A series can run at most a year ahead.",
        ),
        (lambda first: {"repeat": "never"}, "Choose daily, weekly or every two weeks."),
        (lambda first: {"repeat": "weekly", "until": "soon"}, "Enter a valid date."),
    ],
)
def test_bad_series_input_is_a_4xx_with_a_message_and_books_nothing(
    logged_in, room, provider, extra, message
):
    first = thursday_ahead()
    url = reverse("book_series", args=[room.pk])
    for send in (logged_in.get, logged_in.post):
        response = send(url, form(at(first), confirm="1", **extra(first)))
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Booking.objects.exists() and not BookingSeries.objects.exists()


def test_the_booking_form_refuses_a_repeat_without_a_last_day(logged_in, room, provider):
    response = logged_in.post(
        reverse("book_resource", args=[room.pk]),
        form(at(thursday_ahead()), repeat="weekly", confirm="1"),
    )
    assert response.status_code == 400
    assert "Give the last day of the series." in response.content.decode()


def test_the_preview_asks_again_for_dates_the_provider_has_not_answered_yet(
    logged_in, room, provider, settings
):
    settings.PAGE_PROVIDER_MAX_ITEM_DAYS = 3  # this page may ask for three days itself
    first = thursday_ahead()
    url = reverse("book_series", args=[room.pk])
    data = form(at(first), repeat="weekly", until=(first + dt.timedelta(weeks=9)).isoformat())
    page = logged_in.get(url, data).content.decode()
    assert page.count("Asking the provider…") == 7
    assert 'hx-trigger="load delay:1s"' in page  # the dates fill in by themselves
    assert "3 free" in page and "7 unknown" in page


def test_a_long_repeat_stops_at_52_dates_and_the_preview_says_so(logged_in, room, provider):
    first = thursday_ahead()
    data = form(at(first), repeat="daily", until=(first + dt.timedelta(days=200)).isoformat())
    page = logged_in.get(reverse("book_series", args=[room.pk]), data).content.decode()
    last = first + dt.timedelta(days=51)
    assert page.count('class="series-date"') == 52
    assert f"this one ends on {last.day} {last:%B %Y}" in page


def test_the_sweep_leaves_a_date_alone_until_its_turn(room, provider, member, monkeypatch):
    from bookings.services import submission, sweeper

    made = series_services.series_create(member=member, resource=room, rule=ten_weeks(room))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    first, second, *_rest = made.occurrences.order_by("start")
    made.occurrences.update(updated_at=long_ago, submit_after=later)
    Booking.objects.filter(pk=first.pk).update(submit_after=long_ago)
    Booking.objects.filter(pk=second.pk).update(submit_after=None)
    resent: list[int] = []
    monkeypatch.setattr(submission, "enqueue_submit", lambda pk, **kw: resent.append(pk))
    assert sweeper.sweep() == 2
    assert sorted(resent) == sorted([first.pk, second.pk])


def test_choosing_a_repeat_before_its_last_day_still_shows_the_price(logged_in, room, provider):
    # the form's price preview runs on every change: "Weekly" comes before the last day
    response = logged_in.get(
        reverse("book_resource", args=[room.pk]),
        form(at(thursday_ahead()), repeat="weekly", until=""),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "42.00 EUR" in response.content.decode()


def test_a_series_with_no_free_date_books_nothing_and_says_so(logged_in, room, provider):
    first = thursday_ahead()
    busy_on(provider, {first + dt.timedelta(weeks=n) for n in range(3)})
    url = reverse("book_series", args=[room.pk])
    data = form(at(first), repeat="weekly", until=(first + dt.timedelta(weeks=2)).isoformat())
    response = logged_in.post(url, {**data, "confirm": "1"}, follow=True)
    page = response.content.decode()
    assert "No date of this series was free: nothing is booked." in page
    assert page.count("Taken: not booked") == 3
    assert not Booking.objects.exists()
