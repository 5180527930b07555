"""Calendars (RFC 5545) built by pure functions, after pretix's ``presale/ical.py``.

* every booking is one VEVENT with a stable UID (``booking-<uuid>@<domain>``), so an update
  replaces the event in the member's calendar; ``SEQUENCE`` rises with every change and a
  cancelled booking stays in the feed as ``STATUS:CANCELLED`` so clients remove it;
* rooms are timed events in UTC (no VTIMEZONE needed); passes are all-day events on the
  space's local dates;
* member-typed text (titles) goes through icalendar, which escapes and folds it;
* an email carries the booking as an iTIP invitation (RFC 5546, ``booking_invitation``):
  ``METHOD:REQUEST`` with the portal's sender as ORGANIZER and the member as ATTENDEE, or
  ``METHOD:CANCEL`` once it is over, so mail clients offer "add to calendar" and update
  or remove the event by its UID; the feed and the download stay ``PUBLISH``-style
  (no ORGANIZER, nothing for a client to answer) with the same UID.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable, Sequence
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress

from bookings import holds
from bookings.models import Booking, FeedToken, Kind, Status
from providers import selectors
from providers.cache import ByContent, kept_under_token, replace_tokens

FEED_TIMEOUT = 24 * 3600  # keyed by what it shows: an eviction delay, not a staleness limit
# Which member a live calendar link is, kept under a token that every write of a link
# (made, renewed, turned off, deleted with its member) replaces: the feed then answers
# without a query, and a link turned off stops on the next request.
LINKS_TOKEN_KEY = "bookings:feed-links:token"
# feeds this process served lately, by the same keys (each names all a feed is made of)
_here = ByContent(128)

PRODID = "-//Coworking Portal//Bookings//EN"

# keyed by str: a Status is one, and booking.status (a CharField) is typed str
_ICAL_STATUS: dict[str, str] = {
    Status.CONFIRMED: "CONFIRMED",
    Status.PENDING: "TENTATIVE",
    Status.SUBMITTING: "TENTATIVE",
    Status.AWAITING_APPROVAL: "TENTATIVE",
    Status.AWAITING_REGISTRATION: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
    Status.REJECTED: "CANCELLED",
    Status.FAILED: "CANCELLED",
    Status.CANCELLATION_REQUESTED: "TENTATIVE",  # held until staff cancel it there
    Status.CANCELLED_BY_PROVIDER: "CANCELLED",
}


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.uid}@{_domain()}"


def arrival(booking: Booking) -> dict[str, str]:
    """What the member needs at the door, where the provider gives it (the catalogue keeps
    it in ``Space.raw``): the way in (Thia's ``directions``, Zentry's
    ``checkInInstructions``) and the Wi-Fi (Thia), for a member who holds the booking:
    nothing for one that ended badly."""
    if not booking.shows_access:  # nothing to go to
        return {}
    raw = booking.space.raw or {}
    keys = ("directions", "check_in_instructions", "wifi_network", "wifi_password")
    facts = {key: str(raw[key]).strip() for key in keys if raw.get(key)}
    if "wifi_network" not in facts:
        facts.pop("wifi_password", None)
    return facts


def arrival_lines(booking: Booking) -> list[str]:
    facts = arrival(booking)
    lines = []
    if "directions" in facts:
        lines.append(_("Directions: %(text)s") % {"text": facts["directions"]})
    if "check_in_instructions" in facts:
        lines.append(_("Check-in: %(text)s") % {"text": facts["check_in_instructions"]})
    if "wifi_network" in facts:
        password = facts.get("wifi_password")
        network = facts["wifi_network"]
        if password:
            wifi = _("Wi-Fi: %(network)s (password: %(password)s)")
        else:
            wifi = _("Wi-Fi: %(network)s")
        lines.append(wifi % {"network": network, "password": password})
    return lines


def location_text(booking: Booking) -> str:
    space = booking.space
    return ", ".join(p for p in (space.name, space.full_address) if p)


def booking_event(
    booking: Booking, *, method_cancel: bool = False, reminders: Sequence[int] = ()
) -> Event:
    """The booking as one VEVENT; ``reminders`` (minutes before its start) become alarms."""
    space = booking.space
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
    event.add("created", booking.created_at.astimezone(dt.UTC))
    event.add("last-modified", booking.updated_at.astimezone(dt.UTC))
    event.add("sequence", booking.sequence)
    status = "CANCELLED" if method_cancel else _ICAL_STATUS.get(booking.status, "TENTATIVE")
    event.add("status", status)
    what = booking.what
    summary = f"{what} — {space.name}" if what else space.name
    event.add("summary", summary)
    if booking.kind == Kind.PASS:
        zone = zoneinfo.ZoneInfo(space.timezone)
        event.add("dtstart", booking.start.astimezone(zone).date())
        event.add("dtend", booking.end.astimezone(zone).date())
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", booking.start.astimezone(dt.UTC))
        event.add("dtend", booking.end.astimezone(dt.UTC))
    event.add("location", location_text(booking))
    if space.latitude is not None and space.longitude is not None:
        event.add("geo", (float(space.latitude), float(space.longitude)))
    lines = [_("Status: %(status)s") % {"status": booking.get_status_display()}]
    # a cancelled, refused or failed booking's code no longer opens anything
    if booking.access_code and booking.shows_access:
        lines.append(_("Access code: %(code)s") % {"code": booking.access_code})
    if booking.qr_url and booking.shows_access:
        lines.append(_("QR code: %(url)s") % {"url": booking.qr_url})
    if booking.valid_from and booking.valid_to:
        lines.append(
            _("Valid %(start)s to %(end)s")
            % {"start": booking.valid_from.isoformat(), "end": booking.valid_to.isoformat()}
        )
    if booking.next_step:
        lines.append(booking.next_step_text)
    lines.extend(arrival_lines(booking))
    if policy := booking.cancellation_policy:  # "Free cancellation until ..."
        lines.append(policy)
    page = settings.SITE_URL + reverse("booking_detail", args=[booking.pk])
    lines.append(_("Booking: %(url)s") % {"url": page})
    event.add("description", "\n".join(lines))
    event.add("url", page)
    if status != "CANCELLED" and reminders:
        # a pass is all-day: its alarms are absolute, before the space opens (the emails'
        # times, ``reminders.expected_at``), not before midnight
        from bookings.reminders import expected_at  # a real cycle: reminders -> calendars

        opens = expected_at(booking).astimezone(dt.UTC) if booking.kind == Kind.PASS else None
        for minutes in sorted(set(reminders), reverse=True):
            before = dt.timedelta(minutes=minutes)
            event.add_component(_alarm(opens - before if opens else -before, summary))
    return event


def _alarm(trigger: dt.timedelta | dt.datetime, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", trigger)  # before the start, or an instant (UTC)
    alarm.add("description", summary)
    return alarm


DEFAULT_SENDER_NAME = "Coworking Portal"  # DEFAULT_FROM_EMAIL's name unless configured


def organizer() -> tuple[str, str]:
    """The portal's sender (``DEFAULT_FROM_EMAIL``) as (name, address): the invitation's
    ORGANIZER, so the member's client shows who sent it and accepts its updates."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if not name or name == DEFAULT_SENDER_NAME:
        name = _("Coworking Portal")  # the default name speaks the reader's language
    return name, address or f"bookings@{_domain()}"


def sender() -> str:
    """The From of a member's email: the portal's sender, its default name translated."""
    return formataddr(organizer())


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    address.params.update(params)
    return address


def _reminders(member, cancel: bool) -> list[int]:
    """The member's reminder times (none on a cancellation): the event's alarms."""
    from bookings.reminders import offsets_of  # a real cycle: reminders -> calendars

    return [] if cancel else offsets_of(member)


def booking_invitation(booking: Booking, *, cancel: bool = False) -> bytes:
    """One booking as an iTIP message for the member's email (RFC 5546): a REQUEST that
    adds or updates the event (same UID, higher SEQUENCE), or a CANCEL that removes it.

    The member booked it themselves: the ATTENDEE has accepted already (``RSVP=FALSE``),
    so no client asks them to answer an address nobody reads.
    """
    member = booking.member
    cal = _calendar(_("Coworking Portal booking"))
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = booking_event(booking, method_cancel=cancel, reminders=_reminders(member, cancel))
    name, address = organizer()
    event.add("organizer", _address(address, name))
    event.add(
        "attendee",
        _address(
            member.email,
            member.get_full_name() or member.email,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED",
            rsvp="FALSE",
        ),
    )
    cal.add_component(event)
    return cal.to_ical()


def booking_calendar(booking: Booking, *, cancel: bool = False) -> bytes:
    """One booking as a file to download (PUBLISH: nothing for a client to answer)."""
    cal = _calendar(_("Coworking Portal booking"))
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    reminders = _reminders(booking.member, cancel)
    cal.add_component(booking_event(booking, method_cancel=cancel, reminders=reminders))
    return cal.to_ical()


def member_feed(member, bookings: Iterable[Booking]) -> bytes:
    """All of a member's bookings, cancellations included, for a subscription."""
    cal = _calendar(_("My coworking bookings"))
    cal.add("x-published-ttl", "PT1H")
    cal.add("refresh-interval;value=duration", "PT1H")
    for booking in bookings:
        cal.add_component(booking_event(booking))
    return cal.to_ical()


def cached_member_feed(member) -> tuple[bytes, dt.datetime | None]:
    """``member_feed`` of all the member's bookings and their last change, kept in the
    shared cache under what the feed shows: the member's bookings (``holds.member_facts``:
    a token every write of one replaces, their count and last ``updated_at``), the
    catalogue version (a sync that renames or moves a space), the language (status words)
    and the site's address. A change gives a new key, so a kept feed is never stale."""
    return _kept_feed(member.pk, lambda: member)


def links_changed(**kwargs) -> None:
    """A calendar link was written (or ``post_save`` / ``post_delete`` of one): the kept
    links are not read again."""
    replace_tokens([LINKS_TOKEN_KEY], FEED_TIMEOUT)


def _member_of_link(token: str) -> int | None:
    """The member whose live calendar link ``token`` is, kept under the links' token; a
    link not found is not kept (a guessed link costs a query, not a cache entry)."""
    digest = FeedToken.hash(token)

    def member_pk() -> int | None:
        live = FeedToken.objects.filter(digest=digest, revoked_at=None)
        return live.values_list("member_id", flat=True).first()

    link_key = f"bookings:feed-link:{digest}"
    return kept_under_token(
        LINKS_TOKEN_KEY, link_key, member_pk, FEED_TIMEOUT, keep=lambda pk: pk is not None
    )[1]


def cached_feed_of_token(token: str) -> tuple[bytes, dt.datetime | None] | None:
    """``cached_member_feed`` of the member whose live calendar link ``token`` is (None:
    no such link): the link's member kept in the cache (``_member_of_link``)."""
    from django.contrib.auth import get_user_model

    member_pk = _member_of_link(token)
    if member_pk is None:
        return None
    return _kept_feed(member_pk, lambda: get_user_model().objects.get(pk=member_pk))


def _kept_feed(member_pk: int, member) -> tuple[bytes, dt.datetime | None]:
    token, count, last, _, _ = holds.member_facts(member_pk, timezone.now())
    version = selectors.catalogue_version()

    def make() -> bytes:
        rows = Booking.objects.filter(member_id=member_pk).select_related(
            "space", "resource", "offer"
        )
        return member_feed(member(), list(rows.order_by("start")))

    if token is None or version is None:  # the cache is down: nothing names this feed
        return make(), last
    site = hashlib.sha256(settings.SITE_URL.encode()).hexdigest()[:12]
    stamp = int(last.timestamp() * 1_000_000) if last else 0  # no spaces in a cache key
    key = (
        f"bookings:member-feed:v2:{member_pk}:{token}:{count}:{stamp}:"
        f"{version}:{translation.get_language() or ''}:{site}"
    )
    return _kept_body(key, make), last


def busy_feed(
    name: str,
    resource_id: int,
    blocks: Iterable[tuple[dt.datetime, dt.datetime]],
    stamp: dt.datetime,
) -> bytes:
    """When a resource is taken: no titles, no members, just busy time. ``stamp`` is when
    the provider's answer was fetched (so an unchanged answer gives an unchanged file)."""
    cal = _calendar(_("%(name)s — busy times") % {"name": name})
    for start, end in blocks:
        event = Event()
        start_utc, end_utc = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        event.add("uid", f"busy-{resource_id}-{start_utc:%Y%m%dT%H%M%SZ}@{_domain()}")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", start_utc)
        event.add("dtend", end_utc)
        event.add("summary", _("Busy"))
        event.add("transp", "OPAQUE")
        event.add("class", "PUBLIC")
        cal.add_component(event)
    return cal.to_ical()


def kept_busy_feed(
    name: str,
    resource_id: int,
    blocks: list[tuple[dt.datetime, dt.datetime]],
    stamp: dt.datetime,
) -> bytes:
    """``busy_feed``, kept under everything it is made of (the room's name and id, its
    busy blocks, the answers' stamp, the site's domain, the language): serializing it was most of a
    warm room feed's time, and a refresh or a booking that moves a block is a new key."""
    made_of = repr((name, resource_id, blocks, stamp, _domain(), translation.get_language()))
    key = "bookings:busy-feed:v1:" + hashlib.sha256(made_of.encode()).hexdigest()
    return _kept_body(key, lambda: busy_feed(name, resource_id, blocks, stamp))


def _kept_body(key: str, make) -> bytes:
    """The body kept under ``key`` (a key naming all the body is made of)."""
    return _here.kept(key, make, FEED_TIMEOUT)


def merge_busy(slots) -> list[tuple[dt.datetime, dt.datetime]]:
    """Adjacent taken slots become one busy block."""
    blocks: list[tuple[dt.datetime, dt.datetime]] = []
    for slot in slots:
        if slot.available:
            continue
        if blocks and blocks[-1][1] >= slot.start:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], slot.end))
        else:
            blocks.append((slot.start, slot.end))
    return blocks
