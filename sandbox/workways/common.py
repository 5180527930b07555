"""Workways sandbox: constants, request helpers and authentication."""

from __future__ import annotations

import math
import re

from werkzeug.wrappers import Request, Response

from sandbox import workways_seed as seeds
from sandbox.core import Context, read_json
from sandbox.workways.messages import error

PREFIX = "/workways"
# doc: "Without API key: Returns only public rooms (publicOffice, publicMeeting)"
PUBLIC_TYPES = ("publicOffice", "publicMeeting")
MEETING_TYPES = ("publicMeeting", "meeting", "privateMeeting", "sharedMeeting", "conference")
OFFICE_TYPES = ("publicOffice", "office", "privateOffice", "sharedOffice")
OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
