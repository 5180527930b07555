"""Sandbox of the Thia Partner API (seed document ``000_625ed28ef0e2e084.txt``).

Served under ``/thia/api/v1/partner`` (doc: prod ``https://thia.work/api/v1/partner``).
One key pair per space, 60 requests/min per key, Europe/Bucharest wall-clock timestamps
written with a trailing "Z", prices as decimal strings, ``{"data": ...}`` envelopes except
for the two availability endpoints (which the document shows without one).

The QR-code download URL of an access code points at ``/thia/qr-code/<uuid>`` on the
sandbox (doc: ``https://thia.work/qr-code/<uuid>``), which serves a small PNG.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hmac
import math
import re
import struct
import zlib
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from sandbox import thia_seed
from sandbox.core import Context, ProviderSpec, json_response, read_json

PREFIX = "/thia/api/v1/partner"
BUCHAREST = ZoneInfo("Europe/Bucharest")
RATE_LIMIT = 60  # doc: "60 requests per minute per API key"
RATE_WINDOW_SECONDS = 60

MEETING_ROOM_SEATING = 4  # doc: Seating Option IDs, "4 | Meeting/Event Room"
# doc: "Product-based access codes support: Day Pass, Hot Desk, Dedicated Desk, and
# Private Office products"
ACCESS_CODE_SEATINGS = {1, 2, 3, 5}

# --- Error bodies, word for word from the document ------------------------------------

MISSING_CREDENTIALS = {
    "error": "Missing API credentials",
    "message": "X-API-Key and X-API-Secret headers are required",
}
INVALID_CREDENTIALS = {
    "error": "Invalid API credentials",
    "message": "The provided API key and secret combination is invalid",
}
NOT_A_PARTNER = {"error": "Access denied", "message": "This API is only available for partners"}
TOO_MANY_REQUESTS = {
    "error": "Too Many Requests",
    "message": "Rate limit exceeded. Please try again later.",
}
PRODUCT_NOT_FOUND = {
    "error": "Product not found",
    "message": "Product not found or does not belong to this space",
}
ACCESS_CODE_BAD_PRODUCT_TYPE = {
    "error": "Invalid product type",
    "message": "Product type not supported for access code creation",
}
BOOKING_BAD_PRODUCT_TYPE = {
    "error": "Invalid product type",
    "message": "Product must be a meeting/event room type",
}
BOOKING_NO_ROOM_CONFIGURED = {
    "error": "Invalid product configuration",
    "message": "Product does not have a meeting room configured",
}
BOOKING_ROOM_NOT_FOUND = {
    "error": "Meeting room not found",
    "message": "The meeting room associated with this product was not found",
}
BOOKING_SLOT_CONFLICT = {
    "error": "Failed to create meeting room booking",
    "message": "Some time slots are no longer available. Please refresh and try again.",
}
# The availability endpoint words its errors differently: error == message.
AVAILABILITY_PRODUCT_NOT_FOUND = "Product not found or does not belong to this space"
AVAILABILITY_WRONG_SEATING = "Product does not have the correct seating option"

VALIDATION_ERROR = "The given data was invalid."
SLOT_NOT_ON_THE_HOUR = "Time slots must start at the beginning of the hour (e.g., 09:00, 10:00)."
SLOT_NOT_ONE_HOUR = "Each time slot must be exactly 1 hour long."
SLOT_DUPLICATE = "Duplicate time slots are not allowed."

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLOT_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d) - ([01]\d|2[0-3]):([0-5]\d)$")
# doc: "Customer's phone number (10-15 digits, optional + prefix)"
PHONE_RE = re.compile(r"^\+?\d{10,15}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- Time -----------------------------------------------------------------------------


def local_now(ctx: Context) -> dt.datetime:
    """Naive Europe/Bucharest wall-clock now.

    doc: "All timestamps are returned in ISO 8601 format with timezone:
    YYYY-MM-DDTHH:MM:SS.ssssssZ and are based on the Europe/Bucharest time zone."
    """
    return ctx.now().astimezone(BUCHAREST).replace(tzinfo=None)


def local_today(ctx: Context) -> dt.date:
    return local_now(ctx).date()


def fmt_ts(value: str | None) -> str | None:
    """Stored naive Bucharest time -> "YYYY-MM-DDTHH:MM:SS.ssssssZ" (the doc's format)."""
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Responses, auth and rate limit ---------------------------------------------------


def error(body: dict, status: int) -> Response:
    return json_response(body, status)


def authenticate(ctx: Context, request: Request) -> dict | Response:
    """The caller's space, or the documented 401/403 answer."""
    key = request.headers.get("X-API-Key", "").strip()
    secret = request.headers.get("X-API-Secret", "").strip()
    if not key or not secret:
        return error(MISSING_CREDENTIALS, 401)
    for space in ctx.state["spaces"]:
        if hmac.compare_digest(space["api_key"], key):
            if not hmac.compare_digest(space["api_secret"], secret):
                break
            if not space["is_partner"]:
                return error(NOT_A_PARTNER, 403)
            return space
    return error(INVALID_CREDENTIALS, 401)


def rate_window(ctx: Context, api_key: str) -> dict:
    """The key's current fixed one-minute window (a new one once the minute is over)."""
    now = ctx.now().timestamp()
    windows = ctx.memory.setdefault("rate_windows", {})
    window = windows.get(api_key)
    if window is None or now - window["start"] >= RATE_WINDOW_SECONDS:
        window = windows[api_key] = {"start": now, "count": 0}
    return window


def rate_limit(ctx: Context, api_key: str) -> tuple[bool, dict[str, str]]:
    """Count one request in the key's fixed one-minute window: (allowed, headers)."""
    now = ctx.now().timestamp()
    window = rate_window(ctx, api_key)
    headers = {"X-RateLimit-Limit": str(RATE_LIMIT)}
    if window["count"] >= RATE_LIMIT:
        headers["X-RateLimit-Remaining"] = "0"
        headers["Retry-After"] = str(max(1, math.ceil(window["start"] + RATE_WINDOW_SECONDS - now)))
        return False, headers
    window["count"] += 1
    headers["X-RateLimit-Remaining"] = str(RATE_LIMIT - window["count"])
    return True, headers


def rate_headers_uncounted(ctx: Context, request: Request) -> dict[str, str]:
    """The rate-limit headers for a 401/403: the presented key's budget, not consumed.

    doc: "Rate limit headers are included in responses" (all of them); a request that
    does not authenticate is not counted against any key's 60 a minute.
    """
    key = request.headers.get("X-API-Key", "").strip()
    windows = ctx.memory.get("rate_windows", {})
    window = windows.get(key)
    used = 0
    if window is not None and ctx.now().timestamp() - window["start"] < RATE_WINDOW_SECONDS:
        used = window["count"]
    return {
        "X-RateLimit-Limit": str(RATE_LIMIT),
        "X-RateLimit-Remaining": str(max(0, RATE_LIMIT - used)),
    }


def partner_endpoint(handler):
    """Auth (401/403), then the per-key rate limit (429), then ``handler(ctx, request, space)``.

    Every answer carries the documented X-RateLimit-* headers; only authenticated
    requests are counted.
    """

    @functools.wraps(handler)
    def wrapper(ctx: Context, request: Request, **values: Any) -> Response:
        space = authenticate(ctx, request)
        if isinstance(space, Response):
            space.headers.update(rate_headers_uncounted(ctx, request))
            return space
        allowed, headers = rate_limit(ctx, space["api_key"])
        response = (
            handler(ctx, request, space, **values) if allowed else error(TOO_MANY_REQUESTS, 429)
        )
        response.headers.update(headers)
        return response

    return wrapper


# --- Validation (Laravel-style messages, as in the document's examples) ---------------


def attribute_name(field: str) -> str:
    # Laravel shows "start_date" as "start date", "customer.first_name" as "customer.first name"
    return field.replace("_", " ")


class Errors:
    """Ordered field -> [messages]; the first message becomes the answer's "message"."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    @property
    def first(self) -> str:
        return next(iter(self.fields.values()))[0]

    def detailed(self, status: int) -> Response:
        # doc: {"error": "The given data was invalid.", "message": "...", "errors": {...}}
        body = {"error": VALIDATION_ERROR, "message": self.first, "errors": self.fields}
        return json_response(body, status)

    def flat(self) -> Response:
        # doc (meeting-room availability): {"error": "The date field is required.", "message": same}
        return json_response({"error": self.first, "message": self.first}, 400)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def check_date(errors: Errors, field: str, value: Any, today: dt.date) -> dt.date | None:
    """``required|date_format:Y-m-d|after_or_equal:<today>``."""
    attr = attribute_name(field)
    if is_blank(value):
        errors.add(field, f"The {attr} field is required.")
        return None
    day = None
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        errors.add(field, f"The {attr} does not match the format Y-m-d.")
        return None
    if day < today:
        # doc: "The date must be a date after or equal to 2024-03-15."
        errors.add(field, f"The {attr} must be a date after or equal to {today.isoformat()}.")
        return None
    return day


def check_integer(errors: Errors, field: str, value: Any) -> int | None:
    attr = attribute_name(field)
    if is_blank(value):
        errors.add(field, f"The {attr} field is required.")
        return None
    if isinstance(value, bool):
        errors.add(field, f"The {attr} must be an integer.")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    errors.add(field, f"The {attr} must be an integer.")
    return None


def check_customer(errors: Errors, body: dict) -> dict | None:
    """``customer.first_name|last_name|email`` required (max 255), ``customer.phone`` optional."""
    customer = body.get("customer")
    if not isinstance(customer, dict):
        customer = {}
    clean: dict[str, Any] = {}
    for name in ("first_name", "last_name", "email"):
        field = f"customer.{name}"
        attr = attribute_name(field)
        value = customer.get(name)
        if is_blank(value):
            errors.add(field, f"The {attr} field is required.")
        elif not isinstance(value, str):
            errors.add(field, f"The {attr} must be a string.")
        elif len(value) > 255:
            errors.add(field, f"The {attr} must not be greater than 255 characters.")
        elif name == "email" and not EMAIL_RE.match(value.strip()):
            errors.add(field, f"The {attr} must be a valid email address.")
        else:
            clean[name] = value.strip()
    phone = customer.get("phone")
    if is_blank(phone):
        clean["phone"] = None
    elif (
        isinstance(phone, bool)
        or not isinstance(phone, str | int)
        or not PHONE_RE.match(str(phone))
    ):
        errors.add("customer.phone", "The customer.phone format is invalid.")
    else:
        clean["phone"] = str(phone)
    return clean if len(clean) == 4 else None


def check_slots(errors: Errors, value: Any) -> list[int] | None:
    """``selected_slots``: "HH:MM - HH:MM", on the hour, exactly one hour, no duplicates
    and no overlaps. Returns the start hours.

    doc: "No duplicates or overlapping slots allowed", answered as 422 "Duplicate or
    Overlapping Slots" under the key ``selected_slots`` ("Duplicate time slots are not
    allowed."). Any two well-formed slots whose times intersect (e.g. "10:00 - 11:00" and
    "10:30 - 11:30") get that error, besides the per-slot errors of the malformed one.
    """
    if is_blank(value):
        errors.add("selected_slots", "The selected slots field is required.")
        return None
    if not isinstance(value, list):
        errors.add("selected_slots", "The selected slots must be an array.")
        return None
    hours: list[int] = []
    valid = True
    per_slot: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    for index, slot in enumerate(value):
        field = f"selected_slots.{index}"
        match = SLOT_RE.match(slot) if isinstance(slot, str) else None
        if match is None:
            per_slot.append((field, f"The {attribute_name(field)} format is invalid."))
            continue
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        start_minutes = start_h * 60 + start_m
        end_minutes = end_h * 60 + end_m
        if end_minutes == 0:  # "23:00 - 00:00" ends at midnight
            end_minutes = 24 * 60
        if end_minutes > start_minutes:
            spans.append((start_minutes, end_minutes))
        if start_m != 0:
            per_slot.append((field, SLOT_NOT_ON_THE_HOUR))
        elif end_minutes - start_minutes != 60:
            per_slot.append((field, SLOT_NOT_ONE_HOUR))
        else:
            hours.append(start_h)
    duplicate = len(set(map(str, value))) != len(value) or any(
        a_start < b_end and b_start < a_end
        for i, (a_start, a_end) in enumerate(spans)
        for b_start, b_end in spans[i + 1 :]
    )
    if duplicate:
        errors.add("selected_slots", SLOT_DUPLICATE)
        valid = False
    for field, message in per_slot:
        errors.add(field, message)
        valid = False
    return hours if valid else None


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


# --- Read endpoints -------------------------------------------------------------------

SPACE_FIELDS = (
    "id", "user_id", "name", "subdomain", "street", "latitude", "longitude", "phone",
    "has_whatsapp", "whatsapp_group_url", "email", "facebook_messenger", "slogan",
    "description", "total_hot_desks", "total_dedicated_desks", "total_private_offices",
    "total_meeting_rooms", "logo", "cover_photo", "directions", "directions_photo",
    "wifi_network", "wifi_password", "amenities", "website", "facebook", "instagram",
    "linkedin", "twitter", "verified_at", "published_at", "created_at", "updated_at",
    "country", "city",
)  # fmt: skip
TIMESTAMP_FIELDS = ("verified_at", "published_at", "created_at", "updated_at")


@partner_endpoint
def get_space(ctx: Context, request: Request, space: dict) -> Response:
    rooms = [r for r in ctx.state["meeting_rooms"] if r["space_id"] == space["id"]]
    data = {**space, "total_meeting_rooms": len(rooms)}
    body = {field: data[field] for field in SPACE_FIELDS}
    for field in TIMESTAMP_FIELDS:
        body[field] = fmt_ts(body[field])
    return json_response({"data": body})


def with_timestamps(row: dict, drop: tuple[str, ...] = ()) -> dict:
    out = {k: v for k, v in row.items() if k not in drop}
    out["created_at"] = fmt_ts(row["created_at"])
    out["updated_at"] = fmt_ts(row["updated_at"])
    return out


@partner_endpoint
def get_hours(ctx: Context, request: Request, space: dict) -> Response:
    # doc: "Hours are always returned for all 7 days of the week, ordered by weekday (1-7)"
    hours = sorted(space["hours"], key=lambda h: h["weekday"])
    return json_response({"data": [with_timestamps(h) for h in hours]})


@partner_endpoint
def get_photos(ctx: Context, request: Request, space: dict) -> Response:
    # doc: "Photos are returned ordered by the order field (ascending)"
    photos = sorted(space["photos"], key=lambda p: (p["order"], p["id"]))
    return json_response({"data": [with_timestamps(p) for p in photos]})


@partner_endpoint
def get_meeting_rooms(ctx: Context, request: Request, space: dict) -> Response:
    rooms = [r for r in ctx.state["meeting_rooms"] if r["space_id"] == space["id"]]
    return json_response({"data": [with_timestamps(r, drop=("space_id",)) for r in rooms]})


@partner_endpoint
def get_amenities(ctx: Context, request: Request, space: dict) -> Response:
    # doc: "If no amenities are configured for the space, an empty array will be returned"
    return json_response({"data": list(space["amenities"] or [])})


@partner_endpoint
def get_products(ctx: Context, request: Request, space: dict) -> Response:
    # doc: "Products are returned ordered by position and then by name". Unpublished and
    # is_offer products are listed too (the flags say so); the client filters.
    products = sorted(
        (p for p in ctx.state["products"] if p["space_id"] == space["id"]),
        key=lambda p: (p["position"], p["name"]),
    )
    return json_response({"data": [with_timestamps(p, drop=("space_id",)) for p in products]})


@partner_endpoint
def get_legal(ctx: Context, request: Request, space: dict) -> Response:
    return json_response({"data": {"id": space["id"], **space["legal"]}})


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


# --- Write endpoints ------------------------------------------------------------------


@partner_endpoint
def create_standalone_code(ctx: Context, request: Request, space: dict) -> Response:
    body = body_dict(request)
    errors = Errors()
    today = local_today(ctx)
    start = check_date(errors, "start_date", body.get("start_date"), today)
    end = check_date(errors, "end_date", body.get("end_date"), today)
    if start and end and end < start:
        errors.fields.pop("end_date", None)
        errors.add("end_date", "The end date must be a date after or equal to start date.")
    customer = check_customer(errors, body)
    if errors:
        return errors.detailed(422)
    customer_id = upsert_customer(ctx, customer)
    code = create_code(
        ctx,
        space,
        customer_id,
        f"{start.isoformat()}T00:00:00.000000",
        f"{end.isoformat()}T23:59:59.000000",
        product_id=None,
    )
    return json_response({"data": render_code(ctx, request, code)}, 201)


@partner_endpoint
def create_product_code(ctx: Context, request: Request, space: dict) -> Response:
    body = body_dict(request)
    errors = Errors()
    product_id = check_integer(errors, "product_id", body.get("product_id"))
    start = check_date(errors, "start_date", body.get("start_date"), local_today(ctx))
    customer = check_customer(errors, body)
    if errors:
        return errors.detailed(422)
    product = space_product(ctx, space, product_id)
    if product is None:
        return error(PRODUCT_NOT_FOUND, 404)
    if product["seating_option"]["id"] not in ACCESS_CODE_SEATINGS:
        # doc: "Meeting/Event Room products are not supported for direct access code creation"
        return error(ACCESS_CODE_BAD_PRODUCT_TYPE, 400)
    customer_id = upsert_customer(ctx, customer)
    valid_from, valid_to = product_validity(product, start)
    code = create_code(ctx, space, customer_id, valid_from, valid_to, product_id=product["id"])
    return json_response({"data": render_code(ctx, request, code)}, 201)


@partner_endpoint
def create_meeting_room_booking(ctx: Context, request: Request, space: dict) -> Response:
    body = body_dict(request)
    errors = Errors()
    product_id = check_integer(errors, "product_id", body.get("product_id"))
    day = check_date(errors, "date", body.get("date"), local_today(ctx))
    hours = check_slots(errors, body.get("selected_slots"))
    customer = check_customer(errors, body)
    if errors:
        return errors.detailed(422)
    product = space_product(ctx, space, product_id)
    if product is None:
        return error(PRODUCT_NOT_FOUND, 404)
    if product["seating_option"]["id"] != MEETING_ROOM_SEATING:
        return error(BOOKING_BAD_PRODUCT_TYPE, 400)
    room_id = product["settings"].get("meeting_room_id")
    if room_id is None:
        return error(BOOKING_NO_ROOM_CONFIGURED, 400)
    room = space_room(ctx, space, room_id)
    if room is None:
        return error(BOOKING_ROOM_NOT_FOUND, 400)
    # doc: "All selected time slots must be available"; a taken slot or one outside the
    # room's hours answers the documented 500 "Slot Conflict".
    if not set(hours) <= set(room_free_hours(ctx, room, day)):
        return error(BOOKING_SLOT_CONFLICT, 500)
    customer_id = upsert_customer(ctx, customer)
    # doc example: a booking on 2024-03-25 is valid 2024-03-25T00:00:00 .. T23:59:59
    code = create_code(
        ctx,
        space,
        customer_id,
        f"{day.isoformat()}T00:00:00.000000",
        f"{day.isoformat()}T23:59:59.000000",
        product_id=product["id"],
    )
    ctx.state["bookings"].append(
        {
            "id": next_id(ctx, "booking"),
            "space_id": space["id"],
            "product_id": product["id"],
            "meeting_room_id": room["id"],
            "date": day.isoformat(),
            "slots": [slot_label(h) for h in sorted(hours)],
            "status": "active",
            "access_code_id": code["id"],
            "customer_id": customer_id,
        }
    )
    return json_response({"data": render_code(ctx, request, code)}, 201)


# --- QR code download (doc: "Direct download URL for the QR code PNG") ----------------


def qr_png(code_id: str, cells: int = 25, scale: int = 8) -> bytes:
    """A deterministic black-and-white PNG pattern for the code (not a scannable QR)."""
    bits = int.from_bytes(zlib.crc32(code_id.encode()).to_bytes(4, "big") * 200, "big")
    size = cells * scale
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0
        for x in range(size):
            cx, cy = x // scale, y // scale
            finder = ((cx < 7 or cx >= cells - 7) and cy < 7) or (cx < 7 and cy >= cells - 7)
            dark = (bits >> (cy * cells + cx)) & 1 if not finder else (cx % 6 == 0 or cy % 6 == 0)
            row.append(0 if dark else 255)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def qr_code(ctx: Context, request: Request, code_id: str) -> Response:
    if not any(code["id"] == code_id for code in ctx.state["access_codes"]):
        return error({"error": "Not Found", "message": "Access code not found"}, 404)
    return Response(qr_png(code_id), content_type="image/png")


# --- Spec -----------------------------------------------------------------------------


def config(base_url: str, state: dict) -> list[dict]:
    """The usable (partner) spaces. The non-partner key pair is in ``thia_seed``
    (``NON_PARTNER_KEY`` / ``NON_PARTNER_SECRET``) and docs/providers/thia.md."""
    return [
        {
            "name": space["name"],
            "base_url": f"{base_url}{PREFIX}",
            "api_key": space["api_key"],
            "api_secret": space["api_secret"],
        }
        for space in state.get("spaces", [])
        if space["is_partner"]
    ]


def extra_config(base_url: str, state: dict) -> dict:
    """A key pair whose space is not a partner: it answers the documented 403."""
    return {
        "thia_non_partner": {
            "base_url": f"{base_url}{PREFIX}",
            "api_key": thia_seed.NON_PARTNER_KEY,
            "api_secret": thia_seed.NON_PARTNER_SECRET,
        }
    }


SPEC = ProviderSpec(
    name="thia",
    routes=[
        (f"{PREFIX}/space", get_space, ["GET"]),
        (f"{PREFIX}/space/hours", get_hours, ["GET"]),
        (f"{PREFIX}/space/photos", get_photos, ["GET"]),
        (f"{PREFIX}/space/meeting-rooms", get_meeting_rooms, ["GET"]),
        (f"{PREFIX}/space/amenities", get_amenities, ["GET"]),
        (f"{PREFIX}/space/products", get_products, ["GET"]),
        (f"{PREFIX}/space/legal", get_legal, ["GET"]),
        (f"{PREFIX}/space/meeting-room-availability", meeting_room_availability, ["GET"]),
        (f"{PREFIX}/space/desk-availability", desk_availability, ["GET"]),
        (f"{PREFIX}/access-codes/standalone", create_standalone_code, ["POST"]),
        (f"{PREFIX}/access-codes/product", create_product_code, ["POST"]),
        (f"{PREFIX}/meeting-room-booking", create_meeting_room_booking, ["POST"]),
        ("/thia/qr-code/<code_id>", qr_code, ["GET"]),
    ],
    seed=thia_seed.seed,
    config=config,
    extra_config=extra_config,
)
