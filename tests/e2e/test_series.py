"""A recurring booking with a real worker and the sandbox on a socket: a 10-week weekly
series of a Thia meeting room, three of whose weeks someone else took at Thia first, is
previewed date by date (taken weeks shown taken), then booked at Thia with one booking
per free week, each submission spread within Thia's rate limit; the taken weeks are
reported on the series page and not booked."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
import zoneinfo

import httpx
import pytest
from django.urls import reverse

from bookings.models import Booking, BookingEvent, BookingSeries, FeedToken, Status
from providers.models import Resource

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BUCHAREST = zoneinfo.ZoneInfo("Europe/Bucharest")


def wait_for(predicate, timeout=120, step=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def thursday_ahead() -> dt.date:
    day = dt.datetime.now(BUCHAREST).date() + dt.timedelta(days=3)
    while day.weekday() != 3:
        day += dt.timedelta(days=1)
    return day


def take_at_thia(account, room: Resource, day: dt.date) -> None:
    """Someone else books 14:00-16:00 of ``day`` through Thia's own API."""
    answer = httpx.post(
        f"{account.config['base_url']}/meeting-room-booking",
        headers={
            "X-API-Key": account.credentials["api_key"],
            "X-API-Secret": account.credentials["api_secret"],
        },
        json={
            "product_id": int(room.raw.get("product_id", room.external_id)),
            "date": day.isoformat(),
            "selected_slots": ["14:00 - 15:00", "15:00 - 16:00"],
            "customer": {"first_name": "Other", "last_name": "Guest", "email": "o@example.org"},
        },
    )
    assert answer.status_code == 201, answer.text


def hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def test_a_ten_week_series_is_booked_at_thia_one_booking_per_free_week(
    catalogue, sandbox_live, worker, member, client
):
    room = Resource.objects.select_related("space__account").get(
        space__account__kind="thia", name="Conference Room A"
    )
    account = room.space.account
    first = thursday_ahead()
    weeks = [first + dt.timedelta(weeks=n) for n in range(10)]
    taken = [weeks[1], weeks[4], weeks[7]]
    for day in taken:
        take_at_thia(account, room, day)
    thia = sandbox_live.store.data["providers"]["thia"]
    before = len(thia["bookings"])

    client.force_login(member)
    start = dt.datetime.combine(first, dt.time(14)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "start": start,
        "minutes": 120,
        "attendees": 4,
        "title": "Weekly review",
        "repeat": "weekly",
        "until": weeks[-1].isoformat(),
        "accept_terms": "on",
        "confirm": "1",
    }
    response = client.post(reverse("book_resource", args=[room.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    preview_url = response["Location"]

    # the preview asks Thia for each date; dates it has not answered within the page's
    # budget say "Asking the provider…" and fill in (htmx polls; here: look again)
    def settled():
        page = client.get(preview_url).content.decode()
        return page if "Asking the provider" not in page else None

    page = wait_for(settled, timeout=60)
    assert page, "the preview never settled"
    assert "10 dates" in page and "7 free" in page and "3 taken or closed" in page
    assert not Booking.objects.exists()  # previewing books nothing

    response = client.post(
        reverse("book_series", args=[room.pk]),
        hidden_fields(page)
        | {
            "accept_terms": "on",
            "confirm": "1",
        },
    )
    series = BookingSeries.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("series_detail", args=[series.pk])
    assert series.occurrences.count() == 7

    done = wait_for(
        lambda: not series.occurrences.exclude(status=Status.CONFIRMED).exists(), timeout=180
    )
    assert done, (
        list(series.occurrences.values_list("start", "status")),
        worker.log.read_text()[-4000:],
    )

    # at Thia: exactly one new booking per free week, 14:00-16:00, and none in a taken week
    ours = thia["bookings"][before:]
    assert sorted(b["date"] for b in ours) == [d.isoformat() for d in weeks if d not in taken]
    assert all(b["slots"] == ["14:00 - 15:00", "15:00 - 16:00"] for b in ours)
    references = set(series.occurrences.values_list("provider_reference", flat=True))
    assert references == {b["access_code_id"] for b in ours}

    # the taken weeks are reported, not booked
    assert [s["start"][:10] for s in series.skipped] == [d.isoformat() for d in taken]
    assert {s["state"] for s in series.skipped} == {"taken"}
    page = client.get(response["Location"]).content.decode()
    assert page.count("Taken: not booked") == 3
    assert page.count(">Confirmed<") == 7
    assert 'hx-trigger="every 2s"' not in page  # every date has its answer: no polling

    # within Thia's rate limit: never a 429, and the submissions were spread out
    assert "status=429" not in worker.log.read_text()
    sent = list(
        BookingEvent.objects.filter(booking__series=series, to_status=Status.SUBMITTING)
        .order_by("at")
        .values_list("at", "booking__submit_after")
    )
    assert len(sent) == 7
    turns = sorted(after for _at, after in sent if after is not None)
    assert len(turns) == 6  # the first date goes at once, each other one on its turn
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(turns)]
    assert all(gap == pytest.approx(60 / 55 / 0.5, abs=0.01) for gap in gaps), gaps
    early = [(at, after) for at, after in sent if after is not None and at < after]
    assert not early, early  # never sent before its turn
    # ... so the last one went at least six turns after the series was made
    assert (sent[-1][0] - series.created_at).total_seconds() >= 6 * 2.0

    # the calendar feed shows each date
    token = FeedToken.renew(member).token
    feed = client.get(f"/calendar/{token}.ics").content.decode()
    assert feed.count("BEGIN:VEVENT") == 7


def test_a_member_repeats_a_booking_in_a_real_browser_within_the_policy(
    browser, live_server, catalogue, worker, member
):
    """The form's Repeat option, the preview filling in, the series page following the
    worker live and its cancel confirmation, with no CSP violation or console error."""
    from tests.e2e.conftest import log_in
    from tests.e2e.test_csp import Watched

    watched = Watched(browser, live_server)
    page = watched.page
    try:
        room = Resource.objects.get(space__account__kind="thia", name="Small Meeting Room")
        first = thursday_ahead()
        last = first + dt.timedelta(weeks=3)
        log_in(page, live_server)
        start = dt.datetime.combine(first, dt.time(10)).strftime("%Y-%m-%dT%H:%M")
        page.goto(f"{live_server.url}/resources/{room.pk}/book/?start={start}")
        page.get_by_label("Repeat").select_option("weekly")
        page.get_by_label("Until (the last day)").fill(last.isoformat())
        terms = page.get_by_label("I accept the space's terms")
        if terms.count():
            terms.check()
        page.get_by_role("button", name="Confirm the booking").click()
        page.wait_for_url("**/book/series/**")
        dates = page.locator("tr.series-date")
        dates.first.wait_for()
        assert dates.count() == 4
        # dates not answered yet fill in by themselves
        page.get_by_text("4 free").wait_for(timeout=30_000)
        page.get_by_role("button", name="Confirm the series").click()
        page.wait_for_url(re.compile(r".*/series/\d+/$"))
        rows = page.locator("tr.series-row .status-confirmed")
        rows.nth(3).wait_for(timeout=90_000)  # the page follows the worker live
        assert rows.count() == 4

        questions: list[str] = []

        def answer(dialog):
            questions.append(dialog.message)
            dialog.accept()

        page.once("dialog", answer)
        page.get_by_role("button", name="Cancel this date").first.click()
        page.get_by_text("Your cancellation is with our staff").first.wait_for()
        assert questions == ["Cancel this date?"]
        assert watched.problems == []
    finally:
        watched.close()
