"""Workways adapter against the document's own example answers, faked at the transport."""

from __future__ import annotations

import copy
import logging
from decimal import Decimal

import httpx
import pytest

from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    RejectedError,
    TransientError,
)
from providers.adapters.types import AccountConfig
from providers.vendors.workways.adapter import WorkwaysAdapter
from providers.vendors.workways.parsing import TIMED_KINDS, city_from, coordinates, windows

TOKEN = "ww_dev_" + "3f" * 32  # doc: "Format: ww_dev_<64-character-hex-string>"
BASE = "https://api.workways.com"
ACCOUNT = AccountConfig(
    kind="workways",
    name="Workways",
    config={"base_url": BASE},
    credentials={"token": TOKEN},
)

# --- the document's example answers --------------------------------------------------

# GET /api/sites, "Example Response (Authenticated with type=all)"
SITES = {
    "retcode": 1,
    "message": "OK",
    "data": [
        {
            "_id": "507f1f77bcf86cd799439011",
            "name": "Dublin Coworking Center",
            "country": "Ireland",
            "publicAddress": "123 Main Street, Dublin 2, Ireland",
            "publicContact": "info@dublin-coworking.ie",
            "mapLink": "https://maps.google.com/?q=53.3498,-6.2603",
            "roomCount": 1,
            "meetingRoomCount": 1,
            "publicRooms": [
                {
                    "_id": "507f191e810c19729de860ea",
                    "name": "Meeting Room A",
                    "publicName": "Meeting Room A",
                    "type": "publicMeeting",
                    "surface": 25,
                    "actualState": "bookable",
                }
            ],
            "otherRooms": [
                {
                    "_id": "507f191e810c19729de860ec",
                    "name": "Private Office 101",
                    "publicName": "Executive Suite",
                    "type": "privateOffice",
                    "surface": 45,
                    "actualState": "rented",
                }
            ],
        }
    ],
}
# GET /api/sites, "Example Response" (the public answer: no otherRooms)
PUBLIC_SITES = {
    "retcode": 1,
    "message": "OK",
    "data": [
        {
            key: value
            for key, value in SITES["data"][0].items()
            if key not in ("otherRooms", "publicRooms")
        }
        | {
            "publicRooms": [
                {
                    "_id": "507f191e810c19729de860ea",
                    "name": "Meeting Room A",
                    "publicName": "Meeting Room A",
                    "type": "publicMeeting",
                    "surface": 25,
                },
                {
                    "_id": "507f191e810c19729de860eb",
                    "name": "Hot Desk 1",
                    "publicName": "Hot Desk Area",
                    "type": "publicOffice",
                    "surface": -1,
                },
            ]
        }
    ],
}
# GET /api/rooms, "Example Response" and "Example Response (Authenticated - Private Room
# with Organization)", in one answer as an authenticated call gives them.
MEETING_ROOM = {
    "_id": "507f191e810c19729de860ea",
    "name": "Meeting Room A",
    "publicName": "Meeting Room A",
    "type": "publicMeeting",
    "description": "Modern meeting room with video conferencing",
    "actualState": "bookable",
    "surface": 25,
    "siteId": "507f1f77bcf86cd799439011",
    "siteName": "Dublin Coworking Center",
    "country": "Ireland",
    "minPerson": 2,
    "maxPerson": 8,
    "nbSeat": 8,
    "configuration": "boardroom",
    "otherConfiguration": "Video conferencing, whiteboard",
    "minDurationBooking": 60,
    "maxDurationBooking": 480,
    "stepDurationBooking": 30,
    "slotWeek": "09:00-18:00",
    "slotSaturday": "",
    "slotSunday": "",
    "pricePerHour": 0,
    "pricePerHalfDay": 0,
    "pricePerDay": 0,
    "pricePerMonth": "500",
    "image": "https://apidev.workways.com/imageroom?id=imageId123",
    "publicDescriptionEn": "A bright meeting room with natural light and modern equipment.",
    "publicDescriptionFr": "Une salle de réunion lumineuse avec éclairage naturel et "
    "équipement moderne.",
}
PRIVATE_OFFICE = {
    "_id": "507f191e810c19729de860ec",
    "name": "Private Office 101",
    "publicName": "Executive Suite",
    "type": "privateOffice",
    "description": "Fully equipped private office",
    "actualState": "rented",
    "surface": 45,
    "siteId": "507f1f77bcf86cd799439011",
    "siteName": "Dublin Coworking Center",
    "country": "Ireland",
    "minPerson": 1,
    "maxPerson": 4,
    "nbSeat": 4,
    "configuration": "office",
    "otherConfiguration": "",
    "minDurationBooking": 0,
    "maxDurationBooking": 0,
    "stepDurationBooking": 0,
    "slotWeek": "",
    "slotSaturday": "",
    "slotSunday": "",
    "pricePerHour": 0,
    "pricePerHalfDay": 0,
    "pricePerDay": 0,
    "pricePerMonth": "1500",
    "image": "https://apidev.workways.com/imageroom?id=imageId456",
    "publicDescriptionEn": "Spacious private office with panoramic views.",
    "publicDescriptionFr": "Bureau privé spacieux avec vue panoramique.",
    "organizationId": "507f1f77bcf86cd799439099",
    "organizationName": "Acme Corp",
    "contractEndDate": "2025-11-30",
}
ROOMS = {"retcode": 1, "message": "OK", "data": [MEETING_ROOM, PRIVATE_OFFICE]}

# doc, "Authentication Error Responses"
AUTH_MESSAGES = [
    "Unauthorized: Authorization header is required. Use: Authorization: Bearer <your_token>",
    "Unauthorized: Invalid authorization format. Use: Authorization: Bearer <your_token>",
    "Unauthorized: Invalid or revoked token",
    "Votre token est expiré, connectez-vous à votre compte pour le renouveler",
    "Votre compte est désactivé, contactez Workways",
    "Unauthorized: User account is archived",
]
# doc, "Error Handling"
INVALID_COUNTRY = {
    "retcode": -1,
    "message": 'Invalid country: "XYZ". Use ISO code (e.g., "FR", "BE") or country name '
    '(e.g., "France", "Belgium")',
    "data": [],
}
INVALID_SITE = {"retcode": -1, "message": "Invalid site ID format."}
SERVER_ERROR = {"retcode": -1, "message": "Internal server error"}


class Fake:
    """A transport answering by path; a list of answers is played in order."""

    def __init__(self, routes: dict[str, object]) -> None:
        self.routes = {path: list(a) if isinstance(a, list) else a for path, a in routes.items()}
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        [answer] = [a for path, a in self.routes.items() if request.url.path.endswith(path)]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)


def fake(sites=SITES, rooms=ROOMS) -> Fake:
    return Fake({"/api/sites": sites, "/api/rooms": rooms})


def workways(transport: Fake, account: AccountConfig = ACCOUNT, **kwargs) -> WorkwaysAdapter:
    return WorkwaysAdapter(account, transport=httpx.MockTransport(transport), **kwargs)


def rooms_with(*rooms: dict) -> dict:
    return {"retcode": 1, "message": "OK", "data": list(rooms)}


def room(**changes) -> dict:
    return copy.deepcopy(MEETING_ROOM) | changes


# --- the catalogue -----------------------------------------------------------------


def test_reads_sites_and_rooms_with_the_token_in_english():
    transport = fake()
    workways(transport).fetch_catalogue()
    assert [str(r.url.copy_with(query=None)) for r in transport.calls] == [
        f"{BASE}/api/sites",
        f"{BASE}/api/rooms",
    ]
    for request in transport.calls:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert request.url.params["language"] == "en"
    assert transport.calls[0].url.params["type"] == "all"


def test_no_documented_rate_limit():
    # doc: "Currently, there are no enforced rate limits on these public endpoints."
    assert WorkwaysAdapter.rate_limit is None


def test_site_from_the_documents_example():
    [space] = workways(fake()).fetch_catalogue().spaces
    assert space.external_id == "507f1f77bcf86cd799439011"
    assert space.name == "Dublin Coworking Center"
    assert space.timezone == "Europe/Dublin"
    assert space.address == "123 Main Street, Dublin 2, Ireland"
    assert space.city == "Dublin"
    assert (space.country, space.country_code) == ("Ireland", "IE")
    assert (space.latitude, space.longitude) == (Decimal("53.3498"), Decimal("-6.2603"))
    assert space.contact == {"email": "info@dublin-coworking.ie"}
    assert space.raw == {"site_id": "507f1f77bcf86cd799439011"}


def test_meeting_room_from_the_documents_example():
    catalogue = workways(fake()).fetch_catalogue()
    [space] = catalogue.spaces
    [resource] = space.resources
    assert resource.external_id == "507f191e810c19729de860ea"
    assert resource.kind == "meeting_room"
    assert resource.name == "Meeting Room A"
    assert resource.description.startswith("A bright meeting room")
    assert resource.capacity == 8
    assert resource.features == ["Video conferencing", "whiteboard"]
    assert resource.photos == ["https://apidev.workways.com/imageroom?id=imageId123"]
    assert resource.rules == {
        "slot_minutes": 60,
        "min_minutes": 60,
        "max_minutes": 480,
        "step_minutes": 30,
        "lead_time_minutes": 0,
        "new_user_lead_days": 2,
        "min_persons": 2,
        "windows": {"weekdays": [{"from": "09:00", "to": "18:00"}], "saturday": [], "sunday": []},
    }
    # doc: "pricePerHour ... Returns 0 if no API key provided": 0 is no price, not free
    assert (resource.price_hour, resource.price_half_day, resource.price_day) == (None,) * 3
    assert resource.price_month == Decimal("500")
    assert resource.currency == "EUR"
    assert resource.raw == {
        "room_id": "507f191e810c19729de860ea",
        "site_id": "507f1f77bcf86cd799439011",
        "type": "publicMeeting",
    }
    assert catalogue.skipped == []


def test_private_rooms_are_left_out():
    # doc: "Public rooms only: Only rooms with type "publicOffice" or "publicMeeting" can
    # be booked"
    [space] = workways(fake()).fetch_catalogue().spaces
    ids = {r.external_id for r in space.resources} | {o.external_id for o in space.offers}
    assert PRIVATE_OFFICE["_id"] not in ids


def test_prices_are_euros_as_decimals():
    priced = room(pricePerHour=35, pricePerHalfDay=120.5, pricePerDay=220, pricePerMonth="")
    [space] = workways(fake(rooms=rooms_with(priced))).fetch_catalogue().spaces
    [resource] = space.resources
    assert resource.price_hour == Decimal("35")
    assert resource.price_half_day == Decimal("120.50")
    assert resource.price_day == Decimal("220")
    assert resource.price_month is None
    assert resource.currency == "EUR"


def test_office_with_booking_hours_is_an_office_resource():
    hot_desk = room(
        _id="507f191e810c19729de860eb",
        name="Hot Desk 1",
        publicName="Hot Desk Area",
        type="publicOffice",
        maxPerson=1,
        minDurationBooking=240,
        maxDurationBooking=480,
        stepDurationBooking=0,
        slotWeek="08:00-19:00",
        slotSaturday="09:00-12:00,13:00-17:00",
        pricePerHour=8,
        pricePerMonth="250",
    )
    [space] = workways(fake(rooms=rooms_with(hot_desk))).fetch_catalogue().spaces
    [resource] = space.resources
    assert resource.kind == "office"
    assert resource.name == "Hot Desk Area"
    assert resource.price_hour == Decimal("8") and resource.price_month == Decimal("250")
    assert resource.rules["step_minutes"] == 240  # no step: whole minimum durations
    assert resource.rules["windows"]["saturday"] == [
        {"from": "09:00", "to": "12:00"},
        {"from": "13:00", "to": "17:00"},
    ]
    assert space.offers == []


def test_an_open_space_office_with_booking_hours_is_a_desk():
    """seed 001's "Hot Desk Area" (publicOffice, configuration "open-space") is a desk,
    booked by time like a room, never listed as an office."""
    hot_desk = room(
        _id="507f191e810c19729de860eb",
        name="Hot Desk 1",
        publicName="Hot Desk Area",
        type="publicOffice",
        configuration="open-space",
        minDurationBooking=240,
        maxDurationBooking=480,
        stepDurationBooking=240,
        slotWeek="08:00-19:00",
        pricePerHour=8,
        pricePerHalfDay=15,
    )
    [space] = workways(fake(rooms=rooms_with(hot_desk))).fetch_catalogue().spaces
    [resource] = space.resources
    assert resource.kind == "desk"
    assert resource.kind in TIMED_KINDS
    assert resource.price_half_day == Decimal("15")


def test_office_without_booking_hours_is_a_monthly_private_office_offer():
    # doc, Workflow 2: "Office rentals are monthly contracts and require manual approval"
    office = copy.deepcopy(PRIVATE_OFFICE) | {"type": "publicOffice"}
    [space] = workways(fake(rooms=rooms_with(office))).fetch_catalogue().spaces
    assert space.resources == []
    [offer] = space.offers
    assert offer.external_id == PRIVATE_OFFICE["_id"]
    assert offer.kind == "private_office"
    assert offer.name == "Executive Suite"
    assert (offer.price, offer.currency, offer.price_unit) == (Decimal("1500"), "EUR", "month")
    assert offer.capacity == offer.max_persons == 4
    assert offer.raw["type"] == "publicOffice"


def test_relative_image_becomes_absolute_on_the_base_url():
    relative = room(image="/imageroom?id=imageId123")
    account = AccountConfig(
        "workways", "Sandbox", {"base_url": "http://127.0.0.1:8001/workways/"}, {}
    )
    account.credentials["token"] = TOKEN
    [space] = workways(fake(rooms=rooms_with(relative)), account).fetch_catalogue().spaces
    assert space.resources[0].photos == ["http://127.0.0.1:8001/workways/imageroom?id=imageId123"]


@pytest.mark.parametrize(
    ("country", "code", "zone"),
    [
        ("Ireland", "IE", "Europe/Dublin"),
        ("Belgium", "BE", "Europe/Brussels"),
        ("France", "FR", "Europe/Paris"),
    ],
)
def test_time_zone_follows_the_country(country, code, zone):
    sites = copy.deepcopy(SITES)
    sites["data"][0]["country"] = country
    [space] = workways(fake(sites=sites)).fetch_catalogue().spaces
    assert (space.country_code, space.timezone) == (code, zone)


def test_site_without_address_contact_or_map():
    sites = copy.deepcopy(SITES)
    sites["data"][0].update(publicAddress=None, publicContact=None, mapLink=None)
    [space] = workways(fake(sites=sites)).fetch_catalogue().spaces
    # doc: "publicAddress string | null": the city then comes from the site's name
    assert (space.address, space.city, space.contact) == ("", "Dublin", {})
    assert space.latitude is None and space.longitude is None


def test_one_malformed_room_is_skipped_and_the_rest_kept():
    bad_slots = room(_id="0" * 24, slotWeek="9h-18h")
    bad_price = room(_id="1" * 24, pricePerHour="a lot")
    elsewhere = room(_id="2" * 24, siteId="f" * 24)
    answer = rooms_with(bad_slots, "not a room", MEETING_ROOM, bad_price, elsewhere)
    catalogue = workways(fake(rooms=answer)).fetch_catalogue()
    assert [r.external_id for r in catalogue.spaces[0].resources] == [MEETING_ROOM["_id"]]
    assert [s.where for s in catalogue.skipped] == [
        f"room {'0' * 24}",
        "room",
        f"room {'1' * 24}",
        f"room {'2' * 24}",
    ]
    assert "slotWeek" in catalogue.skipped[0].reason
    assert "pricePerHour" in catalogue.skipped[2].reason


def test_site_in_an_unknown_country_is_skipped_with_its_rooms():
    sites = copy.deepcopy(SITES)
    sites["data"][0]["country"] = "Atlantis"
    catalogue = workways(fake(sites=sites)).fetch_catalogue()
    assert catalogue.spaces == []
    assert catalogue.skipped[0].where == "site 507f1f77bcf86cd799439011"
    assert "Atlantis" in catalogue.skipped[0].reason
    assert catalogue.skipped[1].where == f"room {MEETING_ROOM['_id']}"


def test_helpers():
    assert city_from("1 Grand Canal Square, Dublin 2, D02 P820, Ireland", "Ireland") == "Dublin"
    assert city_from("Avenue Louise 54, 1050 Ixelles, Belgium", "Belgium") == "Ixelles"
    assert city_from("12 Rue de la Roquette, 75011 Paris, France", "France") == "Paris"
    assert city_from("Somewhere", "France") == ""
    assert coordinates("https://maps.google.com/?q=Dublin") == (None, None)
    assert windows("", "slotSunday") == []


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize("message", AUTH_MESSAGES)
def test_documented_401_bodies_are_authentication_errors(message):
    refused = httpx.Response(401, json={"retcode": -1, "message": message})
    with pytest.raises(AuthenticationError) as caught:
        workways(fake(sites=refused)).fetch_catalogue()
    assert caught.value.message == message
    assert caught.value.status == 401


def test_an_error_envelope_with_http_200_still_raises():
    body = {"retcode": -1, "message": AUTH_MESSAGES[2]}
    with pytest.raises(AuthenticationError):
        workways(fake(sites=body)).fetch_catalogue()
    with pytest.raises(RejectedError, match=r"Invalid site ID format\."):
        workways(fake(rooms=INVALID_SITE)).fetch_catalogue()


def test_the_public_answer_means_the_token_was_not_honoured():
    # doc: "With API key: Returns all rooms ... with additional fields (actualState,
    # otherRooms array)"; without otherRooms every hourly price would read as 0.
    with pytest.raises(AuthenticationError, match="token was not accepted"):
        workways(fake(sites=PUBLIC_SITES)).fetch_catalogue()


def test_validation_error_is_a_rejection_with_workways_message():
    refused = httpx.Response(400, json=INVALID_COUNTRY)
    with pytest.raises(RejectedError) as caught:
        workways(fake(sites=refused)).fetch_catalogue()
    assert caught.value.message == INVALID_COUNTRY["message"]
    assert not isinstance(caught.value, TransientError)


def test_server_errors_are_retried_then_transient(no_sleep):
    transport = fake(sites=httpx.Response(500, json=SERVER_ERROR))
    with pytest.raises(TransientError, match="Internal server error"):
        workways(transport, sleep=no_sleep).fetch_catalogue()
    assert len(transport.calls) == WorkwaysAdapter.max_attempts
    assert len(no_sleep) == WorkwaysAdapter.max_attempts - 1


def test_a_server_error_then_success_recovers(no_sleep):
    transport = fake(sites=[httpx.Response(502, text="Bad Gateway"), SITES])
    catalogue = workways(transport, sleep=no_sleep).fetch_catalogue()
    assert len(catalogue.spaces) == 1 and len(no_sleep) == 1


def test_internal_server_error_envelope_with_http_200_is_transient():
    with pytest.raises(TransientError, match="Internal server error"):
        workways(fake(rooms=SERVER_ERROR)).fetch_catalogue()


def test_timeouts_are_retried_then_transient(no_sleep):
    transport = fake(sites=httpx.ReadTimeout("slow"))
    with pytest.raises(TransientError, match="timed out"):
        workways(transport, sleep=no_sleep).fetch_catalogue()
    assert len(transport.calls) == 4 and len(no_sleep) == 3


def test_429_retry_after_is_honoured(no_sleep):
    limited = httpx.Response(429, headers={"Retry-After": "2"}, json={"retcode": -1})
    transport = fake(rooms=[limited, ROOMS])
    catalogue = workways(transport, sleep=no_sleep).fetch_catalogue()
    assert len(catalogue.spaces[0].resources) == 1
    [wait] = no_sleep
    assert 2 <= wait <= 2.25


def test_429_asking_for_too_long_a_wait_goes_back_to_the_caller(no_sleep):
    limited = httpx.Response(429, headers={"Retry-After": "120"})
    with pytest.raises(TransientError) as caught:
        workways(fake(sites=limited), sleep=no_sleep).fetch_catalogue()
    assert caught.value.retry_after == 120
    assert no_sleep == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>oops</html>"),
        httpx.Response(200, json=["not", "an", "envelope"]),
        httpx.Response(200, json={"message": "OK", "data": []}),  # no retcode
        httpx.Response(200, json={"retcode": 1, "message": "OK", "data": {"a": 1}}),
        httpx.Response(200, json={"retcode": "1", "message": "OK", "data": []}),
    ],
)
def test_malformed_answers(answer, no_sleep):
    with pytest.raises(MalformedResponseError):
        workways(fake(rooms=answer), sleep=no_sleep).fetch_catalogue()


def test_no_secret_reaches_logs_or_errors(caplog, no_sleep):
    caplog.set_level(logging.DEBUG)
    workways(fake()).fetch_catalogue()
    refused = httpx.Response(401, json={"retcode": -1, "message": AUTH_MESSAGES[2]})
    with pytest.raises(AuthenticationError) as caught:
        workways(fake(sites=refused), sleep=no_sleep).fetch_catalogue()
    with pytest.raises(TransientError) as transient:
        workways(fake(sites=httpx.ReadTimeout("slow")), sleep=no_sleep).fetch_catalogue()
    assert caplog.records
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (logged, str(caught.value), repr(caught.value), str(transient.value)):
        assert TOKEN not in text
        assert TOKEN.removeprefix("ww_dev_") not in text
