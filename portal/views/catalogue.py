"""The catalogue: its pages, /spaces/ (search with htmx filters) and /spaces/<id>/, and
its read-only JSON API, /api/spaces, /api/spaces/<id> and /api/openapi.json."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from bookings import money, search
from bookings.forms import MAX_OFFSET, SearchForm
from bookings.http import HtmxHttpRequest
from bookings.pagecache import render_kept, render_kept_answer
from bookings.views.api import bad_parameter, empty_parameter, read_only, unknown_parameter
from portal.forms import SpaceFilterForm
from providers import photos, selectors
from providers.cache import cache
from providers.models import Offer, Resource, Space

PAGE_SIZE = 12


# A request with any of these asks for bookable items free in a time window; without
# them, the page is the browse list of spaces (filtered by SpaceFilterForm as before).
SEARCH_PARAMETERS = ("date", "start", "end", "minutes", "people", "max_total", "sort", "near")
SEARCH_PAGE_SIZE = 20
# A search's page is kept this long at most: it is keyed by the minute (each hit says how
# long ago its provider was asked), so an older copy is never read again anyway.
SEARCH_KEEP_SECONDS = 120


def _page_number(request: HttpRequest) -> int:
    """The page asked for, 1 when unreadable; at most SearchForm's offset's pages (a page
    far past the last one is an empty page, not an offset the database cannot hold)."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
    return min(number, MAX_OFFSET // SEARCH_PAGE_SIZE + 1)


def search_context(request: HtmxHttpRequest) -> tuple[dict, int]:
    """What the home page and /spaces/ show: the search form, result cards of bookable
    items when a time window is asked, and the browse list of spaces."""
    choices = selectors.filter_choices()
    data = request.GET or None
    rates = money.rates()  # read once: the form's currencies and the search's totals
    form = SearchForm(data, amenity_choices=choices["amenities"], currencies=rates)
    searching = any(request.GET.get(name) for name in SEARCH_PARAMETERS)
    status, result, query = 200, None, None
    if searching and form.is_valid():
        user = request.user
        display = getattr(user, "display_currency", "") if user.is_authenticated else ""
        query = search.query_from(
            form.cleaned_data, currency=display or "EUR", today=timezone.localdate()
        )
        query.limit = SEARCH_PAGE_SIZE
        query.offset = (_page_number(request) - 1) * SEARCH_PAGE_SIZE
        result = search.search(query, rates=rates)
    elif searching:
        status = 400
    browse = SpaceFilterForm(data, choices=choices)
    if browse.is_bound and not browse.is_valid():
        spaces = selectors.visible_spaces().none()
        status = 400
    else:
        filters = browse.cleaned_data if browse.is_bound else {}
        spaces = selectors.search_spaces(
            **{k: v for k, v in filters.items() if v not in (None, "", [])}
        )
    number = None if searching else request.GET.get("page")
    # counted and read only where shown (not on the home page, not from a kept fragment)
    page = SimpleLazyObject(lambda: _page_with_photos(spaces, number))
    params = request.GET.copy()
    params.pop("page", None)
    hits = []
    if result is not None:
        hits = [{"hit": hit, "book_url": search.book_url(hit)} for hit in result.hits]
        _hit_photos(hits)
    version = selectors.catalogue_version()
    context = {
        # fragments of these pages are cached by what they depend on (portal.templatetags)
        "catalogue_version": version,
        # a form with errors names today's date and the staff's currencies: not kept
        "form_version": version if not form.is_bound or form.is_valid() else None,
        "form": form,
        "browse": browse,
        "invalid": status == 400,
        "page": page,
        "query": params.urlencode(),
        "searching": searching,
        "result": result,
        "search_query": query,
        "hits": hits,
        "search_pages": _search_pages(request, result),
    }
    return context, status


def _page_with_photos(spaces, number):
    """The page of spaces, each with its ``card_photo`` (stored photos only)."""
    page = Paginator(spaces, PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    photos.attach_card_photos(page.object_list)
    return page


def _hit_photos(hits: list[dict]) -> None:
    """Each search hit's ``photo``: its room's first stored photo, else its space's."""
    listed = {}
    for entry in hits:
        hit = entry["hit"]
        own = (hit.resource.photos or [])[:1] if hit.resource else []
        listed[id(entry)] = [*own, *(hit.space.photos or [])[:1]]
    found = photos.stored(url for urls in listed.values() for url in urls)
    for entry in hits:
        entry["photo"] = next((found[u] for u in listed[id(entry)] if u in found), None)


def _search_pages(request: HttpRequest, result) -> dict | None:
    if result is None or result.count <= SEARCH_PAGE_SIZE:
        return None
    number = _page_number(request)
    last = (result.count - 1) // SEARCH_PAGE_SIZE + 1
    return {
        "number": number,
        "last": last,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < last else None,
    }


def _browse_keys(context: dict, status: int) -> list:
    """What a browse page (no time window asked) is rendered from: the catalogue and
    today (the form's dates). A search answers from the availability index: not kept."""
    if context["searching"] or status != 200 or context["form_version"] is None:
        return [None]
    return [context["catalogue_version"], timezone.localdate()]


def _search_keys(request: HtmxHttpRequest) -> list:
    """What a search's page is computed from besides its address and who asks: the
    catalogue, the availability index and the rates (``search.sources``: tokens their
    writes replace), the member's currency, today (the form's default day) and the
    minute ("checked 3 minutes ago" on each hit)."""
    sources = search.sources()
    if sources is None:
        return [None]
    user = request.user
    currency = getattr(user, "display_currency", "") if user.is_authenticated else ""
    now = timezone.now()
    return [*sources, currency, timezone.localdate(), now.replace(second=0, microsecond=0)]


def _browse_page(request: HtmxHttpRequest, template: str) -> HttpResponse:
    if not request.GET:  # the bare page: its keys are known before its context is built
        keys = [selectors.catalogue_version(), timezone.localdate()]
        return render_kept(request, template, lambda: search_context(request)[0], keys)
    if any(request.GET.get(name) for name in SEARCH_PARAMETERS):
        keys = _search_keys(request)
        answer = lambda: search_context(request)  # noqa: E731
        return render_kept_answer(request, template, answer, keys, SEARCH_KEEP_SECONDS)
    context, status = search_context(request)
    return render_kept(request, template, context, _browse_keys(context, status), status)


def space_list(request: HtmxHttpRequest) -> HttpResponse:
    template = "search/partials/results.html" if request.htmx else "spaces/list.html"
    return _browse_page(request, template)


def home(request: HtmxHttpRequest) -> HttpResponse:
    """The home page asks the same questions; with a time window it answers them too."""
    template = "search/partials/results.html" if request.htmx else "home.html"
    return _browse_page(request, template)


def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The page's body is a fragment cached by catalogue version: the space's rooms,
    # passes and amenities are read only when it is rendered (``details``).
    space, version = selectors.visible_item_and_version(Space, pk)
    if space is None:
        raise Http404("no such space")
    try:  # the day searched for: room calendars open on its week
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    context = {
        "space": space,
        "details": SimpleLazyObject(lambda: selectors.with_details(space)),
        "photos": SimpleLazyObject(lambda: photos.space_photos(space)),
        "day": day,
        "catalogue_version": version,
    }
    return render_kept(request, "spaces/detail.html", context, [version])


# --- JSON API ------------------------------------------------------------------------

MAX_LIMIT = 100
MAX_SPACES_OFFSET = 10**9
# what /api/spaces takes (portal/openapi.py documents each)
SPACES_PARAMETERS = (
    "limit",
    "offset",
    "q",
    "city",
    "country",
    "kind",
    "capacity",
    "amenities",
    "max_price",
    "provider",
    "date",
)


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
        body["parameter"] = next(iter(errors))
        body["fields"] = errors
    return JsonResponse(body, status=400)


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(name, f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ValueError(name, f"{name} must be between {low} and {high}")
    return value


def _kept_by_version(request: HttpRequest, make: Callable[[], HttpResponse]) -> HttpResponse:
    """``make()``'s answer, kept per catalogue version and exact URL (it holds absolute
    links) when it is a 200, so a sync or a staff edit makes the next request build it
    afresh."""
    version = selectors.catalogue_version()
    key = "api:" + hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    if version is not None:
        kept = cache.get(f"{key}:{version}")
        if kept is not None:
            return HttpResponse(kept, content_type="application/json")
    response = make()
    if version is not None and response.status_code == 200:
        cache.set(f"{key}:{version}", response.content, 24 * 3600)
    return response


@read_only
def api_spaces(request: HttpRequest) -> HttpResponse:
    """A page of spaces, kept by the catalogue version (``_kept_by_version``)."""
    return _kept_by_version(request, lambda: _api_spaces(request))


def _api_spaces(request: HttpRequest) -> JsonResponse:
    if refused := unknown_parameter(request, SPACES_PARAMETERS) or empty_parameter(request):
        return refused
    try:
        limit = _int_param(request, "limit", 20, 1, MAX_LIMIT)
        offset = _int_param(request, "offset", 0, 0, MAX_SPACES_OFFSET)
    except ValueError as exc:
        return bad_parameter(*exc.args)
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


@read_only
def api_space(request: HttpRequest, pk: int) -> HttpResponse:
    """One space, kept by the catalogue version (``_kept_by_version``)."""
    return _kept_by_version(request, lambda: _api_space(request, pk))


def _api_space(request: HttpRequest, pk: int) -> JsonResponse:
    found = selectors.visible_spaces().filter(pk=pk).first()
    if found is None:
        return JsonResponse({"error": "no such space"}, status=404)
    return JsonResponse(space_json(found, request))


@read_only
def api_openapi(request: HttpRequest) -> JsonResponse:
    from portal import openapi  # the document reads this module's limits

    return JsonResponse(openapi.document(timezone.now()))
