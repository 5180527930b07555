"""Thia sandbox: request validation with Laravel-style messages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from werkzeug.wrappers import Response

from sandbox.core import json_response
from sandbox.thia.common import (
    DATE_RE,
    EMAIL_RE,
    PHONE_RE,
    SLOT_DUPLICATE,
    SLOT_NOT_ON_THE_HOUR,
    SLOT_NOT_ONE_HOUR,
    SLOT_RE,
    VALIDATION_ERROR,
)

# --- Validation (Laravel-style messages, as in the document's examples) ---------------


def attribute_name(field: str) -> str:
    # Laravel shows "start_date" as "start date", "customer.first_name" as "customer.first name"
    return field.replace("_", " ")


class Errors:
    """Ordered field -> [messages]; the first message becomes the answer's "message"."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    @property
    def first(self) -> str:
        return next(iter(self.fields.values()))[0]

    def detailed(self, status: int) -> Response:
        # doc: {"error": "The given data was invalid.", "message": "...", "errors": {...}}
        body = {"error": VALIDATION_ERROR, "message": self.first, "errors": self.fields}
        return json_response(body, status)

    def flat(self) -> Response:
        # doc (meeting-room availability): {"error": "The date field is required.", "message": same}
        return json_response({"error": self.first, "message": self.first}, 400)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def check_date(errors: Errors, field: str, value: Any, today: dt.date) -> dt.date | None:
    """``required|date_format:Y-m-d|after_or_equal:<today>``."""
    attr = attribute_name(field)
    if is_blank(value):
        errors.add(field, f"The {attr} field is required.")
        return None
    day = None
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        errors.add(field, f"The {attr} does not match the format Y-m-d.")
        return None
    if day < today:
        # doc: "The date must be a date after or equal to 2024-03-15."
        errors.add(field, f"The {attr} must be a date after or equal to {today.isoformat()}.")
        return None
    return day


def check_integer(errors: Errors, field: str, value: Any) -> int | None:
    attr = attribute_name(field)
    if is_blank(value):
        errors.add(field, f"The {attr} field is required.")
        return None
    if isinstance(value, bool):
        errors.add(field, f"The {attr} must be an integer.")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    errors.add(field, f"The {attr} must be an integer.")
    return None


def check_customer(errors: Errors, body: dict) -> dict | None:
    """``customer.first_name|last_name|email`` required (max 255), ``customer.phone`` optional."""
    customer = body.get("customer")
    if not isinstance(customer, dict):
        customer = {}
    clean: dict[str, Any] = {}
    for name in ("first_name", "last_name", "email"):
        field = f"customer.{name}"
        attr = attribute_name(field)
        value = customer.get(name)
        if is_blank(value):
            errors.add(field, f"The {attr} field is required.")
        elif not isinstance(value, str):
            errors.add(field, f"The {attr} must be a string.")
        elif len(value) > 255:
            errors.add(field, f"The {attr} must not be greater than 255 characters.")
        elif name == "email" and not EMAIL_RE.match(value.strip()):
            errors.add(field, f"The {attr} must be a valid email address.")
        else:
            clean[name] = value.strip()
    phone = customer.get("phone")
    if is_blank(phone):
        clean["phone"] = None
    elif (
        isinstance(phone, bool)
        or not isinstance(phone, str | int)
        or not PHONE_RE.match(str(phone))
    ):
        errors.add("customer.phone", "The customer.phone format is invalid.")
    else:
        clean["phone"] = str(phone)
    return clean if len(clean) == 4 else None


def check_slots(errors: Errors, value: Any) -> list[int] | None:
    """``selected_slots``: "HH:MM - HH:MM", on the hour, exactly one hour, no duplicates
    and no overlaps. Returns the start hours.

    doc: "No duplicates or overlapping slots allowed", answered as 422 "Duplicate or
    Overlapping Slots" under the key ``selected_slots`` ("Duplicate time slots are not
    allowed."). Any two well-formed slots whose times intersect (e.g. "10:00 - 11:00" and
    "10:30 - 11:30") get that error, besides the per-slot errors of the malformed one.
    """
    if is_blank(value):
        errors.add("selected_slots", "The selected slots field is required.")
        return None
    if not isinstance(value, list):
        errors.add("selected_slots", "The selected slots must be an array.")
        return None
    hours: list[int] = []
    valid = True
    per_slot: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    for index, slot in enumerate(value):
        field = f"selected_slots.{index}"
        match = SLOT_RE.match(slot) if isinstance(slot, str) else None
        if match is None:
            per_slot.append((field, f"The {attribute_name(field)} format is invalid."))
            continue
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        start_minutes = start_h * 60 + start_m
        end_minutes = end_h * 60 + end_m
        if end_minutes == 0:  # "23:00 - 00:00" ends at midnight
            end_minutes = 24 * 60
        if end_minutes > start_minutes:
            spans.append((start_minutes, end_minutes))
        if start_m != 0:
            per_slot.append((field, SLOT_NOT_ON_THE_HOUR))
        elif end_minutes - start_minutes != 60:
            per_slot.append((field, SLOT_NOT_ONE_HOUR))
        else:
            hours.append(start_h)
    duplicate = len(set(map(str, value))) != len(value) or any(
        a_start < b_end and b_start < a_end
        for i, (a_start, a_end) in enumerate(spans)
        for b_start, b_end in spans[i + 1 :]
    )
    if duplicate:
        errors.add("selected_slots", SLOT_DUPLICATE)
        valid = False
    for field, message in per_slot:
        errors.add(field, message)
        valid = False
    return hours if valid else None
