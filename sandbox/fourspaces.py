"""Sandbox of the 4Spaces organization API (seed document 004).

One ServiceStack service, ``GET /organization/details`` (served under ``/4spaces``):
an organization with its smart spaces (nested by category), its services (Reservation,
Request, External, Ticket) and its configuration.

ServiceStack behaviour reproduced here:

* Content negotiation. doc: "To override the Content-type in your clients, use the HTTP
  Accept Header, append the .jsv suffix or ?format=jsv". ``?format=`` wins over the
  ``.ext`` suffix, which wins over ``Accept`` (first supported type in the header);
  JSON is the default. JSON and JSV are served; other formats fall back to JSON.
* Serialization as in the doc's sample: camelCase names, null members left out, Guids as
  32 hex digits, dates as epoch milliseconds, TimeSpans as ISO 8601 durations
  (``PT0S``), enums as integers, JSV booleans ``True``/``False``.
* Request binding: query names are case-insensitive; a value that does not parse as
  the property's type is a 400 ``SerializationException`` listing the bad fields.
* Errors: the response DTO with only ``responseStatus`` (``errorCode``, ``message``,
  ``errors``), the HTTP status from the exception type (400 / 404).

The document defines no authentication, so none is required.
"""

from __future__ import annotations

import copy
import json
import uuid

from werkzeug.wrappers import Request, Response

from sandbox import fourspaces_seed
from sandbox.core import SELF_ORIGIN, Context, ProviderSpec
from sandbox.photos import photo_route

PREFIX = "/4spaces"
REQUEST_DTO = "GetOrganizationDetails"

# Request DTO properties (doc: OrganizationId string, Load* boolean, Version integer)
BOOL_PARAMS = ("LoadSmartSpaces", "LoadSmartSpaceThings", "LoadServices")
INT_PARAMS = ("Version",)
STRING_PARAMS = ("OrganizationId",)

JSON, JSV = "json", "jsv"
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    # doc: "Content-Type: text/jsv"
    JSV: "text/jsv; charset=utf-8",
}
ACCEPT_TYPES = {
    "application/json": JSON,
    "text/json": JSON,
    "application/jsv": JSV,
    "text/jsv": JSV,
}


# --- Serialization --------------------------------------------------------------------

# doc (ServiceStack JSV): strings with any of []{}," are quoted CSV-style, " doubled
JSV_ESCAPE = frozenset('[]{},"\r\n')


def jsv_string(value: str) -> str:
    if value == "":
        return '""'
    if any(char in JSV_ESCAPE for char in value):
        return '"' + value.replace('"', '""') + '"'
    return value


def to_jsv(value: object) -> str:
    """ServiceStack's JSV text: ``{key:value,...}``, ``[a,b]``, unquoted strings."""
    if isinstance(value, bool):  # doc sample: "canEnterWithTicket: False"
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return jsv_string(value)
    if isinstance(value, list):
        return "[" + ",".join(to_jsv(item) for item in value if item is not None) + "]"
    if isinstance(value, dict):
        members = (
            f"{jsv_string(str(key))}:{to_jsv(item)}"
            for key, item in value.items()
            if item is not None
        )
        return "{" + ",".join(members) + "}"
    return jsv_string(str(value))


def without_nulls(value: object) -> object:
    """ServiceStack leaves null members out of its JSON (and JSV)."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def response_format(request: Request, suffix: str | None) -> str:
    """``?format=`` first, then the ``.json``/``.jsv`` suffix, then Accept, else JSON."""
    for wanted in (request.args.get("format"), suffix):
        if wanted:
            wanted = wanted.strip().lower()
            return wanted if wanted in CONTENT_TYPES else JSON
    for part in request.headers.get("Accept", "").split(","):
        mime = part.split(";")[0].strip().lower()
        if mime in ACCEPT_TYPES:
            return ACCEPT_TYPES[mime]
    return JSON


def reply(body: dict, fmt: str, status: int = 200) -> Response:
    body = without_nulls(body)
    if fmt == JSV:
        text = to_jsv(body)
    else:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, content_type=CONTENT_TYPES[fmt])


# --- Errors (ServiceStack ResponseStatus) ---------------------------------------------


def error(
    fmt: str, status: int, code: str, message: str, errors: list[dict] | None = None
) -> Response:
    """The response DTO with only its ResponseStatus set, as ServiceStack answers errors."""
    return reply(
        {"responseStatus": {"errorCode": code, "message": message, "errors": errors or []}},
        fmt,
        status,
    )


def binding_error(fmt: str, bad: list[tuple[str, str]]) -> Response:
    """ServiceStack's answer when a query value does not convert to the property type."""
    errors = [
        {
            "errorCode": "SerializationException",
            "fieldName": name,
            "message": f"'{value}' is an Invalid value for '{name}'",
        }
        for name, value in bad
    ]
    return error(
        fmt, 400, "SerializationException", f"Unable to bind to request '{REQUEST_DTO}'", errors
    )


def not_empty_error(fmt: str, field: str, label: str) -> Response:
    """A validation (FluentValidation NotEmpty) error."""
    message = f"'{label}' must not be empty."
    errors = [
        {
            "errorCode": "NotEmpty",
            "fieldName": field,
            "message": message,
            "meta": {"PropertyName": label},
        }
    ]
    return error(fmt, 400, "NotEmpty", message, errors)


# --- Request binding ------------------------------------------------------------------


def query_values(request: Request) -> dict[str, str]:
    """Query parameters by lower-cased name (ServiceStack binds case-insensitively);
    repeated values are joined with commas, as ServiceStack does."""
    values: dict[str, list[str]] = {}
    for key, value in request.args.items(multi=True):
        values.setdefault(key.lower(), []).append(value)
    return {key: ",".join(items) for key, items in values.items()}


def parse_bool(text: str) -> bool | None:
    # ServiceStack takes the first of "true,false" (MVC checkbox helper) for booleans
    text = text.split(",")[0].strip().lower()
    return {"true": True, "false": False, "1": True, "0": False}.get(text)


def bind(request: Request) -> tuple[dict, list[tuple[str, str]]]:
    """The request DTO from the query string, and the values that failed to convert."""
    raw = query_values(request)
    dto: dict = {name: False for name in BOOL_PARAMS}
    dto.update({name: None for name in INT_PARAMS + STRING_PARAMS})
    bad: list[tuple[str, str]] = []
    for name in BOOL_PARAMS:
        text = raw.get(name.lower())
        if text is None or text == "":
            continue
        parsed = parse_bool(text)
        if parsed is None:
            bad.append((name, text))
        else:
            dto[name] = parsed
    for name in INT_PARAMS:
        text = raw.get(name.lower())
        if text is None or text == "":
            continue
        try:
            dto[name] = int(text.strip())
        except ValueError:
            bad.append((name, text))
    for name in STRING_PARAMS:
        dto[name] = raw.get(name.lower())
    return dto, bad


def parse_guid(text: str) -> str | None:
    """.NET Guid.Parse formats: 32 digits, dashed, {braced}, (parenthesised)."""
    text = text.strip()
    if len(text) == 38 and (text[0], text[-1]) in {("{", "}"), ("(", ")")}:
        text = text[1:-1]
    if len(text) not in (32, 36):
        return None
    try:
        return uuid.UUID(text).hex
    except ValueError:
        return None


# --- The view -------------------------------------------------------------------------


def organization_view(org: dict, dto: dict) -> dict:
    """The OrganizationView with only the parts the request asked for.

    doc: LoadSmartSpaces "Include smart spaces in organization response data",
    LoadSmartSpaceThings "Include things into organization smart spaces", LoadServices
    "Include services in organization response data" -- booleans, not required, so
    false unless sent; a part not loaded is null, which ServiceStack leaves out.
    """
    view = copy.deepcopy(org)
    if not dto["LoadSmartSpaces"]:
        view["smartSpaces"] = None
    elif not dto["LoadSmartSpaceThings"]:
        for space in view["smartSpaces"]:
            space["thingsByCategory"] = None
    if not dto["LoadServices"]:
        view["services"] = None
    return view


def organizations(ctx: Context) -> dict:
    """The seeded organizations; a state saved before this module existed (``{}``) is
    seeded on first use."""
    if "organizations" not in ctx.state:
        ctx.state.update(fourspaces_seed.seed(ctx.today))
        ctx.mark_changed()
    return ctx.state["organizations"]


def organization_details(ctx: Context, request: Request, fmt: str | None = None) -> Response:
    """GET /organization/details: "Gets an organization available to a business user
    with its details." """
    out = response_format(request, fmt)
    dto, bad = bind(request)
    if bad:
        return binding_error(out, bad)
    org_id = (dto["OrganizationId"] or "").strip()
    if not org_id:  # doc: OrganizationId ... Required: Yes
        return not_empty_error(out, "OrganizationId", "Organization Id")
    key = parse_guid(org_id)
    if key is None:  # the DTO holds a string; the service parses it as a Guid
        return error(out, 400, "FormatException", "Unrecognized Guid format.")
    org = organizations(ctx).get(key)
    if org is None:
        return error(out, 404, "NotFound", f"Organization '{org_id}' not found")
    return reply({"data": organization_view(org, dto)}, out)


def config(base_url: str, state: dict) -> dict:
    return {
        "base_url": f"{base_url}{PREFIX}",
        "organization_id": next(iter(state.get("organizations") or [fourspaces_seed.ORG_ID])),
    }


SPEC = ProviderSpec(
    name="fourspaces",
    routes=[
        (f"{PREFIX}/organization/details", organization_details, ["GET"]),
        # doc: "append the .jsv suffix"
        (f"{PREFIX}/organization/details.<fmt>", organization_details, ["GET"]),
        # the imageUrl of spaces, products and services (``sandbox.photos``)
        (
            f"{PREFIX}/photos/<path:path>",
            photo_route(lambda path: f"{SELF_ORIGIN}/4spaces/photos/{path}"),
            ["GET"],
        ),
    ],
    seed=fourspaces_seed.seed,
    config=config,
)
