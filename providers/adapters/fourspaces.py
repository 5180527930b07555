"""4Spaces organization API adapter (seed document ``004_a5945c39ebd5aa5e.txt``).

One account is one organization: ``config.base_url`` + ``config.organization_id``. The
whole catalogue is one call, ``GET /organization/details`` with ``LoadSmartSpaces``,
``LoadSmartSpaceThings`` and ``LoadServices`` (all three default to false), asked for as
JSON (doc: "use the HTTP Accept Header, append the .jsv suffix or ?format=jsv"). It does
not page. The document defines no authentication and no rate limit.

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

Availability (docs/providers/fourspaces.md, "Availability"): the document has no
availability endpoint, so ``day_facts`` / ``pass_days`` read the same call again (fresh
``userAccesses``) and translate the service's time option, the opening hours in the
smart spaces' ``properties`` and the booked smart spaces' accesses into facts.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.errors import NotFoundError, RejectedError, UnsupportedError
from providers.adapters.types import (
    BookingRequest,
    Catalogue,
    ItemRef,
    OfferData,
    OpeningHours,
    PassDay,
    ProviderDay,
    Quote,
    ResourceData,
    SkippedItem,
    SpaceData,
    SubmitResult,
)
from providers.models import OfferKind, ResourceKind
from providers.ratelimit import Limit

logger = logging.getLogger(__name__)

ENDPOINT = "GET /organization/details"

# doc: enum ServiceType "Reservation 1, Request 2, External 3, Ticket 4"
RESERVATION, REQUEST, EXTERNAL, TICKET = 1, 2, 3, 4
# doc: enum ServiceTimeOptionType "Daily 0, Timespan 1"
DAILY, TIMESPAN = 0, 1

# thingType.sysTypeName of a bookable thing -> the portal's resource kind
RESOURCE_KINDS = {
    "MeetingRoom": ResourceKind.MEETING_ROOM,
    "EventSpace": ResourceKind.MEETING_ROOM,
    "PhoneBooth": ResourceKind.MEETING_ROOM,
    "DeskArea": ResourceKind.DESK,
    "Desk": ResourceKind.DESK,
    "PrivateOffice": ResourceKind.OFFICE,
    "Office": ResourceKind.OFFICE,
}
# ... and of a thing booked by the day -> the offer kind
DAILY_OFFER_KINDS = {
    "DeskArea": OfferKind.DAY_PASS,
    "Desk": OfferKind.DAY_PASS,
    "PrivateOffice": OfferKind.PRIVATE_OFFICE,
    "Office": OfferKind.PRIVATE_OFFICE,
}
SERVICE_PRICE_UNITS = {REQUEST: "request", EXTERNAL: "booking", TICKET: "ticket"}

# .NET DateTime.MinValue (doc sample "validFrom: -62135596800000") means "not set".
DATETIME_MIN_MS = -62135596800000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# Wall-clock lengths the portal shows prices for.
HOUR, HALF_DAY, DAY = 60, 240, 480

# ISO 3166-1 alpha-2 of the countries a 4Spaces operator is likely to be in; the
# document has no country field (the seed writes the code in properties.country).
COUNTRY_NAMES = {
    "AT": "Austria",
    "BE": "Belgium",
    "CH": "Switzerland",
    "CZ": "Czechia",
    "DE": "Germany",
    "ES": "Spain",
    "FR": "France",
    "GB": "United Kingdom",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IT": "Italy",
    "LI": "Liechtenstein",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "US": "United States",
}
COUNTRY_CODES = {name.lower(): code for code, name in COUNTRY_NAMES.items()}
COUNTRY_CODES.update({"österreich": "AT", "deutschland": "DE", "schweiz": "CH"})

# OpenStreetMap-style opening hours, as in the buildings' properties.openingHours
# ("Mo-Fr 08:00-20:00; Sa 09:00-14:00").
DAY_NAMES = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
HOURS_RULE = re.compile(
    r"^(?P<days>[A-Za-z]{2}(?:\s*[-,]\s*[A-Za-z]{2})*)\s+"
    r"(?P<times>off|closed|\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})$",
    re.IGNORECASE,
)
# doc: TimeSpans are ISO 8601 durations ("checkin: PT0S")
ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


class ItemError(ValueError):
    """One item cannot be read; it is skipped and the rest syncs."""


# --- small parsers --------------------------------------------------------------------


def decimal_or_none(value: Any) -> Decimal | None:
    """doc: money is "decimal?" -- a JSON number; None when absent."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ItemError(f"{value!r} is not a decimal") from exc
    if not result.is_finite():
        raise ItemError(f"{value!r} is not a decimal")
    return result


def int_or_none(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def epoch_ms(value: Any, tz: dt.tzinfo = dt.UTC) -> dt.datetime | None:
    """doc: dates are epoch milliseconds ("validFrom: -62135596800000") -> aware datetime."""
    if value is None or isinstance(value, bool) or value == DATETIME_MIN_MS:
        return None
    if not isinstance(value, int | float):
        raise ItemError(f"{value!r} is not an epoch-millisecond date")
    return (EPOCH + dt.timedelta(milliseconds=value)).astimezone(tz)


def duration_minutes(value: Any) -> int | None:
    """An ISO 8601 duration ("PT8H", "PT8H30M") as whole minutes."""
    if not isinstance(value, str):
        return None
    match = ISO_DURATION.match(value.strip().upper())
    if not match or value.strip().upper() in ("P", "PT"):
        return None
    days, hours, minutes = (int(match[g] or 0) for g in ("d", "h", "m"))
    seconds = float(match["s"] or 0)
    return days * 1440 + hours * 60 + minutes + int(seconds // 60)


def clock(minutes: int | None) -> str | None:
    """Minutes after midnight as "HH:MM" (a check-in/check-out time)."""
    if minutes is None:
        return None
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def zone(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name.strip()


def parse_time(text: str) -> tuple[dt.time, bool]:
    hours, minutes = (int(part) for part in text.strip().split(":"))
    if hours == 24 and minutes == 0:
        return dt.time(0, 0), True
    return dt.time(hours, minutes), False


def opening_hours(text: Any) -> list[OpeningHours]:
    """``"Mo-Fr 08:00-20:00; Sa 09:00-14:00"`` -> seven days (unnamed days are closed).

    Anything that does not read as that format gives no hours rather than wrong ones.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    days: dict[int, OpeningHours] = {}
    for rule in text.split(";"):
        rule = rule.strip()
        if not rule:
            continue
        match = HOURS_RULE.match(rule)
        if not match:
            return []
        weekdays: list[int] = []
        for part in re.split(r"\s*,\s*", match["days"]):
            ends = [p.strip().lower() for p in part.split("-")]
            if any(e not in DAY_NAMES for e in ends):
                return []
            first, last = DAY_NAMES[ends[0]], DAY_NAMES[ends[-1]]
            weekdays.extend(range(first, last + 1) if first <= last else [])
        times = match["times"].lower()
        for day in weekdays:
            if times in ("off", "closed"):
                days[day] = OpeningHours(day, None, None)
                continue
            opens_text, closes_text = times.split("-")
            try:
                opens, _ = parse_time(opens_text)
                closes, next_day = parse_time(closes_text)
            except ValueError:
                return []
            days[day] = OpeningHours(day, opens, closes, next_day)
    return [days.get(day) or OpeningHours(day, None, None) for day in range(7)]


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


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


# --- the adapter ----------------------------------------------------------------------


class FourSpacesAdapter(BaseAdapter):
    kind = "fourspaces"
    # The document states no rate limit.
    rate_limit: ClassVar[Limit | None] = None

    def error_message(self, payload: Any, response: httpx.Response) -> tuple[str, str]:
        # doc: errors are a ServiceStack "ResponseStatus" {errorCode, message, errors[]}
        status = payload.get("responseStatus") if isinstance(payload, dict) else None
        if not isinstance(status, dict):
            return super().error_message(payload, response)
        message = text(status.get("message"))
        details = [
            text(e.get("message"))
            for e in status.get("errors") or []
            if isinstance(e, dict) and text(e.get("message")) and text(e.get("message")) != message
        ]
        if details:
            message = f"{message}: {'; '.join(details)}" if message else "; ".join(details)
        return message, text(status.get("errorCode"))

    # --- the call -----------------------------------------------------------------
    # One organization answer serves every room-day and pass-day asked within this many
    # seconds: a week calendar is one call, not seven. 4Spaces bookings are requests the
    # portal holds itself (never made at 4Spaces), so a short reuse cannot show a booking
    # of ours as free.
    availability_reuse_seconds: ClassVar[int] = 30

    def organization(self, *, reuse: bool = False) -> dict:
        base_url = str(self.setting("base_url")).rstrip("/")
        params = {
            "OrganizationId": str(self.setting("organization_id")),
            # doc: the three flags are optional booleans; unset, their parts are left out
            "LoadSmartSpaces": "true",
            "LoadSmartSpaceThings": "true",
            "LoadServices": "true",
            # doc: "use the HTTP Accept Header ... or ?format=jsv" -- we want JSON
            "format": "json",
        }
        fetch = self.get_json
        if reuse and self.availability_reuse_seconds > 0:
            fetch = functools.partial(self.get_json_cached, ttl=self.availability_reuse_seconds)
        body = fetch(
            f"{base_url}/organization/details",
            endpoint=ENDPOINT,
            params=params,
            headers={"Accept": "application/json"},
        )
        if not isinstance(body, dict):
            raise malformed(self.kind, "the answer is not an object")
        data = body.get("data")
        if not isinstance(data, dict):
            message, code = self.error_message(body, None)  # type: ignore[arg-type]
            if message:  # a ResponseStatus sent with 200
                raise RejectedError(message, provider=self.kind, code=code, payload=body)
            raise malformed(self.kind, "the answer has no data object")
        for part in ("smartSpaces", "services"):
            # asked for with Load*=true; null (left out) would mean the flags were ignored
            if not isinstance(data.get(part), list):
                raise malformed(self.kind, f"data.{part} is not a list")
        return data

    # --- the catalogue ------------------------------------------------------------
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
            except ItemError as exc:
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
            except ItemError as exc:
                skipped.append(SkippedItem(where, str(exc)))
                continue
            for p_index, product in enumerate(service.get("products") or []):
                product_where = f"{where} product #{p_index + 1}"
                if isinstance(product, dict) and text(product.get("id")):
                    product_where = f"{where} product {product['id']}"
                try:
                    self.place_product(service, context, product, spaces, things, by_product)
                except ItemError as exc:
                    skipped.append(SkippedItem(product_where, str(exc)))
        return Catalogue(spaces=spaces, skipped=skipped)

    # --- availability -------------------------------------------------------------
    # The document has no availability call: the facts are the organization details read
    # again (fresh ``userAccesses``, not the catalogue's stale ``raw.taken``), the service's
    # time option and the opening hours in the smart spaces' string ``properties``.

    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """A Timespan product (a room) on one local day: the building's/room's opening
        hours as ``open`` windows, the booked smart spaces' accesses as ``busy``."""
        if not is_timespan(item.raw):
            raise UnsupportedError(
                "4Spaces books this by the day or as an inquiry, not by the hour",
                provider=self.kind,
            )
        org = self.organization(reuse=True)
        service, product = self.find_product(org, item)
        option = service.get("timeOption") if isinstance(service.get("timeOption"), dict) else {}
        if service.get("serviceType") != RESERVATION or option.get("type") != TIMESPAN:
            raise UnsupportedError(
                "this product is no longer booked by the hour", provider=self.kind
            )
        site, linked = self.booked_things(org, item, product)
        tz = ZoneInfo(item.timezone)
        day_start, day_end = local_day(day, tz)
        hours = self.hours_for(org, site, linked, item)
        return ProviderDay(
            open=open_windows(hours, day, tz),
            busy=access_windows(linked, day_start, day_end, tz, self.kind),
            capacity=max(1, item.quantity),
        )

    def pass_days(self, item: ItemRef, start: dt.date, end: dt.date) -> list[PassDay]:
        """A Daily product on each day: open when the building is open within the
        check-in/check-out window. Places are not counted by 4Spaces (``remaining``
        None), except that a private office is one unit: taken when it holds an access
        in that window."""
        if not is_daily(item.raw):
            raise UnsupportedError(
                "4Spaces sells this as an inquiry, a partner link or a ticket, not by the day",
                provider=self.kind,
            )
        if end < start:
            return []
        org = self.organization(reuse=True)
        service, product = self.find_product(org, item)
        option = service.get("timeOption") if isinstance(service.get("timeOption"), dict) else {}
        if service.get("serviceType") != RESERVATION or option.get("type") != DAILY:
            raise UnsupportedError(
                "this product is no longer booked by the day", provider=self.kind
            )
        daily_options = option.get("dailyOptions")
        daily_options = daily_options if isinstance(daily_options, dict) else {}
        # doc: TimeDailyDto "Checkin TimeSpan?", "Checkout TimeSpan?" -- ISO 8601 durations
        # after local midnight ("checkin: PT0S"; seed "PT8H", "PT18H")
        checkin = duration_minutes(daily_options.get("checkin"))
        checkout = duration_minutes(daily_options.get("checkout"))
        site, linked = self.booked_things(org, item, product)
        tz = ZoneInfo(item.timezone)
        hours = self.hours_for(org, site, linked, item)
        # whole units (an office): one access in the window takes it for the day
        units = [t for t in linked if sys_type(t) in ("PrivateOffice", "Office")]
        result = []
        day = start
        while day <= end:
            window = daily_window(day, checkin, checkout, tz)
            is_open = any(overlap(s, e, *window) for s, e in open_windows(hours, day, tz))
            remaining = None
            if units and len(units) == len(linked):
                remaining = sum(
                    1 for unit in units if not access_windows([unit], *window, tz, self.kind)
                )
                is_open = is_open and remaining > 0
            result.append(PassDay(day=day, open=is_open, remaining=remaining))
            day += dt.timedelta(days=1)
        return result

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

    def hours_for(
        self, org: dict, site: dict, linked: list[dict], item: ItemRef
    ) -> list[OpeningHours]:
        """Opening hours: the booked room's own ``properties.openingHours``, else the
        building's, else what the catalogue stored, else ``reservationConfig.openingHours``
        when it is such a string. [] (unknown): open around the clock."""
        config = org.get("reservationConfig")
        config = config if isinstance(config, dict) else {}
        sources = [string_properties(t).get("openingHours") for t in linked]
        sources += [
            string_properties(site).get("openingHours"),
            item.space_raw.get("opening_hours_text"),
            config.get("openingHours"),
        ]
        for source in sources:
            if not isinstance(source, str) or not source.strip():
                continue
            hours = opening_hours(source)
            if hours:
                return hours
            logger.warning("4Spaces opening hours %r not understood; trying the next", source)
        return []

    def space(self, site: Any, default_tz: str) -> SpaceData:
        if not isinstance(site, dict):
            raise ItemError("not an object")
        site_id, name = text(site.get("id")), text(site.get("name"))
        if not site_id or not name:
            raise ItemError("no id or name")
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
        except ItemError:
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
            photos=[photo] if photo.startswith(("http://", "https://")) else [],
            amenities=amenities,
            contact=contact,
            raw={k: v for k, v in raw.items() if v},
        )

    def service_context(self, service: dict, config: dict) -> dict:
        """What every product of one service shares (type, currency, options, add-ons)."""
        service_type = service.get("serviceType")
        if service_type not in (RESERVATION, REQUEST, EXTERNAL, TICKET):
            raise ItemError(f"unknown serviceType {service_type!r}")
        currency = service.get("currency")
        code = text(currency.get("code")).upper() if isinstance(currency, dict) else ""
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ItemError("no ISO currency code")
        vat = decimal_or_none(service.get("vatPercentage"))
        time_option = service.get("timeOption")
        time_option = time_option if isinstance(time_option, dict) else {}
        option_type = time_option.get("type")
        if service_type == RESERVATION and option_type not in (DAILY, TIMESPAN):
            raise ItemError(f"reservation service without a time option ({option_type!r})")
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
                raise ItemError("timespan without a minimum duration")
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
            raise ItemError("not an object")
        product_id, name = text(product.get("id")), text(product.get("name"))
        if not product_id or not name:
            raise ItemError("no id or name")
        unit_price = decimal_or_none(product.get("unitPrice"))
        if unit_price is None or unit_price < 0:
            raise ItemError("no unit price")
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
        urls = [text(product.get("imageUrl"))] + [text(t.get("imageUrl")) for _, t, _ in here]
        return [u for u in dict.fromkeys(urls) if u.startswith(("http://", "https://"))]

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
        if service_type == EXTERNAL and isinstance(product.get("externalData"), dict):
            raw["service_url"] = text(product["externalData"].get("serviceUrl"))
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

    # --- quotes and requests ------------------------------------------------------------
    #
    # The document has no booking, availability or cancellation endpoint: a 4Spaces
    # reservation or request is taken by the space's staff. The portal therefore sends
    # nothing to 4Spaces; ``submit`` answers "awaiting approval" and staff confirm or decline
    # the request in the admin (issue 6: "4Spaces Reservation and Request services ->
    # requests that staff confirm or decline in the admin").

    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """Net price from products, person options and VAT, as docs/providers/fourspaces.md
        reads the document (unit price covers minDuration or one day; increments add
        unitPrice x incrementPriceMultiplier; adultPriceMultiplier > 0 prices per person;
        at least minimalPrice; VAT on top)."""
        raw = item.raw or {}
        currency = (item.space_raw or {}).get("currency") or raw.get("currency") or "EUR"
        unit = decimal_or_none(raw.get("unit_price"))
        if unit is None:
            return Quote(None, currency, note="Price on request: the space confirms it.")
        lines: list[tuple[str, Decimal]] = []
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
            lines.append((f"{minutes} min", net))
        else:
            net = (unit * max(1, request.days)).quantize(Decimal("0.01"))
            lines.append((f"{max(1, request.days)} day(s) x {unit}", net))
        person = raw.get("person_option") or {}
        adult_multiplier = decimal_or_none(person.get("adult_price_multiplier")) or Decimal(0)
        if adult_multiplier > 0 and request.attendees > 1:
            factor = adult_multiplier * request.attendees
            extra = (net * factor - net).quantize(Decimal("0.01"))
            lines.append((f"{request.attendees} people", extra))
            net += extra
        minimal = decimal_or_none(raw.get("minimal_price"))
        if minimal is not None and net < minimal:
            lines.append(("minimum charge", minimal - net))
            net = minimal
        vat_rate = decimal_or_none(raw.get("vat_percentage")) or Decimal(0)
        vat = (net * vat_rate / Decimal(100)).quantize(Decimal("0.01"))
        if vat:
            lines.append((f"VAT {vat_rate.normalize()} %", vat))
        return Quote(
            (net + vat).quantize(Decimal("0.01")),
            currency,
            lines,
            note="Estimate: the space confirms the request and its price.",
        )

    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        return SubmitResult(
            status="awaiting_approval",
            reference=f"request-{request.uid}",
            next_step=(
                "The space confirms 4Spaces requests by hand. We have sent yours and will "
                "email you as soon as they answer."
            ),
            staff_action="A 4Spaces request is waiting: confirm or decline it in the admin.",
        )

    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> dict:
        return {"note": "request withdrawn in the portal; 4Spaces has no cancellation endpoint"}


def timespan_price(raw: dict, option: dict, minutes: int) -> Decimal | None:
    """Net price of booking ``minutes`` (for display only; the document defines no pricing).

    The sandbox's reading: the unit price covers ``minDuration``, each further increment
    adds ``unitPrice x incrementPriceMultiplier``, and the total is at least
    ``minimalPrice``. Per-person pricing (``adultPriceMultiplier`` > 0) is left to the
    quote, since it depends on the party size. None when that length cannot be booked.
    """
    unit, minimum = raw["unit_price"], option["min_minutes"]
    maximum, step = option["max_minutes"], option["increment_minutes"]
    multiplier = option["increment_price_multiplier"]
    if unit is None or minutes < minimum or (maximum is not None and minutes > maximum):
        return None
    extra = minutes - minimum
    if extra:
        if not step or extra % step or multiplier is None:
            return None
        price = unit + unit * multiplier * (extra // step)
    else:
        price = unit
    if raw["minimal_price"] is not None:
        price = max(price, raw["minimal_price"])
    return price.quantize(Decimal("0.01"))


# --- availability helpers ---------------------------------------------------------------


def is_timespan(raw: dict) -> bool:
    option = raw.get("time_option") if isinstance(raw, dict) else None
    return (
        raw.get("service_type") == RESERVATION
        and isinstance(option, dict)
        and option.get("type") == "timespan"
    )


def is_daily(raw: dict) -> bool:
    option = raw.get("time_option") if isinstance(raw, dict) else None
    return (
        raw.get("service_type") == RESERVATION
        and isinstance(option, dict)
        and option.get("type") == "daily"
    )


def local_at(day: dt.date, minutes: int, tz: ZoneInfo) -> dt.datetime:
    """Wall-clock ``minutes`` after local midnight of ``day`` (past 24:00: a later day),
    as an aware time; a time in the spring-forward gap comes out as the same instant
    written after the change (02:30 -> 03:30 CEST)."""
    days, rest = divmod(minutes, 1440)
    local = dt.datetime.combine(
        day + dt.timedelta(days=days), dt.time(rest // 60, rest % 60), tzinfo=tz
    )
    return local.astimezone(dt.UTC).astimezone(tz)


def local_day(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to the next local midnight (23 or 25 hours on a DST-change day)."""
    return local_at(day, 0, tz), local_at(day + dt.timedelta(days=1), 0, tz)


def overlap(start: dt.datetime, end: dt.datetime, other_start, other_end) -> bool:
    """Whether two intervals overlap, compared as instants (UTC), not wall clocks."""
    utc = dt.UTC
    return start.astimezone(utc) < other_end.astimezone(utc) and end.astimezone(
        utc
    ) > other_start.astimezone(utc)


def minutes_of(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def open_windows(hours: list[OpeningHours], day: dt.date, tz: ZoneInfo) -> list[tuple]:
    """The open windows of one local day from weekly hours: the day's own hours plus what
    an overnight rule of the day before spills past midnight, clipped to the day. No hours
    known: the whole day (4Spaces' Timespan option has no window of its own)."""
    day_start, day_end = local_day(day, tz)
    if not hours:
        return [(day_start, day_end)]
    by_weekday = {h.weekday: h for h in hours}
    # compared in UTC: aware times of one zone compare by wall clock, blind to the fold
    first, last = day_start.astimezone(dt.UTC), day_end.astimezone(dt.UTC)
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    for date in (day - dt.timedelta(days=1), day):
        rule = by_weekday.get(date.weekday())
        if rule is None or rule.opens is None or rule.closes is None:
            continue  # closed that day
        opens, closes = minutes_of(rule.opens), minutes_of(rule.closes)
        if rule.closes_next_day or closes <= opens:  # "24:00" or "22:00-02:00"
            closes += 1440
        start = max(local_at(date, opens, tz).astimezone(dt.UTC), first)
        end = min(local_at(date, closes, tz).astimezone(dt.UTC), last)
        if start < end:
            windows.append((start, end))
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [(start.astimezone(tz), end.astimezone(tz)) for start, end in merged]


def daily_window(
    day: dt.date, checkin: int | None, checkout: int | None, tz: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """Check-in to check-out of a Daily option on ``day``; a check-out at or before the
    check-in is the next day's (``PT0S``/``PT0S``: a whole day); unset: midnight."""
    start = checkin or 0
    end = checkout if checkout is not None else 1440
    if end <= start:
        end += 1440
    return local_at(day, start, tz), local_at(day, end, tz)


def access_windows(
    things: list[dict], start: dt.datetime, end: dt.datetime, tz: ZoneInfo, provider: str
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The ``userAccesses`` of the booked smart spaces (and of their devices -- a room's
    door lock) that overlap ``start``-``end``, clipped to it. doc: UserAccessView
    "ValidFrom DateTime", "ValidTo DateTime?" as epoch milliseconds ("validFrom:
    -62135596800000", .NET DateTime.MinValue: since ever as ``validFrom``, long over as
    ``validTo``); no ``validTo`` (null, left out): open-ended."""
    seen: set[str] = set()
    busy: list[tuple[dt.datetime, dt.datetime]] = []

    def accesses(thing: dict) -> Iterator[dict]:
        yield from thing.get("userAccesses") or []
        for _, child in descendants(thing):
            if not text(string_properties(child).get("productId")):  # not booked on its own
                yield from child.get("userAccesses") or []

    for thing in things:
        for access in accesses(thing):
            if not isinstance(access, dict):
                continue
            key = text(access.get("id"))
            if key and key in seen:
                continue
            seen.add(key)
            if access.get("validTo") == DATETIME_MIN_MS:
                continue  # ended at .NET's year 1 (the doc sample's filler), not open-ended
            try:
                valid_from = epoch_ms(access.get("validFrom"), tz)
                valid_to = epoch_ms(access.get("validTo"), tz)
            except ItemError as exc:
                raise malformed(provider, f"access {key or '?'}: {exc}") from exc
            # compared in UTC (a same-zone comparison ignores the autumn fold)
            begin = max((valid_from or start).astimezone(dt.UTC), start.astimezone(dt.UTC))
            finish = min((valid_to or end).astimezone(dt.UTC), end.astimezone(dt.UTC))
            if begin < finish:
                busy.append((begin, finish))
    return [(begin.astimezone(tz), finish.astimezone(tz)) for begin, finish in sorted(busy)]
