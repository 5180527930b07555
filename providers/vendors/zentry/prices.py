"""Zentry prices: the CheckIns API's user-cost previews (``003_c7b0553c6c4180e6.txt``)."""

from __future__ import annotations

from decimal import Decimal

from providers.adapters.base import malformed
from providers.adapters.parsing import text
from providers.adapters.types import BookingRequest, ItemRef, Quote
from providers.messages import Message, provider_words
from providers.vendors.zentry.parsing import CURRENCY
from providers.vendors.zentry.reservations import ReservationsMixin


class PricesMixin(ReservationsMixin):
    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """doc: ``POST /RoomReservation/user-cost-preview`` and
        ``POST /DayPassReservation/user-cost-preview`` take the create body and answer
        ``{amount, fees: [{name, amount}], feeTotal, taxes, total}`` in cents (rooms add
        ``isFullDay``): the price Zentry will charge this user (member or marketplace)."""
        kind, body = self.reservation_body(item, request)
        path = "/RoomReservation" if kind == "room" else "/DayPassReservation"
        response = self.request(
            "POST",
            f"{self.checkins_url}{path}/user-cost-preview",
            endpoint=f"POST {path}/user-cost-preview",
            headers=self.headers(),
            json=body,
            retry=True,  # a preview changes nothing
        )
        data = self.json(response, expect=dict)
        amount = self.money(data.get("amount"), "amount")
        taxes = self.money(data.get("taxes"), "taxes")
        total = self.money(data.get("total"), "total")
        full_day = data.get("isFullDay") is True
        if kind == "room":
            hours = Decimal((request.end - request.start).total_seconds()) / 3600
            label = (
                Message("price.room_full_day")
                if full_day
                else Message("price.room_hours", {"h": f"{hours:g}"})
            )
        else:
            label = Message("price.day_pass")
        lines: list[tuple[str | Message, Decimal]] = [(label, amount)]
        fees = data.get("fees") or []
        if not isinstance(fees, list):
            raise malformed(self.kind, "fees is not a list")
        for fee in fees:
            if not isinstance(fee, dict):
                raise malformed(self.kind, "a fee is not an object")
            name = text(fee.get("name"))
            label = provider_words(name) if name else Message("price.fee")
            lines.append((label, self.money(fee.get("amount"), "fee")))
        if not fees and data.get("feeTotal"):
            lines.append((Message("price.fees"), self.money(data.get("feeTotal"), "feeTotal")))
        if taxes:
            lines.append((Message("price.taxes"), taxes))
        return Quote(
            total,
            CURRENCY,
            lines,
            note=Message("zentry.price_note"),
            raw=data,
        )
