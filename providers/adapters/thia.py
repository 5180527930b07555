"""Thia Partner API adapter (seed document ``000_625ed28ef0e2e084.txt``).

One account is one API key pair, and one key pair is one space (doc: "These credentials
are unique to each space"). The catalogue is seven GETs: ``/space``, ``/space/hours``,
``/space/photos``, ``/space/meeting-rooms``, ``/space/amenities``, ``/space/products`` and
``/space/legal``, each answering ``{"data": ...}``; none of them pages.

* Meeting rooms are booked *as products* (doc: meeting-room availability and booking take
  a ``product_id`` "of the meeting room product"), so a room resource is the pair (room,
  product): ``external_id`` is the product id, capacity/features/photo come from the room
  linked by ``settings.meeting_room_id``, the price from the product.
* Day passes, hot desks, dedicated desks and private offices are products sold as access
  codes (``POST /access-codes/product``): they become offers.
* Prices are decimal strings with no currency field; Thia sells in Romanian lei (RON).
* Wall-clock values are Europe/Bucharest, even the timestamps written with a "Z".
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import logging
import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.errors import (
    NotFoundError,
    ProviderConfigurationError,
    RejectedError,
    UnsupportedError,
)
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

TIMEZONE = "Europe/Bucharest"  # doc: "based on the Europe/Bucharest time zone"
BUCHAREST = ZoneInfo(TIMEZONE)
# doc: prices are "decimal strings" without a currency; Thia's spaces sell in lei.
DEFAULT_CURRENCY = "RON"
# doc: space.country is only {id, name}; the names Thia uses, to ISO 3166-1 alpha-2.
COUNTRY_CODES = {"romania": "RO", "moldova": "MD", "republic of moldova": "MD"}

# doc: Seating Option IDs 1 Day Pass, 2 Hot Desk, 3 Dedicated Desk, 4 Meeting/Event Room,
# 5 Private Office.
MEETING_ROOM_SEATING = 4
OFFER_KINDS = {
    1: OfferKind.DAY_PASS,
    2: OfferKind.HOT_DESK,
    3: OfferKind.DEDICATED_DESK,
    5: OfferKind.PRIVATE_OFFICE,
}
# doc: Duration Units (duration_unit) 1 Hours, 2 Days, 3 Months, 4 Years.
DURATION_UNITS = {1: "hour", 2: "day", 3: "month", 4: "year"}
HALF_DAY = 1  # doc: Day Pass duration_type "1 | Half a day (uses time_start and time_end)"
# doc (meeting-room booking): each slot "must start at the beginning of the hour" and
# "be exactly 1 hour long".
SLOT_MINUTES = 60

LEGAL_TITLES = {
    "terms": "Terms and conditions",
    "privacy_policy": "Privacy policy",
    "cookies_policy": "Cookies policy",
    "internal_regulations": "Internal regulations",
}
CONTACT_FIELDS = (
    "phone",
    "email",
    "website",
    "facebook",
    "instagram",
    "linkedin",
    "twitter",
    "facebook_messenger",
)


class SkipItem(Exception):
    """One catalogue item cannot be read; the reason goes into a ``SkippedItem``."""


def parse_timestamp(value: str) -> dt.datetime:
    """A Thia timestamp as an aware datetime.

    doc: timestamps are "YYYY-MM-DDTHH:MM:SS.ssssssZ and are based on the Europe/Bucharest
    time zone": the "Z" does not mean UTC, the digits are Bucharest wall-clock time.
    """
    naive = dt.datetime.fromisoformat(value.strip().rstrip("Zz"))
    return naive.replace(tzinfo=BUCHAREST)


def parse_time(value: Any) -> dt.time:
    if not isinstance(value, str):
        raise SkipItem(f"time {value!r} is not HH:MM:SS")
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise SkipItem(f"time {value!r} is not HH:MM:SS") from exc


def parse_price(value: Any) -> Decimal:
    # doc: "Prices are returned as decimal strings for precise monetary calculations"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SkipItem(f"price {value!r} is not a decimal string")
    try:
        price = Decimal(str(value))
    except InvalidOperation as exc:
        raise SkipItem(f"price {value!r} is not a decimal string") from exc
    if not price.is_finite() or price < 0:
        raise SkipItem(f"price {value!r} is not a decimal string")
    return price


def parse_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SkipItem(f"{what} {value!r} is not an integer")
    return value


def iso_weekdays(value: Any) -> list[int]:
    """doc: ISO 1=Monday..7=Sunday, "[] signifies access for the entire week" -> 0..6."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in value
    ):
        raise SkipItem(f"weekdays {value!r} are not ISO weekdays")
    days = sorted({d - 1 for d in value})
    return [] if len(days) == 7 else days


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


class ThiaAdapter(BaseAdapter):
    kind = "thia"
    # doc: "60 requests per minute per API key". 55 leaves headroom for the clock skew
    # between our sliding window and Thia's own window.
    rate_limit: ClassVar[Limit | None] = Limit(55, 60)

    # --- configuration ------------------------------------------------------------
    def rate_limit_key(self) -> str:
        # The limit counts per API key; a hash names the key without storing it.
        digest = hashlib.sha256(self.secret("api_key").encode()).hexdigest()[:16]
        return f"thia:{digest}"

    @property
    def base_url(self) -> str:
        return str(self.setting("base_url")).rstrip("/")

    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.secret("api_key"), "X-API-Secret": self.secret("api_secret")}

    def absolute(self, path: Any) -> str:
        """A storage path ("/storage/...") as an absolute URL on the API's host."""
        path = text(path)
        if not path:
            return ""
        if urlsplit(path).scheme in ("http", "https"):
            return path
        media = self.account.config.get("media_url")
        if not media:
            parts = urlsplit(self.base_url)
            media = f"{parts.scheme}://{parts.netloc}/"
        return urljoin(media.rstrip("/") + "/", path.lstrip("/"))

    # --- answers ------------------------------------------------------------------
    def error_message(self, payload: Any, response) -> tuple[str, str]:
        # doc: "All errors follow a consistent format: {"error": "Error Type", "message":
        # "Human-readable error description"}" — the type is the closest thing to a code.
        if isinstance(payload, dict):
            message, kind = payload.get("message"), payload.get("error")
            if isinstance(message, str) and message:
                return message, kind if isinstance(kind, str) else ""
            if isinstance(kind, str):
                return kind, ""
        return "", ""

    def get_data(self, path: str, expect: type) -> Any:
        """``GET path`` and its ``data`` member, which must be an ``expect``."""
        body = self.json(
            self.request(
                "GET", f"{self.base_url}{path}", endpoint=f"GET {path}", headers=self.headers()
            ),
            expect=dict,
        )
        data = body.get("data")
        if data is None and expect is list:
            # doc: "Arrays (like amenities) can be null if no data is available"
            return []
        if not isinstance(data, expect):
            raise malformed(self.kind, f"GET {path}: data is not a {expect.__name__}")
        return data

    # --- the catalogue ------------------------------------------------------------
    def fetch_catalogue(self) -> Catalogue:
        space = self.get_data("/space", dict)
        hours = self.get_data("/space/hours", list)
        photos = self.get_data("/space/photos", list)
        rooms = self.get_data("/space/meeting-rooms", list)
        amenities = self.get_data("/space/amenities", list)
        products = self.get_data("/space/products", list)
        legal = self.get_data("/space/legal", dict)

        skipped: list[SkippedItem] = []
        data = self.space(space, hours, photos, amenities, legal, skipped)
        rooms_by_id = self.rooms_by_id(rooms, skipped)
        for product in products:
            where = f"product {product.get('id')}" if isinstance(product, dict) else "product"
            try:
                if not isinstance(product, dict):
                    raise SkipItem("not an object")
                if not self.for_members(product):
                    continue
                seating = product.get("seating_option")
                seating_id = seating.get("id") if isinstance(seating, dict) else None
                if seating_id == MEETING_ROOM_SEATING:
                    data.resources.append(self.room_resource(product, rooms_by_id))
                elif seating_id in OFFER_KINDS:
                    data.offers.append(self.offer(product, OFFER_KINDS[seating_id].value))
                else:
                    raise SkipItem(f"unknown seating option {seating!r}")
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
        return Catalogue(spaces=[data], skipped=skipped)

    @staticmethod
    def for_members(product: dict) -> bool:
        """Unpublished products and personalized offers are not sold to members.

        doc: "is_published | Whether this product is published and bookable";
        doc: "is_offer flag indicates that the product is a personalized offer and can only
        be sold via the admin panel".
        """
        return product.get("is_published") is True and product.get("is_offer") is not True

    def space(
        self,
        space: dict,
        hours: list,
        photos: list,
        amenities: list,
        legal: dict,
        skipped: list[SkippedItem],
    ) -> SpaceData:
        space_id = space.get("id")
        name = text(space.get("name"))
        if isinstance(space_id, bool) or not isinstance(space_id, int) or not name:
            raise malformed(self.kind, "GET /space: the space has no id or name")
        city = space.get("city") if isinstance(space.get("city"), dict) else {}
        country = space.get("country") if isinstance(space.get("country"), dict) else {}
        if not country and isinstance(city.get("country"), dict):
            country = city["country"]
        country_name = text(country.get("name"))
        return SpaceData(
            external_id=str(space_id),
            name=name,
            timezone=TIMEZONE,
            description=text(space.get("description")) or text(space.get("slogan")),
            address=text(space.get("street")),
            city=text(city.get("name")),
            country=country_name,
            country_code=COUNTRY_CODES.get(country_name.lower(), ""),
            latitude=self.coordinate(space.get("latitude")),
            longitude=self.coordinate(space.get("longitude")),
            opening_hours=self.opening_hours(hours, skipped),
            photos=self.space_photos(space, photos),
            amenities=self.amenity_names(amenities or space.get("amenities") or []),
            contact=self.contact(space),
            legal=[
                {"kind": key, "title": title, "text": legal[key].strip()}
                for key, title in LEGAL_TITLES.items()
                if isinstance(legal.get(key), str) and legal[key].strip()
            ],
            raw={
                "space_id": space_id,
                "subdomain": text(space.get("subdomain")),
                # desk availability counts hot + dedicated desks (doc)
                "total_hot_desks": space.get("total_hot_desks"),
                "total_dedicated_desks": space.get("total_dedicated_desks"),
                "total_private_offices": space.get("total_private_offices"),
            },
        )

    @staticmethod
    def coordinate(value: Any) -> Decimal | None:
        # doc: "Latitude and longitude are returned as decimal strings with 7 decimal places"
        try:
            number = Decimal(str(value)) if isinstance(value, str | int | float) else None
        except InvalidOperation:
            return None
        if number is None or not number.is_finite():
            return None
        return number.quantize(Decimal("0.000001"))  # the model keeps 6 places

    def opening_hours(self, hours: list, skipped: list[SkippedItem]) -> list[OpeningHours]:
        result: dict[int, OpeningHours] = {}
        for row in hours:
            where = f"hours {row.get('weekday')}" if isinstance(row, dict) else "hours"
            try:
                if not isinstance(row, dict):
                    raise SkipItem("not an object")
                weekday = parse_int(row.get("weekday"), "weekday")
                if not 1 <= weekday <= 7:  # doc: "1=Monday, 2=Tuesday, ..., 7=Sunday"
                    raise SkipItem(f"weekday {weekday} is not 1..7")
                if row.get("closed") is True:
                    result[weekday - 1] = OpeningHours(weekday - 1, None, None)
                elif row.get("non_stop") is True:
                    # doc: "If non_stop is true, the space is open 24/7" that day: 00:00-24:00
                    result[weekday - 1] = OpeningHours(
                        weekday - 1, dt.time(0, 0), dt.time(0, 0), closes_next_day=True
                    )
                else:
                    opens = parse_time(row.get("open_time"))
                    closes = parse_time(row.get("close_time"))
                    result[weekday - 1] = OpeningHours(
                        weekday - 1, opens, closes, closes_next_day=closes <= opens
                    )
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
        return [result[day] for day in sorted(result)]

    def space_photos(self, space: dict, photos: list) -> list[str]:
        urls = [self.absolute(space.get("cover_photo"))]
        # doc: "Photos are returned ordered by the order field (ascending)"; "original for
        # full-size viewing"
        rows = [p for p in photos if isinstance(p, dict)]
        rows.sort(key=lambda p: p.get("order") if isinstance(p.get("order"), int) else 0)
        urls += [self.absolute(p.get("original_path") or p.get("medium_path")) for p in rows]
        return list(dict.fromkeys(u for u in urls if u))

    @staticmethod
    def amenity_names(amenities: list) -> list[str]:
        names = []
        for item in amenities:
            # doc: amenities are {id, name, icon}, "or contain an array of strings"
            name = text(item.get("name")) if isinstance(item, dict) else text(item)
            if name:
                names.append(name)
        return list(dict.fromkeys(names))

    @staticmethod
    def contact(space: dict) -> dict[str, str]:
        contact = {key: text(space.get(key)) for key in CONTACT_FIELDS}
        if space.get("has_whatsapp") is True:
            contact["whatsapp"] = text(space.get("whatsapp_group_url"))
        return {key: value for key, value in contact.items() if value}

    def rooms_by_id(self, rooms: list, skipped: list[SkippedItem]) -> dict[int, dict]:
        result = {}
        for room in rooms:
            if isinstance(room, dict) and isinstance(room.get("id"), int):
                result[room["id"]] = room
            else:
                where = f"meeting room {room.get('id')}" if isinstance(room, dict) else "room"
                skipped.append(SkippedItem(where, "no id"))
        return result

    def room_resource(self, product: dict, rooms: dict[int, dict]) -> ResourceData:
        product_id = parse_int(product.get("id"), "id")
        settings = product.get("settings")
        if not isinstance(settings, dict):
            raise SkipItem("settings is not an object")
        room_id = settings.get("meeting_room_id")
        if room_id is None:
            # doc (booking): "Product does not have a meeting room configured"
            raise SkipItem("no meeting room configured")
        room = rooms.get(room_id)
        if room is None:
            # doc (booking): "The meeting room associated with this product was not found"
            raise SkipItem(f"meeting room {room_id} not found")
        price = parse_price(product.get("price"))
        opens = parse_time(room.get("available_from"))
        closes = parse_time(room.get("available_to"))
        window = _minutes(closes) - _minutes(opens)
        if window <= 0:  # "available_to" 00:00:00 is midnight at the end of the day
            window += 24 * 60
        if window < SLOT_MINUTES:
            raise SkipItem(f"meeting room {room_id} has no one-hour slot")
        capacity = room.get("capacity")
        features = room.get("features") if isinstance(room.get("features"), dict) else {}
        weekdays = iso_weekdays(settings.get("weekdays"))
        prices = self.slot_prices(price, settings)
        return ResourceData(
            external_id=str(product_id),
            name=text(product.get("name")) or text(room.get("name")),
            kind=ResourceKind.MEETING_ROOM.value,
            description=text(room.get("description")) or text(product.get("description")),
            capacity=capacity if isinstance(capacity, int) and capacity > 0 else None,
            quantity=1,
            # "has_video_conferencing_system" -> "video conferencing system"
            features=[
                key.removeprefix("has_").replace("_", " ")
                for key, present in features.items()
                if present is True
            ],
            photos=list(
                dict.fromkeys(
                    u
                    for u in (self.absolute(room.get("photo")), self.absolute(product.get("photo")))
                    if u
                )
            ),
            rules={
                "slot_minutes": SLOT_MINUTES,
                "min_minutes": SLOT_MINUTES,
                "max_minutes": window - window % SLOT_MINUTES,
                "step_minutes": SLOT_MINUTES,
                "lead_time_minutes": 0,
                # doc: "Time slots are generated in 1-hour intervals based on the meeting
                # room's operating hours" (Bucharest wall clock)
                "windows": {
                    "daily": {"from": opens.strftime("%H:%M"), "to": closes.strftime("%H:%M")},
                    "weekdays": weekdays,
                },
            },
            currency=DEFAULT_CURRENCY,
            raw={
                "product_id": product_id,
                "meeting_room_id": room_id,
                "seating_option_id": MEETING_ROOM_SEATING,
                "slot_minutes": SLOT_MINUTES,
                "price": str(price),
                "duration": settings.get("duration"),
                "duration_unit": settings.get("duration_unit"),
                # for day_facts: the room's hours (Bucharest wall clock) and the product's
                # ISO weekdays, as Thia gives them
                "available_from": room.get("available_from"),
                "available_to": room.get("available_to"),
                "weekdays": settings.get("weekdays"),
            },
            **prices,
        )

    @staticmethod
    def slot_prices(price: Decimal, settings: dict) -> dict[str, Decimal]:
        """A room product's price per ``duration`` times ``duration_unit`` as model prices.

        Room products are sold per one-hour slot (``duration: 1, duration_unit: 1``; see
        docs/providers/thia.md); other units are mapped where a field exists.
        """
        duration = settings.get("duration", 1)
        unit = settings.get("duration_unit", 1)
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 1:
            raise SkipItem(f"duration {duration!r} is not a positive integer")
        field = {1: "price_hour", 2: "price_day", 3: "price_month"}.get(unit)
        if field is None:
            raise SkipItem(f"duration_unit {unit!r} has no price per hour, day or month")
        return {field: (price / duration).quantize(Decimal("0.01"))}

    def offer(self, product: dict, kind: str) -> OfferData:
        product_id = parse_int(product.get("id"), "id")
        name = text(product.get("name"))
        if not name:
            raise SkipItem("no name")
        settings = product.get("settings")
        if not isinstance(settings, dict):
            raise SkipItem("settings is not an object")
        price = parse_price(product.get("price"))
        seating_id = product["seating_option"]["id"]
        if kind == OfferKind.DAY_PASS:
            price_unit, validity_days = self.day_pass_terms(settings)
            weekdays: list[int] = []
        else:
            price_unit, validity_days = self.duration_terms(settings)
            weekdays = iso_weekdays(settings.get("weekdays"))
        persons = settings.get("persons")
        persons = persons if isinstance(persons, int) and persons > 0 else None
        capacity = settings.get("capacity")  # private offices
        capacity = capacity if isinstance(capacity, int) and capacity > 0 else None
        description = "\n\n".join(
            part
            for part in (text(product.get("description")), text(product.get("disclaimer")))
            if part
        )
        return OfferData(
            external_id=str(product_id),
            name=name,
            kind=kind,
            description=description,
            price=price,
            currency=DEFAULT_CURRENCY,
            price_unit=price_unit,
            validity_days=validity_days,
            weekdays=weekdays,
            min_persons=1,
            max_persons=capacity or persons,
            capacity=capacity,
            raw={
                "product_id": product_id,
                "seating_option_id": seating_id,
                "duration": settings.get("duration"),
                "duration_unit": settings.get("duration_unit"),
                "duration_type": settings.get("duration_type"),
                "time_start": settings.get("time_start"),
                "time_end": settings.get("time_end"),
                "meeting_room_hours": settings.get("meeting_room_hours"),
                "weekdays": settings.get("weekdays"),  # ISO 1..7 as Thia gives them
                "access_type": product.get("access_type"),
                "accessible_spaces": product.get("accessible_spaces"),
                "available_from": product.get("available_from"),
            },
        )

    @staticmethod
    def day_pass_terms(settings: dict) -> tuple[str, int]:
        # doc: duration_type "1 | Half a day (uses time_start and time_end)", "2 | One or
        # more full days" (duration days).
        if settings.get("duration_type") == HALF_DAY:
            return "half day", 1
        duration = settings.get("duration", 1)
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 1:
            raise SkipItem(f"duration {duration!r} is not a positive integer")
        return ("day", 1) if duration == 1 else (f"{duration} days", duration)

    @staticmethod
    def duration_terms(settings: dict) -> tuple[str, int]:
        duration = settings.get("duration")
        unit = DURATION_UNITS.get(settings.get("duration_unit"))
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 1:
            raise SkipItem(f"duration {duration!r} is not a positive integer")
        if unit is None:
            raise SkipItem(f"duration_unit {settings.get('duration_unit')!r} is not 1..4")
        # validity in whole days (calendar months/years vary; the provider dates the code)
        days = {
            "hour": -(-duration // 24),
            "day": duration,
            "month": duration * 30,
            "year": duration * 365,
        }[unit]
        return (unit if duration == 1 else f"{duration} {unit}s"), days

    # --- availability ---------------------------------------------------------------
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

    # --- availability helpers -------------------------------------------------------
    def item_product_id(self, item: ItemRef) -> int:
        product_id = item.raw.get("product_id", item.external_id)
        try:
            return int(product_id)
        except (TypeError, ValueError):
            raise ProviderConfigurationError(
                f"{self.account.name}: {product_id!r} is not a Thia product id"
            ) from None

    @staticmethod
    def room_hours(item: ItemRef) -> tuple[dt.time | None, dt.time | None, list[int]]:
        """(available_from, available_to, weekdays 0..6; [] = every day) of a room product.

        From ``raw`` (the room's ``available_from``/``available_to`` "HH:MM:SS" and the
        product's ISO ``weekdays``), else from the ``rules["windows"]`` the catalogue wrote
        (rows synced before ``raw`` carried them).
        """
        windows = item.rules.get("windows") if isinstance(item.rules, dict) else None
        windows = windows if isinstance(windows, dict) else {}
        daily = windows.get("daily") if isinstance(windows.get("daily"), dict) else {}

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

    def parse_slot_label(self, label: Any) -> tuple[dt.time, dt.time]:
        """doc: available_slots is an "Array of available time slots in "HH:MM - HH:MM"
        format" (Europe/Bucharest wall clock); "00:00" as an end is midnight at the end of
        the day (e.g. "23:00 - 00:00")."""
        match = SLOT_LABEL.match(label) if isinstance(label, str) else None
        if match is None:
            raise malformed(self.kind, f'slot {label!r} is not "HH:MM - HH:MM"')
        try:
            start = dt.time(int(match["sh"]), int(match["sm"]))
            end = dt.time(int(match["eh"]), int(match["em"]))
        except ValueError:
            raise malformed(self.kind, f'slot {label!r} is not "HH:MM - HH:MM"') from None
        return start, end

    # --- booking --------------------------------------------------------------------
    # doc: POST /meeting-room-booking (room products, hourly "selected_slots") and POST
    # /access-codes/product (day pass, hot desk, dedicated desk, private office) both
    # answer 201 {"data": <access code>}: the booking is made at once, there is nothing to
    # approve. The access code's "id" (a UUID) is the reference and the code; its QR is
    # "qr_code_download_url". Thia keeps no reference of ours, has no read-back endpoint
    # and no cancellation: see docs/providers/thia.md, "Booking".

    def raise_for_status(self, response) -> None:
        # doc: "500 Internal Server Error - Slot Conflict" {"error": "Failed to create
        # meeting room booking", "message": "Some time slots are no longer available.
        # Please refresh and try again."} is Thia saying no, not a fault: the member must
        # pick other slots. Any other 500 stays transient.
        if response.status_code == 500:
            payload = self.safe_json(response)
            if is_slot_conflict(payload):
                message, code = self.error_message(payload, response)
                raise RejectedError(
                    message or SLOT_CONFLICT_MESSAGE,
                    provider=self.kind,
                    status=500,
                    code=code,
                    payload=payload,
                )
        super().raise_for_status(response)

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
        note = "The space's listed price (Thia does not say whether it includes VAT)."
        raw = {"product_id": product.get("id"), "price": product.get("price")}
        if item.kind == ResourceKind.MEETING_ROOM:
            try:
                _day, labels = self.room_slots(request)
            except RejectedError as exc:  # not whole hours of one day: nothing to price
                return Quote(None, DEFAULT_CURRENCY, note=exc.message, raw=raw)
            settings = product.get("settings") if isinstance(product.get("settings"), dict) else {}
            duration, unit = settings.get("duration", 1), settings.get("duration_unit", 1)
            if unit != 1 or not isinstance(duration, int) or duration < 1:
                # priced per day/month: not a per-slot price the document defines
                return Quote(
                    None,
                    DEFAULT_CURRENCY,
                    note="Thia prices this room per "
                    f"{DURATION_UNITS.get(unit, 'period')}; the space confirms the price.",
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
                note=ONE_START_DAY_MESSAGE,
                raw=raw,
            )
        return Quote(price, DEFAULT_CURRENCY, [(name, price)], note=note, raw=raw)

    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        product_id = self.item_product_id(item)
        customer = self.customer_body(request)
        if item.kind == ResourceKind.MEETING_ROOM and request.kind == "room":
            day, labels = self.room_slots(request)
            path = "/meeting-room-booking"
            body = {
                "product_id": product_id,
                "date": day.isoformat(),
                "selected_slots": labels,
                "customer": customer,
            }
        elif item.kind in PASS_KINDS and request.kind == "pass":
            if request.days > 1:
                raise RejectedError(ONE_START_DAY_MESSAGE, provider=self.kind)
            path = "/access-codes/product"
            body = {
                "product_id": product_id,
                "start_date": self.local_day(request).isoformat(),
                "customer": customer,
            }
        else:
            raise UnsupportedError(
                f"thia books meeting rooms and passes, not a {request.kind} of a {item.kind}",
                provider=self.kind,
            )
        # A POST is sent once (the base does not retry it): after a timeout the lifecycle
        # reconciles with find_existing before anything is sent again.
        response = self.request(
            "POST",
            f"{self.base_url}{path}",
            endpoint=f"POST {path}",
            headers=self.headers(),
            json=body,
        )
        answer = self.json(response, expect=dict)
        return self.code_result(answer.get("data"), reply=answer)

    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """Reconcile through the only read-back Thia has: the access codes of a date.

        ``GET /space/desk-availability?date=D&include_access_codes=1`` lists every active
        or inactive code whose validity meets D, with its customer. A code is this booking
        when it belongs to this customer (email, or the Thia customer id remembered) and
        its validity is this product's from this day; for a room, the booked slots must
        also be gone from ``GET /space/meeting-room-availability``. Codes carry no product
        id, so among several such codes the newest is taken.
        """
        if item.kind == ResourceKind.MEETING_ROOM and request.kind == "room":
            day, labels = self.room_slots(request)
            if day < bucharest_today():
                return None  # Thia answers past dates with a 400; nothing can be booked
            free = self.free_slot_labels(self.item_product_id(item), day)
            if any(label in free for label in labels):
                return None  # a booked slot is not listed: this booking is not held
            matches = lambda code: self.room_code_matches(code, day)  # noqa: E731
        elif item.kind in PASS_KINDS and request.kind == "pass":
            day = self.local_day(request)
            if day < bucharest_today():
                return None
            matches = lambda code: self.pass_code_matches(code, item, day)  # noqa: E731
        else:
            return None
        candidates = [
            code
            for code in self.codes_on(day)
            if self.is_customers(code, request)
            and code.get("subscription_id") is not None
            and matches(code)
        ]
        if not candidates:
            return None
        newest = max(candidates, key=lambda c: str(c.get("created_at") or ""))
        return self.code_result(newest, reply={"reconciled": True, "data": newest})

    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """Thia bookings are confirmed at once; the code is looked up by its id among the
        codes of its first day (or today). A code not listed there (canceled, expired)
        cannot be told apart: ``UnsupportedError``."""
        day = max(self.local_day(request), bucharest_today())
        for code in self.codes_on(day):
            if code.get("id") == reference:
                return self.code_result(code, reply={"data": code})
        raise UnsupportedError(
            "thia lists only active and upcoming access codes; this one is not among them",
            provider=self.kind,
        )

    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        # doc: the Partner API has no endpoint to cancel a booking or an access code.
        raise UnsupportedError(
            "thia has no cancellation in its Partner API: cancel the access code in Thia's "
            "admin panel",
            provider=self.kind,
        )

    # --- booking helpers ------------------------------------------------------------
    def product(self, item: ItemRef) -> dict:
        product_id = self.item_product_id(item)
        for product in self.get_data("/space/products", list):
            if isinstance(product, dict) and product.get("id") == product_id:
                return product
        raise NotFoundError(
            "This product is no longer sold by the space.", provider=self.kind, status=404
        )

    @staticmethod
    def local_day(request: BookingRequest) -> dt.date:
        return request.start.astimezone(BUCHAREST).date()

    def room_slots(self, request: BookingRequest) -> tuple[dt.date, list[str]]:
        """The Bucharest day and the "HH:MM - HH:MM" one-hour slots of a room booking.

        doc: "date" is one day and each slot "must start at the beginning of the hour" and
        "be exactly 1 hour long" (Europe/Bucharest wall clock; "23:00 - 00:00" ends the day).
        """
        start = request.start.astimezone(BUCHAREST)
        end = request.end.astimezone(BUCHAREST)
        day = start.date()
        on_the_hour = all(
            (t.minute, t.second, t.microsecond) == (0, 0, 0) for t in (start.time(), end.time())
        )
        if not on_the_hour:
            raise RejectedError(
                "Thia books meeting rooms by the whole hour (for example 09:00 - 10:00).",
                provider=self.kind,
            )
        if end.date() == day:
            last = end.hour
        elif end.date() == day + dt.timedelta(days=1) and end.hour == 0:
            last = 24
        else:
            raise RejectedError(
                "A Thia meeting-room booking stays within one day.", provider=self.kind
            )
        if last <= start.hour:
            raise RejectedError("Book at least one hour.", provider=self.kind)
        return day, [slot_label(hour) for hour in range(start.hour, last)]

    @staticmethod
    def customer_body(request: BookingRequest) -> dict[str, str]:
        """doc: customer.first_name, last_name, email (max 255) and an optional phone of
        "10-15 digits, optional + prefix": spaces and dashes are dropped, and a number that
        still does not fit is left out rather than refused."""
        customer = request.customer
        body = {
            "first_name": customer.first_name.strip()[:255],
            "last_name": customer.last_name.strip()[:255],
            "email": customer.email.strip(),
        }
        phone = normal_phone(customer.phone)
        if phone:
            body["phone"] = phone
        return body

    def free_slot_labels(self, product_id: int, day: dt.date) -> set[str]:
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
        listed = body.get("available_slots") or []
        if not isinstance(listed, list):
            raise malformed(self.kind, f"GET {path}: available_slots is not a list")
        return {slot_label(start.hour) for start, _end in map(self.parse_slot_label, listed)}

    def codes_on(self, day: dt.date) -> list[dict]:
        """The access codes whose validity meets ``day`` (doc: desk availability with
        ``include_access_codes``; only "active" and "inactive" codes are listed)."""
        path = "/space/desk-availability"
        body = self.json(
            self.request(
                "GET",
                f"{self.base_url}{path}",
                endpoint=f"GET {path}",
                headers=self.headers(),
                params={"date": day.isoformat(), "include_access_codes": 1},
            ),
            expect=dict,
        )
        codes = body.get("access_codes") or []
        if not isinstance(codes, list):
            raise malformed(self.kind, f"GET {path}: access_codes is not a list")
        return [code for code in codes if isinstance(code, dict)]

    @staticmethod
    def is_customers(code: dict, request: BookingRequest) -> bool:
        customer = code.get("customer") if isinstance(code.get("customer"), dict) else {}
        email = text(customer.get("email")).lower()
        if email:
            return email == request.customer.email.strip().lower()
        known = request.customer.identity.get("customer_id")
        return known is not None and code.get("customer_id") == known

    def room_code_matches(self, code: dict, day: dt.date) -> bool:
        # doc example: a booking on 2024-03-25 is valid 2024-03-25T00:00:00 ..
        # 2024-03-25T23:59:59; a code that starts that day and ends by midnight.
        valid_from, valid_to = self.code_validity(code)
        if valid_from is None or valid_to is None:
            return False
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), BUCHAREST)
        return valid_from.date() == day and valid_to <= midnight

    def pass_code_matches(self, code: dict, item: ItemRef, day: dt.date) -> bool:
        """A code from ``day`` whose end is this product's (doc: "subscriptions are
        automatically created with the correct duration based on the product settings";
        the example's month from 2024-03-20 ends 2024-04-19T23:59:59). Calendar periods
        (months, years) are allowed a day either way, other ends a minute."""
        valid_from, valid_to = self.code_validity(code)
        if valid_from is None or valid_to is None or valid_from.date() != day:
            return False
        expected = expected_pass_end(item.raw, day)
        if expected is None:
            return True  # the product's terms are unknown: the start day decides
        end, slack = expected
        return abs(valid_to.replace(tzinfo=None) - end) <= slack

    def code_validity(self, code: dict) -> tuple[dt.datetime | None, dt.datetime | None]:
        return self.timestamp(code.get("valid_from")), self.timestamp(code.get("valid_to"))

    def timestamp(self, value: Any) -> dt.datetime | None:
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            return parse_timestamp(value)
        except ValueError:
            raise malformed(self.kind, f"timestamp {value!r} is not ISO 8601") from None

    def code_result(self, code: Any, *, reply: Any) -> SubmitResult:
        """An access code (doc: "Access Code Field Descriptions") as a SubmitResult."""
        if not isinstance(code, dict) or not text(code.get("id")):
            raise malformed(self.kind, "the answer has no access code id")
        code_id = text(code["id"])
        valid_from, valid_to = self.code_validity(code)
        customer_id = code.get("customer_id")
        identity = (
            {"customer_id": customer_id}
            if isinstance(customer_id, int) and not isinstance(customer_id, bool)
            else {}
        )
        if code.get("status") == "canceled":
            return SubmitResult(
                "cancelled", reference=code_id, identity=identity, reply=_jsonable(reply)
            )
        return SubmitResult(
            "confirmed",
            reference=code_id,
            access_code=code_id,
            qr_url=text(code.get("qr_code_download_url")),
            valid_from=valid_from,
            valid_to=valid_to,
            next_step="Show the QR code (or the access code) at the entrance of the space.",
            identity=identity,
            reply=_jsonable(reply),
        )


PASS_KINDS = frozenset(kind.value for kind in OFFER_KINDS.values())
# One desk-availability call per day against "60 requests per minute per API key".
MAX_PASS_DAYS = 62
SLOT_LABEL = re.compile(r"^\s*(?P<sh>\d{2}):(?P<sm>\d{2})\s*-\s*(?P<eh>\d{2}):(?P<em>\d{2})\s*$")


def room_slot_hours(opens: dt.time, closes: dt.time) -> list[tuple[dt.time, dt.time]]:
    """The one-hour slots of a room's hours: on the hour (doc: a slot "must start at the
    beginning of the hour" and "be exactly 1 hour long"), from the first whole hour at or
    after ``available_from`` to the last one ending by ``available_to``; an
    ``available_to`` at or before ``available_from`` (e.g. "00:00:00") runs to midnight."""
    first = opens.hour + (1 if (opens.minute, opens.second, opens.microsecond) != (0, 0, 0) else 0)
    stop = _minutes(closes)
    if stop <= _minutes(opens):
        stop = 24 * 60
    return [
        (dt.time(hour), dt.time((hour + 1) % 24))
        for hour in range(first, 24)
        if (hour + 1) * 60 <= stop
    ]


def local_slot(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """A slot label's wall-clock times on ``day`` as aware Bucharest datetimes.

    zoneinfo gives each hour its own offset, so on the last Sunday of March 03:00 does
    not exist (the slot is dropped by the caller) and on the last Sunday of October
    "03:00 - 04:00" runs from the first 03:00 (+03:00) to 04:00 (+02:00): two real hours.
    An end at or before the start (the "00:00" of "23:00 - 00:00") is on the next day.
    """
    start_at = dt.datetime.combine(day, start, BUCHAREST)
    end_day = day if end > start else day + dt.timedelta(days=1)
    return start_at, dt.datetime.combine(end_day, end, BUCHAREST)


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


# --- booking helpers --------------------------------------------------------------------

# doc: "500 Internal Server Error - Slot Conflict"
SLOT_CONFLICT_MESSAGE = "Some time slots are no longer available. Please refresh and try again."
ONE_START_DAY_MESSAGE = (
    "Thia sells this pass for one start day at a time (the product sets how long it is "
    "valid): book each day separately."
)
# doc: customer.phone "10-15 digits, optional + prefix"
PHONE = re.compile(r"^\+?\d{10,15}$")


def is_slot_conflict(payload: Any) -> bool:
    """The documented slot-conflict 500, recognised by its message (the ``error`` type
    "Failed to create meeting room booking" alone could be any failure)."""
    if not isinstance(payload, dict):
        return False
    message = payload.get("message")
    return isinstance(message, str) and "no longer available" in message.lower()


def slot_label(hour: int) -> str:
    """doc: "HH:MM - HH:MM"; the hour from 23:00 ends at "00:00"."""
    return f"{hour:02d}:00 - {(hour + 1) % 24:02d}:00"


def normal_phone(value: str) -> str:
    phone = re.sub(r"[\s\-().]", "", value or "")
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    return phone if PHONE.match(phone) else ""


def bucharest_today() -> dt.date:
    # doc: "today or future dates only", in Thia's time zone
    return dt.datetime.now(BUCHAREST).date()


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_pass_end(raw: dict, day: dt.date) -> tuple[dt.datetime, dt.timedelta] | None:
    """(naive Bucharest end, allowed difference) of a pass product's code from ``day``,
    or None when the product's terms are unknown."""
    minute, whole_day = dt.timedelta(minutes=1), dt.timedelta(days=1)
    duration = raw.get("duration") or 1
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 1:
        return None
    last_second = dt.time(23, 59, 59)
    if raw.get("seating_option_id") == 1:  # Day Pass: duration_type 1 half day, 2 full days
        if raw.get("duration_type") == HALF_DAY:
            try:
                return dt.datetime.combine(day, dt.time.fromisoformat(raw["time_end"])), minute
            except (KeyError, TypeError, ValueError):
                return None
        return dt.datetime.combine(day + dt.timedelta(days=duration - 1), last_second), minute
    unit = raw.get("duration_unit")
    if unit == 1:
        start = dt.datetime.combine(day, dt.time(0))
        return start + dt.timedelta(hours=duration, seconds=-1), minute
    if unit == 2:
        return dt.datetime.combine(day + dt.timedelta(days=duration - 1), last_second), minute
    if unit in (3, 4):
        months = duration * (12 if unit == 4 else 1)
        last = add_months(day, months) - dt.timedelta(days=1)
        return dt.datetime.combine(last, last_second), whole_day
    return None


def _jsonable(value: Any) -> Any:
    """The provider's answer as plain JSON for the booking's history (no secrets: access
    code answers carry none)."""
    return json.loads(json.dumps(value, default=str))
