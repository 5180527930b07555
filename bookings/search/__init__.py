"""Search by time window across every provider: bookable items (rooms and passes) that
are free when the member asks, read from the availability index (``AvailabilityWindow``).

The database does the work: the catalogue filters, the index rows of the asked day, the
nearest free window of each item (a window function), the totals, the sort and the page.
Only the page's hits are read into Python. Every filter applies to the same item: a row
of the index is one room or one pass, and the item filters join to that row's item.

Times are local to each space: the matching spaces' zones are grouped and the asked
window is turned into one UTC instant per zone (a ``CASE`` over the zones), so a search for
14:00-16:00 finds 14:00 in Dublin and 14:00 in New York, daylight saving included.

The package, by job: ``query`` (what is asked and answered, the zones), ``orm`` (the
portable ORM path, used on SQLite), ``postgres`` (the one statement on PostgreSQL) and
``cards`` (the page's hits, their alternatives and the providers' statuses).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from bookings import index, money, rules
from bookings.search.cards import _alternatives, _attach_items, _hit, _statuses
from bookings.search.orm import _orm_search
from bookings.search.postgres import _pg_search
from bookings.search.query import (
    ALTERNATIVES,
    KINDS,
    PAGE_FIELDS,
    SORTS,
    Hit,
    ProviderStatus,
    SearchQuery,
    SearchResult,
    book_url,
    duration,
    matching_spaces,
    query_from,
)
from providers import selectors
from providers.cache import current_tokens

__all__ = [
    "ALTERNATIVES",
    "KINDS",
    "PAGE_FIELDS",
    "SORTS",
    "Hit",
    "ProviderStatus",
    "SearchQuery",
    "SearchResult",
    "_orm_search",
    "_pg_search",
    "_statuses",
    "book_url",
    "duration",
    "matching_spaces",
    "query_from",
    "rules",
    "search",
    "sources",
]


def source_timeouts() -> dict[str, int | None]:
    """``sources``' keys, each with how long a fresh token lives."""
    return {
        selectors.CATALOGUE_VERSION_KEY: None,
        index.TOKEN_KEY: index.TOKEN_SECONDS,
        money.RATES_TOKEN_KEY: money.RATES_KEEP_SECONDS,
    }


def sources() -> list[str] | None:
    """What every search's answer is computed from besides its query, as tokens their
    writers replace: the catalogue (a sync, a staff edit, an account's health), the
    availability index (every write of its rows) and the exchange rates. One round trip;
    None while the cache is down. Their keys, in order: ``source_timeouts``."""
    return current_tokens(source_timeouts())


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
