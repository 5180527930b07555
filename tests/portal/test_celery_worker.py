"""A task sent through the configured broker is run by a real Celery worker process.

In the real-services pass the broker is the Redis server the suite started; in the
embedded pass it is the filesystem broker. Either way nothing runs eagerly.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from portal.celery import app, ensure_broker_folders
from portal.tasks import ping
from tests.workers import celery_worker_args

ROOT = Path(__file__).resolve().parents[2]


# The worker listens on a queue of its own: tasks other tests left in the broker (the
# filesystem broker of the embedded pass keeps them) must not stand before the ping.
QUEUE = f"ping-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worker():
    ensure_broker_folders()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    proc = subprocess.Popen(
        celery_worker_args(pool="solo", concurrency=None, loglevel="WARNING", extra=("-Q", QUEUE)),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.slow
def test_a_real_worker_runs_the_task(worker):
    assert app.conf.task_always_eager is False
    token = uuid.uuid4().hex
    result = ping.apply_async(args=[token], queue=QUEUE)
    answer = result.get(timeout=60)
    assert answer["token"] == token
    assert answer["pid"] == worker.pid  # solo pool: the worker process itself ran it
    assert answer["pid"] != os.getpid()


@pytest.mark.slow
@pytest.mark.redis
def test_in_the_real_pass_the_broker_is_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert app.connection_for_write().transport_cls == "redis"
