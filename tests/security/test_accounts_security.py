"""Accounts under attack: guessing passwords, flooding the reset form, and sign-up as an
oracle for which addresses have an account (issue 14)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from portal.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"


@pytest.fixture
def member():
    return User.objects.create_user(
        email="ada@example.com", password=PASSWORD, first_name="Ada", last_name="L"
    )


@pytest.fixture
def staff():
    return User.objects.create_superuser(email="boss@example.com", password="x-admin-pass-99")


def log_in(client, username, password, address="127.0.0.1", url="/accounts/login/", **headers):
    data = {"username": username, "password": password}
    return client.post(url, data, REMOTE_ADDR=address, **headers)


def logged_in(client) -> bool:
    return client.get(reverse("profile")).status_code == 200


def guess(client, username, times, url="/accounts/login/", address="127.0.0.1"):
    for _ in range(times):
        log_in(client, username, "wrong-guess", address, url)


# --- login throttling ------------------------------------------------------------------


def test_after_five_wrong_passwords_even_the_right_one_does_not_log_in(client, member):
    guess(client, "ada@example.com", 4)
    assert log_in(client, "ada@example.com", "wrong-guess").status_code == 429
    response = log_in(client, "ada@example.com", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed attempts to log in" in page
    assert "Try again in 15 minutes" in page
    assert response["Retry-After"] == "900"
    assert not logged_in(client)


def test_the_lock_counts_one_member_from_one_address(client, member):
    User.objects.create_user(email="bob@example.com", password="bob-pass-12345")
    guess(client, "ada@example.com", 5)
    # the same member from another address, and another member from this one, log in
    assert log_in(client, "ada@example.com", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert log_in(client, "bob@example.com", "bob-pass-12345").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_lock_counts_the_address_the_proxy_saw(client, member):
    proxy = "10.9.9.9"
    for forged in range(5):  # what the client writes itself does not give it more tries
        forwarded = f"192.0.2.{forged}, 203.0.113.5"
        log_in(client, "ada@example.com", "wrong", proxy, HTTP_X_FORWARDED_FOR=forwarded)
    here, elsewhere = "203.0.113.5", "198.51.100.7"
    locked = log_in(client, "ada@example.com", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=here)
    assert locked.status_code == 429
    # the member, elsewhere, comes through the same proxy and logs in
    away = log_in(client, "ada@example.com", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=elsewhere)
    assert away.status_code == 302


def test_changing_the_case_of_the_email_does_not_buy_more_guesses(client, member):
    for username in ("ada@example.com", "ADA@example.com", " Ada@Example.com", "ada@EXAMPLE.com"):
        log_in(client, username, "wrong-guess")
    assert log_in(client, "AdA@example.com", "wrong-guess").status_code == 429
    assert log_in(client, "ada@example.com", PASSWORD).status_code == 429


def test_a_successful_login_starts_the_count_again(client, member):
    guess(client, "ada@example.com", 4)
    assert log_in(client, "ada@example.com", PASSWORD).status_code == 302
    client.logout()
    guess(client, "ada@example.com", 4)
    assert log_in(client, "ada@example.com", PASSWORD).status_code == 302


@override_settings(AXES_COOLOFF_TIME=timedelta(seconds=1))
def test_the_member_logs_in_again_once_the_lock_has_passed(client, member):
    guess(client, "ada@example.com", 5)
    assert log_in(client, "ada@example.com", PASSWORD).status_code == 429
    time.sleep(2.1)
    assert log_in(client, "ada@example.com", PASSWORD).status_code == 302


def test_the_staff_login_is_throttled_too(client, staff):
    guess(client, "boss@example.com", 5, url="/admin/login/")
    response = log_in(client, "boss@example.com", "x-admin-pass-99", url="/admin/login/")
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still the login page


# --- password reset --------------------------------------------------------------------


def ask_reset(client, email, address="127.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_reset_requests_for_one_address_stop_sending_past_the_limit(client, member):
    answers = [ask_reset(client, "ada@example.com", address=f"10.0.0.{n}") for n in range(8)]
    assert len(mail.outbox) == 5  # ACCOUNT_EMAILS_PER_RECIPIENT
    # the same answer before and past the limit: nothing tells the limit from no account
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("password_reset_done"))
    }


def test_reset_requests_from_one_client_stop_sending_past_the_limit(client):
    for n in range(25):
        User.objects.create_user(email=f"m{n}@example.com", password="pw-member-12345")
    answers = [ask_reset(client, f"m{n}@example.com") for n in range(25)]
    assert len(mail.outbox) == 20  # ACCOUNT_EMAILS_PER_CLIENT
    assert {a.status_code for a in answers} == {302}
    ask_reset(client, "m24@example.com", address="10.0.0.9")  # another client still can
    assert mail.outbox[-1].to == ["m24@example.com"]
    assert len(mail.outbox) == 21


# --- sign-up ---------------------------------------------------------------------------


def sign_up(client, email, password="a-long-enough-pass-42", address="127.0.0.1"):
    return client.post(
        reverse("signup"),
        {
            "email": email,
            "first_name": "New",
            "last_name": "Member",
            "password1": password,
            "password2": password,
        },
        follow=True,
        REMOTE_ADDR=address,
    )


def visible_answer(response) -> tuple:
    page = response.content.decode()
    # the CSRF token differs on every page, for anyone
    page = re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", page)
    return response.status_code, response.redirect_chain, page


def test_sign_up_with_a_taken_email_answers_exactly_like_a_new_one(client, member):
    taken = sign_up(client, "ada@example.com")
    new = sign_up(client, "newcomer@example.com")
    assert visible_answer(taken) == visible_answer(new)
    assert "Check your inbox" in new.content.decode()
    # neither is logged in: only the owner of the inbox can finish
    assert not logged_in(client)


def test_the_owner_of_a_taken_email_is_told_how_to_log_in_and_nothing_changes(client, member):
    sign_up(client, "ADA@example.com", password="an-attackers-pass-77")
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert "already have an account" in message.body
    assert "/accounts/login/" in message.body
    assert "/accounts/password_reset/" in message.body
    member.refresh_from_db()
    assert member.check_password(PASSWORD)  # the sign-up changed nothing
    assert (member.first_name, User.objects.count()) == ("Ada", 1)


def activation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/activate/\S+)", message.body).group(1)


def test_a_new_account_waits_for_the_link_in_its_inbox(client):
    sign_up(client, "New.Member@Example.com")
    assert log_in(client, "new.member@example.com", "a-long-enough-pass-42").status_code == 200
    assert not logged_in(client)  # the account is not active yet
    [message] = mail.outbox
    assert message.to == ["new.member@example.com"]
    link = activation_link(message)
    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile")
    assert "Signed in as new.member@example.com" in response.content.decode()
    assert User.objects.get().is_active
    client.logout()
    assert client.get(link).status_code == 400  # the link works once
    assert log_in(client, "new.member@example.com", "a-long-enough-pass-42").status_code == 302


def test_signing_up_again_before_the_link_sends_a_new_one(client):
    sign_up(client, "late@example.com", password="first-try-pass-42")
    sign_up(client, "late@example.com", password="second-try-pass-42")
    first, second = mail.outbox
    assert client.get(activation_link(first)).status_code == 400  # replaced by the second
    client.get(activation_link(second))
    assert logged_in(client)
    assert User.objects.get().check_password("second-try-pass-42")


def test_sign_up_emails_to_one_address_stop_past_the_limit(client, member):
    for n in range(8):
        sign_up(client, "ada@example.com", address=f"10.0.1.{n}")
    assert len(mail.outbox) == 5
