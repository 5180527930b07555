"""The Zentry catalogue, from three paged searches of the Workspaces API
(``002_b74326c229a2377d.txt``):

* ``POST /WorkspaceMember`` with the portal user's id: the workspaces where that user is
  a member. Elsewhere the user books as a *marketplace* user (doc, Reservation:
  "isMarketplace | Flag indicating if this is a marketplace reservation").
* ``POST /Location`` -> one space per Active location, and its day pass as an offer.
  Day passes are reserved per location (doc, CreateDayPassReservationRequest:
  ``{userId, locationId, tenantId, employerId, reservationDate}`` — no product id), so
  the offer's ``external_id`` is the location id.
* ``POST /Room`` -> one meeting-room resource per room, under its location.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
from providers.vendors.zentry.client import ZentryClient
from providers.vendors.zentry.parsing import (
    COUNTRY,
    COUNTRY_CODE,
    CURRENCY,
    DAYS,
    cents,
    is_url,
    positive_int,
    span,
    strings,
    timezone_name,
    urls,
)


def flag(value: Any) -> bool | None:
    """A documented boolean, or None when the answer leaves it out (unknown)."""
    return value if isinstance(value, bool) else None


class CatalogueMixin(ZentryClient):
    def ping(self) -> None:
        self.search("/Location", {"statuses": ["Active"]})  # a catalogue call, read-only

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
                owner = spaces.get(location_id)
                if owner is None:
                    raise SkipItem(f"location {location_id!r} is not in the catalogue")
                resource = self.room(room, owner.raw["member"])
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
                continue
            if resource is not None:
                owner.resources.append(resource)
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
        address = location.get("address")
        if not isinstance(address, dict):
            address = {}
        city, state, zip_code = (
            text(address.get("city")),
            text(address.get("state")),
            text(address.get("zipCode")),
        )
        locality = ", ".join(p for p in (city, f"{state} {zip_code}".strip()) if p)
        street = [text(address.get("line1")), text(address.get("line2")), locality]
        geo = location.get("geo")
        if not isinstance(geo, dict):
            geo = {}
        description = text(location.get("description"))
        if instructions := text(location.get("checkInInstructions")):
            description = f"{description}\n\nCheck-in: {instructions}".strip()
        legal = [
            {"title": title, "url": safe_url(location[key])}
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
                # how to get in, for the booking's email and .ics (doc: Location)
                "check_in_instructions": text(location.get("checkInInstructions")),
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
            raw={
                "location_id": location_id,
                "max_visitors": max_visitors,
                # doc, Location: "autoApproveReservations | Flag indicating if
                # reservations should be auto approved when created" (else Pending)
                "auto_approve": flag(location.get("autoApproveReservations")),
            },
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
            raw={
                "room_id": room_id,
                "location_id": text(room.get("locationId")),
                # doc, Room: "autoApproveReservations | Flag indicating if reservations
                # should be auto approved when created" (else Pending)
                "auto_approve": flag(room.get("autoApproveReservations")),
            },
        )
