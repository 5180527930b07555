"""The periodic re-check: read each upcoming booking back from its provider, so the
portal never disagrees with it.

Beat runs ``bookings.recheck_upcoming`` every ``RECHECK_TICK`` seconds; each run takes the
bookings not read back for ``BOOKING_RECHECK_SECONDS`` (``Booking.checked_at``), oldest
checked first, at most a share of the provider's documented rate limit per run (the rest
waits for the next run). What the provider says:

* it no longer holds a booking the portal holds -> ``cancelled_by_provider`` (a
  cancellation staff had not carried out yet -> ``cancelled``: it is done), the provider's
  answer in the booking's history;
* it holds it at another time -> the booking takes that time, its ``sequence`` rises (the
  .ics keeps its UID), a ``BookingEvent`` records it and the member is emailed;
* a booking awaiting approval or registration is followed by ``refresh_from_provider``
  (approved -> confirmed, declined -> rejected), as ``reconcile_awaiting`` does.

A transient fault leaves the booking for the next run and stops that account for this
one; providers that cannot read bookings back (``reads_back`` False: 4Spaces) are skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from bookings import availability, emails
from bookings.models import Booking, BookingEvent, Kind, Status
from bookings.services.requests import request_for
from bookings.services.states import transition
from bookings.services.submission import refresh_from_provider
from providers import messages, registry
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    NotFoundError,
    ProviderConfigurationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.parsing import jsonable
from providers.adapters.types import SubmitResult

logger = logging.getLogger(__name__)

UPCOMING = (
    Status.CONFIRMED,
    Status.AWAITING_APPROVAL,
    Status.AWAITING_REGISTRATION,
    Status.CANCELLATION_REQUESTED,
)
# made at the provider: a read-back that no longer finds it means the provider dropped it
HELD = (Status.CONFIRMED, Status.CANCELLATION_REQUESTED)
AWAITING = (Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION)

# How often beat runs the re-check; each booking is read at most once per interval.
RECHECK_TICK = 60.0
# Of a provider's documented rate limit, the share one run may spend, and what one
# read-back may cost (Zentry and Workways may need two calls; Thia one).
RATE_SHARE = 0.5
CALLS_PER_CHECK = 2
# Without a documented limit, still a bound per account and run.
MAX_PER_RUN = 100


def interval() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "BOOKING_RECHECK_SECONDS", 600))


def budget(kind: str) -> int:
    """How many bookings of one account a run may read back: at most ``RATE_SHARE`` of
    the documented limit (Thia: 60/min, 55 kept by the portal) in one tick."""
    limit = registry.spec(kind).rate_limit
    if limit is None:
        return MAX_PER_RUN
    per_tick = limit.requests * min(1.0, RECHECK_TICK / limit.seconds)
    return max(1, min(MAX_PER_RUN, int(per_tick * RATE_SHARE / CALLS_PER_CHECK)))


def due(now: dt.datetime):
    """Upcoming bookings (starting later or under way) not read back for an interval."""
    return (
        Booking.objects.filter(status__in=UPCOMING, end__gt=now)
        .exclude(provider_reference="")
        .exclude(kind=Kind.INQUIRY)  # offices are arranged by people, not held as slots
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - interval()))
        .select_related("space__account", "resource", "offer", "member")
        .order_by(F("checked_at").asc(nulls_first=True), "start", "pk")
    )


def recheck_upcoming(now: dt.datetime | None = None) -> dict[str, int]:
    """One run: returns counts of what was read back and what changed."""
    now = now or timezone.now()
    by_account: dict[int, list[Booking]] = defaultdict(list)
    for booking in due(now)[:2000]:
        by_account[booking.space.account_id].append(booking)
    counts: dict[str, int] = defaultdict(int)
    for bookings in by_account.values():
        account = bookings[0].space.account
        spec = registry.spec(account.kind)
        if not spec.capabilities.reads_back:
            counts["skipped"] += len(bookings)
            continue
        for booking in bookings[: budget(account.kind)]:
            try:
                outcome = recheck_booking(booking, now=now)
            except TransientError as exc:
                logger.info("re-check of %s paused: %s", account.kind, exc)
                counts["transient"] += 1
                break  # the provider is struggling: the rest waits for the next run
            except Exception:  # one booking's fault must not stop the others
                logger.exception("re-check of booking %s failed", booking.pk)
                outcome = "error"
            counts[outcome] += 1
    return dict(counts)


def _claim(booking: Booking, now: dt.datetime) -> bool:
    """Mark it read now, unless another run took it first (a second delivery)."""
    taken = Booking.objects.filter(pk=booking.pk, checked_at=booking.checked_at).update(
        checked_at=now
    )
    return bool(taken)


def recheck_booking(booking: Booking, *, now: dt.datetime | None = None) -> str:
    """Read one booking back from its provider and apply what it says. Returns what
    happened: "unchanged", "cancelled", "moved", "followed", "skipped", "unknown".

    Raises ``TransientError`` (the booking's ``checked_at`` is put back) when the provider
    could not answer now.
    """
    now = now or timezone.now()
    previous = booking.checked_at
    if not _claim(booking, now):
        return "skipped"
    if booking.status in AWAITING:
        # approved / declined since: the reconcile's own path, not a second one
        return "followed" if refresh_from_provider(booking) else "unchanged"
    request = dataclasses.replace(request_for(booking), held=booking.status in HELD)
    try:
        with adapter_for(booking.space.account) as adapter:
            result = adapter.refresh(
                availability.item_ref(booking.item), request, booking.provider_reference
            )
    except TransientError:
        Booking.objects.filter(pk=booking.pk, checked_at=now).update(checked_at=previous)
        raise
    except (UnsupportedError, NotFoundError) as exc:
        # a search that misses it once is not a cancellation: ask again next time
        logger.warning("re-check of booking %s: %s", booking.pk, exc)
        return "unknown"
    except (RejectedError, AuthenticationError, ProviderConfigurationError) as exc:
        logger.warning("re-check of booking %s refused: %s", booking.pk, exc)
        return "unknown"
    return apply_read_back(booking, result)


def apply_read_back(booking: Booking, result: SubmitResult) -> str:
    """Apply what the provider said of a booking it holds (the re-check's, or staff's
    "ask the provider"): "cancelled", "moved", "skipped" or "unchanged"."""
    if result.status == "cancelled":
        return "cancelled" if _dropped(booking, result.reply) else "unchanged"
    moved = (
        result.start and result.end and (result.start, result.end) != (booking.start, booking.end)
    )
    if moved and booking.status == Status.CONFIRMED:
        return "moved" if _moved(booking, result) else "skipped"
    return "unchanged"


def _dropped(booking: Booking, reply) -> bool:
    """The provider no longer holds it."""
    if booking.status == Status.CANCELLATION_REQUESTED:
        # the cancellation the member asked for has been carried out at the provider
        return transition(
            booking,
            Status.CANCELLED,
            reason="re-check: the provider no longer holds it; the cancellation is done",
            reply=reply,
            actor_label="re-check",
        )
    return transition(
        booking,
        Status.CANCELLED_BY_PROVIDER,
        reason="re-check: the provider no longer holds it (cancelled by the space)",
        reply=reply,
        actor_label="re-check",
        provider_message=messages.stored(messages.Message("space_cancelled")),
    )


def _moved(booking: Booking, result: SubmitResult) -> bool:
    """The provider holds it at another time: the booking follows, once."""
    start, end, reply = result.start, result.end, result.reply
    if start is None or end is None or end <= start:
        return False
    updated = Booking.objects.filter(
        pk=booking.pk, status=booking.status, start=booking.start, end=booking.end
    ).update(
        start=start,
        end=end,
        valid_from=result.valid_from or booking.valid_from,
        valid_to=result.valid_to or booking.valid_to,
        sequence=F("sequence") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        return False
    zone = booking.space.timezone
    BookingEvent.objects.create(
        booking=booking,
        actor_label="re-check",
        from_status=booking.status,
        to_status=booking.status,
        reason=(
            f"changed at the provider: new time {_local(start, zone)} to {_local(end, zone)} "
            f"(was {_local(booking.start, zone)} to {_local(booking.end, zone)})"
        ),
        provider_reply=jsonable(reply),
    )
    emails.send_status_email(booking.pk)
    booking.refresh_from_db()
    return True


def _local(moment: dt.datetime, zone_name: str) -> str:
    return moment.astimezone(ZoneInfo(zone_name)).strftime("%Y-%m-%d %H:%M %Z")
