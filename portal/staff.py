"""What staff do to a member: disable the account (their bookings are left for staff)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from bookings.models import HOLDING, Booking, FeedToken
from portal.models import User


def future_live_bookings(member: User) -> QuerySet[Booking]:
    """The member's bookings that still hold a place and have not ended, soonest first."""
    return (
        Booking.objects.filter(member=member, status__in=HOLDING, end__gt=timezone.now())
        .select_related("space__account", "resource", "offer")
        .order_by("start")
    )


@transaction.atomic
def disable_member(member: User) -> list[Booking]:
    """Refuse the member's sign-in (their open sessions stop too: an inactive user is
    never authenticated again) and turn their calendar link off. Their bookings are not
    touched: the future ones are returned for staff to decide, booking by booking."""
    member.is_active = False
    member.save(update_fields=["is_active"])
    FeedToken.revoke(member)
    return list(future_live_bookings(member))
