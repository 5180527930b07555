"""Recurring bookings: check a series against availability, book each free occurrence as
a booking of its own, cancel one or all future ones.

* ``plan`` says of each occurrence whether it is free, taken, closed or unknown (the
  provider did not answer), from the same availability the week page shows; nothing is
  held or sent.
* ``series_create`` saves the ``BookingSeries`` and books each occurrence through
  ``booking_create_room`` (the same checks, the same slot guard, the same idempotent
  submit task as a single booking). An occurrence that is not free then is not booked:
  it is kept in ``series.skipped`` and shown on the series page. An occurrence the
  provider could not answer for is booked: the provider decides when it is sent.
* The submissions are spread within the provider's documented rate limit
  (``submission_spacing``): the *n*-th booked date is sent no sooner than *n* spacings
  after the series is saved (``Booking.submit_after``, a Celery countdown), so a 52-week
  series never queues 52 calls at once; the client-side rate limiter
  (``providers.ratelimit``) still guards every single call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import availability, recurrence, rules
from bookings.models import LIVE, Booking, BookingSeries, Status
from bookings.services.cancellation import cancel
from bookings.services.create import booking_create_room, replay
from bookings.services.errors import BookingError, SlotTaken
from bookings.services.validation import check_member, check_room_limits, validate_room
from providers.adapters.types import Quote
from providers.models import ProviderAccount, Resource

# A series may use at most this share of the provider's rate limit for its submissions
# (one call each, sometimes two: a reconcile after a lost answer); the rest is left for
# other members' bookings and pages.
SERIES_RATE_SHARE = 0.5

REFUSED = "refused"  # a skipped occurrence a rule refused (the reason says which)


# --- the rule -------------------------------------------------------------------------


def rule_for(
    resource: Resource, start: dt.datetime, minutes: int, repeat: str, until: dt.date | None
) -> recurrence.Rule:
    """The series rule the booking form describes; refused (``BookingError``, 400) when
    it makes no series: no last day, a last day before the first, more than a year."""
    if until is None:
        raise BookingError(_("Give the last day of the series."), field="until")
    rule = recurrence.Rule(
        first_start=start,
        minutes=minutes,
        repeat=repeat,
        until=until,
        timezone=resource.space.timezone,
    )
    today = availability.local_today_for(resource.space.timezone)
    if refusal := recurrence.rule_refusal(rule, today, rules.MAX_DAYS_AHEAD):
        raise BookingError(refusal, field="repeat" if repeat not in recurrence.REPEATS else "until")
    return rule


# --- the preview ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Planned:
    """One occurrence as the preview shows it."""

    start: dt.datetime
    end: dt.datetime
    state: str  # availability.FREE | TAKEN | CLOSED | UNKNOWN
    pending: bool = False  # unknown only because the provider is still being asked
    message: str = ""  # why it is unknown, in the reader's language


def plan(resource: Resource, rule: recurrence.Rule) -> list[Planned]:
    """Each occurrence of ``rule`` with its state, read as the week page reads it (the
    page's provider budget applies: days not answered in time are "unknown" and
    ``pending``, and a worker fetches them for the next look)."""
    found = recurrence.occurrences(rule)
    days = sorted({occurrence.day for occurrence in found})
    answers = {answer.day: answer for answer in availability.resource_days(resource, days)}
    planned = []
    for occurrence in found:
        answer = answers[occurrence.day]
        state = availability.slot_state(answer, occurrence.start, occurrence.end)
        planned.append(
            Planned(
                occurrence.start,
                occurrence.end,
                state,
                pending=state == availability.UNKNOWN and answer.pending,
                message=answer.message if state == availability.UNKNOWN else "",
            )
        )
    return planned


def check_series(member, resource: Resource, rule: recurrence.Rule, attendees: int) -> None:
    """What the first occurrence must pass for the series to be offered at all (the room's
    grid, length and capacity are the same on every date; the member's limits)."""
    first = recurrence.occurrences(rule)
    if not first:
        raise BookingError(_("This series has no date to book."), field="until")
    validate_room(resource, first[0].start, first[0].end, attendees)
    check_room_limits(member, resource, first[0].start, first[0].end)


# --- booking it -------------------------------------------------------------------------


def submission_spacing(account: ProviderAccount) -> float:
    """Seconds between two occurrences' submissions: none where the provider states no
    rate limit; else spread so the series uses at most ``SERIES_RATE_SHARE`` of it."""
    limit = account.spec.rate_limit
    if limit is None:
        return 0.0
    return limit.seconds / (limit.requests * SERIES_RATE_SHARE)


def occurrence_key(series_key: uuid.UUID, start: dt.datetime) -> uuid.UUID:
    """One idempotency key per occurrence, from the series' form key and its start: the
    same confirmation sent again finds the bookings it made."""
    return uuid.uuid5(series_key, start.astimezone(dt.UTC).isoformat())


def series_create(
    *,
    member,
    resource: Resource,
    rule: recurrence.Rule,
    attendees: int = 1,
    title: str = "",
    quote: Quote | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> BookingSeries:
    """Save the series and book every occurrence that is free (or unknown) now; the others
    are kept in ``skipped``. The same ``idempotency_key`` returns the series it made."""
    key = idempotency_key or uuid.uuid4()
    if found := BookingSeries.objects.filter(member=member, idempotency_key=key).first():
        return replay(found)
    check_member(member)
    check_series(member, resource, rule, attendees)
    local = rule.local_start
    interval = recurrence.REPEATS[rule.repeat][1]
    try:
        with transaction.atomic():
            series = BookingSeries.objects.create(
                member=member,
                resource=resource,
                frequency=(
                    BookingSeries.Frequency.DAILY
                    if rule.repeat == recurrence.DAILY
                    else BookingSeries.Frequency.WEEKLY
                ),
                interval=interval,
                first_day=local.date(),
                until=rule.until,
                count=min(rule.count, recurrence.MAX_OCCURRENCES),
                start_time=local.time(),
                end_time=(local.replace(tzinfo=None) + dt.timedelta(minutes=rule.minutes)).time(),
                timezone=rule.timezone,
                attendees=attendees,
                title=rules.one_line(title)[:200],
                idempotency_key=key,
            )
    except IntegrityError:  # the same form, sent twice at once: the first one's series
        return replay(BookingSeries.objects.get(member=member, idempotency_key=key))
    _book_occurrences(series, member, resource, rule, attendees, title, quote)
    return series


def _book_occurrences(
    series: BookingSeries,
    member,
    resource: Resource,
    rule: recurrence.Rule,
    attendees: int,
    title: str,
    quote: Quote | None,
) -> None:
    spacing = submission_spacing(resource.space.account)
    key = series.idempotency_key or series.uid
    # each date's turn counts from one moment, not from when its booking was saved
    anchor = timezone.now()
    booked = 0
    skipped = []
    for occurrence in recurrence.occurrences(rule):
        try:
            booking_create_room(
                member=member,
                resource=resource,
                start=occurrence.start,
                end=occurrence.end,
                attendees=attendees,
                title=title,
                quote=quote,
                idempotency_key=occurrence_key(key, occurrence.start),
                series=series,
                submit_after=anchor + dt.timedelta(seconds=booked * spacing) if booked else None,
            )
        except BookingError as exc:
            skipped.append(
                {
                    "start": occurrence.start.isoformat(),
                    "end": occurrence.end.isoformat(),
                    "state": _skip_state(exc),
                    "reason": exc.message,
                }
            )
            continue
        booked += 1
    series.skipped = skipped
    series.save(update_fields=["skipped"])


def _skip_state(exc: BookingError) -> str:
    """TAKEN when the time is booked (at the provider or here); "refused" when a rule
    says no (the room closed that day, the member's hours of the day): ``reason`` says."""
    return availability.TAKEN if isinstance(exc, SlotTaken) else REFUSED


# --- the series page --------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    """One date of the series page: its booking, or why it was not booked."""

    start: dt.datetime
    end: dt.datetime
    booking: Booking | None = None
    state: str = ""  # a skipped date: taken | refused
    reason: str = ""


def rows(series: BookingSeries) -> list[Row]:
    """Every date of the series in order: the bookings, and the dates not booked."""
    bookings = series.occurrences.select_related("member", "space__account").order_by("start")
    found = [Row(b.start, b.end, booking=b) for b in bookings]
    for entry in series.skipped or []:
        found.append(
            Row(
                dt.datetime.fromisoformat(entry["start"]),
                dt.datetime.fromisoformat(entry["end"]),
                state=str(entry.get("state", "")),
                reason=str(entry.get("reason", "")),
            )
        )
    return sorted(found, key=lambda row: row.start)


def still_sending(series: BookingSeries) -> bool:
    """Whether some occurrence has not had the provider's answer yet (the page polls)."""
    return series.occurrences.filter(status__in=[Status.PENDING, Status.SUBMITTING]).exists()


def cancel_future(series: BookingSeries, *, actor) -> tuple[int, list[tuple[Booking, str]]]:
    """Cancel every occurrence that has not started and is live, each as the member's
    cancel button would. Returns how many were cancelled (or handed to staff where the
    provider has no cancel call) and the ones that could not be, with why."""
    done, refused = 0, []
    upcoming = series.occurrences.filter(start__gt=timezone.now(), status__in=LIVE)
    for booking in upcoming.select_related("space__account", "resource", "member"):
        try:
            cancel(
                booking,
                actor=actor,
                actor_label="member",
                reason="cancelled with the series' future occurrences",
            )
        except BookingError as exc:
            refused.append((booking, exc.message))
            continue
        done += 1
    return done, refused
