"""Workways Public API (seed ``001_880c9b30cd55c5d4.txt``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from providers.spec import (
    BookingRules,
    Capabilities,
    ConfigField,
    ProviderSpec,
    SecretField,
)

SPEC = ProviderSpec(
    kind="workways",
    label="Workways",
    adapter="providers.vendors.workways.adapter.WorkwaysAdapter",
    documents=("001_880c9b30cd55c5d4.txt",),
    config_fields=(ConfigField("base_url", _("API base URL"), type="api_url"),),
    base_urls=("https://api.workways.com",),  # doc: "Base URL: https://api.workways.com"
    secret_fields=(SecretField("token", _("Bearer token"), _("Sent as Authorization: Bearer.")),),
    # Meeting requests may need the organization's registration and Workways' validation;
    # offices are monthly contracts asked for through registration (Workflow 2). No cancel
    # endpoint is documented.
    capabilities=Capabilities(
        approval=True,
        registration=True,
        quotes=True,
        office_inquiries=True,
        reads_back=True,
    ),
    # doc: "Existing users: Can book same-day (but not in the past)": no notice (a new
    # user's "Minimum 2 days in advance" is ``rules["new_user_lead_days"]``); a room's
    # ``minPerson`` / ``maxPerson`` come from the catalogue. No horizon, buffer or
    # cancellation policy is stated.
    booking_rules=BookingRules(notice_minutes=0),
    # doc: "Currently, there are no enforced rate limits on these public endpoints."
    rate_limit=None,
    # The document is silent on how long the registration and an office's "manual
    # approval" take (Workflow 2, "Step 4: Manual Processing" names no delay).
    expected_answer_hours=None,
    # What the member reads about Workways' answers (message codes "workways.<name>").
    messages={
        # doc: "you will receive a ROOM_OVERLAP error (HTTP 409)"
        "slot_taken": _("This slot was just taken, please pick another."),
        # doc: "Scenario C: Archived Account ... Contact administrator to restore account"
        "archived": _(
            "Your Workways account is archived, so Workways refuses this booking. Please "
            "contact Workways to restore your account."
        ),
        # doc: "New users: Must complete registration first (status: REQUEST_ACCEPTED)";
        # "Registration: Includes email validation and password setup"
        "register": _(
            "Workways does not know your email address yet, so this meeting is only "
            "requested. To confirm it, register your company with Workways (the portal "
            "sends your profile details), then click the validation link Workways emails "
            "you to verify your address and set your password. The meeting is confirmed "
            "once your account is validated."
        ),
        # doc: "You receive a confirmation email with a validation link / Click the link
        # to verify your email and set your password"
        "validate": _(
            "Workways has emailed you a validation link: click it to verify your address "
            "and set your password. The meeting is confirmed once your account is "
            "validated."
        ),
        # doc: "Scenario 3: User Already Exists with Organization (USER_EXISTS)"
        "registered": _(
            "You are already registered with Workways. If you have not validated your "
            "email address yet, click the link Workways sent you; the meeting is confirmed "
            "once your account is validated."
        ),
        # doc, Workflow 2: "User receives email validation link / ... Workways team
        # prepares rental contract"
        "office_validate": _(
            "Workways has registered your company and emailed you a validation link: click "
            "it to verify your address and set your password. Workways then checks your "
            "company details and prepares the rental contract; your access cards are "
            "activated once it is validated."
        ),
        "office_contract": _(
            "Workways knows your company. The Workways team prepares the rental contract "
            "for this office and will contact you; your access cards are activated once it "
            "is validated."
        ),
        "unconfirmed": _(
            "Your Workways account is validated but Workways has not confirmed this "
            "meeting yet (the slot may have been taken in the meantime). We will let you "
            "know."
        ),
        # doc: "Final Confirmation: Booking confirmed after account validation"
        "expired": _(
            "Workways did not confirm this meeting before its time: the registration was "
            "not completed in time."
        ),
        # doc (meeting-request): "duration number Required Duration in minutes"
        "whole_minutes": _("the booking must last a whole number of minutes"),
        # an error envelope (retcode -1) without a message of Workways' own
        "refused": _("%(endpoint)s refused (retcode %(retcode)s)"),
        "price": _("Price computed by Workways."),
        "monthly_price": _(
            "Monthly rent computed by Workways; the contract is prepared by Workways."
        ),
    },
)
