"""Matching waitlist entries against the availability index, first come, first served.

``match_item`` runs after an index refresh wrote free rows of a room or a pass (the
``bookings.match_waitlist`` task, queued by ``on_index_write``). Under the item's row
lock (one matcher per item at a time, as the index's writer), each free window is offered
to the waiting entries that fit it, oldest first:

* one entry per free place: a room's window (or a pass day whose places are not counted)
  is offered to one entry; a pass day with N places left to N entries;
* the entry told is the window's holder for ``WAITLIST_HOLD_MINUTES``: nobody else is told
  about that window meanwhile, so the first in line has a head start. If the window is
  still free at a refresh after the hold, the next entry in line is told, and so on;
* an entry is told once: it leaves ``waiting`` by a conditional update (the claim) before
  its email is sent; a failed email gives the claim back (the task retries).

Entries whose window has started are never told (``expires_at``; beat marks them
expired).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bookings import money
from bookings.models import AvailabilityWindow, WaitlistEntry, WaitlistState, WindowState
from bookings.search.query import KINDS
from bookings.waitlist import entries
from providers import jobs, selectors
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)

Item = Resource | Offer
Fit = tuple[dt.datetime, dt.datetime]  # what the member is told: start and end, UTC


def hold_minutes() -> int:
    return int(getattr(settings, "WAITLIST_HOLD_MINUTES", 15))


def on_index_write(kind: str, item_id: int, days: Iterable[dt.date]) -> None:
    """The index's hook: free rows of an item's ``days`` were written; when someone waits
    on one of those days, a task matches them (after commit; one cheap query otherwise)."""
    days = sorted(set(days))
    if not days:
        return
    waiting = WaitlistEntry.objects.filter(state=WaitlistState.WAITING, date__in=days)
    if not waiting.exists():
        return
    from bookings import tasks  # a real cycle: tasks -> waitlist

    jobs.enqueue(tasks.match_waitlist, kind, item_id, [day.isoformat() for day in days])


# --- does this window answer this entry? ---------------------------------------------------


def _kinds_allow(entry: WaitlistEntry, item: Item) -> bool:
    if not entries.is_search(entry) or not entry.kind:
        return True
    rooms, passes = KINDS.get(entry.kind, (set(), set()))
    return item.kind in (rooms if isinstance(item, Resource) else passes)


def _price_allows(
    entry: WaitlistEntry, amount: Decimal | None, currency: str, rates: dict[str, Decimal]
) -> bool:
    if entry.max_price is None:
        return True
    shown = money.to_display(amount, currency, entry.currency, rates)
    return shown is not None and shown <= entry.max_price  # an unknown price is not "under"


def fits(
    entry: WaitlistEntry,
    item: Item,
    window: AvailabilityWindow,
    *,
    now: dt.datetime,
    rates: dict[str, Decimal],
) -> Fit | None:
    """The booking ``window`` offers ``entry`` (start, end), or None when it does not
    answer it: the entry's day and time, its people, its kind and its price limit."""
    if window.state != WindowState.FREE or window.day != entry.date or entry.expires_at <= now:
        return None
    if not _kinds_allow(entry, item):
        return None
    if isinstance(item, Offer):
        if (item.max_persons or 1) < entry.people:
            return None
        if window.places_left is not None and window.places_left < entry.people:
            return None
        if not _price_allows(entry, item.price, item.currency, rates):
            return None
        return window.start, window.end
    if item.capacity is not None and item.capacity < entry.people:
        return None
    if item.capacity is None and entries.is_search(entry) and entry.people > 1:
        return None  # as search: a room of unknown size is not offered for a group
    low, high, need = entries.entry_bounds(entry, window.timezone)
    start, end = max(window.start, low, now), min(window.end, high)
    if (end - start).total_seconds() < need:
        return None
    if item.price_hour is None:
        amount = None
    else:
        amount = (item.price_hour * Decimal(need) / Decimal(3600)).quantize(Decimal("0.01"))
    if not _price_allows(entry, amount, item.currency, rates):
        return None
    return start, start + dt.timedelta(seconds=need)


# --- the matcher ------------------------------------------------------------------------------


def _candidates(kind: str, item: Item, days: list[dt.date], now: dt.datetime):
    """Waiting entries that may want ``item``, oldest first: the item's own, and searches
    whose place takes in its space."""
    own = Q(**{kind: item})
    searches = Q(resource__isnull=True, offer__isnull=True)
    found = (
        WaitlistEntry.objects.filter(state=WaitlistState.WAITING, date__in=days)
        .filter(expires_at__gt=now)
        .filter(own | searches)
        .select_related("member")
        .order_by("created_at", "pk")
    )
    places: dict[tuple[str, str, dt.date], bool] = {}
    for entry in found:
        if entries.is_search(entry):
            key = (entry.city, entry.q, entry.date)
            if key not in places:
                spaces = entries.place_spaces(entry.city, entry.q, entry.date)
                places[key] = spaces.filter(pk=item.space_id).exists()
            if not places[key]:
                continue
        yield entry


def _held(kind: str, item: Item, window: AvailabilityWindow, now: dt.datetime) -> int:
    """Entries told about this window within the hold: it is theirs for now."""
    since = now - dt.timedelta(minutes=hold_minutes())
    return (
        WaitlistEntry.objects.filter(
            **{f"matched_{kind}": item},
            notified_at__gt=since,
            matched_start__lt=window.end,
            matched_end__gt=window.start,
        )
        .exclude(state=WaitlistState.DROPPED)  # dropped: not coming, the next one is told
        .count()
    )


def _claim(entry: WaitlistEntry, kind: str, item: Item, fit: Fit, now: dt.datetime) -> bool:
    """Tell ``entry`` about ``fit`` unless it was told already (a second run, a race)."""
    return bool(
        WaitlistEntry.objects.filter(pk=entry.pk, state=WaitlistState.WAITING).update(
            state=WaitlistState.NOTIFIED,
            notified_at=now,
            matched_resource=item if kind == "resource" else None,
            matched_offer=item if kind == "offer" else None,
            matched_start=fit[0],
            matched_end=fit[1],
        )
    )


def _load(kind: str, item_id: int) -> Item | None:
    items = selectors.visible_resources() if kind == "resource" else selectors.visible_offers()
    return items.select_related("space__account").filter(pk=item_id).first()


def claim_matches(
    kind: str, item_id: int, days: Iterable[dt.date], *, now: dt.datetime | None = None
) -> list[int]:
    """Match the item's free windows of ``days`` to the waiting entries; the ids of the
    entries claimed (to be emailed)."""
    now = now or timezone.now()
    days = sorted(set(days))
    item = _load(kind, item_id)
    if item is None or not days:
        return []
    rates = money.rates()
    claimed: list[int] = []
    with transaction.atomic():
        # one matcher per item at a time (the index writer's lock): a window is offered once
        type(item).objects.select_for_update().filter(pk=item.pk).first()
        windows = AvailabilityWindow.objects.filter(
            **{kind: item}, state=WindowState.FREE, day__in=days, end__gt=now
        ).order_by("start", "pk")
        waiting = list(_candidates(kind, item, days, now))
        for window in windows:
            places = window.places_left if window.places_left is not None else 1
            free = places - _held(kind, item, window, now)
            for entry in waiting:
                if free <= 0:
                    break
                if entry.pk in claimed:
                    continue
                fit = fits(entry, item, window, now=now, rates=rates)
                if fit is not None and _claim(entry, kind, item, fit, now):
                    claimed.append(entry.pk)
                    free -= 1
    return claimed


def release(entry_id: int) -> None:
    """Give a claim back (its email was not sent): the entry waits again."""
    WaitlistEntry.objects.filter(pk=entry_id, state=WaitlistState.NOTIFIED).update(
        state=WaitlistState.WAITING,
        notified_at=None,
        matched_resource=None,
        matched_offer=None,
        matched_start=None,
        matched_end=None,
    )
