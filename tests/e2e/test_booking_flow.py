"""A member books in a real browser, a real worker sends it to the sandbox, and the
booking page follows it live to the provider's documented end state, with its email
and .ics file."""

from __future__ import annotations

import re
from email import message_from_bytes

import pytest

from bookings.models import Booking, Status
from providers.models import Offer, Resource
from tests.e2e.conftest import log_in, open_with_free_slot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def emails(worker) -> list:
    files = sorted(worker.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes()) for p in files]


def text_body(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def ics_attachments(message) -> list[str]:
    return [
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def book_first_free_slot(page, live_server, resource: Resource) -> Booking:
    open_with_free_slot(page, f"{live_server.url}/resources/{resource.pk}/").click()
    page.wait_for_url("**/book/**")
    page.locator(".quote").wait_for()  # the price is shown before confirming
    terms = page.get_by_label("I accept the space's terms")
    if terms.count():
        terms.check()
    page.get_by_role("button", name=re.compile("Confirm the booking|Send the request")).click()
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    return Booking.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def book_first_open_day(page, live_server, offer: Offer) -> Booking:
    open_with_free_slot(page, f"{live_server.url}/offers/{offer.pk}/").click()
    page.wait_for_url("**/book/**")
    terms = page.get_by_label("I accept the space's terms")
    if terms.count():
        terms.check()
    page.get_by_role("button", name=re.compile("Confirm the booking|Send the request")).click()
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    return Booking.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def wait_for_status(page, label: str):
    # the booking page polls with htmx until the end state shows
    page.locator(".status-line").get_by_text(label, exact=True).wait_for(timeout=60000)


def test_thia_meeting_room_and_day_pass(page, live_server, catalogue, worker, member):
    log_in(page, live_server)
    room = Resource.objects.filter(space__account__kind="thia", kind="meeting_room").first()
    booking = book_first_free_slot(page, live_server, room)
    wait_for_status(page, "Confirmed")
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED and booking.access_code
    assert booking.access_code in page.content()
    assert page.get_by_role("link", name="Open the QR code").is_visible()

    day_pass = Offer.objects.filter(space__account__kind="thia", kind="day_pass").first()
    pass_booking = book_first_open_day(page, live_server, day_pass)
    wait_for_status(page, "Confirmed")
    pass_booking.refresh_from_db()
    assert pass_booking.access_code

    sent = emails(worker)
    confirmations = [m for m in sent if m["To"] == member.email]
    assert len(confirmations) >= 2
    calendar = ics_attachments(confirmations[0])[0]
    assert "BEGIN:VEVENT" in calendar and "STATUS:CONFIRMED" in calendar
    body = text_body(confirmations[0])
    # no calendar link the member did not turn on: the email points to the account page
    assert "/calendar/" not in body and "/accounts/profile/" in body
    assert booking.access_code in body


def test_fourspaces_request_waits_for_staff_who_confirm_it_in_the_admin(
    page, live_server, catalogue, worker, member, browser
):
    from portal.models import User

    log_in(page, live_server)
    room = Resource.objects.filter(
        space__account__kind="fourspaces", kind="meeting_room", price_hour__isnull=False
    ).first()
    booking = book_first_free_slot(page, live_server, room)
    wait_for_status(page, "Waiting for approval")
    assert "our team will confirm yours with the space" in page.content()

    User.objects.create_superuser(email="boss@example.com", password="boss-pass-12345")
    staff = browser.new_context().new_page()
    log_in(staff, live_server, email="boss@example.com", password="boss-pass-12345")
    staff.goto(f"{live_server.url}/admin/bookings/booking/")
    staff.locator(f"input[name=_selected_action][value='{booking.pk}']").check()
    staff.locator("select[name=action]").select_option("confirm_request")
    staff.get_by_role("button", name="Go").click()
    staff.get_by_text("4Spaces has no approval call: confirm with the space first.").wait_for()
    staff.get_by_role("button", name="Yes, I\u2019m sure").click()
    staff.get_by_text("1 booking(s) confirmed").wait_for()

    page.reload()
    wait_for_status(page, "Confirmed")
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    history = list(booking.events.values_list("actor_label", "to_status"))
    assert ("staff", "confirmed") in history


def test_workways_new_member_registers_and_is_confirmed_after_validation(
    page, live_server, catalogue, worker, member, sandbox_live
):
    import datetime as dt

    import httpx

    from bookings import tasks

    log_in(page, live_server)
    room = Resource.objects.filter(space__account__kind="workways", kind="meeting_room").first()
    # a new member books at least 2 days ahead (Workways' rule): start from next week
    next_week = dt.date.today() + dt.timedelta(days=7)
    open_with_free_slot(
        page, f"{live_server.url}/resources/{room.pk}/?week={next_week.isoformat()}"
    ).click()
    page.wait_for_url("**/book/**")
    terms = page.get_by_label("I accept the space's terms")
    if terms.count():
        terms.check()
    page.get_by_role("button", name="Confirm the booking").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    booking = Booking.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    wait_for_status(page, "Waiting for your registration")

    page.get_by_label("Company name").fill("Tester & Co")
    page.get_by_label("People who will use the space").fill("2")
    page.get_by_role("button", name="Register").click()
    page.locator(".messages").wait_for()
    orgs = sandbox_live.store.data["providers"]["workways"]["organizations"]
    assert any(o["name"] == "Tester & Co" for o in orgs)

    # the member clicks the link in Workways' validation email (sandbox stand-in)
    httpx.post(
        f"{sandbox_live.base_url}/workways/_sandbox/validate-email", json={"email": member.email}
    ).raise_for_status()
    tasks.reconcile_awaiting()  # what beat runs every two minutes
    page.reload()
    wait_for_status(page, "Confirmed")
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED

    # a monthly office is an inquiry: the organization registration is the next step
    office = Offer.objects.filter(space__account__kind="workways", kind="private_office").first()
    page.goto(f"{live_server.url}/offers/{office.pk}/book/")
    page.get_by_label("From").fill((dt.date.today() + dt.timedelta(days=14)).isoformat())
    page.get_by_label("People").fill("3")
    page.get_by_label("What do you need?").fill("A quiet office for three from next month.")
    terms = page.get_by_label("I accept the space's terms")
    if terms.count():
        terms.check()
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    inquiry = Booking.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert inquiry.kind == "inquiry"
    page.locator(".status-line .status").filter(has_text=re.compile("Waiting for")).wait_for(
        timeout=60000
    )
    inquiry.refresh_from_db()
    assert inquiry.status in (Status.AWAITING_REGISTRATION, Status.AWAITING_APPROVAL)


def test_zentry_room_is_confirmed_and_a_day_pass_waits_for_approval(
    page, live_server, catalogue, worker, member, sandbox_live
):
    import httpx

    from bookings import tasks

    log_in(page, live_server)
    room = Resource.objects.filter(
        space__account__kind="zentry", space__city="New York", kind="meeting_room"
    ).first()
    booking = book_first_free_slot(page, live_server, room)
    wait_for_status(page, "Confirmed")  # New York approves automatically
    booking.refresh_from_db()
    assert booking.provider_reference

    day_pass = Offer.objects.filter(
        space__account__kind="zentry", space__city="Los Angeles", kind="day_pass"
    ).first()
    pass_booking = book_first_open_day(page, live_server, day_pass)
    wait_for_status(page, "Waiting for approval")  # Los Angeles approves by hand
    pass_booking.refresh_from_db()

    # the space approves it in Zentry; the periodic reconcile notices
    config = sandbox_live.print_config(sandbox_live.base_url)["zentry"]
    httpx.put(
        f"{config['checkins_url']}/Reservation/{pass_booking.provider_reference}/approve",
        headers={"Api-Key": config["api_key"]},
    ).raise_for_status()
    tasks.reconcile_awaiting()
    page.reload()
    wait_for_status(page, "Confirmed")

    # and the member cancels the room: Zentry frees it
    page.goto(f"{live_server.url}/bookings/{booking.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the booking").click()
    page.get_by_text("Your booking is cancelled.").wait_for()  # Zentry has a cancel call
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    reservations = sandbox_live.store.data["providers"]["zentry"]
    assert any(
        r.get("id") == booking.provider_reference and r.get("status") == "Cancelled"
        for r in reservations.get("reservations", [])
    )
