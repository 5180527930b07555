"""Sandbox control for Workways (not in document 001): remove or move a meeting, as
Workways staff would. The Public API has no call for either; the room's ICS feed
(``GET /api/icsfeed``) shows the change."""

from __future__ import annotations

import datetime as dt

from werkzeug.wrappers import Request, Response

from sandbox.control import answer, body, instant, refuse
from sandbox.core import Context


def _meeting(ctx: Context, meeting_id: str) -> dict | None:
    return next((m for m in ctx.state["meetings"] if m["_id"] == meeting_id), None)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # as meetings are kept


def remove_meeting(ctx: Context, request: Request, meeting_id: str) -> Response:
    """``POST /_sandbox/workways/meetings/<id>/remove``: the meeting leaves the feed."""
    meeting = _meeting(ctx, meeting_id)
    if meeting is None:
        return refuse(f"no meeting {meeting_id!r}", 404)
    meeting["status"] = "removed"  # the feed lists confirmed meetings only
    return answer({"_id": meeting_id, "status": meeting["status"]})


def move_meeting(ctx: Context, request: Request, meeting_id: str) -> Response:
    """``POST /_sandbox/workways/meetings/<id>/move`` with ``{"start": ..., "end": ...}``
    (ISO 8601 instants with an offset)."""
    meeting = _meeting(ctx, meeting_id)
    if meeting is None:
        return refuse(f"no meeting {meeting_id!r}", 404)
    data = body(request)
    start, end = instant(data.get("start")), instant(data.get("end"))
    if start is None or end is None or end <= start:
        return refuse("start and end must be instants with an offset, end after start")
    meeting.update(start=_utc(start), end=_utc(end))
    return answer({"_id": meeting_id, "start": meeting["start"], "end": meeting["end"]})


ROUTES = [
    ("/_sandbox/workways/meetings/<meeting_id>/remove", remove_meeting, ["POST"]),
    ("/_sandbox/workways/meetings/<meeting_id>/move", move_meeting, ["POST"]),
]
