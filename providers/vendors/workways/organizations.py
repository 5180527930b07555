"""Workways organizations (seed ``001_880c9b30cd55c5d4.txt``).

``GET /api/organization-info`` (users are ``users.py``), and the office inquiry they
follow: doc, Workflow 2, a monthly office is asked for by registering the organization;
it is granted when the room is among the organization's ``allocatedRooms``.
"""

from __future__ import annotations

from typing import Any

from providers.adapters.errors import RejectedError
from providers.adapters.parsing import text
from providers.adapters.types import BookingRequest, ItemRef, SubmitResult
from providers.messages import Message
from providers.vendors.workways.parsing import ARCHIVED, USER_EXISTS
from providers.vendors.workways.registration import RegistrationMixin
from providers.vendors.workways.users import UsersMixin


class OrganizationsMixin(RegistrationMixin, UsersMixin):
    """Users, organizations and the office inquiries that follow them."""

    def submit_inquiry(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """doc, Workflow 2: "Office spaces require a rental contract and cannot be booked
        via the booking endpoint ... POST to /api/register with company details. Include
        the office space context in the request" — the room as ``roomId``, its site as
        ``siteId``; the reference is the organization id."""
        registered = self.register(
            request.customer,
            meeting_id=None,
            room_id=self.room_id_of(item),
            site_id=self.site_id_of(item),
            residents=request.attendees,
        )
        return self.inquiry_result(
            item,
            request,
            organization_id=registered["organization_id"],
            identity=registered["identity"],
            known=registered["status"] == USER_EXISTS,
            reply=registered["reply"],
        )

    def inquiry_result(
        self,
        item: ItemRef,
        request: BookingRequest,
        *,
        organization_id: str,
        identity: dict,
        known: bool,
        reply: Any,
    ) -> SubmitResult:
        if not known:
            # "Registration request creates a pending organization / User receives email
            # validation link / ... Workways team prepares rental contract"
            return SubmitResult(
                "awaiting_registration",
                reference=organization_id,
                next_step=Message("workways.office_validate"),
                identity=identity,
                reply=reply,
            )
        # USER_EXISTS: the member already has an organization; Workways' answer records
        # nothing about this office, so people must pass the interest on.
        return SubmitResult(
            "awaiting_approval",
            reference=organization_id,
            next_step=Message("workways.office_contract"),
            identity=identity,
            reply=reply,
            staff_action=(
                f"Workways office inquiry: {request.customer.email} (Workways organization "
                f"{organization_id}) is already registered, so Workways' registration did "
                f"not record the office {self.room_id_of(item)}. Tell Workways the member "
                "wants a rental contract for it."
            ),
        )

    def find_inquiry(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        user = self.lookup_user(request.customer.email)
        organization_id = text(user.get("organizationId")) if user is not None else ""
        if user is None or not organization_id:
            return None  # not registered yet (a temp user has no organization)
        identity = {"organization_id": organization_id}
        if text(user.get("_id")):
            identity["user_id"] = text(user["_id"])
        # a registration answered CREATED/UPDATED leaves the email to validate; a member
        # already validated is what USER_EXISTS would have answered
        return self.inquiry_result(
            item,
            request,
            organization_id=organization_id,
            identity=identity,
            known=bool(user.get("mailValid")),
            reply={"found_in": "user-info", "user": self.user_summary(user)},
        )

    def refresh_inquiry(
        self, item: ItemRef, request: BookingRequest, reference: str
    ) -> SubmitResult:
        organization = self.get_object("organization-info", {"id": reference})
        if organization.get("isArchived"):
            raise RejectedError(Message("workways.archived"), provider=self.kind, code=ARCHIVED)
        identity = {"organization_id": reference}
        rooms = organization.get("allocatedRooms")
        allocated = {text(room.get("_id")) for room in rooms or [] if isinstance(room, dict)}
        reply = {
            "found_in": "organization-info",
            "organization": {
                key: organization.get(key)
                for key in ("_id", "isArchived", "isMember", "contractStartDate")
            },
            "allocatedRooms": sorted(allocated),
        }
        if self.room_id_of(item) in allocated:
            # doc: "allocatedRooms array List of rooms allocated to this organization"
            return SubmitResult("confirmed", reference=reference, identity=identity, reply=reply)
        user = self.lookup_user(request.customer.email)
        validated = bool(user and user.get("mailValid"))
        if not validated:
            return SubmitResult(
                "awaiting_registration",
                reference=reference,
                next_step=Message("workways.office_validate"),
                identity=identity,
                reply=reply,
            )
        # doc: "Workways team prepares rental contract" — by hand; the portal's staff are
        # told once (when the booking moves to awaiting_approval) to follow it up.
        return SubmitResult(
            "awaiting_approval",
            reference=reference,
            next_step=Message("workways.office_contract"),
            identity=identity,
            reply=reply,
            staff_action=(
                f"Workways office inquiry: {request.customer.email} (Workways organization "
                f"{reference}) has validated their account; office {self.room_id_of(item)} "
                "is not allocated to them yet. Make sure Workways prepares the contract."
            ),
        )
