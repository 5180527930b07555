"""Thia bookings: submit, reconcile, refresh and cancel (seed ``000_625ed28ef0e2e084.txt``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from providers.adapters.errors import RejectedError, UnsupportedError
from providers.adapters.types import BookingRequest, ItemRef, SubmitResult
from providers.messages import Message
from providers.models import ResourceKind
from providers.vendors.thia.codes import CodesMixin
from providers.vendors.thia.parsing import BUCHAREST, PASS_KINDS
from providers.vendors.thia.slots import SlotsMixin

# Thia sells a pass for one start day; the product sets how long it is valid.
ONE_START_DAY = Message("thia.one_start_day")
# doc: customer.phone "10-15 digits, optional + prefix"
PHONE = re.compile(r"^\+?\d{10,15}$")


def normal_phone(value: str) -> str:
    phone = re.sub(r"[\s\-().]", "", value or "")
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    return phone if PHONE.match(phone) else ""


def bucharest_today() -> dt.date:
    # doc: "today or future dates only", in Thia's time zone
    return dt.datetime.now(BUCHAREST).date()


class BookingMixin(CodesMixin, SlotsMixin):
    # Booking reads the access codes (CodesMixin) and the room slot labels (SlotsMixin).
    # doc: POST /meeting-room-booking (room products, hourly "selected_slots") and POST
    # /access-codes/product (day pass, hot desk, dedicated desk, private office) both
    # answer 201 {"data": <access code>}: the booking is made at once, there is nothing to
    # approve. The access code's "id" (a UUID) is the reference and the code; its QR is
    # "qr_code_download_url". Thia keeps no reference of ours, has no read-back endpoint
    # and no cancellation: see docs/providers/thia.md, "Booking".

    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        product_id = self.item_product_id(item)
        customer = self.customer_body(request)
        if item.kind == ResourceKind.MEETING_ROOM and request.kind == "room":
            day, labels = self.room_slots(request)
            path = "/meeting-room-booking"
            body = {
                "product_id": product_id,
                "date": day.isoformat(),
                "selected_slots": labels,
                "customer": customer,
            }
        elif item.kind in PASS_KINDS and request.kind == "pass":
            if request.days > 1:
                raise RejectedError(ONE_START_DAY, provider=self.kind)
            path = "/access-codes/product"
            body = {
                "product_id": product_id,
                "start_date": self.local_day(request).isoformat(),
                "customer": customer,
            }
        else:
            raise UnsupportedError(
                f"thia books meeting rooms and passes, not a {request.kind} of a {item.kind}",
                provider=self.kind,
            )
        # A POST is sent once (the base does not retry it): after a timeout the lifecycle
        # reconciles with find_existing before anything is sent again.
        response = self.request(
            "POST",
            f"{self.base_url}{path}",
            endpoint=f"POST {path}",
            headers=self.headers(),
            json=body,
        )
        answer = self.json(response, expect=dict)
        return self.code_result(answer.get("data"), reply=answer)

    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """Reconcile through the only read-back Thia has: the access codes of a date.

        ``GET /space/desk-availability?date=D&include_access_codes=1`` lists every active
        or inactive code whose validity meets D, with its customer. A code is this booking
        when it belongs to this customer (email, or the Thia customer id remembered) and
        its validity is this product's from this day; for a room, the booked slots must
        also be gone from ``GET /space/meeting-room-availability``. Codes carry no product
        id, so among several such codes the newest is taken.
        """
        if item.kind == ResourceKind.MEETING_ROOM and request.kind == "room":
            day, labels = self.room_slots(request)
            if day < bucharest_today():
                return None  # Thia answers past dates with a 400; nothing can be booked
            free = self.free_slot_labels(self.item_product_id(item), day)
            if any(label in free for label in labels):
                return None  # a booked slot is not listed: this booking is not held
            matches = lambda code: self.room_code_matches(code, day)  # noqa: E731
        elif item.kind in PASS_KINDS and request.kind == "pass":
            day = self.local_day(request)
            if day < bucharest_today():
                return None
            matches = lambda code: self.pass_code_matches(code, item, day)  # noqa: E731
        else:
            return None
        candidates = [
            code
            for code in self.codes_on(day)
            if self.is_customers(code, request)
            and code.get("subscription_id") is not None
            and matches(code)
        ]
        if not candidates:
            return None
        newest = max(candidates, key=lambda c: str(c.get("created_at") or ""))
        return self.code_result(newest, reply={"reconciled": True, "data": newest})

    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """Thia bookings are confirmed at once; the code is looked up by its id among the
        codes of its first day (or today, for a pass under way).

        doc (desk availability): "Access codes are included if their validity period
        intersects with the requested date" and "Only access codes with "active" or
        "inactive" status are counted"; a code's status is one of "active, inactive,
        expired, canceled". So a code the portal holds (``request.held``) that is not
        listed for a day it covers, or is listed as canceled, is no longer held: Thia
        (its admin panel) cancelled it, or moved it off that day -- Thia has no lookup by
        id to tell the two apart, and either way the booking is not what the member has.
        A pass code listed with another validity than its product gives from the
        booking's day was changed there: ``start`` / ``end`` say when it now runs.
        """
        day = max(self.local_day(request), bucharest_today())
        for code in self.codes_on(day):
            if code.get("id") == reference:
                result = self.code_result(code, reply={"data": code})
                return self.with_changed_validity(result, code, item, request)
        if request.held:
            return SubmitResult(
                "cancelled",
                reference=reference,
                reply={"date": day.isoformat(), "listed": False, "access_code": reference},
            )
        raise UnsupportedError(
            "thia lists only active and upcoming access codes; this one is not among them",
            provider=self.kind,
        )

    def with_changed_validity(
        self, result: SubmitResult, code: dict, item: ItemRef, request: BookingRequest
    ) -> SubmitResult:
        """A pass whose code no longer runs as its product does from the booking's first
        day: the code's days (local midnight after its "23:59:59" end, as the portal holds
        passes) become the booking's. A room's code spans its whole day (doc example:
        2024-03-25T00:00:00 .. 23:59:59): it cannot say the hours, so it says nothing."""
        if result.status != "confirmed" or item.kind not in PASS_KINDS:
            return result
        if self.pass_code_matches(code, item, self.local_day(request)):
            return result
        valid_from, valid_to = self.code_validity(code)
        if valid_from is None or valid_to is None:
            return result
        first = dt.datetime.combine(valid_from.date(), dt.time(0), BUCHAREST)
        last = valid_to.replace(tzinfo=BUCHAREST)
        if last.time() != dt.time(0):
            last = dt.datetime.combine(last.date() + dt.timedelta(days=1), dt.time(0), BUCHAREST)
        if last <= first:
            return result
        return dataclasses.replace(result, start=first, end=last)

    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        # doc: the Partner API has no endpoint to cancel a booking or an access code.
        raise UnsupportedError(
            "thia has no cancellation in its Partner API: cancel the access code in Thia's "
            "admin panel",
            provider=self.kind,
        )

    @staticmethod
    def local_day(request: BookingRequest) -> dt.date:
        return request.start.astimezone(BUCHAREST).date()

    @staticmethod
    def customer_body(request: BookingRequest) -> dict[str, str]:
        """doc: customer.first_name, last_name, email (max 255) and an optional phone of
        "10-15 digits, optional + prefix": spaces and dashes are dropped, and a number that
        still does not fit is left out rather than refused."""
        customer = request.customer
        body = {
            "first_name": customer.first_name.strip()[:255],
            "last_name": customer.last_name.strip()[:255],
            "email": customer.email.strip(),
        }
        phone = normal_phone(customer.phone)
        if phone:
            body["phone"] = phone
        return body
