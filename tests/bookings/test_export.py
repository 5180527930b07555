"""Staff's CSV export of a period's bookings for accounting: times at the space, totals
per provider and currency, bad periods refused in words, formulas neutralised, and
only staff who may view bookings get it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, Kind, Status
from portal import roles
from portal.models import User
from providers import services as catalogue
from providers.models import Resource, Space
from tests.providers import factories

pytestmark = pytest.mark.django_db

URL = reverse("bookings_export")
MARCH = {"from": "2030-03-01", "to": "2030-03-31"}


def room_at(kind: str, space_id: str, zone: str) -> Resource:
    account = factories.account(kind=kind, name=f"{kind} export")
    catalogue.apply_catalogue(account, factories.catalogue(factories.space(space_id)))
    Space.objects.filter(external_id=space_id).update(timezone=zone)
    return Resource.objects.select_related("space__account").get(external_id=f"{space_id}-r1")


def book(member, room, start, *, price="42.00", currency="EUR", status=Status.CONFIRMED, **kw):
    return Booking.objects.create(
        member=member,
        kind=Kind.ROOM,
        space=room.space,
        resource=room,
        status=status,
        start=start,
        end=start + dt.timedelta(hours=2),
        price=Decimal(price) if price is not None else None,
        currency=currency,
        **kw,
    )


@pytest.fixture
def member():
    return User.objects.create_user(email="alice@example.com", password="pw-alice-123")


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(User.objects.create_superuser(email="boss@example.com", password="pw-1"))
    return client


def read(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def totals(rows: list[list[str]]) -> dict[tuple[str, str], tuple[str, str]]:
    start = rows.index(["provider", "currency", "bookings", "sum"])
    return {(r[0], r[1]): (r[2], r[3]) for r in rows[start + 1 :]}


def test_a_period_exports_its_bookings_in_the_spaces_time_with_totals(member, staff_client):
    vienna = room_at("workways", "vie", "Europe/Vienna")
    thia = room_at("thia", "thi", "Europe/Dublin")
    first = book(
        member,
        vienna,
        dt.datetime(2030, 3, 4, 13, 0, tzinfo=dt.UTC),
        provider_reference="WW-1",
    )
    book(member, vienna, dt.datetime(2030, 3, 5, 9, 0, tzinfo=dt.UTC), price="10.50")
    book(member, vienna, dt.datetime(2030, 3, 6, 9, 0, tzinfo=dt.UTC), status=Status.CANCELLED)
    book(member, thia, dt.datetime(2030, 3, 7, 9, 0, tzinfo=dt.UTC), currency="GBP")
    book(member, thia, dt.datetime(2030, 4, 7, 9, 0, tzinfo=dt.UTC))  # outside the period
    # 23:30 UTC on 28 February is already 1 March in Vienna: in the period
    book(member, vienna, dt.datetime(2030, 2, 28, 23, 30, tzinfo=dt.UTC), price="1.00")

    response = staff_client.get(URL, MARCH)
    assert "bookings-2030-03-01-to-2030-03-31.csv" in response["Content-Disposition"]
    rows = read(response)
    header = rows[0]
    assert header[:4] == ["id", "reference", "member email", "provider"]
    listed = [row for row in rows[1:] if row and row[0].isdigit()]
    assert len(listed) == 5
    row = next(r for r in listed if r[0] == str(first.pk))
    named = dict(zip(header, row, strict=True))
    assert named["start"] == "2030-03-04T14:00+01:00"  # Vienna's time, not UTC
    assert named["time zone"] == "Europe/Vienna"
    assert named["reference"] == "WW-1"
    assert named["member email"] == "alice@example.com"
    assert named["price"] == "42.00" and named["currency"] == "EUR"

    sums = totals(rows)
    # the cancelled booking is listed but owes nothing
    assert sums[("Workways", "EUR")] == ("3", "53.50")
    assert sums[("Thia", "GBP")] == ("1", "42.00")


@pytest.mark.parametrize(
    "query, says",
    [
        ({}, "from=YYYY-MM-DD"),
        ({"from": "2030-03-01"}, "from=YYYY-MM-DD"),
        ({"from": "yesterday", "to": "2030-03-31"}, "not a date"),
        ({"from": "2030-02-30", "to": "2030-03-31"}, "not a date"),
        ({"from": "2030-03-31", "to": "2030-03-01"}, "ends before it starts"),
        ({"from": "2029-01-01", "to": "2030-03-01"}, "at most a year"),
    ],
)
def test_a_bad_period_is_refused_in_words(staff_client, query, says):
    response = staff_client.get(URL, query)
    assert response.status_code == 400
    assert says in response.content.decode()


def test_a_whole_year_is_accepted(staff_client):
    assert staff_client.get(URL, {"from": "2028-01-01", "to": "2028-12-31"}).status_code == 200


def test_cells_that_a_spreadsheet_would_run_are_neutralised(staff_client):
    evil = User.objects.create_user(email="=cmd|'/c calc'!a1@example.com", password="pw-evil-1")
    room = room_at("workways", "evl", "Europe/Paris")
    Space.objects.filter(pk=room.space.pk).update(name="@SUM(1+1)")
    book(evil, room, dt.datetime(2030, 3, 4, 9, tzinfo=dt.UTC), provider_reference="+1-HYPER")
    rows = read(staff_client.get(URL, MARCH))
    named = dict(zip(rows[0], rows[1], strict=True))
    assert named["member email"].startswith("'=")
    assert named["space"] == "'@SUM(1+1)"
    assert named["reference"] == "'+1-HYPER"
    assert named["price"] == "42.00"  # ordinary cells untouched


def test_only_staff_who_may_view_bookings_export(member):
    anonymous = Client().get(URL, MARCH)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client = Client()
    client.force_login(member)
    refused = client.get(URL, MARCH)
    assert refused.status_code == 302 and "/admin/login/" in refused["Location"]

    staff_without_role = User.objects.create_user(
        email="new.staff@example.com", password="pw-staff-1", is_staff=True
    )
    client.force_login(staff_without_role)
    assert client.get(URL, MARCH).status_code == 403

    viewer = User.objects.create_user(
        email="viewer@example.com", password="pw-viewer-1", is_staff=True
    )
    viewer.groups.add(Group.objects.get(name=roles.VIEWER))
    client.force_login(viewer)
    assert client.get(URL, MARCH).status_code == 200
