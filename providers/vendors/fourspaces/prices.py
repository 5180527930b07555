"""4Spaces prices (seed ``004_a5945c39ebd5aa5e.txt``).

The document defines no pricing call: the quote is computed from the product's unit and
minimal price, the time option, the person option and VAT that the catalogue stored in
``raw`` (docs/providers/fourspaces.md). It is an estimate the space confirms.
"""

from __future__ import annotations

from decimal import Decimal

from providers.adapters.errors import UnsupportedError
from providers.adapters.types import BookingRequest, ItemRef, Quote
from providers.messages import Message
from providers.vendors.fourspaces.client import FourSpacesClient
from providers.vendors.fourspaces.parsing import decimal_or_none
from providers.vendors.fourspaces.timeoptions import is_timespan, timespan_price


class PricesMixin(FourSpacesClient):
    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """Net price from products, person options and VAT, as docs/providers/fourspaces.md
        reads the document (unit price covers minDuration or one day; increments add
        unitPrice x incrementPriceMultiplier; adultPriceMultiplier > 0 prices per person;
        at least minimalPrice; VAT on top)."""
        raw = item.raw or {}
        currency = (item.space_raw or {}).get("currency") or raw.get("currency") or "EUR"
        unit = decimal_or_none(raw.get("unit_price"))
        if unit is None:
            return Quote(None, currency, note=Message("price_on_request"))
        lines: list[tuple[str | Message, Decimal]] = []
        if is_timespan(raw):
            minutes = int((request.end - request.start).total_seconds() // 60)
            option = raw.get("time_option") or {}
            net = timespan_price(
                {"unit_price": unit, "minimal_price": decimal_or_none(raw.get("minimal_price"))},
                {
                    "min_minutes": option.get("min_minutes") or 0,
                    "max_minutes": option.get("max_minutes"),
                    "increment_minutes": option.get("increment_minutes"),
                    "increment_price_multiplier": decimal_or_none(
                        option.get("increment_price_multiplier")
                    ),
                },
                minutes,
            )
            if net is None:
                raise UnsupportedError("this length cannot be booked", provider=self.kind)
            lines.append((Message("price.minutes", {"n": minutes}), net))
        else:
            net = (unit * max(1, request.days)).quantize(Decimal("0.01"))
            lines.append(
                (Message("price.days", {"days": max(1, request.days), "unit": str(unit)}), net)
            )
        person = raw.get("person_option") or {}
        adult_multiplier = decimal_or_none(person.get("adult_price_multiplier")) or Decimal(0)
        if adult_multiplier > 0 and request.attendees > 1:
            factor = adult_multiplier * request.attendees
            extra = (net * factor - net).quantize(Decimal("0.01"))
            lines.append((Message("price.people", {"n": request.attendees}), extra))
            net += extra
        minimal = decimal_or_none(raw.get("minimal_price"))
        if minimal is not None and net < minimal:
            lines.append((Message("price.minimum"), minimal - net))
            net = minimal
        vat_rate = decimal_or_none(raw.get("vat_percentage")) or Decimal(0)
        vat = (net * vat_rate / Decimal(100)).quantize(Decimal("0.01"))
        if vat:
            # "20", "5.5": never the exponent form normalize() gives a round rate ("2E+1")
            lines.append((Message("price.vat", {"rate": f"{vat_rate.normalize():f}"}), vat))
        return Quote(
            (net + vat).quantize(Decimal("0.01")),
            currency,
            lines,
            note=Message("fourspaces.estimate"),
        )
