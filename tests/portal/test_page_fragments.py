"""Catalogue pages keep their rendered fragments by catalogue version: a sync or a staff
edit shows at once, and a cache that is down only costs speed."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template

from providers import selectors, services
from providers.adapters.types import ResourceData
from providers.models import Resource, Space
from tests.providers import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    account = factories.account(kind="workways")
    services.apply_catalogue(account, factories.catalogue(_dublin(), _cork()))
    return account


def _dublin(name: str = "Canal Hub", rooms: tuple[str, ...] = ("Liffey", "Boole")):
    return factories.space(
        "dub",
        name=name,
        city="Dublin",
        resources=[
            ResourceData(external_id=r.lower(), name=r, kind="meeting_room", capacity=6)
            for r in rooms
        ],
    )


def _cork():
    return factories.space("cork", name="Harbour Desk", city="Cork")


def test_a_sync_shows_on_every_cached_page_at_once(client, account):
    dublin = Space.objects.get(external_id="dub")
    for url in ("/spaces/", f"/spaces/{dublin.pk}/", "/api/spaces?limit=20", "/"):
        assert client.get(url).status_code == 200  # rendered and kept
    kept = client.get("/spaces/").content.decode()
    assert "Canal Hub" in kept and "Harbour Desk" in kept

    # the provider drops a room and Cork: bulk updates, which send no model signal
    services.apply_catalogue(account, factories.catalogue(_dublin(rooms=("Liffey",))))

    listing = client.get("/spaces/").content.decode()
    assert "Canal Hub" in listing and "Harbour Desk" not in listing
    detail = client.get(f"/spaces/{dublin.pk}/").content.decode()
    assert "Liffey" in detail and "Boole" not in detail
    api = client.get("/api/spaces?limit=20").json()
    assert [item["name"] for item in api["items"]] == ["Canal Hub"]
    assert [r["name"] for r in api["items"][0]["resources"]] == ["Liffey"]

    services.apply_catalogue(account, factories.catalogue(_dublin("Canal Hub Two", ("Liffey",))))
    assert "Canal Hub Two" in client.get("/spaces/").content.decode()
    assert names(client.get("/api/spaces")) == ["Canal Hub Two"]


def test_a_staff_edit_shows_at_once(client, account):
    dublin = Space.objects.get(external_id="dub")
    assert "Canal Hub" in client.get("/spaces/").content.decode()
    assert "Boole" in client.get(f"/spaces/{dublin.pk}/").content.decode()

    one = f"/api/spaces/{dublin.pk}"
    assert client.get(one).json()["name"] == client.get(one).json()["name"] == "Canal Hub"

    dublin.hidden = True  # as the admin does: a save
    dublin.save()
    assert "Canal Hub" not in client.get("/spaces/").content.decode()
    assert client.get(f"/spaces/{dublin.pk}/").status_code == 404
    assert client.get("/api/spaces").json()["count"] == 1
    assert client.get(one).status_code == 404

    dublin.hidden = False
    dublin.save()
    room = Resource.objects.get(external_id="boole")
    room.active = False
    room.save()
    assert "Boole" not in client.get(f"/spaces/{dublin.pk}/").content.decode()
    assert "Boole" not in [r["name"] for r in client.get(one).json()["resources"]]


def test_the_kept_page_is_the_page_rendered_afresh(client, account, settings):
    dublin = Space.objects.get(external_id="dub")
    for url in ("/spaces/", f"/spaces/{dublin.pk}/", "/spaces/?city=Cork", "/api/spaces"):
        first = client.get(url)
        again = client.get(url)
        assert first.status_code == again.status_code == 200
        # the CSRF tokens (masked afresh each time) are the only parts that may differ
        assert _unmasked(again.content) == _unmasked(first.content), url


def test_the_filters_answer_each_query_not_the_first_one_kept(client, account):
    assert "Harbour Desk" not in client.get("/spaces/?city=Dublin").content.decode()
    assert "Canal Hub" not in client.get("/spaces/?city=Cork").content.decode()
    assert names(client.get("/api/spaces?city=Cork")) == ["Harbour Desk"]
    assert names(client.get("/api/spaces?city=Dublin")) == ["Canal Hub"]


def _unmasked(body: bytes) -> bytes:
    return re.sub(rb'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', rb"\1", body)


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def test_a_fragment_without_a_version_is_rendered_each_time():
    template = Template("{% load fragments %}{% fragment t version %}{{ n }}{% endfragment %}")
    assert template.render(Context({"version": None, "n": 1})) == "1"
    assert template.render(Context({"version": None, "n": 2})) == "2"
    assert template.render(Context({"version": "v1", "n": 3})) == "3"
    assert template.render(Context({"version": "v1", "n": 4})) == "3"  # kept
    assert template.render(Context({"version": "v2", "n": 5})) == "5"  # a new version


def test_the_version_changes_with_the_catalogue(account):
    before = selectors.catalogue_version()
    assert before and selectors.catalogue_version() == before
    services.apply_catalogue(account, factories.catalogue(_dublin()))
    assert selectors.catalogue_version() != before
