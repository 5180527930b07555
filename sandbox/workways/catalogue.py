"""Workways sandbox: countries, sites, rooms and room images."""

from __future__ import annotations

import unicodedata

from werkzeug.wrappers import Request, Response

from sandbox.core import Context
from sandbox.photos import image_response
from sandbox.workways.common import (
    MEETING_TYPES,
    PREFIX,
    PUBLIC_TYPES,
    find,
    is_oid,
    language,
    optional_auth,
)
from sandbox.workways.messages import error, ok

# --- Countries ------------------------------------------------------------------------
# doc: "ISO codes (case-insensitive) ... English names (case-insensitive) ... French names"
COUNTRIES = {
    "IE": ("Ireland", "Irlande"),
    "BE": ("Belgium", "Belgique"),
    "FR": ("France", "France"),
    "LU": ("Luxembourg", "Luxembourg"),
    "NL": ("Netherlands", "Pays-Bas"),
    "DE": ("Germany", "Allemagne"),
    "ES": ("Spain", "Espagne"),
    "IT": ("Italy", "Italie"),
    "PT": ("Portugal", "Portugal"),
    "CH": ("Switzerland", "Suisse"),
    "GB": ("United Kingdom", "Royaume-Uni"),
    "US": ("United States", "États-Unis"),
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


_COUNTRY_LOOKUP = {}
for _code, (_en, _fr) in COUNTRIES.items():
    for _name in (_code, _en, _fr):
        _COUNTRY_LOOKUP[_fold(_name)] = _code


def normalize_country(value: str) -> str | None:
    return _COUNTRY_LOOKUP.get(_fold(value))


def country_name(code: str) -> str:
    # doc: "All responses return English country names"
    return COUNTRIES.get(code.upper(), (code,))[0]


def country_filter(request: Request, lang: str):
    """(ISO code or None, error answer or None) from ?country=."""
    raw = request.args.get("country", "")
    if not raw.strip():
        return None, None
    code = normalize_country(raw)
    if code is None:
        return None, error("invalid_country", lang, 400, extra={"data": []}, value=raw)
    return code, None


# --- Rooms ----------------------------------------------------------------------------


def image_url(request: Request, room: dict) -> str:
    # doc: "Room image URL (via /imageroom endpoint)", e.g. ".../imageroom?id=imageId123"
    return f"{request.host_url.rstrip('/')}{PREFIX}/imageroom?id={room['imageId']}"


def room_brief(room: dict, authed: bool) -> dict:
    entry = {
        "_id": room["_id"],
        "name": room["name"],
        "publicName": room["publicName"] or room["name"],
        "type": room["type"],
        "surface": room["surface"],
    }
    if authed:
        entry["actualState"] = room["actualState"]
    return entry


def room_detail(state: dict, request: Request, room: dict, authed: bool) -> dict:
    site = find(state, "sites", room["siteId"])
    entry = {
        "_id": room["_id"],
        "name": room["name"],
        "publicName": room["publicName"] or room["name"],
        "type": room["type"],
        "description": room["description"],
        "actualState": room["actualState"],
        "surface": room["surface"],
        "siteId": room["siteId"],
        "siteName": site["name"],
        "country": country_name(site["country"]),
        **{
            key: room[key]
            for key in (
                "minPerson",
                "maxPerson",
                "nbSeat",
                "configuration",
                "otherConfiguration",
                "minDurationBooking",
                "maxDurationBooking",
                "stepDurationBooking",
                "slotWeek",
                "slotSaturday",
                "slotSunday",
            )
        },
        # doc: "Price per hour (€). Returns 0 if no API key provided."
        "pricePerHour": room["pricePerHour"] if authed else 0,
        "pricePerHalfDay": room["pricePerHalfDay"] if authed else 0,
        "pricePerDay": room["pricePerDay"] if authed else 0,
        "pricePerMonth": room["pricePerMonth"],
        "image": image_url(request, room),
        "publicDescriptionEn": room["publicDescriptionEn"],
        "publicDescriptionFr": room["publicDescriptionFr"],
    }
    org = find(state, "organizations", room.get("organizationId"))
    if authed and org is not None:
        # doc: "contractEndDate ... (from room or organization), or empty string if not set"
        entry["organizationId"] = org["_id"]
        entry["organizationName"] = org["name"]
        entry["contractEndDate"] = room.get("contractEndDate") or org["contractEndDate"] or ""
    return entry


def type_matches(room: dict, wanted: str | None) -> bool:
    return not wanted or wanted == "all" or room["type"] == wanted


def visible_rooms(state: dict, authed: bool) -> list[dict]:
    return [r for r in state["rooms"] if authed or r["type"] in PUBLIC_TYPES]


# --- Handlers: catalogue --------------------------------------------------------------


def get_sites(ctx: Context, request: Request) -> Response:
    lang = language(request)
    code, failure = country_filter(request, lang)
    if failure:
        return failure
    authed = optional_auth(ctx, request)
    wanted = request.args.get("type", "").strip() or None
    data = []
    for site in ctx.state["sites"]:
        if not site.get("isPublic", True) or (code and site["country"] != code):
            continue
        rooms = [
            r
            for r in visible_rooms(ctx.state, authed)
            if r["siteId"] == site["_id"] and type_matches(r, wanted)
        ]
        public = [r for r in rooms if r["type"] in PUBLIC_TYPES]
        other = [r for r in rooms if r["type"] not in PUBLIC_TYPES]
        meetings = sum(1 for r in rooms if r["type"] in MEETING_TYPES)
        entry = {
            "_id": site["_id"],
            "name": site["name"],
            "country": country_name(site["country"]),
            "publicAddress": site["publicAddress"],
            "publicContact": site["publicContact"],
            "mapLink": site["mapLink"],
            "roomCount": len(rooms) - meetings,
            "meetingRoomCount": meetings,
            "publicRooms": [room_brief(r, authed) for r in public],
        }
        if authed:
            entry["otherRooms"] = [room_brief(r, authed) for r in other]
        data.append(entry)
    return ok(data, lang)


def get_rooms(ctx: Context, request: Request) -> Response:
    lang = language(request)
    code, failure = country_filter(request, lang)
    if failure:
        return failure
    site_id = request.args.get("site", "").strip()
    if site_id and not is_oid(site_id):
        return error("invalid_site_rooms", lang, 400)
    authed = optional_auth(ctx, request)
    wanted = request.args.get("type", "").strip() or None
    sites = {s["_id"]: s for s in ctx.state["sites"]}
    data = [
        room_detail(ctx.state, request, room, authed)
        for room in visible_rooms(ctx.state, authed)
        if (not code or sites[room["siteId"]]["country"] == code)
        and (not site_id or room["siteId"] == site_id)
        and type_matches(room, wanted)
    ]
    return ok(data, lang)


def get_countries(ctx: Context, request: Request) -> Response:
    # doc: "Alphabetically sorted list of country names (English)"
    codes = {s["country"] for s in ctx.state["sites"] if s.get("isPublic", True)}
    return ok(sorted(country_name(c) for c in codes), language(request))


def get_image(ctx: Context, request: Request) -> Response:
    """doc: "image ... Room image URL (via /imageroom endpoint)"; a generated JPEG here
    (``sandbox.photos``), with the room's name on it."""
    lang = language(request)
    image_id = request.args.get("id", "").strip()
    if not image_id:
        return error("missing_param", lang, 400, name="id")
    room = next((r for r in ctx.state["rooms"] if r["imageId"] == image_id), None)
    if room is None:
        return error("image_not_found", lang, 404)
    label = room.get("publicName") or room["name"]
    return image_response(label, f"workways:{image_id}", "room.jpg")
