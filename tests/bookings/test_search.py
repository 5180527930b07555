"""Search by time window (bookings.search and /api/search) over the availability index.

Index rows are written here directly (the index's refresh is tested on its own)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from bookings import search
from bookings.models import AvailabilityWindow, ExchangeRate
from providers import places, services
from providers.adapters.types import OfferData, ResourceData
from providers.models import Health, Offer, ProviderAccount, Resource, Space
from tests.providers import factories

pytestmark = pytest.mark.django_db

DAY = dt.date.today() + dt.timedelta(days=10)


def at(zone: str, hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    if hour == 24:  # the next midnight
        return at(zone, 0, minute, day + dt.timedelta(days=1))
    return dt.datetime.combine(day, dt.time(hour, minute), zoneinfo.ZoneInfo(zone))


def free(item, start_hour: int, end_hour: int, *, day: dt.date = DAY, state="free", **extra):
    space = item.space
    return AvailabilityWindow.objects.create(
        resource=item if isinstance(item, Resource) else None,
        offer=item if isinstance(item, Offer) else None,
        space=space,
        day=day,
        start=at(space.timezone, start_hour, day=day),
        end=at(space.timezone, end_hour, day=day),
        timezone=space.timezone,
        state=state,
        # read three minutes ago, whenever in a long run this test happens to run
        fetched_at=extra.pop("fetched_at", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)),
        source="test",
        **extra,
    )


@pytest.fixture
def catalogue():
    """Dublin (EUR, workways) and New York (USD, zentry): rooms, a one-person pass."""
    dublin = factories.space("dub", name="Canal Hub", city="Dublin", amenities=["WiFi"])
    york = factories.space(
        "nyc",
        name="Hudson Loft",
        city="New York",
        country="United States",
        country_code="US",
        timezone="America/New_York",
        latitude=Decimal("40.71"),
        longitude=Decimal("-74.00"),
        amenities=["WiFi", "Parking"],
        resources=[
            ResourceData(
                external_id="nyc-r1",
                name="Liberty",
                kind="meeting_room",
                capacity=8,
                price_hour=Decimal("50.00"),
                currency="USD",
            )
        ],
        offers=[
            OfferData(
                external_id="nyc-o1",
                name="Team pass",
                kind="day_pass",
                price=Decimal("40.00"),
                currency="USD",
                price_unit="day",
                max_persons=12,
            )
        ],
    )
    services.apply_catalogue(factories.account(kind="workways"), factories.catalogue(dublin))
    services.apply_catalogue(factories.account(kind="zentry", name="Z"), factories.catalogue(york))
    for space in Space.objects.all():
        space.search_text = places.search_text(space.name, space.city, space.country)
        space.save(update_fields=["search_text"])
    ExchangeRate.objects.update_or_create(currency="USD", defaults={"per_euro": Decimal("1.25")})
    return {i.external_id: i for i in [*Resource.objects.all(), *Offer.objects.all()]}


def run(**filters) -> search.SearchResult:
    return search.search(search.SearchQuery(date=DAY, **filters))


def names(result) -> list[str]:
    return [hit.item.name for hit in result.hits]


def test_a_two_hour_window_is_local_to_each_space(catalogue):
    free(catalogue["dub-r1"], 9, 17)  # Boardroom, Dublin
    free(catalogue["nyc-r1"], 13, 15)  # Liberty, New York: 14-16 is not inside
    free(catalogue["nyc-r1"], 14, 18)
    result = run(start=dt.time(14), end=dt.time(16))
    assert sorted(names(result)) == ["Boardroom", "Liberty"]
    starts = {hit.item.name: hit.start for hit in result.hits}
    assert starts["Boardroom"] == at("Europe/Dublin", 14)
    assert starts["Liberty"] == at("America/New_York", 14)
    assert starts["Liberty"].utcoffset() == dt.timedelta(hours=-5)
    assert all(hit.match == "exact" for hit in result.hits)


def test_a_taken_window_offers_the_nearest_free_ones_that_day(catalogue):
    free(catalogue["dub-r1"], 8, 10)
    free(catalogue["dub-r1"], 17, 20)
    free(catalogue["dub-r2"], 13, 18)  # Huddle: 14-16 fits
    result = run(start=dt.time(14), end=dt.time(16), kind="meeting_room")
    assert names(result) == ["Huddle", "Boardroom"]  # exact first, then the nearest
    boardroom = result.hits[1]
    assert boardroom.match == "alternative"
    assert boardroom.start == at("Europe/Dublin", 17)  # 17-19 (3 h gap) beats 08-10 (6 h)
    assert [s.hour for s, _ in boardroom.alternatives] == [17, 8]


def test_every_filter_applies_to_the_same_item(catalogue):
    for key in ("dub-r1", "dub-r2", "nyc-r1"):
        free(catalogue[key], 8, 20)
    free(catalogue["dub-o1"], 0, 24, places_left=30)  # a pass for one person
    free(catalogue["nyc-o1"], 0, 24, places_left=30)  # for up to 12
    result = run(kind="day_pass", people=10)
    assert names(result) == ["Team pass"]
    # 6 people: the Boardroom (10) and Liberty (8), not the Huddle (4)
    assert sorted(names(run(kind="meeting_room", people=6))) == ["Boardroom", "Liberty"]
    # 5 people at most 100 EUR for two hours: the Boardroom costs 60, Liberty 80 EUR
    cheap = run(kind="meeting_room", people=6, start=dt.time(10), minutes=120, max_total=70)
    assert names(cheap) == ["Boardroom"]
    assert names(run(amenities=["parking"], kind="meeting_room")) == ["Liberty"]


def test_a_room_that_wants_more_people_than_asked_for_is_not_offered(catalogue):
    for key in ("dub-r1", "dub-r2", "nyc-r1"):
        free(catalogue[key], 8, 20)
    boardroom = next(i for i in catalogue.values() if i.name == "Boardroom")
    boardroom.rules = {**boardroom.rules, "min_persons": 8}  # a Workways minPerson
    boardroom.save()
    assert sorted(names(run(kind="meeting_room", people=6))) == ["Liberty"]
    assert sorted(names(run(kind="meeting_room", people=8))) == ["Boardroom", "Liberty"]


def test_places_in_local_and_english_names_and_accents(catalogue):
    free(catalogue["dub-r1"], 8, 20)
    free(catalogue["nyc-r1"], 8, 20)
    assert names(run(q="Baile Átha Cliath")) == ["Boardroom"]
    assert names(run(city="NYC")) == ["Liberty"]
    assert names(run(country="IE")) == ["Boardroom"]
    assert names(run(q="nowhere")) == []


def test_totals_in_the_space_currency_and_the_display_one(catalogue):
    free(catalogue["dub-r1"], 8, 20)
    free(catalogue["nyc-r1"], 8, 20)
    result = run(start=dt.time(10), minutes=90, currency="USD", sort="price")
    hits = {hit.item.name: hit for hit in result.hits}
    assert (hits["Boardroom"].total, hits["Boardroom"].currency) == (Decimal("45.00"), "EUR")
    assert hits["Boardroom"].display_total == Decimal("56.25")
    assert (hits["Liberty"].total, hits["Liberty"].currency) == (Decimal("75.00"), "USD")
    assert hits["Liberty"].display_total == Decimal("75.00")
    assert names(result) == ["Boardroom", "Liberty"]  # 56.25 USD before 75 USD
    assert all(hit.estimate and hit.includes_vat is None for hit in result.hits)


def test_unknown_rows_are_labelled_not_hidden_and_the_provider_marked(catalogue):
    free(catalogue["dub-r1"], 8, 20)
    free(catalogue["nyc-r1"], 0, 24, state="unknown")
    ProviderAccount.objects.filter(kind="zentry").update(health=Health.DEGRADED)
    result = run(start=dt.time(14), minutes=60)
    assert names(result) == ["Boardroom", "Liberty"]  # free before unknown
    liberty = result.hits[1]
    assert liberty.match == "unknown" and liberty.degraded
    statuses = {p.provider: p.status for p in result.providers}
    assert statuses == {"workways": "ok", "zentry": "degraded"}
    ProviderAccount.objects.filter(kind="zentry").update(health=Health.OK)
    assert {p.provider: p.status for p in run().providers}["zentry"] == "unknown"


def test_daylight_saving_day_in_one_zone(catalogue):
    # the last Sunday of October: Dublin's clocks go back at 02:00
    day = dt.date(DAY.year + 1, 10, 31)
    day -= dt.timedelta(days=(day.weekday() + 1) % 7)
    room = catalogue["dub-r1"]
    free(room, 9, 12, day=day)
    result = search.search(search.SearchQuery(date=day, start=dt.time(10), end=dt.time(11)))
    assert names(result) == ["Boardroom"]
    assert result.hits[0].start.utcoffset() == dt.timedelta(0)  # winter time that day


def test_paging_and_freshness(catalogue):
    for key in ("dub-r1", "dub-r2", "nyc-r1"):
        free(catalogue[key], 8, 20)
    first = run(limit=2)
    second = run(limit=2, offset=2)
    assert first.count == second.count == 3
    assert len(first.hits) == 2 and len(second.hits) == 1
    now = dt.datetime.now(dt.UTC)
    assert all(now - hit.checked_at < dt.timedelta(minutes=4) for hit in first.hits)


def test_certainty_comes_from_the_provider(catalogue):
    free(catalogue["dub-r1"], 8, 20)
    (hit,) = run(kind="meeting_room", people=10).hits
    assert (hit.certainty, hit.expected_answer_hours) == search.rules.certainty(hit.item)


# --- /api/search ------------------------------------------------------------------------


def test_api_answers_the_documented_shape(client, catalogue):
    free(catalogue["dub-r1"], 9, 17, places_left=None)
    free(catalogue["nyc-o1"], 0, 24, places_left=7)
    answer = client.get(
        "/api/search", {"date": DAY.isoformat(), "start": "14:00", "end": "16:00"}
    ).json()
    assert answer["count"] == 2
    room = next(i for i in answer["items"] if i["offer"] is None)
    assert room["resource"] == {
        "id": catalogue["dub-r1"].pk,
        "name": "Boardroom",
        "kind": "meeting_room",
        "capacity": 10,
    }
    assert room["space"]["timezone"] == "Europe/Dublin" and room["space"]["provider"] == "workways"
    assert room["start"] == at("Europe/Dublin", 14).isoformat()
    assert room["end"] == at("Europe/Dublin", 16).isoformat()
    assert room["total"] == {
        "amount": "60.00",
        "currency": "EUR",
        "display_amount": "60.00",
        "display_currency": "EUR",
        "includes_vat": None,
        "estimate": True,
    }
    assert room["certainty"] in ("instant", "request")
    assert room["checked_at"] and room["places_left"] is None
    day_pass = next(i for i in answer["items"] if i["offer"])
    assert day_pass["resource"] is None and day_pass["offer"]["id"] == catalogue["nyc-o1"].pk
    assert day_pass["places_left"] == 7
    assert day_pass["total"]["display_amount"] == "32.00"  # 40 USD at 1.25 per euro
    assert {p["provider"] for p in answer["providers"]} == {"workways", "zentry"}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("date=tomorrow", "date"),
        ("date=2000-01-01", "date"),
        ("start=25:00&end=26:00", "start"),
        ("start=14:00", "end"),
        ("start=14:00&end=13:00", "end"),
        ("minutes=5", "minutes"),
        ("people=0", "people"),
        ("kind=castle", "kind"),
        ("max_total=cheap", "max_total"),
        ("currency=XYZ", "currency"),
        ("limit=1000", "limit"),
        ("offset=-1", "offset"),
        ("colour=blue", "colour"),
    ],
)
def test_api_bad_parameters_are_named(client, catalogue, query, parameter):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["error"]


def test_api_uses_the_member_display_currency(client, catalogue, django_user_model):
    free(catalogue["dub-r1"], 9, 17)
    member = django_user_model.objects.create_user(
        email="m@example.com", password="x", display_currency="USD"
    )
    client.force_login(member)
    answer = client.get("/api/search", {"date": DAY.isoformat(), "start": "10:00", "minutes": 60})
    assert answer.json()["items"][0]["total"]["display_amount"] == "37.50"


def test_openapi_documents_search_slots_and_days(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/search", "/api/resources/{id}/slots", "/api/offers/{id}/days"} <= set(paths)
    names_ = {p["name"] for p in paths["/api/search"]["get"]["parameters"]}
    assert {"city", "q", "date", "start", "end", "minutes", "people", "max_total"} <= names_
