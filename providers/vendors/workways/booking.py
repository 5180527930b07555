"""Workways meeting requests (seed ``001_880c9b30cd55c5d4.txt``).

``POST /api/meeting-request`` submits; reconcile and refresh read the room's ICS feed and
the member's account; the document has no cancellation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from providers.adapters.base import malformed
from providers.adapters.errors import RejectedError, UnsupportedError
from providers.adapters.parsing import text
from providers.adapters.types import BookingRequest, ItemRef, SubmitResult
from providers.messages import Message
from providers.vendors.workways.feed import FeedMixin, aware
from providers.vendors.workways.organizations import OrganizationsMixin
from providers.vendors.workways.parsing import (
    ACCEPTED,
    ARCHIVED,
    MARKER,
    REQUEST_ACCEPTED,
    ROOM_OVERLAP,
    TIMED_KINDS,
    member_language,
    utc_iso,
    whole_minutes,
)


class BookingMixin(OrganizationsMixin, FeedMixin):
    """Meeting requests: submit, reconcile, refresh and (no) cancel."""

    # --- submit ---------------------------------------------------------------------
    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """A meeting room (or an office with booking hours) is one ``POST
        /api/meeting-request``; an inquiry (a monthly office, doc Workflow 2) registers the
        member's organization with ``POST /api/register``."""
        if request.kind == "inquiry":
            return self.submit_inquiry(item, request)
        if request.kind != "room" or item.kind not in TIMED_KINDS:
            raise UnsupportedError(
                f"workways books meeting rooms and takes office inquiries, not {request.kind}",
                provider=self.kind,
            )
        try:
            answer = self.post_envelope("meeting-request", self.meeting_body(item, request))
        except RejectedError as exc:
            if exc.code == ROOM_OVERLAP or exc.status == 409:
                raise RejectedError(
                    Message("workways.slot_taken"),
                    provider=self.kind,
                    status=exc.status,
                    code=ROOM_OVERLAP,
                    payload=exc.payload,
                ) from exc
            raise
        return self.meeting_result(request, answer)

    def meeting_body(self, item: ItemRef, request: BookingRequest) -> dict[str, Any]:
        customer = request.customer
        body: dict[str, Any] = {
            "contactEmail": customer.email,
            "contactName": f"{customer.first_name} {customer.last_name}".strip(),
            "bookedRoom": self.room_id_of(item),
            "bookedAt": utc_iso(request.start),
            "duration": whole_minutes(request.start, request.end),
            "bookedUser": max(1, request.attendees),
        }
        if request.title.strip():
            body["name"] = request.title.strip()
        marker = MARKER.format(uid=request.uid)
        body["description"] = f"{request.message.strip()}\n\n{marker}".strip()
        body["language"] = member_language(customer)
        if not body["contactName"]:
            del body["contactName"]
        return body

    def meeting_result(self, request: BookingRequest, answer: dict) -> SubmitResult:
        status, data = answer.get("status"), answer.get("data")
        if status == ARCHIVED:
            # doc: "Scenario C: Archived Account ... Contact administrator to restore account"
            raise RejectedError(
                Message("workways.archived"), provider=self.kind, code=ARCHIVED, payload=answer
            )
        if status == ACCEPTED and isinstance(data, dict) and text(data.get("meetingId")):
            # doc: "Booking State: Confirmed immediately ... Immediately visible in ICS feed"
            return SubmitResult(
                "confirmed",
                reference=text(data["meetingId"]),
                valid_from=request.start,
                valid_to=request.end,
                identity={"known_user": True},
                reply=answer,
            )
        if status == REQUEST_ACCEPTED and isinstance(data, dict):
            request_id = text(data.get("meetingRequestId"))
            if request_id:
                # doc: "save the meetingRequestId. You can then pass it as the meetingId
                # parameter when calling /api/register"
                identity = {"meeting_request_id": request_id, "known_user": False}
                if text(data.get("userId")):
                    identity["user_id"] = text(data["userId"])
                return SubmitResult(
                    "awaiting_registration",
                    reference=request_id,
                    valid_from=request.start,
                    valid_to=request.end,
                    next_step=Message("workways.register"),
                    identity=identity,
                    reply=answer,
                )
        raise malformed(self.kind, f"meeting-request: unexpected answer status {status!r}")

    # --- reconcile --------------------------------------------------------------------
    def find_meeting(
        self, item: ItemRef, request: BookingRequest, reference: str = ""
    ) -> tuple[str, icalendar.Event] | None:
        """The room's ICS feed event that is this booking: the meeting id in its UID (doc
        example "UID:meeting123@workways.com") equals ``reference``, or it has exactly
        this booking's start and end and our marker in its DESCRIPTION."""
        zone = ZoneInfo(item.timezone)
        calendar = self.fetch_feed(self.room_id_of(item))
        marker = MARKER.format(uid=request.uid)
        for event in calendar.walk("VEVENT"):
            if not isinstance(event, icalendar.Event):
                continue  # walk() is typed as Components; a parsed VEVENT is an Event
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            meeting_id = str(event.get("UID", "")).split("@", 1)[0].strip()
            if reference and meeting_id == reference:
                return meeting_id, event
            try:
                first, last = event.start, event.end
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # an event without DTSTART is not ours
            if not isinstance(first, dt.datetime) or event.get("RRULE"):
                continue  # we send one timed meeting
            same_time = aware(first, zone) == request.start and aware(last, zone) == request.end
            if same_time and marker in str(event.get("DESCRIPTION", "")):
                return meeting_id, event
        return None

    def confirmed_from_feed(
        self, request: BookingRequest, meeting_id: str, event: icalendar.Event, zone: ZoneInfo
    ) -> SubmitResult:
        try:
            first, last = aware(event.start, zone), aware(event.end, zone)
        except (ValueError, KeyError, TypeError, AttributeError):
            first, last = request.start, request.end
        return SubmitResult(
            "confirmed",
            reference=meeting_id,
            valid_from=first,
            valid_to=last,
            identity={"known_user": True},
            reply={
                "found_in": "icsfeed",
                "uid": str(event.get("UID", "")),
                "summary": str(event.get("SUMMARY", "")),
                "start": first.isoformat(),
                "end": last.isoformat(),
            },
        )

    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """An accepted meeting is in the room's ICS feed ("Immediately visible in ICS
        feed"): found by time and our marker. A pending request (REQUEST_ACCEPTED) is not
        in the feed and no documented endpoint lists it: None, and sending again is safe
        because Workways answers the same request from the same email for the same room
        and time with the same ``meetingRequestId`` (the sandbox does; see the notes). An
        inquiry is found through ``user-info``: the member's organization exists."""
        if request.kind == "inquiry":
            return self.find_inquiry(item, request)
        if item.kind not in TIMED_KINDS:
            return None
        found = self.find_meeting(item, request)
        if found is None:
            return None
        return self.confirmed_from_feed(request, *found, ZoneInfo(item.timezone))

    # --- refresh ----------------------------------------------------------------------
    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """An awaiting meeting request becomes "confirmed" when the meeting shows in the
        room's ICS feed (doc: "Final Confirmation: Booking confirmed after account
        validation"); an office inquiry when the room is among the organization's
        ``allocatedRooms``."""
        if request.kind == "inquiry":
            return self.refresh_inquiry(item, request, reference)
        zone = ZoneInfo(item.timezone)
        found = self.find_meeting(item, request, reference)
        if found is not None:
            result = self.confirmed_from_feed(request, *found, zone)
            # the meeting's times in the feed now (Workways may move it)
            return dataclasses.replace(result, start=result.valid_from, end=result.valid_to)
        if request.held:
            # doc: an accepted meeting is "Immediately visible in ICS feed", which lists
            # "all meetings for the specified rooms": a meeting the portal holds that is
            # no longer there was removed at Workways.
            return SubmitResult(
                "cancelled",
                reference=reference,
                reply={"found_in": "", "icsfeed_room": self.room_id_of(item)},
            )
        user = self.lookup_user(request.customer.email)
        if user and (user.get("isUserArchived") or user.get("isOrganizationArchived")):
            raise RejectedError(Message("workways.archived"), provider=self.kind, code=ARCHIVED)
        if request.end <= dt.datetime.now(dt.UTC):
            raise RejectedError(Message("workways.expired"), provider=self.kind, code="EXPIRED")
        identity = {"meeting_request_id": reference, "known_user": False}
        reply = {"found_in": "", "user": self.user_summary(user) if user else None}
        if user and text(user.get("_id")):
            identity["user_id"] = text(user["_id"])
        if user and text(user.get("organizationId")):
            identity["organization_id"] = text(user["organizationId"])
        validated = bool(
            user
            and user.get("mailValid")
            and user.get("organizationId")
            and user.get("role") != "temp"
        )
        if validated:
            # validated, yet the meeting is not in the feed: Workways has not confirmed it
            return SubmitResult(
                "awaiting_approval",
                reference=reference,
                next_step=Message("workways.unconfirmed"),
                identity={**identity, "known_user": True},
                reply=reply,
                staff_action=(
                    f"Workways meeting request {reference}: the member's account is validated "
                    "but the meeting is not in the room's ICS feed. Check with Workways whether "
                    "it was confirmed."
                ),
            )
        registered = bool(user and text(user.get("organizationId")))
        return SubmitResult(
            "awaiting_registration",
            reference=reference,
            next_step=Message("workways.validate" if registered else "workways.register"),
            identity=identity,
            reply=reply,
        )

    # --- cancel -----------------------------------------------------------------------
    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        # The document has no endpoint to cancel or change a meeting or a request.
        raise UnsupportedError(
            "the Workways API has no cancellation: Workways must cancel it by hand",
            provider=self.kind,
        )
