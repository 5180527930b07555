"""Zentry CheckIns API (document 003): reservations, their prices and availability."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.zentry_common import (
    ACTIVE_STATUSES,
    CI,
    ApiError,
    When,
    any_of,
    api_key_of,
    bad_request,
    body_of,
    closures_hitting,
    covers,
    date_range,
    int_field,
    invalid,
    iso,
    new_id,
    not_found,
    open_window,
    opt_instant,
    paged,
    parse_iso,
    problem,
    req_str,
    req_when,
    require_all,
    round_half_up,
    schedule_day,
    stamp,
    str_list,
)
from sandbox.zentry_seed import SERVICE_FEE_RATE

RESERVATION_TYPES = ("DayPass", "Room")
RESERVATION_STATUSES = ("Pending", "Cancelled", "Approved", "Completed")
PAST_DATE = "Reservation date cannot be in the past."
# doc: CreateReservationRequest / CreateRoomReservationRequest required fields
DAY_PASS_REQUIRED = ("userId", "locationId", "tenantId", "reservationDate")
ROOM_REQUIRED = ("roomId", "reservationEndDate", "numberOfGuests")


# --- request parsing --------------------------------------------------------------------


@dataclasses.dataclass
class Ask:
    """A validated CreateDayPassReservationRequest / CreateRoomReservationRequest."""

    user: dict
    tenant_id: str
    location: dict
    when: When
    tz: ZoneInfo
    room: dict | None = None
    start: dt.datetime | None = None  # rooms: the instants booked
    end: dt.datetime | None = None
    guests: int | None = None

    @property
    def day(self) -> dt.date:
        return (
            self.start.astimezone(self.tz).date() if self.room else self.when.calendar_date(self.tz)
        )

    @property
    def minutes(self) -> int:
        return math.ceil((self.end - self.start).total_seconds() / 60)


def _find(ctx: Context, collection: str, ident: str, kind: str) -> dict:
    """References inside a request body: an unknown id is a 400 (the documented error)."""
    for record in ctx.state[collection]:
        if record["id"] == ident:
            return record
    raise bad_request(f"{kind} '{ident}' was not found.")


def parse_ask(ctx: Context, request: Request, room: bool) -> Ask:
    body = body_of(request, required_body=True)
    require_all(body, DAY_PASS_REQUIRED + (ROOM_REQUIRED if room else ()))
    user_id = req_str(body, "userId")
    location_id = req_str(body, "locationId")
    tenant_id = req_str(body, "tenantId")
    when = req_when(body, "reservationDate")
    if room:
        room_id = req_str(body, "roomId")
        end_when = req_when(body, "reservationEndDate")
        guests = int_field(body, "numberOfGuests", need=True, minimum=1)
    if not any(t["id"] == tenant_id for t in ctx.state["tenants"]):
        raise bad_request(f"Tenant '{tenant_id}' was not found.")
    user = _find(ctx, "users", user_id, "User")
    location = _find(ctx, "locations", location_id, "Location")
    if location["status"] != "Active":
        raise bad_request(f"Location '{location_id}' is not active.")
    tz = ZoneInfo(location["timeZone"])
    ask = Ask(user=user, tenant_id=tenant_id, location=location, when=when, tz=tz)
    now = ctx.now()
    if not room:
        # doc: reservationDate "The date of the reservation" -- a day at the location
        if ask.day < now.astimezone(tz).date():
            raise bad_request(PAST_DATE)
        return ask
    ask.room = _find(ctx, "rooms", room_id, "Room")
    if ask.room["locationId"] != location_id:
        raise bad_request(f"Room '{room_id}' does not belong to location '{location_id}'.")
    ask.start, ask.end, ask.guests = when.instant(tz), end_when.instant(tz), guests
    # the past-date rule first: the document's own example (start == end, in 2019) is
    # refused as a past date
    if ask.start < now:
        raise bad_request(PAST_DATE)
    if ask.end <= ask.start:
        raise invalid("reservationEndDate", "'reservationEndDate' must be after 'reservationDate'.")
    if guests > ask.room["capacity"]:
        raise bad_request(
            f"Number of guests ({guests}) exceeds the room capacity of {ask.room['capacity']}."
        )
    limit = ask.room["maxReservationMinutes"]
    if ask.minutes > limit:
        raise bad_request(f"Reservations for this room cannot be longer than {limit} minutes.")
    return ask


# --- pricing ----------------------------------------------------------------------------


def is_member(ctx: Context, user_id: str, workspace_id: str) -> bool:
    return any(
        m["userId"] == user_id and m["workspaceId"] == workspace_id
        for m in ctx.state["workspaceMembers"]
    )


def user_amount(ctx: Context, ask: Ask) -> tuple[int, bool, bool]:
    """(amount in cents, isFullDay, isMarketplace).

    Workspace members pay `price` / `pricePerHour` / `pricePerDay`; everybody else books on
    the marketplace and pays the `marketplace*` price (falling back to the member price when
    it is null). Rooms: the hourly price pro rata per minute, capped at the day price
    (then isFullDay is true).
    """
    marketplace = not is_member(ctx, ask.user["id"], ask.location["workspaceId"])
    if ask.room is None:
        loc = ask.location
        amount = (
            loc["marketplacePrice"]
            if marketplace and loc["marketplacePrice"] is not None
            else loc["price"]
        )
        return amount, True, marketplace
    room = ask.room
    hourly, daily = room["pricePerHour"], room["pricePerDay"]
    if marketplace:
        if room["marketplacePricePerHour"] is not None:
            hourly = room["marketplacePricePerHour"]
        if room["marketplacePricePerDay"] is not None:
            daily = room["marketplacePricePerDay"]
    amount = round_half_up(hourly * ask.minutes / 60)
    if daily is not None and amount >= daily:
        return daily, True, marketplace
    return amount, False, marketplace


def token_amount(ask: Ask) -> tuple[int, bool]:
    """Tokens: the location's `tokenCost` per day pass; rooms `tokenCostPerHour` pro rata
    (rounded up), capped at `tokenCostPerDay`."""
    if ask.room is None:
        return ask.location["tokenCost"], True
    tokens = math.ceil(ask.room["tokenCostPerHour"] * ask.minutes / 60)
    per_day = ask.room.get("tokenCostPerDay")
    if per_day is not None and tokens >= per_day:
        return per_day, True
    return tokens, False


def breakdown(amount: int, tax_rate: float) -> dict:
    """doc: {amount, fees: [{name, amount}], feeTotal, taxes, total}, all in cents.

    Service fee = 5 % of amount; taxes = the location's sales-tax rate on amount + fees;
    both rounded half up to a cent; total = amount + feeTotal + taxes.
    """
    fee = round_half_up(amount * SERVICE_FEE_RATE)
    taxes = round_half_up((amount + fee) * tax_rate)
    return {
        "amount": amount,
        "fees": [{"name": "Service fee", "amount": fee}],
        "feeTotal": fee,
        "taxes": taxes,
        "total": amount + fee + taxes,
    }


def user_cost_preview(room: bool):
    def handler(ctx: Context, request: Request) -> Response:
        ask = parse_ask(ctx, request, room)
        amount, full_day, _ = user_amount(ctx, ask)
        body = breakdown(amount, ask.location["_taxRate"])
        if room:
            body["isFullDay"] = full_day
        return json_response(body)

    handler.__name__ = f"{'room' if room else 'daypass'}_user_cost_preview"
    return handler


def token_cost_preview(room: bool):
    def handler(ctx: Context, request: Request) -> Response:
        ask = parse_ask(ctx, request, room)
        tokens, full_day = token_amount(ask)
        body = {"tokens": tokens}
        if room:
            body["isFullDay"] = full_day
        return json_response(body)

    handler.__name__ = f"{'room' if room else 'daypass'}_token_cost_preview"
    return handler


# --- availability -----------------------------------------------------------------------


def active(reservation: dict) -> bool:
    return reservation["status"] in ACTIVE_STATUSES


def location_closures(ctx: Context, location_id: str) -> list[dict]:
    return [c for c in ctx.state["locationClosures"] if c["locationId"] == location_id]


def check_day_pass(ctx: Context, ask: Ask) -> None:
    day = ask.day
    window = open_window(ask.location, day)
    if window is None:
        raise bad_request(f"The location is not open on {day.isoformat()}.")
    hits = closures_hitting(location_closures(ctx, ask.location["id"]), ask.tz, *window)
    if covers(hits, *window) is not None:
        raise bad_request(f"The location is closed on {day.isoformat()}.")
    # doc: ScheduleDay.maxVisitors "Maximum number of day passes for this day"
    limit = schedule_day(ask.location, day)["maxVisitors"]
    taken = sum(
        1
        for r in ctx.state["reservations"]
        if active(r)
        and r["reservationType"] == "DayPass"
        and r["locationId"] == ask.location["id"]
        and r["_day"] == day.isoformat()
    )
    if limit is not None and taken >= limit:
        raise bad_request(
            f"The location has reached its maximum of {limit} visitors on {day.isoformat()}."
        )


def max_overlap(intervals: list[tuple[dt.datetime, dt.datetime]]) -> int:
    events = sorted(
        [(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals],
        key=lambda ev: (ev[0], ev[1]),
    )
    best = current = 0
    for _, delta in events:
        current += delta
        best = max(best, current)
    return best


def check_room(ctx: Context, ask: Ask) -> None:
    day = ask.day
    window = open_window(ask.location, day)
    if window is None:
        raise bad_request(f"The location is not open on {day.isoformat()}.")
    if ask.start < window[0] or ask.end > window[1]:
        entry = schedule_day(ask.location, day)
        raise bad_request(
            f"The reservation must be within the location's open hours on {day.isoformat()} "
            f"({entry['open']}-{entry['close']} {ask.location['timeZone']})."
        )
    if closures_hitting(location_closures(ctx, ask.location["id"]), ask.tz, ask.start, ask.end):
        raise bad_request("The location is closed during the requested time.")
    room_closures = [c for c in ctx.state["roomClosures"] if c["roomId"] == ask.room["id"]]
    if closures_hitting(room_closures, ask.tz, ask.start, ask.end):
        raise bad_request("The room is closed during the requested time.")
    # doc: Room.quantity "How many of these rooms are available" -> parallel bookings
    overlapping = []
    for r in ctx.state["reservations"]:
        if active(r) and r.get("roomId") == ask.room["id"]:
            start, end = parse_iso(r["reservationDate"]), parse_iso(r["reservationEndDate"])
            if start < ask.end and end > ask.start:
                overlapping.append((max(start, ask.start), min(end, ask.end)))
    if max_overlap(overlapping) + 1 > ask.room["quantity"]:
        raise bad_request("The room is fully booked for the requested time.")


# --- reservations -----------------------------------------------------------------------

RESERVATION_FIELDS = (
    "id",
    "dateCreated",
    "dateUpdated",
    "reservationType",
    "status",
    "locationId",
    "workspaceId",
    "userId",
    "tenantId",
    "employerId",
    "reservationDate",
    "price",
    "tokenCost",
    "paymentId",
    "isMarketplace",
)
ROOM_FIELDS = ("roomId", "reservationEndDate", "numberOfGuests")


def render_reservation(ctx: Context, r: dict) -> dict:
    """doc: Reservation (+ roomId, reservationEndDate, numberOfGuests for RoomReservation)."""
    body = {key: r.get(key) for key in RESERVATION_FIELDS}
    start, end = parse_iso(r["reservationDate"]), parse_iso(r["_end"])
    now = ctx.now()
    # doc: isWithin24Hours "Flag indicating if the reservation is within 24 hours": it
    # starts in the next 24 hours or is under way (today's day pass)
    body["isWithin24Hours"] = start <= now + dt.timedelta(hours=24) and end > now
    if r["reservationType"] == "Room":
        for key in ROOM_FIELDS:
            body[key] = r.get(key)
    return body


def create_reservation(room: bool):
    def handler(ctx: Context, request: Request) -> Response:
        ask = parse_ask(ctx, request, room)
        (check_room if room else check_day_pass)(ctx, ask)
        amount, _, marketplace = user_amount(ctx, ask)
        tokens, _ = token_amount(ask)
        cost = breakdown(amount, ask.location["_taxRate"])
        auto = (ask.room or ask.location)["autoApproveReservations"]
        now = ctx.now()
        record = {"id": new_id(ctx.state)}
        stamp(record, now, created=True)
        day = ask.day
        record.update(
            reservationType="Room" if room else "DayPass",
            status="Approved" if auto else "Pending",
            locationId=ask.location["id"],
            workspaceId=ask.location["workspaceId"],
            userId=ask.user["id"],
            tenantId=ask.tenant_id,
            employerId=ask.tenant_id,
            reservationDate=iso(ask.start if room else ask.when.instant(ask.tz)),
            price=cost["total"],
            tokenCost=tokens,
            paymentId=new_id(ctx.state),
            isMarketplace=marketplace,
            _day=day.isoformat(),
        )
        if room:
            record.update(
                roomId=ask.room["id"],
                reservationEndDate=iso(ask.end),
                numberOfGuests=ask.guests,
                _end=iso(ask.end),
            )
        else:
            midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=ask.tz)
            record["_end"] = iso(midnight)
        ctx.state["reservations"].append(record)
        return json_response(render_reservation(ctx, record))

    handler.__name__ = f"create_{'room' if room else 'daypass'}_reservation"
    return handler


def find_reservation(ctx: Context, ident: str) -> dict:
    for record in ctx.state["reservations"]:
        if record["id"] == ident:
            return record
    raise not_found("Reservation", ident)


def approve_reservation(ctx: Context, request: Request, id: str) -> Response:
    """PUT /Reservation/{id}/approve: Pending -> Approved (Approved stays Approved).

    The document lists only the 200 answer. A key set up without approval rights
    (``apiKeys[key]["canApprove"] = False``, as tests set it) gets the ASP.NET 403
    ProblemDetails an authorization policy gives.
    """
    if ctx.state["apiKeys"].get(api_key_of(request) or "", {}).get("canApprove") is False:
        raise ApiError(problem(403, "This Api-Key may not approve reservations.", request))
    record = find_reservation(ctx, id)
    if record["status"] not in ACTIVE_STATUSES:
        raise bad_request(f"Reservation '{id}' is {record['status']} and cannot be approved.")
    if record["status"] == "Pending":
        record["status"] = "Approved"
        stamp(record, ctx.now())
    return json_response(render_reservation(ctx, record))


def cancel_reservation(ctx: Context, request: Request) -> Response:
    """DELETE /Reservation {"reservationId"}: -> Cancelled; the slot / day pass is freed."""
    body = body_of(request, required_body=True)
    record = find_reservation(ctx, req_str(body, "reservationId"))
    if record["status"] not in ACTIVE_STATUSES:
        raise bad_request(
            f"Reservation '{record['id']}' is {record['status']} and cannot be cancelled."
        )
    if any(c.get("_reservationId") == record["id"] for c in ctx.state["checkIns"]):
        raise bad_request(f"Reservation '{record['id']}' is checked in and cannot be cancelled.")
    record["status"] = "Cancelled"
    stamp(record, ctx.now())
    return json_response(render_reservation(ctx, record))


def reservation_type(body: CI) -> str | None:
    value = body.get("reservationType")
    if value is not None and value not in RESERVATION_TYPES:
        raise invalid("reservationType", f"'{value}' is not a valid ReservationType.")
    return value


def occupies(start: dt.datetime, end: dt.datetime, window: tuple[dt.datetime, dt.datetime]) -> bool:
    """[start, end) overlaps the window [from, to); a zero-length window is a point in time."""
    if window[0] == window[1]:
        return start <= window[0] < end
    return start < window[1] and end > window[0]


def search_reservations(only: str | None):
    """POST /Reservation, /DayPassReservation, /RoomReservation (doc ReservationQuery)."""

    def handler(ctx: Context, request: Request) -> Response:
        body = body_of(request)
        users, locations, workspaces, tenants, employers, statuses, rooms = (
            str_list(body, k)
            for k in (
                "userIds",
                "locationIds",
                "workspaceIds",
                "tenantIds",
                "employerIds",
                "statuses",
                "roomIds",
            )
        )
        for status in statuses or []:
            if status not in RESERVATION_STATUSES:
                raise invalid("statuses", f"'{status}' is not a valid ReservationStatus.")
        kind = only or reservation_type(body)
        minimum = opt_instant(body, "minimumReservationDate")
        maximum = opt_instant(body, "maximumReservationDate")
        occupied = date_range(body, "occupiedDateRange", need=False)
        found = []
        for r in ctx.state["reservations"]:
            start = parse_iso(r["reservationDate"])
            if not (
                any_of(users, r["userId"])
                and any_of(locations, r["locationId"])
                and any_of(workspaces, r["workspaceId"])
                and any_of(tenants, r["tenantId"])
                and any_of(employers, r["employerId"])
                and any_of(statuses, r["status"])
                and (kind is None or r["reservationType"] == kind)
                and any_of(rooms, r.get("roomId"))
            ):
                continue
            if minimum is not None and start < minimum:
                continue
            if maximum is not None and start >= maximum:
                continue
            # occupiedDateRange: the reservation's time overlaps [from, to); a day pass
            # occupies its whole local day
            if occupied is not None and not occupies(start, parse_iso(r["_end"]), occupied):
                continue
            found.append(r)
        found.sort(key=lambda r: (r["reservationDate"], r["id"]))
        return paged([render_reservation(ctx, r) for r in found], body)

    handler.__name__ = f"search_{(only or 'all').lower()}_reservations"
    return handler
