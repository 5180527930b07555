"""Zentry Workspaces API (document 002): addresses, locations and closures."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.zentry.lookups import (
    LOCATION_STATUSES,
    address_text,
    check_workspace,
    find,
    geo_search,
    geocode,
    has_amenities,
    is_open,
    matches_state,
    miles_between,
    parse_address,
    parse_schedule,
    render_location,
    state_code,
    text_match,
    when_arg,
)
from sandbox.zentry_common import (
    RECURRENCES,
    any_of,
    body_of,
    bool_field,
    date_range,
    enum_list,
    int_field,
    invalid,
    iso,
    new_id,
    ok_empty,
    opt_instant,
    opt_str,
    paged,
    query_arg,
    req_str,
    require_all,
    required,
    stamp,
    str_list,
    strip_private,
)
from sandbox.zentry_seed import CITIES, DEFAULT_TAX_RATE, TAX_RATES, tokens_for

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
