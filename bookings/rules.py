"""Booking rules with one home each: pure functions of their arguments, no I/O.

Services enforce them, views and templates ask them; neither keeps its own copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
import zoneinfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    where the catalogue or the provider says (``limits``); None: unknown."""
    item = booking.item
    return limits(item).free_cancellation_hours if item is not None else None


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


# --- what a space allows: people, notice, how far ahead, buffers, free cancellation ----


@dataclasses.dataclass(frozen=True)
class Limits:
    """The booking rules of one room or pass, from its catalogue values first, then what
    its provider declares (``ProviderSpec.booking_rules``), then the portal's own."""

    fewest: int = 1  # people
    most: int | None = None  # people (None: no limit stated)
    notice: int = 0  # minutes before the start a booking may still be made
    horizon: int = MAX_DAYS_AHEAD  # days ahead a booking may start
    buffer: int = 0  # minutes kept free before and after every booking
    free_cancellation_hours: int | None = None  # None: the space does not say


def _count(value) -> int | None:
    """A whole number >= 0 from a catalogue value; None for anything else."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _first(*values) -> int | None:
    return next((n for v in values if (n := _count(v)) is not None), None)


def limits(item) -> Limits:
    """The one reading of a Resource's ``rules`` (``min_persons``, ``lead_time_minutes``,
    ``booking_horizon_days``, ``buffer_minutes``, ``free_cancellation_hours``) and
    ``capacity``, or an Offer's ``min_persons`` / ``max_persons`` and ``raw["rules"]``
    (the same keys), over its provider's ``booking_rules``."""
    declared = item.space.account.spec.booking_rules
    if hasattr(item, "rules"):  # a Resource
        own = item.rules or {}
        fewest, most = own.get("min_persons"), item.capacity
    else:  # an Offer
        own = (item.raw or {}).get("rules") or {}
        fewest, most = item.min_persons, item.max_persons
    horizon = _first(own.get("booking_horizon_days"), declared.horizon_days)
    return Limits(
        fewest=max(1, _count(fewest) or 1),
        most=_count(most) or None,
        notice=_first(own.get("lead_time_minutes"), declared.notice_minutes) or 0,
        horizon=min(MAX_DAYS_AHEAD, horizon) if horizon else MAX_DAYS_AHEAD,
        buffer=_first(own.get("buffer_minutes"), declared.buffer_minutes) or 0,
        free_cancellation_hours=_first(
            own.get("free_cancellation_hours"), declared.free_cancellation_hours
        ),
    )


def people_refusal(rule: Limits, people: int) -> str | None:
    """Why ``people`` may not attend; None: they may."""
    if people < rule.fewest:
        return ngettext(
            "This space takes bookings for at least %(n)s person.",
            "This space takes bookings for at least %(n)s people.",
            rule.fewest,
        ) % {"n": rule.fewest}
    if rule.most and people > rule.most:
        return ngettext(
            "This space takes at most %(n)s person.",
            "This space takes at most %(n)s people.",
            rule.most,
        ) % {"n": rule.most}
    return None


def last_day(rule: Limits, today: dt.date) -> dt.date:
    """The last day a booking may start on, ``today`` being the space's."""
    return today + dt.timedelta(days=rule.horizon)


def horizon_refusal(rule: Limits, day: dt.date, today: dt.date) -> str | None:
    """Why a booking may not start on ``day`` (the space's ``today``): past the space's
    horizon (4Spaces: ``bookingHorizonDays``); None: it may, as far as the horizon goes."""
    if rule.horizon >= MAX_DAYS_AHEAD or day <= last_day(rule, today):
        return None
    return ngettext(
        "This space takes bookings at most %(n)s day ahead: pick a day until %(day)s.",
        "This space takes bookings at most %(n)s days ahead: pick a day until %(day)s.",
        rule.horizon,
    ) % {"n": rule.horizon, "day": date_format(last_day(rule, today), "DATE_FORMAT")}


def notice_refusal(rule: Limits, start: dt.datetime, now: dt.datetime) -> str | None:
    """Why a booking may not start at ``start`` for want of notice; None: it may."""
    if rule.notice and start < now + dt.timedelta(minutes=rule.notice):
        return _("This must be booked at least %(ahead)s ahead.") % {
            "ahead": duration_text(rule.notice)
        }
    return None


def duration_text(minutes: int) -> str:
    """``90`` -> "90 min", ``120`` -> "2 h", ``2880`` -> "2 days" (what members read)."""
    if minutes and minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if minutes and minutes % 60 == 0:
        return _("%(h)s h") % {"h": minutes // 60}
    return _("%(m)s min") % {"m": minutes}


def summary(rule: Limits) -> list[str]:
    """The rules as a member reads them on a room, a pass or a booking form, e.g.
    ["2\u20138 people", "book at least 2 h ahead", "up to 90 days ahead"]."""
    parts = []
    if rule.most and rule.fewest > 1:
        # a real en dash: xgettext keeps an escape as six characters, and gettext misses
        people = _("%(fewest)s–%(most)s people")  # noqa: RUF001
        parts.append(people % {"fewest": rule.fewest, "most": rule.most})
    elif rule.fewest > 1:
        parts.append(_("at least %(n)s people") % {"n": rule.fewest})
    elif rule.most:
        parts.append(
            ngettext("up to %(n)s person", "up to %(n)s people", rule.most) % {"n": rule.most}
        )
    if rule.notice:
        parts.append(_("book at least %(ahead)s ahead") % {"ahead": duration_text(rule.notice)})
    if rule.horizon < MAX_DAYS_AHEAD:
        parts.append(
            ngettext("up to %(n)s day ahead", "up to %(n)s days ahead", rule.horizon)
            % {"n": rule.horizon}
        )
    if rule.buffer:
        parts.append(_("%(n)s kept free between bookings") % {"n": duration_text(rule.buffer)})
    if rule.free_cancellation_hours is not None:
        parts.append(
            _("free cancellation until %(n)s before")
            % {"n": duration_text(rule.free_cancellation_hours * 60)}
        )
    return parts


# --- the cancellation policy of one booking -----------------------------------------


def free_cancellation_until(item, start: dt.datetime) -> dt.datetime | None:
    """Until when a booking of ``item`` starting at ``start`` is cancelled for free;
    None: the space does not say."""
    hours = limits(item).free_cancellation_hours if item is not None else None
    return None if hours is None else start - dt.timedelta(hours=hours)


def moment_text(moment: dt.datetime, tz: str) -> str:
    """ "Thursday 3 December, 14:00 (Europe/Vienna)", in the active language."""
    local = moment.astimezone(zoneinfo.ZoneInfo(tz))
    return _("%(when)s (%(tz)s)") % {"when": date_format(local, "l j F, H:i"), "tz": tz}


def cancellation_policy(
    item,
    start: dt.datetime,
    now: dt.datetime,
    *,
    price=None,
    currency: str = "",
) -> str:
    """What a member is told about cancelling a booking of ``item`` at ``start``: until
    when it is free, or, past that, what cancelling costs where known; "" where the
    space says nothing."""
    until = free_cancellation_until(item, start)
    if until is None:
        return ""
    when = moment_text(until, item.space.timezone)
    if now < until:
        return _("Free cancellation until %(when)s.") % {"when": when}
    text = _("Free cancellation ended on %(when)s.") % {"when": when}
    if price is not None:
        return " ".join(
            [
                text,
                _("The space may charge for cancelling now, up to the price of %(price)s %(cur)s.")
                % {"price": price, "cur": currency},
            ]
        )
    return " ".join([text, _("The space may charge for cancelling now.")])


def booking_cancellation_policy(booking: Booking, now: dt.datetime) -> str:
    """``cancellation_policy`` of a booking (its item, start and price)."""
    if booking.item is None:
        return ""
    return cancellation_policy(
        booking.item, booking.start, now, price=booking.price, currency=booking.currency
    )


# --- checking in at the space ---------------------------------------------------------


def check_in_day(booking: Booking) -> tuple[dt.date, dt.date]:
    """The first and last of the space's days a booking may be checked in on."""
    zone = zoneinfo.ZoneInfo(booking.space.timezone)
    last = (booking.end - dt.timedelta(microseconds=1)).astimezone(zone).date()
    return booking.start.astimezone(zone).date(), last


def check_in_refusal(booking: Booking, member, now: dt.datetime, *, visited: bool) -> str | None:
    """Why ``member`` may not check in for ``booking`` at ``now`` (``visited``: it has a
    check-in already); None: they may. Where the provider offers it (Zentry, seed 003:
    an approved reservation, on its day, before it ends)."""
    if booking.member_id != getattr(member, "pk", None):
        return _("This booking is not yours.")
    if not booking.space.account.spec.capabilities.check_in:
        return _("This space does not offer check-in through the portal.")
    if visited:
        return _("You are already checked in for this booking.")
    if booking.status != Status.CONFIRMED or not booking.provider_reference:
        return _("Only a confirmed booking can be checked in.")
    first, last = check_in_day(booking)
    today = now.astimezone(zoneinfo.ZoneInfo(booking.space.timezone)).date()
    if booking.end <= now:
        return _("This booking is over.")
    if not first <= today <= last:
        return _("You can check in on the day of the booking, %(day)s.") % {
            "day": date_format(first, "DATE_FORMAT")
        }
    return None


def page_changes_at(booking: Booking, now: dt.datetime) -> dt.datetime | None:
    """When the clock alone next changes what the member's page of ``booking`` shows: the
    first still ahead of ``now`` of its end (the cancel and check-in buttons go), the start
    of its first check-in day (the check-in button comes) and the end of its free
    cancellation (the policy's words); None: none is ahead."""
    moments: list[dt.datetime | None] = [booking.end]
    if booking.space.account.spec.capabilities.check_in:
        first, _last = check_in_day(booking)
        zone = zoneinfo.ZoneInfo(booking.space.timezone)
        moments.append(dt.datetime.combine(first, dt.time(0), zone))
    if booking.item is not None:
        moments.append(free_cancellation_until(booking.item, booking.start))
    return min((moment for moment in moments if moment is not None and moment > now), default=None)


def check_out_refusal(visit, member) -> str | None:
    """Why ``member`` may not check out of ``visit``; None: they may."""
    if visit.member_id != getattr(member, "pk", None):
        return _("This visit is not yours.")
    if visit.checked_out_at is not None:
        return _("You have already checked out.")
    return None
