"""The Workways ICS feed (seed ``001_880c9b30cd55c5d4.txt``).

``GET /api/icsfeed?rooms=<id>``: "an iCalendar file (.ics) ... containing all meetings for
the specified rooms". Availability reads its meetings as ``busy``; reconcile and refresh
find an accepted meeting in it.

The feed has no date filter, so a room's whole feed comes with every read (10 000 events
are ~4 MB). ``busy_index`` reads it once per content: a lean line reader keeps only what
availability needs (each meeting's busy interval, recurrences expanded over a horizon
around the day asked) and the index is kept in the shared cache under the body's SHA-256,
so the next room-day of an unchanged feed only hashes the body. What the lean reader does
not handle with certainty (RDATE, EXRULE, RANGE, all-day series, unknown TZIDs, series
under X-WR-TIMEZONE) goes through icalendar + recurring_ical_events as before; a body it
cannot read at all goes the old way entirely, which decides whether it is malformed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import re
import threading
from bisect import bisect_left
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr

from providers.adapters.base import malformed
from providers.cache import cache
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
    start, end = day_bounds(day, zone)
    return sorted(busy_between(calendar, start, end, zone))


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)


def busy_between(
    calendar: icalendar.Calendar, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """``busy_on`` for any span, unsorted (icalendar + recurring_ical_events)."""
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
    return busy


# --- the busy index: the feed read once per content ------------------------------------

# Series are expanded this far around the first day asked; a day outside builds again.
HORIZON_BEFORE = dt.timedelta(days=92)
HORIZON_AFTER = dt.timedelta(days=731)
INDEX_TIMEOUT = 6 * 3600  # keyed by content: an eviction delay, never a staleness limit
UTC = dt.UTC
FOLD = re.compile(rb"\r?\n[ \t]")  # RFC 5545 3.1: CRLF followed by one space or tab
WANTED_LINE = re.compile(
    r"^(?:(BEGIN|END):([A-Za-z-]+)[ \t\r]*$|(DTSTART|DTEND|DURATION|RRULE|RDATE|EXRULE|EXDATE"
    r"|RECURRENCE-ID|STATUS|UID|X-WR-TIMEZONE)((?:;[^:\r\n\"]*(?:\"[^\"\r\n]*\")?)*):([^\r\n]*))",
    re.MULTILINE | re.IGNORECASE,
)
DURATION = re.compile(r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


class _Unsure(Exception):
    """Something the lean reader leaves to icalendar and recurring_ical_events."""


@dataclass(frozen=True)
class BusyIndex:
    """A feed's busy intervals for one site zone, as UTC seconds sorted by start. Series
    are expanded over ``[lo, hi)`` only; single meetings are all there."""

    lo: int
    hi: int
    series: bool
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    longest: int

    def covers(self, start: dt.datetime, end: dt.datetime) -> bool:
        return not self.series or (self.lo <= start.timestamp() and end.timestamp() <= self.hi)

    def between(
        self, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        low, high = start.timestamp(), end.timestamp()
        found = []
        j = bisect_left(self.starts, high) - 1
        while j >= 0 and self.starts[j] >= low - self.longest:
            if self.ends[j] > low:
                found.append((self.starts[j], self.ends[j]))
            j -= 1
        return [
            (dt.datetime.fromtimestamp(a, zone), dt.datetime.fromtimestamp(b, zone))
            for a, b in sorted(found)
        ]


def busy_from_body(
    body: bytes, day: dt.date, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """``busy_on(parse_feed(body), day, zone)``, through the shared cache's busy index."""
    start, end = day_bounds(day, zone)
    key = f"workways:feed-busy:v1:{hashlib.sha256(body).hexdigest()}:{zone.key}"
    index = cache.get(key)
    if not isinstance(index, BusyIndex) or not index.covers(start, end):
        built = busy_index(body, zone, day)
        if built is None:  # not for the lean reader: the whole feed the old way
            return busy_on(parse_feed(body), day, zone)
        index = built
        cache.set(key, index, INDEX_TIMEOUT)
    return index.between(start, end, zone)


def busy_index(body: bytes, zone: ZoneInfo, around: dt.date) -> BusyIndex | None:
    """The feed's busy intervals, series expanded around ``around``; ``None`` when the
    body is not one the lean reader can read whole (icalendar then decides)."""
    lo = dt.datetime.combine(around, dt.time(0), zone) - HORIZON_BEFORE
    hi = dt.datetime.combine(around, dt.time(0), zone) + HORIZON_AFTER
    try:
        with _collector_paused():
            header, events, verbatim = _read(body)
            intervals, series, slow = _intervals(header, events, zone, lo, hi)
    except _Unsure:
        return None
    if slow:  # the groups left to icalendar, with the time zones they may name
        head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//portal//lean//EN"]
        mini = "\r\n".join([*head, *verbatim, *slow, "END:VCALENDAR", ""])
        for first, last in busy_between(parse_feed(mini.encode()), lo, hi, zone):
            intervals.append((int(first.timestamp()), int(last.timestamp())))
        series = True
    intervals.sort()
    return BusyIndex(
        lo=int(lo.timestamp()),
        hi=int(hi.timestamp()),
        series=series,
        starts=tuple(a for a, _ in intervals),
        ends=tuple(b for _, b in intervals),
        longest=max((b - a for a, b in intervals), default=0),
    )


_pause_lock = threading.Lock()
_pauses = {"readers": 0, "was_enabled": True}


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while a feed is read: reading 10 000
    events makes some 200 000 small dicts, lists and tuples, none of them in a cycle,
    and the collections they set off walked every one of them again and again (about a
    quarter of a cold read, ``bench/bench_workways_feed.py``). Reference counting still
    frees them. Readers in several threads (a week's days) share one pause; the last to
    finish puts the collector back as the first found it."""
    with _pause_lock:
        if _pauses["readers"] == 0:
            _pauses["was_enabled"] = gc.isenabled()
            gc.disable()
        _pauses["readers"] += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses["readers"] -= 1
            if _pauses["readers"] == 0 and _pauses["was_enabled"]:
                gc.enable()


def _params(raw: str) -> dict[str, str]:
    params = {}
    for pair in raw.split(";")[1:]:
        key, _, val = pair.partition("=")
        params[key.upper()] = val.strip('"')
    return params


def _read(body: bytes) -> tuple[dict[str, str], list[tuple[dict, str]], list[str]]:
    """The calendar's X-WR header properties, each VEVENT's wanted properties with its
    own text, and the text kept verbatim for icalendar (X-WR headers, VTIMEZONEs). A
    regular expression finds the lines that matter; the others (DESCRIPTION, SUMMARY...)
    are never split."""
    text = body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    if b"\n " in text or b"\n\t" in text:  # bare LF line ends, folded as well
        text = FOLD.sub(b"", text)
    data = text.decode("utf-8", "replace")
    if not data.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise _Unsure("not a VCALENDAR")
    header: dict[str, str] = {}
    events: list[tuple[dict, str]] = []
    verbatim: list[str] = []
    stack: list[tuple[str, int]] = []
    props: dict[str, list[tuple[dict[str, str], str]]] = {}
    for match in WANTED_LINE.finditer(data):
        edge, component, name, raw, value = match.groups()
        if edge:
            component = component.upper()
            if edge.upper() == "BEGIN":
                stack.append((component, match.start()))
                if len(stack) == 2 and component == "VEVENT":
                    props = {}
                continue
            if not stack or stack[-1][0] != component:
                raise _Unsure("unbalanced BEGIN/END")
            _, began = stack.pop()
            if len(stack) == 1 and component == "VEVENT":
                events.append((props, data[began : match.end()]))
            elif len(stack) == 1 and component == "VTIMEZONE":
                verbatim.append(data[began : match.end()])
            continue
        name = name.upper()
        if len(stack) == 1 and name == "X-WR-TIMEZONE":
            header[name] = value.strip()
            verbatim.append(match.group(0).strip())
        elif len(stack) == 2 and stack[1][0] == "VEVENT" and name != "X-WR-TIMEZONE":
            props.setdefault(name, []).append((_params(raw) if raw else {}, value.strip()))
    if stack:
        raise _Unsure("unterminated calendar")
    return header, events, verbatim


def _moment(params: dict[str, str], value: str, floating: ZoneInfo) -> dt.date | dt.datetime:
    """A DATE or DATE-TIME value: UTC with ``Z``, a TZID zoneinfo knows, else floating
    (the wall clock of ``floating``, the site or X-WR-TIMEZONE)."""
    if params.get("VALUE", "").upper() == "DATE" or len(value) == 8:
        if len(value) != 8 or not value.isdigit():
            raise _Unsure(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    if len(value) not in (15, 16) or value[8] != "T":
        raise _Unsure(value)
    moment = dt.datetime(
        int(value[:4]), int(value[4:6]), int(value[6:8]),
        int(value[9:11]), int(value[11:13]), int(value[13:15]),
    )  # fmt: skip
    if len(value) == 16:
        if value[15] != "Z":
            raise _Unsure(value)
        return moment.replace(tzinfo=UTC)
    if "TZID" in params:
        try:
            return moment.replace(tzinfo=ZoneInfo(params["TZID"].lstrip("/")))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _Unsure(params["TZID"]) from exc
    return moment.replace(tzinfo=floating)


def _duration(value: str) -> dt.timedelta:
    match = DURATION.match(value.strip().upper())
    if not match or value.strip().upper() in ("P", "PT"):
        raise _Unsure(value)
    sign, weeks, days, hours, minutes, seconds = match.groups()
    length = dt.timedelta(
        weeks=int(weeks or 0), days=int(days or 0), hours=int(hours or 0),
        minutes=int(minutes or 0), seconds=int(seconds or 0),
    )  # fmt: skip
    return -length if sign == "-" else length


def _one(props: dict, name: str) -> tuple[dict[str, str], str] | None:
    values = props.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise _Unsure(f"several {name}")
    return values[0]


def _seconds(moment: dt.date | dt.datetime, zone: ZoneInfo) -> int:
    if not isinstance(moment, dt.datetime):  # an all-day date: local midnight at the site
        moment = dt.datetime.combine(moment, dt.time(0), zone)
    return int(moment.timestamp())


def _span(props: dict, floating: ZoneInfo, zone: ZoneInfo) -> tuple:
    """DTSTART, its length and the interval in seconds: DTEND, else DURATION, else RFC
    5545's default (a date alone lasts one day, a date-time alone no time)."""
    first = _one(props, "DTSTART")
    if first is None:
        raise _Unsure("no DTSTART")
    start = _moment(first[0], first[1], floating)
    end_line, length_line = _one(props, "DTEND"), _one(props, "DURATION")
    if end_line is not None:
        end = _moment(end_line[0], end_line[1], floating)
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            raise _Unsure("DTSTART and DTEND of different types")
        length = end - start
    elif length_line is not None:
        length = _duration(length_line[1])
    else:
        length = dt.timedelta(0) if isinstance(start, dt.datetime) else dt.timedelta(days=1)
    first_s, last_s = _seconds(start, zone), _seconds(start + length, zone)
    if not isinstance(start, dt.datetime) and last_s <= first_s:
        last_s = _seconds(start + dt.timedelta(days=1), zone)
    return start, length, first_s, last_s


def _cancelled(props: dict) -> bool:
    status = _one(props, "STATUS")
    return status is not None and status[1].upper() == "CANCELLED"


def _intervals(
    header: dict[str, str],
    events: list[tuple[dict, str]],
    zone: ZoneInfo,
    lo: dt.datetime,
    hi: dt.datetime,
) -> tuple[list[tuple[int, int]], bool, list[str]]:
    """Busy intervals of what the lean reader is sure of, whether there are series, and
    the lines of the events it leaves to icalendar (whole UID groups)."""
    floating = zone
    if "X-WR-TIMEZONE" in header:
        try:
            floating = ZoneInfo(header["X-WR-TIMEZONE"])
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _Unsure("X-WR-TIMEZONE") from exc
    groups: dict[str, list[tuple[dict, str]]] = {}
    intervals: list[tuple[int, int]] = []
    series = False
    for props, own in events:
        recurring = any(n in props for n in ("RRULE", "RDATE", "EXRULE", "RECURRENCE-ID"))
        if not recurring:
            if "DTSTART" not in props:
                raise _Unsure("no DTSTART")  # icalendar says "malformed"
            if _cancelled(props):
                continue
            try:
                _, _, first, last = _span(props, floating, zone)
            except _Unsure:
                groups.setdefault(f"single-{len(groups)}", []).append((props, own))
                continue
            if last > first:
                intervals.append((first, last))
            continue
        uid = _one(props, "UID")
        groups.setdefault("uid-" + (uid[1] if uid else str(len(groups))), []).append((props, own))
    slow: list[str] = []
    for members in groups.values():
        series = True
        try:
            if "X-WR-TIMEZONE" in header:
                raise _Unsure("a series under X-WR-TIMEZONE")  # expanded in that zone
            intervals.extend(_expand(members, floating, zone, lo, hi))
        except (_Unsure, ValueError, TypeError, OverflowError):
            slow.extend(own for _, own in members)
    return intervals, series, slow


def _expand(
    members: list[tuple[dict, str]],
    floating: ZoneInfo,
    zone: ZoneInfo,
    lo: dt.datetime,
    hi: dt.datetime,
) -> list[tuple[int, int]]:
    """One series (RRULE, EXDATEs, RECURRENCE-ID overrides) over ``[lo, hi)``, as
    recurring_ical_events expands it: an EXDATE or an override takes an occurrence away,
    an override shows at its own time, a cancelled one not at all."""
    masters = [props for props, _ in members if "RECURRENCE-ID" not in props]
    overrides = [props for props, _ in members if "RECURRENCE-ID" in props]
    if len(masters) != 1:
        raise _Unsure("no master or several")
    master = masters[0]
    if "RDATE" in master or "EXRULE" in master or _one(master, "RRULE") is None:
        raise _Unsure("RDATE, EXRULE or no RRULE")
    start, length, _, _ = _span(master, floating, zone)
    if not isinstance(start, dt.datetime) or length < dt.timedelta(0):
        raise _Unsure("an all-day series")
    taken: set[int] = set()
    for params, value in master.get("EXDATE", []):
        for part in value.split(","):
            moment = _moment(params, part.strip(), floating)
            if not isinstance(moment, dt.datetime):
                raise _Unsure("a DATE EXDATE")
            taken.add(int(moment.timestamp()))
    found = []
    for override in overrides:
        params, value = override["RECURRENCE-ID"][0]
        if len(override["RECURRENCE-ID"]) > 1 or "RANGE" in params or "RRULE" in override:
            raise _Unsure("RANGE")
        moment = _moment(params, value, floating)
        if not isinstance(moment, dt.datetime):
            raise _Unsure("a DATE RECURRENCE-ID")
        taken.add(int(moment.timestamp()))
        if not _cancelled(override):
            _, _, first, last = _span(override, floating, zone)
            if last > first:
                found.append((first, last))
    rule = rrulestr(_one(master, "RRULE")[1], dtstart=start)  # type: ignore[index]
    if _cancelled(master):
        return found
    for occurrence in rule.between(lo - length, hi, inc=True):
        first = int(occurrence.timestamp())
        last = int((occurrence + length).timestamp())
        if first not in taken and last > first:
            found.append((first, last))
    return found


class FeedMixin(WorkwaysClient):
    """``fetch_feed``: a room's ICS feed."""

    def fetch_feed(self, room_id: str) -> icalendar.Calendar:
        """The room's feed as an icalendar calendar (reconcile reads its events)."""
        return parse_feed(self.fetch_feed_body(room_id))

    def fetch_feed_body(self, room_id: str) -> bytes:
        """``GET /api/icsfeed?rooms=<id>``: the room's booked meetings, as sent.

        doc: "rooms string Required Comma-separated list of room IDs"; auth "No", so no
        token is sent. The answer is text/calendar; a JSON envelope (an error the server
        sent with 200) is read as one, anything else that is no calendar is malformed.
        Fetched every time: the service caches facts per room-day, and a cached feed would
        be older than the facts' time stamp, hiding a booking made in between. What is
        kept is the reading of it (``busy_from_body``), keyed by the body's content.
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
        return response.content
