"""The catalogue: its pages, /spaces/ (search with htmx filters) and /spaces/<id>/, and
its read-only JSON API, /api/spaces, /api/spaces/<id> and /api/openapi.json."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bookings.http import HtmxHttpRequest
from portal.forms import SpaceFilterForm
from providers import registry, selectors
from providers.models import Offer, Resource, Space

PAGE_SIZE = 12


def space_list(request: HtmxHttpRequest) -> HttpResponse:
    form = SpaceFilterForm(request.GET or None, choices=selectors.filter_choices())
    status = 200
    if form.is_bound and not form.is_valid():
        spaces = selectors.visible_spaces().none()
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        spaces = selectors.search_spaces(
            **{k: v for k, v in filters.items() if v not in (None, "", [])}
        )
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "spaces/partials/results.html" if request.htmx else "spaces/list.html"
    return render(request, template, context, status=status)


def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    space = get_object_or_404(selectors.visible_spaces(), pk=pk)
    try:  # the day searched for: room calendars open on its week
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    return render(request, "spaces/detail.html", {"space": space, "day": day})


# --- JSON API ------------------------------------------------------------------------

MAX_LIMIT = 100


def _decimal(value):
    return None if value is None else str(value)


def resource_json(resource: Resource) -> dict:
    return {
        "id": resource.pk,
        "name": resource.name,
        "kind": resource.kind,
        "capacity": resource.capacity,
        "quantity": resource.quantity,
        "external_id": resource.external_id,
        "price_hour": _decimal(resource.price_hour),
        "price_half_day": _decimal(resource.price_half_day),
        "price_day": _decimal(resource.price_day),
        "price_month": _decimal(resource.price_month),
        "currency": resource.currency or None,
    }


def offer_json(offer: Offer) -> dict:
    return {
        "id": offer.pk,
        "name": offer.name,
        "kind": offer.kind,
        "capacity": offer.capacity or offer.max_persons,
        "external_id": offer.external_id,
        "price": _decimal(offer.price),
        "currency": offer.currency or None,
        "price_unit": offer.price_unit or None,
    }


def space_json(space: Space, request: HttpRequest) -> dict:
    return {
        "id": space.pk,
        "name": space.name,
        "provider": space.account.kind,
        "city": space.city,
        "country": space.country_code or space.country,
        "country_name": space.country,
        "timezone": space.timezone,
        "address": space.address,
        "latitude": _decimal(space.latitude),
        "longitude": _decimal(space.longitude),
        "amenities": [a.name for a in space.amenities.all()],
        "url": request.build_absolute_uri(reverse("space_detail", args=[space.pk])),
        "resources": [resource_json(r) for r in space.resources.all()],
        "offers": [offer_json(o) for o in space.offers.all()],
    }


def _bad_request(message: str, errors: dict | None = None) -> JsonResponse:
    body: dict[str, object] = {"error": message}
    if errors:
        body["fields"] = errors
    return JsonResponse(body, status=400)


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


@require_GET
def api_spaces(request: HttpRequest) -> JsonResponse:
    try:
        limit = _int_param(request, "limit", 20, 1, MAX_LIMIT)
        offset = _int_param(request, "offset", 0, 0, 10**9)
    except ValueError as exc:
        return _bad_request(str(exc))
    params = request.GET.copy()
    for name in ("limit", "offset"):
        params.pop(name, None)
    form = SpaceFilterForm(params, choices=selectors.filter_choices())
    if not form.is_valid():
        return _bad_request(
            "invalid filters", {k: [str(e) for e in v] for k, v in form.errors.items()}
        )
    filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
    queryset = selectors.search_spaces(**filters)
    count = queryset.count()
    items = [space_json(s, request) for s in queryset[offset : offset + limit]]
    return JsonResponse({"count": count, "limit": limit, "offset": offset, "items": items})


@require_GET
def api_space(request: HttpRequest, pk: int) -> JsonResponse:
    found = selectors.visible_spaces().filter(pk=pk).first()
    if found is None:
        return JsonResponse({"error": "no such space"}, status=404)
    return JsonResponse(space_json(found, request))


@require_GET
def api_openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(OPENAPI)


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
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "fields": {}}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


OPENAPI = {
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
