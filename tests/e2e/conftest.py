"""End-to-end fixtures: the whole product for real, driven by a real browser.

* ``sandbox_live``: the provider sandbox on a free 127.0.0.1 port;
* ``catalogue``: provider accounts made from its ``--print-config`` and synced;
* ``worker``: a real Celery worker process on the suite's broker and test database;
* ``page``: Debian's Chromium driven by Playwright (no browser download: it is started
  from ``/usr/bin/chromium``);
* ``live_server`` (pytest-django): the portal itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from werkzeug.serving import make_server

from devtools.demo import accounts_from_sandbox_config
from providers import services
from providers.models import ProviderAccount
from sandbox import build_sandbox
from tests.workers import celery_worker_args

ROOT = Path(__file__).resolve().parents[2]


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = pytest.mark.e2e


@pytest.fixture
def sandbox_live():
    sandbox = build_sandbox(state_path=None, fault_seed=5)
    server = make_server("127.0.0.1", 0, sandbox, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sandbox.base_url = f"http://127.0.0.1:{server.server_port}"
    yield sandbox
    server.shutdown()


@pytest.fixture
def catalogue(sandbox_live, transactional_db):
    accounts = []
    for cfg in accounts_from_sandbox_config(sandbox_live.print_config(sandbox_live.base_url)):
        account = ProviderAccount.objects.create(
            kind=cfg.kind, name=cfg.name, config=cfg.config, credentials=cfg.credentials
        )
        run = services.sync_account(account)
        assert run.status == "success", run.errors
        accounts.append(account)
    return accounts


def _worker_env(mail_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env["EMAIL_URL"] = f"file://{mail_dir}"
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return env


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A real Celery worker, sharing the test database and the suite's broker."""
    from portal.celery import ensure_broker_folders

    ensure_broker_folders()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    proc = subprocess.Popen(
        celery_worker_args(),
        cwd=ROOT,
        env=_worker_env(mail_dir),
        stdout=open(tmp_path / "worker.log", "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    proc.mail_dir = mail_dir
    proc.log = tmp_path / "worker.log"
    yield proc
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """Started after the test database exists: Playwright's event loop then lives in
    this thread, and Django refuses synchronous database set-up beside it."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
    # themselves make (fixtures, assertions, database flushes) stay synchronous. Only while
    # the browser lives: the setting must never reach a deployment (check --deploy refuses it).
    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    patch.undo()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    # provider photos point at hosts this machine cannot reach: do not wait for them
    context.route(
        lambda url: not url.startswith("http://localhost") and not url.startswith("http://127."),
        lambda route: route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def member(transactional_db):
    from portal.models import User

    return User.objects.create_user(
        email="e2e@example.com",
        password="e2e-pass-12345",
        first_name="Eve",
        last_name="Tester",
        phone="+353 1 555 0199",
        company="E2E Ltd",
    )


def log_in(page, live_server, email="e2e@example.com", password="e2e-pass-12345"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def open_with_free_slot(page, url: str, seconds: float = 15.0):
    """Open ``url`` and return its first free slot link once it shows: a page waits at
    most its provider budget (300 ms), so a cold week or pass first says "Asking the
    provider…" and fills in by itself (htmx) when the answer lands, with no reload."""
    page.goto(url)
    slot = page.locator("a.slot-free").first
    slot.wait_for(timeout=seconds * 1000)
    return slot
