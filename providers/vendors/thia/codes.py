"""Thia's access codes and their QR (seed ``000_625ed28ef0e2e084.txt``).

Every booking is an access code: its "id" (a UUID) is the reference and the code, its QR
is "qr_code_download_url". The codes of a date are the only read-back Thia has.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from providers.adapters.base import malformed
from providers.adapters.parsing import jsonable, safe_url, text
from providers.adapters.types import BookingRequest, ItemRef, SubmitResult
from providers.messages import Message
from providers.vendors.thia.client import ThiaClient
from providers.vendors.thia.parsing import BUCHAREST, HALF_DAY, parse_timestamp


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_pass_end(raw: dict, day: dt.date) -> tuple[dt.datetime, dt.timedelta] | None:
    """(naive Bucharest end, allowed difference) of a pass product's code from ``day``,
    or None when the product's terms are unknown."""
    minute, whole_day = dt.timedelta(minutes=1), dt.timedelta(days=1)
    duration = raw.get("duration") or 1
    if not isinstance(duration, int) or isinstance(duration, bool) or duration < 1:
        return None
    last_second = dt.time(23, 59, 59)
    if raw.get("seating_option_id") == 1:  # Day Pass: duration_type 1 half day, 2 full days
        if raw.get("duration_type") == HALF_DAY:
            try:
                return dt.datetime.combine(day, dt.time.fromisoformat(raw["time_end"])), minute
            except (KeyError, TypeError, ValueError):
                return None
        return dt.datetime.combine(day + dt.timedelta(days=duration - 1), last_second), minute
    unit = raw.get("duration_unit")
    if unit == 1:
        start = dt.datetime.combine(day, dt.time(0))
        return start + dt.timedelta(hours=duration, seconds=-1), minute
    if unit == 2:
        return dt.datetime.combine(day + dt.timedelta(days=duration - 1), last_second), minute
    if unit in (3, 4):
        months = duration * (12 if unit == 4 else 1)
        last = add_months(day, months) - dt.timedelta(days=1)
        return dt.datetime.combine(last, last_second), whole_day
    return None


class CodesMixin(ThiaClient):
    def codes_on(self, day: dt.date) -> list[dict]:
        """The access codes whose validity meets ``day`` (doc: desk availability with
        ``include_access_codes``; only "active" and "inactive" codes are listed)."""
        path = "/space/desk-availability"
        body = self.json(
            self.request(
                "GET",
                f"{self.base_url}{path}",
                endpoint=f"GET {path}",
                headers=self.headers(),
                params={"date": day.isoformat(), "include_access_codes": 1},
            ),
            expect=dict,
        )
        codes = body.get("access_codes") or []
        if not isinstance(codes, list):
            raise malformed(self.kind, f"GET {path}: access_codes is not a list")
        return [code for code in codes if isinstance(code, dict)]

    @staticmethod
    def is_customers(code: dict, request: BookingRequest) -> bool:
        customer = code.get("customer")
        if not isinstance(customer, dict):
            customer = {}
        email = text(customer.get("email")).lower()
        if email:
            return email == request.customer.email.strip().lower()
        known = request.customer.identity.get("customer_id")
        return known is not None and code.get("customer_id") == known

    def room_code_matches(self, code: dict, day: dt.date) -> bool:
        # doc example: a booking on 2024-03-25 is valid 2024-03-25T00:00:00 ..
        # 2024-03-25T23:59:59; a code that starts that day and ends by midnight.
        valid_from, valid_to = self.code_validity(code)
        if valid_from is None or valid_to is None:
            return False
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), BUCHAREST)
        return valid_from.date() == day and valid_to <= midnight

    def pass_code_matches(self, code: dict, item: ItemRef, day: dt.date) -> bool:
        """A code from ``day`` whose end is this product's (doc: "subscriptions are
        automatically created with the correct duration based on the product settings";
        the example's month from 2024-03-20 ends 2024-04-19T23:59:59). Calendar periods
        (months, years) are allowed a day either way, other ends a minute."""
        valid_from, valid_to = self.code_validity(code)
        if valid_from is None or valid_to is None or valid_from.date() != day:
            return False
        expected = expected_pass_end(item.raw, day)
        if expected is None:
            return True  # the product's terms are unknown: the start day decides
        end, slack = expected
        return abs(valid_to.replace(tzinfo=None) - end) <= slack

    def code_validity(self, code: dict) -> tuple[dt.datetime | None, dt.datetime | None]:
        return self.timestamp(code.get("valid_from")), self.timestamp(code.get("valid_to"))

    def timestamp(self, value: Any) -> dt.datetime | None:
        if not isinstance(value, str) or not value.strip():
            return None
        try:
            return parse_timestamp(value)
        except ValueError:
            raise malformed(self.kind, f"timestamp {value!r} is not ISO 8601") from None

    def code_result(self, code: Any, *, reply: Any) -> SubmitResult:
        """An access code (doc: "Access Code Field Descriptions") as a SubmitResult; the
        reply is kept as plain JSON (access code answers carry no secrets)."""
        if not isinstance(code, dict) or not text(code.get("id")):
            raise malformed(self.kind, "the answer has no access code id")
        code_id = text(code["id"])
        valid_from, valid_to = self.code_validity(code)
        customer_id = code.get("customer_id")
        identity = (
            {"customer_id": customer_id}
            if isinstance(customer_id, int) and not isinstance(customer_id, bool)
            else {}
        )
        if code.get("status") == "canceled":
            return SubmitResult(
                "cancelled", reference=code_id, identity=identity, reply=jsonable(reply)
            )
        return SubmitResult(
            "confirmed",
            reference=code_id,
            access_code=code_id,
            qr_url=safe_url(code.get("qr_code_download_url")),
            valid_from=valid_from,
            valid_to=valid_to,
            next_step=Message("thia.show_code"),
            identity=identity,
            reply=jsonable(reply),
        )
