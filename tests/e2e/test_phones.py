"""At 375 px (a phone): no page scrolls sideways; the search filters fold away so the
results come first; a room's week shows one day at a time, chosen with day buttons, with
a start-and-length picker instead of every slot. At 1280 px the slots are one Tab stop a
day, and arrow keys move between them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from bookings.models import Booking, Status
from providers.models import Offer, Resource
from tests.e2e.conftest import log_in, open_with_free_slot

pytestmark = [pytest.mark.e2e]

PHONE = {"width": 375, "height": 740}


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide at 375 px"


@pytest.fixture
def bookings_of(member, catalogue):
    """A room booking with a long title and a month's membership, as "My bookings" lists."""
    room = Resource.objects.filter(space__account__kind="zentry").order_by("pk").first()
    desk = Offer.objects.filter(space__account__kind="thia", price_unit="month").first()
    zone = zoneinfo.ZoneInfo(room.space.timezone)
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=3), dt.time(9), zone)
    Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=Status.CONFIRMED,
        start=start,
        end=start + dt.timedelta(hours=2),
        title="Quarterly planning with the whole product team",
        price=Decimal("160.00"),
        currency="USD",
    )
    bucharest = zoneinfo.ZoneInfo(desk.space.timezone)
    first = dt.date.today() + dt.timedelta(days=6)
    Booking.objects.create(
        member=member,
        kind="pass",
        space=desk.space,
        offer=desk,
        status=Status.CONFIRMED,
        start=dt.datetime.combine(first, dt.time(0), bucharest),
        end=dt.datetime.combine(first + dt.timedelta(days=31), dt.time(0), bucharest),
        price=desk.price,
        currency="RON",
    )


def test_my_bookings_fits_a_phone_with_price_and_zone(page, live_server, bookings_of):
    page.set_viewport_size(PHONE)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/bookings/")
    text = page.locator("main").inner_text()
    assert "Quarterly planning with the whole product team" in text
    assert "160.00 USD" in text and "Europe/Bucharest" in text
    assert_fits(page)


def test_filters_fold_away_on_a_phone(page, live_server, catalogue):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/spaces/")
    filters = page.locator("details.filters-box")
    assert filters.get_attribute("open") is None
    results_top = page.locator("#results").bounding_box()["y"]
    assert results_top < 400, f"results start {results_top} px down"
    assert_fits(page)
    page.get_by_text("Filters", exact=True).click()
    assert page.get_by_label("Day:", exact=True).is_visible()


def test_a_room_week_shows_one_day_at_a_time_on_a_phone(page, live_server, catalogue, member):
    page.set_viewport_size(PHONE)
    room = Resource.objects.filter(space__account__kind="thia").order_by("pk").first()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/resources/{room.pk}/")
    tabs = page.locator("[data-day-tabs] button")
    assert tabs.count() == 7
    assert page.locator(".week-grid .day:visible").count() == 1
    # never an empty box: a picker, or words saying why there is none
    shown = page.locator(".week-grid .day:visible")
    assert shown.locator("form.slot-picker, p").first.is_visible()
    assert_fits(page)
    # a day with free slots, then its start-and-length picker opens the booking form
    any_picker = page.locator("form.slot-picker").last
    any_picker.wait_for(state="attached", timeout=15000)
    day_id = any_picker.evaluate("form => form.closest('.day').id")
    chosen = page.locator(f"[data-day-tabs] button[aria-controls='{day_id}']")
    chosen.click()
    assert chosen.get_attribute("aria-pressed") == "true"
    day = page.locator(".week-grid .day:visible")
    assert day.get_attribute("id") == chosen.get_attribute("aria-controls")
    picker = day.locator("form.slot-picker")
    picker.get_by_label("Length").select_option(index=1)
    picker.get_by_role("button", name="Book").click()
    page.wait_for_url("**/book/**")
    page.locator(".quote").wait_for()
    assert page.get_by_label("Length").input_value() == picker_minutes(page)
    assert_fits(page)


def picker_minutes(page) -> str:
    return page.evaluate("new URL(location.href).searchParams.get('minutes')")


def test_arrow_keys_move_between_slots(page, live_server, catalogue):
    room = Resource.objects.filter(space__account__kind="thia").order_by("pk").first()
    first = open_with_free_slot(page, f"{live_server.url}/resources/{room.pk}/")
    day = first.locator("xpath=ancestor::ul[@data-roving]")
    links = day.locator("a.slot-free")
    # one Tab stop per day: every other free slot of the day is out of the Tab order
    assert links.first.get_attribute("tabindex") is None
    assert all(links.nth(i).get_attribute("tabindex") == "-1" for i in range(1, links.count()))
    links.first.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.textContent.trim().slice(0, 5)")
    assert focused == links.nth(1).inner_text().strip()[:5]
    assert links.nth(1).get_attribute("tabindex") == "0"
    assert links.first.get_attribute("tabindex") == "-1"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.tabIndex") == 0
    page.keyboard.press("End")
    last = page.evaluate("document.activeElement.textContent.trim().slice(0, 5)")
    assert last == links.last.inner_text().strip()[:5]
