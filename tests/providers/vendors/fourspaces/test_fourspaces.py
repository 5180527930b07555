"""4Spaces adapter against faked HTTP: the document's shapes and ServiceStack errors."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

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
from providers.vendors.fourspaces.adapter import FourSpacesAdapter
from providers.vendors.fourspaces.parsing import duration_minutes, epoch_ms, opening_hours

BASE = "https://api.4spaces.io"
ORG = "1dbf47269d7156919ffac62d294a65d1"
SECRET = "s3cr3t-never-logged"


def thing(id_, name, sys_type, properties=None, definition=None, categories=None, **extra):
    """A ThingViewExtended as in the document's sample."""
    return {
        "imageUrl": f"https://img.example/{id_}.jpg",
        "thingType": {"id": "0" * 32, "name": sys_type, "sysTypeName": sys_type},
        "thingDefinition": {
            "id": "0" * 32,
            "organizationId": ORG,
            "name": sys_type,
            "description": f"A {sys_type}.",
            "properties": definition or {},
        },
        "userAccesses": extra.pop("userAccesses", []),
        "states": {},
        "properties": properties or {},
        "thingsByCategory": categories or [],
        "organization": {"id": ORG, "code": "KW"},
        "id": id_,
        "organizationId": ORG,
        "name": name,
        "order": 0,
        **extra,
    }


ROOM = thing(
    "a" * 32,
    "Donau",
    "MeetingRoom",
    {"capacity": "8", "timeZone": "Europe/Vienna", "productId": "p1" + "0" * 30},
    {"capacity": 10, "bookable": True, "equipment": ["Whiteboard", "Video conferencing"]},
    userAccesses=[
        {
            "id": "0" * 32,
            "userId": 1,
            "businessUserId": 2,
            "validFrom": 1767258000000,  # 2026-01-01 09:00 UTC
            "validTo": 1767261600000,
            "activeFrom": 1767258000000,
            "permission": ["Enter"],
        }
    ],
)
DESKS = thing(
    "d" * 32,
    "Open Space",
    "DeskArea",
    {"capacity": "24", "desks": "24"},
    {"bookable": True},
)
BOOTH = thing("e" * 32, "Phone booth 1", "PhoneBooth", {"capacity": "1"}, {"bookable": False})
FLOOR = thing(
    "f" * 32,
    "1. Stock",
    "Floor",
    {"level": "1"},
    categories=[
        {"id": "1" * 32, "name": "Meeting rooms", "things": [ROOM]},
        {"id": "2" * 32, "name": "Desk areas", "things": [DESKS]},
        {"id": "3" * 32, "name": "Phone booths", "things": [BOOTH]},
    ],
)
BUILDING = thing(
    "b" * 32,
    "Kanalwerk Leopoldstadt",
    "Building",
    {
        "address": "Obere Donaustraße 95",
        "postalCode": "1020",
        "city": "Wien",
        "country": "AT",
        "latitude": "48.2166",
        "longitude": "16.3743",
        "timeZone": "Europe/Vienna",
        "openingHours": "Mo-Fr 08:00-20:00; Sa 09:00-14:00",
        "phone": "+43 1 890 45 10",
        "email": "hello@kanalwerk.example",
    },
    categories=[{"id": "4" * 32, "name": "Floors", "things": [FLOOR]}],
)
SECOND = thing("c" * 32, "Kanalwerk Neubau", "Building", {"city": "Wien", "country": "Austria"})

EUR = {"id": "0" * 32, "name": "Euro", "code": "EUR", "symbol": "€"}


def service(id_, service_type, products, **extra):
    """A ServiceView as in the document's sample."""
    return {
        "id": id_,
        "organizationId": ORG,
        "serviceType": service_type,
        "name": f"Service {id_[:4]}",
        "description": "A service.",
        "subTitle": "Sub",
        "isPublic": True,
        "requireConfirmation": False,
        "requirePayment": True,
        "currency": EUR,
        "vatPercentage": 20,
        "products": products,
        "addons": [
            {
                "id": "9" * 32,
                "name": "Coffee",
                "unitPrice": 4.5,
                "vatPercentage": 10,
                "maxQuantity": 60,
                "externalId": "KW-COFFEE",
            }
        ],
        "personOption": {
            "id": "0" * 32,
            "canSelectChildren": False,
            "maxAdultCount": 4,
            "maxChildrenCount": 0,
            "adultPriceMultiplier": 1,
            "childPriceMultiplier": 0,
        },
        "providers": {},
        "organization": {"id": ORG, "code": "KW"},
        **extra,
    }


def product(id_, name, price, **extra):
    return {
        "id": id_,
        "name": name,
        "description": f"{name}, described.",
        "unitPrice": price,
        "minimalPrice": price,
        "imageUrl": f"https://img.example/p/{id_}.jpg",
        "externalId": [],
        **extra,
    }


MEETING = service(
    "s1" + "0" * 30,
    1,
    [
        product(
            "p1" + "0" * 30,
            "Donau (8 people)",
            45,
            externalId=["a" * 32],
            reservationData={"id": "0" * 32, "accessTemplateId": "t" * 32},
        ),
        product("p9" + "0" * 30, "Kanalsaal", 150, minimalPrice=300, externalId=["a" * 32]),
    ],
    timeOption={
        "id": "0" * 32,
        "type": 1,
        "timespanOptions": {
            "minDuration": 60,
            "maxDuration": 600,
            "increment": 30,
            "incrementPriceMultiplier": 0.5,
        },
    },
)
DAYPASS = service(
    "s2" + "0" * 30,
    1,
    [product("p2" + "0" * 30, "Hot Desk Day Pass", 25, externalId=["d" * 32])],
    timeOption={
        "id": "0" * 32,
        "type": 0,
        "dailyOptions": {"checkin": "PT8H", "checkout": "PT18H"},
    },
)
REQUESTS = service(
    "s3" + "0" * 30,
    2,
    [product("p3" + "0" * 30, "Mail handling", 19, requestData={"options": ["Hold", "Scan"]})],
    requireConfirmation=True,
)
PERKS = service(
    "s4" + "0" * 30,
    3,
    [
        product(
            "p4" + "0" * 30,
            "Gym",
            39,
            vatPercentage=10,
            externalData={"serviceUrl": "https://gym.example/partner", "rating": 4.6},
        )
    ],
)
EVENTS = service(
    "s5" + "0" * 30,
    4,
    [product("p5" + "0" * 30, "Breakfast", 12, ticketData={"accessTemplateId": "t" * 32})],
    personOption={
        "canSelectChildren": True,
        "maxAdultCount": 4,
        "maxChildrenCount": 3,
        "adultPriceMultiplier": 1,
        "childPriceMultiplier": 0.5,
    },
)


def details(**overrides):
    data = {
        "id": ORG,
        "name": "Kanalwerk Coworking Wien",
        "code": "KANALWERK",
        "smartSpaces": [copy.deepcopy(BUILDING), copy.deepcopy(SECOND)],
        "services": copy.deepcopy([MEETING, DAYPASS, REQUESTS, PERKS, EVENTS]),
        "reservationConfig": {"timeZone": "Europe/Vienna", "minimumNoticeMinutes": 30},
        "dashboardConfig": {"spaceLabel": "Location"},
    }
    data.update(overrides)
    return {"data": data}


def status(code, message, errors=None):
    """The document's ResponseStatus error body."""
    return {"responseStatus": {"errorCode": code, "message": message, "errors": errors or []}}


ACCOUNT = AccountConfig(
    kind="fourspaces",
    name="4Spaces test",
    config={"base_url": BASE, "organization_id": ORG},
    credentials={"api_key": SECRET},
)


def make(handler, **kwargs):
    return FourSpacesAdapter(ACCOUNT, transport=httpx.MockTransport(handler), **kwargs)


def answer(body=None, status_code=200, **kwargs):
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(status_code, json=body, **kwargs)

    handler.calls = calls
    return handler


def space_by_name(catalogue, name):
    return next(s for s in catalogue.spaces if s.name == name)


# --- the request ----------------------------------------------------------------------


def test_asks_for_spaces_things_and_services_as_json():
    handler = answer(details())
    make(handler).fetch_catalogue()
    (request,) = handler.calls
    assert request.method == "GET"
    assert request.url.path == "/organization/details"
    params = dict(request.url.params)
    assert params == {
        "OrganizationId": ORG,
        "LoadSmartSpaces": "true",
        "LoadSmartSpaceThings": "true",
        "LoadServices": "true",
        "format": "json",
    }
    assert request.headers["Accept"] == "application/json"


def test_no_documented_rate_limit():
    assert FourSpacesAdapter.rate_limit is None


# --- the mapping ----------------------------------------------------------------------


def test_each_top_level_smart_space_becomes_a_space_with_its_address():
    catalogue = make(answer(details())).fetch_catalogue()
    assert [s.external_id for s in catalogue.spaces] == ["b" * 32, "c" * 32]
    space = space_by_name(catalogue, "Kanalwerk Leopoldstadt")
    assert space.timezone == "Europe/Vienna"
    assert space.address == "Obere Donaustraße 95, 1020 Wien"
    assert (space.city, space.country, space.country_code) == ("Wien", "Austria", "AT")
    assert (space.latitude, space.longitude) == (Decimal("48.2166"), Decimal("16.3743"))
    assert space.photos == [f"https://img.example/{'b' * 32}.jpg"]
    assert space.contact == {"phone": "+43 1 890 45 10", "email": "hello@kanalwerk.example"}
    assert "Phone booths" in space.amenities and "Meeting rooms" in space.amenities
    hours = {h.weekday: (h.opens, h.closes) for h in space.opening_hours}
    assert hours[0] == (dt.time(8), dt.time(20))
    assert hours[5] == (dt.time(9), dt.time(14))
    assert hours[6] == (None, None)
    # a building without its own time zone takes the organization's
    other = space_by_name(catalogue, "Kanalwerk Neubau")
    assert other.timezone == "Europe/Vienna"
    assert (other.country, other.country_code) == ("Austria", "AT")


def test_timespan_reservation_products_become_rooms_priced_per_length():
    catalogue = make(answer(details())).fetch_catalogue()
    space = space_by_name(catalogue, "Kanalwerk Leopoldstadt")
    rooms = {r.external_id: r for r in space.resources}
    donau = rooms["p1" + "0" * 30]
    assert donau.kind == "meeting_room"
    assert donau.name == "Donau (8 people)"
    assert donau.capacity == 8  # the room's own property wins over its template's 10
    assert donau.features == ["Whiteboard", "Video conferencing"]
    assert donau.currency == "EUR"
    # unit price covers the minimum (60 min); each 30-minute increment adds 0.5 x unit
    assert donau.price_hour == Decimal("45.00")
    assert donau.price_half_day == Decimal("180.00")
    assert donau.price_day == Decimal("360.00")
    assert donau.rules["min_minutes"] == 60
    assert donau.rules["max_minutes"] == 600
    assert donau.rules["step_minutes"] == 30
    assert donau.rules["lead_time_minutes"] == 30
    assert donau.raw["service_id"] == "s1" + "0" * 30
    assert donau.raw["vat_percentage"] == Decimal(20)
    assert donau.raw["addons"][0]["vat_percentage"] == Decimal(10)
    assert donau.raw["reservationData"]["accessTemplateId"] == "t" * 32
    vienna = ZoneInfo("Europe/Vienna")
    assert donau.raw["taken"] == [
        {
            "smart_space_id": "a" * 32,
            "start": dt.datetime(2026, 1, 1, 10, tzinfo=vienna),
            "end": dt.datetime(2026, 1, 1, 11, tzinfo=vienna),
        }
    ]
    # minimalPrice is a floor on the total
    assert rooms["p9" + "0" * 30].price_hour == Decimal("300.00")
    assert rooms["p9" + "0" * 30].price_half_day == Decimal("600.00")
    # a room linked to one building is not offered in the other
    assert space_by_name(catalogue, "Kanalwerk Neubau").resources == []


def test_daily_requests_external_and_ticket_services_become_offers():
    catalogue = make(answer(details())).fetch_catalogue()
    space = space_by_name(catalogue, "Kanalwerk Leopoldstadt")
    offers = {o.external_id: o for o in space.offers}
    day = offers["p2" + "0" * 30]
    assert (day.kind, day.price, day.currency, day.price_unit) == (
        "day_pass",
        Decimal(25),
        "EUR",
        "day",
    )
    assert day.validity_days == 1
    assert day.max_persons == 4
    assert day.capacity == 24
    assert day.raw["time_option"] == {"type": "daily", "checkin": "08:00", "checkout": "18:00"}

    mail = offers["p3" + "0" * 30]
    assert (mail.kind, mail.price_unit, mail.price) == ("service", "request", Decimal(19))
    assert mail.raw["requires_confirmation"] is True
    assert mail.raw["requestData"]["options"] == ["Hold", "Scan"]

    gym = offers["p4" + "0" * 30]
    assert gym.kind == "service"
    assert gym.raw["service_url"] == "https://gym.example/partner"
    assert gym.raw["vat_percentage"] == Decimal(10)  # the product's own VAT

    ticket = offers["p5" + "0" * 30]
    assert (ticket.kind, ticket.price_unit) == ("service", "ticket")
    assert ticket.max_persons == 7  # 4 adults + 3 children
    assert ticket.raw["person_option"]["child_price_multiplier"] == Decimal("0.5")

    # products tied to no smart space are offered in every space
    neubau = {o.external_id for o in space_by_name(catalogue, "Kanalwerk Neubau").offers}
    assert neubau == {"p3" + "0" * 30, "p4" + "0" * 30, "p5" + "0" * 30}


def test_the_documents_placeholder_sample_does_not_break_the_sync():
    """The doc's sample (placeholders "String", 0, MinValue dates) reads without errors."""
    sample_thing = thing("0" * 32, "String", "String", {"String": "String"})
    sample_thing["userAccesses"][:] = [
        {"validFrom": -62135596800000, "validTo": -62135596800000, "permission": ["String"]}
    ]
    sample_service = service(
        "0" * 32,
        1,
        [product("0" * 32, "String", 0, externalId=["String"])],
        currency={"id": "0" * 32, "name": "String", "code": "String", "symbol": "String"},
        timeOption={"type": 0, "dailyOptions": {"checkin": "PT0S", "checkout": "PT0S"}},
    )
    body = details(smartSpaces=[sample_thing], services=[sample_service], reservationConfig={})
    catalogue = make(answer(body)).fetch_catalogue()
    assert [s.timezone for s in catalogue.spaces] == ["UTC"]
    assert catalogue.skipped[0].reason == "no ISO currency code"


# --- one bad item ---------------------------------------------------------------------


def test_one_malformed_product_is_skipped_and_the_rest_syncs():
    body = details()
    body["data"]["services"][0]["products"][0]["unitPrice"] = "lots"
    body["data"]["smartSpaces"].append({"name": "no id"})
    catalogue = make(answer(body)).fetch_catalogue()
    assert [s.where for s in catalogue.skipped] == [
        "smart space #3",
        f"service {'s1' + '0' * 30} product {'p1' + '0' * 30}",
    ]
    space = space_by_name(catalogue, "Kanalwerk Leopoldstadt")
    assert [r.external_id for r in space.resources] == ["p9" + "0" * 30]
    assert len(space.offers) == 4


def test_an_unknown_service_type_is_skipped():
    body = details()
    body["data"]["services"][1]["serviceType"] = 9
    catalogue = make(answer(body)).fetch_catalogue()
    assert catalogue.skipped[0].where == f"service {'s2' + '0' * 30}"
    assert "serviceType" in catalogue.skipped[0].reason


# --- errors ---------------------------------------------------------------------------


def test_missing_organization_id_is_rejected_with_the_providers_message():
    body = status(
        "NotEmpty",
        "'Organization Id' must not be empty.",
        [
            {
                "errorCode": "NotEmpty",
                "fieldName": "OrganizationId",
                "message": "'Organization Id' must not be empty.",
                "meta": {"PropertyName": "Organization Id"},
            }
        ],
    )
    with pytest.raises(RejectedError) as caught:
        make(answer(body, 400)).fetch_catalogue()
    assert caught.value.message == "'Organization Id' must not be empty."
    assert caught.value.code == "NotEmpty"
    assert caught.value.status == 400


def test_binding_errors_carry_the_field_message():
    body = status(
        "SerializationException",
        "Unable to bind to request 'GetOrganizationDetails'",
        [
            {
                "errorCode": "SerializationException",
                "fieldName": "LoadServices",
                "message": "'maybe' is an Invalid value for 'LoadServices'",
            }
        ],
    )
    with pytest.raises(RejectedError) as caught:
        make(answer(body, 400)).fetch_catalogue()
    assert caught.value.message == (
        "Unable to bind to request 'GetOrganizationDetails': "
        "'maybe' is an Invalid value for 'LoadServices'"
    )


def test_a_bad_guid_is_rejected():
    with pytest.raises(RejectedError, match="Unrecognized Guid format"):
        make(answer(status("FormatException", "Unrecognized Guid format."), 400)).fetch_catalogue()


def test_an_unknown_organization_is_not_found():
    body = status("NotFound", f"Organization '{ORG}' not found")
    with pytest.raises(NotFoundError) as caught:
        make(answer(body, 404)).fetch_catalogue()
    assert caught.value.code == "NotFound"


def test_refused_credentials_are_an_authentication_error():
    with pytest.raises(AuthenticationError, match="Not Authenticated"):
        make(answer(status("Unauthorized", "Not Authenticated"), 401)).fetch_catalogue()


def test_an_error_status_sent_with_200_is_rejected():
    with pytest.raises(RejectedError, match="Something broke"):
        make(answer(status("Exception", "Something broke"))).fetch_catalogue()


def test_server_errors_are_retried_then_transient(no_sleep):
    handler = answer(status("Exception", "boom"), 500)
    with pytest.raises(TransientError, match="boom"):
        make(handler, sleep=no_sleep).fetch_catalogue()
    assert len(handler.calls) == FourSpacesAdapter.max_attempts
    assert len(no_sleep) == FourSpacesAdapter.max_attempts - 1


def test_a_timeout_is_retried_and_can_recover(no_sleep):
    attempts = []

    def handler(request):
        attempts.append(request)
        if len(attempts) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json=details())

    catalogue = make(handler, sleep=no_sleep).fetch_catalogue()
    assert len(catalogue.spaces) == 2
    assert len(no_sleep) == 1


def test_timeouts_every_time_are_transient(no_sleep):
    def handler(request):
        raise httpx.ConnectTimeout("down", request=request)

    with pytest.raises(TransientError):
        make(handler, sleep=no_sleep).fetch_catalogue()


def test_429_honours_retry_after(no_sleep):
    responses = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}, json=status("TooMany", "slow")),
            httpx.Response(200, json=details()),
        ]
    )
    catalogue = make(lambda request: next(responses), sleep=no_sleep).fetch_catalogue()
    assert len(catalogue.spaces) == 2
    assert len(no_sleep) == 1 and 7 <= no_sleep[0] <= 7.25


@pytest.mark.parametrize(
    "body",
    [
        b"<html>gateway</html>",
        b"[]",
        b'{"data": []}',
        b'{"data": {"id": "x", "services": []}}',
        b'{"data": {"id": "x", "smartSpaces": []}}',
    ],
)
def test_malformed_answers_raise(body):
    handler = lambda request: httpx.Response(200, content=body)  # noqa: E731
    with pytest.raises(MalformedResponseError):
        make(handler).fetch_catalogue()


def test_no_secret_or_query_reaches_the_logs(caplog, no_sleep):
    caplog.set_level(logging.DEBUG)
    make(answer(details())).fetch_catalogue()
    with pytest.raises(TransientError):
        make(answer(status("Exception", "boom"), 503), sleep=no_sleep).fetch_catalogue()
    assert caplog.records
    for record in caplog.records:
        message = record.getMessage()
        assert SECRET not in message
        assert ORG not in message


# --- helpers --------------------------------------------------------------------------


def test_epoch_milliseconds_become_aware_datetimes():
    assert epoch_ms(0) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert epoch_ms(1767258000000).utcoffset() == dt.timedelta(0)
    assert epoch_ms(-62135596800000) is None  # DateTime.MinValue: not set
    assert epoch_ms(None) is None


def test_iso_durations():
    assert duration_minutes("PT8H") == 480
    assert duration_minutes("PT8H30M") == 510
    assert duration_minutes("PT0S") == 0
    assert duration_minutes("P1D") == 1440
    assert duration_minutes("8 hours") is None


def test_opening_hours_that_do_not_parse_give_none():
    assert opening_hours("whenever") == []
    assert opening_hours("Mo-Su 00:00-24:00")[6].closes_next_day is True


def test_member_facing_words_are_message_codes_of_the_spec():
    """A price on request and a request's next step are codes, rendered where shown."""
    from providers.adapters.types import BookingRequest, Customer, ItemRef
    from providers.messages import Message

    adapter = make(lambda request: httpx.Response(500))
    item = ItemRef("p" * 32, "offer", "Europe/Vienna", "b" * 32, raw={"unit_price": None})
    start = dt.datetime(2030, 1, 7, 9, tzinfo=ZoneInfo("Europe/Vienna"))
    request = BookingRequest(
        uid="u1",
        kind="pass",
        start=start,
        end=start + dt.timedelta(hours=8),
        customer=Customer("a@b.c", "A", "B"),
    )
    quote = adapter.quote(item, request)
    assert quote.total is None and quote.note == Message("price_on_request")
    result = adapter.submit(item, request)
    assert result.status == "awaiting_approval"
    assert result.next_step == Message("fourspaces.request_sent")
    assert "our team will confirm yours with the space" in str(result.next_step)
    assert "4Spaces request is waiting" in result.staff_action  # staff words stay English


def test_a_round_vat_rate_is_shown_as_a_plain_number():
    """20 % VAT reads "VAT 20 %", not "VAT 2E+1 %"; 5.5 % stays 5.5."""
    from providers.adapters.types import BookingRequest, Customer, ItemRef

    adapter = make(lambda request: httpx.Response(500))
    start = dt.datetime(2030, 1, 7, 9, tzinfo=ZoneInfo("Europe/Vienna"))
    request = BookingRequest(
        uid="u1",
        kind="pass",
        start=start,
        end=start + dt.timedelta(hours=8),
        customer=Customer("a@b.c", "A", "B"),
    )
    labels = []
    for rate in (Decimal("20.00"), Decimal("5.50")):
        raw = {"unit_price": Decimal(100), "vat_percentage": rate}
        item = ItemRef("p" * 32, "offer", "Europe/Vienna", "b" * 32, raw=raw)
        labels += [str(lb) for lb, _ in adapter.quote(item, request).lines if "VAT" in str(lb)]
    assert labels == ["VAT 20 %", "VAT 5.5 %"]
