"""Zentry booking (CheckIns API, ``003_c7b0553c6c4180e6.txt``): ``POST
/Reservation/create/room`` / ``/create/daypass`` as the integration user on the member's
behalf, reservation searches to reconcile and refresh, ``DELETE /Reservation`` to cancel,
``PUT /Reservation/{id}/approve`` when staff approve;
see docs/providers/zentry.md "Booking (adapter)".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from providers.adapters.base import AuthenticationError, RejectedError
from providers.adapters.errors import ProviderError
from providers.adapters.parsing import text
from providers.adapters.types import BookingRequest, ItemRef, SubmitResult
from providers.messages import Message
from providers.models import ResourceKind
from providers.vendors.zentry.parsing import HOLDING_STATUSES, day_bounds, instant, pass_day_of
from providers.vendors.zentry.reservations import ReservationsMixin


class BookingMixin(ReservationsMixin):
    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """doc: ``POST /Reservation/create/room`` / ``POST /Reservation/create/daypass`` ->
        Reservation (200) or ProblemDetails (400: the provider's refusal, its ``detail``
        kept as the member's message). Sent once: a lost answer is reconciled by
        ``find_existing``."""
        kind, body = self.reservation_body(item, request)
        response = self.request(
            "POST",
            f"{self.checkins_url}/Reservation/create/{kind}",
            endpoint=f"POST /Reservation/create/{kind}",
            headers=self.headers(),
            json=body,
        )
        return self.result_of(item, request, self.json(response, expect=dict))

    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """Does Zentry already hold this booking? The same room (or location's day pass),
        the same user, the same start and end (the same local day for a pass), the same
        number of guests, not cancelled, and not a reservation the portal holds for
        another booking; the oldest such one."""
        _kind, body = self.reservation_body(item, request)
        user_id = body["userId"]
        matches = []
        for reservation in self.reservations_around(item, request, user_id):
            if reservation.get("userId") != user_id:
                continue
            if reservation.get("status") not in HOLDING_STATUSES:
                continue
            if not text(reservation.get("id")):
                continue
            if item.kind == ResourceKind.MEETING_ROOM.value:
                begins = instant(reservation.get("reservationDate"), "reservationDate")
                ends = instant(reservation.get("reservationEndDate"), "reservationEndDate")
                if (begins, ends) != (request.start, request.end):
                    continue
                guests = reservation.get("numberOfGuests")
                if guests is not None and guests != body["numberOfGuests"]:
                    continue
            matches.append(reservation)
        taken = self.claimed_elsewhere([text(r["id"]) for r in matches], request)
        matches = [r for r in matches if text(r["id"]) not in taken]
        if not matches:
            return None
        matches.sort(key=lambda r: (text(r.get("dateCreated")), text(r["id"])))
        return self.result_of(item, request, matches[0])

    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """The reservation read back: Approved -> confirmed, Pending -> still awaiting
        approval, Cancelled -> RejectedError (the space declined the request), or, for a
        booking the portal holds (``request.held``), "cancelled": the space cancelled it.
        ``start`` / ``end`` are the reservation's times now (the space may move it)."""
        reservation = self.reservation(item, request, reference)
        when = self.reserved_times(item, reservation)
        if request.held and reservation.get("status") == "Cancelled":
            # doc: ReservationStatus "Cancelled"; a reservation Zentry had approved that is
            # now Cancelled was cancelled at Zentry (``DELETE /Reservation`` by the space)
            return SubmitResult("cancelled", reference=reference, reply=reservation)
        result = self.result_of(item, request, reservation)
        return dataclasses.replace(result, start=when[0], end=when[1]) if when else result

    def reserved_times(
        self, item: ItemRef, reservation: dict
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """doc: RoomReservation ``reservationDate`` .. ``reservationEndDate``; a day pass
        holds the local day of its ``reservationDate`` (see ``pass_day_of``)."""
        zone = ZoneInfo(item.timezone)
        try:
            if item.kind == ResourceKind.MEETING_ROOM.value:
                begins = instant(reservation.get("reservationDate"), "reservationDate")
                ends = instant(reservation.get("reservationEndDate"), "reservationEndDate")
                return begins.astimezone(zone), ends.astimezone(zone)
            return day_bounds(pass_day_of(reservation.get("reservationDate"), zone), zone)
        except ProviderError:
            return None  # no times to compare: the status alone is read

    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        """doc: ``DELETE /Reservation {"reservationId"}`` -> the Reservation, now
        Cancelled. One already cancelled at Zentry (by the space, or by an earlier
        attempt whose answer was lost) is what the member asked for."""
        try:
            response = self.request(
                "DELETE",
                f"{self.checkins_url}/Reservation",
                endpoint="DELETE /Reservation",
                headers=self.headers(),
                json={"reservationId": reference},
            )
        except RejectedError as refused:
            try:
                current = self.reservation(item, request, reference)
            except RejectedError:
                raise refused from None
            if current.get("status") == "Cancelled":
                return current
            raise
        return self.json(response, expect=dict)

    def approve(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """doc: ``PUT /Reservation/{id}/approve`` -> 200 Reservation (the only answer the
        document lists; Approved stays Approved). A key that may not approve answers 403:
        a refusal with words staff can act on, not a broken account (the key still books).
        """
        try:
            response = self.request(
                "PUT",
                f"{self.checkins_url}/Reservation/{reference}/approve",
                endpoint="PUT /Reservation/{id}/approve",
                headers=self.headers(),
                # approving twice is approving once ("Approved stays Approved")
                retry=True,
            )
        except AuthenticationError as exc:
            if exc.status != 403:
                raise
            raise RejectedError(
                Message("zentry.approve_forbidden"),
                provider=self.kind,
                status=403,
                code="Forbidden",
                payload=exc.payload,
            ) from exc
        return self.result_of(item, request, self.json(response, expect=dict))
