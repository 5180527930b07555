"""With a real worker and the sandbox live: staff approve a Zentry request in the admin and
Zentry says Approved; a Thia booking cancelled by its member waits for staff, who mark it
done in the admin."""

from __future__ import annotations

import pytest

from bookings.models import Status
from providers.models import Offer, Resource
from tests.e2e.conftest import log_in
from tests.e2e.test_booking_flow import book_first_free_slot, book_first_open_day, wait_for_status

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SURE = "Yes, I\u2019m sure"


def staff_page(browser, live_server):
    from portal.models import User

    User.objects.create_superuser(email="boss@example.com", password="boss-pass-12345")
    staff = browser.new_context().new_page()
    staff.set_default_timeout(15000)
    log_in(staff, live_server, email="boss@example.com", password="boss-pass-12345")
    return staff


def run_action(staff, live_server, booking, action: str):
    staff.goto(f"{live_server.url}/admin/bookings/booking/")
    staff.locator(f"input[name=_selected_action][value='{booking.pk}']").check()
    staff.locator("select[name=action]").select_option(action)
    staff.get_by_role("button", name="Go").click()


def test_zentry_staff_approval_reaches_zentry(
    page, live_server, catalogue, worker, member, browser, sandbox_live
):
    log_in(page, live_server)
    day_pass = Offer.objects.filter(
        space__account__kind="zentry", space__city="Los Angeles", kind="day_pass"
    ).first()
    booking = book_first_open_day(page, live_server, day_pass)
    wait_for_status(page, "Waiting for approval")  # Los Angeles approves by hand
    booking.refresh_from_db()
    reservations = sandbox_live.store.data["providers"]["zentry"]["reservations"]
    [held] = [r for r in reservations if r["id"] == booking.provider_reference]
    assert held["status"] == "Pending"

    staff = staff_page(browser, live_server)
    run_action(staff, live_server, booking, "confirm_request")
    staff.get_by_text("The approval is sent to Zentry").wait_for()
    staff.get_by_role("button", name=SURE).click()
    staff.get_by_text("1 booking(s) confirmed").wait_for()

    reservations = sandbox_live.store.data["providers"]["zentry"]["reservations"]
    [held] = [r for r in reservations if r["id"] == booking.provider_reference]
    assert held["status"] == "Approved"
    page.reload()
    wait_for_status(page, "Confirmed")
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_thia_cancel_waits_for_staff_who_mark_it_done(
    page, live_server, catalogue, worker, member, browser
):
    log_in(page, live_server)
    room = Resource.objects.filter(space__account__kind="thia", kind="meeting_room").first()
    booking = book_first_free_slot(page, live_server, room)
    wait_for_status(page, "Confirmed")
    booking.refresh_from_db()
    code = booking.access_code
    assert code and code in page.content()

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the booking").click()
    page.get_by_text("Your cancellation is with our staff", exact=False).first.wait_for()
    wait_for_status(page, "Cancellation requested")
    assert code in page.content()  # it still opens the door until staff cancel it

    staff = staff_page(browser, live_server)
    run_action(staff, live_server, booking, "mark_cancelled")
    staff.get_by_label("Reason").fill("Cancelled in Thia's admin")
    staff.get_by_role("button", name=SURE).click()
    staff.get_by_text("1 booking(s) cancelled").wait_for()

    page.reload()
    wait_for_status(page, "Cancelled")
    assert code not in page.content()
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    assert ("staff", "cancelled") in list(booking.events.values_list("actor_label", "to_status"))
