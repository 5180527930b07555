"""Search on the ORM (the embedded SQLite): the annotated index rows, their totals and
the page, the providers' summary and the count. PostgreSQL takes ``postgres``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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

from bookings import money
from bookings.models import AvailabilityWindow, WindowState
from bookings.search.cards import _statuses
from bookings.search.query import (
    KINDS,
    PAGE_FIELDS,
    UTC,
    ProviderStatus,
    SearchQuery,
    _Zone,
    _zones,
    duration,
)
from providers.models import OfferKind, ResourceKind, Space


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


# --- the query -------------------------------------------------------------------------


def _item_filter(query: SearchQuery) -> Q:
    rooms_kinds, pass_kinds = KINDS.get(query.kind, (set(ResourceKind.values), None))
    if not query.kind:
        pass_kinds = set(OfferKind.values)
    rooms = Q(resource__isnull=False, resource__active=True, resource__kind__in=rooms_kinds)
    passes = Q(offer__isnull=False, offer__active=True, offer__kind__in=pass_kinds)
    if query.people:
        rooms &= Q(resource__capacity__gte=query.people)
        # nor a room that wants more people (a Workways minPerson: ``rules.limits``)
        rooms &= Q(resource__rules__min_persons__isnull=True) | Q(
            resource__rules__min_persons__lte=query.people
        )
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
        length: Case | Value = Value(duration(query), output_field=IntegerField())
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
