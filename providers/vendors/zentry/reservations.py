"""Zentry reservations (CheckIns API, ``003_c7b0553c6c4180e6.txt``): who books, the
create bodies, a Reservation read as a SubmitResult, and the searches that find one again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.base import NotFoundError, RejectedError, UnsupportedError, malformed
from providers.adapters.parsing import text
from providers.adapters.types import BookingRequest, Customer, ItemRef, SubmitResult
from providers.messages import Message
from providers.models import OfferKind, ResourceKind
from providers.vendors.zentry.client import ZentryClient
from providers.vendors.zentry.parsing import day_bounds, instant, pass_day_of, utc_text


class ReservationsMixin(ZentryClient):
    # --- booking (CheckIns API) -----------------------------------------------------
    #
    # Identity: neither document has a way to create, find or invite a Zentry *user*
    # (users appear only as ``userId`` references; ``POST /WorkspaceMember``,
    # ``/UserLocation/create`` and ``/MemberApplication/create`` all need an existing
    # ``userId``, and no request carries an email or a name). So the portal books with
    # the integration's own user (``config.user_id``) on its members' behalf, as the
    # account is set up to. A member whom staff have linked to their own Zentry user
    # (identity ``{"user_id": ..., "shared": false}``) books as that user.

    def booking_user(self, customer: Customer) -> str:
        identity = customer.identity or {}
        own = text(identity.get("user_id"))
        if own and identity.get("shared") is False:
            return own
        return str(self.setting("user_id"))

    def identity_for(self, user_id: str) -> dict[str, Any]:
        return {"user_id": user_id, "shared": user_id == str(self.setting("user_id"))}

    @staticmethod
    def pass_day(item: ItemRef, request: BookingRequest) -> tuple[dt.date, ZoneInfo]:
        zone = ZoneInfo(item.timezone)
        return request.start.astimezone(zone).date(), zone

    def reservation_body(self, item: ItemRef, request: BookingRequest) -> tuple[str, dict]:
        """("room" | "daypass", the CreateRoomReservationRequest /
        CreateDayPassReservationRequest for this booking).

        doc: ``{userId, locationId, tenantId, employerId, reservationDate}`` (+ ``roomId,
        reservationEndDate, numberOfGuests`` for a room). ``employerId`` ("Should use
        TenantId", nullable, not required) is left out. Date-times are sent as UTC
        instants like the examples (``"2019-08-24T14:15:22Z"``).
        """
        base = {
            "userId": self.booking_user(request.customer),
            "locationId": text(item.raw.get("location_id")) or item.space_external_id,
            "tenantId": str(self.setting("tenant_id")),
        }
        if item.kind == ResourceKind.MEETING_ROOM.value and request.kind == "room":
            return "room", {
                **base,
                "reservationDate": utc_text(request.start),
                "roomId": text(item.raw.get("room_id")) or item.external_id,
                "reservationEndDate": utc_text(request.end),
                # doc: "How many guests will be in the room" -- the people attending
                # (the sandbox checks 1 <= numberOfGuests <= capacity)
                "numberOfGuests": max(1, request.attendees),
            }
        if item.kind == OfferKind.DAY_PASS.value and request.kind == "pass":
            if request.days != 1:
                raise RejectedError(Message("zentry.one_day_at_a_time"), provider=self.kind)
            day, zone = self.pass_day(item, request)
            # doc: reservationDate "The date of the reservation" (a date-time). The
            # location's local midnight, as a UTC instant, names that day whether the
            # provider reads the instant in the location's zone or takes its UTC date
            # (US zones are behind UTC).
            return "daypass", {
                **base,
                "reservationDate": utc_text(dt.datetime.combine(day, dt.time(0), zone)),
            }
        raise UnsupportedError(
            f"zentry cannot book a {request.kind} of a {item.kind}", provider=self.kind
        )

    def result_of(self, item: ItemRef, request: BookingRequest, reservation: Any) -> SubmitResult:
        """A Reservation answer as a SubmitResult.

        doc: ReservationStatus ``Pending | Cancelled | Approved | Completed``: Approved (the
        room's or location's ``autoApproveReservations``) and Completed (checked out) are
        confirmed; Pending waits for the space's approval; Cancelled is a refusal.
        """
        if not isinstance(reservation, dict) or not text(reservation.get("id")):
            raise malformed(self.kind, "the answer is not a Reservation with an id")
        status = reservation.get("status")
        if status == "Cancelled":
            raise RejectedError(
                Message("zentry.not_accepted"),
                provider=self.kind,
                code="Cancelled",
                payload=reservation,
            )
        next_step: str | Message
        if status in ("Approved", "Completed"):
            outcome, next_step = "confirmed", ""
        elif status == "Pending":
            outcome = "awaiting_approval"
            next_step = Message("zentry.awaiting_approval")
        else:
            raise malformed(self.kind, f"reservation status {status!r} is not documented")
        if item.kind == ResourceKind.MEETING_ROOM.value:
            valid_from = instant(reservation.get("reservationDate"), "reservationDate")
            valid_to = instant(reservation.get("reservationEndDate"), "reservationEndDate")
            zone = ZoneInfo(item.timezone)
            valid_from, valid_to = valid_from.astimezone(zone), valid_to.astimezone(zone)
        else:
            # a day pass occupies its whole local day
            day, zone = self.pass_day(item, request)
            valid_from, valid_to = day_bounds(day, zone)
        return SubmitResult(
            status=outcome,
            reference=text(reservation["id"]),
            valid_from=valid_from,
            valid_to=valid_to,
            next_step=next_step,
            identity=self.identity_for(
                text(reservation.get("userId")) or self.booking_user(request.customer)
            ),
            reply=reservation,
        )

    def reservations_around(
        self, item: ItemRef, request: BookingRequest, user_id: str | None
    ) -> list[dict]:
        """The reservations of this room (or this location's day passes) at the booking's
        time, of any status, for ``user_id`` when given."""
        location_id = text(item.raw.get("location_id")) or item.space_external_id
        filters: dict[str, Any] = {"locationIds": [location_id]}
        if user_id:
            filters["userIds"] = [user_id]
        if item.kind == ResourceKind.MEETING_ROOM.value:
            room_id = text(item.raw.get("room_id")) or item.external_id
            filters["roomIds"] = [room_id]
            # doc: RoomReservationQuery.occupiedDateRange
            filters["occupiedDateRange"] = {
                "from": utc_text(request.start),
                "to": utc_text(request.end),
            }
            found = self.search("/RoomReservation", filters, base=self.checkins_url)
            return [
                r
                for r in found
                if isinstance(r, dict)
                and r.get("roomId") == room_id
                and r.get("locationId", location_id) == location_id
            ]
        day, zone = self.pass_day(item, request)
        # the day's local midnight or 00:00Z of its date (see pass_day_of); the document's
        # minimum is "greater than", hence one second earlier
        lower = min(dt.datetime.combine(day, dt.time(0), dt.UTC), day_bounds(day, zone)[0])
        upper = max(
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), dt.UTC),
            day_bounds(day, zone)[1],
        )
        filters["minimumReservationDate"] = utc_text(lower - dt.timedelta(seconds=1))
        filters["maximumReservationDate"] = utc_text(upper)
        found = self.search("/DayPassReservation", filters, base=self.checkins_url)
        return [
            r
            for r in found
            if isinstance(r, dict)
            and r.get("locationId") == location_id
            and r.get("reservationType", "DayPass") == "DayPass"
            and pass_day_of(r.get("reservationDate"), zone) == day
        ]

    def claimed_elsewhere(self, references: list[str], request: BookingRequest) -> set[str]:
        """Reservation ids the portal already holds for *other* bookings of this account.

        Every member books as the same Zentry user (see ``booking_user``), and Zentry keeps
        no reference of ours, so two members' identical bookings (a room with
        ``quantity`` 2, two day passes on one day) look alike at Zentry: the one already
        attributed to another booking (``request.claimed``, given by the lifecycle) is
        not this one.
        """
        return set(references) & set(request.claimed)

    def reservation(self, item: ItemRef, request: BookingRequest, reference: str) -> dict:
        """One reservation by id. The reservation searches have no ``ids`` filter: look
        at the booking's time first, then at all of the user's reservations there."""
        for reservation in self.reservations_around(item, request, None):
            if reservation.get("id") == reference:
                return reservation
        location_id = text(item.raw.get("location_id")) or item.space_external_id
        found = self.search(
            "/Reservation",
            {
                "locationIds": [location_id],
                "userIds": [self.booking_user(request.customer)],
            },
            base=self.checkins_url,
        )
        for reservation in found:
            if isinstance(reservation, dict) and reservation.get("id") == reference:
                return reservation
        raise NotFoundError(
            Message("zentry.reservation_gone", {"reference": reference}),
            provider=self.kind,
            status=404,
        )
