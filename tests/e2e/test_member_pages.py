"""Every member page in Chromium, in English and French, at 1280 and 375 px, logged out
and logged in: no console error, no failed image (and no image from a provider's host),
no sideways scroll, no serious or critical axe-core violation, and in French no string of
the translation catalogue left in English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from bookings import availability
from bookings.models import Booking, Kind, Status
from providers.models import Offer, Resource, Space
from tests.french import english_left

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SERIOUS = {"serious", "critical"}


class Visitor:
    """A browser context whose console errors, failed requests and images from other
    hosts are collected in ``problems``, each with the address it happened on."""

    def __init__(self, browser, live_server, *, language: str, width: int):
        locale = "fr-FR" if language == "fr" else "en-GB"
        self.width = width
        self.language = language
        self.base = live_server.url
        self.problems: list[str] = []
        self.context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.on("request", self._request)

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"{self.page.url}: console {message.text}")

    def _failed(self, request):
        # leaving a page aborts its htmx fill-in still on its way: not a failure
        if request.failure and "ERR_ABORTED" in request.failure:
            return
        self.problems.append(f"{self.page.url}: {request.url} failed ({request.failure})")

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{self.page.url}: {response.url} answered {response.status}")

    def _request(self, request):
        if not request.url.startswith(self.base) and not request.url.startswith("data:"):
            self.problems.append(f"{self.page.url}: asked another host for {request.url}")

    def check(self, path: str) -> None:
        page = self.page
        response = page.goto(f"{self.base}{path}")
        assert response is not None and response.status < 400, (path, response and response.status)
        page.wait_for_load_state("networkidle")
        where = f"{path} ({self.language}, {self.width} px)"
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.currentSrc || i.src)"
        )
        assert not broken, f"{where}: images that did not load: {broken}"
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= self.width, f"{where}: {wide} px wide, scrolls sideways"
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
            for v in Axe().run(page).response["violations"]
            if v.get("impact") in SERIOUS
        ]
        assert not violations, f"{where}: {violations}"
        if self.language == "fr":
            left = english_left(page.locator("body").inner_text())
            assert not left, f"{where}: English left in French: {left[:10]}"
        assert not self.problems, f"{where}: {self.problems}"

    def close(self) -> None:
        self.context.close()


def member_bookings(member) -> list[Booking]:
    """Bookings of every shape a member's pages show: a confirmed room with its code, a
    request waiting for the space, a month's membership pass."""
    room = Resource.objects.filter(space__account__kind="thia", kind="meeting_room").first()
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    confirmed = Booking.objects.create(
        member=member,
        kind=Kind.ROOM,
        space=room.space,
        resource=room,
        status=Status.CONFIRMED,
        start=start,
        end=start + dt.timedelta(hours=2),
        attendees=2,
        title="Planning",
        price=Decimal("40.00"),
        currency="EUR",
        provider_reference="e2e-1",
        access_code="4711",
    )
    four = Resource.objects.filter(space__account__kind="fourspaces").first()
    request = Booking.objects.create(
        member=member,
        kind=Kind.ROOM,
        space=four.space,
        resource=four,
        status=Status.AWAITING_APPROVAL,
        start=start + dt.timedelta(days=1),
        end=start + dt.timedelta(days=1, hours=1),
        price=Decimal("25.00"),
        currency="EUR",
    )
    return [confirmed, request]


def pages_logged_out() -> list[str]:
    space = Space.objects.filter(active=True).order_by("pk").first()
    room = Resource.objects.filter(space__account__kind="thia", kind="meeting_room").first()
    day_pass = Offer.objects.filter(kind="day_pass").order_by("pk").first()
    city = Space.objects.filter(active=True).order_by("pk").values_list("city", flat=True)[0]
    return [
        "/",
        "/spaces/",
        f"/spaces/?city={city}&people=4",
        f"/spaces/{space.pk}/",
        f"/resources/{room.pk}/",
        f"/offers/{day_pass.pk}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
    ]


def pages_logged_in(bookings: list[Booking]) -> list[str]:
    room = bookings[0].resource
    today = availability.local_today_for(room.space.timezone)
    answer = None
    for offset in range(1, 8):
        answer = availability.resource_day(room, today + dt.timedelta(days=offset))
        free = [s for s in answer.slots if s.available]
        if free:
            break
    else:
        pytest.fail("no free slot for the booking form")
    slot = free[0]
    return [
        "/bookings/",
        *(f"/bookings/{b.pk}/" for b in bookings),
        f"/resources/{room.pk}/book/?start={quote(slot.start.isoformat())}",
        "/accounts/profile/",
        "/waitlist/",
        "/visits/",
    ]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_member_page_is_clean(language, width, browser, live_server, catalogue, member):
    visitor = Visitor(browser, live_server, language=language, width=width)
    try:
        for path in pages_logged_out():
            visitor.check(path)
        member.language = language
        member.save(update_fields=["language"])
        bookings = member_bookings(member)
        sign_in(visitor.page, live_server, member)
        for path in pages_logged_in(bookings):
            visitor.check(path)
    finally:
        visitor.close()


def sign_in(page, live_server, member):
    """Log in by the fields' names: their labels are in the page's language."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(member.email)
    page.locator("input[name=password]").fill("e2e-pass-12345")
    page.locator("main form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_url(f"{live_server.url}/")
