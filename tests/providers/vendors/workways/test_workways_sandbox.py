"""Workways adapter against the sandbox in-process: the catalogue is what its state holds."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import httpx
import pytest

from providers import services
from providers.adapters import adapter_for
from providers.adapters.errors import AuthenticationError
from providers.models import ProviderAccount

# doc: "Public rooms only: Only rooms with type "publicOffice" or "publicMeeting" can be
# booked"
PUBLIC_TYPES = ("publicMeeting", "publicOffice")
SLOTS = ("slotWeek", "slotSaturday", "slotSunday")


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["workways"]


@pytest.fixture
def account(sandbox_accounts):
    [account] = sandbox_accounts["workways"]
    return account


@pytest.fixture
def extras(sandbox):
    """The sandbox's spare test credentials and ids (not part of a portal account)."""
    return sandbox.print_config("http://127.0.0.1:8001")["workways"]


@pytest.fixture
def catalogue(account, sandbox_transport):
    with adapter_for(account, transport=sandbox_transport) as adapter:
        return adapter.fetch_catalogue()


def public_sites(state):
    return [s for s in state["sites"] if s.get("isPublic", True)]


def is_monthly_office(room):
    return room["type"] == "publicOffice" and not any(room[k] for k in SLOTS)


def test_one_space_per_public_site_with_its_time_zone(state, catalogue):
    assert catalogue.skipped == []
    sites = {s["_id"]: s for s in public_sites(state)}
    assert {s.external_id for s in catalogue.spaces} == set(sites)
    for space in catalogue.spaces:
        site = sites[space.external_id]
        assert space.name == site["name"]
        assert space.country_code == site["country"]
        assert space.timezone == site["timeZone"]
        assert space.address == (site["publicAddress"] or "")


def test_exactly_the_public_rooms_and_no_private_one(state, extras, catalogue):
    sites = {s["_id"] for s in public_sites(state)}
    public = [r for r in state["rooms"] if r["type"] in PUBLIC_TYPES and r["siteId"] in sites]
    expected_resources = {r["_id"] for r in public if not is_monthly_office(r)}
    expected_offers = {r["_id"] for r in public if is_monthly_office(r)}
    resources = {r.external_id for s in catalogue.spaces for r in s.resources}
    offers = {o.external_id for s in catalogue.spaces for o in s.offers}
    assert resources == expected_resources
    assert offers == expected_offers
    private = {r["_id"] for r in state["rooms"] if r["type"] not in PUBLIC_TYPES}
    assert private and not private & (resources | offers)
    assert extras["private_room_id"] in private


def test_rooms_sit_in_their_site(state, catalogue):
    site_of = {r["_id"]: r["siteId"] for r in state["rooms"]}
    for space in catalogue.spaces:
        for item in [*space.resources, *space.offers]:
            assert site_of[item.external_id] == space.external_id


def test_prices_are_euros_and_rules_minutes(state, catalogue):
    rooms = {r["_id"]: r for r in state["rooms"]}
    resources = [r for s in catalogue.spaces for r in s.resources]
    assert resources
    for resource in resources:
        room = rooms[resource.external_id]
        assert resource.price_hour == (Decimal(str(room["pricePerHour"])) or None)
        assert resource.price_half_day == (Decimal(str(room["pricePerHalfDay"])) or None)
        assert resource.price_day == (Decimal(str(room["pricePerDay"])) or None)
        assert resource.price_month == (Decimal(room["pricePerMonth"] or "0") or None)
        assert resource.currency == "EUR"
        expected = "meeting_room" if room["type"] == "publicMeeting" else "office"
        if room.get("configuration") == "open-space":
            expected = "desk"  # the "Hot Desk Area", "Bastille Coworking Desk"
        assert resource.kind == expected
        assert resource.capacity == room["maxPerson"]
        assert resource.rules["min_minutes"] == max(30, room["minDurationBooking"])
        assert resource.rules["max_minutes"] == (room["maxDurationBooking"] or None)
        week = resource.rules["windows"]["weekdays"]
        assert "-".join([week[0]["from"], week[0]["to"]]) == room["slotWeek"]


def test_monthly_offices_are_private_office_offers(state, catalogue):
    rooms = {r["_id"]: r for r in state["rooms"]}
    offers = [o for s in catalogue.spaces for o in s.offers]
    assert offers
    for offer in offers:
        room = rooms[offer.external_id]
        assert offer.kind == "private_office"
        assert (offer.price, offer.currency, offer.price_unit) == (
            Decimal(room["pricePerMonth"]),
            "EUR",
            "month",
        )


def test_photos_are_absolute_and_served(catalogue, sandbox_transport):
    photos = [p for s in catalogue.spaces for r in s.resources for p in r.photos]
    assert photos and all(
        p.startswith("http://127.0.0.1:8001/workways/imageroom?id=") for p in photos
    )
    with httpx.Client(transport=sandbox_transport) as client:
        answer = client.get(photos[0])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/")


def test_site_without_address_takes_its_city_from_its_name(state, catalogue):
    bare = {s["_id"] for s in public_sites(state) if not s["publicAddress"]}
    assert bare
    for space in catalogue.spaces:
        if space.external_id in bare:
            assert (space.address, space.latitude) == ("", None)
            assert space.city and space.city in space.name  # "Workways Lyon Part-Dieu"
        else:
            assert space.city and space.latitude is not None


def test_an_inactive_token_is_an_authentication_error(account, extras, sandbox_transport):
    # The sandbox answers optional-auth GETs publicly when the token is unusable.
    inactive = dataclasses.replace(account, credentials={"token": extras["inactive_token"]})
    adapter = adapter_for(inactive, transport=sandbox_transport)
    with adapter, pytest.raises(AuthenticationError):
        adapter.fetch_catalogue()


@pytest.mark.django_db
def test_applying_the_catalogue_twice_changes_nothing_the_second_time(account, catalogue):
    provider = ProviderAccount.objects.create(
        kind=account.kind,
        name=account.name,
        config=account.config,
        credentials=account.credentials,
    )
    first = services.apply_catalogue(provider, catalogue)
    assert first.created == len(catalogue.spaces) + sum(
        len(s.resources) + len(s.offers) for s in catalogue.spaces
    )
    second = services.apply_catalogue(provider, catalogue)
    assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
    assert second.unchanged == first.created
