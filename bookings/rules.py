"""Booking rules with one home each: pure functions of their arguments, no I/O.

Services enforce them, views and templates ask them; neither keeps its own copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

from bookings.models import LIVE, Booking, ProviderIdentity, Status

# How far ahead a room, a pass, an inquiry or a calendar page may be asked for (and how
# far back a past day of a calendar may be shown).
MAX_DAYS_AHEAD = 366

# --- how far ahead ----------------------------------------------------------------------


def start_refusal(start: dt.datetime, now: dt.datetime) -> str | None:
    """Why a room booking may not start at ``start`` (aware), for the member to read; None:
    it may, as far as the calendar goes. Checked before anything adds to the time: a year
    0001 or 9999 start would overflow."""
    if start < now:
        return _("This time is in the past.")
    if start > now + dt.timedelta(days=MAX_DAYS_AHEAD):
        return _("Bookings open at most a year ahead.")
    return None


def day_refusal(day: dt.date, today: dt.date, *, inquiry: bool = False) -> str | None:
    """Why a pass (or, ``inquiry``, a request to the space) may not start on ``day``, with
    ``today`` the space's; None: it may, as far as the calendar goes."""
    if day < today:
        return _("This day is in the past.")
    if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        if inquiry:
            return _("Requests can be sent for a day at most a year ahead.")
        return _("Passes can be booked at most a year ahead.")
    return None


# --- text members write on one line (a title, a name, a phone number) ----------------

# line breaks and the other control characters (NUL, tab, escape, U+2028 ...)
_NOT_ONE_LINE = frozenset({"Cc", "Zl", "Zp"})


def _breaks_line(char: str) -> bool:
    return unicodedata.category(char) in _NOT_ONE_LINE


def one_line_refusal(text: str) -> str | None:
    """Why ``text`` cannot be a one-line field: it reaches an email subject, where a line
    break is refused (``BadHeaderError``), and providers' one-line fields."""
    if any(_breaks_line(char) for char in text):
        return _("Write this on one line, without line breaks or control characters.")
    return None


def one_line(text: str) -> str:
    """``text`` on one line: every run of spaces, line breaks and control characters
    becomes one space (for text written before it was refused, and providers' names).
    Other spaces stay: French puts a no-break space before a colon."""
    spaced = "".join(" " if _breaks_line(char) else char for char in text)
    return re.sub(" {2,}", " ", spaced).strip(" ")


# --- the member's profile -------------------------------------------------------------

# What every provider needs to book in the member's name.
PROFILE_FIELDS = ("first_name", "last_name", "phone")


def profile_missing(member) -> list[str]:
    """The profile fields the member still has to fill in before booking (none: ready)."""
    return [name for name in PROFILE_FIELDS if not getattr(member, name, "")]


def profile_message() -> str:
    """What the member is told while ``profile_missing`` is not empty."""
    return _(
        "Add your first name, last name and phone number to your profile first: the "
        "provider needs them to book."
    )


# --- the slot grid of a room --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Grid:
    """A room's grid, in minutes, from its ``rules`` (``Resource.rules``)."""

    step: int  # bookings start on multiples of it, and last a multiple of it
    length: int  # one slot cut from a provider's open window
    shortest: int  # the shortest booking
    longest: int | None  # the longest booking (None: the provider sets no limit)


def grid(rules: dict | None) -> Grid:
    """The one reading of ``step_minutes`` / ``slot_minutes`` / ``min_minutes`` /
    ``max_minutes``: a missing step falls back to the slot, then to an hour; a missing
    slot length or minimum falls back to the step."""
    rules = rules or {}
    step = int(rules.get("step_minutes") or rules.get("slot_minutes") or 60)
    longest = rules.get("max_minutes")
    return Grid(
        step=step,
        length=int(rules.get("slot_minutes") or step),
        shortest=int(rules.get("min_minutes") or rules.get("slot_minutes") or step),
        longest=int(longest) if longest else None,
    )


# --- cancelling -------------------------------------------------------------------------


def cancel_refusal(
    booking: Booking, member, now: dt.datetime, *, as_staff: bool = False
) -> str | None:
    """Why ``member`` may not cancel ``booking`` at ``now``, for them to read; None: they may.

    A live booking can be cancelled, except while it is being sent to the provider. A
    member cancels their own bookings until they end, and so does a staff user on the
    member pages; staff acting as staff (``as_staff``: the admin) and the system
    (``member`` None) cancel any live booking, even one that is over.
    """
    if booking.status not in LIVE:
        return _("This booking is already %(s)s.") % {"s": booking.get_status_display()}
    if booking.status == Status.SUBMITTING:
        return _("This booking is being sent to the provider; try again in a minute.")
    if member is None or (as_staff and getattr(member, "is_staff", False)):
        return None
    if booking.member_id != member.pk:
        return _("This booking is not yours.")
    if booking.end <= now:
        return _("This booking is over; it can no longer be cancelled.")
    return None


def can_cancel(booking: Booking, member, now: dt.datetime, *, as_staff: bool = False) -> bool:
    """Whether ``member`` may cancel ``booking`` at ``now`` (the cancel button shows)."""
    return cancel_refusal(booking, member, now, as_staff=as_staff) is None


def free_cancellation_hours(booking: Booking) -> int | None:
    """How many hours before the start the space lets a booking be cancelled for free,
    where the catalogue says (``rules.free_cancellation_hours``, 4Spaces); None: unknown."""
    item = booking.item
    hours = (getattr(item, "rules", None) or {}).get("free_cancellation_hours")
    try:
        return int(hours) if hours is not None else None
    except (TypeError, ValueError):
        return None


def inside_free_cancellation(booking: Booking, at: dt.datetime) -> bool | None:
    """Whether cancelling at ``at`` is inside the space's free window; None: unknown."""
    hours = free_cancellation_hours(booking)
    if hours is None:
        return None
    return at <= booking.start - dt.timedelta(hours=hours)


# --- certainty: will the booking be confirmed at once? ------------------------------

INSTANT, REQUEST = "instant", "request"


def certainty(item, member=None) -> tuple[str, int | None]:
    """ "instant" when the provider confirms the booking at once, or "request" with the
    hours the space usually takes to answer (``ProviderSpec.expected_answer_hours``; None
    where its documents do not say). ``item`` is a Resource or an Offer; with ``member``
    the answer is this member's (Workways treats members it does not know yet apart).

    What each provider's documents say:

    * Thia (seed 000): a meeting-room booking or an access code is made by the one call
      ("Access codes created for today will have "active" status"; "A subscription is
      automatically created for the product"): instant.
    * Workways (seed 001): "Existing users: Bookings are confirmed immediately (status:
      ACCEPTED)", "New users: Must complete registration first (status:
      REQUEST_ACCEPTED)"; "Office rentals are monthly contracts and require manual
      approval, unlike meeting rooms which can be instantly booked": rooms are instant,
      except for a member the portal does not know to be an existing user (only what was
      already asked is read here: search never calls a provider); offices are requests.
    * Zentry (seed 002): "autoApproveReservations | Flag indicating if reservations should
      be auto approved when created", on the room (room reservations) and on the
      location (day passes); otherwise a reservation stays "Pending" until approved
      (seed 003, ``PUT /Reservation/{id}/approve``). The catalogue keeps the flag in
      ``raw["auto_approve"]``; a row synced before it did is taken as a request.
    * 4Spaces (seed 004): no booking endpoint; the space's staff take every reservation
      or request: always a request.
    """
    spec = item.space.account.spec
    caps = spec.capabilities
    request = REQUEST, spec.expected_answer_hours
    kind = getattr(item, "kind", "")
    if not caps.reflects_bookings:  # the provider never hears of the booking (4Spaces)
        return request
    if kind in ("service", "private_office") and (caps.office_inquiries or caps.approval):
        return request  # arranged by people (a Workways office, a request service)
    auto = (getattr(item, "raw", None) or {}).get("auto_approve")
    if auto is False:
        return request
    if caps.approve and auto is not True:
        # a provider whose spaces approve reservations, and no flag saying this one
        # does not need it
        return request
    signed_in = getattr(member, "is_authenticated", False)
    if caps.registration and signed_in and not _known_user(member, item):
        return request  # registration first, then the booking is confirmed
    return INSTANT, None


def _known_user(member, item) -> bool:
    """Whether the provider was found to know ``member`` (remembered, never asked here)."""
    identity = ProviderIdentity.objects.filter(member=member, account=item.space.account).first()
    return bool(identity and identity.data.get("known_user") is True)
