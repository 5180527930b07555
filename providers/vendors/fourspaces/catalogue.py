"""4Spaces catalogue mapping (seed ``004_a5945c39ebd5aa5e.txt``).

Mapping (see docs/providers/fourspaces.md, "Adapter mapping"):

* Each top-level smart space (a building/site, with address and time zone in its string
  ``properties``) is a space. Things nested in it (floors, rooms, desk areas, offices,
  devices) are indexed so a service product can be placed in the building(s) of the
  smart spaces it books (``product.externalId``, or a thing's ``properties.productId``).
  A product booking no known smart space (requests, partner perks, tickets) is offered
  in every space: the document does not tie services to buildings.
* Reservation services with a Timespan time option become resources, one per product
  (the bookable room); Reservation services with a Daily option become offers (day pass
  or private office by the linked thing's type); Request, External and Ticket services
  become offers of kind "service".
* ``external_id`` is always the 4Spaces product id (the thing that is booked); the
  service id, access templates, person option, add-ons and time option go into ``raw``
  so prices can be computed later. Prices are net decimals in ``service.currency.code``;
  VAT is in ``raw``.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.parsing import SkipItem, safe_url, text
from providers.adapters.types import (
    Catalogue,
    OfferData,
    ResourceData,
    SkippedItem,
    SpaceData,
)
from providers.models import OfferKind, ResourceKind
from providers.vendors.fourspaces.parsing import (
    COUNTRY_CODES,
    COUNTRY_NAMES,
    DAILY_OFFER_KINDS,
    DAY,
    EXTERNAL,
    HALF_DAY,
    HOUR,
    RESERVATION,
    RESOURCE_KINDS,
    SERVICE_PRICE_UNITS,
    TIMESPAN,
    decimal_or_none,
    epoch_ms,
    opening_hours,
    zone,
)
from providers.vendors.fourspaces.things import (
    ThingsMixin,
    definition,
    descendants,
    string_properties,
    sys_type,
    thing_capacity,
    thing_features,
)
from providers.vendors.fourspaces.timeoptions import timespan_price


class CatalogueMixin(ThingsMixin):
    """The organization's smart spaces and services as the portal's catalogue."""

    def ping(self) -> None:
        self.organization()  # the catalogue's only call

    def fetch_catalogue(self) -> Catalogue:
        org = self.organization()
        skipped: list[SkippedItem] = []
        config = org.get("reservationConfig")
        config = config if isinstance(config, dict) else {}
        default_tz = zone(config.get("timeZone")) or "UTC"

        spaces: list[SpaceData] = []
        things: dict[str, tuple[SpaceData, dict, str]] = {}  # thing id -> (space, thing, cat)
        by_product: dict[str, list[str]] = {}  # properties.productId -> thing ids
        for index, site in enumerate(org["smartSpaces"]):
            try:
                space = self.space(site, default_tz)
            except SkipItem as exc:
                skipped.append(SkippedItem(f"smart space #{index + 1}", str(exc)))
                continue
            spaces.append(space)
            for category, thing in descendants(site):
                thing_id = text(thing.get("id"))
                if thing_id:
                    things[thing_id] = (space, thing, category)
                    product_id = text(string_properties(thing).get("productId"))
                    if product_id:
                        by_product.setdefault(product_id, []).append(thing_id)

        for index, service in enumerate(org["services"]):
            if not isinstance(service, dict) or not text(service.get("id")):
                skipped.append(SkippedItem(f"service #{index + 1}", "no id"))
                continue
            where = f"service {service['id']}"
            try:
                context = self.service_context(service, config)
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
                continue
            for p_index, product in enumerate(service.get("products") or []):
                product_where = f"{where} product #{p_index + 1}"
                if isinstance(product, dict) and text(product.get("id")):
                    product_where = f"{where} product {product['id']}"
                try:
                    self.place_product(service, context, product, spaces, things, by_product)
                except SkipItem as exc:
                    skipped.append(SkippedItem(product_where, str(exc)))
        return Catalogue(spaces=spaces, skipped=skipped)

    def space(self, site: Any, default_tz: str) -> SpaceData:
        if not isinstance(site, dict):
            raise SkipItem("not an object")
        site_id, name = text(site.get("id")), text(site.get("name"))
        if not site_id or not name:
            raise SkipItem("no id or name")
        props = string_properties(site)
        timezone = zone(props.get("timeZone")) or default_tz
        street, postal, city = (
            text(props.get("address")),
            text(props.get("postalCode")),
            text(props.get("city")),
        )
        locality = " ".join(part for part in (postal, city) if part)
        country_text = text(props.get("country"))
        if len(country_text) == 2 and country_text.isalpha():
            code = country_text.upper()
            country = COUNTRY_NAMES.get(code, code)
        else:
            code, country = COUNTRY_CODES.get(country_text.lower(), ""), country_text
        try:
            latitude = decimal_or_none(props.get("latitude"))
            longitude = decimal_or_none(props.get("longitude"))
        except SkipItem:
            latitude = longitude = None
        photo = text(site.get("imageUrl"))
        contact = {k: text(props.get(k)) for k in ("phone", "email") if text(props.get(k))}
        # amenities: the provider's own names of the kinds of rooms in the building
        # (categories of things that have a capacity: "Phone booths", "Meeting rooms")
        amenities: list[str] = []
        for category, thing in descendants(site):
            if category and thing_capacity(thing) and category not in amenities:
                amenities.append(category)
        if text(props.get("frontDeskHours")):
            amenities.append("Front desk")
        raw = {
            "smart_space_id": site_id,
            "sys_type": sys_type(site),
            "district": text(props.get("district")),
            "front_desk_hours": text(props.get("frontDeskHours")),
            "opening_hours_text": text(props.get("openingHours")),
        }
        return SpaceData(
            external_id=site_id,
            name=name,
            timezone=timezone,
            description=text(definition(site).get("description")),
            address=", ".join(part for part in (street, locality) if part),
            city=city,
            country=country,
            country_code=code,
            latitude=latitude,
            longitude=longitude,
            opening_hours=opening_hours(props.get("openingHours")),
            photos=[photo] if safe_url(photo) else [],
            amenities=amenities,
            contact=contact,
            raw={k: v for k, v in raw.items() if v},
        )

    def place_product(
        self,
        service: dict,
        context: dict,
        product: Any,
        spaces: list[SpaceData],
        things: dict[str, tuple[SpaceData, dict, str]],
        by_product: dict[str, list[str]],
    ) -> None:
        """Add one product to the space(s) whose smart spaces it books."""
        if not isinstance(product, dict):
            raise SkipItem("not an object")
        product_id, name = text(product.get("id")), text(product.get("name"))
        if not product_id or not name:
            raise SkipItem("no id or name")
        unit_price = decimal_or_none(product.get("unitPrice"))
        if unit_price is None or unit_price < 0:
            raise SkipItem("no unit price")
        linked = [
            str(x) for x in product.get("externalId") or [] if isinstance(x, str) and x in things
        ] or [x for x in by_product.get(product_id, []) if x in things]
        # the document does not tie services to buildings: unlinked products are everywhere
        targets = list(dict.fromkeys(things[x][0].external_id for x in linked)) or [
            s.external_id for s in spaces
        ]
        for space in spaces:
            if space.external_id not in targets:
                continue
            here = [things[x] for x in linked if things[x][0] is space]
            if context["type"] == RESERVATION and context["option_type"] == TIMESPAN:
                space.resources.append(self.resource(service, context, product, here, space))
            else:
                space.offers.append(self.offer(service, context, product, here, space))

    def product_raw(self, context: dict, product: dict, here: list, space: SpaceData) -> dict:
        vat = decimal_or_none(product.get("vatPercentage"))
        raw: dict[str, Any] = {
            **context["raw"],
            "product_id": text(product.get("id")),
            "unit_price": decimal_or_none(product.get("unitPrice")),
            "minimal_price": decimal_or_none(product.get("minimalPrice")),
            # doc: product VATPercentage "decimal?"; absent -> the service's
            "vat_percentage": vat if vat is not None else context["vat"],
            "smart_space_ids": [text(thing.get("id")) for _, thing, _ in here],
            "person_option": context["person_option"],
            "addons": context["addons"],
        }
        if "time_option" in context:
            raw["time_option"] = context["time_option"]
        for key in ("reservationData", "requestData", "externalData", "ticketData"):
            if isinstance(product.get(key), dict):
                raw[key] = product[key]
        taken = []
        tz = ZoneInfo(space.timezone)
        for _, thing, _ in here:
            for access in thing.get("userAccesses") or []:
                if not isinstance(access, dict):
                    continue
                start = epoch_ms(access.get("validFrom"), tz)
                if start is None:
                    continue
                taken.append(
                    {
                        "smart_space_id": text(thing.get("id")),
                        "start": start,
                        "end": epoch_ms(access.get("validTo"), tz),  # None: open-ended
                    }
                )
        if taken:
            raw["taken"] = sorted(taken, key=lambda w: w["start"])
        return raw

    def photos(self, product: dict, here: list) -> list[str]:
        urls = [safe_url(product.get("imageUrl"))] + [
            safe_url(t.get("imageUrl")) for _, t, _ in here
        ]
        return [u for u in dict.fromkeys(urls) if u]

    def resource(
        self, service: dict, context: dict, product: dict, here: list, space: SpaceData
    ) -> ResourceData:
        option = context["time_option"]
        types = [sys_type(thing) for _, thing, _ in here]
        kind = next((RESOURCE_KINDS[t] for t in types if t in RESOURCE_KINDS), None)
        capacity = next((c for _, t, _ in here if (c := thing_capacity(t))), None)
        if kind == ResourceKind.DESK:
            quantity = sum(thing_capacity(t) or 1 for _, t, _ in here) or 1
        else:
            quantity = max(1, len(here))
        raw = self.product_raw(context, product, here, space)
        step = option["increment_minutes"]
        rules = {
            "slot_minutes": step or option["min_minutes"],
            "min_minutes": option["min_minutes"],
            "max_minutes": option["max_minutes"],
            "step_minutes": step,
            "lead_time_minutes": context["lead_time_minutes"],
            "booking_horizon_days": context["booking_horizon_days"],
            "free_cancellation_hours": context["free_cancellation_hours"],
            "requires_confirmation": context["raw"]["requires_confirmation"],
            "max_adults": context["max_adults"],
        }
        features: list[str] = []
        for _, thing, _ in here:
            features.extend(f for f in thing_features(thing) if f not in features)
        description = text(product.get("description")) or next(
            (text(definition(t).get("description")) for _, t, _ in here), ""
        )
        return ResourceData(
            external_id=text(product.get("id")),
            name=text(product.get("name")),
            kind=kind or ResourceKind.MEETING_ROOM,
            description=description,
            capacity=capacity,
            quantity=quantity,
            features=features,
            photos=self.photos(product, here),
            rules={k: v for k, v in rules.items() if v is not None},
            price_hour=timespan_price(raw, option, HOUR),
            price_half_day=timespan_price(raw, option, HALF_DAY),
            price_day=timespan_price(raw, option, DAY),
            currency=context["currency"],
            raw=raw,
        )

    def offer(
        self, service: dict, context: dict, product: dict, here: list, space: SpaceData
    ) -> OfferData:
        service_type = context["type"]
        raw = self.product_raw(context, product, here, space)
        if service_type == RESERVATION:  # a Daily time option
            types = [sys_type(thing) for _, thing, _ in here]
            kind = next((DAILY_OFFER_KINDS[t] for t in types if t in DAILY_OFFER_KINDS), None)
            kind, unit, validity = kind or OfferKind.SERVICE, "day", 1
        else:
            kind, unit, validity = OfferKind.SERVICE, SERVICE_PRICE_UNITS[service_type], None
        # the organization's reservationConfig rules, as a room keeps them in ``rules``
        booking_rules = {
            "lead_time_minutes": context["lead_time_minutes"],
            "booking_horizon_days": context["booking_horizon_days"],
            "free_cancellation_hours": context["free_cancellation_hours"],
        }
        raw["rules"] = {k: v for k, v in booking_rules.items() if v is not None}
        if service_type == EXTERNAL and isinstance(product.get("externalData"), dict):
            # a link out for members: kept only when it is http(s) (else no link at all)
            raw["service_url"] = safe_url(product["externalData"].get("serviceUrl"))
        price = raw["unit_price"]
        if raw["minimal_price"] is not None and price is not None:
            price = max(price, raw["minimal_price"])
        max_persons = context["max_adults"]
        if max_persons is not None:
            max_persons += context["max_children"] or 0
        capacity = sum(thing_capacity(t) or 0 for _, t, _ in here) or None
        description = text(product.get("description")) or text(service.get("description"))
        return OfferData(
            external_id=text(product.get("id")),
            name=text(product.get("name")),
            kind=kind,
            description=description,
            price=price,
            currency=context["currency"],
            price_unit=unit,
            validity_days=validity,
            max_persons=max_persons if max_persons and max_persons > 0 else None,
            capacity=capacity,
            raw=raw,
        )
