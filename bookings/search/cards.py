"""The page's hits: their rooms, passes and spaces, the nearest free alternatives,
the catalogue's estimate of each total, and the providers' statuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import (
    QuerySet,
)

from bookings import money, rules
from bookings.models import WindowState
from bookings.search.postgres import _pg_rows
from bookings.search.query import ALTERNATIVES, Hit, ProviderStatus, SearchQuery, _zone
from bookings.services.quotes import catalogue_quote
from providers.adapters.types import BookingRequest, Customer
from providers.models import Health, Offer, ProviderAccount, Resource, Space


def _attach_items(page: list[dict]) -> None:
    """The page's rooms, passes and spaces (with their accounts): three queries."""
    if not page:
        return
    spaces = Space.objects.select_related("account").in_bulk({row["space_id"] for row in page})
    resources = Resource.objects.in_bulk({row["resource_id"] for row in page} - {None})
    offers = Offer.objects.in_bulk({row["offer_id"] for row in page} - {None})
    items: list[Resource | Offer] = [*resources.values(), *offers.values()]
    for item in items:
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
    for entry in fits:
        by_item.setdefault(entry["resource_id"], []).append(entry)
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
