"""Zentry adapter: Workspaces API (``002_b74326c229a2377d.txt``) for the catalogue.

The CheckIns API (``003_c7b0553c6c4180e6.txt``) books day passes and rooms; this issue
reads only the catalogue, from three paged searches of the Workspaces API:

* ``POST /WorkspaceMember`` with the portal user's id: the workspaces where that user is
  a member. Elsewhere the user books as a *marketplace* user (doc, Reservation:
  "isMarketplace | Flag indicating if this is a marketplace reservation").
* ``POST /Location`` -> one space per Active location, and its day pass as an offer.
  Day passes are reserved per location (doc, CreateDayPassReservationRequest:
  ``{userId, locationId, tenantId, employerId, reservationDate}`` — no product id), so
  the offer's ``external_id`` is the location id.
* ``POST /Room`` -> one meeting-room resource per room, under its location.

Every search is a POST ``{offset, limit, ...filters}`` answering
``{"data": [...], "pagedRequest": {...}, "totalCount": N}``; all pages are read. Money is
integer cents (doc: "Stored in cents") in US dollars (every Zentry address is a US state;
the documents name no currency). Locations carry their own ``timeZone``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.types import (
    Catalogue,
    OfferData,
    OpeningHours,
    ResourceData,
    SkippedItem,
    SpaceData,
)
from providers.models import OfferKind, ResourceKind
from providers.ratelimit import Limit

logger = logging.getLogger(__name__)

# doc: "API Key (API_KEY) • Parameter Name: Api-Key Authentication, in: header." A header
# name cannot contain a space; docs/providers/zentry.md settles on `Api-Key`.
API_KEY_HEADER = "Api-Key"
CURRENCY = "USD"
COUNTRY, COUNTRY_CODE = "United States", "US"
PAGE_SIZE = 100
MAX_PAGES = 1000  # a provider that keeps answering full pages must not loop forever
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The document's `timeZone` values are IANA ("America/Chicago"); a .NET service may also
# answer Windows names, so the US ones are converted rather than dropping the location.
WINDOWS_ZONES = {
    "eastern standard time": "America/New_York",
    "central standard time": "America/Chicago",
    "mountain standard time": "America/Denver",
    "us mountain standard time": "America/Phoenix",
    "pacific standard time": "America/Los_Angeles",
    "alaskan standard time": "America/Anchorage",
    "hawaiian standard time": "Pacific/Honolulu",
    "utc": "UTC",
}


TIME_SPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")


class SkipItem(Exception):
    """One catalogue item cannot be read; the reason goes into a ``SkippedItem``."""


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def cents(value: Any, what: str, *, optional: bool = False) -> Decimal | None:
    """Integer cents (doc: "Stored in cents") as a Decimal in units: 2500 -> 25.00."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SkipItem(f"{what} {value!r} is not an amount in cents")
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SkipItem(f"{what} {value!r} is not a positive integer")
    return value


def timezone_name(value: Any) -> str:
    name = text(value)
    name = WINDOWS_ZONES.get(name.lower(), name)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SkipItem(f"timeZone {value!r} is not a time zone") from exc
    return name


def span(value: Any, what: str) -> tuple[dt.time, bool]:
    """A .NET TimeSpan ("09:00:00"; "1.00:00:00" or "24:00:00" = midnight at the end of
    the day) as (time of day, is the next day)."""
    match = TIME_SPAN.match(text(value))
    if not match:
        raise SkipItem(f"{what} {value!r} is not a time of day")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if minutes > 59 or seconds > 59 or total > 86400:
        raise SkipItem(f"{what} {value!r} is not a time of day")
    if total == 86400:
        return dt.time(0, 0), True
    return dt.time(hours, minutes, seconds), False


def urls(value: Any) -> list[str]:
    """Absolute http(s) URLs only (the document's examples include the word "string")."""
    if not isinstance(value, list):
        return []
    return [u.strip() for u in value if isinstance(u, str) and is_url(u)]


def strings(value: Any) -> list[str]:
    """The provider's own names (amenities), stripped; sync normalizes them."""
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if text(v)]


def is_url(value: Any) -> bool:
    return isinstance(value, str) and urlsplit(value.strip()).scheme in ("http", "https")


class ZentryAdapter(BaseAdapter):
    kind = "zentry"
    rate_limit: ClassVar[Limit | None] = None  # the documents name no rate limit

    # --- configuration ------------------------------------------------------------
    @property
    def workspaces_url(self) -> str:
        return str(self.setting("workspaces_url")).rstrip("/")

    def headers(self) -> dict[str, str]:
        return {API_KEY_HEADER: self.secret("api_key")}

    # --- answers ------------------------------------------------------------------
    def error_message(self, payload: Any, response) -> tuple[str, str]:
        # doc: errors are ProblemDetails {type, title, status, detail, instance} or
        # HttpValidationProblemDetails, which adds "errors": {"<field>": ["..."]}.
        if not isinstance(payload, dict):
            return "", ""
        title = text(payload.get("title"))
        errors = payload.get("errors")
        if isinstance(errors, dict) and errors:
            parts = []
            for field, messages in errors.items():
                if isinstance(messages, list):
                    said = "; ".join(m for m in messages if isinstance(m, str))
                else:
                    said = text(messages)
                parts.append(f"{field}: {said}" if field else said)
            return " ".join(p for p in parts if p) or title, title
        detail = text(payload.get("detail"))
        if detail or title:
            return detail or title, title
        return super().error_message(payload, response)

    def search(self, path: str, filters: dict[str, Any] | None = None) -> list[Any]:
        """Every page of one ``POST`` search: ``{"data", "pagedRequest", "totalCount"}``."""
        items: list[Any] = []
        offset = 0
        for _ in range(MAX_PAGES):
            body = {"offset": offset, "limit": PAGE_SIZE, **(filters or {})}
            response = self.request(
                "POST",
                f"{self.workspaces_url}{path}",
                endpoint=f"POST {path}",
                headers=self.headers(),
                json=body,
                # A search changes nothing at Zentry, so repeating it is safe.
                retry=True,
            )
            page = self.json(response, expect=dict)
            data, total = page.get("data"), page.get("totalCount")
            if not isinstance(data, list) or isinstance(total, bool) or not isinstance(total, int):
                raise malformed(self.kind, f"POST {path}: no data list and totalCount")
            items.extend(data)
            offset += len(data)
            if not data or offset >= total:
                return items
        raise malformed(self.kind, f"POST {path}: more than {MAX_PAGES} pages")

    # --- the catalogue ------------------------------------------------------------
    def fetch_catalogue(self) -> Catalogue:
        user_id = str(self.setting("user_id"))
        member_of = {
            m.get("workspaceId")
            for m in self.search("/WorkspaceMember", {"userIds": [user_id]})
            if isinstance(m, dict) and m.get("userId") == user_id
        }
        # doc, GetLocationsRequest example: "statuses": ["Active"] (LocationStatus is
        # Active | Inactive); Inactive locations are also dropped below in case the
        # filter is ignored.
        locations = self.search("/Location", {"statuses": ["Active"]})
        rooms = self.search("/Room")

        skipped: list[SkippedItem] = []
        spaces: dict[str, SpaceData] = {}
        excluded: set[str] = set()
        for location in locations:
            where = self.where("location", location)
            try:
                if not isinstance(location, dict):
                    raise SkipItem("not an object")
                if location.get("status") != "Active":
                    # The sandbox refuses bookings there ("Location '<id>' is not
                    # active."): members cannot book an Inactive location.
                    excluded.add(text(location.get("id")))
                    continue
                space = self.space(location, location.get("workspaceId") in member_of)
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
                if isinstance(location, dict):
                    excluded.add(text(location.get("id")))
                continue
            spaces[space.external_id] = space

        for room in rooms:
            where = self.where("room", room)
            try:
                if not isinstance(room, dict):
                    raise SkipItem("not an object")
                location_id = text(room.get("locationId"))
                if location_id in excluded:
                    continue  # its location is inactive (or was skipped and recorded)
                space = spaces.get(location_id)
                if space is None:
                    raise SkipItem(f"location {location_id!r} is not in the catalogue")
                resource = self.room(room, space.raw["member"])
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
                continue
            if resource is not None:
                space.resources.append(resource)
        return Catalogue(spaces=list(spaces.values()), skipped=skipped)

    @staticmethod
    def where(kind: str, item: Any) -> str:
        ident = item.get("id") if isinstance(item, dict) else None
        return f"{kind} {ident}" if ident else kind

    def space(self, location: dict, member: bool) -> SpaceData:
        location_id, name = text(location.get("id")), text(location.get("name"))
        if not location_id or not name:
            raise SkipItem("no id or name")
        hours, max_visitors = self.schedule(location.get("schedule"))
        address = location.get("address") if isinstance(location.get("address"), dict) else {}
        city, state, zip_code = (
            text(address.get("city")),
            text(address.get("state")),
            text(address.get("zipCode")),
        )
        locality = ", ".join(p for p in (city, f"{state} {zip_code}".strip()) if p)
        street = [text(address.get("line1")), text(address.get("line2")), locality]
        geo = location.get("geo") if isinstance(location.get("geo"), dict) else {}
        description = text(location.get("description"))
        if instructions := text(location.get("checkInInstructions")):
            description = f"{description}\n\nCheck-in: {instructions}".strip()
        legal = [
            {"title": title, "url": location[key].strip()}
            for key, title in (
                ("termsOfSerivceUrl", "Terms of service"),  # (sic) the document's spelling
                ("waiverUrl", "Waiver"),
            )
            if is_url(location.get(key))
        ]
        space = SpaceData(
            external_id=location_id,
            name=name,
            timezone=timezone_name(location.get("timeZone")),
            description=description,
            address=", ".join(p for p in street if p),
            city=city,
            country=COUNTRY,
            country_code=COUNTRY_CODE,
            latitude=self.coordinate(geo.get("latitude"), 90),
            longitude=self.coordinate(geo.get("longitude"), 180),
            opening_hours=hours,
            photos=urls(location.get("pictureUrls")),
            amenities=strings(location.get("amenities")),
            contact={"phone": text(location.get("phone"))} if text(location.get("phone")) else {},
            legal=legal,
            raw={
                "location_id": location_id,
                "workspace_id": text(location.get("workspaceId")),
                # The portal's user pays member prices in its workspaces, else marketplace.
                "member": member,
            },
        )
        day_pass = self.day_pass(location, member, hours, max_visitors)
        if day_pass is not None:
            space.offers.append(day_pass)
        return space

    @staticmethod
    def coordinate(value: Any, bound: int) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not -bound <= value <= bound:
            return None
        return Decimal(str(value)).quantize(Decimal("0.000001"))

    @staticmethod
    def schedule(value: Any) -> tuple[list[OpeningHours], list[int | None]]:
        """doc: Schedule {monday..sunday: ScheduleDay {isOpen, open, close, maxVisitors}},
        local wall-clock times of the location; maxVisitors "Maximum number of day passes
        for this day" (null: no limit)."""
        if not isinstance(value, dict):
            raise SkipItem("no schedule")
        hours: list[OpeningHours] = []
        max_visitors: list[int | None] = []
        for weekday, day in enumerate(DAYS):
            entry = value.get(day)
            if not isinstance(entry, dict) or not isinstance(entry.get("isOpen"), bool):
                raise SkipItem(f"schedule.{day} is not a ScheduleDay")
            visitors = entry.get("maxVisitors")
            if visitors is not None and (
                isinstance(visitors, bool) or not isinstance(visitors, int) or visitors < 0
            ):
                raise SkipItem(f"schedule.{day}.maxVisitors {visitors!r} is not a count")
            if not entry["isOpen"]:
                hours.append(OpeningHours(weekday, None, None))
                max_visitors.append(0)
                continue
            opens, opens_late = span(entry.get("open"), f"schedule.{day}.open")
            closes, next_day = span(entry.get("close"), f"schedule.{day}.close")
            if opens_late:
                raise SkipItem(f"schedule.{day}.open is after midnight")
            if not next_day and closes <= opens:
                next_day = True  # closes after midnight
            hours.append(OpeningHours(weekday, opens, closes, next_day))
            max_visitors.append(visitors)
        return hours, max_visitors

    def day_pass(
        self,
        location: dict,
        member: bool,
        hours: list[OpeningHours],
        max_visitors: list[int | None],
    ) -> OfferData | None:
        # doc, Location: "price | How much a day pass costs", "marketplacePrice | How much
        # a day pass costs on the marketplace" (nullable: not on the marketplace).
        key = "price" if member else "marketplacePrice"
        if not member and location.get(key) is None:
            return None  # marketplace users cannot buy it
        price = cents(location.get(key), key)
        weekdays = [
            h.weekday for h in hours if h.opens is not None and max_visitors[h.weekday] != 0
        ]
        if not weekdays:
            return None
        location_id = text(location.get("id"))
        return OfferData(
            external_id=location_id,  # day passes are reserved by locationId
            name="Day pass",
            kind=OfferKind.DAY_PASS.value,
            price=price,
            currency=CURRENCY,
            price_unit="day",
            validity_days=1,
            weekdays=[] if len(weekdays) == 7 else weekdays,
            min_persons=1,
            max_persons=1,  # one reservation is one user; there are no guests
            raw={"location_id": location_id, "max_visitors": max_visitors},
        )

    def room(self, room: dict, member: bool) -> ResourceData | None:
        room_id, name = text(room.get("id")), text(room.get("name"))
        if not room_id or not name:
            raise SkipItem("no id or name")
        hour_key, day_key = (
            ("pricePerHour", "pricePerDay")
            if member
            else ("marketplacePricePerHour", "marketplacePricePerDay")
        )
        # doc, RoomQuery: "excludeRoomsNotOnMarketplace | Exclude room that are not on
        # marketplace"; Room: "marketplacePricePerHour | How much the room costs per hour
        # on the marketplace" (nullable). A room without one is not on the marketplace,
        # so the portal's (marketplace) user cannot book it.
        if not member and room.get(hour_key) is None:
            return None
        return ResourceData(
            external_id=room_id,
            name=name,
            kind=ResourceKind.MEETING_ROOM.value,
            capacity=positive_int(room.get("capacity"), "capacity"),
            # doc: "quantity | How many of these rooms are available"
            quantity=positive_int(room.get("quantity"), "quantity"),
            features=strings(room.get("amenities")),
            photos=urls(room.get("pictureUrls")),
            rules={
                # doc: "Maximum number of minutes the room can be reserved for"
                "max_minutes": positive_int(
                    room.get("maxReservationMinutes"), "maxReservationMinutes"
                ),
            },
            price_hour=cents(room.get(hour_key), hour_key),
            price_day=cents(room.get(day_key), day_key, optional=True),
            currency=CURRENCY,
            raw={"room_id": room_id, "location_id": text(room.get("locationId"))},
        )
