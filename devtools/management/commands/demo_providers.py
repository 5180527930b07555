"""``python manage.py demo_providers``: provider accounts for the sandbox (idempotent).

Reads the same JSON as ``manage.py sandbox --print-config`` and creates or updates one
account per sandbox provider account, marked due so beat syncs them as soon as it ticks.
"""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from devtools.demo import accounts_from_sandbox_config
from providers.models import ProviderAccount


class Command(BaseCommand):
    help = "Create the sandbox's provider accounts (from sandbox --print-config)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8001, help="the sandbox's port")

    def handle(self, *args, **options):
        out = io.StringIO()
        call_command("sandbox", print_config=True, port=options["port"], stdout=out)
        config = json.loads(out.getvalue())
        with transaction.atomic():
            for account in accounts_from_sandbox_config(config):
                row, _created = ProviderAccount.objects.update_or_create(
                    name=account.name,
                    defaults={
                        "kind": account.kind,
                        "config": account.config,
                        "credentials": account.credentials,
                        "enabled": True,
                        "last_sync_at": None,  # due now: beat syncs it at its next tick
                    },
                )
                self.stdout.write(f"  {row.label:<9} {row.name}")
