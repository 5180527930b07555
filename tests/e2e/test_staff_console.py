"""The staff console in a real browser at 1280 and 768 px, with a real worker and the
sandbox: an operator lands on Today, sees the bookings starting today and tomorrow and a
needs-attention queue holding a booking that failed during a sandbox fault and a waiting
4Spaces request, resolves both from the queue, and the member receives the emails.
axe-core (bundled by axe-playwright-python, run inside the page) finds no serious or
critical violation on the staff pages; a viewer sees the queue without its buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group

from bookings import availability, services
from bookings.models import Booking, Status
from portal import roles
from providers.models import Resource
from tests.e2e.conftest import log_in
from tests.e2e.test_booking_faults import wait_for
from tests.e2e.test_booking_flow import book_first_free_slot, emails, wait_for_status

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SURE = "Yes, I\u2019m sure"
SERIOUS = {"serious", "critical"}


def staff_user(email: str, role: str):
    from portal.models import User

    roles.sync_roles()
    user = User.objects.create_user(email=email, password="staff-pass-12345", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def staff_page(browser, live_server, email: str, width: int):
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, email=email, password="staff-pass-12345")
    return page


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def thia_slot_tomorrow():
    """A free Thia room slot starting tomorrow in the space's zone: Today lists it."""
    rooms = Resource.objects.select_related("space__account").filter(
        space__account__kind="thia", kind="meeting_room", active=True
    )
    for room in rooms:
        tomorrow = availability.local_today_for(room.space.timezone) + dt.timedelta(days=1)
        free = [s for s in availability.resource_day(room, tomorrow).slots if s.available]
        if free:
            return room, free[0].start, free[0].end
    pytest.fail("no free Thia room tomorrow")


def queue_row(page, reason: str, booking: Booking):
    return page.locator(f"tr.queue-{reason}").filter(
        has=page.get_by_role("link", name=f"#{booking.pk}", exact=True)
    )


def resolve(page, live_server, reason: str, booking: Booking, button: str, done: str):
    page.goto(f"{live_server.url}/admin/")
    queue_row(page, reason, booking).get_by_role("button", name=button).click()
    page.get_by_role("button", name=SURE).wait_for()  # the confirmation step
    assert not serious_violations(page), page.url
    page.get_by_label("Reason").fill("Resolved from the queue")
    page.get_by_role("button", name=SURE).click()
    page.get_by_text(done).wait_for()


@pytest.mark.parametrize("width", [1280, 768])
def test_staff_resolve_a_failed_booking_and_a_waiting_request_from_today(
    width,
    page,
    browser,
    live_server,
    catalogue,
    sandbox_live,
    worker,
    member,
    django_capture_on_commit_callbacks,
):
    # a member's 4Spaces request: 4Spaces has no approval call, staff answer it
    log_in(page, live_server)
    room = Resource.objects.filter(
        space__account__kind="fourspaces", kind="meeting_room", price_hour__isnull=False
    ).first()
    request = book_first_free_slot(page, live_server, room)
    wait_for_status(page, "Waiting for approval")

    # a Thia booking made while Thia answers every call 429: the worker gives up
    thia_room, start, end = thia_slot_tomorrow()
    sandbox_live.apply_faults({"thia": {"rate_limit_rate": 1.0, "retry_after": 0}})
    with django_capture_on_commit_callbacks(execute=True):
        failed = services.booking_create_room(
            member=member, resource=thia_room, start=start, end=end
        )
    assert wait_for(lambda: Booking.objects.get(pk=failed.pk).status == Status.FAILED), (
        worker.log.read_text()[-3000:]
    )
    sandbox_live.faults.clear()

    if width == 1280:  # a viewer reads the queue but has nothing to press
        staff_user("viewer@example.com", roles.VIEWER)
        viewer = staff_page(browser, live_server, "viewer@example.com", width)
        viewer.goto(f"{live_server.url}/admin/")
        assert queue_row(viewer, "failed", failed).count() == 1
        assert queue_row(viewer, "failed", failed).get_by_role("link", name="Open").count() == 1
        assert viewer.locator(".today-actions form").count() == 0
        viewer.context.close()

    staff_user("operator@example.com", roles.OPERATOR)
    staff = staff_page(browser, live_server, "operator@example.com", width)
    staff.goto(f"{live_server.url}/admin/")
    staff.get_by_role("heading", name="Needs attention").wait_for()
    assert queue_row(staff, "failed", failed).count() == 1
    assert queue_row(staff, "approval", request).count() == 1
    assert not serious_violations(staff)
    scroll = staff.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"Today scrolls sideways at {width} px ({scroll} px wide)"

    resolve(
        staff,
        live_server,
        "failed",
        failed,
        "Retry: send again (reconciled first)",
        "1 booking(s) queued again",
    )
    assert wait_for(lambda: Booking.objects.get(pk=failed.pk).status == Status.CONFIRMED), (
        worker.log.read_text()[-3000:]
    )
    # once confirmed, tomorrow's booking is listed under its space, in the space's time
    staff.goto(f"{live_server.url}/admin/")
    schedule = staff.locator("section[aria-labelledby=today-schedule]")
    assert schedule.get_by_role("link", name=f"#{failed.pk}", exact=True).count() == 1
    assert thia_room.space.timezone in schedule.inner_text()
    resolve(
        staff,
        live_server,
        "approval",
        request,
        "Confirm request / approve",
        "1 booking(s) confirmed",
    )
    request.refresh_from_db()
    assert request.status == Status.CONFIRMED

    staff.goto(f"{live_server.url}/admin/")
    assert queue_row(staff, "failed", failed).count() == 0
    assert queue_row(staff, "approval", request).count() == 0

    # the member hears of both, in the emails the worker sends
    def subjects():
        return [str(m["Subject"]) for m in emails(worker) if m["To"] == member.email]

    confirmed = wait_for(
        lambda: (
            [s for s in subjects() if s.startswith("Confirmed:")]
            if len([s for s in subjects() if s.startswith("Confirmed:")]) >= 2
            else None
        ),
        timeout=60,
    )
    assert confirmed, subjects()
    assert any(thia_room.space.name in s for s in confirmed)
    assert any(room.space.name in s for s in confirmed)
    assert any(s.startswith("Not booked:") for s in subjects())

    # the other staff pages: the booking (timeline), the lists, accounts and members
    for path in (
        f"/admin/bookings/booking/{failed.pk}/change/",
        "/admin/bookings/booking/",
        "/admin/providers/provideraccount/",
        f"/admin/providers/provideraccount/{thia_room.space.account_id}/change/",
        "/admin/portal/user/",
        f"/admin/portal/user/{member.pk}/change/",
    ):
        staff.goto(f"{live_server.url}{path}")
        assert staff.locator("#content").count() == 1, path
        assert not serious_violations(staff), path
    staff.context.close()
