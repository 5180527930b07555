"""`make run` (manage.py devrun) starts the whole product and Ctrl-C stops all of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]


def _session_processes(sid: int) -> list[str]:
    out = subprocess.run(["ps", "-s", str(sid), "-o", "pid=,args="], capture_output=True, text=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


@pytest.mark.slow
def test_devrun_serves_the_portal_and_ctrl_c_leaves_nothing_behind(tmp_path):
    web, sandbox, redis = free_port(), free_port(), free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }
    env.update(
        PORTAL_VAR_DIR=str(tmp_path),
        WEB_PORT=str(web),
        SANDBOX_PORT=str(sandbox),
        LOCAL_REDIS_PORT=str(redis),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "devrun"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{web}/healthz", timeout=2)
                if health.status_code == 200 and health.json()["broker"]["ok"]:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.5)
        assert health is not None and health.status_code == 200
        assert health.json()["status"] == "ok"
        home = httpx.get(f"http://127.0.0.1:{web}/", timeout=5)
        assert home.status_code == 200 and "Coworking Portal" in home.text
        login = httpx.get(f"http://127.0.0.1:{web}/accounts/login/", timeout=5)
        assert login.status_code == 200
        assert len(_session_processes(proc.pid)) >= 5  # honcho + web, worker, beat, sandbox
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            output, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            pytest.fail("devrun did not stop within 60 s of Ctrl-C")
    assert "member@example.com" in output and "password:" in output
    assert f"http://127.0.0.1:{web}/" in output
    deadline = time.monotonic() + 10
    while _session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_processes(proc.pid) == []
