"""Zentry Workspaces API (document 002): locations, rooms, closures, workspaces, admin."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.zentry_common import (
    CI,
    DAYS,
    RECURRENCES,
    WORKSPACES,
    any_of,
    bad_request,
    body_of,
    bool_field,
    caller_workspace_id,
    closures_hitting,
    covers,
    date_range,
    enum_list,
    guard,
    int_field,
    invalid,
    iso,
    new_id,
    not_found,
    ok_empty,
    open_window,
    opt_instant,
    opt_str,
    paged,
    parse_when,
    query_arg,
    req_str,
    require_all,
    required,
    span,
    stamp,
    str_list,
    strip_private,
)
from sandbox.zentry_seed import CITIES, DEFAULT_TAX_RATE, STATES, TAX_RATES, tokens_for

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


# --- Address ----------------------------------------------------------------------------


def get_addresses(ctx: Context, request: Request) -> Response:
    """GET /Address?Query= -> [AddressSearchMatch {address, geo}] (a small built-in geocoder)."""
    query = (query_arg(request, "Query") or "").strip().lower()
    matches = []
    for location in ctx.state["locations"]:
        a = location["address"]
        text = f"{a['line1']}, {a['city']}, {state_code(a) or a['state']} {a['zipCode']}"
        if query and query in text.lower():
            matches.append({"address": text, "geo": location["geo"]})
    for city, (lat, lon) in CITIES.items():
        if query and (query in city or city in query):
            matches.append({"address": city.title(), "geo": {"latitude": lat, "longitude": lon}})
    return json_response(matches)


# --- Admin ------------------------------------------------------------------------------


def contact_of(body: CI, field: str = "contact") -> dict:
    """doc: Contact {name, email (required), phone}; firstName/lastName are read-only."""
    contact = body.get(field)
    if contact is None:
        raise required(field)
    if not isinstance(contact, dict):
        raise invalid(field, "The JSON value could not be converted to Contact.")
    name = contact.get("name")
    email = contact.get("email")
    if not isinstance(name, str) or not name.strip():
        raise required(f"{field}.name")
    if not isinstance(email, str) or not email.strip():
        raise required(f"{field}.email")
    first, _, last = name.strip().partition(" ")
    return {
        "name": name,
        "email": email,
        "phone": contact.get("phone"),
        "firstName": first,
        "lastName": last,
    }


def render_user(user: dict) -> dict:
    return strip_private(user)


def add_user_role(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    contact = contact_of(body)
    role = req_str(body, "role")
    # doc example: "workspaceId": "686d3163ee1ffbbdb38b6a74" -- any id is recorded as sent
    workspace_id = req_str(body, "workspaceId")
    user = next(
        (u for u in ctx.state["users"] if u["email"].lower() == contact["email"].lower()), None
    )
    if user is None:
        user = {
            "id": new_id(ctx.state),
            "email": contact["email"],
            "firstName": contact["firstName"],
            "lastName": contact["lastName"],
            "pictureUrl": None,
        }
        ctx.state["users"].append(user)
    grant = {"userId": user["id"], "role": role, "workspaceId": workspace_id}
    if grant not in ctx.state["roles"]:
        ctx.state["roles"].append(grant)
    return json_response(render_user(user))


def remove_user_role(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    email = req_str(body, "email")
    role = req_str(body, "role")
    workspace_id = req_str(body, "workspaceId")
    user = next((u for u in ctx.state["users"] if u["email"].lower() == email.lower()), None)
    # doc: 200 None; removing a role nobody holds changes nothing and is not an error
    if user is not None:
        grant = {"userId": user["id"], "role": role, "workspaceId": workspace_id}
        if grant in ctx.state["roles"]:
            ctx.state["roles"].remove(grant)
    return ok_empty()


def users_with_role(ctx: Context, request: Request, tenantId: str, role: str) -> Response:
    """GET /Admin/{tenantId}/role/{role}: the users holding `role` in that workspace/tenant."""
    # a tenant id stands for the workspace of the caller's API key
    scope = {tenantId}
    if any(t["id"] == tenantId for t in ctx.state["tenants"]):
        scope.add(caller_workspace_id(ctx, request))
    ids = [
        g["userId"]
        for g in ctx.state["roles"]
        if g["role"].lower() == role.lower() and g["workspaceId"] in scope
    ]
    users = [render_user(u) for u in ctx.state["users"] if u["id"] in ids]
    paging = CI({"offset": _int_arg(request, "offset", 0), "limit": _int_arg(request, "limit", 25)})
    return paged(users, paging)


def _int_arg(request: Request, name: str, default: int) -> int:
    value = query_arg(request, name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise invalid(name, f"The value '{value}' is not valid.") from None


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


# --- Location ---------------------------------------------------------------------------


def get_locations(ctx: Context, request: Request) -> Response:
    """POST /Location: doc GetLocationsRequest filters -> ExtendedLocationIPagedResponse."""
    body = body_of(request)
    ids = str_list(body, "ids")
    workspace_ids = str_list(body, "workspaceIds")
    amenities = str_list(body, "amenities")
    statuses = enum_list(body, "statuses", LOCATION_STATUSES, "LocationStatus")
    search = opt_str(body, "searchText")
    state = opt_str(body, "state")
    geo = geo_search(body)
    max_price = int_field(body, "maxMarketplacePrice")
    max_tokens = int_field(body, "maxTokens")
    exclude = bool_field(body, "excludeLocationsNotOnMarketplace")
    found = []
    for loc in ctx.state["locations"]:
        if not (
            any_of(ids, loc["id"])
            and any_of(workspace_ids, loc["workspaceId"])
            and any_of(statuses, loc["status"])
            and matches_state(loc["address"], state)
            and has_amenities(loc["amenities"], amenities)
            and text_match(search, loc["name"], *address_text(loc["address"]))
        ):
            continue
        if exclude and loc.get("marketplacePrice") is None:
            continue
        if max_price is not None and (
            loc.get("marketplacePrice") is None or loc["marketplacePrice"] > max_price
        ):
            continue
        if max_tokens is not None and loc["tokenCost"] > max_tokens:
            continue
        distance = 0.0
        if geo is not None:
            distance = miles_between(
                geo[1], geo[2], loc["geo"]["latitude"], loc["geo"]["longitude"]
            )
            if distance > geo[0]:
                continue
        found.append((distance, loc))
    if geo is not None:
        found.sort(key=lambda pair: pair[0])
    return paged([render_location(loc) for _, loc in found], body)


LOCATION_STRINGS = ("name", "phone", "checkInInstructions", "waiverUrl", "termsOfSerivceUrl")
# doc: UpsertLocationRequest / UpsertRoomRequest fields marked required
LOCATION_REQUIRED = (
    "workspaceId",
    "name",
    "address",
    "schedule",
    "pictureUrls",
    "amenities",
    "price",
    "phone",
    "checkInInstructions",
    "waiverUrl",
    "termsOfSerivceUrl",
    "autoApproveReservations",
)
ROOM_REQUIRED = (
    "locationId",
    "name",
    "pricePerHour",
    "quantity",
    "amenities",
    "capacity",
    "maxReservationMinutes",
    "pictureUrls",
    "autoApproveReservations",
)


def upsert_location(ctx: Context, request: Request) -> Response:
    """POST /Location/upsert[?id=]: create, or update the location `id`."""
    body = body_of(request, required_body=True)
    ident = query_arg(request, "id")
    existing = find(ctx, "locations", ident, "Location") if ident else None
    require_all(body, LOCATION_REQUIRED)
    workspace_id = req_str(body, "workspaceId")
    check_workspace(ctx, workspace_id)
    fields = {key: req_str(body, key) for key in LOCATION_STRINGS}
    address = parse_address(body)
    schedule = parse_schedule(body)
    pictures = str_list(body, "pictureUrls", need=True)
    amenities = str_list(body, "amenities", need=True)
    price = int_field(body, "price", need=True)
    marketplace_price = int_field(body, "marketplacePrice")
    auto = bool_field(body, "autoApproveReservations", need=True)
    geo, zone = geocode(address)
    now = ctx.now()
    record = existing if existing is not None else {"id": new_id(ctx.state)}
    stamp(record, now, created=existing is None)
    record.update(
        workspaceId=workspace_id,
        name=fields["name"],
        address=address,
        schedule=schedule,
        price=price,
        marketplacePrice=marketplace_price,
        geo=geo,
        timeZone=zone,
        pictureUrls=pictures,
        amenities=amenities,
        phone=fields["phone"],
        checkInInstructions=fields["checkInInstructions"],
        description=opt_str(body, "description"),
        waiverUrl=fields["waiverUrl"],
        termsOfSerivceUrl=fields["termsOfSerivceUrl"],
        autoApproveReservations=auto,
        status=record.get("status", "Active"),
        tokenCost=tokens_for(marketplace_price if marketplace_price is not None else price),
        _taxRate=TAX_RATES.get(state_code(address) or "", DEFAULT_TAX_RATE),
    )
    if existing is None:
        ctx.state["locations"].append(record)
    return json_response(render_location(record))


def upload(kind: str):
    """POST /Location/image|waiver|terms (multipart `file`) -> the stored file's URL."""

    def handler(ctx: Context, request: Request) -> Response:
        file = request.files.get("file")
        if file is None or not file.filename:
            raise required("file")
        name = file.filename.replace(" ", "-")
        return json_response(
            f"https://cdn.zentrypass.com/uploads/{kind}/{new_id(ctx.state)}/{name}"
        )

    handler.__name__ = f"upload_{kind}"
    return handler


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


def location_is_open(ctx: Context, request: Request) -> Response:
    ident = query_arg(request, "Id")
    if not ident:
        raise required("Id")
    location = find(ctx, "locations", ident, "Location")
    closures = [c for c in ctx.state["locationClosures"] if c["locationId"] == ident]
    return json_response(is_open(location, closures, when_arg(ctx, request)))


# --- closures ---------------------------------------------------------------------------


def closure_search(collection: str, key: str):
    def handler(ctx: Context, request: Request) -> Response:
        body = body_of(request)
        wanted = str_list(body, key + "s")
        items = [strip_private(c) for c in ctx.state[collection] if any_of(wanted, c[key])]
        return paged(items, body)

    handler.__name__ = f"search_{collection}"
    return handler


def closure_create(collection: str, key: str, parent: str, kind: str):
    """POST /LocationClosure/create, /RoomClosure/create: doc {"closures": [...]} -> [...]."""

    def handler(ctx: Context, request: Request) -> Response:
        body = body_of(request, required_body=True)
        items = body.get("closures")
        if not isinstance(items, list) or not items:
            raise required("closures")
        created = []
        now = ctx.now()
        for index, item in enumerate(items):
            where = f"closures[{index}]"
            if not isinstance(item, dict):
                raise invalid(where, "The JSON value could not be converted to a closure.")
            start, end = date_range(item, "dateRange", need=True)
            owner = item.get(key)
            if not isinstance(owner, str) or not owner:
                raise required(f"{where}.{key}")
            find(ctx, parent, owner, kind)
            workspace_id = item.get("workspaceId")
            if not isinstance(workspace_id, str) or not workspace_id:
                raise required(f"{where}.workspaceId")
            recurrence = item.get("recurrence") or "None"
            if recurrence not in RECURRENCES:
                raise invalid(f"{where}.recurrence", f"'{recurrence}' is not a valid Recurrence.")
            until = opt_instant(item, "recurrenceEndDate")
            closure_type = item.get("type") or "Default"
            if closure_type not in ("Default", "ComingSoon"):
                raise invalid(f"{where}.type", f"'{closure_type}' is not a valid ClosureType.")
            record = {"id": new_id(ctx.state)}
            stamp(record, now, created=True)
            record.update(
                dateRange={"from": iso(start), "to": iso(end)},
                workspaceId=workspace_id,
                recurrence=recurrence,
                recurrenceEndDate=iso(until),
            )
            record[key] = owner
            record["type"] = closure_type
            created.append(record)
        ctx.state[collection].extend(created)
        return json_response([strip_private(c) for c in created])

    handler.__name__ = f"create_{collection}"
    return handler


def closure_delete(collection: str, kind: str):
    def handler(ctx: Context, request: Request, id: str) -> Response:
        record = find(ctx, collection, id, kind)
        ctx.state[collection].remove(record)
        return ok_empty()

    handler.__name__ = f"delete_{collection}"
    return handler


# --- Room -------------------------------------------------------------------------------


def get_rooms(ctx: Context, request: Request) -> Response:
    """POST /Room: doc GetRoomsRequest filters -> ExtendedRoomIPagedResponse."""
    body = body_of(request)
    ids = str_list(body, "ids")
    location_ids = str_list(body, "locationIds")
    amenities = str_list(body, "amenities")
    search = opt_str(body, "searchText")
    state = opt_str(body, "state")
    geo = geo_search(body)
    min_capacity = int_field(body, "minimumCapacity")
    max_price = int_field(body, "maxMarketplacePricePerHour")
    max_tokens = int_field(body, "maxTokensPerHour")
    exclude = bool_field(body, "excludeRoomsNotOnMarketplace")
    found = []
    for room in ctx.state["rooms"]:
        loc = find(ctx, "locations", room["locationId"], "Location")
        if not (
            any_of(ids, room["id"])
            and any_of(location_ids, room["locationId"])
            and matches_state(loc["address"], state)
            and has_amenities(room["amenities"], amenities)
            and text_match(search, room["name"], loc["name"], *address_text(loc["address"]))
        ):
            continue
        if min_capacity is not None and room["capacity"] < min_capacity:
            continue
        if exclude and room.get("marketplacePricePerHour") is None:
            continue
        if max_price is not None and (
            room.get("marketplacePricePerHour") is None
            or room["marketplacePricePerHour"] > max_price
        ):
            continue
        if max_tokens is not None and room["tokenCostPerHour"] > max_tokens:
            continue
        distance = 0.0
        if geo is not None:
            distance = miles_between(
                geo[1], geo[2], loc["geo"]["latitude"], loc["geo"]["longitude"]
            )
            if distance > geo[0]:
                continue
        found.append((distance, room))
    if geo is not None:
        found.sort(key=lambda pair: pair[0])
    return paged([render_room(ctx, room) for _, room in found], body)


def upsert_room(ctx: Context, request: Request) -> Response:
    """POST /Room/upsert[?id=]: doc UpsertRoomRequest -> ExtendedRoom."""
    body = body_of(request, required_body=True)
    ident = query_arg(request, "id")
    existing = find(ctx, "rooms", ident, "Room") if ident else None
    require_all(body, ROOM_REQUIRED)
    location_id = req_str(body, "locationId")
    find(ctx, "locations", location_id, "Location")
    name = req_str(body, "name")
    price_hour = int_field(body, "pricePerHour", need=True)
    price_day = int_field(body, "pricePerDay")
    market_hour = int_field(body, "marketplacePricePerHour")
    market_day = int_field(body, "marketplacePricePerDay")
    quantity = int_field(body, "quantity", need=True, minimum=1)
    amenities = str_list(body, "amenities", need=True)
    capacity = int_field(body, "capacity", need=True, minimum=1)
    max_minutes = int_field(body, "maxReservationMinutes", need=True, minimum=1)
    pictures = str_list(body, "pictureUrls", need=True)
    auto = bool_field(body, "autoApproveReservations", need=True)
    record = existing if existing is not None else {"id": new_id(ctx.state)}
    stamp(record, ctx.now(), created=existing is None)
    record.update(
        locationId=location_id,
        name=name,
        pricePerHour=price_hour,
        pricePerDay=price_day,
        marketplacePricePerHour=market_hour,
        marketplacePricePerDay=market_day,
        quantity=quantity,
        amenities=amenities,
        capacity=capacity,
        maxReservationMinutes=max_minutes,
        pictureUrls=pictures,
        autoApproveReservations=auto,
        tokenCostPerHour=tokens_for(price_hour),
        tokenCostPerDay=tokens_for(price_day),
    )
    if existing is None:
        ctx.state["rooms"].append(record)
    return json_response(render_room(ctx, record))


def room_is_open(ctx: Context, request: Request) -> Response:
    """A room is open when its location is open and no room closure applies."""
    ident = query_arg(request, "Id")
    if not ident:
        raise required("Id")
    room = find(ctx, "rooms", ident, "Room")
    location = find(ctx, "locations", room["locationId"], "Location")
    closures = [c for c in ctx.state["locationClosures"] if c["locationId"] == location["id"]]
    closures += [c for c in ctx.state["roomClosures"] if c["roomId"] == ident]
    return json_response(is_open(location, closures, when_arg(ctx, request)))


# --- UserLocation, Workspace, WorkspaceMember -------------------------------------------


def get_user_locations(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    workspace_ids, location_ids, user_ids = (
        str_list(body, k) for k in ("workspaceIds", "locationIds", "userIds")
    )
    items = [
        strip_private(u)
        for u in ctx.state["userLocations"]
        if any_of(workspace_ids, u["workspaceId"])
        and any_of(location_ids, u["locationId"])
        and any_of(user_ids, u["userId"])
    ]
    return paged(items, body)


def create_user_location(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    user_id, workspace_id, location_id = (
        req_str(body, k) for k in ("userId", "workspaceId", "locationId")
    )
    find(ctx, "users", user_id, "User")
    find(ctx, "workspaces", workspace_id, "Workspace")
    location = find(ctx, "locations", location_id, "Location")
    if location["workspaceId"] != workspace_id:
        raise bad_request(
            f"Location '{location_id}' does not belong to workspace '{workspace_id}'."
        )
    record = {"id": new_id(ctx.state)}
    stamp(record, ctx.now(), created=True)
    record.update(userId=user_id, workspaceId=workspace_id, locationId=location_id)
    ctx.state["userLocations"].append(record)
    return json_response(record)


def get_my_workspace(ctx: Context, request: Request) -> Response:
    """GET /Workspace/my: the workspace the API key belongs to."""
    return json_response(find(ctx, "workspaces", caller_workspace_id(ctx, request), "Workspace"))


def get_workspaces(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids = str_list(body, "ids")
    return paged([w for w in ctx.state["workspaces"] if any_of(ids, w["id"])], body)


def update_workspace(ctx: Context, request: Request, id: str) -> Response:
    workspace = find(ctx, "workspaces", id, "Workspace")
    body = body_of(request, required_body=True)
    workspace["logoUrl"] = opt_str(body, "logoUrl")
    stamp(workspace, ctx.now())
    return json_response(workspace)


def get_workspace_members(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids, workspace_ids, user_ids = (str_list(body, k) for k in ("ids", "workspaceIds", "userIds"))
    items = [
        m
        for m in ctx.state["workspaceMembers"]
        if any_of(ids, m["id"])
        and any_of(workspace_ids, m["workspaceId"])
        and any_of(user_ids, m["userId"])
    ]
    return paged(items, body)


# --- Application ------------------------------------------------------------------------


def parse_application_locations(body: CI) -> list[dict] | None:
    """doc: ApplicationLocation (every field optional but autoApproveReservations)."""
    value = body.get("locations")
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid(
            "locations", "The JSON value could not be converted to ApplicationLocation[]."
        )
    result = []
    for item in value:
        if not isinstance(item, dict):
            raise invalid(
                "locations", "The JSON value could not be converted to ApplicationLocation."
            )
        rooms = []
        for room in item.get("rooms") or []:
            rooms.append(
                {
                    "name": room.get("name"),
                    "pricePerHour": room.get("pricePerHour"),
                    "marketplacePricePerHour": room.get("marketplacePricePerHour"),
                    "pricePerDay": room.get("pricePerDay"),
                    "marketplacePricePerDay": room.get("marketplacePricePerDay"),
                    "quantity": room.get("quantity"),
                    "amenities": room.get("amenities"),
                    "capacity": room.get("capacity"),
                    "maxReservationMinutes": room.get("maxReservationMinutes"),
                    "pictureUrls": room.get("pictureUrls"),
                    "autoApproveReservations": bool(room.get("autoApproveReservations")),
                }
            )
        result.append(
            {
                "name": item.get("name"),
                "address": parse_address(item, need=False),
                "schedule": parse_schedule(item, need=False),
                "amenities": item.get("amenities"),
                "price": item.get("price"),
                "marketplacePrice": item.get("marketplacePrice"),
                "pictureUrls": item.get("pictureUrls"),
                "phone": item.get("phone"),
                "checkInInstructions": item.get("checkInInstructions"),
                "description": item.get("description"),
                "waiverUrl": item.get("waiverUrl"),
                "termsOfSerivceUrl": item.get("termsOfSerivceUrl"),
                "rooms": rooms,
                "autoApproveReservations": bool(item.get("autoApproveReservations")),
            }
        )
    return result


def _new_application(ctx: Context, request: Request, invited: bool) -> Response:
    body = body_of(request, required_body=True)
    name = req_str(body, "name")
    contact = contact_of(body)
    description = req_str(body, "description")
    record = {"id": new_id(ctx.state)}
    stamp(record, ctx.now(), created=True)
    record.update(
        status="Pending" if invited else "Inquiry",
        name=name,
        contact=contact,
        description=description,
        locations=None,
        ownerId=None,
        ownerEmail=contact["email"],
        workspaceId=None,
        wasInvited=invited,
    )
    ctx.state["applications"].append(record)
    return json_response(record)


def create_application(ctx: Context, request: Request) -> Response:
    """POST /Application/create: a new application in status Inquiry."""
    return _new_application(ctx, request, invited=False)


def invite_workspace(ctx: Context, request: Request) -> Response:
    """POST /Application/invite: an invited application (wasInvited), status Pending."""
    return _new_application(ctx, request, invited=True)


def get_applications(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids, owners = (str_list(body, k) for k in ("ids", "ownerIds"))
    statuses = enum_list(body, "statuses", APPLICATION_STATUSES, "ApplicationStatus")
    items = [
        a
        for a in ctx.state["applications"]
        if any_of(ids, a["id"]) and any_of(owners, a["ownerId"]) and any_of(statuses, a["status"])
    ]
    return paged(items, body)


def _edit_application(ctx: Context, request: Request, id: str, submit: bool) -> Response:
    app = find(ctx, "applications", id, "Application")
    body = body_of(request, required_body=True)
    allowed = ("Pending",) if submit else ("Inquiry", "Pending")
    if app["status"] not in allowed:
        raise bad_request(f"Application '{id}' is {app['status']} and cannot be changed.")
    app["name"] = req_str(body, "name")
    app["description"] = req_str(body, "description")
    locations = parse_application_locations(body)
    if locations is not None:
        app["locations"] = locations
    if submit:
        if not app["locations"]:
            raise required("locations")
        app["status"] = "Submitted"
    stamp(app, ctx.now())
    return json_response(app)


def update_application(ctx: Context, request: Request, id: str) -> Response:
    return _edit_application(ctx, request, id, submit=False)


def submit_application(ctx: Context, request: Request, id: str) -> Response:
    """PUT /Application/{id}/submit: Pending -> Submitted."""
    return _edit_application(ctx, request, id, submit=True)


def _application_from_body(ctx: Context, request: Request, allowed: tuple[str, ...]) -> dict:
    body = body_of(request, required_body=True)
    app = find(ctx, "applications", req_str(body, "applicationId"), "Application")
    if app["status"] not in allowed:
        raise bad_request(f"Application '{app['id']}' is {app['status']} and cannot be changed.")
    return app


def approve_inquiry(ctx: Context, request: Request) -> Response:
    """PUT /Application/approve-inquiry: Inquiry -> Pending."""
    app = _application_from_body(ctx, request, ("Inquiry",))
    app["status"] = "Pending"
    stamp(app, ctx.now())
    return json_response(app)


def deny_application(ctx: Context, request: Request) -> Response:
    app = _application_from_body(ctx, request, ("Inquiry", "Pending", "Submitted"))
    app["status"] = "Denied"
    stamp(app, ctx.now())
    return json_response(app)


def approve_application(ctx: Context, request: Request) -> Response:
    """PUT /Application/approve: Submitted -> Approved; answers the new Workspace."""
    app = _application_from_body(ctx, request, ("Submitted",))
    now = ctx.now()
    workspace = {"id": new_id(ctx.state)}
    stamp(workspace, now, created=True)
    workspace.update(name=app["name"], email=app["contact"]["email"], logoUrl=None)
    ctx.state["workspaces"].append(workspace)
    app.update(status="Approved", workspaceId=workspace["id"])
    stamp(app, now)
    return json_response(workspace)


def remind_application(ctx: Context, request: Request) -> Response:
    _application_from_body(ctx, request, ("Inquiry", "Pending"))
    return ok_empty()


# --- MemberApplication ------------------------------------------------------------------


def get_member_applications(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids, workspaces, users = (str_list(body, k) for k in ("ids", "workspaceIds", "userIds"))
    statuses = enum_list(body, "statuses", MEMBER_APPLICATION_STATUSES, "MemberApplicationStatus")
    items = [
        m
        for m in ctx.state["memberApplications"]
        if any_of(ids, m["id"])
        and any_of(workspaces, m["workspaceId"])
        and any_of(users, m["userId"])
        and any_of(statuses, m["status"])
    ]
    return paged(items, body)


def create_member_application(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    workspace_id = req_str(body, "workspaceId")
    user_id = req_str(body, "userId")
    template = req_str(body, "workspaceLicenseTemplateId")
    location_id = opt_str(body, "locationId")
    requested = opt_instant(body, "requestedActivationDate")
    if requested is None:
        raise required("requestedActivationDate")
    find(ctx, "workspaces", workspace_id, "Workspace")
    find(ctx, "users", user_id, "User")
    if location_id:
        find(ctx, "locations", location_id, "Location")
    record = {"id": new_id(ctx.state)}
    stamp(record, ctx.now(), created=True)
    record.update(
        workspaceId=workspace_id,
        userId=user_id,
        workspaceLicenseTemplateId=template,
        locationId=location_id,
        status="Request",
        requestedActivationDate=iso(requested),
        activationDate=None,
    )
    ctx.state["memberApplications"].append(record)
    return json_response(record)


def update_member_application(ctx: Context, request: Request, id: str) -> Response:
    record = find(ctx, "memberApplications", id, "MemberApplication")
    body = body_of(request, required_body=True)
    requested = opt_instant(body, "requestedActivationDate")
    if requested is None:
        raise required("requestedActivationDate")
    activation = opt_instant(body, "activationDate")
    location_id = opt_str(body, "locationId")
    if location_id:
        find(ctx, "locations", location_id, "Location")
    record.update(
        requestedActivationDate=iso(requested),
        activationDate=iso(activation),
        locationId=location_id,
    )
    stamp(record, ctx.now())
    return json_response(record)


MEMBER_TRANSITIONS = {
    "deny": (("Request", "Pending", "Submitted"), "Denied"),
    "approve-request": (("Request",), "Pending"),
    "submit": (("Pending",), "Submitted"),
    "approve": (("Submitted",), "Approved"),
}


def member_transition(action: str):
    allowed, target = MEMBER_TRANSITIONS[action]

    def handler(ctx: Context, request: Request, id: str) -> Response:
        record = find(ctx, "memberApplications", id, "MemberApplication")
        if record["status"] not in allowed:
            raise bad_request(
                f"Member application '{id}' is {record['status']} and cannot be changed."
            )
        record["status"] = target
        now = ctx.now()
        stamp(record, now)
        if target == "Approved":
            record["activationDate"] = record["activationDate"] or record["requestedActivationDate"]
            member = {"id": new_id(ctx.state)}
            stamp(member, now, created=True)
            member.update(
                workspaceId=record["workspaceId"],
                locationId=record["locationId"],
                userId=record["userId"],
            )
            ctx.state["workspaceMembers"].append(member)
        return json_response(record)

    handler.__name__ = f"member_{action.replace('-', '_')}"
    return handler


def _w(path: str) -> str:
    return WORKSPACES + path


ROUTES = [
    (_w("/Address"), get_addresses, ["GET"]),
    (_w("/Admin/role"), add_user_role, ["POST"]),
    (_w("/Admin/role"), remove_user_role, ["DELETE"]),
    (_w("/Admin/<tenantId>/role/<role>"), users_with_role, ["GET"]),
    (_w("/Application/create"), create_application, ["POST"]),
    (_w("/Application"), get_applications, ["POST"]),
    (_w("/Application/approve-inquiry"), approve_inquiry, ["PUT"]),
    (_w("/Application/deny"), deny_application, ["PUT"]),
    (_w("/Application/approve"), approve_application, ["PUT"]),
    (_w("/Application/invite"), invite_workspace, ["POST"]),
    (_w("/Application/remind"), remind_application, ["POST"]),
    (_w("/Application/<id>/submit"), submit_application, ["PUT"]),
    (_w("/Application/<id>"), update_application, ["PUT"]),
    (_w("/Location"), get_locations, ["POST"]),
    (_w("/Location/upsert"), upsert_location, ["POST"]),
    (_w("/Location/image"), upload("image"), ["POST"]),
    (_w("/Location/waiver"), upload("waiver"), ["POST"]),
    (_w("/Location/terms"), upload("terms"), ["POST"]),
    (_w("/Location/is-open"), location_is_open, ["GET"]),
    (_w("/LocationClosure"), closure_search("locationClosures", "locationId"), ["POST"]),
    (
        _w("/LocationClosure/create"),
        closure_create("locationClosures", "locationId", "locations", "Location"),
        ["POST"],
    ),
    (
        _w("/LocationClosure/<id>"),
        closure_delete("locationClosures", "LocationClosure"),
        ["DELETE"],
    ),
    (_w("/MemberApplication"), get_member_applications, ["POST"]),
    (_w("/MemberApplication/create"), create_member_application, ["POST"]),
    (_w("/MemberApplication/<id>"), update_member_application, ["PUT"]),
    (_w("/MemberApplication/<id>/deny"), member_transition("deny"), ["POST"]),
    (_w("/MemberApplication/<id>/approve-request"), member_transition("approve-request"), ["POST"]),
    (_w("/MemberApplication/<id>/submit"), member_transition("submit"), ["POST"]),
    (_w("/MemberApplication/<id>/approve"), member_transition("approve"), ["POST"]),
    (_w("/Room"), get_rooms, ["POST"]),
    (_w("/Room/upsert"), upsert_room, ["POST"]),
    (_w("/Room/is-open"), room_is_open, ["GET"]),
    (_w("/RoomClosure"), closure_search("roomClosures", "roomId"), ["POST"]),
    (
        _w("/RoomClosure/create"),
        closure_create("roomClosures", "roomId", "rooms", "Room"),
        ["POST"],
    ),
    (_w("/RoomClosure/<id>"), closure_delete("roomClosures", "RoomClosure"), ["DELETE"]),
    (_w("/UserLocation"), get_user_locations, ["POST"]),
    (_w("/UserLocation/create"), create_user_location, ["POST"]),
    (_w("/UserLocation/<id>"), closure_delete("userLocations", "UserLocation"), ["DELETE"]),
    (_w("/Workspace/my"), get_my_workspace, ["GET"]),
    (_w("/Workspace"), get_workspaces, ["POST"]),
    (_w("/Workspace/<id>"), update_workspace, ["PUT"]),
    (_w("/WorkspaceMember"), get_workspace_members, ["POST"]),
]
ROUTES = [(path, guard(handler), methods) for path, handler, methods in ROUTES]
