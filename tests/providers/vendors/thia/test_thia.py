"""Thia adapter against the document's own example answers, faked at the transport."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from decimal import Decimal

import httpx
import pytest

from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    RejectedError,
    TransientError,
)
from providers.adapters.types import AccountConfig
from providers.ratelimit import LocalRateLimiter
from providers.vendors.thia.adapter import ThiaAdapter
from providers.vendors.thia.parsing import parse_timestamp

API_KEY = "pk_live_doc_example_7f3a"
API_SECRET = "sk_live_doc_example_91be"
BASE = "https://thia.work/api/v1/partner"
ACCOUNT = AccountConfig(
    kind="thia",
    name="Thia — Amazing",
    config={"base_url": BASE},
    credentials={"api_key": API_KEY, "api_secret": API_SECRET},
)

# --- the document's example answers (GET /space ... /space/legal) -----------------------

TS = "2024-01-10T09:00:00.000000Z"
AMENITIES = [
    {"id": 1, "name": "WiFi", "icon": "wifi"},
    {"id": 2, "name": "Coffee Machine", "icon": "coffee"},
    {"id": 3, "name": "Printer", "icon": "printer"},
    {"id": 4, "name": "Meeting Rooms", "icon": "meeting-room"},
    {"id": 5, "name": "Parking", "icon": "parking"},
]
SPACE = {
    "data": {
        "id": 1,
        "user_id": 1,
        "name": "Amazing Coworking Space",
        "subdomain": "amazing-space",
        "street": "123 Main Street",
        "latitude": "44.4268000",
        "longitude": "26.1025000",
        "phone": "+40123456789",
        "has_whatsapp": True,
        "whatsapp_group_url": "https://chat.whatsapp.com/example",
        "email": "contact@amazing-space.com",
        "facebook_messenger": "https://m.me/amazing-space",
        "slogan": "Where creativity meets productivity",
        "description": "A modern coworking space in the heart of the city designed to foster "
        "creativity and productivity for freelancers, startups, and established businesses alike.",
        "total_hot_desks": 20,
        "total_dedicated_desks": 10,
        "total_private_offices": 5,
        "total_meeting_rooms": 3,
        "logo": "/storage/logos/space-logo.png",
        "cover_photo": "/storage/photos/space-cover.jpg",
        "directions": "Take the elevator to the 3rd floor...",
        "directions_photo": "/storage/photos/directions.jpg",
        "wifi_network": "AmazingSpace_WiFi",
        "wifi_password": "welcome123",
        "amenities": AMENITIES,
        "website": "https://amazing-space.com",
        "facebook": "https://facebook.com/amazing-space",
        "instagram": "https://instagram.com/amazing-space",
        "linkedin": "https://linkedin.com/company/amazing-space",
        "twitter": "https://twitter.com/amazing_space",
        "verified_at": "2024-01-15T10:30:00.000000Z",
        "published_at": "2024-01-15T12:00:00.000000Z",
        "created_at": TS,
        "updated_at": "2024-01-20T14:30:00.000000Z",
        "country": {"id": 1, "name": "Romania"},
        "city": {"id": 1, "name": "Bucharest", "country": {"id": 1, "name": "Romania"}},
    }
}


def _hour(weekday, open_time, close_time, closed=False, non_stop=False):
    return {
        "id": weekday,
        "weekday": weekday,
        "open_time": open_time,
        "close_time": close_time,
        "closed": closed,
        "non_stop": non_stop,
        "created_at": TS,
        "updated_at": TS,
    }


HOURS = {
    "data": [
        _hour(1, "09:00:00", "18:00:00"),
        _hour(2, "09:00:00", "18:00:00"),
        _hour(3, None, None, non_stop=True),
        _hour(4, "09:00:00", "18:00:00"),
        _hour(5, "09:00:00", "18:00:00"),
        _hour(6, None, None, closed=True),
        _hour(7, None, None, closed=True),
    ]
}
PHOTOS = {
    "data": [
        {
            "id": n,
            "original_path": f"/storage/photos/spaces/1/original/photo-{n}.jpg",
            "thumbnail_path": f"/storage/photos/spaces/1/thumbnails/photo-{n}.jpg",
            "medium_path": f"/storage/photos/spaces/1/medium/photo-{n}.jpg",
            "order": n,
            "created_at": TS,
            "updated_at": TS,
        }
        for n in (1, 2, 3)
    ]
}
FEATURES = [
    "has_whiteboard",
    "has_projector",
    "has_monitor",
    "has_audio_conferencing_system",
    "has_video_conferencing_system",
    "has_catering",
    "has_tea_coffee",
    "has_privacy_screen",
    "has_air_conditioning",
    "has_heating",
    "has_security_lock",
    "has_natural_light",
]
MEETING_ROOMS = {
    "data": [
        {
            "id": 1,
            "name": "Conference Room A",
            "capacity": 12,
            "photo": "/storage/meeting-rooms/conference-room-a.jpg",
            "description": "A spacious conference room perfect for team meetings and "
            "presentations.",
            "available_from": "08:00:00",
            "available_to": "20:00:00",
            "features": {f: f != "has_catering" for f in FEATURES},
            "created_at": TS,
            "updated_at": TS,
        },
        {
            "id": 2,
            "name": "Small Meeting Room",
            "capacity": 4,
            "photo": None,
            "description": "Intimate meeting space for small team discussions.",
            "available_from": "09:00:00",
            "available_to": "18:00:00",
            "features": {
                f: f
                in {
                    "has_whiteboard",
                    "has_monitor",
                    "has_tea_coffee",
                    "has_air_conditioning",
                    "has_heating",
                    "has_natural_light",
                }
                for f in FEATURES
            },
            "created_at": TS,
            "updated_at": TS,
        },
    ]
}
AMENITIES_ANSWER = {
    "data": [
        *AMENITIES,
        {"id": 6, "name": "Kitchen", "icon": "kitchen"},
        {"id": 7, "name": "Reception", "icon": "reception"},
        {"id": 8, "name": "Security", "icon": "security"},
    ]
}


def _product(pid, name, price, seating, settings, **extra):
    names = {1: "Day Pass", 2: "Hot Desk", 3: "Dedicated Desk", 4: "Meeting/Event Room"}
    product = {
        "id": pid,
        "name": name,
        "price": price,
        "photo": None,
        "description": None,
        "disclaimer": None,
        "settings": settings,
        "access_type": "current_space",
        "accessible_spaces": None,
        "available_from": None,
        "is_promotion": False,
        "is_offer": False,
        "is_published": True,
        "position": pid,
        "seating_option": {"id": seating, "name": names.get(seating, "Private Office")},
        "created_at": TS,
        "updated_at": TS,
    }
    product.update(extra)
    return product


# The document's three products, word for word where it matters ...
DOC_PRODUCTS = [
    _product(
        1,
        "Hot Desk Monthly",
        "299.00",
        2,
        {"duration": 1, "duration_unit": 3, "weekdays": [1, 2, 3, 4, 5], "persons": 1,
         "meeting_room_hours": 10},
        photo="/storage/spaces/products/hot-desk-photo.jpg",
        description="Flexible workspace access with a monthly membership.",
        disclaimer="Subject to availability. 24-hour cancellation policy applies.",
        available_from="2024-02-01",
    ),
    _product(
        2,
        "Dedicated Desk Premium",
        "599.00",
        3,
        {"duration": 3, "duration_unit": 3, "weekdays": [1, 2, 3, 4, 5, 6, 7], "persons": 1,
         "meeting_room_hours": 20},
        access_type="selected_spaces",
        accessible_spaces=[1, 2, 5],
        is_offer=True,
    ),
    _product(
        3,
        "Day Pass",
        "35.00",
        1,
        {"duration": 1, "duration_type": 2, "persons": 1, "time_start": "09:00:00",
         "time_end": "18:00:00"},
        is_promotion=True,
    ),
]  # fmt: skip
# ... and, with the settings the document lists for other seating options, a private
# office and the meeting-room product 12 of the document's booking example.
EXTRA_PRODUCTS = [
    _product(
        5,
        "Private Office for 4",
        "1800.00",
        5,
        {"capacity": 4, "duration": 1, "duration_unit": 3, "meeting_room_hours": 20},
    ),
    _product(
        12,
        "Conference Room A (hourly)",
        "120.00",
        4,
        {"meeting_room_id": 1, "weekdays": [], "duration_unit": 1, "duration": 1},
    ),
    _product(
        13,
        "Hot Desk Annual",
        "2990.00",
        2,
        {"duration": 1, "duration_unit": 4, "weekdays": [], "persons": 1},
        is_published=False,
    ),
]
PRODUCTS = {"data": DOC_PRODUCTS + EXTRA_PRODUCTS}
LEGAL = {
    "data": {
        "id": 1,
        "terms": "TERMS AND CONDITIONS\n\n1. MEMBERSHIP TERMS\nBy purchasing a membership...",
        "privacy_policy": "PRIVACY POLICY\n\nLast updated: January 1, 2024",
        "cookies_policy": "COOKIES POLICY\n\nThis website uses cookies...",
        "internal_regulations": None,
    }
}
ANSWERS = {
    "/space": SPACE,
    "/space/hours": HOURS,
    "/space/photos": PHOTOS,
    "/space/meeting-rooms": MEETING_ROOMS,
    "/space/amenities": AMENITIES_ANSWER,
    "/space/products": PRODUCTS,
    "/space/legal": LEGAL,
}

# --- the document's error bodies -------------------------------------------------------

MISSING_CREDENTIALS = {
    "error": "Missing API credentials",
    "message": "X-API-Key and X-API-Secret headers are required",
}
INVALID_CREDENTIALS = {
    "error": "Invalid API credentials",
    "message": "The provided API key and secret combination is invalid",
}
NOT_A_PARTNER = {"error": "Access denied", "message": "This API is only available for partners"}
TOO_MANY = {"error": "Too Many Requests", "message": "Rate limit exceeded. Please try again later."}
VALIDATION = {"error": "The date field is required.", "message": "The date field is required."}
NOT_FOUND = {
    "error": "Product not found",
    "message": "Product not found or does not belong to this space",
}
SERVER_ERROR = {
    "error": "Failed to create access code",
    "message": "Unable to create access code. Please try again.",
}


class FakeThia:
    """A transport handler serving ``answers`` by path, with per-path overrides."""

    def __init__(self, answers=None, overrides=None):
        self.answers = copy.deepcopy(answers or ANSWERS)
        self.overrides = {k: list(v) for k, v in (overrides or {}).items()}
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        assert request.url.path.startswith("/api/v1/partner/")
        path = request.url.path.removeprefix("/api/v1/partner")
        if self.overrides.get(path):
            item = self.overrides[path].pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        return httpx.Response(200, json=self.answers[path], headers={"X-RateLimit-Limit": "60"})

    def paths(self) -> list[str]:
        return [c.url.path.removeprefix("/api/v1/partner") for c in self.calls]


def thia(fake: FakeThia, sleep=None, account=ACCOUNT, **kwargs) -> ThiaAdapter:
    return ThiaAdapter(
        account,
        transport=httpx.MockTransport(fake),
        sleep=sleep if sleep is not None else (lambda s: None),
        limiter=kwargs.pop("limiter", LocalRateLimiter()),
        **kwargs,
    )


# --- the catalogue ---------------------------------------------------------------------


def test_reads_the_seven_catalogue_endpoints_with_the_key_pair_headers():
    fake = FakeThia()
    thia(fake).fetch_catalogue()
    assert fake.paths() == list(ANSWERS)
    for call in fake.calls:
        assert call.method == "GET"
        assert call.headers["X-API-Key"] == API_KEY
        assert call.headers["X-API-Secret"] == API_SECRET


def test_space_from_the_documents_example():
    catalogue = thia(FakeThia()).fetch_catalogue()
    assert catalogue.skipped == []
    [space] = catalogue.spaces
    assert space.external_id == "1"
    assert space.name == "Amazing Coworking Space"
    assert space.timezone == "Europe/Bucharest"
    assert space.address == "123 Main Street"
    assert (space.city, space.country, space.country_code) == ("Bucharest", "Romania", "RO")
    assert (space.latitude, space.longitude) == (Decimal("44.426800"), Decimal("26.102500"))
    assert space.description.startswith("A modern coworking space")
    assert space.amenities == [
        "WiFi", "Coffee Machine", "Printer", "Meeting Rooms", "Parking", "Kitchen",
        "Reception", "Security",
    ]  # fmt: skip
    assert space.photos == [
        "https://thia.work/storage/photos/space-cover.jpg",
        "https://thia.work/storage/photos/spaces/1/original/photo-1.jpg",
        "https://thia.work/storage/photos/spaces/1/original/photo-2.jpg",
        "https://thia.work/storage/photos/spaces/1/original/photo-3.jpg",
    ]
    assert space.contact["phone"] == "+40123456789"
    assert space.contact["email"] == "contact@amazing-space.com"
    assert space.contact["website"] == "https://amazing-space.com"
    assert space.contact["whatsapp"] == "https://chat.whatsapp.com/example"
    assert [item["title"] for item in space.legal] == [
        "Terms and conditions",
        "Privacy policy",
        "Cookies policy",
    ]  # internal_regulations is null
    assert space.legal[0]["text"].startswith("TERMS AND CONDITIONS")
    assert space.raw["space_id"] == 1
    # what to bring, for the booking's email and .ics only (no page shows ``raw``)
    assert space.raw["directions"] == "Take the elevator to the 3rd floor..."
    assert (space.raw["wifi_network"], space.raw["wifi_password"]) == (
        "AmazingSpace_WiFi",
        "welcome123",
    )


def test_opening_hours_closed_and_non_stop_days():
    [space] = thia(FakeThia()).fetch_catalogue().spaces
    hours = {h.weekday: h for h in space.opening_hours}
    assert sorted(hours) == list(range(7))  # doc weekday 1=Monday -> 0
    assert (hours[0].opens, hours[0].closes) == (dt.time(9), dt.time(18))
    assert not hours[0].closes_next_day
    # doc: "If non_stop is true, the space is open 24/7" -> 00:00 to 24:00
    assert (hours[2].opens, hours[2].closes, hours[2].closes_next_day) == (
        dt.time(0),
        dt.time(0),
        True,
    )
    assert (hours[5].opens, hours[5].closes) == (None, None)
    assert (hours[6].opens, hours[6].closes) == (None, None)


def test_meeting_room_product_becomes_a_room_resource_keyed_by_product_id():
    [space] = thia(FakeThia()).fetch_catalogue().spaces
    [room] = space.resources  # room 2 has no product: nothing to book it with
    assert room.external_id == "12"  # availability and booking take the product id
    assert room.kind == "meeting_room"
    assert room.name == "Conference Room A (hourly)"
    assert room.capacity == 12
    assert room.quantity == 1
    assert "whiteboard" in room.features and "video conferencing system" in room.features
    assert "catering" not in room.features
    assert room.photos == ["https://thia.work/storage/meeting-rooms/conference-room-a.jpg"]
    assert room.price_hour == Decimal("120.00") and room.currency == "RON"
    assert room.rules["slot_minutes"] == 60
    assert room.rules["step_minutes"] == 60
    assert room.rules["min_minutes"] == 60
    assert room.rules["max_minutes"] == 12 * 60
    assert room.rules["windows"]["daily"] == {"from": "08:00", "to": "20:00"}
    assert room.raw["product_id"] == 12 and room.raw["meeting_room_id"] == 1


def test_passes_become_offers_and_offers_and_unpublished_products_are_left_out():
    [space] = thia(FakeThia()).fetch_catalogue().spaces
    offers = {o.external_id: o for o in space.offers}
    # 2 is_offer ("can only be sold via the admin panel"), 13 unpublished, 12 is a room
    assert sorted(offers) == ["1", "3", "5"]

    hot = offers["1"]
    assert (hot.kind, hot.price, hot.currency, hot.price_unit) == (
        "hot_desk",
        Decimal("299.00"),
        "RON",
        "month",
    )
    assert hot.weekdays == [0, 1, 2, 3, 4]  # doc ISO 1..5 -> Monday..Friday
    assert hot.validity_days == 30
    assert hot.max_persons == 1
    assert "Subject to availability" in hot.description
    assert hot.raw["product_id"] == 1 and hot.raw["seating_option_id"] == 2

    day = offers["3"]
    assert (day.kind, day.price, day.price_unit, day.validity_days) == (
        "day_pass",
        Decimal("35.00"),
        "day",
        1,
    )
    assert day.raw["time_start"] == "09:00:00"

    office = offers["5"]
    assert (office.kind, office.capacity, office.max_persons) == ("private_office", 4, 4)


def test_half_day_pass_and_multi_month_terms():
    products = [
        _product(
            20,
            "Half-Day Pass",
            "20.00",
            1,
            {"duration": 1, "duration_type": 1, "persons": 1, "time_start": "08:00:00",
             "time_end": "13:00:00"},
        ),
        _product(
            21,
            "Dedicated Desk Quarter",
            "1200.00",
            3,
            {"duration": 3, "duration_unit": 3, "weekdays": [1, 2, 3, 4, 5, 6, 7],
             "persons": 1},
        ),
        _product(
            22, "Hot Desk 10 Days", "150.00", 2,
            {"duration": 10, "duration_unit": 2, "weekdays": [], "persons": 1},
        ),
    ]  # fmt: skip
    fake = FakeThia(answers={**ANSWERS, "/space/products": {"data": products}})
    [space] = thia(fake).fetch_catalogue().spaces
    offers = {o.external_id: o for o in space.offers}
    assert (offers["20"].price_unit, offers["20"].validity_days) == ("half day", 1)
    assert (offers["21"].price_unit, offers["21"].validity_days) == ("3 months", 90)
    assert offers["21"].weekdays == []  # all seven days = every day
    assert (offers["22"].price_unit, offers["22"].validity_days) == ("10 days", 10)


def test_one_malformed_item_is_skipped_and_the_rest_kept():
    products = copy.deepcopy(DOC_PRODUCTS + EXTRA_PRODUCTS)
    products[0]["price"] = "two hundred"  # Hot Desk Monthly
    products.append(
        _product(30, "Old Boardroom", "90.00", 4, {"meeting_room_id": 99, "weekdays": [],
                                                   "duration_unit": 1, "duration": 1})
    )  # fmt: skip
    products.append("not a product")
    fake = FakeThia(answers={**ANSWERS, "/space/products": {"data": products}})
    catalogue = thia(fake).fetch_catalogue()
    [space] = catalogue.spaces
    assert sorted(o.external_id for o in space.offers) == ["3", "5"]
    assert [r.external_id for r in space.resources] == ["12"]
    reasons = {s.where: s.reason for s in catalogue.skipped}
    assert "price" in reasons["product 1"]
    assert "meeting room 99" in reasons["product 30"]
    assert "product" in reasons


def test_unknown_seating_option_is_skipped():
    products = [_product(40, "Parking Spot", "50.00", 9, {"duration": 1, "duration_unit": 3})]
    fake = FakeThia(answers={**ANSWERS, "/space/products": {"data": products}})
    catalogue = thia(fake).fetch_catalogue()
    assert catalogue.spaces[0].offers == []
    assert catalogue.skipped[0].where == "product 40"


def test_null_arrays_are_empty():
    # doc: "Arrays (like amenities) can be null if no data is available"
    fake = FakeThia(answers={**ANSWERS, "/space/photos": {"data": None}})
    fake.answers["/space/amenities"] = {"data": []}
    fake.answers["/space"]["data"]["amenities"] = None
    [space] = thia(fake).fetch_catalogue().spaces
    assert space.amenities == []
    assert space.photos == ["https://thia.work/storage/photos/space-cover.jpg"]


def test_timestamps_are_bucharest_wall_clock_despite_the_z():
    stamp = parse_timestamp("2024-01-15T10:30:00.000000Z")
    assert stamp.utcoffset() == dt.timedelta(hours=2)  # EET in January
    assert stamp.astimezone(dt.UTC) == dt.datetime(2024, 1, 15, 8, 30, tzinfo=dt.UTC)
    summer = parse_timestamp("2024-07-01T10:00:00.000000Z")
    assert summer.astimezone(dt.UTC).hour == 7  # EEST


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [(401, MISSING_CREDENTIALS), (401, INVALID_CREDENTIALS), (403, NOT_A_PARTNER)],
)
def test_credential_errors_are_authentication_errors_with_the_documents_message(status, body):
    fake = FakeThia(overrides={"/space": [httpx.Response(status, json=body)]})
    with pytest.raises(AuthenticationError) as caught:
        thia(fake).fetch_catalogue()
    assert caught.value.message == body["message"]
    assert caught.value.code == body["error"]
    assert caught.value.status == status
    assert len(fake.calls) == 1  # not retried


def test_validation_error_is_a_rejection_with_thias_message():
    fake = FakeThia(overrides={"/space/products": [httpx.Response(400, json=VALIDATION)]})
    with pytest.raises(RejectedError) as caught:
        thia(fake).fetch_catalogue()
    assert caught.value.message == "The date field is required."


def test_not_found_is_a_not_found_error():
    fake = FakeThia(overrides={"/space": [httpx.Response(404, json=NOT_FOUND)]})
    with pytest.raises(NotFoundError) as caught:
        thia(fake).fetch_catalogue()
    assert caught.value.message == "Product not found or does not belong to this space"


def test_server_errors_are_retried_then_transient(no_sleep):
    fake = FakeThia(overrides={"/space": [httpx.Response(500, json=SERVER_ERROR)] * 4})
    with pytest.raises(TransientError) as caught:
        thia(fake, sleep=no_sleep).fetch_catalogue()
    assert caught.value.message == "Unable to create access code. Please try again."
    assert len(fake.calls) == ThiaAdapter.max_attempts
    assert len(no_sleep) == ThiaAdapter.max_attempts - 1


def test_a_server_error_then_success_recovers(no_sleep):
    fake = FakeThia(overrides={"/space/hours": [httpx.Response(502, text="Bad gateway")]})
    catalogue = thia(fake, sleep=no_sleep).fetch_catalogue()
    assert len(catalogue.spaces[0].opening_hours) == 7
    assert fake.paths().count("/space/hours") == 2
    assert len(no_sleep) == 1


def test_timeouts_are_retried_then_transient(no_sleep):
    fake = FakeThia(overrides={"/space": [httpx.ReadTimeout("slow")] * 4})
    with pytest.raises(TransientError):
        thia(fake, sleep=no_sleep).fetch_catalogue()
    assert len(fake.calls) == 4 and len(no_sleep) == 3


def test_429_retry_after_is_honoured(no_sleep):
    fake = FakeThia(
        overrides={
            "/space/photos": [
                httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "7"}),
            ]
        }
    )
    catalogue = thia(fake, sleep=no_sleep).fetch_catalogue()
    assert len(catalogue.spaces[0].photos) == 4
    [wait] = no_sleep
    assert 7 <= wait <= 7.25


def test_429_asking_for_too_long_a_wait_goes_back_to_the_caller(no_sleep):
    fake = FakeThia(
        overrides={"/space": [httpx.Response(429, json=TOO_MANY, headers={"Retry-After": "90"})]}
    )
    with pytest.raises(TransientError) as caught:
        thia(fake, sleep=no_sleep).fetch_catalogue()
    assert caught.value.retry_after == 90
    assert caught.value.message == "Rate limit exceeded. Please try again later."
    assert no_sleep == []


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json=[1, 2, 3]),
        httpx.Response(200, json={"data": []}),  # /space's data is an object
        httpx.Response(200, json={"data": {"name": "no id"}}),
    ],
)
def test_malformed_space_answer(response):
    fake = FakeThia(overrides={"/space": [response]})
    with pytest.raises(MalformedResponseError):
        thia(fake).fetch_catalogue()


def test_malformed_list_answer():
    fake = FakeThia(overrides={"/space/products": [httpx.Response(200, json={"data": "x"})]})
    with pytest.raises(MalformedResponseError):
        thia(fake).fetch_catalogue()


# --- rate limit and secrets ------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_client_side_limit_stays_under_sixty_requests_a_minute():
    clock = FakeClock()
    limiter = LocalRateLimiter(clock=clock)
    sent: list[float] = []
    fake = FakeThia()

    def handler(request):
        sent.append(clock.now)
        return fake(request)

    adapter = ThiaAdapter(
        ACCOUNT, transport=httpx.MockTransport(handler), sleep=clock.sleep, limiter=limiter
    )
    for _ in range(10):  # 70 requests
        adapter.fetch_catalogue()
    assert len(sent) == 70
    assert clock.sleeps, "the limiter made the adapter wait"
    for start in sent:
        in_window = [t for t in sent if start <= t < start + 60]
        assert len(in_window) <= ThiaAdapter.rate_limit.requests <= 60


def test_rate_limit_key_is_per_api_key_and_does_not_contain_it():
    same_key = AccountConfig(
        kind="thia", name="other name", config={"base_url": BASE}, credentials=ACCOUNT.credentials
    )
    other_key = AccountConfig(
        kind="thia",
        name="Thia — Cluj",
        config={"base_url": BASE},
        credentials={"api_key": "pk_other", "api_secret": API_SECRET},
    )
    key = ThiaAdapter(ACCOUNT).rate_limit_key()
    assert API_KEY not in key and API_SECRET not in key
    assert ThiaAdapter(same_key).rate_limit_key() == key
    assert ThiaAdapter(other_key).rate_limit_key() != key


def test_no_secret_reaches_logs_or_errors(caplog, no_sleep):
    caplog.set_level(logging.DEBUG)
    thia(FakeThia()).fetch_catalogue()
    fake = FakeThia(
        overrides={
            "/space": [httpx.Response(503, json=SERVER_ERROR)] * 4,
        }
    )
    with pytest.raises(TransientError) as transient:
        thia(fake, sleep=no_sleep).fetch_catalogue()
    fake = FakeThia(overrides={"/space": [httpx.Response(401, json=INVALID_CREDENTIALS)]})
    with pytest.raises(AuthenticationError) as auth:
        thia(fake).fetch_catalogue()
    assert caplog.records
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (API_KEY, API_SECRET):
        assert secret not in logged
        assert secret not in str(transient.value) and secret not in str(auth.value)
        assert secret not in repr(transient.value.payload) + repr(auth.value.payload)
