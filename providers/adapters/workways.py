"""Workways Public API adapter (seed document ``001_880c9b30cd55c5d4.txt``).

One account is one Bearer token for the whole Workways network. The catalogue is two
GETs, neither of which pages: ``/api/sites`` (one space per site) and ``/api/rooms`` (every
room with its rules and prices, linked to its site by ``siteId``). Both answer the
``retcode`` envelope ``{"retcode": 1, "message": "OK", "data": [...]}``.

* The token is sent although the two GETs are "Authentication Optional": without it the
  hourly, half-day and daily prices are 0 (doc: "Returns 0 if no API key provided").
* With the token the answer also lists private rooms; members cannot book them (doc,
  meeting-request: "Public rooms only: Only rooms with type "publicOffice" or
  "publicMeeting" can be booked"), so they are left out.
* ``publicMeeting`` rooms and ``publicOffice`` rooms with booking hours (a hot-desk area)
  are resources booked by time through ``/api/meeting-request``. A ``publicOffice`` with no
  booking hours at all is a monthly rental (doc, Workflow 2: "Office rentals are monthly
  contracts and require manual approval"): an offer of kind ``private_office``.
* Prices are euros as JSON numbers, except ``pricePerMonth``, a string.
* The document gives sites no time zone; Workways sites are in Ireland, Belgium and
  France, so the zone follows the country. ``slotWeek``/``slotSaturday``/``slotSunday`` are
  wall-clock windows at the site.
* Messages are asked for in English (doc: "add ?language=fr or &language=fr to the URL").

Availability (``day_facts``) reads two things: the room's slot window for the weekday
(``slotWeek`` / ``slotSaturday`` / ``slotSunday``, stored by the catalogue in
``rules["windows"]``), which becomes the ``open`` windows in the site's zone, and the room's
ICS feed (``GET /api/icsfeed?rooms=<id>``: "an iCalendar file (.ics) ... containing all
meetings for the specified rooms"), whose meetings on that local day become ``busy``.
Capacity is 1: a meeting books the whole room (sandbox: any overlap is ROOM_OVERLAP).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import icalendar
import recurring_ical_events

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.errors import (
    AuthenticationError,
    ProviderConfigurationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import (
    Catalogue,
    ItemRef,
    OfferData,
    ProviderDay,
    ResourceData,
    SkippedItem,
    SpaceData,
)
from providers.models import OfferKind, ResourceKind
from providers.ratelimit import Limit

logger = logging.getLogger(__name__)

CURRENCY = "EUR"  # doc: "pricePerHour number Price per hour (€)"
LANGUAGE = {"language": "en"}  # doc: "Only "fr" and "en" are supported ... Default is English."
# doc: "retcode ... 1 for success, -1 for error"; register and meeting-request use 200.
SUCCESS_RETCODES = (1, 200)
# doc: "Without API key: Returns only public rooms (publicOffice, publicMeeting)"
MEETING, OFFICE = "publicMeeting", "publicOffice"
PUBLIC_TYPES = (MEETING, OFFICE)
# doc: "All responses return English country names (e.g., "Ireland", "Belgium", "France")";
# ISO codes are what the document accepts as input ("IE", "BE", "FR").
COUNTRY_NAMES = {"IE": "Ireland", "BE": "Belgium", "FR": "France"}
COUNTRY_CODES = {name.lower(): code for code, name in COUNTRY_NAMES.items()}
COUNTRY_CODES.update({code.lower(): code for code in COUNTRY_NAMES})
# The document gives no time zone; Workways sites are in these three countries.
TIME_ZONES = {"IE": "Europe/Dublin", "BE": "Europe/Brussels", "FR": "Europe/Paris"}
# doc (meeting-request): "duration number Required Duration in minutes (minimum: 30)"
MIN_BOOKING_MINUTES = 30
# doc: existing users "Can book same-day (but not in the past)"; new users "Minimum 2
# days in advance". The portal books as its known member, so there is no lead time.
NEW_USER_LEAD_DAYS = 2
# doc (401 bodies): these texts mean our token was refused, whatever the HTTP status.
AUTH_MESSAGES = (
    "unauthorized",
    "votre token est expiré",
    "votre compte est désactivé",
)
WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
COORDINATES = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
POSTCODE_PREFIX = re.compile(r"^[A-Z]{0,2}-?\d{4,5}\s+")
DISTRICT_SUFFIX = re.compile(r"\s+\d{1,2}$")
EIRCODE = re.compile(r"^[A-Z]\d{2}\s?[A-Z0-9]{4}$", re.IGNORECASE)


class SkipItem(Exception):
    """One catalogue item cannot be read; the reason goes into a ``SkippedItem``."""


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def number(value: Any, what: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SkipItem(f"{what} {value!r} is not a number")
    return value


def minutes(value: Any, what: str) -> int | None:
    """A duration in minutes; 0 (or absent) means the room sets no such rule."""
    if value is None:
        return None
    value = number(value, what)
    if value < 0 or value != int(value):
        raise SkipItem(f"{what} {value!r} is not a number of minutes")
    return int(value) or None


def euros(value: Any, what: str) -> Decimal | None:
    """A price in euros as a Decimal; 0 is no price (doc: "Returns 0 if no API key
    provided"), so it is never taken for "free"."""
    if value is None:
        return None
    if isinstance(value, str):
        # doc types pricePerMonth as a string ("500"); merge-contract writes "1500€".
        cleaned = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
        if not cleaned:
            return None
        try:
            price = Decimal(cleaned.replace(",", ".") if "." not in cleaned else cleaned)
        except InvalidOperation as exc:
            raise SkipItem(f"{what} {value!r} is not a price") from exc
    else:
        price = Decimal(str(number(value, what)))
    if not price.is_finite() or price < 0:
        # Workways writes "unknown" as -1 (doc: surface "-1 if unknown"; room-price
        # "price ... or -1 if unavailable").
        if price == -1:
            return None
        raise SkipItem(f"{what} {value!r} is not a price")
    return price.quantize(Decimal("0.01")) if price else None


def windows(value: Any, what: str) -> list[dict[str, str]]:
    """``"09:00-18:00"`` (several separated by commas) as [{"from", "to"}]; ``""``: none."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise SkipItem(f"{what} {value!r} is not a schedule")
    result = []
    for part in value.split(","):
        if not part.strip():
            continue
        match = WINDOW.match(part)
        if not match:
            raise SkipItem(f"{what} {value!r} is not HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2)):
            raise SkipItem(f"{what} {value!r} is not HH:MM-HH:MM")
        result.append({"from": f"{h1:02d}:{m1:02d}", "to": f"{h2:02d}:{m2:02d}"})
    return result


def coordinates(map_link: str) -> tuple[Decimal, Decimal] | tuple[None, None]:
    """Latitude and longitude from a map link's ``q`` (doc: "https://maps.google.com/?q=
    53.3498,-6.2603"); the document has no other coordinates."""
    if not map_link:
        return None, None
    query = parse_qs(urlsplit(map_link).query)
    for key in ("q", "query", "ll"):
        for candidate in query.get(key, []):
            match = COORDINATES.match(candidate)
            if match:
                lat, lng = Decimal(match.group(1)), Decimal(match.group(2))
                if -90 <= lat <= 90 and -180 <= lng <= 180:
                    return lat, lng
    return None, None


def city_from(address: str, country: str) -> str:
    """The city in a one-line address ("1 Grand Canal Square, Dublin 2, D02 P820, Ireland"
    -> "Dublin"; "12 Rue de la Roquette, 75011 Paris, France" -> "Paris").

    The document has only ``publicAddress``, a free string; this reads its usual shape:
    parts separated by commas, the country last, a postcode before the city or after it.
    """
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if parts and country and parts[-1].lower() == country.lower():
        parts.pop()
    parts = [p for p in parts if not EIRCODE.match(p)]
    if len(parts) < 2:
        return ""
    city = POSTCODE_PREFIX.sub("", parts[-1])
    return DISTRICT_SUFFIX.sub("", city).strip()


def contact_from(value: str) -> dict[str, str]:
    # doc: "publicContact string | null Public contact information" — e-mail in the example
    if not value:
        return {}
    if "@" in value and " " not in value:
        return {"email": value}
    if value.lower().startswith(("http://", "https://")):
        return {"website": value}
    if re.fullmatch(r"\+?[\d\s().-]{6,}", value):
        return {"phone": value}
    return {"other": value}


# --- availability: slot windows and the ICS feed -----------------------------------------

# Rooms booked by time through meeting-request; offers (monthly offices) have no day.
TIMED_KINDS = (ResourceKind.MEETING_ROOM.value, ResourceKind.OFFICE.value)
# rules["windows"] keys (the catalogue's) and the room fields they come from.
SLOT_FIELDS = {"weekdays": "slotWeek", "saturday": "slotSaturday", "sunday": "slotSunday"}
CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


def window_key(day: dt.date) -> str:
    # doc: slotWeek "Weekly availability schedule" (Monday to Friday), slotSaturday,
    # slotSunday
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekdays")


def local(day: dt.date, hhmm: str, zone: ZoneInfo) -> dt.datetime:
    """``HH:MM`` on ``day`` at the site, aware; ``24:00`` is the next midnight. A time the
    clocks skip (01:30 on the spring-forward day in Dublin) comes out as the instant the
    wall clock would show after the jump (02:30 IST)."""
    match = CLOCK.match(hhmm) if isinstance(hhmm, str) else None
    if not match:
        raise ValueError(f"{hhmm!r} is not HH:MM")
    hour, minute = int(match.group(1)), int(match.group(2))
    if (hour, minute) == (24, 0):
        day, hour = day + dt.timedelta(days=1), 0
    if hour > 23 or minute > 59:
        raise ValueError(f"{hhmm!r} is not HH:MM")
    moment = dt.datetime.combine(day, dt.time(hour, minute), zone)
    return moment.astimezone(dt.UTC).astimezone(zone)  # normalise a skipped wall time


def open_windows(
    schedule: list[dict[str, str]], day: dt.date, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The catalogue's [{"from": "HH:MM", "to": "HH:MM"}] for one day, as aware datetimes
    in the site's zone (built with zoneinfo, so a DST day is 23 or 25 hours long)."""
    result = []
    for window in schedule:
        start, end = local(day, window["from"], zone), local(day, window["to"], zone)
        if end > start:
            result.append((start, end))
    return sorted(result)


def parse_feed(body: bytes) -> icalendar.Calendar:
    """The ICS feed's body as a calendar (folded lines are unfolded by icalendar), or
    ``MalformedResponseError``. doc: "Returns an .ics file (iCalendar format)"."""
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise malformed("workways", "the ICS feed is not an iCalendar file") from exc
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise malformed("workways", "the ICS feed is not a VCALENDAR")
    return calendar


def _aware(value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):  # an all-day date: local midnight at the site
        return dt.datetime.combine(value, dt.time(0), zone)
    if value.tzinfo is None:
        # A floating time (RFC 5545 "form #1") is the wall clock where it is read: the
        # site. (With X-WR-TIMEZONE, recurring_ical_events has already put it there.)
        return value.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return value.astimezone(zone)


def busy_on(
    calendar: icalendar.Calendar, day: dt.date, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The meetings of the feed that touch the site's local ``day``, as aware intervals
    in the site's zone, sorted.

    doc example: "DTSTART:20251030T140000Z" (UTC); TZID parameters, X-WR-TIMEZONE and
    floating times are read too. recurring_ical_events expands RRULE/RDATE, drops EXDATE
    occurrences and applies RECURRENCE-ID overrides (a moved occurrence shows at its new
    time only). An all-day meeting (``DTSTART;VALUE=DATE``) blocks the whole local day(s)
    up to its exclusive DTEND. Occurrences marked ``STATUS:CANCELLED`` do not block.
    """
    start = dt.datetime.combine(day, dt.time(0), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
    try:
        events = recurring_ical_events.of(calendar).between(start, end)
        busy = []
        for event in events:
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            # event.start / event.end: DTEND, else DTSTART + DURATION, else RFC 5545's
            # default (a date alone lasts one day, a date-time alone no time)
            first, last = _aware(event.start, zone), _aware(event.end, zone)
            if not isinstance(event.start, dt.datetime) and last <= first:
                last = _aware(event.start + dt.timedelta(days=1), zone)
            if last > first and first < end and last > start:
                busy.append((first, last))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # recurring_ical_events' InvalidCalendar / BadRuleStringFormat are ValueErrors;
        # icalendar's IncompleteComponent (no DTSTART) too. Never guess "free".
        raise malformed("workways", f"the ICS feed cannot be read: {exc}") from exc
    return sorted(busy)


class WorkwaysAdapter(BaseAdapter):
    kind = "workways"
    # doc: "Currently, there are no enforced rate limits on these public endpoints."
    rate_limit: ClassVar[Limit | None] = None

    # --- configuration ------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return str(self.setting("base_url")).rstrip("/")

    def headers(self) -> dict[str, str]:
        # doc: "Authorization: Bearer ww_dev_your_token_here"
        return {"Authorization": f"Bearer {self.secret('token')}"}

    def absolute(self, url: Any) -> str:
        """A room image as an absolute URL. doc: "image string (URL) Room image URL (via
        /imageroom endpoint)"; the endpoint sits beside ``/api``, at the base URL."""
        url = text(url)
        if not url or urlsplit(url).scheme in ("http", "https"):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    # --- answers ------------------------------------------------------------------
    def error_message(self, payload: Any, response: httpx.Response) -> tuple[str, str]:
        # doc: "When an error occurs, the API returns a response with retcode: -1 and an
        # appropriate error message"; ROOM_OVERLAP adds a "status".
        if isinstance(payload, dict):
            message = payload.get("message")
            status = payload.get("status")
            return (
                message if isinstance(message, str) else "",
                status if isinstance(status, str) else "",
            )
        return "", ""

    def check_envelope(self, body: dict, response: httpx.Response, endpoint: str) -> None:
        """Raise for an error envelope even when the HTTP status is 200.

        doc: "retcode 1 for success, -1 for error", and "The endpoint still returns 200
        OK" with ``retcode: -1`` (room-price): the envelope decides, not the status.
        """
        retcode = body.get("retcode")
        if isinstance(retcode, bool) or not isinstance(retcode, int):
            raise malformed(self.kind, f"{endpoint}: no retcode in the answer")
        if retcode in SUCCESS_RETCODES:
            return
        message, code = self.error_message(body, response)
        common = {
            "provider": self.kind,
            "status": response.status_code,
            "code": code,
            "payload": body,
        }
        if message.strip().lower().startswith(AUTH_MESSAGES):
            raise AuthenticationError(message, **common)
        if message.strip().lower() == "internal server error":
            raise TransientError(message, **common)
        raise RejectedError(message or f"{endpoint} refused (retcode {retcode})", **common)

    def get_data(self, path: str, params: dict[str, str] | None = None) -> list:
        """``GET /api/<path>`` and the ``data`` list of its envelope."""
        endpoint = f"GET /api/{path}"
        response = self.request(
            "GET",
            f"{self.base_url}/api/{path}",
            endpoint=endpoint,
            headers=self.headers(),
            params={**(params or {}), **LANGUAGE},
        )
        body = self.json(response, expect=dict)
        self.check_envelope(body, response, endpoint)
        data = body.get("data")
        if not isinstance(data, list):
            raise malformed(self.kind, f"{endpoint}: data is not a list")
        return data

    # --- the catalogue ------------------------------------------------------------
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
                space = spaces.get(text(room.get("siteId")))
                if space is None:
                    raise SkipItem(f"its site {room.get('siteId')!r} is not in /api/sites")
                item = self.room(room)
                if isinstance(item, OfferData):
                    space.offers.append(item)
                else:
                    space.resources.append(item)
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
            city=city_from(address, country),
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
            kind=(ResourceKind.MEETING_ROOM if kind == MEETING else ResourceKind.OFFICE).value,
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

    # --- availability -------------------------------------------------------------
    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """A meeting room or bookable office on one local day: its slot window for the
        weekday (``open``) and the meetings of its ICS feed that day (``busy``)."""
        if item.kind not in TIMED_KINDS:
            raise UnsupportedError(
                f"workways has no day availability for {item.kind}", provider=self.kind
            )
        try:
            zone = ZoneInfo(item.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ProviderConfigurationError(f"unknown time zone {item.timezone!r}") from exc
        try:
            opening = open_windows(self.schedule(item, day), day, zone)
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderConfigurationError(
                f"{self.account.name}: room {item.external_id} has unreadable slot windows "
                f"({exc}); sync the catalogue again"
            ) from exc
        if not opening:
            # An empty slot window: "This room cannot be booked on this day" — closed,
            # whatever the feed holds, so the feed is not asked.
            return ProviderDay(open=[], busy=[], capacity=1)
        calendar = self.fetch_feed(text(item.raw.get("room_id")) or item.external_id)
        return ProviderDay(open=opening, busy=busy_on(calendar, day, zone), capacity=1)

    def schedule(self, item: ItemRef, day: dt.date) -> list[dict[str, str]]:
        """The day's windows as the catalogue stored them (``rules["windows"]``, site
        wall-clock time), else read from a raw ``slotWeek``-style string."""
        key = window_key(day)
        stored = (item.rules or {}).get("windows")
        if isinstance(stored, dict) and isinstance(stored.get(key), list):
            return stored[key]
        raw = (item.raw or {}).get(SLOT_FIELDS[key])
        if raw is not None:
            try:
                return windows(raw, SLOT_FIELDS[key])
            except SkipItem as exc:
                raise ValueError(str(exc)) from exc
        raise KeyError(f"no {key} windows")

    def fetch_feed(self, room_id: str) -> icalendar.Calendar:
        """``GET /api/icsfeed?rooms=<id>``: the room's booked meetings as a calendar.

        doc: "rooms string Required Comma-separated list of room IDs"; auth "No", so no
        token is sent. The answer is text/calendar; a JSON envelope (an error the server
        sent with 200) is read as one, anything else that is no calendar is malformed.
        Not cached here: the service caches facts per room-day, and a cached feed would
        be older than the facts' time stamp, hiding a booking made in between.
        """
        endpoint = "GET /api/icsfeed"
        response = self.request(
            "GET",
            f"{self.base_url}/api/icsfeed",
            endpoint=endpoint,
            headers={"Accept": "text/calendar"},
            params={"rooms": room_id, **LANGUAGE},
        )
        if "json" in response.headers.get("content-type", "").lower():
            body = self.json(response, expect=dict)
            self.check_envelope(body, response, endpoint)
            raise malformed(self.kind, f"{endpoint}: JSON instead of a calendar")
        return parse_feed(response.content)

    @staticmethod
    def capacity(room: dict) -> int | None:
        # doc: "maxPerson number Maximum number of persons", "nbSeat number Number of seats"
        for key in ("maxPerson", "nbSeat"):
            value = room.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
        return None
