"""Zentry check-in and check-out (CheckIns API, ``003_c7b0553c6c4180e6.txt``): ``POST
/CheckIn/create {"reservationId"}`` and ``POST /CheckIn/{id}/check-out``, both answering a
``CheckIn``. Translation only: when a member may check in is ``bookings.rules``'."""

from __future__ import annotations

from typing import Any

from providers.adapters.base import malformed
from providers.adapters.parsing import text
from providers.adapters.types import BookingRequest, CheckInResult, ItemRef
from providers.vendors.zentry.client import ZentryClient
from providers.vendors.zentry.parsing import instant


class CheckInsMixin(ZentryClient):
    def check_in(self, item: ItemRef, request: BookingRequest, reference: str) -> CheckInResult:
        """doc: ``POST /CheckIn/create`` with CreateCheckInRequest ``{reservationId,
        location?}`` -> 200 CheckIn, or 400 ProblemDetails (the space's refusal, e.g. not
        the reservation's day: a ``RejectedError`` with its ``detail``). ``location`` (a
        Geo) is optional and the portal does not know where the member stands: left out.
        Not retried: a second check-in of one reservation is refused."""
        response = self.request(
            "POST",
            f"{self.checkins_url}/CheckIn/create",
            endpoint="POST /CheckIn/create",
            headers=self.headers(),
            json={"reservationId": reference},
        )
        return self.check_in_of(self.json(response, expect=dict))

    def check_out(self, item: ItemRef, check_in: str) -> CheckInResult:
        """doc: ``POST /CheckIn/{id}/check-out`` with CheckOutRequest ``{location?}`` ->
        200 CheckIn with its ``timeOut``."""
        response = self.request(
            "POST",
            f"{self.checkins_url}/CheckIn/{check_in}/check-out",
            endpoint="POST /CheckIn/{id}/check-out",
            headers=self.headers(),
            json={},
        )
        return self.check_in_of(self.json(response, expect=dict))

    def check_in_of(self, answer: Any) -> CheckInResult:
        """doc: CheckIn ``id`` (required), ``timeIn`` (required, date-time), ``timeOut``
        (date-time or null: still checked in)."""
        reference = text(answer.get("id")) if isinstance(answer, dict) else ""
        if not reference:
            raise malformed(self.kind, "the answer is not a CheckIn with an id")
        time_out = answer.get("timeOut")
        return CheckInResult(
            reference=reference,
            time_in=instant(answer.get("timeIn"), "timeIn"),
            time_out=instant(time_out, "timeOut") if time_out is not None else None,
            reply=answer,
        )
