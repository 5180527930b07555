"""Thia sandbox: reading and writing its state (products, rooms, customers, access codes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.wrappers import Request

from sandbox import thia_seed
from sandbox.core import Context, read_json
from sandbox.thia.common import add_months, fmt_ts, local_now

# --- State helpers --------------------------------------------------------------------


def space_product(ctx: Context, space: dict, product_id: int) -> dict | None:
    for product in ctx.state["products"]:
        if product["id"] == product_id and product["space_id"] == space["id"]:
            return product
    return None


def space_room(ctx: Context, space: dict, room_id: Any) -> dict | None:
    for room in ctx.state["meeting_rooms"]:
        if room["id"] == room_id and room["space_id"] == space["id"]:
            return room
    return None


def slot_label(hour: int) -> str:
    return f"{hour:02d}:00 - {(hour + 1) % 24:02d}:00"


def room_free_hours(ctx: Context, room: dict, day: dt.date) -> list[int]:
    """1-hour slots within the room's available_from..available_to, minus active bookings.

    doc: "Time slots are generated in 1-hour intervals based on the meeting room's
    operating hours" and "Slots are excluded if they conflict with existing active bookings".
    """
    if not room.get("available_from") or not room.get("available_to"):
        return []  # doc: "If the meeting room has no configured hours ... empty array"
    start = dt.time.fromisoformat(room["available_from"])
    end = dt.time.fromisoformat(room["available_to"])
    first = start.hour + (1 if start.minute or start.second else 0)
    end_minutes = end.hour * 60 + end.minute
    taken = {
        int(slot[:2])
        for booking in ctx.state["bookings"]
        if booking["meeting_room_id"] == room["id"]
        and booking["date"] == day.isoformat()
        and booking["status"] == "active"
        for slot in booking["slots"]
    }
    return [h for h in range(first, 24) if (h + 1) * 60 <= end_minutes and h not in taken]


def code_status(ctx: Context, code: dict) -> str:
    """Fixed "canceled"/"expired", else derived from the validity and the clock.

    doc: "Access codes created for today will have "active" status, future dates will
    have "inactive" status".
    """
    if code["status"] in ("canceled", "expired"):
        return code["status"]
    now = local_now(ctx)
    if now > dt.datetime.fromisoformat(code["valid_to"]):
        return "expired"
    if now >= dt.datetime.fromisoformat(code["valid_from"]):
        return "active"
    return "inactive"


def qr_url(request: Request, code_id: str) -> str:
    return f"{request.host_url.rstrip('/')}/thia/qr-code/{code_id}"


def render_customer(ctx: Context, customer_id: int) -> dict:
    for customer in ctx.state["customers"]:
        if customer["id"] == customer_id:
            return {
                key: customer[key] for key in ("id", "first_name", "last_name", "email", "phone")
            }
    return {"id": customer_id, "first_name": "", "last_name": "", "email": "", "phone": None}


def render_code(ctx: Context, request: Request, code: dict) -> dict:
    return {
        "id": code["id"],
        "customer_id": code["customer_id"],
        "customer_type": code["customer_type"],
        "space_id": code["space_id"],
        "subscription_id": code["subscription_id"],
        "valid_from": fmt_ts(code["valid_from"]),
        "valid_to": fmt_ts(code["valid_to"]),
        "is_primary": code["is_primary"],
        "unique_scans": code["unique_scans"],
        "total_scans": code["total_scans"],
        "status": code_status(ctx, code),
        "qr_code_download_url": qr_url(request, code["id"]),
        "customer": render_customer(ctx, code["customer_id"]),
        "created_at": fmt_ts(code["created_at"]),
        "updated_at": fmt_ts(code["updated_at"]),
    }


def upsert_customer(ctx: Context, data: dict) -> int:
    """doc: "If a user with the provided email already exists ..., they will be
    restored/updated and used"; otherwise a new user is created."""
    email = data["email"]
    for customer in ctx.state["customers"]:
        if customer["email"].lower() == email.lower():
            customer.update(first_name=data["first_name"], last_name=data["last_name"])
            if data["phone"] is not None:
                customer["phone"] = data["phone"]
            return customer["id"]
    customer_id = next_id(ctx, "customer")
    ctx.state["customers"].append({"id": customer_id, **data})
    return customer_id


def next_id(ctx: Context, kind: str) -> int:
    value = ctx.state["next_ids"][kind]
    ctx.state["next_ids"][kind] = value + 1
    return value


def product_validity(product: dict, start: dt.date) -> tuple[str, str]:
    """The subscription period of a product starting on ``start`` (naive local ISO).

    doc: "subscriptions are automatically created with the correct duration based on the
    product settings"; example: a 1-month product from 2024-03-20 is valid to
    2024-04-19T23:59:59.
    """
    settings = product["settings"]
    duration = int(settings.get("duration") or 1)
    begin = f"{start.isoformat()}T00:00:00.000000"
    if product["seating_option"]["id"] == 1:
        if settings.get("duration_type") == 1:  # doc: "Half a day (uses time_start and time_end)"
            return (
                f"{start.isoformat()}T{settings['time_start']}.000000",
                f"{start.isoformat()}T{settings['time_end']}.000000",
            )
        last = start + dt.timedelta(days=duration - 1)
    else:
        unit = settings.get("duration_unit", 3)  # 1 hours, 2 days, 3 months, 4 years
        if unit == 1:
            end = dt.datetime.combine(start, dt.time()) + dt.timedelta(hours=duration, seconds=-1)
            return begin, end.strftime("%Y-%m-%dT%H:%M:%S.000000")
        if unit == 2:
            last = start + dt.timedelta(days=duration - 1)
        elif unit == 4:
            last = add_months(start, 12 * duration) - dt.timedelta(days=1)
        else:
            last = add_months(start, duration) - dt.timedelta(days=1)
    return begin, f"{last.isoformat()}T23:59:59.000000"


def create_code(
    ctx: Context,
    space: dict,
    customer_id: int,
    valid_from: str,
    valid_to: str,
    product_id: int | None,
) -> dict:
    subscription_id = None
    if product_id is not None:
        subscription_id = next_id(ctx, "subscription")
        ctx.state["subscriptions"].append(
            {
                "id": subscription_id,
                "space_id": space["id"],
                "product_id": product_id,
                "customer_id": customer_id,
                "starts_at": valid_from,
                "ends_at": valid_to,
            }
        )
    now = local_now(ctx).isoformat(timespec="microseconds")
    code = {
        "id": thia_seed.access_code_uuid(next_id(ctx, "access_code")),
        "customer_id": customer_id,
        "customer_type": "user",  # doc: 'Always "user" for API-created codes'
        "space_id": space["id"],
        "subscription_id": subscription_id,
        "product_id": product_id,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "is_primary": True,
        "unique_scans": 0,
        "total_scans": 0,
        "status": None,
        "created_at": now,
        "updated_at": now,
    }
    ctx.state["access_codes"].append(code)
    return code


def body_dict(request: Request) -> dict:
    body = read_json(request)
    if isinstance(body, dict):
        return body
    return request.form.to_dict() if request.form else {}
