"""Bad input is answered with a 4xx and a message a member can read, never a 500 (issue
14): dates and times out of range, control characters in one-line text, cancelling a
booking that is over, one member holding a room all day, and the API's errors as its
schema says."""

from __future__ import annotations

import datetime as dt
import pathlib
import smtplib
import zoneinfo

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from bookings import services, tasks
from bookings.models import AvailabilityWindow, Booking, Status
from providers.models import Offer
from tests.bookings.conftest import (
    day_pass,  # noqa: F401 - fixtures used by name
    member,  # noqa: F401
    provider,  # noqa: F401
    room,  # noqa: F401
    tomorrow_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(member, settings):  # noqa: F811
    """The member's browser against the production profile: a crash is a 500 page, as a
    member would see it, not an exception in the test."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(member)
    return client


@pytest.fixture
def office(room):  # noqa: F811
    """A Workways office: asked for by an inquiry (monthly contracts, seed 001)."""
    return Offer.objects.create(
        space=room.space, external_id="a-office", name="Canal office", kind="private_office"
    )


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)


# --- dates and times out of range -------------------------------------------------------

FAR = "at most a year ahead"
PAST = "in the past"
ROOM, PASS, OFFICE = "room", "pass", "office"

OUT_OF_RANGE = [
    # (the item, method, URL name, parameters, a phrase of the message)
    (ROOM, "get", "book_resource", {"start": "0001-01-01T00:00:00+14:00"}, PAST),
    (ROOM, "get", "book_resource", {"start": "9999-12-31T23:30"}, FAR),
    (
        ROOM,
        "get",
        "book_resource",
        {"start": "9999-12-31T23:30", "minutes": 60, "attendees": 1},
        FAR,
    ),
    (
        ROOM,
        "get",
        "book_resource",
        {"start": "0001-01-01T00:00:00+14:00", "minutes": 60, "attendees": 1},
        PAST,
    ),
    (
        ROOM,
        "post",
        "book_resource",
        {"start": "9999-12-31T23:30", "minutes": 60, "attendees": 1, "confirm": "1"},
        FAR,
    ),
    (PASS, "get", "book_offer", {"date": "9999-12-01", "days": 31, "persons": 1}, FAR),
    (PASS, "get", "book_offer", {"date": "0001-01-01", "days": 1, "persons": 1}, PAST),
    (PASS, "get", "book_offer", {"date": "9999-12-31"}, FAR),
    (
        PASS,
        "post",
        "book_offer",
        {"date": "9999-12-31", "days": 1, "persons": 1, "confirm": "1"},
        FAR,
    ),
    (
        OFFICE,
        "post",
        "book_offer",
        {"date": "9999-12-31", "persons": 1, "message": "A desk for two", "confirm": "1"},
        FAR,
    ),
    (
        OFFICE,
        "post",
        "book_offer",
        {"date": "0001-01-01", "persons": 1, "message": "A desk for two", "confirm": "1"},
        PAST,
    ),
    (ROOM, "get", "api_slots", {"date": "9999-12-31"}, "more than a year ahead"),
    (ROOM, "get", "resource_day", {"date": "0001-01-01"}, "more than a year ago"),
    (ROOM, "get", "resource_day", {"date": "9999-12-31"}, "more than a year ahead"),
    (PASS, "get", "api_offer_days", {"from": "9999-12-30", "to": "9999-12-31"}, "a year ahead"),
    (PASS, "get", "api_offer_days", {"from": "9999-12-31"}, "a year ahead"),
    (None, "get", "api_search", {"date": "9999-12-31"}, "within a year"),
    (None, "get", "api_search", {"offset": "99999999999999999999"}, "less than or equal"),
    (None, "get", "api_spaces", {"date": "9999-12-31"}, "within a year"),
    (None, "get", "space_list", {"date": "9999-12-31"}, "within a year"),
]


@pytest.mark.parametrize(
    ("what", "method", "name", "params", "message"),
    OUT_OF_RANGE,
    ids=[f"{m}-{n}-{'&'.join(f'{k}={v}' for k, v in p.items())}" for _, m, n, p, _ in OUT_OF_RANGE],
)
def test_a_date_out_of_range_is_a_4xx_with_a_message_not_a_500(
    browser,
    room,  # noqa: F811
    day_pass,  # noqa: F811
    office,
    provider,  # noqa: F811
    what,
    method,
    name,
    params,
    message,
):
    item = {ROOM: room, PASS: day_pass, OFFICE: office}.get(what)
    url = reverse(name, args=[item.pk]) if item else reverse(name)
    response = getattr(browser, method)(url, params)
    assert response.status_code == 400, response.content.decode()[:2000]
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_a_search_page_far_past_the_last_is_an_empty_page_not_a_500(browser, room):  # noqa: F811
    day = dt.date.today() + dt.timedelta(days=1)
    zone = zoneinfo.ZoneInfo(room.space.timezone)
    AvailabilityWindow.objects.create(
        resource=room,
        space=room.space,
        day=day,
        start=dt.datetime.combine(day, dt.time(8), zone),
        end=dt.datetime.combine(day, dt.time(20), zone),
        timezone=room.space.timezone,
        state="free",
        fetched_at=dt.datetime.now(dt.UTC),
        source="test",
    )
    query = {"date": day.isoformat(), "start": "10:00", "minutes": 60}
    assert room.name in browser.get("/", query).content.decode()  # the search finds the room
    far = browser.get("/", {**query, "page": "9" * 30})
    assert far.status_code == 200
    assert room.name not in far.content.decode()


# --- control characters in one-line text ----------------------------------------------

ONE_LINE = "Write this on one line"
BROKEN_LINES = ["Team\nsync", "Team\r\nBcc: someone@example.com", "Team\u2028sync", "Team\x1bsync"]


@pytest.mark.parametrize("title", BROKEN_LINES, ids=repr)
def test_a_title_with_a_line_break_is_refused_on_the_form(
    browser,
    room,  # noqa: F811
    provider,  # noqa: F811
    title,
):
    start = tomorrow_at(10).isoformat()
    data = {"start": start, "minutes": 60, "attendees": 1, "title": title, "confirm": "1"}
    response = browser.post(reverse("book_resource", args=[room.pk]), data)
    assert response.status_code == 400
    assert ONE_LINE in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("field", ["first_name", "last_name", "phone", "company"])
def test_profile_fields_sent_to_providers_are_one_line(browser, member, field):  # noqa: F811
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "phone": member.phone,
        "company": "",
        "language": "en",
        "timezone": "Europe/Dublin",
        field: "Acme\nLtd",
    }
    response = browser.post(reverse("profile"), data)
    assert response.status_code == 400
    assert ONE_LINE in response.content.decode()
    member.refresh_from_db()
    assert "\n" not in getattr(member, field)


@pytest.fixture
def email_worker(monkeypatch):
    """Each email task runs as a worker would (``apply``: its retries too); the results."""
    results: list = []
    backend = str(tasks.send_email.app.conf.result_backend or "")
    if backend.startswith("file://"):  # the embedded result store, made by a worker's start
        pathlib.Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(
        tasks.send_email, "delay", lambda *args: results.append(tasks.send_email.apply(args))
    )
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)
    return results


def _confirm(member, room, title=""):  # noqa: F811
    booking = services.booking_create_room(
        member=member, resource=room, start=tomorrow_at(10), end=tomorrow_at(11), title=title
    )
    services.submit(booking.pk)
    return booking


def test_a_title_saved_with_a_line_break_still_gets_its_email(
    member,  # noqa: F811
    room,  # noqa: F811
    provider,  # noqa: F811
    email_worker,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create_room(
            member=member, resource=room, start=tomorrow_at(10), end=tomorrow_at(11)
        )
        # written before line breaks were refused (or by staff in the admin)
        Booking.objects.filter(pk=booking.pk).update(title="Team\r\nsync")
        services.submit(booking.pk)
    assert [r.successful() for r in email_worker] == [True]
    (message,) = mail.outbox
    # the room keeps its name beside the title (Booking.what)
    assert message.subject == f"Confirmed: Team sync · {room.name} at {room.space.name}"


def test_a_title_with_a_line_break_reaches_the_provider_on_one_line(
    member,  # noqa: F811
    room,  # noqa: F811
    provider,  # noqa: F811
    email_worker,
):
    booking = services.booking_create_room(
        member=member, resource=room, start=tomorrow_at(10), end=tomorrow_at(11), title="A\n\tB"
    )
    services.submit(booking.pk)
    assert booking.title == "A B"
    assert [request.title for request in provider.submitted] == ["A B"]


@pytest.mark.parametrize(
    "fault",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError("the mail server is down"),
        OperationalError("database is locked"),
    ],
    ids=type,
)
def test_an_email_that_fails_for_a_moment_is_sent_by_a_retry(
    member,  # noqa: F811
    room,  # noqa: F811
    provider,  # noqa: F811
    email_worker,
    monkeypatch,
    django_capture_on_commit_callbacks,
    fault,
):
    real_send = EmailMessage.send
    faults = [fault, fault]

    def flaky_send(message, *args, **kwargs):
        if faults:
            raise faults.pop()
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(member, room)
    assert not faults  # it failed twice
    assert [r.successful() for r in email_worker] == [True]
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Confirmed"]


# --- cancelling a booking that is over ------------------------------------------------


def _over(member, room, status):  # noqa: F811
    end = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    return Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        start=end - dt.timedelta(hours=1),
        end=end,
        status=status,
        provider_reference="ref-1" if status != Status.PENDING else "",
    )


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.PENDING, Status.AWAITING_APPROVAL])
@pytest.mark.parametrize("staff", [False, True], ids=["member", "staff-member"])
def test_a_booking_that_is_over_cannot_be_cancelled_from_the_member_pages(
    browser,
    member,  # noqa: F811
    room,  # noqa: F811
    provider,  # noqa: F811
    status,
    staff,
):
    # staff who book for themselves use the member pages like anyone: the admin is where
    # they act as staff
    member.is_staff = staff
    member.save(update_fields=["is_staff"])
    booking = _over(member, room, status)
    page = browser.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert reverse("cancel_booking", args=[booking.pk]) not in page  # no button
    response = browser.post(reverse("cancel_booking", args=[booking.pk]))
    assert response.status_code == 409
    assert "This booking is over; it can no longer be cancelled." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == status
    assert provider.cancelled == []


# --- what one member may hold ----------------------------------------------------------


def _book_room(client, room, start_hour, end_hour, day=1):  # noqa: F811
    start = tomorrow_at(start_hour) + dt.timedelta(days=day - 1)
    data = {"start": start.isoformat(), "minutes": (end_hour - start_hour) * 60, "attendees": 1}
    return client.post(reverse("book_resource", args=[room.pk]), {**data, "confirm": "1"})


def test_one_member_cannot_hold_a_room_all_day_back_to_back(
    browser,
    client,
    room,  # noqa: F811
    provider,  # noqa: F811
    django_user_model,
):
    # the defaults: at most 8 hours of one room in one of its days
    assert _book_room(browser, room, 8, 12).status_code == 302
    assert _book_room(browser, room, 12, 16).status_code == 302
    preview = browser.get(
        reverse("book_resource", args=[room.pk]),
        {"start": tomorrow_at(16).isoformat(), "minutes": 60, "attendees": 1},
    )
    refused = _book_room(browser, room, 16, 17)
    for response in (preview, refused):
        assert response.status_code == 409
        assert "more than 8 hours of Boardroom on" in response.content.decode()
        assert "the most one member may book in a day" in response.content.decode()
    assert Booking.objects.count() == 2
    other = django_user_model.objects.create_user(
        email="noor@example.com", password="pw", first_name="Noor", last_name="B", phone="1"
    )
    client.force_login(other)
    assert _book_room(client, room, 16, 20).status_code == 302  # the room is still free


def test_one_member_holds_a_bounded_number_of_upcoming_bookings_of_a_room(
    browser,
    room,  # noqa: F811
    provider,  # noqa: F811
    settings,
):
    settings.MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM = 3
    for day in (1, 2, 3):
        assert _book_room(browser, room, 10, 11, day=day).status_code == 302
    response = _book_room(browser, room, 10, 11, day=4)
    assert response.status_code == 409
    assert "You already hold 3 upcoming bookings of Boardroom" in response.content.decode()
    # one that is cancelled no longer counts
    Booking.objects.filter(pk=Booking.objects.first().pk).update(status=Status.CANCELLED)
    assert _book_room(browser, room, 10, 11, day=4).status_code == 302


def test_one_member_holds_a_bounded_number_of_upcoming_passes(
    browser,
    day_pass,  # noqa: F811
    provider,  # noqa: F811
    settings,
):
    settings.MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM = 2
    url = reverse("book_offer", args=[day_pass.pk])
    first = dt.date.today() + dt.timedelta(days=2)
    days = [(first + dt.timedelta(days=n)).isoformat() for n in range(3)]
    once = {"days": 1, "persons": 1, "confirm": "1"}
    for day in days[:2]:
        assert browser.post(url, {"date": day, **once}).status_code == 302
    response = browser.post(url, {"date": days[2], **once})
    assert response.status_code == 409
    assert "You already hold 2 upcoming bookings of Day pass" in response.content.decode()


def test_the_member_limits_can_be_turned_off(
    browser,
    room,  # noqa: F811
    provider,  # noqa: F811
    settings,
):
    settings.MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM = 0
    settings.MEMBER_MAX_HOURS_PER_DAY_PER_ROOM = 0
    for start in (8, 12, 16):
        assert _book_room(browser, room, start, start + 4).status_code == 302


# --- the JSON API and its OpenAPI document agree ----------------------------------------


def _schema(client) -> dict:
    return client.get("/api/openapi.json").json()


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = document["components"]["schemas"][name]
    return schema


def _query_parameters(document: dict):
    for path, operations in document["paths"].items():
        for parameter in operations["get"]["parameters"]:
            if parameter["in"] == "query":
                yield path, parameter["name"], _resolve(document, parameter["schema"])


EMPTY = [
    ("api_spaces", None, "date"),
    ("api_spaces", None, "limit"),
    ("api_spaces", None, "city"),
    ("api_search", None, "date"),
    ("api_search", None, "q"),
    ("api_slots", ROOM, "date"),
    ("api_offer_days", PASS, "from"),
    ("api_offer_days", PASS, "to"),
]


@pytest.mark.parametrize(("name", "what", "parameter"), EMPTY)
def test_an_empty_api_parameter_is_a_400_naming_it(
    client,
    room,  # noqa: F811
    day_pass,  # noqa: F811
    provider,  # noqa: F811
    name,
    what,
    parameter,
):
    item = {ROOM: room, PASS: day_pass}.get(what)
    url = reverse(name, args=[item.pk]) if item else reverse(name)
    response = client.get(url, {parameter: ""})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["parameter"] == parameter
    assert "empty" in response.json()["error"]


def test_the_schema_says_every_query_parameter_has_a_value_and_dates_are_days(client):
    document = _schema(client)
    parameters = list(_query_parameters(document))
    assert len(parameters) > 20
    for path, name, schema in parameters:
        if schema.get("type") == "string":
            assert schema.get("minLength", 0) >= 1 or "" not in schema.get("enum", [""]), (
                path,
                name,
            )
    dates = [(path, name, s) for path, name, s in parameters if name in ("date", "from", "to")]
    assert len(dates) == 5
    for path, name, schema in dates:
        assert schema["format"] == "date" and schema["minLength"] == 10, (path, name)


def test_the_schema_lists_the_days_the_server_accepts(
    client,
    room,  # noqa: F811
    provider,  # noqa: F811
):
    document = _schema(client)
    (days,) = {
        tuple(schema["enum"]) for _, name, schema in _query_parameters(document) if name == "date"
    }
    now = dt.datetime.now(dt.UTC)
    assert days[0] == (now + dt.timedelta(hours=14)).date().isoformat()  # today everywhere
    assert days[-1] == ((now - dt.timedelta(hours=12)).date() + dt.timedelta(days=366)).isoformat()
    # every day between: 365 or 366 of them (the two ends are 26 hours of zones apart)
    first = dt.date.fromisoformat(days[0])
    assert list(days) == [(first + dt.timedelta(days=i)).isoformat() for i in range(len(days))]
    assert len(days) in (365, 366)
    slots = reverse("api_slots", args=[room.pk])
    for day in (days[0], days[-1]):
        assert client.get(slots, {"date": day}).status_code == 200
    yesterday = (now - dt.timedelta(days=2)).date().isoformat()
    assert yesterday not in days
    refused = client.get(slots, {"date": yesterday})
    assert refused.status_code == 400
    assert refused.json() == {
        "error": refused.json()["error"],
        "parameter": "date",
    }
    assert "in the past" in refused.json()["error"]
    documented = document["paths"]["/api/resources/{id}/slots"]["get"]["responses"]["400"]
    error = _resolve(document, documented["content"]["application/json"]["schema"])
    assert error["required"] == ["error"] and "parameter" in error["properties"]
    assert "past" in documented["description"] and "year" in documented["description"]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/spaces/-1",
        "/api/resources/-1/slots?date=2030-01-01",
        "/api/offers/-1/days",
        "/api/spaces/99999999999999999999999",
        "/api/nothing-here",
    ],
)
def test_every_api_path_answers_json_errors(settings, path, debug):
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] in ("not found", "no such space")


def test_a_method_the_api_does_not_take_is_a_json_405(client):
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"] == "application/json"
    assert "GET" in response.json()["error"]
