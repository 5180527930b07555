"""Workways availability: slot windows and the ICS feed (seed ``001_880c9b30cd55c5d4.txt``).

Availability (``day_facts``) reads two things: the room's slot window for the weekday
(``slotWeek`` / ``slotSaturday`` / ``slotSunday``, stored by the catalogue in
``rules["windows"]``), which becomes the ``open`` windows in the site's zone, and the room's
ICS feed (``feed.py``), whose meetings on that local day become ``busy``. Capacity is 1: a
meeting books the whole room (sandbox: any overlap is ROOM_OVERLAP).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from providers.adapters.errors import ProviderConfigurationError, UnsupportedError
from providers.adapters.parsing import SkipItem, text
from providers.adapters.types import ItemRef, ProviderDay
from providers.vendors.workways.feed import FeedMixin, busy_from_body
from providers.vendors.workways.parsing import TIMED_KINDS, windows

# rules["windows"] keys (the catalogue's) and the room fields they come from.
SLOT_FIELDS = {"weekdays": "slotWeek", "saturday": "slotSaturday", "sunday": "slotSunday"}
CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


def window_key(day: dt.date) -> str:
    # doc: slotWeek "Weekly availability schedule" (Monday to Friday), slotSaturday,
    # slotSunday
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekdays")


def local(day: dt.date, hhmm: str, zone: ZoneInfo) -> dt.datetime:
    """``HH:MM`` on ``day`` at the site, aware; ``24:00`` is the next midnight. A time the
    clocks skip (01:30 on the spring-forward day in Dublin) comes out as the instant the
    wall clock would show after the jump (02:30 IST)."""
    match = CLOCK.match(hhmm) if isinstance(hhmm, str) else None
    if not match:
        raise ValueError(f"{hhmm!r} is not HH:MM")
    hour, minute = int(match.group(1)), int(match.group(2))
    if (hour, minute) == (24, 0):
        day, hour = day + dt.timedelta(days=1), 0
    if hour > 23 or minute > 59:
        raise ValueError(f"{hhmm!r} is not HH:MM")
    moment = dt.datetime.combine(day, dt.time(hour, minute), zone)
    return moment.astimezone(dt.UTC).astimezone(zone)  # normalise a skipped wall time


def open_windows(
    schedule: list[dict[str, str]], day: dt.date, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The catalogue's [{"from": "HH:MM", "to": "HH:MM"}] for one day, as aware datetimes
    in the site's zone (built with zoneinfo, so a DST day is 23 or 25 hours long)."""
    result = []
    for window in schedule:
        start, end = local(day, window["from"], zone), local(day, window["to"], zone)
        if end > start:
            result.append((start, end))
    return sorted(result)


class AvailabilityMixin(FeedMixin):
    """``day_facts``: slot windows open, the feed's meetings busy."""

    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """A meeting room or bookable office on one local day: its slot window for the
        weekday (``open``) and the meetings of its ICS feed that day (``busy``)."""
        if item.kind not in TIMED_KINDS:
            raise UnsupportedError(
                f"workways has no day availability for {item.kind}", provider=self.kind
            )
        try:
            zone = ZoneInfo(item.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ProviderConfigurationError(f"unknown time zone {item.timezone!r}") from exc
        try:
            opening = open_windows(self.schedule(item, day), day, zone)
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderConfigurationError(
                f"{self.account.name}: room {item.external_id} has unreadable slot windows "
                f"({exc}); sync the catalogue again"
            ) from exc
        if not opening:
            # An empty slot window: "This room cannot be booked on this day" — closed,
            # whatever the feed holds, so the feed is not asked.
            return ProviderDay(open=[], busy=[], capacity=1)
        body = self.fetch_feed_body(text(item.raw.get("room_id")) or item.external_id)
        # read once per feed content (the busy index in the shared cache), not per day
        return ProviderDay(open=opening, busy=busy_from_body(body, day, zone), capacity=1)

    def schedule(self, item: ItemRef, day: dt.date) -> list[dict[str, str]]:
        """The day's windows as the catalogue stored them (``rules["windows"]``, site
        wall-clock time), else read from a raw ``slotWeek``-style string."""
        key = window_key(day)
        stored = (item.rules or {}).get("windows")
        if isinstance(stored, dict) and isinstance(stored.get(key), list):
            return stored[key]
        raw = (item.raw or {}).get(SLOT_FIELDS[key])
        if raw is not None:
            try:
                return windows(raw, SLOT_FIELDS[key])
            except SkipItem as exc:
                raise ValueError(str(exc)) from exc
        raise KeyError(f"no {key} windows")
