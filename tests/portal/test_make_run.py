"""`make run` (manage.py devrun) starts the whole product and Ctrl-C stops all of it.

`make run` serves the portal with gunicorn and the static files with WhiteNoise; `make dev`
(devrun --dev) with runserver, which restarts on code changes. Stopped and started again at
once, both serve: the connections the stopped server left behind do not count as "taken".
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from portal.management.commands.devrun import _port_free
from tests.services import free_ports

ROOT = Path(__file__).resolve().parents[2]
LISTEN = "0A"
SHELLS = {"/bin/sh", "sh", "/bin/bash", "bash", "/usr/bin/sh"}  # the state column of /proc/net/tcp


def _session_processes(sid: int) -> list[str]:
    out = subprocess.run(
        ["ps", "-ww", "-s", str(sid), "-o", "pid=,args="], capture_output=True, text=True
    )
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def _process_tree(root: int) -> list[str]:
    """``pid args`` of ``root`` and all its descendants (honcho starts each Procfile line in
    a session of its own, so the session alone does not hold them)."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid=,args="], capture_output=True, text=True)
    children: dict[int, list[tuple[int, str]]] = {}
    for line in out.stdout.splitlines():
        pid, ppid, *args = line.split(None, 2)
        children.setdefault(int(ppid), []).append((int(pid), args[0] if args else ""))
    found, todo = [], [root]
    while todo:
        for pid, args in children.get(todo.pop(), []):
            found.append(f"{pid} {args}")
            todo.append(pid)
    return found


def _running(processes: list[str], program: str) -> list[str]:
    """The processes running ``program`` itself (not the shell honcho starts it with)."""
    return [line for line in processes if program in line and line.split()[1] not in SHELLS]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        # reaped between the two calls: /proc/<pid> goes, reading it raises this too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def _sockets_on(port: int) -> list[str]:
    """The states (hex, as in /proc/net/tcp) of the IPv4 sockets bound to 127.0.0.1:port."""
    states = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}":
            states.append(fields[3])
    return states


def _bind_without_reuse(port: int) -> bool:
    """The probe devrun used to make: a plain bind, which TIME_WAIT connections refuse."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Run:
    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.web, self.sandbox, self.redis = free_ports(3)
        self.tmp_path = tmp_path
        self.args = args
        self.proc: subprocess.Popen[str] | None = None
        self.output = ""

    def start(self) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"}
        }
        env.update(
            PORTAL_VAR_DIR=str(self.tmp_path),
            WEB_PORT=str(self.web),
            SANDBOX_PORT=str(self.sandbox),
            LOCAL_REDIS_PORT=str(self.redis),
            DJANGO_SETTINGS_MODULE="portal.settings",
        )
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "devrun", *self.args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.web}{path}"

    def wait_healthy(self, seconds: float = 90) -> httpx.Response:
        assert self.proc is not None
        deadline = time.monotonic() + seconds
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(self.url("/healthz"), timeout=2)
                if health.status_code == 200 and health.json()["broker"]["ok"]:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                output = self.proc.stdout.read() if self.proc.stdout else ""
                pytest.fail(f"devrun stopped (exit {self.proc.returncode}):\n{output}")
            time.sleep(0.5)
        assert health is not None and health.status_code == 200
        assert health.json()["status"] == "ok"
        return health

    def processes(self) -> list[str]:
        """Every process of the run: honcho and, below it, web, worker, beat, sandbox."""
        assert self.proc is not None
        return _process_tree(self.proc.pid)

    def stop(self) -> str:
        """Ctrl-C, as in the terminal; waits until no process of the run is left."""
        assert self.proc is not None
        proc = self.proc
        started = [int(line.split()[0]) for line in self.processes()]
        os.killpg(proc.pid, signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            pytest.fail("devrun did not stop within 60 s of Ctrl-C")
        deadline = time.monotonic() + 10
        while _session_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _session_processes(proc.pid) == []
        while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in started if _alive(pid)] == []
        self.proc = None
        self.output = output
        return output

    def kill(self) -> None:
        """After a failure: whatever is left of the run."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.communicate()
            self.proc = None


def _process_environ(line: str) -> dict[str, str]:
    pid = line.split()[0]
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def test_port_probe_ignores_time_wait_but_not_a_listener():
    listener = socket.socket()
    # as gunicorn, runserver, werkzeug and redis-server listen (Linux lets a socket bind
    # beside a TIME_WAIT one only when both ask for SO_REUSEADDR)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    assert not _port_free(port)  # something listens: taken

    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = listener.accept()
    conn.close()  # the server closes first, as gunicorn does on Ctrl-C
    assert client.recv(1) == b""
    client.close()
    listener.close()
    deadline = time.monotonic() + 5
    while "06" not in _sockets_on(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "06" in _sockets_on(port)  # TIME_WAIT, with nothing listening
    assert not _bind_without_reuse(port)  # what refused `make run` for a minute

    assert _port_free(port)


@pytest.mark.slow
def test_devrun_serves_the_portal_and_ctrl_c_leaves_nothing_behind(tmp_path):
    run = Run(tmp_path)
    run.start()
    try:
        run.wait_healthy()
        home = httpx.get(run.url("/"), timeout=5)
        assert home.status_code == 200 and "Coworking Portal" in home.text
        login = httpx.get(run.url("/accounts/login/"), timeout=5)
        assert login.status_code == 200
        processes = run.processes()
        assert len(processes) >= 5  # honcho + web, worker, beat, sandbox
        # gunicorn serves the portal: an arbiter and two workers
        assert len(_running(processes, "gunicorn portal.wsgi")) == 3
        assert _running(processes, "runserver") == []
        web = _running(processes, "gunicorn portal.wsgi")[0]
        assert _process_environ(web)["SITE_URL"] == f"http://127.0.0.1:{run.web}"
        # static files collected under var/ and served by WhiteNoise from its index
        assert (tmp_path / "staticfiles" / "css" / "portal.css").is_file()
        css = httpx.get(run.url("/static/css/portal.css"), timeout=5)
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        assert css.headers["cache-control"] == "max-age=60, public"
        admin_js = httpx.get(run.url("/static/admin/js/cancel.js"), timeout=5)
        assert admin_js.status_code == 200
    finally:
        output = run.stop()
    assert "member@example.com" in output and "password:" in output
    assert f"http://127.0.0.1:{run.web}/" in output
    assert f"Links in emails and calendars: http://127.0.0.1:{run.web}" in output
    assert "Web server: gunicorn" in output


@pytest.mark.slow
def test_make_run_stopped_and_started_again_at_once_serves(tmp_path):
    run = Run(tmp_path)
    run.start()
    try:
        run.wait_healthy()
        # A client that keeps its connection open, as a browser does: on Ctrl-C the server
        # closes it first, which leaves the server's side in TIME_WAIT for a minute.
        with httpx.Client(timeout=5) as browser:
            for path in ("/", "/accounts/login/", "/static/css/portal.css"):
                assert browser.get(run.url(path)).status_code == 200
            for _ in range(3):
                answer = httpx.get(run.url("/"), headers={"Connection": "close"}, timeout=5)
                assert answer.status_code == 200
            run.stop()
        left = [state for state in _sockets_on(run.web) if state != LISTEN]
        assert left, "the stopped server left no connection behind: nothing was tested"
        assert LISTEN not in _sockets_on(run.web)
        assert not _bind_without_reuse(run.web)  # the old check would refuse to start

        run.start()  # at once
        run.wait_healthy(60)
        assert httpx.get(run.url("/"), timeout=5).status_code == 200
        output = run.stop()
    finally:
        run.kill()
    assert "is taken" not in output


@pytest.mark.slow
def test_make_dev_serves_with_runserver_that_reloads_on_changes(tmp_path):
    run = Run(tmp_path, "--dev")
    run.start()
    try:
        run.wait_healthy()
        processes = run.processes()
        assert _running(processes, "gunicorn") == []
        servers = _running(processes, "manage.py runserver")
        assert len(servers) == 2  # the autoreloader and the server it restarts
        # static files from the source folders, nothing collected
        assert httpx.get(run.url("/static/css/portal.css"), timeout=5).status_code == 200
        assert not (tmp_path / "staticfiles").exists()

        # Its time changes, not its text. Django's StatReloader notes a file's time on
        # the first pass that sees it and restarts on a later change, so a single touch
        # can land before that first pass on a busy machine: touch until it restarts.
        module = ROOT / "portal" / "urls.py"
        deadline = time.monotonic() + 60
        restarted = servers
        while restarted == servers and time.monotonic() < deadline:
            os.utime(module)
            time.sleep(1.5)
            restarted = _running(run.processes(), "manage.py runserver")
        assert restarted != servers, "runserver did not restart after a code change"
        run.wait_healthy(30)
        output = run.stop()
    finally:
        run.kill()
    assert "Web server: runserver" in output


@pytest.mark.slow
def test_production_profile_serves_hashed_compressed_static_files(tmp_path):
    """DEBUG=false: collectstatic with WhiteNoise's manifest storage, pages link the hashed
    names and WhiteNoise serves them compressed and cacheable for ever."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL", "STATIC_ROOT"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        PORTAL_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    script = textwrap.dedent(
        """
        import re, django
        django.setup()
        from django.core.management import call_command
        from django.test import Client
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        home = Client().get("/")
        assert home.status_code == 200, home.status_code
        css = re.search(r'href="(/static/css/portal\\.[0-9a-f]{12}\\.css)"', home.text)
        assert css, home.text[:2000]
        answer = Client().get(css.group(1), HTTP_ACCEPT_ENCODING="gzip")
        assert answer.status_code == 200, answer.status_code
        assert answer.headers["Content-Encoding"] == "gzip", answer.headers
        assert "immutable" in answer.headers["Cache-Control"], answer.headers
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stdout + done.stderr
