"""The Thia Partner API sandbox behaves as its document (seeds/000_625ed28ef0e2e084.txt) says."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from sandbox import build_sandbox
from sandbox.thia_seed import (
    BUCHAREST_KEY,
    BUCHAREST_SECRET,
    CLUJ_KEY,
    CLUJ_SECRET,
    NON_PARTNER_KEY,
    NON_PARTNER_SECRET,
)

P = "/thia/api/v1/partner"
BUC = {"X-API-Key": BUCHAREST_KEY, "X-API-Secret": BUCHAREST_SECRET}
CLJ = {"X-API-Key": CLUJ_KEY, "X-API-Secret": CLUJ_SECRET}
TODAY = dt.date(2030, 3, 13)  # a Wednesday; Bucharest is UTC+2 until 2030-03-31
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
PRICE_RE = re.compile(r"^\d+\.\d{2}$")
SLOT_DAY = (TODAY + dt.timedelta(days=1)).isoformat()  # Conference Room A: 10-12 booked
CUSTOMER = {
    "first_name": "Alice",
    "last_name": "Johnson",
    "email": "alice.johnson@example.com",
    "phone": "+40123456789",
}


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    return Clock(dt.datetime(2030, 3, 13, 8, 0, tzinfo=dt.UTC))  # 10:00 in Bucharest


@pytest.fixture
def thia(clock):
    sandbox = build_sandbox(state_path=None, fault_seed=1, clock=clock)
    sandbox.store.reset(TODAY)
    with httpx.Client(
        transport=httpx.WSGITransport(app=sandbox), base_url="http://127.0.0.1:8001"
    ) as http:
        yield http


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def slots(http, product_id: int, date: str, headers=BUC) -> list[str]:
    response = http.get(
        f"{P}/space/meeting-room-availability",
        params={"date": date, "product_id": product_id},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["available_slots"]


def desks(http, date: str, headers=BUC, **params) -> dict:
    response = http.get(
        f"{P}/space/desk-availability", params={"date": date, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def book(http, product_id=6, date=SLOT_DAY, selected=("12:00 - 13:00",), customer=None):
    body = {
        "product_id": product_id,
        "date": date,
        "selected_slots": list(selected),
        "customer": customer or CUSTOMER,
    }
    return http.post(f"{P}/meeting-room-booking", json=body, headers=BUC)


# --- Auth -----------------------------------------------------------------------------

ALL_GETS = [
    "/space",
    "/space/hours",
    "/space/photos",
    "/space/meeting-rooms",
    "/space/amenities",
    "/space/products",
    "/space/legal",
    "/space/meeting-room-availability",
    "/space/desk-availability",
]
ALL_POSTS = ["/access-codes/standalone", "/access-codes/product", "/meeting-room-booking"]


@pytest.mark.parametrize(
    ("method", "path"), [("GET", p) for p in ALL_GETS] + [("POST", p) for p in ALL_POSTS]
)
@pytest.mark.parametrize("headers", [{}, {"X-API-Key": BUCHAREST_KEY}, {"X-API-Secret": "x"}])
def test_missing_credentials_answer_the_documented_401(thia, method, path, headers):
    response = thia.request(method, P + path, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "error": "Missing API credentials",
        "message": "X-API-Key and X-API-Secret headers are required",
    }


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": BUCHAREST_KEY, "X-API-Secret": CLUJ_SECRET},
        {"X-API-Key": "nope", "X-API-Secret": BUCHAREST_SECRET},
    ],
)
def test_a_wrong_key_secret_pair_answers_the_documented_401(thia, headers):
    response = thia.get(f"{P}/space", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "error": "Invalid API credentials",
        "message": "The provided API key and secret combination is invalid",
    }


def test_a_space_that_is_not_a_partner_is_refused_with_the_documented_403(thia):
    headers = {"X-API-Key": NON_PARTNER_KEY, "X-API-Secret": NON_PARTNER_SECRET}
    response = thia.get(f"{P}/space/products", headers=headers)
    assert response.status_code == 403
    assert response.json() == {
        "error": "Access denied",
        "message": "This API is only available for partners",
    }


def test_each_key_sees_only_its_own_space(thia):
    assert thia.get(f"{P}/space", headers=BUC).json()["data"]["city"]["name"] == "Bucharest"
    cluj = thia.get(f"{P}/space", headers=CLJ).json()["data"]
    assert cluj["city"] == {"id": 2, "name": "Cluj-Napoca", "country": {"id": 1, "name": "Romania"}}


# --- Rate limit -----------------------------------------------------------------------


def test_sixty_requests_a_minute_per_key_then_429_until_the_minute_is_over(thia, clock):
    for n in range(60):
        response = thia.get(f"{P}/space/hours", headers=BUC)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "60"
        assert response.headers["X-RateLimit-Remaining"] == str(59 - n)
    limited = thia.get(f"{P}/space/hours", headers=BUC)
    assert limited.status_code == 429
    assert limited.json() == {
        "error": "Too Many Requests",
        "message": "Rate limit exceeded. Please try again later.",
    }
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.headers["X-RateLimit-Limit"] == "60"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    # another space's key has its own budget
    assert thia.get(f"{P}/space/hours", headers=CLJ).status_code == 200
    clock.advance(seconds=61)
    again = thia.get(f"{P}/space/hours", headers=BUC)
    assert again.status_code == 200
    assert again.headers["X-RateLimit-Remaining"] == "59"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-API-Key": BUCHAREST_KEY, "X-API-Secret": "wrong"},
        {"X-API-Key": NON_PARTNER_KEY, "X-API-Secret": NON_PARTNER_SECRET},
    ],
)
def test_auth_failures_carry_rate_limit_headers_but_are_not_counted(thia, headers):
    # doc: "Rate limit headers are included in responses"
    thia.get(f"{P}/space", headers=BUC)
    for _ in range(3):
        response = thia.get(f"{P}/space", headers=headers)
        assert response.status_code in (401, 403)
        assert response.headers["X-RateLimit-Limit"] == "60"
    if headers.get("X-API-Key") == BUCHAREST_KEY:
        assert response.headers["X-RateLimit-Remaining"] == "59"
    else:
        assert response.headers["X-RateLimit-Remaining"] == "60"
    assert thia.get(f"{P}/space", headers=BUC).headers["X-RateLimit-Remaining"] == "58"


def test_error_answers_count_and_carry_rate_limit_headers(thia):
    response = thia.get(f"{P}/space/desk-availability", headers=BUC)
    assert response.status_code == 400
    assert response.headers["X-RateLimit-Remaining"] == "59"


# --- Catalogue endpoints ----------------------------------------------------------------

SPACE_KEYS = {
    "id", "user_id", "name", "subdomain", "street", "latitude", "longitude", "phone",
    "has_whatsapp", "whatsapp_group_url", "email", "facebook_messenger", "slogan",
    "description", "total_hot_desks", "total_dedicated_desks", "total_private_offices",
    "total_meeting_rooms", "logo", "cover_photo", "directions", "directions_photo",
    "wifi_network", "wifi_password", "amenities", "website", "facebook", "instagram",
    "linkedin", "twitter", "verified_at", "published_at", "created_at", "updated_at",
    "country", "city",
}  # fmt: skip


def test_space_has_the_documented_fields_and_formats(thia):
    space = thia.get(f"{P}/space", headers=BUC).json()["data"]
    assert set(space) == SPACE_KEYS
    assert re.fullmatch(r"-?\d+\.\d{7}", space["latitude"])
    assert re.fullmatch(r"-?\d+\.\d{7}", space["longitude"])
    for field in ("verified_at", "published_at", "created_at", "updated_at"):
        assert TS_RE.match(space[field])
    assert space["total_meeting_rooms"] == 3
    assert (space["total_hot_desks"], space["total_dedicated_desks"]) == (20, 10)
    names = [a["name"] for a in space["amenities"]]
    assert "WiFi" in names and "Coffee Machine" in names
    assert set(space["amenities"][0]) == {"id", "name", "icon"}
    assert space["country"] == {"id": 1, "name": "Romania"}


def test_amenities_endpoint_matches_the_space_amenities(thia):
    amenities = thia.get(f"{P}/space/amenities", headers=BUC).json()["data"]
    assert amenities == thia.get(f"{P}/space", headers=BUC).json()["data"]["amenities"]
    assert {"id": 1, "name": "WiFi", "icon": "wifi"} in amenities


def test_hours_cover_seven_days_with_closed_and_non_stop_days(thia):
    hours = thia.get(f"{P}/space/hours", headers=BUC).json()["data"]
    assert [h["weekday"] for h in hours] == [1, 2, 3, 4, 5, 6, 7]
    assert hours[0]["open_time"] == "08:00:00" and hours[0]["close_time"] == "20:00:00"
    sunday = hours[6]
    assert (sunday["closed"], sunday["open_time"], sunday["close_time"]) == (True, None, None)
    cluj = thia.get(f"{P}/space/hours", headers=CLJ).json()["data"]
    monday = cluj[0]
    assert monday["non_stop"] is True and monday["closed"] is False
    assert monday["open_time"] is None and monday["close_time"] is None
    assert set(monday) == {
        "id", "weekday", "open_time", "close_time", "closed", "non_stop", "created_at",
        "updated_at",
    }  # fmt: skip


def test_photos_are_ordered_with_three_sizes(thia):
    photos = thia.get(f"{P}/space/photos", headers=BUC).json()["data"]
    assert [p["order"] for p in photos] == sorted(p["order"] for p in photos)
    assert len(photos) == 3
    assert set(photos[0]) == {
        "id", "original_path", "thumbnail_path", "medium_path", "order", "created_at",
        "updated_at",
    }  # fmt: skip


def test_meeting_rooms_carry_hours_and_the_twelve_features(thia):
    rooms = thia.get(f"{P}/space/meeting-rooms", headers=BUC).json()["data"]
    assert [r["name"] for r in rooms] == ["Conference Room A", "Small Meeting Room", "Event Hall"]
    room = rooms[0]
    assert set(room) == {
        "id", "name", "capacity", "photo", "description", "available_from", "available_to",
        "features", "created_at", "updated_at",
    }  # fmt: skip
    assert (room["available_from"], room["available_to"]) == ("08:00:00", "20:00:00")
    assert len(room["features"]) == 12 and room["features"]["has_whiteboard"] is True
    assert rooms[1]["photo"] is None


SETTINGS_BY_SEATING = {
    1: {"duration", "duration_type", "persons", "time_start", "time_end"},
    2: {"duration", "duration_unit", "weekdays", "persons", "meeting_room_hours"},
    3: {"duration", "duration_unit", "weekdays", "persons", "meeting_room_hours"},
    4: {"meeting_room_id", "weekdays", "duration_unit", "duration"},
    5: {"capacity", "duration", "duration_unit", "meeting_room_hours"},
}


@pytest.mark.parametrize("headers", [BUC, CLJ])
def test_products_cover_every_seating_option_with_documented_settings(thia, headers):
    products = thia.get(f"{P}/space/products", headers=headers).json()["data"]
    assert {p["seating_option"]["id"] for p in products} == {1, 2, 3, 4, 5}
    assert [(p["position"], p["name"]) for p in products] == sorted(
        (p["position"], p["name"]) for p in products
    )
    for product in products:
        assert PRICE_RE.match(product["price"]), product["price"]
        assert set(product["settings"]) == SETTINGS_BY_SEATING[product["seating_option"]["id"]]
        assert product["access_type"] in {"current_space", "all_spaces", "selected_spaces"}
        assert (product["accessible_spaces"] is not None) == (
            product["access_type"] == "selected_spaces"
        )
        assert TS_RE.match(product["created_at"])
    assert any(p["is_offer"] for p in products)
    assert any(not p["is_published"] for p in products)


def test_products_name_seating_options_as_the_document_does(thia):
    products = thia.get(f"{P}/space/products", headers=BUC).json()["data"]
    names = {p["seating_option"]["id"]: p["seating_option"]["name"] for p in products}
    assert names == {
        1: "Day Pass",
        2: "Hot Desk",
        3: "Dedicated Desk",
        4: "Meeting/Event Room",
        5: "Private Office",
    }
    day_pass = products[0]
    assert day_pass["price"] == "35.00" and day_pass["seating_option"]["id"] == 1


def test_legal_documents(thia):
    legal = thia.get(f"{P}/space/legal", headers=BUC).json()["data"]
    assert set(legal) == {"id", "terms", "privacy_policy", "cookies_policy", "internal_regulations"}
    assert legal["id"] == 1 and legal["terms"].startswith("TERMS AND CONDITIONS")


# --- Meeting room availability ----------------------------------------------------------


def test_availability_lists_hourly_slots_minus_active_bookings(thia):
    available = slots(thia, 6, SLOT_DAY)
    # Conference Room A is open 08:00-20:00; 10-12 is booked, the canceled 15-16 is free
    assert available[0] == "08:00 - 09:00" and available[-1] == "19:00 - 20:00"
    assert "10:00 - 11:00" not in available and "11:00 - 12:00" not in available
    assert "15:00 - 16:00" in available
    assert len(available) == 10
    assert slots(thia, 6, day(2)) == [f"{h:02d}:00 - {h + 1:02d}:00" for h in range(8, 20)]


def test_availability_has_no_data_envelope(thia):
    response = thia.get(
        f"{P}/space/meeting-room-availability",
        params={"date": SLOT_DAY, "product_id": 7},
        headers=BUC,
    )
    assert set(response.json()) == {"available_slots"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"product_id": 6}, "The date field is required."),
        ({"date": SLOT_DAY}, "The product id field is required."),
        ({"date": "13/03/2030", "product_id": 6}, "The date does not match the format Y-m-d."),
        (
            {"date": day(-1), "product_id": 6},
            f"The date must be a date after or equal to {TODAY.isoformat()}.",
        ),
        ({"date": SLOT_DAY, "product_id": "abc"}, "The product id must be an integer."),
    ],
)
def test_availability_validation_errors_are_400_with_error_equal_to_message(thia, params, message):
    response = thia.get(f"{P}/space/meeting-room-availability", params=params, headers=BUC)
    assert response.status_code == 400
    assert response.json() == {"error": message, "message": message}


@pytest.mark.parametrize("product_id", [999, 26])  # unknown; a Cluj product
def test_availability_of_a_foreign_product_is_404(thia, product_id):
    response = thia.get(
        f"{P}/space/meeting-room-availability",
        params={"date": SLOT_DAY, "product_id": product_id},
        headers=BUC,
    )
    assert response.status_code == 404
    text = "Product not found or does not belong to this space"
    assert response.json() == {"error": text, "message": text}


def test_availability_of_a_desk_product_is_400(thia):
    response = thia.get(
        f"{P}/space/meeting-room-availability",
        params={"date": SLOT_DAY, "product_id": 3},
        headers=BUC,
    )
    assert response.status_code == 400
    text = "Product does not have the correct seating option"
    assert response.json() == {"error": text, "message": text}


@pytest.mark.parametrize("product_id", [11, 12])  # no room configured; room removed
def test_availability_of_a_product_without_a_room_is_empty(thia, product_id):
    assert slots(thia, product_id, SLOT_DAY) == []


# --- Meeting room booking ---------------------------------------------------------------


def test_booking_returns_an_access_code_and_takes_the_slots(thia):
    response = book(thia, selected=["12:00 - 13:00", "16:00 - 17:00"])
    assert response.status_code == 201
    code = response.json()["data"]
    assert set(code) == {
        "id", "customer_id", "customer_type", "space_id", "subscription_id", "valid_from",
        "valid_to", "is_primary", "unique_scans", "total_scans", "status",
        "qr_code_download_url", "customer", "created_at", "updated_at",
    }  # fmt: skip
    assert re.fullmatch(r"[0-9a-f-]{36}", code["id"])
    assert code["valid_from"] == f"{SLOT_DAY}T00:00:00.000000Z"
    assert code["valid_to"] == f"{SLOT_DAY}T23:59:59.000000Z"
    assert code["status"] == "inactive"  # tomorrow
    assert code["customer_type"] == "user" and code["space_id"] == 1
    assert isinstance(code["subscription_id"], int)
    assert code["customer"] == {"id": code["customer_id"], **CUSTOMER}
    assert code["qr_code_download_url"].endswith(f"/thia/qr-code/{code['id']}")
    available = slots(thia, 6, SLOT_DAY)
    assert "12:00 - 13:00" not in available and "16:00 - 17:00" not in available
    assert "13:00 - 14:00" in available
    # the same slot again: the documented 500 slot conflict
    again = book(thia, selected=["12:00 - 13:00"])
    assert again.status_code == 500
    assert again.json() == {
        "error": "Failed to create meeting room booking",
        "message": "Some time slots are no longer available. Please refresh and try again.",
    }


def test_booking_an_already_booked_seed_slot_or_outside_room_hours_conflicts(thia):
    assert book(thia, selected=["10:00 - 11:00"]).status_code == 500
    assert book(thia, selected=["20:00 - 21:00"]).status_code == 500  # room closes 20:00
    assert book(thia, selected=["15:00 - 16:00"]).status_code == 201  # canceled seed booking


def test_booking_today_gives_an_active_code_stamped_in_bucharest_time(thia):
    code = book(thia, product_id=7, date=TODAY.isoformat(), selected=["15:00 - 16:00"])
    data = code.json()["data"]
    assert data["status"] == "active"
    # clock: 08:00 UTC = 10:00 in Bucharest (UTC+2), written with a "Z" as documented
    assert data["created_at"] == f"{TODAY.isoformat()}T10:00:00.000000Z"


def test_summer_time_stamps_are_bucharest_wall_clock(thia, clock):
    clock.now = dt.datetime(2030, 7, 1, 8, 0, tzinfo=dt.UTC)  # 11:00 EEST
    code = book(thia, product_id=7, date="2030-07-01", selected=["15:00 - 16:00"])
    assert code.json()["data"]["created_at"] == "2030-07-01T11:00:00.000000Z"


def test_an_existing_customer_email_is_reused(thia):
    first = book(thia, selected=["12:00 - 13:00"]).json()["data"]
    renamed = {**CUSTOMER, "first_name": "Alicia"}
    second = book(thia, selected=["13:00 - 14:00"], customer=renamed).json()["data"]
    assert second["customer_id"] == first["customer_id"]
    assert second["customer"]["first_name"] == "Alicia"


@pytest.mark.parametrize(
    ("selected", "field", "message"),
    [
        (
            ["09:15 - 10:15"],
            "selected_slots.0",
            "Time slots must start at the beginning of the hour (e.g., 09:00, 10:00).",
        ),
        (
            ["12:00 - 13:00", "13:00 - 15:00"],
            "selected_slots.1",
            "Each time slot must be exactly 1 hour long.",
        ),
        (
            ["12:00 - 13:00", "13:00 - 13:30"],
            "selected_slots.1",
            "Each time slot must be exactly 1 hour long.",
        ),
        (
            ["12:00 - 13:00", "12:00 - 13:00"],
            "selected_slots",
            "Duplicate time slots are not allowed.",
        ),
        (["noon"], "selected_slots.0", "The selected slots.0 format is invalid."),
        ([], "selected_slots", "The selected slots field is required."),
    ],
)
def test_bad_slots_answer_the_documented_422(thia, selected, field, message):
    response = book(thia, selected=selected)
    assert response.status_code == 422
    assert response.json() == {
        "error": "The given data was invalid.",
        "message": message,
        "errors": {field: [message]},
    }


@pytest.mark.parametrize(
    ("selected", "extra"),
    [
        # doc: "No duplicates or overlapping slots allowed" -> "Duplicate or Overlapping
        # Slots" under "selected_slots"; the off-the-hour slot also gets its own error
        (
            ["10:00 - 11:00", "10:30 - 11:30"],
            {
                "selected_slots.1": [
                    "Time slots must start at the beginning of the hour (e.g., 09:00, 10:00)."
                ]
            },
        ),
        (
            ["12:00 - 14:00", "13:00 - 14:00"],
            {"selected_slots.0": ["Each time slot must be exactly 1 hour long."]},
        ),
    ],
)
def test_overlapping_slots_answer_the_duplicate_or_overlapping_422(thia, selected, extra):
    response = book(thia, selected=selected)
    assert response.status_code == 422
    duplicate = "Duplicate time slots are not allowed."
    assert response.json() == {
        "error": "The given data was invalid.",
        "message": duplicate,
        "errors": {"selected_slots": [duplicate], **extra},
    }


def test_booking_without_a_date_answers_the_documented_422(thia):
    body = {"product_id": 6, "selected_slots": ["12:00 - 13:00"], "customer": CUSTOMER}
    response = thia.post(f"{P}/meeting-room-booking", json=body, headers=BUC)
    assert response.status_code == 422
    assert response.json() == {
        "error": "The given data was invalid.",
        "message": "The date field is required.",
        "errors": {"date": ["The date field is required."]},
    }


def test_booking_in_the_past_is_refused(thia):
    response = book(thia, date=day(-1))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "date": [f"The date must be a date after or equal to {TODAY.isoformat()}."]
    }


def test_an_empty_booking_lists_every_missing_field(thia):
    response = thia.post(f"{P}/meeting-room-booking", json={}, headers=BUC)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == [
        "product_id",
        "date",
        "selected_slots",
        "customer.first_name",
        "customer.last_name",
        "customer.email",
    ]
    assert errors["customer.first_name"] == ["The customer.first name field is required."]
    assert response.json()["message"] == "The product id field is required."


@pytest.mark.parametrize(
    ("customer", "field", "message"),
    [
        (
            {**CUSTOMER, "email": "nope"},
            "customer.email",
            "The customer.email must be a valid email address.",
        ),
        ({**CUSTOMER, "phone": "12345"}, "customer.phone", "The customer.phone format is invalid."),
        (
            {**CUSTOMER, "last_name": "x" * 256},
            "customer.last_name",
            "The customer.last name must not be greater than 255 characters.",
        ),
    ],
)  # fmt: skip
def test_bad_customer_details_are_422(thia, customer, field, message):
    response = book(thia, customer=customer)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


def test_a_customer_without_phone_is_fine(thia):
    customer = {k: v for k, v in CUSTOMER.items() if k != "phone"}
    response = book(thia, customer=customer)
    assert response.status_code == 201
    assert response.json()["data"]["customer"]["phone"] is None


@pytest.mark.parametrize(
    ("product_id", "status", "body"),
    [
        (
            999,
            404,
            {
                "error": "Product not found",
                "message": "Product not found or does not belong to this space",
            },
        ),
        (
            26,  # a Cluj room product
            404,
            {
                "error": "Product not found",
                "message": "Product not found or does not belong to this space",
            },
        ),
        (
            1,  # day pass
            400,
            {
                "error": "Invalid product type",
                "message": "Product must be a meeting/event room type",
            },
        ),
        (
            11,
            400,
            {
                "error": "Invalid product configuration",
                "message": "Product does not have a meeting room configured",
            },
        ),
        (
            12,
            400,
            {
                "error": "Meeting room not found",
                "message": "The meeting room associated with this product was not found",
            },
        ),
    ],
)
def test_booking_product_errors_are_word_for_word(thia, product_id, status, body):
    response = book(thia, product_id=product_id)
    assert response.status_code == status
    assert response.json() == body


# --- Desk availability and access codes -------------------------------------------------


def test_desk_availability_summary_counts_active_and_inactive_codes(thia):
    # tomorrow: hot-desk month, standalone, day pass, guest, room-booking code = 5;
    # the canceled code is not counted
    assert desks(thia, day(1)) == {
        "total_existing_desks": 30,
        "total_booked_desks": 5,
        "available_desks": 25,
    }


def test_desk_availability_with_access_codes_lists_customers(thia):
    data = desks(thia, day(1), include_access_codes=1)
    assert len(data["access_codes"]) == data["total_booked_desks"]
    statuses = {code["status"] for code in data["access_codes"]}
    assert statuses <= {"active", "inactive"}
    assert "guest" in {code["customer_type"] for code in data["access_codes"]}
    code = data["access_codes"][0]
    assert set(code["customer"]) == {"id", "first_name", "last_name", "email", "phone"}
    assert TS_RE.match(code["valid_from"]) and TS_RE.match(code["valid_to"])
    assert "access_codes" in desks(thia, day(1), include_access_codes="true")
    assert "access_codes" not in desks(thia, day(1), include_access_codes=0)


def test_desks_never_go_negative(thia):
    assert desks(thia, day(6), headers=CLJ) == {
        "total_existing_desks": 18,
        "total_booked_desks": 20,
        "available_desks": 0,
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "The date field is required."),
        (
            {"date": day(-1)},
            f"The date must be a date after or equal to {TODAY.isoformat()}.",
        ),
    ],
)
def test_desk_availability_errors_are_400_with_errors(thia, params, message):
    response = thia.get(f"{P}/space/desk-availability", params=params, headers=BUC)
    assert response.status_code == 400
    assert response.json() == {
        "error": "The given data was invalid.",
        "message": message,
        "errors": {"date": [message]},
    }


def test_a_product_access_code_takes_a_desk_for_its_whole_period(thia):
    before = {d: desks(thia, day(d))["available_desks"] for d in (7, 30, 40)}
    response = thia.post(
        f"{P}/access-codes/product",
        json={"product_id": 3, "start_date": day(7), "customer": CUSTOMER},
        headers=BUC,
    )
    assert response.status_code == 201
    code = response.json()["data"]
    # Hot Desk Monthly (duration 1, unit 3 = months): 2030-03-20 .. 2030-04-19
    assert code["valid_from"] == "2030-03-20T00:00:00.000000Z"
    assert code["valid_to"] == "2030-04-19T23:59:59.000000Z"
    assert code["status"] == "inactive" and isinstance(code["subscription_id"], int)
    after = {d: desks(thia, day(d))["available_desks"] for d in (7, 30, 40)}
    assert after == {7: before[7] - 1, 30: before[30] - 1, 40: before[40]}


@pytest.mark.parametrize(
    ("product_id", "valid_from", "valid_to"),
    [
        (1, "2030-03-20T00:00:00", "2030-03-20T23:59:59"),  # day pass, full day
        (2, "2030-03-20T08:00:00", "2030-03-20T13:00:00"),  # half-day pass
        (5, "2030-03-20T00:00:00", "2030-04-19T23:59:59"),  # private office, 1 month
        (10, "2030-03-20T00:00:00", "2031-03-19T23:59:59"),  # annual (unpublished)
    ],
)
def test_product_access_code_validity_follows_the_product_settings(
    thia, product_id, valid_from, valid_to
):
    response = thia.post(
        f"{P}/access-codes/product",
        json={"product_id": product_id, "start_date": "2030-03-20", "customer": CUSTOMER},
        headers=BUC,
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert (data["valid_from"], data["valid_to"]) == (
        valid_from + ".000000Z",
        valid_to + ".000000Z",
    )


def test_product_access_code_for_ten_days(thia):
    response = thia.post(
        f"{P}/access-codes/product",
        json={"product_id": 23, "start_date": "2030-03-20", "customer": CUSTOMER},
        headers=CLJ,
    )
    assert response.json()["data"]["valid_to"] == "2030-03-29T23:59:59.000000Z"


def test_a_meeting_room_product_cannot_get_an_access_code(thia):
    response = thia.post(
        f"{P}/access-codes/product",
        json={"product_id": 6, "start_date": day(1), "customer": CUSTOMER},
        headers=BUC,
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "Invalid product type",
        "message": "Product type not supported for access code creation",
    }


def test_a_product_of_another_space_is_not_found_for_access_codes(thia):
    response = thia.post(
        f"{P}/access-codes/product",
        json={"product_id": 22, "start_date": day(1), "customer": CUSTOMER},
        headers=BUC,
    )
    assert response.status_code == 404
    assert response.json() == {
        "error": "Product not found",
        "message": "Product not found or does not belong to this space",
    }


def test_product_access_code_without_start_date_is_the_documented_422(thia):
    response = thia.post(
        f"{P}/access-codes/product", json={"product_id": 3, "customer": CUSTOMER}, headers=BUC
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "The given data was invalid.",
        "message": "The start date field is required.",
        "errors": {"start_date": ["The start date field is required."]},
    }


def test_a_standalone_code_covers_its_days_and_is_active_when_it_starts_today(thia):
    before = desks(thia, day(0))["total_booked_desks"]
    response = thia.post(
        f"{P}/access-codes/standalone",
        json={"start_date": day(0), "end_date": day(2), "customer": CUSTOMER},
        headers=BUC,
    )
    assert response.status_code == 201
    code = response.json()["data"]
    assert code["subscription_id"] is None and code["status"] == "active"
    assert code["valid_from"] == f"{day(0)}T00:00:00.000000Z"
    assert code["valid_to"] == f"{day(2)}T23:59:59.000000Z"
    assert code["unique_scans"] == 0 and code["total_scans"] == 0 and code["is_primary"] is True
    assert desks(thia, day(0))["total_booked_desks"] == before + 1
    listed = desks(thia, day(2), include_access_codes=1)["access_codes"]
    assert code["id"] in {c["id"] for c in listed}


def test_a_standalone_code_ending_before_it_starts_is_422(thia):
    response = thia.post(
        f"{P}/access-codes/standalone",
        json={"start_date": day(3), "end_date": day(2), "customer": CUSTOMER},
        headers=BUC,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "end_date": ["The end date must be a date after or equal to start date."]
    }


def test_codes_expire_when_the_clock_passes_them(thia, clock):
    response = thia.post(
        f"{P}/access-codes/standalone",
        json={"start_date": day(0), "end_date": day(0), "customer": CUSTOMER},
        headers=BUC,
    )
    code_id = response.json()["data"]["id"]
    clock.advance(days=1)
    listed = desks(thia, day(1), include_access_codes=1)["access_codes"]
    assert code_id not in {c["id"] for c in listed}


def test_the_qr_code_download_url_serves_a_png(thia):
    code = book(thia).json()["data"]
    png = thia.get(code["qr_code_download_url"])
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


# --- Print-config ---------------------------------------------------------------------


def test_print_config_lists_the_partner_spaces(config):
    thia = config["thia"]
    assert [entry["name"] for entry in thia] == ["Thia Hub Victoriei", "Thia Cluj Innovation Hub"]
    for entry in thia:
        assert set(entry) == {"name", "base_url", "api_key", "api_secret"}
        assert entry["base_url"] == "http://127.0.0.1:8001/thia/api/v1/partner"
    assert NON_PARTNER_KEY not in {entry["api_key"] for entry in thia}


def test_print_config_credentials_work(client, config):
    for entry in config["thia"]:
        headers = {"X-API-Key": entry["api_key"], "X-API-Secret": entry["api_secret"]}
        assert client.get(f"{P}/space", headers=headers).status_code == 200


def test_include_access_codes_must_be_a_boolean(thia):
    response = thia.get(
        f"{P}/space/desk-availability",
        params={"date": day(1), "include_access_codes": "maybe"},
        headers=BUC,
    )
    assert response.status_code == 400
    message = "The include access codes field must be true or false."
    assert response.json()["errors"] == {"include_access_codes": [message]}


def test_a_body_that_is_not_json_is_a_validation_error(thia):
    response = thia.post(
        f"{P}/access-codes/standalone",
        content=b"not json",
        headers={**BUC, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["message"] == "The start date field is required."
