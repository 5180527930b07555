"""The periodic re-check against the in-process sandbox: a booking cancelled or moved at
the provider (through the sandbox's own API, standing in for the space's admin) shows it
after one re-check; a transient fault leaves it for the next run; each booking is read at
most once per interval, within the provider's rate limit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import httpx
import pytest

from devtools.demo import accounts_from_sandbox_config
from providers.adapters import adapter_for
from sandbox import build_sandbox, thia_seed
from sandbox import zentry_seed as zseed
from tests.providers.conftest import portal_on_sandbox
from tests.providers.vendors.thia.test_thia_booking import book_pass as thia_pass
from tests.providers.vendors.thia.test_thia_booking import weekday_ahead as thia_weekday
from tests.providers.vendors.workways.test_workways_booking import (
    LIFFEY,
    at,
    book_liffey,
    free_weekday,
    meetings_at,
    portal_member,
)
from tests.providers.vendors.zentry.test_zentry_booking import book_pass as zentry_pass
from tests.providers.vendors.zentry.test_zentry_booking import book_room as zentry_room
from tests.providers.vendors.zentry.test_zentry_booking import make_member, weekday_ahead

SANDBOX = "http://127.0.0.1:8001"
BUCHAREST = ZoneInfo("Europe/Bucharest")


@pytest.fixture
def sandbox():
    return build_sandbox(state_path=None, fault_seed=1)


@pytest.fixture
def sandbox_transport(sandbox):
    return httpx.WSGITransport(app=sandbox)


@pytest.fixture
def sandbox_accounts(sandbox):
    grouped: dict[str, list] = {}
    for account in accounts_from_sandbox_config(sandbox.print_config(SANDBOX)):
        grouped.setdefault(account.kind, []).append(account)
    return grouped


@pytest.fixture
def emailed(monkeypatch):
    """Status emails asked for by the re-check (the email itself: tests/e2e)."""
    from bookings import emails

    sent: list[int] = []
    monkeypatch.setattr(emails, "send_status_email", sent.append)
    return sent


def on_sandbox(monkeypatch, transport, cfg):
    from bookings.services import recheck

    account = portal_on_sandbox(monkeypatch, transport, cfg)

    def patched(account, **kwargs):
        return adapter_for(account, **{**kwargs, "transport": transport})

    monkeypatch.setattr(recheck, "adapter_for", patched)
    return account


def control(transport, path: str, body: dict | None = None, **kw) -> dict:
    with httpx.Client(transport=transport, base_url=SANDBOX) as client:
        answer = client.request(kw.pop("method", "POST"), path, json=body, **kw)
    assert answer.status_code == 200, answer.text
    return answer.json()


def run_recheck(**kw):
    from bookings import services

    return services.recheck_upcoming(**kw)


def later(seconds: int = 601) -> dt.datetime:
    from django.utils import timezone

    return timezone.now() + dt.timedelta(seconds=seconds)


# --- Zentry ------------------------------------------------------------------------------


@pytest.fixture
def zentry(db, sandbox_accounts, sandbox_transport, monkeypatch):
    [cfg] = sandbox_accounts["zentry"]
    return on_sandbox(monkeypatch, sandbox_transport, cfg)


@pytest.mark.django_db
def test_zentry_a_reservation_the_space_cancels_is_cancelled_by_the_space(
    zentry, sandbox_transport, emailed
):
    from bookings import services
    from bookings.models import Status

    member = make_member("riley.chen@example.com")
    booking = zentry_room(member, zentry, zseed.NY_CONFERENCE_ROOM_ID, weekday_ahead(6), 14)
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    emailed.clear()  # the confirmation
    assert run_recheck() == {"unchanged": 1}  # still held: nothing changes
    # the space cancels it at Zentry (doc: DELETE /Reservation)
    control(
        sandbox_transport,
        "/zentry/checkins/Reservation",
        {"reservationId": booking.provider_reference},
        method="DELETE",
        headers={"Api-Key": zseed.API_KEY},
    )
    assert run_recheck() == {}  # read less than BOOKING_RECHECK_SECONDS ago
    assert run_recheck(now=later()) == {"cancelled": 1}
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED_BY_PROVIDER
    assert booking.provider_message_text == "The space cancelled this booking."
    event = booking.events.last()
    assert event.to_status == Status.CANCELLED_BY_PROVIDER and event.actor_label == "re-check"
    assert event.provider_reply["status"] == "Cancelled"
    assert emailed == []  # the state's own email (states.transition) tells the member
    assert run_recheck(now=later(1300)) == {}  # no longer upcoming


@pytest.mark.django_db
def test_zentry_a_reservation_the_space_moves_moves_the_booking(zentry, sandbox_transport, emailed):
    from bookings import services
    from bookings.models import Status

    member = make_member("riley.chen@example.com")
    day = weekday_ahead(6)
    booking = zentry_room(member, zentry, zseed.NY_CONFERENCE_ROOM_ID, day, 14)
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    emailed.clear()  # the confirmation
    sequence = booking.sequence
    new_start = booking.start + dt.timedelta(hours=2)
    control(
        sandbox_transport,
        f"/_sandbox/zentry/reservations/{booking.provider_reference}/move",
        {
            "reservationDate": new_start.isoformat(),
            "reservationEndDate": (new_start + dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert run_recheck() == {"moved": 1}
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    assert (booking.start, booking.end) == (new_start, new_start + dt.timedelta(hours=1))
    assert booking.sequence == sequence + 1
    assert "changed at the provider: new time" in booking.events.last().reason
    assert "16:00" in booking.events.last().reason
    assert emailed == [booking.pk]
    assert run_recheck(now=later()) == {"unchanged": 1}  # once, not on every run


@pytest.mark.django_db
def test_zentry_a_day_pass_moved_to_another_day_follows(zentry, sandbox_transport, emailed):
    from bookings import services
    from bookings.models import Status

    member = make_member("riley.chen@example.com")
    day = weekday_ahead(6)
    booking = zentry_pass(member, zentry, zseed.NY_LOCATION_ID, day)
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    emailed.clear()  # the confirmation
    next_day = booking.start + dt.timedelta(days=1, hours=12)
    control(
        sandbox_transport,
        f"/_sandbox/zentry/reservations/{booking.provider_reference}/move",
        {"reservationDate": next_day.isoformat()},
    )
    assert run_recheck() == {"moved": 1}
    booking.refresh_from_db()
    assert booking.start.astimezone(next_day.tzinfo).date() == day + dt.timedelta(days=1)


@pytest.mark.django_db
def test_a_transient_fault_leaves_the_booking_for_the_next_run(zentry, sandbox, emailed):
    from bookings import services
    from bookings.models import Status

    member = make_member("riley.chen@example.com")
    booking = zentry_room(member, zentry, zseed.NY_CONFERENCE_ROOM_ID, weekday_ahead(6), 10)
    assert services.submit(booking.pk) == Status.CONFIRMED
    sandbox.apply_faults({"zentry": {"error_rate": 1}})
    assert run_recheck() == {"transient": 1}
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED and booking.checked_at is None
    sandbox.faults.clear()
    assert run_recheck() == {"unchanged": 1}  # the next run, not an interval later
    booking.refresh_from_db()
    assert booking.checked_at is not None


# --- Thia --------------------------------------------------------------------------------


@pytest.fixture
def thia(db, sandbox_accounts, sandbox_transport, monkeypatch):
    [cfg] = [
        a for a in sandbox_accounts["thia"] if a.credentials["api_key"] == thia_seed.BUCHAREST_KEY
    ]
    return on_sandbox(monkeypatch, sandbox_transport, cfg)


def dana():
    from portal.models import User

    return User.objects.create_user(
        email="dana.radu@example.com",
        password="pw-dana-123456",
        first_name="Dana",
        last_name="Radu",
        phone="+40 722 123 456",
    )


@pytest.mark.django_db
def test_thia_an_access_code_cancelled_in_thias_admin_is_cancelled_by_the_space(
    thia, sandbox_transport, emailed
):
    from bookings import services
    from bookings.models import Status

    booking = thia_pass(dana(), thia, thia_weekday(10))
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    emailed.clear()  # the confirmation
    assert run_recheck() == {"unchanged": 1}
    control(sandbox_transport, f"/_sandbox/thia/access-codes/{booking.access_code}/cancel")
    assert run_recheck(now=later()) == {"cancelled": 1}
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED_BY_PROVIDER
    assert booking.events.last().provider_reply["listed"] is False


@pytest.mark.django_db
def test_thia_a_pass_code_moved_in_thias_admin_moves_the_booking(thia, sandbox_transport, emailed):
    from bookings import services
    from bookings.models import Status

    day = thia_weekday(10)
    booking = thia_pass(dana(), thia, day)
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    emailed.clear()  # the confirmation
    earlier = day - dt.timedelta(days=1)
    control(
        sandbox_transport,
        f"/_sandbox/thia/access-codes/{booking.access_code}/move",
        {"valid_from": f"{earlier}T00:00:00", "valid_to": f"{day}T23:59:59"},
    )
    assert run_recheck() == {"moved": 1}
    booking.refresh_from_db()
    assert booking.start == dt.datetime.combine(earlier, dt.time(0), BUCHAREST)
    assert booking.end == dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), BUCHAREST)
    assert emailed == [booking.pk]


# --- Workways ----------------------------------------------------------------------------


@pytest.fixture
def workways(db, sandbox_accounts, sandbox_transport, monkeypatch):
    [cfg] = sandbox_accounts["workways"]
    return on_sandbox(monkeypatch, sandbox_transport, cfg)


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["remove", "move"])
def test_workways_a_meeting_removed_or_moved_in_the_feed(
    workways, sandbox, sandbox_transport, emailed, change
):
    from bookings import services
    from bookings.models import Status

    extras = sandbox.print_config(SANDBOX)["workways"]
    day = free_weekday(sandbox)
    booking = book_liffey(portal_member(extras["known_member_email"]), at(day, 14))
    assert services.submit(booking.pk) == Status.CONFIRMED
    booking.refresh_from_db()
    emailed.clear()  # the confirmation
    [meeting] = meetings_at(sandbox.store.data["providers"]["workways"], LIFFEY, at(day, 14))
    assert run_recheck() == {"unchanged": 1}
    path = f"/_sandbox/workways/meetings/{meeting['_id']}/{change}"
    if change == "remove":
        control(sandbox_transport, path)
        assert run_recheck(now=later()) == {"cancelled": 1}
        booking.refresh_from_db()
        assert booking.status == Status.CANCELLED_BY_PROVIDER
        return
    moved = {"start": at(day, 16).isoformat(), "end": at(day, 17).isoformat()}
    control(sandbox_transport, path, moved)
    assert run_recheck(now=later()) == {"moved": 1}
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(day, 16), at(day, 17))
    assert emailed == [booking.pk]


# --- what is read, and how much ----------------------------------------------------------


@pytest.mark.django_db
def test_a_cancellation_staff_had_not_carried_out_is_done_when_the_provider_drops_it(
    zentry, sandbox_transport, emailed
):
    from bookings import services
    from bookings.models import Booking, Status

    member = make_member("riley.chen@example.com")
    booking = zentry_room(member, zentry, zseed.NY_CONFERENCE_ROOM_ID, weekday_ahead(6), 11)
    assert services.submit(booking.pk) == Status.CONFIRMED
    Booking.objects.filter(pk=booking.pk).update(status=Status.CANCELLATION_REQUESTED)
    booking.refresh_from_db()
    control(
        sandbox_transport,
        "/zentry/checkins/Reservation",
        {"reservationId": booking.provider_reference},
        method="DELETE",
        headers={"Api-Key": zseed.API_KEY},
    )
    assert run_recheck() == {"cancelled": 1}
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED


def test_a_run_spends_at_most_half_the_documented_rate_limit():
    from bookings.services import recheck
    from providers.vendors.thia import SPEC

    assert SPEC.rate_limit is not None
    assert recheck.budget("thia") * recheck.CALLS_PER_CHECK <= SPEC.rate_limit.requests / 2
    assert recheck.budget("zentry") == recheck.MAX_PER_RUN  # no documented limit


@pytest.mark.django_db
def test_providers_that_cannot_read_back_are_skipped_and_the_oldest_checked_go_first(
    zentry, monkeypatch, emailed
):
    from bookings import services
    from bookings.models import Booking, Status
    from bookings.services import recheck

    member = make_member("riley.chen@example.com")
    day = weekday_ahead(6)
    first = zentry_room(member, zentry, zseed.NY_CONFERENCE_ROOM_ID, day, 9)
    second = zentry_room(member, zentry, zseed.NY_CONFERENCE_ROOM_ID, day, 11)
    for booking in (first, second):
        assert services.submit(booking.pk) == Status.CONFIRMED
    Booking.objects.filter(pk=first.pk).update(checked_at=later(-3600))
    Booking.objects.filter(pk=second.pk).update(checked_at=later(-7200))
    monkeypatch.setattr(recheck, "budget", lambda kind: 1)
    assert run_recheck() == {"unchanged": 1}
    assert Booking.objects.get(pk=first.pk).checked_at < later(-3000)  # waits for the next run
    assert Booking.objects.get(pk=second.pk).checked_at > later(-60)

    from providers import registry

    spec = registry.spec("zentry")
    blind = dataclasses.replace(
        spec, capabilities=dataclasses.replace(spec.capabilities, reads_back=False)
    )
    monkeypatch.setattr(registry, "spec", lambda kind: blind)
    assert run_recheck() == {"skipped": 1}
