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

A page never waits on a provider longer than a small budget (``PAGE_PROVIDER_BUDGET_MS``,
see ``page_budget``) and never on the rate limiter: the request that leads a miss runs the
call in a thread and stops waiting after the budget, answering ``unknown``; the thread
goes on, stores the answer and releases the lock (the single flight holds across
processes: the lock is in the shared cache), so the next page finds it. Followers wait at
most the budget too. The work a request may trigger is bounded (``Allowance``: item-days
per request, and per anonymous client per minute in the shared cache); past it the miss
is left to a background refresh (``providers.jobs.enqueue``). Page fetches count against
the browsing share of the provider's rate limit (``providers.ratelimit``).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import logging
import threading
import time
import uuid
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import timezone

from providers import jobs
from providers.adapters import adapter_for
from providers.adapters.errors import (
    ProviderConfigurationError,
    ProviderError,
    RateLimited,
    UnsupportedError,
)
from providers.adapters.types import ItemRef, PassDay, ProviderDay
from providers.cache import cache
from providers.messages import Message
from providers.models import Offer, Resource
from providers.ratelimit import BROWSE
from providers.selectors import with_credentials

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


def facts_token_key(key: str) -> str:
    """The token that every write of one of an item's facts entries replaces
    (``avail:r:7:2026-12-03`` -> ``avail:r:7:token``): what is made from the item's facts
    may be kept under it (``bookings.pagecache.KeptAnswers``). Read it before the entries,
    or with them in one ``get_many`` that lists it first: it is replaced after them."""
    return ":".join(key.split(":")[:3]) + ":token"


TOKEN_SECONDS = 24 * 3600


def _fetch_into_cache(key: str, fetch: Callable[[], object]) -> _Cached:
    try:
        value = fetch()
        entry = _Cached(value=value, fetched_at=timezone.now())
        cache.set(key, entry, STALE_SECONDS)
    except (ProviderError, ProviderConfigurationError) as exc:
        logger.warning("availability %s unknown: %s", key, type(exc).__name__)
        entry = _Cached(value=None, fetched_at=timezone.now(), message=_unknown_message(exc))
        cache.set(key, entry, UNKNOWN_SECONDS)
    # set here, not through ``replace_tokens``: a fetch is no database write (nothing to
    # wait for a commit of), and it runs in threads and processes that must not open a
    # database connection (``transaction.on_commit`` would)
    cache.set(facts_token_key(key), uuid.uuid4().hex, TOKEN_SECONDS)
    return entry


def _unknown_message(exc: BaseException) -> Message:
    if isinstance(exc, UnsupportedError):
        return Message("availability_unpublished")
    if isinstance(exc, RateLimited):  # the provider was not asked: not its failure
        return Message("availability_busy")
    return Message("availability_unanswered")


@dataclasses.dataclass
class PageWork:
    """What a page may spend on providers: seconds of waiting for one answer
    (``budget``), all its waits together (until ``deadline``, a ``time.monotonic``), and
    an ``Allowance``."""

    budget: float
    deadline: float
    allowance: Allowance | None = None

    def left(self, budget: float | None = None) -> float:
        """Seconds the next wait may last: ``budget`` (default the page's), within what
        is left of the page's total (at least a moment)."""
        remaining = self.deadline - time.monotonic()
        return max(0.05, min(self.budget if budget is None else budget, remaining))


_page_work: contextvars.ContextVar[PageWork | None] = contextvars.ContextVar(
    "provider_page_work", default=None
)


@contextlib.contextmanager
def page_work(allowance: Allowance | None = None):
    """Inside: provider facts are waited on at most ``PAGE_PROVIDER_BUDGET_MS``, all the
    page's provider waits together at most ``PAGE_PROVIDER_TOTAL_MS``, and providers are
    asked within ``allowance``. Views use it; workers and the index, outside it, wait
    as long as a call takes."""
    budget = getattr(settings, "PAGE_PROVIDER_BUDGET_MS", 300) / 1000
    total = getattr(settings, "PAGE_PROVIDER_TOTAL_MS", 500) / 1000
    token = _page_work.set(PageWork(budget, time.monotonic() + total, allowance))
    try:
        yield
    finally:
        _page_work.reset(token)


def page_budget(budget: float | None = None) -> float | None:
    """Seconds this page may wait for its next provider answer (``budget``, default the
    facts' budget, within the page's total); None outside ``page_work``."""
    work = _page_work.get()
    return work.left(budget) if work else None


def page_allowance() -> Allowance | None:
    work = _page_work.get()
    return work.allowance if work else None


class Allowance:
    """The provider work one request may trigger, in item-days (a room's day is one, a
    pass's range one per day): ``per_request`` for this request, and ``per_client`` per
    minute for ``client`` (e.g. an anonymous visitor's address) in the shared cache.
    Shared by the threads of one request."""

    def __init__(
        self, per_request: int | None = None, client: str = "", per_client: int | None = None
    ) -> None:
        self.left = per_request
        self.client = client
        self.per_client = per_client
        self.lock = threading.Lock()

    def take(self, cost: int) -> bool:
        with self.lock:
            if self.left is not None:
                if cost > self.left:
                    return False
                self.left -= cost
        if self.client and self.per_client is not None:
            key = f"provider-allowance:{self.client}:{int(time.time() // 60)}"
            try:
                django_cache.add(key, 0, 120)
                spent = django_cache.incr(key, cost)  # atomic in Redis and diskcache
            except Exception as exc:  # a cache that is down counts nothing
                logger.warning("allowance not counted (%s)", type(exc).__name__)
                spent = cost
            if spent > self.per_client:
                return False
        return True


def cached_facts(
    key: str,
    fetch: Callable[[], object],
    refresh: Callable[[], None],
    *,
    budget: float | None = None,
    allowance: Allowance | None = None,
    cost: int = 1,
    read: _Cached | None = None,
    prepare: Callable[[], object] | None = None,
) -> tuple[_Cached, str]:
    """(entry, source) for ``key``: fresh, stale (refreshing in the background) or live.

    ``budget``: the seconds the caller may wait on the provider (None: as long as it
    takes); ``allowance``/``cost``: whether this request may ask the provider itself;
    ``read``: the entry as the caller read it already (one read for many keys), if any;
    ``prepare``: called in the caller's thread before this request asks the provider
    (what ``fetch`` needs from the database, as ``fetch`` may run in another thread)."""
    entry = read if read is not None else cache.get(key)
    now = timezone.now()
    if entry is not None:
        age = (now - entry.fetched_at).total_seconds()
        if entry.value is None or age < FRESH_SECONDS:
            return entry, "cached"
        if cache.add(f"{key}:lock", 1, LOCK_SECONDS):
            refresh()  # one background refresh; the lock is released by it
        return entry, "stale"
    if allowance is not None and not allowance.take(cost):
        # this request has asked enough: a worker asks instead, the page says "unknown"
        if cache.add(f"{key}:lock", 1, LOCK_SECONDS):
            refresh()
        return _Cached(None, now, Message("availability_slow")), "live"
    if cache.add(f"{key}:lock", 1, LOCK_SECONDS):
        # a leader that finished between our read and our lock has stored its answer:
        # asking the provider again would be a second call for the same question
        entry = cache.get(key)
        if entry is not None:
            cache.delete(f"{key}:lock")
            return entry, "cached"
        if prepare is not None:
            try:
                prepare()
            except BaseException:
                cache.delete(f"{key}:lock")
                raise
        if budget is None:
            try:
                return _fetch_into_cache(key, fetch), "live"
            finally:
                cache.delete(f"{key}:lock")
        return _lead_within(key, fetch, budget, now)
    # another request is asking the provider right now: wait for its answer (a page: at
    # most its budget, and not at all when the asker already gave up on it)
    wait = WAIT_FOR_LEADER_SECONDS if budget is None else budget
    deadline = time.monotonic() + wait
    while budget is None or not cache.get(f"{key}:slow"):
        if time.monotonic() >= deadline:
            break
        time.sleep(0.05)
        entry = cache.get(key)
        if entry is not None:
            return entry, "cached"
    return _Cached(None, now, Message("availability_slow")), "live"


# set in the threads that ask a provider for a page
_for_page = threading.local()


def _lead_within(
    key: str, fetch: Callable[[], object], budget: float, now: dt.datetime
) -> tuple[_Cached, str]:
    """Ask the provider in a thread and wait at most ``budget``: past it, answer
    "unknown"; the thread goes on, stores the provider's answer and releases the lock."""
    done = threading.Event()
    box: dict[str, object] = {}

    def run() -> None:
        _for_page.active = True  # this thread's adapters do not wait (``_facts_adapter``)
        try:
            box["entry"] = _fetch_into_cache(key, fetch)
        except BaseException as exc:  # handed to the page when it still waits
            box["error"] = exc
            logger.exception("availability %s: fetch failed", key)
        finally:
            cache.delete(f"{key}:lock")
            cache.delete(f"{key}:slow")
            done.set()

    threading.Thread(target=run, name=f"facts {key}", daemon=True).start()
    if done.wait(budget):
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["entry"], "live"  # type: ignore[return-value]
    logger.info("availability %s: no answer within %.0f ms", key, budget * 1000)
    # pages asking meanwhile need not wait: the provider is known to be slow right now
    cache.set(f"{key}:slow", 1, LOCK_SECONDS)
    if done.is_set():  # it answered as we gave up: the mark must not outlive the call
        cache.delete(f"{key}:slow")
    return _Cached(None, now, Message("availability_slow")), "live"


def refresh_now(key: str, fetch: Callable[[], object]) -> None:
    """Run by the background task: fetch, store, release the lock."""
    try:
        _fetch_into_cache(key, fetch)
    finally:
        cache.delete(f"{key}:lock")


def resource_key(resource_id: int, day: dt.date) -> str:
    return f"avail:r:{resource_id}:{day.isoformat()}"


def resource_token_key(resource_id: int) -> str:
    """``facts_token_key`` of the room's days."""
    return f"avail:r:{resource_id}:token"


def offer_key(offer_id: int, start: dt.date, end: dt.date) -> str:
    return f"avail:o:{offer_id}:{start.isoformat()}:{end.isoformat()}"


def offer_token_key(offer_id: int) -> str:
    """``facts_token_key`` of the offer's ranges of days."""
    return f"avail:o:{offer_id}:token"


# Availability is asked while a member waits: never queue long behind the rate limit.
# A worker's refresh may wait this long; a page's fetch does not wait at all.
RATE_WAIT_SECONDS = 3.0


def _facts_adapter(account):
    """An adapter for availability: the browsing share of the rate limit; for a page
    (in ``_lead_within``'s thread) no wait on the limiter and a single attempt."""
    if getattr(_for_page, "active", False):
        return adapter_for(account, max_rate_wait=0.0, rate_share=BROWSE, max_attempts=1)
    return adapter_for(account, max_rate_wait=RATE_WAIT_SECONDS, rate_share=BROWSE)


def fetch_resource_day(resource: Resource, day: dt.date) -> ProviderDay:
    with _facts_adapter(resource.space.account) as adapter:
        return adapter.day_facts(item_ref(resource), day)


def fetch_pass_days(offer: Offer, start: dt.date, end: dt.date) -> list[PassDay]:
    with _facts_adapter(offer.space.account) as adapter:
        return adapter.pass_days(item_ref(offer), start, end)


# --- facts of one item, through the cache -------------------------------------------------


def resource_facts(
    resource: Resource,
    day: dt.date,
    *,
    budget: float | None = None,
    allowance: Allowance | None = None,
    read: CachedFacts | None = None,
) -> tuple[CachedFacts, str]:
    """The day's facts through the cache (no database work once ``resource.space.account``
    is loaded: safe in a thread); ``read``: the day's entry, read by the caller already."""
    from providers import tasks

    return cached_facts(
        resource_key(resource.pk, day),
        fetch=lambda: fetch_resource_day(resource, day),
        refresh=lambda: jobs.enqueue(
            tasks.refresh_availability, "resource", resource.pk, day.isoformat(), on_commit=False
        ),
        budget=budget,
        allowance=allowance,
        read=read,
        prepare=lambda: with_credentials(resource.space.account),
    )


def offer_facts(
    offer: Offer,
    start: dt.date,
    end: dt.date,
    *,
    budget: float | None = None,
    allowance: Allowance | None = None,
) -> tuple[CachedFacts, str]:
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
        budget=budget,
        allowance=allowance,
        cost=(end - start).days + 1,
        prepare=lambda: with_credentials(offer.space.account),
    )
