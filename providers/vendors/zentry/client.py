"""The HTTP side of the Zentry adapter: base URLs, the ``Api-Key`` header, paged searches
and ProblemDetails errors.

Zentry Workspaces API (``002_b74326c229a2377d.txt``) and CheckIns API
(``003_c7b0553c6c4180e6.txt``). Every search is a POST ``{offset, limit, ...filters}``
answering ``{"data": [...], "pagedRequest": {...}, "totalCount": N}``; all pages are read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from providers.adapters.base import BaseAdapter, malformed
from providers.adapters.parsing import SkipItem, text
from providers.ratelimit import Limit
from providers.vendors.zentry import SPEC
from providers.vendors.zentry.parsing import API_KEY_HEADER, MAX_PAGES, PAGE_SIZE, cents


class ZentryClient(BaseAdapter):
    kind = SPEC.kind
    rate_limit: ClassVar[Limit | None] = SPEC.rate_limit

    # --- configuration ------------------------------------------------------------
    @property
    def workspaces_url(self) -> str:
        return str(self.setting("workspaces_url")).rstrip("/")

    def headers(self) -> dict[str, str]:
        return {API_KEY_HEADER: self.secret("api_key")}

    # --- answers ------------------------------------------------------------------
    def error_message(self, payload: Any, response) -> tuple[str, str]:
        # doc: errors are ProblemDetails {type, title, status, detail, instance} or
        # HttpValidationProblemDetails, which adds "errors": {"<field>": ["..."]}.
        if not isinstance(payload, dict):
            return "", ""
        title = text(payload.get("title"))
        errors = payload.get("errors")
        if isinstance(errors, dict) and errors:
            parts = []
            for field, messages in errors.items():
                if isinstance(messages, list):
                    said = "; ".join(m for m in messages if isinstance(m, str))
                else:
                    said = text(messages)
                parts.append(f"{field}: {said}" if field else said)
            return " ".join(p for p in parts if p) or title, title
        detail = text(payload.get("detail"))
        if detail or title:
            return detail or title, title
        return super().error_message(payload, response)

    @property
    def checkins_url(self) -> str:
        return str(self.setting("checkins_url")).rstrip("/")

    def search(
        self, path: str, filters: dict[str, Any] | None = None, *, base: str | None = None
    ) -> list[Any]:
        """Every page of one ``POST`` search: ``{"data", "pagedRequest", "totalCount"}``,
        on the Workspaces API unless ``base`` (the CheckIns API) is given."""
        items: list[Any] = []
        offset = 0
        root = base or self.workspaces_url
        for _ in range(MAX_PAGES):
            body = {"offset": offset, "limit": PAGE_SIZE, **(filters or {})}
            response = self.request(
                "POST",
                f"{root}{path}",
                endpoint=f"POST {path}",
                headers=self.headers(),
                json=body,
                # A search changes nothing at Zentry, so repeating it is safe.
                retry=True,
            )
            page = self.json(response, expect=dict)
            data, total = page.get("data"), page.get("totalCount")
            if not isinstance(data, list) or isinstance(total, bool) or not isinstance(total, int):
                raise malformed(self.kind, f"POST {path}: no data list and totalCount")
            items.extend(data)
            offset += len(data)
            if not data or offset >= total:
                return items
        raise malformed(self.kind, f"POST {path}: more than {MAX_PAGES} pages")

    def money(self, value: Any, what: str) -> Decimal:
        try:
            amount = cents(value, what)
        except SkipItem as exc:
            raise malformed(self.kind, str(exc)) from None
        assert amount is not None
        return amount
