"""Staff approval and decline: at the provider where its document has the call, local
where it has none (and the admin says so), a decline always with a reason the member
reads; the admin actions ask for confirmation and for that reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import Booking, Status
from bookings.services import staff
from providers import services as catalogue
from providers.adapters.errors import AuthenticationError, RejectedError, TransientError
from providers.adapters.types import SubmitResult
from providers.models import Resource
from tests.bookings.conftest import tomorrow_at
from tests.providers import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:bookings_booking_changelist"


@pytest.fixture
def provider(provider, monkeypatch):
    """The scripted provider, also for staff actions, with an approve call."""
    monkeypatch.setattr(staff, "adapter_for", lambda account, **kw: provider)
    provider.approved = []

    def approve(item, request, reference):
        provider.approved.append(reference)
        answer = provider.approve_answer
        if isinstance(answer, Exception):
            raise answer
        return answer

    provider.approve = approve
    provider.approve_answer = SubmitResult("confirmed", reference="z-1", reply={"status": "ok"})
    return provider


def room_of(kind: str) -> Resource:
    account = factories.account(kind=kind, name=f"{kind} test")
    catalogue.apply_catalogue(account, factories.catalogue(factories.space(kind)))
    return Resource.objects.select_related("space__account").get(external_id=f"{kind}-r1")


def request_at(member, kind: str, provider) -> Booking:
    provider.submit_answers = [SubmitResult("awaiting_approval", reference="z-1")]
    booking = services.booking_create_room(
        member=member,
        resource=room_of(kind),
        start=tomorrow_at(10),
        end=tomorrow_at(10) + dt.timedelta(hours=1),
    )
    assert services.submit(booking.pk) == Status.AWAITING_APPROVAL
    booking.refresh_from_db()
    return booking


# --- approve --------------------------------------------------------------------------


def test_approval_goes_to_a_provider_with_the_call_and_waits_for_its_yes(
    member, provider, admin_user
):
    booking = request_at(member, "zentry", provider)
    provider.approve_answer = SubmitResult("awaiting_approval", reference="z-1")
    with pytest.raises(services.BookingError, match="still has it"):
        services.approve_request(booking, actor=admin_user)
    assert Booking.objects.get(pk=booking.pk).status == Status.AWAITING_APPROVAL
    provider.approve_answer = SubmitResult("confirmed", reference="z-1", reply={"status": "ok"})
    assert services.approve_request(booking, actor=admin_user)
    assert provider.approved == ["z-1", "z-1"]
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    assert booking.events.last().provider_reply == {"status": "ok"}


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (RejectedError("may not approve"), "did not approve it: may not approve"),
        (TransientError("timed out"), "is not answering"),
        (AuthenticationError("bad key"), "refused this account's credentials"),
    ],
)
def test_a_provider_that_does_not_approve_leaves_the_request_unchanged(
    member, provider, admin_user, fault, words
):
    booking = request_at(member, "zentry", provider)
    provider.approve_answer = fault
    with pytest.raises(services.BookingError) as caught:
        services.approve_request(booking, actor=admin_user)
    assert words in caught.value.message and "unchanged" in caught.value.message
    assert Booking.objects.get(pk=booking.pk).status == Status.AWAITING_APPROVAL


def test_without_an_approval_call_it_is_local_and_the_admin_says_so(member, provider, admin_user):
    booking = request_at(member, "fourspaces", provider)
    assert services.approval_is_local(booking)
    assert services.approval_note(booking) == (
        "4Spaces has no approval call: confirm with the space first."
    )
    assert services.approve_request(booking, actor=admin_user)
    assert provider.approved == []
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    assert "no approval call" in booking.events.last().reason


def test_only_a_request_can_be_approved_or_declined(member, room, provider, admin_user):
    booking = services.booking_create_room(
        member=member, resource=room, start=tomorrow_at(10), end=tomorrow_at(11)
    )
    services.submit(booking.pk)
    booking.refresh_from_db()
    with pytest.raises(services.BookingError) as caught:
        services.approve_request(booking, actor=admin_user)
    assert caught.value.status == 409
    with pytest.raises(services.BookingError):
        services.decline_request(booking, actor=admin_user, reason="no")


# --- decline --------------------------------------------------------------------------


def test_a_decline_needs_a_reason_which_the_member_reads(member, provider, admin_user, client):
    booking = request_at(member, "fourspaces", provider)
    with pytest.raises(services.BookingError) as caught:
        services.decline_request(booking, actor=admin_user, reason=" ")
    assert caught.value.status == 400
    services.decline_request(booking, actor=admin_user, reason="The room is being repainted.")
    booking.refresh_from_db()
    assert booking.status == Status.REJECTED
    assert provider.cancelled == []  # 4Spaces has no call: nothing to cancel there
    assert "repainted" in booking.events.last().reason
    client.force_login(member)
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "The room is being repainted." in page


def test_declining_at_a_provider_with_a_cancel_call_cancels_it_there(member, provider, admin_user):
    booking = request_at(member, "zentry", provider)
    services.decline_request(booking, actor=admin_user, reason="Fully booked by an event.")
    assert provider.cancelled == ["z-1"]
    booking.refresh_from_db()
    assert booking.status == Status.REJECTED
    assert booking.events.last().provider_reply == {"cancelled": "z-1"}


# --- the admin ------------------------------------------------------------------------


def picked(action: str, booking: Booking, **extra) -> dict:
    return {"action": action, "_selected_action": [booking.pk], **extra}


def test_the_admin_asks_for_a_reason_before_declining(member, provider, admin_client):
    booking = request_at(member, "fourspaces", provider)
    url = reverse(CHANGELIST)
    first = admin_client.post(url, picked("decline_request", booking))
    assert first.status_code == 200
    assert "The member reads your reason" in first.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Status.AWAITING_APPROVAL
    empty = admin_client.post(url, picked("decline_request", booking, apply="yes", reason=""))
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Status.AWAITING_APPROVAL
    done = admin_client.post(
        url, picked("decline_request", booking, apply="yes", reason="No space that day.")
    )
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Status.REJECTED and booking.provider_message == "No space that day."


def test_the_admin_says_where_an_approval_goes_before_confirming(member, provider, admin_client):
    local = request_at(member, "fourspaces", provider)
    url = reverse(CHANGELIST)
    page = admin_client.post(url, picked("confirm_request", local)).content.decode()
    assert "4Spaces has no approval call: confirm with the space first." in page
    change = admin_client.get(reverse("admin:bookings_booking_change", args=[local.pk]))
    assert "4Spaces has no approval call" in change.content.decode()
    admin_client.post(url, picked("confirm_request", local, apply="yes"))
    assert Booking.objects.get(pk=local.pk).status == Status.CONFIRMED


def test_the_admin_shows_a_providers_refusal_and_changes_nothing(member, provider, admin_client):
    booking = request_at(member, "zentry", provider)
    provider.approve_answer = RejectedError("This Api-Key may not approve reservations.")
    response = admin_client.post(
        reverse(CHANGELIST), picked("confirm_request", booking, apply="yes"), follow=True
    )
    page = response.content.decode()
    assert "may not approve reservations" in page and "booking is unchanged" in page
    assert Booking.objects.get(pk=booking.pk).status == Status.AWAITING_APPROVAL


def test_staff_queue_filter_lists_what_waits_for_a_person(member, provider, admin_client):
    waiting = request_at(member, "fourspaces", provider)
    url = reverse(CHANGELIST)
    answer = admin_client.get(url, {"todo": "answer"}).content.decode()
    cancel = admin_client.get(url, {"todo": "cancel"}).content.decode()
    link = reverse("admin:bookings_booking_change", args=[waiting.pk])
    assert link in answer and link not in cancel
