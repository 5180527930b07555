"""Pages never wait on a slow provider; anonymous browsing cannot drain a rate limit.

A provider that hangs is stood in for by a scripted adapter that blocks until the test
releases it; the page must answer within its budget, say "unknown", and find the
provider's answer once it comes (one call, stored by the thread that asked).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from bookings.models import Booking
from providers import availability as provider_facts
from providers import jobs
from providers.ratelimit import BROWSE, RESERVED, Limit, LocalRateLimiter, RateLimitTimeout, acquire
from tests.bookings.conftest import (
    ScriptedProvider,
    day_pass,  # noqa: F401 - fixtures used by name
    join_provider_threads,
    member,  # noqa: F401
    room,  # noqa: F401
    services_asking_providers,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db

SLOW = "The provider is slow to answer; availability is unknown."
# the page's budget is 0.3 s; a second and a half leaves room for a loaded test machine
# and still tells a page that waits on a hanging provider (10 s and more) from one that
# does not
ANSWERS_WITHIN = 1.5


class HangingProvider(ScriptedProvider):
    """Blocks every call until ``release`` is set (when ``hang``)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.hang = True
        self.calls: list[tuple] = []
        self.options: list[dict] = []

    def _ask(self, *what) -> None:
        self.calls.append(what)
        if self.hang:
            self.release.wait(20)

    def day_facts(self, item, day):
        self._ask("day", day)
        return super().day_facts(item, day)

    def pass_days(self, item, start, end):
        self._ask("pass", start, end)
        return super().pass_days(item, start, end)

    def quote(self, item, request):
        self._ask("quote")
        return super().quote(item, request)


@pytest.fixture
def hanging(monkeypatch):
    scripted = HangingProvider()

    def adapter_for(account, **options):
        scripted.options.append(options)
        return scripted

    for module in (*services_asking_providers(), provider_facts):
        monkeypatch.setattr(module, "adapter_for", adapter_for)
    cache.clear()
    yield scripted
    scripted.release.set()
    join_provider_threads()  # the threads that asked store their answers, then go
    cache.clear()


@pytest.fixture
def enqueued(monkeypatch):
    sent: list[tuple] = []

    def enqueue(task, *args, **kwargs):
        sent.append((getattr(task, "name", ""), *args))

    monkeypatch.setattr(jobs, "enqueue", enqueue)
    return sent


@pytest.fixture
def logged_in(client, member):  # noqa: F811
    client.force_login(member)
    return client


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from bookings import tasks

    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the background answer never came"
        time.sleep(0.02)


def day_ahead(room, days: int = 1) -> dt.date:  # noqa: F811
    return provider_facts.local_today_for(room.space.timezone) + dt.timedelta(days=days)


# --- the rate limit's shares -----------------------------------------------------------


def test_browsing_takes_only_its_share_and_bookings_keep_theirs(settings):
    settings.PROVIDER_BROWSE_PERCENT = 50
    limiter, limit = LocalRateLimiter(), Limit(10, 60)
    for _ in range(5):
        assert acquire(limiter, "thia:k", limit, max_wait=0, share=BROWSE) == 0
    with pytest.raises(RateLimitTimeout):
        acquire(limiter, "thia:k", limit, max_wait=0, share=BROWSE)
    # the reserved half is still there for previews and bookings, without waiting
    for _ in range(5):
        assert acquire(limiter, "thia:k", limit, max_wait=0, share=RESERVED) == 0
    with pytest.raises(RateLimitTimeout):
        acquire(limiter, "thia:k", limit, max_wait=0)


def test_page_fetches_browse_and_never_wait_on_the_limiter_quotes_are_reserved(
    logged_in,
    room,  # noqa: F811
    hanging,
    enqueued,
):
    hanging.hang = False
    logged_in.get(reverse("api_slots", args=[room.pk]), {"date": day_ahead(room).isoformat()})
    [facts] = hanging.options
    assert facts["rate_share"] == BROWSE
    assert facts["max_rate_wait"] == 0
    assert facts["max_attempts"] == 1
    start = tomorrow_at(10)
    logged_in.get(
        reverse("book_resource", args=[room.pk]),
        {"start": start.isoformat(), "minutes": 60, "attendees": 2},
    )
    quote = hanging.options[-1]
    assert quote.get("rate_share", RESERVED) == RESERVED
    assert quote["max_rate_wait"] <= 0.5  # PAGE_PROVIDER_TOTAL_MS


# --- a hanging provider ----------------------------------------------------------------


def test_the_slots_api_answers_unknown_within_the_budget_then_the_providers_answer(
    client,
    room,  # noqa: F811
    hanging,
    enqueued,
):
    url = reverse("api_slots", args=[room.pk])
    day = day_ahead(room).isoformat()
    response, took = timed(lambda: client.get(url, {"date": day}))
    assert took < ANSWERS_WITHIN
    assert response.status_code == 200
    assert response.json()["status"] == "unknown"
    assert response.json()["message"] == SLOW
    # a second request while the provider still hangs follows the first: no second call
    again, took = timed(lambda: client.get(url, {"date": day}))
    assert took < ANSWERS_WITHIN and again.json()["status"] == "unknown"
    assert len(hanging.calls) == 1
    hanging.release.set()  # the provider answers: the thread that asked stores it
    wait_for(lambda: cache.get(provider_facts.resource_key(room.pk, day_ahead(room))))
    known = client.get(url, {"date": day}).json()
    assert known["status"] == "known" and known["slots"]
    assert len(hanging.calls) == 1


def test_the_week_page_and_the_pass_page_answer_while_the_provider_hangs(
    client,
    room,  # noqa: F811
    day_pass,  # noqa: F811
    hanging,
    enqueued,
):
    for url in (
        reverse("resource_detail", args=[room.pk]),
        reverse("offer_detail", args=[day_pass.pk]),
        reverse("api_offer_days", args=[day_pass.pk]),
    ):
        response, took = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, url
        assert took < ANSWERS_WITHIN, (url, took)


def test_a_price_preview_shows_the_estimate_when_the_provider_hangs(
    logged_in,
    room,  # noqa: F811
    hanging,
    enqueued,
):
    url = reverse("book_resource", args=[room.pk])
    start = tomorrow_at(10)
    response, took = timed(
        lambda: logged_in.get(url, {"start": start.isoformat(), "minutes": 60, "attendees": 2})
    )
    assert took < ANSWERS_WITHIN
    page = response.content.decode()
    assert response.status_code == 200
    assert "Estimate from the provider" in page and "30.00" in page  # 1 h at 30.00
    assert "42.00" not in page  # the provider's price never came
    # the next preview does not wait on it again: the estimate at once, no second call
    again, took = timed(
        lambda: logged_in.get(url, {"start": start.isoformat(), "minutes": 90, "attendees": 2})
    )
    assert took < ANSWERS_WITHIN and "Estimate from the provider" in again.content.decode()
    assert hanging.calls.count(("quote",)) == 1


def test_confirming_books_while_the_provider_hangs(
    logged_in,
    room,  # noqa: F811
    hanging,
    enqueued,
):
    url = reverse("book_resource", args=[room.pk])
    data = {
        "start": tomorrow_at(10).isoformat(),
        "minutes": 60,
        "attendees": 2,
        "title": "Team sync",
        "confirm": "1",
    }
    response, took = timed(lambda: logged_in.post(url, data))
    assert took < ANSWERS_WITHIN
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.price == 30  # the catalogue's estimate; the provider confirms it


# --- provider work a request may trigger -----------------------------------------------


def test_a_two_month_range_is_left_to_a_worker(
    client,
    day_pass,  # noqa: F811
    hanging,
    enqueued,
    settings,
):
    settings.PAGE_PROVIDER_MAX_ITEM_DAYS = 31
    hanging.hang = False
    start = day_ahead(day_pass)
    end = start + dt.timedelta(days=60)
    response = client.get(
        reverse("api_offer_days", args=[day_pass.pk]),
        {"from": start.isoformat(), "to": end.isoformat()},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "unknown"
    assert hanging.calls == []  # the request asked nothing itself
    refreshes = [sent for sent in enqueued if sent[0] == "providers.refresh_availability"]
    assert refreshes == [
        ("providers.refresh_availability", "offer", day_pass.pk, start.isoformat(), end.isoformat())
    ]


def test_an_anonymous_visitor_has_a_small_allowance_per_minute(
    logged_in,
    day_pass,  # noqa: F811
    hanging,
    enqueued,
    settings,
):
    settings.ANON_PROVIDER_ITEM_DAYS_PER_MINUTE = 14
    hanging.hang = False
    url = reverse("api_offer_days", args=[day_pass.pk])
    start = day_ahead(day_pass)

    anonymous = Client()

    def days(first: int, addr: str = "203.0.113.7", who=anonymous):
        begin = start + dt.timedelta(days=first)
        span = {"from": begin.isoformat(), "to": (begin + dt.timedelta(days=6)).isoformat()}
        return who.get(url, span, REMOTE_ADDR=addr).json()["status"]

    assert days(0) == "known" and days(7) == "known"  # 14 item-days
    assert days(14) == "unknown"  # over this visitor's minute: a worker asks
    assert len(hanging.calls) == 2
    assert days(21, addr="198.51.100.9") == "known"  # another visitor has their own
    assert days(28, who=logged_in) == "known"  # members are not counted per address
    assert len(hanging.calls) == 4
