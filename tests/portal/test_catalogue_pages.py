"""/spaces/, /spaces/<id>/ and the JSON API read the synced catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from providers import services
from providers.adapters.types import OfferData, ResourceData
from providers.models import Space
from tests.providers import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    dublin = factories.space("dub", name="Canal Hub", city="Dublin", amenities=["WiFi"])
    paris = factories.space(
        "par",
        name="Atelier Marais",
        city="Paris",
        country="France",
        country_code="FR",
        timezone="Europe/Paris",
        description="Quiet desks near the river",
        amenities=["Wi-Fi", "Parking"],
        resources=[
            ResourceData(
                external_id="par-big",
                name="Salle Seine",
                kind="meeting_room",
                capacity=20,
                price_hour=Decimal("80.00"),
                currency="EUR",
            )
        ],
        offers=[
            OfferData(
                external_id="par-desk",
                name="Hot desk",
                kind="hot_desk",
                price=Decimal("18.00"),
                currency="EUR",
                price_unit="day",
            )
        ],
    )
    services.apply_catalogue(factories.account(kind="workways"), factories.catalogue(dublin))
    services.apply_catalogue(factories.account(kind="zentry", name="Z"), factories.catalogue(paris))
    return {s.external_id: s for s in Space.objects.all()}


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def test_the_list_shows_every_visible_space(client, catalogue):
    page = client.get("/spaces/").content.decode()
    assert "Canal Hub" in page and "Atelier Marais" in page
    assert "2 spaces" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=canal", ["Canal Hub"]),
        ("q=river", ["Atelier Marais"]),  # description
        ("q=paris", ["Atelier Marais"]),  # city
        ("city=Dublin", ["Canal Hub"]),
        ("country=FR", ["Atelier Marais"]),
        ("country=France", ["Atelier Marais"]),
        ("kind=hot_desk", ["Atelier Marais"]),
        ("kind=day_pass", ["Canal Hub"]),
        ("capacity=15", ["Atelier Marais"]),
        ("amenities=parking", ["Atelier Marais"]),
        ("amenities=wi-fi", ["Atelier Marais", "Canal Hub"]),
        ("max_price=20", ["Atelier Marais", "Canal Hub"]),  # hot desk 18 / huddle 12
        ("max_price=11", []),
        ("provider=zentry", ["Atelier Marais"]),
    ],
)
def test_filters_work_in_the_api_and_the_page(client, catalogue, query, expected):
    response = client.get(f"/api/spaces?{query}")
    assert sorted(names(response)) == expected
    page = client.get(f"/spaces/?{query}").content.decode()
    for name in ["Canal Hub", "Atelier Marais"]:
        assert (name in page) == (name in expected)


def test_htmx_requests_get_only_the_results_fragment(client, catalogue):
    fragment = client.get("/spaces/?city=Paris", HTTP_HX_REQUEST="true").content.decode()
    assert "Atelier Marais" in fragment
    assert "<html" not in fragment and "<form" not in fragment


@pytest.mark.parametrize("query", ["capacity=lots", "capacity=0", "max_price=-3", "amenities=spa"])
def test_bad_filters_are_a_400_with_a_message(client, catalogue, query):
    page = client.get(f"/spaces/?{query}")
    assert page.status_code == 400
    assert "not valid" in page.content.decode()
    api = client.get(f"/api/spaces?{query}")
    assert api.status_code == 400
    assert api.json()["error"] == "invalid filters"


def test_api_pagination_and_item_shape(client, catalogue):
    body = client.get("/api/spaces?limit=1&offset=1").json()
    assert body["count"] == 2 and len(body["items"]) == 1
    item = client.get("/api/spaces?city=Paris").json()["items"][0]
    assert item["provider"] == "zentry"
    assert (item["city"], item["country"], item["timezone"]) == ("Paris", "FR", "Europe/Paris")
    room = item["resources"][0]
    assert room["kind"] == "meeting_room" and room["capacity"] == 20
    assert room["external_id"] == "par-big" and room["price_hour"] == "80.00"
    assert item["offers"][0]["kind"] == "hot_desk"


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "offset=-1"])
def test_api_refuses_bad_paging(client, catalogue, query):
    response = client.get(f"/api/spaces?{query}")
    assert response.status_code == 400
    assert "must be" in response.json()["error"]


def test_hidden_and_inactive_spaces_are_not_shown(client, catalogue):
    catalogue["dub"].hidden = True
    catalogue["dub"].save()
    assert names(client.get("/api/spaces")) == ["Atelier Marais"]
    assert client.get(f"/spaces/{catalogue['dub'].pk}/").status_code == 404
    assert client.get(f"/api/spaces/{catalogue['dub'].pk}").status_code == 404


def test_space_page_shows_rooms_passes_amenities_and_time_zone(client, catalogue):
    page = client.get(f"/spaces/{catalogue['par'].pk}/").content.decode()
    for text in ["Salle Seine", "80.00 EUR", "Hot desk", "18.00 EUR", "Wi-Fi", "Europe/Paris"]:
        assert text in page


def test_openapi_schema_describes_the_api(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/spaces" in schema["paths"]
    assert set(schema["components"]["schemas"]["Space"]["required"]) >= {
        "id",
        "name",
        "provider",
        "resources",
        "offers",
    }


def test_when_keeps_the_spaces_open_that_day_and_opens_their_calendars_on_it(client, catalogue):
    import datetime as dt

    paris = catalogue["par"]
    paris.opening_hours = [
        {"weekday": d, "opens": "09:00:00", "closes": "18:00:00", "closes_next_day": False}
        for d in range(5)
    ]
    paris.save()
    today = dt.date.today()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    tuesday = monday + dt.timedelta(days=1)
    # Dublin publishes Monday as closed (and no other day); Paris opens on weekdays
    assert names(client.get(f"/api/spaces?date={monday.isoformat()}")) == ["Atelier Marais"]
    assert names(client.get(f"/api/spaces?date={tuesday.isoformat()}")) == ["Atelier Marais"]
    page = client.get(f"/spaces/?date={tuesday.isoformat()}").content.decode()
    assert f"?date={tuesday.isoformat()}" in page
    detail = client.get(f"/spaces/{paris.pk}/?date={tuesday.isoformat()}").content.decode()
    assert f"?week={tuesday.isoformat()}" in detail
    assert client.get("/api/spaces?date=2020-01-01").status_code == 400


def test_a_space_that_publishes_no_hours_is_kept_for_any_day():
    import datetime as dt

    from providers.selectors import open_on

    assert open_on([], dt.date(2030, 1, 6)) is True
    hours = [{"weekday": 0, "opens": "09:00:00", "closes": "17:00:00"}]
    assert open_on(hours, dt.date(2030, 1, 7)) is True  # a Monday
    assert open_on(hours, dt.date(2030, 1, 8)) is False
