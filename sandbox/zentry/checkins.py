"""Zentry CheckIns API (document 003): check-ins, token counts and its routes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.zentry.reservations import (
    ROOM_FIELDS,
    approve_reservation,
    cancel_reservation,
    create_reservation,
    occupies,
    reservation_type,
    search_reservations,
    token_cost_preview,
    user_cost_preview,
)
from sandbox.zentry_common import (
    CHECKINS,
    CI,
    any_of,
    bad_request,
    body_of,
    bool_field,
    date_range,
    guard,
    invalid,
    iso,
    new_id,
    not_found,
    opt_instant,
    paged,
    parse_iso,
    req_str,
    stamp,
    str_list,
)

# --- check-ins --------------------------------------------------------------------------

CHECKIN_FIELDS = (
    "id",
    "dateCreated",
    "dateUpdated",
    "userId",
    "locationId",
    "workspaceId",
    "tenantId",
    "employerId",
    "reservationDate",
    "reservationType",
    "timeIn",
    "checkInGeo",
    "timeOut",
    "checkOutGeo",
    "checkedInByUserId",
    "checkedOutByUserId",
    "price",
    "tokenCost",
    "paymentId",
    "isMarketplace",
)


def render_check_in(c: dict) -> dict:
    body = {key: c.get(key) for key in CHECKIN_FIELDS}
    if c["reservationType"] == "Room":
        for key in ROOM_FIELDS:
            body[key] = c.get(key)
    return body


def geo_of(body: CI) -> dict | None:
    value = body.get("location")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), int | float) and not isinstance(value.get(k), bool)
        for k in ("latitude", "longitude")
    ):
        raise invalid("location", "The JSON value could not be converted to Geo.")
    return {"latitude": float(value["latitude"]), "longitude": float(value["longitude"])}


def create_check_in(ctx: Context, request: Request) -> Response:
    """POST /CheckIn/create: an Approved reservation, on its day (rooms: before it ends)."""
    body = body_of(request, required_body=True)
    ident = req_str(body, "reservationId")
    geo = geo_of(body)
    r = next((x for x in ctx.state["reservations"] if x["id"] == ident), None)
    if r is None:
        raise bad_request(f"Reservation '{ident}' was not found.")
    if r["status"] == "Pending":
        raise bad_request(f"Reservation '{ident}' has not been approved.")
    if r["status"] != "Approved":
        raise bad_request(f"Reservation '{ident}' is {r['status']} and cannot be checked in.")
    if any(c.get("_reservationId") == ident for c in ctx.state["checkIns"]):
        raise bad_request(f"Reservation '{ident}' is already checked in.")
    location = next(loc for loc in ctx.state["locations"] if loc["id"] == r["locationId"])
    now = ctx.now()
    local_today = now.astimezone(ZoneInfo(location["timeZone"])).date().isoformat()
    if local_today != r["_day"] or now >= parse_iso(r["_end"]):
        raise bad_request(f"Check-in is only allowed on the day of the reservation ({r['_day']}).")
    record = {"id": new_id(ctx.state)}
    stamp(record, now, created=True)
    record.update(
        userId=r["userId"],
        locationId=r["locationId"],
        workspaceId=r["workspaceId"],
        tenantId=r["tenantId"],
        employerId=r["employerId"],
        reservationDate=r["reservationDate"],
        reservationType=r["reservationType"],
        timeIn=iso(now),
        checkInGeo=geo,
        timeOut=None,
        checkOutGeo=None,
        checkedInByUserId=r["userId"],
        checkedOutByUserId=None,
        price=r["price"],
        tokenCost=r["tokenCost"],
        paymentId=r["paymentId"],
        isMarketplace=r["isMarketplace"],
        _reservationId=ident,
        _end=r["_end"],
    )
    if r["reservationType"] == "Room":
        record.update({key: r[key] for key in ROOM_FIELDS})
    ctx.state["checkIns"].append(record)
    return json_response(render_check_in(record))


def check_out(ctx: Context, request: Request, id: str) -> Response:
    """POST /CheckIn/{id}/check-out: sets timeOut; the reservation becomes Completed."""
    record = next((c for c in ctx.state["checkIns"] if c["id"] == id), None)
    if record is None:
        raise not_found("CheckIn", id)
    body = body_of(request)
    geo = geo_of(body)
    if record["timeOut"] is not None:
        raise bad_request(f"CheckIn '{id}' is already checked out.")
    now = ctx.now()
    record.update(timeOut=iso(now), checkOutGeo=geo, checkedOutByUserId=record["userId"])
    stamp(record, now)
    for r in ctx.state["reservations"]:
        if r["id"] == record.get("_reservationId"):
            r["status"] = "Completed"
            stamp(r, now)
    return json_response(render_check_in(record))


def search_check_ins(only: str | None):
    """POST /CheckIn, /DayPassCheckIn, /RoomCheckIn (doc CheckInQuery)."""

    def handler(ctx: Context, request: Request) -> Response:
        body = body_of(request)
        ids, users, locations, workspaces, tenants, employers, rooms = (
            str_list(body, k)
            for k in (
                "ids",
                "userIds",
                "locationIds",
                "workspaceIds",
                "tenantIds",
                "employerIds",
                "roomIds",
            )
        )
        kind = only or reservation_type(body)
        minimum = opt_instant(body, "minimumTimeIn")
        maximum = opt_instant(body, "maximumTimeIn")
        exclude_out = bool_field(body, "excludeCheckOuts")
        occupied = date_range(body, "occupiedDateRange", need=False)
        found = []
        for c in ctx.state["checkIns"]:
            time_in = parse_iso(c["timeIn"])
            if not (
                any_of(ids, c["id"])
                and any_of(users, c["userId"])
                and any_of(locations, c["locationId"])
                and any_of(workspaces, c["workspaceId"])
                and any_of(tenants, c["tenantId"])
                and any_of(employers, c["employerId"])
                and (kind is None or c["reservationType"] == kind)
                and any_of(rooms, c.get("roomId"))
            ):
                continue
            if minimum is not None and time_in <= minimum:
                continue
            if maximum is not None and time_in >= maximum:
                continue
            if exclude_out and c["timeOut"] is not None:
                continue
            if occupied is not None:
                start = parse_iso(c["reservationDate"])
                end = parse_iso(
                    c.get("reservationEndDate") or c.get("_end") or c["reservationDate"]
                )
                if not occupies(start, end, occupied):
                    continue
            found.append(c)
        found.sort(key=lambda c: (c["timeIn"], c["id"]))
        return paged([render_check_in(c) for c in found], body)

    handler.__name__ = f"search_{(only or 'all').lower()}_check_ins"
    return handler


# --- tokens -----------------------------------------------------------------------------


def user_token_count(ctx: Context, request: Request) -> Response:
    """POST /Token/user: tokens used by the user's reservations in [fromDate, toDate).

    doc: fromDate "If this is null, then defaults to the start of the month";
    toDate "If FromDate is null, then this value is ignored".
    """
    body = body_of(request, required_body=True)
    user_id = req_str(body, "userId")
    tenant_id = req_str(body, "tenantId")
    start = opt_instant(body, "fromDate")
    end = opt_instant(body, "toDate") if start is not None else None
    if start is None:
        now = ctx.now()
        start = dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)
    total = 0
    for r in ctx.state["reservations"]:
        if r["userId"] != user_id or r["tenantId"] != tenant_id or r["status"] == "Cancelled":
            continue
        moment = parse_iso(r["reservationDate"])
        if moment >= start and (end is None or moment < end):
            total += r.get("tokenCost") or 0
    return json_response({"userId": user_id, "tokenCount": total})


def _c(path: str) -> str:
    return CHECKINS + path


ROUTES = [
    (_c("/CheckIn/create"), create_check_in, ["POST"]),
    (_c("/CheckIn/<id>/check-out"), check_out, ["POST"]),
    (_c("/CheckIn"), search_check_ins(None), ["POST"]),
    (_c("/DayPassCheckIn"), search_check_ins("DayPass"), ["POST"]),
    (_c("/RoomCheckIn"), search_check_ins("Room"), ["POST"]),
    (_c("/DayPassReservation"), search_reservations("DayPass"), ["POST"]),
    (_c("/DayPassReservation/user-cost-preview"), user_cost_preview(False), ["POST"]),
    (_c("/DayPassReservation/token-cost-preview"), token_cost_preview(False), ["POST"]),
    (_c("/Reservation/create/daypass"), create_reservation(False), ["POST"]),
    (_c("/Reservation/create/room"), create_reservation(True), ["POST"]),
    (_c("/Reservation/<id>/approve"), approve_reservation, ["PUT"]),
    (_c("/Reservation"), cancel_reservation, ["DELETE"]),
    (_c("/Reservation"), search_reservations(None), ["POST"]),
    (_c("/RoomReservation"), search_reservations("Room"), ["POST"]),
    (_c("/RoomReservation/user-cost-preview"), user_cost_preview(True), ["POST"]),
    (_c("/RoomReservation/token-cost-preview"), token_cost_preview(True), ["POST"]),
    (_c("/Token/user"), user_token_count, ["POST"]),
]
ROUTES = [(path, guard(handler), methods) for path, handler, methods in ROUTES]
