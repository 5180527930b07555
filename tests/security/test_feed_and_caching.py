"""The calendar link and private pages: what the probe of issue 14 found.

- A link turned off stays off: an email never makes one, and mentions one only if the
  member turned it on.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from django.core import mail
from django.urls import reverse

from bookings import emails
from bookings.models import FeedToken
from tests.bookings.test_calendars import DUBLIN, member, room_booking  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
FEED_LINK = re.compile(r"https?://[^\s\"<>]+/calendar/[A-Za-z0-9_-]+\.ics")


def email_about(booking) -> str:
    """The body of the member's email about ``booking`` (sent at once, as the worker does)."""
    booking.title = "Board meeting"  # a one-line title: the subject is a header
    booking.save()
    mail.outbox.clear()
    emails.deliver("status", booking.pk)
    (message,) = mail.outbox
    return message.body


def profile_link(client) -> str | None:
    page = client.get(reverse("profile")).content.decode()
    found = FEED_LINK.search(page)
    return found.group(0) if found else None


def path_of(link: str) -> str:
    return httpx.URL(link).path


# --- 1. the link a member turned off stays off ---------------------------------------


def test_an_email_to_a_member_without_a_link_makes_none_and_points_to_the_account_page(
    client,
    member,  # noqa: F811
    room_booking,  # noqa: F811
):
    body = email_about(room_booking)
    assert "/calendar/" not in body
    assert "http://127.0.0.1:8000/accounts/profile/" in body
    assert not FeedToken.objects.filter(member=member).exists()
    client.force_login(member)
    assert profile_link(client) is None  # still "Turn on my calendar link"


def test_a_link_turned_off_stays_off_through_booking_emails(
    client,
    member,  # noqa: F811
    room_booking,  # noqa: F811
):
    client.force_login(member)
    client.post(reverse("renew_feed"))
    link = profile_link(client)
    assert link and client.get(path_of(link)).status_code == 200
    client.post(reverse("revoke_feed"))

    body = email_about(room_booking)
    email_about(room_booking)  # and another

    assert "/calendar/" not in body
    assert FeedToken.active(member) is None
    assert profile_link(client) is None
    assert client.get(path_of(link)).status_code == 404


def test_an_email_gives_the_link_the_member_turned_on(
    client,
    member,  # noqa: F811
    room_booking,  # noqa: F811
):
    client.force_login(member)
    client.post(reverse("renew_feed"))
    link = profile_link(client)
    body = email_about(room_booking)
    assert [path_of(x) for x in FEED_LINK.findall(body)] == [path_of(link or "")]
    assert FeedToken.objects.filter(member=member).count() == 1  # the email made none
