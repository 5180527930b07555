"""Zentry adapter with HTTP faked at the transport (respx), using the documents' examples.

Bodies below are copied from the Zentry Workspaces API document
(``002_b74326c229a2377d.txt``: ExtendedLocation, ExtendedRoom, WorkspaceMember and the
``IPagedResponse`` envelope) and the ProblemDetails / HttpValidationProblemDetails error
bodies both documents name.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from decimal import Decimal

import httpx
import pytest
import respx

from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    ProviderConfigurationError,
    RejectedError,
    TransientError,
)
from providers.adapters.types import AccountConfig, OpeningHours
from providers.vendors.zentry.adapter import ZentryAdapter

WS = "https://api.zentry.test/workspaces"
API_KEY = "zk_live_secret_key_0123456789"
USER_ID = "926d3163ee1ffbbdb47b6a76"
WORKSPACE_ID = "184d3163ee1ffbbdb38b6c07"
LOCATION_ID = "184d3163ee1ffbbdb38b6c07"

ACCOUNT = AccountConfig(
    kind="zentry",
    name="Zentry test",
    config={
        "workspaces_url": WS,
        "checkins_url": "https://api.zentry.test/checkins",
        "tenant_id": "184d3163ee1ffbbdb38b6c07",
        "user_id": USER_ID,
    },
    credentials={"api_key": API_KEY},
)

DAY = {"isOpen": True, "open": "09:00:00", "close": "17:00:00", "maxVisitors": 40}

# doc: ExtendedLocation example
DOC_LOCATION = {
    "id": LOCATION_ID,
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
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
        day: dict(DAY)
        for day in (
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        )
    },
    "price": 1500,
    "marketplacePrice": 1500,
    "geo": {"latitude": 38.62, "longitude": -90.18},
    "timeZone": "America/Chicago",
    "pictureUrls": ["https://example.com/photo1.jpg", "https://example.com/photo2.jpg"],
    "amenities": ["Wi-Fi", "Pickleball"],
    "phone": "5555555555",
    "checkInInstructions": "Visit the front desk",
    "description": "Panoramic views of the San Francisco skyline",
    "waiverUrl": "string",
    "termsOfSerivceUrl": "string",
    "autoApproveReservations": True,
    "status": "Active",
    "tokenCost": 5,
}

# doc: ExtendedRoom example (its locationId is pointed at the example location above)
DOC_ROOM = {
    "id": "184d3163ee1ffbbdb38b6c07",
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
    "locationId": LOCATION_ID,
    "location": {k: v for k, v in DOC_LOCATION.items() if k != "tokenCost"},
    "name": "Conference room",
    "pricePerHour": 5000,
    "pricePerDay": 50000,
    "marketplacePricePerHour": 5000,
    "marketplacePricePerDay": 50000,
    "quantity": 2,
    "amenities": ["White board", "TV"],
    "capacity": 20,
    "maxReservationMinutes": 60,
    "pictureUrls": ["string"],
    "autoApproveReservations": False,
    "tokenCostPerHour": 30,
    "tokenCostPerDay": 30,
}

# doc: WorkspaceMember example, for the portal's user
DOC_MEMBER = {
    "id": "184d3163ee1ffbbdb38b6c07",
    "dateCreated": "2019-08-24T14:15:22Z",
    "dateUpdated": "2019-08-24T14:15:22Z",
    "workspaceId": WORKSPACE_ID,
    "locationId": "string",
    "userId": USER_ID,
}

# doc: ProblemDetails / HttpValidationProblemDetails (texts as the sandbox notes give them)
UNAUTHORIZED = {
    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.2",
    "title": "Unauthorized",
    "status": 401,
    "detail": "The Api-Key is not valid.",
    "instance": "/Location",
}
VALIDATION = {
    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    "title": "One or more validation errors occurred.",
    "status": 400,
    "errors": {"offset": ["The field offset must be between 0 and 2147483647."]},
}
BAD_REQUEST = {
    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    "title": "Bad Request",
    "status": 400,
    "detail": "Tenant '184d3163ee1ffbbdb38b6c07' was not found.",
}


def page(items, offset=0, total=None):
    """doc: IPagedResponse {"data", "pagedRequest": {offset, limit}, "totalCount"}."""
    return {
        "data": items,
        "pagedRequest": {"offset": offset, "limit": 25},
        "totalCount": len(items) if total is None else total,
    }


def loc(**changes):
    data = copy.deepcopy(DOC_LOCATION)
    data.update(changes)
    return data


def room(**changes):
    data = copy.deepcopy(DOC_ROOM)
    data.update(changes)
    return data


@pytest.fixture
def zentry():
    with respx.mock(base_url=WS, assert_all_called=False) as mock:
        mock.post("/WorkspaceMember", name="members").respond(json=page([]))
        mock.post("/Location", name="locations").respond(json=page([DOC_LOCATION]))
        mock.post("/Room", name="rooms").respond(json=page([DOC_ROOM]))
        yield mock


def adapter(**kwargs) -> ZentryAdapter:
    return adapter_for(ACCOUNT, **kwargs)


def body_of(call) -> dict:
    return json.loads(call.request.content)


# --- the catalogue ------------------------------------------------------------------


def test_the_documents_location_becomes_a_space(zentry):
    catalogue = adapter().fetch_catalogue()

    assert catalogue.skipped == []
    [space] = catalogue.spaces
    assert space.external_id == LOCATION_ID
    assert space.name == "The Zentrys - St. Louis"
    assert space.timezone == "America/Chicago"
    assert space.address == "11 N 4th St, APT 101, St. Louis, Missouri 63102"
    assert (space.city, space.country_code) == ("St. Louis", "US")
    assert (space.latitude, space.longitude) == (Decimal("38.62"), Decimal("-90.18"))
    assert space.photos == ["https://example.com/photo1.jpg", "https://example.com/photo2.jpg"]
    assert space.amenities == ["Wi-Fi", "Pickleball"]
    assert space.contact == {"phone": "5555555555"}
    assert "Panoramic views" in space.description
    assert "Visit the front desk" in space.description
    assert space.legal == []  # the example's waiver and terms URLs are the word "string"
    assert space.opening_hours[0] == OpeningHours(0, dt.time(9), dt.time(17))
    assert len(space.opening_hours) == 7
    assert space.raw == {
        "location_id": LOCATION_ID,
        "workspace_id": WORKSPACE_ID,
        "member": False,
        "check_in_instructions": "Visit the front desk",  # for the booking's email and .ics
    }


def test_the_documents_room_becomes_a_meeting_room_priced_in_dollars(zentry):
    [space] = adapter().fetch_catalogue().spaces
    [resource] = space.resources

    assert resource.external_id == DOC_ROOM["id"]
    assert resource.kind == "meeting_room"
    assert (resource.capacity, resource.quantity) == (20, 2)
    assert resource.rules == {"max_minutes": 60}
    assert resource.features == ["White board", "TV"]
    assert resource.photos == []  # "string" is no URL
    # cents -> units: 5000 -> 50.00 an hour, 50000 -> 500.00 a day
    assert resource.price_hour == Decimal("50.00")
    assert resource.price_day == Decimal("500.00")
    assert resource.currency == "USD"
    assert resource.raw == {
        "room_id": DOC_ROOM["id"],
        "location_id": LOCATION_ID,
        "auto_approve": DOC_ROOM["autoApproveReservations"],
    }


def test_the_day_pass_is_an_offer_booked_by_location_id(zentry):
    zentry["locations"].respond(json=page([loc(price=2500, marketplacePrice=3000)]))
    [space] = adapter().fetch_catalogue().spaces
    [offer] = space.offers

    assert offer.external_id == LOCATION_ID
    assert offer.kind == "day_pass"
    # the portal's user is no workspace member: it pays the marketplace price
    assert offer.price == Decimal("30.00")
    assert (offer.currency, offer.price_unit, offer.validity_days) == ("USD", "day", 1)
    assert offer.weekdays == []  # open every day of the example schedule
    assert offer.raw == {
        "location_id": LOCATION_ID,
        "max_visitors": [40] * 7,
        "auto_approve": True,  # the document's location: "autoApproveReservations": true
    }


def test_requests_carry_the_api_key_header_and_page_from_zero(zentry):
    adapter().fetch_catalogue()

    for name in ("members", "locations", "rooms"):
        request = zentry[name].calls.last.request
        assert request.headers["Api-Key"] == API_KEY
    assert body_of(zentry["members"].calls.last)["userIds"] == [USER_ID]
    location_search = body_of(zentry["locations"].calls.last)
    assert location_search["offset"] == 0
    assert location_search["statuses"] == ["Active"]


def test_members_of_the_workspace_get_member_prices_and_unlisted_rooms(zentry):
    zentry["members"].respond(json=page([DOC_MEMBER]))
    zentry["locations"].respond(json=page([loc(price=2500, marketplacePrice=None)]))
    zentry["rooms"].respond(
        json=page([room(pricePerHour=1500, marketplacePricePerHour=None, pricePerDay=None)])
    )
    [space] = adapter().fetch_catalogue().spaces

    assert space.raw["member"] is True
    assert space.offers[0].price == Decimal("25.00")
    [resource] = space.resources
    assert (resource.price_hour, resource.price_day) == (Decimal("15.00"), None)


def test_what_is_not_on_the_marketplace_is_left_out_for_marketplace_users(zentry):
    zentry["locations"].respond(json=page([loc(marketplacePrice=None)]))
    zentry["rooms"].respond(
        json=page(
            [
                room(id="r-listed"),
                room(id="r-unlisted", marketplacePricePerHour=None, marketplacePricePerDay=None),
            ]
        )
    )
    catalogue = adapter().fetch_catalogue()

    [space] = catalogue.spaces
    assert space.offers == []
    assert [r.external_id for r in space.resources] == ["r-listed"]
    assert catalogue.skipped == []


def test_inactive_locations_and_their_rooms_are_left_out(zentry):
    zentry["locations"].respond(
        json=page([DOC_LOCATION, loc(id="chi", name="Chicago", status="Inactive")])
    )
    zentry["rooms"].respond(json=page([DOC_ROOM, room(id="chi-room", locationId="chi")]))
    catalogue = adapter().fetch_catalogue()

    assert [s.external_id for s in catalogue.spaces] == [LOCATION_ID]
    assert [r.external_id for r in catalogue.spaces[0].resources] == [DOC_ROOM["id"]]
    assert catalogue.skipped == []


def test_windows_time_zone_names_are_converted(zentry):
    zentry["locations"].respond(json=page([loc(timeZone="Eastern Standard Time")]))
    [space] = adapter().fetch_catalogue().spaces
    assert space.timezone == "America/New_York"


def test_closed_days_and_a_midnight_close_become_opening_hours(zentry):
    schedule = copy.deepcopy(DOC_LOCATION["schedule"])
    schedule["sunday"] = {"isOpen": False, "open": "00:00:00", "close": "00:00:00"}
    schedule["friday"] = {"isOpen": True, "open": "08:00:00", "close": "1.00:00:00"}
    schedule["saturday"]["maxVisitors"] = None
    zentry["locations"].respond(json=page([loc(schedule=schedule)]))
    [space] = adapter().fetch_catalogue().spaces

    assert space.opening_hours[6] == OpeningHours(6, None, None)
    assert space.opening_hours[4] == OpeningHours(4, dt.time(8), dt.time(0), True)
    [offer] = space.offers
    assert offer.weekdays == [0, 1, 2, 3, 4, 5]
    assert offer.raw["max_visitors"] == [40, 40, 40, 40, None, None, 0]


def test_every_page_is_followed(zentry):
    locations = [loc(id=f"loc-{n}", name=f"Location {n}") for n in range(3)]

    def by_offset(request):
        offset = json.loads(request.content)["offset"]
        return httpx.Response(200, json=page(locations[offset : offset + 2], offset, total=3))

    zentry["locations"].side_effect = by_offset
    zentry["rooms"].respond(json=page([]))
    catalogue = adapter().fetch_catalogue()

    assert [s.external_id for s in catalogue.spaces] == ["loc-0", "loc-1", "loc-2"]
    offsets = [body_of(call)["offset"] for call in zentry["locations"].calls]
    assert offsets == [0, 2]


def test_one_malformed_item_is_skipped_and_the_rest_syncs(zentry):
    zentry["locations"].respond(
        json=page([DOC_LOCATION, loc(id="bad-tz", timeZone="Mars/Olympus"), "nonsense"])
    )
    zentry["rooms"].respond(
        json=page(
            [
                DOC_ROOM,
                room(id="bad-price", marketplacePricePerHour="50.00"),
                room(id="orphan", locationId="nowhere"),
                room(id="bad-tz-room", locationId="bad-tz"),
            ]
        )
    )
    catalogue = adapter().fetch_catalogue()

    [space] = catalogue.spaces
    assert [r.external_id for r in space.resources] == [DOC_ROOM["id"]]
    skipped = {s.where: s.reason for s in catalogue.skipped}
    assert set(skipped) == {"location bad-tz", "location", "room bad-price", "room orphan"}
    assert "Mars/Olympus" in skipped["location bad-tz"]
    assert "cents" in skipped["room bad-price"]


# --- errors -------------------------------------------------------------------------


def test_a_refused_api_key_is_an_authentication_error(zentry):
    zentry["members"].respond(401, json=UNAUTHORIZED)
    with pytest.raises(AuthenticationError) as caught:
        adapter().fetch_catalogue()
    assert caught.value.message == "The Api-Key is not valid."
    assert caught.value.status == 401


def test_a_validation_problem_is_rejected_with_the_field_messages(zentry):
    zentry["locations"].respond(400, json=VALIDATION)
    with pytest.raises(RejectedError) as caught:
        adapter().fetch_catalogue()
    assert caught.value.message == "offset: The field offset must be between 0 and 2147483647."
    assert caught.value.code == "One or more validation errors occurred."


def test_a_problem_detail_is_rejected_with_its_detail(zentry):
    zentry["rooms"].respond(400, json=BAD_REQUEST)
    with pytest.raises(RejectedError) as caught:
        adapter().fetch_catalogue()
    assert caught.value.message == BAD_REQUEST["detail"]


def test_server_errors_are_retried_then_succeed(zentry, no_sleep):
    zentry["locations"].side_effect = [
        httpx.Response(503, json={"title": "Service Unavailable", "status": 503}),
        httpx.Response(200, json=page([DOC_LOCATION])),
    ]
    catalogue = adapter(sleep=no_sleep).fetch_catalogue()
    assert len(catalogue.spaces) == 1
    assert len(no_sleep) == 1


def test_server_errors_that_persist_are_transient(zentry, no_sleep):
    zentry["rooms"].respond(500, json={"title": "Internal Server Error", "status": 500})
    with pytest.raises(TransientError):
        adapter(sleep=no_sleep).fetch_catalogue()
    assert zentry["rooms"].call_count == ZentryAdapter.max_attempts
    assert len(no_sleep) == ZentryAdapter.max_attempts - 1


def test_timeouts_are_retried_and_then_transient(zentry, no_sleep):
    zentry["members"].side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(TransientError) as caught:
        adapter(sleep=no_sleep).fetch_catalogue()
    assert caught.value.message == "timed out"
    assert zentry["members"].call_count == ZentryAdapter.max_attempts


def test_a_429_waits_for_retry_after(zentry, no_sleep):
    zentry["locations"].side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}, json={"title": "Too Many Requests"}),
        httpx.Response(200, json=page([DOC_LOCATION])),
    ]
    adapter(sleep=no_sleep).fetch_catalogue()
    assert len(no_sleep) == 1
    assert 7 <= no_sleep[0] <= 7.25


def test_no_client_side_rate_limit_is_documented():
    assert ZentryAdapter.rate_limit is None


@pytest.mark.parametrize(
    "body",
    [b"<html>502 Bad Gateway</html>", b'{"data": [', b"null", b'{"unexpected": true}'],
)
def test_a_malformed_answer_raises(zentry, body):
    zentry["locations"].respond(200, content=body)
    with pytest.raises(MalformedResponseError):
        adapter().fetch_catalogue()


def test_data_that_is_not_a_list_is_malformed(zentry):
    zentry["rooms"].respond(json={"data": {"id": "x"}, "totalCount": 1})
    with pytest.raises(MalformedResponseError):
        adapter().fetch_catalogue()


def test_a_missing_setting_is_a_configuration_error():
    account = AccountConfig("zentry", "broken", {"user_id": USER_ID}, {"api_key": API_KEY})
    with pytest.raises(ProviderConfigurationError):
        adapter_for(account).fetch_catalogue()


def test_the_api_key_never_reaches_the_logs_or_errors(zentry, caplog, no_sleep):
    caplog.set_level(logging.DEBUG)
    adapter().fetch_catalogue()
    zentry["locations"].respond(401, json=UNAUTHORIZED)
    with pytest.raises(AuthenticationError) as caught:
        adapter(sleep=no_sleep).fetch_catalogue()

    assert caplog.records
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value.payload)
