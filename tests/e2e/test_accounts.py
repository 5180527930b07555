"""Accounts in a real browser: a visitor signs up and finishes from the link in their
inbox; too many wrong passwords pause their logins with a page that says for how long."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.e2e


def test_sign_up_then_follow_the_emailed_link(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email address").fill("newcomer@example.com")
    page.get_by_label("First name").fill("Noa")
    page.get_by_label("Last name").fill("Newcomer")
    page.locator("#id_password1").fill("a-long-enough-pass-42")
    page.locator("#id_password2").fill("a-long-enough-pass-42")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()

    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/activate/\S+)", message.body).group(1)
    page.goto(live_server.url + link)
    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    assert "Signed in as newcomer@example.com" in page.content()


def try_to_log_in(page, live_server, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("e2e@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_wrong_passwords_pause_the_login_and_say_for_how_long(page, live_server, member):
    for _ in range(5):
        try_to_log_in(page, live_server, "not-my-password")
    page.get_by_role("heading", name="Too many failed attempts to log in").wait_for()
    assert "Try again in 15 minutes" in page.content()
    try_to_log_in(page, live_server, "e2e-pass-12345")  # the right password waits too
    page.get_by_role("heading", name="Too many failed attempts to log in").wait_for()
    assert page.url == f"{live_server.url}/accounts/login/"
