"""One booking per form, in a real browser with a real worker: a double click 0.5 s apart
on a Zentry room with two units, and back-and-confirm-again on a Thia day pass, each make
one booking in the portal and one reservation or access code at the provider."""

from __future__ import annotations

import re

import pytest

from bookings.models import Booking, Status
from providers.models import Offer, Resource
from sandbox import zentry_seed
from tests.e2e.conftest import log_in, open_with_free_slot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# The confirm button pressed twice, 0.5 s apart, as a double click on a slow page sends
# it: the same form (its cookies, CSRF token and idempotency key) posted twice.
DOUBLE_CLICK = """async () => {
  const form = document.querySelector("form.booking-form");
  const send = () => {
    const data = new FormData(form);
    data.append("confirm", "1");
    return fetch(location.href, {method: "POST", body: data, credentials: "same-origin"});
  };
  const first = send();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const second = send();
  const answers = await Promise.all([first, second]);
  return answers.map((answer) => [answer.status, answer.url]);
}"""


def wait_for_status(page, label: str):
    page.locator(".status-line").get_by_text(label, exact=True).wait_for(timeout=60000)


def accept_terms(page):
    terms = page.get_by_label("I accept the space's terms")
    if terms.count():
        terms.check()


def test_a_double_click_on_a_zentry_room_with_two_units_books_once(
    page, live_server, catalogue, worker, member, sandbox_live
):
    state = sandbox_live.store.data["providers"]["zentry"]
    before = len(state["reservations"])
    log_in(page, live_server)
    room = Resource.objects.get(
        space__account__kind="zentry", external_id=zentry_seed.NY_CONFERENCE_ROOM_ID
    )
    assert room.quantity == 2  # a second booking of the slot would be accepted
    open_with_free_slot(page, f"{live_server.url}/resources/{room.pk}/").click()
    page.wait_for_url("**/book/**")
    page.locator(".quote").wait_for()
    accept_terms(page)
    answers = page.evaluate(DOUBLE_CLICK)
    [booking] = Booking.objects.filter(member=member)
    detail = f"{live_server.url}/bookings/{booking.pk}/"
    assert answers == [[200, detail], [200, detail]]  # both end on the one booking
    page.goto(detail)
    wait_for_status(page, "Confirmed")
    reservations = state["reservations"][before:]
    assert len(reservations) == 1
    booking.refresh_from_db()
    assert booking.provider_reference == reservations[0]["id"]


def test_back_and_confirm_again_on_a_thia_day_pass_books_once(
    page, live_server, catalogue, worker, member, sandbox_live
):
    state = sandbox_live.store.data["providers"]["thia"]
    codes_before = len(state["access_codes"])
    log_in(page, live_server)
    day_pass = Offer.objects.filter(space__account__kind="thia", kind="day_pass").first()
    open_with_free_slot(page, f"{live_server.url}/offers/{day_pass.pk}/").click()
    page.wait_for_url("**/book/**")
    accept_terms(page)
    page.get_by_role("button", name="Confirm the booking").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    booking = Booking.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    wait_for_status(page, "Confirmed")

    page.go_back()  # the form page again: its address carries the form and its key
    page.wait_for_url("**/book/**idempotency_key=**")
    accept_terms(page)
    page.get_by_role("button", name="Confirm the booking").click()
    page.wait_for_url(re.compile(rf".*/bookings/{booking.pk}/$"))
    page.get_by_text("You already sent this form: here is your booking.").wait_for()
    wait_for_status(page, "Confirmed")
    assert Booking.objects.filter(member=member).count() == 1
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED and booking.access_code
    assert len(state["access_codes"]) == codes_before + 1  # one access code at Thia
