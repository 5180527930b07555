"""``python manage.py devrun`` (what ``make run`` calls): the whole product, one command.

Migrates, loads the demo data, chooses the broker (``REDIS_URL`` if set; else a local
``redis-server`` started for this run when one is installed; else the embedded
filesystem broker), prints where to go and how to log in, then replaces itself with
honcho running web, Celery worker, Celery beat and the provider sandbox from the
Procfile. Ctrl-C stops every one of them.
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


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
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

    def handle(self, *args, **options):
        for port, what in ((WEB_PORT, "the web server"), (SANDBOX_PORT, "the provider sandbox")):
            if not _port_free(port):
                raise CommandError(
                    f"Port {port} on 127.0.0.1 is taken, so {what} cannot start. Stop whatever "
                    f"uses it (`ss -ltnp | grep {port}`) and run `make run` again."
                )
        var = Path(settings.VAR_DIR)
        var.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        bindir = str(Path(sys.executable).parent)
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        env.setdefault("PYTHONUNBUFFERED", "1")
        env["PORTAL_VAR_DIR"] = str(var)
        env["WEB_PORT"] = str(WEB_PORT)
        env["SANDBOX_PORT"] = str(SANDBOX_PORT)
        processes = ["web", "worker", "beat", "sandbox"]

        redis_server = shutil.which("redis-server")
        if os.environ.get("REDIS_URL"):
            broker = f"Redis at {os.environ['REDIS_URL']} (from REDIS_URL)"
        elif redis_server and _port_free(LOCAL_REDIS_PORT):
            env["REDIS_URL"] = f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/0"
            env["LOCAL_REDIS_PORT"] = str(LOCAL_REDIS_PORT)
            (var / "redis").mkdir(exist_ok=True)
            processes.append("redis")
            broker = f"local Redis on 127.0.0.1:{LOCAL_REDIS_PORT} (started by this run)"
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
        call_command("demo_providers", port=SANDBOX_PORT, stdout=self.stdout)

        self.stdout.write(
            self.style.SUCCESS(
                f"\nCoworking Portal: http://127.0.0.1:{WEB_PORT}/  "
                f"(staff panel: http://127.0.0.1:{WEB_PORT}/admin/)\n"
                f"Provider sandbox: http://127.0.0.1:{SANDBOX_PORT}/\n"
                f"Task broker and cache: {broker}\n"
                "Log in with an account above. Emails are printed here. Ctrl-C stops everything.\n"
            )
        )
        if options["no_exec"]:
            return
        procfile = str(Path(settings.BASE_DIR) / "Procfile")
        honcho = str(Path(bindir) / "honcho")
        os.chdir(settings.BASE_DIR)
        sys.stdout.flush()
        os.execvpe(honcho, [honcho, "-f", procfile, "start", *processes], env)  # noqa: S606
