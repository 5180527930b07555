"""GET /api/search: bookable items of every provider free in a time window (JSON)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from bookings import money, search
from bookings.forms import SearchForm
from bookings.pagecache import KeptAnswers, made_of_all, tokens_now
from bookings.views.api import bad_parameter, empty_parameter, read_only, unknown_parameter

PARAMETERS = (
    "city",
    "country",
    "q",
    "date",
    "start",
    "end",
    "minutes",
    "people",
    "kind",
    "amenities",
    "max_total",
    "currency",
    "limit",
    "offset",
    "sort",
    "near",
    "provider",
)


def _iso(value):
    return value.isoformat() if value else None


def _money(value):
    return None if value is None else f"{value:.2f}"


def hit_json(hit: search.Hit) -> dict:
    item = hit.item
    described = {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "capacity": item.capacity if hit.resource is not None else item.max_persons,
    }
    space = hit.space
    return {
        "resource": described if hit.resource is not None else None,
        "offer": {**described, "price_unit": item.price_unit or None} if hit.offer else None,
        "space": {
            "id": space.pk,
            "name": space.name,
            "city": space.city,
            "country": space.country_code or space.country,
            "provider": space.account.kind,
            "timezone": space.timezone,
        },
        "start": hit.start.isoformat(),
        "end": hit.end.isoformat(),
        "match": hit.match,
        "alternatives": [
            {"start": s.isoformat(), "end": e.isoformat()} for s, e in hit.alternatives
        ],
        "total": {
            "amount": _money(hit.total),
            "currency": hit.currency or None,
            "display_amount": _money(hit.display_total),
            "display_currency": hit.display_currency,
            "includes_vat": hit.includes_vat,
            "estimate": hit.estimate,
        },
        "certainty": hit.certainty,
        "expected_answer_hours": hit.expected_answer_hours,
        "checked_at": _iso(hit.checked_at),
        "places_left": hit.places_left,
        "provider_degraded": hit.degraded,
    }


# answers kept with the search's sources (``search.sources``) until the minute turns
_answers = KeptAnswers(512)


@read_only
def api_search(request: HttpRequest) -> HttpResponse:
    """Kept like the search page: by the query (the URL), the member's currency, the
    search's sources and the minute (each hit's ``checked_at``; today's default date)."""
    user = request.user
    display = getattr(user, "display_currency", "") if user.is_authenticated else ""
    kept_as = f"api:search:{display}"
    if (kept := _answers.get(request, kept_as)) is not None:
        return kept
    now = timezone.now()
    if unknown := unknown_parameter(request, PARAMETERS):
        return unknown
    if empty := empty_parameter(request):
        return empty
    sources = tokens_now(search.source_timeouts())  # before the rates and the index
    data: dict[str, object] = {"amenities": request.GET.getlist("amenities")}
    data |= {name: request.GET.get(name) for name in PARAMETERS if name != "amenities"}
    rates = money.rates()  # read once: the form's currencies and the search's totals
    form = SearchForm(data, currencies=rates)
    if not form.is_valid():
        parameter, message = form.first_error()
        return bad_parameter(parameter, message)
    query = search.query_from(
        form.cleaned_data, currency=display or "EUR", today=timezone.localdate()
    )
    result = search.search(query, rates=rates)
    response = JsonResponse(
        {
            "count": result.count,
            "limit": query.limit,
            "offset": query.offset,
            "items": [hit_json(hit) for hit in result.hits],
            "providers": [
                {"provider": p.provider, "status": p.status, "checked_at": _iso(p.checked_at)}
                for p in result.providers
            ],
        }
    )
    minute = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    made = made_of_all(sources, minute)
    _answers.put(request, kept_as, made, response.content, response["Content-Type"])
    return response
