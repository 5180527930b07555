"""The 4Spaces sandbox: GET /organization/details as the seed document describes it."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from zoneinfo import ZoneInfo

import pytest

from sandbox.fourspaces import to_jsv

PATH = "/4spaces/organization/details"
ALL = {"LoadSmartSpaces": "true", "LoadSmartSpaceThings": "true", "LoadServices": "true"}
GUID = re.compile(r"^[0-9a-f]{32}$")
VIENNA = ZoneInfo("Europe/Vienna")


@pytest.fixture
def org_id(config):
    return config["fourspaces"]["organization_id"]


def details(client, org_id, **params):
    return client.get(PATH, params={"OrganizationId": org_id, **params})


def everything(client, org_id):
    response = details(client, org_id, **ALL)
    assert response.status_code == 200
    return response.json()["data"]


def walk(things):
    """Every thing of a smart-space tree, depth first."""
    for thing in things:
        yield thing
        for category in thing.get("thingsByCategory") or []:
            yield from walk(category["things"])


def service_of_type(data, service_type):
    return [s for s in data["services"] if s["serviceType"] == service_type]


def ms(day: dt.date, hour: int, minute: int = 0) -> int:
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIENNA)
    return int(local.timestamp() * 1000)


# --- print-config ---------------------------------------------------------------------


def test_print_config_gives_base_url_and_organization_id(config):
    part = config["fourspaces"]
    assert part["base_url"] == "http://127.0.0.1:8001/4spaces"
    assert GUID.match(part["organization_id"])


# --- the request parameters -----------------------------------------------------------


def test_without_load_flags_only_the_organization_itself_is_returned(client, org_id):
    response = details(client, org_id)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["data"]  # responseStatus is null on success: left out
    data = body["data"]
    assert data["id"] == org_id
    assert data["name"] == "Kanalwerk Coworking Wien"
    assert data["code"] == "KANALWERK"
    assert "smartSpaces" not in data and "services" not in data
    assert data["reservationConfig"]["timeZone"] == "Europe/Vienna"
    assert data["dashboardConfig"] == {"spaceLabel": "Location"}


def test_load_smart_spaces_without_things_gives_spaces_without_their_things(client, org_id):
    data = details(client, org_id, LoadSmartSpaces="true").json()["data"]
    assert [s["name"] for s in data["smartSpaces"]] == [
        "Kanalwerk Leopoldstadt",
        "Kanalwerk Neubau",
    ]
    assert all("thingsByCategory" not in s for s in data["smartSpaces"])
    assert "services" not in data


def test_load_smart_space_things_nests_things_by_category(client, org_id):
    data = details(client, org_id, LoadSmartSpaces="true", LoadSmartSpaceThings="true").json()[
        "data"
    ]
    leopoldstadt = data["smartSpaces"][0]
    floors = leopoldstadt["thingsByCategory"][0]
    assert floors["name"] == "Floors"
    assert [f["name"] for f in floors["things"]] == ["Erdgeschoss", "1. Stock"]
    first_floor = floors["things"][1]
    meeting = next(c for c in first_floor["thingsByCategory"] if c["name"] == "Meeting rooms")
    assert [r["name"] for r in meeting["things"]] == ["Donau", "Prater", "Augarten"]
    donau = meeting["things"][0]
    assert donau["thingType"]["sysTypeName"] == "MeetingRoom"
    assert donau["properties"]["capacity"] == "8"
    assert [c["name"] for c in donau["thingsByCategory"]] == ["Access", "Climate"]
    assert "services" not in data


def test_things_flag_alone_does_not_load_smart_spaces(client, org_id):
    data = details(client, org_id, LoadSmartSpaceThings="true").json()["data"]
    assert "smartSpaces" not in data


def test_load_services_alone(client, org_id):
    data = details(client, org_id, LoadServices="true").json()["data"]
    assert "smartSpaces" not in data
    assert {s["serviceType"] for s in data["services"]} == {1, 2, 3, 4}


def test_parameter_names_are_case_insensitive(client, org_id):
    response = client.get(
        PATH, params={"organizationid": org_id, "loadservices": "True", "LOADSMARTSPACES": "1"}
    )
    assert response.status_code == 200
    assert "services" in response.json()["data"]
    assert "smartSpaces" in response.json()["data"]


def test_false_flags_and_checkbox_style_values(client, org_id):
    data = details(client, org_id, LoadServices="false", LoadSmartSpaces="true,false").json()[
        "data"
    ]
    assert "services" not in data
    assert "smartSpaces" in data


@pytest.mark.parametrize("style", ["dashed", "braced", "upper"])
def test_organization_id_is_accepted_in_any_guid_format(client, org_id, style):
    value = str(uuid.UUID(org_id))
    value = {"dashed": value, "braced": "{" + value + "}", "upper": org_id.upper()}[style]
    response = details(client, value)
    assert response.status_code == 200
    assert response.json()["data"]["id"] == org_id


def test_version_is_accepted(client, org_id):
    assert details(client, org_id, Version="2").status_code == 200


# --- errors ---------------------------------------------------------------------------


def test_missing_organization_id_is_a_validation_error(client):
    response = client.get(PATH, params={"LoadServices": "true"})
    assert response.status_code == 400
    status = response.json()["responseStatus"]
    assert status["errorCode"] == "NotEmpty"
    assert status["message"] == "'Organization Id' must not be empty."
    assert status["errors"][0]["fieldName"] == "OrganizationId"
    assert "data" not in response.json()


def test_unknown_organization_is_404_not_found(client):
    unknown = "11111111-2222-3333-4444-555555555555"
    response = details(client, unknown, **ALL)
    assert response.status_code == 404
    assert response.json() == {
        "responseStatus": {
            "errorCode": "NotFound",
            "message": f"Organization '{unknown}' not found",
            "errors": [],
        }
    }


def test_malformed_organization_id_is_400(client):
    response = details(client, "kanalwerk")
    assert response.status_code == 400
    assert response.json()["responseStatus"]["errorCode"] == "FormatException"
    assert response.json()["responseStatus"]["message"] == "Unrecognized Guid format."


def test_values_that_do_not_bind_are_a_serialization_error(client, org_id):
    response = details(client, org_id, LoadServices="yes please", Version="v2")
    assert response.status_code == 400
    status = response.json()["responseStatus"]
    assert status["errorCode"] == "SerializationException"
    assert status["message"] == "Unable to bind to request 'GetOrganizationDetails'"
    assert status["errors"] == [
        {
            "errorCode": "SerializationException",
            "fieldName": "LoadServices",
            "message": "'yes please' is an Invalid value for 'LoadServices'",
        },
        {
            "errorCode": "SerializationException",
            "fieldName": "Version",
            "message": "'v2' is an Invalid value for 'Version'",
        },
    ]


def test_only_get_is_served(client, org_id):
    assert client.post(PATH, params={"OrganizationId": org_id}).status_code == 405


# --- formats --------------------------------------------------------------------------


def parse_jsv(text: str):
    """A small JSV reader: objects, lists, quoted and bare strings (scalars as text)."""
    pos = 0

    def value():
        nonlocal pos
        if text[pos] == "{":
            pos += 1
            result = {}
            while text[pos] != "}":
                key = scalar(stop=":")
                pos += 1  # ':'
                result[key] = value()
                if text[pos] == ",":
                    pos += 1
            pos += 1
            return result
        if text[pos] == "[":
            pos += 1
            items = []
            while text[pos] != "]":
                items.append(value())
                if text[pos] == ",":
                    pos += 1
            pos += 1
            return items
        return scalar(stop=",}]")

    def scalar(stop):
        nonlocal pos
        if text[pos] == '"':
            pos += 1
            out = []
            while True:
                if text[pos] == '"':
                    if pos + 1 < len(text) and text[pos + 1] == '"':
                        out.append('"')
                        pos += 2
                        continue
                    pos += 1
                    return "".join(out)
                out.append(text[pos])
                pos += 1
        start = pos
        while pos < len(text) and text[pos] not in stop:
            pos += 1
        return text[start:pos]

    result = value()
    assert pos == len(text)
    return result


def as_text(value):
    """A JSON value with its scalars written as JSV writes them."""
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return value


@pytest.mark.parametrize(
    ("path", "params", "headers"),
    [
        (PATH, {}, {"Accept": "text/jsv"}),
        (PATH, {"format": "jsv"}, {}),
        (PATH + ".jsv", {}, {}),
        (PATH, {"format": "jsv"}, {"Accept": "application/json"}),
    ],
)
def test_jsv_is_served_on_request_and_carries_the_same_data_as_json(
    client, org_id, path, params, headers
):
    query = {"OrganizationId": org_id, **ALL, **params}
    response = client.get(path, params=query, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/jsv")
    assert response.text.startswith("{data:{id:" + org_id + ",name:Kanalwerk Coworking Wien,")
    as_json = details(client, org_id, **ALL).json()
    assert parse_jsv(response.text) == as_text(as_json)


def test_jsv_writes_booleans_and_quotes_strings_with_special_characters():
    assert to_jsv({"a": False, "b": True, "c": None}) == "{a:False,b:True}"
    assert to_jsv({"s": 'Me, "Junior"'}) == '{s:"Me, ""Junior"""}'
    assert to_jsv({"u": "https://x.example/a?b=c", "e": ""}) == '{u:https://x.example/a?b=c,e:""}'
    assert to_jsv([1, 2.5, "x"]) == "[1,2.5,x]"


@pytest.mark.parametrize(
    ("params", "headers"),
    [({"format": "json"}, {"Accept": "text/jsv"}), ({}, {"Accept": "application/json"}), ({}, {})],
)
def test_json_is_served_on_request_and_by_default(client, org_id, params, headers):
    response = client.get(PATH, params={"OrganizationId": org_id, **params}, headers=headers)
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"]["id"] == org_id


def test_json_suffix(client, org_id):
    response = client.get(PATH + ".json", params={"OrganizationId": org_id})
    assert response.headers["content-type"].startswith("application/json")


def test_errors_follow_the_requested_format(client):
    response = client.get(PATH, headers={"Accept": "text/jsv"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/jsv")
    status = parse_jsv(response.text)["responseStatus"]
    assert status["errorCode"] == "NotEmpty"
    assert status["message"] == "'Organization Id' must not be empty."


# --- conventions of the document's sample ---------------------------------------------


def test_guids_dates_timespans_and_enums_are_written_as_in_the_sample(client, org_id):
    data = everything(client, org_id)
    for thing in walk(data["smartSpaces"]):
        assert GUID.match(thing["id"]) and GUID.match(thing["organizationId"])
        assert thing["organization"] == {"id": org_id, "code": "KANALWERK"}
        for access in thing["userAccesses"]:
            assert isinstance(access["validFrom"], int)  # epoch milliseconds
            assert isinstance(access["activeFrom"], int)
        for values in thing["states"].values():
            assert all(isinstance(v["ts"], int) and isinstance(v["value"], str) for v in values)
        assert all(isinstance(v, str) for v in thing["properties"].values())
    daily = service_of_type(data, 1)[0]["timeOption"]
    assert daily["type"] == 0
    assert daily["dailyOptions"] == {"checkin": "PT8H", "checkout": "PT18H"}
    assert all(isinstance(f["feature"], int) for f in data["featureConfig"])
    assert [f["feature"] for f in data["featureConfig"]] == list(range(21))


def test_keys_follow_the_documented_order(client, org_id):
    data = everything(client, org_id)
    assert list(data) == [
        "id",
        "name",
        "code",
        "smartSpaces",
        "services",
        "reservationConfig",
        "featureConfig",
        "dashboardConfig",
    ]
    space = data["smartSpaces"][0]
    assert list(space)[-4:] == ["id", "organizationId", "name", "order"]
    assert list(space["thingsByCategory"][0]) == ["things", "id", "name"]


# --- seed: services -------------------------------------------------------------------


def test_every_service_type_is_seeded_with_currency_and_vat(client, org_id):
    data = everything(client, org_id)
    assert [s["serviceType"] for s in data["services"]] == [1, 1, 1, 2, 3, 4]
    for service in data["services"]:
        assert service["currency"] == {
            "id": service["currency"]["id"],
            "name": "Euro",
            "code": "EUR",
            "symbol": "€",
        }
        assert service["vatPercentage"] == 20
        assert service["products"] and service["addons"] and service["personOption"]
        assert service["organizationId"] == org_id


def test_daily_and_timespan_reservation_services(client, org_id):
    reservations = service_of_type(everything(client, org_id), 1)
    day_pass, meeting_rooms, offices = reservations
    assert day_pass["timeOption"]["dailyOptions"] == {"checkin": "PT8H", "checkout": "PT18H"}
    assert "timespanOptions" not in day_pass["timeOption"]
    assert offices["timeOption"]["dailyOptions"]["checkout"] == "PT20H"
    assert offices["isPublic"] is False and offices["requireConfirmation"] is True
    assert meeting_rooms["timeOption"]["type"] == 1
    assert meeting_rooms["timeOption"]["timespanOptions"] == {
        "minDuration": 60,
        "maxDuration": 600,
        "increment": 30,
        "incrementPriceMultiplier": 0.5,
    }
    kanalsaal = meeting_rooms["products"][-1]
    assert (kanalsaal["unitPrice"], kanalsaal["minimalPrice"]) == (150, 300)
    lunch = next(a for a in meeting_rooms["addons"] if a["name"].startswith("Lunch"))
    assert (lunch["unitPrice"], lunch["vatPercentage"], lunch["maxQuantity"]) == (16.9, 10, 60)
    for product in day_pass["products"] + meeting_rooms["products"]:
        assert set(product["reservationData"]) == {
            "id",
            "accessTemplateGroupId",
            "accessTemplateId",
            "autoAssignAccessTemplate",
        }
        assert "requestData" not in product and "ticketData" not in product


def test_request_external_and_ticket_services(client, org_id):
    data = everything(client, org_id)
    (request,) = service_of_type(data, 2)
    card = request["products"][0]
    assert card["requestData"]["options"][:2] == ["Permanent member card", "Guest card (1 day)"]
    assert card["requestData"]["allowComments"] is True
    assert "{{productName}}" in card["requestData"]["approvedTemplate"]
    assert "timeOption" not in request

    (external,) = service_of_type(data, 3)
    gym = external["products"][0]["externalData"]
    assert gym["serviceUrl"] == "https://kanalfit.example/partner/kanalwerk"
    assert (gym["latitude"], gym["longitude"], gym["rating"]) == (48.2179, 16.3778, 4.6)

    (tickets,) = service_of_type(data, 4)
    assert all(GUID.match(p["ticketData"]["accessTemplateId"]) for p in tickets["products"])
    assert tickets["personOption"] == {
        "id": tickets["personOption"]["id"],
        "canSelectChildren": True,
        "maxAdultCount": 4,
        "maxChildrenCount": 3,
        "adultPriceMultiplier": 1,
        "childPriceMultiplier": 0.5,
    }


def test_bookable_products_and_rooms_point_at_each_other(client, org_id):
    data = everything(client, org_id)
    things = {t["id"]: t for t in walk(data["smartSpaces"])}
    for service in service_of_type(data, 1):
        for product in service["products"]:
            (room_id,) = product["externalId"][:1]
            assert room_id in things
    donau = next(t for t in things.values() if t["name"] == "Donau")
    meeting = service_of_type(data, 1)[1]
    assert donau["properties"]["productId"] == meeting["products"][0]["id"]


# --- seed: relative to today, deterministic -------------------------------------------


def test_dates_are_relative_to_today_in_vienna_time(client, org_id):
    assert client.post("/_sandbox/reset", json={"today": "2025-03-10"}).status_code == 200
    data = everything(client, org_id)
    donau = next(t for t in walk(data["smartSpaces"]) if t["name"] == "Donau")
    booking = donau["userAccesses"][0]
    # tomorrow 10:00-12:00 Europe/Vienna (CET, UTC+1)
    assert booking["validFrom"] == ms(dt.date(2025, 3, 11), 10) == 1741683600000
    assert booking["validTo"] == ms(dt.date(2025, 3, 11), 12)
    (tickets,) = service_of_type(data, 4)
    assert tickets["products"][0]["name"] == "Founders' Breakfast - Thursday 13 March 2025"
    # summer time is honoured too
    client.post("/_sandbox/reset", json={"today": "2025-07-14"})
    donau = next(t for t in walk(everything(client, org_id)["smartSpaces"]) if t["name"] == "Donau")
    # 10:00 CEST is 08:00 UTC
    assert donau["userAccesses"][0]["validFrom"] == ms(dt.date(2025, 7, 15), 10) == 1752566400000


def test_seed_is_deterministic(client, org_id):
    client.post("/_sandbox/reset", json={"today": "2025-03-10"})
    first = details(client, org_id, **ALL).text
    client.post("/_sandbox/reset", json={"today": "2025-03-10"})
    assert details(client, org_id, **ALL).text == first


def test_a_state_saved_before_the_provider_existed_is_seeded_on_first_use(sandbox, client):
    sandbox.store.data["providers"]["fourspaces"] = {}
    org_id = sandbox.print_config("http://127.0.0.1:8001")["fourspaces"]["organization_id"]
    response = details(client, org_id, LoadServices="true")
    assert response.status_code == 200
    assert len(response.json()["data"]["services"]) == 6
