"""One waitlist across providers: a member waits for a room, a pass day, or anything
matching a search (place, day and time, people, kind, price limit) that has nothing
free; when the availability index sees a match the member is emailed a link into the
pre-filled booking form.

By job: ``entries`` (joining, listing, dropping, expiring), ``matching`` (which free
window answers which entry, first come, first served, with a short hold) and ``notify``
(the email). See ``docs/architecture.md`` ("Waitlist").
"""

from __future__ import annotations

from bookings.waitlist.entries import drop, expire, join, shown, shown_until
from bookings.waitlist.matching import claim_matches, fits, hold_minutes, on_index_write
from bookings.waitlist.notify import book_path, match_and_notify

__all__ = [
    "book_path",
    "claim_matches",
    "drop",
    "expire",
    "fits",
    "hold_minutes",
    "join",
    "match_and_notify",
    "on_index_write",
    "shown",
    "shown_until",
]
