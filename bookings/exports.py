"""Bookings for accounting: one period's bookings as CSV rows, then totals per provider.

Times are the space's local time with the zone named (a 14:00 Vienna booking reads
14:00 Europe/Vienna wherever staff are). Text cells a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``, and a leading tab or carriage return) get a leading
apostrophe, so a member's name or a provider's reference cannot become a formula.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bookings.models import FINAL, Booking
from providers import registry

MAX_DAYS = 366  # a year, leap years included

COLUMNS = (
    "id",
    "reference",
    "member email",
    "provider",
    "space",
    "item",
    "kind",
    "status",
    "start",
    "end",
    "time zone",
    "price",
    "currency",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PeriodError(ValueError):
    """The period asked for cannot be exported; the message says why, for staff."""


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date  # included

    @property
    def filename(self) -> str:
        return f"bookings-{self.first.isoformat()}-to-{self.last.isoformat()}.csv"


def parse_period(first: str | None, last: str | None) -> Period:
    """``from`` and ``to`` as the export URL takes them: two dates YYYY-MM-DD, ``to`` not
    before ``from``, at most a year apart."""
    days = []
    for name, value in (("from", first), ("to", last)):
        if not value:
            raise PeriodError(_("Give the period as from=YYYY-MM-DD and to=YYYY-MM-DD."))
        try:
            days.append(dt.date.fromisoformat(value.strip()))
        except ValueError:
            raise PeriodError(
                _("“%(name)s” is not a date such as 2026-01-31.") % {"name": name}
            ) from None
    period = Period(days[0], days[1])
    if period.last < period.first:
        raise PeriodError(_("The period ends before it starts."))
    if (period.last - period.first).days >= MAX_DAYS:
        raise PeriodError(_("Export at most a year at a time."))
    return period


def space_time(instant: dt.datetime, space) -> str:
    """``2026-03-02 14:00 Europe/Vienna``: an instant in its space's zone, zone named."""
    return (
        f"{instant.astimezone(zoneinfo.ZoneInfo(space.timezone)):%Y-%m-%d %H:%M} {space.timezone}"
    )


def bookings_in(period: Period) -> Iterator[Booking]:
    """Bookings starting within the period, by the date at their space: the query takes a
    day either side (zones reach UTC-12 and UTC+14), the space's zone decides."""
    since = dt.datetime.combine(period.first - dt.timedelta(days=1), dt.time(), dt.UTC)
    until = dt.datetime.combine(period.last + dt.timedelta(days=2), dt.time(), dt.UTC)
    candidates: QuerySet[Booking] = (
        Booking.objects.filter(start__gte=since, start__lt=until)
        .select_related("member", "space__account", "resource", "offer")
        .order_by("start", "pk")
    )
    for booking in candidates.iterator(chunk_size=500):
        local_day = booking.start.astimezone(zoneinfo.ZoneInfo(booking.space.timezone)).date()
        if period.first <= local_day <= period.last:
            yield booking


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _local(instant: dt.datetime, zone: str) -> str:
    return instant.astimezone(zoneinfo.ZoneInfo(zone)).isoformat(timespec="minutes")


def booking_row(booking: Booking) -> list[str]:
    zone = booking.space.timezone
    item = booking.item
    cells = (
        booking.pk,
        booking.provider_reference,
        booking.member.email,
        registry.label(booking.space.account.kind),
        booking.space.name,
        item.name if item else "",
        booking.kind,
        booking.status,
        _local(booking.start, zone),
        _local(booking.end, zone),
        zone,
        "" if booking.price is None else f"{booking.price:.2f}",
        booking.currency,
    )
    return [safe_cell(cell) for cell in cells]


def rows(bookings: Iterable[Booking]) -> Iterator[list[str]]:
    """The CSV's rows: a header, a row per booking, then per provider and currency how
    many bookings and their sum (bookings with no price under no currency). Refused,
    failed and cancelled bookings are listed but not counted: nothing is owed for them."""
    yield list(COLUMNS)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for booking in bookings:
        yield booking_row(booking)
        if booking.status in FINAL:
            continue
        key = (registry.label(booking.space.account.kind), booking.currency)
        counts[key] += 1
        sums[key] += booking.price or Decimal(0)
    yield []
    yield ["totals per provider (refused, failed and cancelled bookings not counted)"]
    yield ["provider", "currency", "bookings", "sum"]
    for key in sorted(counts):
        provider, currency = key
        yield [safe_cell(provider), safe_cell(currency), str(counts[key]), f"{sums[key]:.2f}"]
