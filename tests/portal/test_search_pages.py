"""The home page and /spaces/ search by time window: cards of bookable items with their
total, certainty and freshness; without JavaScript (a GET form) and with htmx."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from django.utils.html import escape

from bookings import rules
from providers.models import Health, ProviderAccount
from tests.bookings.test_search import DAY, catalogue, free  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

DUBLIN_QUESTION = {
    "city": "Dublin",
    "date": DAY.isoformat(),
    "start": "14:00",
    "end": "16:00",
    "people": "6",
}


def test_the_dublin_question_is_answered_on_one_page(client, catalogue):  # noqa: F811
    free(catalogue["dub-r1"], 9, 17)  # the Boardroom holds 10
    free(catalogue["dub-r2"], 9, 17)  # the Huddle holds 4: not for 6
    page = client.get("/spaces/", DUBLIN_QUESTION).content.decode()
    assert "1 bookable item" in page
    assert "Boardroom" in page and "Huddle" not in page
    assert "14:00\u201316:00" in page and "(Europe/Dublin)" in page
    assert "60.00 EUR" in page  # 2 h x 30
    assert "VAT and fees: the provider does not say" in page
    certainty, _hours = rules.certainty(catalogue["dub-r1"])  # workways
    assert ("Instant confirmation" in page) == (certainty == "instant")
    assert "checked 3\xa0minutes ago" in page
    assert "Spaces where you look" in page  # the browse list stays below


def test_each_card_books_in_one_click_into_the_prefilled_form(client, catalogue):  # noqa: F811
    free(catalogue["dub-r1"], 9, 17)
    free(catalogue["nyc-o1"], 0, 24, places_left=3)
    page = client.get("/spaces/", {"date": DAY.isoformat(), "start": "14:00", "minutes": 90})
    html = page.content.decode()
    room_link = escape(f"/resources/{catalogue['dub-r1'].pk}/book/?")
    assert room_link in html
    href = html.split(room_link)[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(href) == {
        "start": [f"{DAY.isoformat()}T14:00"],
        "minutes": ["90"],
        "attendees": ["1"],
    }
    assert f"/offers/{catalogue['nyc-o1'].pk}/book/?date={DAY.isoformat()}&amp;persons=1" in html
    assert "3 places left" in html


def test_a_display_currency_shows_an_approximate_total(client, catalogue):  # noqa: F811
    free(catalogue["nyc-r1"], 8, 20)
    page = client.get(
        "/spaces/", {"date": DAY.isoformat(), "start": "10:00", "minutes": 60, "currency": "EUR"}
    ).content.decode()
    assert "50.00 USD" in page and "≈ 40.00 EUR" in page


def test_a_degraded_provider_has_a_banner_and_its_rooms_are_labelled(client, catalogue):  # noqa: F811
    free(catalogue["nyc-r1"], 0, 24, state="unknown")
    ProviderAccount.objects.filter(kind="zentry").update(health=Health.DEGRADED)
    page = client.get("/spaces/", {"date": DAY.isoformat()}).content.decode()
    assert "is not answering well right now" in page
    assert "Liberty" in page and "Availability unknown" in page and "Provider degraded" in page


def test_a_taken_time_shows_the_nearest_free_windows(client, catalogue):  # noqa: F811
    free(catalogue["dub-r1"], 8, 10)
    free(catalogue["dub-r1"], 17, 20)
    page = client.get("/spaces/", {**DUBLIN_QUESTION, "people": 2}).content.decode()
    assert "Taken at the time asked; nearest free:" in page
    assert "17:00\u201319:00" in page and "08:00\u201310:00" in page


def test_htmx_gets_the_results_in_place_and_the_home_page_answers_too(client, catalogue):  # noqa: F811
    free(catalogue["dub-r1"], 9, 17)
    fragment = client.get("/spaces/", DUBLIN_QUESTION, HTTP_HX_REQUEST="true").content.decode()
    assert "Boardroom" in fragment and "<form" not in fragment and "<html" not in fragment
    home = client.get("/", DUBLIN_QUESTION).content.decode()
    assert "Boardroom" in home and 'action="/spaces/"' in home
    assert "Boardroom" not in client.get("/").content.decode()  # no search: no results


@pytest.mark.parametrize(
    "query", ["start=14:00&date=" + DAY.isoformat(), "date=yesterday", "people=0&date=x"]
)
def test_bad_search_filters_are_a_400_with_a_message(client, catalogue, query):  # noqa: F811
    page = client.get(f"/spaces/?{query}")
    assert page.status_code == 400
    assert "not valid" in page.content.decode()


def test_no_search_keeps_the_browse_list(client, catalogue):  # noqa: F811
    page = client.get("/spaces/").content.decode()
    assert "2 spaces" in page and "bookable item" not in page
    assert 'name="date"' in page and 'name="start"' in page and 'name="max_total"' in page
