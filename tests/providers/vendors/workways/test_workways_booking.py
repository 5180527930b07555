"""Workways bookings: meeting requests, organization registration, reconcile, quotes.

(1) the document's example requests and answers, faked at the transport; (2) the adapter
against the sandbox in-process; (3) the booking lifecycle with the real adapter on the
sandbox.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest

from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import AccountConfig, BookingRequest, Customer, ItemRef
from providers.messages import Message
from providers.vendors.workways.adapter import WorkwaysAdapter
from sandbox.workways.meetings import meeting_price

TOKEN = "ww_dev_" + "3f" * 32  # doc: "Format: ww_dev_<64-character-hex-string>"
BASE = "https://api.workways.com"
ACCOUNT = AccountConfig(
    kind="workways", name="Workways", config={"base_url": BASE}, credentials={"token": TOKEN}
)
DUBLIN = ZoneInfo("Europe/Dublin")
ROOM_ID = "507f191e810c19729de860ea"  # doc: "bookedRoom": "507f191e810c19729de860ea"
SITE_ID = "507f1f77bcf86cd799439011"
ROOM = ItemRef(
    external_id=ROOM_ID,
    kind="meeting_room",
    timezone="Europe/Dublin",
    space_external_id=SITE_ID,
    raw={"room_id": ROOM_ID, "site_id": SITE_ID, "type": "publicMeeting"},
)
OFFICE = ItemRef(
    external_id="507f191e810c19729de860eb",
    kind="private_office",
    timezone="Europe/Dublin",
    space_external_id=SITE_ID,
    raw={"room_id": "507f191e810c19729de860eb", "site_id": SITE_ID, "type": "publicOffice"},
)
JEAN = Customer(
    email="jean.dupont@acme.com",
    first_name="Jean",
    last_name="Dupont",
    phone="+33612345678",
    company="Acme Corp",
    language="en",
)
# doc: "bookedAt": "2025-11-05T14:00:00Z", "duration": 60 (Dublin is UTC+0 in November)
START = dt.datetime(2025, 11, 5, 14, 0, tzinfo=DUBLIN)


def meeting(customer: Customer = JEAN, **changes) -> BookingRequest:
    values = {
        "uid": "0b7c9d2e-uid",
        "kind": "room",
        "start": START,
        "end": START + dt.timedelta(minutes=60),
        "customer": customer,
        "attendees": 4,
        "title": "Quarterly Review",
        "message": "Q4 2025 team meeting",
    }
    return BookingRequest(**(values | changes))


def inquiry(customer: Customer = JEAN) -> BookingRequest:
    day = dt.datetime(2025, 11, 5, tzinfo=DUBLIN)
    return BookingRequest(
        uid="office-uid",
        kind="inquiry",
        start=day,
        end=day + dt.timedelta(days=1),
        customer=customer,
        attendees=5,
        message="An office for five",
    )


# --- the document's example answers --------------------------------------------------

ACCEPTED = {
    "retcode": 200,
    "status": "ACCEPTED",
    "message": "Your booking has been confirmed.",
    "data": {
        "meetingId": "507f191e810c19729de860ea",
        "roomName": "Meeting Room A",
        "bookedDate": "2025-11-05",
        "bookedTime": "14:00-15:00",
        "duration": 60,
    },
}
REQUEST_ACCEPTED = {
    "retcode": 200,
    "status": "REQUEST_ACCEPTED",
    "message": "Your meeting request has been received. Please complete your registration "
    "to confirm the booking.",
    "data": {
        "meetingRequestId": "507f191e810c19729de860ea",
        "userId": "507f191e810c19729de860eb",
        "roomName": "Meeting Room A",
        "requestedDate": "2025-11-05",
        "requestedTime": "14:00-15:00",
        "duration": 60,
    },
}
ARCHIVED = {
    "retcode": 200,
    "status": "ARCHIVED",
    "message": "Your account is no longer valid. Please contact an administrator to restore it.",
    "data": None,
}
OVERLAP = {
    "retcode": -1,
    "status": "ROOM_OVERLAP",
    "message": "This time slot is not available. Another meeting is already booked during "
    "this period.",
}
CREATED = {
    "retcode": 200,
    "status": "CREATED",
    "message": "Organization registered successfully. A verification email has been sent.",
    "data": {
        "userId": "507f1f77bcf86cd799439011",
        "userEmail": "jean.dupont@acme.com",
        "userRole": "principal-admin",
        "userCreated": True,
        "organizationId": "507f191e810c19729de860ea",
        "organizationName": "Acme Corp",
        "organizationCreated": True,
        "meetingsUpdated": 1,
        "roomOfInterest": {
            "_id": "507f1f77bcf86cd799439022",
            "name": "Office Premium",
            "siteName": "Workways Paris",
            "siteId": "507f1f77bcf86cd799439033",
        },
        "identityVerification": None,
    },
}
USER_EXISTS = {
    "retcode": 200,
    "status": "USER_EXISTS",
    "message": "User already registered with an organization.",
    "data": {"userId": "507f1f77bcf86cd799439011", "organizationId": "507f191e810c19729de860ea"},
}
MEETING_PRICE = {
    "retcode": 1,
    "message": "OK",
    "data": {
        "roomId": "507f1f77bcf86cd799439011",
        "roomType": "privateMeeting",
        "defaultState": "bookable",
        "actualState": "free",
        "startDate": "2025-01-18T10:00:00",
        "duration": 120,
        "nbPersons": 4,
        "price": 100,
    },
}
OFFICE_PRICE = {
    "retcode": 1,
    "message": "OK",
    "data": {
        "roomId": "507f1f77bcf86cd799439011",
        "roomType": "privateOffice",
        "defaultState": "rented",
        "actualState": "rented",
        "period": "month",
        "price": 100,
    },
}
PRICE_UNAVAILABLE = {
    "retcode": -1,
    "message": "Price calculation not available for this room state/type",
    "data": {
        "roomId": "507f1f77bcf86cd799439011",
        "roomType": "meeting",
        "defaultState": "toclean",
        "actualState": "toclean",
        "price": -1,
    },
}


def user(**changes) -> dict:
    """doc, user-info "Success Response - Single User"."""
    data = {
        "_id": "507f1f77bcf86cd799439011",
        "firstName": "Jean",
        "lastName": "Dupont",
        "email": "jean.dupont@acme.com",
        "title": "Directeur Commercial",
        "language": "fr",
        "phone": "+33 1 23 45 67 89",
        "mobilePhone": "+33 6 12 34 56 78",
        "role": "principal-admin",
        "newsOptin": True,
        "mailValid": True,
        "isUserArchived": False,
        "organizationId": "507f191e810c19729de860ea",
        "organizationName": "Acme Corp",
        "isOrganizationArchived": False,
        "updatedAt": "2025-01-15",
    } | changes
    return {"retcode": 1, "message": "OK", "data": data}


def feed(*events: str) -> httpx.Response:
    """The doc's ICS example with the given VEVENT bodies."""
    body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Workways//Meeting Calendar//EN\r\n"
    body += "CALSCALE:GREGORIAN\r\n"
    for event in events:
        body += "BEGIN:VEVENT\r\n" + event.strip().replace("\n", "\r\n") + "\r\nEND:VEVENT\r\n"
    body += "END:VCALENDAR\r\n"
    return httpx.Response(200, content=body.encode(), headers={"content-type": "text/calendar"})


def ours(uid="0b7c9d2e-uid", meeting_id="meeting123", start="20251105T140000Z") -> str:
    return (
        f"UID:{meeting_id}@workways.com\nDTSTART:{start}\nDTEND:20251105T150000Z\n"
        f"SUMMARY:Quarterly Review\nLOCATION:Meeting Room A\n"
        f"DESCRIPTION:Q4 2025 team meeting\\n\\nPortal booking {uid}"
    )


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

    def sent(self, path: str) -> list[httpx.Request]:
        return [c for c in self.calls if c.url.path.endswith(path)]


def workways(routes: dict[str, object]) -> tuple[WorkwaysAdapter, Fake]:
    fake = Fake(routes)
    return WorkwaysAdapter(ACCOUNT, transport=httpx.MockTransport(fake), sleep=lambda s: None), fake


def body_of(request: httpx.Request) -> dict:
    return json.loads(request.content)


# --- (1) meeting requests, faked ----------------------------------------------------------


def test_the_meeting_request_body_is_the_documents():
    adapter, fake = workways({"/api/meeting-request": ACCEPTED})
    adapter.submit(ROOM, meeting())
    [sent] = fake.calls
    assert sent.method == "POST" and sent.url == f"{BASE}/api/meeting-request"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert body_of(sent) == {
        "contactEmail": "jean.dupont@acme.com",
        "contactName": "Jean Dupont",
        "bookedRoom": ROOM_ID,
        "bookedAt": "2025-11-05T14:00:00Z",  # UTC, as the doc's example
        "duration": 60,
        "bookedUser": 4,
        "name": "Quarterly Review",
        "description": "Q4 2025 team meeting\n\nPortal booking 0b7c9d2e-uid",
        "language": "en",
    }


def test_booked_at_is_sent_in_utc_whatever_the_sites_zone():
    adapter, fake = workways({"/api/meeting-request": ACCEPTED})
    paris = dt.datetime(2025, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    adapter.submit(ROOM, meeting(start=paris, end=paris + dt.timedelta(minutes=90), title=""))
    body = body_of(fake.calls[0])
    assert body["bookedAt"] == "2025-07-01T08:00:00Z" and body["duration"] == 90
    assert "name" not in body  # optional: no title, no name


def test_accepted_is_confirmed_with_the_meeting_id():
    adapter, _ = workways({"/api/meeting-request": ACCEPTED})
    result = adapter.submit(ROOM, meeting())
    assert result.status == "confirmed"
    assert result.reference == "507f191e810c19729de860ea"
    assert (result.valid_from, result.valid_to) == (START, START + dt.timedelta(hours=1))
    assert result.reply == ACCEPTED and result.next_step == ""


def test_request_accepted_awaits_registration_and_remembers_the_request():
    adapter, _ = workways({"/api/meeting-request": REQUEST_ACCEPTED})
    result = adapter.submit(ROOM, meeting())
    assert result.status == "awaiting_registration"
    assert result.reference == "507f191e810c19729de860ea"
    assert result.identity == {
        "meeting_request_id": "507f191e810c19729de860ea",
        "user_id": "507f191e810c19729de860eb",
        "known_user": False,
    }
    assert "register your company" in str(result.next_step)
    assert "validation link" in str(result.next_step)


def test_a_french_member_gets_french_mails_and_message_codes():
    """Workways writes its own e-mails in the member's language; what the portal tells the
    member is a message code, rendered in the reader's language where it is shown."""
    member = Customer("marie@exemple.fr", "Marie", "Curie", phone="+33 1", language="fr")
    adapter, fake = workways({"/api/meeting-request": REQUEST_ACCEPTED})
    result = adapter.submit(ROOM, meeting(member))
    assert body_of(fake.calls[0])["language"] == "fr"
    assert result.next_step == Message("workways.register")
    adapter, _ = workways({"/api/meeting-request": httpx.Response(409, json=OVERLAP)})
    with pytest.raises(RejectedError) as caught:
        adapter.submit(ROOM, meeting(member))
    assert caught.value.message == Message("workways.slot_taken")


def test_archived_is_a_rejection_telling_to_contact_workways():
    adapter, _ = workways({"/api/meeting-request": ARCHIVED})
    with pytest.raises(RejectedError) as caught:
        adapter.submit(ROOM, meeting())
    assert "archived" in str(caught.value.message)
    assert "contact Workways" in str(caught.value.message)
    assert caught.value.code == "ARCHIVED" and caught.value.payload == ARCHIVED


def test_room_overlap_409_is_slot_taken():
    adapter, fake = workways({"/api/meeting-request": httpx.Response(409, json=OVERLAP)})
    with pytest.raises(RejectedError) as caught:
        adapter.submit(ROOM, meeting())
    assert caught.value.message == Message("workways.slot_taken")
    assert str(caught.value.message) == "This slot was just taken, please pick another."
    assert caught.value.code == "ROOM_OVERLAP" and caught.value.status == 409
    assert len(fake.calls) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (400, "Cannot book meetings for today or past dates"),
        (400, "Meetings must be booked at least 2 days in advance"),
        (400, "Cannot book meetings for past dates"),
        (400, "This room is not available for public booking"),
        (404, "Room not found"),
        (200, "Meetings must be booked at least 2 days in advance"),  # envelope only
    ],
)
def test_documented_refusals_are_rejections_in_workways_words(status, message):
    answer = httpx.Response(status, json={"retcode": -1, "message": message})
    adapter, _ = workways({"/api/meeting-request": answer})
    with pytest.raises(RejectedError) as caught:
        adapter.submit(ROOM, meeting())
    assert caught.value.message == message


def test_a_refused_token_is_an_authentication_error():
    answer = httpx.Response(
        401, json={"retcode": -1, "message": "Unauthorized: Invalid or revoked token"}
    )
    adapter, _ = workways({"/api/meeting-request": answer})
    with pytest.raises(AuthenticationError):
        adapter.submit(ROOM, meeting())


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, json={"retcode": -1, "message": "Internal server error"}),
        httpx.Response(503, text="busy"),
        httpx.ReadTimeout("timed out"),
    ],
)
def test_faults_are_transient_and_the_post_is_never_repeated(answer):
    adapter, fake = workways({"/api/meeting-request": answer})
    with pytest.raises(TransientError):
        adapter.submit(ROOM, meeting())
    assert len(fake.calls) == 1  # a POST that may have been carried out is not re-sent


def test_an_unknown_answer_status_is_malformed():
    adapter, _ = workways({"/api/meeting-request": ACCEPTED | {"status": "MAYBE"}})
    with pytest.raises(TransientError):
        adapter.submit(ROOM, meeting())


def test_a_pass_is_not_sold():
    adapter, fake = workways({})
    with pytest.raises(UnsupportedError):
        adapter.submit(ROOM, meeting(kind="pass"))
    assert fake.calls == []


# --- (1) registration and office inquiries, faked ------------------------------------------


def test_register_sends_the_company_details_and_the_meeting_id():
    adapter, fake = workways({"/api/register": CREATED})
    answer = adapter.register(JEAN, meeting_id="507f191e810c19729de860ea")
    [sent] = fake.calls
    assert sent.url == f"{BASE}/api/register"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert body_of(sent) == {
        "name": "Acme Corp",
        "firstName": "Jean",
        "lastName": "Dupont",
        "email": "jean.dupont@acme.com",
        "phone": "+33612345678",
        "maxResidentUsers": 1,
        "language": "en",
        "meetingId": "507f191e810c19729de860ea",
    }
    assert answer["status"] == "CREATED"
    assert answer["identity"] == {
        "organization_id": "507f191e810c19729de860ea",
        "user_id": "507f1f77bcf86cd799439011",
    }
    assert "validation link" in str(answer["next_step"])
    assert answer["reply"] == CREATED


def test_register_without_a_company_uses_the_members_name():
    adapter, fake = workways({"/api/register": USER_EXISTS})
    member = Customer("solo@example.com", "Ana", "Lopez", phone="+353 1")
    answer = adapter.register(member, meeting_id="507f191e810c19729de860ea")
    assert body_of(fake.calls[0])["name"] == "Ana Lopez"
    assert answer["status"] == "USER_EXISTS"
    assert answer["organization_id"] == "507f191e810c19729de860ea"
    assert "already registered" in str(answer["next_step"])


def test_register_needs_a_meeting_a_room_or_a_site():
    adapter, fake = workways({})
    with pytest.raises(ValueError):
        adapter.register(JEAN, meeting_id=None)
    assert fake.calls == []


def test_register_refusal_is_a_rejection():
    answer = httpx.Response(400, json={"retcode": -1, "message": "Invalid email format"})
    adapter, _ = workways({"/api/register": answer})
    with pytest.raises(RejectedError, match="Invalid email format"):
        adapter.register(JEAN, meeting_id="507f191e810c19729de860ea")


def test_an_office_inquiry_registers_with_the_room_of_interest():
    adapter, fake = workways({"/api/register": CREATED})
    result = adapter.submit(OFFICE, inquiry())
    body = body_of(fake.calls[0])
    assert body["roomId"] == OFFICE.raw["room_id"] and body["siteId"] == SITE_ID
    assert body["maxResidentUsers"] == 5 and "meetingId" not in body
    assert result.status == "awaiting_registration"
    assert result.reference == "507f191e810c19729de860ea"  # the organization
    assert result.identity["organization_id"] == "507f191e810c19729de860ea"
    assert "rental contract" in str(result.next_step) and "validation link" in str(result.next_step)
    assert result.staff_action == ""


def test_an_office_inquiry_from_a_registered_member_goes_to_people():
    adapter, _ = workways({"/api/register": USER_EXISTS})
    result = adapter.submit(OFFICE, inquiry())
    assert result.status == "awaiting_approval"
    assert OFFICE.raw["room_id"] in result.staff_action


# --- (1) quote, cancel, reconcile, refresh, faked ---------------------------------------


def test_the_quote_is_workways_room_price():
    adapter, fake = workways({"/api/room-price": MEETING_PRICE})
    quote = adapter.quote(ROOM, meeting(end=START + dt.timedelta(minutes=120)))
    [sent] = fake.calls
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert dict(sent.url.params) == {
        "roomId": ROOM_ID,
        "startDate": "2025-11-05T14:00:00",  # the site's wall clock, like the doc's example
        "duration": "120",
        "nbPersons": "4",
        "language": "en",
    }
    assert quote.total == Decimal("100.00") and quote.currency == "EUR"
    assert [(str(label), amount) for label, amount in quote.lines] == [("2 h", Decimal("100.00"))]
    assert str(quote.note) == "Price computed by Workways."


def test_an_office_is_priced_by_the_month():
    adapter, fake = workways({"/api/room-price": OFFICE_PRICE})
    quote = adapter.quote(OFFICE, inquiry())
    assert fake.calls[0].url.params["period"] == "month"
    assert quote.total == Decimal("100.00") and [(str(label), a) for label, a in quote.lines] == [
        ("1 month", Decimal("100.00"))
    ]
    assert quote.note == Message("workways.monthly_price")


@pytest.mark.parametrize(
    "answer",
    [
        PRICE_UNAVAILABLE,
        httpx.Response(
            400,
            json={
                "retcode": -1,
                "message": "Price calculation not supported for room type: privateAccess",
            },
        ),
        httpx.Response(404, json={"retcode": -1, "message": "Room not found"}),
    ],
)
def test_no_price_from_workways_falls_back_to_the_catalogue(answer):
    adapter, _ = workways({"/api/room-price": answer})
    with pytest.raises(UnsupportedError):
        adapter.quote(ROOM, meeting())


def test_there_is_no_cancellation():
    adapter, fake = workways({})
    with pytest.raises(UnsupportedError):
        adapter.cancel(ROOM, meeting(), "507f191e810c19729de860ea")
    assert fake.calls == []


def test_reconcile_finds_our_meeting_in_the_feed_by_time_and_marker():
    other = (
        "UID:other@workways.com\nDTSTART:20251105T140000Z\nDTEND:20251105T150000Z\n"
        "SUMMARY:Someone else"
    )
    adapter, fake = workways({"/api/icsfeed": feed(other, ours())})
    result = adapter.find_existing(ROOM, meeting())
    assert fake.calls[0].url.params["rooms"] == ROOM_ID
    assert result.status == "confirmed" and result.reference == "meeting123"
    assert result.valid_from == START


@pytest.mark.parametrize(
    "events",
    [
        [],
        # same time, someone else's meeting (no marker)
        ["UID:x@workways.com\nDTSTART:20251105T140000Z\nDTEND:20251105T150000Z\nSUMMARY:X"],
        [ours(uid="another-booking")],
        [ours(start="20251105T133000Z")],  # another time
    ],
)
def test_reconcile_finds_nothing_that_is_not_this_booking(events):
    adapter, _ = workways({"/api/icsfeed": feed(*events)})
    assert adapter.find_existing(ROOM, meeting()) is None


def test_reconcile_of_an_inquiry_reads_user_info():
    adapter, fake = workways({"/api/user-info": user(mailValid=False)})
    result = adapter.find_existing(OFFICE, inquiry())
    assert fake.calls[0].url.params["email"] == "jean.dupont@acme.com"
    assert result.status == "awaiting_registration"
    assert result.reference == "507f191e810c19729de860ea"
    missing = httpx.Response(404, json={"retcode": -1, "message": "User not found"})
    adapter, _ = workways({"/api/user-info": missing})
    assert adapter.find_existing(OFFICE, inquiry()) is None


def test_refresh_confirms_a_request_once_its_meeting_is_in_the_feed():
    adapter, _ = workways({"/api/icsfeed": feed(ours(uid="", meeting_id="req42"))})
    result = adapter.refresh(ROOM, meeting(), "req42")
    assert result.status == "confirmed" and result.reference == "req42"


def test_refresh_keeps_waiting_while_the_member_has_not_registered(monkeypatch):
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    request = meeting(start=future, end=future + dt.timedelta(hours=1))
    adapter, _ = workways(
        {"/api/icsfeed": feed(), "/api/user-info": user(role="temp", organizationId=None)}
    )
    result = adapter.refresh(ROOM, request, "req42")
    assert result.status == "awaiting_registration"
    assert "register your company" in str(result.next_step)
    adapter, _ = workways({"/api/icsfeed": feed(), "/api/user-info": user(mailValid=False)})
    result = adapter.refresh(ROOM, request, "req42")
    assert result.status == "awaiting_registration" and "validation link" in str(result.next_step)
    assert result.identity["organization_id"] == "507f191e810c19729de860ea"


def test_refresh_of_a_validated_member_without_the_meeting_tells_staff():
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    request = meeting(start=future, end=future + dt.timedelta(hours=1))
    adapter, _ = workways({"/api/icsfeed": feed(), "/api/user-info": user()})
    result = adapter.refresh(ROOM, request, "req42")
    assert result.status == "awaiting_approval" and "req42" in result.staff_action


def test_refresh_rejects_an_archived_account_or_an_expired_request():
    adapter, _ = workways(
        {"/api/icsfeed": feed(), "/api/user-info": user(isOrganizationArchived=True)}
    )
    with pytest.raises(RejectedError, match="archived"):
        adapter.refresh(ROOM, meeting(), "req42")
    adapter, _ = workways(
        {"/api/icsfeed": feed(), "/api/user-info": user(role="temp", organizationId=None)}
    )
    with pytest.raises(RejectedError, match="did not confirm"):
        adapter.refresh(ROOM, meeting(), "req42")  # 2025: long past


def test_refresh_of_an_inquiry_follows_the_organization():
    org = {
        "retcode": 1,
        "message": "OK",
        "data": {"_id": "507f191e810c19729de860ea", "isArchived": False, "allocatedRooms": []},
    }
    adapter, _ = workways({"/api/organization-info": org, "/api/user-info": user()})
    result = adapter.refresh(OFFICE, inquiry(), "507f191e810c19729de860ea")
    assert result.status == "awaiting_approval" and result.staff_action
    org["data"]["allocatedRooms"] = [{"_id": OFFICE.raw["room_id"], "name": "Office"}]
    adapter, _ = workways({"/api/organization-info": org})
    assert adapter.refresh(OFFICE, inquiry(), "507f191e810c19729de860ea").status == "confirmed"


# --- (2) against the sandbox ------------------------------------------------------------

LIFFEY = "f8d04b82e7891f72abe1c7d5"  # Dublin, publicMeeting, 09:00-18:00, 60/480/30
CANAL_OFFICE = "456d98dd5bb247f6a770a7f5"  # Dublin, publicOffice without hours: monthly
DOCKLANDS = "9a3fa38b666928e9976bed86"


@pytest.fixture
def state(sandbox):
    return sandbox.store.data["providers"]["workways"]


@pytest.fixture
def account(sandbox_accounts):
    [account] = sandbox_accounts["workways"]
    return account


@pytest.fixture
def adapter(account, sandbox_transport):
    with adapter_for(account, transport=sandbox_transport) as adapter:
        yield adapter


@pytest.fixture
def extras(sandbox):
    return sandbox.print_config("http://127.0.0.1:8001")["workways"]


def liffey() -> ItemRef:
    return ItemRef(
        external_id=LIFFEY,
        kind="meeting_room",
        timezone="Europe/Dublin",
        space_external_id=DOCKLANDS,
        raw={"room_id": LIFFEY, "site_id": DOCKLANDS, "type": "publicMeeting"},
        rules={"windows": {"weekdays": [{"from": "09:00", "to": "18:00"}]}},
    )


def canal_office() -> ItemRef:
    return ItemRef(
        external_id=CANAL_OFFICE,
        kind="private_office",
        timezone="Europe/Dublin",
        space_external_id=DOCKLANDS,
        raw={"room_id": CANAL_OFFICE, "site_id": DOCKLANDS, "type": "publicOffice"},
    )


def free_weekday(sandbox, days_ahead: int = 3) -> dt.date:
    day = sandbox.store.today + dt.timedelta(days=days_ahead)
    while day.weekday() > 3:  # Monday to Thursday: no seeded meeting at 15:00
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), DUBLIN)


def room_request(uid, customer, start, minutes=60, **kw) -> BookingRequest:
    return BookingRequest(
        uid=uid,
        kind="room",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        customer=customer,
        **kw,
    )


def meetings_at(state, room_id, start) -> list[dict]:
    when = start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [m for m in state["meetings"] if m["roomId"] == room_id and m["start"] == when]


def validate_email(transport, email: str) -> dict:
    with httpx.Client(transport=transport) as client:
        answer = client.post(
            "http://127.0.0.1:8001/workways/_sandbox/validate-email", json={"email": email}
        )
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def sarah(extras) -> Customer:
    return Customer(extras["known_member_email"], "Sarah", "Murphy", phone="+353 1 555 0101")


def test_sandbox_a_known_member_books_and_the_slot_is_taken(sandbox, state, adapter, extras):
    start = at(free_weekday(sandbox), 15)
    request = room_request("uid-known", sarah(extras), start, title="Planning")
    assert adapter.find_existing(liffey(), request) is None  # never sent
    result = adapter.submit(liffey(), request)
    assert result.status == "confirmed"
    [held] = meetings_at(state, LIFFEY, start)
    assert held["_id"] == result.reference and held["status"] == "confirmed"
    assert held["contactEmail"] == extras["known_member_email"]
    day = adapter.day_facts(liffey(), start.date())
    assert (start, start + dt.timedelta(hours=1)) in day.busy
    found = adapter.find_existing(liffey(), request)
    assert found.status == "confirmed" and found.reference == result.reference
    other = room_request("uid-other", sarah(extras), start)
    assert adapter.find_existing(liffey(), other) is None  # same time, not this booking
    with pytest.raises(RejectedError) as caught:
        adapter.submit(liffey(), other)
    assert caught.value.code == "ROOM_OVERLAP"
    with pytest.raises(UnsupportedError):
        adapter.cancel(liffey(), request, result.reference)
    assert len(meetings_at(state, LIFFEY, start)) == 1


def test_sandbox_quote_agrees_with_the_sandboxs_price(sandbox, state, adapter, extras):
    start = at(free_weekday(sandbox), 10)
    room = next(r for r in state["rooms"] if r["_id"] == LIFFEY)
    for minutes in (60, 150, 300):
        quote = adapter.quote(liffey(), room_request("q", sarah(extras), start, minutes))
        assert quote.total == Decimal(str(meeting_price(room, minutes))).quantize(Decimal("0.01"))
    office = next(r for r in state["rooms"] if r["_id"] == CANAL_OFFICE)
    quote = adapter.quote(canal_office(), inquiry(sarah(extras)))
    assert quote.total == Decimal(office["pricePerMonth"]).quantize(Decimal("0.01"))


def test_sandbox_a_new_member_registers_validates_and_is_confirmed(
    sandbox, state, adapter, sandbox_transport
):
    newcomer = Customer(
        "aoife@newco.ie", "Aoife", "Ryan", phone="+353 1 555 0199", company="NewCo Ltd"
    )
    start = at(free_weekday(sandbox), 15)
    request = room_request("uid-new", newcomer, start)
    result = adapter.submit(liffey(), request)
    assert result.status == "awaiting_registration"
    [pending] = meetings_at(state, LIFFEY, start)
    assert pending["_id"] == result.reference and pending["status"] == "pending"
    assert adapter.find_existing(liffey(), request) is None  # not in the feed
    # the duplicate rule the reconcile relies on: the same request, the same id
    assert adapter.submit(liffey(), request).reference == result.reference
    assert len(meetings_at(state, LIFFEY, start)) == 1
    assert adapter.refresh(liffey(), request, result.reference).status == ("awaiting_registration")
    registered = adapter.register(newcomer, meeting_id=result.reference)
    assert registered["status"] == "CREATED"
    org = next(o for o in state["organizations"] if o["_id"] == registered["organization_id"])
    assert org["name"] == "NewCo Ltd" and DOCKLANDS in org["memberOf"]
    still = adapter.refresh(liffey(), request, result.reference)
    assert still.status == "awaiting_registration" and "validation link" in str(still.next_step)
    validate_email(sandbox_transport, newcomer.email)
    done = adapter.refresh(liffey(), request, result.reference)
    assert done.status == "confirmed" and done.reference == result.reference


def test_sandbox_archived_and_too_soon(sandbox, adapter, extras):
    start = at(free_weekday(sandbox), 15)
    archived = Customer(extras["archived_member_email"], "Marc", "Dubois", phone="+32")
    with pytest.raises(RejectedError) as caught:
        adapter.submit(liffey(), room_request("uid-arch", archived, start))
    assert caught.value.code == "ARCHIVED" and "contact Workways" in str(caught.value.message)
    tomorrow = at(sandbox.store.today + dt.timedelta(days=1), 16)
    newcomer = Customer("late@example.com", "Late", "Comer", phone="+353")
    with pytest.raises(RejectedError, match="at least 2 days in advance"):
        adapter.submit(liffey(), room_request("uid-late", newcomer, tomorrow))


def test_sandbox_an_office_inquiry_registers_and_is_confirmed_when_allocated(
    state, adapter, account, sandbox_transport
):
    boss = Customer("boss@officeco.ie", "Orla", "Byrne", phone="+353 1 555 0123")
    request = inquiry(boss)
    assert adapter.find_existing(canal_office(), request) is None
    result = adapter.submit(canal_office(), request)
    assert result.status == "awaiting_registration"
    org = next(o for o in state["organizations"] if o["_id"] == result.reference)
    assert org["maxResidentUsers"] == 5 and DOCKLANDS in org["memberOf"]
    again = adapter.find_existing(canal_office(), request)
    assert again.status == "awaiting_registration" and again.reference == result.reference
    assert adapter.refresh(canal_office(), request, result.reference).status == (
        "awaiting_registration"
    )
    validate_email(sandbox_transport, boss.email)
    waiting = adapter.refresh(canal_office(), request, result.reference)
    assert waiting.status == "awaiting_approval"
    with httpx.Client(transport=sandbox_transport) as client:  # Workways signs the contract
        answer = client.post(
            f"{account.config['base_url']}/api/merge-contract",
            headers={"Authorization": f"Bearer {account.credentials['token']}"},
            json={"organizationId": result.reference, "roomsToAdd": [CANAL_OFFICE]},
        )
    assert answer.status_code == 200, answer.text
    assert adapter.refresh(canal_office(), request, result.reference).status == "confirmed"


# --- (3) through the booking lifecycle, on the sandbox -------------------------------------


class LosesAnswers(httpx.BaseTransport):
    """Forwards every request; for the first ``lose`` POSTs to ``path`` the answer is lost
    (httpx.ReadTimeout after the sandbox has acted)."""

    def __init__(self, inner: httpx.BaseTransport, path: str, lose: int = 1) -> None:
        self.inner, self.path, self.lose = inner, path, lose

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith(self.path) and self.lose:
            self.lose -= 1
            response.read()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


@pytest.fixture
def wire(sandbox_transport):
    """The transport the portal's adapters use (a test may wrap it)."""
    return {"transport": sandbox_transport}


@pytest.fixture
def synced(db, sandbox_accounts, wire, monkeypatch):
    from bookings.services import cancellation, quotes, registration, submission
    from providers import availability
    from providers import services as catalogue_services
    from providers.models import ProviderAccount

    real = adapter_for

    def patched(account, **kw):
        return real(account, transport=wire["transport"])

    for module in (quotes, submission, cancellation, registration):
        monkeypatch.setattr(module, "adapter_for", patched)
    monkeypatch.setattr(availability, "adapter_for", patched)
    monkeypatch.setattr(catalogue_services, "adapter_for", patched)
    [cfg] = sandbox_accounts["workways"]
    account = ProviderAccount.objects.create(
        kind=cfg.kind, name=cfg.name, config=cfg.config, credentials=cfg.credentials
    )
    assert catalogue_services.sync_account(account).status == "success"
    from django.core.cache import cache

    cache.clear()
    yield account
    cache.clear()


def portal_member(email, first="Sarah", last="Murphy", **extra):
    from portal.models import User

    return User.objects.create_user(
        email=email,
        password="pw-member-123456",
        first_name=first,
        last_name=last,
        phone="+353 1 555 0101",
        **extra,
    )


def book_liffey(member, start):
    from bookings import rules
    from bookings import services as booking_services
    from providers.models import Resource

    room = Resource.objects.select_related("space__account").get(external_id=LIFFEY)
    return booking_services.booking_create_room(
        member=member,
        resource=room,
        start=start,
        end=start + dt.timedelta(hours=1),
        attendees=rules.limits(room).fewest,  # the room's minPerson
        title="Sync",
    )


@pytest.mark.django_db
def test_lifecycle_a_known_member_is_confirmed_and_a_new_one_registers(
    synced, sandbox, state, extras, sandbox_transport, client
):
    from bookings import services as booking_services
    from bookings.models import ProviderIdentity, Status

    day = free_weekday(sandbox)
    known = portal_member(extras["known_member_email"])
    booking = book_liffey(known, at(day, 14))
    assert booking_services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    [held] = meetings_at(state, LIFFEY, at(day, 14))
    assert booking.provider_reference == held["_id"] and held["status"] == "confirmed"

    newcomer = portal_member("aoife@newco.ie", "Aoife", "Ryan", company="NewCo Ltd")
    booking = book_liffey(newcomer, at(day, 16))
    assert booking_services.submit(booking.pk) == Status.AWAITING_REGISTRATION
    booking.refresh_from_db()
    [pending] = meetings_at(state, LIFFEY, at(day, 16))
    assert booking.provider_reference == pending["_id"] and pending["status"] == "pending"
    assert "register your company" in booking.next_step_text
    identity = ProviderIdentity.objects.get(member=newcomer, account=synced)
    assert identity.data["meeting_request_id"] == pending["_id"]

    # the member registers their organization from the booking page...
    from django.urls import reverse

    client.force_login(newcomer)
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "Register your organization" in page
    response = client.post(
        reverse("register_organization", args=[booking.pk]),
        {"company": "NewCo Ltd", "residents": "3"},
        follow=True,
    )
    assert response.status_code == 200
    [org] = [o for o in state["organizations"] if o["name"] == "NewCo Ltd"]
    identity.refresh_from_db()
    assert identity.data.get("organization_id") == org["_id"]
    assert "organization registration sent" in booking.events.values_list("reason", flat=True)
    # ...validates the email Workways sends, and the periodic refresh confirms the booking
    assert booking_services.refresh_from_provider(booking) is False  # still waiting
    validate_email(sandbox_transport, "aoife@newco.ie")
    assert booking_services.refresh_from_provider(booking) is True
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


@pytest.mark.django_db
def test_lifecycle_an_office_inquiry_registers_the_organization(synced, sandbox, state):
    from bookings import services as booking_services
    from bookings.models import ProviderIdentity, Status
    from providers.models import Offer

    office = Offer.objects.select_related("space__account").get(external_id=CANAL_OFFICE)
    member = portal_member("orla@officeco.ie", "Orla", "Byrne", company="OfficeCo")
    booking = booking_services.booking_create_inquiry(
        member=member,
        offer=office,
        day=sandbox.store.today + dt.timedelta(days=7),
        message="An office for three from next month",
        persons=3,
    )
    assert booking_services.submit(booking.pk) == Status.AWAITING_REGISTRATION
    booking.refresh_from_db()
    org = next(o for o in state["organizations"] if o["_id"] == booking.provider_reference)
    assert org["name"] == "OfficeCo" and org["maxResidentUsers"] == 3
    identity = ProviderIdentity.objects.get(member=member, account=synced)
    assert identity.data["organization_id"] == org["_id"]


@pytest.mark.django_db
def test_lifecycle_a_transient_fault_retries_and_books_once(synced, sandbox, state, extras):
    from bookings import services as booking_services
    from bookings.models import Status

    start = at(free_weekday(sandbox), 11)
    booking = book_liffey(portal_member(extras["known_member_email"]), start)
    sandbox.apply_faults({"workways": {"error_rate": 1}})
    with pytest.raises(booking_services.Retry):
        booking_services.submit(booking.pk)
    assert meetings_at(state, LIFFEY, start) == []
    sandbox.faults.clear()
    assert booking_services.submit(booking.pk) == Status.CONFIRMED
    [held] = meetings_at(state, LIFFEY, start)
    booking.refresh_from_db()
    assert booking.provider_reference == held["_id"]


@pytest.mark.django_db
def test_lifecycle_a_lost_answer_is_reconciled_without_a_second_meeting(
    synced, sandbox, state, extras, wire, sandbox_transport
):
    from bookings import services as booking_services
    from bookings.models import Status

    start = at(free_weekday(sandbox), 12)
    booking = book_liffey(portal_member(extras["known_member_email"]), start)
    wire["transport"] = LosesAnswers(sandbox_transport, "/api/meeting-request")
    with pytest.raises(booking_services.Retry):
        booking_services.submit(booking.pk)
    [held] = meetings_at(state, LIFFEY, start)  # Workways booked it; we never heard
    assert booking_services.submit(booking.pk) == Status.CONFIRMED
    assert meetings_at(state, LIFFEY, start) == [held]
    booking.refresh_from_db()
    assert booking.provider_reference == held["_id"]
    events = list(booking.events.values_list("to_status", flat=True))
    assert events == ["pending", "submitting", "pending", "submitting", "confirmed"]


@pytest.mark.django_db
def test_lifecycle_a_lost_request_of_a_new_member_is_not_doubled(
    synced, sandbox, state, wire, sandbox_transport
):
    from bookings import services as booking_services
    from bookings.models import Status

    start = at(free_weekday(sandbox), 13)
    booking = book_liffey(portal_member("new@example.ie", "New", "Member"), start)
    wire["transport"] = LosesAnswers(sandbox_transport, "/api/meeting-request")
    with pytest.raises(booking_services.Retry):
        booking_services.submit(booking.pk)
    [pending] = meetings_at(state, LIFFEY, start)
    assert booking_services.submit(booking.pk) == Status.AWAITING_REGISTRATION
    assert meetings_at(state, LIFFEY, start) == [pending]  # the same request, the same id
    booking.refresh_from_db()
    assert booking.provider_reference == pending["_id"]


def test_an_office_booked_by_the_hour_is_priced_from_the_catalogue(adapter, extras, sandbox):
    hot_desk = ItemRef(
        external_id="c5c29a6812db6e07f823af87",
        kind="office",
        timezone="Europe/Dublin",
        space_external_id=DOCKLANDS,
        raw={"room_id": "c5c29a6812db6e07f823af87", "site_id": DOCKLANDS, "type": "publicOffice"},
    )
    start = at(free_weekday(sandbox), 9)
    with pytest.raises(UnsupportedError):  # room-price prices publicOffice by the month only
        adapter.quote(hot_desk, room_request("q", sarah(extras), start, 240))
