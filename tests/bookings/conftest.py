"""A scripted provider for booking tests: what it answers is set per test."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from decimal import Decimal

import pytest
from django.core.cache import cache

from bookings.models import Booking, Status
from portal.models import User
from providers import availability
from providers import services as catalogue
from providers.adapters.types import PassDay, ProviderDay, Quote, SubmitResult
from providers.models import Offer, Resource
from tests.providers import factories

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")


class ScriptedProvider:
    """Stands in for an adapter. ``submit_answers`` are played in order (a SubmitResult
    or an exception); ``held`` is what the provider holds, for reconcile."""

    def __init__(self):
        self.submit_answers: list = []
        self.submitted: list = []
        self.held: dict[str, SubmitResult] = {}
        self.cancelled: list = []
        self.day = None  # ProviderDay or exception; None: open 08:00-20:00, nothing busy
        self.known: bool | Exception | None = None  # knows_member's answer

    # adapter protocol ------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def day_facts(self, item, day):
        if isinstance(self.day, Exception):
            raise self.day
        if self.day is not None:
            return self.day
        tz = zoneinfo.ZoneInfo(item.timezone)
        return ProviderDay(
            open=[
                (
                    dt.datetime.combine(day, dt.time(8), tz),
                    dt.datetime.combine(day, dt.time(20), tz),
                )
            ],
            capacity=item.quantity,
        )

    def pass_days(self, item, start, end):
        if self.pass_days_answer is not None:
            return self.pass_days_answer
        days = (end - start).days + 1
        return [PassDay(start + dt.timedelta(days=i), True, 5) for i in range(days)]

    pass_days_answer = None

    def quote(self, item, request):
        return Quote(Decimal("42.00"), "EUR", [("room", Decimal("42.00"))])

    def submit(self, item, request):
        self.submitted.append(request)
        answer = (
            self.submit_answers.pop(0)
            if self.submit_answers
            else SubmitResult(
                "confirmed", reference=f"ref-{len(self.submitted)}", access_code="1234"
            )
        )
        if isinstance(answer, Exception):
            raise answer
        self.held[request.uid] = answer
        return answer

    def find_existing(self, item, request):
        return self.held.get(request.uid)

    def knows_member(self, customer):
        if isinstance(self.known, Exception):
            raise self.known
        return self.known

    def refresh(self, item, request, reference):
        return self.held[request.uid]

    def cancel(self, item, request, reference):
        self.cancelled.append(reference)
        return {"cancelled": reference}


def services_asking_providers():
    """Every booking service module that calls ``adapter_for`` (a test patches each):
    found, not listed, so a new module that asks a provider is patched too."""
    import importlib
    import pkgutil

    import bookings.services

    modules = (
        importlib.import_module(f"bookings.services.{info.name}")
        for info in pkgutil.iter_modules(bookings.services.__path__)
    )
    return tuple(module for module in modules if hasattr(module, "adapter_for"))


@pytest.fixture
def provider(monkeypatch):
    scripted = ScriptedProvider()
    for module in services_asking_providers():
        monkeypatch.setattr(module, "adapter_for", lambda account, **kw: scripted)
    monkeypatch.setattr(availability, "adapter_for", lambda account, **kw: scripted)
    cache.clear()
    yield scripted
    cache.clear()


@pytest.fixture
def member(db):
    return User.objects.create_user(
        email="camille@example.com",
        password="pw-camille-123",
        first_name="Camille",
        last_name="Martin",
        phone="+33 6 12 34 56 78",
    )


@pytest.fixture
def room(db):
    catalogue.apply_catalogue(factories.account(), factories.catalogue(factories.space("a")))
    room = Resource.objects.select_related("space__account").get(external_id="a-r1")
    room.rules = {"step_minutes": 30, "min_minutes": 60, "max_minutes": 240}
    room.save()
    return room


@pytest.fixture
def day_pass(room):
    return Offer.objects.select_related("space__account").get(external_id="a-o1")


def join_provider_threads(seconds: float = 5.0) -> None:
    """Wait for the threads pages left asking a provider (``facts ...``, ``quote ...``):
    a test that released them joins them, or one would store its answer in the cache
    after the next test emptied it."""
    for thread in threading.enumerate():
        if thread.name.startswith(("facts ", "quote ")):
            thread.join(seconds)


def room_booking(member, room, start: dt.datetime, hours: float = 1, status=Status.PENDING):
    """A booking of ``room`` from ``start`` for ``hours``."""
    return Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        status=status,
        start=start,
        end=start + dt.timedelta(hours=hours),
    )


def pass_booking(member, offer, day: dt.date, status=Status.PENDING) -> Booking:
    """A booking of ``offer`` for the whole local ``day`` (a day pass's one day)."""
    start = dt.datetime.combine(day, dt.time(0), DUBLIN)
    return Booking.objects.create(
        member=member,
        kind="pass",
        space=offer.space,
        offer=offer,
        status=status,
        start=start,
        end=start + dt.timedelta(days=1),
    )


def tomorrow_at(hour: int, minute: int = 0) -> dt.datetime:
    day = dt.datetime.now(DUBLIN).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), DUBLIN)
