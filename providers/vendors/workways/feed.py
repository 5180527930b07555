"""The Workways ICS feed (seed ``001_880c9b30cd55c5d4.txt``).

``GET /api/icsfeed?rooms=<id>``: "an iCalendar file (.ics) ... containing all meetings for
the specified rooms". Availability reads its meetings as ``busy``; reconcile and refresh
find an accepted meeting in it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from providers.adapters.base import malformed
from providers.vendors.workways.client import WorkwaysClient
from providers.vendors.workways.parsing import LANGUAGE


def parse_feed(body: bytes) -> icalendar.Calendar:
    """The ICS feed's body as a calendar (folded lines are unfolded by icalendar), or
    ``MalformedResponseError``. doc: "Returns an .ics file (iCalendar format)"."""
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise malformed("workways", "the ICS feed is not an iCalendar file") from exc
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise malformed("workways", "the ICS feed is not a VCALENDAR")
    return calendar


def aware(value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):  # an all-day date: local midnight at the site
        return dt.datetime.combine(value, dt.time(0), zone)
    if value.tzinfo is None:
        # A floating time (RFC 5545 "form #1") is the wall clock where it is read: the
        # site. (With X-WR-TIMEZONE, recurring_ical_events has already put it there.)
        return value.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return value.astimezone(zone)


def busy_on(
    calendar: icalendar.Calendar, day: dt.date, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The meetings of the feed that touch the site's local ``day``, as aware intervals
    in the site's zone, sorted.

    doc example: "DTSTART:20251030T140000Z" (UTC); TZID parameters, X-WR-TIMEZONE and
    floating times are read too. recurring_ical_events expands RRULE/RDATE, drops EXDATE
    occurrences and applies RECURRENCE-ID overrides (a moved occurrence shows at its new
    time only). An all-day meeting (``DTSTART;VALUE=DATE``) blocks the whole local day(s)
    up to its exclusive DTEND. Occurrences marked ``STATUS:CANCELLED`` do not block.
    """
    start = dt.datetime.combine(day, dt.time(0), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
    try:
        events = recurring_ical_events.of(calendar).between(start, end)
        busy = []
        for event in events:
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            # event.start / event.end: DTEND, else DTSTART + DURATION, else RFC 5545's
            # default (a date alone lasts one day, a date-time alone no time)
            first, last = aware(event.start, zone), aware(event.end, zone)
            if not isinstance(event.start, dt.datetime) and last <= first:
                last = aware(event.start + dt.timedelta(days=1), zone)
            if last > first and first < end and last > start:
                busy.append((first, last))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # recurring_ical_events' InvalidCalendar / BadRuleStringFormat are ValueErrors;
        # icalendar's IncompleteComponent (no DTSTART) too. Never guess "free".
        raise malformed("workways", f"the ICS feed cannot be read: {exc}") from exc
    return sorted(busy)


class FeedMixin(WorkwaysClient):
    """``fetch_feed``: a room's ICS feed."""

    def fetch_feed(self, room_id: str) -> icalendar.Calendar:
        """``GET /api/icsfeed?rooms=<id>``: the room's booked meetings as a calendar.

        doc: "rooms string Required Comma-separated list of room IDs"; auth "No", so no
        token is sent. The answer is text/calendar; a JSON envelope (an error the server
        sent with 200) is read as one, anything else that is no calendar is malformed.
        Not cached here: the service caches facts per room-day, and a cached feed would
        be older than the facts' time stamp, hiding a booking made in between.
        """
        endpoint = "GET /api/icsfeed"
        response = self.request(
            "GET",
            f"{self.base_url}/api/icsfeed",
            endpoint=endpoint,
            headers={"Accept": "text/calendar"},
            params={"rooms": room_id, **LANGUAGE},
        )
        if "json" in response.headers.get("content-type", "").lower():
            body = self.json(response, expect=dict)
            self.check_envelope(body, response, endpoint)
            raise malformed(self.kind, f"{endpoint}: JSON instead of a calendar")
        return parse_feed(response.content)
