"""The availability index: what search reads instead of asking providers.

Each bookable item (a room, a pass) has rows in ``AvailabilityWindow`` for the coming
days: a room's free intervals (consecutive available slots merged, UTC instants, the
space's zone and local day named), a pass's open days (one row for the whole local day,
places left where the provider counts them). A day the provider could not answer (down,
rate-limited, slow, or no availability published) is ONE row with state ``unknown``
covering the opening hours (else the local day): never "free". A day with nothing free
has no row; the ledger (below) remembers it was checked.

Answers are computed by ``bookings.availability`` (the facts cache, the provider calls,
the portal's own holds and the room's rules), so the index says what a room's page says.
An item's rows of a day are replaced together in one transaction, never by an answer
older than the one they came from.

Kept fresh three ways:

* ``refresh_account`` (beat, ``bookings.refresh_index`` every minute, one task per
  account, single flight): the item-days checked longest ago (or never) within
  ``INDEX_DAYS``, at most ``RATE_SHARE`` of the provider's documented rate limit per
  minute (the rest is for bookings, previews and pages), ``INDEX_UNLIMITED_BUDGET``
  where no limit is documented;
* after a booking or cancellation (``on_transition``, from the state machine): the
  booking's days, from facts fetched after the change;
* when a member looks at a room or pass (``note_answers``, from
  ``bookings.availability``): a task writes the answer through if the index is older.

Thia, the only documented limit ("60 requests per minute" per key; the portal keeps 55,
``providers/vendors/thia``): a third is 18 item-days a minute per Thia space, so a space
of 6 rooms and 2 passes over 14 days (112 item-days, one request each) is refreshed in
full every 7 minutes; pages and bookings write through between runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bookings import availability
from bookings.models import HOLDING, AvailabilityWindow, Booking, Kind, Status, WindowState
from providers import availability as provider_facts
from providers import jobs, registry, selectors
from providers.cache import cache, replace_tokens
from providers.models import Offer, OfferKind, ProviderAccount, Resource

logger = logging.getLogger(__name__)

Item = Resource | Offer

# Beat's tick, and the share of a documented rate limit one tick may spend.
# replaced by every write of the index: a search's kept answer is keyed by it
# (``portal.views.catalogue``), so the next search after a write reads the new rows
TOKEN_KEY, TOKEN_SECONDS = "index:token", 24 * 3600
TICK_SECONDS = 60.0
RATE_SHARE = 1 / 3
ACCOUNT_LOCK_SECONDS = 300  # one refresh per account at a time (beat every minute)
WRITE_THROUGH_LOCK_SECONDS = 30  # one write-through task per item and days at a time
# After a booking the provider changed: entering these means the provider now holds it.
PROVIDER_HOLDS = (Status.CONFIRMED, Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION)


def horizon_days() -> int:
    return int(getattr(settings, "INDEX_DAYS", 14))


def refresh_seconds() -> int:
    """An item-day checked more recently than this is not due for the beat refresh."""
    return int(getattr(settings, "INDEX_REFRESH_SECONDS", 600))


def budget(kind: str) -> int:
    """Item-days one account may refresh per tick (one provider request each, at most)."""
    limit = registry.spec(kind).rate_limit
    if limit is None:
        return int(getattr(settings, "INDEX_UNLIMITED_BUDGET", 60))
    per_tick = limit.requests * min(1.0, TICK_SECONDS / limit.seconds)
    return max(1, int(per_tick * RATE_SHARE))


# --- the ledger: when each item-day was last indexed (also the days with no row) ----------


def _ref(item: Item) -> tuple[str, int]:
    return ("resource" if isinstance(item, Resource) else "offer", item.pk)


def _ledger_key(kind: str, pk: int) -> str:
    return f"index:seen:{kind}:{pk}"


def seen(item: Item) -> dict[dt.date, dt.datetime]:
    """The fetch time of the answer each indexed day of ``item`` came from."""
    return dict(cache.get(_ledger_key(*_ref(item))) or {})


def _note(item: Item, stamps: dict[dt.date, dt.datetime]) -> None:
    if not stamps:
        return
    ledger = seen(item)
    ledger.update(stamps)
    oldest = min(stamps) - dt.timedelta(days=2)
    ledger = {day: at for day, at in ledger.items() if day >= oldest}
    cache.set(_ledger_key(*_ref(item)), ledger, (horizon_days() + 31) * 86400)


# --- rows from answers ------------------------------------------------------------------


def free_intervals(
    slots: Iterable[availability.Slot],
) -> list[tuple[dt.datetime, dt.datetime, int | None]]:
    """Available slots merged where they touch or overlap, in UTC; places left is the
    fewest of the merged slots (what holds over the whole interval)."""
    merged: list[tuple[dt.datetime, dt.datetime, int | None]] = []
    # sorted in UTC: local times of one zone compare by wall clock, fold ignored, so the
    # hour repeated when summer time ends would sort out of order
    for slot in sorted((s for s in slots if s.available), key=lambda s: s.start.astimezone(dt.UTC)):
        start, end = slot.start.astimezone(dt.UTC), slot.end.astimezone(dt.UTC)
        if merged and start <= merged[-1][1]:
            first, last, left = merged[-1]
            counts = [n for n in (left, slot.remaining) if n is not None]
            merged[-1] = (first, max(last, end), min(counts) if counts else None)
        else:
            merged.append((start, end, slot.remaining))
    return merged


def opening_bounds(space, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The space's opening hours on ``day`` in UTC, else the whole local day."""
    zone = zoneinfo.ZoneInfo(space.timezone)
    day_start, day_end = provider_facts.local_day_bounds(day, space.timezone)
    spans = []
    for hours in space.opening_hours or []:
        try:
            if int(hours.get("weekday")) != day.weekday() or not hours.get("opens"):
                continue
            opens = dt.datetime.combine(day, dt.time.fromisoformat(hours["opens"]), zone)
            closes = dt.datetime.combine(day, dt.time.fromisoformat(hours["closes"]), zone)
        except (TypeError, ValueError, KeyError):
            continue
        if hours.get("closes_next_day") or closes <= opens:
            closes = dt.datetime.combine(
                day + dt.timedelta(days=1), dt.time.fromisoformat(hours["closes"]), zone
            )
        spans.append((opens, closes))
    start, end = (min(s for s, _ in spans), max(e for _, e in spans)) if spans else (None, None)
    if start is None or end is None or end <= start:
        start, end = day_start, day_end
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _window(item: Item, day: dt.date, start, end, **fields) -> AvailabilityWindow:
    space = item.space
    return AvailabilityWindow(
        resource=item if isinstance(item, Resource) else None,
        offer=item if isinstance(item, Offer) else None,
        space=space,
        day=day,
        start=start,
        end=end,
        timezone=space.timezone,
        **fields,
    )


def _source(item: Item, what: str, how: str) -> str:
    return f"{item.space.account.kind}:{what}:{how}"[:40]


def room_rows(resource: Resource, answer: availability.DayAnswer) -> list[AvailabilityWindow]:
    source = _source(resource, "room-day", answer.source)
    if not answer.known:
        start, end = opening_bounds(resource.space, answer.day)
        return [
            _window(
                resource,
                answer.day,
                start,
                end,
                state=WindowState.UNKNOWN,
                fetched_at=answer.fetched_at,
                source=source,
            )
        ]
    return [
        _window(
            resource,
            answer.day,
            start,
            end,
            state=WindowState.FREE,
            places_left=left,
            fetched_at=answer.fetched_at,
            source=source,
        )
        for start, end, left in free_intervals(answer.slots)
    ]


def pass_rows(
    offer: Offer, days: Sequence[dt.date], answer: availability.PassAnswer
) -> dict[dt.date, list[AvailabilityWindow]]:
    tz = offer.space.timezone
    source = _source(offer, "pass-days", answer.source)
    rows: dict[dt.date, list[AvailabilityWindow]] = {day: [] for day in days}
    fields = {"fetched_at": answer.fetched_at, "source": source}
    if not answer.known:
        for day in days:
            start, end = provider_facts.local_day_bounds(day, tz)
            rows[day].append(_window(offer, day, start, end, state=WindowState.UNKNOWN, **fields))
        return rows
    for item in answer.days:
        if item.open and item.day in rows:
            start, end = provider_facts.local_day_bounds(item.day, tz)
            rows[item.day].append(
                _window(
                    offer,
                    item.day,
                    start.astimezone(dt.UTC),
                    end.astimezone(dt.UTC),
                    state=WindowState.FREE,
                    places_left=item.remaining,
                    **fields,
                )
            )
    return rows


# --- writing ------------------------------------------------------------------------------


def _replace(
    item: Item,
    rows: dict[dt.date, list[AvailabilityWindow]],
    fetched: dict[dt.date, dt.datetime],
) -> int:
    """Replace ``item``'s rows of each day, unless they came from a newer answer."""
    kind, pk = _ref(item)
    ledger = seen(item)
    with transaction.atomic():
        # one writer per item at a time (the slot guard's lock): no duplicate rows
        type(item).objects.select_for_update().filter(pk=pk).first()
        mine = AvailabilityWindow.objects.filter(**{kind: item})
        newest = dict(
            mine.filter(day__in=list(rows))
            .values("day")
            .annotate(newest=Max("fetched_at"))
            .values_list("day", "newest")
        )
        days = [
            day
            for day in rows
            if not any(at and at > fetched[day] for at in (newest.get(day), ledger.get(day)))
        ]
        mine.filter(day__in=days).delete()
        written = AvailabilityWindow.objects.bulk_create([row for day in days for row in rows[day]])
        _waitlist_hook(kind, pk, [day for day in days if _any_free(rows[day])])
        if days:
            replace_tokens([TOKEN_KEY], TOKEN_SECONDS)
    _note(item, {day: fetched[day] for day in days})
    return len(written)


def _any_free(rows: Sequence[AvailabilityWindow]) -> bool:
    return any(row.state == WindowState.FREE for row in rows)


def _waitlist_hook(kind: str, pk: int, days: list[dt.date]) -> None:
    """Members waiting on these days are matched against the new free rows (a task, after
    commit). Never fails a refresh: the next one matches them."""
    from bookings.waitlist import on_index_write  # waitlist reads the index, not the reverse

    try:
        on_index_write(kind, pk, days)
    except Exception:
        logger.exception("waitlist match after indexing %s %s not queued", kind, pk)


def _refresh_facts(key: str, fetch: Callable[[], object], newer_than: dt.datetime) -> None:
    """Ask the provider again unless the cached facts were fetched after ``newer_than``
    (another process asking at this moment is left to answer)."""
    entry = cache.get(key)
    if entry is not None and entry.fetched_at >= newer_than:
        return
    if cache.add(f"{key}:lock", 1, provider_facts.LOCK_SECONDS):
        provider_facts.refresh_now(key, fetch)


def index_resource_days(
    resource: Resource,
    days: Iterable[dt.date],
    *,
    newer_than: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Index a room's ``days``; facts older than ``newer_than`` are fetched again first."""
    days = sorted(set(days))
    if newer_than is not None:
        for day in days:
            _refresh_facts(
                provider_facts.resource_key(resource.pk, day),
                functools.partial(provider_facts.fetch_resource_day, resource, day),
                newer_than,
            )
    answers = availability.resource_days(resource, days, now=now, write_through=False)
    rows = {answer.day: room_rows(resource, answer) for answer in answers}
    return _replace(resource, rows, {answer.day: answer.fetched_at for answer in answers})


def index_offer_days(
    offer: Offer, start: dt.date, end: dt.date, *, newer_than: dt.datetime | None = None
) -> int:
    """Index a pass's days from ``start`` to ``end`` (inclusive), as ``index_resource_days``."""
    if newer_than is not None:
        _refresh_facts(
            provider_facts.offer_key(offer.pk, start, end),
            lambda: provider_facts.fetch_pass_days(offer, start, end),
            newer_than,
        )
    answer = availability.pass_days(offer, start, end, write_through=False)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return _replace(offer, pass_rows(offer, days, answer), dict.fromkeys(days, answer.fetched_at))


def _runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) ranges: one pass question each."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def index_item(
    kind: str, item_id: int, days: Iterable[dt.date], *, newer_than: dt.datetime | None = None
) -> int:
    """Index one item's days by id (the tasks' entry point); a vanished item is skipped."""
    model = Resource if kind == "resource" else Offer
    item = selectors.visible_resources() if model is Resource else selectors.visible_offers()
    found = item.filter(pk=item_id).first()
    if found is None:
        return 0
    if isinstance(found, Resource):
        return index_resource_days(found, days, newer_than=newer_than)
    return sum(
        index_offer_days(found, first, last, newer_than=newer_than) for first, last in _runs(days)
    )


# --- the beat refresh -----------------------------------------------------------------------


def indexed_offers():
    """Passes booked by day; private offices arranged by inquiry are not."""
    offers = selectors.visible_offers()
    inquiries = [k for k in registry.VENDORS if registry.spec(k).capabilities.office_inquiries]
    return offers.exclude(kind=OfferKind.PRIVATE_OFFICE, space__account__kind__in=inquiries)


def due(account: ProviderAccount, now: dt.datetime) -> list[tuple[dt.datetime, Item, dt.date]]:
    """The account's item-days within the horizon not indexed for ``refresh_seconds``,
    never indexed first, then oldest first."""
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    fresh_after = now - dt.timedelta(seconds=refresh_seconds())
    items: list[Item] = [
        *selectors.visible_resources().filter(space__account=account),
        *indexed_offers().filter(space__account=account),
    ]
    found = []
    for item in items:
        ledger = seen(item)
        today = provider_facts.local_today_for(item.space.timezone)
        for offset in range(horizon_days()):
            day = today + dt.timedelta(days=offset)
            stamp = ledger.get(day)
            if stamp is None or stamp < fresh_after:
                found.append((stamp or never, item, day))
    found.sort(key=lambda entry: (entry[0], entry[2], _ref(entry[1])))
    return found


def refresh_account(account_id: int, *, now: dt.datetime | None = None) -> int:
    """One run for one account: the oldest item-days within its budget. Returns rows
    written. Single flight: a run still going makes this one do nothing."""
    account = ProviderAccount.objects.filter(pk=account_id, enabled=True).first()
    if account is None:
        return 0
    lock = f"index:refresh:{account_id}"
    if not cache.add(lock, 1, ACCOUNT_LOCK_SECONDS):
        return 0
    try:
        now = now or timezone.now()
        picked: dict[Item, list[dt.date]] = defaultdict(list)
        for _stamp, item, day in due(account, now)[: budget(account.kind)]:
            picked[item].append(day)
        newer_than = now - dt.timedelta(seconds=provider_facts.FRESH_SECONDS)
        written = 0
        for item, days in picked.items():
            try:
                written += index_item(*_ref(item), days, newer_than=newer_than)
            except Exception:  # one item's fault must not stop the others
                logger.exception("indexing %s %s failed", *_ref(item))
        return written
    finally:
        cache.delete(lock)


# --- hooks ------------------------------------------------------------------------------------


def _enqueue(kind: str, pk: int, days: Iterable[dt.date], newer_than: dt.datetime | None) -> None:
    from bookings import tasks

    jobs.enqueue(
        tasks.index_item,
        kind,
        pk,
        [day.isoformat() for day in sorted(set(days))],
        newer_than.isoformat() if newer_than else None,
    )


def booking_days(booking: Booking) -> list[dt.date]:
    """The local days a booking covers (a pass ends at local midnight: not the next day)."""
    zone = zoneinfo.ZoneInfo(booking.space.timezone)
    first = booking.start.astimezone(zone).date()
    last = (booking.end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def on_transition(booking: Booking, before: str, after: str, at: dt.datetime) -> None:
    """The state machine's hook: a room or pass booking that starts or stops holding its
    slot, or that the provider now holds, has its days indexed again from facts fetched
    after the change (a cancelled slot is free again at the provider, not in a cache)."""
    if booking.kind not in (Kind.ROOM, Kind.PASS):
        return
    changed = (before in HOLDING) != (after in HOLDING) or after in PROVIDER_HOLDS
    item = booking.resource if booking.kind == Kind.ROOM else booking.offer
    if not changed or item is None:
        return
    try:
        _enqueue(*_ref(item), booking_days(booking), at)
    except Exception:  # the index is a copy: a booking never fails for it (beat catches up)
        logger.exception("index refresh after booking %s not queued", booking.pk)


def note_answers(item: Item, answers: Iterable[tuple[dt.date, dt.datetime]]) -> None:
    """``bookings.availability``'s hook: a page computed these (day, fetched_at) answers;
    when the index holds older ones, a task writes them through (cheap: the facts are in
    the cache now). Never blocks the page: one cache read, at most one message."""
    ledger = seen(item)
    stale = [day for day, fetched in answers if day not in ledger or ledger[day] < fetched]
    if not stale:
        return
    kind, pk = _ref(item)
    marker = f"index:wt:{kind}:{pk}:{stale[0].isoformat()}:{len(stale)}"
    if cache.add(marker, 1, WRITE_THROUGH_LOCK_SECONDS):
        _enqueue(kind, pk, stale, None)
