"""A signed-in page reads its session from the cache, and survives the cache going down:
signing in, pages and signing out answer as before, and a session ended stays ended."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import User
from tests.services import free_port

pytestmark = pytest.mark.django_db

DEAD_CACHE = {
    "default": {
        "BACKEND": "portal.redis_cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
    }
}


@pytest.fixture
def member():
    return User.objects.create_user(email="ada@example.com", password="correct horse 42")


def _sign_in(client) -> None:
    response = client.post(
        reverse("login"), {"username": "ada@example.com", "password": "correct horse 42"}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _session_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my_bookings")).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


def test_a_warm_signed_in_page_reads_no_session_row(client, member):
    _sign_in(client)
    client.get(reverse("my_bookings"))
    assert _session_queries(client) == []


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(client, member):
    _sign_in(client)
    assert client.get(reverse("my_bookings")).status_code == 200  # kept in the cache now
    stolen = client.cookies["sessionid"].value

    assert client.post(reverse("logout")).status_code == 302
    client.cookies["sessionid"] = stolen
    response = client.get(reverse("my_bookings"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_with_the_cache_down_members_sign_in_see_their_pages_and_sign_out(client, member):
    with override_settings(CACHES=DEAD_CACHE):
        _sign_in(client)
        stolen = client.cookies["sessionid"].value
        assert client.get(reverse("my_bookings")).status_code == 200
        assert client.post(reverse("logout")).status_code == 302

        client.cookies["sessionid"] = stolen
        response = client.get(reverse("my_bookings"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_copy_the_cache_could_not_delete_lives_minutes_not_weeks(monkeypatch):
    from portal import sessions

    timeouts = []
    store = sessions.SessionStore()
    monkeypatch.setattr(store._cache, "set", lambda key, value, timeout: timeouts.append(timeout))
    store["member"] = 1
    store.set_expiry(14 * 24 * 3600)  # the session itself: two weeks, in the database
    store.save()
    assert timeouts == [sessions.CACHED_FOR] and sessions.CACHED_FOR <= 300
    assert sessions.SessionStore().exists(store.session_key)  # the row is there


def test_a_warm_signed_in_page_reads_no_member_row(client, member):
    _sign_in(client)
    client.get(reverse("my_bookings"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my_bookings")).status_code == 200
    assert [q["sql"] for q in queries if "portal_user" in q["sql"]] == []


def _signed_out(client) -> bool:
    response = client.get(reverse("my_bookings"))
    return response.status_code == 302 and reverse("login") in response["Location"]


def test_a_member_disabled_is_signed_out_on_the_next_request(client, member):
    _sign_in(client)
    assert not _signed_out(client)  # the row is kept now
    member.is_active = False
    member.save()
    assert _signed_out(client)


def test_a_bulk_update_shows_on_the_next_request(client, member):
    _sign_in(client)
    assert not _signed_out(client)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert _signed_out(client)


def test_a_password_changed_elsewhere_signs_out_this_session(client, member):
    _sign_in(client)
    assert not _signed_out(client)
    member.set_password("another horse 43")
    member.save()
    assert _signed_out(client)


def test_a_profile_change_shows_at_once(client, member):
    _sign_in(client)
    client.get(reverse("my_bookings"))
    User.objects.filter(pk=member.pk).update(first_name="Grace")
    assert "Grace" in client.get(reverse("profile")).content.decode()


def test_with_the_cache_down_the_member_row_comes_from_the_database(client, member):
    with override_settings(CACHES=DEAD_CACHE):
        _sign_in(client)
        assert not _signed_out(client)
        member.is_active = False
        member.save()
        assert _signed_out(client)
