"""The OpenAPI document of the JSON API (/api/openapi.json): the catalogue's endpoints
(portal.views.catalogue), search, slots and days (bookings.views)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bookings.forms import MAX_OFFSET
from bookings.rules import MAX_DAYS_AHEAD
from bookings.search import KINDS
from portal.views.catalogue import MAX_LIMIT, MAX_SPACES_OFFSET
from providers import registry
from providers.models import OfferKind, ResourceKind

_ID = {"type": "integer"}
_MONEY = {"type": ["string", "null"], "description": 'decimal amount, e.g. "25.00"'}
_RESOURCE = {
    "type": "object",
    "required": ["id", "name", "kind", "capacity", "external_id"],
    "properties": {
        "id": _ID,
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["meeting_room", "desk", "office"]},
        "capacity": {"type": ["integer", "null"]},
        "quantity": {"type": "integer", "description": "parallel bookings allowed"},
        "external_id": {"type": "string", "description": "the provider's id of what is booked"},
        "price_hour": _MONEY,
        "price_half_day": _MONEY,
        "price_day": _MONEY,
        "price_month": _MONEY,
        "currency": {"type": ["string", "null"], "description": "ISO 4217"},
    },
}
_OFFER = {
    "type": "object",
    "required": ["id", "name", "kind", "capacity", "external_id"],
    "properties": {
        "id": _ID,
        "name": {"type": "string"},
        "kind": {
            "type": "string",
            "enum": [
                "day_pass",
                "hot_desk",
                "dedicated_desk",
                "private_office",
                "membership",
                "service",
            ],
        },
        "capacity": {"type": ["integer", "null"]},
        "external_id": {"type": "string"},
        "price": _MONEY,
        "currency": {"type": ["string", "null"]},
        "price_unit": {"type": ["string", "null"]},
    },
}
_SPACE = {
    "type": "object",
    "required": ["id", "name", "provider", "city", "country", "timezone", "resources", "offers"],
    "properties": {
        "id": _ID,
        "name": {"type": "string"},
        "provider": {"type": "string", "enum": registry.kinds()},
        "city": {"type": "string"},
        "country": {"type": "string", "description": "ISO 3166-1 alpha-2 code"},
        "country_name": {"type": "string"},
        "timezone": {"type": "string", "description": "IANA time zone"},
        "address": {"type": "string"},
        "latitude": _MONEY,
        "longitude": _MONEY,
        "amenities": {"type": "array", "items": {"type": "string"}},
        "url": {"type": "string", "format": "uri"},
        "resources": {"type": "array", "items": {"$ref": "#/components/schemas/Resource"}},
        "offers": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}},
    },
}
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "what is wrong, for a person to read"},
        "parameter": {"type": "string", "description": "the parameter in error"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "every filter in error, with its messages",
        },
    },
}
# A day parameter: the days are listed by ``document`` for the day it is read.
_DAY = {"$ref": "#/components/schemas/Day"}
# a path's id: what the URL patterns match (``<int:pk>``); another path is a JSON 404
_ID_PATH = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
# What a 400 answers, on every endpoint that takes parameters.
_BAD = (
    "a bad parameter, named in `parameter`: one the operation does not take, given empty, "
    "unreadable, out of its range, or a day in the past or more than a year ahead"
)


def _text(longest: int) -> dict:
    """Free text: a NUL character is refused (it cannot be stored or searched)."""
    return {"type": "string", "maxLength": longest, "pattern": "^[^\\x00]*$"}


_LATITUDE = "-?(90(\\.0+)?|[0-8]?[0-9](\\.[0-9]+)?)"
_LONGITUDE = "-?(180(\\.0+)?|(1[0-7][0-9]|[0-9]?[0-9])(\\.[0-9]+)?)"


def _amount(digits: int) -> dict:
    """A decimal amount with at most ``digits`` digits before the point and 2 after."""
    return {"type": "string", "pattern": f"^[0-9]{{1,{digits}}}(\\.[0-9]{{1,2}})?$"}


# a local time, HH:MM
_TIME = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
_PROVIDER = {"type": "string", "enum": registry.kinds()}
_CATALOGUE_KIND = {"type": "string", "enum": [*ResourceKind.values, *OfferKind.values]}


def _query(name: str, schema: dict, description: str) -> dict:
    if schema.get("type") == "string" and "enum" not in schema:
        schema = {**schema, "minLength": 1}  # given empty (``?q=``) is a 400: leave it out
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Coworking Portal catalogue API", "version": "1.0.0"},
    "paths": {
        "/api/spaces": {
            "get": {
                "summary": "List and filter the spaces of every provider",
                "parameters": [
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
                        "page size",
                    ),
                    _query(
                        "offset",
                        {
                            "type": "integer",
                            "minimum": 0,
                            "maximum": MAX_SPACES_OFFSET,
                            "default": 0,
                        },
                        "items to skip",
                    ),
                    _query("q", _text(100), "words matched in name, city and description"),
                    _query("city", _text(120), "city name"),
                    _query("country", _text(120), "ISO code or country name"),
                    _query("kind", _CATALOGUE_KIND, "a resource or offer kind"),
                    _query(
                        "capacity",
                        {"type": "integer", "minimum": 1, "maximum": 500},
                        "at least this many people",
                    ),
                    _query("amenities", {"type": "string"}, "amenity slug; repeat for several"),
                    _query("max_price", _amount(6), "max hourly room price or pass price"),
                    _query("provider", _PROVIDER, "thia, workways, zentry or fourspaces"),
                    _query("date", _DAY, "open on this day"),
                ],
                "responses": {
                    "200": {
                        "description": "a page of spaces",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["count", "items"],
                                    "properties": {
                                        "count": {"type": "integer"},
                                        "limit": {"type": "integer"},
                                        "offset": {"type": "integer"},
                                        "items": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Space"},
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "400": {
                        "description": f"{_BAD}; or an amenity the catalogue does not have",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            }
        },
        "/api/spaces/{id}": {
            "get": {
                "summary": "One space",
                "parameters": [_ID_PATH],
                "responses": {
                    "200": {
                        "description": "the space",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Space"}}
                        },
                    },
                    "404": {
                        "description": "no such space",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            }
        },
    },
    "components": {
        "schemas": {"Space": _SPACE, "Resource": _RESOURCE, "Offer": _OFFER, "Error": _ERROR}
    },
}


def _answer(description: str, schema: dict, *errors: tuple[str, str]) -> dict:
    ok = {"description": description, "content": {"application/json": {"schema": schema}}}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {"200": ok, **{code: {"description": text, "content": error} for code, text in errors}}


_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_HIT_ITEM = {
    "type": ["object", "null"],
    "required": ["id", "name", "kind", "capacity"],
    "properties": {
        "id": _ID,
        "name": {"type": "string"},
        "kind": {"type": "string"},
        "capacity": {"type": ["integer", "null"]},
    },
}
_HIT = {
    "type": "object",
    "required": ["resource", "offer", "space", "start", "end", "total", "certainty"],
    "properties": {
        "resource": {**_HIT_ITEM, "description": "the room; null for a pass"},
        "offer": {**_HIT_ITEM, "description": "the pass; null for a room"},
        "space": {
            "type": "object",
            "properties": {
                k: {"type": "string"} for k in ("name", "city", "country", "provider", "timezone")
            }
            | {"id": _ID},
        },
        "start": {"type": "string", "format": "date-time", "description": "local, with offset"},
        "end": {"type": "string", "format": "date-time"},
        "match": {
            "type": "string",
            "enum": ["exact", "alternative", "unknown"],
            "description": "alternative: the asked window is taken, this is the nearest",
        },
        "alternatives": {"type": "array", "items": {"type": "object"}},
        "total": {
            "type": "object",
            "properties": {
                "amount": _MONEY,
                "currency": {"type": ["string", "null"]},
                "display_amount": {**_MONEY, "description": "approximate, at staff's rates"},
                "display_currency": {"type": "string"},
                "includes_vat": {"type": ["boolean", "null"], "description": "null: not said"},
                "estimate": {"type": "boolean", "description": "the portal's, not a quote"},
            },
        },
        "certainty": {"type": "string", "enum": ["instant", "request"]},
        "expected_answer_hours": {"type": ["integer", "null"]},
        "checked_at": {**_NULLABLE_TIME, "description": "when the provider was asked"},
        "places_left": {"type": ["integer", "null"]},
        "provider_degraded": {"type": "boolean"},
    },
}
_SEARCH_PARAMETERS = [
    _query("city", _text(120), "city, in any of its names"),
    _query("country", _text(120), "ISO code or country name"),
    _query("q", _text(100), "words matched in names and places, accents ignored"),
    _query("date", _DAY, "the day (default today)"),
    _query("start", _TIME, "HH:MM, local to each space"),
    _query("end", _TIME, "HH:MM, local to each space, after start (needs start)"),
    _query(
        "minutes", {"type": "integer", "minimum": 15, "maximum": 1440}, "a length instead of end"
    ),
    _query("people", {"type": "integer", "minimum": 1, "maximum": 500}, "one item holds them"),
    _query("kind", {"type": "string", "enum": list(KINDS)}, "what is asked for"),
    _query("provider", _PROVIDER, "thia, workways, zentry or fourspaces"),
    _query("amenities", {"type": "string"}, "amenity slugs, repeated or comma separated"),
    _query("max_total", _amount(8), "maximum total, in the display currency"),
    _query(
        "currency",
        {"type": "string", "pattern": "^[A-Za-z]{3}$"},
        "display currency (default the member's); one staff keep a rate for",
    ),
    _query("sort", {"type": "string", "enum": ["start", "price", "distance"]}, "order"),
    _query(
        "near",
        {"type": "string", "pattern": f"^{_LATITUDE},{_LONGITUDE}$"},
        "lat,lon in degrees for sort=distance (which needs it)",
    ),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "page size"),
    _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}, "items to skip"),
]
_PROVIDER_STATUS = {
    "type": "object",
    "properties": {
        "provider": {"type": "string"},
        "status": {"type": "string", "enum": ["ok", "degraded", "unknown"]},
        "checked_at": _NULLABLE_TIME,
    },
}
_AVAILABILITY = {
    "status": {"type": "string", "enum": ["known", "unknown"]},
    "message": {"type": ["string", "null"]},
    "timezone": {"type": "string"},
    "source": {"type": ["string", "null"]},
    "fetched_at": _NULLABLE_TIME,
}
OPENAPI["paths"] |= {
    "/api/search": {
        "get": {
            "summary": "Bookable rooms and passes of every provider free in a time window",
            "parameters": _SEARCH_PARAMETERS,
            "responses": _answer(
                "matching items, nearest start first",
                {
                    "type": "object",
                    "required": ["count", "items", "providers"],
                    "properties": {
                        "count": {"type": "integer"},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "providers": {"type": "array", "items": _PROVIDER_STATUS},
                    },
                },
                (
                    "400",
                    f"{_BAD}; or end without start or not after it, start without end or "
                    "minutes, sort=distance without near, a currency staff keep no rate for",
                ),
            ),
        }
    },
    "/api/resources/{id}/slots": {
        "get": {
            "summary": "A room's slots on one local day, live from its provider",
            "parameters": [
                _ID_PATH,
                {**_query("date", _DAY, "the space's local day"), "required": True},
            ],
            "responses": _answer(
                "the day's slots",
                {
                    "type": "object",
                    "properties": {
                        "resource": _ID,
                        "date": {"type": "string", "format": "date"},
                        "slots": {"type": "array", "items": {"type": "object"}},
                        **_AVAILABILITY,
                    },
                },
                ("400", _BAD),
                ("404", "no such resource"),
            ),
        }
    },
    "/api/offers/{id}/days": {
        "get": {
            "summary": "A pass's days, live from its provider",
            "parameters": [
                _ID_PATH,
                _query("from", _DAY, "first day (today)"),
                _query("to", _DAY, "last day (from + 13)"),
            ],
            "responses": _answer(
                "the days",
                {
                    "type": "object",
                    "properties": {
                        "offer": _ID,
                        "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                        "days": {"type": "array", "items": {"type": "object"}},
                        **_AVAILABILITY,
                    },
                },
                ("400", f"{_BAD}; or to before from, or more than 62 days after it"),
                ("404", "no such offer"),
            ),
        }
    },
}
OPENAPI["components"]["schemas"]["Hit"] = _HIT


def day_schema(now: dt.datetime) -> dict:
    """The days a day parameter takes on the day ``now`` is: from today to a year ahead
    (``bookings.rules.MAX_DAYS_AHEAD``) in every zone a space may be in, so every day
    listed is taken by every endpoint, whatever the space's zone. An endpoint may take a
    day more at either end (a space's own today; yesterday for the search's and the
    browse list's own zone)."""
    first = (now + dt.timedelta(hours=14)).date()  # today where it is latest (UTC+14)
    last = (now - dt.timedelta(hours=12)).date() + dt.timedelta(days=MAX_DAYS_AHEAD)
    return {
        "type": "string",
        "format": "date",
        "minLength": 10,
        "maxLength": 10,
        "enum": [
            (first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)
        ],
        "description": (
            "a day as YYYY-MM-DD, from today to a year ahead: the days listed are those of "
            "the day this document is read; a day outside may be refused: 400, naming the "
            "parameter"
        ),
    }


def document(now: dt.datetime) -> dict[str, Any]:
    """The OpenAPI document as read at ``now`` (the days a day parameter takes change
    every day)."""
    schemas = {**OPENAPI["components"]["schemas"], "Day": day_schema(now)}
    return {**OPENAPI, "components": {**OPENAPI["components"], "schemas": schemas}}
