"""Helpers of the sandbox's own control endpoints under ``/_sandbox/<provider>/...``.

These endpoints are NOT part of any provider's document: they stand in for what a space
does in the provider's own admin (cancel an access code, move a meeting), so tests and
demos can change a booking on the provider's side and watch the portal notice it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.core import json_response, read_json

NOTE = "sandbox control: not part of the provider's API document"


def body(request: Request) -> dict:
    data = read_json(request)
    return data if isinstance(data, dict) else {}


def answer(data: Any, status: int = 200) -> Response:
    return json_response({"sandbox": NOTE, "data": data}, status)


def refuse(message: str, status: int = 400) -> Response:
    return json_response({"sandbox": NOTE, "error": message}, status)


def instant(value: Any) -> dt.datetime | None:
    """An ISO 8601 instant with an offset (or "Z"), else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
