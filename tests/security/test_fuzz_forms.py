"""Fuzz of the HTML forms: the booking forms (room, pass, inquiry), search, sign-up and
profile, sent random and edge input (dates of year 1 and 9999, huge numbers, NUL,
newlines, right-to-left marks, markup), by GET and POST, plain and htmx. Whatever comes
in, the answer is never a 5xx: bad input is a message and a 4xx.

Bounded (``EXAMPLES`` per form) and derandomized: every run sends the same inputs. The
inputs the first probe found to be a 500 (an OverflowError) are kept as tests of their
own.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import World

pytestmark = pytest.mark.django_db

EXAMPLES = 50
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# --- inputs -------------------------------------------------------------------------------

EDGE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "two\nlines",
    "\r\nSubject: injected",
    "\u202egnp.exe",  # right-to-left override
    "\u200f\u200e",  # right-to-left and left-to-right marks
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n{0}{}",
    "x" * 5000,
    "😀" * 50,
]
# any text a browser can send (surrogates cannot be encoded, so no browser sends them)
TEXT = st.one_of(
    st.sampled_from(EDGE_TEXT),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
)
EDGE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "9999-12-01",
    "2000-02-30",
    "0000-00-00",
    "+10000-01-01",
    "2024-02-29",
    "today",
]


def _near_days() -> st.SearchStrategy[dt.date]:
    today = dt.date.today()
    return st.dates(today - dt.timedelta(days=30), today + dt.timedelta(days=400))


DATES = st.one_of(
    st.sampled_from(EDGE_DATES),
    _near_days().map(dt.date.isoformat),
    st.dates().map(dt.date.isoformat),
    TEXT,
)
ZONES = st.sampled_from(
    [None, dt.UTC, dt.timezone(dt.timedelta(hours=14)), dt.timezone(dt.timedelta(hours=-12))]
)
DATETIMES = st.one_of(
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "0001-01-01T00:00",
            "9999-12-31T23:30",
            "9999-12-31T23:59:59-12:00",
            "2030-01-01T10:00Z",
            "2030-02-30T10:00",
            "2030-01-01T25:00",
        ]
    ),
    st.builds(
        lambda day, hour, half, zone: dt.datetime.combine(
            day, dt.time(hour, half * 30), zone
        ).isoformat(),
        _near_days(),
        st.integers(0, 23),
        st.integers(0, 1),
        ZONES,
    ),
    st.datetimes(timezones=ZONES).map(dt.datetime.isoformat),
    TEXT,
)
NUMBERS = st.one_of(
    st.integers(-5, 300),
    st.integers(),
    st.sampled_from([0, -1, 10**30, 2**63, "1e9", "NaN", "inf", "1.5", " 7 ", "0x10"]),
    TEXT,
).map(str)
MAYBE = st.booleans()


def _query(**fields: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """Some of ``fields``: a form is sent with any of its fields left out."""
    return st.fixed_dictionaries({}, optional=fields)


# --- sending ---------------------------------------------------------------------------------


def _member(world: World) -> Client:
    client = Client()
    client.force_login(world.alice)
    return client


def _send(client: Client, method: str, path: str, data: dict, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        response = client.get(path, data, headers=headers)
    else:
        response = client.post(path, data, headers=headers)
    assert response.status_code < 500, f"{method} {path} {data!r}: {response.status_code}"
    return response


ROOM = _query(
    start=DATETIMES,
    minutes=NUMBERS,
    attendees=NUMBERS,
    title=TEXT,
    idempotency_key=st.one_of(st.uuids().map(str), TEXT),
    again=TEXT,
    confirm=st.just("1"),
)
PASS = _query(
    date=DATES,
    days=NUMBERS,
    persons=NUMBERS,
    idempotency_key=st.one_of(st.uuids().map(str), TEXT),
    accept_terms=TEXT,
    confirm=st.just("1"),
)
INQUIRY = _query(date=DATES, persons=NUMBERS, message=TEXT, confirm=st.just("1"))


@given(data=ROOM, method=st.sampled_from(["GET", "POST"]), htmx=MAYBE)
@FUZZ
def test_the_room_booking_form_takes_any_input(world, data, method, htmx):
    _send(_member(world), method, f"/resources/{world.room.pk}/book/", data, htmx)


@given(data=PASS, method=st.sampled_from(["GET", "POST"]), htmx=MAYBE)
@FUZZ
def test_the_pass_booking_form_takes_any_input(world, data, method, htmx):
    _send(_member(world), method, f"/offers/{world.day_pass.pk}/book/", data, htmx)


@given(data=INQUIRY, method=st.sampled_from(["GET", "POST"]), htmx=MAYBE)
@FUZZ
def test_the_inquiry_form_takes_any_input(world, data, method, htmx):
    _send(_member(world), method, f"/offers/{world.service.pk}/book/", data, htmx)


SEARCH = _query(
    q=TEXT,
    city=TEXT,
    country=TEXT,
    kind=st.one_of(st.sampled_from(["meeting_room", "day_pass", "office"]), TEXT),
    capacity=NUMBERS,
    amenities=TEXT,
    max_price=NUMBERS,
    provider=st.one_of(st.sampled_from(["workways", "thia"]), TEXT),
    date=DATES,
    start=st.one_of(st.sampled_from(["09:00", "24:00", "23:59"]), TEXT),
    end=st.one_of(st.sampled_from(["18:00", "00:00"]), TEXT),
    minutes=NUMBERS,
    people=NUMBERS,
    sort=st.one_of(st.sampled_from(["start", "price", "distance"]), TEXT),
    near=st.one_of(st.sampled_from(["53.3,-6.2", "91,181", "nan,nan"]), TEXT),
    page=NUMBERS,
)


@given(
    data=SEARCH,
    path=st.sampled_from(["/", "/spaces/"]),
    signed_in=MAYBE,
    htmx=MAYBE,
)
@FUZZ
def test_search_takes_any_input(world, data, path, signed_in, htmx):
    _send(_member(world) if signed_in else Client(), "GET", path, data, htmx)


WAITLIST = _query(
    resource=st.one_of(st.just("ROOM"), NUMBERS),
    offer=st.one_of(st.just("PASS"), NUMBERS),
    q=TEXT,
    city=st.one_of(st.just("Dublin"), TEXT),
    kind=st.one_of(st.sampled_from(["meeting_room", "day_pass", "office"]), TEXT),
    date=DATES,
    start=st.one_of(st.sampled_from(["09:00", "24:00", "23:59", "00:00"]), TEXT),
    end=st.one_of(st.sampled_from(["18:00", "00:00", "23:59"]), TEXT),
    minutes=NUMBERS,
    people=NUMBERS,
    max_price=NUMBERS,
    max_total=NUMBERS,
    currency=st.one_of(st.sampled_from(["EUR", "USD", "XXX"]), TEXT),
)


@given(data=WAITLIST, method=st.sampled_from(["GET", "POST"]))
@FUZZ
def test_the_waitlist_form_takes_any_input(world, data, method):
    ids = {"ROOM": str(world.room.pk), "PASS": str(world.day_pass.pk)}
    data = {key: ids.get(value, value) for key, value in data.items()}
    _send(_member(world), method, "/waitlist/new/", data, htmx=False)


SIGNUP = _query(
    email=st.one_of(st.emails(), TEXT),
    first_name=TEXT,
    last_name=TEXT,
    password1=TEXT,
    password2=TEXT,
)


@given(data=SIGNUP)
@FUZZ
def test_sign_up_takes_any_input(world, data):
    _send(Client(), "POST", "/accounts/signup/", data, htmx=False)


PROFILE = _query(
    first_name=TEXT,
    last_name=TEXT,
    phone=st.one_of(st.sampled_from(["+33 6 12 34 56 78", "+" + "9" * 40]), TEXT),
    company=TEXT,
    language=st.one_of(st.sampled_from(["en", "fr"]), TEXT),
    timezone=st.one_of(st.sampled_from(["Europe/Paris", "Etc/GMT+12", "Mars/Olympus"]), TEXT),
    display_currency=st.one_of(st.sampled_from(["EUR", "USD"]), TEXT),
)


@given(data=PROFILE, next_url=st.one_of(st.just(""), TEXT, st.just("//evil.example/")))
@FUZZ
def test_the_profile_takes_any_input(world, data, next_url):
    client = _member(world)
    path = "/accounts/profile/?" + urlencode({"next": next_url})
    response = _send(client, "POST", path, data, htmx=False)
    if response.status_code == 302:  # saved: never sent to another site
        assert urlsplit(response["Location"]).netloc in ("", "testserver")
    _send(client, "GET", "/accounts/profile/", {}, htmx=False)  # the page shows what it saved


# --- the inputs that were a 500 (issue 14), now a 400 with a message ---------------------

PATHS = {
    "room": lambda w: f"/resources/{w.room.pk}/book/",
    "pass": lambda w: f"/offers/{w.day_pass.pk}/book/",
    "inquiry": lambda w: f"/offers/{w.service.pk}/book/",
}
WERE_500 = [
    ("room", "GET", {"start": "0001-01-01T00:00:00+14:00"}),
    ("room", "GET", {"start": "9999-12-31T23:30", "minutes": "60", "attendees": "1"}),
    ("pass", "GET", {"date": "9999-12-01", "days": "31", "persons": "1"}),
    ("pass", "GET", {"date": "9999-12-31", "days": "1", "persons": "1"}),
    ("inquiry", "POST", {"date": "9999-12-31", "persons": "1", "message": "Hi", "confirm": "1"}),
]


@pytest.mark.parametrize(("form", "method", "data"), WERE_500)
def test_dates_at_the_ends_of_the_calendar_are_refused(world, form, method, data):
    client = _member(world)
    client.raise_request_exception = False  # a 500 is the failure, not an exception
    response = _send(client, method, PATHS[form](world), data, htmx=False)
    assert response.status_code == 400
