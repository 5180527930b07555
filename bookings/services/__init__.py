"""The booking lifecycle: validation, the slot guard, the state machine, submission.

    pending ──▶ submitting ──▶ confirmed | awaiting_registration | awaiting_approval
       ▲            │                     | rejected | failed
       └── (retry) ─┘          any live booking ──▶ cancelled
                               (no cancel call at the provider: ──▶ cancellation_requested
                                ──▶ cancelled once staff mark it done there)

* ``booking_create_*`` (``create``) validate (``validation``), then hold the slot inside
  a transaction that locks the resource's row (PostgreSQL row lock; SQLite serializes
  writers), so two members can never hold the same slot of an exclusive resource and a
  resource with ``quantity`` N holds at most N. The booking is saved before anything is
  sent; the submit task is enqueued on commit (``providers.jobs.enqueue``).
* ``submit`` (``submission``) is run by the task: it *claims* the booking with a
  conditional update, so a second delivery does nothing; a booking left in ``submitting``
  by a dead worker is reclaimed after ``STALE_SUBMISSION`` and reconciled with the
  provider before anything is sent again, so it is never booked twice. ``sweep`` re-sends
  what a lost message left behind.
* Every transition (``states``) is one conditional update plus a ``BookingEvent`` (who,
  when, why, provider reply).
* The rules themselves (the grid, how far ahead, the profile, who may cancel) live in
  ``bookings.rules``.

Callers use ``from bookings import services`` and the names re-exported here; each job
has its own module: errors, states, requests, validation, create, quotes, submission,
cancellation, registration, staff, sweeper, recheck (reading bookings back), series
(recurring bookings: ``from bookings.services import series``).
"""

from __future__ import annotations

from bookings.services.cancellation import cancel, complete_cancellation
from bookings.services.checkins import check_in, check_out
from bookings.services.create import (
    booking_create_inquiry,
    booking_create_pass,
    booking_create_room,
    form_booking,
    pass_bounds,
    replay,
    replayed,
)
from bookings.services.errors import BookingError, Retry, SlotTaken
from bookings.services.quotes import catalogue_quote, quote_for
from bookings.services.recheck import recheck_upcoming
from bookings.services.registration import complete_registration
from bookings.services.requests import (
    customer_for,
    customer_of,
    preview_request,
    remember_identity,
    request_for,
)
from bookings.services.staff import (
    approval_is_local,
    approval_note,
    approve_request,
    ask_provider,
    decline_request,
    retry,
    staff_decide,
)
from bookings.services.states import TRANSITIONS, transition
from bookings.services.submission import (
    MAX_SUBMIT_ATTEMPTS,
    RESULT_STATUS,
    STALE_SUBMISSION,
    apply_result,
    claim,
    enqueue_submit,
    refresh_from_provider,
    submit,
)
from bookings.services.sweeper import sweep
from bookings.services.validation import (
    AlreadyHeld,
    RoomChoice,
    check_room_limits,
    check_upcoming_limit,
    validate_room,
)

__all__ = [
    "MAX_SUBMIT_ATTEMPTS",
    "RESULT_STATUS",
    "STALE_SUBMISSION",
    "TRANSITIONS",
    "AlreadyHeld",
    "BookingError",
    "Retry",
    "RoomChoice",
    "SlotTaken",
    "apply_result",
    "approval_is_local",
    "approval_note",
    "approve_request",
    "ask_provider",
    "booking_create_inquiry",
    "booking_create_pass",
    "booking_create_room",
    "cancel",
    "catalogue_quote",
    "check_in",
    "check_out",
    "check_room_limits",
    "check_upcoming_limit",
    "claim",
    "complete_cancellation",
    "complete_registration",
    "customer_for",
    "customer_of",
    "decline_request",
    "enqueue_submit",
    "form_booking",
    "pass_bounds",
    "preview_request",
    "quote_for",
    "recheck_upcoming",
    "refresh_from_provider",
    "remember_identity",
    "replay",
    "replayed",
    "request_for",
    "retry",
    "staff_decide",
    "submit",
    "sweep",
    "transition",
    "validate_room",
]
