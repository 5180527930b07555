"""Thia sandbox: constants, the documented error bodies, time, auth and the rate limit."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hmac
import math
import re
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response

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
