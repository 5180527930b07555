"""Every JSON endpoint refuses a parameter it does not take, naming it (a typo is not
read as a parameter left out), as /api/search always did; the schema fuzz found one
taken silently (``tests/security/test_api_schema.py``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoints(room, day_pass):
    return {
        "spaces": reverse("api_spaces"),
        "slots": reverse("api_slots", args=[room.pk]),
        "days": reverse("api_offer_days", args=[day_pass.pk]),
        "search": reverse("api_search"),
    }


@pytest.mark.parametrize("endpoint", ["spaces", "slots", "days", "search"])
def test_a_parameter_the_endpoint_does_not_take_is_a_400_naming_it(client, endpoints, endpoint):
    answer = client.get(endpoints[endpoint] + "?dat=2030-01-01")
    assert answer.status_code == 400
    assert answer.json() == {"error": "unknown parameter: dat", "parameter": "dat"}


@pytest.mark.parametrize("endpoint", ["spaces", "slots", "days", "search"])
def test_a_parameter_without_a_name_is_a_400(client, endpoints, endpoint):
    answer = client.get(endpoints[endpoint] + "?=false")
    assert answer.status_code == 400 and answer.json()["error"] == "a parameter has no name"


def test_an_offset_past_the_documented_maximum_is_a_400(client):
    answer = client.get(reverse("api_spaces"), {"offset": 10**9 + 1})
    assert answer.status_code == 400 and answer.json()["parameter"] == "offset"
    schema = client.get("/api/openapi.json").json()
    offset = next(
        p for p in schema["paths"]["/api/spaces"]["get"]["parameters"] if p["name"] == "offset"
    )
    assert offset["schema"]["maximum"] == 10**9
