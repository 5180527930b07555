"""4Spaces things and services in an organization answer (seed ``004_a5945c39ebd5aa5e.txt``).

Smart spaces nest things by category (``thingsByCategory[].things[]``: floors, rooms,
desk areas, offices, devices), each with string ``properties`` and a ``thingDefinition``.
Services carry products, add-ons, a time option and a person option. The helpers below
read both; ``ThingsMixin`` finds a product's service and booked smart spaces again in a
fresh answer and reads what every product of one service shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from providers.adapters.errors import NotFoundError
from providers.adapters.parsing import SkipItem, text
from providers.adapters.types import ItemRef
from providers.vendors.fourspaces.client import FourSpacesClient
from providers.vendors.fourspaces.parsing import (
    DAILY,
    EXTERNAL,
    REQUEST,
    RESERVATION,
    TICKET,
    TIMESPAN,
    clock,
    decimal_or_none,
    duration_minutes,
    int_or_none,
)


def sys_type(thing: dict) -> str:
    kind = thing.get("thingType")
    return text(kind.get("sysTypeName")) if isinstance(kind, dict) else ""


def definition(thing: dict) -> dict:
    value = thing.get("thingDefinition")
    return value if isinstance(value, dict) else {}


def string_properties(thing: dict) -> dict:
    value = thing.get("properties")
    return value if isinstance(value, dict) else {}


def children(thing: dict) -> Iterator[tuple[str, dict]]:
    """(category name, thing) of the things nested in ``thing``."""
    for category in thing.get("thingsByCategory") or []:
        if not isinstance(category, dict):
            continue
        for child in category.get("things") or []:
            if isinstance(child, dict):
                yield text(category.get("name")), child


def descendants(thing: dict) -> Iterator[tuple[str, dict]]:
    for category, child in children(thing):
        yield category, child
        yield from descendants(child)


def thing_capacity(thing: dict) -> int | None:
    """The thing's own ``properties.capacity`` (strings), else its definition's."""
    props = string_properties(thing)
    template = definition(thing).get("properties")
    template = template if isinstance(template, dict) else {}
    for value in (props.get("capacity"), template.get("capacity"), props.get("desks")):
        number = int_or_none(value)
        if number is not None and number > 0:
            return number
    return None


def thing_features(thing: dict) -> list[str]:
    props = definition(thing).get("properties")
    equipment = props.get("equipment") if isinstance(props, dict) else None
    return [e.strip() for e in equipment or [] if isinstance(e, str) and e.strip()]


class ThingsMixin(FourSpacesClient):
    """Services and things looked up in an organization answer."""

    def find_product(self, org: dict, item: ItemRef) -> tuple[dict, dict]:
        """(service, product) of ``item`` in a fresh organization answer."""
        for service in org["services"]:
            if not isinstance(service, dict):
                continue
            for product in service.get("products") or []:
                if isinstance(product, dict) and text(product.get("id")) == item.external_id:
                    return service, product
        raise NotFoundError(f"product {item.external_id} is no longer offered", provider=self.kind)

    def booked_things(self, org: dict, item: ItemRef, product: dict) -> tuple[dict, list[dict]]:
        """(the building, the smart spaces in it that the product books) -- as in the
        catalogue: ``product.externalId``, else things whose ``properties.productId`` is it."""
        site = next(
            (
                s
                for s in org["smartSpaces"]
                if isinstance(s, dict) and text(s.get("id")) == item.space_external_id
            ),
            None,
        )
        if site is None:
            raise NotFoundError(
                f"smart space {item.space_external_id} is no longer listed", provider=self.kind
            )
        inside = {text(t.get("id")): t for _, t in descendants(site) if text(t.get("id"))}
        wanted = [x for x in product.get("externalId") or [] if isinstance(x, str)]
        linked = [inside[x] for x in wanted if x in inside]
        if not linked:
            linked = [
                t
                for t in inside.values()
                if text(string_properties(t).get("productId")) == item.external_id
            ]
        if not linked:  # stored at sync time, in case the answer no longer links it
            linked = [inside[x] for x in item.raw.get("smart_space_ids") or [] if x in inside]
        return site, linked

    def service_context(self, service: dict, config: dict) -> dict:
        """What every product of one service shares (type, currency, options, add-ons)."""
        service_type = service.get("serviceType")
        if service_type not in (RESERVATION, REQUEST, EXTERNAL, TICKET):
            raise SkipItem(f"unknown serviceType {service_type!r}")
        currency = service.get("currency")
        code = text(currency.get("code")).upper() if isinstance(currency, dict) else ""
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise SkipItem("no ISO currency code")
        vat = decimal_or_none(service.get("vatPercentage"))
        time_option = service.get("timeOption")
        time_option = time_option if isinstance(time_option, dict) else {}
        option_type = time_option.get("type")
        if service_type == RESERVATION and option_type not in (DAILY, TIMESPAN):
            raise SkipItem(f"reservation service without a time option ({option_type!r})")
        person = service.get("personOption")
        person = person if isinstance(person, dict) else {}
        addons = []
        for addon in service.get("addons") or []:
            if not isinstance(addon, dict) or not text(addon.get("id")):
                continue
            addon_vat = decimal_or_none(addon.get("vatPercentage"))
            addons.append(
                {
                    "id": text(addon.get("id")),
                    "name": text(addon.get("name")),
                    "unit_price": decimal_or_none(addon.get("unitPrice")),
                    "vat_percentage": addon_vat if addon_vat is not None else vat,
                    "max_quantity": int_or_none(addon.get("maxQuantity")),
                    "external_id": text(addon.get("externalId")),
                }
            )
        context: dict[str, Any] = {
            "type": service_type,
            "currency": code,
            "vat": vat,
            "option_type": option_type,
            "addons": addons,
            "max_adults": int_or_none(person.get("maxAdultCount")),
            "max_children": int_or_none(person.get("maxChildrenCount"))
            if person.get("canSelectChildren")
            else 0,
            "person_option": {
                "can_select_children": bool(person.get("canSelectChildren")),
                "max_adult_count": int_or_none(person.get("maxAdultCount")),
                "max_children_count": int_or_none(person.get("maxChildrenCount")),
                "adult_price_multiplier": decimal_or_none(person.get("adultPriceMultiplier"))
                or Decimal(0),
                "child_price_multiplier": decimal_or_none(person.get("childPriceMultiplier"))
                or Decimal(0),
            },
            "raw": {
                "service_id": text(service.get("id")),
                "service_name": text(service.get("name")),
                "service_type": service_type,
                "is_public": bool(service.get("isPublic")),
                "requires_confirmation": bool(service.get("requireConfirmation")),
                "requires_payment": bool(service.get("requirePayment")),
            },
        }
        if option_type == DAILY:
            daily = time_option.get("dailyOptions")
            daily = daily if isinstance(daily, dict) else {}
            context["time_option"] = {
                "type": "daily",
                "checkin": clock(duration_minutes(daily.get("checkin"))),
                "checkout": clock(duration_minutes(daily.get("checkout"))),
            }
        elif option_type == TIMESPAN:
            span = time_option.get("timespanOptions")
            span = span if isinstance(span, dict) else {}
            # units are not stated by the document; the seed and sandbox use minutes
            minimum = int_or_none(span.get("minDuration"))
            maximum = int_or_none(span.get("maxDuration"))
            if not minimum or minimum <= 0:
                raise SkipItem("timespan without a minimum duration")
            context["time_option"] = {
                "type": "timespan",
                "min_minutes": minimum,
                "max_minutes": maximum if maximum and maximum >= minimum else None,
                "increment_minutes": int_or_none(span.get("increment")) or None,
                "increment_price_multiplier": decimal_or_none(span.get("incrementPriceMultiplier")),
            }
        context["lead_time_minutes"] = int_or_none(config.get("minimumNoticeMinutes"))
        context["booking_horizon_days"] = int_or_none(config.get("bookingHorizonDays"))
        context["free_cancellation_hours"] = int_or_none(config.get("freeCancellationHours"))
        return context
