"""Workways' value parsers and constants (seed ``001_880c9b30cd55c5d4.txt``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

from providers.adapters.errors import RejectedError
from providers.adapters.parsing import SkipItem, safe_url
from providers.adapters.types import Customer
from providers.messages import Message
from providers.models import ResourceKind

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
# days in advance". The portal asks user-info whether the member is an existing user
# (``users.py``, ``knows_member``) before applying it.
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


# The company's name, which its site names start with (sandbox "Workways Lyon Part-Dieu";
# document: "principalSiteName": "Workways Paris").
BRAND = re.compile(r"^\s*workways\b[\s,:-]*", re.IGNORECASE)


def city_in_name(name: str) -> str:
    """The city a site's name starts with, once the brand is dropped ("Workways Lyon
    Part-Dieu" -> "Lyon"; the document's "Dublin Coworking Center" -> "Dublin").

    doc (GET /api/sites): "publicAddress string | null Public address of the site, or null
    if not set", and a site has no other field naming its city: when the address is null
    (the sandbox's Lyon site) or names no city, the site's name is all that is left, and
    Workways names its sites after their city ("siteName": "Workways Paris")."""
    words = BRAND.sub("", name or "").split()
    return words[0].strip(",;:-") if words else ""


def contact_from(value: str) -> dict[str, str]:
    # doc: "publicContact string | null Public contact information" — e-mail in the example
    if not value:
        return {}
    if "@" in value and " " not in value:
        return {"email": value}
    if value.lower().startswith(("http://", "https://")):
        return {"website": value} if safe_url(value) else {"other": value}
    if re.fullmatch(r"\+?[\d\s().-]{6,}", value):
        return {"phone": value}
    return {"other": value}


# Rooms booked by time through meeting-request; offers (monthly offices) have no day.
TIMED_KINDS = (
    ResourceKind.MEETING_ROOM.value,
    ResourceKind.OFFICE.value,
    ResourceKind.DESK.value,
)
# a publicOffice whose ``configuration`` says it is an open space is a desk, not an office
OPEN_SPACE_CONFIGURATIONS = frozenset({"open space", "openspace", "coworking", "hot desk", "desk"})

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


def member_language(customer: Customer) -> str:
    """The language Workways writes to the member in (its e-mails: the body's
    ``language``). The portal's own words are message codes, rendered where shown."""
    # doc: "Only "fr" and "en" are supported. Any other value defaults to English."
    return "fr" if (customer.language or "").strip().lower().startswith("fr") else "en"


def utc_iso(moment: dt.datetime) -> str:
    # doc example: "bookedAt": "2025-11-05T14:00:00Z" (ISO 8601, UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def whole_minutes(start: dt.datetime, end: dt.datetime) -> int:
    seconds = (end - start).total_seconds()
    if seconds <= 0 or seconds % 60:
        raise RejectedError(Message("workways.whole_minutes"), provider="workways")
    return int(seconds // 60)


def length_message(minutes_: int) -> Message:
    """A price line's label for a length: "2 h", "1 h 30 min", "45 min" (translated)."""
    hours, rest = divmod(minutes_, 60)
    if hours and rest:
        return Message("price.hours_minutes", {"h": hours, "m": f"{rest:02d}"})
    return Message("price.hours", {"h": hours}) if hours else Message("price.minutes", {"n": rest})


def length_label(minutes_: int) -> str:
    hours, rest = divmod(minutes_, 60)
    if hours and rest:
        return f"{hours} h {rest:02d} min"
    return f"{hours} h" if hours else f"{rest} min"
