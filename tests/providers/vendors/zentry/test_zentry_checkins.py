"""Zentry check-in and check-out (CheckIns API, ``003_c7b0553c6c4180e6.txt``): the
document's bodies and answers faked at the transport; the sandbox path is
tests/bookings/test_checkins.py."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
import respx

from providers.adapters.errors import (
    MalformedResponseError,
    NotFoundError,
    RejectedError,
    TransientError,
)
from tests.providers.vendors.zentry.test_zentry_booking import (
    CI,
    ROOM,
    adapter,
    problem,
    room_request,
)

RESERVATION_ID = "926d3163ee1ffbbdb47b6a76"  # doc: CreateCheckInRequest example
# doc: the CheckIn example (timeIn / timeOut moved to 2030-01-08, New York 10:05 / 11:40)
DOC_CHECK_IN = {
    "id": "184d3163ee1ffbbdb38b6c07",
    "dateCreated": "2030-01-08T15:05:00Z",
    "dateUpdated": "2030-01-08T15:05:00Z",
    "userId": "926d3163ee1ffbbdb47b6a76",
    "locationId": "686d3163ee1ffbbdb38b6a74",
    "workspaceId": "526d3163ee1ffbbdb38b6v02",
    "tenantId": "184d3163ee1ffbbdb38b6c07",
    "employerId": "string",
    "reservationDate": "2030-01-08T15:00:00Z",
    "reservationType": "Room",
    "timeIn": "2030-01-08T15:05:00Z",
    "checkInGeo": None,
    "timeOut": None,
    "checkOutGeo": None,
    "checkedInByUserId": "string",
    "checkedOutByUserId": None,
    "price": 10000,
    "tokenCost": 10,
    "paymentId": "187g3163ee1ffbbdb38b8x09",
    "isMarketplace": True,
}


@pytest.fixture
def zentry():
    with respx.mock(assert_all_called=False) as mock:
        yield mock


def test_check_in_sends_the_reservation_id_and_reads_the_check_in(zentry):
    route = zentry.post(f"{CI}/CheckIn/create").respond(200, json=DOC_CHECK_IN)
    result = adapter().check_in(ROOM, room_request(), RESERVATION_ID)
    assert json.loads(route.calls[0].request.content) == {"reservationId": RESERVATION_ID}
    assert route.calls[0].request.headers["Api-Key"]
    assert result.reference == DOC_CHECK_IN["id"]
    assert result.time_in == dt.datetime(2030, 1, 8, 15, 5, tzinfo=dt.UTC)
    assert result.time_out is None


def test_check_out_names_the_check_in_and_reads_its_time_out(zentry):
    out = {**DOC_CHECK_IN, "timeOut": "2030-01-08T16:40:00Z"}
    route = zentry.post(f"{CI}/CheckIn/{DOC_CHECK_IN['id']}/check-out").respond(200, json=out)
    result = adapter().check_out(ROOM, DOC_CHECK_IN["id"])
    assert route.call_count == 1
    assert result.time_out == dt.datetime(2030, 1, 8, 16, 40, tzinfo=dt.UTC)


def test_a_refused_check_in_is_the_spaces_refusal_in_its_own_words(zentry):
    detail = "Check-in is only allowed on the day of the reservation (2030-01-08)."
    zentry.post(f"{CI}/CheckIn/create").respond(400, json=problem(400, detail))
    with pytest.raises(RejectedError) as caught:
        adapter().check_in(ROOM, room_request(), RESERVATION_ID)
    assert caught.value.message == detail


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(404, json=problem(404, "CheckIn not found", "Not Found")), NotFoundError),
        (httpx.Response(503, text="unavailable"), TransientError),
        (httpx.Response(200, json={"timeIn": "2030-01-08T15:05:00Z"}), MalformedResponseError),
    ],
)
def test_check_out_faults_and_answers_without_an_id(zentry, answer, error):
    zentry.post(f"{CI}/CheckIn/abc/check-out").mock(return_value=answer)
    with pytest.raises(error):
        adapter(sleep=lambda s: None).check_out(ROOM, "abc")
