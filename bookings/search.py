"""Search by time window across every provider: bookable items (rooms and passes) that
are free when the member asks, read from the availability index (``AvailabilityWindow``).

The database does the work: the catalogue filters, the index rows of the asked day, the
nearest free window of each item (a window function), the totals, the sort and the page.
Only the page's hits are read into Python. Every filter applies to the same item: a row
of the index is one room or one pass, and the item filters join to that row's item.

Times are local to each space: the matching spaces' zones are grouped and the asked
window is turned into one UTC instant per zone (a ``CASE`` over the zones), so a search for
14:00-16:00 finds 14:00 in Dublin and 14:00 in New York, daylight saving included.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Abs, Cast, Coalesce, Greatest, Least, RowNumber

from bookings import money, rules
from bookings.models import AvailabilityWindow, WindowState
from bookings.services.quotes import catalogue_quote
from providers.adapters.types import BookingRequest, Customer
from providers.models import (
    Health,
    Offer,
    OfferKind,
    ProviderAccount,
    Resource,
    ResourceKind,
    Space,
)
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


class Epoch(Func):
    """Seconds since 1970 of a timestamp, as an integer, on both databases."""

    output_field = IntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS INTEGER)",
            **extra,
        )


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


# --- the query -------------------------------------------------------------------------


def _item_filter(query: SearchQuery) -> Q:
    rooms_kinds, pass_kinds = KINDS.get(query.kind, (set(ResourceKind.values), None))
    if not query.kind:
        pass_kinds = set(OfferKind.values)
    rooms = Q(resource__isnull=False, resource__active=True, resource__kind__in=rooms_kinds)
    passes = Q(offer__isnull=False, offer__active=True, offer__kind__in=pass_kinds)
    if query.people:
        rooms &= Q(resource__capacity__gte=query.people)
        # a pass takes up to max_persons people (one when the provider does not say)
        passes &= Q(offer_persons__gte=query.people)
    return (rooms if rooms_kinds else Q(pk__in=[])) | (passes if pass_kinds else Q(pk__in=[]))


def _case(zones: list[_Zone], attr: str) -> Case | Value:
    if not zones:
        return Value(0)
    return Case(
        *[When(space__timezone=z.name, then=Value(getattr(z, attr))) for z in zones],
        default=Value(getattr(zones[0], attr)),
        output_field=IntegerField(),
    )


def _windows(
    query: SearchQuery, spaces: QuerySet[Space], table: dict[str, Decimal] | None = None
) -> QuerySet:
    """Index rows of the asked day for the matching items, annotated: the asked start in
    the row's zone, where the asked length fits nearest to it, the gap, the totals."""
    zone_names = sorted(set(spaces.values_list("timezone", flat=True).distinct()))
    zones = _zones(query, zone_names)
    lengths = {z.name: duration(query, z.name) for z in zones}
    rows = AvailabilityWindow.objects.filter(space__in=spaces.values("pk"), day=query.date)
    if zones:  # the (day, state, start) index narrows the day's rows before anything else
        rows = rows.filter(
            start__lt=dt.datetime.fromtimestamp(max(z.day_end for z in zones), UTC),
            end__gt=dt.datetime.fromtimestamp(min(z.day_start for z in zones), UTC),
        )
    if len(set(lengths.values()) | {duration(query)}) == 1:
        # the same length in every zone (no daylight-saving night among them): a constant
        # keeps the expressions below, evaluated for every row, small
        length = Value(duration(query), output_field=IntegerField())
    else:
        length = Case(
            *[When(space__timezone=name, then=Value(s)) for name, s in lengths.items()],
            default=Value(duration(query)),
            output_field=IntegerField(),
        )
    rows = rows.annotate(
        offer_persons=Coalesce("offer__max_persons", Value(1)),
        w_start=Epoch("start"),
        w_end=Epoch("end"),
        ask=_case(zones, "ask"),
        length=length,
    ).filter(_item_filter(query))
    free = Q(state=WindowState.FREE)
    room_fits = Q(resource__isnull=False, w_end__gte=F("w_start") + F("length"))
    pass_fits = Q(offer__isnull=False) & (
        Q(places_left__isnull=True) | Q(places_left__gte=query.people or 1)
    )
    rows = rows.filter(Q(state=WindowState.UNKNOWN) | (free & (room_fits | pass_fits)))
    # where the asked length fits nearest to the asked start, inside this free window
    fit = Case(
        When(
            Q(resource__isnull=False) & free,
            then=Greatest(F("w_start"), Least(F("ask"), F("w_end") - F("length"))),
        ),
        When(resource__isnull=False, then=F("ask")),
        default=F("w_start"),
        output_field=IntegerField(),
    )
    rows = rows.annotate(fit=fit).annotate(
        gap=Case(When(offer__isnull=False, then=Value(0)), default=Abs(F("fit") - F("ask"))),
        unknown=Case(When(free, then=Value(0)), default=Value(1)),
    )
    return _with_totals(rows, query, money.rates() if table is None else table)


def _with_totals(rows: QuerySet, query: SearchQuery, table: dict[str, Decimal]) -> QuerySet:
    """The catalogue's estimate of the total, in the item's currency and the display one.
    The same rule as ``bookings.services.quotes.catalogue_quote`` (price per hour x hours
    for a room, price x days for a pass), written in SQL so the database can filter and
    sort by it; the hits shown are priced by ``catalogue_quote`` itself. Every row of an
    item has the same totals (its price, its zone's asked length)."""
    room_total = Case(
        When(Q(length__gt=0), then=F("resource__price_hour") * F("length") / Value(3600.0)),
        default=Value(None),
        output_field=FloatField(),
    )
    rows = rows.annotate(
        total=Case(
            When(resource__isnull=False, then=room_total),
            default=F("offer__price") * Value(1.0),
            output_field=FloatField(),
        ),
        item_currency=Case(
            When(resource__isnull=False, then=F("resource__currency")),
            default=F("offer__currency"),
        ),
    )
    target = table.get(query.currency)
    factors = [
        When(item_currency=currency, then=Value(float(target / per_euro)))
        for currency, per_euro in table.items()
        if target and per_euro
    ]
    factor = Case(*factors, default=Value(None), output_field=FloatField())
    return rows.annotate(display_total=F("total") * factor)


def _distance(near: tuple[float, float]):
    import math

    lat, lon = near
    shrink = math.cos(math.radians(lat))
    # the columns are decimal, the point float: one type, or the ORM cannot type "-"
    latitude = Cast("space__latitude", FloatField())
    longitude = Cast("space__longitude", FloatField())
    return (latitude - Value(lat)) * (latitude - Value(lat)) + (
        (longitude - Value(lon)) * Value(shrink)
    ) * ((longitude - Value(lon)) * Value(shrink))


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


def search(query: SearchQuery, *, rates: dict[str, Decimal] | None = None) -> SearchResult:
    """``rates``: the exchange rates (``money.rates()``) when the caller has read them."""
    table = money.rates() if rates is None else rates
    spaces = matching_spaces(query)
    if connection.vendor == "postgresql":
        page, counted, health, count = _pg_search(query, spaces, table)
        providers = _statuses(counted, spaces, health)
        rows = None
    else:
        page, providers, count, rows = _orm_search(query, spaces, table)
    if not count:
        return SearchResult(0, [], providers)
    _attach_items(page)
    taken = [row for row in page if row["resource_id"] and not row["unknown"] and row["gap"]]
    others = _alternatives(query, rows, taken, spaces, table)
    degraded = {p.provider for p in providers if p.status == "degraded"}
    hits = [_hit(row, query, others.get(row["pk"], []), degraded, table) for row in page]
    return SearchResult(count, hits, providers)


def _orm_search(query: SearchQuery, spaces: QuerySet[Space], table: dict[str, Decimal]):
    """The page's rows, the providers, the count and the annotated rows, in the ORM (the
    embedded SQLite; PostgreSQL takes ``_pg_search``)."""
    rows = _windows(query, spaces, table)
    # The totals are the same on every row of an item, so filtering the rows by the
    # maximum total keeps exactly the items whose nearest window would pass it.
    wanted = rows
    if query.max_total is not None:
        wanted = rows.filter(display_total__lte=float(query.max_total))
    providers, count = _providers(rows, spaces, query)
    if not count:
        return [], providers, count, rows
    # the nearest window of each item: free before unknown, then the smallest gap
    best = wanted.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("resource_id"), F("offer_id")],
            order_by=[F("unknown").asc(), F("gap").asc(), F("start").asc(), F("pk").asc()],
        )
    ).filter(rank=1)
    order: list = ["unknown", "gap", "start"]
    if query.sort == "price":
        order = [F("display_total").asc(nulls_last=True), "unknown", "gap"]
    elif query.sort == "distance" and query.near:
        best = best.annotate(distance=_distance(query.near))
        order = [F("distance").asc(nulls_last=True), "unknown", "gap"]
    page = list(
        best.order_by(*order, "pk").values(*PAGE_FIELDS)[query.offset : query.offset + query.limit]
    )
    return page, providers, count, rows


def _attach_items(page: list[dict]) -> None:
    """The page's rooms, passes and spaces (with their accounts): three queries."""
    if not page:
        return
    spaces = Space.objects.select_related("account").in_bulk({row["space_id"] for row in page})
    resources = Resource.objects.in_bulk({row["resource_id"] for row in page} - {None})
    offers = Offer.objects.in_bulk({row["offer_id"] for row in page} - {None})
    for item in (*resources.values(), *offers.values()):
        if item.space_id in spaces:
            item.space = spaces[item.space_id]
    for row in page:
        row["resource"] = resources.get(row["resource_id"])
        row["offer"] = offers.get(row["offer_id"])
        row["space"] = spaces[row["space_id"]]


def _alternatives(
    query: SearchQuery,
    rows: QuerySet | None,
    page: list[dict],
    spaces: QuerySet[Space],
    table: dict[str, Decimal],
) -> dict[int, list]:
    """For each hit whose asked window is taken: the nearest free fits that day (``rows``:
    the ORM's annotated rows; None on PostgreSQL, where one statement reads them)."""
    if not page or not query.start:
        return {}
    ids = [row["resource_id"] for row in page]
    found: dict[int, list] = {}
    by_item: dict[int, list] = {}
    if rows is None:
        wanted = ", ".join(str(int(pk)) for pk in ids)
        # the page's spaces (and zones): the alternatives are for the page's rooms
        matched = sorted({(row["space_id"], row["space"].timezone) for row in page})
        sql, params, _ = _pg_rows(
            query,
            spaces,
            matched,
            extra=f"w.resource_id IN ({wanted}) AND w.state = '{WindowState.FREE}'",
        )
        fit = "CAST(EXTRACT(EPOCH FROM fit_at) AS BIGINT)"
        sql = f"SELECT resource_id, {fit}, length FROM ({sql}) t ORDER BY resource_id, gap, start"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fits = [dict(zip(("resource_id", "fit", "length"), r, strict=True)) for r in cursor]
    else:
        nearby = rows.filter(resource_id__in=ids, unknown=0).order_by("resource_id", "gap", "start")
        fits = list(nearby.values("resource_id", "fit", "length"))
    for fit in fits:
        by_item.setdefault(fit["resource_id"], []).append(fit)
    for row in page:
        fits = by_item.get(row["resource_id"], [])[:ALTERNATIVES]
        zone = row["space"].timezone
        found[row["pk"]] = [_local_span(r["fit"], r["length"], zone) for r in fits]
    return found


def _local_span(start: int, seconds: int, zone: str) -> tuple[dt.datetime, dt.datetime]:
    tz = _zone(zone)
    begin = dt.datetime.fromtimestamp(start, tz)
    return begin, dt.datetime.fromtimestamp(start + seconds, tz)


def _hit(row: dict, query: SearchQuery, alternatives: list, degraded: set[str], table: dict) -> Hit:
    space, resource, offer = row["space"], row["resource"], row["offer"]
    item = resource or offer
    tz = _zone(space.timezone)
    if resource is not None and row["length"]:
        start, end = _local_span(row["fit"], row["length"], space.timezone)
    else:  # a pass's whole day; a room asked for no length: its free window
        start, end = row["start"].astimezone(tz), row["end"].astimezone(tz)
    taken = bool(query.start and row["gap"])  # the asked start is taken: the nearest fit
    match = "unknown" if row["unknown"] else ("alternative" if taken else "exact")
    days = 1
    request = BookingRequest(
        uid="search",
        kind="room" if resource is not None else "pass",
        start=start,
        end=end,
        customer=Customer("", "", ""),
        attendees=query.people or 1,
        days=days,
    )
    # the catalogue's estimate, as the booking form shows it when the provider cannot quote
    quote = (
        catalogue_quote(item, request)
        if resource is None or row["length"]
        else None  # no length asked: no total
    )
    total = quote.total if quote else None
    currency = (quote.currency if quote else item.currency) or ""
    certainty, hours = rules.certainty(item)
    return Hit(
        resource=resource,
        offer=offer,
        space=space,
        start=start,
        end=end,
        match=match,
        alternatives=alternatives if match == "alternative" else [],
        total=total,
        currency=currency,
        display_total=money.to_display(total, currency, query.currency, table),
        display_currency=query.currency,
        includes_vat=None,
        estimate=True,
        certainty=certainty,
        expected_answer_hours=hours,
        checked_at=row["fetched_at"],
        places_left=row["places_left"],
        degraded=space.account.kind in degraded,
        people=query.people or 1,
    )


def _providers(
    rows: QuerySet, spaces: QuerySet[Space], query: SearchQuery
) -> tuple[list[ProviderStatus], int]:
    """Each provider of the matching spaces: degraded from its accounts' health, unknown
    when the index has nothing but unknown rows (or nothing) of it that day, else ok; and
    the number of items found (under the maximum total), counted in the same pass."""
    under = Q(display_total__lte=float(query.max_total)) if query.max_total is not None else None
    counted = {
        entry["space__account__kind"]: entry
        for entry in rows.order_by()
        .values("space__account__kind")
        .annotate(
            latest=Max("fetched_at"),
            free=Count("pk", filter=Q(state=WindowState.FREE)),
            rooms=Count("resource_id", distinct=True, filter=under),
            passes=Count("offer_id", distinct=True, filter=under),
        )
    }
    count = sum(entry["rooms"] + entry["passes"] for entry in counted.values())
    return _statuses(counted, spaces), count


def _statuses(
    counted: dict[str, dict], spaces: QuerySet[Space], health: dict[str, set[str]] | None = None
) -> list[ProviderStatus]:
    """The providers' statuses from ``counted`` (by provider: the ``latest`` reading and
    the ``free`` rows) and their accounts' health (read here when not given)."""
    if health is None:
        health = {}
        accounts = ProviderAccount.objects.filter(enabled=True, spaces__in=spaces.values("pk"))
        for kind, state in accounts.values_list("kind", "health").distinct():
            health.setdefault(kind, set()).add(state)
    statuses = []
    for kind in sorted(health):
        entry = counted.get(kind)
        if health[kind] & {Health.DEGRADED, Health.AUTH_FAILED}:
            status = "degraded"
        elif entry is None or not entry["free"]:
            status = "unknown"
        else:
            status = "ok"
        label = ProviderAccount(kind=kind).label
        statuses.append(ProviderStatus(kind, label, status, entry["latest"] if entry else None))
    return statuses


# --- PostgreSQL: one pass over the day's rows ----------------------------------------
#
# The same rules as ``_windows`` / ``_with_totals`` / ``_providers`` above, in one statement
# shaped for the planner:
# - the day's rows come from an index-only scan of ``window_day_covering`` (day, start,
#   and every column read here), filtered by semi-joins on the matching spaces, rooms and
#   passes (small hashed id sets; no per-row join to the catalogue tables);
# - each row's asked instant and length come from a tiny table of the zones, joined on the
#   row's own ``timezone`` (computed in Python: the zones' daylight-saving rules as
#   ``zoneinfo`` reads them), not a ``CASE`` over the zones;
# - the nearest window of each item is a ``DISTINCT ON`` over those rows, read once
#   (a materialized CTE) for the page, the count and the providers' summary;
# - totals are computed once per item, and only when the maximum total or the sort by
#   price needs them; the catalogue columns are joined to the items, not the rows.
# The embedded SQLite keeps the ORM path.


def _zone_table(query: SearchQuery, names: list[str]) -> tuple[str, list, list[_Zone]]:
    """``VALUES`` of the zones: name, asked start, length (seconds and an interval)."""
    zones = _zones(query, names)
    if not zones:
        return "(VALUES ('', now(), 0::bigint, interval '0')) AS z(name, ask, length, span)", [], []
    row = "(%s, to_timestamp(%s::bigint), %s::bigint, %s::bigint * interval '1 second')"
    values = ", ".join([row] * len(zones))
    params: list = []
    for zone in zones:
        seconds = duration(query, zone.name)
        params += [zone.name, zone.ask, seconds, seconds]
    return f"(VALUES {values}) AS z(name, ask, length, span)", params, zones


# Up to this many matching spaces, their ids are passed as an array: the planner then
# sees how few they are and reads their rows by (space, day); beyond, a subquery.
FEW_SPACES = 300


def _pg_spaces(
    spaces: QuerySet[Space], matched: list[tuple[int, str]], column: str = "w.space_id"
) -> tuple[str, list]:
    """The condition on ``column`` (a space's id) for the matching spaces."""
    if len(matched) <= FEW_SPACES:
        return f"{column} = ANY(%s)", [[pk for pk, _ in matched]]
    sql, params = spaces.values("pk").query.sql_with_params()
    return f"{column} IN ({sql})", list(params)


def _pg_rows(
    query: SearchQuery,
    spaces: QuerySet[Space],
    matched: list[tuple[int, str]],
    extra: str = "",
    table: dict[str, Decimal] | None = None,
) -> tuple[str, list, bool]:
    """The day's matching rows with ``fit_at`` (a timestamp), ``gap`` (an interval),
    ``unknown`` and ``length`` (seconds), as a SELECT and its parameters; ``matched``:
    the matching spaces' ids and zones; ``extra``: one more condition (no parameters).
    Timestamps, not epoch seconds: ``EXTRACT`` is a ``numeric`` per row; the page's few
    rows are converted at the end.

    With ``table`` (the rates) and one asked length in every zone, the rows also carry
    ``display_total``, computed once per room or pass in the joins that select them
    (and True is returned); else the caller prices the items itself."""
    zones_sql, params, zones = _zone_table(query, sorted({zone for _, zone in matched}))
    lengths = {duration(query, zone.name) for zone in zones}
    priced = table is not None and len(lengths) == 1
    space_sql, space_params = _pg_spaces(spaces, matched)
    where = ["w.day = %s", space_sql]
    where_params: list = [query.date, *space_params]
    if zones:
        where += ["w.start < %s", 'w."end" > %s']
        where_params += [
            dt.datetime.fromtimestamp(max(z.day_end for z in zones), UTC),
            dt.datetime.fromtimestamp(min(z.day_start for z in zones), UTC),
        ]
    rooms_kinds, pass_kinds = KINDS.get(query.kind, (set(ResourceKind.values), None))
    if not query.kind:
        pass_kinds = set(OfferKind.values)
    factor, factor_params = "NULL::numeric", []
    if priced:
        factor, factor_params = _pg_factor(query, table or {})
    items, joins, join_params = [], "", []
    if rooms_kinds:
        rooms = "FROM providers_resource WHERE active AND kind = ANY(%s)"
        rooms_params: list = [sorted(rooms_kinds)]
        if query.people:
            rooms += " AND capacity >= %s"
            rooms_params.append(query.people)
        if priced:
            total = "CASE WHEN %s::bigint > 0 THEN price_hour * %s::bigint / 3600.0 END"
            joins += f" LEFT JOIN (SELECT id, ({total}) * {factor} AS total {rooms}) rm"
            joins += " ON rm.id = w.resource_id"
            join_params += [*lengths, *lengths, *factor_params, *rooms_params]
            items.append("rm.id IS NOT NULL")
        else:
            items.append(f"w.resource_id IN (SELECT id {rooms})")
            where_params += rooms_params
    if pass_kinds:
        # a pass takes up to max_persons people (one when the provider does not say)
        passes = "FROM providers_offer WHERE active AND kind = ANY(%s)"
        passes_params: list = [sorted(pass_kinds)]
        if query.people:
            passes += " AND COALESCE(max_persons, 1) >= %s"
            passes_params.append(query.people)
        if priced:
            joins += f" LEFT JOIN (SELECT id, (price * 1.0) * {factor} AS total {passes}) ps"
            joins += " ON ps.id = w.offer_id"
            join_params += [*factor_params, *passes_params]
            items.append("ps.id IS NOT NULL")
        else:
            items.append(f"w.offer_id IN (SELECT id {passes})")
            where_params += passes_params
    where.append(f"({' OR '.join(items) or 'FALSE'})")
    display = "NULL::numeric"
    if priced:
        rm = "rm.total" if rooms_kinds else "NULL::numeric"
        ps = "ps.total" if pass_kinds else "NULL::numeric"
        display = f"CASE WHEN w.resource_id IS NOT NULL THEN {rm} ELSE {ps} END"
    where.append(
        "(w.state = %s OR (w.state = %s AND ("
        '(w.resource_id IS NOT NULL AND w."end" >= w.start + z.span)'
        " OR (w.offer_id IS NOT NULL AND (w.places_left IS NULL OR w.places_left >= %s)))))"
    )
    where_params += [WindowState.UNKNOWN, WindowState.FREE, query.people or 1]
    if extra:
        where.append(extra)
    free = WindowState.FREE
    # where the asked length fits nearest to the asked start, inside this free window
    fit = 'GREATEST(w.start, LEAST(z.ask, w."end" - z.span))'
    sql = f"""
        SELECT w.id, w.resource_id, w.offer_id, w.space_id, w.start, w."end", w.state,
          w.places_left, w.fetched_at, z.length,
          CASE WHEN w.state = '{free}' THEN 0 ELSE 1 END AS unknown,
          CASE WHEN w.resource_id IS NOT NULL AND w.state = '{free}' THEN {fit}
               WHEN w.resource_id IS NOT NULL THEN z.ask ELSE w.start END AS fit_at,
          CASE WHEN w.resource_id IS NOT NULL AND w.state = '{free}'
                 THEN GREATEST({fit} - z.ask, z.ask - {fit})
               ELSE interval '0' END AS gap,
          {display} AS display_total
        FROM bookings_availabilitywindow w
        JOIN {zones_sql} ON z.name = w.timezone{joins}
        WHERE {" AND ".join(where)}"""  # noqa: S608 (values are parameters)
    return sql, [*params, *join_params, *where_params], priced


def _pg_factor(query: SearchQuery, table: dict[str, Decimal]) -> tuple[str, list]:
    """The display currency's units per unit of an item's ``currency`` column (NULL
    without a rate), as in ``_with_totals``."""
    target = table.get(query.currency)
    factors = [
        (currency, float(target / per_euro))
        for currency, per_euro in table.items()
        if target and per_euro
    ]
    if not factors:
        return "NULL::numeric", []
    cases = " ".join("WHEN %s THEN %s" for _ in factors)
    return f"(CASE currency {cases} END)", [value for pair in factors for value in pair]


def _pg_totals(query: SearchQuery, table: dict[str, Decimal]) -> tuple[str, str, list]:
    """Joins and the SELECT expression of an item's total in the display currency: the
    same arithmetic as ``_with_totals`` (price per hour x hours, or the pass's price).
    For the rows ``_pg_rows`` could not price (zones asked different lengths)."""
    target = table.get(query.currency)
    factors = [
        (currency, float(target / per_euro))
        for currency, per_euro in table.items()
        if target and per_euro
    ]
    factor = " ".join("WHEN %s THEN %s" for _ in factors)
    params = [value for pair in factors for value in pair]
    joins = (
        "LEFT JOIN providers_resource r ON r.id = b.resource_id"
        " LEFT JOIN providers_offer o ON o.id = b.offer_id"
    )
    total = (
        "CASE WHEN b.resource_id IS NOT NULL"
        " THEN CASE WHEN b.length > 0 THEN r.price_hour * b.length / 3600.0 END"
        " ELSE o.price * 1.0 END"
    )
    currency = "CASE WHEN b.resource_id IS NOT NULL THEN r.currency ELSE o.currency END"
    display = f"({total}) * (CASE {currency} {factor} END)" if factors else "NULL::numeric"
    return joins, display, params


ROW_COLUMNS = ("id", "resource_id", "offer_id", "space_id", "start", '"end"', "state")
ROW_COLUMNS += ("places_left", "fetched_at", "length", "unknown", "fit_at", "gap")
PAGE_COLUMNS = ("id", "resource_id", "offer_id", "space_id", "start", "end", "fit")
PAGE_COLUMNS += ("length", "gap", "unknown", "places_left", "fetched_at")
PAGE_TYPES = ("bigint",) * 4 + ("timestamptz",) * 2 + ("bigint",) * 3 + ("integer",) * 2
PAGE_TYPES += ("timestamptz",)


def _pg_search(
    query: SearchQuery, spaces: QuerySet[Space], table: dict[str, Decimal]
) -> tuple[list[dict], dict[str, dict], dict[str, set[str]], int]:
    """The page's rows (as ``PAGE_FIELDS``); by provider, the latest reading and the
    free rows; the providers' health; the items found (under the maximum total): all in
    one statement."""
    matched = list(spaces.values_list("pk", "timezone"))
    if not matched:
        return [], {}, {}, 0
    wants_totals = query.max_total is not None or query.sort == "price"
    rows_sql, params, priced = _pg_rows(
        query, spaces, matched, table=table if wants_totals else None
    )
    under, extra_params, found = "", [], "best"
    if priced and query.max_total is not None:
        under, extra_params = "WHERE display_total <= %s", [float(query.max_total)]
    # the nearest window of each item: free before unknown, then the smallest gap
    best = "SELECT DISTINCT ON (resource_id, offer_id) * FROM rows"
    order_best = "ORDER BY resource_id, offer_id, unknown, gap, start, id"
    ctes = [
        f"rows AS MATERIALIZED ({rows_sql})",
        f"best AS MATERIALIZED ({best} {under} {order_best})",
    ]
    if wants_totals and not priced:  # a daylight-saving night: lengths differ by zone
        joins, display, extra_params = _pg_totals(query, table)
        under = ""
        if query.max_total is not None:
            under = "WHERE display_total <= %s"
            extra_params = [*extra_params, float(query.max_total)]
        columns = ", ".join(f"b.{name}" for name in ROW_COLUMNS)
        priced_sql = f"SELECT {columns}, {display} AS display_total FROM best b {joins}"  # noqa: S608
        priced_sql = f"SELECT * FROM ({priced_sql}) t {under}"  # noqa: S608
        ctes.append(f"priced AS MATERIALIZED ({priced_sql})")
        found = "priced"
    order, distance = "unknown, gap, start", "NULL::numeric"
    if query.sort == "price":
        order = "display_total ASC NULLS LAST, unknown, gap"
    elif query.sort == "distance" and query.near:
        import math

        lat, lon = query.near
        shrink = math.cos(math.radians(lat))
        order = "distance ASC NULLS LAST, unknown, gap"
        distance = (
            "(SELECT (s.latitude - %s) * (s.latitude - %s)"
            " + ((s.longitude - %s) * %s) * ((s.longitude - %s) * %s)"
            " FROM providers_space s WHERE s.id = f.space_id)"
        )
        extra_params = [*extra_params, lat, lat, lon, shrink, lon, shrink]
    seconds = {"fit": "p.fit_at", "gap": "p.gap"}
    columns = ", ".join(
        f"CAST(EXTRACT(EPOCH FROM {seconds[name]}) AS BIGINT)" if name in seconds else f'p."{name}"'
        for name in PAGE_COLUMNS
    )
    nothing = ", ".join(f"NULL::{kind}" for kind in PAGE_TYPES)
    space_sql, space_params = _pg_spaces(spaces, matched, "s.id")
    sql = f"""
        WITH {", ".join(ctes)},
        page AS (SELECT f.*, {distance} AS distance FROM {found} f
                 ORDER BY {order}, id LIMIT %s OFFSET %s)
        SELECT 'page', {columns}, NULL::text, NULL::timestamptz, NULL::numeric,
          ROW_NUMBER() OVER (ORDER BY {order}, id), NULL::text
        FROM page p
        UNION ALL
        SELECT 'provider', {nothing}, a.kind, MAX(g.latest), SUM(g.free), NULL::bigint, NULL::text
        FROM (SELECT space_id, MAX(fetched_at) AS latest,
                     COUNT(*) FILTER (WHERE state = %s) AS free
              FROM rows GROUP BY space_id) g
        JOIN providers_space s ON s.id = g.space_id
        JOIN providers_provideraccount a ON a.id = s.account_id
        GROUP BY a.kind
        UNION ALL
        SELECT 'count', {nothing}, NULL::text, NULL::timestamptz, NULL::numeric,
          (SELECT COUNT(*) FROM {found}), NULL::text
        UNION ALL
        SELECT DISTINCT 'health', {nothing}, a.kind, NULL::timestamptz, NULL::numeric,
          NULL::bigint, a.health
        FROM providers_provideraccount a JOIN providers_space s ON s.account_id = a.id
        WHERE a.enabled AND {space_sql}"""  # noqa: S608 (values are parameters)
    params = [*params, *extra_params, query.limit, query.offset, WindowState.FREE]
    params += space_params
    page: list[tuple[int, dict]] = []
    counted: dict[str, dict] = {}
    health: dict[str, set[str]] = {}
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for record in cursor.fetchall():
            tag = record[0]
            if tag == "page":
                page.append((record[16], dict(zip(PAGE_FIELDS, record[1:13], strict=True))))
            elif tag == "provider":
                counted[record[13]] = {"latest": record[14], "free": record[15]}
            elif tag == "count":
                count = record[16]
            else:
                health.setdefault(record[13], set()).add(record[17])
    page_rows = [row for _, row in sorted(page, key=lambda pair: pair[0])]
    return page_rows, counted, health, count


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
