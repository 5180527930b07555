"""Workways sandbox: registration and the e-mail checks."""

from __future__ import annotations

import re

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.workways.catalogue import normalize_country
from sandbox.workways.common import (
    EMAIL,
    auth_required,
    body_of,
    find,
    is_oid,
    language,
    new_id,
    today_iso,
    user_by_email,
)
from sandbox.workways.meetings import _account_kind, _new_user, _positive_number
from sandbox.workways.messages import error, message, ok
from sandbox.workways.timetable import overlaps, parse_utc

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
