"""Thia's catalogue (seed ``000_625ed28ef0e2e084.txt``).

The catalogue is seven GETs: ``/space``, ``/space/hours``, ``/space/photos``,
``/space/meeting-rooms``, ``/space/amenities``, ``/space/products`` and ``/space/legal``,
each answering ``{"data": ...}``; none of them pages.

* Meeting rooms are booked *as products* (doc: meeting-room availability and booking take
  a ``product_id`` "of the meeting room product"), so a room resource is the pair (room,
  product): ``external_id`` is the product id, capacity/features/photo come from the room
  linked by ``settings.meeting_room_id``, the price from the product.
* Day passes, hot desks, dedicated desks and private offices are products sold as access
  codes (``POST /access-codes/product``): they become offers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from providers.adapters.base import malformed
from providers.adapters.parsing import SkipItem, safe_url, text
from providers.adapters.types import (
    Catalogue,
    OfferData,
    OpeningHours,
    ResourceData,
    SkippedItem,
    SpaceData,
)
from providers.models import OfferKind, ResourceKind
from providers.vendors.thia.client import ThiaClient
from providers.vendors.thia.parsing import (
    COUNTRY_CODES,
    DEFAULT_CURRENCY,
    DURATION_UNITS,
    HALF_DAY,
    MEETING_ROOM_SEATING,
    OFFER_KINDS,
    SLOT_MINUTES,
    TIMEZONE,
    iso_weekdays,
    minutes,
    parse_int,
    parse_price,
    parse_time,
)

LEGAL_TITLES = {
    "terms": "Terms and conditions",
    "privacy_policy": "Privacy policy",
    "cookies_policy": "Cookies policy",
    "internal_regulations": "Internal regulations",
}
CONTACT_FIELDS = ("phone", "email")
# contact fields that are links: kept only as http(s) URLs (pages render them as href)
CONTACT_LINKS = ("website", "facebook", "instagram", "linkedin", "twitter", "facebook_messenger")


def photo_order(photo: dict) -> int:
    """A photo's ``order``; a photo without a whole number sorts as 0."""
    order = photo.get("order")
    return order if isinstance(order, int) else 0


class CatalogueMixin(ThiaClient):
    def ping(self) -> None:
        self.get_data("/space", dict)  # the catalogue's first call

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
        city = space.get("city")
        if not isinstance(city, dict):
            city = {}
        country = space.get("country")
        if not isinstance(country, dict):
            country = {}
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
                # what to bring, for the booking's email and .ics (doc: GET /space)
                "directions": text(space.get("directions")),
                "wifi_network": text(space.get("wifi_network")),
                "wifi_password": text(space.get("wifi_password")),
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
        rows.sort(key=photo_order)
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
        contact.update({key: safe_url(space.get(key)) for key in CONTACT_LINKS})
        if space.get("has_whatsapp") is True:
            contact["whatsapp"] = safe_url(space.get("whatsapp_group_url"))
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
        window = minutes(closes) - minutes(opens)
        if window <= 0:  # "available_to" 00:00:00 is midnight at the end of the day
            window += 24 * 60
        if window < SLOT_MINUTES:
            raise SkipItem(f"meeting room {room_id} has no one-hour slot")
        capacity = room.get("capacity")
        features = room.get("features")
        if not isinstance(features, dict):
            features = {}
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
