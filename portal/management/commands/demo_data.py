"""``python manage.py demo_data``: the demo accounts (idempotent)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from portal import roles
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
    # staff with a role (``portal.roles``): what an operator and a viewer see and may do
    {
        "email": "operator@example.com",
        "password": "operator-demo-pass",
        "first_name": "Olive",
        "last_name": "Desk",
        "language": "en",
        "timezone": "Europe/Paris",
        "is_staff": True,
        "is_superuser": False,
        "role": roles.OPERATOR,
    },
    {
        "email": "viewer@example.com",
        "password": "viewer-demo-pass",
        "first_name": "Vic",
        "last_name": "Reader",
        "language": "en",
        "timezone": "Europe/Paris",
        "is_staff": True,
        "is_superuser": False,
        "role": roles.VIEWER,
    },
]


class Command(BaseCommand):
    help = "Create (or reset the passwords of) the demo member and staff accounts."

    @transaction.atomic
    def handle(self, *args, **options):
        roles.sync_roles()  # the groups exist after migrate; this makes sure
        for account in DEMO_ACCOUNTS:
            fields = {k: v for k, v in account.items() if k not in {"email", "password", "role"}}
            user, created = User.objects.update_or_create(email=account["email"], defaults=fields)
            user.set_password(account["password"])
            user.save(update_fields=["password"])
            if "role" in account:
                user.groups.set([Group.objects.get(name=account["role"])])
            role = str(account.get("role", "staff" if user.is_staff else "member")).lower()
            self.stdout.write(
                f"  {role:<8} {account['email']:<22} password: {account['password']}"
                + ("  (created)" if created else "")
            )
