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
    NotFoundError,
    ProviderConfigurationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import (
    BookingRequest,
    Catalogue,
    Customer,
    ItemRef,
    OfferData,
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


# --- booking: meeting requests and organization registration -----------------------------

# doc (meeting-request, "Response Scenarios"): the answer's "status"
ACCEPTED, REQUEST_ACCEPTED, ARCHIVED = "ACCEPTED", "REQUEST_ACCEPTED", "ARCHIVED"
# doc: "you will receive a ROOM_OVERLAP error (HTTP 409)"
ROOM_OVERLAP = "ROOM_OVERLAP"
# doc (register, "Response Scenarios")
CREATED, UPDATED, USER_EXISTS = "CREATED", "UPDATED", "USER_EXISTS"
REGISTER_STATUSES = (CREATED, UPDATED, USER_EXISTS)
# Written into the meeting's description (doc: "description string Optional Meeting
# description or notes"; the feed's DESCRIPTION) so reconcile can tell our meeting from
# someone else's at the same time. The feed is public: only the random uid goes there.
MARKER = "Portal booking {uid}"

# What the member reads, in their language (doc: "Only "fr" and "en" are supported").
TEXTS: dict[str, tuple[str, str]] = {
    "slot_taken": (
        "This slot was just taken, please pick another.",
        "Ce créneau vient d'être pris, veuillez en choisir un autre.",
    ),
    "archived": (
        "Your Workways account is archived, so Workways refuses this booking. Please "
        "contact Workways to restore your account.",
        "Votre compte Workways est archivé : Workways refuse cette réservation. Veuillez "
        "contacter Workways pour rétablir votre compte.",
    ),
    "register": (
        "Workways does not know your email address yet, so this meeting is only requested. "
        "To confirm it, register your company with Workways (the portal sends your profile "
        "details), then click the validation link Workways emails you to verify your "
        "address and set your password. The meeting is confirmed once your account is "
        "validated.",
        "Workways ne connaît pas encore votre adresse e-mail : cette réunion est seulement "
        "demandée. Pour la confirmer, inscrivez votre société chez Workways (le portail "
        "envoie les informations de votre profil), puis cliquez sur le lien de validation "
        "que Workways vous envoie par e-mail pour vérifier votre adresse et choisir votre "
        "mot de passe. La réunion est confirmée dès que votre compte est validé.",
    ),
    "validate": (
        "Workways has emailed you a validation link: click it to verify your address and "
        "set your password. The meeting is confirmed once your account is validated.",
        "Workways vous a envoyé un lien de validation par e-mail : cliquez dessus pour "
        "vérifier votre adresse et choisir votre mot de passe. La réunion est confirmée dès "
        "que votre compte est validé.",
    ),
    "registered": (
        "You are already registered with Workways. If you have not validated your email "
        "address yet, click the link Workways sent you; the meeting is confirmed once your "
        "account is validated.",
        "Vous êtes déjà inscrit chez Workways. Si vous n'avez pas encore validé votre "
        "adresse e-mail, cliquez sur le lien envoyé par Workways ; la réunion est confirmée "
        "dès que votre compte est validé.",
    ),
    "office_validate": (
        "Workways has registered your company and emailed you a validation link: click it "
        "to verify your address and set your password. Workways then checks your company "
        "details and prepares the rental contract; your access cards are activated once it "
        "is validated.",
        "Workways a enregistré votre société et vous a envoyé un lien de validation par "
        "e-mail : cliquez dessus pour vérifier votre adresse et choisir votre mot de passe. "
        "Workways vérifie ensuite les informations de votre société et prépare le contrat "
        "de location ; vos badges d'accès sont activés une fois celui-ci validé.",
    ),
    "office_contract": (
        "Workways knows your company. The Workways team prepares the rental contract for "
        "this office and will contact you; your access cards are activated once it is "
        "validated.",
        "Workways connaît votre société. L'équipe Workways prépare le contrat de location de "
        "ce bureau et vous contactera ; vos badges d'accès sont activés une fois celui-ci "
        "validé.",
    ),
    "unconfirmed": (
        "Your Workways account is validated but Workways has not confirmed this meeting yet "
        "(the slot may have been taken in the meantime). We will let you know.",
        "Votre compte Workways est validé mais Workways n'a pas encore confirmé cette "
        "réunion (le créneau a pu être pris entre-temps). Nous vous tiendrons informé.",
    ),
    "expired": (
        "Workways did not confirm this meeting before its time: the registration was not "
        "completed in time.",
        "Workways n'a pas confirmé cette réunion à temps : l'inscription n'a pas été "
        "terminée avant l'heure de la réunion.",
    ),
}


def say(key: str, language: str) -> str:
    english, french = TEXTS[key]
    return french if language == "fr" else english


def member_language(customer: Customer) -> str:
    # doc: "Only "fr" and "en" are supported. Any other value defaults to English."
    return "fr" if (customer.language or "").strip().lower().startswith("fr") else "en"


def utc_iso(moment: dt.datetime) -> str:
    # doc example: "bookedAt": "2025-11-05T14:00:00Z" (ISO 8601, UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def whole_minutes(start: dt.datetime, end: dt.datetime) -> int:
    seconds = (end - start).total_seconds()
    if seconds <= 0 or seconds % 60:
        raise RejectedError("the booking must last a whole number of minutes", provider="workways")
    return int(seconds // 60)


def length_label(minutes_: int) -> str:
    hours, rest = divmod(minutes_, 60)
    if hours and rest:
        return f"{hours} h {rest:02d} min"
    return f"{hours} h" if hours else f"{rest} min"


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

    # --- booking: HTTP helpers ------------------------------------------------------
    def post_envelope(self, path: str, body: dict) -> dict:
        """``POST /api/<path>`` with a JSON body; the checked envelope. Sent once: the base
        never retries a POST (an answer lost after Workways acted is reconciled)."""
        endpoint = f"POST /api/{path}"
        response = self.request(
            "POST",
            f"{self.base_url}/api/{path}",
            endpoint=endpoint,
            headers=self.headers(),
            json=body,
        )
        answer = self.json(response, expect=dict)
        self.check_envelope(answer, response, endpoint)
        return answer

    def get_object(self, path: str, params: dict[str, Any]) -> dict:
        """``GET /api/<path>`` whose ``data`` is one object (room-price, user-info by
        email, organization-info by id)."""
        endpoint = f"GET /api/{path}"
        response = self.request(
            "GET",
            f"{self.base_url}/api/{path}",
            endpoint=endpoint,
            headers=self.headers(),
            params={**params, **LANGUAGE},
        )
        body = self.json(response, expect=dict)
        self.check_envelope(body, response, endpoint)
        data = body.get("data")
        if not isinstance(data, dict):
            raise malformed(self.kind, f"{endpoint}: data is not an object")
        return data

    @staticmethod
    def room_id_of(item: ItemRef) -> str:
        return text(item.raw.get("room_id")) or item.external_id

    @staticmethod
    def site_id_of(item: ItemRef) -> str:
        return text(item.raw.get("site_id")) or item.space_external_id

    def lookup_user(self, email: str) -> dict | None:
        """``GET /api/user-info?email=`` — the user, or None ("User not found")."""
        try:
            return self.get_object("user-info", {"email": email})
        except NotFoundError:
            return None
        except RejectedError as exc:
            # doc: "// User not found {"retcode": -1, "message": "User not found"}" (the
            # document gives no HTTP status, so a 200 envelope is read the same way)
            if exc.message.strip().lower() == "user not found":
                return None
            raise

    # --- quote ----------------------------------------------------------------------
    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """``GET /api/room-price``: meeting rooms by start, duration and persons; offices
        by the month. doc: "data.price number Calculated price, or -1 if unavailable"."""
        room_id = self.room_id_of(item)
        monthly = request.kind == "inquiry" or item.kind not in TIMED_KINDS
        if not monthly and (item.raw.get("type") == OFFICE or item.kind == "office"):
            # doc: "Office Rooms (weekly/monthly pricing): publicOffice" — room-price has
            # no hourly price for an office booked by the hour: the catalogue prices it
            raise UnsupportedError(
                "Workways prices offices by the week or month only", provider=self.kind
            )
        if monthly:
            # doc: "period string ... "week" or "month" (default: "month")"
            params: dict[str, Any] = {"roomId": room_id, "period": "month"}
        else:
            length = whole_minutes(request.start, request.end)
            zone = ZoneInfo(item.timezone)
            params = {
                "roomId": room_id,
                # doc: "Start date/time in flexible format (e.g., "2025-01-18T10:00:00")" —
                # the site's wall clock, as the example has no offset
                "startDate": request.start.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S"),
                "duration": length,
                "nbPersons": max(1, request.attendees),
            }
        try:
            data = self.get_object("room-price", params)
        except RejectedError as exc:
            # "Price calculation not available for this room state/type" (price -1),
            # "not supported for room type", "Room not found": the catalogue prices it
            raise UnsupportedError(
                f"Workways cannot price this room: {exc.message}",
                provider=self.kind,
                status=exc.status,
                payload=exc.payload,
            ) from exc
        price = data.get("price")
        if not monthly and "period" in data:
            # an office price by the period, not this booking's hours
            raise UnsupportedError("Workways priced this room by the period", provider=self.kind)
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise malformed(self.kind, "room-price: price is not a number")
        if price < 0:
            raise UnsupportedError("Workways cannot price this room now", provider=self.kind)
        total = Decimal(str(price)).quantize(Decimal("0.01"))
        if monthly:
            lines = [("1 month", total)]
            note = "Monthly rent computed by Workways; the contract is prepared by Workways."
        else:
            lines = [(length_label(params["duration"]), total)]
            note = "Price computed by Workways."
        return Quote(total, CURRENCY, lines, note=note, raw=data)

    # --- submit ---------------------------------------------------------------------
    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """A meeting room (or an office with booking hours) is one ``POST
        /api/meeting-request``; an inquiry (a monthly office, doc Workflow 2) registers the
        member's organization with ``POST /api/register``."""
        if request.kind == "inquiry":
            return self.submit_inquiry(item, request)
        if request.kind != "room" or item.kind not in TIMED_KINDS:
            raise UnsupportedError(
                f"workways books meeting rooms and takes office inquiries, not {request.kind}",
                provider=self.kind,
            )
        language = member_language(request.customer)
        try:
            answer = self.post_envelope("meeting-request", self.meeting_body(item, request))
        except RejectedError as exc:
            if exc.code == ROOM_OVERLAP or exc.status == 409:
                raise RejectedError(
                    say("slot_taken", language),
                    provider=self.kind,
                    status=exc.status,
                    code=ROOM_OVERLAP,
                    payload=exc.payload,
                ) from exc
            raise
        return self.meeting_result(request, answer)

    def meeting_body(self, item: ItemRef, request: BookingRequest) -> dict[str, Any]:
        customer = request.customer
        body: dict[str, Any] = {
            "contactEmail": customer.email,
            "contactName": f"{customer.first_name} {customer.last_name}".strip(),
            "bookedRoom": self.room_id_of(item),
            "bookedAt": utc_iso(request.start),
            "duration": whole_minutes(request.start, request.end),
            "bookedUser": max(1, request.attendees),
        }
        if request.title.strip():
            body["name"] = request.title.strip()
        marker = MARKER.format(uid=request.uid)
        body["description"] = f"{request.message.strip()}\n\n{marker}".strip()
        body["language"] = member_language(customer)
        if not body["contactName"]:
            del body["contactName"]
        return body

    def meeting_result(self, request: BookingRequest, answer: dict) -> SubmitResult:
        status, data = answer.get("status"), answer.get("data")
        language = member_language(request.customer)
        if status == ARCHIVED:
            # doc: "Scenario C: Archived Account ... Contact administrator to restore account"
            raise RejectedError(
                say("archived", language), provider=self.kind, code=ARCHIVED, payload=answer
            )
        if status == ACCEPTED and isinstance(data, dict) and text(data.get("meetingId")):
            # doc: "Booking State: Confirmed immediately ... Immediately visible in ICS feed"
            return SubmitResult(
                "confirmed",
                reference=text(data["meetingId"]),
                valid_from=request.start,
                valid_to=request.end,
                identity={"known_user": True},
                reply=answer,
            )
        if status == REQUEST_ACCEPTED and isinstance(data, dict):
            request_id = text(data.get("meetingRequestId"))
            if request_id:
                # doc: "save the meetingRequestId. You can then pass it as the meetingId
                # parameter when calling /api/register"
                identity = {"meeting_request_id": request_id, "known_user": False}
                if text(data.get("userId")):
                    identity["user_id"] = text(data["userId"])
                return SubmitResult(
                    "awaiting_registration",
                    reference=request_id,
                    valid_from=request.start,
                    valid_to=request.end,
                    next_step=say("register", language),
                    identity=identity,
                    reply=answer,
                )
        raise malformed(self.kind, f"meeting-request: unexpected answer status {status!r}")

    # --- registration (doc: POST /api/register) ---------------------------------------
    def register(
        self,
        customer: Customer,
        *,
        meeting_id: str | None,
        room_id: str | None = None,
        site_id: str | None = None,
        residents: int = 1,
    ) -> dict:
        """Register the member's organization. ``meeting_id`` links a pending meeting
        request (doc: "pass it as the meetingId parameter when calling /api/register").

        Returns ``{"status", "organization_id", "user_id", "identity", "next_step",
        "message", "reply"}``; ``identity`` (organization and user ids) is what to remember
        for this member (doc: "The organizationId field is always returned ... You should
        store this ID").
        """
        if not (meeting_id or room_id or site_id):
            # doc: "At least one of siteId, roomId, or meetingId must be provided"
            raise ValueError("register needs a meeting, a room or a site")
        language = member_language(customer)
        full_name = f"{customer.first_name} {customer.last_name}".strip()
        body: dict[str, Any] = {
            # doc: "name string Required Company name"; a member without a company books
            # in their own name
            "name": customer.company.strip() or full_name or customer.email,
            "firstName": customer.first_name,
            "email": customer.email,
            "phone": customer.phone,
            "maxResidentUsers": max(1, residents),
            "language": language,
        }
        if customer.last_name.strip():
            body["lastName"] = customer.last_name
        if site_id:
            body["siteId"] = site_id
        if room_id:
            body["roomId"] = room_id
        if meeting_id:
            body["meetingId"] = meeting_id
        answer = self.post_envelope("register", body)
        status, data = answer.get("status"), answer.get("data")
        if status not in REGISTER_STATUSES or not isinstance(data, dict):
            raise malformed(self.kind, f"register: unexpected answer status {status!r}")
        organization_id = text(data.get("organizationId"))
        if not organization_id:
            raise malformed(self.kind, "register: no organizationId in the answer")
        identity = {"organization_id": organization_id}
        if text(data.get("userId")):
            identity["user_id"] = text(data["userId"])
        return {
            "status": status,
            "organization_id": organization_id,
            "user_id": identity.get("user_id", ""),
            "identity": identity,
            "next_step": say("registered" if status == USER_EXISTS else "validate", language),
            "message": text(answer.get("message")),
            "reply": answer,
        }

    def submit_inquiry(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """doc, Workflow 2: "Office spaces require a rental contract and cannot be booked
        via the booking endpoint ... POST to /api/register with company details. Include
        the office space context in the request" — the room as ``roomId``, its site as
        ``siteId``; the reference is the organization id."""
        registered = self.register(
            request.customer,
            meeting_id=None,
            room_id=self.room_id_of(item),
            site_id=self.site_id_of(item),
            residents=request.attendees,
        )
        return self.inquiry_result(
            item,
            request,
            organization_id=registered["organization_id"],
            identity=registered["identity"],
            known=registered["status"] == USER_EXISTS,
            reply=registered["reply"],
        )

    def inquiry_result(
        self,
        item: ItemRef,
        request: BookingRequest,
        *,
        organization_id: str,
        identity: dict,
        known: bool,
        reply: Any,
    ) -> SubmitResult:
        language = member_language(request.customer)
        if not known:
            # "Registration request creates a pending organization / User receives email
            # validation link / ... Workways team prepares rental contract"
            return SubmitResult(
                "awaiting_registration",
                reference=organization_id,
                next_step=say("office_validate", language),
                identity=identity,
                reply=reply,
            )
        # USER_EXISTS: the member already has an organization; Workways' answer records
        # nothing about this office, so people must pass the interest on.
        return SubmitResult(
            "awaiting_approval",
            reference=organization_id,
            next_step=say("office_contract", language),
            identity=identity,
            reply=reply,
            staff_action=(
                f"Workways office inquiry: {request.customer.email} (Workways organization "
                f"{organization_id}) is already registered, so Workways' registration did "
                f"not record the office {self.room_id_of(item)}. Tell Workways the member "
                "wants a rental contract for it."
            ),
        )

    # --- reconcile --------------------------------------------------------------------
    def find_meeting(
        self, item: ItemRef, request: BookingRequest, reference: str = ""
    ) -> tuple[str, icalendar.Event] | None:
        """The room's ICS feed event that is this booking: the meeting id in its UID (doc
        example "UID:meeting123@workways.com") equals ``reference``, or it has exactly
        this booking's start and end and our marker in its DESCRIPTION."""
        zone = ZoneInfo(item.timezone)
        calendar = self.fetch_feed(self.room_id_of(item))
        marker = MARKER.format(uid=request.uid)
        for event in calendar.walk("VEVENT"):
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            meeting_id = str(event.get("UID", "")).split("@", 1)[0].strip()
            if reference and meeting_id == reference:
                return meeting_id, event
            try:
                first, last = event.start, event.end
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # an event without DTSTART is not ours
            if not isinstance(first, dt.datetime) or event.get("RRULE"):
                continue  # we send one timed meeting
            same_time = _aware(first, zone) == request.start and _aware(last, zone) == request.end
            if same_time and marker in str(event.get("DESCRIPTION", "")):
                return meeting_id, event
        return None

    def confirmed_from_feed(
        self, request: BookingRequest, meeting_id: str, event: icalendar.Event, zone: ZoneInfo
    ) -> SubmitResult:
        try:
            first, last = _aware(event.start, zone), _aware(event.end, zone)
        except (ValueError, KeyError, TypeError, AttributeError):
            first, last = request.start, request.end
        return SubmitResult(
            "confirmed",
            reference=meeting_id,
            valid_from=first,
            valid_to=last,
            identity={"known_user": True},
            reply={
                "found_in": "icsfeed",
                "uid": str(event.get("UID", "")),
                "summary": str(event.get("SUMMARY", "")),
                "start": first.isoformat(),
                "end": last.isoformat(),
            },
        )

    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """An accepted meeting is in the room's ICS feed ("Immediately visible in ICS
        feed"): found by time and our marker. A pending request (REQUEST_ACCEPTED) is not
        in the feed and no documented endpoint lists it: None, and sending again is safe
        because Workways answers the same request from the same email for the same room
        and time with the same ``meetingRequestId`` (the sandbox does; see the notes). An
        inquiry is found through ``user-info``: the member's organization exists."""
        if request.kind == "inquiry":
            return self.find_inquiry(item, request)
        if item.kind not in TIMED_KINDS:
            return None
        found = self.find_meeting(item, request)
        if found is None:
            return None
        return self.confirmed_from_feed(request, *found, ZoneInfo(item.timezone))

    def find_inquiry(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        user = self.lookup_user(request.customer.email)
        organization_id = text((user or {}).get("organizationId"))
        if not organization_id:
            return None  # not registered yet (a temp user has no organization)
        identity = {"organization_id": organization_id}
        if text(user.get("_id")):
            identity["user_id"] = text(user["_id"])
        # a registration answered CREATED/UPDATED leaves the email to validate; a member
        # already validated is what USER_EXISTS would have answered
        return self.inquiry_result(
            item,
            request,
            organization_id=organization_id,
            identity=identity,
            known=bool(user.get("mailValid")),
            reply={"found_in": "user-info", "user": self.user_summary(user)},
        )

    @staticmethod
    def user_summary(user: dict) -> dict:
        """What the booking's history keeps of a user-info answer (no phone numbers)."""
        keys = (
            "_id",
            "role",
            "mailValid",
            "isUserArchived",
            "organizationId",
            "isOrganizationArchived",
        )
        return {key: user.get(key) for key in keys}

    # --- refresh ----------------------------------------------------------------------
    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """An awaiting meeting request becomes "confirmed" when the meeting shows in the
        room's ICS feed (doc: "Final Confirmation: Booking confirmed after account
        validation"); an office inquiry when the room is among the organization's
        ``allocatedRooms``."""
        if request.kind == "inquiry":
            return self.refresh_inquiry(item, request, reference)
        zone = ZoneInfo(item.timezone)
        found = self.find_meeting(item, request, reference)
        if found is not None:
            return self.confirmed_from_feed(request, *found, zone)
        language = member_language(request.customer)
        user = self.lookup_user(request.customer.email)
        if user and (user.get("isUserArchived") or user.get("isOrganizationArchived")):
            raise RejectedError(say("archived", language), provider=self.kind, code=ARCHIVED)
        if request.end <= dt.datetime.now(dt.UTC):
            raise RejectedError(say("expired", language), provider=self.kind, code="EXPIRED")
        identity = {"meeting_request_id": reference, "known_user": False}
        reply = {"found_in": "", "user": self.user_summary(user) if user else None}
        if user and text(user.get("_id")):
            identity["user_id"] = text(user["_id"])
        if user and text(user.get("organizationId")):
            identity["organization_id"] = text(user["organizationId"])
        validated = bool(
            user
            and user.get("mailValid")
            and user.get("organizationId")
            and user.get("role") != "temp"
        )
        if validated:
            # validated, yet the meeting is not in the feed: Workways has not confirmed it
            return SubmitResult(
                "awaiting_approval",
                reference=reference,
                next_step=say("unconfirmed", language),
                identity={**identity, "known_user": True},
                reply=reply,
                staff_action=(
                    f"Workways meeting request {reference}: the member's account is validated "
                    "but the meeting is not in the room's ICS feed. Check with Workways whether "
                    "it was confirmed."
                ),
            )
        registered = bool(user and text(user.get("organizationId")))
        return SubmitResult(
            "awaiting_registration",
            reference=reference,
            next_step=say("validate" if registered else "register", language),
            identity=identity,
            reply=reply,
        )

    def refresh_inquiry(
        self, item: ItemRef, request: BookingRequest, reference: str
    ) -> SubmitResult:
        language = member_language(request.customer)
        organization = self.get_object("organization-info", {"id": reference})
        if organization.get("isArchived"):
            raise RejectedError(say("archived", language), provider=self.kind, code=ARCHIVED)
        identity = {"organization_id": reference}
        rooms = organization.get("allocatedRooms")
        allocated = {text(room.get("_id")) for room in rooms or [] if isinstance(room, dict)}
        reply = {
            "found_in": "organization-info",
            "organization": {
                key: organization.get(key)
                for key in ("_id", "isArchived", "isMember", "contractStartDate")
            },
            "allocatedRooms": sorted(allocated),
        }
        if self.room_id_of(item) in allocated:
            # doc: "allocatedRooms array List of rooms allocated to this organization"
            return SubmitResult("confirmed", reference=reference, identity=identity, reply=reply)
        user = self.lookup_user(request.customer.email)
        validated = bool(user and user.get("mailValid"))
        if not validated:
            return SubmitResult(
                "awaiting_registration",
                reference=reference,
                next_step=say("office_validate", language),
                identity=identity,
                reply=reply,
            )
        # doc: "Workways team prepares rental contract" — by hand; the portal's staff are
        # told once (when the booking moves to awaiting_approval) to follow it up.
        return SubmitResult(
            "awaiting_approval",
            reference=reference,
            next_step=say("office_contract", language),
            identity=identity,
            reply=reply,
            staff_action=(
                f"Workways office inquiry: {request.customer.email} (Workways organization "
                f"{reference}) has validated their account; office {self.room_id_of(item)} "
                "is not allocated to them yet. Make sure Workways prepares the contract."
            ),
        )

    # --- cancel -----------------------------------------------------------------------
    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        # The document has no endpoint to cancel or change a meeting or a request.
        raise UnsupportedError(
            "the Workways API has no cancellation: Workways must cancel it by hand",
            provider=self.kind,
        )
