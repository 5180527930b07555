"""Checks made before a booking is saved: the member, the room's rules, the provider's
notice for new members, and the provider's own view of the slot."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings import availability, rules
from bookings.models import LIVE, Booking, BookingSeries, ProviderIdentity
from bookings.services.errors import BookingError, SlotTaken
from bookings.services.requests import customer_of
from providers.adapters import adapter_for
from providers.adapters.errors import ProviderConfigurationError, ProviderError
from providers.models import Offer, Resource

logger = logging.getLogger(__name__)

# how long a provider's "not one of our users" is believed before it is asked again
UNKNOWN_MEMBER_TTL = dt.timedelta(minutes=10)


@dataclasses.dataclass
class RoomChoice:
    resource: Resource
    start: dt.datetime
    end: dt.datetime
    attendees: int
    title: str


def check_member(member) -> None:
    if rules.profile_missing(member):
        raise BookingError(rules.profile_message(), field="profile")


def validate_room(resource: Resource, start: dt.datetime, end: dt.datetime, attendees: int) -> None:
    """The resource's rules: in the future, on the grid, within min/max, the notice and
    the horizon, the people it takes (``rules.limits``)."""
    tz = zoneinfo.ZoneInfo(resource.space.timezone)
    now = timezone.now()
    if start.tzinfo is None or end.tzinfo is None:
        raise BookingError(_("Times must include their time zone."))
    if end <= start:
        raise BookingError(_("The end must be after the start."), field="end")
    if refusal := rules.start_refusal(start, now):
        raise BookingError(refusal, field="start")
    minutes = (end - start).total_seconds() / 60
    room_grid = rules.grid(resource.rules)
    step = room_grid.step
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
    lowest, highest = room_grid.shortest, room_grid.longest
    if minutes < lowest:
        raise BookingError(_("Book at least %(n)s minutes.") % {"n": lowest}, field="end")
    if highest and minutes > highest:
        raise BookingError(_("Book at most %(n)s minutes.") % {"n": highest}, field="end")
    allowed = rules.limits(resource)
    if refusal := rules.notice_refusal(allowed, start, now):
        raise BookingError(refusal, field="start")
    today = now.astimezone(tz).date()
    if refusal := rules.horizon_refusal(allowed, local.date(), today):
        raise BookingError(refusal, field="start")
    if attendees < 1:
        raise BookingError(_("At least one person attends."), field="attendees")
    if refusal := rules.people_refusal(allowed, attendees):
        raise BookingError(refusal, field="attendees")


def check_new_member_lead(member, resource: Resource, start: dt.datetime) -> None:
    """Providers that ask more notice of members they do not know yet (Workways: "New
    users must book at least 2 days in advance", seed 001) are told so before sending;
    whether the provider knows the member is asked of the provider (``knows_member``)."""
    days = int((resource.rules or {}).get("new_user_lead_days") or 0)
    if not days:
        return
    zone = zoneinfo.ZoneInfo(resource.space.timezone)
    earliest = timezone.now().astimezone(zone).date() + dt.timedelta(days=days)
    if start.astimezone(zone).date() >= earliest or provider_knows(member, resource):
        return
    raise BookingError(
        _(
            "This provider asks new members to book at least %(n)s days ahead: pick a day "
            "from %(day)s."
        )
        % {"n": days, "day": earliest.isoformat()},
        field="start",
    )


def provider_knows(member, resource: Resource) -> bool:
    """Whether the provider counts the member as an existing user. A yes is remembered in
    the member's ``ProviderIdentity``; a no is asked again after ``UNKNOWN_MEMBER_TTL``
    (the member may register meanwhile); a provider that cannot tell, or fails, is a no
    (the provider's own rule then applies, as before)."""
    account = resource.space.account
    identity = ProviderIdentity.objects.filter(member=member, account=account).first()
    data = identity.data if identity else {}
    if data.get("known_user") is True:
        return True
    checked = parse_datetime(str(data.get("known_user_checked_at") or ""))
    if checked and timezone.now() - checked < UNKNOWN_MEMBER_TTL:
        return False
    try:
        with adapter_for(account, max_rate_wait=5.0) as adapter:
            known = adapter.knows_member(customer_of(member, account))
    except (ProviderError, ProviderConfigurationError) as exc:
        logger.info("knows_member failed for %s: %s", account, type(exc).__name__)
        return False
    if known is None:
        return False
    row, _created = ProviderIdentity.objects.get_or_create(member=member, account=account)
    row.data = {
        **row.data,
        "known_user": known,
        "known_user_checked_at": timezone.now().isoformat(),
    }
    row.save(update_fields=["data", "updated_at"])
    return known


class AlreadyHeld(BookingError):
    """The member already holds a live booking of this item at this time, made from
    another form: they confirm again to make a second one (a room with several units, a
    pass with places)."""

    def __init__(self, booking: Booking):
        super().__init__(_("You already hold a booking for this time."), status=409)
        self.booking = booking


def check_not_held(
    member,
    start: dt.datetime,
    end: dt.datetime,
    key: uuid.UUID | None,
    *,
    resource: Resource | None = None,
    offer: Offer | None = None,
) -> None:
    """Refuse (``AlreadyHeld``) a time the member already holds on this resource or offer,
    unless the holding booking came from this very form (its key)."""
    mine = Booking.objects.filter(
        member=member,
        resource=resource,
        offer=offer,
        status__in=LIVE,
        start__lt=end,
        end__gt=start,
    ).order_by("start")
    if key is not None:
        mine = mine.exclude(idempotency_key=key)
    if held := mine.first():
        raise AlreadyHeld(held)


def check_upcoming_limit(
    member,
    *,
    resource: Resource | None = None,
    offer: Offer | None = None,
    series: BookingSeries | None = None,
) -> None:
    """Refuse a booking of a room or pass (or an inquiry about it) when the member already
    holds ``MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM`` live ones of it that have not ended
    (0: no limit), so one member cannot hold a room back to back for weeks. A recurring
    booking counts once, however many occurrences it has (``series``: the one this booking
    belongs to, which its own occurrences do not count against)."""
    limit = settings.MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM
    if not limit:
        return
    live = Booking.objects.filter(
        member=member,
        resource=resource,
        offer=offer,
        status__in=LIVE,
        end__gt=timezone.now(),
    )
    if series is not None:
        live = live.exclude(series=series)
    single = live.filter(series__isnull=True).count()
    held = single + live.exclude(series__isnull=True).values("series").distinct().count()
    if held >= limit:
        raise BookingError(
            _(
                "You already hold %(n)s upcoming bookings of %(item)s, the most one member "
                "may hold. Cancel one, or book again once one has passed."
            )
            % {"n": held, "item": resource or offer},
            status=409,
        )


def check_daily_hours(member, resource: Resource, start: dt.datetime, end: dt.datetime) -> None:
    """Refuse a room booking that would give the member more than
    ``MEMBER_MAX_HOURS_PER_DAY_PER_ROOM`` hours of this room in one of the space's days
    (0: no limit), counting their live bookings of it; never less than the room's own
    longest booking, which one booking may always take."""
    hours = settings.MEMBER_MAX_HOURS_PER_DAY_PER_ROOM
    if not hours:
        return
    allowed = max(hours * 60, rules.grid(resource.rules).longest or 0)
    zone = zoneinfo.ZoneInfo(resource.space.timezone)
    day = start.astimezone(zone).date()
    while (midnight := dt.datetime.combine(day, dt.time(0), zone)) < end:
        next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
        held = Booking.objects.filter(
            member=member,
            resource=resource,
            status__in=LIVE,
            start__lt=next_midnight,
            end__gt=midnight,
        ).values_list("start", "end")
        seconds = sum(
            (min(e, next_midnight) - max(s, midnight)).total_seconds()
            for s, e in [*held, (start, end)]
        )
        if seconds > allowed * 60:
            raise BookingError(
                _(
                    "This would give you more than %(hours)s hours of %(item)s on %(day)s, "
                    "the most one member may book in a day."
                )
                % {"hours": allowed // 60, "item": resource, "day": date_format(day)},
                status=409,
            )
        day += dt.timedelta(days=1)


def check_room_limits(
    member,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    series: BookingSeries | None = None,
) -> None:
    """What one member may hold of a room (``check_upcoming_limit``, ``check_daily_hours``):
    checked on the price preview, and again under the room's lock when booking."""
    check_upcoming_limit(member, resource=resource, series=series)
    check_daily_hours(member, resource, start, end)


def slots_free_per_provider(resource: Resource, start: dt.datetime, end: dt.datetime) -> None:
    """Refuse a time the provider already shows as taken or closed (an unknown answer
    does not block: the provider decides when the booking is sent)."""
    tz = resource.space.timezone
    day = start.astimezone(zoneinfo.ZoneInfo(tz)).date()
    state = availability.slot_state(availability.resource_day(resource, day), start, end)
    if state == availability.CLOSED:
        raise BookingError(_("The room is not open at this time."), field="start")
    if state == availability.TAKEN:
        raise SlotTaken(_("This time is not free at the provider. Please pick another slot."))
