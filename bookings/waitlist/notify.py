"""The email that tells a waiting member something is free, in the member's language,
with a one-click link into the booking form, pre-filled with what was matched."""

from __future__ import annotations

import logging
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from bookings import calendars, rules
from bookings.models import WaitlistEntry, WaitlistState
from bookings.waitlist import matching

logger = logging.getLogger(__name__)


def book_path(entry: WaitlistEntry) -> str:
    """The booking form of what the entry was told about, pre-filled (the same query the
    search's "Book" links carry: a room previews its price at once)."""
    if entry.matched_resource is not None and entry.matched_start and entry.matched_end:
        room = entry.matched_resource
        start = entry.matched_start.astimezone(zoneinfo.ZoneInfo(room.space.timezone))
        minutes = int((entry.matched_end - entry.matched_start).total_seconds() // 60)
        params = {
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "minutes": minutes,
            "attendees": entry.people,
        }
        return f"{reverse('book_resource', args=[room.pk])}?{urlencode(params)}"
    assert entry.matched_offer is not None
    params = {"date": entry.date.isoformat(), "persons": entry.people}
    return f"{reverse('book_offer', args=[entry.matched_offer.pk])}?{urlencode(params)}"


def when_text(entry: WaitlistEntry) -> str:
    """The matched time in the space's zone and the active language."""
    if entry.matched_resource is None or not entry.matched_start or not entry.matched_end:
        return date_format(entry.date, "l j F Y")
    zone = zoneinfo.ZoneInfo(entry.matched_resource.space.timezone)
    start, end = entry.matched_start.astimezone(zone), entry.matched_end.astimezone(zone)
    return f"{date_format(start, 'l j F Y, H:i')}\u2013{time_format(end, 'H:i')}"


def send(entry_id: int) -> bool:
    """Email the member of a claimed entry; False when there is nothing to send."""
    entry = (
        WaitlistEntry.objects.select_related(
            "member", "matched_resource__space", "matched_offer__space"
        )
        .filter(pk=entry_id, state=WaitlistState.NOTIFIED)
        .first()
    )
    if entry is None:
        return False
    item = entry.matched_resource or entry.matched_offer
    if item is None:
        return False
    member = entry.member
    with translation.override(member.language or "en"):
        context = {
            "member": member,
            "entry": entry,
            "item": item,
            "space": item.space,
            "when": when_text(entry),
            "zone": item.space.timezone,
            "book_url": settings.SITE_URL + book_path(entry),
            "waitlist_url": settings.SITE_URL + reverse("my_waitlist"),
            "hold_minutes": matching.hold_minutes(),
        }
        subject = _("Free now: %(what)s at %(space)s") % {
            "what": item.name,
            "space": item.space.name,
        }
        EmailMessage(
            subject=rules.one_line(subject),
            body=render_to_string("emails/waitlist/free.txt", context),
            from_email=calendars.sender(),
            to=[member.email],
        ).send()
    return True


def match_and_notify(kind: str, item_id: int, days) -> int:
    """Claim the entries the item's free windows answer, then email each member; an email
    that fails gives its claim back and the error is raised (the task retries)."""
    failure: Exception | None = None
    sent = 0
    for entry_id in matching.claim_matches(kind, item_id, days):
        try:
            sent += send(entry_id)
        except Exception as exc:
            logger.warning("waitlist entry %s: email not sent (%s)", entry_id, type(exc).__name__)
            matching.release(entry_id)
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent
