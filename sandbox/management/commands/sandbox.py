"""``python manage.py sandbox``: the sandbox's command line with the portal's state folder.

Installed only in development (``DEBUG``, see ``portal.settings``); the same options work
as ``python -m sandbox``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox import cli


class Command(BaseCommand):
    help = "Serve the provider sandbox (Thia, Workways, Zentry, 4Spaces) on 127.0.0.1."

    def add_arguments(self, parser):
        cli.add_arguments(parser, Path(settings.VAR_DIR) / "sandbox.json")

    def handle(self, *args, **options):
        try:
            cli.run(
                port=options["port"],
                state=options["state"],
                reset=options["reset"],
                print_config=options["print_config"],
                fault=options["fault"],
                fault_seed=options["fault_seed"],
                out=self.stdout,
            )
        except cli.UsageError as exc:
            raise CommandError(str(exc)) from None
