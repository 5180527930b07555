"""``python manage.py devrun`` (what ``make run`` calls): the whole product, one command.

Migrates, loads the demo data, collects the static files, chooses the broker
(``REDIS_URL`` if set; else a local ``redis-server`` started for this run when one is
installed; else the embedded filesystem broker), prints where to go and how to log in,
then replaces itself with honcho running web, Celery worker, Celery beat and the
provider sandbox from the Procfile: web is gunicorn with WhiteNoise serving the
collected files. ``--dev`` (what ``make dev`` calls) uses Procfile.dev instead: web is
Django's runserver, which restarts itself when a Python file changes, and static files
are read from the source folders. Ctrl-C stops every one of them.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.env import env_int

# Overridable so two runs (or the test of this command) can live side by side.
WEB_PORT = env_int("WEB_PORT", 8000, minimum=1)
SANDBOX_PORT = env_int("SANDBOX_PORT", 8001, minimum=1)
LOCAL_REDIS_PORT = env_int("LOCAL_REDIS_PORT", 6390, minimum=1)


def _dotenv(folder: Path) -> dict[str, str]:
    """What honcho reads from ``folder/.env`` and gives every process it starts, over the
    environment: this command reads it too, so the ports it checks and prints and the
    site URL in emails and calendar files are the ones the processes use."""
    path = folder / ".env"
    if not path.is_file():
        return {}
    from honcho.environ import parse

    return dict(parse(path.read_text(encoding="utf-8")))


def _port(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise CommandError(f"{name}={raw!r} is not a port number (1 to 65535).")
    return int(raw)


def _port_free(port: int) -> bool:
    """Whether a server can listen on 127.0.0.1:``port`` now.

    The probe binds as the servers do, with SO_REUSEADDR (gunicorn, runserver, werkzeug
    and redis-server all set it): the connections a stopped server leaves in TIME_WAIT
    for a minute do not keep it from listening again, while a socket that listens does.
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = "Start web, Celery worker and beat, and the provider sandbox (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-exec", action="store_true", help="prepare and print, but do not start"
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="development mode (make dev): runserver restarting on code changes, "
            "static files read from the source folders",
        )

    def handle(self, *args, **options):
        dev = options["dev"]
        command = "dev" if dev else "run"
        env = dict(os.environ)
        env.update(_dotenv(Path(settings.BASE_DIR)))
        web_port = _port(env, "WEB_PORT", WEB_PORT)
        sandbox_port = _port(env, "SANDBOX_PORT", SANDBOX_PORT)
        local_redis_port = _port(env, "LOCAL_REDIS_PORT", LOCAL_REDIS_PORT)
        named = {"WEB_PORT": web_port, "SANDBOX_PORT": sandbox_port}
        if not env.get("REDIS_URL"):
            named["LOCAL_REDIS_PORT"] = local_redis_port
        for port in set(named.values()):
            sharing = [name for name, value in named.items() if value == port]
            if len(sharing) > 1:
                raise CommandError(
                    f"{' and '.join(sharing)} are both {port}: each server needs its own "
                    f"port. Give them different values and run `make {command}` again."
                )
        for port, what in ((web_port, "the web server"), (sandbox_port, "the provider sandbox")):
            if not _port_free(port):
                raise CommandError(
                    f"Port {port} on 127.0.0.1 is taken, so {what} cannot start. Stop whatever "
                    f"uses it (`ss -ltnp | grep {port}`) and run `make {command}` again."
                )
        var = Path(settings.VAR_DIR)
        var.mkdir(parents=True, exist_ok=True)
        bindir = str(Path(sys.executable).parent)
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        env.setdefault("PYTHONUNBUFFERED", "1")
        env["PORTAL_VAR_DIR"] = str(var)
        env["WEB_PORT"] = str(web_port)
        env["SANDBOX_PORT"] = str(sandbox_port)
        # Emails and calendar links point at the port this run serves (unless SITE_URL says
        # where the portal is reached from).
        site_url = env.get("SITE_URL") or f"http://127.0.0.1:{web_port}"
        env["SITE_URL"] = site_url
        if not dev:
            env["STATIC_AUTOREFRESH"] = "false"  # gunicorn serves the collected files
            # the product as members see it: the portal's 404 and 500 pages, not Django's
            # debug pages (`make dev` keeps those, for whoever changes the code)
            env.setdefault("DEBUG_ERROR_PAGES", "false")
        processes = ["web", "worker", "beat", "sandbox"]

        redis_server = shutil.which("redis-server")
        if env.get("REDIS_URL"):
            broker = f"Redis at {env['REDIS_URL']} (from REDIS_URL)"
        elif redis_server and _port_free(local_redis_port):
            env["REDIS_URL"] = f"redis://127.0.0.1:{local_redis_port}/0"
            env["LOCAL_REDIS_PORT"] = str(local_redis_port)
            (var / "redis").mkdir(exist_ok=True)
            processes.append("redis")
            broker = f"local Redis on 127.0.0.1:{local_redis_port} (started by this run)"
        else:
            env.pop("REDIS_URL", None)
            broker = (
                "the embedded filesystem broker under var/celery and the cache under "
                "var/cache, shared by every process (install redis-server to use Redis)"
            )
            from portal.celery import ensure_broker_folders

            ensure_broker_folders()

        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Demo accounts:")
        call_command("demo_data", stdout=self.stdout)
        self.stdout.write("Provider accounts (the sandbox; synced by the worker within a minute):")
        call_command("demo_providers", port=sandbox_port, stdout=self.stdout)
        if not dev:
            self.stdout.write(f"Collecting static files into {settings.STATIC_ROOT}…")
            call_command("collectstatic", interactive=False, verbosity=0)

        web_server = (
            "runserver, restarting when a Python file changes (restart `make dev` for the "
            "worker and beat)"
            if dev
            else "gunicorn, static files by WhiteNoise (`make dev` reloads on changes)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"\nCoworking Portal: http://127.0.0.1:{web_port}/  "
                f"(staff panel: http://127.0.0.1:{web_port}/admin/)\n"
                f"Web server: {web_server}\n"
                f"Links in emails and calendars: {site_url}\n"
                f"Provider sandbox: http://127.0.0.1:{sandbox_port}/\n"
                f"Task broker and cache: {broker}\n"
                "Log in with an account above. Emails are printed here. Ctrl-C stops everything.\n"
            )
        )
        if options["no_exec"]:
            return
        procfile = str(Path(settings.BASE_DIR) / ("Procfile.dev" if dev else "Procfile"))
        honcho = str(Path(bindir) / "honcho")
        os.chdir(settings.BASE_DIR)
        sys.stdout.flush()
        os.execvpe(honcho, [honcho, "-f", procfile, "start", *processes], env)  # noqa: S606
