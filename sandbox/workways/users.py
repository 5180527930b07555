"""Workways sandbox: user info, opt-in, organization info and contract merges."""

from __future__ import annotations

from werkzeug.wrappers import Response

from sandbox.workways.common import (
    DATE,
    EMAIL,
    auth_required,
    find,
    is_oid,
    language,
    page_args,
    paginate,
    today_iso,
    user_by_email,
)
from sandbox.workways.meetings import _number, _positive_number
from sandbox.workways.messages import error, ok

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
