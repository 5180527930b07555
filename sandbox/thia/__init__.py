"""Sandbox of the Thia Partner API (seed document ``000_625ed28ef0e2e084.txt``).

Served under ``/thia/api/v1/partner`` (doc: prod ``https://thia.work/api/v1/partner``).
One key pair per space, 60 requests/min per key, Europe/Bucharest wall-clock timestamps
written with a trailing "Z", prices as decimal strings, ``{"data": ...}`` envelopes except
for the two availability endpoints (which the document shows without one).

The QR-code download URL of an access code points at ``/thia/qr-code/<uuid>`` on the
sandbox (doc: ``https://thia.work/qr-code/<uuid>``), which serves a small PNG. The
``/storage/...`` paths of photos and logos are served on the sandbox's root, as on the
API's host (``sandbox.photos``).
"""

from __future__ import annotations

from sandbox import thia_seed
from sandbox.core import ProviderSpec
from sandbox.photos import photo_route
from sandbox.thia.availability import desk_availability, meeting_room_availability
from sandbox.thia.bookings import (
    create_meeting_room_booking,
    create_product_code,
    create_standalone_code,
    qr_code,
)
from sandbox.thia.catalogue import (
    get_amenities,
    get_hours,
    get_legal,
    get_meeting_rooms,
    get_photos,
    get_products,
    get_space,
)
from sandbox.thia.common import PREFIX
from sandbox.thia.control import ROUTES as CONTROL_ROUTES

# --- Spec -----------------------------------------------------------------------------


def config(base_url: str, state: dict) -> list[dict]:
    """The usable (partner) spaces. The non-partner key pair is in ``thia_seed``
    (``NON_PARTNER_KEY`` / ``NON_PARTNER_SECRET``) and docs/providers/thia.md."""
    return [
        {
            "name": space["name"],
            "base_url": f"{base_url}{PREFIX}",
            "api_key": space["api_key"],
            "api_secret": space["api_secret"],
        }
        for space in state.get("spaces", [])
        if space["is_partner"]
    ]


def extra_config(base_url: str, state: dict) -> dict:
    """A key pair whose space is not a partner: it answers the documented 403."""
    return {
        "thia_non_partner": {
            "base_url": f"{base_url}{PREFIX}",
            "api_key": thia_seed.NON_PARTNER_KEY,
            "api_secret": thia_seed.NON_PARTNER_SECRET,
        }
    }


SPEC = ProviderSpec(
    name="thia",
    routes=[
        (f"{PREFIX}/space", get_space, ["GET"]),
        (f"{PREFIX}/space/hours", get_hours, ["GET"]),
        (f"{PREFIX}/space/photos", get_photos, ["GET"]),
        (f"{PREFIX}/space/meeting-rooms", get_meeting_rooms, ["GET"]),
        (f"{PREFIX}/space/amenities", get_amenities, ["GET"]),
        (f"{PREFIX}/space/products", get_products, ["GET"]),
        (f"{PREFIX}/space/legal", get_legal, ["GET"]),
        (f"{PREFIX}/space/meeting-room-availability", meeting_room_availability, ["GET"]),
        (f"{PREFIX}/space/desk-availability", desk_availability, ["GET"]),
        (f"{PREFIX}/access-codes/standalone", create_standalone_code, ["POST"]),
        (f"{PREFIX}/access-codes/product", create_product_code, ["POST"]),
        (f"{PREFIX}/meeting-room-booking", create_meeting_room_booking, ["POST"]),
        ("/thia/qr-code/<code_id>", qr_code, ["GET"]),
        # photos, logos: "Path to space cover photo" etc., on the API's host
        ("/storage/<path:path>", photo_route(lambda path: f"/storage/{path}"), ["GET"]),
        *CONTROL_ROUTES,
    ],
    seed=thia_seed.seed,
    config=config,
    extra_config=extra_config,
)
