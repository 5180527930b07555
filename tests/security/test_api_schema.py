"""Schema fuzz: schemathesis reads /api/openapi.json from the portal itself (in-process,
through its WSGI app: no server, no network) and sends every operation generated valid
and invalid requests with all its checks: no 5xx, documented status codes, content
types and headers, bodies valid by the schema, valid data accepted, invalid data
refused, 405 for undeclared methods. Each request is sent with the made-up id and again
with a real one of the probe world. Providers are never called (the world's scripted
provider answers). Bounded: ``MAX_EXAMPLES`` per operation and phase, derandomized so a
run is the same on every machine.

``KNOWN``: where the document and the API disagree today. The fuzz reads the document
as it should say (``patch``, on its own copy), and each has a strict xfail test: when
the fix is merged that test passes, fails as XPASS, and its line here is deleted.

``RULES``: what the API refuses by a rule the document states in words (its 400's
description) that a JSON schema cannot: the fuzz does not send those.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import jsonschema_rs
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, assume, settings
from schemathesis.core.transport import Response

from bookings.rules import MAX_DAYS_AHEAD
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25

APP = get_wsgi_application()
SERVED = json.loads(Client().get("/api/openapi.json").content)


# --- reading cases ----------------------------------------------------------------------


def _query(case) -> dict:
    return case.query or {}


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _days(case, *names) -> list[dt.date]:
    return [day for name in names if (day := _day(_query(case).get(name))) is not None]


# --- the document as the fuzz reads it ---------------------------------------------------


def _param(doc: dict, path: str, name: str) -> dict:
    for parameter in doc["paths"][path]["get"]["parameters"]:
        if parameter["name"] == name:
            return parameter
    raise KeyError(f"{path} has no parameter {name}")


@dataclass(frozen=True)
class Known:
    reason: str
    operation: str  # "GET /api/spaces"
    example: dict  # one input they disagree on, as Case() arguments
    patch: Callable[[dict], None]  # the document as it should say, for the fuzz


def _no_nul(path: str) -> Callable[[dict], None]:
    def patch(doc: dict) -> None:
        for name in ("q", "city", "country"):
            _param(doc, path, name)["schema"]["pattern"] = "^[^\\x00]*$"

    return patch


def _near(doc: dict) -> None:
    latitude = "-?(90(\\.0+)?|[0-8]?[0-9](\\.[0-9]+)?)"
    longitude = "-?(180(\\.0+)?|(1[0-7][0-9]|[0-9]?[0-9])(\\.[0-9]+)?)"
    _param(doc, SEARCH, "near")["schema"]["pattern"] = f"^{latitude},{longitude}$"


SPACES, SEARCH = "/api/spaces", "/api/search"
SLOTS, DAYS, SPACE = "/api/resources/{id}/slots", "/api/offers/{id}/days", "/api/spaces/{id}"
NUL = (
    "issue 14 (found by the schema fuzz): the OpenAPI document takes a NUL character in "
    "q, city and country, which the API refuses (400)"
)
NEAR = (
    "issue 14 (found by the schema fuzz): the OpenAPI document takes any string as near, "
    "where the API takes lat,lon (a pattern can say so)"
)

KNOWN: dict[str, Known] = {}


# --- what the fuzz does not send ---------------------------------------------------------


def _edge_day(case) -> bool:
    """The days listed run from today where it is latest to a year ahead where it is
    earliest; a space's own today may take a day more at either end."""
    today = dt.date.today()
    ahead = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    return any(
        abs((day - today).days) <= 2 or abs((day - ahead).days) <= 2
        for day in _days(case, "date", "from", "to")
    )


def _pass_range_refused(case) -> bool:
    """From (default today) to (default from + 13): on or after it, 62 days at most."""
    query = _query(case)
    start = _day(query.get("from")) if "from" in query else dt.date.today()
    end = _day(query.get("to")) if "to" in query else (start and start + dt.timedelta(days=13))
    if start is None or end is None:
        return False  # not a date: the document says so, the API must refuse it
    return not 0 <= (end - start).days < 61  # a day of margin, as above


def _times_refused(case) -> bool:
    query = _query(case)
    start, end = str(query.get("start") or ""), str(query.get("end") or "")
    if end and not start:
        return True
    if start and not (end or query.get("minutes")):
        return True
    return bool(start and end and end <= start)


def _distance_without_near(case) -> bool:
    return _query(case).get("sort") == "distance" and not _query(case).get("near")


def _amenity(case) -> bool:
    return "amenities" in _query(case)  # which slugs the catalogue has is its data


def _no_rate(case) -> bool:
    currency = _query(case).get("currency")
    return currency is not None and str(currency).upper() not in ("EUR", "USD", "GBP")


RULES: dict[str, tuple[str, Callable]] = {
    "a day at the edges of the listed days": (f"{SPACES} {SEARCH} {SLOTS} {DAYS}", _edge_day),
    "to on or after from, at most 62 days later": (DAYS, _pass_range_refused),
    "end after start; start with an end or a length": (SEARCH, _times_refused),
    "sort=distance with near": (SEARCH, _distance_without_near),
    "an amenity the catalogue has": (SPACES, _amenity),
    "a currency staff keep a rate for": (SEARCH, _no_rate),
}


def _fuzzed_document() -> dict:
    doc = copy.deepcopy(SERVED)
    for known in KNOWN.values():
        known.patch(doc)
    return doc


FUZZED = _fuzzed_document()
schema = schemathesis.openapi.from_dict(FUZZED)
schema.app = APP
served = schemathesis.openapi.from_dict(SERVED)
served.app = APP


@pytest.fixture
def wsgi_in_the_test_transaction():
    """Requests through the WSGI app run inside the test's transaction, as the test
    client's do: Django must not close the connection at each request's end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_ids(world: World) -> dict[str, int]:
    return {SPACE: world.space.pk, SLOTS: world.room.pk, DAYS: world.day_pass.pk}


def _left_alone(case) -> bool:
    path = case.operation.path
    return any(path in paths.split() and applies(case) for paths, applies in RULES.values())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, world, wsgi_in_the_test_transaction):
    assume(not _left_alone(case))
    case.call_and_validate()
    real = _real_ids(world).get(case.operation.path)
    if real is not None and case.path_parameters:
        case.path_parameters = {**case.path_parameters, "id": real}
        assume(not _left_alone(case))
        case.call_and_validate()


# --- the known disagreements, one strict xfail each ------------------------------------


def _doc_takes(path: str, method: str, example: dict) -> bool:
    """Whether the served document calls this input valid."""
    for parameter in SERVED["paths"][path][method.lower()]["parameters"]:
        where = {"path": "path_parameters", "query": "query"}[parameter["in"]]
        values = example.get(where) or {}
        if parameter["name"] not in values:
            if parameter.get("required"):
                return False
            continue
        # the parameter's schema, with the document's components for its $refs
        rooted = {**parameter["schema"], "components": SERVED["components"]}
        check = jsonschema_rs.validator_for(rooted, validate_formats=True)
        if not check.is_valid(values[parameter["name"]]):
            return False
    return True


def _agrees(response: Response, doc_valid: bool) -> bool:
    """Valid by the document: answered (2xx, or 404 for an id); invalid: a 400."""
    if doc_valid:
        return response.status_code < 300 or response.status_code == 404
    return response.status_code == 400


def _known_params():
    for name, known in KNOWN.items():
        mark = pytest.mark.xfail(strict=True, reason=known.reason)
        yield pytest.param(known, id=name, marks=mark)


@pytest.mark.parametrize("known", list(_known_params()))
def test_the_document_and_the_api_agree(known, world, wsgi_in_the_test_transaction):
    method, path = known.operation.split(" ", 1)
    case = served[path][method].Case(**known.example)
    response = case.call()
    case.validate_response(response)
    doc_valid = _doc_takes(path, method, known.example)
    assert _agrees(response, doc_valid), (
        f"{known.operation} {known.example}: {response.status_code}, the document says "
        f"{'valid' if doc_valid else 'invalid'}"
    )
