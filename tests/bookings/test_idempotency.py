"""One booking per form: the same form sent twice (a double click, back and confirm
again, a retried request) makes one booking and shows it; a new form for a time the
member already holds asks before booking a second one."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from bookings import services
from bookings.models import Booking, Status
from tests.bookings.conftest import tomorrow_at

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')


@pytest.fixture
def sent(monkeypatch):
    """The bookings handed to the submit task (on commit), in order."""
    from bookings.services import create

    pks: list[int] = []
    monkeypatch.setattr(create, "enqueue_submit", lambda pk, **when: pks.append(pk))
    return pks


@pytest.fixture
def logged_in(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def two_units(room):
    room.quantity = 2
    room.save()
    return room


def key_of(page) -> str:
    [key] = KEY.findall(page.content.decode())
    return key


def room_form(key: str, start=None, **extra) -> dict:
    return {
        "start": (start or tomorrow_at(10)).isoformat(),
        "minutes": 60,
        "attendees": 2,
        "idempotency_key": key,
        "confirm": "1",
        **extra,
    }


def pass_form(key: str, **extra) -> dict:
    day = tomorrow_at(0).date().isoformat()
    return {"date": day, "days": 1, "persons": 1, "idempotency_key": key, "confirm": "1", **extra}


# --- the key ---------------------------------------------------------------------------


def test_each_form_shown_gets_its_own_key_and_previews_keep_it(logged_in, room, provider):
    url = reverse("book_resource", args=[room.pk])
    first, second = key_of(logged_in.get(url)), key_of(logged_in.get(url))
    assert first != second and uuid.UUID(first) and uuid.UUID(second)
    preview = logged_in.get(url, {**room_form(first), "confirm": ""})
    assert key_of(preview) == first  # "Update the price" keeps the form's key
    refused = logged_in.post(url, room_form(first, start=tomorrow_at(10, 10)))
    assert refused.status_code == 400 and key_of(refused) == first  # so does an error


def test_a_damaged_key_is_a_400_with_a_message(logged_in, room, provider):
    url = reverse("book_resource", args=[room.pk])
    response = logged_in.post(url, room_form("not-a-key"))
    assert response.status_code == 400
    assert "This form is damaged" in response.content.decode()
    assert not Booking.objects.exists()


# --- the same form twice -------------------------------------------------------------------


def test_a_room_form_sent_twice_makes_one_booking_and_shows_it(
    logged_in, two_units, provider, sent
):
    url = reverse("book_resource", args=[two_units.pk])
    key = key_of(logged_in.get(url))
    first = logged_in.post(url, room_form(key))
    again = logged_in.post(url, room_form(key))  # a double click, or back and confirm
    booking = Booking.objects.get()
    assert first["Location"] == again["Location"] == reverse("booking_detail", args=[booking.pk])
    assert sent == [booking.pk]  # sent to the provider once
    page = logged_in.get(again["Location"]).content.decode()
    assert "You already sent this form: here is your booking." in page


def test_a_pass_form_sent_twice_makes_one_booking(logged_in, day_pass, provider, sent):
    url = reverse("book_offer", args=[day_pass.pk])
    key = key_of(logged_in.get(url))
    first = logged_in.post(url, pass_form(key))
    again = logged_in.post(url, pass_form(key))
    booking = Booking.objects.get()
    assert first["Location"] == again["Location"]
    assert sent == [booking.pk]


def test_back_and_confirm_after_the_booking_moved_on_still_shows_it(
    logged_in, two_units, provider, sent
):
    url = reverse("book_resource", args=[two_units.pk])
    key = key_of(logged_in.get(url))
    logged_in.post(url, room_form(key))
    booking = Booking.objects.get()
    assert services.submit(booking.pk) == Status.CONFIRMED
    again = logged_in.post(url, room_form(key))
    assert again["Location"] == reverse("booking_detail", args=[booking.pk])
    assert Booking.objects.count() == 1 and len(provider.submitted) == 1


def test_the_service_returns_the_forms_booking(member, two_units, provider, sent):
    key = uuid.uuid4()
    start = tomorrow_at(10)
    made = services.booking_create_room(
        member=member, resource=two_units, start=start, end=start + dt.timedelta(hours=1),
        idempotency_key=key,
    )  # fmt: skip
    assert not services.replayed(made)
    again = services.booking_create_room(
        member=member, resource=two_units, start=start, end=start + dt.timedelta(hours=1),
        idempotency_key=key,
    )  # fmt: skip
    assert again.pk == made.pk and services.replayed(again)
    assert sent == [made.pk]


# --- racing ----------------------------------------------------------------------------


def race(n: int, attempt) -> list:
    barrier = threading.Barrier(n)
    outcomes: list = []

    def run():
        try:
            barrier.wait(10)
            outcomes.append(attempt().pk)
        except Exception as exc:  # anything else is a bug the test must show
            outcomes.append(f"error: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("units", [1, 2])
def test_the_same_form_racing_makes_one_room_booking(member, room, provider, sent, units):
    # one unit: the later sendings must find the booking, not "someone took the slot"
    room.quantity = units
    room.save()
    key, start = uuid.uuid4(), tomorrow_at(10)
    outcomes = race(
        4,
        lambda: services.booking_create_room(
            member=member,
            resource=room,
            start=start,
            end=start + dt.timedelta(hours=1),
            idempotency_key=key,
        ),
    )
    [booking] = Booking.objects.all()
    assert outcomes == [booking.pk] * 4  # every sending shows the one booking
    assert sent == [booking.pk]


@pytest.mark.django_db(transaction=True)
def test_the_same_inquiry_racing_makes_one(member, day_pass, provider, sent):
    # an inquiry holds no slot and takes no lock: the unique key alone keeps it single
    key = uuid.uuid4()
    outcomes = race(
        4,
        lambda: services.booking_create_inquiry(
            member=member,
            offer=day_pass,
            day=tomorrow_at(0).date(),
            message="An office for 4",
            idempotency_key=key,
        ),
    )
    [booking] = Booking.objects.all()
    assert outcomes == [booking.pk] * 4
    assert sent == [booking.pk]


# --- a new form for a time already held ---------------------------------------------------


def test_a_new_form_for_a_time_held_asks_before_a_second_booking(
    logged_in, two_units, provider, sent
):
    url = reverse("book_resource", args=[two_units.pk])
    logged_in.post(url, room_form(key_of(logged_in.get(url))))
    held = Booking.objects.get()
    key = key_of(logged_in.get(url))  # a new form, the same time
    asked = logged_in.post(url, room_form(key, start=tomorrow_at(10, 30)))
    page = asked.content.decode()
    assert asked.status_code == 409
    assert "You already hold a booking for this time:" in page
    assert f'href="{reverse("booking_detail", args=[held.pk])}"' in page  # a link, not text
    assert 'type="checkbox" name="again"' in page and key_of(asked) == key
    assert Booking.objects.count() == 1
    booked = logged_in.post(url, room_form(key, start=tomorrow_at(10, 30), again="on"))
    assert booked.status_code == 302
    assert Booking.objects.count() == 2 and len(sent) == 2


def test_another_time_or_a_cancelled_booking_asks_nothing(logged_in, two_units, provider, sent):
    url = reverse("book_resource", args=[two_units.pk])
    logged_in.post(url, room_form(key_of(logged_in.get(url))))
    later = logged_in.post(url, room_form(key_of(logged_in.get(url)), start=tomorrow_at(14)))
    assert later.status_code == 302
    Booking.objects.update(status=Status.CANCELLED)
    again = logged_in.post(url, room_form(key_of(logged_in.get(url))))
    assert again.status_code == 302
    assert Booking.objects.count() == 3


def test_a_new_pass_form_for_a_day_held_asks_first(logged_in, day_pass, provider, sent):
    url = reverse("book_offer", args=[day_pass.pk])
    logged_in.post(url, pass_form(key_of(logged_in.get(url))))
    key = key_of(logged_in.get(url))
    asked = logged_in.post(url, pass_form(key))
    assert asked.status_code == 409
    assert "You already hold a booking for this time:" in asked.content.decode()
    assert logged_in.post(url, pass_form(key, again="on")).status_code == 302
    assert Booking.objects.count() == 2


def test_the_form_page_keeps_its_key_in_its_address(logged_in, day_pass, provider, sent):
    # htmx writes the form into the address (hx-replace-url): a browser that loads the
    # page again (back, reload) gets the same form, key included
    url = reverse("book_offer", args=[day_pass.pk])
    first = logged_in.get(url)
    assert 'hx-replace-url="true"' in first.content.decode()
    assert "HX-Request" in first["Vary"]  # the price alone never stands in for the page
    key = key_of(first)
    logged_in.post(url, pass_form(key))
    address = {k: v for k, v in pass_form(key).items() if k != "confirm"}
    again = logged_in.get(url, address)
    assert key_of(again) == key
    confirmed = logged_in.post(url, pass_form(key))
    assert confirmed["Location"] == reverse("booking_detail", args=[Booking.objects.get().pk])
