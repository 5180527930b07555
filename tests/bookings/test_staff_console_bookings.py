"""The booking pages of the staff console: the history with the provider's replies,
times in the space's zone with the zone named, actions with a confirmation and a reason
the member is sent in their language, a real "ask the provider", search, and roles."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from bookings import services
from bookings.models import Booking, BookingEvent, ProviderIdentity, Status
from bookings.services import staff
from portal.models import User
from providers.adapters.types import SubmitResult
from providers.models import Space
from tests.bookings.test_staff import picked, request_at

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:bookings_booking_changelist"
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")


@pytest.fixture
def provider(provider, monkeypatch):
    """The scripted provider, with an approve call and a count of what it was asked."""
    monkeypatch.setattr(staff, "adapter_for", lambda account, **kw: provider)
    provider.asked = []
    held = provider.refresh

    def refresh(item, request, reference):
        provider.asked.append(reference)
        return held(item, request, reference)

    provider.refresh = refresh
    provider.approve = lambda item, request, reference: SubmitResult(
        "confirmed", reference=reference, reply={"status": "approved by the space"}
    )
    return provider


def in_vienna(booking: Booking) -> Booking:
    """The booking's space is in Vienna and it starts at 14:00 there."""
    Space.objects.filter(pk=booking.space_id).update(timezone="Europe/Vienna")
    day = (booking.start + dt.timedelta(days=2)).date()
    start = dt.datetime.combine(day, dt.time(14), VIENNA)
    Booking.objects.filter(pk=booking.pk).update(start=start, end=start + dt.timedelta(hours=1))
    return Booking.objects.select_related("space__account", "member").get(pk=booking.pk)


def staff_with(*codenames: str) -> User:
    user = User.objects.create_user(
        email=f"{'-'.join(codenames) or 'none'}@staff.example", password="pw-staff-123"
    )
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="bookings", codename__in=codenames)
    )
    return user


def test_the_change_page_shows_every_event_with_the_providers_reply_in_the_space_zone(
    member, provider, admin_client
):
    booking = in_vienna(request_at(member, "zentry", provider))
    services.approve_request(booking, actor=None, note="")
    page = admin_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "approved by the space" in html  # the provider's reply, kept in the history
    assert "provider answered confirmed" in html
    assert html.index("provider answered awaiting_approval") < html.index(
        "provider answered confirmed"
    )  # newest last
    assert "14:00" in html and "Europe/Vienna" in html
    assert "13:00" not in html  # not in the server's (UTC) zone


def test_the_list_shows_the_space_time_with_its_zone(member, provider, admin_client):
    in_vienna(request_at(member, "zentry", provider))
    html = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "14:00\u201315:00" in html and "Europe/Vienna" in html
    assert "Zentry" in html and "Waiting for approval" in html  # provider and status on screen


@pytest.fixture
def emails_now(monkeypatch):
    """The member's emails are sent in the test, not queued to a worker: with the real
    services a broker is up and ``delay`` would queue them where no worker runs."""
    from bookings import tasks

    monkeypatch.setattr(tasks.send_email, "delay", lambda *a: tasks.send_email(*a))


def test_a_decline_needs_a_reason_and_the_member_reads_it_in_french(
    member, provider, admin_client, django_capture_on_commit_callbacks, emails_now
):
    member.language = "fr"
    member.save()
    booking = request_at(member, "fourspaces", provider)
    url = reverse(CHANGELIST)
    refused = admin_client.post(url, picked("decline_request", booking, apply="yes", reason=" "))
    assert refused.status_code == 400
    assert Booking.objects.get(pk=booking.pk).status == Status.AWAITING_APPROVAL
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            url, picked("decline_request", booking, apply="yes", reason="Salle en travaux.")
        )
    assert done.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == Status.REJECTED
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert email.subject.startswith("Demande déclinée")
    assert "La raison\xa0: Salle en travaux." in email.body
    entry = LogEntry.objects.get(object_id=str(booking.pk))
    assert "Salle en travaux." in entry.get_change_message()
    assert BookingEvent.objects.filter(booking=booking, reason__contains="Salle en travaux.")


def test_an_approvals_note_is_in_the_history_the_log_and_the_members_email(
    member, provider, admin_client, django_capture_on_commit_callbacks, emails_now
):
    booking = request_at(member, "fourspaces", provider)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse(CHANGELIST),
            picked("confirm_request", booking, apply="yes", reason="See you at the front desk."),
        )
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
    (email,) = mail.outbox
    assert "A note from our staff: See you at the front desk." in email.body
    assert "See you at the front desk." in LogEntry.objects.get().get_change_message()


def test_ask_the_provider_really_asks_and_says_what_it_answered(member, provider, admin_client):
    booking = request_at(member, "zentry", provider)
    services.approve_request(booking, actor=None)
    booking.refresh_from_db()
    url = reverse(CHANGELIST)
    provider.held[str(booking.uid)] = SubmitResult("confirmed", reference="z-1")
    same = admin_client.post(url, picked("check_provider", booking, apply="yes"), follow=True)
    assert provider.asked == ["z-1"]
    assert "Zentry answered: confirmed. Nothing changed here." in same.content.decode()

    provider.held[str(booking.uid)] = SubmitResult("cancelled", reply={"gone": True})
    gone = admin_client.post(url, picked("check_provider", booking, apply="yes"), follow=True)
    assert provider.asked == ["z-1", "z-1"]
    assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLED_BY_PROVIDER
    assert "Zentry answered: cancelled. The booking is now" in gone.content.decode()


def test_ask_the_provider_says_when_it_cannot_be_asked(member, provider, admin_client):
    booking = request_at(member, "fourspaces", provider)
    page = admin_client.post(
        reverse(CHANGELIST), picked("check_provider", booking, apply="yes"), follow=True
    )
    assert "4Spaces cannot be asked about a booking" in page.content.decode()
    assert provider.asked == []


@pytest.mark.parametrize(
    "term", ["camille@example.com", "z-1", "zentry", "Zentry test", "SPACE-NAME"]
)
def test_search_finds_a_booking_by_email_reference_space_or_provider(
    term, member, provider, admin_client
):
    booking = request_at(member, "zentry", provider)
    other = request_at(
        User.objects.create_user(
            email="other@example.com",
            password="pw-other-123",
            first_name="Ada",
            last_name="Other",
            phone="+33 6 00 00 00 00",
        ),
        "fourspaces",
        provider,
    )
    Booking.objects.filter(pk=other.pk).update(provider_reference="")
    if term == "SPACE-NAME":
        term = booking.space.name
    html = admin_client.get(reverse(CHANGELIST), {"q": term}).content.decode()
    assert reverse("admin:bookings_booking_change", args=[booking.pk]) in html
    assert reverse("admin:bookings_booking_change", args=[other.pk]) not in html


def test_search_by_booking_id_and_by_any_word_never_fails(member, provider, admin_client):
    booking = request_at(member, "zentry", provider)
    link = reverse("admin:bookings_booking_change", args=[booking.pk])
    assert link in admin_client.get(reverse(CHANGELIST), {"q": str(booking.pk)}).content.decode()
    assert admin_client.get(reverse(CHANGELIST), {"q": "no such thing"}).status_code == 200


def test_a_viewer_sees_no_action_and_a_posted_one_is_refused(member, provider, client):
    booking = request_at(member, "fourspaces", provider)
    client.force_login(staff_with("view_booking"))
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200 and "confirm_request" not in page.content.decode()
    refused = client.post(reverse(CHANGELIST), picked("confirm_request", booking, apply="yes"))
    assert refused.status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == Status.AWAITING_APPROVAL


def test_an_operator_can_act(member, provider, client):
    booking = request_at(member, "fourspaces", provider)
    client.force_login(staff_with("view_booking", "change_booking"))
    assert "confirm_request" in client.get(reverse(CHANGELIST)).content.decode()
    client.post(reverse(CHANGELIST), picked("confirm_request", booking, apply="yes"))
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED


def test_the_filters_have_distinct_titles(member, provider, admin_client):
    request_at(member, "zentry", provider)
    response = admin_client.get(reverse(CHANGELIST))
    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert len(titles) == len(set(titles))
    assert "booking kind" in titles and "provider" in titles


def test_provider_identities_are_named_in_the_plural():
    assert str(ProviderIdentity._meta.verbose_name_plural) == "provider identities"
