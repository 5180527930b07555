"""The booking lifecycle: validation, the slot guard, the state machine, submission.

    pending ──▶ submitting ──▶ confirmed | awaiting_registration | awaiting_approval
       ▲            │                     | rejected | failed
       └── (retry) ─┘          any live booking ──▶ cancelled

* ``booking_create`` validates, then holds the slot inside a transaction that locks the
  resource's row (PostgreSQL row lock; SQLite serializes writers), so two members can
  never hold the same slot of an exclusive resource and a resource with ``quantity`` N
  holds at most N. The booking is saved before anything is sent; the submit task is
  enqueued on commit.
* ``submit`` is run by the task: it *claims* the booking with a conditional update, so a
  second delivery does nothing; a booking left in ``submitting`` by a dead worker is
  reclaimed after ``STALE_SUBMISSION`` and reconciled with the provider before anything
  is sent again, so it is never booked twice.
* Every transition is one conditional update plus a ``BookingEvent`` (who, when, why,
  provider reply).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import HOLDING, LIVE, Booking, BookingEvent, Kind, Status
from providers import availability, messages
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
from providers.adapters.types import BookingRequest, Customer, Quote, SubmitResult
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)

# A booking in "submitting" for this long belongs to a worker that died: it is reclaimed.
STALE_SUBMISSION = dt.timedelta(seconds=getattr(settings, "BOOKING_STALE_SUBMISSION_SECONDS", 300))
MAX_SUBMIT_ATTEMPTS = 8
MAX_DAYS_AHEAD = 366

TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING: {Status.SUBMITTING, Status.CANCELLED, Status.FAILED},
    Status.SUBMITTING: {
        Status.PENDING,  # a transient fault: try again later
        Status.CONFIRMED,
        Status.AWAITING_REGISTRATION,
        Status.AWAITING_APPROVAL,
        Status.REJECTED,
        Status.FAILED,
        Status.CANCELLED,
    },
    Status.AWAITING_REGISTRATION: {
        Status.CONFIRMED,
        Status.AWAITING_APPROVAL,
        Status.REJECTED,
        Status.CANCELLED,
    },
    Status.AWAITING_APPROVAL: {Status.CONFIRMED, Status.REJECTED, Status.CANCELLED},
    Status.CONFIRMED: {Status.CANCELLED},
    Status.FAILED: {Status.PENDING},  # staff retry
    Status.REJECTED: set(),
    Status.CANCELLED: set(),
}


class BookingError(Exception):
    """Bad input or a rule broken: the message is for the member; the view answers 4xx."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class SlotTaken(BookingError):
    def __init__(self, message: str | None = None):
        super().__init__(
            message or _("Someone has just booked this time. Please pick another slot."),
            status=409,
        )


# --- history and transitions --------------------------------------------------------


def transition(
    booking: Booking,
    to: str,
    *,
    reason: str = "",
    actor=None,
    actor_label: str = "system",
    reply=None,
    **fields,
) -> bool:
    """Move ``booking`` to ``to`` if it is still where we think it is; record the event.

    Returns False (and changes nothing) when another process moved it first.
    """
    current = booking.status
    if to not in TRANSITIONS.get(current, set()):
        raise ValueError(f"booking {booking.pk}: {current} -> {to} is not allowed")
    now = timezone.now()
    updated = Booking.objects.filter(pk=booking.pk, status=current).update(
        status=to, sequence=F("sequence") + 1, updated_at=now, **fields
    )
    if not updated:
        return False
    BookingEvent.objects.create(
        booking=booking,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label,
        from_status=current,
        to_status=to,
        reason=reason[:2000],
        provider_reply=jsonable(reply),
    )
    booking.refresh_from_db()
    return True


# --- requests for adapters ---------------------------------------------------------


def customer_of(member, account) -> Customer:
    """The member as a provider account needs them, with what we remember of them there."""
    from bookings.models import ProviderIdentity

    identity = ProviderIdentity.objects.filter(member=member, account=account).first()
    return Customer(
        email=member.email,
        first_name=member.first_name,
        last_name=member.last_name,
        phone=member.phone,
        company=member.company,
        language=member.language,
        identity=dict(identity.data) if identity else {},
    )


def customer_for(booking: Booking) -> Customer:
    return customer_of(booking.member, booking.space.account)


def preview_request(
    member, item: Resource | Offer, kind: str, start: dt.datetime, end: dt.datetime, **extra
) -> BookingRequest:
    """A booking not made yet, for a price preview."""
    return BookingRequest(
        uid="preview",
        kind=kind,
        start=start,
        end=end,
        customer=customer_of(member, item.space.account),
        **extra,
    )


def request_for(booking: Booking) -> BookingRequest:
    tz = zoneinfo.ZoneInfo(booking.space.timezone)
    days = max(1, (booking.end.astimezone(tz).date() - booking.start.astimezone(tz).date()).days)
    around = dt.timedelta(days=1)
    claimed = frozenset(
        Booking.objects.filter(
            space__account=booking.space.account,
            start__lt=booking.end + around,
            end__gt=booking.start - around,
        )
        .exclude(pk=booking.pk)
        .exclude(provider_reference="")
        .values_list("provider_reference", flat=True)
    )
    return BookingRequest(
        uid=str(booking.uid),
        claimed=claimed,
        kind=booking.kind,
        start=booking.start.astimezone(tz),
        end=booking.end.astimezone(tz),
        customer=customer_for(booking),
        attendees=booking.attendees,
        title=booking.title,
        message=booking.message,
        days=days if booking.kind == Kind.PASS else 1,
    )


def _remember_identity(booking: Booking, identity: dict) -> None:
    """The member's identity at this provider (Workways organization, Zentry user) is
    created or linked once and remembered."""
    if not identity:
        return
    from bookings.models import ProviderIdentity

    row, _ = ProviderIdentity.objects.get_or_create(
        member=booking.member, account=booking.space.account
    )
    row.data = {**row.data, **identity}
    row.save(update_fields=["data", "updated_at"])


# --- validation ---------------------------------------------------------------------


@dataclasses.dataclass
class RoomChoice:
    resource: Resource
    start: dt.datetime
    end: dt.datetime
    attendees: int
    title: str


def _check_member(member) -> None:
    if not member.profile_complete:
        raise BookingError(
            _(
                "Add your first name, last name and phone number to your profile first: the "
                "provider needs them to book."
            ),
            field="profile",
        )


def validate_room(resource: Resource, start: dt.datetime, end: dt.datetime, attendees: int) -> None:
    """The resource's rules: in the future, on the grid, within min/max, capacity."""
    tz = zoneinfo.ZoneInfo(resource.space.timezone)
    now = timezone.now()
    if start.tzinfo is None or end.tzinfo is None:
        raise BookingError(_("Times must include their time zone."))
    if end <= start:
        raise BookingError(_("The end must be after the start."), field="end")
    if start < now:
        raise BookingError(_("This time is in the past."), field="start")
    if start > now + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise BookingError(_("Bookings open at most a year ahead."), field="start")
    rules = resource.rules or {}
    minutes = (end - start).total_seconds() / 60
    step = int(rules.get("step_minutes") or rules.get("slot_minutes") or 60)
    local = start.astimezone(tz)
    if (local.hour * 60 + local.minute) % step or local.second or local.microsecond:
        raise BookingError(
            _("Bookings start on the %(step)s-minute grid (for example %(example)s).")
            % {"step": step, "example": local.replace(minute=0, second=0).strftime("%H:%M")},
            field="start",
        )
    if minutes % step:
        raise BookingError(
            _("The length must be a multiple of %(step)s minutes.") % {"step": step},
            field="end",
        )
    lowest = int(rules.get("min_minutes") or rules.get("slot_minutes") or step)
    highest = rules.get("max_minutes")
    if minutes < lowest:
        raise BookingError(_("Book at least %(n)s minutes.") % {"n": lowest}, field="end")
    if highest and minutes > int(highest):
        raise BookingError(_("Book at most %(n)s minutes.") % {"n": highest}, field="end")
    lead = int(rules.get("lead_time_minutes") or 0)
    if lead and start < now + dt.timedelta(minutes=lead):
        raise BookingError(
            _("This room must be booked at least %(n)s minutes ahead.") % {"n": lead},
            field="start",
        )
    if attendees < 1:
        raise BookingError(_("At least one person attends."), field="attendees")
    if resource.capacity and attendees > resource.capacity:
        raise BookingError(
            _("This room holds at most %(n)s people.") % {"n": resource.capacity},
            field="attendees",
        )


def _check_new_member_lead(member, resource: Resource, start: dt.datetime) -> None:
    """Providers that ask more notice of members they do not know yet (Workways: "New
    users must book at least 2 days in advance", seed 001) are told so before sending."""
    days = int((resource.rules or {}).get("new_user_lead_days") or 0)
    if not days:
        return
    from bookings.models import ProviderIdentity

    identity = ProviderIdentity.objects.filter(
        member=member, account=resource.space.account
    ).first()
    if identity and identity.data.get("known_user") is True:
        return
    zone = zoneinfo.ZoneInfo(resource.space.timezone)
    earliest = timezone.now().astimezone(zone).date() + dt.timedelta(days=days)
    if start.astimezone(zone).date() < earliest:
        raise BookingError(
            _(
                "This provider asks new members to book at least %(n)s days ahead: pick a day "
                "from %(day)s."
            )
            % {"n": days, "day": earliest.isoformat()},
            field="start",
        )


def _slots_free_per_provider(resource: Resource, start: dt.datetime, end: dt.datetime) -> None:
    """Refuse a time the provider already shows as taken or closed (an unknown answer
    does not block: the provider decides when the booking is sent)."""
    tz = resource.space.timezone
    day = start.astimezone(zoneinfo.ZoneInfo(tz)).date()
    answer = availability.resource_day(resource, day)
    if not answer.known:
        return
    covering = [s for s in answer.slots if s.start < end and s.end > start]
    if not covering:
        raise BookingError(_("The room is not open at this time."), field="start")
    covered_from = min(s.start for s in covering)
    covered_to = max(s.end for s in covering)
    if covered_from > start or covered_to < end or not all(s.available for s in covering):
        raise SlotTaken(_("This time is not free at the provider. Please pick another slot."))


# --- creating ------------------------------------------------------------------------


def _enqueue_submit(booking_id: int) -> None:
    from bookings import tasks

    try:
        tasks.submit_booking.delay(booking_id)
    except Exception:  # the broker is down: the booking is saved; the sweeper sends it later
        logger.warning("could not enqueue booking %s; it will be picked up later", booking_id)


@transaction.atomic
def booking_create_room(
    *,
    member,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    attendees: int = 1,
    title: str = "",
    quote: Quote | None = None,
) -> Booking:
    _check_member(member)
    validate_room(resource, start, end, attendees)
    _check_new_member_lead(member, resource, start)
    _slots_free_per_provider(resource, start, end)
    # The guard: lock the resource's row so concurrent bookings of it run one at a time.
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
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
        title=title[:200],
        price=quote.total if quote else None,
        currency=(quote.currency if quote else "") or locked.currency,
        quote=_quote_json(quote),
    )
    return _saved(booking, member, "booked by the member")


def _saved(booking: Booking, member, reason: str) -> Booking:
    """A new booking's first history line; it is sent once the transaction commits."""
    BookingEvent.objects.create(
        booking=booking,
        actor=member,
        actor_label="member",
        to_status=Status.PENDING,
        reason=reason,
    )
    transaction.on_commit(lambda: _enqueue_submit(booking.pk))
    return booking


def pass_bounds(offer: Offer, day: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    tz = zoneinfo.ZoneInfo(offer.space.timezone)
    return (
        dt.datetime.combine(day, dt.time(0), tz),
        dt.datetime.combine(day + dt.timedelta(days=days), dt.time(0), tz),
    )


@transaction.atomic
def booking_create_pass(
    *,
    member,
    offer: Offer,
    day: dt.date,
    days: int = 1,
    persons: int = 1,
    quote: Quote | None = None,
) -> Booking:
    _check_member(member)
    tz = offer.space.timezone
    today = availability.local_today_for(tz)
    if day < today:
        raise BookingError(_("This day is in the past."), field="date")
    if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise BookingError(_("Passes can be booked at most a year ahead."), field="date")
    if days < 1 or days > 31:
        raise BookingError(_("Book between 1 and 31 days."), field="days")
    if offer.weekdays and day.weekday() not in offer.weekdays:
        raise BookingError(_("This pass is not sold on that day of the week."), field="date")
    if persons < (offer.min_persons or 1) or (offer.max_persons and persons > offer.max_persons):
        raise BookingError(
            _("This number of people is not allowed for this pass."), field="persons"
        )
    # lock the offer's row first: the places left (which count the portal's own unsent
    # passes) are read and taken by one member at a time
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("space__account")
        .get(pk=offer.pk)
    )
    answer = availability.pass_days(locked, day, day + dt.timedelta(days=days - 1))
    if answer.known and not all(d.open for d in answer.days):
        raise SlotTaken(_("This pass is sold out or not sold on one of these days."))
    start, end = pass_bounds(locked, day, days)
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
    )
    return _saved(booking, member, "booked by the member")


@transaction.atomic
def booking_create_inquiry(
    *,
    member,
    offer: Offer | None = None,
    resource: Resource | None = None,
    day: dt.date,
    message: str,
    persons: int = 1,
) -> Booking:
    _check_member(member)
    item = offer or resource
    tz = item.space.timezone
    if day < availability.local_today_for(tz):
        raise BookingError(_("This day is in the past."), field="date")
    if not message.strip():
        raise BookingError(_("Tell the space what you need."), field="message")
    start, end = pass_bounds(offer or resource, day, 1)
    booking = Booking.objects.create(
        member=member,
        kind=Kind.INQUIRY,
        space=item.space,
        offer=offer,
        resource=resource,
        start=start,
        end=end,
        attendees=persons,
        message=message[:4000],
    )
    return _saved(booking, member, "inquiry sent by the member")


def _quote_json(quote: Quote | None) -> dict:
    if quote is None:
        return {}
    return {
        "total": str(quote.total) if quote.total is not None else None,
        "currency": quote.currency,
        "lines": [[label, str(amount)] for label, amount in quote.lines],
        "note": messages.stored(quote.note),
    }


# --- quotes --------------------------------------------------------------------------


def quote_for(item: Resource | Offer, request: BookingRequest) -> Quote:
    """The provider's price, or the catalogue's when the provider cannot price it."""
    try:
        with adapter_for(item.space.account) as adapter:
            return adapter.quote(availability.item_ref(item), request)
    except (
        UnsupportedError,
        TransientError,
        AuthenticationError,
        ProviderConfigurationError,
        NotFoundError,
    ) as exc:
        logger.info("quote from catalogue for %s: %s", item, type(exc).__name__)
        return catalogue_quote(item, request)
    except RejectedError as exc:  # the provider says this booking cannot be made
        raise BookingError(
            messages.render(exc.message), status=409 if exc.status == 409 else 400
        ) from exc


def catalogue_quote(item: Resource | Offer, request: BookingRequest) -> Quote:
    if isinstance(item, Resource):
        hours = Decimal((request.end - request.start).total_seconds()) / Decimal(3600)
        if item.price_hour is not None:
            total = (item.price_hour * hours).quantize(Decimal("0.01"))
            return Quote(
                total,
                item.currency,
                [(_("%(h)s h x %(p)s") % {"h": hours.normalize(), "p": item.price_hour}, total)],
                note=_("Estimate from the provider's published price."),
            )
        return Quote(None, item.currency, note=_("Price on request."))
    if item.price is not None:
        total = (item.price * request.days).quantize(Decimal("0.01"))
        return Quote(
            total,
            item.currency,
            [(_("%(n)s days x %(p)s") % {"n": request.days, "p": item.price}, total)],
            note=_("Estimate from the provider's published price."),
        )
    return Quote(None, item.currency, note=_("Price on request."))


# --- submission (run by the task) -----------------------------------------------------


class Retry(Exception):
    """The task should try again in ``countdown`` seconds."""

    def __init__(self, countdown: float):
        super().__init__(countdown)
        self.countdown = countdown


def claim(booking_id: int) -> Booking | None:
    """Take the booking for submission, or None when someone else has it / it is done."""
    stale = timezone.now() - STALE_SUBMISSION
    claimable = Q(status=Status.PENDING) | Q(status=Status.SUBMITTING, updated_at__lt=stale)
    booking = Booking.objects.filter(claimable, pk=booking_id).first()
    if booking is None:
        return None
    previous = booking.status
    updated = Booking.objects.filter(
        pk=booking_id, status=previous, updated_at=booking.updated_at
    ).update(
        status=Status.SUBMITTING,
        submit_attempts=F("submit_attempts") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        return None
    BookingEvent.objects.create(
        booking=booking,
        actor_label="worker",
        from_status=previous,
        to_status=Status.SUBMITTING,
        reason="sending to the provider"
        if previous == Status.PENDING
        else "reclaimed after an interrupted submission",
    )
    booking.refresh_from_db()
    return booking


def submit(booking_id: int) -> str:
    """Send one booking to its provider. Returns the booking's status afterwards.

    Raises ``Retry`` when a transient fault should be retried later.
    """
    booking = claim(booking_id)
    if booking is None:
        return "not claimed"
    item = booking.item
    ref = availability.item_ref(item)
    request = request_for(booking)
    try:
        with adapter_for(booking.space.account) as adapter:
            result = None
            if booking.submit_attempts > 1:
                # an earlier attempt may have reached the provider: never book twice
                result = adapter.find_existing(ref, request)
                if result is not None:
                    logger.info("booking %s found at the provider on reconcile", booking.pk)
            if result is None:
                result = adapter.submit(ref, request)
    except TransientError as exc:
        return _transient(booking, exc)
    except RejectedError as exc:
        transition(
            booking,
            Status.REJECTED,
            reason=f"provider refused: {exc.message}",
            reply=exc.payload,
            actor_label="worker",
            provider_message=messages.stored(exc.message)[:2000],
        )
        return booking.status
    except (AuthenticationError, ProviderConfigurationError, UnsupportedError) as exc:
        _fail(booking, f"{type(exc).__name__}: {exc}", getattr(exc, "payload", None))
        return booking.status
    apply_result(booking, result, actor_label="worker")
    return booking.status


def _transient(booking: Booking, exc: TransientError) -> str:
    if booking.submit_attempts >= MAX_SUBMIT_ATTEMPTS:
        _fail(booking, f"gave up after {booking.submit_attempts} attempts: {exc}", exc.payload)
        return booking.status
    transition(
        booking,
        Status.PENDING,
        reason=f"provider fault, will retry: {exc}",
        reply=exc.payload,
        actor_label="worker",
    )
    countdown = (
        exc.retry_after if exc.retry_after is not None else min(300, 2**booking.submit_attempts)
    )
    raise Retry(countdown)


def _fail(booking: Booking, reason: str, reply=None) -> None:
    transition(
        booking,
        Status.FAILED,
        reason=reason,
        reply=reply,
        actor_label="worker",
        provider_message=_(
            "We could not place this booking with the provider. Our team has "
            "been told and will contact you."
        ),
    )
    from bookings import emails

    transaction.on_commit(lambda: emails.send_staff_alert(booking.pk, reason))


RESULT_STATUS = {
    "confirmed": Status.CONFIRMED,
    "awaiting_registration": Status.AWAITING_REGISTRATION,
    "awaiting_approval": Status.AWAITING_APPROVAL,
    "cancelled": Status.CANCELLED,
    "rejected": Status.REJECTED,
}


def apply_result(booking: Booking, result: SubmitResult, *, actor_label: str, actor=None) -> bool:
    to = RESULT_STATUS[result.status]
    fields = {
        "provider_reference": result.reference[:200] or booking.provider_reference,
        "access_code": result.access_code[:200] or booking.access_code,
        "qr_url": result.qr_url[:500] or booking.qr_url,
        "valid_from": result.valid_from or booking.valid_from,
        "valid_to": result.valid_to or booking.valid_to,
        "next_step": messages.stored(result.next_step)
        or ("" if to == Status.CONFIRMED else booking.next_step),
    }
    if to == booking.status:
        Booking.objects.filter(pk=booking.pk).update(**fields)
        return False
    changed = transition(
        booking,
        to,
        reason=f"provider answered {result.status}",
        reply=result.reply,
        actor_label=actor_label,
        actor=actor,
        **fields,
    )
    if changed:
        _remember_identity(booking, result.identity)
        from bookings import emails

        if to in (Status.CONFIRMED, Status.AWAITING_REGISTRATION, Status.AWAITING_APPROVAL):
            transaction.on_commit(lambda: emails.send_status_email(booking.pk))
        if result.staff_action:
            transaction.on_commit(lambda: emails.send_staff_alert(booking.pk, result.staff_action))
    return changed


# --- after submission -----------------------------------------------------------------


def refresh_from_provider(booking: Booking) -> bool:
    """Ask the provider how an awaiting booking stands (Zentry approval, for one)."""
    if booking.status not in (Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION):
        return False
    try:
        with adapter_for(booking.space.account) as adapter:
            result = adapter.refresh(
                availability.item_ref(booking.item),
                request_for(booking),
                booking.provider_reference,
            )
    except (UnsupportedError, TransientError):
        return False
    except NotFoundError:
        # a search that misses it once is not a refusal: ask again next time
        logger.warning("booking %s not found at the provider on refresh", booking.pk)
        return False
    except RejectedError as exc:
        return transition(
            booking,
            Status.REJECTED,
            reason=messages.render(exc.message),
            reply=exc.payload,
            actor_label="worker",
            provider_message=messages.stored(exc.message)[:2000],
        )
    return apply_result(booking, result, actor_label="worker")


def cancel(booking: Booking, *, actor, actor_label: str, reason: str = "") -> Booking:
    """Cancel a live booking: at the provider first when it holds it, then here."""
    if booking.status not in LIVE:
        raise BookingError(
            _("This booking is already %(s)s.") % {"s": booking.get_status_display()}, status=409
        )
    if booking.status == Status.SUBMITTING:
        raise BookingError(
            _("This booking is being sent to the provider; try again in a minute."), status=409
        )
    reply = None
    if booking.provider_reference and booking.status != Status.PENDING:
        try:
            with adapter_for(booking.space.account) as adapter:
                reply = adapter.cancel(
                    availability.item_ref(booking.item),
                    request_for(booking),
                    booking.provider_reference,
                )
        except UnsupportedError:
            reply = {"note": "the provider has no online cancellation; staff will cancel it"}
            from bookings import emails

            transaction.on_commit(
                lambda: emails.send_staff_alert(
                    booking.pk, "cancelled by the member: cancel it with the provider by hand"
                )
            )
        except TransientError as exc:
            raise BookingError(
                _(
                    "The provider is not answering, so the booking is not cancelled yet. Please "
                    "try again in a few minutes."
                ),
                status=503,
            ) from exc
        except RejectedError as exc:
            raise BookingError(
                _("The provider refused to cancel: %(m)s") % {"m": messages.render(exc.message)},
                status=409,
            ) from exc
    changed = transition(
        booking,
        Status.CANCELLED,
        reason=reason or "cancelled",
        actor=actor,
        actor_label=actor_label,
        reply=reply,
    )
    if changed:
        from bookings import emails

        transaction.on_commit(lambda: emails.send_cancellation_email(booking.pk))
    return booking


def complete_registration(booking: Booking, *, company: str, residents: int, actor) -> str:
    """The member registers their organization with the provider (Workways
    REQUEST_ACCEPTED: "register the organization with /api/register, passing the
    meetingId"). The booking stays awaiting registration until the provider accepts it;
    the periodic reconcile follows it. Returns the words to show the member."""
    if booking.status != Status.AWAITING_REGISTRATION:
        raise BookingError(_("This booking does not wait for a registration."), status=409)
    if not company.strip():
        raise BookingError(_("Enter your company's name."), field="company")
    member = booking.member
    if member.company != company.strip():
        member.company = company.strip()[:200]
        member.save(update_fields=["company"])
    customer = customer_for(booking)
    try:
        if not booking.space.account.spec.capabilities.registration:
            raise BookingError(_("This provider has no online registration."), status=409)
        with adapter_for(booking.space.account) as adapter:
            result = adapter.register(
                customer,
                meeting_id=booking.provider_reference or None,
                room_id=booking.resource.external_id if booking.resource else None,
                residents=max(1, residents),
            )
    except TransientError as exc:
        raise BookingError(
            _("The provider is not answering; please try again in a few minutes."), status=503
        ) from exc
    except RejectedError as exc:
        raise BookingError(messages.render(exc.message)) from exc
    _remember_identity(booking, result.get("identity") or {})
    next_step = messages.stored(result.get("next_step"))
    Booking.objects.filter(pk=booking.pk).update(next_step=next_step, updated_at=timezone.now())
    BookingEvent.objects.create(
        booking=booking,
        actor=actor,
        actor_label="member",
        from_status=booking.status,
        to_status=booking.status,
        reason="organization registration sent",
        provider_reply=jsonable(result.get("reply")),
    )
    return messages.render(next_step) or messages.render(result.get("message")) or ""


def retry(booking: Booking, *, actor) -> None:
    """Staff: send a failed booking again (it is reconciled first)."""
    if transition(
        booking,
        Status.PENDING,
        reason="retry requested by staff",
        actor=actor,
        actor_label="staff",
        provider_message="",
    ):
        transaction.on_commit(lambda: _enqueue_submit(booking.pk))


def staff_decide(booking: Booking, *, approve: bool, actor, note: str = "") -> None:
    """Staff confirm or decline a request (4Spaces requests, approvals done by hand)."""
    if approve:
        transition(
            booking,
            Status.CONFIRMED,
            reason=note or "confirmed by staff",
            actor=actor,
            actor_label="staff",
            next_step="",
        )
        from bookings import emails

        transaction.on_commit(lambda: emails.send_status_email(booking.pk))
    else:
        transition(
            booking,
            Status.REJECTED,
            reason=note or "declined by staff",
            actor=actor,
            actor_label="staff",
            provider_message=note or _("The space could not accept this request."),
        )


def sweep(now: dt.datetime | None = None) -> int:
    """Beat: send bookings whose message was lost (broker down when they were made, or a
    worker that died mid-submission)."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        Q(status=Status.PENDING, updated_at__lt=now - dt.timedelta(seconds=90))
        | Q(status=Status.SUBMITTING, updated_at__lt=now - STALE_SUBMISSION)
    ).values_list("pk", flat=True)[:200]
    count = 0
    for pk in due:
        _enqueue_submit(pk)
        count += 1
    return count
