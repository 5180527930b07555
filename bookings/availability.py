"""Which slots are free: a room's slots of a day, a pass's days, as a member sees them.

``providers.availability`` gives the provider's facts about a day (through the cache);
this module turns them into slots with the resource's rules, in the space's time zone,
walking in UTC so a slot keeps its length across a daylight-saving change, and lays on
top the portal's own bookings that the provider's answer may not include yet.

Asked inside ``page_work`` (the views' ``provider_budget``), the provider is waited on at
most the page's budget and asked within its ``Allowance`` (the provider work one request
may trigger); past either, the answer is "unknown" and a background refresh follows.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import logging
import threading
import zoneinfo
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import cast

from django.utils import timezone

from bookings import holds
from bookings import rules as booking_rules
from bookings.models import Status
from providers import availability as provider_facts
from providers import messages, selectors
from providers.adapters.types import PassDay, ProviderDay
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)

# Provider-side helpers callers of this module use with its answers (their home is
# providers.availability; named here so a caller needs one import).
item_ref = provider_facts.item_ref
Allowance = provider_facts.Allowance
page_work = provider_facts.page_work
local_today_for = provider_facts.local_today_for
local_day_bounds = provider_facts.local_day_bounds


@dataclasses.dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    available: bool
    remaining: int | None = None
    # the shortest booking fits from this start (a free cell just before closing or a
    # busy time can be too short to start one): the week offers only such starts
    bookable: bool = True


@dataclasses.dataclass
class DayAnswer:
    known: bool
    day: dt.date
    timezone: str
    slots: list[Slot]
    source: str  # live | cached | stale
    fetched_at: dt.datetime
    message: str = ""
    # unknown only because the provider had not answered within the page's budget: it
    # is still being asked, so the page asks again in a moment (``pending_retry``)
    pending: bool = False
    # the answer is the same, for the same room, facts and holds, until then: the clock
    # moves a slot out of reach or turns the day, or the facts fall due to be asked again
    # (a page asking then starts the refresh); a provider's failure is asked again.
    # None: still being asked, not to be kept.
    good_until: dt.datetime | None = None


@dataclasses.dataclass
class PassAnswer:
    known: bool
    days: list[PassDay]
    timezone: str
    source: str
    fetched_at: dt.datetime
    message: str = ""
    pending: bool = False
    good_until: dt.datetime | None = None  # as ``DayAnswer``'s


def _still_asking(entry: provider_facts.CachedFacts) -> bool:
    """The entry is a page's "unknown" while the provider is still being asked (its
    answer lands in the cache behind the page), not a provider's failure."""
    message = entry.message
    return isinstance(message, messages.Message) and message.code == "availability_slow"


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
    limits: booking_rules.Limits | None = None,
) -> list[Slot]:
    """Slots of one day from provider facts, the resource's rules and the portal's holds.
    ``limits`` (``bookings.rules.limits``; else the notice of ``rules``): no slot is free
    before the notice or past the horizon, and busy times keep their buffers."""
    zone = zoneinfo.ZoneInfo(tz)
    if limits is None:
        limits = booking_rules.Limits(notice=int(rules.get("lead_time_minutes") or 0))
    earliest = now + dt.timedelta(minutes=limits.notice)
    # the horizon a space states (the portal's own year is the pages' to keep)
    last = (
        booking_rules.last_day(limits, now.astimezone(zone).date())
        if limits.horizon < booking_rules.MAX_DAYS_AHEAD
        else None
    )
    # past the horizon: from the local midnight after its last day (one comparison per
    # slot, not a conversion to the zone)
    beyond = local_day_bounds(last, tz)[1] if last is not None else None
    pad = dt.timedelta(minutes=limits.buffer)
    holds = [(s - pad, e + pad) for s, e in holds]

    def in_reach(start: dt.datetime) -> bool:
        return start >= earliest and (beyond is None or start < beyond)

    capacity = max(1, facts.capacity)
    slots: list[Slot] = []
    if facts.slots is not None:
        for start, end, free in facts.slots:
            taken = _overlaps(holds, start, end)
            slots.append(
                Slot(
                    start.astimezone(zone),
                    end.astimezone(zone),
                    available=bool(free) and taken < capacity and in_reach(start),
                )
            )
        return sorted(slots, key=lambda s: s.start)
    grid = booking_rules.grid(rules)
    step, length = grid.step, dt.timedelta(minutes=grid.length)
    # a free cell is a start the member can book: its shortest booking must fit there
    # too (a 30-minute cell before closing is no start for a one-hour minimum)
    need = max(length, dt.timedelta(minutes=grid.shortest))
    busy = [(s - pad, e + pad) for s, e in facts.busy] + holds
    for open_start, open_end in sorted(facts.open):
        # walk in UTC so a slot lasts its length even across a daylight-saving change
        cursor = open_start.astimezone(dt.UTC)
        stop = open_end.astimezone(dt.UTC)
        while cursor + length <= stop:
            end = cursor + length
            used = _overlaps(busy, cursor, end)
            fits = cursor + need <= stop and (
                need == length or _overlaps(busy, cursor, cursor + need) < capacity
            )
            slots.append(
                Slot(
                    cursor.astimezone(zone),
                    end.astimezone(zone),
                    available=used < capacity and in_reach(cursor),
                    bookable=fits,
                    remaining=max(0, capacity - used) if capacity > 1 else None,
                )
            )
            cursor += dt.timedelta(minutes=step)
    return slots


def portal_holds(
    resource: Resource, start: dt.datetime, end: dt.datetime, since: dt.datetime | None
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The portal's own bookings the provider's answer may not include: see ``_held``."""
    return _day_holds(resource, holds.rows(resource, "resource", start, end), start, end, since)


_NOT_SENT = (Status.PENDING, Status.SUBMITTING)


def _span_holds(resource: Resource, days: list[dt.date], read: dict | None = None) -> list[tuple]:
    """Every booking that may hold a slot on any of ``days`` (kept per room,
    ``bookings.holds``): a week page or a feed then chooses each day's holds
    (``_day_holds``)."""
    tz = resource.space.timezone
    start, end = local_day_bounds(min(days), tz)[0], local_day_bounds(max(days), tz)[1]
    return holds.rows(resource, "resource", start, end, read)


def _holds_per_day(span: list[tuple], days: list[dt.date], tz: str) -> list[list[tuple]]:
    """The rows of ``span`` (``holds.rows``) that overlap each of ``days``: each row is
    placed on its days by bisection (a room's feed of sixteen days compared every row
    with every day)."""
    order = sorted(range(len(days)), key=days.__getitem__)
    bounds = [local_day_bounds(days[i], tz) for i in order]
    starts, ends = [b[0] for b in bounds], [b[1] for b in bounds]
    placed: list[list[tuple]] = [[] for _ in days]
    for row in span:
        # the days whose end is after the row's start and whose start is before its end
        for n in range(bisect.bisect_right(ends, row[0]), bisect.bisect_left(starts, row[1])):
            placed[order[n]].append(row)
    return placed


def _day_holds(
    resource: Resource | Offer, rows: list[tuple], start: dt.datetime, end: dt.datetime, since
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The holds of ``start``..``end`` chosen from ``rows`` (``holds.rows``) by
    ``_held``'s rule."""
    reflected = resource.space.account.spec.capabilities.reflects_bookings
    return [
        (b_start, b_end)
        for b_start, b_end, status, updated_at in rows
        if b_start < end and b_end > start and _held(reflected, since, status, updated_at)
    ]


def _held(reflected: bool, since: dt.datetime | None, status: str, updated_at) -> bool:
    """Whether one of the portal's holding bookings is laid over a provider's answer
    fetched at ``since``: those not sent yet, and those that changed after the answer
    was fetched; every live one where the provider's availability never shows bookings
    (``reflects_bookings`` False, e.g. 4Spaces, which has no booking endpoint: a
    staff-confirmed request is taken only in the portal)."""
    return not reflected or since is None or status in _NOT_SENT or updated_at >= since


# --- one booking's time in a day's answer ----------------------------------------------

FREE, TAKEN, CLOSED, UNKNOWN = "free", "taken", "closed", "unknown"


def slot_state(answer: DayAnswer, start: dt.datetime, end: dt.datetime) -> str:
    """Whether ``start``..``end`` is free in a day's answer: FREE, TAKEN (some of it is
    booked or not bookable), CLOSED (the room is not open then) or UNKNOWN (the provider
    did not answer: never "free", and never a refusal either -- the provider decides when
    the booking is sent)."""
    if not answer.known:
        return UNKNOWN
    covering = [s for s in answer.slots if s.start < end and s.end > start]
    if not covering:
        return CLOSED
    covered_from = min(s.start for s in covering)
    covered_to = max(s.end for s in covering)
    if covered_from > start or covered_to < end or not all(s.available for s in covering):
        return TAKEN
    return FREE


# --- answers ------------------------------------------------------------------------


def _answer(
    resource: Resource,
    day: dt.date,
    entry: provider_facts.CachedFacts,
    source: str,
    now: dt.datetime,
    span: list[tuple] | None = None,
    limits: booking_rules.Limits | None = None,
) -> DayAnswer:
    tz = resource.space.timezone
    if entry.value is None:
        reason = messages.render(entry.message)  # in the language of who asks
        if _still_asking(entry):  # asked again in a moment: never kept
            return DayAnswer(False, day, tz, [], source, entry.fetched_at, reason, True)
        # a provider's failure is kept that long, then asked again
        until = entry.fetched_at + dt.timedelta(seconds=provider_facts.UNKNOWN_SECONDS)
        return DayAnswer(False, day, tz, [], source, entry.fetched_at, reason, good_until=until)
    start, end = local_day_bounds(day, tz)
    if span is None:
        holds = portal_holds(resource, start, end, entry.fetched_at)
    else:
        holds = _day_holds(resource, span, start, end, entry.fetched_at)
    limits = limits or booking_rules.limits(resource)
    key = (resource.pk, day, entry.fetched_at, tuple(holds), tz, repr(resource.rules), limits)
    found = _computed.get(key, now)
    if found is None:
        # a resource entry holds a ProviderDay (providers.availability.fetch_resource_day)
        slots = compute_slots(
            cast(ProviderDay, entry.value),
            rules=resource.rules,
            tz=tz,
            holds=holds,
            now=now,
            limits=limits,
        )
        found = (slots, _clock_changes(slots, now, limits, tz))
        _computed.put(key, now, found[1], slots)
    slots, clock_changes = found
    due = entry.fetched_at + dt.timedelta(seconds=provider_facts.FRESH_SECONDS)
    return DayAnswer(
        True, day, tz, slots, source, entry.fetched_at, good_until=min(clock_changes, due)
    )


def _clock_changes(
    slots: list[Slot], now: dt.datetime, limits: booking_rules.Limits, tz: str
) -> dt.datetime:
    """When the clock next changes what ``compute_slots`` gave at ``now`` for the same
    facts and holds: a slot in reach starts within the notice (``in_reach``), or the
    local day turns (the horizon's last day moves)."""
    notice = dt.timedelta(minutes=limits.notice)
    midnight = local_day_bounds(now.astimezone(zoneinfo.ZoneInfo(tz)).date(), tz)[1]
    in_reach = [slot.start - notice for slot in slots if slot.start >= now + notice]
    return min([*in_reach, midnight])


class _ComputedSlots:
    """The slots computed from one day's facts, kept in this process while the clock does
    not change them: a warm page computed every day's slots again on each request (half
    of a room feed's time). Keyed by everything ``compute_slots`` reads (the facts by their
    fetch stamp, the holds, the zone, the rules and limits); an entry serves ``now`` from
    when it was computed until ``_clock_changes``. Slots are shared: never changed by
    their readers. Bounded; thread-safe."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, tuple[dt.datetime, dt.datetime, list[Slot]]] = (
            OrderedDict()
        )
        self.lock = threading.Lock()

    def get(self, key: tuple, now: dt.datetime) -> tuple[list[Slot], dt.datetime] | None:
        """(the slots, when the clock changes them), or None."""
        with self.lock:
            found = self.entries.get(key)
            if found is None or not found[0] <= now < found[1]:
                return None
            self.entries.move_to_end(key)
            return found[2], found[1]

    def put(self, key: tuple, now: dt.datetime, until: dt.datetime, slots: list[Slot]) -> None:
        with self.lock:
            self.entries[key] = (now, until, slots)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_computed = _ComputedSlots()


def _allowance(given: provider_facts.Allowance | None) -> provider_facts.Allowance | None:
    return given if given is not None else provider_facts.page_allowance()


def _load_account(item: Resource | Offer) -> None:
    """Load the item's space and account here: the provider is asked in another thread,
    which must not query the database (it would not see this request's transaction)."""
    item.space.account  # noqa: B018 - loads and caches the related rows


# (kind, pk, day) -> the fetch time of the answer this process handed to the index last:
# handing the same answer again only reads the index's ledger to find nothing to do (one
# cache round trip on every warm page). Bounded; a new answer (a refresh) is handed on.
_HANDED: OrderedDict[tuple[str, int, dt.date], dt.datetime] = OrderedDict()
_HANDED_MAX = 4096
_handed_lock = threading.Lock()


def _write_through(item: Resource | Offer, answers: list[tuple[dt.date, dt.datetime]]) -> None:
    """Hand what a page computed to the availability index (``bookings.index``: a task
    writes it when the index is older; the page never waits for it)."""
    from bookings import index

    kind = type(item).__name__
    with _handed_lock:
        new = [(day, at) for day, at in answers if _HANDED.get((kind, item.pk, day)) != at]
    if not new:
        return
    try:
        index.note_answers(item, new)
    except Exception:  # the index is a copy: a page never fails for it
        logger.exception("write-through to the index failed")
        return
    with _handed_lock:
        for day, at in new:
            _HANDED[(kind, item.pk, day)] = at
            _HANDED.move_to_end((kind, item.pk, day))
        while len(_HANDED) > _HANDED_MAX:
            _HANDED.popitem(last=False)


def made_of_keys(resource_pk: int) -> list[str]:
    """The cache keys whose values name what the room's day answers are made of, besides
    the clock (``DayAnswer.good_until``): the catalogue version (the room and its rules),
    the room's holds token and its facts token (replaced on every write of one of its
    days' facts: ``facts_token_key``). ``day_keys`` and ``days_keys`` read the last two
    first, with what they name."""
    return [
        selectors.CATALOGUE_VERSION_KEY,
        holds.keys("resource", resource_pk)[0],
        provider_facts.resource_token_key(resource_pk),
    ]


def day_keys(resource_pk: int, day: dt.date) -> list[str]:
    """The cache keys ``resource_day`` reads (a caller may read them with its own), each
    token before what it names."""
    return [
        provider_facts.resource_token_key(resource_pk),
        provider_facts.resource_key(resource_pk, day),
        *holds.keys("resource", resource_pk),
    ]


def days_keys(resource_pk: int, days: Iterable[dt.date]) -> list[str]:
    """The cache keys ``resource_days`` reads for ``days``, each token before what it
    names."""
    facts = [provider_facts.resource_key(resource_pk, day) for day in days]
    return [
        provider_facts.resource_token_key(resource_pk),
        *facts,
        *holds.keys("resource", resource_pk),
    ]


def resource_day(
    resource: Resource,
    day: dt.date,
    *,
    now: dt.datetime | None = None,
    write_through: bool = True,
    allowance: provider_facts.Allowance | None = None,
    read: dict | None = None,
) -> DayAnswer:
    """``read``: ``day_keys(resource.pk, day)`` as the caller read them already."""
    _load_account(resource)
    # the day's facts and the room's holds in one read
    key = provider_facts.resource_key(resource.pk, day)
    if read is None or key not in read:  # a missing key is read again: a cold day
        read = provider_facts.cache.get_many(day_keys(resource.pk, day))
    entry, source = provider_facts.resource_facts(
        resource,
        day,
        budget=provider_facts.page_budget(),
        allowance=_allowance(allowance),
        read=read.get(key),
    )
    span = _span_holds(resource, [day], read) if entry.value is not None else None
    answer = _answer(resource, day, entry, source, now or timezone.now(), span)
    if write_through:
        _write_through(resource, [(day, answer.fetched_at)])
    return answer


def resource_days(
    resource: Resource,
    days: list[dt.date],
    *,
    now: dt.datetime | None = None,
    write_through: bool = True,
    allowance: provider_facts.Allowance | None = None,
    read: dict | None = None,
) -> list[DayAnswer]:
    """Several days at once (a week calendar, a busy feed): the provider is asked for
    the days not cached in parallel, so a cold week costs one round trip, not seven.
    ``read``: ``days_keys`` of these days as the caller read them already (a day missing
    from it is read again)."""
    if not days:
        return []
    _load_account(resource)
    # read here: the page's context does not reach the pool's threads
    budget, allowance = provider_facts.page_budget(), _allowance(allowance)

    # One read for every day; only the days not cached go to threads: a thread per day
    # costs a new cache connection each (most of a warm week page's time).
    keys = {day: provider_facts.resource_key(resource.pk, day) for day in days}
    if read is None or any(key not in read for key in keys.values()):
        read = provider_facts.cache.get_many(days_keys(resource.pk, days))

    def facts(day: dt.date) -> tuple[provider_facts.CachedFacts, str]:
        return provider_facts.resource_facts(
            resource, day, budget=budget, allowance=allowance, read=read.get(keys[day])
        )

    cold = [d for d in days if read.get(keys[d]) is None]
    fetched: dict[dt.date, tuple[provider_facts.CachedFacts, str]] = {}
    if cold:
        # the threads may ask the provider: its credentials are read here, not there
        selectors.with_credentials(resource.space.account)
        with ThreadPoolExecutor(max_workers=min(len(cold), 7)) as pool:
            fetched = dict(zip(cold, pool.map(facts, cold), strict=True))
    answers = [fetched[day] if day in fetched else facts(day) for day in days]
    now = now or timezone.now()
    per_day = _holds_per_day(_span_holds(resource, days, read), days, resource.space.timezone)
    limits = booking_rules.limits(resource)  # once, not once a day
    computed = [
        _answer(resource, day, entry, source, now, holds_of_day, limits)
        for day, (entry, source), holds_of_day in zip(days, answers, per_day, strict=True)
    ]
    if write_through:
        _write_through(resource, [(answer.day, answer.fetched_at) for answer in computed])
    return computed


def pass_days(
    offer: Offer,
    start: dt.date,
    end: dt.date,
    *,
    write_through: bool = True,
    allowance: provider_facts.Allowance | None = None,
) -> PassAnswer:
    """Each day from ``start`` to ``end`` (inclusive): sold that day, and places left."""
    _load_account(offer)
    entry, source = provider_facts.offer_facts(
        offer, start, end, budget=provider_facts.page_budget(), allowance=_allowance(allowance)
    )
    tz = offer.space.timezone
    if entry.value is None:
        reason = messages.render(entry.message)
        if write_through:
            _write_through(offer, _days_of(start, end, entry.fetched_at))
        pending = _still_asking(entry)
        until = entry.fetched_at + dt.timedelta(seconds=provider_facts.UNKNOWN_SECONDS)
        return PassAnswer(
            False, [], tz, source, entry.fetched_at, reason, pending, None if pending else until
        )
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(tz)).date()
    last = booking_rules.last_day(booking_rules.limits(offer), today)  # the horizon
    days = []
    # an offer entry holds list[PassDay] (providers.availability.fetch_pass_days)
    items = cast(list[PassDay], entry.value)
    span: list[tuple[dt.datetime, dt.datetime]] = []
    if any(item.remaining is not None for item in items):  # one query, not one a day
        first, last = min(i.day for i in items), max(i.day for i in items)
        span_start, span_end = local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1]
        rows = holds.rows(offer, "offer", span_start, span_end)
        span = _day_holds(offer, rows, span_start, span_end, entry.fetched_at)
    for item in items:
        remaining = item.remaining
        if remaining is not None:
            day_start, day_end = local_day_bounds(item.day, tz)
            held = sum(1 for b_start, b_end in span if b_start < day_end and b_end > day_start)
            remaining = max(0, remaining - held)
        is_open = item.open and today <= item.day <= last and (remaining is None or remaining > 0)
        days.append(PassDay(item.day, is_open, remaining))
    if write_through:
        _write_through(offer, _days_of(max(start, today), end, entry.fetched_at))
    # the same until the day turns (which days are open) or the facts fall due
    due = entry.fetched_at + dt.timedelta(seconds=provider_facts.FRESH_SECONDS)
    until = min(local_day_bounds(today, tz)[1], due)
    return PassAnswer(True, days, tz, source, entry.fetched_at, good_until=until)


def pass_made_of(offer_pk: int) -> dict[str, int | None]:
    """The tokens naming what an offer's pass days are made of, besides the offer itself
    (the catalogue version) and the clock (``PassAnswer.good_until``), each with how long
    a fresh one lives: the offer's holds token and its facts token (``facts_token_key``).
    Read them before the answer is made (``bookings.pagecache.tokens_now``)."""
    return {
        holds.keys("offer", offer_pk)[0]: holds.KEEP_SECONDS,
        provider_facts.offer_token_key(offer_pk): provider_facts.TOKEN_SECONDS,
    }


def _days_of(start: dt.date, end: dt.date, at: dt.datetime) -> list[tuple[dt.date, dt.datetime]]:
    return [(start + dt.timedelta(days=n), at) for n in range((end - start).days + 1)]
