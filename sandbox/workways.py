"""Sandbox of the Workways Public API (seed document ``001_880c9b30cd55c5d4.txt``).

Served under ``/workways``: the document's ``https://api.workways.com/api/...`` becomes
``<sandbox>/workways/api/...`` and its ``/imageroom`` becomes ``<sandbox>/workways/imageroom``.

Envelope: ``{"retcode": 1, "message": "OK", "data": ...}`` on success (``retcode: 200`` plus
``status`` for /api/register and /api/meeting-request), ``{"retcode": -1, "message": ...}``
on errors. Messages in English or French (``language=fr`` in the query of a GET, in the
JSON body of a POST). See ``docs/providers/workways.md`` for the choices made where the
document is silent.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import unicodedata
import zlib
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr
from werkzeug.wrappers import Request, Response

from sandbox import workways_seed as seeds
from sandbox.core import Context, ProviderSpec, json_response, read_json

PREFIX = "/workways"
# doc: "Without API key: Returns only public rooms (publicOffice, publicMeeting)"
PUBLIC_TYPES = ("publicOffice", "publicMeeting")
MEETING_TYPES = ("publicMeeting", "meeting", "privateMeeting", "sharedMeeting", "conference")
OFFICE_TYPES = ("publicOffice", "office", "privateOffice", "sharedOffice")
OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BEARER = "Authorization: Bearer <your_token>"

# --- Messages (English, French) -------------------------------------------------------
# doc: "When language=fr, error and success messages are returned in French. Default is
# English." Documented English texts are word for word; French ones are translations,
# except the two the document only gives in French.
MESSAGES = {
    "ok": ("OK", "OK"),
    "auth_missing": (
        f"Unauthorized: Authorization header is required. Use: {BEARER}",
        f"Non autorisé : l'en-tête Authorization est requis. Utilisez : {BEARER}",
    ),
    "auth_format": (
        f"Unauthorized: Invalid authorization format. Use: {BEARER}",
        f"Non autorisé : format d'autorisation invalide. Utilisez : {BEARER}",
    ),
    "auth_invalid": (
        "Unauthorized: Invalid or revoked token",
        "Non autorisé : token invalide ou révoqué",
    ),
    # doc gives these two in French only ("Inactive/Invalidated Token", "Archived Account")
    "token_inactive": (
        "Votre token est expiré, connectez-vous à votre compte pour le renouveler",
        "Votre token est expiré, connectez-vous à votre compte pour le renouveler",
    ),
    "account_archived": (
        "Votre compte est désactivé, contactez Workways",
        "Votre compte est désactivé, contactez Workways",
    ),
    "user_archived": (
        "Unauthorized: User account is archived",
        "Non autorisé : le compte utilisateur est archivé",
    ),
    "invalid_country": (
        'Invalid country: "{value}". Use ISO code (e.g., "FR", "BE") or country name '
        '(e.g., "France", "Belgium")',
        'Pays invalide : "{value}". Utilisez un code ISO (ex. : "FR", "BE") ou un nom de pays '
        '(ex. : "France", "Belgique")',
    ),
    # doc, Error Handling: "Invalid site ID format." (with a period) for /api/rooms
    "invalid_site_rooms": ("Invalid site ID format.", "Format d'identifiant de site invalide."),
    "invalid_site": ("Invalid site ID format", "Format d'identifiant de site invalide"),
    "ics_bad": (
        'Bad request: "rooms" query parameter is missing, empty, or contains invalid IDs.',
        'Requête invalide : le paramètre "rooms" est manquant, vide ou contient des '
        "identifiants invalides.",
    ),
    "missing_param": ("Missing required parameter: {name}", "Paramètre requis manquant : {name}"),
    "invalid_format": ("Invalid {name} format", "Format de {name} invalide"),
    "invalid_email": ("Invalid email format", "Format d'e-mail invalide"),
    "invalid_user_id": ("Invalid user ID format", "Format d'identifiant utilisateur invalide"),
    "invalid_org_id": (
        "Invalid organization ID format",
        "Format d'identifiant d'organisation invalide",
    ),
    "room_not_found": ("Room not found", "Salle introuvable"),
    "site_not_found": ("Site not found", "Site introuvable"),
    "user_not_found": ("User not found", "Utilisateur introuvable"),
    "org_not_found": ("Organization not found", "Organisation introuvable"),
    "meeting_not_found": ("Meeting not found", "Réunion introuvable"),
    "image_not_found": ("Image not found", "Image introuvable"),
    # /api/meeting-request
    "past_new": (
        "Cannot book meetings for today or past dates",
        "Impossible de réserver une réunion pour aujourd'hui ou une date passée",
    ),
    "advance_new": (
        "Meetings must be booked at least 2 days in advance",
        "Les réunions doivent être réservées au moins 2 jours à l'avance",
    ),
    "past_member": (
        "Cannot book meetings for past dates",
        "Impossible de réserver une réunion pour une date passée",
    ),
    "not_public": (
        "This room is not available for public booking",
        "Cette salle n'est pas disponible à la réservation publique",
    ),
    "overlap": (
        "This time slot is not available. Another meeting is already booked during this period.",
        "Ce créneau n'est pas disponible. Une autre réunion est déjà réservée sur cette période.",
    ),
    "accepted": ("Your booking has been confirmed.", "Votre réservation a été confirmée."),
    "request_accepted": (
        "Your meeting request has been received. Please complete your registration to "
        "confirm the booking.",
        "Votre demande de réunion a bien été reçue. Veuillez finaliser votre inscription "
        "pour confirmer la réservation.",
    ),
    "archived": (
        "Your account is no longer valid. Please contact an administrator to restore it.",
        "Votre compte n'est plus valide. Veuillez contacter un administrateur pour le rétablir.",
    ),
    "invalid_booked_at": (
        "Invalid bookedAt: must be an ISO 8601 date/time",
        "bookedAt invalide : doit être une date/heure au format ISO 8601",
    ),
    "invalid_duration": (
        "Invalid duration: must be a positive number",
        "Durée invalide : doit être un nombre positif",
    ),
    "duration_min": (
        "Duration must be at least {n} minutes",
        "La durée doit être d'au moins {n} minutes",
    ),
    "duration_max": (
        "Duration must not exceed {n} minutes",
        "La durée ne peut pas dépasser {n} minutes",
    ),
    "duration_step": (
        "Duration must be a multiple of {n} minutes",
        "La durée doit être un multiple de {n} minutes",
    ),
    "slot_closed": (
        "This room cannot be booked on this day",
        "Cette salle ne peut pas être réservée ce jour-là",
    ),
    "slot_outside": (
        "The requested time is outside the room's booking hours ({slot})",
        "L'horaire demandé est en dehors des horaires de réservation de la salle ({slot})",
    ),
    "invalid_booked_user": (
        "Invalid bookedUser: must be a positive number",
        "bookedUser invalide : doit être un nombre positif",
    ),
    # /api/room-price
    "price_unavailable": (
        "Price calculation not available for this room state/type",
        "Calcul du prix indisponible pour cet état/type de salle",
    ),
    "price_unsupported": (
        "Price calculation not supported for room type: {kind}",
        "Calcul du prix non pris en charge pour le type de salle : {kind}",
    ),
    "invalid_period": (
        'Invalid period: must be "week" or "month"',
        'Période invalide : doit être "week" ou "month"',
    ),
    # /api/set-optin
    "optin_missing_user": (
        "Missing required parameter: user (user ID)",
        "Paramètre requis manquant : user (identifiant utilisateur)",
    ),
    "optin_missing": (
        "Missing required parameter: optin (true/false)",
        "Paramètre requis manquant : optin (true/false)",
    ),
    "optin_invalid": (
        'Invalid optin value. Use true/false, 1/0, or "true"/"false"',
        'Valeur optin invalide. Utilisez true/false, 1/0 ou "true"/"false"',
    ),
    # /api/merge-contract
    "invalid_date_param": (
        "Invalid date for {name}: use YYYY-MM-DD",
        "Date invalide pour {name} : utilisez AAAA-MM-JJ",
    ),
    "invalid_list": ("Invalid {name}: must be an array", "{name} invalide : doit être un tableau"),
    "option_model_not_found": (
        "Contract option not found: {id}",
        "Option de contrat introuvable : {id}",
    ),
    "invalid_room_in_list": ("Invalid room ID: {id}", "Identifiant de salle invalide : {id}"),
    "invalid_renewal": (
        "Invalid rentalRenewal: must be a number",
        "rentalRenewal invalide : doit être un nombre",
    ),
    # /api/register
    "registered": (
        "Organization registered successfully. A verification email has been sent.",
        "Organisation enregistrée avec succès. Un e-mail de vérification a été envoyé.",
    ),
    "register_updated": (
        "Registration successful. Your organization has been updated.",
        "Inscription réussie. Votre organisation a été mise à jour.",
    ),
    "user_exists": (
        "User already registered with an organization.",
        "Utilisateur déjà enregistré avec une organisation.",
    ),
    "site_required": (
        "At least one of siteId, roomId or meetingId is required",
        "Au moins un des paramètres siteId, roomId ou meetingId est requis",
    ),
    "invalid_max_resident": (
        "Invalid maxResidentUsers: must be a number greater than or equal to 1",
        "maxResidentUsers invalide : doit être un nombre supérieur ou égal à 1",
    ),
}


def message(msg_key: str, lang: str, **values) -> str:
    english, french = MESSAGES[msg_key]
    text = french if lang == "fr" else english
    return text.format(**values) if values else text


def ok(data, lang: str = "en", status: int = 200) -> Response:
    return json_response({"retcode": 1, "message": message("ok", lang), "data": data}, status)


def error(
    msg_key: str, lang: str, status: int = 400, extra: dict | None = None, **values
) -> Response:
    body = {"retcode": -1, "message": message(msg_key, lang, **values)}
    body.update(extra or {})
    return json_response(body, status)


# --- Request helpers ------------------------------------------------------------------


def body_of(request: Request) -> dict:
    body = read_json(request)
    if isinstance(body, dict):
        return body
    return dict(request.form) if request.form else {}


def language(request: Request, body: dict | None = None) -> str:
    # doc: "For GET requests: add ?language=fr ... For POST requests: include "language":
    # "fr" in the request body ... Any other value defaults to English."
    value = (body or {}).get("language") or request.args.get("language") or "en"
    return "fr" if str(value).strip().lower() == "fr" else "en"


def is_oid(value) -> bool:
    return isinstance(value, str) and bool(OBJECT_ID.match(value))


def new_id(state: dict) -> str:
    state["nextId"] = state.get("nextId", 1) + 1
    return seeds.oid(f"new:{state['nextId']}")


def find(state: dict, collection: str, _id) -> dict | None:
    return next((item for item in state[collection] if item["_id"] == _id), None)


def user_by_email(state: dict, email: str) -> dict | None:
    email = email.strip().lower()
    return next((u for u in state["users"] if u["email"].lower() == email), None)


def page_args(request: Request) -> tuple[int, int]:
    # doc: "page ... (1-based, default: 1)", "limit ... (default: 50, max: 200)"
    def number(name, default):
        try:
            return int(request.args.get(name, default))
        except (TypeError, ValueError):
            return default

    return max(1, number("page", 1)), min(200, max(1, number("limit", 50)))


def paginate(items: list, page: int, limit: int) -> dict:
    total = len(items)
    return {
        "items": items[(page - 1) * limit : page * limit],
        "total": total,
        "page": page,
        "limit": limit,
        "pages": math.ceil(total / limit),
    }


def today_iso(ctx: Context) -> str:
    return ctx.now().date().isoformat()


# --- Authentication -------------------------------------------------------------------


def authenticate(ctx: Context, request: Request, lang: str):
    """(token owner, None) or (None, the documented 401 answer)."""
    header = request.headers.get("Authorization")
    if not header or not header.strip():
        return None, error("auth_missing", lang, 401)
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None, error("auth_format", lang, 401)
    digest = seeds.token_hash(token)
    record = next((t for t in ctx.state["tokens"] if t["hash"] == digest), None)
    if record is None:
        return None, error("auth_invalid", lang, 401)
    # doc: "Admin deletes another user's token: The token is invalidated (isActive=false)"
    if not record["isActive"]:
        return None, error("token_inactive", lang, 401)
    user = find(ctx.state, "users", record["userId"])
    if user is None:
        return None, error("auth_invalid", lang, 401)
    if user["isArchived"]:
        return None, error("user_archived", lang, 401)
    org = find(ctx.state, "organizations", user.get("organizationId"))
    if org is not None and org["isArchived"]:
        return None, error("account_archived", lang, 401)
    return user, None


def optional_auth(ctx: Context, request: Request) -> bool:
    """For "Authentication Optional" endpoints: a valid token gives the richer answer;
    no token or an unusable one gives the public answer."""
    if not request.headers.get("Authorization"):
        return False
    user, _ = authenticate(ctx, request, "en")
    return user is not None


def auth_required(handler):
    """Wraps an Auth Required handler: 401 with the documented body before anything else."""

    def wrapped(ctx: Context, request: Request, **values) -> Response:
        body = body_of(request) if request.method == "POST" else {}
        lang = language(request, body)
        user, failure = authenticate(ctx, request, lang)
        if failure is not None:
            return failure
        return handler(ctx, request, user=user, body=body, lang=lang, **values)

    wrapped.__name__ = handler.__name__
    return wrapped


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


PNG_SIZE = (96, 64)


def _png(rgb: tuple[int, int, int]) -> bytes:
    width, height = PNG_SIZE
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def get_image(ctx: Context, request: Request) -> Response:
    """doc: "image ... Room image URL (via /imageroom endpoint)"; a generated PNG here."""
    lang = language(request)
    image_id = request.args.get("id", "").strip()
    if not image_id:
        return error("missing_param", lang, 400, name="id")
    room = next((r for r in ctx.state["rooms"] if r["imageId"] == image_id), None)
    if room is None:
        return error("image_not_found", lang, 404)
    rgb = tuple(int(room["_id"][i : i + 2], 16) // 2 + 64 for i in (0, 2, 4))
    return Response(
        _png(rgb), content_type="image/png", headers={"Cache-Control": "public, max-age=86400"}
    )


# --- Meetings, time -------------------------------------------------------------------


def site_tz(state: dict, room: dict) -> ZoneInfo:
    site = find(state, "sites", room["siteId"])
    return ZoneInfo(site["timeZone"])


def parse_utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def occurrences(state: dict, meeting: dict, start: dt.datetime, end: dt.datetime):
    """(start, end) UTC intervals of a confirmed meeting that touch [start, end)."""
    if meeting["allDay"]:
        room = find(state, "rooms", meeting["roomId"])
        day = dt.date.fromisoformat(meeting["date"])
        tz = site_tz(state, room)
        first = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        last = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        yield first, last.astimezone(dt.UTC)
        return
    first = parse_utc(meeting["start"])
    length = parse_utc(meeting["end"]) - first
    if not meeting.get("rrule"):
        yield first, first + length
        return
    excluded = {parse_utc(x) for x in meeting.get("exdates", [])}
    rule = rrulestr(meeting["rrule"], dtstart=first)
    for occurrence in rule.between(start - length, end, inc=True):
        if occurrence not in excluded:
            yield occurrence, occurrence + length


def overlaps(state: dict, room_id: str, start: dt.datetime, end: dt.datetime) -> bool:
    for meeting in state["meetings"]:
        if meeting["roomId"] != room_id or meeting["status"] != "confirmed":
            continue
        for busy_start, busy_end in occurrences(state, meeting, start, end):
            if busy_start < end and start < busy_end:
                return True
    return False


def parse_slots(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "09:00-18:00" (or "09:00-12:00,14:00-18:00") -> [(09:00, 18:00)]; "" -> closed."""
    windows = []
    for part in (text or "").split(","):
        match = re.match(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", part)
        if not match:
            continue
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        close = dt.time(23, 59, 59) if h2 >= 24 else dt.time(h2, m2)
        windows.append((dt.time(h1, m1), close))
    return windows


def slot_text(room: dict, day: dt.date) -> str:
    # doc: slotWeek "Weekly availability schedule", slotSaturday, slotSunday
    return {5: room["slotSaturday"], 6: room["slotSunday"]}.get(day.weekday(), room["slotWeek"])


# --- Handlers: ICS feed ---------------------------------------------------------------


def get_icsfeed(ctx: Context, request: Request) -> Response:
    lang = language(request)
    ids = [part.strip() for part in request.args.get("rooms", "").split(",")]
    if not ids or not all(is_oid(i) for i in ids):
        return error("ics_bad", lang, 400)
    rooms = {r["_id"]: r for r in ctx.state["rooms"] if r["_id"] in ids}
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Workways//Meeting Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    names = ", ".join(r["publicName"] or r["name"] for r in rooms.values())
    calendar.add("x-wr-calname", f"Workways - {names}" if names else "Workways")
    meetings = [m for m in ctx.state["meetings"] if m["roomId"] in rooms]
    for meeting in sorted(meetings, key=lambda m: (m.get("start") or m["date"], m["_id"])):
        if meeting["status"] != "confirmed":
            continue  # pending requests wait for registration (doc, Scenario B)
        room = rooms[meeting["roomId"]]
        event = icalendar.Event()
        event.add("uid", f"{meeting['_id']}@workways.com")  # stable across reloads
        event.add("dtstamp", parse_utc(meeting["createdAt"]))
        if meeting["allDay"]:
            day = dt.date.fromisoformat(meeting["date"])
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
        else:
            # doc example: "DTSTART:20251030T140000Z" — UTC
            event.add("dtstart", parse_utc(meeting["start"]))
            event.add("dtend", parse_utc(meeting["end"]))
            if meeting.get("rrule"):
                event.add("rrule", icalendar.vRecur.from_ical(meeting["rrule"]))
            if meeting.get("exdates"):
                event.add("exdate", [parse_utc(x) for x in meeting["exdates"]])
        event.add("summary", meeting["name"] or "Meeting")
        event.add("location", room["publicName"] or room["name"])
        if meeting["description"]:
            event.add("description", meeting["description"])
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return Response(
        calendar.to_ical(),
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="workways.ics"'},
    )


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


# --- Handlers: users, organizations ---------------------------------------------------


def user_payload(state: dict, user: dict) -> dict:
    org = find(state, "organizations", user.get("organizationId"))
    return {
        "_id": user["_id"],
        "firstName": user["firstName"],
        "lastName": user["lastName"],
        "email": user["email"],
        "title": user["title"],
        "language": user["language"],
        "phone": user["phone"],
        "mobilePhone": user["mobilePhone"],
        "role": user["role"],
        "newsOptin": user["newsOptin"],
        "mailValid": user["mailValid"],
        "isUserArchived": user["isArchived"],
        "organizationId": org["_id"] if org else None,
        "organizationName": org["name"] if org else None,
        "isOrganizationArchived": org["isArchived"] if org else None,
        "updatedAt": user["updatedAt"],
    }


@auth_required
def get_user_info(ctx, request, user, body, lang) -> Response:
    state = ctx.state
    user_id = request.args.get("id", "").strip()
    email = request.args.get("email", "").strip()
    if user_id:  # doc: "Takes priority over email."
        if not is_oid(user_id):
            return error("invalid_user_id", lang, 400)
        found = find(state, "users", user_id)
        if found is None:
            return error("user_not_found", lang, 404)
        return ok(user_payload(state, found), lang)
    if email:
        if not EMAIL.match(email):
            return error("invalid_email", lang, 400)
        found = user_by_email(state, email)
        if found is None:
            return error("user_not_found", lang, 404)
        return ok(user_payload(state, found), lang)
    org_id = request.args.get("organization", "").strip()
    if org_id and not is_oid(org_id):
        return error("invalid_org_id", lang, 400)
    users = [u for u in state["users"] if not org_id or u.get("organizationId") == org_id]
    page, limit = page_args(request)
    return ok(paginate([user_payload(state, u) for u in users], page, limit), lang)


def _optin_value(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return None


@auth_required
def set_optin(ctx, request, user, body, lang) -> Response:
    # doc: "Parameters (Query or Body)" and "Can also be called via GET for convenience."
    params = {**request.args.to_dict(), **body}
    lang = language(request, params)
    user_id = params.get("user")
    if user_id in (None, ""):
        return error("optin_missing_user", lang, 400)
    if not is_oid(user_id):
        return error("invalid_user_id", lang, 400)
    if params.get("optin") in (None, ""):
        return error("optin_missing", lang, 400)
    value = _optin_value(params["optin"])
    if value is None:
        return error("optin_invalid", lang, 400)
    target = find(ctx.state, "users", user_id)
    if target is None:
        return error("user_not_found", lang, 404)
    previous = target["newsOptin"]
    target["newsOptin"] = value
    target["updatedAt"] = today_iso(ctx)
    ctx.mark_changed()
    data = {"userId": target["_id"], "email": target["email"], "newsOptin": value}
    return ok({**data, "previousValue": previous}, lang)


def allocated_rooms(state: dict, org: dict) -> list[dict]:
    return [r for r in state["rooms"] if r.get("organizationId") == org["_id"]]


def _price_number(text) -> float | None:
    try:
        return _number(float(str(text).replace("€", "").replace(",", ".").strip()))
    except ValueError:
        return None


def org_payload(state: dict, org: dict, detailed: bool) -> dict:
    rooms = allocated_rooms(state, org)
    # doc: "principalSiteId ... (computed: site with most allocated rooms)"
    counts: dict[str, int] = {}
    for room in rooms:
        counts[room["siteId"]] = counts.get(room["siteId"], 0) + 1
    principal_id = max(counts, key=counts.get) if counts else next(iter(org["memberOf"]), None)
    principal = find(state, "sites", principal_id)
    sites = [find(state, "sites", s) for s in org["memberOf"]]
    sites = [s for s in sites if s]
    data = {
        "_id": org["_id"],
        "name": org["name"],
        "description": org["description"],
        "language": org["language"],
        "isArchived": org["isArchived"],
        "principalSiteId": principal["_id"] if principal else None,
        "principalSiteName": principal["name"] if principal else None,
        "principalSiteCountry": principal["country"].lower() if principal else None,
        "sitesCount": len(sites),
        **{
            key: org[key]
            for key in (
                "maxResidentUsers",
                "isMember",
                "contractStartDate",
                "contractEndDate",
                "renewalMonths",
                "basePrice",
                "lastAccessDate",
                "accountType",
                "billingName",
                "billingEmail",
                "billingAddress",
                "vatNumber",
                "companyNumber",
                "contactName",
                "contactPhone",
                "updatedAt",
            )
        },
    }
    if detailed:
        data["allocatedRooms"] = [
            {
                "_id": r["_id"],
                "name": r["name"],
                "contractEndDate": r.get("contractEndDate") or org["contractEndDate"] or "",
                "price": _price_number(r["pricePerMonth"]) if r["pricePerMonth"] else None,
                "siteId": r["siteId"],
            }
            for r in rooms
        ]
        data["accessibleSites"] = [
            {"_id": s["_id"], "name": s["name"], "country": s["country"].lower()} for s in sites
        ]
        data["contractOptions"] = [
            {
                key: option.get(key)
                for key in (
                    "id",
                    "name",
                    "key",
                    "quantity",
                    "price",
                    "pricePromo",
                    "startDate",
                    "endDate",
                )
            }
            for option in org["contractOptions"]
        ]
    return data


@auth_required
def get_organization_info(ctx, request, user, body, lang) -> Response:
    state = ctx.state
    org_id = request.args.get("id", "").strip()
    if org_id:
        if not is_oid(org_id):
            return error("invalid_org_id", lang, 400)
        org = find(state, "organizations", org_id)
        if org is None:
            return error("org_not_found", lang, 404)
        return ok(org_payload(state, org, detailed=True), lang)
    site_id = request.args.get("site", "").strip()
    if site_id and not is_oid(site_id):
        return error("invalid_site", lang, 400)
    orgs = [o for o in state["organizations"] if not site_id or site_id in o["memberOf"]]
    page, limit = page_args(request)
    items = [org_payload(state, o, detailed=False) for o in orgs]
    return ok(paginate(items, page, limit), lang)


def _contract_option(ctx, org: dict, raw, lang: str):
    """(stored option, None) or (None, error answer) for one contractOptionsToAdd item."""
    if not isinstance(raw, dict) or not raw.get("optionModelId"):
        return None, error("missing_param", lang, 400, name="optionModelId")
    rate = find(ctx.state, "rates", raw["optionModelId"])
    if rate is None:
        return None, error("option_model_not_found", lang, 404, id=raw["optionModelId"])
    key = raw.get("key") or rate["key"]

    def price(name):  # doc: "price ... (optional, -1 = use default rate)"
        value = raw.get(name)
        return None if value in (None, "", -1) else value

    # doc: unique keys "Can only be subscribed once per organization". Merging one that
    # is already subscribed updates it (same id) instead of adding a second one, so the
    # doc's example (adding "parking" to an organization that has one) still succeeds.
    existing = next((o for o in org["contractOptions"] if o["key"] == key), None)
    if rate["isUnique"] and existing is not None:
        given = {
            "optionModelId": rate["_id"],
            "name": raw.get("name"),
            "description": raw.get("description"),
            "quantity": raw.get("quantity"),
            "promoMonthDuration": raw.get("promoMonthDuration"),
            "startDate": raw.get("startAt"),
            "endDate": raw.get("endAt"),
            "setupFees": raw.get("setupFees"),
            "setupAt": raw.get("setupAt"),
        }
        existing.update({k: v for k, v in given.items() if v is not None})
        for name in ("price", "pricePromo"):
            if name in raw:
                existing[name] = price(name)
        return existing, None

    option = {
        "id": org.get("nextOptionId", 1),
        "optionModelId": rate["_id"],
        "key": key,
        "name": raw.get("name") or (rate["nameFr"] if org["language"] == "fr" else rate["nameEn"]),
        "description": raw.get("description", ""),
        "quantity": raw.get("quantity", 1),
        "price": price("price"),
        "pricePromo": price("pricePromo"),
        "promoMonthDuration": raw.get("promoMonthDuration"),
        # doc: "endAt ... empty = inherits from org"
        "startDate": raw.get("startAt") or today_iso(ctx),
        "endDate": raw.get("endAt") or "",
        "setupFees": raw.get("setupFees"),
        "setupAt": raw.get("setupAt"),
    }
    if key in ("meeting_room_package", "credit_fixed", "credit_percent"):
        option["priceRemaining"] = raw.get("priceRemaining")
        option["creditUsed"] = bool(raw.get("creditUsed", False))
    org["nextOptionId"] = option["id"] + 1
    return option, None


@auth_required
def post_merge_contract(ctx, request, user, body, lang) -> Response:
    state = ctx.state
    org_id = body.get("organizationId")
    if org_id in (None, ""):
        return error("missing_param", lang, 400, name="organizationId")
    if not is_oid(org_id):
        return error("invalid_format", lang, 400, name="organizationId")
    org = find(state, "organizations", org_id)
    if org is None:
        return error("org_not_found", lang, 404)
    for name in ("rentalStartAt", "rentalEndAt"):
        value = body.get(name)
        if value not in (None, "") and not (isinstance(value, str) and DATE.match(value)):
            return error("invalid_date_param", lang, 400, name=name)
    renewal = body.get("rentalRenewal")
    if renewal not in (None, "", 0) and (
        isinstance(renewal, bool) or _positive_number(renewal) is None
    ):
        return error("invalid_renewal", lang, 400)
    lists = ("contractOptionsToAdd", "contractOptionsToRemove", "contractOptions")
    lists += ("rooms", "roomsToAdd", "roomsToRemove")
    for name in lists:
        if name in body and not isinstance(body[name], list):
            return error("invalid_list", lang, 400, name=name)
    for name in ("rooms", "roomsToAdd", "roomsToRemove"):
        for room_id in body.get(name) or []:
            if not is_oid(room_id) or find(state, "rooms", room_id) is None:
                return error("invalid_room_in_list", lang, 400, id=room_id)

    # work on copies: a failure half-way leaves the organization untouched
    work = {**org, "contractOptions": [dict(o) for o in org["contractOptions"]]}
    if "contractOptions" in body:  # doc: "Full replacement"
        work["contractOptions"] = []
    for raw in (body.get("contractOptions") or []) + (body.get("contractOptionsToAdd") or []):
        option, failure = _contract_option(ctx, work, raw, lang)
        if failure:
            return failure
        if not any(o is option for o in work["contractOptions"]):
            work["contractOptions"].append(option)
    removed = {str(x) for x in body.get("contractOptionsToRemove") or []}
    work["contractOptions"] = [o for o in work["contractOptions"] if str(o["id"]) not in removed]

    org.update(work)
    if body.get("rentalPrice") not in (None, ""):
        org["basePrice"] = _price_number(body["rentalPrice"])
    if "rentalComment" in body:
        org["rentalComment"] = body["rentalComment"]
    if "rentalUrl" in body:
        org["rentalUrl"] = body["rentalUrl"]
    if body.get("rentalStartAt"):
        org["contractStartDate"] = body["rentalStartAt"]
    if "rentalEndAt" in body:
        org["contractEndDate"] = body["rentalEndAt"] or None
    if renewal not in (None, ""):
        org["renewalMonths"] = int(float(renewal))
    current = {r["_id"] for r in allocated_rooms(state, org)}
    if "rooms" in body:
        target = set(body["rooms"])
    else:
        target = (current | set(body.get("roomsToAdd") or [])) - set(
            body.get("roomsToRemove") or []
        )
    for room in state["rooms"]:
        if room["_id"] in current - target:
            room.update(organizationId=None, contractEndDate="", actualState="forrent")
        elif room["_id"] in target - current:
            room.update(organizationId=org["_id"], actualState="rented")
            if room["siteId"] not in org["memberOf"]:
                org["memberOf"].append(room["siteId"])
    org["updatedAt"] = today_iso(ctx)
    return ok({"organizationId": org["_id"], "organizationName": org["name"]}, lang)


# --- Handlers: registration, e-mail check ---------------------------------------------

IDENTITY_SOURCES = {"fr": "insee_siret", "be": "kbo_bce", "ie": "cro"}


def _identity(number: str, name: str, country: str) -> dict:
    digits = re.sub(r"\D", "", number)
    expected = {"fr": (9, 14), "be": (10,), "ie": tuple(range(5, 9))}.get(country, ())
    return {
        "source": IDENTITY_SOURCES.get(country, "vies"),
        "confidence": 100 if len(digits) in expected else 50,
        "verifiedName": name.upper(),
        "verifiedNumber": digits or number,
    }


@auth_required
def post_register(ctx, request, user, body, lang) -> Response:
    state = ctx.state
    for field in ("name", "firstName", "email", "phone", "maxResidentUsers"):
        if body.get(field) in (None, ""):
            return error("missing_param", lang, 400, name=field)
    email = str(body["email"]).strip()
    if not EMAIL.match(email):
        return error("invalid_email", lang, 400)
    max_users = body["maxResidentUsers"]
    if isinstance(max_users, bool) or (_positive_number(max_users) or 0) < 1:
        return error("invalid_max_resident", lang, 400)
    # doc: "Country parameters accept multiple formats" (ISO code, English or French name,
    # case-insensitive); register's country is one of "fr", "be", "ie".
    raw_country = str(body.get("country") or "").strip()
    country = (normalize_country(raw_country) or "").lower() if raw_country else ""
    if raw_country and country not in IDENTITY_SOURCES:
        return error("invalid_country", lang, 400, extra={"data": []}, value=raw_country)
    # doc: "At least one of siteId, roomId, or meetingId must be provided"
    if not any(body.get(k) for k in ("siteId", "roomId", "meetingId")):
        return error("site_required", lang, 400)
    sites, room, meeting = [], None, None
    if body.get("siteId"):
        if not is_oid(body["siteId"]):
            return error("invalid_format", lang, 400, name="siteId")
        site = find(state, "sites", body["siteId"])
        if site is None:
            return error("site_not_found", lang, 404)
        sites.append(site["_id"])
    if body.get("roomId"):
        if not is_oid(body["roomId"]):
            return error("invalid_format", lang, 400, name="roomId")
        room = find(state, "rooms", body["roomId"])
        if room is None:
            return error("room_not_found", lang, 404)
        sites.append(room["siteId"])
    if body.get("meetingId"):
        if not is_oid(body["meetingId"]):
            return error("invalid_format", lang, 400, name="meetingId")
        meeting = find(state, "meetings", body["meetingId"])
        if meeting is None:
            return error("meeting_not_found", lang, 404)
        sites.append(find(state, "rooms", meeting["roomId"])["siteId"])
    # doc: "all sites are added to the organization's memberOf array in priority order"
    sites = list(dict.fromkeys(sites))
    country = country or find(state, "sites", sites[0])["country"].lower()

    contact = user_by_email(state, email)
    if contact is not None and find(state, "organizations", contact.get("organizationId")):
        return json_response(
            {
                "retcode": 200,
                "status": "USER_EXISTS",
                "message": message("user_exists", lang),
                "data": {"userId": contact["_id"], "organizationId": contact["organizationId"]},
            }
        )

    company = str(body.get("companyNumber") or "").strip()
    org = _matching_org(state, company)
    created = org is None
    if created:
        org = _new_org(ctx, body, company, country, int(float(max_users)), lang)
    for site_id in sites:
        if site_id not in org["memberOf"]:
            org["memberOf"].append(site_id)
    org["updatedAt"] = today_iso(ctx)

    user_created = contact is None
    if contact is None:
        contact = _new_user(ctx, email, "", lang, role="principal-admin")
    has_admin = any(
        u["organizationId"] == org["_id"] and u["role"] == "principal-admin" for u in state["users"]
    )
    contact.update(
        firstName=str(body["firstName"]),
        lastName=str(body.get("lastName") or ""),
        phone=str(body["phone"]),
        language=lang,
        role="user" if has_admin else "principal-admin",
        organizationId=org["_id"],
        updatedAt=today_iso(ctx),
    )

    # doc: "meetingsUpdated: Number of pending meeting requests linked to the organization"
    linked = 0
    for pending in state["meetings"]:
        mine = pending["contactEmail"].lower() == email.lower() or pending is meeting
        if pending["status"] == "pending" and mine and pending["organizationId"] != org["_id"]:
            pending.update(organizationId=org["_id"], userId=contact["_id"])
            linked += 1

    site_of_room = find(state, "sites", room["siteId"]) if room else None
    data = {
        "userId": contact["_id"],
        "userEmail": contact["email"],
        "userRole": contact["role"],
        "userCreated": user_created,
        "organizationId": org["_id"],
        "organizationName": org["name"],
        "organizationCreated": created,
        "meetingsUpdated": linked,
        "roomOfInterest": (
            {
                "_id": room["_id"],
                "name": room["publicName"] or room["name"],
                "siteName": site_of_room["name"],
                "siteId": site_of_room["_id"],
            }
            if room
            else None
        ),
        "identityVerification": _identity(company, org["name"], country) if company else None,
    }
    key, status = ("registered", "CREATED") if created else ("register_updated", "UPDATED")
    return json_response(
        {"retcode": 200, "status": status, "message": message(key, lang), "data": data}
    )


def _matching_org(state: dict, company: str) -> dict | None:
    """An active organization with the same company number (SIRET/KBO/VAT), if any."""
    digits = re.sub(r"\D", "", company)
    if not digits:
        return None
    for org in state["organizations"]:
        if not org["isArchived"] and re.sub(r"\D", "", org["companyNumber"] or "") == digits:
            return org
    return None


def _new_org(ctx, body: dict, company: str, country: str, max_users: int, lang: str) -> dict:
    full_name = f"{body['firstName']} {body.get('lastName') or ''}".strip()
    org = {
        "_id": new_id(ctx.state),
        "name": str(body["name"]),
        "description": None,
        "language": lang,
        "isArchived": False,
        "memberOf": [],
        "maxResidentUsers": max_users,
        "isMember": False,  # doc: "Registration request creates a pending organization"
        "contractStartDate": None,
        "contractEndDate": None,
        "renewalMonths": None,
        "basePrice": None,
        "lastAccessDate": None,
        "accountType": "none",
        "billingName": str(body["name"]),
        "billingEmail": str(body["email"]).lower(),
        "billingAddress": body.get("address") or None,
        "vatNumber": body.get("vatNumber") or None,
        "companyNumber": company or None,
        "contactName": full_name,
        "contactPhone": str(body["phone"]),
        "updatedAt": today_iso(ctx),
        "contractOptions": [],
        "nextOptionId": 1,
        "rentalComment": "",
        "rentalUrl": "",
        "country": country.upper(),
    }
    ctx.state["organizations"].append(org)
    return org


@auth_required
def post_check_email(ctx, request, user, body, lang) -> Response:
    """Listed in the document's auth table without a description: the sandbox answers
    whether the e-mail is known and how /api/meeting-request would treat it."""
    email = str(body.get("email") or request.args.get("email") or "").strip()
    if not email:
        return error("missing_param", lang, 400, name="email")
    if not EMAIL.match(email):
        return error("invalid_email", lang, 400)
    found = user_by_email(ctx.state, email)
    kind = _account_kind(ctx.state, found)
    data = {
        "email": email.lower(),
        "exists": found is not None,
        "userId": found["_id"] if found else None,
        "organizationId": found.get("organizationId") if found else None,
        "isArchived": kind == "archived",
        "isMember": kind == "member",
    }
    return ok(data, lang)


def post_validate_email(ctx: Context, request: Request) -> Response:
    """Sandbox only (not in the document): what the e-mail validation link does — the
    user's address becomes valid and their pending meeting requests are confirmed."""
    body = body_of(request)
    lang = language(request, body)
    email = str(body.get("email") or "").strip()
    found = user_by_email(ctx.state, email) if email else None
    if found is None:
        return error("user_not_found", lang, 404)
    found.update(mailValid=True, updatedAt=today_iso(ctx))
    if found["role"] == "temp" and found.get("organizationId"):
        found["role"] = "principal-admin"
    confirmed, rejected = [], []
    for meeting in ctx.state["meetings"]:
        if meeting["status"] != "pending" or meeting["contactEmail"] != found["email"]:
            continue
        start, end = parse_utc(meeting["start"]), parse_utc(meeting["end"])
        if overlaps(ctx.state, meeting["roomId"], start, end):
            meeting["status"] = "rejected"
            rejected.append(meeting["_id"])
        else:
            meeting["status"] = "confirmed"
            confirmed.append(meeting["_id"])
    data = {"userId": found["_id"], "confirmedMeetings": confirmed, "rejectedMeetings": rejected}
    return ok(data, lang)


# --- Spec -----------------------------------------------------------------------------


def config(base_url: str, state: dict) -> dict:
    return {
        "base_url": f"{base_url}{PREFIX}",
        "token": seeds.DEV_TOKEN,
        "known_member_email": seeds.KNOWN_MEMBER_EMAIL,
        "archived_member_email": seeds.ARCHIVED_MEMBER_EMAIL,
        "archived_user_email": seeds.ARCHIVED_USER_EMAIL,
        "inactive_token": seeds.INACTIVE_TOKEN,
        "archived_account_token": seeds.ARCHIVED_ACCOUNT_TOKEN,
        "archived_user_token": seeds.ARCHIVED_USER_TOKEN,
        "private_room_id": seeds.R_BRU_PRIVATE,
    }


API = f"{PREFIX}/api"
SPEC = ProviderSpec(
    name="workways",
    routes=[
        (f"{API}/sites", get_sites, ["GET"]),
        (f"{API}/rooms", get_rooms, ["GET"]),
        (f"{API}/countries", get_countries, ["GET"]),
        (f"{API}/icsfeed", get_icsfeed, ["GET"]),
        (f"{API}/register", post_register, ["POST"]),
        (f"{API}/meeting-request", post_meeting_request, ["POST"]),
        (f"{API}/check-email", post_check_email, ["POST"]),
        (f"{API}/room-price", get_room_price, ["GET"]),
        (f"{API}/contract-options", get_contract_options, ["GET"]),
        (f"{API}/user-info", get_user_info, ["GET"]),
        (f"{API}/set-optin", set_optin, ["GET", "POST"]),
        (f"{API}/organization-info", get_organization_info, ["GET"]),
        (f"{API}/merge-contract", post_merge_contract, ["POST"]),
        (f"{PREFIX}/imageroom", get_image, ["GET"]),
        (f"{PREFIX}/_sandbox/validate-email", post_validate_email, ["POST"]),
    ],
    seed=seeds.seed,
    config=config,
)
