"""Workways users (seed ``001_880c9b30cd55c5d4.txt``): ``GET /api/user-info?email=``.

Whether a member is one Workways already knows decides how much notice a meeting needs:
doc, "User States and Permissions": "Existing User (Active) ✅ Allowed [same-day] ...
New User ❌ Not allowed ✅ Minimum 2 days".
"""

from __future__ import annotations

from providers.adapters.errors import NotFoundError, RejectedError
from providers.adapters.parsing import text
from providers.adapters.types import Customer
from providers.vendors.workways.client import WorkwaysClient

# doc (User Roles): "temp Temporary user (pending registration completion)"
TEMPORARY_ROLE = "temp"


class UsersMixin(WorkwaysClient):
    """The member's Workways user, looked up by email."""

    def lookup_user(self, email: str) -> dict | None:
        """``GET /api/user-info?email=`` — the user, or None ("User not found")."""
        try:
            return self.get_object("user-info", {"email": email})
        except NotFoundError:
            return None
        except RejectedError as exc:
            # doc: "// User not found {"retcode": -1, "message": "User not found"}" (the
            # document gives no HTTP status, so a 200 envelope is read the same way)
            if isinstance(exc.message, str) and exc.message.strip().lower() == "user not found":
                return None
            raise

    def knows_member(self, customer: Customer) -> bool | None:
        """Whether Workways counts the member as an existing, active user.

        doc, Workflow 1: "Scenario A: Existing User (Email Found) ... Advance Notice: Can
        book same-day (but not in the past)"; "Scenario B: New User (Email Not Found) ...
        Minimum 2 days in advance"; an archived account "Cannot book". A user still
        completing registration ("temp", e-mail not validated, no organization) is not an
        existing user yet: Workways answers its meeting requests with REQUEST_ACCEPTED.
        Provider faults propagate (the caller falls back to its own rule).
        """
        user = self.lookup_user(customer.email)
        if user is None:
            return False
        return bool(
            user.get("mailValid") is True
            and not user.get("isUserArchived")
            and not user.get("isOrganizationArchived")
            and text(user.get("organizationId"))
            and user.get("role") != TEMPORARY_ROLE
        )

    @staticmethod
    def user_summary(user: dict) -> dict:
        """What the booking's history keeps of a user-info answer (no phone numbers)."""
        keys = (
            "_id",
            "role",
            "mailValid",
            "isUserArchived",
            "organizationId",
            "isOrganizationArchived",
        )
        return {key: user.get(key) for key in keys}
