"""Thia sandbox: the meeting-room and desk availability endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.thia.common import (
    AVAILABILITY_PRODUCT_NOT_FOUND,
    AVAILABILITY_WRONG_SEATING,
    MEETING_ROOM_SEATING,
    error,
    local_today,
    partner_endpoint,
)
from sandbox.thia.state import (
    code_status,
    render_code,
    room_free_hours,
    slot_label,
    space_product,
    space_room,
)
from sandbox.thia.validation import Errors, check_date, check_integer


@partner_endpoint
def meeting_room_availability(ctx: Context, request: Request, space: dict) -> Response:
    errors = Errors()
    day = check_date(errors, "date", request.args.get("date"), local_today(ctx))
    product_id = check_integer(errors, "product_id", request.args.get("product_id"))
    if errors:
        return errors.flat()  # doc: 400 {"error": "The date field is required.", "message": ...}
    product = space_product(ctx, space, product_id)
    if product is None:
        return error(
            {"error": AVAILABILITY_PRODUCT_NOT_FOUND, "message": AVAILABILITY_PRODUCT_NOT_FOUND},
            404,
        )
    if product["seating_option"]["id"] != MEETING_ROOM_SEATING:
        return error(
            {"error": AVAILABILITY_WRONG_SEATING, "message": AVAILABILITY_WRONG_SEATING}, 400
        )
    # doc: "If ... the product has no associated meeting room, an empty array is returned"
    room = space_room(ctx, space, product["settings"].get("meeting_room_id"))
    hours = room_free_hours(ctx, room, day) if room else []
    return json_response({"available_slots": [slot_label(h) for h in hours]})


def parse_flag(value: str | None) -> bool | None:
    if value is None or value == "":
        return False
    lowered = value.strip().lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    return None


def codes_on(ctx: Context, space: dict, day: dt.date) -> list[dict]:
    """Codes whose validity intersects ``day`` and whose status is active or inactive.

    doc: "Only access codes with "active" or "inactive" status are counted as booked
    desks" and "Access codes are included if their validity period intersects with the
    requested date".
    """
    day_start, day_end = f"{day.isoformat()}T00:00:00", f"{day.isoformat()}T23:59:59.999999"
    codes = [
        code
        for code in ctx.state["access_codes"]
        if code["space_id"] == space["id"]
        and code["valid_from"] <= day_end
        and code["valid_to"] >= day_start
        and code_status(ctx, code) in ("active", "inactive")
    ]
    return sorted(codes, key=lambda c: (c["valid_from"], c["created_at"], c["id"]))


@partner_endpoint
def desk_availability(ctx: Context, request: Request, space: dict) -> Response:
    errors = Errors()
    day = check_date(errors, "date", request.args.get("date"), local_today(ctx))
    include = parse_flag(request.args.get("include_access_codes"))
    if include is None:
        errors.add("include_access_codes", "The include access codes field must be true or false.")
    if errors:
        return errors.detailed(400)  # doc: this endpoint answers 400 with "errors"
    codes = codes_on(ctx, space, day)
    # doc: "Total existing desks is calculated as the sum of total_hot_desks and
    # total_dedicated_desks"; "The available_desks value will never be negative"
    total = space["total_hot_desks"] + space["total_dedicated_desks"]
    body: dict[str, Any] = {
        "total_existing_desks": total,
        "total_booked_desks": len(codes),
        "available_desks": max(0, total - len(codes)),
    }
    if include:
        body["access_codes"] = [render_code(ctx, request, code) for code in codes]
    return json_response(body)
