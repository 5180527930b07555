"""Zentry Workspaces API (document 002): admin roles, workspaces, members and applications."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.zentry.lookups import (
    APPLICATION_STATUSES,
    MEMBER_APPLICATION_STATUSES,
    find,
    parse_address,
    parse_schedule,
)
from sandbox.zentry_common import (
    CI,
    any_of,
    bad_request,
    body_of,
    caller_workspace_id,
    enum_list,
    invalid,
    iso,
    new_id,
    ok_empty,
    opt_instant,
    opt_str,
    paged,
    query_arg,
    req_str,
    required,
    stamp,
    str_list,
    strip_private,
)

# --- Admin ------------------------------------------------------------------------------


def contact_of(body: CI, field: str = "contact") -> dict:
    """doc: Contact {name, email (required), phone}; firstName/lastName are read-only."""
    contact = body.get(field)
    if contact is None:
        raise required(field)
    if not isinstance(contact, dict):
        raise invalid(field, "The JSON value could not be converted to Contact.")
    name = contact.get("name")
    email = contact.get("email")
    if not isinstance(name, str) or not name.strip():
        raise required(f"{field}.name")
    if not isinstance(email, str) or not email.strip():
        raise required(f"{field}.email")
    first, _, last = name.strip().partition(" ")
    return {
        "name": name,
        "email": email,
        "phone": contact.get("phone"),
        "firstName": first,
        "lastName": last,
    }


def render_user(user: dict) -> dict:
    return strip_private(user)


def add_user_role(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    contact = contact_of(body)
    role = req_str(body, "role")
    # doc example: "workspaceId": "686d3163ee1ffbbdb38b6a74" -- any id is recorded as sent
    workspace_id = req_str(body, "workspaceId")
    user = next(
        (u for u in ctx.state["users"] if u["email"].lower() == contact["email"].lower()), None
    )
    if user is None:
        user = {
            "id": new_id(ctx.state),
            "email": contact["email"],
            "firstName": contact["firstName"],
            "lastName": contact["lastName"],
            "pictureUrl": None,
        }
        ctx.state["users"].append(user)
    grant = {"userId": user["id"], "role": role, "workspaceId": workspace_id}
    if grant not in ctx.state["roles"]:
        ctx.state["roles"].append(grant)
    return json_response(render_user(user))


def remove_user_role(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    email = req_str(body, "email")
    role = req_str(body, "role")
    workspace_id = req_str(body, "workspaceId")
    user = next((u for u in ctx.state["users"] if u["email"].lower() == email.lower()), None)
    # doc: 200 None; removing a role nobody holds changes nothing and is not an error
    if user is not None:
        grant = {"userId": user["id"], "role": role, "workspaceId": workspace_id}
        if grant in ctx.state["roles"]:
            ctx.state["roles"].remove(grant)
    return ok_empty()


def users_with_role(ctx: Context, request: Request, tenantId: str, role: str) -> Response:
    """GET /Admin/{tenantId}/role/{role}: the users holding `role` in that workspace/tenant."""
    # a tenant id stands for the workspace of the caller's API key
    scope = {tenantId}
    if any(t["id"] == tenantId for t in ctx.state["tenants"]):
        scope.add(caller_workspace_id(ctx, request))
    ids = [
        g["userId"]
        for g in ctx.state["roles"]
        if g["role"].lower() == role.lower() and g["workspaceId"] in scope
    ]
    users = [render_user(u) for u in ctx.state["users"] if u["id"] in ids]
    paging = CI({"offset": _int_arg(request, "offset", 0), "limit": _int_arg(request, "limit", 25)})
    return paged(users, paging)


def _int_arg(request: Request, name: str, default: int) -> int:
    value = query_arg(request, name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise invalid(name, f"The value '{value}' is not valid.") from None


# --- UserLocation, Workspace, WorkspaceMember -------------------------------------------


def get_user_locations(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    workspace_ids, location_ids, user_ids = (
        str_list(body, k) for k in ("workspaceIds", "locationIds", "userIds")
    )
    items = [
        strip_private(u)
        for u in ctx.state["userLocations"]
        if any_of(workspace_ids, u["workspaceId"])
        and any_of(location_ids, u["locationId"])
        and any_of(user_ids, u["userId"])
    ]
    return paged(items, body)


def create_user_location(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    user_id, workspace_id, location_id = (
        req_str(body, k) for k in ("userId", "workspaceId", "locationId")
    )
    find(ctx, "users", user_id, "User")
    find(ctx, "workspaces", workspace_id, "Workspace")
    location = find(ctx, "locations", location_id, "Location")
    if location["workspaceId"] != workspace_id:
        raise bad_request(
            f"Location '{location_id}' does not belong to workspace '{workspace_id}'."
        )
    record = {"id": new_id(ctx.state)}
    stamp(record, ctx.now(), created=True)
    record.update(userId=user_id, workspaceId=workspace_id, locationId=location_id)
    ctx.state["userLocations"].append(record)
    return json_response(record)


def get_my_workspace(ctx: Context, request: Request) -> Response:
    """GET /Workspace/my: the workspace the API key belongs to."""
    return json_response(find(ctx, "workspaces", caller_workspace_id(ctx, request), "Workspace"))


def get_workspaces(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids = str_list(body, "ids")
    return paged([w for w in ctx.state["workspaces"] if any_of(ids, w["id"])], body)


def update_workspace(ctx: Context, request: Request, id: str) -> Response:
    workspace = find(ctx, "workspaces", id, "Workspace")
    body = body_of(request, required_body=True)
    workspace["logoUrl"] = opt_str(body, "logoUrl")
    stamp(workspace, ctx.now())
    return json_response(workspace)


def get_workspace_members(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids, workspace_ids, user_ids = (str_list(body, k) for k in ("ids", "workspaceIds", "userIds"))
    items = [
        m
        for m in ctx.state["workspaceMembers"]
        if any_of(ids, m["id"])
        and any_of(workspace_ids, m["workspaceId"])
        and any_of(user_ids, m["userId"])
    ]
    return paged(items, body)


# --- Application ------------------------------------------------------------------------


def parse_application_locations(body: CI) -> list[dict] | None:
    """doc: ApplicationLocation (every field optional but autoApproveReservations)."""
    value = body.get("locations")
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid(
            "locations", "The JSON value could not be converted to ApplicationLocation[]."
        )
    result = []
    for item in value:
        if not isinstance(item, dict):
            raise invalid(
                "locations", "The JSON value could not be converted to ApplicationLocation."
            )
        rooms = []
        for room in item.get("rooms") or []:
            rooms.append(
                {
                    "name": room.get("name"),
                    "pricePerHour": room.get("pricePerHour"),
                    "marketplacePricePerHour": room.get("marketplacePricePerHour"),
                    "pricePerDay": room.get("pricePerDay"),
                    "marketplacePricePerDay": room.get("marketplacePricePerDay"),
                    "quantity": room.get("quantity"),
                    "amenities": room.get("amenities"),
                    "capacity": room.get("capacity"),
                    "maxReservationMinutes": room.get("maxReservationMinutes"),
                    "pictureUrls": room.get("pictureUrls"),
                    "autoApproveReservations": bool(room.get("autoApproveReservations")),
                }
            )
        result.append(
            {
                "name": item.get("name"),
                "address": parse_address(item, need=False),
                "schedule": parse_schedule(item, need=False),
                "amenities": item.get("amenities"),
                "price": item.get("price"),
                "marketplacePrice": item.get("marketplacePrice"),
                "pictureUrls": item.get("pictureUrls"),
                "phone": item.get("phone"),
                "checkInInstructions": item.get("checkInInstructions"),
                "description": item.get("description"),
                "waiverUrl": item.get("waiverUrl"),
                "termsOfSerivceUrl": item.get("termsOfSerivceUrl"),
                "rooms": rooms,
                "autoApproveReservations": bool(item.get("autoApproveReservations")),
            }
        )
    return result


def _new_application(ctx: Context, request: Request, invited: bool) -> Response:
    body = body_of(request, required_body=True)
    name = req_str(body, "name")
    contact = contact_of(body)
    description = req_str(body, "description")
    record = {"id": new_id(ctx.state)}
    stamp(record, ctx.now(), created=True)
    record.update(
        status="Pending" if invited else "Inquiry",
        name=name,
        contact=contact,
        description=description,
        locations=None,
        ownerId=None,
        ownerEmail=contact["email"],
        workspaceId=None,
        wasInvited=invited,
    )
    ctx.state["applications"].append(record)
    return json_response(record)


def create_application(ctx: Context, request: Request) -> Response:
    """POST /Application/create: a new application in status Inquiry."""
    return _new_application(ctx, request, invited=False)


def invite_workspace(ctx: Context, request: Request) -> Response:
    """POST /Application/invite: an invited application (wasInvited), status Pending."""
    return _new_application(ctx, request, invited=True)


def get_applications(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids, owners = (str_list(body, k) for k in ("ids", "ownerIds"))
    statuses = enum_list(body, "statuses", APPLICATION_STATUSES, "ApplicationStatus")
    items = [
        a
        for a in ctx.state["applications"]
        if any_of(ids, a["id"]) and any_of(owners, a["ownerId"]) and any_of(statuses, a["status"])
    ]
    return paged(items, body)


def _edit_application(ctx: Context, request: Request, id: str, submit: bool) -> Response:
    app = find(ctx, "applications", id, "Application")
    body = body_of(request, required_body=True)
    allowed = ("Pending",) if submit else ("Inquiry", "Pending")
    if app["status"] not in allowed:
        raise bad_request(f"Application '{id}' is {app['status']} and cannot be changed.")
    app["name"] = req_str(body, "name")
    app["description"] = req_str(body, "description")
    locations = parse_application_locations(body)
    if locations is not None:
        app["locations"] = locations
    if submit:
        if not app["locations"]:
            raise required("locations")
        app["status"] = "Submitted"
    stamp(app, ctx.now())
    return json_response(app)


def update_application(ctx: Context, request: Request, id: str) -> Response:
    return _edit_application(ctx, request, id, submit=False)


def submit_application(ctx: Context, request: Request, id: str) -> Response:
    """PUT /Application/{id}/submit: Pending -> Submitted."""
    return _edit_application(ctx, request, id, submit=True)


def _application_from_body(ctx: Context, request: Request, allowed: tuple[str, ...]) -> dict:
    body = body_of(request, required_body=True)
    app = find(ctx, "applications", req_str(body, "applicationId"), "Application")
    if app["status"] not in allowed:
        raise bad_request(f"Application '{app['id']}' is {app['status']} and cannot be changed.")
    return app


def approve_inquiry(ctx: Context, request: Request) -> Response:
    """PUT /Application/approve-inquiry: Inquiry -> Pending."""
    app = _application_from_body(ctx, request, ("Inquiry",))
    app["status"] = "Pending"
    stamp(app, ctx.now())
    return json_response(app)


def deny_application(ctx: Context, request: Request) -> Response:
    app = _application_from_body(ctx, request, ("Inquiry", "Pending", "Submitted"))
    app["status"] = "Denied"
    stamp(app, ctx.now())
    return json_response(app)


def approve_application(ctx: Context, request: Request) -> Response:
    """PUT /Application/approve: Submitted -> Approved; answers the new Workspace."""
    app = _application_from_body(ctx, request, ("Submitted",))
    now = ctx.now()
    workspace = {"id": new_id(ctx.state)}
    stamp(workspace, now, created=True)
    workspace.update(name=app["name"], email=app["contact"]["email"], logoUrl=None)
    ctx.state["workspaces"].append(workspace)
    app.update(status="Approved", workspaceId=workspace["id"])
    stamp(app, now)
    return json_response(workspace)


def remind_application(ctx: Context, request: Request) -> Response:
    _application_from_body(ctx, request, ("Inquiry", "Pending"))
    return ok_empty()


# --- MemberApplication ------------------------------------------------------------------


def get_member_applications(ctx: Context, request: Request) -> Response:
    body = body_of(request)
    ids, workspaces, users = (str_list(body, k) for k in ("ids", "workspaceIds", "userIds"))
    statuses = enum_list(body, "statuses", MEMBER_APPLICATION_STATUSES, "MemberApplicationStatus")
    items = [
        m
        for m in ctx.state["memberApplications"]
        if any_of(ids, m["id"])
        and any_of(workspaces, m["workspaceId"])
        and any_of(users, m["userId"])
        and any_of(statuses, m["status"])
    ]
    return paged(items, body)


def create_member_application(ctx: Context, request: Request) -> Response:
    body = body_of(request, required_body=True)
    workspace_id = req_str(body, "workspaceId")
    user_id = req_str(body, "userId")
    template = req_str(body, "workspaceLicenseTemplateId")
    location_id = opt_str(body, "locationId")
    requested = opt_instant(body, "requestedActivationDate")
    if requested is None:
        raise required("requestedActivationDate")
    find(ctx, "workspaces", workspace_id, "Workspace")
    find(ctx, "users", user_id, "User")
    if location_id:
        find(ctx, "locations", location_id, "Location")
    record = {"id": new_id(ctx.state)}
    stamp(record, ctx.now(), created=True)
    record.update(
        workspaceId=workspace_id,
        userId=user_id,
        workspaceLicenseTemplateId=template,
        locationId=location_id,
        status="Request",
        requestedActivationDate=iso(requested),
        activationDate=None,
    )
    ctx.state["memberApplications"].append(record)
    return json_response(record)


def update_member_application(ctx: Context, request: Request, id: str) -> Response:
    record = find(ctx, "memberApplications", id, "MemberApplication")
    body = body_of(request, required_body=True)
    requested = opt_instant(body, "requestedActivationDate")
    if requested is None:
        raise required("requestedActivationDate")
    activation = opt_instant(body, "activationDate")
    location_id = opt_str(body, "locationId")
    if location_id:
        find(ctx, "locations", location_id, "Location")
    record.update(
        requestedActivationDate=iso(requested),
        activationDate=iso(activation),
        locationId=location_id,
    )
    stamp(record, ctx.now())
    return json_response(record)


MEMBER_TRANSITIONS = {
    "deny": (("Request", "Pending", "Submitted"), "Denied"),
    "approve-request": (("Request",), "Pending"),
    "submit": (("Pending",), "Submitted"),
    "approve": (("Submitted",), "Approved"),
}


def member_transition(action: str):
    allowed, target = MEMBER_TRANSITIONS[action]

    def handler(ctx: Context, request: Request, id: str) -> Response:
        record = find(ctx, "memberApplications", id, "MemberApplication")
        if record["status"] not in allowed:
            raise bad_request(
                f"Member application '{id}' is {record['status']} and cannot be changed."
            )
        record["status"] = target
        now = ctx.now()
        stamp(record, now)
        if target == "Approved":
            record["activationDate"] = record["activationDate"] or record["requestedActivationDate"]
            member = {"id": new_id(ctx.state)}
            stamp(member, now, created=True)
            member.update(
                workspaceId=record["workspaceId"],
                locationId=record["locationId"],
                userId=record["userId"],
            )
            ctx.state["workspaceMembers"].append(member)
        return json_response(record)

    handler.__name__ = f"member_{action.replace('-', '_')}"
    return handler
