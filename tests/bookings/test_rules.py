"""bookings.rules: each rule in one place, tested without a provider."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from bookings import rules
from bookings.models import Booking, Status

NOW = dt.datetime(2030, 5, 17, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (None, rules.Grid(step=60, length=60, shortest=60, longest=None)),
        ({}, rules.Grid(60, 60, 60, None)),
        ({"slot_minutes": 30}, rules.Grid(30, 30, 30, None)),
        ({"step_minutes": 15}, rules.Grid(15, 15, 15, None)),
        ({"step_minutes": 30, "slot_minutes": 60}, rules.Grid(30, 60, 60, None)),
        (
            {"step_minutes": 30, "min_minutes": 60, "max_minutes": "240"},
            rules.Grid(30, 30, 60, 240),
        ),
        ({"step_minutes": None, "slot_minutes": 0, "max_minutes": 0}, rules.Grid(60, 60, 60, None)),
    ],
)
def test_the_grid_fallback_chain(limits, expected):
    assert rules.grid(limits) == expected


def test_profile_missing_names_the_empty_fields():
    member = types.SimpleNamespace(first_name="Camille", last_name="", phone="")
    assert rules.profile_missing(member) == ["last_name", "phone"]
    member.last_name, member.phone = "Martin", "+33 6 12 34 56 78"
    assert rules.profile_missing(member) == []
    assert "phone number" in rules.profile_message()


def _booking(status=Status.CONFIRMED, member_id=1, end=NOW + dt.timedelta(hours=2)):
    return Booking(status=status, member_id=member_id, start=end - dt.timedelta(hours=1), end=end)


MEMBER = types.SimpleNamespace(pk=1, is_staff=False)
OTHER = types.SimpleNamespace(pk=2, is_staff=False)
STAFF = types.SimpleNamespace(pk=3, is_staff=True)


def test_a_member_cancels_their_own_live_booking_until_it_ends():
    assert rules.can_cancel(_booking(), MEMBER, NOW)
    assert rules.can_cancel(_booking(Status.PENDING), MEMBER, NOW)
    assert rules.can_cancel(_booking(Status.AWAITING_APPROVAL), MEMBER, NOW)
    over = _booking(end=NOW)
    assert not rules.can_cancel(over, MEMBER, NOW)
    assert "over" in rules.cancel_refusal(over, MEMBER, NOW)
    assert not rules.can_cancel(_booking(), OTHER, NOW)


def test_staff_cancel_any_live_booking_even_one_that_is_over():
    over = _booking(member_id=9, end=NOW - dt.timedelta(days=1))
    assert rules.can_cancel(over, STAFF, NOW, as_staff=True)
    assert rules.can_cancel(_booking(member_id=9), None, NOW)


def test_staff_on_the_member_pages_follow_the_members_rule():
    over = _booking(member_id=STAFF.pk, end=NOW)
    assert "over" in rules.cancel_refusal(over, STAFF, NOW)
    assert not rules.can_cancel(over, MEMBER, NOW, as_staff=True)  # a member is no staff


@pytest.mark.parametrize("who", [MEMBER, STAFF])
def test_nobody_cancels_a_final_booking_or_one_being_sent(who):
    for status in (Status.CANCELLED, Status.REJECTED, Status.FAILED):
        assert "already" in rules.cancel_refusal(_booking(status), who, NOW)
    assert "being sent" in rules.cancel_refusal(_booking(Status.SUBMITTING), who, NOW)


@pytest.mark.django_db
def test_the_cancel_service_and_the_button_follow_the_rule(member, room):
    from bookings import services

    end = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    over = Booking.objects.create(
        member=member,
        kind="room",
        space=room.space,
        resource=room,
        start=end - dt.timedelta(hours=1),
        end=end,
        status=Status.CONFIRMED,
    )
    assert not over.member_can_cancel
    with pytest.raises(services.BookingError) as refused:
        services.cancel(over, actor=member, actor_label="member")
    assert refused.value.status == 409
    assert Booking.objects.get(pk=over.pk).status == Status.CONFIRMED
