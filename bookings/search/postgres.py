"""Search on PostgreSQL: one statement over the day's rows (see the notes below)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import (
    QuerySet,
)

from bookings.models import WindowState
from bookings.search.query import KINDS, PAGE_FIELDS, UTC, SearchQuery, _Zone, _zones, duration
from providers.models import OfferKind, ResourceKind, Space

# --- PostgreSQL: one pass over the day's rows ----------------------------------------
#
# The same rules as ``_windows`` / ``_with_totals`` / ``_providers`` in ``orm``, in one statement
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
    factor = "NULL::numeric"
    factor_params: list = []
    if priced:
        factor, factor_params = _pg_factor(query, table or {})
    items, joins, join_params = [], "", []
    if rooms_kinds:
        rooms = "FROM providers_resource WHERE active AND kind = ANY(%s)"
        rooms_params: list = [sorted(rooms_kinds)]
        if query.people:
            rooms += " AND capacity >= %s"
            # nor a room that wants more people (a Workways minPerson: ``rules.limits``;
            # the catalogue writes it as a whole number)
            rooms += " AND COALESCE((rules->>'min_persons')::int, 1) <= %s"
            rooms_params += [query.people, query.people]
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


ROW_COLUMNS: tuple[str, ...]
ROW_COLUMNS = ("id", "resource_id", "offer_id", "space_id", "start", '"end"', "state")
ROW_COLUMNS += ("places_left", "fetched_at", "length", "unknown", "fit_at", "gap")
PAGE_COLUMNS: tuple[str, ...]
PAGE_COLUMNS = ("id", "resource_id", "offer_id", "space_id", "start", "end", "fit")
PAGE_COLUMNS += ("length", "gap", "unknown", "places_left", "fetched_at")
PAGE_TYPES: tuple[str, ...]
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
