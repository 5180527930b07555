"""Availability facts: what a provider says about one day of a room or a pass, cached.

Adapters translate what a provider says about one day into ``ProviderDay`` facts
(explicit slots, or open windows plus busy intervals and a capacity) or ``PassDay`` days;
this module asks for them and keeps them. Which slots a member may book (the resource's
rules, the portal's own holds) is decided from these facts by ``bookings.availability``.

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
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from providers import jobs
from providers.adapters import adapter_for
from providers.adapters.errors import (
    ProviderConfigurationError,
    ProviderError,
    UnsupportedError,
)
from providers.adapters.types import ItemRef, PassDay, ProviderDay
from providers.cache import cache
from providers.messages import Message
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)

FRESH_SECONDS = getattr(settings, "AVAILABILITY_FRESH_SECONDS", 60)
STALE_SECONDS = getattr(settings, "AVAILABILITY_STALE_SECONDS", 900)
UNKNOWN_SECONDS = 15
LOCK_SECONDS = 30
WAIT_FOR_LEADER_SECONDS = 12.0


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
    # why the value is unknown: our words as a Message (entries written before messages
    # were codes hold a str); rendered where shown
    message: Message | str = ""


# The public name of a cached answer; the class keeps its name because entries are pickled
# into the cache under it, so entries written before a deploy still load after it.
CachedFacts = _Cached


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


def _unknown_message(exc: BaseException) -> Message:
    if isinstance(exc, UnsupportedError):
        return Message("availability_unpublished")
    return Message("availability_unanswered")


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
            # a leader that finished between our read and our lock has stored its answer:
            # asking the provider again would be a second call for the same question
            entry = cache.get(key)
            if entry is not None:
                return entry, "cached"
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
    return _Cached(None, now, Message("availability_slow")), "live"


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


# --- facts of one item, through the cache -------------------------------------------------


def resource_facts(resource: Resource, day: dt.date) -> tuple[CachedFacts, str]:
    """The day's facts through the cache (no database work: safe in a thread)."""
    from providers import tasks

    return cached_facts(
        resource_key(resource.pk, day),
        fetch=lambda: fetch_resource_day(resource, day),
        refresh=lambda: jobs.enqueue(
            tasks.refresh_availability, "resource", resource.pk, day.isoformat(), on_commit=False
        ),
    )


def offer_facts(offer: Offer, start: dt.date, end: dt.date) -> tuple[CachedFacts, str]:
    """The pass days from ``start`` to ``end`` (inclusive) through the cache."""
    from providers import tasks

    return cached_facts(
        offer_key(offer.pk, start, end),
        fetch=lambda: fetch_pass_days(offer, start, end),
        refresh=lambda: jobs.enqueue(
            tasks.refresh_availability,
            "offer",
            offer.pk,
            start.isoformat(),
            end.isoformat(),
            on_commit=False,
        ),
    )
