"""Zentry adapter: Workspaces API (``002_b74326c229a2377d.txt``) for the catalogue and
opening facts, CheckIns API (``003_c7b0553c6c4180e6.txt``) for existing reservations.

The catalogue comes from three paged searches of the Workspaces API:

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

Availability (``day_facts`` for rooms, ``pass_days`` for the day pass) reads, per call:
the room (``POST /Room {ids}``, whose ExtendedRoom embeds its location's ``schedule`` and
``timeZone``) or the location (``POST /Location {ids}``), the closures
(``POST /LocationClosure {locationIds}``, ``POST /RoomClosure {roomIds}``) and the
reservations (``POST /RoomReservation {roomIds, occupiedDateRange}``,
``POST /DayPassReservation {locationIds, minimumReservationDate,
maximumReservationDate}``) of the CheckIns API, and translates them into open windows,
busy intervals and places left. No business rule (lead time, past days) is applied here.

Booking (CheckIns API): ``POST /Reservation/create/room`` / ``/create/daypass`` as the
integration user on the member's behalf, the user-cost previews for quotes, reservation
searches to reconcile and refresh, ``DELETE /Reservation`` to cancel; see the booking
section at the end of the class and docs/providers/zentry.md "Booking (adapter)".
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from providers.adapters.base import (
    BaseAdapter,
    NotFoundError,
    RejectedError,
    UnsupportedError,
    malformed,
)
from providers.adapters.types import (
    BookingRequest,
    Catalogue,
    Customer,
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


# --- availability helpers ------------------------------------------------------------

Interval = tuple[dt.datetime, dt.datetime]

# doc: ReservationStatus Pending | Cancelled | Approved | Completed. Only a Cancelled
# reservation gives its room or day-pass place back (DELETE /Reservation: "the day pass /
# room slot is free again"); a Pending one is a reservation waiting for approval and
# holds its place (the sandbox refuses overlapping bookings with it), and a Completed
# one (checked out) was held that day.
HOLDING_STATUSES = ["Pending", "Approved", "Completed"]
RECURRENCES = ("None", "Daily", "Weekly", "Monthly", "Yearly")
MAX_OCCURRENCES = 5000  # a recurrence walked further than this is not a closure we can read
UTC_MIDNIGHT = dt.time(0, 0)


def instant(value: Any, what: str, provider: str = "zentry") -> dt.datetime:
    """An answer's date-time as an aware UTC datetime.

    doc: ``string(date-time)``, every example ``"2019-08-24T14:15:22Z"`` (answers are UTC).
    .NET may send up to 7 fractional digits (Python reads 6) and, for an unspecified
    DateTime kind, no offset at all: such a value is read as UTC like the examples.
    """
    raw = text(value)
    if not raw:
        raise malformed(provider, f"{what} {value!r} is not a date-time")
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    if "." in raw:
        head, _, tail = raw.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        raw = f"{head}.{tail[:digits][:6].ljust(6, '0')}{tail[digits:]}"
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise malformed(provider, f"{what} {value!r} is not a date-time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def utc_text(moment: dt.datetime) -> str:
    """A request instant, doc style: "2019-08-24T14:15:22Z"."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_bounds(day: dt.date, zone: ZoneInfo) -> Interval:
    """Local midnight to the next local midnight (23 or 25 hours on a DST day)."""
    return (
        dt.datetime.combine(day, dt.time(0), zone),
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone),
    )


def opening_window(schedule: Any, day: dt.date, zone: ZoneInfo) -> Interval | None:
    """The location's open hours on a local day, or None when its schedule is closed.

    doc: Schedule {monday..sunday: ScheduleDay}; ScheduleDay {isOpen "Flag indicating if
    the entity is open on this day", open "The time the entity opens", close "The time the
    entity closes"} as date-spans "09:00:00" — local wall-clock times of the location's
    ``timeZone``. A close of "24:00:00" / "1.00:00:00", or one not after the opening, is on
    the next day (open through midnight); open 00:00 and close 24:00 is a non-stop day.
    """
    if not isinstance(schedule, dict):
        raise malformed("zentry", "the location has no schedule")
    name = DAYS[day.weekday()]
    entry = schedule.get(name)
    if not isinstance(entry, dict) or not isinstance(entry.get("isOpen"), bool):
        raise malformed("zentry", f"schedule.{name} is not a ScheduleDay")
    if not entry["isOpen"]:
        return None
    try:
        opens, opens_late = span(entry.get("open"), f"schedule.{name}.open")
        closes, next_day = span(entry.get("close"), f"schedule.{name}.close")
    except SkipItem as exc:
        raise malformed("zentry", str(exc)) from exc
    if opens_late:
        raise malformed("zentry", f"schedule.{name}.open is after midnight")
    if not next_day and closes <= opens:
        next_day = True
    start = dt.datetime.combine(day, opens, zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1 if next_day else 0), closes, zone)
    return (start, end) if end > start else None


def max_visitors(schedule: Any, day: dt.date) -> int | None:
    """doc: ScheduleDay.maxVisitors "Maximum number of day passes for this day" (int32,
    nullable: null sets no limit)."""
    name = DAYS[day.weekday()]
    value = schedule.get(name, {}).get("maxVisitors") if isinstance(schedule, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise malformed("zentry", f"schedule.{name}.maxVisitors {value!r} is not a count")
    return value


def _shift(moment: dt.datetime, recurrence: str, k: int) -> dt.datetime:
    """A naive local wall-clock time moved by k recurrence periods; a monthly or yearly
    occurrence on a day the month lacks (the 31st, 29 February) falls on its last day."""
    if recurrence == "Daily":
        return moment + dt.timedelta(days=k)
    if recurrence == "Weekly":
        return moment + dt.timedelta(weeks=k)
    months = k if recurrence == "Monthly" else 12 * k
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    return moment.replace(
        year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1])
    )


def closure_occurrences(closure: Any, zone: ZoneInfo, start: dt.datetime, end: dt.datetime):
    """The occurrences of one closure that overlap [start, end), as UTC intervals.

    doc: Closure {dateRange {from, to}, recurrence: None | Daily | Weekly | Monthly |
    Yearly, recurrenceEndDate "The end date of the recurrence" (nullable)}. The document
    says no more; as docs/providers/zentry.md settles it, each occurrence repeats the first
    one's *local wall-clock* times in the location's time zone (a weekly 13:00-17:00 stays
    13:00-17:00 across a DST change), and occurrences starting after ``recurrenceEndDate``
    (null: forever) do not happen. A closure of either ``type`` (Default, ComingSoon)
    closes.
    """
    if not isinstance(closure, dict) or not isinstance(closure.get("dateRange"), dict):
        raise malformed("zentry", "a closure without a dateRange")
    first_from = instant(closure["dateRange"].get("from"), "closure dateRange.from")
    first_to = instant(closure["dateRange"].get("to"), "closure dateRange.to")
    recurrence = closure.get("recurrence") or "None"
    if recurrence not in RECURRENCES:
        raise malformed("zentry", f"closure recurrence {recurrence!r} is not a Recurrence")
    if first_to <= first_from:
        return []
    if recurrence == "None":
        return [(first_from, first_to)] if first_from < end and first_to > start else []
    until = closure.get("recurrenceEndDate")
    until = None if until is None else instant(until, "closure recurrenceEndDate")
    local_from = first_from.astimezone(zone).replace(tzinfo=None)
    local_to = first_to.astimezone(zone).replace(tzinfo=None)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    # skip the occurrences that certainly end before `start`
    if recurrence in ("Daily", "Weekly"):
        period = 1 if recurrence == "Daily" else 7
        first = (local_start - local_to).days // period - 1
    else:
        period = 1 if recurrence == "Monthly" else 12
        months = (local_start.year - local_from.year) * 12 + local_start.month - local_from.month
        first = (months - (local_to - local_from).days // 28 - 1) // period - 1
    found = []
    for k in range(max(0, first), max(0, first) + MAX_OCCURRENCES):
        occ_from = _shift(local_from, recurrence, k).replace(tzinfo=zone).astimezone(dt.UTC)
        occ_to = _shift(local_to, recurrence, k).replace(tzinfo=zone).astimezone(dt.UTC)
        if occ_from >= end or (until is not None and occ_from > until):
            return found
        if occ_to > start and occ_to > occ_from:
            found.append((occ_from, occ_to))
    raise malformed("zentry", "a closure recurs more often than can be read")


def subtract(window: Interval, cuts: list[Interval]) -> list[Interval]:
    """``window`` minus the ``cuts``: what is left open, in order."""
    pieces = [window]
    for cut_start, cut_end in sorted(cuts):
        left = []
        for start, end in pieces:
            if cut_end <= start or cut_start >= end:
                left.append((start, end))
                continue
            if cut_start > start:
                left.append((start, cut_start))
            if cut_end < end:
                left.append((cut_end, end))
        pieces = left
    return pieces


def bookable(location: dict) -> bool:
    """doc: Location.status LocationStatus ``Active | Inactive``; an Inactive location
    takes no reservations (the sandbox: "Location '<id>' is not active."), so it has no
    open hours. A missing status is taken as Active."""
    return location.get("status", "Active") != "Inactive"


def pass_day_of(value: Any, zone: ZoneInfo) -> dt.date:
    """The local day a day-pass reservation is for.

    doc: DayPassReservation.reservationDate "The date of the reservation" (a date-time).
    docs/providers/zentry.md: "a bare date or an instant at exactly 00:00:00Z means that
    calendar date; any other instant is converted to the location's time zone and its
    local date is used" (US local midnights are never 00:00Z, so the two cannot clash).
    """
    moment = instant(value, "reservationDate")
    if moment.time() == UTC_MIDNIGHT:
        return moment.date()
    return moment.astimezone(zone).date()


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

    @property
    def checkins_url(self) -> str:
        return str(self.setting("checkins_url")).rstrip("/")

    def search(
        self, path: str, filters: dict[str, Any] | None = None, *, base: str | None = None
    ) -> list[Any]:
        """Every page of one ``POST`` search: ``{"data", "pagedRequest", "totalCount"}``,
        on the Workspaces API unless ``base`` (the CheckIns API) is given."""
        items: list[Any] = []
        offset = 0
        root = base or self.workspaces_url
        for _ in range(MAX_PAGES):
            body = {"offset": offset, "limit": PAGE_SIZE, **(filters or {})}
            response = self.request(
                "POST",
                f"{root}{path}",
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

    # --- availability ---------------------------------------------------------------
    def zone_of(self, location: dict, item: ItemRef) -> ZoneInfo:
        """The location's ``timeZone`` (its schedule's clock); the catalogue's zone if the
        answer carries none that can be read."""
        try:
            return ZoneInfo(timezone_name(location.get("timeZone")))
        except SkipItem:
            return ZoneInfo(item.timezone)

    def one(self, path: str, ident: str, what: str) -> dict:
        """One record by id through a search's ``ids`` filter (doc: LocationQuery /
        RoomQuery ``ids``); the answer is checked in case the filter is ignored."""
        for record in self.search(path, {"ids": [ident]}):
            if isinstance(record, dict) and record.get("id") == ident:
                return record
        raise NotFoundError(f"{what} {ident} was not found", provider=self.kind, status=404)

    def closures(self, path: str, key: str, ident: str) -> list[dict]:
        """doc: ``POST /LocationClosure {locationIds}`` / ``POST /RoomClosure {roomIds}``."""
        found = self.search(path, {f"{key}s": [ident]})
        return [c for c in found if isinstance(c, dict) and c.get(key) == ident]

    def closed(self, closures: list[dict], zone: ZoneInfo, window: Interval) -> list[Interval]:
        start, end = window
        hits: list[Interval] = []
        for closure in closures:
            hits.extend(
                closure_occurrences(closure, zone, start.astimezone(dt.UTC), end.astimezone(dt.UTC))
            )
        return hits

    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """A meeting room on one local day.

        ``open`` = the location's schedule that weekday minus the location's and the
        room's closure occurrences; ``busy`` = the room's non-cancelled reservations that
        overlap the day (``POST /RoomReservation {roomIds, occupiedDateRange}``);
        ``capacity`` = the room's ``quantity`` ("How many of these rooms are available":
        that many bookings may overlap).
        """
        if item.kind != ResourceKind.MEETING_ROOM.value:
            raise UnsupportedError(f"zentry has no {item.kind} availability", provider=self.kind)
        room_id = text(item.raw.get("room_id")) or item.external_id
        room = self.one("/Room", room_id, "room")
        # doc: ExtendedRoom.location is the room's Location (schedule, timeZone included)
        location = room.get("location")
        location_id = text(room.get("locationId")) or text(item.raw.get("location_id"))
        if not isinstance(location, dict) or not isinstance(location.get("schedule"), dict):
            location = self.one("/Location", location_id, "location")
        zone = self.zone_of(location, item)
        try:
            quantity = positive_int(room.get("quantity"), "quantity")
        except SkipItem as exc:
            raise malformed(self.kind, f"room {room_id}: {exc}") from exc
        window = opening_window(location.get("schedule"), day, zone)
        if window is None or not bookable(location):  # closed that weekday, or Inactive
            return ProviderDay(open=[], busy=[], capacity=quantity)
        cuts = self.closed(
            self.closures("/LocationClosure", "locationId", location_id), zone, window
        ) + self.closed(self.closures("/RoomClosure", "roomId", room_id), zone, window)
        open_windows = [(s.astimezone(zone), e.astimezone(zone)) for s, e in subtract(window, cuts)]

        start, end = day_bounds(day, zone)
        end = max(end, window[1])  # a schedule open past midnight
        busy: list[Interval] = []
        found = self.search(
            "/RoomReservation",
            {
                "roomIds": [room_id],
                "statuses": HOLDING_STATUSES,
                # doc: RoomReservationQuery.occupiedDateRange {from, to}
                "occupiedDateRange": {"from": utc_text(start), "to": utc_text(end)},
            },
            base=self.checkins_url,
        )
        for reservation in found:
            if not isinstance(reservation, dict):
                raise malformed(self.kind, "a reservation is not an object")
            if reservation.get("roomId") != room_id:
                continue
            if reservation.get("status") not in HOLDING_STATUSES:
                continue  # Cancelled: the room is free again
            begins = instant(reservation.get("reservationDate"), "reservationDate")
            ends = instant(reservation.get("reservationEndDate"), "reservationEndDate")
            if begins < end and ends > start and ends > begins:
                busy.append((begins.astimezone(zone), ends.astimezone(zone)))
        return ProviderDay(open=open_windows, busy=sorted(busy), capacity=quantity)

    def pass_days(self, item: ItemRef, start: dt.date, end: dt.date) -> list[PassDay]:
        """The day pass of a location on each local day from ``start`` to ``end``.

        ``open`` = the schedule opens that weekday and the location's closures do not
        cover all of its open hours (a partial closure leaves the day sold);
        ``remaining`` = ``maxVisitors`` of that weekday minus the day's non-cancelled day
        passes (``None`` when ``maxVisitors`` is null: no limit). Whether a day with
        nothing left, or a past day, is sold is the service's decision.
        """
        if item.kind != OfferKind.DAY_PASS.value:
            raise UnsupportedError(f"zentry has no {item.kind} availability", provider=self.kind)
        if end < start:
            return []
        location_id = text(item.raw.get("location_id")) or item.external_id
        location = self.one("/Location", location_id, "location")
        zone = self.zone_of(location, item)
        schedule = location.get("schedule")
        closures = self.closures("/LocationClosure", "locationId", location_id)

        # A day pass's reservationDate is a local midnight or 00:00Z of its date (see
        # pass_day_of): ask for everything between the earlier and the later of the two,
        # then count per local day.
        first = dt.datetime.combine(start, dt.time(0), dt.UTC)
        last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), dt.UTC)
        lower = min(first, day_bounds(start, zone)[0])
        upper = max(last, day_bounds(end, zone)[1])
        found = self.search(
            "/DayPassReservation",
            {
                "locationIds": [location_id],
                "statuses": HOLDING_STATUSES,
                # doc: "Filter reservations with a reservation date greater than this
                # time" / "less than this time"
                "minimumReservationDate": utc_text(lower - dt.timedelta(seconds=1)),
                "maximumReservationDate": utc_text(upper),
            },
            base=self.checkins_url,
        )
        taken: dict[dt.date, int] = {}
        for reservation in found:
            if not isinstance(reservation, dict):
                raise malformed(self.kind, "a reservation is not an object")
            if reservation.get("locationId") != location_id:
                continue
            if reservation.get("reservationType", "DayPass") != "DayPass":
                continue
            if reservation.get("status") not in HOLDING_STATUSES:
                continue  # Cancelled: the place is free again
            booked = pass_day_of(reservation.get("reservationDate"), zone)
            taken[booked] = taken.get(booked, 0) + 1

        days: list[PassDay] = []
        day = start
        while day <= end:
            window = opening_window(schedule, day, zone)
            is_open = (
                window is not None
                and bookable(location)
                and subtract(window, self.closed(closures, zone, window)) != []
            )
            if not is_open:
                days.append(PassDay(day, False, 0))
            else:
                limit = max_visitors(schedule, day)
                remaining = None if limit is None else max(0, limit - taken.get(day, 0))
                days.append(PassDay(day, True, remaining))
            day += dt.timedelta(days=1)
        return days

    # --- booking (CheckIns API) -----------------------------------------------------
    #
    # Identity: neither document has a way to create, find or invite a Zentry *user*
    # (users appear only as ``userId`` references; ``POST /WorkspaceMember``,
    # ``/UserLocation/create`` and ``/MemberApplication/create`` all need an existing
    # ``userId``, and no request carries an email or a name). So the portal books with
    # the integration's own user (``config.user_id``) on its members' behalf, as the
    # account is set up to. A member whom staff have linked to their own Zentry user
    # (identity ``{"user_id": ..., "shared": false}``) books as that user.

    def booking_user(self, customer: Customer) -> str:
        identity = customer.identity or {}
        own = text(identity.get("user_id"))
        if own and identity.get("shared") is False:
            return own
        return str(self.setting("user_id"))

    def identity_for(self, user_id: str) -> dict[str, Any]:
        return {"user_id": user_id, "shared": user_id == str(self.setting("user_id"))}

    @staticmethod
    def pass_day(item: ItemRef, request: BookingRequest) -> tuple[dt.date, ZoneInfo]:
        zone = ZoneInfo(item.timezone)
        return request.start.astimezone(zone).date(), zone

    def reservation_body(self, item: ItemRef, request: BookingRequest) -> tuple[str, dict]:
        """("room" | "daypass", the CreateRoomReservationRequest /
        CreateDayPassReservationRequest for this booking).

        doc: ``{userId, locationId, tenantId, employerId, reservationDate}`` (+ ``roomId,
        reservationEndDate, numberOfGuests`` for a room). ``employerId`` ("Should use
        TenantId", nullable, not required) is left out. Date-times are sent as UTC
        instants like the examples (``"2019-08-24T14:15:22Z"``).
        """
        base = {
            "userId": self.booking_user(request.customer),
            "locationId": text(item.raw.get("location_id")) or item.space_external_id,
            "tenantId": str(self.setting("tenant_id")),
        }
        if item.kind == ResourceKind.MEETING_ROOM.value and request.kind == "room":
            return "room", {
                **base,
                "reservationDate": utc_text(request.start),
                "roomId": text(item.raw.get("room_id")) or item.external_id,
                "reservationEndDate": utc_text(request.end),
                # doc: "How many guests will be in the room" -- the people attending
                # (the sandbox checks 1 <= numberOfGuests <= capacity)
                "numberOfGuests": max(1, request.attendees),
            }
        if item.kind == OfferKind.DAY_PASS.value and request.kind == "pass":
            if request.days != 1:
                raise RejectedError(
                    "Zentry sells day passes one day at a time: please book each day separately.",
                    provider=self.kind,
                )
            day, zone = self.pass_day(item, request)
            # doc: reservationDate "The date of the reservation" (a date-time). The
            # location's local midnight, as a UTC instant, names that day whether the
            # provider reads the instant in the location's zone or takes its UTC date
            # (US zones are behind UTC).
            return "daypass", {
                **base,
                "reservationDate": utc_text(dt.datetime.combine(day, dt.time(0), zone)),
            }
        raise UnsupportedError(
            f"zentry cannot book a {request.kind} of a {item.kind}", provider=self.kind
        )

    def result_of(self, item: ItemRef, request: BookingRequest, reservation: Any) -> SubmitResult:
        """A Reservation answer as a SubmitResult.

        doc: ReservationStatus ``Pending | Cancelled | Approved | Completed``: Approved (the
        room's or location's ``autoApproveReservations``) and Completed (checked out) are
        confirmed; Pending waits for the space's approval; Cancelled is a refusal.
        """
        if not isinstance(reservation, dict) or not text(reservation.get("id")):
            raise malformed(self.kind, "the answer is not a Reservation with an id")
        status = reservation.get("status")
        if status == "Cancelled":
            raise RejectedError(
                "The space did not accept this reservation: Zentry shows it as cancelled.",
                provider=self.kind,
                code="Cancelled",
                payload=reservation,
            )
        if status in ("Approved", "Completed"):
            outcome, next_step = "confirmed", ""
        elif status == "Pending":
            outcome = "awaiting_approval"
            next_step = (
                "The space approves each reservation itself. We will email you as soon as "
                "Zentry confirms it."
            )
        else:
            raise malformed(self.kind, f"reservation status {status!r} is not documented")
        if item.kind == ResourceKind.MEETING_ROOM.value:
            valid_from = instant(reservation.get("reservationDate"), "reservationDate")
            valid_to = instant(reservation.get("reservationEndDate"), "reservationEndDate")
            zone = ZoneInfo(item.timezone)
            valid_from, valid_to = valid_from.astimezone(zone), valid_to.astimezone(zone)
        else:
            # a day pass occupies its whole local day
            day, zone = self.pass_day(item, request)
            valid_from, valid_to = day_bounds(day, zone)
        return SubmitResult(
            status=outcome,
            reference=text(reservation["id"]),
            valid_from=valid_from,
            valid_to=valid_to,
            next_step=next_step,
            identity=self.identity_for(
                text(reservation.get("userId")) or self.booking_user(request.customer)
            ),
            reply=reservation,
        )

    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """doc: ``POST /RoomReservation/user-cost-preview`` and
        ``POST /DayPassReservation/user-cost-preview`` take the create body and answer
        ``{amount, fees: [{name, amount}], feeTotal, taxes, total}`` in cents (rooms add
        ``isFullDay``): the price Zentry will charge this user (member or marketplace)."""
        kind, body = self.reservation_body(item, request)
        path = "/RoomReservation" if kind == "room" else "/DayPassReservation"
        response = self.request(
            "POST",
            f"{self.checkins_url}{path}/user-cost-preview",
            endpoint=f"POST {path}/user-cost-preview",
            headers=self.headers(),
            json=body,
            retry=True,  # a preview changes nothing
        )
        data = self.json(response, expect=dict)
        amount = self.money(data.get("amount"), "amount")
        taxes = self.money(data.get("taxes"), "taxes")
        total = self.money(data.get("total"), "total")
        full_day = data.get("isFullDay") is True
        if kind == "room":
            hours = Decimal((request.end - request.start).total_seconds()) / 3600
            label = "Meeting room, full-day price" if full_day else f"Meeting room, {hours:g} h"
        else:
            label = "Day pass"
        lines = [(label, amount)]
        fees = data.get("fees") or []
        if not isinstance(fees, list):
            raise malformed(self.kind, "fees is not a list")
        for fee in fees:
            if not isinstance(fee, dict):
                raise malformed(self.kind, "a fee is not an object")
            lines.append((text(fee.get("name")) or "Fee", self.money(fee.get("amount"), "fee")))
        if not fees and data.get("feeTotal"):
            lines.append(("Fees", self.money(data.get("feeTotal"), "feeTotal")))
        if taxes:
            lines.append(("Taxes", taxes))
        return Quote(
            total,
            CURRENCY,
            lines,
            note="Zentry's price for this booking, fees and taxes included.",
            raw=data,
        )

    def money(self, value: Any, what: str) -> Decimal:
        try:
            amount = cents(value, what)
        except SkipItem as exc:
            raise malformed(self.kind, str(exc)) from None
        assert amount is not None
        return amount

    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """doc: ``POST /Reservation/create/room`` / ``POST /Reservation/create/daypass`` ->
        Reservation (200) or ProblemDetails (400: the provider's refusal, its ``detail``
        kept as the member's message). Sent once: a lost answer is reconciled by
        ``find_existing``."""
        kind, body = self.reservation_body(item, request)
        response = self.request(
            "POST",
            f"{self.checkins_url}/Reservation/create/{kind}",
            endpoint=f"POST /Reservation/create/{kind}",
            headers=self.headers(),
            json=body,
        )
        return self.result_of(item, request, self.json(response, expect=dict))

    def reservations_around(
        self, item: ItemRef, request: BookingRequest, user_id: str | None
    ) -> list[dict]:
        """The reservations of this room (or this location's day passes) at the booking's
        time, of any status, for ``user_id`` when given."""
        location_id = text(item.raw.get("location_id")) or item.space_external_id
        filters: dict[str, Any] = {"locationIds": [location_id]}
        if user_id:
            filters["userIds"] = [user_id]
        if item.kind == ResourceKind.MEETING_ROOM.value:
            room_id = text(item.raw.get("room_id")) or item.external_id
            filters["roomIds"] = [room_id]
            # doc: RoomReservationQuery.occupiedDateRange
            filters["occupiedDateRange"] = {
                "from": utc_text(request.start),
                "to": utc_text(request.end),
            }
            found = self.search("/RoomReservation", filters, base=self.checkins_url)
            return [
                r
                for r in found
                if isinstance(r, dict)
                and r.get("roomId") == room_id
                and r.get("locationId", location_id) == location_id
            ]
        day, zone = self.pass_day(item, request)
        # the day's local midnight or 00:00Z of its date (see pass_day_of); the document's
        # minimum is "greater than", hence one second earlier
        lower = min(dt.datetime.combine(day, dt.time(0), dt.UTC), day_bounds(day, zone)[0])
        upper = max(
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), dt.UTC),
            day_bounds(day, zone)[1],
        )
        filters["minimumReservationDate"] = utc_text(lower - dt.timedelta(seconds=1))
        filters["maximumReservationDate"] = utc_text(upper)
        found = self.search("/DayPassReservation", filters, base=self.checkins_url)
        return [
            r
            for r in found
            if isinstance(r, dict)
            and r.get("locationId") == location_id
            and r.get("reservationType", "DayPass") == "DayPass"
            and pass_day_of(r.get("reservationDate"), zone) == day
        ]

    def claimed_elsewhere(self, references: list[str], request: BookingRequest) -> set[str]:
        """Reservation ids the portal already holds for *other* bookings of this account.

        Every member books as the same Zentry user (see ``booking_user``), and Zentry keeps
        no reference of ours, so two members' identical bookings (a room with
        ``quantity`` 2, two day passes on one day) look alike at Zentry: the one already
        attributed to another booking (``request.claimed``, given by the lifecycle) is
        not this one.
        """
        return set(references) & set(request.claimed)

    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """Does Zentry already hold this booking? The same room (or location's day pass),
        the same user, the same start and end (the same local day for a pass), the same
        number of guests, not cancelled, and not a reservation the portal holds for
        another booking; the oldest such one."""
        _kind, body = self.reservation_body(item, request)
        user_id = body["userId"]
        matches = []
        for reservation in self.reservations_around(item, request, user_id):
            if reservation.get("userId") != user_id:
                continue
            if reservation.get("status") not in HOLDING_STATUSES:
                continue
            if not text(reservation.get("id")):
                continue
            if item.kind == ResourceKind.MEETING_ROOM.value:
                begins = instant(reservation.get("reservationDate"), "reservationDate")
                ends = instant(reservation.get("reservationEndDate"), "reservationEndDate")
                if (begins, ends) != (request.start, request.end):
                    continue
                guests = reservation.get("numberOfGuests")
                if guests is not None and guests != body["numberOfGuests"]:
                    continue
            matches.append(reservation)
        taken = self.claimed_elsewhere([text(r["id"]) for r in matches], request)
        matches = [r for r in matches if text(r["id"]) not in taken]
        if not matches:
            return None
        matches.sort(key=lambda r: (text(r.get("dateCreated")), text(r["id"])))
        return self.result_of(item, request, matches[0])

    def reservation(self, item: ItemRef, request: BookingRequest, reference: str) -> dict:
        """One reservation by id. The reservation searches have no ``ids`` filter: look
        at the booking's time first, then at all of the user's reservations there."""
        for reservation in self.reservations_around(item, request, None):
            if reservation.get("id") == reference:
                return reservation
        location_id = text(item.raw.get("location_id")) or item.space_external_id
        found = self.search(
            "/Reservation",
            {
                "locationIds": [location_id],
                "userIds": [self.booking_user(request.customer)],
            },
            base=self.checkins_url,
        )
        for reservation in found:
            if isinstance(reservation, dict) and reservation.get("id") == reference:
                return reservation
        raise NotFoundError(
            f"Zentry no longer has reservation {reference}.", provider=self.kind, status=404
        )

    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """The reservation read back: Approved -> confirmed, Pending -> still awaiting
        approval, Cancelled (declined or cancelled by the space) -> RejectedError."""
        return self.result_of(item, request, self.reservation(item, request, reference))

    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        """doc: ``DELETE /Reservation {"reservationId"}`` -> the Reservation, now
        Cancelled. One already cancelled at Zentry (by the space, or by an earlier
        attempt whose answer was lost) is what the member asked for."""
        try:
            response = self.request(
                "DELETE",
                f"{self.checkins_url}/Reservation",
                endpoint="DELETE /Reservation",
                headers=self.headers(),
                json={"reservationId": reference},
            )
        except RejectedError as refused:
            try:
                current = self.reservation(item, request, reference)
            except RejectedError:
                raise refused from None
            if current.get("status") == "Cancelled":
                return current
            raise
        return self.json(response, expect=dict)
