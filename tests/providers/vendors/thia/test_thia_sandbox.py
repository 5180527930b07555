"""Thia adapter against the Thia sandbox in-process: the catalogue is what the seed holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from providers.adapters import adapter_for
from providers.adapters.errors import AuthenticationError
from providers.adapters.types import AccountConfig
from providers.models import ProviderAccount
from providers.ratelimit import LocalRateLimiter
from providers.services import apply_catalogue
from sandbox import thia_seed

ROOM_SEATING = 4


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["thia"]


@pytest.fixture
def accounts(sandbox_accounts):
    return sandbox_accounts["thia"]


def sandbox_space(state, account: AccountConfig) -> dict:
    [space] = [s for s in state["spaces"] if s["api_key"] == account.credentials["api_key"]]
    return space


def for_members(product: dict) -> bool:
    # doc: unpublished products are not "bookable"; is_offer products "can only be sold
    # via the admin panel"
    return product["is_published"] and not product["is_offer"]


def expected(state, space: dict) -> tuple[dict, dict]:
    """(room products by id, pass products by id) the portal should list for a space."""
    room_ids = {r["id"] for r in state["meeting_rooms"] if r["space_id"] == space["id"]}
    rooms, passes = {}, {}
    for product in state["products"]:
        if product["space_id"] != space["id"] or not for_members(product):
            continue
        if product["seating_option"]["id"] == ROOM_SEATING:
            if product["settings"].get("meeting_room_id") in room_ids:
                rooms[str(product["id"])] = product
        else:
            passes[str(product["id"])] = product
    return rooms, passes


def fetch(account, transport):
    # A fresh client-side window per call: the process-wide one is shared with other tests.
    with adapter_for(account, transport=transport, limiter=LocalRateLimiter()) as adapter:
        return adapter.fetch_catalogue()


def test_every_partner_space_syncs_exactly_its_seed(state, accounts, sandbox_transport):
    partner_spaces = [s for s in state["spaces"] if s["is_partner"]]
    assert len(accounts) == len(partner_spaces)
    for account in accounts:
        catalogue = fetch(account, sandbox_transport)
        seed = sandbox_space(state, account)
        assert catalogue.skipped == []
        [space] = catalogue.spaces  # one key pair = one space
        assert space.external_id == str(seed["id"])
        assert space.name == seed["name"]
        assert space.timezone == "Europe/Bucharest"
        assert (space.city, space.country, space.country_code) == (
            seed["city"]["name"],
            "Romania",
            "RO",
        )
        assert space.address == seed["street"]
        assert space.latitude == Decimal(seed["latitude"]).quantize(Decimal("0.000001"))
        assert space.amenities == [a["name"] for a in seed["amenities"]]
        assert len(space.photos) == len(seed["photos"]) + 1  # the cover photo first
        assert all(p.startswith("http://127.0.0.1:8001/storage/") for p in space.photos)
        assert len(space.legal) == sum(1 for v in seed["legal"].values() if v)
        assert len(space.opening_hours) == 7

        rooms, passes = expected(state, seed)
        assert {r.external_id for r in space.resources} == set(rooms)
        assert {o.external_id for o in space.offers} == set(passes)
        for resource in space.resources:
            product = rooms[resource.external_id]
            [room] = [
                r
                for r in state["meeting_rooms"]
                if r["id"] == product["settings"]["meeting_room_id"]
            ]
            assert resource.capacity == room["capacity"]
            assert resource.price_hour == Decimal(product["price"])
            assert resource.currency == "RON"
            assert resource.raw["product_id"] == product["id"]
            assert resource.raw["meeting_room_id"] == room["id"]
            assert resource.rules["windows"]["daily"] == {
                "from": room["available_from"][:5],
                "to": room["available_to"][:5],
            }
        for offer in space.offers:
            product = passes[offer.external_id]
            assert offer.price == Decimal(product["price"])
            assert offer.currency == "RON"
            assert offer.raw["seating_option_id"] == product["seating_option"]["id"]


def test_unpublished_and_personalized_products_are_not_offered(state, accounts, sandbox_transport):
    listed = set()
    for account in accounts:
        [space] = fetch(account, sandbox_transport).spaces
        listed |= {r.external_id for r in space.resources} | {o.external_id for o in space.offers}
    hidden = {str(p["id"]) for p in state["products"] if not for_members(p)}
    assert hidden, "the seed has unpublished and is_offer products"
    assert listed.isdisjoint(hidden)


def test_bucharest_hours_and_cluj_non_stop_days(state, accounts, sandbox_transport):
    by_name = {a.credentials["api_key"]: a for a in accounts}
    [buc] = fetch(by_name[thia_seed.BUCHAREST_KEY], sandbox_transport).spaces
    [clj] = fetch(by_name[thia_seed.CLUJ_KEY], sandbox_transport).spaces
    for space, key in ((buc, thia_seed.BUCHAREST_KEY), (clj, thia_seed.CLUJ_KEY)):
        seed = next(s for s in state["spaces"] if s["api_key"] == key)
        for row in seed["hours"]:
            hours = space.opening_hours[row["weekday"] - 1]
            if row["closed"]:
                assert (hours.opens, hours.closes) == (None, None)
            elif row["non_stop"]:
                assert (hours.opens, hours.closes, hours.closes_next_day) == (
                    dt.time(0),
                    dt.time(0),
                    True,
                )
            else:
                assert hours.opens == dt.time.fromisoformat(row["open_time"])
                assert hours.closes == dt.time.fromisoformat(row["close_time"])


def test_non_partner_key_is_an_authentication_error(accounts, sandbox_transport):
    account = AccountConfig(
        kind="thia",
        name="Thia — Timisoara",
        config=accounts[0].config,
        credentials={
            "api_key": thia_seed.NON_PARTNER_KEY,
            "api_secret": thia_seed.NON_PARTNER_SECRET,
        },
    )
    with pytest.raises(AuthenticationError) as caught:
        fetch(account, sandbox_transport)
    assert caught.value.message == "This API is only available for partners"
    assert caught.value.status == 403


def test_wrong_secret_is_an_authentication_error(accounts, sandbox_transport):
    account = AccountConfig(
        kind="thia",
        name="Thia — wrong",
        config=accounts[0].config,
        credentials={**accounts[0].credentials, "api_secret": "wrong"},
    )
    with pytest.raises(AuthenticationError) as caught:
        fetch(account, sandbox_transport)
    assert caught.value.message == "The provided API key and secret combination is invalid"


@pytest.mark.django_db
def test_applying_the_catalogue_twice_changes_nothing_the_second_time(accounts, sandbox_transport):
    for config in accounts:
        account = ProviderAccount.objects.create(
            kind=config.kind,
            name=config.name,
            config=config.config,
            credentials=config.credentials,
        )
        first = apply_catalogue(account, fetch(account, sandbox_transport))
        assert first.created > 0
        second = apply_catalogue(account, fetch(account, sandbox_transport))
        assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
        assert second.unchanged == first.created
        space = account.spaces.get()
        assert space.timezone == "Europe/Bucharest"
        assert space.country_code == "RO"
        assert space.resources.filter(kind="meeting_room").count() == space.resources.count()
