"""Staff actions on a booking: send a failed one again, approve or decline a request.

Approval and decline go to the provider where its document has a call for them
(``SPEC.capabilities.approve`` / ``cancel``), so the portal never says "confirmed" while
the provider still says "pending"; where it has none (4Spaces) they are local, and staff
settle it with the space themselves. Emails to the member follow the state (the hook in
``states.transition``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.utils.translation import gettext as _

from bookings import availability, emails
from bookings.models import Booking, Status
from bookings.services.errors import BookingError
from bookings.services.recheck import AWAITING, apply_read_back
from bookings.services.requests import request_for
from bookings.services.states import transition
from bookings.services.submission import apply_result, enqueue_submit
from providers import messages
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)

REQUESTS = (Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION)


def retry(booking: Booking, *, actor, note: str = "") -> None:
    """Staff: send a failed booking again (it is reconciled first)."""
    if transition(
        booking,
        Status.PENDING,
        reason=emails.with_staff_note("retry requested by staff", note),
        actor=actor,
        actor_label="staff",
        provider_message="",
    ):
        enqueue_submit(booking.pk)


def approval_is_local(booking: Booking) -> bool:
    """Whether staff approval stays in the portal (the provider has no approval call)."""
    return not booking.space.account.spec.capabilities.approve


def approval_note(booking: Booking) -> str:
    """What staff read next to the approve action for this booking."""
    label = booking.space.account.label
    if approval_is_local(booking):
        return _("%(provider)s has no approval call: confirm with the space first.") % {
            "provider": label
        }
    return _("The approval is sent to %(provider)s; the booking is confirmed when it agrees.") % {
        "provider": label
    }


def _not_a_request(booking: Booking) -> BookingError:
    return BookingError(
        _("Booking #%(id)s is %(s)s, not a request waiting for an answer.")
        % {"id": booking.pk, "s": booking.get_status_display()},
        status=409,
    )


@contextlib.contextmanager
def _asking(label: str, refused: str) -> Iterator[None]:
    """A staff action's call to the provider: its faults become a ``BookingError`` in
    words and the booking is left unchanged. ``refused`` says what a refusal means, with
    ``%(provider)s`` and ``%(m)s`` (the provider's message)."""
    try:
        yield
    except TransientError as exc:
        raise BookingError(
            _("%(provider)s is not answering; the booking is unchanged. Try again later.")
            % {"provider": label},
            status=503,
        ) from exc
    except AuthenticationError as exc:
        raise BookingError(
            _("%(provider)s refused this account's credentials; the booking is unchanged.")
            % {"provider": label},
            status=502,
        ) from exc
    except (RejectedError, UnsupportedError) as exc:
        raise BookingError(
            refused % {"provider": label, "m": messages.render(exc.message)}, status=409
        ) from exc


def approve_request(booking: Booking, *, actor, note: str = "") -> bool:
    """Staff approve a request: at the provider first where it has the call, and the
    booking is confirmed only once the provider says so; locally otherwise."""
    if booking.status not in REQUESTS:
        raise _not_a_request(booking)
    label = booking.space.account.label
    if approval_is_local(booking) or not booking.provider_reference:
        return transition(
            booking,
            Status.CONFIRMED,
            reason=emails.with_staff_note(
                f"confirmed by staff ({label} has no approval call)", note
            ),
            actor=actor,
            actor_label="staff",
            next_step="",
        )
    refused = _("%(provider)s did not approve it: %(m)s The booking is unchanged.")
    with _asking(label, refused), adapter_for(booking.space.account) as adapter:
        result = adapter.approve(
            availability.item_ref(booking.item),
            request_for(booking),
            booking.provider_reference,
        )
    if result.status != "confirmed":
        raise BookingError(
            _("%(provider)s still has it as %(s)s; the booking is unchanged.")
            % {"provider": label, "s": result.status},
            status=409,
        )
    noted = emails.with_staff_note("", note)
    return apply_result(booking, result, actor_label="staff", actor=actor, note=noted)


def decline_request(booking: Booking, *, actor, reason: str) -> bool:
    """Staff decline a request with a reason the member reads. Where the provider holds it
    and can cancel it (Zentry) it is cancelled there first."""
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Give the member a reason for declining."), status=400)
    if booking.status not in REQUESTS:
        raise _not_a_request(booking)
    reply = None
    account = booking.space.account
    if booking.provider_reference and account.spec.capabilities.cancel:
        # Zentry: seed 003 documents "PUT /Reservation/{id}/approve" and "DELETE
        # /Reservation" but no decline, so a declined reservation is cancelled there.
        try:
            with adapter_for(account) as adapter:
                reply = adapter.cancel(
                    availability.item_ref(booking.item),
                    request_for(booking),
                    booking.provider_reference,
                )
        except (TransientError, AuthenticationError, RejectedError, UnsupportedError) as exc:
            raise BookingError(
                _("%(provider)s could not cancel it: %(m)s The booking is unchanged.")
                % {"provider": account.label, "m": messages.render(exc.message)},
                status=409 if isinstance(exc, RejectedError) else 503,
            ) from exc
    return transition(
        booking,
        Status.REJECTED,
        reason=f"declined by staff: {reason}",
        actor=actor,
        actor_label="staff",
        reply=reply,
        provider_message=reason[:2000],
        next_step="",
    )


def staff_decide(booking: Booking, *, approve: bool, actor, note: str = "") -> bool:
    """Staff confirm or decline a request (``approve_request`` / ``decline_request``)."""
    if approve:
        return approve_request(booking, actor=actor, note=note)
    return decline_request(booking, actor=actor, reason=note or _("The space could not accept it."))


def ask_provider(booking: Booking, *, actor) -> str:
    """Staff: ask the provider how it holds this booking now, apply what it says (as the
    re-check does) and return, in words, what it answered and what changed."""
    account = booking.space.account
    label = account.label
    if not account.spec.capabilities.reads_back:
        raise BookingError(
            _("%(provider)s cannot be asked about a booking: check it with the space.")
            % {"provider": label},
            status=409,
        )
    if not booking.provider_reference:
        raise BookingError(
            _("%(provider)s does not hold this booking (it has no provider reference).")
            % {"provider": label},
            status=409,
        )
    before = booking.status
    # a search that misses it once is not a cancellation: nothing is changed
    refused = _("%(provider)s answered: %(m)s The booking is unchanged.")
    with _asking(label, refused), adapter_for(account) as adapter:
        result = adapter.refresh(
            availability.item_ref(booking.item),
            request_for(booking),
            booking.provider_reference,
        )
    if booking.status in AWAITING:
        apply_result(booking, result, actor_label="staff", actor=actor)
    else:
        apply_read_back(booking, result)
    booking.refresh_from_db()
    answered = _("%(provider)s answered: %(status)s.") % {
        "provider": label,
        "status": result.status.replace("_", " "),
    }
    if booking.status != before:
        return f"{answered} " + _("The booking is now %(status)s.") % {
            "status": booking.get_status_display()
        }
    return f"{answered} " + _("Nothing changed here.")
