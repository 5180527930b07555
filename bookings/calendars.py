"""Calendars (RFC 5545) built by pure functions, after pretix's ``presale/ical.py``.

* every booking is one VEVENT with a stable UID (``booking-<uuid>@<domain>``), so an update
  replaces the event in the member's calendar; ``SEQUENCE`` rises with every change and a
  cancelled booking stays in the feed as ``STATUS:CANCELLED`` so clients remove it;
* rooms are timed events in UTC (no VTIMEZONE needed); passes are all-day events on the
  space's local dates;
* member-typed text (titles) goes through icalendar, which escapes and folds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar, Event

from bookings.models import Booking, Kind, Status
from providers.cache import cache

FEED_TIMEOUT = 24 * 3600  # keyed by what it shows: an eviction delay, not a staleness limit

PRODID = "-//Coworking Portal//Bookings//EN"

# keyed by str: a Status is one, and booking.status (a CharField) is typed str
_ICAL_STATUS: dict[str, str] = {
    Status.CONFIRMED: "CONFIRMED",
    Status.PENDING: "TENTATIVE",
    Status.SUBMITTING: "TENTATIVE",
    Status.AWAITING_APPROVAL: "TENTATIVE",
    Status.AWAITING_REGISTRATION: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
    Status.REJECTED: "CANCELLED",
    Status.FAILED: "CANCELLED",
    Status.CANCELLATION_REQUESTED: "TENTATIVE",  # held until staff cancel it there
    Status.CANCELLED_BY_PROVIDER: "CANCELLED",
}


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.uid}@{_domain()}"


def booking_event(booking: Booking, *, method_cancel: bool = False) -> Event:
    space = booking.space
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
    event.add("created", booking.created_at.astimezone(dt.UTC))
    event.add("last-modified", booking.updated_at.astimezone(dt.UTC))
    event.add("sequence", booking.sequence)
    status = "CANCELLED" if method_cancel else _ICAL_STATUS.get(booking.status, "TENTATIVE")
    event.add("status", status)
    what = booking.what
    event.add("summary", f"{what} — {space.name}" if what else space.name)
    if booking.kind == Kind.PASS:
        zone = zoneinfo.ZoneInfo(space.timezone)
        event.add("dtstart", booking.start.astimezone(zone).date())
        event.add("dtend", booking.end.astimezone(zone).date())
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", booking.start.astimezone(dt.UTC))
        event.add("dtend", booking.end.astimezone(dt.UTC))
    location = ", ".join(p for p in (space.name, space.full_address) if p)
    event.add("location", location)
    if space.latitude is not None and space.longitude is not None:
        event.add("geo", (float(space.latitude), float(space.longitude)))
    lines = [f"Status: {booking.get_status_display()}"]
    # a cancelled, refused or failed booking's code no longer opens anything
    if booking.access_code and booking.shows_access:
        lines.append(f"Access code: {booking.access_code}")
    if booking.qr_url and booking.shows_access:
        lines.append(f"QR code: {booking.qr_url}")
    if booking.valid_from and booking.valid_to:
        lines.append(f"Valid {booking.valid_from.isoformat()} to {booking.valid_to.isoformat()}")
    if booking.next_step:
        lines.append(booking.next_step_text)
    page = settings.SITE_URL + reverse("booking_detail", args=[booking.pk])
    lines.append(f"Booking: {page}")
    event.add("description", "\n".join(lines))
    event.add("url", page)
    return event


def booking_calendar(booking: Booking, *, cancel: bool = False) -> bytes:
    """One booking as a file (an email attachment or a download)."""
    cal = _calendar("Coworking Portal booking")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    cal.add_component(booking_event(booking, method_cancel=cancel))
    return cal.to_ical()


def member_feed(member, bookings: Iterable[Booking]) -> bytes:
    """All of a member's bookings, cancellations included, for a subscription."""
    cal = _calendar("My coworking bookings")
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval;value=duration", "PT1H")
    for booking in bookings:
        cal.add_component(booking_event(booking))
    return cal.to_ical()


def cached_member_feed(member) -> tuple[bytes, dt.datetime | None]:
    """``member_feed`` of all the member's bookings and their last change, kept in the
    shared cache under what the feed shows: the bookings' count and last ``updated_at``
    (every booking change saves it), the spaces' last ``synced_at`` (a catalogue sync
    that renames or moves one), the language (status words) and the site's address. A
    change gives a new key, so a cached feed is never stale; one aggregate query answers
    a warm request."""
    bookings = Booking.objects.filter(member=member)
    facts = bookings.aggregate(
        count=Count("pk"), last=Max("updated_at"), spaces=Max("space__synced_at")
    )
    last = facts["last"]
    stamps = "-".join(
        str(int(value.timestamp() * 1_000_000)) if value else "0"
        for value in (last, facts["spaces"])
    )
    site = hashlib.sha256(settings.SITE_URL.encode()).hexdigest()[:12]
    key = (
        f"bookings:member-feed:v1:{member.pk}:{facts['count']}:{stamps}:"
        f"{translation.get_language() or ''}:{site}"
    )
    body = cache.get(key)
    if not isinstance(body, bytes):
        rows = bookings.select_related("space", "resource", "offer").order_by("start")
        body = member_feed(member, list(rows))
        cache.set(key, body, FEED_TIMEOUT)
    return body, last


def busy_feed(
    name: str,
    resource_id: int,
    blocks: Iterable[tuple[dt.datetime, dt.datetime]],
    stamp: dt.datetime,
) -> bytes:
    """When a resource is taken: no titles, no members, just busy time. ``stamp`` is when
    the provider's answer was fetched (so an unchanged answer gives an unchanged file)."""
    cal = _calendar(f"{name} — busy times")
    for start, end in blocks:
        event = Event()
        start_utc, end_utc = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        event.add("uid", f"busy-{resource_id}-{start_utc:%Y%m%dT%H%M%SZ}@{_domain()}")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", start_utc)
        event.add("dtend", end_utc)
        event.add("summary", "Busy")
        event.add("transp", "OPAQUE")
        event.add("class", "PUBLIC")
        cal.add_component(event)
    return cal.to_ical()


def merge_busy(slots) -> list[tuple[dt.datetime, dt.datetime]]:
    """Adjacent taken slots become one busy block."""
    blocks: list[tuple[dt.datetime, dt.datetime]] = []
    for slot in slots:
        if slot.available:
            continue
        if blocks and blocks[-1][1] >= slot.start:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], slot.end))
        else:
            blocks.append((slot.start, slot.end))
    return blocks
