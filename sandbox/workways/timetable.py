"""Workways sandbox: when a room is open and busy, and the ICS feed of its meetings."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr
from werkzeug.wrappers import Request, Response

from sandbox.core import Context
from sandbox.workways.common import find, is_oid, language
from sandbox.workways.messages import error

# --- Meetings, time -------------------------------------------------------------------


def site_tz(state: dict, room: dict) -> ZoneInfo:
    site = find(state, "sites", room["siteId"])
    return ZoneInfo(site["timeZone"])


def parse_utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def occurrences(state: dict, meeting: dict, start: dt.datetime, end: dt.datetime):
    """(start, end) UTC intervals of a confirmed meeting that touch [start, end)."""
    if meeting["allDay"]:
        room = find(state, "rooms", meeting["roomId"])
        day = dt.date.fromisoformat(meeting["date"])
        tz = site_tz(state, room)
        first = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        last = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        yield first, last.astimezone(dt.UTC)
        return
    first = parse_utc(meeting["start"])
    length = parse_utc(meeting["end"]) - first
    if not meeting.get("rrule"):
        yield first, first + length
        return
    excluded = {parse_utc(x) for x in meeting.get("exdates", [])}
    rule = rrulestr(meeting["rrule"], dtstart=first)
    for occurrence in rule.between(start - length, end, inc=True):
        if occurrence not in excluded:
            yield occurrence, occurrence + length


def overlaps(state: dict, room_id: str, start: dt.datetime, end: dt.datetime) -> bool:
    for meeting in state["meetings"]:
        if meeting["roomId"] != room_id or meeting["status"] != "confirmed":
            continue
        for busy_start, busy_end in occurrences(state, meeting, start, end):
            if busy_start < end and start < busy_end:
                return True
    return False


def parse_slots(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "09:00-18:00" (or "09:00-12:00,14:00-18:00") -> [(09:00, 18:00)]; "" -> closed."""
    windows = []
    for part in (text or "").split(","):
        match = re.match(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", part)
        if not match:
            continue
        h1, m1, h2, m2 = (int(x) for x in match.groups())
        close = dt.time(23, 59, 59) if h2 >= 24 else dt.time(h2, m2)
        windows.append((dt.time(h1, m1), close))
    return windows


def slot_text(room: dict, day: dt.date) -> str:
    # doc: slotWeek "Weekly availability schedule", slotSaturday, slotSunday
    return {5: room["slotSaturday"], 6: room["slotSunday"]}.get(day.weekday(), room["slotWeek"])


# --- Handlers: ICS feed ---------------------------------------------------------------


def get_icsfeed(ctx: Context, request: Request) -> Response:
    lang = language(request)
    ids = [part.strip() for part in request.args.get("rooms", "").split(",")]
    if not ids or not all(is_oid(i) for i in ids):
        return error("ics_bad", lang, 400)
    rooms = {r["_id"]: r for r in ctx.state["rooms"] if r["_id"] in ids}
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Workways//Meeting Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    names = ", ".join(r["publicName"] or r["name"] for r in rooms.values())
    calendar.add("x-wr-calname", f"Workways - {names}" if names else "Workways")
    meetings = [m for m in ctx.state["meetings"] if m["roomId"] in rooms]
    for meeting in sorted(meetings, key=lambda m: (m.get("start") or m["date"], m["_id"])):
        if meeting["status"] != "confirmed":
            continue  # pending requests wait for registration (doc, Scenario B)
        room = rooms[meeting["roomId"]]
        event = icalendar.Event()
        event.add("uid", f"{meeting['_id']}@workways.com")  # stable across reloads
        event.add("dtstamp", parse_utc(meeting["createdAt"]))
        if meeting["allDay"]:
            day = dt.date.fromisoformat(meeting["date"])
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
        else:
            # doc example: "DTSTART:20251030T140000Z" — UTC
            event.add("dtstart", parse_utc(meeting["start"]))
            event.add("dtend", parse_utc(meeting["end"]))
            if meeting.get("rrule"):
                event.add("rrule", icalendar.vRecur.from_ical(meeting["rrule"]))
            if meeting.get("exdates"):
                event.add("exdate", [parse_utc(x) for x in meeting["exdates"]])
        event.add("summary", meeting["name"] or "Meeting")
        event.add("location", room["publicName"] or room["name"])
        if meeting["description"]:
            event.add("description", meeting["description"])
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return Response(
        calendar.to_ical(),
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="workways.ics"'},
    )
