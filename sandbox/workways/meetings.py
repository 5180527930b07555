"""Workways sandbox: meeting requests, room prices and contract options."""

from __future__ import annotations

import datetime as dt
import math

from werkzeug.wrappers import Response

from sandbox.core import Context, json_response
from sandbox.workways.common import (
    EMAIL,
    MEETING_TYPES,
    OFFICE_TYPES,
    PUBLIC_TYPES,
    auth_required,
    find,
    is_oid,
    new_id,
    today_iso,
    user_by_email,
)
from sandbox.workways.messages import error, message, ok
from sandbox.workways.timetable import overlaps, parse_slots, site_tz, slot_text

# --- Handlers: meeting requests -------------------------------------------------------


def _positive_number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and math.isfinite(number) else None


def _account_kind(state: dict, user: dict | None) -> str:
    """ "new", "member" or "archived" for a contact email's user."""
    if user is None:
        return "new"
    org = find(state, "organizations", user.get("organizationId"))
    if user["isArchived"] or (org is not None and org["isArchived"]):
        return "archived"
    if org is None or user["role"] == "temp" or not user["mailValid"]:
        return "new"  # doc: "temp: Temporary user (pending registration completion)"
    return "member"


def _check_duration(room: dict, duration: float, lang: str) -> Response | None:
    # doc: "duration ... Duration in minutes (minimum: 30)"
    minimum = max(30, room["minDurationBooking"] or 0)
    if duration < minimum:
        return error("duration_min", lang, 400, n=minimum)
    if room["maxDurationBooking"] and duration > room["maxDurationBooking"]:
        return error("duration_max", lang, 400, n=room["maxDurationBooking"])
    step = room["stepDurationBooking"]
    if step and duration % step:
        return error("duration_step", lang, 400, n=step)
    return None


def _check_slot(room: dict, start_local: dt.datetime, end_local: dt.datetime, lang: str):
    text = slot_text(room, start_local.date())
    windows = parse_slots(text)
    if not windows:
        return error("slot_closed", lang, 400)
    fits = end_local.date() == start_local.date() or end_local.time() == dt.time(0)
    if fits:
        end_time = dt.time(23, 59, 59) if end_local.time() == dt.time(0) else end_local.time()
        fits = any(
            opening <= start_local.time() and end_time <= closing for opening, closing in windows
        )
    if not fits:
        return error("slot_outside", lang, 400, slot=text)
    return None


@auth_required
def post_meeting_request(ctx, request, user, body, lang) -> Response:
    state = ctx.state
    for field in ("contactEmail", "bookedRoom", "bookedAt", "duration"):
        if body.get(field) in (None, ""):
            return error("missing_param", lang, 400, name=field)
    email = str(body["contactEmail"]).strip()
    if not EMAIL.match(email):
        return error("invalid_email", lang, 400)
    room = find(state, "rooms", body["bookedRoom"]) if is_oid(body["bookedRoom"]) else None
    if room is None:
        return error("room_not_found", lang, 404)  # doc: "// Invalid room ID" -> "Room not found"
    # doc: "Public rooms only: Only rooms with type "publicOffice" or "publicMeeting""
    if room["type"] not in PUBLIC_TYPES:
        return error("not_public", lang, 400)
    try:
        requested = dt.datetime.fromisoformat(str(body["bookedAt"]).strip().replace("Z", "+00:00"))
    except ValueError:
        return error("invalid_booked_at", lang, 400)
    duration = _positive_number(body["duration"])
    if duration is None:
        return error("invalid_duration", lang, 400)
    attendees = body.get("bookedUser", 1)
    if attendees not in (None, "") and _positive_number(attendees) is None:
        return error("invalid_booked_user", lang, 400)
    tz = site_tz(state, room)
    if requested.tzinfo is None:
        requested = requested.replace(tzinfo=tz)  # no offset: the site's local time
    start = requested.astimezone(dt.UTC)
    end = start + dt.timedelta(minutes=duration)

    contact = user_by_email(state, email)
    kind = _account_kind(state, contact)
    if kind == "archived":
        return json_response(
            {
                "retcode": 200,
                "status": "ARCHIVED",
                "message": message("archived", lang),
                "data": None,
            }
        )
    now = ctx.now()
    local_day = start.astimezone(tz).date()
    local_today = now.astimezone(tz).date()
    if kind == "member" and start < now:
        return error("past_member", lang, 400)
    if kind == "new":
        # doc: "Minimum advance for new users: Bookings must be at least 2 days in advance"
        if local_day <= local_today:
            return error("past_new", lang, 400)
        if local_day < local_today + dt.timedelta(days=2):
            return error("advance_new", lang, 400)
    failure = _check_duration(room, duration, lang) or _check_slot(
        room, start.astimezone(tz), end.astimezone(tz), lang
    )
    if failure:
        return failure
    if overlaps(state, room["_id"], start, end):
        return json_response(
            {"retcode": -1, "status": "ROOM_OVERLAP", "message": message("overlap", lang)}, 409
        )

    shown_start = requested  # dates/times shown in the offset the client used
    shown_end = shown_start + dt.timedelta(minutes=duration)
    times = f"{shown_start:%H:%M}-{shown_end:%H:%M}"
    minutes = int(duration) if float(duration).is_integer() else duration
    room_name = room["publicName"] or room["name"]

    if kind == "new":
        duplicate = next(
            (
                m
                for m in state["meetings"]
                if m["status"] == "pending"
                and m["roomId"] == room["_id"]
                and m["contactEmail"].lower() == email.lower()
                and m["start"] == _utc(start)
                and m["end"] == _utc(end)
            ),
            None,
        )
        if contact is None:
            contact = _new_user(ctx, email, body.get("contactName") or "", lang, role="temp")
        meeting = duplicate or _new_meeting(ctx, room, start, end, body, email, contact, "pending")
        return json_response(
            {
                "retcode": 200,
                "status": "REQUEST_ACCEPTED",
                "message": message("request_accepted", lang),
                "data": {
                    "meetingRequestId": meeting["_id"],
                    "userId": contact["_id"],
                    "roomName": room_name,
                    "requestedDate": f"{shown_start:%Y-%m-%d}",
                    "requestedTime": times,
                    "duration": minutes,
                },
            }
        )
    meeting = _new_meeting(ctx, room, start, end, body, email, contact, "confirmed")
    return json_response(
        {
            "retcode": 200,
            "status": "ACCEPTED",
            "message": message("accepted", lang),
            "data": {
                "meetingId": meeting["_id"],
                "roomName": room_name,
                "bookedDate": f"{shown_start:%Y-%m-%d}",
                "bookedTime": times,
                "duration": minutes,
            },
        }
    )


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_user(ctx: Context, email: str, full_name: str, lang: str, role: str) -> dict:
    first, _, last = full_name.strip().partition(" ")
    user = {
        "_id": new_id(ctx.state),
        "firstName": first,
        "lastName": last,
        "email": email.lower(),
        "title": None,
        "language": lang,
        "phone": None,
        "mobilePhone": None,
        "role": role,
        "newsOptin": False,
        "mailValid": False,
        "isArchived": False,
        "organizationId": None,
        "updatedAt": today_iso(ctx),
    }
    ctx.state["users"].append(user)
    return user


def _new_meeting(ctx, room, start, end, body, email, contact, status) -> dict:
    meeting = {
        "_id": new_id(ctx.state),
        "roomId": room["_id"],
        "name": str(body.get("name") or "Meeting"),
        "description": str(body.get("description") or ""),
        "status": status,
        "allDay": False,
        "start": _utc(start),
        "end": _utc(end),
        "rrule": None,
        "exdates": [],
        "contactEmail": email.lower(),
        "contactName": str(body.get("contactName") or ""),
        "userId": contact["_id"],
        "organizationId": contact.get("organizationId"),
        "bookedUser": int(_positive_number(body.get("bookedUser")) or 1),
        "createdAt": _utc(ctx.now().replace(microsecond=0)),
    }
    ctx.state["meetings"].append(meeting)
    return meeting


# --- Handlers: price, options ---------------------------------------------------------


def _number(value: float):
    value = round(value, 2)
    return int(value) if float(value).is_integer() else value


def meeting_price(room: dict, minutes: float) -> float:
    """Hours at pricePerHour, capped by the half-day (4 h) and day (8 h) prices."""
    hourly, half_day, day = room["pricePerHour"], room["pricePerHalfDay"], room["pricePerDay"]
    days, rest = divmod(minutes, 480)
    total = days * (day or hourly * 8)
    if rest:
        by_hour = hourly * rest / 60
        caps = [by_hour]
        if half_day and rest <= 240:
            caps.append(half_day)
        if half_day and rest > 240:
            caps.append(half_day + hourly * (rest - 240) / 60)
        if day:
            caps.append(day)
        total += min(caps)
    return total


@auth_required
def get_room_price(ctx, request, user, body, lang) -> Response:
    room_id = request.args.get("roomId", "").strip()
    if not room_id:
        return error("missing_param", lang, 400, name="roomId")
    if not is_oid(room_id):
        return error("invalid_format", lang, 400, name="roomId")
    room = find(ctx.state, "rooms", room_id)
    if room is None:
        return error("room_not_found", lang, 404)
    kind = room["type"]
    base = {
        "roomId": room["_id"],
        "roomType": kind,
        "defaultState": room["defaultState"],
        "actualState": room["actualState"],
    }
    if kind in MEETING_TYPES:
        duration = _positive_number(request.args.get("duration", "60"))
        if duration is None:
            return error("invalid_duration", lang, 400)
        persons = _positive_number(request.args.get("nbPersons", "2")) or 2
        # doc: "meeting, privateMeeting, sharedMeeting, conference - Requires defaultState
        # to be bookable or occupied"; the doc's "price unavailable" example keeps the
        # room's own state ("defaultState": "toclean", "actualState": "toclean").
        if kind != "publicMeeting" and room["defaultState"] not in ("bookable", "occupied"):
            return json_response(
                {
                    "retcode": -1,
                    "message": message("price_unavailable", lang),
                    "data": {**base, "price": -1},
                }
            )
        # doc: "data.actualState ... Room's current state (e.g., "free", "occupied")"
        now = ctx.now()
        busy = overlaps(ctx.state, room["_id"], now, now + dt.timedelta(seconds=1))
        data = {**base, "actualState": "occupied" if busy else "free"}
        if request.args.get("startDate"):
            data["startDate"] = request.args["startDate"]
        data["duration"] = _number(duration)
        data["nbPersons"] = _number(persons)
        data["price"] = _number(meeting_price(room, duration))
        return ok(data, lang)
    if kind in OFFICE_TYPES:
        period = request.args.get("period", "month").strip() or "month"
        if period not in ("week", "month"):
            return error("invalid_period", lang, 400)
        try:
            monthly = float(str(room["pricePerMonth"]).replace("€", "").strip() or 0)
        except ValueError:
            monthly = 0
        # doc: "office, privateOffice, sharedOffice - Requires defaultState to be rented or forrent"
        allowed = kind == "publicOffice" or room["defaultState"] in ("rented", "forrent")
        if not allowed or monthly <= 0:
            return json_response(
                {
                    "retcode": -1,
                    "message": message("price_unavailable", lang),
                    "data": {**base, "price": -1},
                }
            )
        price = monthly if period == "month" else monthly * 12 / 52
        return ok({**base, "period": period, "price": _number(price)}, lang)
    return error("price_unsupported", lang, 400, kind=kind)


@auth_required
def get_contract_options(ctx, request, user, body, lang) -> Response:
    site_id = request.args.get("site", "").strip()
    if not site_id:
        return error("missing_param", lang, 400, name="site")
    if not is_oid(site_id):
        return error("invalid_site", lang, 400)
    if find(ctx.state, "sites", site_id) is None:
        return error("site_not_found", lang, 404)
    rates = [
        {key: value for key, value in rate.items() if key != "siteId"}
        for rate in ctx.state["rates"]
        if rate["siteId"] == site_id
    ]
    return ok(rates, lang)
