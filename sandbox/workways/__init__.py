"""Sandbox of the Workways Public API (seed document ``001_880c9b30cd55c5d4.txt``).

Served under ``/workways``: the document's ``https://api.workways.com/api/...`` becomes
``<sandbox>/workways/api/...`` and its ``/imageroom`` becomes ``<sandbox>/workways/imageroom``.

Envelope: ``{"retcode": 1, "message": "OK", "data": ...}`` on success (``retcode: 200`` plus
``status`` for /api/register and /api/meeting-request), ``{"retcode": -1, "message": ...}``
on errors. Messages in English or French (``language=fr`` in the query of a GET, in the
JSON body of a POST). See ``docs/providers/workways.md`` for the choices made where the
document is silent.
"""

from __future__ import annotations

from sandbox import workways_seed as seeds
from sandbox.core import ProviderSpec
from sandbox.workways.catalogue import get_countries, get_image, get_rooms, get_sites
from sandbox.workways.common import PREFIX
from sandbox.workways.control import ROUTES as CONTROL_ROUTES
from sandbox.workways.meetings import get_contract_options, get_room_price, post_meeting_request
from sandbox.workways.registration import post_check_email, post_register, post_validate_email
from sandbox.workways.timetable import get_icsfeed
from sandbox.workways.users import (
    get_organization_info,
    get_user_info,
    post_merge_contract,
    set_optin,
)

# --- Spec -----------------------------------------------------------------------------


def config(base_url: str, state: dict) -> dict:
    return {
        "base_url": f"{base_url}{PREFIX}",
        "token": seeds.DEV_TOKEN,
        "known_member_email": seeds.KNOWN_MEMBER_EMAIL,
        "archived_member_email": seeds.ARCHIVED_MEMBER_EMAIL,
        "archived_user_email": seeds.ARCHIVED_USER_EMAIL,
        "inactive_token": seeds.INACTIVE_TOKEN,
        "archived_account_token": seeds.ARCHIVED_ACCOUNT_TOKEN,
        "archived_user_token": seeds.ARCHIVED_USER_TOKEN,
        "private_room_id": seeds.R_BRU_PRIVATE,
    }


API = f"{PREFIX}/api"
SPEC = ProviderSpec(
    name="workways",
    routes=[
        (f"{API}/sites", get_sites, ["GET"]),
        (f"{API}/rooms", get_rooms, ["GET"]),
        (f"{API}/countries", get_countries, ["GET"]),
        (f"{API}/icsfeed", get_icsfeed, ["GET"]),
        (f"{API}/register", post_register, ["POST"]),
        (f"{API}/meeting-request", post_meeting_request, ["POST"]),
        (f"{API}/check-email", post_check_email, ["POST"]),
        (f"{API}/room-price", get_room_price, ["GET"]),
        (f"{API}/contract-options", get_contract_options, ["GET"]),
        (f"{API}/user-info", get_user_info, ["GET"]),
        (f"{API}/set-optin", set_optin, ["GET", "POST"]),
        (f"{API}/organization-info", get_organization_info, ["GET"]),
        (f"{API}/merge-contract", post_merge_contract, ["POST"]),
        (f"{PREFIX}/imageroom", get_image, ["GET"]),
        (f"{PREFIX}/_sandbox/validate-email", post_validate_email, ["POST"]),
        *CONTROL_ROUTES,
    ],
    seed=seeds.seed,
    config=config,
)
