"""What adapters are given: the member as a customer, a booking as a request; and what
we remember of the member at a provider."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from bookings.models import Booking, Kind, ProviderIdentity
from bookings.rules import one_line
from providers.adapters.types import BookingRequest, Customer
from providers.models import Offer, Resource


def customer_of(member, account) -> Customer:
    """The member as a provider account needs them, with what we remember of them there."""

    identity = ProviderIdentity.objects.filter(member=member, account=account).first()
    return Customer(
        email=member.email,
        # one line each, whatever a profile saved before line breaks were refused
        first_name=one_line(member.first_name),
        last_name=one_line(member.last_name),
        phone=one_line(member.phone),
        company=one_line(member.company),
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
        title=one_line(booking.title),
        message=booking.message,
        days=days if booking.kind == Kind.PASS else 1,
    )


def remember_identity(booking: Booking, identity: dict) -> None:
    """The member's identity at this provider (Workways organization, Zentry user) is
    created or linked once and remembered."""
    if not identity:
        return

    row, _ = ProviderIdentity.objects.get_or_create(
        member=booking.member, account=booking.space.account
    )
    row.data = {**row.data, **identity}
    row.save(update_fields=["data", "updated_at"])
