"""Small builders of catalogue data for tests."""

from __future__ import annotations

from decimal import Decimal

from providers.adapters.types import Catalogue, OfferData, OpeningHours, ResourceData, SpaceData
from providers.models import ProviderAccount


def account(kind: str = "workways", name: str = "Test account", **extra) -> ProviderAccount:
    return ProviderAccount.objects.create(
        kind=kind,
        name=name,
        config={"base_url": "http://127.0.0.1:9/none"},
        credentials={"token": "secret-token-value"},
        **extra,
    )


def space(external_id: str = "s1", **overrides) -> SpaceData:
    data = SpaceData(
        external_id=external_id,
        name=f"Space {external_id}",
        timezone="Europe/Dublin",
        description="Bright rooms by the canal",
        address="1 Canal Street",
        city="Dublin",
        country="Ireland",
        country_code="IE",
        latitude=Decimal("53.34"),
        longitude=Decimal("-6.26"),
        opening_hours=[OpeningHours(weekday=0, opens=None, closes=None)],
        photos=["https://example.com/p.jpg"],
        amenities=["WiFi", "Coffee Machine"],
        resources=[
            ResourceData(
                external_id=f"{external_id}-r1",
                name="Boardroom",
                kind="meeting_room",
                capacity=10,
                price_hour=Decimal("30.00"),
                currency="EUR",
            ),
            ResourceData(
                external_id=f"{external_id}-r2",
                name="Huddle",
                kind="meeting_room",
                capacity=4,
                price_hour=Decimal("12.00"),
                currency="EUR",
            ),
        ],
        offers=[
            OfferData(
                external_id=f"{external_id}-o1",
                name="Day pass",
                kind="day_pass",
                price=Decimal("25.00"),
                currency="EUR",
                price_unit="day",
            )
        ],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def catalogue(*spaces: SpaceData, skipped=None) -> Catalogue:
    return Catalogue(spaces=list(spaces), skipped=skipped or [])
