"""4Spaces availability (seed ``004_a5945c39ebd5aa5e.txt``).

Availability (docs/providers/fourspaces.md, "Availability"): the document has no
availability endpoint, so ``day_facts`` / ``pass_days`` read the same call again (fresh
``userAccesses``) and translate the service's time option, the opening hours in the
smart spaces' ``properties`` and the booked smart spaces' accesses into facts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from providers.adapters.base import malformed
from providers.adapters.errors import UnsupportedError
from providers.adapters.parsing import SkipItem, text
from providers.adapters.types import ItemRef, OpeningHours, PassDay, ProviderDay
from providers.vendors.fourspaces.parsing import (
    DAILY,
    DATETIME_MIN_MS,
    RESERVATION,
    TIMESPAN,
    duration_minutes,
    epoch_ms,
    opening_hours,
)
from providers.vendors.fourspaces.things import (
    ThingsMixin,
    descendants,
    string_properties,
    sys_type,
)
from providers.vendors.fourspaces.timeoptions import (
    daily_window,
    is_daily,
    is_timespan,
    local_at,
    local_day,
    minutes_of,
)

logger = logging.getLogger(__name__)


class AvailabilityMixin(ThingsMixin):
    # The document has no availability call: the facts are the organization details read
    # again (fresh ``userAccesses``, not the catalogue's stale ``raw.taken``), the service's
    # time option and the opening hours in the smart spaces' string ``properties``.

    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """A Timespan product (a room) on one local day: the building's/room's opening
        hours as ``open`` windows, the booked smart spaces' accesses as ``busy``."""
        if not is_timespan(item.raw):
            raise UnsupportedError(
                "4Spaces books this by the day or as an inquiry, not by the hour",
                provider=self.kind,
            )
        org = self.organization(reuse=True)
        service, product = self.find_product(org, item)
        option = service.get("timeOption")
        if not isinstance(option, dict):
            option = {}
        if service.get("serviceType") != RESERVATION or option.get("type") != TIMESPAN:
            raise UnsupportedError(
                "this product is no longer booked by the hour", provider=self.kind
            )
        site, linked = self.booked_things(org, item, product)
        tz = ZoneInfo(item.timezone)
        day_start, day_end = local_day(day, tz)
        hours = self.hours_for(org, site, linked, item)
        return ProviderDay(
            open=open_windows(hours, day, tz),
            busy=access_windows(linked, day_start, day_end, tz, self.kind),
            capacity=max(1, item.quantity),
        )

    def pass_days(self, item: ItemRef, start: dt.date, end: dt.date) -> list[PassDay]:
        """A Daily product on each day: open when the building is open within the
        check-in/check-out window. Places are not counted by 4Spaces (``remaining``
        None), except that a private office is one unit: taken when it holds an access
        in that window."""
        if not is_daily(item.raw):
            raise UnsupportedError(
                "4Spaces sells this as an inquiry, a partner link or a ticket, not by the day",
                provider=self.kind,
            )
        if end < start:
            return []
        org = self.organization(reuse=True)
        service, product = self.find_product(org, item)
        option = service.get("timeOption")
        if not isinstance(option, dict):
            option = {}
        if service.get("serviceType") != RESERVATION or option.get("type") != DAILY:
            raise UnsupportedError(
                "this product is no longer booked by the day", provider=self.kind
            )
        daily_options = option.get("dailyOptions")
        daily_options = daily_options if isinstance(daily_options, dict) else {}
        # doc: TimeDailyDto "Checkin TimeSpan?", "Checkout TimeSpan?" -- ISO 8601 durations
        # after local midnight ("checkin: PT0S"; seed "PT8H", "PT18H")
        checkin = duration_minutes(daily_options.get("checkin"))
        checkout = duration_minutes(daily_options.get("checkout"))
        site, linked = self.booked_things(org, item, product)
        tz = ZoneInfo(item.timezone)
        hours = self.hours_for(org, site, linked, item)
        # whole units (an office): one access in the window takes it for the day
        units = [t for t in linked if sys_type(t) in ("PrivateOffice", "Office")]
        result = []
        day = start
        while day <= end:
            window = daily_window(day, checkin, checkout, tz)
            is_open = any(overlap(s, e, *window) for s, e in open_windows(hours, day, tz))
            remaining = None
            if units and len(units) == len(linked):
                remaining = sum(
                    1 for unit in units if not access_windows([unit], *window, tz, self.kind)
                )
                is_open = is_open and remaining > 0
            result.append(PassDay(day=day, open=is_open, remaining=remaining))
            day += dt.timedelta(days=1)
        return result

    def hours_for(
        self, org: dict, site: dict, linked: list[dict], item: ItemRef
    ) -> list[OpeningHours]:
        """Opening hours: the booked room's own ``properties.openingHours``, else the
        building's, else what the catalogue stored, else ``reservationConfig.openingHours``
        when it is such a string. [] (unknown): open around the clock."""
        config = org.get("reservationConfig")
        config = config if isinstance(config, dict) else {}
        sources = [string_properties(t).get("openingHours") for t in linked]
        sources += [
            string_properties(site).get("openingHours"),
            item.space_raw.get("opening_hours_text"),
            config.get("openingHours"),
        ]
        for source in sources:
            if not isinstance(source, str) or not source.strip():
                continue
            hours = opening_hours(source)
            if hours:
                return hours
            logger.warning("4Spaces opening hours %r not understood; trying the next", source)
        return []


def overlap(start: dt.datetime, end: dt.datetime, other_start, other_end) -> bool:
    """Whether two intervals overlap, compared as instants (UTC), not wall clocks."""
    utc = dt.UTC
    return start.astimezone(utc) < other_end.astimezone(utc) and end.astimezone(
        utc
    ) > other_start.astimezone(utc)


def open_windows(hours: list[OpeningHours], day: dt.date, tz: ZoneInfo) -> list[tuple]:
    """The open windows of one local day from weekly hours: the day's own hours plus what
    an overnight rule of the day before spills past midnight, clipped to the day. No hours
    known: the whole day (4Spaces' Timespan option has no window of its own)."""
    day_start, day_end = local_day(day, tz)
    if not hours:
        return [(day_start, day_end)]
    by_weekday = {h.weekday: h for h in hours}
    # compared in UTC: aware times of one zone compare by wall clock, blind to the fold
    first, last = day_start.astimezone(dt.UTC), day_end.astimezone(dt.UTC)
    windows: list[tuple[dt.datetime, dt.datetime]] = []
    for date in (day - dt.timedelta(days=1), day):
        rule = by_weekday.get(date.weekday())
        if rule is None or rule.opens is None or rule.closes is None:
            continue  # closed that day
        opens, closes = minutes_of(rule.opens), minutes_of(rule.closes)
        if rule.closes_next_day or closes <= opens:  # "24:00" or "22:00-02:00"
            closes += 1440
        start = max(local_at(date, opens, tz).astimezone(dt.UTC), first)
        end = min(local_at(date, closes, tz).astimezone(dt.UTC), last)
        if start < end:
            windows.append((start, end))
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [(start.astimezone(tz), end.astimezone(tz)) for start, end in merged]


def access_windows(
    things: list[dict], start: dt.datetime, end: dt.datetime, tz: ZoneInfo, provider: str
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The ``userAccesses`` of the booked smart spaces (and of their devices -- a room's
    door lock) that overlap ``start``-``end``, clipped to it. doc: UserAccessView
    "ValidFrom DateTime", "ValidTo DateTime?" as epoch milliseconds ("validFrom:
    -62135596800000", .NET DateTime.MinValue: since ever as ``validFrom``, long over as
    ``validTo``); no ``validTo`` (null, left out): open-ended."""
    seen: set[str] = set()
    busy: list[tuple[dt.datetime, dt.datetime]] = []

    def accesses(thing: dict) -> Iterator[dict]:
        yield from thing.get("userAccesses") or []
        for _, child in descendants(thing):
            if not text(string_properties(child).get("productId")):  # not booked on its own
                yield from child.get("userAccesses") or []

    for thing in things:
        for access in accesses(thing):
            if not isinstance(access, dict):
                continue
            key = text(access.get("id"))
            if key and key in seen:
                continue
            seen.add(key)
            if access.get("validTo") == DATETIME_MIN_MS:
                continue  # ended at .NET's year 1 (the doc sample's filler), not open-ended
            try:
                valid_from = epoch_ms(access.get("validFrom"), tz)
                valid_to = epoch_ms(access.get("validTo"), tz)
            except SkipItem as exc:
                raise malformed(provider, f"access {key or '?'}: {exc}") from exc
            # compared in UTC (a same-zone comparison ignores the autumn fold)
            begin = max((valid_from or start).astimezone(dt.UTC), start.astimezone(dt.UTC))
            finish = min((valid_to or end).astimezone(dt.UTC), end.astimezone(dt.UTC))
            if begin < finish:
                busy.append((begin, finish))
    return [(begin.astimezone(tz), finish.astimezone(tz)) for begin, finish in sorted(busy)]
