"""4Spaces organization API: the HTTP side (seed ``004_a5945c39ebd5aa5e.txt``).

One account is one organization: ``config.base_url`` + ``config.organization_id``. The
whole catalogue is one call, ``GET /organization/details`` with ``LoadSmartSpaces``,
``LoadSmartSpaceThings`` and ``LoadServices`` (all three default to false), asked for as
JSON (doc: "use the HTTP Accept Header, append the .jsv suffix or ?format=jsv"). It does
not page. The document defines no authentication and no rate limit (``SPEC.rate_limit``).
Errors are ServiceStack ``ResponseStatus`` bodies, sometimes sent with a 200.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import httpx

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.errors import RejectedError
from providers.adapters.parsing import text
from providers.ratelimit import Limit
from providers.vendors.fourspaces import SPEC

ENDPOINT = "GET /organization/details"


class FourSpacesClient(BaseAdapter):
    kind = SPEC.kind
    # one home for the number: the SPEC (the document states no rate limit)
    rate_limit: ClassVar[Limit | None] = SPEC.rate_limit

    def error_message(self, payload: Any, response: httpx.Response) -> tuple[str, str]:
        # doc: errors are a ServiceStack "ResponseStatus" {errorCode, message, errors[]}
        status = payload.get("responseStatus") if isinstance(payload, dict) else None
        if not isinstance(status, dict):
            return super().error_message(payload, response)
        message = text(status.get("message"))
        details = [
            text(e.get("message"))
            for e in status.get("errors") or []
            if isinstance(e, dict) and text(e.get("message")) and text(e.get("message")) != message
        ]
        if details:
            message = f"{message}: {'; '.join(details)}" if message else "; ".join(details)
        return message, text(status.get("errorCode"))

    # --- the call -----------------------------------------------------------------
    # One organization answer serves every room-day and pass-day asked within this many
    # seconds: a week calendar is one call, not seven. 4Spaces bookings are requests the
    # portal holds itself (never made at 4Spaces), so a short reuse cannot show a booking
    # of ours as free.
    availability_reuse_seconds: ClassVar[int] = 30

    def organization(self, *, reuse: bool = False) -> dict:
        base_url = str(self.setting("base_url")).rstrip("/")
        params = {
            "OrganizationId": str(self.setting("organization_id")),
            # doc: the three flags are optional booleans; unset, their parts are left out
            "LoadSmartSpaces": "true",
            "LoadSmartSpaceThings": "true",
            "LoadServices": "true",
            # doc: "use the HTTP Accept Header ... or ?format=jsv" -- we want JSON
            "format": "json",
        }
        fetch = self.get_json
        if reuse and self.availability_reuse_seconds > 0:
            fetch = functools.partial(self.get_json_cached, ttl=self.availability_reuse_seconds)
        body = fetch(
            f"{base_url}/organization/details",
            endpoint=ENDPOINT,
            params=params,
            headers={"Accept": "application/json"},
        )
        if not isinstance(body, dict):
            raise malformed(self.kind, "the answer is not an object")
        data = body.get("data")
        if not isinstance(data, dict):
            message, code = self.error_message(body, None)  # type: ignore[arg-type]
            if message:  # a ResponseStatus sent with 200
                raise RejectedError(message, provider=self.kind, code=code, payload=body)
            raise malformed(self.kind, "the answer has no data object")
        for part in ("smartSpaces", "services"):
            # asked for with Load*=true; null (left out) would mean the flags were ignored
            if not isinstance(data.get(part), list):
                raise malformed(self.kind, f"data.{part} is not a list")
        return data
