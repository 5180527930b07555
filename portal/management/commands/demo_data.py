"""``python manage.py demo_data``: the demo accounts (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.models import User

# Demo-only credentials, printed by `make run`. Never used outside a local demo.
DEMO_ACCOUNTS = [
    {
        "email": "member@example.com",
        "password": "member-demo-pass",
        "first_name": "Camille",
        "last_name": "Martin",
        "phone": "+33 6 12 34 56 78",
        "company": "Martin Conseil",
        "language": "en",
        "timezone": "Europe/Paris",
        "is_staff": False,
        "is_superuser": False,
    },
    {
        "email": "staff@example.com",
        "password": "staff-demo-pass",
        "first_name": "Sam",
        "last_name": "Operator",
        "phone": "+353 1 555 0100",
        "company": "Coworking Portal",
        "language": "en",
        "timezone": "Europe/Dublin",
        "is_staff": True,
        "is_superuser": True,
    },
]


class Command(BaseCommand):
    help = "Create (or reset the passwords of) the demo member and staff accounts."

    @transaction.atomic
    def handle(self, *args, **options):
        for account in DEMO_ACCOUNTS:
            fields = {k: v for k, v in account.items() if k not in {"email", "password"}}
            user, created = User.objects.update_or_create(email=account["email"], defaults=fields)
            user.set_password(account["password"])
            user.save(update_fields=["password"])
            role = "staff" if user.is_staff else "member"
            self.stdout.write(
                f"  {role:<7} {account['email']:<22} password: {account['password']}"
                + ("  (created)" if created else "")
            )
