"""Workways Public API: the adapter's HTTP side (seed ``001_880c9b30cd55c5d4.txt``).

One account is one Bearer token for the whole Workways network. Every JSON answer is the
``retcode`` envelope ``{"retcode": 1, "message": "OK", "data": [...]}``, and the envelope
decides, not the HTTP status. Messages are asked for in English (doc: "add ?language=fr or
&language=fr to the URL").
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.errors import AuthenticationError, RejectedError, TransientError
from providers.adapters.parsing import text
from providers.adapters.types import ItemRef
from providers.messages import Message
from providers.ratelimit import Limit
from providers.vendors.workways import SPEC
from providers.vendors.workways.parsing import AUTH_MESSAGES, LANGUAGE, SUCCESS_RETCODES


class WorkwaysClient(BaseAdapter):
    """The HTTP side: base URL, Bearer token, the retcode envelope and its errors."""

    kind = "workways"
    rate_limit: ClassVar[Limit | None] = SPEC.rate_limit

    # --- configuration ------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return str(self.setting("base_url")).rstrip("/")

    def headers(self) -> dict[str, str]:
        # doc: "Authorization: Bearer ww_dev_your_token_here"
        return {"Authorization": f"Bearer {self.secret('token')}"}

    def absolute(self, url: Any) -> str:
        """A room image as an absolute URL. doc: "image string (URL) Room image URL (via
        /imageroom endpoint)"; the endpoint sits beside ``/api``, at the base URL."""
        url = text(url)
        if not url or urlsplit(url).scheme in ("http", "https"):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    # --- answers ------------------------------------------------------------------
    def error_message(self, payload: Any, response: httpx.Response) -> tuple[str, str]:
        # doc: "When an error occurs, the API returns a response with retcode: -1 and an
        # appropriate error message"; ROOM_OVERLAP adds a "status".
        if isinstance(payload, dict):
            message = payload.get("message")
            status = payload.get("status")
            return (
                message if isinstance(message, str) else "",
                status if isinstance(status, str) else "",
            )
        return "", ""

    def check_envelope(self, body: dict, response: httpx.Response, endpoint: str) -> None:
        """Raise for an error envelope even when the HTTP status is 200.

        doc: "retcode 1 for success, -1 for error", and "The endpoint still returns 200
        OK" with ``retcode: -1`` (room-price): the envelope decides, not the status.
        """
        retcode = body.get("retcode")
        if isinstance(retcode, bool) or not isinstance(retcode, int):
            raise malformed(self.kind, f"{endpoint}: no retcode in the answer")
        if retcode in SUCCESS_RETCODES:
            return
        message, code = self.error_message(body, response)
        common: dict[str, Any] = {
            "provider": self.kind,
            "status": response.status_code,
            "code": code,
            "payload": body,
        }
        if message.strip().lower().startswith(AUTH_MESSAGES):
            raise AuthenticationError(message, **common)
        if message.strip().lower() == "internal server error":
            raise TransientError(message, **common)
        if message:
            raise RejectedError(message, **common)  # Workways' own words
        raise RejectedError(
            Message("workways.refused", {"endpoint": endpoint, "retcode": retcode}), **common
        )

    def get_data(self, path: str, params: dict[str, str] | None = None) -> list:
        """``GET /api/<path>`` and the ``data`` list of its envelope."""
        endpoint = f"GET /api/{path}"
        response = self.request(
            "GET",
            f"{self.base_url}/api/{path}",
            endpoint=endpoint,
            headers=self.headers(),
            params={**(params or {}), **LANGUAGE},
        )
        body = self.json(response, expect=dict)
        self.check_envelope(body, response, endpoint)
        data = body.get("data")
        if not isinstance(data, list):
            raise malformed(self.kind, f"{endpoint}: data is not a list")
        return data

    def post_envelope(self, path: str, body: dict) -> dict:
        """``POST /api/<path>`` with a JSON body; the checked envelope. Sent once: the base
        never retries a POST (an answer lost after Workways acted is reconciled)."""
        endpoint = f"POST /api/{path}"
        response = self.request(
            "POST",
            f"{self.base_url}/api/{path}",
            endpoint=endpoint,
            headers=self.headers(),
            json=body,
        )
        answer = self.json(response, expect=dict)
        self.check_envelope(answer, response, endpoint)
        return answer

    def get_object(self, path: str, params: dict[str, Any]) -> dict:
        """``GET /api/<path>`` whose ``data`` is one object (room-price, user-info by
        email, organization-info by id)."""
        endpoint = f"GET /api/{path}"
        response = self.request(
            "GET",
            f"{self.base_url}/api/{path}",
            endpoint=endpoint,
            headers=self.headers(),
            params={**params, **LANGUAGE},
        )
        body = self.json(response, expect=dict)
        self.check_envelope(body, response, endpoint)
        data = body.get("data")
        if not isinstance(data, dict):
            raise malformed(self.kind, f"{endpoint}: data is not an object")
        return data

    @staticmethod
    def room_id_of(item: ItemRef) -> str:
        return text(item.raw.get("room_id")) or item.external_id

    @staticmethod
    def site_id_of(item: ItemRef) -> str:
        return text(item.raw.get("site_id")) or item.space_external_id
