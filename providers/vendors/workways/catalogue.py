"""The Workways catalogue (seed ``001_880c9b30cd55c5d4.txt``).

The catalogue is two GETs, neither of which pages: ``/api/sites`` (one space per site) and
``/api/rooms`` (every room with its rules and prices, linked to its site by ``siteId``).

* The token is sent although the two GETs are "Authentication Optional": without it the
  hourly, half-day and daily prices are 0 (doc: "Returns 0 if no API key provided").
* With the token the answer also lists private rooms; members cannot book them (doc,
  meeting-request: "Public rooms only: Only rooms with type "publicOffice" or
  "publicMeeting" can be booked"), so they are left out.
* ``publicMeeting`` rooms and ``publicOffice`` rooms with booking hours (a hot-desk area)
  are resources booked by time through ``/api/meeting-request``. A ``publicOffice`` with no
  booking hours at all is a monthly rental (doc, Workflow 2: "Office rentals are monthly
  contracts and require manual approval"): an offer of kind ``private_office``.
* A site's city is read from ``publicAddress``; that address may be null (doc:
  "publicAddress string | null Public address of the site, or null if not set"), and
  then from the site's name, which starts with the city after the brand.
* Prices are euros as JSON numbers, except ``pricePerMonth``, a string.
* The document gives sites no time zone; Workways sites are in Ireland, Belgium and
  France, so the zone follows the country. ``slotWeek``/``slotSaturday``/``slotSunday`` are
  wall-clock windows at the site.
"""

from __future__ import annotations

from typing import Any

from providers.adapters.errors import AuthenticationError
from providers.adapters.parsing import SkipItem, text
from providers.adapters.types import Catalogue, OfferData, ResourceData, SkippedItem, SpaceData
from providers.models import OfferKind, ResourceKind
from providers.vendors.workways.client import WorkwaysClient
from providers.vendors.workways.parsing import (
    COUNTRY_CODES,
    COUNTRY_NAMES,
    CURRENCY,
    MEETING,
    MIN_BOOKING_MINUTES,
    NEW_USER_LEAD_DAYS,
    OFFICE,
    OPEN_SPACE_CONFIGURATIONS,
    PUBLIC_TYPES,
    TIME_ZONES,
    city_from,
    city_in_name,
    contact_from,
    coordinates,
    euros,
    minutes,
    windows,
)


class CatalogueMixin(WorkwaysClient):
    """``fetch_catalogue``: sites and rooms as spaces, resources and offers."""

    def ping(self) -> None:
        # the catalogue's first call, and the check that the token was honoured
        self.check_token_used(self.get_data("sites", {"type": "all"}))

    def fetch_catalogue(self) -> Catalogue:
        # doc: "Use type=all with API key to get all room types" (and otherRooms, below)
        sites = self.get_data("sites", {"type": "all"})
        rooms = self.get_data("rooms")
        self.check_token_used(sites)

        skipped: list[SkippedItem] = []
        spaces: dict[str, SpaceData] = {}
        for site in sites:
            where = f"site {site.get('_id')}" if isinstance(site, dict) else "site"
            try:
                space = self.space(site)
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
                continue
            spaces[space.external_id] = space

        for room in rooms:
            where = f"room {room.get('_id')}" if isinstance(room, dict) else "room"
            try:
                if not isinstance(room, dict):
                    raise SkipItem("not an object")
                if room.get("type") not in PUBLIC_TYPES:
                    # doc: "Public rooms only: Only rooms with type "publicOffice" or
                    # "publicMeeting" can be booked" — private rooms are not for members.
                    continue
                owner = spaces.get(text(room.get("siteId")))
                if owner is None:
                    raise SkipItem(f"its site {room.get('siteId')!r} is not in /api/sites")
                item = self.room(room)
                if isinstance(item, OfferData):
                    owner.offers.append(item)
                else:
                    owner.resources.append(item)
            except SkipItem as exc:
                skipped.append(SkippedItem(where, str(exc)))
        return Catalogue(spaces=list(spaces.values()), skipped=skipped)

    def check_token_used(self, sites: list) -> None:
        """A refused token on these optional-auth GETs may just give the public answer,
        with every hourly/daily price at 0. doc: "With API key: Returns all rooms
        including private ones, with additional fields (actualState, otherRooms array)" —
        no ``otherRooms`` anywhere means the token was not honoured."""
        objects = [s for s in sites if isinstance(s, dict)]
        if objects and not any("otherRooms" in s for s in objects):
            raise AuthenticationError(
                "the token was not accepted (the public answer came back)",
                provider=self.kind,
                status=200,
            )

    def space(self, site: Any) -> SpaceData:
        if not isinstance(site, dict):
            raise SkipItem("not an object")
        site_id, name = text(site.get("_id")), text(site.get("name"))
        if not site_id or not name:
            raise SkipItem("no _id or name")
        country_name = text(site.get("country"))
        code = COUNTRY_CODES.get(country_name.lower())
        if code is None:
            raise SkipItem(f"country {site.get('country')!r} has no known time zone")
        address = text(site.get("publicAddress"))
        latitude, longitude = coordinates(text(site.get("mapLink")))
        country = COUNTRY_NAMES[code]
        return SpaceData(
            external_id=site_id,
            name=name,
            timezone=TIME_ZONES[code],
            address=address,
            city=city_from(address, country) or city_in_name(name),
            country=country,
            country_code=code,
            latitude=latitude,
            longitude=longitude,
            contact=contact_from(text(site.get("publicContact"))),
            raw={"site_id": site_id},
        )

    def room(self, room: dict) -> ResourceData | OfferData:
        room_id = text(room.get("_id"))
        # doc: "publicName string Room display name (falls back to name if not set)"
        name = text(room.get("publicName")) or text(room.get("name"))
        if not room_id or not name:
            raise SkipItem("no _id or name")
        kind = room["type"]
        description = text(room.get("publicDescriptionEn")) or text(room.get("description"))
        capacity = self.capacity(room)
        schedule = {
            "weekdays": windows(room.get("slotWeek"), "slotWeek"),
            "saturday": windows(room.get("slotSaturday"), "slotSaturday"),
            "sunday": windows(room.get("slotSunday"), "slotSunday"),
        }
        price_month = euros(room.get("pricePerMonth"), "pricePerMonth")
        raw = {"room_id": room_id, "site_id": text(room.get("siteId")), "type": kind}

        if kind == OFFICE and not any(schedule.values()):
            # doc, Workflow 2: "Office spaces require a rental contract and cannot be
            # booked via the booking endpoint ... Office rentals are monthly contracts"
            return OfferData(
                external_id=room_id,
                name=name,
                kind=OfferKind.PRIVATE_OFFICE.value,
                description=description,
                price=price_month,
                currency=CURRENCY if price_month is not None else "",
                price_unit="month",
                min_persons=1,
                max_persons=capacity,
                capacity=capacity,
                raw=raw,
            )

        least = minutes(room.get("minDurationBooking"), "minDurationBooking")
        most = minutes(room.get("maxDurationBooking"), "maxDurationBooking")
        step = minutes(room.get("stepDurationBooking"), "stepDurationBooking")
        shortest = max(MIN_BOOKING_MINUTES, least or 0)
        prices = {
            "price_hour": euros(room.get("pricePerHour"), "pricePerHour"),
            "price_half_day": euros(room.get("pricePerHalfDay"), "pricePerHalfDay"),
            "price_day": euros(room.get("pricePerDay"), "pricePerDay"),
            "price_month": price_month,
        }
        min_persons = room.get("minPerson")
        return ResourceData(
            external_id=room_id,
            name=name,
            kind=self.timed_kind(kind, room).value,
            description=description,
            capacity=capacity,
            quantity=1,
            # doc: "otherConfiguration ... Additional configuration details" e.g.
            # "Video conferencing, whiteboard"
            features=[
                f.strip() for f in text(room.get("otherConfiguration")).split(",") if f.strip()
            ],
            photos=[url for url in (self.absolute(room.get("image")),) if url],
            rules={
                "slot_minutes": shortest,
                "min_minutes": shortest,
                "max_minutes": most,
                "step_minutes": step or shortest,
                "lead_time_minutes": 0,
                "new_user_lead_days": NEW_USER_LEAD_DAYS,
                "min_persons": min_persons
                if isinstance(min_persons, int)
                and not isinstance(min_persons, bool)
                and min_persons > 0
                else 1,
                # site wall-clock windows; "weekdays" is slotWeek (Monday to Friday)
                "windows": schedule,
            },
            currency=CURRENCY if any(p is not None for p in prices.values()) else "",
            raw=raw,
            **prices,
        )

    @staticmethod
    def timed_kind(kind: str, room: dict) -> ResourceKind:
        """A room booked by time: a meeting room, or a publicOffice, which is a desk when
        its configuration is an open space (seed 001: "Hot Desk Area", configuration
        "open-space", "A desk in our open space") and an office otherwise."""
        if kind == MEETING:
            return ResourceKind.MEETING_ROOM
        configuration = text(room.get("configuration")).casefold().replace("-", " ")
        if configuration in OPEN_SPACE_CONFIGURATIONS:
            return ResourceKind.DESK
        return ResourceKind.OFFICE

    @staticmethod
    def capacity(room: dict) -> int | None:
        # doc: "maxPerson number Maximum number of persons", "nbSeat number Number of seats"
        for key in ("maxPerson", "nbSeat"):
            value = room.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
        return None
