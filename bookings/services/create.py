"""Creating bookings: validated, the slot held under a row lock, saved ``pending``; the
submit task is sent once the transaction commits.

Every booking form carries an idempotency key (one per form shown): the same form sent
twice (a double click, back and confirm again, a retried request) returns the booking the
first sending made, even when the two race (the unique constraint member + key).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import availability, rules
from bookings.models import HOLDING, Booking, BookingEvent, BookingSeries, Kind, Status
from bookings.services.errors import BookingError, SlotTaken
from bookings.services.submission import enqueue_submit
from bookings.services.validation import (
    check_member,
    check_new_member_lead,
    check_not_held,
    check_room_limits,
    check_upcoming_limit,
    slots_free_per_provider,
    validate_room,
)
from providers import messages
from providers.adapters.types import Quote
from providers.models import Offer, Resource


def _one_per_form(create: Callable[..., Booking]) -> Callable[..., Booking]:
    """A form sent twice at once: the second sending may fail a check the first one's
    booking now fails it (its own slot is taken, by itself); it gets that booking."""

    @functools.wraps(create)
    def wrapper(*, member: Any, idempotency_key: uuid.UUID | None = None, **kwargs: Any):
        try:
            return create(member=member, idempotency_key=idempotency_key, **kwargs)
        except BookingError:
            if found := form_booking(member, idempotency_key):
                return replay(found)
            raise

    return wrapper


@_one_per_form
def booking_create_room(
    *,
    member,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    attendees: int = 1,
    title: str = "",
    quote: Quote | None = None,
    idempotency_key: uuid.UUID | None = None,
    another: bool = True,
    series: BookingSeries | None = None,
    submit_after: dt.datetime | None = None,
) -> Booking:
    """Hold a room and save the booking ``pending``. The same ``idempotency_key`` from the
    same member returns the booking it made (nothing is sent twice); ``another=False``
    refuses a time the member already holds (``AlreadyHeld``). An occurrence of a
    ``series`` is sent no sooner than ``submit_after`` (its turn within the provider's
    rate limit)."""
    if found := form_booking(member, idempotency_key):
        return replay(found)
    check_member(member)
    validate_room(resource, start, end, attendees)
    check_new_member_lead(member, resource, start)  # outside the transaction: it remembers
    slots_free_per_provider(resource, start, end)
    if not another:
        check_not_held(member, start, end, idempotency_key, resource=resource)

    def hold() -> Booking:
        # The guard: lock the resource's row so concurrent bookings of it run one at a time.
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if found := form_booking(member, idempotency_key):
            return replay(found)  # the same form, sent while this one waited for the lock
        # under the lock: no race past it
        check_room_limits(member, resource, start, end, series=series)
        overlapping = locked.bookings.filter(status__in=HOLDING, start__lt=end, end__gt=start)
        if overlapping.count() >= max(1, locked.quantity):
            raise SlotTaken()
        booking = Booking.objects.create(
            member=member,
            kind=Kind.ROOM,
            space=locked.space,
            resource=locked,
            start=start,
            end=end,
            attendees=attendees,
            title=rules.one_line(title)[:200],
            price=quote.total if quote else None,
            currency=(quote.currency if quote else "") or locked.currency,
            quote=_quote_json(quote),
            idempotency_key=idempotency_key,
            series=series,
            submit_after=submit_after,
        )
        reason = "booked by the member" if series is None else f"series #{series.pk}"
        wait = (submit_after - timezone.now()).total_seconds() if submit_after else 0.0
        return _saved(booking, member, reason, countdown=max(0.0, wait))

    return _once(member, idempotency_key, hold)


def form_booking(member, key: uuid.UUID | None) -> Booking | None:
    """The booking this member's form (its idempotency key) already made, if any."""
    if key is None:
        return None
    return Booking.objects.filter(member=member, idempotency_key=key).first()


Made = TypeVar("Made", Booking, BookingSeries)


def replay(made: Made) -> Made:
    """``made`` (a booking, a series), marked as made by an earlier sending of the same
    form."""
    made._replayed = True  # type: ignore[attr-defined]  # not stored: this request only
    return made


def replayed(made: Booking | BookingSeries) -> bool:
    """Whether the booking (or series) was made by an earlier sending of the same form."""
    return bool(getattr(made, "_replayed", False))


def _once(member, key: uuid.UUID | None, make: Callable[[], Booking]) -> Booking:
    """``make()`` in a transaction; when the same form made the booking meanwhile (two
    requests racing with one key: the unique constraint member + key refuses the second
    insert), that booking."""
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:
        found = form_booking(member, key)
        if found is None:
            raise
        return replay(found)


def _saved(booking: Booking, member, reason: str, *, countdown: float = 0.0) -> Booking:
    """A new booking's first history line; it is sent once the transaction commits (and
    ``countdown`` seconds later)."""
    BookingEvent.objects.create(
        booking=booking,
        actor=member,
        actor_label="member",
        to_status=Status.PENDING,
        reason=reason,
    )
    enqueue_submit(booking.pk, countdown=countdown or None)
    return booking


# a product sold for a fixed length: "month", "3 months", "10 days", "year" (price_unit)
_PRODUCT_LENGTH = re.compile(r"^(?:(\d+) )?(day|month|year)s?$")


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same date ``months`` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def product_end(offer: Offer | Resource, day: dt.date) -> dt.date | None:
    """The day after the last day a product of fixed length (a month's membership, ten
    days) bought from ``day`` is valid; None: it is sold by the day. A month from
    7 December is valid to 6 January, as providers date it (Thia: "months end the day
    before the same date")."""
    found = _PRODUCT_LENGTH.match(getattr(offer, "price_unit", "") or "")
    if not found:
        return None
    count, unit = int(found.group(1) or 1), found.group(2)
    if unit == "month":
        return _add_months(day, count)
    if unit == "year":
        return _add_months(day, 12 * count)
    return day + dt.timedelta(days=count) if count > 1 else None


def pass_bounds(
    offer: Offer | Resource, day: dt.date, days: int
) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of ``day`` to local midnight ``days`` later, in the item's space;
    a product of fixed length (a month) to the end of that length."""
    tz = zoneinfo.ZoneInfo(offer.space.timezone)
    end = product_end(offer, day) or day + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(0), tz), dt.datetime.combine(end, dt.time(0), tz)


@_one_per_form
def booking_create_pass(
    *,
    member,
    offer: Offer,
    day: dt.date,
    days: int = 1,
    persons: int = 1,
    quote: Quote | None = None,
    idempotency_key: uuid.UUID | None = None,
    another: bool = True,
) -> Booking:
    if found := form_booking(member, idempotency_key):
        return replay(found)
    check_member(member)
    today = availability.local_today_for(offer.space.timezone)
    if refusal := rules.day_refusal(day, today):
        raise BookingError(refusal, field="date")
    allowed = rules.limits(offer)
    if refusal := rules.horizon_refusal(allowed, day, today):
        raise BookingError(refusal, field="date")
    if days < 1 or days > 31:
        raise BookingError(_("Book between 1 and 31 days."), field="days")
    if offer.weekdays and day.weekday() not in offer.weekdays:
        raise BookingError(_("This pass is not sold on that day of the week."), field="date")
    if refusal := rules.people_refusal(allowed, persons):
        raise BookingError(refusal, field="persons")
    start, end = pass_bounds(offer, day, days)
    if not another:
        check_not_held(member, start, end, idempotency_key, offer=offer)

    def hold() -> Booking:
        # lock the offer's row first: the places left (which count the portal's own unsent
        # passes) are read and taken by one member at a time
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("space__account")
            .get(pk=offer.pk)
        )
        if found := form_booking(member, idempotency_key):
            return replay(found)
        check_upcoming_limit(member, offer=locked)
        answer = availability.pass_days(locked, day, day + dt.timedelta(days=days - 1))
        if answer.known and not all(d.open for d in answer.days):
            raise SlotTaken(_("This pass is sold out or not sold on one of these days."))
        booking = Booking.objects.create(
            member=member,
            kind=Kind.PASS,
            space=locked.space,
            offer=locked,
            start=start,
            end=end,
            attendees=persons,
            price=quote.total if quote else locked.price,
            currency=(quote.currency if quote else "") or locked.currency,
            quote=_quote_json(quote),
            idempotency_key=idempotency_key,
        )
        return _saved(booking, member, "booked by the member")

    return _once(member, idempotency_key, hold)


@_one_per_form
def booking_create_inquiry(
    *,
    member,
    offer: Offer | None = None,
    resource: Resource | None = None,
    day: dt.date,
    message: str,
    persons: int = 1,
    idempotency_key: uuid.UUID | None = None,
    another: bool = True,
) -> Booking:
    if found := form_booking(member, idempotency_key):
        return replay(found)
    check_member(member)
    item = offer or resource
    if item is None:
        raise TypeError("booking_create_inquiry() needs an offer or a resource")
    today = availability.local_today_for(item.space.timezone)
    if refusal := rules.day_refusal(day, today, inquiry=True):
        raise BookingError(refusal, field="date")
    if refusal := rules.horizon_refusal(rules.limits(item), day, today):
        raise BookingError(refusal, field="date")
    if not message.strip():
        raise BookingError(_("Tell the space what you need."), field="message")
    # the day the member asks from: the space sets the contract's length in its answer
    tz = zoneinfo.ZoneInfo(item.space.timezone)
    start = dt.datetime.combine(day, dt.time(0), tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
    if not another:
        check_not_held(member, start, end, idempotency_key, offer=offer, resource=resource)
    check_upcoming_limit(member, offer=offer, resource=resource)
    space = item.space

    def save() -> Booking:
        booking = Booking.objects.create(
            member=member,
            kind=Kind.INQUIRY,
            space=space,
            offer=offer,
            resource=resource,
            start=start,
            end=end,
            attendees=persons,
            message=message[:4000],
            idempotency_key=idempotency_key,
        )
        return _saved(booking, member, "inquiry sent by the member")

    return _once(member, idempotency_key, save)


def _quote_json(quote: Quote | None) -> dict:
    if quote is None:
        return {}
    return {
        "total": str(quote.total) if quote.total is not None else None,
        "currency": quote.currency,
        "lines": [[messages.stored(label), str(amount)] for label, amount in quote.lines],
        "note": messages.stored(quote.note),
    }
