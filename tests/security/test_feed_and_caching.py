"""The calendar link and private pages: what the probe of issue 14 found.

- A link turned off stays off: an email never makes one, and mentions one only if the
  member turned it on.
- The link the profile shows is the link the feed accepts, whatever SECRET_KEY becomes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest
from django.core import mail
from django.urls import reverse

from bookings import emails
from bookings.models import FeedToken
from portal.models import User
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


# --- 2. one stored secret: shown and accepted alike ----------------------------------


def test_the_shown_link_keeps_working_when_the_secret_key_changes(
    client,
    settings,
    member,  # noqa: F811
    room_booking,  # noqa: F811
):
    client.force_login(member)
    client.post(reverse("renew_feed"))
    before = profile_link(client)
    # rotated as docs/operations.md says: provider secrets keep the old key
    settings.CREDENTIALS_KEY = settings.CREDENTIALS_KEY or settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    client.force_login(member)  # sessions are signed with the key too
    after = profile_link(client)
    assert after == before
    assert client.get(path_of(after)).status_code == 200
    assert [path_of(x) for x in FEED_LINK.findall(email_about(room_booking))] == [path_of(after)]


def test_a_wrong_token_of_the_right_length_is_refused(client, member):  # noqa: F811
    token = FeedToken.renew(member).token
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("member_feed", args=[token])).status_code == 200
    assert client.get(reverse("member_feed", args=[wrong])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_links_made_before_it_working(client, settings):
    """Before 0008 a token was an HMAC of the row's nonce under SECRET_KEY; the link a
    member subscribed to still answers after the migration, and the profile shows it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("bookings", "0007_search_covering_index")])
    old_apps = executor.loader.project_state([("bookings", "0007_search_covering_index")]).apps
    try:
        OldFeedToken = old_apps.get_model("bookings", "FeedToken")
        user = User.objects.create_user(email="old@example.com", password="pw-old-123456")
        old_token = _old_hmac_token(settings.SECRET_KEY, user.pk, "ab" * 16)
        OldFeedToken.objects.create(
            member_id=user.pk, nonce="ab" * 16, digest=FeedToken.hash(old_token)
        )
        gone = OldFeedToken.objects.create(
            member_id=user.pk,
            nonce="cd" * 16,
            digest=FeedToken.hash(_old_hmac_token(settings.SECRET_KEY, user.pk, "cd" * 16)),
            revoked_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    member = User.objects.get(email="old@example.com")  # noqa: F811
    assert client.get(f"/calendar/{old_token}.ics").status_code == 200
    client.force_login(member)
    assert path_of(profile_link(client) or "") == f"/calendar/{old_token}.ics"
    assert FeedToken.objects.get(pk=gone.pk).token != old_token
    # and from now on the key can change: the link shown stays the one subscribed to
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    client.force_login(member)
    assert path_of(profile_link(client) or "") == f"/calendar/{old_token}.ics"


def _old_hmac_token(secret_key: str, member_id: int, nonce: str) -> str:
    import base64
    import hashlib
    import hmac

    key = hashlib.sha256(b"portal-feed-token:" + secret_key.encode()).digest()
    mac = hmac.new(key, f"{member_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")
