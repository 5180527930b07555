"""Thia Partner API: the HTTP side of the adapter (seed ``000_625ed28ef0e2e084.txt``).

One account is one API key pair, and one key pair is one space (doc: "These credentials
are unique to each space"). Every call sends ``X-API-Key`` and ``X-API-Secret``; answers
are ``{"data": ...}`` and errors ``{"error": ..., "message": ...}``.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.errors import ProviderConfigurationError, RejectedError
from providers.adapters.parsing import safe_url, text
from providers.adapters.types import ItemRef
from providers.messages import Message
from providers.ratelimit import Limit
from providers.vendors.thia import SPEC


def is_slot_conflict(payload: Any) -> bool:
    """The documented slot-conflict 500, recognised by its message (the ``error`` type
    "Failed to create meeting room booking" alone could be any failure)."""
    if not isinstance(payload, dict):
        return False
    message = payload.get("message")
    return isinstance(message, str) and "no longer available" in message.lower()


class ThiaClient(BaseAdapter):
    """Configuration, headers and the ``{"data": ...}`` envelope; every job is a mixin on
    top of it (see ``adapter.py``)."""

    kind = "thia"
    rate_limit: ClassVar[Limit | None] = SPEC.rate_limit  # declared once, in the SPEC

    # --- configuration ------------------------------------------------------------
    def rate_limit_key(self) -> str:
        # The limit counts per API key; a hash names the key without storing it.
        digest = hashlib.sha256(self.secret("api_key").encode()).hexdigest()[:16]
        return f"thia:{digest}"

    @property
    def base_url(self) -> str:
        return str(self.setting("base_url")).rstrip("/")

    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.secret("api_key"), "X-API-Secret": self.secret("api_secret")}

    def absolute(self, path: Any) -> str:
        """A storage path ("/storage/...") as an absolute http(s) URL on the API's host; ""
        for anything else (a ``javascript:`` "path" would otherwise come through whole)."""
        path = text(path)
        if not path:
            return ""
        if urlsplit(path).scheme:
            return safe_url(path)
        media = self.account.config.get("media_url")
        if not media:
            parts = urlsplit(self.base_url)
            media = f"{parts.scheme}://{parts.netloc}/"
        return safe_url(urljoin(media.rstrip("/") + "/", path.lstrip("/")))

    def item_product_id(self, item: ItemRef) -> int:
        product_id = item.raw.get("product_id", item.external_id)
        try:
            return int(product_id)
        except (TypeError, ValueError):
            raise ProviderConfigurationError(
                f"{self.account.name}: {product_id!r} is not a Thia product id"
            ) from None

    # --- answers ------------------------------------------------------------------
    def error_message(self, payload: Any, response) -> tuple[str, str]:
        # doc: "All errors follow a consistent format: {"error": "Error Type", "message":
        # "Human-readable error description"}" — the type is the closest thing to a code.
        if isinstance(payload, dict):
            message, kind = payload.get("message"), payload.get("error")
            if isinstance(message, str) and message:
                return message, kind if isinstance(kind, str) else ""
            if isinstance(kind, str):
                return kind, ""
        return "", ""

    def raise_for_status(self, response) -> None:
        # doc: "500 Internal Server Error - Slot Conflict" {"error": "Failed to create
        # meeting room booking", "message": "Some time slots are no longer available.
        # Please refresh and try again."} is Thia saying no, not a fault: the member must
        # pick other slots. Any other 500 stays transient.
        if response.status_code == 500:
            payload = self.safe_json(response)
            if is_slot_conflict(payload):
                _message, code = self.error_message(payload, response)
                # Thia's words are English; the member reads ours, in their language
                raise RejectedError(
                    Message("slots_taken"),
                    provider=self.kind,
                    status=500,
                    code=code,
                    payload=payload,
                )
        super().raise_for_status(response)

    def get_data(self, path: str, expect: type) -> Any:
        """``GET path`` and its ``data`` member, which must be an ``expect``."""
        body = self.json(
            self.request(
                "GET", f"{self.base_url}{path}", endpoint=f"GET {path}", headers=self.headers()
            ),
            expect=dict,
        )
        data = body.get("data")
        if data is None and expect is list:
            # doc: "Arrays (like amenities) can be null if no data is available"
            return []
        if not isinstance(data, expect):
            raise malformed(self.kind, f"GET {path}: data is not a {expect.__name__}")
        return data
