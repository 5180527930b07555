"""Booking pages: forms, price preview, bad input answered with a message and a 4xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bookings.models import Booking, Status
from portal.models import User
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, member):
    client.force_login(member)
    return client


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from bookings import tasks

    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)


def form(start, minutes=60, attendees=2, **extra):
    return {
        "start": start.isoformat(),
        "minutes": minutes,
        "attendees": attendees,
        "title": "Team sync",
        **extra,
    }


def test_the_form_shows_the_providers_price_before_confirming(logged_in, room, provider):
    url = reverse("book_resource", args=[room.pk])
    page = logged_in.get(url, {"start": tomorrow_at(10).isoformat(), "minutes": 60, "attendees": 2})
    assert page.status_code == 200
    assert "42.00 EUR" in page.content.decode()
    assert not Booking.objects.exists()  # previewing books nothing


def test_confirming_books_and_shows_the_booking_page(logged_in, room, provider):
    url = reverse("book_resource", args=[room.pk])
    response = logged_in.post(url, form(tomorrow_at(10), confirm="1"))
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking_detail", args=[booking.pk])
    page = logged_in.get(response["Location"]).content.decode()
    assert "Pending" in page
    assert 'hx-trigger="every 2s"' in page  # the page follows the status live
    assert booking.price is not None and booking.title == "Team sync"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (lambda: form(tomorrow_at(10) - dt.timedelta(days=3), confirm="1"), 400, "in the past"),
        (lambda: form(tomorrow_at(10, 10), confirm="1"), 400, "grid"),
        (lambda: form(tomorrow_at(10), attendees=50, confirm="1"), 400, "less than or equal to 10"),
        (lambda: form(tomorrow_at(10), minutes=7, confirm="1"), 400, "Select a valid choice"),
        (
            lambda: {"start": "next tuesday", "minutes": 60, "attendees": 1, "confirm": "1"},
            400,
            "Enter a date and time",
        ),
    ],
)
def test_bad_input_is_a_4xx_with_a_message_and_saves_nothing(
    logged_in, room, provider, data, status, message
):
    response = logged_in.post(reverse("book_resource", args=[room.pk]), data())
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_a_taken_slot_is_a_409_with_a_message(logged_in, room, provider):
    url = reverse("book_resource", args=[room.pk])
    logged_in.post(url, form(tomorrow_at(10), confirm="1"))
    response = logged_in.post(url, form(tomorrow_at(10), confirm="1"))
    assert response.status_code == 409
    assert "pick another" in response.content.decode()
    assert Booking.objects.count() == 1


def test_unknown_ids_are_404(logged_in, provider):
    assert logged_in.get(reverse("book_resource", args=[99999])).status_code == 404
    assert logged_in.get(reverse("book_offer", args=[99999])).status_code == 404
    assert logged_in.get(reverse("booking_detail", args=[99999])).status_code == 404
    assert logged_in.get("/api/resources/99999/slots?date=2030-01-01").status_code == 404


def test_another_members_booking_is_404_and_cannot_be_cancelled(client, member, room, provider):
    client.force_login(member)
    client.post(reverse("book_resource", args=[room.pk]), form(tomorrow_at(10), confirm="1"))
    booking = Booking.objects.get()
    other = User.objects.create_user(email="mallory@example.com", password="pw-mallory-1")
    client.force_login(other)
    assert client.get(reverse("booking_detail", args=[booking.pk])).status_code == 404
    assert client.post(reverse("cancel_booking", args=[booking.pk])).status_code == 404
    assert client.get(reverse("booking_event", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Status.PENDING


def test_cancel_from_the_booking_page(logged_in, room, provider):
    logged_in.post(reverse("book_resource", args=[room.pk]), form(tomorrow_at(10), confirm="1"))
    booking = Booking.objects.get()
    response = logged_in.post(reverse("cancel_booking", args=[booking.pk]), follow=True)
    assert "Your booking is cancelled." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    again = logged_in.post(reverse("cancel_booking", args=[booking.pk]))
    assert again.status_code == 409


def test_an_incomplete_profile_is_sent_to_the_profile_page_and_back(client, member, room, provider):
    member.phone = ""
    member.save()
    client.force_login(member)
    url = reverse("book_resource", args=[room.pk]) + f"?start={tomorrow_at(10).isoformat()}"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("profile"))


def test_booking_pages_need_a_login(client, room, provider):
    response = client.get(reverse("book_resource", args=[room.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_pass_is_booked_for_a_day(logged_in, day_pass, provider):
    day = tomorrow_at(0).date()
    response = logged_in.post(
        reverse("book_offer", args=[day_pass.pk]),
        {"date": day.isoformat(), "days": 1, "persons": 1, "confirm": "1"},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.kind == "pass" and booking.start.date() == day
    assert booking.end - booking.start == dt.timedelta(days=1)


def test_a_provider_that_takes_one_day_per_pass_refuses_several(logged_in, day_pass, provider):
    response = logged_in.post(
        reverse("book_offer", args=[day_pass.pk]),
        {"date": tomorrow_at(0).date().isoformat(), "days": 3, "persons": 1, "confirm": "1"},
    )
    assert response.status_code == 400
    assert "less than or equal to 1" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_past_pass_day_is_refused(logged_in, day_pass, provider):
    response = logged_in.post(
        reverse("book_offer", args=[day_pass.pk]),
        {"date": "2020-01-01", "days": 1, "persons": 1, "confirm": "1"},
    )
    assert response.status_code == 400
    assert "past" in response.content.decode()


def test_slot_api_refuses_bad_dates(client, room, provider):
    url = reverse("api_slots", args=[room.pk])
    assert client.get(url).status_code == 400
    assert client.get(url, {"date": "tomorrow"}).status_code == 400
    past = client.get(url, {"date": "2020-01-01"})
    assert past.status_code == 400 and "past" in past.json()["error"]
    ok = client.get(url, {"date": tomorrow_at(0).date().isoformat()})
    assert ok.status_code == 200
    body = ok.json()
    assert body["timezone"] == "Europe/Dublin" and body["status"] == "known"
    assert body["slots"][0]["start"].endswith(("+00:00", "+01:00"))


def test_the_week_shows_the_spaces_local_time_whatever_the_members_zone(
    logged_in, member, room, provider
):
    member.timezone = "America/New_York"
    member.save()
    page = logged_in.get(
        reverse("resource_detail", args=[room.pk]) + "?week=" + (tomorrow_at(0).date().isoformat())
    ).content.decode()
    assert "Europe/Dublin" in page
    assert ">08:00<" in page  # the provider opens at 08:00 Dublin time
    assert ">03:00<" not in page  # not New York's clock


def test_rooms_of_a_disabled_provider_account_cannot_be_booked_or_looked_up(
    logged_in, room, provider
):
    room.space.account.enabled = False
    room.space.account.save()
    assert logged_in.get(reverse("book_resource", args=[room.pk])).status_code == 404
    assert logged_in.get(reverse("resource_detail", args=[room.pk])).status_code == 404
    slots = logged_in.get(reverse("api_slots", args=[room.pk]), {"date": "2030-01-01"})
    assert slots.status_code == 404
