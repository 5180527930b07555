"""Thia sandbox: access codes, meeting-room bookings and the QR-code download."""

from __future__ import annotations

import struct
import zlib

from werkzeug.wrappers import Request, Response

from sandbox.core import Context, json_response
from sandbox.thia.common import (
    ACCESS_CODE_BAD_PRODUCT_TYPE,
    ACCESS_CODE_SEATINGS,
    BOOKING_BAD_PRODUCT_TYPE,
    BOOKING_NO_ROOM_CONFIGURED,
    BOOKING_ROOM_NOT_FOUND,
    BOOKING_SLOT_CONFLICT,
    MEETING_ROOM_SEATING,
    PRODUCT_NOT_FOUND,
    error,
    local_today,
    partner_endpoint,
)
from sandbox.thia.state import (
    body_dict,
    create_code,
    next_id,
    product_validity,
    render_code,
    room_free_hours,
    slot_label,
    space_product,
    space_room,
    upsert_customer,
)
from sandbox.thia.validation import Errors, check_customer, check_date, check_integer, check_slots

# --- Write endpoints ------------------------------------------------------------------


@partner_endpoint
def create_standalone_code(ctx: Context, request: Request, space: dict) -> Response:
    body = body_dict(request)
    errors = Errors()
    today = local_today(ctx)
    start = check_date(errors, "start_date", body.get("start_date"), today)
    end = check_date(errors, "end_date", body.get("end_date"), today)
    if start and end and end < start:
        errors.fields.pop("end_date", None)
        errors.add("end_date", "The end date must be a date after or equal to start date.")
    customer = check_customer(errors, body)
    if errors:
        return errors.detailed(422)
    customer_id = upsert_customer(ctx, customer)
    code = create_code(
        ctx,
        space,
        customer_id,
        f"{start.isoformat()}T00:00:00.000000",
        f"{end.isoformat()}T23:59:59.000000",
        product_id=None,
    )
    return json_response({"data": render_code(ctx, request, code)}, 201)


@partner_endpoint
def create_product_code(ctx: Context, request: Request, space: dict) -> Response:
    body = body_dict(request)
    errors = Errors()
    product_id = check_integer(errors, "product_id", body.get("product_id"))
    start = check_date(errors, "start_date", body.get("start_date"), local_today(ctx))
    customer = check_customer(errors, body)
    if errors:
        return errors.detailed(422)
    product = space_product(ctx, space, product_id)
    if product is None:
        return error(PRODUCT_NOT_FOUND, 404)
    if product["seating_option"]["id"] not in ACCESS_CODE_SEATINGS:
        # doc: "Meeting/Event Room products are not supported for direct access code creation"
        return error(ACCESS_CODE_BAD_PRODUCT_TYPE, 400)
    customer_id = upsert_customer(ctx, customer)
    valid_from, valid_to = product_validity(product, start)
    code = create_code(ctx, space, customer_id, valid_from, valid_to, product_id=product["id"])
    return json_response({"data": render_code(ctx, request, code)}, 201)


@partner_endpoint
def create_meeting_room_booking(ctx: Context, request: Request, space: dict) -> Response:
    body = body_dict(request)
    errors = Errors()
    product_id = check_integer(errors, "product_id", body.get("product_id"))
    day = check_date(errors, "date", body.get("date"), local_today(ctx))
    hours = check_slots(errors, body.get("selected_slots"))
    customer = check_customer(errors, body)
    if errors:
        return errors.detailed(422)
    product = space_product(ctx, space, product_id)
    if product is None:
        return error(PRODUCT_NOT_FOUND, 404)
    if product["seating_option"]["id"] != MEETING_ROOM_SEATING:
        return error(BOOKING_BAD_PRODUCT_TYPE, 400)
    room_id = product["settings"].get("meeting_room_id")
    if room_id is None:
        return error(BOOKING_NO_ROOM_CONFIGURED, 400)
    room = space_room(ctx, space, room_id)
    if room is None:
        return error(BOOKING_ROOM_NOT_FOUND, 400)
    # doc: "All selected time slots must be available"; a taken slot or one outside the
    # room's hours answers the documented 500 "Slot Conflict".
    if not set(hours) <= set(room_free_hours(ctx, room, day)):
        return error(BOOKING_SLOT_CONFLICT, 500)
    customer_id = upsert_customer(ctx, customer)
    # doc example: a booking on 2024-03-25 is valid 2024-03-25T00:00:00 .. T23:59:59
    code = create_code(
        ctx,
        space,
        customer_id,
        f"{day.isoformat()}T00:00:00.000000",
        f"{day.isoformat()}T23:59:59.000000",
        product_id=product["id"],
    )
    ctx.state["bookings"].append(
        {
            "id": next_id(ctx, "booking"),
            "space_id": space["id"],
            "product_id": product["id"],
            "meeting_room_id": room["id"],
            "date": day.isoformat(),
            "slots": [slot_label(h) for h in sorted(hours)],
            "status": "active",
            "access_code_id": code["id"],
            "customer_id": customer_id,
        }
    )
    return json_response({"data": render_code(ctx, request, code)}, 201)


# --- QR code download (doc: "Direct download URL for the QR code PNG") ----------------


def qr_png(code_id: str, cells: int = 25, scale: int = 8) -> bytes:
    """A deterministic black-and-white PNG pattern for the code (not a scannable QR)."""
    bits = int.from_bytes(zlib.crc32(code_id.encode()).to_bytes(4, "big") * 200, "big")
    size = cells * scale
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0
        for x in range(size):
            cx, cy = x // scale, y // scale
            finder = ((cx < 7 or cx >= cells - 7) and cy < 7) or (cx < 7 and cy >= cells - 7)
            dark = (bits >> (cy * cells + cx)) & 1 if not finder else (cx % 6 == 0 or cy % 6 == 0)
            row.append(0 if dark else 255)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def qr_code(ctx: Context, request: Request, code_id: str) -> Response:
    if not any(code["id"] == code_id for code in ctx.state["access_codes"]):
        return error({"error": "Not Found", "message": "Access code not found"}, 404)
    return Response(qr_png(code_id), content_type="image/png")
