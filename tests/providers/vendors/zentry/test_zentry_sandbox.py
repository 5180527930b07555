"""Zentry adapter against the Zentry sandbox in-process: the catalogue is what the seed holds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from providers.adapters import adapter_for
from providers.adapters.errors import AuthenticationError
from providers.adapters.types import AccountConfig
from providers.models import ProviderAccount
from providers.services import apply_catalogue
from sandbox.core import SELF_ORIGIN


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["zentry"]


@pytest.fixture
def account(sandbox_accounts) -> AccountConfig:
    [account] = sandbox_accounts["zentry"]
    return account


def fetch(account, transport):
    with adapter_for(account, transport=transport) as adapter:
        return adapter.fetch_catalogue()


def member_workspaces(state, account) -> set[str]:
    user = account.config["user_id"]
    return {m["workspaceId"] for m in state["workspaceMembers"] if m["userId"] == user}


def expected(state, account):
    """(locations, rooms by location id) a member of the portal may book."""
    members = member_workspaces(state, account)
    # LocationStatus Inactive: bookings are refused, so the location is left out
    locations = {loc["id"]: loc for loc in state["locations"] if loc["status"] == "Active"}
    rooms: dict[str, dict] = {loc_id: {} for loc_id in locations}
    for room in state["rooms"]:
        location = locations.get(room["locationId"])
        if location is None:
            continue
        # not on the marketplace (no marketplace price): only workspace members book it
        if location["workspaceId"] in members or room["marketplacePricePerHour"] is not None:
            rooms[location["id"]][room["id"]] = room
    return locations, rooms


def units(value):
    return None if value is None else Decimal(value) / 100


def test_the_catalogue_holds_every_bookable_location_and_room(state, account, sandbox_transport):
    catalogue = fetch(account, sandbox_transport)
    locations, rooms = expected(state, account)

    assert catalogue.skipped == []
    assert {s.external_id for s in catalogue.spaces} == set(locations)
    for space in catalogue.spaces:
        assert {r.external_id for r in space.resources} == set(rooms[space.external_id])
    assert sum(len(s.resources) for s in catalogue.spaces) == sum(len(r) for r in rooms.values())


def test_inactive_locations_and_unlisted_rooms_are_left_out(state, account, sandbox_transport):
    catalogue = fetch(account, sandbox_transport)
    space_ids = {s.external_id for s in catalogue.spaces}
    room_ids = {r.external_id for s in catalogue.spaces for r in s.resources}

    inactive = [loc["id"] for loc in state["locations"] if loc["status"] != "Active"]
    assert inactive  # the seed has one ("coming soon")
    assert space_ids.isdisjoint(inactive)
    assert not member_workspaces(state, account)  # the portal's user books on the marketplace
    unlisted = [r["id"] for r in state["rooms"] if r["marketplacePricePerHour"] is None]
    assert unlisted
    assert room_ids.isdisjoint(unlisted)


def test_time_zones_and_cents_are_converted(state, account, sandbox_transport):
    catalogue = fetch(account, sandbox_transport)
    locations, rooms = expected(state, account)

    for space in catalogue.spaces:
        location = locations[space.external_id]
        assert space.timezone == location["timeZone"]
        assert space.country_code == "US"
        # the sandbox writes its own photo URLs on the host it is asked on
        assert space.photos == [
            url.replace(SELF_ORIGIN, "http://127.0.0.1:8001") for url in location["pictureUrls"]
        ]
        assert space.amenities == location["amenities"]
        [offer] = space.offers
        assert offer.kind == "day_pass"
        assert offer.external_id == location["id"]
        assert offer.price == units(location["marketplacePrice"])
        assert offer.currency == "USD"
        maxima = [location["schedule"][d]["maxVisitors"] for d in location["schedule"]]
        assert offer.raw["max_visitors"] == maxima
        for resource in space.resources:
            room = rooms[space.external_id][resource.external_id]
            assert resource.price_hour == units(room["marketplacePricePerHour"])
            assert resource.price_day == units(room["marketplacePricePerDay"])
            assert resource.quantity == room["quantity"]
            assert resource.capacity == room["capacity"]
            assert resource.rules["max_minutes"] == room["maxReservationMinutes"]


def test_a_wrong_api_key_is_refused(account, sandbox_transport):
    wrong = AccountConfig(
        account.kind, account.name, account.config, {"api_key": "zk_dev_not_the_key"}
    )
    with pytest.raises(AuthenticationError):
        fetch(wrong, sandbox_transport)


@pytest.mark.django_db
def test_applying_the_catalogue_twice_changes_nothing(account, sandbox_transport):
    row = ProviderAccount.objects.create(
        kind=account.kind,
        name=account.name,
        config=account.config,
        credentials=account.credentials,
    )
    first = apply_catalogue(row, fetch(account, sandbox_transport))
    assert first.created > 0
    second = apply_catalogue(row, fetch(account, sandbox_transport))
    assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
    assert second.unchanged == first.created
