"""Search by time window: what a member asks (``SearchQuery``), what comes back
(``SearchResult``, ``Hit``, ``ProviderStatus``), the kinds and sorts, the matching spaces
and the asked window in each space's zone; shared by the ORM and PostgreSQL paths."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Q,
    QuerySet,
)

from providers.models import Offer, OfferKind, Resource, ResourceKind, Space
from providers.places import normalize

UTC = dt.UTC
# What members ask for, and the catalogue kinds each means (rooms by time, passes by day).
KINDS: dict[str, tuple[set[str], set[str]]] = {
    "meeting_room": ({ResourceKind.MEETING_ROOM}, set()),
    "day_pass": (set(), {OfferKind.DAY_PASS}),
    "desk": ({ResourceKind.DESK}, {OfferKind.HOT_DESK, OfferKind.DEDICATED_DESK}),
    "office": ({ResourceKind.OFFICE}, {OfferKind.PRIVATE_OFFICE}),
    **{kind: (set(), {kind}) for kind in OfferKind.values if kind != OfferKind.DAY_PASS},
}
SORTS = ("start", "price", "distance")
ALTERNATIVES = 3  # nearest free windows shown when the asked one is taken


@dataclass
class SearchQuery:
    """What a member asks. ``start``/``end`` are local times in each space's zone; a
    length comes from ``end`` or ``minutes``; no start means any time that day."""

    date: dt.date
    city: str = ""
    country: str = ""
    q: str = ""
    start: dt.time | None = None
    end: dt.time | None = None
    minutes: int | None = None
    people: int | None = None
    kind: str = ""
    provider: str = ""
    amenities: list[str] = field(default_factory=list)
    max_total: Decimal | None = None  # in the display currency
    currency: str = "EUR"  # the display currency
    sort: str = "start"
    near: tuple[float, float] | None = None
    limit: int = 20
    offset: int = 0


@dataclass
class Hit:
    """One bookable item and the window that answers the query."""

    resource: Resource | None
    offer: Offer | None
    space: Space
    start: dt.datetime  # local to the space
    end: dt.datetime
    match: str  # "exact", "alternative" (the asked window is taken), "unknown"
    alternatives: list[tuple[dt.datetime, dt.datetime]]
    total: Decimal | None
    currency: str
    display_total: Decimal | None
    display_currency: str
    includes_vat: bool | None  # None: the catalogue does not say
    estimate: bool  # the portal's estimate; the provider's quote comes on the booking form
    certainty: str  # "instant" or "request"
    expected_answer_hours: int | None
    checked_at: dt.datetime
    places_left: int | None
    degraded: bool  # the provider is degraded: labelled, not hidden
    people: int

    @property
    def item(self):
        return self.resource or self.offer

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass
class ProviderStatus:
    provider: str
    label: str
    status: str  # "ok", "degraded", "unknown"
    checked_at: dt.datetime | None


@dataclass
class SearchResult:
    count: int
    hits: list[Hit]
    providers: list[ProviderStatus]


# --- where -----------------------------------------------------------------------------


def matching_spaces(query: SearchQuery) -> QuerySet[Space]:
    """The spaces members may see that match where and the amenities."""
    spaces = Space.objects.filter(active=True, hidden=False, account__enabled=True)
    for word in normalize(query.q).split():
        # search_text is normalized (accents off, other names of the place added)
        spaces = spaces.filter(
            Q(search_text__contains=word) | Q(name__icontains=word) | Q(city__icontains=word)
        )
    if query.city:
        words = normalize(query.city).split()
        spaces = spaces.filter(
            Q(city__iexact=query.city) | Q(*[Q(search_text__contains=w) for w in words])
        )
    if query.country:
        words = normalize(query.country).split()
        spaces = spaces.filter(
            Q(country_code__iexact=query.country)
            | Q(country__iexact=query.country)
            | (Q(*[Q(search_text__contains=w) for w in words]) if len(query.country) > 2 else Q())
        )
    if query.provider:
        spaces = spaces.filter(account__kind=query.provider)
    for slug in query.amenities:
        spaces = spaces.filter(amenities__slug=slug)
    return spaces.order_by()


# --- when ------------------------------------------------------------------------------


@dataclass
class _Zone:
    name: str
    day_start: int  # epoch seconds of local midnight
    day_end: int
    ask: int  # the asked start (local midnight when none)


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    """``ZoneInfo(name)``, kept: zoneinfo's own cache holds 8 zones strongly, so a search
    over a dozen zones read their files again on every request."""
    return zoneinfo.ZoneInfo(name)


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _zones(query: SearchQuery, names: list[str]) -> list[_Zone]:
    zones = []
    for name in names:
        try:
            tz = _zone(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = _zone("UTC")
        midnight = dt.datetime.combine(query.date, dt.time(0), tz)
        next_midnight = dt.datetime.combine(query.date + dt.timedelta(days=1), dt.time(0), tz)
        ask = dt.datetime.combine(query.date, query.start, tz) if query.start else midnight
        zones.append(_Zone(name, _epoch(midnight), _epoch(next_midnight), _epoch(ask)))
    return zones


def duration(query: SearchQuery, zone: str = "UTC") -> int:
    """The asked length in seconds (0 when none): ``end`` is a local wall time, so the
    length of 01:00-04:00 on a daylight-saving night is what the clock says there."""
    if query.start and query.end:
        tz = _zone(zone)
        start = dt.datetime.combine(query.date, query.start, tz)
        end = dt.datetime.combine(query.date, query.end, tz)
        return int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds())
    return (query.minutes or 0) * 60


# what the page's hits need of their index row (the items are read apart, 20 at most)
PAGE_FIELDS = (
    "pk",
    "resource_id",
    "offer_id",
    "space_id",
    "start",
    "end",
    "fit",
    "length",
    "gap",
    "unknown",
    "places_left",
    "fetched_at",
)


def query_from(data: dict, *, currency: str = "EUR", today: dt.date | None = None) -> SearchQuery:
    """A query from a valid SearchForm's cleaned data; the day defaults to today."""
    return SearchQuery(
        date=data.get("date") or today or dt.date.today(),
        city=data.get("city") or "",
        country=data.get("country") or "",
        q=data.get("q") or "",
        start=data.get("start"),
        end=data.get("end"),
        minutes=data.get("minutes"),
        people=data.get("people"),
        kind=data.get("kind") or "",
        provider=data.get("provider") or "",
        amenities=list(data.get("amenities") or []),
        max_total=data.get("max_total"),
        currency=data.get("currency") or currency or "EUR",
        sort=data.get("sort") or "start",
        near=data.get("near"),
        limit=data.get("limit") or 20,
        offset=data.get("offset") or 0,
    )


def book_url(hit: Hit) -> str:
    """The booking form of the hit's item, pre-filled with its window and people."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if hit.resource is not None:
        params = {
            "start": hit.start.strftime("%Y-%m-%dT%H:%M"),
            "minutes": hit.minutes,
            "attendees": hit.people,
        }
        return f"{reverse('book_resource', args=[hit.resource.pk])}?{urlencode(params)}"
    params = {"date": hit.start.date().isoformat(), "persons": hit.people}
    assert hit.offer is not None
    return f"{reverse('book_offer', args=[hit.offer.pk])}?{urlencode(params)}"
