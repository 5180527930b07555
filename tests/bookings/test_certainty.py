"""Certainty: which bookings are confirmed at once and which wait for the space.

Read from each provider's catalogue as the sandbox (which follows the documents) serves
it, then checked against what the provider answers when the booking is sent.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from bookings.models import ProviderIdentity
from bookings.rules import certainty
from portal.models import User
from providers import registry
from providers.models import Offer, Resource
from sandbox import zentry_seed
from tests.providers.conftest import (  # noqa: F401 (fixtures)
    portal_on_sandbox,
    sandbox,
    sandbox_accounts,
    sandbox_transport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(monkeypatch, sandbox_transport, sandbox_accounts):  # noqa: F811
    def sync(kind: str) -> None:
        for cfg in sandbox_accounts[kind]:
            portal_on_sandbox(monkeypatch, sandbox_transport, cfg)

    return sync


@pytest.fixture
def member():
    return User.objects.create_user(
        email="ada@example.com", password="correct horse 42", first_name="Ada", last_name="L"
    )


def test_every_spec_says_how_long_a_request_waits_or_none(settings):
    # every document is silent on it today; a number, when one says, is positive
    for kind in registry.kinds():
        hours = registry.spec(kind).expected_answer_hours
        assert hours is None or hours > 0


def test_thia_rooms_and_passes_are_instant(synced):
    synced("thia")
    items = [*Resource.objects.filter(active=True), *Offer.objects.filter(active=True)]
    assert items
    assert {certainty(item) for item in items} == {("instant", None)}


def test_fourspaces_is_always_a_request(synced):
    synced("fourspaces")
    items = [*Resource.objects.filter(active=True), *Offer.objects.filter(active=True)]
    assert items
    spec = registry.spec("fourspaces")
    assert {certainty(item) for item in items} == {("request", spec.expected_answer_hours)}


def test_zentry_follows_the_room_and_location_auto_approval(synced):
    synced("zentry")
    by_id = {r.external_id: r for r in Resource.objects.all()}
    assert certainty(by_id[zentry_seed.NY_CONFERENCE_ROOM_ID])[0] == "instant"
    assert certainty(by_id[zentry_seed.LA_BOARDROOM_ID])[0] == "request"  # false on the room
    passes = {o.external_id: o for o in Offer.objects.all()}
    assert certainty(passes[zentry_seed.NY_LOCATION_ID])[0] == "instant"
    if zentry_seed.LA_LOCATION_ID in passes:  # its location says false
        assert certainty(passes[zentry_seed.LA_LOCATION_ID])[0] == "request"


def test_a_zentry_room_synced_before_the_flag_was_kept_is_a_request(synced):
    synced("zentry")
    room = Resource.objects.get(external_id=zentry_seed.NY_CONFERENCE_ROOM_ID)
    room.raw = {k: v for k, v in room.raw.items() if k != "auto_approve"}
    assert certainty(room)[0] == "request"  # never promise what is not known


def test_workways_rooms_are_instant_for_known_users_and_requests_for_new_ones(synced, member):
    synced("workways")
    room = Resource.objects.filter(active=True, kind="meeting_room").first()
    assert room is not None
    assert certainty(room) == ("instant", None)  # the document's rule for existing users
    assert certainty(room, AnonymousUser()) == ("instant", None)
    assert certainty(room, member)[0] == "request"  # not known to be an existing user
    ProviderIdentity.objects.create(
        member=member, account=room.space.account, data={"known_user": True}
    )
    assert certainty(room, member) == ("instant", None)


def test_workways_offices_are_requests(synced):
    synced("workways")
    offices = Offer.objects.filter(active=True, kind="private_office")
    assert offices.exists()
    assert {certainty(o)[0] for o in offices} == {"request"}
