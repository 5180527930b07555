"""Availability: "which slots of this resource are free on this day", for every provider.

Adapters translate what a provider says about one day into ``ProviderDay`` facts
(explicit slots, or open windows plus busy intervals and a capacity); this service turns
facts into slots with the resource's rules, in the space's time zone, and lays the
portal's own bookings that the provider may not show yet on top.

Facts are cached per (resource, day) in the cache (Redis in production):

* younger than ``FRESH_SECONDS``: served as ``cached``;
* older, up to ``STALE_SECONDS``: served as ``stale`` while one refresh runs in a Celery
  task;
* missing: concurrent requests make one upstream call (single flight: a lock in the
  cache; the others wait for its answer);
* a provider that fails gives ``unknown`` — never "free" — remembered for a few seconds
  so a failing provider is not hammered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
import zoneinfo
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from providers.adapters import adapter_for
from providers.adapters.errors import ProviderConfigurationError, ProviderError
from providers.adapters.types import ItemRef, PassDay, ProviderDay
from providers.cache import cache
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)

FRESH_SECONDS = getattr(settings, "AVAILABILITY_FRESH_SECONDS", 60)
STALE_SECONDS = getattr(settings, "AVAILABILITY_STALE_SECONDS", 900)
UNKNOWN_SECONDS = 15
LOCK_SECONDS = 30
WAIT_FOR_LEADER_SECONDS = 12.0


@dataclasses.dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    available: bool
    remaining: int | None = None


@dataclasses.dataclass
class DayAnswer:
    known: bool
    day: dt.date
    timezone: str
    slots: list[Slot]
    source: str  # live | cached | stale
    fetched_at: dt.datetime | None
    message: str = ""


@dataclasses.dataclass
class PassAnswer:
    known: bool
    days: list[PassDay]
    timezone: str
    source: str
    fetched_at: dt.datetime | None
    message: str = ""


# --- references -------------------------------------------------------------------------


def item_ref(item: Resource | Offer) -> ItemRef:
    space = item.space
    return ItemRef(
        external_id=item.external_id,
        kind=item.kind,
        timezone=space.timezone,
        space_external_id=space.external_id,
        raw=item.raw,
        space_raw=space.raw,
        rules=getattr(item, "rules", {}) or {},
        quantity=getattr(item, "quantity", 1) or 1,
    )


def local_today_for(tz: str) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(tz)).date()


def local_day_bounds(day: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(tz)
    start = dt.datetime.combine(day, dt.time(0), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
    return start, end


# --- cache with single flight and stale-while-revalidate -------------------------------


@dataclasses.dataclass
class _Cached:
    value: object  # ProviderDay | list[PassDay] | None (None: the provider failed)
    fetched_at: dt.datetime
    message: str = ""


def _fetch_into_cache(key: str, fetch: Callable[[], object]) -> _Cached:
    try:
        value = fetch()
        entry = _Cached(value=value, fetched_at=timezone.now())
        cache.set(key, entry, STALE_SECONDS)
    except (ProviderError, ProviderConfigurationError) as exc:
        logger.warning("availability %s unknown: %s", key, type(exc).__name__)
        entry = _Cached(value=None, fetched_at=timezone.now(), message=_unknown_message(exc))
        cache.set(key, entry, UNKNOWN_SECONDS)
    return entry


def _unknown_message(exc: BaseException) -> str:
    from providers.adapters.errors import UnsupportedError

    if isinstance(exc, UnsupportedError):
        return "This provider does not publish availability for it."
    return "The provider is not answering right now, so availability is unknown."


def cached_facts(
    key: str, fetch: Callable[[], object], refresh: Callable[[], None]
) -> tuple[_Cached, str]:
    """(entry, source) for ``key``: fresh, stale (refreshing in the background) or live."""
    entry = cache.get(key)
    now = timezone.now()
    if entry is not None:
        age = (now - entry.fetched_at).total_seconds()
        if entry.value is None or age < FRESH_SECONDS:
            return entry, "cached"
        if cache.add(f"{key}:lock", 1, LOCK_SECONDS):
            refresh()  # one background refresh; the lock is released by it
        return entry, "stale"
    if cache.add(f"{key}:lock", 1, LOCK_SECONDS):
        try:
            return _fetch_into_cache(key, fetch), "live"
        finally:
            cache.delete(f"{key}:lock")
    # another request is asking the provider right now: wait for its answer
    deadline = time.monotonic() + WAIT_FOR_LEADER_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        entry = cache.get(key)
        if entry is not None:
            return entry, "cached"
    return _Cached(None, now, "The provider is slow to answer; availability is unknown."), "live"


def refresh_now(key: str, fetch: Callable[[], object]) -> None:
    """Run by the background task: fetch, store, release the lock."""
    try:
        _fetch_into_cache(key, fetch)
    finally:
        cache.delete(f"{key}:lock")


def resource_key(resource_id: int, day: dt.date) -> str:
    return f"avail:r:{resource_id}:{day.isoformat()}"


def offer_key(offer_id: int, start: dt.date, end: dt.date) -> str:
    return f"avail:o:{offer_id}:{start.isoformat()}:{end.isoformat()}"


# Availability is asked while a member waits: never queue long behind the rate limit.
RATE_WAIT_SECONDS = 3.0


def fetch_resource_day(resource: Resource, day: dt.date) -> ProviderDay:
    with adapter_for(resource.space.account, max_rate_wait=RATE_WAIT_SECONDS) as adapter:
        return adapter.day_facts(item_ref(resource), day)


def fetch_pass_days(offer: Offer, start: dt.date, end: dt.date) -> list[PassDay]:
    with adapter_for(offer.space.account, max_rate_wait=RATE_WAIT_SECONDS) as adapter:
        return adapter.pass_days(item_ref(offer), start, end)


# --- slots --------------------------------------------------------------------------


def _overlaps(intervals: Iterable[tuple[dt.datetime, dt.datetime]], start, end) -> int:
    return sum(1 for s, e in intervals if s < end and e > start)


def compute_slots(
    facts: ProviderDay,
    *,
    rules: dict,
    tz: str,
    holds: list[tuple[dt.datetime, dt.datetime]],
    now: dt.datetime,
) -> list[Slot]:
    """Slots of one day from provider facts, the resource's rules and the portal's holds."""
    zone = zoneinfo.ZoneInfo(tz)
    lead = dt.timedelta(minutes=int(rules.get("lead_time_minutes") or 0))
    earliest = now + lead
    capacity = max(1, facts.capacity)
    slots: list[Slot] = []
    if facts.slots is not None:
        for start, end, free in facts.slots:
            taken = _overlaps(holds, start, end)
            slots.append(
                Slot(
                    start.astimezone(zone),
                    end.astimezone(zone),
                    available=bool(free) and taken < capacity and start >= earliest,
                )
            )
        return sorted(slots, key=lambda s: s.start)
    step = int(rules.get("step_minutes") or rules.get("slot_minutes") or 60)
    length = dt.timedelta(minutes=int(rules.get("slot_minutes") or step))
    busy = list(facts.busy) + list(holds)
    for open_start, open_end in sorted(facts.open):
        # walk in UTC so a slot lasts its length even across a daylight-saving change
        cursor = open_start.astimezone(dt.UTC)
        stop = open_end.astimezone(dt.UTC)
        while cursor + length <= stop:
            end = cursor + length
            used = _overlaps(busy, cursor, end)
            slots.append(
                Slot(
                    cursor.astimezone(zone),
                    end.astimezone(zone),
                    available=used < capacity and cursor >= earliest,
                    remaining=max(0, capacity - used) if capacity > 1 else None,
                )
            )
            cursor += dt.timedelta(minutes=step)
    return slots


def portal_holds(
    resource: Resource, start: dt.datetime, end: dt.datetime, since: dt.datetime | None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The portal's own bookings the provider's answer may not include yet: those not
    sent yet, and those that changed after the answer was fetched."""
    from bookings.models import HOLDING, Status

    not_sent = Q(status__in=[Status.PENDING, Status.SUBMITTING])
    recent = Q(status__in=HOLDING, updated_at__gte=since) if since else Q(status__in=HOLDING)
    rows = resource.bookings.filter(not_sent | recent, start__lt=end, end__gt=start)
    return list(rows.values_list("start", "end"))


def _resource_facts(resource: Resource, day: dt.date) -> tuple[_Cached, str]:
    """The day's facts through the cache (no database work: safe in a thread)."""
    from providers import tasks

    return cached_facts(
        resource_key(resource.pk, day),
        fetch=lambda: fetch_resource_day(resource, day),
        refresh=lambda: tasks.refresh_availability.delay("resource", resource.pk, day.isoformat()),
    )


def _answer(
    resource: Resource, day: dt.date, entry: _Cached, source: str, now: dt.datetime
) -> DayAnswer:
    tz = resource.space.timezone
    if entry.value is None:
        return DayAnswer(False, day, tz, [], source, entry.fetched_at, entry.message)
    start, end = local_day_bounds(day, tz)
    holds = portal_holds(resource, start, end, entry.fetched_at)
    slots = compute_slots(entry.value, rules=resource.rules, tz=tz, holds=holds, now=now)
    return DayAnswer(True, day, tz, slots, source, entry.fetched_at)


def resource_day(resource: Resource, day: dt.date, *, now: dt.datetime | None = None) -> DayAnswer:
    entry, source = _resource_facts(resource, day)
    return _answer(resource, day, entry, source, now or timezone.now())


def resource_days(
    resource: Resource, days: list[dt.date], *, now: dt.datetime | None = None
) -> list[DayAnswer]:
    """Several days at once (a week calendar, a busy feed): the provider is asked for
    the days not cached in parallel, so a cold week costs one round trip, not seven."""
    if not days:
        return []
    with ThreadPoolExecutor(max_workers=min(len(days), 7)) as pool:
        facts = list(pool.map(lambda day: _resource_facts(resource, day), days))
    now = now or timezone.now()
    return [
        _answer(resource, day, entry, source, now)
        for day, (entry, source) in zip(days, facts, strict=True)
    ]


def pass_days(offer: Offer, start: dt.date, end: dt.date) -> PassAnswer:
    """Each day from ``start`` to ``end`` (inclusive): sold that day, and places left."""
    from bookings.models import HOLDING, Status
    from providers import tasks

    key = offer_key(offer.pk, start, end)
    entry, source = cached_facts(
        key,
        fetch=lambda: fetch_pass_days(offer, start, end),
        refresh=lambda: tasks.refresh_availability.delay(
            "offer", offer.pk, start.isoformat(), end.isoformat()
        ),
    )
    tz = offer.space.timezone
    if entry.value is None:
        return PassAnswer(False, [], tz, source, entry.fetched_at, entry.message)
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(tz)).date()
    days = []
    recent = Q(status__in=[Status.PENDING, Status.SUBMITTING]) | Q(
        status__in=HOLDING, updated_at__gte=entry.fetched_at
    )
    for item in entry.value:
        remaining = item.remaining
        if remaining is not None:
            day_start, day_end = local_day_bounds(item.day, tz)
            held = offer.bookings.filter(recent, start__lt=day_end, end__gt=day_start).count()
            remaining = max(0, remaining - held)
        is_open = item.open and item.day >= today and (remaining is None or remaining > 0)
        days.append(PassDay(item.day, is_open, remaining))
    return PassAnswer(True, days, tz, source, entry.fetched_at)
