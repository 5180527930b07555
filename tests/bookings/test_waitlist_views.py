"""The waitlist's pages: join from a room, a pass or a search; bad input is a 4xx with
the reason on the form; "My waitlist" lists only the member's entries; another member
cannot drop yours (404); dropping needs POST and the CSRF token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from bookings.models import WaitlistEntry, WaitlistState
from portal.models import User
from tests.bookings.conftest import DUBLIN

pytestmark = pytest.mark.django_db

DAY = (dt.datetime.now(DUBLIN) + dt.timedelta(days=3)).date()


@pytest.fixture
def client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def room_form(room, **changes) -> dict:
    return {
        "resource": room.pk,
        "date": DAY.isoformat(),
        "start": "14:00",
        "end": "16:00",
        "people": "2",
        **changes,
    }


def test_a_member_joins_from_a_room_and_sees_it_on_my_waitlist(client, member, room):
    page = client.get(f"/waitlist/new/?resource={room.pk}")
    assert page.status_code == 200
    assert room.name in page.content.decode()
    response = client.post("/waitlist/new/", room_form(room), follow=True)
    assert response.redirect_chain[-1][0] == "/waitlist/"
    body = response.content.decode()
    assert "You are on the waitlist" in body
    assert room.name in body and "14:00\u201316:00" in body
    [entry] = WaitlistEntry.objects.filter(member=member)
    assert (entry.resource, entry.people, entry.state) == (room, 2, WaitlistState.WAITING)


def test_a_search_with_nothing_free_prefills_the_form(client, room):
    query = f"city=Dublin&date={DAY.isoformat()}&start=14:00&end=16:00&people=3&kind=meeting_room"
    page = client.get(f"/waitlist/new/?{query}").content.decode()
    assert 'value="Dublin"' in page and 'value="3"' in page and 'value="14:00"' in page
    response = client.post(
        "/waitlist/new/",
        {
            "city": "Dublin",
            "date": DAY.isoformat(),
            "start": "14:00",
            "end": "16:00",
            "people": "3",
            "kind": "meeting_room",
            "max_price": "80",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.city, entry.kind, str(entry.max_price)) == ("Dublin", "meeting_room", "80.00")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "13:00"}, "The end must be after the start."),
        ({"people": "0"}, "greater than or equal to 1"),
        ({"people": "many"}, "Enter a whole number."),
        ({"date": "tomorrow"}, "Enter a valid date."),
        ({"date": "2001-01-01"}, "That time has started already"),
        ({"date": "2999-01-01"}, "Pick a day within a year."),
        ({"max_price": "-5"}, "greater than or equal to 0"),
        ({"currency": "XXX"}, "Select a valid choice."),
        ({"kind": "castle", "resource": "", "city": "Dublin"}, "Select a valid choice."),
        ({"resource": "", "city": "", "q": ""}, "Say where: a city or a place name."),
        ({"resource": "", "city": "Atlantis"}, "No space we list matches that place."),
        ({"end": "", "minutes": ""}, "Give an end time or a length."),
    ],
)
def test_bad_input_is_a_4xx_with_the_reason(client, member, room, changes, message):
    response = client.post("/waitlist/new/", room_form(room, **changes))
    assert 400 <= response.status_code < 500
    assert message in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_an_unknown_room_is_404(client, room):
    assert client.get("/waitlist/new/?resource=999999").status_code == 404
    assert client.post("/waitlist/new/", room_form(room, resource="abc")).status_code == 404


def test_the_same_wait_twice_is_one_entry(client, room):
    client.post("/waitlist/new/", room_form(room))
    response = client.post("/waitlist/new/", room_form(room), follow=True)
    assert "You were on this waitlist already." in response.content.decode()
    assert WaitlistEntry.objects.count() == 1


def test_too_many_entries_are_refused(client, room, settings):
    settings.WAITLIST_MAX_ENTRIES = 1
    client.post("/waitlist/new/", room_form(room))
    response = client.post("/waitlist/new/", room_form(room, start="17:00", end="18:00"))
    assert response.status_code == 409
    assert "drop one first" in response.content.decode()


def test_another_member_cannot_see_or_drop_your_entry(client, member, room):
    client.post("/waitlist/new/", room_form(room))
    entry = WaitlistEntry.objects.get()
    other = User.objects.create_user(email="other@example.com", password="pw-other-123")
    theirs = Client()
    theirs.force_login(other)
    assert room.name not in theirs.get("/waitlist/").content.decode()
    assert theirs.post(f"/waitlist/{entry.pk}/drop/").status_code == 404
    entry.refresh_from_db()
    assert entry.state == WaitlistState.WAITING


def test_the_member_drops_an_entry_with_post_and_csrf(member, room):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    page = strict.get(f"/waitlist/new/?resource={room.pk}")
    token = page.cookies["csrftoken"].value
    strict.post("/waitlist/new/", {**room_form(room), "csrfmiddlewaretoken": token})
    entry = WaitlistEntry.objects.get()
    assert strict.get(f"/waitlist/{entry.pk}/drop/").status_code == 405
    assert strict.post(f"/waitlist/{entry.pk}/drop/").status_code == 403  # no token
    response = strict.post(
        f"/waitlist/{entry.pk}/drop/", {"csrfmiddlewaretoken": token}, follow=True
    )
    assert "Dropped from your waitlist." in response.content.decode()
    assert "You are not waiting for anything." in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == WaitlistState.DROPPED
    assert (
        strict.post(f"/waitlist/{entry.pk}/drop/", {"csrfmiddlewaretoken": token}).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_log_in(room):
    response = Client().get("/waitlist/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_pass_waits_for_a_whole_day(client, member, day_pass):
    page = client.get(f"/waitlist/new/?offer={day_pass.pk}&date={DAY.isoformat()}").content.decode()
    assert 'name="start"' not in page
    response = client.post(
        "/waitlist/new/", {"offer": day_pass.pk, "date": DAY.isoformat(), "people": "1"}
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert entry.offer == day_pass and entry.start_time is None


def test_a_search_with_nothing_free_offers_the_waitlist_with_its_question(client, room):
    asked = f"city=Dublin&date={DAY.isoformat()}&start=14:00&end=16:00&people=3"
    page = client.get(f"/spaces/?{asked}").content.decode()
    assert "Nothing bookable is free at that time." in page
    assert "Tell me when something matching frees up" in page
    assert "/waitlist/new/?city=Dublin&amp;date=" in page


@pytest.mark.parametrize("raw", [str(10**30), str(2**63), "0", "-1", "1e9"])
def test_an_id_out_of_range_is_404_not_500(client, raw):
    client.raise_request_exception = False
    assert client.get(f"/waitlist/new/?resource={raw}").status_code == 404
    assert client.get(f"/waitlist/new/?offer={raw}").status_code == 404


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_days_at_the_ends_of_the_calendar_are_refused(client, room, day):
    client.raise_request_exception = False
    response = client.post("/waitlist/new/", room_form(room, date=day))
    assert response.status_code == 400


def test_a_room_form_ignores_a_searchs_place_left_in_the_address(client, room):
    page = client.get(f"/waitlist/new/?resource={room.pk}&city=Lisbon&kind=day_pass")
    assert 'name="city"' not in page.content.decode()
    response = client.post("/waitlist/new/", room_form(room, city="Lisbon", kind="day_pass"))
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.resource, entry.city, entry.kind) == (room, "", "")


def test_my_waitlist_shows_each_entry_in_one_query(client, member, room, day_pass):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post("/waitlist/new/", room_form(room))
    client.post("/waitlist/new/", {"offer": day_pass.pk, "date": DAY.isoformat(), "people": "1"})
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/waitlist/").content.decode()
    for item in (room, day_pass):
        assert f"{item.name}, {item.space.name}" in page
    assert len([q for q in queries if "waitlist" in q["sql"]]) == 1
    assert not [q for q in queries if '"providers_' in q["sql"] and "waitlist" not in q["sql"]]
