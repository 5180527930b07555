"""Thia's meeting-room slot labels, "HH:MM - HH:MM" on the Bucharest wall clock (seed
``000_625ed28ef0e2e084.txt``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from providers.adapters.base import malformed
from providers.adapters.errors import RejectedError
from providers.adapters.types import BookingRequest
from providers.messages import Message
from providers.vendors.thia.client import ThiaClient
from providers.vendors.thia.parsing import BUCHAREST, minutes

SLOT_LABEL = re.compile(r"^\s*(?P<sh>\d{2}):(?P<sm>\d{2})\s*-\s*(?P<eh>\d{2}):(?P<em>\d{2})\s*$")


def slot_label(hour: int) -> str:
    """doc: "HH:MM - HH:MM"; the hour from 23:00 ends at "00:00"."""
    return f"{hour:02d}:00 - {(hour + 1) % 24:02d}:00"


def room_slot_hours(opens: dt.time, closes: dt.time) -> list[tuple[dt.time, dt.time]]:
    """The one-hour slots of a room's hours: on the hour (doc: a slot "must start at the
    beginning of the hour" and "be exactly 1 hour long"), from the first whole hour at or
    after ``available_from`` to the last one ending by ``available_to``; an
    ``available_to`` at or before ``available_from`` (e.g. "00:00:00") runs to midnight."""
    first = opens.hour + (1 if (opens.minute, opens.second, opens.microsecond) != (0, 0, 0) else 0)
    stop = minutes(closes)
    if stop <= minutes(opens):
        stop = 24 * 60
    return [
        (dt.time(hour), dt.time((hour + 1) % 24))
        for hour in range(first, 24)
        if (hour + 1) * 60 <= stop
    ]


def local_slot(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """A slot label's wall-clock times on ``day`` as aware Bucharest datetimes.

    zoneinfo gives each hour its own offset, so on the last Sunday of March 03:00 does
    not exist (the slot is dropped by the caller) and on the last Sunday of October
    "03:00 - 04:00" runs from the first 03:00 (+03:00) to 04:00 (+02:00): two real hours.
    An end at or before the start (the "00:00" of "23:00 - 00:00") is on the next day.
    """
    start_at = dt.datetime.combine(day, start, BUCHAREST)
    end_day = day if end > start else day + dt.timedelta(days=1)
    return start_at, dt.datetime.combine(end_day, end, BUCHAREST)


class SlotsMixin(ThiaClient):
    def parse_slot_label(self, label: Any) -> tuple[dt.time, dt.time]:
        """doc: available_slots is an "Array of available time slots in "HH:MM - HH:MM"
        format" (Europe/Bucharest wall clock); "00:00" as an end is midnight at the end of
        the day (e.g. "23:00 - 00:00")."""
        match = SLOT_LABEL.match(label) if isinstance(label, str) else None
        if match is None:
            raise malformed(self.kind, f'slot {label!r} is not "HH:MM - HH:MM"')
        try:
            start = dt.time(int(match["sh"]), int(match["sm"]))
            end = dt.time(int(match["eh"]), int(match["em"]))
        except ValueError:
            raise malformed(self.kind, f'slot {label!r} is not "HH:MM - HH:MM"') from None
        return start, end

    def room_slots(self, request: BookingRequest) -> tuple[dt.date, list[str]]:
        """The Bucharest day and the "HH:MM - HH:MM" one-hour slots of a room booking.

        doc: "date" is one day and each slot "must start at the beginning of the hour" and
        "be exactly 1 hour long" (Europe/Bucharest wall clock; "23:00 - 00:00" ends the day).
        """
        start = request.start.astimezone(BUCHAREST)
        end = request.end.astimezone(BUCHAREST)
        day = start.date()
        on_the_hour = all(
            (t.minute, t.second, t.microsecond) == (0, 0, 0) for t in (start.time(), end.time())
        )
        if not on_the_hour:
            raise RejectedError(Message("thia.whole_hours"), provider=self.kind)
        if end.date() == day:
            last = end.hour
        elif end.date() == day + dt.timedelta(days=1) and end.hour == 0:
            last = 24
        else:
            raise RejectedError(Message("thia.one_day"), provider=self.kind)
        if last <= start.hour:
            raise RejectedError(Message("thia.one_hour"), provider=self.kind)
        return day, [slot_label(hour) for hour in range(start.hour, last)]

    def free_slot_labels(self, product_id: int, day: dt.date) -> set[str]:
        path = "/space/meeting-room-availability"
        body = self.json(
            self.request(
                "GET",
                f"{self.base_url}{path}",
                endpoint=f"GET {path}",
                headers=self.headers(),
                params={"date": day.isoformat(), "product_id": product_id},
            ),
            expect=dict,
        )
        listed = body.get("available_slots") or []
        if not isinstance(listed, list):
            raise malformed(self.kind, f"GET {path}: available_slots is not a list")
        return {slot_label(start.hour) for start, _end in map(self.parse_slot_label, listed)}
