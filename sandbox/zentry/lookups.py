"""Zentry Workspaces API (document 002): lookups, rendering and the schedule and address
parsing its handlers share.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request

from sandbox.core import Context
from sandbox.zentry_common import (
    CI,
    DAYS,
    bool_field,
    closures_hitting,
    covers,
    int_field,
    invalid,
    iso,
    not_found,
    open_window,
    parse_when,
    query_arg,
    required,
    span,
    strip_private,
)
from sandbox.zentry_seed import CITIES, STATES

LOCATION_STATUSES = ("Active", "Inactive")
APPLICATION_STATUSES = ("Inquiry", "Pending", "Submitted", "Approved", "Denied")
MEMBER_APPLICATION_STATUSES = ("Request", "Pending", "Submitted", "Approved", "Denied")

# --- lookups and rendering --------------------------------------------------------------


def find(ctx: Context, collection: str, ident: str, kind: str) -> dict:
    for record in ctx.state[collection]:
        if record["id"] == ident:
            return record
    raise not_found(kind, ident)


def check_workspace(ctx: Context, workspace_id: str) -> None:
    """A workspace reference in a body: a workspace id, or a tenant id (the document's
    own examples send the tenant id "184d3163ee1ffbbdb38b6c07" as `workspaceId`)."""
    if any(t["id"] == workspace_id for t in ctx.state["tenants"]):
        return
    find(ctx, "workspaces", workspace_id, "Workspace")


def render_location(location: dict, extended: bool = True) -> dict:
    """doc: ExtendedLocation = Location + tokenCost; Room.location is a plain Location."""
    body = strip_private(location)
    if not extended:
        body.pop("tokenCost", None)
    return body


def render_room(ctx: Context, room: dict) -> dict:
    """doc: ExtendedRoom = Room (with the nested `location`) + tokenCostPerHour/PerDay."""
    location = find(ctx, "locations", room["locationId"], "Location")
    body = {
        "id": room["id"],
        "dateCreated": room["dateCreated"],
        "dateUpdated": room["dateUpdated"],
        "locationId": room["locationId"],
        "location": render_location(location, False),
    }
    for key, value in strip_private(room).items():
        body.setdefault(key, value)
    return body


def state_code(address: dict) -> str | None:
    state = (address.get("state") or "").strip().lower()
    if state in STATES:
        return STATES[state][0]
    codes = {code.lower(): code for code, _ in STATES.values()}
    return codes.get(state)


def matches_state(address: dict, wanted: str | None) -> bool:
    """doc: "state": "MO" -- "Search for locations by state code" (names match too)."""
    if not wanted:
        return True
    wanted = wanted.strip().lower()
    name = (address.get("state") or "").lower()
    return wanted == name or wanted == (state_code(address) or "").lower()


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = rlat2 - rlat1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 3958.8 * 2 * math.asin(math.sqrt(a))


def geo_search(body: CI) -> tuple[float, float, float] | None:
    """doc: GeoSearch {maxMiles, latitude, longitude} (all required when given)."""
    geo = body.get("geoSearch")
    if geo is None:
        return None
    if not isinstance(geo, dict):
        raise invalid("geoSearch", "The JSON value could not be converted to GeoSearch.")
    values = []
    for field in ("maxMiles", "latitude", "longitude"):
        value = geo.get(field)
        if value is None:
            raise required(f"geoSearch.{field}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid(
                f"geoSearch.{field}", "The JSON value could not be converted to System.Double."
            )
        values.append(float(value))
    return values[0], values[1], values[2]


def has_amenities(have: list[str], wanted: list[str] | None) -> bool:
    """Every requested amenity must be offered (case-insensitive)."""
    if not wanted:
        return True
    lowered = {a.lower() for a in have}
    return all(a.lower() in lowered for a in wanted)


def text_match(text: str | None, *fields: str | None) -> bool:
    if not text or not text.strip():
        return True
    needle = text.strip().lower()
    return any(needle in (f or "").lower() for f in fields)


def address_text(address: dict) -> list[str | None]:
    line = ", ".join(
        p
        for p in (
            address.get("line1"),
            address.get("city"),
            address.get("state"),
            address.get("zipCode"),
        )
        if p
    )
    return [
        address.get("line1"),
        address.get("line2"),
        address.get("city"),
        address.get("state"),
        address.get("zipCode"),
        line,
    ]


# --- schedules, addresses (upserts) -----------------------------------------------------


def parse_schedule(body: CI, field: str = "schedule", need: bool = True) -> dict | None:
    """doc: Schedule {monday..sunday: ScheduleDay {isOpen, open, close, maxVisitors}}."""
    value = body.get(field)
    if value is None:
        if need:
            raise required(field)
        return None
    if not isinstance(value, dict):
        raise invalid(field, "The JSON value could not be converted to Schedule.")
    schedule = {}
    for day in DAYS:
        entry = value.get(day)
        where = f"{field}.{day}"
        if not isinstance(entry, dict):
            raise required(where)
        is_open = bool_field(entry, "isOpen", need=True)
        times = {}
        for key in ("open", "close"):
            raw = entry.get(key)
            if not isinstance(raw, str):
                raise required(f"{where}.{key}")
            try:
                times[key] = span(raw).strftime("%H:%M:%S")
            except (ValueError, TypeError):
                raise invalid(
                    f"{where}.{key}", f"'{raw}' is not a valid time span (hh:mm:ss)."
                ) from None
        if is_open and times["open"] >= times["close"]:
            raise invalid(where, "'close' must be later than 'open'.")
        visitors = int_field(entry, "maxVisitors")
        schedule[day] = {
            "isOpen": is_open,
            "open": times["open"],
            "close": times["close"],
            "maxVisitors": visitors,
        }
    return schedule


def parse_address(body: CI, need: bool = True) -> dict | None:
    value = body.get("address")
    if value is None:
        if need:
            raise required("address")
        return None
    if not isinstance(value, dict):
        raise invalid("address", "The JSON value could not be converted to Address.")
    return {key: value.get(key) for key in ("line1", "line2", "state", "city", "zipCode")}


def geocode(address: dict) -> tuple[dict, str]:
    """geo and timeZone derived from the address (the request carries neither)."""
    state = (address.get("state") or "").strip().lower()
    entry = STATES.get(state) or next((v for v in STATES.values() if v[0].lower() == state), None)
    if entry is None:
        raise invalid(
            "address.state", f"The address state '{address.get('state')}' could not be located."
        )
    city = (address.get("city") or "").strip().lower()
    lat, lon = CITIES.get(city, CITIES[STATE_CAPITALS.get(entry[0], "st. louis")])
    return {"latitude": lat, "longitude": lon}, entry[1]


# the city used for an address whose city the built-in geocoder does not know
STATE_CAPITALS = {
    "NY": "new york",
    "CA": "los angeles",
    "MO": "st. louis",
    "IL": "chicago",
    "TX": "austin",
    "CO": "denver",
    "AZ": "phoenix",
    "WA": "seattle",
    "MA": "boston",
    "FL": "miami",
    "GA": "atlanta",
}


def is_open(location: dict, closures: list[dict], when) -> dict:
    """doc: IsOpenResponse {isOpen, closureType}.

    A date (or midnight) asks about the day: open when the schedule opens that day and the
    closures do not cover all of its open hours. Any other time asks about that moment.
    """
    tz = ZoneInfo(location["timeZone"])
    if when.is_midnight:
        day = when.calendar_date(tz)
        window = open_window(location, day)
        if window is None:
            return {"isOpen": False, "closureType": None}
        closure = covers(closures_hitting(closures, tz, *window), *window)
        if closure is not None:
            return {"isOpen": False, "closureType": closure.get("type", "Default")}
        return {"isOpen": True, "closureType": None}
    moment = when.instant(tz)
    window = open_window(location, moment.astimezone(tz).date())
    hits = closures_hitting(closures, tz, moment, moment + dt.timedelta(seconds=1))
    if hits:
        return {"isOpen": False, "closureType": hits[0][0].get("type", "Default")}
    if window is None or not window[0] <= moment < window[1]:
        return {"isOpen": False, "closureType": None}
    return {"isOpen": True, "closureType": None}


def when_arg(ctx: Context, request: Request):
    raw = query_arg(request, "Date")
    if raw is None:
        return parse_when(iso(ctx.now()), "Date")
    return parse_when(raw, "Date")
