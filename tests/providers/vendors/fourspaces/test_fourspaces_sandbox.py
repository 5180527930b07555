"""4Spaces adapter against the sandbox in-process: the catalogue is the seed state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from providers.adapters import adapter_for

KIND = "fourspaces"


def organization(sandbox, account):
    return sandbox.store.data["providers"][KIND]["organizations"][account.config["organization_id"]]


def building_of_things(org) -> dict[str, str]:
    """Smart-space id -> the id of the top-level smart space it sits in."""
    found: dict[str, str] = {}

    def walk(thing, top):
        for category in thing.get("thingsByCategory") or []:
            for child in category.get("things") or []:
                found[child["id"]] = top
                walk(child, top)

    for site in org["smartSpaces"]:
        walk(site, site["id"])
    return found


def expected(org):
    """(space ids, {space: resource product ids}, {space: offer product ids}) from state."""
    spaces = [site["id"] for site in org["smartSpaces"]]
    where = building_of_things(org)
    resources = {s: set() for s in spaces}
    offers = {s: set() for s in spaces}
    for service in org["services"]:
        timespan = service["serviceType"] == 1 and service["timeOption"]["type"] == 1
        for product in service["products"]:
            linked = {where[x] for x in product.get("externalId") or [] if x in where}
            for space in linked or spaces:
                (resources if timespan else offers)[space].add(product["id"])
    return spaces, resources, offers


@pytest.fixture
def account(sandbox_accounts):
    return sandbox_accounts[KIND][0]


@pytest.fixture
def catalogue(account, sandbox_transport):
    with adapter_for(account, transport=sandbox_transport) as adapter:
        return adapter.fetch_catalogue()


def test_catalogue_holds_every_site_room_and_service_product(sandbox, account, catalogue):
    org = organization(sandbox, account)
    spaces, resources, offers = expected(org)
    assert catalogue.skipped == []
    assert [s.external_id for s in catalogue.spaces] == spaces
    for space in catalogue.spaces:
        assert {r.external_id for r in space.resources} == resources[space.external_id]
        assert {o.external_id for o in space.offers} == offers[space.external_id]
    total_products = sum(len(s["products"]) for s in org["services"])
    assert total_products == len(
        {r.external_id for s in catalogue.spaces for r in s.resources}
        | {o.external_id for s in catalogue.spaces for o in s.offers}
    )


def test_spaces_carry_address_time_zone_and_hours(sandbox, account, catalogue):
    org = organization(sandbox, account)
    for site, space in zip(org["smartSpaces"], catalogue.spaces, strict=True):
        props = site["properties"]
        assert space.name == site["name"]
        assert space.timezone == props["timeZone"]
        assert space.city == props["city"]
        assert space.country_code == props["country"]
        assert props["address"] in space.address
        assert space.latitude == Decimal(props["latitude"])
        assert len(space.opening_hours) == 7
        # photos on the sandbox itself (sandbox/photos.py)
        assert all(url.startswith("http://127.0.0.1:8001/4spaces/photos/") for url in space.photos)


def test_prices_are_decimals_in_the_services_currency(sandbox, account, catalogue):
    org = organization(sandbox, account)
    products = {p["id"]: (service, p) for service in org["services"] for p in service["products"]}
    for space in catalogue.spaces:
        for room in space.resources:
            service, product = products[room.external_id]
            span = service["timeOption"]["timespanOptions"]
            assert room.currency == service["currency"]["code"]
            assert room.rules["min_minutes"] == span["minDuration"]
            assert room.rules["step_minutes"] == span["increment"]
            if span["minDuration"] == 60:
                expected_hour = max(
                    Decimal(str(product["unitPrice"])), Decimal(str(product["minimalPrice"]))
                )
                assert room.price_hour == expected_hour
            for window in room.raw.get("taken", []):
                assert window["start"].tzinfo is not None
                assert str(window["start"].tzinfo) == space.timezone
        for offer in space.offers:
            service, product = products[offer.external_id]
            assert offer.currency == service["currency"]["code"]
            assert isinstance(offer.price, Decimal)
            assert offer.price == max(
                Decimal(str(product["unitPrice"])), Decimal(str(product["minimalPrice"]))
            )
            if service["serviceType"] == 3:
                assert offer.raw["service_url"] == product["externalData"]["serviceUrl"]


def test_kinds_follow_the_booked_smart_space(catalogue):
    kinds = {
        item.external_id: item.kind
        for space in catalogue.spaces
        for item in [*space.resources, *space.offers]
    }
    assert set(kinds.values()) <= {
        "meeting_room",
        "desk",
        "office",
        "day_pass",
        "private_office",
        "service",
    }
    assert "day_pass" in kinds.values() and "private_office" in kinds.values()


@pytest.mark.django_db
def test_applying_the_catalogue_twice_changes_nothing_the_second_time(
    account, catalogue, sandbox_transport
):
    from providers.models import ProviderAccount
    from providers.services import apply_catalogue

    row = ProviderAccount.objects.create(
        kind=account.kind,
        name=account.name,
        config=account.config,
        credentials=account.credentials,
    )
    first = apply_catalogue(row, catalogue)
    assert first.created > 0
    with adapter_for(row, transport=sandbox_transport) as adapter:
        again = adapter.fetch_catalogue()  # a fresh read of the same provider state
    second = apply_catalogue(row, again)
    assert (second.created, second.updated, second.deactivated) == (0, 0, 0)
    assert second.unchanged == first.created
