"""Zentry Workspaces API (document 002): rooms."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.zentry.locations import ROOM_REQUIRED
from sandbox.zentry.lookups import (
    address_text,
    find,
    geo_search,
    has_amenities,
    is_open,
    matches_state,
    miles_between,
    render_room,
    text_match,
    when_arg,
)
from sandbox.zentry_common import (
    any_of,
    body_of,
    bool_field,
    int_field,
    new_id,
    opt_str,
    paged,
    query_arg,
    req_str,
    require_all,
    required,
    stamp,
    str_list,
)
from sandbox.zentry_seed import tokens_for

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
