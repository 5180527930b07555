"""Bookings starting today and tomorrow, per space, in the space's own local time.

"Today" is the space's today: at 23:30 in Dublin it is already tomorrow in Bucharest.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from bookings.models import HOLDING, Booking


@dataclass(frozen=True)
class Row:
    booking: Booking
    day: str  # "today" or "tomorrow" in the space's zone
    starts: str  # local "14:00"
    ends: str  # local "15:00", or the local date when it ends on another day


@dataclass
class SpaceDay:
    space_name: str
    provider: str
    zone: str  # "Europe/Vienna"
    zone_abbreviation: str  # "CET", as it is today
    today: list[Row] = field(default_factory=list)
    tomorrow: list[Row] = field(default_factory=list)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_time(when: dt.datetime, zone_name: str) -> str:
    """``when`` as the space reads it, the zone named: "2026-12-02 14:00 CET (Europe/Vienna)"."""
    zone = _zone(zone_name)
    local = when.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({zone.key})"


def starting_soon(now: dt.datetime) -> list[SpaceDay]:
    """Live bookings starting on the space's today or tomorrow, grouped by space."""
    # Every zone's today and tomorrow lie within a day and a half either side of now.
    bookings = (
        Booking.objects.filter(
            status__in=HOLDING,
            start__gte=now - dt.timedelta(hours=36),
            start__lt=now + dt.timedelta(hours=60),
        )
        .select_related("space__account", "member", "resource", "offer")
        .order_by("start", "pk")
    )
    spaces: dict[int, SpaceDay] = {}
    for booking in bookings:
        space = booking.space
        zone = _zone(space.timezone)
        local_today = now.astimezone(zone).date()
        start = booking.start.astimezone(zone)
        end = booking.end.astimezone(zone)
        offset = (start.date() - local_today).days
        if offset not in (0, 1):
            continue
        entry = spaces.get(space.pk)
        if entry is None:
            entry = spaces[space.pk] = SpaceDay(
                space_name=space.name,
                provider=space.account.label,
                zone=str(zone.key),
                zone_abbreviation=now.astimezone(zone).tzname() or "",
            )
        ends = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
        row = Row(booking, "today" if offset == 0 else "tomorrow", f"{start:%H:%M}", ends)
        (entry.today if offset == 0 else entry.tomorrow).append(row)
    return sorted(spaces.values(), key=lambda s: s.space_name)
