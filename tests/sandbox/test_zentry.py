"""Zentry sandbox (documents 002 Workspaces API and 003 CheckIns API).

Most tests run against a sandbox seeded for a fixed Monday, 2030-01-07, with the clock at
14:00 UTC (09:00 in New York, 06:00 in Los Angeles), so weekdays are predictable:
the seed then books Tuesday 2030-01-08 and Wednesday 2030-01-09.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from sandbox import build_sandbox
from sandbox.zentry_seed import (
    API_KEY,
    CHI_LOCATION_ID,
    LA_BOARDROOM_ID,
    LA_LOCATION_ID,
    LA_POD_ID,
    MEMBER_USER_ID,
    NY_CONFERENCE_ROOM_ID,
    NY_FOCUS_ROOM_ID,
    NY_LOCATION_ID,
    OTHER_USER_ID,
    TENANT_ID,
    USER_ID,
    WORKSPACE_ID,
)

TODAY = dt.date(2030, 1, 7)  # a Monday
WS = "/zentry/workspaces"
CI = "/zentry/checkins"
H = {"Api-Key": API_KEY}


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2030, 1, 7, 14, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def zc(clock):
    """A client on a sandbox seeded for TODAY, with the Api-Key header set."""
    sandbox = build_sandbox(state_path=None, clock=clock)
    sandbox.store.reset(TODAY)
    with httpx.Client(
        transport=httpx.WSGITransport(app=sandbox), base_url="http://127.0.0.1:8001", headers=H
    ) as http:
        yield http


def day_pass(location=NY_LOCATION_ID, date="2030-01-08T00:00:00Z", user=USER_ID, **extra):
    body = {"userId": user, "locationId": location, "tenantId": TENANT_ID, "reservationDate": date}
    body.update(extra)
    return body


def room_booking(
    room=NY_CONFERENCE_ROOM_ID,
    start="2030-01-08T15:00:00Z",
    end="2030-01-08T16:00:00Z",
    location=NY_LOCATION_ID,
    guests=4,
    user=USER_ID,
):
    return {
        "userId": user,
        "locationId": location,
        "tenantId": TENANT_ID,
        "reservationDate": start,
        "roomId": room,
        "reservationEndDate": end,
        "numberOfGuests": guests,
    }


def assert_problem(response, status, detail=None):
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://tools.ietf.org/html/rfc9110#section-15.5.")
    if detail is not None:
        assert body["detail"] == detail
    return body


def assert_paged(body, offset=0, limit=25):
    assert set(body) == {"data", "pagedRequest", "totalCount"}
    assert body["pagedRequest"] == {"offset": offset, "limit": limit}
    assert isinstance(body["totalCount"], int)
    return body["data"]


# --- config, auth -----------------------------------------------------------------------


def test_print_config_names_both_base_urls_and_credentials(config):
    zentry = config["zentry"]
    assert zentry["workspaces_url"] == "http://127.0.0.1:8001/zentry/workspaces"
    assert zentry["checkins_url"] == "http://127.0.0.1:8001/zentry/checkins"
    assert zentry["api_key"] == API_KEY
    assert zentry["tenant_id"] == TENANT_ID
    assert zentry["user_id"] == USER_ID


@pytest.mark.parametrize("path", [WS + "/Location", CI + "/Reservation"])
def test_missing_or_wrong_api_key_is_a_401_problem(client, path):
    missing = assert_problem(client.post(path, json={}), 401)
    assert missing["title"] == "Unauthorized"
    assert_problem(client.post(path, json={}, headers={"Api-Key": "nope"}), 401)


def test_api_key_also_accepted_as_authorization_scheme(client):
    response = client.post(
        WS + "/Location", json={}, headers={"Authorization": f"Api-Key {API_KEY}"}
    )
    assert response.status_code == 200


def test_seed_works_relative_to_the_real_today(client):
    response = client.post(
        CI + "/Reservation", json={"statuses": ["Approved", "Pending"]}, headers=H
    )
    data = assert_paged(response.json())
    assert len(data) == 5
    assert all(r["reservationDate"] > dt.date.today().isoformat() for r in data)


# --- Location search --------------------------------------------------------------------


def test_location_search_envelope_and_seed(zc):
    data = assert_paged(zc.post(WS + "/Location", json={"offset": 0, "limit": 25}).json())
    by_id = {loc["id"]: loc for loc in data}
    assert set(by_id) == {NY_LOCATION_ID, LA_LOCATION_ID, CHI_LOCATION_ID}
    ny, la = by_id[NY_LOCATION_ID], by_id[LA_LOCATION_ID]
    assert ny["timeZone"] == "America/New_York" and la["timeZone"] == "America/Los_Angeles"
    assert ny["autoApproveReservations"] is True and la["autoApproveReservations"] is False
    assert ny["price"] == 2500 and ny["marketplacePrice"] == 3000 and ny["tokenCost"] == 6
    assert ny["schedule"]["monday"] == {
        "isOpen": True,
        "open": "08:00:00",
        "close": "18:00:00",
        "maxVisitors": 40,
    }
    assert la["schedule"]["tuesday"]["maxVisitors"] == 3
    assert la["schedule"]["sunday"]["isOpen"] is False
    assert set(ny["geo"]) == {"latitude", "longitude"}
    assert "_taxRate" not in ny


def test_location_search_pages(zc):
    body = zc.post(WS + "/Location", json={"offset": 1, "limit": 1}).json()
    assert assert_paged(body, 1, 1)[0]["id"] == LA_LOCATION_ID
    assert body["totalCount"] == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"geoSearch": {"maxMiles": 25, "latitude": 40.71, "longitude": -74.0}}, [NY_LOCATION_ID]),
        ({"state": "CA"}, [LA_LOCATION_ID]),
        ({"state": "New York"}, [NY_LOCATION_ID]),
        ({"amenities": ["parking", "Coffee"]}, [LA_LOCATION_ID]),
        ({"maxMarketplacePrice": 3000}, [NY_LOCATION_ID]),
        ({"excludeLocationsNotOnMarketplace": True}, [NY_LOCATION_ID, LA_LOCATION_ID]),
        ({"statuses": ["Inactive"]}, [CHI_LOCATION_ID]),
        ({"maxTokens": 6}, [NY_LOCATION_ID, CHI_LOCATION_ID]),
        ({"searchText": "arts district"}, [LA_LOCATION_ID]),
        ({"searchText": "Fulton"}, [CHI_LOCATION_ID]),
        ({"ids": [LA_LOCATION_ID], "workspaceIds": [WORKSPACE_ID]}, [LA_LOCATION_ID]),
    ],
)
def test_location_search_filters(zc, query, expected):
    data = zc.post(WS + "/Location", json=query).json()["data"]
    assert [loc["id"] for loc in data] == expected


def test_geo_search_sorts_by_distance(zc):
    query = {"geoSearch": {"maxMiles": 5000, "latitude": 34.05, "longitude": -118.24}}
    data = zc.post(WS + "/Location", json=query).json()["data"]
    assert [loc["id"] for loc in data] == [LA_LOCATION_ID, CHI_LOCATION_ID, NY_LOCATION_ID]


def test_search_validation_errors(zc):
    body = zc.post(WS + "/Location", json={"offset": -1}).json()
    assert body["status"] == 400 and body["title"] == "One or more validation errors occurred."
    assert "offset" in body["errors"]
    response = zc.post(
        WS + "/Location", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "$" in response.json()["errors"]
    bad_geo = zc.post(WS + "/Room", json={"geoSearch": {"maxMiles": 5}})
    assert "geoSearch.latitude" in bad_geo.json()["errors"]


# --- Rooms ------------------------------------------------------------------------------


def test_room_search_returns_extended_rooms_with_nested_location(zc):
    data = assert_paged(zc.post(WS + "/Room", json={"locationIds": [NY_LOCATION_ID]}).json())
    hudson = next(r for r in data if r["id"] == NY_CONFERENCE_ROOM_ID)
    assert hudson["quantity"] == 2 and hudson["capacity"] == 10
    assert hudson["maxReservationMinutes"] == 240
    assert hudson["pricePerHour"] == 5000 and hudson["marketplacePricePerDay"] == 36000
    assert hudson["tokenCostPerHour"] == 10 and hudson["tokenCostPerDay"] == 60
    assert hudson["location"]["id"] == NY_LOCATION_ID
    assert hudson["location"]["timeZone"] == "America/New_York"
    assert "tokenCost" not in hudson["location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"minimumCapacity": 10}, [NY_CONFERENCE_ROOM_ID, LA_BOARDROOM_ID]),
        (
            {"excludeRoomsNotOnMarketplace": True},
            [NY_CONFERENCE_ROOM_ID, NY_FOCUS_ROOM_ID, LA_BOARDROOM_ID],
        ),
        ({"maxMarketplacePricePerHour": 3000}, [NY_FOCUS_ROOM_ID]),
        ({"maxTokensPerHour": 5}, [NY_FOCUS_ROOM_ID, LA_POD_ID]),
        ({"amenities": ["TV"], "state": "CA"}, [LA_BOARDROOM_ID]),
        ({"searchText": "sunset"}, [LA_BOARDROOM_ID]),
        (
            {"geoSearch": {"maxMiles": 10, "latitude": 34.05, "longitude": -118.24}},
            [LA_BOARDROOM_ID, LA_POD_ID],
        ),
    ],
)
def test_room_search_filters(zc, query, expected):
    assert [r["id"] for r in zc.post(WS + "/Room", json=query).json()["data"]] == expected


def test_room_upsert_creates_then_updates(zc):
    body = {
        "locationId": LA_LOCATION_ID,
        "name": "Echo Room",
        "pricePerHour": 4000,
        "pricePerDay": 20000,
        "marketplacePricePerHour": 4500,
        "marketplacePricePerDay": None,
        "quantity": 2,
        "amenities": ["TV"],
        "capacity": 6,
        "maxReservationMinutes": 90,
        "pictureUrls": [],
        "autoApproveReservations": True,
    }
    created = zc.post(WS + "/Room/upsert", json=body).json()
    assert created["name"] == "Echo Room" and created["location"]["id"] == LA_LOCATION_ID
    assert created["tokenCostPerHour"] == 8
    body["capacity"] = 8
    updated = zc.post(WS + "/Room/upsert", params={"id": created["id"]}, json=body).json()
    assert updated["id"] == created["id"] and updated["capacity"] == 8
    ids = [
        r["id"]
        for r in zc.post(WS + "/Room", json={"locationIds": [LA_LOCATION_ID]}).json()["data"]
    ]
    assert created["id"] in ids and len(ids) == 3
    bad = zc.post(WS + "/Room/upsert", json=body | {"quantity": 0})
    assert "quantity" in bad.json()["errors"]
    missing = zc.post(WS + "/Room/upsert", json={k: v for k, v in body.items() if k != "name"})
    assert missing.json()["errors"] == {"name": ["The name field is required."]}
    assert_problem(zc.post(WS + "/Room/upsert", params={"id": "nope"}, json=body), 404)


# --- Location upsert, uploads, address ----------------------------------------------------

DOC_LOCATION = {
    "workspaceId": WORKSPACE_ID,
    "name": "The Zentrys - St. Louis",
    "address": {
        "line1": "11 N 4th St",
        "line2": "APT 101",
        "state": "Missouri",
        "city": "St. Louis",
        "zipCode": "63102",
    },
    "schedule": {
        d: {"isOpen": True, "open": "09:00:00", "close": "17:00:00", "maxVisitors": 40}
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    },
    "pictureUrls": ["https://example.com/photo1.jpg"],
    "amenities": ["Wi-Fi", "Pickleball"],
    "price": 10000,
    "marketplacePrice": 1500,
    "phone": "5555555555",
    "checkInInstructions": "Visit the front desk",
    "description": "Panoramic views",
    "waiverUrl": "https://example.com/waiver.pdf",
    "termsOfSerivceUrl": "https://example.com/terms.pdf",
    "autoApproveReservations": False,
}


def test_location_upsert_with_the_documented_example(zc):
    created = zc.post(WS + "/Location/upsert", json=DOC_LOCATION).json()
    assert created["timeZone"] == "America/Chicago"
    assert created["status"] == "Active" and created["tokenCost"] == 3
    assert round(created["geo"]["latitude"], 2) == 38.63
    updated = zc.post(
        WS + "/Location/upsert", params={"id": created["id"]}, json=DOC_LOCATION | {"price": 12000}
    ).json()
    assert updated["id"] == created["id"] and updated["price"] == 12000
    found = zc.post(WS + "/Location", json={"state": "MO"}).json()["data"]
    assert [loc["id"] for loc in found] == [created["id"]]


def test_location_upsert_validation(zc):
    schedule = dict(DOC_LOCATION["schedule"])
    schedule["monday"] = {"isOpen": True, "open": "18:00:00", "close": "09:00:00"}
    bad = zc.post(WS + "/Location/upsert", json=DOC_LOCATION | {"schedule": schedule}).json()
    assert "schedule.monday" in bad["errors"]
    missing = zc.post(
        WS + "/Location/upsert", json={k: v for k, v in DOC_LOCATION.items() if k != "price"}
    ).json()
    assert missing["errors"] == {"price": ["The price field is required."]}
    empty = zc.post(WS + "/Location/upsert").json()
    assert empty["errors"] == {"": ["A non-empty request body is required."]}


def test_uploads_answer_a_url_string(zc):
    response = zc.post(WS + "/Location/image", files={"file": ("front desk.jpg", b"jpg")})
    assert response.status_code == 200 and response.json().endswith("/front-desk.jpg")
    assert zc.post(WS + "/Location/waiver", files={"other": ("w.pdf", b"x")}).status_code == 400


def test_address_search(zc):
    matches = zc.get(WS + "/Address", params={"Query": "22nd"}).json()
    assert matches == [
        {
            "address": "41 W 22nd St, New York, NY 10010",
            "geo": {"latitude": 40.7416, "longitude": -73.9922},
        }
    ]
    assert (
        zc.get(WS + "/Address", params={"query": "Denver"}).json()[0]["geo"]["latitude"] == 39.7392
    )


# --- is-open and closures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "ident", "date", "expected"),
    [
        ("Location", NY_LOCATION_ID, "2030-01-08", {"isOpen": True, "closureType": None}),
        (
            "Location",
            NY_LOCATION_ID,
            "2030-01-13T00:00:00Z",
            {"isOpen": False, "closureType": None},
        ),
        ("Location", NY_LOCATION_ID, "2030-01-22", {"isOpen": False, "closureType": "Default"}),
        (
            "Location",
            NY_LOCATION_ID,
            "2030-01-08T23:30:00Z",
            {"isOpen": False, "closureType": None},
        ),
        ("Location", LA_LOCATION_ID, "2030-01-11", {"isOpen": True, "closureType": None}),
        (
            "Location",
            LA_LOCATION_ID,
            "2030-01-11T22:00:00Z",
            {"isOpen": False, "closureType": "Default"},
        ),
        (
            "Location",
            LA_LOCATION_ID,
            "2030-03-15T14:00:00-07:00",
            {"isOpen": False, "closureType": "Default"},
        ),
        ("Location", LA_LOCATION_ID, "2030-01-11T18:00:00Z", {"isOpen": True, "closureType": None}),
        ("Location", CHI_LOCATION_ID, "2030-01-08", {"isOpen": False, "closureType": "ComingSoon"}),
        (
            "Room",
            NY_CONFERENCE_ROOM_ID,
            "2030-01-14T13:30:00Z",
            {"isOpen": False, "closureType": "Default"},
        ),
        (
            "Room",
            NY_CONFERENCE_ROOM_ID,
            "2030-01-14T15:30:00Z",
            {"isOpen": True, "closureType": None},
        ),
        ("Room", NY_FOCUS_ROOM_ID, "2030-01-14T13:30:00Z", {"isOpen": True, "closureType": None}),
        ("Room", NY_CONFERENCE_ROOM_ID, "2030-01-22", {"isOpen": False, "closureType": "Default"}),
    ],
)
def test_is_open(zc, path, ident, date, expected):
    response = zc.get(f"{WS}/{path}/is-open", params={"Id": ident, "Date": date})
    assert response.status_code == 200
    assert response.json() == expected


def test_is_open_errors(zc):
    assert "Id" in zc.get(WS + "/Location/is-open").json()["errors"]
    assert_problem(zc.get(WS + "/Room/is-open", params={"Id": "nope"}), 404)


def test_closure_search_shape_and_recurrence(zc):
    data = assert_paged(
        zc.post(WS + "/LocationClosure", json={"locationIds": [LA_LOCATION_ID]}).json()
    )
    assert len(data) == 1
    weekly = data[0]
    assert weekly["recurrence"] == "Weekly" and weekly["type"] == "Default"
    assert set(weekly) == {
        "id",
        "dateCreated",
        "dateUpdated",
        "dateRange",
        "workspaceId",
        "recurrence",
        "recurrenceEndDate",
        "locationId",
        "type",
    }
    rooms = zc.post(WS + "/RoomClosure", json={"roomIds": [NY_CONFERENCE_ROOM_ID]}).json()["data"]
    assert rooms[0]["roomId"] == NY_CONFERENCE_ROOM_ID and rooms[0]["recurrence"] == "Weekly"


def test_room_closure_blocks_booking_until_deleted(zc):
    closure = {
        "dateRange": {"from": "2030-01-09T16:00:00Z", "to": "2030-01-09T18:00:00Z"},
        "workspaceId": WORKSPACE_ID,
        "roomId": NY_FOCUS_ROOM_ID,
        "recurrence": "Weekly",
        "recurrenceEndDate": "2030-02-01T00:00:00Z",
    }
    created = zc.post(WS + "/RoomClosure/create", json={"closures": [closure]}).json()
    assert len(created) == 1 and created[0]["roomId"] == NY_FOCUS_ROOM_ID
    booking = room_booking(NY_FOCUS_ROOM_ID, "2030-01-16T16:30:00Z", "2030-01-16T17:00:00Z")
    assert_problem(
        zc.post(CI + "/Reservation/create/room", json=booking),
        400,
        "The room is closed during the requested time.",
    )
    after_end = room_booking(NY_FOCUS_ROOM_ID, "2030-02-06T16:30:00Z", "2030-02-06T17:00:00Z")
    assert zc.post(CI + "/Reservation/create/room", json=after_end).status_code == 200
    assert zc.delete(f"{WS}/RoomClosure/{created[0]['id']}").status_code == 200
    assert zc.post(CI + "/Reservation/create/room", json=booking).status_code == 200
    assert_problem(zc.delete(f"{WS}/RoomClosure/{created[0]['id']}"), 404)


def test_location_closure_create_validation_and_effect(zc):
    bad = zc.post(
        WS + "/LocationClosure/create",
        json={
            "closures": [
                {
                    "dateRange": {"from": "2030-01-10T00:00:00Z", "to": "2030-01-11T00:00:00Z"},
                    "workspaceId": WORKSPACE_ID,
                    "locationId": NY_LOCATION_ID,
                    "recurrence": "Hourly",
                }
            ]
        },
    )
    assert "closures[0].recurrence" in bad.json()["errors"]
    closure = {
        "dateRange": {"from": "2030-01-10T05:00:00Z", "to": "2030-01-11T05:00:00Z"},
        "workspaceId": WORKSPACE_ID,
        "locationId": NY_LOCATION_ID,
        "recurrence": "None",
    }
    created = zc.post(WS + "/LocationClosure/create", json={"closures": [closure]}).json()[0]
    assert created["recurrenceEndDate"] is None
    assert_problem(
        zc.post(CI + "/Reservation/create/daypass", json=day_pass(date="2030-01-10")),
        400,
        "The location is closed on 2030-01-10.",
    )
    zc.delete(f"{WS}/LocationClosure/{created['id']}")
    assert (
        zc.post(CI + "/Reservation/create/daypass", json=day_pass(date="2030-01-10")).status_code
        == 200
    )


# --- day passes -------------------------------------------------------------------------


def test_day_pass_on_an_auto_approve_location_is_approved(zc):
    response = zc.post(
        CI + "/Reservation/create/daypass", json=day_pass(date="2030-01-09T00:00:00Z")
    )
    assert response.status_code == 200
    r = response.json()
    assert r["status"] == "Approved" and r["reservationType"] == "DayPass"
    assert r["reservationDate"] == "2030-01-09T00:00:00Z"
    assert r["price"] == 3430 and r["tokenCost"] == 6 and r["isMarketplace"] is True
    assert r["employerId"] == TENANT_ID and r["isWithin24Hours"] is False
    assert list(r) == [
        "id",
        "dateCreated",
        "dateUpdated",
        "reservationType",
        "status",
        "locationId",
        "workspaceId",
        "userId",
        "tenantId",
        "employerId",
        "reservationDate",
        "price",
        "tokenCost",
        "paymentId",
        "isMarketplace",
        "isWithin24Hours",
    ]
    found = zc.post(
        CI + "/DayPassReservation",
        json={"userIds": [USER_ID], "minimumReservationDate": "2030-01-09T00:00:00Z"},
    ).json()["data"]
    assert [x["id"] for x in found] == [r["id"]]


def test_day_pass_on_a_manual_location_stays_pending_until_approved(zc):
    r = zc.post(
        CI + "/Reservation/create/daypass",
        json=day_pass(LA_LOCATION_ID, "2030-01-10T08:00:00-08:00"),
    ).json()
    assert r["status"] == "Pending"
    pending = zc.post(
        CI + "/Reservation", json={"statuses": ["Pending"], "locationIds": [LA_LOCATION_ID]}
    ).json()["data"]
    assert r["id"] in [x["id"] for x in pending]
    approved = zc.put(f"{CI}/Reservation/{r['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "Approved"
    assert zc.put(f"{CI}/Reservation/{r['id']}/approve").json()["status"] == "Approved"
    assert_problem(zc.put(f"{CI}/Reservation/nope/approve"), 404)


def test_day_pass_max_visitors_then_cancel_frees_a_place(zc):
    # LA allows 3 day passes on Tuesday 2030-01-08; the seed holds 2
    first = zc.post(CI + "/Reservation/create/daypass", json=day_pass(LA_LOCATION_ID))
    assert first.status_code == 200
    full = zc.post(CI + "/Reservation/create/daypass", json=day_pass(LA_LOCATION_ID))
    assert_problem(full, 400, "The location has reached its maximum of 3 visitors on 2030-01-08.")
    cancelled = zc.request(
        "DELETE", CI + "/Reservation", json={"reservationId": first.json()["id"]}
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "Cancelled"
    assert (
        zc.post(CI + "/Reservation/create/daypass", json=day_pass(LA_LOCATION_ID)).status_code
        == 200
    )
    again = zc.request("DELETE", CI + "/Reservation", json={"reservationId": first.json()["id"]})
    assert_problem(
        again, 400, f"Reservation '{first.json()['id']}' is Cancelled and cannot be cancelled."
    )


@pytest.mark.parametrize(
    ("date", "detail"),
    [
        ("2030-01-06", "Reservation date cannot be in the past."),
        ("2030-01-06T20:00:00-05:00", "Reservation date cannot be in the past."),
        ("2030-01-13", "The location is not open on 2030-01-13."),
        ("2030-01-22T00:00:00Z", "The location is closed on 2030-01-22."),
    ],
)
def test_day_pass_refusals(zc, date, detail):
    assert_problem(
        zc.post(CI + "/Reservation/create/daypass", json=day_pass(date=date)), 400, detail
    )


def test_day_pass_today_is_allowed(zc):
    assert (
        zc.post(CI + "/Reservation/create/daypass", json=day_pass(date="2030-01-07")).status_code
        == 200
    )


def test_reservation_request_validation(zc):
    body = zc.post(CI + "/Reservation/create/daypass", json={"locationId": NY_LOCATION_ID}).json()
    # every missing required field at once, as ASP.NET model validation reports them
    assert body["errors"] == {
        "userId": ["The userId field is required."],
        "tenantId": ["The tenantId field is required."],
        "reservationDate": ["The reservationDate field is required."],
    }
    bad_date = zc.post(CI + "/Reservation/create/daypass", json=day_pass(date="tomorrow")).json()
    assert "reservationDate" in bad_date["errors"]
    assert_problem(
        zc.post(CI + "/Reservation/create/daypass", json=day_pass() | {"tenantId": "x"}),
        400,
        "Tenant 'x' was not found.",
    )
    assert_problem(
        zc.post(CI + "/Reservation/create/daypass", json=day_pass(location="nope")),
        400,
        "Location 'nope' was not found.",
    )
    assert_problem(
        zc.post(CI + "/Reservation/create/daypass", json=day_pass(CHI_LOCATION_ID)),
        400,
        f"Location '{CHI_LOCATION_ID}' is not active.",
    )


def test_json_property_names_are_case_insensitive(zc):
    body = {
        "UserId": USER_ID,
        "LocationId": NY_LOCATION_ID,
        "TenantId": TENANT_ID,
        "ReservationDate": "2030-01-09",
    }
    assert zc.post(CI + "/Reservation/create/daypass", json=body).status_code == 200


# --- room reservations ------------------------------------------------------------------


def test_room_quantity_two_allows_two_parallel_bookings(zc):
    # the seed already holds Hudson 10:00-11:00 New York time on 2030-01-08 (one of two)
    second = zc.post(CI + "/Reservation/create/room", json=room_booking())
    assert second.status_code == 200
    r = second.json()
    assert r["status"] == "Approved" and r["roomId"] == NY_CONFERENCE_ROOM_ID
    assert r["reservationEndDate"] == "2030-01-08T16:00:00Z" and r["numberOfGuests"] == 4
    third = zc.post(
        CI + "/Reservation/create/room",
        json=room_booking(start="2030-01-08T15:30:00Z", end="2030-01-08T16:30:00Z"),
    )
    assert_problem(third, 400, "The room is fully booked for the requested time.")
    later = room_booking(start="2030-01-08T16:00:00Z", end="2030-01-08T17:00:00Z")
    assert zc.post(CI + "/Reservation/create/room", json=later).status_code == 200
    zc.request("DELETE", CI + "/Reservation", json={"reservationId": r["id"]})
    retry = room_booking(start="2030-01-08T15:30:00Z", end="2030-01-08T16:00:00Z")
    assert zc.post(CI + "/Reservation/create/room", json=retry).status_code == 200


def test_room_reservations_appear_in_occupied_date_range_searches(zc):
    window = {"from": "2030-01-08T14:30:00Z", "to": "2030-01-08T15:30:00Z"}
    data = zc.post(
        CI + "/RoomReservation",
        json={"roomIds": [NY_CONFERENCE_ROOM_ID], "occupiedDateRange": window},
    ).json()["data"]
    assert [x["id"] for x in data] == ["9a1d3163ee1ffbbdb38b7a01"]
    assert data[0]["reservationType"] == "Room"
    new = zc.post(CI + "/Reservation/create/room", json=room_booking()).json()
    data = zc.post(
        CI + "/Reservation",
        json={"occupiedDateRange": window, "reservationType": "Room", "statuses": ["Approved"]},
    ).json()["data"]
    assert {x["id"] for x in data} == {"9a1d3163ee1ffbbdb38b7a01", new["id"]}
    outside = {"from": "2030-01-08T16:00:00Z", "to": "2030-01-08T17:00:00Z"}
    assert (
        zc.post(
            CI + "/RoomReservation",
            json={"roomIds": [NY_CONFERENCE_ROOM_ID], "occupiedDateRange": outside},
        ).json()["data"]
        == []
    )
    day = {"from": "2030-01-08T12:00:00Z", "to": "2030-01-08T13:00:00Z"}
    passes = zc.post(
        CI + "/Reservation", json={"occupiedDateRange": day, "reservationType": "DayPass"}
    ).json()["data"]
    assert {x["locationId"] for x in passes} == {NY_LOCATION_ID, LA_LOCATION_ID}


def test_room_on_a_manual_room_stays_pending(zc):
    booking = room_booking(
        LA_BOARDROOM_ID, "2030-01-08T10:00:00-08:00", "2030-01-08T12:00:00-08:00", LA_LOCATION_ID
    )
    r = zc.post(CI + "/Reservation/create/room", json=booking).json()
    assert r["status"] == "Pending"
    assert zc.put(f"{CI}/Reservation/{r['id']}/approve").json()["status"] == "Approved"


@pytest.mark.parametrize(
    ("booking", "detail"),
    [
        (
            room_booking(end="2030-01-08T20:00:00Z"),
            "Reservations for this room cannot be longer than 240 minutes.",
        ),
        (
            room_booking(start="2030-01-08T12:00:00Z", end="2030-01-08T14:00:00Z"),
            "The reservation must be within the location's open hours on 2030-01-08 "
            "(08:00:00-18:00:00 America/New_York).",
        ),
        (
            room_booking(start="2030-01-14T13:00:00Z", end="2030-01-14T14:00:00Z"),
            "The room is closed during the requested time.",
        ),
        (
            room_booking(
                LA_BOARDROOM_ID,
                "2030-01-11T12:00:00-08:00",
                "2030-01-11T14:00:00-08:00",
                LA_LOCATION_ID,
            ),
            "The location is closed during the requested time.",
        ),
        (
            room_booking(start="2030-01-13T15:00:00Z", end="2030-01-13T16:00:00Z"),
            "The location is not open on 2030-01-13.",
        ),
        (room_booking(guests=11), "Number of guests (11) exceeds the room capacity of 10."),
        (
            room_booking(start="2030-01-07T13:00:00Z", end="2030-01-07T14:00:00Z"),
            "Reservation date cannot be in the past.",
        ),
        (
            room_booking(LA_BOARDROOM_ID),
            f"Room '{LA_BOARDROOM_ID}' does not belong to location '{NY_LOCATION_ID}'.",
        ),
    ],
)
def test_room_refusals(zc, booking, detail):
    assert_problem(zc.post(CI + "/Reservation/create/room", json=booking), 400, detail)


def test_room_booking_end_before_start_is_a_validation_error(zc):
    body = zc.post(
        CI + "/Reservation/create/room", json=room_booking(end="2030-01-08T14:00:00Z")
    ).json()
    assert "reservationEndDate" in body["errors"]
    body = zc.post(
        CI + "/Reservation/create/room",
        json={k: v for k, v in room_booking().items() if k != "numberOfGuests"},
    ).json()
    assert body["errors"] == {"numberOfGuests": ["The numberOfGuests field is required."]}


def test_naive_times_are_read_in_the_location_time_zone(zc):
    booking = room_booking(NY_FOCUS_ROOM_ID, "2030-01-08T09:00:00", "2030-01-08T10:00:00")
    r = zc.post(CI + "/Reservation/create/room", json=booking).json()
    assert r["reservationDate"] == "2030-01-08T14:00:00Z"


# --- cost previews ----------------------------------------------------------------------


def test_day_pass_user_cost_preview_for_marketplace_and_member(zc):
    body = zc.post(CI + "/DayPassReservation/user-cost-preview", json=day_pass()).json()
    assert body == {
        "amount": 3000,
        "fees": [{"name": "Service fee", "amount": 150}],
        "feeTotal": 150,
        "taxes": 280,
        "total": 3430,
    }
    member = zc.post(
        CI + "/DayPassReservation/user-cost-preview", json=day_pass(user=MEMBER_USER_ID)
    ).json()
    assert member["amount"] == 2500 and member["total"] == 2500 + 125 + 233
    assert zc.post(CI + "/DayPassReservation/token-cost-preview", json=day_pass()).json() == {
        "tokens": 6
    }


def test_room_cost_previews(zc):
    booking = room_booking(end="2030-01-08T16:30:00Z")  # 90 minutes, marketplace user
    body = zc.post(CI + "/RoomReservation/user-cost-preview", json=booking).json()
    assert body == {
        "amount": 9000,
        "fees": [{"name": "Service fee", "amount": 450}],
        "feeTotal": 450,
        "taxes": 839,
        "total": 10289,
        "isFullDay": False,
    }
    tokens = zc.post(CI + "/RoomReservation/token-cost-preview", json=booking).json()
    assert tokens == {"tokens": 15, "isFullDay": False}
    day = room_booking(
        LA_BOARDROOM_ID, "2030-01-08T09:00:00-08:00", "2030-01-08T17:00:00-08:00", LA_LOCATION_ID
    )
    full = zc.post(CI + "/RoomReservation/user-cost-preview", json=day).json()
    assert full["amount"] == 48000 and full["isFullDay"] is True
    assert full["total"] == full["amount"] + full["feeTotal"] + full["taxes"]
    assert zc.post(CI + "/RoomReservation/token-cost-preview", json=day).json() == {
        "tokens": 90,
        "isFullDay": True,
    }


def test_booked_price_matches_the_preview(zc):
    booking = room_booking(end="2030-01-08T16:30:00Z")
    preview = zc.post(CI + "/RoomReservation/user-cost-preview", json=booking).json()
    created = zc.post(CI + "/Reservation/create/room", json=booking).json()
    assert created["price"] == preview["total"] and created["tokenCost"] == 15


def test_previews_refuse_past_dates(zc):
    assert_problem(
        zc.post(CI + "/DayPassReservation/user-cost-preview", json=day_pass(date="2029-12-31")),
        400,
        "Reservation date cannot be in the past.",
    )


# --- check-ins, tokens ------------------------------------------------------------------


def test_check_in_and_out_on_the_reservation_day(zc, clock):
    seeded = "9a1d3163ee1ffbbdb38b7a02"  # NY day pass, Tuesday 2030-01-08, Approved
    assert_problem(
        zc.post(CI + "/CheckIn/create", json={"reservationId": seeded}),
        400,
        "Check-in is only allowed on the day of the reservation (2030-01-08).",
    )
    clock.now = dt.datetime(2030, 1, 8, 14, 5, tzinfo=dt.UTC)
    geo = {"latitude": 40.7416, "longitude": -73.9922}
    check_in = zc.post(CI + "/CheckIn/create", json={"reservationId": seeded, "location": geo})
    assert check_in.status_code == 200
    c = check_in.json()
    assert c["timeIn"] == "2030-01-08T14:05:00Z" and c["timeOut"] is None
    assert c["checkInGeo"] == geo and c["reservationType"] == "DayPass"
    assert_problem(
        zc.post(CI + "/CheckIn/create", json={"reservationId": seeded}),
        400,
        f"Reservation '{seeded}' is already checked in.",
    )
    open_ones = zc.post(CI + "/DayPassCheckIn", json={"excludeCheckOuts": True}).json()["data"]
    assert [x["id"] for x in open_ones] == [c["id"]]
    clock.now = dt.datetime(2030, 1, 8, 22, 0, tzinfo=dt.UTC)
    out = zc.post(f"{CI}/CheckIn/{c['id']}/check-out", json={"location": geo}).json()
    assert out["timeOut"] == "2030-01-08T22:00:00Z"
    assert zc.post(CI + "/DayPassCheckIn", json={"excludeCheckOuts": True}).json()["data"] == []
    done = zc.post(CI + "/Reservation", json={"statuses": ["Completed"]}).json()["data"]
    assert seeded in [x["id"] for x in done]
    assert_problem(zc.post(f"{CI}/CheckIn/{c['id']}/check-out", json={}), 400)
    assert_problem(zc.post(f"{CI}/CheckIn/nope/check-out", json={}), 404)


def test_check_in_refuses_pending_reservations(zc, clock):
    clock.now = dt.datetime(2030, 1, 8, 18, 0, tzinfo=dt.UTC)
    pending = "9a1d3163ee1ffbbdb38b7a04"
    assert_problem(
        zc.post(CI + "/CheckIn/create", json={"reservationId": pending}),
        400,
        f"Reservation '{pending}' has not been approved.",
    )


def test_room_check_in_search(zc, clock):
    clock.now = dt.datetime(2030, 1, 8, 14, 55, tzinfo=dt.UTC)
    c = zc.post(CI + "/CheckIn/create", json={"reservationId": "9a1d3163ee1ffbbdb38b7a01"}).json()
    assert c["roomId"] == NY_CONFERENCE_ROOM_ID and c["numberOfGuests"] == 6
    found = zc.post(
        CI + "/RoomCheckIn",
        json={
            "roomIds": [NY_CONFERENCE_ROOM_ID],
            "occupiedDateRange": {"from": "2030-01-08T15:30:00Z", "to": "2030-01-08T15:45:00Z"},
        },
    ).json()["data"]
    assert [x["id"] for x in found] == [c["id"]]
    everything = zc.post(CI + "/CheckIn", json={}).json()
    assert everything["totalCount"] == 2


def test_user_token_count(zc):
    body = {
        "userId": USER_ID,
        "tenantId": TENANT_ID,
        "fromDate": "2030-01-01T00:00:00Z",
        "toDate": "2030-02-01T00:00:00Z",
    }
    assert zc.post(CI + "/Token/user", json=body).json() == {"userId": USER_ID, "tokenCount": 36}
    zc.post(CI + "/Reservation/create/daypass", json=day_pass(date="2030-01-09"))
    assert zc.post(CI + "/Token/user", json=body).json()["tokenCount"] == 42
    month = zc.post(CI + "/Token/user", json={"userId": USER_ID, "tenantId": TENANT_ID}).json()
    assert month["tokenCount"] == 42
    assert "tenantId" in zc.post(CI + "/Token/user", json={"userId": USER_ID}).json()["errors"]


# --- workspaces, members, admin, applications -------------------------------------------


def test_workspace_endpoints(zc):
    mine = zc.get(WS + "/Workspace/my").json()
    assert mine["id"] == WORKSPACE_ID and mine["name"] == "The Zentrys"
    listed = assert_paged(zc.post(WS + "/Workspace", json={"ids": [WORKSPACE_ID]}).json())
    assert [w["id"] for w in listed] == [WORKSPACE_ID]
    updated = zc.put(
        f"{WS}/Workspace/{WORKSPACE_ID}", json={"logoUrl": "https://x/logo.png"}
    ).json()
    assert updated["logoUrl"] == "https://x/logo.png"
    members = zc.post(WS + "/WorkspaceMember", json={"workspaceIds": [WORKSPACE_ID]}).json()["data"]
    assert [m["userId"] for m in members] == [MEMBER_USER_ID]


def test_user_locations_create_search_delete(zc):
    created = zc.post(
        WS + "/UserLocation/create",
        json={"userId": USER_ID, "workspaceId": WORKSPACE_ID, "locationId": LA_LOCATION_ID},
    ).json()
    found = zc.post(WS + "/UserLocation", json={"userIds": [USER_ID]}).json()["data"]
    assert [x["id"] for x in found] == [created["id"]]
    assert zc.delete(f"{WS}/UserLocation/{created['id']}").status_code == 200
    assert zc.post(WS + "/UserLocation", json={"userIds": [USER_ID]}).json()["totalCount"] == 0


def test_admin_roles(zc):
    contact = {"name": "Casey Doe", "email": "casey@zentrys.example", "phone": "1"}
    user = zc.post(
        WS + "/Admin/role",
        json={"contact": contact, "role": "LocationAdmin", "workspaceId": WORKSPACE_ID},
    ).json()
    assert user["email"] == "casey@zentrys.example" and user["firstName"] == "Casey"
    listed = zc.get(f"{WS}/Admin/{WORKSPACE_ID}/role/LocationAdmin").json()
    assert {u["email"] for u in assert_paged(listed)} == {
        "alex.kim@zentrys.example",
        "casey@zentrys.example",
    }
    removed = zc.request(
        "DELETE",
        WS + "/Admin/role",
        json={
            "email": "casey@zentrys.example",
            "role": "LocationAdmin",
            "workspaceId": WORKSPACE_ID,
        },
    )
    assert removed.status_code == 200
    assert zc.get(f"{WS}/Admin/{WORKSPACE_ID}/role/LocationAdmin").json()["totalCount"] == 1
    assert zc.get(f"{WS}/Admin/{TENANT_ID}/role/LocationAdmin").json()["totalCount"] == 1
    assert zc.get(f"{WS}/Admin/{TENANT_ID}/role/Owner").json()["totalCount"] == 0


def test_application_lifecycle(zc):
    contact = {"name": "Pat Lee", "email": "pat@example.com", "phone": "2"}
    app = zc.post(
        WS + "/Application/create",
        json={"name": "Pat's Place", "contact": contact, "description": "desks"},
    ).json()
    assert app["status"] == "Inquiry" and app["wasInvited"] is False
    assert (
        zc.put(WS + "/Application/approve-inquiry", json={"applicationId": app["id"]}).json()[
            "status"
        ]
        == "Pending"
    )
    update = {
        "name": "Pat's Place",
        "description": "desks",
        "locations": [
            {
                "name": "Main",
                "autoApproveReservations": True,
                "rooms": [{"name": "A", "quantity": 2, "autoApproveReservations": False}],
            }
        ],
    }
    submitted = zc.put(f"{WS}/Application/{app['id']}/submit", json=update).json()
    assert (
        submitted["status"] == "Submitted"
        and submitted["locations"][0]["rooms"][0]["quantity"] == 2
    )
    workspace = zc.put(WS + "/Application/approve", json={"applicationId": app["id"]}).json()
    assert workspace["name"] == "Pat's Place"
    listed = zc.post(WS + "/Application", json={"statuses": ["Approved"]}).json()["data"]
    assert listed[0]["workspaceId"] == workspace["id"]
    assert_problem(zc.put(WS + "/Application/deny", json={"applicationId": app["id"]}), 400)
    invited = zc.post(
        WS + "/Application/invite", json={"name": "B", "contact": contact, "description": "d"}
    ).json()
    assert invited["wasInvited"] is True
    assert (
        zc.post(WS + "/Application/remind", json={"applicationId": invited["id"]}).status_code
        == 200
    )


def test_member_application_lifecycle_creates_a_member(zc):
    ident = "2b1d3163ee1ffbbdb38b9d01"
    assert zc.post(f"{WS}/MemberApplication/{ident}/approve-request").json()["status"] == "Pending"
    assert zc.post(f"{WS}/MemberApplication/{ident}/submit").json()["status"] == "Submitted"
    approved = zc.post(f"{WS}/MemberApplication/{ident}/approve").json()
    assert approved["status"] == "Approved" and approved["activationDate"]
    members = zc.post(WS + "/WorkspaceMember", json={"userIds": [OTHER_USER_ID]}).json()["data"]
    assert len(members) == 1
    # now a member: the NY day pass costs the member price
    preview = zc.post(
        CI + "/DayPassReservation/user-cost-preview", json=day_pass(user=OTHER_USER_ID)
    ).json()
    assert preview["amount"] == 2500
    created = zc.post(
        WS + "/MemberApplication/create",
        json={
            "workspaceId": WORKSPACE_ID,
            "userId": USER_ID,
            "workspaceLicenseTemplateId": "t",
            "requestedActivationDate": "2030-02-01T00:00:00Z",
        },
    ).json()
    assert created["status"] == "Request"
    denied = zc.post(f"{WS}/MemberApplication/{created['id']}/deny").json()
    assert denied["status"] == "Denied"
    assert (
        zc.post(WS + "/MemberApplication", json={"statuses": ["Denied"]}).json()["totalCount"] == 1
    )


# --- conformance review: the documents' own examples and rules --------------------------


def test_documented_room_example_is_refused_as_a_past_date(zc):
    """doc 003 CreateRoomReservation example: start == end, both in 2019 -> the past-date
    rule (400 ProblemDetails) answers first, on the booking and on both previews."""
    example = {
        "userId": USER_ID,
        "locationId": NY_LOCATION_ID,
        "tenantId": TENANT_ID,
        "employerId": "string",
        "reservationDate": "2019-08-24T14:15:22Z",
        "roomId": NY_CONFERENCE_ROOM_ID,
        "reservationEndDate": "2019-08-24T14:15:22Z",
        "numberOfGuests": 5,
    }
    for path in (
        "/Reservation/create/room",
        "/RoomReservation/user-cost-preview",
        "/RoomReservation/token-cost-preview",
    ):
        assert_problem(
            zc.post(CI + path, json=example), 400, "Reservation date cannot be in the past."
        )


def test_missing_required_fields_are_reported_together(zc):
    body = zc.post(CI + "/Reservation/create/room", json={"userId": USER_ID}).json()
    assert set(body["errors"]) == {
        "locationId",
        "tenantId",
        "reservationDate",
        "roomId",
        "reservationEndDate",
        "numberOfGuests",
    }
    body = zc.post(WS + "/Room/upsert", json={"locationId": NY_LOCATION_ID, "name": "X"}).json()
    assert set(body["errors"]) == {
        "pricePerHour",
        "quantity",
        "amenities",
        "capacity",
        "maxReservationMinutes",
        "pictureUrls",
        "autoApproveReservations",
    }


def test_documented_location_upsert_example_verbatim(zc):
    """doc 002 UpsertLocation example sends `"workspaceId": "184d3163ee1ffbbdb38b6c07"` (the
    tenant id of the examples): accepted and echoed."""
    created = zc.post(WS + "/Location/upsert", json=DOC_LOCATION | {"workspaceId": TENANT_ID})
    assert created.status_code == 200
    assert created.json()["workspaceId"] == TENANT_ID
    assert created.json()["timeZone"] == "America/Chicago"
    unknown = zc.post(WS + "/Location/upsert", json=DOC_LOCATION | {"workspaceId": "nope"})
    assert_problem(unknown, 404, "Workspace 'nope' was not found.")


def test_documented_contact_examples_are_accepted(zc):
    """doc 002 Contact.email is a plain required string; the examples send "string"."""
    contact = {"name": "string", "email": "string", "phone": "string"}
    user = zc.post(
        WS + "/Admin/role",
        json={"contact": contact, "role": "LocationAdmin", "workspaceId": NY_LOCATION_ID},
    )
    assert user.status_code == 200 and user.json()["email"] == "string"
    app = zc.post(
        WS + "/Application/create",
        json={"name": "string", "contact": contact, "description": "string"},
    )
    assert app.status_code == 200 and app.json()["status"] == "Inquiry"
    missing = zc.post(
        WS + "/Application/create",
        json={"name": "n", "contact": {"name": "n"}, "description": "d"},
    ).json()
    assert missing["errors"] == {"contact.email": ["The contact.email field is required."]}
    # doc RemoveUserRole example (a user nobody granted): 200 with no body, nothing changes
    removed = zc.request(
        "DELETE",
        WS + "/Admin/role",
        json={
            "email": "johnsmit@zentrypass.com",
            "role": "LocationAdmin",
            "workspaceId": "686d3163ee1ffbbdb38b6a74",
        },
    )
    assert removed.status_code == 200 and removed.content == b""


@pytest.mark.parametrize(
    "path, body",
    [
        ("/Location", {"statuses": ["Closed"]}),
        ("/Application", {"statuses": ["Open"]}),
        ("/MemberApplication", {"statuses": ["Open"]}),
    ],
)
def test_status_filters_are_enums(zc, path, body):
    errors = zc.post(WS + path, json=body).json()["errors"]
    assert list(errors) == ["statuses"]


def test_todays_day_pass_is_within_24_hours(zc):
    """doc: isWithin24Hours -- a day pass for today (under way) is within 24 hours."""
    today = zc.post(CI + "/Reservation/create/daypass", json=day_pass(date="2030-01-07")).json()
    assert today["isWithin24Hours"] is True
    later = zc.post(CI + "/Reservation/create/daypass", json=day_pass(date="2030-01-10")).json()
    assert later["isWithin24Hours"] is False
