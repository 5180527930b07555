"""Sandbox control for Zentry (not in documents 002/003): move a reservation, as the
space would in Zentry's admin. Document 003 has no call to change a reservation (only
create, approve, ``DELETE /Reservation`` to cancel, and the searches); cancelling uses the
documented ``DELETE /Reservation``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from sandbox.control import answer, body, instant, refuse
from sandbox.core import Context
from sandbox.zentry.reservations import render_reservation
from sandbox.zentry_common import iso, stamp


def move_reservation(ctx: Context, request: Request, id: str) -> Response:
    """``POST /_sandbox/zentry/reservations/<id>/move`` with ``{"reservationDate": ...,
    "reservationEndDate": ...}`` (a room) or ``{"reservationDate": ...}`` (a day pass:
    the location's local day of that instant)."""
    record = next((r for r in ctx.state["reservations"] if r["id"] == id), None)
    if record is None:
        return refuse(f"no reservation {id!r}", 404)
    data = body(request)
    start = instant(data.get("reservationDate"))
    if start is None:
        return refuse("reservationDate must be an ISO 8601 instant with an offset")
    if record["reservationType"] == "Room":
        end = instant(data.get("reservationEndDate"))
        if end is None or end <= start:
            return refuse("reservationEndDate must be an instant after reservationDate")
        record.update(
            reservationDate=iso(start),
            reservationEndDate=iso(end),
            _end=iso(end),
            _day=start.date().isoformat(),
        )
    else:
        location = next(
            (loc for loc in ctx.state["locations"] if loc["id"] == record["locationId"]), None
        )
        zone = ZoneInfo(location["timeZone"]) if location else dt.UTC
        day = start.astimezone(zone).date()
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        record.update(
            reservationDate=iso(midnight),
            _end=iso(midnight + dt.timedelta(days=1)),
            _day=day.isoformat(),
        )
    stamp(record, ctx.now())
    return answer(render_reservation(ctx, record))


ROUTES = [("/_sandbox/zentry/reservations/<id>/move", move_reservation, ["POST"])]
