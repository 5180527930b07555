"""Fixtures for testing the provider sandbox in-process.

``sandbox`` is a fresh sandbox (state in memory, seeded relative to today); ``client`` is
an httpx client that talks to it through the WSGI transport, so each test sees the same
HTTP answers a real client would, with no server to start. ``live_sandbox`` serves it on
a free 127.0.0.1 port for tests that need a real socket (timeouts, hangs, concurrency).
"""

from __future__ import annotations

import threading

import httpx
import pytest
from werkzeug.serving import make_server

from sandbox import build_sandbox


@pytest.fixture
def sandbox():
    return build_sandbox(state_path=None, fault_seed=1)


@pytest.fixture
def client(sandbox):
    with httpx.Client(
        transport=httpx.WSGITransport(app=sandbox), base_url="http://127.0.0.1:8001"
    ) as http:
        yield http


@pytest.fixture
def config(sandbox):
    """What ``manage.py sandbox --print-config`` prints for this sandbox."""
    return sandbox.print_config("http://127.0.0.1:8001")


@pytest.fixture
def live_sandbox(sandbox):
    server = make_server("127.0.0.1", 0, sandbox, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sandbox.base_url = f"http://127.0.0.1:{server.server_port}"
    yield sandbox
    server.shutdown()
