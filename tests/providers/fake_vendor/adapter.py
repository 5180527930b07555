"""Acme's adapter: translates its one JSON document into the portal's types."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from providers.adapters.base import BaseAdapter
from providers.adapters.parsing import text
from providers.adapters.types import Catalogue, ItemRef, ProviderDay, ResourceData, SpaceData
from tests.providers.fake_vendor import SPEC


class AcmeAdapter(BaseAdapter):
    kind = SPEC.kind
    rate_limit = SPEC.rate_limit

    def fetch_catalogue(self) -> Catalogue:
        base = str(self.setting("base_url")).rstrip("/")
        headers = {"Authorization": f"Bearer {self.secret('api_token')}"}
        data = self.get_json(f"{base}/spaces", endpoint="spaces", headers=headers)
        return Catalogue(
            spaces=[
                SpaceData(
                    external_id=str(item["id"]),
                    name=text(item["name"]),
                    timezone=item["tz"],
                    city=text(item["city"]),
                    country=text(item["country"]),
                    country_code=text(item["country_code"]),
                    resources=[
                        ResourceData(
                            external_id=str(room["id"]),
                            name=text(room["name"]),
                            kind="meeting_room",
                            capacity=room["seats"],
                            rules={"slot_minutes": 60},
                        )
                        for room in item["rooms"]
                    ],
                )
                for item in data
            ]
        )

    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        zone = ZoneInfo(item.timezone)
        opens = dt.datetime.combine(day, dt.time(9), zone)
        closes = dt.datetime.combine(day, dt.time(17), zone)
        return ProviderDay(open=[(opens, closes)], busy=[])
