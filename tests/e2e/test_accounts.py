"""Accounts in a real browser: too many wrong passwords pause the logins with a page that
says for how long."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


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
