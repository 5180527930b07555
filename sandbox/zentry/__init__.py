"""Sandbox of the Zentry APIs (documents 002 Workspaces and 003 CheckIns).

Served under ``/zentry/workspaces/...`` and ``/zentry/checkins/...``; see
``docs/providers/zentry.md``. The Workspaces handlers live in ``lookups``, ``locations``,
``rooms`` and ``members`` (routes in ``workspaces``), the CheckIns ones in ``reservations``
and ``checkins``; the shared rules in ``sandbox.zentry_common``, the seed in
``sandbox.zentry_seed`` (both outside this package: the seed uses the shared rules).
"""

from __future__ import annotations

from sandbox.core import SELF_ORIGIN, ProviderSpec
from sandbox.photos import photo_route
from sandbox.zentry.checkins import ROUTES as CHECKIN_ROUTES
from sandbox.zentry.control import ROUTES as CONTROL_ROUTES
from sandbox.zentry.workspaces import ROUTES as WORKSPACE_ROUTES
from sandbox.zentry_common import CHECKINS, WORKSPACES
from sandbox.zentry_seed import API_KEY, TENANT_ID, USER_ID, WORKSPACE_ID, seed


def config(base_url: str, state: dict) -> dict:
    return {
        "workspaces_url": base_url + WORKSPACES,
        "checkins_url": base_url + CHECKINS,
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "user_id": USER_ID,
        "workspace_id": WORKSPACE_ID,
        "api_key_header": "Api-Key",
    }


SPEC = ProviderSpec(
    name="zentry",
    routes=[
        *WORKSPACE_ROUTES,
        *CHECKIN_ROUTES,
        *CONTROL_ROUTES,
        # the locations' and rooms' pictureUrls (``sandbox.photos``)
        (
            "/zentry/photos/<path:path>",
            photo_route(lambda path: f"{SELF_ORIGIN}/zentry/photos/{path}"),
            ["GET"],
        ),
    ],
    seed=seed,
    config=config,
)
