"""Zentry Workspaces API (document 002): its routes."""

from __future__ import annotations

from sandbox.zentry.locations import (
    closure_create,
    closure_delete,
    closure_search,
    get_addresses,
    get_locations,
    location_is_open,
    upload,
    upsert_location,
)
from sandbox.zentry.members import (
    add_user_role,
    approve_application,
    approve_inquiry,
    create_application,
    create_member_application,
    create_user_location,
    deny_application,
    get_applications,
    get_member_applications,
    get_my_workspace,
    get_user_locations,
    get_workspace_members,
    get_workspaces,
    invite_workspace,
    member_transition,
    remind_application,
    remove_user_role,
    submit_application,
    update_application,
    update_member_application,
    update_workspace,
    users_with_role,
)
from sandbox.zentry.rooms import get_rooms, room_is_open, upsert_room
from sandbox.zentry_common import (
    WORKSPACES,
    guard,
)


def _w(path: str) -> str:
    return WORKSPACES + path


ROUTES = [
    (_w("/Address"), get_addresses, ["GET"]),
    (_w("/Admin/role"), add_user_role, ["POST"]),
    (_w("/Admin/role"), remove_user_role, ["DELETE"]),
    (_w("/Admin/<tenantId>/role/<role>"), users_with_role, ["GET"]),
    (_w("/Application/create"), create_application, ["POST"]),
    (_w("/Application"), get_applications, ["POST"]),
    (_w("/Application/approve-inquiry"), approve_inquiry, ["PUT"]),
    (_w("/Application/deny"), deny_application, ["PUT"]),
    (_w("/Application/approve"), approve_application, ["PUT"]),
    (_w("/Application/invite"), invite_workspace, ["POST"]),
    (_w("/Application/remind"), remind_application, ["POST"]),
    (_w("/Application/<id>/submit"), submit_application, ["PUT"]),
    (_w("/Application/<id>"), update_application, ["PUT"]),
    (_w("/Location"), get_locations, ["POST"]),
    (_w("/Location/upsert"), upsert_location, ["POST"]),
    (_w("/Location/image"), upload("image"), ["POST"]),
    (_w("/Location/waiver"), upload("waiver"), ["POST"]),
    (_w("/Location/terms"), upload("terms"), ["POST"]),
    (_w("/Location/is-open"), location_is_open, ["GET"]),
    (_w("/LocationClosure"), closure_search("locationClosures", "locationId"), ["POST"]),
    (
        _w("/LocationClosure/create"),
        closure_create("locationClosures", "locationId", "locations", "Location"),
        ["POST"],
    ),
    (
        _w("/LocationClosure/<id>"),
        closure_delete("locationClosures", "LocationClosure"),
        ["DELETE"],
    ),
    (_w("/MemberApplication"), get_member_applications, ["POST"]),
    (_w("/MemberApplication/create"), create_member_application, ["POST"]),
    (_w("/MemberApplication/<id>"), update_member_application, ["PUT"]),
    (_w("/MemberApplication/<id>/deny"), member_transition("deny"), ["POST"]),
    (_w("/MemberApplication/<id>/approve-request"), member_transition("approve-request"), ["POST"]),
    (_w("/MemberApplication/<id>/submit"), member_transition("submit"), ["POST"]),
    (_w("/MemberApplication/<id>/approve"), member_transition("approve"), ["POST"]),
    (_w("/Room"), get_rooms, ["POST"]),
    (_w("/Room/upsert"), upsert_room, ["POST"]),
    (_w("/Room/is-open"), room_is_open, ["GET"]),
    (_w("/RoomClosure"), closure_search("roomClosures", "roomId"), ["POST"]),
    (
        _w("/RoomClosure/create"),
        closure_create("roomClosures", "roomId", "rooms", "Room"),
        ["POST"],
    ),
    (_w("/RoomClosure/<id>"), closure_delete("roomClosures", "RoomClosure"), ["DELETE"]),
    (_w("/UserLocation"), get_user_locations, ["POST"]),
    (_w("/UserLocation/create"), create_user_location, ["POST"]),
    (_w("/UserLocation/<id>"), closure_delete("userLocations", "UserLocation"), ["DELETE"]),
    (_w("/Workspace/my"), get_my_workspace, ["GET"]),
    (_w("/Workspace"), get_workspaces, ["POST"]),
    (_w("/Workspace/<id>"), update_workspace, ["PUT"]),
    (_w("/WorkspaceMember"), get_workspace_members, ["POST"]),
]
ROUTES = [(path, guard(handler), methods) for path, handler, methods in ROUTES]
