"""Thia's prices: the product's listed price (seed ``000_625ed28ef0e2e084.txt``)."""

from __future__ import annotations

from decimal import Decimal

from providers.adapters.base import malformed
from providers.adapters.errors import NotFoundError, RejectedError
from providers.adapters.parsing import SkipItem, text
from providers.adapters.types import BookingRequest, ItemRef, Quote
from providers.messages import Message
from providers.models import ResourceKind
from providers.vendors.thia.booking import ONE_START_DAY
from providers.vendors.thia.parsing import DEFAULT_CURRENCY, parse_price
from providers.vendors.thia.slots import SlotsMixin

# doc: Duration Units (duration_unit) 1 Hours, 2 Days, 3 Months, 4 Years.
PRICED_PER = {
    1: Message("thia.priced_per_hour"),
    2: Message("thia.priced_per_day"),
    3: Message("thia.priced_per_month"),
    4: Message("thia.priced_per_year"),
}


class PricesMixin(SlotsMixin):
    # A room's price is per slot label (SlotsMixin).
    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """Thia has no price endpoint: the product's price from ``GET /space/products``.

        A room product is priced per one-hour slot (``settings.duration: 1,
        duration_unit: 1``): price x slots. A pass is its price (one code per start day).
        """
        product = self.product(item)
        try:
            price = parse_price(product.get("price"))
        except SkipItem as exc:
            raise malformed(self.kind, f"GET /space/products: {exc}") from None
        name = text(product.get("name")) or f"product {self.item_product_id(item)}"
        note = Message("thia.listed_price")
        raw = {"product_id": product.get("id"), "price": product.get("price")}
        if item.kind == ResourceKind.MEETING_ROOM:
            try:
                _day, labels = self.room_slots(request)
            except RejectedError as exc:  # not whole hours of one day: nothing to price
                return Quote(None, DEFAULT_CURRENCY, note=exc.message, raw=raw)
            settings = product.get("settings")
            if not isinstance(settings, dict):
                settings = {}
            duration, unit = settings.get("duration", 1), settings.get("duration_unit", 1)
            if unit != 1 or not isinstance(duration, int) or duration < 1:
                # priced per day/month: not a per-slot price the document defines
                return Quote(
                    None,
                    DEFAULT_CURRENCY,
                    note=PRICED_PER.get(unit, Message("thia.priced_per_period")),
                    raw=raw,
                )
            total = (price * len(labels) / duration).quantize(Decimal("0.01"))
            per = "1 h" if duration == 1 else f"{duration} h"
            return Quote(
                total,
                DEFAULT_CURRENCY,
                [(f"{name}: {len(labels)} x {per} x {price} {DEFAULT_CURRENCY}", total)],
                note=note,
                raw=raw,
            )
        if request.days > 1:
            return Quote(
                None,
                DEFAULT_CURRENCY,
                note=ONE_START_DAY,
                raw=raw,
            )
        return Quote(price, DEFAULT_CURRENCY, [(name, price)], note=note, raw=raw)

    def product(self, item: ItemRef) -> dict:
        product_id = self.item_product_id(item)
        for product in self.get_data("/space/products", list):
            if isinstance(product, dict) and product.get("id") == product_id:
                return product
        raise NotFoundError(Message("thia.product_gone"), provider=self.kind, status=404)
