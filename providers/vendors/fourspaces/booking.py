"""4Spaces requests (seed ``004_a5945c39ebd5aa5e.txt``).

The document has no booking, availability or cancellation endpoint: a 4Spaces
reservation or request is taken by the space's staff. The portal therefore sends
nothing to 4Spaces; ``submit`` answers "awaiting approval" and staff confirm or decline
the request in the admin (issue 6: "4Spaces Reservation and Request services ->
requests that staff confirm or decline in the admin").
"""

from __future__ import annotations

from providers.adapters.types import BookingRequest, ItemRef, SubmitResult
from providers.messages import Message
from providers.vendors.fourspaces.client import FourSpacesClient


class BookingMixin(FourSpacesClient):
    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        return SubmitResult(
            status="awaiting_approval",
            reference=f"request-{request.uid}",
            next_step=Message("fourspaces.request_sent"),
            staff_action="A 4Spaces request is waiting: confirm or decline it in the admin.",
        )

    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> dict:
        return {"note": "request withdrawn in the portal; 4Spaces has no cancellation endpoint"}
