"""`make run` without Redis: what the worker refreshes, the web process serves.

The web process (``runserver``, as the Procfile starts it) and a real Celery worker run
as separate programs on the portal's own settings, sharing the test database, the broker
folder and the cache under PORTAL_VAR_DIR (Redis in the real-services pass). The web
process serves a room's slots; its cached facts turn stale and say the room is closed; the
member's next request is served the stale answer and sends one refresh to the worker
(``providers.refresh_availability``, the normal path), which asks the provider again. The
freed slots must be in the web process's answer within 5 seconds. With a cache per
process (Django's local-memory cache) the web process served the stale answer for the
whole 15 minutes an entry may be stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.utils import timezone
from werkzeug.serving import make_server

from devtools.demo import accounts_from_sandbox_config
from providers import availability, services
from providers.adapters.types import ProviderDay
from providers.cache import cache
from providers.models import ProviderAccount, Resource
from sandbox import build_sandbox
from tests.services import free_port
from tests.workers import celery_worker_args

ROOT = Path(__file__).resolve().parents[2]
FRESH_WITHIN_SECONDS = 5.0


@pytest.fixture
def sandbox_url():
    sandbox = build_sandbox(state_path=None, fault_seed=5)
    server = make_server("127.0.0.1", 0, sandbox, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", sandbox
    server.shutdown()


def _env() -> dict[str, str]:
    """The portal's own settings on the suite's database, broker and cache folder."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT
        )


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@pytest.fixture
def processes(transactional_db, tmp_path):
    """The web process and a worker, each started as ``make run`` starts them."""
    from portal.celery import ensure_broker_folders

    ensure_broker_folders()
    port = free_port()
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    web = _start(
        ["manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"], web_log
    )
    worker = _start(
        celery_worker_args(pool="solo", concurrency=None)[1:],  # _start adds the interpreter
        worker_log,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert web.poll() is None, web_log.read_text()
            assert worker.poll() is None, worker_log.read_text()
            try:
                web_up = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
            except httpx.HTTPError:
                web_up = None
            if web_up == 200 and " ready." in worker_log.read_text():
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"not ready in 90 s\n{web_log.read_text()}\n{worker_log.read_text()}")
        yield f"http://127.0.0.1:{port}", web_log, worker_log
    finally:
        _stop(web)
        _stop(worker)


def _slots(base: str, resource: Resource, day: dt.date) -> dict:
    answer = httpx.get(
        f"{base}/api/resources/{resource.pk}/slots", params={"date": day.isoformat()}, timeout=15
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _free(answer: dict) -> set[str]:
    return {slot["start"] for slot in answer["slots"] if slot["available"]}


@pytest.mark.slow
def test_a_slot_freed_by_a_worker_refresh_shows_in_the_web_process_within_5_s(
    sandbox_url, processes
):
    base_url, sandbox = sandbox_url
    web, web_log, worker_log = processes
    for cfg in accounts_from_sandbox_config(sandbox.print_config(base_url)):
        if cfg.kind == "zentry":
            account = ProviderAccount.objects.create(
                kind=cfg.kind, name=cfg.name, config=cfg.config, credentials=cfg.credentials
            )
            assert services.sync_account(account).status == "success"
    # a room with free slots tomorrow, as the web process hears them from the provider
    for resource in Resource.objects.filter(space__account__kind="zentry", active=True):
        day = availability.local_today_for(resource.space.timezone) + dt.timedelta(days=1)
        first = _slots(web, resource, day)
        if _free(first):
            break
    else:
        pytest.fail("no Zentry room has a free slot tomorrow in the sandbox")
    assert first["source"] == "live"

    # What the web process stored, this process reads: the cache is shared. The entry turns
    # stale and says the room is closed (slots the provider has since freed).
    key = availability.resource_key(resource.pk, day)
    entry = cache.get(key)
    assert entry is not None, "the web process's answer is not in the shared cache"
    stale_at = timezone.now() - dt.timedelta(seconds=availability.FRESH_SECONDS + 30)
    cache.set(
        key,
        dataclasses.replace(entry, value=ProviderDay(open=[], busy=[]), fetched_at=stale_at),
        availability.STALE_SECONDS,
    )

    stale = _slots(web, resource, day)  # served stale; one refresh goes to the worker
    asked = time.monotonic()
    assert stale["source"] == "stale"
    assert _free(stale) == set()
    while True:
        now = _slots(web, resource, day)
        if _free(now) == _free(first):
            break
        assert time.monotonic() - asked < FRESH_WITHIN_SECONDS, (
            f"the web process still serves {now['source']} facts from {now['fetched_at']}\n"
            f"web:\n{web_log.read_text()}\nworker:\n{worker_log.read_text()}"
        )
        time.sleep(0.2)
    print(f"fresh in the web process {time.monotonic() - asked:.2f} s after the stale answer")
    assert now["source"] == "cached"
    assert dt.datetime.fromisoformat(now["fetched_at"]) > stale_at
    assert "providers.refresh_availability" in worker_log.read_text()
