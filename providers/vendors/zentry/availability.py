"""Zentry availability: ``day_facts`` for rooms, ``pass_days`` for the day pass.

Reads, per call, the room (``POST /Room {ids}``, whose ExtendedRoom embeds its location's
``schedule`` and ``timeZone``) or the location (``POST /Location {ids}``) and the closures
(``POST /LocationClosure {locationIds}``, ``POST /RoomClosure {roomIds}``) of the
Workspaces API (``002_b74326c229a2377d.txt``), and the reservations
(``POST /RoomReservation {roomIds, occupiedDateRange}``, ``POST /DayPassReservation
{locationIds, minimumReservationDate, maximumReservationDate}``) of the CheckIns API
(``003_c7b0553c6c4180e6.txt``), and translates them into open windows, busy intervals
and places left. No business rule (lead time, past days) is applied here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from providers.adapters.base import NotFoundError, UnsupportedError, malformed
from providers.adapters.parsing import SkipItem, text
from providers.adapters.types import ItemRef, PassDay, ProviderDay
from providers.models import OfferKind, ResourceKind
from providers.vendors.zentry.client import ZentryClient
from providers.vendors.zentry.parsing import (
    HOLDING_STATUSES,
    Interval,
    day_bounds,
    instant,
    pass_day_of,
    positive_int,
    timezone_name,
    utc_text,
)
from providers.vendors.zentry.recurrence import closure_occurrences
from providers.vendors.zentry.schedules import bookable, max_visitors, opening_window, subtract


class AvailabilityMixin(ZentryClient):
    def zone_of(self, location: dict, item: ItemRef) -> ZoneInfo:
        """The location's ``timeZone`` (its schedule's clock); the catalogue's zone if the
        answer carries none that can be read."""
        try:
            return ZoneInfo(timezone_name(location.get("timeZone")))
        except SkipItem:
            return ZoneInfo(item.timezone)

    def one(self, path: str, ident: str, what: str) -> dict:
        """One record by id through a search's ``ids`` filter (doc: LocationQuery /
        RoomQuery ``ids``); the answer is checked in case the filter is ignored."""
        for record in self.search(path, {"ids": [ident]}):
            if isinstance(record, dict) and record.get("id") == ident:
                return record
        raise NotFoundError(f"{what} {ident} was not found", provider=self.kind, status=404)

    def closures(self, path: str, key: str, ident: str) -> list[dict]:
        """doc: ``POST /LocationClosure {locationIds}`` / ``POST /RoomClosure {roomIds}``."""
        found = self.search(path, {f"{key}s": [ident]})
        return [c for c in found if isinstance(c, dict) and c.get(key) == ident]

    def closed(self, closures: list[dict], zone: ZoneInfo, window: Interval) -> list[Interval]:
        start, end = window
        hits: list[Interval] = []
        for closure in closures:
            hits.extend(
                closure_occurrences(closure, zone, start.astimezone(dt.UTC), end.astimezone(dt.UTC))
            )
        return hits

    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """A meeting room on one local day.

        ``open`` = the location's schedule that weekday minus the location's and the
        room's closure occurrences; ``busy`` = the room's non-cancelled reservations that
        overlap the day (``POST /RoomReservation {roomIds, occupiedDateRange}``);
        ``capacity`` = the room's ``quantity`` ("How many of these rooms are available":
        that many bookings may overlap).
        """
        if item.kind != ResourceKind.MEETING_ROOM.value:
            raise UnsupportedError(f"zentry has no {item.kind} availability", provider=self.kind)
        room_id = text(item.raw.get("room_id")) or item.external_id
        room = self.one("/Room", room_id, "room")
        # doc: ExtendedRoom.location is the room's Location (schedule, timeZone included)
        location = room.get("location")
        location_id = text(room.get("locationId")) or text(item.raw.get("location_id"))
        if not isinstance(location, dict) or not isinstance(location.get("schedule"), dict):
            location = self.one("/Location", location_id, "location")
        zone = self.zone_of(location, item)
        try:
            quantity = positive_int(room.get("quantity"), "quantity")
        except SkipItem as exc:
            raise malformed(self.kind, f"room {room_id}: {exc}") from exc
        window = opening_window(location.get("schedule"), day, zone)
        if window is None or not bookable(location):  # closed that weekday, or Inactive
            return ProviderDay(open=[], busy=[], capacity=quantity)
        cuts = self.closed(
            self.closures("/LocationClosure", "locationId", location_id), zone, window
        ) + self.closed(self.closures("/RoomClosure", "roomId", room_id), zone, window)
        open_windows = [(s.astimezone(zone), e.astimezone(zone)) for s, e in subtract(window, cuts)]

        start, end = day_bounds(day, zone)
        end = max(end, window[1])  # a schedule open past midnight
        busy: list[Interval] = []
        found = self.search(
            "/RoomReservation",
            {
                "roomIds": [room_id],
                "statuses": HOLDING_STATUSES,
                # doc: RoomReservationQuery.occupiedDateRange {from, to}
                "occupiedDateRange": {"from": utc_text(start), "to": utc_text(end)},
            },
            base=self.checkins_url,
        )
        for reservation in found:
            if not isinstance(reservation, dict):
                raise malformed(self.kind, "a reservation is not an object")
            if reservation.get("roomId") != room_id:
                continue
            if reservation.get("status") not in HOLDING_STATUSES:
                continue  # Cancelled: the room is free again
            begins = instant(reservation.get("reservationDate"), "reservationDate")
            ends = instant(reservation.get("reservationEndDate"), "reservationEndDate")
            if begins < end and ends > start and ends > begins:
                busy.append((begins.astimezone(zone), ends.astimezone(zone)))
        return ProviderDay(open=open_windows, busy=sorted(busy), capacity=quantity)

    def pass_days(self, item: ItemRef, start: dt.date, end: dt.date) -> list[PassDay]:
        """The day pass of a location on each local day from ``start`` to ``end``.

        ``open`` = the schedule opens that weekday and the location's closures do not
        cover all of its open hours (a partial closure leaves the day sold);
        ``remaining`` = ``maxVisitors`` of that weekday minus the day's non-cancelled day
        passes (``None`` when ``maxVisitors`` is null: no limit). Whether a day with
        nothing left, or a past day, is sold is the service's decision.
        """
        if item.kind != OfferKind.DAY_PASS.value:
            raise UnsupportedError(f"zentry has no {item.kind} availability", provider=self.kind)
        if end < start:
            return []
        location_id = text(item.raw.get("location_id")) or item.external_id
        location = self.one("/Location", location_id, "location")
        zone = self.zone_of(location, item)
        schedule = location.get("schedule")
        closures = self.closures("/LocationClosure", "locationId", location_id)

        # A day pass's reservationDate is a local midnight or 00:00Z of its date (see
        # pass_day_of): ask for everything between the earlier and the later of the two,
        # then count per local day.
        first = dt.datetime.combine(start, dt.time(0), dt.UTC)
        last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), dt.UTC)
        lower = min(first, day_bounds(start, zone)[0])
        upper = max(last, day_bounds(end, zone)[1])
        found = self.search(
            "/DayPassReservation",
            {
                "locationIds": [location_id],
                "statuses": HOLDING_STATUSES,
                # doc: "Filter reservations with a reservation date greater than this
                # time" / "less than this time"
                "minimumReservationDate": utc_text(lower - dt.timedelta(seconds=1)),
                "maximumReservationDate": utc_text(upper),
            },
            base=self.checkins_url,
        )
        taken: dict[dt.date, int] = {}
        for reservation in found:
            if not isinstance(reservation, dict):
                raise malformed(self.kind, "a reservation is not an object")
            if reservation.get("locationId") != location_id:
                continue
            if reservation.get("reservationType", "DayPass") != "DayPass":
                continue
            if reservation.get("status") not in HOLDING_STATUSES:
                continue  # Cancelled: the place is free again
            booked = pass_day_of(reservation.get("reservationDate"), zone)
            taken[booked] = taken.get(booked, 0) + 1

        days: list[PassDay] = []
        day = start
        while day <= end:
            window = opening_window(schedule, day, zone)
            is_open = (
                window is not None
                and bookable(location)
                and subtract(window, self.closed(closures, zone, window)) != []
            )
            if not is_open:
                days.append(PassDay(day, False, 0))
            else:
                limit = max_visitors(schedule, day)
                remaining = None if limit is None else max(0, limit - taken.get(day, 0))
                days.append(PassDay(day, True, remaining))
            day += dt.timedelta(days=1)
        return days
