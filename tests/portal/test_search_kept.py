"""A search's page is kept under what it was computed from: asked again it is not
computed again, and a write of the index, a rate or the catalogue shows at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import index
from bookings.models import ExchangeRate
from providers.models import Space
from tests.bookings.test_search import DAY, catalogue, free  # noqa: F401  (a fixture)
from tests.portal.test_search_pages import DUBLIN_QUESTION

pytestmark = pytest.mark.django_db


def _search(client, query=DUBLIN_QUESTION, **more):
    return client.get("/spaces/", {**query, **more})


def _without_tokens(page) -> str:
    """The page less its CSRF tokens (each answer masks its own, as a fresh render does)."""
    token = r"[A-Za-z0-9]{64}"
    return re.sub(token, "", page.content.decode())


def test_the_same_search_again_reads_no_index_row_and_shows_the_same_page(
    client,
    catalogue,  # noqa: F811
):
    free(catalogue["dub-r1"], 9, 17)
    first = _search(client)
    with CaptureQueriesContext(connection) as queries:
        again = _search(client)
    assert again.status_code == 200 and "Boardroom" in again.content.decode()
    assert _without_tokens(again) == _without_tokens(first)
    assert not [q for q in queries if "availabilitywindow" in q["sql"]]


def test_a_refresh_that_finds_the_room_taken_shows_at_once(client, catalogue):  # noqa: F811
    room = catalogue["dub-r1"]
    free(room, 9, 17)
    assert "Boardroom" in _search(client).content.decode()
    # the provider now says the room is taken all day: the index's rows of the day go
    index._replace(room, {DAY: []}, {DAY: dt.datetime.now(dt.UTC)})
    page = _search(client).content.decode()
    assert "Boardroom" not in page and "1 bookable item" not in page


def test_a_new_rate_shows_at_once(client, catalogue):  # noqa: F811
    free(catalogue["nyc-r1"], 8, 20)
    question = {"date": DAY.isoformat(), "start": "10:00", "minutes": 60, "currency": "EUR"}
    assert "≈ 40.00 EUR" in _search(client, question).content.decode()
    rate = ExchangeRate.objects.get(currency="USD")
    rate.per_euro = Decimal("1.00")
    rate.save()
    assert "≈ 50.00 EUR" in _search(client, question).content.decode()


def test_a_space_staff_hide_leaves_the_results_at_once(client, catalogue):  # noqa: F811
    free(catalogue["dub-r1"], 9, 17)
    assert "Boardroom" in _search(client).content.decode()
    space = Space.objects.get(name="Canal Hub")
    space.hidden = True
    space.save()
    assert "Boardroom" not in _search(client).content.decode()


def test_a_bad_search_asked_again_is_still_a_400_with_its_message(client, catalogue):  # noqa: F811
    for _ in range(2):
        page = client.get("/spaces/?date=yesterday")
        assert page.status_code == 400 and "not valid" in page.content.decode()


def test_the_api_answer_is_kept_and_a_refresh_shows_in_it_at_once(
    client,
    catalogue,  # noqa: F811
):
    room = catalogue["dub-r1"]
    free(room, 9, 17)

    def names() -> list[str]:
        answer = client.get("/api/search", DUBLIN_QUESTION)
        assert answer.status_code == 200
        return [item["resource"]["name"] for item in answer.json()["items"] if item["resource"]]

    first = names()
    with CaptureQueriesContext(connection) as queries:
        assert names() == first and "Boardroom" in first  # kept: nothing read again
    assert not queries.captured_queries
    index._replace(room, {DAY: []}, {DAY: dt.datetime.now(dt.UTC)})
    assert "Boardroom" not in names()
