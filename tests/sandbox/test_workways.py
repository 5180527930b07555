"""The Workways sandbox against its document (seeds/001_880c9b30cd55c5d4.txt).

The sandbox is seeded for Monday 2025-11-03 and its clock reads 08:00 UTC that day
(Dublin is on UTC in November, Brussels and Paris on UTC+1).
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import recurring_ical_events

from sandbox import build_sandbox
from sandbox import workways_seed as seeds

TODAY = dt.date(2025, 11, 3)  # a Monday
API = "/workways/api"
AUTH_MISSING = (
    "Unauthorized: Authorization header is required. Use: Authorization: Bearer <your_token>"
)


class Clock:
    def __init__(self):
        self.now = dt.datetime(2025, 11, 3, 8, 0, tzinfo=dt.UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sandbox(clock):  # overrides conftest's: a fixed day and clock
    sandbox = build_sandbox(state_path=None, fault_seed=1, clock=clock)
    sandbox.store.reset(today=TODAY)
    return sandbox


@pytest.fixture
def auth(config):
    return {"Authorization": f"Bearer {config['workways']['token']}"}


def book(client, auth, **fields):
    body = {
        "contactEmail": seeds.KNOWN_MEMBER_EMAIL,
        "bookedRoom": seeds.R_DUB_A,
        "bookedAt": "2025-11-05T14:00:00Z",
        "duration": 60,
    }
    body.update(fields)
    return client.post(f"{API}/meeting-request", json=body, headers=auth)


def ics_events(client, *rooms, start=TODAY, days=30):
    response = client.get(f"{API}/icsfeed", params={"rooms": ",".join(rooms)})
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return recurring_ical_events.of(calendar).between(start, start + dt.timedelta(days=days))


def utc_starts(events):
    return {e["DTSTART"].dt for e in events}


# --- print-config, catalogue ----------------------------------------------------------


def test_print_config_gives_base_url_demo_token_and_member_email(config):
    part = config["workways"]
    assert part["base_url"] == "http://127.0.0.1:8001/workways"
    assert part["token"].startswith("ww_dev_") and len(part["token"]) == 7 + 64
    int(part["token"][7:], 16)  # doc: "ww_dev_<64-character-hex-string>"
    assert part["known_member_email"] == seeds.KNOWN_MEMBER_EMAIL
    assert part["archived_member_email"] == seeds.ARCHIVED_MEMBER_EMAIL


def test_countries_are_english_names_sorted(client):
    response = client.get(f"{API}/countries")
    assert response.status_code == 200
    assert response.json() == {
        "retcode": 1,
        "message": "OK",
        "data": ["Belgium", "France", "Ireland"],
    }


def test_public_sites_list_only_public_rooms_without_auth_fields(client):
    body = client.get(f"{API}/sites").json()
    assert body["retcode"] == 1 and body["message"] == "OK"
    assert {s["country"] for s in body["data"]} == {"Ireland", "Belgium", "France"}
    for site in body["data"]:
        assert set(site) == {
            "_id",
            "name",
            "country",
            "publicAddress",
            "publicContact",
            "mapLink",
            "roomCount",
            "meetingRoomCount",
            "publicRooms",
        }
        for room in site["publicRooms"]:
            assert set(room) == {"_id", "name", "publicName", "type", "surface"}
            assert room["type"] in ("publicOffice", "publicMeeting")
    lyon = next(s for s in body["data"] if s["_id"] == seeds.S_LYON)
    assert lyon["publicAddress"] is None and lyon["mapLink"] is None


@pytest.mark.parametrize("country", ["Ireland", "IE", "ie", "ireland", "IRELAND", "Irlande"])
def test_site_country_filter_accepts_iso_english_and_french_names(client, country):
    data = client.get(f"{API}/sites", params={"country": country}).json()["data"]
    assert [s["_id"] for s in data] == [seeds.S_DUBLIN]
    assert data[0]["country"] == "Ireland"


def test_sites_with_token_add_actual_state_and_private_rooms(client, auth):
    data = client.get(f"{API}/sites", params={"country": "belgique"}, headers=auth).json()["data"]
    (brussels,) = data
    assert [r["_id"] for r in brussels["otherRooms"]] == [seeds.R_BRU_PRIVATE]
    assert brussels["otherRooms"][0]["type"] == "privateMeeting"
    assert all("actualState" in r for r in brussels["publicRooms"] + brussels["otherRooms"])
    all_types = client.get(f"{API}/sites", params={"type": "all"}, headers=auth).json()["data"]
    assert sum(len(s["otherRooms"]) for s in all_types) == 4


def test_sites_type_filter(client):
    data = client.get(f"{API}/sites", params={"type": "publicMeeting"}).json()["data"]
    rooms = [r for s in data for r in s["publicRooms"]]
    assert rooms and {r["type"] for r in rooms} == {"publicMeeting"}


def test_a_bad_token_on_an_optional_auth_endpoint_gets_the_public_answer(client):
    headers = {"Authorization": "Bearer ww_dev_" + "0" * 64}
    response = client.get(f"{API}/rooms", headers=headers)
    assert response.status_code == 200
    ids = {r["_id"] for r in response.json()["data"]}
    assert seeds.R_BRU_PRIVATE not in ids and seeds.R_DUB_PRIVATE not in ids


def test_public_rooms_have_zero_prices_and_token_reveals_prices(client, auth):
    public = client.get(f"{API}/rooms", params={"country": "IE"}).json()["data"]
    room = next(r for r in public if r["_id"] == seeds.R_DUB_A)
    assert (room["pricePerHour"], room["pricePerHalfDay"], room["pricePerDay"]) == (0, 0, 0)
    assert room["slotWeek"] == "09:00-18:00" and room["slotSaturday"] == ""
    assert room["image"].startswith("http://127.0.0.1:8001/workways/imageroom?id=")
    assert room["country"] == "Ireland" and room["siteName"] == "Workways Dublin Docklands"
    assert all(r["type"] in ("publicOffice", "publicMeeting") for r in public)
    authed = client.get(f"{API}/rooms", params={"country": "IE"}, headers=auth).json()["data"]
    room = next(r for r in authed if r["_id"] == seeds.R_DUB_A)
    assert (room["pricePerHour"], room["pricePerHalfDay"], room["pricePerDay"]) == (35, 120, 220)
    private = next(r for r in authed if r["_id"] == seeds.R_DUB_PRIVATE)
    assert private["type"] == "privateOffice"
    assert private["organizationId"] == seeds.O_ACME
    assert private["organizationName"] == "Acme Corp"
    assert private["contractEndDate"] == (TODAY + dt.timedelta(days=200)).isoformat()


def test_room_filters_country_site_and_both(client):
    france = client.get(f"{API}/rooms", params={"country": "fr"}).json()["data"]
    assert {r["siteId"] for r in france} == {seeds.S_PARIS, seeds.S_LYON}
    paris = client.get(f"{API}/rooms", params={"site": seeds.S_PARIS}).json()["data"]
    assert paris and {r["siteId"] for r in paris} == {seeds.S_PARIS}
    both = client.get(f"{API}/rooms", params={"country": "France", "site": seeds.S_PARIS})
    assert [r["_id"] for r in both.json()["data"]] == [r["_id"] for r in paris]
    mismatch = client.get(f"{API}/rooms", params={"country": "belgique", "site": seeds.S_PARIS})
    assert mismatch.json()["data"] == []


def test_invalid_country_is_a_400_with_the_documented_body(client):
    response = client.get(f"{API}/rooms", params={"country": "XYZ"})
    assert response.status_code == 400
    assert response.json() == {
        "retcode": -1,
        "message": 'Invalid country: "XYZ". Use ISO code (e.g., "FR", "BE") or country name '
        '(e.g., "France", "Belgium")',
        "data": [],
    }
    french = client.get(f"{API}/sites", params={"country": "XYZ", "language": "fr"}).json()
    assert french["message"].startswith('Pays invalide : "XYZ"')


def test_invalid_site_id_is_a_400(client):
    response = client.get(f"{API}/rooms", params={"site": "not-an-id"})
    assert response.status_code == 400
    assert response.json() == {"retcode": -1, "message": "Invalid site ID format."}


def test_room_image_is_a_jpeg(client):
    room = client.get(f"{API}/rooms").json()["data"][0]
    image = client.get(room["image"].removeprefix("http://127.0.0.1:8001"))
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")
    assert client.get("/workways/imageroom", params={"id": "nope"}).status_code == 404


# --- ICS feed -------------------------------------------------------------------------


def test_ics_feed_single_room_is_utc_with_recurring_meeting_and_exdate(client):
    response = client.get(f"{API}/icsfeed", params={"rooms": seeds.R_DUB_A})
    assert response.headers["content-type"].startswith("text/calendar")
    text = response.text
    assert "PRODID:-//Workways//Meeting Calendar//EN" in text
    assert "RRULE:FREQ=WEEKLY;COUNT=12" in text and "EXDATE:20251118T090000Z" in text
    assert "DTSTART:20251104T100000Z" in text  # tomorrow 10:00 Dublin = 10:00 UTC
    starts = utc_starts(ics_events(client, seeds.R_DUB_A))
    assert dt.datetime(2025, 11, 11, 9, tzinfo=dt.UTC) in starts  # weekly stand-up
    assert dt.datetime(2025, 11, 18, 9, tzinfo=dt.UTC) not in starts  # EXDATE
    assert dt.datetime(2025, 11, 25, 9, tzinfo=dt.UTC) in starts


def test_ics_feed_multiple_rooms_and_all_day_meeting(client):
    events = ics_events(client, seeds.R_BRU_A, seeds.R_PAR_A)
    locations = {str(e["LOCATION"]) for e in events}
    assert locations == {"Horta Meeting Room", "Voltaire Meeting Room"}
    all_day = [e for e in events if not isinstance(e["DTSTART"].dt, dt.datetime)]
    assert [e["DTSTART"].dt for e in all_day] == [dt.date(2025, 11, 6)]
    # Paris weekly on Thursdays 16:00 local (15:00 UTC), UNTIL-bounded
    assert dt.datetime(2025, 11, 13, 15, tzinfo=dt.UTC) in utc_starts(events)


def test_ics_uids_are_stable_and_pending_requests_are_not_listed(client):
    first = client.get(f"{API}/icsfeed", params={"rooms": seeds.R_PAR_A}).text
    second = client.get(f"{API}/icsfeed", params={"rooms": seeds.R_PAR_A}).text
    assert first == second
    assert f"UID:{seeds.oid('meeting:par-weekly')}@workways.com" in first
    assert "Discovery meeting" not in first  # pending registration


@pytest.mark.parametrize("rooms", [None, "", "abc", f"{seeds.R_DUB_A},xyz"])
def test_ics_feed_rejects_missing_or_invalid_rooms(client, rooms):
    params = {} if rooms is None else {"rooms": rooms}
    response = client.get(f"{API}/icsfeed", params=params)
    assert response.status_code == 400
    assert response.json() == {
        "retcode": -1,
        "message": 'Bad request: "rooms" query parameter is missing, empty, or contains '
        "invalid IDs.",
    }


# --- Authentication -------------------------------------------------------------------

AUTH_ENDPOINTS = [
    ("POST", "register"),
    ("POST", "meeting-request"),
    ("POST", "check-email"),
    ("GET", "room-price"),
    ("GET", "contract-options"),
    ("GET", "user-info"),
    ("POST", "set-optin"),
    ("GET", "organization-info"),
    ("POST", "merge-contract"),
]


@pytest.mark.parametrize(("method", "path"), AUTH_ENDPOINTS)
def test_auth_required_endpoints_answer_401_without_token(client, method, path):
    response = client.request(method, f"{API}/{path}", json={} if method == "POST" else None)
    assert response.status_code == 401
    assert response.json() == {"retcode": -1, "message": AUTH_MISSING}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Basic abc",
            "Unauthorized: Invalid authorization format. Use: Authorization: Bearer <your_token>",
        ),
        ("Bearer ww_dev_" + "1" * 64, "Unauthorized: Invalid or revoked token"),
        (
            "Bearer " + seeds.INACTIVE_TOKEN,
            "Votre token est expiré, connectez-vous à votre compte pour le renouveler",
        ),
        (
            "Bearer " + seeds.ARCHIVED_ACCOUNT_TOKEN,
            "Votre compte est désactivé, contactez Workways",
        ),
        ("Bearer " + seeds.ARCHIVED_USER_TOKEN, "Unauthorized: User account is archived"),
    ],
)
def test_bad_tokens_get_the_documented_errors(client, header, expected):
    response = client.get(f"{API}/user-info", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"retcode": -1, "message": expected}


def test_auth_errors_in_french(client):
    response = client.post(f"{API}/register", json={"language": "fr"})
    assert response.json()["message"].startswith("Non autorisé")
    response = client.get(f"{API}/room-price", params={"language": "fr"})
    assert response.json()["message"].startswith("Non autorisé")


# --- Meeting requests -----------------------------------------------------------------


def test_member_booking_is_accepted_shown_in_ics_and_blocks_the_slot(client, auth):
    response = book(client, auth, name="Quarterly Review", bookedUser=4)
    assert response.status_code == 200
    body = response.json()
    assert body["retcode"] == 200 and body["status"] == "ACCEPTED"
    assert body["message"] == "Your booking has been confirmed."
    meeting_id = body["data"]["meetingId"]
    assert body["data"] == {
        "meetingId": meeting_id,
        "roomName": "Liffey Meeting Room",
        "bookedDate": "2025-11-05",
        "bookedTime": "14:00-15:00",
        "duration": 60,
    }
    feed = client.get(f"{API}/icsfeed", params={"rooms": seeds.R_DUB_A}).text
    assert f"UID:{meeting_id}@workways.com" in feed
    assert "DTSTART:20251105T140000Z" in feed and "SUMMARY:Quarterly Review" in feed
    again = book(
        client, auth, bookedAt="2025-11-05T14:30:00Z", contactEmail="liam.byrne@acme-corp.ie"
    )
    assert again.status_code == 409
    assert again.json() == {
        "retcode": -1,
        "status": "ROOM_OVERLAP",
        "message": "This time slot is not available. Another meeting is already booked "
        "during this period.",
    }
    # back-to-back is fine
    assert book(client, auth, bookedAt="2025-11-05T15:00:00Z").json()["status"] == "ACCEPTED"


def test_recurring_and_all_day_meetings_block_their_occurrences(client, auth):
    tuesday = book(client, auth, bookedAt="2025-11-11T09:30:00Z")  # weekly stand-up
    assert tuesday.status_code == 409
    skipped = book(client, auth, bookedAt="2025-11-18T09:00:00Z")  # EXDATE occurrence
    assert skipped.json()["status"] == "ACCEPTED"
    seminar = book(client, auth, bookedRoom=seeds.R_BRU_A, bookedAt="2025-11-06T10:00:00Z")
    assert seminar.status_code == 409  # all-day meeting in Brussels


def test_new_email_gets_request_accepted_then_register_links_the_meeting(client, auth):
    response = book(
        client,
        auth,
        contactEmail="jean.dupont@acme.com",
        contactName="Jean Dupont",
        bookedAt="2025-11-05T14:00:00Z",
        name="Discovery",
    )
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "REQUEST_ACCEPTED" and body["retcode"] == 200
    assert body["message"] == (
        "Your meeting request has been received. Please complete your registration to "
        "confirm the booking."
    )
    data = body["data"]
    assert set(data) == {
        "meetingRequestId",
        "userId",
        "roomName",
        "requestedDate",
        "requestedTime",
        "duration",
    }
    assert (data["requestedDate"], data["requestedTime"]) == ("2025-11-05", "14:00-15:00")
    # the same request again is the same request (no duplicate)
    assert book(client, auth, contactEmail="jean.dupont@acme.com").json()["data"] == data
    feed = client.get(f"{API}/icsfeed", params={"rooms": seeds.R_DUB_A}).text
    assert data["meetingRequestId"] not in feed

    register = client.post(
        f"{API}/register",
        headers=auth,
        json={
            "name": "Acme Consulting",
            "firstName": "Jean",
            "lastName": "Dupont",
            "email": "jean.dupont@acme.com",
            "phone": "+33612345678",
            "maxResidentUsers": 5,
            "meetingId": data["meetingRequestId"],
        },
    )
    body = register.json()
    assert body["status"] == "CREATED" and body["retcode"] == 200
    assert body["data"]["meetingsUpdated"] == 1
    assert body["data"]["userId"] == data["userId"] and body["data"]["userCreated"] is False
    org = client.get(
        f"{API}/organization-info", params={"id": body["data"]["organizationId"]}, headers=auth
    ).json()["data"]
    assert org["accessibleSites"] == [
        {"_id": seeds.S_DUBLIN, "name": "Workways Dublin Docklands", "country": "ie"}
    ]
    # sandbox-only: the e-mail validation link confirms the pending booking
    client.post("/workways/_sandbox/validate-email", json={"email": "jean.dupont@acme.com"})
    feed = client.get(f"{API}/icsfeed", params={"rooms": seeds.R_DUB_A}).text
    assert f"UID:{data['meetingRequestId']}@workways.com" in feed


@pytest.mark.parametrize("email", [seeds.ARCHIVED_MEMBER_EMAIL, seeds.ARCHIVED_USER_EMAIL])
def test_archived_accounts_get_archived_status(client, auth, email):
    response = book(client, auth, contactEmail=email)
    assert response.status_code == 200
    assert response.json() == {
        "retcode": 200,
        "status": "ARCHIVED",
        "message": "Your account is no longer valid. Please contact an administrator to "
        "restore it.",
        "data": None,
    }


@pytest.mark.parametrize(
    ("email", "booked_at", "expected"),
    [
        ("new@example.com", "2025-11-03T15:00:00Z", "Cannot book meetings for today or past dates"),
        ("new@example.com", "2025-10-31T10:00:00Z", "Cannot book meetings for today or past dates"),
        (
            "new@example.com",
            "2025-11-04T10:00:00Z",
            "Meetings must be booked at least 2 days in advance",
        ),
        (seeds.KNOWN_MEMBER_EMAIL, "2025-11-03T07:00:00Z", "Cannot book meetings for past dates"),
    ],
)
def test_date_rules(client, auth, email, booked_at, expected):
    response = book(client, auth, contactEmail=email, bookedAt=booked_at)
    assert response.status_code == 400
    assert response.json() == {"retcode": -1, "message": expected}


def test_member_can_book_later_today_and_new_user_in_two_days(client, auth):
    assert book(client, auth, bookedAt="2025-11-03T15:00:00Z").json()["status"] == "ACCEPTED"
    later = book(client, auth, contactEmail="new@example.com", bookedAt="2025-11-05T10:00:00Z")
    assert later.json()["status"] == "REQUEST_ACCEPTED"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"duration": 20}, "Duration must be at least 60 minutes"),
        ({"bookedRoom": seeds.R_BRU_A, "duration": 15}, "Duration must be at least 30 minutes"),
        ({"duration": 540}, "Duration must not exceed 480 minutes"),
        ({"duration": 75}, "Duration must be a multiple of 30 minutes"),
        ({"duration": "abc"}, "Invalid duration: must be a positive number"),
        ({"bookedAt": "2025-11-08T10:00:00Z"}, "This room cannot be booked on this day"),
        (
            {"bookedAt": "2025-11-05T08:00:00Z"},
            "The requested time is outside the room's booking hours (09:00-18:00)",
        ),
        (
            {"bookedAt": "2025-11-05T17:30:00Z"},
            "The requested time is outside the room's booking hours (09:00-18:00)",
        ),
        ({"bookedAt": "tomorrow"}, "Invalid bookedAt: must be an ISO 8601 date/time"),
        ({"contactEmail": "not-an-email"}, "Invalid email format"),
        ({"bookedRoom": seeds.R_BRU_PRIVATE}, "This room is not available for public booking"),
        ({"bookedRoom": seeds.R_DUB_PRIVATE}, "This room is not available for public booking"),
        ({"bookedRoom": "f" * 24}, "Room not found"),
        ({"bookedRoom": "nope"}, "Room not found"),
        ({"contactEmail": None}, "Missing required parameter: contactEmail"),
        ({"bookedRoom": None}, "Missing required parameter: bookedRoom"),
        ({"bookedAt": None}, "Missing required parameter: bookedAt"),
        ({"duration": None}, "Missing required parameter: duration"),
    ],
)
def test_meeting_request_validation(client, auth, fields, expected):
    response = book(client, auth, **fields)
    assert response.status_code in (400, 404)
    assert response.json() == {"retcode": -1, "message": expected}


def test_slot_windows_are_in_the_sites_local_time(client, auth):
    # Paris slotWeek 09:00-19:00 local = 08:00-18:00 UTC in November
    paris = {"bookedRoom": seeds.R_PAR_A}
    assert (
        book(client, auth, bookedAt="2025-11-05T08:00:00Z", **paris).json()["status"] == "ACCEPTED"
    )
    assert book(client, auth, bookedAt="2025-11-05T18:00:00Z", **paris).status_code == 400
    naive = book(client, auth, bookedAt="2025-11-05T17:00:00", **paris).json()  # local time
    assert naive["status"] == "ACCEPTED" and naive["data"]["bookedTime"] == "17:00-18:00"
    # Saturday window for this room: 10:00-16:00
    saturday = book(client, auth, bookedAt="2025-11-08T14:00:00+01:00", **paris).json()
    assert saturday["status"] == "ACCEPTED"


def test_public_office_with_slots_can_be_booked(client, auth):
    hot_desk = book(
        client, auth, bookedRoom=seeds.R_DUB_HOT, bookedAt="2025-11-05T08:00:00Z", duration=240
    )
    assert hot_desk.json()["status"] == "ACCEPTED"
    office = book(client, auth, bookedRoom=seeds.R_DUB_OFFICE, duration=60)
    assert office.json()["message"] == "This room cannot be booked on this day"


def test_meeting_request_messages_in_french(client, auth):
    response = book(client, auth, language="fr")
    assert response.json()["message"] == "Votre réservation a été confirmée."
    again = book(client, auth, language="fr")
    assert again.status_code == 409
    assert again.json()["message"].startswith("Ce créneau n'est pas disponible.")
    error = book(
        client, auth, contactEmail="x@example.com", bookedAt="2025-11-04T10:00:00Z", language="fr"
    )
    assert (
        error.json()["message"] == "Les réunions doivent être réservées au moins 2 jours à l'avance"
    )


# --- Room price, contract options -----------------------------------------------------


def test_meeting_room_price(client, auth):
    response = client.get(
        f"{API}/room-price",
        params={
            "roomId": seeds.R_DUB_A,
            "startDate": "2025-11-18T10:00:00",
            "duration": 120,
            "nbPersons": 4,
        },
        headers=auth,
    )
    assert response.status_code == 200
    assert response.json() == {
        "retcode": 1,
        "message": "OK",
        "data": {
            "roomId": seeds.R_DUB_A,
            "roomType": "publicMeeting",
            "defaultState": "bookable",
            "actualState": "free",
            "startDate": "2025-11-18T10:00:00",
            "duration": 120,
            "nbPersons": 4,
            "price": 70,
        },
    }
    default = client.get(f"{API}/room-price", params={"roomId": seeds.R_DUB_A}, headers=auth)
    assert default.json()["data"]["duration"] == 60 and default.json()["data"]["price"] == 35
    half_day = client.get(
        f"{API}/room-price", params={"roomId": seeds.R_DUB_A, "duration": 240}, headers=auth
    )
    assert half_day.json()["data"]["price"] == 120  # capped by pricePerHalfDay


def test_office_price_by_month_and_week(client, auth):
    month = client.get(f"{API}/room-price", params={"roomId": seeds.R_DUB_PRIVATE}, headers=auth)
    assert month.json()["data"] == {
        "roomId": seeds.R_DUB_PRIVATE,
        "roomType": "privateOffice",
        "defaultState": "rented",
        "actualState": "rented",
        "period": "month",
        "price": 1500,
    }
    week = client.get(
        f"{API}/room-price", params={"roomId": seeds.R_DUB_PRIVATE, "period": "week"}, headers=auth
    )
    assert week.json()["data"]["price"] == pytest.approx(346.15)


def test_price_unavailable_for_room_state_is_200_with_price_minus_one(client, auth):
    response = client.get(f"{API}/room-price", params={"roomId": seeds.R_PAR_CLEAN}, headers=auth)
    assert response.status_code == 200
    assert response.json() == {
        "retcode": -1,
        "message": "Price calculation not available for this room state/type",
        "data": {
            "roomId": seeds.R_PAR_CLEAN,
            "roomType": "meeting",
            "defaultState": "toclean",
            "actualState": "toclean",  # doc example: the room's own state
            "price": -1,
        },
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "Missing required parameter: roomId"),
        ({"roomId": "xyz"}, "Invalid roomId format"),
        ({"roomId": "f" * 24}, "Room not found"),
        (
            {"roomId": seeds.R_PAR_ACCESS},
            "Price calculation not supported for room type: privateAccess",
        ),
        (
            {"roomId": seeds.R_DUB_OFFICE, "period": "year"},
            'Invalid period: must be "week" or "month"',
        ),
        ({"roomId": seeds.R_DUB_A, "duration": -5}, "Invalid duration: must be a positive number"),
    ],
)
def test_room_price_errors(client, auth, params, expected):
    response = client.get(f"{API}/room-price", params=params, headers=auth)
    assert response.status_code in (400, 404)
    assert response.json() == {"retcode": -1, "message": expected}


def test_contract_options_of_a_site(client, auth):
    response = client.get(f"{API}/contract-options", params={"site": seeds.S_DUBLIN}, headers=auth)
    options = response.json()["data"]
    parking = next(o for o in options if o["key"] == "parking")
    assert set(parking) == {
        "_id",
        "key",
        "name",
        "nameFr",
        "nameEn",
        "type",
        "isUnique",
        "isGeneric",
        "supportsQuantity",
        "pricing",
        "vat",
    }
    assert parking["isUnique"] is True and parking["pricing"]["publicBase"] == 150
    tv = next(o for o in options if o["key"] == "tv_rental")
    assert tv["supportsQuantity"] is True and tv["isGeneric"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "Missing required parameter: site"),
        ({"site": "x"}, "Invalid site ID format"),
        ({"site": "f" * 24}, "Site not found"),
    ],
)
def test_contract_options_errors(client, auth, params, expected):
    response = client.get(f"{API}/contract-options", params=params, headers=auth)
    assert response.json() == {"retcode": -1, "message": expected}


# --- Users, organizations -------------------------------------------------------------


def test_user_info_by_id_email_and_list(client, auth):
    by_email = client.get(
        f"{API}/user-info", params={"email": seeds.KNOWN_MEMBER_EMAIL.upper()}, headers=auth
    ).json()["data"]
    assert by_email["_id"] == seeds.U_SARAH and by_email["organizationName"] == "Acme Corp"
    assert by_email["isOrganizationArchived"] is False and by_email["role"] == "principal-admin"
    by_id = client.get(f"{API}/user-info", params={"id": seeds.U_TOM}, headers=auth).json()
    assert (
        by_id["data"]["organizationId"] is None and by_id["data"]["isOrganizationArchived"] is None
    )
    listing = client.get(f"{API}/user-info", params={"limit": 3, "page": 2}, headers=auth).json()
    assert listing["data"]["total"] == 8 and listing["data"]["pages"] == 3
    assert len(listing["data"]["items"]) == 3 and listing["data"]["page"] == 2
    acme = client.get(f"{API}/user-info", params={"organization": seeds.O_ACME}, headers=auth)
    assert {u["organizationId"] for u in acme.json()["data"]["items"]} == {seeds.O_ACME}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"id": "x"}, "Invalid user ID format"),
        ({"email": "bad"}, "Invalid email format"),
        ({"organization": "x"}, "Invalid organization ID format"),
        ({"id": "f" * 24}, "User not found"),
        ({"email": "nobody@example.com"}, "User not found"),
    ],
)
def test_user_info_errors(client, auth, params, expected):
    assert client.get(f"{API}/user-info", params=params, headers=auth).json() == {
        "retcode": -1,
        "message": expected,
    }


def test_set_optin_by_body_and_by_query(client, auth):
    response = client.post(
        f"{API}/set-optin", json={"user": seeds.U_LIAM, "optin": True}, headers=auth
    )
    assert response.json()["data"] == {
        "userId": seeds.U_LIAM,
        "email": "liam.byrne@acme-corp.ie",
        "newsOptin": True,
        "previousValue": False,
    }
    again = client.post(
        f"{API}/set-optin", params={"user": seeds.U_LIAM, "optin": "0"}, headers=auth
    )
    assert again.json()["data"]["previousValue"] is True
    user = client.get(f"{API}/user-info", params={"id": seeds.U_LIAM}, headers=auth).json()
    assert user["data"]["newsOptin"] is False


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "Missing required parameter: user (user ID)"),
        ({"user": "x"}, "Invalid user ID format"),
        ({"user": seeds.U_LIAM}, "Missing required parameter: optin (true/false)"),
        (
            {"user": seeds.U_LIAM, "optin": "maybe"},
            'Invalid optin value. Use true/false, 1/0, or "true"/"false"',
        ),
        ({"user": "f" * 24, "optin": "true"}, "User not found"),
    ],
)
def test_set_optin_errors(client, auth, params, expected):
    response = client.post(f"{API}/set-optin", json=params, headers=auth)
    assert response.json() == {"retcode": -1, "message": expected}


def test_organization_info_single_and_list(client, auth):
    acme = client.get(f"{API}/organization-info", params={"id": seeds.O_ACME}, headers=auth).json()
    data = acme["data"]
    assert data["principalSiteId"] == seeds.S_DUBLIN and data["principalSiteCountry"] == "ie"
    assert [r["_id"] for r in data["allocatedRooms"]] == [seeds.R_DUB_PRIVATE]
    assert data["allocatedRooms"][0]["price"] == 1500
    assert data["contractOptions"][0]["key"] == "parking"
    listing = client.get(f"{API}/organization-info", params={"site": seeds.S_PARIS}, headers=auth)
    items = listing.json()["data"]["items"]
    assert [o["name"] for o in items] == ["Gamma Conseil"]
    assert "allocatedRooms" not in items[0]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"id": "x"}, "Invalid organization ID format"),
        ({"site": "x"}, "Invalid site ID format"),
        ({"id": "f" * 24}, "Organization not found"),
    ],
)
def test_organization_info_errors(client, auth, params, expected):
    response = client.get(f"{API}/organization-info", params=params, headers=auth)
    assert response.json() == {"retcode": -1, "message": expected}


def test_merge_contract_updates_rental_options_and_rooms(client, auth):
    parking = seeds.oid(f"rate:{seeds.S_BRUSSELS}:parking")
    response = client.post(
        f"{API}/merge-contract",
        headers=auth,
        json={
            "organizationId": seeds.O_BETA,
            "rentalPrice": "1500€",
            "rentalEndAt": "2026-12-31",
            "rentalRenewal": 12,
            "roomsToAdd": [seeds.R_BRU_OFFICE],
            "contractOptionsToAdd": [
                {
                    "optionModelId": parking,
                    "key": "parking",
                    "name": "Place de parking",
                    "quantity": 2,
                    "price": 150,
                }
            ],
        },
    )
    assert response.json() == {
        "retcode": 1,
        "message": "OK",
        "data": {"organizationId": seeds.O_BETA, "organizationName": "Beta Industries"},
    }
    org = client.get(f"{API}/organization-info", params={"id": seeds.O_BETA}, headers=auth).json()
    data = org["data"]
    assert (data["basePrice"], data["contractEndDate"], data["renewalMonths"]) == (
        1500,
        "2026-12-31",
        12,
    )
    assert [r["_id"] for r in data["allocatedRooms"]] == [seeds.R_BRU_OFFICE]
    (option,) = data["contractOptions"]
    assert (option["key"], option["quantity"], option["price"]) == ("parking", 2, 150)
    # a unique key ("parking") is subscribed once: adding it again updates it in place
    again = client.post(
        f"{API}/merge-contract",
        headers=auth,
        json={
            "organizationId": seeds.O_BETA,
            "contractOptionsToAdd": [{"optionModelId": parking, "quantity": 3}],
        },
    )
    assert again.json()["retcode"] == 1
    data = client.get(f"{API}/organization-info", params={"id": seeds.O_BETA}, headers=auth).json()
    (updated,) = data["data"]["contractOptions"]
    assert (updated["id"], updated["quantity"], updated["price"]) == (option["id"], 3, 150)
    removed = client.post(
        f"{API}/merge-contract",
        headers=auth,
        json={
            "organizationId": seeds.O_BETA,
            "contractOptionsToRemove": [option["id"]],
            "roomsToRemove": [seeds.R_BRU_OFFICE],
        },
    )
    assert removed.json()["retcode"] == 1
    data = client.get(f"{API}/organization-info", params={"id": seeds.O_BETA}, headers=auth).json()
    assert data["data"]["contractOptions"] == [] and data["data"]["allocatedRooms"] == []


def test_merge_contract_document_example_on_an_organization_with_parking(client, auth):
    """The doc's example adds "parking" to Acme Corp, whose organization-info example
    already lists a parking option: it succeeds and Acme keeps one parking option."""
    parking = seeds.oid(f"rate:{seeds.S_DUBLIN}:parking")
    response = client.post(
        f"{API}/merge-contract",
        headers=auth,
        json={
            "organizationId": seeds.O_ACME,
            "rentalPrice": "1500€",
            "rentalEndAt": "2025-12-31",
            "rentalRenewal": 12,
            "contractOptionsToAdd": [
                {
                    "optionModelId": parking,
                    "key": "parking",
                    "name": "Place de parking",
                    "quantity": 2,
                    "price": 150,
                }
            ],
            "roomsToAdd": [seeds.R_DUB_OFFICE],
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "retcode": 1,
        "message": "OK",
        "data": {"organizationId": seeds.O_ACME, "organizationName": "Acme Corp"},
    }
    data = client.get(f"{API}/organization-info", params={"id": seeds.O_ACME}, headers=auth)
    options = data.json()["data"]["contractOptions"]
    assert [(o["key"], o["quantity"], o["price"]) for o in options] == [("parking", 2, 150)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, "Missing required parameter: organizationId"),
        ({"organizationId": "x"}, "Invalid organizationId format"),
        ({"organizationId": "f" * 24}, "Organization not found"),
    ],
)
def test_merge_contract_errors(client, auth, body, expected):
    response = client.post(f"{API}/merge-contract", json=body, headers=auth)
    assert response.json() == {"retcode": -1, "message": expected}


# --- Registration ---------------------------------------------------------------------

REGISTRATION = {
    "name": "Acme Corp France",
    "firstName": "Jean",
    "lastName": "Dupont",
    "email": "jean.dupont@acme.com",
    "phone": "+33612345678",
    "maxResidentUsers": 5,
    "companyNumber": "12345678901234",
    "language": "fr",
    "siteId": seeds.S_PARIS,
    "roomId": seeds.R_LYO_A,
}


def test_register_creates_an_organization_in_french(client, auth):
    response = client.post(f"{API}/register", json=REGISTRATION, headers=auth)
    body = response.json()
    assert response.status_code == 200 and body["retcode"] == 200
    assert body["status"] == "CREATED"
    assert (
        body["message"]
        == "Organisation enregistrée avec succès. Un e-mail de vérification a été envoyé."
    )
    data = body["data"]
    assert data["userCreated"] is True and data["organizationCreated"] is True
    assert data["userRole"] == "principal-admin" and data["meetingsUpdated"] == 0
    assert data["roomOfInterest"] == {
        "_id": seeds.R_LYO_A,
        "name": "Bellecour Meeting Room",
        "siteName": "Workways Lyon Part-Dieu",
        "siteId": seeds.S_LYON,
    }
    assert data["identityVerification"]["source"] == "insee_siret"
    org = client.get(
        f"{API}/organization-info", params={"id": data["organizationId"]}, headers=auth
    )
    sites = [s["_id"] for s in org.json()["data"]["accessibleSites"]]
    assert sites == [seeds.S_PARIS, seeds.S_LYON]  # priority order
    again = client.post(f"{API}/register", json=REGISTRATION, headers=auth).json()
    assert again["status"] == "USER_EXISTS"
    assert again["data"] == {"userId": data["userId"], "organizationId": data["organizationId"]}


def test_register_for_a_known_member_is_user_exists(client, auth):
    body = {**REGISTRATION, "email": seeds.KNOWN_MEMBER_EMAIL, "language": "en"}
    response = client.post(f"{API}/register", json=body, headers=auth).json()
    assert response == {
        "retcode": 200,
        "status": "USER_EXISTS",
        "message": "User already registered with an organization.",
        "data": {"userId": seeds.U_SARAH, "organizationId": seeds.O_ACME},
    }


def test_register_into_an_existing_organization_is_updated(client, auth):
    body = {**REGISTRATION, "name": "Gamma", "companyNumber": "852 345 678 00017", "language": "en"}
    response = client.post(f"{API}/register", json=body, headers=auth).json()
    assert response["status"] == "UPDATED"
    assert response["message"] == "Registration successful. Your organization has been updated."
    assert response["data"]["organizationId"] == seeds.O_GAMMA
    assert response["data"]["organizationCreated"] is False


@pytest.mark.parametrize("country", ["fr", "FR", "France", "france", "FRANCE"])
def test_register_country_accepts_iso_english_and_french_names(client, auth, country):
    # doc: "Country parameters accept multiple formats" (ISO, English, French names)
    body = {**REGISTRATION, "language": "en", "country": country}
    response = client.post(f"{API}/register", json=body, headers=auth)
    assert response.json()["status"] == "CREATED"
    assert response.json()["data"]["identityVerification"]["source"] == "insee_siret"


@pytest.mark.parametrize("country", ["Irlande", "ireland", "IE", "Belgique", "belgium"])
def test_register_country_french_and_english_names_of_other_countries(client, auth, country):
    body = {**REGISTRATION, "language": "en", "country": country, "companyNumber": None}
    response = client.post(f"{API}/register", json=body, headers=auth)
    assert response.json()["status"] == "CREATED"


@pytest.mark.parametrize("country", ["XYZ", "Germany"])
def test_register_rejects_other_countries_with_the_documented_message(client, auth, country):
    body = {**REGISTRATION, "language": "en", "country": country}
    response = client.post(f"{API}/register", json=body, headers=auth)
    assert response.status_code == 400
    assert response.json() == {
        "retcode": -1,
        "message": f'Invalid country: "{country}". Use ISO code (e.g., "FR", "BE") or country '
        'name (e.g., "France", "Belgium")',
        "data": [],
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": None}, "Missing required parameter: name"),
        ({"email": None}, "Missing required parameter: email"),
        ({"phone": ""}, "Missing required parameter: phone"),
        (
            {"maxResidentUsers": 0},
            "Invalid maxResidentUsers: must be a number greater than or equal to 1",
        ),
        (
            {"siteId": None, "roomId": None},
            "At least one of siteId, roomId or meetingId is required",
        ),
        ({"siteId": "f" * 24}, "Site not found"),
        ({"meetingId": "f" * 24, "siteId": None, "roomId": None}, "Meeting not found"),
    ],
)
def test_register_validation(client, auth, change, expected):
    body = {**REGISTRATION, **change, "language": "en"}
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post(f"{API}/register", json=body, headers=auth)
    assert response.status_code in (400, 404)
    assert response.json() == {"retcode": -1, "message": expected}


def test_check_email_tells_member_new_and_archived(client, auth):
    def check(email):
        return client.post(f"{API}/check-email", json={"email": email}, headers=auth).json()["data"]

    assert check(seeds.KNOWN_MEMBER_EMAIL)["isMember"] is True
    assert check("nobody@example.com")["exists"] is False
    assert check(seeds.ARCHIVED_MEMBER_EMAIL)["isArchived"] is True
