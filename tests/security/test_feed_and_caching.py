"""The calendar link and private pages: what the probe of issue 14 found.

- A link turned off stays off: an email never makes one, and mentions one only if the
  member turned it on.
- The link the profile shows is the link the feed accepts, whatever SECRET_KEY becomes.
- Feed tokens never reach a log line (gunicorn's access log, runserver, 404 lines).
- The three .ics endpoints answer HEAD like GET.
- Pages for a signed-in member are ``Cache-Control: private`` (``no-store`` where they
  show a secret); public catalogue pages keep their caching.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from django.core import mail
from django.urls import reverse
from gunicorn.config import Config

from bookings import emails
from bookings.models import FeedToken
from portal.models import User
from providers import availability
from providers.adapters.types import ProviderDay
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
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("bookings", "0007_search_covering_index")])
    old_apps = executor.loader.project_state([("bookings", "0007_search_covering_index")]).apps
    try:
        OldFeedToken = old_apps.get_model("bookings", "FeedToken")
        # the member as the tables are now (going back unapplied the migrations after
        # bookings 0008, some of which add columns to it)
        applied = list(executor.recorder.applied_migrations())
        user = (
            executor.loader.project_state(applied)
            .apps.get_model("portal", "User")
            .objects.create(email="old@example.com", password=make_password("pw-old-123456"))
        )
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


# --- 3. feed tokens never in a log line ----------------------------------------------

TOKEN = "Zq7xSECRETfeedTOKEN-that_no_log_may_hold_43ch"


def test_gunicorn_access_and_error_lines_cut_the_feed_token(tmp_path):
    from portal import gunicorn_conf

    cfg = Config()
    for name, value in vars(gunicorn_conf).items():
        if name in cfg.settings:
            cfg.set(name, value)
    access_file = tmp_path / "access.log"
    error_file = tmp_path / "error.log"
    cfg.set("accesslog", str(access_file))
    cfg.set("errorlog", str(error_file))
    logger = cfg.logger_class(cfg)
    assert isinstance(logger, gunicorn_conf.RedactingLogger)
    path = f"/calendar/{TOKEN}.ics"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path + "?x=1",
        "PATH_INFO": path,
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://portal.example{path}",
        "HTTP_USER_AGENT": "Calendar/1.0",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "x")])
    request = SimpleNamespace(headers=[("HOST", "portal.example")])
    logger.access(response, request, environ, dt.timedelta(milliseconds=12))
    logger.error("Error handling request %s", path)
    for handler in logger.access_log.handlers + logger.error_log.handlers:
        handler.flush()

    access = access_file.read_text()
    errors = error_file.read_text()
    assert '"GET /calendar/Zq7x\u2026.ics?x=1 HTTP/1.1" 200 1234' in access
    assert "Error handling request /calendar/Zq7x\u2026.ics" in errors
    assert TOKEN[4:12] not in access + errors


def test_django_404_lines_cut_the_feed_token(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/calendar/{TOKEN}.ics").status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert lines == ["Not Found: /calendar/Zq7x\u2026.ics"]


def test_runserver_request_lines_cut_the_feed_token():
    """``make dev``: runserver logs each request on ``django.server`` (not propagated)."""
    server_log = logging.getLogger("django.server")
    stream = io.StringIO()
    catcher = logging.StreamHandler(stream)
    server_log.addHandler(catcher)
    try:
        # as django.core.servers.basehttp.WSGIRequestHandler.log_message writes it
        server_log.info(
            '"%s" %s %s',
            f"GET /calendar/{TOKEN}.ics HTTP/1.1",
            "200",
            "512",
            extra={"status_code": 200, "request": None},
        )
    finally:
        server_log.removeHandler(catcher)
    assert stream.getvalue() == '"GET /calendar/Zq7x\u2026.ics HTTP/1.1" 200 512\n'


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_procfile_web_server_logs_requests_without_the_feed_token():
    """The Procfile's gunicorn line, as run: an access line per request, token cut."""
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith("web:"))
    port = _free_port()
    server = subprocess.Popen(
        ["bash", "-c", "exec " + line.removeprefix("web:").strip()],
        cwd=ROOT,
        env=_server_env(port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/calendar/{TOKEN}.ics", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "no gunicorn"
                time.sleep(0.3)
        assert answer.status_code == 404
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert '"GET /calendar/Zq7x\u2026.ics HTTP/1.1" 404' in output, output
    assert "Not Found: /calendar/Zq7x\u2026.ics" in output, output
    assert TOKEN[4:12] not in output, output


def _server_env(port: int) -> dict[str, str]:
    """The portal's settings on the test database, gunicorn from this interpreter."""
    from django.conf import settings

    env = dict(os.environ)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PYTHONPATH=str(ROOT),
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        WEB_PORT=str(port),
        WEB_CONCURRENCY="1",
        WEB_THREADS="1",
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- 4. HEAD on the .ics endpoints ---------------------------------------------------


def test_the_three_calendar_files_answer_head_like_get(
    client,
    member,  # noqa: F811
    room_booking,  # noqa: F811
    monkeypatch,
    settings,
):
    def facts(resource, day):
        start = dt.datetime.combine(day, dt.time(9), DUBLIN)
        return ProviderDay(open=[(start, start + dt.timedelta(hours=8))])

    monkeypatch.setattr(availability, "fetch_resource_day", facts)
    # every day answered within the page's budget, on a loaded test machine too
    settings.PAGE_PROVIDER_BUDGET_MS = settings.PAGE_PROVIDER_TOTAL_MS = 30_000
    client.force_login(member)
    urls = [
        reverse("resource_calendar", args=[room_booking.resource.pk]),
        reverse("member_feed", args=[FeedToken.renew(member).token]),
        reverse("booking_event", args=[room_booking.pk]),
    ]
    for url in urls:
        got = client.get(url)
        head = client.head(url)
        assert (url, head.status_code) == (url, 200)
        assert head.content == b""
        assert head["Content-Type"] == got["Content-Type"] == "text/calendar; charset=utf-8"
        assert head["ETag"] == got["ETag"]
        assert client.head(url, HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304


# --- 5. private pages are private to caches ------------------------------------------


def directives(response) -> set[str]:
    value = response.get("Cache-Control", "")
    return {part.strip().split("=")[0] for part in value.split(",") if part.strip()}


def test_the_profile_with_the_calendar_link_is_private_and_never_stored(
    client,
    member,  # noqa: F811
):
    client.force_login(member)
    client.post(reverse("renew_feed"))
    page = client.get(reverse("profile"))
    assert FEED_LINK.search(page.content.decode())
    assert {"private", "no-store"} <= directives(page)


def test_a_members_bookings_are_private_and_a_booking_page_is_never_stored(
    client,
    member,  # noqa: F811
    room_booking,  # noqa: F811
):
    client.force_login(member)
    listing = client.get(reverse("my_bookings"))
    assert listing.status_code == 200 and "private" in directives(listing)
    detail = client.get(reverse("booking_detail", args=[room_booking.pk]))
    assert "A1B2C3" in detail.content.decode()  # the access code
    assert {"private", "no-store"} <= directives(detail)


def test_every_page_for_a_signed_in_member_is_private(client, member):  # noqa: F811
    client.force_login(member)
    for url in ("/", "/spaces/", "/accounts/password_change/", "/no-such-page/"):
        assert "private" in directives(client.get(url)), url


def test_the_member_feed_is_private(client, member):  # noqa: F811
    feed = client.get(reverse("member_feed", args=[FeedToken.renew(member).token]))
    assert feed.status_code == 200 and "private" in directives(feed)
    assert "public" not in directives(feed)


def test_public_catalogue_pages_keep_their_caching_for_visitors(client):
    for url in ("/", "/spaces/", "/api/spaces"):
        response = client.get(url)
        assert response.status_code == 200
        assert "private" not in directives(response), url
