"""Workways organization registration, ``POST /api/register`` (seed
``001_880c9b30cd55c5d4.txt``).
"""

from __future__ import annotations

from typing import Any

from providers.adapters.base import malformed
from providers.adapters.parsing import text
from providers.adapters.types import Customer
from providers.messages import Message
from providers.vendors.workways.client import WorkwaysClient
from providers.vendors.workways.parsing import REGISTER_STATUSES, USER_EXISTS, member_language


class RegistrationMixin(WorkwaysClient):
    """``register``: the member's organization."""

    def register(
        self,
        customer: Customer,
        *,
        meeting_id: str | None,
        room_id: str | None = None,
        site_id: str | None = None,
        residents: int = 1,
    ) -> dict:
        """Register the member's organization. ``meeting_id`` links a pending meeting
        request (doc: "pass it as the meetingId parameter when calling /api/register").

        Returns ``{"status", "organization_id", "user_id", "identity", "next_step",
        "message", "reply"}``; ``identity`` (organization and user ids) is what to remember
        for this member (doc: "The organizationId field is always returned ... You should
        store this ID").
        """
        if not (meeting_id or room_id or site_id):
            # doc: "At least one of siteId, roomId, or meetingId must be provided"
            raise ValueError("register needs a meeting, a room or a site")
        language = member_language(customer)
        full_name = f"{customer.first_name} {customer.last_name}".strip()
        body: dict[str, Any] = {
            # doc: "name string Required Company name"; a member without a company books
            # in their own name
            "name": customer.company.strip() or full_name or customer.email,
            "firstName": customer.first_name,
            "email": customer.email,
            "phone": customer.phone,
            "maxResidentUsers": max(1, residents),
            "language": language,
        }
        if customer.last_name.strip():
            body["lastName"] = customer.last_name
        if site_id:
            body["siteId"] = site_id
        if room_id:
            body["roomId"] = room_id
        if meeting_id:
            body["meetingId"] = meeting_id
        answer = self.post_envelope("register", body)
        status, data = answer.get("status"), answer.get("data")
        if status not in REGISTER_STATUSES or not isinstance(data, dict):
            raise malformed(self.kind, f"register: unexpected answer status {status!r}")
        organization_id = text(data.get("organizationId"))
        if not organization_id:
            raise malformed(self.kind, "register: no organizationId in the answer")
        identity = {"organization_id": organization_id}
        if text(data.get("userId")):
            identity["user_id"] = text(data["userId"])
        return {
            "status": status,
            "organization_id": organization_id,
            "user_id": identity.get("user_id", ""),
            "identity": identity,
            "next_step": Message(
                "workways.registered" if status == USER_EXISTS else "workways.validate"
            ),
            "message": text(answer.get("message")),
            "reply": answer,
        }
