"""Shared set-up of the benchmarks: a temporary portal with the sandbox, on real sockets."""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable

VAR = tempfile.mkdtemp(prefix="portal-bench-")
os.environ.setdefault("PORTAL_VAR_DIR", VAR)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("EMAIL_URL", "locmem://")
os.makedirs(os.path.join(VAR, "staticfiles"), exist_ok=True)

import django

django.setup()

from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from werkzeug.serving import make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def serve_portal() -> str:
    call_command("migrate", verbosity=0, interactive=False)
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


class CountingApp:
    """Wraps the sandbox and counts the requests it receives, by path prefix."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.paths: list[str] = []

    def __call__(self, environ, start_response):
        with self.lock:
            self.paths.append(environ.get("PATH_INFO", ""))
        return self.app(environ, start_response)

    def count(self, contains: str) -> int:
        with self.lock:
            return sum(contains in p for p in self.paths)


def serve_sandbox():
    from sandbox import build_sandbox

    sandbox = build_sandbox(state_path=None)
    counting = CountingApp(sandbox)

    from werkzeug.serving import WSGIRequestHandler as SandboxHandler

    class Quiet(SandboxHandler):
        def log_request(self, *args, **kwargs):
            pass

    server = make_server("127.0.0.1", 0, counting, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return sandbox, counting, f"http://127.0.0.1:{server.server_port}"


def load_catalogue(sandbox, base_url: str):
    from devtools.demo import accounts_from_sandbox_config
    from providers import services
    from providers.models import ProviderAccount

    for cfg in accounts_from_sandbox_config(sandbox.print_config(base_url)):
        account = ProviderAccount.objects.create(
            kind=cfg.kind, name=cfg.name, config=cfg.config, credentials=cfg.credentials
        )
        services.sync_account(account)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def summary(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples) * 1000:.2f} ms, "
        f"p95 {sorted(samples)[int(len(samples) * 0.95) - 1] * 1000:.2f} ms"
    )
