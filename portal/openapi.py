"""The OpenAPI document of the JSON API (/api/openapi.json): the catalogue's endpoints
(portal.views.catalogue), search, slots and days (bookings.views)."""

from __future__ import annotations

from typing import Any

from portal.views.catalogue import MAX_LIMIT
from providers import registry

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
    "properties": {
        "error": {"type": "string"},
        "parameter": {"type": "string", "description": "the parameter in error"},
        "fields": {},
    },
}


def _query(name: str, schema: dict, description: str) -> dict:
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
                        "offset", {"type": "integer", "minimum": 0, "default": 0}, "items to skip"
                    ),
                    _query("q", {"type": "string"}, "words matched in name, city and description"),
                    _query("city", {"type": "string"}, "city name"),
                    _query("country", {"type": "string"}, "ISO code or country name"),
                    _query("kind", {"type": "string"}, "a resource or offer kind"),
                    _query(
                        "capacity", {"type": "integer", "minimum": 1}, "at least this many people"
                    ),
                    _query("amenities", {"type": "string"}, "amenity slug; repeat for several"),
                    _query("max_price", {"type": "string"}, "max hourly room price or pass price"),
                    _query("provider", {"type": "string"}, "thia, workways, zentry or fourspaces"),
                    _query("date", {"type": "string", "format": "date"}, "open on this day"),
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
                        "description": "bad parameters",
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
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID}],
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
_ID_PATH = {"name": "id", "in": "path", "required": True, "schema": _ID}
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
    _query("city", {"type": "string"}, "city, in any of its names"),
    _query("country", {"type": "string"}, "ISO code or country name"),
    _query("q", {"type": "string"}, "words matched in names and places, accents ignored"),
    _query("date", {"type": "string", "format": "date"}, "the day (default today)"),
    _query("start", {"type": "string", "pattern": "^\\d\\d:\\d\\d$"}, "HH:MM, local"),
    _query("end", {"type": "string"}, "HH:MM, local to each space"),
    _query("minutes", {"type": "integer", "minimum": 15}, "a length instead of end"),
    _query("people", {"type": "integer", "minimum": 1}, "the same item holds them"),
    _query("kind", {"type": "string"}, "meeting_room, day_pass, desk, office or a pass kind"),
    _query("amenities", {"type": "string"}, "amenity slugs, repeated or comma separated"),
    _query("max_total", {"type": "string"}, "maximum total, in the display currency"),
    _query("currency", {"type": "string"}, "display currency (default the member's)"),
    _query("sort", {"type": "string", "enum": ["start", "price", "distance"]}, "order"),
    _query("near", {"type": "string"}, "lat,lon for sort=distance"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "page size"),
    _query("offset", {"type": "integer", "minimum": 0}, "items to skip"),
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
                ("400", "a bad parameter, named in `parameter`"),
            ),
        }
    },
    "/api/resources/{id}/slots": {
        "get": {
            "summary": "A room's slots on one local day, live from its provider",
            "parameters": [
                _ID_PATH,
                {
                    **_query("date", {"type": "string", "format": "date"}, "local day"),
                    "required": True,
                },
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
                ("400", "a bad date"),
                ("404", "no such resource"),
            ),
        }
    },
    "/api/offers/{id}/days": {
        "get": {
            "summary": "A pass's days, live from its provider",
            "parameters": [
                _ID_PATH,
                _query("from", {"type": "string", "format": "date"}, "first day (today)"),
                _query("to", {"type": "string", "format": "date"}, "last day (from + 13)"),
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
                ("400", "bad dates"),
                ("404", "no such offer"),
            ),
        }
    },
}
OPENAPI["components"]["schemas"]["Hit"] = _HIT
