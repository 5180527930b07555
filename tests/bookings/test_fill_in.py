"""A cold week or pass fills in without a reload.

A page waits on a provider at most its budget; a day the provider had not answered by
then says "Asking the provider…" and asks again a second later (htmx swaps the day in
place), until the answer the page left behind has landed in the cache.
"""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from bookings.views.availability import DAY_RETRIES
from tests.bookings.conftest import join_provider_threads, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_provider(provider, settings):
    """The scripted provider answers only once ``gate`` is set; pages wait 50 ms."""
    settings.PAGE_PROVIDER_BUDGET_MS = 50
    settings.PAGE_PROVIDER_TOTAL_MS = 100
    gate = threading.Event()
    answer_day, answer_pass = provider.day_facts, provider.pass_days

    def day_facts(item, day):
        gate.wait(10)
        return answer_day(item, day)

    def pass_days(item, start, end):
        gate.wait(10)
        return answer_pass(item, start, end)

    provider.day_facts, provider.pass_days = day_facts, pass_days
    provider.gate = gate
    yield provider
    # the page's fetch threads answer now: joined here, or one would store its answer
    # in the cache after the next test emptied it (that test then read a known day)
    wait_for_answers(gate)


def day_url(room, day, tries):
    return reverse("resource_day", args=[room.pk]) + f"?date={day.isoformat()}&try={tries}"


def wait_for_answers(gate, seconds=5.0):
    """Let the provider answer and the page's fetch threads store their answers."""
    gate.set()
    join_provider_threads(seconds)


def test_a_day_not_answered_in_time_asks_again_and_then_shows_its_slots(
    client, room, held_provider
):
    day = tomorrow_at(10).date()
    page = client.get(reverse("resource_detail", args=[room.pk]), {"week": day.isoformat()})
    html = page.content.decode()
    assert "Asking the provider…" in html
    assert f'hx-get="{day_url(room, day, 1)}"' in html.replace("&amp;", "&")
    assert "slot-free" not in html

    wait_for_answers(held_provider.gate)
    cell = client.get(day_url(room, day, 1), HTTP_HX_REQUEST="true").content.decode()
    assert "slot-free" in cell
    assert "hx-get" not in cell  # answered: it stops asking
    assert f'id="day-{day.isoformat()}"' in cell  # swapped in place of the waiting day


def test_a_day_stops_asking_after_its_last_try(client, room, held_provider):
    day = tomorrow_at(10).date()
    cell = client.get(day_url(room, day, DAY_RETRIES)).content.decode()
    assert "hx-get" not in cell
    assert "Availability unknown" in cell
    assert "slow to answer" in cell


def test_a_failing_provider_is_not_asked_again_by_the_page(client, room, provider):
    from providers.adapters.errors import TransientError

    provider.day = TransientError("down", provider="thia")
    day = tomorrow_at(10).date()
    html = client.get(day_url(room, day, 1)).content.decode()
    assert "Availability unknown" in html
    assert "hx-get" not in html  # a failure is not "still asking": no polling


@pytest.mark.parametrize("raw", ["", "tomorrow", "2026-02-30", "9999-01-01"])
def test_a_bad_day_is_a_clear_400(client, room, provider, raw):
    response = client.get(reverse("resource_day", args=[room.pk]), {"date": raw})
    assert response.status_code == 400
    assert "date" in response.content.decode()


def test_a_pass_not_answered_in_time_fills_in(client, day_pass, held_provider):
    url = reverse("offer_detail", args=[day_pass.pk])
    html = client.get(url).content.decode()
    assert "Asking the provider…" in html
    assert f'hx-get="{url}?try=1"' in html
    wait_for_answers(held_provider.gate)
    part = client.get(f"{url}?try=1", HTTP_HX_REQUEST="true").content.decode()
    assert part.lstrip().startswith('<div id="pass-days"')  # the days alone, in place
    assert "slot-free" in part
    assert "hx-get" not in part
