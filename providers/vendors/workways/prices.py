"""Workways quotes through ``GET /api/room-price`` (seed ``001_880c9b30cd55c5d4.txt``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.base import malformed
from providers.adapters.errors import RejectedError, UnsupportedError
from providers.adapters.types import BookingRequest, ItemRef, Quote
from providers.messages import Message
from providers.vendors.workways.client import WorkwaysClient
from providers.vendors.workways.parsing import (
    CURRENCY,
    OFFICE,
    TIMED_KINDS,
    length_message,
    whole_minutes,
)


class PricesMixin(WorkwaysClient):
    """``quote`` through room-price."""

    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """``GET /api/room-price``: meeting rooms by start, duration and persons; offices
        by the month. doc: "data.price number Calculated price, or -1 if unavailable"."""
        room_id = self.room_id_of(item)
        monthly = request.kind == "inquiry" or item.kind not in TIMED_KINDS
        if not monthly and (item.raw.get("type") == OFFICE or item.kind == "office"):
            # doc: "Office Rooms (weekly/monthly pricing): publicOffice" — room-price has
            # no hourly price for an office booked by the hour: the catalogue prices it
            raise UnsupportedError(
                "Workways prices offices by the week or month only", provider=self.kind
            )
        if monthly:
            # doc: "period string ... "week" or "month" (default: "month")"
            params: dict[str, Any] = {"roomId": room_id, "period": "month"}
        else:
            length = whole_minutes(request.start, request.end)
            zone = ZoneInfo(item.timezone)
            params = {
                "roomId": room_id,
                # doc: "Start date/time in flexible format (e.g., "2025-01-18T10:00:00")" —
                # the site's wall clock, as the example has no offset
                "startDate": request.start.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S"),
                "duration": length,
                "nbPersons": max(1, request.attendees),
            }
        try:
            data = self.get_object("room-price", params)
        except RejectedError as exc:
            # "Price calculation not available for this room state/type" (price -1),
            # "not supported for room type", "Room not found": the catalogue prices it
            raise UnsupportedError(
                f"Workways cannot price this room: {exc.message}",
                provider=self.kind,
                status=exc.status,
                payload=exc.payload,
            ) from exc
        price = data.get("price")
        if not monthly and "period" in data:
            # an office price by the period, not this booking's hours
            raise UnsupportedError("Workways priced this room by the period", provider=self.kind)
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise malformed(self.kind, "room-price: price is not a number")
        if price < 0:
            raise UnsupportedError("Workways cannot price this room now", provider=self.kind)
        total = Decimal(str(price)).quantize(Decimal("0.01"))
        if monthly:
            lines: list[tuple[str | Message, Decimal]] = [(Message("price.month"), total)]
            note = Message("workways.monthly_price")
        else:
            lines = [(length_message(params["duration"]), total)]
            note = Message("workways.price")
        return Quote(total, CURRENCY, lines, note=note, raw=data)
