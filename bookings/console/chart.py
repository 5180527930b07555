"""Bookings per day per provider over the last and next 14 days, as SVG geometry.

The page draws it on the server (no chart library, nothing from a CDN): one line per
provider over 29 days, today marked. The same numbers are given as a table for people
who cannot see the chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import formats, timezone

from bookings.models import Booking, Status
from providers import registry

SPAN_DAYS = 14
WIDTH, HEIGHT = 600, 180
LEFT, RIGHT, TOP, BOTTOM = 32, 24, 8, 24  # room for the axis labels
NOT_COUNTED = (Status.FAILED, Status.REJECTED)  # never held anything at the provider


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    count: int


@dataclass(frozen=True)
class Series:
    kind: str
    label: str
    index: int  # its colour, class "series-<index>"
    counts: list[int]
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    days: list[dt.date]
    series: list[Series]
    peak: int
    today_x: float
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT

    @property
    def rows(self) -> list[tuple[dt.date, list[int]]]:
        """The table alternative: each day with each series' count."""
        return [(day, [s.counts[i] for s in self.series]) for i, day in enumerate(self.days)]


def _x(i: int, days: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * i / max(days - 1, 1)


def _y(count: int, peak: int) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot * (1 - count / peak) if peak else HEIGHT - BOTTOM


def bookings_per_day(now: dt.datetime) -> Chart:
    """Bookings by start day (in the portal's zone) and provider, today ± 14 days."""
    today = timezone.localdate(now)
    days = [today + dt.timedelta(days=d) for d in range(-SPAN_DAYS, SPAN_DAYS + 1)]
    first = timezone.make_aware(dt.datetime.combine(days[0], dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min))
    counted = (
        Booking.objects.filter(start__gte=first, start__lt=after)
        .exclude(status__in=NOT_COUNTED)
        .annotate(day=TruncDate("start"))
        .values("day", "space__account__kind")
        .annotate(n=Count("id"))
    )
    by_kind: dict[str, dict[dt.date, int]] = {}
    for row in counted:
        by_kind.setdefault(row["space__account__kind"], {})[row["day"]] = row["n"]
    peak = max((n for per_day in by_kind.values() for n in per_day.values()), default=0)
    series = []
    for index, kind in enumerate(sorted(by_kind)):
        counts = [by_kind[kind].get(day, 0) for day in days]
        points = [Point(_x(i, len(days)), _y(n, peak), n) for i, n in enumerate(counts)]
        series.append(Series(kind, registry.label(kind), index % 6, counts, points))
    ticks = [
        Tick(_x(i, len(days)), formats.date_format(day, "j M"))
        for i, day in enumerate(days)
        if i % 7 == 0
    ]
    return Chart(
        days=days,
        series=series,
        peak=peak,
        today_x=_x(SPAN_DAYS, len(days)),
        ticks=ticks,
    )
