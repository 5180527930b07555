"""The security probe's world: member A with bookings of every status that matters, a
calendar link, provider data; member B, a staff user and a catalogue anyone can read.

No test of this package reaches a provider: the scripted provider of the booking tests
answers (``provider``), and the catalogue's account points at a closed loopback port.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.utils import timezone

from bookings.models import (
    Booking,
    BookingEvent,
    BookingSeries,
    ExchangeRate,
    FeedToken,
    Kind,
    ProviderIdentity,
    Status,
    WaitlistEntry,
)
from portal.models import User
from providers import services as catalogue
from providers.adapters.types import OfferData
from providers.models import Amenity, Offer, ProviderAccount, Resource, Space, SyncRun
from tests.bookings.conftest import provider  # noqa: F401  (a fixture of this package too)
from tests.providers import factories

# What only member A (and staff) may ever see: no page, file or answer shown to anyone
# else may contain one of these.
A_EMAIL = "alice.private@example.com"
A_SECRETS = (
    A_EMAIL,
    "Zyxwvut",  # A's last name
    "+33 6 98 76 54 32",  # A's phone
    "Acme Secret Lab",  # A's company
    "Merger talks with Globex",  # a booking title
    "Need 12 desks for the audit team",  # an inquiry's message
    "ACCESS-7731",  # a door code
    "PREF-55821",  # a provider's booking reference
)


@dataclass
class World:
    alice: User
    bob: User
    carol: User  # signed up, has not opened her activation link yet
    staff: User
    account: ProviderAccount
    space: Space
    room: Resource
    day_pass: Offer
    service: Offer
    bookings: dict[str, Booking] = field(default_factory=dict)
    feed: FeedToken | None = None
    revoked_feed: FeedToken | None = None
    bob_feed: FeedToken | None = None
    waitlist: WaitlistEntry | None = None  # A waits for the room
    series: BookingSeries | None = None  # A's recurring booking, with one date booked

    def booking(self, status: str) -> Booking:
        return self.bookings[status]


def _catalogue() -> tuple[ProviderAccount, Space]:
    data = factories.space("sec")
    data.offers = [
        *data.offers,
        OfferData(
            external_id="sec-svc",
            name="Mail handling",
            kind="service",
            price=Decimal("40.00"),
            currency="EUR",
            price_unit="month",
        ),
    ]
    account = factories.account(kind="workways", name="Security probe account")
    catalogue.apply_catalogue(account, factories.catalogue(data))
    return account, Space.objects.get(external_id="sec")


def _bookings(world: World) -> dict[str, Booking]:
    now = timezone.now().replace(microsecond=0)
    soon = now + dt.timedelta(days=2)
    made = {}

    def make(name, status, *, start=soon, hours=1, **extra):
        extra.setdefault("kind", Kind.ROOM)
        if extra["kind"] == Kind.ROOM:
            extra.setdefault("resource", world.room)
        made[name] = Booking.objects.create(
            member=world.alice,
            space=world.space,
            status=status,
            start=start,
            end=start + dt.timedelta(hours=hours),
            title="Merger talks with Globex",
            price=Decimal("42.00"),
            currency="EUR",
            **extra,
        )
        BookingEvent.objects.create(
            booking=made[name], to_status=status, actor=world.alice, actor_label="member"
        )

    make("pending", Status.PENDING)
    make(
        "confirmed",
        Status.CONFIRMED,
        start=soon + dt.timedelta(hours=2),
        provider_reference="PREF-55821",
        access_code="ACCESS-7731",
        qr_url="https://example.com/qr/ACCESS-7731",
    )
    make(
        "awaiting_registration",
        Status.AWAITING_REGISTRATION,
        kind=Kind.INQUIRY,
        offer=world.service,
        start=soon + dt.timedelta(days=1),
        message="Need 12 desks for the audit team",
    )
    make("awaiting_approval", Status.AWAITING_APPROVAL, kind=Kind.PASS, offer=world.day_pass)
    make("cancelled", Status.CANCELLED, start=soon + dt.timedelta(hours=4))
    make("past", Status.CONFIRMED, start=now - dt.timedelta(days=3), access_code="ACCESS-7731")
    return made


def _series(world: World) -> BookingSeries:
    start = world.bookings["confirmed"].start + dt.timedelta(days=7)
    series = BookingSeries.objects.create(
        member=world.alice,
        resource=world.room,
        frequency=BookingSeries.Frequency.WEEKLY,
        first_day=start.date(),
        until=start.date() + dt.timedelta(weeks=3),
        count=4,
        start_time=start.time(),
        end_time=(start + dt.timedelta(hours=1)).time(),
        timezone=world.space.timezone,
        title="Merger talks with Globex",
        skipped=[
            {
                "start": (start + dt.timedelta(weeks=1)).isoformat(),
                "end": (start + dt.timedelta(weeks=1, hours=1)).isoformat(),
                "state": "taken",
                "reason": "This time is not free at the provider.",
            }
        ],
    )
    Booking.objects.create(
        member=world.alice,
        space=world.space,
        resource=world.room,
        kind=Kind.ROOM,
        status=Status.CONFIRMED,
        start=start,
        end=start + dt.timedelta(hours=1),
        title="Merger talks with Globex",
        series=series,
        provider_reference="PREF-55821",
    )
    return series


@pytest.fixture
def world(db, provider, monkeypatch) -> World:  # noqa: F811
    from bookings import tasks

    # bookings made through the pages are not sent anywhere: no broker, no provider
    monkeypatch.setattr(tasks.submit_booking, "delay", lambda pk: None)
    account, space = _catalogue()
    alice = User.objects.create_user(
        email=A_EMAIL,
        password="pw-alice-123",
        first_name="Alice",
        last_name="Zyxwvut",
        phone="+33 6 98 76 54 32",
        company="Acme Secret Lab",
    )
    bob = User.objects.create_user(
        email="bob@example.com",
        password="pw-bob-123",
        first_name="Bob",
        last_name="Other",
        phone="+33 6 11 11 11 11",
    )
    carol = User.objects.create_user(
        email="carol@example.com", password="pw-carol-123", is_active=False
    )
    staff = User.objects.create_superuser(email="staff@example.com", password="pw-staff-123")
    world = World(
        alice=alice,
        bob=bob,
        carol=carol,
        staff=staff,
        account=account,
        space=space,
        room=Resource.objects.select_related("space__account").get(external_id="sec-r1"),
        day_pass=Offer.objects.select_related("space__account").get(external_id="sec-o1"),
        service=Offer.objects.select_related("space__account").get(external_id="sec-svc"),
    )
    world.bookings = _bookings(world)
    world.series = _series(world)
    world.revoked_feed = FeedToken.objects.create(member=alice, revoked_at=timezone.now())
    world.feed = FeedToken.objects.create(member=alice)
    world.bob_feed = FeedToken.objects.create(member=bob)
    world.waitlist = WaitlistEntry.objects.create(
        member=alice,
        resource=world.room,
        date=(timezone.now() + dt.timedelta(days=3)).date(),
        start_time=dt.time(14),
        end_time=dt.time(16),
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    ProviderIdentity.objects.create(member=alice, account=account, data={"customer": "c-1"})
    ExchangeRate.objects.update_or_create(currency="USD", defaults={"per_euro": Decimal("1.08")})
    SyncRun.objects.create(account=account, trigger="admin")
    Group.objects.create(name="Front desk")  # a row for the admin's group pages
    assert Amenity.objects.exists()  # the catalogue made some: admin rows to probe
    mail.outbox.clear()
    return world


# --- what "no state change" means -----------------------------------------------------


def state_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the portal owns (sessions included), to compare before and
    after a request that must change nothing."""
    snapshot = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.db_table not in tables:
            continue
        snapshot[label] = sorted(map(repr, model.objects.values_list()))
    snapshot["mail.outbox"] = [repr((m.subject, m.to)) for m in mail.outbox]
    return snapshot


def changed(before: dict, after: dict) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
