"""The small things a member reads about a booking: the room's name beside their title,
an address that names its city once, a month's membership as the month it lasts, and
"My bookings" with each booking's price and time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from bookings import calendars, emails, services
from bookings.models import Booking, Status
from providers.models import Offer, Space

pytestmark = pytest.mark.django_db
DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")


@pytest.fixture
def titled(member, room):
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=3), dt.time(10), DUBLIN)
    return Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=Status.CONFIRMED,
        start=start,
        end=start + dt.timedelta(hours=1),
        title="Quarterly planning",
        price=Decimal("30.00"),
        currency="EUR",
    )


def test_a_title_keeps_the_room_name_on_the_page_in_the_email_and_calendar(client, member, titled):
    client.force_login(member)
    page = client.get(reverse("booking_detail", args=[titled.pk])).content.decode()
    assert "Quarterly planning · Boardroom" in page
    emails.deliver("status", titled.pk)
    message = [m for m in mail.outbox if m.to == [member.email]][-1]
    assert "Quarterly planning · Boardroom" in message.subject
    assert "Quarterly planning · Boardroom" in message.body
    event = icalendar.Calendar.from_ical(calendars.booking_calendar(titled)).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Quarterly planning · Boardroom")


def test_my_bookings_shows_each_price_and_time_zone(client, member, titled):
    client.force_login(member)
    page = client.get(reverse("my_bookings")).content.decode()
    assert "30.00 EUR" in page
    assert "(Europe/Dublin)" in page
    assert "Quarterly planning · Boardroom" in page


@pytest.mark.parametrize(
    ("address", "city", "country", "shown"),
    [
        ("1 Grand Canal Square, Dublin 2, D02 P820, Ireland", "Dublin", "Ireland", None),
        ("Obere Donaustraße 95, 1020 Wien", "Wien", "Austria", "+country"),
        ("Calea Victoriei 155", "Bucharest", "Romania", "+both"),
        ("", "Lyon", "France", "Lyon, France"),
    ],
)
def test_an_address_names_its_city_and_country_once(room, address, city, country, shown):
    space = Space.objects.get(pk=room.space.pk)
    space.address, space.city, space.country = address, city, country
    expected = {
        None: address,
        "+country": f"{address}, {country}",
        "+both": f"{address}, {city}, {country}",
    }.get(shown, shown)
    assert space.full_address == expected


def test_a_month_membership_lasts_its_month(room, member):
    """A month bought for 7 December is valid to 6 January: shown and exported so."""
    offer = Offer.objects.get(external_id="a-o1")
    offer.price_unit = "month"
    offer.save()
    start, end = services.pass_bounds(offer, dt.date(2030, 12, 7), 1)
    assert (start.date(), end.date()) == (dt.date(2030, 12, 7), dt.date(2031, 1, 7))
    assert services.pass_bounds(offer, dt.date(2031, 1, 31), 1)[1].date() == dt.date(2031, 2, 28)
    offer.price_unit = "10 days"
    assert services.pass_bounds(offer, dt.date(2030, 12, 7), 1)[1].date() == dt.date(2030, 12, 17)
    offer.price_unit = "day"
    assert services.pass_bounds(offer, dt.date(2030, 12, 7), 3)[1].date() == dt.date(2030, 12, 10)
    offer.price_unit = "month"
    booking = Booking.objects.create(
        member=member,
        kind="pass",
        space=offer.space,
        offer=offer,
        status=Status.CONFIRMED,
        start=dt.datetime.combine(dt.date(2030, 12, 7), dt.time(0), DUBLIN),
        end=dt.datetime.combine(dt.date(2031, 1, 7), dt.time(0), DUBLIN),
    )
    assert booking.last_day == dt.date(2031, 1, 6)
    assert emails.when_text(booking).endswith("6 January 2031")
    event = icalendar.Calendar.from_ical(calendars.booking_calendar(booking)).walk("VEVENT")[0]
    assert event["DTSTART"].dt == dt.date(2030, 12, 7)
    assert event["DTEND"].dt == dt.date(2031, 1, 7)


def test_the_terms_box_comes_after_the_price_and_the_terms(client, member, room):
    room.space.legal = [{"title": "House rules", "text": "Leave the room as you found it."}]
    room.space.save()
    client.force_login(member)
    page = client.get(reverse("book_resource", args=[room.pk])).content.decode()
    box = page.index('name="accept_terms"')
    assert page.index('id="quote"') < box
    assert page.index("House rules") < box
    assert box < page.index('name="confirm"')


def test_a_pending_booking_page_reloads_itself_without_javascript(client, member, titled):
    client.force_login(member)
    url = reverse("booking_detail", args=[titled.pk])
    assert 'http-equiv="refresh"' not in client.get(url).content.decode()  # confirmed
    Booking.objects.filter(pk=titled.pk).update(status=Status.PENDING)
    page = client.get(url).content.decode()
    head = page[: page.index("</head>")]
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in head
    assert f'<noscript> <a href="{url}">Refresh</a></noscript>' in page


def test_an_htmx_preview_puts_each_fields_message_beside_it(client, member, room, provider):
    """The htmx answer to a refused value carries every field's message box, out of
    band: the wrong one filled, the others emptied (a value fixed since)."""
    from tests.bookings.conftest import tomorrow_at

    client.force_login(member)
    url = reverse("book_resource", args=[room.pk])
    query = {"start": tomorrow_at(10).isoformat(), "minutes": 60, "attendees": 99}
    answer = client.get(url, query, HTTP_HX_REQUEST="true")
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "<html" not in text  # never a page in place of the page
    box = text.index('hx-swap-oob="innerHTML:#id_attendees_errors"')
    assert "less than or equal to 10" in text[box : text.index("</div>", box)]
    empty = '<div hx-swap-oob="innerHTML:#id_title_errors"></div>'
    assert empty in text
    assert "Fix the fields above to see the price." in text


def test_an_htmx_search_with_a_past_day_tells_it_beside_the_day(client, room):
    past = (dt.date.today() - dt.timedelta(days=5)).isoformat()
    answer = client.get(reverse("space_list"), {"date": past}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "<html" not in text
    box = text.index('hx-swap-oob="innerHTML:#id_date_errors"')
    assert "Pick today or a later day." in text[box : text.index("</div>", box)]


def test_the_country_is_named_in_the_readers_language(room):
    space = room.space
    space.address, space.city, space.country, space.country_code = "", "Wien", "Austria", "AT"
    with translation.override("fr"):
        assert space.full_address == "Wien, Autriche"
    with translation.override("en"):
        assert space.full_address == "Wien, Austria"
    # a provider's name that does not match its code is kept as written
    space.country = "Österreich (Vienna office)"
    with translation.override("fr"):
        assert space.full_address == "Wien, Österreich (Vienna office)"
