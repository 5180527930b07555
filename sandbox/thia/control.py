"""Sandbox control for Thia (not in document 000): cancel or move an access code, as the
space would in Thia's admin panel. The Partner API itself has no call for either."""

from __future__ import annotations

import datetime as dt

from werkzeug.wrappers import Request, Response

from sandbox.control import answer, body, refuse
from sandbox.core import Context
from sandbox.thia.common import local_now
from sandbox.thia.state import render_code


def _code(ctx: Context, code_id: str) -> dict | None:
    return next((c for c in ctx.state["access_codes"] if c["id"] == code_id), None)


def _touch(ctx: Context, code: dict) -> None:
    code["updated_at"] = local_now(ctx).isoformat(timespec="microseconds")


def cancel_code(ctx: Context, request: Request, code_id: str) -> Response:
    """``POST /_sandbox/thia/access-codes/<id>/cancel``: the code's status becomes
    "canceled" (doc: "Current status (active, inactive, expired, canceled)")."""
    code = _code(ctx, code_id)
    if code is None:
        return refuse(f"no access code {code_id!r}", 404)
    code["status"] = "canceled"
    _touch(ctx, code)
    return answer(render_code(ctx, request, code))


def move_code(ctx: Context, request: Request, code_id: str) -> Response:
    """``POST /_sandbox/thia/access-codes/<id>/move`` with ``{"valid_from":
    "2030-01-08T00:00:00", "valid_to": "2030-01-09T23:59:59"}`` (Bucharest wall clock,
    as Thia writes it)."""
    code = _code(ctx, code_id)
    if code is None:
        return refuse(f"no access code {code_id!r}", 404)
    data = body(request)
    try:
        first = dt.datetime.fromisoformat(str(data.get("valid_from")).rstrip("Z"))
        last = dt.datetime.fromisoformat(str(data.get("valid_to")).rstrip("Z"))
    except ValueError:
        return refuse("valid_from and valid_to must be YYYY-MM-DDTHH:MM:SS")
    if last <= first:
        return refuse("valid_to must be after valid_from")
    code["valid_from"] = first.replace(tzinfo=None).isoformat(timespec="microseconds")
    code["valid_to"] = last.replace(tzinfo=None).isoformat(timespec="microseconds")
    for subscription in ctx.state["subscriptions"]:
        if subscription["id"] == code.get("subscription_id"):
            subscription.update(starts_at=code["valid_from"], ends_at=code["valid_to"])
    _touch(ctx, code)
    return answer(render_code(ctx, request, code))


ROUTES = [
    ("/_sandbox/thia/access-codes/<code_id>/cancel", cancel_code, ["POST"]),
    ("/_sandbox/thia/access-codes/<code_id>/move", move_code, ["POST"]),
]
