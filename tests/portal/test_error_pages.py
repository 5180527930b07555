"""`make run` is the product: with its DEBUG on, a missing page or a crash is still the
portal's own page, as members get in production; `make dev` keeps Django's debug pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.management.commands import devrun

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_profile(settings):
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = False


def test_an_unknown_address_is_the_portal_404_page(client, run_profile):
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    text = answer.content.decode()
    assert "There is nothing at this address." in text
    assert "DEBUG = True" not in text and "URLconf" not in text


def test_a_missing_space_is_the_portal_404_page(client, run_profile):
    answer = client.get(reverse("space_detail", args=[999999]))
    assert answer.status_code == 404
    assert "There is nothing at this address." in answer.content.decode()


def test_the_api_still_answers_json(client, run_profile):
    answer = client.get("/api/spaces/999999")
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")


def test_development_mode_keeps_the_debug_page(client, settings):
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = True
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    assert "DEBUG = True" in answer.content.decode()


def test_make_run_turns_debug_pages_off_and_make_dev_keeps_them(monkeypatch, tmp_path):
    seen = {}

    def fake_exec(path, argv, env):
        seen.update(env)

    monkeypatch.delenv("DEBUG_ERROR_PAGES", raising=False)
    monkeypatch.setattr(devrun.os, "execvpe", fake_exec)
    monkeypatch.setattr(devrun, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(devrun.os, "chdir", lambda path: None)
    monkeypatch.setattr(devrun, "_port_free", lambda port: True)
    devrun.Command().handle(dev=False, no_exec=False)
    assert seen["DEBUG_ERROR_PAGES"] == "false"
    seen.clear()
    devrun.Command().handle(dev=True, no_exec=False)
    assert "DEBUG_ERROR_PAGES" not in seen


def test_links_follow_the_port_a_dotenv_file_gives_the_web_server(monkeypatch, tmp_path, settings):
    """honcho gives every process what ./.env says: make run reads it too, so links in
    emails and calendar files name the port the web server really listens on."""
    seen = {}
    (tmp_path / ".env").write_text("WEB_PORT=8123\n")
    settings.BASE_DIR = tmp_path
    for name in ("SITE_URL", "WEB_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(devrun.os, "execvpe", lambda path, argv, env: seen.update(env))
    monkeypatch.setattr(devrun, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(devrun.os, "chdir", lambda path: None)
    monkeypatch.setattr(devrun, "_port_free", lambda port: True)
    devrun.Command().handle(dev=False, no_exec=False)
    assert seen["WEB_PORT"] == "8123"
    assert seen["SITE_URL"] == "http://127.0.0.1:8123"


def test_two_servers_given_one_port_are_refused_with_their_names(monkeypatch, tmp_path, settings):
    """Two servers on one port: the second cannot listen and the whole run stops a few
    seconds later with a message buried in the log. Say so before starting anything."""
    settings.BASE_DIR = tmp_path
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("WEB_PORT", "8123")
    monkeypatch.setenv("SANDBOX_PORT", "8124")
    monkeypatch.setenv("LOCAL_REDIS_PORT", "8124")
    started = []
    monkeypatch.setattr(devrun.os, "execvpe", lambda *args: started.append(args))
    monkeypatch.setattr(devrun, "call_command", lambda *args, **kwargs: started.append(args))
    monkeypatch.setattr(devrun, "_port_free", lambda port: True)
    with pytest.raises(devrun.CommandError) as refused:
        devrun.Command().handle(dev=False, no_exec=False)
    assert "SANDBOX_PORT and LOCAL_REDIS_PORT are both 8124" in str(refused.value)
    assert started == []
