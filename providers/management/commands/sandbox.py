"""``python manage.py sandbox``: serve the provider sandbox on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from werkzeug.serving import run_simple

from providers.sandbox import build_sandbox
from providers.sandbox.core import load_env_faults, parse_fault_option


class Command(BaseCommand):
    help = "Serve the provider sandbox (Thia, Workways, Zentry, 4Spaces) on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--reset", action="store_true", help="restore the seed data")
        parser.add_argument(
            "--print-config",
            action="store_true",
            help="print base URLs and demo credentials as JSON, then exit",
        )
        parser.add_argument(
            "--state",
            default=str(Path(settings.VAR_DIR) / "sandbox.json"),
            help="file that keeps the sandbox's state across restarts",
        )
        parser.add_argument(
            "--fault",
            action="append",
            default=[],
            metavar="PROVIDER:KEY=VALUE[,KEY=VALUE]",
            help="inject faults, e.g. thia:error_rate=0.3,latency_ms=200 (repeatable)",
        )
        parser.add_argument("--fault-seed", type=int, default=0)

    def handle(self, *args, **options):
        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a TCP port")
        sandbox = build_sandbox(state_path=Path(options["state"]), fault_seed=options["fault_seed"])
        if options["reset"]:
            sandbox.store.reset()
        if options["print_config"]:
            self.stdout.write(
                json.dumps(sandbox.print_config(f"http://127.0.0.1:{port}"), indent=2)
            )
            return
        try:
            load_env_faults(sandbox)
            for option in options["fault"]:
                provider, values = parse_fault_option(option)
                sandbox.apply_faults({provider: values})
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Provider sandbox on http://127.0.0.1:{port}/ (state: {options['state']})"
        )
        run_simple("127.0.0.1", port, sandbox, threaded=True, use_reloader=False)
