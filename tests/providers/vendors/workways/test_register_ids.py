"""The registration form sends Workways the ids seed 001 asks for: "meetingId ... ID of a
pending meeting request to link with this registration" — a meeting request's id after a
room booking, and none after an office inquiry (whose reference is the organization)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from django.core.cache import cache

from bookings import availability, services
from bookings.models import Status
from portal.models import User
from providers.models import Offer, Resource
from sandbox import workways_seed as seeds
from tests.providers.conftest import portal_on_sandbox

pytestmark = pytest.mark.django_db


class RecordingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport):
        self.inner = inner
        self.registered: list[dict] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/api/register"):
            self.registered.append(json.loads(request.read()))
        return self.inner.handle_request(request)


@pytest.fixture
def transport(sandbox_transport):
    return RecordingTransport(sandbox_transport)


@pytest.fixture
def synced(sandbox_accounts, transport, monkeypatch):
    cache.clear()
    yield portal_on_sandbox(monkeypatch, transport, sandbox_accounts["workways"][0])
    cache.clear()


@pytest.fixture
def newcomer():
    return User.objects.create_user(
        email="aoife.new@example.com",
        password="pw-aoife-123456",
        first_name="Aoife",
        last_name="Byrne",
        phone="+353 1 555 0199",
        company="Byrne Design",
    )


def test_registering_after_an_office_inquiry_sends_the_office_not_a_meeting_id(
    synced, newcomer, transport
):
    office = Offer.objects.select_related("space__account").get(external_id=seeds.R_DUB_OFFICE)
    booking = services.booking_create_inquiry(
        member=newcomer,
        offer=office,
        day=availability.local_today_for(office.space.timezone) + dt.timedelta(days=7),
        message="An office for 3 from next week",
        persons=3,
    )
    assert services.submit(booking.pk) == Status.AWAITING_REGISTRATION
    booking.refresh_from_db()
    organization = booking.provider_reference  # the inquiry's reference: the organization
    services.complete_registration(booking, company="Byrne Design", residents=3, actor=newcomer)
    sent = transport.registered[-1]
    assert "meetingId" not in sent
    assert sent["roomId"] == seeds.R_DUB_OFFICE
    assert organization not in sent.values()


def test_registering_after_a_meeting_request_links_the_request(synced, newcomer, transport):
    room = Resource.objects.select_related("space__account").get(external_id=seeds.R_DUB_B)
    day = availability.local_today_for(room.space.timezone) + dt.timedelta(days=7)
    while day.weekday() >= 5:  # the boardroom is open on weekdays
        day += dt.timedelta(days=1)
    free = [s for s in availability.resource_day(room, day).slots if s.available]
    booking = services.booking_create_room(
        member=newcomer, resource=room, start=free[0].start, end=free[0].end, attendees=4
    )
    assert services.submit(booking.pk) == Status.AWAITING_REGISTRATION  # REQUEST_ACCEPTED
    booking.refresh_from_db()
    services.complete_registration(booking, company="Byrne Design", residents=2, actor=newcomer)
    sent = transport.registered[-1]
    assert sent["meetingId"] == booking.provider_reference  # the meetingRequestId
    assert sent["roomId"] == seeds.R_DUB_B
