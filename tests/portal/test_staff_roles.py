"""Staff roles: the Viewer, Operator and Administrator groups hold what they declare, a
viewer reads bookings but cannot change them, only superusers hand out rights, and
disabling a member turns their calendar link off and lists their future bookings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, FeedToken, Kind, Status
from portal import roles
from portal.models import User
from providers import services as catalogue
from providers.models import Resource
from tests.providers import factories

pytestmark = pytest.mark.django_db


def _perms(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def staff_in(role: str, email: str) -> User:
    user = User.objects.create_user(email=email, password="pw-staff-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def room() -> Resource:
    account = factories.account(kind="workways", name="Roles account")
    catalogue.apply_catalogue(account, factories.catalogue(factories.space("r")))
    return Resource.objects.select_related("space__account").get(external_id="r-r1")


def book(member: User, room: Resource, *, start, status=Status.CONFIRMED) -> Booking:
    return Booking.objects.create(
        member=member,
        kind=Kind.ROOM,
        space=room.space,
        resource=room,
        status=status,
        start=start,
        end=start + dt.timedelta(hours=1),
        price=Decimal("42.00"),
        currency="EUR",
    )


# --- the groups ------------------------------------------------------------------------


def test_the_migration_made_the_three_groups_with_what_they_declare():
    for name, wanted in roles.ROLES.items():
        assert _perms(name) == set(wanted), name
    assert "bookings.change_booking" not in _perms(roles.VIEWER)
    assert "bookings.change_booking" in _perms(roles.OPERATOR)
    assert "providers.change_provideraccount" not in _perms(roles.OPERATOR)
    assert {
        "providers.add_provideraccount",
        "providers.change_provideraccount",
        "bookings.change_exchangerate",
        "portal.change_user",
    } <= _perms(roles.ADMINISTRATOR)


def test_syncing_again_puts_a_group_back_as_declared():
    group = Group.objects.get(name=roles.VIEWER)
    group.permissions.clear()
    roles.sync_roles()
    assert _perms(roles.VIEWER) == set(roles.ROLES[roles.VIEWER])


# --- what each role may do in the admin ----------------------------------------------


def test_a_viewer_reads_bookings_but_cannot_change_them(room):
    alice = User.objects.create_user(email="alice@example.com", password="pw-alice-123")
    booking = book(alice, room, start=timezone.now() + dt.timedelta(days=2))
    viewer = _client(staff_in(roles.VIEWER, "viewer@example.com"))
    change = reverse("admin:bookings_booking_change", args=[booking.pk])

    assert viewer.get(reverse("admin:bookings_booking_changelist")).status_code == 200
    page = viewer.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # read-only: no save button

    refused = viewer.post(change, {"status": Status.CANCELLED, "_save": "Save"})
    assert refused.status_code == 403
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


# Django offers a model's actions to anyone who may view its list unless an action names
# the permission it needs (``allowed_permissions``): a viewer must be offered none.
def test_a_viewer_is_offered_no_action_on_bookings_nor_accounts(room):
    viewer = _client(staff_in(roles.VIEWER, "viewer@example.com"))
    alice = User.objects.create_user(email="alice@example.com", password="pw-alice-123")
    book(alice, room, start=timezone.now() + dt.timedelta(days=2), status=Status.FAILED)
    bookings = viewer.get(reverse("admin:bookings_booking_changelist"))
    assert b'value="retry"' not in bookings.content
    assert b'value="confirm_request"' not in bookings.content
    accounts = viewer.get(reverse("admin:providers_provideraccount_changelist"))
    assert b'value="sync_now"' not in accounts.content


def test_an_operator_may_change_bookings_but_not_provider_accounts(room):
    operator = _client(staff_in(roles.OPERATOR, "operator@example.com"))
    account = room.space.account
    assert operator.get(reverse("admin:bookings_booking_changelist")).status_code == 200
    change = reverse("admin:providers_provideraccount_change", args=[account.pk])
    assert operator.post(change, {"name": "renamed"}).status_code == 403
    assert operator.get(reverse("admin:providers_provideraccount_add")).status_code == 403
    account.refresh_from_db()
    assert account.name == "Roles account"


def test_an_administrator_cannot_make_themselves_superuser():
    admin_user = staff_in(roles.ADMINISTRATOR, "admin@example.com")
    client = _client(admin_user)
    page = client.get(reverse("admin:portal_user_change", args=[admin_user.pk]))
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content
    assert b'name="groups"' not in page.content


def test_an_administrator_cannot_take_over_another_staff_account():
    boss = User.objects.create_superuser(email="boss@example.com", password="pw-boss-123")
    client = _client(staff_in(roles.ADMINISTRATOR, "admin@example.com"))
    password = reverse("admin:auth_user_password_change", args=[boss.pk])
    refused = client.post(password, {"password1": "taken-over-1", "password2": "taken-over-1"})
    assert refused.status_code == 403
    assert client.post(reverse("admin:portal_user_disable", args=[boss.pk])).status_code == 403
    boss.refresh_from_db()
    assert boss.is_active and boss.check_password("pw-boss-123")


def test_the_demo_data_makes_an_operator_and_a_viewer(capsys):
    call_command("demo_data")
    printed = capsys.readouterr().out
    assert "operator@example.com" in printed and "operator-demo-pass" in printed
    assert "viewer@example.com" in printed and "viewer-demo-pass" in printed
    viewer = User.objects.get(email="viewer@example.com")
    assert viewer.is_staff and not viewer.is_superuser
    assert viewer.has_perm("bookings.view_booking")
    assert not viewer.has_perm("bookings.change_booking")
    assert User.objects.get(email="operator@example.com").has_perm("bookings.change_booking")


# --- a member's page and disabling a member -------------------------------------------


@pytest.fixture
def admin_client():
    staff = User.objects.create_superuser(email="boss@example.com", password="pw-boss-123")
    return _client(staff), staff


def test_a_members_page_shows_bookings_in_the_spaces_time_and_the_feed(room, admin_client):
    client, _staff = admin_client
    alice = User.objects.create_user(email="alice@example.com", password="pw-alice-123")
    start = dt.datetime(2030, 3, 4, 13, 0, tzinfo=dt.UTC)  # 13:00 in Dublin in March
    booking = book(alice, room, start=start)
    page = client.get(reverse("admin:portal_user_change", args=[alice.pk]))
    text = page.content.decode()
    assert "2030-03-04 13:00 Europe/Dublin" in text
    assert reverse("admin:bookings_booking_change", args=[booking.pk]) in text
    assert "Off" in text  # no calendar link yet
    FeedToken.renew(alice)
    page = client.get(reverse("admin:portal_user_change", args=[alice.pk]))
    assert "On since" in page.content.decode()


def test_disabling_a_member_revokes_the_feed_and_lists_future_bookings(room, admin_client):
    client, staff = admin_client
    alice = User.objects.create_user(email="alice@example.com", password="pw-alice-123")
    feed = FeedToken.renew(alice)
    future = book(alice, room, start=timezone.now() + dt.timedelta(days=3))
    past = book(alice, room, start=timezone.now() - dt.timedelta(days=3))
    cancelled = book(
        alice, room, start=timezone.now() + dt.timedelta(days=4), status=Status.CANCELLED
    )
    disable = reverse("admin:portal_user_disable", args=[alice.pk])

    confirm = client.get(disable)  # a confirmation first: nothing done yet
    assert confirm.status_code == 200
    alice.refresh_from_db()
    assert alice.is_active
    assert reverse("admin:bookings_booking_change", args=[future.pk]) in confirm.content.decode()

    done = client.post(disable, follow=True)
    assert done.status_code == 200
    alice.refresh_from_db()
    assert not alice.is_active
    assert FeedToken.active(alice) is None
    assert client.get(reverse("member_feed", args=[feed.token])).status_code == 404
    text = done.content.decode()
    assert "1 future booking is listed below" in text
    future_section = text.split("Future bookings (not ended, still held)")[1].split(
        "Latest bookings"
    )[0]
    assert reverse("admin:bookings_booking_change", args=[future.pk]) in future_section
    assert reverse("admin:bookings_booking_change", args=[past.pk]) not in future_section
    assert reverse("admin:bookings_booking_change", args=[cancelled.pk]) not in future_section
    future.refresh_from_db()
    assert future.status == Status.CONFIRMED  # staff decide; nothing is cancelled
    entry = LogEntry.objects.get(object_id=str(alice.pk), action_flag=CHANGE)
    assert entry.user == staff
    assert "Disabled" in entry.get_change_message()


def test_a_viewer_cannot_disable_a_member():
    alice = User.objects.create_user(email="alice@example.com", password="pw-alice-123")
    viewer = _client(staff_in(roles.VIEWER, "viewer@example.com"))
    response = viewer.post(reverse("admin:portal_user_disable", args=[alice.pk]))
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.is_active
