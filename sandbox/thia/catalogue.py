"""Thia sandbox: the read endpoints for the space and its catalogue."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.thia.common import fmt_ts, partner_endpoint

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
