"""Real servers for the test suite, started from the installed binaries.

``tests/settings.py`` (the suite's ``DJANGO_SETTINGS_MODULE``) calls :func:`configure`
before it reads the portal's settings: it starts a throw-away PostgreSQL cluster and a
Redis server on free loopback ports and exports ``DATABASE_URL`` and ``REDIS_URL``, so
the portal is configured under test exactly as in production.

``PORTAL_TEST_SERVICES=embedded`` runs the same suite on the embedded defaults instead
(SQLite, diskcache's cache shared by every process under the run's PORTAL_VAR_DIR, the
filesystem broker); tests marked ``postgres`` or ``redis`` are skipped there.
pytest-postgresql is not used because PostgreSQL refuses to run as root, which is how CI
runs: as root, the cluster is run as the ``postgres`` user.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

MODE = os.environ.get("PORTAL_TEST_SERVICES", "real")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> list[int]:
    """``count`` different free ports: each probe stays bound until all are picked, since
    the kernel may hand a just-closed port out again (two servers then collide)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _pg_bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
        reverse=True,
    )
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise RuntimeError(
        "PostgreSQL is not installed (no initdb found): `apt-get install postgresql`, "
        "or run the suite on the embedded defaults with PORTAL_TEST_SERVICES=embedded."
    )


@dataclass
class Servers:
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="portal-test-")))
    processes: list[subprocess.Popen] = field(default_factory=list)
    pg_stop: list[str] | None = None

    def start_postgres(self) -> str:
        bindir = _pg_bindir()
        pgroot = self.root / "pg"
        pgroot.mkdir()
        as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            os.chown(pgroot, user.pw_uid, user.pw_gid)
            as_user = ["runuser", "-u", "postgres", "--"]
        data = pgroot / "data"
        port = free_port()
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {port} -k {pgroot} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(pgroot / "log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        self.pg_stop = [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-m",
            "immediate",
            "stop",
        ]
        return f"postgres://postgres@127.0.0.1:{port}/portal"

    def start_redis(self) -> str:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.path.exists(binary):
            raise RuntimeError(
                "redis-server is not installed: `apt-get install redis-server`, or run the "
                "suite on the embedded defaults with PORTAL_TEST_SERVICES=embedded."
            )
        port = free_port()
        proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(proc)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return f"redis://127.0.0.1:{port}/0"
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start within 20 seconds")

    def stop(self) -> None:
        if self.pg_stop:
            subprocess.run(self.pg_stop, capture_output=True, check=False)
        for proc in self.processes:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)


def _is_xdist_controller(args: list[str]) -> bool:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return False
    return any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in args)


def configure(args: list[str] | None = None) -> None:
    """Point the environment at fresh servers (or at the embedded defaults)."""
    args = sys.argv if args is None else args
    var_dir = tempfile.mkdtemp(prefix="portal-var-")
    atexit.register(shutil.rmtree, var_dir, True)
    os.environ["PORTAL_VAR_DIR"] = var_dir
    os.environ["EMAIL_URL"] = "locmem://"
    if MODE == "embedded":
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        return
    if MODE != "real":
        raise RuntimeError("PORTAL_TEST_SERVICES must be 'real' or 'embedded'")
    if _is_xdist_controller(args) or any(a in ("--help", "-h", "--version") for a in args):
        return
    servers = Servers()
    atexit.register(servers.stop)
    os.environ["DATABASE_URL"] = servers.start_postgres()
    os.environ["REDIS_URL"] = servers.start_redis()


def pytest_report_header(config):
    if MODE == "embedded":
        return "services: embedded defaults (SQLite, shared disk cache, filesystem broker)"
    return (
        f"services: real PostgreSQL at {os.environ.get('DATABASE_URL')}, "
        f"real Redis at {os.environ.get('REDIS_URL')}"
    )


def pytest_collection_modifyitems(config, items):
    if MODE != "embedded":
        return
    skip = pytest.mark.skip(reason="needs a real server; runs in the real-services pass")
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("redis"):
            item.add_marker(skip)
