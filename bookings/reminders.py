"""Reminder emails before a booking, at the times each member chose on their profile.

* ``CHOICES`` are the lead times a member may pick (``User.reminder_offsets``, minutes);
  the invitation carries the same ones as VALARMs (``calendars.booking_invitation``);
* a reminder is due from ``start - minutes`` (a pass's start: when the space opens)
  until half its lead time has passed (a 24 h reminder may still go out 12 h before,
  never later), and only for a booking that existed at its due time (a booking made an
  hour ahead gets no "tomorrow" email); only confirmed rooms and passes are reminded,
  never a cancelled, refused or failed booking;
* ``scan`` (beat, every minute) reads the confirmed bookings starting within the longest
  lead time, oldest start first and at most ``SCAN_LIMIT`` of them (an index on
  (status, start)), and queues one ``send_reminder`` task per due reminder not claimed;
* ``deliver`` (the task) checks again that the reminder is due, claims it by inserting
  its ``Reminder`` row (unique per booking and lead time) and only then sends: a second
  worker, a re-delivered task or a scan after a restart finds the row and sends nothing.
  A send that fails frees the claim for the task's retry; a worker killed while sending
  keeps it, so a reminder is sent at most once, never twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import calendars, emails, rules
from bookings.models import Booking, Kind, Reminder, Status
from providers import jobs

logger = logging.getLogger(__name__)

# the lead times a member may choose (minutes before the start), in the profile's order
CHOICES: list[tuple[int, str | Promise]] = [
    (15, gettext_lazy("15 minutes before")),
    (30, gettext_lazy("30 minutes before")),
    (60, gettext_lazy("1 hour before")),
    (120, gettext_lazy("2 hours before")),
    (1440, gettext_lazy("1 day before")),
    (2880, gettext_lazy("2 days before")),
]
ALLOWED: frozenset[int] = frozenset(minutes for minutes, _label in CHOICES)
LONGEST = max(ALLOWED)
SCAN_LIMIT = 1000  # bookings read per scan; the scan runs every minute


def default_offsets() -> list[int]:
    """A new member's reminders: a day before and an hour before."""
    return [1440, 60]


def offsets_of(member) -> list[int]:
    """The member's lead times, longest first; anything not offered is ignored."""
    chosen = getattr(member, "reminder_offsets", None) or []
    return sorted(
        {m for m in chosen if isinstance(m, int) and not isinstance(m, bool) and m in ALLOWED},
        reverse=True,
    )


def lead_text(minutes: int) -> str:
    return str(dict(CHOICES).get(minutes, ""))


def expected_at(booking: Booking) -> dt.datetime:
    """When the member is expected: a room's start; a pass's first day when the space
    opens (else its local midnight), so "1 hour before" is not 23:00 the night before."""
    if booking.kind != Kind.PASS:
        return booking.start
    from bookings.index import opening_bounds  # heavy: only for passes

    day = booking.start.astimezone(zoneinfo.ZoneInfo(booking.space.timezone)).date()
    return max(booking.start, opening_bounds(booking.space, day)[0])


def due(booking: Booking, offsets: Iterable[int], now: dt.datetime) -> list[int]:
    """Which of ``offsets`` are due for ``booking`` at ``now`` (not whether already sent)."""
    if booking.status != Status.CONFIRMED or booking.kind == Kind.INQUIRY:
        return []
    start = expected_at(booking)
    result = []
    for minutes in offsets:
        lead = dt.timedelta(minutes=minutes)
        at = start - lead
        if at <= now < min(start, at + lead / 2) and booking.created_at <= at:
            result.append(minutes)
    return result


# --- beat: find what is due ------------------------------------------------------------


def scan(now: dt.datetime | None = None) -> int:
    """Queue a task for every reminder due now and not claimed yet; how many."""
    from bookings.tasks import send_reminder  # a real cycle: tasks -> reminders

    now = now or timezone.now()
    candidates = list(
        Booking.objects.filter(
            # a pass starts at local midnight and is expected when the space opens
            Q(start__gt=now) | Q(kind=Kind.PASS, start__gt=now - dt.timedelta(days=1)),
            status=Status.CONFIRMED,
            start__lte=now + dt.timedelta(minutes=LONGEST),
        )
        .exclude(kind=Kind.INQUIRY)
        .select_related("member", "space")
        .order_by("start")[:SCAN_LIMIT]
    )
    if len(candidates) == SCAN_LIMIT:
        logger.warning("reminder scan: %s bookings or more ahead; the rest wait", SCAN_LIMIT)
    claimed = set(
        Reminder.objects.filter(booking__in=candidates).values_list("booking_id", "minutes")
    )
    queued = 0
    for booking in candidates:
        for minutes in due(booking, offsets_of(booking.member), now):
            if (booking.pk, minutes) not in claimed:
                jobs.enqueue(send_reminder, booking.pk, minutes, on_commit=False)
                queued += 1
    return queued


# --- worker: send one, once ------------------------------------------------------------


def deliver(booking_id: int, minutes: int, now: dt.datetime | None = None) -> str:
    """Send the reminder ``minutes`` before booking ``booking_id`` if it is still due and
    nobody claimed it; what happened, in a word (for the task's result and the logs)."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_related("member", "space__account", "resource", "offer")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or minutes not in due(booking, offsets_of(booking.member), now):
        return "not due"
    try:
        with transaction.atomic():
            claim = Reminder.objects.create(booking=booking, minutes=minutes, claimed_at=now)
    except IntegrityError:
        logger.info("booking %s: the %s min reminder is claimed already", booking_id, minutes)
        return "claimed already"
    try:
        message(booking, minutes).send()
    except Exception:
        claim.delete()  # not sent: the retry (or the next scan) may send it
        raise
    Reminder.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return "sent"


def message(booking: Booking, minutes: int) -> EmailMessage:
    """The reminder, in the member's language, its time in the member's zone (and the
    space's, where that differs)."""
    member = booking.member
    with translation.override(member.language or "en"):
        space_zone = zoneinfo.ZoneInfo(booking.space.timezone)
        # a pass is whole days at the space: its dates are the space's
        member_zone = (
            space_zone if booking.kind == Kind.PASS else _zone(member.timezone) or space_zone
        )
        context = {
            "booking": booking,
            "member": member,
            "lead": lead_text(minutes),
            "when": emails.when_text(booking, zone=member_zone),
            "zone": str(member_zone),
            "space_when": emails.when_text(booking) if member_zone != space_zone else "",
            "space_zone": booking.space.timezone,
            "arrival": calendars.arrival(booking),
            "booking_url": settings.SITE_URL + reverse("booking_detail", args=[booking.pk]),
            "profile_url": settings.SITE_URL + reverse("profile"),
        }
        what = booking.what
        subject = _("Reminder: %(what)s at %(space)s") % {
            "what": what,
            "space": booking.space.name,
        }
        return EmailMessage(
            subject=rules.one_line(subject),
            body=render_to_string("emails/booking/reminder.txt", context),
            from_email=calendars.sender(),
            to=[member.email],
        )


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
