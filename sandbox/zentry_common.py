"""Zentry sandbox: helpers shared by the Workspaces and CheckIns APIs.

Auth, ASP.NET-style problem bodies, paged envelopes, case-insensitive JSON bodies,
date-time parsing, weekly schedules and recurring closures.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response

WORKSPACES = "/zentry/workspaces"
CHECKINS = "/zentry/checkins"

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
RECURRENCES = ["None", "Daily", "Weekly", "Monthly", "Yearly"]
ACTIVE_STATUSES = ("Pending", "Approved")

# doc: "API Key (API_KEY) • Parameter Name: Api-Key Authentication, in: header."
# A header name cannot contain a space, so the key travels in `Api-Key`; the spellings
# `Api-Key-Authentication` and `Authorization: Api-Key <key>` are accepted too.
API_KEY_HEADERS = ("Api-Key", "Api-Key-Authentication", "ApiKey", "X-Api-Key")


class ApiError(Exception):
    """Raised by helpers; turned into a problem response by :func:`guard`."""

    def __init__(self, response: Response):
        super().__init__("api error")
        self.response = response


# --- problem bodies (ASP.NET Core ProblemDetails / HttpValidationProblemDetails) --------

PROBLEM_TYPES = {
    400: ("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request"),
    401: ("https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized"),
    403: ("https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden"),
    404: ("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found"),
}


def _problem_response(body: dict, status: int) -> Response:
    response = json_response(body, status)
    response.content_type = "application/problem+json; charset=utf-8"
    return response


def problem(status: int, detail: str, request: Request | None = None) -> Response:
    """doc: ProblemDetails {type, title, status, detail, instance}."""
    kind, title = PROBLEM_TYPES[status]
    body = {"type": kind, "title": title, "status": status, "detail": detail}
    if request is not None:
        body["instance"] = request.path
    return _problem_response(body, status)


def validation_problem(errors: dict[str, list[str]]) -> Response:
    """doc: HttpValidationProblemDetails = ProblemDetails + errors {field: [messages]}."""
    body = {
        "type": PROBLEM_TYPES[400][0],
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": errors,
    }
    return _problem_response(body, 400)


def bad_request(detail: str) -> ApiError:
    return ApiError(problem(400, detail))


def not_found(kind: str, ident: Any) -> ApiError:
    return ApiError(problem(404, f"{kind} '{ident}' was not found."))


def invalid(field: str, message: str) -> ApiError:
    return ApiError(validation_problem({field: [message]}))


def required(field: str) -> ApiError:
    return invalid(field, f"The {field} field is required.")


# --- auth and dispatch ------------------------------------------------------------------


def api_key_of(request: Request) -> str | None:
    for name in API_KEY_HEADERS:
        value = request.headers.get(name)
        if value:
            return value.strip()
    auth = request.headers.get("Authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() in {"api-key", "apikey"} and value.strip():
        return value.strip()
    return None


def guard(handler):
    """Wrap a handler: check the API key, turn ApiError into its response."""

    def wrapped(ctx: Context, request: Request, **values) -> Response:
        key = api_key_of(request)
        if not key:
            return problem(401, "An Api-Key header is required.", request)
        if key not in ctx.state["apiKeys"]:
            return problem(401, "The Api-Key is not valid.", request)
        try:
            return handler(ctx, request, **values)
        except ApiError as exc:
            return exc.response

    wrapped.__name__ = getattr(handler, "__name__", "handler")
    return wrapped


def caller_workspace_id(ctx: Context, request: Request) -> str:
    return ctx.state["apiKeys"][api_key_of(request)]["workspaceId"]


# --- bodies, queries --------------------------------------------------------------------


class CI(dict):
    """A JSON object with case-insensitive keys (ASP.NET binds bodies case-insensitively)."""

    def __init__(self, data: dict):
        super().__init__({str(k).lower(): ci(v) for k, v in data.items()})

    def get(self, key, default=None):
        return super().get(key.lower(), default)

    def __contains__(self, key):
        return super().__contains__(str(key).lower())

    def __getitem__(self, key):
        return super().__getitem__(key.lower())


def ci(value: Any) -> Any:
    if isinstance(value, dict):
        return CI(value)
    if isinstance(value, list):
        return [ci(v) for v in value]
    return value


def body_of(request: Request, required_body: bool = False) -> CI:
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required_body:
            raise invalid("", "A non-empty request body is required.")
        return CI({})
    try:
        data = json.loads(raw)
    except ValueError:
        raise invalid("$", "The JSON value could not be converted to a request object.") from None
    if not isinstance(data, dict):
        raise invalid("$", "The JSON value could not be converted to a request object.")
    return CI(data)


def query_arg(request: Request, name: str) -> str | None:
    """Query parameters are bound case-insensitively (doc names them `Id`, `Date`, `Query`)."""
    for key, value in request.args.items():
        if key.lower() == name.lower():
            return value
    return None


def require_all(body: CI, fields: tuple[str, ...]) -> None:
    """Every missing required field in one validation problem, as ASP.NET model
    validation reports them (`null` and, for strings, "" count as missing)."""
    missing = [
        f
        for f in fields
        if body.get(f) is None or (isinstance(body.get(f), str) and not body.get(f).strip())
    ]
    if missing:
        raise ApiError(validation_problem({f: [f"The {f} field is required."] for f in missing}))


def req_str(body: CI, field: str) -> str:
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise required(field)
    if not isinstance(value, str):
        raise invalid(
            field, f"The JSON value could not be converted to System.String. Path: $.{field}"
        )
    return value


def opt_str(body: CI, field: str) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(
            field, f"The JSON value could not be converted to System.String. Path: $.{field}"
        )
    return value


def int_field(body: CI, field: str, *, need: bool = False, minimum: int | None = 0) -> int | None:
    value = body.get(field)
    if value is None:
        if need:
            raise required(field)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise invalid(
            field, f"The JSON value could not be converted to System.Int64. Path: $.{field}"
        )
    if minimum is not None and value < minimum:
        raise invalid(field, f"'{field}' must be greater than or equal to '{minimum}'.")
    return int(value)


def bool_field(body: CI, field: str, *, need: bool = False) -> bool | None:
    value = body.get(field)
    if value is None:
        if need:
            raise required(field)
        return None
    if not isinstance(value, bool):
        raise invalid(
            field, f"The JSON value could not be converted to System.Boolean. Path: $.{field}"
        )
    return value


def str_list(body: CI, field: str, *, need: bool = False) -> list[str] | None:
    value = body.get(field)
    if value is None:
        if need:
            raise required(field)
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(
            field, f"The JSON value could not be converted to System.String[]. Path: $.{field}"
        )
    return value


def enum_list(body: CI, field: str, values: tuple[str, ...], kind: str) -> list[str] | None:
    """A list of enum names (doc: enums travel as strings, e.g. "statuses": ["Active"])."""
    items = str_list(body, field)
    for item in items or []:
        if item not in values:
            raise invalid(field, f"'{item}' is not a valid {kind}.")
    return items


# --- paging -----------------------------------------------------------------------------


def paging(body: CI) -> tuple[int, int]:
    """doc: IPagedRequest {offset: "How far to skip", limit: "How many results to return"}."""
    offset = int_field(body, "offset")
    limit = int_field(body, "limit")
    return (0 if offset is None else offset), (25 if limit is None else limit)


def paged(items: list[dict], body: CI) -> Response:
    """doc: {"data": [...], "pagedRequest": {"offset": 0, "limit": 25}, "totalCount": 100}."""
    offset, limit = paging(body)
    return json_response(
        {
            "data": items[offset : offset + limit],
            "pagedRequest": {"offset": offset, "limit": limit},
            "totalCount": len(items),
        }
    )


def any_of(filter_values: list[str] | None, value: Any) -> bool:
    """A list filter: absent or empty matches everything."""
    return not filter_values or value in filter_values


# --- time -------------------------------------------------------------------------------


def iso(moment: dt.datetime | None) -> str | None:
    """Date-times are answered in UTC, doc style: "2019-08-24T14:15:22Z"."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class When:
    """A parsed request date-time: an instant (offset given), a naive local time, or a date."""

    def __init__(self, aware: dt.datetime | None, naive: dt.datetime | None, date_only: bool):
        self.aware = aware
        self.naive = naive
        self.date_only = date_only

    def local(self, tz: ZoneInfo) -> dt.datetime:
        """Naive date-times are read in the location's time zone."""
        if self.aware is not None:
            return self.aware.astimezone(tz)
        return self.naive.replace(tzinfo=tz)

    def instant(self, tz: ZoneInfo) -> dt.datetime:
        return self.local(tz).astimezone(dt.UTC)

    def calendar_date(self, tz: ZoneInfo) -> dt.date:
        """The day a day pass is for.

        A bare date, or an instant at exactly 00:00:00 UTC, is taken as a calendar date
        (clients commonly send "2019-08-24T00:00:00Z" for "24 August"); any other instant
        is converted to the location's `timeZone`.
        """
        if self.date_only:
            return self.naive.date()
        if self.aware is not None:
            utc = self.aware.astimezone(dt.UTC)
            if utc.time() == dt.time(0, 0):
                return utc.date()
            return self.aware.astimezone(tz).date()
        return self.naive.date()

    @property
    def is_midnight(self) -> bool:
        if self.date_only:
            return True
        moment = self.aware.astimezone(dt.UTC) if self.aware is not None else self.naive
        return moment.time() == dt.time(0, 0)


def parse_when(value: Any, field: str) -> When:
    message = f"The JSON value could not be converted to System.DateTime. Path: $.{field}"
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, message)
    text = value.strip()
    if len(text) == 10:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise invalid(field, message) from None
        return When(None, dt.datetime.combine(day, dt.time()), True)
    if "." in text:  # .NET sends up to 7 fractional digits; Python reads 6
        head, _, tail = text.partition(".")
        digits = "".join(c for c in tail if c.isdigit())
        text = head + "." + digits[:6].ljust(6, "0") + tail[len(digits) :]
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise invalid(field, message) from None
    if moment.tzinfo is None:
        return When(None, moment, False)
    return When(moment, None, False)


def req_when(body: CI, field: str) -> When:
    value = body.get(field)
    if value is None:
        raise required(field)
    return parse_when(value, field)


def opt_instant(body: CI, field: str) -> dt.datetime | None:
    value = body.get(field)
    if value is None:
        return None
    return parse_when(value, field).instant(dt.UTC)


def parse_iso(value: str | None) -> dt.datetime | None:
    """A stored UTC timestamp back to an aware datetime."""
    if not value:
        return None
    return dt.datetime.fromisoformat(value)


def date_range(body: CI, field: str, *, need: bool) -> tuple[dt.datetime, dt.datetime] | None:
    """doc: DateRange {"from": date-time, "to": date-time}."""
    value = body.get(field)
    if value is None:
        if need:
            raise required(field)
        return None
    if not isinstance(value, dict):
        raise invalid(field, f"The JSON value could not be converted to DateRange. Path: $.{field}")
    if value.get("from") is None:
        raise required(f"{field}.from")
    if value.get("to") is None:
        raise required(f"{field}.to")
    start = parse_when(value.get("from"), f"{field}.from").instant(dt.UTC)
    end = parse_when(value.get("to"), f"{field}.to").instant(dt.UTC)
    if end < start:
        raise invalid(f"{field}.to", "'to' must be on or after 'from'.")
    return start, end


def span(value: str) -> dt.time:
    """doc: ScheduleDay.open / close are date-spans like "09:00:00"."""
    hours, minutes, *rest = value.split(":")
    seconds = int(rest[0]) if rest else 0
    return dt.time(int(hours), int(minutes), seconds)


# --- schedules and closures -------------------------------------------------------------


def schedule_day(location: dict, day: dt.date) -> dict:
    return location["schedule"][DAYS[day.weekday()]]


def open_window(location: dict, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The aware (UTC) open hours of a location on a local date, None if closed that day."""
    entry = schedule_day(location, day)
    if not entry["isOpen"]:
        return None
    tz = ZoneInfo(location["timeZone"])
    start = dt.datetime.combine(day, span(entry["open"]), tzinfo=tz)
    end = dt.datetime.combine(day, span(entry["close"]), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _shift(moment: dt.datetime, recurrence: str, k: int) -> dt.datetime:
    """Move a naive local datetime by k recurrence periods (wall clock, so DST-safe)."""
    if recurrence == "Daily":
        return moment + dt.timedelta(days=k)
    if recurrence == "Weekly":
        return moment + dt.timedelta(weeks=k)
    months = k if recurrence == "Monthly" else 12 * k
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def closure_occurrences(
    closure: dict, tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Occurrences of a (possibly recurring) closure that overlap [start, end).

    doc: Closure {dateRange, recurrence: None|Daily|Weekly|Monthly|Yearly, recurrenceEndDate}.
    Each occurrence repeats the first one's local wall-clock times; occurrences starting
    after `recurrenceEndDate` do not happen.
    """
    first_from = parse_iso(closure["dateRange"]["from"])
    first_to = parse_iso(closure["dateRange"]["to"])
    recurrence = closure.get("recurrence") or "None"
    if recurrence == "None":
        return [(first_from, first_to)] if first_from < end and first_to > start else []
    until = parse_iso(closure.get("recurrenceEndDate"))
    local_from = first_from.astimezone(tz).replace(tzinfo=None)
    local_to = first_to.astimezone(tz).replace(tzinfo=None)
    first = 0
    if recurrence in ("Daily", "Weekly"):
        step = 1 if recurrence == "Daily" else 7
        first = max(0, math.floor((start - first_to).days / step) - 1)
    # An occurrence keeps the first one's wall-clock length: a whole day closed on the
    # 30th closes 28 February too (moving "to" on its own would land on "from" there).
    length = local_to - local_from
    found = []
    for k in range(first, first + 20000):
        occ_local = _shift(local_from, recurrence, k)
        occ_from = occ_local.replace(tzinfo=tz).astimezone(dt.UTC)
        occ_to = (occ_local + length).replace(tzinfo=tz).astimezone(dt.UTC)
        if occ_from >= end or (until is not None and occ_from > until):
            break
        if occ_to > start:
            found.append((occ_from, occ_to))
    return found


def closures_hitting(
    closures: list[dict], tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[tuple[dict, dt.datetime, dt.datetime]]:
    hits = []
    for closure in closures:
        for occ_from, occ_to in closure_occurrences(closure, tz, start, end):
            hits.append((closure, occ_from, occ_to))
    return hits


def covers(
    hits: list[tuple[dict, dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> dict | None:
    """The closure whose occurrences, merged, cover all of [start, end), if any."""
    ordered = sorted(hits, key=lambda h: h[1])
    cursor = start
    last = None
    for closure, occ_from, occ_to in ordered:
        if occ_from > cursor:
            break
        if occ_to > cursor:
            cursor = occ_to
            last = closure
        if cursor >= end:
            return last
    return None


def strip_private(record: dict) -> dict:
    """State records keep internal keys prefixed with "_"; answers leave them out."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def new_id(state: dict) -> str:
    """24 hex digits like the documented ids ("184d3163ee1ffbbdb38b6c07"); deterministic."""
    state["seq"] = state.get("seq", 0) + 1
    return f"6a{state['seq']:022x}"


def stamp(record: dict, now: dt.datetime, created: bool = False) -> None:
    if created:
        record["dateCreated"] = iso(now)
    record["dateUpdated"] = iso(now)


def ok_empty() -> Response:
    """doc: "200 OK ... None" -> an empty 200."""
    return Response(b"", status=200)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)
