"""Thia's availability: room slots of a day and desks left on a day (seed
``000_625ed28ef0e2e084.txt``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from providers.adapters.base import malformed
from providers.adapters.errors import RejectedError, UnsupportedError
from providers.adapters.parsing import SkipItem
from providers.adapters.types import ItemRef, PassDay, ProviderDay
from providers.models import ResourceKind
from providers.vendors.thia.parsing import PASS_KINDS, iso_weekdays
from providers.vendors.thia.slots import SlotsMixin, local_slot, room_slot_hours

# One desk-availability call per day against "60 requests per minute per API key".
MAX_PASS_DAYS = 62


class AvailabilityMixin(SlotsMixin):
    # Availability reads Thia's slot labels (SlotsMixin).
    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """A room product's hourly slots on one Bucharest day, free or taken.

        doc: ``GET /space/meeting-room-availability?date=YYYY-MM-DD&product_id=N`` answers
        ``{"available_slots": ["09:00 - 10:00", ...]}``; "Only available (non-booked) slots
        are returned" and "Time slots are generated in 1-hour intervals based on the meeting
        room's operating hours". So every hour of the room's hours is a slot, available
        when Thia lists it and taken when it does not.
        """
        if item.kind != ResourceKind.MEETING_ROOM:
            raise UnsupportedError(
                f"thia has no availability for {item.kind or 'this'} resources",
                provider=self.kind,
            )
        product_id = self.item_product_id(item)
        opens, closes, weekdays = self.room_hours(item)
        if weekdays and day.weekday() not in weekdays:
            # the product is not sold that weekday (settings.weekdays): no slot at all
            return ProviderDay(slots=[])
        path = "/space/meeting-room-availability"
        body = self.json(
            self.request(
                "GET",
                f"{self.base_url}{path}",
                endpoint=f"GET {path}",
                headers=self.headers(),
                params={"date": day.isoformat(), "product_id": product_id},
            ),
            expect=dict,
        )
        listed = body.get("available_slots")
        if listed is None:
            listed = []  # doc: "Arrays ... can be null if no data is available"
        if not isinstance(listed, list):
            raise malformed(self.kind, f"GET {path}: available_slots is not a list")
        free = {self.parse_slot_label(label) for label in listed}
        hours: set[tuple[dt.time, dt.time]] = set(free)
        if opens is not None and closes is not None:
            hours.update(room_slot_hours(opens, closes))
        slots = []
        for start_time, end_time in sorted(hours):
            start, end = local_slot(day, start_time, end_time)
            if end.astimezone(dt.UTC) <= start.astimezone(dt.UTC):
                continue  # an hour the spring-forward change skips does not exist
            slots.append((start, end, (start_time, end_time) in free))
        return ProviderDay(slots=slots)

    def pass_days(self, item: ItemRef, start: dt.date, end: dt.date) -> list[PassDay]:
        """Desks left on each day, from ``GET /space/desk-availability?date=...``.

        doc: ``{"total_existing_desks", "total_booked_desks", "available_desks"}``,
        "available_desks: Number of desks available for booking (total - booked)". One
        call per day (the endpoint takes one date), so a range is bounded.
        """
        if item.kind not in PASS_KINDS:
            raise UnsupportedError(
                f"thia has no availability for {item.kind or 'this'} offers", provider=self.kind
            )
        if end < start:
            return []
        count = (end - start).days + 1
        if count > MAX_PASS_DAYS:
            raise RejectedError(
                f"at most {MAX_PASS_DAYS} days at a time (one call per day, 60 calls a minute)",
                provider=self.kind,
            )
        sold_on = self.sold_weekdays(item)
        sold_from = self.sold_from(item)
        path = "/space/desk-availability"
        result = []
        for offset in range(count):
            day = start + dt.timedelta(days=offset)
            body = self.json(
                self.request(
                    "GET",
                    f"{self.base_url}{path}",
                    endpoint=f"GET {path}",
                    headers=self.headers(),
                    params={"date": day.isoformat()},
                ),
                expect=dict,
            )
            available = body.get("available_desks")
            if isinstance(available, bool) or not isinstance(available, int) or available < 0:
                raise malformed(self.kind, f"GET {path}: available_desks is not a count")
            sold = (not sold_on or day.weekday() in sold_on) and (
                sold_from is None or day >= sold_from
            )
            result.append(PassDay(day=day, open=sold and available > 0, remaining=available))
        return result

    @staticmethod
    def room_hours(item: ItemRef) -> tuple[dt.time | None, dt.time | None, list[int]]:
        """(available_from, available_to, weekdays 0..6; [] = every day) of a room product.

        From ``raw`` (the room's ``available_from``/``available_to`` "HH:MM:SS" and the
        product's ISO ``weekdays``), else from the ``rules["windows"]`` the catalogue wrote
        (rows synced before ``raw`` carried them).
        """
        windows = item.rules.get("windows") if isinstance(item.rules, dict) else None
        windows = windows if isinstance(windows, dict) else {}
        daily = windows.get("daily")
        if not isinstance(daily, dict):
            daily = {}

        def as_time(value: Any) -> dt.time | None:
            try:
                return dt.time.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                return None

        opens = as_time(item.raw.get("available_from")) or as_time(daily.get("from"))
        closes = as_time(item.raw.get("available_to")) or as_time(daily.get("to"))
        if "weekdays" in item.raw:
            try:
                weekdays = iso_weekdays(item.raw.get("weekdays"))
            except SkipItem:
                weekdays = []
        else:
            weekdays = [
                d for d in windows.get("weekdays") or [] if isinstance(d, int) and 0 <= d <= 6
            ]
        return opens, closes, weekdays

    @staticmethod
    def sold_weekdays(item: ItemRef) -> list[int]:
        # doc: weekdays "uses ISO 8601 day numbering", "An empty array ([]) signifies access
        # for the entire week"; day passes have no weekdays (every day)
        try:
            return iso_weekdays(item.raw.get("weekdays"))
        except SkipItem:
            return []

    @staticmethod
    def sold_from(item: ItemRef) -> dt.date | None:
        # doc: product "available_from": "Date when product becomes available (YYYY-MM-DD)"
        value = item.raw.get("available_from")
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None
