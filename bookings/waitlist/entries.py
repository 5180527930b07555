"""A member's waitlist entries: joining, dropping, expiring, and the window an entry asks
for in a place's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import money, rules
from bookings.models import WaitlistEntry, WaitlistState
from bookings.search.query import KINDS, SearchQuery, matching_spaces
from bookings.services.errors import BookingError
from providers.models import Offer, Resource, Space

# A room wanted "any time that day" (a search without a time or a length) needs this long.
DEFAULT_MINUTES = 60
MIN_MINUTES = 15
SHOWN_DAYS = 7  # entries told about or expired stay on "My waitlist" this long


def max_entries() -> int:
    """How many entries one member may be waiting on at once (0: no limit)."""
    return int(getattr(settings, "WAITLIST_MAX_ENTRIES", 20))


def is_search(entry: WaitlistEntry) -> bool:
    """Whether the entry waits for anything matching a search (not one room or pass)."""
    return entry.resource_id is None and entry.offer_id is None


def bounds(
    day: dt.date,
    start: dt.time | None,
    end: dt.time | None,
    minutes: int | None,
    zone: str,
) -> tuple[dt.datetime, dt.datetime, int]:
    """The asked window in UTC, read in ``zone`` (each space's own, as search reads it),
    and the seconds in a row it needs: ``minutes``, else the whole window (a room asked
    for "any time that day" needs ``DEFAULT_MINUTES``)."""
    tz = zoneinfo.ZoneInfo(zone)
    low = dt.datetime.combine(day, start or dt.time(0), tz)
    if end is not None:
        high = dt.datetime.combine(day, end, tz)
    elif start is not None and minutes:
        high = low + dt.timedelta(minutes=minutes)
    else:
        high = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
    if minutes:
        need = minutes * 60
    elif end is not None or start is not None:
        need = int((high - low).total_seconds())
    else:
        need = DEFAULT_MINUTES * 60
    return low.astimezone(dt.UTC), high.astimezone(dt.UTC), need


def entry_bounds(entry: WaitlistEntry, zone: str) -> tuple[dt.datetime, dt.datetime, int]:
    return bounds(entry.date, entry.start_time, entry.end_time, entry.minutes, zone)


def place_spaces(city: str, q: str, day: dt.date) -> QuerySet[Space]:
    """The spaces a search's place matches, as search matches them."""
    return matching_spaces(SearchQuery(date=day, city=city, q=q))


def _zones(resource, offer, city: str, q: str, day: dt.date) -> list[str]:
    item = resource or offer
    if item is not None:
        return [item.space.timezone]
    return sorted(set(place_spaces(city, q, day).values_list("timezone", flat=True)))


def join(
    member,
    *,
    resource: Resource | None = None,
    offer: Offer | None = None,
    city: str = "",
    q: str = "",
    kind: str = "",
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    minutes: int | None = None,
    people: int = 1,
    max_price: Decimal | None = None,
    currency: str = "",
    now: dt.datetime | None = None,
) -> tuple[WaitlistEntry, bool]:
    """Put ``member`` on the waitlist for a room, a pass, or a search's place; the entry,
    and whether it is new (the same wait asked again is the entry already there).
    Refuses with a ``BookingError`` the member can read."""
    now = now or timezone.now()
    city, q = city.strip(), q.strip()
    if sum(x is not None for x in (resource, offer)) + bool(city or q) != 1:
        raise BookingError(_("Choose one room, one pass, or a place to search in."))
    if resource is not None or offer is not None:
        kind = ""
    elif kind and kind not in KINDS:
        raise BookingError(_("Unknown kind of place."), field="kind")
    if offer is not None:  # a pass is a whole day
        start_time = end_time = minutes = None
    if end_time is not None and start_time is None:
        raise BookingError(_("Give a start time with the end time."), field="start")
    if start_time and end_time and end_time <= start_time:
        raise BookingError(_("The end must be after the start."), field="end")
    if resource is not None and end_time is None and not minutes:
        raise BookingError(_("Give an end time or a length."), field="end")
    if minutes is not None and minutes < MIN_MINUTES:
        raise BookingError(_("Ask for at least 15 minutes."), field="minutes")
    if not 1 <= people <= 500:
        raise BookingError(_("Enter how many people (1 to 500)."), field="people")
    if max_price is not None and max_price < 0:
        raise BookingError(_("The price limit cannot be negative."), field="max_price")
    if max_price is not None:
        currency = (currency or getattr(member, "display_currency", "") or "EUR").upper()
        if currency not in money.rates():
            raise BookingError(_("Unknown currency."), field="currency")
    else:
        currency = ""
    today = timezone.localdate(now)
    if not today - dt.timedelta(days=1) <= date <= today + dt.timedelta(days=rules.MAX_DAYS_AHEAD):
        # checked before any arithmetic: the day after 9999-12-31 does not exist
        raise BookingError(_("Pick a day within a year."), field="date")
    zones = _zones(resource, offer, city, q, date)
    if not zones:
        raise BookingError(_("No space we list matches that place."), field="q")
    windows = [bounds(date, start_time, end_time, minutes, zone) for zone in zones]
    low, high, need = min(windows)
    if minutes and need > (high - low).total_seconds():
        raise BookingError(_("That length does not fit between the start and the end."))
    if low <= now:
        raise BookingError(_("That time has started already; pick a later one."), field="date")
    if low > now + dt.timedelta(days=rules.MAX_DAYS_AHEAD):
        raise BookingError(_("Pick a day within a year."), field="date")
    fields = {
        "resource": resource,
        "offer": offer,
        "city": city,
        "q": q,
        "kind": kind,
        "date": date,
        "start_time": start_time,
        "end_time": end_time,
        "minutes": minutes,
        "people": people,
        "max_price": max_price,
        "currency": currency,
    }
    waiting = WaitlistEntry.objects.filter(member=member, state=WaitlistState.WAITING)
    same = waiting.filter(**fields).first()
    if same is not None:
        return same, False
    if max_entries() and waiting.count() >= max_entries():
        raise BookingError(
            _("You are waiting for %(n)s things already; drop one first.") % {"n": max_entries()},
            status=409,
        )
    return WaitlistEntry.objects.create(member=member, expires_at=low, **fields), True


def shown(member, now: dt.datetime | None = None) -> QuerySet[WaitlistEntry]:
    """A member's entries for "My waitlist": waiting ones, and those told about or expired
    in the last days (dropped ones are gone)."""
    now = now or timezone.now()
    recent = now - dt.timedelta(days=SHOWN_DAYS)
    return (
        WaitlistEntry.objects.filter(member=member)
        .exclude(state=WaitlistState.DROPPED)
        .filter(Q(state=WaitlistState.WAITING) | Q(expires_at__gt=recent))
        # what the list shows of the room or pass: its name and its space's (the whole
        # rows of four rooms and spaces made the query's compilation most of the page)
        .select_related("resource__space", "offer__space")
        .only(
            *_OWN_FIELDS, *(f"{item}__{name}" for item in ("resource", "offer") for name in _SHOWN)
        )
        .order_by("date", "start_time", "created_at", "pk")
    )


def shown_until(entries) -> dt.datetime | None:
    """When the clock alone changes the list ``shown`` gave (``entries``): the first
    entry told about or expired leaves it. None: none will."""
    leaves = [
        entry.expires_at + dt.timedelta(days=SHOWN_DAYS)
        for entry in entries
        if entry.state != WaitlistState.WAITING
    ]
    return min(leaves, default=None)


_SHOWN = ("name", "space__name")
_OWN_FIELDS = [field.name for field in WaitlistEntry._meta.concrete_fields]


def drop(entry: WaitlistEntry) -> bool:
    """Take the entry off the waitlist; False when it was off already."""
    dropped = (
        WaitlistEntry.objects.filter(pk=entry.pk)
        .exclude(state=WaitlistState.DROPPED)
        .update(state=WaitlistState.DROPPED)
    )
    return bool(dropped)


def expire(now: dt.datetime | None = None) -> int:
    """Beat: entries whose window has started have nothing left to wait for."""
    now = now or timezone.now()
    return WaitlistEntry.objects.filter(state=WaitlistState.WAITING, expires_at__lte=now).update(
        state=WaitlistState.EXPIRED
    )
