"""The Content-Security-Policy in a real browser: a visitor, a member and staff go through
every kind of page (htmx updates included) and Chromium reports no policy violation and no
console error; the behaviours moved out of inline attributes into static/js/portal.js
still work (the cancel confirmation, selecting the calendar link). No page asks another
host for an image: provider photos are served by the portal (tests/e2e/test_photos.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bookings.models import Status
from providers.models import Offer, ProviderAccount, Resource
from tests.e2e.conftest import log_in, open_with_free_slot
from tests.e2e.test_booking_flow import book_first_free_slot, wait_for_status
from tests.e2e.test_search import index_one_room_per_provider

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Every violation of the policy reaches Python as it happens, whatever page is open.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(
    `${e.effectiveDirective} refused ${e.blockedURI || "inline code"}` +
    ` in ${e.sourceFile || e.documentURI}:${e.lineNumber} ${e.sample || ""}`
  );
});
"""


class Watched:
    """A browser page whose CSP violations, console errors and uncaught exceptions are
    collected in ``problems``, each with the address it happened on."""

    def __init__(self, browser, live_server):
        self.problems: list[str] = []
        self.context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        self.context.expose_binding(
            "reportViolation",
            lambda source, text: self.problems.append(f"{source['frame'].url}: CSP {text}"),
        )
        self.context.add_init_script(REPORT_VIOLATIONS)
        # nothing leaves for another host; an image asked from one is a problem
        self.context.route(re.compile(r".*"), lambda route: self._answer(route, live_server))
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: {error}"))

    def _answer(self, route, live_server):
        url = route.request.url
        if url.startswith(live_server.url):
            route.continue_()
            return
        if route.request.resource_type == "image":
            self.problems.append(f"{self.page.url}: image asked from another host {url}")
        route.abort()

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"{self.page.url}: console {message.text}")

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, live_server):
    made: list[Watched] = []

    def make() -> Watched:
        made.append(Watched(browser, live_server))
        return made[-1]

    yield make
    for one in made:
        one.close()


def test_member_pages_satisfy_the_policy(watched, live_server, catalogue, worker, member):
    visitor = watched()
    page = visitor.page
    url = live_server.url

    # a visitor: home, the catalogue and its htmx filters and search, a space, a week, a pass
    page.goto(f"{url}/")
    page.get_by_label("Where do you want to work?").fill("Dublin")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/spaces/?q=Dublin*")
    page.goto(f"{url}/spaces/")
    page.get_by_label("Provider").select_option("zentry")
    page.wait_for_url("**provider=zentry*")
    day = dt.date.today() + dt.timedelta(days=7)
    index_one_room_per_provider(day)
    page.goto(f"{url}/spaces/")
    page.get_by_label("Day:", exact=True).fill(day.isoformat())
    page.get_by_label("From:", exact=True).fill("14:00")
    page.get_by_label("To:", exact=True).fill("15:00")
    page.get_by_role("button", name="Search").click()
    page.locator("#results .hit-card").first.wait_for()
    page.goto(f"{url}/spaces/")
    page.get_by_role("link", name="Thia Hub Victoriei").click()
    page.get_by_role("heading", name="Opening hours").wait_for()
    page.locator("ul.photos img, .photos-placeholder").first.wait_for()  # stored or not yet
    room = Resource.objects.filter(space__account__kind="thia", kind="meeting_room").earliest("pk")
    open_with_free_slot(page, f"{url}/resources/{room.pk}/")
    page.get_by_role("link", name="Next week →").click()
    page.wait_for_url("**week=*")
    page.locator("a.slot-free").first.wait_for(timeout=15_000)
    day_pass = Offer.objects.filter(space__account__kind="thia", kind="day_pass").earliest("pk")
    open_with_free_slot(page, f"{url}/offers/{day_pass.pk}/")
    page.goto(f"{url}/accounts/signup/")
    page.goto(f"{url}/accounts/password_reset/")

    # a member: the booking form and its price preview, the booking page following the
    # worker live, the cancel confirmation, my bookings, the profile and its calendar link
    log_in(page, live_server)
    booking = book_first_free_slot(page, live_server, room)
    wait_for_status(page, "Confirmed")
    questions: list[str] = []

    def answer(dialog, accept: bool):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Cancel the booking").click()
    assert questions == ["Cancel this booking?"]
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED  # "Cancel" in the dialog kept it
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Cancel the booking").click()
    wait_for_status(page, "Cancellation requested")
    assert len(questions) == 2

    page.goto(f"{url}/bookings/")
    # the waitlist: asked from the room's page, listed, dropped
    page.goto(f"{url}/resources/{room.pk}/")
    page.get_by_role("link", name="Taken when you need it? Tell me when it frees up").click()
    page.get_by_label("Day:", exact=True).fill(day.isoformat())
    page.get_by_label("From:", exact=True).fill("14:00")
    page.get_by_label("To:", exact=True).fill("15:00")
    page.get_by_role("button", name="Add me to the waitlist").click()
    page.wait_for_url("**/waitlist/")
    page.get_by_role("button", name="Drop").click()
    page.get_by_text("You are not waiting for anything.").wait_for()
    page.goto(f"{url}/accounts/profile/")
    turn_on = page.get_by_role("button", name="Turn on my calendar link")
    if turn_on.count():
        turn_on.click()
    link = page.get_by_label("Your calendar link")
    link.click()
    selected = page.evaluate(
        "(() => { const f = document.activeElement; return f.value.slice(f.selectionStart, "
        "f.selectionEnd); })()"
    )
    assert selected == link.input_value() and "/calendar/" in selected

    # staff: the admin's login, index, lists, change pages and an action's confirmation
    from portal.models import User

    User.objects.create_superuser(email="boss@example.com", password="boss-pass-12345")
    staff_view = watched()
    staff = staff_view.page
    staff.goto(f"{url}/admin/login/")
    staff.locator("#id_username").fill("boss@example.com")
    staff.locator("#id_password").fill("boss-pass-12345")
    staff.locator("input[type=submit]").click()
    staff.wait_for_url(f"{url}/admin/")
    account = ProviderAccount.objects.filter(kind="thia").earliest("pk")
    for path in [
        "/admin/bookings/booking/",
        f"/admin/bookings/booking/{booking.pk}/change/",
        "/admin/providers/provideraccount/",
        f"/admin/providers/provideraccount/{account.pk}/change/",
        f"/admin/providers/space/{room.space_id}/change/",
        f"/admin/portal/user/{member.pk}/change/",
    ]:
        staff.goto(f"{url}{path}")
        staff.locator("#content").wait_for()
    staff.goto(f"{url}/admin/providers/provideraccount/{account.pk}/change/")
    staff.get_by_role("button", name="Sync now").click()  # posts the change form elsewhere
    staff.get_by_text("follow its progress").wait_for()
    staff.goto(f"{url}/admin/bookings/booking/")
    staff.locator(f"input[name=_selected_action][value='{booking.pk}']").check()
    staff.locator("select[name=action]").select_option("mark_cancelled")
    staff.get_by_role("button", name="Go").click()
    staff.get_by_role("link", name="No, take me back").click()  # admin/js/cancel.js
    staff.wait_for_url("**/admin/bookings/booking/")

    assert visitor.problems == []
    assert staff_view.problems == []
